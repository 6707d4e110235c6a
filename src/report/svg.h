/*
 * svg.h - a small SVG writer and choropleth maps of territorial units.
 *
 * The writer prints SVG 1.1 text to a stdio stream; every text and
 * attribute value goes through ob_svg_escape() (& < > " ' as entities), so
 * names from the catalogue cannot break the document.
 *
 * Maps: each unit's geometry is a GeoJSON Polygon or MultiPolygon in
 * longitude/latitude (WGS 84), as stored in the catalogue. The projection
 * is equirectangular with the longitude scaled by cos(lat0), lat0 the
 * middle latitude of the units drawn:
 *     x = (lon - lon_min) cos(lat0) s + margin
 *     y = (lat_max - lat) s + top
 * with one scale s for both axes, chosen so that the map fills the drawing
 * width (or height). At the latitudes of Central America (7-18 degrees N)
 * and for areas the size of a country the shapes and relative areas stay
 * close to those of an equal-area projection (cos varies by under 5% within
 * a country). Rings are drawn with the even-odd rule, so holes stay holes.
 * Every unit is a <path> with a <title> (code, name, class) for tooltips;
 * the legend lists the class names with their colours and unit counts.
 *
 * Colours: a sequential yellow-orange-red ramp (light = class 1, dark =
 * the highest class), interpolated for any number of classes; units
 * without a class (no data) are drawn grey, with their own legend entry
 * "Sin datos / no data (N)".
 */
#ifndef OB_REPORT_SVG_H
#define OB_REPORT_SVG_H

#include "base/common.h"
#include "base/lang.h"

/* Write s[0..n) with XML's five special characters as entities. */
void ob_svg_escape(FILE *out, const char *s, size_t n);

void ob_svg_begin(FILE *out, double width, double height, const char *title);
void ob_svg_end(FILE *out);
void ob_svg_rect(FILE *out, double x, double y, double w, double h, const char *fill,
                 const char *stroke);
/* anchor: "start", "middle" or "end". */
void ob_svg_text(FILE *out, double x, double y, double size, const char *anchor,
                 const char *text);

/* Colour "#rrggbb" of class cls (1..k) of k into out[8]. */
void ob_svg_class_color(size_t cls, size_t k, char out[8]);

/* ---- geometry and projection, shared with report/choropleth.c ---- */

/* A longitude/latitude box; any is false until a position is added. */
struct ob_svg_bbox {
	double lon0, lon1, lat0, lat1;
	bool any;
};

/* The projection above: x = (lon - lon0) k s + x0, y = (lat1 - lat) s + y0. */
struct ob_svg_proj {
	double lon0, lat1, k, s, x0, y0;
};

/* GeoJSON geometry text parsed (a jansson json_t, to give back with
 * json_decref) and checked as a Polygon or MultiPolygon in longitude and
 * latitude, its positions added to b (optional); NULL when it is not. */
struct json_t;
struct json_t *ob_svg_geom_load(const char *geojson, struct ob_svg_bbox *b);

/* The projection of box b into at most width x max_height from (x0, y0)
 * (one scale, the width filled unless the height would pass max_height);
 * *mapw and *maph receive the size drawn. */
void ob_svg_proj_fit(struct ob_svg_proj *p, const struct ob_svg_bbox *b, double width,
                     double max_height, double x0, double y0, double *mapw, double *maph);

/* The path data ("M.. L.. Z") of geometry g, loaded by ob_svg_geom_load. */
void ob_svg_geom_path(FILE *out, struct json_t *g, const struct ob_svg_proj *p);

struct ob_map_unit {
	const char *code;
	const char *name;    /* may be NULL */
	const char *geojson; /* a GeoJSON geometry object (Polygon, MultiPolygon) */
	size_t cls;          /* 1..nclasses; 0 for none */
};

/*
 * Draw units[0..n) as a choropleth with a title and a legend of the
 * nclasses class names, the words of the drawing in lang. OB_EINVAL (with d naming the unit) for geometry
 * that is not valid GeoJSON of those types or has coordinates outside
 * longitude -180..180, latitude -90..90; OB_EINVAL when no unit has
 * geometry.
 */
ob_err ob_svg_choropleth(FILE *out, const char *title, const struct ob_map_unit *units,
                         size_t n, const char *const *class_names, size_t nclasses,
                         enum ob_lang lang, struct ob_diag *d);

/* The same with the legend's heading (NULL: "Nivel de prioridad" or
 * "Priority level") and a
 * note (NULL: none) under the map, in lines of at most 110 characters cut
 * at blanks (16 lines at most): what the values rest on, such as
 * populations that are an equal split. */
ob_err ob_svg_choropleth_note(FILE *out, const char *title, const struct ob_map_unit *units,
                              size_t n, const char *const *class_names, size_t nclasses,
                              const char *legend, const char *note, enum ob_lang lang,
                              struct ob_diag *d);

#endif
