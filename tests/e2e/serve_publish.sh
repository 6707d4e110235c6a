# serve_publish.sh - the API over a published demo observatory: every public
# route of the OpenAPI document answers (with sample parameters) and none
# carries a name of table protected; indicator values come from the latest
# release, paged with total and next; release files are served without
# escaping DIR/releases (../, %2e%2e, encoded slashes, absolute paths,
# symlinks); a submitter uploads a file of its own source only (audited, size
# limit); SIGTERM during an upload commits it whole and exits 0. The
# missing-persons statistics of the route and the portal's page are the
# cells of the release's missing_persons.csv.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.03 2024
O="$T/obs"
# things that must never be served
mkdir -p "$T/outside"
printf 'secreto-fuera\n' >"$T/outside/secret.csv"
ln -s "$T/outside" "$O/releases/v1/fuera"
ln -s "$T/outside/secret.csv" "$O/releases/v1/enlace.csv"
expect_status 0 "$OBSERVA" user add carla --role submitter --source sv-pnc -d "$O" --no-password
expect_status 0 "$OBSERVA" user token carla -d "$O"
TOKS=$(cat "$T/out")

start_server "$O" --threads 2
mkdir "$T/public"
n=0
get() {
	want=$1 url=$2
	shift 2
	n=$((n + 1))
	code=$(curl -s --path-as-is -o "$T/body" -D "$T/headers" -w '%{http_code}' "$@" "$B$url") ||
		fail "curl $url"
	[ "$code" = "$want" ] || { cat "$T/body" >&2; fail "$url: status $code, expected $want"; }
	for h in x-content-type-options x-frame-options content-security-policy referrer-policy; do
		grep -qi "^$h:" "$T/headers" || fail "$url: no $h header"
	done
	case "$*" in
	*Authorization*) ;;
	*) cp "$T/body" "$T/public/$n" ;;
	esac
}

# indicators: metadata, values with paging to the end (total and next)
get 200 /api/v1/indicators
[ "$(jq .total "$T/body")" -ge 20 ] || fail "too few indicators"
jq -e '.data[0].url | startswith("/api/v1/indicators/")' "$T/body" >/dev/null || fail "url"
get 200 "/api/v1/indicators/homicide_rate?territory=SLV&year=2024&by=sex"
grep -qi '^x-release: v1' "$T/headers" || fail "no X-Release"
[ "$(jq '.data | length' "$T/body")" = 4 ] || fail "SLV 2024 by sex: 4 rows expected"
jq -r '.data[] | select(.sex == "T") | .count' "$T/body" >"$T/api_count"
# numbers as the release wrote them, not widened to 17 digits
! grep -Eq '[0-9]\.[0-9]{12,}' "$T/body" || fail "a number widened to 17 digits"
python3 - "$O/releases/v1/indicators.csv" "$(cat "$T/api_count")" <<'PY' || fail "API and release differ"
import csv, sys
want = sys.argv[2]
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    if (r["indicator"], r["territory"], r["year"], r["sex"]) == ("homicide_rate", "SLV", "2024", "T"):
        got = r["count"] if r["count"] else "null"
        sys.exit(0 if got == want else 1)
sys.exit(1)
PY
total=$(sqlite3 -batch "$O/observa.db" "SELECT count(*) FROM territory")
url="/api/v1/indicators/homicide_rate?year=2024&limit=1000"
seen=0 pages=0
while [ -n "$url" ]; do
	get 200 "$url"
	[ "$(jq .total "$T/body")" -gt 1000 ] || fail "the listing should need two pages"
	seen=$((seen + $(jq '.data | length' "$T/body")))
	url=$(jq -r '.next // empty' "$T/body")
	pages=$((pages + 1))
	[ $pages -lt 10 ] || fail "paging does not end"
done
[ "$seen" = "$(jq .total "$T/body")" ] || fail "paging saw $seen rows of $(jq .total "$T/body")"
[ "$pages" -ge 2 ] || fail "one page only"
get 404 /api/v1/indicators/no_such_indicator
get 400 "/api/v1/indicators/homicide_rate?by=age"
get 200 "/api/v1/indicators/homicide_rate?format=csv&territory=SLV"
head -n 1 "$T/body" | grep -q '^indicator,country,territory' || fail "CSV header"
# a CSV download is complete: every row of the indicator, not a first page
get 200 "/api/v1/indicators/homicide_rate?limit=1"
all=$(jq .total "$T/body")
[ "$all" -gt 1000 ] || fail "homicide_rate has only $all rows: too few to test the cap"
get 200 "/api/v1/indicators/homicide_rate?format=csv"
[ "$(wc -l <"$T/body")" = $((all + 1)) ] || fail "CSV download: $(wc -l <"$T/body") lines, $all rows"

