/*
 * ingest.h - take one institution's file into the store, whole or not at all.
 *
 * ob_ingest_file() reads a file with the source's profile
 * (DIR/catalog/sources/<source>.ini), maps every row to the canonical record,
 * validates it, and in one transaction writes the accepted records, the
 * rejected rows (quarantine, verbatim, with line, column, value and reason),
 * the warnings and the logbook entry. Rows read = accepted + rejected, always.
 * A file whose SHA-256 was already ingested for the source is a no-op
 * (result->already = true), unless the options say reprocess: then the
 * file is read again with the current profile and crosswalks, as a new
 * version of the period of its last reading, which it supersedes; when
 * neither the profile's text nor the crosswalks it names changed since
 * that reading (their SHA-256 are kept on the submission), nothing changes
 * (result->already and result->unchanged).
 *
 * Rejections and warnings are counted by their kind and column
 * (ingest/reasons.h): the result holds the most frequent, also when the
 * file is refused, and the logbook entry all their counts. A delivery all
 * of whose rows are rejected is recorded like any other (0 accepted, its
 * rows in the quarantine) when its period is known: declared, stated by
 * its file name or held by its dated rows. A file is refused whole only
 * for what makes it unplaceable: no header, unprotected personal columns,
 * a period that overlaps another delivery's, most rows outside the
 * declared period, or no readable date and no declared period.
 *
 * Every delivery covers one period (ingest/period.h): the one declared in the
 * options; else the one its file name states, when it holds more than half
 * of the rows; else the month, quarter or year (from the profile's period
 * upwards) that holds more than half of them. Never the span of its dates.
 * Rows dated outside it are quarantined, or accepted with a warning under
 * the profile's "outside_period = warn". A delivery for a source and period
 * supersedes the current deliveries whose periods it covers whole (the same
 * period: a correction; a year over its months); a period that overlaps a
 * current delivery's without covering it is refused (OB_EOVERLAP), naming
 * it. Superseded deliveries stay in the history.
 *
 * A header cell that looks personal (ingest/personal.h) and that the profile
 * neither maps to a protected field nor lists in [columns] ignore or
 * not_personal refuses the file before anything is written (OB_EPERSONAL).
 * A file whose bytes contradict the profile's encoding is read in the
 * encoding of its bytes, and result->encoding_check says so with examples.
 */
#ifndef OB_INGEST_H
#define OB_INGEST_H

#include "ingest/reasons.h"
#include "io/csv.h"
#include "store/store.h"

struct ob_ingest_result;

struct ob_ingest_options {
	const char *display_name; /* how messages name the file (NULL: path) */
	bool progress;            /* draw a progress bar on a terminal */
	bool dry_run;             /* validate only; roll back at the end */
	bool reprocess;           /* read again a file already ingested (above) */
	const char *period;       /* declared period ("2020", "2020-03", "2020-Q1",
	                             "2020-01..2020-06", "2020-01-01..2020-06-30")
	                             or NULL: found (see above) */
	const char *sheet;        /* spreadsheets: the sheet, over the profile's
	                             (io/csv.h), or NULL */
	/* Called inside the delivery's transaction just before it commits (not
	 * on a dry run, nor for bytes already ingested), with res filled and
	 * res->submission the new entry: what must be written with the
	 * delivery or not at all, such as the audit entry of an upload. An
	 * error rolls the delivery back. NULL: none. */
	ob_err (*before_commit)(void *arg, struct ob_store *s, const struct ob_ingest_result *res,
	                        struct ob_diag *d);
	void *before_commit_arg;
};

struct ob_ingest_result {
	long long submission;     /* logbook id (0 on dry run or failure) */
	long long superseded;     /* id of the submission this one replaced, or 0 */
	bool already;             /* same bytes already ingested for this source */
	bool unchanged;           /* reprocess: same profile and crosswalks as then */
	long long reprocessed;    /* reprocess: the submission read again, or 0 */
	long long rows_read, accepted, rejected, warned;
	long long victims;        /* the accepted rows' victims (one per row without
	                             a count column) */
	long long footer_rows;    /* totals and footnotes after the data, skipped */
	char period_from[11], period_to[11];
	char period[32];          /* "2023", "2023-Q1", "2023-05", "2023-01..2023-06" */
	char period_basis[16];    /* declared, file_name or rows */
	char period_note[256];    /* why that period, in words */
	long long outside_period; /* rows dated outside it (quarantined or warned) */
	long long nsuperseded;    /* submissions it replaced; superseded is the latest */
	struct ob_csv_encoding_check encoding_check; /* set once the file is open */
	char sha256[65];
	char profile_sha256[65];    /* of the profile's text */
	char crosswalks_sha256[65]; /* of the crosswalk entries the profile names */
	/* rejections and warnings, most frequent first (ingest/reasons.h);
	 * nreason_keys and nwarning_keys count every distinct (kind, column),
	 * warnings every warning */
	struct ob_reason reasons[OB_MAX_REASONS], warning_reasons[OB_MAX_REASONS];
	size_t nreasons, nwarning_reasons;
	long long nreason_keys, nwarning_keys, warnings;
	long long version;        /* 1 for a first delivery of the period */
	char encoding[16];
	char delimiter;
	long header_line;
};

ob_err ob_ingest_file(struct ob_store *s, const char *source, const char *path,
                      const struct ob_ingest_options *o,
                      struct ob_ingest_result *res, struct ob_diag *d);

#endif
