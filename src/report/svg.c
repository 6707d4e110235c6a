/* svg.c - SVG writing and choropleth maps in an equirectangular projection. */
#include "report/svg.h"

#include <jansson.h>
#include <math.h>

#define MAP_WIDTH 800.0
#define MAP_MAX_HEIGHT 700.0
#define MARGIN 16.0
#define TITLE_HEIGHT 40.0
#define LEGEND_WIDTH 190.0

void ob_svg_escape(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		default:
			/* control characters are not allowed in XML 1.0 */
			if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n')
				fputc(' ', out);
			else
				fputc(s[i], out);
		}
	}
}

static void esc(FILE *out, const char *s)
{
	ob_svg_escape(out, s, strlen(s));
}

void ob_svg_begin(FILE *out, double width, double height, const char *title)
{
	fprintf(out,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
	        "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n",
	        width, height, width, height);
	if (title) {
		fputs("<title>", out);
		esc(out, title);
		fputs("</title>\n", out);
	}
}

void ob_svg_end(FILE *out)
{
	fputs("</svg>\n", out);
}

void ob_svg_rect(FILE *out, double x, double y, double w, double h, const char *fill,
                 const char *stroke)
{
	fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"", x, y,
	        w, h);
	esc(out, fill);
	fputs("\"", out);
	if (stroke) {
		fputs(" stroke=\"", out);
		esc(out, stroke);
		fputs("\"", out);
	}
	fputs("/>\n", out);
}

void ob_svg_text(FILE *out, double x, double y, double size, const char *anchor,
                 const char *text)
{
	fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.1f\" text-anchor=\"", x, y, size);
	esc(out, anchor);
	fputs("\">", out);
	esc(out, text);
	fputs("</text>\n", out);
}

void ob_svg_class_color(size_t cls, size_t k, char out[8])
{
	/* yellow-orange-red anchors, light to dark */
	static const double ramp[5][3] = { { 255, 255, 178 },
		                           { 254, 204, 92 },
		                           { 253, 141, 60 },
		                           { 240, 59, 32 },
		                           { 189, 0, 38 } };
	double t, pos, f;
	size_t i;
	int rgb[3];

	if (cls < 1 || cls > k) {
		snprintf(out, 8, "#cccccc");
		return;
	}
	t = k > 1 ? (double)(cls - 1) / (double)(k - 1) : 1;
	pos = t * 4;
	i = (size_t)floor(pos);
	if (i >= 4)
		i = 3;
	f = pos - (double)i;
	for (int c = 0; c < 3; c++)
		rgb[c] = (int)lround(ramp[i][c] + f * (ramp[i + 1][c] - ramp[i][c]));
	snprintf(out, 8, "#%02x%02x%02x", rgb[0] & 0xff, rgb[1] & 0xff, rgb[2] & 0xff);
}


/* Visit every position of a Polygon/MultiPolygon; fn returns false to stop. */
typedef void (*pos_fn)(void *ctx, double lon, double lat, bool ring_start, bool ring_end);

static bool is_position(json_t *p, double *lon, double *lat)
{
	if (!json_is_array(p) || json_array_size(p) < 2 || !json_is_number(json_array_get(p, 0)) ||
	    !json_is_number(json_array_get(p, 1)))
		return false;
	*lon = json_number_value(json_array_get(p, 0));
	*lat = json_number_value(json_array_get(p, 1));
	return isfinite(*lon) && isfinite(*lat) && *lon >= -180 && *lon <= 180 && *lat >= -90 &&
	       *lat <= 90;
}

static bool walk_polygon(json_t *poly, pos_fn fn, void *ctx)
{
	size_t r;
	json_t *ring;

	if (!json_is_array(poly))
		return false;
	json_array_foreach(poly, r, ring) {
		size_t i, n;
		json_t *p;
		if (!json_is_array(ring) || (n = json_array_size(ring)) < 3)
			return false;
		json_array_foreach(ring, i, p) {
			double lon, lat;
			if (!is_position(p, &lon, &lat))
				return false;
			if (fn)
				fn(ctx, lon, lat, i == 0, i + 1 == n);
		}
	}
	return true;
}

static bool walk(json_t *geom, pos_fn fn, void *ctx)
{
	const char *type;
	json_t *coords;

	if (!json_is_object(geom))
		return false;
	type = json_string_value(json_object_get(geom, "type"));
	coords = json_object_get(geom, "coordinates");
	if (!type || !json_is_array(coords))
		return false;
	if (!strcmp(type, "Polygon"))
		return walk_polygon(coords, fn, ctx);
	if (!strcmp(type, "MultiPolygon")) {
		size_t i;
		json_t *poly;
		json_array_foreach(coords, i, poly)
			if (!walk_polygon(poly, fn, ctx))
				return false;
		return true;
	}
	return false;
}

