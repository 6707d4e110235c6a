/* portal_index.c - the portal's prioritization index (/es/indice,
 * /en/index): for a catalogue index (a preset of units = admin2) and a
 * year, the ranking with each unit's rank interval and level, the map of
 * the levels, the definition (dimensions, weights, indicators) and where
 * its figures come from. The ranking is the very answer of GET
 * /api/v1/index (ob_http_index_public: same cache, same protected counts):
 * per unit only the rank, its interval and the level, never scores or the
 * dimensions' contributions, which would give the rates back. */
#include "http/portal.h"

#include <jansson.h>
#include <math.h>

#include "base/strmap.h"
#include "catalog/catalog.h"
#include "catalog/embedded.h"
#include "engine/indicators.h"
#include "index/index.h"
#include "index/preset.h"
#include "report/choropleth.h"

#define INDEX_MAP_WIDTH 640.0
/* the default index, when the URL names none */
#define INDEX_DEFAULT "sv-municipal"

/* The built-in indices of units = admin2 (those the route computes
 * without an input file), in the catalogue's order. */
struct presets {
	char name[16][64];
	char title[16][OB_MAX_NAME];
	char title_en[16][OB_MAX_NAME]; /* name_en, or the title */
	char country[16][4];     /* the definition's, or "" */
	struct ob_index_def *def; /* 16, owned: the definitions (presets_release) */
	size_t n;
};

static void presets_release(struct presets *p)
{
	for (size_t i = 0; p->def && i < p->n; i++)
		ob_index_def_release(&p->def[i]);
	free(p->def);
	p->def = NULL;
}

/* The name of level `level` of preset i in the page's language: the
 * definition's, or fallback (the answer's) when it has no such level. */
static const char *preset_level_name(const struct ob_page *pg, const struct presets *p, size_t i,
                                     size_t level, const char *fallback)
{
	if (pg->lang != OB_LANG_EN || i >= p->n || level < 1 || level > p->def[i].levels)
		return fallback;
	return ob_index_level_name_en(&p->def[i], level);
}

/* Whether two sections have the same id and the same Spanish name. */
static bool same_named(const char *id, const char *name, const char *id2, const char *name2)
{
	return id && id2 && !strcmp(id, id2) && name && name2 && !strcmp(name, name2);
}

/* An observatory's copy of a built-in definition (DIR/catalog/index/,
 * written before the name_en keys existed) keeps its English names from
 * the built-in one f: the index's and its levels' when it names them as
 * that one does, a dimension's or an indicator's when it has the same id
 * and Spanish name. */
static void english_from_builtin(struct ob_index_def *def, const struct ob_embedded_file *f)
{
	struct ob_index_def in;
	struct ob_diag d;

	bool named = def->name_en && def->level_names_en[0];

	for (size_t c = 1; c < def->nnode && named; c++)
		named = def->node[c].name_en != NULL;
	for (size_t j = 0; j < def->nind && named; j++)
		named = def->ind[j].name_en != NULL;
	if (named)
		return;
	memset(&in, 0, sizeof(in));
	ob_diag_clear(&d);
	if (!ob_index_load_mem((const char *)f->data, f->len, f->path, &in, &d)) {
		if (!def->name_en && in.name_en && def->name && in.name && !strcmp(def->name, in.name))
			def->name_en = ob_strdup(in.name_en);
		if (!def->level_names_en[0] && in.levels == def->levels) {
			bool same = true;
			for (size_t l = 0; l < def->levels && same; l++)
				same = in.level_names_en[l] &&
				       !strcmp(ob_index_level_name(def, l + 1), ob_index_level_name(&in, l + 1));
			for (size_t l = 0; l < def->levels && same; l++)
				def->level_names_en[l] = ob_strdup(in.level_names_en[l]);
		}
		/* dimensions and indicators by id, when named as the built-in's */
		for (size_t c = 1; c < def->nnode; c++)
			for (size_t k = 1; k < in.nnode && !def->node[c].name_en; k++)
				if (same_named(def->node[c].id, def->node[c].name, in.node[k].id,
				               in.node[k].name) && in.node[k].name_en)
					def->node[c].name_en = ob_strdup(in.node[k].name_en);
		for (size_t j = 0; j < def->nind; j++)
			for (size_t k = 0; k < in.nind && !def->ind[j].name_en; k++)
				if (same_named(def->ind[j].id, def->ind[j].name, in.ind[k].id,
				               in.ind[k].name) && in.ind[k].name_en)
					def->ind[j].name_en = ob_strdup(in.ind[k].name_en);
	}
	ob_index_def_release(&in);
}

