# case_notify.sh - observa case notify and observa case outbox: a case's
# opening and moves go into the outbox in their own transaction, alerts
# (severe, due soon, overdue) are added by the scan once each however often
# it runs, and the notifications reach a local webhook receiver and a local
# SMTP sink (e2e/notify_sink.py) by the routes of catalog/notify.ini. A
# receiver that fails twice is retried after the backoff; a mail server
# that always refuses leaves the delivery failed, with its attempts and
# errors listed; a notifier killed mid-delivery loses nothing (the next
# run sends it again, with the same Idempotency-Key); no protected value
# is ever sent. On SQLite, or on PostgreSQL when e2e/pg_case_notify.sh
# sets CASES_PG.
O="$T/obs"
if [ -n "${CASES_PG:-}" ]; then
	expect_status 0 "$OBSERVA" init -q --store "$OBSERVA_PG_URL" "$O"
	db() { "$OBSERVA_PG_BINDIR/psql" -X -A -t -q -v ON_ERROR_STOP=1 "$OBSERVA_PG_URL" -c "$1"; }
else
	init_obs -q "$O"
	db() { sql "$O" "$1"; }
fi
S="$T/sink"
mkdir "$S"
python3 "$(dirname "$script")/notify_sink.py" "$S" 2>"$T/sink.err" &
SINK=$!
trap 'kill -TERM "$SINK" 2>/dev/null || true; rm -rf "$T"' EXIT
wait_for "$S/ports" '[0-9] [0-9]' "the webhook and SMTP sink did not start" "$SINK"
HP=$(cut -d ' ' -f 1 "$S/ports")
MP=$(cut -d ' ' -f 2 "$S/ports")

# ---- the routes, and what the file refuses ----
N="$O/catalog/notify.ini"
printf '[route.x]\ntype = salve\nemail = triage\n' >"$N"
expect_status 1 "$OBSERVA" case notify --once -d "$O"
expect_grep "$T/err" "notify.ini:3:9"
expect_grep "$T/err" "direcciones de correo"
printf '[route.x]\ntype = nada\nwebhook = http://x/\n' >"$N"
expect_status 1 "$OBSERVA" case notify --once -d "$O"
expect_grep "$T/err" "notify.ini:2:8"
printf '[route.x]\ntype = salve\nwebhook = ftp://x/\n' >"$N"
expect_status 1 "$OBSERVA" case notify --once -d "$O"
expect_grep "$T/err" "http:// o https://"
printf '[route.x]\ntype = salve\nemail = a@b.sv\n' >"$N"
expect_status 1 "$OBSERVA" case notify --once -d "$O"
expect_grep "$T/err" "[delivery] necesita smtp y from"
printf '[rutas]\n' >"$N"
expect_status 1 "$OBSERVA" case notify --once -d "$O"
expect_grep "$T/err" "[delivery] o [route.NOMBRE]"
expect_status 2 "$OBSERVA" case notify --now 2025-03-03 -d "$O"
cat >"$N" <<INI
[delivery]
smtp = smtp://127.0.0.1:$MP
from = alertas@salve.example
attempts = 3
backoff = 60

[route.triage]              # every SALVE report, to the triage desk
type = salve
email = triaje@salve.example
webhook = http://127.0.0.1:$HP/hook

[route.director]            # severe reports of one school, to its director
type = salve
unit = CE-10101
on = severe
email = director@ce10101.example
INI

# ---- changes go into the outbox with the change ----
open_salve() { # SCHOOL CATEGORY TIME [more --set]
	s=$1 c=$2 at=$3
	shift 3
	expect_status 0 "$OBSERVA" case open salve -d "$O" --now "$at" \
		--set school="$s" --set territory=SLV0614 --set category="$c" "$@"
}
open_salve CE-10101 bullying 2025-03-03T10:00 --set victim="Rosa Quetzal Monterrosa"
[ "$(db "SELECT count(*) FROM case_outbox")" = 1 ] || fail "the opening is not in the outbox"
open_salve CE-20202 sexual_violence 2025-03-03T11:00 --set aggressor="Juan Pérez Ayala"
[ "$(db "SELECT kind FROM case_outbox WHERE case_id = 2 ORDER BY id" | tr '\n' ' ')" = \
	"open severe " ] || fail "a severe report is not in the outbox with its opening"
