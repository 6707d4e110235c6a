# vintage.sh - El Salvador across its 2024 reform (262 municipalities until
# 30 April 2024, 44 from 1 May): indicators, the index and a release for
# 2016 use the 262, for 2025 the 44; 2024 is in the units of its 1 July,
# with January to April counted in the municipalities the old ones became
# districts of; --vintage puts a year in another division (aggregating
# exactly, or breaking with no data where it cannot); populations follow
# the same divisions and add up to their departments.
export LC_ALL=C.UTF-8
O="$T/obs"
init_obs "$O"

# the 2025 population: 2024's, for the units valid in 2025 (it adds up)
{
	echo "territory,year,sex,population,status,source"
	sql "$O" "SELECT p.territory || ',2025,' || p.sex || ',' || CAST(p.population AS INT) || ','
		|| p.status || ',e2e' FROM population p JOIN territory t ON t.code = p.territory
		WHERE t.country = 'SLV' AND p.year = 2024 AND t.valid_to IS NULL ORDER BY 1"
} >"$T/pop2025.csv"
expect_status 0 "$OBSERVA" population import -d "$O" "$T/pop2025.csv"
# what does not add up is refused, naming the units: an old municipality
# with a 2025 figure too
printf 'territory,year,sex,population,status,source\nSLV0614,2025,T,300000,estimate,e2e\n' \
	>"$T/bad2025.csv"
expect_status 1 "$OBSERVA" population import -d "$O" "$T/bad2025.csv"
expect_grep "$T/err" "SLV0623 2025 T"
expect_grep "$T/err" "SLV0614=300000"

# two sources delivering by municipality code: police (robbery) and
# forensic medicine (homicides)
cat >"$O/catalog/sources/sv-e2e-pol.ini" <<'INI'
[source]
code = sv-e2e-pol
country = SV
institution = police
[file]
encoding = utf-8
delimiter = ,
dates = iso
[columns]
source_id = id
occurred_on = fecha
territory_code = municipio
category = delito
victim_sex = sexo
[crosswalks]
victim_sex = sexo
INI
cat >"$O/catalog/sources/sv-e2e-iml.ini" <<'INI'
[source]
code = sv-e2e-iml
country = SV
institution = forensic
[file]
encoding = utf-8
delimiter = ,
dates = iso
[columns]
source_id = id
occurred_on = fecha
territory_code = municipio
victim_sex = sexo
[values]
manner = homicide
[crosswalks]
victim_sex = sexo
INI

# units DAY : the Salvadoran municipalities valid on DAY
units() {
	sql "$O" "SELECT code FROM territory WHERE country = 'SLV' AND level = 2
		AND (valid_from IS NULL OR valid_from <= '$1') AND (valid_to IS NULL OR valid_to >= '$1')
		ORDER BY code"
}
# rows YEAR DATE KIND : for each municipality of DATE a varying number of
# rows dated DATE (robbery for the police, homicides for forensic medicine)
rows() {
	units "$2" | awk -v d="$2" -v k="$3" -v y="$1" '{
		n = k == "pol" ? (NR * 7) % 5 + 1 : (NR * 3) % 4
		for (i = 0; i < n; i++)
			printf "%s-%s-%d-%d,%s,%s,%s,%s\n", k, y, NR, i, d, $1, "0401", i % 2 ? "Mujer" : "Hombre"
	}'
}
for k in pol iml; do
	for y in 2016 2024 2025; do
		{
			echo "id,fecha,municipio,delito,sexo"
			case $y in
			2016) rows 2016 2016-06-15 $k ;;
			2024) rows 2024 2024-03-15 $k; rows 2024 2024-08-15 $k ;;
			2025) rows 2025 2025-03-15 $k ;;
			esac
		} >"$T/$k$y.csv"
		expect_status 0 "$OBSERVA" ingest -d "$O" --source "sv-e2e-$k" --period $y --quiet \
			"$T/$k$y.csv"
	done
done
[ "$(units 2016-07-01 | wc -l)" -eq 262 ] && [ "$(units 2025-07-01 | wc -l)" -eq 44 ] ||
	fail "the catalogue's divisions"
polsum() { # the robbery rows of a year in the store
	sql "$O" "SELECT count(*) FROM record WHERE source = 'sv-e2e-pol' AND occurred_on LIKE '$1%'"
}

# --- indicators: the units of each year -----------------------------------
expect_status 0 "$OBSERVA" indicators -d "$O" -i robbery_rate -c SLV -l 2 -p 2016..2025 \
	--format csv
for y in 2016 2024 2025; do
	n=$(grep -c "^robbery_rate,SLV[0-9]*,.*,2,$y," "$T/out")
	want=$([ $y = 2016 ] && echo 262 || echo 44)
	[ "$n" -eq "$want" ] || fail "indicators $y: $n municipalities, expected $want"
	sum=$(grep "^robbery_rate,SLV[0-9]*,.*,2,$y," "$T/out" | awk -F, '{ s += $6 } END { print s }')
	[ "$sum" -eq "$(polsum $y)" ] || fail "indicators $y: $sum robberies, the store has $(polsum $y)"
