/*
 * alerts.c - early warning over the observatory (see alerts.h): one count
 * per level (territory x ICCS division x year x month, with the counting
 * rules), the months each country covers, and the detectors on each
 * series; then each indicator of the catalogue, counted as "observa
 * indicators" counts it, unit by unit and month by month.
 */
#include "alerts/alerts.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/strmap.h"
#include "engine/indicators.h"
#include "publish/sdc.h"
#include "stats/outbreak.h"
#include "store/catalog.h"

/* months of a monitoring window of the CUSUM, up to the month judged */
#define CUSUM_WINDOW 12
/* most months "above" is followed back */
#define ABOVE_MAX 12
/* units a judging thread takes at a time */
#define ALERTS_CHUNK 8

const char *ob_alert_method_name(enum ob_alert_method m)
{
	switch (m) {
	case OB_ALERT_FARRINGTON: return "farrington";
	case OB_ALERT_EARS_C3: return "ears_c3";
	case OB_ALERT_CUSUM: return "cusum";
	}
	return "?";
}

const struct ob_rows_col ob_alerts_cols[12] = {
	{ "territory", OB_ROWS_TEXT_COL },     { "territory_name", OB_ROWS_TEXT_COL },
	{ "level", OB_ROWS_NUMBER_COL },       { "category", OB_ROWS_TEXT_COL },
	{ "category_name", OB_ROWS_TEXT_COL }, { "month", OB_ROWS_TEXT_COL },
	{ "observed", OB_ROWS_NUMBER_COL },    { "expected", OB_ROWS_NUMBER_COL },
	{ "upper", OB_ROWS_NUMBER_COL },       { "method", OB_ROWS_TEXT_COL },
	{ "above", OB_ROWS_NUMBER_COL },       { "suppressed", OB_ROWS_TEXT_COL },
};

void ob_alert_shown(const struct ob_alert *x, const struct ob_sdc_config *cfg, bool *observed,
                    bool *model)
{
	struct ob_sdc_rule rule;

	*observed = *model = true;
	if (!cfg)
		return;
	rule = ob_sdc_rule_of(cfg, x->classes);
	*observed = !x->masked && !(x->observed < (double)rule.min_count &&
	                            (x->observed > 0 || rule.zero_sensitive));
	/* a model value read from a month that is suppressed: differencing
	 * those of consecutive months would tell that month */
	*model = !(x->past_min < (double)rule.min_count || (x->past_zero && rule.zero_sensitive));
}

void ob_alerts_write(const struct ob_alerts *a, struct ob_rows *w, bool en, bool text,
                     const struct ob_sdc_config *cfg)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct ob_alert *x = &a->v[i];
		bool shown, model, hide;
		char month[16];

		ob_alert_shown(x, cfg, &shown, &model);
		hide = !shown;
		ob_completeness_month(x->month, month, sizeof(month));
		ob_rows_str(w, x->territory);
		ob_rows_str(w, x->territory_name);
		ob_rows_int(w, x->level);
		ob_rows_str(w, x->category);
		ob_rows_str(w, en ? x->category_name_en : x->category_name_es);
		ob_rows_str(w, month);
		if (hide)
			ob_rows_null(w);
		else
			ob_rows_num(w, x->observed, "%.15g");
		if (model) {
			ob_rows_num(w, x->expected, text ? "%.1f" : "%.15g");
			ob_rows_num(w, x->upper, text ? "%.1f" : "%.15g");
		} else {
			ob_rows_null(w);
			ob_rows_null(w);
		}
		ob_rows_str(w, ob_alert_method_name(x->method));
		ob_rows_int(w, x->above);
		ob_rows_bool(w, hide);
		ob_rows_end_row(w);
	}
}

void ob_alerts_release(struct ob_alerts *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].territory);
		free(a->v[i].territory_name);
		free(a->v[i].category);
		free(a->v[i].category_name_es);
		free(a->v[i].category_name_en);
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* The months covered per country: cover[country * span + month - first]. */
struct coverage {
	int first, last;
	size_t span;
	uint8_t *cover;      /* 1: covered */
	int *latest;         /* [country] the latest covered month, -1 none */
};

static void coverage_build(const struct ob_snapshot *snap, const struct ob_completeness *cov,
                           struct coverage *c)
{
	size_t nc = snap->n_countries;
	/* per source: delivered at all */
	bool *any = ob_calloc(cov->n_sources + 1, sizeof(bool));

