/* cmd_init.c - "observa init DIR": make an observatory with its store and
 * default catalogue. */
#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/observatory.h"
#include "store/store.h"

void cmd_init_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa init DIR\n\n"
	"Crea un observatorio en DIR: su almacén (SQLite, WAL) y el catálogo por\n"
	"defecto (territorios, población, ICCS, cruces de etiquetas, perfiles de\n"
	"fuentes) como archivos de texto editables en DIR/catalog.\n",
	"usage: observa init DIR\n\n"
	"Creates an observatory in DIR: its store (SQLite, WAL) and the default\n"
	"catalogue (territories, population, ICCS, label crosswalks, source profiles)\n"
	"as editable text files in DIR/catalog.\n"), out);
}

int cmd_init(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	struct ob_diag d;
	char msg[OB_MAX_MESSAGE];
	const char *dir;

	(void)ctx;
	if (argc != 2) {
		cmd_init_usage(stderr);
		return OB_EXIT_USAGE;
	}
	dir = argv[1];
	ob_diag_clear(&d);
	if (ob_observatory_create(dir, stdout, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		ob_error("%s", msg);
		return d.code == OB_EEXISTS ? OB_EXIT_FAIL
		       : d.code == OB_EIO || d.code == OB_ESTORE ? OB_EXIT_SYSTEM
		                                                 : OB_EXIT_FAIL;
	}
	OB_INFO("observatorio creado en %s (esquema %d)", "observatory created in %s (schema %d)",
	        dir, ob_store_schema_version());
	return OB_EXIT_OK;
}
