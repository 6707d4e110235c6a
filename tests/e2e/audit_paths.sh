# audit_paths.sh - every path that shows protected fields writes its audit
# entry before the first byte. The paths are read from the table in
# docs/audit.md, and each row must have a case here (a row without one
# fails). For each path: output interrupted after the first line (SIGPIPE on
# a pipe or on a FIFO the command writes; an HTTP client that disconnects
# after the first bytes) and the reader killed with kill -9 each leave
# exactly one entry; a log that cannot be written shows nothing and says
# why; with the observatory's purpose policy, a read without a purpose is
# refused and one with it records it. Every API route marked x-audited is a
# row of the table. Last, "observa audit verify" passes.
export LC_ALL=C.UTF-8
DOC="$OBSERVA_DATA/../docs/audit.md"
[ -f "$DOC" ] || fail "no docs/audit.md"
O="$T/obs"
fixture_demo "$O" 0.01
# a SALVE report's school and territory: the first of the demo's schools
# catalogue, which a report must match
school_code=$(awk -F, 'NR == 2 { print $1; exit }' "$O/catalog/schools.csv")
school_terr=$(awk -F, 'NR == 2 { print $3; exit }' "$O/catalog/schools.csv")
[ -n "$school_code" ] && [ -n "$school_terr" ] || fail "no school in the demo's catalogue"
printf 'review_low = 0.001\nreview_high = 1\n' >"$T/wide.ini"
expect_status 0 "$OBSERVA" reconcile -q -d "$O" --period 2017..2020 --config "$T/wide.ini" --user rosa
RUN=$(sql "$O" "SELECT max(id) FROM reconcile_run")
[ "$(sql "$O" "SELECT count(*) FROM review_item WHERE run = $RUN")" -gt 200 ] ||
	fail "too few pairs in the review queue"
# a quarantine whose listing outgrows a pipe: the demo's rows, 200 times
sql "$O" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
	INSERT INTO quarantine(submission, line, column, field, value, reason, raw)
	SELECT q.submission, q.line + 100000 * n.i, q.column, q.field, q.value, q.reason, q.raw
	FROM quarantine q, n"
[ "$(sql "$O" "SELECT count(*) FROM quarantine")" -gt 2000 ] || fail "no quarantine"
# and warnings: the demo's, 200 times
sql "$O" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
	INSERT INTO warning(submission, line, column, field, value, reason, kind)
	SELECT w.submission, w.line + 100000 * n.i, w.column, w.field, w.value, w.reason, w.kind
	FROM warning w, n"
[ "$(sql "$O" "SELECT count(*) FROM warning")" -gt 2000 ] || fail "no warnings"
# person files for observa link: the demo's named police and forensic records
for inst in police forensic; do
	sqlite3 -csv -header "$O/observa.db" "SELECT r.source || ':' || r.source_id AS rec_id,
		p.names AS nombre, r.occurred_on AS fecha, r.victim_sex AS sexo,
		r.territory AS municipio FROM record r JOIN protected p ON p.record = r.id
		JOIN submission s ON s.id = r.submission
		WHERE s.institution = '$inst' AND p.names IS NOT NULL" >"$T/$inst.csv"
done
printf '[link]\nid = rec_id\nreport = 0.0000001\n[field persona]\ntype = fullname\ncolumn = nombre\n[field fecha]\ntype = date\ncolumn = fecha\n[field sexo]\ntype = code\ncolumn = sexo\n[field municipio]\ntype = territory\ncolumn = municipio\n' >"$T/p.ini"

expect_status 0 "$OBSERVA" user add ana --role steward -d "$O" --no-password
expect_status 0 "$OBSERVA" user token ana -d "$O"
TOK_steward=$(cat "$T/out")
expect_status 0 "$OBSERVA" user add bob --role analyst -d "$O" --no-password
expect_status 0 "$OBSERVA" user token bob -d "$O"
TOK_analyst=$(cat "$T/out")

