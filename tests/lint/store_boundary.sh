#!/bin/sh
# The store is the one module that talks to the database (docs/architecture.md):
# no file outside src/store may name SQLite, except those still listed in
# store_boundary.allow, the files whose SQL has yet to move into src/store.
# Fails when a file outside the list names SQLite (a new leak) and when a
# listed file no longer does (the list must shrink with the work).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
now=$(mktemp)
trap 'rm -f "$now"' EXIT
grep -rl 'sqlite3' src --include='*.c' --include='*.h' | grep -v '^src/store/' | LC_ALL=C sort >"$now" || true
allow="$here/store_boundary.allow"
status=0
for f in $(LC_ALL=C comm -23 "$now" "$allow"); do
	echo "store_boundary: $f names SQLite outside src/store (move its SQL into src/store)" >&2
	status=1
done
for f in $(LC_ALL=C comm -13 "$now" "$allow"); do
	echo "store_boundary: $f no longer names SQLite: remove it from tests/lint/store_boundary.allow" >&2
	status=1
done
echo "store_boundary: $(wc -l <"$now") files outside src/store still name SQLite"
exit $status
