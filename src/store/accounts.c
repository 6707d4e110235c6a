/* accounts.c - the account and account_token rows (see accounts.h). */
#include "store/accounts.h"
#include "store/store_int.h"

/* Step a statement that returns no row and finalize it; with `exists`, a
 * constraint failure is OB_EEXISTS with d untouched. */
static ob_err step_done(struct ob_store *s, sqlite3_stmt *st, const char *what, bool exists,
                        struct ob_diag *d)
{
	int rc = sqlite3_step(st);
	ob_err e = OB_OK;

	if (rc == SQLITE_CONSTRAINT && exists)
		e = OB_EEXISTS;
	else if (rc != SQLITE_DONE)
		e = ob_store_fail(s, d, what);
	sqlite3_finalize(st);
	return e;
}

static void copy_col(char *out, size_t size, sqlite3_stmt *st, int i)
{
	const char *v = ob_store_text(st, i);

	ob_strlcpy(out, v ? v : "", size);
}

ob_err ob_store_account_add(struct ob_store *s, const char *name, const char *role,
                            const char *source, const char *password_hash,
                            const char *created_at, struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err e;

	if ((e = ob_store_prepare(s, "INSERT INTO account(name, role, source, password, created_at)"
	                             " VALUES(?1, ?2, ?3, ?4, ?5)", &st, d)))
		return e;
	ob_store_bind_text(st, 1, name);
	ob_store_bind_text(st, 2, role);
	ob_store_bind_text(st, 3, source);
	ob_store_bind_text(st, 4, password_hash);
	ob_store_bind_text(st, 5, created_at);
	return step_done(s, st, "añadir usuario (add user)", true, d);
}

ob_err ob_store_account_find(struct ob_store *s, const char *name, struct ob_store_account *a,
                             bool *found, struct ob_diag *d)
{
	sqlite3_stmt *st;
	int rc;

	memset(a, 0, sizeof(*a));
	*found = false;
	if (ob_store_prepare(s, "SELECT id, disabled, role, source, password FROM account"
	                        " WHERE name = ?1", &st, d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		a->id = sqlite3_column_int64(st, 0);
		a->disabled = sqlite3_column_int(st, 1) != 0;
		copy_col(a->role, sizeof(a->role), st, 2);
		copy_col(a->source, sizeof(a->source), st, 3);
		a->has_password = sqlite3_column_type(st, 4) != SQLITE_NULL;
		copy_col(a->password, sizeof(a->password), st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ob_store_fail(s, d, "usuario (user)");
	return OB_OK;
}

ob_err ob_store_account_disable(struct ob_store *s, long long id, struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err e;

	if ((e = ob_store_prepare(s, "UPDATE account SET disabled = 1 WHERE id = ?1", &st, d)))
		return e;
	sqlite3_bind_int64(st, 1, id);
	if ((e = step_done(s, st, "desactivar usuario (disable user)", false, d)))
		return e;
	if ((e = ob_store_prepare(s, "UPDATE account_token SET revoked = 1 WHERE account = ?1",
	                          &st, d)))
		return e;
	sqlite3_bind_int64(st, 1, id);
	return step_done(s, st, "revocar credenciales (revoke tokens)", false, d);
}

int ob_store_accounts_each(struct ob_store *s, const char *now,
                           int (*each)(void *arg, const struct ob_store_account_row *r),
                           void *arg, struct ob_diag *d)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (ob_store_prepare(s, "SELECT a.name, a.role, a.source, a.created_at, a.disabled,"
	                        " a.password IS NOT NULL, (SELECT count(*) FROM account_token t"
	                        " WHERE t.account = a.id AND NOT t.revoked AND"
	                        " (t.expires_at IS NULL OR t.expires_at > ?1))"
	                        " FROM account a ORDER BY a.name", &st, d))
		return -1;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ob_store_account_row r = {
			.name = ob_store_text(st, 0),
			.role = ob_store_text(st, 1),
			.source = ob_store_text(st, 2),
			.created_at = ob_store_text(st, 3),
			.disabled = sqlite3_column_int(st, 4) != 0,
			.has_password = sqlite3_column_int(st, 5) != 0,
			.tokens = sqlite3_column_int64(st, 6),
		};
		stop = each(arg, &r);
	}
	return ob_store_each_end(s, st, rc, stop, "usuarios (users)", d);
}

ob_err ob_store_token_add(struct ob_store *s, long long account, const char *kind,
                          const char *hash, const char *label, const char *created_at,
                          const char *expires_at, long long *id, struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err e;

	if ((e = ob_store_prepare(s, "INSERT INTO account_token(account, hash, kind, label,"
	                             " created_at, expires_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	                          &st, d)))
		return e;
	sqlite3_bind_int64(st, 1, account);
	ob_store_bind_text(st, 2, hash);
	ob_store_bind_text(st, 3, kind);
	ob_store_bind_text(st, 4, label);
	ob_store_bind_text(st, 5, created_at);
	ob_store_bind_text(st, 6, expires_at);
	if ((e = step_done(s, st, "guardar credencial (store token)", false, d)))
		return e;
	*id = sqlite3_last_insert_rowid(ob_store_db(s));
	return OB_OK;
}

ob_err ob_store_token_find(struct ob_store *s, const char *hash, const char *now,
                           struct ob_store_token_owner *o, bool *found, struct ob_diag *d)
{
	sqlite3_stmt *st;
	int rc;

	memset(o, 0, sizeof(*o));
	*found = false;
	if (ob_store_prepare(s, "SELECT a.id, a.name, a.role, a.source, t.id, t.kind"
	                        " FROM account_token t JOIN account a ON a.id = t.account"
	                        " WHERE t.hash = ?1 AND NOT t.revoked AND NOT a.disabled"
	                        " AND (t.expires_at IS NULL OR t.expires_at > ?2)", &st, d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *kind = ob_store_text(st, 5);
		*found = true;
		o->account = sqlite3_column_int64(st, 0);
		copy_col(o->name, sizeof(o->name), st, 1);
		copy_col(o->role, sizeof(o->role), st, 2);
		copy_col(o->source, sizeof(o->source), st, 3);
		o->token = sqlite3_column_int64(st, 4);
		o->session = kind && !strcmp(kind, "session");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ob_store_fail(s, d, "credencial (token)");
	return OB_OK;
}

ob_err ob_store_token_revoke(struct ob_store *s, long long id, struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err e;

	if ((e = ob_store_prepare(s, "UPDATE account_token SET revoked = 1 WHERE id = ?1", &st, d)))
		return e;
	sqlite3_bind_int64(st, 1, id);
	e = step_done(s, st, "cerrar sesión (log out)", false, d);
	return e;
}

ob_err ob_store_sessions_purge(struct ob_store *s, const char *now, struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err e;

	if ((e = ob_store_prepare(s, "DELETE FROM account_token WHERE kind = 'session'"
	                             " AND (revoked OR expires_at <= ?1)", &st, d)))
		return e;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	e = step_done(s, st, "sesiones vencidas (ended sessions)", false, d);
	return e;
}
