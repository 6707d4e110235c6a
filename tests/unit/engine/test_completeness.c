/* test_completeness.c - "no data" is never 0: a category a source does not
 * record, a field a delivery did not supply, a cell of a source that did
 * not deliver; and the completeness table of deliveries by month. */
#include "test.h"

#include "cfixture.h"
#include "engine/completeness.h"
#include "engine/indicators.h"
#include "ingest/profile.h"
#include "stats/rate.h"

static struct cfix fx;
static struct ob_snapshot *snap;
static struct ob_population *pop;
static struct ob_indicator_set *set;

/* Records of xx-crimes per month of 2020 (month m: 3 + m thefts, 2 assaults). */
#define THEFTS(m) (3 + (m))

static const char indicators[] =
	"id,name_es,name_en,numerator,denominator,multiplier,disaggregations,institution\n"
	"theft_minors,a,a,category=0502&victim_age=0-17,population,100000,,\n"
	"theft_women,b,b,category=0502&victim_sex=F,population:F,100000,,\n"
	"theft_any,c,c,category=0502,population,100000,sex|age_group|source,\n"
	"robbery_or_theft,d,d,category=0401|0502,population,100000,,\n"
	"robbery,e,e,category=0401,population,100000,,\n"
	"unknown_sex_theft,f,f,category=0502&victim_sex=U,population,100000,,\n"
	"suicides,g,g,manner=suicide,population,100000,,\n"
	"accidents,h,h,manner=accident,population,100000,,\n"
	"homicides_or_suicides,i,i,manner=homicide|suicide,population,100000,manner,\n"
	"homicides,j,j,manner=homicide,population,100000,,\n";

