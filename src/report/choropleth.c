/* choropleth.c - classed maps of territorial units (see choropleth.h). */
#include "report/choropleth.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>

#include "report/chart_int.h"
#include "report/svg.h"

#define NODATA_FILL "#f0f0f0"
#define NODATA_HATCH "#8c8c8c"
#define OUTLINE "#4d4d4d"
#define SWATCH_W 22.0
#define SWATCH_H 14.0
#define LEGEND_ROW 20.0

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

ob_err ob_choro_classify(const double *v, size_t n, enum ob_choro_method method, size_t k,
                         struct ob_choro_classes *out, size_t *cls)
{
	double *x, brks[OB_MAX_CLASSES + 1];
	enum ob_breaks_style style;
	enum ob_closure closure = OB_CLOSURE_LEFT;
	size_t nx = 0, distinct = 0, kk;
	ob_err e;

	memset(out, 0, sizeof(*out));
	out->method = method;
	if (k < 1 || k > OB_MAX_CLASSES)
		return OB_EINVAL;
	switch (method) {
	case OB_CHORO_QUANTILE: style = OB_BREAKS_QUANTILE; break;
	case OB_CHORO_JENKS: style = OB_BREAKS_JENKS; break;
	case OB_CHORO_EQUAL: style = OB_BREAKS_EQUAL; break;
	default: return OB_EINVAL;
	}
	if (n > OB_MAX_AREAS)
		return OB_ETOOBIG;
	x = ob_malloc((n ? n : 1) * sizeof(*x));
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]))
			x[nx++] = v[i];
	qsort(x, nx, sizeof(*x), cmp_double);
	for (size_t i = 0; i < nx; i++)
		distinct += i == 0 || x[i] != x[i - 1];
	/* natural breaks need as many distinct values as classes */
	kk = method != OB_CHORO_JENKS || k < distinct ? k : distinct;
	if (!distinct)
		kk = 0;
	if (kk) {
		if ((e = ob_breaks(x, nx, kk, style, brks, &closure))) {
			free(x);
			return e;
		}
		/* merge repeated breaks: no class of width zero; natural
		 * breaks repeat only the first (a class of one value, [b0, b1]
		 * under their closure), which is kept */
		out->brks[0] = brks[0];
		for (size_t i = 1; i <= kk; i++)
			if (brks[i] > out->brks[out->k] || (method == OB_CHORO_JENKS && i == 1))
				out->brks[++out->k] = brks[i];
		if (out->k == 0) {
			/* one value: one class [v, v] */
			out->k = 1;
			out->brks[1] = brks[0];
		}
		out->closure = closure;
	}
	free(x);
	for (size_t i = 0; i < n; i++) {
		size_t c = 0;
		if (out->k && isfinite(v[i]))
			c = ob_breaks_class(out->brks, out->k, out->closure, v[i]);
		out->count[c]++;
		if (cls)
			cls[i] = c;
	}
	return OB_OK;
}

void ob_choro_categories(const size_t *cls, size_t n, size_t k, struct ob_choro_classes *out)
{
	memset(out, 0, sizeof(*out));
	out->k = k <= OB_MAX_CLASSES ? k : OB_MAX_CLASSES;
	for (size_t i = 0; i < n; i++)
		out->count[cls[i] <= out->k ? cls[i] : 0]++;
}

void ob_choro_color(size_t c, size_t k, char out[8])
{
	/* ColorBrewer YlGnBu, light to dark */
	static const double ramp[5][3] = { { 255, 255, 204 },
		                           { 161, 218, 180 },
		                           { 65, 182, 196 },
		                           { 44, 127, 184 },
		                           { 37, 52, 148 } };
	double t, pos, f;
	size_t i;
	int rgb[3];

	if (c < 1 || c > k) {
		snprintf(out, 8, "%s", NODATA_FILL);
		return;
	}
	t = k > 1 ? (double)(c - 1) / (double)(k - 1) : 0.5;
	pos = t * 4;
	i = (size_t)floor(pos);
	if (i >= 4)
		i = 3;
	f = pos - (double)i;
	for (int j = 0; j < 3; j++)
		rgb[j] = (int)lround(ramp[i][j] + f * (ramp[i + 1][j] - ramp[i][j]));
	snprintf(out, 8, "#%02x%02x%02x", rgb[0] & 0xff, rgb[1] & 0xff, rgb[2] & 0xff);
}

