# attack_situation.sh - an outsider with no account reads the monthly
# homicide counts that GET /api/v1/situation suppresses, by differencing the
# answers for consecutive months, on a small hand-made observatory (a
# forensic source in El Salvador, 2022 whole and 2023 from January to June;
# San Salvador 10 homicides a month but 2 in February 2023 and 3 in
# February 2022, Santa Ana 2 to 4 a month but 30 in May and June 2023, a rise the
# alerts see; the threshold is 5):
#   - year to date: YTD(m) - YTD(m-1) is month m, and YTD(January) is
#     January itself, in either year;
#   - the 12 months before: their sum for m+1 minus the one for m is month
#     m minus month m-12;
#   - a month whose year earlier was not delivered (no data to compare):
#     its count must still be suppressed;
#   - the units that changed most, by month, quarter and year: a unit
#     whose row is suppressed must not hold a place in the ranking;
#   - the hierarchy: the country's count less a department's shown beside
#     it is the other department's;
#   - one sex: the homicides less the homicides of men are the women's.
# Every figure the API shows is a month, quarter or year its own tables
# protect, or a sum of months it may show (docs/disclosure.md); the attack
# must find no suppressed count.
# Then the same attack on GET /api/v1/alerts: an alarm's observed count is
# one month, but its expected count and bound are model values read from the
# months before (EARS C3: the mean of a window of 7 months, so that the
# expected counts of consecutive alarms differ by a month in less a month
# out, over 7): they must not be given when a month they read is suppressed.
export LC_ALL=C.UTF-8
init_obs "$T/obs"
O="$T/obs"
fx_source "$O"
# the victims' sex too: men, but 2 women of San Salvador's 10 in March 2023
sed -i -e 's/^category = Delito$/&\nvictim_sex = Sexo/' \
	-e 's/^category = sv-delito$/&\nvictim_sex = sexo/' "$O/catalog/sources/sv-fx.ini"
# fx_file YEAR LAST_MONTH SMALL_MONTH SMALL_COUNT
fx_file() {
	awk -v y="$1" -v last="$2" -v sm="$3" -v sc="$4" 'BEGIN {
		print "Id;Fecha;Municipio;Departamento;Delito;Sexo";
		for (m = 1; m <= last; m++) {
			ss = m == sm ? sc : 10;
			for (i = 1; i <= ss; i++)
				printf "%d-%d-ss%d;%02d/%02d/%d;San Salvador;San Salvador;Homicidio;%s\n",
					y, m, i, i % 28 + 1, m, y, y == 2023 && m == 3 && i <= 2 ? "F" : "M";
			sa = y == 2023 && m >= 5 ? 30 : 2 + m % 3;
			for (i = 1; i <= sa; i++)
				printf "%d-%d-sa%d;%02d/%02d/%d;Santa Ana;Santa Ana;Homicidio;M\n",
					y, m, i, i % 28 + 1, m, y;
			# and 4 in Chalchuapa, the other municipality of Santa Ana, in June 2023
			for (i = 1; y == 2023 && m == 6 && i <= 4; i++)
				printf "%d-%d-ch%d;%02d/%02d/%d;Chalchuapa;Santa Ana;Homicidio;M\n",
					y, m, i, i + 1, m, y;
		}
	}'
}
fx_file 2022 12 2 3 >"$T/fx-2022.csv"
fx_file 2023 6 2 2 >"$T/fx-2023.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period 2022 "$T/fx-2022.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period 2023-01..2023-06 "$T/fx-2023.csv"
# without the per-address rate limit: the protection must hold however many
# questions an attacker asks
start_server "$O" --query-rate 0

python3 - "$B" <<'PY' || fail "differencing the situational analysis"
import json, sys, urllib.parse, urllib.request

base = sys.argv[1]
MIN = 5
# the truth, by construction: unit -> {month: count}
truth = {"SLV06": {}, "SLV02": {}}
for y, last in ((2022, 12), (2023, 6)):
    for m in range(1, last + 1):
        key = "%04d-%02d" % (y, m)
        truth["SLV06"][key] = 3 if (y, m) == (2022, 2) else 2 if (y, m) == (2023, 2) else 10
        truth["SLV02"][key] = 30 if y == 2023 and m >= 5 else 2 + m % 3
