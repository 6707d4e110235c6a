# indicators.sh - ingest a small forensic and police delivery, then compute
# indicators: counts match the store, months without a delivery are missing,
# partial periods are flagged, the snapshot is rebuilt when damaged, and the
# population check warns on gaps.
init_obs "$T/obs"
src="$T/obs/catalog/sources"
# a forensic source delivering months, a police source delivering years
sed -e 's/^code = sv-test/code = sv-iml/' -e 's/^institution = police/institution = forensic/' \
	-e 's/^period = year/period = month/' -e 's/^name = .*/name = Medicina legal de prueba/' \
	-e 's/^\[columns\]/[columns]\nmanner = Manera\nplace = Lugar\nrelationship = Relación/' \
	-e 's/^\[crosswalks\]/[crosswalks]\nmanner = manera\nplace = lugar\nrelationship = relacion/' \
	-e '/^manner = homicide/d' "$OBSERVA_TESTDATA/ingest/sv-test.ini" >"$src/sv-iml.ini"
sed -e 's/^code = sv-test/code = sv-pnc/' "$OBSERVA_TESTDATA/ingest/sv-test.ini" >"$src/sv-pnc.ini"

# forensic: January, February and March 2020, one file each (April never came)
for m in 1 2 3; do
	awk -v m=$m 'BEGIN {
		print "No. Caso;Fecha del hecho;Hora;Municipio;Departamento;Delito;Sexo;Edad;Arma;Manera;Lugar;Relación";
		split("San Salvador;Soyapango;Mejicanos;Santa Ana;San Miguel", mun, ";");
		split("San Salvador;San Salvador;San Salvador;Santa Ana;San Miguel", dep, ";");
		split("Homicidio;Homicidio;Homicidio agravado;Homicidio culposo;Homicidio", del, ";");
		split("Homicidio;Homicidio;Homicidio;Accidente;Indeterminada", man, ";");
		for (i = 1; i <= 40 + 10 * m; i++) {
			k = i % 5 + 1;
			printf "F%d-%d;%02d/%02d/2020;%02d:15;%s;%s;%s;%s;%d;%s;%s;%s;%s\n", m, i,
				i % 28 + 1, m, (i * 7) % 24, mun[k], dep[k], del[k], (i % 3 ? "Hombre" : "Mujer"),
				15 + i % 50, (i % 4 ? "Arma de fuego" : "Arma blanca"), man[k],
				(i % 6 ? "Vía pública" : "Vivienda"), (i % 9 ? "Desconocido" : "Pareja");
		}
	}' >"$T/iml-$m.csv"
done
# police: the whole of 2020
awk 'BEGIN {
	print "No. Caso;Fecha del hecho;Hora;Municipio;Departamento;Delito;Sexo;Edad;Arma";
	split("Robo;Hurto;Extorsión;Homicidio;Desaparición de personas;Violación;Lesiones", del, ";");
	for (i = 1; i <= 700; i++)
		printf "P%d;%02d/%02d/2020;;%s;San Salvador;%s;%s;%d;\n", i, i % 28 + 1, i % 12 + 1,
			(i % 2 ? "San Salvador" : "Soyapango"), del[i % 7 + 1], (i % 2 ? "Mujer" : "Hombre"),
			18 + i % 40;
}' >"$T/pnc-2020.csv"
expect_status 0 "$OBSERVA" ingest -q -d "$T/obs" --source sv-iml "$T/iml-1.csv" "$T/iml-2.csv" "$T/iml-3.csv"
expect_status 0 "$OBSERVA" ingest -q -d "$T/obs" --source sv-pnc "$T/pnc-2020.csv"
[ -f "$T/obs/snapshot/records.obs" ] || fail "ingest built no snapshot"
[ "$(sql "$T/obs" "SELECT sum(accepted) FROM submission")" = 880 ] || fail "rows not all accepted"

count_sql() { # count_sql INSTITUTION WHERE
	sql "$T/obs" "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission
		WHERE s.superseded_by IS NULL AND s.institution = '$1' AND ($2)"
}

# the homicide rate counts forensic homicides: three months delivered of twelve
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --country SLV --period 2020 \
	-i homicide_rate,robbery_rate,homicide_firearm_share --format csv
nhom=$(count_sql forensic "r.category LIKE '0101%' AND r.occurred_on LIKE '2020%'")
[ "$nhom" -gt 50 ] || fail "too few homicides in the fixture ($nhom)"
line=$(grep '^homicide_rate,SLV,' "$T/out")
[ "$(echo "$line" | cut -d, -f6)" = "$nhom" ] || fail "homicide count: $line, SQL $nhom"
[ "$(echo "$line" | cut -d, -f12,13)" = "3,12" ] || fail "months covered: $line"
echo "$line" | grep -q 'incomplete_coverage' || fail "coverage not flagged: $line"
pop=$(sql "$T/obs" "SELECT CAST(population AS INTEGER) FROM population WHERE territory='SLV' AND year=2020 AND sex='T'")
[ "$(echo "$line" | cut -d, -f7)" = "$pop" ] || fail "denominator: $line, population $pop"
line=$(grep '^robbery_rate,SLV,' "$T/out")
[ "$(echo "$line" | cut -d, -f6)" = "$(count_sql police "r.category LIKE '0401%'")" ] ||
	fail "robbery count: $line"
