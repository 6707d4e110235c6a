# harvest.sh - "observa harvest" reads national releases served by "observa
# serve" into a regional observatory: the cells equal the release's CSV rows
# of each country (C and M kept as such, never 0), a second run skips the
# unchanged release and leaves the store as it was, a new version replaces
# the country's cells, --status and --compare show every country. Faults,
# from a server that misbehaves on purpose (harvest_server.py): a tampered
# file (refused, naming the file and both hashes; nothing loaded), a
# redirect to another host (refused, naming both), a file without end
# (stopped at the size the manifest declares), a file over --max-bytes
# (refused before downloading), a server that never answers (--timeout).
# The regional portal (/es/region, /en/region) shows every country's
# provenance and its headline figures, those of the national release (the
# table GET /api/v1/indicators/{id} serves) and of --compare, and a new
# harvest at once.
# OBSERVA_TEST_STORE=postgresql puts the regional observatories on
# PostgreSQL (under scripts/pg-test-cluster, which sets OBSERVA_PG_URL);
# else on SQLite.
export LC_ALL=C.UTF-8
# the national observatory is the SQLite demo the other tests share, on
# either store
store=${OBSERVA_TEST_STORE:-sqlite}
OBSERVA_TEST_STORE=sqlite
fixture_demo "$T/nat" 0.03 2024
OBSERVA_TEST_STORE=$store
N="$T/nat"
start_server "$N" --threads 2
REL="$B/api/v1/releases"
R="$T/reg"
if [ "${OBSERVA_TEST_STORE:-sqlite}" = postgresql ]; then
	: "${OBSERVA_PG_URL:?run under scripts/pg-test-cluster}"
	expect_status 0 "$OBSERVA" init --store "$OBSERVA_PG_URL" "$R" -q
	# a second regional observatory, for the faults, in a copy of the first's
	# database (quicker than loading the catalogue again)
	fx_copy "$R" "$T/r2" || fail "the copy of the regional observatory"
	DB=$OBSERVA_PG_URL
	sql() {
		"$OBSERVA_PG_BINDIR/psql" -X -A -t -q -v ON_ERROR_STOP=1 -d "$(cat "$1/store.url")" -c "$2"
	}
else
	expect_status 0 "$OBSERVA" init "$R" -q
	cp -a "$R" "$T/r2" # a second regional observatory, for the faults
	DB=$R/observa.db
fi

expect_status 0 "$OBSERVA" harvest -d "$R" "SLV=$REL" "CRI=$REL/" "PAN=$REL"
expect_grep "$T/err" "SLV=$REL: v1 cosechada"
expect_grep "$T/err" "CRI=$REL: v1 cosechada"

