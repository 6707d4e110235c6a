# pg_backup.sh - "observa backup" and "observa restore" of an observatory
# on PostgreSQL, through pg_dump and pg_restore: deliveries ingested, a
# backup made (its manifest checks with sha256sum and --check), the
# database dropped and made again empty, the backup restored into it, and
# "observa log --format csv" and "observa analyze" print what they printed
# before. Refused: a restore into a database that is not empty (nothing of
# it changes), a backup when pg_dump is not on PATH or is of another major
# version than the server (nothing written). Run by scripts/pg-test-cluster
# (OBSERVA_PG_URL, OBSERVA_PG_DIR, OBSERVA_PG_BINDIR), through run.sh.
: "${OBSERVA_PG_URL:?run under scripts/pg-test-cluster}"
# the server's own client programs first
PATH=$OBSERVA_PG_BINDIR:$PATH
export PATH

O=$T/obs
expect_status 0 "$OBSERVA" init --store "$OBSERVA_PG_URL" "$O"
cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$O/catalog/sources/"
sed -e 's/^code = sv-test/code = sv-pnc/' "$OBSERVA_TESTDATA/ingest/sv-test.ini" \
	>"$O/catalog/sources/sv-pnc.ini"
awk 'BEGIN {
	print "No. Caso;Fecha del hecho;Hora;Municipio;Departamento;Delito;Sexo;Edad;Arma";
	split("Robo;Hurto;Homicidio;Lesiones", del, ";");
	for (i = 1; i <= 300; i++)
		printf "P%d;%02d/%02d/2020;;%s;San Salvador;%s;%s;%d;\n", i, i % 28 + 1, i % 12 + 1,
			(i % 2 ? "San Salvador" : "Soyapango"), del[i % 4 + 1], (i % 3 ? "Hombre" : "Mujer"),
			18 + i % 40;
}' >"$T/pnc.csv"
H='No. Caso;Fecha del hecho;Municipio;Departamento;Delito;Sexo;Edad;Nombre'
printf '%s\n1;03/01/2021;San Salvador;San Salvador;Homicidio;Hombre;30;Ana Pérez\n2;04/01/2021;Narnia;;Homicidio;Hombre;30;\n' "$H" >"$T/v1.csv"
expect_status 0 "$OBSERVA" ingest -q -d "$O" --no-alerts --source sv-pnc "$T/pnc.csv"
expect_status 0 "$OBSERVA" ingest -q -d "$O" --no-alerts --source sv-test "$T/v1.csv"
expect_status 0 "$OBSERVA" user add ana --role analyst -d "$O" --no-password

# before: what a restore must give back
expect_status 0 "$OBSERVA" log -d "$O" --format csv
cp "$T/out" "$T/log.before"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows source --cols sex --format csv
cp "$T/out" "$T/analyze.before"
[ "$(grep -c . "$T/log.before")" -ge 3 ] || fail "the logbook has too few deliveries"
[ "$(grep -c . "$T/analyze.before")" -ge 3 ] || fail "analyze printed too little: $(cat "$T/analyze.before")"

# pg_dump missing, or of another major version: refused, nothing written
mkdir "$T/nobin" "$T/oldbin"
printf '#!/bin/sh\necho "pg_dump (PostgreSQL) 11.22"\n' >"$T/oldbin/pg_dump"
chmod +x "$T/oldbin/pg_dump"
expect_status 3 env PATH="$T/nobin" "$OBSERVA" backup -d "$O" "$T/b0"
expect_grep "$T/err" "pg_dump"
expect_grep "$T/err" "no está instalado"
expect_status 3 env PATH="$T/oldbin:$PATH" "$OBSERVA" backup -d "$O" "$T/b0"
expect_grep "$T/err" "PostgreSQL 11"
[ ! -e "$T/b0" ] && [ ! -e "$T/b0.partial" ] || fail "a refused backup left files"

expect_status 0 "$OBSERVA" backup -d "$O" "$T/bk"
[ -s "$T/bk/observa.dump" ] || fail "no observa.dump in the backup"
[ ! -e "$T/bk/observa.db" ] || fail "an observa.db in a PostgreSQL backup"
(cd "$T/bk" && sha256sum -c --quiet MANIFEST.sha256) || fail "the manifest does not check"
expect_status 0 "$OBSERVA" backup --check "$T/bk"
# the schema this binary writes, as "observa version" says it
schema=$("$OBSERVA" version | sed -n 's/.*(esquema \([0-9][0-9]*\)).*/\1/p')
[ -n "$schema" ] || fail "observa version does not say its schema"
expect_grep "$T/out" "almacén de esquema $schema,"

# a database that is not empty is never restored over
expect_status 1 "$OBSERVA" restore -d "$T/r0" "$T/bk"
expect_grep "$T/err" "una copia se restaura en una base vacía"
[ ! -e "$T/r0" ] || fail "a refused restore left the observatory"

# the database dropped and made again, empty; the backup restored into it
db=${OBSERVA_PG_URL#postgresql:///}
db=${db%%\?*}
"$OBSERVA_PG_BINDIR/dropdb" -h "$OBSERVA_PG_DIR" -U observa "$db" || fail "dropdb"
"$OBSERVA_PG_BINDIR/createdb" -h "$OBSERVA_PG_DIR" -U observa "$db" || fail "createdb"
expect_status 0 "$OBSERVA" restore -d "$T/back" "$T/bk"
[ "$(stat -c %a "$T/back/store.url")" = 600 ] || fail "the restored store.url is not 0600"
[ ! -e "$T/back/observa.dump" ] || fail "the dump was left in the observatory"
expect_status 0 "$OBSERVA" log -d "$T/back" --format csv
cmp "$T/log.before" "$T/out" || fail "the logbook differs after the restore: $(diff "$T/log.before" "$T/out")"
expect_status 0 "$OBSERVA" analyze -d "$T/back" --rows source --cols sex --format csv
cmp "$T/analyze.before" "$T/out" || fail "analyze differs after the restore"
expect_status 0 "$OBSERVA" user list -d "$T/back"
grep -q "^ana  *analyst" "$T/out" || fail "the account is not restored: $(cat "$T/out")"
expect_status 0 "$OBSERVA" audit verify -d "$T/back"
# --store with a SQLite backup is a usage error
expect_status 0 "$OBSERVA" init "$T/lite"
expect_status 0 "$OBSERVA" backup -d "$T/lite" "$T/bl"
expect_status 2 "$OBSERVA" restore -d "$T/r1" --store "$OBSERVA_PG_URL" "$T/bl"
true
