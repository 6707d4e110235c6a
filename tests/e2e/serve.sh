# serve.sh - "observa serve" on a random free port over a demo observatory:
# every public route listed in openapi.json and every portal page answers,
# listings page to the end, traversal is refused, no victim's name reaches a
# public response (API or page),
# record-level reads are audited, and SIGTERM ends the server with status 0.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.03
O="$T/obs"
mkdir -p "$O/releases/2024"
printf 'pais,anio,homicidios\nSLV,2024,114\n' >"$O/releases/2024/homicidios.csv"
printf 'secreto\n' >"$O/releases/.borrador.csv"
ln -s "$O/observa.db" "$O/releases/almacen.db"
printf 'una clave bastante larga\n' >"$T/pw"
expect_status 0 "$OBSERVA" user add ana --role steward -d "$O" --password-fd 3 3<"$T/pw"
expect_status 0 "$OBSERVA" user add bob --role analyst -d "$O" --no-password
expect_status 0 "$OBSERVA" user token ana -d "$O"
TOK=$(cat "$T/out")
expect_status 0 "$OBSERVA" user token bob -d "$O"
TOKB=$(cat "$T/out")

start_server "$O"
mkdir "$T/public"
n=0

# get STATUS URL [curl options] : fetch, check the status, keep the body
# (public bodies go to $T/public for the name search)
get() {
	want=$1 url=$2
	shift 2
	n=$((n + 1))
	code=$(curl -s --path-as-is -o "$T/body" -D "$T/headers" -w '%{http_code}' "$@" "$B$url") ||
		fail "curl $url"
	[ "$code" = "$want" ] || { cat "$T/body" >&2; fail "$url: status $code, expected $want"; }
	grep -qi '^x-content-type-options: nosniff' "$T/headers" || fail "$url: no nosniff header"
	grep -qi '^content-security-policy:' "$T/headers" || fail "$url: no CSP header"
	case "$*" in
	*Authorization*) ;;
	*) cp "$T/body" "$T/public/$n" ;;
	esac
}

get 200 /api/v1/health
jq -e '.status == "ok"' "$T/body" >/dev/null || fail "health"
get 200 /api/v1/openapi.json
cp "$T/body" "$T/openapi.json"
jq -e '.openapi == "3.0.3"' "$T/openapi.json" >/dev/null || fail "openapi version"
for p in /api/v1/health /api/v1/openapi.json /api/v1/territories /api/v1/territories/{code} \
	/api/v1/catalog/iccs /api/v1/releases /api/v1/releases/{path} /api/v1/login \
	/api/v1/logout /api/v1/me /api/v1/logbook /api/v1/quarantine; do
	jq -e --arg p "$p" '.paths | has($p)' "$T/openapi.json" >/dev/null ||
		fail "openapi.json lacks $p"
done

# every public GET route of the document answers, with sample path values
jq -r '.paths | to_entries[] | select(.value.get != null and ((.value.get.security // []) | length) == 0)
	| .key' "$T/openapi.json" >"$T/public_routes"
