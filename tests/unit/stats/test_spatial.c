/* test_spatial.c - Getis-Ord Gi/Gi*, local and global Moran's I against spdep. */
#include "test.h"

#include <math.h>

#include "refcsv.h"
#include "stats/nb.h"
#include "stats/spatial.h"

#define REL 1e-9
#define MAX_AREAS 32

struct areas {
	size_t n;
	char id[MAX_AREAS][8];
	double x[MAX_AREAS]; /* rate per 100,000 */
};

static void load_areas(struct areas *A)
{
	struct refcsv t;

	refcsv_load(&t, "reference/spatial/areas.csv");
	assert_true(t.nrows <= MAX_AREAS);
	A->n = t.nrows;
	for (size_t r = 0; r < t.nrows; r++) {
		ob_strlcpy(A->id[r], refcsv_str(&t, r, "area_id"), sizeof(A->id[r]));
		A->x[r] = 1e5 * refcsv_num(&t, r, "count") / refcsv_num(&t, r, "population");
	}
	refcsv_free(&t);
}

static size_t area_index(const struct areas *A, const char *id)
{
	for (size_t i = 0; i < A->n; i++)
		if (strcmp(A->id[i], id) == 0)
			return i;
	fail_msg("unknown area %s", id);
	return 0;
}

static void load_nb(const struct areas *A, const char *variant, struct ob_nb *nb)
{
	struct refcsv t;
	size_t from[256], to[256];
	char path[128];

	snprintf(path, sizeof(path), "reference/spatial/neighbours_%s.csv", variant);
	refcsv_load(&t, path);
	assert_true(t.nrows <= OB_ARRAY_SIZE(from));
	for (size_t r = 0; r < t.nrows; r++) {
		from[r] = area_index(A, refcsv_str(&t, r, "from"));
		to[r] = area_index(A, refcsv_str(&t, r, "to"));
	}
	assert_int_equal(ob_nb_from_edges(A->n, from, to, t.nrows, nb, NULL), OB_OK);
	refcsv_free(&t);
}

static enum ob_weights_style style_of(const char *s)
{
	if (strcmp(s, "B") == 0)
		return OB_WEIGHTS_B;
	assert_string_equal(s, "W");
	return OB_WEIGHTS_W;
}

/* An undefined z in spdep (NaN) is flagged here, with z = 0 and p = 1. */
static void check_z(const struct refcsv *t, size_t r, const char *zcol, const char *pcol,
                    double z, double p, unsigned flags)
{
	if (isnan(refcsv_num(t, r, zcol))) {
		assert_true(isnan(refcsv_num(t, r, pcol)));
		assert_true(flags & OB_SPATIAL_UNDEFINED);
		assert_true(z == 0 && p == 1);
	} else {
		assert_false(flags & OB_SPATIAL_UNDEFINED);
		REF_CHECK(t, r, zcol, z, REL, 0);
		REF_CHECK(t, r, pcol, p, REL, 0);
	}
}

static void local_g(const char *variant)
{
	struct areas A;
	struct ob_nb nb;
	struct refcsv t;
	char path[128];

	load_areas(&A);
	load_nb(&A, variant, &nb);
	snprintf(path, sizeof(path), "reference/spatial/localG_%s.csv", variant);
	refcsv_load(&t, path);
	assert_int_equal(t.nrows, 4 * A.n);
	for (size_t r = 0; r < t.nrows; r++) {
		struct ob_local_g g[MAX_AREAS];
		size_t i = area_index(&A, refcsv_str(&t, r, "area_id"));
		const char *stat = refcsv_str(&t, r, "statistic");
		bool star = strcmp(stat, "Gstar") == 0;

		assert_true(star || strcmp(stat, "G") == 0);
		assert_int_equal(ob_local_g(A.x, &nb, star,
		                            style_of(refcsv_str(&t, r, "weights_style")), g),
		                 OB_OK);
		REF_CHECK(&t, r, "x", A.x[i], REL, 0);
		REF_CHECK(&t, r, "G", g[i].g, REL, 0);
		REF_CHECK(&t, r, "EG", g[i].eg, REL, 0);
		REF_CHECK(&t, r, "VG", g[i].vg, REL, 0);
		check_z(&t, r, "z", "p_two_sided", g[i].z, g[i].p, g[i].flags);
		assert_int_equal(!!(g[i].flags & OB_SPATIAL_ISLAND), ob_nb_count(&nb, i) == 0);
		/* only Gi of an island is undefined here */
		assert_int_equal(!!(g[i].flags & OB_SPATIAL_UNDEFINED),
		                 !star && ob_nb_count(&nb, i) == 0);
	}
	refcsv_free(&t);
	ob_nb_release(&nb);
}

