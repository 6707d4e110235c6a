#!/usr/bin/env python3
# sheet_check.py - compare what LibreOffice wrote back (DIR/excel/<t>.excel.csv
# and DIR/plain/<t>.csv, comma-separated, decimal point) with the canonical
# DIR/<t>.csv it came from: same cells, so no accent, leading zero or decimal
# was lost. Used by spreadsheet.sh.
import csv
import os
import sys


def rows(path, encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.reader(f))


def same(got, want):
    if got == want:
        return True
    if "." not in want:  # a code (0101) or a count: the very same text
        return False
    try:  # decimals: LibreOffice writes 12.5 for 12.500000
        return abs(float(got) - float(want)) < 1e-9
    except ValueError:
        return False


def main():
    d, tables = sys.argv[1], sys.argv[2:]
    bad = 0
    for t in tables:
        want = rows(os.path.join(d, t + ".csv"))
        for got_path in (os.path.join(d, "excel", t + ".excel.csv"),
                         os.path.join(d, "plain", t + ".csv")):
            got = rows(got_path, "utf-8-sig")
            if len(got) != len(want):
                print(f"{got_path}: {len(got)} rows, not {len(want)}")
                bad += 1
                continue
            for i, (g, w) in enumerate(zip(got, want)):
                if len(g) != len(w) or not all(same(x, y) for x, y in zip(g, w)):
                    print(f"{got_path}: row {i + 1}: {g} is not {w}")
                    bad += 1
                    break
    accents = sum("á" in c or "é" in c or "í" in c or "ó" in c or "ú" in c or "ñ" in c
                  for t in tables for r in rows(os.path.join(d, t + ".csv")) for c in r)
    if not accents:
        print("no accented name in the slice: nothing checked")
        bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
