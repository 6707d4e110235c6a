/*
 * cmd_missing.c - "observa missing stats": the missing-persons reports
 * (the case type missing-persons, cases/missing.h) counted without
 * identities by month, territory, sex or age group, with the share located
 * and the median days to location, behind the observatory's disclosure
 * rules (catalog/disclosure.ini, docs/disclosure.md): small counts are
 * suppressed as in a release, so the table may be published as it is.
 */
#include "base/common.h"
#include "cases/missing.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/cmd_missing_match.h"
#include "cli/cmd_missing_photo.h"
#include "io/rows.h"
#include "publish/sdc.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>

void cmd_missing_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa missing stats [-d DIR] [--by month|territory|sex|age] [--year AAAA]\n"
	"                            [--format text|csv|json]\n"
	"     observa missing match [--since FECHA] [--threshold BITS] [--user NOMBRE]\n"
	"     observa missing matches [--status S] [--user NOMBRE] [--purpose TEXTO] [--format F]\n"
	"     observa missing review ID confirm|reject [--user NOMBRE]\n"
	"     observa missing photo ARCHIVO\n"
	"(match, matches y review: coincidencias entre cuerpos sin identificar y\n"
	"reportes, docs/missing.md; observa missing match -h; photo: una fotografía JPEG\n"
	"o PNG revisada y sin metadatos, guardada en DIR/photos; imprime la referencia\n"
	"para el campo photo de un reporte)\n\n"
	"Los reportes de personas desaparecidas (tipo de caso missing-persons,\n"
	"docs/missing.md) contados sin identidades: por mes de la desaparición (por\n"
	"defecto), territorio del último lugar en que se vio a la persona, sexo o\n"
	"grupo de edad; cuántos se localizaron (con vida, sin vida), la proporción\n"
	"localizada y la mediana de días hasta la localización. Los conteos pequeños\n"
	"se suprimen como en una publicación (catalog/disclosure.ini: min_count, y\n"
	"el de [minors] en los grupos de menores de 18), con supresión secundaria;\n"
	"una celda suprimida se muestra vacía con la marca C. Las cuatro divisiones\n"
	"se suprimen juntas: una celda del total oculta en una lo está en todas.\n"
	"  --by D          month, territory, sex o age\n"
	"  --year AAAA     solo los reportes desaparecidos ese año (missing_since):\n"
	"                  las celdas de missing_persons.csv de una publicación\n"
	"  --format F      text (por defecto), csv o json\n",
	"usage: observa missing stats [-d DIR] [--by month|territory|sex|age] [--year YYYY]\n"
	"                              [--format text|csv|json]\n"
	"       observa missing match [--since DATE] [--threshold BITS] [--user NAME]\n"
	"       observa missing matches [--status S] [--user NAME] [--purpose TEXT] [--format F]\n"
	"       observa missing review ID confirm|reject [--user NAME]\n"
	"       observa missing photo FILE\n"
	"(match, matches and review: matches between unidentified bodies and\n"
	"reports, docs/missing.md; observa missing match -h; photo: a JPEG or PNG\n"
	"photograph checked and without its metadata, kept in DIR/photos; it prints\n"
	"the reference for a report's photo field)\n\n"
	"The missing-persons reports (case type missing-persons, docs/missing.md)\n"
	"counted without identities: by month of disappearance (the default),\n"
	"territory last seen in, sex or age group; how many were located (alive,\n"
	"dead), the share located and the median days to location. Small counts are\n"
	"suppressed as in a release (catalog/disclosure.ini: min_count, and that of\n"
	"[minors] in the groups under 18), with secondary suppression; a suppressed\n"
	"cell is shown empty with the flag C. The four breakdowns are suppressed\n"
	"together: a cell of the total hidden in one is hidden in all.\n"
	"  --by D          month, territory, sex or age\n"
	"  --year YYYY     only the reports missing since that year (missing_since):\n"
	"                  the cells of a release's missing_persons.csv\n"
	"  --format F      text (the default), csv or json\n"), out);
}

static void count_or_hidden(struct ob_rows *w, long long v, bool hidden)
{
	if (hidden)
		ob_rows_null(w);
	else
		ob_rows_int(w, v);
}

