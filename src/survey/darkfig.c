/*
 * darkfig.c - a survey's estimated victims against the police's for the
 * same crime, territory, year and population (survey/darkfig.h).
 */
#include "survey/darkfig.h"

#include "stats/rate.h"
#include "survey/profile.h"

#include <math.h>

/* What the listing of one indicator's totals keeps: a row of the list for
 * each total of a survey year within [first, last]. */
struct take {
	struct ob_svy_darks *l;
	const struct ob_svy_indicator *ind;
	long first, last;
};

static struct ob_svy_dark *add(struct ob_svy_darks *l)
{
	struct ob_svy_dark *x;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		l->v = ob_realloc(l->v, l->cap * sizeof(*l->v));
	}
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	x->police = x->police_all_ages = -1;
	x->recorded = x->rec_lower = x->rec_upper = NAN;
	x->unrecorded = x->unrec_lower = x->unrec_upper = NAN;
	x->reporting = x->rep_lower = x->rep_upper = NAN;
	return x;
}

static bool in_years(const char *period, long first, long last)
{
	long long y;
	if (!first && !last)
		return true;
	return ob_parse_int(period, strlen(period), 0, 9999, &y) && y >= first && y <= last;
}

static int take_total(void *arg, const struct ob_survey_row *r)
{
	struct take *t = arg;
	struct ob_svy_dark *x;

	if (!in_years(r->period, t->first, t->last))
		return 0;
	x = add(t->l);
	ob_strlcpy(x->indicator, t->ind->id, sizeof(x->indicator));
	ob_strlcpy(x->territory, r->territory, sizeof(x->territory));
	ob_strlcpy(x->period, r->period, sizeof(x->period));
	ob_strlcpy(x->survey, r->survey, sizeof(x->survey));
	ob_strlcpy(x->police_ids, t->ind->police, sizeof(x->police_ids));
	x->sex = t->ind->police_sex;
	x->suppressed = r->suppressed;
	x->victims = r->suppressed ? NAN : r->estimate;
	x->lower = r->suppressed ? NAN : r->lower;
	x->upper = r->suppressed ? NAN : r->upper;
	x->se = r->suppressed ? NAN : r->se;
	x->level = r->level;
	x->n = r->n;
	ob_strlcpy(x->flags, r->flags, sizeof(x->flags));
	return 0;
}

/* The reporting share (16.3.1) beside rows [from, to) of the list: those of
 * the same survey, territory and year. */
struct rep {
	struct ob_svy_darks *l;
	size_t from, to;
};

static int take_reporting(void *arg, const struct ob_survey_row *r)
{
	struct rep *p = arg;
	for (size_t i = p->from; i < p->to; i++) {
		struct ob_svy_dark *x = &p->l->v[i];
		if (strcmp(x->territory, r->territory) || strcmp(x->period, r->period) ||
		    strcmp(x->survey, r->survey) || r->suppressed)
			continue;
		x->reporting = r->estimate;
		x->rep_lower = r->lower;
		x->rep_upper = r->upper;
	}
	return 0;
}

/* The police indicators of list into idx (set indices); OB_EINVAL naming
 * the catalogue's file when one is not defined. */
static ob_err police_indices(const char *dir, const struct ob_svy_indicator *ind,
                             const struct ob_indicator_set *set, size_t *idx, size_t *n,
                             size_t max, struct ob_diag *d)
{
	*n = 0;
	for (const char *s = ind->police; *s;) {
		const char *b = strchr(s, '|');
		size_t k = b ? (size_t)(b - s) : strlen(s);
		char id[OB_MAX_NAME];
		long at;
		if (k >= sizeof(id) || *n >= max)
			return OB_DIAG(d, OB_EINVAL, dir, 0, 0, s, k, "%s: police: demasiados indicadores",
			               "%s: police: too many indicators", ind->id);
		memcpy(id, s, k);
		id[k] = '\0';
		if ((at = ob_indicators_find(set, id)) < 0)
			return OB_DIAG(d, OB_EINVAL, "catalog/survey_indicators.csv", 0, 0, id, k,
			               "%s: police: se esperaba un indicador de catalog/indicators.csv",
			               "%s: police: expected an indicator of catalog/indicators.csv",
			               ind->id);
		idx[(*n)++] = (size_t)at;
		s = b ? b + 1 : s + k;
	}
	return OB_OK;
}

/* The police counts of rows [from, to) of l (all of indicator ind). */
static ob_err police_counts(struct ob_svy_darks *l, size_t from, size_t to,
                            const struct ob_svy_indicator *ind, const char *dir,
                            const struct ob_snapshot *snap, const struct ob_population *pop,
                            const struct ob_indicator_set *set, const struct ob_counting *rules,
                            struct ob_diag *d)
{
	size_t kidx[OB_MAX_SURVEY_POLICE_INDICATORS], nk, nu = 0, np = 0;
	uint32_t *units = ob_malloc((to - from + 1) * sizeof(uint32_t));
	long *unit_of = ob_malloc((to - from + 1) * sizeof(long));
	long *per_of = ob_malloc((to - from + 1) * sizeof(long));
	struct ob_period *per = ob_malloc((to - from + 1) * sizeof(*per));
	const enum ob_ind_by by[2] = { OB_BY_SEX, OB_BY_MINOR };
	const char *adult = ob_ind_minor_group_label(1);
	struct ob_ind_result *res = NULL;
	struct ob_ind_query q;
	ob_err e;

