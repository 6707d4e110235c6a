/* rate.c - "observa stats rate" and "observa stats compare": exact Poisson rates row by row. */
#include "cli/stats/stats.h"

#include "cli/builtin.h"
#include "stats/rate.h"

static const struct st_word w_no_population = { "sin_poblacion", "no_population" };
static const struct st_word w_implausible = { "inverosimil", "implausible" };
static const struct st_word w_small = { "poblacion_pequena", "small_population" };

static void rate_usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa stats rate --count C --population P [--per N]\n"
	"     [--level L] [--unreliable-below K] [--population-floor F]\n"
	"     [opciones] ARCHIVO\n\n"
	"Añade a cada fila la tasa por N habitantes con su intervalo exacto de\n"
	"Poisson (Garwood; el de poisson.test de R) y si es poco fiable: columnas\n"
	"rate, lower, upper, unreliable, flags. Marcas, y nunca fiable con ellas:\n"
	"sin_poblacion (población 0: rate, lower y upper quedan vacías),\n"
	"inverosimil (recuento mayor que la población), poblacion_pequena\n"
	"(población mayor que 0 y menor que F). Poco fiable también si el recuento\n"
	"es menor que K. Los recuentos pueden ser fraccionarios (prorrateados).\n"
	"  --count C              columna del recuento (≥ 0)\n"
	"  --population P         columna de la población (≥ 0)\n"
	"  --per N                tasa por N habitantes (100000)\n"
	"  --level L              nivel de confianza (0.95)\n"
	"  --unreliable-below K   poco fiable si el recuento es menor que K (20)\n"
	"  --population-floor F   población mínima de una tasa fiable (1000; 0 la\n"
	"                         desactiva)\n"
	"  --stream               escribe cada fila al calcularla (un error deja la\n"
	"                         salida incompleta)\n"
	"%s",
	"usage: observa stats rate --count C --population P [--per N]\n"
	"       [--level L] [--unreliable-below K] [--population-floor F]\n"
	"       [options] FILE\n\n"
	"Adds to each row the rate per N people with its exact Poisson interval\n"
	"(Garwood; that of R's poisson.test) and whether it is unreliable: columns\n"
	"rate, lower, upper, unreliable, flags. Flags (--lang en), never reliable\n"
	"with any of them: no_population (population 0: rate, lower and upper are\n"
	"left empty), implausible (count above the population), small_population\n"
	"(population above 0 and below F). Also unreliable if the count is below K.\n"
	"Counts may be fractional (prorated).\n"
	"  --count C              column of the count (≥ 0)\n"
	"  --population P         column of the population (≥ 0)\n"
	"  --per N                rate per N people (100000)\n"
	"  --level L              confidence level (0.95)\n"
	"  --unreliable-below K   unreliable if the count is below K (20)\n"
	"  --population-floor F   smallest population of a reliable rate (1000; 0\n"
	"                         turns it off)\n"
	"  --stream               writes each row as it is computed (an error leaves\n"
	"                         the output incomplete)\n"
	"%s"),
	        st_common_help());
}