# every cell is the release's row of that country, text as published
check_cells() {
	python3 - "$1" "$2" "$3" <<'PY' || fail "harvested cells differ from the release"
import csv, os, sqlite3, subprocess, sys
rel, db, version = sys.argv[1:4]
series = {"indicators": "indicator", "counts_iccs": "iccs", "violent_deaths": "count_of"}

class Pg:
    """what the checks ask of sqlite3, through psql: text, NULL as None,
    level and year (the 4th and 5th columns of a cell) as integers"""
    def execute(self, q, args=()):
        for a in args:
            q = q.replace("?", "'%s'" % a.replace("'", "''"), 1)
        out = subprocess.run([os.environ["OBSERVA_PG_BINDIR"] + "/psql", "-X", "-A", "-t", "-q",
                              "-F", "\x1f", "-P", "null=\\N", "-d", db, "-c", q],
                             check=True, capture_output=True, text=True).stdout
        for line in out.split("\n"):
            if not line:
                continue
            r = [None if v == "\\N" else v for v in line.split("\x1f")]
            if len(r) == 11:
                r[3], r[4] = int(r[3]), int(r[4])
            yield tuple(r)

con = Pg() if db.startswith("postgresql") else sqlite3.connect(db)
countries = [r[0] for r in con.execute("SELECT DISTINCT country FROM harvest_cell")]
assert sorted(countries) == ["CRI", "PAN", "SLV"], countries
status_seen = set()
for t, s in series.items():
    want = set()
    for r in csv.DictReader(open("%s/%s.csv" % (rel, t), encoding="utf-8")):
        if r["country"] not in countries:
            continue
        want.add((r["country"], r[s], r["territory"], int(r["level"]), int(r["year"]),
                  r.get("sex", ""), r["count"] or None, r.get("value") or None,
                  r.get("lower") or None, r.get("upper") or None, r["status"]))
        if r["status"] in ("C", "M"):
            assert not r["count"], r
    got = set(con.execute(
        "SELECT country, series, territory, level, year, sex, count, value, lower, upper,"
        " status FROM harvest_cell WHERE tbl = ?", (t,)))
    assert want, t
    assert got == want, (t, len(got), len(want), sorted(got ^ want)[:3])
    status_seen |= {c[10] for c in got}
    for c in got:
        assert c[10] == "" or (c[6] is None and c[7] is None), c
vers = {r[0] for r in con.execute("SELECT DISTINCT release FROM harvest_cell")}
assert vers == {version}, vers
assert {"C", "M", ""} <= status_seen, status_seen
PY
}
check_cells "$N/releases/v1" "$DB" v1

# the same release again: skipped, the store unchanged
dump() { sql "$R" "SELECT * FROM harvest_source; SELECT * FROM harvest_cell ORDER BY 1,2,3,4,5,6;" | sha256sum; }
before=$(dump)
expect_status 0 "$OBSERVA" harvest -d "$R" "SLV=$REL" "CRI=$REL" "PAN=$REL"
expect_grep "$T/err" "v1 ya cosechada"
expect_grep "$T/err" "sin cambios"
[ "$(dump)" = "$before" ] || fail "a second harvest changed the store"

# side by side
expect_status 0 "$OBSERVA" harvest -d "$R" --status --format csv
[ "$(grep -c ",v1," "$T/out")" = 3 ] || { cat "$T/out"; fail "status: three countries at v1"; }
expect_grep "$T/out" "SLV,$REL,v1,"
expect_status 0 "$OBSERVA" harvest -d "$R" --compare homicide_rate --year 2024 --sex T --format csv
[ "$(wc -l <"$T/out")" = 4 ] || { cat "$T/out"; fail "compare: a header and three countries"; }
want=$(awk -F, '$1 == "homicide_rate" && $2 == "SLV" && $5 == 0 && $7 == "T" { print $11 "," $12 "," $13 "," $15 }' \
	"$N/releases/v1/indicators.csv")
got=$(awk -F, '$1 == "SLV" { print $8 "," $9 "," $10 "," $11 }' "$T/out")
[ -n "$want" ] && [ "$want" = "$got" ] || fail "compare: SLV «$got», release «$want»"
# a withheld (C) and a no-data (M) cell are shown as such
for st in C M; do
	set -- $(python3 - "$N/releases/v1/indicators.csv" "$st" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    if r["country"] in ("SLV", "CRI", "PAN") and r["status"] == sys.argv[2]:
        print(r["indicator"], r["year"], r["level"], r["sex"], r["territory"])
        break
PY
)
	[ $# = 5 ] || fail "no $st cell of SLV, CRI or PAN in the release"
	expect_status 0 "$OBSERVA" harvest -d "$R" --compare "$1" --year "$2" --level "$3" --sex "$4"
	line=$(grep "^[A-Z]* *$5 " "$T/out") || { cat "$T/out"; fail "compare: no row of $5"; }
	case $st in
	C) want="C  reservado" ;;
	M) want="M  sin datos" ;;
	esac
	case $line in
	*"$want"*) ;;
	*) fail "compare: $5 shows «$line», expected «$want»" ;;
	esac
	expect_grep "$T/out" "nunca 0"
done

