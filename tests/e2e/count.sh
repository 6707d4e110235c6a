# count.sh - rows are not victims. A delivery whose file merges identical
# rows with a CANTIDAD column (fewer rows than victims) and an aggregate
# delivery (counts by municipality x month x category, no person): observa
# analyze and observa indicators give each file's own total row; the change
# between two years follows the victims (up) when the rows go down; bad
# counts go to quarantine.
init_obs "$T/obs"
src="$T/obs/catalog/sources"
cat >"$src/sv-cnt.ini" <<'EOF'
# homicides, identical rows merged with a count (as the Colombian police file)
[source]
code = sv-cnt
name = Policía de prueba: homicidios con CANTIDAD
country = SV
institution = police
period = year
[file]
dates = dmy
footer = total
[columns]
source_id = Id
occurred_on = Fecha
territory = Municipio
territory_parent = Departamento
category = Delito
victim_sex = Sexo
count = CANTIDAD
[crosswalks]
category = sv-delito
victim_sex = sexo
EOF
cat >"$src/sv-agg.ini" <<'EOF'
# counts only: municipality x month x crime x sex
[source]
code = sv-agg
name = Estadísticas agregadas de prueba
country = SV
institution = other
period = year
aggregate = true
[file]
footer = total
[columns]
occurred_on = Mes
territory = Municipio
territory_parent = Departamento
category = Delito
victim_sex = Sexo
count = Total
[crosswalks]
category = sv-delito
victim_sex = sexo
EOF

# the count file of a year: N rows, counts drawn from a fixed pattern, the
# file's own total row at the end
count_file() { # count_file YEAR ROWS PATTERN
	awk -v y="$1" -v n="$2" -v pat="$3" 'BEGIN {
		print "Id;Fecha;Municipio;Departamento;Delito;Sexo;CANTIDAD";
		split("San Salvador;Soyapango;Santa Ana;San Miguel", mun, ";");
		split("San Salvador;San Salvador;Santa Ana;San Miguel", dep, ";");
		np = split(pat, c, ",");
		for (i = 1; i <= n; i++) {
			k = i % 4 + 1;
			v = c[i % np + 1];
			printf "%d-%d;%02d/%02d/%d;%s;%s;Homicidio;%s;%d\n", y, i, i % 28 + 1, i % 12 + 1,
				y, mun[k], dep[k], (i % 5 ? "Hombre" : "Mujer"), v;
			t += v;
		}
		printf "Total;;;;;;%d\n", t;
	}'
}
count_file 2019 50 "1,1,1,1,1,1,1,1,1,2" >"$T/cnt-2019.csv"
count_file 2023 40 "1,2,1,3,1,1,2,1" >"$T/cnt-2023.csv"
total() { tail -n 1 "$1" | awk -F';' '{ print $NF }'; }
rows() { awk 'END { print NR - 2 }' "$1"; }
v19=$(total "$T/cnt-2019.csv"); v23=$(total "$T/cnt-2023.csv")
r19=$(rows "$T/cnt-2019.csv"); r23=$(rows "$T/cnt-2023.csv")
# the miniature of the issue: rows fall, victims rise
[ "$r23" -lt "$r19" ] && [ "$v23" -gt "$v19" ] || fail "the fixture should have rows down, victims up"

expect_status 0 "$OBSERVA" ingest -d "$T/obs" --source sv-cnt "$T/cnt-2019.csv" "$T/cnt-2023.csv"
expect_grep "$T/out" "$r19 filas leídas = $r19 aceptadas + 0 rechazadas; $v19 víctimas"
expect_grep "$T/out" "$r23 filas leídas = $r23 aceptadas + 0 rechazadas; $v23 víctimas"
[ "$(sql "$T/obs" "SELECT sum(victims) FROM submission WHERE source = 'sv-cnt'")" = $((v19 + v23)) ] ||
	fail "the logbook's victims"
[ "$(sql "$T/obs" "SELECT count(*) FROM record WHERE extra LIKE '%CANTIDAD%'")" = 0 ] ||
	fail "the count column landed in extra"

