/* render_lib.c - cairo, Pango, librsvg and fontconfig loaded on first use
 * (report/render_lib.h). */
#include "report/render_lib.h"

#include <dlfcn.h>
#include <pthread.h>

/* Each library by its soname in Debian 12, and the package that has it. */
static const struct {
	const char *name, *soname, *package;
} libs[] = {
#define LIB_cairo 0
	{ "cairo", "libcairo.so.2", "libcairo2" },
#define LIB_glib 1
	{ "glib", "libglib-2.0.so.0", "libglib2.0-0" },
#define LIB_gobject 2
	{ "gobject", "libgobject-2.0.so.0", "libglib2.0-0" },
#define LIB_pango 3
	{ "pango", "libpango-1.0.so.0", "libpango-1.0-0" },
#define LIB_pangocairo 4
	{ "pangocairo", "libpangocairo-1.0.so.0", "libpangocairo-1.0-0" },
#define LIB_rsvg 5
	{ "rsvg", "librsvg-2.so.2", "librsvg2-2" },
#define LIB_fontconfig 6
	{ "fontconfig", "libfontconfig.so.1", "libfontconfig1" },
};

static struct ob_render_lib table;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512];   /* why the load failed; "" when it did not */

static void load(void)
{
	void *h[sizeof(libs) / sizeof(libs[0])];

	for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		/* kept loaded for the process's life */
		if (!(h[i] = dlopen(libs[i].soname, RTLD_NOW | RTLD_LOCAL))) {
			snprintf(failure, sizeof(failure), "%s (%s, %s)", libs[i].soname,
			         libs[i].package, dlerror());
			return;
		}
	}
	/* a data pointer into a function pointer: copied, as POSIX allows */
#define OB_RENDER_LOAD(lib, fn)                                                         \
	{                                                                               \
		void *sym = dlsym(h[LIB_##lib], #fn);                                   \
		if (!sym) {                                                             \
			snprintf(failure, sizeof(failure), "%s: %s (%s)",               \
			         libs[LIB_##lib].soname, #fn, libs[LIB_##lib].package); \
			return;                                                         \
		}                                                                       \
		memcpy(&table.fn, &sym, sizeof(sym));                                   \
	}
	OB_RENDER_FUNCS(OB_RENDER_LOAD)
#undef OB_RENDER_LOAD
}

ob_err ob_render_load(struct ob_diag *d)
{
	pthread_once(&once, load);
	if (failure[0])
		return OB_DIAG(d, OB_ENOENT, NULL, 0, 0, NULL, 0,
		               "no se pudo cargar la biblioteca de dibujo %s: instale el paquete",
		               "cannot load the drawing library %s: install the package", failure);
	return OB_OK;
}

const struct ob_render_lib *ob_render(void)
{
	return &table;
}
