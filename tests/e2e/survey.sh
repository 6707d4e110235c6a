# survey.sh - "observa survey estimate" on the survey references
# (tests/data/survey, made with R's survey package): CSV in, CSV out, every
# row compared with R's to 1e-9 relative for lonely PSUs under "adjust" and
# "remove", fpc as fractions, domains and the proportion intervals; JSON
# agrees with CSV; a Windows-1252 file with ';' gives the same estimates;
# bad input is refused with its file, line, column and value, and nothing
# on standard output; a domain without respondents is flagged, not a number.
# Quantiles and the likelihood interval against quantiles.csv and
# svyciprop_likelihood.csv (make_quantiles.R); the Wilson interval against
# wilson.csv (make_wilson.R); declared later stages against stages.csv
# (make_stages.R).
SV="$OBSERVA_TESTDATA/survey"
CMP="$(dirname "$0")/stats_compare.awk"
IN="$SV/designs_sample.csv"
ncompared=0

# sv OUT ARGS... : "observa survey estimate ARGS" must succeed; stdout to OUT
sv() {
	o=$1
	shift
	expect_status 0 "$OBSERVA" survey estimate "$@"
	[ ! -s "$T/err" ] || { cat "$T/err" >&2; fail "survey estimate $*: unexpected message"; }
	cp "$T/out" "$o"
}

# agree EXPECTED ACTUAL ASSIGNMENTS...
agree() {
	e=$1 a=$2
	shift 2
	awk "$@" -f "$CMP" "$e" "$a" >"$T/cmp" 2>&1 || {
		cat "$T/cmp" >&2
		fail "$a differs from $e ($*)"
	}
	ncompared=$((ncompared + 1))
}

DESIGN="--weight weight --strata stratum --cluster psu"
ALL="prop:victim,mean:income,total:incidents,prop:reported,ratio:incidents/victim"
for d in adjust adjust_fpc remove remove_fpc; do
	case $d in
	*_fpc) fpc="--fpc fpc_frac" ;;
	*) fpc="" ;;
	esac
	rule=${d%_fpc}
	# shellcheck disable=SC2086
	sv "$T/$d.csv" $DESIGN $fpc --lonely-psu "$rule" --estimate "$ALL" --by region \
		--prop-ci wald "$IN"
	agree "$SV/designs.csv" "$T/$d.csv" -v keys=estimator,variable,domain \
		-v cols=estimate,se,ci_lower,ci_upper,deff,df=degf -v "where=design=$d,ci_method=wald"
	# the rule is stated on every row, and the lonely stratum flagged
	awk -F, -v r="$rule" 'NR > 1 && ($19 != r || $20 !~ /upm_solitaria/) { bad = 1 }
		END { exit bad }' "$T/$d.csv" || fail "$d: lonely-PSU rule not stated"
	# every interval of proportions on one design (tests/unit/survey checks
	# them all on every design; here the command's wiring)
	[ "$d" = adjust_fpc ] || continue
	for m in beta asin xlogit; do
		# shellcheck disable=SC2086
		sv "$T/$d-$m.csv" $DESIGN $fpc --lonely-psu "$rule" --estimate prop:victim \
			--by region --prop-ci "$m" "$IN"
		agree "$SV/designs.csv" "$T/$d-$m.csv" -v keys=estimator,variable,domain \
			-v cols=estimate,se,ci_lower,ci_upper -v "where=design=$d,ci_method=$m"
	done
done
[ "$ncompared" -eq 7 ] || fail "compared $ncompared outputs, expected 7"
# the comparison notices a standard error off by 1e-8
awk -F, -v OFS=, 'NR == 3 { $8 = sprintf("%.15g", $8 * (1 + 1e-8)) } { print }' \
	"$T/adjust.csv" >"$T/perturbed.csv"
if awk -v keys=estimator,variable,domain -v cols=estimate,se -v where=design=adjust,ci_method=wald \
	-f "$CMP" "$SV/designs.csv" "$T/perturbed.csv" >/dev/null 2>&1; then
	fail "the comparison did not notice a perturbed standard error"
fi

