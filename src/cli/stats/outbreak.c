/* outbreak.c - "observa stats outbreak" (and its names by method,
 * "farrington", "ears", "cusum"): is each period's count beyond what its
 * series leads one to expect (Farrington flexible, EARS C1-C3, Poisson
 * CUSUM)? */
#include "cli/stats/stats.h"

#include "cli/builtin.h"
#include "stats/outbreak.h"

#include <math.h>

static void usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa stats outbreak --time T --count C [--by G]\n"
	"     [--method farrington|improved|c1|c2|c3|cusum] [--freq N] [--years B]\n"
	"     [--window W] [--baseline N] [--alpha A] [--shift S] [--arl L]\n"
	"     [opciones] ARCHIVO\n"
	"(observa stats farrington, ears y cusum: lo mismo con --method farrington,\n"
	"c3 y cusum por defecto)\n\n"
	"Juzga cada periodo de cada serie (las filas con el mismo valor de G) con\n"
	"los periodos anteriores, como el paquete surveillance de R:\n"
	"  farrington  farringtonFlexible (por defecto): modelo cuasi-Poisson con\n"
	"              tendencia sobre las ventanas de W periodos alrededor del\n"
	"              mismo periodo de B años anteriores (N periodos por año, 12),\n"
	"              brotes pasados con menos peso; alfa 0,05\n"
	"  improved    el mismo con 10 bloques estacionales (Noufaily 2013)\n"
	"  c1, c2, c3  EARS (earsC) para series cortas: media y desviación de los\n"
	"              N periodos anteriores (7); alfa 0,001 (C1, C2), 0,025 (C3)\n"
	"  cusum       CUSUM de Poisson para subidas pequeñas y persistentes: la\n"
	"              referencia m0 es la media de los N periodos (36) antes del\n"
	"              primero juzgado; k (Lucas) para una subida de S desviaciones\n"
	"              (1); h el menor con una longitud media de racha sin brote\n"
	"              de al menos L periodos (120; Brook y Evans); vuelve a 0\n"
	"              tras cada alarma\n"
	"T numera los periodos de forma consecutiva (p. ej. año * 12 + mes); un\n"
	"periodo sin fila no tiene datos: nunca cuenta como 0. C es un entero >= 0.\n"
	"Escribe cada fila de entrada con:\n"
	"  expected, upper   lo esperado y el umbral superior\n"
	"  score, p          (farrington) (C - esperado) / (umbral - esperado) y la\n"
	"                    probabilidad de un conteo así o mayor; (cusum) el\n"
	"                    estadístico entre h (alarma desde 1)\n"
	"  alarm             true cuando C supera el umbral (farrington: score > 1,\n"
	"                    C > 0 y al menos 5 casos en los 4 últimos periodos;\n"
	"                    cusum: score >= 1 y esos 5 casos)\n"
	"  flags             sin_historia (aún no hay bastantes periodos),\n"
	"                    sin_ajuste, pocos_casos, sin_datos_base (un periodo\n"
	"                    de la base sin datos, EARS)\n"
	"%s",
	"usage: observa stats outbreak --time T --count C [--by G]\n"
	"       [--method farrington|improved|c1|c2|c3|cusum] [--freq N] [--years B]\n"
	"       [--window W] [--baseline N] [--alpha A] [--shift S] [--arl L]\n"
	"       [options] FILE\n"
	"(observa stats farrington, ears and cusum: the same with --method\n"
	"farrington, c3 and cusum by default)\n\n"
	"Judges every period of every series (the rows with the same value of G)\n"
	"from the periods before it, as R's surveillance package does:\n"
	"  farrington  farringtonFlexible (the default): a quasi-Poisson model with\n"
	"              trend on the windows of W periods around the same period of\n"
	"              B earlier years (N periods a year, 12), past outbreaks\n"
	"              down-weighted; alpha 0.05\n"
	"  improved    the same with 10 seasonal blocks (Noufaily 2013)\n"
	"  c1, c2, c3  EARS (earsC) for short series: mean and deviation of the N\n"
	"              periods before (7); alpha 0.001 (C1, C2), 0.025 (C3)\n"
	"  cusum       Poisson CUSUM for small persistent rises: the reference m0\n"
	"              is the mean of the N periods (36) before the first judged;\n"
	"              k (Lucas) for a rise of S standard deviations (1); h the\n"
	"              smallest whose in-control average run length is at least L\n"
	"              periods (120; Brook and Evans); back to 0 after each alarm\n"
	"T numbers the periods consecutively (e.g. year * 12 + month); a period\n"
	"without a row has no data: it never counts as 0. C is a whole number >= 0.\n"
	"Writes every input row with:\n"
	"  expected, upper   what is expected and the upper threshold\n"
	"  score, p          (farrington) (C - expected) / (threshold - expected)\n"
	"                    and the probability of such a count or more; (cusum)\n"
	"                    the statistic over h (an alarm from 1)\n"
	"  alarm             true when C is above the threshold (farrington: score\n"
	"                    > 1, C > 0 and at least 5 cases in the last 4 periods;\n"
	"                    cusum: score >= 1 and those 5 cases)\n"
	"  flags             (--lang en) too_early (not enough periods yet), no_fit,\n"
	"                    few_cases, baseline_gaps (a period of the baseline\n"
	"                    without data, EARS)\n"
	"%s"),
	        st_common_help());
}

