# situation.sh - "observa situation" and GET /api/v1/situation. On a small
# hand-made observatory whose counts are known (a forensic source in El
# Salvador: 2022 delivered whole, 2023 from January to June; San Salvador
# 10 homicides a month in 2022 and 20 in 2023, Santa Ana 3 a month in
# both), the comparisons give the hand-computed rate ratios; a month not
# delivered is no data and is not compared; year to date stops at the last
# month delivered, in both years; the units and crimes are ranked; bad
# input gets a message in Spanish and English. On the demo, the CLI and the
# API give the same numbers.
export LC_ALL=C.UTF-8
init_obs "$T/obs"
O="$T/obs"
fx_source "$O"
# fx_file YEAR LAST_MONTH SAN_SALVADOR_PER_MONTH SANTA_ANA_PER_MONTH
fx_file() {
	awk -v y="$1" -v last="$2" -v ss="$3" -v sa="$4" 'BEGIN {
		print "Id;Fecha;Municipio;Departamento;Delito";
		for (m = 1; m <= last; m++) {
			for (i = 1; i <= ss; i++)
				printf "%d-%d-ss%d;%02d/%02d/%d;San Salvador;San Salvador;Homicidio\n",
					y, m, i, i % 28 + 1, m, y;
			for (i = 1; i <= sa; i++)
				printf "%d-%d-sa%d;%02d/%02d/%d;Santa Ana;Santa Ana;Homicidio\n",
					y, m, i, i % 28 + 1, m, y;
		}
	}'
}
fx_file 2022 12 10 3 >"$T/fx-2022.csv"
fx_file 2023 6 20 3 >"$T/fx-2023.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period 2022 "$T/fx-2022.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period 2023-01..2023-06 "$T/fx-2023.csv"
N22=$(sql "$O" "SELECT population FROM population WHERE territory = 'SLV' AND year = 2022 AND sex = 'T'")
N23=$(sql "$O" "SELECT population FROM population WHERE territory = 'SLV' AND year = 2023 AND sex = 'T'")
[ -n "$N22" ] && [ -n "$N23" ] || fail "no population of El Salvador"

# field F of the CSV row whose first fields are PREFIX
field() { # field PREFIX N
	grep "^$1" "$T/out" | head -n 1 | cut -d, -f"$2"
}
# close A B : |A - B| <= 5e-5 (the outputs have 4 decimals)
close() {
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 5e-5) }' ||
		fail "$3: $1, expected $2"
}
ratio() { # ratio C1 PY1 C0 PY0
	awk -v c1="$1" -v e1="$2" -v c0="$3" -v e0="$4" 'BEGIN { printf "%.4f", (c1 / e1) / (c0 / e0) }'
}

# --- a month: 2023-03 against 2022-03, the 12 months before, year to date
expect_status 0 "$OBSERVA" situation -d "$O" --period 2023-03 --format csv
head -n 1 "$T/out" | grep -q '^section,territory,territory_name,indicator,comparison,period,baseline,count,baseline_count,months,baseline_months,expected,rate,baseline_rate,ratio,lower,upper,p_value,change,status,counting,rank$' ||
	fail "CSV header: $(head -n 1 "$T/out")"
p=territory,SLV,El\ Salvador,homicide_rate
# a year earlier: 23 against 13, population of each year
[ "$(field "$p,year_earlier,2023-03,2022-03," 8)" = 23 ] || fail "March 2023: $(cat "$T/out")"
[ "$(field "$p,year_earlier,2023-03,2022-03," 9)" = 13 ] || fail "March 2022"
close "$(field "$p,year_earlier," 15)" "$(ratio 23 "$N23" 13 "$N22")" "ratio a year earlier"
# 23 against 13 in one month is within chance
[ "$(field "$p,year_earlier," 19)" = none ] || fail "23 against 13 is within chance"
[ "$(field "$p,year_earlier," 21)" = victims:forensic ] || fail "what is counted"
# the 12 months before: March to December 2022 (13 a month), January and
# February 2023 (23 a month) = 176, in person-years of each month's year
[ "$(field "$p,last_12_months,2023-03,2022-03..2023-02," 9)" = 176 ] || fail "12 months: $(cat "$T/out")"
[ "$(field "$p,last_12_months," 11)" = 12 ] || fail "12 months delivered"
e0=$(awk -v a="$N22" -v b="$N23" 'BEGIN { printf "%.6f", 10 * a + 2 * b }')  # person-months
close "$(field "$p,last_12_months," 15)" "$(ratio 23 "$N23" 176 "$e0")" "ratio against the 12 months"
# the exact interval is poisson.test's: the one of "observa stats compare"
printf 'c0,p0,c1,p1\n13,%s,23,%s\n' "$N22" "$N23" >"$T/one.csv"
expect_status 0 "$OBSERVA" situation -d "$O" --period 2023-03 --format csv
lo=$(field "$p,year_earlier," 16)
hi=$(field "$p,year_earlier," 17)
expect_status 0 "$OBSERVA" stats compare --count0 c0 --population0 p0 --count1 c1 \
	--population1 p1 --per 100000 "$T/one.csv"
