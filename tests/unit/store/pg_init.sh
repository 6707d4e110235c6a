#!/bin/sh
# pg_init.sh - "observa init --store postgresql://..." on a throwaway
# cluster (run by scripts/pg-test-cluster, which sets OBSERVA_PG_URL): the
# catalogue it loads into PostgreSQL is summarised exactly as the same init
# on SQLite summarises its own; accounts and the audit log work there
# (user add, user list, audit verify, audit list), the logbook (log), the
# review queue and the harvest's status (both empty); and init
# refuses a database that already holds an observatory.
set -eu
: "${OBSERVA:?OBSERVA names the binary}"
: "${OBSERVA_PG_URL:?run under scripts/pg-test-cluster}"
tmp=$(mktemp -d /tmp/observa-pginit.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "pg_init: FAIL: $*" >&2; exit 1; }
export OBSERVA_LANG=en

"$OBSERVA" init --store "$OBSERVA_PG_URL" "$tmp/pg" >"$tmp/pg.out" 2>"$tmp/pg.err" ||
	{ cat "$tmp/pg.err" >&2; fail "init --store failed"; }
"$OBSERVA" init "$tmp/lite" >"$tmp/lite.out" 2>"$tmp/lite.err" || fail "init on SQLite failed"
[ -f "$tmp/pg/store.url" ] || fail "no store.url"
[ ! -e "$tmp/pg/observa.db" ] || fail "an observa.db beside store.url"
[ "$(stat -c %a "$tmp/pg/store.url")" = 600 ] || fail "store.url is not 0600"
# the same summary, directory names aside
sed "s|$tmp/pg|DIR|g" "$tmp/pg.out" >"$tmp/a"
sed "s|$tmp/lite|DIR|g" "$tmp/lite.out" >"$tmp/b"
grep -q "^CRI  Costa Rica" "$tmp/a" || fail "no Costa Rica in the summary"
diff -u "$tmp/b" "$tmp/a" || fail "the catalogue summary differs between SQLite and PostgreSQL"
grep -q "schema 20" "$tmp/pg.err" || fail "init did not say the schema: $(cat "$tmp/pg.err")"

# accounts and the audit log
"$OBSERVA" -d "$tmp/pg" user add ana --role analyst --no-password 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; fail "user add"; }
"$OBSERVA" -d "$tmp/pg" user add ana --role admin --no-password 2>"$tmp/err" &&
	fail "a second user ana was added"
"$OBSERVA" -d "$tmp/pg" user add eva --role submitter --source police --no-password 2>/dev/null ||
	fail "user add eva"
"$OBSERVA" -d "$tmp/pg" user list >"$tmp/list" || fail "user list"
grep -q "^ana  *analyst" "$tmp/list" || fail "user list lacks ana: $(cat "$tmp/list")"
grep -q "^eva  *submitter  *police" "$tmp/list" || fail "user list lacks eva: $(cat "$tmp/list")"
[ "$(grep -c . "$tmp/list")" = 3 ] || fail "user list: $(cat "$tmp/list")"
"$OBSERVA" -d "$tmp/pg" audit verify >"$tmp/verify" 2>&1 ||
	{ cat "$tmp/verify" >&2; fail "audit verify"; }
"$OBSERVA" -d "$tmp/pg" audit list >"$tmp/audit" 2>&1 || fail "audit list"
[ "$(grep -c "user.add" "$tmp/audit")" = 2 ] || fail "audit list: $(cat "$tmp/audit")"

# the logbook, the review queue and the harvest's status work there (empty yet)
"$OBSERVA" -d "$tmp/pg" log >"$tmp/log" 2>"$tmp/err" || fail "observa log: $(cat "$tmp/err")"
"$OBSERVA" -d "$tmp/pg" review --user ana --list >"$tmp/review" 2>"$tmp/err" ||
	fail "observa review: $(cat "$tmp/err")"
"$OBSERVA" -d "$tmp/pg" harvest --status >"$tmp/harvest" 2>"$tmp/err" ||
	fail "observa harvest --status: $(cat "$tmp/err")"

