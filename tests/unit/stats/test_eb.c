/* test_eb.c - neighbour lists and empirical-Bayes rates against spdep. */
#include "test.h"

#include <math.h>

#include "refcsv.h"
#include "stats/eb.h"
#include "stats/nb.h"

#define REL 1e-9
#define MAX_AREAS 32

struct areas {
	size_t n;
	char id[MAX_AREAS][8];
	double count[MAX_AREAS], pop[MAX_AREAS];
};

static void load_areas_from(struct areas *A, const char *file)
{
	struct refcsv t;

	refcsv_load(&t, file);
	assert_true(t.nrows <= MAX_AREAS);
	A->n = t.nrows;
	for (size_t r = 0; r < t.nrows; r++) {
		ob_strlcpy(A->id[r], refcsv_str(&t, r, "area_id"), sizeof(A->id[r]));
		A->count[r] = refcsv_num(&t, r, "count");
		A->pop[r] = refcsv_num(&t, r, "population");
	}
	refcsv_free(&t);
}

static void load_areas(struct areas *A)
{
	load_areas_from(A, "reference/spatial/areas.csv");
}

static size_t area_index(const struct areas *A, const char *id)
{
	for (size_t i = 0; i < A->n; i++)
		if (strcmp(A->id[i], id) == 0)
			return i;
	fail_msg("unknown area %s", id);
	return 0;
}

static void load_nb(const struct areas *A, const char *file, struct ob_nb *nb)
{
	struct refcsv t;
	size_t from[256], to[256];

	refcsv_load(&t, file);
	assert_true(t.nrows <= OB_ARRAY_SIZE(from));
	for (size_t r = 0; r < t.nrows; r++) {
		from[r] = area_index(A, refcsv_str(&t, r, "from"));
		to[r] = area_index(A, refcsv_str(&t, r, "to"));
	}
	assert_int_equal(ob_nb_from_edges(A->n, from, to, t.nrows, nb, NULL), OB_OK);
	assert_int_equal(nb->start[nb->n], t.nrows);
	refcsv_free(&t);
}

static void neighbour_lists(void **state)
{
	static const size_t from[] = { 0, 1, 1, 2, 3 }, to[] = { 1, 0, 2, 1, 1 };
	static const size_t self_f[] = { 0, 2 }, self_t[] = { 1, 2 };
	static const size_t dup_f[] = { 0, 1, 0 }, dup_t[] = { 1, 0, 1 };
	static const size_t far_f[] = { 0, 7 }, far_t[] = { 1, 0 };
	struct ob_nb nb;
	size_t bad = 99;
	(void)state;
	assert_int_equal(ob_nb_from_edges(4, from, to, 5, &nb, &bad), OB_OK);
	assert_int_equal(ob_nb_count(&nb, 0), 1);
	assert_int_equal(ob_nb_count(&nb, 1), 2);
	assert_int_equal(nb.idx[nb.start[1]], 0); /* sorted */
	assert_int_equal(nb.idx[nb.start[1] + 1], 2);
	assert_int_equal(ob_nb_count(&nb, 3), 1);
	assert_false(ob_nb_symmetric(&nb)); /* 3 -> 1 without 1 -> 3 */
	ob_nb_release(&nb);
	assert_int_equal(ob_nb_from_edges(4, from, to, 4, &nb, &bad), OB_OK);
	assert_true(ob_nb_symmetric(&nb));
	assert_int_equal(ob_nb_count(&nb, 3), 0); /* an island */
	ob_nb_release(&nb);
	assert_int_equal(ob_nb_from_edges(3, self_f, self_t, 2, &nb, &bad), OB_EINVAL);
	assert_int_equal(bad, 1);
	assert_null(nb.start);
	assert_int_equal(ob_nb_from_edges(3, dup_f, dup_t, 3, &nb, &bad), OB_EINVAL);
	assert_int_equal(bad, 2);
	assert_int_equal(ob_nb_from_edges(3, far_f, far_t, 2, &nb, &bad), OB_EINVAL);
	assert_int_equal(bad, 1);
	assert_int_equal(ob_nb_from_edges(OB_MAX_AREAS + 1, NULL, NULL, 0, &nb, &bad),
	                 OB_ETOOBIG);
	assert_int_equal(ob_nb_from_edges(2, NULL, NULL, 0, &nb, &bad), OB_OK);
	assert_int_equal(ob_nb_count(&nb, 0), 0);
	ob_nb_release(&nb);
}

