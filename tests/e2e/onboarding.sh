# onboarding.sh - a new source from its file alone. "observa profile infer"
# drafts the profile of an invented police export (tests/data/onboarding:
# Windows-1252, banner rows, totals and notes, no id column, codes that
# lost their leading zero, names with qualifiers); the unedited draft loads
# at least 95 % of its rows; a re-delivery with the rows shuffled and some
# repeated supersedes it with the same ids; names with qualifiers resolve
# without the codes; an ambiguous name lists its candidates.
export LC_ALL=C.UTF-8
export OBSERVA_LANG=es
F="$OBSERVA_TESTDATA/onboarding/pnc_2024.csv"
init_obs "$T/obs"
O="$T/obs"

# without an observatory: what the file alone says
mkdir "$T/empty"
(cd "$T/empty" && "$OBSERVA" profile infer "$F" >"$T/alone" 2>"$T/alone.err") ||
	fail "profile infer without an observatory: $(cat "$T/alone.err")"
expect_grep "$T/alone" "encoding = windows-1252"
expect_grep "$T/alone" "code_width = 4"
expect_grep "$T/alone.err" "sin observatorio"

# with the catalogue: every guess, and the crosswalk rows it lacks
expect_status 0 "$OBSERVA" profile infer -d "$O" "$F"
D="$T/out"
for want in "country = SV" "encoding = windows-1252" "delimiter = ;" "dates = dmy" \
	"footer = total, fuente, nota" "occurred_on = FECHA" "territory_code = COD. MUNICIPIO" \
	"territory = MUNICIPIO" "territory_parent = DEPARTAMENTO" "count = CANTIDAD" \
	"mechanism = ARMA" "category = sv-delito" "victim_age_group = GRUPO ETARIO" \
	"code_width = 4 " "# arma,ARMA CORTO PUNZANTE,sharp,," "victim_age_group = age_group" \
	"«ARTEFACTO CASERO» (20 filas)" "sin columna de identificador" \
	"calificativos entre paréntesis"; do
	expect_grep "$D" "$want"
done
grep -q "^source_id" "$D" && fail "the file has no id column"
OBSERVA_LANG=en "$OBSERVA" profile infer -d "$O" "$F" | grep -q "# header says date" ||
	fail "the draft does not speak English"

# --write: never over an existing profile without --force
expect_status 1 "$OBSERVA" profile infer -d "$O" "$F" --write
expect_grep "$T/err" "sv-pnc.ini ya existe: no se reemplaza sin --force"
expect_status 0 "$OBSERVA" profile infer -d "$O" "$F" --write --source sv-pnc-onb
P="$O/catalog/sources/sv-pnc-onb.ini"
[ -f "$P" ] || fail "no profile written"
expect_status 1 "$OBSERVA" profile infer -d "$O" "$F" --write --source sv-pnc-onb
expect_status 0 "$OBSERVA" profile infer -d "$O" "$F" --write --source sv-pnc-onb --force

# the unedited draft loads at least 95 % of the rows
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-pnc-onb "$F"
read -r rows acc <<EOT
$(sql "$O" "SELECT rows_read || ' ' || accepted FROM submission WHERE source = 'sv-pnc-onb'")
EOT
[ "$rows" = 444 ] || fail "rows read: $rows"
[ $((acc * 100)) -ge $((rows * 95)) ] || fail "only $acc of $rows rows loaded"
# codes restored by code_width: none unknown
[ "$(sql "$O" "SELECT count(*) FROM warning WHERE reason LIKE 'código de municipio%'")" = 0 ] ||
	fail "codes did not resolve"
# an unknown weapon is a warning and mechanism unknown, not a rejection
[ "$(sql "$O" "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission
	WHERE s.source = 'sv-pnc-onb' AND r.mechanism = 'unknown'")" -ge 20 ] || fail "unknown weapons were not kept as unknown"
[ "$(sql "$O" "SELECT count(*) FROM warning WHERE value = 'ARTEFACTO CASERO'")" = 20 ] ||
	fail "no warning for the unknown weapon"
# ids from the content: distinct, stable form; repeated rows stay distinct
[ "$(sql "$O" "SELECT count(DISTINCT source_id) FROM record WHERE source = 'sv-pnc-onb'
	AND source_id LIKE 'row:%'")" = "$acc" ] || fail "ids are not distinct"
