# report.sh - "observa report" on a small demo release: the bulletins of
# countries and of an admin-1 unit, in Spanish and English, are one page
# with no external request; every headline number is the release's; a cell
# the release suppresses never shows its value; no data is never written 0;
# the PDF has the same numbers on A4 pages with embedded fonts; the bars by
# age group and weapon, the map and the units that changed most are the
# release's too; a quarter, a month and a year to date have the public
# situational analysis's numbers, those of GET /api/v1/situation; bad input
# is refused in both languages with the usual exit status; the compendium
# and the infographic of a year have the release's and the bulletin's numbers.
export LC_ALL=C.UTF-8
O="$T/obs"
fixture_demo "$O" 0.01

# no release yet
expect_status 1 "$OBSERVA" report -d "$O" --territory SLV --period 2024
expect_grep "$T/err" "observa publish"
expect_status 1 "$OBSERVA" --lang en report -d "$O" --territory SLV --period 2024
expect_grep "$T/err" "has no releases"

rm -rf "$O"
fixture_demo "$O" 0.01 2023..2024
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
# release's counts ("suprimido" where it suppresses; no bar of the other
# weapons: the total less the weapons' is not published), and the table
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
if not weap or got != want:
    sys.exit(f"{path}: by weapon {got}, the release says {want}")
# the units that changed most: the table after its heading
part = text.split("Los que más cambiaron" if es else "Largest changes", 1)[1]
part = part.split("<h2>")[0].split("</table>")[0]  # its table, if it has one
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
# map.py HTML LANG TERRITORY YEAR CATALOG RELEASE_CSV: the bulletin's map is
# the release's: one unit per unit below the territory with a boundary, its
# tooltip the release's value (one decimal) or "suprimido" / "sin datos",
# its class the quantile class (R's type 7, five classes, repeated breaks
# merged, closed on the left) of the release's values, its fill that class's
# colour, a suppressed or empty unit in the hatched no-data class; the
# legend counts the units of each class. Prints how many were suppressed.
cat >"$T/map.py" <<'EOF3'
import csv, html, math, re, sys
path, lang, terr, year, cat, rel = sys.argv[1:7]
es = lang == "es"
first = next(csv.DictReader(open(cat, encoding="utf-8")))["id"]
units = {}
for r in csv.DictReader(open(rel, encoding="utf-8")):
    if r["indicator"] == first and r["parent"] == terr and r["year"] == year and r["sex"] == "T":
        units[r["territory"]] = r
text = open(path, encoding="utf-8").read()

def val(r):
    if r["status"] in ("C", "M") or r["value"] == "":
        return None
    return float(r["value"])

vals = sorted(v for v in map(val, units.values()) if v is not None)
m = re.search(r'<svg[^>]*>(?:(?!</svg>).)*?id="map-nodata".*?</svg>', text, re.S)
if not vals:
    # no unit to shade: a sentence, not a map of hatches
    if m:
        sys.exit(f"{path}: a map with no unit shown")
    want = ("Ninguna unidad puede mostrarse en el mapa" if es
            else "No unit can be shown on the map")
    if want not in text:
        sys.exit(f"{path}: no map and no sentence saying why")
    print(path, "map none shown: said so")
    open(path + ".supp", "w").write("0\n")
    sys.exit(0)
if not m:
    sys.exit(f"{path}: no map")
svg = m.group(0)
k = 5
def q7(p):
    n = len(vals)
    idx = 1 + (n - 1) * p
    lo, hi = math.floor(idx), math.ceil(idx)
    q = vals[lo - 1]
    if idx > lo and vals[hi - 1] != q:
        h = idx - lo
        q = (1 - h) * q + h * vals[hi - 1]
    return q
raw = [q7(min(i * (1.0 / k), 1)) for i in range(k + 1)] if vals else []
brks = raw[:1]
for b in raw[1:]:
    if b > brks[-1]:
        brks.append(b)
if vals and len(brks) == 1:
    brks.append(brks[0])
nk = len(brks) - 1

def klass(v):
    if v is None or nk == 0:
        return 0
    for c in range(1, nk):
        if v < brks[c]:
            return c
    return nk

ramp = [(255, 255, 204), (161, 218, 180), (65, 182, 196), (44, 127, 184), (37, 52, 148)]
def colour(c):
    t = (c - 1) / (nk - 1) if nk > 1 else 0.5
    pos = t * 4
    i = min(int(math.floor(pos)), 3)
    f = pos - i
    def rnd(x):  # C's lround: half away from zero
        return int(math.floor(x + 0.5))
    return "#%02x%02x%02x" % tuple(rnd(ramp[i][j] + f * (ramp[i + 1][j] - ramp[i][j])) for j in range(3))

def num(v):
    s = f"{v:,.1f}"
    ip, _, fp = s.partition(".")
    if len(ip.replace(",", "")) < 5:
        ip = ip.replace(",", "")
    elif es:
        ip = ip.replace(",", "\u202f")
    return ip + ("," if es else ".") + fp

seen, supp, counts = set(), 0, {}
for fill, title in re.findall(r'<path fill="([^"]*)" d="[^"]*"><title>([^<]*)</title></path>', svg):
    title = html.unescape(title)
    mm = re.match(r".* \(([A-Z0-9]+)\): (.*)$", title)
    if not mm or mm.group(1) not in units:
        sys.exit(f"{path}: map unit «{title}» is not a unit below {terr}")
    code, tip = mm.groups()
    r = units[code]
    seen.add(code)
    c = klass(val(r))
    counts[c] = counts.get(c, 0) + 1
    if c == 0:
        want = ("suprimido" if es else "suppressed") if r["status"] == "C" else \
               ("sin datos" if es else "no data")
        if tip != want or fill != "url(#map-nodata)":
            sys.exit(f"{path}: {code} ({r['status']}): «{tip}» {fill}, wanted «{want}» in no data")
        supp += r["status"] == "C"
    else:
        want = f"{num(val(r))} · {'clase' if es else 'class'} {c} "
        if not tip.startswith(want) or fill != colour(c):
            sys.exit(f"{path}: {code}: «{tip}» {fill}, the release says «{want}» {colour(c)}")
if len(seen) < 2:
    sys.exit(f"{path}: only {len(seen)} units on the map")
