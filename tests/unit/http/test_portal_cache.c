/* test_portal_cache.c - the portal's cache of public pages (portal.c)
 * without sockets: a second request is answered from it with the same
 * bytes, a new delivery or a changed territory renders the page again,
 * and pages of the restricted area or for a signed-in browser are never
 * kept, nor a page whose store reads were cut (time limit, client gone). */
#include "test.h"

#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "fixture.h"
#include "base/log.h"
#include "engine/snaphold.h"
#include "http/cache.h"
#include "http/http.h"
/* raw SQL (store_sql.h): plants a delivery and renames a territory behind the catalogue's back. */
#include "store_sql.h"

static struct ob_store *store;
static const char *dir;
static struct ob_http_ctx ctx;
static long long now = 1700000000;
/* of the next call(): its deadline (0: none) and its cancel flag (NULL: none) */
static double call_deadline;
static const _Atomic int *call_cancel;

struct counts {
	size_t entries, bytes;
	uint64_t hits, misses;
};

static struct counts counts(void)
{
	struct counts k;
	ob_http_cache_stats(ctx.pages, &k.entries, &k.bytes, &k.hits, &k.misses);
	return k;
}

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
	ctx.pages = ob_http_cache_new_limits(16, 4 * 1024 * 1024, 1024 * 1024);
	if (ob_user_add(store, "ana", OB_ROLE_STEWARD, NULL, "una clave muy larga", 19, "t", &d))
		fail_msg("setup: %s", d.message);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_http_cache_free(ctx.pages);
	ob_ratelimit_free(ctx.rl);
	ob_snaphold_free(ctx.snaps);
	http_fixture_remove(store, dir);
	return 0;
}

/* One request (cookie and body may be NULL); release res. */
static void call(const char *method, const char *target, const char *cookie, const char *body,
                 struct ob_http_response *res)
{
	struct ob_http_request req = { 0 };

	req.method = method;
	req.target = target;
	req.cookie = cookie;
	req.remote = "192.0.2.10";
	req.now = now;
	req.deadline = call_deadline;
	req.cancel = call_cancel;
	if (body) {
		req.body = body;
		req.body_len = strlen(body);
		req.content_type = "application/x-www-form-urlencoded";
	}
	ob_http_response_init(res);
	ob_http_handle(&ctx, &req, res);
}

/* The gzip form of a page kept with it gives back its bytes. */
static void gunzip_equals(const struct ob_http_response *res, const char *page)
{
	size_t len = strlen(page);
	unsigned char *out = malloc(len + 1);
	z_stream z;

	assert_non_null(out);
	assert_true(res->gz.len > 0 && res->gz.len < len);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)res->gz.ptr;
	z.avail_in = (uInt)res->gz.len;
	z.next_out = out;
	z.avail_out = (uInt)len + 1;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, len);
	assert_memory_equal(out, page, len);
	inflateEnd(&z);
	free(out);
}

/* The body as a string (copied; the caller frees it). */
static char *body_text(const struct ob_http_response *res)
{
	char *s = malloc(res->body.len + 1);
	assert_non_null(s);
	memcpy(s, res->body.ptr ? res->body.ptr : "", res->body.len);
	s[res->body.len] = '\0';
	return s;
}

static void second_request_from_cache(void **state)
{
	const char *targets[] = { "/es/territorios", "/en/territories?q=san" };
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(targets); i++) {
		struct ob_http_response res;
		struct counts a, b, c;
		char *first;

		a = counts();
		call("GET", targets[i], NULL, NULL, &res);
		assert_int_equal(res.status, 200);
		first = body_text(&res);
		assert_non_null(strstr(first, "</html>"));
		assert_int_equal(res.gz.len, 0); /* compressed as it is sent */
		ob_http_response_release(&res);
		b = counts();
		assert_int_equal(b.entries, a.entries + 2); /* the page and its gzip form */
		assert_int_equal(b.hits, a.hits);
		assert_int_equal(b.misses, a.misses + 2); /* under the stamp, then as provisional */

		call("GET", targets[i], NULL, NULL, &res);
		assert_int_equal(res.status, 200);
		assert_string_equal(res.content_type, "text/html; charset=utf-8");
		assert_int_equal(res.body.len, strlen(first));
		assert_memory_equal(res.body.ptr, first, res.body.len);
		gunzip_equals(&res, first);
		/* the portal's headers are those of a page rendered anew */
		assert_non_null(ob_http_header_get(&res, "Content-Security-Policy"));
		assert_string_equal(ob_http_header_get(&res, "Cache-Control"), "public, max-age=60");
		ob_http_response_release(&res);
		c = counts();
		assert_int_equal(c.entries, b.entries);
		assert_int_equal(c.hits, b.hits + 2); /* the page and its gzip form */
		assert_int_equal(c.misses, b.misses);
		free(first);
	}
}

