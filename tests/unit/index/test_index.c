/* test_index.c - index definitions, scores against the R reference, drivers, missing data, bad files. */
#include "test.h"

#include <math.h>
#include <unistd.h>

#include "base/buf.h"
#include "index/index.h"
#include "stats/refcsv.h"

#define REL 1e-9

/* ------------------------------------------------------------- helpers */

static void testdata_path(char *out, size_t size, const char *rel)
{
	const char *dir = getenv("OBSERVA_TESTDATA");
	assert_non_null(dir);
	assert_true((size_t)snprintf(out, size, "%s/%s", dir, rel) < size);
}

/* A definition over the reference indicators (indicator_meta.csv): every
 * indicator with its direction and weight, in its dimension when dims is
 * set, with the given [index] lines. */
static void reference_def(struct ob_buf *b, const char *index_lines, bool dims,
                          bool equal_weights)
{
	struct refcsv meta;

	refcsv_load(&meta, "reference/composite/indicator_meta.csv");
	ob_buf_init(b, 1 << 20);
	assert_int_equal(ob_buf_addf(b, "[index]\nunits = list\nunit_column = unit_id\n%s\n",
	                             index_lines),
	                 OB_OK);
	if (dims) {
		char seen[8][32];
		size_t ns = 0;
		for (size_t j = 0; j < meta.nrows; j++) {
			const char *dim = refcsv_str(&meta, j, "dimension");
			size_t i;
			for (i = 0; i < ns && strcmp(seen[i], dim); i++)
				;
			if (i == ns) {
				ob_strlcpy(seen[ns++], dim, sizeof(seen[0]));
				ob_buf_putf(b, "[dimension %s]\nweight = 1\n", dim);
			}
		}
	}
	for (size_t j = 0; j < meta.nrows; j++) {
		ob_buf_putf(b, "[indicator %s]\ndirection = %ld\nweight = %s\n",
		            refcsv_str(&meta, j, "indicator"), refcsv_int(&meta, j, "direction"),
		            equal_weights ? "1" : refcsv_str(&meta, j, "weight"));
		if (dims)
			ob_buf_putf(b, "dimension = %s\n", refcsv_str(&meta, j, "dimension"));
	}
	refcsv_free(&meta);
}

struct run {
	struct ob_index_def def;
	struct ob_index_input in;
	struct ob_index_result r;
};