# the legend: each class's count of units, then no data
legend = [int(n) for n in re.findall(r'class="(?:class|nodata)"[^>]*>[^<]*\((\d+)\)<', svg)]
want = [counts.get(c, 0) for c in range(1, nk + 1)] + ([counts[0]] if counts.get(0) else [])
if legend != want:
    sys.exit(f"{path}: legend counts {legend}, the units {want}")
# the title says the indicator, the territory and the period; the source
# line the release
name = {r["id"]: r["name_es" if es else "name_en"]
        for r in csv.DictReader(open(cat, encoding="utf-8"))}[first]
head = html.unescape(re.search(r"<title>([^<]*)</title>", svg).group(1))
terr_name = [r["territory_name"] for r in csv.DictReader(open(rel, encoding="utf-8"))
             if r["territory"] == terr][0]
if head != f"{name}, {terr_name}, {year}":
    sys.exit(f"{path}: map title «{head}»")
src = "Fuente: publicación v1" if es else "Source: release v1"
if src not in html.unescape(svg):
    sys.exit(f"{path}: the map lacks «{src}»")
print(path, "map ok", len(seen), "units", supp, "suppressed")
print(supp, file=open(path + ".supp", "w"))
EOF3
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
	# no external request: no src/href/url() to another place (url(#id) is
	# the page's own pattern), no script
	! grep -E -i -q "(src|href)=[\"']?[a-z]*:?//|url\([\"']?[^#\"']|@import|<script|<link|<img" "$H" ||
		fail "$terr $lang: an external reference"
	check "$H" "$lang" "$terr"
	[ "$terr" = BLZ ] ||
		python3 "$T/sections.py" "$H" "$lang" "$terr" 2024 "$O/catalog/indicators.csv" \
			"$T/rel.csv" || fail "$H: sections"
	python3 "$T/map.py" "$H" "$lang" "$terr" 2024 "$O/catalog/indicators.csv" "$T/rel.csv" ||
		fail "$H: map"
