/*
 * snapshot.h - an immutable columnar snapshot of the current records.
 *
 * The engine never reads the store's records row by row: it reads a
 * snapshot, DIR/snapshot/records.obs, built from the store by
 * ob_snapshot_build() and mapped read-only by ob_snapshot_open(). The
 * snapshot holds the records of the current submissions (superseded_by IS
 * NULL) as one array per field of small integers, with the dictionaries
 * that turn them back into codes:
 *
 *   territory  index into units[] (code, name, level, parent, country); a
 *              record without a territory, or with a code the catalogue
 *              does not hold, counts in its submission's country unit
 *   year       1900..2100, 0 unknown (no date)
 *   month      1..12, 0 unknown (year precision)
 *   day        1..31, 0 unknown (month or year precision)
 *   hour       0..23, OB_SNAP_HOUR_UNKNOWN
 *   sex        OB_SNAP_SEX_U, _F, _M
 *   age        0..OB_MAX_AGE an exact age; OB_SNAP_AGE_BAND0 + i for band i
 *              of age_bands[] (a record that has no exact age but an age
 *              group: lo..hi years, wider than one year; a one-year band
 *              is an exact age); OB_SNAP_AGE_UNKNOWN. ob_snap_age_range()
 *              gives the years a value stands for
 *   category   index into categories[] (ICCS code with its parent, so that
 *              a code's ancestors can be followed); index 0 is the unknown
 *              category (no code)
 *   tag[dim]   manner, mechanism, place, relationship, context: index into
 *              tags[dim][]; index 0 is "unknown", which also stands for an
 *              empty field
 *   source     index into sources[] (code, institution, country)
 *   count      victims the record stands for: 1 for an ordinary row, the
 *              row's count for a row with a count column or of an
 *              aggregate source (0 allowed: an explicit zero). A stored row
 *              counting more than OB_MAX_SNAPSHOT_COUNT victims becomes
 *              several records of the same fields whose counts add up to it.
 *   rkey       the record key of the cell-key disclosure method: the sum,
 *              mod 256, of the keys of the victims it stands for, where
 *              victim i (0..count-1 over the stored row) has the key
 *                first byte of SHA-256(secret || source || 0x00 ||
 *                                      source_id || 0x00 || i)
 *              with i in decimal ASCII ("0", "1", ...), source the code of
 *              the record's source (that of its submission), source_id as
 *              stored, and the secret the store's 32 random
 *              bytes (ob_store_key_secret). Summing rkeys over a cell gives
 *              the sum of its victims' keys (mod 256) however rows were
 *              split; keys are stable across rebuilds and never published.
 *
 * Counts: every output counts victims (the sum of count), unless it says
 * it counts records. ob_snapshot.victims is the sum over the snapshot, and
 * counts_one (found by ob_snapshot_open while it checks the file) says that
 * every count is 1, so that a kernel may count records instead. The sum is
 * at most OB_MAX_SNAPSHOT_VICTIMS, so 32-bit counters hold it.
 *
 * Memory: 21 bytes per record (five 2-byte columns: territory, year,
 * category, source, count; eleven 1-byte columns: month, day, hour, sex,
 * age (with its band), the five tags and rkey), plus the dictionaries (a few hundred
 * kilobytes): about 200 MiB for 10 million records, mapped read-only and
 * shared by every reader.
 *
 * Hierarchies: units[] and categories[] keep their parents, so a record's
 * territory can be read at any level (country, admin-1, admin-2) and its
 * category at any ICCS level (section, division, group, class):
 * ob_snap_unit_at_level() and ob_snap_category_at_level() follow the
 * parents. engine/query.h precomputes these maps once per snapshot.
 *
 * Records are ordered by territory, then year, then source, then category
 * (records of the same four keep the store's order), so that a pass
 * counting by territory finds its counters in cache, the records of a unit
 * in a year are one contiguous range (engine/query.c finds it by binary
 * search) and those of one category within a unit, year and source are one
 * run, counted by its length when no other column is asked. When units,
 * years and sources together are too many keys, only territory and year,
 * or only territory, order them (and category within those).
 *
 * Building reads the records with one reader per processor (up to four),
 * each over a range of record ids through a connection of its own that sees
 * the same state of the store; the dictionaries are read-only while they
 * run, and codes they lack are added afterwards in record order.
 *
 * Unknown is a value: every record is in every column, and no column holds
 * anything outside its dictionary (ob_snapshot_open checks it).
 * coverage[] lists the months each source delivered for each country (one
 * entry per current submission), so that a month without a delivery can be
 * told apart from a month without events, and which canonical fields the
 * delivery supplied (bit i for enum ob_field i of ingest/profile.h: the
 * profile mapped a column found in the file, or a constant, to it; every
 * bit, OB_SNAP_FIELDS_ALL, for deliveries taken before this was kept), so
 * that a field not supplied reads as not known rather than as "unknown"
 * events. units[] carry their validity (valid_from, valid_to as yyyymmdd,
 * 0 for open), so that an output can take the units valid in a period
 * (ob_snap_unit_valid).
 *
 * The file: a versioned header (magic, version, byte order, sizes, a
 * checksum of the header and one of everything after it, the store's stamp
 * at build time) and 64-byte-aligned sections. It is written to a temporary
 * file, synced and renamed over the old one, so a reader sees the old
 * snapshot or the new one, never a mix. A file that is truncated, fails a
 * checksum, holds an index outside its dictionary or is of another version
 * is refused (OB_ECORRUPT, OB_ESCHEMA) with a message saying so;
 * ob_snapshot_load() then rebuilds it.
 *
 * Deltas: a delivery taken since the last full build may live in a delta
 * segment of its own, DIR/snapshot/delta-N.obs (same format: the full
 * dictionaries, only the delivery's records), listed with the base's stamp
 * in DIR/snapshot/deltas; ob_snapshot_open() merges base and deltas in
 * memory into the order a full build gives, so that every reader sees one
 * snapshot (engine/snap_delta.c, docs/incremental-snapshot.md);
 * ob_snapshot_open_lazy() keeps them apart, as the base and its tail, for
 * the analyser, which counts both.
 *
 * Ownership: ob_snapshot_open() and ob_snapshot_load() return a snapshot the
 * caller ends with ob_snapshot_close(); every pointer in it points into the
 * read-only mapping and is valid until then. A snapshot is immutable and may
 * be read from any number of threads at once.
 */
