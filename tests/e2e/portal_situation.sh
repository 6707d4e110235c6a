# portal_situation.sh - the portal's situational analysis (/es/situacion,
# /en/situation) and the alerts on the home, on a small hand-made
# observatory (a forensic source in El Salvador, 2022 whole and 2023 from
# January to June; San Salvador 10 homicides a month but 2 in February 2023,
# Santa Ana 2 to 4 a month but 30 in May and June 2023): the page's numbers are
# GET /api/v1/situation's for the same parameters (two queries), the
# alarms GET /api/v1/alerts's; a suppressed count is never shown; "no data"
# is never 0; bad parameters answer 400 in the page's language; the page is
# linked from every page's header and works as a plain GET form; the home
# shows the current alarms with a link to the page, and never waits for
# them: the first home has none and starts their judging in the background.
export LC_ALL=C.UTF-8
init_obs "$T/obs"
O="$T/obs"
fx_source "$O"
fx_file() {
	awk -v y="$1" -v last="$2" 'BEGIN {
		print "Id;Fecha;Municipio;Departamento;Delito";
		for (m = 1; m <= last; m++) {
			ss = y == 2023 && m == 2 ? 2 : 10;
			sa = y == 2023 && m >= 5 ? 30 : 2 + m % 3;
			for (i = 1; i <= ss; i++)
				printf "%d-%d-ss%d;%02d/%02d/%d;San Salvador;San Salvador;Homicidio\n",
					y, m, i, i % 28 + 1, m, y;
			for (i = 1; i <= sa; i++)
				printf "%d-%d-sa%d;%02d/%02d/%d;Santa Ana;Santa Ana;Homicidio\n",
					y, m, i, i % 28 + 1, m, y;
		}
	}'
}
fx_file 2022 12 >"$T/fx-2022.csv"
fx_file 2023 6 >"$T/fx-2023.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period 2022 "$T/fx-2022.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-fx --period 2023-01..2023-06 "$T/fx-2023.csv"
start_server "$O" --query-rate 0

# the home never waits for the alarms: the first one asked starts their
# judging in the background and has no block (nothing had judged them);
# once the log says they are judged, the home shows them
curl -sf -o "$T/home0" "$B/es/" || fail "home"
grep -q 'situacion#alerts' "$T/home0" && fail "the first home waited for the alarms"
grep -q 'Alertas tempranas' "$T/home0" && fail "the first home speaks of alarms not judged yet"
grep -q "segundo plano\|in the background" "$T/serve.err" ||
	{ cat "$T/serve.err" >&2; fail "the home did not start the judging of the alarms"; }
wait_for "$T/serve.err" "juzgadas en segundo plano\|judged in the background" \
	"the alarms were not judged in the background" "$PID"
curl -sf -o "$T/home1" "$B/es/" || fail "home"
expect_grep "$T/home1" 'situacion#alerts'
[ "$(grep -c 'segundo plano\|in the background' "$T/serve.err")" = 2 ] ||
	{ cat "$T/serve.err" >&2; fail "the alarms were judged more than once"; }

python3 - "$B" <<'PY' || fail "situational analysis page"
import html.parser, json, sys, urllib.error, urllib.parse, urllib.request

base = sys.argv[1]

def get(path, want=200):
    try:
        with urllib.request.urlopen(base + path) as r:
            status, body = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read().decode()
    if status != want:
        sys.exit("%s: status %d, expected %d: %s" % (path, status, want, body[:600]))
    return body

class Rows(html.parser.HTMLParser):
    """The page's rows (tr with data-section or data-category) and the
    <data> values in each, by class; every link; the error's text."""
    def __init__(self):
        super().__init__()
        self.rows, self.row, self.cls, self.links = [], None, None, []
        self.error, self.in_error, self.flags = "", False, []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and ("data-section" in a or "data-category" in a):
            self.row = dict(a, values={}, text="")
            self.rows.append(self.row)
        elif tag == "data" and self.row is not None:
            self.row["values"][a["class"]] = a["value"]
        elif tag == "a":
            self.links.append(a.get("href"))
        elif tag == "p" and a.get("class") == "error":
            self.in_error = True
    def handle_endtag(self, tag):
        if tag == "tr":
            self.row = None
        if tag == "p":
            self.in_error = False
    def handle_data(self, d):
        if self.row is not None:
            self.row["text"] += d
        if self.in_error:
            self.error += d

def parse(body):
    p = Rows()
    p.feed(body)
    return p

