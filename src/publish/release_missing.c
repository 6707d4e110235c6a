/*
 * release_missing.c - the missing-persons statistics in a release
 * (missing_persons.csv and its CSVW dictionary): for each year of the
 * release with reports (missing_since in the year), the reports of the
 * case type missing-persons (cases/missing.h) by month, territory last
 * seen in, sex and age group, each breakdown ending in the year's total:
 * reports, located, located alive and dead, the share located and the
 * median days to location. The cells are ob_missing_year_stats', the
 * same "observa missing stats --year Y --by B" prints: one question, one
 * number.
 *
 * Disclosure: ob_missing_year_stats suppresses with the release's rules
 * (min_count; [minors]' in the groups under 18) and secondary suppression
 * within each breakdown; the year's total is the one margin the four
 * breakdowns share, and a cell of it hidden in one breakdown is hidden in
 * all. Only years are published, never a total over the years (another
 * margin the groups of several years would be differenced against).
 *
 * No data is never zero: a release whose observatory has no such case
 * type or no report in its years has no missing_persons.csv (r->missing
 * stays false: no sheet, no entry in metadata.json), and a year without
 * reports has no rows.
 */
#include "publish/release_impl.h"

#include "cases/missing.h"

#define MISSING_CSV "missing_persons.csv"

static const char *const columns[][4] = {
	/* name, datatype, description es, description en */
	{ "country", "string", "país del tipo de caso (ISO 3166-1 alfa-3)",
	  "the case type's country (ISO 3166-1 alpha-3)" },
	{ "year", "gYear", "año de la desaparición (missing_since)",
	  "year of the disappearance (missing_since)" },
	{ "breakdown", "string", "división: month, territory (último lugar en que se vio a la "
	  "persona), sex o age (grupo de edad al desaparecer)", "breakdown: month, territory (last "
	  "seen in), sex or age (age group when missing)" },
	{ "group", "string", "el grupo (AAAA-MM, código de territorio, f/m/unknown, 0-11, 12-17, "
	  "18-29, 30-44, 45-59, 60+, unknown); total: todos los reportes del año",
	  "the group (YYYY-MM, territory code, f/m/unknown, 0-11, 12-17, 18-29, 30-44, 45-59, "
	  "60+, unknown); total: every report of the year" },
	{ "reported", "integer", "reportes", "reports" },
	{ "located", "integer", "localizadas (con fecha de localización)",
	  "located (with a date of location)" },
	{ "located_alive", "integer", "localizadas con vida", "located alive" },
	{ "located_dead", "integer", "localizadas sin vida", "located dead" },
	{ "share_located", "number", "proporción localizada: located / reported",
	  "share located: located / reported" },
	{ "median_days", "number", "mediana de días de la desaparición a la localización",
	  "median days from the disappearance to the location" },
	{ "status", "string", "C: alguna celda de la fila reservada (vacía, no es cero)",
	  "C: a cell of the row withheld (empty, not zero)" },
};

static void count(FILE *f, long long v, bool hidden)
{
	fputc(',', f);
	if (!hidden)
		fprintf(f, "%lld", v);
}

/* v with dec decimals (as "observa missing stats" prints it); nothing
 * when not finite */
static void num(FILE *f, double v, int dec)
{
	char b[64];

	fputc(',', f);
	if (isfinite(v)) {
		snprintf(b, sizeof(b), "%.*f", dec, v);
		rel_csv_num(f, b);
	}
}

static void row(FILE *f, const char *country, int year, enum ob_missing_by by,
                const struct ob_missing_cell *x)
{
	bool any = x->reported_hidden || x->located_hidden || x->split_hidden;

	rel_csv_put(f, country);
	fprintf(f, ",%d,%s,", year, ob_missing_by_name(by));
	rel_csv_put(f, x->key[0] ? x->key : "total");
	count(f, x->reported, x->reported_hidden);
	count(f, x->located, x->located_hidden);
	count(f, x->alive, x->split_hidden);
	count(f, x->dead, x->split_hidden);
	num(f, x->located_hidden || !x->reported ? NAN : (double)x->located / (double)x->reported,
	    3);
	num(f, x->located_hidden ? NAN : x->median_days, 1);
	fputc(',', f);
	rel_csv_put(f, any ? OB_SDC_FLAG : NULL);
	fputc('\n', f);
}

