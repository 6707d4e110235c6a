/*
 * http.h - observa's HTTP API without sockets: a request struct in, a
 * response struct out.
 *
 * ob_http_handle() parses the request target (path and query string, as
 * received, still percent-encoded), finds the route in the route table,
 * checks the query parameters against the route's declared parameters,
 * resolves the bearer token to a principal, checks the route's role, runs
 * the handler within the request's budget, and adds the security headers.
 * server.c only moves bytes between libmicrohttpd and these structs, so
 * every handler is tested without a socket.
 *
 * Budget: a request has a deadline (req->deadline, or OB_HTTP_MAX_SECONDS
 * from the start of ob_http_handle) and may have a cancel flag, set when
 * its client has gone. Store statements are interrupted, waits for the
 * store's write lock given up, analyser counts and index runs stopped when
 * either is reached; the answer is then 503 "timeout" (or nothing, for a
 * client that has gone). Work that may take long is not done on the
 * threads that serve connections: with req->may_defer, ob_http_handle
 * answers what is cheap (an answer kept in memory, an error) and marks the
 * rest deferred (res->deferred), for the caller to run again on a worker
 * without may_defer. Requests that may write or carry credentials are
 * always deferred, so that only workers wait for the store or for another
 * writer.
 *
 * Sizes: every write to a response body is checked; an answer that would
 * pass the body's limit (res->body.max, OB_HTTP_MAX_RESPONSE unless the
 * caller lowers it) is replaced by a 413 error, never cut.
 *
 * The same route table generates the OpenAPI 3 document served at
 * /api/v1/openapi.json, so the two cannot drift apart.
 *
 * Errors are JSON: {"error": {"status": 400, "code": "bad_parameter",
 * "parameter": "limit", "message": "<Spanish>", "message_en": "<English>"}}
 * with a message that says what to change.
 *
 * Ownership: a response owns its body, its extra header values and its
 * file descriptor; ob_http_response_release() frees them. A request only
 * borrows its strings.
 */
#ifndef OB_HTTP_H
#define OB_HTTP_H

#include "base/buf.h"
#include "http/auth.h"
#include "store/store.h"


/* The cookie of a signed-in browser (http/portal_auth.c): a deferred request
 * that carries it may write (the audit log) and takes the write lock. */
#define OB_HTTP_SESSION_COOKIE "obs_session"

struct ob_http_request {
	const char *method;        /* "GET", "HEAD", "POST"... */
	const char *target;        /* path and query as received, e.g. "/api/v1/x?a=%C3%B1" */
	const char *authorization; /* Authorization header, or NULL */
	const char *content_type;  /* Content-Type header, or NULL */
	const char *remote;        /* client address, for the rate limit and the audit log */
	const char *body;          /* request body (POST), not NUL-terminated */
	size_t body_len;
	long long now;             /* seconds since the epoch */
	double deadline;           /* ob_now() by which to answer; 0: OB_HTTP_MAX_SECONDS */
	const _Atomic int *cancel; /* non-zero once the client has gone; NULL: never */
	bool may_defer;            /* long work may be deferred (see above) */
	const char *if_none_match; /* If-None-Match header, or NULL */
	const char *range;         /* Range header, or NULL */
	const char *cookie;        /* Cookie header, or NULL (the portal's session,
	                            * OB_HTTP_SESSION_COOKIE) */
	bool secure;               /* came over TLS: from a trusted proxy that said
	                            * X-Forwarded-Proto: https (serve speaks no TLS) */
};

struct ob_http_header {
	const char *name;          /* static */
	char *value;               /* owned */
};

struct ob_http_response {
	int status;
	const char *content_type;  /* static string */
	struct ob_buf body;
	int fd;                    /* >= 0: send this open file instead of body (owned) */
	uint64_t fd_offset;        /* where in the file the answer starts (a range) */
	uint64_t fd_size;          /* bytes of the file sent from fd_offset */
	/* the body already gzip-compressed (a page from the portal's page
	 * cache), sent instead of compressing body when the client accepts
	 * gzip; empty: body is compressed as it is sent */
	struct ob_buf gz;
	bool deferred;             /* nothing answered: run it again on a worker */
	bool query;                /* deferred by a public query route to compute its answer */
	size_t nheaders;
	struct ob_http_header headers[OB_HTTP_MAX_HEADERS];
};

void ob_http_response_init(struct ob_http_response *r);
void ob_http_response_release(struct ob_http_response *r);