/* The id prefix: the caller's, keeping only [A-Za-z0-9_-]. */
static void id_prefix(const char *id, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = id ? id : "map"; *p && o + 1 < size; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')
			out[o++] = *p;
	if (!o)
		out[o++] = 'm';
	out[o] = '\0';
}

/* ---- the boundaries, parsed once ----
 *
 * A map's first drawing spent most of its time parsing its units' GeoJSON
 * (tens of ms for a country's municipalities), and every map, locator and
 * index of the same units parsed the same texts again. Each text is parsed
 * once (ob_svg_geom_load: the same checks) into its points and box and
 * kept, keyed by its bytes (a hash, then the text itself compared), so a
 * boundary that changes in the store is a new key and never the old
 * drawing. Entries are shared by the maps being drawn (refs, under
 * geo_mu); at OB_CHORO_GEOM_CACHE_BYTES or OB_CHORO_GEOM_CACHE_SLOTS the
 * table is emptied and an entry still in use is freed by its last user.
 * The paths drawn from the kept points are the bytes ob_svg_geom_path
 * writes (the same projection, the same format). */

struct geo_pt {
	double lon, lat;
	bool ring_start, ring_end;
};

struct geo_entry {
	uint64_t hash;
	size_t len;           /* of text */
	char *text;           /* the GeoJSON, owned */
	struct geo_pt *pt;    /* owned */
	size_t npt;
	struct ob_svg_bbox box;
	size_t refs;          /* the table's (1 while in it) and each map's */
	size_t bytes;
};

static pthread_mutex_t geo_mu = PTHREAD_MUTEX_INITIALIZER;
static struct geo_entry **geo_slots; /* OB_CHORO_GEOM_CACHE_SLOTS, under geo_mu */
static size_t geo_used, geo_bytes;

static uint64_t geo_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void geo_free(struct geo_entry *g)
{
	free(g->text);
	free(g->pt);
	free(g);
}

/* Drop one reference (under geo_mu). */
static void geo_unref_locked(struct geo_entry *g)
{
	if (g && --g->refs == 0)
		geo_free(g);
}

static void geo_add_pt(struct geo_entry *g, size_t *cap, json_t *p, bool rs, bool re)
{
	if (g->npt == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		g->pt = ob_realloc(g->pt, *cap * sizeof(*g->pt));
	}
	g->pt[g->npt++] = (struct geo_pt){ json_number_value(json_array_get(p, 0)),
	                                   json_number_value(json_array_get(p, 1)), rs, re };
}

/* The points of a polygon already checked by ob_svg_geom_load. */
static void geo_polygon(struct geo_entry *g, size_t *cap, json_t *poly)
{
	size_t r, i;
	json_t *ring, *p;

	json_array_foreach(poly, r, ring) {
		size_t n = json_array_size(ring);
		json_array_foreach(ring, i, p)
			geo_add_pt(g, cap, p, i == 0, i + 1 == n);
	}
}

/* Text geojson parsed into a new entry (refs 1), or NULL when it is not a
 * Polygon or MultiPolygon in longitude and latitude. */
static struct geo_entry *geo_parse(const char *geojson, size_t len, uint64_t hash)
{
	struct geo_entry *g;
	json_t *j, *coords;
	size_t cap = 0;

	g = ob_calloc(1, sizeof(*g));
	if (!(j = ob_svg_geom_load(geojson, &g->box))) {
		free(g);
		return NULL;
	}
	coords = json_object_get(j, "coordinates");
	if (!strcmp(json_string_value(json_object_get(j, "type")), "Polygon")) {
		geo_polygon(g, &cap, coords);
	} else {
		size_t i;
		json_t *poly;
		json_array_foreach(coords, i, poly)
			geo_polygon(g, &cap, poly);
	}
	json_decref(j);
	g->hash = hash;
	g->len = len;
	g->text = ob_strndup(geojson, len);
	g->refs = 1;
	g->bytes = sizeof(*g) + len + 1 + g->npt * sizeof(*g->pt);
	return g;
}

