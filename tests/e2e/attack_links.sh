# attack_links.sh - an outsider recovers the counts a release suppresses by
# differencing across indicators linked by an exact equation that a reader
# writes from the catalogue's definitions (docs/disclosure.md):
#   - homicide_under30_share counts the victims of 0 to 29 years, exactly
#     homicide_rate_0_17 plus homicide_rate_18_29, in every sex column;
#   - violent_deaths_women_rate is the F column of the homicide and the
#     undetermined manners;
#   - the sexes make up each indicator's total, and homicide_rate_women is
#     homicide_rate's F column.
# Per territory and year, repeated subtraction and then exact linear algebra
# (rationals) over those equations, the suppressed cells the unknowns; the
# attack checks first that the equations hold where every count is shown.
# A share whose denominator is suppressed is withheld whole (a share tells
# its denominator), whatever its count: recovering it is a leak only when
# the count is below the threshold.
# Before the release protected linked indicators together (one system per
# country and year, publish/sdc.h) this found 419 cells of "observa demo"'s
# release for 2024 (homicide_rate_0_17 of Belize 2024, 7 victims under 18:
# under-30s 33 less 18-29s 26); it must find none.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.03 2024
R="$T/obs/releases/v1"
[ -f "$R/indicators.csv" ] || fail "no release"
python3 - "$R" "$(dirname "$0")" >"$T/attack" <<'PY' || { cat "$T/attack"; fail "a suppressed count recovered across linked indicators"; }
# the attacker, given the release folder
import csv, sys
from fractions import Fraction
sys.path.insert(0, sys.argv[2])
from exact import determined

rows = list(csv.DictReader(open(sys.argv[1] + "/indicators.csv", encoding="utf-8")))
cell = {}   # (indicator, territory, year, sex) -> count or None (unknown)
status = {}
for r in rows:
    k = (r["indicator"], r["territory"], r["year"], r["sex"])
    cell[k] = int(r["count"]) if r["count"] != "" else None
    status[k] = r["status"]
places = sorted({(k[1], k[2]) for k in cell})
SEXES = "TFMU"

def equations(t, y):
    """total - sum(parts) = 0, as lists of (key, coef), where every key exists."""
    out = []
    def eq(total, parts):
        keys = [total] + parts
        if all(k in cell for k in keys):
            out.append([(total, 1)] + [(p, -1) for p in parts])
    inds = {k[0] for k in cell if k[1] == t and k[2] == y}
    for i in inds:   # the sexes make up the total
        eq((i, t, y, "T"), [(i, t, y, s) for s in "FMU"])
    for s in SEXES:  # under 30 = 0-17 + 18-29, in every sex column
        eq(("homicide_under30_share", t, y, s),
           [("homicide_rate_0_17", t, y, s), ("homicide_rate_18_29", t, y, s)])
    # one sex of another indicator: the same count
    eq(("homicide_rate_women", t, y, "T"), [("homicide_rate", t, y, "F")])
    eq(("homicide_rate_men", t, y, "T"), [("homicide_rate", t, y, "M")])
    # women's violent deaths: homicide and undetermined manners, women
    eq(("violent_deaths_women_rate", t, y, "T"),
       [("violent_deaths_homicide_rate", t, y, "F"),
        ("violent_deaths_undetermined_rate", t, y, "F")])
    return out

def rref_determined(eqs, unknown):
    """The unknown cells the equations determine, with their values."""
    idx = set(unknown)
    system = []
    for e in eqs:
        terms = [(k, c) for k, c in e if k in idx]
        if terms:
            system.append((terms, -sum(c * cell[k] for k, c in e if k not in idx)))
    return list(determined(system, unknown).items())

SHARES = ("homicide_firearm_share", "homicide_under30_share", "homicide_night_share",
          "homicide_dwelling_share")
def sensitive(k, v):
    """A share whose denominator (homicide_rate, same cell) is suppressed is
    withheld whole, since a share tells its denominator: its count may be
    large or 0 and is then no disclosure; it is one when small."""
    withheld = k[0] in SHARES and status.get(("homicide_rate",) + k[1:]) == "C"
    strict = k[0] in ("homicide_rate_0_17", "sexual_violence_rate", "rape_rate")
    return not withheld or 0 < v < (10 if strict else 5)

leaks = []
n_eq = 0
for t, y in places:
    eqs = equations(t, y)
    n_eq += len(eqs)
    # the equations are true: where every count is published they add up
    for e in eqs:
        if all(cell[k] is not None for k, c in e) and sum(c * cell[k] for k, c in e) != 0:
            print("not an equation: %s" % e)
            sys.exit(2)
    # subtraction, repeated
    known = {k: v for k, v in cell.items() if k[1] == t and k[2] == y and v is not None}
    changed = True
    while changed:
        changed = False
        for e in eqs:
            unk = [(k, c) for k, c in e if k not in known]
            if len(unk) != 1:
                continue
            k, c = unk[0]
            v = -sum(cc * known[kk] for kk, cc in e if kk in known) // c
            known[k] = v
            changed = True
            if status.get(k) == "C" and sensitive(k, v):
                leaks.append("subtraction: %s = %d" % ("/".join(k), v))
    unknown = sorted({k for e in eqs for k, c in e if cell[k] is None})
    if any(status[k] == "C" for k in unknown):
        for k, v in rref_determined(eqs, unknown):
            if status[k] == "C" and sensitive(k, v):
                leaks.append("algebra: %s = %s" % ("/".join(k), v))
print("%d places, %d equations, %d suppressed cells" %
      (len(places), n_eq, sum(1 for v in status.values() if v == "C")))
for l in sorted(set(leaks))[:200]:
    print(l)
print("recovered: %d" % len(set(l.split(":")[1].split(" =")[0] for l in leaks)))
sys.exit(1 if leaks else 0)
PY
grep -q "^recovered: 0$" "$T/attack" || fail "the attack did not run"
# the attack had something to work on
awk '/places/ && $1 > 100 && $3 > 100 && $5 > 100 { ok = 1 } END { exit !ok }' "$T/attack" ||
	fail "too few equations or suppressed cells to attack: $(head -n 1 "$T/attack")"
