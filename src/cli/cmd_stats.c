/* cmd_stats.c - "observa stats": observa's statistics on any CSV file, one subcommand each. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/stats/stats.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary_es, *summary_en;
} subcommands[] = {
	{ "rate", st_cmd_rate, "tasas con intervalo exacto de Poisson",
	  "rates with exact Poisson intervals" },
	{ "compare", st_cmd_compare, "compara dos periodos: razón de tasas",
	  "compare two periods: rate ratio" },
	{ "trend", st_cmd_trend, "tendencia log-lineal: cambio porcentual anual",
	  "log-linear trend: annual percent change" },
	{ "outbreak", st_cmd_outbreak,
	  "alertas: conteos por encima de lo esperado (Farrington, EARS, CUSUM)",
	  "early warning: counts above what is expected (Farrington, EARS, CUSUM)" },
	{ "farrington", st_cmd_farrington, "outbreak --method farrington",
	  "outbreak --method farrington" },
	{ "ears", st_cmd_ears, "outbreak --method c3 (c1, c2)", "outbreak --method c3 (c1, c2)" },
	{ "cusum", st_cmd_cusum, "outbreak --method cusum: CUSUM de Poisson",
	  "outbreak --method cusum: Poisson CUSUM" },
	{ "eb", st_cmd_eb, "tasas suavizadas por Bayes empírico",
	  "rates smoothed by empirical Bayes" },
	{ "breaks", st_cmd_breaks, "cortes y clases (Fisher, Jenks, cuantiles...)",
	  "class breaks and classes (Fisher, Jenks, quantiles...)" },
	{ "gi", st_cmd_gi, "puntos calientes: Gi y Gi* de Getis-Ord",
	  "hot spots: Getis-Ord Gi and Gi*" },
	{ "moran", st_cmd_moran, "I de Moran local y global", "local and global Moran's I" },
	{ "normalise", st_cmd_normalise, "normaliza indicadores (min-max, z)",
	  "normalise indicators (min-max, z)" },
	{ "composite", st_cmd_composite, "índice compuesto y su orden",
	  "composite index and its ranking" },
};

void cmd_stats_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa stats SUBCOMANDO [OPCIONES] ARCHIVO\n\n"
	"Las estadísticas de observa sobre cualquier CSV, fuera del almacén: cada\n"
	"subcomando lee el ARCHIVO (\"-\" para la entrada estándar; UTF-8 o\n"
	"Windows-1252, separador detectado), toma las columnas que nombran sus\n"
	"opciones y escribe CSV en la salida estándar: cada columna de la entrada y\n"
	"después los resultados. Un valor no válido es un error con archivo, línea\n"
	"y columna, estado de salida 1, y nada escrito en la salida.\n\n"
	"Subcomandos:\n",
	"usage: observa stats SUBCOMMAND [OPTIONS] FILE\n\n"
	"observa's statistics on any CSV file, outside the store: each subcommand\n"
	"reads the FILE (\"-\" for standard input; UTF-8 or Windows-1252, delimiter\n"
	"detected), takes the columns its options name and writes CSV on standard\n"
	"output: every column of the input, then the results. A value that is not\n"
	"valid is an error with file, line and column, exit status 1, and nothing\n"
	"written on the output.\n\n"
	"Subcommands:\n"), out);
	for (size_t i = 0; i < OB_ARRAY_SIZE(subcommands); i++)
		fprintf(out, "  %-10s %s\n", subcommands[i].name,
		        OB_TR(subcommands[i].summary_es, subcommands[i].summary_en));
	fputs(OB_TR("\n\"observa stats SUBCOMANDO --help\" describe cada uno.\n",
	            "\n\"observa stats SUBCOMMAND --help\" describes each one.\n"), out);
}

int cmd_stats(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	const char *name;

	st_set_lang(ob_cli_output_en(ctx) ? ST_LANG_EN : ST_LANG_ES);
	if (argc < 2) {
		cmd_stats_usage(stderr);
		return OB_EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		cmd_stats_usage(stdout);
		return OB_EXIT_OK;
	}
	if (!strcmp(name, "normalize"))
		name = "normalise";
	for (size_t i = 0; i < OB_ARRAY_SIZE(subcommands); i++)
		if (!strcmp(name, subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	OB_ERROR("stats: subcomando desconocido «%s»", "stats: unknown subcommand «%s»", argv[1]);
	cmd_stats_usage(stderr);
	return OB_EXIT_USAGE;
}
