# lang.sh - the language of messages (base/log.h) and the options every
# command shares (cli/options.h): Spanish by default, English with --lang en,
# OBSERVA_LANG=en or an English locale, --lang winning over both; -d, --lang
# and -q before or after the command's name.
expect_status 0 "$OBSERVA" init "$T/obs"

# the same usage error in both languages
nolang() { env -u OBSERVA_LANG -u LC_ALL -u LC_MESSAGES -u LANG "$@"; }
expect_status 2 nolang "$OBSERVA" log -d "$T/obs" --format bogus
expect_grep "$T/err" "observa: error: --format «bogus»: se esperaba table o csv"
grep -q "expected" "$T/err" && fail "English in the default message"
expect_status 2 nolang "$OBSERVA" log -d "$T/obs" --format bogus --lang en
expect_grep "$T/err" "observa: error: --format «bogus»: expected table or csv"
grep -q "se esperaba" "$T/err" && fail "Spanish with --lang en"
expect_status 2 nolang "$OBSERVA" --lang=en log --format bogus -d "$T/obs"
expect_grep "$T/err" "expected table or csv"
# the environment: OBSERVA_LANG, then the locale
expect_status 2 nolang env OBSERVA_LANG=en "$OBSERVA" log -d "$T/obs" --format bogus
expect_grep "$T/err" "expected table or csv"
expect_status 2 nolang env LANG=en_US.UTF-8 "$OBSERVA" log -d "$T/obs" --format bogus
expect_grep "$T/err" "expected table or csv"
expect_status 2 nolang env LANG=en_US.UTF-8 LC_ALL=es_ES.UTF-8 "$OBSERVA" log -d "$T/obs" \
	--format bogus
expect_grep "$T/err" "se esperaba table o csv"
expect_status 2 nolang env OBSERVA_LANG=es LANG=en_US.UTF-8 "$OBSERVA" log -d "$T/obs" \
	--format bogus
expect_grep "$T/err" "se esperaba table o csv"
# --lang wins
expect_status 2 nolang env OBSERVA_LANG=en "$OBSERVA" log -d "$T/obs" --format bogus --lang es
expect_grep "$T/err" "se esperaba table o csv"
expect_status 2 "$OBSERVA" log --lang fr
expect_grep "$T/err" "--lang «fr»: se esperaba es o en"

# the shared options before or after the command, in any of their forms
cd "$T"
expect_status 0 "$OBSERVA" log -d obs
first=$(cat "$T/out")
for args in "-d obs log" "--dir obs log" "--dir=obs log" "log --dir=obs" "log -dobs" \
	"-q log -d obs" "log -d obs --quiet"; do
	# shellcheck disable=SC2086
	expect_status 0 "$OBSERVA" $args
	[ "$(cat "$T/out")" = "$first" ] || fail "observa $args printed another logbook"
done
# without -d, the current directory
cd "$T/obs"
expect_status 0 "$OBSERVA" log
[ "$(cat "$T/out")" = "$first" ] || fail "observa log in the observatory printed another logbook"
cd "$T"
# -h anywhere: the command's usage on stdout
for args in "log -h" "-h log" "log -d obs --help" "--help log"; do
	# shellcheck disable=SC2086
	expect_status 0 "$OBSERVA" $args
	expect_grep "$T/out" "uso: observa log"
done
expect_status 2 "$OBSERVA" log -d
expect_grep "$T/err" "-d: falta el directorio del observatorio"
# a command that takes no -d refuses it, before or after its name
expect_status 2 "$OBSERVA" stats rate -d obs
expect_status 2 "$OBSERVA" -d obs init "$T/other"
expect_grep "$T/err" "no trabaja sobre un observatorio existente"
[ ! -e "$T/other" ] || fail "init made an observatory though -d was refused"
# "observa -h CMD" for a command with subcommands of its own
expect_status 0 "$OBSERVA" -h stats
expect_grep "$T/out" "uso: observa stats"
expect_status 0 "$OBSERVA" stats rate -h
expect_grep "$T/out" "observa stats rate"
# -q silences information: the catalogue reload says nothing on stderr
expect_status 0 "$OBSERVA" catalog reload -d obs
expect_grep "$T/err" "catálogo recargado"
expect_status 0 "$OBSERVA" catalog reload -d obs -q
[ ! -s "$T/err" ] || fail "catalog reload -q printed: $(cat "$T/err")"
expect_status 0 "$OBSERVA" catalog reload -d obs --lang en
expect_grep "$T/err" "catalogue reloaded"

# diagnostics (base/error.h OB_DIAG) speak the language in force too: the
# store's refusal of a second observatory, an index name the presets refuse
expect_status 1 nolang "$OBSERVA" init "$T/obs"
expect_grep "$T/err" "ya hay un observatorio en este directorio"
grep -q "already" "$T/err" && fail "English in the default diagnostic"
expect_status 1 nolang "$OBSERVA" init "$T/obs" --lang en
expect_grep "$T/err" "there is already an observatory in this directory"
grep -q "ya hay" "$T/err" && fail "Spanish in the diagnostic with --lang en"
expect_status 2 nolang "$OBSERVA" index -d obs --preset 'no such' --year 2020
expect_grep "$T/err" "nombre de índice no válido: letras, cifras, - _ ."
expect_status 2 nolang "$OBSERVA" index -d obs --preset 'no such' --year 2020 --lang en
grep -q "no válido" "$T/err" && fail "Spanish in the index diagnostic with --lang en"
expect_grep "$T/err" "invalid index name: letters, digits, - _ ."
# a command's help in one language: Spanish by default, English with --lang en
expect_status 0 nolang "$OBSERVA" indicators --help
expect_grep "$T/out" "uso: observa indicators"
grep -q "usage:" "$T/out" && fail "English in the default help"
expect_status 0 nolang "$OBSERVA" --lang en indicators --help
expect_grep "$T/out" "usage: observa indicators"
expect_grep "$T/out" "--vintage DATE     every period in the territorial units in force on DATE"
grep -q "uso:" "$T/out" && fail "Spanish in the help with --lang en"
grep -q "unidades" "$T/out" && fail "a Spanish line in the help with --lang en"
expect_status 0 nolang env OBSERVA_LANG=en "$OBSERVA" stats rate -h
expect_grep "$T/out" "usage: observa stats rate"
expect_grep "$T/out" "--lang es|en           language of verdicts and flags"
grep -q "uso:" "$T/out" && fail "Spanish in the stats help with OBSERVA_LANG=en"
# the list of commands: each command's summary in the language in force
expect_status 0 nolang "$OBSERVA" --help
expect_grep "$T/out" "uso: observa"
expect_grep "$T/out" "  index        índice de priorización territorial"
grep -q "usage:\|prioritization index" "$T/out" && fail "English in the default command list"
expect_status 0 nolang "$OBSERVA" --lang en --help
grep -q "uso:\|índice\|crea un observatorio\| / " "$T/out" && fail "Spanish in the command list with --lang en"
expect_grep "$T/out" "usage: observa"
expect_grep "$T/out" "  init         create an observatory"
expect_grep "$T/out" "  index        territorial prioritization index"
