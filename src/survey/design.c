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
	struct ob_svy_stage st = { stratum, nstrata, psu, npsu, fpc, src ? src->col_fpc : 0, 0 };

	return ob_svy_design_init_stages(ds, n, w, 1, &st, lonely, src, d);
}

static void level_release(struct ob_svy_level *L)
{
	free(L->unit);
	free(L->unit_stratum);
	free(L->stratum_n);
	free(L->stratum_f);
	free(L->stratum_m);
}

/*
 * Stage s of ds from st: its units and strata, nested in the units of
 * stage s - 1 (ds->stage[s - 1], made), their fpc and multipliers, and its
 * lonely strata. fpc_row and parent are scratch of n entries.
 */
static ob_err level_init(struct ob_svy_design *ds, size_t s, const struct ob_svy_stage *st,
                         const struct ob_svy_source *src, size_t *fpc_row, size_t *parent,
                         struct ob_diag *d)
{
	struct ob_svy_level *L = &ds->stage[s];
	const struct ob_svy_level *up = s ? &ds->stage[s - 1] : NULL;
	size_t n = ds->n, nstrata, nunits;
	long fcol = st->col_fpc;
	char num[64], sbuf[32];

	nstrata = st->stratum ? st->nstrata : up ? up->nunits : 1;
	nunits = st->unit ? st->nunits : n;
	L->nstrata = nstrata;
	L->nunits = nunits;
	L->col_unit = st->col_unit;
	L->unit = ob_malloc(n * sizeof(size_t));
	L->unit_stratum = ob_malloc((nunits ? nunits : 1) * sizeof(size_t));
	L->stratum_n = ob_calloc(nstrata ? nstrata : 1, sizeof(size_t));
	L->stratum_f = ob_calloc(nstrata ? nstrata : 1, sizeof(double));
	L->stratum_m = ob_calloc(nstrata ? nstrata : 1, sizeof(double));
	for (size_t u = 0; u < nunits; u++)
		L->unit_stratum[u] = SIZE_MAX;
	for (size_t h = 0; h < nstrata; h++)
		fpc_row[h] = parent[h] = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		size_t h = st->stratum ? st->stratum[i] : up ? up->unit[i] : 0;
		size_t u = st->unit ? st->unit[i] : i;

