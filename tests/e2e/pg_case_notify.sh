# pg_case_notify.sh - e2e/case_notify.sh on a store on PostgreSQL: the
# outbox written with each change, alerts told once, retries, a failed
# delivery and a notifier killed mid-delivery losing nothing. Run by
# scripts/pg-test-cluster (OBSERVA_PG_URL), through run.sh.
: "${OBSERVA_PG_URL:?run under scripts/pg-test-cluster}"
CASES_PG=1
. "$(dirname "$0")/case_notify.sh"
