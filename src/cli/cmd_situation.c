/* cmd_situation.c - "observa situation": what changed in a territory and a
 * period (engine/situation.h), as text, CSV or JSON. */
#include "base/common.h"

#include <getopt.h>

#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/situation.h"
#include "engine/snapshot.h"

void cmd_situation_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa situation [-d DIR] [--territory CÓDIGO] [--period P]\n"
	"         [--indicator ID | --category ICCS] [--level 1|2] [--top N]\n"
	"         [--format text|csv|json] [--lang es|en]\n\n"
	"Análisis situacional de un territorio en un periodo: el periodo frente al\n"
	"mismo periodo un año antes, frente al promedio de los 12 meses anteriores\n"
	"(para un mes) y el acumulado del año frente al del año anterior (los mismos\n"
	"meses), con conteos, tasas por 100 000 habitantes por año, la razón de tasas\n"
	"con su intervalo exacto y si el cambio va más allá del azar; luego las\n"
	"unidades del territorio y los delitos que más cambiaron frente al año\n"
	"anterior (por el valor p del cambio, luego la diferencia absoluta con lo\n"
	"esperado). Los conteos son los de «observa indicators» (reglas de conteo:\n"
	"la institución de registro o las muertes validadas); un periodo sin\n"
	"entregas es «sin datos», nunca 0, y no se compara.\n\n"
	"  -d, --dir DIR         observatorio (por defecto, el directorio actual)\n"
	"  -t, --territory C     territorio (por defecto, el país si hay uno solo)\n"
	"  -p, --period P        un mes (2024-03), trimestre (2024-Q1) o año (2024); por\n"
	"                        defecto, el último mes entregado\n"
	"  -i, --indicator ID    indicador del catálogo (por defecto, el primero de tasa)\n"
	"      --category ICCS   un código ICCS (0101...) en lugar de un indicador\n"
	"  -l, --level N         unidades clasificadas: las de nivel N (1 o 2) bajo el\n"
	"                        territorio; por defecto, sus hijas\n"
	"  -n, --top N           filas de cada clasificación (por defecto, 10)\n"
	"  -f, --format F        text (por defecto), csv o json\n"
	"      --lang L          es (por defecto) o en\n",
	"usage: observa situation [-d DIR] [--territory CODE] [--period P]\n"
	"           [--indicator ID | --category ICCS] [--level 1|2] [--top N]\n"
	"           [--format text|csv|json] [--lang es|en]\n\n"
	"Situational analysis of a territory in a period: the period against the\n"
	"same period a year earlier, against the average of the 12 months before it\n"
	"(for a month) and year to date against the previous year to date (the same\n"
	"months), with counts, rates per 100,000 inhabitants per year, the rate\n"
	"ratio with its exact interval and whether the change is beyond chance;\n"
	"then the units of the territory and the crimes that changed most against\n"
	"the year before (by the p-value of the change, then the absolute\n"
	"difference from the expected count). Counts are those of \"observa\n"
	"indicators\" (counting rules: the institution of record or the validated\n"
	"deaths); a period without deliveries is \"no data\", never 0, and is not\n"
	"compared.\n\n"
	"  -d, --dir DIR         observatory (default: the current directory)\n"
	"  -t, --territory C     territory (default: the country, when only one)\n"
	"  -p, --period P        a month (2024-03), quarter (2024-Q1) or year (2024);\n"
	"                        default: the last month delivered\n"
	"  -i, --indicator ID    catalogue indicator (default: the first rate)\n"
	"      --category ICCS   an ICCS code (0101...) instead of an indicator\n"
	"  -l, --level N         units ranked: those of level N (1 or 2) under the\n"
	"                        territory; default: its children\n"
	"  -n, --top N           rows of each ranking (default 10)\n"
	"  -f, --format F        text (default), csv or json\n"
	"      --lang L          es (default) or en\n"), out);
}

