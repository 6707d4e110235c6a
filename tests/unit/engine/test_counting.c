/* test_counting.c - the counting rule on the test observatory with a
 * validated source for El Salvador 2020: which row applies to indicators
 * and to records, when validated deaths are counted, which sources a
 * choice takes, and the indicators and the analyser under the rules. */
#include "test.h"

#include "efixture.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/query.h"

static struct efix fx;
static struct ob_snapshot *snap;
static struct ob_indicator_set *set;
static long long validated_2020; /* validated records of 2020, category 0101 */

static int setup(void **state)
{
	struct ob_diag d;
	(void)state;
	efix_open(&fx);
	/* El Salvador's validated deaths of 2020 (a reconciliation run), and
	 * of the first half of 2021 (another) */
	efix_exec(fx.st, "INSERT INTO submission(id, source, file_name, sha256, period_from,"
	                 " period_to, rows_read, accepted, rejected, warned, ingested_at, version,"
	                 " observa_version, institution, country) VALUES"
	                 " (100, 'slv-validated', 'reconcile run 1', 'v1', '2020-01-01', '2020-12-31',"
	                 " 0, 0, 0, 0, 'now', 1, 'test', 'validated', 'SLV'),"
	                 " (101, 'slv-validated', 'reconcile run 2', 'v2', '2021-01-01', '2021-06-30',"
	                 " 0, 0, 0, 0, 'now', 1, 'test', 'validated', 'SLV');"
	                 "INSERT INTO record(submission, source, source_id, line, occurred_on,"
	                 " precision, territory, category, manner, victim_sex)"
	                 " SELECT 100, 'slv-validated', 'sv-iml:' || r.source_id, r.line,"
	                 " r.occurred_on, r.precision, r.territory, r.category, r.manner, r.victim_sex"
	                 " FROM record r WHERE r.source = 'sv-iml' AND r.occurred_on LIKE '2020%'"
	                 " AND r.precision <> 'year' AND r.id % 3 <> 0 AND coalesce(r.manner, '')"
	                 " NOT IN ('suicide', 'accident');"
	                 "INSERT INTO record(submission, source, source_id, line, occurred_on,"
	                 " precision, territory, category, manner, victim_sex)"
	                 " SELECT 101, 'slv-validated', 'sv-iml:' || r.source_id, r.line,"
	                 " r.occurred_on, r.precision, r.territory, r.category, r.manner, r.victim_sex"
	                 " FROM record r WHERE r.source = 'sv-iml' AND r.occurred_on BETWEEN"
	                 " '2021-01' AND '2021-06-32' AND r.precision <> 'year'");
	validated_2020 = efix_count(fx.st, "SELECT count(*) FROM record WHERE source ="
	                                   " 'slv-validated' AND occurred_on LIKE '2020%' AND"
	                                   " category LIKE '0101%'");
	assert_true(validated_2020 > 100);
	ob_diag_clear(&d);
	if (ob_snapshot_load(fx.st, fx.dir, &snap, NULL, &d) ||
	    ob_indicators_load_dir(fx.dir, &set, NULL, &d))
		fail_msg("%s:%ld:%ld: %s", d.file, d.line, d.column, d.message);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_indicators_free(set);
	ob_snapshot_close(snap);
	efix_close(&fx);
	return 0;
}

static uint32_t country(const char *iso3)
{
	for (uint32_t c = 0; c < snap->n_countries; c++)
		if (!strcmp(ob_snap_str(snap, snap->countries[c]), iso3))
			return c;
	fail_msg("no country %s", iso3);
	return 0;
}

static uint32_t category(const char *code)
{
	for (uint32_t c = 1; c < snap->n_categories; c++)
		if (!strcmp(ob_snap_str(snap, snap->categories[c].code), code))
			return c;
	fail_msg("no category %s", code);
	return 0;
}

static uint32_t manner(const char *code)
{
	for (uint32_t t = 1; t < snap->n_tags[OB_SNAP_MANNER]; t++)
		if (!strcmp(ob_snap_str(snap, snap->tags[OB_SNAP_MANNER][t]), code))
			return t;
	return 0;
}

static size_t ind(const char *id)
{
	long k = ob_indicators_find(set, id);
	assert_true(k >= 0);
	return (size_t)k;
}

