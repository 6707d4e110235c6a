# attack_index.sh - an outsider with no account fits the per-unit numbers of
# the public index (GET /api/v1/index) against the raw rates to recover
# municipal homicide, extortion and robbery counts, as the contributions
# the route used to publish allowed (a straight line of the rates: with the
# public populations, the counts exactly). The same fit on the steward's
# full run ("observa index --stages": its contributions) recovers the counts;
# on the public answer, whose numbers are ranks and levels from perturbed
# counts, it does about as well as guessing every unit the most common count
# (never better by more than a tenth of the units).
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.05
O="$T/obs"
Y=2016
expect_status 0 "$OBSERVA" index -d "$O" --preset sv-municipal --year $Y --format csv \
	--stages --runs 0
cp "$T/out" "$T/full.csv"
sql "$O" "SELECT territory, population FROM population WHERE year = $Y AND sex = 'T'" \
	>"$T/pop.txt"
# without the per-address rate limit: the protection must hold however many
# questions an attacker asks
start_server "$O" --threads 2 --query-rate 0
curl -sf -o "$T/public.csv" "$B/api/v1/index?preset=sv-municipal&year=$Y&format=csv" ||
	fail "GET /api/v1/index"
curl -sf -o "$T/public.json" "$B/api/v1/index?preset=sv-municipal&year=$Y" ||
	fail "GET /api/v1/index (JSON)"

python3 - "$T/full.csv" "$T/public.csv" "$T/public.json" "$T/pop.txt" <<'PY' || fail "index attack"
import csv, json, sys

full_csv, public_csv, public_json, pop_txt = sys.argv[1:5]
pop = {}
for line in open(pop_txt):
    code, p = line.strip().split("|")
    pop[code] = float(p)
full = {r["unit"]: r for r in csv.DictReader(open(full_csv))}
public = list(csv.DictReader(open(public_csv)))
cols = public[0].keys()

# nothing rate-like in the public answer
for bad in ("score", "contrib_", "raw_", "norm_", "dim_", "reference", "rank_median", "p_"):
    assert not any(c.startswith(bad) for c in cols), (bad, list(cols))
doc = json.load(open(public_json))
for bad in ("breaks", "mean_score"):
    assert bad not in doc, bad
for u in doc["units"]:
    for bad in ("score", "drivers", "reference", "normalised", "dimensions", "p_level"):
        assert bad not in u, bad
numeric = [c for c in cols if c in ("rank", "rank_low", "rank_high", "level", "top")]
assert numeric == ["rank", "rank_low", "rank_high", "level", "top"], numeric

def solve(a, b):
    """Least squares by the normal equations (Gaussian elimination)."""
    n = len(a[0])
    m = [[sum(r[i] * r[j] for r in a) for j in range(n)] + [sum(r[i] * y for r, y in zip(a, b))]
         for i in range(n)]
    for i in range(n):
        p = max(range(i, n), key=lambda k: abs(m[k][i]))
        m[i], m[p] = m[p], m[i]
        if abs(m[i][i]) < 1e-12:
            continue
        for k in range(n):
            if k != i:
                f = m[k][i] / m[i][i]
                m[k] = [x - f * y for x, y in zip(m[k], m[i])]
    return [m[i][n] / m[i][i] if abs(m[i][i]) >= 1e-12 else 0 for i in range(n)]

def recovered(rows, features, ind):
    """Units whose count the fit of raw_<ind> on the features gives exactly,
    among those with a count of 1 or more; and how many those are."""
    xs, ys, counts, pops = [], [], [], []
    for r in rows:
        u = r["unit"]
        raw = full[u]["raw_" + ind]
        if raw == "" or u not in pop:
            continue
        xs.append([1.0] + [float(r[f]) for f in features])
        ys.append(float(raw))
        counts.append(round(float(raw) * pop[u] / 1e5))
        pops.append(pop[u])
    beta = solve(xs, ys)
    hit = n = 0
    for x, c, p in zip(xs, counts, pops):
        if c < 1:
            continue
        n += 1
        pred = sum(b * v for b, v in zip(beta, x))
        hit += round(pred * p / 1e5) == c
    # the guess that needs no index: every unit the most common count
    common = max(set(c for c in counts if c >= 1), key=[c for c in counts if c >= 1].count)
    return hit, n, sum(1 for c in counts if c == common)

for ind in ("homicidios", "extorsiones", "robos"):
    if "contrib_" + ind not in next(iter(full.values())):
        sys.exit("the full run has no contrib_" + ind)
    hit, n, _ = recovered(full.values(), ["contrib_" + ind], ind)
    print("%s: the contributions give %d of %d counts" % (ind, hit, n))
    assert n >= 10 and hit >= 0.95 * n, (ind, hit, n)
    hit, n, guess = recovered(public, numeric, ind)
    print("%s: the public numbers give %d of %d counts; guessing the most common count, %d"
          % (ind, hit, n, guess))
    # ranks and levels are published on purpose and carry some information;
    # what they must not do is invert to the counts as the contributions
    # did: no better than the guess by more than a tenth of the units
    # (the record keys, hence the perturbation, differ from store to store)
    assert hit <= guess + 0.1 * n and hit < 0.6 * n, (ind, hit, guess, n)
PY
