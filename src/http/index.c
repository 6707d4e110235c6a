/* index.c - GET /api/v1/index: the prioritization index of a preset, computed once per store state and kept in memory. */
#include "http/internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "base/log.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/snaphold.h"
#include "http/cache.h"
#include "index/run.h"

/*
 * The cache. An index run is a Monte Carlo analysis (the definition's runs,
 * 1000 for the built-in presets, with the definition's seed): too slow to
 * repeat on every request, and always the same answer for the same data.
 * So each result is rendered once, as JSON and as CSV, and kept under the
 * key (observatory, preset, year, country, stamp of the records snapshot):
 * a change to the store gives a new stamp and so a new computation. At most
 * OB_HTTP_INDEX_CACHE results are kept; the least recently used goes.
 *
 * One mutex guards the table, never held during a computation. A key being
 * computed has an entry in state COMPUTING: a request for it waits for that
 * computation (single flight) instead of starting its own, and at most
 * OB_HTTP_INDEX_CONCURRENT different keys are computed at once; waiting
 * requests give up when their client goes or their budget ends. A result
 * found ready is copied out under the mutex, so a thread that serves
 * connections answers it at once; the rest is left to a worker.
 */
enum ix_state { IX_FREE, IX_COMPUTING, IX_READY };

struct ix_entry {
	enum ix_state state;
	char *key;          /* NULL when free */
	char *json, *csv;
	size_t json_len, csv_len;
	unsigned long long used;
};

static pthread_mutex_t ix_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ix_done = PTHREAD_COND_INITIALIZER; /* a computation ended */
static struct ix_entry ix_cache[OB_HTTP_INDEX_CACHE];
static unsigned long long ix_clock;
static size_t ix_computing;

static void entry_clear(struct ix_entry *e)
{
	free(e->key);
	free(e->json);
	free(e->csv);
	memset(e, 0, sizeof(*e));
}

void ob_http_index_cache_clear(void)
{
	pthread_mutex_lock(&ix_lock);
	for (size_t i = 0; i < OB_HTTP_INDEX_CACHE; i++)
		if (ix_cache[i].state == IX_READY)
			entry_clear(&ix_cache[i]);
	pthread_mutex_unlock(&ix_lock);
}

static struct ix_entry *ix_find(const char *key)
{
	for (size_t i = 0; i < OB_HTTP_INDEX_CACHE; i++)
		if (ix_cache[i].state != IX_FREE && !strcmp(ix_cache[i].key, key))
			return &ix_cache[i];
	return NULL;
}

/* A free slot, or the least recently used ready one (emptied); NULL when
 * every slot is being computed. */
static struct ix_entry *ix_slot(void)
{
	struct ix_entry *v = NULL;

	for (size_t i = 0; i < OB_HTTP_INDEX_CACHE; i++) {
		struct ix_entry *x = &ix_cache[i];
		if (x->state == IX_FREE)
			return x;
		if (x->state == IX_READY && (!v || x->used < v->used))
			v = x;
	}
	if (v)
		entry_clear(v);
	return v;
}

/* Copy a ready result into the response (under ix_lock). */
static void ix_answer(struct ob_http_call *c, struct ix_entry *e, bool csv, const char *how)
{
	e->used = ++ix_clock;
	if (ob_buf_add(&c->res->body, csv ? e->csv : e->json, csv ? e->csv_len : e->json_len)) {
		ob_http_fail_too_large(c);
		return;
	}
	if (csv)
		c->res->content_type = "text/csv; charset=utf-8";
	ob_http_header_add(c->res, "X-Index-Cache", "%s", how);
}

/* Wait (under ix_lock) until a computation ends or 100 ms pass. */
static void ix_wait(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 100 * 1000 * 1000;
	if (ts.tv_nsec >= 1000 * 1000 * 1000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000 * 1000 * 1000;
	}
	pthread_cond_timedwait(&ix_done, &ix_lock, &ts);
}

/* A name of the catalogue's presets: never a path. */
static bool preset_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '_'))
			return false;
	return true;
}

static bool render(const struct ob_index_run *x, bool csv, char **out, size_t *len)
{
	FILE *f = open_memstream(out, len);

	if (!f)
		return false;
	if (csv)
		ob_index_run_csv(x, false, f);
	else
		ob_index_run_json(x, false, f);
	if (fclose(f)) {
		free(*out);
		*out = NULL;
		return false;
	}
	return true;
}

