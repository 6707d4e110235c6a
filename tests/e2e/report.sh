# report.sh - "observa report" on a small demo release: the bulletins of
# countries and of an admin-1 unit, in Spanish and English, are one page
# with no external request; every headline number is the release's; a cell
# the release suppresses never shows its value; no data is never written 0;
# the PDF has the same numbers on A4 pages with embedded fonts; bad input is
# refused in both languages with the usual exit status.
export LC_ALL=C.UTF-8
O="$T/obs"
expect_status 0 "$OBSERVA" demo "$O" --scale 0.01

# no release yet
expect_status 1 "$OBSERVA" report -d "$O" --territory SLV --period 2024
expect_grep "$T/err" "observa publish"
expect_status 1 "$OBSERVA" --lang en report -d "$O" --territory SLV --period 2024
expect_grep "$T/err" "has no releases"

expect_status 0 "$OBSERVA" publish -d "$O" --year 2023..2024
R="$O/releases/v1"

# check.py TEXT LANG TERRITORY YEAR CATALOG RELEASE_CSV: every headline row
# of the bulletin (HTML, or the PDF's text) against the release's CSV: the
# year's value (one decimal) and count and the previous year's value, as the
# language writes numbers; a cell the release suppresses reads "suprimido",
# one without data "sin datos", never a number (nor 0); every indicator the
# release has for the territory and year is in the table.
cat >"$T/check.py" <<'EOF'
import csv, html, re, sys
path, lang, terr, year, cat, rel = sys.argv[1:7]
names = {r["id"]: r["name_en" if lang == "en" else "name_es"]
         for r in csv.DictReader(open(cat, encoding="utf-8"))}
rows = {}
for r in csv.DictReader(open(rel, encoding="utf-8")):
    if r["territory"] == terr and r["sex"] == "T":
        rows[(r["indicator"], r["year"])] = r

def fmt(v, dec):
    s = f"{abs(v):.{dec}f}"
    ip, _, fp = s.partition(".")
    if len(ip) >= 5:
        sep = "\u202f" if lang == "es" else ","
        g = []
        while len(ip) > 3:
            g.insert(0, ip[-3:])
            ip = ip[:-3]
        g.insert(0, ip)
        ip = sep.join(g)
    s = ip + ((("," if lang == "es" else ".") + fp) if fp else "")
    return "-" + s if v < 0 and float(s.replace(",", ".").replace("\u202f", "")) else s

supp, nodata = ("suprimido", "sin datos") if lang == "es" else ("suppressed", "no data")

def want(r, field, dec):
    if r is None:
        return nodata
    if r["status"] == "C":
        if r["value"] or r["count"]:
            sys.exit(f"the release shows a suppressed cell: {r}")
        return supp
    if r["status"] == "M" or r[field] == "":
        return nodata
    return fmt(float(r[field]), dec)

text = open(path, encoding="utf-8").read()
got = {}
if path.endswith(".html"):
    table = text.split("</table>", 1)[0]
    for m in re.finditer(r"<tr><td>(.*?)</td>(.*?)</tr>", table):
        cells = [html.unescape(c.replace("<sup>*</sup>", ""))
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(2))]
        got[html.unescape(m.group(1))] = cells
else:  # pdftotext -layout: a name, then its cells, split at two blanks
    for line in text.splitlines():
        parts = [p.strip().rstrip("*") for p in re.split(r"\s{2,}", line.strip())]
        if len(parts) >= 4:
            got.setdefault(parts[0], parts[1:])
seen = {"C": 0, "M": 0, "": 0}
prev = str(int(year) - 1)
for (ind, y), r in rows.items():
    if y != year:
        continue
    name = names[ind]
    if name not in got:
        if path.endswith(".html"):
            sys.exit(f"{path}: no headline row for {ind} «{name}»")
        continue  # a name the PDF wraps onto two lines
    exp = [want(r, "value", 1), want(r, "count", 0), want(rows.get((ind, prev)), "value", 1)]
    if got[name][:3] != exp:
        sys.exit(f"{path}: {ind}: {got[name][:3]}, the release says {exp}")
    seen[r["status"]] += 1
if sum(seen.values()) < 5:
    sys.exit(f"{path}: only {seen} rows checked")
print(path, seen)
EOF
check() { # FILE LANG TERRITORY
	python3 "$T/check.py" "$1" "$2" "$3" 2024 "$O/catalog/indicators.csv" "$R/indicators.csv" ||
		fail "$1: headline numbers"
}