/* Add a header (the value is formatted and copied); false when full. */
bool ob_http_header_add(struct ob_http_response *r, const char *name, const char *fmt, ...)
	OB_PRINTF(3, 4);
/* Value of a header added to r (case-insensitive name), or NULL. */
const char *ob_http_header_get(const struct ob_http_response *r, const char *name);

/* Add the security headers every response carries (nosniff, no framing, a
 * Content-Security-Policy that allows nothing, no referrer). ob_http_handle()
 * adds them itself. */
void ob_http_security_headers(struct ob_http_response *r);

/* Make r a JSON error; es and en are complete sentences (param may be NULL).
 * The body's limit is raised to hold it if it was lower. */
void ob_http_fail(struct ob_http_response *r, int status, const char *code,
                  const char *param, const char *es, const char *en);
/* The same with a diagnostic, in Spanish (message) and English (message_en). */
void ob_http_fail_diag(struct ob_http_response *r, int status, const char *code,
                       const char *param, const struct ob_diag *d);

/* What the server is doing and has refused, counted since it started
 * (GET /api/v1/health shows it). Updated with atomic operations. */
struct ob_http_load {
	_Atomic long workers;         /* threads that run deferred work */
	_Atomic long running, queued; /* deferred requests being worked on, waiting */
	_Atomic long long deferred;   /* deferred requests */
	_Atomic long long busy;       /* refused at once (503): every worker busy, queue full */
	_Atomic long long limited;    /* refused (429): the address's rate exceeded */
	_Atomic long long canceled;   /* stopped because the client had gone */
	_Atomic long long timed_out;  /* stopped at the end of their budget (503) */
	_Atomic long long cut;        /* connections closed for not sending headers in time */
	_Atomic long long index_runs; /* index results computed (GET /api/v1/index) */
};

/* Append ,"load":{...} with the counters of l. */
ob_err ob_http_load_json(const struct ob_http_load *l, struct ob_buf *b);

/* Everything the handlers share. One context serves one thread at a time
 * (each thread of the server has its own, with its own store connection). */
struct ob_http_cache;

/* The missing-persons reports (the case type missing-persons and every
 * case of it, with what each publishes) held by a server between
 * requests, read again when a case changed (the last event of the
 * cases' history, store/cases.h) or the type's file did (missing.c).
 * Thread safety: any thread; a request holds its view until it releases
 * it. */
struct ob_http_missing_hold;
struct ob_http_missing_hold *ob_http_missing_hold_new(void);
void ob_http_missing_hold_free(struct ob_http_missing_hold *h);

struct ob_http_ctx {
	struct ob_store *store;    /* NULL: routes that need it answer 503 */
	const char *dir;           /* the observatory directory (releases under it) */
	struct ob_ratelimit *rl;   /* login rate limit (NULL: logins refused) */
	struct ob_snaphold *snaps; /* the records snapshot (NULL: no /analyze) */
	struct ob_http_cache *cache; /* /analyze answers (NULL: none kept; http/cache.h) */
	struct ob_http_cache *pages; /* the portal's public pages (NULL: none kept; portal.c) */
	struct ob_http_load *load; /* the server's counters (NULL: none) */
	/* the missing-persons reports held between requests (NULL: read on
	 * each request; missing.c) */
	struct ob_http_missing_hold *missing;
	/* the public statistics of case types, suppressed, kept until a case
	 * or a file they are computed from changes (NULL: computed on each
	 * request; case_stats.c) */
	struct ob_http_cache *case_stats;
	/* cost limits of the analyser for the public and for analysts (0: the
	 * defaults of base/limits.h) */
	uint64_t max_cells, max_records, max_cells_analyst, max_records_analyst;
};

/* ---- request targets ---- */

struct ob_http_param {
	const char *name;
	const char *value;         /* decoded; NUL-terminated, no NUL inside */
};

struct ob_http_target {
	char *mem;                 /* owned storage of the decoded strings */
	size_t nseg;
	const char *seg[OB_HTTP_MAX_SEGMENTS];
	size_t nparams;
	struct ob_http_param params[OB_HTTP_MAX_PARAMS];
};

/*
 * Parse a request target: "/" segments ["?" query]. Each path segment and
 * each query name and value is percent-decoded ('+' is a space in the query)
 * and must then be valid UTF-8 without control characters. An encoded
 * slash (%2F) separates segments as a plain one does (clients encode a
 * path value such as "2024/file.csv" so). A segment must not be empty (one
 * trailing "/" is allowed), ".", "..", nor hold "\" once decoded. Query
 * names must not be empty or repeat. Limits:
 * OB_HTTP_MAX_URI bytes, OB_HTTP_MAX_SEGMENTS segments, OB_HTTP_MAX_PARAMS
 * parameters. On error returns OB_EPARSE or OB_ETOOBIG with a message for
 * the client in why (Spanish, then English), and t holds nothing.
 */
