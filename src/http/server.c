/* server.c - libmicrohttpd glue: bytes in, ob_http_handle(), bytes out, on
 * connection threads and a pool of workers (see server.h). This file starts
 * and stops the daemon; server_conn.c follows the connections, server_work.c
 * the requests. */
#include "http/server.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "engine/snaphold.h"
#include "http/bucket.h"
#include "http/cache.h"
#include "http/internal.h"
#include "http/mhd_lib.h"
#include "http/server_impl.h"
#include "http/situation.h"
#include "store/store.h"

/* Descriptors kept for other than connections: the store's, the releases
 * served, the listening socket, the log. */
#define FD_RESERVE 64

static __thread struct server *t_srv;
static __thread struct ob_http_ctx *t_ctx;

long long server_now_ms(void)
{
	return (long long)(ob_now() * 1000.0);
}

/* The calling thread's context, with a store connection of its own. */
struct ob_http_ctx *server_thread_ctx(struct server *srv)
{
	struct tctx *t;
	struct ob_diag d;

	if (t_srv == srv && t_ctx)
		return t_ctx;
	t = ob_calloc(1, sizeof(*t));
	t->ctx = srv->ctx;
	ob_diag_clear(&d);
	if (ob_store_open(srv->ctx.dir, OB_STORE_EXISTING, &t->ctx.store, &d)) {
		ob_warn("http: %s", d.message);
		t->ctx.store = NULL; /* its routes answer 503 */
	}
	pthread_mutex_lock(&srv->mu);
	t->next = srv->contexts;
	srv->contexts = t;
	pthread_mutex_unlock(&srv->mu);
	t_srv = srv;
	t_ctx = &t->ctx;
	return t_ctx;
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[OB_MAX_MESSAGE];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	ob_warn("http: %s", msg);
}

/* ---- the daemon ---- */

static ob_err parse_bind(const char *bind, unsigned port, struct sockaddr_storage *ss,
                         bool *v6, struct ob_diag *d)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, bind, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*v6 = false;
		return OB_OK;
	}
	if (inet_pton(AF_INET6, bind, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return OB_OK;
	}
	return OB_DIAG(d, OB_EUSAGE, "--bind", 0, 0, bind, strlen(bind),
	               "se esperaba una dirección IPv4 o IPv6 (127.0.0.1, ::1, 0.0.0.0)",
	               "expected an IPv4 or IPv6 address (127.0.0.1, ::1, 0.0.0.0)");
}

static ob_err parse_proxies(struct server *srv, const char *list, struct ob_diag *d)
{
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		if (n) {
			if (srv->nproxies == OB_MAX_TRUSTED_PROXIES)
				return OB_DIAG(d, OB_EUSAGE, "--trusted-proxy", 0, 0, p, n,
				               "a lo sumo %d proxies", "at most %d proxies",
				               OB_MAX_TRUSTED_PROXIES);
			if (!server_normal_address(p, n, srv->proxies[srv->nproxies],
			                           sizeof(srv->proxies[0])))
				return OB_DIAG(d, OB_EUSAGE, "--trusted-proxy", 0, 0, p, n,
				               "se esperaba una dirección IPv4 o IPv6",
				               "expected an IPv4 or IPv6 address");
			srv->nproxies++;
		}
		p += n + (p[n] == ',');
	}
	return OB_OK;
}

/* Connections the descriptors allow: the soft limit raised to the hard one
 * when needed, less what the rest of the server keeps open. */
static unsigned fit_connections(unsigned want)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)want + FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return want;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		unsigned fit = rl.rlim_cur > 2 * FD_RESERVE ? (unsigned)(rl.rlim_cur - FD_RESERVE) : 64;
		OB_WARN("http: el límite de descriptores (%llu) admite %u conexiones, no %u",
		        "http: the file descriptor limit (%llu) allows %u connections, not %u",
		        (unsigned long long)rl.rlim_cur, fit, want);
		return fit;
	}
	return want;
}

void ob_serve_options_default(struct ob_serve_options *o)
{
	memset(o, 0, sizeof(*o));
	o->dir = ".";
	o->bind = "127.0.0.1";
	o->port = 8080;
	o->announce = stderr;
	o->queue = -1;
	o->query_rate = -1;
}

static unsigned processors(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return (unsigned)(n < 1 ? 1 : n > 64 ? 64 : n);
}

/* Stop the pool: no new work; cancel what waits or runs; wait for it. */
static void stop_pool(struct server *srv)
{
	pthread_mutex_lock(&srv->pool_mu);
	srv->stopping = true;
	for (struct conn *c = srv->jobs; c; c = c->jnext) {
		int run = RUN;
		atomic_compare_exchange_strong(&c->cancel, &run, STOPPING);
	}
	pthread_cond_broadcast(&srv->pool_cv);
	while (srv->nqueued || srv->nrunning)
		pthread_cond_wait(&srv->pool_cv, &srv->pool_mu);
	srv->workers_stop = true;
	pthread_cond_broadcast(&srv->pool_cv);
	pthread_mutex_unlock(&srv->pool_mu);
	for (unsigned i = 0; i < srv->nworkers; i++)
		pthread_join(srv->workers[i], NULL);
	srv->nworkers = 0;
}

