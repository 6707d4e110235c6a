/* uncertainty.c - Monte Carlo uncertainty and first-order sensitivity of an index. */
#include "index/uncertainty.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>

#include "base/log.h"
#include "base/rng.h"
#include "index/index_impl.h"
#include "stats/composite.h"

const char *ob_index_factor_name(enum ob_ix_factor f)
{
	switch (f) {
	case OB_IX_F_WEIGHTS:
		return "weights";
	case OB_IX_F_NORMALISATION:
		return "normalisation";
	case OB_IX_F_AGGREGATION:
		return "aggregation";
	case OB_IX_N_FACTORS:
		break;
	}
	return "?";
}

void ob_index_mc_release(struct ob_index_mc *mc)
{
	free(mc->rank_median);
	free(mc->rank_low);
	free(mc->rank_high);
	free(mc->p_level);
	free(mc->p_top);
	memset(mc, 0, sizeof(*mc));
}

/* Gamma(shape, 1) deviate: Marsaglia and Tsang (2000); shape < 1 through
 * G(shape + 1) U^(1/shape). Only basic operations and ob_rng_log/exp. */
static double gamma_draw(struct ob_rng *r, double shape)
{
	double boost = 1;

	if (shape < 1) {
		double u;
		do
			u = ob_rng_uniform(r);
		while (u <= 0);
		boost = ob_rng_exp(ob_rng_log(u) / shape);
		shape += 1;
	}
	{
		double dd = shape - 1.0 / 3, c = 1 / sqrt(9 * dd);
		for (;;) {
			double x = ob_rng_normal(r, 0, 1), v = 1 + c * x, u;
			if (v <= 0)
				continue;
			v = v * v * v;
			u = ob_rng_uniform(r);
			if (u < 1 - 0.0331 * x * x * x * x)
				return dd * v * boost;
			if (u > 0 && ob_rng_log(u) < 0.5 * x * x + dd * (1 - v + ob_rng_log(v)))
				return dd * v * boost;
		}
	}
}

/* One draw of every factor. */
struct draw {
	double *wi, *wn;
	size_t norm, agg;
};

struct mc_ctx {
	const struct ob_index_def *def;
	const struct ob_index_input *in;
	size_t nu, ni, nn, runs;
	uint64_t seed;
	double **normalised;   /* per normalisation alternative: nu x ni */
	enum ob_ix_agg *aggs;  /* per aggregation alternative: nn */
	bool varied[OB_IX_N_FACTORS];
	size_t nvariants;      /* A, B, then one per varied factor */
	int variant_factor[2 + OB_IX_N_FACTORS]; /* -1 for A and B */
	uint32_t *rank;        /* nvariants x runs x nu */
	unsigned char *level;  /* runs x nu (sample A) */
	unsigned threads;
	double deadline;       /* 0: none */
	const _Atomic int *cancel;
};

/* Whether the analysis must stop before the next run (and why). */
static ob_err must_stop(const struct mc_ctx *c, struct ob_diag *d)
{
	if (c->cancel && atomic_load(c->cancel))
		return OB_DIAG(d, OB_ECANCELED, c->def->file, 0, 0, NULL, 0,
		               "análisis de incertidumbre cancelado",
		               "uncertainty analysis canceled");
	if (c->deadline > 0 && ob_now() > c->deadline)
		return OB_DIAG(d, OB_ETIMEDOUT, c->def->file, 0, 0, NULL, 0,
		               "el análisis de incertidumbre agotó su tiempo",
		               "the uncertainty analysis ran out of time");
	return OB_OK;
}