# the first reference set: svyciprop, overall and by sex, on survey_sample.csv
sv "$T/sample.csv" --weight weight --strata stratum --cluster psu --estimate prop:victim \
	--by sex --prop-ci wald "$SV/survey_sample.csv"
agree "$SV/domains.csv" "$T/sample.csv" -v keys=domain -v awhere=by=sex \
	-v cols=estimate,se,deff,ci_lower=ci_lower_t_degf,ci_upper=ci_upper_t_degf \
	-v where=design=strat_clus,domain_var=sex
sv "$T/sample-n.csv" --weight weight --strata stratum --cluster psu --estimate prop:victim \
	--by sex --prop-ci wald --interval normal "$SV/survey_sample.csv"
agree "$SV/domains.csv" "$T/sample-n.csv" -v keys=domain -v awhere=by=sex \
	-v cols=estimate,se,ci_lower=ci_lower_normal,ci_upper=ci_upper_normal \
	-v where=design=strat_clus,domain_var=sex

# prop:VAR=VALUE is the share with that value: sex=F is 1 - sex=M
sv "$T/sexf.csv" $DESIGN --estimate prop:region=Norte,prop:region=Sur "$IN"
awk -F, 'NR > 1 { s += $7; n++ } END { if (n != 2 || s < 1 - 1e-12 || s > 1 + 1e-12) exit 1 }' \
	"$T/sexf.csv" || fail "shares of region do not add up to 1"

# JSON carries the same numbers and states the design
sv "$T/adjust.json" $DESIGN --estimate "$ALL" --by region --prop-ci wald --format json "$IN"
python3 - "$T/adjust.json" "$T/adjust.csv" <<'PY' || fail "JSON and CSV disagree"
import csv, json, sys
j = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
assert j["design"]["lonely_psu"] == "adjust" and j["design"]["lonely_strata"] == 1
assert j["design"]["psus"] == 10 and j["design"]["strata"] == 4 and j["design"]["df"] == 6
assert j["design"]["stages"] == 1
assert len(j["estimates"]) == len(rows) == 15
for e, r in zip(j["estimates"], rows):
    for k in ("estimate", "se", "ci_lower", "ci_upper"):
        # CSV has 15 significant digits, JSON 17
        assert abs(float(r[k]) - e[k]) <= 1e-14 * abs(e[k]), (k, r[k], e[k])
    assert (e["deff"] is None) == (r["deff"] == "")
    assert e["n"] == int(r["n"]) and (e["domain"] or "") == r["domain"]
PY

# Windows-1252 with ';' and a header with an accent: the same estimates
sed 's/region/región/' "$IN" | tr ',' ';' | iconv -f UTF-8 -t WINDOWS-1252 >"$T/cp1252.csv"
sv "$T/cp1252.out" $DESIGN --estimate "$ALL" --by región --prop-ci wald "$T/cp1252.csv"
cut -d, -f1-4,6- "$T/cp1252.out" >"$T/a"
cut -d, -f1-4,6- "$T/adjust.csv" >"$T/b"
cmp -s "$T/a" "$T/b" || { diff "$T/a" "$T/b" >&2; fail "Windows-1252 input gives other estimates"; }
expect_grep "$T/cp1252.out" ",región,"

# a domain without respondents (--values lists Este): flagged, no number,
# for a proportion and for a quantile
sv "$T/este.csv" $DESIGN --estimate prop:victim,quantile:income:0.5 --by region \
	--values 'region=Norte|Sur|Este|Sur' "$IN"
awk -F, '$6 == "Este" { found++; if ($7 != "" || $8 != "" || $16 != 0 || $20 !~ /sin_casos/) exit 1 }
	$6 == "Sur" { sur++ } END { exit !(found == 2 && sur == 2) }' "$T/este.csv" || { cat "$T/este.csv" >&2; fail "empty domain not flagged"; }
# few respondents and high CV are flagged with the thresholds given
sv "$T/flags.csv" $DESIGN --estimate prop:victim --by region --min-n 20 --max-cv 0.2 --lang en "$IN"
expect_grep "$T/flags.csv" "few_cases"
expect_grep "$T/flags.csv" "high_cv"

