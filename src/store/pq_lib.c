/* pq_lib.c - libpq loaded on first use (store/pq_lib.h). */
#define OB_PQ_LIB_IMPL
#include "store/pq_lib.h"

#include "base/dynlib.h"

enum { LIB_pq };
static const struct ob_dynlib_lib libs[] = {
	[LIB_pq] = { "libpq.so.5", "libpq5" },
};

static const struct ob_dynlib_fn fns[] = {
#define OB_LIB_FN(lib, fn) { LIB_##lib, #fn, offsetof(struct ob_pq_lib, fn) },
	OB_PQ_FUNCS(OB_LIB_FN)
#undef OB_LIB_FN
};

static struct ob_pq_lib table;
static struct ob_dynlib dl = OB_DYNLIB_INIT(libs, fns, &table,
                                            "la biblioteca de PostgreSQL (libpq)",
                                            "the PostgreSQL library (libpq)");

ob_err ob_pq_load(struct ob_diag *d)
{
	return ob_dynlib_load(&dl, d);
}

const struct ob_pq_lib *ob_pq(void)
{
	return &table;
}
