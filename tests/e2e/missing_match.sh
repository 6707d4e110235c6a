# missing_match.sh - unidentified bodies matched to missing-person reports
# on the demo (docs/missing.md): "observa missing match" puts candidates in
# the review queue, among them the reports the demo made for some of its
# unidentified bodies, and running it again adds nothing; the queue is
# listed only with an audit entry and not to an analyst; a steward
# confirms one (the report becomes located dead on the case engine, with
# the body's date, audited; when the decision cannot be written the
# report does not move either) and rejects another (audited, never proposed
# again); a decided match cannot be decided twice; the restricted pages
# of the matches and of the information received ask for a session, show
# the queue to a steward and take a decision with the session's CSRF
# token only; the API routes answer 401 without credentials, list the
# queue to a steward and refuse a second decision (409); and no public
# route or page shows the confirmed person's name or document. A steward
# gives an open report a photograph through the API and the restricted
# page: kept without its metadata, set without a move, audited; a bad file
# refused with its reason and nothing kept.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.03
O="$T/obs"
printf 'la clave de ana es larga\n' >"$T/pw"
expect_status 0 "$OBSERVA" user add ana --role steward -d "$O" --password-fd 3 3<"$T/pw"
expect_status 0 "$OBSERVA" user add bob --role analyst -d "$O" --no-password

bodies=$(sql "$O" "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission
	JOIN protected p ON p.record = r.id WHERE s.institution = 'forensic' AND s.country = 'SLV'
	AND s.superseded_by IS NULL AND p.names IN ('DESCONOCIDO', 'UNKNOWN') AND p.document IS NULL")
[ "$bodies" -ge 3 ] || fail "the demo has $bodies unidentified bodies in El Salvador"

# the first run fills the queue; the second adds nothing
expect_status 0 "$OBSERVA" missing match -d "$O" --lang en
expect_grep "$T/out" "unidentified bodies: "
added=$(sed -n 's/.*new in the queue: \([0-9]*\)$/\1/p' "$T/out")
n=$(sql "$O" "SELECT count(*) FROM missing_match")
[ "$added" = "$n" ] && [ "$n" -ge 2 ] || fail "first run: $added added, $n in the queue"
[ "$(sql "$O" "SELECT count(*) FROM missing_match WHERE score < 8")" = 0 ] || fail "below 8 bits"
expect_status 0 "$OBSERVA" missing match -d "$O" --lang en
expect_grep "$T/out" "new in the queue: 0"
[ "$(sql "$O" "SELECT count(*) FROM missing_match")" = "$n" ] || fail "the second run added rows"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'missing.match'")" = 2 ] ||
	fail "each run in the audit log"
