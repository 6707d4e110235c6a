/* portal_maps.c - the portal's maps (/es/mapas, /en/maps): a choropleth of
 * one published indicator in one year over the admin-1 or admin-2 units of
 * a country, classified by quantiles, natural breaks or equal intervals
 * (src/report/choropleth.h), optionally smoothed by the global empirical-
 * Bayes estimate (stats/eb.h), with the table of the values behind it.
 * Every figure is a row of the latest release read through
 * ob_http_pub_rows(), as GET /api/v1/indicators/{id} answers it: a value
 * the release withholds is drawn and written as such, never as 0, and
 * never enters the smoothing. The form is a plain GET: the URL is the map. */
#include "http/portal.h"

#include <jansson.h>
#include <math.h>

#include "base/strmap.h"
#include "catalog/catalog.h"
#include "engine/indicators.h"
#include "engine/snaphold.h"
#include "engine/snapshot.h"
#include "http/cache.h"
#include "report/choropleth.h"
#include "stats/eb.h"
#include "store/territory_read.h"

/* the classes a reader may ask for */
#define MAP_MIN_CLASSES 2
#define MAP_MAX_CLASSES 7
#define MAP_DEFAULT_CLASSES 5
/* the viewBox width of the map */
#define MAP_WIDTH 640.0

static const char *const method_keys[] = { "quantile", "jenks", "equal" };

struct munit {
	char code[OB_MAX_NAME], name[OB_MAX_NAME];
	char *geojson;                /* owned */
	json_t *parts;                /* the polygons of the units within */
	bool in_release, has_value, suppressed, unreliable, has_count, has_den;
	double value, lower, upper, count, den, smooth;
	char value_text[32];
};

struct mapq {
	const struct ob_indicator *ind;
	long long year;
	char country[OB_MAX_NAME], country_name[OB_MAX_NAME];
	int level;
	enum ob_choro_method method;
	size_t k;
	bool smooth;
};

struct munits {
	struct munit *v;
	size_t n;
	struct ob_strmap by_code;  /* code -> struct munit * */
	struct ob_strmap children; /* admin-2 code -> its admin-1 struct munit * */
};

/* ---- the published rows ---- */

struct years {
	long long v[64];
	size_t n;
};

static bool collect_year(void *arg, const struct ob_http_pub_row *r)
{
	struct years *y = arg;
	size_t i;

	if (r->year < 0)
		return true;
	for (i = 0; i < y->n && y->v[i] != r->year; i++)
		;
	if (i == y->n && y->n < OB_ARRAY_SIZE(y->v)) {
		y->v[y->n++] = r->year;
		for (size_t j = y->n - 1; j > 0 && y->v[j - 1] < y->v[j]; j--) {
			long long t = y->v[j];
			y->v[j] = y->v[j - 1];
			y->v[j - 1] = t;
		}
	}
	return true;
}

static bool collect_value(void *arg, const struct ob_http_pub_row *r)
{
	struct munits *u = arg;
	struct munit *m;

	if (!r->territory || !(m = ob_strmap_get(&u->by_code, r->territory, strlen(r->territory))))
		return true;
	m->in_release = true;
	m->suppressed = r->status && !strcmp(r->status, "C");
	m->has_value = r->has_value && !m->suppressed && isfinite(r->value);
	m->value = r->value;
	m->lower = r->lower;
	m->upper = r->upper;
	m->unreliable = r->flags && strstr(r->flags, "unreliable");
	m->has_count = r->has_count && !m->suppressed;
	m->count = (double)r->count;
	m->has_den = r->has_denominator && !m->suppressed;
	m->den = r->denominator;
	ob_strlcpy(m->value_text, r->value_text ? r->value_text : "", sizeof(m->value_text));
	return true;
}

/* The years of every indicator with published totals, as collect_year
 * orders them (newest first), computed once per release and kept in the
 * answer cache (http/cache.h) under the release's version: the maps'
 * form lists the indicators that have any, and each of them walked its
 * whole table. One line per indicator of the set: "ID\tYEAR YEAR...\n". */
