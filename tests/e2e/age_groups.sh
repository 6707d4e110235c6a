# age_groups.sh - an export that gives age groups where it has no exact age
# (issue #13): the field victim_age_group, read as a band ("12 a 14", "60 y
# más") or through the default age_group crosswalk (MENORES, ADOLESCENTES,
# ADULTO MAYOR...); an exact age wins over its band; the indicators by
# age_group and by minor count a band in the group that holds all of it, in
# U when it spans groups, and say how many came so (from_age_band); an age
# filter takes a band only when all of it passes.
init_obs "$T/obs"
cat >"$T/obs/catalog/sources/sv-age.ini" <<'INI'
[source]
code = sv-age
name = Policía de prueba: homicidios con grupo de edad
country = SV
institution = police
period = year
[file]
dates = dmy
[columns]
source_id = Id
occurred_on = Fecha
territory = Municipio
territory_parent = Departamento
category = Delito
victim_sex = Sexo
victim_age = Edad
victim_age_group = Grupo de edad
[crosswalks]
category = sv-delito
victim_sex = sexo
victim_age_group = age_group
INI
# rows: age, group -> age_group (from a band?), minor (from a band?)
#  1  30  -              30-44       18+
#  2  16  ADOLESCENTES   15-17       0-17        (the age wins, inside the band)
#  3  40  MENORES        30-44       18+         (the age wins; a warning)
#  4  -   12 a 14        0-14  band  0-17 band
#  5  -   ADOLESCENTES   U     band  0-17 band   (12-17 spans 0-14 and 15-17)
#  6  -   60 y más       60+   band  18+  band
#  7  -   ADULTO MAYOR   60+   band  18+  band
#  8  -   JÓVENES        U           U           (unmapped: a warning)
#  9  -   de 18 a 29     18-29 band  18+  band
# 10  -   ADULTOS        U     band  18+  band   (18+ spans five groups)
# 11  -   -              U           U
# 12  -   NO DETERMINADO U           U
cat >"$T/age-2023.csv" <<'CSV'
Id;Fecha;Municipio;Departamento;Delito;Sexo;Edad;Grupo de edad
A1;05/01/2023;San Salvador;San Salvador;Homicidio;Hombre;30;
A2;06/02/2023;San Salvador;San Salvador;Homicidio;Hombre;16;ADOLESCENTES
A3;07/03/2023;San Salvador;San Salvador;Homicidio;Mujer;40;MENORES
A4;08/04/2023;San Salvador;San Salvador;Homicidio;Hombre;;12 a 14
A5;09/05/2023;San Salvador;San Salvador;Homicidio;Hombre;;ADOLESCENTES
A6;10/06/2023;San Salvador;San Salvador;Homicidio;Mujer;;60 y más
A7;11/07/2023;San Salvador;San Salvador;Homicidio;Hombre;;ADULTO MAYOR
A8;12/08/2023;San Salvador;San Salvador;Homicidio;Hombre;;JÓVENES
A9;13/09/2023;San Salvador;San Salvador;Homicidio;Hombre;;de 18 a 29
A10;14/10/2023;San Salvador;San Salvador;Homicidio;Mujer;;ADULTOS
A11;15/11/2023;San Salvador;San Salvador;Homicidio;Hombre;;
A12;16/12/2023;San Salvador;San Salvador;Homicidio;Hombre;;NO DETERMINADO
CSV
expect_status 0 "$OBSERVA" ingest -d "$T/obs" --source sv-age "$T/age-2023.csv"
expect_grep "$T/out" "12 filas leídas = 12 aceptadas + 0 rechazadas"
# the band is stored as its bounds, an exact age as itself
[ "$(sql "$T/obs" "SELECT victim_age_min || '-' || victim_age_max FROM record WHERE source_id = 'A5'")" = "12-17" ] ||
	fail "A5's band"
[ "$(sql "$T/obs" "SELECT victim_age_min || '-' || victim_age_max FROM record WHERE source_id = 'A6'")" = "60-120" ] ||
	fail "A6's band"
[ "$(sql "$T/obs" "SELECT victim_age || ':' || victim_age_min || '-' || victim_age_max FROM record WHERE source_id = 'A2'")" = "16:16-16" ] ||
	fail "A2: the exact age wins"
[ "$(sql "$T/obs" "SELECT count(*) FROM record WHERE victim_age IS NULL AND victim_age_min IS NULL")" = 3 ] ||
	fail "three records of unknown age"
# two warnings: an age outside its band, a label no crosswalk maps
[ "$(sql "$T/obs" "SELECT count(*) FROM warning WHERE field = 'victim_age_group'")" = 2 ] ||
	fail "warnings on the age group"
[ "$(sql "$T/obs" "SELECT count(*) FROM warning WHERE value = '40' OR reason LIKE 'la edad 40 no está en el grupo de edad 0-17%'")" = 1 ] ||
	fail "the age outside its band"
[ "$(sql "$T/obs" "SELECT count(*) FROM warning WHERE value = 'JÓVENES' AND reason LIKE 'valor no reconocido en el cruce «age_group»%'")" = 1 ] ||
	fail "the unmapped label"

# by age_group: group, count, from_age_band
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --country SLV --period 2023 -i homicide_rate \
	--source sv-age --by age_group --format csv
expect_grep "$T/out" ",flags,counting_rule,from_age_band"
got=$(awk -F, '$1 == "homicide_rate" { printf "%s=%s/%s ", $6, $7, $NF }' "$T/out")
[ "$got" = "0-14=1/1 15-17=1/0 18-29=1/1 30-44=2/0 45-59=0/0 60+=2/2 U=5/2 " ] ||
	fail "by age_group: $got"
expect_grep "$T/out" "age_band"
# by minor
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --country SLV --period 2023 -i homicide_rate \
	--source sv-age --by minor --format csv
got=$(awk -F, '$1 == "homicide_rate" { printf "%s=%s/%s ", $6, $7, $NF }' "$T/out")
[ "$got" = "0-17=3/2 18+=6/4 U=3/0 " ] || fail "by minor: $got"
# JSON says the same
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --country SLV --period 2023 -i homicide_rate \
	--source sv-age --by minor --format json
expect_grep "$T/out" '"minor":"18+","count":6,'
expect_grep "$T/out" '"from_age_band":4'
# without an age disaggregation, no such column
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --country SLV --period 2023 -i homicide_rate \
	--source sv-age --format csv
grep -q from_age_band "$T/out" && fail "from_age_band without an age disaggregation"
# a numerator filtering on age takes a band only when all of it is inside:
# 16, 12-14 and 12-17 are 0-17
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --country SLV --period 2023 \
	-i homicide_rate_0_17 --source sv-age --format csv
[ "$(awk -F, '$1 == "homicide_rate_0_17" { print $6 }' "$T/out")" = 3 ] || fail "age=0-17"

# the analyser: the same groups, the same filter
expect_status 0 "$OBSERVA" analyze -d "$T/obs" --rows minor --where "source=sv-age" --format csv
expect_grep "$T/out" "0-17,3"
expect_grep "$T/out" "18+,6"
expect_status 0 "$OBSERVA" analyze -d "$T/obs" --rows age_group --where "source=sv-age" --format csv
expect_grep "$T/out" "0-14,1"
expect_grep "$T/out" "60+,2"
expect_grep "$T/out" "U,5"
expect_status 0 "$OBSERVA" analyze -d "$T/obs" --rows year --where "source=sv-age age=18..120" \
	--format csv
expect_grep "$T/out" "2023,6"
