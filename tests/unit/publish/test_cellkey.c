/* test_cellkey.c - the cell-key method: the perturbation table for many
 * parameters (keys, bounds, values never shown, unbiased rows, the
 * variance), perturbing and publishing counts, the [cell_key] and [public]
 * settings, and what a public question may combine. */
#include "test.h"

#include <math.h>

#include "publish/cellkey.h"

/* Every property the construction promises (cellkey.h), checked from the
 * table alone. */
static void check_table(const struct ob_ck_ptable *t)
{
	int D = t->par.max_perturbation, js = t->par.never_shown;

	assert_int_equal(t->nrows, js + D + 2);
	for (int i = 0; i < t->nrows; i++) {
		int sum = 0;
		double m = 0, v = 0;
		for (int x = -D; x <= D; x++) {
			int n = t->keys[i][x + D], j = i + x;
			if (n) {
				assert_true(j >= 0);
				assert_false(j >= 1 && j <= js);
			}
			sum += n;
			m += (double)n * x / OB_CK_KEYS;
		}
		assert_int_equal(sum, OB_CK_KEYS);
		for (int x = -D; x <= D; x++)
			v += (double)t->keys[i][x + D] / OB_CK_KEYS * (x - m) * (x - m);
		/* keys in ascending order of the value they give */
		for (int k = 1; k < OB_CK_KEYS; k++)
			assert_true(t->shift[i][k] >= t->shift[i][k - 1]);
		for (int k = 0; k < OB_CK_KEYS; k++) {
			int x = t->shift[i][k];
			assert_true(x >= -D && x <= D);
			assert_true(t->keys[i][x + D] > 0);
		}
		assert_true(fabs(t->stats[i].mean - m) < 1e-12);
		assert_true(fabs(t->stats[i].variance - v) < 1e-9);
		if (i == 0) {
			assert_int_equal(t->keys[0][D], OB_CK_KEYS); /* zero stays zero */
			continue;
		}
		/* unbiased to within whole keys: a move of one key changes the mean
		 * by at most 2D / 256 */
		assert_true(fabs(m) <= (double)D / OB_CK_KEYS + 1e-12);
		if (i <= js)
			assert_int_equal(t->keys[i][D], 0);
	}
	{
		/* the last row: symmetric, exactly unbiased, variance V to within
		 * the keys' resolution */
		int L = t->nrows - 1;
		for (int x = 1; x <= D; x++)
			assert_int_equal(t->keys[L][D + x], t->keys[L][D - x]);
		assert_true(t->stats[L].mean == 0);
		if (fabs(t->stats[L].variance - t->par.variance) > 0.05 + t->par.variance * 0.03)
			fail_msg("D %d V %g js %d: last row variance %g", D, t->par.variance, js,
			         t->stats[L].variance);
	}
}

static void test_tables(void **state)
{
	struct ob_ck_ptable *t = ob_malloc(sizeof(*t));
	struct ob_diag d;
	size_t built = 0;

	(void)state;
	for (int D = 1; D <= OB_CK_MAX_D; D++)
		for (int js = 0; js < D && js <= OB_CK_MAX_JS; js++)
			for (double f = 0.05; f < 1; f += 0.15) {
				struct ob_ck_params p = { D, f * D * D, js };
				ob_diag_clear(&d);
				if (ob_ck_ptable_build(&p, t, &d))
					fail_msg("D %d V %g js %d: %s", D, p.variance, js, d.message);
				check_table(t);
				built++;
			}
	assert_true(built > 200);
	/* refused parameters */
	{
		static const struct ob_ck_params bad[] = {
			{ 0, 0.5, 0 }, { OB_CK_MAX_D + 1, 2, 0 }, { 3, 2, 3 }, { 3, 2, -1 },
			{ 3, 0, 0 }, { 3, 9, 0 }, { 3, NAN, 0 },
		};
		for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
			ob_diag_clear(&d);
			assert_int_equal(ob_ck_ptable_build(&bad[i], t, &d), OB_EINVAL);
			assert_non_null(strstr(d.message, "cell_key"));
		}
	}
	free(t);
}

