# serve_login.sh - logins and refusals over a served observatory, from
# several loopback addresses: five wrong passwords for ana from one address
# hold that address back for ana (429 with Retry-After) while ana logs in
# from another; twenty failures from one address over many names hold it
# back for every account while other addresses log in; failed logins, the
# 429s, and 401 and 403 answers are in the audit log with their address,
# repeats counted rather than written one by one (the counts reach the log
# when the server stops); the chain verifies.
export LC_ALL=C.UTF-8
O="$T/obs"
init_obs "$O"
printf 'la clave de ana es larga\n' >"$T/pw"
expect_status 0 "$OBSERVA" user add ana --role steward -d "$O" --password-fd 3 3<"$T/pw"
expect_status 0 "$OBSERVA" user add bob --role analyst -d "$O" --no-password
expect_status 0 "$OBSERVA" user token bob -d "$O"
TOK_B=$(cat "$T/out")
start_server "$O" --threads 2
# nothing delivered yet: no alarms to judge (404 no_data, in both
# languages), not a store error answered or logged
code=$(curl -s -o "$T/body" -w '%{http_code}' "$B/api/v1/alerts") || fail "curl alerts"
[ "$code" = 404 ] || { cat "$T/body" >&2; fail "the alerts of an observatory without deliveries: $code"; }
expect_grep "$T/body" '"code":"no_data"'
expect_grep "$T/body" "No source has delivered records yet"
! grep -q "error del almacén" "$T/serve.err" || fail "a store error in the log"

# login ADDRESS USER PASSWORD : prints the status; the body in $T/body, the
# headers in $T/head
login() {
	curl -s --interface "$1" -o "$T/body" -D "$T/head" -w '%{http_code}' \
		-H 'Content-Type: application/json' \
		--data "{\"user\":\"$2\",\"password\":\"$3\"}" "$B/api/v1/login" || fail "curl"
}
# an entry's address and count of repeats, in the store's dialect of JSON
if on_pg; then
	ADDR="detail::json->>'address'" REPEATED="(detail::json->>'repeated')::bigint"
else
	ADDR="json_extract(detail, '\$.address')" REPEATED="json_extract(detail, '\$.repeated')"
fi
# refused ACTION ADDRESS OBJECT : how many refusals the log holds, counting
# the repeats each summary entry stands for
refused() {
	sql "$O" "SELECT coalesce(sum(coalesce($REPEATED, 1)), 0)
		FROM audit WHERE action = '$1' AND $ADDR = '$2' AND object = '$3'"
}

# an attacker's wrong passwords for ana from 127.0.0.2
for i in 1 2 3 4 5; do
	[ "$(login 127.0.0.2 ana "no es la clave $i")" = 401 ] || fail "attempt $i: $(cat "$T/body")"
done
[ "$(login 127.0.0.2 ana 'la clave de ana es larga')" = 429 ] ||
	fail "the sixth attempt from the same address was not held back"
grep -qi '^Retry-After: [1-9]' "$T/head" || fail "no Retry-After"
# the owner, from elsewhere, is not locked out
[ "$(login 127.0.0.1 ana 'la clave de ana es larga')" = 200 ] ||
	fail "ana was locked out from another address: $(cat "$T/body")"
# guessing over many names from one address holds that address back
for i in $(seq 1 20); do
	[ "$(login 127.0.0.3 "u$i" "nada de nada $i")" = 401 ] || fail "u$i: $(cat "$T/body")"
done
[ "$(login 127.0.0.3 ana 'la clave de ana es larga')" = 429 ] ||
	fail "the address was not held back after 20 failures"
[ "$(login 127.0.0.4 ana 'la clave de ana es larga')" = 200 ] ||
	fail "another address was held back"

# 401 and 403
for i in 1 2 3; do
	code=$(curl -s --interface 127.0.0.5 -o /dev/null -w '%{http_code}' "$B/api/v1/review")
	[ "$code" = 401 ] || fail "review without a token: $code"
done
for i in 1 2; do
	code=$(curl -s --interface 127.0.0.5 -o /dev/null -w '%{http_code}' \
		-H "Authorization: Bearer $TOK_B" "$B/api/v1/review")
	[ "$code" = 403 ] || fail "review as an analyst: $code"
done

kill -TERM "$PID"
wait "$PID" || fail "serve did not exit cleanly"
trap 'rm -rf "$T"' EXIT

[ "$(refused login.fail 127.0.0.2 ana)" = 5 ] || fail "ana's failures: $(refused login.fail 127.0.0.2 ana)"
[ "$(refused login.throttled 127.0.0.2 ana)" = 1 ] || fail "the 429 was not audited"
[ "$(refused login.throttled 127.0.0.3 ana)" = 1 ] || fail "the address's 429 was not audited"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'login.fail'
	AND $ADDR = '127.0.0.3'")" = 20 ] || fail "the 20 failures"
[ "$(refused http.401 127.0.0.5 /api/v1/review)" = 3 ] || fail "401s: $(refused http.401 127.0.0.5 /api/v1/review)"
[ "$(refused http.403 127.0.0.5 /api/v1/review)" = 2 ] || fail "403s"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'http.403' AND actor = 'bob'")" -ge 1 ] ||
	fail "the 403 does not name the account"
# repeats are counted, not written one by one (five failures in at most two
# minutes: a first entry and a count per minute)
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'login.fail'
	AND $ADDR = '127.0.0.2'")" -lt 5 ] ||
	fail "each repeated failure was written on its own"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'login'")" = 2 ] || fail "two logins"
expect_status 0 "$OBSERVA" audit verify -d "$O"