int st_cmd_rate(int argc, char **argv)
{
	enum { O_COUNT = ST_OPT_LOCAL, O_POP, O_PER, O_LEVEL, O_BELOW, O_FLOOR };
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, O_COUNT },
		{ "population", required_argument, NULL, O_POP },
		{ "per", required_argument, NULL, O_PER },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "unreliable-below", required_argument, NULL, O_BELOW },
		{ "population-floor", required_argument, NULL, O_FLOOR },
		ST_STREAM_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const added[] = { "rate", "lower", "upper", "unreliable", "flags",
		                             NULL };
	const char *count_col = NULL, *pop_col = NULL, *file;
	double per = OB_RATE_PER_100K, level = 0.95, below = OB_RATE_UNRELIABLE_BELOW;
	double pop_floor = OB_RATE_POPULATION_FLOOR;
	static const enum st_kind kinds[2] = { ST_NONNEG, ST_NONNEG };
	struct st_common co;
	struct st_reader r;
	struct st_rows w;
	struct st_row row;
	struct st_out o;
	struct ob_diag d;
	size_t cols[2];
	ob_err e;
	int c, rc;

	st_common_init(&co);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_COUNT: count_col = optarg; break;
		case O_POP: pop_col = optarg; break;
		case O_PER:
			if (!st_opt_number(argv[0], "--per", optarg, 0, true, 1e15, false, &per))
				goto usage;
			break;
		case O_LEVEL:
			if (!st_opt_number(argv[0], "--level", optarg, 0, true, 1, true, &level))
				goto usage;
			break;
		case O_BELOW:
			if (!st_opt_number(argv[0], "--unreliable-below", optarg, 0, false, 1e15,
			                   false, &below))
				goto usage;
			break;
		case O_FLOOR:
			if (!st_opt_number(argv[0], "--population-floor", optarg, 0, false, 1e15,
			                   false, &pop_floor))
				goto usage;
			break;
		default:
			if ((rc = st_common_option(&co, argv[0], c, optarg)) == 1) {
				rate_usage(stdout);
				return OB_EXIT_OK;
			} else if (rc) {
				goto usage;
			}
		}
	}
	if (!count_col || !pop_col) {
		st_usage_error(argv[0], OB_TR("faltan --count y --population",
		                              "--count and --population are required"));
		goto usage;
	}
	if (!st_file_operand(argc, argv, argv[0], &file))
		goto usage;

	ob_diag_clear(&d);
	if ((e = st_reader_open(&r, file, &co, &d)))
		return st_fail(NULL, &d);
	st_out_init(&o, &co);
	memset(&w, 0, sizeof(w));
	if ((e = st_column(&r, "--count", count_col, &cols[0], &d)) ||
	    (e = st_column(&r, "--population", pop_col, &cols[1], &d)) ||
	    (e = st_out_check(&o, &r, added, &d)))
		goto fail;
	st_out_header(&o, &r, added);
	st_rows_init(&w, &r, 2, cols, kinds);
	while (!(e = st_rows_next(&w, &row, &d))) {
		struct ob_rate rt;
		char flags[128] = "";

		if ((e = ob_rate_exact_floor(row.v[0], row.v[1], per, level, below, pop_floor,
		                             &rt))) {
			OB_DIAG(&d, e, r.name, row.line, 0, NULL, 0,
			        "no se pudo calcular la tasa", "cannot compute the rate");
			goto fail;
		}
		st_out_fields(&o, row.field, row.nfields);
		if (rt.flags & OB_RATE_NO_POPULATION) {
			st_out_none(&o);
			st_out_none(&o);
			st_out_none(&o);
		} else {
			st_out_num(&o, rt.rate);
			st_out_num(&o, rt.lower);
			st_out_num(&o, rt.upper);
		}
		st_out_bool(&o, rt.flags & OB_RATE_UNRELIABLE);
		if (rt.flags & OB_RATE_NO_POPULATION)
			st_flag(flags, sizeof(flags), &co, &w_no_population);
		if (rt.flags & OB_RATE_IMPLAUSIBLE)
			st_flag(flags, sizeof(flags), &co, &w_implausible);
		if (rt.flags & OB_RATE_SMALL_POPULATION)
			st_flag(flags, sizeof(flags), &co, &w_small);
		st_out_str(&o, flags);
		st_out_end(&o);
	}
	if (e != OB_ENOENT)
		goto fail;
	st_rows_release(&w);
	st_reader_close(&r);
	return st_out_finish(&o) ? OB_EXIT_SYSTEM : OB_EXIT_OK;
fail:
	st_rows_release(&w);
	st_reader_close(&r);
	return st_fail(&o, &d);
usage:
	rate_usage(stderr);
	return OB_EXIT_USAGE;
}

