# sheets.sh - spreadsheets are ingested directly: a police export as .xlsx,
# as .xls and as its "save as CSV" twin (Windows-1252, ';'), with the same
# profile into three observatories, give the same records (dates, times,
# codes with leading zeros, banner rows above the header and the TOTAL row
# below); --sheet and the profile's sheet choose the second sheet; a row
# quarantined from a workbook keeps its cells as a CSV line; an unknown
# sheet is refused naming the sheets there are. The files are
# tests/data/sheets (make_sheets.py, README.md).
export LC_ALL=C.UTF-8
S="$OBSERVA_TESTDATA/sheets"

# profile: the test police profile, with the unit's code kept in extra
newobs() {
	init_obs "$T/$1"
	cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$T/$1/catalog/sources/"
}

# records DIR: the accepted records, one per line, in a fixed order
records() {
	sql "$1" "SELECT source_id, occurred_on, precision, occurred_at, territory, category,
		victim_sex, victim_age, mechanism, manner FROM record ORDER BY source_id"
}

for f in police.xlsx police.xls police.csv; do
	d=${f#police.}
	newobs "$d"
	expect_status 0 "$OBSERVA" ingest -d "$T/$d" --source sv-test "$S/$f"
	expect_grep "$T/out" "10 filas leídas = 10 aceptadas + 0 rechazadas"
	expect_grep "$T/out" "periodo 2023 (2023-01-01 a 2023-12-31)"
	expect_grep "$T/out" "1 filas de totales o notas al pie omitidas"
	# the header is row 4: the data are rows 5 to 14 of the sheet
	[ "$(sql "$T/$d" "SELECT min(line) || '-' || max(line) FROM record")" = 5-14 ] ||
		fail "$f: rows $(sql "$T/$d" "SELECT min(line) || '-' || max(line) FROM record")"
	records "$T/$d" >"$T/$d.records"
	[ "$(wc -l <"$T/$d.records")" -eq 10 ] || fail "$f: $(cat "$T/$d.records")"
done
cmp "$T/xlsx.records" "$T/csv.records" || { diff "$T/xlsx.records" "$T/csv.records" >&2; fail "xlsx and CSV differ"; }
cmp "$T/xls.records" "$T/csv.records" || { diff "$T/xls.records" "$T/csv.records" >&2; fail "xls and CSV differ"; }
grep -q '^00012304|2023-03-15|day|09:05:00|SLV0614|0101|M|45|firearm|homicide$' "$T/csv.records" ||
	fail "an unexpected record: $(grep 00012304 "$T/csv.records")"
# what the file was: the spreadsheet's kind in place of an encoding
[ "$(sql "$T/xlsx" "SELECT encoding FROM submission")" = xlsx ] || fail "encoding of the .xlsx"
[ "$(sql "$T/xls" "SELECT encoding FROM submission")" = xls ] || fail "encoding of the .xls"
[ "$(sql "$T/csv" "SELECT encoding FROM submission")" = Windows-1252 ] || fail "encoding of the CSV"
# the unit's code, a number formatted 0000, is kept as displayed in the
# .xlsx, as in the CSV; FreeXL gives no formats, so the .xls keeps 61
for d in xlsx csv xls; do
	sql "$T/$d" "SELECT json_extract(extra, '\$.\"Código unidad\"') FROM record
		WHERE source_id = '00012301'" >"$T/$d.unit"
done
[ "$(cat "$T/xlsx.unit")" = 0061 ] || fail "xlsx unit code: $(cat "$T/xlsx.unit")"
[ "$(cat "$T/csv.unit")" = 0061 ] || fail "csv unit code: $(cat "$T/csv.unit")"
[ "$(cat "$T/xls.unit")" = 61 ] || fail "xls unit code: $(cat "$T/xls.unit")"

# the second sheet, by name and by number; the same as its CSV twin
expect_status 0 "$OBSERVA" ingest -d "$T/xlsx" --source sv-test --dry-run --sheet 2 "$S/police.xlsx"
expect_grep "$T/out" "3 filas leídas = 3 aceptadas + 0 rechazadas"
newobs fem
expect_status 0 "$OBSERVA" ingest -d "$T/fem" --source sv-test --sheet Feminicidios "$S/police.xlsx"
expect_grep "$T/out" "3 filas leídas = 3 aceptadas + 0 rechazadas"
records "$T/fem" >"$T/fem.records"
newobs femcsv
expect_status 0 "$OBSERVA" ingest -d "$T/femcsv" --source sv-test "$S/police-feminicidios.csv"
records "$T/femcsv" >"$T/femcsv.records"
cmp "$T/fem.records" "$T/femcsv.records" || fail "the second sheet differs from its CSV"
grep -q '^00020002|2023-08-08|' "$T/fem.records" || fail "not the second sheet: $(cat "$T/fem.records")"
# the profile's sheet, and --sheet over it
newobs prof
printf '\n[file]\nsheet = Feminicidios\n' >>"$T/prof/catalog/sources/sv-test.ini"
expect_status 0 "$OBSERVA" ingest -d "$T/prof" --source sv-test --dry-run "$S/police.xls"
expect_grep "$T/out" "3 filas leídas = 3 aceptadas"
expect_status 0 "$OBSERVA" ingest -d "$T/prof" --source sv-test --dry-run --sheet 1 "$S/police.xls"
expect_grep "$T/out" "10 filas leídas = 10 aceptadas"

# an unknown sheet: refused, naming the sheets
expect_status 1 "$OBSERVA" ingest -d "$T/xlsx" --source sv-test --sheet Robos "$S/police.xlsx"
expect_grep "$T/err" "no existe esa hoja; el libro tiene: 1 «Homicidios», 2 «Feminicidios»"
expect_status 1 "$OBSERVA" --lang en ingest -d "$T/xls" --source sv-test --sheet 3 "$S/police.xls"
expect_grep "$T/err" "no such sheet; the workbook has: 1 «Homicidios», 2 «Feminicidios»"

# a quarantined row of a workbook: its row number and its cells as a CSV line
newobs half
expect_status 0 "$OBSERVA" ingest -d "$T/half" --source sv-test --period 2023-01..2023-06 "$S/police.xlsx"
expect_grep "$T/out" "10 filas leídas = 6 aceptadas + 4 rechazadas"
[ "$(sql "$T/half" "SELECT line || ' ' || raw FROM quarantine WHERE value = '22/07/2023'")" = \
	"11 00012307,22/07/2023,18:45,San Salvador,San Salvador,Homicidio,Hombre,38,Arma de fuego,0061" ] ||
	fail "quarantine: $(sql "$T/half" "SELECT line, raw FROM quarantine")"

# a damaged workbook is refused whole, with what is wrong
expect_status 1 "$OBSERVA" ingest -d "$T/xlsx" --source sv-test "$S/unit/truncated.xlsx"
expect_grep "$T/err" "archivo .xlsx dañado o truncado"
expect_status 1 "$OBSERVA" ingest -d "$T/xlsx" --source sv-test "$S/unit/encrypted.xlsx"
expect_grep "$T/err" "el archivo está cifrado; guárdelo sin contraseña"
expect_status 1 "$OBSERVA" ingest -d "$T/xlsx" --source sv-test "$S/unit/encrypted.xls"
expect_grep "$T/err" "el archivo está cifrado; guárdelo sin contraseña"
