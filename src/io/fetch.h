/*
 * fetch.h - one file downloaded over HTTP(S), within bounds set in advance.
 *
 * ob_fetch() GETs url and hands the body, piece by piece, to a sink. Every
 * bound is enforced while the bytes arrive, never after the fact:
 *   - only http:// and https:// (anything else is refused before connecting);
 *   - at most max_bytes of body: a Content-Length above it is refused before
 *     the body is read, and a body that grows past it is cut off at that
 *     byte (OB_ETOOBIG, saying the bound and the URL);
 *   - the connection within connect_s seconds, the whole transfer within
 *     total_s, and a transfer slower than a byte a second for stall_s is
 *     given up (OB_ETIMEDOUT);
 *   - redirects (301, 302, 303, 307, 308) are followed by ob_fetch() itself,
 *     at most max_redirects times, and only to the same scheme, host and
 *     port: a redirect elsewhere is refused (OB_EINVAL) with a message that
 *     names both hosts;
 *   - a status other than 200 is an error: 404 is OB_ENOENT (so that a
 *     caller can probe for a file), any other OB_EIO, both naming the URL
 *     and the status.
 * libcurl is loaded the first time ob_fetch() runs (io/curl_lib.h).
 *
 * Ownership: the caller's sink and its argument; ob_fetch() keeps nothing.
 */
#ifndef OB_IO_FETCH_H
#define OB_IO_FETCH_H

#include "base/common.h"

struct ob_fetch_limits {
	long long max_bytes;  /* body bytes, at most */
	long connect_s;       /* seconds to connect */
	long total_s;         /* seconds for the whole transfer, redirects included */
	long stall_s;         /* seconds under a byte a second before giving up */
	int max_redirects;
};

/* The bounds of base/limits.h (OB_FETCH_*). */
void ob_fetch_limits_init(struct ob_fetch_limits *l);

/* Receives n bytes of the body; returns OB_OK to go on, or an error (with
 * d filled) that stops the transfer and is what ob_fetch() returns. */
typedef ob_err (*ob_fetch_sink)(void *arg, const void *p, size_t n, struct ob_diag *d);

/* Download url (NUL-terminated, at most OB_FETCH_URL_MAX bytes) to sink
 * within l. *bytes (when not NULL) receives the body bytes given to the
 * sink. Errors as above, with d naming the URL. */
ob_err ob_fetch(const char *url, const struct ob_fetch_limits *l, ob_fetch_sink sink,
                void *arg, long long *bytes, struct ob_diag *d);

/* Whether url is http:// or https:// with a host (no libcurl needed). */
bool ob_fetch_url_ok(const char *url);

#endif