/* Load the definition text and compute it on the reference indicators. */
static void run_reference(struct run *x, const char *text)
{
	struct ob_diag d;
	char path[4096], msg[1024];

	ob_diag_clear(&d);
	testdata_path(path, sizeof(path), "reference/composite/indicators.csv");
	if (ob_index_load_mem(text, strlen(text), "ref.ini", &x->def, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		fail_msg("%s", msg);
	}
	if (ob_index_input_read(&x->def, path, &x->in, &d) ||
	    ob_index_compute(&x->def, &x->in, &x->r, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		fail_msg("%s", msg);
	}
}

static void run_release(struct run *x)
{
	ob_index_result_release(&x->r);
	ob_index_input_release(&x->in);
	ob_index_def_release(&x->def);
}

static size_t unit_of(const struct run *x, const char *id)
{
	for (size_t u = 0; u < x->in.nunits; u++)
		if (!strcmp(x->in.unit[u], id))
			return u;
	fail_msg("unit %s not in the input", id);
	return 0;
}

/* Every unit's score against a column of composite_scores.csv. */
static void check_scores(const struct run *x, const char *col)
{
	struct refcsv t;

	refcsv_load(&t, "reference/composite/composite_scores.csv");
	assert_int_equal(t.nrows, x->in.nunits);
	for (size_t row = 0; row < t.nrows; row++) {
		size_t u = unit_of(x, refcsv_str(&t, row, "unit_id"));
		REF_CHECK(&t, row, col, x->r.score[u], REL, 0);
	}
	refcsv_free(&t);
}

static void check_ints(const struct run *x, const char *col, const size_t *v)
{
	struct refcsv t;

	refcsv_load(&t, "reference/composite/composite_scores.csv");
	for (size_t row = 0; row < t.nrows; row++) {
		size_t u = unit_of(x, refcsv_str(&t, row, "unit_id"));
		REF_CHECK_INT(&t, row, col, (long)v[u]);
	}
	refcsv_free(&t);
}

/* Contributions add up to score - reference for every unit. */
static void check_drivers_sum(const struct run *x)
{
	for (size_t u = 0; u < x->r.nunits; u++) {
		double s = 0, want = x->r.score[u] - x->r.reference[u];
		double scale = fabs(x->r.score[u]) + fabs(x->r.reference[u]) + 1;
		for (size_t j = 0; j < x->r.nind; j++)
			s += x->r.contrib[u * x->r.nind + j];
		if (!(fabs(s - want) <= 1e-9 * scale))
			fail_msg("unit %s: drivers add to %.17g, score - reference = %.17g",
			         x->in.unit[u], s, want);
	}
}

/* ------------------------------------------------------ reference values */

static void normalised_values(void **state)
{
	static const struct {
		const char *method, *line;
	} m[] = {
		{ "minmax_0_1", "normalise = minmax 0 1" },
		{ "minmax_0_100", "normalise = minmax 0 100" },
		{ "minmax_1_100", "normalise = minmax 1 100" },
		{ "minmax_0_10", "normalise = minmax 0 10" },
		{ "zscore_mean0_sd1", "normalise = zscore" },
	};
	struct refcsv t;
	size_t checked = 0;
	(void)state;

	refcsv_load(&t, "reference/composite/normalised_long.csv");
	for (size_t k = 0; k < OB_ARRAY_SIZE(m); k++) {
		struct ob_buf b;
		struct run x;
		reference_def(&b, m[k].line, false, false);
		run_reference(&x, b.ptr);
		for (size_t row = 0; row < t.nrows; row++) {
			size_t u, j;
			if (strcmp(refcsv_str(&t, row, "method"), m[k].method))
				continue;
			u = unit_of(&x, refcsv_str(&t, row, "unit_id"));
			j = ob_index_find_indicator(&x.def, refcsv_str(&t, row, "indicator"));
			assert_true(j != (size_t)-1);
			REF_CHECK(&t, row, "value", x.r.norm[u * x.r.nind + j], REL, 0);
			checked++;
		}
		run_release(&x);
		ob_buf_release(&b);
	}
	assert_int_equal(checked, t.nrows);
	refcsv_free(&t);
}

static void check_breaks(const struct run *x, const char *scheme)
{
	struct refcsv b;
	size_t n = 0;

	refcsv_load(&b, "reference/composite/composite_class_breaks.csv");
	for (size_t row = 0; row < b.nrows; row++) {
		size_t i;
		if (strcmp(refcsv_str(&b, row, "scheme"), scheme))
			continue;
		i = (size_t)refcsv_int(&b, row, "break_index");
		assert_true(i <= x->def.levels);
		REF_CHECK(&b, row, "break_value", x->r.breaks[i], REL, 0);
		n++;
	}
	assert_int_equal(n, x->def.levels + 1);
	refcsv_free(&b);
}

static void arithmetic_scores(void **state)
{
	struct ob_buf b;
	struct run x;
	(void)state;

	reference_def(&b, "normalise = minmax 0 1", false, false);
	run_reference(&x, b.ptr);
	check_scores(&x, "ci_arith_minmax01");
	check_drivers_sum(&x);
	run_release(&x);
	ob_buf_release(&b);

	reference_def(&b, "normalise = minmax 0 100\nclassify = quantile\nlevels = 5", false,
	              false);
	run_reference(&x, b.ptr);
	check_scores(&x, "ci_arith_minmax100");
	check_ints(&x, "rank_arith_minmax100", x.r.rank);
	check_ints(&x, "class5_quantile_arith", x.r.level);
	check_breaks(&x, "quantile_type7");
	/* with arithmetic aggregation the reference unit scores the mean */
	for (size_t u = 0; u < x.r.nunits; u++)
		assert_true(refcsv_close(x.r.reference[u], x.r.mean_score, 1e-12, 0));
	check_drivers_sum(&x);
	run_release(&x);
	ob_buf_release(&b);

	reference_def(&b, "normalise = minmax 0 100\nclassify = fisher", false, false);
	run_reference(&x, b.ptr);
	check_ints(&x, "class5_fisher_arith", x.r.level);
	check_breaks(&x, "fisher");
	run_release(&x);
	ob_buf_release(&b);

	reference_def(&b, "normalise = zscore", false, false);
	run_reference(&x, b.ptr);
	check_scores(&x, "ci_arith_zscore");
	check_drivers_sum(&x);
	run_release(&x);
	ob_buf_release(&b);

	reference_def(&b, "normalise = minmax 0 100", false, true);
	run_reference(&x, b.ptr);
	check_scores(&x, "ci_arith_equalw_minmax100");
	run_release(&x);
	ob_buf_release(&b);
}

static void geometric_scores(void **state)
{
	struct ob_buf b;
	struct run x;
	(void)state;

	reference_def(&b, "normalise = minmax 1 100\naggregate = geometric", false, false);
	run_reference(&x, b.ptr);
	check_scores(&x, "ci_geom_minmax1_100");
	check_ints(&x, "rank_geom_minmax1_100", x.r.rank);
	check_drivers_sum(&x);
	run_release(&x);
	ob_buf_release(&b);
}

static void inform_scores(void **state)
{
	struct ob_buf b;
	struct run x;
	struct refcsv t;
	char path[4096];
	struct ob_index_def fdef;
	struct ob_diag d;
	(void)state;

	reference_def(&b, "normalise = minmax 0 10\naggregate = inform", true, false);
	run_reference(&x, b.ptr);
	check_scores(&x, "inform_style_geom_of_dims");
	refcsv_load(&t, "reference/composite/composite_scores.csv");
	for (size_t row = 0; row < t.nrows; row++) {
		size_t u = unit_of(&x, refcsv_str(&t, row, "unit_id"));
		size_t crime = ob_index_find_node(&x.def, "crime");
		size_t vul = ob_index_find_node(&x.def, "vulnerability");
		assert_true(crime != (size_t)-1 && vul != (size_t)-1);
		REF_CHECK(&t, row, "dim_crime_0_10", x.r.node[u * x.r.nnode + crime], REL, 0);
		REF_CHECK(&t, row, "dim_vulnerability_0_10", x.r.node[u * x.r.nnode + vul], REL, 0);
	}
	refcsv_free(&t);
	/* geometric top: drivers still add up, to score - reference unit */
	check_drivers_sum(&x);
	run_release(&x);
	ob_buf_release(&b);

	/* the shipped file says the same as the generated text */
	testdata_path(path, sizeof(path), "index/reference_inform.ini");
	ob_diag_clear(&d);
	assert_int_equal(ob_index_load(path, &fdef, &d), OB_OK);
	assert_int_equal(fdef.nind, 5);
	assert_int_equal(fdef.nnode, 3);
	assert_int_equal(fdef.node[0].agg, OB_IX_GEOM);
	assert_int_equal(fdef.node[1].agg, OB_IX_ARITH);
	ob_index_def_release(&fdef);
}

/* --------------------------------------------------------------- drivers */

static const char *const small_units[] = { "A", "B", "C", "D" };

static void small_run(struct run *x, const char *text, const double *m)
{
	struct ob_diag d;
	char msg[1024];

	ob_diag_clear(&d);
	if (ob_index_load_mem(text, strlen(text), "small.ini", &x->def, &d) ||
	    ob_index_input_from_matrix(&x->def, 4, small_units, NULL, m, &x->in, &d) ||
	    ob_index_compute(&x->def, &x->in, &x->r, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		fail_msg("%s", msg);
	}
}

static void drivers_by_hand(void **state)
{
	static const char text[] = "[index]\nnormalise = minmax 0 1\nclassify = equal\n"
	                           "levels = 2\n"
	                           "[indicator a]\nweight = 3\n"
	                           "[indicator b]\nweight = 1\ndirection = -\n";
	/* a: 0 1 2 4 -> 0 .25 .5 1; b (more is better): 10 0 5 10 -> 0 1 .5 0 */
	static const double m[] = { 0, 10, 1, 0, 2, 5, 4, 10 };
	static const double za[] = { 0, 0.25, 0.5, 1 }, zb[] = { 0, 1, 0.5, 0 };
	struct run x;
	double ma = (0 + 0.25 + 0.5 + 1) / 4, mb = 1.5 / 4;
	(void)state;

	small_run(&x, text, m);
	for (size_t u = 0; u < 4; u++) {
		assert_true(refcsv_close(x.r.norm[u * 2], za[u], 1e-15, 0));
		assert_true(refcsv_close(x.r.norm[u * 2 + 1], zb[u], 1e-15, 0));
		assert_true(refcsv_close(x.r.score[u], (3 * za[u] + zb[u]) / 4, 1e-15, 1e-15));
		assert_true(refcsv_close(x.r.contrib[u * 2], 0.75 * (za[u] - ma), 1e-12, 1e-15));
		assert_true(refcsv_close(x.r.contrib[u * 2 + 1], 0.25 * (zb[u] - mb), 1e-12, 1e-15));
	}
	/* D pushed up by a, down by b */
	assert_true(x.r.contrib[3 * 2] > 0 && x.r.contrib[3 * 2 + 1] < 0);
	check_drivers_sum(&x);
	run_release(&x);
}

/* A geometric node of two: the Shapley shares of sqrt(x y) by hand. */
static void drivers_geometric(void **state)
{
	static const char text[] = "[index]\nnormalise = minmax 1 2\naggregate = geometric\n"
	                           "classify = equal\nlevels = 2\n"
	                           "[indicator a]\n[indicator b]\n";
	static const double m[] = { 0, 0, 1, 3, 2, 1, 3, 2 };
	struct run x;
	(void)state;

	small_run(&x, text, m);
	for (size_t u = 0; u < 4; u++) {
		double s = x.r.norm[u * 2], t = x.r.norm[u * 2 + 1];
		double rs = 1.5, rt = (1 + 2 + 4.0 / 3 + 5.0 / 3) / 4; /* means of the normalised */
		double a1 = sqrt(rs), b1 = sqrt(s), a2 = sqrt(rt), b2 = sqrt(t);
		/* two players: phi_1 = (b1 - a1)(a2 + b2) / 2 */
		assert_true(refcsv_close(x.r.reference[u], sqrt(rs * rt), 1e-12, 1e-15));
		assert_true(refcsv_close(x.r.contrib[u * 2], (b1 - a1) * (a2 + b2) / 2, 1e-9, 1e-14));
		assert_true(refcsv_close(x.r.contrib[u * 2 + 1], (b2 - a2) * (a1 + b1) / 2, 1e-9,
		                         1e-14));
	}
	check_drivers_sum(&x);
	run_release(&x);
}

/* ----------------------------------------------------------- missing data */

static void missing_policies(void **state)
{
	static const char head[] = "[index]\nnormalise = minmax 0 1\nclassify = equal\n"
	                           "levels = 2\nmissing = %s\n"
	                           "[dimension d]\nweight = 1\n"
	                           "[indicator a]\nweight = 2\ndimension = d\n"
	                           "[indicator b]\nweight = 1\ndimension = d\n"
	                           "[indicator c]\nweight = 1\n";
	/* unit B lacks b */
	static const double m[] = { 0, 0, 0, 1, NAN, 4, 2, 2, 2, 3, 4, 1 };
	char text[1024];
	struct run x;
	struct ob_diag d;
	struct ob_index_def def;
	struct ob_index_input in;
	struct ob_index_result r;
	(void)state;

	/* refuse: an error naming the unit and the column */
	snprintf(text, sizeof(text), head, "refuse");
	ob_diag_clear(&d);
	assert_int_equal(ob_index_load_mem(text, strlen(text), "m.ini", &def, &d), OB_OK);
	assert_int_equal(ob_index_input_from_matrix(&def, 4, small_units, NULL, m, &in, &d),
	                 OB_OK);
	assert_int_equal(ob_index_compute(&def, &in, &r, &d), OB_EINVAL);
	assert_string_equal(d.value, "B");
	assert_non_null(strstr(d.message, "refuse"));
	assert_null(r.score);
	ob_index_input_release(&in);
	ob_index_def_release(&def);

	/* reweight: b dropped for B, a alone carries dimension d */
	snprintf(text, sizeof(text), head, "reweight");
	small_run(&x, text, m);
	assert_int_equal(x.r.dropped, 1);
	assert_int_equal(x.r.imputations, 0);
	assert_true(isnan(x.r.norm[1 * 3 + 1]));
	{
		double za = x.r.norm[1 * 3 + 0], zc = x.r.norm[1 * 3 + 2];
		assert_true(refcsv_close(x.r.node[1 * x.r.nnode + 1], za, 1e-15, 0));
		assert_true(refcsv_close(x.r.score[1], (za + zc) / 2, 1e-15, 1e-15));
		/* b normalised over A, C, D only: 0, 2, 4 -> 0, .5, 1 */
		assert_true(refcsv_close(x.r.norm[2 * 3 + 1], 0.5, 1e-15, 0));
	}
	assert_true(x.r.contrib[1 * 3 + 1] == 0);
	check_drivers_sum(&x);
	run_release(&x);

	/* impute-mean: b for B is the mean of 0, 2, 4, counted and flagged */
	snprintf(text, sizeof(text), head, "impute-mean");
	small_run(&x, text, m);
	assert_int_equal(x.r.imputations, 1);
	assert_int_equal(x.r.imputed_by[1], 1);
	assert_int_equal(x.r.imputed[1 * 3 + 1], 1);
	assert_int_equal(x.r.imputed[0 * 3 + 1], 0);
	assert_true(refcsv_close(x.r.treated[1 * 3 + 1], 2, 1e-15, 0));
	check_drivers_sum(&x);
	run_release(&x);

	/* the imputed cell takes no part in the normalisation: z-scores of b
	 * over A, C, D (0, 2, 4: mean 2, sd 2) are -1, 0, 1 (with B's 2 in,
	 * the sd would be 1.63 and A's -1.22), and B gets their mean, 0 */
	{
		char z[1024];
		size_t n = strlen(text);
		snprintf(z, sizeof(z), "%s", text);
		for (char *p = strstr(z, "minmax 0 1"); p; p = NULL)
			memcpy(p, "zscore    ", 10);
		assert_int_equal(strlen(z), n);
		small_run(&x, z, m);
		assert_true(refcsv_close(x.r.norm[0 * 3 + 1], -1, 1e-15, 0));
		assert_true(refcsv_close(x.r.norm[2 * 3 + 1], 0, 0, 1e-15));
		assert_true(refcsv_close(x.r.norm[3 * 3 + 1], 1, 1e-15, 0));
		assert_true(refcsv_close(x.r.norm[1 * 3 + 1], 0, 0, 1e-15));
		assert_int_equal(x.r.imputed[1 * 3 + 1], 1);
		check_drivers_sum(&x);
		run_release(&x);
	}
}

/* Reading the units CSV: missing cells, a bad number with its position. */
static void input_csv(void **state)
{
	static const char def_text[] = "[index]\nunit_column = código\nname_column = nombre\n"
	                               "missing = reweight\n[indicator a]\ncolumn = Tasa A\n"
	                               "[indicator b]\n";
	char path[] = "/tmp/observa-index-XXXXXX";
	struct ob_index_def def;
	struct ob_index_input in;
	struct ob_diag d;
	int fd;
	FILE *f;
	(void)state;

	ob_diag_clear(&d);
	assert_int_equal(ob_index_load_mem(def_text, strlen(def_text), "i.ini", &def, &d), OB_OK);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("Código,Nombre,TASA A,b\nX1,Uno,\"1,5\",NA\nX2,Dos,,3\n\nX3,Tres,2,4\n", f);
	fclose(f);
	assert_int_equal(ob_index_input_read(&def, path, &in, &d), OB_OK);
	assert_int_equal(in.nunits, 3);
	assert_string_equal(in.unit_name[1], "Dos");
	assert_true(in.x[0] == 1.5 && isnan(in.x[1]) && isnan(in.x[2]) && in.x[3] == 3);
	assert_int_equal(in.line[2], 5);
	ob_index_input_release(&in);

	f = fopen(path, "w");
	fputs("código,nombre,tasa a,b\nX1,Uno,1,2\nX2,Dos,abc,3\n", f);
	fclose(f);
	assert_int_equal(ob_index_input_read(&def, path, &in, &d), OB_EPARSE);
	assert_int_equal(d.line, 3);
	assert_int_equal(d.column, 3);
	assert_string_equal(d.value, "abc");

	f = fopen(path, "w");
	fputs("código,nombre,tasa a,b\nX1,Uno,1,2\nX1,Otra,2,3\n", f);
	fclose(f);
	assert_int_equal(ob_index_input_read(&def, path, &in, &d), OB_EINVAL);
	assert_int_equal(d.line, 3);

	f = fopen(path, "w");
	fputs("código,nombre,tasa a\nX1,Uno,1\n", f);
	fclose(f);
	assert_int_equal(ob_index_input_read(&def, path, &in, &d), OB_ENOCOL);
	assert_string_equal(d.value, "b");
	unlink(path);
	ob_index_def_release(&def);
}

/* ------------------------------------------------------ bad definitions */

static void bad_definitions(void **state)
{
	static const struct {
		const char *text;
		long line;
		const char *what; /* in the message or the value */
	} bad[] = {
		{ "[indicator a]\n", 0, "[index]" },
		{ "[index]\n", 1, "indicadores" },
		{ "[index]\nfoo = 1\n[indicator a]\n", 2, "foo" },
		{ "[index]\n[indicator a]\nweight = -1\n", 3, "-1" },
		{ "[index]\n[indicator a]\nweight = x\n", 3, "x" },
		{ "[index]\n[indicator a]\ndirection = up\n", 3, "up" },
		{ "[index]\n[indicator a]\n[indicator a]\n", 3, "a" },
		{ "[index]\n[indicator a]\ndimension = nope\n", 3, "nope" },
		{ "[index]\n[dimension d]\nparent = e\n[dimension e]\nparent = d\n"
		  "[indicator a]\ndimension = d\n",
		  2, "ciclo" },
		{ "[index]\n[dimension d]\n[indicator a]\n", 2, "no tiene" },
		{ "[index]\nnormalise = minmax 5 1\n[indicator a]\n", 2, "L < U" },
		{ "[index]\nnormalise = softmax\n[indicator a]\n", 2, "softmax" },
		{ "[index]\nnormalise = zscore\naggregate = geometric\n[indicator a]\n", 4,
		  "geométrica" },
		{ "[index]\nmissing = ignore\n[indicator a]\n", 2, "ignore" },
		{ "[index]\nlevels = 5\nlevel_names = a | b\n[indicator a]\n", 3, "nombres" },
		{ "[index]\nlevels = 3\nlevel_names_en = a | b\n[indicator a]\n", 3, "nombres" },
		{ "[index]\nlevel_names_en = a | | c\n[indicator a]\n", 2, "vacío" },
		{ "[index]\nclassify = fixed 3 2\n[indicator a]\n", 2, "crecientes" },
		{ "[index]\nlevels = 5\nclassify = fixed 1 2\n[indicator a]\n", 3, "niveles" },
		{ "[index]\nlevels = 1\n[indicator a]\n", 2, "1" },
		{ "[index]\n[indicator a]\ntreat = winsorise 0.9 0.1\n", 3, "winsorise" },
		{ "[index]\n[indicator a]\ntreat = sqrt\n", 3, "sqrt" },
		{ "[index]\n[indicator a]\nweight = 1\nweight = 2\n", 4, "weight" },
		{ "[index]\nkey without equals\n", 2, "key without" },
		{ "[index]\n[section x y]\n", 2, "section" },
		{ "[index]\n[indicator a b]\n", 2, "a b" },
		{ "[index]\n[indicator a]\nweight = 0\n", 1, "0" },
		{ "[index]\n[indicator a]\n[uncertainty]\nruns = -3\n", 4, "-3" },
		{ "[index]\n[indicator a]\n[uncertainty]\nweights = uniform 2\n", 4, "uniform" },
		{ "[index]\nnormalise = minmax 1 100\n[indicator a]\n[uncertainty]\n"
		  "normalise = nominal | zscore\naggregate = nominal | geometric\n",
		  6, "geometric" },
		{ "[index]\nclassify = fixed 10 20\nlevels = 3\n[indicator a]\n[uncertainty]\n"
		  "normalise = nominal | rank\n",
		  6, "fijos" },
		{ "[index]\nunit_column = a\n[indicator a]\n", 3, "a" },
		{ "[index]\n[index]\n", 2, "index" },
		{ "[index]\n[indicator index]\n", 2, "index" },
		{ "[index]\ncountry = El Salvador\n[indicator a]\n", 2, "El Salvador" },
		{ "[index]\ncountry = slv\n[indicator a]\n", 2, "ISO" },
		{ "[index]\nterritory_column =\n[indicator a]\n", 2, "vacía" },
		{ "[index]\n[indicator a]\ncatalog =\n", 3, "vacío" },
		{ "[index]\n[indicator a]\ncatalog = x\ncatalog = y\n", 4, "catalog" },
		{ "[index]\n[indicator a]\ncases = salve per mil students\n", 3, "salve per 1000" },
		{ "[index]\n[indicator a]\ncases = salve per 0 students\n", 3, "salve per 1000" },
		{ "[index]\n[indicator a]\ncases = salve by 1000 students\n", 3, "salve per 1000" },
		{ "[index]\n[indicator a]\ncases = salve per 1000\n", 3, "salve per 1000" },
		{ "[index]\n[indicator a]\ncases = salve per 1000 students extra\n", 3, "TIPO" },
		{ "[index]\n[indicator a]\ncases =\n", 3, "TIPO" },
		{ "[index]\n[indicator a]\ncatalog = x\ncases = salve\n", 4, "de los dos" },
		{ "[index]\n[indicator a]\ncases = salve\ncatalog = x\n", 4, "de los dos" },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
		struct ob_index_def def;
		struct ob_diag d;
		char msg[1024];
		ob_diag_clear(&d);
		if (ob_index_load_mem(bad[i].text, strlen(bad[i].text), "bad.ini", &def, &d) ==
		    OB_OK) {
			ob_index_def_release(&def);
			fail_msg("case %zu accepted:\n%s", i, bad[i].text);
		}
		ob_diag_format(&d, msg, sizeof(msg));
		assert_string_equal(d.file, "bad.ini");
		if (bad[i].line && d.line != bad[i].line)
			fail_msg("case %zu: line %ld, expected %ld: %s", i, d.line, bad[i].line, msg);
		if (!strstr(msg, bad[i].what))
			fail_msg("case %zu: «%s» lacks «%s»", i, msg, bad[i].what);
		assert_null(def.ind);
	}
}

/* cases = TYPE [per N COLUMN]: the case type, the divisor's column and N. */
static void cases_key(void **state)
{
	static const char text[] = "[index]\n[indicator a]\ncases = salve per 1000 students\n"
	                           "[indicator b]\ncases =  vcm-judicial\n[indicator c]\n";
	struct ob_index_def def;
	struct ob_diag d;
	(void)state;

	ob_diag_clear(&d);
	assert_int_equal(ob_index_load_mem(text, strlen(text), "cases.ini", &def, &d), OB_OK);
	assert_string_equal(def.ind[0].cases, "salve");
	assert_string_equal(def.ind[0].cases_column, "students");
	assert_true(def.ind[0].cases_per == 1000);
	assert_int_equal(def.ind[0].cases_line, 3);
	assert_string_equal(def.ind[1].cases, "vcm-judicial");
	assert_null(def.ind[1].cases_column);
	assert_true(def.ind[1].cases_per == 1);
	assert_null(def.ind[2].cases);
	assert_null(def.ind[0].catalog);
	ob_index_def_release(&def);
}

/* The English names of an index and its levels: given, defaulted for five
 * levels without names, and the Spanish ones when only those are given. */
static void english_names(void **state)
{
	static const char *const texts[] = {
		("[index]\nname = Índice\nname_en = Index\nlevels = 3\nlevel_names = a | b | c\n"
		 "level_names_en = A | B | C\n[indicator a]\n"),
		"[index]\nname = Índice\n[indicator a]\n",
		"[index]\nlevels = 2\nlevel_names = bajo | alto\n[indicator a]\n",
		"[index]\nlevels = 3\n[indicator a]\n",
	};
	static const char *const want[][2] = {
		{ "Index", "B" }, { NULL, "Low" }, { NULL, "alto" }, { NULL, "Level 2" },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(texts); i++) {
		struct ob_index_def def;
		struct ob_diag d;
		ob_diag_clear(&d);
		if (ob_index_load_mem(texts[i], strlen(texts[i]), "en.ini", &def, &d))
			fail_msg("case %zu refused: %s", i, d.message);
		if (want[i][0])
			assert_string_equal(def.name_en, want[i][0]);
		else
			assert_null(def.name_en);
		assert_string_equal(ob_index_level_name_en(&def, 2), want[i][1]);
		ob_index_def_release(&def);
	}
	/* a dimension's and an indicator's */
	{
		static const char text[] = "[index]\n[dimension d]\nname = Dimensión\nname_en = "
		                           "Dimension\n[dimension e]\nname = Otra\n[indicator a]\n"
		                           "name = Tasa\nname_en = Rate\ndimension = d\n"
		                           "[indicator b]\nname_en =\ndimension = e\n";
		struct ob_index_def def;
		struct ob_diag d;
		ob_diag_clear(&d);
		if (ob_index_load_mem(text, strlen(text), "en.ini", &def, &d))
			fail_msg("refused: %s", d.message);
		assert_string_equal(def.node[1].name_en, "Dimension");
		assert_null(def.node[2].name_en);
		assert_string_equal(def.ind[0].name_en, "Rate");
		assert_null(def.ind[1].name_en);
		ob_index_def_release(&def);
	}
}

/* The preset keys, and sections left out as if they were not written: the
 * siblings' weights are renormalised, an emptied dimension is left out. */
static void skip_sections(void **state)
{
	static const char text[] =
		"[index]\ncountry = SLV\nunits = list\nterritory_column = muni\n"
		"[dimension d1]\nweight = 3\n[dimension d2]\nweight = 1\n"
		"[indicator a]\ndimension = d1\ncatalog = homicide_rate\n"
		"[indicator b]\ndimension = d1\nweight = 2\ncatalog = injuries_rate mechanism=firearm\n"
		"[indicator c]\ndimension = d2\ncolumn = poverty\n";
	static const char *const skip[] = { "c", "d2" };
	static const char *const skip_a[] = { "a" };
	static const double x[] = { 0, 10, 5, 20, 10, 0 }; /* units x (a, b) */
	struct ob_index_def def;
	struct ob_index_input in;
	struct ob_index_result r;
	struct ob_diag d;
	(void)state;

	ob_diag_clear(&d);
	assert_int_equal(ob_index_load_mem(text, strlen(text), "s.ini", &def, &d), OB_OK);
	assert_string_equal(def.country, "SLV");
	assert_string_equal(def.territory_column, "muni");
	assert_false(def.admin2);
	assert_int_equal(def.nind, 3);
	assert_string_equal(def.ind[0].catalog, "homicide_rate");
	assert_int_equal(def.ind[0].catalog_line, 11);
	assert_string_equal(def.ind[1].catalog, "injuries_rate mechanism=firearm");
	assert_null(def.ind[2].catalog);
	ob_index_def_release(&def);

	/* c and its dimension d2 left out: d1 alone, a and b weighing 1 and 2 */
	assert_int_equal(ob_index_load_mem_skip(text, strlen(text), "s.ini", skip, 2, &def, &d),
	                 OB_OK);
	assert_int_equal(def.nind, 2);
	assert_int_equal(def.nnode, 2);
	assert_int_equal(ob_index_find_indicator(&def, "c"), (size_t)-1);
	assert_int_equal(ob_index_find_node(&def, "d2"), (size_t)-1);
	assert_int_equal(ob_index_input_from_matrix(&def, 3, (const char *const[]){ "u", "v", "w" },
	                                            NULL, x, &in, &d), OB_OK);
	assert_int_equal(ob_index_compute(&def, &in, &r, &d), OB_OK);
	/* minmax 0-100: a = 0, 50, 100; b = 50, 100, 0; score (a + 2b) / 3 */
	assert_true(fabs(r.score[0] - (0 + 2 * 50) / 3.0) < 1e-12);
	assert_true(fabs(r.score[1] - (50 + 2 * 100) / 3.0) < 1e-12);
	assert_true(fabs(r.score[2] - (100 + 2 * 0) / 3.0) < 1e-12);
	ob_index_result_release(&r);
	ob_index_input_release(&in);
	ob_index_def_release(&def);

	/* leaving out an indicator but keeping its emptied dimension is refused */
	ob_diag_clear(&d);
	assert_int_not_equal(ob_index_load_mem_skip(text, strlen(text), "s.ini", skip, 1, &def,
	                                            &d), OB_OK);
	/* a skip list naming a kept indicator only: the others remain */
	assert_int_equal(ob_index_load_mem_skip(text, strlen(text), "s.ini", skip_a, 1, &def, &d),
	                 OB_OK);
	assert_int_equal(def.nind, 2);
	assert_string_equal(def.ind[0].id, "b");
	ob_index_def_release(&def);
}

/* Names are free text: a '#' that begins a value, or has no blank before
 * it, is part of it (it once made "# de alumnos por docente" an empty
 * name); a ';' or '#' after a blank later on starts a comment, and a
 * quoted name keeps everything. A BOM and CRLF line ends are read too. */
static void names_with_hash(void **state)
{
	static const char text[] =
		"[index]\nname = # de alumnos por docente\n"
		"[dimension d]\nname = #1 en seguridad   # the first\n"
		"[indicator a]\nname = Alumnos#docente ; per teacher\ndimension = d\n"
		"[indicator b]\nname = \"Tasa # de homicidios ; 2024\"\ndimension = d\n";
	static const char bom[] = "\xEF\xBB\xBF[index]\r\nname = # de alumnos\r\n[indicator a]\r\n";
	struct ob_index_def def;
	struct ob_diag d;
	(void)state;

	ob_diag_clear(&d);
	if (ob_index_load_mem(text, strlen(text), "n.ini", &def, &d))
		fail_msg("%s:%ld: %s", d.file, d.line, d.message);
	assert_string_equal(def.name, "# de alumnos por docente");
	assert_string_equal(def.node[ob_index_find_node(&def, "d")].name, "#1 en seguridad");
	assert_string_equal(def.ind[ob_index_find_indicator(&def, "a")].name, "Alumnos#docente");
	assert_string_equal(def.ind[ob_index_find_indicator(&def, "b")].name,
	                    "Tasa # de homicidios ; 2024");
	ob_index_def_release(&def);
	assert_int_equal(ob_index_load_mem(bom, strlen(bom), "n.ini", &def, &d), OB_OK);
	assert_string_equal(def.name, "# de alumnos");
	ob_index_def_release(&def);
}

/* A computation that must be refused: a constant indicator, a log of 0. */
static void bad_values(void **state)
{
	static const double flat[] = { 1, 1, 1, 1, 1, 1, 1, 2 };
	static const double zero[] = { 0, 1, 1, 2, 2, 3, 3, 4 };
	struct ob_index_def def;
	struct ob_index_input in;
	struct ob_index_result r;
	struct ob_diag d;
	static const char t1[] = "[index]\n[indicator a]\n[indicator b]\n";
	static const char t2[] = "[index]\n[indicator a]\ntreat = log\n[indicator b]\n";
	(void)state;

	assert_int_equal(ob_index_load_mem(t1, strlen(t1), "v.ini", &def, &d), OB_OK);
	assert_int_equal(ob_index_input_from_matrix(&def, 4, small_units, NULL, flat, &in, &d),
	                 OB_OK);
	assert_int_equal(ob_index_compute(&def, &in, &r, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "no varía"));
	assert_int_equal(d.line, 2);
	ob_index_input_release(&in);
	ob_index_def_release(&def);

	assert_int_equal(ob_index_load_mem(t2, strlen(t2), "v.ini", &def, &d), OB_OK);
	assert_int_equal(ob_index_input_from_matrix(&def, 4, small_units, NULL, zero, &in, &d),
	                 OB_OK);
	assert_int_equal(ob_index_compute(&def, &in, &r, &d), OB_EINVAL);
	assert_string_equal(d.value, "A");
	assert_non_null(strstr(d.message, "log"));
	ob_index_input_release(&in);
	ob_index_def_release(&def);
}

/* Treatments and the other normalisations, by hand. */
static void treatments(void **state)
{
	static const char text[] = "[index]\nnormalise = rank\nclassify = fixed 2 3\n"
	                           "top = 2\n"
	                           "[indicator a]\ntreat = winsorise 0 0.5, log1p\n"
	                           "normalise = minmax 0 1\n"
	                           "[indicator b]\nnormalise = distance mean\ndirection = -\n";
	static const double m[] = { 1, 1, 2, 2, 3, 2, 9, 4 };
	struct run x;
	(void)state;

	small_run(&x, text, m);
	/* a: type-7 median of 1 2 3 9 is 2.5; clamp then log1p */
	assert_true(refcsv_close(x.r.treated[0], log1p(1), 1e-15, 0));
	assert_true(refcsv_close(x.r.treated[2 * 2], log1p(2.5), 1e-15, 0));
	assert_true(refcsv_close(x.r.treated[3 * 2], log1p(2.5), 1e-15, 0));
	assert_true(x.r.norm[2 * 2] == 1 && x.r.norm[3 * 2] == 1 && x.r.norm[0] == 0);
	/* b: mean 2.25, more is better: 2.25 / x */
	assert_true(refcsv_close(x.r.norm[0 * 2 + 1], 2.25, 1e-15, 0));
	assert_true(refcsv_close(x.r.norm[3 * 2 + 1], 2.25 / 4, 1e-15, 0));
	/* ties: C and D both 1 + b; ranks share the smallest */
	for (size_t u = 0; u < 4; u++)
		assert_true(x.r.rank[u] >= 1 && x.r.rank[u] <= 4);
	/* fixed thresholds 2, 3: level = 1 + thresholds <= score */
	for (size_t u = 0; u < 4; u++) {
		size_t want = 1 + (x.r.score[u] >= 2) + (x.r.score[u] >= 3);
		assert_int_equal(x.r.level[u], want);
		assert_int_equal(x.r.top[u], x.r.rank[u] <= 2);
	}
	run_release(&x);

	{
		static const char rk[] = "[index]\nnormalise = rank\n[indicator a]\n"
		                         "[indicator b]\ndirection = -\n";
		static const double mr[] = { 5, 1, 7, 2, 5, 2, 1, 9 };
		small_run(&x, rk, mr);
		/* a: 5 7 5 1 -> 2.5 4 2.5 1; b reversed: -1 -2 -2 -9 -> 4 2.5 2.5 1 */
		assert_true(x.r.norm[0] == 2.5 && x.r.norm[2] == 4 && x.r.norm[4] == 2.5 &&
		            x.r.norm[6] == 1);
		assert_true(x.r.norm[1] == 4 && x.r.norm[3] == 2.5 && x.r.norm[5] == 2.5 &&
		            x.r.norm[7] == 1);
		run_release(&x);
	}
}

/* Definitions made of random pieces: refused or accepted, never a crash or
 * a leak (run under ASan). */
static void random_definitions(void **state)
{
	static const char *const pieces[] = {
		"[index]\n", "[dimension d]\n", "[dimension e]\n", "[indicator a]\n",
		"[indicator b]\n", "[uncertainty]\n", "[", "]\n", "parent = d\n", "parent = e\n",
		"dimension = d\n", "dimension = e\n", "weight = 2\n", "weight = 0\n",
		"aggregate = geometric\n", "aggregate = inform\n", "normalise = zscore\n",
		"normalise = rank\n", "normalise = distance median\n", "classify = fixed 1 2\n",
		"levels = 3\n", "level_names = a | b | c\n", "treat = log, winsorise 0 1\n",
		"missing = reweight\n", "runs = 10\n", "weights = dirichlet 3\n",
		"normalise = nominal | zscore | rank\n", "aggregate = nominal | geometric\n",
		"top = 2\n", "= =\n", "# c\n", "\n", "x\xff\n", "column = a\n",
	};
	uint64_t seed = 12345;
	size_t accepted = 0;
	(void)state;

	for (int it = 0; it < 3000; it++) {
		char text[4096];
		size_t len = 0, n;
		struct ob_index_def def;
		struct ob_diag d;
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		n = (size_t)(seed >> 60);
		/* mostly well-begun files, so that both outcomes happen */
		if (it % 4) {
			memcpy(text, "[index]\n", 8);
			len = 8;
		}
		for (size_t k = 0; k < n; k++) {
			const char *p;
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			p = pieces[(seed >> 33) % OB_ARRAY_SIZE(pieces)];
			if (len + strlen(p) + 1 >= sizeof(text))
				break;
			memcpy(text + len, p, strlen(p));
			len += strlen(p);
		}
		if (it % 2) {
			memcpy(text + len, "\n[indicator z]\n", 15);
			len += 15;
		}
		ob_diag_clear(&d);
		if (ob_index_load_mem(text, len, "r.ini", &def, &d) == OB_OK) {
			assert_true(def.nind >= 1 && def.nnode >= 1);
			ob_index_def_release(&def);
			accepted++;
		} else {
			assert_true(d.code != OB_OK);
		}
	}
	/* both paths were taken */
	assert_true(accepted > 10 && accepted < 2990);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalised_values),
		cmocka_unit_test(arithmetic_scores),
		cmocka_unit_test(geometric_scores),
		cmocka_unit_test(inform_scores),
		cmocka_unit_test(drivers_by_hand),
		cmocka_unit_test(drivers_geometric),
		cmocka_unit_test(missing_policies),
		cmocka_unit_test(input_csv),
		cmocka_unit_test(bad_definitions),
		cmocka_unit_test(english_names),
		cmocka_unit_test(cases_key),
		cmocka_unit_test(skip_sections),
		cmocka_unit_test(names_with_hash),
		cmocka_unit_test(bad_values),
		cmocka_unit_test(treatments),
		cmocka_unit_test(random_definitions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