# entries ACTION OBJECT-GLOB : how many entries of that event
entries() {
	sql "$O" "SELECT count(*) FROM audit WHERE action = '$1' AND object GLOB '$2'"
}
# one_more NAME WHAT BEFORE ACTION GLOB : exactly one entry more than BEFORE
one_more() {
	got=$(entries "$4" "$5")
	[ "$got" = $(($3 + 1)) ] || fail "$1: $2: $got entries $4 $5, expected $(($3 + 1))"
}
deny_writes() {
	sql "$O" "CREATE TRIGGER audit_ro BEFORE INSERT ON audit BEGIN
		SELECT RAISE(ABORT, 'bitácora de solo lectura (prueba)'); END"
}
allow_writes() {
	sql "$O" "DROP TRIGGER audit_ro"
}
# the policy: which roles must state a purpose
policy() {
	expect_status 0 "$OBSERVA" audit policy -d "$O" --purpose-roles "$1"
}
# watch PID [FIFO] : stop PID if it still runs in 60 s, and open FIFO for
# writing so that a reader blocked on it goes on (only so that a broken
# command cannot hang the test; nothing is timed)
watch() {
	( sleep 60; kill "$1" 2>/dev/null; [ -z "${2:-}" ] || : >"$2" ) >/dev/null 2>&1 &
	WATCH=$!
}
unwatch() {
	kill "$WATCH" 2>/dev/null || true
	wait "$WATCH" 2>/dev/null || true
}

# cli_stdout ID ACTION GLOB CMD... : a command that writes to standard output
cli_stdout() {
	id=$1 act=$2 glob=$3
	shift 3
	# interrupted after the first line: SIGPIPE
	n=$(entries "$act" "$glob")
	"$@" 2>"$T/err" | head -n 1 >"$T/first"
	[ -s "$T/first" ] || { cat "$T/err" >&2; fail "$id: no first line"; }
	one_more "$id" "SIGPIPE" "$n" "$act" "$glob"
	expect_grep "$T/err" "registrada en la bitácora de auditoría"
	# the reader killed with kill -9 after the first line
	n=$(entries "$act" "$glob")
	{ "$@" 2>"$T/err" | sh -c 'IFS= read -r l; kill -9 $$'; } 2>/dev/null || true
	one_more "$id" "kill -9 of the reader" "$n" "$act" "$glob"
	# a log that cannot be written: nothing shown, and why
	n=$(entries "$act" "$glob")
	deny_writes
	expect_status 3 "$@"
	allow_writes
	[ ! -s "$T/out" ] || fail "$id: shown without an audit entry"
	expect_grep "$T/err" "solo lectura"
	expect_grep "$T/err" "no se muestra nada"
	[ "$(entries "$act" "$glob")" = "$n" ] || fail "$id: an entry from a failed write"
	# a purpose required of the command line
	policy cli
	expect_status 2 "$@"
	[ ! -s "$T/out" ] || fail "$id: shown without the required purpose"
	expect_grep "$T/err" "--purpose"
	[ "$(entries "$act" "$glob")" = "$n" ] || fail "$id: an entry without purpose"
	"$@" --purpose "prueba de auditoría $id" 2>"$T/err" | head -n 1 >"$T/first"
	[ -s "$T/first" ] || fail "$id: nothing shown with a purpose"
	[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = '$act' AND detail LIKE
		'%\"purpose\":\"prueba de auditoría $id\"%'")" = 1 ] || fail "$id: purpose not recorded"
	policy none
}