static const char years_type[] = "text/tab-separated-values; observa=indicator-years";
#define YEARS_KEY "portal/maps/indicator-years"

static void years_table(struct ob_page *pg, const struct ob_indicator_set *set,
                        const struct ob_http_pub *pub, struct ob_buf *t)
{
	struct ob_http_cache *cache = pg->c->ctx->cache;

	if (cache && ob_http_cache_get(cache, YEARS_KEY, ob_http_pub_version(pub), t) == years_type)
		return;
	ob_buf_reset(t);
	for (size_t i = 0; i < set->n; i++) {
		struct years y = { 0 };
		ob_http_pub_rows(pub, set->v[i].id, NULL, -1, collect_year, &y);
		ob_buf_puts(t, set->v[i].id);
		for (size_t k = 0; k < y.n; k++)
			ob_buf_putf(t, "%c%lld", k ? ' ' : '\t', y.v[k]);
		ob_buf_putc(t, '\n');
	}
	if (cache && !ob_buf_failed(t))
		ob_http_cache_put(cache, YEARS_KEY, ob_http_pub_version(pub), years_type, t->ptr,
		                  t->len);
}

/* The years of indicator id into y: from table t when it has the
 * indicator's line, else from the release's rows. */
static void indicator_years(const struct ob_http_pub *pub, const struct ob_buf *t,
                            const char *id, struct years *y)
{
	size_t n = strlen(id);
	const char *p = ob_buf_failed(t) ? NULL : t->ptr, *end = p ? p + t->len : NULL;

	memset(y, 0, sizeof(*y));
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			break;
		if ((size_t)(eol - p) >= n && !memcmp(p, id, n) && (p + n == eol || p[n] == '\t')) {
			for (p += n; p < eol && y->n < OB_ARRAY_SIZE(y->v);) {
				char *next;
				y->v[y->n++] = strtoll(p + 1, &next, 10);
				p = next;
			}
			return;
		}
		p = eol + 1;
	}
	ob_http_pub_rows(pub, id, NULL, -1, collect_year, y);
}

/* Append the polygons of geometry text g to array polys. */
static void add_parts(json_t *polys, const char *g)
{
	json_error_t jerr;
	json_t *j = json_loads(g, 0, &jerr), *c;
	const char *type = json_string_value(json_object_get(j, "type"));
	json_t *part;
	size_t i;

	c = json_object_get(j, "coordinates");
	if (type && json_is_array(c) && !strcmp(type, "Polygon"))
		json_array_append(polys, c);
	else if (type && json_is_array(c) && !strcmp(type, "MultiPolygon"))
		json_array_foreach(c, i, part)
			json_array_append(polys, part);
	json_decref(j);
}

/* A unit's own geometry; an admin-1 unit's units within, kept to draw it as
 * their union when it has none of its own. */
static ob_err keep_geometry(void *arg, const char *code, const char *geojson)
{
	struct munits *u = arg;
	struct munit *m = ob_strmap_get(&u->by_code, code, strlen(code));

	if (m && !m->geojson)
		m->geojson = ob_strdup(geojson);
	if (!m && (m = ob_strmap_get(&u->children, code, strlen(code)))) {
		if (!m->parts)
			m->parts = json_array();
		add_parts(m->parts, geojson);
	}
	return OB_OK;
}

/* The union of the units within, for the units without geometry. */
static void union_parts(struct munits *u)
{
	for (size_t i = 0; i < u->n; i++) {
		struct munit *m = &u->v[i];
		json_t *g;
		if (m->geojson || !m->parts || !json_array_size(m->parts))
			continue;
		g = json_pack("{s:s, s:O}", "type", "MultiPolygon", "coordinates", m->parts);
		m->geojson = g ? json_dumps(g, JSON_COMPACT) : NULL;
		json_decref(g);
	}
}

static void units_release(struct munits *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].geojson);
		json_decref(u->v[i].parts);
	}
	free(u->v);
	ob_strmap_release(&u->by_code);
	ob_strmap_release(&u->children);
}

/* One unit of the level into the array (units_load). */
struct units_fill {
	struct munits *u;
	size_t cap;
};

