# outbreak.sh - "observa stats outbreak" on the reference series (R's
# surveillance 1.20.3, tests/data/reference/outbreak): the CSV in, every
# judged month's bound and alarm out as R gives them, with the months
# without data left out of the file (no row: no data, never 0).
R="$OBSERVA_TESTDATA/reference/outbreak"
awk -F, 'NR == 1 { print "serie;mes;casos" } NR > 1 && $3 != "NA" { print $1 ";" $2 ";" $3 }' \
	"$R/series.csv" >"$T/in.csv"
for m in farrington improved c1 c2 c3; do
	expect_status 0 "$OBSERVA" stats outbreak --time mes --count casos --by serie --method $m "$T/in.csv"
	cp "$T/out" "$T/$m.csv"
done
python3 - "$R" "$T" <<'PY' || fail "outbreak against R"
import csv, sys
R, T = sys.argv[1], sys.argv[2]
def close(a, b):
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b)) + 1e-9
def ours(m):
    return {(r["serie"], int(r["mes"])): r for r in csv.DictReader(open("%s/%s.csv" % (T, m)))}
checked = 0
got = {"orig": ours("farrington"), "improved": ours("improved")}
for r in csv.DictReader(open(R + "/farrington.csv")):
    o = got[r["variant"]].get((r["series"], int(r["t"])))
    if o is None:
        assert r["score"] == "NA", r  # a month without data is not judged
        continue
    assert o["alarm"] == ("true" if r["alarm"] == "1" else "false"), (r, o)
    if r["upperbound"] == "NA":
        assert o["upper"] == "" and "pocos_casos" in o["flags"], (r, o)
    else:
        assert close(float(o["upper"]), float(r["upperbound"])), (r, o)
    checked += 1
ears = {m: ours(m) for m in ("c1", "c2", "c3")}
for r in csv.DictReader(open(R + "/ears.csv")):
    o = ears[r["method"].lower()].get((r["series"], int(r["t"])))
    assert o is not None, r
    assert o["alarm"] == ("true" if r["alarm"] == "1" else "false"), (r, o)
    assert close(float(o["upper"]), float(r["upperbound"])), (r, o)
    checked += 1
assert checked > 2900, checked
PY
# the first months cannot be judged yet, and say so
grep -q '^seasonal,1,[0-9]*,,,,,,sin_historia$' "$T/farrington.csv" || { head -3 "$T/farrington.csv"; fail "month 1"; }
# a repeated month is an error with its line
printf 'mes;casos\n1;3\n2;4\n2;5\n' >"$T/bad.csv"
expect_status 1 "$OBSERVA" stats outbreak --time mes --count casos "$T/bad.csv"
expect_grep "$T/err" "bad.csv:4:1"
expect_grep "$T/err" "tiempo repetido"
# a baseline past the limit is an error, not months silently left unjudged
awk 'BEGIN { print "dia;casos"; for (t = 1; t <= 2000; t++) print t ";" t % 7 }' >"$T/long.csv"
expect_status 1 "$OBSERVA" stats outbreak --time dia --count casos --freq 366 --years 5 "$T/long.csv"
expect_grep "$T/err" "pasa de 1024 periodos"
# the CUSUM (observa stats cusum, defaults: a shift of 1 sd, in-control ARL
# 120, the 36 months before the first judged): each series from 36 months
# before R's start, so the first judged month is R's first; R has no minimum
# count, so a series is compared up to its first month flagged pocos_casos
python3 - "$R" "$T" "$OBSERVA" <<'PY' || fail "cusum against R"
import csv, subprocess, sys
R, T, OBSERVA = sys.argv[1:4]
plans = [p for p in csv.DictReader(open(R + "/cusum_plan.csv")) if p["config"] == "a"]
ref = {}
for r in csv.DictReader(open(R + "/cusum.csv")):
    if r["config"] == "a":
        ref[(r["series"], int(r["start"]), int(r["t"]))] = r
series = list(csv.DictReader(open(R + "/series.csv")))
checked = alarms = 0
for p in plans:
    s, start, h = p["series"], int(p["start"]), float(p["h"])
    with open(T + "/c.csv", "w") as f:
        f.write("mes;casos\n")
        for r in series:
            if r["series"] == s and r["y"] != "NA" and int(r["t"]) >= start - 36:
                f.write("%s;%s\n" % (r["t"], r["y"]))
    out = subprocess.run([OBSERVA, "stats", "cusum", "--time", "mes", "--count", "casos",
                          T + "/c.csv"], capture_output=True, text=True, check=True).stdout
    for o in csv.DictReader(out.splitlines()):
        t = int(o["mes"])
        if t < start:
            assert o["flags"] == "sin_historia", o
            continue
        if "pocos_casos" in o["flags"]:
            break
        r = ref[(s, start, t)]
        assert abs(float(o["expected"]) - float(p["m0"])) < 1e-9, (o, p)
        assert abs(float(o["score"]) * h - float(r["stat"])) < 1e-9, (s, o, r)
        assert o["alarm"] == ("true" if r["alarm"] == "1" else "false"), (s, o, r)
        alarms += r["alarm"] == "1"
        checked += 1
assert checked > 400 and alarms > 10, (checked, alarms)
PY
# "stats outbreak --method cusum" is the same command
awk -F, 'NR == 1 { print "mes;casos" } NR > 1 && $1 == "outbreaks" { print $2 ";" $3 }' \
	"$R/series.csv" >"$T/o.csv"
expect_status 0 "$OBSERVA" stats cusum --time mes --count casos "$T/o.csv"
cp "$T/out" "$T/cusum.csv"
expect_status 0 "$OBSERVA" stats outbreak --method cusum --time mes --count casos "$T/o.csv"
cmp -s "$T/out" "$T/cusum.csv" || fail "stats cusum and stats outbreak --method cusum differ"
grep -q ',true,$' "$T/cusum.csv" || fail "no CUSUM alarm on the series with outbreaks"
# a run length no h of the limit reaches is an error naming the series
expect_status 1 "$OBSERVA" stats cusum --time mes --count casos --arl 10000000 --shift 0.01 "$T/o.csv"
expect_grep "$T/err" "1200 estados"
