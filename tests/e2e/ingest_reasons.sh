# ingest_reasons.sh - an ingest explains itself and can be re-tried: a
# delivery all of whose rows are rejected prints the table of reasons (on a
# dry run too, which writes nothing), is recorded with its rows in the
# quarantine and the count of every reason in the logbook; warnings are
# listed by the command line and the API; after a crosswalk is fixed,
# --reprocess reads the file again as a new version that supersedes the
# old one, and a re-try with nothing changed changes nothing.
export LC_ALL=C.UTF-8
O="$T/obs"
init_obs "$O"
cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$O/catalog/sources/"

# every row rejected: three unknown crimes (two spellings) and an age out of range
printf '%s\n' 'No. Caso;Fecha del hecho;Municipio;Departamento;Delito;Sexo;Edad;Arma' \
	'1;03/01/2020;San Salvador;San Salvador;Extorsión rural;Hombre;30;Arma de fuego' \
	'2;04/01/2020;Apopa;San Salvador;Extorsión rural;Mujer;41;Ballesta' \
	'3;05/01/2020;Aguilares;San Salvador;Abigeato menor;Hombre;22;Arma de fuego' \
	'4;06/01/2020;Aguilares;San Salvador;Homicidio;Mujer;150;Arma de fuego' >"$T/all-bad.csv"

state() {
	sql "$O" "SELECT (SELECT count(*) FROM submission) || '/' ||
		(SELECT count(*) FROM record) || '/' || (SELECT count(*) FROM quarantine) || '/' ||
		(SELECT count(*) FROM warning)"
}

# a dry run shows the tables and writes nothing
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test --dry-run "$T/all-bad.csv"
expect_grep "$T/out" "[prueba] 4 filas leídas = 0 aceptadas + 4 rechazadas"
expect_grep "$T/out" "ATENCIÓN: se rechazaron todas las filas (4)."
expect_grep "$T/out" "observa ingest --reprocess --source sv-test"
expect_grep "$T/out" "Motivos de rechazo (filas):"
grep -q '^ *3  categoría desconocida.*category_unknown  Delito (5)  «Extorsión rural», «Abigeato menor»' "$T/out" ||
	{ cat "$T/out"; fail "no row for the unknown crimes"; }
grep -q '^ *1  edad no válida.*age_invalid  *Edad (7)  *«150»' "$T/out" ||
	{ cat "$T/out"; fail "no row for the bad age"; }
[ "$(state)" = "0/0/0/0" ] || fail "a dry run wrote: $(state)"

# the same as JSON, with the reasons and warnings arrays
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test --dry-run --format json "$T/all-bad.csv"
jq -e '.dry_run and .rejected == 4 and .accepted == 0 and (.reasons | length) == 2 and
	.reasons[0].kind == "category_unknown" and .reasons[0].count == 3 and
	.reasons[0].column == 5 and .reasons[0].column_name == "Delito" and
	.reasons[0].examples == ["Extorsión rural", "Abigeato menor"] and
	.reasons[1].kind == "age_invalid" and .warnings == []' "$T/out" >/dev/null ||
	{ cat "$T/out"; fail "ingest --format json"; }

# recorded: the logbook entry (0 accepted), the quarantine, the counts per reason
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test "$T/all-bad.csv"
expect_grep "$T/out" "4 filas leídas = 0 aceptadas + 4 rechazadas"
expect_grep "$T/out" "«observa quarantine --submission 1» lista las filas rechazadas."
expect_grep "$T/out" "category_unknown"
[ "$(state)" = "1/0/4/0" ] || fail "not recorded: $(state)"
[ "$(sql "$O" "SELECT rows_read || '/' || accepted || '/' || rejected FROM submission")" = 4/0/4 ] ||
	fail "rows read != accepted + rejected"
[ "$(sql "$O" "SELECT reasons FROM submission WHERE id = 1")" = \
	'{"rejected":{"category_unknown:5":3,"age_invalid:7":1},"warnings":{}}' ] ||
	fail "logbook reasons: $(sql "$O" "SELECT reasons FROM submission")"
[ "$(sql "$O" "SELECT kind FROM quarantine ORDER BY line" | paste -s -d ,)" = \
	category_unknown,category_unknown,category_unknown,age_invalid ] || fail "quarantine kinds"
