/* cmd_catalog.c - "observa catalog reload": load the edited catalogue files again. */
#include "base/common.h"
#include "base/log.h"
#include "catalog/catalog.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "store/store.h"

void cmd_catalog_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa catalog reload [-d DIR]\n\n"
	"Vuelve a cargar en el almacén los archivos del catálogo de DIR/catalog\n"
	"(territorios, alias, población, ICCS, etiquetas, cruces, geometría) tras\n"
	"editarlos. Todo o nada: si un archivo tiene un error, se indica archivo,\n"
	"línea y columna, y el almacén queda como estaba.\n"
	"  -d DIR   el observatorio (por defecto, el directorio actual)\n",
	"usage: observa catalog reload [-d DIR]\n\n"
	"Reloads the catalogue files of DIR/catalog (territories, aliases,\n"
	"population, ICCS, labels, crosswalks, geometry) into the store after they\n"
	"were edited. All or nothing: if a file has an error, the message gives file,\n"
	"line and column, and the store is left as it was.\n"
	"  -d DIR   the observatory (default: the current directory)\n"), out);
}

int cmd_catalog(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	struct ob_store *s;
	struct ob_diag d;
	char msg[OB_MAX_MESSAGE];

	if (argc < 2 || strcmp(argv[1], "reload")) {
		cmd_catalog_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (argc > 2) {
		OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", argv[2]);
		cmd_catalog_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING)))
		return ctx->store_error == OB_ENOENT ? OB_EXIT_FAIL : OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	if (ob_catalog_load(s, ctx->dir, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		ob_error("%s", msg);
		return d.code == OB_ESTORE ? OB_EXIT_SYSTEM : OB_EXIT_FAIL;
	}
	ob_catalog_print_summary(s, stdout, &d);
	OB_INFO("catálogo recargado", "catalogue reloaded");
	return OB_EXIT_OK;
}
