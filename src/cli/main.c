/*
 * main.c - observa's entry point: reads the options every command shares
 * (cli/options.h) before and after the command's name, finds the command in
 * the table, answers -h with its usage, and runs it with its context
 * (builtin.h), closing afterwards what the context opened. "observa --help"
 * lists the commands.
 */
#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/options.h"

#include <locale.h>

#define OBS OB_CMD_OBSERVATORY
#define RO OB_CMD_STORE_RO
#define RW OB_CMD_STORE_RW
#define SNAP OB_CMD_SNAPSHOT
const struct ob_command ob_commands[] = {
	{ "init", cmd_init, cmd_init_usage, 0,
	  "crea un observatorio", "create an observatory" },
	{ "demo", cmd_demo, cmd_demo_usage, 0,
	  "observatorio de demostración con datos sintéticos",
	  "demo observatory with synthetic data" },
	{ "ingest", cmd_ingest, cmd_ingest_usage, OBS | RW | SNAP,
	  "ingesta archivos de una fuente", "ingest a source's files" },
	{ "profile", cmd_profile, cmd_profile_usage, OBS | RO,
	  "perfil borrador de una fuente a partir de un archivo",
	  "draft source profile from a file" },
	{ "log", cmd_log, cmd_log_usage, OBS | RO,
	  "muestra la bitácora de envíos", "show the logbook of submissions" },
	{ "quarantine", cmd_quarantine, cmd_quarantine_usage, OBS | RW,
	  "filas rechazadas y su motivo", "rejected rows and why" },
	{ "catalog", cmd_catalog, cmd_catalog_usage, OBS | RW,
	  "recarga el catálogo editado", "reload the edited catalogue" },
	{ "territories", cmd_territories, cmd_territories_usage, OBS | RW,
	  "lista o importa territorios", "list or import territories" },
	{ "population", cmd_population, cmd_population_usage, OBS | RW,
	  "importa población oficial", "import official population" },
	{ "country", cmd_country, cmd_country_usage, OBS | RW,
	  "añade un país al catálogo; qué tiene y qué le falta",
	  "add a country to the catalogue; what it has and lacks" },
	{ "stats", cmd_stats, cmd_stats_usage, OB_CMD_OWN_HELP,
	  "estadísticas sobre cualquier CSV", "statistics on any CSV" },
	{ "survey", cmd_survey, cmd_survey_usage, OBS | RW | SNAP | OB_CMD_OWN_HELP,
	  "estimaciones de encuestas según su diseño", "design-based survey estimates" },
	{ "plan", cmd_plan, cmd_plan_usage, OBS | RO | SNAP | OB_CMD_OWN_HELP,
	  "seguimiento de un plan: indicadores frente a sus metas",
	  "plan monitoring: indicators against their targets" },
	{ "index", cmd_index, cmd_index_usage, OBS | RO | SNAP,
	  "índice de priorización territorial", "territorial prioritization index" },
	{ "indicators", cmd_indicators, cmd_indicators_usage, OBS | RO | SNAP,
	  "calcula indicadores con intervalos", "compute indicators with intervals" },
	{ "completeness", cmd_completeness, cmd_completeness_usage, OBS | RO | SNAP,
	  "qué entregó cada fuente, mes a mes",
	  "what each source delivered, month by month" },
	{ "alerts", cmd_alerts, cmd_alerts_usage, OBS | RO | SNAP,
	  "alerta temprana: qué subió más allá del azar", "early warning: what rose beyond chance" },
	{ "analyze", cmd_analyze, cmd_analyze_usage, OBS | RO | SNAP | OB_CMD_SNAPSHOT_LAZY,
	  "cuenta y cruza registros por cualquier dimensión",
	  "counts and cross-tabulations by any dimension" },
	{ "situation", cmd_situation, cmd_situation_usage, OBS | RO | SNAP,
	  "análisis situacional: qué cambió en un territorio y periodo",
	  "situational analysis: what changed in a territory and period" },
	{ "snapshot", cmd_snapshot, cmd_snapshot_usage, OBS | RO,
	  "reconstruye la instantánea del motor", "rebuild the engine snapshot" },
	{ "publish", cmd_publish, cmd_publish_usage, OBS | RO,
	  "publica una versión de las tablas públicas", "publish a release of the public tables" },
	{ "report", cmd_report, cmd_report_usage, OBS | RO | SNAP,
	  "boletín de un territorio y un año", "bulletin of a territory and a year" },
	{ "disclosure", cmd_disclosure, cmd_disclosure_usage, OBS,
	  "control de divulgación: umbrales, clave de celda",
	  "disclosure control: thresholds, cell key" },
	{ "serve", cmd_serve, cmd_serve_usage, OBS,
	  "sirve la API HTTP", "serve the HTTP API" },
	{ "user", cmd_user, cmd_user_usage, OBS | RW,
	  "usuarios, roles y credenciales", "users, roles and tokens" },
	{ "case", cmd_case, cmd_case_usage, OBS | RW,
	  "casos: tipos, estados, plazos y alertas", "cases: types, states, deadlines and alerts" },
	{ "missing", cmd_missing, cmd_missing_usage, OBS | RW | OB_CMD_OWN_HELP,
	  "personas desaparecidas: estadísticas sin identidades",
	  "missing persons: statistics without identities" },
	{ "registry", cmd_registry, cmd_registry_usage, OBS | RW | OB_CMD_OWN_HELP,
	  "registro restringido: búsquedas con propósito, vencimientos, informe de accesos",
	  "restricted registry: searches with a purpose, expiry, access report" },
	{ "audit", cmd_audit, cmd_audit_usage, OBS | RW,
	  "lista o verifica la bitácora de auditoría",
	  "list or verify the audit log" },
	{ "link", cmd_link, cmd_link_usage, OBS | RW,
	  "enlaza o deduplica registros de personas", "link or deduplicate person records" },
	{ "reconcile", cmd_reconcile, cmd_reconcile_usage, OBS | RW,
	  "concilia las muertes violentas entre fuentes",
	  "reconcile violent deaths across sources" },
	{ "review", cmd_review, cmd_review_usage, OBS | RW,
	  "revisión manual de pares dudosos", "manual review of doubtful pairs" },
	{ "harvest", cmd_harvest, cmd_harvest_usage, OBS | RW,
	  "cosecha publicaciones nacionales en un observatorio regional",
	  "harvest national releases into a regional observatory" },
	{ "backup", cmd_backup, cmd_backup_usage, OBS | RW,
	  "copia el observatorio en uso, con sus hashes", "back up the observatory while in use" },
	{ "restore", cmd_restore, cmd_restore_usage, OBS,
	  "restaura una copia como observatorio nuevo", "restore a backup as a new observatory" },
	{ "version", cmd_version, cmd_version_usage, 0,
	  "muestra la versión", "print the version" },
};
#undef OBS
#undef RO
#undef RW
#undef SNAP
const unsigned ob_commands_count = OB_ARRAY_SIZE(ob_commands);