PSHA=$(sha256sum "$O/catalog/sources/sv-test.ini" | cut -c1-64)
[ "$(sql "$O" "SELECT profile_sha256 FROM submission WHERE id = 1")" = "$PSHA" ] ||
	fail "the profile's SHA-256 is not in the logbook"
expect_status 0 "$OBSERVA" log -d "$O"
expect_grep "$T/out" "$(echo "$PSHA" | cut -c1-12)"
expect_grep "$T/out" 'motivos: {"rejected":{"category_unknown:5":3,"age_invalid:7":1}'
expect_status 0 "$OBSERVA" quarantine -d "$O" --reason category_unknown
[ "$(grep -c 'categoría desconocida' "$T/out")" = 3 ] || fail "quarantine --reason"
expect_status 0 "$OBSERVA" quarantine -d "$O" --reason age_invalid --submission 1
[ "$(grep -c 'all-bad.csv:' "$T/out")" = 1 ] || fail "quarantine --reason --submission"

# the same file again: nothing changes, and the message says how to re-read it
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test "$T/all-bad.csv"
expect_grep "$T/err" "ya ingestado (envío 1); nada cambia; --reprocess lo vuelve a leer con el perfil y los cruces actuales"
# --reprocess with the same profile and crosswalks: nothing changes either
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test --reprocess "$T/all-bad.csv"
expect_grep "$T/err" "con este mismo perfil y los mismos cruces; --reprocess no cambia nada"
[ "$(state)" = "1/0/4/0" ] || fail "an unchanged re-try changed the store: $(state)"

# the crosswalk learns one spelling; the file read again is version 2 of 2020
printf 'sv-delito,Extorsión rural,0101,,\n' >>"$O/catalog/crosswalks.csv"
expect_status 0 "$OBSERVA" catalog reload -d "$O"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test --reprocess "$T/all-bad.csv"
expect_grep "$T/out" "4 filas leídas = 2 aceptadas + 2 rechazadas"
expect_grep "$T/out" "envío 2 (versión 2, sustituye al envío 1)"
expect_grep "$T/out" "vuelve a leer el envío 1"
expect_grep "$T/out" "Avisos"
expect_grep "$T/out" "tag_unmapped"
[ "$(sql "$O" "SELECT superseded_by FROM submission WHERE id = 1")" = 2 ] || fail "not superseded"
[ "$(sql "$O" "SELECT version || '/' || reread || '/' || period FROM submission WHERE id = 2")" = 2/1/2020 ] ||
	fail "version, reading, period: $(sql "$O" "SELECT version, reread, period FROM submission WHERE id = 2")"
[ "$(sql "$O" "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission
	WHERE s.superseded_by IS NULL")" = 2 ] || fail "current records"
expect_status 0 "$OBSERVA" quarantine -d "$O"
[ "$(grep -c 'all-bad.csv:' "$T/out")" = 2 ] || fail "the current quarantine is not the new reading's"
# and again, unchanged: nothing
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test --reprocess "$T/all-bad.csv"
expect_grep "$T/err" "ya ingestado (envío 2) con este mismo perfil"
[ "$(sql "$O" "SELECT count(*) FROM submission")" = 2 ] || fail "an unchanged re-try added a submission"

# warnings: listed by the command line, with the same filters
expect_status 0 "$OBSERVA" quarantine -d "$O" --warnings
expect_grep "$T/out" "all-bad.csv:3:8: [sv-test] valor no reconocido en el cruce «arma»; se registra como desconocido (valor «Ballesta»)"
expect_status 0 "$OBSERVA" quarantine -d "$O" --warnings --reason date_invalid
expect_grep "$T/out" "(no hay avisos)"
expect_status 0 "$OBSERVA" quarantine -d "$O" --warnings --source sv-test --submission 2 --export "$T/w.csv"
expect_grep "$T/w.csv" "tag_unmapped"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'warning.list' AND object = 'warning'")" -ge 1 ] ||
	fail "the warnings listing is not audited"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'warning.export'")" = 1 ] ||
	fail "the warnings export is not audited"

