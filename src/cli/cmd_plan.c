/*
 * cmd_plan.c - "observa plan status": each indicator of a plan (plan/plan.h)
 * with its latest value and interval against the target path, and whether
 * it is on track, at risk or off track, decided with the interval.
 *
 * Values of catalogue indicators are computed from the engine snapshot as
 * "observa indicators" computes them (rates with exact intervals, the
 * counting rules); values of survey indicators are the store's estimates
 * (store/survey.h), in percent; a suppressed estimate is no value.
 */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "io/rows.h"
#include "plan/plan.h"
#include "stats/rate.h"
#include "store/survey.h"

#include <getopt.h>
#include <math.h>
#include <time.h>

void cmd_plan_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa plan status [-d DIR] [--plan PLAN] [--year AÑO] [--format text|csv|json]\n\n"
	"Cada indicador del plan (catalog/plans/PLAN.ini; sin --plan, el único que\n"
	"haya) con su último valor y su intervalo frente a la trayectoria de la meta\n"
	"(lineal de la línea de base a cada meta anual), y su estado decidido con el\n"
	"intervalo, no con el punto: en_curso si todo el intervalo está del lado\n"
	"bueno de la trayectoria, desviado si todo está del lado malo, en_riesgo si\n"
	"la trayectoria cae dentro; sin_datos si no hay valor con intervalo.\n"
	"  --plan PLAN     código del plan o ruta de su .ini\n"
	"  --year AÑO      el último valor hasta ese año (por defecto, el último que haya)\n"
	"  --format F      text (por defecto), csv o json\n",
	"usage: observa plan status [-d DIR] [--plan PLAN] [--year YEAR] [--format text|csv|json]\n\n"
	"Each indicator of the plan (catalog/plans/PLAN.ini; without --plan, the only\n"
	"one there is) with its latest value and interval against the target path\n"
	"(linear from the baseline to each yearly target), and its status decided\n"
	"with the interval, not the point: on_track when the whole interval is on\n"
	"the good side of the path, off_track when it is all on the bad side,\n"
	"at_risk when the path lies inside it; no_data without a value with an\n"
	"interval.\n"
	"  --plan PLAN     the plan's code or the path of its .ini\n"
	"  --year YEAR     the latest value up to that year (by default, the latest)\n"
	"  --format F      text (the default), csv or json\n"), out);
}

/* The latest value of one plan indicator. */
struct latest {
	int year;
	double value, lower, upper;
	const char *note;      /* why there is none, or a flag to show */
	char flags[128];
};

struct survey_arg {
	bool en;
	int max_year;
	struct latest *l;
};

static int survey_row(void *arg, const struct ob_survey_row *r)
{
	struct survey_arg *a = arg;
	long long y;

	if (!ob_parse_int(r->period, strlen(r->period), 1900, 2200, &y) ||
	    (a->max_year && y > a->max_year) || y < a->l->year)
		return 0;
	a->l->year = (int)y;
	if (r->suppressed) {
		a->l->value = a->l->lower = a->l->upper = NAN;
		a->l->note = a->en ? "suppressed" : "suprimida";
	} else {
		a->l->value = 100 * r->estimate;
		a->l->lower = 100 * r->lower;
		a->l->upper = 100 * r->upper;
		a->l->note = NULL;
	}
	ob_strlcpy(a->l->flags, r->flags, sizeof(a->l->flags));
	return 0;
}

static ob_err survey_latest(struct ob_store *s, const struct ob_plan_indicator *x, int max_year,
                            bool en, struct latest *l, struct ob_diag *d)
{
	struct survey_arg a = { en, max_year, l };
	return ob_store_survey_each(s, x->indicator, x->territory, "T", survey_row, &a, d) < 0
	       ? OB_ESTORE : OB_OK;
}

