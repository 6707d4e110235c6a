# portal.sh - the portal in a real browser (tests/browser/portal.mjs):
# Debian's chromium, driven by playwright-core, loads every page in Spanish
# and English from "observa serve" over a small published demo: status 200
# (404 for the 404 page), no console error, no request to another host, no
# serious or critical axe-core violation (WCAG 2.1 AA), no page wider than a
# 360 px phone, the data tables shown with JavaScript off, the analyser's
# chart readable on a phone (no text under 11 CSS px at 360 px); the
# analyser's journey (a municipality x year table built with the form, its
# CSV downloaded, on a phone); the first visitor's three tasks followed from
# the home page (tasks.mjs: a municipality's homicide rate and trend, its
# place in the index, a municipality x year table downloaded), their
# numbers against the command line's; the case pages of the restricted
# area signed in (a school's report sent with the form, found in the
# triage queue and triaged on its page, a court's board by colour and
# word; the registry's search by a misspelt name and an entry with its
# photograph; each page in both languages at both widths); screenshots at
# 1280 and 360 px under $OBSERVA_SCREENSHOTS (the meson log dir), their
# paths printed. The pages and the tasks run at the same time, each in a
# browser that loads several pages at once. Run by tests/e2e/run.sh;
# chromium or the npm packages of
# tests/browser missing ("scripts/bootstrap --check") fail the test.
export LC_ALL=C.UTF-8
C=$(cd "$OBSERVA_TESTDATA/../browser" && pwd)
command -v node >/dev/null 2>&1 || fail "node is missing (scripts/bootstrap --check)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "chromium is missing (scripts/bootstrap --check)"
[ -d "$C/node_modules/playwright-core" ] && [ -d "$C/node_modules/axe-core" ] ||
	fail "the npm packages of $C are missing (scripts/bootstrap --check)"
out=${OBSERVA_SCREENSHOTS:-$T/screenshots}
rm -rf "$out"

fixture_demo "$T/obs" 0.01 2024
O="$T/obs"
# the case pages (portal.mjs, OBSERVA_CASES): a school, the triage desk and
# a court, and four court cases opened in April 2025 whose next deadlines
# are overdue, due soon, none and on time on 2025-04-28
printf 'la clave de prueba es larga\n' >"$T/pw"
for u in escuela:submitter triaje:steward juzgado:steward; do
	src=
	[ "${u#*:}" = submitter ] && src="--source sv-pnc"
	# shellcheck disable=SC2086
	"$OBSERVA" user add "${u%%:*}" --role "${u#*:}" $src -d "$O" --password-fd 3 3<"$T/pw" \
		2>"$T/err" || { cat "$T/err" >&2; fail "user add ${u%%:*}"; }
done
# the school: the first of the demo's schools catalogue, which a report's
# school and territory must match
school=$(awk -F, 'NR == 2 { print $1 " " $3; exit }' "$O/catalog/schools.csv")
[ -n "$school" ] || fail "no school in the demo's catalogue"
school_name=$(awk -F, 'NR == 2 { print $2; exit }' "$O/catalog/schools.csv")
"$OBSERVA" case grant escuela salve "${school% *}" -d "$O" 2>"$T/err" &&
	"$OBSERVA" case grant juzgado vcm-judicial JEVLV-SS -d "$O" 2>>"$T/err" ||
	{ cat "$T/err" >&2; fail "case grant"; }
