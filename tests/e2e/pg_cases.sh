# pg_cases.sh - e2e/cases.sh on a store on PostgreSQL: the same cases,
# refusals, deadlines, alerts, append-only history and audit entries. Run
# by scripts/pg-test-cluster (OBSERVA_PG_URL), through run.sh.
: "${OBSERVA_PG_URL:?run under scripts/pg-test-cluster}"
CASES_PG=1
. "$(dirname "$0")/cases.sh"
