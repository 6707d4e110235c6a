/* test_agg.c - the pre-aggregates of the category runs (snapshot format 6)
 * against the records they sum (the pre-aggregates by country left out of
 * every analyser here: test_cube.c): random questions over the dimensions and
 * filters the pre-aggregates hold (territory, year, source, category, sex,
 * manner, age group; counting victims or records, with or without keys,
 * under the counting rule or not), asked of an analyser that counts from them and of
 * one whose snapshot has none, and of one holding only the level by age group
 * (as a large snapshot does), must give the same answer cell by cell. The
 * analysers with pre-aggregates find the runs of a filter's categories
 * through the index by category, and add their sums by sex, whenever a
 * question allows (as a large snapshot's narrow questions do). The
 * test checks that it can fail: with one pre-aggregate changed, some
 * answer must differ. The store's rows stand for several victims here. */
#include "test.h"

#include "base/buf.h"
#include "efixture.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/query.h"
#include "engine/query_impl.h"

static struct efix fx;
static struct ob_snapshot *snap;
static struct ob_population *pop;
/* the snapshot as loaded; the same without its pre-aggregates; the same
 * with the level by age group alone; the same with one pre-aggregate
 * changed (copies of the snapshot's struct, sharing its columns) */
static struct ob_analyzer *an_agg, *an_rec, *an_age, *an_bad;
static struct ob_snapshot snap_agg, snap_rec, snap_age, snap_bad;
static struct ob_snap_derived dv_agg, dv_rec, dv_age, dv_bad;
static struct ob_snap_agg *agg_bad;

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (unsigned)(rng_state % n) : 0;
}

static int setup(void **state)
{
	struct ob_diag d;
	uint64_t at;

	(void)state;
	efix_open(&fx);
	efix_set_victims(fx.st);
	ob_diag_clear(&d);
	if (ob_snapshot_load(fx.st, fx.dir, &snap, NULL, &d) ||
	    ob_population_load(fx.st, snap, &pop, &d))
		fail_msg("load: %s", d.message);
	assert_true(snap->victims > snap->n);
	/* the file carries the pre-aggregates, fewer than the records */
	assert_non_null(snap->derived);
	assert_non_null(snap->derived->agg_first);
	assert_true(snap->derived->n_agg > 0 && snap->derived->n_agg < snap->n);
	assert_non_null(snap->derived->age_first);
	assert_true(snap->derived->n_age_agg >= snap->derived->n_agg &&
	            snap->derived->n_age_agg < snap->n);
	snap_agg = *snap;
	dv_agg = *snap->derived;
	dv_agg.cruns = NULL; /* no pre-aggregates by country */
	dv_agg.n_cruns = 0;
	snap_agg.derived = &dv_agg;
	an_agg = ob_analyzer_new(&snap_agg, pop);
	/* the runs of a filter's categories found through the index by
	 * category whenever it can be (a large snapshot's way) */
	an_agg->cat_index_min = 0;
	assert_non_null(an_agg->agg);
	assert_non_null(an_agg->age_agg);
	assert_null(an_agg->cruns);

	snap_rec = snap_agg;
	dv_rec = dv_agg;
	dv_rec.agg_first = dv_rec.age_first = NULL;
	dv_rec.agg = dv_rec.age_agg = NULL;
	dv_rec.n_agg = dv_rec.n_age_agg = 0;
	snap_rec.derived = &dv_rec;
	an_rec = ob_analyzer_new(&snap_rec, pop);
	assert_null(an_rec->agg);

	snap_age = snap_agg;
	dv_age = dv_agg;
	dv_age.agg_first = NULL;
	dv_age.agg = NULL;
	dv_age.n_agg = 0;
	snap_age.derived = &dv_age;
	an_age = ob_analyzer_new(&snap_age, pop);
	an_age->cat_index_min = 0;
	assert_ptr_equal(an_age->agg, dv_age.age_agg);

	/* one pre-aggregate of a category run in the middle, one record and
	 * one victim more, in each level */
	snap_bad = snap_agg;
	dv_bad = dv_agg;
	agg_bad = ob_malloc((dv_bad.n_agg + dv_bad.n_age_agg) * sizeof(*agg_bad));
	memcpy(agg_bad, dv_bad.agg, dv_bad.n_agg * sizeof(*agg_bad));
	memcpy(agg_bad + dv_bad.n_agg, dv_bad.age_agg, dv_bad.n_age_agg * sizeof(*agg_bad));
	at = dv_bad.agg_first[dv_bad.n_cat_runs / 2];
	agg_bad[at].records++;
	agg_bad[at].victims++;
	at = dv_bad.n_agg + dv_bad.age_first[dv_bad.n_cat_runs / 3];
	agg_bad[at].records++;
	agg_bad[at].victims++;
	dv_bad.agg = agg_bad;
	dv_bad.age_agg = agg_bad + dv_bad.n_agg;
	snap_bad.derived = &dv_bad;
	an_bad = ob_analyzer_new(&snap_bad, pop);
	an_bad->cat_index_min = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_analyzer_free(an_bad);
	ob_analyzer_free(an_rec);
	ob_analyzer_free(an_age);
	ob_analyzer_free(an_agg);
	free(agg_bad);
	ob_population_free(pop);
	ob_snapshot_close(snap);
	efix_close(&fx);
	return 0;
}

