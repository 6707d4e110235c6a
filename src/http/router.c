/* router.c - dispatch of requests through the route table, errors, listings
 * (see http.h); the OpenAPI document is openapi.c's. */
#include "http/internal.h"

#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "io/csvw.h"
#include "engine/snaphold.h"
#include "io/json.h"
#include "io/rows.h"
#include "store/audit.h"

/* ---- responses ---- */

void ob_http_response_init(struct ob_http_response *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 500;
	r->content_type = "application/json; charset=utf-8";
	ob_buf_init(&r->body, OB_HTTP_MAX_RESPONSE);
	ob_buf_init(&r->gz, OB_HTTP_MAX_RESPONSE);
	r->fd = -1;
}

void ob_http_response_release(struct ob_http_response *r)
{
	ob_buf_release(&r->body);
	ob_buf_release(&r->gz);
	for (size_t i = 0; i < r->nheaders; i++)
		free(r->headers[i].value);
	r->nheaders = 0;
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

bool ob_http_header_add(struct ob_http_response *r, const char *name, const char *fmt, ...)
{
	struct ob_buf v = OB_BUF_INIT(OB_HTTP_MAX_URI * 5);
	va_list ap;
	ob_err e;

	if (r->nheaders == OB_HTTP_MAX_HEADERS)
		return false;
	va_start(ap, fmt);
	e = ob_buf_vaddf(&v, fmt, ap);
	va_end(ap);
	if (e || !v.ptr) {
		ob_buf_release(&v);
		return false;
	}
	/* a header value never carries a line break */
	for (size_t i = 0; i < v.len; i++)
		if (v.ptr[i] == '\r' || v.ptr[i] == '\n')
			v.ptr[i] = ' ';
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders].value = ob_buf_detach(&v, NULL);
	r->nheaders++;
	return true;
}

const char *ob_http_header_get(const struct ob_http_response *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i].name, name))
			return r->headers[i].value;
	return NULL;
}

static void set_header(struct ob_http_response *r, const char *name, const char *value)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i].name, name)) {
			free(r->headers[i].value);
			r->headers[i].value = ob_strdup(value);
			return;
		}
	ob_http_header_add(r, name, "%s", value);
}

/* Room an error's JSON may need: its code, parameter and two messages of
 * at most a few OB_MAX_MESSAGE, escaped. */
#define ERROR_ROOM (64 * 1024)

void ob_http_fail(struct ob_http_response *res, int status, const char *code,
                  const char *param, const char *es, const char *en)
{
	struct ob_buf *b = &res->body;
	ob_err e;

	if (res->fd >= 0) {
		close(res->fd);
		res->fd = -1;
	}
	ob_buf_reset(b);
	if (b->max < ERROR_ROOM)
		b->max = ERROR_ROOM;
	res->status = status;
	res->content_type = "application/json; charset=utf-8";
	e = ob_buf_addf(b, "{\"error\":{\"status\":%d,\"code\":", status);
	e |= ob_json_str(b, code, strlen(code));
	if (param) {
		e |= ob_buf_adds(b, ",\"parameter\":");
		e |= ob_json_str(b, param, strlen(param));
	}
	e |= ob_buf_adds(b, ",\"message\":");
	e |= ob_json_str(b, es, strlen(es));
	e |= ob_buf_adds(b, ",\"message_en\":");
	e |= ob_json_str(b, en, strlen(en));
	e |= ob_buf_adds(b, "}}\n");
	if (e) /* messages longer than ERROR_ROOM: the status alone, never half a body */
		ob_buf_reset(b);
}

void ob_http_fail_diag(struct ob_http_response *res, int status, const char *code,
                       const char *param, const struct ob_diag *d)
{
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];

	ob_diag_format_lang(d, OB_LANG_ES, es, sizeof(es));
	ob_diag_format_lang(d, OB_LANG_EN, en, sizeof(en));
	ob_http_fail(res, status, code, param, es, en);
}

void ob_http_fail_too_large(struct ob_http_call *c)
{
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];

	snprintf(es, sizeof(es), "La respuesta pasaría de %zu bytes, el límite de este servidor; "
	         "pida menos: menos filas (limit, top), menos dimensiones o una más gruesa, o un "
	         "filtro.", c->res->body.max);
	snprintf(en, sizeof(en), "The answer would exceed %zu bytes, this server's limit; ask for "
	         "less: fewer rows (limit, top), fewer or coarser dimensions, or a filter.",
	         c->res->body.max);
	ob_http_fail(c->res, 413, "response_too_large", NULL, es, en);
}