# every public GET route of the document, with sample values
get 200 /api/v1/openapi.json
cp "$T/body" "$T/openapi.json"
for p in /api/v1/indicators /api/v1/indicators/{id} /api/v1/submissions; do
	jq -e --arg p "$p" '.paths | has($p)' "$T/openapi.json" >/dev/null || fail "openapi lacks $p"
done
jq -r '.paths | to_entries[] | select(.value.get != null and ((.value.get.security // []) | length) == 0)
	| .key' "$T/openapi.json" >"$T/routes"
while read -r route; do
	case "$route" in
	*'{code}'*) for c in SLV SLV06 SLV0614 GTM01; do
		get 200 "$(echo "$route" | sed "s/{code}/$c/")"; done ;;
	# the demo's missing-person reports: the first, and every one listed
	/api/v1/missing/'{id}') get 200 "$(echo "$route" | sed 's|{id}|1|')"
		get 200 /api/v1/missing?limit=1000
		for id in $(jq '.data[].id' "$T/body"); do
			get 200 "$(echo "$route" | sed "s|{id}|$id|")"; done ;;
	# each listed report's photograph: served when the list shows its
	# photo, else 404, as for a report that does not exist
	/api/v1/missing/'{id}'/photo) get 200 /api/v1/missing?limit=1000
		jq -r '.data[] | "\(.id) \(if .photo then 200 else 404 end)"' "$T/body" >"$T/photos"
		grep -q ' 200$' "$T/photos" && grep -q ' 404$' "$T/photos" ||
			fail "$route: the demo's reports should show some photographs and hide others"
		while read -r id want; do
			get "$want" "$(echo "$route" | sed "s|{id}|$id|")"
		done <"$T/photos" ;;
	# the release's missing_persons.csv, its year's four breakdowns
	/api/v1/missing/stats) get 200 "$route?year=2024"
		jq -e '.total > 4 and ([.data[] | select(.group == "total")] | length == 4)' \
			"$T/body" >/dev/null || fail "$route: not the release's four breakdowns" ;;
	*'{id}'*) for id in homicide_rate femicide_rate sexual_violence_rate homicide_firearm_share; do
		get 200 "$(echo "$route" | sed "s/{id}/$id/")?by=sex&limit=1000"; done ;;
	*'{path}'*) for f in v1/indicators.csv v1/counts_iccs.json v1/manifest.json v1/catalog.jsonld; do
		get 200 "$(echo "$route" | sed "s|{path}|$f|")"; done ;;
	/api/v1/index) get 200 "$route?preset=sv-municipal&year=2024" ;;
	# the demo's plan, against the release
	*'{plan}'*) get 200 "$(echo "$route" | sed 's|{plan}|sv-seguro|')"
		jq -e '.data | length > 0' "$T/body" >/dev/null || fail "$route: no rows" ;;
	# the case types whose statistics the catalogue makes public
	/api/v1/cases/stats) for t in salve vcm-judicial; do get 200 "$route?type=$t"; done ;;
	# the demo has several countries: one must be chosen
	/api/v1/situation) get 200 "$route?territory=SLV&period=2024-03" ;;
	/api/v1/analyze) code=$(curl -s -o "$T/body" -w '%{http_code}' \
		"$B$route?rows=admin1&cols=year&where=iccs%3D0101")
		cp "$T/body" "$T/public/analyze" ;;
	*) get 200 "$route" ;;
	esac
done <"$T/routes"
[ "$(wc -l <"$T/routes")" -ge 8 ] || fail "too few public routes"
grep -qx /api/v1/index "$T/routes" || fail "the index route is not walked"

# the statistics on the API and the portal are the release's cells, one
# number: the route's CSV is the file, its JSON the same rows; the page's
# tables show each count, share and median as published and a withheld
# cell as such (no number); the English page says "suppressed"
R="$O/releases/v1"
curl -sf "$B/api/v1/missing/stats?format=csv" | tr -d '\r' >"$T/api.csv" || fail "missing/stats"
tr -d '\r' <"$R/missing_persons.csv" | cmp -s - "$T/api.csv" ||
	{ diff "$R/missing_persons.csv" "$T/api.csv" >&2; fail "the route's cells are not the release's"; }
