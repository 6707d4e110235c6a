/* accounts.c - accounts, password hashes, API tokens and sessions in the
 * store (see accounts.h). */
#include "accounts/accounts.h"

#include <pthread.h>
#include <time.h>
#include <sodium.h>

#include "base/sha256.h"
#include "store/accounts.h"
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

ob_err ob_user_add(struct ob_store *s, const char *name, enum ob_role role,
                   const char *source, const char *password, size_t pw_len,
                   const char *actor, struct ob_diag *d)
{
	char hash[128], now[32], detail[OB_MAX_NAME + 64];
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
	if ((e = ob_store_account_add(s, name, ob_role_name(role),
	                              role == OB_ROLE_SUBMITTER ? source : NULL,
	                              password ? hash : NULL, now, d))) {
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
	struct ob_store_account a;
	bool found;
	ob_err e;

	*id = 0;
	*disabled = true;
	if ((e = ob_store_account_find(s, name, &a, &found, d)))
		return e;
	if (!found)
		return OB_DIAG(d, OB_ENOENT, "usuario", 0, 0, name, strlen(name),
		               "no existe ese usuario", "no such user");
	*id = a.id;
	*disabled = a.disabled;
	sodium_memzero(&a, sizeof(a));
	return OB_OK;
}

ob_err ob_user_disable(struct ob_store *s, const char *name, const char *actor,
                       struct ob_diag *d)
{
	long long id;
	bool disabled;
	ob_err e;

	if ((e = ob_store_begin(s, d)))
		return e;
	if ((e = find_account(s, name, &id, &disabled, d)))
		goto rollback;
	if ((e = ob_store_account_disable(s, id, d)))
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
	ob_err e;

	new_token(token, hash);
	ob_audit_time(now, created);
	if (expires_at)
		ob_audit_time(expires_at, expires);
	e = ob_store_token_add(s, account, kind, hash, label, created, expires_at ? expires : NULL,
	                       id, d);
	sodium_memzero(hash, sizeof(hash));
	return e;
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

struct list_ctx {
	int (*fn)(void *ctx, const struct ob_user_info *u);
	void *ctx;
};

static int list_one(void *arg, const struct ob_store_account_row *r)
{
	struct list_ctx *l = arg;
	struct ob_user_info u = {
		r->name, r->role, r->source, r->created_at, r->disabled, r->has_password, r->tokens,
	};

	return l->fn(l->ctx, &u) ? 1 : 0;
}

ob_err ob_user_list(struct ob_store *s, long long now,
                    int (*fn)(void *ctx, const struct ob_user_info *u), void *ctx,
                    struct ob_diag *d)
{
	struct list_ctx l = { fn, ctx };
	char stamp[32];

	ob_audit_time(now, stamp);
	return ob_store_accounts_each(s, stamp, list_one, &l, d) < 0 ? OB_ESTORE : OB_OK;
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
	char hash[65], stamp[32];
	ob_err e = OB_ENOENT;

	ob_principal_public(p);
	if (!token_shape_ok(token))
		return OB_ENOENT;
	ob_sha256_init(&c);
	ob_sha256_update(&c, token, strlen(token));
	ob_sha256_final(&c, dg);
	ob_sha256_hex(dg, hash);
	ob_audit_time(now, stamp);
	{
		struct ob_store_token_owner o;
		bool found;

		if (ob_store_token_find(s, hash, stamp, &o, &found, d))
			return OB_ESTORE;
		if (found) {
			p->account = o.account;
			ob_strlcpy(p->name, o.name, sizeof(p->name));
			if (!ob_role_parse(o.role, &p->role))
				p->role = OB_ROLE_PUBLIC;
			ob_strlcpy(p->source, o.source, sizeof(p->source));
			p->token = o.token;
			p->session = o.session;
			e = OB_OK;
		}
	}
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
	char *stored = NULL, detail[128];
	long long account = 0, id;
	bool disabled = true, ok;
	enum ob_role role = OB_ROLE_PUBLIC;
	char source[OB_MAX_NAME] = "";
	ob_err e;

	token[0] = '\0';
	ob_principal_public(p);
	if (ob_user_name_valid(name) && pw_len <= OB_MAX_PASSWORD) {
		struct ob_store_account a;
		bool found;

		if ((e = ob_store_account_find(s, name, &a, &found, d)))
			return e;
		if (found) {
			account = a.id;
			stored = a.has_password ? ob_strdup(a.password) : NULL;
			disabled = a.disabled;
			if (!ob_role_parse(a.role, &role))
				disabled = true;
			ob_strlcpy(source, a.source, sizeof(source));
		}
		sodium_memzero(&a, sizeof(a));
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
		char stamp[32];

		ob_audit_time(now, stamp);
		if ((e = ob_store_sessions_purge(s, stamp, d)))
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
	char detail[64];
	ob_err e;

	if (!p->token)
		return OB_DIAG(d, OB_EINVAL, "sesión", 0, 0, NULL, 0,
		               "no hay sesión que cerrar", "there is no session to close");
	if ((e = ob_store_begin(s, d)))
		return e;
	if ((e = ob_store_token_revoke(s, p->token, d)))
		goto rollback;
	snprintf(detail, sizeof(detail), "token=%lld", p->token);
	if ((e = ob_audit_append(s, NULL, p->name, "logout", p->name, detail, NULL, d)))
		goto rollback;
	return ob_store_commit(s, d);
rollback:
	ob_store_rollback(s);
	return e;
}
