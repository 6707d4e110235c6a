/* portal_home.c - the portal's home (/es/, /en/): each country's headline
 * indicators for the latest year of the latest release, with interval,
 * unreliable flag, change against the year before (rate ratio, beyond
 * chance or not: stats/rate.h), the last ten years, and the completeness of
 * the latest deliveries. The figures are the published table's, read
 * through ob_http_pub_rows(): the very rows GET /api/v1/indicators/{id}
 * answers. */
#include "http/portal.h"

#include <math.h>

#include "alerts/alerts.h"
#include "base/log.h"
#include "engine/completeness.h"
#include "engine/indicators.h"
#include "engine/snaphold.h"
#include "http/situation.h"
#include "stats/rate.h"

/* the headlines, in this order, those the release has */
static const char *const headlines[] = {
	"homicide_rate", "homicide_rate_women", "femicide_rate", "violent_deaths_rate",
	"sexual_violence_rate", "robbery_rate",
};

#define TREND_YEARS 10
#define MAX_COUNTRIES 64

struct country {
	char code[OB_MAX_NAME], name[OB_MAX_NAME];
	size_t n;
	struct ob_page_year v[TREND_YEARS + 1]; /* the latest years, oldest first */
};

struct headline {
	size_t n;
	struct country c[MAX_COUNTRIES];
	long long latest;
};

static struct country *country_of(struct headline *h, const struct ob_http_pub_row *r)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->c[i].code, r->territory))
			return &h->c[i];
	if (h->n == MAX_COUNTRIES)
		return NULL;
	memset(&h->c[h->n], 0, sizeof(h->c[h->n]));
	ob_strlcpy(h->c[h->n].code, r->territory, sizeof(h->c[h->n].code));
	ob_strlcpy(h->c[h->n].name, r->territory_name ? r->territory_name : r->territory,
	           sizeof(h->c[h->n].name));
	return &h->c[h->n++];
}

/* Keep a country's row (level 0), its years in order, the last
 * TREND_YEARS + 1 of them. */
static bool collect(void *arg, const struct ob_http_pub_row *r)
{
	struct headline *h = arg;
	struct country *c;

	if (r->level != 0 || !r->territory || r->year < 0 || !(c = country_of(h, r)))
		return true;
	ob_page_year_keep(c->v, &c->n, TREND_YEARS + 1, r);
	if (r->year > h->latest)
		h->latest = r->year;
	return true;
}

static const struct ob_page_year *year_of(const struct country *c, long long year)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].year == year)
			return &c->v[i];
	return NULL;
}

static void value_cells(struct ob_page *pg, const struct ob_page_year *y)
{
	struct ob_buf *b = pg->b;

	if (!y || !y->has_value) {
		OB_HTML_LIT(b, "<td class=\"num\">");
		ob_page_no_value(pg, y);
		OB_HTML_LIT(b, "</td><td></td>");
		return;
	}
	OB_HTML_LIT(b, "<td class=\"num\"><data class=\"value-n\"");
	OB_HTML_ATTR(b, "value", y->value_text);
	OB_HTML_LIT(b, ">");
	ob_page_num(pg, y->value, 2);
	OB_HTML_LIT(b, "</data>");
	if (y->unreliable) {
		OB_HTML_LIT(b, " <span class=\"flag\">");
		ob_html_text(b, OB_L(pg, "poco fiable", "unreliable"));
		OB_HTML_LIT(b, "</span>");
	}
	OB_HTML_LIT(b, "</td><td class=\"num interval\">");
	ob_page_num(pg, y->lower, 2);
	ob_html_text(b, " – ");
	ob_page_num(pg, y->upper, 2);
	OB_HTML_LIT(b, "</td>");
}