	c->first = cov->from_month;
	c->last = cov->to_month;
	c->span = cov->to_month >= cov->from_month ? (size_t)(cov->to_month - cov->from_month) + 1 : 0;
	c->cover = ob_calloc(nc * c->span + 1, 1);
	c->latest = ob_calloc(nc + 1, sizeof(int));
	for (size_t i = 0; i < cov->n; i++)
		if (cov->rows[i].delivered)
			any[cov->rows[i].source] = true;
	/* a month is covered when some source of the country delivered it
	 * and none that delivered at all left it out */
	for (size_t ci = 0; ci < nc; ci++) {
		const char *iso = ob_snap_str(snap, snap->countries[ci]);
		uint8_t *row = c->cover + ci * c->span;
		bool has = false;

		memset(row, 1, c->span);
		for (size_t s = 0; s < cov->n_sources; s++)
			if (any[s] && !strcmp(cov->sources[s].country, iso))
				has = true;
		if (!has)
			memset(row, 0, c->span);
	}
	for (size_t i = 0; i < cov->n; i++) {
		const struct ob_completeness_row *r = &cov->rows[i];
		const char *iso = cov->sources[r->source].country;
		if (!any[r->source] || r->delivered)
			continue;
		for (size_t ci = 0; ci < nc; ci++)
			if (!strcmp(ob_snap_str(snap, snap->countries[ci]), iso))
				c->cover[ci * c->span + (size_t)(r->month - c->first)] = 0;
	}
	for (size_t ci = 0; ci < nc; ci++) {
		c->latest[ci] = -1;
		for (size_t m = c->span; m-- > 0;)
			if (c->cover[ci * c->span + m]) {
				c->latest[ci] = c->first + (int)m;
				break;
			}
	}
	free(any);
}

static void coverage_release(struct coverage *c)
{
	free(c->cover);
	free(c->latest);
}

/* The ICCS names of a code from the store ("" when unknown). */
static ob_err iccs_names(struct ob_store *st, const char *code, char **es, char **en,
                         struct ob_diag *d)
{
	char a[OB_MAX_NAME], b[OB_MAX_NAME];
	bool found;
	ob_err e = ob_store_iccs_names(st, code, a, b, sizeof(a), &found, d);

	*es = ob_strdup(e ? "" : a);
	*en = ob_strdup(e ? "" : b);
	return e;
}

struct level_run {
	struct ob_store *st;
	const struct ob_snapshot *snap;
	const struct ob_alerts_options *o;
	const struct coverage *cv;
	struct ob_strmap units;  /* code -> unit index + 1 */
	struct ob_cusum_cache *caches; /* [judging thread]: kept across the
	                                  levels and indicators of a run */
	struct ob_alerts *out;
	struct ob_diag *d;
};

/* An alarm of found f: its unit (snapshot index + 1, 0: unknown) and
 * territory code, level, category and names are set by the caller. */
struct found;
static struct ob_alert *new_alert(struct level_run *x, const char *code, uintptr_t u, int level,
                                  const struct found *f);

/* An alarm of an ICCS division series. */
static ob_err add_alert(struct level_run *x, const struct ob_query_result *r, int level,
                        const struct found *f);

/* Could Farrington alarm at k? Not on a zero, nor without limit_cases
 * cases in the limit_periods months up to k, all with data (the rule of
 * ob_farrington, checked before it fits its models: most municipal series
 * fail it, and the fits are most of the time of a run). */
static bool farrington_may_alarm(const double *y, size_t k,
                                 const struct ob_farrington_options *fo)
{
	size_t n = fo->limit_periods <= (int)k + 1 ? (size_t)fo->limit_periods : k + 1;
	double cases = 0;

	if (y[k] == 0)
		return false;
	for (size_t i = k + 1 - n; i <= k; i++) {
		if (isnan(y[i]))
			return false;
		cases += y[i];
	}
	return cases >= fo->limit_cases;
}

/* Judge series y[0..k] at k with Farrington (or EARS C3); true with an alarm. */
static bool judge_fe(const double *y, size_t k, const struct ob_farrington_options *fo,
                     enum ob_alert_method *m, double *expected, double *upper)
{
	if (isnan(y[k]))
		return false;
	if (k >= ob_farrington_first(fo)) {
		struct ob_farrington_result r;
		*m = OB_ALERT_FARRINGTON;
		if (!farrington_may_alarm(y, k, fo))
			return false; /* no model needed: it could not alarm */
		if (ob_farrington(y, k + 1, k, fo, &r) || !r.alarm)
			return false;
		*expected = r.expected;
		*upper = r.upper;
		return true;
	}
	if (k >= ob_ears_first(OB_EARS_C3, 7)) {
		struct ob_ears_result r;
		*m = OB_ALERT_EARS_C3;
		if (ob_ears(y, k + 1, k, OB_EARS_C3, 7, 0, 0, &r) || !r.alarm)
			return false;
		*expected = r.mean;
		*upper = r.upper;
		return true;
	}
	return false;
}

/* An alarm found by a judging thread; names are given when merged. */
struct found {
	uint32_t ui, ci;
	int month;
	enum ob_alert_method m;
	double y, expected, upper;
	int above;
	double past_min;
	bool past_zero;
};