static void local_g_rook(void **state)
{
	(void)state;
	local_g("rook");
}

static void local_g_island(void **state)
{
	(void)state;
	local_g("island");
}

static void local_moran(const char *variant)
{
	struct areas A;
	struct ob_nb nb;
	struct refcsv t;
	char path[128];

	load_areas(&A);
	load_nb(&A, variant, &nb);
	snprintf(path, sizeof(path), "reference/spatial/localmoran_%s.csv", variant);
	refcsv_load(&t, path);
	assert_int_equal(t.nrows, 2 * A.n);
	for (size_t r = 0; r < t.nrows; r++) {
		struct ob_local_moran lm[MAX_AREAS];
		size_t i = area_index(&A, refcsv_str(&t, r, "area_id"));

		assert_int_equal(ob_local_moran(A.x, &nb, OB_WEIGHTS_W,
		                                refcsv_bool(&t, r, "conditional"), lm),
		                 OB_OK);
		REF_CHECK(&t, r, "x", A.x[i], REL, 0);
		REF_CHECK(&t, r, "Ii", lm[i].ii, REL, 0);
		REF_CHECK(&t, r, "E_Ii", lm[i].e_ii, REL, 0);
		REF_CHECK(&t, r, "Var_Ii", lm[i].var_ii, REL, 0);
		check_z(&t, r, "Z_Ii", "p_two_sided", lm[i].z, lm[i].p, lm[i].flags);
		assert_string_equal(ob_quadrant_name(lm[i].quadrant),
		                    refcsv_str(&t, r, "quadrant_mean"));
		assert_int_equal(!!(lm[i].flags & OB_SPATIAL_ISLAND), ob_nb_count(&nb, i) == 0);
	}
	refcsv_free(&t);
	ob_nb_release(&nb);
}

static void local_moran_rook(void **state)
{
	(void)state;
	local_moran("rook");
}

static void local_moran_island(void **state)
{
	(void)state;
	local_moran("island");
}

static void global_moran(const char *variant, size_t used)
{
	struct areas A;
	struct ob_nb nb;
	struct refcsv t;
	char path[128];

	load_areas(&A);
	load_nb(&A, variant, &nb);
	snprintf(path, sizeof(path), "reference/spatial/moran_global_%s.csv", variant);
	refcsv_load(&t, path);
	assert_int_equal(t.nrows, 4);
	for (size_t r = 0; r < t.nrows; r++) {
		struct ob_moran m;
		assert_int_equal(ob_moran(A.x, &nb, style_of(refcsv_str(&t, r, "weights_style")),
		                          refcsv_bool(&t, r, "randomisation"), &m),
		                 OB_OK);
		REF_CHECK(&t, r, "I", m.i, REL, 0);
		REF_CHECK(&t, r, "E_I", m.e_i, REL, 0);
		REF_CHECK(&t, r, "Var_I", m.var_i, REL, 0);
		REF_CHECK(&t, r, "z", m.z, REL, 0);
		REF_CHECK(&t, r, "p_greater", m.p_greater, REL, 0);
		assert_int_equal(m.n_used, used);
		assert_int_equal(m.flags, 0);
	}
	refcsv_free(&t);
	ob_nb_release(&nb);
}

static void global_moran_rook(void **state)
{
	(void)state;
	global_moran("rook", 20);
}

static void global_moran_island(void **state)
{
	(void)state;
	global_moran("island", 19);
}

/*
 * A field spdep gives as NaN is flagged here (and holds 0); any other is
 * spdep's number, unflagged.
 */