static int setup(void **state)
{
	long long full, early, nosex, noprof, deaths, necro;
	struct ob_diag d;
	char date[16];
	(void)state;

	cfix_open(&fx);
	/* a register of thefts and assaults that states it, mapping sex, no age */
	cfix_profile(&fx, "xx-crimes",
	             "[source]\ncode = xx-crimes\ncountry = SV\ninstitution = police\n"
	             "categories = 0502, 02\n"
	             "[columns]\nsource_id = Id\noccurred_on = Fecha\nterritory_code = Codigo\n"
	             "category = Delito\nvictim_sex = Sexo\n");
	/* a source with a profile that never delivered */
	cfix_profile(&fx, "xx-never",
	             "[source]\ncode = xx-never\ncountry = SV\ninstitution = police\n"
	             "[columns]\nsource_id = Id\nvictim_age = Edad\n");
	/* a profile mapping sex whose delivery says it did not supply it */
	cfix_profile(&fx, "xx-nosex",
	             "[source]\ncode = xx-nosex\ncountry = SV\ninstitution = police\n"
	             "[columns]\nsource_id = Id\noccurred_on = Fecha\nterritory_code = Codigo\n"
	             "category = Delito\nvictim_sex = Sexo\n[crosswalks]\ncategory = sv-delito\n");
	full = cfix_submission(&fx, "xx-crimes", "police", "SLV", "2020-01-01", "2020-12-31",
	                       (1 << OB_F_SOURCE_ID) | (1 << OB_F_OCCURRED_ON) |
	                       (1 << OB_F_TERRITORY_CODE) | (1 << OB_F_CATEGORY) |
	                       (1 << OB_F_VICTIM_SEX));
	for (int m = 1; m <= 12; m++) {
		snprintf(date, sizeof(date), "2020-%02d-15", m);
		cfix_records(&fx, full, THEFTS(m), date, m % 2 ? "SLV0614" : "SLV0101", "0502",
		             m % 3 ? "F" : "M", -1);
		cfix_records(&fx, full, 2, date, "SLV0614", "02011", "M", -1);
	}
	/* an earlier delivery of January to June, superseded by the full year */
	early = cfix_submission(&fx, "xx-crimes", "police", "SLV", "2020-01-01", "2020-06-30", -1);
	{
		char sql[256];
		snprintf(sql, sizeof(sql), "UPDATE submission SET superseded_by = %lld WHERE id = %lld",
		         full, early);
		cfix_exec(&fx, sql);
	}
	nosex = cfix_submission(&fx, "xx-nosex", "police", "SLV", "2020-01-01", "2020-12-31",
	                        (1 << OB_F_SOURCE_ID) | (1 << OB_F_OCCURRED_ON) |
	                        (1 << OB_F_TERRITORY_CODE) | (1 << OB_F_CATEGORY));
	cfix_records(&fx, nosex, 10, "2020-05-05", "SLV0614", "0502", "F", 30);
	/* no profile: what it delivered is what it covers */
	noprof = cfix_submission(&fx, "xx-noprof", "police", "SLV", "2020-01-01", "2020-12-31",
	                         -1);
	cfix_records(&fx, noprof, 4, "2020-07-07", "SLV0614", "0401", "M", 40);
	/* a forensic register of homicides and undetermined deaths that says
	 * so, which delivered one accident all the same; and a necropsy
	 * register that states no manners */
	cfix_profile(&fx, "xx-deaths",
	             "[source]\ncode = xx-deaths\ncountry = SV\ninstitution = forensic\n"
	             "manners = homicide, undetermined\n"
	             "[columns]\nsource_id = Id\noccurred_on = Fecha\nterritory_code = Codigo\n"
	             "manner = Manera\n[crosswalks]\nmanner = manera\n");
	cfix_profile(&fx, "xx-necro",
	             "[source]\ncode = xx-necro\ncountry = SV\ninstitution = forensic\n"
	             "[columns]\nsource_id = Id\noccurred_on = Fecha\nterritory_code = Codigo\n"
	             "manner = Manera\n[crosswalks]\nmanner = manera\n");
	deaths = cfix_submission(&fx, "xx-deaths", "forensic", "SLV", "2020-01-01", "2020-12-31",
	                         (1 << OB_F_SOURCE_ID) | (1 << OB_F_OCCURRED_ON) |
	                         (1 << OB_F_TERRITORY_CODE) | (1 << OB_F_MANNER));
	cfix_records(&fx, deaths, 7, "2020-03-03", "SLV0614", NULL, "M", 30);
	cfix_records(&fx, deaths, 1, "2020-04-04", "SLV0614", NULL, "F", 30);
	necro = cfix_submission(&fx, "xx-necro", "forensic", "SLV", "2020-01-01", "2020-12-31",
	                        (1 << OB_F_SOURCE_ID) | (1 << OB_F_OCCURRED_ON) |
	                        (1 << OB_F_TERRITORY_CODE) | (1 << OB_F_MANNER));
	cfix_records(&fx, necro, 3, "2020-03-03", "SLV0614", NULL, "M", 30);
	{
		char sql[256];
		snprintf(sql, sizeof(sql),
		         "UPDATE record SET manner = CASE WHEN occurred_on = '2020-04-04' THEN "
		         "'accident' ELSE 'homicide' END WHERE submission IN (%lld, %lld)",
		         deaths, necro);
		cfix_exec(&fx, sql);
	}
	ob_diag_clear(&d);
	if (ob_snapshot_load(fx.st, fx.dir, &snap, NULL, &d) ||
	    ob_population_load(fx.st, snap, &pop, &d) ||
	    ob_indicators_load_mem(indicators, sizeof(indicators) - 1, "test.csv", &set, &d))
		fail_msg("%s:%ld: %s", d.file, d.line, d.message);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_indicators_free(set);
	ob_population_free(pop);
	ob_snapshot_close(snap);
	cfix_close(&fx);
	return 0;
}

static uint32_t unit(const char *code)
{
	for (uint32_t u = 0; u < snap->n_units; u++)
		if (!strcmp(ob_snap_str(snap, snap->units[u].code), code))
			return u;
	fail_msg("no unit %s", code);
	return 0;
}

/* One indicator for El Salvador in 2020, counting one source (or all). */
static struct ob_ind_result *compute(const char *id, const char *source, const enum ob_ind_by *by,
                                     size_t nby)
{
	struct ob_ind_query q;
	struct ob_ind_result *r = NULL;
	struct ob_period *per = NULL;
	size_t np = 0, ind;
	uint32_t u = unit("SLV");
	struct ob_diag d;
	long k = ob_indicators_find(set, id);

	assert_true(k >= 0);
	ind = (size_t)k;
	memset(&q, 0, sizeof(q));
	assert_int_equal(ob_period_parse("2020", &per, &np, &d), OB_OK);
	q.indicators = &ind;
	q.n_indicators = 1;
	q.units = &u;
	q.n_units = 1;
	q.periods = per;
	q.n_periods = np;
	q.by = by;
	q.n_by = nby;
	q.level = 0.95;
	q.unreliable_below = OB_RATE_UNRELIABLE_BELOW;
	q.institution = -1;
	q.source = source;
	q.threads = 1;
	if (ob_indicators_compute(snap, pop, set, &q, &r, &d))
		fail_msg("%s", d.message);
	free(per);
	return r;
}

