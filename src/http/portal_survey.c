/*
 * portal_survey.c - a survey indicator's estimates by sex on the portal's
 * page of the indicator (/es/data#ID): for each country and year of the
 * latest release's survey_indicators.csv (publish/release_survey.c), the
 * estimate of the indicator's whole population (sex T) beside those of its
 * women (F) and men (M), each with its interval, in a table, as GET
 * /api/v1/indicators/{id}?by=sex gives them. A suppressed estimate is
 * "suprimida" / "suppressed" and a missing one "sin datos" / "no data",
 * never 0. Nothing when the release has no estimate of the indicator by
 * sex (a survey whose profile names no sex variable, or an indicator of
 * one sex, 5.2.1).
 */
#include "http/portal.h"

#include "io/csv.h"
#include "publish/release.h"
#include "survey/profile.h"

#include <math.h>
#include <unistd.h>

#define MAX_ROWS 64

enum { C_IND, C_TERR, C_COUNTRY, C_SEX, C_YEAR, C_EST, C_LO, C_HI, C_FLAG, C_NCOLS };
enum { S_T, S_F, S_M, S_N };

struct sex_est {
	bool seen, suppressed;
	double est, lo, hi;    /* NaN when none */
};

struct sex_row {
	char country[8], year[8];
	struct sex_est s[S_N];
};

static double cell_num(const struct ob_csv_field *f)
{
	double x;
	return f->len && ob_parse_double(f->ptr, f->len, &x) ? x : NAN;
}

static bool suppressed(const char *flags)
{
	size_t n = strlen("suppressed");
	return !strncmp(flags, "suppressed", n) && (!flags[n] || flags[n] == ';');
}

/* The national rows of indicator id in the latest release, one a country
 * and year (at most max); *split: whether any is by sex. */
static size_t load(const char *dir, const char *id, struct sex_row *rows, size_t max,
                   bool *split)
{
	static const char *const names[C_NCOLS] = { "indicator", "territory", "country", "sex",
		                                    "year", "estimate", "lower", "upper",
		                                    "flag" };
	const struct ob_csv_options o = { .encoding = OB_ENC_UTF8, .delimiter = ',' };
	char version[32], path[OB_MAX_PATH];
	struct ob_csv_reader *rd;
	const struct ob_csv_record *rec;
	struct ob_diag d;
	long col[C_NCOLS];
	size_t n = 0, need = 0;

	*split = false;
	ob_diag_clear(&d);
	if (ob_release_latest(dir, version, sizeof(version)) ||
	    snprintf(path, sizeof(path), "%s/%s/%s/survey_indicators.csv", dir, OB_RELEASES_DIR,
	             version) >= (int)sizeof(path) || access(path, R_OK) ||
	    ob_csv_open(path, NULL, &o, &rd, &d))
		return 0;
	/* a release before the estimates by sex has no column sex: nothing */
	if (ob_csv_next(rd, &rec, &d) ||
	    ob_csv_header_columns(rec, path, names, NULL, C_NCOLS, col, &d))
		goto close_reader;
	for (size_t k = 0; k < C_NCOLS; k++)
		need = (size_t)col[k] >= need ? (size_t)col[k] + 1 : need;
	while (!ob_csv_next(rd, &rec, &d)) {
		const struct ob_csv_field *f = rec->fields;
		const char *sx;
		struct sex_row *x = NULL;
		struct sex_est *e;
		int k;
		if (rec->blank || rec->nfields < need || strcmp(f[col[C_IND]].ptr, id) ||
		    strcmp(f[col[C_TERR]].ptr, f[col[C_COUNTRY]].ptr))
			continue;
		sx = f[col[C_SEX]].ptr;
		k = !strcmp(sx, "T") ? S_T : !strcmp(sx, "F") ? S_F : !strcmp(sx, "M") ? S_M : -1;
		if (k < 0)
			continue;
		*split |= k != S_T;
		for (size_t i = 0; i < n && !x; i++)
			if (!strcmp(rows[i].country, f[col[C_COUNTRY]].ptr) &&
			    !strcmp(rows[i].year, f[col[C_YEAR]].ptr))
				x = &rows[i];
		if (!x) {
			if (n == max)
				continue;
			x = &rows[n++];
			memset(x, 0, sizeof(*x));
			ob_strlcpy(x->country, f[col[C_COUNTRY]].ptr, sizeof(x->country));
			ob_strlcpy(x->year, f[col[C_YEAR]].ptr, sizeof(x->year));
		}
		e = &x->s[k];
		e->seen = true;
		e->suppressed = suppressed(f[col[C_FLAG]].ptr);
		e->est = cell_num(&f[col[C_EST]]);
		e->lo = cell_num(&f[col[C_LO]]);
		e->hi = cell_num(&f[col[C_HI]]);
	}
close_reader:
	ob_csv_close(rd);
	return n;
}

/* An estimate with its interval; "suprimida" when suppressed, "sin datos"
 * when there is none. */
static void cell(struct ob_page *pg, const struct sex_est *e)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<td class=\"num\">");
	if (e->suppressed && !isfinite(e->est)) {
		ob_html_text(b, OB_L(pg, "suprimida (pocos encuestados)",
		                     "suppressed (too few respondents)"));
	} else if (!isfinite(e->est)) {
		ob_html_text(b, OB_L(pg, "sin datos", "no data"));
	} else {
		ob_page_num(pg, e->est, 1);
		if (isfinite(e->lo) && isfinite(e->hi)) {
			OB_HTML_LIT(b, "<br><small>");
			ob_page_num(pg, e->lo, 1);
			ob_html_text(b, " – ");
			ob_page_num(pg, e->hi, 1);
			OB_HTML_LIT(b, "</small>");
		}
	}
	OB_HTML_LIT(b, "</td>");
}

void ob_page_survey_by_sex(struct ob_page *pg, const struct ob_svy_indicator *x)
{
	struct ob_buf *b = pg->b;
	struct sex_row *rows = ob_calloc(MAX_ROWS, sizeof(*rows));
	bool split;
	size_t n = load(pg->c->ctx->dir ? pg->c->ctx->dir : ".", x->id, rows, MAX_ROWS, &split);

	if (!n || !split) {
		free(rows);
		return;
	}
	OB_HTML_LIT(b, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\"");
	OB_HTML_ATTR(b, "aria-label", OB_L(pg, "Estimaciones por sexo", "Estimates by sex"));
	OB_HTML_LIT(b, "><table class=\"by-sex\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Por sexo: porcentaje de la población del indicador y de sus "
	                         "mujeres y hombres (intervalo debajo), en la última publicación",
	                     "By sex: percent of the indicator's population and of its women and "
	                     "men (interval below), in the latest release"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "País", "Country"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Año", "Year"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Total", "Total"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Mujeres", "Women"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Hombres", "Men"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct sex_row *r = &rows[i];
		OB_HTML_LIT(b, "<tr><th scope=\"row\">");
		ob_html_text(b, r->country);
		OB_HTML_LIT(b, "</th><td>");
		ob_html_text(b, r->year);
		OB_HTML_LIT(b, "</td>");
		for (int k = S_T; k < S_N; k++)
			cell(pg, &r->s[k]);
		OB_HTML_LIT(b, "</tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
	free(rows);
}
