/*
 * audit.h - the append-only, hash-chained audit log.
 *
 * Every read of record-level or personal data and every change is written
 * to the store's table audit(seq, at, actor, action, object, detail,
 * prev_hash, hash), in the same transaction as the change it records: if
 * the change is rolled back, so is its entry, and if the entry cannot be
 * written, the change does not happen (and a read returns nothing).
 *
 * The chain: entry N's prev_hash is entry N-1's hash (64 zeros for entry
 * 1), and its hash is the SHA-256, in lower-case hex, of
 *
 *   prev_hash "\n" F(seq) F(at) F(actor) F(action) F(object) F(detail)
 *
 * where F(x) is the decimal byte length of x, ':', the bytes of x, and ';'
 * (seq written in decimal). Changing, adding or removing any entry breaks
 * the chain from that entry on; ob_audit_verify() finds where. The head
 * (last seq and hash) is also kept in meta key "audit_head", updated in the
 * same transaction, so that removing the last entries is seen too. An
 * attacker who rewrites the whole chain and the head is caught only by a
 * copy of the head kept elsewhere: `observa audit verify --anchor SEQ:HASH`.
 *
 * As a second line, SQLite triggers refuse UPDATE and DELETE on the table
 * and an INSERT whose seq is not the next one.
 *
 * Nothing here keeps memory between calls; the caller owns the store.
 */
#ifndef OB_AUDIT_H
#define OB_AUDIT_H

#include "store/store.h"

#define OB_AUDIT_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/*
 * Append an entry. Inside the caller's transaction when one is open (the
 * usual case: the entry belongs to a change); otherwise in a transaction of
 * its own. at is the UTC time "yyyy-mm-ddThh:mm:ssZ", or NULL for now.
 * actor, action and object must not be empty; detail may be NULL (empty).
 * Errors: OB_EINVAL (empty field), OB_ETOOBIG (detail over
 * OB_MAX_AUDIT_DETAIL), OB_ESTORE. *seq (if not NULL) receives the entry's
 * number.
 */
ob_err ob_audit_append(struct ob_store *s, const char *at, const char *actor,
                       const char *action, const char *object, const char *detail,
                       long long *seq, struct ob_diag *d);

/* The hash of an entry from its fields (see above). */
void ob_audit_hash(const char *prev_hash, long long seq, const char *at, const char *actor,
                   const char *action, const char *object, const char *detail,
                   char hex[65]);

/* One entry as read back. Strings belong to the statement and are valid
 * only during the callback. */
struct ob_audit_entry {
	long long seq;
	const char *at, *actor, *action, *object, *detail, *prev_hash, *hash;
};

/* Call fn for entries with seq >= from (in order), at most limit of them
 * (0: all); filter by actor and action when not NULL. fn returns non-zero
 * to stop. */
ob_err ob_audit_list(struct ob_store *s, long long from, long long limit, const char *actor,
                     const char *action,
                     int (*fn)(void *ctx, const struct ob_audit_entry *e), void *ctx,
                     struct ob_diag *d);

struct ob_audit_report {
	long long entries;     /* rows read */
	long long head_seq;    /* last seq in the table (0 when empty) */
	char head_hash[65];    /* its stored hash */
	long long problems;    /* how many problems were reported */
	long long first_bad;   /* seq of the first problem, 0 when none */
};

/*
 * Check the whole chain. Every problem is reported through fn (may be NULL)
 * with the seq it concerns and a message in Spanish then English:
 * an entry whose content does not match its hash (edited), one that does not
 * link to the previous entry (an entry inserted or removed, or the previous
 * one edited along with its hash), missing numbers (removed entries),
 * a head in meta that does not match the table (entries removed or added at
 * the end). When anchor_seq > 0, entry anchor_seq must have hash anchor_hash.
 * Returns OB_OK when the check ran (rep->problems says whether the chain is
 * sound), OB_ESTORE when the table could not be read.
 */
ob_err ob_audit_verify(struct ob_store *s, long long anchor_seq, const char *anchor_hash,
                       void (*fn)(void *ctx, long long seq, const char *message), void *ctx,
                       struct ob_audit_report *rep, struct ob_diag *d);

/* UTC "yyyy-mm-ddThh:mm:ssZ" of a time (seconds since the epoch). */
void ob_audit_time(long long t, char out[32]);

#endif
