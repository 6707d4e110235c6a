/* portal_neighbours.c - a profile's comparison with the unit's neighbours:
 * the units that share a boundary with it (found once per process from the
 * catalogue's geometry, data/catalog/geometry), its department or province
 * and its country, side by side on the profile's main indicators with
 * their 95% intervals. A unit without a boundary is compared with the
 * other units of the same parent, and the page says so. */
#include "http/portal.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>

#include "base/strmap.h"
#include "catalog/catalog.h"
#include "engine/indicators.h"
#include "store/catalog.h"

/* Boundaries are simplified unit by unit, so two neighbours' vertices on
 * their common border need not coincide: points closer than this (in
 * degrees, about 550 m) are taken as the same point, and two units are
 * neighbours when at least NB_MIN_SHARED of their points meet. */
#define NB_TOLERANCE 0.005
#define NB_MIN_SHARED 2

struct nb_point {
	uint64_t cell;
	uint32_t unit;
};

/* The adjacency of every unit with a boundary: codes sorted, and the
 * neighbours of codes[i] at nb[off[i] .. off[i + 1]). */
struct adjacency {
	char **codes;
	size_t n, *off, *nb;
};

static pthread_mutex_t adj_lock = PTHREAD_MUTEX_INITIALIZER;
static struct adjacency *adj_built; /* once per process; never freed */

struct adj_walk {
	struct ob_strmap at;        /* code -> index + 1 */
	char **codes;
	size_t n, cap;
	struct nb_point *p;
	size_t np, pcap;
};

static uint64_t cell_of(long long ix, long long iy)
{
	return ((uint64_t)(uint32_t)(int32_t)ix << 32) | (uint32_t)(int32_t)iy;
}

/* Every "[x, y" pair of the geometry's coordinates, as cells of the grid. */
static ob_err adj_geometry(void *arg, const char *code, const char *geojson)
{
	struct adj_walk *w = arg;
	const char *s = strstr(geojson, "\"coordinates\"");
	uint32_t unit;

	if (!s)
		return OB_OK;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->codes = ob_realloc(w->codes, w->cap * sizeof(*w->codes));
	}
	unit = (uint32_t)w->n;
	w->codes[w->n++] = ob_strdup(code);
	ob_strmap_put(&w->at, code, strlen(code), (void *)(uintptr_t)w->n, NULL);
	while ((s = strchr(s, '['))) {
		char *end;
		double x, y;
		s++;
		x = strtod(s, &end);
		if (end == s || *end != ',')
			continue;
		s = end + 1;
		y = strtod(s, &end);
		if (end == s || !isfinite(x) || !isfinite(y))
			continue;
		s = end;
		if (w->np == w->pcap) {
			w->pcap = w->pcap ? 2 * w->pcap : 4096;
			w->p = ob_realloc(w->p, w->pcap * sizeof(*w->p));
		}
		w->p[w->np].cell = cell_of(llround(floor(x / NB_TOLERANCE)),
		                           llround(floor(y / NB_TOLERANCE)));
		w->p[w->np].unit = unit;
		w->np++;
	}
	return OB_OK;
}

static int point_cmp(const void *a, const void *b)
{
	const struct nb_point *x = a, *y = b;

	if (x->cell != y->cell)
		return x->cell < y->cell ? -1 : 1;
	return (x->unit > y->unit) - (x->unit < y->unit);
}

static int pair_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

