# reconcile.sh - "observa reconcile" on a small demo: precision and recall of
# the cross-source links, computed here from members.csv and the demo's
# ground truth, are at least 0.99; the ledger has one known reason per row
# and a single_source row exactly for the deaths seen by one source; the
# table per territory and month adds up (reconciled = deaths, each
# institution's column = its records); the run is in the store. Then
# clerical review: a linked pair rejected and an unlinked pair accepted hold
# in every later run, are in the audit log, and the chain verifies. Last, a
# store at schema 4 is migrated.
O="$T/obs"
fixture_demo "$O" 0.03
TRUTH="$O/demo/ground_truth.csv"

expect_status 0 "$OBSERVA" reconcile -d "$O" --period 2020 --out "$T/r1" --truth "$TRUTH" --user ana
expect_grep "$T/out" "muertes conciliadas:"
expect_grep "$T/out" "precision"
for f in deaths members discrepancies territory_month review; do
	[ -s "$T/r1/$f.csv" ] || fail "no $f.csv"
done
[ "$(head -n 1 "$T/r1/members.csv")" = "death,source,source_id,institution,probability" ] ||
	fail "members.csv header"

# precision and recall of cross-source pairs, from the files alone
pr() {
	awk -F, '
	FNR == 1 { next }
	NR == FNR { truth[$1 "," $2] = $3; next }
	{ key = $2 "," $3; if (key in truth) { n++; src[n] = $2; death[n] = $1; t[n] = truth[key] } }
	END {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) {
			if (src[i] == src[j]) continue
			same = death[i] == death[j]; real = t[i] == t[j]
			if (same && real) tp++; else if (same) fp++; else if (real) fn++
		}
		printf "%d %d %d\n", tp, fp, fn
	}' "$TRUTH" "$1"
}
# the quadratic loop above is fine for a small demo only
set -- $(pr "$T/r1/members.csv")
tp=$1 fp=$2 fn=$3
[ "$tp" -gt 100 ] || fail "only $tp true links"
awk -v tp="$tp" -v fp="$fp" -v fn="$fn" 'BEGIN {
	p = tp / (tp + fp); r = tp / (tp + fn)
	printf "precision %.4f recall %.4f\n", p, r
	exit !(p >= 0.99 && r >= 0.99) }' || fail "precision or recall under 0.99 (TP $tp FP $fp FN $fn)"
expect_grep "$T/out" "TP $tp FP $fp FN $fn"

# one death per cluster, at most one record per source unless the ledger
# says the source recorded it twice
awk -F, 'NR > 1 { k = $1 "," $2; if (seen[k]++) print $1 }' "$T/r1/members.csv" | sort -u >"$T/twice"
awk -F, 'NR > 1 && $2 == "duplicate" { print $1 }' "$T/r1/discrepancies.csv" | sort >"$T/dup_l"
cmp -s "$T/twice" "$T/dup_l" || fail "deaths with two records of a source differ from the duplicate rows"
deaths=$(($(wc -l <"$T/r1/deaths.csv") - 1))
records=$(($(wc -l <"$T/r1/members.csv") - 1))
[ "$deaths" -gt 0 ] && [ "$deaths" -lt "$records" ] || fail "$deaths deaths from $records records"

# the ledger: known reasons; single_source exactly for deaths of one record
awk -F, 'NR > 1 && $2 !~ /^(single_source|manner|territory|date|sex|age|duplicate)$/ { exit 1 }' \
	"$T/r1/discrepancies.csv" || fail "unknown reason in the ledger"
awk -F, 'NR > 1 && $2 == "single_source" { print $1 }' "$T/r1/discrepancies.csv" | sort >"$T/single_l"
awk -F, 'NR > 1 && $3 == 1 { print $1 }' "$T/r1/deaths.csv" | sort >"$T/single_d"
cmp -s "$T/single_l" "$T/single_d" || fail "single_source rows differ from deaths seen once"
[ -s "$T/single_l" ] || fail "no death seen by one source only"
grep -q ",manner," "$T/r1/discrepancies.csv" || fail "no manner disagreement in the demo"

# the table per territory and month adds up, at both levels
for lv in 1 2; do
	sums=$(awk -F, -v lv=$lv 'NR > 1 && $1 == lv { p += $4; f += $5; s += $6; r += $7 }
		END { print p + 0, f + 0, s + 0, r + 0 }' "$T/r1/territory_month.csv")
	set -- $sums
	[ "$4" -eq "$deaths" ] || fail "level $lv: reconciled $4, deaths $deaths"
	for inst in police forensic prosecutor; do
		n=$(awk -F, -v i=$inst 'NR > 1 && $4 == i' "$T/r1/members.csv" | wc -l)
		case $inst in police) got=$1 ;; forensic) got=$2 ;; prosecutor) got=$3 ;; esac
		[ "$got" -eq "$n" ] || fail "level $lv: $inst column $got, records $n"
	done