static void compare_usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa stats compare --count0 C0 --population0 P0\n"
	"     --count1 C1 --population1 P1 [--per N] [--level L]\n"
	"     [opciones] ARCHIVO\n\n"
	"Compara la tasa del periodo 1 con la del periodo 0 (la base) en cada fila:\n"
	"razón de tasas con su intervalo exacto condicional y el valor p exacto\n"
	"bilateral (poisson.test(c(C1, C0), c(P1, P0)) de R). Columnas añadidas:\n"
	"rate0, rate1 (por N), rate_ratio, lower, upper, percent_change, p_value,\n"
	"verdict, flags. El veredicto es aumento o disminución solo si el intervalo\n"
	"excluye 1; sin cambio significativo si lo contiene; no definido sin eventos\n"
	"o sin población. Los valores no definidos quedan vacíos; con recuento base\n"
	"0 el límite superior es Inf. Marcas: sin_linea_base, superior_no_acotado,\n"
	"sin_eventos, sin_poblacion.\n"
	"  --count0, --count1     recuentos (números enteros ≥ 0)\n"
	"  --population0, --population1\n"
	"                         poblaciones (≥ 0)\n"
	"  --per N                tasas por N habitantes (100000)\n"
	"  --level L              nivel de confianza (0.95)\n"
	"  --stream               escribe cada fila al calcularla\n"
	"%s",
	"usage: observa stats compare --count0 C0 --population0 P0\n"
	"       --count1 C1 --population1 P1 [--per N] [--level L]\n"
	"       [options] FILE\n\n"
	"Compares the rate of period 1 with that of period 0 (the baseline) on each\n"
	"row: rate ratio with its exact conditional interval and the exact two-sided\n"
	"p-value (R's poisson.test(c(C1, C0), c(P1, P0))). Added columns: rate0,\n"
	"rate1 (per N), rate_ratio, lower, upper, percent_change, p_value, verdict,\n"
	"flags. The verdict (--lang en) is increase or decrease only if the interval\n"
	"excludes 1; no significant change if it contains it; undefined without\n"
	"events or without population. Undefined values are left empty; with a\n"
	"baseline count of 0 the upper limit is Inf. Flags (--lang en): no_baseline,\n"
	"upper_unbounded, no_events, no_population.\n"
	"  --count0, --count1     counts (whole numbers ≥ 0)\n"
	"  --population0, --population1\n"
	"                         populations (≥ 0)\n"
	"  --per N                rates per N people (100000)\n"
	"  --level L              confidence level (0.95)\n"
	"  --stream               writes each row as it is computed\n"
	"%s"),
	        st_common_help());
}

static const struct st_word w_verdict[] = {
	[OB_CHANGE_UNDEFINED] = { "no definido", "undefined" },
	[OB_CHANGE_NONE] = { "sin cambio significativo", "no significant change" },
	[OB_CHANGE_INCREASE] = { "aumento", "increase" },
	[OB_CHANGE_DECREASE] = { "disminución", "decrease" },
};

static const struct st_word w_no_baseline = { "sin_linea_base", "no_baseline" };
static const struct st_word w_unbounded = { "superior_no_acotado", "upper_unbounded" };
static const struct st_word w_no_events = { "sin_eventos", "no_events" };

