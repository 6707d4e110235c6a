/* portal_territory.c - the portal's territories: the list with a search by
 * name that ignores case and accents (/es/territorios?q=, /en/territories?q=)
 * and each unit's profile (/es/territorios/{code}): its published
 * indicators with intervals and flags, their trend over the years, its
 * parent and children, and what data is missing (the completeness of the
 * deliveries that cover it). Figures come from ob_http_pub_rows(), as in
 * GET /api/v1/indicators/{id}; territories from the store's catalogue, as
 * in GET /api/v1/territories. */
#include "http/portal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart.h"
#include "report/choropleth.h"

#include "alerts/alerts.h"
#include "base/log.h"
#include "base/strmap.h"
#include "catalog/catalog.h"
#include "engine/completeness.h"
#include "engine/indicators.h"
#include "engine/snaphold.h"
#include "http/cache.h"
#include "http/situation.h"
#include "publish/sdc.h"
#include "store/territory_read.h"
#include "text/text.h"

/* the most matches a search lists */
#define SEARCH_MAX 200
/* the years of a trend table */
#define TREND_MAX 10

static const char *level_name(struct ob_page *pg, int level)
{
	switch (level) {
	case 0: return OB_L(pg, "país", "country");
	case 1: return OB_L(pg, "departamento o provincia", "first-level unit");
	case 2: return OB_L(pg, "municipio", "second-level unit");
	default: return OB_L(pg, "unidad", "unit");
	}
}

