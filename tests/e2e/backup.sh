# backup.sh - "observa backup" copies a published observatory while an
# ingest writes to it, and "observa restore" gives back an observatory that
# answers as the original did; a backup that was changed, added to or cut
# short is refused before anything is restored, and neither command ever
# writes over an existing directory.
fixture_demo "$T/obs" 0.01 2024
O=$T/obs

# an ingest that is writing while the backup copies
cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$O/catalog/sources/"
awk 'BEGIN {
	print "No. Caso;Fecha del hecho;Municipio;Departamento;Delito;Sexo;Edad";
	for (i = 1; i <= 40000; i++)
		printf "B%d;%02d/%02d/2019;San Salvador;San Salvador;Homicidio;%s;%d\n",
			i, i % 28 + 1, i % 12 + 1, (i % 9 ? "Hombre" : "Mujer"), i % 90;
}' >"$T/big.csv"
"$OBSERVA" ingest -q -d "$O" --source sv-test "$T/big.csv" >"$T/ingest.out" 2>&1 &
ipid=$!
while kill -0 $ipid 2>/dev/null && [ "$(stat -c %s "$O/observa.db-wal" 2>/dev/null || echo 0)" -lt 100000 ]; do
	sleep 0.05
done
expect_status 0 "$OBSERVA" backup -d "$O" "$T/bk"
wait $ipid || { cat "$T/ingest.out" >&2; fail "the ingest beside the backup failed"; }
expect_grep "$T/out" "$T/bk:"
[ ! -e "$T/bk.partial" ] || fail "a partial backup was left"
for f in observa.db MANIFEST.sha256 backup.json catalog/territories.csv; do
	[ -f "$T/bk/$f" ] || fail "the backup lacks $f"
done
ls "$T/bk/releases/v1" >/dev/null || fail "the backup lacks the release"
[ ! -e "$T/bk/snapshot" ] || fail "the derived snapshot was copied"
[ ! -e "$T/bk/observa.db-wal" ] || fail "a WAL file was copied"
# the manifest is checkable without observa, and lists every file
(cd "$T/bk" && sha256sum --quiet -c MANIFEST.sha256) || fail "sha256sum -c failed"
n_files=$(cd "$T/bk" && find . -type f ! -name MANIFEST.sha256 ! -name backup.json | wc -l)
[ "$(wc -l <"$T/bk/MANIFEST.sha256")" -eq "$n_files" ] || fail "the manifest does not list every file"
# the copied store is one committed state: each delivery it holds has
# all its records (as the original has them now), none has part of them
[ "$(sqlite3 "$T/bk/observa.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity of the copy"
per_sub="SELECT s.id || ':' || (SELECT count(*) FROM record r WHERE r.submission = s.id)
	FROM submission s ORDER BY s.id"
sqlite3 "$T/bk/observa.db" "$per_sub" >"$T/copy.subs"
sql "$O" "$per_sub" | head -n "$(wc -l <"$T/copy.subs")" >"$T/orig.subs"
cmp -s "$T/copy.subs" "$T/orig.subs" || { diff "$T/copy.subs" "$T/orig.subs" >&2; fail "a delivery of the copy is not whole"; }
# the backup is in the audit log of the observatory and of its copy
expect_status 0 "$OBSERVA" audit list -d "$O" --action store.backup --format csv
expect_grep "$T/out" "$T/bk"
[ "$(sqlite3 "$T/bk/observa.db" "SELECT count(*) FROM audit WHERE action = 'store.backup'")" = 1 ] ||
	fail "the copy lacks the audit entry of its own backup"

expect_status 0 "$OBSERVA" backup --check "$T/bk"
expect_grep "$T/out" "esquema"

# restored: it answers as the original at the moment of the copy
expect_status 0 "$OBSERVA" restore -d "$T/back" "$T/bk"
expect_grep "$T/out" "restaurado"
[ -f "$T/back/snapshot/records.obs" ] || fail "the snapshot was not rebuilt"
diff -r "$O/releases" "$T/back/releases" || fail "releases differ"
diff -r "$O/catalog" "$T/back/catalog" || fail "catalogues differ"
subs=$(sqlite3 "$T/bk/observa.db" "SELECT count(*) FROM submission")
[ "$(sql "$T/back" "SELECT count(*) FROM submission")" = "$subs" ] || fail "submissions differ"
# a second restore, into an empty directory, from a copy of the backup
cp -a "$T/bk" "$T/bk-copy"
mkdir "$T/ref"
expect_status 0 "$OBSERVA" restore -d "$T/ref" "$T/bk-copy"
for cmd in "log" "indicators --all --format csv --period 2024"; do
	# shellcheck disable=SC2086
	"$OBSERVA" $cmd -d "$T/back" >"$T/a" 2>&1 || fail "$cmd on the restored observatory"
	# shellcheck disable=SC2086
	"$OBSERVA" $cmd -d "$T/ref" >"$T/b" 2>&1 || fail "$cmd on the second restore"
	cmp -s "$T/a" "$T/b" || { diff "$T/a" "$T/b" | head >&2; fail "$cmd differs between restores"; }
done
# and, with the ingest finished, the original gives what the restore gives
# for the deliveries the copy holds
"$OBSERVA" indicators -d "$O" --all --country GTM --format csv --period 2024 >"$T/orig" 2>&1
"$OBSERVA" indicators -d "$T/back" --all --country GTM --format csv --period 2024 >"$T/rest" 2>&1
[ -s "$T/orig" ] && cmp -s "$T/orig" "$T/rest" || fail "GTM 2024 indicators differ from the original's"
expect_status 0 "$OBSERVA" audit verify -d "$T/back"

# the purpose the observatory may require of the command line
expect_status 0 "$OBSERVA" audit policy -d "$O" --purpose-roles cli
expect_status 2 "$OBSERVA" backup -d "$O" "$T/bk2"
expect_grep "$T/err" "--purpose"
[ ! -e "$T/bk2" ] || fail "a backup without the required purpose"
expect_status 0 "$OBSERVA" backup -d "$O" --purpose "copia de prueba" "$T/bk2"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'store.backup' AND
	detail LIKE '%\"purpose\":\"copia de prueba\"%'")" = 1 ] || fail "the purpose was not recorded"
