# portal.sh - the portal served by "observa serve" over a published demo
# observatory (two years): "/" sends to /es/; every page answers in Spanish
# and English as HTML with the portal's Content-Security-Policy, nosniff and
# Referrer-Policy, and a language switch to the same page with the same
# query; the assets are served under their hash, immutable; a hostile
# search is escaped; an unknown page or territory is a 404 page in HTML;
# the home's figures are the API's (GET /api/v1/indicators/{id}); the
# search ignores accents and case; and no name of table protected reaches
# any page; the footer speaks the page's language; the situation page
# without a territory takes the country with the most records in the
# twelve months up to the latest month delivered (not the one that
# delivered last).
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.01 2023..2024
O="$T/obs"
# the first page renders what later pages share (seconds under the
# sanitizers on a loaded machine): a time limit for that, not the default
start_server "$O" --time-limit 120
mkdir "$T/pages"
n=0

# the style sheet is inline, allowed by its hash (web/portal.css's SHA-256)
CSSH=$(python3 -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha256(open(sys.argv[1], "rb").read()).digest()).decode())' "$OBSERVA_DATA/../web/portal.css")
CSP="default-src 'none'; style-src 'sha256-$CSSH'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

# page STATUS URL : fetch a page, check status, type and headers, keep it
page() {
	want=$1 url=$2
	n=$((n + 1))
	code=$(curl -s --path-as-is -o "$T/body" -D "$T/headers" -w '%{http_code}' "$B$url") ||
		fail "curl $url"
	[ "$code" = "$want" ] || { head -c 2000 "$T/body" >&2; fail "$url: status $code, expected $want"; }
	tr -d '\r' <"$T/headers" >"$T/h"
	grep -qix "content-type: text/html; charset=utf-8" "$T/h" || fail "$url: not HTML"
	grep -qFx "content-security-policy: $CSP" "$T/h" ||
		grep -qFx "Content-Security-Policy: $CSP" "$T/h" || { cat "$T/h" >&2; fail "$url: CSP"; }
	grep -qix 'x-content-type-options: nosniff' "$T/h" || fail "$url: no nosniff"
	grep -qi '^referrer-policy: ' "$T/h" || fail "$url: no Referrer-Policy"
	grep -q '<a class="skip" href="#main">' "$T/body" || fail "$url: no skip link"
	grep -q '<main id="main">' "$T/body" || fail "$url: no main"
	grep -q '</html>' "$T/body" || fail "$url: cut page"
	cp "$T/body" "$T/pages/$n.html"
}

# lang_switch FILE LANG HREF : the page is in LANG and links to HREF in the other one
lang_switch() {
	grep -q "<html lang=\"$2\">" "$1" || fail "$1: not lang $2"
	grep -qF "<a class=\"lang\" href=\"$3\"" "$1" || { grep -o '<a class="lang"[^>]*>' "$1" >&2; fail "$1: no switch to $3"; }
}

# "/" sends to the Spanish home
code=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' "$B/")
[ "$code" = 303 ] || fail "/: status $code"
tr -d '\r' <"$T/h" | grep -qix 'location: /es/' || fail "/ does not send to /es/"

page 200 /es/
lang_switch "$T/body" es /en/
cp "$T/body" "$T/home_es"
page 200 /en/
lang_switch "$T/body" en /es/
cp "$T/body" "$T/home_en"
expect_grep "$T/home_es" "Cifras principales"
expect_grep "$T/home_en" "Headline figures"
# the footer names the release, and an unnamed publisher in the page's language
expect_grep "$T/home_es" "aún no ha dado su nombre"
expect_grep "$T/home_en" "has not yet given its name"
! grep -q "publisher not configured" "$T/home_es" || fail "English on the Spanish footer"
# a sparkline in each row's last ten years, beside its numbers; the second
# home (its completeness from the cache) is the first
[ "$(grep -c '<td class="trend"><svg' "$T/home_es")" -ge 7 ] || fail "no sparklines on the home"
grep -q '<td class="trend"><svg[^>]*role="img"' "$T/home_en" || fail "a sparkline without its role"
! grep -q '<svg[^>]* style=\|<svg[^>]*<script' "$T/home_es" || fail "a chart with a style or a script"
page 200 /es/
grep -q '<table class="completeness">' "$T/body" || fail "no completeness table on the home"
# (the very first page may come before the snapshot: then it says so)
! grep -q '<table class="completeness">' "$T/home_es" || cmp -s "$T/body" "$T/home_es" ||
	{ diff "$T/home_es" "$T/body" | cut -c1-200 >&2; fail "the home changed when its completeness came from the cache"; }

