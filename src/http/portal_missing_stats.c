/*
 * portal_missing_stats.c - the portal's page of the missing-persons
 * statistics, /es/desaparecidos/cifras (/en/missing/figures): for a year
 * chosen among those of the latest release (the latest by default), the
 * reports and those located by month in a bar chart, and the four
 * breakdowns (month, territory last seen in, sex, age group) with the
 * reports, those located, the share located and the median days to
 * location. Every cell is the release's missing_persons.csv as
 * GET /api/v1/missing/stats answers it (missing_stats.c), never computed
 * from the store: the release, the API and the page give one number, and
 * nothing the release withholds can be had by subtracting one from
 * another. A withheld cell says "suprimido" / "suppressed", an empty one
 * "sin datos" / "no data", never 0; a release without the table is "no
 * data". The page changes only with the release: the page cache keeps it.
 * Each number is written in <data value="..."> with the release's text.
 */
#include "http/portal.h"

#include <math.h>

#include "report/chart.h"

#define STATS_CHART_W 640
#define STATS_CHART_NARROW_W 300
#define MAX_YEARS 64

static const struct {
	const char *key, *es, *en;
} breakdowns[] = {
	{ "month", "Por mes de la desaparición", "By month of the disappearance" },
	{ "territory", "Por territorio del último lugar en que se vio a la persona",
	  "By territory last seen in" },
	{ "sex", "Por sexo", "By sex" },
	{ "age", "Por grupo de edad al desaparecer", "By age group when missing" },
};

static bool empty(const struct ob_http_missing_stat *x, int k)
{
	return !x->cell[k][0];
}

/* Whether cell k of x is withheld by disclosure control: an empty count,
 * or a share or median beside a withheld count of those located (its row
 * flagged C). An empty median of nobody located is no data. */
static bool withheld(const struct ob_http_missing_stat *x, int k)
{
	if (!empty(x, k) || !strchr(x->cell[OB_MSTAT_STATUS], 'C'))
		return false;
	return k == OB_MSTAT_REPORTED || k == OB_MSTAT_LOCATED || empty(x, OB_MSTAT_LOCATED);
}

static double value(const struct ob_http_missing_stat *x, int k)
{
	double v;
	const char *s = x->cell[k];

	return *s && ob_parse_double(s, strlen(s), &v) ? v : NAN;
}

/* One cell: the number (scale: 100 for a percentage) in <data>, else why
 * there is none. */
static void cell(struct ob_page *pg, const struct ob_http_missing_stat *x, int k,
                 double scale, int decimals, const char *unit)
{
	struct ob_buf *b = pg->b;
	double v = value(x, k);

	OB_HTML_LIT(b, "<td class=\"num\">");
	if (isfinite(v)) {
		OB_HTML_LIT(b, "<data");
		OB_HTML_ATTR(b, "value", x->cell[k]);
		OB_HTML_LIT(b, ">");
		ob_page_num(pg, v * scale, decimals);
		if (unit)
			ob_html_text(b, unit);
		OB_HTML_LIT(b, "</data>");
	} else {
		OB_HTML_LIT(b, "<span class=\"flag\">");
		ob_html_text(b, withheld(x, k) ? OB_L(pg, "suprimido", "suppressed")
		                               : OB_L(pg, "sin datos", "no data"));
		OB_HTML_LIT(b, "</span>");
	}
	OB_HTML_LIT(b, "</td>");
}

static void group_label(struct ob_page *pg, const char *by, const char *g)
{
	char name[OB_MAX_NAME];

	if (!strcmp(g, "total"))
		ob_html_text(pg->b, "Total");
	else if (!strcmp(g, "unknown"))
		ob_html_text(pg->b, OB_L(pg, "sin dato", "not given"));
	else if (!strcmp(by, "sex") && !strcmp(g, "f"))
		ob_html_text(pg->b, OB_L(pg, "mujeres", "women"));
	else if (!strcmp(by, "sex") && !strcmp(g, "m"))
		ob_html_text(pg->b, OB_L(pg, "hombres", "men"));
	else if (!strcmp(by, "territory") && ob_page_territory_name(pg, g, name, sizeof(name))) {
		ob_html_text(pg->b, name);
		OB_HTML_LIT(pg->b, " (");
		ob_html_text(pg->b, g);
		OB_HTML_LIT(pg->b, ")");
	} else {
		ob_html_text(pg->b, g);
	}
}

