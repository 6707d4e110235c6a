# pg_missing_match.sh - unidentified bodies matched to missing-person
# reports on a store on PostgreSQL: a small forensic delivery of El
# Salvador (an unidentified body, a named one, one with a document only)
# and two open reports, one of them the body's; "observa missing match"
# proposes that pair alone and, run again, adds nothing; the queue is
# listed (audited); confirming moves the report to located dead and leaves
# the body out of the next run; the chain verifies. Run by
# scripts/pg-test-cluster (OBSERVA_PG_URL), through run.sh.
: "${OBSERVA_PG_URL:?run under scripts/pg-test-cluster}"
export LC_ALL=C.UTF-8
O="$T/obs"
db() { "$OBSERVA_PG_BINDIR/psql" -X -A -t -q -v ON_ERROR_STOP=1 "$OBSERVA_PG_URL" -c "$1"; }
expect_status 0 "$OBSERVA" init -q --store "$OBSERVA_PG_URL" "$O"
cat >"$T/necropsias_2019.csv" <<'CSV'
Correlativo,Fecha de fallecimiento,Hora,Código municipio,Sexo,Edad,Manera de muerte,Mecanismo,Lugar del hecho,Nombre,Documento,Dirección,Observaciones
IML19-000001,2019-07-17,10:00,1313,Masculino,40,Homicidio,Proyectil de arma de fuego,Vía pública,DESCONOCIDO,,,
IML19-000002,2019-07-18,11:00,1313,Masculino,41,Homicidio,Proyectil de arma de fuego,Vía pública,"PÉREZ, JUAN",,,
IML19-000003,2019-07-19,12:00,1313,Masculino,39,Homicidio,Proyectil de arma de fuego,Vía pública,,01234567-8,,
CSV
expect_status 0 "$OBSERVA" ingest -q -d "$O" --source sv-iml --period 2019 "$T/necropsias_2019.csv"
open() { # open SEX NAME
	expect_status 0 "$OBSERVA" case open missing-persons -d "$O" --set office=pnc-1 \
		--set reported_on=2019-07-02 --set missing_since=2019-07-01 \
		--set last_seen_territory=SLV1313 --set sex="$1" --set age=40 --set name="$2"
}
open m "Juan Prueba Uno"
open f "Ana Prueba Dos"
expect_status 0 "$OBSERVA" missing match -d "$O" --lang en
expect_grep "$T/out" "unidentified bodies: 1 of 3 forensic records"
expect_grep "$T/out" "new in the queue: 1"
[ "$(db "SELECT case_id || ' ' || source_id || ' ' || status FROM missing_match")" = "1 IML19-000001 pending" ] ||
	fail "queue: $(db "SELECT * FROM missing_match")"
expect_status 0 "$OBSERVA" missing match -d "$O" --lang en
expect_grep "$T/out" "new in the queue: 0"
expect_status 0 "$OBSERVA" missing matches -d "$O" --format csv --lang en
[ "$(wc -l <"$T/out")" = 2 ] || fail "listed: $(cat "$T/out")"
[ "$(db "SELECT count(*) FROM audit WHERE action = 'missing.matches'")" = 1 ] || fail "not audited"
expect_status 0 "$OBSERVA" user add ana --role steward -d "$O" --no-password
expect_status 0 "$OBSERVA" missing review 1 confirm -d "$O" --user ana
[ "$(db "SELECT state FROM case_file WHERE id = 1")" = located_dead ] || fail "not moved"
[ "$(db "SELECT value FROM case_value WHERE case_id = 1 AND field = 'located_on'")" = 2019-07-17 ] ||
	fail "located_on"
[ "$(db "SELECT count(*) FROM audit WHERE action = 'missing.match.confirm'")" = 1 ] || fail "audit"
expect_status 1 "$OBSERVA" missing review 1 reject -d "$O" --user ana
expect_status 0 "$OBSERVA" missing match -d "$O" --lang en
expect_grep "$T/out" "unidentified bodies: 0 of 2 forensic records"
expect_status 0 "$OBSERVA" audit verify -d "$O"
