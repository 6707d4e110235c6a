# attack_differencing.sh - an outsider with no account attacks the public
# analyser of a small published demo to read the homicide cells the release
# suppressed (counts_iccs, admin-2, ICCS 0101):
#   - differencing: territory=X,GTM minus territory=GTM. The default rules
#     refuse the union (one value per clause); with unions allowed, X plus
#     a department D of another country, minus D (a different D from cell to
#     cell, so that no single perturbation decides), equals the true count
#     only when the two perturbations coincide, no more often than the
#     table implies given D's answers (cells that use one D share its
#     perturbation, so that is what makes the trials independent), with no
#     offset and errors spread as the difference of two perturbations;
#   - one question per cell: the exact count no more often than the table
#     publishes a count exactly (never under the threshold);
#   - repeating and rephrasing (order of codes and clauses, an ICCS parent
#     clause, the same victims as a margin) give identical answers, so
#     averaging them converges to nothing new.
# The truth comes from "observa analyze" (the steward's tool, exact).
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.03
O="$T/obs"
expect_status 0 "$OBSERVA" publish -d "$O" --year 2023
R="$O/releases/v1"
[ -f "$R/counts_iccs.csv" ] || fail "no counts_iccs in the release"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin2,year --where "iccs=0101 year=2023" \
	--format csv
cp "$T/out" "$T/truth.csv"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin1,year --where "iccs=0101 year=2023" \
	--format csv
cp "$T/out" "$T/truth1.csv"
expect_status 0 "$OBSERVA" disclosure -d "$O" --ptable
cp "$T/out" "$T/ptable.csv"
sql "$O" "SELECT code, country FROM territory WHERE level = 1 ORDER BY code" >"$T/admin1.txt"
# without the per-address rate limit: the protection must hold however many
# questions an attacker asks
start_server "$O" --threads 2 --query-rate 0

python3 - "$B" "$R/counts_iccs.csv" "$T/truth.csv" "$T/ptable.csv" "$O/catalog/disclosure.ini" \
	"$T/admin1.txt" "$T/truth1.csv" <<'PY' || fail "differencing"
import csv, json, math, sys, urllib.error, urllib.parse, urllib.request

base, release, truth_csv, ptable_csv, ini, admin1_txt, truth1_csv = sys.argv[1:8]
departments = [line.strip().split("|") for line in open(admin1_txt) if "|" in line]

def ask(where, rows=None, want=200):
    q = {"where": where}
    if rows:
        q["rows"] = rows
    url = base + "/api/v1/analyze?" + urllib.parse.urlencode(q)
    try:
        with urllib.request.urlopen(url) as r:
            status, body = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    if status != want:
        sys.exit("%s: status %d, expected %d: %s" % (url, status, want, body[:300]))
    return json.loads(body)

def total(answer):
    """The grand total of an answer: its cell whose dimensions are all Total."""
    for c in answer["cells"]:
        if all(v == "Total" for k, v in c.items() if k not in ("count", "flag", "status", "counting_rule")):
            return c["count"]
    sys.exit("no total in %s" % answer)

# the perturbation table: keys per (count row, difference)
rows = {}
for r in csv.DictReader(open(ptable_csv)):
    i = r["count"]
    rows.setdefault(i, {})[int(r["difference"])] = int(r["keys"])
last = [k for k in rows if k.endswith("+")][0]
lastn = int(last[:-1])
def row(n):
    return rows[last] if n >= lastn else rows[str(n)]
# the chance that two independent perturbations of large counts coincide
p_coincide = sum((k / 256) ** 2 for k in rows[last].values())
min_count = 5  # the general threshold (disclosure.ini defaults): below it, C
def p_exact(n):
    return row(n).get(0, 0) / 256 if n >= min_count else 0

truth = {}
for r in csv.DictReader(open(truth_csv)):
    if r["admin2"] != "Total" and r["year"] != "Total":
        truth[(r["admin2"], r["year"])] = int(r["count"])

truth1 = {}
for r in csv.DictReader(open(truth1_csv)):
    if r["admin1"] != "Total" and r["year"] != "Total":
        truth1[(r["admin1"], r["year"])] = int(r["count"])

