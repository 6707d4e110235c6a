# attack_situation_links.sh - an outsider with no account recovers a monthly
# count that GET /api/v1/situation suppresses by differencing across
# indicators linked by an exact equation (docs/disclosure.md) and across the
# territorial tree, as attack_links.sh does on a release:
#   - homicide_under30_share counts the victims of 0 to 29 years, exactly
#     homicide_rate_0_17 plus homicide_rate_18_29, in every unit and month;
#   - a unit's count is its children's plus what it holds itself (unknown
#     to the attacker, but linked the same way).
# The observatory is hand-made (a forensic source in El Salvador with the
# victims' ages, 2023 whole and 2024 from January to June): every month 10
# victims of 20 and 10 of 40 years in San Salvador, 8 of 22 and 6 of 45 in
# Santa Ana, 6 of 25 and 5 of 50 in Chalchuapa, and in March 2024 two more
# of 15 years in San Salvador, below the threshold of the under-18s (10).
# The attacker asks the situation of the country and of every unit with
# children (a municipality is read from its department's ranking) for
# each of the three indicators, March 2024 and the year before, then solves
# the equations exactly (rationals): no suppressed count below its
# threshold may come out. Were the month's indicators protected one by
# one (each indicator's table alone), under-30s less 18-29s would give the
# 2 in the municipality, the department and the country: the attack then
# recovers those 3 cells.
export LC_ALL=C.UTF-8
init_obs "$T/obs"
O="$T/obs"
fx_source "$O"
sed -i 's/^category = Delito$/&\nvictim_age = Edad/' "$O/catalog/sources/sv-fx.ini"
# fx_file YEAR LAST_MONTH
fx_file() {
	awk -v y="$1" -v last="$2" 'function put(id, m, n, age, muni, dep,   i) {
		for (i = 1; i <= n; i++)
			printf "%d-%d-%s%d;%02d/%02d/%d;%s;%s;Homicidio;%d\n",
				y, m, id, i, i % 28 + 1, m, y, muni, dep, age;
	}
	BEGIN {
		print "Id;Fecha;Municipio;Departamento;Delito;Edad";
		for (m = 1; m <= last; m++) {
			put("ssy", m, 10, 20, "San Salvador", "San Salvador");
			put("sso", m, 10, 40, "San Salvador", "San Salvador");
			put("sac", m, y == 2024 && m == 3 ? 2 : 0, 15, "San Salvador", "San Salvador");
			put("say", m, 8, 22, "Santa Ana", "Santa Ana");
			put("sao", m, 6, 45, "Santa Ana", "Santa Ana");
			put("chy", m, 6, 25, "Chalchuapa", "Santa Ana");
			put("cho", m, 5, 50, "Chalchuapa", "Santa Ana");
		}
	}'
}
fx_file 2023 12 >"$T/fx-2023.csv"
fx_file 2024 6 >"$T/fx-2024.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period 2023 "$T/fx-2023.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period 2024-01..2024-06 "$T/fx-2024.csv"
# the territorial tree of March 2024, public (the territory list):
# code|parent (El Salvador's 262 municipalities until 30 April 2024)
sql "$O" "SELECT code, coalesce(parent, '') FROM territory WHERE country = 'SLV'
	AND coalesce(valid_from, '') <= '2024-03-01' AND coalesce(valid_to, '9999') >= '2024-03-31'
	ORDER BY level, code" >"$T/tree"
[ "$(grep -c . "$T/tree")" -eq 277 ] || fail "no territorial tree: $(head -n 3 "$T/tree")"
# without the per-address rate limit: the protection must hold however many
# questions an attacker asks
start_server "$O" --query-rate 0

python3 - "$B" SLV 2024-03 "$T/tree" >"$T/attack" <<'PY' || { cat "$T/attack"; fail "a suppressed count of the situation recovered across linked indicators"; }
# the attacker, given the server's address, a country, months and the tree
import json, sys, urllib.error, urllib.parse, urllib.request
from fractions import Fraction

base, country, months = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
LINK = ("homicide_under30_share", "homicide_rate_0_17", "homicide_rate_18_29")

def ask(**q):
    url = base + "/api/v1/situation?" + urllib.parse.urlencode(q)
    try:
        with urllib.request.urlopen(url) as r:
            return json.loads(r.read())["data"]
    except urllib.error.HTTPError as e:
        print("%s: %s %s" % (url, e.code, e.read()[:300]))
        sys.exit(2)

