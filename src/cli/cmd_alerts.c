/* cmd_alerts.c - "observa alerts": which territories and crimes rose beyond
 * chance in a month (src/alerts/alerts.h). */
#include "base/common.h"

#include <getopt.h>

#include "alerts/alerts.h"
#include "base/limits.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/completeness.h"
#include "engine/indicators.h"
#include "engine/query.h"
#include "io/rows.h"

void cmd_alerts_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa alerts [-d DIR] [--period AAAA-MM | --from AAAA-MM --to AAAA-MM]\n"
	"         [--format text|csv|json] [--lang es|en] [--threads N]\n\n"
	"Alerta temprana: cada serie de territorio (admin-2 y admin-1) x división de\n"
	"la ICCS x mes, contada con las reglas de conteo (como observa analyze), se\n"
	"juzga en el último mes que cubre su país (o en --period, o en cada mes de\n"
	"--from a --to) con Farrington mejorado (si la serie tiene 63 meses antes;\n"
	"si no, EARS C3, con 11) y con el CUSUM de Poisson (con 47). Un mes que no\n"
	"cubren todas las fuentes que entregan en el país no tiene datos: no se\n"
	"juzga y nunca cuenta como 0 (observa completeness).\n\n"
	"Una fila por alarma: territory, territory_name, level, category,\n"
	"category_name, month, observed, expected, upper, method (farrington,\n"
	"ears_c3, cusum), above (meses seguidos por encima), suppressed (false;\n"
	"la API pública oculta un conteo bajo el umbral de divulgación).\n\n"
	"  -d, --dir DIR     observatorio (por defecto, el directorio actual)\n"
	"  -p, --period M    el mes AAAA-MM\n"
	"      --from M, --to M  los meses de M a M\n"
	"  -f, --format F    text (por defecto), csv o json\n"
	"      --lang L      es (por defecto) o en\n"
	"      --threads N   hilos del conteo y de los juicios (por defecto, uno por\n"
	"                    núcleo)\n",
	"usage: observa alerts [-d DIR] [--period YYYY-MM | --from YYYY-MM --to YYYY-MM]\n"
	"           [--format text|csv|json] [--lang es|en] [--threads N]\n\n"
	"Early warning: every series of territory (admin-2 and admin-1) x ICCS\n"
	"division x month, counted by the counting rules (as observa analyze), is\n"
	"judged at the latest month its country covers (or at --period, or at each\n"
	"month from --from to --to) with the improved Farrington method (when the\n"
	"series has 63 months before; else EARS C3, with 11) and the Poisson CUSUM\n"
	"(with 47). A month not covered by every source that delivers in the\n"
	"country has no data: it is not judged and never counts as 0 (observa\n"
	"completeness).\n\n"
	"One row per alarm: territory, territory_name, level, category,\n"
	"category_name, month, observed, expected, upper, method (farrington,\n"
	"ears_c3, cusum), above (months in a row above), suppressed (false; the\n"
	"public API hides a count under the disclosure threshold).\n\n"
	"  -d, --dir DIR     observatory (default: the current directory)\n"
	"  -p, --period M    the month YYYY-MM\n"
	"      --from M, --to M  the months from M to M\n"
	"  -f, --format F    text (default), csv or json\n"
	"      --lang L      es (default) or en\n"
	"      --threads N   threads of the counting and the judging (default: one\n"
	"                    a core)\n"), out);
}

/* "2024-03" into year * 12 + month - 1; -1 when not a month. */
static int parse_month(const char *s)
{
	long long y, m;

	if (strlen(s) != 7 || s[4] != '-' || !ob_parse_int(s, 4, 1900, 9999, &y) ||
	    !ob_parse_int(s + 5, 2, 1, 12, &m))
		return -1;
	return (int)(y * 12 + m - 1);
}

static void progress(void *arg, size_t done, size_t total)
{
	ob_progress_update(arg, done);
	(void)total;
}

