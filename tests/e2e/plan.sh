# plan.sh - "observa plan status" on a plan (tests/data/plan/plan.ini) whose
# indicators are the survey of tests/data/survey_ingest, ingested as a 2019
# and a 2023 survey, and a homicide rate without deliveries: each value is
# the stored estimate in percent, each path the linear one from the
# baseline through the targets, each status the rule of docs/commands/plan.md
# applied to the interval (worked out here again from the printed columns);
# a suppressed estimate and an indicator without data have no status;
# --year takes the latest value up to that year; a bad plan is refused
# with its file, line, column and value.
O="$T/obs"
init_obs -q "$O"
mkdir -p "$O/catalog/surveys" "$O/catalog/plans"
cp "$OBSERVA_TESTDATA/survey_ingest/victimization.ini" "$O/catalog/surveys/slv-test.ini"
cp "$OBSERVA_TESTDATA/plan/plan.ini" "$O/catalog/plans/test-plan.ini"
CSV="$OBSERVA_TESTDATA/survey_ingest/victimization.csv"
expect_status 0 "$OBSERVA" survey ingest -q -d "$O" --profile slv-test "$CSV"
expect_status 0 "$OBSERVA" survey ingest -q -d "$O" --profile slv-test --period 2019 "$CSV"
expect_status 0 "$OBSERVA" survey list -d "$O"
cp "$T/out" "$T/list.csv"

# check YEAR STATUS_FILE: every row of "plan status --format csv --lang en"
check() {
	awk -F, -v year="$1" '
	# path of one plan indicator (baseline and targets as in plan.ini)
	function path(id, y) {
		if (id == "victimas") return lin(y, 2019, 20, 2025, 5)
		if (id == "seguridad") return y <= 2021 ? lin(y, 2019, 30, 2021, 45) : lin(y, 2021, 45, 2025, 60)
		if (id == "pareja_slv01") return lin(y, 2019, 25, 2025, 19)
		if (id == "pareja_slv04") return lin(y, 2019, 25, 2025, 10)
		return lin(y, 2019, 50, 2025, 10)
	}
	function lin(y, y0, v0, y1, v1) { return y <= y0 ? v0 : v0 + (v1 - v0) * (y - y0) / (y1 - y0) }
	function ind(id) {
		return id == "victimas" ? "violence_victims_share" : id == "seguridad" ? "feel_safe_night_share" : "partner_violence_women_share"
	}
	# the estimates of the whole universe (sex T), not of its women or men
	NR == FNR { if (FNR > 1 && $4 == "T") est[$2 "," $3 "," $5] = $6 "," $8 "," $9; next }
	FNR == 1 { next }
	{
		id = $2; rows++
		if ($3 == "catalog") {
			if ($15 != "no_data" || $6 != "") { print id ": a value without deliveries: " $0; bad = 1 }
			next
		}
		# the latest survey up to the year: 2023, or 2019 before 2023
		y = year >= 2023 ? 2023 : 2019
		if ($5 != y) { print id ": year " $5 ", expected " y; bad = 1 }
		k = ind(id) "," $4 "," y
		split(est[k], e, ",")
		if (e[1] == "") {
			if ($6 != "" || $15 != "no_data" || $16 !~ /^suppressed/) { print id ": suppressed, shown as " $0; bad = 1 }
			next
		}
		if ($6 != sprintf("%.2f", 100 * e[1]) || $7 != sprintf("%.2f", 100 * e[2]) ||
		    $8 != sprintf("%.2f", 100 * e[3])) { print id ": value " $6 " " $7 " " $8 " against " est[k]; bad = 1 }
		p = path(id, y)
		if ($9 != sprintf("%.2f", p)) { print id ": path " $9 ", expected " p; bad = 1 }
		lo = 100 * e[2]; hi = 100 * e[3]
		if ($14 == "down") want = hi <= p ? "on_track" : lo > p ? "off_track" : "at_risk"
		else want = lo >= p ? "on_track" : hi < p ? "off_track" : "at_risk"
		if ($15 != want) { print id ": " $15 ", expected " want; bad = 1 }
		seen[$15]++
	}
	END {
		if (rows != 5) { print rows " rows, expected 5"; bad = 1 }
		exit bad
	}' "$T/list.csv" "$2" >"$T/cmp" || { cat "$T/cmp" "$2" >&2; fail "plan status for $1"; }
}

expect_status 0 "$OBSERVA" plan status -d "$O" --format csv --lang en
cp "$T/out" "$T/status.csv"
check 2026 "$T/status.csv"
# the rule is not the point's: at least one indicator whose point is on the
# good side of its path is at risk, its interval crossing the path
awk -F, 'NR > 1 && $15 == "at_risk" && (($14 == "down" && $6 < $9) || ($14 == "up" && $6 > $9))' \
	"$T/status.csv" | grep -q . || { cat "$T/status.csv" >&2; fail "no point on track held at risk by its interval"; }
expect_status 0 "$OBSERVA" plan status -d "$O" --plan test-plan --year 2022 --format csv --lang en
cp "$T/out" "$T/status2022.csv"
check 2022 "$T/status2022.csv"
# Spanish columns and words by default
expect_status 0 "$OBSERVA" plan status -d "$O"
expect_grep "$T/out" "estado"
expect_grep "$T/out" "sin_datos"

# refusals
printf '[plan]\ncode = b\ncountry = SLV\n[indicator x]\nindicator = homicide_rate\nbaseline = 1\nbaseline_year = 2015\ntarget 2020 = 1\ndirection = sideways\n' \
	>"$O/catalog/plans/bad.ini"
expect_status 2 "$OBSERVA" plan status -d "$O" --year 1800
expect_status 2 "$OBSERVA" plan status -d "$O" --format xml
expect_grep "$T/err" "--format «xml»: se esperaba text, csv o json"
expect_status 2 "$OBSERVA" --lang en situation -d "$O" --period 2024 --format xml
expect_grep "$T/err" "--format «xml»: expected text, csv or json"
expect_status 1 "$OBSERVA" plan status -d "$O"
expect_grep "$T/err" "hay 2 planes"
expect_status 1 "$OBSERVA" plan status -d "$O" --plan bad
expect_grep "$T/err" "bad.ini:9:13"
expect_grep "$T/err" "«sideways»"
expect_status 1 "$OBSERVA" plan status -d "$O" --plan none
expect_grep "$T/err" "no hay plan «none»"
