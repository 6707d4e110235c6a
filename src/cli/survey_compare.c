/*
 * survey_compare.c - "observa survey compare": the dark figure made
 * visible, each survey's estimated number of victims of a crime against
 * the victims the police recorded for the same territory, year and
 * population, with the share recorded and the number unrecorded
 * (survey/darkfig.h). The release publishes the same rows
 * (publish/release_dark.c), the API and the portal read them from it.
 */
#include "cli/survey_ingest.h"

#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/counting.h"
#include "io/rows.h"
#include "survey/darkfig.h"
#include "survey/profile.h"

#include <getopt.h>
#include <math.h>

static void compare_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa survey compare -d DIR [--indicator ID] [--territory T] [--period AÑO[..AÑO]]\n"
	"                            [--format table|csv|json]\n\n"
	"La cifra oculta: para cada indicador de encuesta que la policía también\n"
	"registra (catalog/survey_indicators.csv, columna police), el número de\n"
	"víctimas de 18 años o más que estima la encuesta (un total según el diseño,\n"
	"con su intervalo) frente a las víctimas de 18 años o más que registró la\n"
	"policía en el mismo territorio y año; la proporción registrada (policía /\n"
	"encuesta, con el intervalo que da el de la estimación), las víctimas no\n"
	"registradas y, al lado, la proporción que dice haber denunciado (16.3.1).\n"
	"Sin cifra policial: «sin datos», nunca 0.\n",
	"usage: observa survey compare -d DIR [--indicator ID] [--territory T] [--period YEAR[..YEAR]]\n"
	"                              [--format table|csv|json]\n\n"
	"The dark figure: for each survey indicator the police also record\n"
	"(catalog/survey_indicators.csv, column police), the survey's estimated\n"
	"number of victims aged 18 or more (a design-based total with its interval)\n"
	"against the victims aged 18 or more the police recorded for the same\n"
	"territory and year; the share recorded (police / survey, with the interval\n"
	"the estimate's gives), the victims unrecorded and, beside, the share who\n"
	"said they reported it (16.3.1). No police count: \"no data\", never 0.\n"), out);
}

