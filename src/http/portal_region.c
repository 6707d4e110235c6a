/*
 * portal_region.c - the regional portal, /es/region (/en/region): every
 * country a regional observatory harvested (observa harvest, docs/harvest.md)
 * with its provenance (the release version, when it was harvested, how
 * many cells, from where), then the headline indicators of the country as a
 * whole in one year, the countries side by side: each value with its 95%
 * interval and count as the national release published them, a withheld
 * cell as "suprimido" / "suppressed" and a missing one as "sin datos" /
 * "no data" (never 0), and a bar chart of the same values (src/report,
 * ob_chart_bars).
 *
 * The cells are read with ob_store_harvest_cells_each (store/harvest.h),
 * the query of "observa harvest --compare": one question, one number. The
 * page is kept in the page cache under the harvest's stamp as well
 * (portal.c, page_stamp), so a new harvest shows at once.
 */
#include "http/portal.h"

#include <math.h>

#include "engine/indicators.h"
#include "report/chart.h"
#include "report/names.h"
#include "store/harvest.h"

/* the indicators compared, in this order (those the releases have) */
static const char *const region_ind[] = {
	"homicide_rate", "homicide_rate_women", "femicide_rate", "violent_deaths_rate",
	"sexual_violence_rate", "robbery_rate",
};

/* the chart's sizes (px): wide, and narrow for a phone (the style sheet
 * shows the one that suits the figure's width, as the analyser's);
 * bars take more height when the rows need it */
#define REGION_CHART_W 640
#define REGION_CHART_NARROW_W 300
#define REGION_CHART_H 220

/* One harvested country: its source, and its cell of the indicator being
 * shown (strings owned, NULL: none). */
struct region_country {
	char *code, *name, *url, *version, *when;
	long long cells;
	bool has;                          /* a cell of the indicator */
	char *status, *count, *value, *lower, *upper, *rule, *release;
};

struct region {
	struct ob_page *pg;
	struct region_country c[OB_HARVEST_MAX_SOURCES];
	size_t n;
	bool full;                         /* more sources than room */
};

static char *dup_value(const struct ob_store_value *v)
{
	return v->text ? ob_strdup(v->text) : NULL;
}

static void cell_release(struct region_country *x)
{
	free(x->status);
	free(x->count);
	free(x->value);
	free(x->lower);
	free(x->upper);
	free(x->rule);
	free(x->release);
	x->status = x->count = x->value = x->lower = x->upper = x->rule = x->release = NULL;
	x->has = false;
}

static void region_release(struct region *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct region_country *x = &r->c[i];
		cell_release(x);
		free(x->code);
		free(x->name);
		free(x->url);
		free(x->version);
		free(x->when);
	}
	r->n = 0;
}

/* A source (country, url, version, manifest_sha256, harvested_at, cells). */
static int source_row(void *arg, const struct ob_store_value *v, size_t n)
{
	struct region *r = arg;
	struct region_country *x;
	char name[OB_MAX_NAME];

	(void)n;
	if (r->n == OB_HARVEST_MAX_SOURCES) {
		r->full = true;
		return 1;
	}
	if (!v[0].text)
		return 0;
	x = &r->c[r->n++];
	memset(x, 0, sizeof(*x));
	x->code = dup_value(&v[0]);
	x->url = dup_value(&v[1]);
	x->version = dup_value(&v[2]);
	x->when = dup_value(&v[4]);
	x->cells = v[5].i;
	x->name = ob_strdup(ob_page_territory_name(r->pg, x->code, name, sizeof(name))
	                    ? name : x->code);
	return 0;
}

/* A cell (store/harvest.h's columns): kept on its country's row. */
static int cell_row(void *arg, const struct ob_store_value *v, size_t n)
{
	struct region *r = arg;

	(void)n;
	for (size_t i = 0; i < r->n; i++) {
		struct region_country *x = &r->c[i];
		if (!v[0].text || strcmp(x->code, v[0].text) || x->has)
			continue;
		x->has = true;
		x->count = dup_value(&v[6]);
		x->value = dup_value(&v[7]);
		x->lower = dup_value(&v[8]);
		x->upper = dup_value(&v[9]);
		x->status = ob_strdup(v[10].text ? v[10].text : "");
		x->release = dup_value(&v[11]);
		x->rule = dup_value(&v[13]);
		break;
	}
	return 0;
}

/* A published number as a double (NaN: none or not a number). */
static double number(const char *s)
{
	double v;

	return s && *s && ob_parse_double(s, strlen(s), &v) && isfinite(v) ? v : NAN;
}

/* What the value of def is, in words: "tasa por 100 000 habitantes"...
 * (the catalogue's unit, in Spanish, for any other kind). */
