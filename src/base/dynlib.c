/* dynlib.c - shared libraries loaded on first use (base/dynlib.h). */
#include "base/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* Open every library and fill the table; false with dl->why set. */
static int load(struct ob_dynlib *dl)
{
	void *h[8];

	if (dl->nlibs > sizeof(h) / sizeof(h[0])) {
		snprintf(dl->why, sizeof(dl->why), "%zu libraries (at most %zu)", dl->nlibs,
		         sizeof(h) / sizeof(h[0]));
		return 0;
	}
	for (size_t i = 0; i < dl->nlibs; i++) {
		/* never closed: the table points into it for the process's life */
		h[i] = dlopen(dl->libs[i].soname, RTLD_NOW | RTLD_LOCAL);
		if (!h[i]) {
			snprintf(dl->why, sizeof(dl->why), "%s (%s, %s)", dl->libs[i].soname,
			         dl->libs[i].package, dlerror());
			return 0;
		}
	}
	for (size_t i = 0; i < dl->nfns; i++) {
		const struct ob_dynlib_fn *f = &dl->fns[i];
		void *sym = f->lib < dl->nlibs ? dlsym(h[f->lib], f->name) : NULL;

		if (!sym) {
			snprintf(dl->why, sizeof(dl->why), "%s: %s (%s)",
			         f->lib < dl->nlibs ? dl->libs[f->lib].soname : "?", f->name,
			         f->lib < dl->nlibs ? dl->libs[f->lib].package : "?");
			return 0;
		}
		/* a data pointer into a function pointer: copied, as POSIX allows */
		memcpy((char *)dl->table + f->offset, &sym, sizeof(sym));
	}
	return 1;
}

ob_err ob_dynlib_load(struct ob_dynlib *dl, struct ob_diag *d)
{
	char es[OB_DYNLIB_WHY_MAX + 128], en[OB_DYNLIB_WHY_MAX + 128];
	int ok;

	pthread_mutex_lock(&dl->lock);
	if (!dl->tried) {
		dl->ok = load(dl);
		dl->tried = 1;
	}
	ok = dl->ok;
	pthread_mutex_unlock(&dl->lock);
	if (ok)
		return OB_OK;
	snprintf(es, sizeof(es), "no se pudo cargar %s, %s: instale el paquete", dl->what_es,
	         dl->why);
	snprintf(en, sizeof(en), "cannot load %s, %s: install the package", dl->what_en, dl->why);
	return ob_diag_set_texts(d, OB_ENOENT, NULL, 0, 0, NULL, 0, es, en);
}
