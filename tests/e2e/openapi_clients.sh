# openapi_clients.sh - the OpenAPI document of "observa serve" read by
# standard tools: linted by @redocly/cli with no error, then a client
# generated from it (tests/clients/openapi/client.mjs) calls every public
# GET operation on a small published demo and validates each answer against
# the operation's response schema (Ajv). Needs Node.js and the npm packages
# of tests/clients/openapi ("scripts/bootstrap --check" installs them): a
# missing tool fails the test.
export LC_ALL=C.UTF-8
C=$(cd "$OBSERVA_TESTDATA/../clients/openapi" && pwd)
command -v node >/dev/null 2>&1 || fail "node is missing (scripts/bootstrap --check)"
[ -x "$C/node_modules/.bin/redocly" ] && [ -d "$C/node_modules/ajv" ] ||
	fail "the npm packages of $C are missing (scripts/bootstrap --check)"

fixture_demo "$T/obs" 0.01 2024
start_server "$T/obs" --threads 2

code=$(curl -s -o "$T/openapi.json" -w '%{http_code}' "$B/api/v1/openapi.json") ||
	fail "curl openapi.json"
[ "$code" = 200 ] || fail "openapi.json: status $code"
# 0 errors (the linter's exit status); its report stays for the log
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	"$C/node_modules/.bin/redocly" lint --format=stylish "$T/openapi.json" >"$T/lint" 2>&1 ||
	{ cat "$T/lint" >&2; fail "the OpenAPI document does not lint"; }
(cd "$C" && node client.mjs "$B") >"$T/client" 2>&1 ||
	{ cat "$T/client" >&2; fail "the generated client found mismatches"; }
cat "$T/client"