static int code_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first point of cell c in p[0..n) (sorted), or n. */
static size_t first_in(const struct nb_point *p, size_t n, uint64_t c)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p[mid].cell < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct adjacency *adj_build(struct ob_store *store)
{
	struct adj_walk w = { 0 };
	struct adjacency *a = NULL;
	uint64_t *pairs = NULL;
	size_t npairs = 0, pcap = 0, *order = NULL;
	struct ob_diag d;

	ob_strmap_init(&w.at);
	ob_diag_clear(&d);
	if (ob_catalog_geometry(store, adj_geometry, &w, &d))
		goto release_walk;
	/* one point per unit and cell */
	qsort(w.p, w.np, sizeof(*w.p), point_cmp);
	{
		size_t k = 0;
		for (size_t i = 0; i < w.np; i++)
			if (!k || w.p[i].cell != w.p[k - 1].cell || w.p[i].unit != w.p[k - 1].unit)
				w.p[k++] = w.p[i];
		w.np = k;
	}
	/* each point meets the other units' points of its cell and the 8 around */
	for (size_t i = 0; i < w.np; i++) {
		long long ix = (int32_t)(uint32_t)(w.p[i].cell >> 32);
		long long iy = (int32_t)(uint32_t)w.p[i].cell;
		for (int dx = -1; dx <= 1; dx++)
			for (int dy = -1; dy <= 1; dy++) {
				uint64_t c = cell_of(ix + dx, iy + dy);
				for (size_t j = first_in(w.p, w.np, c); j < w.np && w.p[j].cell == c;
				     j++) {
					uint32_t lo, hi;
					if (w.p[j].unit == w.p[i].unit)
						continue;
					if (npairs == pcap) {
						pcap = pcap ? 2 * pcap : 4096;
						pairs = ob_realloc(pairs, pcap * sizeof(*pairs));
					}
					/* the pair whichever unit meets the other */
					lo = w.p[i].unit < w.p[j].unit ? w.p[i].unit : w.p[j].unit;
					hi = w.p[i].unit ^ w.p[j].unit ^ lo;
					pairs[npairs++] = ((uint64_t)lo << 32) | hi;
				}
			}
	}
	qsort(pairs, npairs, sizeof(*pairs), pair_cmp);
	/* the codes sorted, and where each walk index went */
	a = ob_calloc(1, sizeof(*a));
	a->n = w.n;
	a->codes = ob_calloc(w.n + 1, sizeof(*a->codes));
	memcpy(a->codes, w.codes, w.n * sizeof(*w.codes));
	qsort(a->codes, a->n, sizeof(*a->codes), code_cmp);
	order = ob_calloc(w.n + 1, sizeof(*order));
	for (size_t i = 0; i < a->n; i++)
		order[(uintptr_t)ob_strmap_get(&w.at, a->codes[i], strlen(a->codes[i])) - 1] = i;
	a->off = ob_calloc(a->n + 1, sizeof(*a->off));
	a->nb = ob_calloc(2 * npairs + 1, sizeof(*a->nb));
	{
		/* pairs met NB_MIN_SHARED times or more (each meeting is counted
		 * from both sides), grouped by sorted unit */
		size_t *cnt = ob_calloc(a->n + 1, sizeof(*cnt)), k = 0;
		uint64_t *keep = ob_calloc(2 * npairs + 1, sizeof(*keep));
		for (size_t i = 0; i < npairs;) {
			size_t j = i;
			while (j < npairs && pairs[j] == pairs[i])
				j++;
			if (j - i >= 2 * NB_MIN_SHARED) {
				uint64_t u = order[pairs[i] >> 32], v = order[(uint32_t)pairs[i]];
				keep[k++] = (u << 32) | v;
				keep[k++] = (v << 32) | u;
				cnt[u]++;
				cnt[v]++;
			}
			i = j;
		}
		qsort(keep, k, sizeof(*keep), pair_cmp);
		for (size_t i = 0; i < a->n; i++)
			a->off[i + 1] = a->off[i] + cnt[i];
		for (size_t i = 0; i < k; i++)
			a->nb[i] = (size_t)(uint32_t)keep[i];
		free(keep);
		free(cnt);
	}
	free(order);
	free(w.codes); /* the strings now belong to a->codes */
	w.codes = NULL;
	w.n = 0;
release_walk:
	for (size_t i = 0; i < w.n; i++)
		free(w.codes[i]);
	free(w.codes);
	free(w.p);
	free(pairs);
	ob_strmap_release(&w.at);
	return a;
}

/* The process's adjacency (built by the first profile that asks), or NULL
 * when the catalogue's geometry could not be read. */
static const struct adjacency *adjacency(struct ob_store *store)
{
	struct adjacency *a;

	pthread_mutex_lock(&adj_lock);
	if (!adj_built)
		adj_built = adj_build(store);
	a = adj_built;
	pthread_mutex_unlock(&adj_lock);
	return a;
}

/* The index of code among a's units, or -1 when it has no boundary. */
static long adj_find(const struct adjacency *a, const char *code)
{
	char **hit;

	if (!a)
		return -1;
	hit = bsearch(&code, a->codes, a->n, sizeof(*a->codes), code_cmp);
	return hit ? (long)(hit - a->codes) : -1;
}

static bool adj_linked(const struct adjacency *a, long u, const char *code)
{
	long v = adj_find(a, code);

	if (u < 0 || v < 0)
		return false;
	for (size_t i = a->off[u]; i < a->off[u + 1]; i++)
		if (a->nb[i] == (size_t)v)
			return true;
	return false;
}