static void presets_list(const char *dir, struct presets *p)
{
	memset(p, 0, sizeof(*p));
	p->def = ob_calloc(OB_ARRAY_SIZE(p->name), sizeof(*p->def));
	for (size_t i = 0; i < ob_catalog_files_count && p->n < OB_ARRAY_SIZE(p->name); i++) {
		const char *path = ob_catalog_files[i].path;
		size_t n = strlen(path);
		struct ob_buf text = OB_BUF_INIT(1024 * 1024);
		struct ob_index_def def;
		struct ob_diag d;
		char name[OB_MAX_PATH];

		if (strncmp(path, "index/", 6) || n < 11 || strcmp(path + n - 4, ".ini") ||
		    n - 10 >= sizeof(p->name[0]))
			continue;
		memcpy(p->name[p->n], path + 6, n - 10);
		p->name[p->n][n - 10] = '\0';
		memset(&def, 0, sizeof(def));
		ob_diag_clear(&d);
		if (!ob_index_preset_text(dir, p->name[p->n], &text, name, sizeof(name), &d) &&
		    !ob_index_load_mem(text.ptr, text.len, name, &def, &d) && def.admin2) {
			english_from_builtin(&def, &ob_catalog_files[i]);
			ob_strlcpy(p->title[p->n], def.name ? def.name : p->name[p->n],
			           sizeof(p->title[0]));
			ob_strlcpy(p->title_en[p->n], def.name_en ? def.name_en : p->title[p->n],
			           sizeof(p->title_en[0]));
			ob_strlcpy(p->country[p->n], def.country ? def.country : "",
			           sizeof(p->country[0]));
			p->def[p->n++] = def; /* kept: released by presets_release */
		} else {
			ob_index_def_release(&def);
		}
		ob_buf_release(&text);
	}
}

/* A unit of the ranking (or of the map only: rank 0). */
struct iunit {
	char code[OB_MAX_NAME], name[OB_MAX_NAME];
	long long rank, low, high;
	size_t level;
	char level_name[64];
	bool top;
	char *geojson; /* owned */
};

struct iunits {
	struct iunit *v;
	size_t n, cap;
	struct ob_strmap by_code;
};

static struct iunit *iunit_add(struct iunits *u, const char *code, const char *name)
{
	struct iunit *x;

	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 64;
		u->v = ob_realloc(u->v, u->cap * sizeof(*u->v));
	}
	x = &u->v[u->n++];
	memset(x, 0, sizeof(*x));
	ob_strlcpy(x->code, code, sizeof(x->code));
	ob_strlcpy(x->name, name ? name : code, sizeof(x->name));
	return x;
}

static ob_err keep_geometry(void *arg, const char *code, const char *geojson)
{
	struct iunits *u = arg;
	uintptr_t at = (uintptr_t)ob_strmap_get(&u->by_code, code, strlen(code));

	if (at && !u->v[at - 1].geojson)
		u->v[at - 1].geojson = ob_strdup(geojson);
	return OB_OK;
}

/* The latest year of the release's figures, or 0. */
static bool latest_year(void *arg, const struct ob_http_pub_row *r)
{
	long long *y = arg;

	if (r->year > *y)
		*y = r->year;
	return true;
}

