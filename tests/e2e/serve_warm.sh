# serve_warm.sh - the server's warmer (src/http/server_warm.c): when serve
# starts it prepares the pages every visitor asks first, and they are byte
# for byte the pages a server without it (--no-warm) renders for their
# first request; when the store changes (a territory renamed: a new stamp)
# it prepares them again, and no page of the older store is served.
export LC_ALL=C.UTF-8
SERVE_WARM=1 # start_server leaves the warmer on (lib.sh)
fixture_demo "$T/obs" 0.03 2024
O="$T/obs"
PAGES="/es/ /en/ /es/territorios /es/territorios/SLV /en/territories/SLV /es/indice /en/index
/es/situacion /en/situation /es/situacion?territory=SLV /es/datos"
PROFILE=4 # /es/territorios/SLV in PAGES

# passes N: wait (up to 300 s) for the warmer's Nth pass in the log
passes() {
	i=0
	while [ "$(grep -c 'preparadas en' "$T/serve.err")" -lt "$1" ]; do
		i=$((i + 1))
		[ $i -lt 3000 ] || { cat "$T/serve.err" >&2; fail "the warmer's pass $1 never ended"; }
		kill -0 "$PID" 2>/dev/null || { cat "$T/serve.err" >&2; fail "the server exited"; }
		sleep 0.1
	done
}
# alarms: wait until the alarms are judged (the home shows them then)
alarms() {
	i=0
	until [ "$(curl -s -o /dev/null -w '%{http_code}' "$B/api/v1/alerts")" = 200 ]; do
		i=$((i + 1))
		[ $i -lt 3000 ] || fail "the alarms were never judged"
		sleep 0.1
	done
}
# fetch DIR: every page of PAGES into DIR/1, DIR/2...
fetch() {
	mkdir -p "$1"
	k=0
	for p in $PAGES; do
		k=$((k + 1))
		code=$(curl -s -o "$1/$k" -w '%{http_code}' "$B$p")
		[ "$code" = 200 ] || fail "$p: HTTP $code"
	done
}
# same A B: the pages of A and B are the same bytes
same() {
	k=0
	for p in $PAGES; do
		k=$((k + 1))
		cmp -s "$1/$k" "$2/$k" || { diff "$1/$k" "$2/$k" | head -n 20 >&2; fail "$p: $3"; }
	done
}
stop() {
	kill -TERM "$PID"
	wait "$PID" 2>/dev/null || true
}

# (every server with a long time limit: a first request under the
# sanitizers, on a loaded machine, may take longer than the default's
# 20 s, and a part of a page that ran out of time is not the same page)
# without the warmer: every page rendered by its first request
start_server "$O" --quiet --no-warm --time-limit 600
alarms
fetch "$T/cold"
sleep 1
! grep -q 'preparadas en' "$T/serve.err" || fail "--no-warm: the pages were prepared"
stop

# with it: the pages prepared, then served as they were prepared
start_server "$O" --quiet --time-limit 600
passes 1
n=$(sed -n 's/.*portal: \([0-9]*\) páginas y respuestas preparadas en.*/\1/p' "$T/serve.err")
[ "${n:-0}" -ge 20 ] || fail "the warmer asked for ${n:-no} targets: $(cat "$T/serve.err")"
fetch "$T/warm"
same "$T/cold" "$T/warm" "the prepared page is not the one rendered cold"

# the store changes: the pages are prepared again, with the new name
grep -q 'El Salvador' "$T/warm/$PROFILE" || fail "the profile does not name El Salvador"
sqlite3 "$O/observa.db" "UPDATE territory SET name = 'Salvador Renombrado' WHERE code = 'SLV'"
passes 2
fetch "$T/warm2"
grep -q 'Salvador Renombrado' "$T/warm2/$PROFILE" || fail "the profile of the older store was served"
! grep -q 'El Salvador' "$T/warm2/$PROFILE" || fail "the profile still names El Salvador"
stop

# ... the very pages a server without the warmer renders for the new store
start_server "$O" --quiet --no-warm --time-limit 600
alarms
fetch "$T/cold2"
same "$T/cold2" "$T/warm2" "after the change, the prepared page is not the one rendered cold"
stop
