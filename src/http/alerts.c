/* alerts.c - GET /api/v1/alerts: the early-warning alarms of
 * src/alerts/alerts.h, the same numbers as "observa alerts". */
#include "http/situation.h"

#include <pthread.h>

#include "alerts/alerts.h"
#include "base/log.h"
#include "engine/completeness.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/snaphold.h"
#include "io/rows.h"
#include "publish/sdc.h"
#include "store/store.h"

/* "2024-03" into year * 12 + month - 1; -1 when not a month. */
static int parse_month(const char *s)
{
	long long y, m;

	if (strlen(s) != 7 || s[4] != '-' || !ob_parse_int(s, 4, 1900, 9999, &y) ||
	    !ob_parse_int(s + 5, 2, 1, 12, &m))
		return -1;
	return (int)(y * 12 + m - 1);
}

/*
 * The latest month's alarms (no from or to) of the last snapshot judged,
 * kept for the next call with the same store stamp: the home, the
 * situation page and the API ask for them again and again, and judging
 * every series takes seconds. One per process, under its lock. busy names
 * the snapshot being judged (by a request, or by the background thread
 * that ob_http_alerts_latest starts), so that it is judged once: the
 * others wait for done, or (the home) do not wait at all.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t done;              /* a judging ended */
	char stamp[OB_SNAPSHOT_STAMP];    /* of a */
	struct ob_alerts a;
	bool held;
	char busy[OB_SNAPSHOT_STAMP];     /* being judged ("": none) */
	char failed[OB_SNAPSHOT_STAMP];   /* the background judging of it failed */
	pthread_t bg;
	bool bg_started;                  /* bg is to be joined */
} latest = { .lock = PTHREAD_MUTEX_INITIALIZER, .done = PTHREAD_COND_INITIALIZER };

static void alerts_copy(struct ob_alerts *to, const struct ob_alerts *from)
{
	*to = *from;
	to->v = ob_malloc((from->n + 1) * sizeof(*to->v));
	to->cap = from->n + 1;
	for (size_t i = 0; i < from->n; i++) {
		const struct ob_alert *f = &from->v[i];
		struct ob_alert *t = &to->v[i];
		*t = *f;
		t->territory = ob_strdup(f->territory);
		t->territory_name = ob_strdup(f->territory_name);
		t->category = ob_strdup(f->category);
		t->category_name_es = ob_strdup(f->category_name_es);
		t->category_name_en = ob_strdup(f->category_name_en);
	}
}

/* Judge over st (a connection of the calling thread): the counting rules
 * of dir, the completeness and ob_alerts_run. */
static ob_err judge(struct ob_store *st, const char *dir, const struct ob_snapref *ref,
                    struct ob_alerts_options *o, struct ob_alerts *a, bool *definitions,
                    struct ob_diag *d)
{
	struct ob_completeness_options co = { 0 };
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_completeness t;
	ob_err e;

	memset(&t, 0, sizeof(t));
	if ((e = ob_indicators_load_dir(dir, &set, NULL, d)) ||
	    (e = ob_counting_load(dir, ref->snap, set, &rules, d))) {
		*definitions = true;
		goto out;
	}
	o->rules = rules;
	o->indicators = set;
	o->pop = ref->pop;
	if ((e = ob_completeness_build(st, ref->snap, ref->pop, &co, &t, d)))
		goto out;
	if (!(e = ob_alerts_run(st, ref->an, ref->snap, &t, o, a, d)))
		e = ob_http_alerts_mask(dir, ref->snap, ref->pop, a, d);
out:
	o->rules = NULL;
	o->indicators = NULL;
	o->pop = NULL;
	ob_completeness_release(&t);
	ob_counting_free(rules);
	ob_indicators_free(set);
	return e;
}

