# serve_limits.sh - "observa serve" does bounded work per request, on a demo:
# the heavy analyser question (place,admin1 x admin2) is refused before any
# work; conflicting length headers are refused (raw socket); concurrent
# requests for one index result compute it once; while both workers are
# held by logins that wait for the store's lock (held here, as a long ingest
# would) and 300 connections trickle their headers from 9 addresses,
# /health and cheap routes still answer, a full pool answers 503 at once,
# the trickling connections are cut at the header timeout, a client that
# leaves cancels its work (no session written), and a request past its
# budget gets 503; then the rate limit (429 with Retry-After, answers kept
# in memory free), an answer over the response limit (413, never a cut
# 200) and a trusted proxy's X-Forwarded-For. Outcomes are asserted, with
# generous timeouts, never durations.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.03
O="$T/obs"
printf 'una clave bastante larga\n' >"$T/pw"
expect_status 0 "$OBSERVA" user add ana --role steward -d "$O" --password-fd 3 3<"$T/pw"
LOGIN='{"user":"ana","password":"una clave bastante larga"}'

start_server "$O" --workers 2 --queue 1 --time-limit 15 --header-timeout 2 --max-per-ip 16

# status URL [curl options]: the status code, the body in $T/body, headers in $T/headers
status() {
	url=$1
	shift
	curl -s -m 60 -o "$T/body" -D "$T/headers" -w '%{http_code}' "$@" "$B$url" || true
}
# load FIELD: a counter of /health's load
load() {
	[ "$(status /api/v1/health)" = 200 ] || { cat "$T/body" >&2; fail "/health"; }
	jq -r ".load.$1" "$T/body"
}
# until_load FIELD VALUE WHAT: wait up to 60 s for the counter to reach VALUE
until_load() {
	i=0
	while [ "$(load "$1")" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || fail "$3 (load.$1 = $(load "$1"), expected $2)"
		sleep 0.2
	done
}

# --- the heavy question: refused before any work, with its cost
[ "$(status '/api/v1/analyze?rows=place,admin1&cols=admin2')" = 422 ] ||
	{ cat "$T/body" >&2; fail "the heavy question was not refused"; }
jq -e '.error.code == "too_costly"' "$T/body" >/dev/null || fail "heavy: code"
jq -r .error.message_en "$T/body" | grep -q 'groups up to [0-9]* cells (limit 200000)' ||
	fail "heavy: the message does not give the cost and the limit"
grep -qi '^x-query-cells: [0-9]' "$T/headers" || fail "heavy: no X-Query-Cells"
[ "$(load deferred)" = 0 ] || fail "the heavy question reached a worker"

# --- length headers a proxy could read otherwise: 400 (libmicrohttpd takes
# the first Content-Length and lets Transfer-Encoding win by itself)
cat >"$T/raw.py" <<'PY'
import socket, sys
port = int(sys.argv[1])
def status(req):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(req)
    data = b""
    while b"\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.split(b"\r\n")[0].decode()
body = b'{"user":"ana","password":"no es esta clave"}'
head = b"POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
print("two-lengths", status(head + b"Content-Length: %d\r\nContent-Length: 2\r\n\r\n" % len(body) + body))
print("length-and-chunked", status(head + b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % len(body) + chunked))
print("two-encodings", status(head + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked))
print("gzip", status(head + b"Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked))
print("one-length", status(head + b"Content-Length: %d\r\n\r\n" % len(body) + body))
print("chunked", status(head + b"Transfer-Encoding: chunked\r\n\r\n" + chunked))
PY
python3 "$T/raw.py" "$PORT" >"$T/raw.out" 2>&1 || { cat "$T/raw.out" >&2; fail "raw requests"; }
for c in two-lengths length-and-chunked two-encodings gzip; do
	grep -q "^$c HTTP/1.1 400" "$T/raw.out" || { cat "$T/raw.out" >&2; fail "$c not refused"; }
done
# one framing: the login is read (wrong password)
grep -q '^one-length HTTP/1.1 401' "$T/raw.out" || { cat "$T/raw.out" >&2; fail "one length"; }
grep -q '^chunked HTTP/1.1 401' "$T/raw.out" || { cat "$T/raw.out" >&2; fail "chunked"; }

# --- one index result asked twice at once: computed once (the request that
# waits for the other's computation holds a worker meanwhile)
IX="/api/v1/index?preset=sv-municipal&year=2023"
pids=
for i in 1 2; do
	curl -s -m 120 -o "$T/ix$i" -D "$T/ixh$i" -w '%{http_code}' "$B$IX" >"$T/ixs$i" &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || true
done
for i in 1 2; do
	[ "$(cat "$T/ixs$i")" = 200 ] || { cat "$T/ix$i" >&2; fail "index request $i"; }
	cmp -s "$T/ix1" "$T/ix$i" || fail "index request $i: other bytes"
done
[ "$(cat "$T"/ixh* | grep -ci '^x-index-cache: miss')" = 1 ] ||
	{ cat "$T"/ixh* >&2; fail "the index was computed more than once"; }
[ "$(load index_runs)" = 1 ] || fail "index_runs"

# an answer kept in memory, for later
CACHED="/api/v1/analyze?rows=admin1&cols=year"
[ "$(status "$CACHED")" = 200 ] || fail "cached question"
cp "$T/body" "$T/cached.json"

# --- the store's write lock held: logins (workers) wait for it
cat >"$T/lock.py" <<'PY'
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(3600)
PY
python3 "$T/lock.py" "$O/observa.db" >"$T/lock.out" 2>&1 &
LOCK=$!
wait_for "$T/lock.out" locked "the store could not be locked" "$LOCK"
sessions=$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'login'")
# login N: a login in the background (curl's own process, so that it can be
# stopped alone); its status in $T/loginsN, its body in $T/loginN
login() {
	curl -s -o "$T/login$1" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data "$LOGIN" "$B/api/v1/login" >"$T/logins$1" 2>/dev/null &
}
login 1
L1=$!
login 2
L2=$!
until_load running 2 "two logins do not hold both workers"
login 3
L3=$!
until_load queued 1 "the third login is not waiting"

# the pool is full: a request that needs a worker is refused at once
[ "$(status '/api/v1/analyze?rows=admin1&cols=sex')" = 503 ] ||
	{ cat "$T/body" >&2; fail "a full pool did not answer 503"; }
jq -e '.error.code == "busy"' "$T/body" >/dev/null || fail "busy: code"
grep -qi '^retry-after: [0-9]' "$T/headers" || fail "busy: no Retry-After"
# cheap routes answer meanwhile
[ "$(status /api/v1/territories?country=SLV)" = 200 ] || fail "territories while busy"
[ "$(status "$CACHED")" = 200 ] || fail "a kept answer while busy"
cmp -s "$T/body" "$T/cached.json" || fail "the kept answer changed"
[ "$(load running)" = 2 ] || fail "the workers were freed too soon"

# 300 connections from 9 addresses send their headers a line at a time
cat >"$T/slow.py" <<'PY'
import select, socket, sys, time
port, n, limit = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
socks, refused = [], 0
for i in range(n):
    s = socket.socket()
    try:
        s.bind(("127.0.0.%d" % (2 + i % 9), 0))
        s.settimeout(10)
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\n")
        s.setblocking(False)
        socks.append(s)
    except OSError:
        refused += 1
        s.close()
print("opened %d refused %d" % (len(socks), refused), flush=True)
start, alive = time.time(), list(socks)
while alive and time.time() - start < limit:
    still = []
    for s in alive:
        try:
            r, _, _ = select.select([s], [], [], 0)
            if r and s.recv(4096) == b"":
                raise ConnectionError
            s.send(b"X-Slow: 1\r\n")
            still.append(s)
        except OSError:
            s.close()
    alive = still
    time.sleep(0.5)
print("closed %d open %d" % (len(socks) - len(alive), len(alive)), flush=True)
PY
python3 "$T/slow.py" "$PORT" 300 90 >"$T/slow.out" 2>&1 &
SLOW=$!
wait_for "$T/slow.out" opened "the slow connections did not open" "$SLOW"
for i in 1 2 3; do
	[ "$(status /api/v1/health)" = 200 ] || fail "/health while connections trickle"
done
[ "$(status /api/v1/catalog/iccs)" = 200 ] || fail "iccs while connections trickle"
wait "$SLOW" || { cat "$T/slow.out" >&2; fail "slow connections"; }
grep -q 'open 0$' "$T/slow.out" || { cat "$T/slow.out" >&2; fail "trickling connections were not cut"; }
[ "$(load slow_connections_cut)" -ge 100 ] ||
	{ cat "$T/slow.out" >&2; fail "too few connections cut at the header timeout"; }

# the first login's client leaves: its work stops
kill "$L1"
wait "$L1" 2>/dev/null || true
wait_for "$T/serve.err" 'el cliente se fue' "a client that left did not cancel its work" "$PID"
until_load canceled 1 "the canceled login is not counted"
# the second one runs out of its budget: 503 timeout
wait "$L2" || true
[ "$(cat "$T/logins2")" = 503 ] || { cat "$T/login2" >&2; fail "login past its budget"; }
jq -e '.error.code == "timeout"' "$T/login2" >/dev/null || fail "budget: code"
[ "$(load timed_out)" -ge 1 ] || fail "timed_out"
kill "$LOCK"
wait "$LOCK" 2>/dev/null || true
wait "$L3" || true
case "$(cat "$T/logins3")" in
200) want=$((sessions + 1)) ;;
503) want=$sessions ;;
*) cat "$T/login3" >&2; fail "third login: $(cat "$T/logins3")" ;;
esac
# the canceled and the timed-out logins wrote no session
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'login'")" = "$want" ] ||
	fail "a canceled or timed-out login was written"
