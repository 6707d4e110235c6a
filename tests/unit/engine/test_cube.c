/* test_cube.c - the pre-aggregates by country (snapshot format 7) against
 * the records they sum: random questions over the dimensions and filters
 * they hold (country, year, source, institution, category at any level,
 * sex, manner, age group, month, mechanism, place; whole countries; a few
 * others mixed in; counting victims or records, with or without keys,
 * under the counting rule or not), asked of an analyser that counts from
 * them and of one whose snapshot has no pre-aggregate at all (every
 * question counted from the records), must give the same answer cell by
 * cell. The test checks that it can fail: with one entry of each level
 * changed, some answer must differ. The store's rows stand for several
 * victims here. */
#include "test.h"

#include "base/buf.h"
#include "efixture.h"
#include "engine/indicators.h"
#include "engine/query.h"
#include "engine/query_impl.h"

static struct efix fx;
static struct ob_snapshot *snap;
static struct ob_population *pop;
/* the snapshot as loaded; the same without any pre-aggregate; the same
 * with one entry of each level by country changed (copies of the
 * snapshot's struct, sharing its columns) */
static struct ob_analyzer *an_cube, *an_rec, *an_bad, *an_part;
static struct ob_snapshot snap_rec, snap_bad, snap_part;
static struct ob_snap_derived dv_rec, dv_bad, dv_part;
static struct ob_snap_cube *cube_bad[OB_SNAP_CUBES];
static struct ob_counting *rules;

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

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

	(void)state;
	efix_open(&fx);
	efix_set_victims(fx.st);
	ob_diag_clear(&d);
	if (ob_snapshot_load(fx.st, fx.dir, &snap, NULL, &d) ||
	    ob_population_load(fx.st, snap, &pop, &d))
		fail_msg("load: %s", d.message);
	if (ob_counting_load(fx.dir, snap, NULL, &rules, &d))
		fail_msg("counting rules: %s", d.message);
	assert_true(snap->victims > snap->n);
	/* the file carries every level, fewer entries than records */
	assert_non_null(snap->derived);
	assert_non_null(snap->derived->cruns);
	for (int L = 0; L < OB_SNAP_CUBES; L++) {
		assert_non_null(snap->derived->cube[L]);
		assert_true(snap->derived->n_cube[L] > 0 && snap->derived->n_cube[L] < snap->n);
	}
	an_cube = ob_analyzer_new(snap, pop);
	assert_non_null(an_cube->cruns);

	snap_rec = *snap;
	dv_rec = *snap->derived;
	dv_rec.agg_first = dv_rec.age_first = NULL;
	dv_rec.agg = dv_rec.age_agg = NULL;
	dv_rec.n_agg = dv_rec.n_age_agg = 0;
	dv_rec.cruns = NULL;
	dv_rec.n_cruns = 0;
	snap_rec.derived = &dv_rec;
	an_rec = ob_analyzer_new(&snap_rec, pop);
	assert_null(an_rec->agg);
	assert_null(an_rec->cruns);

	/* in each level, an entry in the middle: one record and one victim
	 * more */
	snap_bad = *snap;
	dv_bad = *snap->derived;
	for (int L = 0; L < OB_SNAP_CUBES; L++) {
		uint64_t at = dv_bad.cube_first[L][dv_bad.n_cruns / 2];
		cube_bad[L] = ob_malloc(dv_bad.n_cube[L] * sizeof(struct ob_snap_cube));
		memcpy(cube_bad[L], dv_bad.cube[L], dv_bad.n_cube[L] * sizeof(struct ob_snap_cube));
		cube_bad[L][at].records++;
		cube_bad[L][at].victims++;
		dv_bad.cube[L] = cube_bad[L];
	}
	snap_bad.derived = &dv_bad;
	an_bad = ob_analyzer_new(&snap_bad, pop);

	/* without the levels by month and place and by manner, age group and
	 * month: their questions are counted from the other levels or from
	 * the records */
	snap_part = *snap;
	dv_part = *snap->derived;
	for (int L = 4; L < OB_SNAP_CUBES; L++) {
		dv_part.cube_first[L] = NULL;
		dv_part.cube[L] = NULL;
		dv_part.n_cube[L] = 0;
	}
	snap_part.derived = &dv_part;
	an_part = ob_analyzer_new(&snap_part, pop);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_analyzer_free(an_bad);
	ob_analyzer_free(an_part);
	ob_analyzer_free(an_rec);
	ob_analyzer_free(an_cube);
	for (int L = 0; L < OB_SNAP_CUBES; L++)
		free(cube_bad[L]);
	ob_counting_free(rules);
	ob_population_free(pop);
	ob_snapshot_close(snap);
	efix_close(&fx);
	return 0;
}

