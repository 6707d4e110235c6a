/* cmd_ingest.c - "observa ingest": institutions' files into the store. */
#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/snapshot.h"
#include "ingest/ingest.h"
#include "ingest/reasons.h"
#include "io/json.h"
#include "io/rows.h"

#include <getopt.h>
#include <unistd.h>

void cmd_ingest_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa ingest [-d DIR] --source FUENTE [--period P] [--dry-run]\n"
	"                    [--reprocess] [--sheet HOJA] [--format text|json]\n"
	"                    [--quiet] ARCHIVO...\n\n"
	"Ingesta archivos de una fuente (perfil DIR/catalog/sources/FUENTE.ini): lee el\n"
	"CSV (UTF-8 o Windows-1252, delimitador detectado, filas de título, totales y\n"
	"notas al pie) o la hoja de un libro .xlsx o .xls tal como se ve, mapea\n"
	"municipios, fechas, edades, sexo, armas y delitos por los cruces del catálogo,\n"
	"valida y guarda cada archivo en una sola transacción.\n"
	"Las filas rechazadas quedan en cuarentena (observa quarantine) con su motivo;\n"
	"filas leídas = aceptadas + rechazadas; el resumen da los motivos más frecuentes\n"
	"de rechazo y de aviso, con su columna y ejemplos. El mismo archivo otra vez no\n"
	"cambia nada, salvo con --reprocess, que lo vuelve a leer con el perfil y los\n"
	"cruces actuales; un archivo nuevo para el mismo periodo sustituye al anterior\n"
	"(queda en la bitácora).\n"
	"Cada archivo cubre un periodo: el declarado con --period; si no, el que dice el\n"
	"nombre del archivo o el mes, trimestre o año con más de la mitad de las filas;\n"
	"nunca de la primera a la última fecha. Las filas fuera de él van a cuarentena\n"
	"(o se aceptan con aviso: outside_period = warn en el perfil). Una columna que\n"
	"parece personal (nombre, documento, dirección, teléfono...) y que el perfil no\n"
	"protege detiene el archivo entero.\n\n"
	"  -d, --dir DIR      observatorio (por defecto, el directorio actual)\n"
	"  -s, --source FUENTE  código de la fuente, p. ej. sv-pnc\n"
	"  -p, --period P     periodo que cubre cada archivo: 2020, 2020-Q1, 2020-03,\n"
	"                     2020-01..2020-06 o 2020-01-01..2020-06-30\n"
	"  -n, --dry-run      valida sin guardar (y muestra los motivos)\n"
	"  -r, --reprocess    vuelve a leer un archivo ya ingestado con el perfil y los\n"
	"                     cruces actuales, como nueva versión de su periodo; con el\n"
	"                     mismo perfil y cruces no cambia nada\n"
	"      --format F     text (por omisión) o json: el resumen de cada archivo, con\n"
	"                     sus motivos (reasons) y avisos (warnings)\n"
	"      --sheet HOJA   .xlsx y .xls: la hoja, por nombre o número desde 1 (por\n"
	"                     defecto la del perfil, [file] sheet, o la primera)\n"
	"  -q, --quiet        sin resumen ni barra de progreso\n"
	"      --no-snapshot  no reconstruir la instantánea del motor al terminar\n"
	"                     (para cargas por lotes: luego «observa snapshot»)\n"
	"      --no-alerts    no calcular al terminar las alertas del país de la fuente\n"
	"                     (observa alerts)\n\n"
	"Salida: 0 todo ingestado, 1 algún archivo rechazado entero, 2 uso incorrecto,\n"
	"3 error del almacén.\n",
	"usage: observa ingest [-d DIR] --source SOURCE [--period P] [--dry-run]\n"
	"                      [--reprocess] [--sheet SHEET] [--format text|json]\n"
	"                      [--quiet] FILE...\n\n"
	"Ingests files of one source (profile DIR/catalog/sources/SOURCE.ini): reads\n"
	"the CSV (UTF-8 or Windows-1252, delimiter detected, title rows, totals and\n"
	"footnotes) or the sheet of an .xlsx or .xls workbook as displayed, maps\n"
	"municipalities, dates, ages, sex, weapons and crimes through the catalogue's\n"
	"crosswalks, validates, and saves each file in one transaction.\n"
	"Rejected rows stay in the quarantine (observa quarantine) with their reason;\n"
	"rows read = accepted + rejected; the summary gives the most frequent reasons\n"
	"for rejection and warning, with their column and examples. The same file\n"
	"again changes nothing, except with --reprocess, which reads it again with the\n"
	"current profile and crosswalks; a new file for the same period supersedes the\n"
	"previous one (which stays in the logbook).\n"
	"Each file covers one period: the one declared with --period; otherwise the one\n"
	"the file name states, or the month, quarter or year holding more than half of\n"
	"the rows; never from the first to the last date. Rows outside it go to the\n"
	"quarantine (or are accepted with a warning: outside_period = warn in the\n"
	"profile). A column that looks personal (name, document, address, telephone...)\n"
	"and that the profile does not protect stops the whole file.\n\n"
	"  -d, --dir DIR      the observatory (default: the current directory)\n"
	"  -s, --source SOURCE  the source's code, e.g. sv-pnc\n"
	"  -p, --period P     the period each file covers: 2020, 2020-Q1, 2020-03,\n"
	"                     2020-01..2020-06 or 2020-01-01..2020-06-30\n"
	"  -n, --dry-run      validate without saving (and show the reasons)\n"
	"  -r, --reprocess    read a file already ingested again with the current\n"
	"                     profile and crosswalks, as a new version of its period;\n"
	"                     with the same profile and crosswalks nothing changes\n"
	"      --format F     text (default) or json: each file's summary, with its\n"
	"                     reasons and warnings\n"
	"      --sheet SHEET  .xlsx and .xls: the sheet, by name or number from 1\n"
	"                     (default: the profile's, [file] sheet, or the first)\n"
	"  -q, --quiet        no summary and no progress bar\n"
	"      --no-snapshot  do not rebuild the engine snapshot at the end (for batch\n"
	"                     loads: then \"observa snapshot\")\n"
	"      --no-alerts    do not compute the alerts of the source's country at the\n"
	"                     end (observa alerts)\n\n"
	"Exit status: 0 all ingested, 1 some file refused whole, 2 usage error,\n"
	"3 store error.\n"), out);
}

