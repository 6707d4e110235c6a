/* zip_lib.c - libzip loaded on first use
 * (io/zip_lib.h). */
#define OB_ZIP_LIB_IMPL
#include "io/zip_lib.h"

#include "base/dynlib.h"

enum { LIB_zip };
static const struct ob_dynlib_lib libs[] = {
	[LIB_zip] = { "libzip.so.4", "libzip4" },
};

static const struct ob_dynlib_fn fns[] = {
#define OB_LIB_FN(lib, fn) { LIB_##lib, #fn, offsetof(struct ob_zip_lib, fn) },
	OB_ZIP_FUNCS(OB_LIB_FN)
#undef OB_LIB_FN
};

static struct ob_zip_lib table;
static struct ob_dynlib dl = OB_DYNLIB_INIT(libs, fns, &table, "la biblioteca ZIP",
                                            "the ZIP library");

ob_err ob_zip_load(struct ob_diag *d)
{
	return ob_dynlib_load(&dl, d);
}

const struct ob_zip_lib *ob_zip(void)
{
	return &table;
}