static const struct st_word w_early = { "sin_historia", "too_early" };
static const struct st_word w_nofit = { "sin_ajuste", "no_fit" };
static const struct st_word w_few = { "pocos_casos", "few_cases" };
static const struct st_word w_gaps = { "sin_datos_base", "baseline_gaps" };

enum method { M_FARRINGTON, M_IMPROVED, M_C1, M_C2, M_C3, M_CUSUM };

struct run {
	struct st_table t;
	struct st_series ser;
	double *time, *count, *y;
	/* per row: the results */
	double *expected, *upper, *score, *p;
	signed char *alarm; /* -1: not judged */
	char (*flags)[64];
	struct ob_cusum_result *cusum; /* (M_CUSUM) one series' periods */
};

static void run_release(struct run *x)
{
	st_table_release(&x->t);
	st_series_release(&x->ser);
	free(x->time);
	free(x->count);
	free(x->y);
	free(x->expected);
	free(x->upper);
	free(x->score);
	free(x->p);
	free(x->alarm);
	free(x->flags);
	free(x->cusum);
}

static void out_num(struct st_out *o, double v)
{
	if (isnan(v))
		st_out_none(o);
	else
		st_out_num(o, v);
}

/* Judge every row of a series with the CUSUM (its periods in x->y). */
static ob_err judge_cusum(struct run *x, const struct st_common *co, const char *name,
                          const size_t *rows, size_t n, double t0, size_t len,
                          const struct ob_cusum_options *cu, struct ob_diag *d)
{
	size_t start = (size_t)cu->baseline;
	struct ob_cusum_plan plan = { 0 };
	ob_err e;

	if (len > start && (e = ob_cusum(x->y, len, start, len - 1, cu, &plan, x->cusum)))
		return OB_DIAG(d, e, x->t.rd.name, x->t.line[rows[0]], 0, NULL, 0,
		               "el CUSUM de la serie «%s» no tiene un h de hasta %d estados "
		               "con esa longitud de racha: baje --arl o suba --shift",
		               "the CUSUM of series «%s» has no h of up to %d states with "
		               "that run length: lower --arl or raise --shift",
		               name, OB_MAX_CUSUM_STATES);
	for (size_t j = 0; j < n; j++) {
		size_t r = rows[j], k = (size_t)(x->time[r] - t0);
		const struct ob_cusum_result *c;
		char *fl = x->flags[r];

		if (k < start) {
			st_flag(fl, sizeof(x->flags[r]), co, &w_early);
			continue;
		}
		if (!plan.computed) {
			st_flag(fl, sizeof(x->flags[r]), co, &w_nofit);
			x->alarm[r] = 0;
			continue;
		}
		c = &x->cusum[k - start];
		x->expected[r] = plan.m0;
		x->upper[r] = c->upper;
		x->score[r] = c->stat / plan.h;
		x->alarm[r] = c->alarm;
		if (c->stat >= plan.h && !c->alarm)
			st_flag(fl, sizeof(x->flags[r]), co, &w_few);
	}
	return OB_OK;
}