/* The dimensions the pre-aggregates by country hold, and a few they do
 * not (the question then takes the runs or the records, in both
 * analysers). */
static const enum ob_query_dim held[] = {
	OB_QD_COUNTRY,      OB_QD_YEAR,          OB_QD_YEAR,       OB_QD_ICCS_SECTION,
	OB_QD_ICCS_DIVISION, OB_QD_ICCS,         OB_QD_SEX,        OB_QD_SEX,
	OB_QD_MANNER,       OB_QD_SOURCE,        OB_QD_INSTITUTION, OB_QD_AGE_GROUP,
	OB_QD_MONTH,        OB_QD_MONTH,         OB_QD_MECHANISM,  OB_QD_PLACE,
};
static const enum ob_query_dim other[] = { OB_QD_ADMIN1, OB_QD_AGE, OB_QD_HOUR,
	                                   OB_QD_RELATIONSHIP, OB_QD_MINOR };

/* A label of dimension k other than "unknown" (NULL when it has none). */
static const char *label_of(enum ob_query_dim k)
{
	const struct dimmap *m = &an_cube->dim[k];

	for (int tries = 0; tries < 8 && m->n; tries++) {
		const char *l = m->label[rnd(m->n)];
		if (l && strcmp(l, "unknown") && !strchr(l, ' ') && !strchr(l, ','))
			return l;
	}
	return NULL;
}

/* A filter clause into where; false when it reads what the pre-aggregates
 * by country do not hold. */
