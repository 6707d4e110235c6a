/*
 * release_survey.c - the survey indicators of a release: the store's
 * estimates (store/survey.h) of the catalogue's survey indicators whose
 * survey year lies within the release's years, as one CSV
 * (survey_indicators.csv: estimate, lower, upper, se, cv, n, flag, in
 * percent; by sex: T the indicator's whole universe, F and M its women and
 * men when the survey's profile names the sex variable) and its data
 * dictionary (survey_indicators.csv-metadata.json, CSVW, every column
 * described in Spanish and English), kept in r->svy for their SDMX
 * dataflow (sdmx.c, DF_SURVEY_INDICATORS). A suppressed
 * estimate (fewer respondents than its survey's minimum) has no number and
 * the flag "suppressed"; an estimate flagged for precision keeps its
 * number with its flag.
 */
#include "publish/release_impl.h"

#include "store/survey.h"
#include "survey/profile.h"

#define SURVEY_CSV "survey_indicators.csv"

static const char *const columns[][4] = {
	/* name, datatype, description es, description en */
	{ "indicator", "string", "indicador de encuesta (ver metadata.json, survey_indicators)",
	  "survey indicator (see metadata.json, survey_indicators)" },
	{ "sdg", "string", "indicador ODS", "SDG indicator" },
	{ "country", "string", "país (ISO 3166-1 alfa-3)", "country (ISO 3166-1 alpha-3)" },
	{ "territory", "string", "el país o una unidad de primer nivel (ver code_lists.territories)",
	  "the country or a first-level unit (see code_lists.territories)" },
	{ "sex", "string", "sexo: T toda la población del indicador, F sus mujeres, M sus hombres "
	  "(dominios del diseño completo)", "sex: T the indicator's whole population, F its "
	  "women, M its men (domains of the whole design)" },
	{ "year", "gYear", "año de la encuesta", "survey year" },
	{ "unit", "string", "unidad: porcentaje de la población del indicador",
	  "unit: percent of the indicator's population" },
	{ "estimate", "number", "estimación según el diseño de la encuesta, en porcentaje",
	  "design-based estimate, in percent" },
	{ "lower", "number", "límite inferior del intervalo (nivel en level_conf)",
	  "lower bound of the interval (level in level_conf)" },
	{ "upper", "number", "límite superior del intervalo", "upper bound of the interval" },
	{ "se", "number", "error estándar según el diseño (linealización de Taylor), en puntos "
	  "porcentuales", "design-based standard error (Taylor linearisation), in percentage points" },
	{ "cv", "number", "coeficiente de variación (se / estimate)",
	  "coefficient of variation (se / estimate)" },
	{ "n", "integer", "encuestados en que se basa la estimación",
	  "respondents the estimate rests on" },
	{ "flag", "string", "marcas separadas por ;: suppressed (menos encuestados que el mínimo de "
	  "la encuesta: sin número), high_cv (CV mayor que el máximo: úsese con cautela), "
	  "few_cases, no_cases, lonely_psu, no_interval, missing_values",
	  "flags separated by ;: suppressed (fewer respondents than the survey's minimum: no "
	  "number), high_cv (CV above the maximum: use with care), few_cases, no_cases, "
	  "lonely_psu, no_interval, missing_values" },
	{ "level_conf", "number", "nivel de confianza del intervalo", "confidence level of the interval" },
	{ "interval_method", "string", "método del intervalo de una proporción (logit, beta, asin, "
	  "likelihood, wald, como svyciprop del paquete survey de R; wilson, el de Wilson con el "
	  "tamaño efectivo)", "interval method of a proportion (logit, beta, asin, likelihood, "
	  "wald, as svyciprop of R's survey package; wilson, Wilson's with the effective sample "
	  "size)" },
	{ "source", "string", "la encuesta (código de su perfil)", "the survey (its profile's code)" },
};

struct acc {
	struct rel *r;
	const struct ob_svy_catalog *cat;
	FILE *f;
	long first, last;
	size_t rows;
};

/* v with four decimals (a level as it is); nothing when not finite */
static void num(FILE *f, double v, bool level)
{
	char b[64];
	if (isfinite(v)) {
		if (level)
			snprintf(b, sizeof(b), "%g", v);
		else
			snprintf(b, sizeof(b), "%.4f", v);
		rel_csv_num(f, b);
	}
}