	if ((e = police_indices(dir, ind, set, kidx, &nk, OB_ARRAY_SIZE(kidx), d)))
		goto free_arrays;
	for (size_t i = from; i < to; i++) {
		struct ob_svy_dark *x = &l->v[i];
		struct ob_period *one = NULL;
		uint32_t *u = NULL;
		size_t nn = 0, j;
		struct ob_diag quiet;

		unit_of[i - from] = per_of[i - from] = -1;
		ob_diag_clear(&quiet);
		if (ob_ind_select_units(snap, x->territory, false, -1, NULL, &u, &nn, &quiet) ||
		    nn != 1) {
			free(u);
			continue; /* a territory the snapshot does not know: no count */
		}
		for (j = 0; j < nu && units[j] != u[0]; j++)
			;
		if (j == nu)
			units[nu++] = u[0];
		unit_of[i - from] = (long)j;
		free(u);
		ob_diag_clear(&quiet);
		if (ob_period_parse(x->period, &one, &nn, &quiet) || nn != 1 ||
		    one[0].kind != OB_PERIOD_YEAR) {
			free(one);
			unit_of[i - from] = -1;
			continue;
		}
		for (j = 0; j < np && per[j].year != one[0].year; j++)
			;
		if (j == np)
			per[np++] = one[0];
		per_of[i - from] = (long)j;
		free(one);
	}
	if (!nu || !np)
		goto free_arrays;
	memset(&q, 0, sizeof(q));
	q.indicators = kidx;
	q.n_indicators = nk;
	q.units = units;
	q.n_units = nu;
	q.periods = per;
	q.n_periods = np;
	q.by = by;
	q.n_by = 2;
	q.level = 0.95;
	q.unreliable_below = OB_RATE_UNRELIABLE_BELOW;
	q.institution = -1;
	q.rules = rules;
	q.threads = 1;
	if ((e = ob_indicators_compute(snap, pop, set, &q, &res, d)))
		goto free_arrays;
	for (size_t i = from; i < to; i++) {
		struct ob_svy_dark *x = &l->v[i];
		double adults = 0, all = 0;
		bool ok = unit_of[i - from] >= 0 && per_of[i - from] >= 0;
		for (size_t k = 0; k < nk && ok; k++) {
			if (res->cells[k] < 2) {
				ok = false; /* not by age: no count of adults */
				break;
			}
			for (size_t c = 0; c < res->cells[k]; c++) {
				const struct ob_ind_value *v =
				    ob_ind_result_at(res, k, (size_t)unit_of[i - from],
				                     (size_t)per_of[i - from], c);
				const char *sx = ob_ind_cell_label(res, c, 0);
				if (x->sex != 'T' && sx[0] != x->sex)
					continue;
				if (v->flags & OB_IND_NO_DATA) {
					ok = false;
					break;
				}
				all += v->count;
				if (!strcmp(ob_ind_cell_label(res, c, 1), adult))
					adults += v->count;
			}
		}
		if (!ok)
			continue;
		for (size_t k = 0; k < nk; k++) {
			const char *rule = ob_ind_result_rule(res, k, (size_t)unit_of[i - from],
			                                      (size_t)per_of[i - from]);
			size_t len = strlen(x->rule);
			if (!rule || strstr(x->rule, rule))
				continue;
			snprintf(x->rule + len, sizeof(x->rule) - len, "%s%s", len ? "|" : "", rule);
		}
		x->police = adults;
		x->police_all_ages = all;
		if (isnan(x->victims))
			continue;
		x->unrecorded = x->victims - adults;
		x->unrec_lower = x->lower - adults;
		x->unrec_upper = x->upper - adults;
		if (x->victims > 0)
			x->recorded = adults / x->victims;
		if (x->upper > 0)
			x->rec_lower = adults / x->upper;
		if (x->lower > 0)
			x->rec_upper = adults / x->lower;
	}
free_arrays:
	ob_ind_result_free(res);
	free(units);
	free(unit_of);
	free(per_of);
	free(per);
	return e;
}

ob_err ob_svy_dark_compute(struct ob_store *s, const char *dir, const struct ob_snapshot *snap,
                           const struct ob_population *pop, const struct ob_indicator_set *set,
                           const struct ob_counting *rules, long first, long last,
                           struct ob_svy_darks *out, struct ob_diag *d)
{
	struct ob_svy_catalog cat;
	ob_err e;

	memset(out, 0, sizeof(*out));
	if ((e = ob_svy_catalog_load(dir, &cat, d)))
		return e;
	for (size_t i = 0; i < cat.n && !e; i++) {
		const struct ob_svy_indicator *ind = &cat.ind[i];
		char id[OB_MAX_NAME + 8];
		struct take t = { out, ind, first, last };
		struct rep rp;
		size_t from = out->n;

		if (!ind->police[0])
			continue;
		snprintf(id, sizeof(id), "%s:total", ind->id);
		if (ob_store_survey_each(s, id, NULL, "T", take_total, &t, d) < 0) {
			e = OB_ESTORE;
			break;
		}
		rp.l = out;
		rp.from = from;
		rp.to = out->n;
		if (ind->reporting[0] && from < out->n &&
		    ob_store_survey_each(s, ind->reporting, NULL, "T", take_reporting, &rp, d) < 0) {
			e = OB_ESTORE;
			break;
		}
		if (from < out->n)
			e = police_counts(out, from, out->n, ind, dir, snap, pop, set, rules, d);
	}
	ob_svy_catalog_release(&cat);
	if (e)
		ob_svy_darks_release(out);
	return e;
}

const char *ob_svy_dark_police_population(char sex, bool en)
{
	return sex == 'F' ? (en ? "women victims aged 18 or more" : "mujeres víctimas de 18 años o más")
	       : sex == 'M' ? (en ? "men victims aged 18 or more" : "hombres víctimas de 18 años o más")
	                    : (en ? "victims aged 18 or more" : "víctimas de 18 años o más");
}

void ob_svy_darks_release(struct ob_svy_darks *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