/* ---- the comparison ---- */

struct cmp_unit {
	char code[OB_MAX_NAME], name[OB_MAX_NAME];
	const char *role; /* the row's kind, in the page's language */
};

struct cmp_cell {
	bool found;
	struct ob_page_year y;
};

static bool cell_row(void *arg, const struct ob_http_pub_row *r)
{
	struct cmp_cell *c = arg;
	size_t n = 0;

	ob_page_year_keep(&c->y, &n, 1, r);
	c->found = n > 0;
	return false;
}

static void unit_row(struct ob_page *pg, const struct ob_http_pub *pub,
                     const struct ob_indicator *const *ind, size_t nind, long long year,
                     const struct cmp_unit *u, bool self)
{
	struct ob_buf *b = pg->b;
	struct ob_buf url = OB_BUF_INIT(OB_HTTP_MAX_URI);

	if (self)
		OB_HTML_LIT(b, "<tr class=\"self\"><th scope=\"row\">");
	else
		OB_HTML_LIT(b, "<tr><th scope=\"row\">");
	if (self) {
		ob_html_text(b, u->name);
	} else {
		ob_page_path(&url, OB_PAGE_TERRITORY, u->code, pg->lang);
		OB_HTML_LIT(b, "<a");
		OB_HTML_ATTR(b, "href", url.ptr);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, u->name);
		OB_HTML_LIT(b, "</a>");
	}
	OB_HTML_LIT(b, " <span class=\"note\">");
	ob_html_text(b, u->role);
	OB_HTML_LIT(b, "</span></th>");
	for (size_t i = 0; i < nind; i++) {
		struct cmp_cell c = { 0 };
		ob_http_pub_rows(pub, ind[i]->id, u->code, year, cell_row, &c);
		OB_HTML_LIT(b, "<td class=\"num\">");
		if (c.found && c.y.has_value) {
			OB_HTML_LIT(b, "<data");
			OB_HTML_ATTR(b, "value", c.y.value_text);
			OB_HTML_LIT(b, ">");
			ob_page_num(pg, c.y.value, 2);
			OB_HTML_LIT(b, "</data>");
			if (c.y.unreliable) {
				OB_HTML_LIT(b, " <span class=\"flag\">");
				ob_html_text(b, OB_L(pg, "poco fiable", "unreliable"));
				OB_HTML_LIT(b, "</span>");
			}
			OB_HTML_LIT(b, "<br><span class=\"ci\">");
			ob_page_num(pg, c.y.lower, 2);
			ob_html_text(b, " – ");
			ob_page_num(pg, c.y.upper, 2);
			OB_HTML_LIT(b, "</span>");
		} else {
			ob_page_no_value(pg, c.found ? &c.y : NULL);
		}
		OB_HTML_LIT(b, "</td>");
	}
	OB_HTML_LIT(b, "</tr>\n");
	if (ob_buf_failed(&url))
		b->failed = true;
	ob_buf_release(&url);
}

/* The rows of the comparison, as the store lists the unit's peers. */
struct peers {
	struct ob_page *pg;
	const struct adjacency *a;
	long at;
	bool bounded;
	struct cmp_unit *rows; /* OB_PORTAL_NEIGHBOURS */
	size_t n, more;        /* rows kept, and those past the limit */
};

static int add_peer(void *arg, const char *sc, const char *sn)
{
	struct peers *p = arg;
	struct ob_page *pg = p->pg;

	if (!sc || (p->bounded && !adj_linked(p->a, p->at, sc)))
		return 0;
	if (p->n == OB_PORTAL_NEIGHBOURS) {
		p->more++;
		return 0;
	}
	ob_strlcpy(p->rows[p->n].code, sc, sizeof(p->rows[p->n].code));
	ob_strlcpy(p->rows[p->n].name, sn ? sn : sc, sizeof(p->rows[p->n].name));
	p->rows[p->n].role = p->bounded ? OB_L(pg, "vecino", "neighbour")
	                                : OB_L(pg, "misma unidad superior", "same parent unit");
	p->n++;
	return 0;
}