		if (h >= nstrata || u >= nunits)
			return OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), 0, NULL, 0,
			               "código de estrato o de unidad de la etapa %zu fuera de rango",
			               "stratum or unit code of stage %zu out of range", s + 1);
		L->unit[i] = u;
		if (L->unit_stratum[u] == SIZE_MAX) {
			L->unit_stratum[u] = h;
			L->stratum_n[h]++;
		} else if (L->unit_stratum[u] != h) {
			return s ? OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), 0, NULL, 0,
			                   "la unidad de la etapa %zu aparece en dos estratos",
			                   "the unit of stage %zu appears in two strata", s + 1)
			         : OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), 0, NULL, 0,
			                   "la UPM aparece en dos estratos",
			                   "the PSU appears in two strata");
		}
		if (up) {
			if (parent[h] == SIZE_MAX)
				parent[h] = up->unit[i];
			else if (parent[h] != up->unit[i])
				return OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), 0, NULL, 0,
				               "un estrato de la etapa %zu abarca dos unidades de la "
				               "etapa %zu",
				               "a stratum of stage %zu spans two units of stage %zu",
				               s + 1, s);
		}
		if (!st->fpc)
			continue;
		if (fpc_row[h] == SIZE_MAX) {
			fpc_row[h] = i;
		} else if (st->fpc[i] != st->fpc[fpc_row[h]]) {
			snprintf(num, sizeof(num), "%.15g", st->fpc[i]);
			if (s)
				return OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), fcol, num,
				               strlen(num),
				               "la corrección por población finita de la etapa %zu cambia "
				               "dentro de un estrato de esa etapa (dentro de la misma "
				               "unidad de la etapa %zu): %.15g en la línea %ld",
				               "the finite population correction of stage %zu changes "
				               "within a stratum of that stage (within the same unit of "
				               "stage %zu): %.15g on line %ld",
				               s + 1, s, st->fpc[fpc_row[h]], line_of(src, fpc_row[h]));
			return OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), fcol, num,
			               strlen(num),
			               "la corrección por población finita cambia dentro del "
			               "estrato «%s» (%.15g en la línea %ld)",
			               "the finite population correction changes within stratum "
			               "«%s» (%.15g on line %ld)",
			               stratum_of(src, h, sbuf, sizeof(sbuf)), st->fpc[fpc_row[h]],
			               line_of(src, fpc_row[h]));
		}
	}
	for (size_t u = 0; u < nunits; u++)
		if (L->unit_stratum[u] == SIZE_MAX)
			return s ? OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
			                   "una unidad de la etapa %zu sin encuestados",
			                   "a unit of stage %zu without respondents", s + 1)
			         : OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
			                   "una UPM sin encuestados", "a PSU without respondents");
	for (size_t h = 0; h < nstrata; h++) {
		double nh = (double)L->stratum_n[h];

		if (!L->stratum_n[h]) {
			if (s)
				return OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
				               "un estrato de la etapa %zu no tiene encuestados",
				               "a stratum of stage %zu has no respondents", s + 1);
			return OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
			               "el estrato «%s» no tiene encuestados",
			               "stratum «%s» has no respondents",
			               stratum_of(src, h, sbuf, sizeof(sbuf)));
		}
		if (st->fpc) {
			double v = st->fpc[fpc_row[h]];
			long line = line_of(src, fpc_row[h]);

			snprintf(num, sizeof(num), "%.15g", v);
			if (!isfinite(v) || v <= 0 || (v > 1 && v < nh)) {
				if (s)
					return OB_DIAG(d, OB_EINVAL, file_of(src), line, fcol, num, strlen(num),
					               "corrección por población finita de la etapa %zu no "
					               "válida: se esperaba una fracción de muestreo en (0, 1] "
					               "o el número de unidades de la población, al menos las "
					               "%zu de la muestra en su estrato",
					               "invalid finite population correction of stage %zu: "
					               "expected a sampling fraction in (0, 1] or the "
					               "population's number of units, at least the %zu "
					               "sampled in its stratum", s + 1, L->stratum_n[h]);
				return OB_DIAG(d, OB_EINVAL, file_of(src), line, fcol, num, strlen(num),
				               "corrección por población finita no válida en el estrato "
				               "«%s»: se esperaba una fracción de muestreo en (0, 1] o el "
				               "número de UPM de la población, al menos las %zu de la muestra",
				               "invalid finite population correction in stratum «%s»: "
				               "expected a sampling fraction in (0, 1] or the population's "
				               "number of PSUs, at least the %zu sampled",
				               stratum_of(src, h, sbuf, sizeof(sbuf)), L->stratum_n[h]);
			}
			L->stratum_f[h] = v <= 1 ? v : nh / v;
		}
	}
	return OB_OK;
}

/* Whether stratum h of stage L is lonely: a single unit, a term that
 * counts (m_h > 0) and not sampled whole. */
static bool lonely_stratum(const struct ob_svy_level *L, size_t h)
{
	return L->stratum_n[h] == 1 && L->stratum_m[h] > 0 && L->stratum_f[h] < 1;
}

/* The multipliers of the strata of every stage, the stages used, and the
 * lonely strata; OB_EINVAL for a lonely unit under "fail". */
