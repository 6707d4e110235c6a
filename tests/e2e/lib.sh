# lib.sh - helpers for end-to-end tests (sourced by run.sh).

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_status N CMD... : run CMD, capture stdout/stderr in $T/out $T/err,
# and fail unless it exits with N.
expect_status() {
	want=$1
	shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout" >&2; cat "$T/out" >&2
		echo "--- stderr" >&2; cat "$T/err" >&2
		fail "$* exited $got, expected $want"
	fi
}

# expect_grep FILE PATTERN : FILE must contain PATTERN (fixed string).
expect_grep() {
	grep -F -q -- "$2" "$1" || { cat "$1" >&2; fail "$1 lacks «$2»"; }
}

# sql DIR QUERY : run a query on an observatory's store.
sql() {
	sqlite3 -batch -noheader "$1/observa.db" "$2"
}
