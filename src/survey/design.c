/* design.c - a survey's sampling design and the linearised (ultimate cluster) variance. */
#include "survey/design.h"

#include <math.h>
#include <strings.h>

const char *ob_svy_lonely_name(enum ob_svy_lonely rule)
{
	switch (rule) {
	case OB_SVY_LONELY_ADJUST: return "adjust";
	case OB_SVY_LONELY_REMOVE: return "remove";
	case OB_SVY_LONELY_FAIL: return "fail";
	}
	return "?";
}

bool ob_svy_lonely_parse(const char *s, enum ob_svy_lonely *rule)
{
	if (!strcmp(s, "adjust"))
		*rule = OB_SVY_LONELY_ADJUST;
	else if (!strcmp(s, "remove") || !strcmp(s, "certainty"))
		*rule = OB_SVY_LONELY_REMOVE;
	else if (!strcmp(s, "fail"))
		*rule = OB_SVY_LONELY_FAIL;
	else
		return false;
	return true;
}

static long line_of(const struct ob_svy_source *src, size_t i)
{
	return src && src->line ? src->line[i] : (long)i + 1;
}

static const char *file_of(const struct ob_svy_source *src)
{
	return src && src->file ? src->file : "";
}

static const char *stratum_of(const struct ob_svy_source *src, size_t h, char *buf, size_t size)
{
	if (src && src->stratum_name)
		return src->stratum_name[h];
	snprintf(buf, size, "%zu", h + 1);
	return buf;
}

ob_err ob_svy_design_init(struct ob_svy_design *ds, size_t n, const double *w,
                          const size_t *stratum, size_t nstrata, const size_t *psu,
                          size_t npsu, const double *fpc, enum ob_svy_lonely lonely,
                          const struct ob_svy_source *src, struct ob_diag *d)
{
	long wcol = src ? src->col_weight : 0, fcol = src ? src->col_fpc : 0;
	size_t *fpc_row = NULL; /* first respondent of each stratum, for the fpc */
	char num[64], sbuf[32];
	ob_err e = OB_OK;

	memset(ds, 0, sizeof(*ds));
	if (!n)
		return OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
		               "la encuesta no tiene encuestados", "the survey has no respondents");
	if (!stratum)
		nstrata = 1;
	if (!psu)
		npsu = n;
	ds->n = n;
	ds->nstrata = nstrata;
	ds->npsu = npsu;
	ds->lonely = lonely;
	ds->stratified = stratum != NULL;
	ds->clustered = psu != NULL;
	ds->has_fpc = fpc != NULL;
	ds->w = ob_malloc(n * sizeof(double));
	ds->psu = ob_malloc(n * sizeof(size_t));
	ds->psu_stratum = ob_malloc(npsu * sizeof(size_t));
	ds->stratum_npsu = ob_calloc(nstrata, sizeof(size_t));
	ds->stratum_f = ob_calloc(nstrata, sizeof(double));
	fpc_row = ob_malloc(nstrata * sizeof(size_t));
	for (size_t p = 0; p < npsu; p++)
		ds->psu_stratum[p] = SIZE_MAX;
	for (size_t h = 0; h < nstrata; h++)
		fpc_row[h] = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		size_t h = stratum ? stratum[i] : 0, p = psu ? psu[i] : i;

		if (!isfinite(w[i]) || w[i] <= 0) {
			snprintf(num, sizeof(num), "%.15g", w[i]);
			e = OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), wcol, num,
			            strlen(num), "peso no válido: se esperaba un número mayor que 0",
			            "invalid weight: expected a number greater than 0");
			goto release_design;
		}
		if (h >= nstrata || p >= npsu) {
			e = OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), 0, NULL, 0,
			            "código de estrato o de UPM fuera de rango",
			            "stratum or PSU code out of range");
			goto release_design;
		}
		ds->w[i] = w[i];
		ds->wsum += w[i];
		ds->psu[i] = p;
		if (ds->psu_stratum[p] == SIZE_MAX) {
			ds->psu_stratum[p] = h;
			ds->stratum_npsu[h]++;
		} else if (ds->psu_stratum[p] != h) {
			e = OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), 0, NULL, 0,
			            "la UPM aparece en dos estratos", "the PSU appears in two strata");
			goto release_design;
		}
		if (fpc) {
			if (fpc_row[h] == SIZE_MAX) {
				fpc_row[h] = i;
			} else if (fpc[i] != fpc[fpc_row[h]]) {
				snprintf(num, sizeof(num), "%.15g", fpc[i]);
				e = OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), fcol, num,
				            strlen(num),
				            "la corrección por población finita cambia dentro del "
				            "estrato «%s» (%.15g en la línea %ld)",
				            "the finite population correction changes within stratum "
				            "«%s» (%.15g on line %ld)",
				            stratum_of(src, h, sbuf, sizeof(sbuf)), fpc[fpc_row[h]],
				            line_of(src, fpc_row[h]));
				goto release_design;
			}
		}
	}
	for (size_t p = 0; p < npsu; p++)
		if (ds->psu_stratum[p] == SIZE_MAX) {
			e = OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
			            "una UPM sin encuestados", "a PSU without respondents");
			goto release_design;
		}
	for (size_t h = 0; h < nstrata; h++) {
		double nh = (double)ds->stratum_npsu[h];

		if (!ds->stratum_npsu[h]) {
			e = OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
			            "el estrato «%s» no tiene encuestados",
			            "stratum «%s» has no respondents",
			            stratum_of(src, h, sbuf, sizeof(sbuf)));
			goto release_design;
		}
		if (fpc) {
			double v = fpc[fpc_row[h]];
			long line = line_of(src, fpc_row[h]);

			snprintf(num, sizeof(num), "%.15g", v);
			if (!isfinite(v) || v <= 0 || (v > 1 && v < nh)) {
				e = OB_DIAG(d, OB_EINVAL, file_of(src), line, fcol, num, strlen(num),
				            "corrección por población finita no válida en el estrato "
				            "«%s»: se esperaba una fracción de muestreo en (0, 1] o el "
				            "número de UPM de la población, al menos las %zu de la muestra",
				            "invalid finite population correction in stratum «%s»: "
				            "expected a sampling fraction in (0, 1] or the population's "
				            "number of PSUs, at least the %zu sampled",
				            stratum_of(src, h, sbuf, sizeof(sbuf)), ds->stratum_npsu[h]);
				goto release_design;
			}
			ds->stratum_f[h] = v <= 1 ? v : nh / v;
		}
		if (ds->stratum_npsu[h] == 1 && ds->stratum_f[h] < 1) {
			ds->nlonely++;
			if (lonely == OB_SVY_LONELY_FAIL) {
				e = OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
				            "el estrato «%s» tiene una sola UPM: su varianza no se puede "
				            "estimar (elija --lonely-psu adjust o remove)",
				            "stratum «%s» has a single PSU: its variance cannot be "
				            "estimated (choose --lonely-psu adjust or remove)",
				            stratum_of(src, h, sbuf, sizeof(sbuf)));
				goto release_design;
			}
		}
	}
	ds->df = (double)npsu - (double)nstrata;
	free(fpc_row);
	return OB_OK;

