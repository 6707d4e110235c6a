# cases.sh - observa case on the default catalogue's two case types: cases
# opened and moved by accounts of different roles, refused transitions,
# roles and missing fields leaving nothing changed, deadlines on the right
# day across El Salvador's Holy Week (holidays and court recess), alerts at
# several --now times, the history append-only, and the audit log holding
# every change and every read of protected fields, and verifying. On
# SQLite, or on PostgreSQL when e2e/pg_cases.sh sets CASES_PG.
O="$T/obs"
if [ -n "${CASES_PG:-}" ]; then
	expect_status 0 "$OBSERVA" init -q --store "$OBSERVA_PG_URL" "$O"
	db() { "$OBSERVA_PG_BINDIR/psql" -X -A -t -q -v ON_ERROR_STOP=1 "$OBSERVA_PG_URL" -c "$1"; }
else
	init_obs -q "$O"
	db() { sql "$O" "$1"; }
fi
for u in ana:analyst sol:steward juez:admin; do
	expect_status 0 "$OBSERVA" user add "${u%%:*}" --role "${u#*:}" -d "$O" --no-password
done
expect_status 0 "$OBSERVA" case types -d "$O"
expect_grep "$T/out" "salve"
expect_grep "$T/out" "vcm-judicial"
expect_status 0 "$OBSERVA" case types vcm-judicial -d "$O" --lang en
expect_grep "$T/out" "10 business days from admission"
expect_status 1 "$OBSERVA" case types nada -d "$O"

# ---- SALVE: reports of school violence ----
open_salve() { # SCHOOL CATEGORY TIME [more --set]
	s=$1 c=$2 at=$3
	shift 3
	expect_status 0 "$OBSERVA" case open salve -d "$O" --user sol --now "$at" \
		--set school="$s" --set territory=SLV0614 --set category="$c" "$@"
}
# refused: a missing required field, a value not in the list, a territory
# not in the catalogue, an unknown field, an analyst opening a report
expect_status 1 "$OBSERVA" case open salve -d "$O" --set school=CE-1 --set category=bullying
expect_grep "$T/err" "territory"
expect_grep "$T/err" "nada cambió"
expect_status 1 "$OBSERVA" case open salve -d "$O" --set school=CE-1 --set territory=SLV0614 \
	--set category=robo
expect_grep "$T/err" "se esperaba uno de: harassment, bullying"
expect_status 1 "$OBSERVA" case open salve -d "$O" --set school=CE-1 --set territory=SLV9999 \
	--set category=theft
expect_grep "$T/err" "territorio del catálogo"
expect_status 1 "$OBSERVA" case open salve -d "$O" --set school=CE-1 --set territory=SLV0614 \
	--set category=theft --set color=rojo
expect_grep "$T/err" "no tiene ese campo"
expect_status 1 "$OBSERVA" case open salve -d "$O" --user ana --set school=CE-1 \
	--set territory=SLV0614 --set category=theft
expect_grep "$T/err" "el rol analyst no puede abrir casos del tipo salve"
expect_status 2 "$OBSERVA" case open salve -d "$O" --now 2025-13-01 --set school=CE-1
expect_status 1 "$OBSERVA" case open salve -d "$O" --user nadie --set school=CE-1
[ "$(db "SELECT count(*) FROM case_file")" = 0 ] || fail "a refused case was stored"

open_salve CE-10101 bullying 2025-03-01T10:00 --set victim="Rosa Quetzal Monterrosa"
[ "$(cat "$T/out")" = 1 ] || fail "the first case is not 1"
open_salve CE-10101 threats 2025-03-10T10:00
open_salve CE-10101 extortion 2025-03-20T10:00
open_salve CE-20202 sexual_violence 2025-03-03T10:00 --set aggressor="Juan Pérez"

# triage: an analyst may not; a steward must give priority and weapon
expect_status 1 "$OBSERVA" case move 1 triaged -d "$O" --user ana --now 2025-03-02T09:00 \
	--set priority=high --set weapon=no