static struct ob_alert *new_alert(struct level_run *x, const char *code, uintptr_t u, int level,
                                  const struct found *f)
{
	struct ob_alerts *a = x->out;
	struct ob_alert *al;

	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->v = ob_realloc(a->v, a->cap * sizeof(*a->v));
	}
	al = &a->v[a->n++];
	memset(al, 0, sizeof(*al));
	al->territory = ob_strdup(code);
	al->territory_name = ob_strdup(u ? ob_snap_str(x->snap, x->snap->units[u - 1].name) : "");
	al->level = level;
	al->month = f->month;
	al->observed = f->y;
	al->expected = f->expected;
	al->upper = f->upper;
	al->method = f->m;
	al->above = f->above;
	al->past_min = f->past_min;
	al->past_zero = f->past_zero;
	return al;
}

static ob_err add_alert(struct level_run *x, const struct ob_query_result *r, int level,
                        const struct found *f)
{
	const char *code = ob_query_label(r, 0, f->ui);
	uintptr_t u = (uintptr_t)ob_strmap_get(&x->units, code, strlen(code));
	struct ob_alert *al = new_alert(x, code, u, level, f);

	al->category = ob_strdup(ob_query_label(r, 1, f->ci));
	al->classes = ob_sdc_class_of_iccs(al->category);
	return iccs_names(x->st, al->category, &al->category_name_es, &al->category_name_en,
	                  x->d);
}

/* The units of a chunk judged by one thread, and what it found. */
struct chunk {
	struct found *v;
	size_t n, cap;
	size_t series, tested[3], untested;
	ob_err err;           /* a unit's count failed (per_unit): d says why */
	struct ob_diag d;
};

/* What the threads of one level share (read only but next and done). */
struct level_ctx {
	const struct level_run *x;
	const struct ob_query_result *r;   /* ICCS divisions: the count */
	const struct ob_ind_result *ir;    /* or an indicator: its values */
	const struct ob_ind_value *block;  /* [unit][month], of ir */
	const uint32_t *iunits;            /* [unit of ir]: the snapshot's */
	const int *year, *monthv;
	size_t nu, nc, ny, nm;
	/* one country's level: r counts unit x division (lc->nu x lc->nc, the
	 * labels and which series have any count); each unit's series are
	 * counted by a query of their own (division x year x month) when the
	 * unit is judged, small enough to be reused from the heap, where one
	 * count of every unit of the analyser would fault in hundreds of MB */
	const struct ob_analyzer *an;
	int level;
	bool per_unit;
	struct ob_farrington_options fo;
	struct ob_cusum_options co;
	struct chunk *chunks;
	size_t n_chunks;
	atomic_size_t next;   /* the next chunk to judge */
	atomic_size_t done;   /* units judged */
	size_t done_base, total;
};

struct judge_worker {
	struct level_ctx *lc;
	int index;            /* its cache: lc->x->caches[index] */
	bool reports;         /* calls progress (the caller's thread) */
	pthread_t tid;
	bool started;
};

static void found_add(struct chunk *c, const struct found *f)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->v = ob_realloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = *f;
}

/* The smallest count of 1 or more of y[0..k) (INFINITY: none), and whether
 * one of them is 0: the months a method may read to judge month k. */
static double past_min(const double *y, size_t k, bool *zero)
{
	double m = INFINITY;

	*zero = false;
	for (size_t i = 0; i < k; i++)
		if (!isnan(y[i]) && y[i] >= 1 && y[i] < m)
			m = y[i];
		else if (y[i] == 0)
			*zero = true;
	return m;
}

static bool fill_division_of(const struct level_ctx *lc, const struct ob_query_result *r,
                             const int *year, const int *monthv, size_t ny, size_t nm,
                             uint32_t ui, uint32_t ci, const uint8_t *cover, double *y);

/* Fill y[0..span) with the series of ICCS division ci of unit ui (NAN: a
 * month without data); false when it never counted anything. */
static bool fill_division(const struct level_ctx *lc, uint32_t ui, uint32_t ci,
                          const uint8_t *cover, double *y)
{
	return fill_division_of(lc, lc->r, lc->year, lc->monthv, lc->ny, lc->nm, ui, ci, cover,
	                        y);
}

/* fill_division from count r: unit x division x year x month, or with
 * unit UINT32_MAX division x year x month (one unit's count); year, monthv
 * the values of r's years and months (-1: unknown), ny and nm their
 * numbers. */
