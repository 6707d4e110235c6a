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