expect_status 0 "$OBSERVA" audit policy -d "$O" --purpose-roles none

# never over a directory: the backup's destination, the restore's target
expect_status 1 "$OBSERVA" backup -d "$O" "$T/bk"
expect_grep "$T/err" "ya existe"
expect_status 1 "$OBSERVA" restore -d "$T/back" "$T/bk"
expect_grep "$T/err" "no está vacío"
expect_status 1 "$OBSERVA" backup -d "$O" "$O/inside"
expect_grep "$T/err" "dentro del observatorio"
[ ! -e "$O/inside" ] || fail "a backup was made inside the observatory"
expect_status 2 "$OBSERVA" restore "$T/bk"

# a changed file, a file too many, a file missing: refused by the check
# and (restore=1; the restore checks with the same code) by a restore,
# which then leaves nothing behind
bad() {
	rm -rf "$T/badbk" "$T/new"
	cp -a "$T/bk" "$T/badbk"
	eval "$1"
	expect_status 1 "$OBSERVA" backup --check "$T/badbk"
	expect_grep "$T/err" "$2"
	[ "${3:-}" = restore ] || return 0
	expect_status 1 "$OBSERVA" restore -d "$T/new" "$T/badbk"
	expect_grep "$T/err" "$2"
	[ ! -e "$T/new" ] && [ ! -e "$T/new.partial" ] || fail "a refused restore left $T/new"
}
rel=$(cd "$T/bk" && find releases -type f -name '*.csv' | sort | head -n 1)
bad "printf x >>'$T/badbk/$rel'" "$rel" restore
bad "echo extra >'$T/badbk/catalog/extra.csv'" "catalog/extra.csv"
bad "rm '$T/badbk/catalog/territories.csv'" "catalog/territories.csv"
bad "sed -i '1s/^./0/' '$T/badbk/MANIFEST.sha256'" "SHA-256"
bad "printf 'not a manifest line\n' >>'$T/badbk/MANIFEST.sha256'" "MANIFEST.sha256:"
bad "rm '$T/badbk/MANIFEST.sha256'" "manifiesto"
# a file replaced by a link to another file, the manifest's hash made to
# match what it points to: a restore would copy a file from elsewhere
bad "cp '$T/bk/catalog/iccs.csv' '$T/other.csv' && rm '$T/badbk/catalog/tags.csv' &&
	ln -s '$T/other.csv' '$T/badbk/catalog/tags.csv' &&
	h=\$(sha256sum '$T/other.csv' | cut -c 1-64) &&
	sed -i \"s|^[0-9a-f]*  catalog/tags.csv\$|\$h  catalog/tags.csv|\" '$T/badbk/MANIFEST.sha256'" \
	"no es un archivo común" restore
# a damaged store whose manifest line was made to match: the integrity check
pages=$(( $(stat -c %s "$T/bk/observa.db") / 4096 ))
bad "dd if=/dev/zero of='$T/badbk/observa.db' bs=4096 seek=$((pages / 2)) count=4 conv=notrunc 2>/dev/null &&
	h=\$(sha256sum '$T/badbk/observa.db' | cut -c 1-64) &&
	sed -i \"s/^[0-9a-f]*  observa.db\$/\$h  observa.db/\" '$T/badbk/MANIFEST.sha256'" "integridad" restore
:
