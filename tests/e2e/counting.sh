# counting.sh - what every number counts, before and after a reconciliation
# of 2022 on a small demo: for every count indicator and level, children sum
# to their parent; the analyser with its defaults gives the indicators'
# numbers (homicides by country and year, by admin-1, by sex) with the same
# rule; the API gives an analyst the CLI's numbers and the public numbers
# within the cell-key perturbation, with the same rule; forensic medicine is counted before
# the reconciliation and the validated deaths after it, for 2022 only; the
# Honduras 2022 analyser rate is the indicator's; a release publishes the
# validated deaths, each institution's and their difference with the rule.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.02
O="$T/obs"
expect_status 0 "$OBSERVA" user add ana --role analyst -d "$O" --no-password
expect_status 0 "$OBSERVA" user token ana -d "$O"
TOKEN=$(cat "$T/out")
start_server "$O"

# check PHASE : every property over the observatory as it stands
check() {
	phase=$1
	for l in 0 1 2; do
		expect_status 0 "$OBSERVA" indicators -d "$O" --all --level "$l" --period 2015..2024 \
			--format csv
		cp "$T/out" "$T/ind$l.csv"
	done
	expect_status 0 "$OBSERVA" indicators -d "$O" --indicator homicide_rate --level 0 \
		--period 2022 --by sex --format csv
	cp "$T/out" "$T/ind_sex.csv"
	expect_status 0 "$OBSERVA" analyze -d "$O" --rows country --cols year --where "iccs=0101" \
		--format csv
	cp "$T/out" "$T/an_country.csv"
	expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin1 --cols year \
		--where "iccs=0101 country=HND" --format csv
	cp "$T/out" "$T/an_admin1.csv"
	expect_status 0 "$OBSERVA" analyze -d "$O" --rows country,sex \
		--where "iccs=0101 year=2022" --format csv
	cp "$T/out" "$T/an_sex.csv"
	expect_status 0 "$OBSERVA" analyze -d "$O" --rows country \
		--where "iccs=0101 year=2022 country=HND" --measure rate --format csv
	cp "$T/out" "$T/an_rate.csv"
	sql "$O" "SELECT s.country, s.institution, substr(r.occurred_on, 1, 4), count(*)
		FROM record r JOIN submission s ON s.id = r.submission
		WHERE s.superseded_by IS NULL AND r.category LIKE '0101%' GROUP BY 1, 2, 3" |
		tr '|' ',' >"$T/sql.csv"
	sql "$O" "SELECT code, coalesce(parent, '') FROM territory" | tr '|' ',' >"$T/parents.csv"
	# the API, as the public sees it (disclosure control on the cells)
	i=0
	while :; do
		code=$(curl -s -o "$T/api.csv" -w '%{http_code}' \
			"$B/api/v1/analyze?rows=country&cols=year&where=iccs%3D0101&format=csv")
		[ "$code" = 200 ] || fail "API analyze: status $code"
		code=$(curl -s -o "$T/api_analyst.csv" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
			"$B/api/v1/analyze?rows=country&cols=year&where=iccs%3D0101&format=csv")
		[ "$code" = 200 ] || fail "API analyze (analyst): status $code"
		# the server sees the store's changes within a second or two
		[ "$phase" = before ] || grep -q validated_deaths "$T/api.csv" || [ $i -ge 50 ] || {
			i=$((i + 1))
			sleep 0.2
			continue
		}
		break
	done
	python3 - "$T" "$phase" <<'PY' || fail "counting ($phase)"
import csv, collections, sys
T, phase = sys.argv[1], sys.argv[2]

def rows(name):
    return list(csv.DictReader(open(T + "/" + name, encoding="utf-8")))

parent = {r[0]: r[1] for r in csv.reader(open(T + "/parents.csv"))}
ind = {}
for l in (0, 1, 2):
    for r in rows("ind%d.csv" % l):
        ind[(r["indicator"], r["territory"], r["period"])] = r
assert len(ind) > 10000, len(ind)

# children sum to their parent, for every indicator, level and year
sums = collections.defaultdict(int)
for (i, t, p), r in ind.items():
    if parent.get(t) and r["count"] != "":
        sums[(i, parent[t], p)] += int(r["count"])
checked = 0
for k, s in sums.items():
    r = ind.get(k)
    if r is not None and r["count"] != "":
        assert int(r["count"]) == s, (k, r["count"], s)
        checked += 1
assert checked > 1000, checked
assert {k[0] for k in sums} >= {"homicide_rate", "robbery_rate", "violent_deaths_homicide_rate",
                                "homicide_firearm_share"}

# what homicide_rate counts, per country and year, against the store
sql = collections.defaultdict(int)
for c, inst, y, n in csv.reader(open(T + "/sql.csv")):
    sql[(c, inst, y)] = int(n)
countries = sorted({k[0] for k in sql})
assert len(countries) == 7, countries
for c in countries:
    for y in range(2015, 2025):
        r = ind[("homicide_rate", c, str(y))]
        validated = phase == "after" and y == 2022
        want_rule = "validated_deaths" if validated else "victims:forensic"
        assert r["counting_rule"] == want_rule, (c, y, r["counting_rule"])
        want = sql[(c, "validated" if validated else "forensic", str(y))]
        assert int(r["count"]) == want, (c, y, r["count"], want)
        # a share follows its denominator's rule
        assert ind[("homicide_firearm_share", c, str(y))]["counting_rule"] == want_rule
    # suicides are never validated deaths; the demo's forensic registers
    # state that they hold homicides and undetermined deaths only ([source]
    # manners): their suicides, and all violent deaths, are no data, not 0
    r = ind[("violent_deaths_suicide_rate", c, "2022")]
    assert r["counting_rule"] == "victims:forensic", (c, r["counting_rule"])
    for i in ("violent_deaths_suicide_rate", "violent_deaths_rate"):
        r = ind[(i, c, "2022")]
        assert r["count"] == "" and "no_data" in r["flags"], (i, c, r["count"], r["flags"])

# the analyser with its defaults: the indicators' numbers and rules
def analyser(name, key):
    out = {}
    for r in rows(name):
        out[key(r)] = r
    return out
an = analyser("an_country.csv", lambda r: (r["country"], r["year"]))
seen = 0
for c in countries:
    for y in range(2015, 2025):
        a, i = an.get((c, str(y))), ind[("homicide_rate", c, str(y))]
        assert a is not None, (c, y)
        assert a["count"] == i["count"], (c, y, a["count"], i["count"])
        assert a["counting_rule"] == i["counting_rule"], (c, y, a["counting_rule"])
        seen += 1
assert seen == 70
assert an[("Total", "Total")]["counting_rule"] == ("mixed" if phase == "after"
                                                  else "victims:forensic")
an = analyser("an_admin1.csv", lambda r: (r["admin1"], r["year"]))
seen = 0
for (i, t, p), r in ind.items():
    if i == "homicide_rate" and parent.get(t) == "HND" and r["count"] not in ("", "0"):
        a = an[(t, p)]
        assert a["count"] == r["count"] and a["counting_rule"] == r["counting_rule"], (t, p)
        seen += 1
assert seen > 20, seen
an = analyser("an_sex.csv", lambda r: (r["country"], r["sex"]))
seen = 0
for r in rows("ind_sex.csv"):
    if r["sex"] == "total":
        continue
    a = an.get((r["territory"], r["sex"]))
    assert (a["count"] if a else "0") == r["count"], (r["territory"], r["sex"])
    seen += 1
assert seen == 21, seen

# Honduras 2022: the analyser's rate is the indicator's
a = analyser("an_rate.csv", lambda r: r["country"])["HND"]
i = ind[("homicide_rate", "HND", "2022")]
assert a["count"] == i["count"] and a["population"] == i["denominator"], (a, i)
assert abs(float(a["rate"]) - float(i["value"])) < 1e-5 * float(i["value"]), (a, i)

# the API: an analyst gets the CLI's counts wherever cell suppression shows
# them; the public, the CLI's within the cell-key perturbation (at most 3)
cli = analyser("an_country.csv", lambda r: (r["country"], r["year"]))
for name, exact in (("api_analyst.csv", True), ("api.csv", False)):
    shown = 0
    for r in rows(name):
        c = cli[(r["country"], r["year"])]
        assert r["counting_rule"] == c["counting_rule"], (name, r, c)
        if r["flag"] != "C":
            d = abs(int(r["count"]) - int(c["count"]))
            assert d == 0 if exact else d <= 3, (name, r, c)
            shown += 1
    assert shown > 40, (name, shown)
PY
}

