# stats.sh - "observa stats" on the R reference inputs agrees with the R
# outputs (tests/data/reference, every row, 1e-9 relative, 1e-6 for the
# trend), edge cases included (spatial/make_edge_cases.R: areas without cases
# or population, islands, values that do not vary); flags rates that cannot
# be right; reads '.' and ',' by the rule of each column; refuses bad input
# with its position and exit status and writes nothing then; and the
# comparison itself notices a perturbed value.
REF="$OBSERVA_TESTDATA/reference"
RT="$REF/rates"
SP="$REF/spatial"
CL="$REF/classification"
CO="$REF/composite"
CMP="$(dirname "$0")/stats_compare.awk"
[ -f "$CMP" ] || fail "no $CMP"

# st OUT ARGS... : "observa stats ARGS" must succeed; its stdout goes to OUT
st() {
	o=$1
	shift
	expect_status 0 "$OBSERVA" stats "$@"
	[ ! -s "$T/err" ] || { cat "$T/err" >&2; fail "stats $*: unexpected message"; }
	cp "$T/out" "$o"
}

# agree EXPECTED ACTUAL ASSIGNMENTS... : the comparison passes
agree() {
	e=$1 a=$2
	shift 2
	awk "$@" -f "$CMP" "$e" "$a" >"$T/cmp" 2>&1 || {
		cat "$T/cmp" >&2
		fail "$a differs from $e ($*)"
	}
	ncompared=$((ncompared + 1))
}

# differ EXPECTED ACTUAL ASSIGNMENTS... : the comparison fails
differ() {
	e=$1 a=$2
	shift 2
	if awk "$@" -f "$CMP" "$e" "$a" >"$T/cmp" 2>&1; then
		cat "$T/cmp" >&2
		fail "the comparison did not notice the change in $e ($*)"
	fi
}

# col FILE NAME : the number of column NAME in FILE's header
col() {
	awk -F, -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) print i; exit }' "$1"
}

# refuse STATUS MESSAGE ARGS... : "observa stats ARGS" exits STATUS, says
# MESSAGE on stderr and writes nothing on stdout
refuse() {
	want=$1 msg=$2
	shift 2
	expect_status "$want" "$OBSERVA" stats "$@"
	expect_grep "$T/err" "$msg"
	[ ! -s "$T/out" ] || { cat "$T/out" >&2; fail "stats $*: wrote on stdout and failed"; }
}

ncompared=0

# ---- rate: Garwood exact intervals, poisson.test ------------------------
for L in 0.9 0.95 0.99; do
	st "$T/rate$L.csv" rate --count count --population population --level $L \
		"$RT/poisson_counts.csv"
	agree "$RT/poisson_exact_ci.csv" "$T/rate$L.csv" -v keys=case_id -v where=conf_level=$L \
		-v cols=count,population,rate=rate_per_100k,lower=rate_lower_exact_per_100k,upper=rate_upper_exact_per_100k
done
# unreliable says count < 20 or a flag; the one flag is c12's population of
# 730, under the floor of 1000
awk -F, -v c="$(col "$T/rate0.95.csv" count)" -v p="$(col "$T/rate0.95.csv" population)" \
	-v u="$(col "$T/rate0.95.csv" unreliable)" -v f="$(col "$T/rate0.95.csv" flags)" \
	'NR > 1 { n++; want = $p < 1000 ? "poblacion_pequena" : ""; if ($f != want) exit 1
	          if ($u != ($c < 20 || $f != "" ? "true" : "false")) exit 1 }
	 END { if (n != 14) exit 1 }' \
	"$T/rate0.95.csv" || fail "unreliable/flags of stats rate"
grep -q '^c12,4,730,.*,true,poblacion_pequena$' "$T/rate0.95.csv" || fail "c12 under the floor"
# --per: the same rates per 1,000
st "$T/rate1k.csv" rate --count count --population population --per 1000 "$RT/poisson_counts.csv"
awk -F, 'NR == FNR { r[FNR] = $4; next } FNR > 1 && $4 * 100 != r[FNR] + 0 &&
	(($4 * 100 - r[FNR]) / r[FNR]) ^ 2 > 1e-24 { exit 1 }' "$T/rate0.95.csv" "$T/rate1k.csv" ||
	fail "--per 1000 is not the rate per 100,000 divided by 100"
# a population of 0: no rate, flagged (Spanish, then English)
printf 'area,deaths,pop\nA,3,0\nB,0,0\nC,25,100000\n' >"$T/pop0.csv"
st "$T/pop0.out" rate --count deaths --population pop "$T/pop0.csv"
grep -qx 'A,3,0,,,,true,sin_poblacion;inverosimil' "$T/pop0.out" || { cat "$T/pop0.out"; fail "population 0"; }
grep -qx 'B,0,0,,,,true,sin_poblacion' "$T/pop0.out" || fail "population 0, count 0"
grep -q '^C,25,100000,25,[0-9.]*,[0-9.]*,false,$' "$T/pop0.out" || fail "rate of C"
st "$T/pop0en.out" rate --count deaths --population pop --lang en "$T/pop0.csv"
grep -qx 'A,3,0,,,,true,no_population;implausible' "$T/pop0en.out" || fail "population 0 in English"
# a count above its population, or a population under the floor, is never
# reliable, however many events: 25 in half a person is not 5,000,000 per 100,000
printf 'area,deaths,pop\nhalf,25,0.5\nsmall,25,900\nover,30,20\nedge,25,1000\nfine,25,50000\n' >"$T/implausible.csv"
st "$T/impl.out" rate --count deaths --population pop "$T/implausible.csv"
grep -qx 'half,25,0.5,5000000,[0-9.e+]*,[0-9.e+]*,true,inverosimil;poblacion_pequena' "$T/impl.out" ||
	{ cat "$T/impl.out"; fail "25 in a population of 0.5"; }
grep -q '^small,25,900,.*,true,poblacion_pequena$' "$T/impl.out" || fail "population under the floor"
grep -q '^over,30,20,150000,.*,true,inverosimil;poblacion_pequena$' "$T/impl.out" || fail "count above population"
grep -q '^edge,25,1000,2500,.*,false,$' "$T/impl.out" || fail "a population at the floor"
grep -q '^fine,25,50000,50,.*,false,$' "$T/impl.out" || fail "a plausible rate"
st "$T/impl_en.out" rate --count deaths --population pop --lang en "$T/implausible.csv"
grep -q '^half,.*,true,implausible;small_population$' "$T/impl_en.out" || fail "flags in English"
# --population-floor moves the floor; 0 turns it off, not the count check
st "$T/impl0.out" rate --count deaths --population pop --population-floor 0 "$T/implausible.csv"
grep -q '^small,25,900,.*,false,$' "$T/impl0.out" || fail "--population-floor 0"
grep -q '^half,.*,true,inverosimil$' "$T/impl0.out" || fail "count above population without a floor"
st "$T/impl5.out" rate --count deaths --population pop --population-floor 50001 "$T/implausible.csv"
grep -q '^fine,25,50000,.*,true,poblacion_pequena$' "$T/impl5.out" || fail "--population-floor 50001"
refuse 2 '--population-floor «-1»' rate --count deaths --population pop --population-floor -1 \
	"$T/implausible.csv"

