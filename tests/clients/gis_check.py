#!/usr/bin/env python3
# gis_check.py - what GDAL's validity check does not see in a release's maps:
# RFC 7946 winding (outer rings counter-clockwise, holes clockwise), at most 6
# decimals per coordinate, and flat properties (no object or array values;
# count_/value_/status_/flags_<year> for every year). Used by gis.sh.
import json
import sys


def area2(ring):
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))


def polygons(g):
    if g["type"] == "Polygon":
        return [g["coordinates"]]
    if g["type"] == "MultiPolygon":
        return g["coordinates"]
    return []


def main():
    bad = 0
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        doc = json.loads(text)
        years = None
        for ft in doc["features"]:
            code = ft["properties"]["code"]
            for poly in polygons(ft["geometry"]):
                for i, ring in enumerate(poly):
                    a = area2(ring)
                    if (i == 0 and a <= 0) or (i > 0 and a >= 0):
                        print(f"{path}: {code}: ring {i} turns the wrong way")
                        bad += 1
                    for x, y in ring:
                        for v in (x, y):
                            if round(v, 6) != v:
                                print(f"{path}: {code}: {v} has more than 6 decimals")
                                bad += 1
            props = ft["properties"]
            for k, v in props.items():
                if isinstance(v, (dict, list)):
                    print(f"{path}: {code}: property {k} is not flat")
                    bad += 1
            ys = sorted(k[len("value_"):] for k in props if k.startswith("value_"))
            if not ys:
                print(f"{path}: {code}: no value_<year>")
                bad += 1
            if years is None:
                years = ys
            for y in ys:
                for m in ("count", "status", "flags"):
                    if f"{m}_{y}" not in props:
                        print(f"{path}: {code}: {m}_{y} missing")
                        bad += 1
            if ys != years:
                print(f"{path}: {code}: years {ys}, not {years}")
                bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
