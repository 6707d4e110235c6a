/* test_dynlib.c - libraries loaded on first use: a table filled from a real
 * library, and a missing library or function named with its package in a
 * message that says what to install; neither is retried into a crash. */
#include "test.h"

#include <zlib.h>

#include "base/dynlib.h"
#include "base/lang.h"

#define ZFUNCS(X) X(zlibVersion) X(crc32)

struct ztable {
#define MEMBER(fn) __typeof__(&fn) fn;
	ZFUNCS(MEMBER)
#undef MEMBER
};

static const struct ob_dynlib_lib zlibs[] = { { "libz.so.1", "zlib1g" } };
static const struct ob_dynlib_fn zfns[] = {
#define FN(fn) { 0, #fn, offsetof(struct ztable, fn) },
	ZFUNCS(FN)
#undef FN
};

static void fills_the_table(void **state)
{
	static struct ztable t;
	static struct ob_dynlib dl = OB_DYNLIB_INIT(zlibs, zfns, &t, "zlib", "zlib");
	struct ob_diag d = { 0 };
	const unsigned char abc[] = "abc";

	(void)state;
	assert_null(t.crc32);
	assert_int_equal(ob_dynlib_load(&dl, &d), OB_OK);
	assert_non_null(t.crc32);
	/* the loaded function computes what the linked one does */
	assert_int_equal(t.crc32(0, abc, 3), crc32(0, abc, 3));
	assert_string_equal(t.zlibVersion(), zlibVersion());
	/* a second load is the first one's result */
	assert_int_equal(ob_dynlib_load(&dl, &d), OB_OK);
}

static void missing_library(void **state)
{
	static const struct ob_dynlib_lib libs[] = { { "libz.so.1", "zlib1g" },
		                                     { "libobserva-absent.so.7", "observa-absent7" } };
	static struct ztable t;
	static struct ob_dynlib dl = OB_DYNLIB_INIT(libs, zfns, &t, "la biblioteca de prueba",
	                                            "the test library");
	struct ob_diag d = { 0 };

	(void)state;
	ob_lang_set(OB_LANG_EN);
	assert_int_equal(ob_dynlib_load(&dl, &d), OB_ENOENT);
	assert_non_null(strstr(d.message, "cannot load the test library"));
	assert_non_null(strstr(d.message, "libobserva-absent.so.7 (observa-absent7"));
	assert_non_null(strstr(d.message, "install the package"));
	assert_non_null(strstr(d.message_other, "no se pudo cargar la biblioteca de prueba"));
	/* not retried: the same answer, the table still empty */
	memset(&d, 0, sizeof(d));
	assert_int_equal(ob_dynlib_load(&dl, &d), OB_ENOENT);
	assert_non_null(strstr(d.message, "libobserva-absent.so.7"));
	assert_null(t.crc32);
}

static void missing_function(void **state)
{
	static const struct ob_dynlib_fn fns[] = {
		{ 0, "zlibVersion", offsetof(struct ztable, zlibVersion) },
		{ 0, "observa_no_such_function", offsetof(struct ztable, crc32) },
	};
	static struct ztable t;
	static struct ob_dynlib dl = OB_DYNLIB_INIT(zlibs, fns, &t, "zlib", "zlib");
	struct ob_diag d = { 0 };

	(void)state;
	ob_lang_set(OB_LANG_EN);
	assert_int_equal(ob_dynlib_load(&dl, &d), OB_ENOENT);
	assert_non_null(strstr(d.message, "libz.so.1: observa_no_such_function (zlib1g)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fills_the_table),
		cmocka_unit_test(missing_library),
		cmocka_unit_test(missing_function),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
