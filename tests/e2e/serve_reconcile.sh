# serve_reconcile.sh - the reconciliation routes over a served demo: the
# public is refused, an analyst reads runs and counts (the same numbers as
# territory_month.csv, no names; audited, since they are not disclosure-
# controlled) and is refused the rest (audited too), a steward reads the
# discrepancy ledger and the review queue (audited); a decision posted
# through the API is stored with the token's user, no longer pending in
# "observa review --list", and held by the next "observa reconcile". The
# portal's pages of the same (and of completeness and uploads) by role.
export LC_ALL=C.UTF-8
O="$T/obs"
fixture_demo "$O" 0.03
printf 'review_low = 0.001\nreview_high = 1\n' >"$T/wide.ini"
expect_status 0 "$OBSERVA" reconcile -q -d "$O" --period 2020 --config "$T/wide.ini" --out "$T/r1" --user rosa
run=$(sql "$O" "SELECT max(id) FROM reconcile_run")
no_id=$(sql "$O" "SELECT id FROM review_item WHERE run = $run AND linked = 0 ORDER BY probability DESC LIMIT 1")
[ -n "$no_id" ] || fail "no unlinked pair in the review queue"
expect_status 0 "$OBSERVA" user add ana --role steward -d "$O" --no-password
expect_status 0 "$OBSERVA" user token ana -d "$O"
TOK_S=$(cat "$T/out")
expect_status 0 "$OBSERVA" user add bob --role analyst -d "$O" --no-password
expect_status 0 "$OBSERVA" user token bob -d "$O"
TOK_A=$(cat "$T/out")

# the portal's accounts (signing in needs a password), and a source to upload to
cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$O/catalog/sources/"
for u in pat:steward rob:analyst sue:submitter; do
	printf 'la clave de %s es larga\n' "${u%%:*}" >"$T/pw"
	src=
	[ "${u#*:}" = submitter ] && src="--source sv-test"
	# shellcheck disable=SC2086
	expect_status 0 "$OBSERVA" user add "${u%%:*}" --role "${u#*:}" $src -d "$O" \
		--password-fd 3 3<"$T/pw"
done
start_server "$O" --threads 2
get() {
	want=$1 url=$2
	shift 2
	code=$(curl -s -o "$T/body" -w '%{http_code}' "$@" "$B$url") || fail "curl $url"
	[ "$code" = "$want" ] || { cat "$T/body" >&2; fail "$url: status $code, expected $want"; }
}
sql "$O" "SELECT DISTINCT names FROM protected WHERE names LIKE '% %'" >"$T/names"
[ "$(wc -l <"$T/names")" -gt 10 ] || fail "too few names to search for"
printf 'Juana Secreta\n' >>"$T/names"
no_names() {
	! LC_ALL=C grep -F -i -q -f "$T/names" "$T/body" || fail "$1: a name for an analyst"
}

for u in /api/v1/reconcile/runs "/api/v1/reconcile/runs/$run/counts" \
	"/api/v1/reconcile/runs/$run/discrepancies" /api/v1/review; do
	get 401 "$u"
done
get 401 "/api/v1/review/$no_id" -H "Content-Type: application/json" -d '{"decision":"accept"}'

# analyst: runs and counts, never names nor the ledger
get 200 /api/v1/reconcile/runs -H "Authorization: Bearer $TOK_A"
no_names runs
jq -e --argjson r "$run" '.data[] | select(.id == $r) | .user == "rosa" and .period == "2020"' \
	"$T/body" >/dev/null || fail "the run lacks its user or period"
