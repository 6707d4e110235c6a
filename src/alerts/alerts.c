/*
 * alerts.c - early warning over the observatory (see alerts.h): one count
 * per level (territory x ICCS division x year x month, with the counting
 * rules), the months each country covers, and the detectors on each
 * series.
 */
#include "alerts/alerts.h"

#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/strmap.h"
#include "stats/outbreak.h"

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

void ob_alert_shown(const struct ob_alert *x, long long min_count, long long min_count_03,
                    bool *observed, bool *model)
{
	long long min = strncmp(x->category, "03", 2) ? min_count : min_count_03;

	*observed = !(min > 0 && x->observed < (double)min);
	/* a model value read from a month that is suppressed: differencing
	 * those of consecutive months would tell that month */
	*model = !(min > 0 && x->past_min < (double)min);
}

void ob_alerts_write(const struct ob_alerts *a, struct ob_rows *w, bool en, bool text,
                     long long min_count, long long min_count_03)
{
	for (size_t i = 0; i < a->n; i++) {
		const struct ob_alert *x = &a->v[i];
		bool shown, model, hide;
		char month[16];

		ob_alert_shown(x, min_count, min_count_03, &shown, &model);
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
static ob_err iccs_names(struct ob_store *st, sqlite3_stmt **q, const char *code, char **es,
                         char **en, struct ob_diag *d)
{
	int rc;

	if (!*q && ob_store_prepare(st, "SELECT name_es, name_en FROM iccs WHERE code = ?1", q, d))
		return OB_ESTORE;
	sqlite3_reset(*q);
	sqlite3_bind_text(*q, 1, code, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(*q);
	if (rc == SQLITE_ROW) {
		*es = ob_strdup((const char *)sqlite3_column_text(*q, 0));
		*en = ob_strdup((const char *)sqlite3_column_text(*q, 1));
		return OB_OK;
	}
	*es = ob_strdup("");
	*en = ob_strdup("");
	return rc == SQLITE_DONE ? OB_OK : OB_ESTORE;
}

struct level_run {
	struct ob_store *st;
	const struct ob_snapshot *snap;
	const struct ob_alerts_options *o;
	const struct coverage *cv;
	struct ob_strmap units;  /* code -> unit index + 1 */
	sqlite3_stmt *names;
	struct ob_alerts *out;
	struct ob_diag *d;
};

static ob_err add_alert(struct level_run *x, const struct ob_query_result *r, uint32_t ui,
                        uint32_t cv, int level, int month, enum ob_alert_method m, double y,
                        double expected, double upper, int above, double past_min)
{
	struct ob_alerts *a = x->out;
	struct ob_alert *al;
	const char *code = ob_query_label(r, 0, ui);
	uintptr_t u = (uintptr_t)ob_strmap_get(&x->units, code, strlen(code));

	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->v = ob_realloc(a->v, a->cap * sizeof(*a->v));
	}
	al = &a->v[a->n++];
	memset(al, 0, sizeof(*al));
	al->territory = ob_strdup(code);
	al->territory_name = ob_strdup(u ? ob_snap_str(x->snap, x->snap->units[u - 1].name) : "");
	al->level = level;
	al->category = ob_strdup(ob_query_label(r, 1, cv));
	al->month = month;
	al->observed = y;
	al->expected = expected;
	al->upper = upper;
	al->method = m;
	al->above = above;
	al->past_min = past_min;
	if (iccs_names(x->st, &x->names, al->category, &al->category_name_es,
	               &al->category_name_en, x->d))
		return ob_diag_set(x->d, OB_ESTORE, ob_store_dir(x->st), 0, 0, NULL, 0, "iccs: %s",
		                   sqlite3_errmsg(ob_store_db(x->st)));
	return OB_OK;
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
};

/* The units of a chunk judged by one thread, and what it found. */
struct chunk {
	struct found *v;
	size_t n, cap;
	size_t series, tested[3], untested;
};

/* What the threads of one level share (read only but next and done). */
struct level_ctx {
	const struct level_run *x;
	const struct ob_query_result *r;
	const int *year, *monthv;
	size_t nu, nc, ny, nm;
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

/* The smallest count of 1 or more of y[0..k) (INFINITY: none): the months
 * a method may read to judge month k. */
static double past_min(const double *y, size_t k)
{
	double m = INFINITY;

	for (size_t i = 0; i < k; i++)
		if (!isnan(y[i]) && y[i] >= 1 && y[i] < m)
			m = y[i];
	return m;
}

/* Judge every series of unit ui into c. */
static void judge_unit(const struct level_ctx *lc, uint32_t ui, struct chunk *c, double *y,
                       struct ob_cusum_result *cr, struct ob_cusum_cache *hcache)
{
	const struct level_run *x = lc->x;
	const struct ob_query_result *r = lc->r;
	const struct coverage *cv = x->cv;
	const struct ob_farrington_options *fo = &lc->fo;
	const struct ob_cusum_options *co = &lc->co;
	size_t span = cv->span;
	const char *code = ob_query_label(r, 0, ui);
	uintptr_t u = (uintptr_t)ob_strmap_get(&x->units, code, strlen(code));
	size_t country;
	const uint8_t *cover;
	int to, from;

	if (!u)
		return; /* "unknown": counted above this level */
	country = x->snap->units[u - 1].country;
	cover = cv->cover + country * span;
	to = x->o->to_month >= 0 ? x->o->to_month : cv->latest[country];
	from = x->o->from_month >= 0 ? x->o->from_month : to;
	for (uint32_t ci = 0; ci < lc->nc; ci++) {
		uint32_t v[4] = { ui, ci, 0, 0 };
		uint64_t sum = 0;

		if (!strcmp(ob_query_label(r, 1, ci), "unknown"))
			continue;
		for (size_t m = 0; m < span; m++)
			y[m] = cover[m] ? 0 : NAN;
		for (uint32_t yi = 0; yi < lc->ny; yi++) {
			if (lc->year[yi] < 0)
				continue;
			v[2] = yi;
			for (uint32_t mi = 0; mi < lc->nm; mi++) {
				int month;
				uint64_t n;
				if (lc->monthv[mi] < 0)
					continue;
				v[3] = mi;
				month = lc->year[yi] * 12 + lc->monthv[mi] - 1;
				if (month < cv->first || month > cv->last)
					continue;
				n = ob_query_count(r, v);
				sum += n;
				if (!isnan(y[month - cv->first]))
					y[month - cv->first] = (double)n;
			}
		}
		if (!sum)
			continue;
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
				f.past_min = past_min(y, k);
				found_add(c, &f);
			}
			if (k >= (size_t)co->baseline + CUSUM_WINDOW - 1) {
				struct ob_cusum_plan plan;
				size_t start = k + 1 - CUSUM_WINDOW;
				c->tested[OB_ALERT_CUSUM]++;
				if (ob_cusum_cached(y, k + 1, start, k, co, hcache, &plan, cr) == OB_OK &&
				    plan.computed && cr[CUSUM_WINDOW - 1].alarm) {
					f.m = OB_ALERT_CUSUM;
					f.y = y[k];
					f.expected = plan.m0;
					f.upper = cr[CUSUM_WINDOW - 1].upper;
					f.above = cr[CUSUM_WINDOW - 1].run;
					f.past_min = past_min(y, k);
					found_add(c, &f);
				}
			}
		}
	}
}

/* A judging thread: chunks of units until none is left. */
static void *judge_run(void *arg)
{
	struct judge_worker *w = arg;
	struct level_ctx *lc = w->lc;
	double *y = ob_calloc(lc->x->cv->span + 1, sizeof(double));
	struct ob_cusum_result *cr = ob_calloc(CUSUM_WINDOW, sizeof(*cr));
	struct ob_cusum_cache *hcache = ob_calloc(1, sizeof(*hcache));
	size_t ch;

	hcache->bracket = true; /* h only: no run length is reported */

	while ((ch = atomic_fetch_add(&lc->next, 1)) < lc->n_chunks) {
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
	free(hcache);
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

/* One level: count, then judge every series (in threads, by chunks of
 * units), then the alarms in the order of the units. */
static ob_err run_level(struct level_run *x, const struct ob_analyzer *an, int level,
                        size_t *done, size_t total)
{
	struct ob_query q;
	struct ob_query_result *r = NULL;
	struct level_ctx lc;
	struct judge_worker *wk = NULL;
	int *year = NULL, *monthv = NULL, nt;
	ob_err e;

	memset(&q, 0, sizeof(q));
	q.dims[0] = level == 2 ? OB_QD_ADMIN2 : OB_QD_ADMIN1;
	q.dims[1] = OB_QD_ICCS_DIVISION;
	q.dims[2] = OB_QD_YEAR;
	q.dims[3] = OB_QD_MONTH;
	q.n_dims = q.n_row_dims = 4;
	q.rules = x->o->rules;
	q.threads = x->o->threads;
	if ((e = ob_query_run(an, &q, &r, x->d)))
		return e;
	memset(&lc, 0, sizeof(lc));
	lc.x = x;
	lc.r = r;
	ob_farrington_defaults(&lc.fo);
	lc.fo.no_periods = 10;
	/* bench/alerts/backtest: at R's 0.05 a municipality where nothing
	 * happens alarms 0.6 times a year; at 0.01, 0.12, a doubling still
	 * found two times in three */
	lc.fo.alpha = 0.01;
	ob_cusum_defaults(&lc.co);
	lc.nu = r->extent[0];
	lc.nc = r->extent[1];
	lc.ny = r->extent[2];
	lc.nm = r->extent[3];
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
	lc.n_chunks = (lc.nu + ALERTS_CHUNK - 1) / ALERTS_CHUNK;
	lc.chunks = ob_calloc(lc.n_chunks + 1, sizeof(*lc.chunks));
	atomic_init(&lc.next, 0);
	atomic_init(&lc.done, 0);
	lc.done_base = *done;
	lc.total = total;
	nt = judge_threads(x->o->threads, lc.n_chunks);
	wk = ob_calloc((size_t)nt, sizeof(*wk));
	for (int t = 0; t < nt; t++) {
		wk[t].lc = &lc;
		wk[t].reports = t == 0;
	}
	for (int t = 1; t < nt; t++)
		wk[t].started = pthread_create(&wk[t].tid, NULL, judge_run, &wk[t]) == 0;
	judge_run(&wk[0]); /* and a thread that could not start leaves its chunks here */
	for (int t = 1; t < nt; t++)
		if (wk[t].started)
			pthread_join(wk[t].tid, NULL);
	*done += lc.nu;
	for (size_t ch = 0; ch < lc.n_chunks; ch++) {
		struct chunk *c = &lc.chunks[ch];
		x->out->series += c->series;
		x->out->untested += c->untested;
		for (int m = 0; m < 3; m++)
			x->out->tested[m] += c->tested[m];
		for (size_t i = 0; i < c->n && !e; i++) {
			const struct found *f = &c->v[i];
			e = add_alert(x, r, f->ui, f->ci, level, f->month, f->m, f->y, f->expected,
			              f->upper, f->above, f->past_min);
		}
		free(c->v);
	}
	free(lc.chunks);
	free(wk);
	free(monthv);
	free(year);
	ob_query_result_free(r);
	return e;
}

ob_err ob_alerts_run(struct ob_store *st, const struct ob_analyzer *an,
                     const struct ob_snapshot *snap, const struct ob_completeness *cov,
                     const struct ob_alerts_options *o, struct ob_alerts *out,
                     struct ob_diag *d)
{
	struct level_run x = { 0 };
	struct coverage cv = { 0 };
	size_t done = 0, total;
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
	ob_strmap_init(&x.units);
	for (uint32_t i = 0; i < snap->n_units; i++) {
		const char *code = ob_snap_str(snap, snap->units[i].code);
		ob_strmap_put(&x.units, code, strlen(code), (void *)(uintptr_t)(i + 1), NULL);
	}
	total = ob_analyzer_values(an, OB_QD_ADMIN2) + ob_analyzer_values(an, OB_QD_ADMIN1);
	if (cv.span)
		e = run_level(&x, an, 2, &done, total);
	if (!e && cv.span)
		e = run_level(&x, an, 1, &done, total);
	sqlite3_finalize(x.names);
	ob_strmap_release(&x.units);
release_coverage:
	coverage_release(&cv);
	if (e)
		ob_alerts_release(out);
	return e;
}