static void link_to(struct ob_page *pg, const char *code, const char *name)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	ob_page_path(&u, OB_PAGE_TERRITORY, code, pg->lang);
	OB_HTML_LIT(pg->b, "<a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, name ? name : code);
	OB_HTML_LIT(pg->b, "</a>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

/* Is folded key `needle` within the folded form of s? */
static bool name_matches(const char *s, const char *needle)
{
	struct ob_buf k = OB_BUF_INIT(OB_MAX_NAME * 4);
	bool hit;

	if (!s || ob_fold_key(s, strlen(s), &k) || !k.ptr) {
		ob_buf_release(&k);
		return false;
	}
	hit = strstr(k.ptr, needle) != NULL;
	ob_buf_release(&k);
	return hit;
}

static void store_trouble(struct ob_page *pg)
{
	OB_HTML_LIT(pg->b, "<p>");
	ob_html_text(pg->b, OB_L(pg, "No se pudo leer el catálogo de territorios.",
	                         "The territory catalogue could not be read."));
	OB_HTML_LIT(pg->b, "</p>\n");
}

/* The list being printed (ob_page_territories): the folded search, or
 * NULL for the countries and their first-level units. */
struct listing {
	struct ob_page *pg;
	const char *key;
	size_t shown, matched;
	bool opened;
};

static void listing_open(struct listing *l)
{
	if (!l->opened)
		OB_HTML_LIT(l->pg->b, "<ul id=\"territory-list\">\n");
	l->opened = true;
}

static int listing_item(void *arg, const struct ob_store_unit *t)
{
	struct listing *l = arg;
	struct ob_page *pg = l->pg;
	struct ob_buf *b = pg->b;

	listing_open(l);
	if (l->key && !name_matches(t->name, l->key) && !name_matches(t->aliases, l->key))
		return 0;
	l->matched++;
	if (l->shown == SEARCH_MAX)
		return 0;
	l->shown++;
	OB_HTML_LIT(b, "<li>");
	link_to(pg, t->code, t->name);
	OB_HTML_LIT(b, " <span class=\"note\">");
	ob_html_text(b, level_name(pg, t->level));
	if (t->parent_name) {
		ob_html_text(b, OB_L(pg, " de ", " of "));
		ob_html_text(b, t->parent_name);
	}
	ob_html_text(b, " · ");
	ob_html_text(b, t->code);
	OB_HTML_LIT(b, "</span></li>\n");
	return 0;
}

void ob_page_territories(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_buf key = OB_BUF_INIT(OB_MAX_NAME * 4);
	const char *q = ob_http_str(c, "q");
	struct listing l = { .pg = pg };
	struct ob_diag d;
	int rc;

	if (q && ob_fold_key(q, strlen(q), &key))
		q = NULL;
	if (q && (!key.ptr || !key.ptr[0]))
		q = NULL;
	ob_page_begin(pg, OB_L(pg, "Territorios", "Territories"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Territorios", "Territories"));
	OB_HTML_LIT(b, "</h1>\n<form class=\"search\" method=\"get\" role=\"search\"><div>"
	               "<label for=\"q\">");
	ob_html_text(b, OB_L(pg, "Buscar por nombre", "Search by name"));
	OB_HTML_LIT(b, "</label><input type=\"search\" id=\"q\" name=\"q\" "
	               "data-filter=\"territory-list\"");
	OB_HTML_ATTR(b, "value", ob_http_str(c, "q"));
	OB_HTML_LIT(b, "></div><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Buscar", "Search"));
	OB_HTML_LIT(b, "</button></form>\n");
	if (!q) {
		OB_HTML_LIT(b, "<p class=\"lead\">");
		ob_html_text(b, OB_L(pg, "Países y sus departamentos o provincias; busque un "
		                         "municipio por su nombre (sin importar tildes ni "
		                         "mayúsculas).",
		                     "Countries and their first-level units; search a municipality "
		                     "by its name (accents and case do not matter)."));
		OB_HTML_LIT(b, "</p>\n");
	}
	if (!c->ctx->store) {
		store_trouble(pg);
		goto end;
	}
	l.key = q ? key.ptr : NULL;
	rc = ob_store_territory_list_each(c->ctx->store, q != NULL, listing_item, &l, &d);
	if (rc < 0 && !l.opened) { /* nothing listed: the store could not be read */
		store_trouble(pg);
		goto end;
	}
	listing_open(&l);
	OB_HTML_LIT(b, "</ul>\n");
	if (rc < 0)
		store_trouble(pg);
	if (q) {
		OB_HTML_LIT(b, "<p role=\"status\">");
		if (pg->lang == OB_LANG_EN)
			OB_HTML_TEXTF(b, "%zu matches%s.", l.matched,
			              l.matched > l.shown ? "; the first ones are listed" : "");
		else
			OB_HTML_TEXTF(b, "%zu coincidencias%s.", l.matched,
			              l.matched > l.shown ? "; se listan las primeras" : "");
		OB_HTML_LIT(b, "</p>\n");
	}
end:
	ob_buf_release(&key);
	ob_page_end(pg);
}

/* ---- a unit's profile ---- */

struct unit_series {
	size_t n;
	struct ob_page_year v[TREND_MAX];  /* the latest years, oldest first */
};

static bool collect_unit(void *arg, const struct ob_http_pub_row *r)
{
	struct unit_series *s = arg;

	if (r->year >= 0)
		ob_page_year_keep(s->v, &s->n, TREND_MAX, r);
	return true;
}

/* The homicide rate (or the first indicator with figures) over the years,
 * with its 95% interval as a band, unreliable values hollow, suppressed
 * ones marked. The trend table under it has the numbers. */
static void trend_chart(struct ob_page *pg, const struct ob_indicator_set *set,
                        const struct unit_series *s, const long long *years, size_t nyears)
{
	const struct ob_indicator *def = NULL;
	const struct unit_series *u = NULL;
	char labels[TREND_MAX][24], title[OB_MAX_NAME + 64];
	const char *xl[TREND_MAX];
	double y[TREND_MAX], lo[TREND_MAX], hi[TREND_MAX];
	bool flag[TREND_MAX], sup[TREND_MAX];
	struct ob_chart_series series = { 0 };
	struct ob_chart_frame f = { 0 };

	for (size_t i = 0; i < set->n && !u; i++)
		if (s[i].n && !strcmp(set->v[i].id, "homicide_rate"))
			def = &set->v[i], u = &s[i];
	for (size_t i = 0; i < set->n && !u; i++)
		if (s[i].n)
			def = &set->v[i], u = &s[i];
	if (!u || nyears < 2)
		return;
	for (size_t j = 0; j < nyears; j++) {
		const struct ob_page_year *v = NULL;
		for (size_t k = 0; k < u->n; k++)
			if (u->v[k].year == years[j])
				v = &u->v[k];
		snprintf(labels[j], sizeof(labels[j]), "%lld", years[j]);
		xl[j] = labels[j];
		y[j] = v && v->has_value ? v->value : NAN;
		lo[j] = v && v->has_value ? v->lower : NAN;
		hi[j] = v && v->has_value ? v->upper : NAN;
		flag[j] = v && v->has_value && v->unreliable;
		sup[j] = v && !strcmp(v->status, "C");
	}
	if (snprintf(title, sizeof(title), "%s, %lld-%lld",
	             OB_L(pg, def->name_es, def->name_en), years[0], years[nyears - 1]) < 0)
		title[0] = '\0';
	series.name = OB_L(pg, def->name_es, def->name_en);
	series.y = y;
	series.lo = lo;
	series.hi = hi;
	series.flag = flag;
	series.suppressed = sup;
	f.width = 640;
	f.height = 300;
	f.lang = pg->lang;
	f.title = title;
	f.subtitle = OB_L(pg, "con su intervalo del 95 %", "with its 95% interval");
	f.decimals = 2;
	ob_page_line_chart(pg, &f, xl, nyears, &series, 1);
}

/* The unit as the profile's sections need it. */
struct unit_id {
	char code[OB_MAX_NAME], name[OB_MAX_NAME], country[OB_MAX_NAME];
	char parent[OB_MAX_NAME], parent_name[OB_MAX_NAME];
	int level;
};

/* An indicator without a value in the latest year, and why, as a list item
 * of gaps (written in the page's language). */
static void gap_item(struct ob_page *pg, struct ob_buf *gaps, const struct ob_indicator *x,
                     const struct ob_page_year *y)
{
	OB_HTML_LIT(gaps, "<li><a");
	{
		char href[OB_IND_ID_MAX + 2];
		snprintf(href, sizeof(href), "#%s", x->id);
		OB_HTML_ATTR(gaps, "href", href);
	}
	OB_HTML_LIT(gaps, ">");
	ob_html_text(gaps, OB_L(pg, x->name_es, x->name_en));
	OB_HTML_LIT(gaps, "</a>: ");
	if (y && !strcmp(y->status, "C"))
		ob_html_text(gaps, OB_L(pg, "suprimido por el control de divulgación",
		                        "suppressed by disclosure control"));
	else if (y && x->denom == OB_DEN_POPULATION && !y->has_denominator)
		ob_html_text(gaps, OB_L(pg, "sin población de referencia para el año",
		                        "no reference population for the year"));
	else if (y && x->denom == OB_DEN_INDICATOR && !y->has_denominator)
		ob_html_text(gaps, OB_L(pg, "sin su denominador", "without its denominator"));
	else
		ob_html_text(gaps, OB_L(pg, "sin registros entregados para el año",
		                        "no records delivered for the year"));
	OB_HTML_LIT(gaps, "</li>\n");
}

/* The name of indicator x, linked to its entry on the data and method page. */
static void indicator_name(struct ob_page *pg, const struct ob_indicator *x)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	ob_page_path(&u, OB_PAGE_DATA, NULL, pg->lang);
	ob_buf_puts(&u, "#");
	ob_buf_puts(&u, x->id);
	OB_HTML_LIT(pg->b, "<a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, OB_L(pg, x->name_es, x->name_en));
	OB_HTML_LIT(pg->b, "</a>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

/* Every published indicator of the unit: the latest year with interval and
 * flags (each row anchored by the indicator's id, its name linked to the
 * indicator's definition), the comparison with the neighbours, then the
 * years before in a second table. The indicators without a value in the
 * latest year go to gaps as list items; returns that year (-1: none). */
static long long unit_indicators(struct ob_page *pg, const struct unit_id *id,
                                 struct ob_buf *gaps)
{
	const char *code = id->code;
	const struct ob_indicator *main_ind[3];
	size_t nmain = 0;
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_indicator_set *set = NULL;
	struct ob_http_pub *pub = ob_http_pub_get(c->ctx->dir);
	struct unit_series *s = NULL;
	struct ob_diag d;
	long long latest = -1, years[TREND_MAX];
	size_t nyears = 0, nind = 0;
	bool def;

	OB_HTML_LIT(b, "<h2 id=\"indicators\">");
	ob_html_text(b, OB_L(pg, "Indicadores", "Indicators"));
	OB_HTML_LIT(b, "</h2>\n");
	ob_diag_clear(&d);
	if (!pub || ob_indicators_load_dir(c->ctx->dir ? c->ctx->dir : ".", &set, &def, &d)) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "El observatorio aún no ha publicado cifras.",
		                     "The observatory has published no figures yet."));
		OB_HTML_LIT(b, "</p>\n");
		goto out;
	}
	s = ob_calloc(set->n + 1, sizeof(*s));
	for (size_t i = 0; i < set->n; i++) {
		ob_http_pub_rows(pub, set->v[i].id, code, -1, collect_unit, &s[i]);
		for (size_t k = 0; k < s[i].n; k++) {
			size_t j;
			for (j = 0; j < nyears && years[j] != s[i].v[k].year; j++)
				;
			if (j == nyears && nyears < TREND_MAX)
				years[nyears++] = s[i].v[k].year;
			if (s[i].v[k].year > latest)
				latest = s[i].v[k].year;
		}
	}
	/* the years, in order */
	for (size_t i = 1; i < nyears; i++)
		for (size_t j = i; j > 0 && years[j - 1] > years[j]; j--) {
			long long t = years[j];
			years[j] = years[j - 1];
			years[j - 1] = t;
		}
	for (size_t i = 0; i < set->n; i++)
		nind += s[i].n > 0;
	if (!nind) {
		/* no table with no row */
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "La publicación no tiene cifras de este territorio.",
		                     "The release has no figures for this territory."));
		OB_HTML_LIT(b, "</p>\n");
		goto out;
	}
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"indicators\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Valores de ", "Values of "));
	OB_HTML_TEXTF(b, "%lld", latest);
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Indicador", "Indicator"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Valor", "Value"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Intervalo del 95 %", "95% interval"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < set->n; i++) {
		const struct ob_page_year *y = NULL;
		if (!s[i].n)
			continue;
		for (size_t k = 0; k < s[i].n; k++)
			if (s[i].v[k].year == latest)
				y = &s[i].v[k];
		OB_HTML_LIT(b, "<tr");
		OB_HTML_ATTR(b, "id", set->v[i].id);
		OB_HTML_ATTR(b, "data-indicator", set->v[i].id);
		OB_HTML_LIT(b, "><th scope=\"row\">");
		indicator_name(pg, &set->v[i]);
		OB_HTML_LIT(b, "</th><td class=\"num\">");
		if (y && y->has_value) {
			ob_page_value_interval(pg, y->value_text, y->value, y->unreliable,
			                       y->lower, y->upper);
			if (nmain < sizeof(main_ind) / sizeof(*main_ind))
				main_ind[nmain++] = &set->v[i];
		} else {
			gap_item(pg, gaps, &set->v[i], y);
			ob_page_no_value(pg, y);
			OB_HTML_LIT(b, "</td><td>");
		}
		OB_HTML_LIT(b, "</td></tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
	for (size_t i = 0; i < set->n; i++)
		if (!s[i].n)
			gap_item(pg, gaps, &set->v[i], NULL);
	ob_page_unit_neighbours(pg, pub, main_ind, nmain, latest, code, id->name, id->level,
	                        id->parent, id->parent_name, id->country);
	/* the trend: the headline's chart, then indicators by year */
	OB_HTML_LIT(b, "<h2 id=\"trend\">");
	ob_html_text(b, OB_L(pg, "Evolución", "Trend"));
	OB_HTML_LIT(b, "</h2>\n");
	trend_chart(pg, set, s, years, nyears);
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"trend\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Valores por año", "Values by year"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Indicador", "Indicator"));
	OB_HTML_LIT(b, "</th>");
	for (size_t j = 0; j < nyears; j++) {
		OB_HTML_LIT(b, "<th scope=\"col\" class=\"num\">");
		OB_HTML_TEXTF(b, "%lld", years[j]);
		OB_HTML_LIT(b, "</th>");
	}
	OB_HTML_LIT(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < set->n; i++) {
		if (!s[i].n)
			continue;
		OB_HTML_LIT(b, "<tr><th scope=\"row\">");
		ob_html_text(b, OB_L(pg, set->v[i].name_es, set->v[i].name_en));
		OB_HTML_LIT(b, "</th>");
		for (size_t j = 0; j < nyears; j++) {
			const struct ob_page_year *y = NULL;
			for (size_t k = 0; k < s[i].n; k++)
				if (s[i].v[k].year == years[j])
					y = &s[i].v[k];
			OB_HTML_LIT(b, "<td class=\"num\">");
			if (y && y->has_value)
				ob_page_num(pg, y->value, 2);
			else
				ob_html_text(b, "—");
			OB_HTML_LIT(b, "</td>");
		}
		OB_HTML_LIT(b, "</tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
out:
	free(s);
	if (set)
		ob_indicators_free(set);
	if (pub)
		ob_http_pub_put(pub);
	return latest;
}

/* The deliveries of a country's units at one level, as every profile of
 * them reads them: the completeness table (engine/completeness.h) is
 * built once per snapshot, country and level and kept in the answer cache
 * (http/cache.h) in this compact form, instead of once per profile. One
 * line per unit code and source, in the order of the table's sources and
 * then of its rows: "CODE\tSOURCE\tRUNS\n"; RUNS are the unit's rows of the
 * source in the table's order, as runs of consecutive months
 * "MONTH:MARKS" separated by ';', a mark per month from MONTH on: '1'
 * delivered, '0' not. */
static const char deliveries_type[] = "text/tab-separated-values; observa=deliveries";

/* The runs of one unit code and source while they are written. */
struct deliveries_pair {
	uint32_t unit;             /* the first unit of the table with the code */
	int last;                  /* the month of the last row */
	struct ob_buf runs;
};

/* Write table t in the compact form into out; false when it cannot (a
 * code that holds a tab or a line break, no memory). */
static bool deliveries_encode(const struct ob_completeness *t, struct ob_buf *out)
{
	struct ob_strmap canon;    /* code -> its first unit + 1 */
	uint32_t *first = NULL;    /* unit -> the first unit with its code */
	size_t *at = NULL;         /* first unit -> its pair of the current source + 1 */
	struct deliveries_pair *pairs = NULL;
	size_t npairs = 0;
	bool ok = false;

	ob_strmap_init(&canon);
	if (!t->n_units)
		return true;
	first = calloc(t->n_units, sizeof(*first));
	at = calloc(t->n_units, sizeof(*at));
	pairs = calloc(t->n_units, sizeof(*pairs));
	if (!first || !at || !pairs)
		goto release;
	for (size_t u = 0; u < t->n_units; u++) {
		const char *code = t->units[u].code ? t->units[u].code : "";
		void *v = ob_strmap_get(&canon, code, strlen(code));
		if (strpbrk(code, "\t\n"))
			goto release;
		if (!v && ob_strmap_put(&canon, code, strlen(code), (void *)(uintptr_t)(u + 1), NULL))
			goto release;
		first[u] = v ? (uint32_t)((uintptr_t)v - 1) : (uint32_t)u;
	}
	for (size_t s = 0; s < t->n_sources; s++) {
		const char *src = t->sources[s].code ? t->sources[s].code : "";
		if (strpbrk(src, "\t\n"))
			goto release;
		npairs = 0;
		memset(at, 0, t->n_units * sizeof(*at));
		for (size_t i = 0; i < t->n; i++) {
			const struct ob_completeness_row *r = &t->rows[i];
			struct deliveries_pair *p;
			if (r->source != s)
				continue;
			if (r->unit >= t->n_units)
				goto release;
			if (!at[first[r->unit]]) {
				p = &pairs[npairs];
				p->unit = first[r->unit];
				ob_buf_init(&p->runs, OB_HTTP_CACHE_MAX_ANSWER);
				at[first[r->unit]] = ++npairs;
			} else {
				p = &pairs[at[first[r->unit]] - 1];
			}
			if (!p->runs.len || r->month != p->last + 1)
				ob_buf_putf(&p->runs, "%s%d:", p->runs.len ? ";" : "", r->month);
			ob_buf_putc(&p->runs, r->delivered ? '1' : '0');
			p->last = r->month;
		}
		for (size_t k = 0; k < npairs; k++) {
			ob_buf_puts(out, t->units[pairs[k].unit].code ? t->units[pairs[k].unit].code : "");
			ob_buf_putc(out, '\t');
			ob_buf_puts(out, src);
			ob_buf_putc(out, '\t');
			ob_buf_put(out, pairs[k].runs.ptr, pairs[k].runs.len);
			ob_buf_putc(out, '\n');
			if (ob_buf_failed(&pairs[k].runs))
				ob_buf_putc(out, '\0'); /* not a whole table: fails below */
			ob_buf_release(&pairs[k].runs);
		}
		npairs = 0;
	}
	ok = !ob_buf_failed(out) && !memchr(out->ptr ? out->ptr : "", '\0', out->len);
release:
	for (size_t k = 0; k < npairs; k++)
		ob_buf_release(&pairs[k].runs);
	free(pairs);
	free(at);
	free(first);
	ob_strmap_release(&canon);
	return ok;
}

/* The deliveries of country's units at level, from the answer cache or
 * built and kept there, into out (compact form above). False when the
 * table cannot be built (said in the server's log) or read. */
static bool unit_deliveries(struct ob_page *pg, struct ob_snapref *ref, const char *country,
                            int level, struct ob_buf *out)
{
	struct ob_http_call *c = pg->c;
	struct ob_http_cache *cache = c->ctx->cache;
	struct ob_completeness_options o = { 0 };
	struct ob_completeness t;
	char key[OB_HTTP_MAX_URI];
	struct ob_diag d;
	bool ok = false;

	snprintf(key, sizeof(key), "portal/deliveries/%s/%d", country ? country : "", level);
	if (cache && ob_http_cache_get(cache, key, ref->snap->stamp, out) == deliveries_type)
		return true;
	ob_buf_reset(out);
	memset(&t, 0, sizeof(t));
	ob_diag_clear(&d);
	o.country = country;
	o.level = level;
	if (ob_completeness_build(c->ctx->store, ref->snap, ref->pop, &o, &t, &d)) {
		OB_WARN("portal: completitud: %s", "portal: completeness: %s", d.message);
		return false;
	}
	if ((ok = deliveries_encode(&t, out)) && cache)
		ob_http_cache_put(cache, key, ref->snap->stamp, deliveries_type, out->ptr, out->len);
	ob_completeness_release(&t);
	return ok;
}

/* What data is missing: the indicators without a value in the latest
 * year and why (gaps, from unit_indicators), then the months without a
 * current delivery of each source that covers the unit's country, at the
 * unit's level, those of the latest year first (the table computed once
 * per snapshot, country and level: unit_deliveries; the fragment once per
 * snapshot, unit, year and language: ob_page_fragment_*). */
static void unit_completeness(struct ob_page *pg, const struct unit_id *id, long long latest,
                              const struct ob_buf *gaps)
{
	const char *code = id->code, *country = id->country;
	int level = id->level;
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_snapref *ref;
	struct ob_buf key = OB_BUF_INIT(OB_HTTP_MAX_URI);
	/* the compact table: a row of the completeness table takes 32 bytes
	 * of it at worst (a line of code and source, a run of one month) */
	struct ob_buf del = OB_BUF_INIT(32 * (size_t)OB_MAX_COMPLETENESS_ROWS);
	size_t from, codelen = strlen(code);
	const char *line, *end;
	char *stop;

	OB_HTML_LIT(b, "<h2 id=\"missing\">");
	ob_html_text(b, OB_L(pg, "Datos que faltan", "Missing data"));
	OB_HTML_LIT(b, "</h2>\n<p>");
	if (latest < 0)
		ob_html_text(b, OB_L(pg, "La publicación no tiene ningún indicador de este "
		                         "territorio.",
		                     "The release has no indicator for this territory."));
	else if (!gaps->len && pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "Every indicator has a value in %lld.", latest);
	else if (!gaps->len)
		OB_HTML_TEXTF(b, "Todos los indicadores tienen valor en %lld.", latest);
	else if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "Indicators without a value in %lld:", latest);
	else
		OB_HTML_TEXTF(b, "Indicadores sin valor en %lld:", latest);
	OB_HTML_LIT(b, "</p>\n");
	if (gaps->len && !ob_buf_failed(gaps)) {
		OB_HTML_LIT(b, "<ul class=\"gaps\">\n");
		/* written by the escaping writer (gap_item) */
		ob_buf_put(b, gaps->ptr, gaps->len);
		OB_HTML_LIT(b, "</ul>\n");
	}
	if (!(ref = ob_page_snapshot(pg)))
		return;
	ob_buf_reset(&key);
	OB_HTML_URL_PATH(&key, "portal/unit/completeness/");
	ob_buf_puts(&key, pg->lang == OB_LANG_EN ? "en/" : "es/");
	ob_html_url_seg(&key, code);
	ob_buf_putf(&key, "/%lld", latest);
	if (ob_buf_failed(&key))
		goto put_snapshot;
	if (ob_page_fragment_get(pg, key.ptr, ref->snap->stamp))
		goto put_snapshot;
	if (!unit_deliveries(pg, ref, country, level > 2 ? 2 : level, &del) || ob_buf_failed(&del))
		goto put_snapshot;
	from = b->len;
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"completeness\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Entregas de las fuentes que cubren este territorio",
	                     "Deliveries of the sources that cover this territory"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Fuente", "Source"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Meses con entrega", "Months delivered"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	if (latest < 0)
		ob_html_text(b, OB_L(pg, "Meses del último año sin entrega",
		                     "Months of the latest year without a delivery"));
	else if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "Months of %lld without a delivery", latest);
	else
		OB_HTML_TEXTF(b, "Meses de %lld sin entrega", latest);
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Meses sin entrega", "Months without a delivery"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	end = del.ptr + del.len;
	for (line = del.ptr; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *src, *runs, *tab;
		long months = 0, got = 0, listed = 0, in_year = 0;

		if (!nl)
			break;
		src = line + codelen + 1;
		if ((size_t)(nl - line) <= codelen + 1 || memcmp(line, code, codelen) ||
		    line[codelen] != '\t' || !(tab = memchr(src, '\t', (size_t)(nl - src)))) {
			line = nl + 1;
			continue;
		}
		runs = tab + 1;
		line = nl + 1;
		for (int pass = 0; pass < 2; pass++) {
			/* pass 0 counts, pass 1 lists the months without a delivery */
			int month = 0;
			for (const char *q = runs; q < nl; q++) {
				char mark[16];
				if (*q == ';')
					continue;
				if (*q != '0' && *q != '1') {
					/* a run's first month */
					month = (int)strtol(q, &stop, 10);
					q = stop; /* at ':' */
					continue;
				}
				if (pass == 0) {
					months++;
					got += *q == '1';
					in_year += *q == '0' && month / 12 == latest;
				} else if (*q == '0') {
					if (listed++ == 24) {
						ob_html_text(b, " …");
						break;
					}
					ob_completeness_month(month, mark, sizeof(mark));
					if (listed > 1)
						ob_html_text(b, ", ");
					ob_html_text(b, mark);
				}
				month++;
			}
			if (pass == 0 && !months)
				break;
			if (pass == 0) {
				OB_HTML_LIT(b, "<tr><th scope=\"row\">");
				ob_html_textn(b, src, (size_t)(tab - src));
				OB_HTML_LIT(b, "</th><td class=\"num\">");
				OB_HTML_TEXTF(b, "%ld / %ld", got, months);
				OB_HTML_LIT(b, "</td><td class=\"num\">");
				OB_HTML_TEXTF(b, "%ld", in_year);
				OB_HTML_LIT(b, "</td><td>");
			} else {
				if (!listed)
					ob_html_text(b, OB_L(pg, "ninguno", "none"));
				OB_HTML_LIT(b, "</td></tr>\n");
			}
		}
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
	ob_page_fragment_put(pg, key.ptr, ref->snap->stamp, from);
put_snapshot:
	ob_snaphold_put(c->ctx->snaps, ref);
	ob_buf_release(&del);
	ob_buf_release(&key);
}

/* ---- the locator map ---- */

struct locator {
	struct ob_choro_unit *u;
	bool *focus;
	char **geo;                /* owned */
	struct ob_buf *names;      /* owned copies of codes and names: one per unit */
	size_t n, cap;
	struct ob_strmap at;       /* code -> index + 1 */
};

static ob_err locator_geometry(void *arg, const char *code, const char *geojson)
{
	struct locator *l = arg;
	uintptr_t at = (uintptr_t)ob_strmap_get(&l->at, code, strlen(code));

	if (at && !l->geo[at - 1])
		l->geo[at - 1] = ob_strdup(geojson);
	return OB_OK;
}

/* One unit around the located one, with a copy of its code and name. */
static int locator_unit(void *arg, const struct ob_store_unit *t)
{
	struct locator *l = arg;
	const char *sc = t->code, *sn = t->name;

	if (l->n >= OB_MAX_AREAS)
		return 1;
	if (!sc)
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->focus = ob_realloc(l->focus, l->cap * sizeof(*l->focus));
		l->geo = ob_realloc(l->geo, l->cap * sizeof(*l->geo));
		l->names = ob_realloc(l->names, l->cap * sizeof(*l->names));
	}
	l->focus[l->n] = t->focus;
	l->geo[l->n] = NULL;
	l->names[l->n] = (struct ob_buf)OB_BUF_INIT(4 * OB_MAX_NAME);
	ob_buf_put(&l->names[l->n], sc, strlen(sc) + 1);
	ob_buf_put(&l->names[l->n], sn ? sn : sc, strlen(sn ? sn : sc) + 1);
	l->n++;
	ob_strmap_put(&l->at, sc, strlen(sc), (void *)(uintptr_t)l->n, NULL);
	return 0;
}

