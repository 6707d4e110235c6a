/* cmd_ingest.c - "observa ingest": institutions' files into the store. */
#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/snapshot.h"
#include "ingest/ingest.h"

#include <getopt.h>
#include <unistd.h>

void cmd_ingest_usage(FILE *out)
{
	fprintf(out,
	        "uso / usage: observa ingest [-d DIR] --source FUENTE [--period P] [--dry-run]\n"
	        "                            [--sheet HOJA] [--quiet] ARCHIVO...\n\n"
	        "Ingesta archivos de una fuente (perfil DIR/catalog/sources/FUENTE.ini): lee el\n"
	        "CSV (UTF-8 o Windows-1252, delimitador detectado, filas de título, totales y\n"
	        "notas al pie) o la hoja de un libro .xlsx o .xls tal como se ve, mapea municipios, fechas, edades, sexo, armas y delitos por los\n"
	        "cruces del catálogo, valida y guarda cada archivo en una sola transacción.\n"
	        "Las filas rechazadas quedan en cuarentena (observa quarantine) con su motivo;\n"
	        "filas leídas = aceptadas + rechazadas. El mismo archivo otra vez no cambia nada;\n"
	        "un archivo nuevo para el mismo periodo sustituye al anterior (queda en la bitácora).\n"
	        "Cada archivo cubre un periodo: el declarado con --period; si no, el que dice el\n"
	        "nombre del archivo o el mes, trimestre o año con más de la mitad de las filas;\n"
	        "nunca de la primera a la última fecha. Las filas fuera de él van a cuarentena\n"
	        "(o se aceptan con aviso: outside_period = warn en el perfil). Una columna que\n"
	        "parece personal (nombre, documento, dirección, teléfono...) y que el perfil no\n"
	        "protege detiene el archivo entero.\n\n"
	        "Ingests files of one source into the store, one transaction per file.\n\n"
	        "  -d, --dir DIR      observatorio (por defecto, el directorio actual)\n"
	        "  -s, --source CODE  código de la fuente, p. ej. sv-pnc\n"
	        "  -p, --period P     periodo que cubre cada archivo: 2020, 2020-Q1, 2020-03,\n"
	        "                     2020-01..2020-06 o 2020-01-01..2020-06-30\n"
	        "  -n, --dry-run      valida sin guardar\n"
	        "      --sheet HOJA   .xlsx y .xls: la hoja, por nombre o número desde 1 (por\n"
	        "                     defecto la del perfil, [file] sheet, o la primera)\n"
	        "  -q, --quiet        sin resumen ni barra de progreso\n"
	        "      --no-snapshot  no reconstruir la instantánea del motor al terminar\n"
	        "                     (para cargas por lotes: luego «observa snapshot»)\n\n"
	        "Salida / exit status: 0 todo ingestado, 1 algún archivo rechazado entero,\n"
	        "2 uso incorrecto, 3 error del almacén.\n");
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

static void summary(const char *file, const struct ob_ingest_result *r, bool dry)
{
	if (r->already) {
		OB_INFO("%s: ya ingestado (envío %lld); nada cambia",
		        "%s: already ingested (submission %lld); nothing changes", file, r->submission);
		return;
	}
	printf("%s: %s%lld filas leídas = %lld aceptadas + %lld rechazadas; %lld víctimas en "
	       "las aceptadas; %lld con avisos; periodo %s (%s a %s)",
	       file, dry ? "[prueba] " : "", r->rows_read, r->accepted, r->rejected, r->victims,
	       r->warned, r->period, r->period_from, r->period_to);
	if (r->footer_rows)
		printf("; %lld filas de totales o notas al pie omitidas", r->footer_rows);
	if (r->outside_period)
		printf("; %lld fuera del periodo", r->outside_period);
	if (r->submission)
		printf("; envío %lld", r->submission);
	if (r->superseded)
		printf(" (versión %lld, sustituye al envío %lld%s)", r->version, r->superseded,
		       r->nsuperseded > 1 ? " y a otros que cubre" : "");
	printf("\n  periodo: %s\n", r->period_note);
}

int cmd_ingest(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "period", required_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "no-snapshot", no_argument, NULL, 'S' },
		{ "sheet", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_ingest_options o = { 0 };
	const char *source = NULL;
	struct ob_store *s;
	int c, status = OB_EXIT_OK;
	bool changed = false, snapshot = true;

	while ((c = getopt_long(argc, argv, "s:p:n", longopts, NULL)) != -1) {
		switch (c) {
		case 's': source = optarg; break;
		case 'p': o.period = optarg; break;
		case 'n': o.dry_run = true; break;
		case 'S': snapshot = false; break;
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
	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING)))
		return OB_EXIT_SYSTEM;
	o.progress = !ctx->quiet;
	for (int i = optind; i < argc; i++) {
		struct ob_ingest_result r;
		struct ob_diag d;
		ob_err e;

		ob_diag_clear(&d);
		e = ob_ingest_file(s, source, argv[i], &o, &r, &d);
		encoding_warning(argv[i], &r);
		if (e) {
			ob_cli_diag(&d);
			OB_ERROR("%s: no se ingestó nada de este archivo",
			         "%s: nothing of this file was ingested", argv[i]);
			if (ob_cli_status(e) > status)
				status = ob_cli_status(e);
			if (e == OB_ENOSOURCE || e == OB_ESTORE || e == OB_EUSAGE)
				break;
			continue;
		}
		if (!ctx->quiet)
			summary(argv[i], &r, o.dry_run);
		changed |= !o.dry_run && !r.already && r.submission > 0;
	}
	if (changed && snapshot) {
		/* the engine reads a snapshot of the current records: rebuild it once */
		struct ob_diag d;

		ob_diag_clear(&d);
		if (ob_snapshot_build(s, ctx->dir, &d)) {
			ob_cli_diag(&d);
			OB_ERROR("no se pudo reconstruir la instantánea; hágalo con «observa snapshot»",
			         "the snapshot could not be rebuilt; rebuild it with «observa snapshot»");
			if (status < OB_EXIT_SYSTEM)
				status = OB_EXIT_SYSTEM;
		}
	}
	return status;
}
