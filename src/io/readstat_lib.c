/* readstat_lib.c - ReadStat loaded on first use (io/readstat_lib.h). */
#define OB_READSTAT_LIB_IMPL
#include "io/readstat_lib.h"

#include "base/dynlib.h"

enum { LIB_readstat };
static const struct ob_dynlib_lib libs[] = {
	[LIB_readstat] = { "libreadstat.so.1", "libreadstat1" },
};

static const struct ob_dynlib_fn fns[] = {
#define OB_LIB_FN(lib, fn) { LIB_##lib, #fn, offsetof(struct ob_readstat_lib, fn) },
	OB_READSTAT_FUNCS(OB_LIB_FN)
#undef OB_LIB_FN
};

static struct ob_readstat_lib table;
static struct ob_dynlib dl = OB_DYNLIB_INIT(libs, fns, &table,
                                            "la biblioteca de archivos SPSS y Stata",
                                            "the SPSS and Stata file library");

ob_err ob_readstat_load(struct ob_diag *d)
{
	return ob_dynlib_load(&dl, d);
}

const struct ob_readstat_lib *ob_readstat(void)
{
	return &table;
}
