# report.sh - "observa report" on a small demo release: the bulletins of
# countries and of an admin-1 unit, in Spanish and English, are one page
# with no external request; every headline number is the release's; a cell
# the release suppresses never shows its value; no data is never written 0;
# the PDF has the same numbers on A4 pages with embedded fonts; the bars by
# age group and weapon and the units that changed most are the release's
# too; bad input (and every period form the release cannot serve) is
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
# the release's rows of the territories below, read once (its CSV is large)
awk -F, 'NR == 1 || $3 ~ /^(SLV|BLZ)/' "$R/indicators.csv" >"$T/rel.csv"

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
# sections.py HTML LANG TERRITORY YEAR CATALOG RELEASE_CSV: the bars by age
# group and by weapon of the first indicator (the catalogue's indicators
# whose numerator is the first's and one age or weapon clause) show the
# release's counts ("suprimido" where it suppresses; the other weapons are
# the total less the weapons', suppressed when a term is), and the table
# of the units that changed most has each unit's name, rates and counts as
# the release has them.
cat >"$T/sections.py" <<'EOF2'
import csv, html, re, sys
path, lang, terr, year, cat, rel = sys.argv[1:7]
es = lang == "es"
inds = list(csv.DictReader(open(cat, encoding="utf-8")))
first = inds[0]
rows = {}
for r in csv.DictReader(open(rel, encoding="utf-8")):
    if r["sex"] == "T" and r["year"] in (year, str(int(year) - 1)):
        rows[(r["indicator"], r["territory"], r["year"])] = r
supp, nodata = ("suprimido", "sin datos") if es else ("suppressed", "no data")

def num(v, dec):
    s = f"{v:,.{dec}f}"
    ip, _, fp = s.partition(".")
    if len(ip.replace(",", "")) < 5:
        ip = ip.replace(",", "")
    elif es:
        ip = ip.replace(",", "\u202f")
    return ip + ((("," if es else ".") + fp) if fp else "")

def cell(r, field, dec):
    if r is None or r["status"] == "M" or (r["status"] != "C" and r[field] == ""):
        return nodata
    return supp if r["status"] == "C" else num(float(r[field]), dec)

text = open(path, encoding="utf-8").read()
figs = {html.unescape(t): html.unescape(d) for t, d in
        re.findall(r"<title>([^<]*)</title>\s*<desc>([^<]*)</desc>", text)}

def bars(prefix):
    for t, d in figs.items():
        if t.startswith(prefix):
            out = {}
            for part in d.split(". ", 1)[1].rstrip(".").split("; "):
                k, v = part.rsplit(": ", 1)
                out[k] = v
            return out
    sys.exit(f"{path}: no figure «{prefix}»")

def breakdown(field, same_unit):
    base = first["numerator"] + " & " + field + "="
    return [(i, i["numerator"][len(base):]) for i in inds[1:]
            if i["numerator"].startswith(base) and not re.search("[&|,]", i["numerator"][len(base):])
            and (not same_unit or float(i["multiplier"]) == float(first["multiplier"]))]

def age(v):
    if v.endswith("+"):
        return f"{v[:-1]} años o más" if es else f"{v[:-1]} or older"
    lo, hi = v.split("-")
    return f"{lo} a {hi} años" if es else f"{lo} to {hi} years"

got = bars("Víctimas por edad:" if es else "Victims by age group:")
want = {age(v): cell(rows.get((i["id"], terr, year)), "count", 0) for i, v in breakdown("age", True)}
if len(want) < 2 or got != want:
    sys.exit(f"{path}: by age {got}, the release says {want}")
got = bars("Víctimas por arma:" if es else "Victims by weapon:")
weap = breakdown("mechanism", False)
names = {"firearm": "Arma de fuego" if es else "Firearm"}
want = {names[v]: cell(rows.get((i["id"], terr, year)), "count", 0) for i, v in weap}
total = rows.get((first["id"], terr, year))
terms = [total] + [rows.get((i["id"], terr, year)) for i, _ in weap]
rest = "Otra arma o sin dato" if es else "Other weapon or not recorded"
if any(r and r["status"] == "C" for r in terms):
    want[rest] = supp
elif any(r is None or r["status"] == "M" or r["count"] == "" for r in terms):
    want[rest] = nodata
