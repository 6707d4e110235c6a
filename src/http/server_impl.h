/*
 * server_impl.h - what the pieces of the HTTP server share (internal).
 *
 * server.c starts and stops the daemon and gives each thread its context;
 * server_conn.c follows the connections (opening, closing, the bytes sent,
 * the client's address, the watchdog); server_work.c takes a request from
 * its headers to its answer, on the connection's thread or on a worker.
 * Nothing here is for other files than these three.
 *
 * Ownership: the server owns its thread contexts, its list of connections
 * and its pool; a struct conn (MHD's request closure) owns its target copy,
 * its body and, once a worker answered, its response.
 */
#ifndef OB_HTTP_SERVER_IMPL_H
#define OB_HTTP_SERVER_IMPL_H

#include "http/server.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>

#include "http/internal.h"
#include "http/mhd_lib.h"

/* How often the watchdog looks at the connections and the deferred
 * requests, in milliseconds. */
#define WATCH_MS 100
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
	/* the warmer (server_warm.c) */
	pthread_t warm;
	bool warming;                    /* its thread runs */
	pthread_mutex_t warm_mu;         /* guards warm_stop */
	pthread_cond_t warm_cv;
	bool warm_stop;
	_Atomic int warm_cancel;         /* RUN, or STOPPING: its request stops */
	_Atomic unsigned long warm_asked;  /* targets asked (for the log) */
	_Atomic unsigned long warm_passes; /* passes done */
};

/* server.c */
long long server_now_ms(void);
struct ob_http_ctx *server_thread_ctx(struct server *srv);

/* server_conn.c */
void server_notify_cb(void *cls, struct MHD_Connection *con, void **socket_context,
                      enum MHD_ConnectionNotificationCode toe);
struct sock *server_sock_of(struct MHD_Connection *con);
void *server_uri_cb(void *cls, const char *uri, struct MHD_Connection *con);
void server_completed_cb(void *cls, struct MHD_Connection *con, void **req_cls,
                         enum MHD_RequestTerminationCode toe);
enum MHD_Result server_send_response(struct MHD_Connection *con, struct ob_http_response *res);
enum MHD_Result server_answer_error(struct MHD_Connection *con, int status, const char *code,
                                    int retry_after, bool close, const char *es,
                                    const char *en);
enum MHD_Result server_refuse(struct MHD_Connection *con, int status, const char *es,
                              const char *en);
bool server_normal_address(const char *s, size_t n, char *out, size_t size);
/* Did the request come from a trusted proxy that says, in
 * X-Forwarded-Proto, that its client spoke https? */
bool server_forwarded_https(struct server *srv, struct MHD_Connection *con);
void server_client_address(struct server *srv, struct MHD_Connection *con, char *out,
                           size_t size);
bool server_ambiguous_length(struct MHD_Connection *con, const char *version);
void *server_watch_main(void *arg);

/* server_gzip.c: a response that compresses res's body or file as it is
 * sent (it takes them: res->fd is -1 after), or NULL */
struct MHD_Response *server_gzip_response(struct ob_http_response *res);

/* server_warm.c: the first pages prepared in the background (a thread of
 * low priority, started after the pool and stopped before it) */
bool server_warm_start(struct server *srv);
void server_warm_stop(struct server *srv);

/* server_work.c */
void *server_worker_main(void *arg);
enum MHD_Result server_access_cb(void *cls, struct MHD_Connection *con, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **req_cls);

#endif
