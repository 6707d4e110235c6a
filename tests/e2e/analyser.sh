# analyser.sh - the portal's analyser page (/es/analizador, /en/analyser)
# against GET /api/v1/analyze on a small demo: for the same query string
# the page's table has the API's cells, in the API's order, with the same
# counts and statuses (a filtered table, one with a suppressed cell, the
# total alone); the form's filters become `where` by a redirect to a URL
# whose parameters are the API's; an unknown dimension is a 400 page in
# each language that names the value; a hostile parameter is escaped; the
# page's CSV link downloads the API's CSV, and its XLSX link a workbook
# with the same cells.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.01
O="$T/obs"
start_server "$O"

# same PATH QUERY : the page's cells equal the API's for QUERY
same() {
	code=$(curl -s -o "$T/page" -w '%{http_code}' "$B$1?$2") || fail "curl page"
	[ "$code" = 200 ] || { head -c 3000 "$T/page" >&2; fail "$1?$2: status $code"; }
	code=$(curl -s -o "$T/api" -w '%{http_code}' "$B/api/v1/analyze?$2") || fail "curl api"
	[ "$code" = 200 ] || { cat "$T/api" >&2; fail "api $2: status $code"; }
	grep -q '<table id="analysis"' "$T/page" || fail "$1?$2: no table"
	grep -o '<td class="num[^"]*" data-status="[a-z_]*" data-count="[0-9]*"' "$T/page" |
		sed 's/.*data-status="\([a-z_]*\)" data-count="\([0-9]*\)"/\1 \2/' >"$T/page.cells"
	jq -r '.cells[] | "\(.status) \(.count // "")"' "$T/api" >"$T/api.cells"
	[ -s "$T/api.cells" ] || fail "api $2: no cells"
	cmp -s "$T/page.cells" "$T/api.cells" ||
		{ diff "$T/page.cells" "$T/api.cells" | head >&2; fail "$1?$2: cells differ from the API's"; }
}

# a filtered table (admin-1 x year of women), in both languages
q='rows=admin1&cols=year&where=country%3DSLV+sex%3DF'
same /es/analizador "$q"
expect_grep "$T/page" 'Departamento o provincia'
expect_grep "$T/page" 'Cuenta víctimas'
same /en/analyser "$q"
expect_grep "$T/page" 'First-level unit'
# the language switch keeps the query
expect_grep "$T/page" '<a class="lang" href="/es/analizador?rows=admin1&amp;cols=year&amp;where=country%3DSLV%20sex%3DF"'
# the chart follows the table: lines over the years
grep -q '<figure class="chart analysis-chart"><svg' "$T/page" || fail "no chart"

# a table with a suppressed cell: municipalities x year of homicides of women
q='rows=admin2&cols=year&where=country%3DSLV+sex%3DF+iccs%3D0101'
same /es/analizador "$q"
grep -q '^suppressed $' "$T/api.cells" || fail "no suppressed cell in the test query"
expect_grep "$T/page" '<span class="flag">suprimido</span>'
# the CSV link is the API's CSV for the same question
href=$(grep -o '<a href="[^"]*" id="download-csv"' "$T/page" | sed 's/<a href="\([^"]*\)".*/\1/; s/&amp;/\&/g')
[ "$href" = "/api/v1/analyze?$(echo "$q" | sed 's/+/%20/g')&format=csv" ] || fail "CSV link: $href"
code=$(curl -s -o "$T/csv" -D "$T/h" -w '%{http_code}' "$B$href")
[ "$code" = 200 ] || fail "CSV link: status $code"
tr -d '\r' <"$T/h" | grep -qi '^content-type: text/csv' || fail "CSV link: not CSV"
[ "$(($(wc -l <"$T/csv") - 1))" = "$(wc -l <"$T/api.cells")" ] || fail "CSV rows differ from the cells"
# and the XLSX link a workbook of one sheet with the CSV's cells
href=$(grep -o '<a href="[^"]*" id="download-xlsx"' "$T/page" | sed 's/<a href="\([^"]*\)".*/\1/; s/&amp;/\&/g')
[ "$href" = "/api/v1/analyze?$(echo "$q" | sed 's/+/%20/g')&format=xlsx" ] || fail "XLSX link: $href"
code=$(curl -s -o "$T/xlsx" -D "$T/h" -w '%{http_code}' "$B$href")
[ "$code" = 200 ] || fail "XLSX link: status $code"
tr -d '\r' <"$T/h" | grep -qi '^content-type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' ||
	fail "XLSX link: not a workbook"