static ob_err write_alerts(const struct ob_alerts *a, enum ob_rows_format fmt, bool en)
{
	struct ob_rows w;

	ob_rows_begin(&w, fmt, NULL, stdout, ob_alerts_cols, OB_ARRAY_SIZE(ob_alerts_cols));
	ob_alerts_write(a, &w, en, fmt == OB_ROWS_TEXT, NULL);
	return ob_rows_end(&w);
}

/* The ISO 3166 alpha-3 code of the country of source in snap, or NULL. */
static const char *source_country(const struct ob_snapshot *snap, const char *source)
{
	for (uint32_t k = 0; k < snap->n_sources; k++)
		if (!strcmp(ob_snap_str(snap, snap->sources[k].code), source) &&
		    snap->sources[k].country < snap->n_countries)
			return ob_snap_str(snap, snap->countries[snap->sources[k].country]);
	return NULL;
}

int cmd_alerts_after_ingest(struct ob_cmd_ctx *ctx, const char *source)
{
	struct ob_alerts_options o = { .from_month = -1, .to_month = -1 };
	struct ob_completeness_options co = { 0 };
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_analyzer *an = NULL;
	struct ob_completeness c;
	struct ob_alerts a;
	struct ob_store *st;
	struct ob_diag d;
	ob_err e;

	ob_diag_clear(&d);
	memset(&c, 0, sizeof(c));
	memset(&a, 0, sizeof(a));
	if (!(st = ob_cmd_store(ctx, OB_STORE_EXISTING)))
		return OB_EXIT_SYSTEM;
	if ((e = ob_cmd_snapshot(ctx, &d)))
		goto out;
	if (ctx->snap->n > OB_ALERTS_INGEST_MAX_RECORDS) {
		/* seconds on a large observatory: not after every ingest */
		OB_INFO("alertas no calculadas: %llu registros (más de %d) las harían lentas; "
		        "véalas con «observa alerts»",
		        "alerts not computed: %llu records (more than %d) would make them slow; "
		        "see them with «observa alerts»",
		        (unsigned long long)ctx->snap->n, OB_ALERTS_INGEST_MAX_RECORDS);
		goto out;
	}
	if ((e = ob_completeness_build(st, ctx->snap, ctx->pop, &co, &c, &d)) ||
	    (e = ob_indicators_load_dir(ctx->dir, &set, NULL, &d)) ||
	    (e = ob_counting_load(ctx->dir, ctx->snap, set, &rules, &d)))
		goto out;
	an = ob_analyzer_new(ctx->snap, ctx->pop);
	o.rules = rules;
	o.indicators = set;
	o.pop = ctx->pop;
	/* a delivery changes the series of its country only: each series is
	 * judged on its own, so the others' alarms are those of before */
	o.country = source_country(ctx->snap, source);
	if (!(e = ob_alerts_run(st, an, ctx->snap, &c, &o, &a, &d))) {
		if (o.country)
			OB_INFO("%zu alarmas en el último mes de %s; observa alerts para verlas "
			        "(de cada país)",
			        "%zu alarms in %s's latest month; observa alerts to see them "
			        "(of each country)", a.n, o.country);
		else
			OB_INFO("%zu alarmas en el último mes de cada país; observa alerts para "
			        "verlas",
			        "%zu alarms in each country's latest month; observa alerts to see "
			        "them", a.n);
	}
out:
	if (e) {
		ob_cli_diag(&d);
		OB_WARN("la entrega quedó registrada, pero no se pudieron calcular las alertas; "
		        "«observa alerts» lo intenta de nuevo",
		        "the delivery is recorded, but the alerts could not be computed; "
		        "«observa alerts» tries again");
	}
	ob_alerts_release(&a);
	ob_analyzer_free(an);
	ob_counting_free(rules);
	ob_indicators_free(set);
	ob_completeness_release(&c);
	return e ? ob_cli_status(e) : OB_EXIT_OK;
}