static void global_against_spdep(void **state)
{
	struct areas A;
	struct refcsv t, p;
	struct ob_eb_global pp, pb;
	double est_p[MAX_AREAS], est_b[MAX_AREAS];
	unsigned fl[MAX_AREAS];
	(void)state;
	load_areas(&A);
	assert_int_equal(ob_eb_global(A.count, A.pop, A.n, OB_EB_POISSON, est_p, fl, &pp), OB_OK);
	assert_int_equal(ob_eb_global(A.count, A.pop, A.n, OB_EB_BINOMIAL, est_b, NULL, &pb),
	                 OB_OK);
	refcsv_load(&t, "reference/spatial/eb_global.csv");
	assert_int_equal(t.nrows, 20);
	assert_int_equal(t.nrows, A.n);
	for (size_t r = 0; r < t.nrows; r++) {
		assert_string_equal(refcsv_str(&t, r, "area_id"), A.id[r]);
		REF_CHECK(&t, r, "raw", A.count[r] / A.pop[r], REL, 0);
		REF_CHECK(&t, r, "raw_per_100k", 1e5 * A.count[r] / A.pop[r], REL, 0);
		REF_CHECK(&t, r, "eb_global_poisson", est_p[r], REL, 0);
		REF_CHECK(&t, r, "eb_global_poisson_per_100k", 1e5 * est_p[r], REL, 0);
		REF_CHECK(&t, r, "eb_global_binomial", est_b[r], REL, 0);
		assert_int_equal(fl[r], 0);
	}
	refcsv_free(&t);
	refcsv_load(&p, "reference/spatial/eb_global_parameters.csv");
	assert_int_equal(p.nrows, 4);
	for (size_t r = 0; r < p.nrows; r++) {
		const char *name = refcsv_str(&p, r, "parameter");
		double got = NAN;
		if (strcmp(name, "poisson_a_phi") == 0)
			got = pp.a;
		else if (strcmp(name, "poisson_b_gamma") == 0)
			got = pp.b;
		else if (strcmp(name, "binomial_s2") == 0)
			got = pb.s2;
		else if (strcmp(name, "binomial_b") == 0)
			got = pb.b;
		else
			fail_msg("unexpected parameter %s", name);
		REF_CHECK(&p, r, "value", got, REL, 0);
	}
	refcsv_free(&p);
	assert_int_equal(pp.used, 20);
	assert_true(pp.s2 == pb.s2);
}

static void local_against_spdep(const char *nbfile, const char *reffile, size_t rows)
{
	struct areas A;
	struct ob_nb nb;
	struct refcsv t, g;
	double est[MAX_AREAS], a[MAX_AREAS], m[MAX_AREAS];
	double estg[MAX_AREAS], ag[MAX_AREAS], mg[MAX_AREAS];
	unsigned fl[MAX_AREAS], flg[MAX_AREAS];

	load_areas(&A);
	load_nb(&A, nbfile, &nb);
	assert_int_equal(ob_eb_local(A.count, A.pop, &nb, OB_EB_LOCAL_SPDEP, est, a, m, fl),
	                 OB_OK);
	assert_int_equal(ob_eb_local(A.count, A.pop, &nb, OB_EB_LOCAL_GEODA, estg, ag, mg, flg),
	                 OB_OK);
	refcsv_load(&t, reffile);
	refcsv_load(&g, "reference/spatial/eb_global.csv");
	assert_int_equal(t.nrows, rows);
	assert_int_equal(t.nrows, A.n);
	for (size_t r = 0; r < t.nrows; r++) {
		bool island = ob_nb_count(&nb, r) == 0;
		assert_string_equal(refcsv_str(&t, r, "area_id"), A.id[r]);
		REF_CHECK(&t, r, "raw", A.count[r] / A.pop[r], REL, 0);
		/* a_i is clipped at 0: a zero in R is a zero here */
		REF_CHECK(&t, r, "a_local", a[r], REL, 0);
		REF_CHECK(&t, r, "m_local", m[r], REL, 0);
		REF_CHECK(&t, r, "a_local_geoda", ag[r], REL, 0);
		REF_CHECK(&t, r, "m_local_geoda", mg[r], REL, 0);
		if (isnan(refcsv_num(&t, r, "eb_local"))) {
			/* spdep's 0/0 (an island without cases): the global
			 * estimate, flagged */
			assert_true(island && A.count[r] == 0);
			assert_true(isnan(refcsv_num(&t, r, "eb_local_geoda")));
			REF_CHECK(&g, r, "eb_global_poisson", est[r], REL, 0);
			REF_CHECK(&g, r, "eb_global_poisson", estg[r], REL, 0);
			assert_int_equal(fl[r], OB_EB_ISLAND | OB_EB_GLOBAL_FALLBACK);
			assert_int_equal(flg[r], OB_EB_ISLAND | OB_EB_GLOBAL_FALLBACK);
		} else {
			assert_false(island);
			REF_CHECK(&t, r, "eb_local", est[r], REL, 0);
			REF_CHECK(&t, r, "eb_local_geoda", estg[r], REL, 0);
			assert_int_equal(fl[r], 0);
			assert_int_equal(flg[r], 0);
		}
	}
	refcsv_free(&g);
	refcsv_free(&t);
	ob_nb_release(&nb);
}