/*
 * Where the unit lies: an admin-2 unit among its parent's units of the
 * same division (those valid when it is), an admin-1 unit as its admin-2
 * units among the country's current ones; a country has none. Drawn by
 * src/report/choropleth.h; nothing when no unit has boundaries.
 */
static void unit_locator(struct ob_page *pg, const char *code, const char *name, int level,
                         const char *country)
{
	struct ob_http_call *c = pg->c;
	struct locator l = { 0 };
	struct ob_diag d;
	char *svg = NULL, title[2 * OB_MAX_NAME + 32];
	size_t len = 0, focused = 0;
	FILE *mem;
	ob_err e;

	if (level < 1 || level > 2 || !c->ctx->store)
		return;
	ob_strmap_init(&l.at);
	ob_diag_clear(&d);
	ob_store_locator_units_each(c->ctx->store, code, level, country, locator_unit, &l, &d);
	for (size_t i = 0; i < l.n; i++)
		focused += l.focus[i];
	if (!focused)
		goto release;
	ob_diag_clear(&d);
	if (ob_page_geometry(pg, locator_geometry, &l, &d))
		goto release;
	l.u = ob_calloc(l.n + 1, sizeof(*l.u));
	for (size_t i = 0; i < l.n; i++) {
		if (ob_buf_failed(&l.names[i]))
			continue;
		l.u[i].code = l.names[i].ptr;
		l.u[i].name = l.names[i].ptr + strlen(l.names[i].ptr) + 1;
		l.u[i].geojson = l.geo[i];
		l.u[i].value = NAN;
	}
	snprintf(title, sizeof(title), "%s%s", OB_L(pg, "Ubicación de ", "Where is "), name);
	if (!(mem = open_memstream(&svg, &len)))
		goto release;
	e = ob_choro_locator(mem, l.u, l.n, l.focus, title, 240, &d);
	if (fclose(mem) == 0 && !e) {
		OB_HTML_LIT(pg->b, "<figure class=\"locator\">");
		ob_html_trusted_report_svg(pg->b, svg, len);
		OB_HTML_LIT(pg->b, "</figure>\n");
	}
	free(svg);
release:
	for (size_t i = 0; i < l.n; i++) {
		free(l.geo[i]);
		ob_buf_release(&l.names[i]);
	}
	free(l.u);
	free(l.geo);
	free(l.names);
	free(l.focus);
	ob_strmap_release(&l.at);
}

