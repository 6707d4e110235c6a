/*
 * portal_dark.c - the dark figure on the portal's page of a survey
 * indicator (/es/data#ID): for each country, the victims its survey
 * estimates with their interval against the victims aged 18 or more the
 * police recorded, the share recorded, the victims unrecorded and the
 * share who said they reported it, from the latest release's
 * dark_figure.csv (publish/release_dark.c) as GET
 * /api/v1/survey/dark-figure gives them, in a table and a bar chart. An
 * empty cell of the file is "sin datos" / "no data", or "reservado" /
 * "withheld" for a police count withheld by disclosure control (flag C),
 * never 0.
 */
#include "http/portal.h"

#include "io/csv.h"
#include "publish/release.h"
#include "report/chart.h"
#include "survey/profile.h"

#include <math.h>
#include <unistd.h>

#define DARK_CHART_W 640
#define DARK_CHART_NARROW_W 300

enum { C_IND, C_TERR, C_COUNTRY, C_YEAR, C_VIC, C_VLO, C_VHI, C_POL, C_REC, C_RLO, C_RHI,
       C_UNR, C_ULO, C_UHI, C_REP, C_PLO, C_PHI, C_FLAG, C_NCOLS };

struct dark_row {
	char territory[16], year[8], flag[160];
	double v[C_NCOLS];     /* the numbers, NaN when empty */
};

static double cell_num(const struct ob_csv_field *f)
{
	double x;
	return f->len && ob_parse_double(f->ptr, f->len, &x) ? x : NAN;
}

/* The national rows of indicator id in the latest release, at most max. */
static size_t load(const char *dir, const char *id, struct dark_row *rows, size_t max)
{
	static const char *const names[C_NCOLS] = {
		"indicator", "territory", "country", "year", "victims", "victims_lower",
		"victims_upper", "police", "recorded_pct", "recorded_lower", "recorded_upper",
		"unrecorded", "unrecorded_lower", "unrecorded_upper", "reporting_pct",
		"reporting_lower", "reporting_upper", "flag",
	};
	const struct ob_csv_options o = { .encoding = OB_ENC_UTF8, .delimiter = ',' };
	char version[32], path[OB_MAX_PATH];
	struct ob_csv_reader *rd;
	const struct ob_csv_record *rec;
	struct ob_diag d;
	long col[C_NCOLS];
	size_t n = 0, need = 0;

	ob_diag_clear(&d);
	if (ob_release_latest(dir, version, sizeof(version)) ||
	    snprintf(path, sizeof(path), "%s/%s/%s/dark_figure.csv", dir, OB_RELEASES_DIR,
	             version) >= (int)sizeof(path) || access(path, R_OK) ||
	    ob_csv_open(path, NULL, &o, &rd, &d))
		return 0;
	if (ob_csv_next(rd, &rec, &d) ||
	    ob_csv_header_columns(rec, path, names, NULL, C_NCOLS, col, &d))
		goto close_reader;
	for (size_t k = 0; k < C_NCOLS; k++)
		need = (size_t)col[k] >= need ? (size_t)col[k] + 1 : need;
	while (n < max && !ob_csv_next(rd, &rec, &d)) {
		const struct ob_csv_field *f = rec->fields;
		struct dark_row *x = &rows[n];
		if (rec->blank || rec->nfields < need || strcmp(f[col[C_IND]].ptr, id) ||
		    strcmp(f[col[C_TERR]].ptr, f[col[C_COUNTRY]].ptr))
			continue;
		ob_strlcpy(x->territory, f[col[C_TERR]].ptr, sizeof(x->territory));
		ob_strlcpy(x->year, f[col[C_YEAR]].ptr, sizeof(x->year));
		ob_strlcpy(x->flag, f[col[C_FLAG]].ptr, sizeof(x->flag));
		for (size_t k = C_VIC; k < C_FLAG; k++)
			x->v[k] = cell_num(&f[col[k]]);
		n++;
	}
close_reader:
	ob_csv_close(rd);
	return n;
}

/* Whether the row's police count was withheld by disclosure control. */
static bool withheld(const struct dark_row *r)
{
	for (const char *s = r->flag; *s;) {
		const char *e = strchr(s, ';');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 1 && *s == 'C')
			return true;
		s = e ? e + 1 : s + n;
	}
	return false;
}

/* A number and, when both are there, its interval; when none, "reservado"
 * if it was withheld, else "sin datos". */
static void cell(struct ob_page *pg, double v, double lo, double hi, int decimals, bool held)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<td class=\"num\">");
	if (!isfinite(v)) {
		ob_html_text(b, held ? OB_L(pg, "reservado", "withheld")
		                     : OB_L(pg, "sin datos", "no data"));
	} else {
		ob_page_num(pg, v, decimals);
		if (isfinite(lo) && isfinite(hi)) {
			OB_HTML_LIT(b, "<br><small>");
			ob_page_num(pg, lo, decimals);
			ob_html_text(b, " – ");
			ob_page_num(pg, hi, decimals);
			OB_HTML_LIT(b, "</small>");
		}
	}
	OB_HTML_LIT(b, "</td>");
}

