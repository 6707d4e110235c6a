# xlsx.sh - the release's workbook (tables.xlsx) holds the CSV release cell
# by cell, read back with Python's zipfile and XML parser (xlsx_csv.py), not
# by the writer: a table longer than a sheet is split into "<table> (1)",
# "<table> (2)"... (here a sheet of 20,000 rows, --sheet-rows, so that the
# test needs no million rows); and the real limit is Excel's: 1,048,576 rows
# less the header.
HERE=$(dirname "$0")
O=$T/obs
fixture_demo "$O" 0.005

# Excel's limit: the most --sheet-rows takes is 2^20 - 1, and one more is
# refused with a message that names it
expect_status 2 "$OBSERVA" publish -d "$O" --year 2024 --sheet-rows 1048576
expect_grep "$T/err" "1048575"
[ $((1 << 20)) -eq 1048576 ] || fail "arithmetic"
expect_status 2 "$OBSERVA" publish -d "$O" --year 2024 --sheet-rows 0

# the default sheet is Excel's: every table of one year fits, no part
expect_status 0 "$OBSERVA" publish -d "$O" --year 2024
python3 "$HERE/xlsx_csv.py" "$O/releases/v1" 1048575 >"$T/check" ||
	fail "tables.xlsx and the CSV release differ"
cat "$T/check"
grep -q '^indicators: [0-9]* rows in 1 sheet' "$T/check" || fail "indicators split below the limit"

# a sheet of 20,000 rows: the indicators and counts in parts, each full but
# the last, every cell the CSV's, suppressed cells C as in the CSV
expect_status 0 "$OBSERVA" publish -d "$O" --year 2024 --sheet-rows 20000
python3 "$HERE/xlsx_csv.py" "$O/releases/v2" 20000 >"$T/check" ||
	fail "the split tables.xlsx and the CSV release differ"
cat "$T/check"
grep -q '^indicators: [0-9]* rows in [2-9][0-9]* sheet' "$T/check" ||
	fail "the indicators table was not split"
grep -q '^indicators: .*, [1-9][0-9]* suppressed' "$T/check" ||
	fail "no suppressed cell to compare"
# the checker itself fails on a workbook that differs from the CSV
python3 - "$O/releases/v2" "$T/bad" <<'PY' || fail "could not make a damaged copy"
import shutil, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
shutil.copytree(src, dst)
zin = zipfile.ZipFile(src + "/tables.xlsx")
with zipfile.ZipFile(dst + "/tables.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
    for i in zin.infolist():
        data = zin.read(i.filename)
        if i.filename == "xl/worksheets/sheet1.xml":
            data = data.replace(b"<t>C</t>", b"<t>0</t>", 1)
            assert b"<t>0</t>" in data
        zout.writestr(i, data)
PY
! python3 "$HERE/xlsx_csv.py" "$T/bad" 20000 >/dev/null 2>"$T/bad.err" ||
	fail "the checker accepted a suppressed cell shown as 0"
expect_grep "$T/bad.err" "status"

# The compendium as a workbook: a sheet per theme (contents, one per
# indicator, one per department, the annex, the methods), read back with
# zipfile + XML; each indicator sheet's table holds the release's count of
# the country and of each department, a number where the release has one,
# "suprimido" or "sin datos" where it has none, never 0; the header frozen.
expect_status 0 "$OBSERVA" report -d "$O" --territory SLV --period 2024 --compendium \
	--format xlsx -o "$T/comp.xlsx"
expect_status 2 "$OBSERVA" report -d "$O" --territory SLV --period 2024 --format xlsx
expect_grep "$T/err" "--compendium"
python3 - "$T/comp.xlsx" "$O/catalog/indicators.csv" "$O/releases/v1/indicators.csv" <<'PY' ||
import csv, re, sys, zipfile
import xml.etree.ElementTree as ET
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RNS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
names = {r["name_es"]: r["id"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
rel = {}
for r in csv.DictReader(open(sys.argv[3], encoding="utf-8")):
    if r["year"] == "2024" and r["sex"] == "T" and r["level"] in ("0", "1") and \
            (r["country"] == "SLV"):
        rel[(r["indicator"], r["territory_name"])] = r
wb = ET.fromstring(z.read("xl/workbook.xml"))
target = {r.get("Id"): "xl/" + r.get("Target")
          for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
sheets = [(s.get("name"), target[s.get(RNS + "id")]) for s in wb.iter(NS + "sheet")]
assert sheets[0][0] == "Contenido", sheets[0]
assert len({n.lower() for n, _ in sheets}) == len(sheets), "sheet names not unique"
assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n, _ in sheets)
assert any(re.fullmatch(r"\d+ Departamento .+", n) for n, _ in sheets), "no sheet per department"
assert re.fullmatch(r"\d+ Métodos", sheets[-1][0]), sheets[-1]

def rows(part):
    out = []
    for row in ET.fromstring(z.read(part)).iter(NS + "row"):
        cells = {}
        for c in row.findall(NS + "c"):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            if c.get("t") == "inlineStr":
                cells[col] = ("".join(t.text or "" for t in c.iter(NS + "t")), False)
            else:
                cells[col] = (c.find(NS + "v").text, True)
        out.append(cells)
    return out

checked = indicators = 0
for name, part in sheets:
    r = rows(part)
    title = r[0]["A"][0]
    if title not in names:
        continue
    indicators += 1
    ind = names[title]
    head = z.read(part).decode()
    assert 'state="frozen"' in head and "<cols>" in head, f"{name}: no frozen header or widths"
    hdr = next(i for i, c in enumerate(r) if c.get("B", ("",))[0] == "Recuento")
    for c in r[hdr + 1:]:
        terr = c["A"][0]
        want = rel.get((ind, terr))
        got, num = c["B"]
        if want is None:
            assert not num, f"{name} {terr}: {got}, a number the release does not have"
        elif want["status"] == "C":
            assert got == "suprimido" and not num, f"{name} {terr}: {got} for a suppressed cell"
        elif want["count"] == "":
            assert not num and got != "0", f"{name} {terr}: {got} without data"
        else:
            assert num and float(got) == float(want["count"]), \
                f"{name} {terr}: count {got}, the release {want['count']}"
        checked += 1
assert indicators >= 3 and checked > 20, (indicators, checked)
print("compendium xlsx:", len(sheets), "sheets,", indicators, "indicators,", checked, "cells")
PY
	fail "the compendium workbook"
