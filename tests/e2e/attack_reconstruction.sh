# attack_reconstruction.sh - an outsider with no account tries to list the
# victims of municipalities with two forensic homicide records in a year
# (their sex, weapon, age, date, hour) from the public analyser of a small
# demo. Under the default rules every question that would tell one
# victim's attributes together (two attributes with a municipality, an exact
# date, an age in years, an hour) is refused naming its rule, and no
# victim is listed; the one-attribute questions that remain give perturbed
# counts. With the rules loosened (disclosure.ini), the same attacker lists
# victims: the rules are what stops it.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.05
O="$T/obs"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin2,year \
	--where "iccs=0101 institution=forensic" --format csv
cp "$T/out" "$T/units.csv"
# the year with most municipalities of two records
Y=$(awk -F, 'NR > 1 && $1 != "Total" && $2 != "Total" && $3 == 2 { n[$2]++ }
	END { for (y in n) if (n[y] > best) { best = n[y]; by = y } print by }' "$T/units.csv")
[ -n "$Y" ] || fail "no municipality with two records"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin2,sex,mechanism,age_group \
	--where "year=$Y iccs=0101 institution=forensic" --format csv
cp "$T/out" "$T/tuples.csv"
# without the per-address rate limit: the protection must hold however many
# questions an attacker asks
start_server "$O" --threads 2 --query-rate 0

python3 - "$B" "$Y" "$T/units.csv" "$T/tuples.csv" "$O/catalog/disclosure.ini" <<'PY' || fail "reconstruction"
import csv, json, sys, urllib.error, urllib.parse, urllib.request

base, year, units_csv, tuples_csv, ini = sys.argv[1:6]

def ask(params):
    url = base + "/api/v1/analyze?" + urllib.parse.urlencode(params)
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())

targets = [r["admin2"] for r in csv.DictReader(open(units_csv))
           if r["year"] == year and r["admin2"] not in ("Total", "unknown") and r["count"] == "2"]
targets = targets[:30]
if len(targets) < 10:
    sys.exit("only %d municipalities of two records in %s" % (len(targets), year))
truth = {}
for r in csv.DictReader(open(tuples_csv)):
    if "Total" in (r["admin2"], r["sex"], r["mechanism"], r["age_group"]):
        continue
    if r["admin2"] in targets and int(r["count"]) > 0:
        truth.setdefault(r["admin2"], set()).add((r["sex"], r["mechanism"], r["age_group"]))

def listing(x):
    """The attacker's listing of x's victims: the (sex, weapon, age group) cells
    with a published value other than 0, or None when refused."""
    status, a = ask({"rows": "sex,mechanism,age_group",
                     "where": "territory=%s year=%s iccs=0101 institution=forensic" % (x, year)})
    if status != 200:
        assert status == 400 and a["error"]["code"] == "disclosure_rule", (status, a)
        return None
    return {(c["sex"], c["mechanism"], c["age_group"]) for c in a["cells"]
            if "Total" not in (c["sex"], c["mechanism"], c["age_group"]) and c["count"] != 0}

where = "territory=%s year=%s iccs=0101 institution=forensic"
refused = {}
listed = 0
for x in targets:
    w = where % (x, year)
    questions = [
        ({"rows": "sex,mechanism,age_group", "where": w}, "small_area_attributes"),
        ({"rows": "sex", "where": w + " mechanism=firearm"}, "small_area_attributes"),
        ({"rows": "month", "where": w + " sex=M"}, "small_area_attributes"),
        ({"where": "territory=%s date=%s-03-05..%s-03-05 iccs=0101" % (x, year, year)},
         "dates = month"),
        ({"where": w + " age=30"}, "age = groups"),
        ({"rows": "age", "where": w}, "age = groups"),
        ({"rows": "hour", "where": w}, "hour_small_areas"),
        ({"where": w + " hour=23"}, "hour_small_areas"),
    ]
    for params, rule in questions:
        status, a = ask(params)
        assert status == 400, (params, status, a)
        assert a["error"]["code"] == "disclosure_rule", a
        assert rule in a["error"]["message"], (rule, a["error"]["message"])
        # each language its own reason
        en = a["error"]["message_en"]
        assert "public question refused by rule" in en and "ó" not in en and \
            " la " not in en and " de " not in en, en
        refused[rule] = refused.get(rule, 0) + 1
    l = listing(x)
    assert l is None
    # one attribute at a time is answered, perturbed: no joint attributes
    for dim in ("sex", "mechanism", "age_group", "month"):
        status, a = ask({"rows": dim, "where": w})
        assert status == 200, (dim, a)
        assert a["protection"] == "cell_key"
        assert all(c["status"] in ("perturbed", "suppressed") for c in a["cells"])
print("defaults: %d municipalities, questions refused by rule %s, no victim listed"
      % (len(targets), refused))

# the same attacker with the rules loosened lists victims
open(ini, "w").write("[public]\nsmall_area_attributes = 3\nage = years\ndates = day\n"
                     "hour_small_areas = yes\n")
for x in targets:
    l = listing(x)
    assert l is not None
    listed += len(l & truth.get(x, set()))
print("rules loosened: %d victims' (sex, weapon, age group) listed" % listed)
assert listed > 0, "the loosened rules should let the attack through"
PY
rm -f "$O/catalog/disclosure.ini"
