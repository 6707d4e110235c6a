/* observatory.c - make a new observatory directory with its store (see observatory.h). */
#include "cli/observatory.h"

#include <sys/stat.h>
#include <time.h>

#include "store/store.h"

ob_err ob_observatory_create(const char *dir, struct ob_diag *d)
{
	struct ob_store *s = NULL;
	char stamp[32];
	time_t now = time(NULL);
	ob_err e;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return ob_diag_set(d, OB_EIO, dir, 0, 0, NULL, 0,
		                   "no se pudo crear el directorio: %s", strerror(errno));
	if ((e = ob_store_open(dir, OB_STORE_CREATE, &s, d)))
		return e;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if ((e = ob_store_meta_set(s, "created_at", stamp, d)) ||
	    (e = ob_store_meta_set(s, "created_by", "observa " OB_VERSION, d))) {
		ob_store_close(s);
		return e;
	}
	ob_store_close(s);
	return OB_OK;
}