/* The defaults: what docs/disclosure.md states of them. */
static void test_defaults(void **state)
{
	struct ob_sdc_config c;
	struct ob_ck_ptable *t = ob_malloc(sizeof(*t));
	struct ob_diag d;
	const struct ob_ck_row_stats *big;

	(void)state;
	ob_sdc_config_default(&c);
	assert_int_equal(c.ck.max_perturbation, 3);
	assert_true(c.ck.variance == 2);
	assert_int_equal(c.ck.never_shown, 2);
	assert_int_equal(ob_ck_ptable_build(&c.ck, t, &d), OB_OK);
	check_table(t);
	big = ob_ck_row(t, 1000000);
	assert_ptr_equal(big, &t->stats[t->nrows - 1]);
	assert_true(big->mad > 1.0 && big->mad < 1.2);
	assert_true(big->p_same > 0.2 && big->p_same < 0.35);
	/* 1 and 2 are never published as such */
	assert_true(t->stats[1].p_same == 0 && t->stats[2].p_same == 0);
	free(t);
}

static uint64_t rng = 0x243F6A8885A308D3ull;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Perturbing: deterministic in (count, key mod 256), within D, 0 for 0,
 * never 1..js; over uniform keys, the shifts come as often as their keys
 * say; the mean absolute perturbation of many counts is what
 * ob_ck_figures() states. */
static void test_perturb(void **state)
{
	struct ob_sdc_config c;
	struct ob_ck_ptable *t = ob_malloc(sizeof(*t));
	struct ob_diag d;
	double w[64] = { 0 }, mad, p_same, got = 0, same = 0;
	size_t n = 200000;

	(void)state;
	ob_sdc_config_default(&c);
	assert_int_equal(ob_ck_ptable_build(&c.ck, t, &d), OB_OK);
	for (uint64_t k = 0; k < 1024; k++)
		assert_int_equal(ob_ck_perturb(t, 0, k), 0);
	for (size_t i = 0; i < n; i++) {
		uint64_t count = rnd() % 64, key = rnd(), v = ob_ck_perturb(t, count, key);
		assert_int_equal(v, ob_ck_perturb(t, count, key & 255));
		assert_int_equal(v, ob_ck_perturb(t, count, key + 256 * (rnd() % 1000)));
		assert_true(v + 3 >= count && v <= count + 3);
		assert_false(v >= 1 && v <= 2);
		w[count]++;
		got += fabs((double)v - (double)count);
		same += v == count;
	}
	ob_ck_figures(t, w, 64, &mad, &p_same);
	got /= (double)n;
	same /= (double)n;
	/* sampling error of a mean of 200000 values of sd below 1.5: 0.0034 */
	if (fabs(got - mad) > 0.02 || fabs(same - p_same) > 0.01)
		fail_msg("mad %g (stated %g), exact %g (stated %g)", got, mad, same, p_same);
	free(t);
}

/* Publishing: a perturbed value under the class's min_count is suppressed,
 * zero only when the class says it is sensitive. */
static void test_publish(void **state)
{
	struct ob_sdc_config c;
	struct ob_ck_ptable *t = ob_malloc(sizeof(*t));
	struct ob_diag d;
	size_t hidden = 0, shown = 0;

	(void)state;
	ob_sdc_config_default(&c);
	assert_int_equal(ob_ck_ptable_build(&c.ck, t, &d), OB_OK);
	for (uint64_t count = 0; count < 40; count++)
		for (uint64_t key = 0; key < 256; key++) {
			uint64_t v = ob_ck_perturb(t, count, key), out = 999;
			bool pub = ob_ck_publish(t, &c, 0, count, key, &out);
			bool pub_sv = ob_ck_publish(t, &c, OB_SDC_SEXUAL_VIOLENCE, count, key, &out);
			assert_int_equal(pub, v == 0 || v >= 5);
			assert_int_equal(pub_sv, v == 0 || v >= 10);
			if (pub)
				assert_int_equal(out, v);
			hidden += !pub;
			shown += pub;
		}
	assert_true(hidden > 0 && shown > 0);
	c.rule[OB_SDC_RULE_GENERAL].zero_sensitive = true;
	{
		uint64_t out;
		assert_false(ob_ck_publish(t, &c, 0, 0, 17, &out));
	}
	free(t);
}

