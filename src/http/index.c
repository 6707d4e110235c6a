/* index.c - GET /api/v1/index: the prioritization index of a preset, computed once per store state from protected counts and kept in memory. */
#include "http/internal.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "base/log.h"
#include "engine/counting.h"
#include "base/strmap.h"
#include "engine/indicators.h"
#include "engine/query.h"
#include "engine/snaphold.h"
#include "http/cache.h"
#include "index/run.h"
#include "publish/cellkey.h"

/*
 * What the route publishes. The index is computed from protected inputs:
 * each catalogue count (an indicator in a unit and year) is perturbed by
 * the cell-key method (publish/cellkey.h) with the key of the records the
 * public analyser would count for the same question (the indicator's
 * numerator, its institution, the disaggregation and the year, by the
 * unit's level), so the index and the analyser agree; rates are computed
 * from the perturbed counts. Per unit only the rank, the rank interval,
 * the level and the inputs' status are published (index/run.h): never
 * scores, drivers or normalised values, which are straight-line functions
 * of the rates. "observa index" (the steward's tool) keeps the full run.
 */

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

static bool render(const struct ob_index_run *x, bool csv, const char *protection, char **out,
                   size_t *len)
{
	FILE *f = open_memstream(out, len);

	if (!f)
		return false;
	ob_err e = OB_OK;

	if (csv)
		ob_index_run_public_csv(x, f);
	else
		e = ob_index_run_public_json(x, protection, f);
	if (fclose(f) || e) {
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

/* ---- protected counts ---- */

/* One analyser question: an indicator's records by one territorial level
 * in one year, with the sum of their keys per unit. */
struct pq {
	size_t ind;
	int by, level, year;
	char value[OB_IND_ID_MAX];
	struct ob_query_result *r; /* NULL: the question failed (values missing) */
	struct ob_strmap at;       /* unit code -> value index + 1 */
};

struct protect_ctx {
	const struct ob_snapref *ref;
	const struct ob_indicator_set *set;
	const struct ob_ck_ptable *pt;
	const struct ob_counting *rules; /* as the public analyser counts */
	struct pq *q;
	size_t nq, cap;
};

static const char *field_where(enum ob_ind_field f)
{
	switch (f) {
	case OB_FLD_CATEGORY: return "iccs";
	case OB_FLD_SEX: return "sex";
	case OB_FLD_AGE: return "age";
	case OB_FLD_HOUR: return "hour";
	case OB_FLD_INSTITUTION: return "institution";
	case OB_FLD_SOURCE: return "source";
	default: return ob_snap_dim_name((enum ob_snap_dim)(f - OB_FLD_MANNER));
	}
}

/* The analyser's filter for an indicator's numerator (its clauses; its
 * institution when they choose no source and no counting rules choose), a
 * disaggregation and a year. */
static ob_err numerator_where(const struct ob_indicator *x, bool ruled, int by,
                              const char *value, int year, struct ob_buf *w)
{
	bool chooses_source = false;
	ob_err e = OB_OK;

	for (int i = 0; i < x->n_clauses; i++) {
		const struct ob_ind_clause *cl = &x->clauses[i];
		const char *v = cl->values;

		chooses_source |= cl->field == OB_FLD_INSTITUTION || cl->field == OB_FLD_SOURCE;
		e |= ob_buf_addf(w, "%s=", field_where(cl->field));
		for (; *v; v++) {
			if (*v == ' ' || *v == '\t')
				continue;
			/* hour ranges are written 18-5 in numerators, 18..5 in filters */
			if (cl->field == OB_FLD_HOUR && *v == '-')
				e |= ob_buf_adds(w, "..");
			else
				e |= ob_buf_addc(w, *v);
		}
		e |= ob_buf_addc(w, ' ');
	}
	if (!chooses_source && !ruled && x->institution >= 0)
		e |= ob_buf_addf(w, "institution=%s ",
		                 ob_institution_name((enum ob_institution)x->institution));
	if (by >= 0)
		e |= ob_buf_addf(w, "%s=%s ", ob_ind_by_name((enum ob_ind_by)by), value);
	return e | ob_buf_addf(w, "year=%d", year);
}

static struct pq *question(struct protect_ctx *pc, size_t ind, int by, const char *value,
                           int level, int year)
{
	static const enum ob_query_dim dim_of_level[] = { OB_QD_COUNTRY, OB_QD_ADMIN1,
		                                          OB_QD_ADMIN2 };
	struct ob_buf w = OB_BUF_INIT(OB_MAX_QUERY_WHERE);
	struct ob_query q;
	struct ob_diag d;
	struct pq *e;

	for (size_t i = 0; i < pc->nq; i++) {
		e = &pc->q[i];
		if (e->ind == ind && e->by == by && e->level == level && e->year == year &&
		    !strcmp(e->value, value ? value : ""))
			return e;
	}
	if (pc->nq == pc->cap) {
		pc->cap = pc->cap ? pc->cap * 2 : 8;
		pc->q = ob_realloc(pc->q, pc->cap * sizeof(*pc->q));
	}
	e = &pc->q[pc->nq++];
	memset(e, 0, sizeof(*e));
	e->ind = ind;
	e->by = by;
	e->level = level;
	e->year = year;
	ob_strlcpy(e->value, value ? value : "", sizeof(e->value));
	ob_strmap_init(&e->at);
	memset(&q, 0, sizeof(q));
	if (numerator_where(&pc->set->v[ind], pc->rules != NULL, by, e->value, year, &w)) {
		OB_WARN("API: índice: la pregunta del indicador %s es demasiado larga; sus valores "
		        "quedan como faltantes",
		        "API: index: the question of indicator %s is too long; its values are missing",
		        pc->set->v[ind].id);
		ob_buf_release(&w);
		return e;
	}
	q.rules = pc->rules;
	q.dims[0] = dim_of_level[level < 0 ? 0 : level > 2 ? 2 : level];
	q.n_dims = q.n_row_dims = 1;
	q.where = w.ptr;
	q.threads = 1;
	q.keys = true;
	ob_diag_clear(&d);
	if (ob_query_run(pc->ref->an, &q, &e->r, &d)) {
		OB_WARN("API: índice: la pregunta «%s» del indicador %s no se pudo hacer; sus "
		        "valores quedan como faltantes: %s",
		        "API: index: the question «%s» of indicator %s failed; its values are "
		        "missing: %s",
		        w.ptr ? w.ptr : "", pc->set->v[ind].id, d.message);
		e->r = NULL;
	} else {
		for (uint32_t v = 0; v < e->r->extent[0]; v++) {
			const char *code = ob_query_label(e->r, 0, v);
			ob_strmap_put(&e->at, code, strlen(code), (void *)(uintptr_t)(v + 1), NULL);
		}
	}
	ob_buf_release(&w);
	return e;
}

static double protect_count(void *ctx, size_t ind, int by, const char *value, uint32_t unit,
                            const struct ob_period *period, double count)
{
	struct protect_ctx *pc = ctx;
	const struct ob_snapshot *s = pc->ref->snap;
	const char *code = ob_snap_str(s, s->units[unit].code);
	struct pq *e = question(pc, ind, by, value, s->units[unit].level, period->year);
	uintptr_t at;
	uint64_t keysum = 0;

	if (!e->r || !(count >= 0) || !isfinite(count))
		return -1;
	if ((at = (uintptr_t)ob_strmap_get(&e->at, code, strlen(code))))
		keysum = e->r->keysums[at - 1];
	return (double)ob_ck_perturb(pc->pt, (uint64_t)llround(count), keysum);
}

static void protect_release(struct protect_ctx *pc)
{
	for (size_t i = 0; i < pc->nq; i++) {
		ob_query_result_free(pc->q[i].r);
		ob_strmap_release(&pc->q[i].at);
	}
	free(pc->q);
}

/* The "protection" member of the answer. */
static void protection_json(const struct ob_sdc_config *cfg, char *out, size_t size)
{
	snprintf(out, size,
	         "{\"method\":\"cell_key\",\"max_perturbation\":%d,\"variance\":%g,"
	         "\"never_shown\":%d,\"published\":[\"rank\",\"rank_low\",\"rank_high\","
	         "\"level\",\"top\"],\"note\":\"El índice se calcula con conteos perturbados "
	         "(método de clave de celda, a lo sumo %d por conteo) y publica por unidad solo "
	         "la posición, su intervalo y el nivel.\",\"note_en\":\"The index is computed "
	         "from perturbed counts (cell-key method, at most %d per count) and publishes per "
	         "unit only the rank, its interval and the level.\"}",
	         cfg->ck.max_perturbation, cfg->ck.variance, cfg->ck.never_shown,
	         cfg->ck.max_perturbation, cfg->ck.max_perturbation);
}

/* Compute the run for the key into e; answers the error itself. */
static bool compute(struct ob_http_call *c, const struct ob_snapref *ref, const char *preset,
                    int year, const char *country, struct ix_entry *e)
{
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_index_preset_options po = { 0 };
	struct ob_index_preset_data pd = { 0 };
	struct ob_index_run_options ro;
	struct ob_index_run x;
	struct ob_index_protect prot;
	struct protect_ctx pc;
	struct ob_ck_ptable *pt = NULL;
	struct ob_sdc_config cfg;
	char protection[1024];
	struct ob_diag d;
	bool from_default = false, ok = false;
	ob_err err;

	memset(&x, 0, sizeof(x));
	memset(&pc, 0, sizeof(pc));
	ob_diag_clear(&d);
	if (ob_indicators_load_dir(c->ctx->dir, &set, &from_default, &d) ||
	    ob_counting_load(c->ctx->dir, ref->snap, set, &rules, &d)) {
		OB_ERROR("API: indicadores y reglas de conteo: %s", "API: indicators and counting rules: %s",
		         d.message);
		ob_indicators_free(set);
		ob_http_store_fail(c);
		return false;
	}
	pt = ob_malloc(sizeof(*pt));
	if (ob_sdc_config_load(&cfg, c->ctx->dir, &d) || ob_ck_ptable_build(&cfg.ck, pt, &d)) {
		OB_ERROR("API: control de divulgación: %s", "API: disclosure control: %s", d.message);
		ob_http_store_fail(c);
		goto out;
	}
	protection_json(&cfg, protection, sizeof(protection));
	pc.ref = ref;
	pc.set = set;
	pc.pt = pt;
	pc.rules = rules;
	prot.count = protect_count;
	prot.ctx = &pc;
	po.protect = &prot;
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
		char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
		ob_diag_format_lang(&d, OB_LANG_ES, es, sizeof(es));
		ob_diag_format_lang(&d, OB_LANG_EN, en, sizeof(en));
		strip_dir(es, c->ctx->dir);
		strip_dir(en, c->ctx->dir);
		if (err == OB_ENOENT)
			ob_http_fail(c->res, 404, "not_found", "preset", es, en);
		else if (err == OB_EEMPTY) /* nothing varies that year: no index to give */
			ob_http_fail(c->res, 404, "no_data", "year", es, en);
		else if (err == OB_ENOMEM || err == OB_ESTORE || err == OB_EIO)
			ob_http_store_fail(c);
		else
			ob_http_fail(c->res, 400, "bad_parameter", NULL, es, en);
		goto out;
	}
	if (!render(&x, false, protection, &e->json, &e->json_len) ||
	    !render(&x, true, NULL, &e->csv, &e->csv_len)) {
		ob_http_fail(c->res, 500, "internal", NULL, "No se pudo escribir el índice.",
		             "The index could not be written.");
		goto out;
	}
	ok = true;
out:
	ob_index_run_release(&x);
	ob_counting_free(rules);
	protect_release(&pc);
	free(pt);
	ob_indicators_free(set);
	return ok;
}

/* The cache key: the observatory, the question, the records' stamp and the
 * disclosure settings, which shape the answer too. */
static void make_key(char *key, size_t size, const char *dir, const char *preset, int year,
                     const char *country, const char *stamp)
{
	struct ob_sdc_config cfg;
	struct ob_buf ct = OB_BUF_INIT(1024);
	struct ob_diag d;

	if (ob_sdc_config_load(&cfg, dir, &d))
		ob_sdc_config_default(&cfg); /* compute() reports the error */
	if (ob_sdc_config_text(&cfg, &ct)) {
		/* settings that do not fit the key: a key no other answer has,
		 * so no answer made under other settings is ever given */
		static atomic_ullong nonce;
		snprintf(key, size, "%s\n\x01%llu", dir, (unsigned long long)++nonce);
	} else {
		snprintf(key, size, "%s\n%s\n%d\n%s\n%s\n%s", dir, preset, year, country, stamp,
		         ct.ptr ? ct.ptr : "");
	}
	ob_buf_release(&ct);
}

static void index_blocking(struct ob_http_call *c, const char *preset, int year,
                           const char *country, bool csv);

void ob_http_h_index(struct ob_http_call *c)
{
	const char *preset = ob_http_str(c, "preset"), *cin = ob_http_str(c, "country");
	const char *fmt = ob_http_str(c, "format");
	int year = (int)ob_http_int(c, "year", 0);
	bool csv = fmt && !strcmp(fmt, "csv");
	char country[4] = "", key[OB_MAX_PATH + 512];
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
	index_blocking(c, preset, year, country, csv);
}

/* The answer on this thread: from the cache, or computed (once per key:
 * other requests for it wait). */
static void index_blocking(struct ob_http_call *c, const char *preset, int year,
                           const char *country, bool csv)
{
	char key[OB_MAX_PATH + 512];
	struct ob_snapref *ref = NULL;
	struct ix_entry *e = NULL;
	struct ob_diag d;
	bool waited = false;

	ob_diag_clear(&d);
	if (ob_snaphold_refresh(c->ctx->snaps, c->ctx->store, c->ctx->dir, NULL, &d))
		OB_WARN("API: instantánea: %s", "API: snapshot: %s", d.message);
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

char *ob_http_index_public(struct ob_http_call *c, const char *preset, int year,
                           const char *country, size_t *len, int *status)
{
	struct ob_http_response res;
	struct ob_http_call sub = *c;
	char cc[4] = "", *out = NULL;

	*len = 0;
	*status = 400;
	if (!preset || !preset_name_ok(preset))
		return NULL;
	if (country) {
		if (strlen(country) != 3)
			return NULL;
		for (size_t i = 0; i < 3; i++) {
			char ch = country[i];
			if (ch >= 'a' && ch <= 'z')
				ch = (char)(ch - 'a' + 'A');
			if (ch < 'A' || ch > 'Z')
				return NULL;
			cc[i] = ch;
		}
	}
	*status = 503;
	if (!c->ctx->snaps || !c->ctx->store || !c->ctx->dir)
		return NULL;
	ob_http_response_init(&res);
	res.status = 200;
	res.body.max = c->res->body.max;
	sub.res = &res;
	index_blocking(&sub, preset, year, cc, false);
	*status = res.status;
	if (res.status == 200 && !ob_buf_failed(&res.body))
		out = ob_buf_detach(&res.body, len);
	ob_http_response_release(&res);
	return out;
}

char *ob_http_index_cached(struct ob_http_call *c, const char *preset, int year, size_t *len)
{
	char key[OB_MAX_PATH + 512], *out = NULL;
	struct ob_snapref *ref;
	struct ix_entry *e;

	*len = 0;
	if (!preset || !preset_name_ok(preset) || !c->ctx->snaps || !c->ctx->dir ||
	    !(ref = ob_snaphold_get(c->ctx->snaps)))
		return NULL;
	make_key(key, sizeof(key), c->ctx->dir, preset, year, "", ref->snap->stamp);
	pthread_mutex_lock(&ix_lock);
	if ((e = ix_find(key)) && e->state == IX_READY) {
		e->used = ++ix_clock;
		out = ob_malloc(e->json_len + 1);
		memcpy(out, e->json, e->json_len);
		out[e->json_len] = '\0';
		*len = e->json_len;
	}
	pthread_mutex_unlock(&ix_lock);
	ob_snaphold_put(c->ctx->snaps, ref);
	return out;
}
