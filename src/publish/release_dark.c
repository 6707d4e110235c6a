/*
 * release_dark.c - the dark figure in a release (dark_figure.csv and its
 * CSVW dictionary dark_figure.csv-metadata.json): each survey's estimated
 * number of victims of a crime, with its interval, against the victims
 * aged 18 or more the police recorded for the same territory and year
 * (survey/darkfig.h), the share recorded and the number unrecorded, and
 * the share of victims who said they reported it beside. The rows are
 * those "observa survey compare" prints, for the survey years within the
 * release's.
 *
 * Disclosure: the police count of adults is not in the release's other
 * tables, which publish the same victims of every age; it is published
 * only when it and the victims of other ages (minors and unknown age) are
 * each 0 or at least the strictest minimum count of the disclosure rules
 * (publish/sdc.h; 10 by default, sexual violence's), else it is withheld
 * with the flag C, and so are the share recorded and the number unrecorded.
 */
#include "publish/release_impl.h"

#include "survey/darkfig.h"
#include "survey/profile.h"

#define DARK_CSV "dark_figure.csv"

static const char *const columns[][4] = {
	/* name, datatype, description es, description en */
	{ "indicator", "string", "indicador de encuesta (ver metadata.json, survey_indicators)",
	  "survey indicator (see metadata.json, survey_indicators)" },
	{ "sdg", "string", "indicador ODS", "SDG indicator" },
	{ "country", "string", "país (ISO 3166-1 alfa-3)", "country (ISO 3166-1 alpha-3)" },
	{ "territory", "string", "el país o una unidad de primer nivel",
	  "the country or a first-level unit" },
	{ "year", "gYear", "año de la encuesta y de los registros policiales",
	  "year of the survey and of the police records" },
	{ "survey", "string", "la encuesta (código de su perfil)", "the survey (its profile's code)" },
	{ "population", "string", "población que cubre la encuesta",
	  "population the survey covers" },
	{ "victims", "number", "víctimas según la encuesta: total estimado con el diseño (suma de "
	  "los pesos de quienes dicen haberlo sufrido)", "victims according to the survey: "
	  "design-based estimated total (sum of the weights of those who say they suffered it)" },
	{ "victims_lower", "number", "límite inferior del intervalo del total (Wald, nivel en "
	  "level_conf)", "lower bound of the total's interval (Wald, level in level_conf)" },
	{ "victims_upper", "number", "límite superior del intervalo del total",
	  "upper bound of the total's interval" },
	{ "victims_se", "number", "error estándar del total según el diseño",
	  "design-based standard error of the total" },
	{ "n", "integer", "encuestados en que se basa la estimación",
	  "respondents the estimate rests on" },
	{ "police", "integer", "víctimas de 18 años o más registradas por la policía (por edad o "
	  "grupo de edad; las de edad desconocida no cuentan), de los indicadores police_indicators "
	  "sumados; vacío: sin datos o reservado (C)", "victims aged 18 or more recorded by the "
	  "police (by age or age group; those of unknown age do not count), of the indicators "
	  "police_indicators summed; empty: no data or withheld (C)" },
	{ "police_indicators", "string", "indicadores policiales (indicators.csv) que cuentan el "
	  "mismo delito, separados por |", "police indicators (indicators.csv) counting the same "
	  "crime, separated by |" },
	{ "police_population", "string", "a quién cuenta la cifra policial",
	  "whom the police count counts" },
	{ "counting_rule", "string", "regla de conteo de la cifra policial (victims:police: las "
	  "víctimas que registra la policía)", "counting rule of the police count "
	  "(victims:police: the victims the police record)" },
	{ "recorded_pct", "number", "porcentaje registrado: police / victims x 100 (puede pasar "
	  "de 100: la policía cuenta hechos, la encuesta personas)", "percent recorded: police / "
	  "victims x 100 (it may pass 100: the police count incidents, the survey persons)" },
	{ "recorded_lower", "number", "límite inferior: police / victims_upper x 100",
	  "lower bound: police / victims_upper x 100" },
	{ "recorded_upper", "number", "límite superior: police / victims_lower x 100 (vacío si "
	  "victims_lower <= 0)", "upper bound: police / victims_lower x 100 (empty when "
	  "victims_lower <= 0)" },
	{ "unrecorded", "number", "víctimas no registradas: victims - police (la cifra oculta)",
	  "victims unrecorded: victims - police (the dark figure)" },
	{ "unrecorded_lower", "number", "victims_lower - police", "victims_lower - police" },
	{ "unrecorded_upper", "number", "victims_upper - police", "victims_upper - police" },
	{ "reporting_pct", "number", "porcentaje de víctimas que dicen haber denunciado (ODS "
	  "16.3.1, la misma encuesta)", "percent of victims who say they reported it (SDG 16.3.1, "
	  "the same survey)" },
	{ "reporting_lower", "number", "límite inferior de reporting_pct",
	  "lower bound of reporting_pct" },
	{ "reporting_upper", "number", "límite superior de reporting_pct",
	  "upper bound of reporting_pct" },
	{ "level_conf", "number", "nivel de confianza de los intervalos",
	  "confidence level of the intervals" },
	{ "flag", "string", "marcas separadas por ;: suppressed (pocos encuestados: sin número), "
	  "C (cifra policial reservada), no_police_count (sin datos policiales), las de la "
	  "estimación (high_cv, few_cases, lonely_psu, missing_values...)",
	  "flags separated by ;: suppressed (few respondents: no number), C (police count "
	  "withheld), no_police_count (no police data), the estimate's (high_cv, few_cases, "
	  "lonely_psu, missing_values...)" },
};