expect_grep "$T/err" "el rol analyst no puede pasar un caso de «reported» a «triaged»: lo hace el rol steward"
expect_status 1 "$OBSERVA" case move 1 triaged -d "$O" --user sol --now 2025-03-02T09:00
expect_grep "$T/err" "exige los campos: weapon, priority"
expect_status 1 "$OBSERVA" case move 1 referred -d "$O" --user sol --now 2025-03-02T09:00 \
	--set referred_to=pnc
expect_grep "$T/err" "se puede pasar a: triaged, closed"
expect_status 1 "$OBSERVA" case move 1 triaged -d "$O" --user sol --now 2025-02-28T09:00 \
	--set priority=high --set weapon=no
expect_grep "$T/err" "anterior al último cambio"
[ "$(db "SELECT state || events FROM case_file WHERE id = 1")" = reported1 ] ||
	fail "a refused move changed the case"
expect_status 0 "$OBSERVA" case move 1 triaged -d "$O" --user sol --now 2025-03-02T09:00 \
	--set priority=high --set weapon=no
expect_status 0 "$OBSERVA" case move 2 triaged -d "$O" --user sol --now 2025-03-11T09:00 \
	--set priority=low --set weapon=no

alerts() { # NOW -> $T/out, CSV without the header
	expect_status 0 "$OBSERVA" case alerts -d "$O" --type salve --now "$1" --format csv
	sed 1d "$T/out" >"$T/alerts"
}
alerts 2025-03-03T09:59
[ ! -s "$T/alerts" ] || { cat "$T/alerts"; fail "alerts before case 4 was opened"; }
alerts 2025-03-03T10:00
expect_grep "$T/alerts" "severe,4,salve,sexual_violence,,category = sexual_violence"
[ "$(wc -l <"$T/alerts")" = 1 ] || fail "one alert expected at 10:00"
alerts 2025-03-04T09:59
expect_grep "$T/alerts" "due-today,4,salve,triage,2025-03-04 10:00,"
alerts 2025-03-04T10:01
expect_grep "$T/alerts" "overdue,4,salve,triage,2025-03-04 10:00,"
alerts 2025-03-21T08:00
expect_grep "$T/alerts" "due-today,3,salve,triage,2025-03-21 10:00,"
expect_grep "$T/alerts" "repeat,3,salve,school,,school = CE-10101; 3 casos: 1 2 3"
alerts 2025-04-01T08:00
! grep -q "^repeat" "$T/alerts" || fail "case 1 is out of the 30 days on 1 April"
# a repeat on a protected field never shows its value
open_salve CE-30303 threats 2025-04-02T10:00 --set aggressor="Juan Pérez"
alerts 2025-04-03T08:00
grep -q "^repeat,5,salve,aggressor,,aggressor = (protegido); 2 casos: 4 5" "$T/alerts" ||
	{ cat "$T/alerts"; fail "90 days: 3 March and 2 April are a repeat of the aggressor"; }
! grep -q "Juan" "$T/alerts" || fail "alerts show a protected value"

# ---- units: an account limited to the schools it is given ----
expect_status 1 "$OBSERVA" case grant sol salve CE-10101 -d "$O" --user ana
expect_grep "$T/err" "solo el rol admin"
expect_status 0 "$OBSERVA" case grant sol salve CE-10101 -d "$O"
expect_status 0 "$OBSERVA" case grant sol salve CE-10101 -d "$O"
expect_grep "$T/err" "ya actúa"
expect_status 1 "$OBSERVA" case grant nadie salve CE-10101 -d "$O"
[ "$(db "SELECT count(*) FROM audit WHERE action = 'case.grant' AND object = 'account:sol'")" = 1 ] ||
	fail "the grant is not in the audit log once"
expect_status 1 "$OBSERVA" case move 4 triaged -d "$O" --user sol --now 2025-04-05T09:00 \
	--set priority=high --set weapon=no
