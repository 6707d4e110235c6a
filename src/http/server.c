/* server.c - libmicrohttpd glue: bytes in, ob_http_handle(), bytes out, on
 * connection threads and a pool of workers (see server.h). */
#include "http/server.h"

#include <arpa/inet.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "engine/snaphold.h"
#include "http/bucket.h"
#include "http/cache.h"
#include "http/internal.h"
#include "store/store.h"

/* How often the watchdog looks at the connections and the deferred
 * requests, in milliseconds. */
#define WATCH_MS 100
/* Descriptors kept for other than connections: the store's, the releases
 * served, the listening socket, the log. */
#define FD_RESERVE 64

/* A thread's context, with a store connection of its own. */
struct tctx {
	struct ob_http_ctx ctx;
	struct tctx *next;
};

/* One connection, from its opening to its closing (MHD_OPTION_NOTIFY_CONNECTION). */
struct sock {
	struct sock *prev, *next;
	int fd;
	_Atomic bool waiting;   /* for the complete headers of a request */
	_Atomic long long since; /* since when (ms, monotonic) */
	bool cut;               /* shut down by the watchdog */
};

/* Why a deferred request's work stops early (conn.cancel). */
enum { RUN = 0, GONE = 1, STOPPING = 2 };

/* Where a request stands. */
enum { FRESH, QUEUED, RUNNING, DONE };

/* One request in progress (MHD's request closure). */
struct conn {
	char *target;        /* raw request target, copied before MHD decodes it */
	bool target_too_long;
	bool started;
	bool refused;        /* a response was queued before the body */
	bool body_too_big;
	size_t body_max;
	struct ob_buf body;
	char addr[INET6_ADDRSTRLEN + 1]; /* the client's */
	/* deferred to a worker */
	int state;
	struct conn *qnext;            /* in the queue */
	struct conn *jprev, *jnext;    /* among the deferred (queued or running) */
	struct MHD_Connection *con;
	int fd;
	_Atomic int cancel;            /* RUN, GONE, STOPPING */
	const char *method;
	struct ob_http_request req;
	struct ob_http_response res;   /* the worker's answer (state DONE) */
	bool res_live;
};

struct server {
	struct ob_http_ctx ctx;
	struct ob_http_load load;
	bool quiet;
	unsigned header_timeout, time_limit;
	size_t max_response, queue_max;
	char proxies[OB_MAX_TRUSTED_PROXIES][INET6_ADDRSTRLEN + 1];
	size_t nproxies;
	struct ob_http_buckets *buckets; /* NULL: no rate limit */
	_Atomic int active;              /* requests begun and not completed */
	pthread_mutex_t mu;              /* guards contexts */
	pthread_mutex_t write_mu;        /* one writing request at a time */
	struct tctx *contexts;
	/* connections */
	pthread_mutex_t socks_mu;
	struct sock *socks;
	/* the workers */
	pthread_mutex_t pool_mu;
	pthread_cond_t pool_cv;
	struct conn *q_head, *q_tail;    /* waiting for a worker */
	struct conn *jobs;               /* queued or running */
	size_t nqueued, nrunning;
	bool stopping;                   /* no new work (shutdown) */
	bool workers_stop;
	pthread_t *workers;
	unsigned nworkers;
	/* the watchdog */
	pthread_t watch;
	_Atomic bool watch_stop;
};

static __thread struct server *t_srv;
static __thread struct ob_http_ctx *t_ctx;

static long long now_ms(void)
{
	return (long long)(ob_now() * 1000.0);
}

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

/* ---- connections ---- */

