/*
 * auth.h - accounts, roles, passwords, API tokens, sessions and the login
 * rate limit.
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
 * store gives no usable token. A token is shown once, when it is made.
 *
 * Every change (account added or disabled, token made or revoked, login,
 * logout) writes an audit entry in the same transaction (store/audit.h);
 * refusals (failed logins, 401, 403) are written by ob_auth_refused().
 *
 * Call ob_auth_init() once before anything else here (it initialises
 * libsodium; safe to call again).
 */
#ifndef OB_AUTH_H
#define OB_AUTH_H

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

/*
 * Login throttle, in memory (a restart forgets it).
 *
 * Failures are counted per pair of account name and client address: after
 * OB_LOGIN_FREE_FAILS failures of a pair, its next attempt must wait
 * OB_LOGIN_BACKOFF seconds from the last failure, doubling with each further
 * failure up to OB_LOGIN_BACKOFF_MAX; a success clears the pair, and a pair
 * without failures for OB_LOGIN_FORGET seconds is forgotten. Besides, an
 * address with OB_LOGIN_FAILS_ADDR failures (any accounts) in a window of
 * OB_LOGIN_WINDOW seconds from its first failure may not try again until
 * the window ends. Attempts held back are refused without checking the
 * password; the caller answers 429 with Retry-After.
 *
 * So an attacker's failures never lock the account's owner out: they slow
 * the attacker's own address, never another. Guessing spread over many
 * addresses is slowed by each address's limits and by argon2id, and every
 * failure reaches the audit log (ob_auth_refused). Names that do not exist
 * are counted like those that do, so the throttle does not reveal which
 * accounts exist.
 *
 * At most OB_LOGIN_TRACKED keys are remembered; when full, a forgotten key
 * is reused, else the one touched longest ago. Safe to call from several
 * threads.
 */
struct ob_ratelimit;

struct ob_ratelimit *ob_ratelimit_new(void);
void ob_ratelimit_free(struct ob_ratelimit *rl);

/* May user try to log in from addr now? If not, *retry_after (seconds). */
bool ob_ratelimit_allow(struct ob_ratelimit *rl, const char *user, const char *addr,
                        long long now, long long *retry_after);
void ob_ratelimit_failure(struct ob_ratelimit *rl, const char *user, const char *addr,
                          long long now);
void ob_ratelimit_success(struct ob_ratelimit *rl, const char *user, const char *addr,
                          long long now);

/*
 * Refusals in the audit log: failed logins ("login.fail"), logins held back
 * by the throttle ("login.throttled"), 401 ("http.401") and 403
 * ("http.403") answers. actor is who asked (an account, or "public"),
 * object what was refused (the account name tried, or the route), detail a
 * short text (the address is added).
 *
 * Bounded, so that a client cannot flood the log (rl keeps the counts; the
 * limits are in limits.h): the first refusal of a kind (event, actor,
 * object, address) in a minute is written at once; its repeats in that
 * minute are counted and written as one entry with "repeated": N when the
 * minute is over (at the next refusal, or at ob_auth_refusals_flush()). In
 * one minute at most OB_AUDIT_REFUSALS_MINUTE refusals are written one by
 * one; the rest are counted and written as one "refusals.dropped" entry.
 * With rl NULL each refusal is written as it comes. A store error is
 * logged, never turned into another answer. Safe from several threads, each
 * with its own store connection.
 */
void ob_auth_refused(struct ob_ratelimit *rl, struct ob_store *s, const char *event,
                     const char *actor, const char *object, const char *address,
                     const char *detail, long long now);
/* Write the counts still held (at shutdown). */
void ob_auth_refusals_flush(struct ob_ratelimit *rl, struct ob_store *s, long long now);

#endif