ob_err ob_http_stopped(const struct ob_http_call *c)
{
	if (c->req->cancel && atomic_load_explicit(c->req->cancel, memory_order_relaxed))
		return OB_ECANCELED;
	if (c->deadline > 0 && ob_now() > c->deadline)
		return OB_ETIMEDOUT;
	return OB_OK;
}

void ob_http_fail_stopped(struct ob_http_call *c, ob_err e)
{
	if (e == OB_ECANCELED) {
		ob_http_fail(c->res, 499, "canceled", NULL,
		             "La petición se canceló: el cliente cerró la conexión.",
		             "The request was canceled: the client closed the connection.");
		return;
	}
	ob_http_fail(c->res, 503, "timeout", NULL,
	             "La petición agotó su tiempo y se detuvo. Pida menos (menos filas, una "
	             "dimensión más gruesa, un filtro) o inténtelo de nuevo más tarde, cuando el "
	             "servidor tenga menos trabajo.",
	             "The request ran out of time and was stopped. Ask for less (fewer rows, a "
	             "coarser dimension, a filter) or try again later, when the server is less "
	             "busy.");
	ob_http_header_add(c->res, "Retry-After", "%d", 10);
}

bool ob_http_defer(struct ob_http_call *c, bool query)
{
	if (!c->req->may_defer)
		return false;
	c->res->deferred = true;
	c->res->query = query;
	return true;
}

bool ob_http_snapshot_stale(struct ob_http_call *c)
{
	char now[OB_SNAPSHOT_STAMP], held[OB_SNAPSHOT_STAMP];
	struct ob_diag d;

	if (!c->ctx->store || !c->ctx->snaps)
		return true;
	ob_diag_clear(&d);
	if (ob_snapshot_stamp(c->ctx->store, now, &d))
		return true;
	ob_snaphold_stamp(c->ctx->snaps, held);
	return strcmp(now, held) != 0;
}

void ob_http_store_fail(struct ob_http_call *c)
{
	enum ob_store_failure code = ob_store_last_failure(c->ctx->store);
	ob_err why = ob_http_stopped(c);

	if (why && code != OB_STORE_FAILED) {
		ob_http_fail_stopped(c, why);
		return;
	}
	if (code == OB_STORE_INTERRUPTED) {
		ob_http_fail_stopped(c, OB_ETIMEDOUT);
		return;
	}
	if (code == OB_STORE_BUSY) {
		ob_http_fail(c->res, 503, "busy", NULL,
		             "El almacén está ocupado por otra escritura; inténtelo de nuevo en unos "
		             "segundos.",
		             "The store is busy with another write; try again in a few seconds.");
		ob_http_header_add(c->res, "Retry-After", "%d", 5);
		return;
	}
	OB_ERROR("API: error del almacén: %s", "API: store error: %s",
	         ob_store_last_message(c->ctx->store));
	ob_http_fail(c->res, 500, "store_error", NULL,
	             "Error interno del almacén; el administrador encontrará el detalle en el "
	             "registro del servidor.",
	             "Internal store error; the administrator will find the details in the "
	             "server log.");
}

ob_err ob_http_load_json(const struct ob_http_load *l, struct ob_buf *b)
{
	return ob_buf_addf(b, ",\"load\":{\"workers\":%ld,\"running\":%ld,\"queued\":%ld,"
	                   "\"deferred\":%lld,\"busy\":%lld,\"rate_limited\":%lld,"
	                   "\"canceled\":%lld,\"timed_out\":%lld,\"slow_connections_cut\":%lld,"
	                   "\"index_runs\":%lld}",
	                   atomic_load(&l->workers), atomic_load(&l->running),
	                   atomic_load(&l->queued), atomic_load(&l->deferred),
	                   atomic_load(&l->busy), atomic_load(&l->limited),
	                   atomic_load(&l->canceled), atomic_load(&l->timed_out),
	                   atomic_load(&l->cut), atomic_load(&l->index_runs));
}

/* ---- parameters ---- */

static const struct ob_http_pspec *spec_of(const struct ob_http_route *r, const char *name,
                                           const char *in)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (!strcmp(r->params[i].name, name) && !strcmp(r->params[i].in, in))
			return &r->params[i];
	return NULL;
}

const char *ob_http_str(const struct ob_http_call *c, const char *name)
{
	return ob_http_param(&c->target, name);
}