static void grow_box(void *ctx, double lon, double lat, bool rs, bool re)
{
	struct ob_svg_bbox *b = ctx;
	(void)rs;
	(void)re;
	if (!b->any) {
		b->lon0 = b->lon1 = lon;
		b->lat0 = b->lat1 = lat;
		b->any = true;
		return;
	}
	b->lon0 = lon < b->lon0 ? lon : b->lon0;
	b->lon1 = lon > b->lon1 ? lon : b->lon1;
	b->lat0 = lat < b->lat0 ? lat : b->lat0;
	b->lat1 = lat > b->lat1 ? lat : b->lat1;
}

struct proj {
	FILE *out;
	const struct ob_svg_proj *p;
};

static void emit(void *ctx, double lon, double lat, bool ring_start, bool ring_end)
{
	const struct proj *e = ctx;
	const struct ob_svg_proj *p = e->p;
	double x = (lon - p->lon0) * p->k * p->s + p->x0, y = (p->lat1 - lat) * p->s + p->y0;

	fprintf(e->out, "%s%.2f %.2f%s", ring_start ? "M" : "L", x, y, ring_end ? "Z" : "");
}

struct json_t *ob_svg_geom_load(const char *geojson, struct ob_svg_bbox *b)
{
	struct ob_svg_bbox tmp = { 0 };
	json_error_t jerr;
	json_t *g;

	if (!geojson || !(g = json_loads(geojson, 0, &jerr)))
		return NULL;
	if (!walk(g, grow_box, b ? b : &tmp)) {
		json_decref(g);
		return NULL;
	}
	return g;
}

void ob_svg_proj_fit(struct ob_svg_proj *p, const struct ob_svg_bbox *b, double width,
                     double max_height, double x0, double y0, double *mapw, double *maph)
{
	double w, h;

	p->lon0 = b->lon0;
	p->lat1 = b->lat1;
	p->k = cos((b->lat0 + b->lat1) / 2 * M_PI / 180);
	w = (b->lon1 - b->lon0) * p->k;
	h = b->lat1 - b->lat0;
	if (!(w > 0))
		w = 1e-6;
	if (!(h > 0))
		h = 1e-6;
	p->s = width / w;
	if (h * p->s > max_height)
		p->s = max_height / h;
	p->x0 = x0;
	p->y0 = y0;
	*mapw = w * p->s;
	*maph = h * p->s;
}

void ob_svg_geom_path(FILE *out, struct json_t *g, const struct ob_svg_proj *p)
{
	struct proj e = { out, p };

	walk(g, emit, &e);
}

ob_err ob_svg_choropleth(FILE *out, const char *title, const struct ob_map_unit *units,
                         size_t n, const char *const *class_names, size_t nclasses,
                         enum ob_lang lang, struct ob_diag *d)
{
	return ob_svg_choropleth_note(out, title, units, n, class_names, nclasses, NULL, NULL, lang,
	                              d);
}

/* Characters of a note line. */
#define NOTE_CHARS 110
#define NOTE_LINE 16.0

/* Lines the note takes, cut at blanks into NOTE_CHARS characters. */
static size_t note_lines(const char *note, size_t *starts, size_t *lens, size_t max)
{
	size_t n = 0, i = 0, len = note ? strlen(note) : 0;

	while (i < len && n < max) {
		size_t chars = 0, j = i, cut = 0;
		while (j < len && chars < NOTE_CHARS) {
			if (note[j] == ' ')
				cut = j;
			j++;
			while (j < len && ((unsigned char)note[j] & 0xC0) == 0x80)
				j++;
			chars++;
		}
		if (j < len && cut > i)
			j = cut;
		starts[n] = i;
		lens[n++] = j - i;
		i = j;
		while (i < len && note[i] == ' ')
			i++;
	}
	return n;
}

ob_err ob_svg_choropleth_note(FILE *out, const char *title, const struct ob_map_unit *units,
                              size_t n, const char *const *class_names, size_t nclasses,
                              const char *legend, const char *note, enum ob_lang lang,
                              struct ob_diag *d)
{
	size_t ls[16], ll[16], nl = note_lines(note, ls, ll, OB_ARRAY_SIZE(ls));
	struct ob_svg_bbox b = { 0 };
	json_t **geo = ob_calloc(n ? n : 1, sizeof(*geo));
	size_t *count = ob_calloc(nclasses + 1, sizeof(*count));
	struct ob_svg_proj p;
	double mapw, maph, height;
	ob_err e = OB_OK;

