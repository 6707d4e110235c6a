/*
 * server_warm.c - the pages and answers every visitor asks first, prepared
 * in the background so that no one waits for them cold.
 *
 * When the server starts, and whenever the store's stamp or the latest
 * release changes (the stamps the portal's page cache is keyed by), one
 * thread of low priority asks the server itself, through ob_http_handle()
 * and its own store connection, for each target of a fixed list: the home,
 * the territory list, the index, the maps, the situational analysis and
 * the data pages in both languages, the situation API's default answer,
 * and for each country (at most OB_HTTP_WARM_COUNTRIES) its profile and
 * its situation, page and API, and, once the alarms are judged, the
 * profile of its first admin-1 and admin-2 unit (what the profiles of a
 * level share). The answers are thrown away: what stays is
 * what rendering them kept (the page cache, the situation's protected
 * tables, the completeness table, the neighbours), exactly as a visitor's
 * request would have kept it, so a page is byte for byte the one a cold
 * request renders. The home is kept only once the alarms are judged: it
 * is asked again when /api/v1/alerts answers 200 (waiting at most
 * OB_HTTP_WARM_ALERTS_SECONDS).
 *
 * The thread never holds a lock a request needs while it waits, asks one
 * target at a time, and stops between targets (and within one, through
 * its cancel flag, as a request whose client went) when the server shuts
 * down. It looks at the stamps every OB_HTTP_WARM_CHECK_SECONDS.
 */
#include "http/server_impl.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "engine/snaphold.h"
#include "engine/snapshot.h"
#include "http/cache.h"
#include "http/portal.h"
#include "publish/release.h"

/* The stamp of the store and the latest release into out (as the page
 * cache's, src/http/portal.c): false when it cannot be told. */
static bool warm_stamp(struct ob_http_ctx *ctx, char *out, size_t size)
{
	char store[OB_SNAPSHOT_STAMP], version[64];
	struct ob_diag d;

	if (!ctx->store || !ctx->dir)
		return false;
	ob_diag_clear(&d);
	if (ob_snapshot_stamp(ctx->store, store, &d))
		return false;
	if (ob_release_latest(ctx->dir, version, sizeof(version)))
		ob_strlcpy(version, "-", sizeof(version));
	return (size_t)snprintf(out, size, "%s|%s", store, version) < size;
}

/* Wait up to ms milliseconds, or until the server stops: true when it stops. */
static bool warm_wait(struct server *srv, long ms)
{
	struct timespec ts;
	bool stop;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000 * 1000;
	if (ts.tv_nsec >= 1000 * 1000 * 1000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000 * 1000 * 1000;
	}
	pthread_mutex_lock(&srv->warm_mu);
	while (!srv->warm_stop &&
	       pthread_cond_timedwait(&srv->warm_cv, &srv->warm_mu, &ts) == 0)
		;
	stop = srv->warm_stop;
	pthread_mutex_unlock(&srv->warm_mu);
	return stop;
}

/* Ask the server for target as a visitor would (GET, no cookie, not
 * deferred); the status of the answer, 0 when the server stops. */
static int warm_get(struct server *srv, const char *target)
{
	struct ob_http_request req;
	struct ob_http_response res;
	int status;

	if (atomic_load(&srv->warm_cancel))
		return 0;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.target = target;
	req.remote = "127.0.0.1";
	req.now = (long long)time(NULL);
	req.deadline = ob_now() + srv->time_limit;
	req.cancel = &srv->warm_cancel;
	req.may_defer = false;
	ob_http_response_init(&res);
	res.body.max = srv->max_response;
	ob_http_handle(server_thread_ctx(srv), &req, &res);
	status = res.status;
	ob_http_response_release(&res);
	atomic_fetch_add(&srv->warm_asked, 1);
	return atomic_load(&srv->warm_cancel) ? 0 : status;
}

/* The countries of the records snapshot (codes, at most
 * OB_HTTP_WARM_COUNTRIES), copied into codes. */
static size_t warm_countries(struct server *srv, char (*codes)[OB_HTTP_WARM_CODE], size_t max)
{
	struct ob_snapref *ref = ob_snaphold_get(srv->ctx.snaps);
	size_t n = 0;

	if (!ref)
		return 0;
	for (uint32_t u = 0; u < ref->snap->n_units && n < max; u++)
		if (ref->snap->units[u].level == 0 && ref->snap->units[u].parent < 0 &&
		    ob_strlcpy(codes[n], ob_snap_str(ref->snap, ref->snap->units[u].code),
		               OB_HTTP_WARM_CODE) < OB_HTTP_WARM_CODE)
			n++; /* a longer code is not asked for */
	ob_snaphold_put(srv->ctx.snaps, ref);
	return n;
}

/* The first current unit of `level` (1 or 2) of country (a code) in the
 * records snapshot into code (OB_HTTP_WARM_CODE bytes): false for none. */
static bool warm_unit(struct server *srv, const char *country, int level, char *code)
{
	struct ob_snapref *ref = ob_snaphold_get(srv->ctx.snaps);
	bool found = false;

	if (!ref)
		return false;
	for (uint32_t u = 0; u < ref->snap->n_units && !found; u++) {
		const struct ob_snap_unit *x = &ref->snap->units[u];
		if (x->level == level && x->valid_to == 0 &&
		    !strcmp(ob_snap_str(ref->snap, ref->snap->countries[x->country]), country))
			found = ob_strlcpy(code, ob_snap_str(ref->snap, x->code), OB_HTTP_WARM_CODE) <
			        OB_HTTP_WARM_CODE;
	}
	ob_snaphold_put(srv->ctx.snaps, ref);
	return found;
}