static void local_rook(void **state)
{
	(void)state;
	local_against_spdep("reference/spatial/neighbours_rook.csv",
	                    "reference/spatial/eb_local_rook.csv", 20);
}

static void local_island(void **state)
{
	(void)state;
	local_against_spdep("reference/spatial/neighbours_island.csv",
	                    "reference/spatial/eb_local_island.csv", 20);
}

/*
 * One variant against make_edge_cases.R: spdep's value wherever spdep gives
 * a number (0 for a neighbourhood without cases whose a_i > 0, the raw rate
 * of an island), the global estimate, flagged, only where it gives NaN; and
 * for an area of population 0, the mean of its neighbourhood.
 */
static void edge_variant(const struct areas *A, const struct ob_nb *nb, const struct refcsv *t,
                         enum ob_eb_local_variant v, unsigned *seen)
{
	const char *sfx = v == OB_EB_LOCAL_GEODA ? "_geoda" : "";
	double est[MAX_AREAS], a[MAX_AREAS], m[MAX_AREAS];
	unsigned fl[MAX_AREAS];
	char ce[32], ca[32], cm[32];

	snprintf(ce, sizeof(ce), "eb_local%s", sfx);
	snprintf(ca, sizeof(ca), "a_local%s", sfx);
	snprintf(cm, sizeof(cm), "m_local%s", sfx);
	assert_int_equal(ob_eb_local(A->count, A->pop, nb, v, est, a, m, fl), OB_OK);
	for (size_t r = 0; r < A->n; r++) {
		bool populated_neighbour = false, fallback;
		unsigned want = 0;

		assert_string_equal(refcsv_str(t, r, "area_id"), A->id[r]);
		assert_false(isnan(est[r]) || isnan(a[r]) || isnan(m[r]));
		for (size_t e = nb->start[r]; e < nb->start[r + 1]; e++)
			populated_neighbour |= A->pop[nb->idx[e]] > 0;
		if (!populated_neighbour)
			want |= OB_EB_ISLAND;
		if (A->pop[r] > 0) {
			REF_CHECK(t, r, "raw", A->count[r] / A->pop[r], REL, 0);
			REF_CHECK(t, r, ca, a[r], REL, 0);
			REF_CHECK(t, r, cm, m[r], REL, 0);
			fallback = isnan(refcsv_num(t, r, ce));
			if (!fallback)
				REF_CHECK(t, r, ce, est[r], REL, 0);
		} else {
			/* spdep refuses a population of 0: the neighbourhood's rate,
			 * or the global estimate where that is 0/0 */
			want |= OB_EB_NO_POPULATION;
			assert_true(refcsv_is_na(t, r, ce) && refcsv_is_na(t, r, "raw"));
			if (isnan(refcsv_num(t, r, cm))) {
				fallback = true;
				assert_true(m[r] == 0 && a[r] == 0);
			} else {
				REF_CHECK(t, r, cm, m[r], REL, 0);
				fallback = m[r] == 0 && a[r] == 0;
				if (!fallback)
					assert_true(est[r] == m[r]);
			}
		}
		if (fallback) {
			want |= OB_EB_GLOBAL_FALLBACK;
			REF_CHECK(t, r, "eb_global_poisson", est[r], REL, 0);
		}
		if (fl[r] != want)
			fail_msg("%s (%s): flags %u, expected %u", A->id[r], sfx, fl[r], want);
		seen[r] = fl[r];
	}
}

