/* test_kernel.c - the analyser's fused counting loops (engine/query_kernel.h)
 * against the plain loop, on random columns holding the edge values of their
 * widths (0, 255, 65535): every shape of filters and dimensions a loop is
 * compiled for, with 1, 2 and 4 lanes, counts or 1, keys or not, ranges that
 * start and end anywhere; the counters and key sums must be equal cell by
 * cell. The test checks that it can fail (a loop given a different map must
 * differ) and that the shapes without a loop are refused. */
#include "test.h"

#include "engine/query_kernel.h"

/* records of the random columns; the ranges counted lie within */
#define N 5000
#define DIM_VALUES 5 /* values each dimension maps to */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (uint32_t)(rng_state % n) : 0;
}

/* A column of n records of width w: mostly small values, a tenth of them
 * the edges of the width. */
static void *column(int w, size_t n)
{
	void *c = ob_malloc(n * (size_t)w);

	for (size_t i = 0; i < n; i++) {
		uint32_t edge = w == 1 ? 255 : 65535;
		uint32_t v = rnd(10) == 0 ? (rnd(2) ? edge : 0) : rnd(12);
		if (w == 1)
			((uint8_t *)c)[i] = (uint8_t)v;
		else
			((uint16_t *)c)[i] = (uint16_t)v;
	}
	return c;
}

/* A filter's table over width w: about half the values taken. */
static uint8_t *accept(int w)
{
	size_t dom = w == 1 ? 256 : 65536;
	uint8_t *a = ob_malloc(dom);

	for (size_t v = 0; v < dom; v++)
		a[v] = rnd(3) != 0;
	return a;
}

/* A dimension's map over width w to DIM_VALUES values times stride. */
static uint32_t *dim_map(int w, uint32_t stride)
{
	size_t dom = w == 1 ? 256 : 65536;
	uint32_t *m = ob_malloc(dom * sizeof(uint32_t));

	for (size_t v = 0; v < dom; v++)
		m[v] = rnd(DIM_VALUES) * stride;
	return m;
}

/* The shapes a loop is compiled for: filters (all 1 byte) and dimension
 * widths, in any order (the loops take the 2-byte ones last). */
struct shape {
	int nf;
	int ng;
	int w[OB_QK_MAX_DIMS];
};

static const struct shape shapes[] = {
	{ 0, 1, { 1 } },       { 0, 1, { 2 } },       { 0, 2, { 1, 1 } },
	{ 0, 2, { 2, 1 } },    { 0, 2, { 2, 2 } },    { 0, 3, { 1, 1, 1 } },
	{ 0, 3, { 2, 1, 1 } }, { 0, 3, { 1, 2, 2 } }, { 1, 0, { 0 } },
	{ 1, 1, { 1 } },       { 1, 1, { 2 } },       { 1, 2, { 1, 2 } },
	{ 1, 3, { 2, 1, 1 } }, { 2, 0, { 0 } },       { 2, 1, { 1 } },
	{ 2, 2, { 1, 1 } },    { 2, 2, { 2, 2 } },    { 2, 3, { 1, 1, 1 } },
	{ 2, 3, { 2, 2, 1 } },  { 3, 0, { 0 } },       { 3, 1, { 2 } },
	{ 3, 2, { 1, 1 } },    { 3, 3, { 1, 2, 1 } },
};

struct setup {
	struct ob_qk k;
	void *cols[OB_QK_MAX_FILTERS + OB_QK_MAX_DIMS];
	void *tables[OB_QK_MAX_FILTERS + OB_QK_MAX_DIMS];
	uint16_t *count;
	uint8_t *rkey;
	size_t cells;
};

static void setup_make(struct setup *x, const struct shape *sh, unsigned lanes)
{
	uint32_t stride = 1;

	memset(x, 0, sizeof(*x));
	x->k.nf = sh->nf;
	for (int f = 0; f < sh->nf; f++) {
		x->cols[f] = column(1, N);
		x->tables[f] = accept(1);
		x->k.f[f].col = x->cols[f];
		x->k.f[f].w = 1;
		x->k.f[f].acc = x->tables[f];
	}
	x->k.ng = sh->ng;
	for (int j = 0; j < sh->ng; j++) {
		int t = OB_QK_MAX_FILTERS + j;
		x->cols[t] = column(sh->w[j], N);
		x->tables[t] = dim_map(sh->w[j], stride);
		x->k.g[j].col = x->cols[t];
		x->k.g[j].w = sh->w[j];
		x->k.g[j].map = x->tables[t];
		stride *= DIM_VALUES;
	}
	/* counts up to the column's largest, keys any byte */
	x->count = ob_malloc(N * sizeof(uint16_t));
	x->rkey = ob_malloc(N);
	for (size_t i = 0; i < N; i++) {
		x->count[i] = (uint16_t)(rnd(4) == 0 ? 65535 - rnd(3) : 1 + rnd(5));
		x->rkey[i] = (uint8_t)rnd(256);
	}
	x->k.count = x->count;
	x->k.rkey = x->rkey;
	x->k.lanes = lanes;
	/* a base of up to 3 cells before the dimensions' */
	x->cells = (size_t)stride + 3;
}

static void setup_free(struct setup *x)
{
	for (int t = 0; t < OB_QK_MAX_FILTERS + OB_QK_MAX_DIMS; t++) {
		free(x->cols[t]);
		free(x->tables[t]);
	}
	free(x->count);
	free(x->rkey);
}

/* Count [a, b) at base with the fused loop and the plain one; whether the
 * counters and key sums are equal. */
static bool same_count(const struct ob_qk *fused, const struct ob_qk *plain, uint64_t a,
                       uint64_t b, uint32_t base, bool weighted, bool keys, size_t cells)
{
	size_t nc = cells * fused->lanes;
	uint32_t *c1 = ob_calloc(nc, sizeof(uint32_t)), *c2 = ob_calloc(nc, sizeof(uint32_t));
	uint64_t *k1 = keys ? ob_calloc(cells, sizeof(uint64_t)) : NULL;
	uint64_t *k2 = keys ? ob_calloc(cells, sizeof(uint64_t)) : NULL;
	bool same;

	ob_qk_count(fused, a, b, base, weighted, c1, k1);
	ob_qk_count_plain(plain, a, b, base, weighted, c2, k2);
	same = !memcmp(c1, c2, nc * sizeof(uint32_t)) &&
	       (!keys || !memcmp(k1, k2, cells * sizeof(uint64_t)));
	free(c1);
	free(c2);
	free(k1);
	free(k2);
	return same;
}

static void test_kernel_equals_plain(void **state)
{
	static const unsigned lanes[] = { 1, 2, 4 };
	int checked = 0;

	(void)state;
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++)
		for (size_t l = 0; l < 3; l++)
			for (int keys = 0; keys < 2; keys++) {
				struct setup x;
				struct ob_qk fused;

				setup_make(&x, &shapes[s], lanes[l]);
				fused = x.k;
				assert_true(ob_qk_prepare(&fused, keys));
				for (int weighted = 0; weighted < 2; weighted++)
					for (int r = 0; r < 6; r++) {
						/* empty, one record, the whole, and any range */
						uint64_t a = r == 0 ? 17 : r == 2 ? 0 : rnd(N);
						uint64_t b = r == 0   ? a
						             : r == 1 ? a + 1
						             : r == 2 ? N
						                      : a + rnd((uint32_t)(N - a) + 1);
						uint32_t base = rnd(4);
						if (!same_count(&fused, &x.k, a, b, base, weighted, keys,
						                x.cells))
							fail_msg("shape %zu (filters %d, dimensions %d), lanes %u, "
							         "keys %d, weighted %d, records [%llu, %llu), "
							         "base %u: the fused loop differs",
							         s, shapes[s].nf, shapes[s].ng, lanes[l], keys,
							         weighted, (unsigned long long)a,
							         (unsigned long long)b, base);
						checked++;
					}
				setup_free(&x);
			}
	assert_int_equal(checked, 23 * 3 * 2 * 2 * 6);
}

/* A loop given another dimension map than the plain one must differ: the
 * comparison can fail. */
static void test_kernel_can_differ(void **state)
{
	const struct shape sh = { 1, 2, { 1, 2 } };
	struct setup x;
	struct ob_qk fused;
	uint32_t *other;

	(void)state;
	setup_make(&x, &sh, 4);
	fused = x.k;
	other = dim_map(2, 1);
	for (size_t v = 0; v < 65536; v++)
		other[v] = (x.k.g[1].map[v] + 1) % DIM_VALUES; /* every value moved */
	fused.g[1].map = other; /* the 2-byte dimension, second in both */
	assert_true(ob_qk_prepare(&fused, true));
	assert_false(same_count(&fused, &x.k, 0, N, 0, true, true, x.cells));
	free(other);
	setup_free(&x);
}

/* Shapes without a loop are refused (the caller counts otherwise). */
static void test_kernel_refuses(void **state)
{
	struct ob_qk k;
	uint8_t col[4] = { 0 }, acc[256] = { 0 };
	uint32_t map[256] = { 0 };

	(void)state;
	memset(&k, 0, sizeof(k));
	k.lanes = 4;
	k.nf = 1;
	k.f[0].col = col;
	k.f[0].acc = acc;
	k.f[0].w = 2; /* a 2-byte filter */
	assert_false(ob_qk_prepare(&k, false));
	k.f[0].w = 1;
	assert_true(ob_qk_prepare(&k, false));
	k.lanes = 3;
	assert_false(ob_qk_prepare(&k, false));
	k.lanes = 2;
	k.ng = 3;
	for (int j = 0; j < 3; j++) {
		k.g[j].col = col;
		k.g[j].map = map;
		k.g[j].w = 2; /* three 2-byte dimensions */
	}
	assert_false(ob_qk_prepare(&k, true));
	k.g[0].w = 1;
	assert_true(ob_qk_prepare(&k, true));
	k.nf = OB_QK_MAX_FILTERS + 1;
	assert_false(ob_qk_prepare(&k, true));
	k.nf = 0;
	k.ng = OB_QK_MAX_DIMS + 1;
	assert_false(ob_qk_prepare(&k, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_equals_plain),
		cmocka_unit_test(test_kernel_can_differ),
		cmocka_unit_test(test_kernel_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