static void covers(void **state)
{
	uint32_t slv = country("SLV"), gtm = country("GTM");
	(void)state;

	assert_true(ob_counting_validated_covers(snap, slv, 2020 * 12, 2020 * 12 + 11));
	assert_true(ob_counting_validated_covers(snap, slv, 2020 * 12 + 5, 2020 * 12 + 5));
	/* two deliveries that follow one another cover their months together */
	assert_true(ob_counting_validated_covers(snap, slv, 2020 * 12 + 3, 2021 * 12 + 5));
	assert_false(ob_counting_validated_covers(snap, slv, 2020 * 12, 2021 * 12 + 6));
	assert_false(ob_counting_validated_covers(snap, slv, 2021 * 12, 2021 * 12 + 11));
	assert_false(ob_counting_validated_covers(snap, slv, 2019 * 12, 2019 * 12 + 11));
	assert_false(ob_counting_validated_covers(snap, gtm, 2020 * 12, 2020 * 12 + 11));
	assert_false(ob_counting_validated_covers(snap, slv, 2020 * 12 + 1, 2020 * 12));
}

#define HEAD "country,scope,institution,validated_first,reason_es,reason_en\n"

static const char *rules_text =
	HEAD "*,*,police,no,catch-all,catch-all\n"
	     "*,homicide_rate,forensic,yes,homicides,homicides\n"
	     "GTM,*,prosecutor,no,Guatemala,Guatemala\n"
	     "SLV,robbery_rate,sv-pnc,no,one source,one source\n"
	     "*,0101,forensic,yes,deaths,deaths\n"
	     "*,manner:suicide,forensic,no,suicides,suicides\n"
	     "SLV,01,prosecutor,no,SLV section 01,SLV section 01\n"
	     "SLV,manner:accident,forensic,no,accidents,accidents\n"
	     "*,01,police,no,section 01,section 01\n"
	     "*,0103,forensic,no,0103,0103\n";

static struct ob_counting *load(const char *text)
{
	struct ob_counting *c = NULL;
	struct ob_diag d;

	if (ob_counting_parse(text, strlen(text), "counting.csv", snap, set, &c, &d))
		fail_msg("%s:%ld:%ld: %s", d.file, d.line, d.column, d.message);
	return c;
}

static void for_indicator(void **state)
{
	struct ob_counting *c = load(rules_text);
	struct ob_count_choice ch;
	uint32_t slv = country("SLV"), gtm = country("GTM");
	(void)state;

	/* the indicator's row, validated deaths where they cover the period */
	ob_counting_for_indicator(c, snap, set, ind("homicide_rate"), slv, 2020 * 12,
	                          2020 * 12 + 11, &ch);
	assert_int_equal(ch.kind, OB_COUNT_VALIDATED);
	assert_string_equal(ch.name, "validated_deaths");
	assert_string_equal(ch.rule->reason_en, "homicides");
	ob_counting_for_indicator(c, snap, set, ind("homicide_rate"), slv, 2019 * 12,
	                          2019 * 12 + 11, &ch);
	assert_int_equal(ch.kind, OB_COUNT_INSTITUTION);
	assert_string_equal(ch.name, "victims:forensic");
	/* a month of 2021 covered, a quarter half covered */
	ob_counting_for_indicator(c, snap, set, ind("homicide_rate"), slv, 2021 * 12 + 2,
	                          2021 * 12 + 2, &ch);
	assert_int_equal(ch.kind, OB_COUNT_VALIDATED);
	ob_counting_for_indicator(c, snap, set, ind("homicide_rate"), slv, 2021 * 12 + 4,
	                          2021 * 12 + 6, &ch);
	assert_int_equal(ch.kind, OB_COUNT_INSTITUTION);
	/* a share follows its denominator */
	ob_counting_for_indicator(c, snap, set, ind("homicide_firearm_share"), slv, 2020 * 12,
	                          2020 * 12 + 11, &ch);
	assert_string_equal(ch.name, "validated_deaths");
	/* the country's row * before the indicator's row for every country */
	ob_counting_for_indicator(c, snap, set, ind("homicide_rate"), gtm, 2020 * 12,
	                          2020 * 12 + 11, &ch);
	assert_string_equal(ch.name, "victims:prosecutor");
	assert_string_equal(ch.rule->country, "GTM");
	/* one source */
	ob_counting_for_indicator(c, snap, set, ind("robbery_rate"), slv, 2020 * 12,
	                          2020 * 12 + 11, &ch);
	assert_int_equal(ch.kind, OB_COUNT_SOURCE);
	assert_string_equal(ch.name, "victims:sv-pnc");
	/* no row: the indicator's institution column, before the row * */
	ob_counting_for_indicator(c, snap, set, ind("violent_deaths_rate"), slv, 2020 * 12,
	                          2020 * 12 + 11, &ch);
	assert_string_equal(ch.name, "victims:forensic");
	assert_null(ch.rule);
	/* no rules at all: the column alone */
	ob_counting_for_indicator(NULL, snap, set, ind("homicide_rate"), slv, 2020 * 12,
	                          2020 * 12 + 11, &ch);
	assert_string_equal(ch.name, "victims:forensic");
	ob_counting_free(c);
}

