/* cmd_territories.c - "observa territories": list territories, import units or geometry. */
#include "base/common.h"
#include "base/log.h"
#include "catalog/catalog.h"
#include "cli/builtin.h"
#include "store/store.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "uso / usage: observa territories [-d DIR] [--country PAÍS] [--level N]\n"
	        "             observa territories import [-d DIR] ARCHIVO\n\n"
	        "Lista los territorios del catálogo (separados por tabuladores: código,\n"
	        "nivel, país, padre, nombre, vigente desde, vigente hasta), filtrados por\n"
	        "país (código ISO3, p. ej. SLV) o nivel (0 país, 1 departamento o\n"
	        "provincia, 2 municipio).\n"
	        "«import» añade o reemplaza territorios desde un CSV con las columnas de\n"
	        "territories.csv (code,level,country,parent,name,valid_from,valid_to,\n"
	        "status,source[,note]), o geometrías desde un GeoJSON cuyos elementos\n"
	        "tienen las propiedades code y name. Los cambios se guardan en DIR/catalog\n"
	        "y el catálogo se vuelve a cargar.\n"
	        "  -d DIR   el observatorio (por defecto, el directorio actual)\n\n"
	        "Lists the catalogue's territories (tab-separated), optionally filtered by\n"
	        "country (ISO3 code) or level (0 country, 1 admin-1, 2 admin-2).\n"
	        "\"import\" adds or replaces territories from a CSV file with the columns of\n"
	        "territories.csv, or geometry from a GeoJSON file whose features carry code\n"
	        "and name properties. Changes are saved in DIR/catalog and the catalogue is\n"
	        "reloaded.\n"
	        "  -d DIR   the observatory (default: the current directory)\n");
}

static int fail_diag(struct ob_diag *d)
{
	char msg[OB_MAX_MESSAGE];

	ob_diag_format(d, msg, sizeof(msg));
	ob_error("%s", msg);
	if (d->code == OB_ESTORE || d->code == OB_EIO)
		return OB_EXIT_SYSTEM;
	return OB_EXIT_FAIL;
}

static int list(const char *dir, const char *country, long long level)
{
	struct ob_store *s = NULL;
	struct ob_diag d;
	sqlite3_stmt *st;
	int rc;

	ob_diag_clear(&d);
	if (ob_store_open(dir, OB_STORE_READONLY, &s, &d))
		return fail_diag(&d);
	if (ob_store_prepare(s, "SELECT code, level, country, coalesce(parent, ''), name,"
	                        " coalesce(valid_from, ''), coalesce(valid_to, '') FROM territory"
	                        " WHERE (?1 IS NULL OR country = upper(?1))"
	                        " AND (?2 < 0 OR level = ?2) ORDER BY country, level, code",
	                     &st, &d)) {
		ob_store_close(s);
		return fail_diag(&d);
	}
	if (country)
		sqlite3_bind_text(st, 1, country, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, level);
	printf("code\tlevel\tcountry\tparent\tname\tvalid_from\tvalid_to\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printf("%s\t%d\t%s\t%s\t%s\t%s\t%s\n", (const char *)sqlite3_column_text(st, 0),
		       sqlite3_column_int(st, 1), (const char *)sqlite3_column_text(st, 2),
		       (const char *)sqlite3_column_text(st, 3),
		       (const char *)sqlite3_column_text(st, 4),
		       (const char *)sqlite3_column_text(st, 5),
		       (const char *)sqlite3_column_text(st, 6));
	sqlite3_finalize(st);
	ob_store_close(s);
	if (rc != SQLITE_DONE) {
		ob_error("%s: error al leer el almacén / store read error", dir);
		return OB_EXIT_SYSTEM;
	}
	return OB_EXIT_OK;
}

static int import(const char *dir, const char *file)
{
	struct ob_store *s = NULL;
	struct ob_catalog_import res;
	struct ob_diag d;

	ob_diag_clear(&d);
	if (ob_store_open(dir, OB_STORE_EXISTING, &s, &d))
		return fail_diag(&d);
	if (ob_catalog_import_territories(s, dir, file, &res, &d)) {
		ob_store_close(s);
		return fail_diag(&d);
	}
	ob_store_close(s);
	printf("%s: %ld leídos, %ld nuevos, %ld reemplazados / %ld read, %ld added, "
	       "%ld replaced\n", file, res.read, res.added, res.replaced, res.read, res.added,
	       res.replaced);
	return OB_EXIT_OK;
}

int cmd_territories(int argc, char **argv)
{
	const char *dir = ".", *country = NULL, *file = NULL;
	long long level = -1;
	bool importing = false;

	if (ob_wants_help(argc, argv)) {
		usage(stdout);
		return OB_EXIT_OK;
	}
	for (int i = 1; i < argc; i++) {
		if (i == 1 && !strcmp(argv[i], "import")) {
			importing = true;
		} else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			dir = argv[++i];
		} else if (!importing && !strcmp(argv[i], "--country") && i + 1 < argc) {
			country = argv[++i];
		} else if (!importing && !strcmp(argv[i], "--level") && i + 1 < argc) {
			i++;
			if (!ob_parse_int(argv[i], strlen(argv[i]), 0, 3, &level)) {
				fprintf(stderr, "observa territories: nivel no válido «%s»: se esperaba "
				                "0 a 3 / invalid level\n", argv[i]);
				return OB_EXIT_USAGE;
			}
		} else if (importing && !file && argv[i][0] != '-') {
			file = argv[i];
		} else {
			fprintf(stderr, "observa territories: argumento inesperado «%s» / unexpected "
			                "argument\n", argv[i]);
			usage(stderr);
			return OB_EXIT_USAGE;
		}
	}
	if (importing) {
		if (!file) {
			usage(stderr);
			return OB_EXIT_USAGE;
		}
		return import(dir, file);
	}
	return list(dir, country, level);
}
