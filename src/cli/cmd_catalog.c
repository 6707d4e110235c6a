/* cmd_catalog.c - "observa catalog reload": load the edited catalogue files again. */
#include "base/common.h"
#include "base/log.h"
#include "catalog/catalog.h"
#include "cli/builtin.h"
#include "store/store.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "uso / usage: observa catalog reload [-d DIR]\n\n"
	        "Vuelve a cargar en el almacén los archivos del catálogo de DIR/catalog\n"
	        "(territorios, alias, población, ICCS, etiquetas, cruces, geometría) tras\n"
	        "editarlos. Todo o nada: si un archivo tiene un error, se indica archivo,\n"
	        "línea y columna, y el almacén queda como estaba.\n"
	        "  -d DIR   el observatorio (por defecto, el directorio actual)\n\n"
	        "Reloads the catalogue files of DIR/catalog into the store after they were\n"
	        "edited. All or nothing: on an error (reported with file, line and column)\n"
	        "the store is left as it was.\n"
	        "  -d DIR   the observatory (default: the current directory)\n");
}

int cmd_catalog(int argc, char **argv)
{
	const char *dir = ".";
	struct ob_store *s = NULL;
	struct ob_diag d;
	char msg[OB_MAX_MESSAGE];
	int i = 2;

	if (ob_wants_help(argc, argv)) {
		usage(stdout);
		return OB_EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "reload")) {
		usage(stderr);
		return OB_EXIT_USAGE;
	}
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			dir = argv[++i];
		} else {
			fprintf(stderr, "observa catalog: argumento inesperado «%s» / unexpected "
			                "argument\n", argv[i]);
			usage(stderr);
			return OB_EXIT_USAGE;
		}
	}
	ob_diag_clear(&d);
	if (ob_store_open(dir, OB_STORE_EXISTING, &s, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		ob_error("%s", msg);
		return d.code == OB_ENOENT ? OB_EXIT_FAIL : OB_EXIT_SYSTEM;
	}
	if (ob_catalog_load(s, dir, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		ob_error("%s", msg);
		ob_store_close(s);
		return d.code == OB_ESTORE ? OB_EXIT_SYSTEM : OB_EXIT_FAIL;
	}
	ob_catalog_print_summary(s, stdout, &d);
	ob_store_close(s);
	ob_info("catálogo recargado / catalogue reloaded");
	return OB_EXIT_OK;
}
