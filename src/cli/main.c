/*
 * main.c - observa's entry point: finds the subcommand in the table and runs
 * it. "observa --help" lists the commands; "observa CMD --help" is handled
 * by each command.
 */
#include "base/common.h"
#include "cli/builtin.h"

#include <locale.h>

const struct ob_command ob_commands[] = {
	{ "init", cmd_init, "crea un observatorio", "create an observatory" },
	{ "demo", cmd_demo, "observatorio de demostración con datos sintéticos",
	  "demo observatory with synthetic data" },
	{ "ingest", cmd_ingest, "ingesta archivos de una fuente", "ingest a source's files" },
	{ "log", cmd_log, "muestra la bitácora de envíos", "show the logbook" },
	{ "quarantine", cmd_quarantine, "filas rechazadas y su motivo", "rejected rows" },
	{ "catalog", cmd_catalog, "recarga el catálogo editado", "reload the edited catalogue" },
	{ "territories", cmd_territories, "lista o importa territorios", "list or import territories" },
	{ "population", cmd_population, "importa población oficial", "import official population" },
	{ "stats", cmd_stats, "estadísticas sobre cualquier CSV", "statistics on any CSV" },
	{ "index", cmd_index, "índice de priorización territorial", "prioritization index" },
	{ "indicators", cmd_indicators, "calcula indicadores con intervalos", "compute indicators" },
	{ "completeness", cmd_completeness, "qué entregó cada fuente, mes a mes",
	  "what each source delivered, month by month" },
	{ "analyze", cmd_analyze, "cuenta y cruza registros por cualquier dimensión",
	  "counts and cross-tabulations by any dimension" },
	{ "snapshot", cmd_snapshot, "reconstruye la instantánea del motor", "rebuild the engine snapshot" },
	{ "publish", cmd_publish, "publica una versión de las tablas públicas", "publish a release" },
	{ "disclosure", cmd_disclosure, "control de divulgación: umbrales, clave de celda",
	  "disclosure control: thresholds, cell key" },
	{ "serve", cmd_serve, "sirve la API HTTP", "serve the HTTP API" },
	{ "user", cmd_user, "usuarios, roles y credenciales", "users, roles and tokens" },
	{ "audit", cmd_audit, "lista o verifica la bitácora de auditoría",
	  "list or verify the audit log" },
	{ "link", cmd_link, "enlaza o deduplica registros de personas", "link or deduplicate person records" },
	{ "reconcile", cmd_reconcile, "concilia las muertes violentas entre fuentes",
	  "reconcile violent deaths across sources" },
	{ "review", cmd_review, "revisión manual de pares dudosos", "clerical review of doubtful pairs" },
	{ "version", cmd_version, "muestra la versión", "print the version" },
};
const unsigned ob_commands_count = OB_ARRAY_SIZE(ob_commands);

static void usage(FILE *out)
{
	fprintf(out,
	        "uso / usage: observa [--help] [--version] COMANDO [ARGS]\n\n"
	        "observa: sistema de información de seguridad ciudadana.\n"
	        "observa: citizen-security information system.\n\n"
	        "Comandos / commands:\n");
	for (unsigned i = 0; i < ob_commands_count; i++)
		fprintf(out, "  %-12s %s / %s\n", ob_commands[i].name,
		        ob_commands[i].summary_es, ob_commands[i].summary_en);
	fprintf(out, "\n\"observa COMANDO --help\" describe cada comando.\n");
}

int main(int argc, char **argv)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	if (argc < 2) {
		usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return OB_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	for (unsigned i = 0; i < ob_commands_count; i++)
		if (!strcmp(argv[1], ob_commands[i].name))
			return ob_commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "observa: comando desconocido «%s» / unknown command\n", argv[1]);
	usage(stderr);
	return OB_EXIT_USAGE;
}
