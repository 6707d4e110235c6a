/* test_sdc_sparse.c - the sparse algebraic check of disclosure control
 * (step 3 of publish/sdc.h) against the dense reference on hundreds of
 * random systems, then protection of random systems checked by a rank
 * computation written here: no cell that must stay unknown is determined. */
#include "test.h"

#include <math.h>

#include "base/rng.h"
#include "publish/sdc.h"

#define N_SYSTEMS 400
#define MAX_CELLS 40

/* A random system: a two-level tree table (a total, 2-4 regions of 1-3
 * districts each) by sex (both, women, men), a second table over the same
 * tree, links "first = second + a third cell" on some territories, and a
 * few free equations among random cells; counts small so that many cells
 * are suppressed. Hidden cells: the third cells of the links, at times. */
static void random_system(struct ob_sdc_system *y, struct ob_rng *r)
{
	long rp[1 + 4 + 12], cp[3] = { -1, 0, 0 };
	size_t nr = 1, first[2], rest;
	struct ob_sdc_table t[2];
	struct ob_diag d;
	size_t regions = 2 + (size_t)ob_rng_below(r, 3);

	rp[0] = -1;
	for (size_t g = 0; g < regions; g++) {
		size_t reg = nr, kids = 1 + (size_t)ob_rng_below(r, 3);
		rp[nr++] = 0;
		for (size_t k = 0; k < kids && kids > 1; k++)
			rp[nr++] = (long)reg;
	}
	ob_sdc_system_init(y);
	for (size_t k = 0; k < 2; k++) {
		struct ob_sdc_dim rows = { nr, rp }, cols = { 3, cp };

		assert_int_equal(ob_sdc_table_init(&t[k], &rows, &cols, 0, &d), OB_OK);
		for (size_t i = 0; i < nr; i++)
			for (size_t c = 1; c < 3; c++)
				if (ob_sdc_row_is_leaf(&t[k], i))
					assert_int_equal(ob_sdc_set(&t[k], i, c,
					                            (long long)ob_rng_below(r, 12)),
					                 OB_OK);
		assert_int_equal(ob_sdc_table_totals(&t[k], &d), OB_OK);
		assert_int_equal(ob_sdc_system_add_cells(y, nr * 3, 0, false, &first[k]), OB_OK);
		memcpy(y->value + first[k], t[k].value, nr * 3 * sizeof(*y->value));
		assert_int_equal(ob_sdc_system_add_table(y, &t[k], first[k]), OB_OK);
	}
	ob_sdc_system_links_begin(y);
	/* links: table 0 = table 1 + rest, cell by cell on some rows */
	assert_int_equal(ob_sdc_system_add_cells(y, nr * 3, 0, ob_rng_chance(r, 0.5), &rest),
	                 OB_OK);
	for (size_t i = 0; i < nr * 3; i++) {
		size_t parts[2] = { first[1] + i, rest + i };
		long long a = y->value[first[0] + i], b = y->value[first[1] + i];

		/* the rest's count makes the link true */
		if (a >= b) {
			assert_int_equal(ob_sdc_system_set(y, rest + i, a - b), OB_OK);
			if (ob_rng_chance(r, 0.6))
				assert_int_equal(ob_sdc_system_add_equation(y, first[0] + i, parts, 2),
				                 OB_OK);
		} else {
			assert_int_equal(ob_sdc_system_set(y, rest + i, 0), OB_OK);
		}
	}
	ob_sdc_table_release(&t[0]);
	ob_sdc_table_release(&t[1]);
}

/* A system of random equations over at most MAX_CELLS cells, some unknown. */
static void random_equations(struct ob_sdc_system *y, struct ob_rng *r)
{
	size_t n = 3 + (size_t)ob_rng_below(r, MAX_CELLS - 3);
	size_t neq = 1 + (size_t)ob_rng_below(r, n);

	ob_sdc_system_init(y);
	assert_int_equal(ob_sdc_system_add_cells(y, n, 0, false, NULL), OB_OK);
	for (size_t q = 0; q < neq; q++) {
		size_t parts[6], np = 0, total = (size_t)ob_rng_below(r, n);
		size_t want = 1 + (size_t)ob_rng_below(r, 5);

		while (np < want) {
			size_t c = (size_t)ob_rng_below(r, n);
			if (c != total)
				parts[np++] = c;
		}
		assert_int_equal(ob_sdc_system_add_equation(y, total, parts, np), OB_OK);
	}
	for (size_t i = 0; i < n; i++)
		if (ob_rng_chance(r, 0.4))
			y->status[i] = OB_SDC_PRIMARY;
}