# the assets, under their hash, for good
for a in $(grep -o '/assets/portal-[0-9a-f]*\.\(css\|js\)' "$T/home_es"); do
	code=$(curl -s -o "$T/asset" -D "$T/h" -w '%{http_code}' "$B$a")
	[ "$code" = 200 ] || fail "$a: status $code"
	tr -d '\r' <"$T/h" | grep -qi '^cache-control: .*immutable' || fail "$a: not immutable"
	case "$a" in
	*.css) tr -d '\r' <"$T/h" | grep -qi '^content-type: text/css' || fail "$a: type"
		cmp -s "$T/asset" "$OBSERVA_DATA/../web/portal.css" || fail "$a is not web/portal.css" ;;
	*.js) tr -d '\r' <"$T/h" | grep -qi '^content-type: text/javascript' || fail "$a: type"
		cmp -s "$T/asset" "$OBSERVA_DATA/../web/portal.js" || fail "$a is not web/portal.js" ;;
	esac
done
[ "$(grep -c '/assets/portal-' "$T/home_es")" = 1 ] || fail "the home lacks its script"
# the style sheet inline, web/portal.css as it is, once
python3 - "$T/home_es" "$OBSERVA_DATA/../web/portal.css" <<'PY' || fail "the home's <style> is not web/portal.css"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
styles = re.findall(r"<style>(.*?)</style>", html, re.S)
sys.exit(0 if styles == [open(sys.argv[2], encoding="utf-8").read()] else 1)
PY
# the style sheet's own address still answers, for pages kept from before
code=$(curl -s -o /dev/null -w '%{http_code}' "$B/assets/portal-$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()[:16])' "$OBSERVA_DATA/../web/portal.css").css")
[ "$code" = 200 ] || fail "the style sheet's address: status $code"
# Cross-Origin-Opener-Policy on what is not a public page (an error, the
# restricted area), not on a public page (a new renderer process for a
# new tab's first page: bench/portal/README.md)
curl -s -D - -o /dev/null "$B/es/territorios" | tr -d '\r' >"$T/h"
! grep -qi '^cross-origin-opener-policy:' "$T/h" || fail "a public page with Cross-Origin-Opener-Policy"
curl -s -D - -o /dev/null "$B/es/no-existe" | tr -d '\r' >"$T/h"
grep -qix 'cross-origin-opener-policy: same-origin' "$T/h" || fail "the 404 page without Cross-Origin-Opener-Policy"
curl -s -D - -o /dev/null "$B/es/acceso" | tr -d '\r' >"$T/h"
grep -qix 'cross-origin-opener-policy: same-origin' "$T/h" || fail "the sign-in page without Cross-Origin-Opener-Policy"
code=$(curl -s -o /dev/null -w '%{http_code}' "$B/assets/portal-0000000000000000.css")
[ "$code" = 404 ] || fail "an unknown asset: status $code"

# the home's figures are the API's, row by row
python3 - "$T/home_es" >"$T/figures" <<'PY' || fail "the home's figures could not be read"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
n = 0
for sec in re.findall(r'<section class="headline" data-indicator="([^"]+)">(.*?)</section>', html, re.S):
    ind, body = sec
    if "<table" not in body:
        continue # no figure in any country (checked below)
    year = re.search(r'<caption>[^<]*, (\d{4})</caption>', body).group(1)
    for terr, row in re.findall(r'<tr data-territory="([^"]+)">(.*?)</tr>', body, re.S):
        m = re.search(r'<data class="value-n" value="([^"]+)">', row)
        print(ind, terr, year, m.group(1) if m else "null")
        n += 1
if n == 0:
    sys.exit(1)