ob_err ob_serve(const struct ob_serve_options *o, struct ob_diag *d)
{
	struct server srv;
	struct MHD_Daemon *daemon;
	struct sockaddr_storage ss;
	sigset_t set, old;
	unsigned flags;
	const union MHD_DaemonInfo *info;
	unsigned threads, max_conn;
	bool v6 = false, watching = false;
	int sig = 0;
	ob_err e;

	if ((e = ob_mhd_load(d)))
		return e;
	memset(&srv, 0, sizeof(srv));
	pthread_mutex_init(&srv.mu, NULL);
	pthread_mutex_init(&srv.write_mu, NULL);
	pthread_mutex_init(&srv.socks_mu, NULL);
	pthread_mutex_init(&srv.pool_mu, NULL);
	pthread_cond_init(&srv.pool_cv, NULL);
	atomic_init(&srv.active, 0);
	atomic_init(&srv.watch_stop, false);
	srv.quiet = o->quiet;
	srv.header_timeout = o->header_timeout ? o->header_timeout : OB_HTTP_HEADER_TIMEOUT;
	srv.time_limit = o->time_limit ? o->time_limit : OB_HTTP_MAX_SECONDS;
	srv.max_response = o->max_response ? o->max_response : OB_HTTP_MAX_RESPONSE;
	srv.queue_max = o->queue < 0 ? OB_HTTP_QUEUE : (size_t)o->queue;
	if ((e = parse_bind(o->bind, o->port, &ss, &v6, d)) ||
	    (e = parse_proxies(&srv, o->trusted_proxies, d)))
		goto destroy;
	if (ob_auth_init()) {
		e = OB_DIAG(d, OB_ENOMEM, "libsodium", 0, 0, NULL, 0,
		            "no se pudo iniciar libsodium", "libsodium failed to start");
		goto destroy;
	}
	if (o->query_rate != 0)
		srv.buckets = ob_http_buckets_new(o->query_rate < 0 ? OB_HTTP_QUERY_RATE : o->query_rate,
		                                  o->query_burst ? o->query_burst : OB_HTTP_QUERY_BURST,
		                                  OB_HTTP_RATE_TRACKED);
	/* the threads started below inherit this mask: only this thread takes
	 * signals */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	if ((e = ob_store_open(o->dir, OB_STORE_EXISTING, &srv.ctx.store, d)))
		goto restore_mask;
	srv.ctx.dir = o->dir;
	srv.ctx.rl = ob_ratelimit_new();
	srv.ctx.load = &srv.load;
	srv.ctx.missing = ob_http_missing_hold_new();
	/* the records snapshot for /analyze: loaded now, reloaded by the handler
	 * when the store's stamp changes */
	srv.ctx.snaps = ob_snaphold_new();
	srv.ctx.cache = ob_http_cache_new();
	srv.ctx.pages = ob_http_cache_new_limits(OB_PORTAL_PAGE_CACHE_ENTRIES,
	                                         OB_PORTAL_PAGE_CACHE_BYTES,
	                                         OB_PORTAL_PAGE_CACHE_MAX_PAGE);
	srv.ctx.case_stats = ob_http_cache_new_limits(OB_HTTP_CASE_STATS_CACHE_ENTRIES,
	                                              OB_HTTP_CASE_STATS_CACHE_BYTES,
	                                              OB_HTTP_CASE_STATS_CACHE_MAX_ANSWER);
	{
		struct ob_diag sd;
		ob_diag_clear(&sd);
		if (ob_snaphold_refresh(srv.ctx.snaps, srv.ctx.store, o->dir, NULL, &sd))
			OB_WARN("instantánea: %s", "snapshot: %s", sd.message);
	}
	threads = o->threads ? o->threads : processors();
	srv.nworkers = o->workers ? o->workers : processors() < 2 ? 2 : processors();
	if (srv.nworkers > OB_HTTP_MAX_WORKERS)
		srv.nworkers = OB_HTTP_MAX_WORKERS;
	atomic_store(&srv.load.workers, (long)srv.nworkers);
	srv.workers = ob_calloc(srv.nworkers, sizeof(pthread_t));
	for (unsigned i = 0; i < srv.nworkers; i++)
		if (pthread_create(&srv.workers[i], NULL, server_worker_main, &srv)) {
			srv.nworkers = i;
			if (!i) {
				e = OB_DIAG(d, OB_ENOMEM, "pthread_create", 0, 0, NULL, 0,
				            "no se pudo iniciar los trabajadores",
				            "could not start the workers");
				goto close_store;
			}
			break;
		}
	if (!pthread_create(&srv.watch, NULL, server_watch_main, &srv))
		watching = true;
	if (!o->no_warm)
		server_warm_start(&srv);
	max_conn = fit_connections(o->max_connections ? o->max_connections
	                                              : OB_HTTP_MAX_CONNECTIONS);
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
	        MHD_ALLOW_SUSPEND_RESUME |
	        (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL
	                                                                : MHD_USE_POLL) |
	        (v6 ? MHD_USE_IPv6 : 0);
	daemon = MHD_start_daemon(
		flags, (uint16_t)o->port, NULL, NULL, server_access_cb, &srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, &srv,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)OB_HTTP_TIMEOUT,
		MHD_OPTION_CONNECTION_LIMIT, max_conn,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned int)(o->per_ip ? o->per_ip : OB_HTTP_MAX_PER_IP),
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)OB_HTTP_MEMORY_LIMIT,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_URI_LOG_CALLBACK, server_uri_cb, &srv,
		MHD_OPTION_NOTIFY_COMPLETED, server_completed_cb, &srv,
		MHD_OPTION_NOTIFY_CONNECTION, server_notify_cb, &srv,
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
		MHD_OPTION_END);
	if (!daemon) {
		e = OB_DIAG(d, OB_EIO, o->bind, 0, 0, NULL, 0,
		            "no se pudo escuchar en %s puerto %u: ¿está ocupado o hace falta "
		            "permiso?",
		            "cannot listen on %s port %u: is it in use or is permission "
		            "needed?", o->bind, o->port);
		goto stop_threads;
	}
	info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (o->announce) {
		fprintf(o->announce,
		        OB_TR("observa: sirviendo %s en http://%s%s%s:%u/api/v1/ (SIGTERM o Ctrl-C "
		              "para terminar)\n", "observa: serving %s at http://%s%s%s:%u/api/v1/ "
		              "(SIGTERM or Ctrl-C to stop)\n"), o->dir, v6 ? "[" : "", o->bind,
		        v6 ? "]" : "", info ? (unsigned)info->port : o->port);
		fflush(o->announce);
	}
	while (sigwait(&set, &sig) != 0)
		;
	OB_INFO("señal %d: se cierra el servidor", "signal %d: shutting down", sig);
	/* stop accepting, let requests in progress finish (idle keep-alive
	 * connections are not waited for), then cancel the work left */
	{
		double until = ob_now() + OB_HTTP_TIMEOUT;
		MHD_socket lsock = MHD_quiesce_daemon(daemon);
		if (lsock != MHD_INVALID_SOCKET)
			close(lsock);
		while (ob_now() < until && atomic_load(&srv.active) > 0) {
			struct timespec ts = { 0, 20 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	/* no connection may stay suspended when the daemon stops: every
	 * worker's connection is resumed before the pool stops */
	server_warm_stop(&srv);
	stop_pool(&srv);
	MHD_stop_daemon(daemon);
	/* refusals still counted in memory go to the audit log */
	ob_auth_refusals_flush(srv.ctx.rl, srv.ctx.store, (long long)time(NULL));
	e = OB_OK;
stop_threads:
	server_warm_stop(&srv);
	if (srv.nworkers)
		stop_pool(&srv);
	if (watching) {
		atomic_store(&srv.watch_stop, true);
		pthread_join(srv.watch, NULL);
	}
	while (srv.contexts) {
		struct tctx *t = srv.contexts;
		srv.contexts = t->next;
		ob_store_close(t->ctx.store);
		free(t);
	}
close_store:
	if (srv.nworkers)
		stop_pool(&srv);
	free(srv.workers);
	ob_ratelimit_free(srv.ctx.rl);
	/* a judging of the alarms in the background holds a snapshot */
	ob_http_alerts_stop();
	ob_snaphold_free(srv.ctx.snaps);
	ob_http_cache_free(srv.ctx.cache);
	ob_http_cache_free(srv.ctx.pages);
	ob_http_cache_free(srv.ctx.case_stats);
	ob_http_index_cache_clear();
	ob_http_missing_hold_free(srv.ctx.missing);
	ob_store_close(srv.ctx.store);
restore_mask:
	pthread_sigmask(SIG_SETMASK, &old, NULL);
destroy:
	ob_http_buckets_free(srv.buckets);
	pthread_mutex_destroy(&srv.mu);
	pthread_mutex_destroy(&srv.write_mu);
	pthread_mutex_destroy(&srv.socks_mu);
	pthread_mutex_destroy(&srv.pool_mu);
	pthread_cond_destroy(&srv.pool_cv);
	return e;
}
