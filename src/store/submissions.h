/*
 * submissions.h - the logbook: one entry per delivery an institution sent
 * (its file, period, counts of rows, version and what superseded it), as
 * the store keeps it in its table submission.
 *
 * Every reader of the logbook (`observa log`, GET /api/v1/logbook, the
 * portal's logbook page and the page after an upload) describes what it
 * wants with a struct ob_submission_filter and reads through
 * ob_store_submissions_count() and ob_store_submissions_each().
 *
 * Ownership: the filter's strings are borrowed for the call. An entry's
 * strings belong to the store and live only during the callback that
 * receives it: copy what must outlive it.
 */
#ifndef OB_STORE_SUBMISSIONS_H
#define OB_STORE_SUBMISSIONS_H

#include "store/store.h"

enum ob_submissions_order {
	OB_SUBMISSIONS_BY_ID,           /* oldest first (the API) */
	OB_SUBMISSIONS_LATEST_FIRST,    /* newest first (the portal) */
	OB_SUBMISSIONS_BY_SOURCE,       /* by source, then period, then id (observa log) */
};

struct ob_submission_filter {
	const char *source;    /* a source's code; NULL: every source */
	long long id;          /* one submission; 0: every one */
	const char *sha256;    /* deliveries of these bytes; NULL: any */
	bool current_only;     /* only deliveries no later one superseded */
	long long not_id;      /* leave out this submission; 0: none */
	/* deliveries whose period overlaps from..to (ISO dates, both or
	 * neither); NULL: any period */
	const char *overlap_from, *overlap_to;
	enum ob_submissions_order order;
	long long limit;       /* at most this many; negative: all */
	long long offset;      /* after skipping this many (with a limit) */
};

/* A logbook entry. Strings marked "or NULL" are NULL when the store holds
 * none (entries written by older versions lack the later columns). */
struct ob_submission {
	long long id;
	const char *source, *file_name, *sha256;
	const char *institution, *country;        /* or NULL */
	const char *period_from, *period_to;      /* ISO dates, or NULL */
	const char *period, *period_basis;        /* "2023-Q1", declared|file_name|rows; or NULL */
	long long rows_read, accepted, rejected, warned;
	long long victims;     /* victims of the accepted rows (accepted when not kept) */
	long long version;
	long long supersedes, superseded_by;      /* submission ids; 0 when none */
	const char *encoding, *delimiter;         /* or NULL */
	const char *ingested_at, *observa_version;
	const char *profile_sha256, *crosswalks_sha256; /* or NULL */
	const char *reasons;   /* JSON counts of reasons by kind and column, or NULL */
	bool aggregate;        /* an aggregate source's delivery */
	long long reread;      /* 0 for the first reading of these bytes, n for the n-th again */
	long long fields;      /* the canonical fields it supplied (bit i: enum ob_field i) */
	bool fields_known;     /* false: an older entry that did not record them */
};

/* How many entries the filter selects, ignoring its limit and offset. */
ob_err ob_store_submissions_count(struct ob_store *s, const struct ob_submission_filter *f,
                                  long long *n, struct ob_diag *d);

/* Call each for every entry the filter selects, in its order. Returns 0
 * when every entry was given, each's non-zero return when it stopped the
 * listing (callbacks stop with a positive value), or -1 with d filled
 * (OB_ESTORE) when the store failed. */
int ob_store_submissions_each(struct ob_store *s, const struct ob_submission_filter *f,
                              int (*each)(void *arg, const struct ob_submission *row),
                              void *arg, struct ob_diag *d);

/* Of the months of year ("yyyy") that country's sources delivered (one per
 * source and month), how many (*months), and how many of them first
 * arrived within `days` days of the month's end (*timely). */
ob_err ob_store_submissions_timely(struct ob_store *s, const char *country, const char *year,
                                   int days, long long *months, long long *timely,
                                   struct ob_diag *d);

/* --- what an ingest writes -------------------------------------------
 *
 * An ingest opens its logbook entry (ob_store_submission_open), writes its
 * rows through a writer, and closes the entry with the counts
 * (ob_store_submission_close), all inside one ob_store_begin()/commit().
 * Errors: OB_ESTORE with d's message SQLite's own (the caller says what it
 * was writing).
 */

/* A new logbook entry: "pending" until closed. */
struct ob_submission_new {
	const char *source, *file_name, *observa_version, *institution, *country;
	bool aggregate;
};
ob_err ob_store_submission_open(struct ob_store *s, const struct ob_submission_new *n,
                                long long *id, struct ob_diag *d);

/* Mark as superseded by submission `by` the current deliveries of source
 * other than `by` whose period lies within from..to. */
ob_err ob_store_submissions_supersede(struct ob_store *s, long long by, const char *source,
                                      const char *from, const char *to, struct ob_diag *d);