/* Empty the table (under geo_mu): entries in use live on with their maps. */
static void geo_clear_locked(void)
{
	for (size_t i = 0; geo_slots && i < OB_CHORO_GEOM_CACHE_SLOTS; i++) {
		geo_unref_locked(geo_slots[i]);
		geo_slots[i] = NULL;
	}
	geo_used = geo_bytes = 0;
}

/* The parsed boundary of text geojson, with a reference for the caller
 * (give it back with geo_put), or NULL when it is not valid geometry. */
static struct geo_entry *geo_get(const char *geojson)
{
	size_t len = strlen(geojson), at;
	uint64_t h = geo_hash(geojson, len);
	struct geo_entry *g, *found = NULL;

	pthread_mutex_lock(&geo_mu);
	if (!geo_slots)
		geo_slots = ob_calloc(OB_CHORO_GEOM_CACHE_SLOTS, sizeof(*geo_slots));
	for (at = h & (OB_CHORO_GEOM_CACHE_SLOTS - 1); (g = geo_slots[at]);
	     at = (at + 1) & (OB_CHORO_GEOM_CACHE_SLOTS - 1))
		if (g->hash == h && g->len == len && !memcmp(g->text, geojson, len)) {
			found = g;
			found->refs++;
			break;
		}
	pthread_mutex_unlock(&geo_mu);
	if (found)
		return found;
	/* parsed outside the lock; two maps may parse the same text at once,
	 * the second's is then used once and not kept */
	if (!(g = geo_parse(geojson, len, h)))
		return NULL;
	pthread_mutex_lock(&geo_mu);
	if (geo_bytes + g->bytes > OB_CHORO_GEOM_CACHE_BYTES ||
	    2 * (geo_used + 1) > OB_CHORO_GEOM_CACHE_SLOTS)
		geo_clear_locked();
	for (at = h & (OB_CHORO_GEOM_CACHE_SLOTS - 1); geo_slots[at];
	     at = (at + 1) & (OB_CHORO_GEOM_CACHE_SLOTS - 1))
		if (geo_slots[at]->hash == h && geo_slots[at]->len == len &&
		    !memcmp(geo_slots[at]->text, geojson, len))
			break;
	if (!geo_slots[at] && g->bytes <= OB_CHORO_GEOM_CACHE_BYTES) {
		geo_slots[at] = g;
		g->refs++;
		geo_used++;
		geo_bytes += g->bytes;
	}
	pthread_mutex_unlock(&geo_mu);
	return g;
}

static void geo_put(struct geo_entry *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&geo_mu);
	geo_unref_locked(g);
	pthread_mutex_unlock(&geo_mu);
}

/* The path data of g: ob_svg_geom_path's, from the kept points. */
static void geo_path(FILE *out, const struct geo_entry *g, const struct ob_svg_proj *p)
{
	for (size_t i = 0; i < g->npt; i++) {
		double lon = g->pt[i].lon, lat = g->pt[i].lat;
		double x = (lon - p->lon0) * p->k * p->s + p->x0, y = (p->lat1 - lat) * p->s + p->y0;
		fprintf(out, "%s%.2f %.2f%s", g->pt[i].ring_start ? "M" : "L", x, y,
		        g->pt[i].ring_end ? "Z" : "");
	}
}

static void box_merge(struct ob_svg_bbox *b, const struct ob_svg_bbox *u)
{
	if (!u->any)
		return;
	if (!b->any) {
		*b = *u;
		return;
	}
	b->lon0 = u->lon0 < b->lon0 ? u->lon0 : b->lon0;
	b->lon1 = u->lon1 > b->lon1 ? u->lon1 : b->lon1;
	b->lat0 = u->lat0 < b->lat0 ? u->lat0 : b->lat0;
	b->lat1 = u->lat1 > b->lat1 ? u->lat1 : b->lat1;
}

/* Every unit's geometry into geo[] (each with a reference: geo_put) and
 * their common box. */
