/* cmd_version.c - "observa version": program and store schema versions. */
#include "base/common.h"
#include "cli/builtin.h"
#include "store/store.h"

void cmd_version_usage(FILE *out)
{
	fputs(OB_TR("uso: observa version\n\n"
	            "Muestra la versión de observa y la del esquema del almacén.\n",
	            "usage: observa version\n\n"
	            "Prints observa's version and the version of its store schema.\n"), out);
}

int cmd_version(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	printf(OB_TR("observa %s (esquema %d)\n", "observa %s (schema %d)\n"), OB_VERSION,
	       ob_store_schema_version());
	return OB_EXIT_OK;
}
