# pg_reconcile.sh - reconciliation and clerical review on PostgreSQL give
# what they give on SQLite: El Salvador's police, forensic and prosecutor
# deliveries of a small demo (2019 with the police's correction, and 2020)
# are ingested into an observatory on each; then the same runs of
# "observa reconcile" (2020; then the second half of 2020 with a wide
# review zone, whose validated delivery carries the first half of the
# earlier one over and supersedes it), "observa review" (the queue, a
# rejection and an acceptance, the queue with the decisions), the logbook
# and the indicators read from the validated deaths must print the same
# bytes on both, directory names and times aside. Run by
# scripts/pg-test-cluster (OBSERVA_PG_URL), through run.sh.
: "${OBSERVA_PG_URL:?run under scripts/pg-test-cluster}"

fixture_demo "$T/demo" 0.03
F=$T/demo/demo
expect_status 0 "$OBSERVA" init "$T/lite"
expect_status 0 "$OBSERVA" init --store "$OBSERVA_PG_URL" "$T/pg"
for o in lite pg; do
	for s in sv-pnc sv-iml sv-fgr; do
		for y in 2019 2020; do
			# the police's 2019 correction after the file it corrects
			for f in "$F/$s/"*_"$y".csv "$F/$s/"*_"$y"_*.csv; do
				[ -f "$f" ] || continue
				expect_status 0 "$OBSERVA" ingest -q -d "$T/$o" --no-snapshot --no-alerts \
					--source "$s" --period "$y" "$f"
			done
		done
	done
done

