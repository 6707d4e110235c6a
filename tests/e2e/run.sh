#!/bin/sh
# run.sh - run one end-to-end test script in a fresh temporary directory.
# The script gets $OBSERVA (the binary), $OBSERVA_TESTDATA and $T (its own
# scratch directory, removed afterwards) and the helpers in lib.sh.
# Messages are in Spanish, the default, whatever the locale of the machine
# (OBSERVA_LANG, base/log.h); e2e/lang.sh checks the choice of language.
set -eu
OBSERVA_LANG=es
export OBSERVA_LANG
script=$1
T=$(mktemp -d "${TMPDIR:-/tmp}/observa-e2e.XXXXXX")
export T
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"
. "$script"
echo "ok $(basename "$script")"