PY
[ "$(wc -l <"$T/figures")" -ge 7 ] || fail "too few figures on the home"
grep -q ' null$' "$T/figures" || true
while read -r ind terr year value; do
	curl -s -o "$T/api" "$B/api/v1/indicators/$ind?territory=$terr&year=$year" || fail "API $ind"
	api=$(jq -r '.data[0].value' "$T/api")
	[ "$api" = "$value" ] || fail "home $ind $terr $year: $value, API: $api"
	# "no data" is never shown as 0
	if [ "$value" = null ]; then
		python3 -c 'import sys' || true
	fi
done <"$T/figures"
grep -q 'data-indicator="homicide_rate"' "$T/home_es" || fail "no homicide rate on the home"

# a headline without a figure in any country and year is one line saying
# why, in each language, not a table of "sin datos": exactly those whose
# every country row of the API is no data (null, not withheld); the demo's
# forensic sources record homicides and deaths of undetermined manner
# only, so the violent deaths rate is one; the manners the line names are
# those of the indicator's numerator that no forensic profile records
for lang in es en; do
	python3 - "$T/home_$lang" "$lang" >"$T/nodata_$lang" <<'PY' || fail "the home's lines without data ($lang)"
import html as H, re, sys
page, lang = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
for ind, body in re.findall(r'<section class="headline" data-indicator="([^"]+)">(.*?)</section>', page, re.S):
    if "<table" in body:
        continue
    m = re.search(r'<p class="nodata-reason">([^<]+)</p>', body)
    if not m or not m.group(1).startswith("Sin datos" if lang == "es" else "No data"):
        sys.exit(f"{ind}: neither a table nor a line saying why: {body[:300]}")
    print(ind + "\t" + H.unescape(m.group(1)))
PY
done
cut -f 1 "$T/nodata_es" >"$T/nodata_ids"
cut -f 1 "$T/nodata_en" | cmp -s - "$T/nodata_ids" || fail "the lines without data differ between languages"
grep -qx violent_deaths_rate "$T/nodata_ids" ||
	{ cat "$T/nodata_es" >&2; fail "the violent deaths rate (no data in the demo) has no line saying why"; }
for ind in $(grep -o '<section class="headline" data-indicator="[^"]*"' "$T/home_es" | cut -d '"' -f 4); do
	nulls=$(for c in $(sql "$O" "SELECT code FROM territory WHERE level = 0 ORDER BY code"); do
		curl -sf "$B/api/v1/indicators/$ind?territory=$c" |
			jq -r '.data[] | if .value == null and .status != "C" then "none" else "some" end'
	done | sort -u | tr '\n' ' ')
	if grep -qx "$ind" "$T/nodata_ids"; then
		[ "$nulls" = "none " ] || fail "$ind: a line without data, but the API has $nulls"
	else
		[ "$nulls" != "none " ] || fail "$ind: every row of the API is no data, but the home has a table"
	fi
done
num=$(python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    if r["id"] == "violent_deaths_rate": print(r["numerator"])' "$O/catalog/indicators.csv") ||
	fail "the observatory's indicators.csv"
python3 - "$T/nodata_es" "$T/nodata_en" "$num" "$O/catalog/sources" <<'PY' || fail "the violent deaths rate's line"
import glob, re, sys
es = dict(l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1], encoding="utf-8"))["violent_deaths_rate"]
en = dict(l.rstrip("\n").split("\t", 1) for l in open(sys.argv[2], encoding="utf-8"))["violent_deaths_rate"]
asked = re.search(r"manner=([a-z_|]+)", sys.argv[3]).group(1).split("|")
recorded = set()
for f in glob.glob(sys.argv[4] + "/*.ini"):
    t = open(f, encoding="utf-8").read()
    if re.search(r"^institution = forensic$", t, re.M):
        m = re.search(r"^manners = (.*)$", t, re.M)
        recorded |= set(re.split(r"[ ,]+", m.group(1).strip())) if m else set(asked)
words = {"homicide": ("homicidios", "homicides"), "suicide": ("suicidios", "suicides"),
         "accident": ("accidentes", "accidents"),
         "undetermined": ("manera indeterminada", "undetermined manner"),
         "legal_intervention": ("intervención legal", "legal intervention")}