/* The file's bytes contradict the profile's encoding: say so, with examples
 * of both readings (also when the file is refused for another reason). */
static void encoding_warning(const char *file, const struct ob_ingest_result *r)
{
	const struct ob_csv_encoding_check *c = &r->encoding_check;

	if (!c->contradicted)
		return;
	OB_WARN("%s: el perfil dice %s pero el archivo no lo está; se lee en %s",
	        "%s: the profile says %s but the file is not; it is read as %s", file,
	        ob_encoding_name(c->given), r->encoding[0] ? r->encoding : "?");
	for (size_t i = 0; i < c->nexamples; i++)
		OB_WARN("%s:%ld:%ld: en %s «%s», en %s «%s»", "%s:%ld:%ld: in %s «%s», in %s «%s»",
		        file, c->examples[i].line,
		        c->examples[i].column, ob_encoding_name(c->given), c->examples[i].as_given,
		        r->encoding, c->examples[i].as_read);
}

/* One table of reasons (rejections or warnings), aligned, on stdout. */
static void reasons_table(const struct ob_reason *v, size_t n, long long keys)
{
	static const struct ob_rows_col cols_es[] = {
		{ "n", OB_ROWS_NUMBER_COL }, { "motivo", OB_ROWS_TEXT_COL },
		{ "clave", OB_ROWS_TEXT_COL }, { "columna", OB_ROWS_TEXT_COL },
		{ "ejemplos", OB_ROWS_TEXT_COL },
	};
	static const struct ob_rows_col cols_en[] = {
		{ "n", OB_ROWS_NUMBER_COL }, { "reason", OB_ROWS_TEXT_COL },
		{ "key", OB_ROWS_TEXT_COL }, { "column", OB_ROWS_TEXT_COL },
		{ "examples", OB_ROWS_TEXT_COL },
	};
	struct ob_rows w;

	fflush(stdout);
	ob_rows_begin(&w, OB_ROWS_TEXT, NULL, stdout, OB_TR(cols_es, cols_en), OB_ARRAY_SIZE(cols_es));
	for (size_t i = 0; i < n; i++) {
		char col[OB_MAX_REASON_TEXT + 64], ex[OB_MAX_REASON_EXAMPLES * (OB_MAX_REASON_TEXT + 4)];
		size_t used = 0;

		if (v[i].column && v[i].column_name[0])
			snprintf(col, sizeof(col), "%s (%ld)", v[i].column_name, v[i].column);
		else if (v[i].column)
			snprintf(col, sizeof(col), "(%ld)", v[i].column);
		else if (v[i].field[0])
			snprintf(col, sizeof(col), OB_TR("%s (del perfil)", "%s (from the profile)"),
			         v[i].field);
		else
			ob_strlcpy(col, "-", sizeof(col));
		ex[0] = '\0';
		for (size_t k = 0; k < v[i].nexamples && used < sizeof(ex); k++)
			used += (size_t)snprintf(ex + used, sizeof(ex) - used, "%s«%s»", k ? ", " : "",
			                         v[i].example[k]);
		ob_rows_int(&w, v[i].count);
		ob_rows_str(&w, ob_reason_text(v[i].kind));
		ob_rows_str(&w, v[i].kind);
		ob_rows_str(&w, col);
		ob_rows_str(&w, ex);
		ob_rows_end_row(&w);
	}
	ob_rows_end(&w);
	if (keys > (long long)n)
		printf(OB_TR("  (y %lld motivos más; observa quarantine los lista todos)\n",
		             "  (and %lld more reasons; observa quarantine lists them all)\n"),
		       keys - (long long)n);
}