static void notify_cb(void *cls, struct MHD_Connection *con, void **socket_context,
                      enum MHD_ConnectionNotificationCode toe)
{
	struct server *srv = cls;
	struct sock *s = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
		s = ob_calloc(1, sizeof(*s));
		s->fd = ci ? ci->connect_fd : -1;
		atomic_init(&s->waiting, true);
		atomic_init(&s->since, now_ms());
		pthread_mutex_lock(&srv->socks_mu);
		s->next = srv->socks;
		if (srv->socks)
			srv->socks->prev = s;
		srv->socks = s;
		pthread_mutex_unlock(&srv->socks_mu);
		*socket_context = s;
		return;
	}
	/* closed: MHD closes the socket after this returns, so the watchdog
	 * (which holds socks_mu while it shuts one down) never touches a
	 * descriptor that may have been reused */
	if (!s)
		return;
	pthread_mutex_lock(&srv->socks_mu);
	if (s->prev)
		s->prev->next = s->next;
	else
		srv->socks = s->next;
	if (s->next)
		s->next->prev = s->prev;
	pthread_mutex_unlock(&srv->socks_mu);
	free(s);
	*socket_context = NULL;
}

static struct sock *sock_of(struct MHD_Connection *con)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void *uri_cb(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct server *srv = cls;
	struct conn *c = ob_calloc(1, sizeof(*c));
	size_t n = strlen(uri);

	(void)con;
	atomic_fetch_add(&srv->active, 1);
	atomic_init(&c->cancel, RUN);
	c->fd = -1;
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
	struct sock *s = sock_of(con);

	(void)toe;
	if (s) {
		/* the next request's headers are due from now */
		atomic_store(&s->since, now_ms());
		atomic_store(&s->waiting, true);
	}
	if (!c)
		return;
	atomic_fetch_sub(&srv->active, 1);
	if (c->res_live)
		ob_http_response_release(&c->res);
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

/* Answer now with a JSON error (before or instead of the body, or instead
 * of deferred work); close says whether the connection ends with it. */
static enum MHD_Result answer_error(struct MHD_Connection *con, int status, const char *code,
                                    int retry_after, bool close, const char *es,
                                    const char *en)
{
	struct ob_http_response res;
	enum MHD_Result ok;

	ob_http_response_init(&res);
	ob_http_fail(&res, status, code, NULL, es, en);
	if (close)
		ob_http_header_add(&res, "Connection", "close");
	if (retry_after > 0)
		ob_http_header_add(&res, "Retry-After", "%d", retry_after);
	ob_http_header_add(&res, "Cache-Control", "no-store");
	ob_http_security_headers(&res);
	ok = send_response(con, &res);
	ob_http_response_release(&res);
	return ok;
}

static enum MHD_Result refuse(struct MHD_Connection *con, int status, const char *es,
                              const char *en)
{
	return answer_error(con, status, status == 413 ? "too_large" : "bad_request", 0, true,
	                    es, en);
}

/* An address in its usual text form, or false when s is none. */
static bool normal_address(const char *s, size_t n, char *out, size_t size)
{
	char tmp[INET6_ADDRSTRLEN + 1];
	unsigned char bin[sizeof(struct in6_addr)];

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, bin) == 1)
		return inet_ntop(AF_INET, bin, out, (socklen_t)size) != NULL;
	if (inet_pton(AF_INET6, tmp, bin) == 1)
		return inet_ntop(AF_INET6, bin, out, (socklen_t)size) != NULL;
	return false;
}

/* The client's address: the peer's, or, behind a trusted proxy, the last
 * address of X-Forwarded-For (the one that proxy added). */
static void client_address(struct server *srv, struct MHD_Connection *con, char *out,
                           size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const char *xff, *last;

	ob_strlcpy(out, "?", size);
	if (!sa)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
		          (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
		          (socklen_t)size);
	for (size_t i = 0; i < srv->nproxies; i++) {
		if (strcmp(out, srv->proxies[i]))
			continue;
		xff = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Forwarded-For");
		if (!xff)
			return;
		last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		while (*last == ' ' || *last == '\t')
			last++;
		{
			size_t n = strlen(last);
			char addr[INET6_ADDRSTRLEN + 1];
			while (n && (last[n - 1] == ' ' || last[n - 1] == '\t'))
				n--;
			if (normal_address(last, n, addr, sizeof(addr)))
				ob_strlcpy(out, addr, size);
		}
		return;
	}
}

/* ---- the length headers ---- */

struct lengths {
	int content_length, transfer_encoding;
	bool chunked;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
	struct lengths *l = cls;