/* Keep a as the latest alarms of stamp and end the judging; under the lock. */
static void latest_keep(const char *stamp, const struct ob_alerts *a, bool ok)
{
	if (ok) {
		ob_alerts_release(&latest.a);
		alerts_copy(&latest.a, a);
		ob_strlcpy(latest.stamp, stamp, sizeof(latest.stamp));
		latest.held = true;
	}
	latest.busy[0] = '\0';
	pthread_cond_broadcast(&latest.done);
}

ob_err ob_http_alerts_compute(struct ob_http_call *c, const struct ob_snapref *ref,
                             struct ob_alerts_options *o, struct ob_alerts *a,
                             struct ob_sdc_config *cfg, bool *definitions, struct ob_diag *d)
{
	const char *stamp = ref->snap->stamp;
	ob_err e;

	memset(a, 0, sizeof(*a));
	ob_diag_clear(d);
	*definitions = false;
	if ((e = ob_sdc_config_load(cfg, c->ctx->dir, d))) {
		*definitions = true;
		return e;
	}
	if (o->from_month >= 0 || o->to_month >= 0)
		return judge(c->ctx->store, c->ctx->dir, ref, o, a, definitions, d);
	pthread_mutex_lock(&latest.lock);
	for (;;) {
		if (latest.held && !strcmp(latest.stamp, stamp)) {
			alerts_copy(a, &latest.a);
			pthread_mutex_unlock(&latest.lock);
			return OB_OK;
		}
		if (strcmp(latest.busy, stamp))
			break;
		/* judged by another request or in the background: wait for it */
		pthread_cond_wait(&latest.done, &latest.lock);
	}
	if (!latest.busy[0])
		ob_strlcpy(latest.busy, stamp, sizeof(latest.busy));
	pthread_mutex_unlock(&latest.lock);
	e = judge(c->ctx->store, c->ctx->dir, ref, o, a, definitions, d);
	pthread_mutex_lock(&latest.lock);
	if (!strcmp(latest.busy, stamp))
		latest_keep(stamp, a, !e);
	pthread_mutex_unlock(&latest.lock);
	return e;
}

/* What the background judging needs: its own store connection is opened
 * on dir; ref is held until the end. */
struct bg_job {
	struct ob_snaphold *snaps;
	struct ob_snapref *ref;
	const char *dir;
};

/* Set by ob_http_alerts_stop: the judging in the background ends at its
 * next unit instead of running to the end while the server waits. */
static atomic_bool bg_stop;

static void *bg_main(void *arg)
{
	struct bg_job *j = arg;
	struct ob_alerts_options o = { .from_month = -1, .to_month = -1, .stop = &bg_stop };
	struct ob_store *st = NULL;
	struct ob_alerts a;
	struct ob_diag d;
	double t0 = ob_now();
	bool defs = false;
	ob_err e;

	memset(&a, 0, sizeof(a));
	ob_diag_clear(&d);
	if (!(e = ob_store_open(j->dir, OB_STORE_EXISTING, &st, &d)))
		e = judge(st, j->dir, j->ref, &o, &a, &defs, &d);
	pthread_mutex_lock(&latest.lock);
	if (e && e != OB_ECANCELED) /* stopped is not failed: judge it again */
		ob_strlcpy(latest.failed, j->ref->snap->stamp, sizeof(latest.failed));
	latest_keep(j->ref->snap->stamp, &a, !e);
	pthread_mutex_unlock(&latest.lock);
	if (e == OB_ECANCELED)
		OB_INFO("alertas: juicio en segundo plano detenido tras %.1f s",
		        "alerts: the judging in the background stopped after %.1f s", ob_now() - t0);
	else if (e)
		OB_WARN("alertas (en segundo plano): %s", "alerts (in the background): %s",
		        d.message);
	else
		OB_INFO("alertas: %zu alarmas en %zu series, juzgadas en segundo plano en %.1f s",
		        "alerts: %zu alarms in %zu series, judged in the background in %.1f s",
		        a.n, a.series, ob_now() - t0);
	ob_alerts_release(&a);
	ob_store_close(st);
	ob_snaphold_put(j->snaps, j->ref);
	free(j);
	return NULL;
}

