# registry.sh - the restricted sex offender registry on the case engine
# (docs/registry.md): entries registered by an officer, the same person
# registered twice flagged as a duplicate; a misspelt, unaccented name
# finds the right person first; a search without a purpose or a criterion
# and a reader without the registry's role are refused, each refusal in the
# audit log; the rate limit per hour holds across processes; expire closes
# the entries whose period ended through the engine's transition and hides
# them; the access report counts exactly what was done; the statistics name
# no one; the API answers as the command line, 403 for a reader without
# the role; the portal's restricted pages search (the purpose required),
# read an entry with its address history and duplicate flag, and show the
# access report through the same engine, 403 without the registry's role;
# the name index follows a change of aliases and is rebuilt whole when it
# is gone; a further conviction (registry convict) is refused with nothing
# changed for an unknown offence, a date before the birth or after today
# and a closed entry (and by "case move" at all), is listed by show, the
# API and the portal with the first, makes the registration last until
# its own period ends (expiry waits for it; a life sentence never expires)
# and leaves the statistics counting the entry once, by its first offence.
export LC_ALL=C.UTF-8
O="$T/obs"
init_obs -q "$O"
# a small limit, so that the test reaches it
sed -i 's/^searches_per_hour = .*/searches_per_hour = 6/' "$O/catalog/cases/sex-offender-registry.ini"
for u in rosa:steward ivan:analyst olga:analyst nadie:steward; do
	expect_status 0 "$OBSERVA" user add "${u%%:*}" --role "${u#*:}" -d "$O" --no-password
done
expect_status 0 "$OBSERVA" registry grant rosa officer -d "$O"
expect_status 0 "$OBSERVA" registry grant ivan investigator -d "$O"
expect_status 0 "$OBSERVA" registry grant olga oversight -d "$O"

add() { # add NAME DOC BIRTH OFFENCE RELEASED TERRITORY [more --set]
	n=$1 doc=$2 b=$3 off=$4 rel=$5 terr=$6
	shift 6
	expect_status 0 "$OBSERVA" registry add -d "$O" --user rosa --now 2026-01-10 \
		--set "name=$n" --set "document=$doc" --set "birth_date=$b" --set sex=m \
		--set "offence=$off" --set "court=Supreme Court, Belize City" \
		--set sentenced_on=2010-03-01 --set "released_on=$rel" --set "address=12 Albert St" \
		--set "territory=$terr" --set address_from=2017-01-01 --set registered_on=2017-01-02 "$@"
}
add "José Pérez García" BZ-100200 1980-04-02 030121 2016-06-30 BLZ01
E1=$(cat "$T/out")
add "Josué Peraza Gómez" BZ-555000 1982-07-07 030122 2018-01-31 BLZ02
add "Pedro Ramírez Díaz" BZ-777000 1990-01-01 030111 2019-05-05 BLZ03 --set "aliases=Juan Castillo"
# the same person again, written without accents and with the document
# spaced: flagged as a possible duplicate of the first entry
add "Jose Perez Garcia" "bz 100200" 1980-04-02 030121 2016-06-30 BLZ01
E5=$(cat "$T/out")
expect_grep "$T/err" "posible duplicado"
[ "$(sql "$O" "SELECT value FROM case_value WHERE case_id = $E5 AND field = 'duplicate_of'")" = "$E1" ] ||
	fail "the duplicate is not flagged"
[ "$(sql "$O" "SELECT count(*) FROM case_value WHERE field = 'duplicate_of'")" = 1 ] ||
	fail "a different person flagged as a duplicate"
# an investigator may not register
expect_status 1 "$OBSERVA" registry add -d "$O" --user ivan --set "name=X Y" --set sex=m
# a change of address: a move that keeps the state, in the entry's history
expect_status 0 "$OBSERVA" registry address "$E1" -d "$O" --user rosa --now 2026-02-01 \
	--set "address=4 Hospital Rd" --set territory=BLZ02 --set address_from=2026-01-25
# a photograph in one step: checked, kept without its metadata and given
# to the entry by a move that keeps its state; refused (nothing changed) to
# a reader without the register role, for a file that is no picture, and
# for an entry that does not exist
python3 - "$T/foto.png" <<'PY'
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
raw = b"".join(b"\0" + b"".join(bytes((x * 16, y * 16, 90)) for x in range(16)) for y in range(16))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)) +
       chunk(b"tEXt", b"Author\0Secreta Oficina") + chunk(b"IDAT", zlib.compress(raw)) +
       chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PY