expect_grep "$T/err" "la cuenta «sol» no actúa en esa unidad; sus unidades de salve: CE-10101"
expect_status 1 "$OBSERVA" case open salve -d "$O" --user sol --now 2025-04-05T09:00 \
	--set school=CE-20202 --set territory=SLV0614 --set category=theft
expect_grep "$T/err" "no actúa en esa unidad"
expect_status 1 "$OBSERVA" case show 4 -d "$O" --user sol
[ ! -s "$T/out" ] || fail "a case of another unit was shown"
expect_status 0 "$OBSERVA" case list -d "$O" --user sol --type salve --format csv
[ "$(cut -d, -f1 "$T/out" | tr '\n' ' ')" = "caso 1 2 3 " ] || { cat "$T/out"; fail "list --user sol"; }
expect_status 0 "$OBSERVA" case alerts -d "$O" --user sol --type salve --now 2025-03-21T08:00 \
	--format csv
! grep -q ",4,salve," "$T/out" || fail "an alert of another unit"
expect_grep "$T/out" "repeat,3,salve,school"
[ "$(db "SELECT state FROM case_file WHERE id = 4")" = reported ] || fail "case 4 moved"

# ---- show: protected fields for the steward only, and recorded ----
expect_status 0 "$OBSERVA" case show 1 -d "$O" --user ana
! grep -q "Rosa" "$T/out" || fail "an analyst sees a protected field"
expect_grep "$T/out" "victim                 (protegido)"
[ "$(db "SELECT count(*) FROM audit WHERE action = 'case.read'")" = 0 ] ||
	fail "nothing protected was shown, nothing to record"
expect_status 0 "$OBSERVA" case show 1 -d "$O" --user sol --now 2025-03-02T10:00
expect_grep "$T/out" "victim                 Rosa Quetzal Monterrosa"
expect_grep "$T/out" "estado: triaged (Clasificado)"
expect_grep "$T/err" "case.read"
[ "$(db "SELECT actor || ' ' || object || ' ' || detail FROM audit WHERE action = 'case.read'")" = \
	'sol case:1 {"records":1,"query":"fields=protected","role":"cli","to":"stdout","os_user":"'"$(id -un)"'"}' ] ||
	fail "the read of case 1's protected fields is not recorded as expected: $(db "SELECT detail FROM audit WHERE action = 'case.read'")"
# the local administrator sees them too, and that read is recorded as well
expect_status 0 "$OBSERVA" case show 4 -d "$O"
expect_grep "$T/out" "Juan Pérez"
[ "$(db "SELECT count(*) FROM audit WHERE action = 'case.read'")" = 2 ] || fail "two reads"

# ---- a court case: hearing within 10 business days of admission ----
expect_status 0 "$OBSERVA" case open vcm-judicial -d "$O" --user sol --now 2025-04-08T09:00 \
	--set court=JEVLV-SS --set territory=SLV0614 --set violence=physical \
	--set victim="María Ester Cruz" --set aggressor="Pedro Ramos"
C=$(cat "$T/out")
expect_status 0 "$OBSERVA" case move "$C" admission -d "$O" --user sol --now 2025-04-09T09:00 \
	--set case_number=VM-33-2025 --set measures_ordered_on=2025-04-09