	(void)kind;
	if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
		l->content_length++;
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
		l->transfer_encoding++;
		l->chunked = value && !strcasecmp(value, "chunked");
	}
	return MHD_YES;
}

/* A request whose body length two headers could disagree on: refused, since
 * a proxy in front may read it otherwise than we do (request smuggling). */
static bool ambiguous_length(struct MHD_Connection *con, const char *version)
{
	struct lengths l = { 0, 0, false };

	MHD_get_connection_values(con, MHD_HEADER_KIND, count_header, &l);
	return l.content_length > 1 || (l.content_length && l.transfer_encoding) ||
	       l.transfer_encoding > 1 || (l.transfer_encoding && !l.chunked) ||
	       (l.transfer_encoding && version && !strcmp(version, MHD_HTTP_VERSION_1_0));
}

/* ---- the workers ---- */

/* Take the writers' lock, giving up when the request's client goes or its
 * budget ends. */
static bool lock_writer(struct server *srv, struct conn *c)
{
	for (;;) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += WATCH_MS * 1000 * 1000;
		if (ts.tv_nsec >= 1000 * 1000 * 1000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000 * 1000 * 1000;
		}
		if (!pthread_mutex_timedlock(&srv->write_mu, &ts))
			return true;
		if (atomic_load(&c->cancel) || ob_now() > c->req.deadline)
			return false;
	}
}

static void stopped_answer(struct conn *c, int cancel)
{
	if (cancel == STOPPING)
		ob_http_fail(&c->res, 503, "shutting_down", NULL,
		             "El servidor se está cerrando; inténtelo de nuevo en unos momentos.",
		             "The server is shutting down; try again in a moment.");
	else if (cancel == GONE)
		ob_http_fail(&c->res, 499, "canceled", NULL, "El cliente cerró la conexión.",
		             "The client closed the connection.");
	else
		ob_http_fail(&c->res, 503, "timeout", NULL,
		             "La petición agotó su tiempo esperando (un trabajador libre, u otra "
		             "petición que escribe); inténtelo de nuevo más tarde.",
		             "The request ran out of time waiting (for a free worker, or for "
		             "another request that writes); try again later.");
	if (cancel != GONE)
		ob_http_header_add(&c->res, "Retry-After", "%d", cancel == STOPPING ? 30 : 10);
	ob_http_header_add(&c->res, "Cache-Control", "no-store");
	ob_http_security_headers(&c->res);
}

/* Run one deferred request on the calling worker. */
static void run_job(struct server *srv, struct conn *c)
{
	bool writer = (strcmp(c->method, "GET") && strcmp(c->method, "HEAD")) ||
	              c->req.authorization;
	int cancel;

	ob_http_response_init(&c->res);
	c->res.body.max = srv->max_response;
	c->res_live = true;
	c->req.may_defer = false;
	if ((cancel = atomic_load(&c->cancel)) || ob_now() > c->req.deadline) {
		stopped_answer(c, cancel);
	} else if (writer && !lock_writer(srv, c)) {
		stopped_answer(c, atomic_load(&c->cancel));
	} else {
		ob_http_handle(thread_ctx(srv), &c->req, &c->res);
		if (writer)
			pthread_mutex_unlock(&srv->write_mu);
		if (atomic_load(&c->cancel) == STOPPING && c->res.status == 499)
			stopped_answer(c, STOPPING);
	}
	cancel = atomic_load(&c->cancel);
	if (cancel == GONE) {
		atomic_fetch_add(&srv->load.canceled, 1);
		ob_warn("%s %s %s: el cliente se fue; trabajo cancelado (client gone; work "
		        "canceled)", c->addr, c->method, c->target);
	} else if (c->res.status == 503 && ob_now() > c->req.deadline) {
		atomic_fetch_add(&srv->load.timed_out, 1);
		ob_warn("%s %s %s: agotó su tiempo de %u s (ran out of time)", c->addr, c->method,
		        c->target, srv->time_limit);
	}
}

