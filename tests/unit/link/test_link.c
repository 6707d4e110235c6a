/* test_link.c - a whole linkage on the toy files: matches, explanations, threads, dedupe, errors. */
#include "test.h"

#include <math.h>

#include "link/link.h"
#include "stats/refcsv.h"

/* The toy files with person-record defaults: given name, double surname,
 * year of birth, sex and municipality. */
static const char *const cols[] = { "nombre1", "apellido1", "apellido2", "anio_nac", "sexo",
                                    "municipio" };

static void spec(struct ob_link_field f[6])
{
	static const enum ob_link_kind kinds[] = { OB_LINK_GIVEN, OB_LINK_SURNAME1,
	                                           OB_LINK_SURNAME2, OB_LINK_NUMBER,
	                                           OB_LINK_CODE, OB_LINK_TERRITORY };
	for (int k = 0; k < 6; k++) {
		memset(&f[k], 0, sizeof(f[k]));
		ob_strlcpy(f[k].name, cols[k], sizeof(f[k].name));
		f[k].kind = kinds[k];
		ob_link_field_defaults(&f[k]);
	}
}

static void load(struct ob_link_records *r, const char *file, uint16_t src, char person[][8],
                 size_t *np)
{
	struct refcsv t;
	refcsv_load(&t, file);
	for (size_t row = 0; row < t.nrows; row++) {
		struct ob_link_text v[OB_MAX_LINK_FIELDS] = { { 0 } };
		const char *id = refcsv_str(&t, row, "rec_id");
		for (int k = 0; k < 6; k++) {
			v[k].s = refcsv_is_na(&t, row, cols[k]) ? NULL : refcsv_str(&t, row, cols[k]);
			v[k].n = v[k].s ? strlen(v[k].s) : 0;
		}
		assert_int_equal(ob_link_records_add(r, src, id, strlen(id), v, file), OB_OK);
		ob_strlcpy(person[(*np)++], refcsv_str(&t, row, "true_person"), 8);
	}
	refcsv_free(&t);
}

/* Records of the toy: one source each (linkage) or one source for both. */
static void toy(struct ob_link_records *r, bool one_source, char person[][8])
{
	struct ob_link_field f[6];
	struct ob_diag d;
	uint16_t a, b;
	size_t np = 0;

	spec(f);
	assert_int_equal(ob_link_records_init(r, f, 6, &d), OB_OK);
	assert_int_equal(ob_link_records_add_source(r, "a", &a), OB_OK);
	if (one_source)
		b = a;
	else
		assert_int_equal(ob_link_records_add_source(r, "b", &b), OB_OK);
	load(r, "reference/linkage/toy_file_a_police.csv", a, person, &np);
	load(r, "reference/linkage/toy_file_b_forensic.csv", b, person, &np);
	assert_int_equal(np, 56);
	assert_int_equal(r->nfields, 7); /* the surnames' order is added */
}

/* The person-record defaults of link.md, written as rules. */
static size_t rules(struct ob_block_rule *rule)
{
	memset(rule, 0, 3 * sizeof(*rule));
	ob_strlcpy(rule[0].text, "apellido1:key, nombre1:key", sizeof(rule[0].text));
	rule[0].nterms = 2;
	rule[0].term[0] = (struct ob_block_term){ 1, OB_BLOCK_KEY, 0 };
	rule[0].term[1] = (struct ob_block_term){ 0, OB_BLOCK_KEY, 0 };
	ob_strlcpy(rule[1].text, "nombre1:key, apellido2:key", sizeof(rule[1].text));
	rule[1].nterms = 2;
	rule[1].term[0] = (struct ob_block_term){ 0, OB_BLOCK_KEY, 0 };
	rule[1].term[1] = (struct ob_block_term){ 2, OB_BLOCK_KEY, 0 };
	ob_strlcpy(rule[2].text, "apellido1:keys, nombre1:initial", sizeof(rule[2].text));
	rule[2].nterms = 2;
	rule[2].term[0] = (struct ob_block_term){ 1, OB_BLOCK_KEYS, 0 };
	rule[2].term[1] = (struct ob_block_term){ 0, OB_BLOCK_INITIAL, 0 };
	return 3;
}

static int seen_candidates;
static int count_candidates(void *ctx, const struct ob_blocking *b)
{
	(void)ctx;
	seen_candidates = (int)b->total;
	return 0;
}

