/* cmd_backup.c - "observa backup": a whole observatory copied, online, into
 * a new directory with a manifest of hashes; "--check" checks one. */
#include <getopt.h>

#include "base/common.h"
#include "base/log.h"
#include "cli/backup.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/disclose.h"
#include "store/submissions.h"

void cmd_backup_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa backup [-d DIR] [--purpose TEXTO] DESTINO\n"
	"     observa backup --check COPIA\n\n"
	"Copia el observatorio DIR en el directorio nuevo DESTINO mientras sigue en uso:\n"
	"el almacén tal como lo dejó su última transacción confirmada, el catálogo,\n"
	"las publicaciones y los boletines, con MANIFEST.sha256 (comprobable con\n"
	"«sha256sum -c») y backup.json. La instantánea no se copia: «observa restore»\n"
	"la rehace. La copia lleva los datos personales protegidos del almacén: queda\n"
	"en la bitácora de auditoría, y debe guardarse con el mismo cuidado.\n\n"
	"  -d, --dir DIR      observatorio (por defecto, el directorio actual)\n"
	"      --purpose T    para qué se copia (lo exige «observa audit policy»)\n"
	"      --check COPIA  comprobar una copia: cada archivo con su SHA-256 y la\n"
	"                     integridad del almacén, sin restaurar nada\n",
	"usage: observa backup [-d DIR] [--purpose TEXT] DEST\n"
	"       observa backup --check BACKUP\n\n"
	"Copies the observatory DIR into the new directory DEST while it stays in use:\n"
	"the store as its last committed transaction left it, the catalogue, the\n"
	"releases and the bulletins, with MANIFEST.sha256 (checkable with\n"
	"\"sha256sum -c\") and backup.json. The snapshot is not copied: \"observa\n"
	"restore\" rebuilds it. The backup holds the store's protected personal data:\n"
	"it is recorded in the audit log, and must be kept with the same care.\n\n"
	"  -d, --dir DIR       observatory (default: the current directory)\n"
	"      --purpose T     why it is copied (required by \"observa audit policy\")\n"
	"      --check BACKUP  check a backup: every file against its SHA-256 and the\n"
	"                      store's integrity, restoring nothing\n"), out);
}

static int count_accepted(void *arg, const struct ob_submission *e)
{
	*(long long *)arg += e->accepted;
	return 0;
}

static void print_result(const char *where, const struct ob_backup_result *r)
{
	printf(OB_TR("%s: %zu archivos, %.1f MB; almacén de esquema %d",
	             "%s: %zu files, %.1f MB; store of schema %d"),
	       where, r->files, (double)r->bytes / 1e6, r->schema);
	if (r->created[0])
		printf(OB_TR(", hecha por observa %s el %s", ", made by observa %s on %s"),
		       r->version, r->created);
	putchar('\n');
}

int cmd_backup(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "purpose", required_argument, NULL, 'P' },
		{ "check", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *purpose = NULL, *check = NULL, *dest;
	struct ob_submission_filter f = { .order = OB_SUBMISSIONS_BY_ID, .limit = -1 };
	struct ob_backup_result r;
	struct ob_cli_read rd;
	struct ob_store *s;
	struct ob_diag d;
	long long records = 0;
	double t0 = ob_now();
	int c, status;

	while ((c = getopt_long(argc, argv, "P:c:", longopts, NULL)) != -1) {
		switch (c) {
		case 'P': purpose = optarg; break;
		case 'c': check = optarg; break;
		default: cmd_backup_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	ob_diag_clear(&d);
	if (check) {
		if (optind != argc) {
			OB_ERROR("--check no lleva DESTINO", "--check takes no DEST");
			return OB_EXIT_USAGE;
		}
		if (ob_backup_verify(check, &r, &d)) {
			ob_cli_diag(&d);
			return ob_cli_status(d.code);
		}
		print_result(OB_TR("copia correcta", "backup verified"), &r);
		return OB_EXIT_OK;
	}
	if (optind + 1 != argc) {
		OB_ERROR("falta DESTINO, el directorio nuevo de la copia",
		         "DEST is missing, the backup's new directory");
		cmd_backup_usage(stderr);
		return OB_EXIT_USAGE;
	}
	dest = argv[optind];
	if (ob_backup_dest_ok(ctx->dir, dest, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_FAIL;
	}
	if (!(s = ob_cmd_store_disclose(ctx)))
		return OB_EXIT_SYSTEM;
	if (!ob_cli_purpose_ok(s, purpose))
		return OB_EXIT_USAGE;
	/* every record the store holds goes into the copy, superseded or not */
	if (ob_store_submissions_each(s, &f, count_accepted, &records, &d) < 0) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	memset(&rd, 0, sizeof(rd));
	rd.purpose = purpose;
	rd.action = "store.backup";
	rd.object = "store";
	rd.to = dest;
	rd.records = records;
	if ((status = ob_cli_disclose(s, &rd)))
		return status;
	if (ob_backup_make(s, ctx->dir, dest, &r, &d)) {
		ob_cli_diag(&d);
		return ob_cli_status(d.code) == OB_EXIT_FAIL ? OB_EXIT_SYSTEM : ob_cli_status(d.code);
	}
	print_result(dest, &r);
	if (r.skipped)
		printf(OB_TR("  %zu enlaces o archivos especiales no se copiaron\n",
		             "  %zu links or special files were not copied\n"), r.skipped);
	printf("  %.2f s\n", ob_now() - t0);
	return OB_EXIT_OK;
}