curl -sf "$B/api/v1/missing/stats?year=2024&breakdown=age" >"$T/api.json" || fail "missing/stats json"
python3 - "$T/api.json" "$R/missing_persons.csv" <<'PY' || fail "the route's JSON is not the release's rows"
import csv, json, sys
# the numbers as written: the release's text, not a float's
got = json.load(open(sys.argv[1]), parse_float=str, parse_int=str)["data"]
want = [r for r in csv.DictReader(open(sys.argv[2])) if r["breakdown"] == "age"]
got = [{k: "" if v is None else v for k, v in r.items()} for r in got]
sys.exit(None if got == want and want else "route %s, release %s" % (got[:2], want[:2]))
PY
[ "$(curl -s -o /dev/null -w '%{http_code}' "$B/api/v1/missing/stats?breakdown=week")" = 400 ] ||
	fail "a breakdown that is none"
grep -q ',C$' "$R/missing_persons.csv" || fail "nothing suppressed in the release: the test proves nothing"
curl -sf "$B/en/missing/figures" | grep -q '<span class="flag">suppressed</span>' ||
	fail "/en/missing/figures: no cell shown suppressed"
page=/es/desaparecidos/cifras?year=2024
curl -sf "$B$page" >"$T/stats.html" || fail "$page"
grep -q '<svg' "$T/stats.html" || fail "$page: no chart"
python3 - "$T/stats.html" "$R/missing_persons.csv" <<'PY' || fail "$page: not the release's cells"
import csv, re, sys
page = open(sys.argv[1]).read()
rows = {(r["breakdown"], r["group"]): r for r in csv.DictReader(open(sys.argv[2]))}
withheld = 0
for by, body in re.findall(r'<table class="data missing-stats" data-breakdown="(\w+)">(.*?)</table>', page, re.S):
    for group, tr in re.findall(r'<tr data-group="([^"]*)">(.*?)</tr>', body, re.S):
        r = rows.pop((by, group))
        cells = re.findall(r'<td class="num">(.*?)</td>', tr)
        for k, c in zip(("reported", "located", "share_located", "median_days"), cells):
            m = re.match(r'<data value="([^"]*)">', c)
            if r[k]:
                if not m or m.group(1) != r[k]:
                    sys.exit("%s %s %s: %r, published %r" % (by, group, k, c, r[k]))
            elif m or re.search(r'[0-9]', c):
                sys.exit("%s %s %s: a number for an empty cell: %r" % (by, group, k, c))
            elif r["status"] == "C" and (k in ("reported", "located") or not r["located"]):
                withheld += 1
                if "suprimido" not in c and "suppressed" not in c:
                    sys.exit("%s %s %s: withheld, shown %r" % (by, group, k, c))
if rows:
    sys.exit("rows of the release not on the page: %s" % sorted(rows)[:5])
if not withheld:
    sys.exit("no withheld cell on the page: the test proves nothing")
PY
# the index: the public form (ranks, intervals, levels, inputs' status) of
# the units "observa index" ranks, from the cache the second time
get 200 "/api/v1/index?preset=sv-municipal&year=2024&format=csv"
grep -qi '^x-index-cache: hit' "$T/headers" || fail "the index was computed twice"
head -n 1 "$T/body" | grep -q '^unit,name,rank,rank_low,rank_high,level,level_name,top,input_' ||
	fail "API index CSV header: $(head -n 1 "$T/body")"
! head -n 1 "$T/body" | grep -Eq 'score|contrib_|raw_|norm_|reference' ||
	fail "the API index publishes values: $(head -n 1 "$T/body")"
expect_status 0 "$OBSERVA" index -d "$O" --preset sv-municipal --year 2024 --format csv
tail -n +2 "$T/out" | cut -d, -f1 | sort >"$T/cli_units"
tail -n +2 "$T/body" | cut -d, -f1 | sort >"$T/api_units"
cmp "$T/cli_units" "$T/api_units" || fail "API index units differ from observa index"
get 200 "/api/v1/index?preset=sv-municipal&year=2024"
jq -e '.protection.method == "cell_key" and (.units | length) >= 40 and
	all(.units[]; .rank_low <= .rank and .rank <= .rank_high and (has("score") | not))' \
	"$T/body" >/dev/null || fail "API index JSON"
