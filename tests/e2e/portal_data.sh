# portal_data.sh - the portal's "Data and method" pages over two releases of
# a small demo: /es/datos and /en/data list the releases newest first, and
# every file of the latest with the size and SHA-256 of its manifest and a
# link the API serves; the diff's counts; a hostile release note is text;
# each indicator of the catalogue has its anchor, definition and SDG code;
# the home links its indicators there; /es/datos/api and /en/data/api show
# every path and method of GET /api/v1/openapi.json; an unknown sub-page
# is a 404 page.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.01 2024
O="$T/obs"
expect_status 0 "$OBSERVA" publish -d "$O" --year 2024 \
	--note '<script>alert(1)</script> & "x"'
start_server "$O"

# page STATUS URL FILE : fetch a page as HTML with its status
page() {
	code=$(curl -s -o "$3" -w '%{http_code}' "$B$2") || fail "curl $2"
	[ "$code" = "$1" ] || { head -c 2000 "$3" >&2; fail "$2: status $code, expected $1"; }
	grep -q '</html>' "$3" || fail "$2: cut page"
}

page 200 /es/datos "$T/es.html"
page 200 /en/data "$T/en.html"
expect_grep "$T/es.html" '<html lang="es">'
expect_grep "$T/en.html" '<html lang="en">'
expect_grep "$T/es.html" '<a class="lang" href="/en/data"'
expect_grep "$T/en.html" '<a class="lang" href="/es/datos"'
expect_grep "$T/es.html" 'aria-current="page">Datos y método</a>'
expect_grep "$T/en.html" 'aria-current="page">Data and method</a>'
expect_grep "$T/en.html" 'href="/api/v1/releases/v2/catalog.jsonld"'

for lang in es en; do
	python3 - "$T/$lang.html" "$O/releases/v2/manifest.json" "$O/releases/v2/diff.json" <<'PY' || fail "$lang: releases"
import html, json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
man = json.load(open(sys.argv[2]))
diff = json.load(open(sys.argv[3]))
# newest first
ids = re.findall(r'<section class="release" id="(v\d+)">', page)
assert ids == ["v2", "v1"], ids
v2 = page[page.index('id="v2"'):page.index('id="v1"')]
rows = re.findall(r'<tr><td class="file"><a href="([^"]+)">([^<]+)</a></td><td class="fmt">[^<]*</td>'
                  r'<td class="num"><data value="(\d+)">[^<]*</data></td>'
                  r'<td><code class="hash">([0-9a-f]{64})</code></td></tr>', v2)
got = {name: (href, int(size), sha) for href, name, size, sha in rows}
assert len(man["files"]) > 20
for f in man["files"]:
    href, size, sha = got.pop(f["path"])
    assert href == "/api/v1/releases/v2/" + f["path"], href
    assert size == f["bytes"] and sha == f["sha256"], f["path"]
assert not got, got
for k in ("added", "removed", "changed"):
    assert re.search(r'<data class="%s" value="%d">' % (k, diff[k]), v2), k
# the hostile note is text
assert "<script>alert" not in page
assert '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;' in v2
PY
done
# a listed file is served with the manifest's bytes
curl -s -o "$T/f" "$B/api/v1/releases/v2/counts_iccs.csv" || fail "curl a file"
sha=$(sha256sum "$T/f" | cut -d' ' -f1)
jq -e --arg s "$sha" '.files[] | select(.path == "counts_iccs.csv") | .sha256 == $s' \
	"$O/releases/v2/manifest.json" >/dev/null || fail "a served file is not its manifest's"

# every indicator of the catalogue, with its anchor, definition and SDG code
curl -s -o "$T/ind.json" "$B/api/v1/indicators?limit=1000" || fail "curl indicators"
n=0
for id in $(jq -r '.data[].id' "$T/ind.json"); do
	grep -q "<section class=\"indicator\" id=\"$id\">" "$T/es.html" || fail "no section $id"
	grep -q "href=\"#$id\"" "$T/en.html" || fail "no link to $id"
	n=$((n + 1))
done
[ "$n" -ge 20 ] || fail "only $n indicators"
python3 - "$T/es.html" "$T/en.html" <<'PY' || fail "indicator metadata"
import re, sys
es = open(sys.argv[1], encoding="utf-8").read()
en = open(sys.argv[2], encoding="utf-8").read()
sec = lambda p: p[p.index('id="homicide_rate"'):p.index('</section>', p.index('id="homicide_rate"'))]
s, e = sec(es), sec(en)
assert "por 100 000 habitantes" in s and "Código ODS</dt><dd>16.1.1" in s, s
assert "SDG code</dt><dd>16.1.1" in e and "per 100" in e, e
assert "medicina forense" in s and "forensic medicine" in e
assert "victims as counted by forensic medicine" in e and "SLV" in e
assert "mecanismo (arma)" in s and "mechanism (weapon)" in e
PY
page 200 /es/ "$T/home.html"
expect_grep "$T/home.html" '<h2><a href="/es/datos#homicide_rate">'

# the API's documentation: every path and method of the document served
page 200 /es/datos/api "$T/api_es.html"
page 200 /en/data/api "$T/api_en.html"
expect_grep "$T/api_es.html" '<a class="lang" href="/en/data/api"'
expect_grep "$T/api_en.html" 'href="/api/v1/openapi.json"'
expect_grep "$T/api_en.html" 'aria-current="page">Data and method</a>'
curl -s -o "$T/openapi.json" "$B/api/v1/openapi.json" || fail "curl openapi"
for f in api_es api_en; do
	python3 - "$T/$f.html" "$T/openapi.json" <<'PY' || fail "$f: operations"
import html, json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
doc = json.load(open(sys.argv[2]))
n = 0
for path, ops in doc["paths"].items():
    for method, op in ops.items():
        head = '<h3><span class="method">%s</span> <code class="path">%s</code></h3>' % (
            method.upper(), html.escape(path, quote=True).replace("&#x27;", "&#39;"))
        assert head in page, head
        sec = page[page.index('id="%s"' % op["operationId"]):]
        sec = sec[:sec.index("</section>")]
        for p in op.get("parameters", []):
            assert "<code>%s</code>" % p["name"] in sec, (path, p["name"])
            for v in p["schema"].get("enum", []):
                assert "<code>%s</code>" % html.escape(v) in sec, (path, v)
        for code in op["responses"]:
            assert "<code>%s</code>" % code in sec, (path, code)
        n += 1
assert n >= 20, n
PY
done
expect_grep "$T/api_es.html" "por omisión <code>"
expect_grep "$T/api_en.html" "default <code>"

# unknown sub-pages
page 404 /es/datos/nada "$T/nf.html"
expect_grep "$T/nf.html" "Página no encontrada"
page 404 /en/data/api/more "$T/nf.html"
page 404 /en/datos "$T/nf.html"
page 404 /es/data/api "$T/nf.html"
