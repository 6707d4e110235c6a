/*
 * ingest.h - take one institution's file into the store, whole or not at all.
 *
 * ob_ingest_file() reads a file with the source's profile
 * (DIR/catalog/sources/<source>.ini), maps every row to the canonical record,
 * validates it, and in one transaction writes the accepted records, the
 * rejected rows (quarantine, verbatim, with line, column, value and reason),
 * the warnings and the logbook entry. Rows read = accepted + rejected, always.
 * A file whose SHA-256 was already ingested for the source is a no-op
 * (result->already = true). A file for a source and period already delivered
 * supersedes the earlier submission, which stays in the history.
 */
#ifndef OB_INGEST_H
#define OB_INGEST_H

#include "store/store.h"

struct ob_ingest_options {
	const char *display_name; /* how messages name the file (NULL: path) */
	bool progress;            /* draw a progress bar on a terminal */
	bool dry_run;             /* validate only; roll back at the end */
	const char *period;       /* declared period ("2020", "2020-03", "2020-Q1",
	                             "2020-01-01..2020-06-30") or NULL: derived */
};

struct ob_ingest_result {
	long long submission;     /* logbook id (0 on dry run or failure) */
	long long superseded;     /* id of the submission this one replaced, or 0 */
	bool already;             /* same bytes already ingested for this source */
	long long rows_read, accepted, rejected, warned;
	long long victims;        /* the accepted rows' victims (one per row without
	                             a count column) */
	long long footer_rows;    /* totals and footnotes after the data, skipped */
	char period_from[11], period_to[11];
	char sha256[65];
	long long version;        /* 1 for a first delivery of the period */
	char encoding[16];
	char delimiter;
	long header_line;
};

ob_err ob_ingest_file(struct ob_store *s, const char *source, const char *path,
                      const struct ob_ingest_options *o,
                      struct ob_ingest_result *res, struct ob_diag *d);

#endif