ob_err ob_http_alerts_latest(struct ob_http_call *c, const struct ob_snapref *ref,
                             struct ob_alerts *a, struct ob_sdc_config *cfg, bool *ready,
                             struct ob_diag *d)
{
	const char *stamp = ref->snap->stamp;
	struct bg_job *j;
	ob_err e;

	memset(a, 0, sizeof(*a));
	ob_diag_clear(d);
	*ready = false;
	if ((e = ob_sdc_config_load(cfg, c->ctx->dir, d)))
		return e;
	pthread_mutex_lock(&latest.lock);
	if (latest.held && !strcmp(latest.stamp, stamp)) {
		alerts_copy(a, &latest.a);
		*ready = true;
		goto unlock;
	}
	/* one judging at a time, and none again of a snapshot that failed */
	if (latest.busy[0] || !strcmp(latest.failed, stamp) || !c->ctx->snaps)
		goto unlock;
	if (latest.bg_started) {
		/* it ended (busy is empty): only its thread is left to join */
		pthread_join(latest.bg, NULL);
		latest.bg_started = false;
	}
	j = ob_malloc(sizeof(*j));
	j->snaps = c->ctx->snaps;
	j->dir = c->ctx->dir;
	if (!(j->ref = ob_snaphold_get(j->snaps))) {
		free(j);
		goto unlock;
	}
	ob_strlcpy(latest.busy, j->ref->snap->stamp, sizeof(latest.busy));
	if (pthread_create(&latest.bg, NULL, bg_main, j)) {
		latest.busy[0] = '\0';
		ob_snaphold_put(j->snaps, j->ref);
		free(j);
		goto unlock;
	}
	latest.bg_started = true;
	OB_INFO("alertas: se juzgan las del último mes en segundo plano",
	        "alerts: the latest month's are being judged in the background");
unlock:
	pthread_mutex_unlock(&latest.lock);
	return OB_OK;
}

void ob_http_alerts_stop(void)
{
	bool join;

	pthread_mutex_lock(&latest.lock);
	join = latest.bg_started;
	latest.bg_started = false;
	atomic_store(&bg_stop, true);
	pthread_mutex_unlock(&latest.lock);
	if (join)
		pthread_join(latest.bg, NULL);
	atomic_store(&bg_stop, false);
}

/*
 * Public: the alarms, with the observed count of an alarm below the
 * disclosure threshold of disclosure.ini (the general rule, or the
 * sexual-violence one for ICCS section 03) given as null, "suppressed":
 * true. Expected counts and bounds are model values, not counts of people,
 * and are given unless a month the model reads is under the threshold
 * (alerts/alerts.h: those of consecutive months could be subtracted).
 */
