/* outbox.c - the notifications outbox of case workflows (see outbox.h),
 * on SQLite and PostgreSQL: one text of every statement serves both. */
#include "store/outbox.h"
#include "store/store_int.h"

ob_err ob_store_outbox_add(struct ob_store *s, const struct ob_store_outbox *o, bool *added,
                           struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e = OB_OK;

	*added = false;
	if ((e = ob_store_sql(s, "INSERT INTO case_outbox(key, case_id, type, unit, kind, rule,"
	                         " state, state_from, due, field, value, at, created_at)"
	                         " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
	                         " ON CONFLICT(key) DO NOTHING RETURNING id",
	                      &st, d)))
		return e;
	ob_db_bind_str(st, 1, o->key);
	ob_db_bind_int64(st, 2, o->case_id);
	ob_db_bind_str(st, 3, o->type);
	ob_db_bind_str(st, 4, o->unit);
	ob_db_bind_str(st, 5, o->kind);
	ob_db_bind_str(st, 6, o->rule);
	ob_db_bind_str(st, 7, o->state);
	ob_db_bind_str(st, 8, o->state_from);
	ob_db_bind_str(st, 9, o->due);
	ob_db_bind_str(st, 10, o->field);
	ob_db_bind_str(st, 11, o->value);
	ob_db_bind_str(st, 12, o->at);
	ob_db_bind_str(st, 13, o->created_at);
	switch (ob_db_step(st)) {
	case OB_DB_ROW:
		*added = true;
		if (ob_db_step(st) != OB_DB_DONE)
			e = ob_store_fail(s, d, "bandeja de salida (outbox)");
		break;
	case OB_DB_DONE: break;
	default: e = ob_store_fail(s, d, "bandeja de salida (outbox)");
	}
	ob_db_finalize(st);
	return e;
}

#define OUTBOX_COLUMNS                                                                    \
	"o.id, o.key, o.case_id, o.type, o.unit, o.kind, o.rule, o.state, o.state_from, o.due," \
	" o.field, o.value, o.at, o.created_at"
#define OUTBOX_NCOLS 14

/* The outbox columns of st from column i. */
static void read_outbox(struct ob_db_stmt *st, int i, struct ob_store_outbox *o)
{
	o->id = ob_db_column_int64(st, i);
	o->key = ob_db_column_text(st, i + 1);
	o->case_id = ob_db_column_int64(st, i + 2);
	o->type = ob_db_column_text(st, i + 3);
	o->unit = ob_db_column_text(st, i + 4);
	o->kind = ob_db_column_text(st, i + 5);
	o->rule = ob_db_column_text(st, i + 6);
	o->state = ob_db_column_text(st, i + 7);
	o->state_from = ob_db_column_text(st, i + 8);
	o->due = ob_db_column_text(st, i + 9);
	o->field = ob_db_column_text(st, i + 10);
	o->value = ob_db_column_text(st, i + 11);
	o->at = ob_db_column_text(st, i + 12);
	o->created_at = ob_db_column_text(st, i + 13);
}

int ob_store_outbox_unrouted_each(struct ob_store *s,
                                  int (*each)(void *arg, const struct ob_store_outbox *o),
                                  void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT " OUTBOX_COLUMNS " FROM case_outbox o WHERE o.routed = 0"
	                    " ORDER BY o.id", &st, d))
		return -1;
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		struct ob_store_outbox o;
		read_outbox(st, 0, &o);
		stop = each(arg, &o);
	}
	return ob_store_sql_end(s, st, rc, stop, "bandeja de salida (outbox)", d);
}

/* Step a statement that returns no row and finalize it. */
static ob_err step_done(struct ob_store *s, struct ob_db_stmt *st, const char *what,
                        struct ob_diag *d)
{
	ob_err e = ob_db_step(st) == OB_DB_DONE ? OB_OK : ob_store_fail(s, d, what);

	ob_db_finalize(st);
	return e;
}

ob_err ob_store_delivery_add(struct ob_store *s, long long outbox, const char *channel,
                             const char *target, const char *next_at, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "INSERT INTO case_delivery(outbox, channel, target, status,"
	                         " attempts, next_at) VALUES(?1, ?2, ?3, 'pending', 0, ?4)"
	                         " ON CONFLICT(outbox, channel, target) DO NOTHING",
	                      &st, d)))
		return e;
	ob_db_bind_int64(st, 1, outbox);
	ob_db_bind_str(st, 2, channel);
	ob_db_bind_str(st, 3, target);
	ob_db_bind_str(st, 4, next_at);
	return step_done(s, st, "entregas (deliveries)", d);
}

