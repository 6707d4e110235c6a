/*
 * choropleth.h - choropleth maps of territorial units as SVG, shared by the
 * portal's pages and the bulletins: the classification of the units'
 * values (quantiles, natural breaks, equal intervals) and the drawing, with
 * its title, legend, no-data class, note, source and date.
 *
 * Classification (ob_choro_classify) rests on src/stats/breaks.h over the
 * values that are finite (NaN: no data, and a withheld value is passed as
 * NaN by the caller): quantiles are R's type 7 (closure left), natural
 * breaks the exact optimal partition with classInt's jenks convention (the
 * breaks are data values, closure right), equal intervals min + i (max -
 * min) / k (closure left). Breaks that repeat (ties under quantiles, one
 * value under equal intervals) are merged, so that no class is an empty
 * one of width zero; natural breaks ask for at most as many classes as
 * there are distinct values (their first class may be one value, [b0, b0]). Every unit's class is 1..k, or 0 for no data; k is 0
 * when no unit has a value. count[] sums to the number of units.
 *
 * Drawing (ob_choro_write): one self-contained <svg> (no style sheet, no
 * script, no external font) in the caller's language, never the process's.
 * The projection is src/report/svg.h's. Colours are ColorBrewer's YlGnBu,
 * a sequential ramp that stays readable for the common colour-vision
 * deficiencies, interpolated for any number of classes; no data is light
 * grey with diagonal hatching and its own legend entry, never a class.
 * Each unit is a <path> with a <title> (name, code, value or "no data" /
 * "suppressed", class), inside an <a> to the unit's href when given. The
 * legend lists each class's bounds and number of units, the highest class
 * last. Every text goes through the escaping of chart_int.h, so names from
 * the catalogue cannot break the document.
 *
 * Ownership: nothing here keeps a pointer after it returns; the caller owns
 * every string and array it passes.
 */
#ifndef OB_REPORT_CHOROPLETH_H
#define OB_REPORT_CHOROPLETH_H

#include "base/common.h"
#include "base/lang.h"
#include "stats/breaks.h"

enum ob_choro_method {
	OB_CHORO_QUANTILE,
	OB_CHORO_JENKS,
	OB_CHORO_EQUAL,
};

/* The classes of one map. */
struct ob_choro_classes {
	enum ob_choro_method method;
	size_t k;                          /* classes (0: no unit has a value) */
	double brks[OB_MAX_CLASSES + 1];   /* k + 1 increasing breaks */
	enum ob_closure closure;
	size_t count[OB_MAX_CLASSES + 1];  /* units of class c (1..k); [0]: no data */
};

/*
 * Classify v[0..n) (NaN or infinite: no data) into at most k classes
 * (1 <= k <= OB_MAX_CLASSES) by method; cls (optional, n elements)
 * receives each unit's class, 0 for no data. OB_EINVAL for k out of
 * range or an unknown method, OB_ETOOBIG for more values than
 * src/stats/breaks.h classifies.
 */
ob_err ob_choro_classify(const double *v, size_t n, enum ob_choro_method method, size_t k,
                         struct ob_choro_classes *out, size_t *cls);

/* Classes that are k ordered categories given per unit (cls[i] in 1..k,
 * 0 or more than k: none), such as priority levels: out's counts (a class
 * beyond k counts as none), no breaks (draw them with class_names). */
void ob_choro_categories(const size_t *cls, size_t n, size_t k, struct ob_choro_classes *out);

/* The colour "#rrggbb" of class c (1..k) of k into out[8]; the no-data
 * grey for class 0. */
void ob_choro_color(size_t c, size_t k, char out[8]);

/* One unit on a map. */
struct ob_choro_unit {
	const char *code;
	const char *name;     /* NULL: the code */
	const char *geojson;  /* Polygon or MultiPolygon in lon/lat; NULL: not drawn */
	const char *href;     /* NULL: no link */
	double value;         /* NaN: no data */
	bool suppressed;      /* withheld by disclosure control (value not shown) */
};

/* What the map says besides its units. */
struct ob_choro_map {
	enum ob_lang lang;
	const char *id;        /* prefix of the drawing's ids, unique in the page
	                        * ([A-Za-z0-9_-]; NULL: "map") */
	const char *indicator; /* the title: "indicator, territory, period" */
	const char *territory;
	const char *period;
	const char *subtitle;  /* NULL: none (the unit, "smoothed"...) */
	const char *note;      /* under the map; NULL: none */
	const char *source;    /* "Fuente: ..." line; NULL: none */
	const char *date;      /* the data's date; NULL: none */
	double width;          /* of the viewBox, >= 240 */
	int decimals;          /* of the values in tooltips and the legend */
	const char *const *class_names; /* cl->k names of ordered categories
	                        * (priority levels) written instead of the
	                        * bounds; NULL: the bounds */
	const char *legend;    /* the legend's heading; NULL: "Classes (method)" */
};

/*
 * Draw units[0..n) classified by cl (cls[i] is unit i's class, from
 * ob_choro_classify over the same units). OB_EINVAL (with d naming the
 * unit) for geometry that is not a Polygon or MultiPolygon in longitude
 * and latitude, or when no unit has geometry; OB_EIO after a write error.
 */
ob_err ob_choro_write(FILE *out, const struct ob_choro_map *m, const struct ob_choro_unit *u,
                      size_t n, const struct ob_choro_classes *cl, const size_t *cls,
                      struct ob_diag *d);

/*
 * A locator map: units[0..n) (a parent's units) in light grey, those with
 * focus[i] set in the darkest colour, drawn last, with title (escaped) as
 * its accessible name. Links and errors as ob_choro_write.
 */
ob_err ob_choro_locator(FILE *out, const struct ob_choro_unit *u, size_t n, const bool *focus,
                        const char *title, double width, struct ob_diag *d);

#endif