release_design:
	free(fpc_row);
	ob_svy_design_release(ds);
	return e;
}

void ob_svy_design_release(struct ob_svy_design *ds)
{
	free(ds->w);
	free(ds->psu);
	free(ds->psu_stratum);
	free(ds->stratum_npsu);
	free(ds->stratum_f);
	free(ds->rw);
	free(ds->rscales);
	memset(ds, 0, sizeof(*ds));
}

void ob_svy_work_init(struct ob_svy_work *wk, const struct ob_svy_design *ds)
{
	wk->psu_total = ob_calloc(ds->npsu ? ds->npsu : 1, sizeof(double));
	wk->stratum_sum = ob_calloc(ds->nstrata ? ds->nstrata : 1, sizeof(double));
}

void ob_svy_work_release(struct ob_svy_work *wk)
{
	free(wk->psu_total);
	free(wk->stratum_sum);
	wk->psu_total = wk->stratum_sum = NULL;
}

double ob_svy_variance(const struct ob_svy_design *ds, struct ob_svy_work *wk,
                       const double *z, const size_t *rows, size_t m, bool *lonely_used)
{
	double v = 0;

	memset(wk->psu_total, 0, ds->npsu * sizeof(double));
	memset(wk->stratum_sum, 0, ds->nstrata * sizeof(double));
	if (!rows)
		m = ds->n;
	for (size_t k = 0; k < m; k++) {
		size_t p = ds->psu[rows ? rows[k] : k], h = ds->psu_stratum[p];

		wk->psu_total[p] += z[k];
		if (ds->nlonely && ds->stratum_npsu[h] == 1 && ds->stratum_f[h] < 1 && lonely_used)
			*lonely_used = true;
	}
	for (size_t p = 0; p < ds->npsu; p++)
		wk->stratum_sum[ds->psu_stratum[p]] += wk->psu_total[p];
	/* stratum_sum becomes each stratum's mean PSU total */
	for (size_t h = 0; h < ds->nstrata; h++)
		wk->stratum_sum[h] /= (double)ds->stratum_npsu[h];
	for (size_t p = 0; p < ds->npsu; p++) {
		size_t h = ds->psu_stratum[p];
		double nh = (double)ds->stratum_npsu[h], t = wk->psu_total[p];

		if (ds->stratum_f[h] >= 1)
			continue;
		if (ds->stratum_npsu[h] == 1) {
			if (ds->lonely == OB_SVY_LONELY_ADJUST)
				v += (1 - ds->stratum_f[h]) * t * t;
			continue;
		}
		t -= wk->stratum_sum[h];
		v += (1 - ds->stratum_f[h]) * nh / (nh - 1) * t * t;
	}
	return v;
}