/* The latest year of x with data, from the snapshot. */
static ob_err catalog_latest(struct ob_cmd_ctx *ctx, const struct ob_indicator_set *set,
                             const struct ob_counting *rules, const struct ob_plan_indicator *x,
                             int max_year, struct latest *l, struct ob_diag *d)
{
	const struct ob_snapshot *snap = ctx->snap;
	struct ob_ind_result *res = NULL;
	struct ob_period *periods = NULL;
	uint32_t *units = NULL;
	size_t n_units = 0, n_periods = 0, k;
	struct ob_ind_query q;
	char spec[32];
	long idx;
	ob_err e;

	if ((idx = ob_indicators_find(set, x->indicator)) < 0)
		return OB_DIAG(d, OB_EINVAL, "plan", x->line, 0, x->indicator, strlen(x->indicator),
		               "[indicator %s]: indicador desconocido (observa indicators list)",
		               "[indicator %s]: unknown indicator (observa indicators list)", x->id);
	k = (size_t)idx;
	if ((e = ob_ind_select_units(snap, x->territory, false, -1, NULL, &units, &n_units, d)))
		return e;
	snprintf(spec, sizeof(spec), "%04d..%04d", x->baseline_year, max_year);
	if ((e = ob_period_parse(spec, &periods, &n_periods, d)))
		goto release;
	memset(&q, 0, sizeof(q));
	q.indicators = &k;
	q.n_indicators = 1;
	q.units = units;
	q.n_units = n_units;
	q.periods = periods;
	q.n_periods = n_periods;
	q.level = 0.95;
	q.unreliable_below = OB_RATE_UNRELIABLE_BELOW;
	q.institution = -1;
	q.rules = rules;
	q.threads = 1;
	if ((e = ob_indicators_compute(snap, ctx->pop, set, &q, &res, d)))
		goto release;
	for (size_t p = n_periods; p-- > 0;) {
		const struct ob_ind_value *v = ob_ind_result_at(res, 0, 0, p, 0);
		if (v->flags & (OB_IND_NO_DATA | OB_IND_MISSING_DENOMINATOR | OB_IND_NOT_IN_VINTAGE |
		                OB_IND_PARTIAL_PERIOD))
			continue;
		l->year = periods[p].year;
		l->value = v->value;
		l->lower = v->lower;
		l->upper = v->upper;
		l->note = NULL;
		l->flags[0] = '\0';
		for (unsigned b = 0; b < OB_IND_FLAG_COUNT; b++)
			if (v->flags & (1u << b)) {
				size_t used = strlen(l->flags);
				snprintf(l->flags + used, sizeof(l->flags) - used, "%s%s", used ? ";" : "",
				         ob_ind_flag_name(b));
			}
		break;
	}
release:
	ob_ind_result_free(res);
	free(periods);
	free(units);
	return e;
}