# ---- compare: poisson.test(c(x1, x0), c(T1, T0)) --------------------------
st "$T/cmp.csv" compare --count0 count_t0 --population0 pop_t0 --count1 count_t1 \
	--population1 pop_t1 "$RT/two_periods.csv"
agree "$RT/rate_comparison.csv" "$T/cmp.csv" -v keys=case_id \
	-v cols=rate0=rate_t0_per_100k,rate1=rate_t1_per_100k,percent_change=pct_change,rate_ratio,lower=rr_lower_exact,upper=rr_upper_exact,p_value=p_value_exact_two_sided
grep -q '^p01,.*,Inf,,.*,sin_linea_base;superior_no_acotado$' "$T/cmp.csv" ||
	fail "a baseline of 0 is flagged, its upper limit Inf"
# the verdicts, in both languages, on cases that reach each of them
printf 'id,c0,p0,c1,p1\nup,10,100000,40,100000\ndown,40,100000,10,100000\nsame,20,100000,22,100000\nnone,0,5000,0,5000\nnopop,3,0,4,100\n' >"$T/verdicts.csv"
st "$T/v.es" compare --count0 c0 --population0 p0 --count1 c1 --population1 p1 "$T/verdicts.csv"
st "$T/v.en" compare --count0 c0 --population0 p0 --count1 c1 --population1 p1 --lang en \
	"$T/verdicts.csv"
for w in 'up,aumento,' 'down,disminución,' 'same,sin cambio significativo,' \
	'none,no definido,sin_eventos' 'nopop,no definido,sin_poblacion'; do
	id=${w%%,*} rest=${w#*,}
	grep -q "^$id,.*,$rest\$" "$T/v.es" || { cat "$T/v.es"; fail "verdict of $id"; }
done
for w in 'up,increase,' 'down,decrease,' 'same,no significant change,' \
	'none,undefined,no_events' 'nopop,undefined,no_population'; do
	id=${w%%,*} rest=${w#*,}
	grep -q "^$id,.*,$rest\$" "$T/v.en" || { cat "$T/v.en"; fail "English verdict of $id"; }
done
grep -qx 'nopop,3,0,4,100,,,,,,,,no definido,sin_poblacion' "$T/v.es" || fail "nothing defined without population"
# every verdict follows from its interval
for f in "$T/cmp.csv" "$T/v.es"; do
	awk -F, -v l="$(col "$f" lower)" -v u="$(col "$f" upper)" -v v="$(col "$f" verdict)" \
		-v g="$(col "$f" flags)" 'NR > 1 {
		if ($g ~ /sin_eventos|sin_poblacion/) want = "no definido"
		else if ($l > 1) want = "aumento"
		else if ($u != "Inf" && $u < 1) want = "disminución"
		else want = "sin cambio significativo"
		if ($v != want) { print FILENAME ":" NR ": " $v " != " want; exit 1 } }' "$f" ||
		fail "a verdict does not follow from its interval"
done

# ---- trend: glm(count ~ t + offset(log(pop)), poisson) ----------------------
st "$T/trend.csv" trend --time year --count count --population population --by series_id \
	"$RT/trend_series.csv"
agree "$RT/loglinear_trend.csv" "$T/trend.csv" -v rel=1e-6 -v keys=series=series_id \
	-v cols=n=n_years,first_time=first_year,b0,se_b0,b1,se_b1,z_wald=z_b1,p_wald=p_b1,apc,wald_lower=apc_lower,wald_upper=apc_upper,deviance,pearson_chi2,df=df_resid,dispersion=quasi_dispersion,quasi_lower=quasi_apc_lower,quasi_upper=quasi_apc_upper
# the default interval from R's numbers: the quasi-Poisson one with the
# dispersion raised to 1 (the t quantile is recovered from R's quasi limit)
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; print "series_id,lower,upper,flags"; next }
	{ b = $h["b1"]; se = $h["se_b1"]; phi = $h["quasi_dispersion"]
	  q = (log(1 + $h["quasi_apc_upper"] / 100) - b) / $h["quasi_se_b1"]
	  s = se * sqrt(phi > 1 ? phi : 1)
	  printf "%s,%.17g,%.17g,%s\n", $h["series_id"], 100 * (exp(b - q * s) - 1),
	         100 * (exp(b + q * s) - 1), phi < 1 ? "subdispersion" : "" }' \
	"$RT/loglinear_trend.csv" >"$T/trend_default.csv"
agree "$T/trend_default.csv" "$T/trend.csv" -v rel=1e-6 -v keys=series=series_id \
	-v cols=lower,upper,flags
st "$T/fitted.csv" trend --time year --count count --population population --by series_id \
	--fitted "$RT/trend_series.csv"
agree "$RT/loglinear_trend_fitted.csv" "$T/fitted.csv" -v rel=1e-6 -v keys=series_id,year \
	-v cols=fitted_count,fitted_rate=fitted_rate_per_100k
# time is measured from the earliest T of each series, whatever the order of
# the rows: the latest years first give the same fit, first_time and b0
{ head -1 "$RT/trend_series.csv"; sed 1d "$RT/trend_series.csv" | sort -t, -k2,2nr; } >"$T/trend_rev.csv"
[ "$(sed -n 2p "$T/trend_rev.csv" | cut -d, -f2)" -gt "$(sed -n 3p "$T/trend_rev.csv" | cut -d, -f2)" ] ||
	fail "the rows were not reversed"
st "$T/trend_rev.out" trend --time year --count count --population population --by series_id \
	"$T/trend_rev.csv"
agree "$RT/loglinear_trend.csv" "$T/trend_rev.out" -v rel=1e-6 -v keys=series=series_id \
	-v cols=n=n_years,first_time=first_year,b0,se_b0,b1,apc