int st_cmd_compare(int argc, char **argv)
{
	enum { O_C0 = ST_OPT_LOCAL, O_P0, O_C1, O_P1, O_PER, O_LEVEL };
	static const struct option longopts[] = {
		{ "count0", required_argument, NULL, O_C0 },
		{ "population0", required_argument, NULL, O_P0 },
		{ "count1", required_argument, NULL, O_C1 },
		{ "population1", required_argument, NULL, O_P1 },
		{ "per", required_argument, NULL, O_PER },
		{ "level", required_argument, NULL, O_LEVEL },
		ST_STREAM_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const added[] = { "rate0", "rate1", "rate_ratio", "lower", "upper",
		                             "percent_change", "p_value", "verdict", "flags",
		                             NULL };
	static const char *const opt[4] = { "--count0", "--population0", "--count1",
		                             "--population1" };
	const char *col[4] = { NULL, NULL, NULL, NULL }, *file;
	double per = OB_RATE_PER_100K, level = 0.95;
	static const enum st_kind kinds[4] = { ST_WHOLE, ST_NONNEG, ST_WHOLE, ST_NONNEG };
	struct st_common co;
	struct st_reader r;
	struct st_rows w;
	struct st_row row;
	struct st_out o;
	struct ob_diag d;
	size_t idx[4];
	ob_err e;
	int c, rc;

	st_common_init(&co);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_C0: case O_P0: case O_C1: case O_P1:
			col[c - O_C0] = optarg;
			break;
		case O_PER:
			if (!st_opt_number(argv[0], "--per", optarg, 0, true, 1e15, false, &per))
				goto usage;
			break;
		case O_LEVEL:
			if (!st_opt_number(argv[0], "--level", optarg, 0, true, 1, true, &level))
				goto usage;
			break;
		default:
			if ((rc = st_common_option(&co, argv[0], c, optarg)) == 1) {
				compare_usage(stdout);
				return OB_EXIT_OK;
			} else if (rc) {
				goto usage;
			}
		}
	}
	for (size_t k = 0; k < 4; k++)
		if (!col[k]) {
			st_usage_error(argv[0], OB_TR("falta %s", "%s is missing"), opt[k]);
			goto usage;
		}
	if (!st_file_operand(argc, argv, argv[0], &file))
		goto usage;

	ob_diag_clear(&d);
	if ((e = st_reader_open(&r, file, &co, &d)))
		return st_fail(NULL, &d);
	st_out_init(&o, &co);
	memset(&w, 0, sizeof(w));
	for (size_t k = 0; k < 4; k++)
		if ((e = st_column(&r, opt[k], col[k], &idx[k], &d)))
			goto fail;
	if ((e = st_out_check(&o, &r, added, &d)))
		goto fail;
	st_out_header(&o, &r, added);
	st_rows_init(&w, &r, 4, idx, kinds);
	while (!(e = st_rows_next(&w, &row, &d))) {
		struct ob_rate_cmp cmp;
		const double *v = row.v;
		char flags[128] = "";

		if ((e = ob_rate_compare(v[0], v[1], v[2], v[3], per, level, &cmp))) {
			OB_DIAG(&d, e, r.name, row.line, 0, NULL, 0, "no se pudo comparar",
			        "cannot compare");
			goto fail;
		}
		st_out_fields(&o, row.field, row.nfields);
		if (cmp.flags & OB_CMP_NO_POPULATION) {
			for (size_t i = 0; i < 7; i++)
				st_out_none(&o);
			st_flag(flags, sizeof(flags), &co, &w_no_population);
		} else {
			st_out_num(&o, cmp.rate0);
			st_out_num(&o, cmp.rate1);
			if (cmp.flags & (OB_CMP_NO_BASELINE | OB_CMP_NO_EVENTS))
				st_out_none(&o);
			else
				st_out_num(&o, cmp.ratio);
			if (cmp.flags & OB_CMP_NO_EVENTS) {
				st_out_none(&o);
				st_out_none(&o);
			} else {
				st_out_num(&o, cmp.lower);
				st_out_num(&o, cmp.upper);
			}
			if (cmp.flags & (OB_CMP_NO_BASELINE | OB_CMP_NO_EVENTS))
				st_out_none(&o);
			else
				st_out_num(&o, cmp.pct_change);
			st_out_num(&o, cmp.p_value);
			if (cmp.flags & OB_CMP_NO_EVENTS)
				st_flag(flags, sizeof(flags), &co, &w_no_events);
			else if (cmp.flags & OB_CMP_NO_BASELINE)
				st_flag(flags, sizeof(flags), &co, &w_no_baseline);
			if (cmp.flags & OB_CMP_UPPER_UNBOUNDED)
				st_flag(flags, sizeof(flags), &co, &w_unbounded);
		}
		st_out_str(&o, st_word(&co, &w_verdict[cmp.verdict]));
		st_out_str(&o, flags);
		st_out_end(&o);
	}
	if (e != OB_ENOENT)
		goto fail;
	st_rows_release(&w);
	st_reader_close(&r);
	return st_out_finish(&o) ? OB_EXIT_SYSTEM : OB_EXIT_OK;
fail:
	st_rows_release(&w);
	st_reader_close(&r);
	return st_fail(&o, &d);
usage:
	compare_usage(stderr);
	return OB_EXIT_USAGE;
}