static ob_err multipliers(struct ob_svy_design *ds, const struct ob_svy_source *src,
                          size_t *parent, struct ob_diag *d)
{
	char sbuf[32];

	for (size_t s = 0; s < ds->nstages; s++) {
		struct ob_svy_level *L = &ds->stage[s];
		const struct ob_svy_level *up = s ? &ds->stage[s - 1] : NULL;
		bool any = false;

		/* m of a stratum: that of the stratum of its unit above, times
		 * that stratum's sampling fraction */
		for (size_t h = 0; h < L->nstrata; h++)
			parent[h] = SIZE_MAX;
		if (up)
			for (size_t i = 0; i < ds->n; i++)
				parent[L->unit_stratum[L->unit[i]]] = up->unit[i];
		for (size_t h = 0; h < L->nstrata; h++) {
			if (!up) {
				L->stratum_m[h] = 1;
			} else if (parent[h] != SIZE_MAX) {
				size_t g = up->unit_stratum[parent[h]];
				L->stratum_m[h] = up->stratum_m[g] * up->stratum_f[g];
			}
			any |= L->stratum_m[h] > 0;
		}
		if (!any)
			break;
		ds->used_stages = s + 1;
		for (size_t h = 0; h < L->nstrata; h++)
			ds->nlonely += lonely_stratum(L, h);
	}
	if (!ds->nlonely)
		return OB_OK;
	/* the respondents of lonely strata, in one pass; under "fail" the
	 * first of them refuses the design */
	ds->lonely_row = ob_calloc(ds->n, 1);
	for (size_t i = 0; i < ds->n; i++)
		for (size_t s = 0; s < ds->used_stages; s++) {
			const struct ob_svy_level *L = &ds->stage[s];
			size_t h = L->unit_stratum[L->unit[i]];

			if (!lonely_stratum(L, h))
				continue;
			ds->lonely_row[i] = 1;
			if (ds->lonely != OB_SVY_LONELY_FAIL)
				continue;
			if (!s)
				return OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
				               "el estrato «%s» tiene una sola UPM: su varianza no se "
				               "puede estimar (elija --lonely-psu adjust o remove)",
				               "stratum «%s» has a single PSU: its variance cannot be "
				               "estimated (choose --lonely-psu adjust or remove)",
				               stratum_of(src, h, sbuf, sizeof(sbuf)));
			return OB_DIAG(d, OB_EINVAL, file_of(src), line_of(src, i), L->col_unit,
			               NULL, 0,
			               "la unidad de la etapa %zu de la línea %ld es la única de su "
			               "estrato dentro de su unidad de la etapa %zu: su varianza no "
			               "se puede estimar (elija --lonely-psu adjust o remove)",
			               "the stage-%zu unit of line %ld is the only one of its stratum "
			               "within its stage-%zu unit: its variance cannot be estimated "
			               "(choose --lonely-psu adjust or remove)",
			               s + 1, line_of(src, i), s);
		}
	return OB_OK;
}

ob_err ob_svy_design_init_stages(struct ob_svy_design *ds, size_t n, const double *w,
                                 size_t nstages, const struct ob_svy_stage *stage,
                                 enum ob_svy_lonely lonely, const struct ob_svy_source *src,
                                 struct ob_diag *d)
{
	long wcol = src ? src->col_weight : 0;
	size_t *fpc_row = NULL, *parent = NULL;
	char num[64];
	ob_err e = OB_OK;

	memset(ds, 0, sizeof(*ds));
	if (!n)
		return OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
		               "la encuesta no tiene encuestados", "the survey has no respondents");
	if (!nstages || nstages > OB_MAX_SURVEY_STAGES)
		return OB_DIAG(d, OB_EINVAL, file_of(src), 0, 0, NULL, 0,
		               "se esperaban de 1 a %d etapas de muestreo (hay %zu)",
		               "expected 1 to %d sampling stages (there are %zu)",
		               OB_MAX_SURVEY_STAGES, nstages);
	ds->n = n;
	ds->lonely = lonely;
	ds->stratified = stage[0].stratum != NULL;
	ds->clustered = stage[0].unit != NULL;
	ds->nstages = nstages;
	ds->stage = ob_calloc(nstages, sizeof(*ds->stage));
	ds->w = ob_malloc(n * sizeof(double));
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
	for (size_t s = 0; s < nstages; s++) {
		size_t most = n;

		ds->has_fpc |= stage[s].fpc != NULL;
		if (stage[s].stratum && stage[s].nstrata > most)
			most = stage[s].nstrata;
		free(fpc_row);
		free(parent);
		fpc_row = ob_malloc(most * sizeof(size_t));
		parent = ob_malloc(most * sizeof(size_t));
		if ((e = level_init(ds, s, &stage[s], src, fpc_row, parent, d)))
			goto release_design;
	}
	ds->npsu = ds->stage[0].nunits;
	ds->nstrata = ds->stage[0].nstrata;
	if ((e = multipliers(ds, src, parent, d)))
		goto release_design;
	ds->df = (double)ds->npsu - (double)ds->nstrata;
	free(fpc_row);
	free(parent);
	return OB_OK;