# series without a fit: too few points, no events; without --by, one series
printf 'g,y,n,p\na,2020,3,1000\na,2021,4,1000\nb,2020,0,1000\nb,2021,0,1000\nb,2022,0,1000\n' >"$T/nofit.csv"
st "$T/nofit.out" trend --time y --count n --population p --by g "$T/nofit.csv"
grep -qx 'a,,,,,,,,,2,2020,,,,,,,,,,pocos_datos' "$T/nofit.out" || { cat "$T/nofit.out"; fail "too few points"; }
grep -qx 'b,,,,,,,,,3,2020,,,,,,,,,,sin_ajuste' "$T/nofit.out" || fail "no fit"
awk -F, '$1 == "s1"' "$RT/trend_series.csv" | sed '1i series_id,year,count,population' >"$T/s1.csv"
st "$T/s1.out" trend --time year --count count --population population --lang en "$T/s1.csv"
awk -F, 'NR == 2 && $1 == "" && $NF == "underdispersed" { ok = 1 } END { exit !ok }' "$T/s1.out" ||
	fail "one series without --by"
awk -F, 'NR == 2 { $1 = "s1" } 1' OFS=, "$T/s1.out" >"$T/s1k.out"
agree "$RT/loglinear_trend.csv" "$T/s1k.out" -v rel=1e-6 -v keys=series=series_id \
	-v where=series_id=s1 -v cols=apc,quasi_lower=quasi_apc_lower,quasi_upper=quasi_apc_upper

# ---- eb: spdep EBest and EBlocal --------------------------------------------
st "$T/ebp.csv" eb --count count --population population --per 1 "$SP/areas.csv"
agree "$SP/eb_global.csv" "$T/ebp.csv" -v keys=area_id -v cols=raw_rate=raw,eb_rate=eb_global_poisson
st "$T/ebp100k.csv" eb --id area_id --count count --population population "$SP/areas.csv"
agree "$SP/eb_global.csv" "$T/ebp100k.csv" -v keys=area_id \
	-v cols=raw_rate=raw_per_100k,eb_rate=eb_global_poisson_per_100k
st "$T/ebb.csv" eb --count count --population population --family binomial --per 1 "$SP/areas.csv"
agree "$SP/eb_global.csv" "$T/ebb.csv" -v keys=area_id -v cols=eb_rate=eb_global_binomial
for nb in rook island; do
	st "$T/ebl_$nb.csv" eb --id area_id --count count --population population --per 1 \
		--neighbours "$SP/neighbours_$nb.csv" --local "$SP/areas.csv"
	agree "$SP/eb_local_$nb.csv" "$T/ebl_$nb.csv" -v keys=area_id -v nan=skip \
		-v cols=raw_rate=raw,eb_rate=eb_local,local_variance=a_local,local_mean=m_local
	st "$T/ebg_$nb.csv" eb --id area_id --count count --population population --per 1 \
		--neighbours "$SP/neighbours_$nb.csv" --local --variant geoda "$SP/areas.csv"
	agree "$SP/eb_local_$nb.csv" "$T/ebg_$nb.csv" -v keys=area_id -v nan=skip \
		-v cols=eb_rate=eb_local_geoda,local_variance=a_local_geoda,local_mean=m_local_geoda
done
# the island A05 without cases (spdep: 0/0) gets the global estimate, flagged;
# no other area is flagged
for f in "$T/ebl_island.csv" "$T/ebg_island.csv"; do
	agree "$SP/eb_global.csv" "$f" -v keys=area_id -v where=area_id=A05 -v awhere=area_id=A05 \
		-v cols=eb_rate=eb_global_poisson
	awk -F, -v g="$(col "$f" flags)" \
		'NR > 1 && $g != ($1 == "A05" ? "isla;respaldo_global" : "") { exit 1 }' "$f" ||
		fail "island flags of $f"
done
awk -F, -v g="$(col "$T/ebl_rook.csv" flags)" 'NR > 1 && $g != "" { exit 1 }' "$T/ebl_rook.csv" ||
	fail "a flag without an island"
# edges (make_edge_cases.R): spdep's number wherever spdep gives one -- 0 for
# G06, whose neighbourhood has no case but a_i > 0; the raw rate of the
# island I1 -- and the global estimate, flagged, only where it gives NaN
for set in eb_edge eb_edge_pop0; do
	for v in spdep geoda; do
		sfx=
		[ $v = spdep ] || sfx=_geoda
		st "$T/$set$sfx.csv" eb --id area_id --count count --population population --per 1 \
			--neighbours "$SP/${set}_neighbours.csv" --local --variant $v "$SP/${set}_areas.csv"
		# spdep has no value for an area of population 0: compared below
		awk -F, 'NR == 1 || $2 != "NA"' "$SP/${set}_local.csv" >"$T/ref_pop.csv"
		awk -F, 'NR == 1 || $3 != 0' "$T/$set$sfx.csv" >"$T/out_pop.csv"
		agree "$T/ref_pop.csv" "$T/out_pop.csv" -v keys=area_id -v nan=skip \
			-v cols=raw_rate=raw,eb_rate=eb_local$sfx,local_variance=a_local$sfx,local_mean=m_local$sfx
		# where spdep is NaN (its own or, population 0, its neighbourhood's): the
		# global estimate and respaldo_global; elsewhere the estimate and no such flag
		awk -F, -v e="eb_local$sfx" -v m="m_local$sfx" 'FNR == 1 { f++; for (i = 1; i <= NF; i++) h[f, $i] = i; next }
			f == 1 { ref[$1] = $h[1, e]; mref[$1] = $h[1, m]; glob[$1] = $h[1, "eb_global_poisson"]; next }
			{ id = $1; fl = $h[2, "flags"]; est = $h[2, "eb_rate"]
			  nan = ref[id] == "NaN" || mref[id] == "NaN" || (ref[id] == "NA" && mref[id] == 0 && $h[2, "local_variance"] == 0)
			  if (nan != (fl ~ /respaldo_global/)) { print id ": flags " fl; bad = 1 }
			  want = nan ? glob[id] : (ref[id] == "NA" ? mref[id] : ref[id])
			  if ((est - want) ^ 2 > 1e-18 * want ^ 2) { print id ": " est " != " want; bad = 1 }
			  if ((fl ~ /sin_poblacion/) != ($h[2, "population"] == 0)) { print id ": " fl; bad = 1 }
			  n++ }
			END { exit bad || n < 17 }' "$SP/${set}_local.csv" "$T/$set$sfx.csv" ||
			fail "fallbacks of $set ($v)"
	done
done
grep -q '^G06,0,1200,0,0,0,6[.][0-9]*e-07,$' "$T/eb_edge.csv" ||
	{ cat "$T/eb_edge.csv"; fail "G06: 0, as spdep"; }
