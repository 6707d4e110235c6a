/* link.c - a whole linkage run: blocking, u from random pairs, scoring, EM, clusters (see link.h). */
#include "link/link.h"

#include <math.h>
#include <stdatomic.h>

#include "base/log.h"
#include "link/par.h"

/* Random draws per work item of the u estimate. */
#define DRAW_CHUNK 65536

/* Up to this many candidates, the first pass keeps each pair (8 bytes) so the
 * second reads them instead of enumerating the blocks again. */
#define OB_LINK_KEEP_PAIRS (128LL * 1024 * 1024)

/* Up to this many possible codes, patterns are counted in a plain array per
 * thread (4 bytes a code) instead of a hash table. */
#define OB_LINK_DENSE_CODES (1u << 20)

void ob_link_options_defaults(struct ob_link_options *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold = 0.85;
	o->report_min = 0.05;
	o->across = true;
	o->within = false;
	o->assign = OB_ASSIGN_GREEDY;
	o->em = OB_LINK_EM_FIXED_U;
	o->u_pairs = 1000000;
	o->seed = 20240101;
	o->threads = 0;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) without modulo bias worth speaking of (n < 2^32). */
static uint32_t below(uint64_t *s, uint64_t n)
{
	return (uint32_t)(((splitmix(s) >> 32) * n) >> 32);
}

static bool allowed(const struct ob_link_records *r, const struct ob_link_options *o, size_t i,
                    size_t j)
{
	bool same = r->source[i] == r->source[j];
	return i != j && (same ? o->within : o->across);
}

static uint64_t count_allowed(const struct ob_link_records *r, const struct ob_link_options *o)
{
	long double all = 0, same = 0, n = (long double)r->n;
	for (size_t s = 0; s < r->nsources; s++) {
		long double k = (long double)r->source_count[s];
		same += k * (k - 1) / 2;
		all += k * k;
	}
	all = (n * n - all) / 2; /* pairs across sources */
	return (uint64_t)((o->across ? all : 0) + (o->within ? same : 0));
}

/* ---- u from random pairs ------------------------------------------------------------ */

struct draw_ctx {
	const struct ob_link_records *r;
	const struct ob_link_options *o;
	uint64_t draws;       /* total wanted */
	bool exhaustive;
	uint32_t *order;      /* exhaustive: records by source */
	size_t *start;        /* exhaustive: first position of each source, and n */
	uint64_t (*count)[OB_MAX_LINK_FIELDS][OB_MAX_LEVELS]; /* per worker */
	uint64_t *made;       /* per worker: pairs compared */
	struct ob_link_cache **cache; /* per worker */
};

static void tally(const struct ob_link_records *r, struct ob_link_cache *cache, size_t i,
                  size_t j, uint64_t (*c)[OB_MAX_LEVELS])
{
	struct ob_link_cmp cmp;
	ob_link_compare_cached(r, cache, i, j, &cmp);
	for (size_t k = 0; k < r->nfields; k++)
		if (cmp.level[k] >= 0)
			c[k][cmp.level[k]]++;
}

/*
 * One work item. Exhaustive: item is a position in the records sorted by
 * source, and its partners are the later records of its own source (within)
 * and every record of the later sources (across): each allowed pair once,
 * nothing else visited. Random: DRAW_CHUNK draws from a generator seeded by
 * the seed and the item, so the pairs do not depend on the threads. Counts
 * are integers summed per worker, so neither does their total.
 */
static int draw_item(void *vctx, size_t item, int worker)
{
	struct draw_ctx *c = vctx;
	const struct ob_link_records *r = c->r;
	uint64_t (*cnt)[OB_MAX_LEVELS] = c->count[worker];
	struct ob_link_cache *cache = c->cache[worker];
	uint64_t made = 0;

	if (c->exhaustive) {
		uint32_t a = c->order[item];
		size_t s = r->source[a], end = c->start[s + 1];
		if (c->o->within)
			for (size_t q = item + 1; q < end; q++, made++)
				tally(r, cache, a, c->order[q], cnt);
		if (c->o->across)
			for (size_t q = end; q < r->n; q++, made++)
				tally(r, cache, a, c->order[q], cnt);
	} else {
		uint64_t st = c->o->seed ^ (0xD1B54A32D192ED03ull * (item + 1));
		uint64_t want = c->draws - (uint64_t)item * DRAW_CHUNK;
		uint64_t tries = 0;
		if (want > DRAW_CHUNK)
			want = DRAW_CHUNK;
		while (made < want && tries < 1000 * want) {
			size_t i = below(&st, r->n), j = below(&st, r->n);
			tries++;
			if (!allowed(r, c->o, i, j))
				continue;
			tally(r, cache, i, j, cnt);
			made++;
		}
	}
	c->made[worker] += made;
	return 0;
}

