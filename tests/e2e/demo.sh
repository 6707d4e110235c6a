# demo.sh - "observa demo" builds an observatory whose logbook shows every
# source and declared period with rows read = accepted + rejected, rejects
# exactly the rows it planned to, and ingesting its files again changes
# nothing. The demo is the one the other tests share (lib.sh, fixture_demo):
# what it printed is checked here whichever test built it.
fixture_demo "$T/obs" 0.03
grep -q "^fuente  *archivos  *leídas" "$T/out" || fail "demo: no summary table"
cp "$T/out" "$T/out.demo"
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
# rows are not victims: Costa Rica's reported crimes merge identical reports
# with a count, Belize's are counts only; the summary's victims are the
# logbook's, and the analyser counts them
vic=$(awk '$1 == "total" { print $7 }' "$T/out.demo")
[ "$vic" = "$(sql "$T/obs" "SELECT sum(victims) FROM submission")" ] ||
	fail "summary victims $vic, logbook $(sql "$T/obs" "SELECT sum(victims) FROM submission")"
[ "$(sql "$T/obs" "SELECT sum(victims) > sum(accepted) FROM submission WHERE source = 'cr-oij-delitos'")" = 1 ] ||
	fail "no merged rows in cr-oij-delitos"
[ "$(sql "$T/obs" "SELECT min(aggregate) FROM submission WHERE source = 'bz-bpd-offences'")" = 1 ] ||
	fail "bz-bpd-offences is not aggregate"
[ "$(sql "$T/obs" "SELECT count(*) FROM submission WHERE aggregate = 1 AND source <> 'bz-bpd-offences'")" = 0 ] ||
	fail "another source marked aggregate"