# one O CMD... : CMD on the observatory O (-d last), every @O@ in its
# arguments replaced by O
one() {
	o=$1
	shift
	for a in "$@"; do
		shift
		set -- "$@" "$(printf '%s' "$a" | sed "s|@O@|$o|g")"
	done
	expect_status 0 "$@" -d "$T/$o"
}
# both NAME CMD... : CMD's output on each observatory (as one()), directory
# names, times and durations made alike, into $T/NAME.lite and $T/NAME.pg,
# which must be the same and not empty
both() {
	name=$1
	shift
	for o in lite pg; do
		one "$o" "$@"
		sed -e "s|$T/$o|DIR|g" -e "s|$T/\([a-z0-9]*\)\.$o|OUT/\1|g" \
			-e 's/20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z/TIME/g' \
			-e 's/[0-9][0-9]*[.,][0-9]* s\b/N s/g' "$T/out" >"$T/$name.$o"
	done
	[ -s "$T/$name.lite" ] || fail "$name printed nothing"
	diff -u "$T/$name.lite" "$T/$name.pg" >&2 || fail "$name differs between SQLite and PostgreSQL"
}
# same_files NAME : the CSV files of reconcile --out NAME are the same on both
same_files() {
	n=0
	for f in "$T/$1.lite"/*.csv; do
		g="$T/$1.pg/$(basename "$f")"
		[ -s "$f" ] || fail "$1: $(basename "$f") is empty"
		cmp "$f" "$g" || { diff -u "$f" "$g" | head -20 >&2; fail "$1: $(basename "$f") differs"; }
		n=$((n + 1))
	done
	[ "$n" -ge 5 ] || fail "$1: only $n files"
}

both reconcile "$OBSERVA" reconcile --period 2020 --user ana --out "$T/r1.@O@"
expect_grep "$T/reconcile.pg" "muertes conciliadas:"
printf 'review_low = 0.001\nreview_high = 1\n' >"$T/wide.ini"
both reconcile2 "$OBSERVA" reconcile --period 2020-07..2020-12 --user ana --config "$T/wide.ini" \
	--out "$T/r2.@O@"
same_files r1
same_files r2
deaths=$(($(wc -l <"$T/r1.pg/deaths.csv") - 1))
[ "$deaths" -gt 20 ] || fail "only $deaths deaths reconciled"

# the review queue of the latest run, a decision each way, and every pair
both queue "$OBSERVA" review --user rosa --list
yes_id=$(sed -n 's/^== par \([0-9]*\):.*/\1/p' "$T/queue.pg" | head -n 1)
no_id=$(sed -n 's/^== par \([0-9]*\):.*/\1/p' "$T/queue.pg" | tail -n 1)
[ -n "$yes_id" ] && [ "$yes_id" != "$no_id" ] || fail "the queue has fewer than two pairs"
for o in lite pg; do
	expect_status 0 "$OBSERVA" review -d "$T/$o" --user rosa --reject "$yes_id" --note "distintas"
	expect_status 0 "$OBSERVA" review -d "$T/$o" --user rosa --accept "$no_id"
	expect_status 1 "$OBSERVA" review -d "$T/$o" --user rosa --accept 999999999
	expect_grep "$T/err" "no hay un par en revisión"
done
both queue_after "$OBSERVA" review --user rosa --list
grep -q "== par $yes_id:" "$T/queue_after.pg" && fail "a decided pair is still pending on PostgreSQL"
both queue_all "$OBSERVA" review --user rosa --all
# a third run holds the decisions, on both alike
both reconcile3 "$OBSERVA" reconcile --period 2020-07..2020-12 --user ana --config "$T/wide.ini" \
	--out "$T/r3.@O@"
same_files r3

# the API's reconciliation routes (src/store/reconcile_read.c) answer
# alike: the runs, a run's counts and its discrepancy ledger, the queue,
# and a decision posted on each
for o in lite pg; do
	expect_status 0 "$OBSERVA" user add eva --role steward -d "$T/$o" --no-password
	expect_status 0 "$OBSERVA" user token eva -d "$T/$o"
	tok=$(cat "$T/out")
	start_server "$T/$o" --threads 2
	n=0
	for u in "reconcile/runs?limit=10" "reconcile/runs?limit=1&offset=1" \
		"reconcile/runs/2/counts?limit=1000&format=csv" "reconcile/runs/2/counts?level=1&territory=slv" \
		"reconcile/runs/3/discrepancies?limit=1000" "reconcile/runs/3/discrepancies?reason=single_source" \
		"review?limit=1000"; do
		n=$((n + 1))
		code=$(curl -s -o "$T/api$n.$o" -w '%{http_code}' -H "Authorization: Bearer $tok" \
			"$B/api/v1/$u") || fail "curl $u"
		[ "$code" = 200 ] || { cat "$T/api$n.$o" >&2; fail "$o: $u: status $code"; }
	done
	code=$(curl -s -o "$T/post.$o" -w '%{http_code}' -H "Authorization: Bearer $tok" \
		-H "Content-Type: application/json" -d '{"decision":"reject","note":"otra"}' \
		"$B/api/v1/review/$no_id") || fail "curl review"
	[ "$code" = 200 ] || { cat "$T/post.$o" >&2; fail "$o: a decision through the API: $code"; }
	kill -TERM "$PID" && wait "$PID" || true
done
for k in $(seq "$n"); do
	sed -i -e 's/20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z/TIME/g' \
		"$T/api$k.lite" "$T/api$k.pg"
	[ -s "$T/api$k.lite" ] || fail "API answer $k is empty"
	cmp "$T/api$k.lite" "$T/api$k.pg" || fail "API answer $k differs: $(diff "$T/api$k.lite" "$T/api$k.pg" | head -5)"
done
grep -q '"reason":"single_source"' "$T/api6.pg" || fail "no single_source row in the ledger"
grep -q 'sv-iml:' "$T/api5.pg" || fail "the ledger lacks its members"
cmp "$T/post.lite" "$T/post.pg" || fail "the API's decision differs: $(cat "$T/post.pg")"
grep -q '"user":"eva"' "$T/post.pg" || fail "the API's decision: $(cat "$T/post.pg")"

# the logbook with the validated deliveries (superseded and current)
both log "$OBSERVA" log --format csv
expect_grep "$T/log.pg" "reconcile run 2"
# the counts read the validated deaths where a run covers the period
for o in lite pg; do
	expect_status 0 "$OBSERVA" snapshot -q --rebuild -d "$T/$o"
done
both indicators "$OBSERVA" indicators --country SLV --period 2020 -i homicide_rate --format csv
expect_grep "$T/indicators.pg" "homicide_rate,SLV,"
both audit "$OBSERVA" audit list
expect_grep "$T/audit.pg" "reconcile_run:3"
expect_grep "$T/audit.pg" "eva"
true