/* The dimensions the pre-aggregates hold, and a few they do not (the
 * question then takes the records, in both analysers). */
static const enum ob_query_dim held[] = {
	OB_QD_COUNTRY,       OB_QD_ADMIN1,     OB_QD_ADMIN2,     OB_QD_YEAR,
	OB_QD_ICCS_SECTION,  OB_QD_ICCS_DIVISION, OB_QD_ICCS_GROUP, OB_QD_ICCS,
	OB_QD_SEX,           OB_QD_SEX,        OB_QD_SEX,        OB_QD_MANNER,
	OB_QD_MANNER,        OB_QD_SOURCE,     OB_QD_INSTITUTION, OB_QD_AGE_GROUP,
	OB_QD_AGE_GROUP,
};
static const enum ob_query_dim other[] = { OB_QD_MONTH, OB_QD_AGE, OB_QD_MECHANISM };

/* A label of dimension k other than "unknown" (NULL when it has none). */
static const char *label_of(enum ob_query_dim k)
{
	const struct dimmap *m = &an_agg->dim[k];

	for (int tries = 0; tries < 8 && m->n; tries++) {
		const char *l = m->label[rnd(m->n)];
		if (l && strcmp(l, "unknown") && !strchr(l, ' ') && !strchr(l, ','))
			return l;
	}
	return NULL;
}

/* A filter clause into where; false when it reads a column the
 * pre-aggregates do not hold. */
static bool add_filter(struct ob_buf *where, bool *reads)
{
	static const struct {
		const char *name;
		enum ob_query_dim k;
	} by_label[] = {
		{ "country", OB_QD_COUNTRY },   { "admin1", OB_QD_ADMIN1 },
		{ "iccs", OB_QD_ICCS },         { "iccs", OB_QD_ICCS_DIVISION },
		{ "sex", OB_QD_SEX },           { "manner", OB_QD_MANNER },
		{ "source", OB_QD_SOURCE },     { "institution", OB_QD_INSTITUTION },
		{ "age_group", OB_QD_AGE_GROUP }, { "age_group", OB_QD_AGE_GROUP },
	};
	unsigned kind = rnd(OB_ARRAY_SIZE(by_label) + 3);
	const char *a, *b;

	if (kind < OB_ARRAY_SIZE(by_label)) {
		if (!(a = label_of(by_label[kind].k)))
			return true;
		b = rnd(3) ? NULL : label_of(by_label[kind].k);
		ob_buf_putf(where, " %s=%s%s%s", by_label[kind].name, a, b ? "," : "", b ? b : "");
		*reads |= by_label[kind].k == OB_QD_SEX || by_label[kind].k == OB_QD_MANNER ||
		          by_label[kind].k == OB_QD_AGE_GROUP;
		return true;
	}
	if (kind == OB_ARRAY_SIZE(by_label)) {
		int lo = an_agg->year_min + (int)rnd(4), hi = lo + (int)rnd(3);
		ob_buf_putf(where, " year=%d..%d", lo, hi);
		return true;
	}
	if (kind == OB_ARRAY_SIZE(by_label) + 1) {
		if (rnd(2))
			ob_buf_putf(where, " year=%d", an_agg->year_min + (int)rnd(5));
		else
			ob_buf_putf(where, " sex=F,M");
		*reads = true;
		return true;
	}
	if (rnd(2)) {
		/* ages: whole age groups or not (counted from the pre-aggregates
		 * by age group, or from the records) */
		static const char *const ages[] = { "18..29", "15..29", "20..40", "45+",
		                                    "0..14", "30..44", "10..20" };
		ob_buf_putf(where, " age=%s", ages[rnd(OB_ARRAY_SIZE(ages))]);
		return false;
	}
	ob_buf_putf(where, " month=%u..%u", 1 + rnd(6), 7 + rnd(6));
	return false;
}