ob_err ob_http_parse_target(const char *s, size_t n, struct ob_http_target *t, char *why,
                            size_t why_size);
void ob_http_target_release(struct ob_http_target *t);

/* The value of a query parameter, or NULL. */
const char *ob_http_param(const struct ob_http_target *t, const char *name);

/* Append s percent-encoded for a query value (unreserved characters kept). */
ob_err ob_http_encode(struct ob_buf *b, const char *s, size_t n);

/* ---- routes ---- */

enum ob_http_ptype { OB_HTTP_STRING, OB_HTTP_INTEGER };

struct ob_http_pspec {
	const char *name;
	const char *in;            /* "query" or "path" */
	enum ob_http_ptype type;
	bool required;
	long long min, max;        /* integers */
	const char *const *choices;/* strings: NULL-terminated list, or NULL for any */
	const char *desc_es, *desc_en;
};

struct ob_http_call;
typedef void (*ob_http_handler)(struct ob_http_call *c);

struct ob_http_route {
	const char *method;        /* "GET" (also serves HEAD) or "POST" */
	const char *pattern;       /* "/api/v1/territories/{code}"; "{name*}" takes the rest */
	enum ob_role role;         /* least role required */
	bool authenticated;        /* needs a logged-in account whatever its role */
	bool audited;              /* reads record-level data: each call is audited */
	ob_http_handler fn;
	const char *summary_es, *summary_en;
	const struct ob_http_pspec *params;
	size_t nparams;
	const char *produces;      /* "json", "json+csv" or "file" */
	const char *body;          /* JSON request body fields, for POST; NULL */
};

extern const struct ob_http_route ob_http_routes[];
extern const size_t ob_http_nroutes;

/* Answer a request. res must be initialised; it is filled whatever happens. */
void ob_http_handle(struct ob_http_ctx *ctx, const struct ob_http_request *req,
                    struct ob_http_response *res);

/* Forget the results GET /api/v1/index keeps in memory (at shutdown). */
void ob_http_index_cache_clear(void);

/* ---- negotiation: what the headers of a request ask (negotiate.c) ----
 *
 * Answers are compressed with gzip when the client accepts it
 * (Accept-Encoding) and their type is text (ob_http_compressible: CSV,
 * JSON, GeoJSON, XML, plain text; never a spreadsheet, a zip or an image,
 * already compressed). Release files carry a strong ETag made of their
 * size and modification time; the compressed form of an answer carries the
 * same tag with OB_HTTP_ETAG_GZIP before its closing quote, and
 * If-None-Match matches either form. A single byte range (Range: bytes=...)
 * of a file is answered 206; several ranges, or a header that does not
 * parse, are ignored (the whole file, as RFC 9110 allows); a range wholly
 * past the end is 416.
 */
#define OB_HTTP_ETAG_GZIP "-gz"

/* Does an Accept-Encoding header accept gzip (or x-gzip, or "*") with a
 * quality above 0? NULL: no. */
bool ob_http_accepts_gzip(const char *accept_encoding);
/* Is a response of this Content-Type worth compressing? */
bool ob_http_compressible(const char *content_type);

enum ob_http_range { OB_HTTP_RANGE_NONE, OB_HTTP_RANGE_OK, OB_HTTP_RANGE_BAD };
/* A Range header against a file of size bytes: OK with [*first, *last]
 * (inclusive, within the file), BAD (416) or NONE (send the whole file). */
enum ob_http_range ob_http_range_parse(const char *h, uint64_t size, uint64_t *first,
                                       uint64_t *last);

/* The ETag of a file ("size-seconds-nanoseconds" in hexadecimal, quoted). */
void ob_http_etag(uint64_t size, long long mtime_sec, long mtime_nsec, char *out, size_t n);
/* Does an If-None-Match header match etag (weak comparison, either form)? */
bool ob_http_etag_matches(const char *if_none_match, const char *etag);

/* Append a Content-Disposition value for a download of name (its last
 * segment): attachment; filename="ASCII form"; filename*=UTF-8''encoded. */
ob_err ob_http_disposition(struct ob_buf *b, const char *name);

/* The OpenAPI 3.0 document of the route table. */
ob_err ob_http_openapi(struct ob_buf *b);

#endif