done
# a suppressed unit is on some map, in the no-data class
awk '{ n += $1 } END { exit !(n > 0) }' "$T"/*.html.supp || fail "no suppressed unit on a map"
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

# sources.py HTML LANG TERRITORY YEAR DEATHS_CSV DELIVERIES_CSV COUNTRY FROM TO:
# the section of violent deaths by institution has, for each year it shows
# (the bulletin's and up to four before it), the release's count of each
# series (the counting rule's figure, validated deaths when a reconciliation
# covers a year, each institution), "suprimido" or "sin datos" as the
# release has them, never a number the release lacks; the deliveries table
# has, for each source of the country, the months of FROM..TO it delivered
# (DELIVERIES_CSV: the release's completeness table, or "observa
# completeness"), and names each month it did not.
cat >"$T/sources.py" <<'EOF9'
import csv, html, re, sys
path, lang, terr, year, deaths, deliv, country, frm, to = sys.argv[1:10]
year = int(year)
page = open(path, encoding="utf-8").read()
es = lang == "es"
def cells(table):
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                     for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)])
    return rows
head = "Muertes violentas según cada institución" if es else \
    "Violent deaths as each institution counts them"
m = re.search(r"<h2>" + head + r", (\d+)</h2>.*?<table>(.*?)</table>", page, re.S)
if not m or int(m.group(1)) != year:
    sys.exit(f"{path}: no table of violent deaths by institution of {year}")
table = cells(m.group(2))
names = {"deaths": "Cifra oficial (regla de conteo)" if es else "Official figure (counting rule)",
         "validated_deaths": "Muertes validadas" if es else "Validated deaths",
         "police": "Policía" if es else "Police",
         "forensic": "Medicina forense" if es else "Forensic medicine",
         "prosecutor": "Fiscalía" if es else "Prosecutor"}
rel = {}
for r in csv.DictReader(open(deaths, encoding="utf-8")):
    if r["territory"] == terr:
        rel[(int(r["year"]), r["count_of"])] = r
header = table[0][1:]
inv = {v: k for k, v in names.items()}
series = [inv.get(h) for h in header]
if None in series:
    sys.exit(f"{path}: unknown column in {header}")
if ("validated_deaths" in series) != any(k[1] == "validated_deaths" and year - 4 <= k[0] <= year
                                         for k in rel):
    sys.exit(f"{path}: validated deaths column {'validated_deaths' in series}, the release differs")
years = []
checked = 0
for row in table[1:]:
    y = int(row[0])
    years.append(y)
    for s, got in zip(series, row[1:]):
        r = rel.get((y, s))
        if r is None or r["status"] == "M":
            want = "sin datos" if es else "no data"
        elif r["status"] == "C":
            want = "suprimido" if es else "suppressed"
        else:
            want = str(int(float(r["count"])))
            got = got.replace("\u00a0", "").replace(" ", "").replace(",", "")
            checked += 1
        if got != want:
            sys.exit(f"{path}: {y} {s}: {got!r}, the release has {want!r}")
want_years = sorted({k[0] for k in rel if year - 4 <= k[0] <= year}, reverse=True)
if years != want_years:
    sys.exit(f"{path}: years {years}, the release has {want_years}")
# the deliveries
m = re.search(r"<h2>" + ("Entregas del periodo" if es else "Deliveries of the period") +
              r"</h2>\s*<table>(.*?)</table>", page, re.S)
if not m:
    sys.exit(f"{path}: no table of deliveries")
fy, fm = map(int, frm.split("-"))
ty, tm = map(int, to.split("-"))
months = [f"{y:04d}-{mo:02d}" for y in range(fy, ty + 1) for mo in range(1, 13)
          if (y, mo) >= (fy, fm) and (y, mo) <= (ty, tm)]
got_src = {}
for r in csv.DictReader(open(deliv, encoding="utf-8")):
    if r["country"] == country and r["month"] in months:
        got_src.setdefault(r["source"], set())
        if r["delivered"] == "1":
            got_src[r["source"]].add(r["month"])
rows = cells(m.group(1))[1:]
for r in rows:  # "Name (code)": the profile's name and the code
    mm = re.fullmatch(r"(.+) \(([^()]+)\)", r[1])
    if not mm:
        sys.exit(f"{path}: source {r[1]!r} is not named")
    r[1] = mm.group(2)
if sorted(r[1] for r in rows) != sorted(got_src):
    sys.exit(f"{path}: sources {[r[1] for r in rows]}, expected {sorted(got_src)}")
missing_seen = 0
for inst, src, n, miss in rows:
    d = got_src[src]
    want = f"{len(d)} de {len(months)}" if es else f"{len(d)} of {len(months)}"
    if n != want:
        sys.exit(f"{path}: {src}: {n!r}, expected {want!r}")
    want_miss = ", ".join(mo for mo in months if mo not in d) or ("ninguno" if es else "none")
    if miss != want_miss:
        sys.exit(f"{path}: {src}: months not delivered {miss!r}, expected {want_miss!r}")
    missing_seen += miss not in ("ninguno", "none")
print(path, "sources ok:", checked, "counts,", len(rows), "sources,", missing_seen,
      "with a month missing")
EOF9
sources() { # HTML LANG TERRITORY YEAR DELIVERIES COUNTRY FROM TO
	python3 "$T/sources.py" "$@" >"$T/out.sources" || fail "$1: violent deaths or deliveries"
	cat "$T/out.sources"
}
# the bulletin of a year: the release's tables
sources "$T/SLV-es.html" es SLV 2024 "$R/violent_deaths.csv" "$R/completeness.csv" SLV 2024-01 2024-12
sources "$T/SLV06-en.html" en SLV06 2024 "$R/violent_deaths.csv" "$R/completeness.csv" SLV 2024-01 2024-12

# a release whose deaths table is missing, or whose deliveries table lacks a
# column: the bulletin says it could not read them (not that there are none),
# and the warning names the file
mv "$R/violent_deaths.csv" "$T/vd.csv"
cp "$R/completeness.csv" "$T/compl-rel.csv"
printf 'source;month\nsv-pnc;2024-01\n' >"$R/completeness.csv"
expect_status 0 "$OBSERVA" report -d "$O" --territory SLV --period 2024 -o "$T/unread.html"
expect_grep "$T/unread.html" "No se pudo leer la tabla de muertes violentas de la publicación v1"
expect_grep "$T/unread.html" "No se pudo leer la tabla de entregas de la publicación"
expect_grep "$T/err" "violent_deaths.csv"
expect_grep "$T/err" "completeness.csv"
mv "$T/vd.csv" "$R/violent_deaths.csv"
cp "$T/compl-rel.csv" "$R/completeness.csv"

# the region: every country side by side and their sum. Each headline row
# is the sum of the countries' counts and denominators in the release (the
# rate of the sums, one decimal), "suprimido" when the release suppresses
# any country's cell, "sin datos" when no country has data; the units below
# are the countries; its violent deaths are the countries' sums too.
expect_status 0 "$OBSERVA" report -d "$O" --territory region --period 2024 -o "$T/reg.html"
python3 - "$T/reg.html" "$R/indicators.csv" "$O/catalog/indicators.csv" "$R/violent_deaths.csv" <<'EOF10' ||
import csv, html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
cat = {r["id"]: r for r in csv.DictReader(open(sys.argv[3], encoding="utf-8"))}
byname = {r["name_es"]: r for r in cat.values()}
cells = {}
for r in csv.DictReader(open(sys.argv[2], encoding="utf-8")):
    if r["level"] == "0" and r["sex"] == "T" and r["year"] in ("2023", "2024"):
        cells.setdefault((r["indicator"], r["year"]), []).append(r)
def fmt(v, dec):
    return f"{v:,.{dec}f}".replace(",", " ").replace(".", ",").replace(" ", "\u202f") \
        if abs(v) >= 10000 else f"{v:.{dec}f}".replace(".", ",")
def want(ind, year, what):
    rows = cells.get((ind, year), [])
    if any(r["status"] == "C" for r in rows):
        return "suprimido"
    rows = [r for r in rows if r["status"] != "M" and r["count"] != ""]
    if not rows:
        return "sin datos"
    c = sum(float(r["count"]) for r in rows)
    d = sum(float(r["denominator"] or 0) for r in rows)
    if what == "count":
        return fmt(c, 0)
    return fmt(c / d * float(cat[ind]["multiplier"]), 1) if d > 0 else "sin datos"
table = page.split("</table>", 1)[0]
n = supp = 0
for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
    td = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
          for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
    ind = byname[td[0]]["id"]
    got = [td[1].rstrip("*"), td[2], td[3].rstrip("*")]  # *: fewer than 20 events
    exp = [want(ind, "2024", "value"), want(ind, "2024", "count"), want(ind, "2023", "value")]
    if got != exp:
        sys.exit(f"region: {ind}: {got}, the countries' sums are {exp}")
    n += 1
    supp += got[0] == "suprimido"
if n < 10 or not supp or supp == n:
    sys.exit(f"region: {n} rows, {supp} suppressed")
# the units below are the countries: the small multiples name each of them
names = {r["territory_name"] for rs in cells.values() for r in rs}
if not all(html.escape(nm) in page for nm in names) or len(names) < 7:
    sys.exit(f"region: not every country is named: {sorted(names)}")
if "Por país" not in page or "Centroamérica y República Dominicana" not in page:
    sys.exit("region: no section by country, or no name of the region")
# violent deaths: the countries' sums of the official figure
vd = [r for r in csv.DictReader(open(sys.argv[4], encoding="utf-8"))
      if r["level"] == "0" and r["year"] == "2024" and r["count_of"] == "deaths"]
m = re.search(r"<tr><td>2024</td><td[^>]*>([^<]*)</td>", page.split("Muertes violentas según", 1)[1])
w = "suprimido" if any(r["status"] == "C" for r in vd) else \
    fmt(sum(float(r["count"]) for r in vd if r["count"]), 0)
if not m or html.unescape(m.group(1)) != w:
    sys.exit(f"region: violent deaths {m and m.group(1)!r}, the countries' sum is {w!r}")
print("region ok:", n, "rows,", supp, "suppressed, deaths", w)
EOF10
	fail "region: not the countries' sums"
expect_status 2 "$OBSERVA" report -d "$O" --territory region --period 2024-Q4 -o "$T/bad.html"
expect_grep "$T/err" "la región son de un año"
expect_status 2 "$OBSERVA" --lang en report -d "$O" --territory REGION --period 2024 --compendium
expect_grep "$T/err" "a compendium is a country's"

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
		expect_grep "$T/$terr-$lang.txt" "Clases (cuantiles)"
	else
		expect_grep "$T/$terr-$lang.txt" "page $pages of $pages"
		expect_grep "$T/$terr-$lang.txt" "Classes (quantiles)"
	fi
done

# the compendium of a country: each indicator's table by admin-1 unit and
# the annex of admin-2 units have the release's cells (counts, values,
# intervals, "suprimido" / "sin datos"), in HTML (Spanish) and in the PDF's
# text (English); the infographic's numbers are the bulletin's headline
# cells, as SVG, PNG (1080 x 1350) and an A4 page
cat >"$T/comp.py" <<'EOF5'
import csv, html, re, sys
path, lang, terr, year, cat, rel = sys.argv[1:7]
es = lang == "es"
inds = list(csv.DictReader(open(cat, encoding="utf-8")))
rows, a2, dept, has = {}, {}, {}, set()
for r in csv.DictReader(open(rel, encoding="utf-8")):
    if r["sex"] != "T" or r["year"] != year:
        continue
    if r["territory"] == terr or r["parent"] == terr:
        rows[(r["indicator"], r["territory_name"])] = r
        dept[r["territory"]] = r["territory_name"]
        has.add(r["indicator"]) if r["territory"] == terr else None
    elif r["country"] == terr and r["level"] == "2":
        a2[(r["indicator"], r["territory_name"], r["parent"])] = r
supp, nodata = ("suprimido", "sin datos") if es else ("suppressed", "no data")

def num(v, dec):
    s = f"{abs(v):,.{dec}f}"
    ip, _, fp = s.partition(".")
    if len(ip.replace(",", "")) < 5:
        ip = ip.replace(",", "")
    elif es:
        ip = ip.replace(",", "\u202f")
    s = ip + ((("," if es else ".") + fp) if fp else "")
    return "-" + s if v < 0 and any(c not in "0,." for c in s) else s

def cell(r, field, dec):
    if r is None or r["status"] == "M" or (r["status"] != "C" and r[field] == ""):
        return nodata
    return supp if r["status"] == "C" else num(float(r[field]), dec)

def interval(r):
    v = cell(r, "value", 1)
    if v in (supp, nodata):
        return v
    return "—" if r["lower"] == "" else f"{num(float(r['lower']), 1)} – {num(float(r['upper']), 1)}"

text = html.unescape(open(path, encoding="utf-8").read())
if path.endswith(".html"):
    parts = re.split(r'<h2 id="s\d+">(.*?)</h2>', text)
    sections = {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}
    table = lambda body: [[c for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", m)]
                          for m in re.findall(r"<tr>(.*?)</tr>", body.split("</table>")[0])][1:]
else:  # pdftotext -layout: a heading alone on its line, then rows split at two blanks
    sections, cur = {}, None
    names = {i["name_es" if es else "name_en"] for i in inds}
    for line in text.splitlines():
        t = line.strip()
        if t in names or t.startswith(("Department: ", "Departamento: ", "Annex", "Anexo")):
            cur = t
            sections[cur] = []
        elif cur:
            sections[cur].append([p.strip() for p in re.split(r"\s{2,}", t)])
    table = lambda body: body
checked = {"C": 0, "": 0, "M": 0}
for ind in inds:
    name = ind["name_es" if es else "name_en"]
    if name not in sections:
        continue
    for row in table(sections[name]):
        r = rows.get((ind["id"], row[0]))
        if r is None or len(row) < 5:
            continue
        want = [cell(r, "count", 0), cell(r, "value", 1), interval(r)]
        got = [row[1], row[3].replace("<sup>*</sup>", "").rstrip("*"), row[4]]
        if got != want:
            sys.exit(f"{path}: {ind['id']} {row[0]}: {got}, the release says {want}")
        checked[r["status"]] += 1
if sum(checked.values()) < 40 or not checked["C"]:
    sys.exit(f"{path}: only {checked} cells checked (a suppressed one among them)")
# the annex: municipality, department, the first indicators' values
annex = next(v for k, v in sections.items() if k.startswith(("Anexo", "Annex")))
first = [i for i in inds if i["id"] in has][:4]
code = {v: k for k, v in dept.items()}
n = 0
for row in table(annex):
    if len(row) < 6 or (first[0]["id"], row[0], code.get(row[1])) not in a2:
        continue
    want = [cell(a2.get((i["id"], row[0], code[row[1]])), "value", 1) for i in first]
    row = row[:2] + [c.replace("<sup>*</sup>", "").rstrip("*") for c in row[2:]]
    if row[2:6] != want:
        sys.exit(f"{path}: annex {row[0]}: {row[2:6]}, the release says {want}")
    n += 1
if n < 20:
    sys.exit(f"{path}: {n} municipalities checked in the annex")
print(path, "compendium ok", checked, n)
EOF5
expect_status 0 "$OBSERVA" report -d "$O" --territory SLV --period 2024 --compendium \
	-o "$T/comp-es.html"
python3 "$T/comp.py" "$T/comp-es.html" es SLV 2024 "$O/catalog/indicators.csv" "$R/indicators.csv" ||
	fail "compendium (es)"
expect_grep "$T/comp-es.html" '<a href="#s1">Tasa de homicidios intencionales</a>'
expect_status 0 "$OBSERVA" --lang en report -d "$O" --territory SLV --period 2024 --compendium \
	--format pdf -o "$T/comp-en.pdf"
pdftotext -layout "$T/comp-en.pdf" "$T/comp-en.txt" || fail "pdftotext of the compendium"
python3 "$T/comp.py" "$T/comp-en.txt" en SLV 2024 "$O/catalog/indicators.csv" "$R/indicators.csv" ||
	fail "compendium (en)"
expect_grep "$T/comp-en.txt" "Contents"
expect_status 2 "$OBSERVA" report -d "$O" --territory SLV06 --period 2024 --compendium
expect_grep "$T/err" "«SLV06» no es un país"
expect_status 2 "$OBSERVA" report -d "$O" --territory SLV --period 2024-Q3 --format infographic
expect_grep "$T/err" "son de un año"
expect_status 0 "$OBSERVA" report -d "$O" --territory SLV --period 2024 --format infographic \
	-o "$T/info-es.svg"
python3 - "$T/info-es.svg" "$T/SLV-es.html" "$O/catalog/indicators.csv" <<'EOF6' || fail "infographic"
import csv, html, re, sys
svg, bul, cat = sys.argv[1:4]
names = {r["id"]: r["name_es"] for r in csv.DictReader(open(cat, encoding="utf-8"))}
b = open(bul, encoding="utf-8").read().split("</table>", 1)[0]
head = {html.unescape(m.group(1)): [html.unescape(c.replace("<sup>*</sup>", ""))
        for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(2))]
        for m in re.finditer(r"<tr><td>(.*?)</td>(.*?)</tr>", b)}
s = open(svg, encoding="utf-8").read()
tiles = re.findall(r'<g class="number" data-indicator="([^"]*)">(.*?)</g>', s, re.S)
if not 4 <= len(tiles) <= 6:
    sys.exit(f"{len(tiles)} headline numbers")
for ind, body in tiles:
    value = html.unescape(re.search(r'class="value"[^>]*>([^<]*)<', body).group(1))
    change = html.unescape(re.search(r'class="change"[^>]*>([^<]*)<', body).group(1))
    cells = head[names[ind]]
    want = f"{cells[3]} frente a 2023" if cells[3] != "—" else "sin comparación con 2023"
    if value != cells[0] or change != want:
        sys.exit(f"{ind}: «{value}» «{change}», the bulletin says «{cells[0]}» «{want}»")
if 'id="map-nodata"' not in s or "Línea" not in s and "Gráfico de líneas" not in s:
    sys.exit("no map or no chart")
print("infographic ok", len(tiles))
EOF6
expect_grep "$T/info-es.svg" "Fuente: publicación v1, observa · datos al"
expect_status 0 "$OBSERVA" --lang en report -d "$O" --territory SLV --period 2024 \
	--format infographic -o "$T/info-en.png"
python3 -c "import struct,sys; d=open(sys.argv[1],'rb').read(24); \
sys.exit(d[:8] != b'\x89PNG\r\n\x1a\n' or struct.unpack('>II', d[16:24]) != (1080, 1350))" \
	"$T/info-en.png" || fail "the infographic is not a 1080 x 1350 PNG"
expect_status 0 "$OBSERVA" report -d "$O" --territory SLV --period 2024 --format infographic \
	-o "$T/info-es.pdf"
pdfinfo "$T/info-es.pdf" >"$T/info" || fail "pdfinfo of the infographic"
grep -q "^Pages: *1$" "$T/info" && grep -q "^Page size: *595.* x 841.* pts (A4)" "$T/info" ||
	fail "the infographic is not one A4 page: $(cat "$T/info")"

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
# a quarter, a month or a year to date: the public situational analysis of
# the records, every number of the bulletin the API's for the same
# territory, crime and period (GET /api/v1/situation, which the server
# answers the public with), what it withholds "suprimido"
# sit.py HTML LANG TERRITORY PERIOD YTD(0|1) BASE CATALOG: each crime's
# headline row (victims, rate, the year before, change and whether beyond
# chance), the first crime's comparisons and the five units that changed
# most, against the API's rows.
cat >"$T/sit.py" <<'EOF4'
import csv, html, json, re, sys, urllib.request
path, lang, terr, sitper, ytd, base, cat = sys.argv[1:8]
es = lang == "es"
inds = [r for r in csv.DictReader(open(cat, encoding="utf-8"))
        if r["denominator"].startswith("population")]
supp, nodata = ("suprimido", "sin datos") if es else ("suppressed", "no data")
head = "year_to_date" if ytd == "1" else "year_earlier"

def num(v, dec):
    s = f"{abs(v):,.{dec}f}"
    ip, _, fp = s.partition(".")
    if len(ip.replace(",", "")) < 5:
        ip = ip.replace(",", "")
    elif es:
        ip = ip.replace(",", "\u202f")
    s = ip + ((("," if es else ".") + fp) if fp else "")
    return "-" + s if v < 0 and any(c not in "0,." for c in s) else s

def cell(r, k, dec):
    if r["status"] == "suppressed":
        return supp
    return nodata if r[k] is None else num(r[k], dec)

def change(r):
    if r["status"] == "suppressed":
        return [supp, ""]
    if r["ratio"] is None:
        c = "—"
    else:
        p = (r["ratio"] - 1) * 100
        c = ("+" if p > 0 else "") + num(p, 1) + " %"
    v = {"increase": ("aumento significativo", "significant increase"),
         "decrease": ("disminución significativa", "significant decrease"),
         "none": ("dentro del azar", "within chance")}.get(r["change"], ("", ""))
    return [c, v[0] if es else v[1]]

def table(text):
    out = []
    for m in re.finditer(r"<tr><td>(.*?)</td>(.*?)</tr>", text):
        out.append([html.unescape(m.group(1))] +
                   [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(2))])
    return out

text = open(path, encoding="utf-8").read()
tables = text.split("</table>")
headline = {r[0]: r[1:] for r in table(tables[0])}
first, n, hidden = None, 0, 0
for ind in inds:
    q = f"{base}/api/v1/situation?territory={terr}&period={sitper}&indicator={ind['id']}"
    rows = json.load(urllib.request.urlopen(q))["data"]
    mine = [r for r in rows if r["section"] == "territory"]
    r = next((r for r in mine if r["comparison"] == head), None)
    name = ind["name_es" if es else "name_en"]
    if r is None:
        if name in headline:
            sys.exit(f"{path}: {ind['id']} in the table, not in the API")
        continue
    want = [cell(r, "count", 0), cell(r, "rate", 1), cell(r, "baseline_count", 0),
            cell(r, "baseline_rate", 1)] + change(r)
    if headline.get(name) != want:
        sys.exit(f"{path}: {ind['id']}: {headline.get(name)}, the API says {want}")
    hidden += r["status"] == "suppressed"
    n += 1
    if first is None:
        first = ind
        # the comparisons of the first crime: each of the API's
        got = table(tables[1])
        want = [[r["period"], cell(r, "count", 0), r["baseline"], cell(r, "baseline_count", 0)]
                + change(r) for r in mine]
        if [g[1:] for g in got] != want:
            sys.exit(f"{path}: comparisons {got}, the API says {want}")
        hidden += sum(r["status"] == "suppressed" for r in mine)
        # the units that changed most: the API's ranking, first five, less
        # those without data of either period (ranked last, not a change)
        units = sorted((r for r in rows if r["section"] == "unit" and r["rank"] and r["rank"] <= 5
                        and r["status"] != "no_data"),
                       key=lambda r: r["rank"])
        got = table(text.split("Los que más cambiaron" if es else "Largest changes", 1)[1]
                    .split("<h2>", 1)[0].split("</table>", 1)[0])
        want = [[r["territory_name"], cell(r, "count", 0), cell(r, "rate", 1),
                 cell(r, "baseline_count", 0), cell(r, "baseline_rate", 1)] + change(r)
                for r in units]
        if got != want:
            sys.exit(f"{path}: units {got}, the API says {want}")
        hidden += sum(r["status"] == "suppressed" for r in units)
if n < len(inds) // 2 or len(headline) != n:
    sys.exit(f"{path}: {n} crimes checked, {len(headline)} in the table")
# the trend: 24 months to the period's last one, each step the API's
# answer for that month alone (its rate, "suprimido" when it withholds
# it); the small multiples of the last month: each unit's rate as the API
# ranks it, a unit it hides or leaves out a gap ("sin datos")
y, m = map(int, sitper.split("-"))
steps = [f"{(y * 12 + m - 1 - k) // 12:04d}-{(y * 12 + m - 1 - k) % 12 + 1:02d}"
         for k in range(23, -1, -1)]
descs = re.findall(r"<desc>(.*?)</desc>", text, re.S)
trend = next(d for d in descs if d.startswith("Gráfico de líneas." if es else "Line chart."))
trend = dict(p.split(" ", 1) for p in trend.split(". ", 1)[1].rstrip(".").split(", "))
if list(trend) != steps:
    sys.exit(f"{path}: trend steps {list(trend)}, want {steps}")
api = lambda step, extra="": json.load(urllib.request.urlopen(
    f"{base}/api/v1/situation?territory={terr}&period={step}&indicator={first['id']}{extra}"))["data"]
for step in steps[:1] + steps[-4:]:
    r = next((r for r in api(step) if r["section"] == "territory"
              and r["comparison"] == "year_earlier"), None)
    want = nodata if r is None else cell(r, "rate", 1)
    if trend[step] != want:
        sys.exit(f"{path}: trend {step}: {trend[step]}, the API says {want}")
    hidden += want == supp
units = {html.unescape(r["territory_name"]): r for r in api(steps[-1], "&top=1000")
         if r["section"] == "unit" and r["comparison"] == "year_earlier"}
multi = next(d for d in descs if d.startswith("Gráficos pequeños" if es else "Small multiples"))
panels = multi.split(". ", 1)[1].rstrip(".").split("; ")
shown_units = 0
for p in panels:
    name, cells = p.split(": ", 1)
    got = cells.rsplit(", ", 1)[-1].split(" ", 1)[1]
    r = units.get(html.unescape(name))
    want = nodata if r is None or r["status"] == "suppressed" or r["rate"] is None \
        else num(r["rate"], 1)
    if got != want:
        sys.exit(f"{path}: {name} {steps[-1]}: {got}, the API says {want}")
    shown_units += want != nodata
if len(panels) < 2:
    sys.exit(f"{path}: {len(panels)} small multiples")
print(path, "situation ok", n, "crimes", hidden, "suppressed;", len(panels), "units,",
      shown_units, "shown")
print(hidden, file=open(path + ".sitsupp", "w"))
EOF4
start_server "$O" --query-rate 0
sub() { # PERIOD ANALYSIS-PERIOD YTD LANG [--no-alarms]
	H="$T/sub-$4-$3.html"
	expect_status 0 "$OBSERVA" report -d "$O" --territory SLV --period "$1" --lang "$4" -o "$H" \
		${5:+"$5"}
	python3 "$T/sit.py" "$H" "$4" SLV "$2" "$3" "$B" "$O/catalog/indicators.csv" ||
		fail "$1: not the API's numbers"
}
sub 2024-09 2024-09 0 es
sub ytd:2024-09-30 2024-09 1 en --no-alarms
# less than a year: the deliveries as of the records ("observa completeness")
"$OBSERVA" completeness -d "$O" --country SLV --from 2024-01 --to 2024-09 --format csv \
	>"$T/compl.csv" || fail "observa completeness"
sources "$T/sub-es-0.html" es SLV 2024 "$R/violent_deaths.csv" "$T/compl.csv" SLV 2024-09 2024-09
sources "$T/sub-en-1.html" en SLV 2024 "$R/violent_deaths.csv" "$T/compl.csv" SLV 2024-01 2024-09
# a source that has a profile and never delivered: every month missing
sed 's/^code = sv-iml$/code = sv-iml-2/' "$O/catalog/sources/sv-iml.ini" \
	>"$O/catalog/sources/sv-iml-2.ini"
grep -q '^code = sv-iml-2$' "$O/catalog/sources/sv-iml-2.ini" || fail "sv-iml-2 profile"
"$OBSERVA" completeness -d "$O" --country SLV --from 2024-01 --to 2024-09 --format csv \
	>"$T/compl.csv" || fail "observa completeness"
expect_status 0 "$OBSERVA" --lang en report -d "$O" --territory SLV --period ytd:2024-09-30 \
	--no-alarms -o "$T/sub-gap.html"
sources "$T/sub-gap.html" en SLV 2024 "$R/violent_deaths.csv" "$T/compl.csv" SLV 2024-01 2024-09
grep -q "sources ok:.* 1 with a month missing" "$T/out.sources" ||
	fail "the source without deliveries is not the one with months missing"
rm "$O/catalog/sources/sv-iml-2.ini"
# the plans section of a year's bulletin and of a month's of that year
# (plans have yearly targets: the same section): each indicator of the
# demo's plan with the year, value, interval, path and status GET
# /api/v1/plans/{plan} gives for that year from the same release, written as
# the language writes numbers; the chart names each status in words too
curl -sf "$B/api/v1/plans/sv-seguro?year=2024&format=csv" | tr -d '\r' >"$T/plan.csv" ||
	fail "API: the plan"
for page in SLV-es sub-es-0; do
python3 - "$T/plan.csv" "$T/$page.html" es "$O/catalog/plans/sv-seguro.ini" <<'EOF8' ||
import csv, html, re, sys
api = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
page, lang, ini = open(sys.argv[2], encoding="utf-8").read(), sys.argv[3], sys.argv[4]
m = re.search(r"<h2>Plan: ([^<]*)</h2>\s*<table>(.*?)</table>", page, re.S)
if not m:
    sys.exit(f"{sys.argv[2]}: no plan section")
if "Plan El Salvador Seguro" not in m.group(1):
    sys.exit(f"plan named {m.group(1)}")
rows = [[html.unescape(re.sub(r"<[^>]*>", "", c)) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r)]
        for r in re.findall(r"<tr>(.*?)</tr>", m.group(2), re.S)][1:]
if len(rows) != len(api) or len(api) != 5:
    sys.exit(f"{len(rows)} rows in the bulletin, {len(api)} in the API")
def fmt(x):  # one decimal as the language writes it
    s = f"{float(x):,.1f}"
    return s.replace(",", "\u202f").replace(".", ",") if lang == "es" else s
words = {"on_track": "en curso", "at_risk": "en riesgo", "off_track": "desviado",
         "no_data": "sin datos"}
seen = set()
for a, r in zip(api, rows):
    if not r[1].startswith(a["indicator"] + " (" + a["measure"]):
        sys.exit(f"row {r} is not {a['indicator']}")
    if r[2] != (a["year"] or "\u2014"):
        sys.exit(f"{a['indicator']}: year {r[2]}, the API says {a['year']}")
    if a["value"]:
        want = fmt(a["value"])
        if a["lower"] and a["upper"]:
            want += f" ({fmt(a['lower'])} \u2013 {fmt(a['upper'])})"
        if r[3] != want:
            sys.exit(f"{a['indicator']}: value {r[3]}, the API says {want}")
    elif r[3] not in ("sin datos", "suprimido") or re.search(r"\d", r[3]):
        sys.exit(f"{a['indicator']}: {r[3]} where the API has no value")
    if r[4] != (fmt(a["path"]) if a["path"] else "\u2014"):
        sys.exit(f"{a['indicator']}: path {r[4]}, the API says {a['path']}")
    if r[5] != f"{fmt(a['target'])} ({a['target_year']})":
        sys.exit(f"{a['indicator']}: final target {r[5]}")
    if r[6] != words[a["status"]]:
        sys.exit(f"{a['indicator']}: {r[6]}, the API says {a['status']}")
    seen.add(a["status"])
    if f">{words[a['status']]}</text>" not in page:
        sys.exit(f"the chart does not say {words[a['status']]}")
if len(seen) < 2:
    sys.exit(f"every indicator {seen}: the test shows nothing")
print(sys.argv[2].rsplit("/", 1)[-1], "plan section ok:",
      ", ".join(f"{a['indicator']} {a['status']}" for a in api))
EOF8
	fail "the plan section of $page is not the API's"
done
# the alarms of the period's last month: judged for the whole observatory
# (seconds under the sanitizers), so once: the demo has none in 2024-09
# ("observa alerts" judges 0 alarms at this scale); --no-alarms leaves the
# section out
expect_grep "$T/sub-es-0.html" "<h2>Alertas del periodo (2024-09)</h2>"
expect_grep "$T/sub-es-0.html" "Ninguna alerta temprana en este territorio en el último mes del periodo."
! grep -q "Alarms of the period" "$T/sub-en-1.html" || fail "--no-alarms wrote the alarms"
awk '{ n += $1 } END { exit !(n > 0) }' "$T"/sub-*.sitsupp || fail "no suppressed figure"
expect_grep "$T/sub-es-0.html" "Boletín de seguridad ciudadana: El Salvador, 2024-09"
# a headline row that reads "suprimido" is explained under the table (why a
# row of women can be hidden while the total shows); none: no such note
python3 - "$T/sub-es-0.html" "$T/sub-en-1.html" <<'EOF7' || fail "the note on suppressed rows"
import sys
for path, word, note in ((sys.argv[1], "suprimido", "supresión secundaria"),
                         (sys.argv[2], "suppressed", "secondary suppression")):
    text = open(path, encoding="utf-8").read()
    head = text.split("</table>", 1)[0]
    hidden = f">{word}<" in head or f"<em>{word}</em>" in head
    after = text.split("</table>", 1)[1].split("<h2>", 1)[0]
    if hidden != (note in after):
        sys.exit(f"{path}: a suppressed headline row {hidden}, its note {note in after}")
    print(path, "suppressed headline rows:", hidden)
EOF7
expect_grep "$T/sub-es-0.html" "salen de los registros del observatorio (instantánea del"
expect_grep "$T/sub-es-0.html" "Las cifras anuales salen de la publicación v1."
expect_grep "$T/sub-en-1.html" "Year to date against the previous year to date"
expect_grep "$T/sub-en-1.html" "Yearly figures come from release v1."
# a quarter as a PDF: the same writer
expect_status 0 "$OBSERVA" --lang en report -d "$O" --territory SLV06 --period 2024-Q3 \
	--no-alarms -o "$T/sub-q.pdf"
pdftotext -layout "$T/sub-q.pdf" "$T/sub-q.txt" || fail "pdftotext of a quarter"
expect_grep "$T/sub-q.txt" "2024-Q3"
expect_grep "$T/sub-q.txt" "Headline numbers"
# refused, nothing left: a year to date not at a month's end, a month to come
expect_status 2 "$OBSERVA" report -d "$O" --territory SLV --period ytd:2024-09-15 -o "$T/q.html"
expect_grep "$T/err" "--period «ytd:2024-09-15»: lo que va del año se cuenta en meses enteros"
[ ! -e "$T/q.html" ] || fail "a refused bulletin left its file"
expect_status 2 "$OBSERVA" --lang en report -d "$O" --territory SLV --period 2099-01 \
	-o "$T/q.html"
[ ! -e "$T/q.html" ] || fail "a refused bulletin left its file"
expect_status 2 "$OBSERVA" report -d "$O" --territory SLV --period 2024 --format docx
expect_grep "$T/err" "docx"
expect_status 2 "$OBSERVA" report -d "$O" --territory SLV

# bad input the product must say in words, never draw as zeros
# headline.py HTML COLS...: the headline table's cells in the columns
# COLS (1: victims, 2: rate, ...) are all "sin datos" / "no data" or
# "suprimido" / "suppressed" (or "0" victims when COLS allows it): no
# number stands where there is none
cat >"$T/headline.py" <<'EOF6'
import html, re, sys
path, cols = sys.argv[1], [int(c) for c in sys.argv[2:]]
text = open(path, encoding="utf-8").read().split("</table>")[0]
rows = [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", m)]
        for m in re.findall(r"<tr><td>.*?</tr>", text)]
if len(rows) < 5:
    sys.exit(f"{path}: {len(rows)} headline rows")
ok = {"sin datos", "no data", "suprimido", "suppressed"}
for r in rows:
    for c in cols:
        if r[c] not in ok:
            sys.exit(f"{path}: {r[0]}: column {c} is «{r[c]}», not no data")
print(path, len(rows), "rows without a number in columns", cols)
EOF6
# a quarter before the records (the demo starts in 2015): every cell "sin
# datos" and a sentence saying so; no unit ranked as a change
expect_status 0 "$OBSERVA" report -d "$O" --territory SLV --period 2014-Q3 --no-alarms \
	-o "$T/none-es.html"
python3 "$T/headline.py" "$T/none-es.html" 1 2 3 4 || fail "2014-Q3: a number without data"
expect_grep "$T/none-es.html" "No se entregaron datos de El Salvador para comparar 2014-Q3 con 2013-Q3"
expect_grep "$T/none-es.html" "Ninguna unidad puede compararse: en uno de los dos periodos no"
expect_grep "$T/none-es.html" "La publicación v1 no trae los límites de estas unidades en 2014"
expect_status 0 "$OBSERVA" --lang en report -d "$O" --territory SLV --period 2014-Q3 \
	--no-alarms -o "$T/none-en.pdf"
pdftotext "$T/none-en.pdf" - | tr -s ' \n' '  ' >"$T/none-en.txt"
expect_grep "$T/none-en.txt" "No data was delivered of El Salvador to compare 2014-Q3 with 2013-Q3"
# a unit without a boundary in the release: the map (of the catalogue's
# first indicator) draws the others and names it; its numbers are still in
# the small multiples
cp -a "$O" "$T/nogeo"
first=$(awk -F, 'NR == 2 { print $1; exit }' "$O/catalog/indicators.csv")
for m in "$T/nogeo/releases/v1/maps/$first.geojson"; do
	python3 - "$m" <<'EOF7' || fail "could not take SLV01 out of $m"
import json, sys
fc = json.load(open(sys.argv[1]))
fc["features"] = [f for f in fc["features"]
                  if "SLV01" not in (f["properties"].get("code"), f["properties"].get("parent"))]
json.dump(fc, open(sys.argv[1], "w"))
EOF7
done
expect_status 0 "$OBSERVA" report -d "$T/nogeo" --territory SLV --period 2024 -o "$T/nogeo.html"
expect_grep "$T/nogeo.html" "Sin límites en la publicación, no se dibujan: Ahuachapán."
grep -q "Ahuachapán: 2023 " "$T/nogeo.html" || fail "Ahuachapán left the small multiples"
expect_status 0 "$OBSERVA" --lang en report -d "$T/nogeo" --territory SLV --period 2024 \
	-o "$T/nogeo.pdf"
pdftotext "$T/nogeo.pdf" - | tr -s ' \n' '  ' >"$T/nogeo.txt"
expect_grep "$T/nogeo.txt" "Without boundaries in the release, not drawn: Ahuachapán."
# a country without population: counts, no rate, and a sentence saying why
cp -a "$O" "$T/nopop"
sql "$T/nopop" "DELETE FROM population WHERE territory LIKE 'BLZ%'"
expect_status 0 "$OBSERVA" report -d "$T/nopop" --territory BLZ --period 2024-Q3 --no-alarms \
	-o "$T/nopop.html"
python3 "$T/headline.py" "$T/nopop.html" 2 4 || fail "BLZ without population: a rate"
expect_grep "$T/nopop.html" "El observatorio no tiene la población de Belize de estos años"
expect_status 0 "$OBSERVA" --lang en report -d "$T/nopop" --territory BLZ --period 2024-Q3 \
	--no-alarms -o "$T/nopop-en.html"
expect_grep "$T/nopop-en.html" "The observatory has no population of Belize for these years"
# with its population the same bulletin has rates and says nothing of it
expect_status 0 "$OBSERVA" report -d "$O" --territory BLZ --period 2024-Q3 --no-alarms \
	-o "$T/pop.html"
! python3 "$T/headline.py" "$T/pop.html" 2 4 >/dev/null || fail "BLZ with population: no rate"
! grep -q "no tiene la población" "$T/pop.html" || fail "BLZ with population: said without"

# a second plan of El Salvador, some of whose indicators are under no goal,
# has its own section, "—" in place of a goal, and words where a value is
# missing; a plan that cannot be read is left out with its file, line and
# value, and the bulletin is still written
cp -a "$O" "$T/plans"
cp "$OBSERVA_TESTDATA/plan/plan.ini" "$T/plans/catalog/plans/test-plan.ini"
printf '[plan]\ncode = bad\ncountry = SLV\n[indicator x]\nindicator = homicide_rate\nbaseline = 1\nbaseline_year = 2015\ntarget 2020 = 1\ndirection = sideways\n' \
	>"$T/plans/catalog/plans/zz-bad.ini"
expect_status 0 "$OBSERVA" report -d "$T/plans" --territory SLV --period 2024 -o "$T/plans.html"
expect_grep "$T/err" "zz-bad.ini:9:13"
expect_grep "$T/err" "«sideways»"
python3 - "$T/plans.html" <<'EOF9' || fail "the plan the release does not cover"
import html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
heads = re.findall(r"<h2>Plan: ([^<]*)</h2>", page)
if heads != ["Plan El Salvador Seguro (demostración)", "Plan de prueba"]:
    sys.exit(f"plan sections {heads}")
table = page.split("<h2>Plan: Plan de prueba</h2>", 1)[1].split("</table>")[0]
rows = [[html.unescape(re.sub(r"<[^>]*>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
        for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)][1:]
if len(rows) != 5:
    sys.exit(f"{len(rows)} rows")
for r in rows:
    # a value, or words saying why there is none and no status
    if not re.search(r"\d", r[3]) and (r[3] not in ("sin datos", "suprimido") or r[6] != "sin datos"):
        sys.exit(f"no value and no reason: {r}")
if not any(r[0] == "\u2014" for r in rows):
    sys.exit("no indicator under no goal")
print("plans without values ok")
EOF9
