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

# sql DIR QUERY : run a query on an observatory's store, in its file or, when
# DIR has a store.url, on PostgreSQL through psql (the same output: one row a
# line, columns separated by |, NULL as nothing).
sql() {
	if [ -f "$1/store.url" ]; then
		"$OBSERVA_PG_BINDIR/psql" -X -A -t -q -v ON_ERROR_STOP=1 -d "$(cat "$1/store.url")" -c "$2"
	else
		# wait out a writer (a server finishing a request) rather than fail
		sqlite3 -batch -noheader -cmd '.timeout 10000' "$1/observa.db" "$2"
	fi
}

# The tests' observatories are on SQLite, or on PostgreSQL when
# OBSERVA_TEST_STORE=postgresql (run under scripts/pg-test-cluster, which sets
# OBSERVA_PG_URL): init_obs and fixture_demo then give each observatory a new
# database of the test's cluster. A script that reads the store's file itself
# runs on SQLite only (tests/meson.build lists the others).
on_pg() {
	[ "${OBSERVA_TEST_STORE:-sqlite}" = postgresql ]
}

# new_store : print the address of a new, empty database of the test's cluster.
new_store() {
	: "${OBSERVA_PG_URL:?run under scripts/pg-test-cluster}"
	pg_n=$(($(cat "$T/.pg_n" 2>/dev/null || echo 0) + 1))
	echo "$pg_n" >"$T/.pg_n"
	# named after the test's directory: scripts may share a cluster (each.sh)
	pg_db=obs_$(basename "$T" | tr -c -d 'A-Za-z0-9')_$pg_n
	"$OBSERVA_PG_BINDIR/createdb" -h "$OBSERVA_PG_DIR" -U observa "$pg_db" >&2 ||
		fail "createdb $pg_db"
	printf '%s\n' "$OBSERVA_PG_URL" | sed "s|^postgresql:///[^?]*|postgresql:///$pg_db|"
}