/* Judge every row of series i. */
static ob_err judge(struct run *x, const struct st_common *co, size_t i, enum method m,
                    const struct ob_farrington_options *fo, int baseline, double alpha,
                    const struct ob_cusum_options *cu, size_t tc, struct ob_diag *d)
{
	const size_t *rows = x->ser.order + x->ser.v[i].first;
	size_t n = x->ser.v[i].n;
	double t0, t1;
	size_t len;

	if (!n)
		return OB_OK;
	t0 = x->time[rows[0]];
	t1 = x->time[rows[n - 1]];
	for (size_t j = 0; j < n; j++) {
		double tt = x->time[rows[j]];
		if (tt != floor(tt)) {
			const char *v = st_table_cell(&x->t, rows[j], tc);
			return OB_DIAG(d, OB_EINVAL, x->t.rd.name, x->t.line[rows[j]], (long)tc + 1, v,
			               strlen(v), "el tiempo debe ser un número entero de periodo",
			               "the time must be a whole period number");
		}
	}
	if (t1 - t0 + 1 > OB_MAX_OUTBREAK_SERIES)
		return OB_DIAG(d, OB_ETOOBIG, x->t.rd.name, x->t.line[rows[n - 1]], (long)tc + 1,
		               NULL, 0, "la serie «%s» abarca más de %d periodos",
		               "series «%s» spans more than %d periods", x->ser.v[i].name,
		               OB_MAX_OUTBREAK_SERIES);
	len = (size_t)(t1 - t0) + 1;
	for (size_t k = 0; k < len; k++)
		x->y[k] = NAN;
	for (size_t j = 0; j < n; j++)
		x->y[(size_t)(x->time[rows[j]] - t0)] = x->count[rows[j]];
	if (m == M_CUSUM)
		return judge_cusum(x, co, x->ser.v[i].name, rows, n, t0, len, cu, d);
	for (size_t j = 0; j < n; j++) {
		size_t r = rows[j], k = (size_t)(x->time[r] - t0);
		char *fl = x->flags[r];

		if (m == M_FARRINGTON || m == M_IMPROVED) {
			struct ob_farrington_result res;
			if (k < ob_farrington_first(fo)) {
				st_flag(fl, sizeof(x->flags[r]), co, &w_early);
				continue;
			}
			if (ob_farrington(x->y, len, k, fo, &res) != OB_OK)
				return OB_DIAG(d, OB_ETOOBIG, x->t.rd.name, x->t.line[r], 0, NULL, 0,
				               "la base de Farrington (--years x --freq + --window) pasa "
				               "de %d periodos", "the Farrington baseline (--years x "
				               "--freq + --window) is over %d periods",
				               OB_MAX_OUTBREAK_BASELINE);
			if (!res.computed) {
				st_flag(fl, sizeof(x->flags[r]), co, &w_nofit);
				x->alarm[r] = 0;
				continue;
			}
			x->expected[r] = res.expected;
			x->score[r] = res.score;
			x->p[r] = res.p;
			if (res.enough_cases)
				x->upper[r] = res.upper;
			else
				st_flag(fl, sizeof(x->flags[r]), co, &w_few);
			x->alarm[r] = res.alarm;
		} else {
			enum ob_ears_method em = m == M_C1 ? OB_EARS_C1 : m == M_C2 ? OB_EARS_C2
			                                                            : OB_EARS_C3;
			struct ob_ears_result res;
			if (k < ob_ears_first(em, baseline)) {
				st_flag(fl, sizeof(x->flags[r]), co, &w_early);
				continue;
			}
			if (ob_ears(x->y, len, k, em, baseline, 0, alpha, &res) != OB_OK)
				return OB_DIAG(d, OB_EINVAL, x->t.rd.name, x->t.line[r], 0, NULL, 0,
				               "opciones de EARS no válidas", "invalid EARS options");
			if (!res.computed) {
				st_flag(fl, sizeof(x->flags[r]), co, &w_gaps);
				continue;
			}
			x->expected[r] = res.mean;
			x->upper[r] = res.upper;
			x->alarm[r] = res.alarm;
		}
	}
	return OB_OK;
}

