/* accounts.c - accounts, password hashes, API tokens and sessions in the
 * store (see accounts.h). */
#include "accounts/accounts.h"

#include <pthread.h>
#include <time.h>
#include <sodium.h>

#include "base/sha256.h"
#include "store/audit.h"

static const char *const role_names[] = {
	[OB_ROLE_PUBLIC] = "public",
	[OB_ROLE_SUBMITTER] = "submitter",
	[OB_ROLE_ANALYST] = "analyst",
	[OB_ROLE_STEWARD] = "steward",
	[OB_ROLE_ADMIN] = "admin",
};

const char *ob_role_name(enum ob_role r)
{
	return (unsigned)r < OB_ARRAY_SIZE(role_names) ? role_names[r] : "?";
}

bool ob_role_parse(const char *name, enum ob_role *r)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(role_names); i++)
		if (name && !strcmp(name, role_names[i])) {
			*r = (enum ob_role)i;
			return true;
		}
	return false;
}

bool ob_role_allows(enum ob_role have, enum ob_role need)
{
	switch (need) {
	case OB_ROLE_PUBLIC:
		return true;
	case OB_ROLE_SUBMITTER:
		return have == OB_ROLE_SUBMITTER || have == OB_ROLE_STEWARD || have == OB_ROLE_ADMIN;
	case OB_ROLE_ANALYST:
		return have == OB_ROLE_ANALYST || have == OB_ROLE_STEWARD || have == OB_ROLE_ADMIN;
	case OB_ROLE_STEWARD:
		return have == OB_ROLE_STEWARD || have == OB_ROLE_ADMIN;
	case OB_ROLE_ADMIN:
		return have == OB_ROLE_ADMIN;
	}
	return false;
}

void ob_principal_public(struct ob_principal *p)
{
	memset(p, 0, sizeof(*p));
	p->role = OB_ROLE_PUBLIC;
	ob_strlcpy(p->name, "public", sizeof(p->name));
}

ob_err ob_auth_init(void)
{
	return sodium_init() < 0 ? OB_ENOMEM : OB_OK;
}

bool ob_user_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > OB_MAX_USER_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

ob_err ob_password_check(const char *pw, size_t n, struct ob_diag *d)
{
	if (n < OB_MIN_PASSWORD)
		return OB_DIAG(d, OB_EINVAL, "contraseña", 0, 0, NULL, 0,
		               "la contraseña necesita al menos %d caracteres",
		               "the password needs at least %d characters", OB_MIN_PASSWORD);
	if (n > OB_MAX_PASSWORD)
		return OB_DIAG(d, OB_ETOOBIG, "contraseña", 0, 0, NULL, 0,
		               "la contraseña pasa de %d bytes",
		               "the password exceeds %d bytes", OB_MAX_PASSWORD);
	if (memchr(pw, '\0', n) || memchr(pw, '\n', n) || memchr(pw, '\r', n))
		return OB_DIAG(d, OB_EINVAL, "contraseña", 0, 0, NULL, 0,
		               "la contraseña no puede contener NUL ni saltos de línea",
		               "the password cannot contain NUL or line breaks");
	return OB_OK;
}

