# survey_replicates.sh - "observa survey estimate --repweights" on the
# replicate-weight references (tests/data/survey/replicates*.csv, made by
# make_replicates.R with R's svrepdesign): a BRR and a JK1 design by region,
# every row compared with R's to 1e-9 relative, quantiles too (quantiles.csv,
# make_quantiles.R, and their other intervals, quantile_ci.csv); bad input
# refused with its
# file, line, column and value, and nothing on standard output.
SV="$OBSERVA_TESTDATA/survey"
CMP="$(dirname "$0")/stats_compare.awk"
IN="$SV/replicates_sample.csv"
ALL="prop:victim,mean:income,total:incidents,prop:reported,ratio:incidents/victim"
Q="quantile:income:0.25,quantile:income:0.5,quantile:income:0.75"
ncompared=0

for d in brr jk1; do
	case $d in
	brr) rep="--repweights brr --rep-type brr" ;;
	jk1) rep="--repweights jk --rep-type jk1" ;;
	esac
	# shellcheck disable=SC2086
	expect_status 0 "$OBSERVA" survey estimate --weight weight $rep --estimate "$ALL" \
		--estimate "$Q" --by region "$IN"
	[ ! -s "$T/err" ] || { cat "$T/err" >&2; fail "$d: unexpected message"; }
	grep -v '^quantile,' "$T/out" >"$T/$d.csv"
	awk -v keys=estimator,variable,domain -v cols=estimate,se,df=degf -v "where=design=$d" \
		-f "$CMP" "$SV/replicates.csv" "$T/$d.csv" >"$T/cmp" 2>&1 || {
		cat "$T/cmp" >&2
		fail "$d differs from R"
	}
	# quantiles: Woodruff's interval with the replicates' variance of F
	awk -v keys=variable,value=quantile,domain -v cols=estimate,se,ci_lower,ci_upper,df=degf \
		-v "where=design=$d,interval=t" -v awhere=estimator=quantile \
		-f "$CMP" "$SV/quantiles.csv" "$T/out" >"$T/cmp" 2>&1 || {
		cat "$T/cmp" >&2
		fail "$d: quantiles differ from R"
	}
	ncompared=$((ncompared + 2))
done
# svyquantile's other intervals of F (quantile_ci.csv, make_quantile_ci.R)
for qc in beta xlogit asin; do
	expect_status 0 "$OBSERVA" survey estimate --weight weight --repweights brr --rep-type brr \
		--estimate quantile:income:0.25,quantile:income:0.5 --by region --quantile-ci "$qc" "$IN"
	awk -v keys=variable,value=quantile,domain -v cols=estimate,se,ci_lower,ci_upper,df=degf \
		-v "where=design=brr,interval_type=$qc" -f "$CMP" "$SV/quantile_ci.csv" "$T/out" \
		>"$T/cmp" 2>&1 || { cat "$T/cmp" >&2; fail "brr: $qc quantile intervals differ from R"; }
	ncompared=$((ncompared + 1))
done
expect_grep "$T/out" ",asin,"
[ "$ncompared" -eq 7 ] || fail "compared $ncompared outputs, expected 7"
# replicates named one by one give the same as the prefix
expect_status 0 "$OBSERVA" survey estimate --weight weight --rep-type brr \
	--repweights brr1,brr2,brr3,brr4,brr5,brr6,brr7,brr8,brr9,brr10,brr11,brr12 \
	--estimate "$ALL" --by region "$IN"
cmp -s "$T/out" "$T/brr.csv" || fail "a list of replicate columns differs from their prefix"

# bad input: exit 1, the position and the value, nothing on stdout
refuse() {
	text=$1 f=$2
	shift 2
	expect_status 1 "$OBSERVA" survey estimate "$@" "$f"
	[ ! -s "$T/out" ] || fail "survey estimate $*: output after an error"
	expect_grep "$T/err" "$text"
}
refuse "«brr13»" "$IN" --weight weight --rep-type brr --repweights brr1,brr13 --estimate victim
refuse "«zz»" "$IN" --weight weight --rep-type brr --repweights zz --estimate victim
# a negative replicate weight (column brr2 is column 11) and a weight of 0
awk -F, -v OFS=, 'NR == 4 { $11 = -3 } { print }' "$IN" >"$T/neg.csv"
refuse "neg.csv:4:11" "$T/neg.csv" --weight weight --rep-type brr --repweights brr --estimate victim
awk -F, -v OFS=, 'NR == 6 { $4 = 0 } { print }' "$IN" >"$T/w0.csv"
refuse "w0.csv:6:4" "$T/w0.csv" --weight weight --rep-type brr --repweights brr --estimate victim
refuse "jkn" "$IN" --weight weight --rep-type jkn --repweights jn --estimate victim
# a replicate design with strata or clusters is refused, naming both
expect_status 2 "$OBSERVA" survey estimate --weight weight --strata stratum --rep-type brr \
	--repweights brr --estimate victim "$IN"
[ ! -s "$T/out" ] || fail "strata and replicates: output after an error"
expect_grep "$T/err" "--strata"
expect_status 2 "$OBSERVA" survey estimate --weight weight --repweights brr --estimate victim "$IN"
expect_status 2 "$OBSERVA" survey estimate --weight weight --rep-type fay --repweights fay \
	--rho 1.5 --estimate victim "$IN"