get 200 "/api/v1/reconcile/runs/$run/counts?format=csv&limit=1000" -H "Authorization: Bearer $TOK_A"
no_names counts
api_total=$(awk -F, 'NR > 1 && $1 == 2 { s += $7 } END { print s + 0 }' "$T/body")
file_total=$(sql "$O" "SELECT sum(reconciled) FROM reconcile_count WHERE run = $run AND level = 2")
[ "$api_total" = "$file_total" ] || fail "counts: $api_total reconciled, store says $file_total"
[ "$api_total" -gt 0 ] || fail "no reconciled deaths"
get 403 "/api/v1/reconcile/runs/$run/discrepancies" -H "Authorization: Bearer $TOK_A"
get 403 /api/v1/review -H "Authorization: Bearer $TOK_A"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'read' AND actor = 'bob'")" = 2 ] ||
	fail "the analyst's reads of unsuppressed counts were not audited"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'http.403' AND actor = 'bob'")" = 2 ] ||
	fail "the analyst's refusals were not audited"

# steward: the ledger and the queue, each read audited
before=$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'read' AND actor = 'ana'")
get 200 "/api/v1/reconcile/runs/$run/discrepancies?reason=single_source" -H "Authorization: Bearer $TOK_S"
[ "$(jq .total "$T/body")" = "$(sql "$O" "SELECT count(*) FROM discrepancy WHERE run = $run AND reason = 'single_source'")" ] ||
	fail "the ledger total differs from the store"
get 200 "/api/v1/review?limit=1000" -H "Authorization: Bearer $TOK_S"
jq -e --argjson i "$no_id" '.data[] | select(.item == $i) | (.comparisons | length) > 0' \
	"$T/body" >/dev/null || fail "the queue lacks pair $no_id or its weights"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'read' AND actor = 'ana'")" = $((before + 2)) ] ||
	fail "the steward's reads are not audited"

# a decision through the API
get 200 "/api/v1/review/$no_id" -H "Authorization: Bearer $TOK_S" \
	-H "Content-Type: application/json" -d '{"decision":"accept","note":"misma persona"}'
[ "$(sql "$O" "SELECT decision || ',' || actor || ',' || note FROM review_decision WHERE item = $no_id")" = "accept,ana,misma persona" ] ||
	fail "the decision is not stored with the token's user"
get 404 "/api/v1/review/999999999" -H "Authorization: Bearer $TOK_S" \
	-H "Content-Type: application/json" -d '{"decision":"accept"}'

# the same over the portal's restricted area (src/http/portal_admin*.c),
# with curl and a cookie jar per account: each page by role (303 to the
# sign-in without a session, 403 for a role the API refuses); the
# completeness grid with names and its legend; runs and counts for an
# analyst, audited, without a name; the ledger and the review queue for a
# steward, audited, with the names; a decision (CSRF missing or wrong: 403)
# recorded through the route's own function, audited and gone from the
# queue; an upload as a multipart form (CSRF missing or wrong: 403) for a
# submitter of its source, refused with the API's message for another
# source, in the logbook with its rejected rows (shown to a steward, not to
# the submitter).
req() {
	jar=$1 want=$2 path=$3
	shift 3
	code=$(curl -s -b "$jar" -c "$jar" -o "$T/body" -D "$T/head" -w '%{http_code}' "$@" \
		"$B$path") || fail "curl $path"
	[ "$code" = "$want" ] || { cat "$T/head" "$T/body" >&2; fail "$path: $code, expected $want"; }
}
csrf() {
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -n 1
}
signin() {
	req "$T/$1" 200 /es/acceso
	req "$T/$1" 303 /es/acceso --data-urlencode "csrf=$(csrf)" --data-urlencode "user=$1" \
		--data-urlencode "password=la clave de $1 es larga"
}
audit() {
	sql "$O" "SELECT count(*) FROM audit WHERE $1"
}
portal_no_names() {
	! LC_ALL=C grep -F -i -q -f "$T/names" "$T/body" || fail "$1: a name for $2"
}

# without a session: to the sign-in, from every page (and a POST)
for p in /es/gestion/completitud /en/admin/completeness /es/gestion/conciliacion \
	"/en/admin/counts?run=$run" "/es/gestion/discrepancias?run=$run" /en/admin/review \
	/es/gestion/entrega; do
	req "$T/p0" 303 "$p"
	grep -qi '^location: /e[sn]/\(acceso\|sign-in\)?return=' "$T/head" || fail "$p: no sign-in"