# the demo's reports of bodies: still missing, in the body's territory,
# found after they went missing, and among the candidates
planted=$(sql "$O" "SELECT count(DISTINCT m.case_id) FROM missing_match m
	JOIN case_file c ON c.id = m.case_id
	JOIN case_value t ON t.case_id = m.case_id AND t.field = 'last_seen_territory'
	JOIN case_value s ON s.case_id = m.case_id AND s.field = 'missing_since'
	WHERE c.state = 'missing' AND t.value = m.territory AND m.found_on >= s.value")
[ "$planted" -ge 2 ] || fail "$planted reports matched in their own territory"
# a higher threshold keeps fewer, a body found before everything none
expect_status 0 "$OBSERVA" missing match -d "$O" --lang en --threshold 1000
expect_grep "$T/out" "candidates (1000.00 bits or more): 0"
expect_status 2 "$OBSERVA" missing match -d "$O" --since 2024-02-30
expect_status 2 "$OBSERVA" missing match -d "$O" --threshold ocho

# the queue: audited, not for an analyst
expect_status 0 "$OBSERVA" missing matches -d "$O" --format csv --lang en
[ "$(($(wc -l <"$T/out") - 1))" = "$n" ] || fail "matches listed: $(cat "$T/out")"
head -n 1 "$T/out" | grep -q '^id,case,source,source_id,found_on,territory,sex,age_min,age_max,score,status,decided_by,explanation$' ||
	fail "header: $(head -n 1 "$T/out")"
[ "$(sql "$O" "SELECT json_extract(detail, '\$.records') FROM audit
	WHERE action = 'missing.matches' ORDER BY seq DESC LIMIT 1")" = "$n" ] || fail "list not audited"
expect_status 1 "$OBSERVA" missing matches -d "$O" --user bob
expect_grep "$T/err" "steward"

# confirm the best candidate, reject the best one of another report
best=$(sql "$O" "SELECT id FROM missing_match ORDER BY score DESC, id LIMIT 1")
case_id=$(sql "$O" "SELECT case_id FROM missing_match WHERE id = $best")
found=$(sql "$O" "SELECT found_on FROM missing_match WHERE id = $best")
other=$(sql "$O" "SELECT id FROM missing_match WHERE case_id <> $case_id
	ORDER BY score DESC, id LIMIT 1")
[ -n "$other" ] || fail "a single report among the candidates"
expect_status 1 "$OBSERVA" missing review "$best" confirm -d "$O" --user bob
[ "$(sql "$O" "SELECT state FROM case_file WHERE id = $case_id")" = missing ] ||
	fail "an analyst moved the report"
# the decision cannot be written: the report is not moved either
sql "$O" "CREATE TRIGGER mm_refuse BEFORE UPDATE ON missing_match BEGIN
	SELECT RAISE(ABORT, 'refused by the test'); END;"
if "$OBSERVA" missing review "$best" confirm -d "$O" --user ana >"$T/out" 2>"$T/err"; then
	fail "confirmed without writing the decision"
fi
sql "$O" "DROP TRIGGER mm_refuse"
[ "$(sql "$O" "SELECT state FROM case_file WHERE id = $case_id")" = missing ] ||
	fail "the report moved without its decision"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'missing.match.confirm'
	OR (action = 'case.move' AND object = 'case:$case_id')")" = 0 ] ||
	fail "audit entries of an undone confirmation"
expect_status 0 "$OBSERVA" missing review "$best" confirm -d "$O" --user ana
[ "$(sql "$O" "SELECT state FROM case_file WHERE id = $case_id")" = located_dead ] ||
	fail "the report was not moved"
[ "$(sql "$O" "SELECT value FROM case_value WHERE case_id = $case_id AND field = 'located_on'")" = "$found" ] ||
	fail "located_on is not the date of the finding"
[ "$(sql "$O" "SELECT count(*) FROM case_event WHERE case_id = $case_id AND state_to = 'located_dead'
	AND actor = 'ana'")" = 1 ] || fail "the move is not in the case's history"
[ "$(sql "$O" "SELECT status || ' ' || decided_by FROM missing_match WHERE id = $best")" = "confirmed ana" ] ||
	fail "decision not kept"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'missing.match.confirm'
	AND object = 'missing_match:$best' AND actor = 'ana'")" = 1 ] || fail "confirmation not audited"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'case.move' AND object = 'case:$case_id'
	AND actor = 'ana'")" = 1 ] || fail "the move not audited"
expect_status 1 "$OBSERVA" missing review "$best" reject -d "$O" --user ana
expect_status 0 "$OBSERVA" missing review "$other" reject -d "$O" --user ana
[ "$(sql "$O" "SELECT status FROM missing_match WHERE id = $other")" = rejected ] || fail "reject"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'missing.match.reject'
	AND object = 'missing_match:$other'")" = 1 ] || fail "rejection not audited"
expect_status 2 "$OBSERVA" missing review "$other" maybe -d "$O"
expect_status 1 "$OBSERVA" missing review 999999 reject -d "$O"
# again: the rejected pair stays rejected, the identified body is proposed
# for no other report
expect_status 0 "$OBSERVA" missing match -d "$O" --lang en
expect_grep "$T/out" "new in the queue: 0"
[ "$(sql "$O" "SELECT status FROM missing_match WHERE id = $other")" = rejected ] || fail "re-proposed"

# the restricted pages and API routes
expect_status 0 "$OBSERVA" user token ana -d "$O"
TOK=$(cat "$T/out")
start_server "$O"
code=$(curl -s -o "$T/body" -w '%{http_code}' "$B/api/v1/missing-matches")
[ "$code" = 401 ] || fail "the matches without credentials: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	--data '{"decision":"reject"}' "$B/api/v1/missing-matches/$other")
[ "$code" = 401 ] || fail "a decision without credentials: $code"
curl -s -H "Authorization: Bearer $TOK" "$B/api/v1/missing-matches?status=all" >"$T/body"
[ "$(jq .total "$T/body")" = "$n" ] || fail "API total: $(cat "$T/body")"
[ "$(jq -r ".data[] | select(.id == $best) | .status" "$T/body")" = confirmed ] || fail "API status"
jq -e '.data[0] | has("name") or has("document") | not' "$T/body" >/dev/null || fail "API identity"
code=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOK" \
	-H 'Content-Type: application/json' --data '{"decision":"reject"}' \
	"$B/api/v1/missing-matches/$best")
[ "$code" = 409 ] || fail "a second decision through the API: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOK" \
	-H 'Content-Type: application/json' --data '{"decision":"reject"}' \
	"$B/api/v1/missing-matches/999999")
