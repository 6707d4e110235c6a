/*
 * survey.c - the survey indicators in "observa indicators": the store's
 * estimates (store/survey.h) of the catalogue's survey indicators
 * (catalog/survey_indicators.csv), in percent, each marked as a survey
 * estimate with its interval, standard error, CV, respondents, flags and
 * the survey it comes from. A suppressed estimate shows no number and the
 * flag "suppressed" (es: "suprimida"). The estimates of the whole universe
 * (sex T) alone; with --by sex also those of its women and men (F, M),
 * with a column sex.
 */
#include "cli/indicators/internal.h"

#include "base/log.h"
#include "cli/cliutil.h"
#include "io/rows.h"
#include "store/survey.h"
#include "survey/profile.h"

bool ind_survey_only(const struct opts *o)
{
	struct ob_svy_catalog cat;
	struct ob_diag d;
	bool all = o->indicators != NULL;

	ob_diag_clear(&d);
	if (!o->indicators || ob_svy_catalog_load(o->dir, &cat, &d))
		return false;
	for (const char *s = o->indicators; all && *s;) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);
		bool found = false;
		for (size_t i = 0; i < cat.n && !found; i++)
			found = strlen(cat.ind[i].id) == n && !memcmp(cat.ind[i].id, s, n);
		all = found;
		s = c ? c + 1 : s + n;
	}
	ob_svy_catalog_release(&cat);
	return all;
}

/* Whether item (n bytes) is in the comma-separated list (NULL: any). */
static bool in_list(const char *list, const char *item)
{
	size_t n = strlen(item);
	if (!list)
		return true;
	for (const char *s = list; *s;) {
		const char *c = strchr(s, ',');
		size_t k = c ? (size_t)(c - s) : strlen(s);
		if (k == n && !memcmp(s, item, n))
			return true;
		s = c ? c + 1 : s + k;
	}
	return false;
}

struct sv {
	const struct opts *o;
	const struct ob_svy_catalog *cat;
	struct ob_rows w;
	long long from, to;    /* years, 0: any */
	bool by_sex;           /* a column sex, and the rows of each */
	size_t rows;
};

static int one(void *arg, const struct ob_survey_row *r)
{
	struct sv *x = arg;
	const struct opts *o = x->o;
	const struct ob_svy_indicator *ind = ob_svy_catalog_find(x->cat, r->indicator);
	long long y = 0;
	char flags[160];

	if (!in_list(o->indicators, r->indicator) || !in_list(o->territory, r->territory) ||
	    (o->country && strncmp(r->territory, o->country, strlen(o->country))))
		return 0;
	if (x->from && (!ob_parse_int(r->period, strlen(r->period), 0, 9999, &y) || y < x->from ||
	                y > x->to))
		return 0;
	snprintf(flags, sizeof(flags), "%s%s%s", r->suppressed ? (en(o) ? "suppressed" : "suprimida")
	                                                       : "",
	         r->suppressed && r->flags[0] ? ";" : "", r->flags);
	ob_rows_str(&x->w, r->indicator);
	ob_rows_str(&x->w, ind ? ind->sdg : "");
	ob_rows_str(&x->w, en(o) ? "survey_estimate" : "estimación_de_encuesta");
	ob_rows_str(&x->w, r->territory);
	if (x->by_sex)
		ob_rows_str(&x->w, r->sex);
	ob_rows_str(&x->w, r->period);
	ob_rows_num(&x->w, 100 * r->estimate, "%.1f");
	ob_rows_num(&x->w, 100 * r->lower, "%.1f");
	ob_rows_num(&x->w, 100 * r->upper, "%.1f");
	ob_rows_num(&x->w, 100 * r->se, "%.2f");
	ob_rows_num(&x->w, r->cv, "%.3f");
	ob_rows_int(&x->w, r->n);
	ob_rows_str(&x->w, flags);
	ob_rows_str(&x->w, r->survey);
	ob_rows_str(&x->w, ind ? (en(o) ? ind->name_en : ind->name_es) : "");
	ob_rows_end_row(&x->w);
	x->rows++;
	return 0;
}