# and by the API, for a steward (audited), json and csv
printf 'una clave bastante larga\n' >"$T/pw"
expect_status 0 "$OBSERVA" user add ana --role steward -d "$O" --password-fd 3 3<"$T/pw"
expect_status 0 "$OBSERVA" user token ana -d "$O"
TOK=$(cat "$T/out")
start_server "$O"
code=$(curl -s -o "$T/body" -w '%{http_code}' "$B/api/v1/warnings")
[ "$code" = 401 ] || fail "warnings without a token: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK" \
	"$B/api/v1/warnings?source=sv-test&reason=tag_unmapped")
[ "$code" = 200 ] || fail "GET /api/v1/warnings: $code $(cat "$T/body")"
jq -e '.total == 1 and .data[0].kind == "tag_unmapped" and .data[0].value == "Ballesta" and
	.data[0].submission == 2 and .data[0].column == 8' "$T/body" >/dev/null ||
	fail "warnings: $(cat "$T/body")"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK" \
	"$B/api/v1/warnings?format=csv")
[ "$code" = 200 ] || fail "GET /api/v1/warnings csv: $code"
head -n 1 "$T/body" | grep -q '^id,submission,source,file,current,line,column,field,value,reason,kind' ||
	fail "warnings csv: $(head -n 1 "$T/body")"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE object = 'warning' AND action = 'read'")" = 2 ] ||
	fail "the API's warnings are not audited"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK" \
	"$B/api/v1/quarantine?reason=age_invalid")
# the API lists the current deliveries' rows, as observa quarantine does
jq -e '.total == 1 and .data[0].kind == "age_invalid" and .data[0].current == 1' \
	"$T/body" >/dev/null || fail "quarantine?reason: $(cat "$T/body")"
expect_status 0 "$OBSERVA" quarantine -d "$O" --reason age_invalid
[ "$(grep -c 'edad no válida' "$T/out")" = 1 ] || fail "CLI and API disagree: $(cat "$T/out")"
# and the superseded readings too when asked, marked by current
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK" \
	"$B/api/v1/quarantine?reason=age_invalid&superseded=true")
jq -e '.total == 2 and ([.data[].kind] | unique) == ["age_invalid"] and
	([.data[].current] | sort) == [0, 1]' "$T/body" >/dev/null ||
	fail "quarantine?superseded: $(cat "$T/body")"
expect_status 0 "$OBSERVA" quarantine -d "$O" --reason age_invalid --superseded
[ "$(grep -c 'edad no válida' "$T/out")" = 2 ] || fail "CLI --superseded: $(cat "$T/out")"
curl -s "$B/api/v1/openapi.json" >"$T/openapi.json"
jq -e '.paths["/api/v1/warnings"].get["x-audited"] == true and
	([.paths["/api/v1/warnings"].get.parameters[].name] | index("reason")) and
	([.paths["/api/v1/submissions"].post.parameters[].name] | index("reprocess"))' \
	"$T/openapi.json" >/dev/null || fail "the OpenAPI document lacks the warnings route"

# the same re-try through POST /api/v1/submissions?reprocess=1
expect_status 0 "$OBSERVA" user add sub --role submitter --source sv-test -d "$O" --no-password
expect_status 0 "$OBSERVA" user token sub -d "$O"
TOKS=$(cat "$T/out")
post() { # post WANT QUERY
	code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKS" \
		-H "Content-Type: text/csv" --data-binary "@$T/all-bad.csv" "$B/api/v1/submissions?$2")
	[ "$code" = "$1" ] || fail "POST $2: $code, expected $1: $(cat "$T/body")"
}
post 200 "file=all-bad.csv&reprocess=1"
jq -e '.already and .unchanged and .submission == 2' "$T/body" >/dev/null ||
	fail "an unchanged API re-try: $(cat "$T/body")"
printf '# the profile, edited\n' >>"$O/catalog/sources/sv-test.ini"
post 201 "file=all-bad.csv&reprocess=1"
jq -e '.reprocessed == 2 and .superseded == 2 and .version == 3 and .accepted == 2 and
	([.reasons[] | [.kind, .count]] == [["age_invalid", 1], ["category_unknown", 1]]) and
	.reasons[1].examples == ["Abigeato menor"] and
	.warning_reasons[0].kind == "tag_unmapped" and (.profile_sha256 | length) == 64' \
	"$T/body" >/dev/null || fail "an API re-try: $(cat "$T/body")"
[ "$(sql "$O" "SELECT count(*) FROM submission WHERE superseded_by IS NULL")" = 1 ] ||
	fail "more than one current reading"