done

# the store holds the run
run=$(sql "$O" "SELECT max(id) FROM reconcile_run")
[ "$(sql "$O" "SELECT deaths FROM reconcile_run WHERE id = $run")" = "$deaths" ] || fail "run deaths"
[ "$(sql "$O" "SELECT count(*) FROM reconciled_death WHERE run = $run")" = "$deaths" ] ||
	fail "reconciled_death rows"
[ "$(sql "$O" "SELECT count(*) FROM reconcile_member WHERE run = $run")" = "$records" ] ||
	fail "reconcile_member rows"
[ "$(sql "$O" "SELECT sum(reconciled) FROM reconcile_count WHERE run = $run AND level = 2")" = "$deaths" ] ||
	fail "reconcile_count does not add up"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'reconcile' AND actor = 'ana'")" = 1 ] ||
	fail "the run is not in the audit log"

# clerical review: a wide grey zone so both linked and unlinked pairs are queued
printf 'review_low = 0.001\nreview_high = 1\n' >"$T/wide.ini"
expect_status 0 "$OBSERVA" reconcile -q -d "$O" --period 2020 --config "$T/wide.ini" --out "$T/r2"
run=$(sql "$O" "SELECT max(id) FROM reconcile_run")
yes_id=$(sql "$O" "SELECT id FROM review_item WHERE run = $run AND linked = 1 ORDER BY probability LIMIT 1")
no_id=$(sql "$O" "SELECT id FROM review_item WHERE run = $run AND linked = 0 ORDER BY probability DESC LIMIT 1")
[ -n "$yes_id" ] && [ -n "$no_id" ] || fail "the review queue lacks a linked or an unlinked pair"
pair() { sql "$O" "SELECT source_a || ',' || id_a || ' ' || source_b || ',' || id_b FROM review_item WHERE id = $1"; }
death_of() { awk -F, -v k="$2" 'NR > 1 && $2 "," $3 == k { print $1 }' "$1/members.csv"; }
set -- $(pair "$yes_id")
ya=$1 yb=$2
set -- $(pair "$no_id")
na=$1 nb=$2
[ "$(death_of "$T/r2" "$ya")" = "$(death_of "$T/r2" "$yb")" ] || fail "the linked pair is apart"
[ "$(death_of "$T/r2" "$na")" != "$(death_of "$T/r2" "$nb")" ] || fail "the unlinked pair is together"

expect_status 0 "$OBSERVA" review -d "$O" --user rosa --list
expect_grep "$T/out" "== par $yes_id:"
expect_grep "$T/out" "comparación (nivel, peso)"
expect_grep "$T/out" "apellido1"
expect_status 0 "$OBSERVA" review -d "$O" --user rosa --reject "$yes_id" --note "distintas personas"
expect_status 0 "$OBSERVA" review -d "$O" --user rosa --accept "$no_id"
expect_status 1 "$OBSERVA" review -d "$O" --user rosa --accept 999999999
expect_grep "$T/err" "no hay un par en revisión"
expect_status 2 "$OBSERVA" review -d "$O" --accept "$no_id"
expect_status 0 "$OBSERVA" review -d "$O" --user rosa --list
grep -q "== par $yes_id:" "$T/out" && fail "a decided pair is still pending"
[ "$(sql "$O" "SELECT decision || ',' || actor || ',' || note FROM review_decision WHERE item = $yes_id")" = "reject,rosa,distintas personas" ] ||
	fail "the rejection is not stored"
# every pair, with the decision taken on it and by whom
expect_status 0 "$OBSERVA" review -d "$O" --user rosa --all
grep -q "^== par $yes_id: .*; decidido: reject (rosa, 20" "$T/out" || fail "the rejection is not listed"
grep -q "^== par $no_id: .*; decidido: accept (rosa, 20" "$T/out" || fail "the acceptance is not listed"

# later runs respect the decisions, at the default settings and the wide ones
for cfg in "" "$T/wide.ini"; do
	rm -rf "$T/r3"
	expect_status 0 "$OBSERVA" reconcile -d "$O" --period 2020 ${cfg:+--config "$cfg"} --out "$T/r3" --truth "$TRUTH"
	expect_grep "$T/out" "(1 por decisión)"
	[ "$(death_of "$T/r3" "$ya")" != "$(death_of "$T/r3" "$yb")" ] || fail "the rejected pair is together"
	[ "$(death_of "$T/r3" "$na")" = "$(death_of "$T/r3" "$nb")" ] || fail "the accepted pair is apart"