FIELDS = ("count", "baseline_count", "rate", "baseline_rate", "ratio", "lower", "upper")

def same(q, lang="es"):
    path = "/es/situacion" if lang == "es" else "/en/situation"
    page = parse(get(path + "?" + q))
    api = json.loads(get("/api/v1/situation?" + q))
    rows = [r for r in page.rows if "data-section" in r]
    compared = suppressed = 0
    for a in api["data"]:
        if a["section"] == "crime":
            continue
        m = [r for r in rows if r["data-section"] == a["section"] and
             r["data-comparison"] == a["comparison"] and r["data-territory"] == a["territory"]]
        assert len(m) == 1, (q, a, len(m))
        r = m[0]
        for f in FIELDS:
            v = r["values"].get(f)
            if a[f] is None:
                assert v is None, (q, a["territory"], a["comparison"], f, v, "API: null")
            else:
                assert v is not None and abs(float(v) - a[f]) <= 1e-9 * max(1, abs(a[f])), \
                    (q, a["territory"], a["comparison"], f, v, a[f])
                compared += 1
        if a["status"] == "suppressed":
            suppressed += 1
            assert not r["values"], (q, r)
            assert ("suprimido" if lang == "es" else "suppressed") in r["text"], r["text"]
        if a["count"] is None and a["months"] == 0:
            assert ("sin datos" if lang == "es" else "no data") in r["text"], r["text"]
    assert len(rows) == sum(1 for a in api["data"] if a["section"] != "crime"), (q, len(rows))
    # the alarms of the territory: those of the API within it
    alerts = json.loads(get("/api/v1/alerts"))["data"]
    shown = [r for r in page.rows if "data-category" in r]
    return compared, suppressed, shown, alerts, page

# 1. the country, a month: every figure the API's
c, s, shown, alerts, page = same("territory=SLV&indicator=homicide_rate&period=2023-06")
assert c >= 10, c
assert len(shown) == len(alerts) and alerts, (len(shown), alerts)
for r, a in zip(shown, alerts):
    assert r["data-territory"] == a["territory"] and r["data-category"] == a["category"], (r, a)
    for f in ("observed", "expected", "upper"):
        v = r["values"].get(f)
        assert (v is None) == (a[f] is None), (f, v, a)
        if v is not None:
            assert float(v) == a[f], (f, v, a)
print("SLV 2023-06: %d figures equal the API's, %d alarms" % (c, len(shown)))
# 2. San Salvador in February 2023 (2 homicides, suppressed), in English
c, s, shown, alerts, page = same("territory=SLV06&period=2023-02", "en")
assert s >= 2, ("the month and the year to date are suppressed", s)
for r in page.rows:
    for k, v in r["values"].items():
        assert v != "2", ("a suppressed count shown", r)
# Santa Ana's alarm is not San Salvador's
assert all(a["data-territory"].startswith("SLV06") or a["data-territory"] == "SLV06"
           for a in shown) or not shown, shown
print("SLV06 2023-02: %d figures equal the API's, %d rows suppressed" % (c, s))

# 3. bad parameters: 400 in the page's language, the form still there
for path, text in (("/es/situacion?territory=XYZ99", "territorio desconocido"),
                   ("/en/situation?territory=XYZ99", "unknown territory"),
                   ("/en/situation?period=2099-01", "the period is in the future"),
                   ("/es/situacion?period=2099-01", "el periodo está en el futuro"),
                   ("/es/situacion?period=mayo", "periodo"),
                   ("/en/situation?indicator=nada", "unknown indicator")):
    p = parse(get(path, 400))
    assert text in p.error, (path, p.error)
    assert "territorio desconocido" not in p.error or "/es/" in path, p.error
    assert ("unknown" not in p.error) or "/en/" in path, (path, p.error)

# 4. linked from the header; the home shows the alarms and links here
home = parse(get("/es/"))
assert "/es/situacion" in home.links, home.links
assert "/es/situacion#alerts" in home.links, "no alarms block on the home"
assert len([r for r in home.rows if "data-category" in r]) >= 1
en = parse(get("/en/"))
assert "/en/situation" in en.links and "/en/situation#alerts" in en.links
# the language switch keeps the query
body = get("/es/situacion?territory=SLV&period=2023-06")
assert 'href="/en/situation?territory=SLV&amp;period=2023-06"' in body, "language switch"
# an empty form field is no parameter
get("/es/situacion?territory=&indicator=&period=")
print("bad parameters, links, home: ok")
PY