/* The sparse check and the dense one find the same determined cells. */
static void sparse_matches_dense(void **state)
{
	struct ob_rng r;
	size_t determined = 0, unknowns = 0;
	(void)state;

	ob_rng_seed(&r, 20261205);
	for (size_t s = 0; s < N_SYSTEMS; s++) {
		struct ob_sdc_system y;
		struct ob_diag d;
		bool *a, *b;

		if (s % 2) {
			random_equations(&y, &r);
		} else {
			random_system(&y, &r);
			for (size_t i = 0; i < y.n; i++)
				if (y.status[i] == OB_SDC_SHOWN && ob_rng_chance(&r, 0.3))
					y.status[i] = OB_SDC_PRIMARY;
		}
		a = ob_calloc(y.n, sizeof(*a));
		b = ob_calloc(y.n, sizeof(*b));
		assert_int_equal(ob_sdc_system_determined(&y, true, a, &d), OB_OK);
		assert_int_equal(ob_sdc_system_determined(&y, false, b, &d), OB_OK);
		for (size_t i = 0; i < y.n; i++) {
			if (a[i] != b[i])
				fail_msg("system %zu, cell %zu: dense %d, sparse %d", s, i, a[i], b[i]);
			unknowns += y.status[i] != OB_SDC_SHOWN;
			determined += a[i];
		}
		free(a);
		free(b);
		ob_sdc_system_release(&y);
	}
	/* the systems are not trivial either way */
	assert_true(determined > unknowns / 20);
	assert_true(determined < unknowns - unknowns / 20);
}

/* ---- an independent check: echelon form in double precision ---- */

/* Row echelon form of m (rows x cols, partial pivoting): rows 0..rank-1
 * have their first non-zero entry at piv[i], increasing. Returns the rank. */
static size_t echelon(double *m, size_t rows, size_t cols, size_t *piv)
{
	size_t rank = 0;

	for (size_t c = 0; c < cols && rank < rows; c++) {
		size_t best = rank;
		for (size_t i = rank + 1; i < rows; i++)
			if (fabs(m[i * cols + c]) > fabs(m[best * cols + c]))
				best = i;
		if (fabs(m[best * cols + c]) < 1e-9)
			continue;
		for (size_t k = 0; k < cols; k++) {
			double tmp = m[rank * cols + k];
			m[rank * cols + k] = m[best * cols + k];
			m[best * cols + k] = tmp;
		}
		for (size_t i = rank + 1; i < rows; i++) {
			double f = m[i * cols + c] / m[rank * cols + c];
			for (size_t k = 0; k < cols; k++)
				m[i * cols + k] -= f * m[rank * cols + k];
		}
		piv[rank++] = c;
	}
	return rank;
}

/* The equations restricted to the unknown cells, in echelon form; col[i]
 * the column of unknown cell i. */
struct ech {
	double *m;
	size_t *piv, *col, rank, cols;
};

static void ech_build(struct ech *h, const struct ob_sdc_system *y)
{
	size_t rows = y->neq + 1;

	h->col = ob_malloc(y->n * sizeof(*h->col));
	h->cols = 0;
	for (size_t i = 0; i < y->n; i++)
		h->col[i] = y->status[i] != OB_SDC_SHOWN ? h->cols++ : SIZE_MAX;
	h->m = ob_calloc(rows * h->cols + 1, sizeof(*h->m));
	h->piv = ob_calloc(rows, sizeof(*h->piv));
	for (size_t q = 0; q < y->neq; q++)
		for (size_t k = y->eq_first[q]; k < y->eq_first[q + 1]; k++)
			if (h->col[y->eq_cell[k]] != SIZE_MAX)
				h->m[q * h->cols + h->col[y->eq_cell[k]]] += y->eq_coef[k];
	h->rank = echelon(h->m, y->neq, h->cols, h->piv);
}

/* Is unknown cell x determined: does its unit vector reduce to zero
 * against the echelon rows (adding it leaves the rank unchanged)? */