[ "$code" = 404 ] || fail "an unknown match through the API: $code"
req() {
	jar=$1 want=$2 path=$3
	shift 3
	code=$(curl -s -b "$jar" -c "$jar" -o "$T/body" -D "$T/head" -w '%{http_code}' "$@" \
		"$B$path") || fail "curl $path"
	[ "$code" = "$want" ] || { cat "$T/head" "$T/body" >&2; fail "$path: $code, expected $want"; }
}
csrf() {
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -n 1
}
for p in /es/gestion/coincidencias /en/admin/matches /es/gestion/informacion /en/admin/tips; do
	req "$T/anon" 303 "$p"
	grep -qi '^location: /e[sn]/\(acceso\|sign-in\)' "$T/head" || fail "$p: not sent to sign in"
done
req "$T/anon" 303 /es/gestion/coincidencias --data "match=$other&decision=confirm"
req "$T/ana" 200 /es/acceso
req "$T/ana" 303 /es/acceso --data-urlencode "csrf=$(csrf)" --data-urlencode "user=ana" \
	--data-urlencode "password=la clave de ana es larga"
req "$T/ana" 200 /es/gestion
expect_grep "$T/body" "Coincidencias de desaparecidos"
req "$T/ana" 200 /es/gestion/coincidencias
pending=$(sql "$O" "SELECT count(*) FROM missing_match WHERE status = 'pending'")
expect_grep "$T/body" "$pending coincidencias candidatas"
grep -q 'name="match" value="'"$best"'"' "$T/body" && fail "a decided match is offered"
tok=$(csrf)
next=$(sql "$O" "SELECT id FROM missing_match WHERE status = 'pending' ORDER BY score DESC, id LIMIT 1")
if [ -n "$next" ]; then
	req "$T/ana" 403 /es/gestion/coincidencias --data "match=$next&decision=reject"
	req "$T/ana" 403 /es/gestion/coincidencias --data "csrf=nada&match=$next&decision=reject"
	[ "$(sql "$O" "SELECT status FROM missing_match WHERE id = $next")" = pending ] ||
		fail "decided without the token"
	req "$T/ana" 303 /es/gestion/coincidencias --data-urlencode "csrf=$tok" \
		--data "match=$next&decision=reject"
	[ "$(sql "$O" "SELECT status || ' ' || decided_by FROM missing_match WHERE id = $next")" = "rejected ana" ] ||
		fail "the page's decision"
fi
req "$T/ana" 409 /es/gestion/coincidencias --data-urlencode "csrf=$tok" \
	--data "match=$best&decision=reject"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'read' AND object = 'missing_match'
	AND actor = 'ana'")" -ge 1 ] || fail "the page's view not audited"
req "$T/ana" 200 /en/admin/tips
expect_grep "$T/body" "Information received"
# a tip sent through the public form: its number on the tips page opens
# its case page, where the steward may mark it reviewed
open_id=$(curl -s "$B/api/v1/missing?limit=1" | jq -r '.data[0].id')
[ -n "$open_id" ] && [ "$open_id" != null ] || fail "no public missing-person report"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-urlencode 'message=La vi ayer' \
	--data-urlencode 'website=' "$B/es/desaparecidos/$open_id")
[ "$code" = 200 ] || fail "the tip form: $code"
tip=$(sql "$O" "SELECT max(id) FROM case_file WHERE type = 'missing-persons-tip'")
[ -n "$tip" ] || fail "no tip case"
req "$T/ana" 200 /en/admin/tips
grep -q "href=\"/en/admin/case/$tip\"" "$T/body" || fail "the tip does not link to its case page"
req "$T/ana" 200 "/en/admin/case/$tip"
expect_grep "$T/body" "Reviewed"
# an empty queue is said in words, without a table of headers
for id in $(sql "$O" "SELECT id FROM missing_match WHERE status = 'pending'"); do
	expect_status 0 "$OBSERVA" missing review "$id" reject -d "$O" --user ana
done
req "$T/ana" 200 /es/gestion/coincidencias
expect_grep "$T/body" "Ninguna coincidencia candidata espera una decisión"
grep -q "<table" "$T/body" && fail "an empty queue shows a table"
req "$T/ana" 200 /en/admin/matches
expect_grep "$T/body" "No candidate match waits for a decision"

