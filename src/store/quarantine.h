/*
 * quarantine.h - the rows a delivery's reading rejected (the quarantine)
 * and the warnings about the rows it accepted, as the store keeps them.
 *
 * One listing serves every reader: `observa quarantine`, GET
 * /api/v1/quarantine and /api/v1/warnings, and the portal's page of a
 * delivery all describe what they want with a struct ob_quarantine_filter
 * and read through ob_store_quarantine_count() and ob_store_quarantine_each(),
 * so that the same filter gives the same rows whichever asks.
 *
 * Ownership: the filter's strings are borrowed for the call. A row's
 * strings belong to the store and live only during the callback that
 * receives the row: copy what must outlive it.
 */
#ifndef OB_STORE_QUARANTINE_H
#define OB_STORE_QUARANTINE_H

#include "store/store.h"

/* The order rows come in. */
enum ob_quarantine_order {
	OB_QUARANTINE_BY_ID,   /* as they were written (pages of the API, the portal) */
	OB_QUARANTINE_BY_FILE, /* by source, submission and line (observa quarantine) */
};

struct ob_quarantine_filter {
	bool warnings;         /* the warnings of accepted rows, not the rejected rows */
	const char *source;    /* a source's code; NULL: every source */
	long long submission;  /* a logbook submission number; 0: every one */
	const char *kind;      /* a reason key (category_unknown...); NULL: every one */
	bool current_only;     /* only deliveries no later one superseded, unless a
	                        * submission is named (asked by number, a delivery's
	                        * rows are shown superseded or not) */
	enum ob_quarantine_order order;
	long long limit;       /* at most this many rows; negative: all of them */
	long long offset;      /* after skipping this many (with a limit) */
};

/*
 * The one default every listing of the quarantine starts from (`observa
 * quarantine`, GET /api/v1/quarantine and /warnings), so that the same
 * question gives the same rows whoever asks: the rows of the current
 * deliveries (a superseded delivery's rows are no longer the data's; a
 * reader asks for them with current_only false), of every source, reason
 * and submission, all of them. The caller then narrows it. The order is
 * the reader's: as written (OB_QUARANTINE_BY_ID, the default: pages that
 * do not shift when a delivery arrives) or by file.
 */
void ob_quarantine_filter_init(struct ob_quarantine_filter *f, bool warnings);

/* A rejected row or a warning. Nullable strings are NULL when the store
 * holds none; raw is always NULL for a warning. */
struct ob_quarantine_row {
	long long id;          /* the row's number in its table */
	long long submission;
	const char *source;
	const char *file_name;
	bool current;          /* its delivery was not superseded */
	long long line, column; /* where in the file (column 0: the whole row) */
	const char *field;     /* the field's key, or NULL */
	const char *value;     /* the value as read, or NULL */
	const char *reason;    /* the message, in the language the ingest ran in */
	const char *raw;       /* the original row (quarantine only), or NULL */
	const char *kind;      /* the reason key, or NULL (submissions before schema 9) */
};

/* How many rows the filter selects, ignoring its limit and offset. */
ob_err ob_store_quarantine_count(struct ob_store *s, const struct ob_quarantine_filter *f,
                                 long long *n, struct ob_diag *d);

/* Call each for every row the filter selects, in its order. Returns 0
 * when every row was given, each's non-zero return when it stopped the
 * listing (callbacks stop with a positive value), or -1 with d filled
 * (OB_ESTORE) when the store failed. */
int ob_store_quarantine_each(struct ob_store *s, const struct ob_quarantine_filter *f,
                             int (*each)(void *arg, const struct ob_quarantine_row *row),
                             void *arg, struct ob_diag *d);

#endif