[ "$(wc -l <"$T/public_routes")" -ge 6 ] || fail "too few public routes"
while read -r route; do
	case "$route" in
	*'{code}'*) for c in SLV SLV06 SLV0614 GTM01 BLZ01; do
		get 200 "$(echo "$route" | sed "s/{code}/$c/")"; done ;;
	*'{path}'*) get 200 "$(echo "$route" | sed 's|{path}|2024/homicidios.csv|')"
		expect_grep "$T/body" "SLV,2024,114" ;;
	/api/v1/index) get 200 "$route?preset=sv-municipal&year=2024"
		jq -e '.units | length > 0' "$T/body" >/dev/null || fail "$route: no units" ;;
	# the statistics of a case type the catalogue makes public: the demo's
	# SALVE reports (some stay open), as "case stats --public" gives them
	# (its medians rounded), a school's small counts suppressed
	/api/v1/cases/stats) get 200 "$route?type=salve&year=2024"
		"$OBSERVA" case stats --type salve -d "$O" --public --year 2024 --lang en --format json \
			>"$T/cli_stats.json" || fail "case stats --public"
		[ "$(sql "$O" "SELECT count(*) FROM case_file WHERE type = 'salve'")" -gt 0 ] ||
			fail "no SALVE report in the demo"
		jq -e --slurpfile cli "$T/cli_stats.json" '.total > 0 and .total == ($cli[0] | length)
			and [.data[] | del(.counts_es, .median_days, .p90_days)] ==
				[$cli[0][0:(.data | length)][] | del(.median_days, .p90_days)] and
			([.data[] | select(.flags == "C")] | length > 0)' "$T/body" >/dev/null ||
			fail "$route: not the demo's SALVE reports as case stats --public gives them" ;;
	# the demo has several countries: one must be chosen
	/api/v1/situation) get 200 "$route?territory=SLV&period=2024-03"
		jq -e '.data | length > 0' "$T/body" >/dev/null || fail "$route: no rows" ;;
	# the demo's report 1 is public (src/demo/missing.h); missing persons
	# are cases, not a release
	/api/v1/missing/'{id}') get 200 "$(echo "$route" | sed 's|{id}|1|')"
		jq -e '.data[0].id == 1' "$T/body" >/dev/null || fail "$route" ;;
	# the demo's report 1 publishes its photograph (the demo's drawn
	# placeholder), a PNG
	/api/v1/missing/'{id}'/photo) get 200 "$(echo "$route" | sed 's|{id}|1|')"
		head -c 8 "$T/body" | od -An -c | grep -q 'P   N   G' || fail "$route: not a PNG" ;;
	# the missing persons' statistics are a release's table: none here, no
	# data (never zeros)
	/api/v1/missing/stats) get 404 "$route"
		jq -e '.error.code == "no_missing_stats"' "$T/body" >/dev/null || fail "$route" ;;
	# nothing published with observa publish here (tests/e2e/serve_publish.sh has it)
	/api/v1/survey/dark-figure) get 404 "$route"
		jq -e '.error.code == "no_release"' "$T/body" >/dev/null || fail "$route" ;;
	*'{id}'*) get 404 "$(echo "$route" | sed 's|{id}|homicide_rate|')"
		jq -e '.error.code == "no_release"' "$T/body" >/dev/null || fail "$route" ;;
	# the demo's plan exists, its figures come from a release
	*'{plan}'*) get 404 "$(echo "$route" | sed 's|{plan}|sv-seguro|')"
		jq -e '.error.code == "no_release"' "$T/body" >/dev/null || fail "$route"
		get 404 "$(echo "$route" | sed 's|{plan}|no-such-plan|')"
		jq -e '.error.code == "not_found"' "$T/body" >/dev/null || fail "$route: unknown plan" ;;
	*) get 200 "$route" ;;
	esac
done <"$T/public_routes"
grep -qx /api/v1/index "$T/public_routes" || fail "the index route is not walked"

# every page of the portal too (before anything is published: the home says
# so), in both languages, with the same sample territories
for p in /es/ /en/ /es/territorios /en/territories "/es/territorios?q=san%20jose"; do
	get 200 "$p"
	grep -q '^<!DOCTYPE html>' "$T/body" || fail "$p: not a page"
done
expect_grep "$T/public/$((n - 4))" "El observatorio aún no ha publicado cifras."
for c in SLV SLV06 SLV0614 GTM01 BLZ01; do
	get 200 "/es/territorios/$c"
	get 200 "/en/territories/$c"
done

# paging: follow next to the end; every territory once
total=$(sql "$O" "SELECT count(*) FROM territory")
url="/api/v1/territories?limit=250"
seen=0
pages=0
while [ -n "$url" ]; do
	get 200 "$url"
	[ "$(jq .total "$T/body")" = "$total" ] || fail "total $(jq .total "$T/body") != $total"
	seen=$((seen + $(jq '.data | length' "$T/body")))
	jq -r '.data[].code' "$T/body" >>"$T/codes"
	url=$(jq -r '.next // empty' "$T/body")
	pages=$((pages + 1))
	[ $pages -lt 100 ] || fail "paging does not end"
done
[ "$seen" = "$total" ] || fail "paging saw $seen of $total territories"
[ "$(sort "$T/codes" | uniq -d | wc -l)" = 0 ] || fail "a territory on two pages"
get 200 "/api/v1/territories?country=SLV&level=1&format=csv"
[ "$(wc -l <"$T/body")" = "$(($(sql "$O" "SELECT count(*) FROM territory WHERE country = 'SLV' AND level = 1") + 1))" ] ||
	fail "CSV rows"
get 200 "/api/v1/catalog/iccs?limit=1000"
[ "$(jq '.data | length' "$T/body")" = "$(sql "$O" "SELECT count(*) FROM iccs")" ] || fail "iccs"
get 400 "/api/v1/territories?limit=100000"
jq -e '.error.parameter == "limit"' "$T/body" >/dev/null || fail "limit error"
get 400 "/api/v1/territories?nope=1"
get 404 /api/v1/territories/NOPE
get 404 /api/v1/nothing
get 405 /api/v1/health -X DELETE

