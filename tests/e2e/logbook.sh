# logbook.sh - the logbook shows every submission with rows read = accepted +
# rejected; the quarantine lists and exports rejected rows; a re-delivery
# supersedes; the same file again changes nothing.
init_obs "$T/obs"
cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$T/obs/catalog/sources/"
H='No. Caso;Fecha del hecho;Municipio;Departamento;Delito;Sexo;Edad;Nombre'
printf '%s\n1;03/01/2020;San Salvador;San Salvador;Homicidio;Hombre;30;Ana Pérez\n2;04/01/2020;Narnia;;Homicidio;Hombre;30;\n3;05/01/2020;Aguilares;San Salvador;Homicidio;Mujer;150;\n' "$H" >"$T/v1.csv"
printf '%s\n1;03/01/2020;San Salvador;San Salvador;Homicidio;Hombre;30;Ana Pérez\n2;04/01/2020;Apopa;;Homicidio;Hombre;30;\n3;05/01/2020;Aguilares;San Salvador;Homicidio;Mujer;50;\n' "$H" >"$T/v2.csv"

expect_status 0 "$OBSERVA" ingest -d "$T/obs" --source sv-test "$T/v1.csv"
expect_grep "$T/out" "3 filas leídas = 1 aceptadas + 2 rechazadas"
expect_status 0 "$OBSERVA" ingest -d "$T/obs" --source sv-test "$T/v1.csv"
expect_grep "$T/err" "ya ingestado"
[ "$(sql "$T/obs" "SELECT count(*) FROM submission")" = 1 ] || fail "re-ingest added a submission"

expect_status 0 "$OBSERVA" quarantine -d "$T/obs"
expect_grep "$T/out" "v1.csv:3:3: [sv-test] municipio desconocido"
expect_grep "$T/out" "(valor «Narnia»)"
expect_grep "$T/out" "v1.csv:4:7: [sv-test] edad no válida"
expect_status 0 "$OBSERVA" quarantine -d "$T/obs" --export "$T/q.csv"
grep -q 'Narnia' "$T/q.csv" || fail "export lacks the rejected value"
[ "$(wc -l <"$T/q.csv")" -eq 3 ] || fail "export should have a header and 2 rows"
# the victim's name never reaches the quarantine export of other rows
grep -q 'Ana' "$T/q.csv" && fail "a protected name leaked into the export"

expect_status 0 "$OBSERVA" ingest -d "$T/obs" --source sv-test "$T/v2.csv"
expect_grep "$T/out" "sustituye al envío 1"
expect_status 0 "$OBSERVA" log -d "$T/obs"
expect_grep "$T/out" "sustituido"
expect_grep "$T/out" "vigente"
expect_status 0 "$OBSERVA" log -d "$T/obs" --format csv
awk -F, 'NR > 1 && $6 != $7 + $8 { bad = 1 } END { exit bad }' "$T/out" ||
	fail "a logbook row where rows read != accepted + rejected"
# the quarantine of the superseded delivery is no longer current
expect_status 0 "$OBSERVA" quarantine -d "$T/obs"
expect_grep "$T/out" "no hay filas en cuarentena"
expect_status 2 "$OBSERVA" log -d "$T/obs" --format xml