# a new version of the release: found, and it replaces the country's cells
cp -a "$N/releases/v1" "$N/releases/v2"
sed -i 's/"release":"v1"/"release":"v2"/' "$N/releases/v2/manifest.json"
expect_status 0 "$OBSERVA" harvest -d "$R" "SLV=$REL"
expect_grep "$T/err" "SLV=$REL: v2 cosechada"
[ "$(sql "$R" "SELECT DISTINCT release FROM harvest_cell WHERE country = 'SLV'")" = v2 ] ||
	fail "SLV's cells are not all from v2"
[ "$(sql "$R" "SELECT DISTINCT release FROM harvest_cell WHERE country = 'CRI'")" = v1 ] ||
	fail "CRI's cells changed with SLV's release"
# one release named in the URL
expect_status 0 "$OBSERVA" harvest -d "$R" "SLV=$REL/v1"
expect_grep "$T/err" "v1 cosechada"
check_cells "$N/releases/v1" "$DB" v1

# ---- the regional portal: the countries side by side ----
# (a server of the regional observatory beside the national one, which
# stays until the end: stopping it here would have the test wait for its
# exit; the figures are checked against the release's table, the one GET
# /api/v1/indicators/{id} serves: a first call to that API costs 13 s
# under ASan, loading it)
NPID=$PID
start_server "$R" --threads 2
trap 'kill -TERM "$PID" "$NPID" 2>/dev/null || true; rm -rf "$T"' EXIT
curl -sf "$B/es/region" >"$T/region_es" || fail "GET /es/region"
curl -sf "$B/en/region" >"$T/region_en" || fail "GET /en/region"
curl -sf "$B/es/" | grep -q 'href="/es/region"' || fail "the home does not lead to /es/region"
expect_status 0 "$OBSERVA" harvest -d "$R" --status --format csv
cp "$T/out" "$T/status.csv"
expect_status 0 "$OBSERVA" harvest -d "$R" --compare homicide_rate --year 2024 --sex T --format csv
cp "$T/out" "$T/cmp.csv"
# every harvested country with its release and harvest time; every value,
# count, counting rule and status that of the national release (and, for
# the homicide rate, of "observa harvest --compare"); C and M in words,
# never a number; in both languages
python3 - "$T/region_es" "$T/region_en" "$T/status.csv" "$T/cmp.csv" "$N/releases/v1/indicators.csv" <<'PY' || fail "the regional page"
import csv, html as H, re, sys
pages, (status, cmpf, rel) = sys.argv[1:3], sys.argv[3:]
inds = ["homicide_rate", "homicide_rate_women", "femicide_rate", "violent_deaths_rate",
        "sexual_violence_rate", "robbery_rate"]
src = {r["country"]: r for r in csv.DictReader(open(status, encoding="utf-8"))}
# the release's rows: each country as a whole, 2024, sex T
want = {}
for r in csv.DictReader(open(rel, encoding="utf-8")):
    if (r["indicator"] in inds and r["country"] in src and r["territory"] == r["country"]
            and r["level"] == "0" and r["year"] == "2024" and r["sex"] == "T"):
        want[r["indicator"], r["country"]] = r
cmp = {r["country"]: r for r in csv.DictReader(open(cmpf, encoding="utf-8"))}
for c in src:
    w = want["homicide_rate", c]
    assert (cmp[c]["value"], cmp[c]["count"], cmp[c]["status"]) == (w["value"], w["count"], w["status"]), (c, cmp[c], w)