truth["SLV02"]["2023-06"] += 4   # Chalchuapa
truth["SLV"] = {k: truth["SLV06"][k] + truth["SLV02"][k] for k in truth["SLV06"]}
hidden = {(u, k) for u in truth for k, v in truth[u].items() if 1 <= v < MIN}
assert ("SLV06", "2023-02") in hidden and ("SLV02", "2022-03") in hidden

def ask(**q):
    url = base + "/api/v1/situation?" + urllib.parse.urlencode(q)
    with urllib.request.urlopen(url) as r:
        return json.loads(r.read())["data"]

months = ["%04d-%02d" % (y, m) for y in (2022, 2023) for m in range(1, 13)
          if (y, m) <= (2023, 6)]
def prev(k, n=1):
    y, m = int(k[:4]), int(k[5:])
    i = y * 12 + m - 1 - n
    return "%04d-%02d" % (i // 12, i % 12 + 1)

leaks = []
def shown(v):
    return v is not None
ytd, ytd0, l12, fig = {}, {}, {}, {}
for u in ("SLV", "SLV06", "SLV02"):
    for k in months:
        for row in ask(territory=u, period=k, top=100):
            # a single month's count: shown only when not under the threshold
            for side, per in (("count", row["period"]), ("baseline_count", row["baseline"])):
                t = row["territory"]
                if row["indicator"] != "homicide_rate":
                    continue   # the truth is of all homicides
                if len(per) == 7 and shown(row[side]) and (t, per) in hidden:
                    leaks.append("%s %s of %s shown in %s: %s" % (side, per, t, k, row[side]))
                if len(per) == 7 and shown(row[side]):
                    fig[(t, per)] = row[side]
            # a hidden row takes no place in a ranking: where it stood
            # among the shown ones would tell how much it changed
            if row["section"] in ("unit", "crime") and row["status"] == "suppressed":
                leaks.append("suppressed %s ranked %s in %s %s" %
                             (row["territory"], row["rank"], u, k))
            if row["section"] != "territory":
                continue
            if row["comparison"] == "year_to_date":
                ytd[(u, k)] = row["count"]
                ytd0[(u, k)] = row["baseline_count"]
            if row["comparison"] == "last_12_months":
                l12[(u, k)] = row["baseline_count"]
    for k in months:
        if (u, k) not in hidden:
            continue
        # year to date: this month's YTD less the one before (January: itself)
        if k >= "2023":
            a, b = ytd.get((u, k)), 0 if k.endswith("-01") else ytd.get((u, prev(k)))
            if shown(a) and shown(b) and a - b == truth[u][k]:
                leaks.append("YTD(%s) - YTD(before) = %s of %s" % (k, a - b, u))
        # the previous year's YTD, in the answer for a year later
        n = prev(k, -12)
        if n in months:
            a, b = ytd0.get((u, n)), 0 if k.endswith("-01") else ytd0.get((u, prev(n)))
            if shown(a) and shown(b) and a - b == truth[u][k]:
                leaks.append("baseline YTD(%s) - before = %s of %s" % (n, a - b, u))
        # the 12 months before m+1, less those before m, plus month m-12 (shown)
        n, o = prev(k, -1), prev(k, 12)
        a, b = l12.get((u, n)), l12.get((u, k))
        if shown(a) and shown(b) and o in truth[u] and a - b + truth[u][o] == truth[u][k]:
            leaks.append("L12(%s) - L12(%s) + %s = %s of %s" % (n, k, o, truth[u][k], u))
# the hierarchy: the country's month less one department's shown in any
# answer is the other department's (the rest of the country counted none)
for k in months:
    for a_, b_ in (("SLV06", "SLV02"), ("SLV02", "SLV06")):
        tot, one = fig.get(("SLV", k)), fig.get((a_, k))
        if shown(tot) and shown(one) and (b_, k) in hidden and tot - one == truth[b_][k]:
            leaks.append("SLV %s (%s) - %s (%s) = %s of %s" % (k, tot, a_, one, tot - one, b_))
# one sex: the homicides less the homicides of men are those of women (no
# victim's sex is unknown), and San Salvador's 2 women of March 2023 are
# below the threshold, in the department and in the country alike
for u in ("SLV06", "SLV"):
    fig_s = {}
    for ind in ("homicide_rate", "homicide_rate_men", "homicide_rate_women"):
        for row in ask(territory=u, period="2023-03", indicator=ind, top=100):
            if row["section"] == "territory" and row["comparison"] == "year_earlier":
                fig_s[ind] = row["count"]
    if shown(fig_s.get("homicide_rate_women")):
        leaks.append("2 women of %s in 2023-03 shown: %s" % (u, fig_s))
    if shown(fig_s.get("homicide_rate")) and shown(fig_s.get("homicide_rate_men")) and \
            fig_s["homicide_rate"] - fig_s["homicide_rate_men"] == 2:
        leaks.append("homicides less men's = 2 women of %s in 2023-03: %s" % (u, fig_s))
# quarters and years: a unit's count with a suppressed month in it, less
# the other months shown, is that one (the periods of a year are protected
# together: such a count is shown only when another month hides with it)
for q in ("2023-Q1", "2022-Q1", "2023", "2022"):
    for row in ask(territory="SLV", period=q, top=100):
        t = row["territory"]
        for side, per in (("count", row["period"]), ("baseline_count", row["baseline"])):
            if not shown(row[side]) or t not in truth or row["indicator"] != "homicide_rate":
                continue
            if per.startswith("2022-01-01.."):   # a year to date
                inside = [k for k in truth[t] if k.startswith("2022") and k <= "2022-" + per[-5:-3]]
            elif per.startswith("2023-01-01.."):
                inside = [k for k in truth[t] if k.startswith("2023") and k <= "2023-" + per[-5:-3]]
            elif "-Q" in per:
                y, qq = per.split("-Q")
                inside = ["%s-%02d" % (y, m) for m in range(3 * int(qq) - 2, 3 * int(qq) + 1)]
            elif len(per) == 4:
                inside = [k for k in truth[t] if k.startswith(per)]
            else:
                continue
            # shown with a suppressed month in it: a leak when that month
            # is its only one not shown (the period less the others)
            unknown = [k for k in inside if (t, k) not in fig]
            if len(unknown) == 1 and (t, unknown[0]) in hidden and \
                    row[side] - sum(fig[(t, k)] for k in inside if k != unknown[0]) == \
                    truth[t][unknown[0]]:
                leaks.append("%s %s of %s shown (%s): less its shown months, %s of %s" %
                             (side, per, t, row[side], unknown[0], truth[t][unknown[0]]))
# the alerts of every month delivered (homicides: ICCS 01.., and the
# homicide indicator, whose series here are the same counts)
url = base + "/api/v1/alerts?from=2022-01&to=2023-06"
with urllib.request.urlopen(url) as r:
    alerts = json.loads(r.read())["data"]
by_name = {"San Salvador": "SLV06", "Santa Ana": "SLV02"}
seen = seen_ind = 0
for a in alerts:
    u = by_name.get(a["territory_name"])
    if not u or not (a["category"].startswith("01") or a["category"] == "ind:homicide_rate"):
        continue
    seen += a["territory_name"] == "Santa Ana" and a["month"] >= "2023-05"
    seen_ind += (a["territory_name"] == "Santa Ana" and a["month"] >= "2023-05" and
                 a["category"] == "ind:homicide_rate")
    if a["observed"] is not None and (u, a["month"]) in hidden:
        leaks.append("alert: observed %s of %s %s" % (a["observed"], u, a["month"]))
    before = [k for k in truth[u] if k < a["month"] and (u, k) in hidden]
    if (a["expected"] is not None or a["upper"] is not None) and before:
        leaks.append("alert %s %s %s: expected %s, upper %s read from suppressed %s" %
                     (a["territory"], a["month"], a["method"], a["expected"], a["upper"],
                      before[0]))
# the hierarchy of the alarms: Santa Ana's 34 of June 2023 less the 30 of
# its municipality Santa Ana would give Chalchuapa's 4 (its only other)
obs = {(a["territory"], a["category"]): a["observed"] for a in alerts
       if a["month"] == "2023-06" and a["observed"] is not None}
for (t, cat), v in obs.items():
    if t == "SLV02" and ("SLV0210", cat) in obs and v - obs[("SLV0210", cat)] == 4:
        leaks.append("alerts 2023-06 %s: SLV02 %s - SLV0210 %s = Chalchuapa's 4" %
                     (cat, v, obs[("SLV0210", cat)]))
if not seen:
    leaks.append("the rise in Santa Ana in May and June 2023 raised no alarm: %s" % alerts)
if not seen_ind:
    leaks.append("the rise in Santa Ana raised no alarm on ind:homicide_rate: %s" % alerts)
for l in leaks:
    print(l)
sys.exit(1 if leaks else 0)
PY
kill -TERM "$PID"
wait "$PID" 2>/dev/null || true
