#!/bin/sh
# each.sh - run several end-to-end scripts one after the other, each through
# run.sh in its own temporary directory, in one environment. Under
# scripts/pg-test-cluster they share its one throwaway cluster, started once
# instead of once a script: each script gets a database of its own as
# OBSERVA_PG_URL (and e2e/lib.sh a new one for each observatory it makes).
# Every script runs and its seconds are printed; the ones that failed are
# named at the end, and the status is 1 if any did.
#
#   each.sh SCRIPT...
set -u
here=$(dirname "$0")
base_url=${OBSERVA_PG_URL:-}
failed=""
k=0
for script in "$@"; do
	k=$((k + 1))
	name=$(basename "$script" .sh)
	if [ -n "$base_url" ]; then
		"$OBSERVA_PG_BINDIR/createdb" -h "$OBSERVA_PG_DIR" -U observa "each$k" ||
			{ failed="$failed $name"; continue; }
		OBSERVA_PG_URL=$(printf '%s\n' "$base_url" | sed "s|^postgresql:///[^?]*|postgresql:///each$k|")
		export OBSERVA_PG_URL
	fi
	start=$(date +%s)
	if "$here/run.sh" "$script"; then
		echo "$name: $(($(date +%s) - start)) s"
	else
		echo "$name: FAILED after $(($(date +%s) - start)) s"
		failed="$failed $name"
	fi
done
[ -z "$failed" ] || { echo "FAIL:$failed" >&2; exit 1; }
