/*
 * accounts.h - the account store: accounts, roles, passwords, API tokens
 * and login sessions, kept in the store's account and account_token tables.
 * Used by "observa user" to manage accounts and by the HTTP server
 * (http/auth.h) to know who makes a request; nothing here speaks HTTP.
 *
 * Roles (stored by name in account.role):
 *   public     what anyone sees without logging in (the default principal);
 *   submitter  an institution's account: only what concerns its one source
 *              (account.source);
 *   analyst    aggregated data and analyses, never record-level data;
 *   steward    data steward: record-level data, quarantine, logbook;
 *   admin      everything, accounts included.
 * ob_role_allows() says whether a role may use a route that requires
 * another: public < analyst < steward < admin in a line; submitter is beside
 * the line (it reaches public routes and submitter routes for its source),
 * and steward and admin may use submitter routes too.
 *
 * Secrets: passwords are hashed with argon2id (libsodium's crypto_pwhash_str
 * with the interactive limits) and never stored or logged in clear. API and
 * session tokens are 32 random bytes (randombytes_buf) written as "obs_" and
 * 43 characters of URL-safe base64; the store keeps only their SHA-256 (a
 * fast hash is enough for a secret of 256 random bits), so a copy of the
 * store gives no usable token. A token is shown once, when it is made; the
 * caller owns the buffer it is written to and wipes it.
 *
 * Every change (account added or disabled, token made or revoked, login,
 * logout) writes an audit entry in the same transaction (store/audit.h).
 *
 * Call ob_auth_init() once before anything else here (it initialises
 * libsodium; safe to call again).
 */
#ifndef OB_ACCOUNTS_H
#define OB_ACCOUNTS_H

#include "store/store.h"

enum ob_role {
	OB_ROLE_PUBLIC,
	OB_ROLE_SUBMITTER,
	OB_ROLE_ANALYST,
	OB_ROLE_STEWARD,
	OB_ROLE_ADMIN,
};

/* "obs_" + 43 base64url characters, plus NUL. */
#define OB_TOKEN_PREFIX "obs_"
#define OB_TOKEN_SIZE 48

const char *ob_role_name(enum ob_role r);
/* false for an unknown name */
bool ob_role_parse(const char *name, enum ob_role *r);
bool ob_role_allows(enum ob_role have, enum ob_role need);

/* Who made a request: the public when no valid token came with it. */
struct ob_principal {
	long long account;          /* 0 for the public */
	char name[OB_MAX_USER_NAME + 1];
	enum ob_role role;
	char source[OB_MAX_NAME];   /* submitter's source, else empty */
	long long token;            /* id of the token used, 0 for none */
	bool session;               /* the token is a login session */
};

void ob_principal_public(struct ob_principal *p);

ob_err ob_auth_init(void);

/* A user name: 1 to OB_MAX_USER_NAME of a-z 0-9 . _ -, starting with a
 * letter or digit. */
bool ob_user_name_valid(const char *name);

/* A password: OB_MIN_PASSWORD to OB_MAX_PASSWORD bytes, no NUL, no line
 * breaks. On failure d says why. */
ob_err ob_password_check(const char *pw, size_t n, struct ob_diag *d);

/* argon2id string (crypto_pwhash_STRBYTES = 128 bytes with its NUL). */
ob_err ob_password_hash(const char *pw, size_t n, char out[128], struct ob_diag *d);
bool ob_password_verify(const char *hash, const char *pw, size_t n);

/*
 * Add an account. password may be NULL for an account that only uses API
 * tokens. source is required for a submitter and refused for other roles.
 * actor names who did it (for the audit log). OB_EEXISTS when the name is
 * taken, OB_EINVAL for a bad name, role/source or password.
 */
ob_err ob_user_add(struct ob_store *s, const char *name, enum ob_role role,
                   const char *source, const char *password, size_t pw_len,
                   const char *actor, struct ob_diag *d);

/* Disable an account and revoke all its tokens. OB_ENOENT when unknown. */
ob_err ob_user_disable(struct ob_store *s, const char *name, const char *actor,
                       struct ob_diag *d);

/*
 * Make an API token for an account; its clear text goes to token (shown
 * once, never stored). expires_in is in seconds from now, 0 for a token
 * that does not expire. OB_ENOENT for an unknown or disabled account.
 */
ob_err ob_user_token(struct ob_store *s, const char *name, const char *label,
                     long long expires_in, long long now, const char *actor,
                     char token[OB_TOKEN_SIZE], struct ob_diag *d);

struct ob_user_info {
	const char *name, *role, *source, *created_at;
	bool disabled, has_password;
	long long tokens; /* live tokens (not revoked, not expired) */
};

ob_err ob_user_list(struct ob_store *s, long long now,
                    int (*fn)(void *ctx, const struct ob_user_info *u), void *ctx,
                    struct ob_diag *d);

/*
 * The principal a bearer token stands for. OB_ENOENT (and p set to the
 * public) when the token is malformed, unknown, revoked, expired, or its
 * account is disabled: the caller answers 401 without saying which.
 */
ob_err ob_auth_token(struct ob_store *s, const char *token, long long now,
                     struct ob_principal *p, struct ob_diag *d);

/*
 * Check a user's password and open a session (a token of kind "session"
 * lasting OB_SESSION_SECONDS). OB_ENOENT for a wrong name or password, an
 * account without password or a disabled one, all alike (and taking about
 * the same time). The caller applies the rate limit first.
 */
ob_err ob_auth_login(struct ob_store *s, const char *name, const char *password,
                     size_t pw_len, long long now, const char *address,
                     char token[OB_TOKEN_SIZE], long long *expires_at,
                     struct ob_principal *p, struct ob_diag *d);

/* Revoke the token p came with. */
ob_err ob_auth_logout(struct ob_store *s, const struct ob_principal *p, struct ob_diag *d);

#endif
