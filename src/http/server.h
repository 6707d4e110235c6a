/*
 * server.h - `observa serve`: the API over HTTP with libmicrohttpd.
 *
 * Two kinds of threads. A pool of threads, one per processor (epoll where
 * available, else poll), reads and writes the connections and answers what
 * is cheap at once: /health, the catalogue, the releases, answers kept in
 * memory, and every refusal. Anything that may take long (a computed
 * analyser answer or index, a login, an upload, anything that may write or
 * carries credentials) is deferred to a bounded pool of workers: its
 * connection is suspended (MHD_suspend_connection) while a worker runs it,
 * and resumed to send the answer, so the connection threads stay free. A
 * full pool (every worker busy, the queue full) answers 503 with
 * Retry-After at once. Each thread has a store connection of its own, so a
 * store handle is never shared between threads; requests that may write
 * (any method but GET and HEAD, or any request with credentials) run one at
 * a time on the workers.
 *
 * Budget: a request has `time_limit` seconds from the moment it has been
 * received, waiting for a worker included (http.h says what stops then);
 * past it the answer is 503 "timeout". A watchdog thread checks, several
 * times a second, the sockets of deferred requests: a client that has
 * closed its connection cancels its request's work (counted in /health's
 * load.canceled and logged).
 *
 * Connections: a connection must deliver the complete headers of a request
 * within `header_timeout` seconds of its opening or of the end of the
 * previous response (however slowly the bytes trickle); the watchdog shuts
 * down the ones that do not (load.slow_connections_cut). Once the headers
 * are in, OB_HTTP_TIMEOUT seconds without progress end it. At most
 * `max_connections` connections at once, `per_ip` from one address.
 * Requests: OB_HTTP_MAX_URI bytes of target, OB_HTTP_MEMORY_LIMIT bytes of
 * header buffer, OB_HTTP_MAX_BODY bytes of body (413 beyond;
 * OB_HTTP_MAX_UPLOAD for POST /api/v1/submissions); two Content-Length
 * headers, or Content-Length with Transfer-Encoding, or a Transfer-Encoding
 * other than chunked, are refused with 400. Computed answers of the public
 * query routes are rate-limited per client address (http/bucket.h; 429
 * with Retry-After). The client address is the peer's, or, when the peer
 * is one of `trusted_proxies`, the last address of its X-Forwarded-For.
 * No PostProcessor, no digest authentication: bodies are read whole
 * (within the limit) and parsed by the handlers; credentials are bearer
 * tokens.
 *
 * Shutdown: SIGTERM or SIGINT stops accepting connections, lets requests in
 * progress finish (each write is one transaction completed inside its
 * handler) for up to OB_HTTP_TIMEOUT seconds, then cancels the work still
 * running or waiting (answered 503), waits for the workers, stops the
 * threads and closes the store. ob_serve() then returns OB_OK.
 */
#ifndef OB_SERVER_H
#define OB_SERVER_H

#include "base/common.h"

struct ob_serve_options {
	const char *dir;     /* the observatory */
	const char *bind;    /* IPv4 or IPv6 address to listen on */
	unsigned port;       /* 0: any free port (the one chosen is announced) */
	bool quiet;          /* no line per request on standard error */
	FILE *announce;      /* where "listening on" is printed (may be NULL) */
	unsigned per_ip;     /* connections from one address; 0: OB_HTTP_MAX_PER_IP */
	unsigned threads;    /* threads serving connections; 0: one per processor */
	unsigned max_connections; /* 0: OB_HTTP_MAX_CONNECTIONS */
	unsigned header_timeout;  /* seconds; 0: OB_HTTP_HEADER_TIMEOUT */
	unsigned time_limit;      /* seconds per request; 0: OB_HTTP_MAX_SECONDS */
	unsigned workers;         /* 0: one per processor, at least 2 */
	long queue;               /* requests waiting for a worker; < 0: OB_HTTP_QUEUE */
	size_t max_response;      /* bytes; 0: OB_HTTP_MAX_RESPONSE */
	double query_rate;        /* computed answers per minute per address; < 0: the
	                           * default (OB_HTTP_QUERY_RATE); 0: no limit */
	unsigned query_burst;     /* 0: OB_HTTP_QUERY_BURST */
	const char *trusted_proxies; /* addresses separated by commas, or NULL */
	bool no_warm;             /* do not prepare the first pages in the background
	                           * (server_warm.c): every page is rendered by the
	                           * first request that asks for it */
};

/* The options' defaults (dir ".", 127.0.0.1:8080, the rest from limits.h). */
void ob_serve_options_default(struct ob_serve_options *o);

ob_err ob_serve(const struct ob_serve_options *o, struct ob_diag *d);

#endif
