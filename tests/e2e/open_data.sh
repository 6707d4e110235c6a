# open_data.sh - a release whose tables are more than a sheet holds publishes
# and its files open in the programs their readers have (docs/open-data.md):
# the spreadsheet is one deflated workbook whose long tables are split into
# sheets "<table> (1)", "<table> (2)"..., listed with its size in the manifest
# and the catalogue, and holding the CSV release cell by cell. A ten-year release of the demo (about 1.3
# million indicator rows, past Excel's 1,048,575) does so on its own; here one
# year (about 109,000 indicator rows, 39,000 of counts) against a sheet of
# 50,000 rows (--sheet-rows) shows the same split, into parts full but the last,
# beside a table that fits, in a fraction of the time
# (tests/clients/release10.sh runs the ten years); GDAL finds every map valid, RFC 7946 and
# flat (tests/clients/gis.sh); LibreOffice and R read the CSV files with
# accents, codes and numbers intact (tests/clients/spreadsheet.sh).
HERE=$(dirname "$0")/../clients
O=$T/obs
fixture_demo "$O" 0.005
# the most data rows a sheet holds here
N=50000
expect_status 0 "$OBSERVA" publish -d "$O" --year 2024 --sheet-rows $N
R=$O/releases/v1
python3 - "$R" $N <<'PYEOF' || fail "the workbook of the release"
import json, sys
rel, n = sys.argv[1], int(sys.argv[2])
man = {f["path"]: f["bytes"] for f in json.load(open(rel + "/manifest.json"))["files"]}
cat = open(rel + "/catalog.jsonld").read()
rows = sum(1 for _ in open(rel + "/indicators.csv")) - 1
assert rows > 2 * n, f"only {rows} indicator rows: not three sheets"
assert man.get("tables.xlsx", 0) > 0, "tables.xlsx not in the manifest"
assert '"dct:title":"tables.xlsx"' in cat, "tables.xlsx not in the catalogue"
PYEOF
# every row in sheets "indicators (1)", "indicators (2)"..., cell by cell the CSV's
python3 "$(dirname "$0")/xlsx_csv.py" "$R" $N || fail "tables.xlsx and the CSV release differ"
sh "$HERE/gis.sh" "$R" >"$T/gis.out" 2>&1 || { cat "$T/gis.out" >&2; fail "gis.sh"; }
sh "$HERE/spreadsheet.sh" "$R" >"$T/sheet.out" 2>&1 ||
	{ cat "$T/sheet.out" >&2; fail "spreadsheet.sh"; }