static ob_err load_all(const struct ob_choro_unit *u, size_t n, struct geo_entry **geo,
                       struct ob_svg_bbox *b, struct ob_diag *d)
{
	for (size_t i = 0; i < n; i++) {
		if (!u[i].geojson)
			continue;
		if (!(geo[i] = geo_get(u[i].geojson)))
			return OB_DIAG(d, OB_EINVAL, "territory_geometry", 0, 0, u[i].code,
			               u[i].code ? strlen(u[i].code) : 0,
			               "geometría no válida: se esperaba un Polygon o "
			               "MultiPolygon GeoJSON en longitud/latitud",
			               "invalid geometry: expected a GeoJSON Polygon or "
			               "MultiPolygon in longitude/latitude");
		box_merge(b, &geo[i]->box);
	}
	if (!b->any)
		return OB_DIAG(d, OB_EINVAL, "territory_geometry", 0, 0, NULL, 0,
		               "ninguna unidad tiene geometría", "no unit has geometry");
	return OB_OK;
}

static void svg_open(FILE *out, double w, double h, const char *title, const char *desc)
{
	fprintf(out,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	        "xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\"%.0f\" "
	        "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"%s\">\n<title>",
	        w, h, w, h, CHART_FONTS);
	chart_escs(out, title ? title : "");
	fputs("</title>\n", out);
	if (desc) {
		fputs("<desc>", out);
		chart_escs(out, desc);
		fputs("</desc>\n", out);
	}
}

/* One unit: <a> (when it has a link) around its <path> and <title>. */
static void unit_path(FILE *out, const struct ob_choro_unit *u, const struct geo_entry *g,
                      const struct ob_svg_proj *p, const char *fill, const char *tip)
{
	if (u->href) {
		fputs("<a href=\"", out);
		chart_escs(out, u->href);
		fputs("\" xlink:href=\"", out);
		chart_escs(out, u->href);
		fputs("\">", out);
	}
	fputs("<path fill=\"", out);
	chart_escs(out, fill);
	fputs("\" d=\"", out);
	geo_path(out, g, p);
	fputs("\"><title>", out);
	chart_escs(out, tip);
	fputs("</title></path>", out);
	if (u->href)
		fputs("</a>", out);
	fputc('\n', out);
}

/* The hatching of no data, as pattern <prefix>-nodata. */
static void nodata_pattern(FILE *out, const char *prefix)
{
	fprintf(out,
	        "<defs><pattern id=\"%s-nodata\" width=\"6\" height=\"6\" "
	        "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	        "<rect width=\"6\" height=\"6\" fill=\"%s\"/>"
	        "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"%s\" stroke-width=\"1.5\"/>"
	        "</pattern></defs>\n",
	        prefix, NODATA_FILL, NODATA_HATCH);
}

/* "a – b" of class c's bounds. */
static void class_bounds(const struct ob_choro_classes *cl, size_t c, int decimals,
                         enum ob_lang lang, char *out, size_t size)
{
	char a[OB_CHART_NUM_MAX], b[OB_CHART_NUM_MAX];

	ob_chart_fmt(cl->brks[c - 1], decimals, lang, a, sizeof(a));
	ob_chart_fmt(cl->brks[c], decimals, lang, b, sizeof(b));
	if (!strcmp(a, b))
		snprintf(out, size, "%s", a);
	else
		snprintf(out, size, "%s – %s", a, b);
}

/* The digits after the point of a legend's bounds (and the values beside
 * them): at least decimals, more while a non-zero bound would show fewer
 * than two significant digits (0.03 as "0,030", never "0,0" or "0"). */
static int legend_decimals(const struct ob_choro_classes *cl, int decimals)
{
	int dec = decimals < 0 ? 0 : decimals;

	for (size_t c = 0; c <= cl->k; c++) {
		double x = fabs(cl->brks[c]);
		while (isfinite(x) && x > 0 && dec < OB_CHOROPLETH_DECIMALS_MAX &&
		       x < pow(10, 1 - dec))
			dec++;
	}
	return dec;
}