static bool fill_division_of(const struct level_ctx *lc, const struct ob_query_result *r,
                             const int *year, const int *monthv, size_t ny, size_t nm,
                             uint32_t ui, uint32_t ci, const uint8_t *cover, double *y)
{
	const struct coverage *cv = lc->x->cv;
	bool one = ui == UINT32_MAX;
	uint32_t v[4] = { ui, ci, 0, 0 };
	uint32_t *vy = one ? &v[1] : &v[2], *vm = one ? &v[2] : &v[3];
	uint64_t sum = 0;

	if (one)
		v[0] = ci;
	if (!strcmp(ob_query_label(r, one ? 0 : 1, ci), "unknown"))
		return false;
	for (size_t m = 0; m < cv->span; m++)
		y[m] = cover[m] ? 0 : NAN;
	for (uint32_t yi = 0; yi < ny; yi++) {
		if (year[yi] < 0)
			continue;
		*vy = yi;
		for (uint32_t mi = 0; mi < nm; mi++) {
			int month;
			uint64_t n;
			if (monthv[mi] < 0)
				continue;
			*vm = mi;
			month = year[yi] * 12 + monthv[mi] - 1;
			if (month < cv->first || month > cv->last)
				continue;
			n = ob_query_count(r, v);
			sum += n;
			if (!isnan(y[month - cv->first]))
				y[month - cv->first] = (double)n;
		}
	}
	return sum > 0;
}

/* The same for the indicator of lc: unit ui of its query, month by month
 * (its periods are the months of the coverage). */
static bool fill_indicator(const struct level_ctx *lc, uint32_t ui, const uint8_t *cover,
                           double *y)
{
	const struct coverage *cv = lc->x->cv;
	double sum = 0;

	for (size_t m = 0; m < cv->span; m++) {
		const struct ob_ind_value *v = ob_ind_block_at(lc->ir, lc->block, ui, m, 0);
		if (v->flags & OB_IND_NOT_IN_VINTAGE)
			return false; /* not a unit of the division */
		y[m] = cover[m] && !(v->flags & OB_IND_NO_DATA) ? v->count : NAN;
		if (!isnan(y[m]))
			sum += y[m];
	}
	return sum > 0;
}

/* Judge series y of (ui, ci) at the months from..to into c. */
static void judge_series(const struct level_ctx *lc, uint32_t ui, uint32_t ci, const double *y,
                         int from, int to, struct chunk *c, struct ob_cusum_result *cr,
                         struct ob_cusum_cache *hcache)
{
	const struct coverage *cv = lc->x->cv;
	const struct ob_farrington_options *fo = &lc->fo;
	const struct ob_cusum_options *co = &lc->co;

	c->series++;
	for (int month = from; month <= to && to >= 0; month++) {
		size_t k = (size_t)(month - cv->first);
		struct found f = { .ui = ui, .ci = ci, .month = month };

		if (month < cv->first || month > cv->last || isnan(y[k])) {
			c->untested++;
			continue;
		}
		if (k >= ob_farrington_first(fo))
			c->tested[OB_ALERT_FARRINGTON]++;
		else if (k >= ob_ears_first(OB_EARS_C3, 7))
			c->tested[OB_ALERT_EARS_C3]++;
		if (judge_fe(y, k, fo, &f.m, &f.expected, &f.upper)) {
			double e2, u2;
			enum ob_alert_method m2;
			f.above = 1;
			while (f.above < ABOVE_MAX && k >= (size_t)f.above &&
			       judge_fe(y, k - (size_t)f.above, fo, &m2, &e2, &u2))
				f.above++;
			f.y = y[k];
			f.past_min = past_min(y, k, &f.past_zero);
			found_add(c, &f);
		}
		if (k >= (size_t)co->baseline + CUSUM_WINDOW - 1) {
			struct ob_cusum_plan plan;
			size_t start = k + 1 - CUSUM_WINDOW;
			c->tested[OB_ALERT_CUSUM]++;
			/* h is not searched for a month that could not alarm */
			if (ob_cusum_may_alarm(y, k + 1, start, k, co) &&
			    ob_cusum_cached(y, k + 1, start, k, co, hcache, &plan, cr) == OB_OK &&
			    plan.computed && cr[CUSUM_WINDOW - 1].alarm) {
				f.m = OB_ALERT_CUSUM;
				f.y = y[k];
				f.expected = plan.m0;
				f.upper = cr[CUSUM_WINDOW - 1].upper;
				f.above = cr[CUSUM_WINDOW - 1].run;
				f.past_min = past_min(y, k, &f.past_zero);
				found_add(c, &f);
			}
		}
	}
}

/* A unit's series has no data in the months before the unit existed or
 * after it ceased to (a territorial reform: El Salvador's municipalities
 * of 2024-05-01 are new series, not a jump from the zeros of the months
 * before them). valid_from, valid_to: yyyymmdd, 0 when open. */
static void unit_lifetime(const struct ob_snap_unit *u, const struct coverage *cv, double *y)
{
	for (size_t m = 0; m < cv->span; m++) {
		int month = cv->first + (int)m;
		int32_t first = (month / 12) * 10000 + (month % 12 + 1) * 100 + 1;
		int32_t last = first + 30; /* a day past any month's end compares alike */
		if ((u->valid_from && last < u->valid_from) || (u->valid_to && first > u->valid_to))
			y[m] = NAN;
	}
}