for m in asked:
    for text, w in ((es, words[m][0]), (en, words[m][1])):
        if (w in text) == (m in recorded):
            sys.exit(f"{m} ({'recorded' if m in recorded else 'not recorded'}): {text}")
if not es.startswith("Sin datos: las fuentes entregadas no registran ") or \
   not en.startswith("No data: the sources delivered record no "):
    sys.exit(f"{es} / {en}")
print("violent_deaths_rate:", es, "/", en)
PY
grep -q 'Completitud de las últimas entregas' "$T/home_es" || fail "no completeness on the home"
grep -Eq 'sin cambio más allá del azar|aumento|disminución' "$T/home_es" || fail "no change on the home"

# territories: the list, a search that ignores accents and case, profiles
page 200 /es/territorios
lang_switch "$T/body" es /en/territories
expect_grep "$T/body" 'href="/es/territorios/SLV"'
page 200 "/es/territorios?q=SAN%20JOSE"
lang_switch "$T/body" es "/en/territories?q=SAN%20JOSE"
expect_grep "$T/body" "San José"
page 200 "/en/territories?q=san+jos%C3%A9"
expect_grep "$T/body" "San José"
page 200 /es/territorios/SLV
lang_switch "$T/body" es /en/territories/SLV
expect_grep "$T/body" "<h1>El Salvador</h1>"
expect_grep "$T/body" 'data-indicator="homicide_rate"'
expect_grep "$T/body" 'href="/es/territorios/SLV06"'
expect_grep "$T/body" "Datos que faltan"
grep -q '<figure class="chart"><svg' "$T/body" || fail "no trend chart on the profile"
cp "$T/body" "$T/slv"
page 200 /es/territorios/SLV
cmp -s "$T/body" "$T/slv" || fail "the profile changed when its completeness came from the cache"
page 200 /en/territories/slv0614
lang_switch "$T/body" en /es/territorios/slv0614
expect_grep "$T/body" 'href="/en/territories/SLV06"'
for c in $(sql "$O" "SELECT code FROM territory WHERE level = 0 ORDER BY code"); do
	page 200 "/es/territorios/$c"
	page 200 "/en/territories/$c"
done
for c in $(sql "$O" "SELECT code FROM territory WHERE level > 0 ORDER BY random() LIMIT 10"); do
	page 200 "/es/territorios/$c"
done

# a profile's indicators are anchored and linked to their definition, and
# the data and method page links back to them
expect_grep "$T/slv" '<tr id="homicide_rate" data-indicator="homicide_rate">'
expect_grep "$T/slv" 'href="/es/datos#homicide_rate"'
page 200 /en/data
expect_grep "$T/body" 'href="/en/territories/SLV#homicide_rate"'
# what is missing: the indicators without a value (and why), the months of
# the latest year without a delivery
expect_grep "$T/slv" 'Meses de 2024 sin entrega'
grep -q 'Todos los indicadores tienen valor en 2024\|Indicadores sin valor en 2024' "$T/slv" ||
	fail "the profile does not say which indicators lack a value"
# neighbours: a municipality's listed neighbours share a boundary with it
# (the catalogue's geometry), its department and country are beside it
page 200 /es/territorios/GTM0101
cp "$T/body" "$T/gtm0101"
page 200 /en/territories/GTM0101
expect_grep "$T/body" "Compared with its neighbours"
python3 - "$T/gtm0101" "$OBSERVA_DATA/catalog/geometry/GTM_admin2.geojson" <<'PY' ||
import json, math, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
sec = re.search(r'<table class="neighbours">(.*?)</table>', html, re.S).group(1)
listed = re.findall(r'<a href="/es/territorios/([A-Z0-9]+)">[^<]*</a> <span class="note">vecino</span>', sec)
assert len(listed) >= 4, listed
assert "departamento o provincia" in sec and "su país" in sec, "no parent or country row"
assert re.search(r'<tr class="self"><th scope="row">Guatemala', sec), "no row of the unit"
pts = {}
def walk(c, out):
    if isinstance(c[0], (int, float)):
        out.append(c)
    else:
        for x in c:
            walk(x, out)