static void edge_against_spdep(const char *areas, const char *nbfile, const char *reffile,
                               size_t rows)
{
	struct areas A;
	struct ob_nb nb;
	struct refcsv t;
	unsigned fs[MAX_AREAS], fg[MAX_AREAS];

	load_areas_from(&A, areas);
	load_nb(&A, nbfile, &nb);
	refcsv_load(&t, reffile);
	assert_int_equal(t.nrows, rows);
	assert_int_equal(A.n, rows);
	edge_variant(&A, &nb, &t, OB_EB_LOCAL_SPDEP, fs);
	edge_variant(&A, &nb, &t, OB_EB_LOCAL_GEODA, fg);
	/* what the edge cases are there for */
	for (size_t r = 0; r < A.n; r++) {
		const char *id = A.id[r];
		double e = refcsv_num(&t, r, "eb_local");
		if (!strcmp(id, "G06")) {
			/* no case around, a_i > 0: spdep gives 0, GeoDa 0/0 */
			assert_true(e == 0 && refcsv_num(&t, r, "a_local") > 0);
			assert_int_equal(fs[r], 0);
			assert_int_equal(fg[r], OB_EB_GLOBAL_FALLBACK);
		} else if (!strcmp(id, "I1") || !strcmp(id, "Q1")) {
			/* islands with cases: their raw rate, as in spdep */
			assert_true(e == refcsv_num(&t, r, "raw") && e > 0);
			assert_int_equal(fs[r], OB_EB_ISLAND);
		} else if (!strcmp(id, "I2")) {
			assert_int_equal(fs[r], OB_EB_ISLAND | OB_EB_GLOBAL_FALLBACK);
		} else if (id[0] == 'Y') {
			assert_int_equal(fs[r], OB_EB_GLOBAL_FALLBACK);
		} else if (!strcmp(id, "P3") || !strcmp(id, "P4")) {
			assert_int_equal(fs[r], OB_EB_NO_POPULATION | OB_EB_ISLAND |
			                        OB_EB_GLOBAL_FALLBACK);
		} else if (!strcmp(id, "P1") || !strcmp(id, "P2")) {
			assert_int_equal(fs[r], OB_EB_NO_POPULATION);
		}
	}
	refcsv_free(&t);
	ob_nb_release(&nb);
}

static void edge_cases(void **state)
{
	(void)state;
	edge_against_spdep("reference/spatial/eb_edge_areas.csv",
	                   "reference/spatial/eb_edge_neighbours.csv",
	                   "reference/spatial/eb_edge_local.csv", 17);
}

static void edge_cases_population_0(void **state)
{
	(void)state;
	edge_against_spdep("reference/spatial/eb_edge_pop0_areas.csv",
	                   "reference/spatial/eb_edge_pop0_neighbours.csv",
	                   "reference/spatial/eb_edge_pop0_local.csv", 23);
}

/* Areas without population take no part and get the prior mean. */
static void zero_population(void **state)
{
	static const double count[] = { 5, 0, 12, 3, 0, 8 };
	static const double pop[] = { 10000, 0, 30000, 4000, 2500, 21000 };
	static const double count5[] = { 5, 12, 3, 0, 8 };
	static const double pop5[] = { 10000, 30000, 4000, 2500, 21000 };
	/* a path 0-1-2-3-4-5 */
	static const size_t from[] = { 0, 1, 1, 2, 2, 3, 3, 4, 4, 5 };
	static const size_t to[] = { 1, 0, 2, 1, 3, 2, 4, 3, 5, 4 };
	double est[6], est5[5], a[6], m[6];
	unsigned fl[6];
	struct ob_eb_global par, par5;
	struct ob_nb nb;
	(void)state;
	assert_int_equal(ob_eb_global(count, pop, 6, OB_EB_POISSON, est, fl, &par), OB_OK);
	assert_int_equal(ob_eb_global(count5, pop5, 5, OB_EB_POISSON, est5, NULL, &par5), OB_OK);
	assert_int_equal(par.used, 5);
	assert_true(par.b == par5.b && par.a == par5.a && par.s2 == par5.s2);
	assert_true(est[1] == par.b);
	assert_int_equal(fl[1], OB_EB_NO_POPULATION);
	for (size_t i = 0, k = 0; i < 6; i++) {
		assert_false(isnan(est[i]));
		if (i != 1)
			assert_true(est[i] == est5[k++]);
	}
	assert_int_equal(ob_nb_from_edges(6, from, to, 10, &nb, NULL), OB_OK);
	assert_int_equal(ob_eb_local(count, pop, &nb, OB_EB_LOCAL_SPDEP, est, a, m, fl), OB_OK);
	/* area 1: the mean of its neighbours 0 and 2 */
	assert_true(refcsv_close(m[1], (5.0 + 12) / (10000 + 30000), 1e-15, 0));
	assert_true(est[1] == m[1]);
	assert_int_equal(fl[1], OB_EB_NO_POPULATION);
	for (size_t i = 0; i < 6; i++)
		assert_false(isnan(est[i]) || isnan(a[i]) || isnan(m[i]));
	ob_nb_release(&nb);
}