static void for_record(void **state)
{
	struct ob_counting *c = load(rules_text);
	struct ob_count_choice ch;
	uint32_t slv = country("SLV"), gtm = country("GTM");
	(void)state;

	/* every country: manner, then the nearest ICCS code, then * */
	ob_counting_for_record(c, snap, gtm, category("0101"), manner("homicide"), 2020, &ch);
	assert_string_equal(ch.name, "victims:prosecutor"); /* GTM,* comes first */
	ob_counting_for_record(c, snap, country("HND"), category("0101"), 0, 2020, &ch);
	assert_string_equal(ch.rule->scope, "0101");
	assert_string_equal(ch.name, "victims:forensic");
	ob_counting_for_record(c, snap, country("HND"), category("010321"), 0, 2020, &ch);
	assert_string_equal(ch.rule->scope, "0103"); /* the nearest code, not 01 */
	ob_counting_for_record(c, snap, country("HND"), category("0102"), 0, 2020, &ch);
	assert_string_equal(ch.rule->scope, "01");
	ob_counting_for_record(c, snap, country("HND"), 0, manner("suicide"), 2020, &ch);
	assert_string_equal(ch.rule->scope, "manner:suicide");
	ob_counting_for_record(c, snap, country("HND"), category("0201"), 0, 2020, &ch);
	assert_string_equal(ch.name, "victims:police");
	/* the country's rows first: its manner, then its nearest code */
	ob_counting_for_record(c, snap, slv, category("0101"), manner("accident"), 2020, &ch);
	assert_string_equal(ch.rule->scope, "manner:accident");
	ob_counting_for_record(c, snap, slv, category("0101"), manner("homicide"), 2020, &ch);
	assert_string_equal(ch.rule->scope, "01");
	assert_string_equal(ch.name, "victims:prosecutor");
	ob_counting_free(c);

	/* validated deaths by year; an unknown year is never covered */
	c = load(HEAD "*,*,police,no,a,b\n*,0101,forensic,yes,a,b\n");
	ob_counting_for_record(c, snap, slv, category("0101"), 0, 2020, &ch);
	assert_string_equal(ch.name, "validated_deaths");
	for (uint32_t s = 0; s < snap->n_sources; s++)
		assert_int_equal(ob_count_choice_accepts(snap, &ch, slv, s),
		                 !strcmp(ob_snap_str(snap, snap->sources[s].code), "slv-validated"));
	ob_counting_for_record(c, snap, slv, category("0101"), 0, 2021, &ch);
	assert_string_equal(ch.name, "victims:forensic"); /* half a year only */
	for (uint32_t s = 0; s < snap->n_sources; s++)
		assert_int_equal(ob_count_choice_accepts(snap, &ch, slv, s),
		                 !strcmp(ob_snap_str(snap, snap->sources[s].code), "sv-iml"));
	ob_counting_for_record(c, snap, slv, category("0101"), 0, 0, &ch);
	assert_string_equal(ch.name, "victims:forensic");
	/* an institution of another country is not counted */
	ob_counting_for_record(c, snap, gtm, category("0201"), 0, 2020, &ch);
	for (uint32_t s = 0; s < snap->n_sources; s++)
		assert_int_equal(ob_count_choice_accepts(snap, &ch, gtm, s),
		                 !strcmp(ob_snap_str(snap, snap->sources[s].code), "gt-pnc"));
	ob_counting_free(c);
}

/* The classes of categories and manners of each country: two categories
 * of one class have the same row of the rules under every manner (and two
 * manners under every category), categories of two classes differ under
 * some manner; kept with the rules (the same classes asked again), and made
 * apart for another snapshot. */
