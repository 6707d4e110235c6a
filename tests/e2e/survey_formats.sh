# survey_formats.sh - "observa survey estimate" reads SPSS (.sav) and
# Stata (.dta) microdata: the same data as CSV, .sav and .dta give the same
# estimates byte for byte; a region coded with value labels
# and a "don't know" declared missing give the estimates of the CSV with
# names and empty cells; a code without a label is refused with its case
# and the labels; a damaged file is refused with ReadStat's reason. The
# files are written by ReadStat's own program (readstat) from CSV and a
# description of the variables, as an SPSS or Stata user would save them.
command -v readstat >/dev/null 2>&1 || fail "readstat (Debian package readstat) is not installed"
SV="$OBSERVA_TESTDATA/survey"
IN="$SV/designs_sample.csv"
DESIGN="--weight weight --strata stratum --cluster psu"
ALL="prop:victim,mean:income,total:incidents,prop:reported,ratio:incidents/victim"

# sv OUT ARGS... : "observa survey estimate ARGS" must succeed; stdout to OUT
sv() {
	o=$1
	shift
	expect_status 0 "$OBSERVA" survey estimate "$@"
	[ ! -s "$T/err" ] || { cat "$T/err" >&2; fail "survey estimate $*: unexpected message"; }
	cp "$T/out" "$o"
}

# meta TYPE REGION REPORTED : the description of designs_sample.csv's
# variables for readstat (TYPE SPSS or STATA; REGION, REPORTED the JSON of
# those two variables)
meta() {
	cat <<JSON
{"type": "$1", "variables": [
 {"type": "NUMERIC", "name": "id", "label": "Encuestado"},
 {"type": "STRING", "name": "stratum", "label": "Estrato"},
 {"type": "STRING", "name": "psu", "label": "UPM"},
 {"type": "NUMERIC", "name": "weight", "label": "Factor de expansión"},
 {"type": "NUMERIC", "name": "fpc_frac", "label": "Fracción de muestreo"},
 $2,
 {"type": "NUMERIC", "name": "victim", "label": "Víctima en los últimos 12 meses",
  "categories": [{"code": 0, "label": "No"}, {"code": 1, "label": "Sí"}]},
 $3,
 {"type": "NUMERIC", "name": "incidents", "label": "Hechos sufridos"},
 {"type": "NUMERIC", "name": "income", "label": "Ingreso del hogar"}
]}
JSON
}
STR_REGION='{"type": "STRING", "name": "region", "label": "Región"}'
NUM_REPORTED='{"type": "NUMERIC", "name": "reported", "label": "Denunció"}'

# 1. the same data in every format: the same bytes out
meta SPSS "$STR_REGION" "$NUM_REPORTED" >"$T/spss.json"
meta STATA "$STR_REGION" "$NUM_REPORTED" >"$T/stata.json"
for f in sav dta; do
	m=$T/spss.json
	[ $f = dta ] && m=$T/stata.json
	readstat "$IN" "$m" "$T/same.$f" >/dev/null 2>&1 || fail "readstat could not write same.$f"
done
sv "$T/csv.out" $DESIGN --fpc fpc_frac --estimate "$ALL" --by region,stratum "$IN"
[ "$(wc -l <"$T/csv.out")" -eq 36 ] || { cat "$T/csv.out" >&2; fail "expected 35 estimates from the CSV"; }
for f in sav dta; do
	sv "$T/$f.out" $DESIGN --fpc fpc_frac --estimate "$ALL" --by region,stratum "$T/same.$f"
	cmp -s "$T/csv.out" "$T/$f.out" || { diff "$T/csv.out" "$T/$f.out" >&2; fail ".$f gives other estimates than the CSV"; }
done
# JSON too, but for the file's name
sv "$T/csv.json" $DESIGN --estimate prop:victim --by region --format json "$IN"
sv "$T/sav.json" $DESIGN --estimate prop:victim --by region --format json "$T/same.sav"
sed 's|"file":"[^"]*"||' "$T/csv.json" >"$T/a"
sed 's|"file":"[^"]*"||' "$T/sav.json" >"$T/b"
cmp -s "$T/a" "$T/b" || { diff "$T/a" "$T/b" >&2; fail "JSON from .sav differs from CSV's"; }

# 2. as a survey office ships it: region as labelled codes (1 Norte,
# 2 Sur), "reported" with 9 (No sabe) declared missing in SPSS and
# Stata's .a in place of the empty cells
awk -F, -v OFS=, 'NR > 1 { $6 = ($6 == "Norte" ? 1 : 2); if ($8 == "") $8 = 9 } { print }' "$IN" >"$T/coded.csv"
NUM_REGION='{"type": "NUMERIC", "name": "region", "label": "Región",
  "categories": [{"code": 1, "label": "Norte"}, {"code": 2, "label": "Sur"}]}'