static void check_field(const struct refcsv *t, size_t r, const char *col, double got,
                        unsigned flags, unsigned flag)
{
	if (isnan(refcsv_num(t, r, col))) {
		assert_true(flags & flag);
		assert_true(got == 0);
	} else {
		assert_false(flags & flag);
		REF_CHECK(t, r, col, got, REL, 0);
	}
}

/* A variable that does not vary: I is 0/0, E(I) = -1/(n' - 1) is not. */
static void moran_constant(void **state)
{
	struct areas A;
	struct refcsv t, l;
	(void)state;
	load_areas(&A);
	for (size_t i = 0; i < A.n; i++)
		A.x[i] = 5;
	refcsv_load(&t, "reference/spatial/moran_constant.csv");
	assert_int_equal(t.nrows, 8);
	for (size_t r = 0; r < t.nrows; r++) {
		struct ob_nb nb;
		struct ob_moran m;
		load_nb(&A, refcsv_str(&t, r, "neighbours"), &nb);
		assert_int_equal(ob_moran(A.x, &nb, style_of(refcsv_str(&t, r, "weights_style")),
		                          refcsv_bool(&t, r, "randomisation"), &m),
		                 OB_OK);
		assert_true(isnan(refcsv_num(&t, r, "I")));
		assert_true(m.flags & OB_SPATIAL_CONSTANT);
		check_field(&t, r, "I", m.i, m.flags, OB_SPATIAL_NO_STATISTIC);
		check_field(&t, r, "E_I", m.e_i, m.flags, OB_SPATIAL_NO_MEAN);
		check_field(&t, r, "Var_I", m.var_i, m.flags, OB_SPATIAL_NO_VARIANCE);
		check_z(&t, r, "z", "p_greater", m.z, m.p_greater, m.flags);
		/* the expectation is -1/(n' - 1), never 0 */
		assert_true(m.e_i == -1 / ((double)m.n_used - 1));
		ob_nb_release(&nb);
	}
	refcsv_free(&t);
	refcsv_load(&l, "reference/spatial/localmoran_constant.csv");
	assert_int_equal(l.nrows, 4 * A.n);
	for (size_t r = 0; r < l.nrows; r++) {
		struct ob_nb nb;
		struct ob_local_moran lm[MAX_AREAS];
		size_t i = area_index(&A, refcsv_str(&l, r, "area_id"));
		load_nb(&A, refcsv_str(&l, r, "neighbours"), &nb);
		assert_int_equal(ob_local_moran(A.x, &nb, OB_WEIGHTS_W,
		                                refcsv_bool(&l, r, "conditional"), lm),
		                 OB_OK);
		assert_true(lm[i].flags & OB_SPATIAL_CONSTANT);
		check_field(&l, r, "Ii", lm[i].ii, lm[i].flags, OB_SPATIAL_NO_STATISTIC);
		check_field(&l, r, "E_Ii", lm[i].e_ii, lm[i].flags, OB_SPATIAL_NO_MEAN);
		check_field(&l, r, "Var_Ii", lm[i].var_ii, lm[i].flags, OB_SPATIAL_NO_VARIANCE);
		assert_true(isnan(refcsv_num(&l, r, "Z_Ii")));
		assert_true((lm[i].flags & OB_SPATIAL_UNDEFINED) && lm[i].z == 0 && lm[i].p == 1);
		ob_nb_release(&nb);
	}
	refcsv_free(&l);
}

