/* fuzz_query.c - libFuzzer harness: the request-target parser (path and query
 * string) and the router on arbitrary bytes. */
#include "base/common.h"

#include <jansson.h>

#include "http/http.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop loudly when an invariant of http.h does not hold. */
#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "fuzz_query: %s:%d: %s\n", __FILE__, \
			        __LINE__, #cond);                            \
			abort();                                             \
		}                                                            \
	} while (0)

static bool clean(const char *s)
{
	size_t n = strlen(s);

	if (ob_utf8_valid_len(s, n) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static void parse(const char *p, size_t size)
{
	struct ob_http_target t;
	char why[512];
	ob_err e = ob_http_parse_target(p, size, &t, why, sizeof(why));

	if (e) {
		CHECK(e == OB_EPARSE || e == OB_ETOOBIG);
		CHECK(why[0] != '\0' && clean(why));
		CHECK(t.mem == NULL && t.nseg == 0 && t.nparams == 0);
		return;
	}
	CHECK(size >= 1 && size <= OB_HTTP_MAX_URI && p[0] == '/');
	CHECK(t.nseg <= OB_HTTP_MAX_SEGMENTS && t.nparams <= OB_HTTP_MAX_PARAMS);
	for (size_t i = 0; i < t.nseg; i++) {
		const char *s = t.seg[i];
		CHECK(s[0] != '\0' && clean(s));
		CHECK(!strchr(s, '/') && !strchr(s, '\\'));
		CHECK(strcmp(s, ".") && strcmp(s, ".."));
	}
	for (size_t i = 0; i < t.nparams; i++) {
		struct ob_buf b = OB_BUF_INIT(4 * OB_HTTP_MAX_URI);
		struct ob_http_target back;

		CHECK(t.params[i].name[0] != '\0' && clean(t.params[i].name) &&
		      clean(t.params[i].value));
		for (size_t k = 0; k < i; k++)
			CHECK(strcmp(t.params[k].name, t.params[i].name));
		/* encoding a value and parsing it back gives the value */
		ob_buf_puts(&b, "/x?v=");
		ob_http_encode(&b, t.params[i].value, strlen(t.params[i].value));
		if (b.len <= OB_HTTP_MAX_URI) {
			CHECK(ob_http_parse_target(b.ptr, b.len, &back, why, sizeof(why)) == OB_OK);
			CHECK(back.nparams == 1 && !strcmp(back.params[0].value, t.params[i].value));
			ob_http_target_release(&back);
		}
		ob_buf_release(&b);
	}
	ob_http_target_release(&t);
}

/* The router without a store: every answer is well-formed. */
static void route(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "HEAD", "POST", "PUT" };
	struct ob_http_ctx ctx = { NULL, NULL, NULL };
	struct ob_http_request req = { 0 };
	struct ob_http_response res;
	char *target = ob_strndup((const char *)data, size);
	unsigned k = size ? data[size - 1] : 0;

	req.method = methods[k % 4];
	req.target = target;
	req.authorization = (k & 4) ? "Bearer obs_x" : NULL;
	req.content_type = "application/json";
	req.body = (const char *)data;
	req.body_len = size;
	req.remote = "192.0.2.1";
	req.now = 1700000000;
	ob_http_response_init(&res);
	ob_http_handle(&ctx, &req, &res);
	CHECK(res.status >= 200 && res.status <= 599);
	CHECK(res.fd < 0 || res.status == 200);
	if (res.fd < 0 && strstr(res.content_type, "json")) {
		json_error_t err;
		json_t *j = json_loadb(res.body.ptr ? res.body.ptr : "", res.body.len, 0, &err);
		CHECK(j != NULL);
		if (res.status >= 400) {
			json_t *e = json_object_get(j, "error");
			CHECK(json_integer_value(json_object_get(e, "status")) == res.status);
		}
		json_decref(j);
	}
	for (size_t i = 0; i < res.nheaders; i++)
		CHECK(!strpbrk(res.headers[i].value, "\r\n"));
	ob_http_response_release(&res);
	free(target);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse((const char *)data, size);
	route(data, size);
	return 0;
}
