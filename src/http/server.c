/* server.c - libmicrohttpd glue: bytes in, ob_http_handle(), bytes out (see server.h). */
#include "http/server.h"

#include <arpa/inet.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "http/http.h"
#include "engine/snaphold.h"
#include "http/cache.h"
#include "store/store.h"

/* The daemon answers on a pool of threads, one per processor. Each thread
 * has its own store connection (a context of its own); requests that may
 * write (anything but a GET or HEAD without credentials) run one at a time,
 * under write_mu, because the login rate limit and the audit chain are
 * shared. */
struct tctx {
	struct ob_http_ctx ctx;
	struct tctx *next;
};

struct server {
	struct ob_http_ctx ctx;
	bool quiet;
	int active; /* requests begun and not completed (atomic) */
	pthread_mutex_t mu;       /* guards contexts */
	pthread_mutex_t write_mu; /* one writing request at a time */
	struct tctx *contexts;
};

static __thread struct server *t_srv;
static __thread struct ob_http_ctx *t_ctx;

/* The calling thread's context, with a store connection of its own. */
static struct ob_http_ctx *thread_ctx(struct server *srv)
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

/* One request in progress. */
struct conn {
	char *target;        /* raw request target, copied before MHD decodes it */
	bool target_too_long;
	bool started;
	bool refused;        /* a response was queued before the body */
	bool body_too_big;
	size_t body_max;
	struct ob_buf body;
};

static void *uri_cb(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct server *srv = cls;
	struct conn *c = ob_calloc(1, sizeof(*c));
	size_t n = strlen(uri);

	(void)con;
	__atomic_add_fetch(&srv->active, 1, __ATOMIC_SEQ_CST);
	if (n > OB_HTTP_MAX_URI)
		c->target_too_long = true;
	else
		c->target = ob_strndup(uri, n);
	/* uploads of files have a limit of their own */
	c->body_max = !strncmp(uri, "/api/v1/submissions", 19) &&
	                      (uri[19] == '\0' || uri[19] == '?')
	                      ? OB_HTTP_MAX_UPLOAD : OB_HTTP_MAX_BODY;
	ob_buf_init(&c->body, c->body_max);
	return c;
}

static void completed_cb(void *cls, struct MHD_Connection *con, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct conn *c = *req_cls;

	(void)con;
	(void)toe;
	if (!c)
		return;
	__atomic_sub_fetch(&srv->active, 1, __ATOMIC_SEQ_CST);
	free(c->target);
	ob_buf_release(&c->body);
	free(c);
	*req_cls = NULL;
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

static enum MHD_Result send_response(struct MHD_Connection *con, struct ob_http_response *res)
{
	struct MHD_Response *r;
	enum MHD_Result ok;

	if (res->fd >= 0) {
		r = MHD_create_response_from_fd64(res->fd_size, res->fd);
		if (r)
			res->fd = -1; /* MHD closes it */
	} else {
		size_t len = 0;
		char *body = ob_buf_detach(&res->body, &len);
		r = MHD_create_response_from_buffer(len, body ? body : (char *)"",
		                                    body ? MHD_RESPMEM_MUST_FREE
		                                         : MHD_RESPMEM_PERSISTENT);
		if (!r)
			free(body);
	}
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
	for (size_t i = 0; i < res->nheaders; i++)
		MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
	ok = MHD_queue_response(con, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ok;
}

/* Answer now with a JSON error (before or instead of the body). */
static enum MHD_Result refuse(struct MHD_Connection *con, int status, const char *es,
                              const char *en)
{
	struct ob_http_response res;
	enum MHD_Result ok;

	ob_http_response_init(&res);
	ob_http_fail(&res, status, status == 413 ? "too_large" : "bad_request", NULL, es, en);
	ob_http_header_add(&res, "Connection", "close");
	ob_http_header_add(&res, "Cache-Control", "no-store");
	ob_http_security_headers(&res);
	ok = send_response(con, &res);
	ob_http_response_release(&res);
	return ok;
}

static void client_address(struct MHD_Connection *con, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	ob_strlcpy(out, "?", size);
	if (!sa)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
		          (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
		          (socklen_t)size);
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *con, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **req_cls)
{
	struct server *srv = cls;
	struct conn *c = *req_cls;
	struct ob_http_request req;
	struct ob_http_response res;
	char addr[INET6_ADDRSTRLEN + 1];
	enum MHD_Result ok;

	(void)url;
	(void)version;
	if (!c)
		return MHD_NO;
	if (!c->started) {
		const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		long long n;

		c->started = true;
		if (c->target_too_long) {
			c->refused = true;
			return refuse(con, 414, "La dirección es demasiado larga.",
			              "The request target is too long.");
		}
		if (cl && (!ob_parse_int(cl, strlen(cl), 0, LLONG_MAX, &n) || n > (long long)c->body_max)) {
			c->refused = true;
			return refuse(con, 413, "El cuerpo de la petición es demasiado grande.",
			              "The request body is too large.");
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!c->refused && !c->body_too_big &&
		    ob_buf_add(&c->body, upload_data, *upload_data_size))
			c->body_too_big = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (c->refused)
		return MHD_YES;
	if (c->body_too_big) {
		c->refused = true;
		return refuse(con, 413, "El cuerpo de la petición es demasiado grande.",
		              "The request body is too large.");
	}
	client_address(con, addr, sizeof(addr));
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.target = c->target;
	req.authorization = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
	                                                MHD_HTTP_HEADER_AUTHORIZATION);
	req.content_type = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
	                                               MHD_HTTP_HEADER_CONTENT_TYPE);
	req.remote = addr;
	req.body = c->body.ptr;
	req.body_len = c->body.len;
	req.now = (long long)time(NULL);
	ob_http_response_init(&res);
	if ((strcmp(method, "GET") && strcmp(method, "HEAD")) || req.authorization) {
		pthread_mutex_lock(&srv->write_mu);
		ob_http_handle(thread_ctx(srv), &req, &res);
		pthread_mutex_unlock(&srv->write_mu);
	} else {
		ob_http_handle(thread_ctx(srv), &req, &res);
	}
	if (!srv->quiet) {
		const char *q = strchr(c->target, '?');
		ob_info("%s %s %.*s %d", addr, method,
		        (int)(q ? (size_t)(q - c->target) : strlen(c->target)), c->target,
		        res.status);
	}
	ok = send_response(con, &res);
	ob_http_response_release(&res);
	return ok;
}

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
	return ob_diag_set(d, OB_EUSAGE, "--bind", 0, 0, bind, strlen(bind),
	                   "se esperaba una dirección IPv4 o IPv6 (127.0.0.1, ::1, 0.0.0.0) "
	                   "(expected an IP address)");
}