MISS_REPORTED='{"type": "NUMERIC", "name": "reported", "label": "Denunció",
  "categories": [{"code": 0, "label": "No"}, {"code": 1, "label": "Sí"}, {"code": 9, "label": "No sabe"}],
  "missing": {"type": "DISCRETE", "values": [9]}}'
meta SPSS "$NUM_REGION" "$MISS_REPORTED" >"$T/coded.json"
readstat "$T/coded.csv" "$T/coded.json" "$T/coded.sav" >/dev/null 2>&1 || fail "readstat could not write coded.sav"
sv "$T/coded.out" $DESIGN --estimate "$ALL" --by region "$T/coded.sav"
sv "$T/names.out" $DESIGN --estimate "$ALL" --by region "$IN"
# the same rows once region's codes are read as their labels
awk -F, -v OFS=, 'NR > 1 && $5 == "region" { $6 = ($6 == 1 ? "Norte" : $6 == 2 ? "Sur" : "?") } { print }' \
	"$T/coded.out" >"$T/coded.named"
cmp -s "$T/names.out" "$T/coded.named" || { diff "$T/names.out" "$T/coded.named" >&2; fail "labelled codes and declared missing give other estimates"; }
# without the declaration, 9 is a value: prop:reported refuses it
sed 's/"missing": {"type": "DISCRETE", "values": \[9\]}/"label2": ""/' "$T/coded.json" >"$T/nomiss.json"
readstat "$T/coded.csv" "$T/nomiss.json" "$T/nomiss.sav" >/dev/null 2>&1 || fail "readstat could not write nomiss.sav"
expect_status 1 "$OBSERVA" survey estimate $DESIGN --estimate prop:reported "$T/nomiss.sav"
expect_grep "$T/err" "nomiss.sav:2:8"

# 3. a region code the file does not label: refused with the case and the labels
awk -F, -v OFS=, 'NR == 12 { $6 = 3 } { print }' "$T/coded.csv" >"$T/code3.csv"
readstat "$T/code3.csv" "$T/coded.json" "$T/code3.sav" >/dev/null 2>&1 || fail "readstat could not write code3.sav"
expect_status 1 "$OBSERVA" survey estimate $DESIGN --estimate prop:victim --by region "$T/code3.sav"
[ ! -s "$T/out" ] || fail "output after an unlabelled code"
expect_grep "$T/err" "code3.sav:11:6"
expect_grep "$T/err" "caso 11"
expect_grep "$T/err" "1 (Norte), 2 (Sur)"
expect_status 1 "$OBSERVA" --lang en survey estimate $DESIGN --estimate prop:region=4 "$T/coded.sav"
expect_grep "$T/err" "has no label in the file"
# --values admits it: a domain of its own
sv "$T/code3.out" $DESIGN --estimate prop:victim --by region --values 'region=1|2|3' "$T/code3.sav"
expect_grep "$T/code3.out" ",region,3,"

# 4. damaged and missing files: refused, named, nothing on stdout
head -c 300 "$T/coded.sav" >"$T/cut.sav"
expect_status 1 "$OBSERVA" survey estimate $DESIGN --estimate victim "$T/cut.sav"
[ ! -s "$T/out" ] || fail "output from a damaged file"
expect_grep "$T/err" "cut.sav"
printf 'not a stata file\n' >"$T/text.dta"
expect_status 1 "$OBSERVA" survey estimate $DESIGN --estimate victim "$T/text.dta"
expect_grep "$T/err" "text.dta"
expect_status 1 "$OBSERVA" survey estimate $DESIGN --estimate victim "$T/none.sav"
expect_grep "$T/err" "none.sav"

# 5. "observa stats" reads them too, streamed or whole: the same bytes as the CSV
for sub in rate eb; do
	expect_status 0 "$OBSERVA" stats $sub --count incidents --population weight "$IN"
	cp "$T/out" "$T/stats-csv"
	expect_status 0 "$OBSERVA" stats $sub --count incidents --population weight "$T/same.dta"
	cmp -s "$T/stats-csv" "$T/out" || { diff "$T/stats-csv" "$T/out" >&2; fail "stats $sub: .dta differs from CSV"; }
	[ "$(wc -l <"$T/out")" -gt 40 ] || fail "stats $sub: too few rows"
done
