# index_demo.sh - "observa index -d DIR --preset NAME --year Y": every preset
# runs on a small demo observatory with its catalogue indicators computed on
# the snapshot: one row per admin-2 unit, rank intervals holding the rank,
# levels 1..5, the stages agreeing with "observa indicators", external
# columns from --input, the stated drops, reproducible seeds and the map.
fixture_demo "$T/obs" 0.05
Y=2023

# check_csv FILE UNITS : the columns, one row per unit, rank_low <= rank <=
# rank_high, levels 1..5 (at least two of them), unique units
check_csv() {
	head -n 1 "$1" | grep -q '^unit,name,score,level,level_name,rank,rank_median,rank_low,rank_high,' ||
		fail "$1: header $(head -n 1 "$1")"
	rows=$(tail -n +2 "$1" | wc -l)
	[ "$rows" -eq "$2" ] || fail "$1: $rows rows, expected $2"
	[ "$(tail -n +2 "$1" | cut -d, -f1 | sort -u | wc -l)" -eq "$2" ] || fail "$1: repeated units"
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ r = $c["rank"] + 0; lo = $c["rank_low"]; hi = $c["rank_high"]; l = $c["level"]
		  if (lo == "" || hi == "" || lo + 0 > r || r > hi + 0) { print "interval", $1, lo, r, hi; bad = 1 }
		  if (l !~ /^[1-5]$/) { print "level", $1, l; bad = 1 }
		  seen[l] = 1 }
		END { n = 0; for (k in seen) n++; if (n < 2) { print "one level only"; bad = 1 }
		      exit bad }' "$1" || fail "$1: ranks or levels"
}

# the admin-2 units of a country valid on 1 July of the year (its division)
country_units() {
	sql "$T/obs" "SELECT count(*) FROM territory WHERE level = 2 AND country = '$1'
		AND (valid_from IS NULL OR valid_from <= '$Y-07-01')
		AND (valid_to IS NULL OR valid_to >= '$Y-07-01')"
}

