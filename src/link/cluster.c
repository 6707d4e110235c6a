/* cluster.c - greedy constrained clustering and optimal one-to-one assignment (see cluster.h). */
#include "link/cluster.h"

#include <math.h>

void ob_assign_max(const double *value, size_t rows, size_t cols, long *col_of)
{
	/* Hungarian method with potentials on costs -value (0 where value <= 0),
	 * 1-based as the method is usually written: column 0 is a sentinel. */
	size_t n = rows, m = cols;
	double *u = ob_calloc(n + 1, sizeof(double)), *v = ob_calloc(m + 1, sizeof(double));
	double *minv = ob_malloc((m + 1) * sizeof(double));
	size_t *p = ob_calloc(m + 1, sizeof(size_t)), *way = ob_calloc(m + 1, sizeof(size_t));
	bool *used = ob_malloc(m + 1);

	for (size_t i = 1; i <= n; i++) {
		size_t j0 = 0;
		p[0] = i;
		for (size_t j = 0; j <= m; j++) {
			minv[j] = INFINITY;
			used[j] = false;
		}
		do {
			size_t i0 = p[j0], j1 = 0;
			double delta = INFINITY;
			used[j0] = true;
			for (size_t j = 1; j <= m; j++) {
				double c, cur;
				if (used[j])
					continue;
				c = value[(i0 - 1) * m + (j - 1)];
				c = c > 0 ? -c : 0;
				cur = c - u[i0] - v[j];
				if (cur < minv[j]) {
					minv[j] = cur;
					way[j] = j0;
				}
				if (minv[j] < delta) {
					delta = minv[j];
					j1 = j;
				}
			}
			for (size_t j = 0; j <= m; j++) {
				if (used[j]) {
					u[p[j]] += delta;
					v[j] -= delta;
				} else {
					minv[j] -= delta;
				}
			}
			j0 = j1;
		} while (p[j0] != 0);
		do {
			size_t j1 = way[j0];
			p[j0] = p[j1];
			j0 = j1;
		} while (j0);
	}
	for (size_t i = 0; i < n; i++)
		col_of[i] = -1;
	for (size_t j = 1; j <= m; j++)
		if (p[j] && value[(p[j] - 1) * m + (j - 1)] > 0)
			col_of[p[j] - 1] = (long)(j - 1);
	free(u);
	free(v);
	free(minv);
	free(p);
	free(way);
	free(used);
}

static int cmp_edge(const void *a, const void *b)
{
	const struct ob_link_edge *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	return x->j < y->j ? -1 : x->j > y->j;
}

static uint32_t find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

void ob_cluster_result_release(struct ob_cluster_result *res)
{
	free(res->cluster);
	memset(res, 0, sizeof(*res));
}

