# alerts_reform.sh - "observa alerts" across El Salvador's territorial
# reform of 2024-05-01 (262 municipalities became districts of 44), on a
# small hand-made observatory (a forensic source, homicides 2019-2024):
# Ahuachapán, Apaneca and Concepción de Ataco, districts of Ahuachapán
# Centro (SLV0114) since the reform, have 4 to 6, 3 and 3 homicides a
# month; from May 2024 the same are recorded in Ahuachapán Centro, and in
# December 2024 it has 30. Atiquizaya (Ahuachapán Norte, SLV0113 since)
# has 1 or 2 a month throughout.
#   - the reform is not an alarm: no series alarms from May to November
#     2024, neither the division 0101 of Ahuachapán Centro (a new series,
#     too short to judge) nor the indicator ind:homicide_rate (counted in
#     the division of the last month: its series holds the districts'
#     records from the start);
#   - December's rise alarms on ind:homicide_rate in Ahuachapán Centro, with
#     the count "observa indicators --vintage" gives;
#   - its profile in the portal lists it (from the alarms judged once in the
#     background), with what GET /api/v1/alerts shows and nothing it hides;
#     Ahuachapán Norte's says there is none;
#   - one victim a month in Ahuachapán (Centro) is 16 years old, eight in
#     December 2024: ind:homicide_rate_0_17 alarms there with 8, which the
#     public view hides as releases do (the minors' threshold, 10), though
#     8 is above the general one (5);
#   - an ingest judges the latest months and says so in one line, unless
#     --no-alerts; a month past every delivery is not judged.
export LC_ALL=C.UTF-8
init_obs "$T/obs"
O="$T/obs"
fx_source "$O"
sed -i 's/^category = Delito$/&\nvictim_age = Edad/' "$O/catalog/sources/sv-fx.ini"
# fx_file YEAR
fx_file() {
	awk -v y="$1" 'function rec(tag, n, mun, m) {
			for (i = 1; i <= n; i++)
				printf "%d-%d-%s%d;%02d/%02d/%d;%s;Ahuachapán;Homicidio;%d\n",
					y, m, tag, i, i % 28 + 1, m, y, mun,
					tag == "a" && (i == 1 || (y == 2024 && m == 12 && i <= 8)) ? 16 : 30;
		}
		BEGIN {
		print "Id;Fecha;Municipio;Departamento;Delito;Edad";
		for (m = 1; m <= 12; m++) {
			if (y < 2024 || m < 5) {
				rec("a", 4 + m % 3, "Ahuachapán", m);
				rec("p", 3, "Apaneca", m);
				rec("c", 3, "Concepción de Ataco", m);
				rec("t", 1 + m % 2, "Atiquizaya", m);
			} else {
				rec("a", m == 12 ? 30 : 10 + m % 3, "Ahuachapán Centro", m);
				rec("t", 1 + m % 2, "Ahuachapán Norte", m);
			}
		}
	}'
}
for y in 2019 2020 2021 2022 2023; do
	fx_file $y >"$T/fx-$y.csv"
	expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period $y --no-alerts "$T/fx-$y.csv"
done
grep -q "observa alerts para verlas" "$T/err" && fail "--no-alerts still computed them"
# after an ingest: one line, of the delivery's country (the only one whose
# series it changes), with the alarms "observa alerts" finds there
fx_file 2024 >"$T/fx-2024.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period 2024 "$T/fx-2024.csv"
expect_grep "$T/err" "alarmas en el último mes de SLV; observa alerts para verlas"
n=$(sed -n 's/.* \([0-9][0-9]*\) alarmas en el último mes de SLV;.*/\1/p' "$T/err")
expect_status 0 "$OBSERVA" alerts -d "$O" --format csv
[ "$(grep -c '^SLV' "$T/out")" = "$n" ] ||
	fail "the ingest said $n alarms, observa alerts finds $(grep -c '^SLV' "$T/out") in SLV"
[ "$n" -gt 0 ] || fail "no alarm after the ingest: nothing compared"
# a month no delivery covers is not judged: a month past every delivery
expect_status 0 "$OBSERVA" alerts -d "$O" --period 2030-01 --format csv
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "a month past every delivery was judged"
expect_grep "$T/err" "0 alarmas en" 
# the records landed where the fixture says (else the test proves nothing)
expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin2 --where "year=2024 month=6" --format csv
grep -q '^SLV0114,10,' "$T/out" || { cat "$T/out"; fail "June 2024 not in SLV0114"; }
expect_status 0 "$OBSERVA" analyze -d "$O" --rows admin2 --where "year=2023 month=6" --format csv
grep -q '^SLV0101,4,' "$T/out" || { cat "$T/out"; fail "June 2023 not in SLV0101"; }