static const char *method_name(enum ob_choro_method m, enum ob_lang lang)
{
	switch (m) {
	case OB_CHORO_QUANTILE: return chart_tr(lang, "cuantiles", "quantiles");
	case OB_CHORO_JENKS: return chart_tr(lang, "cortes naturales (Jenks)", "natural breaks (Jenks)");
	case OB_CHORO_EQUAL: return chart_tr(lang, "intervalos iguales", "equal intervals");
	}
	return "";
}

ob_err ob_choro_write(FILE *out, const struct ob_choro_map *m, const struct ob_choro_unit *u,
                      size_t n, const struct ob_choro_classes *cl, const size_t *cls,
                      struct ob_diag *d)
{
	struct ob_chart_frame f = { 0 };
	struct chart_frame_layout fl;
	struct chart_lines note;
	struct ob_svg_bbox b = { 0 };
	struct ob_svg_proj p;
	struct geo_entry **geo = ob_calloc(n ? n : 1, sizeof(*geo));
	char prefix[32], title[3 * OB_MAX_NAME + 8], legend[OB_MAX_NAME];
	double w = m->width >= 240 ? m->width : 240, mapw, maph, h, y, legend_h;
	enum ob_lang L = m->lang;
	size_t rows;
	int dec = legend_decimals(cl, m->decimals);
	ob_err e;

	if ((e = load_all(u, n, geo, &b, d)))
		goto free_geo;
	id_prefix(m->id, prefix, sizeof(prefix));
	snprintf(title, sizeof(title), "%s%s%s%s%s", m->indicator ? m->indicator : "",
	         m->territory ? ", " : "", m->territory ? m->territory : "",
	         m->period ? ", " : "", m->period ? m->period : "");
	f.width = w;
	f.lang = L;
	f.title = title;
	f.subtitle = m->subtitle;
	f.source = m->source;
	f.date = m->date;
	chart_frame_init(&fl, &f, NULL, 0, 0);
	chart_wrap(&note, m->note, CHART_FS_SOURCE, w - 2 * CHART_MARGIN);
	ob_svg_proj_fit(&p, &b, w - 2 * CHART_MARGIN, w, CHART_MARGIN, fl.head_h + 4, &mapw,
	                &maph);
	/* centre the map */
	p.x0 = (w - mapw) / 2;
	rows = cl->k + (cl->count[0] ? 1 : 0);
	legend_h = CHART_LINE(CHART_FS_LABEL) + 4 + (double)rows * LEGEND_ROW;
	h = fl.head_h + 4 + maph + 12 + legend_h +
	    (note.n ? (double)note.n * CHART_LINE(CHART_FS_SOURCE) + 6 : 0) + fl.foot_h;
	svg_open(out, w, h, title, m->subtitle);
	nodata_pattern(out, prefix);
	chart_frame_draw(out, &fl, h);
	fprintf(out, "<g stroke=\"%s\" stroke-width=\"0.5\" fill-rule=\"evenodd\">\n", OUTLINE);
	for (size_t i = 0; i < n; i++) {
		char fill[48], tip[2 * OB_MAX_NAME + 128], val[OB_CHART_NUM_MAX], bounds[128];
		size_t c = cls[i] <= cl->k ? cls[i] : 0;
		size_t o;
		if (!geo[i])
			continue;
		if (c)
			ob_choro_color(c, cl->k, fill);
		else
			snprintf(fill, sizeof(fill), "url(#%s-nodata)", prefix);
		o = (size_t)snprintf(tip, sizeof(tip), "%s (%s): ", u[i].name ? u[i].name : u[i].code,
		                     u[i].code);
		if (o >= sizeof(tip))
			o = sizeof(tip) - 1;
		if (c && m->class_names) {
			snprintf(tip + o, sizeof(tip) - o, "%s", m->class_names[c - 1]);
		} else if (c) {
			ob_chart_fmt(u[i].value, dec, L, val, sizeof(val));
			class_bounds(cl, c, dec, L, bounds, sizeof(bounds));
			snprintf(tip + o, sizeof(tip) - o, "%s · %s %zu (%s)", val,
			         chart_tr(L, "clase", "class"), c, bounds);
		} else {
			snprintf(tip + o, sizeof(tip) - o, "%s",
			         u[i].suppressed ? chart_tr(L, "suprimido", "suppressed")
			                         : chart_tr(L, "sin datos", "no data"));
		}
		unit_path(out, &u[i], geo[i], &p, fill, tip);
	}
	fputs("</g>\n", out);
	/* the legend under the map, lowest class first */
	y = fl.head_h + 4 + maph + 12;
	if (m->legend)
		snprintf(legend, sizeof(legend), "%s", m->legend);
	else
		snprintf(legend, sizeof(legend), "%s (%s)", chart_tr(L, "Clases", "Classes"),
		         method_name(cl->method, L));
	y += CHART_LINE(CHART_FS_LABEL);
	chart_text(out, CHART_MARGIN, y - 3, CHART_FS_LABEL, "start", "font-weight=\"bold\"",
	           legend, w - 2 * CHART_MARGIN);
	y += 4;
	for (size_t c = 1; c <= cl->k + (cl->count[0] ? 1 : 0); c++) {
		char fill[48], label[160], bounds[128];
		bool nodata = c > cl->k;
		if (nodata) {
			snprintf(fill, sizeof(fill), "url(#%s-nodata)", prefix);
			snprintf(label, sizeof(label), "%s (%zu)",
			         chart_tr(L, "Sin datos o suprimido", "No data or suppressed"),
			         cl->count[0]);
		} else {
			ob_choro_color(c, cl->k, fill);
			if (m->class_names)
				snprintf(bounds, sizeof(bounds), "%s", m->class_names[c - 1]);
			else
				class_bounds(cl, c, dec, L, bounds, sizeof(bounds));
			snprintf(label, sizeof(label), "%s (%zu)", bounds, cl->count[c]);
		}
		fprintf(out,
		        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" fill=\"%s\" "
		        "stroke=\"%s\" stroke-width=\"0.5\"/>\n",
		        CHART_MARGIN, y, SWATCH_W, SWATCH_H, fill, OUTLINE);
		chart_text(out, CHART_MARGIN + SWATCH_W + 8, y + SWATCH_H - 2.5, CHART_FS_LABEL,
		           "start", nodata ? "class=\"nodata\"" : "class=\"class\"", label,
		           w - 3 * CHART_MARGIN - SWATCH_W);
		y += LEGEND_ROW;
	}
	if (note.n)
		chart_lines_draw(out, &note, CHART_MARGIN, y + 4, "fill=\"" CHART_MUTED "\"");
	chart_frame_release(&fl);
	e = chart_svg_end(out, d);
free_geo:
	for (size_t i = 0; i < n; i++)
		geo_put(geo[i]);
	free(geo);
	return e;
}

