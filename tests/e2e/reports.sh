# reports.sh - the bulletins that write themselves (issue 15): "observa
# report --all --period P" writes every country's bulletin (HTML and PDF)
# and infographic (PNG and SVG), in Spanish and English, beside the
# releases (never inside one); "observa publish --reports P" writes the
# same set inside the new release, listed in its manifest (SHA-256) and its
# DCAT catalogue; the portal's "Data and method" page links each one, and
# the release route serves it with its media type and the manifest's bytes.
export LC_ALL=C.UTF-8
# the demo of two countries (every product of each is made three times:
# seven, then three countries made this one of the suite's longest tests;
# two still run side by side)
fixture_demo "$T/obs" 0.01 2023..2024 SV,GT
O="$T/obs"

# --all over the existing release: DIR/reports/v1, one line per country;
# two countries at once, each in a process of its own (by default, as
# many as the machine has cores: two here so that the children run on
# any machine)
expect_status 0 "$OBSERVA" report -d "$O" --all --period 2024 --jobs 2
cp "$T/err" "$T/err.par"
# the countries the release has data of (a row of indicators.csv not
# flagged no_data): the fixture's two; the release's code lists name the
# catalogue's seven, and the other five get a line and no bulletin
countries=$(python3 - "$O/releases/v1" "$T/none" <<'PY'
import csv, json, sys
rel = sys.argv[1]
m = json.load(open(f"{rel}/metadata.json"))
listed = [t["code"] for t in m["code_lists"]["territories"] if t["level"] == 0]
have = {r["country"] for r in csv.DictReader(open(f"{rel}/indicators.csv", encoding="utf-8"))
        if "no_data" not in r["flags"].split("|")}
assert len(listed) == 7 and sorted(have) == ["GTM", "SLV"], (listed, sorted(have))
print(" ".join(c for c in listed if c in have))
print(" ".join(c for c in listed if c not in have), file=open(sys.argv[2], "w"))
PY
) || fail "the countries of the release"
[ -n "$countries" ] || fail "no country in the release"
for c in $(cat "$T/none"); do
	expect_grep "$T/err" "$c: sin datos en la publicación v1; sin boletín"
	! ls "$O/reports/v1" | grep -q "^$c-" || fail "report --all: a bulletin of $c, which has no data"
done
for c in $countries; do
	expect_grep "$T/err" "$c: 8 archivos"
	for l in es en; do
		for f in "$c-2024.$l.html" "$c-2024.$l.pdf" "$c-2024.infographic.$l.png" \
		         "$c-2024.infographic.$l.svg"; do
			[ -s "$O/reports/v1/$f" ] || fail "report --all: no $f"
		done
	done
done
[ ! -e "$O/releases/v1/reports" ] || fail "report --all wrote inside a release"
expect_grep "$O/reports/v1/SLV-2024.es.html" "Boletín de seguridad ciudadana"
expect_grep "$O/reports/v1/SLV-2024.en.html" "Citizen security bulletin"
# a country made in a child process beside others gives the files its own
# commands give one after the other (checked on the first country: its
# eight products, each the command --all runs), byte for byte but a PDF's
# creation time, from the clock; and the lines on the terminal come in the
# order of the countries
first=$(echo $countries | cut -d ' ' -f 1)
mkdir "$T/serial"
for l in es en; do
	for k in html pdf; do
		expect_status 0 "$OBSERVA" --lang $l report -d "$O" --territory "$first" --period 2024 \
			--release v1 -o "$T/serial/$first-2024.$l.$k"
	done
	for k in png svg; do
		expect_status 0 "$OBSERVA" --lang $l report -d "$O" --territory "$first" --period 2024 \
			--release v1 --format infographic -o "$T/serial/$first-2024.infographic.$l.$k"
	done
done
python3 - "$O/reports/v1" "$T/serial" "$T/err.par" $countries <<'PY' || fail "--jobs 2 and one by one differ"
import os, re, sys
par, ser, epar, countries = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
names = sorted(os.listdir(ser))
assert len(names) == 8, names
assert len(os.listdir(par)) == 8 * len(countries), len(os.listdir(par))
def body(path):
    data = open(path, "rb").read()
    return re.sub(rb"/CreationDate \(D:[0-9Z+'-]+\)", b"", data) if path.endswith(".pdf") else data
for n in names:
    assert body(f"{par}/{n}") == body(f"{ser}/{n}"), n
order = [l.split(":")[1].strip() for l in open(epar, encoding="utf-8") if "archivos" in l]
assert order == countries, order
print(len(names), "files alike")
PY
# --format LIST and --lang: only those products, the same bytes as above
expect_status 0 "$OBSERVA" --lang es report -d "$O" --all --period 2024 --format pdf,png \
	--jobs 1 -o "$T/only"
for c in $countries; do
	expect_grep "$T/err" "$c: 2 archivos"
