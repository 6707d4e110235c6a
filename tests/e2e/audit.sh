# audit.sh - accounts are changed through "observa user" with the password
# never on the command line, every change is in the audit log, the triggers
# refuse edits, and with the triggers dropped through the sqlite3 CLI,
# "observa audit verify" names the entry that was edited, removed or added.
init_obs "$T/obs"
O="$T/obs"
printf 'una clave bastante larga\n' >"$T/pw"
printf 'corta\n' >"$T/short"
expect_status 0 "$OBSERVA" user add ana --role steward -d "$O" --password-fd 3 3<"$T/pw"
expect_status 1 "$OBSERVA" user add eva --role analyst -d "$O" --password-fd 3 3<"$T/short"
expect_grep "$T/err" "al menos"
# no terminal and no descriptor: refused, nothing asked on the command line
expect_status 2 "$OBSERVA" user add eva --role analyst -d "$O" </dev/null
expect_grep "$T/err" "--password-fd"
expect_status 2 "$OBSERVA" user add eva --role chief -d "$O" --no-password
expect_status 1 "$OBSERVA" user add inst --role submitter -d "$O" --no-password
expect_status 0 "$OBSERVA" user add inst --role submitter --source sv-pnc -d "$O" --no-password
expect_status 1 "$OBSERVA" user add ana --role analyst -d "$O" --no-password
expect_grep "$T/err" "ya existe"
expect_status 0 "$OBSERVA" user token inst -d "$O" --label carga --expires 30
TOKEN=$(cat "$T/out")
case "$TOKEN" in obs_*) ;; *) fail "token «$TOKEN»" ;; esac
[ "$(sql "$O" "SELECT count(*) FROM account_token WHERE hash = '$TOKEN'")" = 0 ] ||
	fail "the token is stored in clear"
! cat "$O"/observa.db* | grep -q "bastante" || fail "the password is stored in clear"
expect_status 0 "$OBSERVA" user disable inst -d "$O"
expect_status 1 "$OBSERVA" user disable nadie -d "$O"
expect_status 0 "$OBSERVA" user list -d "$O"
expect_grep "$T/out" "disabled"
expect_grep "$T/out" "steward"

expect_status 0 "$OBSERVA" audit list -d "$O"
for a in user.add user.token user.disable; do expect_grep "$T/out" "$a"; done
[ "$(sql "$O" "SELECT count(*) FROM audit")" = 4 ] || fail "4 audit entries expected"
expect_status 0 "$OBSERVA" audit list -d "$O" --action user.add --format csv
[ "$(wc -l <"$T/out")" = 3 ] || fail "two user.add entries and a header expected"
expect_status 0 "$OBSERVA" audit verify -d "$O"
expect_grep "$T/out" "íntegra: 4 entradas"
HEAD=$(sed -n 's/^cabeza: //p' "$T/out")
expect_status 0 "$OBSERVA" audit verify -d "$O" --anchor "$HEAD"
expect_status 1 "$OBSERVA" audit verify -d "$O" \
	--anchor 2:0000000000000000000000000000000000000000000000000000000000000000
expect_grep "$T/out" "entrada 2"
expect_status 2 "$OBSERVA" audit verify -d "$O" --anchor 2:abc

# the triggers refuse changes through any client
if sqlite3 "$O/observa.db" "UPDATE audit SET actor = 'x' WHERE seq = 1" 2>"$T/sqlerr"; then
	fail "UPDATE on audit was allowed"
fi
expect_grep "$T/sqlerr" "append-only"
if sqlite3 "$O/observa.db" "DELETE FROM audit WHERE seq = 4" 2>"$T/sqlerr"; then
	fail "DELETE on audit was allowed"
fi

# tamper CASE SQL SEQ : on a copy, drop the triggers, run SQL; verify fails
# and names entry SEQ
tamper() {
	rm -rf "$T/copy"
	cp -r "$O" "$T/copy"
	sqlite3 "$T/copy/observa.db" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;
		DROP TRIGGER audit_in_order; $2" || fail "$1: sqlite3"
	expect_status 1 "$OBSERVA" audit verify -d "$T/copy"
	expect_grep "$T/out" "NO está íntegra"
	expect_grep "$T/out" "primera entrada afectada: $3"
	expect_grep "$T/out" "entrada $3:"
}
tamper edited "UPDATE audit SET detail = 'role=admin' WHERE seq = 2" 2
tamper actor "UPDATE audit SET actor = 'cli:otro' WHERE seq = 1" 1
tamper removed "DELETE FROM audit WHERE seq = 3" 3
tamper last_removed "DELETE FROM audit WHERE seq = 4" 4
tamper inserted "INSERT INTO audit SELECT 5, at, actor, action, object, 'falso', hash, hash
	FROM audit WHERE seq = 4" 5
tamper renumbered "DELETE FROM audit WHERE seq = 2; UPDATE audit SET seq = seq - 1 WHERE seq > 2" 2
