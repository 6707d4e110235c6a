/* cmd_version.c - "observa version": program and store schema versions. */
#include "base/common.h"
#include "cli/builtin.h"
#include "store/store.h"

int cmd_version(int argc, char **argv)
{
	if (ob_wants_help(argc, argv)) {
		printf("uso / usage: observa version\n\n"
		       "Muestra la versión de observa y la del esquema del almacén.\n"
		       "Prints observa's version and its store schema version.\n");
		return OB_EXIT_OK;
	}
	printf("observa %s (esquema / schema %d)\n", OB_VERSION, ob_store_schema_version());
	return OB_EXIT_OK;
}
