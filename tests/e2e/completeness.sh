# completeness.sh - "no data" is never 0. On a small demo, Panama's register
# of reported crimes delivers every month but records no robbery (its
# profile states its categories): Panama's robbery rate is no data in the
# table, CSV (empty, flagged), JSON (null), on a map (grey), in a release
# (empty with status M, SDMX OBS_STATUS L, null on the GeoJSON map), while
# a category it records keeps its count. "observa completeness" and GET
# /api/v1/completeness say who delivered what, month by month, with record
# counts for analysts only; a source with a profile that never delivered
# has every month empty.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.02
O="$T/obs"
# a source with a profile that never delivered
sed 's/^code = pa-pn-delitos/code = pa-xx-nunca/' "$O/catalog/sources/pa-pn-delitos.ini" \
	>"$O/catalog/sources/pa-xx-nunca.ini"

# --- the indicator: table, CSV, JSON, map -------------------------------
expect_status 0 "$OBSERVA" indicators -d "$O" -i robbery_rate,theft_rate -c PAN -p 2020
line=$(grep '^PAN Panamá' "$T/out" | head -n 1)
echo "$line" | grep -q -- '–' || fail "table: robbery not shown as missing: $line"
echo "$line" | grep -q -- ' 0 ' && fail "table: robbery shown as 0: $line"
expect_status 0 "$OBSERVA" indicators -d "$O" -i robbery_rate,theft_rate -c PAN -p 2020 --format csv
rob=$(grep '^robbery_rate,PAN,' "$T/out")
[ "$(echo "$rob" | cut -d, -f6)" = "" ] || fail "CSV: robbery count not empty: $rob"
[ "$(echo "$rob" | cut -d, -f8)" = "" ] || fail "CSV: robbery rate not empty: $rob"
[ "$(echo "$rob" | cut -d, -f12)" = 0 ] || fail "CSV: months covered: $rob"
echo "$rob" | cut -d, -f14 | grep -q 'no_data' || fail "CSV: no no_data flag: $rob"
thf=$(grep '^theft_rate,PAN,' "$T/out")
[ "$(echo "$thf" | cut -d, -f6)" -gt 0 ] || fail "CSV: theft should count: $thf"
echo "$thf" | grep -q no_data && fail "CSV: theft flagged no data: $thf"
expect_status 0 "$OBSERVA" indicators -d "$O" -i robbery_rate -c PAN -p 2020 --format json
[ "$(jq -r '.values[0].count' "$T/out")" = null ] || fail "JSON: robbery count not null"
[ "$(jq -r '.values[0].value' "$T/out")" = null ] || fail "JSON: robbery value not null"
jq -e '.values[0].flags | index("no_data")' "$T/out" >/dev/null || fail "JSON: no no_data flag"
# the same in another country is a count
expect_status 0 "$OBSERVA" indicators -d "$O" -i robbery_rate -c HND -p 2020 --format json
[ "$(jq -r '.values[0].count' "$T/out")" != null ] || fail "Honduras' robbery is no data"
# the map: every Panamanian district grey, with its legend entry
expect_status 0 "$OBSERVA" indicators -d "$O" -i robbery_rate -c PAN -l 2 -p 2020 --map "$T/rob.svg"
xmllint --noout "$T/rob.svg" || fail "the SVG is not well-formed"
paths=$(grep -c '<path ' "$T/rob.svg")
[ "$paths" -gt 50 ] || fail "map: $paths districts drawn"
[ "$(grep -c '<path fill="#cccccc"' "$T/rob.svg")" -eq "$paths" ] || fail "map: not all grey"
expect_grep "$T/rob.svg" "Sin datos ($paths)"
expect_status 0 "$OBSERVA" indicators -d "$O" -i theft_rate -c PAN -l 2 -p 2020 --map "$T/thf.svg"
[ "$(grep -c '<path fill="#cccccc"' "$T/thf.svg")" -lt "$paths" ] || fail "theft map all grey"
expect_grep "$T/thf.svg" "repartidas por igual"
expect_status 2 "$OBSERVA" indicators -d "$O" -i robbery_rate,theft_rate -c PAN -p 2020 \
	--map "$T/two.svg"
expect_grep "$T/err" "--map"

# --- observa completeness -----------------------------------------------
expect_status 0 "$OBSERVA" completeness -d "$O" -c PAN --from 2020 --to 2020
expect_grep "$T/out" "pa-pn-delitos (police, PAN): 12/12"
expect_grep "$T/out" "secciones ICCS: 02 03 05 X01 (declaradas)"
expect_grep "$T/out" "pa-xx-nunca (police, PAN): 0/12"
grep -A2 '^pa-xx-nunca' "$T/out" | tail -n 1 | grep -q '^  PAN *\.\.\.\.\.\.\.\.\.\.\.\.$' ||
	fail "a source that never delivered: $(grep -A2 '^pa-xx-nunca' "$T/out")"
# the corrected delivery of sv-pnc 2019 replaced an earlier one
expect_status 0 "$OBSERVA" completeness -d "$O" -s sv-pnc --from 2019 --to 2019
grep -q '^  SLV *++++++++++++$' "$T/out" || fail "sv-pnc 2019 not marked superseded"
expect_status 0 "$OBSERVA" completeness -d "$O" -s pa-pn-delitos --format csv --from 2020 --to 2020
[ "$(head -n 1 "$T/out")" = \
	"source,institution,country,territory,territory_name,level,month,delivered,superseded,fields,rows" ] ||
	fail "CSV header: $(head -n 1 "$T/out")"
[ "$(tail -n +2 "$T/out" | wc -l)" -eq 12 ] || fail "CSV: not one row per month"
# its record counts are the store's
want=$(sql "$O" "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission
	WHERE s.superseded_by IS NULL AND r.source = 'pa-pn-delitos' AND r.occurred_on LIKE '2020-03%'")
[ "$(grep ',2020-03,' "$T/out" | cut -d, -f11)" = "$want" ] || fail "rows of March: $want"
# by district, in the units of each month
expect_status 0 "$OBSERVA" completeness -d "$O" -s sv-iml -l 2 --from 2024-04 --to 2024-05 \
	--format csv
apr=$(grep -c ',2024-04,' "$T/out")
may=$(grep -c ',2024-05,' "$T/out")
[ "$apr" -eq 262 ] && [ "$may" -eq 44 ] || fail "El Salvador by month: $apr in April, $may in May"
expect_status 0 "$OBSERVA" completeness -d "$O" -s pa-pn-delitos --format json --from 2020 --to 2020
jq -e '.sources[0].categories_stated and (.data | length) == 12 and (.data[0] | has("rows"))' \
	"$T/out" >/dev/null || fail "JSON: $(head -c 300 "$T/out")"
expect_status 2 "$OBSERVA" completeness -d "$O" -s nadie
expect_grep "$T/err" "nadie"

# --- a release ----------------------------------------------------------
expect_status 0 "$OBSERVA" publish -d "$O" --year 2020
R="$O/releases/v1"
python3 - "$R/indicators.csv" <<'PY' || fail "release CSV: Panama's robbery not empty with M, or theft not a count"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
rob = [r for r in rows if r["indicator"] == "robbery_rate" and r["country"] == "PAN"]
thf = [r for r in rows if r["indicator"] == "theft_rate" and r["territory"] == "PAN" and r["sex"] == "T"]
bad = [r for r in rob if r["count"] or r["value"] or r["status"] != "M" or "no_data" not in r["flags"]]
sys.exit(1 if bad or len(rob) < 50 or len(thf) != 1 or not thf[0]["count"] or thf[0]["status"] else 0)
PY
awk -F, '$4 == "robbery_rate" && $5 == "PAN" { n++; if ($10 != "" || $11 != "L") bad = 1 }
	END { exit bad || !n }' "$R/indicators.sdmx.csv" || fail "release SDMX: not OBS_STATUS L"
jq -e '[.data[] | select(.indicator == "robbery_rate" and .country == "PAN")] |
	all(.count == null and .value == null and .status == "M")' "$R/indicators.json" >/dev/null ||
	fail "release JSON: robbery in Panama not null with M"
jq -e '[.features[] | select(.id | startswith("PAN")) | .properties] |
	length > 50 and all(.value_2020 == null and .status_2020 == "M")' "$R/maps/robbery_rate.geojson" \
	>/dev/null || fail "release map: Panama's robbery"
# counts by ICCS section: section 04 is no data in Panama, 05 counts
# (after the status: the section's names and the parent, labels)
grep -q '^PAN,PAN,Panamá,0,2020,04,[^,]*,,M,' "$R/counts_iccs.csv" || fail "counts: section 04 of Panama"
grep '^PAN,PAN,Panamá,0,2020,05,' "$R/counts_iccs.csv" | grep -q ',,M,' && fail "counts: 05 missing"
# the completeness table: sources by month, no record counts
[ "$(head -n 1 "$R/completeness.csv")" = "source,institution,country,month,delivered,superseded" ] ||
	fail "release completeness header"
[ "$(grep -c '^pa-pn-delitos,police,PAN,2020-[0-9]*,1,0$' "$R/completeness.csv")" -eq 12 ] ||
	fail "release completeness of pa-pn-delitos"
[ "$(grep -c '^pa-xx-nunca,police,PAN,2020-[0-9]*,0,0$' "$R/completeness.csv")" -eq 12 ] ||
	fail "release completeness of a source that never delivered"

# --- the API ------------------------------------------------------------
expect_status 0 "$OBSERVA" user add bob --role analyst -d "$O" --no-password
expect_status 0 "$OBSERVA" user token bob -d "$O"
TOKB=$(cat "$T/out")
start_server "$O"
curl -s -o "$T/pub.json" "$B/api/v1/completeness?source=pa-pn-delitos&from=2020&to=2020" ||
	fail "curl"
jq -e '(.data | length) == 12 and all(.data[]; has("rows") | not) and .rows_included == false' \
	"$T/pub.json" >/dev/null || fail "public completeness: $(head -c 300 "$T/pub.json")"
curl -s -o "$T/ana.json" -H "Authorization: Bearer $TOKB" \
	"$B/api/v1/completeness?source=pa-pn-delitos&from=2020&to=2020" || fail "curl"
jq -e '(.data | length) == 12 and all(.data[]; has("rows"))' "$T/ana.json" >/dev/null ||
	fail "analyst completeness: $(head -c 300 "$T/ana.json")"
code=$(curl -s -o "$T/bad.json" -w '%{http_code}' "$B/api/v1/completeness?level=7")
[ "$code" = 400 ] || fail "level=7: status $code"
code=$(curl -s -o "$T/csv" -w '%{http_code}' "$B/api/v1/completeness?country=PAN&format=csv&from=2020-01&to=2020-01")
[ "$code" = 200 ] && head -n 1 "$T/csv" | grep -q '^source,institution,country,' || fail "CSV route"
grep -q ',rows$' "$T/csv" && fail "public CSV has record counts"
true
