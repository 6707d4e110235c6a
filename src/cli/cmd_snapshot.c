/* cmd_snapshot.c - "observa snapshot": rebuild the engine's columnar snapshot. */
#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/snapshot.h"

void cmd_snapshot_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa snapshot [-d DIR]\n\n"
	"Reconstruye la instantánea columnar de los registros vigentes\n"
	"(DIR/snapshot/records.obs) con la que se calculan los indicadores. «observa\n"
	"ingest» la reconstruye al terminar y «observa indicators» la rehace si el\n"
	"almacén cambió o si el archivo está dañado; este comando la rehace a mano.\n\n"
	"  -d, --dir DIR   observatorio (por defecto, el directorio actual)\n",
	"usage: observa snapshot [-d DIR]\n\n"
	"Rebuilds the columnar snapshot of the current records\n"
	"(DIR/snapshot/records.obs) that indicators are computed on. \"observa\n"
	"ingest\" rebuilds it when it finishes and \"observa indicators\" remakes it if\n"
	"the store changed or the file is damaged; this command remakes it by hand.\n\n"
	"  -d, --dir DIR   observatory (default: the current directory)\n"), out);
}

int cmd_snapshot(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	struct ob_store *s;
	struct ob_snapshot *snap = NULL;
	struct ob_diag d;
	double t0 = ob_now();
	ob_err e;

	if (argc > 1) {
		OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", argv[1]);
		cmd_snapshot_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	e = ob_snapshot_build(s, ctx->dir, &d);
	if (!e)
		e = ob_snapshot_open(ctx->dir, &snap, &d);
	if (e) {
		ob_cli_diag(&d);
		return ob_cli_status(e) == OB_EXIT_FAIL ? OB_EXIT_SYSTEM : ob_cli_status(e);
	}
	printf(OB_TR("instantánea: %llu registros vigentes, %llu víctimas, %u territorios, "
	             "%u categorías, %u fuentes, %u periodos entregados; %.2f s\n",
	             "snapshot: %llu current records, %llu victims, %u territories, "
	             "%u categories, %u sources, %u delivered periods; %.2f s\n"),
	       (unsigned long long)snap->n, (unsigned long long)snap->victims, snap->n_units,
	       snap->n_categories, snap->n_sources,
	       snap->n_coverage, ob_now() - t0);
	ob_snapshot_close(snap);
	return OB_EXIT_OK;
}
