/* geom.c - polygons of the catalogue checked, repaired and written for GIS tools (see geom.h). */
#include "catalog/geom.h"

#include <math.h>

struct pt {
	double x, y;
};

/* ---- checks ---- */

/* >0: c left of a->b, <0: right, 0: on the line. */
static double orient(struct pt a, struct pt b, struct pt c)
{
	return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}

static int sign(double v)
{
	return (v > 0) - (v < 0);
}

/* c, on the line a-b, lies within the segment's box. */
static bool on_segment(struct pt a, struct pt b, struct pt c)
{
	return fmin(a.x, b.x) <= c.x && c.x <= fmax(a.x, b.x) && fmin(a.y, b.y) <= c.y &&
	       c.y <= fmax(a.y, b.y);
}

/* Segments a-b and c-d cross or touch. */
static bool segments_meet(struct pt a, struct pt b, struct pt c, struct pt d)
{
	int o1 = sign(orient(a, b, c)), o2 = sign(orient(a, b, d));
	int o3 = sign(orient(c, d, a)), o4 = sign(orient(c, d, b));

	if (o1 != o2 && o3 != o4)
		return true;
	return (!o1 && on_segment(a, b, c)) || (!o2 && on_segment(a, b, d)) ||
	       (!o3 && on_segment(c, d, a)) || (!o4 && on_segment(c, d, b));
}

struct seg {
	double minx, maxx;
	size_t i;
};

static int cmp_seg(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return (x->minx > y->minx) - (x->minx < y->minx);
}

/* Whether closed ring p[0..n-1] (p[n-1] = p[0]) crosses or touches itself
 * anywhere but where consecutive segments join; *at gets the place. A
 * sweep over the segments ordered by their left end. */
static bool ring_crosses(const struct pt *p, size_t n, double at[2])
{
	size_t m = n - 1;
	struct seg *s = ob_malloc((m + 1) * sizeof(*s));
	bool hit = false;

	for (size_t i = 0; i < m; i++)
		s[i] = (struct seg){ fmin(p[i].x, p[i + 1].x), fmax(p[i].x, p[i + 1].x), i };
	qsort(s, m, sizeof(*s), cmp_seg);
	for (size_t a = 0; a < m && !hit; a++)
		for (size_t b = a + 1; b < m && s[b].minx <= s[a].maxx && !hit; b++) {
			size_t i = s[a].i < s[b].i ? s[a].i : s[b].i;
			size_t j = s[a].i < s[b].i ? s[b].i : s[a].i;
			if (j == i + 1 || (i == 0 && j == m - 1)) {
				/* neighbours share a point; they must not fold back */
				struct pt q = j == i + 1 ? p[i] : p[1], r = j == i + 1 ? p[j + 1] : p[m - 1];
				struct pt mid = j == i + 1 ? p[j] : p[0];
				if (!sign(orient(q, mid, r)) &&
				    (q.x - mid.x) * (r.x - mid.x) + (q.y - mid.y) * (r.y - mid.y) > 0) {
					hit = true;
					at[0] = mid.x;
					at[1] = mid.y;
				}
				continue;
			}
			if (segments_meet(p[i], p[i + 1], p[j], p[j + 1])) {
				hit = true;
				at[0] = p[j].x;
				at[1] = p[j].y;
			}
		}
	free(s);
	return hit;
}

static bool point_of(const json_t *c, struct pt *p)
{
	const json_t *x = json_array_get(c, 0), *y = json_array_get(c, 1);

	if (!json_is_number(x) || !json_is_number(y))
		return false;
	p->x = json_number_value(x);
	p->y = json_number_value(y);
	return true;
}

/* Repair and check one ring (a JSON array of positions). */
static bool ring_check(json_t *ring, struct ob_geom_report *rep)
{
	size_t n = json_array_size(ring), k = 0;
	struct pt *p, first, last;
	bool ok = true;

	if (!json_is_array(ring))
		return false;
	p = ob_malloc((n + 2) * sizeof(*p));
	/* drop a point repeated in a row */
	for (size_t i = 0; i < json_array_size(ring);) {
		struct pt q;
		if (!point_of(json_array_get(ring, i), &q)) {
			free(p);
			return false;
		}
		if (k && q.x == p[k - 1].x && q.y == p[k - 1].y) {
			json_array_remove(ring, i);
			rep->repeated++;
			continue;
		}
		p[k++] = q;
		i++;
	}
	/* close an open ring */
	if (k) {
		first = p[0];
		last = p[k - 1];
		if (first.x != last.x || first.y != last.y) {
			json_array_append_new(ring, json_deep_copy(json_array_get(ring, 0)));
			p[k++] = first;
			rep->closed++;
		}
	}
	if (k < 4) {
		rep->short_rings++;
		ok = false;
	} else {
		double at[2];
		if (ring_crosses(p, k, at)) {
			if (!rep->crossings++)
				memcpy(rep->at, at, sizeof(at));
			ok = false;
		}
	}
	free(p);
	return ok;
}

