/* test_handlers.c - the API without sockets: routes, paging, errors, roles,
 * audit of record-level reads, releases and login. */
#include "test.h"

#include <jansson.h>
#include <limits.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "engine/snaphold.h"
#include "http/http.h"
#include "store/audit.h"
/* raw SQL (store_sql.h): triggers that make the audit log fail, to test the answer to a fault. */
#include "store_sql.h"

static struct ob_store *store;
static const char *dir;
static struct ob_http_ctx ctx;
static char tok_analyst[OB_TOKEN_SIZE], tok_steward[OB_TOKEN_SIZE], tok_admin[OB_TOKEN_SIZE],
	tok_submitter[OB_TOKEN_SIZE];
static const long long NOW = 1700000000;

static int setup(void **state)
{
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_auth_init(), OB_OK);
	dir = http_fixture_open(&store);
	ctx.store = store;
	ctx.dir = dir;
	ctx.rl = ob_ratelimit_new();
	ctx.snaps = ob_snaphold_new();
	if (ob_user_add(store, "ana", OB_ROLE_STEWARD, NULL, "una clave muy larga", 19, "t", &d) ||
	    ob_user_add(store, "bob", OB_ROLE_ANALYST, NULL, NULL, 0, "t", &d) ||
	    ob_user_add(store, "root", OB_ROLE_ADMIN, NULL, NULL, 0, "t", &d) ||
	    ob_user_add(store, "pnc", OB_ROLE_SUBMITTER, "sv-pnc", NULL, 0, "t", &d) ||
	    ob_user_add(store, "eva", OB_ROLE_ANALYST, NULL, "otra clave muy larga", 20, "t", &d) ||
	    ob_user_token(store, "ana", NULL, 0, NOW, "t", tok_steward, &d) ||
	    ob_user_token(store, "bob", NULL, 0, NOW, "t", tok_analyst, &d) ||
	    ob_user_token(store, "root", NULL, 0, NOW, "t", tok_admin, &d) ||
	    ob_user_token(store, "pnc", NULL, 0, NOW, "t", tok_submitter, &d))
		fail_msg("setup: %s", d.message);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_ratelimit_free(ctx.rl);
	ob_snaphold_free(ctx.snaps);
	http_fixture_remove(store, dir);
	return 0;
}

/* One request; the response must be released by the caller. Checks what
 * every response must have. */
/* The client's address of the requests made by call(). */
static const char *remote = "192.0.2.10";

/* Range and If-None-Match of the next call (then forgotten). */
static const char *next_range, *next_inm;

static void call(const char *method, const char *target, const char *token,
                 const char *ctype, const char *body, struct ob_http_response *res)
{
	struct ob_http_request req = { 0 };
	char auth[128];

	req.method = method;
	req.target = target;
	req.range = next_range;
	req.if_none_match = next_inm;
	next_range = next_inm = NULL;
	if (token) {
		snprintf(auth, sizeof(auth), "Bearer %s", token);
		req.authorization = auth;
	}
	req.content_type = ctype;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	req.remote = remote;
	req.now = NOW;
	ob_http_response_init(res);
	ob_http_handle(&ctx, &req, res);
	assert_string_equal(ob_http_header_get(res, "X-Content-Type-Options"), "nosniff");
	assert_string_equal(ob_http_header_get(res, "X-Frame-Options"), "DENY");
	assert_non_null(ob_http_header_get(res, "Content-Security-Policy"));
	assert_non_null(ob_http_header_get(res, "Cache-Control"));
	if (res->status >= 400 || token)
		assert_string_equal(ob_http_header_get(res, "Cache-Control"), "no-store");
}

/* The body as JSON (must parse). */
static json_t *body_json(const struct ob_http_response *res)
{
	json_error_t err;
	json_t *j;

	assert_true(res->fd < 0);
	j = json_loadb(res->body.ptr ? res->body.ptr : "", res->body.len, 0, &err);
	if (!j)
		fail_msg("not JSON (%s): %.*s", err.text, (int)res->body.len, res->body.ptr);
	return j;
}

/* An error response: JSON with status, code and both messages. */
static void expect_error(const char *method, const char *target, const char *token,
                         int status, const char *code)
{
	struct ob_http_response res;
	json_t *j, *e;

	call(method, target, token, NULL, NULL, &res);
	if (res.status != status)
		fail_msg("%s %s: status %d, expected %d: %.*s", method, target, res.status, status,
		         (int)res.body.len, res.body.ptr);
	assert_non_null(strstr(res.content_type, "application/json"));
	j = body_json(&res);
	e = json_object_get(j, "error");
	assert_true(json_is_object(e));
	assert_int_equal(json_integer_value(json_object_get(e, "status")), status);
	if (code)
		assert_string_equal(json_string_value(json_object_get(e, "code")), code);
	assert_true(strlen(json_string_value(json_object_get(e, "message"))) > 10);
	assert_true(strlen(json_string_value(json_object_get(e, "message_en"))) > 10);
	json_decref(j);
	ob_http_response_release(&res);
}