ob_err ob_serve(const struct ob_serve_options *o, struct ob_diag *d)
{
	struct server srv;
	struct MHD_Daemon *daemon;
	struct sockaddr_storage ss;
	sigset_t set, old;
	unsigned flags;
	const union MHD_DaemonInfo *info;
	unsigned threads;
	bool v6 = false;
	int sig = 0;
	ob_err e;

	memset(&srv, 0, sizeof(srv));
	pthread_mutex_init(&srv.mu, NULL);
	pthread_mutex_init(&srv.write_mu, NULL);
	if ((e = parse_bind(o->bind, o->port, &ss, &v6, d)))
		return e;
	if (ob_auth_init())
		return ob_diag_set(d, OB_ENOMEM, "libsodium", 0, 0, NULL, 0,
		                   "no se pudo iniciar libsodium");
	/* the polling thread inherits this mask: only this thread takes signals */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	if ((e = ob_store_open(o->dir, OB_STORE_EXISTING, &srv.ctx.store, d)))
		goto restore_mask;
	srv.ctx.dir = o->dir;
	srv.ctx.rl = ob_ratelimit_new();
	/* the records snapshot for /analyze: loaded now, reloaded by the handler
	 * when the store's stamp changes */
	srv.ctx.snaps = ob_snaphold_new();
	srv.ctx.cache = ob_http_cache_new();
	{
		struct ob_diag sd;
		ob_diag_clear(&sd);
		if (ob_snaphold_refresh(srv.ctx.snaps, srv.ctx.store, o->dir, NULL, &sd))
			ob_warn("instantánea / snapshot: %s", sd.message);
	}
	srv.quiet = o->quiet;
	{
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = (unsigned)(n < 1 ? 1 : n > 64 ? 64 : n);
		if (o->threads)
			threads = o->threads;
	}
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
	        (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL
	                                                                : MHD_USE_POLL) |
	        (v6 ? MHD_USE_IPv6 : 0);
	daemon = MHD_start_daemon(
		flags, (uint16_t)o->port, NULL, NULL, access_cb, &srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, &srv,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)OB_HTTP_TIMEOUT,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)OB_HTTP_MAX_CONNECTIONS,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned int)(o->per_ip ? o->per_ip : OB_HTTP_MAX_PER_IP),
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)OB_HTTP_MEMORY_LIMIT,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_URI_LOG_CALLBACK, uri_cb, &srv,
		MHD_OPTION_NOTIFY_COMPLETED, completed_cb, &srv,
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
		MHD_OPTION_END);
	if (!daemon) {
		e = ob_diag_set(d, OB_EIO, o->bind, 0, 0, NULL, 0,
		                "no se pudo escuchar en %s puerto %u: ¿está ocupado o hace falta "
		                "permiso? (could not listen)", o->bind, o->port);
		goto close_store;
	}
	info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (o->announce) {
		fprintf(o->announce,
		        "observa: sirviendo %s en http://%s%s%s:%u/api/v1/ (SIGTERM o Ctrl-C para "
		        "terminar) / serving\n", o->dir, v6 ? "[" : "", o->bind, v6 ? "]" : "",
		        info ? (unsigned)info->port : o->port);
		fflush(o->announce);
	}
	while (sigwait(&set, &sig) != 0)
		;
	ob_info("señal %d: se cierra el servidor / shutting down", sig);
	/* stop accepting, let requests in progress finish (idle keep-alive
	 * connections are not waited for), then stop */
	{
		double until = ob_now() + OB_HTTP_TIMEOUT;
		MHD_socket lsock = MHD_quiesce_daemon(daemon);
		if (lsock != MHD_INVALID_SOCKET)
			close(lsock);
		while (ob_now() < until && __atomic_load_n(&srv.active, __ATOMIC_SEQ_CST) > 0) {
			struct timespec ts = { 0, 20 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	MHD_stop_daemon(daemon);
	/* refusals still counted in memory go to the audit log */
	ob_auth_refusals_flush(srv.ctx.rl, srv.ctx.store, (long long)time(NULL));
	e = OB_OK;
	while (srv.contexts) {
		struct tctx *t = srv.contexts;
		srv.contexts = t->next;
		ob_store_close(t->ctx.store);
		free(t);
	}
close_store:
	ob_ratelimit_free(srv.ctx.rl);
	ob_snaphold_free(srv.ctx.snaps);
	ob_http_cache_free(srv.ctx.cache);
	ob_http_index_cache_clear();
	ob_store_close(srv.ctx.store);
restore_mask:
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_mutex_destroy(&srv.mu);
	pthread_mutex_destroy(&srv.write_mu);
	return e;
}
