# pg_publish.sh - a release and the API's answers from PostgreSQL are those
# from SQLite: the same one-country demo (Belize, scale 0.01) made on each
# store and published for 2024, then for 2023 (the year of its survey: the
# survey indicators and the dark figure, read from the store's microdata),
# gives the same files byte for byte, the times of the release aside (and
# the hashes of the files that carry them); "observa serve" on each answers the public routes that read the
# store (the analyser, indicators, completeness, warnings, the situation,
# the releases) with the same bytes. Run by scripts/pg-test-cluster
# (OBSERVA_PG_URL), through run.sh.
: "${OBSERVA_PG_URL:?run under scripts/pg-test-cluster}"
export LC_ALL=C.UTF-8
OBSERVA_TEST_STORE=sqlite
fixture_demo "$T/lite" 0.01 2024 BLZ
OBSERVA_TEST_STORE=postgresql
fixture_demo "$T/pg" 0.01 2024 BLZ
[ -f "$T/pg/store.url" ] && [ ! -e "$T/pg/observa.db" ] || fail "the demo is not on PostgreSQL"

# compare A B: every file of release A is in B with the same bytes, once
# the times are taken out, and so are the hashes in the two files that
# list the others (their own times change the hashes); nothing in B alone
same_files() {
	python3 - "$1" "$2" <<'PY' || fail "the releases differ: $1 $2"
import os, re, sys
a, b = sys.argv[1], sys.argv[2]
when = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?")
sha = re.compile(rb"\b[0-9a-f]{64}\b")
def files(d):
    return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)
fa, fb = files(a), files(b)
if fa != fb or not fa:
    sys.exit("not the same files: %s" % sorted(set(fa) ^ set(fb)))
bad = []
for f in fa:
    x, y = open(os.path.join(a, f), "rb").read(), open(os.path.join(b, f), "rb").read()
    if x == y:
        continue
    x, y = when.sub(b"T", x), when.sub(b"T", y)
    if os.path.basename(f) in ("manifest.json", "catalog.jsonld"):
        x, y = sha.sub(b"H", x), sha.sub(b"H", y)
    if x != y:
        bad.append(f)
if bad:
    sys.exit("different: %s" % bad)
print(len(fa), "files")
PY
}
for o in lite pg; do
	expect_status 0 "$OBSERVA" publish -d "$T/$o" --year 2023
done
same_files "$T/lite/releases" "$T/pg/releases"
expect_grep "$T/lite/releases/v1/indicators.csv" 'BLZ'
# the survey's figures are there to compare, not a header alone
[ "$(grep -c '^violence_victims_share,[^,]*,BLZ,' "$T/pg/releases/v2/survey_indicators.csv")" -ge 1 ] ||
	fail "no survey indicator of Belize in v2"
[ "$(awk -F, 'NR > 1 && $4 == "BLZ"' "$T/pg/releases/v2/dark_figure.csv" | wc -l)" -ge 1 ] ||
	fail "no dark figure of Belize in v2"

# the same answers from a server on each store, to a data steward
routes='/api/v1/indicators
/api/v1/analyze?rows=admin1&cols=sex
/api/v1/analyze?rows=country,year,month&counts=records&format=csv
/api/v1/alerts?format=csv
/api/v1/analyze?rows=iccs&where=country%3DBZ&format=csv
/api/v1/completeness?country=BZ
/api/v1/warnings
/api/v1/situation?territory=BLZ
/api/v1/releases
/api/v1/releases/v1/indicators.csv
/api/v1/indicators/violence_victims_share?territory=BLZ&by=sex&format=csv
/api/v1/survey/dark-figure?territory=BLZ&format=csv
/api/v1/reconcile/runs
/api/v1/quarantine?format=csv
/api/v1/logbook?format=csv'
for o in lite pg; do
	# a steward's token: the warnings, runs, quarantine and logbook need one
	expect_status 0 "$OBSERVA" user add ana --role steward -d "$T/$o" --no-password
	expect_status 0 "$OBSERVA" user token ana -d "$T/$o"
	tok="Authorization: Bearer $(cat "$T/out")"
	start_server "$T/$o" --threads 2
	mkdir -p "$T/ans-$o"
	n=0
	while read -r r; do
		n=$((n + 1))
		code=$(curl -s -H "$tok" -o "$T/ans-$o/$n" -w '%{http_code}' "$B$r") || fail "curl $r"
		[ "$code" = 200 ] || { cat "$T/ans-$o/$n" >&2; fail "$o: $r: status $code"; }
		[ -s "$T/ans-$o/$n" ] || fail "$o: $r: an empty answer"
	done <<ROUTES
$routes
ROUTES
	kill -TERM "$PID"
	wait "$PID" 2>/dev/null || true
done
same_files "$T/ans-lite" "$T/ans-pg"