static void *worker_main(void *arg)
{
	struct server *srv = arg;

	for (;;) {
		struct conn *c;

		pthread_mutex_lock(&srv->pool_mu);
		while (!srv->q_head && !srv->workers_stop)
			pthread_cond_wait(&srv->pool_cv, &srv->pool_mu);
		if (!srv->q_head) {
			pthread_mutex_unlock(&srv->pool_mu);
			break;
		}
		c = srv->q_head;
		srv->q_head = c->qnext;
		if (!srv->q_head)
			srv->q_tail = NULL;
		srv->nqueued--;
		srv->nrunning++;
		c->state = RUNNING;
		atomic_fetch_sub(&srv->load.queued, 1);
		atomic_fetch_add(&srv->load.running, 1);
		pthread_mutex_unlock(&srv->pool_mu);

		run_job(srv, c);

		pthread_mutex_lock(&srv->pool_mu);
		if (c->jprev)
			c->jprev->jnext = c->jnext;
		else
			srv->jobs = c->jnext;
		if (c->jnext)
			c->jnext->jprev = c->jprev;
		c->state = DONE;
		srv->nrunning--;
		atomic_fetch_sub(&srv->load.running, 1);
		pthread_cond_broadcast(&srv->pool_cv);
		/* resumed under the lock, so that shutdown, which waits for no
		 * work to be left, finds every connection resumed; from here on the
		 * connection's thread owns c */
		MHD_resume_connection(c->con);
		pthread_mutex_unlock(&srv->pool_mu);
	}
	return NULL;
}

/* Queue c for a worker and suspend its connection; false when the pool
 * is full (or stopping). Called on the connection's thread. */
static bool defer(struct server *srv, struct MHD_Connection *con, struct conn *c)
{
	pthread_mutex_lock(&srv->pool_mu);
	/* room: a worker for each request running or about to, and queue_max
	 * more waiting */
	if (srv->stopping || srv->nrunning + srv->nqueued >= srv->nworkers + srv->queue_max) {
		pthread_mutex_unlock(&srv->pool_mu);
		return false;
	}
	c->state = QUEUED;
	c->con = con;
	c->qnext = NULL;
	if (srv->q_tail)
		srv->q_tail->qnext = c;
	else
		srv->q_head = c;
	srv->q_tail = c;
	c->jprev = NULL;
	c->jnext = srv->jobs;
	if (srv->jobs)
		srv->jobs->jprev = c;
	srv->jobs = c;
	srv->nqueued++;
	atomic_fetch_add(&srv->load.queued, 1);
	atomic_fetch_add(&srv->load.deferred, 1);
	/* suspended before a worker can take it (and resume it) */
	MHD_suspend_connection(con);
	pthread_cond_signal(&srv->pool_cv);
	pthread_mutex_unlock(&srv->pool_mu);
	return true;
}

/* ---- the watchdog ---- */

/* Has the peer of fd closed its side, or the connection failed? (Data
 * waiting is not a close: it may be the next request of the client.) */
static bool peer_gone(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLRDHUP, 0 };

	if (fd < 0 || poll(&p, 1, 0) <= 0)
		return false;
	return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static void *watch_main(void *arg)
{
	struct server *srv = arg;
	struct timespec ts = { 0, WATCH_MS * 1000L * 1000L };

	while (!atomic_load(&srv->watch_stop)) {
		long long now = now_ms(), limit = (long long)srv->header_timeout * 1000;

		nanosleep(&ts, NULL);
		/* connections slow to send their headers: shut down; their thread
		 * sees the end of the stream and closes them */
		pthread_mutex_lock(&srv->socks_mu);
		for (struct sock *s = srv->socks; s; s = s->next)
			if (!s->cut && atomic_load(&s->waiting) && s->fd >= 0 &&
			    now - atomic_load(&s->since) > limit) {
				shutdown(s->fd, SHUT_RDWR);
				s->cut = true;
				atomic_fetch_add(&srv->load.cut, 1);
			}
		pthread_mutex_unlock(&srv->socks_mu);
		/* deferred requests whose client has gone: their work stops */
		pthread_mutex_lock(&srv->pool_mu);
		for (struct conn *c = srv->jobs; c; c = c->jnext)
			if (atomic_load(&c->cancel) == RUN && peer_gone(c->fd))
				atomic_store(&c->cancel, GONE);
		pthread_mutex_unlock(&srv->pool_mu);
	}
	return NULL;
}