/* Write e's sha256, period_from/to, rows_read, accepted, rejected, warned,
 * encoding, delimiter, version, supersedes (0: none), fields, victims,
 * period, period_basis, reread, profile_sha256, crosswalks_sha256 and
 * reasons (NULL: none) into entry e->id. Its other members are not read. */
ob_err ob_store_submission_close(struct ob_store *s, const struct ob_submission *e,
                                 struct ob_diag *d);

/* The hash an ingest keeps of the crosswalks a profile names: call each
 * for every entry of crosswalk `name`, in a fixed order, with its key,
 * label, target and validity ("" when open). Returns as
 * ob_store_submissions_each(). */
int ob_store_crosswalk_entries(struct ob_store *s, const char *name,
                               int (*each)(void *arg, const char *const v[5]), void *arg,
                               struct ob_diag *d);

/* Bulk loading: per-row foreign-key checks off (on = false) for a load
 * whose rows refer to the entry it opened, and back on. Outside a
 * transaction. (SQLite's PRAGMA foreign_keys: PostgreSQL would defer the
 * constraints instead.) */
ob_err ob_store_bulk_checks(struct ob_store *s, bool on, struct ob_diag *d);

/*
 * The writer of a delivery's rows: its statements are prepared once, by
 * ob_store_writer_open(), and reused for every row. Freed with
 * ob_store_writer_free() before the store closes (NULL is allowed). The
 * strings of a record and of its protected fields stay the caller's, and
 * must not change, until ob_store_writer_sync(), the delivery's
 * ob_store_submission_close() or the writer's free: on SQLite they wait
 * there to go in OB_STORE_WRITE_ROWS rows at a time. The strings of a
 * quarantined row or a warning are read during the call only.
 */
struct ob_store_writer;

/* A (pointer, length) string: NULL when absent. */
struct ob_store_str {
	const char *p;
	size_t n;
};

/* A record as accepted. Strings are NUL-terminated unless an ob_store_str. */
struct ob_store_record {
	long long submission;
	const char *source;
	struct ob_store_str source_id;
	long long line;
	const char *occurred_on, *precision;    /* precision: day, month or year */
	const char *occurred_at, *territory, *category; /* or NULL */
	struct ob_store_str legal_category;     /* the category as written, or NULL */
	const char *manner, *victim_sex, *mechanism, *place, *relationship, *context,
		*perpetrator_sex;                   /* tag codes, or NULL (victim_sex: never) */
	int victim_age;                         /* -1 unknown */
	int age_min, age_max;                   /* the age band; -1 unknown */
	bool has_coords;
	double lat, lon;
	struct ob_store_str extra;              /* unmapped columns as JSON, or NULL */
	long long victims;
};

/* A rejected row (quarantine) or a warning about an accepted one. */
struct ob_store_flag {
	long long submission, line, column;
	const char *field;                      /* the field's key, or NULL */
	struct ob_store_str value;              /* the value as read, or NULL */
	const char *reason, *kind;              /* the message and the reason key */
	struct ob_store_str raw;                /* the original row (quarantine only) */
};

ob_err ob_store_writer_open(struct ob_store *s, struct ob_store_writer **out,
                            struct ob_diag *d);
void ob_store_writer_free(struct ob_store_writer *w);

/* Tell the writer that the delivery's ids come in no order (made from each
 * row's content, docs/profiles.md): every insert lands anywhere in the
 * unique index, so until it is freed the writer keeps up to
 * OB_STORE_SCATTERED_CACHE_KIB of the store's pages in memory rather than
 * writing them out and reading them back. SQLite only (nothing to do on
 * PostgreSQL, whose COPY checks the index once). */
ob_err ob_store_writer_scattered_ids(struct ob_store_writer *w, struct ob_diag *d);

/* Insert a record; its id in *id. OB_EEXISTS (d untouched) when the
 * submission already holds one with the same source_id. */
ob_err ob_store_writer_record(struct ob_store_writer *w, const struct ob_store_record *r,
                              long long *id, struct ob_diag *d);
/* The personal fields of record id (each may be NULL), kept apart. */
ob_err ob_store_writer_protected(struct ob_store_writer *w, long long id,
                                 struct ob_store_str names, struct ob_store_str document,
                                 struct ob_store_str address, struct ob_diag *d);
/* Insert the records and protected fields waiting (SQLite; nothing to do
 * on PostgreSQL, whose rows are copied at once): after it, the caller's
 * strings are its own again. */
ob_err ob_store_writer_sync(struct ob_store_writer *w, struct ob_diag *d);
/* Forget the records and protected fields waiting, after a failure, when
 * their strings are about to go: the transaction can then only be rolled
 * back (its commit is refused). */
void ob_store_writer_drop(struct ob_store_writer *w);
ob_err ob_store_writer_quarantine(struct ob_store_writer *w, const struct ob_store_flag *f,
                                  struct ob_diag *d);
ob_err ob_store_writer_warning(struct ob_store_writer *w, const struct ob_store_flag *f,
                               struct ob_diag *d);

#endif
