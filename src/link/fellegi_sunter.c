/* fellegi_sunter.c - Fellegi-Sunter patterns, EM (plain and fastLink's), weights and scores (see fellegi_sunter.h). */
#include "link/fellegi_sunter.h"

#include <math.h>

ob_err ob_fs_layout_init(struct ob_fs_layout *l, size_t nfields, const int *nlevels)
{
	uint64_t place = 1;

	memset(l, 0, sizeof(*l));
	if (nfields == 0 || nfields > OB_MAX_LINK_FIELDS)
		return OB_EINVAL;
	l->nfields = nfields;
	for (size_t k = 0; k < nfields; k++) {
		if (nlevels[k] < 1 || nlevels[k] > OB_MAX_LEVELS)
			return OB_EINVAL;
		l->nlevels[k] = nlevels[k];
		l->radix[k] = (uint32_t)place;
		place *= (uint64_t)nlevels[k] + 1; /* digit 0 is "missing" */
		if (place > UINT32_MAX)
			return OB_ETOOBIG;
	}
	l->ncodes = place;
	return OB_OK;
}

uint32_t ob_fs_encode(const struct ob_fs_layout *l, const int8_t *levels)
{
	uint32_t c = 0;

	for (size_t k = 0; k < l->nfields; k++)
		c += l->radix[k] * (uint32_t)(levels[k] + 1);
	return c;
}

void ob_fs_decode(const struct ob_fs_layout *l, uint32_t code, int8_t *levels)
{
	for (size_t k = 0; k < l->nfields; k++) {
		uint32_t base = (uint32_t)l->nlevels[k] + 1;
		levels[k] = (int8_t)((int)(code % base) - 1);
		code /= base;
	}
}

/* ---- pattern table ------------------------------------------------------ */