done
req "$T/p0" 303 /es/gestion/revision --data "item=1&decision=accept"

# an analyst: completeness (names, the legend), runs and counts (audited,
# no name); not the ledger, the queue or the upload
signin rob
req "$T/rob" 200 "/es/gestion/completitud?country=SLV&year=2020"
expect_grep "$T/body" 'Policía Nacional Civil'
expect_grep "$T/body" '<dt class="st-late">'
expect_grep "$T/body" '<td class="st-'
grep -q '<option value="SLV" selected>' "$T/body" || fail "the country is not chosen"
grep -qi '^cache-control: no-store' "$T/head" || fail "completeness may be cached"
req "$T/rob" 200 "/en/admin/completeness?country=GTM&year=2021"
expect_grep "$T/body" 'missing'
req "$T/rob" 200 /en/admin
expect_grep "$T/body" 'href="/en/admin/completeness"'
req "$T/rob" 200 /es/gestion/conciliacion
expect_grep "$T/body" "href=\"/es/gestion/conteos?run=$run\""
expect_grep "$T/body" '<td>todos</td>'
grep -q 'discrepancias?run=' "$T/body" && fail "the ledger is linked for an analyst"
portal_no_names runs rob
req "$T/rob" 200 "/en/admin/counts?run=$run&level=1"
expect_grep "$T/body" 'Validated deaths'
portal_no_names counts rob
[ "$(audit "action = 'read' AND actor = 'rob' AND object LIKE 'reconcile_run%'")" = 2 ] ||
	fail "the analyst's reads of the runs and counts were not audited"
# pages of 100: page 2 is not page 1, the last holds the rest, past it none
rows() { grep -c '^<tr><th scope="row">' "$T/body"; }
first() { grep -m1 '^<tr><th scope="row">' "$T/body"; }
total=$(sql "$O" "SELECT count(*) FROM reconcile_count WHERE run = $run AND level = 2")
pages=$(((total + 99) / 100))
[ "$pages" -ge 3 ] || fail "too few counts to page through: $total"
req "$T/rob" 200 "/es/gestion/conteos?run=$run&level=2"
expect_grep "$T/body" "Filas 1–100 de $total, página 1 de $pages."
expect_grep "$T/body" "href=\"/es/gestion/conteos?run=$run&amp;level=2&amp;page=2\" rel=\"next\""
grep -q 'rel="prev"' "$T/body" && fail "a previous page before the first"
[ "$(rows)" = 100 ] || fail "page 1 of the counts: $(rows) rows"
f1=$(first)
req "$T/rob" 200 "/en/admin/counts?run=$run&level=2&page=2"
expect_grep "$T/body" "Rows 101–200 of $total, page 2 of $pages."
expect_grep "$T/body" "href=\"/en/admin/counts?run=$run&amp;level=2&amp;page=1\" rel=\"prev\""
[ "$(rows)" = 100 ] && [ "$(first)" != "$f1" ] || fail "page 2 of the counts is page 1"
req "$T/rob" 200 "/es/gestion/conteos?run=$run&level=2&page=$pages"
[ "$(rows)" = $((total - 100 * (pages - 1))) ] || fail "the last page of the counts: $(rows) rows"
grep -q 'rel="next"' "$T/body" && fail "a next page after the last"
req "$T/rob" 200 "/es/gestion/conteos?run=$run&level=2&page=$((pages + 1))"
expect_grep "$T/body" "Ninguna fila en la página $((pages + 1)) de $pages ($total filas en total)."
req "$T/rob" 404 "/es/gestion/conteos?run=999"
for p in "/es/gestion/discrepancias?run=$run" /es/gestion/revision /en/admin/upload; do
	req "$T/rob" 403 "$p"
	portal_no_names "$p" rob
done

# a steward: the ledger and the queue (with names), each view audited
signin pat
req "$T/pat" 200 "/es/gestion/discrepancias?run=$run"
expect_grep "$T/body" 'solo una fuente registró la muerte'
[ "$(audit "action = 'read' AND actor = 'pat' AND object = 'reconcile_run:$run'")" = 1 ] ||
	fail "the ledger's view was not audited"