long long ob_http_int(const struct ob_http_call *c, const char *name, long long def)
{
	const char *v = ob_http_param(&c->target, name);
	long long x;

	if (!v || !ob_parse_int(v, strlen(v), LLONG_MIN, LLONG_MAX, &x))
		return def;
	return x;
}

/* A complete download: no limit asked, and download=1 or format=csv. */
static bool whole_table(const struct ob_http_call *c)
{
	const char *fmt = ob_http_str(c, "format");

	return !ob_http_str(c, "limit") &&
	       (ob_http_int(c, "download", 0) == 1 || (fmt && !strcmp(fmt, "csv")));
}

void ob_http_page(const struct ob_http_call *c, long long *limit, long long *offset)
{
	*limit = whole_table(c) ? OB_HTTP_ALL_ROWS : ob_http_int(c, "limit", OB_HTTP_PAGE_DEFAULT);
	*offset = ob_http_int(c, "offset", 0);
}

/* Check one value against its declaration; false after answering 400. */
static bool check_value(struct ob_http_call *c, const struct ob_http_pspec *p, const char *v)
{
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	long long x;

	if (p->type == OB_HTTP_INTEGER) {
		if (ob_parse_int(v, strlen(v), p->min, p->max, &x) && !strpbrk(v, " \t"))
			return true;
		snprintf(es, sizeof(es), "«%s» debe ser un número entero entre %lld y %lld%s.",
		         p->name, p->min, p->max,
		         !strcmp(p->name, "limit") ? "; para ver más filas pida la página siguiente "
		                                     "con offset (el enlace next), o todas de una "
		                                     "vez sin limit con download=1 o format=csv"
		                                   : "");
		snprintf(en, sizeof(en), "'%s' must be a whole number from %lld to %lld%s.",
		         p->name, p->min, p->max,
		         !strcmp(p->name, "limit") ? "; to see more rows ask for the next page with "
		                                     "offset (the next link), or for all of them at "
		                                     "once without limit with download=1 or "
		                                     "format=csv" : "");
		ob_http_fail(c->res, 400, "bad_parameter", p->name, es, en);
		return false;
	}
	if (strlen(v) >= OB_MAX_NAME) {
		snprintf(es, sizeof(es), "«%s» es demasiado largo (más de %d bytes).", p->name,
		         OB_MAX_NAME - 1);
		snprintf(en, sizeof(en), "'%s' is too long (over %d bytes).", p->name,
		         OB_MAX_NAME - 1);
		ob_http_fail(c->res, 400, "bad_parameter", p->name, es, en);
		return false;
	}
	if (p->choices) {
		struct ob_buf list = OB_BUF_INIT(1024);
		bool full = false;
		for (size_t i = 0; p->choices[i]; i++) {
			if (!strcmp(v, p->choices[i])) {
				ob_buf_release(&list);
				return true;
			}
			/* a list too long for the message ends where it fills */
			full = full || ob_buf_addf(&list, "%s%s", i ? ", " : "", p->choices[i]);
		}
		snprintf(es, sizeof(es), "«%s» no admite ese valor; valores posibles: %s.", p->name,
		         list.ptr ? list.ptr : "");
		snprintf(en, sizeof(en), "'%s' does not take that value; possible values: %s.",
		         p->name, list.ptr ? list.ptr : "");
		ob_buf_release(&list);
		ob_http_fail(c->res, 400, "bad_parameter", p->name, es, en);
		return false;
	}
	return true;
}

static bool check_params(struct ob_http_call *c)
{
	const struct ob_http_route *r = c->route;
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];

	for (size_t i = 0; i < c->target.nparams; i++) {
		const char *name = c->target.params[i].name;
		const struct ob_http_pspec *p = spec_of(r, name, "query");
		if (!p) {
			struct ob_buf list = OB_BUF_INIT(1024);
			bool full = false;
			for (size_t k = 0; k < r->nparams; k++)
				if (!strcmp(r->params[k].in, "query"))
					full = full || ob_buf_addf(&list, "%s%s", list.len ? ", " : "",
					                           r->params[k].name);
			snprintf(es, sizeof(es), "Parámetro desconocido «%.100s»; esta ruta acepta: %s.",
			         name, list.len ? list.ptr : "ninguno");
			snprintf(en, sizeof(en), "Unknown parameter '%.100s'; this route takes: %s.",
			         name, list.len ? list.ptr : "none");
			ob_buf_release(&list);
			ob_http_fail(c->res, 400, "unknown_parameter", NULL, es, en);
			return false;
		}
		if (!check_value(c, p, c->target.params[i].value))
			return false;
	}
	for (size_t k = 0; k < r->nparams; k++) {
		const struct ob_http_pspec *p = &r->params[k];
		if (!strcmp(p->in, "path")) {
			if (c->path_value && !check_value(c, p, c->path_value))
				return false;
			continue;
		}
		if (p->required && !ob_http_param(&c->target, p->name)) {
			snprintf(es, sizeof(es), "Falta el parámetro obligatorio «%s».", p->name);
			snprintf(en, sizeof(en), "Required parameter '%s' is missing.", p->name);
			ob_http_fail(c->res, 400, "missing_parameter", p->name, es, en);
			return false;
		}
	}
	return true;
}