static void estimate_u(const struct ob_link_records *r, const struct ob_link_options *o,
                       int threads, struct ob_link_cache **cache, struct ob_fs_model *m,
                       struct ob_link_result *res)
{
	struct draw_ctx c = { r, o, 0, false, NULL, NULL, NULL, NULL, cache };
	uint64_t total[OB_MAX_LINK_FIELDS][OB_MAX_LEVELS] = { { 0 } };
	size_t items;

	c.exhaustive = res->total_pairs <= o->u_pairs;
	c.draws = c.exhaustive ? res->total_pairs : o->u_pairs;
	if (c.exhaustive) {
		/* records sorted by source (counting sort, stable) */
		c.order = ob_malloc(r->n * sizeof(*c.order));
		c.start = ob_calloc(r->nsources + 1, sizeof(*c.start));
		for (size_t i = 0; i < r->n; i++)
			c.start[r->source[i] + 1]++;
		for (size_t s = 0; s < r->nsources; s++)
			c.start[s + 1] += c.start[s];
		{
			size_t *at = ob_malloc((r->nsources + 1) * sizeof(size_t));
			memcpy(at, c.start, (r->nsources + 1) * sizeof(size_t));
			for (size_t i = 0; i < r->n; i++)
				c.order[at[r->source[i]]++] = (uint32_t)i;
			free(at);
		}
		items = r->n;
	} else {
		items = (size_t)((c.draws + DRAW_CHUNK - 1) / DRAW_CHUNK);
	}
	c.count = ob_calloc((size_t)threads, sizeof(*c.count));
	c.made = ob_calloc((size_t)threads, sizeof(*c.made));
	ob_parallel_for(items, threads, draw_item, &c);
	res->u_drawn = 0;
	for (int w = 0; w < threads; w++) {
		res->u_drawn += c.made[w];
		for (size_t k = 0; k < r->nfields; k++)
			for (int l = 0; l < OB_MAX_LEVELS; l++)
				total[k][l] += c.count[w][k][l];
	}
	res->u_exhaustive = c.exhaustive;
	for (size_t k = 0; k < r->nfields; k++) {
		int nl = m->layout.nlevels[k];
		double floor = res->u_drawn ? 0.5 / (double)res->u_drawn : 1e-6, sum = 0;
		uint64_t seen = 0;
		for (int l = 0; l < nl; l++)
			seen += total[k][l];
		for (int l = 0; l < nl; l++) {
			double u = seen ? (double)total[k][l] / (double)seen : 1.0 / nl;
			m->u[k][l] = u > floor ? u : floor;
			sum += m->u[k][l];
		}
		for (int l = 0; l < nl; l++)
			m->u[k][l] /= sum;
	}
	free(c.count);
	free(c.made);
	free(c.order);
	free(c.start);
}

/* ---- the passes over the candidates --------------------------------------------------- */

struct pass_ctx {
	const struct ob_link_records *r;
	const struct ob_blocking *b;
	const struct ob_link_options *o;
	struct ob_fs_layout layout;
	uint32_t *codes;
	uint64_t *ij;               /* the pairs themselves, when memory allows */
	uint32_t **dense;           /* per worker: a count per code, when codes are few */
	struct ob_fs_patterns *pat; /* per worker */
	ob_err *err;                /* per worker */
	struct ob_link_cache **cache; /* per worker */
	/* pass 2 */
	const struct ob_fs_weights *w;
	double wt[OB_MAX_LINK_FIELDS][OB_MAX_LEVELS + 1]; /* digit -> bits */
	double tf_max[OB_MAX_LINK_FIELDS]; /* largest term-frequency bonus, 0 without */
	double keep_min;            /* probability from which a pair is kept */
	double w_min;               /* its weight, a little under */
	struct ob_link_pair **kept; /* per chunk */
	size_t *nkept, *capkept, nchunks;
	/* progress */
	atomic_uint_fast64_t done;
	struct ob_progress *prog;
};

