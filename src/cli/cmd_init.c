/* cmd_init.c - "observa init DIR": make an observatory with its store. */
#include "base/common.h"
#include "base/log.h"
#include "catalog/catalog.h"
#include "cli/builtin.h"
#include "store/store.h"

#include <sys/stat.h>
#include <time.h>

static void usage(FILE *out)
{
	fprintf(out,
	        "uso / usage: observa init DIR\n\n"
	        "Crea un observatorio en DIR: su almacén (SQLite, WAL) y el catálogo por\n"
	        "defecto (territorios, población, ICCS, cruces de etiquetas, perfiles de\n"
	        "fuentes) como archivos de texto editables en DIR/catalog.\n\n"
	        "Creates an observatory in DIR: its store and the default catalogue.\n");
}

int cmd_init(int argc, char **argv)
{
	struct ob_store *s = NULL;
	struct ob_diag d;
	char msg[OB_MAX_MESSAGE], stamp[32];
	time_t now = time(NULL);
	const char *dir;

	if (ob_wants_help(argc, argv)) {
		usage(stdout);
		return OB_EXIT_OK;
	}
	if (argc != 2) {
		usage(stderr);
		return OB_EXIT_USAGE;
	}
	dir = argv[1];
	ob_diag_clear(&d);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		ob_error("%s: no se pudo crear el directorio: %s", dir, strerror(errno));
		return OB_EXIT_SYSTEM;
	}
	if (ob_store_open(dir, OB_STORE_CREATE, &s, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		ob_error("%s", msg);
		return d.code == OB_EEXISTS ? OB_EXIT_FAIL : OB_EXIT_SYSTEM;
	}
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (ob_store_meta_set(s, "created_at", stamp, &d) ||
	    ob_store_meta_set(s, "created_by", "observa " OB_VERSION, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		ob_error("%s", msg);
		ob_store_close(s);
		return OB_EXIT_SYSTEM;
	}
	if (ob_catalog_write_default(dir, &d) || ob_catalog_load(s, dir, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		ob_error("%s", msg);
		ob_store_close(s);
		return d.code == OB_EIO || d.code == OB_ESTORE ? OB_EXIT_SYSTEM : OB_EXIT_FAIL;
	}
	printf("Catálogo cargado desde %s/%s / catalogue loaded:\n", dir, OB_CATALOG_DIR);
	ob_catalog_print_summary(s, stdout, &d);
	printf("\nAVISO: la población municipal es una ESTIMACIÓN (reparto del total nacional),\n"
	       "salvo Costa Rica 2015-2019 (INEC, oficial); las tasas municipales calculadas con\n"
	       "ella no son fiables. Importe las cifras oficiales con «observa population import».\n"
	       "NOTICE: municipal populations are ESTIMATES except Costa Rica 2015-2019 (official\n"
	       "INEC); import official figures with \"observa population import\".\n"
	       "Fuentes y métodos / sources and methods: %s/%s/SOURCES.md\n", dir, OB_CATALOG_DIR);
	ob_store_close(s);
	ob_info("observatorio creado en %s (esquema %d)", dir, ob_store_schema_version());
	return OB_EXIT_OK;
}