/* Whether two answers are the same, cell by cell (errors alike). */
static bool same(ob_err ea, const struct ob_query_result *a, ob_err eb,
                 const struct ob_query_result *b, const struct ob_query *q)
{
	if (ea != eb)
		return false;
	if (ea)
		return true;
	if (a->n_cells != b->n_cells || a->total != b->total || a->n_dims != b->n_dims ||
	    a->records != b->records)
		return false;
	for (size_t j = 0; j < a->n_dims; j++)
		if (a->extent[j] != b->extent[j])
			return false;
	for (size_t i = 0; i < a->n_cells; i++)
		if (a->counts[i] != b->counts[i])
			return false;
	if (q->keys && (!a->keysums || !b->keysums ||
	                memcmp(a->keysums, b->keysums, a->n_cells * sizeof(*a->keysums))))
		return false;
	return true;
}

/* Random questions: equal answers from the pre-aggregates and the
 * records; the changed pre-aggregate shows in some answer. */
static void test_agg_against_records(void **state)
{
	const char *env = getenv("OBSERVA_QUERY_TESTS");
	long long n_queries = 1000;
	size_t eligible = 0, differ_bad = 0;

	(void)state;
	if (env && !ob_parse_int(env, strlen(env), 1, 10000000, &n_queries))
		fail_msg("OBSERVA_QUERY_TESTS: %s", env);
	for (long long t = 0; t < n_queries; t++) {
		struct ob_query q;
		struct ob_buf where;
		struct ob_query_result *ra = NULL, *rr = NULL, *rb = NULL, *rg = NULL;
		struct ob_diag da, dr, db, dg;
		ob_err ea, er, eb, eg;
		bool in_agg = true, reads = false;
		unsigned nf = rnd(4);
		size_t cells = 1;

		memset(&q, 0, sizeof(q));
		q.n_dims = rnd(4);
		for (size_t j = 0; j < q.n_dims; j++) {
			enum ob_query_dim k;
			bool dup;
			do {
				k = rnd(10) ? held[rnd(OB_ARRAY_SIZE(held))]
				            : other[rnd(OB_ARRAY_SIZE(other))];
				dup = false;
				for (size_t i = 0; i < j; i++)
					dup |= q.dims[i] == k;
			} while (dup);
			q.dims[j] = k;
			in_agg &= k != OB_QD_MONTH && k != OB_QD_AGE && k != OB_QD_MECHANISM;
			reads |= k == OB_QD_SEX || k == OB_QD_MANNER || k == OB_QD_AGE_GROUP;
			cells *= ob_analyzer_values(an_agg, k);
			if (cells > 100000) {
				q.n_dims = j;
				break;
			}
		}
		q.n_row_dims = rnd((unsigned)q.n_dims + 1);
		q.threads = 1 + (int)rnd(2);
		q.records = rnd(3) == 0;
		q.keys = rnd(2) == 0;
		ob_buf_init(&where, 4096);
		ob_buf_puts(&where, "");
		for (unsigned f = 0; f < nf; f++)
			in_agg &= add_filter(&where, &reads);
		q.where = where.ptr ? where.ptr : "";
		eligible += in_agg && reads;

		ob_diag_clear(&da);
		ob_diag_clear(&dr);
		ob_diag_clear(&db);
		ob_diag_clear(&dg);
		ea = ob_query_run(an_agg, &q, &ra, &da);
		er = ob_query_run(an_rec, &q, &rr, &dr);
		eb = ob_query_run(an_bad, &q, &rb, &db);
		eg = ob_query_run(an_age, &q, &rg, &dg);
		if (!same(ea, ra, er, rr, &q))
			fail_msg("«%s» (%zu dims, %s%s): the pre-aggregates' answer differs from the "
			         "records' (%d, %d)",
			         q.where, q.n_dims, q.records ? "records" : "victims",
			         q.keys ? ", keys" : "", (int)ea, (int)er);
		if (!same(eg, rg, er, rr, &q))
			fail_msg("«%s» (%zu dims, %s%s): the answer from the level by age group alone "
			         "differs from the records' (%d, %d)",
			         q.where, q.n_dims, q.records ? "records" : "victims",
			         q.keys ? ", keys" : "", (int)eg, (int)er);
		differ_bad += !same(eb, rb, er, rr, &q);
		ob_query_result_free(ra);
		ob_query_result_free(rr);
		ob_query_result_free(rb);
		ob_query_result_free(rg);
		ob_buf_release(&where);
	}
	/* the questions the pre-aggregates count were many, some through the
	 * index by category and the sums by sex, and the changed one was
	 * seen */
	assert_non_null(an_agg->cat_index);
	assert_non_null(an_agg->cat_sums);
	assert_non_null(an_age->cat_sums);
	if (eligible < (size_t)n_queries / 10)
		fail_msg("only %zu of %lld questions within the pre-aggregates", eligible, n_queries);
	if (!differ_bad)
		fail_msg("a changed pre-aggregate changed no answer in %lld questions", n_queries);
}

