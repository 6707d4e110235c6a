/* test_negotiate.c - what request headers ask (http/http.h, negotiate.c):
 * gzip in Accept-Encoding, the types worth compressing, single byte ranges,
 * ETags and If-None-Match, and the download file name. */
#include "test.h"

#include "base/buf.h"
#include "http/http.h"

static void test_accepts_gzip(void **state)
{
	static const struct {
		const char *h;
		bool want;
	} cases[] = {
		{ NULL, false },
		{ "", false },
		{ "gzip", true },
		{ "GZip", true },
		{ "deflate, gzip;q=1.0, *;q=0.5", true },
		{ "br, gzip", true },
		{ "x-gzip", true },
		{ "identity", false },
		{ "gzip;q=0", false },
		{ "gzip; q=0.000", false },
		{ "gzip;q=0.001", true },
		{ "*", true },
		{ "*;q=0", false },
		{ "gzip;q=0, *", false },   /* named and refused: the star does not bring it back */
		{ "deflate, br", false },
		{ "gzipx", false },
		{ " gzip ; q=0.5 ", true },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++)
		if (ob_http_accepts_gzip(cases[i].h) != cases[i].want)
			fail_msg("Accept-Encoding «%s»: expected %d", cases[i].h ? cases[i].h : "(none)",
			         cases[i].want);
}

static void test_compressible(void **state)
{
	(void)state;
	assert_true(ob_http_compressible("text/csv; charset=utf-8; header=present"));
	assert_true(ob_http_compressible("application/json; charset=utf-8"));
	assert_true(ob_http_compressible("application/geo+json"));
	assert_true(ob_http_compressible("application/ld+json"));
	assert_true(ob_http_compressible("application/vnd.sdmx.data+json;version=2.0.0"));
	assert_false(ob_http_compressible(
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
	assert_false(ob_http_compressible("application/zip"));
	assert_false(ob_http_compressible("image/png"));
	assert_false(ob_http_compressible("application/octet-stream"));
	assert_false(ob_http_compressible(NULL));
}

static void test_range(void **state)
{
	static const struct {
		const char *h;
		uint64_t size;
		enum ob_http_range want;
		uint64_t first, last;
	} cases[] = {
		{ NULL, 100, OB_HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=0-9", 100, OB_HTTP_RANGE_OK, 0, 9 },
		{ "bytes=10-", 100, OB_HTTP_RANGE_OK, 10, 99 },
		{ "bytes=90-500", 100, OB_HTTP_RANGE_OK, 90, 99 },
		{ "bytes=-10", 100, OB_HTTP_RANGE_OK, 90, 99 },
		{ "bytes=-500", 100, OB_HTTP_RANGE_OK, 0, 99 },
		{ "bytes=99-99", 100, OB_HTTP_RANGE_OK, 99, 99 },
		{ " bytes=1-2", 100, OB_HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=100-", 100, OB_HTTP_RANGE_BAD, 0, 0 },
		{ "bytes=200-300", 100, OB_HTTP_RANGE_BAD, 0, 0 },
		{ "bytes=-0", 100, OB_HTTP_RANGE_BAD, 0, 0 },
		{ "bytes=0-0", 0, OB_HTTP_RANGE_BAD, 0, 0 },
		{ "bytes=-5", 0, OB_HTTP_RANGE_BAD, 0, 0 },
		{ "bytes=5-1", 100, OB_HTTP_RANGE_NONE, 0, 0 },     /* invalid: ignored */
		{ "bytes=0-1,5-6", 100, OB_HTTP_RANGE_NONE, 0, 0 }, /* several: the whole file */
		{ "items=0-1", 100, OB_HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=a-1", 100, OB_HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=1", 100, OB_HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=-", 100, OB_HTTP_RANGE_NONE, 0, 0 },
		{ "bytes=99999999999999999999-", 100, OB_HTTP_RANGE_NONE, 0, 0 },
		{ "BYTES=1-2", 100, OB_HTTP_RANGE_OK, 1, 2 },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		uint64_t first = 7777, last = 7777;
		enum ob_http_range got = ob_http_range_parse(cases[i].h, cases[i].size, &first, &last);
		if (got != cases[i].want)
			fail_msg("Range «%s» of %llu bytes: %d, expected %d",
			         cases[i].h ? cases[i].h : "(none)", (unsigned long long)cases[i].size,
			         (int)got, (int)cases[i].want);
		if (got == OB_HTTP_RANGE_OK) {
			assert_int_equal(first, cases[i].first);
			assert_int_equal(last, cases[i].last);
		}
	}
}

static void test_etag(void **state)
{
	char tag[80], other[80];
	(void)state;

	ob_http_etag(1387, 1700000000, 5, tag, sizeof(tag));
	assert_string_equal(tag, "\"56b-6553f100-5\"");
	ob_http_etag(1387, 1700000000, 6, other, sizeof(other));
	assert_string_not_equal(tag, other); /* rewritten within the second */
	assert_true(ob_http_etag_matches(tag, tag));
	assert_true(ob_http_etag_matches("*", tag));
	assert_true(ob_http_etag_matches("W/\"56b-6553f100-5\"", tag));
	assert_true(ob_http_etag_matches("\"x\", \"56b-6553f100-5\"", tag));
	assert_true(ob_http_etag_matches("\"56b-6553f100-5" OB_HTTP_ETAG_GZIP "\"", tag));
	assert_false(ob_http_etag_matches(other, tag));
	assert_false(ob_http_etag_matches(NULL, tag));
	assert_false(ob_http_etag_matches("", tag));
	assert_false(ob_http_etag_matches("56b-6553f100-5", tag)); /* unquoted */
	assert_false(ob_http_etag_matches("\"56b-6553f100-5", tag)); /* unclosed */
	assert_false(ob_http_etag_matches("\"56b-6553f100-5-gzz\"", tag));
	assert_false(ob_http_etag_matches("\"56b-6553f100\"", tag));
}

static void test_disposition(void **state)
{
	struct ob_buf b = OB_BUF_INIT(1024);
	(void)state;

	assert_int_equal(ob_http_disposition(&b, "2024/homicidios.csv"), OB_OK);
	assert_string_equal(b.ptr, "attachment; filename=\"homicidios.csv\"; "
	                           "filename*=UTF-8''homicidios.csv");
	ob_buf_reset(&b);
	assert_int_equal(ob_http_disposition(&b, "año \"x\".csv"), OB_OK);
	assert_string_equal(b.ptr, "attachment; filename=\"a_o _x_.csv\"; "
	                           "filename*=UTF-8''a%C3%B1o%20%22x%22.csv");
	ob_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_gzip),
		cmocka_unit_test(test_compressible),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_etag),
		cmocka_unit_test(test_disposition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