# the ledger by pages too: the pages' rows add up to the ledger's
total=$(sql "$O" "SELECT count(*) FROM discrepancy WHERE run = $run")
pages=$(((total + 99) / 100))
[ "$total" -gt 0 ] || fail "no discrepancy"
seen=0 p=1
while [ "$p" -le "$pages" ]; do
	req "$T/pat" 200 "/es/gestion/discrepancias?run=$run&page=$p"
	expect_grep "$T/body" "de $total, página $p de $pages."
	seen=$((seen + $(grep -c '^<tr><td class="num">' "$T/body")))
	p=$((p + 1))
done
[ "$seen" = "$total" ] || fail "the ledger's pages show $seen of $total rows"
req "$T/pat" 200 /es/gestion/revision
item=$(sed -n 's/.*<h2>Par \([0-9]*\)<\/h2>.*/\1/p' "$T/body" | head -n 1)
[ -n "$item" ] || fail "no pair in the portal's review queue"
decided=$(sql "$O" "SELECT count(*) FROM review_decision")
LC_ALL=C grep -F -q -f "$T/names" "$T/body" || fail "the queue shows no name to a steward"
pairs=$(grep -c '<section class="review-item">' "$T/body")
[ "$(audit "action = 'read' AND actor = 'pat' AND object = 'review_item'
	AND json_extract(detail, '\$.records') = $((2 * pairs))")" = 1 ] || fail "the queue's view was not audited"
# a decision: without the token or with a wrong one 403, nothing recorded
tok=$(csrf)
req "$T/pat" 403 /es/gestion/revision --data "item=$item&decision=reject"
req "$T/pat" 403 /es/gestion/revision --data "csrf=nada&item=$item&decision=reject"
[ "$(sql "$O" "SELECT count(*) FROM review_decision")" = "$decided" ] || fail "a decision without its token"
req "$T/pat" 400 /es/gestion/revision --data "csrf=$tok&item=$item&decision=quizas"
req "$T/pat" 303 /es/gestion/revision --data "csrf=$tok&item=$item&decision=reject" \
	--data-urlencode "note=fechas distintas"
grep -qi '^location: /es/gestion/revision' "$T/head" || fail "not back to the queue"
[ "$(sql "$O" "SELECT decision || ',' || actor || ',' || note FROM review_decision WHERE item = $item")" = "reject,pat,fechas distintas" ] ||
	fail "the decision was not recorded"
[ "$(audit "action = 'review.reject' AND actor = 'pat'")" = 1 ] || fail "the decision was not audited"
req "$T/pat" 200 /en/admin/review
grep -q "<h2>Pair $item</h2>" "$T/body" && fail "the decided pair is still in the queue"
# the queue by pages of 20: page 2 holds other pairs; each source by name
grep -q '<tr><th scope="row">Source</th><td>[^<·]* — [^<]* · <code>[a-z]*-[a-z]*</code></td>' "$T/body" ||
	fail "the queue's sources without their names"
pending=$(sed -n 's/.*There are \([0-9]*\) undecided.*/\1/p' "$T/body")
[ "${pending:-0}" -gt 20 ] || fail "too few pairs to page through: $pending"
grep -o '<h2>Pair [0-9]*</h2>' "$T/body" >"$T/page1"
req "$T/pat" 200 "/en/admin/review?page=2"
expect_grep "$T/body" "Rows 21–"
grep -o '<h2>Pair [0-9]*</h2>' "$T/body" >"$T/page2"
[ -s "$T/page2" ] && ! grep -qxF -f "$T/page1" "$T/page2" || fail "page 2 of the queue repeats page 1"