# a refused change adds nothing
expect_status 1 "$OBSERVA" case move 1 triaged -d "$O" --now 2025-03-03T11:30
[ "$(db "SELECT count(*) FROM case_outbox")" = 3 ] || fail "a refused move left a notification"

# ---- delivery, with a webhook that fails twice ----
echo 2 >"$S/http_fail"
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-03T12:00
expect_grep "$T/err" "3 avisos con 6 entregas; 4 enviadas, 2 por reintentar, 0 fallidas"
expect_grep "$T/err" "observa case outbox"
expect_status 0 "$OBSERVA" case outbox -d "$O" --status pending --format csv
[ "$(grep -c ',webhook,' "$T/out")" = 2 ] || fail "the two failed webhooks are not pending"
expect_grep "$T/out" "respondió 503"
expect_grep "$T/out" "2025-03-03T18:01:00Z"
# not yet due: nothing is attempted
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-03T12:00:30
expect_grep "$T/err" "0 enviadas, 0 por reintentar"
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-03T12:01
expect_grep "$T/err" "2 enviadas, 0 por reintentar, 0 fallidas"
[ "$(wc -l <"$S/hooks.jsonl")" = 3 ] || fail "the webhook did not get 3 notifications"
[ "$(wc -l <"$S/mails.jsonl")" = 3 ] || fail "the SMTP sink did not get 3 mails"
[ "$(db "SELECT count(*) || ':' || sum(ok) FROM case_delivery_attempt")" = "8:6" ] ||
	fail "the attempts are not recorded: $(db "SELECT * FROM case_delivery_attempt")"
grep -q '"key": "salve/2/severe/sexual_violence"' "$S/hooks.jsonl" || fail "no severe webhook"
grep -F '"key": "salve/2/severe/sexual_violence"' "$S/hooks.jsonl" | grep -q '"value": "sexual_violence"' ||
	fail "the severe webhook lacks the category"
grep -q '"to": \["triaje@salve.example"\]' "$S/mails.jsonl" || fail "no mail to the triage desk"
grep -q 'director@' "$S/mails.jsonl" && fail "the director got a report of another school"

# ---- alerts are told once however often the scan runs ----
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-03T12:02
expect_grep "$T/err" "0 alertas nuevas en la bandeja de salida; 0 avisos"
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-04T05:00
expect_grep "$T/err" "2 alertas nuevas"
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-04T05:30
expect_grep "$T/err" "0 alertas nuevas"
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-04T12:00
expect_grep "$T/err" "2 alertas nuevas"
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-04T12:30
expect_grep "$T/err" "0 alertas nuevas"
grep -q '"key": "salve/1/overdue/triage/2025-03-04T16:00:00Z"' "$S/hooks.jsonl" ||
	fail "no overdue webhook for case 1"
grep -q '"key": "salve/1/due-today/triage/2025-03-04T16:00:00Z"' "$S/hooks.jsonl" ||
	fail "no due-today webhook for case 1"
keys=$(sed 's/.*"key": "\([^"]*\)".*/\1/' "$S/hooks.jsonl" | sort)
[ "$(printf '%s\n' "$keys" | uniq -d)" = "" ] || fail "a notification was sent twice"
[ "$(printf '%s\n' "$keys" | wc -l)" = 7 ] || fail "7 webhooks expected: $keys"

# ---- a severe report of the director's school ----
open_salve CE-10101 threats 2025-03-04T12:40 --set weapon=yes
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-04T12:45
grep -q '"to": \["director@ce10101.example"\]' "$S/mails.jsonl" || fail "no mail to the director"
grep -F 'director@' "$S/mails.jsonl" | grep -q 'salve/3/severe/weapon' || fail "the director's mail lacks its key"

