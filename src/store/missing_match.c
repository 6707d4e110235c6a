/* missing_match.c - the bodies read for matching and the candidate matches
 * of missing persons (see missing_match.h), on SQLite and PostgreSQL: one
 * text of every statement serves both. */
#include "store/missing_match.h"
#include "store/store_int.h"

#include <math.h>

static const char what_match[] = "coincidencias de desaparecidos (missing_match)";

int ob_store_bodies_each(struct ob_store *s, const char *country, const char *since,
                         int (*each)(void *arg, const struct ob_store_body *b), void *arg,
                         struct ob_diag *d)
{
	static const char *sql =
		"SELECT r.id, r.source, r.source_id, r.occurred_on, r.territory, t.parent,"
		" r.victim_sex, p.names, p.document, r.victim_age_min, r.victim_age_max, r.lat, r.lon,"
		" s.fields"
		" FROM record r JOIN submission s ON s.id = r.submission"
		" LEFT JOIN territory t ON t.code = r.territory"
		" LEFT JOIN protected p ON p.record = r.id"
		" WHERE s.superseded_by IS NULL AND s.institution = 'forensic' AND s.aggregate = 0"
		" AND s.country = ?1 AND r.occurred_on IS NOT NULL"
		" AND (r.occurred_on >= ?2 OR ?2 IS NULL)"
		" AND NOT EXISTS (SELECT 1 FROM missing_match m WHERE m.source = r.source"
		"  AND m.source_id = r.source_id AND m.status = 'confirmed')"
		" ORDER BY r.source, r.occurred_on, r.id";
	struct ob_db_stmt *q = NULL;
	int rc, stop = 0;

	if (ob_store_sql(s, sql, &q, d))
		return -1;
	ob_db_bind_str(q, 1, country);
	ob_db_bind_str(q, 2, since);
	while (!stop && (rc = ob_db_step(q)) == OB_DB_ROW) {
		struct ob_store_body b = {
			.id = ob_db_column_int64(q, 0),
			.source = ob_db_column_text(q, 1),
			.source_id = ob_db_column_text(q, 2),
			.occurred_on = ob_db_column_text(q, 3),
			.territory = ob_db_column_text(q, 4),
			.admin1 = ob_db_column_text(q, 5),
			.sex = ob_db_column_text(q, 6),
			.names = ob_db_column_text(q, 7),
			.document = ob_db_column_text(q, 8),
			.age_min = ob_db_column_type(q, 9) == OB_STORE_NULL ? -1 : ob_db_column_int(q, 9),
			.age_max = ob_db_column_type(q, 10) == OB_STORE_NULL ? -1
			                                                     : ob_db_column_int(q, 10),
			.lat = ob_db_column_type(q, 11) == OB_STORE_NULL ? NAN : ob_db_column_double(q, 11),
			.lon = ob_db_column_type(q, 12) == OB_STORE_NULL ? NAN : ob_db_column_double(q, 12),
			.fields = ob_db_column_type(q, 13) == OB_STORE_NULL ? -1 : ob_db_column_int64(q, 13),
		};
		stop = each(arg, &b);
	}
	return ob_store_sql_end(s, q, rc, stop, "registros forenses (forensic records)", d);
}

ob_err ob_store_match_add(struct ob_store *s, const struct ob_store_match *m, bool *added,
                          struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e = OB_OK;

	*added = false;
	if ((e = ob_store_sql(s, "INSERT INTO missing_match(case_id, source, source_id, record,"
	                         " found_on, territory, sex, age_min, age_max, score, explanation,"
	                         " status, created_at)"
	                         " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', ?12)"
	                         " ON CONFLICT(case_id, source, source_id) DO NOTHING RETURNING id",
	                      &st, d)))
		return e;
	ob_db_bind_int64(st, 1, m->case_id);
	ob_db_bind_str(st, 2, m->source);
	ob_db_bind_str(st, 3, m->source_id);
	ob_db_bind_int64(st, 4, m->record);
	ob_db_bind_str(st, 5, m->found_on);
	ob_db_bind_str(st, 6, m->territory);
	ob_db_bind_str(st, 7, m->sex);
	if (m->age_min >= 0)
		ob_db_bind_int64(st, 8, m->age_min);
	else
		ob_db_bind_null(st, 8);
	if (m->age_max >= 0)
		ob_db_bind_int64(st, 9, m->age_max);
	else
		ob_db_bind_null(st, 9);
	ob_db_bind_double(st, 10, m->score);
	ob_db_bind_str(st, 11, m->explanation);
	ob_db_bind_str(st, 12, m->created_at);
	switch (ob_db_step(st)) {
	case OB_DB_ROW:
		*added = true;
		if (ob_db_step(st) != OB_DB_DONE)
			e = ob_store_fail(s, d, what_match);
		break;
	case OB_DB_DONE: break;
	default: e = ob_store_fail(s, d, what_match);
	}
	ob_db_finalize(st);
	return e;
}

