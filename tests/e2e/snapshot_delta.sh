# snapshot_delta.sh - a delivery made visible by a delta segment answers as a
# full rebuild does. On a small demo, new deliveries of a new police source
# (tests/data/delta/gen.awk) are taken one after another: each leaves a delta
# beside the base (snapshot/deltas lists it), a correcting delivery of the
# same period rebuilds the snapshot whole (no delta), and after every ingest
# the analyser's queries of bench/analyze/queries.txt (with and without
# --records), rates, "observa indicators" and "observa situation" answer
# byte-identically on the observatory with its deltas and on a copy rebuilt
# with "observa snapshot". A damaged delta is refused, and the snapshot
# rebuilt, with a message naming it.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.01
O="$T/obs"
cp "$OBSERVA_TESTDATA/delta/delta-pnc.ini" "$O/catalog/sources/"
sql "$O" "SELECT m.name || '|' || d.name FROM territory m JOIN territory d ON d.code = m.parent
	WHERE m.country = 'SLV' AND m.level = 2 AND m.valid_to IS NOT NULL ORDER BY m.code" >"$T/muns"
[ -s "$T/muns" ] || fail "no municipalities in the catalogue"
deliver() { # deliver YEAR SEED FILE: 300 cases of YEAR
	awk -v N=300 -v Y="$1" -v S="$2" -v P="D$1" -f "$OBSERVA_TESTDATA/delta/gen.awk" "$T/muns" >"$3"
}
ndeltas() { # the deltas listed (0 without a list)
	if [ -f "$O/snapshot/deltas" ]; then grep -c '^delta	' "$O/snapshot/deltas"; else echo 0; fi
}
# answers DIR OUTDIR: every answer compared, into OUTDIR
answers() {
	an_dir=$1 an_out=$2
	mkdir -p "$an_out"
	grep -v '^#' "$OBSERVA_TESTDATA/../../bench/analyze/queries.txt" |
	while IFS='|' read -r name rows cols where _sql; do
		[ -n "$name" ] || continue
		for rec in --records ""; do
			set -- --rows "$rows" $rec
			[ -z "$cols" ] || set -- "$@" --cols "$cols"
			[ -z "$where" ] || set -- "$@" --where "$where"
			"$OBSERVA" analyze -q -d "$an_dir" --format csv "$@" >"$an_out/$name$rec.csv" 2>&1 ||
				echo "status $?" >>"$an_out/$name$rec.csv"
		done
	done
	# rates, whose population reads what each source delivered (the
	# deltas' records too), and the victims under the counting rule
	"$OBSERVA" analyze -q -d "$an_dir" --rows country,sex --cols year --measure rate \
		--where iccs=0101 --format csv >"$an_out/rate.csv" 2>&1 || echo "status $?" >>"$an_out/rate.csv"
	"$OBSERVA" analyze -q -d "$an_dir" --rows admin1 --cols age_group --where "country=SLV" \
		--format csv >"$an_out/victims.csv" 2>&1 || echo "status $?" >>"$an_out/victims.csv"
	"$OBSERVA" indicators -q -d "$an_dir" --country SLV --period 2015..2024 --format csv --all \
		>"$an_out/indicators.csv" 2>&1 || echo "status $?" >>"$an_out/indicators.csv"
	"$OBSERVA" indicators -q -d "$an_dir" --indicator homicide_rate --level 1 --period 2016 \
		--format csv >"$an_out/indicators-l1.csv" 2>&1 || echo "status $?" >>"$an_out/indicators-l1.csv"
	"$OBSERVA" situation -q -d "$an_dir" --territory SLV --period 2018-03 --format csv >"$an_out/situation.csv" 2>&1 ||
		echo "status $?" >>"$an_out/situation.csv"
}
# same LABEL: the observatory's answers equal those of a copy rebuilt whole
same() {
	rm -rf "$T/full" "$T/a" "$T/b"
	cp -a "$O" "$T/full"
	expect_status 0 "$OBSERVA" snapshot -d "$T/full" --rebuild
	[ ! -e "$T/full/snapshot/deltas" ] || fail "$1: the rebuild left the list of deltas"
	answers "$O" "$T/a"
	answers "$T/full" "$T/b"
	diff -r "$T/a" "$T/b" >"$T/diff" || { head -40 "$T/diff" >&2; fail "$1: answers differ"; }
	grep -q "SLV" "$T/a/q01-country--records.csv" || fail "$1: no answer for SLV"
	! grep -l '^status ' "$T/a"/* >&2 || fail "$1: a command failed"
	grep -q '^territory,SLV,' "$T/a/situation.csv" || fail "$1: no situation of SLV"
}

# api_answers DIR OUT: the API's analyser (a server on DIR) into OUT,
# public answers (disclosure control applied) and the counts by source
api_answers() {
	start_server "$1"
	for q in "rows=country&cols=year" "rows=admin1&cols=sex&where=country%3DSLV" \
		"rows=year&cols=iccs_division&counts=records" "rows=source&cols=year"; do
		curl -s -o "$2.$(printf '%s' "$q" | tr -c 'a-z0-9' '_')" -w '%{http_code}\n' \
			"$B/api/v1/analyze?$q&format=csv" >>"$2.status"
	done
	kill -TERM "$PID" && wait "$PID" || true
	[ "$(sort -u "$2.status")" = 200 ] || fail "the API answered $(sort -u "$2.status" | tr '\n' ' ')"
}

answers "$O" "$T/before"
# three new deliveries: a delta each, and answers that move
for y in 2014 2017 2018; do
	deliver "$y" "$y" "$T/d$y.csv"
	expect_status 0 "$OBSERVA" ingest -d "$O" --source delta-pnc --no-alerts "$T/d$y.csv"
	expect_grep "$T/out" "300 aceptadas"
done
[ "$(ndeltas)" = 3 ] || fail "three deliveries should leave 3 deltas, not $(ndeltas)"
for f in $(awk -F'\t' '$1 == "delta" { print $2 }' "$O/snapshot/deltas"); do
	[ -s "$O/snapshot/$f" ] || fail "the delta $f is missing"
done
answers "$O" "$T/after"
diff -q "$T/before/q01-country--records.csv" "$T/after/q01-country--records.csv" >/dev/null &&
	fail "the deliveries changed no count"
same "three deltas"
# the server's analyser counts the deltas apart too (engine/snaphold.c)
mkdir -p "$T/api"
api_answers "$O" "$T/api/delta"
api_answers "$T/full" "$T/api/full"
for f in "$T"/api/delta.rows*; do
	cmp -s "$f" "$T/api/full.${f#"$T/api/delta."}" ||
		{ diff "$f" "$T/api/full.${f#"$T/api/delta."}" | head -20 >&2; fail "the API answers $f otherwise"; }
done
grep -q "delta-pnc" "$T/api/delta.rows_source_cols_year" || fail "the API does not count the deltas"
# the snapshot command reports the deltas it merged
expect_status 0 "$OBSERVA" snapshot -d "$O" --update
expect_grep "$T/out" "base y 3 deltas"

# a correction of 2017 (same source and period) supersedes a delivery: the
# snapshot is rebuilt whole, and no delta remains
deliver 2017 99 "$T/c2017.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source delta-pnc --no-alerts "$T/c2017.csv"
expect_grep "$T/out" "sustituye al envío"
[ "$(ndeltas)" = 0 ] || fail "a correction should rebuild the snapshot, $(ndeltas) deltas left"
same "after a correction"
# a new delivery after the rebuild: a delta again
deliver 2019 2019 "$T/d2019.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source delta-pnc --no-alerts "$T/d2019.csv"
[ "$(ndeltas)" = 1 ] || fail "a new delivery after the rebuild should leave 1 delta"
same "a delta after the rebuild"

# a damaged delta: refused with a message naming it, and rebuilt
f=$(awk -F'\t' '$1 == "delta" { print $2 }' "$O/snapshot/deltas")
printf 'XXXXXXXX' | dd of="$O/snapshot/$f" bs=1 seek=3000 conv=notrunc 2>/dev/null
expect_status 0 "$OBSERVA" analyze -d "$O" --rows country --records --format csv
expect_grep "$T/err" "$f"
[ "$(ndeltas)" = 0 ] || fail "the damaged delta is still listed"
cp "$T/out" "$T/rebuilt.csv"
"$OBSERVA" analyze -q -d "$T/full" --rows country --records --format csv >"$T/full.csv"
cmp -s "$T/rebuilt.csv" "$T/full.csv" || fail "the rebuilt snapshot answers otherwise"
