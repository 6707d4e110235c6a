/*
 * server_work.c - a request from its headers to its answer, on the connection's
 * thread or deferred to the pool of workers.
 */
#include "http/server_impl.h"

#include <limits.h>
#include <time.h>

#include "base/log.h"
#include "http/bucket.h"

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
	              c->req.authorization ||
	              (c->req.cookie && strstr(c->req.cookie, OB_HTTP_SESSION_COOKIE "="));
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
		ob_http_handle(server_thread_ctx(srv), &c->req, &c->res);
		if (writer)
			pthread_mutex_unlock(&srv->write_mu);
		if (atomic_load(&c->cancel) == STOPPING && c->res.status == 499)
			stopped_answer(c, STOPPING);
	}
	cancel = atomic_load(&c->cancel);
	if (cancel == GONE) {
		atomic_fetch_add(&srv->load.canceled, 1);
		OB_WARN("%s %s %s: el cliente se fue; trabajo cancelado",
		        "%s %s %s: the client left; work canceled", c->addr, c->method, c->target);
	} else if (c->res.status == 503 && ob_now() > c->req.deadline) {
		atomic_fetch_add(&srv->load.timed_out, 1);
		OB_WARN("%s %s %s: agotó su tiempo de %u s", "%s %s %s: ran out of its %u s",
		        c->addr, c->method, c->target, srv->time_limit);
	}
}

void *server_worker_main(void *arg)
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

enum MHD_Result server_access_cb(void *cls, struct MHD_Connection *con, const char *url,
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
		ok = server_send_response(con, &c->res);
		ob_http_response_release(&c->res);
		c->res_live = false;
		return ok;
	}
	if (c->state != FRESH)
		return MHD_YES;
	if (!c->started) {
		const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		struct sock *s = server_sock_of(con);
		long long n;

		c->started = true;
		if (s) {
			atomic_store(&s->waiting, false); /* the headers are in */
			c->fd = s->fd;
		}
		server_client_address(srv, con, c->addr, sizeof(c->addr));
		if (server_ambiguous_length(con, version)) {
			c->refused = true;
			return server_refuse(con, 400, "Cabeceras de longitud ambiguas: dos Content-Length, o "
			                     "Content-Length con Transfer-Encoding, o un Transfer-Encoding "
			                     "que no es chunked. Envíe una sola.",
			                     "Ambiguous length headers: two Content-Length, Content-Length "
			                     "with Transfer-Encoding, or a Transfer-Encoding other than "
			                     "chunked. Send only one.");
		}
		if (c->target_too_long) {
			c->refused = true;
			return server_refuse(con, 414, "La dirección es demasiado larga.",
			                     "The request target is too long.");
		}
		if (cl && (!ob_parse_int(cl, strlen(cl), 0, LLONG_MAX, &n) || n > (long long)c->body_max)) {
			c->refused = true;
			return server_refuse(con, 413, "El cuerpo de la petición es demasiado grande.",
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
		return server_refuse(con, 413, "El cuerpo de la petición es demasiado grande.",
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
	c->req.if_none_match = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
	                                                   MHD_HTTP_HEADER_IF_NONE_MATCH);
	c->req.range = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
	c->req.cookie = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
	c->req.secure = server_forwarded_https(srv, con);
	c->req.remote = c->addr;
	c->req.body = c->body.ptr;
	c->req.body_len = c->body.len;
	c->req.now = (long long)time(NULL);
	c->req.deadline = ob_now() + srv->time_limit;
	c->req.cancel = &c->cancel;
	c->req.may_defer = true;
	ob_http_response_init(&res);
	res.body.max = srv->max_response;
	ob_http_handle(server_thread_ctx(srv), &c->req, &res);
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
			return server_answer_error(con, 429, "rate_limited", (int)retry, false, es, en);
		}
		if (!defer(srv, con, c)) {
			atomic_fetch_add(&srv->load.busy, 1);
			log_request(srv, c, method, 503);
			return server_answer_error(con, 503, "busy", 5, false,
			                           "El servidor está ocupado con otras consultas; inténtelo "
			                           "de nuevo en unos segundos.",
			                           "The server is busy with other queries; try again in a "
			                           "few seconds.");
		}
		return MHD_YES;
	}
	log_request(srv, c, method, res.status);
	ok = server_send_response(con, &res);
	ob_http_response_release(&res);
	return ok;
}
