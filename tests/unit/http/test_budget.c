/* test_budget.c - bounded work per request, without a socket: which
 * requests are answered at once and which are left to a worker, the
 * analyser's cost refused before work, the deadline and the cancel flag,
 * answers over the size limit refused whole, and index results computed
 * once for concurrent requests. */
#include "test.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

#include "../engine/efixture.h"
#include "base/log.h"
#include "engine/snaphold.h"
#include "http/cache.h"
#include "http/http.h"

static struct efix fx;
static struct ob_http_ctx ctx;
static struct ob_http_load load;
static char tok_analyst[OB_TOKEN_SIZE];

static const long long NOW = 1700000000;

static int setup(void **state)
{
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_auth_init(), OB_OK);
	efix_open(&fx);
	ctx.store = fx.st;
	ctx.dir = fx.dir;
	ctx.snaps = ob_snaphold_new();
	ctx.cache = ob_http_cache_new();
	ctx.load = &load;
	ob_diag_clear(&d);
	if (ob_user_add(fx.st, "bob", OB_ROLE_ANALYST, NULL, NULL, 0, "t", &d) ||
	    ob_user_token(fx.st, "bob", NULL, 0, NOW, "t", tok_analyst, &d))
		fail_msg("setup: %s", d.message);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_http_index_cache_clear();
	ob_http_cache_free(ctx.cache);
	ob_snaphold_free(ctx.snaps);
	efix_close(&fx);
	return 0;
}

struct call {
	const char *method, *target, *token;
	bool may_defer;
	double deadline;
	const _Atomic int *cancel;
	size_t max;                /* 0: the default */
};

static void run(const struct call *k, struct ob_http_response *res)
{
	struct ob_http_request req = { 0 };
	char auth[OB_TOKEN_SIZE + 16];

	req.method = k->method ? k->method : "GET";
	req.target = k->target;
	req.remote = "192.0.2.10";
	req.now = NOW;
	req.may_defer = k->may_defer;
	req.deadline = k->deadline;
	req.cancel = k->cancel;
	if (k->token) {
		snprintf(auth, sizeof(auth), "Bearer %s", k->token);
		req.authorization = auth;
	}
	ob_http_response_init(res);
	if (k->max)
		res->body.max = k->max;
	ob_http_handle(&ctx, &req, res);
}

/* The error code of a JSON error body ("" when it is none). */
static void error_code(const struct ob_http_response *res, char *out, size_t size)
{
	json_error_t err;
	json_t *j = json_loadb(res->body.ptr ? res->body.ptr : "", res->body.len, 0, &err);
	const char *code = json_string_value(json_object_get(json_object_get(j, "error"), "code"));

	ob_strlcpy(out, code ? code : "", size);
	json_decref(j);
}

static void expect(const struct call *k, int status, const char *code)
{
	struct ob_http_response res;
	char got[64];

	run(k, &res);
	error_code(&res, got, sizeof(got));
	if (res.deferred || res.status != status || (code && strcmp(got, code)))
		fail_msg("%s %s: status %d%s, code «%s»; expected %d «%s»\n%.*s",
		         k->method ? k->method : "GET", k->target, res.status,
		         res.deferred ? " (deferred)" : "", got, status, code ? code : "",
		         (int)res.body.len, res.body.ptr);
	ob_http_response_release(&res);
}

/* Deferred, with nothing answered; query says whether it is a computed
 * answer of a public query route. */
static void expect_deferred(const struct call *k, bool query)
{
	struct ob_http_response res;

	run(k, &res);
	if (!res.deferred || res.query != query)
		fail_msg("%s %s: status %d, deferred %d query %d; expected deferred, query %d",
		         k->method ? k->method : "GET", k->target, res.status, res.deferred,
		         res.query, query);
	assert_int_equal(res.body.len, 0);
	assert_int_equal(res.nheaders, 0);
	ob_http_response_release(&res);
}

/* What a thread serving connections answers itself, and what it leaves to
 * a worker. */