static int missing_stats(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "year", required_argument, NULL, 'y' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct ob_rows_col cols[] = {
		{ "group", OB_ROWS_TEXT_COL }, { "reported", OB_ROWS_NUMBER_COL },
		{ "located", OB_ROWS_NUMBER_COL }, { "located_alive", OB_ROWS_NUMBER_COL },
		{ "located_dead", OB_ROWS_NUMBER_COL }, { "share_located", OB_ROWS_NUMBER_COL },
		{ "median_days", OB_ROWS_NUMBER_COL }, { "flags", OB_ROWS_TEXT_COL },
	};
	static const struct ob_rows_col cols_es[] = {
		{ "grupo", OB_ROWS_TEXT_COL }, { "reportes", OB_ROWS_NUMBER_COL },
		{ "localizadas", OB_ROWS_NUMBER_COL }, { "con_vida", OB_ROWS_NUMBER_COL },
		{ "sin_vida", OB_ROWS_NUMBER_COL }, { "proporcion_localizada", OB_ROWS_NUMBER_COL },
		{ "mediana_dias", OB_ROWS_NUMBER_COL }, { "marcas", OB_ROWS_TEXT_COL },
	};
	enum ob_rows_format fmt = OB_ROWS_TEXT;
	enum ob_missing_by by = OB_MISSING_BY_MONTH;
	bool en = ob_cli_output_en(ctx), loaded = false, have_set = false;
	struct ob_missing_year y = { 0 };
	struct ob_missing_cell *cells;
	struct ob_missing_type m;
	long long year = 0;
	struct ob_sdc_config sdc;
	struct ob_case_set set;
	struct ob_cases types;
	struct ob_store *s;
	struct ob_rows w;
	struct ob_diag d;
	size_t n = 0;
	int c, k, status = OB_EXIT_OK;
	ob_err e = OB_OK;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (!ob_missing_by_parse(optarg, &by)) {
				OB_ERROR("--by «%s»: se esperaba month, territory, sex o age",
				         "--by «%s»: expected month, territory, sex or age", optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'y':
			if (!ob_parse_int(optarg, strlen(optarg), 1, 9999, &year)) {
				OB_ERROR("--year «%s»: se esperaba un año (2024)",
				         "--year «%s»: expected a year (2024)", optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'f':
			if (!ob_cli_rows_format(optarg, &fmt))
				return OB_EXIT_USAGE;
			break;
		case 'h': cmd_missing_usage(stdout); return OB_EXIT_OK;
		default: cmd_missing_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		cmd_missing_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return ob_cli_status(ctx->store_error);
	ob_diag_clear(&d);
	if ((e = ob_sdc_config_load(&sdc, ctx->dir, &d)) || (e = ob_cases_load(ctx->dir, &types, &d)))
		goto fail;
	loaded = true;
	if ((k = ob_cases_find(&types, OB_MISSING_TYPE)) < 0) {
		OB_ERROR("el catálogo no tiene el tipo de caso %s (catalog/cases/%s.ini; "
		         "docs/missing.md)",
		         "the catalogue has no case type %s (catalog/cases/%s.ini; docs/missing.md)",
		         OB_MISSING_TYPE, OB_MISSING_TYPE);
		status = OB_EXIT_FAIL;
		goto release;
	}
	if ((e = ob_missing_bind(&types.types[k], &m, &d)) ||
	    (e = ob_case_load(s, &types.types[k], &set, &d)))
		goto fail;
	have_set = true;
	if ((e = ob_missing_year_stats(&m, &set, (int)year, sdc.rule[OB_SDC_RULE_GENERAL].min_count,
	                               ob_sdc_rule_of(&sdc, OB_SDC_MINORS).min_count, &y, &d)))
		goto fail;
	cells = y.by[by];
	n = y.n[by];
	ob_rows_begin(&w, fmt, NULL, stdout, en ? cols : cols_es, OB_ARRAY_SIZE(cols));
	for (size_t i = 0; i < n; i++) {
		const struct ob_missing_cell *x = &cells[i];
		bool any = x->reported_hidden || x->located_hidden || x->split_hidden;
		ob_rows_str(&w, x->key[0] ? x->key : "total");
		count_or_hidden(&w, x->reported, x->reported_hidden);
		count_or_hidden(&w, x->located, x->located_hidden);
		count_or_hidden(&w, x->alive, x->split_hidden);
		count_or_hidden(&w, x->dead, x->split_hidden);
		ob_rows_num(&w, x->located_hidden || !x->reported ? NAN
		                                                  : (double)x->located / (double)x->reported,
		            "%.3f");
		ob_rows_num(&w, x->located_hidden ? NAN : x->median_days, "%.1f");
		ob_rows_str(&w, any ? OB_SDC_FLAG : NULL);
		ob_rows_end_row(&w);
	}
	if (ob_rows_end(&w)) {
		OB_ERROR("no se pudo escribir la salida", "the output could not be written");
		status = OB_EXIT_SYSTEM;
	}
	goto release;
fail:
	ob_cli_diag(&d);
	status = ob_cli_status(e);
release:
	ob_missing_year_free(&y);
	if (have_set)
		ob_case_set_free(&set);
	if (loaded)
		ob_cases_release(&types);
	return status;
}

int cmd_missing(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	if (argc < 2) {
		cmd_missing_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		cmd_missing_usage(stdout);
		return OB_EXIT_OK;
	}
	if (!strcmp(argv[1], "stats"))
		return missing_stats(ctx, argc - 1, argv + 1);
	if (!strcmp(argv[1], "match"))
		return ob_missing_cmd_match(ctx, argc - 1, argv + 1);
	if (!strcmp(argv[1], "matches"))
		return ob_missing_cmd_matches(ctx, argc - 1, argv + 1);
	if (!strcmp(argv[1], "review"))
		return ob_missing_cmd_review(ctx, argc - 1, argv + 1);
	if (!strcmp(argv[1], "photo"))
		return ob_missing_cmd_photo(ctx, argc - 1, argv + 1);
	OB_ERROR("missing: subcomando desconocido «%s»", "missing: unknown subcommand «%s»",
	         argv[1]);
	cmd_missing_usage(stderr);
	return OB_EXIT_USAGE;
}
