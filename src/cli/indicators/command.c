/* command.c - "observa indicators": its usage and options (see internal.h). */
#include "cli/indicators/internal.h"

#include <getopt.h>

#include "base/log.h"
#include "cli/cliutil.h"
#include "stats/rate.h"

void cmd_indicators_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa indicators [-d DIR] [--indicator ID,...|--all]\n"
	"          [--territory CODE,...] [--children] [--level N] [--country ISO3]\n"
	"          [--period P] [--by DIM,...] [--level-conf 0.95] [--unreliable-below 20]\n"
	"          [--institution INST] [--source CODE] [--vintage FECHA] [--map SALIDA.svg]\n"
	"          [--format table|csv|json] [--lang es|en] [--threads N] [--verbose]\n"
	"     observa indicators list [-d DIR] [--lang es|en]\n\n"
	"Calcula indicadores (DIR/catalog/indicators.csv) sobre los registros vigentes:\n"
	"cada valor lleva su conteo, denominador, tasa o proporción, intervalo exacto\n"
	"(Garwood para tasas, Clopper-Pearson para proporciones) y marcas.\n\n"
	"  -d, --dir DIR          observatorio (por defecto, el directorio actual)\n"
	"  -i, --indicator IDS    indicadores separados por comas (por defecto, --all)\n"
	"  -a, --all              todos los indicadores definidos\n"
	"  -t, --territory CODES  unidades por código (p. ej. SLV0614,SLV06)\n"
	"      --children         las unidades hijas de las elegidas\n"
	"  -l, --level N          todas las unidades del nivel N (0 país, 1, 2), dentro de\n"
	"                         --territory o --country si se dan\n"
	"  -c, --country ISO3     un país (p. ej. SLV); sin nada: cada país\n"
	"  -p, --period P         2020 | 2020-Q1 | 2020-03 | 2015..2024 (cada año) |\n"
	"                         2020-01..2020-12 (cada mes) | ytd:2024-06-30 (del 1 de\n"
	"                         enero a esa fecha y los mismos días del año anterior);\n"
	"                         por defecto, cada año con entregas\n"
	"  -b, --by DIMS          desagregar por sex, age_group, minor (0-17, 18+), manner,\n"
	"                         mechanism, place, relationship, context o source\n"
	"                         (cruzados si son varios)\n"
	"      --level-conf L     nivel de confianza de los intervalos (0.95)\n"
	"      --unreliable-below N  marcar como poco fiable bajo N casos (20)\n"
	"      --institution I    contar esta institución (police, forensic, prosecutor,\n"
	"                         validated, other) en vez de la regla de conteo\n"
	"      --source CODE      contar solo esta fuente\n"
	"      --map SALIDA.svg   mapa de un indicador en un periodo (sin --by): cinco\n"
	"                         clases por cortes naturales; sin datos, en gris\n"
	"      --vintage FECHA    todos los periodos en las unidades territoriales vigentes\n"
	"                         en FECHA (aaaa-mm-dd, o un año: su 1 de julio); por\n"
	"                         defecto, cada periodo en las suyas (las del primer día\n"
	"                         de su mes central: el 1 de julio de un año)\n"
	"  -f, --format F         table (por defecto), csv o json\n"
	"      --lang L           es (por defecto) o en\n"
	"  -v, --verbose          tiempos de cada fase en la salida de errores\n\n"
	"Marcas: unreliable (menos de N casos), estimated_denominator (población\n"
	"estimada), equal_split_denominator (población repartida por igual entre las\n"
	"unidades: un marcador de posición), missing_denominator (sin población: se da el\n"
	"conteo), incomplete_coverage (algún mes sin entrega de una fuente que registre\n"
	"lo contado), partial_period (tasa de menos de un año, no anualizada), no_data\n"
	"(ningún mes entregado por una fuente que registre lo contado: falta, no es cero),\n"
	"vintage_break (parte del periodo está registrada en unidades de una división\n"
	"posterior que no se pueden repartir; con no_data). Una unidad que no existe en\n"
	"la división de un periodo no tiene fila en ese periodo.\n\n"
	"Qué se cuenta: cada indicador cuenta las víctimas de una institución de\n"
	"registro por país (DIR/catalog/counting.csv), o las muertes validadas por\n"
	"«observa reconcile» donde cubren el periodo; la columna counting_rule lo dice\n"
	"(docs/counting.md).\n",
	"usage: observa indicators [-d DIR] [--indicator ID,...|--all]\n"
	"            [--territory CODE,...] [--children] [--level N] [--country ISO3]\n"
	"            [--period P] [--by DIM,...] [--level-conf 0.95] [--unreliable-below 20]\n"
	"            [--institution INST] [--source CODE] [--vintage DATE] [--map OUTPUT.svg]\n"
	"            [--format table|csv|json] [--lang es|en] [--threads N] [--verbose]\n"
	"       observa indicators list [-d DIR] [--lang es|en]\n\n"
	"Computes indicators (DIR/catalog/indicators.csv) on the current records:\n"
	"every value carries its count, denominator, rate or share, exact interval\n"
	"(Garwood for rates, Clopper-Pearson for shares) and flags.\n\n"
	"  -d, --dir DIR          observatory (default: the current directory)\n"
	"  -i, --indicator IDS    comma-separated indicators (default: --all)\n"
	"  -a, --all              every defined indicator\n"
	"  -t, --territory CODES  units by code (e.g. SLV0614,SLV06)\n"
	"      --children         the child units of the chosen ones\n"
	"  -l, --level N          every unit of level N (0 country, 1, 2), within\n"
	"                         --territory or --country if given\n"
	"  -c, --country ISO3     one country (e.g. SLV); with neither: each country\n"
	"  -p, --period P         2020 | 2020-Q1 | 2020-03 | 2015..2024 (each year) |\n"
	"                         2020-01..2020-12 (each month) | ytd:2024-06-30 (from 1\n"
	"                         January to that date and the same days of the year\n"
	"                         before); by default, each year with deliveries\n"
	"  -b, --by DIMS          break down by sex, age_group, minor (0-17, 18+), manner,\n"
	"                         mechanism, place, relationship, context or source\n"
	"                         (crossed if several)\n"
	"      --level-conf L     confidence level of the intervals (0.95)\n"
	"      --unreliable-below N  flag as unreliable below N cases (20)\n"
	"      --institution I    count this institution (police, forensic, prosecutor,\n"
	"                         validated, other) instead of the counting rule\n"
	"      --source CODE      count this source only\n"
	"      --map OUTPUT.svg   map of one indicator in one period (without --by): five\n"
	"                         classes by natural breaks; no data, in grey\n"
	"      --vintage DATE     every period in the territorial units in force on DATE\n"
	"                         (yyyy-mm-dd, or a year: its 1 July); by default, each\n"
	"                         period in its own (those of the first day of its\n"
	"                         middle month: 1 July for a year)\n"
	"  -f, --format F         table (default), csv or json\n"
	"      --lang L           es (default) or en\n"
	"  -v, --verbose          the time of each phase on standard error\n\n"
	"Flags: unreliable (fewer than N cases), estimated_denominator (estimated\n"
	"population), equal_split_denominator (population split equally among the\n"
	"units: a placeholder), missing_denominator (no population: the count is\n"
	"given), incomplete_coverage (some month without a delivery from a source that\n"
	"records what is counted), partial_period (rate of less than a year, not\n"
	"annualised), no_data (no month delivered by a source that records what is\n"
	"counted: missing, not zero), vintage_break (part of the period is recorded in\n"
	"units of a later division that cannot be apportioned; with no_data). A unit\n"
	"that does not exist in a period's division has no row in that period.\n\n"
	"What is counted: each indicator counts the victims of one institution of\n"
	"record per country (DIR/catalog/counting.csv), or the deaths validated by\n"
	"\"observa reconcile\" where they cover the period; the column counting_rule\n"
	"says which (docs/counting.md).\n"), out);
}

