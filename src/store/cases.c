/* cases.c - the rows of case workflows (see cases.h), on SQLite and
 * PostgreSQL: one text of every statement serves both. */
#include "store/cases.h"
#include "store/store_int.h"
#include "store/case_open.sql.h"

/* Step a statement that returns no row and finalize it. */
static ob_err step_done(struct ob_store *s, struct ob_db_stmt *st, const char *what,
                        struct ob_diag *d)
{
	ob_err e = ob_db_step(st) == OB_DB_DONE ? OB_OK : ob_store_fail(s, d, what);

	ob_db_finalize(st);
	return e;
}

/* Step an "INSERT ... RETURNING id" and finalize it. */
static ob_err step_id(struct ob_store *s, struct ob_db_stmt *st, long long *id, const char *what,
                      struct ob_diag *d)
{
	ob_err e = OB_OK;

	if (ob_db_step(st) != OB_DB_ROW)
		e = ob_store_fail(s, d, what);
	else
		*id = ob_db_column_int64(st, 0);
	if (!e && ob_db_step(st) != OB_DB_DONE)
		e = ob_store_fail(s, d, what);
	ob_db_finalize(st);
	return e;
}

static ob_err add_event(struct ob_store *s, long long id, long long seq, const char *at,
                        const char *actor, const char *role, const char *kind,
                        const char *from, const char *to, long long *event, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "INSERT INTO case_event(case_id, seq, at, actor, role, kind,"
	                         " state_from, state_to) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	                         " RETURNING id",
	                      &st, d)))
		return e;
	ob_db_bind_int64(st, 1, id);
	ob_db_bind_int64(st, 2, seq);
	ob_db_bind_str(st, 3, at);
	ob_db_bind_str(st, 4, actor);
	ob_db_bind_str(st, 5, role);
	ob_db_bind_str(st, 6, kind);
	ob_db_bind_str(st, 7, from);
	ob_db_bind_str(st, 8, to);
	return step_id(s, st, event, "historia del caso (case history)", d);
}

ob_err ob_store_case_open(struct ob_store *s, const char *type, const char *state,
                          const char *unit, const char *at, const char *actor, const char *role,
                          long long *id, long long *event, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "INSERT INTO case_file(type, state, unit, opened_at, updated_at,"
	                         " events) VALUES(?1, ?2, ?3, ?4, ?4, 1) RETURNING id",
	                      &st, d)))
		return e;
	ob_db_bind_str(st, 1, type);
	ob_db_bind_str(st, 2, state);
	ob_db_bind_str(st, 3, unit);
	ob_db_bind_str(st, 4, at);
	if ((e = step_id(s, st, id, "abrir caso (open case)", d)))
		return e;
	return add_event(s, *id, 1, at, actor, role, "open", NULL, state, event, d);
}

ob_err ob_store_case_last_event(struct ob_store *s, long long *id, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "SELECT coalesce(max(id), 0) FROM case_event", &st, d)))
		return e;
	return step_id(s, st, id, "último evento (last event)", d);
}

ob_err ob_store_case_move(struct ob_store *s, const struct ob_store_case *c, const char *state,
                          const char *unit, const char *at, const char *actor, const char *role,
                          long long *event, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	long long changed = 0;
	ob_err e;

	/* the row changes only if nobody moved the case since it was read */
	if ((e = ob_store_sql(s, "UPDATE case_file SET state = ?1, updated_at = ?2,"
	                         " events = events + 1, unit = coalesce(?3, unit)"
	                         " WHERE id = ?4 AND state = ?5 AND events = ?6 RETURNING events",
	                      &st, d)))
		return e;
	ob_db_bind_str(st, 1, state);
	ob_db_bind_str(st, 2, at);
	ob_db_bind_str(st, 3, unit);
	ob_db_bind_int64(st, 4, c->id);
	ob_db_bind_str(st, 5, c->state);
	ob_db_bind_int64(st, 6, c->events);
	switch (ob_db_step(st)) {
	case OB_DB_ROW:
		changed = ob_db_column_int64(st, 0);
		if (ob_db_step(st) != OB_DB_DONE)
			e = ob_store_fail(s, d, "mover caso (move case)");
		break;
	case OB_DB_DONE:
		break;
	default:
		e = ob_store_fail(s, d, "mover caso (move case)");
	}
	ob_db_finalize(st);
	if (e)
		return e;
	if (changed != c->events + 1)
		return OB_DIAG(d, OB_EEXISTS, NULL, 0, 0, NULL, 0,
		               "el caso %lld cambió mientras tanto; vuelva a leerlo y a intentarlo",
		               "case %lld changed meanwhile; read it again and retry", c->id);
	return add_event(s, c->id, c->events + 1, at, actor, role, "move", c->state, state, event,
	                 d);
}