/* Judge the series of unit ui (snapshot index u - 1) of a country's level
 * (lc->per_unit) into c: those with a count in lc->r, from a count of the
 * unit's own by division, year and month. */
static void judge_unit_alone(const struct level_ctx *lc, uint32_t ui, uintptr_t u,
                             const uint8_t *cover, int from, int to, struct chunk *c,
                             double *y, struct ob_cusum_result *cr,
                             struct ob_cusum_cache *hcache)
{
	const struct level_run *x = lc->x;
	struct ob_query q;
	struct ob_query_result *r = NULL;
	char where[2 * OB_MAX_NAME + 32];
	int *year = NULL, *monthv = NULL;
	uint32_t v[2] = { ui, 0 };
	bool any = false;

	for (uint32_t ci = 0; ci < lc->nc && !any; ci++) {
		v[1] = ci;
		any = ob_query_count(lc->r, v) > 0;
	}
	if (!any || c->err)
		return; /* no series counts anything (or a count failed already) */
	memset(&q, 0, sizeof(q));
	q.dims[0] = OB_QD_ICCS_DIVISION;
	q.dims[1] = OB_QD_YEAR;
	q.dims[2] = OB_QD_MONTH;
	q.n_dims = q.n_row_dims = 3;
	q.rules = x->o->rules;
	q.threads = 1; /* the judging threads are the parallelism */
	if (x->o->country)
		snprintf(where, sizeof(where), "country=%s %s=%s", x->o->country,
		         lc->level == 2 ? "admin2" : "admin1",
		         ob_snap_str(x->snap, x->snap->units[u - 1].code));
	else
		snprintf(where, sizeof(where), "%s=%s", lc->level == 2 ? "admin2" : "admin1",
		         ob_snap_str(x->snap, x->snap->units[u - 1].code));
	q.where = where;
	if ((c->err = ob_query_run(lc->an, &q, &r, &c->d)))
		return;
	year = ob_calloc(r->extent[1] + 1, sizeof(int));
	monthv = ob_calloc(r->extent[2] + 1, sizeof(int));
	for (uint32_t i = 0; i < r->extent[1]; i++) {
		const char *s = ob_query_label(r, 1, i);
		long long n;
		year[i] = ob_parse_int(s, strlen(s), 1, 9999, &n) ? (int)n : -1;
	}
	for (uint32_t i = 0; i < r->extent[2]; i++) {
		const char *s = ob_query_label(r, 2, i);
		long long n;
		monthv[i] = ob_parse_int(s, strlen(s), 1, 12, &n) ? (int)n : -1;
	}
	for (uint32_t ci = 0; ci < lc->nc && ci < r->extent[0]; ci++) {
		v[1] = ci;
		if (!ob_query_count(lc->r, v) ||
		    !fill_division_of(lc, r, year, monthv, r->extent[1], r->extent[2], UINT32_MAX,
		                      ci, cover, y))
			continue;
		unit_lifetime(&x->snap->units[u - 1], lc->x->cv, y);
		judge_series(lc, ui, ci, y, from, to, c, cr, hcache);
	}
	free(monthv);
	free(year);
	ob_query_result_free(r);
}

/* Judge every series of unit ui into c. */
static void judge_unit(const struct level_ctx *lc, uint32_t ui, struct chunk *c, double *y,
                       struct ob_cusum_result *cr, struct ob_cusum_cache *hcache)
{
	const struct level_run *x = lc->x;
	const struct coverage *cv = x->cv;
	uintptr_t u;
	size_t country;
	const uint8_t *cover;
	int to, from;

	if (lc->block) {
		u = (uintptr_t)lc->iunits[ui] + 1;
	} else {
		const char *code = ob_query_label(lc->r, 0, ui);
		u = (uintptr_t)ob_strmap_get(&x->units, code, strlen(code));
	}
	if (!u)
		return; /* "unknown": counted above this level */
	country = x->snap->units[u - 1].country;
	cover = cv->cover + country * cv->span;
	to = x->o->to_month >= 0 ? x->o->to_month : cv->latest[country];
	from = x->o->from_month >= 0 ? x->o->from_month : to;
	if (lc->per_unit) {
		judge_unit_alone(lc, ui, u, cover, from, to, c, y, cr, hcache);
		return;
	}
	for (uint32_t ci = 0; ci < lc->nc; ci++) {
		if (lc->block ? !fill_indicator(lc, ui, cover, y)
		              : !fill_division(lc, ui, ci, cover, y))
			continue;
		if (!lc->block)
			unit_lifetime(&x->snap->units[u - 1], cv, y);
		judge_series(lc, ui, ci, y, from, to, c, cr, hcache);
	}
}