# the analyser counts victims by default, records when asked
expect_status 0 "$OBSERVA" analyze -d "$T/obs" --rows year --where "source=sv-cnt" --format csv
expect_grep "$T/out" "year,count"
expect_grep "$T/out" "2019,$v19"
expect_grep "$T/out" "2023,$v23"
expect_grep "$T/out" "Total,$((v19 + v23))"
expect_status 0 "$OBSERVA" analyze -d "$T/obs" --rows year --where "source=sv-cnt" --format csv --records
expect_grep "$T/out" "year,records"
expect_grep "$T/out" "2019,$r19"
expect_grep "$T/out" "2023,$r23"
expect_status 0 "$OBSERVA" analyze -d "$T/obs" --rows year --where "source=sv-cnt" --format json
expect_grep "$T/out" '"counts":"victims"'
expect_status 0 "$OBSERVA" analyze -d "$T/obs" --rows year --where "source=sv-cnt" --records
expect_grep "$T/out" "registros, no víctimas"
# by sex: the margins still add up to the file's total
expect_status 0 "$OBSERVA" analyze -d "$T/obs" --rows sex --cols year --where "source=sv-cnt" \
	--format csv
expect_grep "$T/out" "Total,2019,$v19"
expect_grep "$T/out" "Total,Total,$((v19 + v23))"

# indicators count victims; the change 2019 -> 2023 is up, as the victims
for y in 2019 2023; do
	expect_status 0 "$OBSERVA" indicators -d "$T/obs" --country SLV --period $y \
		-i homicide_rate --source sv-cnt --format csv
	line=$(grep "^homicide_rate,SLV," "$T/out")
	eval "want=\$v${y#20}"
	[ "$(echo "$line" | cut -d, -f6)" = "$want" ] || fail "homicide count $y: $line, file $want"
done

# an aggregate delivery: counts by municipality x month x crime x sex, with
# zeros, a year-long row and its own total row
awk 'BEGIN {
	print "Estadísticas de delitos 2023";
	print "";
	print "Mes;Municipio;Departamento;Delito;Sexo;Total";
	split("enero;febrero;marzo;abril;mayo;junio;julio;agosto;septiembre;octubre;noviembre;diciembre", mes, ";");
	split("San Salvador;Soyapango;Santa Ana", mun, ";");
	split("San Salvador;San Salvador;Santa Ana", dep, ";");
	split("Homicidio;Robo", del, ";");
	for (m = 1; m <= 12; m++)
		for (k = 1; k <= 3; k++)
			for (d = 1; d <= 2; d++)
				for (s = 0; s <= 1; s++) {
					v = (m * 7 + k * 5 + d * 3 + s) % 9;
					printf "%s 2023;%s;%s;%s;%s;%d\n", mes[m], mun[k], dep[k], del[d],
						(s ? "Mujer" : "Hombre"), v;
					t += v; if (d == 2) rob += v;
				}
	printf "2023;San Miguel;San Miguel;Robo;Hombre;%d\n", 17;
	t += 17; rob += 17;
	printf "Total;;;;;%d\n", t;
	printf "Robos;;;;;%d\n", rob;
}' >"$T/agg-2023.csv"
vagg=$(grep '^Total;' "$T/agg-2023.csv" | awk -F';' '{ print $NF }')
vrob=$(grep '^Robos;' "$T/agg-2023.csv" | awk -F';' '{ print $NF }')
# the last line is a note the profile does not know: cut it before ingesting
grep -v '^Robos;' "$T/agg-2023.csv" >"$T/agg.csv"
expect_status 0 "$OBSERVA" ingest -d "$T/obs" --source sv-agg "$T/agg.csv"
expect_grep "$T/out" "145 filas leídas = 145 aceptadas + 0 rechazadas; $vagg víctimas"
[ "$(sql "$T/obs" "SELECT aggregate FROM submission WHERE source = 'sv-agg'")" = 1 ] ||
	fail "the delivery is not marked aggregate"