echo "$line" | grep -q 'incomplete_coverage' && fail "police delivered the whole year: $line"
line=$(grep '^homicide_firearm_share,SLV,' "$T/out")
[ "$(echo "$line" | cut -d, -f7)" = "$nhom" ] || fail "share denominator: $line"
[ "$(echo "$line" | cut -d, -f6)" = "$(count_sql forensic "r.category LIKE '0101%' AND r.mechanism = 'firearm'")" ] ||
	fail "share count: $line"

# a month nobody delivered is missing, not zero; a quarter is a partial period
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --territory SLV06 --period 2020-03..2020-04 \
	-i homicide_rate --format csv
line=$(grep '2020-04' "$T/out")
[ "$(echo "$line" | cut -d, -f6,8,9,10,12,13)" = ",,,,0,1" ] || fail "April should be missing: $line"
[ "$(echo "$line" | cut -d, -f14)" = "incomplete_coverage|partial_period|no_data|equal_split_denominator" ] ||
	fail "April's flags: $line"
line=$(grep '2020-03' "$T/out")
[ "$(echo "$line" | cut -d, -f6)" = "$(count_sql forensic "r.category LIKE '0101%' AND r.occurred_on LIKE '2020-03%' AND r.territory IN (SELECT code FROM territory WHERE parent='SLV06')")" ] ||
	fail "March in San Salvador: $line"
echo "$line" | grep -q 'partial_period' || fail "a month is a partial period: $line"

# by sex, children of a department, JSON, English table
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --territory SLV06 --children --period 2020-Q1 \
	-i homicide_rate --by sex --format csv
expect_grep "$T/out" "indicator,territory,territory_name,level,period,sex,count"
[ "$(grep -c '^homicide_rate,SLV06..,' "$T/out")" -eq \
	"$((3 * $(sql "$T/obs" "SELECT count(*) FROM territory WHERE parent='SLV06'
		AND (valid_from IS NULL OR valid_from <= '2020-02-15')
		AND (valid_to IS NULL OR valid_to >= '2020-02-15')")))" ] ||
	fail "one row per municipality of the period's division and sex"
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --country SLV --period 2020 --format json --all
[ "$(sqlite3 :memory: "SELECT json_valid(readfile('$T/out'))")" = 1 ] || fail "invalid JSON"
[ "$(sqlite3 :memory: "SELECT json_array_length(readfile('$T/out'), '\$.indicators')")" -ge 22 ] ||
	fail "fewer than 22 default indicators"
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --country SLV --period 2020 -i homicide_rate_18_29
expect_grep "$T/out" "Tasa de homicidios de jóvenes"
expect_grep "$T/out" "no tiene población por edad"
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --country SLV --period ytd:2020-02-15 -i homicide_rate --lang en
expect_grep "$T/out" "Intentional homicide rate"
expect_grep "$T/out" "2019-01-01..2019-02-15"
expect_status 0 "$OBSERVA" indicators list -d "$T/obs"
expect_grep "$T/out" "missing_persons_rate"
# what each counts: the counting rules, validated deaths first for homicides
grep -q "^homicide_rate  *forensic+validated " "$T/out" || fail "list: homicide_rate rule"
grep -q "^homicide_firearm_share  *forensic+validated " "$T/out" || fail "list: a share follows its denominator"

# a damaged snapshot is refused, said so, and rebuilt
printf 'XXXX' | dd of="$T/obs/snapshot/records.obs" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --country SLV --period 2020 -i homicide_rate --format csv
expect_grep "$T/err" "dañada"
grep -q "^homicide_rate,SLV,El Salvador,0,2020,$nhom," "$T/out" || fail "after rebuild: $(cat "$T/out")"
expect_status 0 "$OBSERVA" snapshot -d "$T/obs"
expect_grep "$T/out" "880 registros vigentes"

expect_status 2 "$OBSERVA" indicators -d "$T/obs" --territory SLV99 --period 2020
expect_grep "$T/err" "SLV99"
expect_status 2 "$OBSERVA" indicators -d "$T/obs" --period 2020-Q5
expect_grep "$T/err" "2020-Q5"

# a bad definition is refused with its line and column
printf 'bad,Malo,Bad,,,victim_sex=X,population,100000,,,,,\n' >>"$T/obs/catalog/indicators.csv"
expect_status 1 "$OBSERVA" indicators -d "$T/obs" --country SLV --period 2020
expect_grep "$T/err" "indicators.csv:"
expect_grep "$T/err" ":6: valor no válido para «sex»"

# population check: consistent as shipped; a gap over 5% is warned about
expect_status 0 "$OBSERVA" population check -d "$T/obs"
expect_grep "$T/out" "0 avisos"
sql "$T/obs" "UPDATE population SET population = population * 1.1 WHERE year = 2020 AND sex = 'T' AND territory IN (SELECT code FROM territory WHERE country = 'SLV' AND level = 2)"
expect_status 0 "$OBSERVA" population check -d "$T/obs"
expect_grep "$T/out" "AVISO"
expect_grep "$T/err" "SLV 2020 T"