static void table(struct ob_page *pg, const struct ob_http_missing_stats *s, long long year,
                  size_t k)
{
	struct ob_buf *b = pg->b;
	const char *by = breakdowns[k].key;

	OB_HTML_LIT(b, "<h2>");
	ob_html_text(b, OB_L(pg, breakdowns[k].es, breakdowns[k].en));
	OB_HTML_LIT(b, "</h2>\n<div class=\"table-wrap\"><table class=\"data missing-stats\"");
	OB_HTML_ATTR(b, "data-breakdown", by);
	OB_HTML_LIT(b, ">\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Grupo", "Group"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Reportes", "Reports"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Localizadas", "Located"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Proporción localizada", "Share located"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Mediana de días hasta la localización",
	                     "Median days to location"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct ob_http_missing_stat *x = &s->rows[i];
		if (x->year != year || strcmp(x->cell[OB_MSTAT_BREAKDOWN], by))
			continue;
		OB_HTML_LIT(b, "<tr");
		OB_HTML_ATTR(b, "data-group", x->cell[OB_MSTAT_GROUP]);
		OB_HTML_LIT(b, "><th scope=\"row\">");
		group_label(pg, by, x->cell[OB_MSTAT_GROUP]);
		OB_HTML_LIT(b, "</th>");
		cell(pg, x, OB_MSTAT_REPORTED, 1, 0, NULL);
		cell(pg, x, OB_MSTAT_LOCATED, 1, 0, NULL);
		cell(pg, x, OB_MSTAT_SHARE, 100, 1, " %");
		cell(pg, x, OB_MSTAT_MEDIAN, 1, 1, NULL);
		OB_HTML_LIT(b, "</tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
}

/* Reports and located by month of year, as bars; a withheld count drawn
 * as such (the table carries the numbers). */
static void chart(struct ob_page *pg, const struct ob_http_missing_stats *s, long long year)
{
	enum { N = 12 };
	const char *labels[N];
	char lab[N][16], title[96];
	double rep[N], loc[N];
	bool rep_c[N], loc_c[N];
	struct ob_chart_series sr[2];
	struct ob_chart_frame f;
	struct ob_diag d;
	char *svg[2] = { NULL, NULL };
	size_t len[2] = { 0, 0 }, n = 0;
	FILE *mem;
	ob_err e;

	for (size_t i = 0; i < s->n && n < N; i++) {
		const struct ob_http_missing_stat *x = &s->rows[i];
		if (x->year != year || strcmp(x->cell[OB_MSTAT_BREAKDOWN], "month") ||
		    !strcmp(x->cell[OB_MSTAT_GROUP], "total"))
			continue;
		ob_strlcpy(lab[n], x->cell[OB_MSTAT_GROUP], sizeof(lab[n]));
		labels[n] = lab[n];
		rep[n] = value(x, OB_MSTAT_REPORTED);
		loc[n] = value(x, OB_MSTAT_LOCATED);
		rep_c[n] = withheld(x, OB_MSTAT_REPORTED);
		loc_c[n] = withheld(x, OB_MSTAT_LOCATED);
		n++;
	}
	if (!n)
		return;
	sr[0] = (struct ob_chart_series){ .name = OB_L(pg, "Reportes", "Reports"), .y = rep,
	                                  .suppressed = rep_c };
	sr[1] = (struct ob_chart_series){ .name = OB_L(pg, "Localizadas", "Located"), .y = loc,
	                                  .suppressed = loc_c };
	snprintf(title, sizeof(title), "%s %lld",
	         OB_L(pg, "Personas desaparecidas por mes,", "Missing persons by month,"), year);
	f = (struct ob_chart_frame){ .width = STATS_CHART_W, .height = 60 + 40.0 * (double)n,
	                             .lang = pg->lang, .title = title,
	                             .subtitle = OB_L(pg, "reportes y localizadas",
	                                              "reports and those located"),
	                             .source = OB_L(pg, "Fuente: publicación, "
	                                                "missing_persons.csv",
	                                            "Source: release, missing_persons.csv"),
	                             .decimals = 0 };
	for (size_t k = 0; k < 2; k++) {
		f.width = k ? STATS_CHART_NARROW_W : STATS_CHART_W;
		ob_diag_clear(&d);
		if (!(mem = open_memstream(&svg[k], &len[k])))
			continue;
		e = ob_chart_bars(mem, &f, labels, n, sr, 2, &d);
		if (fclose(mem) || e) {
			free(svg[k]);
			svg[k] = NULL;
		}
	}
	ob_page_chart_pair(pg, svg, len);
}

/* The years of s, oldest first, into years[0..return). */
static size_t years_of(const struct ob_http_missing_stats *s, long long *years)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++) {
		size_t j = 0;
		while (j < n && years[j] != s->rows[i].year)
			j++;
		if (j == n && n < MAX_YEARS)
			years[n++] = s->rows[i].year;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && years[j - 1] > years[j]; j--) {
			long long t = years[j];
			years[j] = years[j - 1];
			years[j - 1] = t;
		}
	return n;
}