#ifndef OB_ENGINE_SNAPSHOT_H
#define OB_ENGINE_SNAPSHOT_H

#include "base/common.h"
#include "store/store.h"

#define OB_SNAPSHOT_DIR "snapshot"
#define OB_SNAPSHOT_FILE "records.obs"

/* Version of the file format this program writes and reads: 4 orders
 * records by category within territory, year and source; 5 stores what a
 * reader derives from the columns (struct ob_snap_derived) and the
 * checksum of every block of every column, so that a reader may check a
 * column's blocks when it first reads them (ob_snapshot_check); 6 adds
 * the pre-aggregates of the runs of one category (struct ob_snap_agg), so
 * that a question reading no other column than the sex and the manner per
 * record is counted from them; 7 the pre-aggregates by country (struct
 * ob_snap_cube), so that a question over whole countries reading the sex,
 * manner, age group, month, mechanism or place is counted from them; 8
 * levels of them by month and place, and by manner, age group and month
 * with the place or the mechanism, their bytes taken from the
 * pre-aggregates of the category runs by sex and manner, no longer made in
 * a large snapshot (the level by age group answers their questions). An
 * older file is rebuilt, never read. */
#define OB_SNAPSHOT_VERSION 8

/* Records per zone of the zone map (struct ob_snap_derived). */
#define OB_SNAP_ZONE 2048

/* Length of the store stamp kept in the header, NUL included. */
#define OB_SNAPSHOT_STAMP 96

/* The fields of a delivery taken before they were kept: every bit. */
#define OB_SNAP_FIELDS_ALL UINT32_MAX

#define OB_SNAP_HOUR_UNKNOWN 255
#define OB_SNAP_AGE_UNKNOWN 255
#define OB_SNAP_AGE_BAND0 (OB_MAX_AGE + 1)

enum ob_snap_sex {
	OB_SNAP_SEX_U = 0,
	OB_SNAP_SEX_F = 1,
	OB_SNAP_SEX_M = 2,
	OB_SNAP_SEX_COUNT
};