static void change_cell(struct ob_page *pg, const struct ob_indicator *def,
                        const struct ob_page_year *y0, const struct ob_page_year *y1)
{
	struct ob_buf *b = pg->b;
	struct ob_rate_cmp cmp;

	OB_HTML_LIT(b, "<td>");
	if (!def || def->denom != OB_DEN_POPULATION || !y0 || !y1 || !y0->has_count ||
	    !y1->has_count || !y0->has_denominator || !y1->has_denominator ||
	    ob_rate_compare((double)y0->count, y0->denominator, (double)y1->count,
	                    y1->denominator, def->multiplier, 0.95, &cmp) ||
	    cmp.verdict == OB_CHANGE_UNDEFINED) {
		ob_html_text(b, OB_L(pg, "no se puede calcular", "cannot be computed"));
		OB_HTML_LIT(b, "</td>");
		return;
	}
	ob_html_text(b, "× ");
	ob_page_num(pg, cmp.ratio, 2);
	ob_html_text(b, " (");
	ob_page_num(pg, cmp.lower, 2);
	ob_html_text(b, " – ");
	if (cmp.flags & OB_CMP_UPPER_UNBOUNDED)
		ob_html_text(b, "∞");
	else
		ob_page_num(pg, cmp.upper, 2);
	ob_html_text(b, ") ");
	switch (cmp.verdict) {
	case OB_CHANGE_INCREASE:
		OB_HTML_LIT(b, "<strong class=\"up\">");
		ob_html_text(b, OB_L(pg, "aumento", "increase"));
		OB_HTML_LIT(b, "</strong>");
		break;
	case OB_CHANGE_DECREASE:
		OB_HTML_LIT(b, "<strong class=\"down\">");
		ob_html_text(b, OB_L(pg, "disminución", "decrease"));
		OB_HTML_LIT(b, "</strong>");
		break;
	default:
		ob_html_text(b, OB_L(pg, "sin cambio más allá del azar", "no change beyond chance"));
	}
	OB_HTML_LIT(b, "</td>");
}

/* The last ten years: a sparkline, and its numbers as text beside it
 * ("2015: 12,3 · 2016: ..."). */
static void trend_cell(struct ob_page *pg, const char *name, const struct country *c)
{
	struct ob_buf *b = pg->b;
	size_t first = c->n > TREND_YEARS ? c->n - TREND_YEARS : 0;
	double y[TREND_YEARS];
	char label[2 * OB_MAX_NAME + 64];

	OB_HTML_LIT(b, "<td class=\"trend\">");
	if (c->n > first) {
		for (size_t i = first; i < c->n; i++)
			y[i - first] = c->v[i].has_value ? c->v[i].value : NAN;
		if (snprintf(label, sizeof(label), "%s, %s, %lld-%lld", name, c->name,
		             c->v[first].year, c->v[c->n - 1].year) < 0)
			label[0] = '\0';
		ob_page_sparkline(pg, 96, 24, y, c->n - first, label);
		OB_HTML_LIT(b, " <span class=\"trend-text\">");
	}
	for (size_t i = first; i < c->n; i++) {
		if (i > first)
			ob_html_text(b, " · ");
		OB_HTML_TEXTF(b, "%lld: ", c->v[i].year);
		if (c->v[i].has_value)
			ob_page_num(pg, c->v[i].value, 1);
		else
			ob_html_text(b, "—");
	}
	if (c->n > first)
		OB_HTML_LIT(b, "</span>");
	OB_HTML_LIT(b, "</td>");
}

static void headline_table(struct ob_page *pg, const struct ob_indicator *def,
                           const char *id, struct headline *h)
{
	struct ob_buf *b = pg->b;
	const char *name = def ? OB_L(pg, def->name_es, def->name_en) : id;

	OB_HTML_LIT(b, "<section class=\"headline\"");
	OB_HTML_ATTR(b, "data-indicator", id);
	OB_HTML_LIT(b, ">\n<h2><a");
	{
		/* to the indicator's definition on the data page */
		struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
		ob_page_path(&u, OB_PAGE_DATA, NULL, pg->lang);
		ob_buf_putc(&u, '#');
		ob_html_url_seg(&u, id);
		OB_HTML_ATTR(b, "href", u.ptr);
		if (ob_buf_failed(&u))
			b->failed = true;
		ob_buf_release(&u);
	}
	OB_HTML_LIT(b, ">");
	ob_html_text(b, name);
	OB_HTML_LIT(b, "</a></h2>\n");
	if (def && def->unit) {
		OB_HTML_LIT(b, "<p class=\"note\">");
		ob_html_text(b, OB_L(pg, def->description_es, def->description_en));
		OB_HTML_LIT(b, "</p>\n");
	}
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table>\n<caption>");
	ob_html_text(b, name);
	OB_HTML_TEXTF(b, ", %lld", h->latest);
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "País", "Country"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	OB_HTML_TEXTF(b, "%lld", h->latest);
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Intervalo del 95 %", "95% interval"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Cambio respecto a ", "Change from "));
	OB_HTML_TEXTF(b, "%lld", h->latest - 1);
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Últimos diez años", "Last ten years"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < h->n; i++) {
		const struct country *c = &h->c[i];
		struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

		ob_page_path(&u, OB_PAGE_TERRITORY, c->code, pg->lang);
		OB_HTML_LIT(b, "<tr");
		OB_HTML_ATTR(b, "data-territory", c->code);
		OB_HTML_LIT(b, "><th scope=\"row\"><a");
		OB_HTML_ATTR(b, "href", u.ptr);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, c->name);
		OB_HTML_LIT(b, "</a></th>");
		value_cells(pg, year_of(c, h->latest));
		change_cell(pg, def, year_of(c, h->latest - 1), year_of(c, h->latest));
		trend_cell(pg, name, c);
		OB_HTML_LIT(b, "</tr>\n");
		if (ob_buf_failed(&u))
			b->failed = true;
		ob_buf_release(&u);
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n</section>\n");
}

