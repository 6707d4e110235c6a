/* trend.c - "observa stats trend": Poisson log-linear trend (annual percent change) per series. */
#include "cli/stats/stats.h"

#include "cli/builtin.h"
#include "stats/rate.h"
#include "stats/trend.h"

#include <math.h>

static void usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa stats trend --time T --count C --population P\n"
	"     [--by G] [--level L] [--fitted [--per N]] [opciones] ARCHIVO\n\n"
	"Ajusta a cada serie (las filas con el mismo valor de G; todas sin --by) el\n"
	"modelo de Poisson glm(C ~ t + offset(log(P)), family = poisson) de R, con\n"
	"t = T - el menor T de la serie (el más antiguo, en cualquier orden de las\n"
	"filas), y escribe una fila por serie:\n"
	"  series, apc, lower, upper          cambio porcentual por unidad de T\n"
	"                                     (anual con años) e intervalo por\n"
	"                                     defecto: cuasi-Poisson con la\n"
	"                                     dispersión nunca menor que 1\n"
	"  dispersion                         dispersión de Pearson estimada\n"
	"  wald_lower, wald_upper             intervalo de Wald del modelo Poisson\n"
	"  quasi_lower, quasi_upper           intervalo cuasi-Poisson (dispersión\n"
	"                                     estimada, como R)\n"
	"  n, first_time, b0, se_b0, b1, se_b1, z_wald, p_wald, deviance,\n"
	"  pearson_chi2, df                   el ajuste (first_time: el menor T;\n"
	"                                     b0: log de la tasa por habitante\n"
	"                                     en first_time)\n"
	"  flags                              subdispersion (dispersión < 1 elevada\n"
	"                                     a 1 en lower/upper), pocos_datos\n"
	"                                     (menos de 3 puntos), sin_ajuste (sin\n"
	"                                     eventos, o todos al principio o al\n"
	"                                     final): entonces los números quedan\n"
	"                                     vacíos\n"
	"Con --fitted escribe en cambio cada fila de entrada con fitted_count y\n"
	"fitted_rate (por N habitantes, 100000 por defecto).\n"
	"T es numérico (p. ej. el año) y no se repite dentro de una serie; C ≥ 0;\n"
	"P > 0.\n"
	"%s",
	"usage: observa stats trend --time T --count C --population P\n"
	"       [--by G] [--level L] [--fitted [--per N]] [options] FILE\n\n"
	"Fits to each series (the rows with the same value of G; all of them without\n"
	"--by) R's Poisson model glm(C ~ t + offset(log(P)), family = poisson), with\n"
	"t = T - the series' smallest T (the earliest, whatever the order of the\n"
	"rows), and writes one row per series:\n"
	"  series, apc, lower, upper          percent change per unit of T (annual\n"
	"                                     with years) and the default interval:\n"
	"                                     quasi-Poisson with the dispersion\n"
	"                                     never below 1\n"
	"  dispersion                         estimated Pearson dispersion\n"
	"  wald_lower, wald_upper             Wald interval of the Poisson model\n"
	"  quasi_lower, quasi_upper           quasi-Poisson interval (estimated\n"
	"                                     dispersion, as in R)\n"
	"  n, first_time, b0, se_b0, b1, se_b1, z_wald, p_wald, deviance,\n"
	"  pearson_chi2, df                   the fit (first_time: the smallest T;\n"
	"                                     b0: log of the rate per person at\n"
	"                                     first_time)\n"
	"  flags                              (--lang en) underdispersed (dispersion\n"
	"                                     < 1 raised to 1 in lower/upper),\n"
	"                                     too_few_points (fewer than 3 points),\n"
	"                                     no_fit (no events, or all of them at\n"
	"                                     the start or at the end): then the\n"
	"                                     numbers are left empty\n"
	"With --fitted it writes instead every input row with fitted_count and\n"
	"fitted_rate (per N people, 100000 by default).\n"
	"T is numeric (e.g. the year) and is not repeated within a series; C ≥ 0;\n"
	"P > 0.\n"
	"%s"),
	        st_common_help());
}