grep -q '^G06,0,1200,0,0[.][0-9]*,0,0,respaldo_global$' "$T/eb_edge_geoda.csv" ||
	fail "G06 (GeoDa: 0/0) falls back"
grep -qx 'I1,6,2000,0.003,0.003,0.003,0,isla' "$T/eb_edge.csv" || fail "the island I1: its raw rate"
grep -qx 'Q1,5,2500,0.002,0.002,0.002,0,isla' "$T/eb_edge_pop0.csv" ||
	fail "Q1, an island with neighbours of population 0"
grep -q '^P3,0,0,,0[.][0-9]*,0,0,sin_poblacion;isla;respaldo_global$' "$T/eb_edge_pop0.csv" ||
	fail "P3: no population anywhere around"

# ---- gi: spdep localG, Gi and Gi*, styles B and W --------------------------
for nb in rook island; do
	for s in B W; do
		for g in G Gstar; do
			star=
			[ $g = G ] || star=--star
			st "$T/gi.csv" gi --id area_id --count count --population population \
				--neighbours "$SP/neighbours_$nb.csv" --style $s $star "$SP/areas.csv"
			agree "$SP/localG_$nb.csv" "$T/gi.csv" -v keys=area_id \
				-v where=statistic=$g,weights_style=$s \
				-v cols=rate=x,g=G,e_g=EG,var_g=VG,z,p_value=p_two_sided
			want=
			[ $nb = rook ] || want=isla
			[ $nb = rook ] || [ $g = Gstar ] || want="isla;indefinido"
			awk -F, -v w="$want" -v g="$(col "$T/gi.csv" flags)" \
				'NR > 1 && $g != ($1 == "A05" ? w : "") { exit 1 }' "$T/gi.csv" ||
				fail "flags of $g $s $nb"
		done
	done
done
# --value takes the variable itself
awk -F, 'NR == 1 { print "area_id,x"; next } { printf "%s,%.17g\n", $1, 1e5 * $4 / $5 }' \
	"$SP/areas.csv" >"$T/x.csv"
st "$T/gix.csv" gi --id area_id --value x --neighbours "$SP/neighbours_rook.csv" --star "$T/x.csv"
agree "$SP/localG_rook.csv" "$T/gix.csv" -v keys=area_id -v where=statistic=Gstar,weights_style=W \
	-v cols=x,g=G,e_g=EG,var_g=VG,z,p_value=p_two_sided
[ "$(head -1 "$T/gix.csv")" = "area_id,x,g,e_g,var_g,z,p_value,flags" ] || fail "gi --value header"

# ---- moran: spdep localmoran and moran.test ---------------------------------
for nb in rook island; do
	for cond in TRUE FALSE; do
		total=
		[ $cond = TRUE ] || total=--total
		st "$T/lm.csv" moran --id area_id --count count --population population \
			--neighbours "$SP/neighbours_$nb.csv" $total --lang en "$SP/areas.csv"
		agree "$SP/localmoran_$nb.csv" "$T/lm.csv" -v keys=area_id -v where=conditional=$cond \
			-v cols=rate=x,ii=Ii,e_ii=E_Ii,var_ii=Var_Ii,z=Z_Ii,p_value=p_two_sided,quadrant=quadrant_mean
	done
	for s in W B; do
		for rnd in TRUE FALSE; do
			norm=
			[ $rnd = TRUE ] || norm=--normality
			st "$T/mg.csv" moran --global --id area_id --count count --population population \
				--neighbours "$SP/neighbours_$nb.csv" --style $s $norm "$SP/areas.csv"
			agree "$SP/moran_global_$nb.csv" "$T/mg.csv" -v keys=@row \
				-v where=weights_style=$s,randomisation=$rnd \
				-v cols=i=I,e_i=E_I,var_i=Var_I,z,p_value=p_greater
		done
	done
done
# the quadrants in Spanish are the same as spdep's
st "$T/lm_es.csv" moran --id area_id --count count --population population \
	--neighbours "$SP/neighbours_island.csv" "$SP/areas.csv"
awk -F, 'NR == 1 { next }
	{ q = $12; sub(/^alto-alto$/, "High-High", q); sub(/^bajo-bajo$/, "Low-Low", q)
	  sub(/^alto-bajo$/, "High-Low", q); sub(/^bajo-alto$/, "Low-High", q)
	  printf "%s,%s\n", $1, q }' "$T/lm_es.csv" | sed '1i area_id,quadrant' >"$T/lm_q.csv"
agree "$SP/localmoran_island.csv" "$T/lm_q.csv" -v keys=area_id -v where=conditional=TRUE \
	-v cols=quadrant=quadrant_mean
[ "$(col "$T/lm_es.csv" quadrant)" = 12 ] || fail "quadrant column moved"
grep -q '^A05,.*,,,bajo-bajo,isla;indefinido$' "$T/lm_es.csv" || fail "island in local Moran"

# a variable that does not vary (make_edge_cases.R): I is 0/0 (empty, flagged),
# E(I) = -1/(n' - 1); the variance under randomisation is 0/0 too (moran.test
# stops), under normality it is given
awk -F, 'NR == 1 { print "area_id,x"; next } { print $1 ",5" }' "$SP/areas.csv" >"$T/flat_x.csv"
for nb in rook island; do
	for s in W B; do
		for rnd in TRUE FALSE; do
			norm=
			[ $rnd = TRUE ] || norm=--normality
			st "$T/mc.csv" moran --global --id area_id --value x \
				--neighbours "$SP/neighbours_$nb.csv" --style $s $norm "$T/flat_x.csv"
			agree "$SP/moran_constant.csv" "$T/mc.csv" -v keys=@row \
				-v where=neighbours=$nb,weights_style=$s,randomisation=$rnd \
				-v cols=i=I,e_i=E_I,var_i=Var_I,z,p_value=p_greater
			grep -q ',sin_variacion;indefinido$' "$T/mc.csv" || fail "flags of a constant ($nb $s $rnd)"
		done
	done
	for cond in TRUE FALSE; do
		total=
		[ $cond = TRUE ] || total=--total
		st "$T/lmc.csv" moran --id area_id --value x --neighbours "$SP/neighbours_$nb.csv" $total \
			"$T/flat_x.csv"
		agree "$SP/localmoran_constant.csv" "$T/lmc.csv" -v keys=area_id \
			-v where=neighbours=$nb,conditional=$cond -v cols=ii=Ii,e_ii=E_Ii,var_ii=Var_Ii,z=Z_Ii
	done
done