/* The tag dimensions of the canonical record, in column order. */
enum ob_snap_dim {
	OB_SNAP_MANNER = 0,
	OB_SNAP_MECHANISM,
	OB_SNAP_PLACE,
	OB_SNAP_RELATIONSHIP,
	OB_SNAP_CONTEXT,
	OB_SNAP_DIMS
};

/* What kind of institution a source is (submission.institution). */
enum ob_institution {
	OB_INST_OTHER = 0,
	OB_INST_POLICE,
	OB_INST_FORENSIC,
	OB_INST_PROSECUTOR,
	OB_INST_VALIDATED, /* validated deaths written by reconciliation */
	OB_INST_COUNT
};

/* Entries of the dictionaries, as laid out in the file. Strings are offsets
 * into the snapshot's string pool: use ob_snap_str(). */
struct ob_snap_unit {
	uint32_t code, name;
	int32_t parent;   /* index into units[], -1 for none */
	uint16_t country; /* index into countries[] */
	uint8_t level;    /* 0 country, 1 admin-1, 2 admin-2 */
	uint8_t reserved;
	int32_t valid_from, valid_to; /* yyyymmdd, 0 when open */
};

struct ob_snap_category {
	uint32_t code;
	int32_t parent; /* index into categories[], -1 for none */
	int32_t level;  /* ICCS level 1..4, 0 outside the ICCS, -1 unknown */
};

struct ob_snap_source {
	uint32_t code;
	uint16_t country;    /* index into countries[] of its first submission */
	uint8_t institution; /* enum ob_institution */
	uint8_t reserved;
};

/* An age band of the dictionary age_bands[]: years lo..hi, lo < hi <=
 * OB_MAX_AGE (hi = OB_MAX_AGE for an open band such as "60+"). */
struct ob_snap_age_band {
	uint8_t lo, hi;
};

/* Source `source` delivered months from_month..to_month (year * 12 +
 * month - 1) for the country `country`, supplying the canonical fields of
 * `fields` (bit i for enum ob_field i). */
struct ob_snap_coverage {
	uint16_t source, country;
	int32_t from_month, to_month;
	uint32_t fields;
};

/* The columns, as bits of the mask ob_snapshot_check() takes. */
enum ob_snap_col {
	OB_SNAP_COL_TERRITORY = 0,
	OB_SNAP_COL_YEAR,
	OB_SNAP_COL_MONTH,
	OB_SNAP_COL_DAY,
	OB_SNAP_COL_HOUR,
	OB_SNAP_COL_SEX,
	OB_SNAP_COL_AGE,
	OB_SNAP_COL_CATEGORY,
	OB_SNAP_COL_SOURCE,
	OB_SNAP_COL_TAG0, /* + dimension */
	OB_SNAP_COL_COUNT = OB_SNAP_COL_TAG0 + OB_SNAP_DIMS,
	OB_SNAP_COL_RKEY,
	OB_SNAP_COLS
};

#define OB_SNAP_COLS_ALL ((1u << OB_SNAP_COLS) - 1)

/* A run of records of one unit, year and source: [start, next run's start). */
struct ob_snap_run {
	uint32_t start;
	uint16_t year, source;
};

/*
 * A pre-aggregate: within one run of one category (a unit, a year, a
 * source and a category), the records of one sex and one manner (and, in
 * the second level, one age group of ob_ind_age_group_value), their
 * victims (the sum of count) and the sum of their rkeys. 16 bytes.
 */
struct ob_snap_agg {
	uint32_t records, victims, keys;
	uint8_t sex, manner; /* the sex and manner (tag 0) columns' values */
	uint8_t age_group;   /* 0..OB_IND_AGE_GROUPS - 1; OB_SNAP_AGG_ANY in
	                        the first level */
	uint8_t reserved;    /* 0 */
};
#define OB_SNAP_AGG_ANY 255

/* A run of records of one country (the unit of level 0), year, source and
 * category, wherever their units are: the key of the pre-aggregates by
 * country. 8 bytes. */
struct ob_snap_crun {
	uint16_t country, year, source, category;
};

/* The columns a level of pre-aggregates by country may hold. */
enum ob_snap_cube_col {
	OB_CUBE_SEX = 0,
	OB_CUBE_MANNER,
	OB_CUBE_AGE_GROUP, /* ob_ind_age_group_value */
	OB_CUBE_MONTH,
	OB_CUBE_MECHANISM,
	OB_CUBE_PLACE,
	OB_CUBE_NONE = 255
};

