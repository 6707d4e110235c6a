/*
 * geom.h - the polygons of the catalogue's GeoJSON: checked and repaired
 * when the catalogue loads, and written for the release's maps in the form
 * GIS tools accept (RFC 7946).
 *
 * A ring is valid (OGC simple features) when it is closed (last point =
 * first), has at least four points, repeats no point twice in a row and
 * does not cross or touch itself. ob_geom_check() repairs what can be
 * repaired without guessing (it closes an open ring and drops a point
 * repeated in a row) and reports, without changing it, a ring too short or
 * crossing itself (scripts/geometry-repair rebuilds those with GDAL).
 *
 * ob_geom_write() writes a Polygon or MultiPolygon with its outer rings
 * counter-clockwise and its holes clockwise (RFC 7946, 3.1.6) and every
 * coordinate rounded to OB_GEOM_DECIMALS decimals; other geometries are
 * written as they are, coordinates rounded.
 *
 * Ownership: the caller's json_t and buffers; nothing is kept.
 */
#ifndef OB_CATALOG_GEOM_H
#define OB_CATALOG_GEOM_H

#include <jansson.h>

#include "base/buf.h"
#include "base/common.h"

/* Decimals of a coordinate in the release's maps: 1e-6 degree is about
 * 0.11 m at the equator. */
#define OB_GEOM_DECIMALS 6

struct ob_geom_report {
	unsigned closed;        /* rings closed by the repair */
	unsigned repeated;      /* repeated points dropped */
	unsigned short_rings;   /* rings of fewer than 4 points (left as they are) */
	unsigned crossings;     /* rings crossing or touching themselves (left) */
	double at[2];           /* where the first crossing is (lon, lat) */
};

/* Check, and repair in place, the rings of GeoJSON geometry g (Polygon or
 * MultiPolygon; other types pass). Returns true when g is valid now. */
bool ob_geom_check(json_t *g, struct ob_geom_report *rep);

/* Append geometry g (GeoJSON) to b as RFC 7946 text (see above). */
void ob_geom_write(const json_t *g, struct ob_buf *b);

#endif
