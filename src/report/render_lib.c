/* render_lib.c - cairo, Pango and librsvg loaded on first use
 * (report/render_lib.h). */
#include "report/render_lib.h"

#include "base/dynlib.h"

/* Each library by its soname in Debian 12, and the package that has it. */
enum { LIB_cairo, LIB_glib, LIB_gobject, LIB_pango, LIB_pangocairo, LIB_rsvg };
static const struct ob_dynlib_lib libs[] = {
	[LIB_cairo] = { "libcairo.so.2", "libcairo2" },
	[LIB_glib] = { "libglib-2.0.so.0", "libglib2.0-0" },
	[LIB_gobject] = { "libgobject-2.0.so.0", "libglib2.0-0" },
	[LIB_pango] = { "libpango-1.0.so.0", "libpango-1.0-0" },
	[LIB_pangocairo] = { "libpangocairo-1.0.so.0", "libpangocairo-1.0-0" },
	[LIB_rsvg] = { "librsvg-2.so.2", "librsvg2-2" },
};

static const struct ob_dynlib_fn fns[] = {
#define OB_RENDER_FN(lib, fn) { LIB_##lib, #fn, offsetof(struct ob_render_lib, fn) },
	OB_RENDER_FUNCS(OB_RENDER_FN)
#undef OB_RENDER_FN
};

static struct ob_render_lib table;
static struct ob_dynlib dl = OB_DYNLIB_INIT(libs, fns, &table, "la biblioteca de dibujo",
                                            "the drawing library");

ob_err ob_render_load(struct ob_diag *d)
{
	return ob_dynlib_load(&dl, d);
}

const struct ob_render_lib *ob_render(void)
{
	return &table;
}