int ind_survey_run(struct ob_cmd_ctx *ctx, const struct opts *o, bool section)
{
	static const struct ob_rows_col cols_es[] = {
		{ "indicador", OB_ROWS_TEXT_COL }, { "ods", OB_ROWS_TEXT_COL },
		{ "tipo", OB_ROWS_TEXT_COL }, { "territorio", OB_ROWS_TEXT_COL },
		{ "sexo", OB_ROWS_TEXT_COL }, { "periodo", OB_ROWS_TEXT_COL }, { "porcentaje", OB_ROWS_NUMBER_COL },
		{ "inferior", OB_ROWS_NUMBER_COL }, { "superior", OB_ROWS_NUMBER_COL },
		{ "ee", OB_ROWS_NUMBER_COL }, { "cv", OB_ROWS_NUMBER_COL },
		{ "n", OB_ROWS_NUMBER_COL }, { "marcas", OB_ROWS_TEXT_COL },
		{ "fuente", OB_ROWS_TEXT_COL }, { "nombre", OB_ROWS_TEXT_COL },
	};
	static const struct ob_rows_col cols_en[] = {
		{ "indicator", OB_ROWS_TEXT_COL }, { "sdg", OB_ROWS_TEXT_COL },
		{ "type", OB_ROWS_TEXT_COL }, { "territory", OB_ROWS_TEXT_COL },
		{ "sex", OB_ROWS_TEXT_COL }, { "period", OB_ROWS_TEXT_COL }, { "percent", OB_ROWS_NUMBER_COL },
		{ "lower", OB_ROWS_NUMBER_COL }, { "upper", OB_ROWS_NUMBER_COL },
		{ "se", OB_ROWS_NUMBER_COL }, { "cv", OB_ROWS_NUMBER_COL },
		{ "n", OB_ROWS_NUMBER_COL }, { "flags", OB_ROWS_TEXT_COL },
		{ "source", OB_ROWS_TEXT_COL }, { "name", OB_ROWS_TEXT_COL },
	};
	struct ob_rows_col cols[OB_ARRAY_SIZE(cols_en)];
	struct ob_svy_catalog cat;
	struct ob_store *s;
	struct ob_diag d;
	struct ob_buf body;
	struct sv x;
	size_t ncols = 0;
	enum ob_rows_format fmt = !strcmp(o->format, "csv") ? OB_ROWS_CSV
	                          : !strcmp(o->format, "json") ? OB_ROWS_JSON : OB_ROWS_TEXT;
	int rc, status = OB_EXIT_OK;

	ob_diag_clear(&d);
	memset(&x, 0, sizeof(x));
	x.o = o;
	for (size_t i = 0; i < o->n_by; i++)
		x.by_sex |= o->by[i] == OB_BY_SEX;
	/* the columns, sex only with --by sex */
	for (size_t i = 0; i < OB_ARRAY_SIZE(cols_en); i++)
		if (x.by_sex || strcmp(cols_en[i].name, "sex"))
			cols[ncols++] = en(o) ? cols_en[i] : cols_es[i];
	if (o->period) {
		const char *dots = strstr(o->period, "..");
		if (dots ? !ob_parse_int(o->period, (size_t)(dots - o->period), 0, 9999, &x.from) ||
		           !ob_parse_int(dots + 2, strlen(dots + 2), 0, 9999, &x.to)
		         : !ob_parse_int(o->period, strlen(o->period), 0, 9999, &x.from)) {
			OB_ERROR("--period «%s»: los indicadores de encuesta son anuales: se esperaba "
			         "AAAA o AAAA..AAAA", "--period «%s»: survey indicators are yearly: "
			         "expected YYYY or YYYY..YYYY", o->period);
			return OB_EXIT_USAGE;
		}
		if (!dots)
			x.to = x.from;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return ob_cli_status(ctx->store_error);
	if (ob_svy_catalog_load(o->dir, &cat, &d)) {
		ob_cli_diag(&d);
		return ob_cli_status(d.code);
	}
	x.cat = &cat;
	ob_buf_init(&body, OB_MAX_STATS_BUFFER);
	ob_rows_begin(&x.w, fmt, &body, NULL, cols, ncols);
	rc = ob_store_survey_each(s, NULL, NULL, x.by_sex ? NULL : "T", one, &x, &d);
	if (ob_rows_end(&x.w) || rc < 0) {
		if (rc < 0)
			ob_cli_diag(&d);
		else
			OB_ERROR("la salida excede el límite", "the output exceeds the limit");
		status = OB_EXIT_SYSTEM;
	} else if (!section || x.rows) {
		if (section)
			fputs(en(o) ? "\nSurvey indicators (design-based estimates, percent; "
			              "suppressed: too few respondents, no number)\n"
			            : "\nIndicadores de encuesta (estimaciones según el diseño, en "
			              "porcentaje; suprimida: pocos encuestados, sin número)\n", stdout);
		fwrite(body.ptr ? body.ptr : "", 1, body.len, stdout);
		if (fflush(stdout))
			status = OB_EXIT_SYSTEM;
	}
	ob_buf_release(&body);
	ob_svy_catalog_release(&cat);
	return status;
}