ob_err ob_store_case_set(struct ob_store *s, long long case_id, long long event,
                         const char *field, const char *value, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "INSERT INTO case_event_value(event, field, value)"
	                         " VALUES(?1, ?2, ?3)", &st, d)))
		return e;
	ob_db_bind_int64(st, 1, event);
	ob_db_bind_str(st, 2, field);
	ob_db_bind_str(st, 3, value);
	if ((e = step_done(s, st, "historia del caso (case history)", d)))
		return e;
	if ((e = ob_store_sql(s, "INSERT INTO case_value(case_id, field, value) VALUES(?1, ?2, ?3)"
	                         " ON CONFLICT(case_id, field) DO UPDATE SET value = excluded.value",
	                      &st, d)))
		return e;
	ob_db_bind_int64(st, 1, case_id);
	ob_db_bind_str(st, 2, field);
	ob_db_bind_str(st, 3, value);
	return step_done(s, st, "valores del caso (case values)", d);
}

#define CASE_COLUMNS "id, type, state, unit, opened_at, updated_at, events"

static void read_case(struct ob_db_stmt *st, struct ob_store_case *c)
{
	const char *v;

	memset(c, 0, sizeof(*c));
	c->id = ob_db_column_int64(st, 0);
	ob_strlcpy(c->type, ob_db_column_text(st, 1), sizeof(c->type));
	ob_strlcpy(c->state, ob_db_column_text(st, 2), sizeof(c->state));
	if ((v = ob_db_column_text(st, 3)))
		ob_strlcpy(c->unit, v, sizeof(c->unit));
	ob_strlcpy(c->opened_at, ob_db_column_text(st, 4), sizeof(c->opened_at));
	ob_strlcpy(c->updated_at, ob_db_column_text(st, 5), sizeof(c->updated_at));
	c->events = ob_db_column_int64(st, 6);
}

ob_err ob_store_case_get(struct ob_store *s, long long id, struct ob_store_case *c, bool *found,
                         struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc;

	*found = false;
	if (ob_store_sql(s, "SELECT " CASE_COLUMNS " FROM case_file WHERE id = ?1", &st, d))
		return OB_ESTORE;
	ob_db_bind_int64(st, 1, id);
	rc = ob_db_step(st);
	if (rc == OB_DB_ROW) {
		*found = true;
		read_case(st, c);
	}
	ob_db_finalize(st);
	if (rc != OB_DB_ROW && rc != OB_DB_DONE)
		return ob_store_fail(s, d, "caso (case)");
	return OB_OK;
}

int ob_store_case_values_each(struct ob_store *s, long long id,
                              int (*each)(void *arg, const char *field, const char *value),
                              void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT field, value FROM case_value WHERE case_id = ?1 ORDER BY field",
	                 &st, d))
		return -1;
	ob_db_bind_int64(st, 1, id);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_text(st, 0), ob_db_column_text(st, 1));
	return ob_store_sql_end(s, st, rc, stop, "valores del caso (case values)", d);
}

int ob_store_case_events_each(struct ob_store *s, long long id,
                              int (*each)(void *arg, const struct ob_store_case_event *e),
                              void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT e.seq, e.at, e.actor, e.role, e.kind, e.state_from, e.state_to,"
	                    " v.field, v.value FROM case_event e"
	                    " LEFT JOIN case_event_value v ON v.event = e.id"
	                    " WHERE e.case_id = ?1 ORDER BY e.seq, v.field",
	                 &st, d))
		return -1;
	ob_db_bind_int64(st, 1, id);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		struct ob_store_case_event e = {
			.seq = ob_db_column_int64(st, 0),
			.at = ob_db_column_text(st, 1),
			.actor = ob_db_column_text(st, 2),
			.role = ob_db_column_text(st, 3),
			.kind = ob_db_column_text(st, 4),
			.state_from = ob_db_column_text(st, 5),
			.state_to = ob_db_column_text(st, 6),
			.field = ob_db_column_text(st, 7),
			.value = ob_db_column_text(st, 8),
		};
		stop = each(arg, &e);
	}
	return ob_store_sql_end(s, st, rc, stop, "historia del caso (case history)", d);
}