def label(m, back):
    y, mm = int(m[:4]), int(m[5:])
    i = y * 12 + mm - 1 - 12 * back
    return "%04d-%02d" % (i // 12, i % 12 + 1)

# the territorial tree: every unit of the country, and its parent
kids = {}
units = []
for line in open(sys.argv[4], encoding="utf-8"):
    code, parent = (line.rstrip("\n").split("|") + [""])[:2]
    units.append(code)
    if parent:
        kids.setdefault(parent, set()).add(code)
n_asked = n_supp = 0
found = []
for m in months:
    cell = {}      # (indicator, unit, month) -> count shown, or None (hidden)
    for u in units:
        if u not in kids:
            continue   # a unit without children is asked about through its parent
        for ind in LINK:
            for row in ask(territory=u, period=m, indicator=ind, top=1000):
                if row["comparison"] != "year_earlier" or row["indicator"] not in LINK:
                    continue
                if row["section"] == "unit" and row["indicator"] != ind:
                    continue
                t = row["territory"]
                for side, per in (("count", row["period"]), ("baseline_count", row["baseline"])):
                    v = row[side]
                    k = (row["indicator"], t, per)
                    if v is None:
                        cell.setdefault(k, None)
                    else:
                        if cell.get(k) is not None and cell[k] != Fraction(v).limit_denominator(1000):
                            print("two answers for %s: %s, %s" % (k, cell[k], v))
                            sys.exit(2)
                        cell[k] = Fraction(v).limit_denominator(1000)
            n_asked += 1
    pers = (m, label(m, 1))
    eqs = []
    for p, ch in kids.items():
        for per in pers:
            for ind in LINK:
                # parent = children + what the parent holds itself (unknown)
                eqs.append([((ind, p, per), 1), (("rest:" + ind, p, per), -1)] +
                           [((ind, c, per), -1) for c in sorted(ch)])
            # the link holds in the rest too
            eqs.append([(("rest:" + LINK[0], p, per), 1), (("rest:" + LINK[1], p, per), -1),
                        (("rest:" + LINK[2], p, per), -1)])
    for u in units:
        for per in pers:
            if all((i, u, per) not in cell for i in LINK):
                continue
            eqs.append([((LINK[0], u, per), 1), ((LINK[1], u, per), -1), ((LINK[2], u, per), -1)])
    known = {k: v for k, v in cell.items() if v is not None}
    for k in sorted(cell):
        if cell[k] is None:
            print("hidden: %s %s %s" % k)
        else:
            print("shown: %s %s %s %s" % (k + (cell[k],)))
    n_supp += sum(1 for v in cell.values() if v is None)
    # the equations hold where everything is shown
    for e in eqs:
        if all(k in known for k, c in e) and sum(c * known[k] for k, c in e) != 0:
            print("not an equation: %s" % e)
            sys.exit(2)
    # exact elimination over the unknowns (sparse rows)
    rows = []
    for e in eqs:
        r, const = {}, Fraction(0)
        for k, c in e:
            if k in known:
                const -= c * known[k]
            else:
                r[k] = r.get(k, Fraction(0)) + c
        r = {k: c for k, c in r.items() if c != 0}
        if r:
            rows.append((r, const))
    piv = []   # (key, row, const), reduced
    for r, const in rows:
        r = dict(r)
        for k, pr, pc in piv:
            if k in r:
                f = r[k]
                for kk, cc in pr.items():
                    r[kk] = r.get(kk, 0) - f * cc
                    if r[kk] == 0:
                        del r[kk]
                const -= f * pc
        if not r:
            continue
        k = min(r, key=str)
        f = Fraction(r[k])
        r = {kk: cc / f for kk, cc in r.items()}
        const /= f
        for i, (k2, pr, pc) in enumerate(piv):
            if k in pr:
                g = pr[k]
                for kk, cc in r.items():
                    pr[kk] = pr.get(kk, 0) - g * cc
                    if pr[kk] == 0:
                        del pr[kk]
                piv[i] = (k2, pr, pc - g * const)
        piv.append((k, r, const))
    for k, r, const in piv:
        if len(r) == 1 and not k[0].startswith("rest:") and k not in known:
            v = const
            thr = 10 if k[0] == "homicide_rate_0_17" else 5
            if 0 < v < thr:
                print("recovered %s %s %s = %s" % (k[0], k[1], k[2], v))
                found.append(k)
    print("%s %s: %d cells, %d hidden, %d equations" % (country, m, len(cell),
          sum(1 for v in cell.values() if v is None), len(eqs)))
print("questions: %d hidden: %d" % (n_asked, n_supp))
print("recovered: %d" % len(set(found)))
sys.exit(1 if found else 0)
PY
grep -q "^recovered: 0$" "$T/attack" || { cat "$T/attack"; fail "the attack did not run"; }
# the attack had something to work on: the 2 under-18s of San Salvador are
# hidden, and its 12 under-30s of the month shown (then its 18-29s may not be)
grep -q "^hidden: homicide_rate_0_17 SLV06 2024-03$" "$T/attack" ||
	{ cat "$T/attack"; fail "the under-18s of San Salvador in March 2024 are not hidden"; }
awk '/^questions:/ && $2 >= 30 && $4 > 0 { ok = 1 } END { exit !ok }' "$T/attack" ||
	fail "too few questions or hidden cells to attack: $(tail -n 2 "$T/attack")"
grep -q "^shown: homicide_under30_share SLV06 2024-03 12$" "$T/attack" ||
	{ cat "$T/attack"; fail "the under-30s of San Salvador in March 2024 are not shown"; }
kill -TERM "$PID"
wait "$PID" 2>/dev/null || true