int cmd_alerts(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "format", required_argument, NULL, 'f' },
		{ "threads", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_alerts_options o = { .from_month = -1, .to_month = -1 };
	struct ob_completeness_options co = { 0 };
	enum ob_rows_format fmt = OB_ROWS_TEXT;
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_analyzer *an = NULL;
	struct ob_completeness c;
	struct ob_alerts a;
	struct ob_progress pg;
	struct ob_store *st;
	struct ob_diag d;
	int status = OB_EXIT_OK, ch;
	size_t units = 0;
	ob_err e;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "p:f:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			o.from_month = o.to_month = parse_month(optarg);
			if (o.from_month < 0)
				goto bad_month;
			break;
		case 'F':
			if ((o.from_month = parse_month(optarg)) < 0)
				goto bad_month;
			break;
		case 'T':
			if ((o.to_month = parse_month(optarg)) < 0)
				goto bad_month;
			break;
		case 'f':
			if (!ob_cli_rows_format(optarg, &fmt))
				return OB_EXIT_USAGE;
			break;
		case 'j': {
			long long v;
			if (!ob_parse_int(optarg, strlen(optarg), 1, OB_MAX_ALERTS_THREADS, &v)) {
				OB_ERROR("--threads: «%s» no es un entero de 1 a %d",
				         "--threads: «%s» is not an integer from 1 to %d", optarg,
				         OB_MAX_ALERTS_THREADS);
				return OB_EXIT_USAGE;
			}
			o.threads = (int)v;
			break;
		}
		default: cmd_alerts_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", argv[optind]);
		cmd_alerts_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if ((o.from_month < 0) != (o.to_month < 0) || o.from_month > o.to_month) {
		OB_ERROR("--from y --to van juntos, --from antes de --to",
		         "--from and --to go together, --from before --to");
		return OB_EXIT_USAGE;
	}
	ob_diag_clear(&d);
	memset(&c, 0, sizeof(c));
	memset(&a, 0, sizeof(a));
	if (!(st = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	if ((e = ob_cmd_snapshot(ctx, &d)) ||
	    (e = ob_completeness_build(st, ctx->snap, ctx->pop, &co, &c, &d)) ||
	    (e = ob_indicators_load_dir(ctx->dir, &set, NULL, &d)) ||
	    (e = ob_counting_load(ctx->dir, ctx->snap, set, &rules, &d)))
		goto diag;
	an = ob_analyzer_new(ctx->snap, ctx->pop);
	o.rules = rules;
	o.indicators = set;
	o.pop = ctx->pop;
	o.progress = progress;
	o.progress_arg = &pg;
	for (uint32_t i = 0; i < ctx->snap->n_units; i++)
		if (ctx->snap->units[i].level == 1 || ctx->snap->units[i].level == 2)
			units++;
	ob_progress_begin(&pg, OB_TR("alertas", "alerts"),
	                  ob_analyzer_values(an, OB_QD_ADMIN2) + ob_analyzer_values(an, OB_QD_ADMIN1) +
	                          units * set->n);
	e = ob_alerts_run(st, an, ctx->snap, &c, &o, &a, &d);
	ob_progress_end(&pg);
	if (e)
		goto diag;
	if (write_alerts(&a, fmt, ob_cli_output_en(ctx)) || fflush(stdout) || ferror(stdout)) {
		OB_ERROR("no se pudo escribir la salida", "the output could not be written");
		status = OB_EXIT_SYSTEM;
		goto out;
	}
	OB_INFO("%zu alarmas en %zu series (Farrington %zu, EARS C3 %zu, CUSUM %zu juicios; "
	        "%zu meses sin datos sin juzgar)",
	        "%zu alarms in %zu series (Farrington %zu, EARS C3 %zu, CUSUM %zu judgements; "
	        "%zu months without data not judged)",
	        a.n, a.series, a.tested[OB_ALERT_FARRINGTON], a.tested[OB_ALERT_EARS_C3],
	        a.tested[OB_ALERT_CUSUM], a.untested);
	goto out;
bad_month:
	OB_ERROR("mes no válido «%s»: se esperaba AAAA-MM", "invalid month «%s»: expected YYYY-MM",
	         optarg);
	return OB_EXIT_USAGE;
diag:
	ob_cli_diag(&d);
	status = ob_cli_status(e);
out:
	ob_alerts_release(&a);
	ob_analyzer_free(an);
	ob_counting_free(rules);
	ob_indicators_free(set);
	ob_completeness_release(&c);
	return status;
}