/* Remove every "DIR/" from msg: the client needs no server paths. */
static void strip_dir(char *msg, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;
	char *p;

	if (!n)
		return;
	while ((p = strstr(msg, dir)) && p[n] == '/')
		memmove(p, p + n + 1, strlen(p + n + 1) + 1);
}

/* Compute the run for the key into e; answers the error itself. */
static bool compute(struct ob_http_call *c, const struct ob_snapref *ref, const char *preset,
                    int year, const char *country, struct ix_entry *e)
{
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_index_preset_options po = { 0 };
	struct ob_index_preset_data pd;
	struct ob_index_run_options ro;
	struct ob_index_run x;
	struct ob_diag d;
	bool from_default = false, ok = false;
	ob_err err;

	memset(&x, 0, sizeof(x));
	ob_diag_clear(&d);
	if (ob_indicators_load_dir(c->ctx->dir, &set, &from_default, &d) ||
	    ob_counting_load(c->ctx->dir, ref->snap, set, &rules, &d)) {
		ob_error("API: indicadores / reglas de conteo: %s", d.message);
		ob_indicators_free(set);
		ob_http_store_fail(c);
		return false;
	}
	po.year = year;
	po.country = country;
	pd.snap = ref->snap;
	pd.pop = ref->pop;
	pd.set = set;
	pd.rules = rules;
	ob_index_run_options_default(&ro);
	ro.deadline = c->deadline;
	ro.cancel = c->req->cancel;
	err = ob_index_run_preset(&x, c->ctx->dir, preset, &pd, &po, &ro, &d);
	if (err == OB_ETIMEDOUT || err == OB_ECANCELED) {
		ob_http_fail_stopped(c, err);
		goto out;
	}
	if (err) {
		char msg[OB_MAX_MESSAGE];
		ob_diag_format(&d, msg, sizeof(msg));
		strip_dir(msg, c->ctx->dir);
		if (err == OB_ENOENT)
			ob_http_fail(c->res, 404, "not_found", "preset", msg, msg);
		else if (err == OB_EEMPTY) /* nothing varies that year: no index to give */
			ob_http_fail(c->res, 404, "no_data", "year", msg, msg);
		else if (err == OB_ENOMEM || err == OB_ESTORE || err == OB_EIO)
			ob_http_store_fail(c);
		else
			ob_http_fail(c->res, 400, "bad_parameter", NULL, msg, msg);
		goto out;
	}
	if (!render(&x, false, &e->json, &e->json_len) || !render(&x, true, &e->csv, &e->csv_len)) {
		ob_http_fail(c->res, 500, "internal", NULL, "No se pudo escribir el índice.",
		             "The index could not be written.");
		goto out;
	}
	ok = true;
out:
	ob_index_run_release(&x);
	ob_counting_free(rules);
	ob_indicators_free(set);
	return ok;
}

static void make_key(char *key, size_t size, const char *dir, const char *preset, int year,
                     const char *country, const char *stamp)
{
	snprintf(key, size, "%s\n%s\n%d\n%s\n%s", dir, preset, year, country, stamp);
}

