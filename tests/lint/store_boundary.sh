#!/bin/sh
# The store is the one module that talks to the database (docs/architecture.md):
# no file outside src/store may name SQLite or hand the store SQL of its own
# (ob_store_db, ob_store_prepare, ob_store_exec), except those still listed in
# store_boundary.allow, the files whose SQL has yet to move into src/store.
# Fails when a file outside the list names SQLite (a new leak) and when a
# listed file no longer does (the list must shrink with the work).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
now=$(mktemp)
trap 'rm -f "$now"' EXIT
# SQLite by name, or raw SQL through the store's own handle and statements
grep -rlE 'sqlite3|ob_store_(db|prepare|exec)\(' src --include='*.c' --include='*.h' |
	grep -v '^src/store/' | LC_ALL=C sort >"$now" || true
allow="$here/store_boundary.allow"
status=0
for f in $(LC_ALL=C comm -23 "$now" "$allow"); do
	echo "store_boundary: $f names SQLite or gives the store SQL outside src/store (move its SQL into src/store)" >&2
	status=1
done
for f in $(LC_ALL=C comm -13 "$now" "$allow"); do
	echo "store_boundary: $f no longer names SQLite: remove it from tests/lint/store_boundary.allow" >&2
	status=1
done
echo "store_boundary: $(wc -l <"$now") files outside src/store still name SQLite"
exit $status