/* ---- replicate weights -------------------------------------------------- */

const char *ob_svy_rep_name(enum ob_svy_rep t)
{
	switch (t) {
	case OB_SVY_REP_NONE: return "none";
	case OB_SVY_REP_BRR: return "brr";
	case OB_SVY_REP_FAY: return "fay";
	case OB_SVY_REP_JK1: return "jk1";
	case OB_SVY_REP_JKN: return "jkn";
	case OB_SVY_REP_BOOTSTRAP: return "bootstrap";
	}
	return "?";
}

bool ob_svy_rep_parse(const char *s, enum ob_svy_rep *t)
{
	static const enum ob_svy_rep all[] = { OB_SVY_REP_BRR, OB_SVY_REP_FAY, OB_SVY_REP_JK1,
	                                       OB_SVY_REP_JKN, OB_SVY_REP_BOOTSTRAP };

	for (size_t i = 0; i < OB_ARRAY_SIZE(all); i++)
		if (!strcasecmp(s, ob_svy_rep_name(all[i]))) {
			*t = all[i];
			return true;
		}
	return false;
}

/* The rank of the n x R matrix a (column r at a + r n), as R's qr(, tol =
 * 1e-5): modified Gram-Schmidt, a column counting when what is left of it
 * after removing the columns before is above 1e-5 of its norm. q is
 * scratch of R n doubles. */
static size_t rank_of(const double *a, size_t n, size_t R, double *q)
{
	size_t rank = 0;

	for (size_t r = 0; r < R; r++) {
		double *v = q + rank * n, norm0 = 0, norm = 0;

		memcpy(v, a + r * n, n * sizeof(double));
		for (size_t i = 0; i < n; i++)
			norm0 += v[i] * v[i];
		for (size_t k = 0; k < rank; k++) {
			const double *u = q + k * n;
			double dot = 0;
			for (size_t i = 0; i < n; i++)
				dot += u[i] * v[i];
			for (size_t i = 0; i < n; i++)
				v[i] -= dot * u[i];
		}
		for (size_t i = 0; i < n; i++)
			norm += v[i] * v[i];
		if (norm0 > 0 && sqrt(norm) > 1e-5 * sqrt(norm0)) {
			double s = 1 / sqrt(norm);
			for (size_t i = 0; i < n; i++)
				v[i] *= s;
			rank++;
		}
	}
	return rank;
}