static const struct st_word w_under = { "subdispersion", "underdispersed" };
static const struct st_word w_few = { "pocos_datos", "too_few_points" };
static const struct st_word w_nofit = { "sin_ajuste", "no_fit" };

struct trend_run {
	struct st_table t;
	double *time, *count, *pop, *fitted, *tt, *cc, *pp, *ff;
	struct st_series ser;
};

static void run_release(struct trend_run *x)
{
	st_table_release(&x->t);
	free(x->time);
	free(x->count);
	free(x->pop);
	free(x->fitted);
	free(x->tt);
	free(x->cc);
	free(x->pp);
	free(x->ff);
	st_series_release(&x->ser);
}

int st_cmd_trend(int argc, char **argv)
{
	enum { O_TIME = ST_OPT_LOCAL, O_COUNT, O_POP, O_BY, O_LEVEL, O_FITTED, O_PER };
	static const struct option longopts[] = {
		{ "time", required_argument, NULL, O_TIME },
		{ "count", required_argument, NULL, O_COUNT },
		{ "population", required_argument, NULL, O_POP },
		{ "by", required_argument, NULL, O_BY },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "fitted", no_argument, NULL, O_FITTED },
		{ "per", required_argument, NULL, O_PER },
		ST_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const added[] = {
		"series", "apc", "lower", "upper", "dispersion", "wald_lower", "wald_upper",
		"quasi_lower", "quasi_upper", "n", "first_time", "b0", "se_b0", "b1", "se_b1",
		"z_wald", "p_wald", "deviance", "pearson_chi2", "df", "flags", NULL,
	};
	static const char *const added_fitted[] = { "fitted_count", "fitted_rate", NULL };
	const char *time_col = NULL, *count_col = NULL, *pop_col = NULL, *by_col = NULL, *file;
	double level = 0.95, per = OB_RATE_PER_100K;
	bool fitted = false;
	struct trend_run x;
	struct st_common co;
	struct st_out o;
	struct ob_diag d;
	size_t tc, cc, pc, bc = SIZE_MAX;
	ob_err e;
	int c, rc;

	st_common_init(&co);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_TIME: time_col = optarg; break;
		case O_COUNT: count_col = optarg; break;
		case O_POP: pop_col = optarg; break;
		case O_BY: by_col = optarg; break;
		case O_FITTED: fitted = true; break;
		case O_LEVEL:
			if (!st_opt_number(argv[0], "--level", optarg, 0, true, 1, true, &level))
				goto usage;
			break;
		case O_PER:
			if (!st_opt_number(argv[0], "--per", optarg, 0, true, 1e15, false, &per))
				goto usage;
			break;
		default:
			if ((rc = st_common_option(&co, argv[0], c, optarg)) == 1) {
				usage(stdout);
				return OB_EXIT_OK;
			} else if (rc) {
				goto usage;
			}
		}
	}
	if (!time_col || !count_col || !pop_col) {
		st_usage_error(argv[0], OB_TR("faltan --time, --count o --population",
		                              "--time, --count and --population are required"));
		goto usage;
	}
	if (!st_file_operand(argc, argv, argv[0], &file))
		goto usage;

	memset(&x, 0, sizeof(x));
	st_series_init(&x.ser);
	ob_diag_clear(&d);
	st_out_init(&o, &co);
	if ((e = st_table_load(&x.t, file, &co, &d)) ||
	    (e = st_column(&x.t.rd, "--time", time_col, &tc, &d)) ||
	    (e = st_column(&x.t.rd, "--count", count_col, &cc, &d)) ||
	    (e = st_column(&x.t.rd, "--population", pop_col, &pc, &d)) ||
	    (by_col && (e = st_column(&x.t.rd, "--by", by_col, &bc, &d))) ||
	    (e = st_out_check(&o, fitted ? &x.t.rd : NULL, fitted ? added_fitted : added, &d)))
		goto fail;
	{
		size_t n = x.t.nrows ? x.t.nrows : 1;
		x.time = ob_calloc(n, sizeof(double));
		x.count = ob_calloc(n, sizeof(double));
		x.pop = ob_calloc(n, sizeof(double));
		x.fitted = ob_calloc(n, sizeof(double));
		x.tt = ob_calloc(n, sizeof(double));
		x.cc = ob_calloc(n, sizeof(double));
		x.pp = ob_calloc(n, sizeof(double));
		x.ff = ob_calloc(n, sizeof(double));
	}
	if ((e = st_table_numbers(&x.t, tc, ST_REAL, x.time, &d)) ||
	    (e = st_table_numbers(&x.t, cc, ST_NONNEG, x.count, &d)) ||
	    (e = st_table_numbers(&x.t, pc, ST_POSITIVE, x.pop, &d)) ||
	    (e = st_series_group(&x.ser, &x.t, bc, &d)) ||
	    (e = st_series_by_time(&x.ser, &x.t, tc, x.time, &d)))
		goto fail;

	st_out_header(&o, fitted ? &x.t.rd : NULL, fitted ? added_fitted : added);
	for (size_t r = 0; r < x.t.nrows; r++)
		x.fitted[r] = NAN;
	for (size_t s = 0; s < x.ser.n; s++) {
		const size_t *rows = x.ser.order + x.ser.v[s].first;
		size_t n = x.ser.v[s].n;
		double t0 = INFINITY;
		struct ob_trend tr;
		char flags[128] = "";

		for (size_t i = 0; i < n; i++)
			if (x.time[rows[i]] < t0)
				t0 = x.time[rows[i]];
		for (size_t i = 0; i < n; i++) {
			x.tt[i] = x.time[rows[i]] - t0;
			x.cc[i] = x.count[rows[i]];
			x.pp[i] = x.pop[rows[i]];
		}
		e = n < 3 ? OB_EINVAL : ob_trend_poisson(x.tt, x.cc, x.pp, n, level, &tr, x.ff);
		if (n < 3)
			st_flag(flags, sizeof(flags), &co, &w_few);
		else if (e)
			st_flag(flags, sizeof(flags), &co, &w_nofit);
		else if (tr.flags & OB_TREND_UNDERDISPERSED)
			st_flag(flags, sizeof(flags), &co, &w_under);
		if (!e)
			for (size_t i = 0; i < n; i++)
				x.fitted[rows[i]] = x.ff[i];
		if (fitted)
			continue;
		st_out_field(&o, x.ser.v[s].name, x.ser.v[s].len);
		if (e) {
			/* apc .. quasi_upper, then b0 .. df: undefined */
			for (size_t i = 0; i < 8; i++)
				st_out_none(&o);
			st_out_int(&o, (long long)n);
			st_out_num(&o, t0);
			for (size_t i = 0; i < 9; i++)
				st_out_none(&o);
		} else {
			const double v[] = { tr.apc, tr.lower, tr.upper, tr.phi, tr.apc_lower,
				             tr.apc_upper, tr.quasi_lower, tr.quasi_upper };
			const double w[] = { tr.b0, tr.se_b0, tr.b1, tr.se_b1, tr.z_b1, tr.p_b1,
				             tr.deviance, tr.pearson_chi2, tr.df };
			for (size_t i = 0; i < OB_ARRAY_SIZE(v); i++)
				st_out_num(&o, v[i]);
			st_out_int(&o, (long long)n);
			st_out_num(&o, t0);
			for (size_t i = 0; i < OB_ARRAY_SIZE(w); i++)
				st_out_num(&o, w[i]);
		}
		st_out_str(&o, flags);
		st_out_end(&o);
	}
	if (fitted) {
		for (size_t r = 0; r < x.t.nrows; r++) {
			st_out_fields(&o, st_table_row(&x.t, r), x.t.rd.ncols);
			if (isnan(x.fitted[r])) {
				st_out_none(&o);
				st_out_none(&o);
			} else {
				st_out_num(&o, x.fitted[r]);
				st_out_num(&o, per * x.fitted[r] / x.pop[r]);
			}
			st_out_end(&o);
		}
	}
	run_release(&x);
	return st_out_finish(&o) ? OB_EXIT_SYSTEM : OB_EXIT_OK;
fail:
	run_release(&x);
	return st_fail(&o, &d);
usage:
	usage(stderr);
	return OB_EXIT_USAGE;
}