printf 'GIF89a\001\000\001\000' >"$T/no.jpg"
events=$(sql "$O" "SELECT count(*) FROM case_event WHERE case_id = $E1")
expect_status 1 "$OBSERVA" registry photo "$E1" "$T/foto.png" -d "$O" --user ivan
expect_status 1 "$OBSERVA" registry photo "$E1" "$T/no.jpg" -d "$O" --user rosa
expect_grep "$T/err" "JPEG"
expect_status 1 "$OBSERVA" registry photo 999999 "$T/foto.png" -d "$O" --user rosa
expect_grep "$T/err" "no hay una entrada 999999"
[ "$(sql "$O" "SELECT count(*) FROM case_event WHERE case_id = $E1")" = "$events" ] &&
	[ -z "$(sql "$O" "SELECT value FROM case_value WHERE case_id = $E1 AND field = 'photo'")" ] ||
	fail "a refused photograph changed the entry"
expect_status 0 "$OBSERVA" registry photo "$E1" "$T/foto.png" -d "$O" --user rosa --now 2026-02-01
expect_grep "$T/err" "1 bloques de metadatos quitados"
ref=$(sql "$O" "SELECT value FROM case_value WHERE case_id = $E1 AND field = 'photo'")
case "$ref" in photos/*.png) ;; *) fail "the entry's photo field: «$ref»" ;; esac
[ -f "$O/$ref" ] && ! grep -q Secreta "$O/$ref" || fail "the kept photograph: $ref"
[ "$(sql "$O" "SELECT state FROM case_file WHERE id = $E1")" = active ] &&
	[ "$(sql "$O" "SELECT count(*) FROM case_event WHERE case_id = $E1")" = $((events + 1)) ] ||
	fail "the photograph is not one move that keeps the state"
# the name index: aliases changed by a move are found at once (the keys are
# rewritten with the values); a store without its index (one upgraded from
# schema 15) keys every entry at its first search, which finds them
E3=$(sql "$O" "SELECT case_id FROM case_value WHERE field = 'name' AND value = 'Pedro Ramírez Díaz'")
expect_status 0 "$OBSERVA" registry address "$E3" -d "$O" --user rosa --now 2026-02-01 \
	--set "aliases=Juan Castillo; Pedrito Ramos"
expect_status 0 "$OBSERVA" registry search -d "$O" --user rosa --purpose "revisión" \
	--name "Pedrito Ramoz" --format csv
[ "$(sed -n 2p "$T/out" | cut -d, -f1)" = "$E3" ] && [ "$(wc -l <"$T/out")" = 2 ] ||
	fail "a new alias is not found: $(cat "$T/out")"
sql "$O" "DELETE FROM registry_name_key; DELETE FROM registry_keyed"
expect_status 0 "$OBSERVA" registry search -d "$O" --user rosa --purpose "revisión" \
	--name "Perez Garcia, Jose" --format csv
[ "$(cut -d, -f1 "$T/out" | sed 1d | sort -n | tr '\n' ' ')" = "$E1 $E5 " ] ||
	fail "the first search after the index was dropped: $(cat "$T/out")"
[ "$(sql "$O" "SELECT entries FROM registry_keyed")" = 4 ] &&
	[ "$(sql "$O" "SELECT count(DISTINCT case_id) FROM registry_name_key")" = 4 ] ||
	fail "the index is not rebuilt"

P='investigación 2026-114'
srch() { "$OBSERVA" registry search -d "$O" --user ivan --purpose "$P" "$@"; }
# 1: a misspelt name without accents finds José Pérez García (and the
# duplicate) first, not Josué Peraza
expect_status 0 srch --name "Jsoe Peres Garcia" --format csv --lang en
head -n 1 "$T/out" | grep -q '^entry,score,name,aliases,document,birth_date,offence,territory,state$' ||
	fail "search header: $(head -n 1 "$T/out")"
sed -n 2p "$T/out" | grep -q "José Pérez García" || fail "the first hit: $(cat "$T/out")"
grep -q "Peraza" "$T/out" && fail "a different person found"
[ "$(($(wc -l <"$T/out") - 1))" = 2 ] || fail "two entries expected: $(cat "$T/out")"
cp "$T/out" "$T/cli_search.csv"
# refused: no purpose (usage), no criterion, a reader without the role
expect_status 2 "$OBSERVA" registry search -d "$O" --user ivan --name Perez
expect_grep "$T/err" "propósito"
expect_status 2 srch
expect_grep "$T/err" "al menos un criterio"
expect_status 1 "$OBSERVA" registry search -d "$O" --user nadie --purpose "curiosidad" --name Perez
expect_grep "$T/err" "nadie"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'registry.refused' AND actor = 'nadie'")" = 1 ] ||
	fail "the refusal of a reader without the role is not in the audit log"
# 4: a read, with the address history
expect_status 0 "$OBSERVA" registry show "$E1" -d "$O" --user ivan --purpose "$P" --now 2026-03-01
expect_grep "$T/out" "2026-01-25  BLZ02     4 Hospital Rd"
expect_grep "$T/out" "2017-01-01  BLZ01     12 Albert St"
expect_grep "$T/out" "fin del periodo: 2026-06-30"
# the entries are not read through the generic case commands
expect_status 1 "$OBSERVA" case show "$E1" -d "$O" --user rosa
expect_status 0 "$OBSERVA" case list -d "$O" --format csv
[ "$(wc -l <"$T/out")" = 1 ] || fail "case list shows registry entries"

# the API: the same search, the same entries; 403 without the role
expect_status 0 "$OBSERVA" user token ivan -d "$O"
TI=$(cat "$T/out")
expect_status 0 "$OBSERVA" user token nadie -d "$O"
TN=$(cat "$T/out")
start_server "$O"
curl -s -G -H "Authorization: Bearer $TI" --data-urlencode "name=Jsoe Peres Garcia" \
	--data-urlencode "purpose=$P" "$B/api/v1/registry/search" >"$T/api.json"
python3 - "$T/cli_search.csv" "$T/api.json" <<'PY' || fail "the API differs from the command line"
import csv, json, sys
cli = [(int(r["entry"]), r["score"], r["name"], r["document"]) for r in csv.DictReader(open(sys.argv[1]))]
api = [(d["entry"], "%.3f" % d["score"], d["name"], d["document"]) for d in json.load(open(sys.argv[2]))["data"]]
sys.exit(0 if cli == api else "%s != %s" % (cli, api))
PY
code=$(curl -s -o "$T/body" -w '%{http_code}' -G -H "Authorization: Bearer $TN" \
	--data-urlencode "name=Perez" --data-urlencode "purpose=curiosidad" "$B/api/v1/registry/search")
[ "$code" = 403 ] || fail "a reader without the role: $code"
# by an alias, and by a document written otherwise
api_search() { # api_search PARAM VALUE
	curl -s -G -H "Authorization: Bearer $TI" --data-urlencode "$1=$2" \
		--data-urlencode "purpose=$P" "$B/api/v1/registry/search" >"$T/body"
}
api_search name "Juan Castilo"
jq -e '[.data[].name] == ["Pedro Ramírez Díaz"]' "$T/body" >/dev/null || fail "the alias: $(cat "$T/body")"
api_search document "bz 777-000"
jq -e '[.data[].name] == ["Pedro Ramírez Díaz"]' "$T/body" >/dev/null || fail "the document"
code=$(curl -s -o "$T/body" -w '%{http_code}' -G -H "Authorization: Bearer $TI" \
	--data-urlencode "name=Perez" "$B/api/v1/registry/search")
[ "$code" = 400 ] || fail "the API without a purpose: $code"
code=$(curl -s -o "$T/body" -w '%{http_code}' "$B/api/v1/registry/$E1?purpose=x")
[ "$code" = 401 ] || fail "without credentials: $code"
curl -s -G -H "Authorization: Bearer $TI" --data-urlencode "purpose=$P" \
	"$B/api/v1/registry/$E1" >"$T/body"
jq -e '.fields.name == "José Pérez García" and .fields.territory == "BLZ02"' "$T/body" >/dev/null ||
	fail "the API's entry: $(cat "$T/body")"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'registry.refused' AND actor = 'nadie'")" = 2 ] ||
	fail "the API's 403 is not in the audit log"
# the rate limit, across processes: 4 searches by ivan so far (1 on the
# command line, 3 through the API), the 5th (every open entry: 4) and the
# 6th pass, the 7th is refused, by the command line and by the API
expect_status 0 srch --territory BLZ0 --format csv
[ "$(wc -l <"$T/out")" = 5 ] || fail "by territory: $(cat "$T/out")"
expect_status 0 srch --territory BLZ03 --format csv
[ "$(wc -l <"$T/out")" = 2 ] || fail "by territory BLZ03: $(cat "$T/out")"
expect_status 1 srch --territory BLZ0
expect_grep "$T/err" "límite"
code=$(curl -s -o "$T/body" -w '%{http_code}' -G -H "Authorization: Bearer $TI" \
	--data-urlencode "document=BZ777000" --data-urlencode "purpose=$P" "$B/api/v1/registry/search")
[ "$code" = 429 ] || fail "the limit through the API: $code"

# the portal's restricted pages: the same engine calls with a session;
# the registry's roles decide (pia investigates, oto oversees, quim holds
# none), every search and read states its purpose
printf 'la clave es larga y secreta\n' >"$T/pw"
for u in pia:analyst oto:analyst quim:steward; do
	expect_status 0 "$OBSERVA" user add "${u%%:*}" --role "${u#*:}" -d "$O" --password-fd 3 3<"$T/pw"
done
expect_status 0 "$OBSERVA" registry grant pia investigator -d "$O"
expect_status 0 "$OBSERVA" registry grant oto oversight -d "$O"
page() { # page USER STATUS PATH [curl arguments] : a page with USER's session
	u=$1 want=$2 path=$3
	shift 3
	code=$(curl -s -b "$T/jar_$u" -c "$T/jar_$u" -o "$T/page" -D "$T/head" -w '%{http_code}' "$@" \
		"$B$path")
	[ "$code" = "$want" ] || { cat "$T/page" >&2; fail "$u $path: $code, expected $want"; }
}
for u in pia oto quim; do
	page "$u" 200 /es/acceso
	tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/page" | head -n 1)
	page "$u" 303 /es/acceso --data-urlencode "csrf=$tok" --data-urlencode "user=$u" \
		--data-urlencode "password=la clave es larga y secreta"
done
page nobody 303 /es/gestion/registro
grep -qi '^location: /es/acceso?return=' "$T/head" || fail "the search page without a session"
# the first page of the area links the registry only to its roles
page pia 200 /es/gestion
grep -q 'href="/es/gestion/registro"' "$T/page" || fail "no link to the registry for pia"
page quim 200 /es/gestion
grep -q 'gestion/registro' "$T/page" && fail "a link to the registry for quim"
# without the registry's role: 403, and the refusal in the audit log
page quim 403 /es/gestion/registro
page quim 403 "/es/gestion/registro/$E1" -G --data-urlencode "purpose=$P"
grep -q 'Pérez' "$T/page" && fail "an entry shown to quim"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'registry.refused' AND actor = 'quim'")" = 2 ] ||
	fail "the portal's 403 are not in the audit log"
page pia 200 /es/gestion/registro
grep -q 'name="purpose" required' "$T/page" || fail "the search form does not require a purpose"
# a search without a purpose is refused (and recorded); with one, the
# misspelt name finds the duplicate pair, as the API and the command line
page pia 400 /es/gestion/registro -G --data-urlencode "name=Jsoe Peres Garcia"
grep -q 'propósito' "$T/page" && grep -q 'name="purpose"' "$T/page" ||
	fail "the refusal does not ask for the purpose"
page pia 200 /es/gestion/registro -G --data-urlencode "name=Jsoe Peres Garcia" \
	--data-urlencode "purpose=$P"
[ "$(grep -o 'href="/es/gestion/registro/[0-9]*?purpose=' "$T/page" | tr -dc '0-9\n' | tr '\n' ' ')" = \
	"$(cut -d, -f1 "$T/cli_search.csv" | sed 1d | tr '\n' ' ')" ] ||
	fail "the portal's search differs from the command line's: $(cat "$T/cli_search.csv")"
grep -q 'Peraza' "$T/page" && fail "a different person found by the portal"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'registry.search' AND actor = 'pia'
	AND object = 'registry:sex-offender-registry' AND detail LIKE '%shown=$E1,$E5%'
	AND detail LIKE '%\"purpose\":\"$P\"%'")" = 1 ] || fail "the portal's search is not audited as the API's"
# an entry: identity, conviction, addresses with their dates, review and
# expiry, the duplicate it was flagged as
page pia 200 "/es/gestion/registro/$E5" -G --data-urlencode "purpose=$P"
grep -q "href=\"/es/gestion/registro/$E1?purpose=" "$T/page" || fail "the duplicate flag on the page"
page pia 200 "/en/admin/registry/$E1" -G --data-urlencode "purpose=$P"
for w in 'José Pérez García' 'Physical sexual assault' '4 Hospital Rd' '2026-01-25' '12 Albert St' \
	'2017-01-01' 'Period ends' '2026-06-30'; do
	grep -q "$w" "$T/page" || fail "the entry's page lacks «$w»"
done
# its period ended (2026-06-30, before the server's clock): no review after it
grep -q 'Next review' "$T/page" && fail "a review after the end of the period"
grep -qi '^cache-control: no-store' "$T/head" || fail "the entry's page may be kept"
page pia 400 "/es/gestion/registro/$E1"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'registry.read' AND actor = 'pia'")" = 2 ] ||
	fail "the portal's reads are not audited"
# the access report, for the oversight role only
page pia 403 /es/gestion/registro-accesos
page oto 200 /es/gestion/registro-accesos
page oto 200 /es/gestion/registro-accesos -G -d from=2026-01-01 -d to=2100-12-31
# pia: 1 search, 2 reads, 4 entries shown, 3 refusals (a search and a
# read without a purpose, the report)
for w in '<td>pia</td><td class="num">1</td><td class="num">2</td><td class="num">4</td><td class="num">3</td>' \
	'<td>ivan</td>' '<td>quim</td>' "$P"; do
	grep -q "$w" "$T/page" || fail "the portal's access report lacks «$w»"
done
# nothing of the registry on a public page
page nobody 200 /es/
grep -E -q 'Pérez|Peraza|Ramírez|gestion/registro' "$T/page" && fail "the registry on the home page"

# expiry: on 2026-07-01 the 10-year periods from 2016-06-30 have ended
# (José twice); 030111 is for life and 030122 from 2018 runs to 2028
expect_status 0 "$OBSERVA" registry expire -d "$O" --now 2026-07-01
[ "$(cat "$T/out")" = 2 ] || fail "expire closed $(cat "$T/out")"
[ "$(sql "$O" "SELECT count(*) FROM case_file WHERE state = 'expired'")" = 2 ] || fail "not expired"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'case.move' AND detail LIKE '%\"to\":\"expired\"%'")" = 2 ] ||
	fail "the closures are not audited"
# the index the name search reads follows the engine: each entry's state
# and territory are its case's after the moves above, and each name has
# entries
[ "$(sql "$O" "SELECT count(*) FROM registry_entry e JOIN case_file c ON c.id = e.case_id
	WHERE e.state = c.state AND e.territory = (SELECT value FROM case_value v
	WHERE v.case_id = c.id AND v.field = 'territory')")" = 4 ] &&
	[ "$(sql "$O" "SELECT count(*) FROM registry_name n WHERE NOT EXISTS
	(SELECT 1 FROM registry_entry e WHERE e.name_id = n.id)")" = 0 ] &&
	[ "$(sql "$O" "SELECT count(*) FROM registry_name")" = 4 ] ||
	fail "the name index does not follow the entries"
# hidden: olga (oversight) cannot search; rosa (officer) finds no José
expect_status 0 "$OBSERVA" registry search -d "$O" --user rosa --purpose "revisión" \
	--name "Jose Perez Garcia" --format csv
[ "$(wc -l <"$T/out")" = 1 ] || fail "an expired entry is found: $(cat "$T/out")"
code=$(curl -s -o "$T/body" -w '%{http_code}' -G -H "Authorization: Bearer $TI" \
	--data-urlencode "purpose=$P" "$B/api/v1/registry/$E1")
[ "$code" = 404 ] || fail "an expired entry is read: $code"

# the access report: exactly what was done
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TI" \
	"$B/api/v1/registry/access-report?from=2026-01-01&to=2100-12-31")
[ "$code" = 403 ] || fail "the access report for an investigator: $code"
expect_status 0 "$OBSERVA" registry access-report -d "$O" --user olga --from 2000-01-01 \
	--to 2100-12-31 --format csv --lang en
python3 - "$T/out" <<'PY' || fail "access report: $(cat "$T/out")"
import csv, sys
rows = {r["account"]: r for r in csv.DictReader(open(sys.argv[1]))}
want = {
    # ivan: 6 searches (3 by the command line, 3 by the API) that showed
    # 2, 1, 1, 2, 4 and 1 entries, 2 reads; refused: a search without a
    # purpose, one without a criterion, one through the API without a
    # purpose, two over the limit, a registration, a photograph, the report
    "ivan": ("6", "2", "13", "8"),
    # nadie: refused by the command line and by the API
    "nadie": ("0", "0", "0", "2"),
    # rosa: the new alias (1 shown), after the index was dropped (2), and
    # one search after the expiry, nothing shown
    "rosa": ("3", "0", "3", "0"),
    # the portal: pia searched once (2 shown) and read 2 entries; refused
    # a search and a read without a purpose, and the report
    "pia": ("1", "2", "4", "3"),
    # quim, without the registry's role: the search page and an entry
    "quim": ("0", "0", "0", "2"),
}
if set(rows) != set(want):
    sys.exit("accounts: %s" % sorted(rows))
for who, (s, r, shown, ref) in want.items():
    row = rows.get(who)
    if not row:
        sys.exit("no row for " + who)
    got = (row["searches"], row["reads"], row["entries_shown"], row["refused"])
    if got != (s, r, shown, ref):
        sys.exit("%s: %s, expected %s" % (who, got, (s, r, shown, ref)))
if "investigación 2026-114" not in rows["ivan"]["purposes"]:
    sys.exit("the purposes")
PY
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'registry.report' AND actor = 'olga'")" = 1 ] ||
	fail "the report is not recorded"

# statistics without identities: by offence, territory and year
for by in territory year; do
	expect_status 0 "$OBSERVA" case stats --type sex-offender-registry -d "$O" --by "$by" \
		--now 2026-07-02 --format csv --lang en
	grep -q '^total,opened,,,4,' "$T/out" || fail "stats by $by: $(head -n 5 "$T/out")"
	grep -E -q "Pérez|Perez|Núñez|BZ-|Albert|Hospital" "$T/out" && fail "an identity in the statistics by $by"
done
# further convictions: Josué Peraza (030122, 10 years from 2018-01-31,
# to 2028-01-31) convicted again in 2026 (03021, 15 years); Pedro Ramírez
# (030111, for life) convicted of a 10-year offence
E2=$(sql "$O" "SELECT case_id FROM case_value WHERE field = 'name' AND value = 'Josué Peraza Gómez'")
events=$(sql "$O" "SELECT count(*) FROM case_event")
convict() { # convict STATUS ID OFFENCE SENTENCED [more]
	st=$1 id=$2 off=$3 on=$4
	shift 4
	expect_status "$st" "$OBSERVA" registry convict "$id" -d "$O" --user rosa --now 2026-08-01 \
		--set "offence=$off" --set "court=Magistrate's Court, Belize District" \
		--set "sentenced_on=$on" "$@"
}
convict 2 "$E2" 99999 2026-07-15
expect_grep "$T/err" "nada cambió"
convict 1 "$E2" 03021 1975-01-01
expect_grep "$T/err" "anterior a la fecha de nacimiento"
convict 1 "$E2" 03021 2026-08-02
expect_grep "$T/err" "posterior a hoy"
convict 1 "$E1" 03021 2026-07-15
expect_grep "$T/err" "cerrada"
expect_status 1 "$OBSERVA" registry convict "$E2" -d "$O" --user ivan --now 2026-08-01 \
	--set offence=03021 --set court=X --set sentenced_on=2026-07-15
# nor by the case engine's own commands, which check none of it
expect_status 1 "$OBSERVA" case move "$E2" active -d "$O" --now 2026-08-01 \
	--set conviction_offence=03021 --set conviction_court=X
expect_grep "$T/err" "observa registry add, address y convict"
expect_status 1 "$OBSERVA" case open sex-offender-registry -d "$O" --set name=X
[ "$(sql "$O" "SELECT count(*) FROM case_event")" = "$events" ] || fail "a refused conviction changed an entry"
convict 0 "$E2" 03021 2026-07-15
convict 0 "$E3" 030121 2026-07-20 --set released_on=2026-07-30
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'case.move' AND actor = 'rosa'
	AND object IN ('case:$E2', 'case:$E3') AND detail LIKE '%conviction_offence%'")" = 2 ] ||
	fail "the convictions are not audited"
expect_status 0 "$OBSERVA" registry show "$E2" -d "$O" --user ivan --purpose "$P" --now 2026-08-02
expect_grep "$T/out" "1.  offence=030122  court=Supreme Court, Belize City  sentenced_on=2010-03-01  released_on=2018-01-31"
expect_grep "$T/out" "2.  offence=03021  court=Magistrate's Court, Belize District  sentenced_on=2026-07-15  released_on=  "
expect_grep "$T/out" "fin del periodo: 2041-07-15"
expect_grep "$T/out" "revisión: 2027-01-31"
curl -s -G -H "Authorization: Bearer $TI" --data-urlencode "purpose=$P" \
	"$B/api/v1/registry/$E2" >"$T/body"
jq -e '[.convictions[].offence] == ["030122", "03021"] and .convictions[0].recorded == null
	and .convictions[1].sentenced_on == "2026-07-15" and .period_ends == "2041-07-15"
	and .fields.offence == "030122"' "$T/body" >/dev/null || fail "the API's convictions: $(cat "$T/body")"
curl -s -G -H "Authorization: Bearer $TI" --data-urlencode "purpose=$P" \
	"$B/api/v1/registry/$E3" >"$T/body"
jq -e '[.convictions[].offence] == ["030111", "030121"] and .period_ends == "life"' "$T/body" \
	>/dev/null || fail "life after a 10-year conviction: $(cat "$T/body")"
page pia 200 "/en/admin/registry/$E2" -G --data-urlencode "purpose=$P"
for w in 'Non-physical sexual assault' 'Sexual exploitation of adults' '2018-01-31' '2026-07-15' \
	"Magistrate&#39;s Court, Belize District" '2041-07-15' 'Next review'; do
	grep -q "$w" "$T/page" || fail "the entry's page lacks «$w»"
done
# expiry waits for the last conviction; life never ends
expect_status 0 "$OBSERVA" registry expire -d "$O" --now 2028-02-01
[ "$(cat "$T/out")" = 0 ] || fail "expire closed $(cat "$T/out") before the last conviction's end"
expect_status 0 "$OBSERVA" registry expire -d "$O" --now 2041-07-15
[ "$(cat "$T/out")" = 1 ] && [ "$(sql "$O" "SELECT state FROM case_file WHERE id = $E2")" = expired ] ||
	fail "the last conviction's end: $(cat "$T/out")"
[ "$(sql "$O" "SELECT state FROM case_file WHERE id = $E3")" = active ] || fail "a life entry expired"
# the statistics count an entry once, by its first offence
expect_status 0 "$OBSERVA" case stats --type sex-offender-registry -d "$O" --by offence \
	--now 2041-07-16 --format csv --lang en
grep -q '^total,opened,,,4,' "$T/out" || fail "stats by offence: $(head -n 5 "$T/out")"
grep -q '03021' "$T/out" && fail "a further conviction's offence counted: $(cat "$T/out")"
grep -q '^total,count,offence,030122,1,' "$T/out" || fail "Josué by his first offence: $(cat "$T/out")"
# the API gives the same numbers (one per entry)
curl -s -H "Authorization: Bearer $TN" \
	"$B/api/v1/cases/stats?type=sex-offender-registry&by=offence&now=2041-07-16&format=csv" >"$T/body"
[ "$(grep ',count,' "$T/body" | cut -d, -f1-5)" = "$(grep ',count,' "$T/out" | cut -d, -f1-5)" ] &&
	grep -q ',count,' "$T/out" || fail "the API's statistics differ: $(cat "$T/body")"
expect_status 0 "$OBSERVA" audit verify -d "$O"
