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
# February. Now each month, quarter and year is protected as its own table
# and a unit hidden in one month is hidden in every month of its quarter
# (http/situation.c). The periods must not be over-suppressed either: a
# quarter whose own count is not small is shown though one of its months
# is hidden (San Salvador's first quarter: 22), and the release and the
# situational analysis give one number for the year (San Salvador's 112).
#
# 2022 plays the release's secondary suppression against the months:
# Chalatenango had 3 homicides (all in March), La Libertad 10 a month and
# Sonsonate 5 in March and 20 in the other months. The release hides
# Chalatenango's year and, as its partner, La Libertad's (120, the
# smaller); March's table hides Chalatenango with Sonsonate (5, the
# smaller that month). Were La Libertad's twelve months shown, they would
# give its year, and the country's 348 less 120 and Sonsonate's 225 the 3
# of Chalatenango: what a year's table hides, its quarters and months must
# hide too. A month, quarter or year is a leak when its count is small or
# the release suppresses it; a count hidden only to protect another may
# be worked out.
export LC_ALL=C.UTF-8
init_obs "$T/obs"
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
awk 'BEGIN {
	print "Id;Fecha;Municipio;Departamento;Delito";
	for (m = 1; m <= 12; m++) {
		for (i = 1; i <= 10; i++)
			printf "ll%d-%d;%02d/%02d/2022;Santa Tecla;La Libertad;Homicidio\n",
				m, i, i % 28 + 1, m;
		sa = m == 3 ? 5 : 20;
		for (i = 1; i <= sa; i++)
			printf "so%d-%d;%02d/%02d/2022;Sonsonate;Sonsonate;Homicidio\n",
				m, i, i % 28 + 1, m;
		for (i = 1; m == 3 && i <= 3; i++)
			printf "ch%d-%d;%02d/%02d/2022;Chalatenango;Chalatenango;Homicidio\n",
				m, i, i % 28 + 1, m;
	}
}' >"$T/fx-2022.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period 2022 "$T/fx-2022.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period 2023 "$T/fx-2023.csv"
expect_status 0 "$OBSERVA" publish -d "$O" --year 2022..2023
R="$O/releases/v1"
[ -f "$R/indicators.csv" ] || fail "no release"
start_server "$O" --query-rate 0

python3 - "$B" "$R" "$(dirname "$0")" <<'PY' || fail "differencing across periods"
import csv, json, sys, urllib.parse, urllib.request
from fractions import Fraction

base, rel = sys.argv[1], sys.argv[2]
sys.path.insert(0, sys.argv[3])
from exact import determined
IND = "homicide_rate"
problems = []
release = list(csv.DictReader(open(rel + "/indicators.csv", encoding="utf-8")))

def ask(**q):
    url = base + "/api/v1/situation?" + urllib.parse.urlencode(q)
    with urllib.request.urlopen(url) as r:
        return json.loads(r.read())["data"]

