/* cmd_quarantine.c - "observa quarantine": rejected rows with their reasons. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "io/csvw.h"

#include <getopt.h>

static void usage(FILE *out)
{
	fprintf(out,
	        "uso / usage: observa quarantine [-d DIR] [--source FUENTE] [--submission N]\n"
	        "                                [--export ARCHIVO.csv]\n\n"
	        "Lista las filas rechazadas: archivo, línea, columna, campo, valor y motivo.\n"
	        "Con --export las escribe en CSV (UTF-8 con BOM, separado por ';', para abrir\n"
	        "en una hoja de cálculo) con la fila original, para que la institución corrija.\n\n"
	        "Lists rejected rows; --export writes them as CSV for the institution.\n");
}

int cmd_quarantine(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "source", required_argument, NULL, 's' },
		{ "submission", required_argument, NULL, 'n' },
		{ "export", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = ".", *source = NULL, *export = NULL;
	long long sub = 0;
	struct ob_store *s;
	sqlite3_stmt *st;
	struct ob_diag d;
	struct ob_csvw w;
	FILE *out = NULL;
	int c, status = OB_EXIT_OK;
	long long rows = 0;

	while ((c = getopt_long(argc, argv, "d:s:n:e:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 's': source = optarg; break;
		case 'n':
			if (!ob_parse_int(optarg, strlen(optarg), 1, INT64_MAX, &sub)) {
				fprintf(stderr, "observa: error: --submission «%s»: se esperaba un número\n",
				        optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'e': export = optarg; break;
		case 'h': usage(stdout); return OB_EXIT_OK;
		default: usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (!(s = ob_cli_open(dir, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	if (ob_store_prepare(s,
	                     "SELECT q.submission, b.source, b.file_name, q.line, q.column, q.field,"
	                     " q.value, q.reason, q.raw FROM quarantine q"
	                     " JOIN submission b ON b.id = q.submission"
	                     " WHERE (?1 IS NULL OR b.source = ?1) AND (?2 = 0 OR q.submission = ?2)"
	                     " AND b.superseded_by IS NULL ORDER BY b.source, q.submission, q.line",
	                     &st, &d)) {
		ob_cli_diag(&d);
		ob_store_close(s);
		return OB_EXIT_SYSTEM;
	}
	if (source)
		sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, sub);
	if (export) {
		if (!(out = fopen(export, "w"))) {
			fprintf(stderr, "observa: error: %s: %s\n", export, strerror(errno));
			status = OB_EXIT_FAIL;
			goto finalize;
		}
		fputs("\xEF\xBB\xBF", out);
		ob_csvw_init(&w, out, ';');
		static const char *const cols[] = { "envio", "fuente", "archivo", "linea", "columna",
		                                    "campo", "valor", "motivo", "fila_original" };
		for (size_t i = 0; i < OB_ARRAY_SIZE(cols); i++)
			ob_csvw_str(&w, cols[i]);
		ob_csvw_end(&w);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows++;
		if (out) {
			for (int i = 0; i < 9; i++)
				ob_cli_csv_column(&w, st, i);
			ob_csvw_end(&w);
			continue;
		}
		printf("%s:%lld:%lld: [%s] %s%s%s%s\n", sqlite3_column_text(st, 2),
		       (long long)sqlite3_column_int64(st, 3), (long long)sqlite3_column_int64(st, 4),
		       sqlite3_column_text(st, 1), sqlite3_column_text(st, 7),
		       sqlite3_column_type(st, 6) == SQLITE_NULL ? "" : " (valor «",
		       sqlite3_column_type(st, 6) == SQLITE_NULL ? "" : (const char *)sqlite3_column_text(st, 6),
		       sqlite3_column_type(st, 6) == SQLITE_NULL ? "" : "»)");
	}
	if (out) {
		if (fclose(out) != 0) {
			fprintf(stderr, "observa: error: %s: %s\n", export, strerror(errno));
			status = OB_EXIT_FAIL;
		} else {
			fprintf(stderr, "observa: %lld filas rechazadas escritas en %s\n", rows, export);
		}
	} else if (!rows) {
		printf("(no hay filas en cuarentena / no rejected rows)\n");
	}
finalize:
	sqlite3_finalize(st);
	ob_store_close(s);
	return status;
}