for p in sv-municipal:SLV hn-municipal:HND gt-municipal:GTM; do
	preset=${p%%:*}
	c=${p##*:}
	expect_status 0 "$OBSERVA" index -d "$T/obs" --preset "$preset" --year $Y \
		--format csv --stages --runs 100 --seed 3
	cp "$T/out" "$T/$preset.csv"
	cp "$T/err" "$T/$preset.err"
	check_csv "$T/$preset.csv" "$(country_units "$c")"
	for s in raw_ norm_ dim_ imputed_ contrib_; do
		head -n 1 "$T/$preset.csv" | grep -q ",$s" || fail "$preset: no $s columns"
	done
	# the country comes from the preset: every unit is of that country
	tail -n +2 "$T/$preset.csv" | cut -d, -f1 | grep -v "^$c" && fail "$preset: other units"
done

# the regional preset over one country: units without any value are left
# out and counted in a warning; the others are all there
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset regional --year $Y --country CRI \
	--format csv --stages --runs 100
cp "$T/out" "$T/regional.csv"
left=$(sed -n 's/.* \([0-9][0-9]*\) unidades sin ningún valor.*/\1/p' "$T/err")
check_csv "$T/regional.csv" $(($(country_units CRI) - ${left:-0}))

# the Honduran and Guatemalan presets keep every dimension and indicator on
# the demo: domestic violence reports tell the relationship by their
# category (0201 relationship=domestic), and injuries carry their weapon
for preset in hn-municipal gt-municipal; do
	grep -E "omitid[oa]" "$T/$preset.err" && fail "$preset: a dimension or indicator dropped"
done
head -n 1 "$T/hn-municipal.csv" | grep -q "dim_violencia_domestica" ||
	fail "hn-municipal: no domestic violence dimension"

# a top group made larger than asked by ties at its edge is said, with the
# number of units and the rank they share
for preset in sv-municipal:50 hn-municipal:30 gt-municipal:50; do
	n=${preset##*:}
	preset=${preset%%:*}
	got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["top"] == 1 { k++ } END { print k + 0 }' "$T/$preset.csv")
	if [ "$got" -gt "$n" ]; then
		expect_grep "$T/$preset.err" "el grupo prioritario tiene $got unidades y no $n"
	else
		grep -q "grupo prioritario" "$T/$preset.err" && fail "$preset: a tie warning without ties"
	fi
	[ "$got" -ge "$n" ] || fail "$preset: $got units in the top group, fewer than $n"
done

# every preset uses all its dimensions on the demo: the Honduran domestic
# violence by its category, the Salvadoran risk factors from the demo's
# made-up inputs (DIR/catalog/inputs/demo_*.csv, said so in a README there)
for preset in sv-municipal hn-municipal gt-municipal; do
	grep -E "dimensión [a-z_]+ omitida" "$T/$preset.err" && fail "$preset: a dimension dropped"
done
for dim in seguridad riesgo; do
	head -n 1 "$T/sv-municipal.csv" | grep -q "dim_$dim" || fail "sv-municipal: no $dim dimension"
done
# (an indicator is dropped only when it does not vary: femicides, none in a
# small demo year)
grep "omitido: no es del catálogo" "$T/sv-municipal.err" && fail "sv-municipal: an input missing"
[ "$(head -n 1 "$T/sv-municipal.csv" | tr , '\n' | grep -c '^norm_')" -ge 11 ] ||
	fail "sv-municipal: not its 9 + 3 indicators"
for ind in pobreza desercion jovenes_sin_estudio_ni_empleo; do
	head -n 1 "$T/sv-municipal.csv" | grep -q "norm_$ind" || fail "sv-municipal: no $ind"
done
grep -q "INVENTADOS" "$T/obs/catalog/inputs/README-demo.txt" || fail "the demo inputs are not said to be made up"
expect_grep "$T/sv-municipal.err" "indicador pobreza (columna poverty_pct) de $T/obs/catalog/inputs/demo_poverty_pct.csv"
# the made-up values are not constant, and tied to the unit (the file's value)
[ "$(cut -d, -f3 "$T/obs/catalog/inputs/demo_poverty_pct.csv" | sort -u | wc -l)" -gt 20 ] ||
	fail "demo poverty is nearly constant"
u=$(sed -n '2s/,.*//p' "$T/sv-municipal.csv")
v=$(awk -F, -v u="$u" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$1 == u { print $c["raw_pobreza"] }' "$T/sv-municipal.csv")
want=$(awk -F, -v u="$u" '$1 == u { print $3 }' "$T/obs/catalog/inputs/demo_poverty_pct.csv")
awk -v a="$v" -v b="$want" 'BEGIN { exit !(a != "" && a + 0 == b + 0) }' ||
	fail "$u: poverty $v, the demo file says $want"
# Guatemala's reports of violence against women vary by municipality
expect_status 0 "$OBSERVA" indicators -d "$T/obs" -i domestic_violence_rate --by sex \
	--level 2 --country GTM --period $Y --format csv
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["sex"] == "F" && $c["value"] != "" { v[$c["value"]] = 1 }
	END { n = 0; for (k in v) n++; exit n < 10 }' "$T/out" ||
	fail "GTM: women's domestic violence rate nearly constant across municipalities"

# the regional index: its three dimensions, the second from a reconciliation
expect_status 0 "$OBSERVA" reconcile -d "$T/obs" --period $Y --country CRI
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset regional --year $Y --country CRI \
	--format csv --stages --runs 100
cp "$T/err" "$T/regional2.err"
grep -E "dimensión [a-z_]+ omitida" "$T/err" && fail "regional: a dimension dropped"
for dim in inseguridad institucional socioeconomica; do
	head -n 1 "$T/out" | grep -q "dim_$dim" || fail "regional: no $dim dimension"
done
head -n 1 "$T/out" | grep -q "norm_caso_fiscal" || fail "regional: no prosecutor share"
# the country's delivery measures do not vary inside one country: dropped, said
expect_grep "$T/err" "indicador completitud (delivery_completeness) omitido"
# a unit's prosecutor share is the ledger's: homicides with a prosecutor's case
u=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["raw_caso_fiscal"] != "" { print $1; exit }' "$T/out")
[ -n "$u" ] || fail "regional: no unit has a prosecutor share"
got=$(awk -F, -v u="$u" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$1 == u { print $c["raw_caso_fiscal"] }' "$T/out")
want=$(sql "$T/obs" "SELECT 100.0 * sum(EXISTS (SELECT 1 FROM reconcile_member m
	WHERE m.run = d.run AND m.death = d.death AND m.institution = 'prosecutor')) / count(*)
	FROM reconciled_death d WHERE d.run = (SELECT max(id) FROM reconcile_run)
	AND d.territory = '$u' AND substr(d.occurred_on, 1, 4) = '$Y' AND d.manner = 'homicide'
	AND EXISTS (SELECT 1 FROM reconcile_member m WHERE m.run = d.run AND m.death = d.death
	AND m.institution IN ('police', 'forensic'))")
awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d < 1e-6) }' ||
	fail "$u: prosecutor share $got, the ledger says $want"
# without a reconciliation of the year the measure says which one to run
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset regional --year $Y --country HND --runs 0
expect_grep "$T/err" "observa reconcile --period $Y --country HND"

# one unit against "observa indicators": its raw homicide rate is the
# catalogue's, its normalised value is min-max 0-100 of the raw values, its
# risk dimension the mean of its three risk factors, and its score the
# dimensions weighted 9 and 3 (arithmetic)
top=$(sed -n '2s/,.*//p' "$T/sv-municipal.csv")
expect_status 0 "$OBSERVA" indicators -d "$T/obs" -i homicide_rate -t "$top" --period $Y \
	--format csv
want=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { print $c["value"] }' "$T/out")
[ -n "$want" ] || fail "observa indicators gave no value for $top"
awk -F, -v u="$top" -v want="$want" '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ x = $c["raw_homicidios"]; if (n++ == 0 || x < mn) mn = x; if (n == 1 || x > mx) mx = x
	  if ($1 == u) { raw = x; nrm = $c["norm_homicidios"]; score = $c["score"]
	    risk = ($c["norm_pobreza"] + $c["norm_desercion"] + $c["norm_jovenes_sin_estudio_ni_empleo"]) / 3
	    drisk = $c["dim_riesgo"]; dsec = $c["dim_seguridad"] } }
	function abs(v) { return v < 0 ? -v : v }
	END {
	  if (abs(raw - want) > 1e-6 * (1 + abs(want))) { print "raw", raw, "indicators", want; exit 1 }
	  if (mx == mn) { print "homicides do not vary"; exit 1 }
	  e = (raw - mn) / (mx - mn) * 100
	  if (abs(e - nrm) > 1e-9 * 100) { print "norm", nrm, "expected", e; exit 1 }
	  if (abs(risk - drisk) > 1e-9 * 100) { print "riesgo", drisk, "mean", risk; exit 1 }
	  if (abs((9 * dsec + 3 * drisk) / 12 - score) > 1e-9 * 100) { print "score", score; exit 1 }
	}' "$T/sv-municipal.csv" || fail "sv-municipal: $top does not match observa indicators"