static void store_change_renders_again(void **state)
{
	struct ob_http_response res;
	struct counts a, b;
	char *before, *after;
	struct ob_diag d;
	(void)state;

	call("GET", "/es/territorios", NULL, NULL, &res);
	before = body_text(&res);
	ob_http_response_release(&res);
	assert_null(strstr(before, "Cuscatlania Renombrada"));

	/* a new delivery: the store's stamp changes, the page is rendered again */
	ob_diag_clear(&d);
	if (ob_store_exec(store,
	                  "INSERT INTO submission(id, source, file_name, sha256, period_from,"
	                  " period_to, rows_read, accepted, rejected, warned, ingested_at,"
	                  " version, observa_version, institution, country) VALUES"
	                  " (2, 'sv-pnc', 'homicidios_2021.csv', 'cd', '2021-01-01', '2021-12-31',"
	                  " 1, 1, 0, 0, '2022-01-05T10:00:00Z', 1, '0.1.0', 'police', 'SLV');",
	                  &d))
		fail_msg("%s", d.message);
	now += 2 * OB_HTTP_STAMP_SECONDS;
	a = counts();
	call("GET", "/es/territorios", NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	ob_http_response_release(&res);
	b = counts();
	assert_int_equal(b.misses, a.misses + 2); /* under the stamp, then as provisional */
	assert_int_equal(b.hits, a.hits);

	/* a territory renamed: the page says the new name */
	if (ob_store_exec(store, "UPDATE territory SET name = 'Cuscatlania Renombrada' "
	                         "WHERE code = 'SLV'", &d))
		fail_msg("%s", d.message);
	now += 2 * OB_HTTP_STAMP_SECONDS;
	call("GET", "/es/territorios", NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	after = body_text(&res);
	ob_http_response_release(&res);
	assert_non_null(strstr(after, "Cuscatlania Renombrada"));
	/* and is then answered from the cache, with the new name */
	a = counts();
	call("GET", "/es/territorios", NULL, NULL, &res);
	assert_int_equal(counts().hits, a.hits + 2);
	assert_int_equal(res.body.len, strlen(after));
	assert_memory_equal(res.body.ptr, after, res.body.len);
	gunzip_equals(&res, after);
	ob_http_response_release(&res);
	free(before);
	free(after);
}

/* The value of cookie `name` set by res ("name=value"), into out. */
static void set_cookie(const struct ob_http_response *res, const char *name, char *out,
                       size_t size)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < res->nheaders; i++)
		if (!strcasecmp(res->headers[i].name, "Set-Cookie") &&
		    !strncmp(res->headers[i].value, name, n) && res->headers[i].value[n] == '=') {
			const char *v = res->headers[i].value;
			size_t len = strcspn(v, ";");
			assert_true(len < size);
			memcpy(out, v, len);
			out[len] = '\0';
			return;
		}
	fail_msg("no cookie %s", name);
}