ob_err ob_svy_design_init_rep(struct ob_svy_design *ds, size_t n, const double *w,
                              size_t nrep, const double *rw, enum ob_svy_rep t, double rho,
                              double scale, const double *rscales, bool mse,
                              const struct ob_svy_source *src, struct ob_diag *d)
{
	long wcol = src ? src->col_weight : 0;
	const char *name = ob_svy_rep_name(t);
	char num[64];
	double *q;
	ob_err e = OB_OK;

	memset(ds, 0, sizeof(*ds));
	if (!n)
		return OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
		               "la encuesta no tiene encuestados", "the survey has no respondents");
	if (t == OB_SVY_REP_NONE || nrep < 2)
		return OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
		               "se necesitan al menos 2 columnas de pesos de réplica (hay %zu)",
		               "at least 2 columns of replicate weights are needed (there are %zu)",
		               nrep);
	if (t == OB_SVY_REP_FAY ? !(rho > 0 && rho < 1) : !isnan(rho))
		return OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
		               t == OB_SVY_REP_FAY ? "el tipo fay necesita --rho en (0, 1)"
		                                   : "--rho solo vale con el tipo fay (es %s)",
		               t == OB_SVY_REP_FAY ? "type fay needs --rho in (0, 1)"
		                                   : "--rho applies to type fay only (this is %s)",
		               name);
	if ((t == OB_SVY_REP_BRR || t == OB_SVY_REP_FAY) && (!isnan(scale) || rscales))
		return OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
		               "el tipo %s fija su escala: quite --scale y --rscales",
		               "type %s fixes its scale: drop --scale and --rscales", name);
	if (t == OB_SVY_REP_JKN && !rscales)
		return OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
		               "el tipo jkn necesita --rscales: (n_h - 1)/n_h de cada réplica",
		               "type jkn needs --rscales: (n_h - 1)/n_h of each replicate");
	if (!isnan(scale) && !(scale > 0 && isfinite(scale)))
		return OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
		               "--scale debe ser un número mayor que 0",
		               "--scale must be a number greater than 0");

	ds->n = n;
	ds->nstrata = 1;
	ds->npsu = n;
	ds->rep = t;
	ds->nrep = nrep;
	ds->mse = mse;
	ds->rho = t == OB_SVY_REP_FAY ? rho : 0;
	ds->w = ob_malloc(n * sizeof(double));
	ds->rw = ob_malloc(nrep * n * sizeof(double));
	ds->rscales = ob_malloc(nrep * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(w[i]) || w[i] <= 0) {
			snprintf(num, sizeof(num), "%.15g", w[i]);
			e = OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), wcol, num,
			            strlen(num), "peso no válido: se esperaba un número mayor que 0",
			            "invalid weight: expected a number greater than 0");
			goto release_design;
		}
		ds->w[i] = w[i];
		ds->wsum += w[i];
	}
	for (size_t r = 0; r < nrep; r++) {
		long col = src && src->col_rep ? src->col_rep[r] : 0;
		for (size_t i = 0; i < n; i++) {
			double v = rw[r * n + i];
			if (!isfinite(v) || v < 0) {
				snprintf(num, sizeof(num), "%.15g", v);
				e = OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), col, num,
				            strlen(num),
				            "peso de réplica no válido: se esperaba un número mayor o "
				            "igual que 0",
				            "invalid replicate weight: expected a number greater than "
				            "or equal to 0");
				goto release_design;
			}
		}
		if (rscales && !(rscales[r] > 0 && isfinite(rscales[r]))) {
			snprintf(num, sizeof(num), "%.15g", rscales[r]);
			e = OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, num, strlen(num),
			            "--rscales: la réplica %zu necesita un número mayor que 0",
			            "--rscales: replicate %zu needs a number greater than 0", r + 1);
			goto release_design;
		}
		ds->rscales[r] = rscales ? rscales[r] : 1;
	}
	memcpy(ds->rw, rw, nrep * n * sizeof(double));
	switch (t) {
	case OB_SVY_REP_BRR: ds->scale = 1 / (double)nrep; break;
	case OB_SVY_REP_FAY: ds->scale = 1 / ((double)nrep * (1 - rho) * (1 - rho)); break;
	case OB_SVY_REP_JK1: ds->scale = isnan(scale) ? ((double)nrep - 1) / (double)nrep : scale; break;
	case OB_SVY_REP_JKN: ds->scale = isnan(scale) ? 1 : scale; break;
	case OB_SVY_REP_BOOTSTRAP: ds->scale = isnan(scale) ? 1 / ((double)nrep - 1) : scale; break;
	case OB_SVY_REP_NONE: break;
	}
	q = ob_malloc(nrep * n * sizeof(double));
	ds->df = (double)rank_of(ds->rw, n, nrep, q) - 1;
	free(q);
	return OB_OK;

release_design:
	ob_svy_design_release(ds);
	return e;
}

double ob_svy_rep_variance(const struct ob_svy_design *ds, double theta, const double *theta_r)
{
	double c = 0, v = 0;

	if (ds->mse) {
		c = theta;
	} else {
		for (size_t r = 0; r < ds->nrep; r++)
			c += theta_r[r];
		c /= (double)ds->nrep;
	}
	for (size_t r = 0; r < ds->nrep; r++)
		v += ds->rscales[r] * (theta_r[r] - c) * (theta_r[r] - c);
	return ds->scale * v;
}