/* w kept for the SDMX dataflow (r->svy) */
static void keep(struct rel *r, const struct ob_survey_row *w, bool none)
{
	struct rsvy *x;

	if (r->nsvy == r->svy_cap) {
		r->svy_cap = r->svy_cap ? 2 * r->svy_cap : 64;
		r->svy = ob_realloc(r->svy, r->svy_cap * sizeof(*r->svy));
	}
	x = &r->svy[r->nsvy++];
	x->indicator = ob_strdup(w->indicator);
	x->territory = ob_strdup(w->territory);
	x->sex = ob_strdup(w->sex);
	x->year = ob_strdup(w->period);
	x->survey = ob_strdup(w->survey);
	x->flags = ob_strdup(w->flags);
	x->method = ob_strdup(w->method);
	x->est = none ? NAN : 100 * w->estimate;
	x->lo = none ? NAN : 100 * w->lower;
	x->hi = none ? NAN : 100 * w->upper;
	x->se = none ? NAN : 100 * w->se;
	x->cv = none ? NAN : w->cv;
	x->level = w->level;
	x->n = w->n;
	x->suppressed = none;
}

void rel_svy_release(struct rel *r)
{
	for (size_t i = 0; i < r->nsvy; i++) {
		struct rsvy *x = &r->svy[i];
		free(x->indicator);
		free(x->territory);
		free(x->sex);
		free(x->year);
		free(x->survey);
		free(x->flags);
		free(x->method);
	}
	free(r->svy);
	r->svy = NULL;
	r->nsvy = r->svy_cap = 0;
}

static int one(void *arg, const struct ob_survey_row *w)
{
	struct acc *a = arg;
	const struct ob_svy_indicator *ind = ob_svy_catalog_find(a->cat, w->indicator);
	long long y;
	char country[4] = "", flag[160];
	bool none = w->suppressed;

	if (!ob_parse_int(w->period, strlen(w->period), 0, 9999, &y) || y < a->first || y > a->last)
		return 0;
	ob_strlcpy(country, w->territory, sizeof(country));
	snprintf(flag, sizeof(flag), "%s%s%s", none ? "suppressed" : "", none && w->flags[0] ? ";" : "",
	         w->flags);
	rel_csv_put(a->f, w->indicator);
	fputc(',', a->f);
	rel_csv_put(a->f, ind ? ind->sdg : "");
	fputc(',', a->f);
	rel_csv_put(a->f, country);
	fputc(',', a->f);
	rel_csv_put(a->f, w->territory);
	fputc(',', a->f);
	rel_csv_put(a->f, w->sex);
	fputc(',', a->f);
	rel_csv_put(a->f, w->period);
	fputs(",percent,", a->f);
	num(a->f, none ? NAN : 100 * w->estimate, false);
	fputc(',', a->f);
	num(a->f, none ? NAN : 100 * w->lower, false);
	fputc(',', a->f);
	num(a->f, none ? NAN : 100 * w->upper, false);
	fputc(',', a->f);
	num(a->f, none ? NAN : 100 * w->se, false);
	fputc(',', a->f);
	num(a->f, none ? NAN : w->cv, false);
	fprintf(a->f, ",%lld,", w->n);
	rel_csv_put(a->f, flag);
	fputc(',', a->f);
	num(a->f, w->level, true);
	fputc(',', a->f);
	rel_csv_put(a->f, w->method);
	fputc(',', a->f);
	rel_csv_put(a->f, w->survey);
	fputc('\n', a->f);
	a->rows++;
	keep(a->r, w, none);
	return 0;
}

ob_err rel_write_csvw_table(struct rel *r, const struct rel_csvw *w)
{
	struct ob_buf b = OB_BUF_INIT(1 << 20);
	char name[OB_MAX_PATH];
	ob_err e;

	ob_buf_puts(&b, "{\"@context\":[\"http://www.w3.org/ns/csvw\",{\"@language\":\"en\"}],");
	rel_jkv(&b, "url", w->csv);
	ob_buf_puts(&b, ",\"dc:title\":[{\"@value\":");
	ob_json_str(&b, w->title_en, strlen(w->title_en));
	ob_buf_puts(&b, ",\"@language\":\"en\"},{\"@value\":");
	ob_json_str(&b, w->title_es, strlen(w->title_es));
	ob_buf_puts(&b, ",\"@language\":\"es\"}],");
	if (w->source) {
		rel_jkv(&b, "dc:source", w->source);
		ob_buf_putc(&b, ',');
	}
	ob_buf_puts(&b, "\"dc:license\":{\"@id\":");
	ob_json_str(&b, r->pub.licence, strlen(r->pub.licence));
	ob_buf_puts(&b, "},\"dc:publisher\":");
	ob_json_str(&b, r->pub.publisher, strlen(r->pub.publisher));
	ob_buf_puts(&b, ",\"dialect\":{\"encoding\":\"utf-8\",\"header\":true,\"delimiter\":\",\"},"
	                "\"tableSchema\":{\"columns\":[");
	for (size_t i = 0; i < w->n; i++) {
		const char *const *c = w->columns[i];
		bool required = i < w->required || (w->also_required && !strcmp(c[0], w->also_required));
		ob_buf_puts(&b, i ? ",\n{" : "\n{");
		rel_jkv(&b, "name", c[0]);
		ob_buf_puts(&b, ",\"titles\":");
		ob_json_str(&b, c[0], strlen(c[0]));
		ob_buf_puts(&b, ",\"dc:description\":[{\"@value\":");
		ob_json_str(&b, c[3], strlen(c[3]));
		ob_buf_puts(&b, ",\"@language\":\"en\"},{\"@value\":");
		ob_json_str(&b, c[2], strlen(c[2]));
		ob_buf_puts(&b, ",\"@language\":\"es\"}],");
		rel_jkv(&b, "datatype", c[1]);
		if (!strcmp(c[0], "flag"))
			ob_buf_puts(&b, ",\"separator\":\";\"");
		ob_buf_puts(&b, required ? ",\"required\":true}" : ",\"required\":false}");
	}
	ob_buf_puts(&b, "],\"primaryKey\":[");
	ob_buf_puts(&b, w->key);
	ob_buf_puts(&b, "]}}\n");
	snprintf(name, sizeof(name), "%s-metadata.json", w->csv);
	e = rel_write_buf(r, name, &b);
	ob_buf_release(&b);
	return e;
}