#define HOME_ALERTS 5

/* The current alarms, only when there are some: the first HOME_ALERTS of
 * GET /api/v1/alerts's public answer and the way to the situational
 * analysis; computed once per snapshot and language (ob_page_fragment_*)
 * once the alarms are judged, which the home never waits for. */
static void alerts_block(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	struct ob_sdc_config cfg;
	struct ob_snapref *ref;
	struct ob_alerts a;
	struct ob_diag d;
	const char *key = OB_L(pg, "portal/home/alerts/es", "portal/home/alerts/en");
	size_t from = b->len;
	bool ready;
	ob_err e;

	if (!(ref = ob_page_snapshot(pg)))
		return;
	if (ob_page_fragment_get(pg, key, ref->snap->stamp)) {
		ob_snaphold_put(c->ctx->snaps, ref);
		return;
	}
	/* never waits: until the alarms of this snapshot are judged (in the
	 * background), the home has no block and keeps no fragment */
	if ((e = ob_http_alerts_latest(c, ref, &a, &cfg, &ready, &d)) || !ready) {
		pg->no_cache = true; /* the block will appear: the page is not kept */
		/* (a message left by a read that succeeded, such as a missing
		 * optional file, is no failure) */
		if (e && d.message[0])
			OB_WARN("portal: alertas: %s", "portal: alerts: %s", d.message);
		ob_alerts_release(&a);
		ob_snaphold_put(c->ctx->snaps, ref);
		return;
	}
	if (a.n) {
		OB_HTML_LIT(b, "<section class=\"alerts\">\n<h2>");
		ob_html_text(b, OB_L(pg, "Alertas tempranas", "Early warnings"));
		OB_HTML_LIT(b, "</h2>\n<p>");
		if (pg->lang == OB_LANG_EN)
			OB_HTML_TEXTF(b, "%zu series of unit and crime rose beyond what their history "
			              "leads one to expect in the latest month with data.", a.n);
		else
			OB_HTML_TEXTF(b, "%zu series de territorio y delito subieron más de lo que su "
			              "historia hace esperar en el último mes con datos.", a.n);
		OB_HTML_LIT(b, "</p>\n");
		ob_page_alerts_table(pg, ref->snap, &a, &cfg, -1, HOME_ALERTS);
		ob_page_path(&u, OB_PAGE_SITUATION, NULL, pg->lang);
		ob_buf_puts(&u, "#alerts");
		OB_HTML_LIT(b, "<p><a");
		OB_HTML_ATTR(b, "href", u.ptr);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, OB_L(pg, "Todas las alertas, en el análisis situacional",
		                     "Every alarm, in the situational analysis"));
		OB_HTML_LIT(b, "</a></p>\n</section>\n");
	}
	ob_page_fragment_put(pg, key, ref->snap->stamp, from);
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
	ob_alerts_release(&a);
	ob_snaphold_put(c->ctx->snaps, ref);
}

/* The completeness of the latest twelve months delivered, per source:
 * computed once per snapshot and language (ob_page_fragment_*). */