# quantiles (svyquantile: qrule "math", Woodruff's interval) and the
# likelihood interval of proportions (the exact limits of survey's profile)
# for everyone and by sex, t and normal; quantiles with a lonely PSU by
# region; undefined limits empty
Q="quantile:age:0.25,quantile:age:0.5,quantile:age:0.75"
Q="$Q,quantile:n_incidents:0.25,quantile:n_incidents:0.5,quantile:n_incidents:0.75"
for iv in t normal; do
	sv "$T/q-$iv.csv" --weight weight --strata stratum --cluster psu --estimate "$Q,prop:victim" \
		--prop-ci likelihood --by sex --interval "$iv" "$SV/survey_sample.csv"
	agree "$SV/quantiles.csv" "$T/q-$iv.csv" -v keys=variable,value=quantile,domain \
		-v cols=estimate,se,ci_lower,ci_upper -v "where=design=strat_clus,interval=$iv" \
		-v awhere=estimator=quantile
	agree "$SV/svyciprop_likelihood.csv" "$T/q-$iv.csv" -v keys=domain -v awhere=estimator=prop \
		-v cols=estimate,se,ci_lower=exact_lower,ci_upper=exact_upper \
		-v "where=design=strat_clus,interval=$iv"
done
expect_grep "$T/q-t.csv" "quantile,age,,0.5,,,47,"
expect_grep "$T/q-t.csv" ",woodruff,"
expect_grep "$T/q-t.csv" ",likelihood,"
sv "$T/q-adjust.csv" $DESIGN --lonely-psu adjust --estimate quantile:income:0.25,quantile:income:0.5 \
	--estimate quantile:income:0.75 --by region "$IN"
agree "$SV/quantiles.csv" "$T/q-adjust.csv" -v keys=variable,value=quantile,domain \
	-v cols=estimate,se,ci_lower,ci_upper -v where=design=adjust,interval=t
# the Wilson interval with the effective sample size (make_wilson.R), for
# everyone and by sex, t and normal
for iv in t normal; do
	sv "$T/w-$iv.csv" $DESIGN --estimate prop:victim --prop-ci wilson --by sex --interval "$iv" \
		"$SV/survey_sample.csv"
	agree "$SV/wilson.csv" "$T/w-$iv.csv" -v keys=domain -v cols=estimate,se,ci_lower,ci_upper \
		-v "where=design=strat_clus,variable=victim,interval=$iv"
done
expect_grep "$T/w-t.csv" ",wilson,"
[ "$ncompared" -eq 16 ] || fail "compared $ncompared outputs, expected 16"

# declared later stages (make_stages.R, stages.csv): stage-2 strata with fpc
# at both stages, and stage 2 with replacement ("-"); every estimator by
# region (tests/unit/survey/test_stages.c checks every design)
ST="$SV/stages_sample.csv"
SALL="mean:income,prop:victim,total:incidents,ratio:incidents/victim,quantile:income:0.5"
for d in two_s2 two_wr2; do
	case $d in
	two_s2) a="--strata stratum,s2 --cluster psu,ssu --fpc N1,N2s" ;;
	two_wr2) a="--strata stratum --cluster psu,ssu --fpc N1,-" ;;
	esac
	# shellcheck disable=SC2086
	sv "$T/st-$d.csv" --weight weight $a --estimate "$SALL" --by region --prop-ci wald "$ST"
	agree "$SV/stages.csv" "$T/st-$d.csv" -v keys=estimator,variable,domain \
		-v awhere=ci_method=wald -v cols=estimate,se,ci_lower,ci_upper,deff,df=degf \
		-v "where=design=$d,lonely=adjust,ci_method=wald"
	agree "$SV/stages.csv" "$T/st-$d.csv" -v keys=variable,value=quantile,domain \
		-v awhere=estimator=quantile -v cols=estimate,se,ci_lower,ci_upper \
		-v "where=design=$d,lonely=adjust,estimator=quantile,quantile=0.5"
	# PSU B/Q2 has a single SSU: every estimate rests on the rule
	awk -F, 'NR > 1 && ($19 != "adjust" || $20 !~ /upm_solitaria/) { bad = 1 }
		END { exit bad }' "$T/st-$d.csv" || fail "$d: lonely SSU not flagged"