for p in SLV:es SLV06:en BLZ:es; do
	terr=${p%%:*}
	lang=${p##*:}
	H="$T/$terr-$lang.html"
	expect_status 0 "$OBSERVA" report -d "$O" --territory "$terr" --period 2024 --lang "$lang" \
		-o "$H"
	[ -s "$H" ] || fail "$terr $lang: empty bulletin"
	# no external request: no src/href/url() to another place, no script
	! grep -E -i -q "(src|href)=[\"']?[a-z]*:?//|url\(|@import|<script|<link|<img" "$H" ||
		fail "$terr $lang: an external reference"
	check "$H" "$lang" "$terr"
done
grep -q '<html lang="es">' "$T/SLV-es.html" && grep -q '<html lang="en">' "$T/SLV06-en.html" ||
	fail "html lang"
expect_grep "$T/SLV-es.html" "Cifras principales"
expect_grep "$T/SLV06-en.html" "Headline numbers"
expect_grep "$T/SLV-es.html" "Fuente: publicación v1"
expect_grep "$T/SLV06-en.html" "San Salvador"
# the release suppresses cells of both, and has a country without data
grep -q 'class="n na">suprimido<' "$T/SLV-es.html" || fail "SLV: no suppressed cell to check"
grep -q 'class="n na">suppressed<' "$T/SLV06-en.html" || fail "SLV06: no suppressed cell"
grep -q 'class="n na">sin datos<' "$T/BLZ-es.html" || fail "BLZ: no cell without data"
# the engine counts what the release publishes (an unsuppressed count)
n=$(awk -F, '$1 == "theft_rate" && $3 == "SLV" && $6 == 2024 && $7 == "T" { print $9 }' \
	"$R/indicators.csv")
[ -n "$n" ] || fail "the release has no theft count of SLV"
expect_status 0 "$OBSERVA" indicators -d "$O" --territory SLV --period 2024 -i theft_rate \
	--format csv
grep -q ",2024,$n," "$T/out" || fail "release count $n is not the engine's: $(cat "$T/out")"

# PDF: A4 pages, fonts embedded, the same headline numbers
# the PDF of a year the release lacks: refused, no file
expect_status 1 "$OBSERVA" --lang en report -d "$O" --territory SLV --period 2019 -o "$T/bad.pdf"
expect_grep "$T/err" "has no data for this territory in 2019"
[ ! -e "$T/bad.pdf" ] || fail "a refused PDF left its file"
for p in SLV:es SLV06:en; do
	terr=${p%%:*}
	lang=${p##*:}
	P="$T/$terr-$lang.pdf"
	expect_status 0 "$OBSERVA" report -d "$O" --territory "$terr" --period 2024 --lang "$lang" \
		-o "$P"
	[ "$(head -c 5 "$P")" = "%PDF-" ] || fail "$P is not a PDF"
	pdfinfo "$P" >"$T/info" || fail "pdfinfo $P"
	grep -q "^Page size: *595.* x 841.* pts (A4)" "$T/info" || fail "$P: not A4: $(cat "$T/info")"
	pages=$(sed -n 's/^Pages: *//p' "$T/info")
	[ "$pages" -ge 2 ] || fail "$P: $pages pages"
	pdffonts "$P" | awk 'NR > 2 && $(NF - 4) != "yes" { bad = 1 } END { exit bad }' ||
		fail "$P: a font not embedded: $(pdffonts "$P")"
	pdffonts "$P" | grep -q DejaVuSans || fail "$P: not in DejaVu Sans"
	pdftotext -layout "$P" "$T/$terr-$lang.txt" || fail "pdftotext $P"
	check "$T/$terr-$lang.txt" "$lang" "$terr"
	if [ "$lang" = es ]; then
		expect_grep "$T/$terr-$lang.txt" "página $pages de $pages"
	else
		expect_grep "$T/$terr-$lang.txt" "page $pages of $pages"
	fi
done

# bad input, in both languages; nothing left behind
expect_status 2 "$OBSERVA" report -d "$O" --territory SLV99 --period 2024
expect_grep "$T/err" "no tiene el territorio «SLV99»"
expect_status 2 "$OBSERVA" --lang en report -d "$O" --territory SLV99 --period 2024
expect_grep "$T/err" "has no territory «SLV99»"
expect_status 1 "$OBSERVA" report -d "$O" --territory SLV --period 2024 --release v9
expect_grep "$T/err" "v9"
expect_status 2 "$OBSERVA" report -d "$O" --territory SLV --period 2024-Q5
expect_grep "$T/err" "2024-Q5"
expect_status 2 "$OBSERVA" report -d "$O" --territory SLV --period 2024 --format docx
expect_grep "$T/err" "docx"
expect_status 2 "$OBSERVA" report -d "$O" --territory SLV
