/* cmd_log.c - "observa log": the logbook of every submission. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "io/csvw.h"
#include "store/submissions.h"

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

struct log_out {
	struct ob_csvw w;
	bool csv;
	int rows;
};

static void csv_int_or_empty(struct ob_csvw *w, long long v)
{
	if (v)
		ob_csvw_int(w, v);
	else
		ob_csvw_str(w, NULL);
}

static int log_entry(void *arg, const struct ob_submission *e)
{
	struct log_out *o = arg;
	char period[48];

	o->rows++;
	if (o->csv) {
		struct ob_csvw *w = &o->w;
		ob_csvw_int(w, e->id);
		ob_csvw_str(w, e->source);
		ob_csvw_str(w, e->file_name);
		ob_csvw_str(w, e->period_from);
		ob_csvw_str(w, e->period_to);
		ob_csvw_int(w, e->rows_read);
		ob_csvw_int(w, e->accepted);
		ob_csvw_int(w, e->rejected);
		ob_csvw_int(w, e->warned);
		ob_csvw_int(w, e->version);
		csv_int_or_empty(w, e->superseded_by);
		ob_csvw_str(w, e->ingested_at);
		ob_csvw_str(w, e->sha256);
		ob_csvw_str(w, e->encoding);
		ob_csvw_str(w, e->delimiter);
		ob_csvw_str(w, e->observa_version);
		ob_csvw_int(w, e->victims);
		ob_csvw_int(w, e->aggregate);
		ob_csvw_str(w, e->period);
		ob_csvw_str(w, e->period_basis);
		ob_csvw_str(w, e->profile_sha256);
		ob_csvw_str(w, e->reasons);
		ob_csvw_int(w, e->reread);
		ob_csvw_end(w);
		return 0;
	}
	/* "2023 (d)": declared, from the file name (n), or from the rows (f) */
	snprintf(period, sizeof(period), "%s%s", e->period ? e->period : "-",
	         !e->period_basis ? ""
	         : !strcmp(e->period_basis, "declared") ? " (d)"
	         : !strcmp(e->period_basis, "file_name") ? " (n)"
	         : " (f)");
	printf("%-5lld %-16.16s %-16s %-10s %-10s %9lld %9lld %9lld %9lld %7lld %4lld %-9s "
	       "%-12.12s %s\n",
	       e->id, e->source, period, e->period_from ? e->period_from : "(null)",
	       e->period_to ? e->period_to : "(null)", e->rows_read, e->accepted, e->victims,
	       e->rejected, e->warned, e->version, e->superseded_by ? "sustituido" : "vigente",
	       e->profile_sha256 ? e->profile_sha256 : "-", e->file_name);
	if (e->reasons && strcmp(e->reasons, EMPTY_REASONS))
		printf("      motivos: %s\n", e->reasons);
	return 0;
}

int cmd_log(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "table";
	struct ob_submission_filter f = { .order = OB_SUBMISSIONS_BY_SOURCE, .limit = -1 };
	struct log_out o = { .rows = 0 };
	struct ob_store *s;
	struct ob_diag d;
	int c;

	while ((c = getopt_long(argc, argv, "s:f:", longopts, NULL)) != -1) {
		switch (c) {
		case 's': f.source = optarg; break;
		case 'f': format = optarg; break;
		default: cmd_log_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (strcmp(format, "table") && strcmp(format, "csv")) {
		OB_ERROR("--format «%s»: se esperaba table o csv", "--format «%s»: expected table or csv",
		         format);
		return OB_EXIT_USAGE;
	}
	o.csv = !strcmp(format, "csv");
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	ob_csvw_init(&o.w, stdout, ',');
	if (o.csv) {
		static const char *const cols[] = {
			"submission", "source", "file", "period_from", "period_to", "rows_read",
			"accepted", "rejected", "warned", "version", "superseded_by",
			"ingested_at", "sha256", "encoding", "delimiter", "observa_version",
			"victims", "aggregate", "period", "period_basis", "profile_sha256",
			"reasons", "reread",
		};
		for (size_t i = 0; i < OB_ARRAY_SIZE(cols); i++)
			ob_csvw_str(&o.w, cols[i]);
		ob_csvw_end(&o.w);
	} else {
		printf("%-5s %-16s %-16s %-10s %-10s %9s %9s %9s %9s %7s %4s %-9s %-12s %s\n", "envío",
		       "fuente", "periodo", "desde", "hasta", "leídas", "aceptadas", "víctimas",
		       "rechaz.", "avisos", "ver", "estado", "perfil", "archivo");
	}
	if (ob_store_submissions_each(s, &f, log_entry, &o, &d) < 0) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	if (!o.csv && !o.rows)
		fputs(OB_TR("(la bitácora está vacía)\n", "(the logbook is empty)\n"), stdout);
	else if (!o.csv)
		fputs(OB_TR("\nperiodo: (d) declarado, (n) del nombre del archivo, (f) el que reúne "
		            "más filas\n",
		            "\nperiod: (d) declared, (n) from the file name, (f) the one most rows "
		            "fall in\n"),
		      stdout);
	return OB_EXIT_OK;
}