/* Levels of pre-aggregates by country, and the columns each holds. */
#define OB_SNAP_CUBES 7
#define OB_SNAP_CUBE_COLS 4
extern const uint8_t ob_snap_cube_cols[OB_SNAP_CUBES][OB_SNAP_CUBE_COLS];

/*
 * A pre-aggregate by country: within one run of one country, year, source
 * and category (struct ob_snap_crun), the records holding the values v of
 * its level's columns (ob_snap_cube_cols; OB_SNAP_AGG_ANY for none), their
 * victims and the sum of their rkeys. 16 bytes.
 */
struct ob_snap_cube {
	uint32_t records, victims, keys;
	uint8_t v[OB_SNAP_CUBE_COLS];
};

/*
 * What a reader derives from the columns, made once when the file is
 * written (engine/snap_derive.c) and stored in it, so that opening costs
 * nothing per record:
 *
 *   sorted ...    whether the territory column is ordered, and within a
 *                 unit the year, within a year the source, within a
 *                 source the category
 *   year_min/max  the years of the records with a year (0, -1: none)
 *   unit_first    records of unit u: [unit_first[u], unit_first[u + 1])
 *                 (n_units + 2 entries) when sorted; the count of each
 *                 unit's records in any case
 *   runs          runs of one unit, year and source (n_runs + 1, the last
 *                 starting at n), with run_first[u] the first of unit u
 *                 (n_units + 1); NULL when the records are not so ordered
 *                 or the runs are many (more than one per eight records)
 *   cat_start ... within the runs, runs of one category (n_cat_runs + 1):
 *                 cat_start[i] holds category cat_value[i]; run r's are
 *                 [run_cat[r], run_cat[r + 1]); NULL unless categories are
 *                 ordered in the runs and few (one per four records)
 *   zone          per block of OB_SNAP_ZONE records: its min and max year,
 *                 min and max source (4 values a zone)
 *   zone_ones     per zone: every count in it is 1 (NULL when counts_one)
 *   zone_victims  victims before each zone (n_zones + 1; NULL when
 *                 counts_one); zone_keys the rkeys summed likewise
 *   age_agg ...   with the category runs: the pre-aggregates of category
 *                 run i are age_agg[age_first[i]] to age_agg[age_first[i +
 *                 1] - 1] (age_first: n_cat_runs + 1), ordered by sex,
 *                 manner and age group, one per tuple its records hold;
 *                 their records add up to the run's length. NULL when
 *                 there are no category runs, when they would be many
 *                 (more than one per two records) or when a sum would not
 *                 fit its 32 bits
 *   agg ...       the same by sex and manner only (agg_first, n_agg),
 *                 ordered by sex then manner: made only with age_agg and
 *                 when both together hold at most OB_SNAP_AGG_FREE
 *                 entries (a small snapshot); else NULL, and a reader
 *                 counts its questions from age_agg
 *   cruns ...     the runs of one country, year and source and category
 *                 (n_cruns, ordered so), and per level L of
 *                 ob_snap_cube_cols their pre-aggregates: crun i's are
 *                 cube[L][cube_first[L][i]] to cube[L][cube_first[L][i + 1]
 *                 - 1] (cube_first: n_cruns + 1), ordered by their values,
 *                 one per tuple its records hold; their records add up to
 *                 the crun's. A level is NULL when not made: the levels
 *                 are made in order while together they hold at most one
 *                 entry per OB_SNAP_CUBE_RECORDS records (or
 *                 OB_SNAP_AGG_FREE); none when the categories' runs are
 *                 not made, a unit has no country or a sum would not fit
 *                 its 32 bits
 */
struct ob_snap_derived {
	bool sorted, year_sorted, src_sorted, cat_sorted, counts_one;
	int year_min, year_max;
	const uint64_t *unit_first;
	const struct ob_snap_run *runs;
	uint64_t n_runs;
	const uint32_t *run_first;
	const uint32_t *cat_start;
	const uint16_t *cat_value;
	const uint32_t *run_cat;
	uint64_t n_cat_runs;
	const uint16_t *zone;
	uint64_t n_zones;
	const uint8_t *zone_ones;
	const uint64_t *zone_victims, *zone_keys;
	const uint32_t *agg_first;
	const struct ob_snap_agg *agg;
	uint64_t n_agg;
	const uint32_t *age_first;
	const struct ob_snap_agg *age_agg;
	uint64_t n_age_agg;
	const struct ob_snap_crun *cruns;
	uint64_t n_cruns;
	const uint32_t *cube_first[OB_SNAP_CUBES];
	const struct ob_snap_cube *cube[OB_SNAP_CUBES];
	uint64_t n_cube[OB_SNAP_CUBES];
};