# a photograph given to an open report through the API and the restricted
# page: checked and kept as "missing photo" keeps it, the report's photo
# field set without a move (its state kept, one event, audited "case.set");
# a file of another type, too large, of too many pixels or cut short is
# refused with the reason and nothing is kept or changed
val() { # val CASE FIELD
	sql "$O" "SELECT value FROM case_value WHERE case_id = $1 AND field = '$2'"
}
open_id=$(sql "$O" "SELECT id FROM case_file WHERE type = 'missing-persons' AND state = 'missing' ORDER BY id DESC LIMIT 1")
events() { sql "$O" "SELECT state || ':' || events FROM case_file WHERE id = $open_id"; }
before=$(events) photos=$(ls "$O/photos" | wc -l)
printf 'GIF89a\001\000\001\000' >"$T/no.jpg"
python3 - "$T" <<'PY'
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
def png(w, h, extra=b""):
    raw = b"".join(b"\0" + bytes((y * 9 % 256, 40, 90)) * w for y in range(min(h, 18)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
d = sys.argv[1]
open(d + "/up.png", "wb").write(png(24, 18, chunk(b"tEXt", b"GPS\0Ana en 13.7 -89.2")))
open(d + "/foto.png", "wb").write(png(20, 30))
open(d + "/huge.png", "wb").write(png(7000, 7000))  # 49 million pixels declared
good = png(24, 18)
open(d + "/cut.png", "wb").write(good[:len(good) - 20])
open(d + "/big.png", "wb").write(good + b"\0" * (8 * 1024 * 1024))
PY
upload() { # WANT FILE
	code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK" \
		-H 'Content-Type: image/png' --data-binary "@$2" "$B/api/v1/missing/$open_id/photo") ||
		fail "curl upload $2"
	[ "$code" = "$1" ] || { cat "$T/body" >&2; fail "upload $2: $code, expected $1"; }
}
upload 422 "$T/no.jpg"
jq -e '.error.message_en | test("JPEG")' "$T/body" >/dev/null || fail "the wrong type's reason"
upload 422 "$T/huge.png"
jq -e '.error.message_en | test("pixel")' "$T/body" >/dev/null || fail "too many pixels' reason"
upload 422 "$T/cut.png"
upload 413 "$T/big.png"
jq -e '.error.message | test("8388608")' "$T/body" >/dev/null || fail "too large's reason"
code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary "@$T/up.png" "$B/api/v1/missing/$open_id/photo")
[ "$code" = 401 ] || fail "an upload without credentials: $code"
expect_status 0 "$OBSERVA" user token bob -d "$O"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$T/out")" \
	--data-binary "@$T/up.png" "$B/api/v1/missing/$open_id/photo")
[ "$code" = 403 ] || fail "an analyst's upload: $code"
[ "$(ls "$O/photos" | wc -l)" = "$photos" ] && [ "$(events)" = "$before" ] ||
	fail "a refused upload kept or changed something"
upload 200 "$T/up.png"
up=$(jq -r .photo "$T/body")
[ -f "$O/$up" ] && ! grep -q GPS "$O/$up" || fail "the uploaded photograph, without its metadata"
[ "$(val "$open_id" photo)" = "$up" ] || fail "the report's photo is not the upload's"
[ "$(events)" = "${before%:*}:$((${before#*:} + 1))" ] || fail "not one event in the same state: $(events)"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'case.set' AND object = 'case:$open_id' AND actor = 'ana'")" = 1 ] ||
	fail "the upload is not audited"
# the restricted page: the session's CSRF token, a multipart form
req "$T/ana" 200 "/es/gestion/foto/$open_id"
tok=$(csrf)
req "$T/ana" 422 "/en/admin/photo/$open_id" -F "csrf=$tok" -F "photo=@$T/huge.png"
expect_grep "$T/body" "Nothing was kept"
req "$T/ana" 200 "/es/gestion/foto/$open_id" -F "csrf=$tok" -F "photo=@$T/foto.png"
ref=$(sed -n 's|.*<code>\(photos/[0-9a-f]*\.png\)</code>.*|\1|p' "$T/body")
[ -n "$ref" ] && [ "$ref" != "$up" ] && [ "$(val "$open_id" photo)" = "$ref" ] ||
	fail "the page's photograph is not the report's"
[ "$(ls "$O/photos" | wc -l)" = $((photos + 2)) ] || fail "photographs kept: $(ls "$O/photos")"

# nothing public shows who the confirmed body was
name=$(sql "$O" "SELECT value FROM case_value WHERE case_id = $case_id AND field = 'name'")
doc=$(sql "$O" "SELECT value FROM case_value WHERE case_id = $case_id AND field = 'document'")
[ -n "$name" ] && [ -n "$doc" ] || fail "the confirmed report has no name or document"
code=$(curl -s -o /dev/null -w '%{http_code}' "$B/api/v1/missing/$case_id")
[ "$code" = 404 ] || fail "the located-dead report is public: $code"
for p in "/api/v1/missing?limit=1000" "/api/v1/missing?limit=1000&format=csv" \
	"/es/desaparecidos" "/en/missing" "/es/desaparecidos/$case_id" "/en/missing/$case_id" \
	"/es/gestion/coincidencias" "/api/v1/openapi.json"; do
	curl -s "$B$p" >"$T/public" || fail "curl $p"
	grep -F -q -- "$name" "$T/public" && fail "$p shows the name"
	grep -F -q -- "$doc" "$T/public" && fail "$p shows the document"
done

kill -TERM "$PID"
wait "$PID" || fail "serve did not exit cleanly"
trap 'rm -rf "$T"' EXIT
expect_status 0 "$OBSERVA" audit verify -d "$O"
