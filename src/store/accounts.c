/* accounts.c - the account and account_token rows (see accounts.h), on
 * SQLite and PostgreSQL (an integer flag is tested as "= 0" or "<> 0",
 * which both read alike). */
#include "store/accounts.h"
#include "store/store_int.h"

/* Step a statement that returns no row and finalize it; with `exists`, a
 * constraint failure is OB_EEXISTS with d untouched. */
static ob_err step_done(struct ob_store *s, struct ob_db_stmt *st, const char *what, bool exists,
                        struct ob_diag *d)
{
	int rc = ob_db_step(st);
	ob_err e = OB_OK;

	if (rc == OB_DB_CONSTRAINT && exists)
		e = OB_EEXISTS;
	else if (rc != OB_DB_DONE)
		e = ob_store_fail(s, d, what);
	ob_db_finalize(st);
	return e;
}

static void copy_col(char *out, size_t size, struct ob_db_stmt *st, int i)
{
	const char *v = ob_db_column_text(st, i);

	ob_strlcpy(out, v ? v : "", size);
}

ob_err ob_store_account_add(struct ob_store *s, const char *name, const char *role,
                            const char *source, const char *password_hash,
                            const char *created_at, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "INSERT INTO account(name, role, source, password, created_at)"
	                             " VALUES(?1, ?2, ?3, ?4, ?5)", &st, d)))
		return e;
	ob_db_bind_str(st, 1, name);
	ob_db_bind_str(st, 2, role);
	ob_db_bind_str(st, 3, source);
	ob_db_bind_str(st, 4, password_hash);
	ob_db_bind_str(st, 5, created_at);
	return step_done(s, st, "añadir usuario (add user)", true, d);
}

ob_err ob_store_account_find(struct ob_store *s, const char *name, struct ob_store_account *a,
                             bool *found, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc;

	memset(a, 0, sizeof(*a));
	*found = false;
	if (ob_store_sql(s, "SELECT id, disabled, role, source, password FROM account"
	                        " WHERE name = ?1", &st, d))
		return OB_ESTORE;
	ob_db_bind_str(st, 1, name);
	rc = ob_db_step(st);
	if (rc == OB_DB_ROW) {
		*found = true;
		a->id = ob_db_column_int64(st, 0);
		a->disabled = ob_db_column_int(st, 1) != 0;
		copy_col(a->role, sizeof(a->role), st, 2);
		copy_col(a->source, sizeof(a->source), st, 3);
		a->has_password = ob_db_column_type(st, 4) != OB_STORE_NULL;
		copy_col(a->password, sizeof(a->password), st, 4);
	}
	ob_db_finalize(st);
	if (rc != OB_DB_ROW && rc != OB_DB_DONE)
		return ob_store_fail(s, d, "usuario (user)");
	return OB_OK;
}

ob_err ob_store_account_disable(struct ob_store *s, long long id, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "UPDATE account SET disabled = 1 WHERE id = ?1", &st, d)))
		return e;
	ob_db_bind_int64(st, 1, id);
	if ((e = step_done(s, st, "desactivar usuario (disable user)", false, d)))
		return e;
	if ((e = ob_store_sql(s, "UPDATE account_token SET revoked = 1 WHERE account = ?1",
	                          &st, d)))
		return e;
	ob_db_bind_int64(st, 1, id);
	return step_done(s, st, "revocar credenciales (revoke tokens)", false, d);
}

int ob_store_accounts_each(struct ob_store *s, const char *now,
                           int (*each)(void *arg, const struct ob_store_account_row *r),
                           void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT a.name, a.role, a.source, a.created_at, a.disabled,"
	                        " a.password IS NOT NULL, (SELECT count(*) FROM account_token t"
	                        " WHERE t.account = a.id AND t.revoked = 0 AND"
	                        " (t.expires_at IS NULL OR t.expires_at > ?1))"
	                        " FROM account a ORDER BY a.name", &st, d))
		return -1;
	ob_db_bind_str(st, 1, now);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		struct ob_store_account_row r = {
			.name = ob_db_column_text(st, 0),
			.role = ob_db_column_text(st, 1),
			.source = ob_db_column_text(st, 2),
			.created_at = ob_db_column_text(st, 3),
			.disabled = ob_db_column_int(st, 4) != 0,
			.has_password = ob_db_column_int(st, 5) != 0,
			.tokens = ob_db_column_int64(st, 6),
		};
		stop = each(arg, &r);
	}
	return ob_store_sql_end(s, st, rc, stop, "usuarios (users)", d);
}

ob_err ob_store_token_add(struct ob_store *s, long long account, const char *kind,
                          const char *hash, const char *label, const char *created_at,
                          const char *expires_at, long long *id, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "INSERT INTO account_token(account, hash, kind, label,"
	                         " created_at, expires_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
	                         " RETURNING id",
	                      &st, d)))
		return e;
	ob_db_bind_int64(st, 1, account);
	ob_db_bind_str(st, 2, hash);
	ob_db_bind_str(st, 3, kind);
	ob_db_bind_str(st, 4, label);
	ob_db_bind_str(st, 5, created_at);
	ob_db_bind_str(st, 6, expires_at);
	if (ob_db_step(st) != OB_DB_ROW) {
		e = ob_store_fail(s, d, "guardar credencial (store token)");
		ob_db_finalize(st);
		return e;
	}
	*id = ob_db_column_int64(st, 0);
	return step_done(s, st, "guardar credencial (store token)", false, d);
}

ob_err ob_store_token_find(struct ob_store *s, const char *hash, const char *now,
                           struct ob_store_token_owner *o, bool *found, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc;

	memset(o, 0, sizeof(*o));
	*found = false;
	if (ob_store_sql(s, "SELECT a.id, a.name, a.role, a.source, t.id, t.kind"
	                        " FROM account_token t JOIN account a ON a.id = t.account"
	                        " WHERE t.hash = ?1 AND t.revoked = 0 AND a.disabled = 0"
	                        " AND (t.expires_at IS NULL OR t.expires_at > ?2)", &st, d))
		return OB_ESTORE;
	ob_db_bind_str(st, 1, hash);
	ob_db_bind_str(st, 2, now);
	rc = ob_db_step(st);
	if (rc == OB_DB_ROW) {
		const char *kind = ob_db_column_text(st, 5);
		*found = true;
		o->account = ob_db_column_int64(st, 0);
		copy_col(o->name, sizeof(o->name), st, 1);
		copy_col(o->role, sizeof(o->role), st, 2);
		copy_col(o->source, sizeof(o->source), st, 3);
		o->token = ob_db_column_int64(st, 4);
		o->session = kind && !strcmp(kind, "session");
	}
	ob_db_finalize(st);
	if (rc != OB_DB_ROW && rc != OB_DB_DONE)
		return ob_store_fail(s, d, "credencial (token)");
	return OB_OK;
}

ob_err ob_store_token_revoke(struct ob_store *s, long long id, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "UPDATE account_token SET revoked = 1 WHERE id = ?1", &st, d)))
		return e;
	ob_db_bind_int64(st, 1, id);
	e = step_done(s, st, "cerrar sesión (log out)", false, d);
	return e;
}

ob_err ob_store_sessions_purge(struct ob_store *s, const char *now, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "DELETE FROM account_token WHERE kind = 'session'"
	                             " AND (revoked <> 0 OR expires_at <= ?1)", &st, d)))
		return e;
	ob_db_bind_str(st, 1, now);
	e = step_done(s, st, "sesiones vencidas (ended sessions)", false, d);
	return e;
}