else:
    want[rest] = num(float(total["count"]) - sum(float(r["count"]) for r in terms[1:]), 0)
if not weap or got != want:
    sys.exit(f"{path}: by weapon {got}, the release says {want}")
# the units that changed most: the table after its heading
part = text.split("Los que más cambiaron" if es else "Largest changes", 1)[1].split("</table>")[0]
n = 0
byname = {r["territory_name"]: r["territory"] for r in rows.values() if r["parent"] == terr}
for m in re.finditer(r"<tr><td>(.*?)</td>(.*?)</tr>", part):
    name = html.unescape(m.group(1))
    cells = [html.unescape(c.replace("<sup>*</sup>", ""))
             for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(2))]
    code = byname.get(name)
    if not code:
        sys.exit(f"{path}: «{name}» is not a unit below {terr}")
    r0 = rows.get((first["id"], code, str(int(year) - 1)))
    r1 = rows.get((first["id"], code, year))
    exp = [cell(r0, "value", 1), cell(r1, "value", 1), cell(r0, "count", 0), cell(r1, "count", 0)]
    if cells[:4] != exp:
        sys.exit(f"{path}: {name}: {cells[:4]}, the release says {exp}")
    n += 1
if n == 0:
    # no table: then no unit has two years to compare (shown, with a
    # population and events the year before)
    if ("Ningún territorio tiene datos comparables" if es else "No territory has comparable") not in part:
        sys.exit(f"{path}: neither a table of the units that changed most nor why not")
    for code in set(byname.values()):
        r0 = rows.get((first["id"], code, str(int(year) - 1)))
        r1 = rows.get((first["id"], code, year))
        if all(r and r["status"] not in ("C", "M") and r["count"] and r["denominator"] and
               float(r["denominator"]) > 0 for r in (r0, r1)) and float(r0["count"]) > 0:
            sys.exit(f"{path}: {code} has two years to compare, and no row")
print(path, "sections ok", n)
EOF2
check() { # FILE LANG TERRITORY
	python3 "$T/check.py" "$1" "$2" "$3" 2024 "$O/catalog/indicators.csv" "$T/rel.csv" ||
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
	[ "$terr" = BLZ ] ||
		python3 "$T/sections.py" "$H" "$lang" "$terr" 2024 "$O/catalog/indicators.csv" \
			"$T/rel.csv" || fail "$H: sections"
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
# periods: one, in the forms of "observa indicators"; a range or another
# form is refused naming the value and the accepted forms, in both languages
for p in 2024-Q5 2024-YTD 2024-01..2024-09 2023..2024 24; do
	expect_status 2 "$OBSERVA" report -d "$O" --territory SLV --period "$p"
	expect_grep "$T/err" "--period «$p»: se esperaba un periodo: un año (2024), un trimestre (2024-Q3), un mes (2024-09) o lo que va del año hasta un día (ytd:2024-09-30)"
done
expect_status 2 "$OBSERVA" --lang en report -d "$O" --territory SLV --period 2024-YTD
expect_grep "$T/err" "--period «2024-YTD»: expected one period: a year (2024), a quarter (2024-Q3), a month (2024-09) or the year to a day (ytd:2024-09-30)"
# a quarter, a month or a year to date needs monthly figures, which the
# release does not have: said, and no bulletin of zeros or of the year
for p in 2024-Q3 2024-09 ytd:2024-09-30; do
	expect_status 1 "$OBSERVA" report -d "$O" --territory SLV --period "$p" -o "$T/q.html"
	expect_grep "$T/err" "la publicación v1 solo tiene cifras anuales: el boletín de «$p» pide cifras mensuales"
	[ ! -e "$T/q.html" ] || fail "$p: a refused bulletin left its file"
done
expect_status 1 "$OBSERVA" --lang en report -d "$O" --territory SLV --period 2024-Q3 --format pdf
expect_grep "$T/err" "the release v1 has yearly figures only"
[ ! -s "$T/out" ] || fail "2024-Q3: something was written"
expect_status 2 "$OBSERVA" report -d "$O" --territory SLV --period 2024 --format docx
expect_grep "$T/err" "docx"
expect_status 2 "$OBSERVA" report -d "$O" --territory SLV