static int unit_add(void *arg, const struct ob_store_unit *t)
{
	struct units_fill *f = arg;
	struct munits *u = f->u;
	struct munit *m;

	if (u->n >= OB_MAX_AREAS)
		return 1;
	if (u->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		u->v = ob_realloc(u->v, f->cap * sizeof(*u->v));
	}
	m = &u->v[u->n++];
	memset(m, 0, sizeof(*m));
	ob_strlcpy(m->code, t->code, sizeof(m->code));
	ob_strlcpy(m->name, t->name, sizeof(m->name));
	m->value = m->smooth = NAN;
	return 0;
}

/* A municipality under its department (units_load, admin-1 maps). */
static int unit_child(void *arg, const struct ob_store_unit *t)
{
	struct munits *u = arg;
	struct munit *m = ob_strmap_get(&u->by_code, t->parent, strlen(t->parent));

	if (m)
		ob_strmap_put(&u->children, t->code, strlen(t->code), m, NULL);
	return 0;
}

/* The country's units of the level, from the catalogue, by name. */
static bool units_load(struct ob_page *pg, const struct mapq *q, struct munits *u)
{
	struct units_fill f = { .u = u };
	struct ob_diag d;
	int rc;

	ob_strmap_init(&u->by_code);
	ob_strmap_init(&u->children);
	if (!pg->c->ctx->store)
		return false;
	rc = ob_store_units_by_name_each(pg->c->ctx->store, q->country, q->level, unit_add, &f, &d);
	/* the map's pointers once the array no longer moves */
	for (size_t i = 0; i < u->n; i++)
		ob_strmap_put(&u->by_code, u->v[i].code, strlen(u->v[i].code), &u->v[i], NULL);
	if (rc < 0)
		return false;
	if (q->level != 1)
		return true;
	ob_store_unit_parents_each(pg->c->ctx->store, q->country, unit_child, u, &d);
	return true;
}

/* Keep the units the release has a row of (those of the year's division). */
static void units_in_release(struct munits *u)
{
	size_t o = 0;

	for (size_t i = 0; i < u->n; i++) {
		if (u->v[i].in_release)
			u->v[o++] = u->v[i];
		else {
			free(u->v[i].geojson);
			json_decref(u->v[i].parts);
		}
	}
	u->n = o;
	ob_strmap_release(&u->by_code);
	ob_strmap_release(&u->children);
	ob_strmap_init(&u->by_code);
	ob_strmap_init(&u->children);
}

/* ---- the query ---- */

/* The country's name, or false when code is no country of the catalogue. */
static bool country_name(struct ob_page *pg, const char *code, char *name, size_t size)
{
	struct ob_diag d;
	bool found = false;

	return pg->c->ctx->store &&
	       !ob_store_country_name(pg->c->ctx->store, code, name, size, &found, &d) && found;
}

/*
 * The map asked for by the URL, with defaults for what it leaves out: the
 * homicide rate (or the release's first indicator), its latest year, the
 * first country, its admin-1 units, natural breaks in five classes. A
 * value that is not one of the form's choices is an error: its message, in
 * the page's language, is returned (NULL: none).
 */
static const char *parse_query(struct ob_page *pg, const struct ob_indicator_set *set,
                               const struct ob_http_pub *pub, const struct ob_buf *t,
                               struct mapq *q, struct years *years)
{
	struct ob_http_call *c = pg->c;
	const char *ind = ob_http_str(c, "indicator"), *s;
	long long v;