static void test_settings(void **state)
{
	static const struct {
		const char *text;
		ob_err want;
		long line;
	} cases[] = {
		{ "[cell_key]\nmax_perturbation = 5\nvariance = 3.5\nnever_shown = 4\n", OB_OK, 0 },
		{ "[public]\nmax_dimensions = 2\nage = years\ndates = day\nhour_small_areas = sí\n",
		  OB_OK, 0 },
		{ "[cell_key]\nmax_perturbation = 0\n", OB_EINVAL, 2 },
		{ "[cell_key]\nmax_perturbation = 11\n", OB_EINVAL, 2 },
		{ "[cell_key]\nvariance = -1\n", OB_EINVAL, 2 },
		{ "[cell_key]\nvariance = 9\n", OB_EINVAL, 2 },
		{ "[cell_key]\n\nnever_shown = 3\n", OB_EINVAL, 3 },
		{ "[cell_key]\nmin_count = 5\n", OB_EINVAL, 2 },
		{ "[public]\nage = months\n", OB_EINVAL, 2 },
		{ "[public]\ndates = week\n", OB_EINVAL, 2 },
		{ "[public]\nmax_values = 0\n", OB_EINVAL, 2 },
		{ "[public]\nmax_dimensions = 5\n", OB_EINVAL, 2 },
		{ "[public]\nmax_cells = 5\n", OB_EINVAL, 2 },
		{ "[publico]\n", OB_EINVAL, 1 },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_sdc_config c, before;
		struct ob_diag d;
		ob_err e;

		ob_sdc_config_default(&c);
		before = c;
		ob_diag_clear(&d);
		e = ob_sdc_config_parse(&c, cases[i].text, strlen(cases[i].text), "disclosure.ini",
		                        &d);
		if (e != cases[i].want)
			fail_msg("case %zu: %s (%s)", i, ob_err_name(e), d.message);
		if (e) {
			assert_int_equal(d.line, cases[i].line);
			/* in one language: Spanish, and English when asked */
			assert_true(strstr(d.message, "se esperaba") || strstr(d.message, "debe") ||
			            strstr(d.message, "no es menor"));
			assert_null(strstr(d.message, "expected"));
			assert_memory_equal(&c, &before, sizeof(c));
		}
	}
	{
		struct ob_sdc_config c, c2;
		struct ob_diag d;
		struct ob_buf a = OB_BUF_INIT(4096), b = OB_BUF_INIT(4096);
		const char *t = "[cell_key]\nmax_perturbation = 5\nvariance = 3.5\nnever_shown = 4\n"
		                "[public]\nmax_values = 3\nage = years\n";
		ob_sdc_config_default(&c);
		c2 = c;
		assert_int_equal(ob_sdc_config_parse(&c, t, strlen(t), "x", &d), OB_OK);
		assert_int_equal(c.ck.max_perturbation, 5);
		assert_true(c.ck.variance == 3.5);
		assert_int_equal(c.ck.never_shown, 4);
		assert_int_equal(c.pub.max_values, 3);
		assert_true(c.pub.age_years);
		assert_false(c.pub.dates_by_day);
		assert_int_equal(c.rule[OB_SDC_RULE_GENERAL].min_count, 5);
		/* the text of the settings tells them apart */
		ob_sdc_config_text(&c, &a);
		ob_sdc_config_text(&c2, &b);
		assert_true(a.len != b.len || memcmp(a.ptr, b.ptr, a.len));
		ob_buf_release(&a);
		ob_buf_release(&b);
	}
}

/* ---- public questions ---- */

/* A snapshot of three units, enough for the levels of territory codes. */
static struct ob_snapshot snap;
static struct ob_snap_unit units[3];
static const char pool[] = "SLV\0SLV08\0SLV0814";

static void make_snapshot(void)
{
	memset(&snap, 0, sizeof(snap));
	units[0] = (struct ob_snap_unit){ .code = 0, .name = 0, .parent = -1, .level = 0 };
	units[1] = (struct ob_snap_unit){ .code = 4, .name = 4, .parent = 0, .level = 1 };
	units[2] = (struct ob_snap_unit){ .code = 10, .name = 10, .parent = 1, .level = 2 };
	snap.units = units;
	snap.n_units = 3;
	snap.strings = pool;
	snap.strings_len = sizeof(pool);
}

/* rows (comma-separated dimension names) and where: NULL when allowed,
 * else the rule that refused it. */
static const char *check(const struct ob_sdc_public *rules, const char *rows,
                         const char *where)
{
	static char rule[128];
	char want[192];
	enum ob_query_dim dims[OB_QUERY_MAX_DIMS];
	size_t n = 0;
	struct ob_diag d;
	const char *p;

	ob_diag_clear(&d);
	if (rows && *rows)
		assert_int_equal(ob_query_dims_parse(rows, "rows", dims, &n, &d), OB_OK);
	if (!ob_ck_public_check(rules, &snap, dims, n, where, &d))
		return NULL;
	assert_int_equal(d.code, OB_EUSAGE);
	/* the message names the rule: "... regla «RULE» ..." in Spanish and
	 * "... rule «RULE» ..." in English */
	p = strstr(d.message, "regla «");
	assert_non_null(p);
	p += strlen("regla «");
	snprintf(rule, sizeof(rule), "%.*s", (int)(strstr(p, "»") - p), p);
	assert_null(strstr(d.message, "refused by rule"));
	assert_true(strlen(d.message) < sizeof(d.message) - 1); /* never cut */
	ob_lang_set(OB_LANG_EN);
	ob_diag_clear(&d);
	assert_int_equal(ob_ck_public_check(rules, &snap, dims, n, where, &d), OB_EUSAGE);
	ob_lang_set(OB_LANG_ES);
	snprintf(want, sizeof(want), "public question refused by rule «%s»", rule);
	assert_non_null(strstr(d.message, want));
	assert_null(strstr(d.message, "regla"));
	assert_true(strlen(d.message) < sizeof(d.message) - 1);
	return rule;
}