static int outbreak(int argc, char **argv, enum method m)
{
	enum { O_TIME = ST_OPT_LOCAL, O_COUNT, O_BY, O_METHOD, O_FREQ, O_YEARS, O_WINDOW,
	       O_BASELINE, O_ALPHA, O_SHIFT, O_ARL };
	static const struct option longopts[] = {
		{ "time", required_argument, NULL, O_TIME },
		{ "count", required_argument, NULL, O_COUNT },
		{ "by", required_argument, NULL, O_BY },
		{ "method", required_argument, NULL, O_METHOD },
		{ "freq", required_argument, NULL, O_FREQ },
		{ "years", required_argument, NULL, O_YEARS },
		{ "window", required_argument, NULL, O_WINDOW },
		{ "baseline", required_argument, NULL, O_BASELINE },
		{ "alpha", required_argument, NULL, O_ALPHA },
		{ "shift", required_argument, NULL, O_SHIFT },
		{ "arl", required_argument, NULL, O_ARL },
		ST_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const added[] = { "expected", "upper", "score", "p", "alarm", "flags",
		                             NULL };
	const char *time_col = NULL, *count_col = NULL, *by_col = NULL, *file;
	struct ob_farrington_options fo;
	struct ob_cusum_options cu;
	double alpha = 0, num;
	int baseline = 0;
	struct run x;
	struct st_common co;
	struct st_out o;
	struct ob_diag d;
	size_t tc, cc, bc = SIZE_MAX, nrows;
	ob_err e;
	int c, rc;

	ob_farrington_defaults(&fo);
	ob_cusum_defaults(&cu);
	st_common_init(&co);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_TIME: time_col = optarg; break;
		case O_COUNT: count_col = optarg; break;
		case O_BY: by_col = optarg; break;
		case O_METHOD:
			if (!strcmp(optarg, "farrington"))
				m = M_FARRINGTON;
			else if (!strcmp(optarg, "improved"))
				m = M_IMPROVED;
			else if (!strcmp(optarg, "c1"))
				m = M_C1;
			else if (!strcmp(optarg, "c2"))
				m = M_C2;
			else if (!strcmp(optarg, "c3"))
				m = M_C3;
			else if (!strcmp(optarg, "cusum"))
				m = M_CUSUM;
			else {
				st_usage_error(argv[0], OB_TR("--method «%s» no válido: farrington, "
				                              "improved, c1, c2, c3 o cusum",
				                              "invalid --method «%s»: farrington, "
				                              "improved, c1, c2, c3 or cusum"), optarg);
				goto usage;
			}
			break;
		case O_FREQ:
			if (!st_opt_number(argv[0], "--freq", optarg, 1, false, 366, false, &num))
				goto usage;
			fo.freq = (int)num;
			break;
		case O_YEARS:
			if (!st_opt_number(argv[0], "--years", optarg, 1, false, 50, false, &num))
				goto usage;
			fo.b = (int)num;
			break;
		case O_WINDOW:
			if (!st_opt_number(argv[0], "--window", optarg, 0, false, 100, false, &num))
				goto usage;
			fo.w = (int)num;
			break;
		case O_BASELINE:
			if (!st_opt_number(argv[0], "--baseline", optarg, 3, false, 1000, false, &num))
				goto usage;
			baseline = (int)num;
			break;
		case O_ALPHA:
			if (!st_opt_number(argv[0], "--alpha", optarg, 0, true, 1, true, &alpha))
				goto usage;
			break;
		case O_SHIFT:
			if (!st_opt_number(argv[0], "--shift", optarg, 0, true, 100, false, &cu.shift))
				goto usage;
			break;
		case O_ARL:
			if (!st_opt_number(argv[0], "--arl", optarg, 1, false, 1e7, false, &cu.arl0))
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
	if (!time_col || !count_col) {
		st_usage_error(argv[0], OB_TR("faltan --time o --count",
		                              "--time and --count are required"));
		goto usage;
	}
	if (2 * fo.w + 1 > fo.freq) {
		st_usage_error(argv[0], OB_TR("--window demasiado ancho para --freq: 2 W + 1 <= N",
		                              "--window too wide for --freq: 2 W + 1 <= N"));
		goto usage;
	}
	if (!st_file_operand(argc, argv, argv[0], &file))
		goto usage;
	if (m == M_IMPROVED)
		fo.no_periods = 10;
	if (m == M_CUSUM)
		cu.baseline = baseline ? baseline : cu.baseline;
	else if (!baseline)
		baseline = 7;
	if (alpha > 0 && (m == M_FARRINGTON || m == M_IMPROVED))
		fo.alpha = alpha;

	memset(&x, 0, sizeof(x));
	st_series_init(&x.ser);
	ob_diag_clear(&d);
	st_out_init(&o, &co);
	if ((e = st_table_load(&x.t, file, &co, &d)) ||
	    (e = st_column(&x.t.rd, "--time", time_col, &tc, &d)) ||
	    (e = st_column(&x.t.rd, "--count", count_col, &cc, &d)) ||
	    (by_col && (e = st_column(&x.t.rd, "--by", by_col, &bc, &d))) ||
	    (e = st_out_check(&o, &x.t.rd, added, &d)))
		goto fail;
	nrows = x.t.nrows ? x.t.nrows : 1;
	x.time = ob_calloc(nrows, sizeof(double));
	x.count = ob_calloc(nrows, sizeof(double));
	x.y = ob_calloc(OB_MAX_OUTBREAK_SERIES, sizeof(double));
	x.expected = ob_calloc(nrows, sizeof(double));
	x.upper = ob_calloc(nrows, sizeof(double));
	x.score = ob_calloc(nrows, sizeof(double));
	x.p = ob_calloc(nrows, sizeof(double));
	x.alarm = ob_calloc(nrows, 1);
	x.flags = ob_calloc(nrows, sizeof(*x.flags));
	if (m == M_CUSUM)
		x.cusum = ob_calloc(OB_MAX_OUTBREAK_SERIES, sizeof(*x.cusum));
	for (size_t r = 0; r < x.t.nrows; r++) {
		x.expected[r] = x.upper[r] = x.score[r] = x.p[r] = NAN;
		x.alarm[r] = -1;
	}
	if ((e = st_table_numbers(&x.t, tc, ST_REAL, x.time, &d)) ||
	    (e = st_table_numbers(&x.t, cc, ST_WHOLE, x.count, &d)) ||
	    (e = st_series_group(&x.ser, &x.t, bc, &d)) ||
	    (e = st_series_by_time(&x.ser, &x.t, tc, x.time, &d)))
		goto fail;
	for (size_t i = 0; i < x.ser.n; i++)
		if ((e = judge(&x, &co, i, m, &fo, baseline, alpha, &cu, tc, &d)))
			goto fail;
	st_out_header(&o, &x.t.rd, added);
	for (size_t r = 0; r < x.t.nrows; r++) {
		st_out_fields(&o, st_table_row(&x.t, r), x.t.rd.ncols);
		out_num(&o, x.expected[r]);
		out_num(&o, x.upper[r]);
		out_num(&o, x.score[r]);
		out_num(&o, x.p[r]);
		if (x.alarm[r] < 0)
			st_out_none(&o);
		else
			st_out_bool(&o, x.alarm[r]);
		st_out_str(&o, x.flags[r]);
		st_out_end(&o);
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

int st_cmd_outbreak(int argc, char **argv)
{
	return outbreak(argc, argv, M_FARRINGTON);
}

int st_cmd_farrington(int argc, char **argv)
{
	return outbreak(argc, argv, M_FARRINGTON);
}

int st_cmd_ears(int argc, char **argv)
{
	return outbreak(argc, argv, M_C3);
}

int st_cmd_cusum(int argc, char **argv)
{
	return outbreak(argc, argv, M_CUSUM);
}