done
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action IN ('review.accept', 'review.reject') AND actor = 'rosa'")" = 2 ] ||
	fail "the decisions are not in the audit log"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'review.list'")" -ge 1 ] ||
	fail "reading names for review is not in the audit log"
expect_status 0 "$OBSERVA" audit verify -d "$O"

# a store at schema 4 gets migrations 5 and later and reconciles (a store
# made old by hand: SQLite's file only; on_pg skips it)
if ! on_pg; then
mkdir "$T/old"
cp "$O/observa.db" "$T/old/"
cp -r "$O/catalog" "$T/old/"
sqlite3 "$T/old/observa.db" "DROP TABLE review_decision; DROP TABLE review_item;
	DROP TABLE reconcile_count; DROP TABLE discrepancy; DROP TABLE reconcile_member;
	DROP TABLE reconciled_death; DROP TABLE reconcile_run;
	ALTER TABLE record DROP COLUMN victim_age_max; ALTER TABLE record DROP COLUMN victim_age_min;
	ALTER TABLE record DROP COLUMN victims; ALTER TABLE submission DROP COLUMN victims;
	ALTER TABLE submission DROP COLUMN fields; ALTER TABLE submission DROP COLUMN aggregate;
	ALTER TABLE submission DROP COLUMN period_basis; ALTER TABLE submission DROP COLUMN period;
	DROP INDEX submission_sha; CREATE UNIQUE INDEX submission_sha ON submission(source, sha256);
	ALTER TABLE submission DROP COLUMN reread; ALTER TABLE submission DROP COLUMN reasons;
	ALTER TABLE submission DROP COLUMN profile_sha256;
	ALTER TABLE submission DROP COLUMN crosswalks_sha256;
	ALTER TABLE quarantine DROP COLUMN kind; ALTER TABLE warning DROP COLUMN kind;
	DROP TABLE harvest_cell; DROP TABLE harvest_source; DROP TABLE registry_keyed;
	DROP TABLE registry_entry; DROP TABLE registry_name_word; DROP TABLE registry_name;
	DROP TABLE registry_name_key; DROP TABLE missing_match;
	DROP INDEX audit_action; DROP TABLE case_open;
	DROP TABLE case_delivery_attempt; DROP TABLE case_delivery; DROP TABLE case_outbox;
	DROP TABLE case_event_value; DROP TABLE case_event; DROP TABLE case_value;
	DROP TABLE case_access; DROP TABLE case_file; DROP TABLE survey_estimate;
	PRAGMA user_version = 4;"
expect_status 0 "$OBSERVA" reconcile -q -d "$T/old" --period 2020-01..2020-06 --country GTM
[ "$(sql "$T/old" "PRAGMA user_version")" -ge 5 ] || fail "the old store was not migrated"
[ "$(sql "$T/old" "SELECT count(*) FROM reconcile_run WHERE country = 'GTM'")" = 1 ] || fail "no run"
[ "$(sql "$T/old" "SELECT count(*) FROM reconciled_death WHERE country <> 'GTM'")" = 0 ] ||
	fail "--country GTM reconciled another country"
fi

# refusals
expect_status 2 "$OBSERVA" reconcile -d "$O"
expect_status 2 "$OBSERVA" reconcile -d "$O" --period 2020-13
expect_status 2 "$OBSERVA" reconcile -d "$O" --period 2020 --country gt
printf 'threshold = 2\n' >"$T/bad.ini"
expect_status 1 "$OBSERVA" reconcile -d "$O" --period 2020 --config "$T/bad.ini"
expect_grep "$T/err" "bad.ini:1"
printf 'manner = forensic, nobody\n' >"$T/bad.ini"
expect_status 1 "$OBSERVA" reconcile -d "$O" --period 2020 --config "$T/bad.ini"
expect_grep "$T/err" "nobody"
runs=$(sql "$O" "SELECT count(*) FROM reconcile_run")
printf 'a,b\n1,2\n' >"$T/notruth.csv"
expect_status 1 "$OBSERVA" reconcile -d "$O" --period 2020 --truth "$T/notruth.csv"
expect_grep "$T/err" "notruth.csv:1"
[ "$(sql "$O" "SELECT count(*) FROM reconcile_run")" = "$runs" ] || fail "a run was saved with a bad truth file"
# an empty period is a warning, not an error
expect_status 0 "$OBSERVA" reconcile -d "$O" --period 1990 --out "$T/empty"
expect_grep "$T/err" "no hay muertes violentas"
[ "$(wc -l <"$T/empty/deaths.csv")" -eq 1 ] || fail "deaths in 1990"
expect_status 0 "$OBSERVA" reconcile --help
expect_grep "$T/out" "Concilia las muertes violentas"
expect_status 0 "$OBSERVA" review --help
expect_grep "$T/out" "Revisión manual"