done
[ "$ncompared" -eq 20 ] || fail "compared $ncompared outputs, expected 20"

# bad input: exit 1, the position and the value, nothing on stdout
# refuse EXPECTED-TEXT FILE ARGS...
refuse() {
	text=$1 f=$2
	shift 2
	expect_status 1 "$OBSERVA" survey estimate "$@" "$f"
	[ ! -s "$T/out" ] || fail "survey estimate $*: output after an error"
	expect_grep "$T/err" "$text"
}
awk -F, -v OFS=, 'NR == 5 { $4 = 0 } { print }' "$IN" >"$T/w0.csv"
refuse "w0.csv:5:4" "$T/w0.csv" $DESIGN --estimate victim
awk -F, -v OFS=, 'NR == 6 { $4 = "" } { print }' "$IN" >"$T/wempty.csv"
refuse "wempty.csv:6:4" "$T/wempty.csv" $DESIGN --estimate victim
awk -F, -v OFS=, 'NR == 7 { $7 = 2 } { print }' "$IN" >"$T/v2.csv"
refuse "v2.csv:7:7" "$T/v2.csv" $DESIGN --estimate prop:victim
refuse "designs_sample.csv:2:6" "$IN" $DESIGN --estimate victim --by region --values 'region=Norte|Oeste'
refuse "«Este»" "$IN" $DESIGN --estimate prop:region=Este --values 'region=Norte|Sur'
refuse "«C»" "$IN" $DESIGN --lonely-psu fail --estimate victim
refuse "«peso»" "$IN" --weight peso --estimate victim
refuse "«nada»" "$IN" $DESIGN --estimate mean:nada
awk -F, -v OFS=, 'NR == 9 { $5 = 0.3 } { print }' "$IN" >"$T/fpc.csv"
refuse "fpc.csv:9:5" "$T/fpc.csv" $DESIGN --fpc fpc_frac --estimate victim
# later stages: --fpc not one per stage; an SSU fpc that changes within its
# PSU; a lonely SSU under "fail" (test_stages.c: an fpc below the SSUs sampled)
refuse "N1,-" "$ST" --weight weight --strata stratum --cluster psu,ssu --fpc N1 --estimate income
awk -F, -v OFS=, 'NR == 3 { $7 = 99 } { print }' "$ST" >"$T/st-n2.csv"
refuse "st-n2.csv:3:7" "$T/st-n2.csv" --weight weight --strata stratum --cluster psu,ssu \
	--fpc N1,N2 --estimate income
expect_grep "$T/err" "99"
lonely_line=$(awk -F, '$2 == "B" && $3 == "Q2" { print NR; exit }' "$ST")
refuse "stages_sample.csv:$lonely_line:4:" "$ST" --weight weight --strata stratum --cluster psu,ssu \
	--fpc N1,N2 --lonely-psu fail --estimate income
expect_status 2 "$OBSERVA" survey estimate $DESIGN --estimate median:victim "$IN"
# the likelihood interval is not one of svyquantile's
expect_status 2 "$OBSERVA" survey estimate $DESIGN --estimate quantile:income:0.5 \
	--quantile-ci likelihood "$IN"
expect_grep "$T/err" "quantile-ci"
expect_status 2 "$OBSERVA" survey estimate $DESIGN --estimate quantile:income:0.5 \
	--quantile-ci wilson "$IN"
expect_grep "$T/err" "quantile-ci"
# a quantile of a variable that is not a number; P outside (0, 1) or missing
refuse "designs_sample.csv:2:6" "$IN" $DESIGN --estimate quantile:region:0.5
for bad in quantile:income:1.5 quantile:income; do
	expect_status 2 "$OBSERVA" survey estimate $DESIGN --estimate "$bad" "$IN"
	[ ! -s "$T/out" ] || fail "survey estimate --estimate $bad: output after an error"
done
expect_grep "$T/err" "quantile:VAR:P"
expect_status 2 "$OBSERVA" survey estimate --estimate victim "$IN"
expect_status 0 "$OBSERVA" survey --help
expect_grep "$T/out" "estimate"
