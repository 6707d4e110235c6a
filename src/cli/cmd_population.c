/* cmd_population.c - "observa population import": load official population tables. */
#include "base/common.h"
#include "base/log.h"
#include "catalog/catalog.h"
#include "cli/builtin.h"
#include "store/store.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "uso / usage: observa population import [-d DIR] ARCHIVO\n\n"
	        "Importa cifras de población desde un CSV con las columnas de population.csv\n"
	        "(territory,year,sex,population,status,source; sex T, F o M; status official,\n"
	        "estimate o provisional). Cada fila reemplaza la del mismo territorio, año y\n"
	        "sexo, salvo que la existente sea oficial y la nueva no: las cifras oficiales\n"
	        "reemplazan a las estimaciones, nunca al revés. Los cambios se guardan en\n"
	        "DIR/catalog/population.csv y el catálogo se vuelve a cargar.\n"
	        "  -d DIR   el observatorio (por defecto, el directorio actual)\n\n"
	        "Imports population figures from a CSV file with the columns of\n"
	        "population.csv. A row replaces the one of the same territory, year and sex\n"
	        "unless that one is official and the new one is not: official figures\n"
	        "replace estimates, never the reverse. Changes are saved in\n"
	        "DIR/catalog/population.csv and the catalogue is reloaded.\n"
	        "  -d DIR   the observatory (default: the current directory)\n");
}

int cmd_population(int argc, char **argv)
{
	const char *dir = ".", *file = NULL;
	struct ob_store *s = NULL;
	struct ob_catalog_import res;
	struct ob_diag d;
	char msg[OB_MAX_MESSAGE];

	if (ob_wants_help(argc, argv)) {
		usage(stdout);
		return OB_EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "import")) {
		usage(stderr);
		return OB_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			dir = argv[++i];
		} else if (!file && argv[i][0] != '-') {
			file = argv[i];
		} else {
			fprintf(stderr, "observa population: argumento inesperado «%s» / unexpected "
			                "argument\n", argv[i]);
			usage(stderr);
			return OB_EXIT_USAGE;
		}
	}
	if (!file) {
		usage(stderr);
		return OB_EXIT_USAGE;
	}
	ob_diag_clear(&d);
	if (ob_store_open(dir, OB_STORE_EXISTING, &s, &d) ||
	    ob_catalog_import_population(s, dir, file, &res, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		ob_error("%s", msg);
		ob_store_close(s);
		return d.code == OB_ESTORE || d.code == OB_EIO ? OB_EXIT_SYSTEM : OB_EXIT_FAIL;
	}
	ob_store_close(s);
	printf("%s: %ld leídas, %ld nuevas, %ld reemplazadas, %ld no aplicadas (ya había una "
	       "cifra oficial) / %ld read, %ld added, %ld replaced, %ld kept official\n",
	       file, res.read, res.added, res.replaced, res.kept, res.read, res.added,
	       res.replaced, res.kept);
	return OB_EXIT_OK;
}