static ob_err write_csvw(struct rel *r)
{
	const struct rel_csvw w = {
		.csv = SURVEY_CSV,
		.title_en = "Survey indicators: design-based estimates with their intervals",
		.title_es = "Indicadores de encuesta: estimaciones según el diseño con sus intervalos",
		.columns = columns,
		.n = OB_ARRAY_SIZE(columns),
		.required = 6,
		.also_required = "source",
		.key = "\"indicator\",\"territory\",\"sex\",\"year\",\"source\"",
	};
	return rel_write_csvw_table(r, &w);
}

ob_err rel_write_survey(struct rel *r)
{
	struct ob_svy_catalog cat;
	struct acc a;
	FILE *f;
	ob_err e;

	if ((e = ob_svy_catalog_load(r->dir, &cat, r->d)))
		return e;
	memset(&a, 0, sizeof(a));
	a.r = r;
	a.cat = &cat;
	a.first = r->periods[0].year;
	a.last = r->periods[r->n_periods - 1].year;
	if (!(f = rel_open_out(r, SURVEY_CSV))) {
		e = r->d->code;
		goto release_catalog;
	}
	a.f = f;
	for (size_t i = 0; i < OB_ARRAY_SIZE(columns); i++)
		fprintf(f, "%s%s", i ? "," : "", columns[i][0]);
	fputc('\n', f);
	if (ob_store_survey_each(r->st, NULL, NULL, NULL, one, &a, r->d) < 0) {
		fclose(f);
		e = OB_ESTORE;
		goto release_catalog;
	}
	if ((e = rel_close_out(r, f, SURVEY_CSV)) || (e = write_csvw(r)))
		goto release_catalog;
release_catalog:
	ob_svy_catalog_release(&cat);
	return e;
}

void rel_survey_metadata(struct rel *r, struct ob_buf *b)
{
	struct ob_svy_catalog cat;
	struct ob_diag d;

	ob_diag_clear(&d);
	ob_buf_puts(b, ",\n\"survey_indicators\":{");
	rel_jkv(b, "csv", SURVEY_CSV);
	ob_buf_putc(b, ',');
	rel_jkv(b, "csvw", SURVEY_CSV "-metadata.json");
	ob_buf_puts(b, ",\"unit\":\"percent\",\"indicators\":[");
	if (!ob_svy_catalog_load(r->dir, &cat, &d)) {
		for (size_t i = 0; i < cat.n; i++) {
			const struct ob_svy_indicator *x = &cat.ind[i];
			ob_buf_puts(b, i ? ",\n{" : "\n{");
			rel_jkv(b, "id", x->id);
			ob_buf_putc(b, ',');
			rel_jkv(b, "sdg", x->sdg);
			ob_buf_putc(b, ',');
			rel_jkv(b, "name_es", x->name_es);
			ob_buf_putc(b, ',');
			rel_jkv(b, "name_en", x->name_en);
			ob_buf_putc(b, ',');
			rel_jkv(b, "description_es", x->description_es);
			ob_buf_putc(b, ',');
			rel_jkv(b, "description_en", x->description_en);
			ob_buf_putc(b, ',');
			rel_jkv(b, "universe_es", x->universe_es);
			ob_buf_putc(b, ',');
			rel_jkv(b, "universe_en", x->universe_en);
			ob_buf_putc(b, '}');
		}
		ob_svy_catalog_release(&cat);
	}
	ob_buf_puts(b, "]}");
}