struct pair_arg {
	struct pass_ctx *c;
	int worker;
	size_t chunk;
};

static int compare_pair(void *varg, uint32_t i, uint32_t j, uint64_t index)
{
	struct pair_arg *a = varg;
	struct pass_ctx *c = a->c;
	struct ob_link_cmp cmp;
	uint32_t code;
	ob_err e;

	ob_link_compare_cached(c->r, c->cache[a->worker], i, j, &cmp);
	code = ob_fs_encode(&c->layout, cmp.level);
	c->codes[index] = code;
	if (c->ij)
		c->ij[index] = ((uint64_t)i << 32) | j;
	if (c->dense) {
		c->dense[a->worker][code]++;
		return 0;
	}
	if ((e = ob_fs_patterns_add(&c->pat[a->worker], code, 1))) {
		c->err[a->worker] = e;
		return 1;
	}
	return 0;
}

static int compare_chunk(void *vctx, size_t item, int worker)
{
	struct pass_ctx *c = vctx;
	struct pair_arg a = { c, worker, item };
	int rc = ob_blocking_chunk_each(c->b, item, compare_pair, &a);
	uint64_t done = atomic_fetch_add(&c->done, c->b->chunk[item].pairs) +
	                c->b->chunk[item].pairs;
	if (worker == 0 && c->prog)
		ob_progress_update(c->prog, done);
	return rc;
}

static int score_pair(void *varg, uint32_t i, uint32_t j, uint64_t index)
{
	struct pair_arg *a = varg;
	struct pass_ctx *c = a->c;
	uint32_t code = c->codes[index], rest = code, tops = 0;
	double w = 0, bound = 0, p;
	size_t ch = a->chunk;

	for (size_t k = 0; k < c->layout.nfields; k++) {
		uint32_t base = (uint32_t)c->layout.nlevels[k] + 1, digit = rest % base;
		rest /= base;
		w += c->wt[k][digit];
		if (c->tf_max[k] > 0 && (int)digit == c->layout.nlevels[k]) {
			tops |= 1u << k;
			bound += c->tf_max[k];
		}
	}
	/* hopeless even with the largest term-frequency bonus: not kept */
	if (w + bound < c->w_min)
		return 0;
	for (size_t k = 0; tops && k < c->layout.nfields; k++) {
		double f;
		if (!(tops & (1u << k)))
			continue;
		f = ob_link_tf_freq(c->r, i, j, k);
		if (f > 0)
			w += ob_fs_tf_adjust(c->w, k, f, (double)c->r->n);
	}
	if (w < c->w_min)
		return 0;
	p = ob_fs_probability(c->w, w);
	if (p >= c->keep_min) {
		struct ob_link_pair *q;
		if (c->nkept[ch] == c->capkept[ch]) {
			c->capkept[ch] = c->capkept[ch] ? 2 * c->capkept[ch] : 64;
			c->kept[ch] = ob_realloc(c->kept[ch], c->capkept[ch] * sizeof(**c->kept));
		}
		q = &c->kept[ch][c->nkept[ch]++];
		q->i = i;
		q->j = j;
		q->weight = w;
		q->probability = p;
		q->code = code;
		q->cluster_same = 0;
	}
	return 0;
}

static int score_chunk(void *vctx, size_t item, int worker)
{
	struct pass_ctx *c = vctx;
	struct pair_arg a = { c, worker, item };
	int rc = 0;

	if (c->ij) {
		/* the pairs were kept by the first pass: no second enumeration */
		const struct ob_block_chunk *ch = &c->b->chunk[item];
		for (uint64_t x = ch->offset; x < ch->offset + ch->pairs && !rc; x++)
			rc = score_pair(&a, (uint32_t)(c->ij[x] >> 32), (uint32_t)c->ij[x], x);
	} else {
		rc = ob_blocking_chunk_each(c->b, item, score_pair, &a);
	}
	uint64_t done = atomic_fetch_add(&c->done, c->b->chunk[item].pairs) +
	                c->b->chunk[item].pairs;
	if (worker == 0 && c->prog)
		ob_progress_update(c->prog, done);
	return rc;
}