check before
# the analyser's --records sums every source, and says so
expect_status 0 "$OBSERVA" analyze -d "$O" --rows country --where "iccs=0101" --records \
	--format json
all=$(sql "$O" "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission
	WHERE s.superseded_by IS NULL AND r.category LIKE '0101%'")
jq -e --argjson n "$all" '.total == $n and .counts == "records" and
	.counting_rule == "records"' "$T/out" >/dev/null || fail "--records: not every record"

expect_status 0 "$OBSERVA" reconcile -d "$O" --period 2022 --quiet
[ "$(sql "$O" "SELECT count(DISTINCT country) FROM submission WHERE institution = 'validated'
	AND superseded_by IS NULL")" = 7 ] || fail "a validated source per country"
check after

# a release: the validated deaths, each institution's, the difference, the rule
expect_status 0 "$OBSERVA" publish -d "$O" --year 2022
R="$O/releases/v1"
val=$(sql "$O" "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission
	WHERE s.superseded_by IS NULL AND s.institution = 'validated' AND s.country = 'HND'
	AND r.occurred_on LIKE '2022%'")
python3 - "$R" "$T/ind0.csv" "$val" <<'PY' || fail "release"
import csv, sys
R, ind0, val = sys.argv[1], sys.argv[2], int(sys.argv[3])
vd = {(r["territory"], r["count_of"]): r
      for r in csv.DictReader(open(R + "/violent_deaths.csv", encoding="utf-8"))}
h = {k[1]: r for k, r in vd.items() if k[0] == "HND"}
assert set(h) == {"deaths", "validated_deaths", "police", "forensic", "prosecutor",
                  "difference"}, set(h)
assert all(r["counting_rule"] == "validated_deaths" for r in h.values())
assert int(h["validated_deaths"]["count"]) == val, (h["validated_deaths"], val)
assert h["deaths"]["count"] == h["validated_deaths"]["count"]
assert int(h["difference"]["count"]) == val - int(h["forensic"]["count"])
# suppressed cells carry no count, published ones are never 1..4
for r in vd.values():
    assert (r["status"] == "C") == (r["count"] == ""), r
    assert r["count"] == "" or not 1 <= int(r["count"]) < 5 or r["count_of"] == "difference", r
# the indicators table: the CLI's number and rule
rel = {r["territory"]: r for r in csv.DictReader(open(R + "/indicators.csv", encoding="utf-8"))
       if r["indicator"] == "homicide_rate" and r["year"] == "2022" and r["sex"] == "T"
       and r["level"] == "0"}
cli = {r["territory"]: r for r in csv.DictReader(open(ind0, encoding="utf-8"))
       if r["indicator"] == "homicide_rate" and r["period"] == "2022"}
shown = 0
for t, r in rel.items():
    assert r["counting_rule"] == cli[t]["counting_rule"] == "validated_deaths", (t, r)
    if r["status"] != "C":
        assert r["count"] == cli[t]["count"], (t, r["count"], cli[t]["count"])
        shown += 1
assert shown >= 3, shown
PY