def check(lang, page):
    words = {"es": {"C": "suprimido", "M": "sin datos"}, "en": {"C": "suppressed", "M": "no data"}}[lang]
    prov = re.search(r'<table class="provenance">(.*?)</table>', page, re.S)
    assert prov, "no provenance table"
    rows = dict(re.findall(r'<tr data-country="([A-Z]+)">(.*?)</tr>', prov.group(1), re.S))
    assert sorted(rows) == sorted(src) == ["CRI", "PAN", "SLV"], (sorted(rows), sorted(src))
    for c, r in src.items():
        assert "<td>%s</td>" % r["version"] in rows[c], (c, rows[c])
        assert 'datetime="%s"' % r["harvested_at"] in rows[c], (c, rows[c])
        assert H.escape(r["url"]) in rows[c], (c, rows[c])
    sections = dict(re.findall(r'<section class="headline" data-indicator="([^"]+)">(.*?)</section>',
                               page, re.S))
    checked = set()
    for ind in inds:
        if not any((ind, c) in want for c in src):
            assert ind not in sections, ind
            continue
        body = sections[ind]
        assert "<svg" in body, (ind, "no chart")
        for c in src:
            m = re.search(r'<tr data-country="%s" data-status="([^"]+)">(.*?)</tr>' % c, body, re.S)
            assert m, (ind, c)
            st, row = m.groups()
            w = want.get((ind, c), {"status": "M", "value": "", "count": ""})
            if w["status"] in ("C", "M") or not w["value"]:
                assert st == (w["status"] or "M"), (ind, c, st, w)
                assert words[st] in row and "<data" not in row, (ind, c, row)
            else:
                assert st == "figure", (ind, c, st)
                vals = re.findall(r'<data value="([^"]+)">', row)
                assert vals == [w["value"], w["count"]], (ind, c, vals, w)
                # the rule in words, its code in brackets
                rule = w["counting_rule"]
                said = {"es": "víctimas según", "en": "victims as recorded by"}[lang] \
                    if rule.startswith("victims:") else ""
                assert (said in row and " (%s)</td>" % H.escape(rule) in row) if said else \
                    "%s</td>" % H.escape(rule) in row, (ind, c, row)
            checked.add(st)
    assert {"figure", "C", "M"} <= checked, checked

for lang, path in zip(("es", "en"), pages):
    try:
        check(lang, open(path, encoding="utf-8").read())
    except AssertionError as e:
        sys.exit("%s: %r" % (lang, e))
PY
grep -q '<html lang="en">' "$T/region_en" || fail "/en/region is not in English"
# the footer says where the figures come from, not that there are none
grep -q 'Las cifras vienen de las publicaciones nacionales que este observatorio cosechó' \
	"$T/region_es" || fail "/es/region: the footer does not name the harvest"
grep -q 'The figures come from the national releases this observatory harvested' \
	"$T/region_en" || fail "/en/region: the footer does not name the harvest"
! grep -q 'aún no ha publicado cifras' "$T/region_es" || fail "/es/region: the footer says no figures"
# a bad year: 400, said in the page's language
[ "$(curl -s -o "$T/region_bad" -w '%{http_code}' "$B/es/region?year=20x4")" = 400 ] ||
	fail "/es/region?year=20x4 is not a 400"
grep -q 'year=20x4: se esperaba un año' "$T/region_bad" || fail "the bad year is not explained"
# a new harvest (SLV's v2) shows on the page at once: the page cache knows
# the harvest's stamp (read at most once a second)
expect_status 0 "$OBSERVA" harvest -d "$R" "SLV=$REL"
expect_grep "$T/err" "v2 cosechada"
i=0
until curl -sf "$B/es/region" |
	grep -q '<tr data-country="SLV"><th scope="row">[^<]*<span class="note">SLV</span></th><td>v2</td>'; do
	i=$((i + 1))
	[ $i -lt 10 ] || fail "the regional page did not show SLV's new harvest"
	sleep 0.3
done

