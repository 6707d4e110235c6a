# store_readonly.sh - a store its user cannot write (file and directory
# read-only; run as another user when the tests run as root, who writes
# anyway): commands that only read work; those that write, and those that
# show personal data (which must first record the read in the audit log),
# say that the store is read-only, never that it needs migrating, and show
# nothing; the audit log is as it was.
export LC_ALL=C.UTF-8
mkdir "$T/ro"
O="$T/ro/obs"
init_obs "$O"
expect_status 0 "$OBSERVA" user add ana --role steward -d "$O" --no-password
# a quarantined row with a name in it
sql "$O" "INSERT INTO submission(source, file_name, sha256, rows_read, accepted, rejected,
	warned, ingested_at, version, observa_version) VALUES('sv-pnc', 'enero.csv', 'ab', 1, 0,
	1, 0, '2024-02-01T00:00:00Z', 1, 'prueba');
	INSERT INTO quarantine(submission, line, column, field, value, reason, raw)
	VALUES(1, 2, 3, 'fecha', '2024-13-01', 'fecha no válida', 'ROSA QUETZAL;2024-13-01')"
entries=$(sql "$O" "SELECT count(*) FROM audit")
cp -r "$O" "$T/ro/old"
sqlite3 "$T/ro/old/observa.db" "PRAGMA user_version = 3" || fail "sqlite3"

if [ "$(id -u)" = 0 ]; then
	AS="setpriv --reuid=65534 --regid=65534 --clear-groups --"
	chmod 755 "$T" "$T/ro"
	chmod -R a+rX "$T/ro"
else
	AS=""
fi
chmod a-w "$O" "$O/observa.db" "$T/ro/old" "$T/ro/old/observa.db"
trap 'chmod -R u+w "$T"; rm -rf "$T"' EXIT
reader() {
	$AS "$OBSERVA" "$@"
}
# the user really cannot write there
if $AS sh -c ": >'$O/probe'" 2>/dev/null; then
	fail "the test could not make the store read-only"
fi

for cmd in "log -d $O" "audit verify -d $O" "audit list -d $O" "audit policy -d $O"; do
	# shellcheck disable=SC2086
	expect_status 0 reader $cmd
done
expect_status 0 reader audit verify -d "$O"
expect_grep "$T/out" "íntegra"

# personal data: nothing shown, and why
expect_status 3 reader quarantine -d "$O"
[ ! -s "$T/out" ] || fail "quarantine shown from a store that cannot record the read"
expect_grep "$T/err" "solo lectura"
expect_grep "$T/err" "no se muestra nada"
grep -q "migrar" "$T/err" && fail "a read-only store said it needs migrating"
expect_status 3 reader quarantine -d "$O" --export "$T/q.csv"
[ ! -e "$T/q.csv" ] || fail "quarantine exported from a store that cannot record the read"
expect_status 3 reader review -d "$O" --user ana --list
expect_grep "$T/err" "solo lectura"
# a command that writes
expect_status 3 reader user add eva --role analyst -d "$O" --no-password
expect_grep "$T/err" "solo lectura"
grep -q "migrar" "$T/err" && fail "a read-only store said it needs migrating"
# a store that does need migrating says so, and how
expect_status 3 reader log -d "$T/ro/old"
expect_grep "$T/err" "necesita migrarse"
expect_grep "$T/err" "permiso de escritura"
[ "$(sql "$O" "SELECT count(*) FROM audit")" = "$entries" ] || fail "the audit log changed"
