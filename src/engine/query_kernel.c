/* query_kernel.c - the fused per-record counting loops of the analyser
 * (engine/query_kernel.h): one body, compiled once for each shape of
 * filters, dimensions, counts and keys, and the plain loop they must equal. */
#include "base/common.h"

#include "engine/query_kernel.h"

static inline uint32_t col_at(const void *col, int w, uint64_t i)
{
	return w == 1 ? ((const uint8_t *)col)[i] : ((const uint16_t *)col)[i];
}

/*
 * The body every loop shares; NF, NG, the widths W0..W2, WEIGHTED and KEYS
 * are constants in each copy, so that the compiler leaves no test of them
 * in the loop. A filter multiplies what the record adds by its 0 or 1
 * (no branch: the filters of a fused count take most records).
 */
static inline __attribute__((always_inline)) void
body(const struct ob_qk *k, uint64_t a, uint64_t b, uint32_t base, uint32_t *counts,
     uint64_t *keys, const int NF, const int NG, const int W0, const int W1, const int W2,
     const bool WEIGHTED, const bool KEYS)
{
	const uint8_t *f0 = k->f[0].col, *f1 = k->f[1].col, *f2 = k->f[2].col;
	const uint8_t *acc0 = k->f[0].acc, *acc1 = k->f[1].acc, *acc2 = k->f[2].acc;
	const void *g0 = k->g[0].col, *g1 = k->g[1].col, *g2 = k->g[2].col;
	const uint32_t *m0 = k->g[0].map, *m1 = k->g[1].map, *m2 = k->g[2].map;
	const uint16_t *cn = k->count;
	const uint8_t *rk = k->rkey;
	const unsigned sh = k->lane_shift;
	const uint64_t lmask = ((uint64_t)1 << sh) - 1;

	for (uint64_t i = a; i < b; i++) {
		uint32_t cell = base, add = WEIGHTED ? cn[i] : 1, take = 1;
		if (NG > 0)
			cell += m0[col_at(g0, W0, i)];
		if (NG > 1)
			cell += m1[col_at(g1, W1, i)];
		if (NG > 2)
			cell += m2[col_at(g2, W2, i)];
		if (NF > 0)
			take = acc0[f0[i]];
		if (NF > 1)
			take &= acc1[f1[i]];
		if (NF > 2)
			take &= acc2[f2[i]];
		counts[((size_t)cell << sh) + (i & lmask)] += add * take;
		if (KEYS)
			keys[cell] += (uint64_t)(rk[i] * take);
	}
}

/* One loop: a shape (filters NF, dimensions NG of widths W0..W2) with or
 * without counts (weighted, at run time: the two copies) and keys. */
#define LOOP(NAME, NF, NG, W0, W1, W2, KEYS)                                                 \
	static void NAME(const void *kv, uint64_t a, uint64_t b, uint32_t base, bool weighted, \
	                 uint32_t *counts, uint64_t *keys)                                     \
	{                                                                                      \
		const struct ob_qk *k = kv;                                                    \
		if (weighted)                                                                  \
			body(k, a, b, base, counts, keys, NF, NG, W0, W1, W2, true, KEYS);     \
		else                                                                           \
			body(k, a, b, base, counts, keys, NF, NG, W0, W1, W2, false, KEYS);    \
	}

/* The dimension shapes, 2-byte columns last: none; 1; 2; 1,1; 1,2; 2,2;
 * 1,1,1; 1,1,2; 1,2,2. */
#define SHAPES(NF, KEYS, P)                              \
	LOOP(P##_0, NF, 0, 1, 1, 1, KEYS)                \
	LOOP(P##_1, NF, 1, 1, 1, 1, KEYS)                \
	LOOP(P##_2, NF, 1, 2, 1, 1, KEYS)                \
	LOOP(P##_11, NF, 2, 1, 1, 1, KEYS)               \
	LOOP(P##_12, NF, 2, 1, 2, 1, KEYS)               \
	LOOP(P##_22, NF, 2, 2, 2, 1, KEYS)               \
	LOOP(P##_111, NF, 3, 1, 1, 1, KEYS)              \
	LOOP(P##_112, NF, 3, 1, 1, 2, KEYS)              \
	LOOP(P##_122, NF, 3, 1, 2, 2, KEYS)
#define N_SHAPES 9
#define SHAPE_FNS(P) { P##_0, P##_1, P##_2, P##_11, P##_12, P##_22, P##_111, P##_112, P##_122 }

SHAPES(0, false, f0)
SHAPES(1, false, f1)
SHAPES(2, false, f2)
SHAPES(3, false, f3)
SHAPES(0, true, k0)
SHAPES(1, true, k1)
SHAPES(2, true, k2)
SHAPES(3, true, k3)

/* [keys][filters][shape] */
static const ob_qk_fn loops[2][OB_QK_MAX_FILTERS + 1][N_SHAPES] = {
	{ SHAPE_FNS(f0), SHAPE_FNS(f1), SHAPE_FNS(f2), SHAPE_FNS(f3) },
	{ SHAPE_FNS(k0), SHAPE_FNS(k1), SHAPE_FNS(k2), SHAPE_FNS(k3) },
};

/* The shape of ng dimensions of which n2 have 2 bytes (placed last), or -1. */
static int shape(int ng, int n2)
{
	switch (ng) {
	case 0: return 0;
	case 1: return n2 ? 2 : 1;
	case 2: return 3 + n2;
	case 3: return n2 < 3 ? 6 + n2 : -1;
	default: return -1;
	}
}

bool ob_qk_prepare(struct ob_qk *k, bool with_keys)
{
	int n2 = 0, s;

	k->fn = NULL;
	if (k->nf < 0 || k->nf > OB_QK_MAX_FILTERS || k->ng < 0 || k->ng > OB_QK_MAX_DIMS)
		return false;
	for (int f = 0; f < k->nf; f++)
		if (k->f[f].w != 1)
			return false;
	/* the 2-byte dimensions last, in their order (a stable partition) */
	for (int j = 0, n1 = 0; j < k->ng; j++) {
		if (k->g[j].w != 1 && k->g[j].w != 2)
			return false;
		if (k->g[j].w == 1) {
			struct ob_qk_dim x = k->g[j];
			for (int t = j; t > n1; t--)
				k->g[t] = k->g[t - 1];
			k->g[n1++] = x;
		} else {
			n2++;
		}
	}
	if ((s = shape(k->ng, n2)) < 0)
		return false;
	switch (k->lanes) {
	case 1: k->lane_shift = 0; break;
	case 2: k->lane_shift = 1; break;
	case 4: k->lane_shift = 2; break;
	default: return false;
	}
	k->fn = loops[with_keys][k->nf][s];
	return true;
}

void ob_qk_count_plain(const struct ob_qk *k, uint64_t a, uint64_t b, uint32_t base,
                       bool weighted, uint32_t *counts, uint64_t *keys)
{
	for (uint64_t i = a; i < b; i++) {
		uint32_t cell = base;
		bool take = true;
		for (int f = 0; f < k->nf; f++)
			take = take && k->f[f].acc[col_at(k->f[f].col, k->f[f].w, i)];
		if (!take)
			continue;
		for (int j = 0; j < k->ng; j++)
			cell += k->g[j].map[col_at(k->g[j].col, k->g[j].w, i)];
		counts[(size_t)cell * k->lanes + i % k->lanes] += weighted ? k->count[i] : 1;
		if (keys)
			keys[cell] += k->rkey[i];
	}
}
