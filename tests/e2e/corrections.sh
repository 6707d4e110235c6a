# corrections.sh - a corrected delivery replaces the one it corrects and
# doubles nothing. A 2023 delivery of 156 cases, then a corrected 2023
# delivery with one more case dated 31/12/2022: the correction covers 2023
# (the year holding most of its rows, never 2022-01-01..2023-12-31), it
# supersedes the first, the 2022 row is quarantined (or kept with a warning
# under outside_period = warn), and 2023 counts 156 in the CLI's analyze and
# indicators and in the API; the same through POST /api/v1/submissions with
# period. A period that overlaps another delivery's without covering it is
# refused, naming it; the logbook shows every period and where it came from.
export LC_ALL=C.UTF-8
init_obs "$T/obs"
O="$T/obs"
cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$O/catalog/sources/"

# deliver N FILE: 156 homicides of 2023 in San Salvador and Soyapango
awk 'BEGIN {
	print "No. Caso;Fecha del hecho;Municipio;Departamento;Delito;Sexo;Edad;Nombre";
	for (i = 1; i <= 156; i++)
		printf "C%d;%02d/%02d/2023;%s;San Salvador;Homicidio;%s;%d;\n", i, i % 28 + 1,
			i % 12 + 1, (i % 2 ? "San Salvador" : "Soyapango"), (i % 3 ? "Hombre" : "Mujer"),
			18 + i % 50;
}' >"$T/homicidios.csv"
# the correction: one age fixed, and a case of 31 December 2022 reported late
sed -e 's/^C7;\(.*\);[0-9]*;$/C7;\1;41;/' "$T/homicidios.csv" >"$T/corregido.csv"
printf 'C999;31/12/2022;San Salvador;San Salvador;Homicidio;Hombre;30;\n' >>"$T/corregido.csv"
cmp -s "$T/homicidios.csv" "$T/corregido.csv" && fail "the correction is the same file"

count_2023() { # the CLI's count of 2023 in the analyser
	"$OBSERVA" analyze -d "$1" --rows year --where "year=2022..2023 source=sv-test" --format csv >"$T/an" ||
		fail "analyze"
	awk -F, '$1 == "2023" { print $2 }' "$T/an"
}

expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test "$T/homicidios.csv"
expect_grep "$T/out" "periodo 2023 (2023-01-01 a 2023-12-31)"
[ "$(count_2023 "$O")" = 156 ] || fail "2023 should count 156 before the correction"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test "$T/corregido.csv"
expect_grep "$T/out" "157 filas leídas = 156 aceptadas + 1 rechazadas"
expect_grep "$T/out" "periodo 2023 (2023-01-01 a 2023-12-31); 1 fuera del periodo"
expect_grep "$T/out" "sustituye al envío 1"
expect_grep "$T/out" "el año con más filas: 156 de 157"
[ "$(count_2023 "$O")" = 156 ] || fail "the correction doubled 2023: $(cat "$T/an")"
grep -q '^2022,' "$T/an" && fail "the late 2022 row was counted"
[ "$(sql "$O" "SELECT period_from || '..' || period_to FROM submission WHERE id = 2")" = \
	"2023-01-01..2023-12-31" ] || fail "the correction's period is not 2023"
[ "$(sql "$O" "SELECT count(*) FROM quarantine WHERE submission = 2 AND line = 158
	AND value = '31/12/2022' AND reason LIKE 'fecha fuera del periodo del envío, 2023%'")" = 1 ] ||
	fail "the 2022 row is not in the quarantine"
[ "$(sql "$O" "SELECT victim_age FROM record r JOIN submission s ON s.id = r.submission
	WHERE s.superseded_by IS NULL AND source_id = 'C7'")" = 41 ] || fail "the correction is not current"
# the indicators count the same
expect_status 0 "$OBSERVA" indicators -d "$O" --territory SLV --period 2023 -i homicide_rate --source sv-test \
	--format csv
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "count") c = i }
	NR == 2 { print $c }' "$T/out" >"$T/ind"
[ "$(cat "$T/ind")" = 156 ] || { cat "$T/out" >&2; fail "indicators count $(cat "$T/ind") for 2023"; }

# the logbook: the period and where it came from
expect_status 0 "$OBSERVA" log -d "$O"
expect_grep "$T/out" "2023 (f)"
expect_status 0 "$OBSERVA" log -d "$O" --format csv
python3 - "$T/out" <<'PY' || fail "logbook CSV"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert [r["period"] for r in rows] == ["2023", "2023"], rows
assert [r["period_basis"] for r in rows] == ["rows", "rows"], rows
assert rows[0]["superseded_by"] == rows[1]["submission"], rows
PY

# a declared period that overlaps 2023 without covering it: refused, named
{
	head -n 1 "$T/homicidios.csv"
	printf 'S1;10/07/2023;San Salvador;San Salvador;Homicidio;Hombre;30;\n'
	printf 'S2;10/08/2023;Soyapango;San Salvador;Homicidio;Mujer;31;\n'
	printf 'S3;10/01/2024;Soyapango;San Salvador;Homicidio;Mujer;32;\n'
} >"$T/semestre.csv"
expect_status 1 "$OBSERVA" ingest -d "$O" --source sv-test --period 2023-06..2024-01 \
	"$T/semestre.csv"