/* The units of the division of the year in the release (admin-2 rows of
 * the first indicator) that the ranking lacks: drawn as no data. */
struct division_ctx {
	struct iunits *u;
	const char *country;
};

static bool division_unit(void *arg, const struct ob_http_pub_row *r)
{
	struct division_ctx *x = arg;

	if (r->level != 2 || !r->territory || (x->country && strncmp(r->territory, x->country, 3)) ||
	    ob_strmap_get(&x->u->by_code, r->territory, strlen(r->territory)))
		return true;
	iunit_add(x->u, r->territory, r->territory_name);
	ob_strmap_put(&x->u->by_code, r->territory, strlen(r->territory),
	              (void *)(uintptr_t)x->u->n, NULL);
	return true;
}

static void link_unit(struct ob_page *pg, const char *code, const char *name)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	ob_page_path(&u, OB_PAGE_TERRITORY, code, pg->lang);
	OB_HTML_LIT(pg->b, "<a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, name);
	OB_HTML_LIT(pg->b, "</a>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

static void form(struct ob_page *pg, const struct presets *ps, const char *preset,
                 long long year)
{
	struct ob_buf *b = pg->b;
	char num[32];

	/* the indices as radio buttons: a few, with long names that a select
	 * would cut on a phone (a select does not wrap) */
	OB_HTML_LIT(b, "<form class=\"controls\" method=\"get\"><fieldset class=\"choices\">"
	               "<legend>");
	ob_html_text(b, OB_L(pg, "Índice", "Index"));
	OB_HTML_LIT(b, "</legend>");
	for (size_t i = 0; i < ps->n; i++) {
		OB_HTML_LIT(b, "<label><input type=\"radio\" name=\"preset\"");
		OB_HTML_ATTR(b, "value", ps->name[i]);
		if (!strcmp(ps->name[i], preset))
			OB_HTML_LIT(b, " checked");
		OB_HTML_LIT(b, "> ");
		ob_html_text(b, OB_L(pg, ps->title[i], ps->title_en[i]));
		OB_HTML_LIT(b, "</label>");
	}
	OB_HTML_LIT(b, "</fieldset><div><label for=\"year\">");
	ob_html_text(b, OB_L(pg, "Año", "Year"));
	OB_HTML_LIT(b, "</label><input type=\"text\" inputmode=\"numeric\" id=\"year\" "
	               "name=\"year\" size=\"6\"");
	snprintf(num, sizeof(num), "%lld", year);
	OB_HTML_ATTR(b, "value", year > 0 ? num : NULL);
	OB_HTML_LIT(b, "></div><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Ver el índice", "Show the index"));
	OB_HTML_LIT(b, "</button></form>\n");
}

static const char *classify_name(struct ob_page *pg, enum ob_ix_classify c)
{
	switch (c) {
	case OB_IX_CLASS_QUANTILE: return OB_L(pg, "cuantiles", "quantiles");
	case OB_IX_CLASS_FISHER: return OB_L(pg, "cortes naturales", "natural breaks");
	case OB_IX_CLASS_EQUAL: return OB_L(pg, "intervalos iguales", "equal intervals");
	case OB_IX_CLASS_FIXED: return OB_L(pg, "umbrales fijos", "fixed thresholds");
	}
	return "";
}

/* The definition: dimensions with their share of the weight, indicators
 * with theirs within the dimension and the catalogue indicator behind. */
static void definition(struct ob_page *pg, const char *preset, const json_t *answer)
{
	struct ob_buf *b = pg->b;
	struct ob_buf text = OB_BUF_INIT(1024 * 1024);
	struct ob_index_def def;
	struct ob_indicator_set *set = NULL;
	struct ob_diag d;
	char name[OB_MAX_PATH];
	bool from_default;
	const json_t *prot = json_object_get(answer, "protection");
	const json_t *mc = json_object_get(answer, "uncertainty");

	memset(&def, 0, sizeof(def));
	ob_diag_clear(&d);
	OB_HTML_LIT(b, "<h2 id=\"definition\">");
	ob_html_text(b, OB_L(pg, "Definición", "Definition"));
	OB_HTML_LIT(b, "</h2>\n");
	if (ob_index_preset_text(pg->c->ctx->dir, preset, &text, name, sizeof(name), &d) ||
	    ob_index_load_mem(text.ptr, text.len, name, &def, &d))
		goto sources;
	ob_indicators_load_dir(pg->c->ctx->dir, &set, &from_default, &d);
	OB_HTML_LIT(b, "<p>");
	if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "Each indicator is normalised to a common scale and weighted within "
		              "its dimension; the dimensions are weighted into the index score, which "
		              "classifies the units into %zu levels by %s. The rank interval is the "
		              "range of ranks in %lld Monte Carlo runs that vary the weights and the "
		              "normalisation.",
		              def.levels, classify_name(pg, def.classify),
		              (long long)json_integer_value(json_object_get(mc, "runs")));
	else
		OB_HTML_TEXTF(b, "Cada indicador se normaliza a una escala común y se pondera dentro "
		              "de su dimensión; las dimensiones se ponderan en el puntaje del índice, "
		              "que clasifica las unidades en %zu niveles por %s. El intervalo de la "
		              "posición es el rango de posiciones en %lld simulaciones de Monte Carlo "
		              "que varían los pesos y la normalización.",
		              def.levels, classify_name(pg, def.classify),
		              (long long)json_integer_value(json_object_get(mc, "runs")));
	OB_HTML_LIT(b, "</p>\n<div class=\"table-wrap\"><table class=\"index-def\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Dimensiones e indicadores", "Dimensions and indicators"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Dimensión / indicador", "Dimension / indicator"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Peso", "Weight"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Fuente", "Source"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t c = 1; c < def.nnode; c++) {
		double sib = 0, in = 0;
		for (size_t s = 1; s < def.nnode; s++)
			if (def.node[s].parent == def.node[c].parent)
				sib += def.node[s].weight;
		OB_HTML_LIT(b, "<tr class=\"dimension\"><th scope=\"row\">");
		ob_html_text(b, def.node[c].name_en && pg->lang == OB_LANG_EN ? def.node[c].name_en
		                : def.node[c].name                        ? def.node[c].name
		                                                          : def.node[c].id);
		OB_HTML_LIT(b, "</th><td class=\"num\">");
		ob_page_num(pg, sib > 0 ? 100 * def.node[c].weight / sib : NAN, 1);
		OB_HTML_LIT(b, " %</td><td></td></tr>\n");
		for (size_t j = 0; j < def.nind; j++)
			if (def.ind[j].parent == c)
				in += def.ind[j].weight;
		for (size_t j = 0; j < def.nind; j++) {
			const struct ob_ix_indicator *x = &def.ind[j];
			long k;
			if (x->parent != c)
				continue;
			OB_HTML_LIT(b, "<tr><td class=\"indent\">");
			ob_html_text(b, x->name_en && pg->lang == OB_LANG_EN ? x->name_en
			                : x->name                          ? x->name
			                                                   : x->id);
			OB_HTML_LIT(b, "</td><td class=\"num\">");
			ob_page_num(pg, in > 0 ? 100 * x->weight / in : NAN, 1);
			OB_HTML_LIT(b, " %</td><td>");
			if (x->catalog && set && (k = ob_indicators_find(set, x->catalog)) >= 0)
				ob_html_text(b, OB_L(pg, set->v[k].name_es, set->v[k].name_en));
			else if (x->catalog)
				ob_html_text(b, x->catalog);
			else
				ob_html_text(b, OB_L(pg, "dato externo del catálogo", "external catalogue "
				                                                       "input"));
			OB_HTML_LIT(b, "</td></tr>\n");
		}
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
sources:
	OB_HTML_LIT(b, "<h2 id=\"sources\">");
	ob_html_text(b, OB_L(pg, "Fuentes y protección", "Sources and protection"));
	OB_HTML_LIT(b, "</h2>\n<p>");
	ob_html_text(b, OB_L(pg, "Los indicadores salen de los registros que las instituciones "
	                         "entregan al observatorio, contados con sus reglas de conteo. ",
	                     "The indicators come from the records the institutions deliver to "
	                     "the observatory, counted by its counting rules. "));
	ob_html_text(b, json_string_value(json_object_get(prot, OB_L(pg, "note", "note_en"))));
	ob_html_text(b, OB_L(pg, " Por eso no se publican los puntajes ni el aporte de cada "
	                         "dimensión de cada unidad: de ellos se volverían a obtener las "
	                         "tasas y los conteos.",
	                     " That is why neither the scores nor each dimension's contribution "
	                     "for each unit are published: the rates and the counts could be "
	                     "recovered from them."));
	OB_HTML_LIT(b, "</p>\n");
	if (set)
		ob_indicators_free(set);
	ob_index_def_release(&def);
	ob_buf_release(&text);
}

static void levels_map(struct ob_page *pg, struct iunits *u, const json_t *answer,
                       long long year, const struct presets *ps, size_t pi)
{
	const json_t *lv = json_object_get(answer, "levels");
	const char *names[OB_MAX_CLASSES];
	struct ob_choro_unit *cu = ob_calloc(u->n + 1, sizeof(*cu));
	struct ob_buf *hrefs = ob_calloc(u->n + 1, sizeof(*hrefs));
	size_t *cls = ob_calloc(u->n + 1, sizeof(size_t)), k = 0;
	struct ob_choro_classes cl;
	struct ob_choro_map m = { 0 };
	struct ob_diag d;
	char period[32];
	char *svg = NULL;
	size_t len = 0;
	FILE *mem;

	for (size_t i = 0; i < json_array_size(lv) && k < OB_MAX_CLASSES; i++, k++)
		names[k] = preset_level_name(pg, ps, pi, k + 1,
		                             json_string_value(json_array_get(lv, i)) ?
		                                     json_string_value(json_array_get(lv, i)) : "");
	for (size_t i = 0; i < u->n; i++) {
		hrefs[i] = (struct ob_buf)OB_BUF_INIT(OB_HTTP_MAX_URI);
		ob_page_path(&hrefs[i], OB_PAGE_TERRITORY, u->v[i].code, pg->lang);
		cu[i].code = u->v[i].code;
		cu[i].name = u->v[i].name;
		cu[i].geojson = u->v[i].geojson;
		cu[i].href = ob_buf_failed(&hrefs[i]) ? NULL : hrefs[i].ptr;
		cu[i].value = NAN;
		cls[i] = u->v[i].rank ? u->v[i].level : 0;
	}
	ob_choro_categories(cls, u->n, k, &cl);
	snprintf(period, sizeof(period), "%lld", year);
	m.lang = pg->lang;
	m.id = "index-map";
	m.indicator = pg->lang == OB_LANG_EN && pi < ps->n
	                      ? ps->title_en[pi]
	                      : json_string_value(json_object_get(answer, "index"));
	m.period = period;
	m.width = INDEX_MAP_WIDTH;
	m.class_names = names;
	m.legend = OB_L(pg, "Nivel de prioridad", "Priority level");
	m.note = OB_L(pg, "Rayado: unidad sin datos, fuera de la clasificación.",
	              "Hatched: a unit without data, not ranked.");
	ob_diag_clear(&d);
	if ((mem = open_memstream(&svg, &len))) {
		ob_err e = ob_choro_write(mem, &m, cu, u->n, &cl, cls, &d);
		if (fclose(mem) == 0 && !e) {
			OB_HTML_LIT(pg->b, "<figure class=\"map\">");
			ob_html_trusted_report_svg(pg->b, svg, len);
			OB_HTML_LIT(pg->b, "</figure>\n");
		}
		free(svg);
	}
	for (size_t i = 0; i < u->n; i++)
		ob_buf_release(&hrefs[i]);
	free(hrefs);
	free(cls);
	free(cu);
}

static void ranking(struct ob_page *pg, const struct iunits *u, size_t ranked)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<h2 id=\"ranking\">");
	ob_html_text(b, OB_L(pg, "Clasificación", "Ranking"));
	OB_HTML_LIT(b, "</h2>\n<div class=\"table-wrap\"><table class=\"ranking\">\n<caption>");
	if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "%zu units, by rank (1: the highest priority)", ranked);
	else
		OB_HTML_TEXTF(b, "%zu unidades, por posición (1: la mayor prioridad)", ranked);
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Posición", "Rank"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Unidad", "Unit"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Intervalo de la posición", "Rank interval"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Nivel", "Level"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < ranked; i++) {
		const struct iunit *x = &u->v[i];
		OB_HTML_LIT(b, "<tr");
		OB_HTML_ATTR(b, "data-unit", x->code);
		OB_HTML_LIT(b, "><td class=\"num\">");
		OB_HTML_TEXTF(b, "%lld", x->rank);
		OB_HTML_LIT(b, "</td><th scope=\"row\">");
		link_unit(pg, x->code, x->name);
		OB_HTML_LIT(b, "</th><td class=\"num\">");
		OB_HTML_TEXTF(b, "%lld – %lld", x->low, x->high);
		OB_HTML_LIT(b, "</td><td>");
		ob_html_text(b, x->level_name);
		OB_HTML_LIT(b, "</td></tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
}

void ob_page_index(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_http_pub *pub = ob_http_pub_get(c->ctx->dir);
	struct presets ps;
	struct iunits u = { 0 };
	const char *preset = ob_http_str(c, "preset"), *ys = ob_http_str(c, "year");
	const char *err = NULL;
	long long year = 0;
	json_t *answer = NULL;
	char *json = NULL;
	size_t len = 0, ranked = 0, pi;
	int status = 0;

	ob_strmap_init(&u.by_code);
	presets_list(c->ctx->dir, &ps);
	ob_page_begin(pg, OB_L(pg, "Índice de priorización", "Prioritization index"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Índice de priorización", "Prioritization index"));
	OB_HTML_LIT(b, "</h1>\n");
	if (!preset) {
		preset = ps.n ? ps.name[0] : INDEX_DEFAULT;
		for (size_t i = 0; i < ps.n; i++)
			if (!strcmp(ps.name[i], INDEX_DEFAULT))
				preset = INDEX_DEFAULT;
	} else {
		size_t i;
		for (i = 0; i < ps.n && strcmp(ps.name[i], preset); i++)
			;
		if (i == ps.n)
			err = OB_L(pg, "Ese índice no está en el catálogo.",
			           "That index is not in the catalogue.");
	}
	for (pi = 0; pi < ps.n && strcmp(ps.name[pi], preset); pi++)
		;
	if (!err && ys && !ob_page_plain_int(ys, 1900, 2999, &year))
		err = OB_L(pg, "El año debe ser un número de cuatro cifras.",
		           "The year must be a four-digit number.");
	if (!err && !year && pub) {
		struct ob_indicator_set *set = NULL;
		struct ob_diag d;
		bool def;
		ob_diag_clear(&d);
		if (!ob_indicators_load_dir(c->ctx->dir ? c->ctx->dir : ".", &set, &def, &d) &&
		    set->n)
			ob_http_pub_rows(pub, set->v[0].id, NULL, -1, latest_year, &year);
		if (set)
			ob_indicators_free(set);
	}
	if (!err && !year)
		err = OB_L(pg, "Indique el año.", "Give the year.");
	if (err) {
		c->res->status = 400;
		OB_HTML_LIT(b, "<p class=\"error\" role=\"alert\">");
		ob_html_text(b, err);
		OB_HTML_LIT(b, "</p>\n");
		form(pg, &ps, preset, year);
		goto out;
	}
	form(pg, &ps, preset, year);
	json = ob_http_index_public(c, preset, (int)year, NULL, &len, &status);
	if (!json || !(answer = json_loadb(json, len, 0, NULL))) {
		if (status == 400 || status == 404)
			c->res->status = 404 == status ? 404 : 400;
		OB_HTML_LIT(b, "<p class=\"error\" role=\"alert\">");
		ob_html_text(b, status == 404 || status == 400
		                        ? OB_L(pg, "No hay índice para ese año: sus datos no bastan "
		                                   "para clasificar las unidades.",
		                               "There is no index for that year: its data do not "
		                               "suffice to rank the units.")
		                        : OB_L(pg, "El índice no está disponible en este momento.",
		                               "The index is not available at the moment."));
		OB_HTML_LIT(b, "</p>\n");
		goto out;
	}
	{
		const json_t *units = json_object_get(answer, "units"), *x;
		size_t i;
		json_array_foreach(units, i, x) {
			const char *code = json_string_value(json_object_get(x, "unit"));
			struct iunit *v;
			if (!code)
				continue;
			v = iunit_add(&u, code, json_string_value(json_object_get(x, "name")));
			v->rank = json_integer_value(json_object_get(x, "rank"));
			v->low = json_integer_value(json_object_get(x, "rank_low"));
			v->high = json_integer_value(json_object_get(x, "rank_high"));
			v->level = (size_t)json_integer_value(json_object_get(x, "level"));
			v->top = json_is_true(json_object_get(x, "top"));
			ob_strlcpy(v->level_name,
			           preset_level_name(pg, &ps, pi, v->level,
			                             json_string_value(json_object_get(x, "level_name"))
			                                     ? json_string_value(json_object_get(
			                                               x, "level_name"))
			                                     : ""),
			           sizeof(v->level_name));
			ob_strmap_put(&u.by_code, code, strlen(code), (void *)(uintptr_t)u.n, NULL);
		}
		ranked = u.n;
	}
	OB_HTML_LIT(b, "<p class=\"lead\">");
	ob_html_text(b, pg->lang == OB_LANG_EN && pi < ps.n
	                        ? ps.title_en[pi]
	                        : json_string_value(json_object_get(answer, "index")));
	OB_HTML_TEXTF(b, ", %lld.", year);
	OB_HTML_LIT(b, "</p>\n");
	if (pub && ranked) {
		struct division_ctx dc = { &u, NULL };
		char cc[4];
		ob_strlcpy(cc, u.v[0].code, sizeof(cc));
		dc.country = cc;
		ob_http_pub_rows(pub, "homicide_rate", NULL, year, division_unit, &dc);
	}
	if (c->ctx->store) {
		struct ob_diag d;
		ob_diag_clear(&d);
		ob_page_geometry(pg, keep_geometry, &u, &d);
	}
	levels_map(pg, &u, answer, year, &ps, pi);
	ranking(pg, &u, ranked);
	definition(pg, preset, answer);
out:
	for (size_t i = 0; i < u.n; i++)
		free(u.v[i].geojson);
	free(u.v);
	ob_strmap_release(&u.by_code);
	json_decref(answer);
	free(json);
	presets_release(&ps);
	if (pub)
		ob_http_pub_put(pub);
	ob_page_end(pg);
}

/* The latest year of the release, or 0. */
static long long release_year(struct ob_page *pg)
{
	struct ob_http_pub *pub = ob_http_pub_get(pg->c->ctx->dir);
	struct ob_indicator_set *set = NULL;
	struct ob_diag d;
	long long year = 0;
	bool def;

	ob_diag_clear(&d);
	if (pub && !ob_indicators_load_dir(pg->c->ctx->dir ? pg->c->ctx->dir : ".", &set, &def, &d) &&
	    set->n)
		ob_http_pub_rows(pub, set->v[0].id, NULL, -1, latest_year, &year);
	if (set)
		ob_indicators_free(set);
	if (pub)
		ob_http_pub_put(pub);
	return year;
}

void ob_page_index_unit(struct ob_page *pg, const char *code, const char *country)
{
	struct ob_buf *b = pg->b;
	struct presets ps;
	long long year;
	bool any = false;
	char num[32];

	presets_list(pg->c->ctx->dir, &ps);
	if (!(year = release_year(pg))) {
		presets_release(&ps);
		return;
	}
	for (size_t i = 0; i < ps.n; i++) {
		struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
		const json_t *x, *units;
		json_t *answer = NULL;
		size_t len, k;
		char *json;

		if (strcmp(ps.country[i], country))
			continue;
		if (!any) {
			OB_HTML_LIT(b, "<h2 id=\"index\">");
			ob_html_text(b, OB_L(pg, "Índices de priorización", "Prioritization indices"));
			OB_HTML_LIT(b, "</h2>\n<ul class=\"indices\">\n");
			any = true;
		}
		OB_HTML_LIT(b, "<li><a");
		ob_page_path(&u, OB_PAGE_INDEX, NULL, pg->lang);
		snprintf(num, sizeof(num), "%lld", year);
		ob_html_url_param(&u, "preset", ps.name[i]);
		ob_html_url_param(&u, "year", num);
		OB_HTML_ATTR(b, "href", u.ptr);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, OB_L(pg, ps.title[i], ps.title_en[i]));
		OB_HTML_TEXTF(b, ", %lld", year);
		OB_HTML_LIT(b, "</a>");
		if (ob_buf_failed(&u))
			b->failed = true;
		ob_buf_release(&u);
		/* only an answer already computed: a profile starts no index run */
		json = ob_http_index_cached(pg->c, ps.name[i], (int)year, &len);
		if (!json)
			pg->provisional = true; /* its rank will appear once computed */
		if (json && (answer = json_loadb(json, len, 0, NULL))) {
			units = json_object_get(answer, "units");
			json_array_foreach(units, k, x) {
				const char *uc = json_string_value(json_object_get(x, "unit"));
				if (!uc || strcmp(uc, code))
					continue;
				OB_HTML_LIT(b, ": <strong>");
				ob_html_text(b, preset_level_name(
				                        pg, &ps, i,
				                        (size_t)json_integer_value(json_object_get(x, "level")),
				                        json_string_value(json_object_get(x, "level_name"))));
				OB_HTML_LIT(b, "</strong>");
				if (pg->lang == OB_LANG_EN)
					OB_HTML_TEXTF(b, ", rank %lld (interval %lld – %lld)",
					              (long long)json_integer_value(json_object_get(x, "rank")),
					              (long long)json_integer_value(json_object_get(x, "rank_low")),
					              (long long)json_integer_value(json_object_get(x, "rank_high")));
				else
					OB_HTML_TEXTF(b, ", posición %lld (intervalo %lld – %lld)",
					              (long long)json_integer_value(json_object_get(x, "rank")),
					              (long long)json_integer_value(json_object_get(x, "rank_low")),
					              (long long)json_integer_value(json_object_get(x, "rank_high")));
				break;
			}
		}
		json_decref(answer);
		free(json);
		OB_HTML_LIT(b, "</li>\n");
	}
	if (any) {
		OB_HTML_LIT(b, "</ul>\n<p class=\"note\">");
		ob_html_text(b, OB_L(pg, "El aporte de cada dimensión no se publica: de él se "
		                         "volverían a obtener las tasas.",
		                     "Each dimension's contribution is not published: the rates "
		                     "could be recovered from it."));
		OB_HTML_LIT(b, "</p>\n");
	}
	presets_release(&ps);
}