# the load's checks on PostgreSQL, where rows go by COPY: a catalogue row
# the tables refuse (a territory twice, an ICCS code twice, a population
# figure twice) fails the reload naming its file and line, as on SQLite,
# and nothing of it is kept (the summary is as before)
"$OBSERVA" -d "$tmp/pg" catalog reload >"$tmp/reload.out" 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; fail "catalog reload on PostgreSQL"; }
for f in territories iccs population; do
	for o in lite pg; do
		c="$tmp/$o/catalog/$f.csv"
		cp "$c" "$tmp/$f.$o.keep"
		sed -n 2p "$c" >>"$c"
		line=$(wc -l <"$c")
		"$OBSERVA" -d "$tmp/$o" catalog reload >/dev/null 2>"$tmp/err.$o" &&
			fail "$o: a catalogue with a row of $f.csv twice was loaded"
		grep -q "$f.csv.*$line" "$tmp/err.$o" && grep -q "duplicated or inconsistent" "$tmp/err.$o" ||
			fail "$o: $f.csv twice: $(cat "$tmp/err.$o")"
		mv "$tmp/$f.$o.keep" "$c"
	done
done
"$OBSERVA" -d "$tmp/pg" catalog reload >"$tmp/reload2.out" 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; fail "catalog reload on PostgreSQL after the refusals"; }
cmp "$tmp/reload.out" "$tmp/reload2.out" || fail "a refused reload changed the catalogue"

# a country's check (territories in force today, names among the aliases)
# gives on PostgreSQL what it gives on SQLite, status and bytes
for c in CRI SLV; do
	for o in lite pg; do
		st=0
		"$OBSERVA" -d "$tmp/$o" country check "$c" >"$tmp/check.$o" 2>&1 || st=$?
		echo "status $st" >>"$tmp/check.$o"
		sed -i "s|$tmp/$o|DIR|g" "$tmp/check.$o"
	done
	grep -q "^status [01]$" "$tmp/check.lite" || fail "country check $c on SQLite: $(cat "$tmp/check.lite")"
	diff -u "$tmp/check.lite" "$tmp/check.pg" || fail "country check $c differs between SQLite and PostgreSQL"
done

# a survey's estimates (store/survey.c): the same rows on both databases,
# suppressed ones without a number, and the plan reads them alike
SV="$(dirname "$0")/../../data/survey_ingest"
for o in lite pg; do
	mkdir -p "$tmp/$o/catalog/surveys" "$tmp/$o/catalog/plans"
	cp "$SV/victimization.ini" "$tmp/$o/catalog/surveys/slv-test.ini"
	cp "$SV/../plan/plan.ini" "$tmp/$o/catalog/plans/test-plan.ini"
	"$OBSERVA" -q -d "$tmp/$o" survey ingest --profile slv-test "$SV/victimization.csv" \
		2>"$tmp/err" || fail "survey ingest on $o: $(cat "$tmp/err")"
	"$OBSERVA" -d "$tmp/$o" survey list >"$tmp/survey.$o" 2>"$tmp/err" ||
		fail "survey list on $o: $(cat "$tmp/err")"
	"$OBSERVA" -d "$tmp/$o" plan status --format csv >"$tmp/plan.$o" 2>"$tmp/err" ||
		fail "plan status on $o: $(cat "$tmp/err")"
done
[ "$(wc -l <"$tmp/survey.lite")" -eq 36 ] || fail "survey list on SQLite: $(cat "$tmp/survey.lite")"
diff -u "$tmp/survey.lite" "$tmp/survey.pg" || fail "survey estimates differ between SQLite and PostgreSQL"
diff -u "$tmp/plan.lite" "$tmp/plan.pg" || fail "plan status differs between SQLite and PostgreSQL"

# one observatory per database
"$OBSERVA" init --store "$OBSERVA_PG_URL" "$tmp/again" 2>"$tmp/err" && fail "a second init"
grep -q "already holds an observatory" "$tmp/err" || fail "second init: $(cat "$tmp/err")"
[ ! -e "$tmp/again/store.url" ] || fail "the refused init left a store.url"
"$OBSERVA" init --store "mysql://x/y" "$tmp/other" 2>/dev/null && fail "init took mysql://"
echo "pg_init: ok"