static void test_lanes(void **state)
{
	struct call k = { 0 };
	(void)state;

	k.may_defer = true;
	k.target = "/api/v1/health";
	expect(&k, 200, NULL);
	k.target = "/api/v1/territories?country=SLV&level=1";
	expect(&k, 200, NULL);
	k.target = "/api/v1/nothing";
	expect(&k, 404, "not_found");
	k.target = "/api/v1/analyze?rows=nonsense";
	expect(&k, 400, "bad_parameter");
	/* no snapshot yet: loading it is a worker's */
	k.target = "/api/v1/analyze?rows=admin1&cols=year";
	expect_deferred(&k, false);
	/* a worker computes it, and keeps it ... */
	k.may_defer = false;
	expect(&k, 200, NULL);
	/* ... so that it is answered at once afterwards */
	k.may_defer = true;
	expect(&k, 200, NULL);
	/* a new question: computed, on a worker, charged to the rate limit */
	k.target = "/api/v1/analyze?rows=admin1&cols=sex";
	expect_deferred(&k, true);
	/* what may write or carries credentials: always a worker's */
	k.method = "POST";
	k.target = "/api/v1/login";
	expect_deferred(&k, false);
	k.method = "GET";
	k.target = "/api/v1/health";
	k.token = tok_analyst;
	expect_deferred(&k, false);
	/* without may_defer (a worker, or a test) everything is answered */
	k.may_defer = false;
	expect(&k, 200, NULL);
}

/* A question above the cost limits is refused before any work, with its
 * cost and the limits; analysts have higher limits. */
static void test_cost(void **state)
{
	struct ob_http_response res;
	struct call k = { 0 };
	json_error_t err;
	json_t *j;
	const char *msg;
	(void)state;

	k.may_defer = true;
	k.target = "/api/v1/analyze?rows=place,admin1&cols=admin2";
	run(&k, &res);
	if (res.deferred) { /* the snapshot first */
		ob_http_response_release(&res);
		k.may_defer = false;
		run(&k, &res);
	}
	assert_int_equal(res.status, 422);
	assert_non_null(ob_http_header_get(&res, "X-Query-Cells"));
	j = json_loadb(res.body.ptr, res.body.len, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
	                    "too_costly");
	msg = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
	assert_non_null(strstr(msg, "límite 200000"));
	assert_non_null(strstr(msg, ob_http_header_get(&res, "X-Query-Cells")));
	msg = json_string_value(json_object_get(json_object_get(j, "error"), "message_en"));
	assert_non_null(strstr(msg, "admin1 for admin2"));
	json_decref(j);
	ob_http_response_release(&res);

	/* the limits of the context: the public's, then an analyst's (each
	 * question new: an answer already kept is given whatever it cost) */
	ctx.max_cells = 10;
	k.may_defer = false;
	k.target = "/api/v1/analyze?rows=admin1&cols=month";
	expect(&k, 422, "too_costly");
	k.target = "/api/v1/analyze?cols=year";
	expect(&k, 200, NULL);
	k.target = "/api/v1/analyze?rows=admin1&cols=year&where=year%3D2020";
	expect(&k, 422, "too_costly");
	k.token = tok_analyst;
	expect(&k, 200, NULL);
	ctx.max_cells_analyst = 10;
	k.target = "/api/v1/analyze?rows=admin1&cols=year&where=year%3D2019";
	expect(&k, 422, "too_costly");
	ctx.max_cells = ctx.max_cells_analyst = 0;
	ctx.max_records = 100;
	k.token = NULL;
	k.target = "/api/v1/analyze?rows=year";
	expect(&k, 422, "too_costly");
	ctx.max_records = 0;
	expect(&k, 200, NULL);
}

