# bad_input.sh - every file of the bad-input corpus gets its exact message
# and exit status, and none changes the store (tests/data/bad/EXPECT).
B="$OBSERVA_TESTDATA/bad"
init_obs "$T/obs"
cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$OBSERVA_TESTDATA/ingest/sv-test-comma.ini" \
	"$T/obs/catalog/sources/"

# generated members of the corpus, too big to keep in the repository
# a 10 MB field
{
	printf 'No. Caso;Fecha del hecho;Municipio;Departamento;Delito\n1;01/01/2020;'
	head -c 10485760 /dev/zero | tr '\0' 'x'
	printf ';San Salvador;Homicidio\n'
} >"$T/big-field.csv"
# valid UTF-8 for longer than the sniffed prefix, then a Windows-1252 byte
{
	printf 'No. Caso;Fecha del hecho;Municipio;Departamento;Delito;Sexo\n'
	i=1
	while [ $i -le 2000 ]; do
		printf 'M%d;01/01/2020;San Salvador;San Salvador;Homicidio;Hombre\n' $i
		i=$((i + 1))
	done
	printf 'M9999;01/01/2020;Usulut\341n;Usulut\341n;Homicidio;Hombre\n'
} >"$T/mixed-encoding.csv"

state() {
	sql "$T/obs" "SELECT (SELECT count(*) FROM submission) || '/' ||
		(SELECT count(*) FROM record) || '/' || (SELECT count(*) FROM quarantine) || '/' ||
		(SELECT count(*) FROM warning)"
}

# EXPECT: file|source|extra args|exit status|message (a fixed substring of stderr+stdout)
while IFS='|' read -r file source args want msg; do
	case "$file" in ''|'#'*) continue ;; esac
	path="$B/$file"
	[ -f "$path" ] || path="$T/$file"
	before=$(state)
	# shellcheck disable=SC2086
	expect_status "$want" "$OBSERVA" ingest -d "$T/obs" --source "$source" $args "$path"
	cat "$T/out" >>"$T/err"
	expect_grep "$T/err" "$msg"
	if [ "$want" -ne 0 ]; then
		[ "$(state)" = "$before" ] || fail "$file changed the store: $before -> $(state)"
	fi
	# the file's own check (PostgreSQL has no such pragma; its pages are
	# checked by the server)
	on_pg || sql "$T/obs" "PRAGMA integrity_check" | grep -qx ok || fail "integrity after $file"
done <"$B/EXPECT"