int ob_store_cases_each(struct ob_store *s, const char *type, const char *state,
                        const char *unit,
                        int (*each)(void *arg, const struct ob_store_case *c), void *arg,
                        struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT " CASE_COLUMNS " FROM case_file"
	                    " WHERE (type = ?1 OR ?1 IS NULL) AND (state = ?2 OR ?2 IS NULL)"
	                    " AND (unit = ?3 OR ?3 IS NULL) ORDER BY id",
	                 &st, d))
		return -1;
	ob_db_bind_str(st, 1, type);
	ob_db_bind_str(st, 2, state);
	ob_db_bind_str(st, 3, unit);
	ob_db_stream(st);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		struct ob_store_case c;
		read_case(st, &c);
		stop = each(arg, &c);
	}
	return ob_store_sql_end(s, st, rc, stop, "casos (cases)", d);
}

int ob_store_cases_of_each(struct ob_store *s, const char *type, const long long *ids,
                           size_t n, const char *const *fields, size_t n_fields,
                           int (*each)(void *arg, const struct ob_store_case *c,
                                       const char *field, const char *value),
                           void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc = OB_DB_DONE, stop = 0;

	if (n_fields > OB_STORE_CASE_FIELDS_READ)
		fields = NULL;
	if (ob_store_sql(s, "SELECT c.id, c.type, c.state, c.unit, c.opened_at, c.updated_at,"
	                    " c.events, v.field, v.value FROM case_file c"
	                    " LEFT JOIN case_value v ON v.case_id = c.id AND (?3 = 1 OR"
	                    " v.field IN (?4, ?5, ?6, ?7, ?8, ?9))"
	                    " WHERE c.id = ?1 AND c.type = ?2 ORDER BY v.field",
	                 &st, d))
		return -1;
	ob_db_bind_int64(st, 3, fields ? 0 : 1);
	for (int f = 0; f < OB_STORE_CASE_FIELDS_READ; f++)
		ob_db_bind_str(st, 4 + f, fields && (size_t)f < n_fields ? fields[f] : NULL);
	for (size_t i = 0; i < n && !stop; i++) {
		ob_db_reset(st);
		ob_db_bind_int64(st, 1, ids[i]);
		ob_db_bind_str(st, 2, type);
		while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
			struct ob_store_case c;
			read_case(st, &c);
			stop = each(arg, &c, ob_db_column_text(st, 7), ob_db_column_text(st, 8));
		}
		if (!stop && rc != OB_DB_DONE)
			break;
	}
	return ob_store_sql_end(s, st, rc, stop, "casos (cases)", d);
}

/* The rows (case id, text, text) of sql, whose ?1 is a case type, to each
 * until it returns non-zero; what names them in messages. */
static int type_triples_each(struct ob_store *s, const char *sql, const char *type,
                             int (*each)(void *arg, long long id, const char *a,
                                         const char *b),
                             void *arg, const char *what, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, sql, &st, d))
		return -1;
	ob_db_bind_str(st, 1, type);
	ob_db_stream(st);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_int64(st, 0), ob_db_column_text(st, 1),
		            ob_db_column_text(st, 2));
	return ob_store_sql_end(s, st, rc, stop, what, d);
}

int ob_store_case_type_values_each(struct ob_store *s, const char *type,
                                   int (*each)(void *arg, long long id, const char *field,
                                               const char *value),
                                   void *arg, struct ob_diag *d)
{
	return type_triples_each(s, "SELECT v.case_id, v.field, v.value FROM case_value v"
	                            " JOIN case_file c ON c.id = v.case_id WHERE c.type = ?1"
	                            " ORDER BY v.case_id, v.field",
	                         type, each, arg, "valores de los casos (case values)", d);
}

int ob_store_case_type_units_each(struct ob_store *s, const char *type,
                                  int (*each)(void *arg, long long id, const char *unit),
                                  void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT id, unit FROM case_file WHERE type = ?1", &st, d))
		return -1;
	ob_db_bind_str(st, 1, type);
	ob_db_stream(st);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_int64(st, 0), ob_db_column_text(st, 1));
	return ob_store_sql_end(s, st, rc, stop, "casos (cases)", d);
}