ob_err ob_password_hash(const char *pw, size_t n, char out[128], struct ob_diag *d)
{
	if (crypto_pwhash_str_alg(out, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                          crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		return OB_DIAG(d, OB_ENOMEM, "contraseña", 0, 0, NULL, 0,
		               "no hay memoria para el hash argon2id",
		               "no memory for the argon2id hash");
	return OB_OK;
}

bool ob_password_verify(const char *hash, const char *pw, size_t n)
{
	return hash && crypto_pwhash_str_verify(hash, pw, n) == 0;
}

static ob_err sql_error(struct ob_store *s, struct ob_diag *d, const char *what)
{
	return ob_diag_set(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0, "%s: %s", what,
	                   sqlite3_errmsg(ob_store_db(s)));
}

/* Run one statement inside the current transaction; SQLITE_DONE expected. */
static ob_err step_done(struct ob_store *s, sqlite3_stmt *st, struct ob_diag *d, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ob_diag_set(d, rc == SQLITE_CONSTRAINT ? OB_EEXISTS : OB_ESTORE,
		                   ob_store_dir(s), 0, 0, NULL, 0, "%s: %s", what,
		                   sqlite3_errmsg(ob_store_db(s)));
	return OB_OK;
}

ob_err ob_user_add(struct ob_store *s, const char *name, enum ob_role role,
                   const char *source, const char *password, size_t pw_len,
                   const char *actor, struct ob_diag *d)
{
	char hash[128], now[32], detail[OB_MAX_NAME + 64];
	sqlite3_stmt *st;
	ob_err e;

	if (!ob_user_name_valid(name))
		return OB_DIAG(d, OB_EINVAL, "usuario", 0, 0, name, name ? strlen(name) : 0,
		               "nombre de usuario no válido: de 1 a %d caracteres a-z, 0-9, "
		               "punto, guion o guion bajo, empezando por letra o dígito",
		               "invalid user name: 1 to %d characters a-z, 0-9, dot, hyphen "
		               "or underscore, starting with a letter or digit",
		               OB_MAX_USER_NAME);
	if ((role == OB_ROLE_SUBMITTER) != (source && *source))
		return role == OB_ROLE_SUBMITTER
		               ? OB_DIAG(d, OB_EINVAL, "usuario", 0, 0, name, strlen(name),
		                         "el rol submitter necesita --source FUENTE",
		                         "the submitter role needs --source SOURCE")
		               : OB_DIAG(d, OB_EINVAL, "usuario", 0, 0, name, strlen(name),
		                         "--source solo se usa con el rol submitter",
		                         "--source is used only with the submitter role");
	if (source && strlen(source) >= OB_MAX_NAME)
		return OB_DIAG(d, OB_ETOOBIG, "usuario", 0, 0, NULL, 0,
		               "fuente demasiado larga", "source too long");
	if (password) {
		if ((e = ob_password_check(password, pw_len, d)) ||
		    (e = ob_password_hash(password, pw_len, hash, d)))
			return e;
	}
	ob_audit_time((long long)time(NULL), now);
	if ((e = ob_store_begin(s, d)))
		return e;
	if ((e = ob_store_prepare(s, "INSERT INTO account(name, role, source, password, created_at)"
	                             " VALUES(?1, ?2, ?3, ?4, ?5)", &st, d)))
		goto rollback;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ob_role_name(role), -1, SQLITE_STATIC);
	if (role == OB_ROLE_SUBMITTER)
		sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
	if (password)
		sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	if ((e = step_done(s, st, d, "añadir usuario"))) {
		if (e == OB_EEXISTS)
			OB_DIAG(d, OB_EEXISTS, "usuario", 0, 0, name, strlen(name),
			        "ya existe un usuario con ese nombre",
			        "a user with that name already exists");
		goto rollback;
	}
	snprintf(detail, sizeof(detail), "role=%s%s%s%s", ob_role_name(role),
	         role == OB_ROLE_SUBMITTER ? " source=" : "",
	         role == OB_ROLE_SUBMITTER ? source : "", password ? " password" : "");
	if ((e = ob_audit_append(s, now, actor, "user.add", name, detail, NULL, d)))
		goto rollback;
	sodium_memzero(hash, sizeof(hash));
	return ob_store_commit(s, d);
rollback:
	sodium_memzero(hash, sizeof(hash));
	ob_store_rollback(s);
	return e;
}

static ob_err find_account(struct ob_store *s, const char *name, long long *id, bool *disabled,
                           struct ob_diag *d)
{
	sqlite3_stmt *st;
	int rc;

	if (ob_store_prepare(s, "SELECT id, disabled FROM account WHERE name = ?1", &st, d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*disabled = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return OB_OK;
	if (rc == SQLITE_DONE)
		return OB_DIAG(d, OB_ENOENT, "usuario", 0, 0, name, strlen(name),
		               "no existe ese usuario", "no such user");
	return sql_error(s, d, "usuario");
}

ob_err ob_user_disable(struct ob_store *s, const char *name, const char *actor,
                       struct ob_diag *d)
{
	sqlite3_stmt *st;
	long long id;
	bool disabled;
	ob_err e;

	if ((e = ob_store_begin(s, d)))
		return e;
	if ((e = find_account(s, name, &id, &disabled, d)))
		goto rollback;
	if ((e = ob_store_prepare(s, "UPDATE account SET disabled = 1 WHERE id = ?1", &st, d)))
		goto rollback;
	sqlite3_bind_int64(st, 1, id);
	if ((e = step_done(s, st, d, "desactivar usuario")))
		goto rollback;
	if ((e = ob_store_prepare(s, "UPDATE account_token SET revoked = 1 WHERE account = ?1",
	                          &st, d)))
		goto rollback;
	sqlite3_bind_int64(st, 1, id);
	if ((e = step_done(s, st, d, "revocar credenciales")))
		goto rollback;
	if ((e = ob_audit_append(s, NULL, actor, "user.disable", name,
	                         disabled ? "already disabled; tokens revoked" : "tokens revoked",
	                         NULL, d)))
		goto rollback;
	return ob_store_commit(s, d);
rollback:
	ob_store_rollback(s);
	return e;
}

/* A new random token and the hex SHA-256 the store keeps. */
static void new_token(char token[OB_TOKEN_SIZE], char hash[65])
{
	unsigned char raw[32], dg[OB_SHA256_LEN];
	struct ob_sha256 c;

	randombytes_buf(raw, sizeof(raw));
	memcpy(token, OB_TOKEN_PREFIX, 4);
	sodium_bin2base64(token + 4, OB_TOKEN_SIZE - 4, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	ob_sha256_init(&c);
	ob_sha256_update(&c, token, strlen(token));
	ob_sha256_final(&c, dg);
	ob_sha256_hex(dg, hash);
}

/* Insert a token row; inside the caller's transaction. */
static ob_err insert_token(struct ob_store *s, long long account, const char *kind,
                           const char *label, long long now, long long expires_at,
                           char token[OB_TOKEN_SIZE], long long *id, struct ob_diag *d)
{
	char hash[65], created[32], expires[32];
	sqlite3_stmt *st;
	ob_err e;

	new_token(token, hash);
	ob_audit_time(now, created);
	if (expires_at)
		ob_audit_time(expires_at, expires);
	if ((e = ob_store_prepare(s, "INSERT INTO account_token(account, hash, kind, label,"
	                             " created_at, expires_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	                          &st, d)))
		return e;
	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	if (label)
		sqlite3_bind_text(st, 4, label, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, created, -1, SQLITE_STATIC);
	if (expires_at)
		sqlite3_bind_text(st, 6, expires, -1, SQLITE_STATIC);
	if ((e = step_done(s, st, d, "guardar credencial")))
		return e;
	*id = sqlite3_last_insert_rowid(ob_store_db(s));
	return OB_OK;
}

ob_err ob_user_token(struct ob_store *s, const char *name, const char *label,
                     long long expires_in, long long now, const char *actor,
                     char token[OB_TOKEN_SIZE], struct ob_diag *d)
{
	char detail[OB_MAX_NAME + 96];
	long long account, id;
	bool disabled;
	ob_err e;

	token[0] = '\0';
	if (expires_in < 0)
		return OB_DIAG(d, OB_EINVAL, "credencial", 0, 0, NULL, 0,
		               "la vigencia no puede ser negativa",
		               "the validity cannot be negative");
	if (label && strlen(label) >= OB_MAX_NAME)
		return OB_DIAG(d, OB_ETOOBIG, "credencial", 0, 0, NULL, 0,
		               "etiqueta demasiado larga", "label too long");
	if ((e = ob_store_begin(s, d)))
		return e;
	if ((e = find_account(s, name, &account, &disabled, d)))
		goto rollback;
	if (disabled) {
		e = OB_DIAG(d, OB_ENOENT, "usuario", 0, 0, name, strlen(name),
		            "el usuario está desactivado", "the user is disabled");
		goto rollback;
	}
	if ((e = insert_token(s, account, "api", label, now, expires_in ? now + expires_in : 0,
	                      token, &id, d)))
		goto rollback;
	snprintf(detail, sizeof(detail), "token=%lld%s%s", id, label ? " label=" : "",
	         label ? label : "");
	if ((e = ob_audit_append(s, NULL, actor, "user.token", name, detail, NULL, d)))
		goto rollback;
	if ((e = ob_store_commit(s, d)))
		goto wipe;
	return OB_OK;
rollback:
	ob_store_rollback(s);
wipe:
	sodium_memzero(token, OB_TOKEN_SIZE);
	return e;
}

ob_err ob_user_list(struct ob_store *s, long long now,
                    int (*fn)(void *ctx, const struct ob_user_info *u), void *ctx,
                    struct ob_diag *d)
{
	sqlite3_stmt *st;
	char stamp[32];
	int rc;

	ob_audit_time(now, stamp);
	if (ob_store_prepare(s, "SELECT a.name, a.role, a.source, a.created_at, a.disabled,"
	                        " a.password IS NOT NULL, (SELECT count(*) FROM account_token t"
	                        " WHERE t.account = a.id AND NOT t.revoked AND"
	                        " (t.expires_at IS NULL OR t.expires_at > ?1))"
	                        " FROM account a ORDER BY a.name", &st, d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, stamp, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ob_user_info u = {
			(const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 3),
			sqlite3_column_int(st, 4) != 0,
			sqlite3_column_int(st, 5) != 0,
			sqlite3_column_int64(st, 6),
		};
		if (fn(ctx, &u)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? OB_OK : sql_error(s, d, "usuarios");
}

static bool token_shape_ok(const char *token)
{
	size_t n = token ? strlen(token) : 0;

	if (n != OB_TOKEN_SIZE - 1 || strncmp(token, OB_TOKEN_PREFIX, 4))
		return false;
	for (size_t i = 4; i < n; i++) {
		char c = token[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

ob_err ob_auth_token(struct ob_store *s, const char *token, long long now,
                     struct ob_principal *p, struct ob_diag *d)
{
	unsigned char dg[OB_SHA256_LEN];
	struct ob_sha256 c;
	sqlite3_stmt *st;
	char hash[65], stamp[32];
	int rc;
	ob_err e = OB_ENOENT;

	ob_principal_public(p);
	if (!token_shape_ok(token))
		return OB_ENOENT;
	ob_sha256_init(&c);
	ob_sha256_update(&c, token, strlen(token));
	ob_sha256_final(&c, dg);
	ob_sha256_hex(dg, hash);
	ob_audit_time(now, stamp);
	if (ob_store_prepare(s, "SELECT a.id, a.name, a.role, a.source, t.id, t.kind"
	                        " FROM account_token t JOIN account a ON a.id = t.account"
	                        " WHERE t.hash = ?1 AND NOT t.revoked AND NOT a.disabled"
	                        " AND (t.expires_at IS NULL OR t.expires_at > ?2)", &st, d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, stamp, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *src = (const char *)sqlite3_column_text(st, 3);
		p->account = sqlite3_column_int64(st, 0);
		ob_strlcpy(p->name, (const char *)sqlite3_column_text(st, 1), sizeof(p->name));
		if (!ob_role_parse((const char *)sqlite3_column_text(st, 2), &p->role))
			p->role = OB_ROLE_PUBLIC;
		ob_strlcpy(p->source, src ? src : "", sizeof(p->source));
		p->token = sqlite3_column_int64(st, 4);
		p->session = !strcmp((const char *)sqlite3_column_text(st, 5), "session");
		e = OB_OK;
	} else if (rc != SQLITE_DONE) {
		e = sql_error(s, d, "credencial");
	}
	sqlite3_finalize(st);
	return e;
}

/* A hash to check against when the account does not exist, so that a
 * wrong name costs the same time as a wrong password. */
static char dummy[128];

static void make_dummy(void)
{
	unsigned char pw[16];

	randombytes_buf(pw, sizeof(pw));
	if (crypto_pwhash_str_alg(dummy, (const char *)pw, sizeof(pw),
	                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                          crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		dummy[0] = '\0';
}

static const char *dummy_hash(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, make_dummy);
	return dummy[0] ? dummy : NULL;
}

ob_err ob_auth_login(struct ob_store *s, const char *name, const char *password,
                     size_t pw_len, long long now, const char *address,
                     char token[OB_TOKEN_SIZE], long long *expires_at,
                     struct ob_principal *p, struct ob_diag *d)
{
	sqlite3_stmt *st;
	char *stored = NULL, detail[128];
	long long account = 0, id;
	bool disabled = true, ok;
	enum ob_role role = OB_ROLE_PUBLIC;
	char source[OB_MAX_NAME] = "";
	ob_err e;
	int rc;

	token[0] = '\0';
	ob_principal_public(p);
	if (ob_user_name_valid(name) && pw_len <= OB_MAX_PASSWORD) {
		if (ob_store_prepare(s, "SELECT id, password, disabled, role, source FROM account"
		                        " WHERE name = ?1", &st, d))
			return OB_ESTORE;
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const char *h = (const char *)sqlite3_column_text(st, 1);
			const char *src = (const char *)sqlite3_column_text(st, 4);
			account = sqlite3_column_int64(st, 0);
			stored = h ? ob_strdup(h) : NULL;
			disabled = sqlite3_column_int(st, 2) != 0;
			if (!ob_role_parse((const char *)sqlite3_column_text(st, 3), &role))
				disabled = true;
			ob_strlcpy(source, src ? src : "", sizeof(source));
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return sql_error(s, d, "usuario");
	}
	ok = ob_password_verify(stored ? stored : dummy_hash(), password, pw_len) && stored &&
	     !disabled;
	free(stored);
	if (!ok)
		return OB_ENOENT;
	if ((e = ob_store_begin(s, d)))
		return e;
	/* ended sessions are of no use: the table does not grow with logins */
	{
		sqlite3_stmt *del;
		char stamp[32];

		ob_audit_time(now, stamp);
		if ((e = ob_store_prepare(s, "DELETE FROM account_token WHERE kind = 'session'"
		                             " AND (revoked OR expires_at <= ?1)", &del, d)))
			goto rollback;
		sqlite3_bind_text(del, 1, stamp, -1, SQLITE_TRANSIENT);
		if ((e = step_done(s, del, d, "sesiones vencidas")))
			goto rollback;
	}
	*expires_at = now + OB_SESSION_SECONDS;
	if ((e = insert_token(s, account, "session", NULL, now, *expires_at, token, &id, d)))
		goto rollback;
	snprintf(detail, sizeof(detail), "session=%lld address=%s", id, address ? address : "");
	if ((e = ob_audit_append(s, NULL, name, "login", name, detail, NULL, d)))
		goto rollback;
	if ((e = ob_store_commit(s, d)))
		goto wipe;
	p->account = account;
	ob_strlcpy(p->name, name, sizeof(p->name));
	p->role = role;
	ob_strlcpy(p->source, source, sizeof(p->source));
	p->token = id;
	p->session = true;
	return OB_OK;
rollback:
	ob_store_rollback(s);
wipe:
	sodium_memzero(token, OB_TOKEN_SIZE);
	return e;
}

ob_err ob_auth_logout(struct ob_store *s, const struct ob_principal *p, struct ob_diag *d)
{
	sqlite3_stmt *st;
	char detail[64];
	ob_err e;

	if (!p->token)
		return OB_DIAG(d, OB_EINVAL, "sesión", 0, 0, NULL, 0,
		               "no hay sesión que cerrar", "there is no session to close");
	if ((e = ob_store_begin(s, d)))
		return e;
	if ((e = ob_store_prepare(s, "UPDATE account_token SET revoked = 1 WHERE id = ?1", &st, d)))
		goto rollback;
	sqlite3_bind_int64(st, 1, p->token);
	if ((e = step_done(s, st, d, "cerrar sesión")))
		goto rollback;
	snprintf(detail, sizeof(detail), "token=%lld", p->token);
	if ((e = ob_audit_append(s, NULL, p->name, "logout", p->name, detail, NULL, d)))
		goto rollback;
	return ob_store_commit(s, d);
rollback:
	ob_store_rollback(s);
	return e;
}
