# demo.sh - "observa demo" builds an observatory whose logbook shows every
# source and declared period with rows read = accepted + rejected, rejects
# exactly the rows it planned to, and ingesting its files again changes
# nothing.
expect_status 0 "$OBSERVA" demo "$T/obs" --scale 0.03
expect_grep "$T/out" "fuente / source"
expect_grep "$T/out" "Homicidios por país y año"
[ -s "$T/obs/demo/ground_truth.csv" ] || fail "no ground truth"
# every country has sources in the logbook, every submission balances
for c in bz cr do gt hn pa sv; do
	n=$(sql "$T/obs" "SELECT count(*) FROM submission WHERE source LIKE '$c-%'")
	[ "$n" -ge 30 ] || fail "country $c has $n submissions"
done
[ "$(sql "$T/obs" "SELECT count(*) FROM submission WHERE rows_read <> accepted + rejected")" = 0 ] ||
	fail "a submission where rows read != accepted + rejected"
total=$(awk '$1 == "total" { print $3, $4, $5, $6 }' "$T/out")
set -- $total
[ "$1" -eq $(($2 + $3)) ] || fail "summary: read $1 != accepted $2 + rejected $3"
[ "$3" -eq "$4" ] || fail "rejected $3 rows, the demo planned $4"
[ "$(sql "$T/obs" "SELECT count(*) FROM submission WHERE superseded_by IS NOT NULL")" -ge 1 ] ||
	fail "no corrected re-delivery superseded an earlier one"
# every export declares the year it covers: a correction replaces its year
[ "$(sql "$T/obs" "SELECT count(*) FROM submission WHERE period_basis IS NOT 'declared'
	OR period IS NOT substr(period_from, 1, 4) OR period_to IS NOT substr(period_from, 1, 4) || '-12-31'")" = 0 ] ||
	fail "a demo submission without its declared year"
[ "$(sql "$T/obs" "SELECT count(*) FROM submission a JOIN submission b ON b.id = a.superseded_by
	WHERE a.period IS NOT b.period")" = 0 ] || fail "a demo correction replaced another year"
expect_status 0 "$OBSERVA" log -d "$T/obs"
expect_grep "$T/out" "sustituido"
# the same files again: a no-op
before=$(sql "$T/obs" "SELECT count(*) || '/' || sum(accepted) FROM submission")
f=$(ls "$T"/obs/demo/sv-pnc/*.csv | head -n 1)
expect_status 0 "$OBSERVA" ingest -d "$T/obs" --source sv-pnc "$f"
expect_grep "$T/err" "ya ingestado"
[ "$(sql "$T/obs" "SELECT count(*) || '/' || sum(accepted) FROM submission")" = "$before" ] ||
	fail "re-ingesting a demo file changed the store"

# the engine's snapshot is built: forensic deaths (manner homicide) count as
# intentional homicide, and the national rate is near the demo's target
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --indicator homicide_rate --territory HND \
	--period 2020 --format csv
n=$(awk -F, 'NR == 2 { print $6 }' "$T/out")
[ "${n:-0}" -gt 0 ] || fail "no forensic homicides counted for Honduras 2020"
sql "$T/obs" "SELECT count(*) FROM record WHERE source = 'hn-mf' AND manner = 'homicide'
	AND (category IS NULL OR category <> '0101')" | grep -qx 0 ||
	fail "a forensic homicide without ICCS 0101"