static void year_form(struct ob_page *pg, const long long *years, size_t n, long long year)
{
	struct ob_buf *b = pg->b;
	char v[24];

	OB_HTML_LIT(b, "<form class=\"search\" method=\"get\"><div><label for=\"year\">");
	ob_html_text(b, OB_L(pg, "Año", "Year"));
	OB_HTML_LIT(b, "</label><select id=\"year\" name=\"year\">");
	for (size_t i = n; i-- > 0;) {
		snprintf(v, sizeof(v), "%lld", years[i]);
		ob_page_option(pg, v, v, years[i] == year);
	}
	OB_HTML_LIT(b, "</select></div><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Ver", "Show"));
	OB_HTML_LIT(b, "</button></form>\n");
}

static void sources(struct ob_page *pg, const struct ob_http_missing_stats *s, long long year)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char y[24];

	snprintf(y, sizeof(y), "%lld", year);
	OB_HTML_LIT(b, "<p>");
	ob_html_text(b, OB_L(pg, "Los mismos datos: ", "The same data: "));
	ob_buf_puts(&u, "/api/v1/missing/stats");
	ob_html_url_param(&u, "year", y);
	OB_HTML_LIT(b, "<a");
	OB_HTML_ATTR(b, "href", u.ptr);
	OB_HTML_LIT(b, "><code>");
	ob_html_text(b, u.ptr);
	OB_HTML_LIT(b, "</code></a>, ");
	ob_buf_reset(&u);
	ob_buf_puts(&u, "/api/v1/releases/");
	ob_html_url_seg(&u, s->version);
	ob_buf_puts(&u, "/missing_persons.csv");
	OB_HTML_LIT(b, "<a");
	OB_HTML_ATTR(b, "href", u.ptr);
	OB_HTML_LIT(b, "><code>missing_persons.csv</code></a>.</p>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}

void ob_page_missing_stats(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	struct ob_http_missing_stats s;
	struct ob_diag d;
	long long years[MAX_YEARS], year = -1, want = -1;
	size_t ny;
	const char *v;
	ob_err e;

	ob_page_begin(pg, OB_L(pg, "Personas desaparecidas: cifras", "Missing persons: figures"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Personas desaparecidas: cifras", "Missing persons: figures"));
	OB_HTML_LIT(b, "</h1>\n<p class=\"lead\">");
	ob_html_text(b, OB_L(pg, "Los reportes de personas desaparecidas de cada año, las "
	                         "localizadas, la proporción localizada y la mediana de días "
	                         "hasta la localización, tal como los dio la última publicación "
	                         "del observatorio, sin identidades. Un conteo pequeño se "
	                         "suprime (y lo que permitiría deducirlo): se muestra como "
	                         "«suprimido», nunca como 0.",
	                     "The missing-person reports of each year, those located, the "
	                     "share located and the median days to location, as the "
	                     "observatory's latest release gave them, without identities. A "
	                     "small count is suppressed (with what would give it away): it "
	                     "shows as \"suppressed\", never as 0."));
	OB_HTML_LIT(b, "</p>\n");
	ob_diag_clear(&d);
	e = ob_http_missing_stats_load(pg->c->ctx->dir ? pg->c->ctx->dir : ".", -1, NULL, &s, &d);
	if (e) {
		OB_HTML_LIT(b, "<p class=\"flag\" role=\"status\">");
		if (e != OB_ENOENT)
			ob_html_text(b, OB_L(pg, "La publicación no se pudo leer.",
			                     "The release could not be read."));
		else if (s.no_table)
			ob_html_text(b, OB_L(pg, "Sin datos: la última publicación no tiene "
			                         "estadísticas de personas desaparecidas.",
			                     "No data: the latest release has no missing-persons "
			                     "statistics."));
		else
			ob_html_text(b, OB_L(pg, "Sin datos: el observatorio aún no ha publicado "
			                         "cifras.",
			                     "No data: the observatory has published no figures yet."));
		OB_HTML_LIT(b, "</p>\n");
		goto end;
	}
	ny = years_of(&s, years);
	if ((v = ob_http_str(pg->c, "year")))
		(void)ob_page_plain_int(v, 1900, 2100, &want);
	for (size_t i = 0; i < ny; i++)
		if (years[i] == want || i + 1 == ny) {
			year = years[i];
			if (years[i] == want)
				break;
		}
	if (ny) {
		year_form(pg, years, ny, year);
		OB_HTML_LIT(b, "<p role=\"status\">");
		if (pg->lang == OB_LANG_EN)
			OB_HTML_TEXTF(b, "Release %s, year %lld.", s.version, year);
		else
			OB_HTML_TEXTF(b, "Publicación %s, año %lld.", s.version, year);
		OB_HTML_LIT(b, "</p>\n");
		chart(pg, &s, year);
		for (size_t k = 0; k < OB_ARRAY_SIZE(breakdowns); k++)
			table(pg, &s, year, k);
		sources(pg, &s, year);
	}
	ob_http_missing_stats_release(&s);
end:
	ob_page_end(pg);
}