/* ---- requests ---- */

static void log_request(struct server *srv, const struct conn *c, const char *method, int status)
{
	const char *q;

	if (srv->quiet || !c->target)
		return;
	q = strchr(c->target, '?');
	ob_info("%s %s %.*s %d", c->addr, method,
	        (int)(q ? (size_t)(q - c->target) : strlen(c->target)), c->target, status);
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *con, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **req_cls)
{
	struct server *srv = cls;
	struct conn *c = *req_cls;
	struct ob_http_response res;
	enum MHD_Result ok;

	(void)url;
	if (!c)
		return MHD_NO;
	if (c->state == DONE) {
		/* back from a worker */
		if (atomic_load(&c->cancel) == GONE)
			return MHD_NO; /* no one to answer: close */
		log_request(srv, c, method, c->res.status);
		ok = send_response(con, &c->res);
		ob_http_response_release(&c->res);
		c->res_live = false;
		return ok;
	}
	if (c->state != FRESH)
		return MHD_YES;
	if (!c->started) {
		const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		struct sock *s = sock_of(con);
		long long n;

		c->started = true;
		if (s) {
			atomic_store(&s->waiting, false); /* the headers are in */
			c->fd = s->fd;
		}
		client_address(srv, con, c->addr, sizeof(c->addr));
		if (ambiguous_length(con, version)) {
			c->refused = true;
			return refuse(con, 400, "Cabeceras de longitud ambiguas: dos Content-Length, o "
			              "Content-Length con Transfer-Encoding, o un Transfer-Encoding "
			              "que no es chunked. Envíe una sola.",
			              "Ambiguous length headers: two Content-Length, Content-Length "
			              "with Transfer-Encoding, or a Transfer-Encoding other than "
			              "chunked. Send only one.");
		}
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
	/* the whole request is in: its budget starts */
	c->method = method;
	memset(&c->req, 0, sizeof(c->req));
	c->req.method = method;
	c->req.target = c->target;
	c->req.authorization = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
	                                                   MHD_HTTP_HEADER_AUTHORIZATION);
	c->req.content_type = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
	                                                  MHD_HTTP_HEADER_CONTENT_TYPE);
	c->req.remote = c->addr;
	c->req.body = c->body.ptr;
	c->req.body_len = c->body.len;
	c->req.now = (long long)time(NULL);
	c->req.deadline = ob_now() + srv->time_limit;
	c->req.cancel = &c->cancel;
	c->req.may_defer = true;
	ob_http_response_init(&res);
	res.body.max = srv->max_response;
	ob_http_handle(thread_ctx(srv), &c->req, &res);
	if (res.deferred) {
		bool query = res.query;
		unsigned retry = 0;

		ob_http_response_release(&res);
		if (query && srv->buckets &&
		    !ob_http_buckets_take(srv->buckets, c->addr, ob_now(), &retry)) {
			char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
			atomic_fetch_add(&srv->load.limited, 1);
			log_request(srv, c, method, 429);
			snprintf(es, sizeof(es), "Demasiadas consultas calculadas desde su dirección; "
			         "espere %u s. Las respuestas ya dadas se sirven sin límite.", retry);
			snprintf(en, sizeof(en), "Too many computed queries from your address; wait "
			         "%u s. Answers already given are served without limit.", retry);
			return answer_error(con, 429, "rate_limited", (int)retry, false, es, en);
		}
		if (!defer(srv, con, c)) {
			atomic_fetch_add(&srv->load.busy, 1);
			log_request(srv, c, method, 503);
			return answer_error(con, 503, "busy", 5, false,
			                    "El servidor está ocupado con otras consultas; inténtelo "
			                    "de nuevo en unos segundos.",
			                    "The server is busy with other queries; try again in a "
			                    "few seconds.");
		}
		return MHD_YES;
	}
	log_request(srv, c, method, res.status);
	ok = send_response(con, &res);
	ob_http_response_release(&res);
	return ok;
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
	return ob_diag_set(d, OB_EUSAGE, "--bind", 0, 0, bind, strlen(bind),
	                   "se esperaba una dirección IPv4 o IPv6 (127.0.0.1, ::1, 0.0.0.0) "
	                   "(expected an IP address)");
}