/* ---- routing ---- */

/* Does the route's pattern match the target's segments? Fills the path
 * values of c when it does. */
static bool pattern_match(const char *pattern, struct ob_http_call *c)
{
	const char *p = pattern + 1;
	size_t i = 0;

	c->path_value = NULL;
	c->rest_n = 0;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len >= 2 && p[0] == '{' && p[len - 1] == '}') {
			if (i >= c->target.nseg)
				return false;
			if (p[len - 2] == '*') {
				c->rest_first = i;
				c->rest_n = c->target.nseg - i;
				return true;
			}
			c->path_value = c->target.seg[i];
		} else if (i >= c->target.nseg || strlen(c->target.seg[i]) != len ||
		           memcmp(c->target.seg[i], p, len)) {
			return false;
		}
		i++;
		p = end ? end + 1 : p + len;
	}
	return i == c->target.nseg;
}

static bool route_needs_store(const struct ob_http_route *r)
{
	return r->fn != ob_http_h_openapi && r->fn != ob_http_h_release_file &&
	       r->fn != ob_http_h_releases;
}

static const char *const security_headers[][2] = {
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox" },
	{ "Referrer-Policy", "no-referrer" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
};

/* The store's guard (store.h): non-zero interrupts the statement. */
static int stop_progress(void *arg)
{
	struct ob_http_call *c = arg;

	if (ob_http_stopped(c) == OB_OK)
		return 0;
	c->interrupted = true;
	return 1;
}

/* The store's busy callback: wait for another writer's lock (5 to 50 ms at a
 * time) while the request has budget and a client. */
static int busy_wait(void *arg, int tries)
{
	struct timespec ts = { 0, (long)(tries < 9 ? tries + 1 : 10) * 5 * 1000 * 1000 };

	if (ob_http_stopped(arg)) {
		((struct ob_http_call *)arg)->interrupted = true;
		return 0;
	}
	nanosleep(&ts, NULL);
	return 1;
}

/* The request's time left, in ms: the store's limit where it cannot ask
 * stop_progress() (PostgreSQL). */
static long long budget_ms(const struct ob_http_call *c)
{
	double left = (c->deadline - ob_now()) * 1000;

	return left < 1 ? 1 : (long long)left;
}

/* What store.c sets when it opens a connection, put back after a request. */
#define STORE_BUSY_MS 10000

/* Resolve the Authorization header; false after answering 401/503. */
static bool authenticate(struct ob_http_call *c)
{
	const char *h = c->req->authorization, *tok;
	struct ob_diag d;
	ob_err e;

	if (!h)
		return true;
	if (strncasecmp(h, "Bearer ", 7)) {
		ob_http_fail(c->res, 401, "bad_authorization", NULL,
		             "Cabecera Authorization no válida: use «Authorization: Bearer TOKEN» con "
		             "una credencial de «observa user token» o de POST /api/v1/login.",
		             "Bad Authorization header: use 'Authorization: Bearer TOKEN' with a "
		             "token from 'observa user token' or POST /api/v1/login.");
		ob_http_header_add(c->res, "WWW-Authenticate", "Bearer realm=\"observa\"");
		return false;
	}
	if (!c->ctx->store) {
		ob_http_fail(c->res, 503, "unavailable", NULL, "El almacén no está disponible.",
		             "The store is not available.");
		return false;
	}
	for (tok = h + 7; *tok == ' '; tok++)
		;
	ob_diag_clear(&d);
	e = ob_auth_token(c->ctx->store, tok, c->req->now, &c->who, &d);
	if (e == OB_ENOENT) {
		ob_http_fail(c->res, 401, "invalid_token", NULL,
		             "La credencial no es válida, caducó o fue revocada; inicie sesión de "
		             "nuevo (POST /api/v1/login) o pida otra credencial.",
		             "The token is invalid, expired or revoked; log in again "
		             "(POST /api/v1/login) or ask for a new token.");
		ob_http_header_add(c->res, "WWW-Authenticate",
		                   "Bearer realm=\"observa\", error=\"invalid_token\"");
		return false;
	}
	if (e) {
		ob_error("API: %s", d.message);
		ob_http_fail(c->res, 500, "store_error", NULL, "Error interno al comprobar la "
		             "credencial.", "Internal error while checking the token.");
		return false;
	}
	return true;
}

void ob_http_security_headers(struct ob_http_response *r)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(security_headers); i++)
		set_header(r, security_headers[i][0], security_headers[i][1]);
}