static void completeness(struct ob_page *pg)
{
	const char *key;
	size_t from;
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_completeness_options o = { 0 };
	struct ob_completeness t;
	struct ob_snapref *ref;
	struct ob_diag d;
	int first;

	OB_HTML_LIT(b, "<section>\n<h2>");
	ob_html_text(b, OB_L(pg, "Completitud de las últimas entregas",
	                     "Completeness of the latest deliveries"));
	OB_HTML_LIT(b, "</h2>\n");
	ob_diag_clear(&d);
	memset(&t, 0, sizeof(t));
	if (!(ref = ob_page_snapshot(pg))) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "La completitud no está disponible en este servidor.",
		                     "Completeness is not available on this server."));
		OB_HTML_LIT(b, "</p>\n</section>\n");
		return;
	}
	key = OB_L(pg, "portal/home/completeness/es", "portal/home/completeness/en");
	if (ob_page_fragment_get(pg, key, ref->snap->stamp)) {
		OB_HTML_LIT(b, "</section>\n");
		ob_snaphold_put(c->ctx->snaps, ref);
		return;
	}
	from = b->len;
	if (ob_completeness_build(c->ctx->store, ref->snap, ref->pop, &o, &t, &d)) {
		OB_WARN("portal: completitud: %s", "portal: completeness: %s", d.message);
		pg->no_cache = true; /* a failure is not kept */
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "No se pudo calcular la completitud.",
		                     "Completeness could not be computed."));
		OB_HTML_LIT(b, "</p>\n</section>\n");
		ob_snaphold_put(c->ctx->snaps, ref);
		return;
	}
	first = t.to_month - 11 > t.from_month ? t.to_month - 11 : t.from_month;
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"completeness\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Meses con entrega vigente de cada fuente (✓) y sin entrega (—)",
	                     "Months with a current delivery of each source (✓) and without (—)"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Fuente", "Source"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "País", "Country"));
	OB_HTML_LIT(b, "</th>");
	for (int m = first; m <= t.to_month; m++) {
		char month[16];
		ob_completeness_month(m, month, sizeof(month));
		OB_HTML_LIT(b, "<th scope=\"col\">");
		ob_html_text(b, month);
		OB_HTML_LIT(b, "</th>");
	}
	OB_HTML_LIT(b, "</tr></thead>\n<tbody>\n");
	for (size_t s = 0; s < t.n_sources; s++) {
		OB_HTML_LIT(b, "<tr><th scope=\"row\">");
		ob_html_text(b, t.sources[s].code);
		OB_HTML_LIT(b, "</th><td>");
		ob_html_text(b, t.sources[s].country);
		OB_HTML_LIT(b, "</td>");
		for (int m = first; m <= t.to_month; m++) {
			bool got = false;
			for (size_t i = 0; i < t.n; i++)
				if (t.rows[i].source == s && t.rows[i].month == m && t.rows[i].delivered)
					got = true;
			if (got) {
				OB_HTML_LIT(b, "<td>✓<span class=\"vh\">");
				ob_html_text(b, OB_L(pg, " entregado", " delivered"));
			} else {
				OB_HTML_LIT(b, "<td>—<span class=\"vh\">");
				ob_html_text(b, OB_L(pg, " sin entrega", " no delivery"));
			}
			OB_HTML_LIT(b, "</span></td>");
		}
		OB_HTML_LIT(b, "</tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
	ob_page_fragment_put(pg, key, ref->snap->stamp, from);
	OB_HTML_LIT(b, "</section>\n");
	ob_completeness_release(&t);
	ob_snaphold_put(c->ctx->snaps, ref);
}

void ob_page_home(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_indicator_set *set = NULL;
	struct ob_http_pub *pub = ob_http_pub_get(c->ctx->dir);
	struct headline *h = ob_calloc(1, sizeof(*h));
	struct ob_diag d;
	bool def, any = false;

	ob_diag_clear(&d);
	if (ob_indicators_load_dir(c->ctx->dir ? c->ctx->dir : ".", &set, &def, &d)) {
		OB_WARN("portal: indicadores: %s", "portal: indicators: %s", d.message);
		set = NULL;
	}
	ob_page_begin(pg, OB_L(pg, "Inicio", "Home"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Cifras principales", "Headline figures"));
	OB_HTML_LIT(b, "</h1>\n");
	if (!pub) {
		OB_HTML_LIT(b, "<p class=\"lead\">");
		ob_html_text(b, OB_L(pg, "El observatorio aún no ha publicado cifras.",
		                     "The observatory has published no figures yet."));
		OB_HTML_LIT(b, "</p>\n");
	}
	for (size_t i = 0; pub && i < OB_ARRAY_SIZE(headlines); i++) {
		long k = set ? ob_indicators_find(set, headlines[i]) : -1;

		memset(h, 0, sizeof(*h));
		if (!ob_http_pub_rows(pub, headlines[i], NULL, -1, collect, h) || !h->n)
			continue;
		if (!any) {
			OB_HTML_LIT(b, "<p class=\"lead\">");
			if (pg->lang == OB_LANG_EN)
				OB_HTML_TEXTF(b, "Latest year published: %lld (release %s). Each value "
				              "carries its 95%% confidence interval; the change is the rate "
				              "ratio to the year before.", h->latest,
				              ob_http_pub_version(pub));
			else
				OB_HTML_TEXTF(b, "Último año publicado: %lld (publicación %s). Cada valor "
				              "lleva su intervalo de confianza del 95 %%; el cambio es la "
				              "razón de tasas con el año anterior.", h->latest,
				              ob_http_pub_version(pub));
			OB_HTML_LIT(b, "</p>\n");
			any = true;
		}
		headline_table(pg, k >= 0 ? &set->v[k] : NULL, headlines[i], h);
	}
	alerts_block(pg);
	completeness(pg);
	ob_page_end(pg);
	free(h);
	if (pub)
		ob_http_pub_put(pub);
	if (set)
		ob_indicators_free(set);
}
