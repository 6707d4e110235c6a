/*
 * accounts.h - the rows of accounts and their tokens (tables account and
 * account_token), for src/accounts, which decides what they mean: roles,
 * password hashing, token secrets, sessions and their audit entries.
 *
 * Nothing here sees a secret in clear: passwords arrive hashed (argon2id
 * strings) and tokens as the hex SHA-256 of the token.
 *
 * Ownership: strings passed in are read during the call only. Results are
 * copied into the caller's struct. Writes happen inside the caller's
 * ob_store_begin()/ob_store_commit(). Errors: OB_ESTORE with d holding the
 * database's message, unless said otherwise.
 */
#ifndef OB_STORE_ACCOUNTS_H
#define OB_STORE_ACCOUNTS_H

#include "store/store.h"

/* An account as the store keeps it. */
struct ob_store_account {
	long long id;
	bool disabled;
	bool has_password;
	char role[32];               /* the role's name; "" when unreadable */
	char source[OB_MAX_NAME];    /* a submitter's source, else "" */
	char password[128];          /* the argon2id string, "" when none */
};

/* Add an account (source and password_hash may be NULL). OB_EEXISTS with d
 * untouched when the name is taken. */
ob_err ob_store_account_add(struct ob_store *s, const char *name, const char *role,
                            const char *source, const char *password_hash,
                            const char *created_at, struct ob_diag *d);

/* The account called name into *a; *found false when there is none. */
ob_err ob_store_account_find(struct ob_store *s, const char *name, struct ob_store_account *a,
                             bool *found, struct ob_diag *d);

/* Mark account id disabled and revoke all its tokens. */
ob_err ob_store_account_disable(struct ob_store *s, long long id, struct ob_diag *d);

/* A row of the list of accounts: live tokens are neither revoked nor
 * expired at the time given to ob_store_accounts_each(). */
struct ob_store_account_row {
	const char *name, *role, *source, *created_at;   /* source: NULL when none */
	bool disabled, has_password;
	long long tokens;
};

/* Call each for every account, by name; `now` is an audit timestamp
 * (store/audit.h). Returns 0 when all were given, each's non-zero return
 * when it stopped, -1 with d filled when the store failed. */
int ob_store_accounts_each(struct ob_store *s, const char *now,
                           int (*each)(void *arg, const struct ob_store_account_row *r),
                           void *arg, struct ob_diag *d);

/* Add a token of kind "api" or "session" (label and expires_at may be
 * NULL); its id in *id. */
ob_err ob_store_token_add(struct ob_store *s, long long account, const char *kind,
                          const char *hash, const char *label, const char *created_at,
                          const char *expires_at, long long *id, struct ob_diag *d);

/* The live token whose hash is `hash` (not revoked, not expired at `now`,
 * of an account not disabled), with its account. */
struct ob_store_token_owner {
	long long account, token;
	char name[OB_MAX_NAME];
	char role[32];
	char source[OB_MAX_NAME];
	bool session;
};
ob_err ob_store_token_find(struct ob_store *s, const char *hash, const char *now,
                           struct ob_store_token_owner *o, bool *found, struct ob_diag *d);

/* Revoke token id. */
ob_err ob_store_token_revoke(struct ob_store *s, long long id, struct ob_diag *d);

/* Delete the sessions that ended (revoked, or expired at `now`). */
ob_err ob_store_sessions_purge(struct ob_store *s, const char *now, struct ob_diag *d);

#endif