# the hearing: 10 business days from Wednesday 9 April 2025, Holy Week
# (14-19 April) being the courts' recess: Wednesday 30 April
expect_status 0 "$OBSERVA" case show "$C" -d "$O" --user ana --now 2025-04-10T12:00
expect_grep "$T/out" "hearing                vence 2025-04-30"
expect_grep "$T/out" "measures_review        vence 2025-05-09"
court() { # NOW -> $T/alerts
	expect_status 0 "$OBSERVA" case alerts -d "$O" --type vcm-judicial --now "$1" --format csv
	sed 1d "$T/out" >"$T/alerts"
}
court 2025-04-25T12:00
[ ! -s "$T/alerts" ] || { cat "$T/alerts"; fail "no alert expected on 25 April"; }
court 2025-04-28T12:00
expect_grep "$T/alerts" "due-soon,$C,vcm-judicial,hearing,2025-04-30,"
court 2025-04-30T23:59
expect_grep "$T/alerts" "due-today,$C,vcm-judicial,hearing,2025-04-30,"
court 2025-05-01T00:00
expect_grep "$T/alerts" "overdue,$C,vcm-judicial,hearing,2025-04-30,"
court 2025-05-09T08:00
expect_grep "$T/alerts" "due-today,$C,vcm-judicial,measures_review,2025-05-09,"
# a review of the measures restarts the 30 days; the hearing ends its deadline
expect_status 0 "$OBSERVA" case move "$C" hearing -d "$O" --user sol --now 2025-05-05T10:00 \
	--set hearing_on=2025-05-05 --set measures_reviewed_on=2025-05-05
court 2025-05-10T08:00
[ ! -s "$T/alerts" ] || { cat "$T/alerts"; fail "no alert expected after the hearing"; }
court 2025-06-05T08:00
expect_grep "$T/alerts" "overdue,$C,vcm-judicial,measures_review,2025-06-04,"
# the sentence is the judge's (admin): a steward is refused
expect_status 1 "$OBSERVA" case move "$C" sentence -d "$O" --user sol --now 2025-06-10T10:00 \
	--set outcome=conviction
expect_grep "$T/err" "lo hace el rol admin"
expect_status 0 "$OBSERVA" case move "$C" sentence -d "$O" --user juez --now 2025-06-10T10:00 \
	--set outcome=conviction
court 2025-06-11T08:00
[ ! -s "$T/alerts" ] || { cat "$T/alerts"; fail "a sentenced case has no deadline"; }
expect_status 1 "$OBSERVA" case move "$C" hearing -d "$O" --user juez --now 2025-06-11T10:00 \
	--set hearing_on=2025-06-11
expect_grep "$T/err" "(ninguno / none)"

# ---- listings ----
expect_status 0 "$OBSERVA" case list -d "$O" --type salve --state triaged --format csv
[ "$(cut -d, -f1 "$T/out" | tr '\n' ' ')" = "caso 1 2 " ] || { cat "$T/out"; fail "list --state"; }
expect_status 0 "$OBSERVA" case list -d "$O" --unit CE-10101 --lang en --format csv
[ "$(head -n 1 "$T/out")" = "case,type,state,unit,opened,events" ] || fail "English header"
[ "$(wc -l <"$T/out")" = 4 ] || fail "three cases of CE-10101"

# ---- the history: complete, and never changed ----
[ "$(db "SELECT kind || ':' || coalesce(state_from, '') || '>' || state_to FROM case_event
	WHERE case_id = $C ORDER BY seq" | tr '\n' ' ')" = \
	"open:>filed move:filed>admission move:admission>hearing move:hearing>sentence " ] ||
	fail "the court case's history"
set +e
db "UPDATE case_event SET state_to = 'archived' WHERE case_id = $C" 2>"$T/sqlerr"
db "DELETE FROM case_event_value" 2>>"$T/sqlerr"
set -e
[ "$(grep -c "append-only" "$T/sqlerr")" = 2 ] || { cat "$T/sqlerr"; fail "the history was changed"; }
[ "$(db "SELECT count(*) FROM audit WHERE action IN ('case.open', 'case.move')")" = \
	"$(db "SELECT count(*) FROM case_event")" ] || fail "an event without its audit entry"
[ "$(db "SELECT count(*) FROM audit WHERE detail LIKE '%María%' OR detail LIKE '%Rosa%'")" = 0 ] ||
	fail "a protected value in the audit log"
expect_status 0 "$OBSERVA" audit verify -d "$O"
expect_grep "$T/out" "íntegra"