	memset(q, 0, sizeof(*q));
	q->level = 1;
	q->method = OB_CHORO_JENKS;
	q->k = MAP_DEFAULT_CLASSES;
	if (ind) {
		long i = ob_indicators_find(set, ind);
		if (i < 0)
			return OB_L(pg, "Ese indicador no existe.", "There is no such indicator.");
		q->ind = &set->v[i];
	} else {
		long i = ob_indicators_find(set, "homicide_rate");
		q->ind = i >= 0 ? &set->v[i] : set->n ? &set->v[0] : NULL;
	}
	if (!q->ind)
		return OB_L(pg, "No hay indicadores.", "There are no indicators.");
	indicator_years(pub, t, q->ind->id, years);
	if (!years->n)
		return OB_L(pg, "La publicación no tiene cifras de ese indicador.",
		            "The release has no figures for that indicator.");
	q->year = years->v[0];
	if ((s = ob_http_str(c, "year"))) {
		size_t i;
		if (!ob_page_plain_int(s, 1900, 2999, &v))
			return OB_L(pg, "El año debe ser un número de cuatro cifras.",
			            "The year must be a four-digit number.");
		for (i = 0; i < years->n && years->v[i] != v; i++)
			;
		if (i == years->n)
			return OB_L(pg, "La publicación no tiene cifras de ese año.",
			            "The release has no figures for that year.");
		q->year = v;
	}
	if ((s = ob_http_str(c, "country"))) {
		if (strlen(s) >= sizeof(q->country) ||
		    !country_name(pg, s, q->country_name, sizeof(q->country_name)))
			return OB_L(pg, "Ese país no está en el catálogo.",
			            "That country is not in the catalogue.");
		for (size_t i = 0; s[i]; i++)
			q->country[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	}
	if ((s = ob_http_str(c, "level"))) {
		if (!ob_page_plain_int(s, 1, 2, &v))
			return OB_L(pg, "El nivel debe ser 1 (departamentos o provincias) o 2 "
			                "(municipios).",
			            "The level must be 1 (first-level units) or 2 (municipalities).");
		q->level = (int)v;
	}
	if ((s = ob_http_str(c, "method"))) {
		size_t i;
		for (i = 0; i < OB_ARRAY_SIZE(method_keys) && strcmp(s, method_keys[i]); i++)
			;
		if (i == OB_ARRAY_SIZE(method_keys))
			return OB_L(pg, "El método debe ser quantile, jenks o equal.",
			            "The method must be quantile, jenks or equal.");
		q->method = (enum ob_choro_method)i;
	}
	if ((s = ob_http_str(c, "classes"))) {
		if (!ob_page_plain_int(s, MAP_MIN_CLASSES, MAP_MAX_CLASSES, &v))
			return OB_L(pg, "Las clases deben ser de 2 a 7.",
			            "The classes must be from 2 to 7.");
		q->k = (size_t)v;
	}
	if ((s = ob_http_str(c, "smooth"))) {
		if (strcmp(s, "1") && strcmp(s, "0"))
			return OB_L(pg, "smooth debe ser 0 o 1.", "smooth must be 0 or 1.");
		q->smooth = !strcmp(s, "1");
		if (q->smooth && (q->ind->denom != OB_DEN_POPULATION || !(q->ind->multiplier > 0)))
			return OB_L(pg, "El suavizado solo se aplica a tasas por población.",
			            "Smoothing applies only to rates per population.");
	}
	return NULL;
}

static bool first_country(void *arg, const struct ob_http_pub_row *r)
{
	struct mapq *q = arg;

	if (r->level != 0 || !r->has_value || !r->territory ||
	    strlen(r->territory) >= sizeof(q->country) ||
	    (q->country[0] && strcmp(r->territory, q->country) >= 0))
		return true;
	ob_strlcpy(q->country, r->territory, sizeof(q->country));
	ob_strlcpy(q->country_name, r->territory_name ? r->territory_name : r->territory,
	           sizeof(q->country_name));
	return true;
}

/* The catalogue's first country (default_country): taken, and stop. */
static int catalogue_first(void *arg, const struct ob_store_unit *t)
{
	struct mapq *q = arg;

	ob_strlcpy(q->country, t->code, sizeof(q->country));
	ob_strlcpy(q->country_name, t->name, sizeof(q->country_name));
	return 1;
}

/* For a map that names no country: the first (by code) with a value of
 * the indicator in the year, else the catalogue's first. */
static void default_country(struct ob_page *pg, const struct ob_http_pub *pub, struct mapq *q)
{
	struct ob_diag d;

	if (q->country[0])
		return;
	ob_http_pub_rows(pub, q->ind->id, NULL, q->year, first_country, q);
	if (q->country[0] || !pg->c->ctx->store)
		return;
	ob_store_countries_each(pg->c->ctx->store, true, catalogue_first, q, &d);
}

/* ---- the form ---- */

static void select_open(struct ob_page *pg, const char *name, const char *label)
{
	OB_HTML_LIT(pg->b, "<div><label");
	OB_HTML_ATTR(pg->b, "for", name);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, label);
	OB_HTML_LIT(pg->b, "</label><select");
	OB_HTML_ATTR(pg->b, "id", name);
	OB_HTML_ATTR(pg->b, "name", name);
	OB_HTML_LIT(pg->b, ">");
}