static void draw_weights(const struct mc_ctx *c, uint64_t sample, size_t i, double *wi,
                         double *wn)
{
	const struct ob_index_def *def = c->def;
	struct ob_rng r;

	ob_ix_nominal_weights(def, wi, wn);
	if (def->mc.weights == OB_IX_W_FIXED)
		return;
	ob_rng_seed_stream(&r, c->seed, sample ? "index-weights-B" : "index-weights-A", i);
	if (def->mc.weights == OB_IX_W_UNIFORM) {
		double p = def->mc.weights_param;
		for (size_t j = 0; j < def->nind; j++)
			wi[j] *= 1 - p + 2 * p * ob_rng_uniform(&r);
		for (size_t n = 1; n < def->nnode; n++)
			wn[n] *= 1 - p + 2 * p * ob_rng_uniform(&r);
		return;
	}
	for (size_t n = 0; n < def->nnode; n++) {
		double sw = 0, sg = 0, g[OB_MAX_INDEX_INDICATORS + OB_MAX_INDEX_NODES];
		size_t k0 = def->kid_off[n], k1 = def->kid_off[n + 1];
		for (size_t q = k0; q < k1; q++) {
			size_t x = def->kids[q];
			sw += x < def->nind ? wi[x] : wn[x - def->nind];
		}
		for (size_t q = k0; q < k1; q++) {
			size_t x = def->kids[q];
			double w = x < def->nind ? wi[x] : wn[x - def->nind];
			g[q - k0] = w > 0 ? gamma_draw(&r, def->mc.weights_param * w / sw) : 0;
			sg += g[q - k0];
		}
		if (!(sg > 0) || !isfinite(sg))
			continue; /* all draws underflowed: keep the nominal shares */
		for (size_t q = k0; q < k1; q++) {
			size_t x = def->kids[q];
			if (x < def->nind)
				wi[x] = g[q - k0] / sg;
			else
				wn[x - def->nind] = g[q - k0] / sg;
		}
	}
}

static size_t draw_choice(const struct mc_ctx *c, const char *tag, size_t i, size_t n)
{
	struct ob_rng r;

	if (n < 2)
		return 0;
	ob_rng_seed_stream(&r, c->seed, tag, i);
	return (size_t)ob_rng_below(&r, n);
}

/* Factor f of variant v comes from sample A (0) or B (1). */
static uint64_t sample_of(const struct mc_ctx *c, size_t v, int f)
{
	if (v == 1)
		return 1;
	return v >= 2 && c->variant_factor[v] == f;
}

struct worker {
	struct mc_ctx *c;
	unsigned id;
	ob_err err;
	struct ob_diag diag;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct mc_ctx *c = w->c;
	const struct ob_index_def *def = c->def;
	double *wi = ob_malloc(c->ni * sizeof(*wi)), *wn = ob_malloc(c->nn * sizeof(*wn));
	double *node = ob_malloc(c->nn * sizeof(*node)), *score = ob_malloc(c->nu * sizeof(*score));
	double brk[OB_MAX_CLASSES + 1];
	size_t *rank = ob_malloc(c->nu * sizeof(*rank)), *lev = ob_malloc(c->nu * sizeof(*lev));