/* The derived structures of s, computed from its columns into *out
 * (arrays of their own, ended with ob_snap_derived_release). When
 * s->unit_first is set, it is taken rather than counted again. */
struct ob_snapshot;
void ob_snap_derive(const struct ob_snapshot *s, struct ob_snap_derived *out);

void ob_snap_derived_release(struct ob_snap_derived *dv);

struct ob_snapshot {
	uint64_t n;       /* records */
	uint64_t victims; /* the sum of count */
	bool counts_one;  /* every count is 1: victims are records */

	/* columns, n values each */
	const uint16_t *territory, *year, *category, *source, *count;
	const uint8_t *month, *day, *hour, *sex, *age, *rkey;
	const uint8_t *tag[OB_SNAP_DIMS];

	/* dictionaries */
	const struct ob_snap_unit *units;
	uint32_t n_units;
	const struct ob_snap_category *categories;
	uint32_t n_categories;
	const struct ob_snap_source *sources;
	uint32_t n_sources;
	const uint32_t *countries; /* ISO 3166-1 alpha-3 codes */
	uint32_t n_countries;
	const uint32_t *tags[OB_SNAP_DIMS]; /* codes; [0] is "unknown" */
	uint32_t n_tags[OB_SNAP_DIMS];
	const struct ob_snap_coverage *coverage;
	uint32_t n_coverage;
	const struct ob_snap_age_band *age_bands; /* in order of first record */
	uint32_t n_age_bands;

	char stamp[OB_SNAPSHOT_STAMP]; /* the store's stamp when built */
	int64_t built_at;              /* seconds since the epoch */

	uint32_t n_deltas; /* delta segments merged into it (0: the base alone) */

	/* the records of the deltas, when they are not merged into the
	 * columns: a snapshot opened lazily (ob_snapshot_open_lazy) with
	 * deltas is the base, its columns read in place, with the deltas'
	 * dictionaries and stamp, and its tail a snapshot of the deltas'
	 * records alone (same dictionaries). n, victims and the columns are
	 * then the base's: a reader of a lazy snapshot reads the tail's
	 * records too (the analyser, engine/query.h; the population,
	 * engine/indicators.h). NULL otherwise. */
	const struct ob_snapshot *tail;

	/* records of unit u: [unit_first[u], unit_first[u + 1]), when the
	 * territory column is ordered (set by ob_snapshot_open); NULL when it
	 * is not, or for a snapshot made another way: readers then pass over
	 * every record */
	const uint64_t *unit_first;

	/* what a reader derives from the columns, as stored in the file
	 * (format 5); NULL when the snapshot carries none (deltas merged in):
	 * ob_snap_derive() then makes them */
	const struct ob_snap_derived *derived;

	/* the columns are checked block by block when first read: a reader
	 * calls ob_snapshot_check() before reading them (ob_snapshot_open_lazy);
	 * false when every column was checked at open */
	bool lazy;

	/* private */
	const char *strings;
	uint64_t strings_len;
	void *map;
	size_t map_len;
	void *merged;               /* the merged columns of base + deltas, or NULL */
	size_t merged_len;
	struct ob_snapshot *parts;  /* the deltas merged in, chained by parts */
	uint64_t *unit_index;       /* unit_first's storage, or NULL */
	void *split_index;          /* with a tail: the base's unit_first and
	                               run_first lengthened to the dictionary */
	int merge_mode;             /* with a tail: the sort mode to merge it by */
	struct ob_snap_derived derived_store; /* derived's, pointing into the mapping */
	void *lazy_state;           /* which blocks were checked (snap_open.c) */
};

/* A string of the snapshot's pool ("" for an offset outside it). */
static inline const char *ob_snap_str(const struct ob_snapshot *s, uint32_t off)
{
	return off < s->strings_len ? s->strings + off : "";
}