/* A route anyone may read without credentials, whose answers a browser
 * may hand to a page of any origin (CORS). */
static bool open_route(const struct ob_http_route *r)
{
	return r->role == OB_ROLE_PUBLIC && !r->authenticated && !strcmp(r->method, "GET");
}

/* Headers that a page of another origin may read besides the simple ones. */
#define CORS_EXPOSE "Link, X-Total-Count, ETag, Content-Disposition, Content-Range, " \
	"Accept-Ranges, Retry-After"

static void finish_headers(struct ob_http_call *c)
{
	struct ob_http_response *res = c->res;
	bool public_ok = res->status < 400 && c->route && open_route(c->route) &&
	                 !c->who.account;

	if (c->portal) {
		ob_portal_headers(res);
		return;
	}
	/* CORS only for public routes asked without credentials: what a
	 * credential unlocks never reaches a page of another origin */
	if (c->route && open_route(c->route) && !c->req->authorization) {
		set_header(res, "Access-Control-Allow-Origin", "*");
		set_header(res, "Access-Control-Expose-Headers", CORS_EXPOSE);
	}
	ob_http_security_headers(res);
	if (!ob_http_header_get(res, "Cache-Control"))
		ob_http_header_add(res, "Cache-Control", "%s",
		                   public_ok ? "public, max-age=60" : "no-store");
	if (!public_ok)
		set_header(res, "Vary", "Authorization");
}