done
grep -q "^robbery_rate,SLV0614,.*,2,2024," "$T/out" && fail "an old municipality in 2024"
expect_grep "$T/err" "cambian entre los periodos"
# San Salvador Centro in 2024 holds its districts' January-April records
want=$(sql "$O" "SELECT count(*) FROM record WHERE source = 'sv-e2e-pol' AND occurred_on LIKE '2024%'
	AND (territory = 'SLV0623' OR territory IN (SELECT old_code FROM territory_change
	WHERE new_code = 'SLV0623'))")
[ "$(grep '^robbery_rate,SLV0623,.*,2,2024,' "$T/out" | cut -d, -f6)" = "$want" ] ||
	fail "SLV0623 2024: expected $want"
# 2016 in the 2024 division: the 44 add up their districts exactly
expect_status 0 "$OBSERVA" indicators -d "$O" -i robbery_rate -c SLV -l 2 -p 2016 \
	--vintage 2024-05-01 --format csv
[ "$(tail -n +2 "$T/out" | wc -l)" -eq 44 ] || fail "--vintage 2024-05-01: not 44 units"
[ "$(tail -n +2 "$T/out" | awk -F, '{ s += $6 } END { print s }')" -eq "$(polsum 2016)" ] ||
	fail "--vintage 2024-05-01: the counts do not add up"
# 2025 in the old division: every old municipality's new one has records
expect_status 0 "$OBSERVA" indicators -d "$O" -i robbery_rate -c SLV -l 2 -p 2025 \
	--vintage 2016 --format csv
[ "$(tail -n +2 "$T/out" | wc -l)" -eq 262 ] || fail "--vintage 2016: not 262 units"
[ "$(grep -c 'no_data|vintage_break' "$T/out")" -eq 262 ] || fail "--vintage 2016: no breaks"
expect_status 2 "$OBSERVA" indicators -d "$O" -i robbery_rate -c SLV -p 2025 --vintage 2025-02-30
expect_grep "$T/err" "2025-02-30"

# --- the index: 262 ranked in 2016, 44 in 2025 ----------------------------
for y in 2016 2025; do
	expect_status 0 "$OBSERVA" index -d "$O" --preset sv-municipal --year $y --runs 0 \
		--format csv --map "$T/ix$y.svg"
	n=$(tail -n +2 "$T/out" | wc -l)
	want=$([ $y = 2016 ] && echo 262 || echo 44)
	[ "$n" -eq "$want" ] || fail "index $y: $n units ranked, expected $want"
	tail -n +2 "$T/out" | cut -d, -f1 | sort >"$T/ix$y.units"
	units "$y-07-01" | sort | cmp -s - "$T/ix$y.units" || fail "index $y: not the units of $y"
	xmllint --noout "$T/ix$y.svg" || fail "index $y: the SVG is not well-formed"
	[ "$(grep -c '<path ' "$T/ix$y.svg")" -eq "$want" ] || fail "index $y map: not $want units"
	expect_grep "$T/ix$y.svg" "repartidas por igual"
done

# --- releases: the same units ---------------------------------------------
for y in 2016 2025; do
	expect_status 0 "$OBSERVA" publish -d "$O" --year $y
	R=$(ls -d "$O"/releases/v* | sort -V | tail -n 1)
	want=$([ $y = 2016 ] && echo 262 || echo 44)
	python3 - "$R/indicators.csv" "$y" "$want" <<'PY' || fail "release $y: not the units of the year"
import csv, sys
path, year, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [r for r in csv.DictReader(open(path, encoding="utf-8"))
        if r["indicator"] == "robbery_rate" and r["country"] == "SLV" and r["level"] == "2"
        and r["sex"] == "T" and r["year"] == year]
sys.exit(0 if len(rows) == want and len({r["territory"] for r in rows}) == want else 1)
PY
	units "$y-07-01" | sort >"$T/u$y"
	jq -r '[.data[] | select(.indicator == "robbery_rate" and .country == "SLV" and .level == 2
		and .sex == "T") | .territory] | unique | .[]' "$R/indicators.json" | cmp -s - "$T/u$y" ||
		fail "release $y JSON: not the units of the year"
	# the map of the 2025 municipalities is drawn from their districts
	n=$(jq '[.features[] | select(.id | startswith("SLV"))] | length' "$R/maps/robbery_rate.geojson")
	[ "$n" -eq "$want" ] || fail "release $y map: $n Salvadoran units"
	# populations of the year's municipalities add up to the country
	expect_status 0 "$OBSERVA" indicators -d "$O" -i robbery_rate -c SLV -p $y --format csv
	nat=$(tail -n 1 "$T/out" | cut -d, -f7)
	expect_status 0 "$OBSERVA" indicators -d "$O" -i robbery_rate -c SLV -l 2 -p $y --format csv
	tail -n +2 "$T/out" | awk -F, -v nat="$nat" '{ s += $7; n++ }
		END { d = s - nat; if (d < 0) d = -d; exit !(nat > 0 && d <= 0.005 * nat) }' ||
		fail "$y: the municipalities' populations do not add up to $nat"
done
