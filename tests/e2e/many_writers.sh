# many_writers.sh - eight institutions deliver at once (six through the API,
# two with "observa ingest") while 64 readers ask the API: no delivery is
# lost or torn, nobody is told "database is locked", a delivery the server
# could not take in time is refused whole with Retry-After and taken when
# retried, and afterwards the store, its logbook and its audit log hold.
# OBSERVA_TEST_STORE=postgresql runs it on PostgreSQL (under
# scripts/pg-test-cluster, which sets OBSERVA_PG_URL); else on SQLite.
O=$T/obs
if [ "${OBSERVA_TEST_STORE:-sqlite}" = postgresql ]; then
	: "${OBSERVA_PG_URL:?run under scripts/pg-test-cluster}"
	expect_status 0 "$OBSERVA" init --store "$OBSERVA_PG_URL" "$O"
	sql() {
		"$OBSERVA_PG_BINDIR/psql" -X -A -t -q -v ON_ERROR_STOP=1 -d "$OBSERVA_PG_URL" -c "$2"
	}
else
	init_obs "$O"
fi
rows=400
for i in 1 2 3 4 5 6 7 8; do
	sed "s/^code = sv-test/code = sv-w$i/" "$OBSERVA_TESTDATA/ingest/sv-test.ini" \
		>"$O/catalog/sources/sv-w$i.ini"
	awk -v i="$i" -v n="$rows" 'BEGIN {
		print "No. Caso;Fecha del hecho;Municipio;Departamento;Delito;Sexo;Edad";
		for (k = 1; k <= n; k++)
			printf "W%d-%d;%02d/%02d/2021;San Salvador;San Salvador;Homicidio;%s;%d\n",
				i, k, k % 28 + 1, k % 12 + 1, (k % 7 ? "Hombre" : "Mujer"), k % 90;
	}' >"$T/w$i.csv"
done
for i in 1 2 3 4 5 6; do
	expect_status 0 "$OBSERVA" user add "u$i" --role submitter --source "sv-w$i" -d "$O" --no-password
	expect_status 0 "$OBSERVA" user token "u$i" -d "$O"
	cp "$T/out" "$T/tok$i"
done
# one address for all: the per-address limit raised as behind a proxy
start_server "$O" --workers 2 --max-per-ip 128

# submit I : POST the delivery of sv-wI, again after each 503 (at most 10
# times); the final status in $T/code$I
submit() {
	tries=0
	while :; do
		code=$(curl -s -o "$T/body$1" -w '%{http_code}' -D "$T/head$1" \
			-H "Authorization: Bearer $(cat "$T/tok$1")" -H "Content-Type: text/csv" \
			--data-binary "@$T/w$1.csv" "$B/api/v1/submissions?file=w$1.csv&period=2021") ||
			code="curl exit $?"
		tries=$((tries + 1))
		if [ "$code" = 503 ] && [ $tries -lt 10 ]; then
			grep -qi '^Retry-After:' "$T/head$1" || { echo "503 without Retry-After" >"$T/body$1"; break; }
			sleep 1
			continue
		fi
		break
	done
	echo "$code" >"$T/code$1"
}
# reader K : 4 answers of public routes, their statuses appended to $T/reads.K
reader() {
	for q in "api/v1/health" "api/v1/analyze?rows=year&format=csv" \
		"api/v1/indicators" "es/"; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$B/$q") || code="$code curl-exit-$?"
		echo "$code" >>"$T/reads.$1"
	done
}
pids=
for i in 1 2 3 4 5 6; do
	submit "$i" &
	pids="$pids $!"
done
for i in 7 8; do
	{ "$OBSERVA" ingest -q -d "$O" --source "sv-w$i" --period 2021 "$T/w$i.csv" \
		>"$T/code$i.out" 2>"$T/code$i.err"; echo $? >"$T/code$i"; } &
	pids="$pids $!"
done
k=0
while [ $k -lt 64 ]; do
	reader "$k" &
	pids="$pids $!"
	k=$((k + 1))
done
for p in $pids; do
	wait "$p" || fail "a submitter or a reader stopped"
done
for i in 7 8; do
	[ "$(cat "$T/code$i")" = 0 ] || { cat "$T/code$i.err" >&2; fail "ingest $i exited $(cat "$T/code$i")"; }
done

for i in 1 2 3 4 5 6; do
	[ "$(cat "$T/code$i")" = 201 ] || { cat "$T/body$i" >&2; fail "delivery $i: $(cat "$T/code$i")"; }
	jq -e --argjson n "$rows" '.accepted == $n' "$T/body$i" >/dev/null ||
		{ cat "$T/body$i" >&2; fail "delivery $i not taken whole"; }
done
cat "$T"/reads.* >"$T/reads"
# 200, or a refusal that says when to come back: 503 (busy) and 429 (the
# per-address limit of computed answers, all 64 readers being one address)
bad=$(grep -v -x -e 200 -e 503 -e 429 "$T/reads" | sort | uniq -c || true)
[ -z "$bad" ] || fail "readers got: $bad"
[ "$(wc -l <"$T/reads")" = 256 ] || fail "$(wc -l <"$T/reads") reads, expected 256"
! grep -q -i "locked" "$T/serve.err" "$T"/code*.err || fail "a «database is locked» reached a user"

# every delivery whole, once; the store, the logbook and the audit log hold
[ "$(sql "$O" "SELECT count(*) FROM submission")" = 8 ] || fail "deliveries: $(sql "$O" "SELECT count(*) FROM submission")"
[ "$(sql "$O" "SELECT count(*) FROM submission s WHERE accepted = $rows AND
	(SELECT count(*) FROM record r WHERE r.submission = s.id) = $rows")" = 8 ] ||
	fail "a delivery is torn"
[ "$(sql "$O" "SELECT count(*) FROM record r WHERE NOT EXISTS
	(SELECT 1 FROM submission s WHERE s.id = r.submission)")" = 0 ] || fail "records without a delivery"
# the deliveries and their records numbered without a gap, as SQLite numbers them
[ "$(sql "$O" "SELECT max(id) FROM submission")" = 8 ] || fail "delivery ids: $(sql "$O" "SELECT id FROM submission")"
[ "$(sql "$O" "SELECT max(id) FROM record")" = $((8 * rows)) ] || fail "record ids run past the records"
if [ "${OBSERVA_TEST_STORE:-sqlite}" != postgresql ]; then
	[ "$(sql "$O" "PRAGMA integrity_check")" = ok ] || fail "integrity"
fi
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'submit'")" = 6 ] ||
	fail "audit entries of the uploads: $(sql "$O" "SELECT count(*) FROM audit WHERE action = 'submit'")"
kill -TERM "$PID" && wait "$PID" || true
expect_status 0 "$OBSERVA" audit verify -d "$O"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows source --format csv
for i in 1 2 3 4 5 6 7 8; do
	expect_grep "$T/out" "sv-w$i,"
done