	for (size_t i = w->id; i < c->runs && !w->err; i += c->threads) {
		if ((w->err = must_stop(c, &w->diag)))
			break;
		for (size_t v = 0; v < c->nvariants && !w->err; v++) {
			size_t nalt, aalt;
			const double *z;
			const enum ob_ix_agg *ag;
			draw_weights(c, sample_of(c, v, OB_IX_F_WEIGHTS), i, wi, wn);
			nalt = draw_choice(c, sample_of(c, v, OB_IX_F_NORMALISATION) ? "index-norm-B"
			                                                           : "index-norm-A",
			                   i, def->mc.nnorm);
			aalt = draw_choice(c, sample_of(c, v, OB_IX_F_AGGREGATION) ? "index-agg-B"
			                                                         : "index-agg-A",
			                   i, def->mc.nagg);
			z = c->normalised[nalt];
			ag = c->aggs + aalt * c->nn;
			for (size_t u = 0; u < c->nu; u++) {
				if (ob_ix_aggregate_unit(def, z + u * c->ni, wi, wn, ag, node) ||
				    isnan(node[0])) {
					w->err = OB_DIAG(&w->diag, OB_EINVAL, def->file, 0, 0,
					                 c->in->unit[u], strlen(c->in->unit[u]),
					                 "una corrida de Monte Carlo no pudo "
					                 "calcular el puntaje de la unidad",
					                 "a Monte Carlo run could not "
					                 "compute the unit's score");
					break;
				}
				score[u] = node[0];
			}
			if (w->err)
				break;
			ob_rank_desc(score, c->nu, rank);
			for (size_t u = 0; u < c->nu; u++)
				c->rank[(v * c->runs + i) * c->nu + u] = (uint32_t)rank[u];
			if (v == 0) {
				if ((w->err = ob_ix_classify(def, score, c->nu, brk, lev, &w->diag)))
					break;
				for (size_t u = 0; u < c->nu; u++)
					c->level[i * c->nu + u] = (unsigned char)lev[u];
			}
		}
	}
	free(wi);
	free(wn);
	free(node);
	free(score);
	free(rank);
	free(lev);
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Type 1 quantile of sorted s[0..n): s[ceil(n p) - 1], at least s[0]. */
static uint32_t quantile1(const uint32_t *s, size_t n, double p)
{
	double h = ceil((double)n * p - 1e-9);
	size_t k = h < 1 ? 1 : (size_t)h;
	return s[(k > n ? n : k) - 1];
}

static void summarise(const struct mc_ctx *c, struct ob_index_mc *mc)
{
	size_t nu = c->nu, N = c->runs;
	uint32_t *s = ob_malloc(N * sizeof(*s));
	double vtot = 0, vsum[OB_IX_N_FACTORS] = { 0 };

	for (size_t u = 0; u < nu; u++) {
		size_t ntop = 0;
		double mean = 0, ss = 0;
		for (size_t i = 0; i < N; i++) {
			s[i] = c->rank[i * nu + u];
			mc->p_level[u * mc->levels + c->level[i * nu + u] - 1] += 1;
			ntop += c->def->top && s[i] <= c->def->top;
		}
		qsort(s, N, sizeof(*s), cmp_u32);
		mc->rank_median[u] = N % 2 ? s[N / 2] : ((double)s[N / 2 - 1] + s[N / 2]) / 2;
		mc->rank_low[u] = quantile1(s, N, 0.05);
		mc->rank_high[u] = quantile1(s, N, 0.95);
		mc->p_top[u] = (double)ntop / (double)N;
		for (size_t l = 0; l < mc->levels; l++)
			mc->p_level[u * mc->levels + l] /= (double)N;
		/* variance of the rank over A and B */
		for (size_t v = 0; v < 2; v++)
			for (size_t i = 0; i < N; i++)
				mean += c->rank[(v * N + i) * nu + u];
		mean /= (double)(2 * N);
		for (size_t v = 0; v < 2; v++)
			for (size_t i = 0; i < N; i++) {
				double dv = c->rank[(v * N + i) * nu + u] - mean;
				ss += dv * dv;
			}
		vtot += ss / (double)(2 * N);
		for (size_t v = 2; v < c->nvariants; v++) {
			int f = c->variant_factor[v];
			double acc = 0;
			for (size_t i = 0; i < N; i++) {
				double yb = c->rank[(N + i) * nu + u];
				double yab = c->rank[(v * N + i) * nu + u];
				double ya = c->rank[i * nu + u];
				acc += yb * (yab - ya);
			}
			vsum[f] += acc / (double)N;
		}
	}
	for (int f = 0; f < OB_IX_N_FACTORS; f++) {
		mc->varied[f] = c->varied[f];
		mc->share[f] = c->varied[f] && vtot > 0 ? vsum[f] / vtot : 0;
	}
	free(s);
}

ob_err ob_index_uncertainty(const struct ob_index_def *def, const struct ob_index_input *in,
                            const struct ob_index_result *nominal,
                            const struct ob_index_mc_options *opt, struct ob_index_mc *mc,
                            struct ob_diag *d)
{
	struct mc_ctx c;
	struct worker w[2];
	pthread_t tid;
	size_t cells;
	ob_err e = OB_OK;