head -n 2 "$T/out" >"$T/cmp.csv"
awk -F, -v lo="$lo" -v hi="$hi" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ l = $c["lower"]; u = $c["upper"];
	  if (l == "" || (l - lo) ^ 2 > 1e-8 || (u - hi) ^ 2 > 1e-8) exit 1 }' "$T/cmp.csv" ||
	fail "interval $lo..$hi differs from stats compare: $(cat "$T/cmp.csv")"
# year to date: January to March, 69 against 39
expect_status 0 "$OBSERVA" situation -d "$O" --period 2023-03 --format csv
[ "$(field "$p,year_to_date," 8)" = 69 ] || fail "year to date 2023"
[ "$(field "$p,year_to_date," 9)" = 39 ] || fail "year to date 2022"
close "$(field "$p,year_to_date," 15)" "$(ratio 69 "$N23" 39 "$N22")" "ratio year to date"
# 69 against 39 in three months is beyond chance
[ "$(field "$p,year_to_date," 19)" = increase ] || fail "69 against 39 should be an increase"
# the units under El Salvador: San Salvador first (doubled), Santa Ana after
[ "$(grep -c '^unit,' "$T/out")" -ge 2 ] || fail "units ranked: $(cat "$T/out")"
[ "$(grep '^unit,' "$T/out" | head -n 1 | cut -d, -f3)" = "San Salvador" ] || fail "first unit"
[ "$(grep '^unit,SLV06,' "$T/out" | cut -d, -f22)" = 1 ] || fail "San Salvador's rank"
[ "$(grep '^unit,SLV06,' "$T/out" | cut -d, -f8,9)" = 20,10 ] || fail "San Salvador's counts"
[ "$(grep '^unit,SLV02,' "$T/out" | cut -d, -f8,9)" = 3,3 ] || fail "Santa Ana's counts"
[ "$(grep '^unit,SLV02,' "$T/out" | cut -d, -f19)" = none ] || fail "Santa Ana did not change"
# the crimes: the homicide rate among them; a crime no source records is no data
grep -q '^crime,SLV,El Salvador,homicide_rate,.*,1$' "$T/out" || fail "crimes: $(cat "$T/out")"
expect_status 0 "$OBSERVA" situation -d "$O" --period 2023-03 --top 100 --format csv
grep '^crime,SLV,El Salvador,robbery_rate,' "$T/out" | grep -q ',no_data,' ||
	fail "robbery is recorded by no source: $(grep robbery "$T/out")"
# municipalities: two had victims in March 2023 or 2022; the others, none
# in either, did not change and take no place in the ranking
expect_status 0 "$OBSERVA" situation -d "$O" --period 2023-03 --level 2 --top 3 --format csv
[ "$(grep -c '^unit,' "$T/out")" -eq 2 ] || fail "--top 3: $(grep -c '^unit,' "$T/out")"
! grep '^unit,' "$T/out" | cut -d, -f8,9 | grep -qx '0,0' || fail "a unit without victims ranked"
expect_status 0 "$OBSERVA" situation -d "$O" --period 2023-03 --level 2 --top 1 --format csv
[ "$(grep -c '^unit,' "$T/out")" -eq 1 ] || fail "--top 1: $(grep -c '^unit,' "$T/out")"
[ "$(grep '^unit,' "$T/out" | head -n 1 | cut -d, -f3,8,9)" = "San Salvador,20,10" ] ||
	fail "municipalities: $(grep '^unit,' "$T/out")"

# --- a year half delivered: year to date stops at June, in both years ----
expect_status 0 "$OBSERVA" situation -d "$O" --period 2023 --format json
jq -e '.[] | select(.section == "territory" and .comparison == "year_to_date")
	| .period == "2023-01-01..2023-06-30" and .count == 138 and .baseline_count == 78' \
	"$T/out" >/dev/null || fail "partial year to date: $(cat "$T/out")"
