# kill_ingest.sh - killing observa at any moment of an ingest leaves the store
# exactly as it was before; a later ingest of the same file then completes.
init_obs "$T/obs"
cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$T/obs/catalog/sources/"
awk 'BEGIN {
	print "No. Caso;Fecha del hecho;Hora;Municipio;Departamento;Delito;Sexo;Edad;Arma";
	for (i = 1; i <= 150000; i++)
		printf "K%d;%02d/%02d/2020;22:%02d;San Salvador;San Salvador;Homicidio;%s;%d;Arma de fuego\n",
			i, i % 28 + 1, i % 12 + 1, i % 60, (i % 9 ? "Hombre" : "Mujer"), i % 90;
}' >"$T/big.csv"
printf 'No. Caso;Fecha del hecho;Municipio;Departamento;Delito\nS1;01/01/2019;San Salvador;San Salvador;Homicidio\n' >"$T/small.csv"
expect_status 0 "$OBSERVA" ingest -q -d "$T/obs" --source sv-test "$T/small.csv"

snapshot() {
	sql "$T/obs" "SELECT (SELECT count(*) FROM submission) || '/' ||
		(SELECT count(*) FROM record) || '/' || (SELECT count(*) FROM quarantine) || '/' ||
		(SELECT group_concat(id || ':' || sha256) FROM submission)"
}
before=$(snapshot)
killed=0
for wal_bytes in 200000 2000000 8000000; do
	"$OBSERVA" ingest -q -d "$T/obs" --source sv-test "$T/big.csv" &
	pid=$!
	# wait until the ingest is writing, then kill it mid-way
	while kill -0 $pid 2>/dev/null; do
		size=$(stat -c %s "$T/obs/observa.db-wal" 2>/dev/null || echo 0)
		[ "$size" -ge "$wal_bytes" ] && break
	done
	if kill -9 $pid 2>/dev/null; then
		killed=$((killed + 1))
	fi
	wait $pid 2>/dev/null || true
	[ "$(snapshot)" = "$before" ] || fail "store changed by a killed ingest: $before -> $(snapshot)"
	[ "$(sql "$T/obs" "PRAGMA integrity_check")" = ok ] || fail "integrity"
done
[ $killed -ge 2 ] || fail "the ingest finished before it could be killed ($killed kills)"
expect_status 0 "$OBSERVA" ingest -d "$T/obs" --source sv-test "$T/big.csv"
[ "$(sql "$T/obs" "SELECT accepted FROM submission ORDER BY id DESC LIMIT 1")" = 150000 ] ||
	fail "the full ingest did not take every row"
