# analyze.sh - "observa analyze" on a small demo: totals agree with the
# store, ISO2 and ISO3 country codes give the same table, margins add up,
# unknown dimensions and values are refused with the valid ones listed.
fixture_demo "$T/obs" 0.03
O="$T/obs"
expect_status 0 "$OBSERVA" analyze --help
expect_grep "$T/out" "uso: observa analyze"
expect_grep "$T/out" "Cuenta las víctimas de los registros vigentes"

# the grand total of homicide records of every source in Honduras,
# 2015..2024, against SQL (--records: every record of every source)
records=$(sql "$O" "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission
	WHERE s.superseded_by IS NULL AND s.country = 'HND' AND r.category LIKE '0101%'
	AND CAST(substr(r.occurred_on, 1, 4) AS INT) BETWEEN 2015 AND 2024")
[ "$records" -gt 0 ] || fail "the demo has no homicides in Honduras"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin1 --cols year --records \
	--where "iccs=0101 year=2015..2024 country=HND" --format csv
got=$(awk -F, '$1 == "Total" && $2 == "Total" { print $3 }' "$T/out")
[ "$got" = "$records" ] || fail "analyze --records total $got, SQL $records"
# bench/analyze's timing program runs the same query on the same snapshot
if [ -n "${OBSERVA_ANALYZE_BENCH:-}" ]; then
	expect_status 0 "$OBSERVA_ANALYZE_BENCH" "$O" --rows admin1 --cols year --records \
		--where "iccs=0101 year=2015..2024 country=HND" --repeat 3
	grep -Eq '^bench: median_ms=[0-9.]+ min_ms=[0-9.]+ open_s=[0-9.]+ records=[0-9]+ rss_kib=[0-9]+ ' "$T/out" ||
		fail "analyze-bench: unexpected line: $(cat "$T/out")"
	# the percentile bench/scale reports: between the median and the slowest
	awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
		END { exit !(v["p99_ms"] != "" && v["p99_ms"] + 0 >= v["median_ms"] + 0 &&
		             v["p99_ms"] + 0 <= v["max_ms"] + 0) }' "$T/out" ||
		fail "analyze-bench: p99_ms not between median_ms and max_ms: $(cat "$T/out")"
	current=$(sql "$O" "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission
		WHERE s.superseded_by IS NULL")
	expect_grep "$T/out" " records=$current "
fi
awk -F, 'NR > 1 && $NF != "records" { exit 1 }' "$T/out" ||
	fail "--records: a cell does not say it counts records"
# by default the sources are not summed: homicide victims are forensic
# medicine's (the default counting rule), labelled so
total=$(sql "$O" "SELECT sum(r.victims) FROM record r JOIN submission s ON s.id = r.submission
	WHERE s.superseded_by IS NULL AND s.country = 'HND' AND r.category LIKE '0101%'
	AND s.institution = 'forensic'
	AND CAST(substr(r.occurred_on, 1, 4) AS INT) BETWEEN 2015 AND 2024")
[ "$total" -lt "$records" ] || fail "forensic $total not below all sources' $records"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin1 --cols year \
	--where "iccs=0101 year=2015..2024 country=HND" --format csv
got=$(awk -F, '$1 == "Total" && $2 == "Total" { print $3 }' "$T/out")
[ "$got" = "$total" ] || fail "analyze total $got, SQL (forensic) $total"
awk -F, 'NR > 1 && $NF != "victims:forensic" { exit 1 }' "$T/out" ||
	fail "a cell does not say it counts victims:forensic"
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

# no data is not 0: Costa Rica's register of reported crimes records no age,
# so its age groups are empty (CSV), null (JSON) and "s/d" (table), never 0;
# the Dominican one records ages and its groups are counted
expect_status 0 "$OBSERVA" analyze -d "$O" --rows country --cols age_group \
	--where "country=CRI,DOM iccs=02" --format csv
grep -q '^CRI,18-29,,' "$T/out" || fail "CRI 18-29 should be empty: $(grep '^CRI,18-29' "$T/out")"
grep -q '^CRI,U,[1-9]' "$T/out" || fail "CRI's victims are all of unknown age: $(grep '^CRI,U' "$T/out")"
grep -Eq '^DOM,(18-29|30-44),[0-9]+,' "$T/out" || fail "DOM's age groups are counted"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows country --cols age_group \
	--where "country=CRI,DOM iccs=02" --format json
jq -e '[.cells[] | select(.country == "CRI" and .age_group == "18-29")][0] |
	.count == null and .no_data == true' "$T/out" >/dev/null || fail "JSON: CRI 18-29 not null"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows country --cols age_group \
	--where "country=CRI,DOM iccs=02"
grep -q '^CRI .*s/d' "$T/out" || fail "table: no s/d for CRI"
expect_grep "$T/out" "s/d: sin datos; las fuentes no registraron ese campo"