static int parse_by(struct opts *o, const char *s)
{
	while (*s) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);
		int b = ob_ind_by_parse(s, n);

		if (b < 0 || o->n_by >= OB_BY_COUNT) {
			OB_ERROR("--by: «%.*s» no es sex, age_group, minor, manner, mechanism, place, "
			         "relationship, context ni source",
			         "--by: «%.*s» is not sex, age_group, minor, manner, mechanism, place, "
			         "relationship, context or source", (int)n, s);
			return -1;
		}
		o->by[o->n_by++] = (enum ob_ind_by)b;
		if (!c)
			break;
		s = c + 1;
	}
	return 0;
}

int cmd_indicators(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "indicator", required_argument, NULL, 'i' },
		{ "all", no_argument, NULL, 'a' },
		{ "territory", required_argument, NULL, 't' },
		{ "children", no_argument, NULL, 'C' },
		{ "level", required_argument, NULL, 'l' },
		{ "country", required_argument, NULL, 'c' },
		{ "period", required_argument, NULL, 'p' },
		{ "by", required_argument, NULL, 'b' },
		{ "level-conf", required_argument, NULL, 'L' },
		{ "unreliable-below", required_argument, NULL, 'U' },
		{ "institution", required_argument, NULL, 'I' },
		{ "source", required_argument, NULL, 'S' },
		{ "vintage", required_argument, NULL, 'V' },
		{ "map", required_argument, NULL, 'M' },
		{ "format", required_argument, NULL, 'f' },
		{ "threads", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o;
	bool list = false;
	int c;

	memset(&o, 0, sizeof(o));
	o.dir = ctx->dir;
	o.lang = ob_cli_output_en(ctx) ? "en" : NULL;
	o.level = -1;
	o.institution = -1;
	o.conf = 0.95;
	o.unreliable = OB_RATE_UNRELIABLE_BELOW;
	o.format = "table";
	if (argc > 1 && !strcmp(argv[1], "list")) {
		list = true;
		argv++;
		argc--;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:at:l:c:p:b:f:v", longopts, NULL)) != -1) {
		long long v;
		switch (c) {
		case 'i': o.indicators = optarg; break;
		case 'a': o.all = true; break;
		case 't': o.territory = optarg; break;
		case 'C': o.children = true; break;
		case 'l':
			if (!ob_parse_int(optarg, strlen(optarg), 0, 9, &v)) {
				OB_ERROR("--level: se esperaba 0, 1 o 2", "--level: expected 0, 1 or 2");
				return OB_EXIT_USAGE;
			}
			o.level = (int)v;
			break;
		case 'c': o.country = optarg; break;
		case 'p': o.period = optarg; break;
		case 'b':
			if (parse_by(&o, optarg))
				return OB_EXIT_USAGE;
			break;
		case 'L':
			if (!ob_parse_double(optarg, strlen(optarg), &o.conf) || !(o.conf > 0 && o.conf < 1)) {
				OB_ERROR("--level-conf: se esperaba un nivel entre 0 y 1, p. ej. 0.95",
				         "--level-conf: expected a level between 0 and 1, e.g. 0.95");
				return OB_EXIT_USAGE;
			}
			break;
		case 'U':
			if (!ob_parse_double(optarg, strlen(optarg), &o.unreliable) || o.unreliable < 0) {
				OB_ERROR("--unreliable-below: se esperaba un número >= 0",
				         "--unreliable-below: expected a number >= 0");
				return OB_EXIT_USAGE;
			}
			break;
		case 'I':
			if ((o.institution = ob_institution_parse(optarg, strlen(optarg))) < 0) {
				OB_ERROR("--institution «%s»: se esperaba police, forensic, prosecutor, "
				         "validated u other", "--institution «%s»: expected police, forensic, "
				         "prosecutor, validated or other", optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'S': o.source = optarg; break;
		case 'V': o.vintage = optarg; break;
		case 'M': o.map = optarg; break;
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "csv") && strcmp(optarg, "json")) {
				OB_ERROR("--format: se esperaba table, csv o json",
				         "--format: expected table, csv or json");
				return OB_EXIT_USAGE;
			}
			o.format = optarg;
			break;
		case 'T':
			if (!ob_parse_int(optarg, strlen(optarg), 1, 64, &v)) {
				OB_ERROR("--threads: se esperaba de 1 a 64", "--threads: expected 1 to 64");
				return OB_EXIT_USAGE;
			}
			o.threads = (int)v;
			break;
		case 'v': o.verbose = true; break;
		default: cmd_indicators_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", argv[optind]);
		cmd_indicators_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (o.indicators && o.all) {
		OB_ERROR("--indicator y --all se excluyen", "--indicator and --all exclude each other");
		return OB_EXIT_USAGE;
	}
	if (list)
		return cmd_list(&o);
	if (ind_survey_only(&o))
		return ind_survey_run(ctx, &o, false);
	{
		int status = ind_run(ctx, &o);
		/* the survey indicators after the table of every indicator */
		if (status == OB_EXIT_OK && !o.indicators && !o.map && !o.n_by &&
		    !strcmp(o.format, "table"))
			status = ind_survey_run(ctx, &o, true);
		return status;
	}
}

