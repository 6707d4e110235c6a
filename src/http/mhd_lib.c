/* mhd_lib.c - libmicrohttpd loaded on first use
 * (http/mhd_lib.h). */
#define OB_MHD_LIB_IMPL
#include "http/mhd_lib.h"

#include "base/dynlib.h"

enum { LIB_mhd };
static const struct ob_dynlib_lib libs[] = {
	[LIB_mhd] = { "libmicrohttpd.so.12", "libmicrohttpd12" },
};

static const struct ob_dynlib_fn fns[] = {
#define OB_LIB_FN(lib, fn) { LIB_##lib, #fn, offsetof(struct ob_mhd_lib, fn) },
	OB_MHD_FUNCS(OB_LIB_FN)
#undef OB_LIB_FN
};

static struct ob_mhd_lib table;
static struct ob_dynlib dl = OB_DYNLIB_INIT(libs, fns, &table, "el servidor HTTP",
                                            "the HTTP server");

ob_err ob_mhd_load(struct ob_diag *d)
{
	return ob_dynlib_load(&dl, d);
}

const struct ob_mhd_lib *ob_mhd(void)
{
	return &table;
}