static const char *unit_words(struct ob_page *pg, const struct ob_indicator *def)
{
	if (!def)
		return OB_L(pg, "valor publicado", "published value");
	if (def->denom == OB_DEN_POPULATION && def->multiplier == 100000 &&
	    def->denom_age_lo < 0) {
		if (def->denom_sex == 'F')
			return OB_L(pg, "tasa por 100 000 mujeres", "rate per 100,000 women");
		if (def->denom_sex == 'M')
			return OB_L(pg, "tasa por 100 000 hombres", "rate per 100,000 men");
		return OB_L(pg, "tasa por 100 000 habitantes", "rate per 100,000 inhabitants");
	}
	return def->unit && *def->unit ? def->unit : OB_L(pg, "valor publicado", "published value");
}

/* Is the country's cell a figure (a value, no status)? */
static bool has_figure(const struct region_country *x)
{
	return x->has && x->status && !*x->status && isfinite(number(x->value));
}

/* The countries' values as bars (the table beside it has the numbers). */
static void region_chart(struct ob_page *pg, const char *title, const char *unit,
                         long long year, struct region *r)
{
	const char *labels[OB_HARVEST_MAX_SOURCES];
	double y[OB_HARVEST_MAX_SOURCES], lo[OB_HARVEST_MAX_SOURCES], hi[OB_HARVEST_MAX_SOURCES];
	bool sup[OB_HARVEST_MAX_SOURCES];
	char head[2 * OB_MAX_NAME + 32];
	struct ob_chart_series s;
	struct ob_chart_frame f;
	struct ob_diag d;
	char *svg[2] = { NULL, NULL };
	size_t len[2] = { 0, 0 };
	FILE *mem;
	ob_err e;

	for (size_t i = 0; i < r->n; i++) {
		const struct region_country *x = &r->c[i];
		labels[i] = x->name;
		sup[i] = x->has && x->status && !strcmp(x->status, "C");
		y[i] = has_figure(x) ? number(x->value) : NAN;
		lo[i] = has_figure(x) ? number(x->lower) : NAN;
		hi[i] = has_figure(x) ? number(x->upper) : NAN;
		/* a whisker needs both ends */
		if (!isfinite(lo[i]) || !isfinite(hi[i]))
			lo[i] = hi[i] = NAN;
	}
	snprintf(head, sizeof(head), "%s, %lld", title, year);
	s = (struct ob_chart_series){ .name = title, .y = y, .lo = lo, .hi = hi,
	                              .suppressed = sup };
	f = (struct ob_chart_frame){ .width = REGION_CHART_W, .height = REGION_CHART_H,
	                             .lang = pg->lang, .title = head, .subtitle = unit,
	                             .source = OB_L(pg, "Fuente: publicaciones nacionales cosechadas",
	                                            "Source: harvested national releases"),
	                             .decimals = 2 };
	for (size_t k = 0; k < 2; k++) {
		f.width = k ? REGION_CHART_NARROW_W : REGION_CHART_W;
		ob_diag_clear(&d);
		if (!(mem = open_memstream(&svg[k], &len[k])))
			continue;
		e = ob_chart_bars(mem, &f, labels, r->n, &s, 1, &d);
		if (fclose(mem) || e) {
			free(svg[k]);
			svg[k] = NULL;
		}
	}
	/* the wide <svg>, then the narrow one when it could be drawn */
	ob_page_chart_pair(pg, svg, len);
}

/* The section of indicator id in year: false when no country has a cell
 * of it (nothing written). */