# init_obs [-q] DIR [ARGS...] : "observa init [-q] DIR ARGS" on the test's
# database (see on_pg), its output in $T/out and $T/err; fails unless it
# exits 0. Without ARGS, DIR is a copy of one new observatory made by init
# once for every test of the binary (fixture_init), as a copy is much
# quicker than loading the catalogue again (seconds under the sanitizers);
# with -q, $T/out is then empty, as init -q prints nothing there.
init_obs() {
	io_q=
	if [ "${1:-}" = -q ] && [ $# = 2 ]; then
		io_q=1
		shift
	fi
	if [ $# = 1 ]; then
		fixture_init "$1"
		[ -z "$io_q" ] || : >"$T/out"
	elif on_pg; then
		io_url=$(new_store)
		expect_status 0 "$OBSERVA" init --store "$io_url" "$@"
	else
		expect_status 0 "$OBSERVA" init "$@"
	fi
}

# fixture_init DIR : DIR a copy of a new observatory made by "observa init"
# (on PostgreSQL "observa init --store", a database of the cluster) once
# for every test that asks, as fixture_demo.
fixture_init() {
	fx_base
	fx_make "$fx/init" "" init
	fx_copy "$fx/init" "$1" || fail "the copy of the fixture init failed"
	cp "$fx/init.out" "$T/out"
	cp "$fx/init.err" "$T/err"
}

# drop_shown_names NAMES URL : leave out of the file NAMES (one name a line,
# searched for in public answers) every name that is part of a name the
# demo's missing-person reports publish at URL (the server's base): the demo
# draws victims and missing persons from one pool of names, and a victim's
# "Given Surname" inside a missing person's published name is not the
# victim's record leaking.
drop_shown_names() {
	curl -s "$2/api/v1/missing?limit=1000" | jq -r '.data[].name // empty' >"$T/shown_names"
	python3 - "$1" "$T/shown_names" <<'PY'
import sys
shown = [l.strip().lower() for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
names = [l for l in open(sys.argv[1], encoding="utf-8")
         if not any(l.strip().lower() in s for s in shown)]
open(sys.argv[1], "w", encoding="utf-8").writelines(names)
PY
}

# start_server DIR [ARGS...] : start "observa serve" on DIR on a free port of
# the loopback, its stderr in $T/serve.err, and wait until it announces its
# address. Sets PID, PORT and B (http://127.0.0.1:PORT); the server is
# stopped (SIGTERM) and $T removed when the script exits.
start_server() {
	dir=$1
	shift
	# emptied here, not only by the child's redirection: the child opens the
	# file after the fork, and until it does a previous server's address
	# in the file would be taken for this one's
	: >"$T/serve.err"
	# without the warmer (src/http/server_warm.c), which prepares some eighty
	# pages at start and at every change of the store: the tests ask for a
	# few, and the pages it prepares are the ones rendered on request
	# (serve_warm.sh shows it, with SERVE_WARM=1)
	if [ "${SERVE_WARM:-0}" = 1 ]; then
		"$OBSERVA" serve -d "$dir" --port 0 --bind 127.0.0.1 "$@" 2>"$T/serve.err" &
	else
		"$OBSERVA" serve -d "$dir" --port 0 --bind 127.0.0.1 --no-warm "$@" \
			2>"$T/serve.err" &
	fi
	PID=$!
	trap 'kill -TERM "$PID" 2>/dev/null || true; rm -rf "$T"' EXIT
	wait_for "$T/serve.err" 'http://127.0.0.1:[1-9][0-9]*/api/v1/ ' "the server did not start" "$PID"
	# bytewise (LC_ALL=C, -a): another thread's message on the same stream
	# must not hide the address from a UTF-8 regular expression
	PORT=$(LC_ALL=C grep -a -o 'http://127.0.0.1:[1-9][0-9]*/api/v1/ ' "$T/serve.err" |
		head -n 1 | LC_ALL=C sed 's|^http://127.0.0.1:||; s|/.*||')
	[ "${PORT:-0}" -gt 0 ] || { cat -v "$T/serve.err" >&2; fail "no port announced"; }
	B="http://127.0.0.1:$PORT"
}

# wait_for FILE PATTERN WHAT [PID] : wait up to 30 s for FILE to match the
# basic regular expression PATTERN; fail with WHAT otherwise, or at once when
# process PID (if given) has exited.
wait_for() {
	i=0
	while ! grep -q -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 300 ] || { cat "$1" >&2; fail "$3"; }
		[ -z "${4:-}" ] || kill -0 "$4" 2>/dev/null || { cat "$1" >&2; fail "$3 (exited)"; }
		sleep 0.1
	done
}

# fx_source DIR : a test source in observatory DIR, homicides examined by
# forensic medicine in El Salvador (sv-fx: Id;Fecha;Municipio;Departamento;
# Delito, dd/mm/yyyy), which the situation and alert tests deliver.
fx_source() {
	cat >"$1/catalog/sources/sv-fx.ini" <<'EOF'
# homicides examined by forensic medicine (a test source)
[source]
code = sv-fx
name = Medicina forense de prueba
country = SV
institution = forensic
period = year
[file]
dates = dmy
[columns]
source_id = Id
occurred_on = Fecha
territory = Municipio
territory_parent = Departamento
category = Delito
[crosswalks]
category = sv-delito
EOF
}

# fixture_demo DIR SCALE [YEARS [COUNTRIES]] : make DIR the test's own copy
# of the demo observatory of SCALE ("observa demo DIR --scale SCALE"), of
# COUNTRIES only when given ("--country SV,GT"), published for YEARS when
# given and not empty ("observa publish --year YEARS"). Each is built once per
# binary, under a lock, in $OBSERVA_FIXTURES/<the binary's hash>/ (meson sets
# it to the build directory's test-fixtures/) for every test that asks for
# the same one, and never changed afterwards: tests change their copy only.
# On PostgreSQL (on_pg) the fixtures are the cluster's, in databases of their
# own, and a test's copy gets a copy of the database (fx_copy).
# A failure to build it fails the test; $T/out and $T/err are what the last
# command printed when it was built, as after expect_status.
fixture_demo() {
	fx_base
	if [ -n "${4:-}" ]; then
		fx_make "$fx/demo-$2-$4" "" demo --scale "$2" --country "$4"
		fx="$fx/demo-$2-$4"
	else
		fx_make "$fx/demo-$2" "" demo --scale "$2"
		fx="$fx/demo-$2"
	fi
	if [ -n "${3:-}" ]; then
		fx_make "$fx-pub-$3" "$fx" publish --year "$3"
		fx="$fx-pub-$3"
	fi
	fx_copy "$fx" "$1" || fail "the copy of the fixture $(basename "$fx") failed"
	cp "$fx.out" "$T/out"
	cp "$fx.err" "$T/err"
}

# fx_base : $fx, the directory of the fixtures of the binary under test
# (made if new; those of older binaries removed).
fx_base() {
	fx_key=$(sha256sum <"$OBSERVA" | cut -c 1-16)
	fx_root=${OBSERVA_FIXTURES:-$T/fixtures}
	# on PostgreSQL, for the tests of one cluster (whose databases they are)
	! on_pg || fx_root=$OBSERVA_PG_DIR/fixtures
	fx=$fx_root/$fx_key
	if [ ! -d "$fx" ]; then
		mkdir -p "$fx"
		# the fixtures of older binaries
		for fx_old in "$fx_root"/*; do
			[ "$fx_old" = "$fx" ] || rm -rf "$fx_old"
		done
	fi
}

# fx_copy FROM TO : copy the observatory FROM to TO; one on PostgreSQL gets a
# copy of its database (FROM's as the template: a copy of its files, which
# needs nobody connected to it) and TO/store.url names that copy.
fx_copy() {
	cp -a "$1" "$2" || return 1
	[ -f "$2/store.url" ] || return 0
	fc_from=$(cat "$1/store.url")
	fc_db=${fc_from#postgresql:///}
	fc_db=${fc_db%%\?*}
	fc_url=$(new_store) || return 1
	fc_new=${fc_url#postgresql:///}
	fc_new=${fc_new%%\?*}
	"$OBSERVA_PG_BINDIR/dropdb" -h "$OBSERVA_PG_DIR" -U observa "$fc_new" &&
		"$OBSERVA_PG_BINDIR/createdb" -h "$OBSERVA_PG_DIR" -U observa -T "$fc_db" "$fc_new" &&
		printf '%s\n' "$fc_url" >"$2/store.url"
}

# fx_make DIR FROM CMD ARGS... : unless already done, build the fixture DIR:
# "observa CMD DIR ARGS" (demo) or, from a copy of FROM, "observa CMD -d DIR
# ARGS"; what it prints goes to DIR.out and DIR.err.
fx_make() {
	(
		flock 9
		[ ! -e "$1.done" ] || exit 0
		fx_dir=$1 fx_from=$2 fx_cmd=$3
		shift 3
		rm -rf "$fx_dir"
		if [ -z "$fx_from" ]; then
			! on_pg || set -- "$@" --store "$(new_store)"
			"$OBSERVA" "$fx_cmd" "$fx_dir" "$@" >"$fx_dir.out" 2>"$fx_dir.err"
		else
			fx_copy "$fx_from" "$fx_dir" &&
				"$OBSERVA" "$fx_cmd" -d "$fx_dir" "$@" >"$fx_dir.out" 2>"$fx_dir.err"
		fi || { cat "$fx_dir.out" "$fx_dir.err" >&2; rm -rf "$fx_dir"; exit 1; }
		touch "$fx_dir.done"
	) 9>"$1.lock" || fail "the fixture $(basename "$1") could not be built"
}