int cmd_situation(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "territory", required_argument, NULL, 't' },
		{ "period", required_argument, NULL, 'p' },
		{ "indicator", required_argument, NULL, 'i' },
		{ "category", required_argument, NULL, 'C' },
		{ "level", required_argument, NULL, 'l' },
		{ "top", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_sit_options o = { 0 };
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_situation s;
	const char *format = "text", *category = NULL;
	char cat_id[OB_IND_ID_MAX];
	struct ob_diag d;
	bool def, en = ob_cli_output_en(ctx);
	int status = OB_EXIT_OK, ch;
	enum ob_rows_format fmt = OB_ROWS_TEXT;
	ob_err e;

	o.level = -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "t:p:i:l:n:f:", longopts, NULL)) != -1) {
		long long v;
		switch (ch) {
		case 't': o.territory = optarg; break;
		case 'p': o.period = optarg; break;
		case 'i': o.indicator = optarg; break;
		case 'C': category = optarg; break;
		case 'l':
			if (!ob_parse_int(optarg, strlen(optarg), 1, 2, &v)) {
				OB_ERROR("--level: se esperaba 1 o 2", "--level: expected 1 or 2");
				return OB_EXIT_USAGE;
			}
			o.level = (int)v;
			break;
		case 'n':
			if (!ob_parse_int(optarg, strlen(optarg), 1, 100000, &v)) {
				OB_ERROR("--top: se esperaba un entero entre 1 y 100000",
				         "--top: expected an integer from 1 to 100000");
				return OB_EXIT_USAGE;
			}
			o.top = (size_t)v;
			break;
		case 'f':
			if (!ob_cli_rows_format(optarg, &fmt))
				return OB_EXIT_USAGE;
			format = optarg;
			break;
		default: cmd_situation_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", argv[optind]);
		cmd_situation_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (category && o.indicator) {
		OB_ERROR("--indicator y --category se excluyen", "--indicator and --category "
		         "exclude each other");
		return OB_EXIT_USAGE;
	}
	(void)format;
	o.now_month = ob_situation_now_month();
	ob_diag_clear(&d);
	memset(&s, 0, sizeof(s));
	if (!ob_cmd_store(ctx, OB_STORE_READONLY))
		return OB_EXIT_SYSTEM;
	if ((e = ob_indicators_load_dir(ctx->dir, &set, &def, &d)))
		goto fail;
	if ((e = ob_cmd_snapshot(ctx, &d)))
		goto fail;
	if ((e = ob_counting_load(ctx->dir, ctx->snap, set, &rules, &d)))
		goto fail;
	if (category) {
		/* the rules again, for the set with the category */
		e = ob_situation_add_category(set, rules, category, cat_id, &d);
		ob_counting_free(rules);
		rules = NULL;
		if (e || (e = ob_counting_load(ctx->dir, ctx->snap, set, &rules, &d)))
			goto fail;
		o.indicator = cat_id;
	}
	if ((e = ob_situation_compute(ctx->snap, ctx->pop, set, rules, &o, &s, &d)))
		goto fail;
	if (fmt == OB_ROWS_TEXT) {
		const struct ob_snap_unit *u = &ctx->snap->units[s.unit];
		const struct ob_indicator *x = &set->v[s.indicator];
		printf(en ? "%s (%s), %s: %s\n" : "%s (%s), %s: %s\n",
		       ob_snap_str(ctx->snap, u->name), ob_snap_str(ctx->snap, u->code), s.period,
		       en ? x->name_en : x->name_es);
		fputs(en ? "Rates per 100,000 inhabitants per year (person-years of the months "
		           "delivered); ratio = period / baseline with its exact 95% interval.\n"
		         : "Tasas por 100 000 habitantes por año (personas-año de los meses "
		           "entregados); razón = periodo / base con su intervalo exacto al 95 %.\n",
		      stdout);
		printf(en ? "Units ranked: %zu; crimes ranked: %zu (by the p-value of the change "
		            "against a year earlier, then |count - expected|).\n\n"
		          : "Unidades clasificadas: %zu; delitos clasificados: %zu (por el valor p "
		            "del cambio frente al año anterior, luego |conteo - esperado|).\n\n",
		       s.units_considered, s.crimes_considered);
	}
	if ((e = ob_situation_write(&s, fmt, NULL, stdout))) {
		OB_ERROR("no se pudo escribir la salida", "the output could not be written");
		status = OB_EXIT_SYSTEM;
		goto out;
	}
	if (fmt == OB_ROWS_JSON)
		fputc('\n', stdout);
	if (fflush(stdout) || ferror(stdout)) {
		OB_ERROR("no se pudo escribir la salida", "the output could not be written");
		status = OB_EXIT_SYSTEM;
	}
	goto out;
fail:
	ob_cli_diag(&d);
	status = ob_cli_status(e);
out:
	ob_situation_release(&s);
	ob_counting_free(rules);
	ob_indicators_free(set);
	return status;
}
