/* freexl_lib.c - freexl loaded on first use
 * (io/freexl_lib.h). */
#define OB_FREEXL_LIB_IMPL
#include "io/freexl_lib.h"

#include "base/dynlib.h"

enum { LIB_freexl };
static const struct ob_dynlib_lib libs[] = {
	[LIB_freexl] = { "libfreexl.so.1", "libfreexl1" },
};

static const struct ob_dynlib_fn fns[] = {
#define OB_LIB_FN(lib, fn) { LIB_##lib, #fn, offsetof(struct ob_freexl_lib, fn) },
	OB_FREEXL_FUNCS(OB_LIB_FN)
#undef OB_LIB_FN
};

static struct ob_freexl_lib table;
static struct ob_dynlib dl = OB_DYNLIB_INIT(libs, fns, &table, "la biblioteca de hojas .xls",
                                            "the .xls library");

ob_err ob_freexl_load(struct ob_diag *d)
{
	return ob_dynlib_load(&dl, d);
}

const struct ob_freexl_lib *ob_freexl(void)
{
	return &table;
}
