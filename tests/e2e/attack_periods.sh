# attack_periods.sh - an outsider with no account reads a monthly homicide
# count that observa suppresses by differencing across periods: the year a
# release publishes less the eleven months GET /api/v1/situation shows, a
# year to date less the one before, a quarter less its other months. The
# observatory is hand-made (a forensic source in El Salvador, 2023 whole):
# San Salvador 10 homicides a month but 2 in February, Santa Ana 6 a month
# but 3 in February (the threshold is 5). The attacker collects every count of
# the two departments and the country that the release and the situational
# analysis (months, quarters, the year, years to date) show, then solves
# the period equations exactly (rationals): no suppressed month may come
# out. When each month was protected alone and the release's year alone,
# San Salvador's year 2023 (112) less its eleven months of 10 gave the 2 of
# February; now a unit hidden in one month of a year is hidden in all of
# them (http/situation.c, ob_http_mask_hidden). The release and the
# situational analysis give one number for the year, and the release still
# publishes San Salvador's 112.
export LC_ALL=C.UTF-8
expect_status 0 "$OBSERVA" init "$T/obs"
O="$T/obs"
fx_source "$O"
awk 'BEGIN {
	print "Id;Fecha;Municipio;Departamento;Delito";
	for (m = 1; m <= 12; m++) {
		ss = m == 2 ? 2 : 10;
		for (i = 1; i <= ss; i++)
			printf "ss%d-%d;%02d/%02d/2023;San Salvador;San Salvador;Homicidio\n",
				m, i, i % 28 + 1, m;
		sa = m == 2 ? 3 : 6;
		for (i = 1; i <= sa; i++)
			printf "sa%d-%d;%02d/%02d/2023;Santa Ana;Santa Ana;Homicidio\n",
				m, i, i % 28 + 1, m;
	}
}' >"$T/fx-2023.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period 2023 "$T/fx-2023.csv"
expect_status 0 "$OBSERVA" publish -d "$O" --year 2023
R="$O/releases/v1"
[ -f "$R/indicators.csv" ] || fail "no release"
start_server "$O" --query-rate 0

python3 - "$B" "$R" <<'PY' || fail "differencing across periods"
import csv, json, sys, urllib.parse, urllib.request
from fractions import Fraction

base, rel = sys.argv[1], sys.argv[2]
IND = "homicide_rate"
UNITS = ("SLV", "SLV06", "SLV02")
truth = {"SLV06": [2 if m == 2 else 10 for m in range(1, 13)],
         "SLV02": [3 if m == 2 else 6 for m in range(1, 13)]}
truth["SLV"] = [a + b for a, b in zip(truth["SLV06"], truth["SLV02"])]
problems = []

# what is known: (unit, first month, last month) -> count, 1-based months
known = {}
def learn(u, a, b, v, where):
    if v is None:
        return
    v = Fraction(v).limit_denominator(1)
    if known.get((u, a, b), v) != v:
        problems.append("%s %d..%d: %s and %s (%s)" % (u, a, b, known[(u, a, b)], v, where))
    known[(u, a, b)] = v

for r in csv.DictReader(open(rel + "/indicators.csv", encoding="utf-8")):
    if r["indicator"] == IND and r["territory"] in UNITS and r["year"] == "2023" and \
            r["sex"] == "T" and r["count"] != "":
        learn(r["territory"], 1, 12, r["count"], "release")
release_year = dict((u, known.get((u, 1, 12))) for u in UNITS)

def ask(**q):
    url = base + "/api/v1/situation?" + urllib.parse.urlencode(q)
    with urllib.request.urlopen(url) as r:
        return json.loads(r.read())["data"]

def span(per):
    """months (first, last) of a period label of 2023, or None."""
    if per.startswith("2023-01-01.."):          # year to date
        return 1, int(per[17:19])
    if per.startswith("2023-Q"):
        q = int(per[6])
        return 3 * q - 2, 3 * q
    if per == "2023":
        return 1, 12
    if len(per) == 7 and per.startswith("2023-"):
        return int(per[5:]), int(per[5:])
    return None

periods = ["2023-%02d" % m for m in range(1, 13)] + ["2023-Q%d" % q for q in range(1, 5)] + ["2023"]
for u in UNITS:
    for per in periods:
        for row in ask(territory=u, period=per, indicator=IND, top=100):
            if row["indicator"] != IND or row["territory"] not in UNITS:
                continue
            for side, p in (("count", row["period"]), ("baseline_count", row["baseline"])):
                s = span(p)
                if s:
                    learn(row["territory"], s[0], s[1], row[side], "%s %s" % (u, per))

# the months the API suppresses
hidden = {(u, m) for u in UNITS for m in range(1, 13) if (u, m, m) not in known}
if ("SLV06", 2) not in hidden or ("SLV02", 2) not in hidden:
    problems.append("a month below the threshold shown: %s" % sorted(known))
# one number: the year of the release is the situation's
for u in UNITS:
    if release_year[u] is not None and known[(u, 1, 12)] != release_year[u]:
        problems.append("%s 2023: release %s, situation %s" % (u, release_year[u], known[(u, 1, 12)]))
# the year is not suppressed for its months' sake: San Salvador 2023 (112)
if release_year["SLV06"] != 112:
    problems.append("San Salvador 2023 (112) not in the release: %s" % release_year["SLV06"])

# the attacker: each known span is an equation over the 12 months of its
# unit; the hierarchy too (the country = the two departments, the rest of
# the country counting none, which the attacker may guess); solve exactly
def solve(eqs, unknown):
    idx = {k: i for i, k in enumerate(unknown)}
    n = len(unknown)
    m = []
    for terms, rhs in eqs:
        row = [Fraction(0)] * (n + 1)
        row[n] = Fraction(rhs)
        for k, c in terms:
            row[idx[k]] += c
        if any(row[:n]):
            m.append(row)
    rank, piv = 0, []
    for c in range(n):
        p = next((r for r in range(rank, len(m)) if m[r][c] != 0), None)
        if p is None:
            continue
        m[rank], m[p] = m[p], m[rank]
        pv = m[rank][c]
        m[rank] = [x / pv for x in m[rank]]
        for r in range(len(m)):
            if r != rank and m[r][c] != 0:
                f = m[r][c]
                m[r] = [a - f * b for a, b in zip(m[r], m[rank])]
        piv.append(c)
        rank += 1
    out = {}
    for r, c in enumerate(piv):
        if all(m[r][j] == 0 for j in range(n) if j != c):
            out[unknown[c]] = m[r][n]
    return out

unknown = sorted(hidden)
eqs = []
for (u, a, b), v in known.items():
    terms, rhs = [], v
    for mo in range(a, b + 1):
        if (u, mo) in hidden:
            terms.append(((u, mo), 1))
        else:
            rhs -= known[(u, mo, mo)]
    if terms:
        eqs.append((terms, rhs))
for mo in range(1, 13):
    terms, rhs = [], Fraction(0)
    for u, c in (("SLV", 1), ("SLV06", -1), ("SLV02", -1)):
        if (u, mo) in hidden:
            terms.append(((u, mo), c))
        else:
            rhs -= c * known[(u, mo, mo)]
    if terms:
        eqs.append((terms, rhs))
for (u, mo), v in sorted(solve(eqs, unknown).items()):
    problems.append("%s 2023-%02d recovered: %s (truth %s)" % (u, mo, v, truth[u][mo - 1]))

for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
kill -TERM "$PID"
wait "$PID" 2>/dev/null || true
