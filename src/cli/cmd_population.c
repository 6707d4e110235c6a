/* cmd_population.c - "observa population import|check": load official population
 * tables; compare summed municipal population with the national series. */
#include "base/common.h"
#include "base/log.h"
#include "catalog/catalog.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "store/catalog.h"
#include "store/store.h"

void cmd_population_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa population import [-d DIR] ARCHIVO\n"
	"     observa population check [-d DIR]\n\n"
	"Importa cifras de población desde un CSV con las columnas de population.csv\n"
	"(territory,year,sex,population,status,source; sex T, F o M; status official,\n"
	"estimate, provisional o equal_split). Cada fila reemplaza la del mismo\n"
	"territorio, año y\n"
	"sexo, salvo que la existente sea oficial y la nueva no: las cifras oficiales\n"
	"reemplazan a las estimaciones, nunca al revés. Los cambios se guardan en\n"
	"DIR/catalog/population.csv y el catálogo se vuelve a cargar. Las cifras deben\n"
	"sumar (hijas vigentes el 1 de julio = madre, distritos = su municipio, F + M =\n"
	"T, con 0,5 % o una persona por unidad de tolerancia); si no, se rechaza todo\n"
	"nombrando las unidades.\n"
	"  -d DIR   el observatorio (por defecto, el directorio actual)\n\n"
	"check: suma por país, año y sexo la población de las unidades del nivel más\n"
	"bajo vigentes a mitad de año (municipios) y la compara con la fila del país;\n"
	"avisa cuando difieren en más de un 5 % o faltan unidades.\n",
	"usage: observa population import [-d DIR] FILE\n"
	"       observa population check [-d DIR]\n\n"
	"Imports population figures from a CSV file with the columns of population.csv\n"
	"(territory,year,sex,population,status,source; sex T, F or M; status official,\n"
	"estimate, provisional or equal_split). Each row replaces the one of the same\n"
	"territory, year and sex, unless the existing one is official and the new one\n"
	"is not: official figures replace estimates, never the reverse. Changes are\n"
	"saved in DIR/catalog/population.csv and the catalogue is reloaded. The\n"
	"figures must add up (children in force on 1 July = parent, districts = their\n"
	"municipality, F + M = T, with a tolerance of 0.5 % or one person per unit);\n"
	"otherwise everything is rejected, naming the units.\n"
	"  -d DIR   the observatory (default: the current directory)\n\n"
	"check: sums, per country, year and sex, the population of the lowest-level\n"
	"units in force at mid-year (municipalities) and compares it with the\n"
	"country's row; warns when they differ by more than 5 % or units are missing.\n"), out);
}

/* Gaps over this share of the national figure are warned about. */
#define POP_GAP_WARN 0.05

struct check_ctx {
	long rows, warned;
};

static int check_one(void *arg, const struct ob_store_population_sum *p)
{
	struct check_ctx *c = arg;
	const char *country = p->country ? p->country : "", *sex = p->sex ? p->sex : "";
	double gap = p->national > 0 ? (p->sum - p->national) / p->national : 0;
	bool warn = p->national <= 0 || gap > POP_GAP_WARN || gap < -POP_GAP_WARN;

	printf("%-4s %4d %-4s %14.0f %14.0f %+8.2f%% %5ld/%-5ld%s\n", country, p->year, sex,
	       p->national, p->sum, 100 * gap, p->with, p->units,
	       warn ? OB_TR("  AVISO", "  WARNING")
	            : p->with < p->units ? OB_TR("  (unidades sin dato)", "  (units without a figure)")
	                                 : "");
	if (warn) {
		OB_WARN("%s %d %s: la suma de las unidades (%.0f) difiere de la cifra nacional "
		        "(%.0f) en %+.1f %%; %ld de %ld unidades tienen dato",
		        "%s %d %s: the sum of the units (%.0f) differs from the national figure "
		        "(%.0f) by %+.1f %%; %ld of %ld units have a figure", country, p->year, sex,
		        p->sum, p->national, 100 * gap, p->with, p->units);
		c->warned++;
	}
	c->rows++;
	return 0;
}

static int population_check(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	struct check_ctx c = { 0, 0 };
	struct ob_store *s;
	struct ob_diag d;
	long rows, warned;

	if (argc > 2) {
		OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", argv[2]);
		cmd_population_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	printf("%-4s %4s %-4s %14s %14s %9s %11s\n", "país", "año", "sexo", "nacional",
	       "suma unidades", "dif. %", "unidades");
	if (ob_store_population_sums_each(s, check_one, &c, &d) < 0) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	rows = c.rows;
	warned = c.warned;
	printf(OB_TR("%ld comparaciones, %ld avisos (diferencia de más del 5 %%)\n",
	             "%ld comparisons, %ld warnings (gap over 5 %%)\n"), rows, warned);
	return OB_EXIT_OK;
}

int cmd_population(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	const char *file = NULL;
	struct ob_store *s;
	struct ob_catalog_import res;
	struct ob_diag d;
	char msg[OB_MAX_MESSAGE];

	if (argc >= 2 && !strcmp(argv[1], "check"))
		return population_check(ctx, argc, argv);
	if (argc < 2 || strcmp(argv[1], "import")) {
		cmd_population_usage(stderr);
		return OB_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (!file && argv[i][0] != '-') {
			file = argv[i];
		} else {
			OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", argv[i]);
			cmd_population_usage(stderr);
			return OB_EXIT_USAGE;
		}
	}
	if (!file) {
		cmd_population_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING)))
		return ctx->store_error == OB_ESTORE || ctx->store_error == OB_EIO ? OB_EXIT_SYSTEM
		                                                                   : OB_EXIT_FAIL;
	ob_diag_clear(&d);
	if (ob_catalog_import_population(s, ctx->dir, file, &res, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		ob_error("%s", msg);
		return d.code == OB_ESTORE || d.code == OB_EIO ? OB_EXIT_SYSTEM : OB_EXIT_FAIL;
	}
	printf(OB_TR("%s: %ld leídas, %ld nuevas, %ld reemplazadas, %ld no aplicadas (ya había "
	             "una cifra oficial)\n",
	             "%s: %ld read, %ld added, %ld replaced, %ld not applied (an official figure "
	             "was there)\n"), file, res.read, res.added, res.replaced, res.kept);
	return OB_EXIT_OK;
}