# cli_file ID ACTION GLOB FILE CMD... : a command whose first output file is
# FILE (made a FIFO here, so that its reader can stop it)
cli_file() {
	id=$1 act=$2 glob=$3 file=$4
	shift 4
	# interrupted after the first line: the reader of the FIFO stops
	n=$(entries "$act" "$glob")
	rm -f "$file"
	mkfifo "$file"
	head -n 1 "$file" >"$T/first" &
	reader=$!
	watch "$reader"
	set +e
	"$@" >"$T/out" 2>"$T/err"
	set -e
	wait "$reader" || true
	unwatch
	[ -s "$T/first" ] || { cat "$T/err" >&2; fail "$id: no first line"; }
	one_more "$id" "SIGPIPE" "$n" "$act" "$glob"
	expect_grep "$T/err" "registrada en la bitácora de auditoría"
	# the reader killed with kill -9 after the first line
	n=$(entries "$act" "$glob")
	rm -f "$file"
	mkfifo "$file"
	sh -c 'IFS= read -r l; kill -9 $$' <"$file" &
	reader=$!
	watch "$reader"
	"$@" >"$T/out" 2>"$T/err" || true
	wait "$reader" || true
	unwatch
	one_more "$id" "kill -9 of the reader" "$n" "$act" "$glob"
	# a log that cannot be written: no file, and why
	n=$(entries "$act" "$glob")
	rm -f "$file"
	deny_writes
	expect_status 3 "$@"
	allow_writes
	[ ! -e "$file" ] || fail "$id: written without an audit entry"
	expect_grep "$T/err" "solo lectura"
	[ "$(entries "$act" "$glob")" = "$n" ] || fail "$id: an entry from a failed write"
	# a purpose required of the command line
	policy cli
	expect_status 2 "$@"
	[ ! -e "$file" ] || fail "$id: written without the required purpose"
	expect_grep "$T/err" "--purpose"
	expect_status 0 "$@" --purpose "prueba de auditoría $id"
	[ -s "$file" ] || fail "$id: nothing written with a purpose"
	[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = '$act' AND detail LIKE
		'%\"purpose\":\"prueba de auditoría $id\"%'")" = 1 ] || fail "$id: purpose not recorded"
	policy none
}

# interrupted ID ACTION GLOB TOKEN URL DATA : a client of an audited route
# that disconnects after the first bytes (which match the grep pattern
# DATA), and one killed with kill -9 after the first byte, each leave
# exactly one entry
interrupted() {
	id=$1 act=$2 glob=$3 tok=$4 full=$5 data=$6
	n=$(entries "$act" "$glob")
	curl -sN -H "Authorization: Bearer $tok" "$full" | head -c 64 >"$T/first" || true
	grep -q "$data" "$T/first" || { cat "$T/first" >&2; fail "$id: no data"; }
	one_more "$id" "disconnect" "$n" "$act" "$glob"
	n=$(entries "$act" "$glob")
	rm -f "$T/hf"
	mkfifo "$T/hf"
	curl -sN -H "Authorization: Bearer $tok" -o "$T/hf" "$full" &
	client=$!
	watch "$client" "$T/hf"
	head -c 1 "$T/hf" >/dev/null
	kill -9 "$client" 2>/dev/null || true
	wait "$client" 2>/dev/null || true
	unwatch
	one_more "$id" "kill -9 of the client" "$n" "$act" "$glob"
}

# api ID ACTION GLOB ROLE URL : an audited route, read with ROLE's token
api() {
	id=$1 act=$2 glob=$3 role=$4 url=$5
	eval "tok=\$TOK_$role"
	case $url in *\?*) sep='&' ;; *) sep='?' ;; esac
	interrupted "$id" "$act" "$glob" "$tok" "$B$url" '"total"\|"case"'
	# a log that cannot be written: an error without data, and why
	n=$(entries "$act" "$glob")
	deny_writes
	code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $tok" "$B$url")
	allow_writes
	[ "$code" = 500 ] || fail "$id: status $code with a log that cannot be written"
	jq -e '.error.code == "audit_failed" and (.data == null)' "$T/body" >/dev/null ||
		fail "$id: $(cat "$T/body")"
	[ "$(entries "$act" "$glob")" = "$n" ] || fail "$id: an entry from a failed write"
	# a purpose required of the role
	policy "$role"
	code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $tok" "$B$url")
	[ "$code" = 400 ] || fail "$id: status $code without the required purpose"
	jq -e '.error.code == "purpose_required" and (.data == null)' "$T/body" >/dev/null ||
		fail "$id: $(cat "$T/body")"
	code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $tok" \
		"$B$url${sep}purpose=prueba+de+auditor%C3%ADa+$id")
	[ "$code" = 200 ] || fail "$id: status $code with a purpose"
	[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = '$act' AND detail LIKE
		'%\"purpose\":\"prueba de auditoría $id\"%'")" = 1 ] || fail "$id: purpose not recorded"
	policy none
}