/* What was rejected and warned, and, when most rows of a delivery taken in
 * were rejected, what to do next (a refused file's error says it). */
static void reasons(const char *source, const char *file, const struct ob_ingest_result *r,
                    bool dry, bool refused)
{
	if (!refused && r->rejected && r->rejected * 2 > r->rows_read) {
		if (r->rejected == r->rows_read)
			printf(OB_TR("\nATENCIÓN: se rechazaron todas las filas (%lld).\n",
			             "\nATTENTION: every row was rejected (%lld).\n"), r->rejected);
		else
			printf(OB_TR("\nATENCIÓN: se rechazó la mayoría de las filas: %lld de %lld.\n",
			             "\nATTENTION: most rows were rejected: %lld of %lld.\n"),
			       r->rejected, r->rows_read);
		printf(OB_TR("Qué hacer: si los motivos de abajo vienen del perfil, corrija [columns] o "
		             "[crosswalks] del perfil %s (o los cruces del catálogo) y vuelva a leer el "
		             "archivo con\n"
		             "  observa ingest --reprocess --source %s %s\n"
		             "si vienen de los datos, pida a la institución un archivo corregido.\n",
		             "What to do: if the reasons below come from the profile, fix [columns] or "
		             "[crosswalks] of the profile %s (or the catalogue's crosswalks) and read the "
		             "file again with\n"
		             "  observa ingest --reprocess --source %s %s\n"
		             "if they come from the data, ask the institution for a corrected file.\n"),
		       source, source, file);
		if (dry)
			printf(OB_TR("(en una prueba no se guarda nada: sin --dry-run las filas rechazadas "
			             "quedan en la cuarentena)\n",
			             "(a dry run keeps nothing: without --dry-run the rejected rows are "
			             "kept in the quarantine)\n"));
		else if (r->submission)
			printf(OB_TR("«observa quarantine --submission %lld» lista las filas rechazadas.\n",
			             "«observa quarantine --submission %lld» lists the rejected rows.\n"),
			       r->submission);
	}
	if (r->nreasons) {
		printf(OB_TR("\nMotivos de rechazo (filas):\n", "\nReasons for rejection (rows):\n"));
		reasons_table(r->reasons, r->nreasons, r->nreason_keys);
	}
	if (r->nwarning_reasons) {
		printf(OB_TR("\nAvisos (filas aceptadas con un valor que no se tomó como venía):\n",
		             "\nWarnings (accepted rows with a value not taken as it came):\n"));
		reasons_table(r->warning_reasons, r->nwarning_reasons, r->nwarning_keys);
	}
}