/* A country of the form's choice (form). */
struct country_option {
	struct ob_page *pg;
	const char *chosen;
};

static int country_option(void *arg, const struct ob_store_unit *t)
{
	struct country_option *o = arg;

	ob_page_option(o->pg, t->code, t->name, !strcmp(t->code, o->chosen));
	return 0;
}

static void form(struct ob_page *pg, const struct ob_indicator_set *set,
                 const struct ob_http_pub *pub, const struct ob_buf *t, const struct mapq *q,
                 const struct years *y)
{
	struct ob_buf *b = pg->b;
	struct country_option opt = { .pg = pg, .chosen = q->country };
	struct ob_diag d;
	char num[32];

	OB_HTML_LIT(b, "<form class=\"controls\" method=\"get\">");
	select_open(pg, "indicator", OB_L(pg, "Indicador", "Indicator"));
	for (size_t i = 0; i < set->n; i++) {
		struct years tmp;
		indicator_years(pub, t, set->v[i].id, &tmp);
		if (!tmp.n)
			continue;
		ob_page_option(pg, set->v[i].id, OB_L(pg, set->v[i].name_es, set->v[i].name_en),
		       q->ind == &set->v[i]);
	}
	OB_HTML_LIT(b, "</select></div>");
	select_open(pg, "year", OB_L(pg, "Año", "Year"));
	for (size_t i = 0; i < y->n; i++) {
		snprintf(num, sizeof(num), "%lld", y->v[i]);
		ob_page_option(pg, num, num, y->v[i] == q->year);
	}
	OB_HTML_LIT(b, "</select></div>");
	select_open(pg, "country", OB_L(pg, "País", "Country"));
	if (pg->c->ctx->store)
		ob_store_countries_each(pg->c->ctx->store, false, country_option, &opt, &d);
	OB_HTML_LIT(b, "</select></div>");
	select_open(pg, "level", OB_L(pg, "Unidades", "Units"));
	ob_page_option(pg, "1", OB_L(pg, "departamentos o provincias", "first-level units"), q->level == 1);
	ob_page_option(pg, "2", OB_L(pg, "municipios", "municipalities"), q->level == 2);
	OB_HTML_LIT(b, "</select></div>");
	select_open(pg, "method", OB_L(pg, "Clasificación", "Classification"));
	ob_page_option(pg, "jenks", OB_L(pg, "cortes naturales (Jenks)", "natural breaks (Jenks)"),
	       q->method == OB_CHORO_JENKS);
	ob_page_option(pg, "quantile", OB_L(pg, "cuantiles", "quantiles"), q->method == OB_CHORO_QUANTILE);
	ob_page_option(pg, "equal", OB_L(pg, "intervalos iguales", "equal intervals"),
	       q->method == OB_CHORO_EQUAL);
	OB_HTML_LIT(b, "</select></div>");
	select_open(pg, "classes", OB_L(pg, "Clases", "Classes"));
	for (size_t k = MAP_MIN_CLASSES; k <= MAP_MAX_CLASSES; k++) {
		snprintf(num, sizeof(num), "%zu", k);
		ob_page_option(pg, num, num, k == q->k);
	}
	OB_HTML_LIT(b, "</select></div><div class=\"check\"><input type=\"checkbox\" id=\"smooth\" "
	               "name=\"smooth\" value=\"1\"");
	if (q->smooth)
		OB_HTML_LIT(b, " checked");
	OB_HTML_LIT(b, "><label for=\"smooth\">");
	ob_html_text(b, OB_L(pg, "Suavizar (bayes empírico, solo tasas)",
	                     "Smooth (empirical Bayes, rates only)"));
	OB_HTML_LIT(b, "</label></div><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Ver el mapa", "Show the map"));
	OB_HTML_LIT(b, "</button></form>\n");
}