static void toy_linkage(void **state)
{
	struct ob_link_records r;
	struct ob_block_rule rule[3];
	struct ob_link_options o;
	struct ob_link_result res;
	struct ob_diag d;
	char person[56][8];
	size_t nr = rules(rule), true_joined = 0;
	(void)state;

	toy(&r, false, person);
	ob_link_options_defaults(&o);
	o.threads = 1;
	o.on_candidates = count_candidates;
	assert_int_equal(ob_link_run(&r, rule, nr, &o, &res, &d), OB_OK);
	assert_true(seen_candidates > 20 && (uint64_t)seen_candidates == res.blocking.total);
	assert_true(res.u_exhaustive);
	assert_int_equal(res.total_pairs, 30 * 26);
	assert_int_equal(res.u_drawn, 780);
	assert_true(res.em_converged);
	assert_true(res.model.lambda > 0 && res.model.lambda < 0.1);
	/* every record has a cluster; every true pair is together, nothing else */
	for (size_t i = 0; i < r.n; i++) {
		for (size_t j = i + 1; j < r.n; j++) {
			bool same = res.clusters.cluster[i] == res.clusters.cluster[j];
			bool truth = !strcmp(person[i], person[j]);
			if (same != truth)
				fail_msg("%s-%s: together %d, same person %d", ob_link_record_id(&r, i),
				         ob_link_record_id(&r, j), same, truth);
			true_joined += same;
		}
	}
	assert_int_equal(true_joined, 20);
	/* every kept pair: its explanation adds up to its weight and probability */
	for (size_t k = 0; k < res.npairs; k++) {
		const struct ob_link_pair *q = &res.pair[k];
		struct ob_link_cmp cmp;
		struct ob_fs_score sc;
		double sum = 0;
		ob_link_explain(&r, &res, q->i, q->j, &cmp, &sc);
		for (size_t f = 0; f < r.nfields; f++)
			sum += sc.contrib[f];
		assert_true(fabs(sc.weight - q->weight) < 1e-9);
		assert_true(fabs(sum - q->weight) < 1e-9);
		assert_true(fabs(sc.probability - q->probability) < 1e-12);
		assert_true(q->probability >= o.report_min);
		assert_int_equal(q->cluster_same,
		                 res.clusters.cluster[q->i] == res.clusters.cluster[q->j]);
		assert_true(q->i < q->j && r.source[q->i] != r.source[q->j]);
	}
	ob_link_result_release(&res);
	ob_link_records_release(&r);
}

/* The same run on 1 and on 4 threads gives the same model, pairs and clusters. */
static void threads_do_not_matter(void **state)
{
	struct ob_link_records r;
	struct ob_block_rule rule[3];
	struct ob_link_options o;
	struct ob_link_result r1, r4;
	struct ob_diag d;
	char person[56][8];
	size_t nr = rules(rule);
	(void)state;

	toy(&r, false, person);
	ob_link_options_defaults(&o);
	o.u_pairs = 300; /* fewer than all pairs: drawn at random, seeded */
	o.threads = 1;
	assert_int_equal(ob_link_run(&r, rule, nr, &o, &r1, &d), OB_OK);
	o.threads = 4;
	assert_int_equal(ob_link_run(&r, rule, nr, &o, &r4, &d), OB_OK);
	assert_false(r1.u_exhaustive);
	assert_int_equal(r1.u_drawn, 300);
	assert_memory_equal(&r1.model, &r4.model, sizeof(r1.model));
	assert_int_equal(r1.npairs, r4.npairs);
	assert_memory_equal(r1.pair, r4.pair, r1.npairs * sizeof(*r1.pair));
	assert_memory_equal(r1.clusters.cluster, r4.clusters.cluster, r.n * sizeof(uint32_t));
	ob_link_result_release(&r4);
	/* another seed draws other pairs */
	o.seed = 99;
	assert_int_equal(ob_link_run(&r, rule, nr, &o, &r4, &d), OB_OK);
	assert_memory_not_equal(r1.model.u, r4.model.u, sizeof(r1.model.u));
	ob_link_result_release(&r1);
	ob_link_result_release(&r4);
	ob_link_records_release(&r);
}

/* Both files as one source: deduplication finds the same people. */
static void dedupe(void **state)
{
	struct ob_link_records r;
	struct ob_block_rule rule[3];
	struct ob_link_options o;
	struct ob_link_result res;
	struct ob_diag d;
	char person[56][8];
	size_t nr = rules(rule), joined = 0, wrong = 0;
	(void)state;

	toy(&r, true, person);
	ob_link_options_defaults(&o);
	o.across = false;
	o.within = true;
	assert_int_equal(ob_link_run(&r, rule, nr, &o, &res, &d), OB_OK);
	assert_int_equal(res.total_pairs, 56 * 55 / 2);
	assert_true(res.u_exhaustive);
	assert_int_equal(res.u_drawn, 56 * 55 / 2); /* every pair once */
	for (size_t i = 0; i < r.n; i++) {
		for (size_t j = i + 1; j < r.n; j++) {
			if (res.clusters.cluster[i] != res.clusters.cluster[j])
				continue;
			joined++;
			wrong += strcmp(person[i], person[j]) != 0;
		}
	}
	/* all 20 true pairs; and, since one file has no "one record per source"
	 * to stop a chain, the toy's three namesake traps chain in: A01-B01-B31
	 * (JOSE RODRIGUEZ PEREZ born 1988 and 1991), A02-B02-B32 (MARIA GOMEZ)
	 * and A03-B03-A23 (JUAN MARTINEZ GARCIA / JUAN GARCIA MARTINEZ), two
	 * wrong pairs each. Linkage of the two files (toy_linkage) keeps them
	 * apart. */
	assert_int_equal(joined - wrong, 20);
	assert_int_equal(wrong, 6);
	ob_link_result_release(&res);
	ob_link_records_release(&r);
}

