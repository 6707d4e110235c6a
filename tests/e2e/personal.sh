# personal.sh - victims' names never land unprotected in a record's extra: a
# header spelled "Nombre victima" that the profile does not map stops the
# delivery with a message naming the column and the line to add, and the
# store is unchanged; so does a Windows-1252 file under a UTF-8 profile (and
# the reverse), which is warned about with examples of both readings. Once
# the profile protects, ignores or clears the columns, the file goes in and
# the names are only in the protected table.
export LC_ALL=C.UTF-8
init_obs "$T/obs"
O="$T/obs"
P="$O/catalog/sources/sv-test.ini"
sed -e 's/^encoding = auto/encoding = utf-8/' "$OBSERVA_TESTDATA/ingest/sv-test.ini" >"$P"
state() {
	sql "$O" "SELECT (SELECT count(*) FROM submission) || '/' ||
		(SELECT count(*) FROM record) || '/' || (SELECT count(*) FROM quarantine) || '/' ||
		(SELECT count(*) FROM warning) || '/' || (SELECT count(*) FROM protected)"
}
H='No. Caso;Fecha del hecho;Municipio;Departamento;Delito;Sexo;Edad'
printf '%s;Nombre victima;Nombre del municipio;Teléfono\n1;03/01/2021;San Salvador;San Salvador;Homicidio;Hombre;30;Ana Pérez;San Salvador;7777-0000\n' \
	"$H" >"$T/nombre.csv"
before=$(state)
expect_status 1 "$OBSERVA" ingest -d "$O" --source sv-test "$T/nombre.csv"
expect_grep "$T/err" "nombre.csv:1:8: columnas con datos personales que el perfil sv-test no protege"
expect_grep "$T/err" "«Nombre victima» (columna 8, nombre: añada en [columns] names = Nombre victima)"
expect_grep "$T/err" "«Teléfono» (columna 10, teléfono: no hay campo protegido para ella: añada en [columns] ignore = Teléfono)"
grep -q "Nombre del municipio" "$T/err" && fail "«Nombre del municipio» is not personal"
[ "$(state)" = "$before" ] || fail "a stopped delivery changed the store: $before -> $(state)"

# the same header in Windows-1252, under a profile that says UTF-8
printf '%s;Nombre víctima\n2;04/01/2022;San Salvador;San Salvador;Homicidio;Mujer;25;José Núñez\n' \
	"$H" | iconv -f UTF-8 -t CP1252 >"$T/cp1252.csv"
expect_status 1 "$OBSERVA" ingest -d "$O" --source sv-test "$T/cp1252.csv"
expect_grep "$T/err" "cp1252.csv: el perfil dice UTF-8 pero el archivo no lo está; se lee en Windows-1252"
expect_grep "$T/err" "cp1252.csv:1:8: en UTF-8 «Nombre v�ctima», en Windows-1252 «Nombre víctima»"
expect_grep "$T/err" "cp1252.csv:2:8: en UTF-8 «Jos� N��ez», en Windows-1252 «José Núñez»"
expect_grep "$T/err" "«Nombre víctima» (columna 8, nombre"
[ "$(state)" = "$before" ] || fail "the Windows-1252 file changed the store"

# and UTF-8 under a profile that says Windows-1252
sed -i -e 's/^encoding = utf-8/encoding = windows-1252/' "$P"
printf '%s;NOMBRE DE LA VÍCTIMA\n3;05/01/2023;San Salvador;San Salvador;Homicidio;Mujer;25;María\n' \
	"$H" >"$T/utf8.csv"
expect_status 1 "$OBSERVA" ingest -d "$O" --source sv-test "$T/utf8.csv"
expect_grep "$T/err" "utf8.csv: el perfil dice Windows-1252 pero el archivo no lo está; se lee en UTF-8"
expect_grep "$T/err" "utf8.csv:1:8: en Windows-1252 «NOMBRE DE LA VÃ"
expect_grep "$T/err" "en UTF-8 «NOMBRE DE LA VÍCTIMA»"
expect_grep "$T/err" "«NOMBRE DE LA VÍCTIMA» (columna 8, nombre"
[ "$(state)" = "$before" ] || fail "the UTF-8 file changed the store"

# the profile protects the names, ignores the telephone: the files go in
sed -i -e 's/^names = Nombre$/names = Nombre | Nombre victima | Nombre víctima | NOMBRE DE LA VÍCTIMA/' \
	-e 's/^\[values\]/ignore = Teléfono\n\n[values]/' "$P"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test "$T/nombre.csv" "$T/cp1252.csv" "$T/utf8.csv"
[ "$(sql "$O" "SELECT group_concat(names, '|') FROM (SELECT names FROM protected ORDER BY record)")" = \
	"Ana Pérez|José Núñez|María" ] || fail "the names are not in the protected table"
[ "$(sql "$O" "SELECT count(*) FROM record WHERE extra LIKE '%Ana%' OR extra LIKE '%José%'
	OR extra LIKE '%María%' OR extra LIKE '%7777%' OR extra LIKE '%Tel%'")" = 0 ] ||
	fail "a name or a telephone is in extra"
[ "$(sql "$O" "SELECT extra FROM record WHERE source_id = '1'")" = \
	'{"Nombre del municipio":"San Salvador"}' ] || fail "extra: $(sql "$O" "SELECT extra FROM record")"
# the file read in another encoding than its profile's says so in its warnings
[ "$(sql "$O" "SELECT count(*) FROM warning w JOIN submission s ON s.id = w.submission
	WHERE s.file_name = 'utf8.csv' AND w.field IS NULL AND w.line = 1 AND w.column = 8
	AND w.value = 'NOMBRE DE LA VÍCTIMA'")" = 1 ] || fail "no encoding warning in the store"
