#!/bin/sh
# The store is the one module that talks to the database (docs/architecture.md):
# no file outside src/store may name SQLite or hand the store SQL of its own
# (ob_store_db, ob_store_prepare, ob_store_exec), nor include sqlite3.h or the
# store's internal headers (store/store_int.h, store/db.h), except those still
# listed in store_boundary.allow (empty now that every statement lives in
# src/store).
# Tests reach raw SQL only through tests/unit/store_sql.h, and say why.
# Fails when a file outside the list names SQLite (a new leak) and when a
# listed file no longer does (the list must shrink with the work).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
now=$(mktemp)
trap 'rm -f "$now"' EXIT
# SQLite by name, raw SQL through the store's own handle and statements, or
# the store's internal headers (store_int.h, and db.h, its database layer)
grep -rlE 'sqlite3|ob_store_(db|prepare|exec)\(|store_int\.h|store/db\.h' src fuzz --include='*.c' --include='*.h' |
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
# the public header names no database: whoever includes store.h sees none
if grep -nE '#include [<"](sqlite3\.h|store/store_int\.h)|sqlite3(_[a-z]+)? \*' src/store/store.h >&2; then
	echo "store_boundary: src/store/store.h names SQLite or the internal header" >&2
	status=1
fi
# tests: the internal header never; sqlite3.h only in the test-only header
for f in $(grep -rlE '#include [<"](sqlite3\.h|store/store_int\.h)[>"]' tests --include='*.c' --include='*.h' |
	grep -v '^tests/unit/store_sql\.h$' || true); do
	echo "store_boundary: $f includes sqlite3.h or store/store_int.h (use tests/unit/store_sql.h and say why)" >&2
	status=1
done
echo "store_boundary: $(wc -l <"$now") files outside src/store still name SQLite"
exit $status