static void assert_no_data(const struct ob_ind_value *v)
{
	assert_true(v->flags & OB_IND_NO_DATA);
	assert_int_equal(v->months_covered, 0);
	assert_true(v->count == 0 && v->value == 0);
	assert_false(v->flags & OB_IND_UNRELIABLE);
}

/* A category the source does not record is no data; one it records counts,
 * zero or not; two categories need both recorded. */
static void categories(void **state)
{
	struct ob_ind_result *r;
	int thefts = 0;
	(void)state;

	for (int m = 1; m <= 12; m++)
		thefts += THEFTS(m);
	r = compute("robbery", "xx-crimes", NULL, 0);
	assert_no_data(ob_ind_result_at(r, 0, 0, 0, 0));
	ob_ind_result_free(r);
	r = compute("robbery_or_theft", "xx-crimes", NULL, 0);
	assert_no_data(ob_ind_result_at(r, 0, 0, 0, 0));
	ob_ind_result_free(r);
	r = compute("theft_any", "xx-crimes", NULL, 0);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count == thefts);
	assert_int_equal(ob_ind_result_at(r, 0, 0, 0, 0)->months_covered, 12);
	assert_false(ob_ind_result_at(r, 0, 0, 0, 0)->flags & OB_IND_NO_DATA);
	ob_ind_result_free(r);
	/* a source without a profile covers what it delivered */
	r = compute("robbery", "xx-noprof", NULL, 0);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count == 4);
	assert_false(ob_ind_result_at(r, 0, 0, 0, 0)->flags & OB_IND_NO_DATA);
	ob_ind_result_free(r);
	r = compute("theft_any", "xx-noprof", NULL, 0);
	assert_no_data(ob_ind_result_at(r, 0, 0, 0, 0));
	ob_ind_result_free(r);
	/* the crosswalk of xx-nosex can give robbery: a true zero */
	r = compute("robbery", "xx-nosex", NULL, 0);
	assert_false(ob_ind_result_at(r, 0, 0, 0, 0)->flags & OB_IND_NO_DATA);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count == 0);
	assert_int_equal(ob_ind_result_at(r, 0, 0, 0, 0)->months_covered, 12);
	ob_ind_result_free(r);
}

/* A manner the source's profile says it does not record is no data, alone
 * or among others; one it records, or delivered, counts; a source that
 * states no manners records them all (a true zero). */
static void manners(void **state)
{
	enum ob_ind_by by = OB_BY_MANNER;
	struct ob_ind_result *r;
	bool saw_homicide = false, saw_suicide = false;
	(void)state;

	r = compute("suicides", "xx-deaths", NULL, 0);
	assert_no_data(ob_ind_result_at(r, 0, 0, 0, 0));
	ob_ind_result_free(r);
	r = compute("homicides_or_suicides", "xx-deaths", NULL, 0);
	assert_no_data(ob_ind_result_at(r, 0, 0, 0, 0));
	ob_ind_result_free(r);
	r = compute("homicides", "xx-deaths", NULL, 0);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count == 7);
	assert_int_equal(ob_ind_result_at(r, 0, 0, 0, 0)->months_covered, 12);
	ob_ind_result_free(r);
	/* delivered, so recorded */
	r = compute("accidents", "xx-deaths", NULL, 0);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count == 1);
	assert_false(ob_ind_result_at(r, 0, 0, 0, 0)->flags & OB_IND_NO_DATA);
	ob_ind_result_free(r);
	/* no manners stated: a suicide would have been recorded */
	r = compute("suicides", "xx-necro", NULL, 0);
	assert_false(ob_ind_result_at(r, 0, 0, 0, 0)->flags & OB_IND_NO_DATA);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count == 0);
	assert_int_equal(ob_ind_result_at(r, 0, 0, 0, 0)->months_covered, 12);
	ob_ind_result_free(r);
	/* by manner: each cell asks for its own manner */
	r = compute("homicides_or_suicides", "xx-deaths", &by, 1);
	assert_true(r->cells[0] > 2);
	for (size_t c = 0; c < r->cells[0]; c++) {
		const char *m = ob_ind_cell_label(r, c, 0);
		const struct ob_ind_value *v = ob_ind_result_at(r, 0, 0, 0, c);
		if (!strcmp(m, "homicide")) {
			saw_homicide = true;
			assert_true(v->count == 7);
			assert_false(v->flags & OB_IND_NO_DATA);
		} else if (!strcmp(m, "suicide")) {
			saw_suicide = true;
			assert_no_data(v);
		}
	}
	assert_true(saw_homicide && saw_suicide);
	ob_ind_result_free(r);
}