/* The unit's current alarms and those of the units under it: the public
 * answer of GET /api/v1/alerts for the latest month, judged once per
 * snapshot in the background as for the home (ob_http_alerts_latest: a
 * view never starts a judging of its own, and until the judging ends the
 * section says so). */
static void unit_alerts(struct ob_page *pg, const char *code)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	struct ob_sdc_config cfg;
	struct ob_snapref *ref;
	struct ob_alerts a;
	struct ob_diag d;
	long top = -1;
	bool ready = false;

	if (!(ref = ob_page_snapshot(pg)))
		return;
	for (uint32_t i = 0; i < ref->snap->n_units; i++)
		if (!strcmp(ob_snap_str(ref->snap, ref->snap->units[i].code), code)) {
			top = (long)i;
			break;
		}
	if (top < 0) { /* no record was ever counted in it */
		ob_snaphold_put(c->ctx->snaps, ref);
		return;
	}
	OB_HTML_LIT(b, "<section class=\"alerts\">\n<h2 id=\"alerts\">");
	ob_html_text(b, OB_L(pg, "Alertas tempranas", "Early warnings"));
	OB_HTML_LIT(b, "</h2>\n<p class=\"note\">");
	ob_html_text(b, OB_L(pg, "Series de este territorio (y de los que lo componen) por delito "
	                         "o indicador cuyo último mes con datos supera lo que su historia "
	                         "hace esperar: lo observado, lo esperado y su límite, el método y "
	                         "los meses seguidos por encima.",
	                     "Series of this unit (and of the units within) by crime or "
	                     "indicator whose latest month with data exceeds what their history "
	                     "leads one to expect: observed, expected and its limit, the method "
	                     "and the months in a row above."));
	OB_HTML_LIT(b, "</p>\n");
	if (ob_http_alerts_latest(c, ref, &a, &cfg, &ready, &d) && d.message[0])
		OB_WARN("portal: alertas: %s", "portal: alerts: %s", d.message);
	if (!ready)
		pg->no_cache = true; /* "being computed": not kept in the page cache */
	if (ready) {
		ob_page_alerts_table(pg, ref->snap, &a, &cfg, top, SIZE_MAX);
	} else {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "Las alertas de los últimos datos se están calculando; "
		                         "estarán aquí en unos minutos.",
		                     "The alerts of the latest data are being computed; they will "
		                     "be here in a few minutes."));
		OB_HTML_LIT(b, "</p>\n");
	}
	ob_page_path(&u, OB_PAGE_SITUATION, NULL, pg->lang);
	ob_buf_puts(&u, "?territory=");
	ob_buf_puts(&u, code);
	ob_buf_puts(&u, "#alerts");
	OB_HTML_LIT(b, "<p><a");
	OB_HTML_ATTR(b, "href", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, OB_L(pg, "Su análisis situacional", "Its situational analysis"));
	OB_HTML_LIT(b, "</a></p>\n</section>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
	ob_alerts_release(&a);
	ob_snaphold_put(c->ctx->snaps, ref);
}