static void test_public_questions(void **state)
{
	static const struct {
		const char *rows, *where, *rule; /* rule NULL: allowed */
	} cases[] = {
		{ "admin1,year", "iccs=0101", NULL },
		{ "admin2", "country=SLV year=2023 iccs=0101", NULL },
		{ "admin2,sex", "country=SLV year=2023 iccs=0101", NULL },
		{ "admin2,sex", "year=2023 weapon=firearm", "small_area_attributes" },
		{ "sex", "territory=SLV0814 year=2023", NULL },
		{ "sex", "territory=SLV0814 year=2023 weapon=firearm", "small_area_attributes" },
		{ "sex", "admin2=SLV0814&age_group=18-29", "small_area_attributes" },
		{ "sex,age_group,mechanism", "country=SLV", NULL },
		{ "sex,age_group,mechanism", "country=SLV month=3", "max_attributes" },
		{ "sex,age_group,mechanism,year", "", "max_dimensions" },
		{ "age", "", "age = groups" },
		{ "year", "age=15..29", "age = groups" },
		{ "year", "date=2023-03-01..2023-03-31", NULL },
		{ "year", "date=2024-02-01..2024-02-29", NULL },
		{ "year", "date=2023-02-01..2023-02-29", "dates = month" },
		{ "year", "date=2023-03-04..2023-03-04", "dates = month" },
		{ "year", "date=2023-01-01..2023-03-31", "max_values" },
		{ "year", "territory=SLV0814,SLV", "max_values" },
		{ "year", "sex=F|M", "max_values" },
		{ "sex", "year=2015..2024", "max_values" },
		{ "hour", "country=SLV", NULL },
		{ "hour", "admin1=SLV08", NULL },
		{ "hour", "territory=SLV0814", "hour_small_areas = no" },
		{ "admin2", "hour=18", "hour_small_areas = no" },
		{ "admin2", "hour=18..5", "max_values" },
		{ "admin2", "year=2023&&&   ", NULL },
		{ "admin2", "nonsense", NULL }, /* the analyser refuses it */
		{ "admin2", "date=ayer", NULL },
	};
	struct ob_sdc_config c;

	(void)state;
	make_snapshot();
	ob_sdc_config_default(&c);
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		const char *got = check(&c.pub, cases[i].rows, cases[i].where);
		if ((got == NULL) != (cases[i].rule == NULL) ||
		    (got && strcmp(got, cases[i].rule)))
			fail_msg("case %zu (%s | %s): %s, expected %s", i, cases[i].rows,
			         cases[i].where, got ? got : "allowed",
			         cases[i].rule ? cases[i].rule : "allowed");
	}
	/* looser settings allow what the defaults refuse */
	c.pub.max_values = 20;
	c.pub.age_years = true;
	c.pub.dates_by_day = true;
	c.pub.hour_small_areas = true;
	c.pub.small_area_attributes = 3;
	assert_null(check(&c.pub, "year", "age=15..29"));
	assert_null(check(&c.pub, "year", "date=2023-03-04..2023-03-04"));
	assert_null(check(&c.pub, "sex", "year=2015..2024"));
	assert_null(check(&c.pub, "year", "territory=SLV0814,SLV"));
	assert_null(check(&c.pub, "hour", "territory=SLV0814 weapon=firearm"));
	/* a range counts its values: 2015..2024 is ten */
	c.pub.max_values = 9;
	assert_string_equal(check(&c.pub, "sex", "year=2015..2024"), "max_values");
	/* hours wrap past midnight: 22..1 is four */
	c.pub.max_values = 4;
	assert_null(check(&c.pub, "sex", "hour=22..1"));
	c.pub.max_values = 3;
	assert_string_equal(check(&c.pub, "sex", "hour=22..1"), "max_values");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_perturb),
		cmocka_unit_test(test_publish),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_public_questions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
