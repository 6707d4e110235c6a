#!/usr/bin/env python3
# embed_targets.py - turn data/demo/targets.csv into a C table (demo_targets.c)
# at build time, so that the demo generator and the CSV file can never disagree.
# Refuses (exit status 1, message on stderr) a file with a wrong header, an
# unknown country, a year outside 1900..2100, or a row that gives both or
# neither of homicides and rate_per_100k.
import csv
import sys

COUNTRIES = {"BZ", "CR", "DO", "GT", "HN", "PA", "SV"}
HEADER = ["country", "year", "homicides", "rate_per_100k", "source"]


def c_string(s):
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.extend("\\%03o" % b for b in ch.encode("utf-8"))
    return '"' + "".join(out) + '"'


def fail(path, line, msg):
    sys.stderr.write("%s:%d: %s\n" % (path, line, msg))
    sys.exit(1)


def main(src, dst):
    rows = []
    seen = set()
    with open(src, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != HEADER:
            fail(src, 1, "se esperaba el encabezado " + ",".join(HEADER))
        for n, r in enumerate(reader, start=2):
            if len(r) != len(HEADER):
                fail(src, n, "se esperaban %d columnas" % len(HEADER))
            country, year, hom, rate, source = r
            if country not in COUNTRIES:
                fail(src, n, "país desconocido «%s»" % country)
            if not year.isdigit() or not 1900 <= int(year) <= 2100:
                fail(src, n, "año no válido «%s»" % year)
            if (country, year) in seen:
                fail(src, n, "fila repetida para %s %s" % (country, year))
            seen.add((country, year))
            if bool(hom) == bool(rate):
                fail(src, n, "indique homicides o rate_per_100k, uno de los dos")
            if hom and not hom.isdigit():
                fail(src, n, "homicides no es un entero «%s»" % hom)
            if rate:
                try:
                    if float(rate) < 0:
                        raise ValueError
                except ValueError:
                    fail(src, n, "rate_per_100k no válido «%s»" % rate)
            if not source.strip():
                fail(src, n, "falta la fuente")
            rows.append((country, int(year), hom, rate, source))
    with open(dst, "w", encoding="utf-8") as out:
        out.write("/* demo_targets.c - generated from data/demo/targets.csv by "
                  "src/demo/embed_targets.py; do not edit. */\n")
        out.write('#include "demo/demo.h"\n\n')
        out.write("const struct ob_demo_target ob_demo_targets[] = {\n")
        for country, year, hom, rate, source in rows:
            out.write("\t{ %s, %d, %s, %s, %s },\n" % (
                c_string(country), year, hom if hom else "-1",
                rate if rate else "0.0", c_string(source)))
        out.write("};\n")
        out.write("const size_t ob_demo_targets_count = %d;\n" % len(rows))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.stderr.write("uso: embed_targets.py targets.csv salida.c\n")
        sys.exit(2)
    main(sys.argv[1], sys.argv[2])