/* Past the deadline: 503 timeout, with Retry-After; client gone: 499. */
static void test_deadline_cancel(void **state)
{
	struct ob_http_response res;
	struct call k = { 0 };
	_Atomic int cancel;
	(void)state;

	atomic_init(&cancel, 1);
	k.deadline = ob_now() - 1;
	k.target = "/api/v1/analyze?rows=admin2&cols=month";
	run(&k, &res);
	assert_int_equal(res.status, 503);
	assert_non_null(ob_http_header_get(&res, "Retry-After"));
	ob_http_response_release(&res);
	k.target = "/api/v1/index?preset=sv-municipal&year=2021";
	expect(&k, 503, "timeout");
	k.deadline = 0;
	k.cancel = &cancel;
	expect(&k, 499, "canceled");
	k.target = "/api/v1/analyze?rows=admin2&cols=month";
	expect(&k, 499, "canceled");
	/* nothing was kept of them: computed afresh when asked in time */
	k.cancel = NULL;
	expect(&k, 200, NULL);
	k.target = "/api/v1/index?preset=sv-municipal&year=2021";
	run(&k, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(ob_http_header_get(&res, "X-Index-Cache"), "miss");
	ob_http_response_release(&res);
}

/* With a small response limit every route answers whole or refuses with
 * 413 and a JSON error; never a cut answer. */
static void test_response_limit(void **state)
{
	static const char *const targets[] = {
		"/api/v1/health", "/api/v1/openapi.json", "/api/v1/territories?limit=1000",
		"/api/v1/territories?limit=1000&format=csv", "/api/v1/territories/SLV",
		"/api/v1/catalog/iccs?limit=1000", "/api/v1/indicators",
		"/api/v1/analyze?rows=admin2&cols=year",
		"/api/v1/analyze?rows=admin2&cols=year&format=csv",
		"/api/v1/index?preset=sv-municipal&year=2020",
		"/api/v1/index?preset=sv-municipal&year=2020&format=csv", "/api/v1/releases",
	};
	size_t refused = 0;
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(targets); i++) {
		struct ob_http_response res;
		struct call k = { 0 };
		size_t whole;

		k.target = targets[i];
		run(&k, &res);
		if (res.status != 200 && res.status != 404)
			fail_msg("%s: %d", targets[i], res.status);
		whole = res.body.len;
		ob_http_response_release(&res);
		k.max = 2048;
		run(&k, &res);
		if (whole > 2048) {
			char code[64];
			error_code(&res, code, sizeof(code));
			if (res.status != 413 || strcmp(code, "response_too_large"))
				fail_msg("%s (%zu bytes): status %d code «%s» under a 2048-byte limit",
				         targets[i], whole, res.status, code);
			refused++;
		} else {
			assert_int_equal(res.body.len, whole);
		}
		ob_http_response_release(&res);
	}
	assert_true(refused >= 6);
}

/* Concurrent requests for one index result: computed once. */
struct req_thread {
	const char *target;
	char cache[16];
	int status;
	size_t len;
	pthread_barrier_t *go;
};

static void *index_request(void *arg)
{
	struct req_thread *t = arg;
	struct ob_http_response res;
	struct call k = { 0 };
	const char *h;

	k.target = t->target;
	pthread_barrier_wait(t->go);
	run(&k, &res);
	t->status = res.status;
	t->len = res.body.len;
	h = ob_http_header_get(&res, "X-Index-Cache");
	ob_strlcpy(t->cache, h ? h : "", sizeof(t->cache));
	ob_http_response_release(&res);
	return NULL;
}

static void test_index_once(void **state)
{
	struct req_thread t[4];
	pthread_t tid[4];
	pthread_barrier_t go;
	long long runs;
	int misses = 0;
	(void)state;

	ob_http_index_cache_clear();
	runs = atomic_load(&load.index_runs);
	pthread_barrier_init(&go, NULL, 4);
	for (int i = 0; i < 4; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].target = "/api/v1/index?preset=sv-municipal&year=2019";
		t[i].go = &go;
		assert_int_equal(pthread_create(&tid[i], NULL, index_request, &t[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(tid[i], NULL);
	pthread_barrier_destroy(&go);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(t[i].status, 200);
		assert_int_equal(t[i].len, t[0].len);
		misses += !strcmp(t[i].cache, "miss");
		if (strcmp(t[i].cache, "miss") && strcmp(t[i].cache, "shared") &&
		    strcmp(t[i].cache, "hit"))
			fail_msg("X-Index-Cache: «%s»", t[i].cache);
	}
	assert_int_equal(misses, 1);
	assert_int_equal(atomic_load(&load.index_runs), runs + 1);

	/* two different results at once: each computed once, one after the other */
	pthread_barrier_init(&go, NULL, 2);
	for (int i = 0; i < 2; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].target = i ? "/api/v1/index?preset=sv-municipal&year=2020&format=csv"
		                : "/api/v1/index?preset=sv-municipal&year=2021";
		t[i].go = &go;
		assert_int_equal(pthread_create(&tid[i], NULL, index_request, &t[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
	pthread_barrier_destroy(&go);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(t[i].status, 200);
		assert_string_equal(t[i].cache, "miss");
	}
	assert_int_equal(atomic_load(&load.index_runs), runs + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lanes),
		cmocka_unit_test(test_cost),
		cmocka_unit_test(test_deadline_cancel),
		cmocka_unit_test(test_response_limit),
		cmocka_unit_test(test_index_once),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