jq -e '.[] | select(.section == "territory" and .comparison == "year_earlier")
	| .count == 138 and .baseline_count == 156 and .months == 6 and .baseline_months == 12
	  and .status == "incomplete"' "$T/out" >/dev/null || fail "half a year: $(cat "$T/out")"
r=$(jq -r '.[] | select(.section == "territory" and .comparison == "year_earlier") | .ratio' "$T/out")
close "$r" "$(ratio 138 "$(awk -v n="$N23" 'BEGIN { print n / 2 }')" 156 "$N22")" "half-year ratio"
jq -e '[.[] | select(.comparison == "last_12_months")] | length == 0' "$T/out" >/dev/null ||
	fail "a year has no 12-month comparison"

# --- a month no delivery covers: no data, not compared --------------------
expect_status 0 "$OBSERVA" situation -d "$O" --period 2023-09 --format csv
[ "$(field "$p,year_earlier," 20)" = no_data ] || fail "September 2023: $(cat "$T/out")"
[ "$(field "$p,year_earlier," 8)" = "" ] || fail "no data shown as a count"
[ "$(field "$p,year_earlier," 15)" = "" ] || fail "no data compared"
expect_status 0 "$OBSERVA" situation -d "$O" --period 2023-09
expect_grep "$T/out" "no_data"
expect_grep "$T/out" "El Salvador (SLV), 2023-09"

# --- bad input --------------------------------------------------------------
# in Spanish by default, in English with --lang en
expect_status 2 "$OBSERVA" situation -d "$O" --territory XYZ99
expect_grep "$T/err" "territorio desconocido"
expect_status 2 "$OBSERVA" situation -d "$O" --territory XYZ99 --lang en
expect_grep "$T/err" "unknown territory"
expect_status 2 "$OBSERVA" situation -d "$O" --period 2099-01
expect_grep "$T/err" "el periodo está en el futuro"
expect_status 2 "$OBSERVA" situation -d "$O" --period 2099-01 --lang en
expect_grep "$T/err" "the period is in the future"
expect_status 2 "$OBSERVA" situation -d "$O" --period 2023-13
expect_grep "$T/err" "--period"
expect_status 2 "$OBSERVA" situation -d "$O" --period 2022..2023 --lang en
expect_grep "$T/err" "expected one period"
expect_status 2 "$OBSERVA" situation -d "$O" --indicator nada --lang en
expect_grep "$T/err" "unknown indicator"
expect_status 2 "$OBSERVA" situation -d "$O" --territory SLV06 --level 1 --lang en
expect_grep "$T/err" "the level must lie below"
expect_status 2 "$OBSERVA" situation -d "$O" --category 01x
expect_grep "$T/err" "ICCS"
# an ICCS code instead of an indicator: the same homicides
expect_status 0 "$OBSERVA" situation -d "$O" --period 2023-03 --category 0101 --format csv
[ "$(grep '^territory,SLV,El Salvador,iccs_0101,year_earlier,' "$T/out" | cut -d, -f8,9)" = 23,13 ] ||
	fail "--category 0101: $(cat "$T/out")"

# --- the API: the same numbers, small counts suppressed ------------------
expect_status 0 "$OBSERVA" situation -d "$O" --period 2023-03 --format csv
cp "$T/out" "$T/cli.csv"
# every unit ranked: the public ranking may reach further down
expect_status 0 "$OBSERVA" situation -d "$O" --period 2023-03 --format csv --top 1000
cp "$T/out" "$T/cli_all.csv"
start_server "$O"
curl -sf "$B/api/v1/situation?period=2023-03&format=csv" >"$T/api.csv" || fail "GET situation"
# every row the API does not suppress is the CLI's, to the character but
# its rank: the public ranking leaves out the units it hides (where one
# stood would tell how much it changed), so a shown unit may stand higher
# than in the CLI's ranking of all; in the same order, numbered from 1
sed 's/,[^,]*$//' "$T/cli_all.csv" >"$T/cli_norank.csv"
grep -v ',suppressed,' "$T/api.csv" | sed 's/,[^,]*$//' | while IFS= read -r line; do
	grep -qxF -- "$line" "$T/cli_norank.csv" || fail "API row not in the CLI's: $line"
done
! grep -q '^\(unit\|crime\),.*,suppressed,' "$T/api.csv" ||
	fail "a suppressed row ranked: $(grep '^\(unit\|crime\),.*,suppressed,' "$T/api.csv")"
