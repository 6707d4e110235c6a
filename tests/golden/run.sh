#!/bin/sh
# run.sh - golden tests: run every tests/golden/*.test (or the ones named)
# against one small seeded demo observatory and compare what each command
# prints with what the file says it printed.
#
# A .test file reads like a terminal session (the format of cram):
#
#   Prose lines say what is checked and why.
#     $ observa analyze -d $DEMO --rows country --where "year=2020"
#     country  Total
#     ...
#     [1]
#
# A line indented by two spaces and starting with "$ " is a command; the
# indented lines after it are what it prints (stdout and stderr together);
# "[N]" is its exit status when not 0. Other lines are prose and are kept.
# Each command runs in /bin/sh in the test's own working directory (kept
# between the commands of one file) with:
#   observa   the binary under test
#   $DEMO     the demo observatory: scale 0.02, seed 1, reconciled for 2020,
#             release v1 for 2020 (read it, never change it: copy it first
#             with "cp -r $DEMO here" to change things)
#   $DATA     tests/data
#   get PATH [FILTER]
#             GET http://server/PATH from "observa serve" on $DEMO; prints
#             the status and content type, then the body (JSON through jq
#             and its FILTER)
# What a command prints passes through normalise.sed (timestamps, durations,
# ports) and has the temporary directory written <tmp>, tests/data <data>
# and the user running the tests <user>.
#
#   run.sh [--update] [NAME...]   --update rewrites the files with what the
#                                 commands print now: review the diff.
# Environment: OBSERVA (the binary), OBSERVA_TESTDATA (tests/data).
# Messages are in Spanish, the default, whatever the locale of the machine
# (OBSERVA_LANG, base/log.h); a test wanting English says --lang en.
set -eu
OBSERVA_LANG=es
export OBSERVA_LANG

here=$(cd "$(dirname "$0")" && pwd)
update=0
if [ "${1:-}" = "--update" ]; then
	update=1
	shift
fi
[ "${OBSERVA_GOLDEN_UPDATE:-0}" = 1 ] && update=1
: "${OBSERVA:?OBSERVA must name the observa binary}"
DATA=${OBSERVA_TESTDATA:-$here/../data}
G=$(mktemp -d "${TMPDIR:-/tmp}/observa-golden.XXXXXX")
PID=
cleanup() {
	[ -z "$PID" ] || kill -TERM "$PID" 2>/dev/null || true
	rm -rf "$G"
}
trap cleanup EXIT INT TERM

# Commands the tests call by name.
mkdir -p "$G/bin"
cat >"$G/bin/observa" <<EOS
#!/bin/sh
exec "$OBSERVA" "\$@"
EOS
cat >"$G/bin/get" <<'EOS'
#!/bin/sh
# get PATH [FILTER]: status, content type, body (JSON pretty-printed by
# jq, through FILTER when given).
set -eu
out=$(mktemp)
code=$(curl -s -o "$out" -w '%{http_code} %{content_type}' "$B$1")
echo "$code"
case "$code" in
*json*) jq -S "${2:-.}" "$out" 2>/dev/null || cat "$out" ;;
*) cat "$out" ;;
esac
rm -f "$out"
EOS
chmod +x "$G/bin/observa" "$G/bin/get"

# The fixture: a small seeded demo, reconciled and published.
echo "golden: demo (scale 0.02, seed 1)" >&2
DEMO=$G/demo
"$OBSERVA" demo "$DEMO" --scale 0.02 --seed 1 >"$G/fixture.log" 2>&1 ||
	{ cat "$G/fixture.log" >&2; exit 1; }
"$OBSERVA" reconcile -d "$DEMO" --period 2020 --quiet >>"$G/fixture.log" 2>&1 ||
	{ cat "$G/fixture.log" >&2; exit 1; }
"$OBSERVA" publish -d "$DEMO" --year 2020 --quiet >>"$G/fixture.log" 2>&1 ||
	{ cat "$G/fixture.log" >&2; exit 1; }
# --no-warm: the portal's pages are not prepared in the background, which
# took a fifth of this test's CPU time under the sanitizers while the
# commands ran; what api.test asks is answered with the same bytes either
# way (a prepared page is the bytes a cold one is: tests/e2e/serve_warm.sh)
"$OBSERVA" serve -d "$DEMO" --port 0 --bind 127.0.0.1 --no-warm 2>"$G/serve.err" &
PID=$!
i=0
while ! grep -q 'http://127.0.0.1:[0-9]*/api/v1/' "$G/serve.err" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -ge 300 ] || ! kill -0 "$PID" 2>/dev/null; then
		cat "$G/serve.err" >&2
		echo "golden: the server did not start" >&2
		exit 1
	fi
	sleep 0.1
done
PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/api/v1/.*|\1|p' "$G/serve.err" | head -n 1)
B="http://127.0.0.1:$PORT"
DATA=$(cd "$DATA" && pwd)
me=$(id -un)
export DEMO DATA B
PATH="$G/bin:$PATH"
export PATH

# run_file TEST OUT: write to OUT the file TEST with each command's output
# replaced by what it prints now.
run_file() {
	w=$G/work/$(basename "$1" .test)
	mkdir -p "$w"
	: >"$2"
	in_output=0
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		'  $ '*)
			printf '%s\n' "$line" >>"$2"
			cmd=${line#  \$ }
			set +e
			(cd "$w" && sh -c "$cmd") >"$G/cmd.out" 2>&1 </dev/null
			status=$?
			set -e
			sed -f "$here/normalise.sed" -e "s|$G|<tmp>|g" -e "s|$DATA|<data>|g" \
				-e "s|cli:$me\b|cli:<user>|g" "$G/cmd.out" |
				sed 's/^/  /; s/^  $/ /' >>"$2"
			[ "$status" -eq 0 ] || printf '  [%s]\n' "$status" >>"$2"
			in_output=1
			;;
		'  '*|' ')
			# expected output of the command above: replaced
			[ "$in_output" = 1 ] || printf '%s\n' "$line" >>"$2"
			;;
		*)
			in_output=0
			printf '%s\n' "$line" >>"$2"
			;;
		esac
	done <"$1"
}

if [ $# -gt 0 ]; then
	tests=
	for n in "$@"; do tests="$tests $here/${n%.test}.test"; done
else
	tests=$(ls "$here"/*.test)
fi

failed=0
total=0
for t in $tests; do
	total=$((total + 1))
	name=$(basename "$t" .test)
	run_file "$t" "$G/$name.actual"
	if ! cmp -s "$t" "$G/$name.actual"; then
		if [ "$update" = 1 ]; then
			cp "$G/$name.actual" "$t"
			echo "golden: $name updated" >&2
		else
			failed=$((failed + 1))
			echo "FAIL golden $name" >&2
			diff -u "$t" "$G/$name.actual" | sed "s|$G/$name.actual|$name (now)|" >&2 || true
		fi
	fi
done
if [ "$failed" -gt 0 ]; then
	echo "golden: $failed of $total files differ (run with --update to accept, then review git diff)" >&2
	exit 1
fi
echo "ok golden: $total files"
