#!/bin/sh
# gis.sh - check a release's maps as GIS tools read them: GDAL (ogrinfo, from
# gdal-bin, with GEOS) opens every maps/*.geojson and finds 0 invalid
# geometries (ST_IsValid), and gis_check.py finds RFC 7946 winding, 6-decimal
# coordinates and flat properties (docs/open-data.md).
#
#   tests/clients/gis.sh RELEASE_DIR
#
# Fails (not skips) when ogrinfo or python3 is missing: make check installs
# them (scripts/bootstrap --check).
set -eu
rel=$1
here=$(dirname "$0")
command -v ogrinfo >/dev/null || { echo "gis.sh: ogrinfo missing (gdal-bin)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "gis.sh: python3 missing" >&2; exit 1; }
n=0
for f in "$rel"/maps/*.geojson; do
	[ -f "$f" ] || { echo "gis.sh: no maps in $rel" >&2; exit 1; }
	# GDAL names the layer by the collection's "name" (the indicator), the
	# first member after "type" on the file's first line: the query below
	# finds no such layer, and fails, when GDAL names it otherwise (asking
	# ogrinfo for the name would parse the whole file once more)
	layer=$(sed -n '1s/^{"type":"FeatureCollection","name":"\([^"]*\)".*/\1/p;q' "$f")
	[ -n "$layer" ] || { echo "gis.sh: $f does not start with a named FeatureCollection" >&2; exit 1; }
	out=$(ogrinfo -ro -q -dialect sqlite -sql \
		"select count(*) as n, sum(not st_isvalid(geometry)) as bad from \"$layer\"" "$f" 2>&1) ||
		{ echo "$out" >&2; echo "gis.sh: ogrinfo cannot read $f" >&2; exit 1; }
	total=$(printf '%s\n' "$out" | sed -n 's/^ *n (Integer) = //p')
	bad=$(printf '%s\n' "$out" | sed -n 's/^ *bad (Integer) = //p')
	[ "${total:-0}" -gt 0 ] || { echo "$out" >&2; echo "gis.sh: $f has no features" >&2; exit 1; }
	[ "$bad" = 0 ] || { echo "gis.sh: $f: $bad invalid geometries of $total" >&2; exit 1; }
	n=$((n + 1))
done
python3 "$here/gis_check.py" "$rel"/maps/*.geojson
echo "gis.sh: $n maps, 0 invalid geometries"