static void restricted_and_signed_in_not_kept(void **state)
{
	struct ob_http_response res;
	char presign[256], session[256], csrf[128], form[512];
	const char *p;
	struct counts a;
	size_t n;
	char *page;
	(void)state;

	/* the restricted area, without and with a session */
	a = counts();
	call("GET", "/es/gestion", NULL, NULL, &res);
	assert_int_equal(res.status, 303);
	ob_http_response_release(&res);
	call("GET", "/es/acceso", NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	set_cookie(&res, "obs_presign", presign, sizeof(presign));
	page = body_text(&res);
	p = strstr(page, "name=\"csrf\" value=\"");
	assert_non_null(p);
	p += strlen("name=\"csrf\" value=\"");
	n = strcspn(p, "\"");
	assert_true(n < sizeof(csrf));
	memcpy(csrf, p, n);
	csrf[n] = '\0';
	free(page);
	ob_http_response_release(&res);
	snprintf(form, sizeof(form), "user=ana&password=una+clave+muy+larga&csrf=%s", csrf);
	call("POST", "/es/acceso", presign, form, &res);
	assert_int_equal(res.status, 303);
	set_cookie(&res, OB_HTTP_SESSION_COOKIE, session, sizeof(session));
	ob_http_response_release(&res);
	for (int i = 0; i < 2; i++) {
		call("GET", "/es/gestion", session, NULL, &res);
		assert_int_equal(res.status, 200);
		assert_string_equal(ob_http_header_get(&res, "Cache-Control"), "no-store");
		ob_http_response_release(&res);
	}
	assert_int_equal(counts().entries, a.entries);
	assert_int_equal(counts().hits, a.hits);

	/* a public page for a signed-in browser names the account: not kept,
	 * not answered from the page the public was given */
	call("GET", "/es/", NULL, NULL, &res);
	ob_http_response_release(&res);
	a = counts();
	for (int i = 0; i < 2; i++) {
		call("GET", "/es/", session, NULL, &res);
		assert_int_equal(res.status, 200);
		page = body_text(&res);
		assert_non_null(strstr(page, "ana"));
		assert_non_null(strstr(page, "csrf"));
		free(page);
		ob_http_response_release(&res);
	}
	assert_int_equal(counts().entries, a.entries);
	assert_int_equal(counts().hits, a.hits);
}

/* A page whose alarms are still being judged is not kept; once they are,
 * it is. Either way, what is kept never says "being computed". */
static void being_computed_not_kept(void **state)
{
	const char *targets[] = { "/es/territorios/SLV", "/en/territories/SLV" };
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(targets); i++) {
		struct ob_http_response res;
		struct counts a;
		bool computing;
		char *page;

		a = counts();
		call("GET", targets[i], NULL, NULL, &res);
		assert_int_equal(res.status, 200);
		page = body_text(&res);
		computing = strstr(page, "se están calculando") || strstr(page, "being computed");
		free(page);
		ob_http_response_release(&res);
		assert_int_equal(counts().entries, a.entries + (computing ? 0 : 2));
	}
}

/* A page whose store reads were stopped (its time limit passed, its client
 * gone) lacks a part: it answers 503 (499) and is not kept, so that the
 * next request renders it whole instead of being given the cut page. */
static void interrupted_not_kept(void **state)
{
	static const _Atomic int gone = 1;
	const char *targets[] = { "/es/territorios?q=cus", "/en/territories/SLV06" };
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(targets); i++) {
		for (int why = 0; why < 2; why++) {
			struct ob_http_response res;
			struct counts a;
			char *page;

			a = counts();
			/* a deadline already past, or a client already gone */
			call_deadline = why == 0 ? ob_now() - 1 : 0;
			call_cancel = why == 1 ? &gone : NULL;
			call("GET", targets[i], NULL, NULL, &res);
			call_deadline = 0;
			call_cancel = NULL;
			assert_int_equal(res.status, why == 0 ? 503 : 499);
			page = body_text(&res);
			assert_non_null(strstr(page, why == 0 ? "\"timeout\"" : "\"canceled\""));
			assert_null(strstr(page, "</html>"));
			free(page);
			ob_http_response_release(&res);
			assert_int_equal(counts().entries, a.entries);
			assert_int_equal(counts().hits, a.hits);
		}
		/* the same page without a limit, once the stamps are due for a
		 * check again (the snapshot's refresh was cut as well): rendered
		 * whole (not from the cache, which holds nothing of it), then kept */
		struct ob_http_response res;
		struct counts a;
		bool computing;
		char *page;

		now += 2 * OB_HTTP_STAMP_SECONDS;
		a = counts();
		call("GET", targets[i], NULL, NULL, &res);
		assert_int_equal(res.status, 200);
		page = body_text(&res);
		assert_non_null(strstr(page, "</html>"));
		assert_null(strstr(page, "No se pudo leer"));
		assert_null(strstr(page, "Could not read"));
		/* a profile whose alarms are still being judged is not kept
		 * (being_computed_not_kept) */
		computing = strstr(page, "se están calculando") || strstr(page, "being computed");
		free(page);
		ob_http_response_release(&res);
		assert_int_equal(counts().hits, a.hits);
		assert_int_equal(counts().entries, a.entries + (computing ? 0 : 2));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(second_request_from_cache),
		cmocka_unit_test(store_change_renders_again),
		cmocka_unit_test(restricted_and_signed_in_not_kept),
		cmocka_unit_test(being_computed_not_kept),
		cmocka_unit_test(interrupted_not_kept),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