court() { # TIME [STATE TIME FIELD=VALUE...] -> the case's number in $T/out
	at=$1
	shift
	"$OBSERVA" case open vcm-judicial -d "$O" --now "$at" --set court=JEVLV-SS \
		--set territory=SLV0614 --set violence=physical --set victim="Nombre de prueba" \
		>"$T/out" 2>"$T/err" || { cat "$T/err" >&2; fail "case open"; }
	[ $# = 0 ] && return
	st=$1 at=$2
	shift 2
	for kv in "$@"; do set -- "$@" --set "$kv"; shift; done
	"$OBSERVA" case move "$(cat "$T/out")" "$st" -d "$O" --now "$at" "$@" 2>"$T/err" ||
		{ cat "$T/err" >&2; fail "case move"; }
}
court 2025-04-01T09:00 admission 2025-04-01T10:00 case_number=VM-31-2025
court 2025-04-08T09:00 admission 2025-04-09T09:00 case_number=VM-33-2025 measures_ordered_on=2025-04-09
court 2025-04-20T09:00
court 2025-04-24T09:00 admission 2025-04-25T09:00 case_number=VM-40-2025
# the registry's pages (portal.mjs, OBSERVA_REGISTRY): an investigator
# searching by the misspelt name of the demo's duplicate, and reading the
# first entry with a photograph
"$OBSERVA" user add registro --role analyst -d "$O" --password-fd 3 3<"$T/pw" 2>"$T/err" &&
	"$OBSERVA" registry grant registro investigator -d "$O" 2>>"$T/err" ||
	{ cat "$T/err" >&2; fail "registry grant"; }
reg_dup=$(sql "$O" "SELECT v.value FROM case_value v JOIN case_value d ON d.case_id = v.case_id
	WHERE d.field = 'duplicate_of' AND v.field = 'name' ORDER BY v.case_id LIMIT 1")
reg_entry=$(sql "$O" "SELECT v.case_id FROM case_value v JOIN case_file f ON f.id = v.case_id
	WHERE f.type = 'sex-offender-registry' AND v.field = 'photo' ORDER BY v.case_id LIMIT 1")
[ -n "$reg_dup" ] && [ -n "$reg_entry" ] || fail "the demo's registry has no duplicate or no photograph"
# the first page renders what later pages share (seconds under the
# sanitizers on a loaded machine), while the browser asks for others
# beside it: a time limit for that, not the default
start_server "$O" --time-limit 120

# every page: both languages, a country, an admin-1 and an admin-2 unit
a1=$(sql "$O" "SELECT code FROM territory WHERE level = 1 AND code LIKE 'SLV%' ORDER BY code LIMIT 1")
a2=$(sql "$O" "SELECT code FROM territory WHERE level = 2 AND code LIKE 'SLV%' ORDER BY code LIMIT 1")
[ -n "$a1" ] && [ -n "$a2" ] || fail "no admin-1 or admin-2 unit in the demo"
set -- /es/ /en/ /es/territorios /en/territories "/es/territorios?q=san" "/en/territories?q=san"
for c in SLV "$a1" "$a2"; do
	set -- "$@" "/es/territorios/$c" "/en/territories/$c"
done
set -- "$@" /es/analizador /en/analyser \
	"/es/analizador?rows=admin1&cols=year&where=country%3DSLV+sex%3DF" \
	"/en/analyser?rows=admin2&cols=mechanism&where=country%3DSLV+iccs%3D0101"
set -- "$@" /es/situacion /en/situation "/es/situacion?territory=$a1&period=2024-06" \
	"/en/situation?territory=$a1&period=2024-06"
set -- "$@" 404 /es/territorios/NOEXISTE 404 /en/territories/NOPE
# the maps (a department map with classes, municipalities smoothed) and the index
set -- "$@" /es/mapas /en/maps \
	"/es/mapas?indicator=domestic_violence_rate&country=GTM&level=1&method=quantile&classes=4" \
	"/en/maps?indicator=homicide_rate&country=SLV&level=2&smooth=1" \
	"/es/indice?preset=sv-municipal&year=2024" "/en/index?preset=sv-municipal&year=2024"
# the restricted area's sign-in form
set -- "$@" /es/acceso /en/sign-in
# data and method: the release's files and the indicators, the API's documentation
set -- "$@" /es/datos /en/data /es/datos/api /en/data/api
# the dashboard of the demo's plan
set -- "$@" /es/plan /en/plan
# missing persons: the list, a search, a person's page with its form, the
# release's figures
set -- "$@" /es/desaparecidos /en/missing "/es/desaparecidos?sex=f&age_min=18" \
	/es/desaparecidos/1 /en/missing/1 /es/desaparecidos/cifras /en/missing/figures
# the latest alarms are judged once per snapshot, by the first page or API
# call that asks (seconds under the sanitizers): ask before the browser's
# page-load timeout runs
curl -sf -o /dev/null "$B/api/v1/alerts" || fail "GET /api/v1/alerts"
# the pages in the browser (portal.mjs) while the command line computes the
# answers the first visitor's tasks are compared with; then the tasks
# (tasks.mjs) in a second browser, beside the pages' last ones
(cd "$C" && OBSERVA_CASES="escuela:triaje:juzgado:la clave de prueba es larga" \
	OBSERVA_REGISTRY="registro:$reg_entry:$reg_dup" \
	OBSERVA_SCHOOL_TERRITORY="${school#* }" OBSERVA_SCHOOL_NAME="$school_name" \
	exec node portal.mjs "$B" "$out" "$@") >"$T/browser" 2>&1 &
BROWSER=$!
trap 'kill -TERM "$BROWSER" "$PID" 2>/dev/null || true; rm -rf "$T"' EXIT

# the first visitor's three tasks from the home page (tasks.mjs): the
# municipality's homicide rate and trend, its place in the index, a
# municipality x year table downloaded; what they show against the
# command line's answers (the index's against the API's: the public index
# ranks perturbed counts)
curl -sf -o "$T/index.csv" "$B/api/v1/index?preset=sv-municipal&year=2024&format=csv" ||
	fail "GET /api/v1/index"
rel=$(ls -d "$O"/releases/v* | sort -V | tail -n 1)
# the first unit of the index whose homicide rate the release publishes
unit=$(awk -F, 'NR == FNR { if ($1 == "homicide_rate" && $7 == "T" && $11 != "") ok[$3] = 1; next }
	FNR > 1 && ($1 in ok) { print $1; exit }' "$rel/indicators.csv" "$T/index.csv")
[ -n "$unit" ] || fail "no unit of the index with a published homicide rate"
"$OBSERVA" indicators -d "$O" -i homicide_rate -t "$unit" --format csv >"$T/rate.csv" 2>/dev/null ||
	fail "observa indicators"
"$OBSERVA" analyze -d "$O" --rows admin2 --cols year --where "territory=SLV iccs=0101 sex=F" \
	--format csv >"$T/table.csv" 2>/dev/null || fail "observa analyze"
d=$("$OBSERVA" disclosure -d "$O" --lang en | awk '$1 == "max_perturbation" { print $NF }')
[ -n "$d" ] || fail "observa disclosure: no max_perturbation"
python3 - "$T" "$unit" "$d" <<'PY' || fail "the expected answers"
import csv, json, sys
t, unit, d = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = lambda f: list(csv.DictReader(open(t + "/" + f, encoding="utf-8")))
u = next(r for r in rows("index.csv") if r["unit"] == unit)
json.dump({"unit": unit, "name": u["name"], "preset": "sv-municipal", "year": 2024,
           "rate": {r["period"]: [float(r["value"]), float(r["lower"]), float(r["upper"])]
                    for r in rows("rate.csv") if r["value"] != ""},
           "rank": [int(u["rank"]), int(u["rank_low"]), int(u["rank_high"])],
           "counts": {r["admin2"] + "," + r["year"]: int(r["count"]) for r in rows("table.csv")},
           "max_perturbation": d}, open(t + "/expect.json", "w", encoding="utf-8"),
          ensure_ascii=False)
PY
tasks=0
(cd "$C" && node tasks.mjs "$B" "$out" "$T/expect.json") >"$T/tasks" 2>&1 || tasks=$?
pages=0
wait "$BROWSER" || pages=$?
[ "$pages" = 0 ] || { cat "$T/browser" >&2; fail "the portal fails in the browser"; }
cat "$T/browser"
[ "$(grep -c "^screenshot " "$T/browser")" = $((2 * (43 + 8 + 4) + 2)) ] || fail "screenshots missing"
# the cases' 8 pages and the registry's 4
grep -q '^12 case pages signed in' "$T/browser" || fail "the case pages were not checked signed in"
[ "$tasks" = 0 ] || { cat "$T/tasks" >&2; fail "the first visitor's tasks fail in the browser"; }
cat "$T/tasks"
[ "$(grep -c "^screenshot " "$T/tasks")" = 3 ] || fail "screenshots of the tasks missing"