static void other_em_flavours(void **state)
{
	struct ob_link_records r;
	struct ob_block_rule rule[3];
	struct ob_link_options o;
	struct ob_link_result res;
	struct ob_diag d;
	char person[56][8];
	size_t nr = rules(rule);
	(void)state;

	toy(&r, false, person);
	ob_link_options_defaults(&o);
	o.em = OB_LINK_EM_PLAIN;
	assert_int_equal(ob_link_run(&r, rule, nr, &o, &res, &d), OB_OK);
	assert_true(res.matches >= 18);
	ob_link_result_release(&res);
	o.em = OB_LINK_EM_FASTLINK;
	o.assign = OB_ASSIGN_OPTIMAL;
	assert_int_equal(ob_link_run(&r, rule, nr, &o, &res, &d), OB_OK);
	assert_true(res.clusters.optimal_components > 0);
	ob_link_result_release(&res);
	ob_link_records_release(&r);
}

/* Many records in one source and two in the other: the u estimate visits
 * the allowed pairs only (2 x 3000), within and across. */
static void lopsided_sources(void **state)
{
	struct ob_link_field f[1];
	struct ob_link_records r;
	struct ob_block_rule rule;
	struct ob_link_options o;
	struct ob_link_result res;
	struct ob_diag d;
	uint16_t a, b;
	(void)state;
	memset(f, 0, sizeof(f));
	ob_strlcpy(f[0].name, "nombre", sizeof(f[0].name));
	f[0].kind = OB_LINK_GIVEN;
	ob_link_field_defaults(&f[0]);
	assert_int_equal(ob_link_records_init(&r, f, 1, &d), OB_OK);
	assert_int_equal(ob_link_records_add_source(&r, "a", &a), OB_OK);
	assert_int_equal(ob_link_records_add_source(&r, "b", &b), OB_OK);
	for (int i = 0; i < 3002; i++) {
		static const char *const names[] = { "ANA", "LUIS", "JUAN", "ROSA", "PEDRO" };
		struct ob_link_text v = { names[i % 5], strlen(names[i % 5]), NULL, 0 };
		assert_int_equal(ob_link_records_add(&r, i < 3000 ? a : b, "x", 1, &v, "t"), OB_OK);
	}
	memset(&rule, 0, sizeof(rule));
	ob_strlcpy(rule.text, "nombre", sizeof(rule.text));
	rule.nterms = 1;
	rule.term[0] = (struct ob_block_term){ 0, OB_BLOCK_EXACT, 0 };
	ob_link_options_defaults(&o);
	o.u_pairs = 10000;
	assert_int_equal(ob_link_run(&r, &rule, 1, &o, &res, &d), OB_OK);
	assert_true(res.u_exhaustive);
	assert_int_equal(res.u_drawn, 6000);
	/* a fifth of the pairs agree on the name; no pair agrees partly, so that
	 * level gets the floor 1/(2K) and the three are renormalised */
	assert_true(fabs(res.model.u[0][2] - 0.2 / (1 + 0.5 / 6000)) < 1e-12);
	assert_true(fabs(res.model.u[0][1] - (0.5 / 6000) / (1 + 0.5 / 6000)) < 1e-12);
	ob_link_result_release(&res);
	ob_link_records_release(&r);
}

static int stop(void *ctx, const struct ob_blocking *b)
{
	(void)ctx;
	(void)b;
	return 1;
}

static void refusals(void **state)
{
	struct ob_link_records r;
	struct ob_block_rule rule[3], none;
	struct ob_link_options o;
	struct ob_link_result res;
	struct ob_diag d;
	char person[56][8];
	size_t nr = rules(rule);
	(void)state;

	toy(&r, false, person);
	ob_link_options_defaults(&o);
	o.threshold = 1.5;
	assert_int_equal(ob_link_run(&r, rule, nr, &o, &res, &d), OB_EINVAL);
	ob_link_options_defaults(&o);
	o.on_candidates = stop;
	assert_int_equal(ob_link_run(&r, rule, nr, &o, &res, &d), OB_EINTERRUPTED);
	ob_link_options_defaults(&o);
	/* a rule nobody satisfies: the second surname's initial... of nothing */
	memset(&none, 0, sizeof(none));
	ob_strlcpy(none.text, "anio_nac:within 0, nombre1, apellido2", sizeof(none.text));
	none.nterms = 3;
	none.term[0] = (struct ob_block_term){ 3, OB_BLOCK_WITHIN, 0 };
	none.term[1] = (struct ob_block_term){ 0, OB_BLOCK_EXACT, 0 };
	none.term[2] = (struct ob_block_term){ 2, OB_BLOCK_EXACT, 0 };
	o.across = false; /* within sources only, where nobody is entered twice */
	o.within = true;
	assert_int_equal(ob_link_run(&r, &none, 1, &o, &res, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "ningún par"));
	ob_link_records_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(toy_linkage),
		cmocka_unit_test(threads_do_not_matter),
		cmocka_unit_test(dedupe),
		cmocka_unit_test(other_em_flavours),
		cmocka_unit_test(lopsided_sources),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
