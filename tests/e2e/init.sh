# init.sh - "observa init" makes a store at the current schema and refuses
# to overwrite an existing observatory.
expect_status 0 "$OBSERVA" init "$T/obs"
[ -f "$T/obs/observa.db" ] || fail "no store"
v=$(sql "$T/obs" "PRAGMA user_version")
[ "$v" -ge 1 ] || fail "schema version $v"
[ "$(sql "$T/obs" "PRAGMA journal_mode")" = wal ] || fail "store is not WAL"
expect_status 1 "$OBSERVA" init "$T/obs"
expect_grep "$T/err" "ya hay un observatorio"
expect_status 0 "$OBSERVA" init --help
expect_grep "$T/out" "observa init DIR"
expect_status 2 "$OBSERVA" init
expect_status 2 "$OBSERVA" nosuchcommand
