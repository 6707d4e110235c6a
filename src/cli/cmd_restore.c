/* cmd_restore.c - "observa restore": a backup checked whole, then restored
 * as a new observatory. */
#include <getopt.h>

#include "base/common.h"
#include "base/log.h"
#include "cli/backup.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"

void cmd_restore_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa restore -d DIR [--store URL] COPIA\n\n"
	"Restaura la copia COPIA (de «observa backup») como el observatorio DIR, que no\n"
	"debe existir o debe estar vacío: nunca se restaura sobre un observatorio.\n"
	"Antes de copiar nada comprueba la copia entera (cada archivo con su SHA-256,\n"
	"ninguno de más, la integridad del almacén); después aplica las migraciones si\n"
	"la copia es de una versión anterior y rehace la instantánea. DIR aparece sólo\n"
	"cuando todo eso terminó bien. La copia de un almacén PostgreSQL (observa.dump,\n"
	"de pg_dump) se restaura con pg_restore, de la versión del servidor, en la base\n"
	"que nombra su store.url o en la de --store, que debe existir y estar vacía.\n\n"
	"  -d, --dir DIR      el observatorio nuevo\n"
	"  -s, --store URL    la base PostgreSQL de destino (postgresql://...)\n",
	"usage: observa restore -d DIR [--store URL] BACKUP\n\n"
	"Restores BACKUP (made by \"observa backup\") as the observatory DIR, which must\n"
	"not exist or be empty: a backup is never restored over an observatory. Before\n"
	"copying anything it checks the whole backup (every file against its SHA-256,\n"
	"no file too many, the store's integrity); then it migrates the store if the\n"
	"backup is of an older version and rebuilds the snapshot. DIR appears only\n"
	"when all of that went well. The backup of a PostgreSQL store (observa.dump,\n"
	"pg_dump's) is restored with pg_restore, of the server's version, into the\n"
	"database its store.url names or the one of --store, which must exist and be\n"
	"empty.\n\n"
	"  -d, --dir DIR      the new observatory\n"
	"  -s, --store URL    the target PostgreSQL database (postgresql://...)\n"), out);
}

int cmd_restore(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = NULL;
	struct ob_backup_result r;
	struct ob_diag d;
	double t0 = ob_now();
	int c;

	while ((c = getopt_long(argc, argv, "s:", longopts, NULL)) != -1) {
		switch (c) {
		case 's': url = optarg; break;
		default: cmd_restore_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || argv[optind][0] == '-') {
		OB_ERROR("se esperaba una COPIA", "expected one BACKUP");
		cmd_restore_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!ctx->dir_given) {
		OB_ERROR("falta -d DIR, el observatorio nuevo",
		         "-d DIR, the new observatory, is missing");
		return OB_EXIT_USAGE;
	}
	ob_diag_clear(&d);
	if (ob_backup_restore(argv[optind], ctx->dir, url, &r, &d)) {
		ob_cli_diag(&d);
		return ob_cli_status(d.code);
	}
	printf(OB_TR("%s: restaurado de %s: %zu archivos, %.1f MB; %.2f s\n",
	             "%s: restored from %s: %zu files, %.1f MB; %.2f s\n"),
	       ctx->dir, argv[optind], r.files, (double)r.bytes / 1e6, ob_now() - t0);
	return OB_EXIT_OK;
}