static ob_err parse_proxies(struct server *srv, const char *list, struct ob_diag *d)
{
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		if (n) {
			if (srv->nproxies == OB_MAX_TRUSTED_PROXIES)
				return ob_diag_set(d, OB_EUSAGE, "--trusted-proxy", 0, 0, p, n,
				                   "a lo sumo %d proxies (at most %d proxies)", OB_MAX_TRUSTED_PROXIES,
				                   OB_MAX_TRUSTED_PROXIES);
			if (!normal_address(p, n, srv->proxies[srv->nproxies],
			                    sizeof(srv->proxies[0])))
				return ob_diag_set(d, OB_EUSAGE, "--trusted-proxy", 0, 0, p, n,
				                   "se esperaba una dirección IPv4 o IPv6 (expected an IP "
				                   "address)");
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
		ob_warn("http: el límite de descriptores (%llu) admite %u conexiones, no %u "
		        "(file descriptor limit)", (unsigned long long)rl.rlim_cur, fit, want);
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
		e = ob_diag_set(d, OB_ENOMEM, "libsodium", 0, 0, NULL, 0,
		                "no se pudo iniciar libsodium");
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
	threads = o->threads ? o->threads : processors();
	srv.nworkers = o->workers ? o->workers : processors() < 2 ? 2 : processors();
	if (srv.nworkers > OB_HTTP_MAX_WORKERS)
		srv.nworkers = OB_HTTP_MAX_WORKERS;
	atomic_store(&srv.load.workers, (long)srv.nworkers);
	srv.workers = ob_calloc(srv.nworkers, sizeof(pthread_t));
	for (unsigned i = 0; i < srv.nworkers; i++)
		if (pthread_create(&srv.workers[i], NULL, worker_main, &srv)) {
			srv.nworkers = i;
			if (!i) {
				e = ob_diag_set(d, OB_ENOMEM, "pthread_create", 0, 0, NULL, 0,
				                "no se pudo iniciar los trabajadores (could not start the "
				                "workers)");
				goto close_store;
			}
			break;
		}
	if (!pthread_create(&srv.watch, NULL, watch_main, &srv))
		watching = true;
	max_conn = fit_connections(o->max_connections ? o->max_connections
	                                              : OB_HTTP_MAX_CONNECTIONS);
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
	        MHD_ALLOW_SUSPEND_RESUME |
	        (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL
	                                                                : MHD_USE_POLL) |
	        (v6 ? MHD_USE_IPv6 : 0);
	daemon = MHD_start_daemon(
		flags, (uint16_t)o->port, NULL, NULL, access_cb, &srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, &srv,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)OB_HTTP_TIMEOUT,
		MHD_OPTION_CONNECTION_LIMIT, max_conn,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned int)(o->per_ip ? o->per_ip : OB_HTTP_MAX_PER_IP),
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)OB_HTTP_MEMORY_LIMIT,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_URI_LOG_CALLBACK, uri_cb, &srv,
		MHD_OPTION_NOTIFY_COMPLETED, completed_cb, &srv,
		MHD_OPTION_NOTIFY_CONNECTION, notify_cb, &srv,
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
		MHD_OPTION_END);
	if (!daemon) {
		e = ob_diag_set(d, OB_EIO, o->bind, 0, 0, NULL, 0,
		                "no se pudo escuchar en %s puerto %u: ¿está ocupado o hace falta "
		                "permiso? (could not listen)", o->bind, o->port);
		goto stop_threads;
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
	stop_pool(&srv);
	MHD_stop_daemon(daemon);
	/* refusals still counted in memory go to the audit log */
	ob_auth_refusals_flush(srv.ctx.rl, srv.ctx.store, (long long)time(NULL));
	e = OB_OK;
stop_threads:
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
	ob_snaphold_free(srv.ctx.snaps);
	ob_http_cache_free(srv.ctx.cache);
	ob_http_index_cache_clear();
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