#define MATCH_COLUMNS                                                                     \
	"id, case_id, record, source, source_id, found_on, territory, sex, age_min, age_max," \
	" score, explanation, status, created_at, decided_by, decided_at"

static void read_match(struct ob_db_stmt *st, struct ob_store_match *m)
{
	m->id = ob_db_column_int64(st, 0);
	m->case_id = ob_db_column_int64(st, 1);
	m->record = ob_db_column_int64(st, 2);
	m->source = ob_db_column_text(st, 3);
	m->source_id = ob_db_column_text(st, 4);
	m->found_on = ob_db_column_text(st, 5);
	m->territory = ob_db_column_text(st, 6);
	m->sex = ob_db_column_text(st, 7);
	m->age_min = ob_db_column_type(st, 8) == OB_STORE_NULL ? -1 : ob_db_column_int(st, 8);
	m->age_max = ob_db_column_type(st, 9) == OB_STORE_NULL ? -1 : ob_db_column_int(st, 9);
	m->score = ob_db_column_double(st, 10);
	m->explanation = ob_db_column_text(st, 11);
	m->status = ob_db_column_text(st, 12);
	m->created_at = ob_db_column_text(st, 13);
	m->decided_by = ob_db_column_text(st, 14);
	m->decided_at = ob_db_column_text(st, 15);
}

int ob_store_matches_each(struct ob_store *s, const char *status,
                          int (*each)(void *arg, const struct ob_store_match *m), void *arg,
                          struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT " MATCH_COLUMNS " FROM missing_match"
	                    " WHERE status = ?1 OR ?1 IS NULL ORDER BY score DESC, id",
	                 &st, d))
		return -1;
	ob_db_bind_str(st, 1, status);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		struct ob_store_match m;
		read_match(st, &m);
		stop = each(arg, &m);
	}
	return ob_store_sql_end(s, st, rc, stop, what_match, d);
}

ob_err ob_store_match_get(struct ob_store *s, long long id,
                          int (*each)(void *arg, const struct ob_store_match *m), void *arg,
                          bool *found, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	*found = false;
	if (ob_store_sql(s, "SELECT " MATCH_COLUMNS " FROM missing_match WHERE id = ?1", &st, d))
		return OB_ESTORE;
	ob_db_bind_int64(st, 1, id);
	if ((rc = ob_db_step(st)) == OB_DB_ROW) {
		struct ob_store_match m;
		read_match(st, &m);
		*found = true;
		stop = each(arg, &m);
		rc = ob_db_step(st);
	}
	return ob_store_sql_end(s, st, rc, stop, what_match, d) < 0 ? OB_ESTORE : OB_OK;
}

ob_err ob_store_match_decide(struct ob_store *s, long long id, const char *status,
                             const char *by, const char *at, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "UPDATE missing_match SET status = ?2, decided_by = ?3,"
	                         " decided_at = ?4 WHERE id = ?1 AND status = 'pending'"
	                         " RETURNING id",
	                      &st, d)))
		return e;
	ob_db_bind_int64(st, 1, id);
	ob_db_bind_str(st, 2, status);
	ob_db_bind_str(st, 3, by);
	ob_db_bind_str(st, 4, at);
	switch (ob_db_step(st)) {
	case OB_DB_ROW:
		e = ob_db_step(st) == OB_DB_DONE ? OB_OK : ob_store_fail(s, d, what_match);
		break;
	case OB_DB_DONE:
		OB_DIAG(d, OB_EEXISTS, NULL, 0, 0, NULL, 0,
		        "la coincidencia %lld ya no está pendiente: otra decisión llegó antes",
		        "match %lld is no longer pending: another decision came first", id);
		e = OB_EEXISTS;
		break;
	default: e = ob_store_fail(s, d, what_match);
	}
	ob_db_finalize(st);
	return e;
}
