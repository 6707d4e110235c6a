/*
 * snapshot_read.h - what the snapshot build (src/engine/snap_*.c) reads
 * from the store: the inputs of the store's stamp, the catalogue's
 * territories, ICCS codes and tags, the current deliveries, and the
 * records, by ranges of ids that several connections scan at once.
 *
 * Scans are cursors (store/cursor.h) whose rows have the columns listed
 * beside each opening function, in that order: a row's values stay valid
 * until the next step, so the build's loop reads them in place, with no
 * copy. Errors: OB_ESTORE with d holding the database's message.
 */
#ifndef OB_STORE_SNAPSHOT_READ_H
#define OB_STORE_SNAPSHOT_READ_H

#include "store/cursor.h"
#include "store/store.h"

/* ---- one state of the store ---- */

/* A read transaction: everything read until ob_store_read_end() sees one
 * state of the store, whatever writers do meanwhile. */
ob_err ob_store_read_begin(struct ob_store *s, struct ob_diag *d);
void ob_store_read_end(struct ob_store *s);

/* How many bytes of the store the connection maps into memory rather than
 * reads (0: none; SQLite caps it at its compile-time maximum). The get
 * answers 0 when it cannot be read; the set's failure leaves reading as
 * it was (d filled). */
long long ob_store_mmap_size(struct ob_store *s);
ob_err ob_store_set_mmap_size(struct ob_store *s, long long bytes, struct ob_diag *d);

/*
 * What the stamp of the store (engine/snapshot.h) is computed from: the
 * highest delivery number and how many deliveries are current, and the
 * text of every column (text NULL for SQL NULL) of the territories (code,
 * level, country, parent, name, valid_from, valid_to, by code), the ICCS
 * (code, level, parent, by code), the tags (kind, code, by kind and code)
 * and the superseded deliveries (id, superseded_by, by id), given to text
 * in that order.
 */
ob_err ob_store_snapshot_inputs(struct ob_store *s, long long *max_submission,
                                long long *current,
                                void (*text)(void *arg, const char *t, size_t n), void *arg,
                                struct ob_diag *d);

/* ---- the catalogue ---- */

/* Territories, parents before children: code, level, country, parent,
 * name, valid_from, valid_to; by level and code. */
enum { OB_STORE_SU_CODE, OB_STORE_SU_LEVEL, OB_STORE_SU_COUNTRY, OB_STORE_SU_PARENT,
       OB_STORE_SU_NAME, OB_STORE_SU_VALID_FROM, OB_STORE_SU_VALID_TO, OB_STORE_SU_COLUMNS };
ob_err ob_store_snap_units(struct ob_store *s, struct ob_store_cursor **out, struct ob_diag *d);

/* ICCS codes: code, level, parent; by level and code. */
enum { OB_STORE_SC_CODE, OB_STORE_SC_LEVEL, OB_STORE_SC_PARENT, OB_STORE_SC_COLUMNS };
ob_err ob_store_snap_categories(struct ob_store *s, struct ob_store_cursor **out,
                                struct ob_diag *d);

/* Tags: kind, code; by kind and code. */
enum { OB_STORE_ST_KIND, OB_STORE_ST_CODE, OB_STORE_ST_COLUMNS };
ob_err ob_store_snap_tags(struct ob_store *s, struct ob_store_cursor **out, struct ob_diag *d);

/* ---- deliveries ---- */

/* The highest delivery number (0: none). */
ob_err ob_store_submission_max_id(struct ob_store *s, long long *id, struct ob_diag *d);

/* The current deliveries: id, source, institution, country, period_from,
 * period_to, fields (an integer, or NULL when taken before fields were
 * kept); by id. */
enum { OB_STORE_SS_ID, OB_STORE_SS_SOURCE, OB_STORE_SS_INSTITUTION, OB_STORE_SS_COUNTRY,
       OB_STORE_SS_FROM, OB_STORE_SS_TO, OB_STORE_SS_FIELDS, OB_STORE_SS_COLUMNS };
ob_err ob_store_snap_submissions(struct ob_store *s, struct ob_store_cursor **out,
                                 struct ob_diag *d);

/* ---- records ---- */

/* The lowest and highest record ids; *found false (and both 0) when the
 * store has no record. */
ob_err ob_store_records_bounds(struct ob_store *s, long long *lo, long long *hi, bool *found,
                               struct ob_diag *d);

/* The records with ids from..to (both included), by id: territory,
 * occurred_on, precision, occurred_at, victim_sex, victim_age, category,
 * the five coded fields (manner, mechanism, place, relationship, context),
 * submission, victims, source_id, victim_age_min, victim_age_max;
 * precision, victim_age_min and victim_age_max are read on demand
 * (ob_store_cursor_get(): most rows need neither). Several
 * scans of disjoint ranges may run at once, each through a connection of
 * its own. */
#define OB_STORE_REC_DIMS 5
enum { OB_STORE_REC_TERRITORY, OB_STORE_REC_OCCURRED_ON, OB_STORE_REC_PRECISION,
       OB_STORE_REC_OCCURRED_AT, OB_STORE_REC_SEX, OB_STORE_REC_AGE, OB_STORE_REC_CATEGORY,
       OB_STORE_REC_DIM0, /* .. OB_STORE_REC_DIM0 + OB_STORE_REC_DIMS - 1 */
       OB_STORE_REC_SUBMISSION = OB_STORE_REC_DIM0 + OB_STORE_REC_DIMS, OB_STORE_REC_VICTIMS,
       OB_STORE_REC_SOURCE_ID, OB_STORE_REC_AGE_MIN, OB_STORE_REC_AGE_MAX,
       OB_STORE_REC_COLUMNS };
ob_err ob_store_records_scan(struct ob_store *s, long long from, long long to,
                             struct ob_store_cursor **out, struct ob_diag *d);

/* The lowest id of a record of a delivery numbered above sub; when there
 * is none, one more than the highest record id (1 when there is no
 * record): where the records of the deliveries after sub begin. */
ob_err ob_store_records_first_after(struct ob_store *s, long long sub, long long *id,
                                    struct ob_diag *d);

#endif