cells = []
for r in csv.DictReader(open(release, encoding="utf-8")):
    if r["level"] == "2" and r["iccs"] == "0101" and r["status"] == "C":
        cells.append((r["country"], r["territory"], r["year"]))
if len(cells) < 60:
    sys.exit("only %d suppressed admin-2 homicide cells: the demo is too small" % len(cells))
cells = cells[:150]

# 1. the union is refused by the default rules, naming the rule
c, x, y = cells[0]
other = "HND" if c == "GTM" else "GTM"
a = ask("territory=%s,%s year=%s iccs=0101" % (x, other, y), want=400)
assert a["error"]["code"] == "disclosure_rule", a
assert "max_values" in a["error"]["message"], a

# 2. one question per suppressed cell: exact no more often than the table says
hits = expect = 0
for c, x, y in cells:
    v = total(ask("territory=%s year=%s iccs=0101" % (x, y)))
    t = truth.get((x, y), 0)
    hits += v == t
    expect += p_exact(t)
n = len(cells)
slack = 3 * math.sqrt(expect * (1 - expect / n)) + 1
print("one question: %d of %d exact, the table implies %.1f" % (hits, n, expect))
assert hits <= expect + slack, (hits, expect)

# 3. with unions allowed, differencing against a department of another
# country, a different one from cell to cell, large enough (published 10 or
# more, so at least 7) that both answers are in the table's last row
open(ini, "w").write("[public]\nmax_values = 2\n")
errors = []
used = set()
k = 0
# the chance of each trial being exact given what the attacker saw: the
# union's perturbation must equal the one of D's answer, which cells that
# use the same D share (so trials are independent only given D's answers)
q_exact = []
for c, x, y in cells:
    for _ in range(len(departments)):
        d, dc = departments[k % len(departments)]
        k += 1
        if dc == c:
            continue
        b = total(ask("territory=%s year=%s iccs=0101" % (d, y)))
        if b is not None and b >= 10:
            break
    else:
        continue
    a = total(ask("territory=%s,%s year=%s iccs=0101" % (x, d, y)))
    if a is None:
        continue
    errors.append(a - b - truth.get((x, y), 0))
    used.add(d)
    tx, td = truth.get((x, y), 0), truth1.get((d, y), 0)
    q_exact.append(row(tx + td).get(b - td, 0) / 256)
n = len(errors)
hits = sum(1 for e in errors if e == 0)
mean = sum(errors) / n
sd = math.sqrt(sum((e - mean) ** 2 for e in errors) / n)
print("differencing: %d of %d exact, the table implies %.1f (%.1f given the departments' "
      "answers); errors mean %.2f sd %.2f, %d departments"
      % (hits, n, p_coincide * n, sum(q_exact), mean, sd, len(used)))
assert n >= 50, n
expect = sum(q_exact)
assert hits <= expect + 3 * math.sqrt(sum(q * (1 - q) for q in q_exact)) + 1, (hits, expect)
# no offset to correct: the mean error is 0 to within its sampling error
# (a department's perturbation is shared by the cells that use it)
assert abs(mean) < 4 * sd / math.sqrt(len(used)), (mean, len(used))
assert sd > 1.2, sd                     # two perturbations: sd about 2
assert max(abs(e) for e in errors) <= 6  # within 2D

# 4. repeating and rephrasing: identical, so averaging gains nothing
for c, x, y in cells[:20]:
    other = "HND" if c == "GTM" else "GTM"
    forms = [
        "territory=%s,%s year=%s iccs=0101" % (x, other, y),
        "territory=%s,%s year=%s iccs=0101" % (other, x, y),
        "iccs=0101 year=%s territory=%s|%s" % (y, x, other),
        "iccs=01 territory=%s,%s&year=%s iccs=0101" % (x, other, y),
    ]
    got = {total(ask(f)) for f in forms}
    got.add(total(ask(forms[0])))
    assert len(got) == 1, (x, y, got)
    # the unit's total and its margin over sex: the same victims
    single = total(ask("territory=%s year=%s iccs=0101" % (x, y)))
    by_sex = total(ask("territory=%s year=%s iccs=0101" % (x, y), rows="sex"))
    assert single == by_sex, (x, y, single, by_sex)
print("repeated and equivalent questions: identical")
PY
rm -f "$O/catalog/disclosure.ini"