# ---- a mail server that always refuses: retried, then failed ----
echo 100 >"$S/smtp_fail"
expect_status 0 "$OBSERVA" case move 1 triaged -d "$O" --now 2025-03-04T13:00 \
	--set priority=high --set weapon=no
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-04T13:00
expect_grep "$T/err" "1 enviadas, 1 por reintentar, 0 fallidas"
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-04T13:01
expect_grep "$T/err" "0 enviadas, 1 por reintentar, 0 fallidas"
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-04T13:02
expect_grep "$T/err" "0 enviadas, 0 por reintentar, 0 fallidas"
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-04T13:03
expect_grep "$T/err" "0 enviadas, 0 por reintentar, 1 fallidas"
expect_status 0 "$OBSERVA" case outbox -d "$O" --status failed --format csv --lang en
expect_grep "$T/out" "delivery,case,type,event,rule,channel,target,status,attempts,when,error,key"
expect_grep "$T/out" ",1,salve,move,,email,triaje@salve.example,failed,3,2025-03-04T19:03:00Z,"
expect_grep "$T/out" "451"
[ "$(db "SELECT count(*) FROM case_delivery_attempt a JOIN case_delivery d ON d.id = a.delivery
	WHERE d.status = 'failed' AND a.ok = 0 AND a.error LIKE '%451%'")" = 3 ] ||
	fail "the failed delivery does not keep its three attempts"
echo 0 >"$S/smtp_fail"

# ---- a repeat on a protected field names the field, never its value ----
open_salve CE-30303 threats 2025-03-05T09:00 --set aggressor="Juan Pérez Ayala"
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-05T09:05
grep -F '"key": "salve/repeat/aggressor/4"' "$S/hooks.jsonl" |
	grep -F '"field": "aggressor"' | grep -q '"value": null' ||
	fail "the repeat of an aggressor is not told, or tells the aggressor"

# ---- killed mid-delivery: nothing is lost ----
touch "$S/http_hang"
expect_status 0 "$OBSERVA" case move 2 triaged -d "$O" --now 2025-03-05T13:10 \
	--set priority=high --set weapon=no
"$OBSERVA" case notify --once -d "$O" --now 2025-03-05T13:10 >"$T/kill.out" 2>"$T/kill.err" &
NPID=$!
wait_for "$S/hung" 'salve/2/event/2' "the notifier did not reach the webhook" "$NPID"
kill -9 "$NPID"
wait "$NPID" 2>/dev/null || true
[ "$(db "SELECT d.status || ':' || d.attempts FROM case_delivery d JOIN case_outbox o
	ON o.id = d.outbox WHERE o.key = 'salve/2/event/2' AND d.channel = 'webhook'")" = "pending:0" ] ||
	fail "the delivery under way when the notifier died is not pending"
expect_status 0 "$OBSERVA" case notify --once -d "$O" --now 2025-03-05T13:11
grep -q '"key": "salve/2/event/2"' "$S/hooks.jsonl" || fail "the delivery under way was lost"
sent=$(db "SELECT o.key FROM case_delivery d JOIN case_outbox o ON o.id = d.outbox
	WHERE d.channel = 'webhook' AND d.status = 'sent'" | LC_ALL=C sort)
all=$(db "SELECT o.key FROM case_delivery d JOIN case_outbox o ON o.id = d.outbox
	WHERE d.channel = 'webhook'" | LC_ALL=C sort)
[ "$sent" = "$all" ] || fail "webhooks not sent: $all"
[ "$(sed 's/.*"key": "\([^"]*\)".*/\1/' "$S/hooks.jsonl" | LC_ALL=C sort -u)" = "$all" ] ||
	fail "the receiver did not get every webhook the store says were sent"

# ---- no protected value leaves ----
for v in Rosa Quetzal Juan Ayala; do
	grep -q "$v" "$S/hooks.jsonl" "$S/mails.jsonl" && fail "a protected value ($v) was sent"
	db "SELECT * FROM case_outbox" | grep -q "$v" && fail "a protected value ($v) is in the outbox"
done
# the mail says what happened in both languages
grep -q 'plazo vencido: caso 1 del tipo salve, unidad CE-10101' "$S/mails.jsonl" ||
	fail "the mail does not name the case in Spanish"
grep -q 'deadline passed: case 1 of type salve' "$S/mails.jsonl" || fail "the mail has no English text"