static void openapi_lists_every_route(void **state)
{
	struct ob_http_response res;
	json_t *doc, *paths;
	size_t ops = 0;
	const char *key;
	json_t *val;
	(void)state;

	call("GET", "/api/v1/openapi.json", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	doc = body_json(&res);
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
	assert_non_null(json_object_get(json_object_get(doc, "info"), "license"));
	assert_true(json_array_size(json_object_get(doc, "servers")) > 0);
	paths = json_object_get(doc, "paths");
	assert_true(json_is_object(paths));
	for (size_t i = 0; i < ob_http_nroutes; i++) {
		const struct ob_http_route *r = &ob_http_routes[i];
		char path[256], method[8];
		size_t o = 0, k;
		json_t *op, *params;
		bool secured;

		for (const char *p = r->pattern; *p; p++)
			if (!(*p == '*' && p[1] == '}'))
				path[o++] = *p;
		path[o] = '\0';
		for (k = 0; r->method[k]; k++)
			method[k] = (char)(r->method[k] | 0x20);
		method[k] = '\0';
		op = json_object_get(json_object_get(paths, path), method);
		if (!json_is_object(op))
			fail_msg("%s %s is not in openapi.json", r->method, path);
		assert_string_equal(json_string_value(json_object_get(op, "summary")), r->summary_en);
		params = json_object_get(op, "parameters");
		assert_int_equal(json_array_size(params), r->nparams);
		for (k = 0; k < r->nparams; k++)
			assert_string_equal(json_string_value(json_object_get(json_array_get(params, k),
			                                                      "name")),
			                    r->params[k].name);
		/* security on every operation: [] when none is needed */
		assert_true(json_is_array(json_object_get(op, "security")));
		secured = json_array_size(json_object_get(op, "security")) > 0;
		assert_int_equal(secured, r->role != OB_ROLE_PUBLIC || r->authenticated);
		/* a schema for the answer of every operation but the file's and
		 * the photograph's (bytes) */
		{
			json_t *resp = json_object_get(op, "responses");
			json_t *ok = json_object_get(resp, "200");
			json_t *js = json_object_get(json_object_get(ok, "content"), "application/json");
			if (strcmp(r->pattern, "/api/v1/releases/{path*}") &&
			    strcmp(r->pattern, "/api/v1/missing/{id}/photo")) {
				const char *ref = json_string_value(json_object_get(json_object_get(js,
				                                                            "schema"), "$ref"));
				if (!ref || strncmp(ref, "#/components/schemas/", 21) ||
				    !json_is_object(json_object_get(json_object_get(json_object_get(doc,
				                    "components"), "schemas"), ref + 21)))
					fail_msg("%s %s: no response schema", r->method, path);
			}
			assert_non_null(json_object_get(resp, "503"));
			if (secured)
				assert_non_null(json_object_get(resp, "401"));
		}
		assert_string_equal(json_string_value(json_object_get(op, "x-role")),
		                    ob_role_name(r->role));
	}
	json_object_foreach(paths, key, val)
		ops += json_object_size(val);
	assert_int_equal(ops, ob_http_nroutes);
	json_decref(doc);
	ob_http_response_release(&res);
}

static void health(void **state)
{
	struct ob_http_response res;
	json_t *j;
	(void)state;

	call("GET", "/api/v1/health", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(ob_http_header_get(&res, "Cache-Control"), "public, max-age=60");
	j = body_json(&res);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
	assert_int_equal(json_integer_value(json_object_get(j, "schema")), ob_store_schema_version());
	assert_string_equal(json_string_value(json_object_get(j, "time")), "2023-11-14T22:13:20Z");
	json_decref(j);
	ob_http_response_release(&res);
	/* HEAD answers like GET */
	call("HEAD", "/api/v1/health", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	ob_http_response_release(&res);
}

/* Following the next links visits every row once; the total is the store's. */
static void paging(void **state)
{
	static const struct {
		const char *first;
		const char *count_sql;
		const char *key;
	} cases[] = {
		{ "/api/v1/territories?country=slv&limit=37", "SELECT count(*) FROM territory WHERE"
		  " country = 'SLV'", "code" },
		{ "/api/v1/territories?level=1", "SELECT count(*) FROM territory WHERE level = 1",
		  "code" },
		{ "/api/v1/territories?parent=SLV06&limit=5", "SELECT count(*) FROM territory WHERE"
		  " parent = 'SLV06'", "code" },
		{ "/api/v1/catalog/iccs?limit=1000", "SELECT count(*) FROM iccs", "code" },
		{ "/api/v1/catalog/iccs?limit=7&level=2", "SELECT count(*) FROM iccs WHERE level = 2",
		  "code" },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		long long want = http_fixture_count(store, cases[i].count_sql), seen = 0;
		char *next = ob_strdup(cases[i].first);
		json_t *keys = json_object();
		int pages = 0;

		assert_true(want > 0);
		while (next) {
			struct ob_http_response res;
			json_t *j, *data, *row, *jn;
			const char *link;
			size_t k;

			call("GET", next, NULL, NULL, NULL, &res);
			if (res.status != 200)
				fail_msg("%s: %d %.*s", next, res.status, (int)res.body.len, res.body.ptr);
			j = body_json(&res);
			assert_int_equal(json_integer_value(json_object_get(j, "total")), want);
			{
				const char *h = ob_http_header_get(&res, "X-Total-Count");
				long long x = -1;
				assert_true(ob_parse_int(h, strlen(h), 0, LLONG_MAX, &x));
				assert_int_equal(x, want);
			}
			data = json_object_get(j, "data");
			json_array_foreach(data, k, row) {
				const char *key = json_string_value(json_object_get(row, cases[i].key));
				assert_null(json_object_get(keys, key)); /* no row twice */
				json_object_set_new(keys, key, json_true());
				seen++;
			}
			jn = json_object_get(j, "next");
			link = ob_http_header_get(&res, "Link");
			free(next);
			next = NULL;
			if (json_is_string(jn)) {
				char want_link[1024];
				next = ob_strdup(json_string_value(jn));
				snprintf(want_link, sizeof(want_link), "<%s>; rel=\"next\"", next);
				assert_string_equal(link, want_link);
				/* a full page when there is a next one */
				assert_int_equal(json_array_size(data),
				                 json_integer_value(json_object_get(j, "limit")));
			} else {
				assert_true(json_is_null(jn));
				assert_null(link);
			}
			json_decref(j);
			ob_http_response_release(&res);
			assert_true(++pages < 1000);
		}
		assert_int_equal(seen, want);
		json_decref(keys);
	}
}

static void csv_format(void **state)
{
	struct ob_http_response res;
	size_t lines = 0;
	(void)state;

	/* a page, when a limit is asked for */
	call("GET", "/api/v1/territories?country=SLV&level=1&format=csv&limit=5", NULL, NULL, NULL,
	     &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.content_type, "text/csv; charset=utf-8; header=present");
	for (size_t i = 0; i < res.body.len; i++)
		lines += res.body.ptr[i] == '\n';
	assert_int_equal(lines, 6);
	assert_memory_equal(res.body.ptr, "code,level,country,parent,name,", 31);
	assert_non_null(ob_http_header_get(&res, "Link"));
	assert_null(ob_http_header_get(&res, "Content-Disposition"));
	ob_http_response_release(&res);
}

/* The whole of an answer sent from a file, NUL-terminated (owned). */
static char *file_body(const struct ob_http_response *res)
{
	char *p = ob_malloc((size_t)res->fd_size + 1);

	assert_true(res->fd >= 0);
	assert_int_equal(pread(res->fd, p, (size_t)res->fd_size, (off_t)res->fd_offset),
	                 (ssize_t)res->fd_size);
	p[res->fd_size] = '\0';
	return p;
}

/* format=csv without limit, or download=1, is every row, with no cap, sent
 * as an attachment from a file; a JSON page says when it is not all. */
static void complete_downloads(void **state)
{
	struct ob_http_response res;
	long long total = http_fixture_count(store, "SELECT count(*) FROM territory");
	size_t lines = 0;
	char *p;
	json_t *j;
	(void)state;

	assert_true(total > OB_HTTP_PAGE_MAX / 1000); /* rows to speak of */
	call("GET", "/api/v1/territories?format=csv", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.content_type, "text/csv; charset=utf-8; header=present");
	assert_string_equal(ob_http_header_get(&res, "Content-Disposition"),
	                    "attachment; filename=\"territories.csv\"; "
	                    "filename*=UTF-8''territories.csv");
	assert_null(ob_http_header_get(&res, "Link"));
	p = file_body(&res);
	for (char *q = p; *q; q++)
		lines += *q == '\n';
	assert_int_equal(lines, total + 1);
	free(p);
	ob_http_response_release(&res);

	/* JSON: the same envelope, every row, not truncated */
	call("GET", "/api/v1/territories?download=1&offset=1", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	p = file_body(&res);
	j = json_loads(p, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), total);
	assert_true(json_is_null(json_object_get(j, "limit")));
	assert_true(json_is_false(json_object_get(j, "truncated")));
	assert_int_equal(json_array_size(json_object_get(j, "data")), total - 1);
	json_decref(j);
	free(p);
	ob_http_response_release(&res);

	/* a page: truncated says so */
	call("GET", "/api/v1/territories?limit=2", NULL, NULL, NULL, &res);
	j = body_json(&res);
	assert_true(json_is_true(json_object_get(j, "truncated")));
	assert_true(json_is_string(json_object_get(j, "next")));
	json_decref(j);
	ob_http_response_release(&res);

	/* the limit's bound is in the message, with the way to every row */
	call("GET", "/api/v1/territories?limit=5000", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 400);
	assert_non_null(strstr(res.body.ptr, "from 1 to 1000"));
	assert_non_null(strstr(res.body.ptr, "download=1"));
	ob_http_response_release(&res);
}

/* CORS: public routes asked without credentials only; a preflight. */
static void cors(void **state)
{
	struct ob_http_response res;
	(void)state;

	call("GET", "/api/v1/territories?limit=1", NULL, NULL, NULL, &res);
	assert_string_equal(ob_http_header_get(&res, "Access-Control-Allow-Origin"), "*");
	assert_non_null(strstr(ob_http_header_get(&res, "Access-Control-Expose-Headers"), "Link"));
	ob_http_response_release(&res);
	call("GET", "/api/v1/territories?limit=1", tok_analyst, NULL, NULL, &res);
	assert_null(ob_http_header_get(&res, "Access-Control-Allow-Origin"));
	ob_http_response_release(&res);
	call("GET", "/api/v1/logbook", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 401);
	assert_null(ob_http_header_get(&res, "Access-Control-Allow-Origin"));
	ob_http_response_release(&res);

	call("OPTIONS", "/api/v1/releases/2024/homicidios.csv", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 204);
	assert_int_equal(res.body.len, 0);
	assert_string_equal(ob_http_header_get(&res, "Access-Control-Allow-Origin"), "*");
	assert_string_equal(ob_http_header_get(&res, "Access-Control-Allow-Methods"),
	                    "GET, HEAD, OPTIONS");
	ob_http_response_release(&res);
	/* no preflight for restricted routes: they are not for other origins */
	call("OPTIONS", "/api/v1/logbook", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 405);
	assert_null(ob_http_header_get(&res, "Access-Control-Allow-Origin"));
	ob_http_response_release(&res);
}

static void territory_detail(void **state)
{
	struct ob_http_response res;
	json_t *j;
	(void)state;

	call("GET", "/api/v1/territories/slv06", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	j = body_json(&res);
	assert_string_equal(json_string_value(json_object_get(j, "code")), "SLV06");
	assert_int_equal(json_integer_value(json_object_get(j, "level")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "children")),
	                 http_fixture_count(store, "SELECT count(*) FROM territory"
	                                           " WHERE parent = 'SLV06'"));
	assert_true(json_is_array(json_object_get(j, "population")));
	assert_true(json_is_array(json_object_get(j, "aliases")));
	json_decref(j);
	ob_http_response_release(&res);
}

static void errors(void **state)
{
	static const struct {
		const char *method, *target;
		int token; /* 0 none, 1 garbage, 2 analyst, 3 steward, 4 submitter, 5 Basic */
		int status;
		const char *code;
	} cases[] = {
		{ "GET", "/api/v1/territories?limit=0", 0, 400, "bad_parameter" },
		{ "GET", "/api/v1/territories?limit=1001", 0, 400, "bad_parameter" },
		{ "GET", "/api/v1/territories?limit=abc", 0, 400, "bad_parameter" },
		{ "GET", "/api/v1/territories?limit=%2010", 0, 400, "bad_parameter" },
		{ "GET", "/api/v1/territories?offset=-1", 0, 400, "bad_parameter" },
		{ "GET", "/api/v1/territories?level=9", 0, 400, "bad_parameter" },
		{ "GET", "/api/v1/territories?format=xml", 0, 400, "bad_parameter" },
		{ "GET", "/api/v1/territories?foo=1", 0, 400, "unknown_parameter" },
		{ "GET", "/api/v1/territories?limit=1&limit=2", 0, 400, "bad_request" },
		{ "GET", "/api/v1/territories?country=%FF", 0, 400, "bad_request" },
		{ "GET", "/api/v1/territories/NOPE", 0, 404, "not_found" },
		{ "GET", "/api/v1/territories/SLV06/extra", 0, 404, "not_found" },
		{ "GET", "/api/v1/nothing", 0, 404, "not_found" },
		{ "GET", "/api/", 0, 404, "not_found" },
		{ "GET", "api/v1/health", 0, 400, "bad_request" },
		{ "POST", "/api/v1/territories", 0, 405, "method_not_allowed" },
		{ "DELETE", "/api/v1/health", 0, 405, "method_not_allowed" },
		{ "GET", "/api/v1/login", 0, 405, "method_not_allowed" },
		{ "GET", "/api/v1/logbook", 0, 401, "unauthorized" },
		{ "GET", "/api/v1/quarantine", 0, 401, "unauthorized" },
		{ "GET", "/api/v1/me", 0, 401, "unauthorized" },
		{ "POST", "/api/v1/logout", 0, 401, "unauthorized" },
		{ "GET", "/api/v1/health", 1, 401, "invalid_token" },
		{ "GET", "/api/v1/logbook", 5, 401, "bad_authorization" },
		{ "GET", "/api/v1/logbook", 2, 403, "forbidden" },
		{ "GET", "/api/v1/quarantine", 2, 403, "forbidden" },
		{ "GET", "/api/v1/quarantine", 4, 403, "forbidden" },
		{ "GET", "/api/v1/quarantine?submission=0", 3, 400, "bad_parameter" },
		/* traversal and what is not published */
		{ "GET", "/api/v1/releases/../observa.db", 0, 400, "bad_request" },
		{ "GET", "/api/v1/releases/%2e%2e/observa.db", 0, 400, "bad_request" },
		{ "GET", "/api/v1/releases/2024%2F..%2F..%2Fobserva.db", 0, 400, "bad_request" },
		{ "GET", "/api/v1/releases/..%5Cobserva.db", 0, 400, "bad_request" },
		{ "GET", "/api/v1/releases/%00", 0, 400, "bad_request" },
		{ "GET", "/api/v1/releases/almacen.db", 0, 404, "not_found" },
		{ "GET", "/api/v1/releases/todo/observa.db", 0, 404, "not_found" },
		{ "GET", "/api/v1/releases/.borrador.csv", 0, 404, "not_found" },
		{ "GET", "/api/v1/releases/2024", 0, 404, "not_found" },
		{ "GET", "/api/v1/releases/2024/nada.csv", 0, 404, "not_found" },
		{ "GET", "/api/v1/releases/LEAME.txt/x", 0, 404, "not_found" },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		const char *tok = NULL;
		switch (cases[i].token) {
		case 1: tok = "obs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"; break;
		case 2: tok = tok_analyst; break;
		case 3: tok = tok_steward; break;
		case 4: tok = tok_submitter; break;
		}
		if (cases[i].token == 5) {
			struct ob_http_request req = { "GET", cases[i].target, "Basic YW5hOng=", NULL,
				                       "192.0.2.1", NULL, 0, NOW };
			struct ob_http_response res;
			ob_http_response_init(&res);
			ob_http_handle(&ctx, &req, &res);
			assert_int_equal(res.status, cases[i].status);
			assert_non_null(ob_http_header_get(&res, "WWW-Authenticate"));
			ob_http_response_release(&res);
			continue;
		}
		expect_error(cases[i].method, cases[i].target, tok, cases[i].status, cases[i].code);
	}
	{
		/* outside /api/ is the portal: its root sends to the Spanish home */
		struct ob_http_response res;
		call("GET", "/", NULL, NULL, NULL, &res);
		assert_int_equal(res.status, 303);
		assert_string_equal(ob_http_header_get(&res, "Location"), "/es/");
		ob_http_response_release(&res);
	}
	{
		struct ob_http_response res;
		call("POST", "/api/v1/territories", NULL, NULL, NULL, &res);
		assert_string_equal(ob_http_header_get(&res, "Allow"), "GET, HEAD");
		ob_http_response_release(&res);
		call("GET", "/api/v1/logbook", NULL, NULL, NULL, &res);
		assert_non_null(ob_http_header_get(&res, "WWW-Authenticate"));
		ob_http_response_release(&res);
	}
}

static long long audit_reads(void)
{
	return http_fixture_count(store, "SELECT count(*) FROM audit WHERE action = 'read'");
}

static void roles_and_audit(void **state)
{
	struct ob_http_response res;
	long long before;
	json_t *j;
	(void)state;

	/* the steward and the admin see the logbook (row counts without
	 * disclosure control): each read is audited */
	before = audit_reads();
	call("GET", "/api/v1/logbook", tok_steward, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	j = body_json(&res);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
	json_decref(j);
	ob_http_response_release(&res);
	call("GET", "/api/v1/logbook?source=sv-pnc&format=csv", tok_admin, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	ob_http_response_release(&res);
	assert_int_equal(audit_reads(), before + 2);
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM audit WHERE action = 'read'"
	                                           " AND object = 'submission' AND detail LIKE"
	                                           " '{\"records\":1,\"query\":\"source=sv-pnc%'"),
	                 1);
	before = audit_reads();

	/* quarantine is record-level: every read is audited, by whom */
	call("GET", "/api/v1/quarantine?source=sv-pnc", tok_steward, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body.ptr, FIXTURE_VICTIM));
	ob_http_response_release(&res);
	assert_int_equal(audit_reads(), before + 1);
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM audit WHERE action = 'read'"
	                                           " AND actor = 'ana' AND object = 'quarantine'"
	                                           " AND detail LIKE '{\"records\":1,%'"
	                                           " AND detail LIKE '%\"role\":\"steward\"%'"
	                                           " AND detail LIKE '%http 192.0.2.10%'"), 1);
	call("GET", "/api/v1/quarantine?limit=1&offset=5", tok_admin, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	ob_http_response_release(&res);
	assert_int_equal(audit_reads(), before + 2);

	/* who am I */
	call("GET", "/api/v1/me", tok_submitter, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	j = body_json(&res);
	assert_string_equal(json_string_value(json_object_get(j, "role")), "submitter");
	assert_string_equal(json_string_value(json_object_get(j, "source")), "sv-pnc");
	json_decref(j);
	ob_http_response_release(&res);

	/* no audit, no data */
	{
		struct ob_diag d;
		assert_int_equal(ob_store_exec(store, "CREATE TRIGGER audit_broken BEFORE INSERT ON"
		                                      " audit BEGIN SELECT RAISE(ABORT, 'disk full');"
		                                      " END", &d), OB_OK);
		call("GET", "/api/v1/quarantine", tok_steward, NULL, NULL, &res);
		assert_int_equal(res.status, 500);
		assert_null(strstr(res.body.ptr, FIXTURE_VICTIM));
		assert_null(strstr(res.body.ptr, "31/02/2020"));
		ob_http_response_release(&res);
		assert_int_equal(ob_store_exec(store, "DROP TRIGGER audit_broken", &d), OB_OK);
	}
	{
		struct ob_audit_report rep;
		struct ob_diag d;
		assert_int_equal(ob_audit_verify(store, 0, NULL, NULL, NULL, &rep, &d), OB_OK);
		assert_int_equal(rep.problems, 0);
	}
}

/* Every public GET route, with sample path values, says nothing of the
 * protected name; nor do the listings' pages. */
static void public_routes_hide_names(void **state)
{
	(void)state;

	for (size_t i = 0; i < ob_http_nroutes; i++) {
		const struct ob_http_route *r = &ob_http_routes[i];
		static const char *const samples[] = { "SLV0614", "SLV06", "2024/homicidios.csv",
			                               "LEAME.txt" };
		char target[256];

		if (r->role != OB_ROLE_PUBLIC || r->authenticated || strcmp(r->method, "GET"))
			continue;
		for (size_t k = 0; k < OB_ARRAY_SIZE(samples); k++) {
			struct ob_http_response res;
			const char *brace = strchr(r->pattern, '{');
			char content[4096];
			size_t n = 0;

			bool int_path = false;

			for (size_t q = 0; q < r->nparams; q++)
				int_path |= !strcmp(r->params[q].in, "path") &&
				            r->params[q].type == OB_HTTP_INTEGER;
			if (brace && int_path) {
				/* a number: the first records' */
				if (k > 1)
					continue;
				snprintf(target, sizeof(target), "%.*s%zu", (int)(brace - r->pattern),
				         r->pattern, k + 1);
			} else if (brace)
				snprintf(target, sizeof(target), "%.*s%s", (int)(brace - r->pattern),
				         r->pattern, samples[k]);
			else if (k == 0)
				snprintf(target, sizeof(target), "%s", r->pattern);
			else
				continue;
			/* required query parameters get a sample value too */
			for (size_t q = 0; q < r->nparams; q++) {
				const struct ob_http_pspec *ps = &r->params[q];
				size_t len = strlen(target);
				if (!ps->required || strcmp(ps->in, "query"))
					continue;
				snprintf(target + len, sizeof(target) - len, "%c%s=%s",
				         strchr(target, '?') ? '&' : '?', ps->name,
				         !strcmp(ps->name, "preset") ? "sv-municipal"
				         : ps->type == OB_HTTP_INTEGER ? "2020" : "SLV");
			}
			call("GET", target, NULL, NULL, NULL, &res);
			if (res.fd >= 0) {
				ssize_t got = pread(res.fd, content, sizeof(content) - 1, 0);
				n = got > 0 ? (size_t)got : 0;
			}
			content[n] = '\0';
			if (res.status != 200 && res.status != 404)
				fail_msg("%s: %d %.*s", target, res.status, (int)res.body.len, res.body.ptr);
			if (res.body.ptr)
				assert_null(strcasestr(res.body.ptr, FIXTURE_VICTIM));
			assert_null(strcasestr(content, FIXTURE_VICTIM));
			ob_http_response_release(&res);
		}
	}
}

static void releases(void **state)
{
	struct ob_http_response res;
	json_t *j, *data;
	char buf[128], etag[80];
	ssize_t n;
	(void)state;

	call("GET", "/api/v1/releases", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	j = body_json(&res);
	data = json_object_get(j, "data");
	assert_int_equal(json_array_size(data), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(data, 0), "path")),
	                    "2024/homicidios.csv");
	assert_string_equal(json_string_value(json_object_get(json_array_get(data, 0), "url")),
	                    "/api/v1/releases/2024/homicidios.csv");
	assert_string_equal(json_string_value(json_object_get(json_array_get(data, 1), "path")),
	                    "LEAME.txt");
	json_decref(j);
	ob_http_response_release(&res);

	call("GET", "/api/v1/releases/2024/homicidios.csv", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	assert_true(res.fd >= 0);
	assert_int_equal(res.fd_size, 34);
	assert_string_equal(res.content_type, "text/csv; charset=utf-8; header=present");
	n = pread(res.fd, buf, sizeof(buf), 0);
	assert_int_equal(n, 34);
	assert_memory_equal(buf, "pais,anio,homicidios\nSLV,2024,114\n", 34);
	assert_string_equal(ob_http_header_get(&res, "Content-Disposition"),
	                    "attachment; filename=\"homicidios.csv\"; "
	                    "filename*=UTF-8''homicidios.csv");
	assert_string_equal(ob_http_header_get(&res, "Accept-Ranges"), "bytes");
	snprintf(etag, sizeof(etag), "%s", ob_http_header_get(&res, "ETag"));
	assert_true(etag[0] == '"');
	ob_http_response_release(&res);
	assert_int_equal(res.fd, -1);

	/* the path as standard clients encode it */
	call("GET", "/api/v1/releases/2024%2Fhomicidios.csv", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(res.fd_size, 34);
	ob_http_response_release(&res);

	/* the client holds it: 304, no body */
	next_inm = etag;
	call("GET", "/api/v1/releases/2024/homicidios.csv", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 304);
	assert_true(res.fd < 0);
	assert_int_equal(res.body.len, 0);
	assert_string_equal(ob_http_header_get(&res, "ETag"), etag);
	ob_http_response_release(&res);
	next_inm = "\"otra\"";
	call("GET", "/api/v1/releases/2024/homicidios.csv", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	ob_http_response_release(&res);

	/* one range: 206 with Content-Range; past the end: 416 */
	next_range = "bytes=21-";
	call("GET", "/api/v1/releases/2024/homicidios.csv", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 206);
	assert_int_equal(res.fd_offset, 21);
	assert_int_equal(res.fd_size, 13);
	assert_string_equal(ob_http_header_get(&res, "Content-Range"), "bytes 21-33/34");
	n = pread(res.fd, buf, (size_t)res.fd_size, (off_t)res.fd_offset);
	assert_memory_equal(buf, "SLV,2024,114\n", 13);
	ob_http_response_release(&res);
	next_range = "bytes=34-40";
	call("GET", "/api/v1/releases/2024/homicidios.csv", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 416);
	assert_true(res.fd < 0);
	assert_string_equal(ob_http_header_get(&res, "Content-Range"), "bytes */34");
	ob_http_response_release(&res);
}

static void login(void **state)
{
	static const char good[] = "{\"user\":\"eva\",\"password\":\"otra clave muy larga\"}";
	static const char bad[] = "{\"user\":\"ana\",\"password\":\"no es esta\"}";
	struct ob_http_response res;
	char token[OB_TOKEN_SIZE];
	json_t *j;
	(void)state;

	call("POST", "/api/v1/login", NULL, "text/plain", good, &res);
	assert_int_equal(res.status, 415);
	ob_http_response_release(&res);
	call("POST", "/api/v1/login", NULL, "application/json", "{\"user\":", &res);
	assert_int_equal(res.status, 400);
	ob_http_response_release(&res);
	call("POST", "/api/v1/login", NULL, "application/json", "{\"user\":\"eva\"}", &res);
	assert_int_equal(res.status, 400);
	ob_http_response_release(&res);
	call("POST", "/api/v1/login", NULL, "application/json",
	     "{\"user\":\"eva\",\"user\":\"ana\",\"password\":\"x\"}", &res);
	assert_int_equal(res.status, 400);
	ob_http_response_release(&res);

	/* wrong passwords until the limit, then 429 from that address even for
	 * the right one; every refusal is in the audit log */
	for (int i = 0; i < OB_LOGIN_FREE_FAILS; i++) {
		call("POST", "/api/v1/login", NULL, "application/json", bad, &res);
		assert_int_equal(res.status, 401);
		ob_http_response_release(&res);
	}
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM audit WHERE action ="
	                                           " 'login.fail' AND object = 'ana' AND detail"
	                                           " LIKE '%192.0.2.10%'"), 1);
	call("POST", "/api/v1/login", NULL, "application/json",
	     "{\"user\":\"ana\",\"password\":\"una clave muy larga\"}", &res);
	assert_int_equal(res.status, 429);
	assert_non_null(ob_http_header_get(&res, "Retry-After"));
	ob_http_response_release(&res);
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM audit WHERE action ="
	                                           " 'login.throttled' AND object = 'ana'"), 1);
	/* the owner, from another address, is not locked out */
	remote = "198.51.100.20";
	call("POST", "/api/v1/login", NULL, "application/json",
	     "{\"user\":\"ana\",\"password\":\"una clave muy larga\"}", &res);
	assert_int_equal(res.status, 200);
	ob_http_response_release(&res);
	remote = "192.0.2.10";

	/* another user logs in, uses the session, logs out */
	call("POST", "/api/v1/login", NULL, "application/json; charset=utf-8", good, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(ob_http_header_get(&res, "Cache-Control"), "no-store");
	j = body_json(&res);
	ob_strlcpy(token, json_string_value(json_object_get(j, "token")), sizeof(token));
	assert_string_equal(json_string_value(json_object_get(j, "role")), "analyst");
	json_decref(j);
	ob_http_response_release(&res);
	call("GET", "/api/v1/me", token, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body.ptr, "\"session\":true"));
	ob_http_response_release(&res);
	call("POST", "/api/v1/logout", token, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	ob_http_response_release(&res);
	expect_error("GET", "/api/v1/me", token, 401, "invalid_token");
}

/* The rule on the API: the purpose the policy asks for, and no data when
 * the entry cannot be written. */
static void purpose_and_failed_audit(void **state)
{
	struct ob_http_response res;
	struct ob_diag d;
	long long before;
	(void)state;

	ob_diag_clear(&d);
	assert_int_equal(ob_audit_purpose_set(store, "steward", "t", &d), OB_OK);
	before = audit_reads();
	expect_error("GET", "/api/v1/quarantine", tok_steward, 400, "purpose_required");
	expect_error("GET", "/api/v1/quarantine?purpose=ab", tok_steward, 400,
	             "bad_parameter");
	expect_error("GET", "/api/v1/quarantine?purpose=+++", tok_steward, 400, "bad_parameter");
	assert_int_equal(audit_reads(), before);
	call("GET", "/api/v1/quarantine?purpose=depuraci%C3%B3n+del+env%C3%ADo+1", tok_steward, NULL,
	     NULL, &res);
	assert_int_equal(res.status, 200);
	ob_http_response_release(&res);
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM audit WHERE action = 'read'"
	                                           " AND detail LIKE"
	                                           " '%\"purpose\":\"depuración del envío 1\"%'"),
	                 1);
	/* the admin's role is not in the policy */
	call("GET", "/api/v1/quarantine", tok_admin, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	ob_http_response_release(&res);
	assert_int_equal(ob_audit_purpose_set(store, "none", "t", &d), OB_OK);

	/* an entry that cannot be written: an error, and no name in it */
	before = audit_reads();
	assert_int_equal(ob_store_exec(store, "CREATE TRIGGER audit_ro BEFORE INSERT ON audit BEGIN"
	                                      " SELECT RAISE(ABORT, 'solo lectura'); END", &d),
	                 OB_OK);
	call("GET", "/api/v1/quarantine", tok_steward, NULL, NULL, &res);
	assert_int_equal(res.status, 500);
	assert_non_null(strstr(res.body.ptr, "audit_failed"));
	assert_null(strstr(res.body.ptr, FIXTURE_VICTIM));
	ob_http_response_release(&res);
	assert_int_equal(ob_store_exec(store, "DROP TRIGGER audit_ro", &d), OB_OK);
	assert_int_equal(audit_reads(), before);
}