static size_t hash32(uint32_t c, size_t mask)
{
	return (size_t)(((uint64_t)c * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

void ob_fs_patterns_init(struct ob_fs_patterns *p, const struct ob_fs_layout *l)
{
	memset(p, 0, sizeof(*p));
	p->layout = *l;
}

void ob_fs_patterns_release(struct ob_fs_patterns *p)
{
	free(p->code);
	free(p->count);
	free(p->slot);
	p->code = p->slot = NULL;
	p->count = NULL;
	p->n = p->cap = p->nslot = 0;
}

static void rehash(struct ob_fs_patterns *p, size_t nslot)
{
	free(p->slot);
	p->slot = ob_calloc(nslot, sizeof(*p->slot));
	p->nslot = nslot;
	for (size_t i = 0; i < p->n; i++) {
		size_t h = hash32(p->code[i], nslot - 1);
		while (p->slot[h])
			h = (h + 1) & (nslot - 1);
		p->slot[h] = (uint32_t)i + 1;
	}
}

long ob_fs_patterns_find(const struct ob_fs_patterns *p, uint32_t code)
{
	size_t h;

	if (!p->nslot)
		return -1;
	h = hash32(code, p->nslot - 1);
	while (p->slot[h]) {
		if (p->code[p->slot[h] - 1] == code)
			return (long)p->slot[h] - 1;
		h = (h + 1) & (p->nslot - 1);
	}
	return -1;
}

ob_err ob_fs_patterns_add(struct ob_fs_patterns *p, uint32_t code, double count)
{
	long i = ob_fs_patterns_find(p, code);
	size_t h;

	if (i >= 0) {
		p->count[i] += count;
		return OB_OK;
	}
	if (p->n >= OB_MAX_LINK_PATTERNS)
		return OB_ETOOBIG;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->code = ob_realloc(p->code, p->cap * sizeof(*p->code));
		p->count = ob_realloc(p->count, p->cap * sizeof(*p->count));
	}
	p->code[p->n] = code;
	p->count[p->n] = count;
	p->n++;
	if (4 * p->n >= 3 * p->nslot) {
		rehash(p, p->nslot ? 2 * p->nslot : 256);
		return OB_OK;
	}
	h = hash32(code, p->nslot - 1);
	while (p->slot[h])
		h = (h + 1) & (p->nslot - 1);
	p->slot[h] = (uint32_t)p->n;
	return OB_OK;
}

ob_err ob_fs_patterns_merge(struct ob_fs_patterns *dst, const struct ob_fs_patterns *src)
{
	ob_err e;

	for (size_t i = 0; i < src->n; i++)
		if ((e = ob_fs_patterns_add(dst, src->code[i], src->count[i])))
			return e;
	return OB_OK;
}

static int cmp_code_count(const void *a, const void *b)
{
	const struct {
		uint32_t code;
		double count;
	} *x = a, *y = b;
	return x->code < y->code ? -1 : x->code > y->code;
}

void ob_fs_patterns_sort(struct ob_fs_patterns *p)
{
	struct cc {
		uint32_t code;
		double count;
	} *v;

	if (p->n < 2)
		return;
	v = ob_malloc(p->n * sizeof(*v));
	for (size_t i = 0; i < p->n; i++) {
		v[i].code = p->code[i];
		v[i].count = p->count[i];
	}
	qsort(v, p->n, sizeof(*v), cmp_code_count);
	for (size_t i = 0; i < p->n; i++) {
		p->code[i] = v[i].code;
		p->count[i] = v[i].count;
	}
	free(v);
	rehash(p, p->nslot);
}

double ob_fs_patterns_total(const struct ob_fs_patterns *p)
{
	long double s = 0;

	for (size_t i = 0; i < p->n; i++)
		s += p->count[i];
	return (double)s;
}

/* ---- model -------------------------------------------------------------- */

void ob_fs_model_init(struct ob_fs_model *m, const struct ob_fs_layout *l, double lambda)
{
	memset(m, 0, sizeof(*m));
	m->layout = *l;
	m->lambda = lambda;
	for (size_t k = 0; k < l->nfields; k++) {
		int n = l->nlevels[k];
		double rest = 0.1, sum = 0;

		if (n == 1) {
			m->m[k][0] = m->u[k][0] = 1;
			continue;
		}
		/* below the top: shares 1, 2, ..., n-1 of the remaining 0.1 */
		for (int i = 1; i < n; i++)
			sum += i;
		for (int i = 0; i < n - 1; i++) {
			m->m[k][i] = rest * (i + 1) / sum;
			m->u[k][n - 2 - i] = rest * (i + 1) / sum;
		}
		m->m[k][n - 1] = 0.9;
		/* u: the mirror image, most mass on disagreement */
		for (int i = n - 1; i > 0; i--)
			m->u[k][i] = m->u[k][i - 1];
		m->u[k][0] = 0.9;
	}
}

void ob_fs_em_result_release(struct ob_fs_em_result *res)
{
	free(res->zeta);
	free(res->pm);
	free(res->pu);
	memset(res, 0, sizeof(*res));
}

/* Levels of every pattern, decoded once: n x nfields. */
static int8_t *decode_all(const struct ob_fs_patterns *p)
{
	size_t nf = p->layout.nfields;
	int8_t *g = ob_malloc(p->n * nf + 1);

	for (size_t j = 0; j < p->n; j++)
		ob_fs_decode(&p->layout, p->code[j], g + j * nf);
	return g;
}

static ob_err em_plain(const struct ob_fs_patterns *p, const int8_t *g,
                       struct ob_fs_model *md, const struct ob_fs_em_options *o,
                       struct ob_fs_em_result *res)
{
	size_t nf = p->layout.nfields, n = p->n;
	double tol = o->tol > 0 ? o->tol : 1e-10;
	int maxit = o->max_iter > 0 ? o->max_iter : 5000;
	long double total = 0;
	double denom_pairs;
	double *z = res->zeta;

	for (size_t j = 0; j < n; j++)
		total += p->count[j];
	denom_pairs = o->total_pairs > 0 ? o->total_pairs : (double)total;
	for (int it = 1; it <= maxit; it++) {
		double old_m[OB_MAX_LINK_FIELDS][OB_MAX_LEVELS], old_u[OB_MAX_LINK_FIELDS][OB_MAX_LEVELS];
		double old_lambda = md->lambda, delta;
		long double sz = 0;

		for (size_t j = 0; j < n; j++) {
			double sm = 0, su = 0, lm, lu;
			/* in R's order: the fields' logs summed, then the prior's */
			for (size_t k = 0; k < nf; k++) {
				int lev = g[j * nf + k];
				if (lev < 0)
					continue;
				sm += log(md->m[k][lev]);
				su += log(md->u[k][lev]);
			}
			lm = log(md->lambda) + sm;
			lu = log(1 - md->lambda) + su;
			z[j] = 1 / (1 + exp(lu - lm));
			res->pm[j] = exp(sm);
			res->pu[j] = exp(su);
			if (isnan(z[j]))
				return OB_ENOFIT;
		}
		memcpy(old_m, md->m, sizeof(old_m));
		memcpy(old_u, md->u, sizeof(old_u));
		for (size_t j = 0; j < n; j++)
			sz += p->count[j] * z[j];
		md->lambda = (double)sz / denom_pairs;
		for (size_t k = 0; k < nf; k++) {
			long double num_m[OB_MAX_LEVELS] = { 0 }, num_u[OB_MAX_LEVELS] = { 0 };
			long double den_m = 0, den_u = 0;
			for (size_t j = 0; j < n; j++) {
				int lev = g[j * nf + k];
				double nz, nu;
				if (lev < 0)
					continue;
				nz = p->count[j] * z[j];
				nu = p->count[j] * (1 - z[j]);
				num_m[lev] += nz;
				den_m += nz;
				num_u[lev] += nu;
				den_u += nu;
			}
			for (int l = 0; l < p->layout.nlevels[k]; l++) {
				if (o->m_prior > 0)
					md->m[k][l] = (double)(num_m[l] + o->m_prior) /
					              (double)(den_m + o->m_prior * p->layout.nlevels[k]);
				else if (den_m > 0)
					md->m[k][l] = (double)num_m[l] / (double)den_m;
				if (o->estimate_u && den_u > 0)
					md->u[k][l] = (double)num_u[l] / (double)den_u;
			}
		}
		delta = fabs(md->lambda - old_lambda);
		for (size_t k = 0; k < nf; k++) {
			for (int l = 0; l < p->layout.nlevels[k]; l++) {
				double dm = fabs(md->m[k][l] - old_m[k][l]);
				double du = fabs(md->u[k][l] - old_u[k][l]);
				if (dm > delta)
					delta = dm;
				if (du > delta)
					delta = du;
			}
		}
		res->iterations = it;
		if (isnan(delta) || isnan(md->lambda))
			return OB_ENOFIT;
		if (delta < tol) {
			res->converged = true;
			break;
		}
	}
	return OB_OK;
}

static int cmp_up(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int cmp_down(const void *a, const void *b)
{
	return cmp_up(b, a);
}

/* R's sum(log(x), na.rm = TRUE): NaN terms (log of a negative) dropped. */
static double sumlog_add(long double *acc, double x)
{
	double lx = log(x);
	if (!isnan(lx))
		*acc += lx;
	return lx;
}

/*
 * fastLink's emlinkMARmov, on the levels each field actually shows (its
 * level index l is the l-th present level in increasing order).
 */
static ob_err em_fastlink(const struct ob_fs_patterns *p, const int8_t *g,
                          struct ob_fs_model *md, const struct ob_fs_em_options *o,
                          struct ob_fs_em_result *res)
{
	size_t nf = p->layout.nfields, n = p->n;
	double tol = o->tol > 0 ? o->tol : 1e-4;
	int maxit = o->max_iter > 0 ? o->max_iter : 5000;
	int nl[OB_MAX_LINK_FIELDS], idx[OB_MAX_LINK_FIELDS][OB_MAX_LEVELS];
	int lev_of[OB_MAX_LINK_FIELDS][OB_MAX_LEVELS];
	double m[OB_MAX_LINK_FIELDS][OB_MAX_LEVELS], u[OB_MAX_LINK_FIELDS][OB_MAX_LEVELS];
	double pm = md->lambda, pu = 1 - md->lambda, delta = 1;
	long double sn = 0;
	int count = 1;

	/* which levels each field shows */
	for (size_t k = 0; k < nf; k++) {
		bool seen[OB_MAX_LEVELS] = { false };
		for (size_t j = 0; j < n; j++)
			if (g[j * nf + k] >= 0 && p->count[j] > 0)
				seen[g[j * nf + k]] = true;
		nl[k] = 0;
		for (int l = 0; l < p->layout.nlevels[k]; l++) {
			idx[k][l] = -1;
			if (seen[l]) {
				idx[k][l] = nl[k];
				lev_of[k][nl[k]] = l;
				m[k][nl[k]] = md->m[k][l];
				u[k][nl[k]] = md->u[k][l];
				nl[k]++;
			}
		}
	}
	for (size_t j = 0; j < n; j++)
		sn += p->count[j];
	while (fabs(delta) >= tol) {
		double old[2 + 2 * OB_MAX_LINK_FIELDS * OB_MAX_LEVELS], nw[sizeof(old) / sizeof(double)];
		size_t no = 0, nn = 0;
		long double snum = 0;
		double lpm;

		old[no++] = pm;
		old[no++] = pu;
		for (size_t k = 0; k < nf; k++)
			for (int l = 0; l < nl[k]; l++)
				old[no++] = m[k][l];
		for (size_t k = 0; k < nf; k++)
			for (int l = 0; l < nl[k]; l++)
				old[no++] = u[k][l];

		/* E-step */
		for (size_t j = 0; j < n; j++) {
			long double am = 0, au = 0;
			double a, b, lsum;
			for (size_t k = 0; k < nf; k++) {
				int lev = g[j * nf + k];
				if (lev < 0)
					continue;
				sumlog_add(&am, m[k][idx[k][lev]]);
				sumlog_add(&au, u[k][idx[k][lev]]);
			}
			res->pm[j] = exp((double)am);
			res->pu[j] = exp((double)au);
			a = log(res->pm[j]) + log(pm);
			b = log(res->pu[j]) + log(pu);
			lsum = (a > b ? a : b) + log1p(exp(-fabs(a - b)));
			res->zeta[j] = exp(a - lsum);
		}
		/* M-step */
		for (size_t j = 0; j < n; j++)
			snum += exp(log(p->count[j]) + log(res->zeta[j]));
		lpm = log(((double)snum + 1.0) - 1.0) - log(0.0 + (double)sn);
		pm = exp(lpm);
		pu = 1 - pm;
		for (size_t k = 0; k < nf; k++) {
			for (int l = 0; l < nl[k]; l++) {
				long double nm = 0, dm = 0, nu = 0, du = 0;
				for (size_t j = 0; j < n; j++) {
					int lev = g[j * nf + k];
					double num;
					if (lev < 0)
						continue;
					num = exp(log(p->count[j]) + log(res->zeta[j]));
					dm += num;
					du += p->count[j] - num;
					if (idx[k][lev] == l) {
						nm += num;
						nu += p->count[j] - num;
					}
				}
				m[k][l] = (double)nm / (double)dm;
				u[k][l] = (double)nu / (double)du;
			}
		}
		for (size_t k = 0; k < nf; k++) {
			qsort(m[k], (size_t)nl[k], sizeof(double), cmp_up);
			qsort(u[k], (size_t)nl[k], sizeof(double), cmp_down);
		}
		nw[nn++] = pm;
		nw[nn++] = pu;
		for (size_t k = 0; k < nf; k++)
			for (int l = 0; l < nl[k]; l++)
				nw[nn++] = m[k][l];
		for (size_t k = 0; k < nf; k++)
			for (int l = 0; l < nl[k]; l++)
				nw[nn++] = u[k][l];
		delta = 0;
		for (size_t i = 0; i < nn; i++) {
			double d = fabs(nw[i] - old[i]);
			if (d > delta || isnan(d))
				delta = d;
		}
		if (isnan(delta))
			return OB_ENOFIT;
		count++;
		res->iterations = count - 1;
		if (count > maxit)
			break;
	}
	res->converged = fabs(delta) < tol;
	md->lambda = pm;
	for (size_t k = 0; k < nf; k++) {
		for (int l = 0; l < p->layout.nlevels[k]; l++)
			md->m[k][l] = md->u[k][l] = 0;
		for (int l = 0; l < nl[k]; l++) {
			md->m[k][lev_of[k][l]] = m[k][l];
			md->u[k][lev_of[k][l]] = u[k][l];
		}
	}
	return OB_OK;
}

ob_err ob_fs_em(const struct ob_fs_patterns *p, struct ob_fs_model *model,
                const struct ob_fs_em_options *o, struct ob_fs_em_result *res)
{
	int8_t *g;
	ob_err e;

	memset(res, 0, sizeof(*res));
	if (p->n == 0 || ob_fs_patterns_total(p) <= 0 || !(model->lambda > 0) ||
	    !(model->lambda < 1))
		return OB_EINVAL;
	res->n = p->n;
	res->zeta = ob_calloc(p->n, sizeof(double));
	res->pm = ob_calloc(p->n, sizeof(double));
	res->pu = ob_calloc(p->n, sizeof(double));
	g = decode_all(p);
	if (o->flavour == OB_FS_EM_FASTLINK)
		e = em_fastlink(p, g, model, o, res);
	else
		e = em_plain(p, g, model, o, res);
	free(g);
	return e;
}

/* ---- weights and scores -------------------------------------------------- */

void ob_fs_weights_init(struct ob_fs_weights *w, const struct ob_fs_model *m)
{
	double lambda = m->lambda;

	memset(w, 0, sizeof(*w));
	w->layout = m->layout;
	if (lambda < OB_FS_FLOOR)
		lambda = OB_FS_FLOOR;
	if (lambda > 1 - OB_FS_FLOOR)
		lambda = 1 - OB_FS_FLOOR;
	w->prior = log2(lambda / (1 - lambda));
	for (size_t k = 0; k < m->layout.nfields; k++) {
		int top = m->layout.nlevels[k] - 1;
		for (int l = 0; l <= top; l++) {
			double mm = m->m[k][l], uu = m->u[k][l];
			if (!(mm > 0) && !(uu > 0)) {
				w->w[k][l] = 0;
				continue;
			}
			if (!(mm > OB_FS_FLOOR))
				mm = OB_FS_FLOOR;
			if (!(uu > OB_FS_FLOOR))
				uu = OB_FS_FLOOR;
			w->w[k][l] = log2(mm / uu);
		}
		w->u_top[k] = m->u[k][top] > OB_FS_FLOOR ? m->u[k][top] : OB_FS_FLOOR;
	}
}

double ob_fs_tf_adjust(const struct ob_fs_weights *w, size_t field, double freq,
                       double records)
{
	double floor = records > 0 ? 1 / records : OB_FS_FLOOR;

	if (!(freq > floor))
		freq = floor;
	return log2(w->u_top[field] / freq);
}

double ob_fs_probability(const struct ob_fs_weights *w, double weight)
{
	double x = weight + w->prior;

	/* 1 / (1 + 2^-x), without overflow */
	if (x >= 0)
		return 1 / (1 + exp2(-x));
	return exp2(x) / (1 + exp2(x));
}

void ob_fs_score_levels(const struct ob_fs_weights *w, const int8_t *levels,
                        const double *tf, struct ob_fs_score *out)
{
	double sum = 0;

	for (size_t k = 0; k < w->layout.nfields; k++) {
		double c = 0;
		if (levels[k] >= 0) {
			c = w->w[k][levels[k]];
			if (tf)
				c += tf[k];
		}
		out->contrib[k] = c;
		sum += c;
	}
	out->weight = sum;
	out->probability = ob_fs_probability(w, sum);
}