/* Every public target a first visitor asks, in the order visitors come:
 * the home first (it starts the judging of the alarms). */
static const char *const warm_targets[] = {
	"/es/", "/en/",
	"/es/situacion", "/en/situation", "/api/v1/situation",
	"/es/territorios", "/en/territories",
	"/es/indice", "/en/index",
	"/es/mapas", "/en/maps",
	"/es/datos", "/en/data", "/es/datos/api", "/en/data/api",
};

/* Per country: each followed by its code. */
static const char *const warm_country_targets[] = {
	"/es/territorios/", "/en/territories/",
	"/es/situacion?territory=", "/en/situation?territory=",
	"/api/v1/situation?territory=",
};

/* One pass over every target; false when the server stopped it. */
static bool warm_pass(struct server *srv)
{
	char (*countries)[OB_HTTP_WARM_CODE] = ob_calloc(OB_HTTP_WARM_COUNTRIES, OB_HTTP_WARM_CODE);
	char target[OB_HTTP_WARM_CODE + 64]; /* the longest prefix and a code */
	size_t n;
	double until;
	bool ok = false;

	for (size_t i = 0; i < OB_ARRAY_SIZE(warm_targets); i++)
		if (!warm_get(srv, warm_targets[i]))
			goto free_countries;
	n = warm_countries(srv, countries, OB_HTTP_WARM_COUNTRIES);
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < OB_ARRAY_SIZE(warm_country_targets); i++) {
			snprintf(target, sizeof(target), "%s%s", warm_country_targets[i], countries[k]);
			if (!warm_get(srv, target))
				goto free_countries;
		}
	/* the home is kept once the alarms are judged */
	until = ob_now() + OB_HTTP_WARM_ALERTS_SECONDS;
	for (;;) {
		int st = warm_get(srv, "/api/v1/alerts");
		if (!st)
			goto free_countries;
		if (st == 200 || st == 404 || ob_now() > until)
			break;
		if (warm_wait(srv, 100))
			goto free_countries;
	}
	if (!warm_get(srv, "/es/") || !warm_get(srv, "/en/"))
		goto free_countries;
	/* an admin-1 and an admin-2 profile of each country: what every
	 * profile of its level shares (the deliveries table, the neighbours)
	 * is then computed before the first visitor asks for one */
	for (size_t k = 0; k < n; k++)
		for (int level = 1; level <= 2; level++) {
			char code[OB_HTTP_WARM_CODE];
			if (!warm_unit(srv, countries[k], level, code))
				continue;
			for (size_t i = 0; i < 2; i++) {
				snprintf(target, sizeof(target), "%s%s", warm_country_targets[i], code);
				if (!warm_get(srv, target))
					goto free_countries;
			}
		}
	ok = true;
free_countries:
	free(countries);
	return ok;
}

static void *warm_main(void *arg)
{
	struct server *srv = arg;
	char done[OB_HTTP_CACHE_STAMP] = "", now[OB_HTTP_CACHE_STAMP];

	/* below the requests: a thread of its own nice value (Linux), which the
	 * threads it starts inherit */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), OB_HTTP_WARM_NICE);
	ob_portal_warmer_thread();
	for (;;) {
		struct ob_http_ctx *ctx = server_thread_ctx(srv);

		if (warm_stamp(ctx, now, sizeof(now)) && strcmp(now, done)) {
			double t0 = ob_now();
			unsigned long before = atomic_load(&srv->warm_asked);

			/* the page cache sees the new stamp at once, not within
			 * OB_HTTP_STAMP_SECONDS */
			ob_http_cache_stamp_again(srv->ctx.pages);
			if (!warm_pass(srv))
				break;
			ob_strlcpy(done, now, sizeof(done));
			atomic_fetch_add(&srv->warm_passes, 1);
			OB_INFO("portal: %lu páginas y respuestas preparadas en %.0f ms",
			        "portal: %lu pages and answers prepared in %.0f ms",
			        atomic_load(&srv->warm_asked) - before, (ob_now() - t0) * 1000.0);
		}
		if (warm_wait(srv, OB_HTTP_WARM_CHECK_SECONDS * 1000L))
			break;
	}
	return NULL;
}

bool server_warm_start(struct server *srv)
{
	pthread_mutex_init(&srv->warm_mu, NULL);
	pthread_cond_init(&srv->warm_cv, NULL);
	atomic_init(&srv->warm_cancel, RUN);
	atomic_init(&srv->warm_asked, 0);
	atomic_init(&srv->warm_passes, 0);
	srv->warm_stop = false;
	srv->warming = !pthread_create(&srv->warm, NULL, warm_main, srv);
	if (!srv->warming) {
		pthread_mutex_destroy(&srv->warm_mu);
		pthread_cond_destroy(&srv->warm_cv);
	}
	return srv->warming;
}

void server_warm_stop(struct server *srv)
{
	if (!srv->warming)
		return;
	pthread_mutex_lock(&srv->warm_mu);
	srv->warm_stop = true;
	atomic_store(&srv->warm_cancel, STOPPING);
	pthread_cond_broadcast(&srv->warm_cv);
	pthread_mutex_unlock(&srv->warm_mu);
	pthread_join(srv->warm, NULL);
	srv->warming = false;
	pthread_mutex_destroy(&srv->warm_mu);
	pthread_cond_destroy(&srv->warm_cv);
}