void ob_link_result_release(struct ob_link_result *res)
{
	ob_blocking_release(&res->blocking);
	free(res->pair);
	ob_cluster_result_release(&res->clusters);
	memset(res, 0, sizeof(*res));
}

static double logit2(double p)
{
	return log2(p / (1 - p));
}

ob_err ob_link_run(const struct ob_link_records *r, const struct ob_block_rule *rules,
                   size_t nrules, const struct ob_link_options *o, struct ob_link_result *res,
                   struct ob_diag *d)
{
	int threads = o->threads > 0 ? o->threads : ob_cpu_count();
	int nlev[OB_MAX_LINK_FIELDS];
	struct ob_fs_layout layout;
	struct ob_fs_patterns all;
	struct pass_ctx *c = NULL;
	struct ob_fs_em_result em = { 0 };
	struct ob_fs_em_options eo = { 0 };
	struct ob_progress prog;
	double t0 = ob_now(), t;
	ob_err e;

	memset(res, 0, sizeof(*res));
	memset(&all, 0, sizeof(all));
	if (!(o->threshold > 0 && o->threshold < 1) || !(o->report_min > 0 && o->report_min <= 1) ||
	    (!o->across && !o->within))
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, NULL, 0,
		               "opciones de enlace no válidas: umbral y mínimo entre 0 y 1",
		               "invalid linkage options: threshold and minimum between 0 and 1");
	if (r->n < 2)
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, NULL, 0,
		               "se necesitan al menos dos registros",
		               "at least two records are needed");
	for (size_t k = 0; k < r->nfields; k++)
		nlev[k] = ob_link_field_levels(&r->field[k]);
	if ((e = ob_fs_layout_init(&layout, r->nfields, nlev)))
		return OB_DIAG(d, e, NULL, 0, 0, NULL, 0,
		               "demasiadas combinaciones de niveles entre los campos",
		               "too many combinations of levels across the fields");

	/* 1. blocking */
	if ((e = ob_blocking_build(&res->blocking, r, rules, nrules, o->across, o->within, d)))
		goto out;
	if ((e = ob_blocking_count(&res->blocking, threads, d)))
		goto out;
	res->total_pairs = count_allowed(r, o);
	t = ob_now();
	res->seconds[0] = t - t0;
	t0 = t;
	if (o->on_candidates && o->on_candidates(o->ctx, &res->blocking)) {
		e = OB_DIAG(d, OB_EINTERRUPTED, NULL, 0, 0, NULL, 0,
		            "detenido antes de puntuar", "stopped before scoring");
		goto out;
	}
	if (res->blocking.total == 0) {
		e = OB_DIAG(d, OB_EINVAL, NULL, 0, 0, NULL, 0,
		            "las reglas de bloqueo no dan ningún par candidato",
		            "the blocking rules give no candidate pair");
		goto out;
	}

	/* 2. u from random pairs */
	c = ob_calloc(1, sizeof(*c));
	c->cache = ob_calloc((size_t)threads, sizeof(*c->cache));
	for (int w = 0; w < threads; w++)
		c->cache[w] = ob_link_cache_new();
	ob_fs_model_init(&res->model, &layout, 0.1);
	estimate_u(r, o, threads, c->cache, &res->model, res);
	t = ob_now();
	res->seconds[1] = t - t0;
	t0 = t;

	/* 3. compare every candidate */
	c->r = r;
	c->b = &res->blocking;
	c->o = o;
	c->layout = layout;
	c->codes = ob_malloc(res->blocking.total * sizeof(uint32_t));
	if (res->blocking.total <= OB_LINK_KEEP_PAIRS)
		c->ij = ob_malloc(res->blocking.total * sizeof(uint64_t));
	if (layout.ncodes <= OB_LINK_DENSE_CODES && res->blocking.total < UINT32_MAX) {
		c->dense = ob_calloc((size_t)threads, sizeof(*c->dense));
		for (int w = 0; w < threads; w++)
			c->dense[w] = ob_calloc((size_t)layout.ncodes, sizeof(uint32_t));
	}
	c->pat = ob_calloc((size_t)threads, sizeof(*c->pat));
	c->err = ob_calloc((size_t)threads, sizeof(*c->err));
	for (int w = 0; w < threads; w++)
		ob_fs_patterns_init(&c->pat[w], &layout);
	atomic_init(&c->done, 0);
	if (o->progress) {
		ob_progress_begin(&prog, "comparando", res->blocking.total);
		c->prog = &prog;
	}
	ob_parallel_for(res->blocking.nchunks, threads, compare_chunk, c);
	if (o->progress)
		ob_progress_end(&prog);
	c->prog = NULL;
	ob_fs_patterns_init(&all, &layout);
	for (int w = 0; w < threads; w++) {
		if (c->err[w]) {
			e = OB_DIAG(d, c->err[w], NULL, 0, 0, NULL, 0,
			            "más de %d combinaciones de niveles distintas",
			            "more than %d distinct combinations of levels",
			            OB_MAX_LINK_PATTERNS);
			goto out;
		}
		if ((e = ob_fs_patterns_merge(&all, &c->pat[w])))
			goto out;
	}
	for (uint32_t code = 0; c->dense && code < layout.ncodes; code++) {
		uint64_t n = 0;
		for (int w = 0; w < threads; w++)
			n += c->dense[w][code];
		if (n && (e = ob_fs_patterns_add(&all, code, (double)n))) {
			OB_DIAG(d, e, NULL, 0, 0, NULL, 0,
			        "más de %d combinaciones de niveles distintas",
			        "more than %d distinct combinations of levels",
			        OB_MAX_LINK_PATTERNS);
			goto out;
		}
	}
	ob_fs_patterns_sort(&all);
	t = ob_now();
	res->seconds[2] = t - t0;
	t0 = t;

	/* 4. EM */
	eo.max_iter = o->max_iter;
	if (o->em == OB_LINK_EM_FIXED_U) {
		double guess = (double)r->n / 4;
		eo.flavour = OB_FS_EM_PLAIN;
		eo.estimate_u = false;
		eo.total_pairs = (double)res->total_pairs;
		eo.tol = 1e-9;
		eo.m_prior = 1;
		res->model.lambda = guess / (double)res->total_pairs;
	} else {
		double guess = (double)r->n / 4;
		eo.flavour = o->em == OB_LINK_EM_FASTLINK ? OB_FS_EM_FASTLINK : OB_FS_EM_PLAIN;
		eo.estimate_u = true;
		eo.tol = o->em == OB_LINK_EM_FASTLINK ? 1e-4 : 1e-9;
		eo.m_prior = o->em == OB_LINK_EM_FASTLINK ? 0 : 1;
		res->model.lambda = guess / (double)res->blocking.total;
	}
	if (res->model.lambda >= 0.5)
		res->model.lambda = 0.5;
	if ((e = ob_fs_em(&all, &res->model, &eo, &em))) {
		e = OB_DIAG(d, e, NULL, 0, 0, NULL, 0, "el EM no convergió a valores finitos",
		            "the EM did not converge to finite values");
		goto out;
	}
	res->em_iterations = em.iterations;
	res->em_converged = em.converged;
	res->expected_matches = res->model.lambda *
	                        (o->em == OB_LINK_EM_FIXED_U ? (double)res->total_pairs
	                                                     : (double)res->blocking.total);
	ob_fs_em_result_release(&em);
	ob_fs_weights_init(&res->weights, &res->model);
	t = ob_now();
	res->seconds[3] = t - t0;
	t0 = t;

	/* 5. score every candidate, keep the likely ones */
	c->w = &res->weights;
	for (size_t k = 0; k < layout.nfields; k++) {
		c->wt[k][0] = 0; /* missing */
		for (int l = 0; l < layout.nlevels[k]; l++)
			c->wt[k][l + 1] = res->weights.w[k][l];
		c->tf_max[k] = r->field[k].tf ? ob_fs_tf_adjust(&res->weights, k, 0, (double)r->n)
		                              : 0;
		if (c->tf_max[k] < 0)
			c->tf_max[k] = 0;
	}
	/* the exact test is on the probability; this only spares hopeless pairs */
	c->keep_min = o->report_min < o->threshold ? o->report_min : o->threshold;
	c->w_min = logit2(c->keep_min < 1 ? c->keep_min : 1 - 1e-12) - res->weights.prior - 1e-6;
	c->nchunks = res->blocking.nchunks;
	c->kept = ob_calloc(res->blocking.nchunks ? res->blocking.nchunks : 1, sizeof(*c->kept));
	c->nkept = ob_calloc(res->blocking.nchunks ? res->blocking.nchunks : 1, sizeof(size_t));
	c->capkept = ob_calloc(res->blocking.nchunks ? res->blocking.nchunks : 1, sizeof(size_t));
	atomic_store(&c->done, 0);
	if (o->progress) {
		ob_progress_begin(&prog, "puntuando", res->blocking.total);
		c->prog = &prog;
	}
	ob_parallel_for(res->blocking.nchunks, threads, score_chunk, c);
	if (o->progress)
		ob_progress_end(&prog);
	for (size_t ch = 0; ch < res->blocking.nchunks; ch++)
		res->npairs += c->nkept[ch];
	res->pair = ob_malloc((res->npairs ? res->npairs : 1) * sizeof(*res->pair));
	{
		size_t at = 0;
		for (size_t ch = 0; ch < res->blocking.nchunks; ch++) {
			if (c->nkept[ch])
				memcpy(res->pair + at, c->kept[ch], c->nkept[ch] * sizeof(*res->pair));
			at += c->nkept[ch];
		}
	}

	/* 6. clusters of the pairs of at least the threshold */
	{
		struct ob_link_edge *edges;
		struct ob_cluster_options co = { .method = o->assign,
		                                 .one_per_source = r->nsources > 1,
		                                 .threshold = logit2(o->threshold) };
		size_t ne = 0;

		edges = ob_malloc((res->npairs ? res->npairs : 1) * sizeof(*edges));
		for (size_t k = 0; k < res->npairs; k++) {
			const struct ob_link_pair *q = &res->pair[k];
			if (q->probability < o->threshold)
				continue;
			edges[ne].i = q->i;
			edges[ne].j = q->j;
			edges[ne].score = q->weight + res->weights.prior;
			edges[ne].used = false;
			ne++;
		}
		res->matches = ne;
		e = ob_cluster(r->n, r->source, edges, ne, &co, &res->clusters);
		free(edges);
		if (e) {
			OB_DIAG(d, e, NULL, 0, 0, NULL, 0, "agrupamiento", "clustering");
			goto out;
		}
		for (size_t k = 0; k < res->npairs; k++)
			res->pair[k].cluster_same = res->clusters.cluster[res->pair[k].i] ==
			                            res->clusters.cluster[res->pair[k].j];
	}
	res->seconds[4] = ob_now() - t0;
	e = OB_OK;