grep '^unit,' "$T/api.csv" | cut -d, -f2 >"$T/api_units" || :
grep '^unit,' "$T/cli_all.csv" | cut -d, -f2 | grep -xF -f "$T/api_units" >"$T/cli_units" || :
cmp -s "$T/api_units" "$T/cli_units" || fail "the API's ranking is not the CLI's order"
[ "$(grep '^unit,' "$T/api.csv" | awk -F, '{ print $NF }' | tr '\n' ' ')" = \
	"$(seq -s ' ' 1 "$(wc -l <"$T/api_units")" | sed 's/.$/& /')" ] ||
	fail "the API's ranks are not 1..n"
[ "$(grep -c '^territory,' "$T/api.csv")" = "$(grep -c '^territory,' "$T/cli.csv")" ] ||
	fail "API and CLI rows of the territory differ in number"
# Santa Ana's 3 homicides are below the threshold: not in the public ranking
grep -q '^unit,SLV02,' "$T/cli.csv" || fail "Santa Ana not in the CLI's ranking"
! grep -q '^unit,SLV02,' "$T/api.csv" ||
	fail "Santa Ana ranked in public: $(grep '^unit,SLV02,' "$T/api.csv")"
# ... and San Salvador's 20 are hidden with them: the country's 23 shown
# less San Salvador's would give Santa Ana's 3 (the other departments
# counted none)
grep -q '^territory,SLV,El Salvador,homicide_rate,year_earlier,2023-03,2022-03,23,13,' \
	"$T/api.csv" || fail "the country's count not shown: $(cat "$T/api.csv")"
! grep -q '^unit,SLV06,' "$T/api.csv" ||
	fail "San Salvador shown beside the country: $(grep '^unit,SLV06,' "$T/api.csv")"
curl -sf "$B/api/v1/situation?period=2023-03" >"$T/api.json" || fail "GET situation (JSON)"
jq -e '.territory == "SLV" and .indicator == "homicide_rate" and .period == "2023-03"
	and .disclosure.min_count > 1 and (.data | length) > 3' "$T/api.json" >/dev/null ||
	fail "JSON: $(head -c 400 "$T/api.json")"
# the homicides of children under 18 take the minors' threshold, as in releases
curl -sf "$B/api/v1/situation?period=2023-03&indicator=homicide_rate_0_17" >"$T/minors.json" ||
	fail "GET situation (minors)"
jq -e '.disclosure.min_count == 10' "$T/minors.json" >/dev/null ||
	fail "minors' threshold: $(head -c 400 "$T/minors.json")"
# a municipality (admin-2, no units below it) is analysed like a country:
# its own homicides (San Salvador: 20 in March 2023 against 10), no units
# ranked; the API answers 200 (not 400), every row it shows the CLI's
MUNI=$(sql "$O" "SELECT DISTINCT territory FROM record WHERE territory LIKE 'SLV06%' LIMIT 1")
[ -n "$MUNI" ] && [ "$(sql "$O" "SELECT level FROM territory WHERE code = '$MUNI'")" = 2 ] ||
	fail "San Salvador's records are not of a municipality: $MUNI"
expect_status 0 "$OBSERVA" situation -d "$O" --territory "$MUNI" --period 2023-03 --format csv
cp "$T/out" "$T/cli_muni.csv"
grep -q "^territory,$MUNI,San Salvador,homicide_rate,year_earlier,2023-03,2022-03,20,10," \
	"$T/cli_muni.csv" || fail "municipality $MUNI (CLI): $(cat "$T/cli_muni.csv")"
! grep -q '^unit,' "$T/cli_muni.csv" || fail "units ranked below a municipality"
grep -q '^crime,' "$T/cli_muni.csv" || fail "no crimes ranked in the municipality"
expect_status 2 "$OBSERVA" situation -d "$O" --territory "$MUNI" --level 2 --lang en
expect_grep "$T/err" "the level must lie below"
code=$(curl -s -o "$T/muni.csv" -w '%{http_code}' \
	"$B/api/v1/situation?territory=$MUNI&period=2023-03&format=csv")
[ "$code" = 200 ] || fail "GET situation?territory=$MUNI: HTTP $code: $(cat "$T/muni.csv")"
# in public, San Salvador's count is hidden as above (the country's less
# it would give Santa Ana's 3): the municipality's own rows are suppressed
grep -q "^territory,$MUNI,San Salvador,homicide_rate,year_earlier,2023-03,2022-03,,,1,1,.*,suppressed," \
	"$T/muni.csv" || fail "municipality $MUNI (API): $(cat "$T/muni.csv")"
# (every crime ranked: the public ranking leaves out what it hides, as above)
expect_status 0 "$OBSERVA" situation -d "$O" --territory "$MUNI" --period 2023-03 --format csv \
	--top 1000