# external columns from --input, joined on the unit code
{
	echo "unit,poverty_pct,school_dropout_pct,neet_youth_pct"
	sql "$T/obs" "SELECT code FROM territory WHERE level = 2 AND country = 'SLV'
		AND (valid_to IS NULL OR valid_to >= '$Y-07-01') ORDER BY code" |
		awk '{ printf "%s,%.1f,%.1f,%.1f\n", $1, (NR * 37 % 61) + 5, (NR * 11 % 17) / 2, (NR * 29 % 41) + 3 }'
} >"$T/extra.csv"
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset sv-municipal --year $Y \
	--input "$T/extra.csv" --format csv --stages --runs 50
check_csv "$T/out" "$(country_units SLV)"
head -n 1 "$T/out" | grep -q 'norm_pobreza.*dim_riesgo' || fail "the --input columns are not used"
grep -q "pobreza" "$T/err" && fail "pobreza was dropped although --input has it"
# the preset's missing = refuse: a unit without its row is refused, named
last=$(sql "$T/obs" "SELECT max(code) FROM territory WHERE level = 2 AND country = 'SLV'
	AND (valid_from IS NULL OR valid_from <= '$Y-07-01')
	AND (valid_to IS NULL OR valid_to >= '$Y-07-01')")
grep -v "^$last," "$T/extra.csv" >"$T/extra2.csv"
expect_status 1 "$OBSERVA" index -d "$T/obs" --preset sv-municipal --year $Y \
	--input "$T/extra2.csv" --runs 0
expect_grep "$T/err" "$last"
# a bad cell names the file, line and column
sed '3s/,[0-9.]*$/,mucho/' "$T/extra.csv" >"$T/extra3.csv"
expect_status 1 "$OBSERVA" index -d "$T/obs" --preset sv-municipal --year $Y \
	--input "$T/extra3.csv" --runs 0
expect_grep "$T/err" "extra3.csv:3:4"

# the same seed gives the same bytes; another seed differs
for s in 11 11 12; do
	"$OBSERVA" index -d "$T/obs" --preset hn-municipal --year $Y --format csv --runs 200 \
		--seed $s >"$T/seed$s.$$" 2>/dev/null || fail "seed $s"
	if [ -f "$T/seed$s.csv" ]; then
		cmp -s "$T/seed$s.csv" "$T/seed$s.$$" || fail "seed $s: two runs differ"
	else
		mv "$T/seed$s.$$" "$T/seed$s.csv"
	fi
done
cmp -s "$T/seed11.csv" "$T/seed12.csv" && fail "seeds 11 and 12 give the same output"

# json and table, and --top
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset gt-municipal --year $Y --format json \
	--runs 20 --top 7
expect_grep "$T/out" '"top":7,'
[ "$(grep -c '"top":true' "$T/out")" -ge 7 ] || fail "--top 7: fewer than 7 units"
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset gt-municipal --year $Y --runs 20
expect_grep "$T/out" "Muy alto"

# the map from the store's geometry
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset sv-municipal --year $Y --runs 20 \
	--map "$T/sv.svg"
xmllint --noout "$T/sv.svg" || fail "the SVG is not well-formed"
# (the units of the year's division: El Salvador's municipalities of 2024
# have their own geometry too)
geo=$(sql "$T/obs" "SELECT count(*) FROM territory t JOIN territory_geometry g ON g.code = t.code
	WHERE t.level = 2 AND t.country = 'SLV'
	AND coalesce(t.valid_from, '') <= '$Y-07-01'
	AND (coalesce(t.valid_to, '') = '' OR t.valid_to >= '$Y-07-01')")
[ "$(grep -c '<path ' "$T/sv.svg")" -eq "$geo" ] || fail "map: not one path per unit with geometry"

# schools: units from a file, each with its municipality's catalogue values
SCHOOLS="$OBSERVA_DATA/index/schools-demo-slv.csv"
expect_status 2 "$OBSERVA" index -d "$T/obs" --preset school --year $Y
expect_grep "$T/err" "--input"
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset school --year $Y --input "$SCHOOLS" \
	--format csv --stages --runs 100
check_csv "$T/out" $(($(wc -l <"$SCHOOLS") - 1))
# a school's municipal homicide rate is its municipality's
row=$(sed -n 2p "$SCHOOLS")
school=${row%%,*}
muni=$(echo "$row" | awk -F, '{ print $3 }')
hom=$(awk -F, -v s="$school" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$1 == s { print $c["raw_homicidios_municipio"] }' "$T/out")
if [ -n "$hom" ]; then
	expect_status 0 "$OBSERVA" indicators -d "$T/obs" -i homicide_rate -t "$muni" \
		--period $Y --format csv
	awk -F, -v h="$hom" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ d = $c["value"] - h; if (d < 0) d = -d; exit d > 1e-6 * (1 + h) }' "$T/out" ||
		fail "school $school: municipal homicide rate $hom"
fi
printf 'school,name,municipality,incidents_per_1000\nX1,Uno,SLV9999,3\n' >"$T/bad_schools.csv"
expect_status 1 "$OBSERVA" index -d "$T/obs" --preset school --year $Y --input "$T/bad_schools.csv"
expect_grep "$T/err" "bad_schools.csv:2:3"
# no SALVE report in $Y (the demo's are of its last year): the file's incidents
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset school --year $Y --input "$SCHOOLS" --runs 0
expect_grep "$T/err" "no tiene casos de tipo salve abiertos en $Y"

# the demo's caseload (docs/demo.md): a year of SALVE reports and court
# cases opened on the case engine; case stats agree with the store, some
# deadlines were missed, and the school index's incidents are the SALVE
# reports of each school per 1,000 students
CY=2024
stats() { # TYPE -> $T/TYPE.csv
	expect_status 0 "$OBSERVA" case stats --type "$1" -d "$T/obs" --lang en --now 2025-01-01 \
		--format csv
	cp "$T/out" "$T/$1.csv"
}
stats salve
stats vcm-judicial
n=$(sql "$T/obs" "SELECT count(*) FROM case_file WHERE type = 'salve'")
[ "$n" -ge 80 ] || fail "$n SALVE reports in the demo, fewer than 80"
expect_grep "$T/salve.csv" "total,opened,,,$n,cases"
closed=$(sql "$T/obs" "SELECT count(*) FROM case_file WHERE type = 'salve' AND state = 'closed'")
expect_grep "$T/salve.csv" "total,closed,,,$closed,cases"
expect_grep "$T/salve.csv" "total,open_at_end,,,$((n - closed)),cases"
# per school, against the store
sql "$T/obs" "SELECT unit || ',' || count(*) FROM case_file WHERE type = 'salve'
	GROUP BY unit ORDER BY unit" >"$T/salve.store"
awk -F, '$2 == "opened" && $1 != "total" { print $1 "," $5 }' "$T/salve.csv" | LC_ALL=C sort \
	>"$T/salve.stats"
cmp -s "$T/salve.store" "$T/salve.stats" || fail "SALVE reports per school: $(diff "$T/salve.store" "$T/salve.stats" | head -5)"
[ "$(cut -d, -f2 "$T/salve.store" | sort -n | tail -n 1)" -ge 3 ] || fail "no school reported three times"
# by category, against the values the reports were opened with
for c in bullying harassment threats theft drugs sexual_violence extortion; do
	k=$(sql "$T/obs" "SELECT count(*) FROM case_file f JOIN case_value v ON v.case_id = f.id
		WHERE f.type = 'salve' AND v.field = 'category' AND v.value = '$c'")
	[ "$k" -gt 0 ] || fail "no SALVE report of $c"
	expect_grep "$T/salve.csv" "total,count,category,$c,$k,"
done
# the 24-hour triage: late when the report's next event came more than a day after
late=$(sql "$T/obs" "SELECT count(*) FROM case_event a JOIN case_event b
	ON b.case_id = a.case_id AND b.seq = a.seq + 1 JOIN case_file f ON f.id = a.case_id
	WHERE f.type = 'salve' AND a.kind = 'open'
	AND strftime('%s', b.at) - strftime('%s', a.at) > 86400")
[ "$late" -gt 0 ] || fail "no SALVE report triaged late"
expect_grep "$T/salve.csv" "total,deadline,triage,late,$late,"
# no report on a weekend, in the long vacation or in the August festivities
sql "$T/obs" "SELECT opened_at FROM case_file WHERE type = 'salve'" |
	awk '{ d = substr($0, 1, 10); md = substr(d, 6, 5)
		if (md < "01-15" || md > "11-01" || (md >= "08-01" && md <= "08-06")) { print d; bad = 1 } }
		END { exit bad }' || fail "a SALVE report outside the school year"
m=$(sql "$T/obs" "SELECT count(*) FROM case_file WHERE type = 'vcm-judicial'")
[ "$m" -ge 20 ] || fail "$m court cases in the demo, fewer than 20"
expect_grep "$T/vcm-judicial.csv" "total,opened,,,$m,cases"
for st in admission hearing sentence; do
	[ "$(sql "$T/obs" "SELECT count(*) FROM case_event e JOIN case_file f ON f.id = e.case_id
		WHERE f.type = 'vcm-judicial' AND e.state_to = '$st'")" -gt 0 ] || fail "no court case to $st"
done
for dl in hearing,late measures_review,missed; do
	awk -F, -v r="${dl%,*}" -v k="${dl#*,}" '$1 == "total" && $2 == "deadline" && $3 == r &&
		$4 == k { found = $5 > 0 } END { exit !found }' "$T/vcm-judicial.csv" ||
		fail "no $dl deadline in the court cases"
done
! grep -q "$(sql "$T/obs" "SELECT value FROM case_value WHERE field = 'victim' LIMIT 1")" \
	"$T/salve.csv" "$T/vcm-judicial.csv" || fail "a victim in the statistics"
# the school index: every school of the demo, its incidents its reports per
# 1,000 students: those --input gives (here only the first school's, made
# up), else those of the observatory's schools catalogue; one without
# either (the second school, whose students the catalogue does not know)
# has no rate, never 0
DS="$T/obs/demo/schools-slv.csv"
awk -F, -v OFS=, 'NR == 2 { $4 = 4321; print; next } NR > 2 { $4 = "" } { print }' "$DS" \
	>"$T/schools-in.csv"
second=$(sed -n '3s/,.*//p' "$DS")
cp "$T/obs/catalog/schools.csv" "$T/schools-catalog.csv"
awk -F, -v OFS=, -v s="$second" '$1 == s { $5 = "" } { print }' "$T/schools-catalog.csv" \
	>"$T/obs/catalog/schools.csv"
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset school --year $CY --input "$T/schools-in.csv" \
	--format csv --stages --runs 0
cp "$T/out" "$T/school.csv"
expect_grep "$T/err" "$n reportes de tipo salve abiertos en $CY, $n en las unidades"
expect_grep "$T/err" "la columna students de 1 unidades sale de --input, de $(($(wc -l <"$DS") - 3)) del catálogo de centros escolares $T/obs/catalog/schools.csv; 1 sin valor quedan sin dato"
[ "$(tail -n +2 "$T/school.csv" | wc -l)" -eq "$(($(wc -l <"$DS") - 1))" ] ||
	fail "school index: not one row per school"
awk -F, 'FILENAME == ARGV[1] { n[$1] = $2; next }
	FILENAME == ARGV[2] { if (FNR > 1 && $4 != "") st[$1] = $4; next }
	FILENAME == ARGV[3] { if (FNR > 1 && !($1 in st) && $5 != "") st[$1] = $5; next }
	FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	!($1 in st) { if ($c["raw_incidentes"] != "") { print $1, "a rate without students"; bad = 1 }
	              none++; next }
	{ want = n[$1] * 1000 / st[$1]; got = $c["raw_incidentes"]
	  if (got == "" || got - want > 1e-6 * want || want - got > 1e-6 * want) { print $1, got, want; bad = 1 }
	  seen++ }
	END { exit bad || !seen || none != 1 }' "$T/salve.store" "$T/schools-in.csv" "$T/obs/catalog/schools.csv" \
	"$T/school.csv" || fail "school index: incidents are not the SALVE reports per 1,000 students"
cp "$T/schools-catalog.csv" "$T/obs/catalog/schools.csv"

# the observatory's own copy of a preset wins over the built-in one
mkdir -p "$T/obs/catalog/index"
sed 's/^name = .*/name = Copia local del observatorio/' "$OBSERVA_DATA/catalog/index/hn-municipal.ini" \
	>"$T/obs/catalog/index/hn-municipal.ini"
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset hn-municipal --year $Y --runs 0
expect_grep "$T/out" "Copia local del observatorio"
# a catalogue indicator the catalogue does not have is refused with its line
sed 's/^catalog = robbery_rate/catalog = no_such_rate/' "$OBSERVA_DATA/catalog/index/hn-municipal.ini" \
	>"$T/bad.ini"
expect_status 1 "$OBSERVA" index -d "$T/obs" --preset "$T/bad.ini" --year $Y --runs 0
expect_grep "$T/err" "no_such_rate"
expect_grep "$T/err" "bad.ini:"
