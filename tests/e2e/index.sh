# index.sh - "observa index" on the R reference units: scores, ranks and
# levels as R computed them, one CSV row per unit, reproducible uncertainty,
# JSON, and clear refusals (bad definition, missing data, --preset, --map
# without territories).
REF="$OBSERVA_TESTDATA/reference/composite"
DEF="$OBSERVA_TESTDATA/index/reference_arith.ini"

expect_status 0 "$OBSERVA" index --config "$DEF" --input "$REF/indicators.csv" \
	--format csv --stages --runs 200 --seed 3
cp "$T/out" "$T/a.csv"
head -n 1 "$T/a.csv" | grep -q '^unit,name,score,level,level_name,rank,rank_median,rank_low,rank_high,' ||
	fail "CSV header: $(head -n 1 "$T/a.csv")"
for c in norm_homicide_rate contrib_police_per_100k raw_poverty_pct p_level_5 p_top; do
	head -n 1 "$T/a.csv" | tr ',' '\n' | grep -qx "$c" || fail "no column $c"
done
[ "$(tail -n +2 "$T/a.csv" | wc -l)" -eq 12 ] || fail "not one row per unit"

# every unit's score, rank and quantile level against R's
awk -F, '
	FNR == 1 { for (i = 1; i <= NF; i++) col[FILENAME, $i] = i; next }
	FILENAME == ARGV[1] { s[$col[FILENAME, "unit_id"]] = $col[FILENAME, "ci_arith_minmax100"]
		r[$1] = $col[FILENAME, "rank_arith_minmax100"]
		l[$1] = $col[FILENAME, "class5_quantile_arith"]; next }
	{ u = $col[FILENAME, "unit"]; got = $col[FILENAME, "score"]; want = s[u]; n++
	  d = got - want; if (d < 0) d = -d; m = want < 0 ? -want : want
	  if (d > 1e-9 * m) { print "score " u ": " got " != " want; bad = 1 }
	  if ($col[FILENAME, "rank"] != r[u]) { print "rank " u; bad = 1 }
	  if ($col[FILENAME, "level"] != l[u]) { print "level " u; bad = 1 }
	  lo = $col[FILENAME, "rank_low"]; hi = $col[FILENAME, "rank_high"]
	  if (lo < 1 || hi > 12 || lo > hi) { print "interval " u; bad = 1 } }
	END { if (n != 12 || bad) exit 1 }' "$REF/composite_scores.csv" "$T/a.csv" ||
	fail "the CSV does not reproduce the R reference"

# drivers add up to score - reference
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{ s = 0; for (k in col) if (k ~ /^contrib_/) s += $col[k]
	  d = s - ($col["score"] - $col["reference"]); if (d < 0) d = -d
	  if (d > 1e-9 * 100) { print $1, s; exit 1 } }' "$T/a.csv" ||
	fail "drivers do not add up"

# the same seed gives the same bytes; another seed other intervals
expect_status 0 "$OBSERVA" index --config "$DEF" --input "$REF/indicators.csv" \
	--format csv --stages --runs 200 --seed 3
cmp -s "$T/out" "$T/a.csv" || fail "same seed, different output"
expect_status 0 "$OBSERVA" index --config "$DEF" --input "$REF/indicators.csv" \
	--format csv --stages --runs 200 --seed 4
cmp -s "$T/out" "$T/a.csv" && fail "another seed, same output"

# table and JSON
expect_status 0 "$OBSERVA" index --config "$OBSERVA_TESTDATA/index/reference_inform.ini" \
	--input "$REF/indicators.csv"
expect_grep "$T/out" "Muy alto"
expect_grep "$T/out" "sensibilidad de primer orden"
expect_status 0 "$OBSERVA" index --config "$DEF" --input "$REF/indicators.csv" \
	--format json --stages --runs 50
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["units"]) == 12 and d["levels"][4] == "Muy alto"
assert abs(sum(d["units"][0]["p_level"]) - 1) < 1e-9
assert set(d["uncertainty"]["first_order_share"]) == {"weights", "normalisation"}' "$T/out" ||
	fail "JSON output"

# refusals, with where and why
printf '[index]\nunit_column = unit_id\n[indicator homicide_rate]\nweight = -2\n' >"$T/bad.ini"
expect_status 1 "$OBSERVA" index --config "$T/bad.ini" --input "$REF/indicators.csv"
expect_grep "$T/err" "bad.ini:4:"
sed 's/^M05,0.0,/M05,,/' "$REF/indicators.csv" >"$T/gap.csv"
expect_status 1 "$OBSERVA" index --config "$DEF" --input "$T/gap.csv"
expect_grep "$T/err" "gap.csv:6:"
expect_grep "$T/err" "refuse"
sed 's/^missing = refuse/missing = impute-mean/' "$DEF" >"$T/impute.ini"
expect_status 0 "$OBSERVA" index --config "$T/impute.ini" --input "$T/gap.csv" --runs 0
expect_grep "$T/err" "1 valores faltantes imputados"
expect_status 1 "$OBSERVA" index -d "$T" --preset no-such-index --year 2023
expect_grep "$T/err" "índice desconocido"
expect_grep "$T/err" "sv-municipal"
expect_status 2 "$OBSERVA" index -d "$T" --preset sv-municipal --year 20x3
expect_status 2 "$OBSERVA" index --config "$DEF" --preset sv-municipal --year 2023
expect_status 1 "$OBSERVA" index --config "$DEF" --input "$REF/indicators.csv" --map "$T/m.svg"
expect_grep "$T/err" "units = list"
expect_status 2 "$OBSERVA" index --config "$DEF"
expect_status 2 "$OBSERVA" index --config "$DEF" --input "$REF/indicators.csv" --format xml