static void without_store(void **state)
{
	struct ob_http_ctx saved = ctx;
	struct ob_http_response res;
	(void)state;

	ctx.store = NULL;
	expect_error("GET", "/api/v1/health", NULL, 503, "unavailable");
	expect_error("GET", "/api/v1/logbook", tok_steward, 503, "unavailable");
	call("GET", "/api/v1/openapi.json", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	ob_http_response_release(&res);
	ctx = saved;
}


/* Write text as DIR/releases/VERSION/indicators.json. */
static void write_release(const char *version, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/releases/%s", dir, version);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/releases/%s/indicators.json", dir, version);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void remove_release(const char *version)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/releases/%s/indicators.json", dir, version);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/releases/%s", dir, version);
	assert_int_equal(rmdir(path), 0);
}

/* The rows GET /api/v1/indicators/x_rate?territory=AAA answers: the release's
 * rows as jansson reads them, whether a row is read by the server's own
 * reader (the release's layout) or by jansson (a nested value, keys in
 * another order) or the whole file by jansson (data before columns). */
static void published_rows_as_jansson_reads_them(const char *version)
{
	struct ob_http_response res;
	json_t *j, *data, *r;

	call("GET", "/api/v1/indicators/x_rate?territory=AAA", NULL, NULL, NULL, &res);
	if (res.status != 200)
		fail_msg("%s: status %d: %.*s", version, res.status, (int)res.body.len, res.body.ptr);
	assert_string_equal(ob_http_header_get(&res, "X-Release"), version);
	j = body_json(&res);
	data = json_object_get(j, "data");
	assert_int_equal(json_array_size(data), 5);
	/* escapes, a surrogate pair, a real kept short */
	r = json_array_get(data, 0);
	assert_string_equal(json_string_value(json_object_get(r, "name")),
	                    "caf\xc3\xa9 \"bar\" \xf0\x9f\x98\x80 \\ / tab\t");
	assert_true(json_is_real(json_object_get(r, "value")));
	assert_true(json_real_value(json_object_get(r, "value")) == 0.136693);
	assert_int_equal(json_integer_value(json_object_get(r, "year")), 2024);
	assert_true(json_is_null(json_object_get(r, "extra")));
	/* keys in another order and a nested value nobody reads: an
	 * underflowing real is 0 */
	r = json_array_get(data, 1);
	assert_int_equal(json_integer_value(json_object_get(r, "year")), 2023);
	assert_string_equal(json_string_value(json_object_get(r, "name")), "ok");
	assert_true(json_number_value(json_object_get(r, "value")) == 0);
	/* an integer stays one; true is no text */
	r = json_array_get(data, 2);
	assert_true(json_is_integer(json_object_get(r, "value")));
	assert_int_equal(json_integer_value(json_object_get(r, "value")), 12);
	assert_true(json_is_null(json_object_get(r, "name")));
	assert_string_equal(json_string_value(json_object_get(r, "extra")), "x");
	/* a repeated key: the last */
	r = json_array_get(data, 3);
	assert_true(json_real_value(json_object_get(r, "value")) == 2.5);
	/* a negative exponent and a column the row lacks */
	r = json_array_get(data, 4);
	assert_true(json_real_value(json_object_get(r, "value")) == -0.0125);
	assert_true(json_is_null(json_object_get(r, "extra")));
	json_decref(j);
	ob_http_response_release(&res);
	/* another territory's rows are not these */
	call("GET", "/api/v1/indicators/x_rate?territory=BBB", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	j = body_json(&res);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 1);
	json_decref(j);
	ob_http_response_release(&res);
}

