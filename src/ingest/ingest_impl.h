/*
 * ingest_impl.h - what the pieces of an ingest share (internal).
 *
 * ingest.c runs an ingest: the delivery's period, the reading and writing
 * threads, the transaction; ingest_header.c finds the header and maps its
 * columns to fields; ingest_map.c maps and validates one row;
 * ingest_write.c writes records, quarantine and warnings, and the logbook
 * entry. Nothing here is part of the public API (ingest/ingest.h).
 *
 * Ownership: a struct ingest owns its profile, lookup maps, CSV reader,
 * store writer, header arrays and scratch buffers; a struct row only
 * points into the record it was mapped from (or into a batch's arena).
 */
#ifndef OB_INGEST_IMPL_H
#define OB_INGEST_IMPL_H

#include "ingest/ingest.h"

#include "base/buf.h"
#include "base/strmap.h"
#include "ingest/lookup.h"
#include "ingest/profile.h"
#include "ingest/reasons.h"
#include "io/csv.h"
#include "io/date.h"
#include "store/submissions.h"

struct warn {
	enum ob_reason_kind kind;
	enum ob_field field;
	long column;
	char value[128];
	char reason[256];
};

/* A row being mapped. */
struct row {
	const char *val[OB_F_COUNT];
	size_t len[OB_F_COUNT];
	long col[OB_F_COUNT]; /* 1-based column, 0 for a profile constant */
	/* results */
	struct ob_date date;
	char occurred_on[11];
	char occurred_at[16];
	const char *territory;
	const char *category;
	const char *tag[OB_F_COUNT];
	const char *implied[OB_F_COUNT]; /* tags the category's label implies
	                                    (crosswalk target "0201 relationship=domestic"),
	                                    used where the row gives none */
	int age;      /* -1 unknown */
	int age_lo, age_hi; /* the age band: both = age when exact, -1 unknown */
	long long victims; /* the count column's, 1 without one */
	char agg_id[OB_MAX_NAME + 1]; /* a made id: an aggregate row's, or one from
	                                 the content of a row without one */
	double lat, lon;
	bool has_coords;
	size_t nwarn;
	struct warn warn[OB_MAX_ROW_WARNINGS];
	/* rejection */
	enum ob_reason_kind bad_kind;
	enum ob_field bad_field;
	long bad_column;
	char reason[512];
	/* where it came from, and the unmapped columns as a JSON object */
	long line;
	const char *raw, *extra;
	size_t raw_len, extra_len;
};

struct ingest {
	struct ob_store *s;
	const struct ob_ingest_options *o;
	struct ob_ingest_result *res;
	struct ob_diag *d;
	const char *name;
	struct ob_profile prof;
	struct ob_lookup look;
	struct ob_csv_reader *csv;
	struct ob_store_writer *w; /* the rows' prepared statements, reused */
	long long sub;
	/* header */
	size_t ncols;
	long field_col[OB_F_COUNT]; /* 0-based column of each field, -1 absent */
	uint32_t implied_fields;    /* fields some row's category implied (bit
	                               enum ob_field): supplied for those rows */
	char **col_name;            /* header cells as written */
	bool *col_mapped;
	bool *col_ignored;          /* [columns] ignore: neither mapped nor in extra */
	/* state */
	struct ob_buf key, key2, extra, idb;
	struct ob_strmap xw_cache[OB_F_COUNT]; /* raw label -> crosswalk entries */
	struct ob_strmap tag_cache[OB_F_COUNT]; /* raw label -> canonical tag code */
	struct ob_strmap row_ids;   /* content digest of rows without an id -> how many */
	/* the distinct folded names of a territory column read without a
	 * parent column (up to OB_MAX_MAP_ENTRIES), and how many of them are
	 * also names of first-level units, and of those how many are names of
	 * no municipality: a column of departments mapped as municipalities
	 * (ingest_admin1_check) */
	struct ob_strmap terr_names;
	size_t terr_names_admin1, terr_names_admin1_only;
	/* the date of every row of an aggregate source that gives none: the
	 * delivery's period as a partial date ("2019", "2019-03"), or "" */
	char period_date[16];
	long today;
	long period_from, period_to; /* the delivery's period, days; LONG_MIN when none */
	char period_label[32];       /* "2023", "2023-Q1"... */
	const char *period_basis;    /* declared | file_name | rows */
	long long out_of_period;
	bool footer;
	/* what was rejected and warned, by kind and column (the writer's until
	 * joined) */
	struct ob_reasons rejected, warned;
	/* re-reading (--reprocess): the n-th reading of the same bytes, 0 for
	 * the first */
	long long reread;
};

/* ingest.c */
/* The first reason a row is rejected for, and a warning about one of its
 * fields; fmt is OB_TR(es, en): the language in force writes the row's
 * message, which the quarantine and warning tables keep. */
void ingest_row_reject(struct row *r, enum ob_reason_kind k, enum ob_field f, long col,
                       const char *fmt, ...) OB_PRINTF(5, 6);
void ingest_row_warn(struct row *r, enum ob_reason_kind k, enum ob_field f, const char *fmt, ...)
	OB_PRINTF(4, 5);
bool ingest_fold(struct ob_buf *b, const char *s, size_t n);
/* The store failed writing what (sd: the store's diagnostic): g->d says
 * so, and that nothing is ingested. */
ob_err ingest_store_error(struct ingest *g, const char *what, const struct ob_diag *sd);
void ingest_day_string(long day, char out[11]);

/* ingest_header.c */
void ingest_free_header(struct ingest *g);
bool ingest_field_present(const struct ingest *g, enum ob_field f);
ob_err ingest_find_header(struct ingest *g);

/* ingest_map.c */
/* After the rows: OB_EINVAL with the reason when the territory column
 * reads as first-level units: of at least three distinct names, more than
 * half are department or province names and at least a quarter are names
 * of no municipality (a municipal file names capitals called like their
 * department, not departments alone). Its rows would otherwise be counted
 * in same-name municipalities or rejected. */
ob_err ingest_admin1_check(struct ingest *g);
bool ingest_is_footer(struct ingest *g, const struct ob_csv_record *rec);
void ingest_outside_period(struct ingest *g, struct row *r);
void ingest_map_row(struct ingest *g, const struct ob_csv_record *rec, struct row *r);

/* ingest_write.c */
ob_err ingest_build_extra(struct ingest *g, const struct ob_csv_record *rec);
ob_err ingest_write_quarantine(struct ingest *g, struct row *r);
/* A record's strings (in r) are the store writer's until ingest_write_sync(),
 * which the writing thread calls before it gives a batch back. */
ob_err ingest_write_record(struct ingest *g, struct row *r);
ob_err ingest_write_sync(struct ingest *g);
ob_err ingest_open_submission(struct ingest *g, const char *path);
int ingest_already_ingested(struct ingest *g);
ob_err ingest_close_submission(struct ingest *g);
ob_err ingest_fingerprints(struct ingest *g);
void ingest_report_reasons(struct ingest *g);

#endif