# api_registry ID ACTION GLOB URL [nopurpose] : a route of the restricted
# registry (docs/registry.md), read with the steward's token, whose account
# holds the registry's roles; URL without its purpose, which the registry
# asks for always (its searches and reads) or never (nopurpose: the
# oversight's access report). The engine writes the entry, with what was
# shown, before the answer.
api_registry() {
	id=$1 act=$2 glob=$3 url=$4 nopurpose=${5:-}
	case $url in *\?*) sep='&' ;; *) sep='?' ;; esac
	full="$B$url${sep}purpose=prueba+de+auditor%C3%ADa+$id"
	[ -z "$nopurpose" ] || full="$B$url"
	interrupted "$id" "$act" "$glob" "$TOK_steward" "$full" '"type"\|"entry"'
	# a log that cannot be written: an error without data
	n=$(entries "$act" "$glob")
	deny_writes
	code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK_steward" "$full")
	allow_writes
	[ "$code" = 500 ] || fail "$id: status $code with a log that cannot be written"
	jq -e '.error != null and .data == null and .entry == null and .accounts == null' \
		"$T/body" >/dev/null || fail "$id: $(cat "$T/body")"
	[ "$(entries "$act" "$glob")" = "$n" ] || fail "$id: an entry from a failed write"
	[ -z "$nopurpose" ] || return 0
	# no purpose: refused, and the refusal is the entry
	r=$(entries registry.refused 'registry:*')
	code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOK_steward" "$B$url")
	[ "$code" = 400 ] || fail "$id: status $code without a purpose"
	jq -e '.error != null and .data == null and .entry == null' "$T/body" >/dev/null ||
		fail "$id: $(cat "$T/body")"
	[ "$(entries "$act" "$glob")" = "$n" ] || fail "$id: an entry without a purpose"
	one_more "$id" "no purpose" "$r" registry.refused 'registry:*'
	[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = '$act' AND detail LIKE
		'%\"purpose\":\"prueba de auditoría $id\"%'")" = 2 ] || fail "$id: purpose not recorded"
}
# the demo's registry (Belize): the steward's account searches, reads and
# oversees it
REGISTRY_ROLES=
registry_roles() {
	[ -z "$REGISTRY_ROLES" ] || return 0
	REGISTRY_ROLES=1
	[ "$(sql "$O" "SELECT count(*) FROM case_file WHERE type = 'sex-offender-registry'")" -gt 0 ] ||
		fail "the demo has no registry"
	for role in investigator oversight; do
		expect_status 0 "$OBSERVA" registry grant ana "$role" -d "$O"
	done
}
case_api_registry_search() {
	registry_roles
	name=$(sql "$O" "SELECT v.value FROM case_value v JOIN case_file f ON f.id = v.case_id
		WHERE f.type = 'sex-offender-registry' AND f.state = 'active' AND v.field = 'name'
		ORDER BY f.id LIMIT 1")
	api_registry api-registry-search "$1" "$2" \
		"/api/v1/registry/search?name=$(printf '%s' "$name" | jq -sRr @uri)"
}
case_api_registry_entry() {
	registry_roles
	rid=$(sql "$O" "SELECT id FROM case_file WHERE type = 'sex-offender-registry'
		AND state = 'active' ORDER BY id LIMIT 1")
	api_registry api-registry-entry "$1" "case:$rid" "/api/v1/registry/$rid"
}
case_api_registry_access() {
	registry_roles
	api_registry api-registry-access "$1" "$2" \
		"/api/v1/registry/access-report?from=2000-01-01&to=2100-12-31" nopurpose
}
# portal_registry ID ACTION GLOB PATH DATA [nopurpose] : a page of the
# registry in the portal's restricted area, read with dora's session (an
# analyst holding the registry's roles, which decide): its entry written
# before the page, which is made whole; a log that cannot be written shows
# nothing (500); without its purpose (the access report asks for none)
# refused with a form asking for it, the refusal recorded
PORTAL_REGISTRY=
portal_registry() {
	id=$1 act=$2 glob=$3 path=$4 data=$5 nopurpose=${6:-}
	jar="$T/dora"
	if [ -z "$PORTAL_REGISTRY" ]; then
		PORTAL_REGISTRY=1
		printf 'la clave de dora es larga\n' >"$T/pw"
		expect_status 0 "$OBSERVA" user add dora --role analyst -d "$O" --password-fd 3 3<"$T/pw"
		for role in investigator oversight; do
			expect_status 0 "$OBSERVA" registry grant dora "$role" -d "$O"
		done
		curl -s -b "$jar" -c "$jar" -o "$T/body" "$B/es/acceso"
		tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -n 1)
		code=$(curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' \
			--data-urlencode "csrf=$tok" --data-urlencode user=dora \
			--data-urlencode "password=la clave de dora es larga" "$B/es/acceso")
		[ "$code" = 303 ] || fail "$id: sign-in $code"
	fi
	case $path in *\?*) sep='&' ;; *) sep='?' ;; esac
	url="$B$path${sep}purpose=prueba+de+auditor%C3%ADa+$id"
	[ -z "$nopurpose" ] || url="$B$path"
	n=$(entries "$act" "$glob")
	curl -sN -b "$jar" "$url" | head -c 64 >"$T/first" || true
	grep -q "$data" "$T/first" || { cat "$T/first" >&2; fail "$id: no data"; }
	one_more "$id" disconnect "$n" "$act" "$glob"
	code=$(curl -s -b "$jar" -o "$T/body" -w '%{http_code}' "$url")
	[ "$code" = 200 ] || fail "$id: status $code"
	cp "$T/body" "$T/page"
	n=$(entries "$act" "$glob")
	deny_writes
	code=$(curl -s -b "$jar" -o "$T/body" -w '%{http_code}' "$url")
	allow_writes
	[ "$code" = 500 ] || fail "$id: status $code with a log that cannot be written"
	grep -q 'bitácora de auditoría' "$T/body" || fail "$id: the page does not say why"
	[ "$(entries "$act" "$glob")" = "$n" ] || fail "$id: an entry from a failed write"
	[ -z "$nopurpose" ] || return 0
	r=$(entries registry.refused 'registry:*')
	code=$(curl -s -b "$jar" -o "$T/body" -w '%{http_code}' "$B$path")
	[ "$code" = 400 ] || fail "$id: status $code without a purpose"
	grep -q 'name="purpose"' "$T/body" || fail "$id: no form asking for the purpose"
	[ "$(entries "$act" "$glob")" = "$n" ] || fail "$id: an entry without a purpose"
	one_more "$id" "no purpose" "$r" registry.refused 'registry:*'
	[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = '$act' AND detail LIKE
		'%\"purpose\":\"prueba de auditoría $id\"%'")" = 2 ] || fail "$id: purpose not recorded"
}
# the search page finds the demo's misspelt duplicate pair: the entry the
# duplicate check flagged and the one it names, by the misspelt name
case_portal_registry_search() {
	pair=$(sql "$O" "SELECT v.case_id, v.value FROM case_value v
		JOIN case_file f ON f.id = v.case_id JOIN case_file g ON g.id = CAST(v.value AS INTEGER)
		WHERE v.field = 'duplicate_of' AND f.state = 'active' AND g.state = 'active'
		ORDER BY v.case_id LIMIT 1")
	[ -n "$pair" ] || fail "portal-registry-search: the demo flags no duplicate"
	dup=${pair%%|*} orig=${pair#*|}
	name=$(sql "$O" "SELECT value FROM case_value WHERE case_id = $dup AND field = 'name'")
	portal_registry portal-registry-search "$1" "$2" \
		"/es/gestion/registro?name=$(printf '%s' "$name" | jq -sRr @uri)" '<!DOCTYPE html>'
	for e in "$dup" "$orig"; do
		grep -q "href=\"/es/gestion/registro/$e?purpose=" "$T/page" ||
			fail "portal-registry-search: entry $e of the pair $pair not found by «$name»"
	done
}
case_portal_registry_entry() {
	rid=$(sql "$O" "SELECT id FROM case_file WHERE type = 'sex-offender-registry'
		AND state = 'active' ORDER BY id LIMIT 1")
	portal_registry portal-registry-entry "$1" "case:$rid" "/es/gestion/registro/$rid" \
		'<!DOCTYPE html>'
	grep -q '<h2>Direcciones</h2>' "$T/page" || fail "portal-registry-entry: no addresses"
}
case_portal_registry_photo() {
	rid=$(sql "$O" "SELECT f.id FROM case_file f JOIN case_value v ON v.case_id = f.id
		WHERE f.type = 'sex-offender-registry' AND f.state = 'active' AND v.field = 'photo'
		ORDER BY f.id LIMIT 1")
	[ -n "$rid" ] || fail "portal-registry-photo: no entry of the demo has a photograph"
	portal_registry portal-registry-photo "$1" "case:$rid" "/es/gestion/registro-foto/$rid" PNG
	curl -s -D "$T/head" -o /dev/null -b "$T/dora" \
		"$B/es/gestion/registro-foto/$rid?purpose=prueba+de+auditor%C3%ADa"
	grep -qi '^cache-control: no-store' "$T/head" || fail "portal-registry-photo: kept by caches"
	grep -qi '^content-type: image/png' "$T/head" || fail "portal-registry-photo: not an image"
}
case_portal_registry_access() {
	portal_registry portal-registry-access "$1" "$2" \
		"/es/gestion/registro-accesos?from=2000-01-01&to=2100-12-31" '<!DOCTYPE html>' nopurpose
	grep -q '<td>dora</td>' "$T/page" || fail "portal-registry-access: dora's searches not listed"
}
case_review_list() {
	cli_stdout review-list "$1" "$2" "$OBSERVA" review -d "$O" --user rosa --list
}
case_quarantine_list() {
	cli_stdout quarantine-list "$1" "$2" "$OBSERVA" quarantine -d "$O"
}
case_quarantine_export() {
	cli_file quarantine-export "$1" "$2" "$T/q.csv" "$OBSERVA" quarantine -d "$O" --export "$T/q.csv"
}
case_warning_list() {
	cli_stdout warning-list "$1" "$2" "$OBSERVA" quarantine -d "$O" --warnings
}
case_warning_export() {
	cli_file warning-export "$1" "$2" "$T/w.csv" "$OBSERVA" quarantine -d "$O" --warnings --export "$T/w.csv"
}
case_reconcile_out() {
	mkdir -p "$T/r"
	cli_file reconcile-out "$1" "$2" "$T/r/deaths.csv" "$OBSERVA" reconcile -q -d "$O" \
		--period 2017..2020 --config "$T/wide.ini" --user rosa --out "$T/r"
}
case_link_out() {
	mkdir -p "$T/lk"
	cli_file link-out "$1" "$2" "$T/lk/pairs.csv" "$OBSERVA" link -q -d "$O" \
		--config "$T/p.ini" --out "$T/lk" "$T/police.csv" "$T/forensic.csv"
}
case_case_show() {
	if [ "$(sql "$O" "SELECT count(*) FROM case_file")" = 0 ]; then
		expect_status 0 "$OBSERVA" case open salve -d "$O" --set school="$school_code" \
			--set territory="$school_terr" --set category=threats --set victim="Rosa Quetzal"
	fi
	cli_stdout case-show "$1" "$2" "$OBSERVA" case show 1 -d "$O" --user ana
}
case_missing_matches() {
	# every possible pair of the demo's bodies and open reports: a long list
	if [ "$(sql "$O" "SELECT count(*) FROM missing_match")" = 0 ]; then
		expect_status 0 "$OBSERVA" missing match -d "$O" --threshold -1000
	fi
	[ "$(sql "$O" "SELECT count(*) FROM missing_match")" -gt 10 ] || fail "too few matches"
	cli_stdout missing-matches "$1" "$2" "$OBSERVA" missing matches -d "$O" --status all
}
case_api_case() {
	if [ "$(sql "$O" "SELECT count(*) FROM case_file")" = 0 ]; then
		expect_status 0 "$OBSERVA" case open salve -d "$O" --set school="$school_code" \
			--set territory="$school_terr" --set category=threats --set victim="Rosa Quetzal"
	fi
	api api-case "$1" "$2" steward "/api/v1/cases/1"
	# a role below the type's protected_role: no value, no entry
	n=$(entries "$1" "$2")
	curl -s -H "Authorization: Bearer $TOK_analyst" "$B/api/v1/cases/1" >"$T/body"
	jq -e '(.withheld | length) > 0 and ([.fields[.withheld[]]] | all(. == null))' \
		"$T/body" >/dev/null ||
		fail "api-case: $(cat "$T/body")"
	[ "$(entries "$1" "$2")" = "$n" ] || fail "api-case: an entry for an analyst's read"
}
# portal-case: a case's page with a steward's session (the page is made
# whole before it is sent, after its entry)
case_portal_case() {
	act=$1 glob=$2
	expect_status 0 "$OBSERVA" case open salve -d "$O" --set school="$school_code" \
		--set territory="$school_terr" --set category=threats --set victim="Rosa Quetzal"
	cid=$(cat "$T/out")
	printf 'la clave de carla es larga\n' >"$T/pw"
	expect_status 0 "$OBSERVA" user add carla --role steward -d "$O" --password-fd 3 3<"$T/pw"
	jar="$T/carla"
	curl -s -b "$jar" -c "$jar" -o "$T/body" "$B/es/acceso"
	tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -n 1)
	code=$(curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$tok" \
		--data-urlencode user=carla --data-urlencode "password=la clave de carla es larga" \
		"$B/es/acceso")
	[ "$code" = 303 ] || fail "portal-case: sign-in $code"
	url="$B/es/gestion/caso/$cid"
	# a client that disconnects after the first bytes
	n=$(entries "$act" "$glob")
	curl -sN -b "$jar" "$url" | head -c 64 >"$T/first" || true
	grep -q '<!DOCTYPE html>' "$T/first" || fail "portal-case: no page"
	one_more portal-case disconnect "$n" "$act" "$glob"
	code=$(curl -s -b "$jar" -o "$T/body" -w '%{http_code}' "$url")
	[ "$code" = 200 ] || fail "portal-case: status $code"
	grep -q 'Rosa Quetzal' "$T/body" || fail "portal-case: the steward does not see the value"
	# a log that cannot be written: no value, and why
	n=$(entries "$act" "$glob")
	deny_writes
	code=$(curl -s -b "$jar" -o "$T/body" -w '%{http_code}' "$url")
	allow_writes
	[ "$code" = 500 ] || fail "portal-case: status $code with a log that cannot be written"
	! grep -q 'Rosa Quetzal' "$T/body" || fail "portal-case: a value without its entry"
	grep -q 'bitácora de auditoría' "$T/body" || fail "portal-case: the page does not say why"
	[ "$(entries "$act" "$glob")" = "$n" ] || fail "portal-case: an entry from a failed write"
	# a purpose required of the role: asked for in a form, then recorded
	policy steward
	code=$(curl -s -b "$jar" -o "$T/body" -w '%{http_code}' "$url")
	[ "$code" = 400 ] || fail "portal-case: status $code without the required purpose"
	! grep -q 'Rosa Quetzal' "$T/body" || fail "portal-case: a value without the purpose"
	grep -q "action=\"/es/gestion/caso/$cid\"" "$T/body" || fail "portal-case: the purpose's form"
	code=$(curl -s -b "$jar" -o "$T/body" -w '%{http_code}' "$url?purpose=prueba+de+auditor%C3%ADa+portal-case")
	[ "$code" = 200 ] || fail "portal-case: status $code with a purpose"
	[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = '$act' AND detail LIKE
		'%\"purpose\":\"prueba de auditoría portal-case\"%'")" = 1 ] ||
		fail "portal-case: purpose not recorded"
	policy none
}
case_api_review() {
	api api-review "$1" "$2" steward "/api/v1/review?all=1&limit=1000"
}
case_api_missing_matches() {
	[ "$(sql "$O" "SELECT count(*) FROM missing_match")" -gt 0 ] ||
		expect_status 0 "$OBSERVA" missing match -d "$O" --threshold -1000
	api api-missing-matches "$1" "$2" steward "/api/v1/missing-matches?status=all&limit=1000"
}
case_api_quarantine() {
	api api-quarantine "$1" "$2" steward "/api/v1/quarantine?limit=1000"
}
case_api_warnings() {
	api api-warnings "$1" "$2" steward "/api/v1/warnings?limit=1000"
}
case_api_discrepancies() {
	api api-discrepancies "$1" "$2" steward "/api/v1/reconcile/runs/$RUN/discrepancies?limit=1000"
}
case_api_logbook() {
	api api-logbook "$1" "$2" steward "/api/v1/logbook"
}
case_api_runs() {
	api api-runs "$1" "$2" analyst "/api/v1/reconcile/runs"
}
case_api_counts() {
	api api-counts "$1" "$2" analyst "/api/v1/reconcile/runs/$RUN/counts?limit=1000"
}

# the table: "| id | command or route | role | fields | `action` `object` |"
awk -F'|' '/^## Caminos/ { on = 1 } on && /^## / && !/^## Caminos/ { on = 0 }
	on && /^\| [a-z][a-z0-9-]* \|/ && $2 != " id " {
		id = $2; gsub(/ /, "", id)
		n = split($6, q, "`")
		if (n < 5) { print "BAD " id; next }
		obj = q[4]; sub(/:N$/, ":[0-9]*", obj)
		print id, q[2], obj, $3
	}' "$DOC" >"$T/rows"
grep -q '^BAD' "$T/rows" && fail "docs/audit.md: a row without its audit entry: $(grep '^BAD' "$T/rows")"
[ "$(wc -l <"$T/rows")" -ge 11 ] || fail "docs/audit.md: the table has $(wc -l <"$T/rows") rows"

# every API route marked x-audited is a row of the table
start_server "$O" --threads 2
curl -s "$B/api/v1/openapi.json" >"$T/openapi.json"
jq -r '.paths | to_entries[] | .key as $p | .value | to_entries[] |
	select(.key == "get" and .value["x-audited"] == true) | $p' "$T/openapi.json" >"$T/audited"
[ -s "$T/audited" ] || fail "no audited route in the OpenAPI document"
while read -r route; do
	grep -q "^| api-[a-z-]* | \`GET $route\`" "$DOC" ||
		fail "GET $route is audited but not in the table of docs/audit.md"
done <"$T/audited"

while read -r id act obj rest; do
	fn=case_$(echo "$id" | tr - _)
	command -v "$fn" >/dev/null 2>&1 || fail "docs/audit.md row «$id» has no case in audit_paths.sh"
	echo "audit_paths: $id ($act $obj)" >&2
	"$fn" "$act" "$obj"
done <"$T/rows"

kill -TERM "$PID"
wait "$PID" || fail "serve did not exit cleanly"
trap 'rm -rf "$T"' EXIT
expect_status 0 "$OBSERVA" audit verify -d "$O"
expect_grep "$T/out" "íntegra"