static bool region_indicator(struct ob_page *pg, struct region *r,
                             const struct ob_indicator *def, const char *id, long long year)
{
	struct ob_buf *b = pg->b;
	struct ob_harvest_query q = { .table = "indicators", .series = id, .sex = "T",
	                              .year = year, .level = 0 };
	const char *name = def ? OB_L(pg, def->name_es, def->name_en) : id;
	const char *unit = unit_words(pg, def);
	struct ob_diag d;
	size_t any = 0;

	for (size_t i = 0; i < r->n; i++)
		cell_release(&r->c[i]);
	ob_diag_clear(&d);
	if (ob_store_harvest_cells_each(pg->c->ctx->store, &q, cell_row, r, &d) < 0)
		return false;
	for (size_t i = 0; i < r->n; i++)
		any += r->c[i].has;
	if (!any)
		return false;
	OB_HTML_LIT(b, "<section class=\"headline\"");
	OB_HTML_ATTR(b, "data-indicator", id);
	OB_HTML_LIT(b, ">\n<h2>");
	ob_html_text(b, name);
	OB_HTML_LIT(b, "</h2>\n<p class=\"note\">");
	if (def)
		ob_html_text(b, OB_L(pg, def->description_es, def->description_en));
	ob_html_text(b, OB_L(pg, " Valor: ", " Value: "));
	ob_html_text(b, unit);
	ob_html_text(b, OB_L(pg, ", el total del país entero (sexo T). Conteo: los casos del "
	                         "numerador, según la regla de conteo de cada país (víctimas o "
	                         "registros, y de qué fuente).",
	                     ", the total of the whole country (sex T). Count: the cases of the "
	                     "numerator, under each country's counting rule (victims or records, "
	                     "and from which source)."));
	OB_HTML_LIT(b, "</p>\n<div class=\"table-wrap\" tabindex=\"0\" role=\"region\"");
	OB_HTML_ATTR(b, "aria-label", name);
	OB_HTML_LIT(b, "><table>\n<caption>");
	ob_html_text(b, name);
	OB_HTML_TEXTF(b, ", %lld (", year);
	ob_html_text(b, unit);
	OB_HTML_LIT(b, ")</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "País", "Country"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Valor", "Value"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Intervalo del 95 %", "95% interval"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Conteo", "Count"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Regla de conteo", "Counting rule"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Publicación", "Release"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct region_country *x = &r->c[i];
		const char *st = x->has && x->status ? x->status : "M";
		char words[OB_MAX_NAME];

		OB_HTML_LIT(b, "<tr");
		OB_HTML_ATTR(b, "data-country", x->code);
		OB_HTML_ATTR(b, "data-status", *st ? st : "figure");
		OB_HTML_LIT(b, "><th scope=\"row\">");
		ob_html_text(b, x->name);
		OB_HTML_LIT(b, "</th><td class=\"num\">");
		if (has_figure(x)) {
			ob_page_value_interval(pg, x->value, number(x->value), false,
			                       number(x->lower), number(x->upper));
			OB_HTML_LIT(b, "</td><td class=\"num\">");
			if (x->count && *x->count) {
				OB_HTML_LIT(b, "<data");
				OB_HTML_ATTR(b, "value", x->count);
				OB_HTML_LIT(b, ">");
				ob_page_num(pg, number(x->count), 0);
				OB_HTML_LIT(b, "</data>");
			} else {
				ob_html_text(b, "—");
			}
		} else {
			/* withheld or no data: words, never a number */
			OB_HTML_LIT(b, "<span class=\"flag\">");
			ob_html_text(b, !strcmp(st, "C") ? OB_L(pg, "suprimido", "suppressed")
			                                 : OB_L(pg, "sin datos", "no data"));
			OB_HTML_LIT(b, "</span></td><td class=\"num\">—</td><td class=\"num\">—");
		}
		OB_HTML_LIT(b, "</td><td>");
		ob_counting_rule_words(x->rule, pg->lang, words, sizeof(words));
		ob_html_text(b, words);
		OB_HTML_LIT(b, "</td><td>");
		ob_html_text(b, x->release ? x->release : x->version);
		OB_HTML_LIT(b, "</td></tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
	region_chart(pg, name, unit, year, r);
	OB_HTML_LIT(b, "</section>\n");
	return true;
}

/* Where each country's figures come from. */
static void provenance(struct ob_page *pg, const struct region *r)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<h2 id=\"provenance\">");
	ob_html_text(b, OB_L(pg, "Procedencia", "Provenance"));
	OB_HTML_LIT(b, "</h2>\n<div class=\"table-wrap\" tabindex=\"0\" role=\"region\"");
	OB_HTML_ATTR(b, "aria-label", OB_L(pg, "Procedencia", "Provenance"));
	OB_HTML_LIT(b, "><table class=\"provenance\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Publicación nacional de la que viene cada país",
	                     "The national release each country comes from"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "País", "Country"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Publicación", "Release"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Cosechada (UTC)", "Harvested (UTC)"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Celdas", "Cells"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Fuente", "Source"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct region_country *x = &r->c[i];

		OB_HTML_LIT(b, "<tr");
		OB_HTML_ATTR(b, "data-country", x->code);
		OB_HTML_LIT(b, "><th scope=\"row\">");
		ob_html_text(b, x->name);
		OB_HTML_LIT(b, " <span class=\"note\">");
		ob_html_text(b, x->code);
		OB_HTML_LIT(b, "</span></th><td>");
		ob_html_text(b, x->version);
		OB_HTML_LIT(b, "</td><td><time");
		OB_HTML_ATTR(b, "datetime", x->when);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, x->when);
		OB_HTML_LIT(b, "</time></td><td class=\"num\">");
		ob_page_num(pg, (double)x->cells, 0);
		/* the address as text: a harvested source is not a link the
		 * observatory vouches for */
		OB_HTML_LIT(b, "</td><td class=\"url\">");
		ob_html_text(b, x->url);
		OB_HTML_LIT(b, "</td></tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
}

void ob_page_region(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct region *r = ob_calloc(1, sizeof(*r));
	struct ob_indicator_set *set = NULL;
	const char *yp = ob_http_param(&c->target, "year");
	long long year = 0;
	bool def, found = false, shown = false;
	struct ob_diag d;

	r->pg = pg;
	ob_page_begin(pg, OB_L(pg, "Los países lado a lado", "The countries side by side"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Los países lado a lado", "The countries side by side"));
	OB_HTML_LIT(b, "</h1>\n");
	ob_diag_clear(&d);
	if (!c->ctx->store ||
	    ob_store_harvest_sources_each(c->ctx->store, source_row, r, &d) < 0) {
		c->res->status = 503;
		OB_HTML_LIT(b, "<p class=\"error\" role=\"alert\">");
		ob_html_text(b, OB_L(pg, "No se pudo leer el almacén.", "The store could not be read."));
		OB_HTML_LIT(b, "</p>\n");
		goto out;
	}
	if (!r->n) {
		OB_HTML_LIT(b, "<p class=\"lead\">");
		ob_html_text(b, OB_L(pg, "Este observatorio no ha cosechado ninguna publicación "
		                         "nacional (observa harvest).",
		                     "This observatory has harvested no national release "
		                     "(observa harvest)."));
		OB_HTML_LIT(b, "</p>\n");
		goto out;
	}
	if (yp && !ob_page_plain_int(yp, 1900, 2200, &year)) {
		c->res->status = 400;
		OB_HTML_LIT(b, "<p class=\"error\" role=\"alert\">");
		ob_html_text(b, OB_L(pg, "Parámetro year=", "Parameter year="));
		ob_html_text(b, yp);
		ob_html_text(b, OB_L(pg, ": se esperaba un año entre 1900 y 2200.",
		                     ": expected a year between 1900 and 2200."));
		OB_HTML_LIT(b, "</p>\n");
		goto out;
	}
	if (!yp && (ob_store_harvest_latest_year(c->ctx->store, "indicators", 0, &year, &found,
	                                         &d) || !found))
		year = 0;
	if (ob_indicators_load_dir(c->ctx->dir ? c->ctx->dir : ".", &set, &def, &d))
		set = NULL;
	OB_HTML_LIT(b, "<p class=\"lead\">");
	if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "The figures of the %zu national releases this observatory "
		              "harvested, as each country published them: already protected, not "
		              "computed again. A withheld figure reads \"suppressed\", a missing "
		              "one \"no data\": never 0.", r->n);
	else
		OB_HTML_TEXTF(b, "Las cifras de las %zu publicaciones nacionales que este "
		              "observatorio cosechó, tal como cada país las publicó: ya protegidas, "
		              "sin recalcular. Una cifra reservada dice «suprimido» y una que falta "
		              "«sin datos»: nunca 0.", r->n);
	if (year)
		OB_HTML_TEXTF(b, " %s %lld.", OB_L(pg, "Año:", "Year:"), year);
	OB_HTML_LIT(b, "</p>\n");
	if (r->full) {
		OB_HTML_LIT(b, "<p class=\"note\">");
		OB_HTML_TEXTF(b, "%s %d.", OB_L(pg, "Solo los primeros países:", "Only the first countries:"),
		              OB_HARVEST_MAX_SOURCES);
		OB_HTML_LIT(b, "</p>\n");
	}
	provenance(pg, r);
	for (size_t i = 0; year && i < OB_ARRAY_SIZE(region_ind); i++) {
		long k = set ? ob_indicators_find(set, region_ind[i]) : -1;
		shown |= region_indicator(pg, r, k >= 0 ? &set->v[k] : NULL, region_ind[i], year);
	}
	if (!shown && !year) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "Ninguna publicación cosechada trae indicadores del país "
		                         "entero.",
		                     "No harvested release has indicators of a whole country."));
		OB_HTML_LIT(b, "</p>\n");
	} else if (!shown) {
		OB_HTML_LIT(b, "<p>");
		if (pg->lang == OB_LANG_EN)
			OB_HTML_TEXTF(b, "No harvested country has a headline indicator for %lld.", year);
		else
			OB_HTML_TEXTF(b, "Ningún país cosechado tiene un indicador principal de %lld.",
			              year);
		OB_HTML_LIT(b, "</p>\n");
	}
out:
	ob_page_end(pg);
	region_release(r);
	free(r);
	if (set)
		ob_indicators_free(set);
}
