# tutorial.sh - docs/tutorial.md, step by step, as written: a messy police
# export (tests/data/onboarding) from a draft profile to a published
# indicator; the unedited draft loads at least 95 % of the rows, the edits
# the tutorial makes load 100 % and the file's own total.
export LC_ALL=C.UTF-8
D="$OBSERVA_TESTDATA/onboarding"
cd "$T"

# 1. a fresh observatory
expect_status 0 "$OBSERVA" init obs
# 2. the draft profile, written into the observatory
expect_status 0 "$OBSERVA" profile infer -d obs "$D/pnc_2024.csv" --source sv-pnc-2024 --write
P=obs/catalog/sources/sv-pnc-2024.ini
expect_grep "$P" "count = CANTIDAD"
expect_grep "$P" "# arma,ARMA CORTO PUNZANTE,sharp,,"
expect_grep "$P" "«ARTEFACTO CASERO» (20 filas)"
# 3. a dry run, then the ingest with the unedited draft
expect_status 0 "$OBSERVA" ingest -d obs --source sv-pnc-2024 --dry-run "$D/pnc_2024.csv"
expect_grep "$T/out" "date_missing"
[ "$(sql obs "SELECT count(*) FROM submission")" = 0 ] || fail "a dry run wrote"
expect_status 0 "$OBSERVA" ingest -d obs --source sv-pnc-2024 "$D/pnc_2024.csv"
expect_grep "$T/out" "444 filas leídas = 441 aceptadas + 3 rechazadas; 489 víctimas"
# 4. the edits: the institution (guessed from the title rows: checked), the
# two weapon labels, then a re-read
expect_grep "$P" "institution = police"
printf 'arma,ARMA CORTO PUNZANTE,sharp,,\narma,ARTEFACTO CASERO,explosive,,\n' >>obs/catalog/crosswalks.csv
expect_status 0 "$OBSERVA" catalog reload -d obs
expect_status 0 "$OBSERVA" ingest -d obs --source sv-pnc-2024 --reprocess "$D/pnc_2024.csv"
expect_grep "$T/out" "sustituye al envío 1"
[ "$(sql obs "SELECT count(*) FROM warning w JOIN submission s ON s.id = w.submission
	WHERE s.superseded_by IS NULL AND w.kind = 'tag_unmapped'")" = 0 ] || fail "weapons still unmapped"
# 5. the three undated rows: exported for the institution, which sends them back dated
expect_status 0 "$OBSERVA" quarantine -d obs --source sv-pnc-2024 --export para_pnc.csv \
	--purpose "devolver a la PNC las filas sin fecha"
[ "$(grep -c 'date_missing' para_pnc.csv)" = 3 ] || fail "the export lacks the undated rows"
expect_status 0 "$OBSERVA" ingest -d obs --source sv-pnc-2024 "$D/pnc_2024_corregido.csv"
expect_grep "$T/out" "444 filas leídas = 444 aceptadas + 0 rechazadas; 492 víctimas"
total=$(iconv -f CP1252 -t UTF-8 "$D/pnc_2024_corregido.csv" | sed -n 's/^TOTAL;*\([0-9]*\).*/\1/p' | tr -d '\r')
[ "$(sql obs "SELECT victims FROM submission WHERE superseded_by IS NULL")" = "$total" ] ||
	fail "victims differ from the file's TOTAL ($total)"
# 6. the published indicator
expect_status 0 "$OBSERVA" indicators -d obs --indicator homicide_rate --country SLV \
	--period 2024 --institution police --format csv
expect_grep "$T/out" "homicide_rate,SLV,El Salvador,0,2024,492,"