static void classes(void **state)
{
	struct ob_counting *c = load(rules_text);
	struct ob_snapshot other;
	(void)state;

	for (uint32_t co = 0; co < snap->n_countries; co++) {
		const struct ob_count_classes *x = ob_counting_classes(c, snap, co), *y;
		uint32_t split = 0;

		assert_int_equal(x->n_cat, snap->n_categories);
		assert_true(x->nc >= 1 && x->nc <= x->n_cat && x->nm >= 1 && x->nm <= x->n_man);
		for (uint32_t k = 0; k < x->n_cat; k++)
			for (uint32_t m = 0; m < x->n_man; m++) {
				struct ob_count_choice a, b, e;
				assert_true(x->ccls[k] < x->nc && x->mcls[m] < x->nm);
				ob_counting_for_record(c, snap, co, k, m, 0, &a);
				ob_counting_for_record(c, snap, co, x->crep[x->ccls[k]], m, 0, &b);
				ob_counting_for_record(c, snap, co, k, x->mrep[x->mcls[m]], 0, &e);
				assert_ptr_equal(a.rule, b.rule);
				assert_ptr_equal(a.rule, e.rule);
			}
		for (uint32_t i = 0; i < x->nc; i++)
			for (uint32_t j = i + 1; j < x->nc; j++) {
				bool differ = false;
				for (uint32_t m = 0; m < x->n_man && !differ; m++) {
					struct ob_count_choice a, b;
					ob_counting_for_record(c, snap, co, x->crep[i], m, 0, &a);
					ob_counting_for_record(c, snap, co, x->crep[j], m, 0, &b);
					differ = a.rule != b.rule;
				}
				assert_true(differ);
			}
		split += x->nc > 1;
		y = ob_counting_classes(c, snap, co);
		assert_ptr_equal(x, y);
		ob_count_classes_put(c, y);
		ob_count_classes_put(c, x);
		/* the rules split some country's categories (SLV: section 01) */
		if (co == country("SLV"))
			assert_true(split);
	}
	/* another snapshot (a copy, to the rules another one): made apart,
	 * alike, and freed when given back */
	other = *snap;
	{
		const struct ob_count_classes *x = ob_counting_classes(c, &other, 0);
		const struct ob_count_classes *y = ob_counting_classes(c, snap, 0);
		assert_ptr_not_equal(x, y);
		assert_int_equal(x->nc, y->nc);
		assert_int_equal(x->nm, y->nm);
		assert_memory_equal(x->ccls, y->ccls, x->n_cat * sizeof(uint32_t));
		assert_memory_equal(x->mcls, y->mcls, x->n_man * sizeof(uint32_t));
		ob_count_classes_put(c, x);
		ob_count_classes_put(c, y);
	}
	ob_counting_free(c);
}

static void refused(void **state)
{
	static const struct {
		const char *text;
		long line, column;
		const char *value;
	} t[] = {
		{ HEAD "XXX,*,police,no,a,b\n", 2, 1, "XXX" },
		{ HEAD "*,*,police,no,a,b\n*,homicide_ratio,forensic,yes,a,b\n", 3, 2, "homicide_ratio" },
		{ HEAD "*,0199,forensic,yes,a,b\n", 2, 2, "0199" },
		{ HEAD "*,manner:unknown,forensic,yes,a,b\n", 2, 2, "manner:unknown" },
		{ HEAD "*,*,hn-sepol,no,a,b\n", 2, 3, "hn-sepol" },
		{ HEAD "*,homicide_dwelling_share,forensic,yes,a,b\n", 2, 2, NULL },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(t); i++) {
		struct ob_counting *c = NULL;
		struct ob_diag d;
		ob_diag_clear(&d);
		assert_int_equal(ob_counting_parse(t[i].text, strlen(t[i].text), "counting.csv", snap,
		                                   set, &c, &d), OB_EINVAL);
		assert_null(c);
		if (d.line != t[i].line || d.column != t[i].column ||
		    (t[i].value && strcmp(d.value, t[i].value)))
			fail_msg("case %zu: line %ld column %ld value %s: %s", i, d.line, d.column,
			         d.value, d.message);
	}
}

/* The indicators and the analyser count what the rules choose: the
 * validated deaths of 2020, forensic medicine's of 2019, the same numbers
 * in both, and the default rules of the catalogue load. */
