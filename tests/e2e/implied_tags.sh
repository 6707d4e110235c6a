# implied_tags.sh - a category's label can tell a tag the file has no column
# for: the crosswalk target "0201 relationship=domestic" files a report of
# "Violencia intrafamiliar" as assault with the relationship "domestic"
# (partner or family member, not stated which), so the domestic violence
# rate counts it; a row that states its relationship keeps its own; the
# delivery counts as supplying the relationship (the other rows read as
# unknown); a malformed target is refused when the catalogue is loaded.
export LC_ALL=C.UTF-8
O="$T/obs"
init_obs "$O"
# a police profile of reported crimes with no relationship column, and one with it
cat >"$O/catalog/sources/sv-crimes.ini" <<'INI'
[source]
code = sv-crimes
name = Denuncias de prueba
country = SV
institution = police
period = year

[columns]
source_id = Caso
occurred_on = Fecha
territory = Municipio
territory_parent = Departamento
category = Delito
victim_sex = Sexo

[crosswalks]
category = sv-delito
victim_sex = sexo
INI
printf '%s\n' 'Caso;Fecha;Municipio;Departamento;Delito;Sexo' \
	'1;03/01/2020;San Salvador;San Salvador;Violencia intrafamiliar;Mujer' \
	'2;04/01/2020;Apopa;San Salvador;Violencia doméstica;Mujer' \
	'3;05/01/2020;Apopa;San Salvador;Lesiones;Hombre' >"$T/denuncias.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-crimes "$T/denuncias.csv"
expect_grep "$T/out" "3 aceptadas"
got=$(sql "$O" "SELECT group_concat(source_id || ':' || category || ':' || ifnull(relationship, '-'), ' ')
	FROM (SELECT * FROM record ORDER BY source_id)")
[ "$got" = "1:0201:domestic 2:0201:domestic 3:02011:-" ] || fail "records: $got"
# the delivery supplied the relationship (bit 12: enum ob_field RELATIONSHIP)
[ "$(sql "$O" "SELECT (fields >> 12) & 1 FROM submission")" = 1 ] || fail "relationship not supplied"

# the domestic violence rate counts the two reports in 2020, in San Salvador department
expect_status 0 "$OBSERVA" indicators -d "$O" --indicator domestic_violence_rate --level 0 \
	--country SLV --period 2020 --format csv
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ if ($c["count"] != 2) { print "count", $c["count"]; exit 1 } }' "$T/out" ||
	{ cat "$T/out"; fail "domestic violence rate"; }

# a row that states its relationship keeps it
cat >"$O/catalog/sources/sv-crimes2.ini" <<'INI'
[source]
code = sv-crimes2
name = Denuncias con relación
country = SV
institution = police
period = year

[columns]
source_id = Caso
occurred_on = Fecha
territory = Municipio
territory_parent = Departamento
category = Delito
relationship = Relación

[crosswalks]
category = sv-delito
INI
printf '%s\n' 'Caso;Fecha;Municipio;Departamento;Delito;Relación' \
	'7;03/02/2020;San Salvador;San Salvador;Violencia intrafamiliar;family' \
	'8;04/02/2020;Apopa;San Salvador;Violencia intrafamiliar;' >"$T/denuncias2.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-crimes2 "$T/denuncias2.csv"
got=$(sql "$O" "SELECT group_concat(source_id || ':' || relationship, ' ') FROM
	(SELECT * FROM record WHERE source = 'sv-crimes2' ORDER BY source_id)")
[ "$got" = "7:family 8:domestic" ] || fail "stated relationship: $got"

# a malformed target is refused with its line and what is expected
cp "$O/catalog/crosswalks.csv" "$T/xw.csv"
printf '%s\n' 'sv-delito,Violencia vecinal,0201 relationship=neighbour,,' >>"$O/catalog/crosswalks.csv"
expect_status 1 "$OBSERVA" catalog reload -d "$O"
expect_grep "$T/err" "destino no válido: un código de iccs.csv seguido de tipo=código de tags.csv"
expect_grep "$T/err" "crosswalks.csv"
cp "$T/xw.csv" "$O/catalog/crosswalks.csv"
printf '%s\n' 'sv-delito,Violencia vecinal,9999 relationship=family,,' >>"$O/catalog/crosswalks.csv"
expect_status 1 "$OBSERVA" catalog reload -d "$O"
expect_grep "$T/err" "destino no válido"
