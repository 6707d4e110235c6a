/* test_parse.c - the request-target parser, case by case. */
#include "test.h"

#include "base/buf.h"
#include "http/http.h"
#include "text/text.h"

static void accepted(void **state)
{
	static const struct {
		const char *in;
		const char *segs;   /* segments joined by '|' */
		const char *params; /* name=value joined by '|' */
	} cases[] = {
		{ "/", "", "" },
		{ "/api/v1/territories", "api|v1|territories", "" },
		{ "/api/v1/territories/", "api|v1|territories", "" },
		{ "/a/b?x=1&y=dos", "a|b", "x=1|y=dos" },
		{ "/a?x=San+Jos%C3%A9", "a", "x=San José" },
		{ "/a?x", "a", "x=" },
		{ "/a?x=&y=2", "a", "x=|y=2" },
		{ "/a?&&x=1&", "a", "x=1" },
		{ "/%C3%B1and%C3%BA", "ñandú", "" },
		{ "/a?x=a%3Db%26c", "a", "x=a=b&c" },
		{ "/a?", "a", "" },
		{ "/a?x=1=2", "a", "x=1=2" },
		{ "/a+b", "a+b", "" },
		{ "/S%C3%A3o/ma%C3%B1ana?q=%E2%82%AC", "São|mañana", "q=€" },
		{ "/a?x=%2F..%2F", "a", "x=/../" },
		{ "/.well-known", ".well-known", "" },
		/* an encoded slash separates segments, as a path value is sent */
		{ "/a%2Fb", "a|b", "" },
		{ "/r/2024%2fx.csv?k=%2F", "r|2024|x.csv", "k=/" },
		{ "/r/2024%2Fsub%2Fx.csv", "r|2024|sub|x.csv", "" },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_http_target t;
		struct ob_buf segs = OB_BUF_INIT(1024), params = OB_BUF_INIT(1024);
		char why[512];
		ob_err e = ob_http_parse_target(cases[i].in, strlen(cases[i].in), &t, why, sizeof(why));

		if (e)
			fail_msg("«%s»: %s", cases[i].in, why);
		for (size_t k = 0; k < t.nseg; k++)
			ob_buf_putf(&segs, "%s%s", k ? "|" : "", t.seg[k]);
		for (size_t k = 0; k < t.nparams; k++)
			ob_buf_putf(&params, "%s%s=%s", k ? "|" : "", t.params[k].name,
			            t.params[k].value);
		assert_string_equal(segs.ptr ? segs.ptr : "", cases[i].segs);
		assert_string_equal(params.ptr ? params.ptr : "", cases[i].params);
		ob_buf_release(&segs);
		ob_buf_release(&params);
		ob_http_target_release(&t);
	}
}

static void refused(void **state)
{
	static const struct {
		const char *in;
		ob_err want;
	} cases[] = {
		{ "", OB_EPARSE },
		{ "a", OB_EPARSE },
		{ "*", OB_EPARSE },
		{ "//", OB_EPARSE },
		{ "/a//b", OB_EPARSE },
		{ "/..", OB_EPARSE },
		{ "/a/../b", OB_EPARSE },
		{ "/.", OB_EPARSE },
		{ "/%2e%2e", OB_EPARSE },
		{ "/%2E", OB_EPARSE },
		{ "/.%2e/x", OB_EPARSE },
		{ "/a%2F..%2Fb", OB_EPARSE },
		{ "/a%2F%2Fb", OB_EPARSE },
		{ "/a%2F", OB_EPARSE },
		{ "/%2Fa", OB_EPARSE },
		{ "/a%2F.", OB_EPARSE },
		{ "/a%2F%5Cb", OB_EPARSE },
		{ "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o%2Fp%2Fq", OB_ETOOBIG },
		{ "/a%5Cb", OB_EPARSE },
		{ "/%", OB_EPARSE },
		{ "/%4", OB_EPARSE },
		{ "/%zz", OB_EPARSE },
		{ "/a?x=%g1", OB_EPARSE },
		{ "/%00", OB_EPARSE },
		{ "/%C3", OB_EPARSE },
		{ "/%FF", OB_EPARSE },
		{ "/%C0%AE%C0%AE", OB_EPARSE }, /* overlong dots */
		{ "/a b", OB_EPARSE },
		{ "/a#b", OB_EPARSE },
		{ "/a\x01", OB_EPARSE },
		{ "/a\x7f", OB_EPARSE },
		{ "/a?x=1&x=2", OB_EPARSE },
		{ "/a?x=1&x", OB_EPARSE },
		{ "/a?=1", OB_EPARSE },
		{ "/a?x=%0A", OB_EPARSE },
		{ "/a?x=%7F", OB_EPARSE },
		{ "/a?x=%ED%A0%80", OB_EPARSE }, /* a surrogate */
		{ "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q", OB_ETOOBIG },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_http_target t;
		char why[512];
		ob_err e = ob_http_parse_target(cases[i].in, strlen(cases[i].in), &t, why, sizeof(why));

		if (e != cases[i].want)
			fail_msg("«%s»: %s, expected %s", cases[i].in, ob_err_name(e),
			         ob_err_name(cases[i].want));
		assert_true(why[0] != '\0');
		/* the message goes into JSON: it must be valid UTF-8 */
		assert_int_equal(ob_utf8_valid_len(why, strlen(why)), strlen(why));
		assert_null(t.mem);
		assert_int_equal(t.nseg + t.nparams, 0);
	}
}