! grep -q "$O" "$T/body" || fail "the API index names a server path"
get 400 "/api/v1/index?preset=..%2Fx.ini&year=2024"
# reconciliation is not public
for u in /api/v1/reconcile/runs /api/v1/reconcile/runs/1/counts /api/v1/review; do
	get 401 "$u"
done
sqlite3 -batch "$O/observa.db" "SELECT DISTINCT names FROM protected WHERE names LIKE '% %'" >"$T/names"
[ "$(wc -l <"$T/names")" -gt 100 ] || fail "too few names to search for"
# the missing persons' names no route may show: a report that is not public,
# without the family's consent, or a child's without express authorisation
# (docs/missing.md), less any name a public report shares
sqlite3 -batch "$O/observa.db" "SELECT v.value FROM case_value v JOIN case_file f ON f.id = v.case_id
	WHERE f.type = 'missing-persons' AND v.field = 'name' AND (
	f.state NOT IN ('missing', 'located_alive')
	OR NOT EXISTS (SELECT 1 FROM case_value c WHERE c.case_id = f.id
		AND c.field = 'publication_consent' AND c.value = 'yes')
	OR (COALESCE((SELECT CAST(a.value AS INTEGER) FROM case_value a WHERE a.case_id = f.id
		AND a.field = 'age'), -1) < 18 AND NOT EXISTS (SELECT 1 FROM case_value m
		WHERE m.case_id = f.id AND m.field = 'minor_consent' AND m.value = 'yes')))" >"$T/hidden"