done
python3 - "$O/reports/v1" "$T/only" $countries <<'PY' || fail "--format pdf,png --lang es"
import os, re, sys
full, only, countries = sys.argv[1], sys.argv[2], sys.argv[3:]
want = sorted(f"{c}-2024{k}" for c in countries for k in (".es.pdf", ".infographic.es.png"))
assert sorted(os.listdir(only)) == want, sorted(os.listdir(only))
def body(path):
    data = open(path, "rb").read()
    return re.sub(rb"/CreationDate \(D:[0-9Z+'-]+\)", b"", data) if path.endswith(".pdf") else data
for n in want:
    assert body(f"{only}/{n}") == body(f"{full}/{n}"), n
PY
expect_status 2 "$OBSERVA" report -d "$O" --all --period 2024 --format pdf,jpg -o "$T/bad"
expect_grep "$T/err" "«jpg» con --all"
[ ! -e "$T/bad" ] || fail "a refused --format wrote a folder"
expect_status 2 "$OBSERVA" report -d "$O" --all --period 2024 --jobs 0
expect_grep "$T/err" "se esperaba un número"
expect_status 2 "$OBSERVA" --lang en report -d "$O" --territory SLV --period 2024 --jobs 2
expect_grep "$T/err" "only with --all"
# refused with a territory, in both languages
expect_status 2 "$OBSERVA" report -d "$O" --all --period 2024 --territory SLV
expect_grep "$T/err" "solo --period"
expect_status 2 "$OBSERVA" --lang en report -d "$O" --all --period 2024 --territory SLV
expect_grep "$T/err" "only --period"

# publish --reports: inside the new release, in its manifest and catalogue
expect_status 0 "$OBSERVA" publish -d "$O" --year 2024 --reports 2024
R="$O/releases/v2"
python3 - "$R" $countries <<'PY' || fail "publish --reports: manifest or catalogue"
import hashlib, json, os, sys
rel, countries = sys.argv[1], sys.argv[2:]
man = json.load(open(f"{rel}/manifest.json"))
files = {f["path"]: f for f in man["files"]}
want = {f"reports/{c}-2024.{l}.{x}" for c in countries for l in ("es", "en")
        for x in ("html", "pdf")}
want |= {f"reports/{c}-2024.infographic.{l}.{x}" for c in countries for l in ("es", "en")
         for x in ("png", "svg")}
have = set(p for p in files if p.startswith("reports/"))
assert have == want, (sorted(want - have), sorted(have - want))
on_disk = set("reports/" + n for n in os.listdir(f"{rel}/reports"))
assert on_disk == want, sorted(on_disk ^ want)
for p in want:
    data = open(f"{rel}/{p}", "rb").read()
    assert hashlib.sha256(data).hexdigest() == files[p]["sha256"], p
    assert len(data) == files[p]["bytes"], p
cat = open(f"{rel}/catalog.jsonld", encoding="utf-8").read()
for p in want:
    assert f"/v2/{p}" in cat, f"{p} not in the catalogue"
print("manifest and catalogue", len(want))
PY

# the portal lists them and the release route serves each one
start_server "$O"
code=$(curl -s -o "$T/datos.html" -w '%{http_code}' "$B/es/datos") || fail "curl /es/datos"
[ "$code" = 200 ] || fail "/es/datos: $code"
expect_grep "$T/datos.html" "Boletines e infografías"
python3 - "$T/datos.html" "$R/manifest.json" >"$T/links" <<'PY' || fail "portal: links"
import html, json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
man = json.load(open(sys.argv[2]))
v2 = page[page.index('id="v2"'):]
ul = v2[v2.index('<ul class="reports">'):]
ul = ul[:ul.index("</ul>")]
links = {html.unescape(h) for h in re.findall(r'<a href="([^"]+)">', ul)}
want = {"/api/v1/releases/v2/" + f["path"] for f in man["files"] if f["path"].startswith("reports/")}
assert want and links == want, (sorted(want - links), sorted(links - want))
for f in man["files"]:
    if f["path"].startswith("reports/"):
        print(f["path"], f["sha256"])
PY
while read -r path sha; do
	case $path in
	*.html) type="text/html; charset=utf-8" ;;
	*.pdf) type="application/pdf" ;;
	*.png) type="image/png" ;;
	*.svg) type="image/svg+xml" ;;
	*) fail "unexpected $path" ;;
	esac
	got=$(curl -s -o "$T/file" -w '%{http_code} %{content_type}' "$B/api/v1/releases/v2/$path") ||
		fail "curl $path"
	[ "$got" = "200 $type" ] || fail "$path: «$got», expected «200 $type»"
	[ "$(sha256sum <"$T/file" | cut -c 1-64)" = "$sha" ] || fail "$path: bytes differ from the manifest"
done <"$T/links"
[ "$(wc -l <"$T/links")" -ge 8 ] || fail "too few reports checked"