static ob_err write_csvw(struct rel *r)
{
	const struct rel_csvw w = {
		.csv = MISSING_CSV,
		.title_en = "Missing persons: reports, located alive and dead, and the time to "
		            "location",
		.title_es = "Personas desaparecidas: reportes, localizadas con y sin vida, y el "
		            "tiempo hasta la localización",
		.source = "case type missing-persons",
		.columns = columns,
		.n = OB_ARRAY_SIZE(columns),
		.required = 4,
		.key = "\"year\",\"breakdown\",\"group\"",
	};
	return rel_write_csvw_table(r, &w);
}

/* Is year one of the release's? */
static bool in_release(const struct rel *r, int year)
{
	return year >= r->periods[0].year && year <= r->periods[r->n_periods - 1].year;
}

ob_err rel_write_missing(struct rel *r)
{
	long long min_count = r->cfg.rule[OB_SDC_RULE_GENERAL].min_count;
	long long min_minors = ob_sdc_rule_of(&r->cfg, OB_SDC_MINORS).min_count;
	struct ob_missing_type m;
	struct ob_case_set set;
	struct ob_cases types;
	size_t n_years = 0, shown = 0;
	int *years = NULL, k;
	FILE *f;
	ob_err e;

	r->missing = false;
	if ((e = ob_cases_load(r->dir, &types, r->d)))
		return e;
	if ((k = ob_cases_find(&types, OB_MISSING_TYPE)) < 0) {
		e = OB_OK;
		goto release_types;
	}
	if ((e = ob_missing_bind(&types.types[k], &m, r->d)) ||
	    (e = ob_case_load(r->st, &types.types[k], &set, r->d)))
		goto release_types;
	ob_missing_years(&m, &set, &years, &n_years);
	for (size_t i = 0; i < n_years; i++)
		shown += in_release(r, years[i]);
	if (!shown)
		goto release_set;
	REL_PROGRESS(r, "escribiendo %s", "writing %s", MISSING_CSV);
	if (!(f = rel_open_out(r, MISSING_CSV))) {
		e = r->d->code;
		goto release_set;
	}
	for (size_t i = 0; i < OB_ARRAY_SIZE(columns); i++)
		fprintf(f, "%s%s", i ? "," : "", columns[i][0]);
	fputc('\n', f);
	for (size_t i = 0; i < n_years && !e; i++) {
		struct ob_missing_year y;

		if (!in_release(r, years[i]))
			continue;
		if ((e = ob_missing_year_stats(&m, &set, years[i], min_count, min_minors, &y, r->d)))
			break;
		for (size_t b = 0; b < OB_MISSING_NBY; b++)
			for (size_t c = 0; c < y.n[b]; c++)
				row(f, types.types[k].country, years[i], (enum ob_missing_by)b, &y.by[b][c]);
		ob_missing_year_free(&y);
	}
	if (e) {
		fclose(f);
		goto release_set;
	}
	if ((e = rel_close_out(r, f, MISSING_CSV)) || (e = write_csvw(r)))
		goto release_set;
	r->missing = true;
release_set:
	free(years);
	ob_case_set_free(&set);
release_types:
	ob_cases_release(&types);
	return e;
}

void rel_missing_metadata(struct rel *r, struct ob_buf *b)
{
	if (!r->missing)
		return;
	ob_buf_puts(b, ",\n\"missing_persons\":{");
	rel_jkv(b, "csv", MISSING_CSV);
	ob_buf_putc(b, ',');
	rel_jkv(b, "csvw", MISSING_CSV "-metadata.json");
	ob_buf_putc(b, ',');
	rel_jkv(b, "description_es", "Reportes de personas desaparecidas (tipo de caso "
	        "missing-persons) por año de la desaparición y por mes, territorio del último "
	        "lugar, sexo o grupo de edad, sin identidades: localizadas con y sin vida, la "
	        "proporción localizada y la mediana de días hasta la localización. Conteos "
	        "pequeños reservados (C) con supresión secundaria; el total del año, común a las "
	        "cuatro divisiones, se reserva en todas si lo está en una. Un año sin reportes no "
	        "tiene filas: sin datos, no cero.");
	ob_buf_putc(b, ',');
	rel_jkv(b, "description_en", "Missing-person reports (case type missing-persons) by "
	        "year of disappearance and by month, territory last seen in, sex or age group, "
	        "without identities: located alive and dead, the share located and the median "
	        "days to location. Small counts withheld (C) with secondary suppression; the "
	        "year's total, shared by the four breakdowns, is withheld in all when it is in "
	        "one. A year without reports has no rows: no data, not zero.");
	ob_buf_putc(b, '}');
}