void ob_http_h_index(struct ob_http_call *c)
{
	const char *preset = ob_http_str(c, "preset"), *cin = ob_http_str(c, "country");
	const char *fmt = ob_http_str(c, "format");
	int year = (int)ob_http_int(c, "year", 0);
	bool csv = fmt && !strcmp(fmt, "csv");
	char country[4] = "", key[OB_MAX_PATH + 256];
	struct ob_snapref *ref = NULL;
	struct ix_entry *e = NULL;
	struct ob_diag d;
	bool waited = false, answered = false;

	if (!preset_name_ok(preset)) {
		ob_http_fail(c->res, 400, "bad_parameter", "preset",
		             "«preset» debe ser el nombre de un índice del catálogo (sv-municipal, "
		             "hn-municipal, gt-municipal...): letras minúsculas, cifras, - o _.",
		             "'preset' must name a catalogue index (sv-municipal, hn-municipal, "
		             "gt-municipal...): lower-case letters, digits, - or _.");
		return;
	}
	if (cin) {
		bool ok = strlen(cin) == 3;
		for (size_t i = 0; ok && i < 3; i++) {
			char ch = cin[i];
			if (ch >= 'a' && ch <= 'z')
				ch = (char)(ch - 'a' + 'A');
			ok = ch >= 'A' && ch <= 'Z';
			country[i] = ch;
		}
		if (!ok) {
			ob_http_fail(c->res, 400, "bad_parameter", "country",
			             "«country» debe ser un código ISO 3166 alfa-3 (SLV, GTM, HND...).",
			             "'country' must be an ISO 3166 alpha-3 code (SLV, GTM, HND...).");
			return;
		}
	}
	if (!c->ctx->snaps || !c->ctx->store || !c->ctx->dir) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "El índice no está disponible en este servidor.",
		             "The index is not available on this server.");
		return;
	}
	ob_diag_clear(&d);
	if (c->req->may_defer) {
		/* on a thread that serves connections: a result ready for the
		 * snapshot in hand, when the store has not changed since (checked
		 * once per OB_HTTP_STAMP_SECONDS), or else a worker */
		if ((!c->ctx->cache || (ob_http_cache_stamp_due(c->ctx->cache, c->req->now) &&
		                        ob_http_snapshot_stale(c))) ||
		    !(ref = ob_snaphold_get(c->ctx->snaps))) {
			if (c->ctx->cache)
				ob_http_cache_stamp_again(c->ctx->cache);
			ob_http_defer(c, false);
			return;
		}
		make_key(key, sizeof(key), c->ctx->dir, preset, year, country, ref->snap->stamp);
		pthread_mutex_lock(&ix_lock);
		if ((e = ix_find(key)) && e->state == IX_READY) {
			ix_answer(c, e, csv, "hit");
			answered = true;
		}
		/* being computed: a worker waits for it (not a computation of its own) */
		waited = e && e->state == IX_COMPUTING;
		pthread_mutex_unlock(&ix_lock);
		ob_snaphold_put(c->ctx->snaps, ref);
		if (!answered)
			ob_http_defer(c, !waited);
		return;
	}
	if (ob_snaphold_refresh(c->ctx->snaps, c->ctx->store, c->ctx->dir, NULL, &d))
		ob_warn("API: instantánea: %s", d.message);
	if (!(ref = ob_snaphold_get(c->ctx->snaps))) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "No se pudo cargar la instantánea de los registros.",
		             "The records snapshot could not be loaded.");
		return;
	}
	make_key(key, sizeof(key), c->ctx->dir, preset, year, country, ref->snap->stamp);
	pthread_mutex_lock(&ix_lock);
	for (;;) {
		ob_err why;

		if ((e = ix_find(key)) && e->state == IX_READY) {
			ix_answer(c, e, csv, waited ? "shared" : "hit");
			break;
		}
		if (!e && ix_computing < OB_HTTP_INDEX_CONCURRENT && (e = ix_slot())) {
			struct ix_entry fresh;
			bool ok;

			/* this request computes it; others for the key wait */
			e->state = IX_COMPUTING;
			e->key = ob_strdup(key);
			ix_computing++;
			pthread_mutex_unlock(&ix_lock);
			memset(&fresh, 0, sizeof(fresh));
			ok = compute(c, ref, preset, year, country[0] ? country : NULL, &fresh);
			pthread_mutex_lock(&ix_lock);
			ix_computing--;
			free(e->key);
			if (ok) {
				*e = fresh;
				e->key = ob_strdup(key);
				e->state = IX_READY;
				if (c->ctx->load)
					atomic_fetch_add(&c->ctx->load->index_runs, 1);
				ix_answer(c, e, csv, "miss");
			} else {
				entry_clear(&fresh);
				memset(e, 0, sizeof(*e));
			}
			pthread_cond_broadcast(&ix_done);
			break;
		}
		/* being computed by another request, or too many computations */
		if ((why = ob_http_stopped(c))) {
			ob_http_fail_stopped(c, why);
			break;
		}
		waited = true;
		ix_wait();
	}
	pthread_mutex_unlock(&ix_lock);
	ob_snaphold_put(c->ctx->snaps, ref);
}