/* A field a delivery did not supply: no data for what filters on it, and
 * for the cells of its known values; its unknown cell counts everything. */
static void fields(void **state)
{
	enum ob_ind_by age = OB_BY_AGE_GROUP, sex = OB_BY_SEX;
	struct ob_ind_result *r;
	int thefts = 0, women = 0;
	(void)state;

	for (int m = 1; m <= 12; m++) {
		thefts += THEFTS(m);
		women += m % 3 ? THEFTS(m) : 0;
	}
	r = compute("theft_minors", "xx-crimes", NULL, 0);
	assert_no_data(ob_ind_result_at(r, 0, 0, 0, 0));
	ob_ind_result_free(r);
	r = compute("theft_any", "xx-crimes", &age, 1);
	assert_int_equal(r->cells[0], OB_IND_AGE_GROUPS);
	for (size_t c = 0; c + 1 < OB_IND_AGE_GROUPS; c++)
		assert_no_data(ob_ind_result_at(r, 0, 0, 0, c));
	assert_true(ob_ind_result_at(r, 0, 0, 0, OB_IND_AGE_GROUPS - 1)->count == thefts);
	assert_false(ob_ind_result_at(r, 0, 0, 0, OB_IND_AGE_GROUPS - 1)->flags & OB_IND_NO_DATA);
	ob_ind_result_free(r);
	/* sex was supplied */
	r = compute("theft_any", "xx-crimes", &sex, 1);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count == women);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 1)->count == thefts - women);
	for (size_t c = 0; c < 3; c++)
		assert_false(ob_ind_result_at(r, 0, 0, 0, c)->flags & OB_IND_NO_DATA);
	ob_ind_result_free(r);
	r = compute("theft_women", "xx-crimes", NULL, 0);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count == women);
	ob_ind_result_free(r);
	/* the delivery of xx-nosex says it supplied no sex: its profile and
	 * records notwithstanding, women are no data; unknown sex counts all */
	r = compute("theft_women", "xx-nosex", NULL, 0);
	assert_no_data(ob_ind_result_at(r, 0, 0, 0, 0));
	ob_ind_result_free(r);
	r = compute("unknown_sex_theft", "xx-nosex", NULL, 0);
	assert_false(ob_ind_result_at(r, 0, 0, 0, 0)->flags & OB_IND_NO_DATA);
	ob_ind_result_free(r);
	r = compute("theft_any", "xx-nosex", NULL, 0);
	assert_true(ob_ind_result_at(r, 0, 0, 0, 0)->count == 10);
	ob_ind_result_free(r);
}

/* By source: each source's cell rests on its own deliveries. */
static void by_source(void **state)
{
	enum ob_ind_by by = OB_BY_SOURCE;
	struct ob_ind_result *r = compute("theft_any", NULL, &by, 1);
	(void)state;

	for (size_t c = 0; c < r->cells[0]; c++) {
		const char *src = ob_ind_cell_label(r, c, 0);
		const struct ob_ind_value *v = ob_ind_result_at(r, 0, 0, 0, c);
		if (!strcmp(src, "xx-noprof") || !strcmp(src, "xx-deaths") ||
		    !strcmp(src, "xx-necro"))
			assert_no_data(v); /* robbery only; deaths without a crime category */
		else
			assert_false(v->flags & OB_IND_NO_DATA);
	}
	ob_ind_result_free(r);
}

static const struct ob_completeness_source *source_named(const struct ob_completeness *c,
                                                         const char *code, size_t *at)
{
	for (size_t i = 0; i < c->n_sources; i++)
		if (!strcmp(c->sources[i].code, code)) {
			*at = i;
			return &c->sources[i];
		}
	fail_msg("no source %s", code);
	return NULL;
}

