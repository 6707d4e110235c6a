# open_data.sh - a release whose tables are more than a sheet holds publishes
# and its files open in the programs their readers have (docs/open-data.md):
# the spreadsheet is one deflated workbook per year, each listed with its size
# in the manifest and the catalogue. A ten-year release of the demo (about 1.3
# million indicator rows, past Excel's 1,048,575) does so on its own; here two
# years against a sheet of 200,000 rows (--sheet-rows) show the same split in
# a fraction of the time (tests/clients/release10.sh runs the ten years); GDAL finds every map valid, RFC 7946 and
# flat (tests/clients/gis.sh); LibreOffice and R read the CSV files with
# accents, codes and numbers intact (tests/clients/spreadsheet.sh).
HERE=$(dirname "$0")/../clients
O=$T/obs
fixture_demo "$O" 0.005
expect_status 0 "$OBSERVA" publish -d "$O" --year 2023..2024 --sheet-rows 200000
R=$O/releases/v1
[ ! -e "$R/tables.xlsx" ] || fail "a ten-year release still has tables.xlsx"
python3 - "$R" <<'PYEOF' || fail "the workbooks of the ten-year release"
import json, re, sys, zipfile
rel = sys.argv[1]
man = {f["path"]: f["bytes"] for f in json.load(open(rel + "/manifest.json"))["files"]}
cat = open(rel + "/catalog.jsonld").read()
rows = sum(1 for _ in open(rel + "/indicators.csv")) - 1
assert rows > 200000, f"only {rows} indicator rows: nothing to split"
seen = 0
for y in range(2023, 2025):
    name = f"tables-{y}.xlsx"
    assert man.get(name, 0) > 0, f"{name} not in the manifest"
    assert f'"dct:title":"{name}"' in cat, f"{name} not in the catalogue"
    z = zipfile.ZipFile(f"{rel}/{name}")
    assert z.testzip() is None
    for i in z.infolist():
        assert i.compress_type == zipfile.ZIP_DEFLATED, f"{name}: {i.filename} stored"
    wb = z.read("xl/workbook.xml").decode()
    assert re.findall(r'sheet name="([^"]+)"', wb) == [
        "indicators", "counts_iccs", "violent_deaths", "completeness"], wb
    # the indicators sheet: column F is the year, every row of that year
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    years = set(re.findall(r'<c r="F[0-9]+"><v>([0-9]+)</v>', sheet))
    assert years == {str(y)}, f"{name}: years {sorted(years)}"
    seen += sheet.count("<row ") - 1
assert seen == rows, f"the workbooks hold {seen} indicator rows, the CSV {rows}"
PYEOF
sh "$HERE/gis.sh" "$R" >"$T/gis.out" 2>&1 || { cat "$T/gis.out" >&2; fail "gis.sh"; }
sh "$HERE/spreadsheet.sh" "$R" >"$T/sheet.out" 2>&1 ||
	{ cat "$T/sheet.out" >&2; fail "spreadsheet.sh"; }