static bool add_filter(struct ob_buf *where)
{
	static const struct {
		const char *name;
		enum ob_query_dim k;
	} by_label[] = {
		{ "country", OB_QD_COUNTRY },     { "iccs", OB_QD_ICCS },
		{ "iccs", OB_QD_ICCS_DIVISION },  { "sex", OB_QD_SEX },
		{ "manner", OB_QD_MANNER },       { "source", OB_QD_SOURCE },
		{ "institution", OB_QD_INSTITUTION }, { "age_group", OB_QD_AGE_GROUP },
		{ "mechanism", OB_QD_MECHANISM }, { "place", OB_QD_PLACE },
	};
	unsigned kind = rnd(OB_ARRAY_SIZE(by_label) + 4);
	const char *a, *b;

	if (kind < OB_ARRAY_SIZE(by_label)) {
		if (!(a = label_of(by_label[kind].k)))
			return true;
		b = rnd(3) ? NULL : label_of(by_label[kind].k);
		ob_buf_putf(where, " %s=%s%s%s", by_label[kind].name, a, b ? "," : "", b ? b : "");
		return true;
	}
	if (kind == OB_ARRAY_SIZE(by_label)) {
		int lo = an_cube->year_min + (int)rnd(4), hi = lo + (int)rnd(3);
		ob_buf_putf(where, " year=%d..%d", lo, hi);
		return true;
	}
	if (kind == OB_ARRAY_SIZE(by_label) + 1) {
		ob_buf_putf(where, " month=%u..%u", 1 + rnd(6), 7 + rnd(6));
		return true;
	}
	if (kind == OB_ARRAY_SIZE(by_label) + 2) {
		/* ages: whole age groups or not */
		static const char *const ages[] = { "18..29", "15..29", "20..40", "45+",
		                                    "0..14", "30..44", "10..20" };
		unsigned i = rnd(OB_ARRAY_SIZE(ages));
		ob_buf_putf(where, " age=%s", ages[i]);
		return i != 2 && i != 6;
	}
	if (rnd(2)) {
		/* a unit below a country: not whole countries */
		if ((a = label_of(OB_QD_ADMIN1)))
			ob_buf_putf(where, " admin1=%s", a);
		return !a;
	}
	ob_buf_putf(where, " hour=%u..%u", rnd(12), 12 + rnd(12));
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

/* Random questions: equal answers from the pre-aggregates by country and
 * from the records; the changed entries show in some answer. */
static void test_cube_against_records(void **state)
{
	const char *env = getenv("OBSERVA_QUERY_TESTS");
	long long n_queries = 600;
	size_t eligible = 0, differ_bad = 0;

	(void)state;
	if (env && !ob_parse_int(env, strlen(env), 1, 10000000, &n_queries))
		fail_msg("OBSERVA_QUERY_TESTS: %s", env);
	for (long long t = 0; t < n_queries; t++) {
		struct ob_query q;
		struct ob_buf where;
		struct ob_query_result *ra = NULL, *rr = NULL, *rb = NULL, *rp = NULL;
		struct ob_diag da, dr, db, dp;
		ob_err ea, er, eb, ep;
		bool in_cube = true;
		unsigned nf = rnd(4);
		size_t cells = 1;

		memset(&q, 0, sizeof(q));
		q.n_dims = rnd(4);
		for (size_t j = 0; j < q.n_dims; j++) {
			enum ob_query_dim k;
			bool dup;
			do {
				k = rnd(8) ? held[rnd(OB_ARRAY_SIZE(held))]
				           : other[rnd(OB_ARRAY_SIZE(other))];
				dup = false;
				for (size_t i = 0; i < j; i++)
					dup |= q.dims[i] == k;
			} while (dup);
			q.dims[j] = k;
			for (size_t i = 0; i < OB_ARRAY_SIZE(other); i++)
				in_cube &= k != other[i];
			cells *= ob_analyzer_values(an_cube, k);
			if (cells > 100000) {
				q.n_dims = j;
				break;
			}
		}
		q.n_row_dims = rnd((unsigned)q.n_dims + 1);
		q.threads = 1 + (int)rnd(2);
		q.records = rnd(3) == 0;
		q.keys = rnd(2) == 0;
		if (!q.records && rnd(2))
			q.rules = rules; /* else the victims of every source, summed */
		ob_buf_init(&where, 4096);
		ob_buf_puts(&where, "");
		for (unsigned f = 0; f < nf; f++)
			in_cube &= add_filter(&where);
		q.where = where.ptr ? where.ptr : "";
		eligible += in_cube;

		ob_diag_clear(&da);
		ob_diag_clear(&dr);
		ob_diag_clear(&db);
		ob_diag_clear(&dp);
		ea = ob_query_run(an_cube, &q, &ra, &da);
		er = ob_query_run(an_rec, &q, &rr, &dr);
		eb = ob_query_run(an_bad, &q, &rb, &db);
		ep = ob_query_run(an_part, &q, &rp, &dp);
		if (!same(ea, ra, er, rr, &q))
			fail_msg("«%s» (%zu dims, %s%s): the answer by country differs from the "
			         "records' (%d, %d)",
			         q.where, q.n_dims, q.records ? "records" : "victims",
			         q.keys ? ", keys" : "", (int)ea, (int)er);
		if (!same(ep, rp, er, rr, &q))
			fail_msg("«%s» (%zu dims, %s%s): the answer without the levels by month and "
			         "place differs from the records' (%d, %d)",
			         q.where, q.n_dims, q.records ? "records" : "victims",
			         q.keys ? ", keys" : "", (int)ep, (int)er);
		differ_bad += !same(eb, rb, er, rr, &q);
		ob_query_result_free(ra);
		ob_query_result_free(rr);
		ob_query_result_free(rb);
		ob_query_result_free(rp);
		ob_buf_release(&where);
	}
	if (eligible < (size_t)n_queries / 4)
		fail_msg("only %zu of %lld questions within the pre-aggregates by country",
		         eligible, n_queries);
	if (!differ_bad)
		fail_msg("a changed pre-aggregate changed no answer in %lld questions", n_queries);
}

/* Each level alone: an analyser holding only level L counts from it every
 * question reading its columns (all of them; or all but one, filtered,
 * by year or country; under the counting rule or not), and answers as
 * the records do; with one of its entries changed, some answer differs.
 * The cost of a question it counts is its entries. */
static void test_cube_each_level(void **state)
{
	static const char *const names[] = { "sex", "manner", "age_group",
		                             "month", "mechanism", "place" };
	static const enum ob_query_dim by_label[] = { OB_QD_SEX, OB_QD_MANNER, OB_QD_AGE_GROUP,
		                                      OB_QD_MONTH, OB_QD_MECHANISM, OB_QD_PLACE };
	struct ob_diag d;

	(void)state;
	ob_diag_clear(&d);
	for (int L = 0; L < OB_SNAP_CUBES; L++) {
		struct ob_snapshot s1 = *snap, s1_bad = *snap;
		struct ob_snap_derived dv1 = *snap->derived, dv1_bad;
		struct ob_analyzer *a1, *a1_bad;
		size_t differ = 0;

		for (int M = 0; M < OB_SNAP_CUBES; M++)
			if (M != L) {
				dv1.cube_first[M] = NULL;
				dv1.cube[M] = NULL;
				dv1.n_cube[M] = 0;
			}
		dv1.agg_first = dv1.age_first = NULL; /* not the category runs' */
		dv1.agg = dv1.age_agg = NULL;
		dv1.n_agg = dv1.n_age_agg = 0;
		dv1_bad = dv1;
		dv1_bad.cube[L] = cube_bad[L];
		s1.derived = &dv1;
		s1_bad.derived = &dv1_bad;
		a1 = ob_analyzer_new(&s1, pop);
		a1_bad = ob_analyzer_new(&s1_bad, pop);
		for (int v = 0; v < 8; v++) {
			struct ob_query q;
			struct ob_buf dims, where;
			struct ob_query_result *ra = NULL, *rr = NULL, *rb = NULL;
			struct ob_diag da, dr, db;
			ob_err ea, er, eb;

			memset(&q, 0, sizeof(q));
			ob_buf_init(&dims, 256);
			ob_buf_init(&where, 256);
			ob_buf_puts(&dims, "");
			int n_cols = 0;
			ob_buf_puts(&where, "");
			for (int j = 0; j < OB_SNAP_CUBE_COLS; j++) {
				uint8_t k = ob_snap_cube_cols[L][j];
				const char *l;
				if (k == OB_CUBE_NONE)
					continue;
				/* odd questions: the (v / 2)th column a filter, not a dimension */
				if (v % 2 && j == v / 2 && k == OB_CUBE_AGE_GROUP)
					ob_buf_puts(&where, "age=18..29");
				else if (v % 2 && j == v / 2 && k == OB_CUBE_MONTH)
					ob_buf_puts(&where, "month=1..6");
				else if (v % 2 && j == v / 2 && (l = label_of(by_label[k])))
					ob_buf_putf(&where, "%s=%s", names[k], l);
				else
					ob_buf_putf(&dims, "%s%s", n_cols++ ? "," : "", names[k]);
			}
			/* by year or country too, within OB_QUERY_MAX_DIMS */
			if (n_cols < OB_SNAP_CUBE_COLS)
				ob_buf_puts(&dims, v % 4 == 1 ? ",year" : ",country");
			assert_int_equal(ob_query_dims_parse(dims.ptr, "rows", q.dims, &q.n_dims, &d),
			                 OB_OK);
			q.n_row_dims = 1;
			q.keys = v % 3 == 0;
			q.records = v % 4 == 1;
			if (!q.records && v % 2)
				q.rules = rules;
			q.where = where.ptr;
			ob_diag_clear(&da);
			ob_diag_clear(&dr);
			ob_diag_clear(&db);
			if (v == 0) {
				/* the cost: the level's entries, not the records */
				struct ob_query_cost c1, cr;
				assert_int_equal(ob_query_cost(a1, &q, &c1, &da), OB_OK);
				assert_int_equal(ob_query_cost(an_rec, &q, &cr, &dr), OB_OK);
				assert_true(c1.from_level);
				assert_int_equal(c1.records, dv1.n_cube[L]);
				assert_false(cr.from_level);
				assert_int_equal(cr.records, snap->n);
				assert_int_equal(c1.cells, cr.cells);
			}
			ea = ob_query_run(a1, &q, &ra, &da);
			er = ob_query_run(an_rec, &q, &rr, &dr);
			eb = ob_query_run(a1_bad, &q, &rb, &db);
			assert_int_equal(ea, OB_OK);
			if (!same(ea, ra, er, rr, &q))
				fail_msg("level %d alone, by %s where «%s»: the answer differs from the "
				         "records'",
				         L, dims.ptr, where.ptr);
			differ += !same(eb, rb, er, rr, &q);
			ob_query_result_free(ra);
			ob_query_result_free(rr);
			ob_query_result_free(rb);
			ob_buf_release(&dims);
			ob_buf_release(&where);
		}
		if (!differ)
			fail_msg("level %d: a changed entry changed no answer", L);
		ob_analyzer_free(a1_bad);
		ob_analyzer_free(a1);
	}
}

/* Questions under the counting rule (its blocks filter by category,
 * manner, year and source), by the columns of each level: the same
 * answers from the pre-aggregates by country and from the records. */
static void test_cube_rules(void **state)
{
	static const char *const dims[][2] = {
		{ "year", "sex" },       { "month", "age_group" }, { "year", "mechanism" },
		{ "year", "place" },     { "month", "mechanism" }, { "month", "place" },
		{ "country", "month" },  { "source", "month" },
	};
	struct ob_diag d;

	(void)state;
	ob_diag_clear(&d);
	static const char *const wheres[] = { "", "sex=F", "age=18..29" };

	for (size_t i = 0; i < OB_ARRAY_SIZE(dims) * OB_ARRAY_SIZE(wheres); i++) {
		for (int keys = 0; keys < 2; keys++) {
			struct ob_query q;
			struct ob_query_result *ra = NULL, *rr = NULL;
			struct ob_diag da, dr;
			ob_err ea, er;

			memset(&q, 0, sizeof(q));
			ob_diag_clear(&da);
			ob_diag_clear(&dr);
			const char *const *dm = dims[i / OB_ARRAY_SIZE(wheres)];
			assert_int_equal(ob_query_dims_parse(dm[0], "rows", q.dims, &q.n_dims, &d), OB_OK);
			q.n_row_dims = q.n_dims;
			assert_int_equal(ob_query_dims_parse(dm[1], "cols", q.dims, &q.n_dims, &d), OB_OK);
			q.rules = rules;
			q.keys = keys;
			q.where = wheres[i % OB_ARRAY_SIZE(wheres)];
			ea = ob_query_run(an_cube, &q, &ra, &da);
			er = ob_query_run(an_rec, &q, &rr, &dr);
			assert_int_equal(ea, OB_OK);
			if (!same(ea, ra, er, rr, &q))
				fail_msg("%s by %s where «%s» under the counting rule: the answer by "
				         "country differs from the records'",
				         dm[0], dm[1], q.where);
			assert_string_equal(ra->counting, rr->counting);
			ob_query_result_free(ra);
			ob_query_result_free(rr);
		}
	}
}

/* Each level's entries add up, crun by crun, to the records of the crun,
 * every record once; those of the snapshot's file equal the ones derived
 * again from its columns. */
static void test_cube_sums(void **state)
{
	const struct ob_snap_derived *dv = snap->derived;
	struct ob_snap_derived again;

	(void)state;
	for (int L = 0; L < OB_SNAP_CUBES; L++) {
		uint64_t records = 0, victims = 0;
		for (uint64_t i = 0; i < dv->n_cruns; i++)
			for (uint32_t k = dv->cube_first[L][i]; k < dv->cube_first[L][i + 1]; k++) {
				records += dv->cube[L][k].records;
				victims += dv->cube[L][k].victims;
			}
		assert_int_equal(records, snap->n);
		assert_int_equal(victims, snap->victims);
	}
	snap_rec.derived = NULL; /* derived from the columns, as for deltas */
	ob_snap_derive(&snap_rec, &again);
	snap_rec.derived = &dv_rec;
	assert_int_equal(again.n_cruns, dv->n_cruns);
	assert_memory_equal(again.cruns, dv->cruns, dv->n_cruns * sizeof(struct ob_snap_crun));
	for (int L = 0; L < OB_SNAP_CUBES; L++) {
		assert_int_equal(again.n_cube[L], dv->n_cube[L]);
		assert_memory_equal(again.cube_first[L], dv->cube_first[L],
		                    (dv->n_cruns + 1) * sizeof(uint32_t));
		assert_memory_equal(again.cube[L], dv->cube[L],
		                    dv->n_cube[L] * sizeof(struct ob_snap_cube));
	}
	ob_snap_derived_release(&again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cube_sums),
		cmocka_unit_test(test_cube_rules),
		cmocka_unit_test(test_cube_each_level),
		cmocka_unit_test(test_cube_against_records),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