/* The table: delivered, superseded and record counts per month, the
 * sources that never delivered, the fields and sections of each. */
static void table(void **state)
{
	struct ob_completeness_options o = { .country = "SLV", .from = "2020", .to = "2020" };
	struct ob_completeness c;
	const struct ob_completeness_source *s;
	struct ob_diag d;
	size_t at, rows = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	(void)state;

	assert_int_equal(ob_completeness_build(fx.st, snap, pop, &o, &c, &d), OB_OK);
	assert_int_equal(c.from_month, 2020 * 12);
	assert_int_equal(c.to_month, 2020 * 12 + 11);
	s = source_named(&c, "xx-crimes", &at);
	assert_true(s->profile && s->categories_stated);
	assert_int_equal(s->delivered, 12);
	assert_string_equal(s->sections, "02 05");
	assert_true(s->fields & (1u << OB_FLD_SEX));
	assert_false(s->fields & (1u << OB_FLD_AGE));
	for (size_t i = 0; i < c.n; i++) {
		const struct ob_completeness_row *r = &c.rows[i];
		int m = r->month - c.from_month + 1;
		if (r->source != at)
			continue;
		rows++;
		assert_string_equal(c.units[r->unit].code, "SLV");
		assert_true(r->delivered);
		assert_int_equal(r->superseded, m <= 6);
		assert_int_equal(r->rows, THEFTS(m) + 2);
		assert_true(r->fields & (1u << OB_FLD_SEX));
		assert_false(r->fields & (1u << OB_FLD_AGE));
	}
	assert_int_equal(rows, 12);
	s = source_named(&c, "xx-never", &at);
	assert_true(s->profile);
	assert_int_equal(s->delivered, 0);
	assert_int_equal(s->months, 12);
	for (size_t i = 0; i < c.n; i++)
		if (c.rows[i].source == at)
			assert_false(c.rows[i].delivered);
	s = source_named(&c, "xx-noprof", &at);
	assert_false(s->profile);
	assert_string_equal(s->sections, "04");
	/* the sources of other countries are left out */
	for (size_t i = 0; i < c.n_sources; i++)
		assert_string_equal(c.sources[i].country, "SLV");
	/* JSON without record counts, CSV with them */
	assert_non_null(f = open_memstream(&text, &len));
	ob_completeness_json(&c, false, f);
	assert_int_equal(fclose(f), 0);
	assert_null(strstr(text, "\"rows\""));
	assert_non_null(strstr(text, "\"source\":\"xx-never\""));
	free(text);
	assert_non_null(f = open_memstream(&text, &len));
	ob_completeness_csv(&c, true, f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(text, "superseded,fields,rows\n"));
	assert_non_null(strstr(text, "xx-crimes,police,SLV,SLV,El Salvador,0,2020-01,1,1,"
	                             "iccs|sex,6\n"));
	free(text);
	ob_completeness_release(&c);

	/* by municipality: the units valid each month, adding up to the country */
	o.level = 2;
	o.source = "xx-crimes";
	assert_int_equal(ob_completeness_build(fx.st, snap, pop, &o, &c, &d), OB_OK);
	assert_int_equal(c.n_sources, 1);
	assert_int_equal(c.n, 262 * 12);
	for (int m = 1; m <= 12; m++) {
		long long sum = 0;
		for (size_t i = 0; i < c.n; i++)
			if (c.rows[i].month == c.from_month + m - 1)
				sum += c.rows[i].rows;
		assert_int_equal(sum, THEFTS(m) + 2);
	}
	ob_completeness_release(&c);

	/* refusals */
	o.source = "xx-nope";
	assert_int_equal(ob_completeness_build(fx.st, snap, pop, &o, &c, &d), OB_EUSAGE);
	assert_non_null(strstr(d.value, "xx-nope"));
	o.source = NULL;
	o.level = 3;
	assert_int_equal(ob_completeness_build(fx.st, snap, pop, &o, &c, &d), OB_EUSAGE);
	o.level = 0;
	o.from = "2021";
	o.to = "2020";
	assert_int_equal(ob_completeness_build(fx.st, snap, pop, &o, &c, &d), OB_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(categories),
		cmocka_unit_test(manners),
		cmocka_unit_test(fields),
		cmocka_unit_test(by_source),
		cmocka_unit_test(table),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