/* A judging thread: chunks of units until none is left. */
/* Has another thread asked the run to stop (ob_alerts_options.stop)? */
static bool stopped(const struct ob_alerts_options *o)
{
	return o->stop && atomic_load(o->stop);
}

static void *judge_run(void *arg)
{
	struct judge_worker *w = arg;
	struct level_ctx *lc = w->lc;
	double *y = ob_calloc(lc->x->cv->span + 1, sizeof(double));
	struct ob_cusum_result *cr = ob_calloc(CUSUM_WINDOW, sizeof(*cr));
	struct ob_cusum_cache *hcache = &lc->x->caches[w->index];
	size_t ch;

	while (!stopped(lc->x->o) && (ch = atomic_fetch_add(&lc->next, 1)) < lc->n_chunks) {
		size_t lo = ch * ALERTS_CHUNK, hi = lo + ALERTS_CHUNK < lc->nu ? lo + ALERTS_CHUNK : lc->nu;
		for (size_t ui = lo; ui < hi; ui++) {
			size_t done;
			judge_unit(lc, (uint32_t)ui, &lc->chunks[ch], y, cr, hcache);
			done = atomic_fetch_add(&lc->done, 1) + 1;
			if (w->reports && lc->x->o->progress)
				lc->x->o->progress(lc->x->o->progress_arg, lc->done_base + done,
				                   lc->total);
		}
	}
	free(cr);
	free(y);
	return NULL;
}

/* Judging threads: --threads, else one a core (at most OB_MAX_ALERTS_THREADS),
 * never more than chunks. */
static int judge_threads(int asked, size_t chunks)
{
	long t = asked > 0 ? asked : sysconf(_SC_NPROCESSORS_ONLN);

	if (t < 1)
		t = 1;
	if (t > OB_MAX_ALERTS_THREADS)
		t = OB_MAX_ALERTS_THREADS;
	if ((size_t)t > chunks)
		t = chunks ? (long)chunks : 1;
	return (int)t;
}

/* The detectors' options, as the header says. */
static void level_options(struct level_ctx *lc)
{
	ob_farrington_defaults(&lc->fo);
	lc->fo.no_periods = 10;
	/* bench/alerts/backtest: at R's 0.05 a municipality where nothing
	 * happens alarms 0.6 times a year; at 0.01, 0.12, a doubling still
	 * found two times in three */
	lc->fo.alpha = 0.01;
	ob_cusum_defaults(&lc->co);
}

/* Judge every unit of lc (in threads, by chunks of units) into lc->chunks,
 * which the caller merges in order and frees. */
static void judge_all(struct level_ctx *lc, size_t *done, size_t total)
{
	struct judge_worker *wk;
	int nt;

	lc->n_chunks = (lc->nu + ALERTS_CHUNK - 1) / ALERTS_CHUNK;
	lc->chunks = ob_calloc(lc->n_chunks + 1, sizeof(*lc->chunks));
	atomic_init(&lc->next, 0);
	atomic_init(&lc->done, 0);
	lc->done_base = *done;
	lc->total = total;
	nt = judge_threads(lc->x->o->threads, lc->n_chunks);
	wk = ob_calloc((size_t)nt, sizeof(*wk));
	for (int t = 0; t < nt; t++) {
		wk[t].lc = lc;
		wk[t].index = t;
		wk[t].reports = t == 0;
	}
	for (int t = 1; t < nt; t++)
		wk[t].started = pthread_create(&wk[t].tid, NULL, judge_run, &wk[t]) == 0;
	judge_run(&wk[0]); /* and a thread that could not start leaves its chunks here */
	for (int t = 1; t < nt; t++)
		if (wk[t].started)
			pthread_join(wk[t].tid, NULL);
	*done += lc->nu;
	free(wk);
}

/* The tallies of the chunks of lc into out. */
static void chunk_tallies(const struct level_ctx *lc, struct ob_alerts *out)
{
	for (size_t ch = 0; ch < lc->n_chunks; ch++) {
		const struct chunk *c = &lc->chunks[ch];
		out->series += c->series;
		out->untested += c->untested;
		for (int m = 0; m < 3; m++)
			out->tested[m] += c->tested[m];
	}
}

static void chunks_free(struct level_ctx *lc)
{
	for (size_t ch = 0; ch < lc->n_chunks; ch++)
		free(lc->chunks[ch].v);
	free(lc->chunks);
	lc->chunks = NULL;
}

/* One level: count, then judge every series, then the alarms in the order
 * of the units. */