void ob_http_handle(struct ob_http_ctx *ctx, const struct ob_http_request *req,
                    struct ob_http_response *res)
{
	struct ob_http_call c;
	const char *method = req->method ? req->method : "";
	char why[OB_MAX_MESSAGE / 2], es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	struct ob_buf allow = OB_BUF_INIT(256);
	const struct ob_http_route *anyone = NULL; /* a public GET route of this path */
	bool path_known = false, guarded = false;
	ob_err e;

	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	c.req = req;
	c.res = res;
	c.deadline = req->deadline > 0 ? req->deadline : ob_now() + OB_HTTP_MAX_SECONDS;
	ob_principal_public(&c.who);
	if (!strcmp(method, "HEAD"))
		method = "GET";
	e = ob_http_parse_target(req->target ? req->target : "",
	                         req->target ? strlen(req->target) : 0, &c.target, why,
	                         sizeof(why));
	if (e) {
		snprintf(es, sizeof(es), "Dirección no válida: %s.", why);
		snprintf(en, sizeof(en), "Invalid request target: %s.", why);
		ob_http_fail(res, e == OB_ETOOBIG ? 414 : 400, "bad_request", NULL, es, en);
		goto done;
	}
	if (ob_portal_path(&c.target)) {
		/* a page of the portal: public, read-only, its own headers */
		c.portal = true;
		if (ctx->store) {
			ob_store_guard(ctx->store, stop_progress, busy_wait, &c, budget_ms(&c));
			guarded = true;
		}
		ob_portal_handle(&c);
		goto done;
	}
	for (size_t i = 0; i < ob_http_nroutes; i++) {
		const struct ob_http_route *r = &ob_http_routes[i];
		if (!pattern_match(r->pattern, &c))
			continue;
		path_known = true;
		if (!allow.len || !strstr(allow.ptr, r->method)) {
			/* a few methods: always fits */
			e = allow.len ? ob_buf_adds(&allow, ", ") : OB_OK;
			e |= ob_buf_adds(&allow, r->method);
			if (!strcmp(r->method, "GET"))
				e |= ob_buf_adds(&allow, ", HEAD");
			if (e)
				ob_buf_reset(&allow);
		}
		if (!c.route && !strcmp(r->method, method))
			c.route = r;
		if (!anyone && open_route(r))
			anyone = r;
	}
	if (!strcmp(method, "OPTIONS") && anyone && !req->authorization) {
		/* a browser's preflight before a request of another origin */
		c.route = anyone;
		res->status = 204;
		ob_buf_reset(&res->body);
		ob_http_header_add(res, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
		ob_http_header_add(res, "Access-Control-Allow-Headers", "Range, If-None-Match");
		ob_http_header_add(res, "Access-Control-Max-Age", "%d", 86400);
		ob_http_header_add(res, "Allow", "GET, HEAD, OPTIONS");
		goto done;
	}
	if (c.route) {
		/* match again to set the path values of the chosen route */
		pattern_match(c.route->pattern, &c);
	} else if (path_known) {
		snprintf(es, sizeof(es), "El método %.20s no se admite en esta ruta; use %s.",
		         method, allow.ptr ? allow.ptr : "GET");
		snprintf(en, sizeof(en), "Method %.20s is not allowed on this route; use %s.",
		         method, allow.ptr ? allow.ptr : "GET");
		ob_http_fail(res, 405, "method_not_allowed", NULL, es, en);
		ob_http_header_add(res, "Allow", "%s", allow.ptr ? allow.ptr : "GET");
		goto done;
	} else {
		ob_http_fail(res, 404, "not_found", NULL,
		             "No existe esa ruta. Las rutas de la API están en /api/v1/openapi.json.",
		             "No such route. The API's routes are listed in /api/v1/openapi.json.");
		goto done;
	}
	if (!check_params(&c))
		goto done;
	/* what may write or carries credentials runs on a worker: it may wait
	 * for the store's lock or for another writer */
	if ((strcmp(method, "GET") || req->authorization) && ob_http_defer(&c, false))
		goto done;
	if (ctx->store) {
		ob_store_guard(ctx->store, stop_progress, busy_wait, &c, budget_ms(&c));
		guarded = true;
	}
	if (!authenticate(&c))
		goto done;
	if ((c.route->authenticated && !c.who.account) ||
	    !ob_role_allows(c.who.role, c.route->role)) {
		if (!c.who.account) {
			ob_http_fail(res, 401, "unauthorized", NULL,
			             "Esta ruta necesita una credencial: envíe «Authorization: Bearer "
			             "TOKEN» (inicie sesión con POST /api/v1/login).",
			             "This route needs a token: send 'Authorization: Bearer TOKEN' "
			             "(log in with POST /api/v1/login).");
			ob_http_header_add(res, "WWW-Authenticate", "Bearer realm=\"observa\"");
		} else {
			snprintf(es, sizeof(es), "El rol «%s» no da acceso a esta ruta; necesita «%s».",
			         ob_role_name(c.who.role), ob_role_name(c.route->role));
			snprintf(en, sizeof(en), "Role '%s' has no access to this route; it needs '%s'.",
			         ob_role_name(c.who.role), ob_role_name(c.route->role));
			ob_http_fail(res, 403, "forbidden", NULL, es, en);
		}
		goto done;
	}
	if (route_needs_store(c.route) && !ctx->store) {
		ob_http_fail(res, 503, "unavailable", NULL, "El almacén no está disponible.",
		             "The store is not available.");
		goto done;
	}
	res->status = 200;
	c.route->fn(&c);
	if (res->deferred)
		goto done;
	if (c.route->audited && res->status < 400 && !c.audited) {
		/* a route that reads record-level data answered without an audit
		 * entry: nothing leaves */
		OB_ERROR("API: %s %s respondió sin entrada de auditoría",
		         "API: %s %s answered without an audit entry", c.route->method, c.route->pattern);
		ob_http_fail(res, 500, "audit_missing", NULL, "Error interno (auditoría).",
		             "Internal error (audit).");
	}
done:
	if ((res->status == 401 || res->status == 403) && c.route && !c.audited)
		ob_http_audit_refusal(&c);
	if (guarded)
		ob_store_unguard(ctx->store, STORE_BUSY_MS);
	if (!res->deferred)
		finish_headers(&c);
	ob_buf_release(&allow);
	ob_http_target_release(&c.target);
}

/* ---- listings ---- */

static void next_link(struct ob_http_call *c, long long next_offset, struct ob_buf *b,
                      bool *failed)
{
	const char *t = c->req->target, *q = strchr(t, '?');
	bool first = true;
	ob_err e = ob_buf_add(b, t, q ? (size_t)(q - t) : strlen(t));

	for (size_t i = 0; i < c->target.nparams; i++) {
		const struct ob_http_param *p = &c->target.params[i];
		if (!strcmp(p->name, "offset"))
			continue;
		e |= ob_buf_addc(b, first ? '?' : '&');
		first = false;
		e |= ob_http_encode(b, p->name, strlen(p->name));
		e |= ob_buf_addc(b, '=');
		e |= ob_http_encode(b, p->value, strlen(p->value));
	}
	e |= ob_buf_addf(b, "%coffset=%lld", first ? '?' : '&', next_offset);
	if (e || !b->ptr)
		*failed = true;
}

/* Listings are tables of the row-output layer (io/rows.h): the same cells,
 * the same formula guard and the same nulls as every other output. A page
 * is written to the answer's body; a complete download (limit
 * OB_HTTP_ALL_ROWS) to a temporary file, a buffer's worth at a time, sent
 * from there once whole. */
void ob_http_table_begin(struct ob_http_table *t, struct ob_http_call *c,
                         const char *const *cols, size_t ncols, long long total,
                         long long limit, long long offset)
{
	const char *fmt = ob_http_str(c, "format");
	struct ob_buf link = OB_BUF_INIT(OB_HTTP_MAX_URI * 5);
	struct ob_buf *b = &c->res->body;
	bool all = limit >= OB_HTTP_ALL_ROWS, more = !all && offset + limit < total;
	bool csv = fmt && !strcmp(fmt, "csv");
	ob_err e = OB_OK;

	memset(t, 0, sizeof(*t));
	t->c = c;
	t->col = ob_calloc(ncols ? ncols : 1, sizeof(*t->col));
	for (size_t i = 0; i < ncols; i++)
		t->col[i].name = cols[i];
	c->res->status = 200;
	ob_buf_reset(b);
	if (more) {
		/* the link is rebuilt from decoded values: at most 3 bytes each
		 * once encoded, so it fits; if not, refuse rather than cut it */
		next_link(c, offset + limit, &link, &t->failed);
		if (!t->failed && !ob_http_header_add(c->res, "Link", "<%s>; rel=\"next\"", link.ptr))
			t->failed = true;
	}
	if (!ob_http_header_add(c->res, "X-Total-Count", "%lld", total))
		t->failed = true;
	c->res->content_type = csv ? "text/csv; charset=utf-8; header=present"
	                           : "application/json; charset=utf-8";
	if (all) {
		struct ob_buf name = OB_BUF_INIT(OB_MAX_NAME * 4), disp = OB_BUF_INIT(OB_MAX_NAME * 12);
		const char *last = c->target.nseg ? c->target.seg[c->target.nseg - 1] : "data";

		if (ob_buf_addf(&name, "%s.%s", last, csv ? "csv" : "json") || !name.ptr ||
		    ob_http_disposition(&disp, name.ptr) || !disp.ptr ||
		    !ob_http_header_add(c->res, "Content-Disposition", "%s", disp.ptr))
			t->failed = true;
		ob_buf_release(&name);
		ob_buf_release(&disp);
		if (!(t->spool = tmpfile()))
			t->spool_failed = true;
		else if (!csv && fprintf(t->spool, "{\"total\":%lld,\"limit\":null,\"offset\":%lld,"
		                         "\"next\":null,\"truncated\":false,\"data\":", total,
		                         offset) < 0)
			t->spool_failed = true;
	} else if (!csv) {
		e |= ob_buf_addf(b, "{\"total\":%lld,\"limit\":%lld,\"offset\":%lld,\"next\":",
		                 total, limit, offset);
		if (more && link.ptr)
			e |= ob_json_str(b, link.ptr, link.len);
		else
			e |= ob_buf_adds(b, "null");
		/* a page that does not hold every row says so in the body too */
		e |= ob_buf_addf(b, ",\"truncated\":%s,\"data\":", more ? "true" : "false");
	}
	if (e)
		t->failed = true;
	if (t->spool)
		ob_rows_begin(&t->w, csv ? OB_ROWS_CSV : OB_ROWS_JSON, NULL, t->spool, t->col, ncols);
	else
		ob_rows_begin(&t->w, csv ? OB_ROWS_CSV : OB_ROWS_JSON, b, NULL, t->col, ncols);
	ob_buf_release(&link);
}

void ob_http_table_str(struct ob_http_table *t, const char *s)
{
	ob_rows_str(&t->w, s);
}

void ob_http_table_int(struct ob_http_table *t, long long v)
{
	ob_rows_int(&t->w, v);
}

void ob_http_table_num(struct ob_http_table *t, double v)
{
	ob_rows_num(&t->w, v, NULL);
}

void ob_http_table_numtext(struct ob_http_table *t, const char *s)
{
	ob_rows_numtext(&t->w, s);
}

void ob_http_table_value(struct ob_http_table *t, const struct ob_store_value *v)
{
	switch (v->type) {
	case OB_STORE_INT:
		ob_http_table_int(t, v->i);
		break;
	case OB_STORE_REAL:
		ob_http_table_num(t, v->r);
		break;
	case OB_STORE_NULL:
		ob_http_table_str(t, NULL);
		break;
	default:
		ob_http_table_str(t, v->text);
	}
}

int ob_http_table_row(void *arg, const struct ob_store_value *v, size_t n)
{
	struct ob_http_table *t = arg;

	for (size_t i = 0; i < n; i++)
		ob_http_table_value(t, &v[i]);
	ob_http_table_end_row(t);
	return 0;
}

void ob_http_table_end_row(struct ob_http_table *t)
{
	ob_rows_end_row(&t->w);
	/* a download stops at its size limit, checked now and then */
	if (t->spool && t->w.nrows % 1024 == 0 && ftello(t->spool) > OB_HTTP_MAX_DOWNLOAD)
		t->w.failed = true;
}

void ob_http_table_abandon(struct ob_http_table *t)
{
	(void)ob_rows_end(&t->w);
	free(t->col);
	t->col = NULL;
	if (t->spool)
		fclose(t->spool);
	t->spool = NULL;
}

/* A download written whole to its file: send it from there. */
static void send_spool(struct ob_http_table *t)
{
	struct ob_http_response *res = t->c->res;
	off_t size;
	int fd;

	if (t->w.fmt == OB_ROWS_JSON && fputs("}\n", t->spool) < 0)
		t->spool_failed = true;
	if (fflush(t->spool) || ferror(t->spool) || (size = ftello(t->spool)) < 0 ||
	    (fd = dup(fileno(t->spool))) < 0) {
		t->spool_failed = true;
		return;
	}
	ob_buf_reset(&res->body);
	res->fd = fd;
	res->fd_offset = 0;
	res->fd_size = (uint64_t)size;
}

void ob_http_table_end(struct ob_http_table *t)
{
	bool json = t->w.fmt == OB_ROWS_JSON, spooled = t->spool || t->spool_failed;
	ob_err e = ob_rows_end(&t->w);

	if (e == OB_EIO)
		t->spool_failed = true;
	else if (e)
		t->failed = true;
	if (t->spool && !t->failed && !t->spool_failed)
		send_spool(t);
	else if (json && !t->failed && !t->spool && (ob_buf_adds(&t->c->res->body, "}\n")))
		t->failed = true;
	free(t->col);
	t->col = NULL;
	if (t->spool)
		fclose(t->spool);
	t->spool = NULL;
	if (t->spool_failed) {
		OB_ERROR("API: no se pudo escribir una descarga en un archivo temporal",
		         "API: a download could not be written to a temporary file");
		ob_http_fail(t->c->res, 500, "download_failed", NULL,
		             "No se pudo preparar la descarga (archivo temporal); inténtelo de nuevo "
		             "o pida páginas con limit y offset.",
		             "The download could not be prepared (temporary file); try again or ask "
		             "for pages with limit and offset.");
	} else if (t->failed && spooled) {
		char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
		snprintf(es, sizeof(es), "La descarga pasaría de %lld bytes, el límite de este "
		         "servidor; pídala por partes con limit y offset, o con un filtro.",
		         (long long)OB_HTTP_MAX_DOWNLOAD);
		snprintf(en, sizeof(en), "The download would exceed %lld bytes, this server's "
		         "limit; ask for it in parts with limit and offset, or with a filter.",
		         (long long)OB_HTTP_MAX_DOWNLOAD);
		ob_http_fail(t->c->res, 413, "response_too_large", NULL, es, en);
	} else if (t->failed) {
		/* a page too large for the response buffer is refused whole, never cut */
		ob_http_fail_too_large(t->c);
	}
}