release_design:
	free(fpc_row);
	free(parent);
	ob_svy_design_release(ds);
	return e;
}

void ob_svy_design_release(struct ob_svy_design *ds)
{
	for (size_t s = 0; ds->stage && s < ds->nstages; s++)
		level_release(&ds->stage[s]);
	free(ds->stage);
	free(ds->w);
	free(ds->lonely_row);
	free(ds->rw);
	free(ds->rscales);
	memset(ds, 0, sizeof(*ds));
}

void ob_svy_work_init(struct ob_svy_work *wk, const struct ob_svy_design *ds)
{
	size_t units = 1, strata = 1;

	for (size_t s = 0; s < ds->nstages; s++) {
		if (ds->stage[s].nunits > units)
			units = ds->stage[s].nunits;
		if (ds->stage[s].nstrata > strata)
			strata = ds->stage[s].nstrata;
	}
	wk->psu_total = ob_calloc(units, sizeof(double));
	wk->stratum_sum = ob_calloc(strata, sizeof(double));
}

void ob_svy_work_release(struct ob_svy_work *wk)
{
	free(wk->psu_total);
	free(wk->stratum_sum);
	wk->psu_total = wk->stratum_sum = NULL;
}

/* The term of stage L: sum_h m_h (1 - f_h) n_h / (n_h - 1) sum_c (z_hc -
 * zbar_h)^2 over its strata, lonely ones by the rule. */
static double stage_term(const struct ob_svy_design *ds, const struct ob_svy_level *L,
                         struct ob_svy_work *wk, const double *z, const size_t *rows, size_t m)
{
	double v = 0;

	memset(wk->psu_total, 0, L->nunits * sizeof(double));
	memset(wk->stratum_sum, 0, L->nstrata * sizeof(double));
	for (size_t k = 0; k < m; k++)
		wk->psu_total[L->unit[rows ? rows[k] : k]] += z[k];
	for (size_t p = 0; p < L->nunits; p++)
		wk->stratum_sum[L->unit_stratum[p]] += wk->psu_total[p];
	/* stratum_sum becomes each stratum's mean unit total */
	for (size_t h = 0; h < L->nstrata; h++)
		if (L->stratum_n[h])
			wk->stratum_sum[h] /= (double)L->stratum_n[h];
	for (size_t p = 0; p < L->nunits; p++) {
		size_t h = L->unit_stratum[p];
		double nh = (double)L->stratum_n[h], t = wk->psu_total[p];
		double c = L->stratum_m[h] * (1 - L->stratum_f[h]);

		if (!(c > 0))
			continue;
		if (L->stratum_n[h] == 1) {
			if (ds->lonely == OB_SVY_LONELY_ADJUST)
				v += c * t * t;
			continue;
		}
		t -= wk->stratum_sum[h];
		v += c * nh / (nh - 1) * t * t;
	}
	return v;
}

double ob_svy_variance(const struct ob_svy_design *ds, struct ob_svy_work *wk,
                       const double *z, const size_t *rows, size_t m, bool *lonely_used)
{
	double v = 0;

	if (!rows)
		m = ds->n;
	if (ds->lonely_row && lonely_used)
		for (size_t k = 0; k < m && !*lonely_used; k++)
			if (ds->lonely_row[rows ? rows[k] : k])
				*lonely_used = true;
	for (size_t s = 0; s < ds->used_stages; s++)
		v += stage_term(ds, &ds->stage[s], wk, z, rows, m);
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