ob_err ob_choro_locator(FILE *out, const struct ob_choro_unit *u, size_t n, const bool *focus,
                        const char *title, double width, struct ob_diag *d)
{
	struct ob_svg_bbox b = { 0 };
	struct ob_svg_proj p;
	struct geo_entry **geo = ob_calloc(n ? n : 1, sizeof(*geo));
	double w = width >= 80 ? width : 80, mapw, maph;
	ob_err e;

	if ((e = load_all(u, n, geo, &b, d)))
		goto free_geo;
	ob_svg_proj_fit(&p, &b, w - 8, w, 4, 4, &mapw, &maph);
	p.x0 = (w - mapw) / 2;
	svg_open(out, w, maph + 8, title, NULL);
	fprintf(out, "<g stroke=\"%s\" stroke-width=\"0.5\" fill-rule=\"evenodd\">\n", OUTLINE);
	/* the focus last, so that its outline is on top */
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			char fill[8];
			if (!geo[i] || focus[i] != (pass == 1))
				continue;
			if (focus[i])
				ob_choro_color(5, 5, fill);
			else
				snprintf(fill, sizeof(fill), "%s", "#e0e0e0");
			unit_path(out, &u[i], geo[i], &p, fill,
			          u[i].name ? u[i].name : u[i].code ? u[i].code : "");
		}
	fputs("</g>\n", out);
	e = chart_svg_end(out, d);
free_geo:
	for (size_t i = 0; i < n; i++)
		geo_put(geo[i]);
	free(geo);
	return e;
}