static void summary(const char *source, const char *file, const struct ob_ingest_result *r,
                    bool dry)
{
	if (r->already && r->unchanged) {
		OB_INFO("%s: ya ingestado (envío %lld) con este mismo perfil y los mismos cruces; "
		        "--reprocess no cambia nada: corrija primero el perfil o los cruces",
		        "%s: already ingested (submission %lld) with this same profile and the same "
		        "crosswalks; --reprocess changes nothing: fix the profile or the crosswalks "
		        "first", file, r->submission);
		return;
	}
	if (r->already) {
		OB_INFO("%s: ya ingestado (envío %lld); nada cambia; --reprocess lo vuelve a leer "
		        "con el perfil y los cruces actuales",
		        "%s: already ingested (submission %lld); nothing changes; --reprocess reads "
		        "it again with the current profile and crosswalks", file, r->submission);
		return;
	}
	printf(OB_TR("%s: %s%lld filas leídas = %lld aceptadas + %lld rechazadas; %lld víctimas "
	             "en las aceptadas; %lld con avisos; periodo %s (%s a %s)",
	             "%s: %s%lld rows read = %lld accepted + %lld rejected; %lld victims in the "
	             "accepted; %lld with warnings; period %s (%s to %s)"),
	       file, dry ? OB_TR("[prueba] ", "[dry run] ") : "", r->rows_read, r->accepted,
	       r->rejected, r->victims, r->warned, r->period, r->period_from, r->period_to);
	if (r->footer_rows)
		printf(OB_TR("; %lld filas de totales o notas al pie omitidas",
		             "; %lld total or footnote rows skipped"), r->footer_rows);
	if (r->outside_period)
		printf(OB_TR("; %lld fuera del periodo", "; %lld outside the period"), r->outside_period);
	if (r->submission)
		printf(OB_TR("; envío %lld", "; submission %lld"), r->submission);
	if (r->superseded)
		printf(OB_TR(" (versión %lld, sustituye al envío %lld%s)",
		             " (version %lld, supersedes submission %lld%s)"), r->version, r->superseded,
		       r->nsuperseded > 1 ? OB_TR(" y a otros que cubre", " and others it covers") : "");
	if (r->reprocessed)
		printf(OB_TR("; vuelve a leer el envío %lld con el perfil %.12s",
		             "; reads submission %lld again with the profile %.12s"), r->reprocessed,
		       r->profile_sha256);
	printf(OB_TR("\n  periodo: %s\n", "\n  period: %s\n"), r->period_note);
	reasons(source, file, r, dry, false);
}

/* The summary of one file as a JSON object (one line): counts, period,
 * logbook entry, and the reasons and warnings arrays; error and message
 * when the file was refused. */
static void summary_json(const char *file, const struct ob_ingest_result *r, bool dry,
                         ob_err e, const struct ob_diag *d)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_MESSAGE * 16);
	struct ob_jw j = OB_JW_INIT(&b);

	ob_jw_c(&j, '{');
	ob_jw_key(&j, "file");
	ob_jw_str(&j, file);
	ob_jw_f(&j, ",\"dry_run\":%s,\"error\":", dry ? "true" : "false");
	if (e) {
		char msg[OB_MAX_MESSAGE];
		ob_diag_format(d, msg, sizeof(msg));
		ob_jw_str(&j, ob_err_name(e));
		ob_jw_s(&j, ",");
		ob_jw_key(&j, "message");
		ob_jw_str(&j, msg);
	} else {
		ob_jw_s(&j, "null");
	}
	ob_jw_f(&j, ",\"submission\":%lld,\"already\":%s,\"unchanged\":%s,\"reprocessed\":%lld,"
	        "\"superseded\":%lld,\"version\":%lld,\"rows_read\":%lld,\"accepted\":%lld,"
	        "\"rejected\":%lld,\"warned\":%lld,\"warnings\":%lld,\"victims\":%lld,"
	        "\"footer_rows\":%lld,\"outside_period\":%lld,", r->submission,
	        r->already ? "true" : "false", r->unchanged ? "true" : "false", r->reprocessed,
	        r->superseded, r->version, r->rows_read, r->accepted, r->rejected, r->warned,
	        r->warnings, r->victims, r->footer_rows, r->outside_period);
	ob_jw_key(&j, "period");
	ob_jw_str(&j, r->period[0] ? r->period : NULL);
	ob_jw_s(&j, ",");
	ob_jw_key(&j, "period_from");
	ob_jw_str(&j, r->period_from[0] ? r->period_from : NULL);
	ob_jw_s(&j, ",");
	ob_jw_key(&j, "period_to");
	ob_jw_str(&j, r->period_to[0] ? r->period_to : NULL);
	ob_jw_s(&j, ",");
	ob_jw_key(&j, "sha256");
	ob_jw_str(&j, r->sha256[0] ? r->sha256 : NULL);
	ob_jw_s(&j, ",");
	ob_jw_key(&j, "profile_sha256");
	ob_jw_str(&j, r->profile_sha256[0] ? r->profile_sha256 : NULL);
	ob_jw_s(&j, ",");
	ob_jw_key(&j, "crosswalks_sha256");
	ob_jw_str(&j, r->crosswalks_sha256[0] ? r->crosswalks_sha256 : NULL);
	ob_jw_s(&j, ",\"reasons\":");
	ob_reasons_array(&j, r->reasons, r->nreasons);
	ob_jw_s(&j, ",\"warnings\":");
	ob_reasons_array(&j, r->warning_reasons, r->nwarning_reasons);
	ob_jw_s(&j, "}\n");
	ob_jw_flush(&j, stdout);
	ob_buf_release(&b);
}