sed 's/,[^,]*$//' "$T/out" >"$T/cli_muni_norank.csv"
grep -v ',suppressed,' "$T/muni.csv" | sed 's/,[^,]*$//' | grep -v '^section,' |
	while IFS= read -r line; do
		grep -qxF -- "$line" "$T/cli_muni_norank.csv" || fail "municipality API row not the CLI's: $line"
	done
curl -sf "$B/api/v1/situation?territory=$MUNI&period=2023-03" >"$T/muni.json" ||
	fail "GET situation?territory=$MUNI (JSON)"
jq -e --arg m "$MUNI" '.territory == $m and (.data | length) > 0' "$T/muni.json" >/dev/null ||
	fail "municipality JSON: $(head -c 400 "$T/muni.json")"
code=$(curl -s -o "$T/bad.json" -w '%{http_code}' "$B/api/v1/situation?territory=XYZ99")
[ "$code" = 400 ] || fail "unknown territory: HTTP $code"
jq -e '.error.parameter == "territory"' "$T/bad.json" >/dev/null || fail "$(cat "$T/bad.json")"
expect_grep "$T/bad.json" "unknown territory"
expect_grep "$T/bad.json" "territorio desconocido"
code=$(curl -s -o "$T/bad.json" -w '%{http_code}' "$B/api/v1/situation?period=2099-05")
[ "$code" = 400 ] || fail "future period: HTTP $code"
expect_grep "$T/bad.json" "the period is in the future"
code=$(curl -s -o "$T/bad.json" -w '%{http_code}' "$B/api/v1/situation?period=mayo")
[ "$code" = 400 ] || fail "malformed period: HTTP $code"
curl -sf "$B/api/v1/openapi.json" | jq -e '.paths["/api/v1/situation"].get.parameters
	| map(.name) | index("period") and index("territory")' >/dev/null ||
	fail "the OpenAPI document lacks /api/v1/situation"
kill -TERM "$PID"
wait "$PID" 2>/dev/null || true

# --- the demo: CLI and API agree -------------------------------------------
# the demo that completeness.sh and counting.sh share (built once)
fixture_demo "$T/demo" 0.02
for q in "territory=SLV&period=2019-06" "territory=HND&period=2020&level=2&top=5" \
	"territory=GTM&period=2021-Q2&indicator=robbery_rate"; do
	args=$(echo "$q" | sed 's/^/--/; s/&/ --/g; s/=/ /g')
	# shellcheck disable=SC2086
	expect_status 0 "$OBSERVA" situation -d "$T/demo" $args --format csv
	cp "$T/out" "$T/cli.csv"
	[ "$(grep -c '^territory,' "$T/cli.csv")" -ge 2 ] || fail "demo $q: $(cat "$T/cli.csv")"
	grep '^territory,' "$T/cli.csv" | grep -q ',ok,\|,incomplete,' || fail "demo $q: nothing compared"
	echo "$q" >"$T/q"
done
# a year or a month is shown only when every month in it is at or above the
# threshold (docs/disclosure.md); the demo at this scale has small months,
# so its threshold is lowered to 2 for the comparison to cover numbers
printf '[general]\nmin_count = 2\n' >"$T/demo/catalog/disclosure.ini"
start_server "$T/demo"
for q in "territory=SLV&period=2019-06" "territory=HND&period=2020&level=2&top=5" \
	"territory=GTM&period=2021-Q2&indicator=robbery_rate"; do
	args=$(echo "$q" | sed 's/^/--/; s/&/ --/g; s/=/ /g')
	# (every unit ranked, and rows without their rank: the public ranking
	# leaves out the units it hides, as above)
	args=$(echo "$args" | sed 's/ *--top [0-9]*//')
	# shellcheck disable=SC2086
	"$OBSERVA" situation -d "$T/demo" $args --top 1000 --format csv |
		sed 's/,[^,]*$//' >"$T/cli.csv"
	curl -sf "$B/api/v1/situation?$q&format=csv" >"$T/api.csv" || fail "GET situation?$q"
	sed 's/,[^,]*$//' "$T/api.csv" | while IFS= read -r line; do
		case $line in *,suppressed,*) continue ;; esac
		grep -qxF -- "$line" "$T/cli.csv" || fail "demo $q: API row not the CLI's: $line"
	done
	n=$(grep -vc ',suppressed,' "$T/api.csv")
	[ "$n" -ge 3 ] || fail "demo $q: only $n rows shown"
done
