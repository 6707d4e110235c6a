# serve_reconcile.sh - the reconciliation routes over a served demo: the
# public is refused, an analyst reads runs and counts (the same numbers as
# territory_month.csv, no names; audited, since they are not disclosure-
# controlled) and is refused the rest (audited too), a steward reads the
# discrepancy ledger and the review queue (audited); a decision posted
# through the API is stored with the token's user, no longer pending in
# "observa review --list", and held by the next "observa reconcile".
export LC_ALL=C.UTF-8
O="$T/obs"
expect_status 0 "$OBSERVA" demo "$O" --scale 0.03
printf 'review_low = 0.001\nreview_high = 1\n' >"$T/wide.ini"
expect_status 0 "$OBSERVA" reconcile -q -d "$O" --period 2020 --config "$T/wide.ini" --out "$T/r1" --user rosa
run=$(sql "$O" "SELECT max(id) FROM reconcile_run")
no_id=$(sql "$O" "SELECT id FROM review_item WHERE run = $run AND linked = 0 ORDER BY probability DESC LIMIT 1")
[ -n "$no_id" ] || fail "no unlinked pair in the review queue"
expect_status 0 "$OBSERVA" user add ana --role steward -d "$O" --no-password
expect_status 0 "$OBSERVA" user token ana -d "$O"
TOK_S=$(cat "$T/out")
expect_status 0 "$OBSERVA" user add bob --role analyst -d "$O" --no-password
expect_status 0 "$OBSERVA" user token bob -d "$O"
TOK_A=$(cat "$T/out")

start_server "$O" --threads 2
get() {
	want=$1 url=$2
	shift 2
	code=$(curl -s -o "$T/body" -w '%{http_code}' "$@" "$B$url") || fail "curl $url"
	[ "$code" = "$want" ] || { cat "$T/body" >&2; fail "$url: status $code, expected $want"; }
}
sql "$O" "SELECT DISTINCT names FROM protected WHERE names LIKE '% %'" >"$T/names"
[ "$(wc -l <"$T/names")" -gt 10 ] || fail "too few names to search for"
no_names() {
	! LC_ALL=C grep -F -i -q -f "$T/names" "$T/body" || fail "$1: a name for an analyst"
}

for u in /api/v1/reconcile/runs "/api/v1/reconcile/runs/$run/counts" \
	"/api/v1/reconcile/runs/$run/discrepancies" /api/v1/review; do
	get 401 "$u"
done
get 401 "/api/v1/review/$no_id" -H "Content-Type: application/json" -d '{"decision":"accept"}'

# analyst: runs and counts, never names nor the ledger
get 200 /api/v1/reconcile/runs -H "Authorization: Bearer $TOK_A"
no_names runs
jq -e --argjson r "$run" '.data[] | select(.id == $r) | .user == "rosa" and .period == "2020"' \
	"$T/body" >/dev/null || fail "the run lacks its user or period"
get 200 "/api/v1/reconcile/runs/$run/counts?format=csv&limit=1000" -H "Authorization: Bearer $TOK_A"
no_names counts
api_total=$(awk -F, 'NR > 1 && $1 == 2 { s += $7 } END { print s + 0 }' "$T/body")
file_total=$(sql "$O" "SELECT sum(reconciled) FROM reconcile_count WHERE run = $run AND level = 2")
[ "$api_total" = "$file_total" ] || fail "counts: $api_total reconciled, store says $file_total"
[ "$api_total" -gt 0 ] || fail "no reconciled deaths"
get 403 "/api/v1/reconcile/runs/$run/discrepancies" -H "Authorization: Bearer $TOK_A"
get 403 /api/v1/review -H "Authorization: Bearer $TOK_A"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'read' AND actor = 'bob'")" = 2 ] ||
	fail "the analyst's reads of unsuppressed counts were not audited"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'http.403' AND actor = 'bob'")" = 2 ] ||
	fail "the analyst's refusals were not audited"

# steward: the ledger and the queue, each read audited
before=$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'read' AND actor = 'ana'")
get 200 "/api/v1/reconcile/runs/$run/discrepancies?reason=single_source" -H "Authorization: Bearer $TOK_S"
[ "$(jq .total "$T/body")" = "$(sql "$O" "SELECT count(*) FROM discrepancy WHERE run = $run AND reason = 'single_source'")" ] ||
	fail "the ledger total differs from the store"
get 200 "/api/v1/review?limit=1000" -H "Authorization: Bearer $TOK_S"
jq -e --argjson i "$no_id" '.data[] | select(.item == $i) | (.comparisons | length) > 0' \
	"$T/body" >/dev/null || fail "the queue lacks pair $no_id or its weights"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'read' AND actor = 'ana'")" = $((before + 2)) ] ||
	fail "the steward's reads are not audited"

# a decision through the API
get 200 "/api/v1/review/$no_id" -H "Authorization: Bearer $TOK_S" \
	-H "Content-Type: application/json" -d '{"decision":"accept","note":"misma persona"}'
[ "$(sql "$O" "SELECT decision || ',' || actor || ',' || note FROM review_decision WHERE item = $no_id")" = "accept,ana,misma persona" ] ||
	fail "the decision is not stored with the token's user"
get 404 "/api/v1/review/999999999" -H "Authorization: Bearer $TOK_S" \
	-H "Content-Type: application/json" -d '{"decision":"accept"}'
kill -TERM "$PID"
wait "$PID" || fail "serve did not exit cleanly"
trap 'rm -rf "$T"' EXIT
expect_status 0 "$OBSERVA" review -d "$O" --user rosa --list
grep -q "== par $no_id:" "$T/out" && fail "the decided pair is still pending"
expect_status 0 "$OBSERVA" review -d "$O" --user rosa --all
expect_grep "$T/out" "accept (ana,"
set -- $(sql "$O" "SELECT source_a || ',' || id_a || ' ' || source_b || ',' || id_b FROM review_item WHERE id = $no_id")
na=$1 nb=$2
death_of() { awk -F, -v k="$2" 'NR > 1 && $2 "," $3 == k { print $1 }' "$1/members.csv"; }
expect_status 0 "$OBSERVA" reconcile -d "$O" --period 2020 --out "$T/r2"

[ "$(death_of "$T/r2" "$na")" = "$(death_of "$T/r2" "$nb")" ] || fail "the accepted pair is apart"
expect_status 0 "$OBSERVA" audit verify -d "$O"
