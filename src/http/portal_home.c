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
#include "report/names.h"
#include "stats/rate.h"
#include "store/harvest.h"

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
	/* the country's rows of every year published: with a value, withheld
	 * (status C), no data (flag no_data), and without a value otherwise
	 * (no reference population) */
	size_t valued, suppressed, nodata, other;
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

/* A byte of a flag's name (ASCII, whatever the locale). */
static bool flag_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* Does the row's list of flags ("no_data;incomplete_coverage") hold flag? */
static bool flag_has(const char *flags, const char *flag)
{
	size_t n = strlen(flag);

	for (const char *p = flags; p && (p = strstr(p, flag)); p += n)
		if ((p == flags || !flag_char(p[-1])) && !flag_char(p[n]))
			return true;
	return false;
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
	if (r->has_value)
		c->valued++;
	else if (r->status && !strcmp(r->status, "C"))
		c->suppressed++;
	else if (flag_has(r->flags, "no_data"))
		c->nodata++;
	else
		c->other++;
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

/* ---- why a headline has no figure ----
 *
 * A headline whose every published row, in every year, is no data (no
 * value, nothing withheld) is not shown as a table of "sin datos": one line
 * says why, from the rows' flags and, for no data, from what the sources
 * delivered record (the snapshot's coverage, engine/indicators.h: a manner
 * of death its numerator names that no source of its institution records
 * makes the cell no data). The same for one country's row. */

/* A manner of death as a plural noun in a sentence, in lang; NULL for a
 * manner without one (its name from report/names.h is used instead). */
static const char *manner_plural(const char *code, enum ob_lang lang)
{
	static const struct {
		const char *code, *es, *en;
	} m[] = {
		{ "homicide", "homicidios", "homicides" },
		{ "suicide", "suicidios", "suicides" },
		{ "accident", "accidentes", "accidents" },
		{ "undetermined", "muertes de manera indeterminada", "deaths of undetermined manner" },
		{ "legal_intervention", "muertes por intervención legal",
		  "deaths by legal intervention" },
	};
	for (size_t i = 0; i < OB_ARRAY_SIZE(m); i++)
		if (!strcmp(m[i].code, code))
			return lang == OB_LANG_EN ? m[i].en : m[i].es;
	return NULL;
}

/* Does a source of the indicator's institution (or validated deaths) that
 * delivered for country (NULL: any) record the manner code[0..n)? */
static bool manner_recorded(const struct ob_snapshot *snap, const struct ob_population *pop,
                            const struct ob_indicator *x, const char *country,
                            const char *code, size_t n)
{
	uint32_t m = 0;

	for (uint32_t k = 1; k < snap->n_tags[OB_SNAP_MANNER]; k++) {
		const char *t = ob_snap_str(snap, snap->tags[OB_SNAP_MANNER][k]);
		if (strlen(t) == n && !memcmp(t, code, n))
			m = k;
	}
	if (!m)
		return false; /* no record and no profile names it */
	for (uint32_t i = 0; i < snap->n_coverage; i++) {
		uint32_t s = snap->coverage[i].source, k = snap->coverage[i].country;
		int in;

		if (s >= snap->n_sources || s >= pop->n_sources || k >= snap->n_countries ||
		    (country && strcmp(ob_snap_str(snap, snap->countries[k]), country)))
			continue;
		in = snap->sources[s].institution;
		if (x->institution >= 0 && in != x->institution && in != OB_INST_VALIDATED)
			continue;
		if (pop->manners[(size_t)s * pop->n_manners + m])
			return true;
	}
	return false;
}

/* The manners of death that x's numerator names and that no source
 * delivered for country (NULL: any) records, as a list in words into t
 * ("suicidios ni accidentes"); false when there is none or it cannot be
 * told (no snapshot, no view of the sources). */
static bool unrecorded_manners(struct ob_page *pg, const struct ob_snapref *ref,
                               const struct ob_indicator *x, const char *country,
                               struct ob_buf *t)
{
	const struct ob_snapshot *snap = ref ? ref->snap : NULL;
	const struct ob_population *pop = ref ? ref->pop : NULL;
	const char *miss[OB_PORTAL_NODATA_MANNERS];
	size_t nm = 0;

	if (!snap || !pop || !pop->manners || pop->n_manners != snap->n_tags[OB_SNAP_MANNER])
		return false;
	for (int i = 0; i < x->n_clauses; i++) {
		const char *v = x->clauses[i].values;
		if (x->clauses[i].field != OB_FLD_MANNER || !v)
			continue;
		while (*v && nm < OB_PORTAL_NODATA_MANNERS) {
			size_t n = strcspn(v, "|");
			char code[OB_MAX_NAME];
			const char *word;

			if (n && n < sizeof(code) && !manner_recorded(snap, pop, x, country, v, n)) {
				memcpy(code, v, n);
				code[n] = '\0';
				if (!(word = manner_plural(code, pg->lang)))
					word = ob_value_name("manner", code, pg->lang);
				if (word)
					miss[nm++] = word;
			}
			v += n;
			if (*v == '|')
				v++;
		}
	}
	for (size_t i = 0; i < nm; i++) {
		if (i)
			ob_buf_puts(t, i + 1 < nm ? ", " : OB_L(pg, " ni ", " or "));
		ob_buf_puts(t, miss[i]);
	}
	return nm > 0;
}

/* Why rows without a value (nodata of them no data, other without a
 * population) have none, in one sentence into t, for country (NULL: every
 * country of the headline). */
static void nodata_reason(struct ob_page *pg, const struct ob_snapref *ref,
                          const struct ob_indicator *x, const char *country, size_t nodata,
                          size_t other, struct ob_buf *t)
{
	struct ob_buf m = OB_BUF_INIT(OB_MAX_MESSAGE);
	const char *inst = x && x->institution >= 0
	                   ? ob_value_name("institution", ob_institution_name((enum ob_institution)x->institution), pg->lang)
	                   : NULL;

	if (nodata && !other && x && unrecorded_manners(pg, ref, x, country, &m)) {
		ob_buf_puts(t, OB_L(pg, "Sin datos: las fuentes entregadas no registran ",
		                    "No data: the sources delivered record no "));
		ob_buf_puts(t, m.ptr);
	} else if (nodata && !other) {
		ob_buf_puts(t, OB_L(pg, "Sin datos: ninguna entrega", "No data: no delivery"));
		if (inst && *inst) {
			/* the institution's name inside the sentence: "de medicina forense" */
			ob_buf_puts(t, OB_L(pg, " de ", " from "));
			ob_buf_putc(t, inst[0] >= 'A' && inst[0] <= 'Z' ? (char)(inst[0] - 'A' + 'a')
			                                               : inst[0]);
			ob_buf_puts(t, inst + 1);
		}
		ob_buf_puts(t, OB_L(pg, " registra lo que cuenta este indicador",
		                    " records what this indicator counts"));
	} else if (other && !nodata) {
		ob_buf_puts(t, OB_L(pg, "Sin datos: no hay población de referencia para los años publicados",
		                    "No data: there is no reference population for the years published"));
	} else {
		ob_buf_puts(t, OB_L(pg, "Sin datos en ninguno de los años publicados",
		                    "No data in any of the years published"));
	}
	ob_buf_putc(t, '.');
	if (ob_buf_failed(&m))
		t->failed = true;
	ob_buf_release(&m);
}

/* The reason's sentence as a paragraph (or a cell) of the page. */
static void nodata_line(struct ob_page *pg, const struct ob_snapref *ref,
                        const struct ob_indicator *x, const char *country, size_t nodata,
                        size_t other)
{
	struct ob_buf t = OB_BUF_INIT(OB_MAX_MESSAGE);

	nodata_reason(pg, ref, x, country, nodata, other, &t);
	ob_html_text(pg->b, ob_buf_failed(&t) ? OB_L(pg, "Sin datos.", "No data.") : t.ptr);
	ob_buf_release(&t);
}

static void headline_table(struct ob_page *pg, const struct ob_indicator *def,
                           const char *id, struct headline *h, const struct ob_snapref *ref)
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
	{
		/* no country has a figure in any year: why, in one line */
		size_t nodata = 0, other = 0;
		bool none = h->n > 0;
		for (size_t i = 0; i < h->n; i++) {
			none = none && !h->c[i].valued && !h->c[i].suppressed;
			nodata += h->c[i].nodata;
			other += h->c[i].other;
		}
		if (none) {
			OB_HTML_LIT(b, "<p class=\"nodata-reason\">");
			nodata_line(pg, ref, def, NULL, nodata, other);
			OB_HTML_LIT(b, "</p>\n</section>\n");
			return;
		}
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
		if (!c->valued && !c->suppressed) {
			/* the country has no figure in any year: why, in one cell */
			OB_HTML_LIT(b, "<td colspan=\"4\" class=\"nodata-reason\">");
			nodata_line(pg, ref, def, c->code, c->nodata, c->other);
			OB_HTML_LIT(b, "</td>");
		} else {
			value_cells(pg, year_of(c, h->latest));
			change_cell(pg, def, year_of(c, h->latest - 1), year_of(c, h->latest));
			trend_cell(pg, name, c);
		}
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

static int count_row(void *arg, const struct ob_store_value *v, size_t n)
{
	(void)v;
	(void)n;
	++*(size_t *)arg;
	return 0;
}

size_t ob_page_harvested(struct ob_page *pg)
{
	struct ob_diag d;
	size_t n = 0;

	ob_diag_clear(&d);
	if (!pg->c->ctx->store ||
	    ob_store_harvest_sources_each(pg->c->ctx->store, count_row, &n, &d) < 0)
		return 0;
	return n;
}

/* A regional observatory's way to the countries it harvested side by side
 * (portal_region.c): nothing when it harvested none. */
static void region_link(struct ob_page *pg)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	size_t n = ob_page_harvested(pg);

	if (!n)
		return;
	ob_page_path(&u, OB_PAGE_REGION, NULL, pg->lang);
	OB_HTML_LIT(pg->b, "<p class=\"lead\">");
	if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(pg->b, "This observatory gathers the releases of %zu countries: ", n);
	else
		OB_HTML_TEXTF(pg->b, "Este observatorio reúne las publicaciones de %zu países: ", n);
	OB_HTML_LIT(pg->b, "<a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, OB_L(pg, "los países lado a lado", "the countries side by side"));
	OB_HTML_LIT(pg->b, "</a>.</p>\n");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

void ob_page_home(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_indicator_set *set = NULL;
	struct ob_http_pub *pub = ob_http_pub_get(c->ctx->dir);
	struct headline *h = ob_calloc(1, sizeof(*h));
	struct ob_snapref *ref = NULL; /* what the sources record: taken when needed */
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
	region_link(pg);
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
		for (size_t j = 0; !ref && j < h->n; j++)
			if (!h->c[j].valued && !h->c[j].suppressed)
				ref = ob_page_snapshot(pg);
		headline_table(pg, k >= 0 ? &set->v[k] : NULL, headlines[i], h, ref);
	}
	if (ref)
		ob_snaphold_put(c->ctx->snaps, ref);
	alerts_block(pg);
	completeness(pg);
	ob_page_end(pg);
	free(h);
	if (pub)
		ob_http_pub_put(pub);
	if (set)
		ob_indicators_free(set);
}