# ---- breaks: classInt classIntervals, findCols, jenks.tests -----------------
# v3_formula is written with three decimals in every value (27.583, 51.990):
# each could be a thousands group and none shows the decimal mark, so the
# column is refused until --decimal-mark says it
awk -F, 'NR == 1 || $1 == "v3_formula"' "$CL/vectors.csv" >"$T/v3_formula.csv"
refuse 1 'v3_formula.csv:2:2: columna «value»: ¿27.583 o 27583?' breaks --value value --k 3 \
	--method fisher "$T/v3_formula.csv"
for v in v1_homicide_rates v2_small v3_formula; do
	awk -F, -v v=$v 'NR == 1 || $1 == v' "$CL/vectors.csv" >"$T/$v.csv"
	dm=
	[ $v != v3_formula ] || dm="--decimal-mark ."
	for s in fisher jenks quantile equal; do
		for k in 3 4 5; do
			# shellcheck disable=SC2086
			st "$T/cls.csv" breaks --value value --k $k --method $s $dm "$T/$v.csv"
			agree "$CL/class_assignments.csv" "$T/cls.csv" -v keys=@row=obs_index \
				-v where=vector_id=$v,style=$s,k=$k -v cols=value,class
			# shellcheck disable=SC2086
			st "$T/brk.csv" breaks --value value --k $k --method $s --breaks $dm "$T/$v.csv"
			awk -F, -v v=$v -v s=$s -v k=$k 'FNR == 1 { f++; if (f == 1) print "key,value"; next }
				$1 != v || $2 != s || $3 != k { next }
				f == 1 { print "break_" $5 "," $6; closure = $4 }
				f == 2 { print "closure," closure; print "classes_used," $4
				         print "sdam," $5; print "sdcm," $6; print "gvf," $7; print "tai," $8
				         print "flags," }' \
				"$CL/breaks.csv" "$CL/goodness_of_fit.csv" >"$T/brk_ref.csv"
			agree "$T/brk_ref.csv" "$T/brk.csv" -v keys=key -v cols=value
		done
	done
done

# values that do not vary: GVF and TAI are 0/0 (R: NaN), empty and flagged, not 1
printf 'id,v\na,7\nb,7\nc,7\nd,7\n' >"$T/flat_v.csv"
for s in quantile equal; do
	st "$T/flat_brk.csv" breaks --value v --k 2 --method $s --breaks "$T/flat_v.csv"
	grep -qx 'gvf,' "$T/flat_brk.csv" && grep -qx 'tai,' "$T/flat_brk.csv" &&
		grep -qx 'sdam,0' "$T/flat_brk.csv" && grep -qx 'flags,sin_variacion' "$T/flat_brk.csv" ||
		{ cat "$T/flat_brk.csv"; fail "breaks of constant values ($s)"; }
done
st "$T/flat_brk.csv" breaks --value v --k 1 --method fisher --breaks --lang en "$T/flat_v.csv"
grep -qx 'flags,no_variation' "$T/flat_brk.csv" || fail "constant values, one class, in English"