/* The unit asked for (ob_page_territory), copied. */
static int unit_found(void *arg, const struct ob_store_unit *t)
{
	struct unit_id *id = arg;

	ob_strlcpy(id->code, t->code, sizeof(id->code));
	ob_strlcpy(id->name, t->name, sizeof(id->name));
	id->level = t->level;
	ob_strlcpy(id->country, t->country, sizeof(id->country));
	id->parent[0] = id->parent_name[0] = '\0';
	if (t->parent)
		ob_strlcpy(id->parent, t->parent, sizeof(id->parent));
	if (t->parent_name)
		ob_strlcpy(id->parent_name, t->parent_name, sizeof(id->parent_name));
	return 0;
}

/* The units within (ob_page_territory), listed under their heading. */
struct within {
	struct ob_page *pg;
	bool any;
};

static int within_item(void *arg, const struct ob_store_unit *t)
{
	struct within *w = arg;
	struct ob_buf *b = w->pg->b;

	if (!w->any) {
		OB_HTML_LIT(b, "<h2 id=\"children\">");
		ob_html_text(b, OB_L(w->pg, "Unidades que lo componen", "Units within"));
		OB_HTML_LIT(b, "</h2>\n<ul class=\"children\">\n");
		w->any = true;
	}
	OB_HTML_LIT(b, "<li>");
	link_to(w->pg, t->code, t->name);
	OB_HTML_LIT(b, "</li>\n");
	return 0;
}

