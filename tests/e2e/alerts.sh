# alerts.sh - "observa alerts" over the demo finds its injected outbreaks
# (src/demo/demo_crimes.c: robbery in HND0511 from 2024-10, injuries in
# GTM0602 from 2024-11), counts as "observa analyze" does, and never judges
# a month without data. The observatory is judged three times: the latest
# month and September to December 2024 by the command line, the latest
# month by the server (once, shared by its answers), and again after an
# archive of 1985 makes its grid too large for one count; e2e/alerts_reform.sh
# checks a month past every delivery and the judging after an ingest on
# its small observatory.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.01
O="$T/obs"
expect_status 0 "$OBSERVA" alerts -d "$O" --format csv
cp "$T/out" "$T/alerts.csv"
head -1 "$T/alerts.csv" | grep -q '^territory,territory_name,level,category,category_name,month,observed,expected,upper,method,above,suppressed$' ||
	fail "header: $(head -1 "$T/alerts.csv")"
grep -q '^HND0511,[^,]*,2,0401,[^,]*,2024-12,' "$T/alerts.csv" || { cat "$T/alerts.csv"; fail "robbery in HND0511 not found"; }
grep -q '^GTM0602,[^,]*,2,0201,[^,]*,2024-12,' "$T/alerts.csv" || { cat "$T/alerts.csv"; fail "injuries in GTM0602 not found"; }
expect_grep "$T/err" "alarmas en"
# the observed count is what observa analyze counts
obs=$(grep '^HND0511,[^,]*,2,0401,[^,]*,2024-12,' "$T/alerts.csv" | head -1 | cut -d, -f7)
expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin2 --where "admin2=HND0511 iccs=0401 year=2024 month=12" --format csv
grep -q "^HND0511,$obs," "$T/out" || { cat "$T/out"; fail "observed $obs is not analyze's count"; }
# the outbreak's months are judged from its start; the month before is quiet
expect_status 0 "$OBSERVA" alerts -d "$O" --from 2024-09 --to 2024-12 --format json
cp "$T/out" "$T/cli.json"
python3 - "$T/cli.json" <<'PY' || fail "alerts JSON"
import json, sys
rows = json.load(open(sys.argv[1]))
hn = sorted({r["month"] for r in rows if r["territory"] == "HND0511" and r["category"] == "0401"})
assert hn and hn[0] == "2024-10", hn
assert all(set(r) >= {"observed", "expected", "upper", "method", "above"} for r in rows)
assert all(r["observed"] > r["upper"] or r["method"] == "cusum" for r in rows), rows
PY
# the catalogue's indicators are categories too: the robbery outbreak alarms
# on ind:robbery_rate (robbery, 0401, reported to the police) in HND0511 from
# October, each month's observed count the one "observa indicators" gives
# (in the division of the last month: --vintage)
python3 - "$T/cli.json" >"$T/ind.txt" <<'PY' || fail "indicator alarms"
import json, sys
rows = json.load(open(sys.argv[1]))
ind = [r for r in rows if r["territory"] == "HND0511" and r["category"] == "ind:robbery_rate"]
months = sorted({r["month"] for r in ind})
assert months and months[0] == "2024-10" and months[-1] == "2024-12", months
assert all(r["category_name"].startswith("Tasa de robos") for r in ind), ind
for r in ind:
    print(r["month"], r["observed"])
PY
expect_status 0 "$OBSERVA" indicators -d "$O" --indicator robbery_rate --territory HND0511 \
	--period 2024-10..2024-12 --vintage 2024-12-31 --format csv
python3 - "$T/out" "$T/ind.txt" <<'PY' || { cat "$T/out"; fail "indicator alarm counts"; }
import csv, sys
count = {r["period"]: float(r["count"]) for r in csv.DictReader(open(sys.argv[1]))}
seen = [l.split() for l in open(sys.argv[2])]
assert seen
for month, observed in seen:
    assert float(observed) == count[month], (month, observed, count)
PY
# usage errors
expect_status 2 "$OBSERVA" alerts -d "$O" --period 2024-13
expect_status 2 "$OBSERVA" alerts -d "$O" --from 2024-10
# --- the API: the same numbers (its latest month, 2024-12, that of every
# country, as the command line's), an observed count under the disclosure
# threshold (5 by default) shown suppressed, not its value, and the model
# values of a series with a month under it neither ------------------------
start_server "$O"
curl -s -o "$T/api.json" "$B/api/v1/alerts" || fail "curl"
python3 - "$T/cli.json" "$T/api.json" <<'PY' || fail "API and CLI differ"
import json, sys
cli = [r for r in json.load(open(sys.argv[1])) if r["month"] == "2024-12"]
api = json.load(open(sys.argv[2]))
assert {a["month"] for a in api["data"]} == {"2024-12"}, api["data"]
assert api["disclosure"]["min_count"] == 5, api["disclosure"]
rows = api["data"]
assert len(rows) == len(cli) and rows, (len(rows), len(cli))
hidden = 0
for c, a in zip(cli, rows):
    for k in ("territory", "level", "category", "month", "method", "above"):
        assert a[k] == c[k], (k, a, c)
    # model values are given unless a month before is under the threshold
    # (e2e/attack_situation.sh checks which): then both are null
    assert (a["expected"], a["upper"]) in ((c["expected"], c["upper"]), (None, None)), (a, c)
    if c["observed"] < 5:
        assert a["observed"] is None and a["suppressed"] is True, (a, c)
        hidden += 1
    elif a["suppressed"]:
        # not small, but its unit is hidden in another month of the year:
        # the release's year less the months shown would give that month
        # (docs/disclosure.md)
        assert a["observed"] is None, (a, c)
        hidden += 1
    else:
        assert a["observed"] == c["observed"], (a, c)
assert len(rows) > hidden, "every count hidden: nothing compared"
PY
code=$(curl -s -o "$T/bad.json" -w '%{http_code}' "$B/api/v1/alerts?period=2024-13")
[ "$code" = 400 ] || fail "a bad period: $code"
code=$(curl -s -o "$T/api.csv" -w '%{http_code}' "$B/api/v1/alerts?format=csv")
[ "$code" = 200 ] || fail "CSV: $code"
grep -q '^HND0511,' "$T/api.csv" || fail "CSV without the outbreak"
kill -TERM "$PID"
wait "$PID" 2>/dev/null || true

# an archive of 1985 delivered: 40 years of municipalities, divisions and
# months are more cells than one count may hold, so each unit is counted
# apart; the alarms of the latest month are those found before (the old
# year is outside every method's baseline)
cp "$OBSERVA_TESTDATA/delta/delta-pnc.ini" "$O/catalog/sources/"
sql "$O" "SELECT m.name || '|' || d.name FROM territory m JOIN territory d ON d.code = m.parent
	WHERE m.country = 'SLV' AND m.level = 2 AND m.valid_to IS NOT NULL ORDER BY m.code" >"$T/muns"
awk -v N=200 -v Y=1985 -v S=1985 -v P=A1985 -f "$OBSERVA_TESTDATA/delta/gen.awk" "$T/muns" >"$T/a1985.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source delta-pnc --no-alerts "$T/a1985.csv"
expect_status 0 "$OBSERVA" alerts -d "$O" --format csv
cmp -s "$T/out" "$T/alerts.csv" || { diff "$T/alerts.csv" "$T/out" | head -20 >&2; fail "alarms changed by an archive"; }
expect_status 0 "$OBSERVA" analyze -d "$O" --rows year --where "year=1985" --records --format csv
grep -q '^1985,' "$T/out" || fail "the archive of 1985 is not counted"