/* The years lo..hi a value of the age column stands for: an exact age
 * (lo = hi), a band, or false for an unknown age. */
static inline bool ob_snap_age_range(const struct ob_snapshot *s, uint8_t a, int *lo, int *hi)
{
	if (a <= OB_MAX_AGE) {
		*lo = *hi = a;
		return true;
	}
	if (a != OB_SNAP_AGE_UNKNOWN && (uint32_t)(a - OB_SNAP_AGE_BAND0) < s->n_age_bands) {
		*lo = s->age_bands[a - OB_SNAP_AGE_BAND0].lo;
		*hi = s->age_bands[a - OB_SNAP_AGE_BAND0].hi;
		return true;
	}
	*lo = *hi = -1;
	return false;
}

/* The ancestor of unit u at level (0 country, 1 admin-1, 2 admin-2), u itself
 * when it is at that level, or -1 when u is above that level (a record
 * counted in its country has no admin-1). */
static inline int32_t ob_snap_unit_at_level(const struct ob_snapshot *s, uint32_t u, int level)
{
	int32_t x = (int32_t)u;

	while (x >= 0 && x < (int32_t)s->n_units && s->units[x].level > level)
		x = s->units[x].parent;
	return x >= 0 && x < (int32_t)s->n_units && s->units[x].level == level ? x : -1;
}

/* The ancestor of category c at ICCS level (1 section, 2 division, 3 group,
 * 4 class), c itself when it is at that level, or -1 (the unknown category,
 * a code outside the ICCS, or a code above that level). */
static inline int32_t ob_snap_category_at_level(const struct ob_snapshot *s, uint32_t c,
                                                int level)
{
	int32_t x = (int32_t)c;

	while (x >= 0 && x < (int32_t)s->n_categories && s->categories[x].level > level)
		x = s->categories[x].parent;
	return x >= 0 && x < (int32_t)s->n_categories && s->categories[x].level == level ? x : -1;
}

/* Whether unit u was valid at some day of from..to (yyyymmdd, inclusive). */
static inline bool ob_snap_unit_valid(const struct ob_snap_unit *u, int32_t from, int32_t to)
{
	return (!u->valid_from || u->valid_from <= to) && (!u->valid_to || u->valid_to >= from);
}

/* "manner", "mechanism", ...: the field names of the tag dimensions. */
const char *ob_snap_dim_name(enum ob_snap_dim dim);

/* "police", "forensic", "prosecutor", "validated", "other"; and back (-1
 * if unknown). */
const char *ob_institution_name(enum ob_institution i);
int ob_institution_parse(const char *s, size_t n);

/* DIR/snapshot/records.obs into out (OB_ETOOBIG when it does not fit). */
ob_err ob_snapshot_path(const char *dir, char *out, size_t size);

/*
 * The store's stamp: a short text that changes whenever the current
 * records, the territories or the ICCS codes change (submissions, their
 * supersession, a catalogue reload). Written into out (OB_SNAPSHOT_STAMP
 * bytes).
 */
ob_err ob_snapshot_stamp(struct ob_store *st, char *out, struct ob_diag *d);

/*
 * Build DIR/snapshot/records.obs from the store (the observatory in DIR):
 * written to a temporary file in the same directory, synced, then renamed
 * over the old one. Errors: OB_ESTORE, OB_EIO, OB_ETOOBIG (a limit of
 * limits.h), OB_ENOENT (the store has no record-key secret: a store made
 * by another version and never opened for writing since), with d saying
 * which.
 */
ob_err ob_snapshot_build(struct ob_store *st, const char *dir, struct ob_diag *d);

/*
 * Map DIR/snapshot/records.obs read-only and check it whole. Errors:
 * OB_ENOENT (no snapshot), OB_ESCHEMA (another version of the format),
 * OB_ECORRUPT (truncated, bad checksum, an index outside its dictionary),
 * OB_EIO.
 */
ob_err ob_snapshot_open(const char *dir, struct ob_snapshot **out, struct ob_diag *d);

void ob_snapshot_close(struct ob_snapshot *s);