static ob_err run_level(struct level_run *x, const struct ob_analyzer *an, int level,
                        size_t *done, size_t total)
{
	struct ob_query q;
	struct ob_query_result *r = NULL;
	struct level_ctx lc;
	int *year = NULL, *monthv = NULL;
	char where[OB_MAX_NAME + 16];
	bool per_unit;
	ob_err e;

	memset(&q, 0, sizeof(q));
	q.dims[0] = level == 2 ? OB_QD_ADMIN2 : OB_QD_ADMIN1;
	q.dims[1] = OB_QD_ICCS_DIVISION;
	q.dims[2] = OB_QD_YEAR;
	q.dims[3] = OB_QD_MONTH;
	/* one country, or more units x divisions x months than one count may
	 * hold (an observatory of many years: 33 years of the seven
	 * countries' municipalities pass OB_MAX_QUERY_CELLS): unit x division
	 * here, each unit's months when judged */
	per_unit = x->o->country != NULL;
	{
		double cells = 1;
		for (int j = 0; j < 4; j++)
			cells *= (double)ob_analyzer_values(an, q.dims[j]);
		per_unit |= cells > (double)OB_MAX_QUERY_CELLS;
	}
	q.n_dims = q.n_row_dims = per_unit ? 2 : 4;
	q.rules = x->o->rules;
	q.threads = x->o->threads;
	if (x->o->country) {
		snprintf(where, sizeof(where), "country=%s", x->o->country);
		q.where = where;
	}
	if ((e = ob_query_run(an, &q, &r, x->d)))
		return e;
	memset(&lc, 0, sizeof(lc));
	lc.x = x;
	lc.r = r;
	lc.an = an;
	lc.level = level;
	lc.per_unit = per_unit;
	level_options(&lc);
	lc.nu = r->extent[0];
	lc.nc = r->extent[1];
	lc.ny = lc.per_unit ? 0 : r->extent[2];
	lc.nm = lc.per_unit ? 0 : r->extent[3];
	year = ob_calloc(lc.ny + 1, sizeof(int));
	monthv = ob_calloc(lc.nm + 1, sizeof(int));
	for (uint32_t v = 0; v < lc.ny; v++) {
		const char *s = ob_query_label(r, 2, v);
		long long n;
		year[v] = ob_parse_int(s, strlen(s), 1, 9999, &n) ? (int)n : -1;
	}
	for (uint32_t v = 0; v < lc.nm; v++) {
		const char *s = ob_query_label(r, 3, v);
		long long n;
		monthv[v] = ob_parse_int(s, strlen(s), 1, 12, &n) ? (int)n : -1;
	}
	lc.year = year;
	lc.monthv = monthv;
	judge_all(&lc, done, total);
	chunk_tallies(&lc, x->out);
	for (size_t ch = 0; ch < lc.n_chunks && !e; ch++)
		if ((e = lc.chunks[ch].err) && x->d)
			*x->d = lc.chunks[ch].d;
	for (size_t ch = 0; ch < lc.n_chunks; ch++) {
		const struct chunk *c = &lc.chunks[ch];
		for (size_t i = 0; i < c->n && !e; i++)
			e = add_alert(x, r, level, &c->v[i]);
	}
	chunks_free(&lc);
	free(monthv);
	free(year);
	ob_query_result_free(r);
	return e;
}

/* The indicators' pass: what the sink of ob_indicators_stream shares. */
struct ind_run {
	struct level_run *x;
	const struct ob_indicator_set *set;
	const size_t *which;   /* [k of the query]: index into set */
	const uint32_t *units; /* the query's units (snapshot indices) */
	size_t n_units;
	size_t *done, total;
};

/* One indicator's values: judge each unit's series, keep its alarms. */
static int ind_sink(void *arg, const struct ob_ind_result *r, size_t k,
                    const struct ob_ind_value *block)
{
	struct ind_run *ir = arg;
	struct level_run *x = ir->x;
	const struct ob_indicator *ind = &ir->set->v[ir->which[k]];
	char category[OB_IND_ID_MAX + 8];
	struct level_ctx lc;

	memset(&lc, 0, sizeof(lc));
	lc.x = x;
	lc.ir = r;
	lc.block = block;
	lc.iunits = ir->units;
	level_options(&lc);
	lc.nu = ir->n_units;
	lc.nc = 1;
	judge_all(&lc, ir->done, ir->total);
	if (stopped(x->o)) {
		chunks_free(&lc);
		return 1;
	}
	chunk_tallies(&lc, x->out);
	snprintf(category, sizeof(category), "ind:%s", ind->id);
	for (size_t ch = 0; ch < lc.n_chunks; ch++) {
		const struct chunk *c = &lc.chunks[ch];
		for (size_t i = 0; i < c->n; i++) {
			uint32_t su = ir->units[c->v[i].ui];
			const struct ob_snap_unit *u = &x->snap->units[su];
			struct ob_alert *al = new_alert(x, ob_snap_str(x->snap, u->code), su + 1,
			                                u->level, &c->v[i]);
			al->category = ob_strdup(category);
			al->category_name_es = ob_strdup(ind->name_es);
			al->category_name_en = ob_strdup(ind->name_en);
			al->classes = ob_sdc_class_of_indicator(ind);
		}
	}
	chunks_free(&lc);
	return 0;
}