ob_err ob_store_outbox_routed(struct ob_store *s, long long outbox, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "UPDATE case_outbox SET routed = 1 WHERE id = ?1", &st, d)))
		return e;
	ob_db_bind_int64(st, 1, outbox);
	return step_done(s, st, "bandeja de salida (outbox)", d);
}

int ob_store_deliveries_each(struct ob_store *s, const char *status, const char *due_by,
                             int (*each)(void *arg, const struct ob_store_delivery *dl),
                             void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT dl.id, dl.channel, dl.target, dl.status, dl.attempts,"
	                    " dl.next_at, dl.done_at, dl.error, " OUTBOX_COLUMNS
	                    " FROM case_delivery dl JOIN case_outbox o ON o.id = dl.outbox"
	                    " WHERE (dl.status = ?1 OR ?1 IS NULL)"
	                    " AND (dl.next_at <= ?2 OR ?2 IS NULL) ORDER BY dl.id",
	                 &st, d))
		return -1;
	ob_db_bind_str(st, 1, status);
	ob_db_bind_str(st, 2, due_by);
	ob_db_stream(st);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		struct ob_store_delivery dl = {
			.id = ob_db_column_int64(st, 0),
			.channel = ob_db_column_text(st, 1),
			.target = ob_db_column_text(st, 2),
			.status = ob_db_column_text(st, 3),
			.attempts = ob_db_column_int64(st, 4),
			.next_at = ob_db_column_text(st, 5),
			.done_at = ob_db_column_text(st, 6),
			.error = ob_db_column_text(st, 7),
		};
		read_outbox(st, 8, &dl.o);
		stop = each(arg, &dl);
	}
	return ob_store_sql_end(s, st, rc, stop, "entregas (deliveries)", d);
}

ob_err ob_store_delivery_attempt(struct ob_store *s, long long id, long long attempts,
                                 const char *at, const char *error, const char *status,
                                 const char *next_at, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	bool changed = false;
	ob_err e;

	if ((e = ob_store_begin(s, d)))
		return e;
	if ((e = ob_store_sql(s, "UPDATE case_delivery SET attempts = attempts + 1, status = ?1,"
	                         " next_at = ?2, done_at = CASE WHEN ?1 = 'pending' THEN NULL"
	                         " ELSE ?3 END, error = ?4 WHERE id = ?5 AND attempts = ?6"
	                         " AND status = 'pending' RETURNING id",
	                      &st, d)))
		goto rollback;
	ob_db_bind_str(st, 1, status);
	ob_db_bind_str(st, 2, next_at);
	ob_db_bind_str(st, 3, at);
	ob_db_bind_str(st, 4, error);
	ob_db_bind_int64(st, 5, id);
	ob_db_bind_int64(st, 6, attempts);
	switch (ob_db_step(st)) {
	case OB_DB_ROW:
		changed = true;
		if (ob_db_step(st) != OB_DB_DONE)
			e = ob_store_fail(s, d, "entregas (deliveries)");
		break;
	case OB_DB_DONE: break;
	default: e = ob_store_fail(s, d, "entregas (deliveries)");
	}
	ob_db_finalize(st);
	if (e)
		goto rollback;
	if (!changed) {
		e = OB_DIAG(d, OB_EEXISTS, NULL, 0, 0, NULL, 0,
		            "otro proceso registró un intento de la entrega %lld mientras tanto",
		            "another process recorded an attempt of delivery %lld meanwhile", id);
		goto rollback;
	}
	if ((e = ob_store_sql(s, "INSERT INTO case_delivery_attempt(delivery, seq, at, ok, error)"
	                         " VALUES(?1, ?2, ?3, ?4, ?5)", &st, d)))
		goto rollback;
	ob_db_bind_int64(st, 1, id);
	ob_db_bind_int64(st, 2, attempts + 1);
	ob_db_bind_str(st, 3, at);
	ob_db_bind_int64(st, 4, error ? 0 : 1);
	ob_db_bind_str(st, 5, error);
	if ((e = step_done(s, st, "intentos de entrega (delivery attempts)", d)) ||
	    (e = ob_store_commit(s, d)))
		goto rollback;
	return OB_OK;
rollback:
	ob_store_rollback(s);
	return e;
}

int ob_store_delivery_attempts_each(struct ob_store *s,
                                    int (*each)(void *arg, long long delivery, long long seq,
                                                const char *at, bool ok, const char *error),
                                    void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT delivery, seq, at, ok, error FROM case_delivery_attempt"
	                    " ORDER BY delivery, seq", &st, d))
		return -1;
	ob_db_stream(st);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_int64(st, 0), ob_db_column_int64(st, 1),
		            ob_db_column_text(st, 2), ob_db_column_int64(st, 3) != 0,
		            ob_db_column_text(st, 4));
	return ob_store_sql_end(s, st, rc, stop, "intentos de entrega (delivery attempts)", d);
}