[ "$(wc -l <"$T/hidden")" -gt 10 ] || fail "too few hidden missing persons' names"
curl -s "$B/api/v1/missing?limit=1000" | jq -r '.data[].name // empty' >"$T/shown"
[ -s "$T/shown" ] || fail "no missing person's name is public"
grep -v -x -F -f "$T/shown" "$T/hidden" >>"$T/names" || true
drop_shown_names "$T/names" "$B"
head -n 1 "$T/names" >"$T/control"
grep -F -q -f "$T/names" "$T/control" || fail "the name search finds nothing"
if LC_ALL=C grep -F -i -l -f "$T/names" "$T/public"/*; then
	fail "a name of table protected in a public response"
fi

# release files: no way out of DIR/releases
for u in /api/v1/releases/../observa.db /api/v1/releases/%2e%2e/observa.db \
	/api/v1/releases/v1%2F..%2F..%2Fobserva.db /api/v1/releases/v1/%2e%2e/%2e%2e/observa.db \
	/api/v1/releases/%2F$T/obs/observa.db "/api/v1/releases/$T/obs/observa.db" \
	/api/v1/releases//etc/passwd /api/v1/releases/%2Fetc%2Fpasswd \
	/api/v1/releases/v1/fuera/secret.csv /api/v1/releases/v1/enlace.csv \
	/api/v1/releases/v1/..%2F..%2Fobserva.db /api/v1/releases/v1%5C..%5C..%5Cobserva.db \
	/api/v1/releases/%252e%252e/observa.db /api/v1/releases/.tmp; do
	code=$(curl -s --path-as-is -o "$T/body" -w '%{http_code}' "$B$u")
	case "$code" in
	400 | 404) ;;
	*) fail "$u: status $code" ;;
	esac
	! grep -q "SQLite format" "$T/body" || fail "$u served the store"
	! grep -q "secreto-fuera" "$T/body" || fail "$u followed a link out of the releases"
	! grep -q "root:" "$T/body" || fail "$u served /etc/passwd"
done
get 200 /api/v1/releases?limit=1000
! grep -q "secret.csv" "$T/body" || fail "a link out of the tree is listed"

# submissions: a submitter for its own source only, audited, size limit
F="$O/demo/sv-pnc/homicidios_2023.csv"
[ -f "$F" ] || fail "no demo file to upload"
get 401 "/api/v1/submissions?source=sv-pnc" --data-binary "@$F" -H "Content-Type: text/csv"
get 403 "/api/v1/submissions?source=gt-pnc" --data-binary "@$F" -H "Content-Type: text/csv" \
	-H "Authorization: Bearer $TOKS"
get 415 "/api/v1/submissions" -F "f=@$F" -H "Authorization: Bearer $TOKS"
before=$(sqlite3 -batch "$O/observa.db" "SELECT count(*) FROM audit WHERE action = 'submit'")
get 200 "/api/v1/submissions?file=homicidios_2023.csv" --data-binary "@$F" \
	-H "Content-Type: text/csv" -H "Authorization: Bearer $TOKS"
jq -e '.already == true and .source == "sv-pnc"' "$T/body" >/dev/null || fail "same file twice"
{ cat "$F"; printf '\n'; } >"$T/new.csv"
subs=$(sqlite3 -batch "$O/observa.db" "SELECT count(*) FROM submission")
get 201 "/api/v1/submissions?file=homicidios_2023b.csv" --data-binary "@$T/new.csv" \
	-H "Content-Type: text/csv" -H "Authorization: Bearer $TOKS"
jq -e '.submission > 0 and .rows_read == (.accepted + .rejected) and (.sha256 | length) == 64' \
	"$T/body" >/dev/null || { cat "$T/body" >&2; fail "ingest report"; }
rows_want=$(jq .rows_read "$T/body")
[ "$rows_want" -gt 0 ] || fail "no rows read"
[ "$(sqlite3 -batch "$O/observa.db" "SELECT count(*) FROM submission")" = $((subs + 1)) ] ||
	fail "the upload was not ingested"
[ "$(sqlite3 -batch "$O/observa.db" "SELECT file_name FROM submission ORDER BY id DESC LIMIT 1")" = \
	homicidios_2023b.csv ] || fail "the logbook lacks the uploaded file's name"
[ -z "$(ls -A "$O" | grep '^\.upload')" ] || fail "an upload folder was left"
[ "$(sqlite3 -batch "$O/observa.db" "SELECT count(*) FROM audit WHERE action = 'submit'")" = \
	$((before + 2)) ] || fail "uploads not audited"
head -c 70000000 /dev/zero | tr '\0' 'x' >"$T/big.csv"
get 413 "/api/v1/submissions" --data-binary "@$T/big.csv" -H "Content-Type: text/csv" \
	-H "Authorization: Bearer $TOKS"

# SIGTERM during an upload: the submission is committed whole, the server exits 0
subs=$(sqlite3 -batch "$O/observa.db" "SELECT count(*) FROM submission")
{ cat "$F"; printf '\n\n'; } >"$T/new2.csv"
python3 - "$PORT" "$TOKS" "$T/new2.csv" >"$T/slow.out" 2>&1 <<'PY' &
import socket, sys, time
body = open(sys.argv[3], "rb").read()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /api/v1/submissions?file=late.csv HTTP/1.1\r\nHost: t\r\n"
          b"Content-Type: text/csv\r\nAuthorization: Bearer " + sys.argv[2].encode() +
          b"\r\nContent-Length: %d\r\n\r\n" % len(body))
s.sendall(body[: len(body) // 2])
print("half sent", flush=True)
time.sleep(2)
s.sendall(body[len(body) // 2 :])
data = b""
while not (b"\r\n\r\n" in data and data.rstrip().endswith(b"}")):
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(data.split(b"\r\n")[0].decode())
PY
SLOW=$!
wait_for "$T/slow.out" "half sent" "the slow client did not connect"
sleep 0.2
kill -TERM "$PID"
wait "$SLOW" || fail "the in-flight upload failed"
expect_grep "$T/slow.out" "201 Created"
set +e
wait "$PID"
st=$?
set -e
trap 'rm -rf "$T"' EXIT
[ "$st" = 0 ] || { cat "$T/serve.err" >&2; fail "serve exited $st after SIGTERM"; }
[ "$(sqlite3 -batch "$O/observa.db" "SELECT count(*) FROM submission")" = $((subs + 1)) ] ||
	fail "the in-flight upload was not committed"
sha=$(sha256sum "$T/new2.csv" | cut -d' ' -f1)
got=$(sqlite3 -batch "$O/observa.db" "SELECT rows_read FROM submission WHERE sha256 = '$sha' AND file_name = 'late.csv'")
[ "$got" = "$rows_want" ] || fail "the in-flight upload is partial ($got rows of $rows_want)"
expect_status 0 "$OBSERVA" audit verify -d "$O"