/* v with dec decimals (-1: as %g, a level); nothing when not finite */
static void num(FILE *f, double v, int dec)
{
	char b[64];
	if (isfinite(v)) {
		if (dec < 0)
			snprintf(b, sizeof(b), "%g", v);
		else
			snprintf(b, sizeof(b), "%.*f", dec, v);
		rel_csv_num(f, b);
	}
}

static void sep(FILE *f)
{
	fputc(',', f);
}

static void row(FILE *f, const struct ob_svy_dark *x, const struct ob_svy_indicator *ind,
                long long min_count)
{
	char country[4] = "", flag[240];
	bool none = x->police < 0;
	double rest = x->police_all_ages - x->police;
	bool withheld = !none && ((x->police > 0 && x->police < (double)min_count) ||
	                          (rest > 0 && rest < (double)min_count));
	bool shown = !none && !withheld;

	ob_strlcpy(country, x->territory, sizeof(country));
	snprintf(flag, sizeof(flag), "%s%s%s%s%s%s", x->suppressed ? "suppressed" : "",
	         x->suppressed && x->flags[0] ? ";" : "", x->flags,
	         (none || withheld) && (x->suppressed || x->flags[0]) ? ";" : "",
	         none ? "no_police_count" : "", withheld ? "C" : "");
	rel_csv_put(f, x->indicator);
	sep(f);
	rel_csv_put(f, ind ? ind->sdg : "");
	sep(f);
	rel_csv_put(f, country);
	sep(f);
	rel_csv_put(f, x->territory);
	sep(f);
	rel_csv_put(f, x->period);
	sep(f);
	rel_csv_put(f, x->survey);
	sep(f);
	rel_csv_put(f, ind ? ind->universe_en : "");
	sep(f);
	num(f, x->victims, 0);
	sep(f);
	num(f, x->lower, 0);
	sep(f);
	num(f, x->upper, 0);
	sep(f);
	num(f, x->se, 0);
	fprintf(f, ",%lld,", x->n);
	num(f, shown ? x->police : NAN, 0);
	sep(f);
	rel_csv_put(f, x->police_ids);
	sep(f);
	rel_csv_put(f, ob_svy_dark_police_population(x->sex, true));
	sep(f);
	rel_csv_put(f, x->rule);
	sep(f);
	num(f, shown ? 100 * x->recorded : NAN, 2);
	sep(f);
	num(f, shown ? 100 * x->rec_lower : NAN, 2);
	sep(f);
	num(f, shown ? 100 * x->rec_upper : NAN, 2);
	sep(f);
	num(f, shown ? x->unrecorded : NAN, 0);
	sep(f);
	num(f, shown ? x->unrec_lower : NAN, 0);
	sep(f);
	num(f, shown ? x->unrec_upper : NAN, 0);
	sep(f);
	num(f, 100 * x->reporting, 2);
	sep(f);
	num(f, 100 * x->rep_lower, 2);
	sep(f);
	num(f, 100 * x->rep_upper, 2);
	sep(f);
	num(f, x->level, -1);
	sep(f);
	rel_csv_put(f, flag);
	fputc('\n', f);
}

