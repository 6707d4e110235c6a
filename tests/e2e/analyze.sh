# analyze.sh - "observa analyze" on a small demo: totals agree with the
# store, ISO2 and ISO3 country codes give the same table, margins add up,
# unknown dimensions and values are refused with the valid ones listed.
expect_status 0 "$OBSERVA" demo "$T/obs" --scale 0.005
O="$T/obs"
expect_status 0 "$OBSERVA" analyze --help
expect_grep "$T/out" "uso / usage: observa analyze"
expect_grep "$T/out" "Counts the victims of the current records"

# the grand total of homicides in Honduras, 2015..2024, against SQL
total=$(sql "$O" "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission
	WHERE s.superseded_by IS NULL AND s.country = 'HND' AND r.category LIKE '0101%'
	AND CAST(substr(r.occurred_on, 1, 4) AS INT) BETWEEN 2015 AND 2024")
[ "$total" -gt 0 ] || fail "the demo has no homicides in Honduras"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin1 --cols year \
	--where "iccs=0101 year=2015..2024 country=HND" --format csv
got=$(awk -F, '$1 == "Total" && $2 == "Total" { print $3 }' "$T/out")
[ "$got" = "$total" ] || fail "analyze total $got, SQL $total"
# the row totals add up to the grand total
sum=$(awk -F, 'NR > 1 && $1 != "Total" && $2 == "Total" { s += $3 } END { print s }' "$T/out")
[ "$sum" = "$total" ] || fail "row totals add to $sum, not $total"
cp "$T/out" "$T/iso3.csv"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin1 --cols year \
	--where "iccs=0101 year=2015..2024 country=HN" --format csv
cmp -s "$T/out" "$T/iso3.csv" || fail "HN and HND differ"

# table, JSON, rate, top
expect_status 0 "$OBSERVA" analyze -d "$O" --rows country --cols sex --where "iccs=0101 year=2020" \
	--measure rate
expect_grep "$T/out" "HND"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin2 --where "iccs=0101" --top 3 --format json
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["total"] > 0' "$T/out" ||
	fail "not JSON"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows mechanism --where "year=2020" --measure rate
expect_grep "$T/err" "mechanism"

# refusals
expect_status 2 "$OBSERVA" analyze -d "$O" --rows admin3
expect_grep "$T/err" "admin2"
expect_status 2 "$OBSERVA" analyze -d "$O" --rows year --where "weapon=firearms"
expect_grep "$T/err" "firearm"
expect_status 2 "$OBSERVA" analyze -d "$O" --rows year --where "country=XX"
expect_grep "$T/err" "HND"
expect_status 2 "$OBSERVA" analyze -d "$O" --rows year --measure median
expect_status 2 "$OBSERVA" analyze -d "$O"