# ---- normalise and composite: COINr conventions -------------------------------
# meta FIELD [DIMENSION] : a column of indicator_meta.csv as a list
meta() {
	awk -F, -v f="$1" -v d="${2:-}" 'NR > 1 && (d == "" || $4 == d) { printf "%s%s", s, $f; s = "," }' \
		"$CO/indicator_meta.csv"
}
IND=$(meta 1)
DIR=$(meta 2)
WGT=$(meta 3)
for m in minmax_0_1:0,1 minmax_0_100:0,100 minmax_1_100:1,100 minmax_0_10:0,10 zscore_mean0_sd1:z; do
	name=${m%%:*} range=${m#*:}
	if [ "$range" = z ]; then
		st "$T/norm.csv" normalise --value "$IND" --direction "$DIR" --method zscore "$CO/indicators.csv"
	else
		st "$T/norm.csv" normalise --value "$IND" --direction "$DIR" --range "$range" \
			"$CO/indicators.csv"
	fi
	for i in $(echo "$IND" | tr , ' '); do
		agree "$CO/normalised_long.csv" "$T/norm.csv" -v keys=unit_id \
			-v where=indicator="$i",method="$name" -v cols=norm_"$i"=value
	done
done
st "$T/ci01.csv" composite --indicators "$IND" --weights "$WGT" --direction "$DIR" --range 0,1 \
	"$CO/indicators.csv"
agree "$CO/composite_scores.csv" "$T/ci01.csv" -v keys=unit_id -v cols=score=ci_arith_minmax01
st "$T/ci100.csv" composite --indicators "$IND" --weights "$WGT" --direction "$DIR" "$CO/indicators.csv"
agree "$CO/composite_scores.csv" "$T/ci100.csv" -v keys=unit_id \
	-v cols=score=ci_arith_minmax100,rank=rank_arith_minmax100
st "$T/ciz.csv" composite --indicators "$IND" --weights "$WGT" --direction "$DIR" --method zscore \
	"$CO/indicators.csv"
agree "$CO/composite_scores.csv" "$T/ciz.csv" -v keys=unit_id -v cols=score=ci_arith_zscore
st "$T/cig.csv" composite --indicators "$IND" --weights "$WGT" --direction "$DIR" --range 1,100 \
	--aggregate geom "$CO/indicators.csv"
agree "$CO/composite_scores.csv" "$T/cig.csv" -v keys=unit_id \
	-v cols=score=ci_geom_minmax1_100,rank=rank_geom_minmax1_100
st "$T/cieq.csv" composite --indicators "$IND" --direction "$DIR" "$CO/indicators.csv"
agree "$CO/composite_scores.csv" "$T/cieq.csv" -v keys=unit_id -v cols=score=ci_arith_equalw_minmax100
# INFORM style: arithmetic within each dimension (0-10), geometric across
st "$T/dim1.csv" composite --indicators "$(meta 1 crime)" --weights "$(meta 3 crime)" \
	--direction "$(meta 2 crime)" --range 0,10 --prefix crime_ "$CO/indicators.csv"
st "$T/dim2.csv" composite --indicators "$(meta 1 vulnerability)" --weights "$(meta 3 vulnerability)" \
	--direction "$(meta 2 vulnerability)" --range 0,10 --prefix vul_ "$T/dim1.csv"
st "$T/inform.csv" composite --indicators crime_score,vul_score --method none --aggregate geom \
	"$T/dim2.csv"
agree "$CO/composite_scores.csv" "$T/inform.csv" -v keys=unit_id \
	-v cols=crime_score=dim_crime_0_10,vul_score=dim_vulnerability_0_10,score=inform_style_geom_of_dims
# classes of the index
for s in quantile:quantile_type7:class5_quantile_arith fisher:fisher:class5_fisher_arith; do
	method=${s%%:*} rest=${s#*:}
	scheme=${rest%%:*} column=${rest#*:}
	st "$T/cic.csv" breaks --value score --k 5 --method "$method" --prefix idx_ "$T/ci100.csv"
	agree "$CO/composite_scores.csv" "$T/cic.csv" -v keys=unit_id -v cols=idx_class="$column"
	st "$T/cib.csv" breaks --value score --k 5 --method "$method" --breaks "$T/ci100.csv"
	awk -F, -v s="$scheme" 'NR == 1 { print "key,value" } $1 == s { print "break_" $2 "," $3 }' \
		"$CO/composite_class_breaks.csv" >"$T/cib_ref.csv"
	grep '^break_' "$T/cib.csv" | sed '1i key,value' >"$T/cib_breaks.csv"
	agree "$T/cib_ref.csv" "$T/cib_breaks.csv" -v keys=key -v cols=value
done

# rate 3, compare 1, trend 5, eb 13, gi 9, moran 25, breaks 72, normalise 25,
# composite 10: every loop ran to the end
[ "$ncompared" -eq 163 ] || fail "$ncompared comparisons were made, not 163"

# ---- the comparison can fail ---------------------------------------------------
# perturb FILE LINE COLUMN FACTOR : FILE with one cell multiplied
perturb() {
	awk -F, -v OFS=, -v l="$2" -v c="$3" -v f="$4" 'NR == l { $c = sprintf("%.17g", $c * f) } 1' "$1"
}
RARGS="-v keys=case_id -v where=conf_level=0.95 -v cols=rate=rate_per_100k,lower=rate_lower_exact_per_100k,upper=rate_upper_exact_per_100k"
line=$(awk -F, '$1 == "c09" && $4 == "0.95" { print NR }' "$RT/poisson_exact_ci.csv")
perturb "$RT/poisson_exact_ci.csv" "$line" 9 1.000000003 >"$T/p.csv"
# shellcheck disable=SC2086
differ "$T/p.csv" "$T/rate0.95.csv" $RARGS
perturb "$RT/poisson_exact_ci.csv" "$line" 9 1.0000000005 >"$T/p.csv"
# shellcheck disable=SC2086
agree "$T/p.csv" "$T/rate0.95.csv" $RARGS
# an expected 0 is matched only by 0
line=$(awk -F, '$1 == "c00" && $4 == "0.95" { print NR }' "$RT/poisson_exact_ci.csv")
awk -F, -v OFS=, -v l="$line" 'NR == l { $5 = "1e-300" } 1' "$RT/poisson_exact_ci.csv" >"$T/p.csv"
# shellcheck disable=SC2086
differ "$T/p.csv" "$T/rate0.95.csv" $RARGS
# a row missing from either side
sed '$d' "$T/rate0.95.csv" >"$T/short.csv"
# shellcheck disable=SC2086
differ "$RT/poisson_exact_ci.csv" "$T/short.csv" $RARGS
grep -v '^c13,' "$RT/poisson_exact_ci.csv" >"$T/p.csv"
# shellcheck disable=SC2086
differ "$T/p.csv" "$T/rate0.95.csv" $RARGS
# the trend at 1e-6
perturb "$RT/loglinear_trend.csv" 2 10 1.000003 >"$T/p.csv"
differ "$T/p.csv" "$T/trend.csv" -v rel=1e-6 -v keys=series=series_id -v cols=apc
agree "$RT/loglinear_trend.csv" "$T/trend.csv" -v rel=1e-6 -v keys=series=series_id -v cols=apc
# NA against a number, a class, a label, a NaN
sed 's/^p01,0,37.037037037037,NA,NA,/p01,0,37.037037037037,NA,1.5,/' "$RT/rate_comparison.csv" >"$T/p.csv"
differ "$T/p.csv" "$T/cmp.csv" -v keys=case_id -v cols=rate_ratio
awk -F, -v OFS=, '$1 == "v1_homicide_rates" && $2 == "fisher" && $3 == 3 && $4 == 30 { $6 = 2 } 1' \
	"$CL/class_assignments.csv" >"$T/p.csv"
st "$T/cls.csv" breaks --value value --k 3 --method fisher "$T/v1_homicide_rates.csv"
differ "$T/p.csv" "$T/cls.csv" -v keys=@row=obs_index -v where=vector_id=v1_homicide_rates,style=fisher,k=3 -v cols=class
sed 's/^A01,TRUE,\(.*\),High-High$/A01,TRUE,\1,Low-High/' "$SP/localmoran_rook.csv" >"$T/p.csv"
cmp -s "$T/p.csv" "$SP/localmoran_rook.csv" && fail "the label was not changed"
st "$T/lm.csv" moran --id area_id --count count --population population \
	--neighbours "$SP/neighbours_rook.csv" --lang en "$SP/areas.csv"
differ "$T/p.csv" "$T/lm.csv" -v keys=area_id -v where=conditional=TRUE -v cols=quadrant=quadrant_mean
sed 's/^A05,G,B,0,NaN,/A05,G,B,0,0,/' "$SP/localG_island.csv" >"$T/p.csv"
st "$T/gi.csv" gi --id area_id --count count --population population \
	--neighbours "$SP/neighbours_island.csv" --style B "$SP/areas.csv"
differ "$T/p.csv" "$T/gi.csv" -v keys=area_id -v where=statistic=G,weights_style=B -v cols=z
# a filter that keeps nothing compares nothing, which is an error
differ "$RT/poisson_exact_ci.csv" "$T/rate0.95.csv" -v keys=case_id -v where=conf_level=0.5 -v cols=rate=rate_per_100k

# ---- bad input: position, value, what was expected; nothing on stdout -----------
printf 'id,count,population\na,3,100\nb,abc,200\n' >"$T/bad_count.csv"
refuse 1 'bad_count.csv:3:2: columna «count»: se esperaba un número ≥ 0' \
	rate --count count --population population "$T/bad_count.csv"
expect_grep "$T/err" '(valor «abc»)'
printf 'id;count;population\na;3;100\nb;4;-5\n' >"$T/neg_pop.csv"
refuse 1 'neg_pop.csv:3:3: columna «population»: se esperaba un número ≥ 0' \
	rate --count count --population population "$T/neg_pop.csv"
expect_grep "$T/err" '(valor «-5»)'
printf 'id,count,population\na,,100\n' >"$T/empty_cell.csv"
refuse 1 'empty_cell.csv:2:2: columna «count» vacía' rate --count count --population population \
	"$T/empty_cell.csv"
refuse 1 'no hay una columna «deaths»' rate --count deaths --population population "$T/bad_count.csv"
expect_grep "$T/err" 'id, count, population'
printf 'id,count,population\na,3,100,7\n' >"$T/fields.csv"
refuse 1 'fields.csv:2: la fila tiene 4 campos y el encabezado 3' \
	rate --count count --population population "$T/fields.csv"
printf 'id,c0,p0,c1,p1\na,3,100,2.5,100\n' >"$T/frac.csv"
refuse 1 'frac.csv:2:4: columna «c1»: se esperaba un número entero ≥ 0' \
	compare --count0 c0 --population0 p0 --count1 c1 --population1 p1 "$T/frac.csv"
printf 'g,y,n,p\na,2020,3,1000\na,2021,4,1000\na,2020,5,1000\n' >"$T/dup_year.csv"
refuse 1 'dup_year.csv:4:2: tiempo repetido en la serie «a» (ya en la línea 2)' \
	trend --time y --count n --population p --by g "$T/dup_year.csv"
printf 'y,n,p\n2020,3,1000\n2021,4,0\n2022,4,10\n' >"$T/zero_pop.csv"
refuse 1 'zero_pop.csv:3:3: columna «p»: se esperaba un número > 0' \
	trend --time y --count n --population p "$T/zero_pop.csv"
printf 'id,n,p\na,3,1000\nb,2,0\nc,0,10\n' >"$T/eb_pop0.csv"
refuse 1 'eb_pop0.csv:3:2: hay casos pero la población es 0' eb --count n --population p "$T/eb_pop0.csv"
printf 'id,n,p\na,3,1000\nb,2,10\na,0,10\n' >"$T/dup_id.csv"
refuse 1 'dup_id.csv:4:1: área repetida: ya estaba en la línea 2' \
	eb --id id --count n --population p "$T/dup_id.csv"
printf 'id,n,p\na,3,1000\nb,2,500\nc,0,10\n' >"$T/abc.csv"
printf 'id,neighbour\na,b\nb,z\n' >"$T/nb_unknown.csv"
refuse 1 'nb_unknown.csv:3:2: el área no está en el archivo de datos' \
	eb --id id --count n --population p --neighbours "$T/nb_unknown.csv" --local "$T/abc.csv"
expect_grep "$T/err" '(valor «z»)'
printf 'id,neighbour\na,b\nb,b\n' >"$T/nb_self.csv"
refuse 1 'nb_self.csv:3: un área no puede ser vecina de sí misma' \
	gi --id id --value n --neighbours "$T/nb_self.csv" "$T/abc.csv"
printf 'id,neighbour\na,b\nb,a\na,b\n' >"$T/nb_twice.csv"
refuse 1 'nb_twice.csv:4: vínculo repetido' \
	moran --id id --value n --neighbours "$T/nb_twice.csv" "$T/abc.csv"
printf 'a,b\nb,a\n' >"$T/nb_noheader.csv"
refuse 1 'nb_noheader.csv:1: la primera fila es un par de áreas' \
	moran --id id --value n --neighbours "$T/nb_noheader.csv" "$T/abc.csv"
refuse 1 'no se pueden formar 4 clases fisher' breaks --value n --k 4 --method fisher "$T/abc.csv"
refuse 1 'abc.csv:2:1: columna «id»: se esperaba un número' breaks --value id --k 2 --method equal "$T/abc.csv"
printf 'id,a,b\nx,1,5\ny,1,6\n' >"$T/flat.csv"
refuse 1 'la columna «a» no varía' composite --indicators a,b "$T/flat.csv"
printf 'id,a,b\nx,-1,5\ny,2,6\n' >"$T/neg.csv"
refuse 1 'neg.csv:2: no se pudo agregar: la media geométrica necesita valores ≥ 0' \
	composite --indicators a,b --method none --aggregate geom "$T/neg.csv"
refuse 1 'la entrada ya tiene una columna «rate»' rate --count count --population population "$T/rate0.95.csv"
st "$T/pref.csv" rate --count count --population population --prefix again_ "$T/rate0.95.csv"
[ "$(head -1 "$T/pref.csv")" = "case_id,count,population,rate,lower,upper,unreliable,flags,again_rate,again_lower,again_upper,again_unreliable,again_flags" ] ||
	fail "--prefix"
refuse 1 'no se pudo abrir el archivo' rate --count count --population population "$T/none.csv"
: >"$T/empty.csv"
refuse 1 'empty.csv' rate --count count --population population "$T/empty.csv"
# usage errors: exit 2
refuse 2 'faltan --count y --population' rate --count count "$T/abc.csv"
refuse 2 'falta el ARCHIVO' rate --count count --population population
refuse 2 '--level «1.5»' rate --count n --population p --level 1.5 "$T/abc.csv"
refuse 2 'subcomando desconocido «rates»' rates --count n "$T/abc.csv"
refuse 2 '--local y --neighbours van juntas' eb --id id --count n --population p --local "$T/abc.csv"
refuse 2 '--method «natural»' breaks --value n --k 2 --method natural "$T/abc.csv"
refuse 2 'dé --value, o --count y --population' gi --id id --value n --count n \
	--neighbours "$T/nb_twice.csv" "$T/abc.csv"
refuse 2 '--lang «fr»' rate --count n --population p --lang fr "$T/abc.csv"

# all or nothing: the good rows before a bad one are not written...
printf 'id,count,population\na,1,10\nb,2,20\nc,x,30\nd,4,40\n' >"$T/late.csv"
refuse 1 'late.csv:4:2:' rate --count count --population population "$T/late.csv"
# ...unless streaming was asked for, and then stderr says the output is incomplete
expect_status 1 "$OBSERVA" stats rate --count count --population population --stream "$T/late.csv"
[ "$(wc -l <"$T/out")" -eq 3 ] || { cat "$T/out"; fail "--stream should have written 3 lines"; }
expect_grep "$T/err" 'la salida está incompleta: ya se escribieron el encabezado y 2 filas'

# beyond OB_MAX_STATS_BUFFER (64 MiB) rate streams, and says so; a whole-table
# subcommand refuses the file
awk 'BEGIN { pad = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	while (length(pad) < 60000) pad = pad pad
	pad = substr(pad, 1, 60000)
	print "id,count,population,pad"
	for (i = 1; i <= 1150; i++) printf "r%d,%d,%d,%s\n", i, i % 50, 1000 + i, pad
	print "bad,-1,10,x" }' >"$T/big.csv"
expect_status 1 "$OBSERVA" stats rate --count count --population population "$T/big.csv"
[ "$(wc -l <"$T/out")" -eq 1151 ] || fail "the rows before the limit and after it were not streamed"
expect_grep "$T/err" 'la salida supera 64 MiB'
expect_grep "$T/err" 'big.csv:1152:2: columna «count»'
expect_grep "$T/err" 'la salida está incompleta: ya se escribieron el encabezado y 1150 filas'
sed '$d' "$T/big.csv" >"$T/big_ok.csv"
expect_status 0 "$OBSERVA" stats rate --count count --population population "$T/big_ok.csv"
[ "$(wc -l <"$T/out")" -eq 1151 ] || fail "a big file without errors is not complete"
refuse 1 'el archivo no cabe en memoria (más de 64 MiB)' breaks --value count --k 3 --method equal \
	"$T/big_ok.csv"
rm -f "$T/big.csv" "$T/big_ok.csv" "$T/out"

# ---- input as institutions write it ------------------------------------------------
# Windows-1252, semicolons, decimal commas, CRLF; standard input
printf 'Municipio;Homicidios;Poblaci\363n\r\nAcajutla;12;54000\r\nSan Jos\351;3,5;1200\r\n' >"$T/w1252.csv"
st "$T/w1252.out" rate --count Homicidios --population Población "$T/w1252.csv"
grep -q '^San José,"3,5",1200,291.666666666667,' "$T/w1252.out" || { cat "$T/w1252.out"; fail "Windows-1252 input"; }
expect_status 0 "$OBSERVA" stats rate --count count --population population - <"$RT/poisson_counts.csv"
cmp -s "$T/out" "$T/rate0.95.csv" || fail "standard input differs from the file"

# ---- help ---------------------------------------------------------------------------
expect_status 0 "$OBSERVA" stats --help
cp "$T/out" "$T/help"
for c in rate compare trend eb breaks gi moran normalise composite; do
	expect_grep "$T/help" "  $c "
	expect_status 0 "$OBSERVA" stats $c --help
	expect_grep "$T/out" "observa stats $c"
done
echo "stats: $ncompared comparisons with R agree"

# ---- numbers: the decimal mark decided per column (docs: "Números") ----------------
# 52.000 alone is 52 or 52000: refused with file, line, column, value and the rule
printf 'c,p\n3,52.000\n' >"$T/ambiguous.csv"
refuse 1 'ambiguous.csv:2:2: columna «p»: ¿52 o 52000?' rate --count c --population p "$T/ambiguous.csv"
expect_grep "$T/err" 'use --decimal-mark . o ,'
expect_grep "$T/err" '(valor «52.000»)'
# ...and read as the user says
st "$T/dm.out" rate --count c --population p --decimal-mark , "$T/ambiguous.csv"
grep -q '^3,52.000,5.76923076923077,' "$T/dm.out" || { cat "$T/dm.out"; fail "--decimal-mark ,"; }
st "$T/dm.out" rate --count c --population p --decimal-mark . --population-floor 0 "$T/ambiguous.csv"
grep -q '^3,52.000,5769.23076923077,' "$T/dm.out" || fail "--decimal-mark ."
refuse 2 '--decimal-mark «;»' rate --count c --population p --decimal-mark ';' "$T/ambiguous.csv"
# thousands points decide the column: 52.000 beside 1.234.567 is 52000
printf 'c,p\n3,52.000\n4,"1.234.567"\n' >"$T/thousands.csv"
st "$T/th.out" rate --count c --population p "$T/thousands.csv"
grep -q '^3,52.000,5.76923076923077,' "$T/th.out" || { cat "$T/th.out"; fail "52.000 with thousands points"; }
grep -q '^4,1.234.567,0.324' "$T/th.out" || fail "1.234.567"
# R's write.csv: 12.152 is 12.152 in a column whose other values show a decimal point
awk -F, 'NR == 1 { print "area_id,x"; next } { printf "%s,%s\n", $1, (NR == 2 ? "12.152" : (NR - 1) * 1.25) }' \
	"$SP/areas.csv" >"$T/r_out.csv"
grep -q '^A01,12.152$' "$T/r_out.csv" && grep -q '^A03,3.75$' "$T/r_out.csv" || fail "r_out.csv"
st "$T/r_out.brk" breaks --value x --k 2 --method equal --breaks "$T/r_out.csv"
grep -qx 'break_0,2.5' "$T/r_out.brk" && grep -qx 'break_2,25' "$T/r_out.brk" ||
	{ cat "$T/r_out.brk"; fail "12.152 read as 12152"; }
# a column with both conventions is refused at the value that contradicts another
printf 'id,x\na,12.5\nb,7\nc,"3,5"\n' >"$T/mixed.csv"
refuse 1 'mixed.csv:4:2: columna «x»: este valor solo se lee con coma decimal y «12.5» (línea 2) solo con punto decimal' \
	breaks --value x --k 2 --method equal "$T/mixed.csv"
expect_grep "$T/err" '(valor «3,5»)'
# rate and compare read row by row: ambiguous rows wait for the value that
# decides, in order, also when streaming; and are refused if none does
printf 'id,c,p\na,3,"1,500"\nb,4,"2,250"\nc,5,"12,5"\nd,6,7000\n' >"$T/late_comma.csv"
for stream in "" --stream; do
	st "$T/lc.out" rate --count c --population p --population-floor 0 $stream "$T/late_comma.csv"
	[ "$(cut -c1-2 "$T/lc.out" | tr -d '\n')" = 'ida,b,c,d,' ] &&
		grep -q '^a,3,"1,500",200000,' "$T/lc.out" && grep -q '^b,4,"2,250",177777.777777778,' "$T/lc.out" &&
		grep -q '^c,5,"12,5",40000,' "$T/lc.out" && grep -q '^d,6,7000,85.7142857142857,' "$T/lc.out" ||
		{ cat "$T/lc.out"; fail "rows waiting for the decimal comma ($stream)"; }
done
printf 'id,c,p\na,3,"1,500"\nb,4,"2,250"\n' >"$T/never.csv"
refuse 1 'never.csv:2:3: columna «p»: ¿1500 o 1.5?' rate --count c --population p "$T/never.csv"
expect_status 1 "$OBSERVA" stats rate --count c --population p --stream "$T/never.csv"
[ "$(wc -l <"$T/out")" -eq 1 ] || { cat "$T/out"; fail "--stream wrote a row it could not read"; }
printf 'id,c0,p0,c1,p1\na,3,1.000,4,1.000\nb,2,12.000.000,5,1.234.567\n' >"$T/cmp_th.csv"
st "$T/cmp_th.out" compare --count0 c0 --population0 p0 --count1 c1 --population1 p1 "$T/cmp_th.csv"
grep -q '^a,3,1.000,4,1.000,300,400,' "$T/cmp_th.out" || { cat "$T/cmp_th.out"; fail "compare: thousands points"; }
