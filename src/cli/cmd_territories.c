/* cmd_territories.c - "observa territories": list territories, import units or geometry. */
#include "base/common.h"
#include "base/log.h"
#include "catalog/catalog.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "store/catalog.h"
#include "store/store.h"

void cmd_territories_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa territories [-d DIR] [--country PAÍS] [--level N]\n"
	"     observa territories import [-d DIR] ARCHIVO\n\n"
	"Lista los territorios del catálogo (separados por tabuladores: código,\n"
	"nivel, país, padre, nombre, vigente desde, vigente hasta), filtrados por\n"
	"país (código ISO3, p. ej. SLV) o nivel (0 país, 1 departamento o\n"
	"provincia, 2 municipio).\n"
	"«import» añade o reemplaza territorios desde un CSV con las columnas de\n"
	"territories.csv (code,level,country,parent,name,valid_from,valid_to,\n"
	"status,source[,note]), o geometrías desde un GeoJSON cuyos elementos\n"
	"tienen las propiedades code y name. Los cambios se guardan en DIR/catalog\n"
	"y el catálogo se vuelve a cargar.\n"
	"  -d DIR   el observatorio (por defecto, el directorio actual)\n",
	"usage: observa territories [-d DIR] [--country COUNTRY] [--level N]\n"
	"       observa territories import [-d DIR] FILE\n\n"
	"Lists the catalogue's territories (tab-separated: code, level, country,\n"
	"parent, name, valid from, valid to), filtered by country (ISO3 code, e.g.\n"
	"SLV) or level (0 country, 1 department or province, 2 municipality).\n"
	"\"import\" adds or replaces territories from a CSV file with the columns of\n"
	"territories.csv (code,level,country,parent,name,valid_from,valid_to,\n"
	"status,source[,note]), or geometry from a GeoJSON file whose features carry\n"
	"the properties code and name. Changes are saved in DIR/catalog and the\n"
	"catalogue is reloaded.\n"
	"  -d DIR   the observatory (default: the current directory)\n"), out);
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

/* How a store that did not open ends the command (as fail_diag). */
static int open_failed(const struct ob_cmd_ctx *ctx)
{
	return ctx->store_error == OB_ESTORE || ctx->store_error == OB_EIO ? OB_EXIT_SYSTEM
	                                                                   : OB_EXIT_FAIL;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static int print_territory(void *arg, const struct ob_store_territory *t)
{
	(void)arg;
	printf("%s\t%d\t%s\t%s\t%s\t%s\t%s\n", or_empty(t->code), t->level,
	       or_empty(t->country), or_empty(t->parent), or_empty(t->name),
	       or_empty(t->valid_from), or_empty(t->valid_to));
	return 0;
}

static int list(struct ob_cmd_ctx *ctx, const char *country, long long level)
{
	struct ob_store *s;
	struct ob_diag d;

	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return open_failed(ctx);
	ob_diag_clear(&d);
	printf("code\tlevel\tcountry\tparent\tname\tvalid_from\tvalid_to\n");
	if (ob_store_territories_each(s, country, level, print_territory, NULL, &d) < 0) {
		OB_ERROR("%s: error al leer el almacén: %s", "%s: error reading the store: %s",
		         ctx->dir, d.message);
		return OB_EXIT_SYSTEM;
	}
	return OB_EXIT_OK;
}

static int import(struct ob_cmd_ctx *ctx, const char *file)
{
	struct ob_store *s;
	struct ob_catalog_import res;
	struct ob_diag d;

	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING)))
		return open_failed(ctx);
	ob_diag_clear(&d);
	if (ob_catalog_import_territories(s, ctx->dir, file, &res, &d))
		return fail_diag(&d);
	printf(OB_TR("%s: %ld leídos, %ld nuevos, %ld reemplazados\n",
	             "%s: %ld read, %ld added, %ld replaced\n"), file, res.read, res.added,
	       res.replaced);
	return OB_EXIT_OK;
}

int cmd_territories(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	const char *country = NULL, *file = NULL;
	long long level = -1;
	bool importing = false;

	for (int i = 1; i < argc; i++) {
		if (i == 1 && !strcmp(argv[i], "import")) {
			importing = true;
		} else if (!importing && !strcmp(argv[i], "--country") && i + 1 < argc) {
			country = argv[++i];
		} else if (!importing && !strcmp(argv[i], "--level") && i + 1 < argc) {
			i++;
			if (!ob_parse_int(argv[i], strlen(argv[i]), 0, 3, &level)) {
				OB_ERROR("--level «%s» no válido: se esperaba de 0 a 3",
				         "--level «%s» is not valid: expected 0 to 3", argv[i]);
				return OB_EXIT_USAGE;
			}
		} else if (importing && !file && argv[i][0] != '-') {
			file = argv[i];
		} else {
			OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", argv[i]);
			cmd_territories_usage(stderr);
			return OB_EXIT_USAGE;
		}
	}
	if (importing) {
		if (!file) {
			cmd_territories_usage(stderr);
			return OB_EXIT_USAGE;
		}
		return import(ctx, file);
	}
	return list(ctx, country, level);
}