/* Questions that read a column the pre-aggregates do not hold (month,
 * mechanism, hour) with a category filter and a sex or manner filter:
 * counted record by record, the category runs holding no sex or manner
 * the filters take skipped whole (an_agg, from its cat_mask), they must
 * equal the count of every run's records (an_rec, no pre-aggregates);
 * an analyser whose masks lose the manners of every other run must
 * differ in some answer. Under the counting rule too (its blocks filter
 * the manner). */
static void test_run_skip(void **state)
{
	static const enum ob_query_dim reads[] = { OB_QD_MONTH, OB_QD_MECHANISM, OB_QD_HOUR };
	static const enum ob_query_dim also[] = { OB_QD_ADMIN1, OB_QD_SEX, OB_QD_YEAR,
	                                          OB_QD_ICCS, OB_QD_MANNER };
	struct ob_analyzer *an_lost = ob_analyzer_new(&snap_agg, pop);
	struct ob_counting *rules = NULL;
	struct ob_diag d;
	size_t differ = 0;

	(void)state;
	assert_non_null(an_agg->cat_mask);
	assert_null(an_rec->cat_mask);
	for (uint64_t i = 0; i < dv_agg.n_cat_runs; i += 2)
		an_lost->cat_mask[i] &= ~(((uint64_t)1 << CAT_MASK_SEX) - 1);
	ob_diag_clear(&d);
	if (ob_counting_load(fx.dir, snap, NULL, &rules, &d))
		fail_msg("rules: %s", d.message);
	for (int t = 0; t < 200; t++) {
		struct ob_query q;
		struct ob_buf where;
		struct ob_query_result *ra = NULL, *rr = NULL, *rl = NULL;
		struct ob_diag da, dr, dl;
		ob_err ea, er, el;
		const char *cat = label_of(rnd(2) ? OB_QD_ICCS : OB_QD_ICCS_DIVISION);
		const char *sex = label_of(OB_QD_SEX), *man = label_of(OB_QD_MANNER);

		memset(&q, 0, sizeof(q));
		q.dims[q.n_dims++] = reads[rnd(OB_ARRAY_SIZE(reads))];
		if (rnd(2))
			q.dims[q.n_dims++] = also[rnd(OB_ARRAY_SIZE(also))];
		q.n_row_dims = 1;
		q.threads = 1 + (int)rnd(2);
		q.records = rnd(2) == 0;
		q.keys = rnd(2) == 0;
		q.rules = rnd(3) == 0 ? rules : NULL;
		ob_buf_init(&where, 256);
		ob_buf_putf(&where, "iccs=%s", cat ? cat : "0101");
		if (man && (rnd(3) || !sex))
			ob_buf_putf(&where, " manner=%s", man);
		if (sex && rnd(2))
			ob_buf_putf(&where, " sex=%s", sex);
		q.where = where.ptr;
		ob_diag_clear(&da);
		ob_diag_clear(&dr);
		ob_diag_clear(&dl);
		ea = ob_query_run(an_agg, &q, &ra, &da);
		er = ob_query_run(an_rec, &q, &rr, &dr);
		el = ob_query_run(an_lost, &q, &rl, &dl);
		if (!same(ea, ra, er, rr, &q))
			fail_msg("«%s» (%zu dims, %s%s%s): the answer with runs skipped differs from "
			         "the records' (%d, %d)",
			         q.where, q.n_dims, q.records ? "records" : "victims",
			         q.keys ? ", keys" : "", q.rules ? ", rule" : "", (int)ea, (int)er);
		differ += !same(el, rl, er, rr, &q);
		ob_query_result_free(ra);
		ob_query_result_free(rr);
		ob_query_result_free(rl);
		ob_buf_release(&where);
	}
	if (!differ)
		fail_msg("masks that lose manners changed no answer in 200 questions");
	ob_counting_free(rules);
	ob_analyzer_free(an_lost);
}