void ob_http_h_alerts(struct ob_http_call *c)
{
	const char *fmt = ob_http_str(c, "format"), *period = ob_http_str(c, "period");
	const char *from = ob_http_str(c, "from"), *to = ob_http_str(c, "to");
	bool csv = fmt && !strcmp(fmt, "csv");
	struct ob_alerts_options o = { .from_month = -1, .to_month = -1 };
	struct ob_alerts a;
	struct ob_sdc_config cfg;
	struct ob_snapref *ref = NULL;
	struct ob_rows w;
	struct ob_diag d;
	ob_err e, head = OB_OK;
	bool defs;

	memset(&a, 0, sizeof(a));
	if (!c->ctx->snaps || !c->ctx->store || !c->ctx->dir) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "Las alertas no están disponibles en este servidor.",
		             "Alerts are not available on this server.");
		return;
	}
	if (period && *period) {
		if ((o.from_month = o.to_month = parse_month(period)) < 0) {
			ob_http_fail(c->res, 400, "bad_parameter", "period",
			             "«period»: se esperaba un mes AAAA-MM.",
			             "'period': expected a month YYYY-MM.");
			return;
		}
	} else if ((from && *from) || (to && *to)) {
		o.from_month = from ? parse_month(from) : -1;
		o.to_month = to ? parse_month(to) : -1;
		if (o.from_month < 0 || o.to_month < 0 || o.from_month > o.to_month) {
			ob_http_fail(c->res, 400, "bad_parameter", o.from_month < 0 ? "from" : "to",
			             "«from» y «to»: dos meses AAAA-MM, el primero antes.",
			             "'from' and 'to': two months YYYY-MM, the first before.");
			return;
		}
	}
	ob_diag_clear(&d);
	if (ob_snaphold_refresh(c->ctx->snaps, c->ctx->store, c->ctx->dir, NULL, &d))
		OB_WARN("API: instantánea: %s", "API: snapshot: %s", d.message);
	if (!(ref = ob_snaphold_get(c->ctx->snaps))) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "No se pudo cargar la instantánea de los registros.",
		             "The records snapshot could not be loaded.");
		return;
	}
	if ((e = ob_http_alerts_compute(c, ref, &o, &a, &cfg, &defs, &d)) && defs) {
		char msg[OB_MAX_MESSAGE];
		ob_diag_format(&d, msg, sizeof(msg));
		OB_ERROR("API: alertas: %s", "API: alerts: %s", msg);
		ob_http_fail(c->res, 500, "definitions", NULL,
		             "No se pudieron leer las reglas de conteo o de divulgación; el "
		             "administrador encontrará el detalle en el registro del servidor.",
		             "The counting or disclosure rules could not be read.");
		goto out;
	}
	if (e) {
		if (e == OB_ETOOBIG || (e == OB_EUSAGE && (o.from_month >= 0 || o.to_month >= 0)))
			ob_http_fail_diag(c->res, 400, "bad_parameter", NULL, &d);
		else if (e == OB_EUSAGE)
			/* no source has delivered: no months to judge, which is
			 * no data, not a fault of the store */
			ob_http_fail(c->res, 404, "no_data", NULL,
			             "Ninguna fuente ha entregado registros todavía: no hay alarmas que "
			             "juzgar.",
			             "No source has delivered records yet: there are no alarms to "
			             "judge.");
		else
			ob_http_store_fail(c);
		goto out;
	}
	if (!csv) {
		char mf[16], mt[16];
		ob_completeness_month(a.first_month, mf, sizeof(mf));
		ob_completeness_month(a.last_month, mt, sizeof(mt));
		head = ob_buf_addf(&c->res->body,
		            "{\"from\":\"%s\",\"to\":\"%s\",\"series\":%zu,\"disclosure\":"
		            "{\"min_count\":%lld,\"min_count_sexual_violence\":%lld,"
		            "\"min_count_minors\":%lld},\"data\":",
		            mf, mt, a.series, ob_sdc_rule_of(&cfg, 0).min_count,
		            ob_sdc_rule_of(&cfg, OB_SDC_SEXUAL_VIOLENCE).min_count,
		            ob_sdc_rule_of(&cfg, OB_SDC_MINORS).min_count);
	}
	ob_rows_begin(&w, csv ? OB_ROWS_CSV : OB_ROWS_JSON, &c->res->body, NULL, ob_alerts_cols,
	              OB_ARRAY_SIZE(ob_alerts_cols));
	ob_alerts_write(&a, &w, false, false, &cfg);
	if (ob_rows_end(&w) || head || (!csv && ob_buf_addc(&c->res->body, '}'))) {
		ob_buf_reset(&c->res->body);
		ob_http_fail(c->res, 400, "too_big", NULL,
		             "La respuesta excede el tamaño máximo: elija menos meses.",
		             "The response exceeds the largest size: choose fewer months.");
		goto out;
	}
	if (csv)
		c->res->content_type = "text/csv; charset=utf-8";
out:
	ob_alerts_release(&a);
	ob_snaphold_put(c->ctx->snaps, ref);
}