static ob_err write_csvw(struct rel *r)
{
	const struct rel_csvw w = {
		.csv = DARK_CSV,
		.title_en = "The dark figure: victims estimated by surveys against victims recorded "
		            "by the police",
		.title_es = "La cifra oculta: víctimas que estiman las encuestas frente a las que "
		            "registra la policía",
		.source = "survey_indicators.csv; indicators.csv",
		.columns = columns,
		.n = OB_ARRAY_SIZE(columns),
		.required = 6,
		.key = "\"indicator\",\"territory\",\"year\",\"survey\"",
	};
	return rel_write_csvw_table(r, &w);
}

ob_err rel_write_dark(struct rel *r)
{
	struct ob_svy_catalog cat;
	struct ob_svy_darks l;
	long long min_count = 0;
	FILE *f;
	ob_err e;

	for (size_t i = 0; i < OB_SDC_NRULES; i++)
		if (r->cfg.rule[i].min_count > min_count)
			min_count = r->cfg.rule[i].min_count;
	if ((e = ob_svy_catalog_load(r->dir, &cat, r->d)))
		return e;
	if ((e = ob_svy_dark_compute(r->st, r->dir, r->snap, r->pop, r->set, r->rules,
	                             r->periods[0].year, r->periods[r->n_periods - 1].year, &l,
	                             r->d)))
		goto release_catalog;
	if (!(f = rel_open_out(r, DARK_CSV))) {
		e = r->d->code;
		goto release_list;
	}
	for (size_t i = 0; i < OB_ARRAY_SIZE(columns); i++)
		fprintf(f, "%s%s", i ? "," : "", columns[i][0]);
	fputc('\n', f);
	for (size_t i = 0; i < l.n; i++)
		row(f, &l.v[i], ob_svy_catalog_find(&cat, l.v[i].indicator), min_count);
	if ((e = rel_close_out(r, f, DARK_CSV)))
		goto release_list;
	e = write_csvw(r);
release_list:
	ob_svy_darks_release(&l);
release_catalog:
	ob_svy_catalog_release(&cat);
	return e;
}

void rel_dark_metadata(struct rel *r, struct ob_buf *b)
{
	(void)r;
	ob_buf_puts(b, ",\n\"dark_figure\":{");
	rel_jkv(b, "csv", DARK_CSV);
	ob_buf_putc(b, ',');
	rel_jkv(b, "csvw", DARK_CSV "-metadata.json");
	ob_buf_putc(b, ',');
	rel_jkv(b, "description_es", "Víctimas que estima cada encuesta (un total según su diseño, "
	        "con su intervalo) frente a las víctimas de 18 años o más que registró la policía "
	        "en el mismo territorio y año, para los delitos que ambas miden "
	        "(survey_indicators.csv, columna police); la proporción registrada y la cifra "
	        "oculta, con intervalos derivados del de la estimación.");
	ob_buf_putc(b, ',');
	rel_jkv(b, "description_en", "Victims each survey estimates (a design-based total with "
	        "its interval) against the victims aged 18 or more the police recorded for the "
	        "same territory and year, for the crimes both measure (survey_indicators.csv, "
	        "column police); the share recorded and the dark figure, with intervals derived "
	        "from the estimate's.");
	ob_buf_putc(b, ',');
	rel_jkv(b, "counting_rule", "victims aged 18 or more of the police indicators, as "
	        "indicators.csv counts them (counting_rule column)");
	ob_buf_putc(b, '}');
}