/* The pre-aggregates of each category run add up to its records, and
 * those of the snapshot's file equal the ones derived again from its
 * columns. */
static void test_agg_sums(void **state)
{
	const struct ob_snap_derived *dv = snap->derived;
	struct ob_snap_derived again;
	uint64_t victims = 0;

	(void)state;
	for (uint64_t i = 0; i < dv->n_cat_runs; i++) {
		uint64_t rec = 0;
		for (uint32_t k = dv->agg_first[i]; k < dv->agg_first[i + 1]; k++) {
			rec += dv->agg[k].records;
			victims += dv->agg[k].victims;
			if (k > dv->agg_first[i])
				assert_true(dv->agg[k - 1].sex < dv->agg[k].sex ||
				            (dv->agg[k - 1].sex == dv->agg[k].sex &&
				             dv->agg[k - 1].manner < dv->agg[k].manner));
		}
		assert_int_equal(rec, dv->cat_start[i + 1] - dv->cat_start[i]);
	}
	assert_int_equal(victims, snap->victims);
	victims = 0;
	for (uint64_t i = 0; i < dv->n_cat_runs; i++) {
		uint64_t rec = 0;
		for (uint32_t k = dv->age_first[i]; k < dv->age_first[i + 1]; k++) {
			assert_true(dv->age_agg[k].age_group < OB_IND_AGE_GROUPS);
			rec += dv->age_agg[k].records;
			victims += dv->age_agg[k].victims;
		}
		assert_int_equal(rec, dv->cat_start[i + 1] - dv->cat_start[i]);
	}
	assert_int_equal(victims, snap->victims);
	snap_rec.derived = NULL; /* derived from the columns, as for deltas */
	ob_snap_derive(&snap_rec, &again);
	snap_rec.derived = &dv_rec;
	assert_int_equal(again.n_agg, dv->n_agg);
	assert_non_null(again.agg_first);
	assert_memory_equal(again.agg_first, dv->agg_first,
	                    (dv->n_cat_runs + 1) * sizeof(uint32_t));
	assert_memory_equal(again.agg, dv->agg, dv->n_agg * sizeof(struct ob_snap_agg));
	assert_int_equal(again.n_age_agg, dv->n_age_agg);
	assert_memory_equal(again.age_first, dv->age_first,
	                    (dv->n_cat_runs + 1) * sizeof(uint32_t));
	assert_memory_equal(again.age_agg, dv->age_agg,
	                    dv->n_age_agg * sizeof(struct ob_snap_agg));
	ob_snap_derived_release(&again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agg_sums),
		cmocka_unit_test(test_agg_against_records),
		cmocka_unit_test(test_run_skip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
