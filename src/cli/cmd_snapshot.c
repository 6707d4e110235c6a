/* cmd_snapshot.c - "observa snapshot": rebuild the engine's columnar snapshot. */
#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/snapshot.h"

void cmd_snapshot_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa snapshot [-d DIR] [--rebuild | --update]\n\n"
	"Reconstruye la instantánea columnar de los registros vigentes\n"
	"(DIR/snapshot/records.obs) con la que se calculan los indicadores. «observa\n"
	"ingest» la pone al día al terminar (con un delta de las entregas nuevas\n"
	"cuando puede) y «observa indicators» la rehace si el almacén cambió o si el\n"
	"archivo está dañado; este comando la rehace a mano, entera, fundiendo los\n"
	"deltas.\n\n"
	"  -d, --dir DIR   observatorio (por defecto, el directorio actual)\n"
	"      --rebuild   reconstruirla entera (por defecto)\n"
	"      --update    ponerla al día: un delta si sólo hay entregas nuevas\n",
	"usage: observa snapshot [-d DIR] [--rebuild | --update]\n\n"
	"Rebuilds the columnar snapshot of the current records\n"
	"(DIR/snapshot/records.obs) that indicators are computed on. \"observa\n"
	"ingest\" brings it up to date when it finishes (with a delta of the new\n"
	"deliveries when it can) and \"observa indicators\" remakes it if the store\n"
	"changed or the file is damaged; this command remakes it by hand, whole,\n"
	"merging the deltas.\n\n"
	"  -d, --dir DIR   observatory (default: the current directory)\n"
	"      --rebuild   rebuild it whole (the default)\n"
	"      --update    bring it up to date: a delta if there are only new deliveries\n"), out);
}

int cmd_snapshot(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	struct ob_store *s;
	struct ob_snapshot *snap = NULL;
	struct ob_diag d;
	double t0 = ob_now();
	bool update = false;
	ob_err e;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rebuild")) {
			update = false;
		} else if (!strcmp(argv[i], "--update")) {
			update = true;
		} else {
			OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", argv[i]);
			cmd_snapshot_usage(stderr);
			return OB_EXIT_USAGE;
		}
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	e = update ? ob_snapshot_update(s, ctx->dir, NULL, &d) : ob_snapshot_build(s, ctx->dir, &d);
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
	if (snap->n_deltas)
		printf(OB_TR("  base y %u deltas de entregas posteriores («observa snapshot» los funde)\n",
		             "  base and %u deltas of later deliveries (\"observa snapshot\" merges them)\n"),
		       snap->n_deltas);
	ob_snapshot_close(snap);
	return OB_EXIT_OK;
}
