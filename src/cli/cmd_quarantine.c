/* cmd_quarantine.c - "observa quarantine": rejected rows with their reasons,
 * and (--warnings) the warnings of accepted rows. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/disclose.h"
#include "io/csvw.h"
#include "store/quarantine.h"

#include <getopt.h>

void cmd_quarantine_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa quarantine [-d DIR] [--warnings] [--source FUENTE]\n"
	"                        [--submission N] [--reason CLAVE] [--superseded]\n"
	"                        [--export ARCHIVO.csv] [--purpose TEXTO]\n\n"
	"Lista las filas rechazadas de las entregas vigentes: archivo, línea, columna,\n"
	"campo, valor y motivo. Con --warnings, los avisos de las filas aceptadas\n"
	"(valores no reconocidos, dejados vacíos, fechas fuera del periodo aceptadas,\n"
	"codificación). --reason lista solo los de una clave de motivo (la columna\n"
	"«clave» del resumen de observa ingest: category_unknown, tag_unmapped...).\n"
	"--superseded suma las de las entregas reemplazadas por otra posterior (las de\n"
	"un --submission se listan siempre); GET /api/v1/quarantine da las mismas.\n"
	"Con --export las escribe en CSV (UTF-8 con BOM, separado por ';', para abrir\n"
	"en una hoja de cálculo) con la fila original, para que la institución corrija.\n"
	"Los valores y las filas originales pueden tener nombres: antes de mostrar nada\n"
	"la lectura queda en la bitácora de auditoría (quién, qué, para qué, cuántas\n"
	"filas); --purpose dice para qué (obligatorio si lo exige «observa audit\n"
	"policy»).\n",
	"usage: observa quarantine [-d DIR] [--warnings] [--source SOURCE]\n"
	"                          [--submission N] [--reason KEY] [--superseded]\n"
	"                          [--export FILE.csv] [--purpose TEXT]\n\n"
	"Lists the rejected rows of the current deliveries: file, line, column, field,\n"
	"value and reason. With --warnings, the warnings of the accepted rows\n"
	"(values not recognised, left empty, dates outside the period accepted,\n"
	"encoding). --reason lists only those of one reason key (the column \"key\" of\n"
	"observa ingest's summary: category_unknown, tag_unmapped...).\n"
	"--superseded adds those of the deliveries a later one replaced (those of a\n"
	"--submission are always listed); GET /api/v1/quarantine gives the same.\n"
	"With --export it writes them as CSV (UTF-8 with a BOM, ';'-separated, to open\n"
	"in a spreadsheet) with the original row, for the institution to correct.\n"
	"Values and original rows may hold names: before anything is shown the read is\n"
	"written to the audit log (who, what, for what, how many rows); --purpose says\n"
	"what for (required when \"observa audit policy\" demands it).\n"), out);
}

struct listing {
	struct ob_csvw w;
	FILE *out;           /* the export, or NULL for the terminal */
	bool warnings;
	long long rows, max; /* rows written, and how many the audit entry counts */
};

static int quarantine_row(void *arg, const struct ob_quarantine_row *q)
{
	struct listing *l = arg;

	if (l->rows == l->max)
		return 1; /* rows added since the count are not in the entry */
	l->rows++;
	if (l->out) {
		ob_csvw_int(&l->w, q->submission);
		ob_csvw_str(&l->w, q->source);
		ob_csvw_str(&l->w, q->file_name);
		ob_csvw_int(&l->w, q->line);
		ob_csvw_int(&l->w, q->column);
		ob_csvw_str(&l->w, q->field);
		ob_csvw_str(&l->w, q->value);
		ob_csvw_str(&l->w, q->reason);
		if (!l->warnings)
			ob_csvw_str(&l->w, q->raw);
		ob_csvw_str(&l->w, q->kind);
		ob_csvw_end(&l->w);
		return 0;
	}
	printf("%s:%lld:%lld: [%s] %s%s%s%s\n", q->file_name, q->line, q->column, q->source,
	       q->reason, q->value ? OB_TR(" (valor «", " (value «") : "",
	       q->value ? q->value : "", q->value ? "»)" : "");
	return 0;
}

