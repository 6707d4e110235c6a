/* spatial.c - Getis-Ord Gi/Gi*, local and global Moran's I (spdep conventions). */
#include "stats/spatial.h"

#include <math.h>

#include "stats/dist.h"

static bool input_ok(const double *x, const struct ob_nb *nb, size_t min_n)
{
	if (!x || !nb || nb->n < min_n || nb->n > OB_MAX_AREAS)
		return false;
	for (size_t i = 0; i < nb->n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

/*
 * Weights of area i's row: each neighbour (and i itself when self is set)
 * weighs 1 (B) or 1/count (W). Gives the row sum W_i, the sum of squares
 * S1_i and the lag sum_j w_ij v_j of v (v may be NULL).
 */
struct row {
	double w;          /* the weight of every member of the row */
	size_t count;      /* members */
	double wsum, w2sum;
	double lag;
};

static void row_of(const struct ob_nb *nb, size_t i, bool self, enum ob_weights_style style,
                   const double *v, struct row *r)
{
	r->count = ob_nb_count(nb, i) + (self ? 1 : 0);
	r->w = r->count == 0 ? 0 : style == OB_WEIGHTS_W ? 1.0 / (double)r->count : 1.0;
	r->wsum = r->w * (double)r->count;
	r->w2sum = r->w * r->w * (double)r->count;
	r->lag = 0;
	if (!v)
		return;
	for (size_t e = nb->start[i]; e < nb->start[i + 1]; e++)
		r->lag += r->w * v[nb->idx[e]];
	if (self)
		r->lag += r->w * v[i];
}

static double two_sided(double z)
{
	return 2 * ob_pnorm_upper(fabs(z));
}

ob_err ob_local_g(const double *x, const struct ob_nb *nb, bool star,
                  enum ob_weights_style style, struct ob_local_g *out)
{
	double sum = 0, sum2 = 0, dn;
	size_t n;

	if (!input_ok(x, nb, 3) || !out || (style != OB_WEIGHTS_B && style != OB_WEIGHTS_W))
		return OB_EINVAL;
	n = nb->n;
	dn = (double)n;
	for (size_t i = 0; i < n; i++) {
		sum += x[i];
		sum2 += x[i] * x[i];
	}
	for (size_t i = 0; i < n; i++) {
		struct ob_local_g *g = &out[i];
		struct row r;
		double xbar, s2, eg_raw, vg_raw, den;

		row_of(nb, i, star, style, x, &r);
		memset(g, 0, sizeof(*g));
		if (star) {
			double ss = 0;
			xbar = sum / dn;
			for (size_t j = 0; j < n; j++)
				ss += (x[j] - xbar) * (x[j] - xbar);
			s2 = ss / dn;
			vg_raw = s2 * (dn * r.w2sum - r.wsum * r.wsum) / (dn - 1);
			den = sum;
			g->eg = r.wsum / dn;
		} else {
			xbar = (sum - x[i]) / (dn - 1);
			s2 = (sum2 - x[i] * x[i]) / (dn - 1) - xbar * xbar;
			vg_raw = s2 * ((dn - 1) * r.w2sum - r.wsum * r.wsum) / (dn - 2);
			den = sum - x[i];
			g->eg = r.wsum / (dn - 1);
		}
		eg_raw = r.wsum * xbar;
		g->g = den != 0 ? r.lag / den : 0;
		g->vg = den != 0 ? vg_raw / (den * den) : 0;
		if (ob_nb_count(nb, i) == 0)
			g->flags |= OB_SPATIAL_ISLAND;
		if (vg_raw > 0) {
			g->z = (r.lag - eg_raw) / sqrt(vg_raw);
			g->p = two_sided(g->z);
		} else {
			g->flags |= OB_SPATIAL_UNDEFINED;
			g->z = 0;
			g->p = 1;
		}
	}
	return OB_OK;
}

const char *ob_quadrant_name(enum ob_quadrant q)
{
	switch (q) {
	case OB_QUADRANT_LOW_LOW:
		return "Low-Low";
	case OB_QUADRANT_HIGH_LOW:
		return "High-Low";
	case OB_QUADRANT_LOW_HIGH:
		return "Low-High";
	case OB_QUADRANT_HIGH_HIGH:
		return "High-High";
	}
	return "?";
}

ob_err ob_local_moran(const double *x, const struct ob_nb *nb, enum ob_weights_style style,
                      bool conditional, struct ob_local_moran *out)
{
	double mean = 0, m2 = 0, m4 = 0, b2, lagmean = 0, dn, *z;
	size_t n;

	if (!input_ok(x, nb, 3) || !out || (style != OB_WEIGHTS_B && style != OB_WEIGHTS_W))
		return OB_EINVAL;
	n = nb->n;
	dn = (double)n;
	for (size_t i = 0; i < n; i++)
		mean += x[i];
	mean /= dn;
	z = ob_malloc(n * sizeof(*z));
	for (size_t i = 0; i < n; i++) {
		z[i] = x[i] - mean;
		m2 += z[i] * z[i];
		m4 += z[i] * z[i] * z[i] * z[i];
	}
	m2 /= dn;
	m4 /= dn;
	b2 = m2 > 0 ? m4 / (m2 * m2) : 0;
	for (size_t i = 0; i < n; i++) {
		struct row r;
		row_of(nb, i, false, style, x, &r);
		lagmean += r.lag;
	}
	lagmean /= dn;
	for (size_t i = 0; i < n; i++) {
		struct ob_local_moran *o = &out[i];
		struct row rz, rx;
		double wi, s1, zi = z[i];

		memset(o, 0, sizeof(*o));
		row_of(nb, i, false, style, z, &rz);
		row_of(nb, i, false, style, x, &rx);
		wi = rz.wsum;
		s1 = rz.w2sum;
		if (m2 > 0)
			o->ii = zi / m2 * rz.lag;
		if (conditional) {
			if (m2 > 0) {
				o->e_ii = -(zi * zi * wi) / ((dn - 1) * m2);
				o->var_ii = (zi / m2) * (zi / m2) * (dn / (dn - 2)) *
				            (s1 - wi * wi / (dn - 1)) * (m2 - zi * zi / (dn - 1));
			}
		} else {
			double a = (dn - b2) / (dn - 1), b = (2 * b2 - dn) / ((dn - 1) * (dn - 2));
			o->e_ii = -wi / (dn - 1);
			o->var_ii = a * s1 + b * (wi * wi - s1) - wi * wi / ((dn - 1) * (dn - 1));
		}
		if (ob_nb_count(nb, i) == 0)
			o->flags |= OB_SPATIAL_ISLAND;
		if (!(m2 > 0)) {
			/* no variation: I_i = z_i lz_i / m2 is 0/0, and so are the
			 * conditional moments and the kurtosis b2 of the total ones */
			o->flags |= OB_SPATIAL_CONSTANT | OB_SPATIAL_NO_STATISTIC |
			            OB_SPATIAL_NO_VARIANCE;
			if (conditional)
				o->flags |= OB_SPATIAL_NO_MEAN;
			o->var_ii = 0;
		}
		if (o->var_ii > 0 && m2 > 0) {
			o->z = (o->ii - o->e_ii) / sqrt(o->var_ii);
			o->p = two_sided(o->z);
		} else {
			o->flags |= OB_SPATIAL_UNDEFINED;
			o->z = 0;
			o->p = 1;
		}
		o->quadrant = (enum ob_quadrant)((zi > 0 ? 1 : 0) + (rx.lag - lagmean > 0 ? 2 : 0));
	}
	free(z);
	return OB_OK;
}

/* Binary search: is j a neighbour of i? */
static bool linked(const struct ob_nb *nb, size_t i, size_t j)
{
	size_t lo = nb->start[i], hi = nb->start[i + 1];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nb->idx[mid] == j)
			return true;
		if (nb->idx[mid] < j)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static double row_weight(const struct ob_nb *nb, size_t i, enum ob_weights_style style)
{
	size_t c = ob_nb_count(nb, i);
	return c == 0 ? 0 : style == OB_WEIGHTS_W ? 1.0 / (double)c : 1.0;
}

ob_err ob_moran(const double *x, const struct ob_nb *nb, enum ob_weights_style style,
                bool randomisation, struct ob_moran *out)
{
	double mean = 0, zz = 0, z4 = 0, zlz = 0, s0 = 0, s1 = 0, s2 = 0, *colsum;
	double dn, np, k, ei, vi;
	size_t n, used = 0;

	if (!out)
		return OB_EINVAL;
	memset(out, 0, sizeof(*out));
	if (!input_ok(x, nb, 1) || (style != OB_WEIGHTS_B && style != OB_WEIGHTS_W))
		return OB_EINVAL;
	n = nb->n;
	dn = (double)n;
	for (size_t i = 0; i < n; i++)
		mean += x[i];
	mean /= dn;
	colsum = ob_calloc(n, sizeof(*colsum));
	for (size_t i = 0; i < n; i++) {
		double zi = x[i] - mean, w = row_weight(nb, i, style), lz = 0;
		zz += zi * zi;
		z4 += zi * zi * zi * zi;
		if (ob_nb_count(nb, i))
			used++;
		for (size_t e = nb->start[i]; e < nb->start[i + 1]; e++) {
			size_t j = nb->idx[e];
			lz += w * (x[j] - mean);
			s0 += w;
			colsum[j] += w;
			/* S1 = 1/2 sum over ordered pairs (w_ij + w_ji)^2 */
			if (linked(nb, j, i)) {
				double wji = row_weight(nb, j, style);
				s1 += (w + wji) * (w + wji);
			} else {
				s1 += 2 * w * w;
			}
		}
		zlz += zi * lz;
	}
	s1 /= 2;
	for (size_t i = 0; i < n; i++) {
		double t = row_weight(nb, i, style) * (double)ob_nb_count(nb, i) + colsum[i];
		s2 += t * t;
	}
	free(colsum);
	out->n_used = used;
	out->p_greater = 1;
	if (s0 == 0 || used < 2) {
		out->flags |= OB_SPATIAL_UNDEFINED | OB_SPATIAL_NO_STATISTIC | OB_SPATIAL_NO_MEAN |
		              OB_SPATIAL_NO_VARIANCE;
		return OB_OK;
	}
	np = (double)used;
	/* E(I) depends on the number of areas alone: defined whatever the values */
	ei = -1 / (np - 1);
	out->e_i = ei;
	if (zz > 0)
		out->i = np / s0 * zlz / zz;
	else
		out->flags |= OB_SPATIAL_CONSTANT | OB_SPATIAL_NO_STATISTIC;
	if (!randomisation) {
		vi = (np * np * s1 - np * s2 + 3 * s0 * s0) / (s0 * s0 * (np * np - 1)) - ei * ei;
		out->var_i = vi;
	} else if (zz > 0 && used >= 4) {
		double a, b;
		k = dn * z4 / (zz * zz);
		a = np * (s1 * (np * np - 3 * np + 3) - np * s2 + 3 * s0 * s0);
		b = k * (s1 * (np * np - np) - 2 * np * s2 + 6 * s0 * s0);
		vi = (a - b) / ((np - 1) * (np - 2) * (np - 3) * s0 * s0) - ei * ei;
		out->var_i = vi;
	} else {
		vi = 0;
		out->flags |= OB_SPATIAL_NO_VARIANCE;
	}
	if (!(out->flags & (OB_SPATIAL_NO_STATISTIC | OB_SPATIAL_NO_VARIANCE)) && vi > 0) {
		out->z = (out->i - ei) / sqrt(vi);
		out->p_greater = ob_pnorm_upper(out->z);
	} else {
		out->flags |= OB_SPATIAL_UNDEFINED;
	}
	return OB_OK;
}