[ "$(status /api/v1/health)" = 200 ] || fail "/health after"
[ "$(jq .load.running "$T/body")" = 0 ] || fail "work left running"

kill -TERM "$PID"
set +e
wait "$PID"
st=$?
set -e
[ "$st" = 0 ] || { cat "$T/serve.err" >&2; fail "serve exited $st"; }

# --- the rate limit, the response limit and a trusted proxy
start_server "$O" --query-rate 1 --query-burst 3 --max-response 65536 --trusted-proxy 127.0.0.1
[ "$(status '/api/v1/analyze?rows=admin2&cols=year')" = 413 ] ||
	{ head -c 300 "$T/body" >&2; fail "an answer over the response limit"; }
jq -e '.error.code == "response_too_large"' "$T/body" >/dev/null || fail "413: code"
[ "$(status '/api/v1/analyze?rows=country&cols=year')" = 200 ] || fail "rate: 2nd"
cp "$T/body" "$T/small.json"
[ "$(status '/api/v1/analyze?rows=country&cols=sex')" = 200 ] || fail "rate: 3rd"
[ "$(status '/api/v1/analyze?rows=country&cols=month')" = 429 ] ||
	{ cat "$T/body" >&2; fail "the fourth computed answer was not limited"; }
jq -e '.error.code == "rate_limited"' "$T/body" >/dev/null || fail "429: code"
grep -qi '^retry-after: [0-9]' "$T/headers" || fail "429: no Retry-After"
# answers kept in memory are not charged
[ "$(status '/api/v1/analyze?rows=country&cols=year')" = 200 ] || fail "kept answer limited"
cmp -s "$T/body" "$T/small.json" || fail "kept answer changed"
# behind the trusted proxy, each client has its own bucket
[ "$(status '/api/v1/analyze?rows=country&cols=month' -H 'X-Forwarded-For: 203.0.113.9, 198.51.100.7')" = 200 ] ||
	fail "a client behind the proxy was limited with the proxy"
grep -q '198.51.100.7 GET /api/v1/analyze 200' "$T/serve.err" ||
	fail "the log does not show the client's address"
[ "$(load rate_limited)" = 1 ] || fail "rate_limited"