def attack(year, country, depts, truth):
    """collect what the release and the situation show of year, then solve"""
    units = (country,) + depts
    y = str(year)
    known = {}          # (unit, first month, last month) -> count, 1-based
    def learn(u, a, b, v, where):
        if v is None:
            return
        v = Fraction(v).limit_denominator(1)
        if known.get((u, a, b), v) != v:
            problems.append("%s %s %d..%d: %s and %s (%s)" % (u, y, a, b, known[(u, a, b)], v, where))
        known[(u, a, b)] = v
    for r in release:
        if r["indicator"] == IND and r["territory"] in units and r["year"] == y and \
                r["sex"] == "T" and r["count"] != "":
            learn(r["territory"], 1, 12, r["count"], "release")
    release_year = dict((u, known.get((u, 1, 12))) for u in units)
    def span(per):
        """months (first, last) of a period label of the year, or None."""
        if per.startswith(y + "-01-01.."):          # year to date
            return 1, int(per[17:19])
        if per.startswith(y + "-Q"):
            q = int(per[6])
            return 3 * q - 2, 3 * q
        if per == y:
            return 1, 12
        if len(per) == 7 and per.startswith(y + "-"):
            return int(per[5:]), int(per[5:])
        return None
    shown = {}
    periods = ["%s-%02d" % (y, m) for m in range(1, 13)] + ["%s-Q%d" % (y, q) for q in range(1, 5)] + [y]
    for u in units:
        for per in periods:
            for row in ask(territory=u, period=per, indicator=IND, top=100):
                if row["indicator"] != IND or row["territory"] not in units:
                    continue
                for side, p in (("count", row["period"]), ("baseline_count", row["baseline"])):
                    s = span(p)
                    if s:
                        learn(row["territory"], s[0], s[1], row[side], "%s %s" % (u, per))
                if row["period"] == per:
                    shown[(row["territory"], per)] = row["count"]
    # one number: the year of the release is the situation's
    for u in units:
        if release_year[u] is not None and known[(u, 1, 12)] != release_year[u]:
            problems.append("%s %s: release %s, situation %s" % (u, y, release_year[u], known[(u, 1, 12)]))
    # the attacker: each known span is an equation over the 12 months of its
    # unit, and each year a release hides an unknown of its own; the
    # country is the sum of the departments (the rest counting none, which
    # the attacker may guess); solve exactly
    hidden = sorted((u, m) for u in units for m in range(1, 13) if (u, m, m) not in known)
    years = sorted((u, "year") for u in units if release_year[u] is None)
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
    for u, _ in years:
        terms, rhs = [((u, "year"), 1)], Fraction(0)
        for mo in range(1, 13):
            if (u, mo) in hidden:
                terms.append(((u, mo), -1))
            else:
                rhs += known[(u, mo, mo)]
        eqs.append((terms, rhs))
    for mo in list(range(1, 13)) + ["year"]:
        terms, rhs = [], Fraction(0)
        for u, c in [(country, 1)] + [(d, -1) for d in depts]:
            if (u, mo) in hidden or (u, mo) in years:
                terms.append(((u, mo), c))
            elif mo == "year":
                rhs -= c * release_year[u]
            else:
                rhs -= c * known[(u, mo, mo)]
        if terms:
            eqs.append((terms, rhs))
    for (u, mo), v in sorted(determined(eqs, hidden + years).items(), key=str):
        t = sum(truth[u]) if mo == "year" else truth[u][mo - 1]
        if mo == "year" or 0 < t < 5:
            problems.append("%s %s-%s recovered: %s (truth %s)" % (u, y, mo, v, t))
    return hidden, release_year, shown

# 2023: San Salvador 10 a month but 2 in February, Santa Ana 6 but 3
t23 = {"SLV06": [2 if m == 2 else 10 for m in range(1, 13)],
       "SLV02": [3 if m == 2 else 6 for m in range(1, 13)]}
t23["SLV"] = [a + b for a, b in zip(t23["SLV06"], t23["SLV02"])]
hidden, release_year, shown = attack(2023, "SLV", ("SLV06", "SLV02"), t23)
if ("SLV06", 2) not in hidden or ("SLV02", 2) not in hidden:
    problems.append("a month below the threshold shown in 2023")
# not over-suppressed: San Salvador's first quarter (22) and year (112)
if shown.get(("SLV06", "2023-Q1")) != 22:
    problems.append("San Salvador 2023-Q1 (22 victims, one month of 2) not shown: %s" %
                    shown.get(("SLV06", "2023-Q1")))
if release_year["SLV06"] != 112:
    problems.append("San Salvador 2023 (112) not in the release: %s" % release_year["SLV06"])

# 2022: the release hides Chalatenango's 3 and, as its partner, La Libertad
t22 = {"SLV04": [3 if m == 3 else 0 for m in range(1, 13)],
       "SLV05": [10] * 12,
       "SLV03": [5 if m == 3 else 20 for m in range(1, 13)]}
t22["SLV"] = [a + b + c for a, b, c in zip(t22["SLV04"], t22["SLV05"], t22["SLV03"])]
hidden, release_year, shown = attack(2022, "SLV", ("SLV04", "SLV05", "SLV03"), t22)
if release_year["SLV04"] is not None or release_year["SLV05"] is not None:
    problems.append("the 2022 release does not hide Chalatenango and La Libertad as the "
                    "scenario needs: %s" % release_year)

for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
kill -TERM "$PID"
wait "$PID" 2>/dev/null || true