[ "$(sql "$T/obs" "SELECT count(*) FROM record WHERE source = 'sv-agg' AND precision = 'month'")" = 144 ] ||
	fail "months not kept at month precision"
[ "$(sql "$T/obs" "SELECT precision FROM record WHERE source = 'sv-agg' AND occurred_on = '2023'")" = year ] ||
	fail "the year-long row"
expect_status 0 "$OBSERVA" analyze -d "$T/obs" --rows iccs_division --where "source=sv-agg" --format csv
expect_grep "$T/out" "Total,$vagg"
expect_grep "$T/out" "0401,$vrob"
expect_status 0 "$OBSERVA" analyze -d "$T/obs" --rows month --where "source=sv-agg year=2023" --format csv
expect_grep "$T/out" "unknown,17"
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --country SLV --period 2023 -i robbery_rate \
	--source sv-agg --format csv
[ "$(grep '^robbery_rate,SLV,' "$T/out" | cut -d, -f6)" = "$vrob" ] || fail "robberies: $(cat "$T/out")"
expect_status 0 "$OBSERVA" log -d "$T/obs" --format csv
awk -F, 'NR > 1 && $2 == "sv-agg" && $17 != '"$vagg"' { bad = 1 } END { exit bad }' "$T/out" ||
	fail "the logbook's victims of the aggregate delivery"

# bad counts and aggregate rows without a territory or period: quarantined
printf 'Id;Fecha;Municipio;Departamento;Delito;Sexo;CANTIDAD\nB1;01/02/2020;Soyapango;San Salvador;Homicidio;Hombre;1.5\nB2;01/02/2020;Soyapango;San Salvador;Homicidio;Hombre;-2\nB3;01/02/2020;Soyapango;San Salvador;Homicidio;Hombre;\nB4;01/02/2020;Soyapango;San Salvador;Homicidio;Hombre;abc\nB5;01/02/2020;Soyapango;San Salvador;Homicidio;Hombre;4\n' >"$T/bad.csv"
expect_status 0 "$OBSERVA" ingest -d "$T/obs" --source sv-cnt "$T/bad.csv"
expect_grep "$T/out" "5 filas leídas = 1 aceptadas + 4 rechazadas; 4 víctimas"
expect_status 0 "$OBSERVA" quarantine -d "$T/obs"
expect_grep "$T/out" "bad.csv:2:7:"
expect_grep "$T/out" "(valor «1.5»)"
expect_grep "$T/out" "bad.csv:3:7:"
expect_grep "$T/out" "(valor «-2»)"
expect_grep "$T/out" "bad.csv:4:7:"
expect_grep "$T/out" "bad.csv:5:7:"
expect_grep "$T/out" "número de víctimas"
printf 'Mes;Municipio;Departamento;Delito;Sexo;Total\n2022-01;;;Robo;Hombre;3\n;Soyapango;San Salvador;Robo;Hombre;3\n2022-02;Soyapango;San Salvador;Robo;Hombre;3\n' >"$T/agg-bad.csv"
expect_status 0 "$OBSERVA" ingest -d "$T/obs" --source sv-agg "$T/agg-bad.csv"
expect_grep "$T/out" "3 filas leídas = 1 aceptadas + 2 rechazadas; 3 víctimas"
expect_status 0 "$OBSERVA" quarantine -d "$T/obs" --source sv-agg
expect_grep "$T/out" "agg-bad.csv:2:"
expect_grep "$T/out" "falta el municipio"
expect_grep "$T/out" "agg-bad.csv:3:"
expect_grep "$T/out" "falta la fecha"

# a profile that maps a person's field to an aggregate source is refused
sed -i 's/^\[crosswalks\]/victim_age = Edad\n[crosswalks]/' "$src/sv-agg.ini"
expect_status 1 "$OBSERVA" ingest -d "$T/obs" --source sv-agg "$T/agg.csv"
expect_grep "$T/err" "victim_age"