static bool ech_determined(const struct ech *h, size_t x)
{
	double *v = ob_calloc(h->cols + 1, sizeof(*v));
	bool zero = true;

	v[h->col[x]] = 1;
	for (size_t i = 0; i < h->rank; i++) {
		const double *row = h->m + i * h->cols;
		double f = v[h->piv[i]] / row[h->piv[i]];
		if (fabs(v[h->piv[i]]) < 1e-9)
			continue;
		for (size_t k = 0; k < h->cols; k++)
			v[k] -= f * row[k];
	}
	for (size_t k = 0; k < h->cols; k++)
		zero &= fabs(v[k]) < 1e-9;
	free(v);
	return zero;
}

static void ech_free(struct ech *h)
{
	free(h->m);
	free(h->piv);
	free(h->col);
}

/* Protected random systems: no suppressed cell, and no small hidden one,
 * is determined; the sparse check never needed the fallback. */
static void protection_holds(void **state)
{
	struct ob_sdc_config cfg;
	struct ob_rng r;
	size_t guarded = 0, secondary = 0;
	(void)state;

	ob_sdc_config_default(&cfg);
	ob_rng_seed(&r, 5122026);
	for (size_t s = 0; s < N_SYSTEMS / 2; s++) {
		struct ob_sdc_system y;
		struct ob_sdc_stats st;
		struct ob_diag d;
		struct ech h;

		random_system(&y, &r);
		assert_int_equal(ob_sdc_system_protect(&y, &cfg, &st, &d), OB_OK);
		ech_build(&h, &y);
		assert_false(st.algebra_tables_only);
		secondary += st.secondary;
		for (size_t i = 0; i < y.n; i++) {
			bool small = y.value[i] < cfg.rule[OB_SDC_RULE_GENERAL].min_count &&
			             y.value[i] > 0;
			bool must = y.hidden[i] ? small
			                        : y.status[i] != OB_SDC_SHOWN;

			if (!y.hidden[i])
				assert_int_equal(y.status[i] == OB_SDC_PRIMARY, small);
			if (!must)
				continue;
			guarded++;
			if (ech_determined(&h, i))
				fail_msg("system %zu: cell %zu (count %lld) is determined", s, i,
				         y.value[i]);
		}
		ech_free(&h);
		ob_sdc_system_release(&y);
	}
	assert_true(guarded > 0);
	assert_true(secondary > 0);
}

/* A block of thousands of unknown cells (a three-level tree of 1,000
 * regions of 2 districts, by sex, small counts: the regions are small too,
 * and the country's equations tie them into one block) is checked whole. */
static void large_block(void **state)
{
	enum { REGIONS = 1000, DISTRICTS = 2 };
	size_t nr = 1 + REGIONS + REGIONS * DISTRICTS;
	long *rp = ob_malloc(nr * sizeof(*rp)), cp[3] = { -1, 0, 0 };
	struct ob_sdc_dim rows = { nr, rp }, cols = { 3, cp };
	struct ob_sdc_config cfg;
	struct ob_sdc_table t;
	struct ob_sdc_stats st;
	struct ob_diag d;
	struct ob_rng r;
	size_t at = 1 + REGIONS;
	(void)state;

	rp[0] = -1;
	for (size_t g = 0; g < REGIONS; g++) {
		rp[1 + g] = 0;
		for (size_t k = 0; k < DISTRICTS; k++)
			rp[at++] = (long)(1 + g);
	}
	ob_rng_seed(&r, 77);
	ob_sdc_config_default(&cfg);
	assert_int_equal(ob_sdc_table_init(&t, &rows, &cols, 0, &d), OB_OK);
	for (size_t i = 1 + REGIONS; i < nr; i++)
		for (size_t c = 1; c < 3; c++)
			assert_int_equal(ob_sdc_set(&t, i, c, (long long)ob_rng_below(&r, 3)), OB_OK);
	assert_int_equal(ob_sdc_protect(&t, &cfg, &st, &d), OB_OK);
	print_message("largest block: %zu unknown cells; %zu blocks eliminated, %zu kept, "
	              "%zu rounds\n", st.algebra_largest, st.algebra_blocks,
	              st.algebra_blocks_kept, st.algebra_rounds);
	assert_true(st.algebra_largest > 2000);
	ob_sdc_table_release(&t);
	free(rp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sparse_matches_dense),
		cmocka_unit_test(protection_holds),
		cmocka_unit_test(large_block),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