# ---- faults, from a server that misbehaves ----
# the release cut to El Salvador's rows, its manifest rewritten to match
# (a smaller download for each fault)
W="$T/www"
mkdir -p "$W/good/v1"
python3 - "$N/releases/v1" "$W/good/v1" <<'PY' || fail "cutting the release"
import csv, hashlib, io, json, os, shutil, sys
src, dst = sys.argv[1:3]
m = json.load(open(os.path.join(src, "manifest.json"), encoding="utf-8"))
shutil.copy(os.path.join(src, "catalog.jsonld"), dst)
for t in ("indicators", "counts_iccs", "violent_deaths"):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    rows = csv.reader(open(os.path.join(src, t + ".csv"), encoding="utf-8", newline=""))
    head = next(rows)
    w.writerow(head)
    ci = head.index("country")
    w.writerows(r for r in rows if r[ci] == "SLV")
    data = out.getvalue().encode("utf-8")
    open(os.path.join(dst, t + ".csv"), "wb").write(data)
    for f in m["files"]:
        if f["path"] == t + ".csv":
            f["bytes"], f["sha256"] = len(data), hashlib.sha256(data).hexdigest()
open(os.path.join(dst, "manifest.json"), "w", encoding="utf-8").write(json.dumps(m))
PY
cp -r "$W/good" "$W/tamper"
# one digit changed: same size, another hash
sed -i '2s/,2024,/,2025,/' "$W/tamper/v1/indicators.csv"
cmp -s "$W/tamper/v1/indicators.csv" "$W/good/v1/indicators.csv" && fail "tamper did nothing"
python3 "$(dirname "$script")/harvest_server.py" "$W" "$T/port" 2>"$T/py.err" &
PYPID=$!
trap 'kill -TERM "$PID" "$NPID" "$PYPID" 2>/dev/null || true; rm -rf "$T"' EXIT
wait_for "$T/port" '[0-9]' "the test server did not start" "$PYPID"
P="http://127.0.0.1:$(cat "$T/port")"
cells() { sql "$T/r2" "SELECT count(*) FROM harvest_cell"; }

expect_status 1 "$OBSERVA" harvest -d "$T/r2" "SLV=$P/tamper"
expect_grep "$T/err" "publicación rechazada, nada cargado"
expect_grep "$T/err" "indicators.csv: SHA-256 esperado $(sha256sum <"$W/good/v1/indicators.csv" | cut -c 1-64)"
expect_grep "$T/err" "obtenido $(sha256sum <"$W/tamper/v1/indicators.csv" | cut -c 1-64)"
[ "$(cells)" = 0 ] || fail "a refused release left cells"
ls -a "$T/r2" | grep -q '^\.harvest-' && fail "a refused release left its download"

expect_status 1 "$OBSERVA" harvest -d "$T/r2" "SLV=$P/redirect"
expect_grep "$T/err" "redirección rechazada: de http://127.0.0.1:"
expect_grep "$T/err" "http://localhost:"

expect_status 1 "$OBSERVA" harvest -d "$T/r2" "SLV=$P/endless"
bytes=$(python3 -c 'import json,sys; print([f["bytes"] for f in json.load(open(sys.argv[1]))["files"] if f["path"] == "catalog.jsonld"][0])' \
	"$W/good/v1/manifest.json")
expect_grep "$T/err" "el servidor envía más de $bytes bytes: descarga detenida"

expect_status 1 "$OBSERVA" harvest -d "$T/r2" --max-bytes 1000 "SLV=$P/good"
expect_grep "$T/err" "más que el límite de 1000"

expect_status 1 "$OBSERVA" harvest -d "$T/r2" --timeout 2 "SLV=$P/hang"
expect_grep "$T/err" "se agotó el tiempo"
[ "$(cells)" = 0 ] || fail "a refused release left cells"

# not http(s): refused before anything
expect_status 2 "$OBSERVA" harvest -d "$T/r2" "file:///etc/passwd"
expect_grep "$T/err" "http:// o https://"

# a redirect to the same host is followed; the list can come from the configuration
printf '# national releases to harvest\n[harvest]\nSLV = %s/samehost\n' "$P" >"$T/r2/catalog/harvest.ini"
expect_status 0 "$OBSERVA" harvest -d "$T/r2"
expect_grep "$T/err" "SLV=$P/samehost: v1 cosechada"
[ "$(cells)" = "$(sql "$R" "SELECT count(*) FROM harvest_cell WHERE country = 'SLV'")" ] ||
	fail "the same release gave another number of cells"