[ "$(sql "$O" "SELECT count(*) FROM record WHERE source = 'sv-pnc-onb'
	AND source_id LIKE 'row:%:2'")" -ge 4 ] || fail "repeated rows are not told apart"

# a re-delivery: the same rows shuffled, two of them once more
(
	export LC_ALL=C # the file is Windows-1252
	head -n 6 "$F"
	sed -n '7,$p' "$F" | head -n -3 | grep '^[0-9]' |
		awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' | sort -k1,1 | cut -f2-
	sed -n '7,$p' "$F" | grep '^[0-9]' | sed -n '5p;100p'
	sed -n '7,$p' "$F" | grep -v '^[0-9]' | grep -v '^;'
) >"$T/pnc_2024_b.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-pnc-onb "$T/pnc_2024_b.csv"
[ "$(sql "$O" "SELECT count(*) FROM submission WHERE source = 'sv-pnc-onb'
	AND superseded_by IS NULL")" = 1 ] || fail "the re-delivery did not supersede"
[ "$(sql "$O" "SELECT count(*) FROM record a JOIN submission s ON s.id = a.submission
	WHERE s.source = 'sv-pnc-onb' AND s.superseded_by IS NOT NULL AND a.source_id NOT IN
	(SELECT r.source_id FROM record r JOIN submission t ON t.id = r.submission
	 WHERE t.source = 'sv-pnc-onb' AND t.superseded_by IS NULL)")" = 0 ] ||
	fail "ids changed with the order of the rows"
[ "$(sql "$O" "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission
	WHERE s.source = 'sv-pnc-onb' AND s.superseded_by IS NULL")" = $((acc + 2)) ] ||
	fail "the repeated rows did not get ids of their own"

# names alone: qualifiers and accents as they come resolve
sed -e '/^territory_code/d' -e 's/^code = sv-pnc-onb.*/code = sv-pnc-nom/' "$P" \
	>"$O/catalog/sources/sv-pnc-nom.ini"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-pnc-nom "$F"
n=$(sql "$O" "SELECT accepted FROM submission WHERE source = 'sv-pnc-nom'")
[ $((n * 100)) -ge $((rows * 95)) ] || fail "by name only $n of $rows rows loaded"
[ "$(sql "$O" "SELECT count(*) FROM quarantine q JOIN submission s ON s.id = q.submission
	WHERE s.source = 'sv-pnc-nom' AND q.field = 'territory'")" = 0 ] ||
	fail "a named municipality was not resolved"

# [territory] rules: a suffix, a width and words to ignore
cat >"$O/catalog/sources/sv-rules.ini" <<'INI'
[source]
code = sv-rules
country = SV
[columns]
occurred_on = Fecha
territory_code = Código
territory = Municipio
category = Delito
[territory]
code_strip_suffix = 000
code_width = 4
name_ignore = cabecera
[crosswalks]
category = sv-delito
INI
printf 'Fecha;Código;Municipio;Delito\n03/02/2024;614000;;Homicidio\n04/02/2024;;Cabecera Apopa;Homicidio\n05/02/2024;;El Rosario;Homicidio\n' \
	>"$T/rules_2024-02.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-rules "$T/rules_2024-02.csv"
[ "$(sql "$O" "SELECT group_concat(territory, ' ') FROM (SELECT r.territory FROM record r
	JOIN submission s ON s.id = r.submission WHERE s.source = 'sv-rules' ORDER BY r.line)")" = \
	"SLV0614 SLV0602" ] || fail "the [territory] rules did not resolve"
# the ambiguous name: its candidates with their departments, and the column that decides
reason=$(sql "$O" "SELECT reason FROM quarantine q JOIN submission s ON s.id = q.submission
	WHERE s.source = 'sv-rules'")
case $reason in
*"SLV0704 El Rosario (Cuscatlán)"*"SLV0802 El Rosario (La Paz)"*"SLV1307 El Rosario (Morazán)"*territory_parent*) ;;
*) fail "ambiguous name: $reason" ;;
esac

# a file that gives nothing to read
printf 'a;b\n1;2\n3;4\n' >"$T/nada.csv"
expect_status 1 "$OBSERVA" profile infer -d "$O" "$T/nada.csv"
expect_grep "$T/err" "no se infiere nada útil"