expect_grep "$T/err" "se solapa con el del envío 2 (corregido.csv, periodo 2023)"
[ "$(sql "$O" "SELECT count(*) FROM submission")" = 2 ] || fail "the refused file was logged"
# a period the rows mostly miss: refused as a file of another period
expect_status 1 "$OBSERVA" ingest -d "$O" --source sv-test --period 2021 "$T/semestre.csv"
expect_grep "$T/err" "el archivo parece ser de otro periodo: 3 de 3 filas"
# the file name says the period: declared by the name, superseding 2023 again
cp "$T/corregido.csv" "$T/pnc_2023.csv"
printf 'C1000;01/06/2023;Soyapango;San Salvador;Homicidio;Mujer;30;\n' >>"$T/pnc_2023.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test "$T/pnc_2023.csv"
expect_grep "$T/out" "el que dice el nombre del archivo"
[ "$(count_2023 "$O")" = 157 ] || fail "the third 2023 delivery: $(cat "$T/an")"

# outside_period = warn keeps the late row, with its warning
W="$T/warn"
init_obs "$W"
sed -e 's/^require = .*/&\noutside_period = warn/' "$OBSERVA_TESTDATA/ingest/sv-test.ini" \
	>"$W/catalog/sources/sv-test.ini"
expect_status 0 "$OBSERVA" ingest -d "$W" --source sv-test "$T/homicidios.csv"
expect_status 0 "$OBSERVA" ingest -d "$W" --source sv-test "$T/corregido.csv"
expect_grep "$T/out" "157 filas leídas = 157 aceptadas + 0 rechazadas; 157 víctimas en las aceptadas; 1 con avisos"
[ "$(count_2023 "$W")" = 156 ] || fail "warn: 2023 doubled: $(cat "$T/an")"
[ "$(awk -F, '$1 == "2022" { print $2 }' "$T/an")" = 1 ] || fail "warn: the 2022 row is kept"
[ "$(sql "$W" "SELECT count(*) FROM warning WHERE submission = 2 AND line = 158
	AND reason LIKE '%outside_period = warn%'")" = 1 ] || fail "warn: no warning for the late row"

# the API counts 2023 once (an analyst's exact count)
expect_status 0 "$OBSERVA" user add ana --role analyst -d "$O" --no-password
expect_status 0 "$OBSERVA" user token ana -d "$O"
TOKEN=$(cat "$T/out")
start_server "$O"
curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	"$B/api/v1/analyze?rows=year&where=year%3D2023%20source%3Dsv-test&format=csv" \
	>"$T/code" || fail "curl analyze"
[ "$(cat "$T/code")" = 200 ] || { cat "$T/body" >&2; fail "analyze: $(cat "$T/code")"; }
[ "$(awk -F, '$1 == "2023" { print $2 }' "$T/body")" = 157 ] ||
	{ cat "$T/body" >&2; fail "the API counts 2023 otherwise"; }
kill -TERM "$PID" && wait "$PID" || true

# the same through POST /api/v1/submissions, with period
A="$T/api"
init_obs "$A"
cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$A/catalog/sources/"
expect_status 0 "$OBSERVA" user add ana --role submitter --source sv-test -d "$A" --no-password
expect_status 0 "$OBSERVA" user token ana -d "$A"
TOK=$(cat "$T/out")
start_server "$A"
post() { # post WANT QUERY FILE
	curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK" \
		-H "Content-Type: text/csv" --data-binary "@$3" "$B/api/v1/submissions?$2" >"$T/code" ||
		fail "curl submissions"
	[ "$(cat "$T/code")" = "$1" ] || { cat "$T/body" >&2; fail "POST $2: $(cat "$T/code"), expected $1"; }
}
post 201 "file=entrega.csv&period=2023" "$T/homicidios.csv"
jq -e '.period == "2023" and .period_basis == "declared" and .superseded == 0
	and .accepted == 156' "$T/body" >/dev/null || { cat "$T/body" >&2; fail "first upload"; }
first=$(jq .submission "$T/body")
post 201 "file=entrega-corregida.csv&period=2023" "$T/corregido.csv"
jq -e --argjson f "$first" '.period == "2023" and .period_from == "2023-01-01"
	and .period_to == "2023-12-31" and .superseded == $f and .version == 2
	and .accepted == 156 and .rejected == 1 and .outside_period == 1' "$T/body" >/dev/null ||
	{ cat "$T/body" >&2; fail "corrected upload"; }
post 400 "file=x.csv&period=2023-13" "$T/corregido.csv"
jq -e '.error.code == "bad_parameter"' "$T/body" >/dev/null || fail "a bad period: $(cat "$T/body")"
post 409 "file=x.csv&period=2023-07..2024-01" "$T/semestre.csv"
jq -e '.error.message | contains("entrega-corregida.csv")' "$T/body" >/dev/null ||
	fail "the overlap does not name the submission: $(cat "$T/body")"
[ "$(sql "$A" "SELECT count(*) FROM submission")" = 2 ] || fail "refused uploads were logged"
[ "$(count_2023 "$A")" = 156 ] || fail "API uploads doubled 2023: $(cat "$T/an")"
[ "$(sql "$A" "SELECT period || ' ' || period_basis FROM submission WHERE id = 2")" = \
	"2023 declared" ] || fail "the logbook lacks the declared period"