static void usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa [--help] [--version] [-d DIR] [--lang es|en] [--quiet]\n"
	"             COMANDO [ARGS]\n\n"
	"observa: sistema de información de seguridad ciudadana.\n\n"
	"Opciones de todos los comandos (antes o después del comando):\n"
	"  -d, --dir DIR    el observatorio (por omisión, el directorio actual)\n"
	"  --lang es|en     idioma de los mensajes (por omisión español, o OBSERVA_LANG,\n"
	"                   o el de la configuración regional)\n"
	"  -q, --quiet      sin información ni avisos\n"
	"  -h, --help       la ayuda del comando\n\n"
	"Comandos:\n",
	"usage: observa [--help] [--version] [-d DIR] [--lang es|en] [--quiet]\n"
	"               COMMAND [ARGS]\n\n"
	"observa: citizen-security information system.\n\n"
	"Options of every command (before or after the command):\n"
	"  -d, --dir DIR    the observatory (default: the current directory)\n"
	"  --lang es|en     language of messages (Spanish by default, or OBSERVA_LANG,\n"
	"                   or that of the locale)\n"
	"  -q, --quiet      no information or warnings\n"
	"  -h, --help       the command's help\n\n"
	"Commands:\n"), out);
	for (unsigned i = 0; i < ob_commands_count; i++)
		fprintf(out, "  %-12s %s\n", ob_commands[i].name,
		        OB_TR(ob_commands[i].summary_es, ob_commands[i].summary_en));
	fputs(OB_TR("\n\"observa COMANDO --help\" describe cada comando.\n",
	            "\n\"observa COMMAND --help\" describes each command.\n"), out);
}

static const struct ob_command *find(const char *name)
{
	for (unsigned i = 0; i < ob_commands_count; i++)
		if (!strcmp(name, ob_commands[i].name))
			return &ob_commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	struct ob_cmd_ctx ctx = { .dir = "." };
	const struct ob_command *cmd;
	enum ob_cli_common r;
	int status;

	setlocale(LC_CTYPE, "C.UTF-8");
	/* the shared options before the command's name */
	if ((r = ob_cli_common_options(&ctx, 0, &argc, argv, 1, true)) == OB_CLI_ERROR)
		return OB_EXIT_USAGE;
	if (argc < 2) {
		usage(r == OB_CLI_HELP ? stdout : stderr);
		return r == OB_CLI_HELP ? OB_EXIT_OK : OB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return OB_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		argv[1] = "version";
	if (!(cmd = find(argv[1]))) {
		OB_ERROR("comando desconocido «%s»", "unknown command «%s»", argv[1]);
		usage(stderr);
		return OB_EXIT_USAGE;
	}
	ctx.cmd = cmd;
	argc--;
	argv++;
	/* and after it */
	if (r != OB_CLI_HELP)
		r = ob_cli_common_options(&ctx, cmd->flags, &argc, argv, 1, false);
	if (r == OB_CLI_ERROR)
		return OB_EXIT_USAGE;
	if (ctx.dir_given && !(cmd->flags & OB_CMD_OBSERVATORY)) {
		OB_ERROR("-d: «observa %s» no trabaja sobre un observatorio existente",
		         "-d: «observa %s» does not work on an existing observatory", cmd->name);
		return OB_EXIT_USAGE;
	}
	if (r == OB_CLI_HELP) { /* after the name only without OB_CMD_OWN_HELP */
		cmd->usage(stdout);
		return OB_EXIT_OK;
	}
	if (ctx.quiet)
		ob_log_set_quiet(true);
	ctx.lang = ob_lang();
	status = cmd->fn(&ctx, argc, argv);
	ob_cmd_release(&ctx);
	return status;
}