/* A neighbourhood without cases falls back to the global estimate. */
static void no_cases_nearby(void **state)
{
	static const double count[] = { 0, 0, 0, 9, 14, 6 };
	static const double pop[] = { 3000, 1500, 2200, 20000, 31000, 12000 };
	/* 0-1, 1-2 and 3-4, 4-5: two components */
	static const size_t from[] = { 0, 1, 1, 2, 3, 4, 4, 5 };
	static const size_t to[] = { 1, 0, 2, 1, 4, 3, 5, 4 };
	double est[6], glob[6], m[6];
	unsigned fl[6];
	struct ob_nb nb;
	(void)state;
	assert_int_equal(ob_nb_from_edges(6, from, to, 8, &nb, NULL), OB_OK);
	assert_int_equal(ob_eb_global(count, pop, 6, OB_EB_POISSON, glob, NULL, NULL), OB_OK);
	assert_int_equal(ob_eb_local(count, pop, &nb, OB_EB_LOCAL_GEODA, est, NULL, m, fl), OB_OK);
	for (size_t i = 0; i < 3; i++) {
		assert_true(m[i] == 0);
		assert_int_equal(fl[i], OB_EB_GLOBAL_FALLBACK);
		assert_true(est[i] == glob[i] && est[i] > 0);
	}
	for (size_t i = 3; i < 6; i++)
		assert_int_equal(fl[i], 0);
	ob_nb_release(&nb);
}

static void refused_input(void **state)
{
	double est[3];
	const double ok_c[] = { 1, 2, 3 }, ok_p[] = { 100, 200, 300 };
	const double c_nopop[] = { 1, 2, 3 }, p_nopop[] = { 100, 0, 300 };
	const double c_neg[] = { 1, -2, 3 }, c_nan[] = { 1, NAN, 3 };
	const double c_big[] = { 1, 250, 3 }, p_zero[] = { 0, 0, 0 }, c_zero[] = { 0, 0, 0 };
	struct ob_nb nb;
	(void)state;
	assert_int_equal(ob_eb_global(ok_c, ok_p, 3, OB_EB_POISSON, est, NULL, NULL), OB_OK);
	assert_int_equal(ob_eb_global(c_nopop, p_nopop, 3, OB_EB_POISSON, est, NULL, NULL),
	                 OB_EINVAL);
	assert_int_equal(ob_eb_global(c_neg, ok_p, 3, OB_EB_POISSON, est, NULL, NULL), OB_EINVAL);
	assert_int_equal(ob_eb_global(c_nan, ok_p, 3, OB_EB_POISSON, est, NULL, NULL), OB_EINVAL);
	assert_int_equal(ob_eb_global(c_big, ok_p, 3, OB_EB_POISSON, est, NULL, NULL), OB_OK);
	assert_int_equal(ob_eb_global(c_big, ok_p, 3, OB_EB_BINOMIAL, est, NULL, NULL),
	                 OB_EINVAL);
	assert_int_equal(ob_eb_global(c_zero, p_zero, 3, OB_EB_POISSON, est, NULL, NULL),
	                 OB_EINVAL);
	assert_int_equal(ob_eb_global(ok_c, ok_p, 0, OB_EB_POISSON, est, NULL, NULL), OB_EINVAL);
	/* no events anywhere: every estimate is 0, no NaN */
	assert_int_equal(ob_eb_global(c_zero, ok_p, 3, OB_EB_POISSON, est, NULL, NULL), OB_OK);
	assert_true(est[0] == 0 && est[1] == 0 && est[2] == 0);
	assert_int_equal(ob_nb_from_edges(3, NULL, NULL, 0, &nb, NULL), OB_OK);
	assert_int_equal(ob_eb_local(c_neg, ok_p, &nb, OB_EB_LOCAL_SPDEP, est, NULL, NULL, NULL),
	                 OB_EINVAL);
	assert_int_equal(ob_eb_local(ok_c, ok_p, &nb, 7, est, NULL, NULL, NULL), OB_EINVAL);
	ob_nb_release(&nb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(neighbour_lists),
		cmocka_unit_test(global_against_spdep),
		cmocka_unit_test(local_rook),
		cmocka_unit_test(local_island),
		cmocka_unit_test(edge_cases),
		cmocka_unit_test(edge_cases_population_0),
		cmocka_unit_test(zero_population),
		cmocka_unit_test(no_cases_nearby),
		cmocka_unit_test(refused_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