/* ---- the map and its table ---- */

/* The global EB estimate (Marshall 1991) of the units with a published
 * count and population, in the indicator's unit; the others keep NaN. */
static void smooth_units(struct munits *u, const struct ob_indicator *ind)
{
	double *cnt = ob_malloc((u->n + 1) * sizeof(double));
	double *pop = ob_malloc((u->n + 1) * sizeof(double));
	double *est = ob_malloc((u->n + 1) * sizeof(double));
	size_t *at = ob_malloc((u->n + 1) * sizeof(size_t)), m = 0;

	for (size_t i = 0; i < u->n; i++) {
		const struct munit *x = &u->v[i];
		if (!x->has_count || !x->has_den || !(x->den > 0) || x->count < 0)
			continue;
		cnt[m] = x->count;
		pop[m] = x->den;
		at[m++] = i;
	}
	if (m && ob_eb_global(cnt, pop, m, OB_EB_POISSON, est, NULL, NULL) == OB_OK)
		for (size_t j = 0; j < m; j++)
			u->v[at[j]].smooth = est[j] * ind->multiplier;
	free(at);
	free(est);
	free(pop);
	free(cnt);
}

/* The indicator's unit in the page's language. */
static const char *unit_label(struct ob_page *pg, const struct ob_indicator *ind)
{
	if (ind->denom == OB_DEN_POPULATION && ind->multiplier == 100000)
		return OB_L(pg, "por 100 000 habitantes", "per 100,000 inhabitants");
	if (ind->multiplier == 100)
		return OB_L(pg, "porcentaje", "percentage");
	return ind->unit ? ind->unit : "";
}