static void published_table(void **state)
{
#define ROWS \
	"{\"indicator\":\"x_rate\",\"territory\":\"AAA\",\"year\":2024,\"sex\":\"T\"," \
	"\"value\":0.1366930000,\"name\":\"caf\\u00e9 \\\"bar\\\" \\ud83d\\ude00 \\\\ \\/ tab\\t\"," \
	"\"extra\":null},\n" \
	" { \"sex\" : \"T\", \"year\" : 2023, \"indicator\" : \"x_rate\", \"territory\" : \"AAA\"," \
	" \"value\" : 1e-400, \"name\" : \"ok\", \"junk\" : {\"a\": [1, 2]} } ,\n" \
	"{\"indicator\":\"x_rate\",\"territory\":\"AAA\",\"year\":2022,\"sex\":\"T\",\"value\":12," \
	"\"name\":true,\"extra\":\"x\"},\n" \
	"{\"indicator\":\"x_rate\",\"territory\":\"AAA\",\"year\":2021,\"sex\":\"T\",\"value\":1.5," \
	"\"value\":2.5,\"name\":\"dup\",\"extra\":false},\n" \
	"{\"indicator\":\"x_rate\",\"territory\":\"AAA\",\"year\":2020,\"sex\":\"T\"," \
	"\"value\":-1.25E-2,\"name\":\"\"},\n" \
	"{\"indicator\":\"x_rate\",\"territory\":\"BBB\",\"year\":2024,\"sex\":\"T\",\"value\":null," \
	"\"name\":\"b\",\"extra\":null}"
#define COLS "\"columns\":[\"indicator\",\"territory\",\"year\",\"sex\",\"value\",\"name\",\"extra\"]"
	(void)state;
	/* as a release writes it: columns, then data */
	write_release("v1", "{\"table\":\"indicators\"," COLS ",\"data\":[\n" ROWS "]}\n");
	published_rows_as_jansson_reads_them("v1");
	/* data before columns: the whole file read by jansson */
	write_release("v2", "{\"data\":[" ROWS "]," COLS "}");
	published_rows_as_jansson_reads_them("v2");
	/* a text jansson refuses (a NUL escape): no table at all, not a row
	 * less */
	write_release("v3", "{" COLS ",\"data\":[" ROWS ",{\"indicator\":\"x_rate\","
	                    "\"territory\":\"AAA\",\"name\":\"a\\u0000b\"}]}");
	expect_error("GET", "/api/v1/indicators/x_rate?territory=AAA", NULL, 404, "no_release");
	remove_release("v3");
	remove_release("v2");
	remove_release("v1");
#undef ROWS
#undef COLS
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(openapi_lists_every_route),
		cmocka_unit_test(health),
		cmocka_unit_test(paging),
		cmocka_unit_test(csv_format),
		cmocka_unit_test(complete_downloads),
		cmocka_unit_test(cors),
		cmocka_unit_test(territory_detail),
		cmocka_unit_test(errors),
		cmocka_unit_test(roles_and_audit),
		cmocka_unit_test(public_routes_hide_names),
		cmocka_unit_test(releases),
		cmocka_unit_test(login),
		cmocka_unit_test(purpose_and_failed_audit),
		cmocka_unit_test(without_store),
		cmocka_unit_test(published_table),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
