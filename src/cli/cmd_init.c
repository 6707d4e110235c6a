/* cmd_init.c - "observa init DIR": make an observatory with its store and
 * default catalogue. */
#include <getopt.h>

#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/observatory.h"
#include "store/store.h"

void cmd_init_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa init DIR\n"
	"     observa init --store URL DIR\n\n"
	"Crea un observatorio en DIR: su almacén (SQLite, WAL) y el catálogo por\n"
	"defecto (territorios, población, ICCS, cruces de etiquetas, perfiles de\n"
	"fuentes) como archivos de texto editables en DIR/catalog.\n\n"
	"  --store URL   el almacén en la base PostgreSQL URL (postgresql://...; la\n"
	"                base debe existir y estar vacía) en vez de DIR/observa.db;\n"
	"                DIR/store.url la guarda. Parte de observa funciona ya con\n"
	"                PostgreSQL (docs/store.md dice qué).\n",
	"usage: observa init DIR\n"
	"       observa init --store URL DIR\n\n"
	"Creates an observatory in DIR: its store (SQLite, WAL) and the default\n"
	"catalogue (territories, population, ICCS, label crosswalks, source profiles)\n"
	"as editable text files in DIR/catalog.\n\n"
	"  --store URL   the store in the PostgreSQL database URL (postgresql://...;\n"
	"                the database must exist and be empty) instead of\n"
	"                DIR/observa.db; DIR/store.url keeps it. Part of observa\n"
	"                works on PostgreSQL already (docs/store.md says which).\n"), out);
}

int cmd_init(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_diag d;
	char msg[OB_MAX_MESSAGE];
	const char *dir, *url = NULL;
	int c;

	(void)ctx;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': url = optarg; break;
		default: cmd_init_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		cmd_init_usage(stderr);
		return OB_EXIT_USAGE;
	}
	dir = argv[optind];
	ob_diag_clear(&d);
	if (url && !ob_store_url_valid(url)) {
		OB_ERROR("--store: se esperaba la dirección de una base PostgreSQL "
		         "(postgresql://...), no «%s»",
		         "--store: expected the address of a PostgreSQL database "
		         "(postgresql://...), not «%s»", url);
		return OB_EXIT_USAGE;
	}
	if (ob_observatory_create_in(dir, url, stdout, &d)) {
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