int cmd_quarantine(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "submission", required_argument, NULL, 'n' },
		{ "export", required_argument, NULL, 'e' },
		{ "purpose", required_argument, NULL, 'P' },
		{ "warnings", no_argument, NULL, 'w' },
		{ "reason", required_argument, NULL, 'r' },
		{ "superseded", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *source = NULL, *export = NULL, *purpose = NULL, *reason = NULL;
	bool warnings = false, superseded = false;
	struct ob_cli_read rd;
	char query[3 * OB_MAX_NAME + 64];
	long long sub = 0;
	struct ob_store *s;
	struct ob_quarantine_filter f;
	struct listing l;
	struct ob_diag d;
	int c, status = OB_EXIT_OK;
	long long rows = 0;

	while ((c = getopt_long(argc, argv, "s:n:e:P:wr:S", longopts, NULL)) != -1) {
		switch (c) {
		case 's': source = optarg; break;
		case 'n':
			if (!ob_parse_int(optarg, strlen(optarg), 1, INT64_MAX, &sub)) {
				OB_ERROR("--submission «%s»: se esperaba un número de envío (observa log "
				         "los lista)", "--submission «%s»: expected a submission number "
				         "(observa log lists them)", optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'e': export = optarg; break;
		case 'P': purpose = optarg; break;
		case 'w': warnings = true; break;
		case 'r': reason = optarg; break;
		case 'S': superseded = true; break;
		default: cmd_quarantine_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (source && strlen(source) >= OB_MAX_NAME) {
		OB_ERROR("--source: más de %d bytes; se esperaba el código de una fuente (observa "
		         "log las lista)", "--source: more than %d bytes; expected a source code "
		         "(observa log lists them)", OB_MAX_NAME - 1);
		return OB_EXIT_USAGE;
	}
	if (reason && strlen(reason) >= OB_MAX_NAME) {
		OB_ERROR("--reason: más de %d bytes; se esperaba una clave de motivo como "
		         "category_unknown", "--reason: more than %d bytes; expected a reason key "
		         "such as category_unknown", OB_MAX_NAME - 1);
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store_disclose(ctx)))
		return OB_EXIT_SYSTEM;
	if (!ob_cli_purpose_ok(s, purpose))
		return OB_EXIT_USAGE;
	ob_diag_clear(&d);
	/* the rows of the current deliveries, by source, submission and line */
	ob_quarantine_filter_init(&f, warnings);
	f.source = source;
	f.submission = sub;
	f.kind = reason;
	f.current_only = !superseded;
	f.order = OB_QUARANTINE_BY_FILE;
	/* how many rows will be shown, for the audit entry written before them */
	if (ob_store_quarantine_count(s, &f, &rows, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	if (sub)
		snprintf(query, sizeof(query), "source=%s submission=%lld", source ? source : "*", sub);
	else
		snprintf(query, sizeof(query), "source=%s submission=*", source ? source : "*");
	if (reason)
		snprintf(query + strlen(query), sizeof(query) - strlen(query), " reason=%s", reason);
	if (superseded)
		snprintf(query + strlen(query), sizeof(query) - strlen(query), " superseded=true");
	memset(&rd, 0, sizeof(rd));
	rd.purpose = purpose;
	rd.action = warnings ? (export ? "warning.export" : "warning.list")
	                     : (export ? "quarantine.export" : "quarantine.list");
	rd.object = warnings ? "warning" : "quarantine";
	rd.query = query;
	rd.to = export ? export : "stdout";
	rd.records = rows;
	if ((status = ob_cli_disclose(s, &rd)))
		return status;
	memset(&l, 0, sizeof(l));
	l.warnings = warnings;
	l.max = rd.records;
	if (export) {
		if (!(l.out = fopen(export, "w"))) {
			OB_ERROR("%s: %s; no se escribió nada: elija un archivo en una carpeta con "
			         "permiso de escritura", "%s: %s; nothing was written: choose a file in a "
			         "folder that can be written", export, strerror(errno));
			return OB_EXIT_FAIL;
		}
		fputs("\xEF\xBB\xBF", l.out);
		ob_csvw_init(&l.w, l.out, ';');
		static const char *const cols[] = { "envio", "fuente", "archivo", "linea", "columna",
		                                    "campo", "valor", "motivo", "fila_original",
		                                    "clave" };
		for (size_t i = 0; i < OB_ARRAY_SIZE(cols); i++)
			if (!warnings || i != 8)
				ob_csvw_str(&l.w, cols[i]);
		ob_csvw_end(&l.w);
	}
	if (ob_store_quarantine_each(s, &f, quarantine_row, &l, &d) < 0) {
		ob_cli_diag(&d);
		status = OB_EXIT_SYSTEM;
	}
	rows = l.rows;
	if (l.out) {
		if (fclose(l.out) != 0) {
			OB_ERROR("%s: %s; el archivo puede estar incompleto: libere espacio y vuelva a "
			         "exportar", "%s: %s; the file may be incomplete: free some space and "
			         "export again", export, strerror(errno));
			status = OB_EXIT_FAIL;
		} else {
			if (warnings)
				OB_NOTICE("%lld avisos escritos en %s", "%lld warnings written to %s",
				          rows, export);
			else
				OB_NOTICE("%lld filas rechazadas escritas en %s",
				          "%lld rejected rows written to %s", rows, export);
		}
	} else if (!rows && status == OB_EXIT_OK) {
		if (warnings)
			printf(OB_TR("(no hay avisos)\n", "(no warnings)\n"));
		else
			printf(OB_TR("(no hay filas en cuarentena)\n", "(no rejected rows)\n"));
	}
	return status;
}
