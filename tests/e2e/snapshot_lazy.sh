# snapshot_lazy.sh - "observa analyze" opens the snapshot without reading its
# columns and checks each block of a column when a query first reads it.
# A damaged column is refused, naming it, by the queries that read it record
# by record, while a query that does not read it (or takes what it needs
# from the runs or the pre-aggregates) answers as before; the commands that check
# the file whole refuse it and rebuild it, the server too. Damage to what the file stores as
# derived from its columns (the unit index) is refused at open, and the
# snapshot rebuilt, with the same answers.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.01
O="$T/obs"
F="$O/snapshot/records.obs"
"$OBSERVA" snapshot -q -d "$O"
"$OBSERVA" analyze -q -d "$O" --rows sex --records --format csv >"$T/sex.csv"
"$OBSERVA" analyze -q -d "$O" --rows year --cols country --format csv >"$T/year.csv"
[ -s "$T/year.csv" ] || fail "no answer by year"

# section S of the header: its offset and count (160-byte header, then 32
# bytes a section: id, element size, offset, count, checksum)
section() {
	od -A n -t u8 -j $((160 + $1 * 32 + 8)) -N 16 "$F" | tr -s ' ' ' '
}
damage() { # damage OFFSET: one byte changed
	b=$(od -A n -t u1 -j "$1" -N 1 "$F" | tr -d ' ')
	printf "\\$(printf '%03o' $(((b + 1) % 256)))" |
		dd of="$F" bs=1 seek="$1" conv=notrunc 2>/dev/null
}

# the month column (section 14): a byte in its middle
set -- $(section 14)
damage $(($1 + $2 / 2))
expect_status 0 "$OBSERVA" analyze -d "$O" --rows sex --records --format csv
cmp -s "$T/out" "$T/sex.csv" || fail "a query that reads no month answers otherwise"
expect_status 1 "$OBSERVA" analyze -d "$O" --rows admin1 --cols month --records --format csv
expect_grep "$T/err" "instantánea dañada"
expect_grep "$T/err" "«month»"
# by year and source, the runs answer: no column is read record by record
expect_status 0 "$OBSERVA" analyze -d "$O" --rows year --cols source --records --format csv
# the counting rule reads the month (periods of validated deaths)
expect_status 1 "$OBSERVA" analyze -d "$O" --lang en --rows year --cols country --format csv
expect_grep "$T/err" "damaged snapshot"
# so does the server, which merges it for the routes that read columns,
# and then answers
cp "$F" "$T/damaged.obs"
start_server "$O"
code=$(curl -s -o "$T/api.csv" -w '%{http_code}' "$B/api/v1/analyze?rows=admin1&cols=month&format=csv")
[ "$code" = 200 ] || fail "the server answered $code on a damaged snapshot"
expect_grep "$T/serve.err" "dañada"
kill -TERM "$PID" && wait "$PID" || true
cp "$T/damaged.obs" "$F"
# a command that reads the file whole refuses it and rebuilds it
expect_status 0 "$OBSERVA" indicators -d "$O" --country SLV --period 2020 --format csv
expect_grep "$T/err" "dañada"
expect_status 0 "$OBSERVA" analyze -d "$O" --rows year --cols country --format csv
cmp -s "$T/out" "$T/year.csv" || fail "the rebuilt snapshot answers otherwise"

# the stored unit index (section 29): refused at open, rebuilt
set -- $(section 29)
damage $(($1 + 8))
expect_status 0 "$OBSERVA" analyze -d "$O" --rows year --cols country --format csv
expect_grep "$T/err" "dañada"
cmp -s "$T/out" "$T/year.csv" || fail "after a damaged unit index, answers differ"
"$OBSERVA" analyze -d "$O" --rows year --cols country --format csv >"$T/again.csv" 2>"$T/err2"
[ ! -s "$T/err2" ] || fail "the rebuilt snapshot is refused again: $(cat "$T/err2")"

# a file of the previous format: refused with a message, rebuilt
printf '\004' | dd of="$F" bs=1 seek=8 conv=notrunc 2>/dev/null
expect_status 0 "$OBSERVA" analyze -d "$O" --rows year --cols country --format csv
expect_grep "$T/err" "formato 4"
cmp -s "$T/out" "$T/year.csv" || fail "after a file of format 4, answers differ"
