/* cmd_completeness.c - "observa completeness": what each source delivered, month by month. */
#include "base/common.h"

#include <getopt.h>

#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/completeness.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"

void cmd_completeness_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa completeness [-d DIR] [--source S] [--country C]\n"
	"         [--from P --to P] [--level 0|1|2] [--format text|csv|json]\n"
	"         [--lang es|en]\n\n"
	"La completitud de los datos: por fuente, territorio y mes, si un envío vigente\n"
	"cubre el mes (la bitácora), cuántos registros de la fuente tienen fecha en él y\n"
	"si una entrega anterior del mes fue reemplazada; por fuente, los campos que da\n"
	"y las secciones de la ICCS que registra. Un mes sin entrega, o una categoría o\n"
	"un campo que la fuente no registra, es «sin datos» en toda salida, nunca 0\n"
	"(docs/completeness.md). Las fuentes con perfil que nunca entregaron aparecen\n"
	"con todos sus meses sin entrega.\n\n"
	"  -d, --dir DIR     observatorio (por defecto, el directorio actual)\n"
	"  -s, --source S    una fuente (sv-pnc...)\n"
	"  -c, --country C   un país (SLV...)\n"
	"      --from P      desde el primer mes de P (2020, 2020-Q1, 2020-03); por\n"
	"                    defecto, el primero que alguna fuente entregó\n"
	"      --to P        hasta el último mes de P; por defecto, el último entregado\n"
	"  -l, --level N     0 (por defecto): una fila por fuente y mes, su país; 1 o 2:\n"
	"                    una por unidad de ese nivel vigente en el mes\n"
	"  -f, --format F    text (por defecto: una cuadrícula de meses), csv o json\n"
	"      --lang L      es (por defecto) o en\n\n"
	"Marcas: # entregado, + entregado con una versión anterior reemplazada,\n"
	"0 entregado sin registros del mes, . sin entrega.\n",
	"usage: observa completeness [-d DIR] [--source S] [--country C]\n"
	"           [--from P --to P] [--level 0|1|2] [--format text|csv|json]\n"
	"           [--lang es|en]\n\n"
	"Data completeness: per source, territory and month, whether a current\n"
	"submission covers the month (the logbook), how many of the source's records\n"
	"are dated in it, and whether an earlier delivery of the month was replaced;\n"
	"per source, the fields it gives and the ICCS sections it records. A month\n"
	"without a delivery, or a category or a field that the source does not\n"
	"record, is \"no data\" in every output, never 0 (docs/completeness.md).\n"
	"Sources with a profile that never delivered appear with all their months\n"
	"undelivered.\n\n"
	"  -d, --dir DIR     observatory (default: the current directory)\n"
	"  -s, --source S    one source (sv-pnc...)\n"
	"  -c, --country C   one country (SLV...)\n"
	"      --from P      from the first month of P (2020, 2020-Q1, 2020-03); by\n"
	"                    default, the first that any source delivered\n"
	"      --to P        up to the last month of P; by default, the last delivered\n"
	"  -l, --level N     0 (default): one row per source and month, its country;\n"
	"                    1 or 2: one per unit of that level in force in the month\n"
	"  -f, --format F    text (default: a grid of months), csv or json\n"
	"      --lang L      es (default) or en\n\n"
	"Marks: # delivered, + delivered with an earlier version replaced,\n"
	"0 delivered without records of the month, . no delivery.\n"), out);
}

int cmd_completeness(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "country", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "level", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_completeness_options o = { 0 };
	const char *format = "text";
	struct ob_store *st;
	struct ob_completeness c;
	struct ob_diag d;
	int status = OB_EXIT_OK, ch;
	ob_err e;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:c:l:f:", longopts, NULL)) != -1) {
		long long v;
		switch (ch) {
		case 's': o.source = optarg; break;
		case 'c': o.country = optarg; break;
		case 'F': o.from = optarg; break;
		case 'T': o.to = optarg; break;
		case 'l':
			if (!ob_parse_int(optarg, strlen(optarg), 0, 2, &v)) {
				OB_ERROR("--level: se esperaba 0, 1 o 2", "--level: expected 0, 1 or 2");
				return OB_EXIT_USAGE;
			}
			o.level = (int)v;
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "csv") && strcmp(optarg, "json")) {
				OB_ERROR("--format: se esperaba text, csv o json",
				         "--format: expected text, csv or json");
				return OB_EXIT_USAGE;
			}
			format = optarg;
			break;
		default: cmd_completeness_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", argv[optind]);
		cmd_completeness_usage(stderr);
		return OB_EXIT_USAGE;
	}
	ob_diag_clear(&d);
	memset(&c, 0, sizeof(c));
	if (!(st = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	if ((e = ob_cmd_snapshot(ctx, &d)) ||
	    (e = ob_completeness_build(st, ctx->snap, ctx->pop, &o, &c, &d))) {
		ob_cli_diag(&d);
		status = ob_cli_status(e);
		goto out;
	}
	if (!strcmp(format, "csv"))
		ob_completeness_csv(&c, true, stdout);
	else if (!strcmp(format, "json"))
		ob_completeness_json(&c, true, stdout);
	else
		ob_completeness_text(&c, ob_cli_output_en(ctx), stdout);
	if (fflush(stdout) || ferror(stdout)) {
		OB_ERROR("no se pudo escribir la salida", "the output could not be written");
		status = OB_EXIT_SYSTEM;
	}
out:
	ob_completeness_release(&c);
	return status;
}
