/* cmd_log.c - "observa log": the logbook of every submission. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "io/csvw.h"

#include <getopt.h>

void cmd_log_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa log [-d DIR] [--source FUENTE] [--format table|csv]\n\n"
	"Muestra la bitácora: cada archivo recibido, su fuente, el periodo que cubre\n"
	"y de dónde sale (declarado, del nombre del archivo o de sus filas), SHA-256,\n"
	"filas leídas, aceptadas, rechazadas y con avisos, las víctimas de las\n"
	"aceptadas, versión, si fue sustituido por una entrega posterior, el SHA-256\n"
	"del perfil con que se leyó (perfil: sus 12 primeras cifras) y, debajo, cuántas\n"
	"filas se rechazaron o avisaron por cada motivo («clave:columna»: cuenta).\n",
	"usage: observa log [-d DIR] [--source SOURCE] [--format table|csv]\n\n"
	"Shows the logbook: every file received, its source, the period it covers\n"
	"and where that comes from (declared, from the file name or from its rows),\n"
	"SHA-256, rows read, accepted, rejected and with warnings, the victims of the\n"
	"accepted rows, version, whether a later delivery superseded it, the SHA-256\n"
	"of the profile it was read with (profile: its first 12 digits) and, below,\n"
	"how many rows were rejected or warned for each reason (\"key:column\": count).\n"),
	      out);
}

/* the reasons of a delivery nothing was rejected or warned in */
#define EMPTY_REASONS "{\"rejected\":{},\"warnings\":{}}"

int cmd_log(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *source = NULL, *format = "table";
	struct ob_store *s;
	sqlite3_stmt *st;
	struct ob_diag d;
	struct ob_csvw w;
	bool csv;
	int c, rows = 0;

	while ((c = getopt_long(argc, argv, "s:f:", longopts, NULL)) != -1) {
		switch (c) {
		case 's': source = optarg; break;
		case 'f': format = optarg; break;
		default: cmd_log_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (strcmp(format, "table") && strcmp(format, "csv")) {
		OB_ERROR("--format «%s»: se esperaba table o csv", "--format «%s»: expected table or csv",
		         format);
		return OB_EXIT_USAGE;
	}
	csv = !strcmp(format, "csv");
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	if (ob_store_prepare(s,
	                     "SELECT id, source, file_name, period_from, period_to, rows_read,"
	                     " accepted, rejected, warned, version, superseded_by, ingested_at,"
	                     " sha256, encoding, delimiter, observa_version,"
	                     " coalesce(victims, accepted), aggregate, period, period_basis,"
	                     " profile_sha256, reasons, reread"
	                     " FROM submission"
	                     " WHERE ?1 IS NULL OR source = ?1 ORDER BY source, period_from, id",
	                     &st, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	if (source)
		sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	ob_csvw_init(&w, stdout, ',');
	if (csv) {
		static const char *const cols[] = {
			"submission", "source", "file", "period_from", "period_to", "rows_read",
			"accepted", "rejected", "warned", "version", "superseded_by",
			"ingested_at", "sha256", "encoding", "delimiter", "observa_version",
			"victims", "aggregate", "period", "period_basis", "profile_sha256",
			"reasons", "reread",
		};
		for (size_t i = 0; i < OB_ARRAY_SIZE(cols); i++)
			ob_csvw_str(&w, cols[i]);
		ob_csvw_end(&w);
	} else {
		printf("%-5s %-16s %-16s %-10s %-10s %9s %9s %9s %9s %7s %4s %-9s %-12s %s\n", "envío",
		       "fuente", "periodo", "desde", "hasta", "leídas", "aceptadas", "víctimas",
		       "rechaz.", "avisos", "ver", "estado", "perfil", "archivo");
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows++;
		if (csv) {
			for (int i = 0; i < 23; i++)
				ob_cli_csv_column(&w, st, i);
			ob_csvw_end(&w);
			continue;
		}
		char period[48];
		/* "2023 (d)": declared, from the file name (n), or from the rows (f) */
		snprintf(period, sizeof(period), "%s%s", sqlite3_column_type(st, 18) == SQLITE_NULL
		         ? "-" : (const char *)sqlite3_column_text(st, 18),
		         !sqlite3_column_text(st, 19) ? ""
		         : !strcmp((const char *)sqlite3_column_text(st, 19), "declared") ? " (d)"
		         : !strcmp((const char *)sqlite3_column_text(st, 19), "file_name") ? " (n)"
		         : " (f)");
		printf("%-5lld %-16.16s %-16s %-10s %-10s %9lld %9lld %9lld %9lld %7lld %4lld %-9s "
		       "%-12.12s %s\n",
		       (long long)sqlite3_column_int64(st, 0), sqlite3_column_text(st, 1), period,
		       sqlite3_column_text(st, 3), sqlite3_column_text(st, 4),
		       (long long)sqlite3_column_int64(st, 5), (long long)sqlite3_column_int64(st, 6),
		       (long long)sqlite3_column_int64(st, 16),
		       (long long)sqlite3_column_int64(st, 7), (long long)sqlite3_column_int64(st, 8),
		       (long long)sqlite3_column_int64(st, 9),
		       sqlite3_column_type(st, 10) == SQLITE_NULL ? "vigente" : "sustituido",
		       sqlite3_column_type(st, 20) == SQLITE_NULL ? "-"
		                                                  : (const char *)sqlite3_column_text(st, 20),
		       sqlite3_column_text(st, 2));
		if (sqlite3_column_type(st, 21) != SQLITE_NULL &&
		    strcmp((const char *)sqlite3_column_text(st, 21), EMPTY_REASONS))
			printf("      motivos: %s\n", sqlite3_column_text(st, 21));
	}
	sqlite3_finalize(st);
	if (!csv && !rows)
		fputs(OB_TR("(la bitácora está vacía)\n", "(the logbook is empty)\n"), stdout);
	else if (!csv)
		fputs(OB_TR("\nperiodo: (d) declarado, (n) del nombre del archivo, (f) el que reúne "
		            "más filas\n",
		            "\nperiod: (d) declared, (n) from the file name, (f) the one most rows "
		            "fall in\n"),
		      stdout);
	return OB_EXIT_OK;
}
