/*
 * server.h - `observa serve`: the API over HTTP with libmicrohttpd.
 *
 * A pool of threads, one per processor (epoll where available, else poll),
 * accepts connections and runs the handlers. Each thread has a store
 * connection of its own, so a store handle is never shared between threads;
 * public reads run in parallel, and requests that may write (any method but
 * GET and HEAD, or any request with credentials) run one at a time. Limits (src/base/limits.h): idle timeout
 * OB_HTTP_TIMEOUT, OB_HTTP_MAX_CONNECTIONS connections, OB_HTTP_MAX_PER_IP
 * per client address, OB_HTTP_MEMORY_LIMIT bytes of header buffer per
 * connection, OB_HTTP_MAX_URI bytes of request target, OB_HTTP_MAX_BODY
 * bytes of body (413 beyond; OB_HTTP_MAX_UPLOAD for POST /api/v1/submissions), OB_HTTP_MAX_SECONDS of store work per
 * request (503 beyond). No PostProcessor, no digest authentication: bodies
 * are read whole (within the limit) and parsed by the handlers; credentials
 * are bearer tokens.
 *
 * Shutdown: SIGTERM or SIGINT stops accepting connections, lets requests in
 * progress finish (each write is one transaction completed inside its
 * handler) for up to OB_HTTP_TIMEOUT seconds, then stops the thread and
 * closes the store. ob_serve() then returns OB_OK.
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
	unsigned threads;    /* threads answering; 0: one per processor */
};

ob_err ob_serve(const struct ob_serve_options *o, struct ob_diag *d);

#endif