static void unit_link(struct ob_page *pg, const struct munit *m)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	ob_page_path(&u, OB_PAGE_TERRITORY, m->code, pg->lang);
	OB_HTML_LIT(pg->b, "<a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, m->name[0] ? m->name : m->code);
	OB_HTML_LIT(pg->b, "</a>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

static void no_value(struct ob_page *pg, const struct munit *m)
{
	OB_HTML_LIT(pg->b, "<span class=\"flag\">");
	ob_html_text(pg->b, m->suppressed ? OB_L(pg, "suprimido", "suppressed")
	                                  : OB_L(pg, "sin datos", "no data"));
	OB_HTML_LIT(pg->b, "</span>");
}

static void draw(struct ob_page *pg, const struct mapq *q, struct munits *u,
                 const struct ob_http_pub *pub)
{
	struct ob_buf *b = pg->b;
	struct ob_choro_unit *cu = ob_calloc(u->n + 1, sizeof(*cu));
	struct ob_buf *hrefs = ob_calloc(u->n + 1, sizeof(*hrefs));
	double *v = ob_malloc((u->n + 1) * sizeof(double));
	size_t *cls = ob_calloc(u->n + 1, sizeof(size_t));
	struct ob_choro_classes cl;
	struct ob_choro_map m = { 0 };
	struct ob_diag d;
	char period[32], territory[OB_MAX_NAME + 64], source[128], subtitle[OB_MAX_NAME + 96];
	char *svg = NULL;
	size_t len = 0;
	FILE *mem;

	for (size_t i = 0; i < u->n; i++) {
		const struct munit *x = &u->v[i];
		hrefs[i] = (struct ob_buf)OB_BUF_INIT(OB_HTTP_MAX_URI);
		ob_page_path(&hrefs[i], OB_PAGE_TERRITORY, x->code, pg->lang);
		cu[i].code = x->code;
		cu[i].name = x->name;
		cu[i].geojson = x->geojson;
		cu[i].href = ob_buf_failed(&hrefs[i]) ? NULL : hrefs[i].ptr;
		cu[i].suppressed = x->suppressed;
		cu[i].value = q->smooth ? x->smooth : x->has_value ? x->value : NAN;
		v[i] = cu[i].value;
	}
	if (ob_choro_classify(v, u->n, q->method, q->k, &cl, cls)) {
		memset(&cl, 0, sizeof(cl));
		cl.count[0] = u->n;
		memset(cls, 0, (u->n + 1) * sizeof(size_t));
	}
	snprintf(period, sizeof(period), "%lld", q->year);
	snprintf(territory, sizeof(territory), "%s, %s", q->country_name,
	         q->level == 1 ? OB_L(pg, "departamentos o provincias", "first-level units")
	                       : OB_L(pg, "municipios", "municipalities"));
	snprintf(source, sizeof(source), "%s%s", OB_L(pg, "Fuente: publicación ", "Source: release "),
	         ob_http_pub_version(pub));
	snprintf(subtitle, sizeof(subtitle), "%s%s", unit_label(pg, q->ind),
	         q->smooth ? OB_L(pg, " · suavizado (bayes empírico global)",
	                          " · smoothed (global empirical Bayes)")
	                   : "");
	m.lang = pg->lang;
	m.id = "map";
	m.indicator = OB_L(pg, q->ind->name_es, q->ind->name_en);
	m.territory = territory;
	m.period = period;
	m.subtitle = subtitle;
	m.source = source;
	m.width = MAP_WIDTH;
	m.decimals = 2;
	m.note = q->smooth ? OB_L(pg, "Suavizado: cada tasa se acerca a la media del país tanto "
	                              "más cuanto menor es su población (Marshall 1991). Rayado: "
	                              "sin datos o suprimido.",
	                          "Smoothed: each rate moves towards the country's mean the more "
	                          "the smaller its population (Marshall 1991). Hatched: no data "
	                          "or suppressed.")
	                   : OB_L(pg, "Rayado: sin datos o suprimido por confidencialidad.",
	                          "Hatched: no data, or suppressed for confidentiality.");
	ob_diag_clear(&d);
	if ((mem = open_memstream(&svg, &len))) {
		ob_err e = ob_choro_write(mem, &m, cu, u->n, &cl, cls, &d);
		if (fclose(mem) == 0 && !e) {
			OB_HTML_LIT(b, "<figure class=\"map\">");
			ob_html_trusted_report_svg(b, svg, len);
			OB_HTML_LIT(b, "</figure>\n");
		} else {
			OB_HTML_LIT(b, "<p>");
			ob_html_text(b, OB_L(pg, "No hay límites de estas unidades para dibujar el "
			                         "mapa; la tabla tiene las cifras.",
			                     "There are no boundaries of these units to draw the map; "
			                     "the table has the figures."));
			OB_HTML_LIT(b, "</p>\n");
		}
		free(svg);
	}
	/* the table behind the map */
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"map-data\">\n<caption>");
	ob_html_text(b, m.indicator);
	ob_html_text(b, ", ");
	ob_html_text(b, territory);
	ob_html_text(b, ", ");
	ob_html_text(b, period);
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Unidad", "Unit"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Valor", "Value"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Intervalo del 95 %", "95% interval"));
	if (q->smooth) {
		OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
		ob_html_text(b, OB_L(pg, "Suavizado", "Smoothed"));
	}
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Clase", "Class"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < u->n; i++) {
		const struct munit *x = &u->v[i];
		OB_HTML_LIT(b, "<tr");
		OB_HTML_ATTR(b, "data-unit", x->code);
		OB_HTML_LIT(b, "><th scope=\"row\">");
		unit_link(pg, x);
		OB_HTML_LIT(b, "</th><td class=\"num\">");
		if (x->has_value) {
			ob_page_value_interval(pg, x->value_text, x->value, x->unreliable,
			                       x->lower, x->upper);
		} else {
			no_value(pg, x);
			OB_HTML_LIT(b, "</td><td>");
		}
		if (q->smooth) {
			OB_HTML_LIT(b, "</td><td class=\"num\">");
			if (isfinite(x->smooth))
				ob_page_num(pg, x->smooth, 2);
			else
				no_value(pg, x);
		}
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		if (cls[i])
			OB_HTML_TEXTF(b, "%zu", cls[i]);
		else
			ob_html_text(b, "—");
		OB_HTML_LIT(b, "</td></tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
	for (size_t i = 0; i < u->n; i++)
		ob_buf_release(&hrefs[i]);
	free(hrefs);
	free(cls);
	free(v);
	free(cu);
}

void ob_page_maps(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_indicator_set *set = NULL;
	struct ob_http_pub *pub = ob_http_pub_get(c->ctx->dir);
	struct munits u = { 0 };
	struct ob_buf yt = OB_BUF_INIT(OB_HTTP_CACHE_MAX_ANSWER);
	struct years years;
	struct mapq q;
	struct ob_diag d;
	struct ob_snapref *ref = NULL;
	char key[OB_IND_ID_MAX + OB_MAX_NAME + 96], stamp[OB_SNAPSHOT_STAMP + 40];
	const char *err = NULL;
	size_t from = 0;
	bool def;

	ob_page_begin(pg, OB_L(pg, "Mapas", "Maps"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Mapas", "Maps"));
	OB_HTML_LIT(b, "</h1>\n");
	ob_diag_clear(&d);
	if (!pub || ob_indicators_load_dir(c->ctx->dir ? c->ctx->dir : ".", &set, &def, &d)) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "El observatorio aún no ha publicado cifras.",
		                     "The observatory has published no figures yet."));
		OB_HTML_LIT(b, "</p>\n");
		goto out;
	}
	years_table(pg, set, pub, &yt);
	err = parse_query(pg, set, pub, &yt, &q, &years);
	if (!err) {
		default_country(pg, pub, &q);
		if (!q.country[0])
			err = OB_L(pg, "El catálogo no tiene países.", "The catalogue has no countries.");
	}
	if (err) {
		c->res->status = 400;
		OB_HTML_LIT(b, "<p class=\"error\" role=\"alert\">");
		ob_html_text(b, err);
		OB_HTML_LIT(b, "</p>\n");
		if (q.ind && years.n)
			form(pg, set, pub, &yt, &q, &years);
		goto out;
	}
	form(pg, set, pub, &yt, &q, &years);
	/* the map and its table: drawn once per release, state of the store (its
	 * boundaries), question and language, then kept in the answer cache */
	if ((ref = ob_page_snapshot(pg))) {
		snprintf(stamp, sizeof(stamp), "%s/%s", ob_http_pub_version(pub), ref->snap->stamp);
		snprintf(key, sizeof(key), "portal/maps/%s/%lld/%s/%d/%d/%zu/%d/%s", q.ind->id, q.year,
		         q.country, q.level, (int)q.method, q.k, (int)q.smooth, OB_L(pg, "es", "en"));
		if (ob_page_fragment_get(pg, key, stamp))
			goto out;
	}
	from = b->len;
	if (!units_load(pg, &q, &u)) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "No se pudo leer el catálogo de territorios.",
		                     "The territory catalogue could not be read."));
		OB_HTML_LIT(b, "</p>\n");
		goto out;
	}
	if (!u.n) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "El catálogo no tiene unidades de ese nivel en ese país.",
		                     "The catalogue has no units of that level in that country."));
		OB_HTML_LIT(b, "</p>\n");
		goto out;
	}
	ob_http_pub_rows(pub, q.ind->id, NULL, q.year, collect_value, &u);
	ob_page_geometry(pg, keep_geometry, &u, &d);
	union_parts(&u);
	units_in_release(&u);
	if (!u.n) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "La publicación no tiene cifras de estas unidades en ese año.",
		                     "The release has no figures for these units in that year."));
		OB_HTML_LIT(b, "</p>\n");
		goto out;
	}
	if (q.smooth)
		smooth_units(&u, q.ind);
	draw(pg, &q, &u, pub);
	if (ref)
		ob_page_fragment_put(pg, key, stamp, from);
out:
	if (ref)
		ob_snaphold_put(c->ctx->snaps, ref);
	units_release(&u);
	ob_buf_release(&yt);
	if (set)
		ob_indicators_free(set);
	if (pub)
		ob_http_pub_put(pub);
	ob_page_end(pg);
}