int cmd_ingest(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "period", required_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "reprocess", no_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "no-snapshot", no_argument, NULL, 'S' },
		{ "no-alerts", no_argument, NULL, 'A' },
		{ "sheet", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_ingest_options o = { 0 };
	const char *source = NULL, *format = "text";
	struct ob_store *s;
	int c, status = OB_EXIT_OK;
	bool changed = false, snapshot = true, alerts = true, json;

	while ((c = getopt_long(argc, argv, "s:p:nrf:", longopts, NULL)) != -1) {
		switch (c) {
		case 's': source = optarg; break;
		case 'p': o.period = optarg; break;
		case 'n': o.dry_run = true; break;
		case 'r': o.reprocess = true; break;
		case 'f': format = optarg; break;
		case 'S': snapshot = false; break;
		case 'A': alerts = false; break;
		case 'H': o.sheet = optarg; break;
		default: cmd_ingest_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (!source || optind >= argc) {
		OB_ERROR("falta %s", "%s is missing",
		         !source ? "--source" : OB_TR("ARCHIVO", "FILE"));
		cmd_ingest_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (strcmp(format, "text") && strcmp(format, "json")) {
		OB_ERROR("--format «%s»: se esperaba text o json", "--format «%s»: expected text or json",
		         format);
		return OB_EXIT_USAGE;
	}
	json = !strcmp(format, "json");
	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING)))
		return OB_EXIT_SYSTEM;
	o.progress = !ctx->quiet && !json;
	for (int i = optind; i < argc; i++) {
		struct ob_ingest_result r;
		struct ob_diag d;
		ob_err e;

		ob_diag_clear(&d);
		e = ob_ingest_file(s, source, argv[i], &o, &r, &d);
		encoding_warning(argv[i], &r);
		if (json)
			summary_json(argv[i], &r, o.dry_run, e, &d);
		if (e) {
			ob_cli_diag(&d);
			OB_ERROR("%s: no se ingestó nada de este archivo",
			         "%s: nothing of this file was ingested", argv[i]);
			if (!json && !ctx->quiet)
				reasons(source, argv[i], &r, o.dry_run, true);
			if (ob_cli_status(e) > status)
				status = ob_cli_status(e);
			if (e == OB_ENOSOURCE || e == OB_ESTORE || e == OB_EUSAGE)
				break;
			continue;
		}
		if (!json && !ctx->quiet)
			summary(source, argv[i], &r, o.dry_run);
		changed |= !o.dry_run && !r.already && r.submission > 0;
	}
	if (changed && snapshot) {
		/* the engine reads a snapshot of the current records: brought up
		 * to date once, by a delta of the new deliveries when it can */
		struct ob_diag d;

		ob_diag_clear(&d);
		if (ob_snapshot_update(s, ctx->dir, NULL, &d)) {
			ob_cli_diag(&d);
			OB_ERROR("no se pudo reconstruir la instantánea; hágalo con «observa snapshot»",
			         "the snapshot could not be rebuilt; rebuild it with «observa snapshot»");
			if (status < OB_EXIT_SYSTEM)
				status = OB_EXIT_SYSTEM;
		} else if (alerts && !json) {
			/* early warning over the new snapshot: one line; the
			 * delivery is in whatever the alerts say, so a failure
			 * there is reported but is not the ingest's */
			(void)cmd_alerts_after_ingest(ctx, source);
		}
	}
	return status;
}