static void limits(void **state)
{
	struct ob_buf b = OB_BUF_INIT(OB_HTTP_MAX_URI * 2);
	struct ob_http_target t;
	char why[512];
	(void)state;

	/* many parameters */
	ob_buf_puts(&b, "/a?");
	for (int i = 0; i <= OB_HTTP_MAX_PARAMS; i++)
		ob_buf_putf(&b, "p%d=%d&", i, i);
	assert_int_equal(ob_http_parse_target(b.ptr, b.len, &t, why, sizeof(why)), OB_ETOOBIG);
	/* exactly the limit is fine */
	ob_buf_reset(&b);
	ob_buf_puts(&b, "/a?");
	for (int i = 0; i < OB_HTTP_MAX_PARAMS; i++)
		ob_buf_putf(&b, "p%d=%d&", i, i);
	assert_int_equal(ob_http_parse_target(b.ptr, b.len, &t, why, sizeof(why)), OB_OK);
	assert_int_equal(t.nparams, OB_HTTP_MAX_PARAMS);
	assert_string_equal(ob_http_param(&t, "p7"), "7");
	assert_null(ob_http_param(&t, "p99"));
	ob_http_target_release(&t);
	/* a long target */
	ob_buf_reset(&b);
	ob_buf_puts(&b, "/a?x=");
	while (b.len <= OB_HTTP_MAX_URI)
		ob_buf_putc(&b, 'y');
	assert_int_equal(ob_http_parse_target(b.ptr, b.len, &t, why, sizeof(why)), OB_ETOOBIG);
	/* an embedded NUL */
	assert_int_equal(ob_http_parse_target("/a\0b", 4, &t, why, sizeof(why)), OB_EPARSE);
	ob_buf_release(&b);
}

/* Encoding any UTF-8 text and parsing it back gives the text. */
static void encode_roundtrip(void **state)
{
	static const char *const texts[] = {
		"San José", "a&b=c", "100%", "x+y", "/../", "ñ€𝄞", "~._-", "\"'<>",
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(texts); i++) {
		struct ob_buf b = OB_BUF_INIT(1024);
		struct ob_http_target t;
		char why[512];

		ob_buf_puts(&b, "/x/");
		ob_http_encode(&b, texts[i], strlen(texts[i]));
		ob_buf_puts(&b, "?v=");
		ob_http_encode(&b, texts[i], strlen(texts[i]));
		if (!strcmp(texts[i], "/../")) {
			/* an encoded slash in a segment is refused */
			assert_int_equal(ob_http_parse_target(b.ptr, b.len, &t, why, sizeof(why)),
			                 OB_EPARSE);
		} else {
			assert_int_equal(ob_http_parse_target(b.ptr, b.len, &t, why, sizeof(why)), OB_OK);
			assert_string_equal(t.seg[1], texts[i]);
			assert_string_equal(ob_http_param(&t, "v"), texts[i]);
			ob_http_target_release(&t);
		}
		ob_buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted),
		cmocka_unit_test(refused),
		cmocka_unit_test(limits),
		cmocka_unit_test(encode_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