out:
	if (c) {
		for (int w = 0; w < threads; w++) {
			if (c->pat)
				ob_fs_patterns_release(&c->pat[w]);
			if (c->cache)
				ob_link_cache_free(c->cache[w]);
		}
		free(c->cache);
		for (size_t ch = 0; c->kept && ch < c->nchunks; ch++)
			free(c->kept[ch]);
		free(c->kept);
		free(c->nkept);
		free(c->capkept);
		free(c->pat);
		free(c->err);
		free(c->codes);
		free(c->ij);
		for (int w = 0; c->dense && w < threads; w++)
			free(c->dense[w]);
		free(c->dense);
		free(c);
	}
	ob_fs_patterns_release(&all);
	if (e)
		ob_link_result_release(res);
	return e;
}

void ob_link_explain(const struct ob_link_records *r, const struct ob_link_result *res,
                     uint32_t i, uint32_t j, struct ob_link_cmp *cmp, struct ob_fs_score *score)
{
	double tf[OB_MAX_LINK_FIELDS] = { 0 };

	ob_link_compare(r, i, j, cmp);
	for (size_t k = 0; k < r->nfields; k++)
		if (cmp->level[k] == res->model.layout.nlevels[k] - 1 && cmp->freq[k] > 0)
			tf[k] = ob_fs_tf_adjust(&res->weights, k, cmp->freq[k], (double)r->n);
	ob_fs_score_levels(&res->weights, cmp->level, tf, score);
}
