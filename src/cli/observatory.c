/* observatory.c - make a new observatory directory with its store and
 * default catalogue (see observatory.h). */
#include "cli/observatory.h"

#include <sys/stat.h>
#include <time.h>

#include "catalog/catalog.h"
#include "store/store.h"

ob_err ob_observatory_create(const char *dir, FILE *summary, struct ob_diag *d)
{
	return ob_observatory_create_in(dir, NULL, summary, d);
}

ob_err ob_observatory_create_in(const char *dir, const char *url, FILE *summary,
                                struct ob_diag *d)
{
	struct ob_store *s = NULL;
	char stamp[32];
	time_t now = time(NULL);
	ob_err e;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return OB_DIAG(d, OB_EIO, dir, 0, 0, NULL, 0,
		               "no se pudo crear el directorio: %s",
		               "cannot create the directory: %s", strerror(errno));
	if ((e = url ? ob_store_create_url(dir, url, &s, d)
	             : ob_store_open(dir, OB_STORE_CREATE, &s, d)))
		return e;
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if ((e = ob_store_meta_set(s, "created_at", stamp, d)) ||
	    (e = ob_store_meta_set(s, "created_by", "observa " OB_VERSION, d)) ||
	    (e = ob_catalog_write_default(dir, d)) || (e = ob_catalog_load(s, dir, d)))
		goto close_store;
	if (summary) {
		fprintf(summary,
		        OB_TR("Catálogo cargado desde %s/%s:\n", "Catalogue loaded from %s/%s:\n"),
		        dir, OB_CATALOG_DIR);
		ob_catalog_print_summary(s, summary, d);
		fprintf(summary, OB_TR(
		        "\nAVISO: la población municipal es una ESTIMACIÓN (reparto del total nacional),\n"
		        "salvo Costa Rica 2015-2019 (INEC, oficial); las tasas municipales calculadas con\n"
		        "ella no son fiables. Importe las cifras oficiales con «observa population import».\n"
		        "Fuentes y métodos: %s/%s/SOURCES.md\n",
		        "\nNOTICE: municipal populations are ESTIMATES (a split of the national total),\n"
		        "except Costa Rica 2015-2019 (INEC, official); municipal rates computed with them\n"
		        "are not reliable. Import the official figures with \"observa population import\".\n"
		        "Sources and methods: %s/%s/SOURCES.md\n"),
		        dir, OB_CATALOG_DIR);
	}
close_store:
	ob_store_close(s);
	return e;
}