# an upload: a multipart form for a submitter of the source
signin sue
req "$T/sue" 403 /es/gestion/completitud
req "$T/sue" 200 /es/gestion/entrega
expect_grep "$T/body" 'enctype="multipart/form-data"'
expect_grep "$T/body" '<input type="text" id="up-period" name="period"'
expect_grep "$T/body" '<input type="checkbox" id="up-reprocess" name="reprocess" value="1">'
expect_grep "$T/body" '<option value="sv-test">Policía de prueba (sv-test)</option>'
tok=$(csrf)
H='No. Caso;Fecha del hecho;Municipio;Departamento;Delito;Sexo;Edad;Nombre'
printf '%s\n1;03/01/2020;San Salvador;San Salvador;Homicidio;Hombre;30;Ana Pérez\n2;04/01/2020;Narnia;;Homicidio;Hombre;30;\n3;05/01/2020;Aguilares;San Salvador;Homicidio;Mujer;150;Juana Secreta\n' "$H" >"$T/v1.csv"
n0=$(sql "$O" "SELECT count(*) FROM submission")
req "$T/sue" 403 /es/gestion/entrega -F "source=sv-test" -F "file=@$T/v1.csv"
req "$T/sue" 403 /es/gestion/entrega -F "csrf=nada" -F "source=sv-test" -F "file=@$T/v1.csv"
[ "$(sql "$O" "SELECT count(*) FROM submission")" = "$n0" ] || fail "a file in without its token"
# another source: the API's refusal, in the page's language
req "$T/sue" 403 /en/admin/upload -F "csrf=$tok" -F "source=sv-pnc" -F "file=@$T/v1.csv"
expect_grep "$T/body" "This account may only submit files of source"
req "$T/sue" 201 /es/gestion/entrega -F "csrf=$tok" -F "source=sv-test" -F "file=@$T/v1.csv"
expect_grep "$T/body" 'Entrega recibida'
expect_grep "$T/body" 'v1.csv'
portal_no_names upload sue
grep -q 'cuarentena?submission=' "$T/body" && fail "the rows are linked for a submitter"
sub=$(sql "$O" "SELECT max(id) FROM submission WHERE source = 'sv-test'")
[ "$(sql "$O" "SELECT rejected FROM submission WHERE id = $sub")" -ge 2 ] || fail "no rejected rows"
[ "$(audit "action = 'submit' AND actor = 'sue'")" = 1 ] || fail "the upload was not audited"
# the same file again, by a steward: already received, its rows linked
req "$T/pat" 200 /es/gestion/entrega
tok=$(csrf)
# the period goes to the route as the API's field: a bad one is its 400
req "$T/pat" 400 /es/gestion/entrega -F "csrf=$tok" -F "source=sv-test" -F "file=@$T/v1.csv" \
	-F "period=nunca"
expect_grep "$T/body" 'name="period" size="16" value="nunca"'
req "$T/pat" 200 /es/gestion/entrega -F "csrf=$tok" -F "source=sv-test" -F "file=@$T/v1.csv"
expect_grep "$T/body" "ya se había recibido"
expect_grep "$T/body" "href=\"/es/gestion/cuarentena?submission=$sub\""
req "$T/pat" 200 "/es/gestion/cuarentena?submission=$sub"
expect_grep "$T/body" "Juana Secreta"
kill -TERM "$PID"
wait "$PID" || fail "serve did not exit cleanly"
trap 'rm -rf "$T"' EXIT
expect_status 0 "$OBSERVA" review -d "$O" --user rosa --list
grep -q "== par $no_id:" "$T/out" && fail "the decided pair is still pending"
expect_status 0 "$OBSERVA" review -d "$O" --user rosa --all
expect_grep "$T/out" "accept (ana,"
set -- $(sql "$O" "SELECT source_a || ',' || id_a || ' ' || source_b || ',' || id_b FROM review_item WHERE id = $no_id")
na=$1 nb=$2
death_of() { awk -F, -v k="$2" 'NR > 1 && $2 "," $3 == k { print $1 }' "$1/members.csv"; }
expect_status 0 "$OBSERVA" reconcile -d "$O" --period 2020 --out "$T/r2"

[ "$(death_of "$T/r2" "$na")" = "$(death_of "$T/r2" "$nb")" ] || fail "the accepted pair is apart"
expect_status 0 "$OBSERVA" audit verify -d "$O"