int ob_store_case_values_scan(struct ob_store *s, const char *const *fields, size_t n_fields,
                              int (*each)(void *arg, long long id, const char *field,
                                          const char *value),
                              void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (n_fields > OB_STORE_CASE_FIELDS_READ)
		fields = NULL;
	/* two texts: "?1 = 1 OR field IN" would cost SQLite a fifth more */
	if (ob_store_sql(s, fields ? "SELECT case_id, field, value FROM case_value"
	                             " WHERE field IN (?1, ?2, ?3, ?4, ?5, ?6)"
	                           : "SELECT case_id, field, value FROM case_value",
	                 &st, d))
		return -1;
	for (int f = 0; fields && f < OB_STORE_CASE_FIELDS_READ; f++)
		ob_db_bind_str(st, 1 + f, (size_t)f < n_fields ? fields[f] : NULL);
	ob_db_stream(st);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_int64(st, 0), ob_db_column_text(st, 1),
		            ob_db_column_text(st, 2));
	return ob_store_sql_end(s, st, rc, stop, "valores de los casos (case values)", d);
}

int ob_store_case_events_scan(struct ob_store *s,
                              int (*each)(void *arg, long long id, long long seq,
                                          const char *state, const char *at),
                              void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT case_id, seq, state_to, at FROM case_event", &st, d))
		return -1;
	ob_db_stream(st);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_int64(st, 0), ob_db_column_int64(st, 1),
		            ob_db_column_text(st, 2), ob_db_column_text(st, 3));
	return ob_store_sql_end(s, st, rc, stop, "historia de los casos (case history)", d);
}

ob_err ob_store_case_open_sync(struct ob_store *s, long long id, bool open, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "DELETE FROM case_open WHERE case_id = ?1", &st, d)))
		return e;
	ob_db_bind_int64(st, 1, id);
	if ((e = step_done(s, st, "casos abiertos (open cases)", d)) || !open)
		return e;
	if ((e = ob_store_sql(s, ob_store_dialect_sql(s,
	                         "INSERT INTO case_open(" OB_CASE_OPEN_COLUMNS ") "
	                         OB_CASE_OPEN_ROWS_SQLITE(" WHERE c.id = ?1"),
	                         "INSERT INTO case_open(" OB_CASE_OPEN_COLUMNS ") "
	                         OB_CASE_OPEN_ROWS_PG(" WHERE c.id = ?1")),
	                      &st, d)))
		return e;
	ob_db_bind_int64(st, 1, id);
	return step_done(s, st, "casos abiertos (open cases)", d);
}

int ob_store_case_open_each(struct ob_store *s, const char *type,
                            int (*each)(void *arg, long long id, const char *state,
                                        long long opened, const char *unit,
                                        const char *entered, const char *vals),
                            void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT case_id, state, opened, unit, entered, vals FROM case_open"
	                    " WHERE type = ?1 ORDER BY case_id",
	                 &st, d))
		return -1;
	ob_db_bind_str(st, 1, type);
	ob_db_stream(st);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_int64(st, 0), ob_db_column_text(st, 1),
		            ob_db_column_int64(st, 2), ob_db_column_text(st, 3),
		            ob_db_column_text(st, 4), ob_db_column_text(st, 5));
	return ob_store_sql_end(s, st, rc, stop, "casos abiertos (open cases)", d);
}

ob_err ob_store_case_open_count(struct ob_store *s, long long *n, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "SELECT count(*) FROM case_open", &st, d)))
		return e;
	return step_id(s, st, n, "casos abiertos (open cases)", d);
}

ob_err ob_store_case_changed(struct ob_store *s, const char *type, char changed[32],
                             struct ob_diag *d)
{
	struct ob_db_stmt *st;
	const char *v;
	ob_err e = OB_OK;

	changed[0] = 0;
	if ((e = ob_store_sql(s, "SELECT max(updated_at) FROM case_file WHERE type = ?1", &st, d)))
		return e;
	ob_db_bind_str(st, 1, type);
	if (ob_db_step(st) != OB_DB_ROW)
		e = ob_store_fail(s, d, "último cambio (last change)");
	else if ((v = ob_db_column_text(st, 0)))
		ob_strlcpy(changed, v, 32);
	ob_db_finalize(st);
	return e;
}

#define FINAL_STATES_READ 8