static void degenerate(void **state)
{
	static const double flat[] = { 5, 5, 5, 5, 5 };
	static const double x[] = { 1, 4, 2, 8, 5 };
	static const size_t from[] = { 0, 1, 1, 2, 2, 3, 3, 4 };
	static const size_t to[] = { 1, 0, 2, 1, 3, 2, 4, 3 };
	struct ob_nb nb, none;
	struct ob_local_g g[5];
	struct ob_local_moran lm[5];
	struct ob_moran m;
	double bad[5] = { 1, 2, NAN, 4, 5 };
	(void)state;
	assert_int_equal(ob_nb_from_edges(5, from, to, 8, &nb, NULL), OB_OK);
	assert_int_equal(ob_nb_from_edges(5, NULL, NULL, 0, &none, NULL), OB_OK);
	/* no variation: every z undefined, nothing NaN */
	assert_int_equal(ob_local_g(flat, &nb, true, OB_WEIGHTS_W, g), OB_OK);
	assert_int_equal(ob_local_moran(flat, &nb, OB_WEIGHTS_W, true, lm), OB_OK);
	assert_int_equal(ob_moran(flat, &nb, OB_WEIGHTS_W, true, &m), OB_OK);
	for (size_t i = 0; i < 5; i++) {
		assert_true(g[i].flags & OB_SPATIAL_UNDEFINED);
		assert_true(lm[i].flags & OB_SPATIAL_UNDEFINED);
		assert_true(g[i].z == 0 && g[i].p == 1 && lm[i].z == 0 && lm[i].p == 1);
		assert_false(isnan(g[i].g) || isnan(lm[i].ii) || isnan(lm[i].var_ii));
	}
	assert_true(m.flags & OB_SPATIAL_UNDEFINED);
	assert_true(m.p_greater == 1 && !isnan(m.i));
	/* no links at all: nothing is defined */
	assert_int_equal(ob_moran(x, &none, OB_WEIGHTS_B, false, &m), OB_OK);
	assert_int_equal(m.flags, OB_SPATIAL_UNDEFINED | OB_SPATIAL_NO_STATISTIC |
	                          OB_SPATIAL_NO_MEAN | OB_SPATIAL_NO_VARIANCE);
	assert_int_equal(m.n_used, 0);
	/* three areas with neighbours: I and E(I) defined, the randomisation
	 * variance (divided by n' - 3) is not */
	{
		static const size_t f3[] = { 0, 1, 1, 2 }, t3[] = { 1, 0, 2, 1 };
		struct ob_nb three;
		assert_int_equal(ob_nb_from_edges(5, f3, t3, 4, &three, NULL), OB_OK);
		assert_int_equal(ob_moran(x, &three, OB_WEIGHTS_W, true, &m), OB_OK);
		assert_int_equal(m.n_used, 3);
		assert_true(m.e_i == -0.5);
		assert_int_equal(m.flags, OB_SPATIAL_NO_VARIANCE | OB_SPATIAL_UNDEFINED);
		assert_int_equal(ob_moran(x, &three, OB_WEIGHTS_W, false, &m), OB_OK);
		assert_false(m.flags & (OB_SPATIAL_NO_VARIANCE | OB_SPATIAL_NO_STATISTIC));
		ob_nb_release(&three);
	}
	assert_int_equal(ob_local_g(x, &none, false, OB_WEIGHTS_B, g), OB_OK);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(g[i].flags, OB_SPATIAL_ISLAND | OB_SPATIAL_UNDEFINED);
	/* a path: binary and row-standardised Gi* agree in z */
	{
		struct ob_local_g gb[5], gw[5];
		assert_int_equal(ob_local_g(x, &nb, true, OB_WEIGHTS_B, gb), OB_OK);
		assert_int_equal(ob_local_g(x, &nb, true, OB_WEIGHTS_W, gw), OB_OK);
		for (size_t i = 0; i < 5; i++)
			assert_true(refcsv_close(gb[i].z, gw[i].z, 1e-12, 0));
	}
	/* refused */
	assert_int_equal(ob_local_g(bad, &nb, true, OB_WEIGHTS_W, g), OB_EINVAL);
	assert_int_equal(ob_local_moran(bad, &nb, OB_WEIGHTS_W, true, lm), OB_EINVAL);
	assert_int_equal(ob_moran(bad, &nb, OB_WEIGHTS_W, true, &m), OB_EINVAL);
	assert_int_equal(ob_local_g(x, &nb, true, 9, g), OB_EINVAL);
	ob_nb_release(&none);
	ob_nb_release(&nb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(local_g_rook),
		cmocka_unit_test(local_g_island),
		cmocka_unit_test(local_moran_rook),
		cmocka_unit_test(local_moran_island),
		cmocka_unit_test(global_moran_rook),
		cmocka_unit_test(global_moran_island),
		cmocka_unit_test(moran_constant),
		cmocka_unit_test(degenerate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