static int cmd_status(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "year", required_argument, NULL, 'y' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct ob_rows_col cols_es[] = {
		{ "meta", OB_ROWS_TEXT_COL }, { "indicador", OB_ROWS_TEXT_COL },
		{ "fuente", OB_ROWS_TEXT_COL }, { "territorio", OB_ROWS_TEXT_COL },
		{ "año", OB_ROWS_NUMBER_COL }, { "valor", OB_ROWS_NUMBER_COL },
		{ "inferior", OB_ROWS_NUMBER_COL }, { "superior", OB_ROWS_NUMBER_COL },
		{ "trayectoria", OB_ROWS_NUMBER_COL }, { "base", OB_ROWS_NUMBER_COL },
		{ "año_base", OB_ROWS_NUMBER_COL }, { "meta_final", OB_ROWS_NUMBER_COL },
		{ "año_meta", OB_ROWS_NUMBER_COL }, { "sentido", OB_ROWS_TEXT_COL },
		{ "estado", OB_ROWS_TEXT_COL }, { "marcas", OB_ROWS_TEXT_COL },
		{ "responsable", OB_ROWS_TEXT_COL },
	};
	static const struct ob_rows_col cols_en[] = {
		{ "goal", OB_ROWS_TEXT_COL }, { "indicator", OB_ROWS_TEXT_COL },
		{ "source", OB_ROWS_TEXT_COL }, { "territory", OB_ROWS_TEXT_COL },
		{ "year", OB_ROWS_NUMBER_COL }, { "value", OB_ROWS_NUMBER_COL },
		{ "lower", OB_ROWS_NUMBER_COL }, { "upper", OB_ROWS_NUMBER_COL },
		{ "path", OB_ROWS_NUMBER_COL }, { "baseline", OB_ROWS_NUMBER_COL },
		{ "baseline_year", OB_ROWS_NUMBER_COL }, { "target", OB_ROWS_NUMBER_COL },
		{ "target_year", OB_ROWS_NUMBER_COL }, { "direction", OB_ROWS_TEXT_COL },
		{ "status", OB_ROWS_TEXT_COL }, { "flags", OB_ROWS_TEXT_COL },
		{ "responsible", OB_ROWS_TEXT_COL },
	};
	const char *plan_spec = NULL;
	enum ob_rows_format fmt = OB_ROWS_TEXT;
	bool en = ob_cli_output_en(ctx);
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_store *s;
	struct ob_plan plan;
	bool plan_loaded = false;
	struct ob_rows w;
	struct ob_diag d;
	long long year = 0;
	int c, status = OB_EXIT_OK, max_year;
	ob_err e = OB_OK;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': plan_spec = optarg; break;
		case 'y':
			if (!ob_parse_int(optarg, strlen(optarg), 1900, 2200, &year)) {
				OB_ERROR("--year «%s»: se esperaba un año", "--year «%s»: expected a year",
				         optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'f':
			if (!ob_cli_rows_format(optarg, &fmt))
				return OB_EXIT_USAGE;
			break;
		case 'h': cmd_plan_usage(stdout); return OB_EXIT_OK;
		default: cmd_plan_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cmd_plan_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return ob_cli_status(ctx->store_error);
	ob_diag_clear(&d);
	if ((e = ob_plan_load(ctx->dir, plan_spec, &plan, &d)))
		goto fail;
	plan_loaded = true;
	if (year) {
		max_year = (int)year;
	} else {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		max_year = tm.tm_year + 1900;
	}
	for (size_t i = 0; i < plan.nind; i++)
		if (plan.ind[i].source == OB_PLAN_CATALOG) {
			if ((e = ob_indicators_load_dir(ctx->dir, &set, NULL, &d)) ||
			    (e = ob_cmd_snapshot(ctx, &d)) ||
			    (e = ob_counting_load(ctx->dir, ctx->snap, set, &rules, &d)))
				goto fail;
			break;
		}
	ob_rows_begin(&w, fmt, NULL, stdout, en ? cols_en : cols_es, OB_ARRAY_SIZE(cols_en));
	for (size_t i = 0; i < plan.nind && !e; i++) {
		const struct ob_plan_indicator *x = &plan.ind[i];
		const struct ob_plan_target *last = &x->target[x->ntargets - 1];
		struct latest l = { 0, NAN, NAN, NAN, en ? "no_data" : "sin_datos", "" };
		enum ob_plan_status st;
		double path;

		if (x->source == OB_PLAN_SURVEY)
			e = survey_latest(s, x, (int)year, en, &l, &d);
		else if (x->baseline_year <= max_year)
			e = catalog_latest(ctx, set, rules, x, max_year, &l, &d);
		if (e)
			break;
		path = l.year ? ob_plan_path(x, l.year) : NAN;
		st = ob_plan_status(x->direction, path, l.lower, l.upper);
		ob_rows_str(&w, x->goal);
		ob_rows_str(&w, x->id);
		ob_rows_str(&w, x->source == OB_PLAN_SURVEY ? "survey" : "catalog");
		ob_rows_str(&w, x->territory);
		if (l.year)
			ob_rows_int(&w, l.year);
		else
			ob_rows_null(&w);
		ob_rows_num(&w, l.value, "%.2f");
		ob_rows_num(&w, l.lower, "%.2f");
		ob_rows_num(&w, l.upper, "%.2f");
		ob_rows_num(&w, path, "%.2f");
		ob_rows_num(&w, x->baseline, "%.2f");
		ob_rows_int(&w, x->baseline_year);
		ob_rows_num(&w, last->value, "%.2f");
		ob_rows_int(&w, last->year);
		ob_rows_str(&w, x->direction < 0 ? "down" : "up");
		ob_rows_str(&w, ob_plan_status_name(st, en));
		if (l.note && l.flags[0]) {
			char both[sizeof(l.flags) + 32];
			snprintf(both, sizeof(both), "%s;%s", l.note, l.flags);
			ob_rows_str(&w, both);
		} else {
			ob_rows_str(&w, l.note ? l.note : l.flags);
		}
		ob_rows_str(&w, x->responsible);
		ob_rows_end_row(&w);
	}
	if (ob_rows_end(&w) && !e) {
		OB_ERROR("no se pudo escribir la salida", "the output could not be written");
		status = OB_EXIT_SYSTEM;
	}
	if (e)
		goto fail;
	goto release;
fail:
	ob_cli_diag(&d);
	status = ob_cli_status(e);
release:
	ob_counting_free(rules);
	ob_indicators_free(set);
	if (plan_loaded)
		ob_plan_release(&plan);
	return status;
}

int cmd_plan(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	if (argc < 2) {
		cmd_plan_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		cmd_plan_usage(stdout);
		return OB_EXIT_OK;
	}
	if (!strcmp(argv[1], "status"))
		return cmd_status(ctx, argc - 1, argv + 1);
	OB_ERROR("plan: subcomando desconocido «%s»", "plan: unknown subcommand «%s»", argv[1]);
	cmd_plan_usage(stderr);
	return OB_EXIT_USAGE;
}