# traversal and files that are not published
for u in /api/v1/releases/../observa.db /api/v1/releases/%2e%2e/observa.db \
	/api/v1/releases/2024%2F..%2F..%2Fobserva.db /api/v1/releases/..%5Cobserva.db \
	/api/v1/releases/%2E%2E%2F%2E%2E%2Fobserva.db /api/v1/releases/almacen.db \
	/api/v1/releases/.borrador.csv /api/v1/releases/2024 /../observa.db \
	/api/v1/releases/%00 /api/v1/releases/2024/../../observa.db; do
	n=$((n + 1))
	code=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' "$B$u")
	case "$code" in
	400 | 404) ;;
	*) fail "$u: status $code" ;;
	esac
	! grep -q "SQLite format" "$T/body" || fail "$u served the store"
	! grep -q "secreto" "$T/body" || fail "$u served a hidden file"
done

# limits: an oversized body is refused
head -c 100000 /dev/zero | tr '\0' 'x' >"$T/big"
get 413 /api/v1/login -H "Content-Type: application/json" --data-binary "@$T/big"

# no victim's name in any public response (names from table protected,
# placeholders without a space left out); the search itself must work
sql "$O" "SELECT DISTINCT names FROM protected WHERE names LIKE '% %'" >"$T/names"
drop_shown_names "$T/names" "$B"
[ "$(wc -l <"$T/names")" -gt 100 ] || fail "too few names to search for"
head -n 1 "$T/names" | tr '[:upper:]' '[:lower:]' >"$T/control"
grep -F -i -q -f "$T/names" "$T/control" || fail "the name search finds nothing"
if grep -F -i -l -f "$T/names" "$T/public"/*; then
	fail "a victim's name in a public response"
fi
[ "$(ls "$T/public" | wc -l)" -ge 20 ] || fail "too few public responses searched"

# roles; record-level reads are audited
get 401 /api/v1/logbook
get 403 /api/v1/quarantine -H "Authorization: Bearer $TOKB"
before=$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'read'")
get 200 "/api/v1/quarantine?limit=5" -H "Authorization: Bearer $TOK"
[ "$(jq '.data | length' "$T/body")" -ge 1 ] || fail "empty quarantine"
get 200 /api/v1/logbook -H "Authorization: Bearer $TOK"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'read'")" = $((before + 2)) ] ||
	fail "the quarantine and logbook reads were not audited"

# login, session, logout
get 200 /api/v1/login -H "Content-Type: application/json" \
	--data '{"user":"ana","password":"una clave bastante larga"}'
S=$(jq -r .token "$T/body")
get 200 /api/v1/me -H "Authorization: Bearer $S"
jq -e '.role == "steward" and .session' "$T/body" >/dev/null || fail "me"
get 200 /api/v1/logout -X POST -H "Authorization: Bearer $S"
get 401 /api/v1/me -H "Authorization: Bearer $S"
get 401 /api/v1/login -H "Content-Type: application/json" --data '{"user":"ana","password":"x"}'

# SIGTERM while a login is in flight (headers sent, body not yet): the
# server stops accepting, finishes that request and its write, then exits 0
logins=$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'login'")
python3 - "$PORT" >"$T/slow.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
body = b'{"user":"ana","password":"una clave bastante larga"}'
s.sendall(b"POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body))
print("headers sent", flush=True)
time.sleep(2)
s.sendall(body)
data = b""
while not (b"\r\n\r\n" in data and data.rstrip().endswith(b"}")):
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(data.split(b"\r\n")[0].decode())
PY
SLOW=$!
wait_for "$T/slow.out" "headers sent" "the slow client did not connect"
sleep 0.2
kill -TERM "$PID"
sleep 0.3
code=$(curl -s -o /dev/null -w '%{http_code}' "$B/api/v1/health" || true)
[ "$code" = 000 ] || fail "a new connection was served after SIGTERM ($code)"
wait "$SLOW" || fail "the in-flight request failed"
expect_grep "$T/slow.out" "200 OK"
set +e
wait "$PID"
st=$?
set -e
trap 'rm -rf "$T"' EXIT
[ "$st" = 0 ] || { cat "$T/serve.err" >&2; fail "serve exited $st after SIGTERM"; }
# read once the server has closed the store (its last close checkpoints it)
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'login'")" = $((logins + 1)) ] ||
	fail "the in-flight login was not written"
expect_grep "$T/serve.err" "se cierra el servidor"
expect_status 0 "$OBSERVA" audit verify -d "$O"
expect_grep "$T/out" "íntegra"