expect_status 0 "$OBSERVA" alerts -d "$O" --from 2024-05 --to 2024-12 --format csv
cp "$T/out" "$T/alerts.csv"
python3 - "$T/alerts.csv" <<'PY' || { cat "$T/alerts.csv"; fail "alarms across the reform"; }
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
jump = [r for r in rows if r["month"] < "2024-12"]
assert not jump, "the reform alarmed: %s" % jump
dec = [r for r in rows if r["territory"] == "SLV0114" and r["category"] == "ind:homicide_rate"]
assert dec and all(r["month"] == "2024-12" and float(r["observed"]) == 30 for r in dec), rows
assert dec[0]["category_name"] == "Tasa de homicidios intencionales", dec
# the division's series of the new municipality is too short to judge
assert not [r for r in rows if r["territory"] == "SLV0114" and r["category"] == "0101"], rows
# the minors' alarm, as counted (no threshold in the CLI)
minors = [r for r in rows if r["territory"] == "SLV0114" and r["category"] == "ind:homicide_rate_0_17"]
assert len(minors) >= 1 and all(r["month"] == "2024-12" and float(r["observed"]) == 8 and
                                r["suppressed"] == "false" for r in minors), rows
PY
# the indicator's series is its count in the division of the last month
expect_status 0 "$OBSERVA" indicators -d "$O" --indicator homicide_rate --territory SLV0114 \
	--period 2023-06..2024-12 --vintage 2024-12-31 --format csv
python3 - "$T/out" <<'PY' || { cat "$T/out"; fail "indicator counts across the reform"; }
import csv, sys
rows = {r["period"]: float(r["count"]) for r in csv.DictReader(open(sys.argv[1]))}
assert rows["2023-06"] == 4 + 0 + 3 + 3, rows
assert rows["2024-06"] == 10 + 0, rows
assert rows["2024-12"] == 30, rows
PY

# --- the portal's profiles -------------------------------------------------
start_server "$O"
curl -s -o "$T/api.json" "$B/api/v1/alerts" || fail "curl"
# the public view takes each alarm's rule as releases do: 8 victims under
# 18 are under the minors' threshold (10), not the general one (5)
python3 - "$T/api.json" <<'PY' || { cat "$T/api.json"; fail "the minors' alarm in the API"; }
import json, sys
api = json.load(open(sys.argv[1]))
assert api["disclosure"]["min_count_minors"] == 10, api["disclosure"]
rows = [a for a in api["data"] if a["territory"] == "SLV0114"]
minors = [a for a in rows if a["category"] == "ind:homicide_rate_0_17"]
assert minors and all(a["observed"] is None and a["suppressed"] is True for a in minors), rows
# the general rule shows the department's 31 homicides; the municipality's
# 30 are hidden with the 1 elsewhere in Ahuachapán, which the department
# less the municipality would give (the monthly rule over the tree)
dept = [a for a in api["data"] if a["territory"] == "SLV01" and a["category"] == "ind:homicide_rate"]
assert dept and all(a["observed"] == 31 and a["suppressed"] is False for a in dept), dept
dec = [a for a in rows if a["category"] == "ind:homicide_rate"]
assert dec and all(a["observed"] is None and a["suppressed"] is True for a in dec), rows
PY
# the profile never waits for the judging: ask until it is done
i=0
while :; do
	curl -s -o "$T/p.html" "$B/es/territorios/SLV0114" || fail "curl profile"
	grep -q 'table class="alerts"' "$T/p.html" && break
	i=$((i + 1))
	[ $i -lt 100 ] || { cat "$T/p.html"; fail "the profile never showed its alarms"; }
	sleep 0.2
done
expect_grep "$T/p.html" 'id="alerts"'
expect_grep "$T/p.html" 'data-category="ind:homicide_rate"'
expect_grep "$T/p.html" '<th scope="col">Método</th>'
expect_grep "$T/p.html" 'href="/es/situacion?territory=SLV0114#alerts"'
python3 - "$T/api.json" "$T/p.html" <<'PY' || fail "the profile and the API differ"
import json, re, sys
api = [a for a in json.load(open(sys.argv[1]))["data"] if a["territory"] == "SLV0114"]
page = open(sys.argv[2]).read()
rows = re.findall(r'<tr data-territory="([^"]*)" data-category="([^"]*)" data-method="([^"]*)">(.*?)</tr>', page)
assert len(rows) == len(api) and rows, (rows, api)
for (t, cat, m, cells), a in zip(rows, api):
    assert (t, cat, m) == (a["territory"], a["category"], a["method"]), (t, cat, m, a)
    obs = re.search(r'<data class="observed" value="([^"]*)"', cells)
    assert (obs is None) == (a["observed"] is None), (cells, a)
    assert obs is None or float(obs.group(1)) == a["observed"], (cells, a)
    exp = re.search(r'<data class="expected" value="([^"]*)"', cells)
    assert (exp is None) == (a["expected"] is None), (cells, a)
PY
curl -s -o "$T/en.html" "$B/en/territories/SLV0114" || fail "curl"
expect_grep "$T/en.html" '<th scope="col">Method</th>'
expect_grep "$T/en.html" 'Intentional homicide rate'
curl -s -o "$T/n.html" "$B/es/territorios/SLV0113" || fail "curl"
expect_grep "$T/n.html" 'id="alerts"'
expect_grep "$T/n.html" 'Ninguna alarma en el último mes con datos.'
curl -s -o "$T/n.html" "$B/en/territories/SLV0113" || fail "curl"
expect_grep "$T/n.html" 'No alarm in the latest month with data.'
kill -TERM "$PID"
wait "$PID" 2>/dev/null || true