static int cmp_by_root(const void *a, const void *b, void *ctx)
{
	const uint32_t *root = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (root[x] != root[y])
		return root[x] < root[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Edge states during the optimal pass. */
enum { E_OPEN = 0, E_CHOSEN, E_REJECTED };

/*
 * The Hungarian assignment in every component that joins exactly two
 * sources with cross-source edges only; marks its edges chosen or rejected.
 */
static void optimal_pass(size_t n, const uint16_t *source, struct ob_link_edge *e, size_t ne,
                         const struct ob_cluster_options *o, uint8_t *state,
                         struct ob_cluster_result *res)
{
	uint32_t *comp = ob_malloc((n ? n : 1) * sizeof(uint32_t));
	uint32_t *order = ob_malloc((ne ? ne : 1) * sizeof(uint32_t));
	long *local = ob_malloc((n ? n : 1) * sizeof(long));
	uint32_t *eroot = ob_malloc((ne ? ne : 1) * sizeof(uint32_t));
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		comp[i] = (uint32_t)i;
		local[i] = -1;
	}
	for (size_t k = 0; k < ne; k++) {
		uint32_t a = find(comp, e[k].i), b = find(comp, e[k].j);
		if (a != b)
			comp[a < b ? b : a] = a < b ? a : b;
	}
	for (size_t k = 0; k < ne; k++) {
		eroot[k] = find(comp, e[k].i);
		order[k] = (uint32_t)k;
	}
	/* edges grouped by component, strongest first within each */
	qsort_r(order, ne, sizeof(*order), cmp_by_root, eroot);
	while (start < ne) {
		size_t end = start, ra = 0, rb = 0;
		uint32_t root = eroot[order[start]];
		int sa = -1, sb = -1;
		bool ok = true;
		uint32_t *rows = NULL, *cols = NULL;

		while (end < ne && eroot[order[end]] == root)
			end++;
		for (size_t q = start; q < end && ok; q++) {
			const struct ob_link_edge *x = &e[order[q]];
			int s1 = source[x->i], s2 = source[x->j];
			if (s1 == s2) {
				ok = false;
				break;
			}
			if (sa < 0) {
				sa = s1 < s2 ? s1 : s2;
				sb = s1 < s2 ? s2 : s1;
			}
			if (!((s1 == sa && s2 == sb) || (s1 == sb && s2 == sa)))
				ok = false;
		}
		if (ok) {
			/* records of each side */
			rows = ob_malloc((end - start) * 2 * sizeof(uint32_t));
			cols = rows + (end - start);
			for (size_t q = start; q < end; q++) {
				const struct ob_link_edge *x = &e[order[q]];
				uint32_t ab[2] = { x->i, x->j };
				for (int t = 0; t < 2; t++) {
					uint32_t rec = ab[t];
					if (local[rec] >= 0)
						continue;
					if (source[rec] == sa) {
						local[rec] = (long)ra;
						rows[ra++] = rec;
					} else {
						local[rec] = (long)rb;
						cols[rb++] = rec;
					}
				}
			}
			if (ra + rb > OB_MAX_ASSIGN_COMPONENT)
				ok = false;
		}
		if (ok) {
			bool swap = ra > rb; /* rows must be the smaller side */
			size_t nr = swap ? rb : ra, nc = swap ? ra : rb;
			double *val = ob_calloc(nr * nc, sizeof(double));
			long *col_of = ob_malloc(nr * sizeof(long));
			for (size_t q = start; q < end; q++) {
				const struct ob_link_edge *x = &e[order[q]];
				uint32_t ra_rec = source[x->i] == sa ? x->i : x->j;
				uint32_t rb_rec = source[x->i] == sa ? x->j : x->i;
				size_t r = (size_t)local[swap ? rb_rec : ra_rec];
				size_t c = (size_t)local[swap ? ra_rec : rb_rec];
				double v = x->score - o->threshold;
				val[r * nc + c] = (v > 0 ? v : 0) + 1e-9;
			}
			ob_assign_max(val, nr, nc, col_of);
			for (size_t q = start; q < end; q++) {
				const struct ob_link_edge *x = &e[order[q]];
				uint32_t ra_rec = source[x->i] == sa ? x->i : x->j;
				uint32_t rb_rec = source[x->i] == sa ? x->j : x->i;
				size_t r = (size_t)local[swap ? rb_rec : ra_rec];
				size_t c = (size_t)local[swap ? ra_rec : rb_rec];
				state[order[q]] = col_of[r] == (long)c ? E_CHOSEN : E_REJECTED;
			}
			res->optimal_components++;
			free(val);
			free(col_of);
		}
		if (rows) {
			for (size_t t = 0; t < ra; t++)
				local[rows[t]] = -1;
			for (size_t t = 0; t < rb; t++)
				local[cols[t]] = -1;
			free(rows);
		}
		start = end;
	}
	free(comp);
	free(order);
	free(local);
	free(eroot);
}

ob_err ob_cluster(size_t n, const uint16_t *source, struct ob_link_edge *e, size_t ne,
                  const struct ob_cluster_options *o, struct ob_cluster_result *res)
{
	uint32_t *parent, *cid;
	uint64_t *mask;
	uint8_t *state;

	memset(res, 0, sizeof(*res));
	for (size_t k = 0; k < ne; k++)
		if (e[k].i >= n || e[k].j >= n)
			return OB_EINVAL;
	qsort(e, ne, sizeof(*e), cmp_edge);
	parent = ob_malloc((n ? n : 1) * sizeof(uint32_t));
	mask = ob_malloc((n ? n : 1) * sizeof(uint64_t));
	state = ob_calloc(ne ? ne : 1, 1);
	for (size_t i = 0; i < n; i++) {
		parent[i] = (uint32_t)i;
		mask[i] = 1ull << (source[i] & 63);
	}
	if (o->method == OB_ASSIGN_OPTIMAL && o->one_per_source)
		optimal_pass(n, source, e, ne, o, state, res);
	/* chosen edges of optimal components first: they never conflict */
	for (size_t k = 0; k < ne; k++) {
		uint32_t a, b;
		e[k].used = false;
		if (state[k] != E_CHOSEN)
			continue;
		a = find(parent, e[k].i);
		b = find(parent, e[k].j);
		parent[b] = a;
		mask[a] |= mask[b];
		e[k].used = true;
		res->joined++;
	}
	for (size_t k = 0; k < ne; k++) {
		uint32_t a, b;
		uint64_t shared, own;

		if (state[k] == E_CHOSEN)
			continue;
		if (state[k] == E_REJECTED) {
			res->dropped++;
			continue;
		}
		a = find(parent, e[k].i);
		b = find(parent, e[k].j);
		if (a == b) {
			res->redundant++;
			continue;
		}
		shared = mask[a] & mask[b];
		own = source[e[k].i] == source[e[k].j] ? 1ull << (source[e[k].i] & 63) : 0;
		if (o->one_per_source && (shared & ~own)) {
			res->dropped++;
			continue;
		}
		if (a > b) {
			uint32_t t = a;
			a = b;
			b = t;
		}
		parent[b] = a;
		mask[a] |= mask[b];
		e[k].used = true;
		res->joined++;
	}
	cid = ob_calloc(n ? n : 1, sizeof(uint32_t));
	res->cluster = ob_malloc((n ? n : 1) * sizeof(uint32_t));
	for (size_t i = 0; i < n; i++) {
		uint32_t r = find(parent, (uint32_t)i);
		if (!cid[r])
			cid[r] = (uint32_t)++res->nclusters;
		res->cluster[i] = cid[r];
	}
	free(cid);
	free(parent);
	free(mask);
	free(state);
	return OB_OK;
}