void ob_page_unit_neighbours(struct ob_page *pg, const struct ob_http_pub *pub,
                             const struct ob_indicator *const *ind, size_t nind,
                             long long year, const char *code, const char *name, int level,
                             const char *parent, const char *parent_name,
                             const char *country)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	const struct adjacency *a;
	struct cmp_unit *rows = NULL, self;
	size_t n = 0, more = 0;
	long at;
	bool bounded;

	if (level < 1 || !nind || !c->ctx->store || !pub)
		return;
	a = adjacency(c->ctx->store);
	at = adj_find(a, code);
	bounded = at >= 0;
	/* the units of the same level and country alive when it is; with a
	 * boundary those that share it, without one those of the same parent */
	rows = ob_calloc(OB_PORTAL_NEIGHBOURS + 1, sizeof(*rows));
	{
		struct peers p = { pg, a, at, bounded, rows, 0, 0 };
		struct ob_diag ignored;
		if (ob_store_territory_peers_each(c->ctx->store, code, bounded, add_peer, &p,
		                                  &ignored) < 0)
			goto finalize;
		n = p.n;
		more = p.more;
	}
	OB_HTML_LIT(b, "<section class=\"neighbours\">\n<h2 id=\"neighbours\">");
	ob_html_text(b, OB_L(pg, "Comparación con sus vecinos", "Compared with its neighbours"));
	OB_HTML_LIT(b, "</h2>\n<p class=\"note\">");
	if (bounded && pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "The %zu units that share a boundary with it, its %s and its "
		                 "country, in %lld.", n + more,
		              level == 2 ? "department or province" : "country", year);
	else if (bounded)
		OB_HTML_TEXTF(b, "Las %zu unidades que comparten límite con este territorio, su %s y "
		                 "su país, en %lld.", n + more,
		              level == 2 ? "departamento o provincia" : "país", year);
	else
		ob_html_text(b, OB_L(pg, "Este territorio no tiene límites en el catálogo: se compara "
		                         "con las demás unidades de su misma unidad superior.",
		                     "This unit has no boundary in the catalogue: it is compared "
		                     "with the other units of the same parent unit."));
	OB_HTML_LIT(b, "</p>\n");
	if (more) {
		OB_HTML_LIT(b, "<p class=\"note\">");
		if (pg->lang == OB_LANG_EN)
			OB_HTML_TEXTF(b, "The first %d are listed; %zu more are not.",
			              OB_PORTAL_NEIGHBOURS, more);
		else
			OB_HTML_TEXTF(b, "Se listan las %d primeras; %zu más no.", OB_PORTAL_NEIGHBOURS, more);
		OB_HTML_LIT(b, "</p>\n");
	}
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"neighbours\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Valor y su intervalo del 95 %, ", "Value and its 95% interval, "));
	OB_HTML_TEXTF(b, "%lld", year);
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Territorio", "Territory"));
	OB_HTML_LIT(b, "</th>");
	for (size_t i = 0; i < nind; i++) {
		OB_HTML_LIT(b, "<th scope=\"col\" class=\"num\"><a");
		{
			char href[OB_IND_ID_MAX + 2];
			snprintf(href, sizeof(href), "#%s", ind[i]->id);
			OB_HTML_ATTR(b, "href", href);
		}
		OB_HTML_LIT(b, ">");
		ob_html_text(b, OB_L(pg, ind[i]->name_es, ind[i]->name_en));
		OB_HTML_LIT(b, "</a></th>");
	}
	OB_HTML_LIT(b, "</tr></thead>\n<tbody>\n");
	ob_strlcpy(self.code, code, sizeof(self.code));
	ob_strlcpy(self.name, name, sizeof(self.name));
	self.role = OB_L(pg, "este territorio", "this unit");
	unit_row(pg, pub, ind, nind, year, &self, true);
	for (size_t i = 0; i < n; i++)
		unit_row(pg, pub, ind, nind, year, &rows[i], false);
	if (level == 2 && parent && parent[0]) {
		ob_strlcpy(self.code, parent, sizeof(self.code));
		ob_strlcpy(self.name, parent_name && parent_name[0] ? parent_name : parent,
		           sizeof(self.name));
		self.role = OB_L(pg, "su departamento o provincia", "its department or province");
		unit_row(pg, pub, ind, nind, year, &self, false);
	}
	if (country && country[0]) {
		char cname[OB_MAX_NAME];
		ob_strlcpy(self.code, country, sizeof(self.code));
		ob_strlcpy(self.name,
		           ob_page_territory_name(pg, country, cname, sizeof(cname)) ? cname : country,
		           sizeof(self.name));
		self.role = OB_L(pg, "su país", "its country");
		unit_row(pg, pub, ind, nind, year, &self, false);
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n</section>\n");
finalize:
	free(rows);
}
