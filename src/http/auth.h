/*
 * auth.h - what the HTTP server adds to the account store
 * (accounts/accounts.h): the login rate limit and the refusals (failed
 * logins, 401, 403) in the audit log.
 */
#ifndef OB_AUTH_H
#define OB_AUTH_H

#include "accounts/accounts.h"

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