python3 - "$T/xlsx" "$T/csv" <<'PY' || fail "the XLSX's cells differ from the CSV's"
import csv, re, sys, zipfile
sheet = zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml").decode()
rows = []
for row in re.findall(r"<row [^>]*>(.*?)</row>", sheet):
    cells = {}
    for ref, body in re.findall(r'<c r="([A-Z]+)\d+"[^>]*>(.*?)</c>', row):
        cells[ord(ref) - 65] = re.sub(r"<[^>]+>", "", body).replace("&amp;", "&")
    rows.append(cells)
want = list(csv.reader(open(sys.argv[2], newline="")))
n = len(want[0])
got = [[r.get(i, "") for i in range(n)] for r in rows]
sys.exit(0 if got == want else 1)
PY

# bars when the columns are not periods
same /en/analyser 'rows=admin1&cols=mechanism&where=country%3DSLV+iccs%3D0101'
grep -q '<figure class="chart analysis-chart"><svg' "$T/page" || fail "no bar chart"
expect_grep "$T/page" '>Firearm</th>'

# the total alone, and a rate (its denominator said)
same /es/analizador 'where=country%3DSLV'
same /en/analyser 'rows=country&cols=year&measure=rate&where=iccs%3D0101'
expect_grep "$T/page" 'the denominator is'

# the form: its filters go into `where` by a redirect to the API's parameters
code=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' \
	"$B/es/analizador?rows=admin1&cols=year&measure=&counts=&f_territory=SLV&f_year=&f_iccs=0101&f_sex=F&f_weapon=firearm&where=")
[ "$code" = 303 ] || fail "form: status $code"
loc=$(tr -d '\r' <"$T/h" | sed -n 's/^[Ll]ocation: //p')
[ "$loc" = "/es/analizador?rows=admin1&cols=year&where=territory%3DSLV%20iccs%3D0101%20sex%3DF%20mechanism%3Dfirearm" ] ||
	fail "form: redirect to $loc"
same /es/analizador "${loc#*\?}"
# the form shows the filters chosen
expect_grep "$T/page" '<option value="F" selected>Mujeres</option>'
expect_grep "$T/page" '<option value="firearm" selected>Arma de fuego</option>'

# municipalities with two attributes of the victim: the public rule's
# refusal, explained on the page with the API's status
code=$(curl -s -o "$T/page" -w '%{http_code}' \
	"$B/en/analyser?rows=admin2&cols=year&where=territory%3DSLV+sex%3DF+mechanism%3Dfirearm")
[ "$code" = 400 ] || fail "admin2 with two attributes: status $code"
expect_grep "$T/page" 'small_area_attributes'

# an unknown dimension: 400 in both languages, the value and what was expected
for p in /es/analizador /en/analyser; do
	code=$(curl -s -o "$T/page" -w '%{http_code}' "$B$p?rows=weapons")
	[ "$code" = 400 ] || fail "$p?rows=weapons: status $code"
	expect_grep "$T/page" '<code>weapons</code>'
	expect_grep "$T/page" 'mechanism'
	grep -q '</html>' "$T/page" || fail "$p: cut error page"
done
expect_grep "$T/page" 'The question is not valid'
code=$(curl -s -o "$T/api" -w '%{http_code}' "$B/api/v1/analyze?rows=weapons")
[ "$code" = 400 ] || fail "api rows=weapons: $code"
code=$(curl -s -o "$T/page" -w '%{http_code}' "$B/es/analizador?rows=weapons")
expect_grep "$T/page" 'La pregunta no es válida'
code=$(curl -s -o "$T/page" -w '%{http_code}' "$B/es/analizador?rows=sex&measure=mean")
[ "$code" = 400 ] || fail "measure=mean: status $code"
expect_grep "$T/page" 'count, rate o share'

# a hostile parameter is escaped, in the error and in the form
h='%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27'
for p in "rows=$h" "where=sex%3D$h" "cols=$h&rows=sex"; do
	code=$(curl -s -o "$T/page" -w '%{http_code}' "$B/es/analizador?$p")
	[ "$code" = 400 ] || fail "$p: status $code"
	! grep -q '<script>alert' "$T/page" || fail "$p reached the page as markup"
	expect_grep "$T/page" '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;'
done
# the page with no question: the form alone, linked from the header
code=$(curl -s -o "$T/page" -w '%{http_code}' "$B/en/analyser")
[ "$code" = 200 ] || fail "/en/analyser: $code"
expect_grep "$T/page" '<li><a href="/en/analyser" aria-current="page">Analyser</a></li>'
! grep -q '<table id="analysis"' "$T/page" || fail "a table without a question"
