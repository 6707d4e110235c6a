/* curl_lib.c - libcurl loaded on first use (io/curl_lib.h). */
#define OB_CURL_LIB_IMPL
#include "io/curl_lib.h"

#include "base/dynlib.h"

#include <pthread.h>

enum { LIB_curl };
static const struct ob_dynlib_lib libs[] = {
	[LIB_curl] = { "libcurl-gnutls.so.4", "libcurl3-gnutls" },
};

static const struct ob_dynlib_fn fns[] = {
#define OB_LIB_FN(lib, fn) { LIB_##lib, #fn, offsetof(struct ob_curl_lib, fn) },
	OB_CURL_FUNCS(OB_LIB_FN)
#undef OB_LIB_FN
};

static struct ob_curl_lib table;
static struct ob_dynlib dl = OB_DYNLIB_INIT(libs, fns, &table, "la biblioteca HTTP (libcurl)",
                                            "the HTTP library (libcurl)");

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
	global_rc = table.curl_global_init(CURL_GLOBAL_DEFAULT);
}

ob_err ob_curl_load(struct ob_diag *d)
{
	ob_err e = ob_dynlib_load(&dl, d);

	if (e)
		return e;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK)
		return OB_DIAG(d, OB_EIO, "libcurl", 0, 0, NULL, 0,
		               "no se pudo iniciar libcurl (código %d)",
		               "libcurl could not be initialised (code %d)", (int)global_rc);
	return OB_OK;
}

const struct ob_curl_lib *ob_curl(void)
{
	return &table;
}