void ob_page_territory(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct unit_id id;
	struct ob_buf gaps = OB_BUF_INIT(OB_HTTP_MAX_BODY);
	struct within w = { .pg = pg };
	struct ob_diag d;
	char *code = id.code, *name = id.name, *country = id.country;
	char *parent = id.parent, *parent_name = id.parent_name;
	int level;
	long long latest;
	bool found = false;

	if (!c->ctx->store ||
	    ob_store_territory_unit(c->ctx->store, pg->arg, unit_found, &id, &found, &d) ||
	    !found) {
		ob_page_not_found(pg);
		return;
	}
	level = id.level;

	ob_page_begin(pg, name);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, name);
	OB_HTML_LIT(b, "</h1>\n<p class=\"lead\">");
	ob_html_text(b, level_name(pg, level));
	ob_html_text(b, " · ");
	ob_html_text(b, code);
	if (parent[0]) {
		ob_html_text(b, OB_L(pg, " · en ", " · in "));
		link_to(pg, parent, parent_name[0] ? parent_name : parent);
	}
	OB_HTML_LIT(b, "</p>\n");
	unit_locator(pg, code, name, level, country);
	latest = unit_indicators(pg, &id, &gaps);
	unit_alerts(pg, code);
	/* the units within */
	ob_store_territory_within_each(c->ctx->store, code, within_item, &w, &d);
	if (w.any)
		OB_HTML_LIT(b, "</ul>\n");
	if (level == 2)
		ob_page_index_unit(pg, code, country);
	unit_completeness(pg, &id, latest, &gaps);
	ob_buf_release(&gaps);
	ob_page_end(pg);
}