	memset(mc, 0, sizeof(*mc));
	memset(&c, 0, sizeof(c));
	if (!opt || opt->runs < 1 || opt->runs > OB_MAX_INDEX_RUNS)
		return OB_DIAG(d, OB_EINVAL, def->file, 0, 0, NULL, 0,
		               "número de corridas fuera de 1..%d",
		               "number of runs out of 1..%d", OB_MAX_INDEX_RUNS);
	c.def = def;
	c.in = in;
	c.nu = in->nunits;
	c.ni = def->nind;
	c.nn = def->nnode;
	c.runs = opt->runs;
	c.seed = opt->seed;
	c.threads = opt->threads >= 2 && opt->runs >= 2 ? 2 : 1;
	c.deadline = opt->deadline;
	c.cancel = opt->cancel;
	c.varied[OB_IX_F_WEIGHTS] = def->mc.weights != OB_IX_W_FIXED;
	c.varied[OB_IX_F_NORMALISATION] = def->mc.nnorm > 1;
	c.varied[OB_IX_F_AGGREGATION] = def->mc.nagg > 1;
	c.variant_factor[0] = c.variant_factor[1] = -1;
	c.nvariants = 2;
	for (int f = 0; f < OB_IX_N_FACTORS; f++)
		if (c.varied[f])
			c.variant_factor[c.nvariants++] = f;
	cells = c.nvariants * c.runs;
	if (cells > OB_MAX_INDEX_MC_CELLS / c.nu)
		return OB_DIAG(d, OB_ETOOBIG, def->file, 0, 0, NULL, 0,
		               "%zu corridas x %zu variantes x %zu unidades excede el límite "
		               "de %d resultados; use menos corridas",
		               "%zu runs x %zu variants x %zu units exceeds the limit of %d "
		               "results; use fewer runs", c.runs, c.nvariants, c.nu,
		               OB_MAX_INDEX_MC_CELLS);
	mc->nunits = c.nu;
	mc->runs = c.runs;
	mc->levels = def->levels;
	mc->rank_median = ob_calloc(c.nu, sizeof(*mc->rank_median));
	mc->rank_low = ob_calloc(c.nu, sizeof(*mc->rank_low));
	mc->rank_high = ob_calloc(c.nu, sizeof(*mc->rank_high));
	mc->p_level = ob_calloc(c.nu * def->levels, sizeof(*mc->p_level));
	mc->p_top = ob_calloc(c.nu, sizeof(*mc->p_top));
	mc->evaluations = cells;
	c.normalised = ob_calloc(def->mc.nnorm, sizeof(*c.normalised));
	for (size_t i = 0; i < def->mc.nnorm; i++) {
		c.normalised[i] = ob_malloc(c.nu * c.ni * sizeof(double));
		if (def->mc.norm_nominal[i])
			memcpy(c.normalised[i], nominal->norm, c.nu * c.ni * sizeof(double));
		else if ((e = ob_ix_normalise_all(def, in, &def->mc.norm[i], nominal->treated,
		                                  nominal->imputed, c.normalised[i], d)))
			goto out;
	}
	c.aggs = ob_malloc(def->mc.nagg * c.nn * sizeof(*c.aggs));
	for (size_t a = 0; a < def->mc.nagg; a++)
		ob_ix_node_aggs(def, def->mc.agg[a], c.aggs + a * c.nn);
	c.rank = ob_malloc(cells * c.nu * sizeof(*c.rank));
	c.level = ob_malloc(c.runs * c.nu);
	for (unsigned t = 0; t < c.threads; t++) {
		w[t].c = &c;
		w[t].id = t;
		w[t].err = OB_OK;
		ob_diag_clear(&w[t].diag);
	}
	if (c.threads == 2 && pthread_create(&tid, NULL, work, &w[1]) != 0)
		c.threads = 1; /* no second thread: the first does every run */
	work(&w[0]);
	if (c.threads == 2)
		pthread_join(tid, NULL);
	for (unsigned t = 0; t < c.threads; t++)
		if (w[t].err) {
			e = w[t].err;
			*d = w[t].diag;
			goto out;
		}
	summarise(&c, mc);
out:
	if (c.normalised)
		for (size_t i = 0; i < def->mc.nnorm; i++)
			free(c.normalised[i]);
	free(c.normalised);
	free(c.aggs);
	free(c.rank);
	free(c.level);
	return e;
}
