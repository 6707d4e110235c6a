/* cmd_quarantine.c - "observa quarantine": rejected rows with their reasons,
 * and (--warnings) the warnings of accepted rows. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/disclose.h"
#include "io/csvw.h"

#include <getopt.h>

/* the rows of the current deliveries, by source, submission and kind of
 * reason; a table's name is put in by the caller */
#define LISTING_FROM(table)                                                              \
	" FROM " table " q JOIN submission b ON b.id = q.submission"                    \
	" WHERE (?1 IS NULL OR b.source = ?1) AND (?2 = 0 OR q.submission = ?2)"        \
	" AND (?3 IS NULL OR q.kind = ?3) AND b.superseded_by IS NULL"
#define QUARANTINE_FROM LISTING_FROM("quarantine")
#define WARNING_FROM LISTING_FROM("warning")

void cmd_quarantine_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa quarantine [-d DIR] [--warnings] [--source FUENTE]\n"
	"                        [--submission N] [--reason CLAVE]\n"
	"                        [--export ARCHIVO.csv] [--purpose TEXTO]\n\n"
	"Lista las filas rechazadas de las entregas vigentes: archivo, línea, columna,\n"
	"campo, valor y motivo. Con --warnings, los avisos de las filas aceptadas\n"
	"(valores no reconocidos, dejados vacíos, fechas fuera del periodo aceptadas,\n"
	"codificación). --reason lista solo los de una clave de motivo (la columna\n"
	"«clave» del resumen de observa ingest: category_unknown, tag_unmapped...).\n"
	"Con --export las escribe en CSV (UTF-8 con BOM, separado por ';', para abrir\n"
	"en una hoja de cálculo) con la fila original, para que la institución corrija.\n"
	"Los valores y las filas originales pueden tener nombres: antes de mostrar nada\n"
	"la lectura queda en la bitácora de auditoría (quién, qué, para qué, cuántas\n"
	"filas); --purpose dice para qué (obligatorio si lo exige «observa audit\n"
	"policy»).\n",
	"usage: observa quarantine [-d DIR] [--warnings] [--source SOURCE]\n"
	"                          [--submission N] [--reason KEY]\n"
	"                          [--export FILE.csv] [--purpose TEXT]\n\n"
	"Lists the rejected rows of the current deliveries: file, line, column, field,\n"
	"value and reason. With --warnings, the warnings of the accepted rows\n"
	"(values not recognised, left empty, dates outside the period accepted,\n"
	"encoding). --reason lists only those of one reason key (the column \"key\" of\n"
	"observa ingest's summary: category_unknown, tag_unmapped...).\n"
	"With --export it writes them as CSV (UTF-8 with a BOM, ';'-separated, to open\n"
	"in a spreadsheet) with the original row, for the institution to correct.\n"
	"Values and original rows may hold names: before anything is shown the read is\n"
	"written to the audit log (who, what, for what, how many rows); --purpose says\n"
	"what for (required when \"observa audit policy\" demands it).\n"), out);
}

static void bind_filters(sqlite3_stmt *st, const char *source, long long sub, const char *reason)
{
	if (source)
		sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, sub);
	if (reason)
		sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
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
		{ NULL, 0, NULL, 0 },
	};
	const char *source = NULL, *export = NULL, *purpose = NULL, *reason = NULL;
	bool warnings = false;
	struct ob_cli_read rd;
	char query[3 * OB_MAX_NAME + 64];
	long long sub = 0;
	struct ob_store *s;
	sqlite3_stmt *st;
	struct ob_diag d;
	struct ob_csvw w;
	FILE *out = NULL;
	int c, status = OB_EXIT_OK;
	long long rows = 0;

	while ((c = getopt_long(argc, argv, "s:n:e:P:wr:", longopts, NULL)) != -1) {
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
	/* how many rows will be shown, for the audit entry written before them */
	if (ob_store_prepare(s, warnings ? "SELECT count(*)" WARNING_FROM
	                                 : "SELECT count(*)" QUARANTINE_FROM, &st, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	bind_filters(st, source, sub, reason);
	if (sqlite3_step(st) == SQLITE_ROW)
		rows = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sub)
		snprintf(query, sizeof(query), "source=%s submission=%lld", source ? source : "*", sub);
	else
		snprintf(query, sizeof(query), "source=%s submission=*", source ? source : "*");
	if (reason)
		snprintf(query + strlen(query), sizeof(query) - strlen(query), " reason=%s", reason);
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
	rows = 0;
	if (ob_store_prepare(s, warnings
	                     ? "SELECT q.submission, b.source, b.file_name, q.line, q.column, q.field,"
	                       " q.value, q.reason, q.kind" WARNING_FROM
	                       " ORDER BY b.source, q.submission, q.line, q.id"
	                     : "SELECT q.submission, b.source, b.file_name, q.line, q.column, q.field,"
	                       " q.value, q.reason, q.raw, q.kind" QUARANTINE_FROM
	                       " ORDER BY b.source, q.submission, q.line",
	                     &st, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	bind_filters(st, source, sub, reason);
	if (export) {
		if (!(out = fopen(export, "w"))) {
			OB_ERROR("%s: %s; no se escribió nada: elija un archivo en una carpeta con "
			         "permiso de escritura", "%s: %s; nothing was written: choose a file in a "
			         "folder that can be written", export, strerror(errno));
			status = OB_EXIT_FAIL;
			goto finalize;
		}
		fputs("\xEF\xBB\xBF", out);
		ob_csvw_init(&w, out, ';');
		static const char *const cols[] = { "envio", "fuente", "archivo", "linea", "columna",
		                                    "campo", "valor", "motivo", "fila_original",
		                                    "clave" };
		for (size_t i = 0; i < OB_ARRAY_SIZE(cols); i++)
			if (!warnings || i != 8)
				ob_csvw_str(&w, cols[i]);
		ob_csvw_end(&w);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (rows == rd.records)
			break; /* rows added since the count are not in the entry */
		rows++;
		if (out) {
			for (int i = 0; i < (warnings ? 9 : 10); i++)
				ob_cli_csv_column(&w, st, i);
			ob_csvw_end(&w);
			continue;
		}
		printf("%s:%lld:%lld: [%s] %s%s%s%s\n", sqlite3_column_text(st, 2),
		       (long long)sqlite3_column_int64(st, 3), (long long)sqlite3_column_int64(st, 4),
		       sqlite3_column_text(st, 1), sqlite3_column_text(st, 7),
		       sqlite3_column_type(st, 6) == SQLITE_NULL ? "" : OB_TR(" (valor «", " (value «"),
		       sqlite3_column_type(st, 6) == SQLITE_NULL ? "" : (const char *)sqlite3_column_text(st, 6),
		       sqlite3_column_type(st, 6) == SQLITE_NULL ? "" : "»)");
	}
	if (out) {
		if (fclose(out) != 0) {
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
	} else if (!rows) {
		if (warnings)
			printf(OB_TR("(no hay avisos)\n", "(no warnings)\n"));
		else
			printf(OB_TR("(no hay filas en cuarentena)\n", "(no rejected rows)\n"));
	}
finalize:
	sqlite3_finalize(st);
	return status;
}