int ob_store_cases_final_each(struct ob_store *s, const char *type,
                              const char *const *states, size_t n_states, const char *after,
                              const char *const *fields, size_t n_fields,
                              int (*each)(void *arg, long long id, const char *state,
                                          const char *unit, const char *opened_at,
                                          const char *field, const char *value),
                              void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (n_states > FINAL_STATES_READ || n_fields > OB_STORE_CASE_FIELDS_READ) {
		OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0,
		        "más de %d estados finales o de %d campos", "more than %d final states or %d fields",
		        FINAL_STATES_READ, OB_STORE_CASE_FIELDS_READ);
		return -1;
	}
	if (ob_store_sql(s, "SELECT c.id, c.state, c.unit, c.opened_at, v.field, v.value"
	                    " FROM case_file c JOIN case_value v ON v.case_id = c.id"
	                    " AND v.field IN (?3, ?4, ?5, ?6, ?7, ?8)"
	                    " WHERE c.type = ?1 AND c.opened_at > ?2"
	                    " AND c.state IN (?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
	                    " ORDER BY c.id, v.field",
	                 &st, d))
		return -1;
	ob_db_bind_str(st, 1, type);
	ob_db_bind_str(st, 2, after);
	for (size_t f = 0; f < OB_STORE_CASE_FIELDS_READ; f++)
		ob_db_bind_str(st, 3 + (int)f, f < n_fields ? fields[f] : NULL);
	for (size_t k = 0; k < FINAL_STATES_READ; k++)
		ob_db_bind_str(st, 9 + (int)k, k < n_states ? states[k] : NULL);
	ob_db_stream(st);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_int64(st, 0), ob_db_column_text(st, 1),
		            ob_db_column_text(st, 2), ob_db_column_text(st, 3),
		            ob_db_column_text(st, 4), ob_db_column_text(st, 5));
	return ob_store_sql_end(s, st, rc, stop, "casos cerrados (closed cases)", d);
}

int ob_store_case_type_history_each(struct ob_store *s, const char *type,
                                    int (*each)(void *arg, long long id,
                                                const struct ob_store_case_event *e),
                                    void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT e.case_id, e.seq, e.at, e.actor, e.role, e.kind, e.state_from,"
	                    " e.state_to, v.field, v.value FROM case_event e"
	                    " JOIN case_file c ON c.id = e.case_id"
	                    " LEFT JOIN case_event_value v ON v.event = e.id WHERE c.type = ?1"
	                    " ORDER BY e.case_id, e.seq, v.field",
	                 &st, d))
		return -1;
	ob_db_bind_str(st, 1, type);
	ob_db_stream(st);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		struct ob_store_case_event e = {
			.seq = ob_db_column_int64(st, 1), .at = ob_db_column_text(st, 2),
			.actor = ob_db_column_text(st, 3), .role = ob_db_column_text(st, 4),
			.kind = ob_db_column_text(st, 5), .state_from = ob_db_column_text(st, 6),
			.state_to = ob_db_column_text(st, 7), .field = ob_db_column_text(st, 8),
			.value = ob_db_column_text(st, 9),
		};
		stop = each(arg, ob_db_column_int64(st, 0), &e);
	}
	return ob_store_sql_end(s, st, rc, stop, "historia de los casos (case history)", d);
}

ob_err ob_store_case_grant(struct ob_store *s, const char *account, const char *type,
                           const char *unit, const char *at, const char *by,
                           struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;
	int rc;

	if ((e = ob_store_sql(s, "INSERT INTO case_access(account, type, unit, granted_at,"
	                         " granted_by) VALUES(?1, ?2, ?3, ?4, ?5)", &st, d)))
		return e;
	ob_db_bind_str(st, 1, account);
	ob_db_bind_str(st, 2, type);
	ob_db_bind_str(st, 3, unit);
	ob_db_bind_str(st, 4, at);
	ob_db_bind_str(st, 5, by);
	rc = ob_db_step(st);
	e = rc == OB_DB_DONE ? OB_OK
	  : rc == OB_DB_CONSTRAINT ? OB_EEXISTS
	                           : ob_store_fail(s, d, "unidades de una cuenta (account units)");
	ob_db_finalize(st);
	return e;
}

int ob_store_case_units_each(struct ob_store *s, const char *account, const char *type,
                             int (*each)(void *arg, const char *unit), void *arg,
                             struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT unit FROM case_access WHERE account = ?1 AND type = ?2"
	                    " ORDER BY unit", &st, d))
		return -1;
	ob_db_bind_str(st, 1, account);
	ob_db_bind_str(st, 2, type);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_text(st, 0));
	return ob_store_sql_end(s, st, rc, stop, "unidades de una cuenta (account units)", d);
}