for f in json.load(open(sys.argv[2]))["features"]:
    out = []
    walk(f["geometry"]["coordinates"], out)
    pts[f["properties"]["code"]] = out
me = pts["GTM0101"]
for code in listed:
    near = sum(1 for x, y in pts[code] if any(math.hypot(x - a, y - b) < 0.011 for a, b in me))
    assert near >= 1, f"{code} shares no boundary with GTM0101"
far = [c for c in pts if c.startswith("GTM") and c != "GTM0101" and c not in listed and
       min(math.hypot(x - a, y - b) for x, y in pts[c] for a, b in me) > 0.05]
assert far and not set(far) & set(listed)
print("neighbours of GTM0101:", " ".join(listed))
PY
	fail "the neighbours of GTM0101"
# a unit without a boundary is compared with its parent's units, and says so
page 200 /es/territorios/GTM01
expect_grep "$T/body" "no tiene límites en el catálogo"
grep -q '<span class="note">misma unidad superior</span>' "$T/body" || fail "no unit of the same parent"

# a hostile query is text, not markup
page 200 "/es/territorios?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27"
! grep -q '<script>alert' "$T/body" || fail "a query reached the page as markup"
expect_grep "$T/body" 'value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;"'
expect_grep "$T/body" 'href="/en/territories?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22%27"'

# unknown pages and territories: a 404 page, in HTML, in its language
page 404 /es/territorios/NOEXISTE
expect_grep "$T/body" "Página no encontrada"
lang_switch "$T/body" es /en/
page 404 /en/territories/NOPE
expect_grep "$T/body" "Page not found"
page 404 /en/nothing/here
page 404 /es/%3Cb%3E
! grep -q '<b>' "$T/body" || fail "the path reached the page as markup"
page 404 /favicon.ico
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$B/es/")
[ "$code" = 405 ] || fail "POST /es/: status $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -I "$B/es/")
[ "$code" = 200 ] || fail "HEAD /es/: status $code"
# the API is still the API
code=$(curl -s -o "$T/body" -w '%{http_code}' "$B/api/v1/nothing")
[ "$code" = 404 ] || fail "/api/v1/nothing: $code"
jq -e '.error.code == "not_found"' "$T/body" >/dev/null || fail "/api/ 404 is not JSON"

# the situation page's default territory: the country with the most records
# in the twelve months up to the month it takes (the latest delivered),
# by the API's count; not Belize, which delivers last in the demo
page 200 /es/situacion
python3 - "$T/body" "$B" <<'PY' || fail "the situation page's default territory"
import csv, io, re, sys, urllib.request
page = open(sys.argv[1], encoding="utf-8").read()
chosen = re.search(r'<select[^>]*name="territory".*?<option value="([^"]+)" selected', page, re.S).group(1)
y, m = map(int, re.search(r'name="period"[^>]*value="(\d{4})-(\d{2})"', page).groups())
last = y * 12 + m - 1
url = sys.argv[2] + "/api/v1/analyze?rows=country,year,month&counts=records&format=csv"
rows = csv.DictReader(io.StringIO(urllib.request.urlopen(url).read().decode()))
n = {}
for r in rows:
    if not (r["year"].isdigit() and r["month"].isdigit()) or r["country"] == "Total":
        continue
    k = int(r["year"]) * 12 + int(r["month"]) - 1
    if last - 12 < k <= last and r["count"]:
        n[r["country"]] = n.get(r["country"], 0) + int(r["count"])
best = max(n, key=n.get)
assert chosen == best and chosen != "BLZ", (chosen, n)
print("situation: default", chosen, n)
PY

# no name of table protected in any page
sqlite3 -batch "$O/observa.db" "SELECT DISTINCT names FROM protected WHERE names LIKE '% %'" >"$T/names"
[ "$(wc -l <"$T/names")" -gt 20 ] || fail "too few names to search for"
head -n 1 "$T/names" >"$T/control"
grep -F -q -f "$T/names" "$T/control" || fail "the name search finds nothing"
[ "$(ls "$T/pages" | wc -l)" -ge 20 ] || fail "too few pages walked"
if LC_ALL=C grep -F -i -l -f "$T/names" "$T/pages"/*; then
	fail "a name of table protected in a portal page"
fi