/*
 * As ob_snapshot_open, but the columns are not read: the header, the
 * dictionaries, the derived structures but the pre-aggregates and the
 * table of block checksums are checked whole, and each block of a column
 * is checked (its checksum, every value inside its dictionary) by
 * ob_snapshot_check() the first time a reader asks for it, each part of
 * the pre-aggregates by ob_snapshot_check_derived() likewise. Opening so
 * costs nothing per record. Deltas are not merged in: their records, each
 * delta checked whole, are the snapshot's tail (above), merged among
 * themselves when they are several, so that opening costs the deltas'
 * records, not the observatory's. Errors as ob_snapshot_open.
 */
ob_err ob_snapshot_open_lazy(const char *dir, struct ob_snapshot **out, struct ob_diag *d);

/*
 * A snapshot of s's records, base and tail (above), merged into the order
 * a full build gives and checked whole, for a reader of the columns
 * themselves, into *out: s's columns as they are when it has no tail. *out
 * borrows s's dictionaries and mappings: close it (ob_snapshot_close)
 * before s. Costs a copy of the columns when s has a tail, and checking
 * every block of a lazily opened s not checked yet. Errors: OB_ECORRUPT (a
 * block fails its check), OB_ENOMEM.
 */
ob_err ob_snapshot_merge_tail(const struct ob_snapshot *s, struct ob_snapshot **out,
                              struct ob_diag *d);

/*
 * Check the blocks of the columns in cols (bits 1 << enum ob_snap_col) that
 * hold records from..to-1 and were not checked yet; OB_OK at once for a
 * snapshot checked at open. OB_ECORRUPT, naming the column, when a block
 * fails its checksum or holds a value outside its dictionary; the snapshot
 * is then not to be read. Safe from several threads at once.
 */
ob_err ob_snapshot_check(const struct ob_snapshot *s, uint32_t cols, uint64_t from, uint64_t to,
                         struct ob_diag *d);

/*
 * The parts of the pre-aggregates a lazy open leaves unchecked: by sex and
 * manner, by age group too, and level L of those by country
 * (OB_SNAP_DER_CUBE << L); OB_SNAP_DER_ALL every one.
 */
#define OB_SNAP_DER_AGG 1u
#define OB_SNAP_DER_AGE 2u
#define OB_SNAP_DER_CUBE 4u
#define OB_SNAP_DER_PARTS (2 + OB_SNAP_CUBES)
#define OB_SNAP_DER_CUBES (((1u << OB_SNAP_CUBES) - 1) << 2)
#define OB_SNAP_DER_ALL ((1u << OB_SNAP_DER_PARTS) - 1)

/*
 * Check the parts of the pre-aggregates in parts (OB_SNAP_DER_*) not
 * checked yet: their sections' checksums and their consistency, as
 * ob_snapshot_open checks them at open; OB_OK at once for a snapshot
 * checked at open. OB_ECORRUPT when one fails; the snapshot is then not to
 * be read. Safe from several threads at once.
 */
ob_err ob_snapshot_check_derived(const struct ob_snapshot *s, uint32_t parts, struct ob_diag *d);

/*
 * Bring the snapshot of the observatory in DIR up to the store's state:
 * when only new deliveries were taken since it was built (no supersession,
 * no catalogue change) and fewer than OB_MAX_SNAPSHOT_DELTAS deltas exist,
 * their records are written as one delta segment (engine/snap_delta.c),
 * in time proportional to the deliveries, not to the observatory;
 * otherwise the snapshot is rebuilt whole (ob_snapshot_build). *delta (may
 * be NULL) says whether a delta was written. Errors as ob_snapshot_build.
 */
ob_err ob_snapshot_update(struct ob_store *st, const char *dir, bool *delta,
                          struct ob_diag *d);

/*
 * Open the snapshot of the observatory in DIR, building it first when it is
 * missing, refused (corrupt or of another version: the reason is printed as
 * a warning) or older than the store (its stamp differs). *rebuilt (may be
 * NULL) says whether it was built.
 */
ob_err ob_snapshot_load(struct ob_store *st, const char *dir, struct ob_snapshot **out,
                        bool *rebuilt, struct ob_diag *d);

/* ob_snapshot_load, opening with ob_snapshot_open_lazy: for a reader that
 * calls ob_snapshot_check() before it reads a column (the analyser). */
ob_err ob_snapshot_load_lazy(struct ob_store *st, const char *dir, struct ob_snapshot **out,
                             bool *rebuilt, struct ob_diag *d);

#endif