for s in cr-oij-delitos bz-bpd-offences; do
	expect_status 0 "$OBSERVA" analyze -d "$T/obs" --rows source --where "source=$s" --format csv
	want=$(sql "$T/obs" "SELECT sum(r.victims) FROM record r JOIN submission b ON b.id = r.submission
		WHERE b.superseded_by IS NULL AND b.source = '$s'")
	expect_grep "$T/out" "$s,$want"
done
# the same files again: a no-op
before=$(sql "$T/obs" "SELECT count(*) || '/' || sum(accepted) FROM submission")
f=$(ls "$T"/obs/demo/sv-pnc/*.csv | head -n 1)
expect_status 0 "$OBSERVA" ingest -d "$T/obs" --source sv-pnc "$f"
expect_grep "$T/err" "ya ingestado"
[ "$(sql "$T/obs" "SELECT count(*) || '/' || sum(accepted) FROM submission")" = "$before" ] ||
	fail "re-ingesting a demo file changed the store"

# Belize's sex offender registry: what the demo printed is what the store
# holds; the people it registered twice are flagged by the registry's own
# duplicate check, and an investigator's search for the second, misspelt
# name finds the first registration
reg=$(grep -a '^registro de personas condenadas' "$T/out.demo") || fail "demo: no registry"
n=$(sql "$T/obs" "SELECT count(*) FROM case_file WHERE type = 'sex-offender-registry'")
case "$reg" in *": $n entradas,"*) ;; *) fail "demo: $reg, the store has $n entries" ;; esac
set -- $(echo "$reg" | sed -n 's/.*; \([0-9]*\) inscritas dos veces, \([0-9]*\) marcadas.*/\1 \2/p')
[ "${1:-0}" -ge 1 ] && [ "$2" -ge "$1" ] || fail "demo registry: $reg"
[ "$(sql "$T/obs" "SELECT count(*) FROM case_value v JOIN case_file f ON f.id = v.case_id
	WHERE f.type = 'sex-offender-registry' AND v.field = 'duplicate_of'")" = "$2" ] ||
	fail "demo registry: not $2 entries with duplicate_of"
[ "$(sql "$T/obs" "SELECT count(*) FROM case_event e JOIN case_file f ON f.id = e.case_id
	WHERE f.type = 'sex-offender-registry' AND e.kind = 'move' AND e.state_from = 'active' AND e.state_to = 'active'")" -ge 1 ] ||
	fail "demo registry: no change of address"
# the second convictions printed are the entries that hold one
again=$(echo "$reg" | sed -n 's/.*, \([0-9]*\) con una segunda condena;.*/\1/p')
[ -n "$again" ] && [ "$(sql "$T/obs" "SELECT count(DISTINCT v.case_id) FROM case_value v JOIN case_file f
	ON f.id = v.case_id WHERE f.type = 'sex-offender-registry' AND v.field = 'conviction_offence'")" = "$again" ] ||
	fail "demo registry: not $again entries with a second conviction ($reg)"
dup=$(sql "$T/obs" "SELECT v.case_id FROM case_value v JOIN case_file f ON f.id = v.case_id
	WHERE f.type = 'sex-offender-registry' AND v.field = 'duplicate_of' ORDER BY v.case_id LIMIT 1")
first=$(sql "$T/obs" "SELECT value FROM case_value WHERE case_id = $dup AND field = 'duplicate_of'")
name=$(sql "$T/obs" "SELECT value FROM case_value WHERE case_id = $dup AND field = 'name'")
expect_status 0 "$OBSERVA" user add ivan --role analyst -d "$T/obs" --no-password
expect_status 0 "$OBSERVA" registry grant ivan investigator -d "$T/obs"
expect_status 0 "$OBSERVA" registry search -d "$T/obs" --user ivan --purpose "prueba de la demo" \
	--name "$name" --format csv
grep -q "^$first," "$T/out" && grep -q "^$dup," "$T/out" ||
	fail "demo registry: searching «$name» did not find entries $dup and $first"

# the engine's snapshot is built: forensic deaths (manner homicide) count as
# intentional homicide, and the national rate is near the demo's target
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --indicator homicide_rate --territory HND \
	--period 2020 --format csv
n=$(awk -F, 'NR == 2 { print $6 }' "$T/out")
[ "${n:-0}" -gt 0 ] || fail "no forensic homicides counted for Honduras 2020"
sql "$T/obs" "SELECT count(*) FROM record WHERE source = 'hn-mf' AND manner = 'homicide'
	AND (category IS NULL OR category <> '0101')" | grep -qx 0 ||
	fail "a forensic homicide without ICCS 0101"

# one source never delivers a category: Panama's register of reported crimes
# records no robbery (its profile states so), so Panama's robbery rate is no
# data while the other countries' are counts
[ "$(sql "$T/obs" "SELECT count(*) FROM record WHERE source = 'pa-pn-delitos' AND category LIKE '04%'")" = 0 ] ||
	fail "Panama's crime register holds robberies"
[ "$(sql "$T/obs" "SELECT count(*) FROM record WHERE source = 'pa-pn-delitos' AND category LIKE '0502%'")" -gt 0 ] ||
	fail "Panama's crime register holds no thefts"
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --indicator robbery_rate --level 0 \
	--period 2020 --format csv
grep '^robbery_rate,PAN,' "$T/out" | grep -q ',,.*no_data' || fail "Panama's robbery is not no data"
[ "$(grep -c 'no_data' "$T/out")" -eq 1 ] || fail "another country's robbery is no data"

# El Salvador across its 2024 reform: the forensic files of 2024 name the
# former municipalities until April and the new ones from May
jan_apr=$(sql "$T/obs" "SELECT count(DISTINCT r.territory) FROM record r JOIN territory t ON
	t.code = r.territory WHERE r.source = 'sv-iml' AND r.occurred_on < '2024-05-01'
	AND r.occurred_on >= '2024-01-01' AND t.valid_from IS NULL")
may_dec=$(sql "$T/obs" "SELECT count(*) FROM record r JOIN territory t ON t.code = r.territory
	WHERE r.source = 'sv-iml' AND r.occurred_on >= '2024-05-01' AND t.valid_to IS NOT NULL")
[ "$jan_apr" -gt 0 ] && [ "$may_dec" -eq 0 ] ||
	fail "El Salvador 2024: $jan_apr old units before May, $may_dec after"
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --indicator homicide_rate --country SLV \
	--level 2 --period 2023..2024 --format csv
[ "$(grep -c ',2,2023,' "$T/out")" -eq 262 ] && [ "$(grep -c ',2,2024,' "$T/out")" -eq 44 ] ||
	fail "El Salvador: not 262 municipalities in 2023 and 44 in 2024"

# A country's indicators read only its own records (the snapshot knows
# where each unit's records are): the same numbers as in the run over every
# country, which reads them all, here across El Salvador's 2024 reform
# (former municipalities absorbed into the new ones) and by sex
for args in "--level 2 --period 2023..2024" "--level 1 --period 2024-Q4 --by sex"; do
	expect_status 0 "$OBSERVA" indicators -d "$T/obs" --all $args --format csv
	mv "$T/out" "$T/every.csv"
	for c in SLV GTM PAN; do
		expect_status 0 "$OBSERVA" indicators -d "$T/obs" --all $args --country $c --format csv
		python3 - "$T/every.csv" "$T/out" "$c" <<'PY' || fail "indicators of $c alone differ from the run over every country ($args)"
import csv, sys
every = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
one = list(csv.reader(open(sys.argv[2], encoding="utf-8")))
t = every[0].index("territory")
mine = [r for r in every[1:] if r[t].startswith(sys.argv[3])]
assert one[0] == every[0], "headers differ"
assert len(mine) > 0 and one[1:] == mine, (len(one) - 1, len(mine))
assert any(r[every[0].index("count")] not in ("", "0") for r in mine), "no count at all"
PY
	done
done

# the victimization surveys: every country, two years, seven indicators for
# the country and each first-level unit, and beside the three whose crime the
# police record (16.1.3, 5.2.1, 5.2.2) their totals of victims for the dark
# figure; the plan reads them
[ "$(sql "$T/obs" "SELECT count(DISTINCT survey || period) FROM survey_estimate")" = 14 ] ||
	fail "the demo did not store 7 surveys of 2 years"
[ "$(sql "$T/obs" "SELECT count(DISTINCT indicator) FROM survey_estimate
	WHERE territory = 'SLV' AND indicator NOT LIKE '%:total'")" = 7 ] ||
	fail "El Salvador's survey lacks an indicator"
[ "$(sql "$T/obs" "SELECT count(DISTINCT indicator) FROM survey_estimate
	WHERE indicator IN ('violence_victims_share:total', 'partner_violence_women_share:total',
	                    'nonpartner_sexual_violence_share:total')")" = 3 ] ||
	fail "the totals of victims kept for the dark figure"
expect_grep "$T/out.demo" "sv-evic"
expect_status 0 "$OBSERVA" plan status -d "$T/obs" --format csv --lang en
[ "$(grep -c ',survey,SLV,2023,' "$T/out")" = 3 ] || fail "plan status: the survey indicators of 2023"
[ "$(grep -c ',catalog,SLV,2024,' "$T/out")" = 2 ] || fail "plan status: the police indicators of 2024"
# --store takes a PostgreSQL address only, refused before anything is made
expect_status 2 "$OBSERVA" demo "$T/pgdemo" --store "$T/obs/observa.db"
expect_grep "$T/err" "--store: se esperaba la dirección de una base PostgreSQL"
[ ! -e "$T/pgdemo" ] || fail "a refused --store made the observatory"