static void counted(void **state)
{
	struct ob_counting *c = NULL;
	struct ob_ind_result *r = NULL;
	struct ob_ind_query q;
	struct ob_period *periods = NULL;
	struct ob_analyzer *an = ob_analyzer_new(snap, NULL);
	struct ob_query aq;
	struct ob_query_result *ar = NULL;
	struct ob_diag d;
	size_t np = 0, k = ind("homicide_rate");
	uint32_t *units = NULL;
	size_t nu = 0;
	long long forensic_2019 = efix_count(fx.st, "SELECT count(*) FROM record r JOIN submission"
	                                            " s ON s.id = r.submission WHERE"
	                                            " s.source = 'sv-iml' AND r.occurred_on LIKE"
	                                            " '2019%' AND r.category LIKE '0101%'");
	/* forensic records of ICCS 0101 whose manner is suicide or accident: the
	 * analyser counts them by their manner's row (forensic medicine, no
	 * validated deaths), the indicator by its own */
	long long odd_2020 = efix_count(fx.st, "SELECT count(*) FROM record r WHERE"
	                                       " r.source = 'sv-iml' AND r.occurred_on LIKE '2020%'"
	                                       " AND r.category LIKE '0101%' AND r.manner IN"
	                                       " ('suicide', 'accident')");
	(void)state;

	assert_int_equal(ob_counting_load(fx.dir, snap, set, &c, &d), OB_OK);
	assert_false(ob_counting_from_default(c)); /* init wrote catalog/counting.csv */
	assert_int_equal(ob_period_parse("2019..2020", &periods, &np, &d), OB_OK);
	assert_int_equal(ob_ind_select_units(snap, "SLV", false, -1, NULL, &units, &nu, &d), OB_OK);
	memset(&q, 0, sizeof(q));
	q.indicators = &k;
	q.n_indicators = 1;
	q.units = units;
	q.n_units = nu;
	q.periods = periods;
	q.n_periods = np;
	q.level = 0.95;
	q.unreliable_below = 20;
	q.institution = -1;
	q.rules = c;
	assert_int_equal(ob_indicators_compute(snap, NULL, set, &q, &r, &d), OB_OK);
	assert_int_equal((long long)ob_ind_result_at(r, 0, 0, 0, 0)->count, forensic_2019);
	assert_string_equal(ob_ind_result_rule(r, 0, 0, 0), "victims:forensic");
	assert_int_equal((long long)ob_ind_result_at(r, 0, 0, 1, 0)->count, validated_2020);
	assert_string_equal(ob_ind_result_rule(r, 0, 0, 1), "validated_deaths");

	memset(&aq, 0, sizeof(aq));
	aq.dims[0] = OB_QD_YEAR;
	aq.n_dims = 1;
	aq.n_row_dims = 1;
	aq.where = "iccs=0101 country=SLV year=2019..2020";
	aq.rules = c;
	assert_int_equal(ob_query_run(an, &aq, &ar, &d), OB_OK);
	assert_string_equal(ar->counting, "mixed");
	for (uint32_t v = 0; v < ar->extent[0]; v++) {
		const char *y = ob_query_label(ar, 0, v);
		if (!strcmp(y, "2019"))
			assert_int_equal((long long)ob_query_count(ar, &v), forensic_2019);
		else if (!strcmp(y, "2020"))
			assert_int_equal((long long)ob_query_count(ar, &v), validated_2020 + odd_2020);
		else
			assert_int_equal(ob_query_count(ar, &v), 0);
	}
	assert_true(odd_2020 > 0);
	assert_int_equal((long long)ar->total, forensic_2019 + validated_2020 + odd_2020);
	assert_true(ar->n_notes >= 2);
	ob_query_result_free(ar);
	/* every record of every source, when asked */
	aq.records = true;
	assert_int_equal(ob_query_run(an, &aq, &ar, &d), OB_OK);
	assert_string_equal(ar->counting, "records");
	assert_true((long long)ar->total > forensic_2019 + validated_2020);
	ob_query_result_free(ar);

	ob_analyzer_free(an);
	ob_ind_result_free(r);
	free(units);
	free(periods);
	ob_counting_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(covers),
		cmocka_unit_test(for_indicator),
		cmocka_unit_test(for_record),
		cmocka_unit_test(classes),
		cmocka_unit_test(refused),
		cmocka_unit_test(counted),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