	for (size_t i = 0; i < n; i++) {
		if (!units[i].geojson)
			continue;
		if (!(geo[i] = ob_svg_geom_load(units[i].geojson, &b))) {
			e = OB_DIAG(d, OB_EINVAL, "territory_geometry", 0, 0, units[i].code,
			            strlen(units[i].code),
			            "geometría no válida: se esperaba un Polygon o "
			            "MultiPolygon GeoJSON en longitud/latitud",
			            "invalid geometry: expected a GeoJSON Polygon or "
			            "MultiPolygon in longitude/latitude");
			goto out;
		}
		count[units[i].cls <= nclasses ? units[i].cls : 0]++;
	}
	if (!b.any) {
		e = OB_DIAG(d, OB_EINVAL, "territory_geometry", 0, 0, NULL, 0,
		            "ninguna unidad tiene geometría", "no unit has geometry");
		goto out;
	}
	ob_svg_proj_fit(&p, &b, MAP_WIDTH, MAP_MAX_HEIGHT, MARGIN, TITLE_HEIGHT, &mapw, &maph);
	height = TITLE_HEIGHT + (maph > 30.0 * (double)(nclasses + 2) ? maph
	                                                              : 30.0 * (double)(nclasses + 2)) +
	         MARGIN + (nl ? MARGIN + NOTE_LINE * (double)nl : 0);
	ob_svg_begin(out, MARGIN + mapw + MARGIN + LEGEND_WIDTH, height, title);
	ob_svg_rect(out, 0, 0, MARGIN + mapw + MARGIN + LEGEND_WIDTH, height, "#ffffff", NULL);
	if (title)
		ob_svg_text(out, MARGIN, 26, 16, "start", title);
	fputs("<g stroke=\"#555555\" stroke-width=\"0.4\" fill-rule=\"evenodd\">\n", out);
	for (size_t i = 0; i < n; i++) {
		char col[8];
		if (!geo[i])
			continue;
		ob_svg_class_color(units[i].cls, nclasses, col);
		fprintf(out, "<path fill=\"%s\" d=\"", col);
		ob_svg_geom_path(out, geo[i], &p);
		fputs("\"><title>", out);
		esc(out, units[i].code);
		if (units[i].name) {
			fputs(" ", out);
			esc(out, units[i].name);
		}
		if (units[i].cls >= 1 && units[i].cls <= nclasses) {
			fputs(": ", out);
			esc(out, class_names[units[i].cls - 1]);
		} else {
			fputs(lang == OB_LANG_EN ? ": no data" : ": sin datos", out);
		}
		fputs("</title></path>\n", out);
	}
	fputs("</g>\n", out);
	/* legend, highest class first */
	{
		double x = MARGIN + mapw + MARGIN, y = TITLE_HEIGHT;
		ob_svg_text(out, x, y + 12, 13, "start",
		            legend ? legend
		                   : lang == OB_LANG_EN ? "Priority level" : "Nivel de prioridad");
		y += 24;
		for (size_t c = nclasses; c >= 1; c--) {
			char col[8], label[OB_MAX_NAME + 32];
			ob_svg_class_color(c, nclasses, col);
			ob_svg_rect(out, x, y, 18, 14, col, "#555555");
			snprintf(label, sizeof(label), "%s (%zu)", class_names[c - 1], count[c]);
			ob_svg_text(out, x + 24, y + 11.5, 12, "start", label);
			y += 22;
		}
		if (count[0]) {
			char label[64];
			ob_svg_rect(out, x, y, 18, 14, "#cccccc", "#555555");
			if (lang == OB_LANG_EN)
				snprintf(label, sizeof(label), "No data (%zu)", count[0]);
			else
				snprintf(label, sizeof(label), "Sin datos (%zu)", count[0]);
			ob_svg_text(out, x + 24, y + 11.5, 12, "start", label);
		}
	}
	/* the note, under the map */
	for (size_t i = 0; i < nl; i++) {
		double y = height - MARGIN - NOTE_LINE * (double)(nl - 1 - i);
		fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\" text-anchor=\"start\">",
		        MARGIN, y);
		ob_svg_escape(out, note + ls[i], ll[i]);
		fputs("</text>\n", out);
	}
	ob_svg_end(out);
out:
	for (size_t i = 0; i < n; i++)
		json_decref(geo[i]);
	free(geo);
	free(count);
	return e;
}