int cmd_survey_compare(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "indicator", required_argument, NULL, 'i' },
		{ "territory", required_argument, NULL, 't' },
		{ "period", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const names_es[] = {
		"indicador", "ods", "territorio", "año", "encuesta", "población",
		"víctimas", "víctimas_inferior", "víctimas_superior", "víctimas_ee", "n", "policía",
		"indicadores_policía", "población_policía", "policía_todas_las_edades", "regla_conteo",
		"registrado_pct", "registrado_inferior", "registrado_superior", "no_registrado",
		"no_registrado_inferior", "no_registrado_superior", "denuncia_pct",
		"denuncia_inferior", "denuncia_superior", "nivel_conf", "marcas",
	};
	/* the release's names (publish/release_dark.c), and police_all_ages */
	static const char *const names_en[] = {
		"indicator", "sdg", "territory", "year", "survey", "population",
		"victims", "victims_lower", "victims_upper", "victims_se", "n", "police",
		"police_indicators", "police_population", "police_all_ages", "counting_rule",
		"recorded_pct", "recorded_lower", "recorded_upper", "unrecorded",
		"unrecorded_lower", "unrecorded_upper", "reporting_pct",
		"reporting_lower", "reporting_upper", "level_conf", "flag",
	};
	struct ob_rows_col cols[OB_ARRAY_SIZE(names_en)];
	const char *indicator = NULL, *territory = NULL, *period = NULL, *format = "table";
	bool en = ob_cli_output_en(ctx);
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_svy_catalog cat;
	struct ob_svy_darks l;
	struct ob_store *s;
	struct ob_diag d;
	struct ob_buf body;
	struct ob_rows w;
	long long from = 0, to = 0;
	enum ob_rows_format fmt;
	int c, status = OB_EXIT_OK;
	bool def;
	ob_err e;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': indicator = optarg; break;
		case 't': territory = optarg; break;
		case 'p': period = optarg; break;
		case 'f': format = optarg; break;
		case 'h': compare_usage(stdout); return OB_EXIT_OK;
		default: compare_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind != argc || (strcmp(format, "table") && strcmp(format, "csv") &&
	                       strcmp(format, "json"))) {
		compare_usage(stderr);
		return OB_EXIT_USAGE;
	}
	fmt = !strcmp(format, "csv") ? OB_ROWS_CSV : !strcmp(format, "json") ? OB_ROWS_JSON
	                                                                       : OB_ROWS_TEXT;
	if (period) {
		const char *dots = strstr(period, "..");
		if (dots ? !ob_parse_int(period, (size_t)(dots - period), 0, 9999, &from) ||
		           !ob_parse_int(dots + 2, strlen(dots + 2), 0, 9999, &to)
		         : !ob_parse_int(period, strlen(period), 0, 9999, &from)) {
			OB_ERROR("--period «%s»: las encuestas son anuales: se esperaba AAAA o "
			         "AAAA..AAAA", "--period «%s»: surveys are yearly: expected YYYY or "
			         "YYYY..YYYY", period);
			return OB_EXIT_USAGE;
		}
		if (!dots)
			to = from;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return ob_cli_status(ctx->store_error);
	ob_diag_clear(&d);
	if ((e = ob_indicators_load_dir(ctx->dir, &set, &def, &d)) ||
	    (e = ob_cmd_snapshot(ctx, &d)) ||
	    (e = ob_counting_load(ctx->dir, ctx->snap, set, &rules, &d))) {
		ob_cli_diag(&d);
		status = ob_cli_status(d.code);
		goto free_set;
	}
	if ((e = ob_svy_catalog_load(ctx->dir, &cat, &d))) {
		ob_cli_diag(&d);
		status = ob_cli_status(d.code);
		goto free_rules;
	}
	if ((e = ob_svy_dark_compute(s, ctx->dir, ctx->snap, ctx->pop, set, rules, (long)from,
	                             (long)to, &l, &d))) {
		ob_cli_diag(&d);
		status = ob_cli_status(d.code);
		goto release_catalog;
	}
	for (size_t i = 0; i < OB_ARRAY_SIZE(cols); i++) {
		cols[i].name = en ? names_en[i] : names_es[i];
		cols[i].kind = (i >= 6 && i <= 11) || i == 14 || i >= 16 ? OB_ROWS_NUMBER_COL
		                                                          : OB_ROWS_TEXT_COL;
	}
	cols[OB_ARRAY_SIZE(cols) - 1].kind = OB_ROWS_TEXT_COL;
	ob_buf_init(&body, OB_MAX_STATS_BUFFER);
	ob_rows_begin(&w, fmt, &body, NULL, cols, OB_ARRAY_SIZE(cols));
	for (size_t i = 0; i < l.n; i++) {
		const struct ob_svy_dark *x = &l.v[i];
		const struct ob_svy_indicator *ind = ob_svy_catalog_find(&cat, x->indicator);
		char flags[200];
		bool none = x->police < 0;
		if ((indicator && strcmp(indicator, x->indicator)) ||
		    (territory && strcmp(territory, x->territory)))
			continue;
		snprintf(flags, sizeof(flags), "%s%s%s%s%s", x->suppressed ? "suppressed" : "",
		         x->suppressed && x->flags[0] ? ";" : "", x->flags,
		         none && (x->suppressed || x->flags[0]) ? ";" : "", none ? "no_police_count" : "");
		ob_rows_str(&w, x->indicator);
		ob_rows_str(&w, ind ? ind->sdg : "");
		ob_rows_str(&w, x->territory);
		ob_rows_str(&w, x->period);
		ob_rows_str(&w, x->survey);
		ob_rows_str(&w, ind ? (en ? ind->universe_en : ind->universe_es) : "");
		ob_rows_num(&w, x->victims, "%.0f");
		ob_rows_num(&w, x->lower, "%.0f");
		ob_rows_num(&w, x->upper, "%.0f");
		ob_rows_num(&w, x->se, "%.0f");
		ob_rows_int(&w, x->n);
		ob_rows_num(&w, none ? NAN : x->police, "%.0f");
		ob_rows_str(&w, x->police_ids);
		ob_rows_str(&w, ob_svy_dark_police_population(x->sex, en));
		ob_rows_num(&w, x->police_all_ages < 0 ? NAN : x->police_all_ages, "%.0f");
		ob_rows_str(&w, x->rule);
		ob_rows_num(&w, 100 * x->recorded, "%.2f");
		ob_rows_num(&w, 100 * x->rec_lower, "%.2f");
		ob_rows_num(&w, 100 * x->rec_upper, "%.2f");
		ob_rows_num(&w, x->unrecorded, "%.0f");
		ob_rows_num(&w, x->unrec_lower, "%.0f");
		ob_rows_num(&w, x->unrec_upper, "%.0f");
		ob_rows_num(&w, 100 * x->reporting, "%.2f");
		ob_rows_num(&w, 100 * x->rep_lower, "%.2f");
		ob_rows_num(&w, 100 * x->rep_upper, "%.2f");
		ob_rows_num(&w, x->level, "%g");
		ob_rows_str(&w, flags);
		ob_rows_end_row(&w);
	}
	if (ob_rows_end(&w)) {
		OB_ERROR("la salida excede el límite", "the output exceeds the limit");
		status = OB_EXIT_SYSTEM;
	} else {
		fwrite(body.ptr ? body.ptr : "", 1, body.len, stdout);
		if (fflush(stdout))
			status = OB_EXIT_SYSTEM;
	}
	ob_buf_release(&body);
	ob_svy_darks_release(&l);
release_catalog:
	ob_svy_catalog_release(&cat);
free_rules:
	ob_counting_free(rules);
free_set:
	ob_indicators_free(set);
	return status;
}