/* Survey victims with their interval and police victims, one row a country. */
static void chart(struct ob_page *pg, const struct ob_svy_indicator *x,
                  const struct dark_row *rows, size_t n)
{
	enum { N = OB_MAX_DARK_FIGURE_ROWS };
	const char *labels[N];
	char lab[N][32];
	double vy[N], vlo[N], vhi[N], py[N];
	struct ob_chart_series s[2];
	struct ob_chart_frame f;
	struct ob_diag d;
	char *svg[2] = { NULL, NULL };
	size_t len[2] = { 0, 0 };
	FILE *mem;
	ob_err e;

	for (size_t i = 0; i < n; i++) {
		snprintf(lab[i], sizeof(lab[i]), "%s %s", rows[i].territory, rows[i].year);
		labels[i] = lab[i];
		vy[i] = rows[i].v[C_VIC];
		vlo[i] = rows[i].v[C_VLO];
		vhi[i] = rows[i].v[C_VHI];
		if (!isfinite(vlo[i]) || !isfinite(vhi[i]))
			vlo[i] = vhi[i] = NAN;
		py[i] = rows[i].v[C_POL];
	}
	s[0] = (struct ob_chart_series){ .name = OB_L(pg, "Víctimas según la encuesta",
	                                              "Victims according to the survey"),
	                                 .y = vy, .lo = vlo, .hi = vhi };
	s[1] = (struct ob_chart_series){ .name = OB_L(pg, "Víctimas registradas por la policía",
	                                              "Victims recorded by the police"),
	                                 .y = py };
	f = (struct ob_chart_frame){ .width = DARK_CHART_W, .height = 60 + 44.0 * (double)n,
	                             .lang = pg->lang,
	                             .title = OB_L(pg, x->name_es, x->name_en),
	                             .subtitle = OB_L(pg, "víctimas de 18 años o más",
	                                              "victims aged 18 or more"),
	                             .source = OB_L(pg, "Fuente: encuestas de victimización y "
	                                                "registros policiales (dark_figure.csv)",
	                                            "Source: victimization surveys and police "
	                                            "records (dark_figure.csv)"),
	                             .decimals = 0 };
	for (size_t k = 0; k < 2; k++) {
		f.width = k ? DARK_CHART_NARROW_W : DARK_CHART_W;
		ob_diag_clear(&d);
		if (!(mem = open_memstream(&svg[k], &len[k])))
			continue;
		e = ob_chart_bars(mem, &f, labels, n, s, 2, &d);
		if (fclose(mem) || e) {
			free(svg[k]);
			svg[k] = NULL;
		}
	}
	ob_page_chart_pair(pg, svg, len);
}

void ob_page_dark_figure(struct ob_page *pg, const struct ob_svy_indicator *x)
{
	struct ob_buf *b = pg->b;
	struct dark_row *rows;
	size_t n;

	if (!x->police[0])
		return;
	rows = ob_calloc(OB_MAX_DARK_FIGURE_ROWS, sizeof(*rows));
	n = load(pg->c->ctx->dir ? pg->c->ctx->dir : ".", x->id, rows, OB_MAX_DARK_FIGURE_ROWS);
	OB_HTML_LIT(b, "<h4>");
	ob_html_text(b, OB_L(pg, "La cifra oculta: la encuesta frente a los registros policiales",
	                     "The dark figure: the survey against police records"));
	OB_HTML_LIT(b, "</h4>\n<p>");
	ob_html_text(b, OB_L(pg, "Víctimas de 18 años o más que estima la encuesta (un total según "
	                         "su diseño, con su intervalo) y las que registró la policía el "
	                         "mismo año en el mismo país (indicadores ",
	                     "Victims aged 18 or more the survey estimates (a design-based total "
	                     "with its interval) and those the police recorded in the same year "
	                     "and country (indicators "));
	ob_html_text(b, x->police);
	ob_html_text(b, OB_L(pg, "). La policía cuenta hechos y la encuesta personas: la proporción "
	                         "registrada puede pasar de 100 %. Los mismos datos en ",
	                     "). The police count incidents and the survey persons: the share "
	                     "recorded may pass 100 %. The same in "));
	OB_HTML_LIT(b, "<a href=\"/api/v1/survey/dark-figure\">/api/v1/survey/dark-figure</a>.</p>\n");
	if (!n) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "Sin datos: la última publicación no tiene estimaciones de "
		                         "encuesta para comparar.",
		                     "No data: the latest release has no survey estimates to "
		                     "compare."));
		OB_HTML_LIT(b, "</p>\n");
		free(rows);
		return;
	}
	chart(pg, x, rows, n);
	OB_HTML_LIT(b, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\"");
	OB_HTML_ATTR(b, "aria-label", OB_L(pg, "La cifra oculta", "The dark figure"));
	OB_HTML_LIT(b, "><table>\n<caption>");
	ob_html_text(b, OB_L(pg, "Víctimas de 18 años o más según la encuesta y según la policía",
	                     "Victims aged 18 or more according to the survey and to the police"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "País", "Country"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Año", "Year"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Víctimas según la encuesta", "Victims (survey)"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Registradas por la policía", "Recorded by the police"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "% registrado", "% recorded"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "No registradas", "Unrecorded"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "% que denunció (16.3.1)", "% who reported it (16.3.1)"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct dark_row *r = &rows[i];
		OB_HTML_LIT(b, "<tr><th scope=\"row\">");
		ob_html_text(b, r->territory);
		OB_HTML_LIT(b, "</th><td>");
		ob_html_text(b, r->year);
		OB_HTML_LIT(b, "</td>");
		cell(pg, r->v[C_VIC], r->v[C_VLO], r->v[C_VHI], 0, false);
		cell(pg, r->v[C_POL], NAN, NAN, 0, withheld(r));
		cell(pg, r->v[C_REC], r->v[C_RLO], r->v[C_RHI], 1, withheld(r));
		cell(pg, r->v[C_UNR], r->v[C_ULO], r->v[C_UHI], 0, withheld(r));
		cell(pg, r->v[C_REP], r->v[C_PLO], r->v[C_PHI], 1, false);
		OB_HTML_LIT(b, "</tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
	free(rows);
}
