/*
 * case_open.sql.h - the rows of case_open (migration 19, store/cases.h)
 * as SQL computes them from a case's row, current values and history, in
 * SQLite's text and in PostgreSQL's: what the migration fills and what
 * ob_store_case_open_sync() writes again after every change of a case.
 *
 * Columns: case id, type, state, opened (seconds since the epoch), unit,
 * entered (each state the case entered with the last time it entered it,
 * "STATE SECONDS" pairs separated by spaces, by the last entry, so the
 * current state comes last), vals (every current value as "FIELD LENGTH
 * VALUE", LENGTH its bytes, separated by spaces, or "FIELD +" for a value
 * longer than 200 bytes, for which a reader that needs it loads the
 * cases whole). where ends the statement (" WHERE c.id = ?1").
 */
#ifndef OB_STORE_CASE_OPEN_SQL_H
#define OB_STORE_CASE_OPEN_SQL_H

#define OB_CASE_OPEN_COLUMNS "case_id, type, state, opened, unit, entered, vals"

#define OB_CASE_OPEN_ROWS_SQLITE(where)                                                  \
	"SELECT c.id, c.type, c.state, coalesce(unixepoch(c.opened_at), 0), c.unit,"                  \
	" coalesce((SELECT group_concat(x.s, ' ') FROM (SELECT e.state_to || ' ' ||"     \
	" unixepoch(max(e.at)) AS s, max(e.seq) AS q FROM case_event e"                  \
	" WHERE e.case_id = c.id GROUP BY e.state_to ORDER BY q) AS x), ''),"            \
	" coalesce((SELECT group_concat(y.s, ' ') FROM (SELECT v.field ||"               \
	" CASE WHEN length(CAST(v.value AS BLOB)) > 200 THEN ' +'"                       \
	" ELSE ' ' || length(CAST(v.value AS BLOB)) || ' ' || v.value END AS s,"         \
	" v.field AS f FROM case_value v WHERE v.case_id = c.id ORDER BY f) AS y), '')"  \
	" FROM case_file c" where

#define OB_CASE_OPEN_ROWS_PG(where)                                                      \
	"SELECT c.id, c.type, c.state, extract(epoch FROM c.opened_at::timestamptz)::bigint," \
	" c.unit,"                                                                       \
	" coalesce((SELECT string_agg(x.s, ' ' ORDER BY x.q) FROM (SELECT e.state_to"    \
	" || ' ' || extract(epoch FROM max(e.at)::timestamptz)::bigint AS s,"            \
	" max(e.seq) AS q FROM case_event e"                                             \
	" WHERE e.case_id = c.id GROUP BY e.state_to) AS x), ''),"                       \
	" coalesce((SELECT string_agg(y.s, ' ' ORDER BY y.f) FROM (SELECT v.field ||"    \
	" CASE WHEN octet_length(v.value) > 200 THEN ' +'"                               \
	" ELSE ' ' || octet_length(v.value) || ' ' || v.value END AS s,"                 \
	" v.field AS f FROM case_value v WHERE v.case_id = c.id) AS y), '')"             \
	" FROM case_file c" where

#endif
