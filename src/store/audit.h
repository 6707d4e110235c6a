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
 * attacker who cuts the tail and rewrites the head, or rewrites the whole
 * chain, is caught by copies of the head kept elsewhere (anchors): every
 * release's manifest.json holds the head at the time it was published, and
 * `observa audit verify` checks the chain against all of them (and against
 * --anchor SEQ:HASH).
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

/* How many entries of actor with action were appended at or after since
 * (a time as ob_audit_time writes it), into *n. Read through the index of
 * migration 20: the count costs the entries it counts, not the log. */
ob_err ob_audit_count_since(struct ob_store *s, const char *actor, const char *action,
                            const char *since, long long *n, struct ob_diag *d);

/* Call fn for the entries with action appended at or after from and before
 * to (times as ob_audit_time writes them, compared byte by byte), in order
 * of seq; fn returns non-zero to stop. Through the same index. */
ob_err ob_audit_list_period(struct ob_store *s, const char *action, const char *from,
                            const char *to,
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

/* A copy of the head kept outside the log: entry seq must have hash.
 * from names where it came from ("v3", "--anchor"), for the messages. */
struct ob_audit_anchor {
	long long seq;
	char hash[65];
	char from[64];
};

/*
 * ob_audit_verify() with any number of anchors (n may be 0): each anchor's
 * entry must be in the log with the anchor's hash; an anchor past the end
 * of the log means entries were cut from the end.
 */
ob_err ob_audit_verify_anchors(struct ob_store *s, const struct ob_audit_anchor *anchors,
                               size_t n, void (*fn)(void *ctx, long long seq, const char *message),
                               void *ctx, struct ob_audit_report *rep, struct ob_diag *d);

/* The last entry's seq and hash (0 and "" when the log is empty). */
ob_err ob_audit_head(struct ob_store *s, long long *seq, char hash[65], struct ob_diag *d);

/* ---- showing protected fields: the one rule ---- */

/*
 * Before the first byte of a protected field leaves observa (standard
 * output, a file it writes, an HTTP response, a page), the path that shows
 * it calls ob_audit_disclose(), and shows nothing when it fails. Protected
 * fields: a person's names, document and address; raw quarantined rows and
 * rejected values; source ids with exact dates (reconciliation); links
 * between person records; review pairs; and unsuppressed counts shown to
 * analysts. docs/audit.md lists every path.
 *
 * The entry (action and object as given; actor = who) is appended in a
 * transaction of its own, with the log synced to disk (synchronous=FULL)
 * before it returns: once it returns OB_OK the entry survives a crash of
 * the process or the machine, and whatever the reader does next (closes
 * the pipe, disconnects, is killed) there is exactly one entry for the
 * read. Its detail is a JSON object:
 *   {"records":N, "query":"...", "purpose":"...", "role":"...",
 *    "to":"...", "os_user":"..."}
 * with the members given (query, purpose, to and os_user only when set).
 * records is the exact number of records shown: every path counts before
 * it shows (a COUNT query, or the result it holds in memory).
 *
 * Errors: OB_EUSAGE when the observatory requires a purpose of role and
 * none (or a malformed one) was given; OB_EINVAL when a transaction is
 * open or a field is missing; OB_ETOOBIG; OB_ESTORE when the entry could
 * not be written (a read-only store, a full disk): then show nothing.
 */
struct ob_disclosure {
	const char *actor;   /* who: an account, --user, or "cli:<os user>" */
	const char *role;    /* for the purpose policy: "cli", "analyst", "steward", "admin"... */
	const char *action;  /* the event: "review.list", "quarantine.export", "read"... */
	const char *object;  /* which records: a table or a run ("reconcile_run:3") */
	const char *query;   /* the selection (filters, page), or NULL */
	const char *purpose; /* the stated purpose, or NULL */
	const char *to;      /* where the data goes: "stdout", a path, "http 10.0.0.7" */
	const char *os_user; /* the operating-system user when actor is another name */
	long long records;   /* how many records are shown */
};

ob_err ob_audit_disclose(struct ob_store *s, const struct ob_disclosure *x, long long *seq,
                         struct ob_diag *d);

/*
 * The purpose policy: which roles must state why they read personal data.
 * Kept in meta key "audit_purpose" as a comma-separated list of role names
 * (cli = the command line; analyst, steward, admin, submitter = API
 * accounts); empty or absent: none. Changing it writes an "audit.policy"
 * entry in the same transaction.
 */
#define OB_AUDIT_PURPOSE_ROLES "cli,submitter,analyst,steward,admin"

/* The current list into out ("" when none). */
ob_err ob_audit_purpose_roles(struct ob_store *s, char *out, size_t size, struct ob_diag *d);
/* Must role state a purpose? (false when the policy cannot be read) */
bool ob_audit_purpose_required(struct ob_store *s, const char *role);
/* Set the list: "none", "all", or role names separated by commas
 * (OB_EUSAGE for an unknown one). */
ob_err ob_audit_purpose_set(struct ob_store *s, const char *roles, const char *actor,
                            struct ob_diag *d);
/* A purpose must have 3 to OB_MAX_PURPOSE bytes of UTF-8 text, no control
 * characters, and not be blank. OB_EUSAGE with the reason otherwise. */
ob_err ob_audit_purpose_check(const char *purpose, struct ob_diag *d);

#endif
