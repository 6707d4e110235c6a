# csv_guard.sh - no CSV that observa writes can run a formula in a
# spreadsheet: rows quarantined with "-2+3+cmd|' /C calc'!A0", "@SUM(..)" or
# a leading tab, from a file whose very name is a formula, come out of
# "quarantine --export", "log --format csv" and the API's quarantine and
# logbook CSV with every such cell quoted behind an apostrophe, and the
# numbers of the logbook still numbers.
export LC_ALL=C.UTF-8
init_obs "$T/obs"
O="$T/obs"
cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$O/catalog/sources/"
F="$T/-2+3+cmd|' C calc'!A0.csv"
{
	printf 'No. Caso;Fecha del hecho;Municipio;Departamento;Delito;Sexo;Edad;Nombre\n'
	printf 'Q1;03/01/2023;San Salvador;San Salvador;Homicidio;Hombre;30;\n'
	printf "Q2;04/01/2023;-2+3+cmd|' /C calc'!A0;;Homicidio;Hombre;30;\n"
	printf 'Q3;05/01/2023;San Salvador;;@SUM(1+1)*cmd|calc;Mujer;30;\n'
	printf '\t=1+2;06/01/2023;San Salvador;;Homicidio;Mujer;150;\n'
	printf 'Q5;07/01/2023;San Salvador;;Homicidio;Mujer;=HYPERLINK("http://x");\n'
} >"$F"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test "$F"
expect_grep "$T/out" "5 filas leídas = 1 aceptadas + 4 rechazadas"

# check_csv FILE DELIMITER WHAT: no cell begins as a formula; the dangerous
# ones are there, behind an apostrophe
check_csv() {
	python3 - "$1" "$2" "$3" <<'PY' || fail "$3: a cell a spreadsheet would run"
import csv, sys
path, delim, what = sys.argv[1], sys.argv[2], sys.argv[3]
rows = list(csv.reader(open(path, encoding="utf-8-sig", newline=""), delimiter=delim))
cells = [c for r in rows for c in r]
bad = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
if bad:
    sys.exit(f"{what}: {bad!r}")
if "'-2+3+cmd|' C calc'!A0.csv" not in cells:
    sys.exit(f"{what}: the file name is not there, guarded: {cells!r}")
PY
}
expect_status 0 "$OBSERVA" quarantine -d "$O" --export "$T/q.csv"
check_csv "$T/q.csv" ";" "quarantine --export"
python3 - "$T/q.csv" <<'PY' || fail "quarantine export: the guarded cells"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
values = {r["valor"] for r in rows}
raws = [r["fila_original"] for r in rows]
assert "'-2+3+cmd|' /C calc'!A0" in values, values
assert "'@SUM(1+1)*cmd|calc" in values, values
assert "'=HYPERLINK(\"http://x\")" in values, values
assert any(r.startswith("'\t=1+2;") for r in raws), raws
# numbers stay numbers
assert all(r["linea"].isdigit() and r["columna"].isdigit() for r in rows), rows
PY
expect_status 0 "$OBSERVA" log -d "$O" --format csv
cp "$T/out" "$T/log.csv"
check_csv "$T/log.csv" "," "log --format csv"
python3 - "$T/log.csv" <<'PY' || fail "log --format csv: numbers"
import csv, sys
r = next(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
assert (r["rows_read"], r["accepted"], r["rejected"]) == ("5", "1", "4"), r
PY

# the API's CSV answers
expect_status 0 "$OBSERVA" user add sara --role steward -d "$O" --no-password
expect_status 0 "$OBSERVA" user token sara -d "$O"
TOK=$(cat "$T/out")
start_server "$O"
for route in quarantine logbook; do
	code=$(curl -s -o "$T/$route.csv" -w '%{http_code}' -H "Authorization: Bearer $TOK" \
		"$B/api/v1/$route?format=csv") || fail "curl $route"
	[ "$code" = 200 ] || { cat "$T/$route.csv" >&2; fail "$route: $code"; }
	check_csv "$T/$route.csv" "," "GET /api/v1/$route?format=csv"
done
grep -qF "\"'-2+3+cmd|' /C calc'!A0\"" "$T/quarantine.csv" || fail "API quarantine: the guarded value"