static bool polygon_check(json_t *rings, struct ob_geom_report *rep)
{
	size_t i;
	json_t *ring;
	bool ok = json_is_array(rings);

	json_array_foreach(rings, i, ring) ok &= ring_check(ring, rep);
	return ok;
}

bool ob_geom_check(json_t *g, struct ob_geom_report *rep)
{
	const char *type = json_string_value(json_object_get(g, "type"));
	json_t *c = json_object_get(g, "coordinates"), *poly;
	size_t i;
	bool ok = true;

	memset(rep, 0, sizeof(*rep));
	if (!type)
		return false;
	if (!strcmp(type, "Polygon"))
		return polygon_check(c, rep);
	if (!strcmp(type, "MultiPolygon"))
		json_array_foreach(c, i, poly) ok &= polygon_check(poly, rep);
	return ok;
}

/* ---- writing for the maps ---- */

static void put_coord(struct ob_buf *b, double v)
{
	char s[64];
	int n = snprintf(s, sizeof(s), "%.*f", OB_GEOM_DECIMALS, v);

	if (n <= 0 || (size_t)n >= sizeof(s))
		return;
	if (strchr(s, '.')) {
		while (n > 0 && s[n - 1] == '0')
			s[--n] = '\0';
		if (n > 0 && s[n - 1] == '.')
			s[--n] = '\0';
	}
	ob_buf_puts(b, strcmp(s, "-0") ? s : "0");
}

static void put_position(struct ob_buf *b, const json_t *c)
{
	size_t i;
	const json_t *v;

	ob_buf_putc(b, '[');
	json_array_foreach(c, i, v) {
		if (i)
			ob_buf_putc(b, ',');
		put_coord(b, json_number_value(v));
	}
	ob_buf_putc(b, ']');
}

/* Twice the signed area of a ring: >0 counter-clockwise (x = lon, y = lat). */
static double ring_area2(const json_t *ring)
{
	size_t n = json_array_size(ring);
	double a = 0;

	for (size_t i = 0; i + 1 < n; i++) {
		struct pt p, q;
		if (point_of(json_array_get(ring, i), &p) && point_of(json_array_get(ring, i + 1), &q))
			a += p.x * q.y - q.x * p.y;
	}
	return a;
}

/* A ring, reversed when its turn is not the one asked (ccw or not). */
static void put_ring(struct ob_buf *b, const json_t *ring, bool ccw)
{
	size_t n = json_array_size(ring);
	double a = ring_area2(ring);
	bool flip = ccw ? a < 0 : a > 0;

	ob_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_buf_putc(b, ',');
		put_position(b, json_array_get(ring, flip ? n - 1 - i : i));
	}
	ob_buf_putc(b, ']');
}

static void put_polygon(struct ob_buf *b, const json_t *rings)
{
	size_t i;
	const json_t *ring;

	ob_buf_putc(b, '[');
	json_array_foreach(rings, i, ring) {
		if (i)
			ob_buf_putc(b, ',');
		put_ring(b, ring, i == 0);
	}
	ob_buf_putc(b, ']');
}

/* Nested arrays of positions at any depth, rounded, order kept. */
static void put_nested(struct ob_buf *b, const json_t *c)
{
	size_t i;
	const json_t *v;

	if (!json_is_array(c) || !json_is_array(json_array_get(c, 0))) {
		if (json_is_array(c))
			put_position(b, c);
		else
			ob_buf_puts(b, "null");
		return;
	}
	ob_buf_putc(b, '[');
	json_array_foreach(c, i, v) {
		if (i)
			ob_buf_putc(b, ',');
		put_nested(b, v);
	}
	ob_buf_putc(b, ']');
}

void ob_geom_write(const json_t *g, struct ob_buf *b)
{
	const char *type = json_string_value(json_object_get(g, "type"));
	const json_t *c = json_object_get(g, "coordinates"), *poly;
	size_t i;

	if (!type || !c) {
		ob_buf_puts(b, "null");
		return;
	}
	ob_buf_puts(b, "{\"type\":");
	ob_buf_putc(b, '"');
	ob_buf_puts(b, type); /* one of the GeoJSON types (catalog load checked) */
	ob_buf_puts(b, "\",\"coordinates\":");
	if (!strcmp(type, "Polygon")) {
		put_polygon(b, c);
	} else if (!strcmp(type, "MultiPolygon")) {
		ob_buf_putc(b, '[');
		json_array_foreach(c, i, poly) {
			if (i)
				ob_buf_putc(b, ',');
			put_polygon(b, poly);
		}
		ob_buf_putc(b, ']');
	} else {
		put_nested(b, c);
	}
	ob_buf_putc(b, '}');
}