/* Every indicator of o->indicators over every admin-2 and admin-1 unit,
 * month by month over the coverage, in the division of its last month. */
static ob_err run_indicators(struct level_run *x, size_t *done, size_t total,
                             const uint32_t *units, size_t n_units)
{
	const struct ob_indicator_set *set = x->o->indicators;
	const struct coverage *cv = x->cv;
	struct ob_ind_result *res = NULL;
	struct ob_ind_query q;
	struct ob_period *per;
	size_t *which;
	struct ind_run ir;
	ob_err e;

	per = ob_calloc(cv->span + 1, sizeof(*per));
	which = ob_calloc(set->n + 1, sizeof(*which));
	for (size_t m = 0; m < cv->span; m++) {
		int month = cv->first + (int)m;
		per[m].kind = OB_PERIOD_MONTH;
		per[m].year = month / 12;
		per[m].from_month = per[m].to_month = month;
		snprintf(per[m].label, sizeof(per[m].label), "%04d-%02d", month / 12, month % 12 + 1);
	}
	for (size_t k = 0; k < set->n; k++)
		which[k] = k;
	memset(&q, 0, sizeof(q));
	q.indicators = which;
	q.n_indicators = set->n;
	q.units = units;
	q.n_units = n_units;
	q.periods = per;
	q.n_periods = cv->span;
	q.level = 0.95;
	q.unreliable_below = 0; /* not read: counts only */
	q.institution = -1;
	q.rules = x->o->rules;
	q.threads = x->o->threads;
	q.has_vintage = true;
	q.vintage = ob_period_lastday(&per[cv->span - 1]);
	ir.x = x;
	ir.set = set;
	ir.which = which;
	ir.units = units;
	ir.n_units = n_units;
	ir.done = done;
	ir.total = total;
	e = ob_indicators_stream(x->snap, x->o->pop, set, &q, ind_sink, &ir, &res, x->d);
	ob_ind_result_free(res);
	free(which);
	free(per);
	return e;
}

ob_err ob_alerts_run(struct ob_store *st, const struct ob_analyzer *an,
                     const struct ob_snapshot *snap, const struct ob_completeness *cov,
                     const struct ob_alerts_options *o, struct ob_alerts *out,
                     struct ob_diag *d)
{
	struct level_run x = { 0 };
	struct coverage cv = { 0 };
	uint32_t *units = NULL;
	size_t done = 0, total, n_units = 0;
	ob_err e = OB_OK;

	memset(out, 0, sizeof(*out));
	coverage_build(snap, cov, &cv);
	out->first_month = cv.first;
	out->last_month = cv.last;
	if (cv.span > OB_MAX_OUTBREAK_SERIES) {
		e = OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0, "las series pasan de %d meses",
		            "the series span more than %d months", OB_MAX_OUTBREAK_SERIES);
		goto release_coverage;
	}
	x.st = st;
	x.snap = snap;
	x.o = o;
	x.cv = &cv;
	x.out = out;
	x.d = d;
	x.caches = ob_calloc(OB_MAX_ALERTS_THREADS, sizeof(*x.caches));
	for (int t = 0; t < OB_MAX_ALERTS_THREADS; t++)
		x.caches[t].bracket = true; /* h only: no run length is reported */
	ob_strmap_init(&x.units);
	for (uint32_t i = 0; i < snap->n_units; i++) {
		const char *code = ob_snap_str(snap, snap->units[i].code);
		ob_strmap_put(&x.units, code, strlen(code), (void *)(uintptr_t)(i + 1), NULL);
	}
	total = ob_analyzer_values(an, OB_QD_ADMIN2) + ob_analyzer_values(an, OB_QD_ADMIN1);
	if (o->indicators && o->indicators->n) {
		/* admin-2 units, then admin-1, as the divisions are judged */
		units = ob_calloc(snap->n_units + 1, sizeof(*units));
		for (int level = 2; level >= 1; level--)
			for (uint32_t i = 0; i < snap->n_units; i++)
				if (snap->units[i].level == level)
					units[n_units++] = i;
		total += n_units * o->indicators->n;
	}
	if (cv.span)
		e = run_level(&x, an, 2, &done, total);
	if (!e && cv.span && !stopped(o))
		e = run_level(&x, an, 1, &done, total);
	if (!e && cv.span && n_units && !stopped(o))
		e = run_indicators(&x, &done, total, units, n_units);
	if (stopped(o)) /* what a stopped level or indicator left is not whole */
		e = OB_DIAG(d, OB_ECANCELED, NULL, 0, 0, NULL, 0, "alertas detenidas",
		            "alerts stopped");
	free(units);
	free(x.caches);
	ob_strmap_release(&x.units);
release_coverage:
	coverage_release(&cv);
	if (e)
		ob_alerts_release(out);
	return e;
}
