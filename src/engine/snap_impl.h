/*
 * snap_impl.h - the pieces of the snapshot that its files share: the file
 * format, checksums and the builder. Not a public interface: include
 * engine/snapshot.h instead.
 *
 *   snapshot.c      the file format, names, the store's stamp
 *   snap_store.c    the store's catalogue into the builder
 *   snap_records.c  the store's records into rows, over readers
 *   snap_write.c    the rows into columns, the file written
 *   snap_open.c     the file mapped and verified
 *   snap_delta.c    delta segments: a delivery's records written on their
 *                   own, merged with the base when the snapshot is opened
 *
 * Ownership: the builder owns its dictionaries and vectors, released by
 * ob_snapshot_build; a reader its rows and misses (ob_si_reader_release).
 */
#ifndef OB_ENGINE_SNAP_IMPL_H
#define OB_ENGINE_SNAP_IMPL_H


#include "base/buf.h"
#include "base/sha256.h"
#include "base/strmap.h"
#include "engine/snapshot.h"
#include "store/snapshot_read.h"

extern const char ob_si_snap_magic[8];

#define SNAP_ENDIAN 0x01020304u

#define SNAP_HEADER_SIZE 2048

#define SNAP_ALIGN 64

enum section {
	SEC_STRINGS,
	SEC_UNITS,
	SEC_CATEGORIES,
	SEC_SOURCES,
	SEC_COUNTRIES,
	SEC_COVERAGE,
	SEC_TAGS,                                 /* + dimension */
	SEC_AGE_BANDS = SEC_TAGS + OB_SNAP_DIMS,
	SEC_COL_TERRITORY,
	SEC_COL_YEAR,
	SEC_COL_MONTH,
	SEC_COL_DAY,
	SEC_COL_HOUR,
	SEC_COL_SEX,
	SEC_COL_AGE,
	SEC_COL_CATEGORY,
	SEC_COL_SOURCE,
	SEC_COL_TAG,                              /* + dimension */
	SEC_COL_COUNT = SEC_COL_TAG + OB_SNAP_DIMS,
	SEC_COL_RKEY,
	/* format 5: what readers derive from the columns (struct
	 * ob_snap_derived), and the checksum of every block of the columns */
	SEC_DER_META,       /* struct snap_derived_meta, one */
	SEC_DER_UNIT_FIRST, /* uint64_t, n_units + 2 */
	SEC_DER_RUNS,       /* struct ob_snap_run, n_runs + 1, or none */
	SEC_DER_RUN_FIRST,  /* uint32_t, n_units + 1 with the runs */
	SEC_DER_CAT_START,  /* uint32_t, n_cat_runs + 1, or none */
	SEC_DER_CAT_VALUE,  /* uint16_t, n_cat_runs + 1 */
	SEC_DER_RUN_CAT,    /* uint32_t, n_runs + 1 with the category runs */
	SEC_DER_ZONE,       /* uint16_t, 4 a zone */
	SEC_DER_ZONE_ONES,  /* uint8_t a zone, none when every count is 1 */
	SEC_DER_ZONE_VICTIMS, /* uint64_t, n_zones + 1, none likewise */
	SEC_DER_ZONE_KEYS,  /* uint64_t, n_zones + 1 */
	/* format 6: the pre-aggregates of the category runs */
	SEC_DER_AGG_FIRST,  /* uint32_t, n_cat_runs + 1 with them, or none */
	SEC_DER_AGG,        /* struct ob_snap_agg, n_agg */
	SEC_DER_AGE_FIRST,  /* uint32_t, n_cat_runs + 1 by age group too, or none */
	SEC_DER_AGE_AGG,    /* struct ob_snap_agg, n_age_agg */
	/* format 7: the pre-aggregates by country */
	SEC_DER_CRUNS,      /* struct ob_snap_crun, n_cruns, or none */
	SEC_DER_CUBE_FIRST, /* + level: uint32_t, n_cruns + 1 when made, or none */
	SEC_DER_CUBE = SEC_DER_CUBE_FIRST + OB_SNAP_CUBES, /* + level: struct ob_snap_cube */
	SEC_BLOCK_SUMS = SEC_DER_CUBE + OB_SNAP_CUBES, /* uint64_t: the sum of each block of SNAP_BLOCK
	                       bytes of each column section, in section order */
	SEC_COUNT
};

/* The column sections, first and last. */
#define SEC_COL_FIRST SEC_COL_TERRITORY
#define SEC_COL_LAST SEC_COL_RKEY

struct snap_derived_meta {
	uint8_t sorted, year_sorted, src_sorted, cat_sorted, counts_one;
	uint8_t has_runs, has_cat_runs, has_agg; /* has_agg: bit 0 by sex and
	                                           manner, bit 1 by age group */
	int32_t year_min, year_max;
	uint32_t zone_records; /* OB_SNAP_ZONE when written */
	uint32_t has_cube;     /* bit L: level L of the pre-aggregates by country */
};

/* The column section of a column (enum ob_snap_col). */
int ob_si_col_section(int col);


struct snap_section {
	uint32_t id, elem_size;
	uint64_t offset, count;
	uint64_t checksum; /* ob_si_section_checksum() of its bytes */
};

struct snap_header {
	char magic[8];
	uint32_t version;
	uint32_t endian;
	uint64_t file_size;
	uint64_t header_checksum; /* of the header with this field zero */
	uint64_t n_records;
	uint64_t n_victims; /* the sum of the count column */
	int64_t built_at;
	char stamp[OB_SNAPSHOT_STAMP];
	uint32_t n_sections;
	uint32_t reserved;
	struct snap_section sections[SEC_COUNT];
};

extern const char *const ob_si_dim_names[OB_SNAP_DIMS];

uint64_t ob_si_checksum(const unsigned char *p, size_t n);

/*
 * The checksum of a section: each block of SNAP_BLOCK bytes checksummed on
 * its own, the block sums folded in order. Blocks can so be verified by
 * several threads at once, each while the block is in cache for its range
 * checks, and (format 5, whose file keeps every block's sum) one at a time
 * when a reader first reads it.
 */
#define SNAP_BLOCK ((size_t)1 << 16)

uint64_t ob_si_fold_start(void);

uint64_t ob_si_fold_block(uint64_t acc, uint64_t block_sum);

uint64_t ob_si_fold_end(uint64_t acc, uint64_t len);

uint64_t ob_si_section_checksum(const unsigned char *p, size_t n);


/*
 * A large zeroed buffer of its own mapping, in huge pages where the system
 * has them (a fault per 2 MiB instead of per 4 KiB); NULL when it cannot be
 * had. Ended with ob_si_big_free().
 */
void *ob_si_big_alloc(size_t n);

void ob_si_big_free(void *p, size_t n);

/* A growable array of fixed-size elements with a ceiling. */
struct vec {
	unsigned char *p;
	size_t n, cap, elem, max;
};

void ob_si_vec_init(struct vec *v, size_t elem, size_t max);

void ob_si_vec_free(struct vec *v);

/* Room for one more element; NULL when the ceiling is reached. */
void *ob_si_vec_push(struct vec *v);

struct sub_info {
	int32_t source;  /* -1: not current */
	int32_t country;
};

struct builder {
	struct ob_store *st;
	struct ob_diag *d;
	const char *dir;
	struct ob_buf strings;
	struct vec units, cats, sources, countries, coverage, tags[OB_SNAP_DIMS];
	struct vec age_bands; /* struct ob_snap_age_band, made by ob_si_resolve_bands */
	struct ob_strmap unit_map, cat_map, source_map, country_map, tag_map[OB_SNAP_DIMS];
	int32_t *country_unit; /* unit of each country, -1 none; grown with countries */
	size_t country_unit_cap;
	struct sub_info *subs;
	long long n_subs;
	unsigned char secret[OB_STORE_SECRET_LEN]; /* the store's record-key secret */
	struct ob_sha256 *key_ctx; /* per source: the digest of secret || source || 0
	                              so far, copied per record */
	long long from_id; /* the readers start at this record id (0: the first) */
	int sort_mode;     /* ob_si_sort_mode() imposed (a delta), or -1 */
};

/* A builder with empty dictionaries over st (offset 0 of the pool is the
 * empty string); ended with ob_si_builder_release. */
void ob_si_builder_init(struct builder *b, struct ob_store *st, const char *dir,
                        struct ob_diag *d);

void ob_si_builder_release(struct builder *b);

/*
 * How records are ordered (see snap_write.c): 0 by territory, year, source
 * and category; 1 by territory, year and category; 2 by territory and
 * category; chosen by the number of keys nu * ny * ns (units, years
 * present, sources).
 */
int ob_si_sort_mode(size_t nu, size_t ny, size_t ns);

/* The order key of a record under a sort mode: records are sorted by it,
 * then by record order. */
static inline uint64_t ob_si_sort_key(int mode, uint16_t terr, uint16_t year, uint16_t source,
                                       uint16_t cat)
{
	return ((uint64_t)terr << 48) | (mode < 2 ? (uint64_t)year << 32 : 0) |
	       (mode < 1 ? (uint64_t)source << 16 : 0) | cat;
}

struct reader;

/* The file DIR/snapshot/NAME written from the builder's dictionaries and the
 * readers' rows: a temporary file synced and renamed over it. */
/* A full build of DIR's snapshot, without taking the writers' lock (the
 * caller holds it): ob_snapshot_build() is this under the lock. */
ob_err ob_si_build(struct ob_store *st, const char *dir, struct ob_diag *d);

/* The writers of a snapshot (a full build, a delta and its list), in any
 * process or thread, take turns: an exclusive lock (flock) on
 * DIR/snapshot/.lock, waited for, held while the state is read and
 * written. *fd is released with ob_si_writer_unlock(). */
ob_err ob_si_writer_lock(const char *dir, int *fd, struct ob_diag *d);
void ob_si_writer_unlock(int fd);

ob_err ob_si_write_file(struct builder *b, const char *stamp, const struct reader *rd, int nr,
                        const char *name);

/* Map one snapshot file (the base or a delta) and check it whole; light:
 * its header and dictionaries only, the columns mapped but neither read nor
 * checked (counts_one is then false), for a writer that needs the
 * dictionaries. */
enum snap_open_mode {
	SNAP_OPEN_FULL,  /* every section checked */
	SNAP_OPEN_LIGHT, /* header and dictionaries: a writer's */
	SNAP_OPEN_LAZY   /* all but the columns, whose blocks ob_snapshot_check
	                    checks when first read */
};

ob_err ob_si_open_file(const char *path, enum snap_open_mode mode, struct ob_snapshot **out,
                       struct ob_diag *d);

/* The delta segments listed by DIR/snapshot/deltas merged into *s (the
 * base, replaced by the merged snapshot); nothing when there are none or
 * they are of another base. split: the base is kept with its columns in
 * place, and the deltas' records become its tail (ob_snapshot.tail). */
ob_err ob_si_apply_deltas(const char *dir, struct ob_snapshot **s, bool split,
                          struct ob_diag *d);

/* The index of units of s (unit_first, in unit_index) when its territory
 * column is ordered; nothing otherwise. */
void ob_si_index_units(struct ob_snapshot *s);

/* The id of the first record of the submissions above sub (read through
 * the index on submission), or one past the last record when they have
 * none, into *id. */
ob_err ob_si_first_record_after(struct builder *b, long long sub, long long *id);

/* Forget the delta segments (after a full build): the list first, then
 * the files. */
void ob_si_drop_deltas(const char *dir);

ob_err ob_si_too_many(struct builder *b, const char *what_es, const char *what_en,
                      long long max);

static inline uintptr_t map_get(const struct ob_strmap *m, const char *k, size_t n)
{
	return (uintptr_t)ob_strmap_get(m, k, n);
}

/* A store's value (store/snapshot_read.h) as text and its length: NULL
 * and 0 for a missing value; an integer has no text here. */
static inline const char *ob_si_text(const struct ob_store_value *v, size_t *n)
{
	*n = v->len;
	return v->text;
}

/* A store's value as an integer, 0 when it holds none. */
static inline long long ob_si_int(const struct ob_store_value *v)
{
	return v->type == OB_STORE_INT ? v->i : v->type == OB_STORE_REAL ? (long long)v->r : 0;
}

/* Territories, parents before children (ordered by level). */
ob_err ob_si_load_units(struct builder *b);

int ob_si_iccs_level(size_t n);

/* A category, added when new; its parent is its longest known prefix. */
int32_t ob_si_add_category(struct builder *b, const char *code, size_t n, int level,
                            const char *parent, size_t nparent);

/* ICCS codes by level, so that parents come first. Index 0: unknown. */
ob_err ob_si_load_categories(struct builder *b);

int32_t ob_si_add_tag(struct builder *b, int dim, const char *code, size_t n);

ob_err ob_si_load_tags(struct builder *b);

/* Sources and coverage from the logbook. */
ob_err ob_si_load_submissions(struct builder *b);

/* The digest of secret || source || 0 of each source, for ob_si_record_key(). */
void ob_si_key_contexts(struct builder *b);

/* The unit of a country, made (level 0, named by its code) when the
 * catalogue lacks it, so that records without a territory still count. */
int32_t ob_si_country_unit(struct builder *b, int32_t c);

/*
 * The records are read by several readers at once, each over its own range
 * of record ids and through its own connection, into rows of its own. The
 * dictionaries are read-only while they run: a value a reader cannot
 * resolve (a code the catalogue lacks, a country without its unit) is left
 * as a miss, and the misses are resolved afterwards in record order, so
 * that the dictionaries come out as a single pass would make them.
 */
struct row {
	uint16_t terr, year, cat, source, count;
	uint8_t month, day, hour, sex, age, rkey, tag[OB_SNAP_DIMS];
	uint8_t age_lo, age_hi; /* the band of a record without an exact age
	                           (age_lo < age_hi), else 255, 255 */
};

struct miss {
	uint64_t row;
	uint64_t nrows; /* rows row.. of one stored record (split by its count) */
	char *s; /* the code (owned), NULL for a territory */
	size_t n;
	int32_t country;
	int col;
};

struct cache_slot {
	char key[64];
	size_t len;
	uint32_t idx;
	bool valid;
};

struct reader {
	const struct builder *b;
	struct ob_store *st; /* the connection it reads through */
	bool own_st;         /* st was opened for this reader */
	bool big;            /* rows.p is of ob_si_big_alloc() */
	long long from, to;  /* record ids from..to */
	struct vec rows;     /* struct row */
	struct vec misses;   /* struct miss */
	uint64_t victims;    /* the sum of the rows' counts */
	struct ob_diag diag;
	ob_err err;
	struct cache_slot last_terr, last_cat, last_tag[OB_SNAP_DIMS];
};

#define SNAP_MAX_READERS 4

/* Bytes of the store a build's connections map rather than read. */
#define SNAP_MMAP_SIZE 2147418112LL

_Static_assert(OB_SNAP_DIMS == OB_STORE_REC_DIMS,
               "the record scan's coded fields are the snapshot's dimensions");

/*
 * The record keys of victims from..to-1 of a stored record of source
 * `source` (a record's source is its submission's), summed mod 256 (see
 * snapshot.h): the first byte of SHA-256(secret || source || 0 ||
 * source_id || 0 || i) for each victim i, in decimal. The digest of
 * secret || source || 0 is the source's, made once.
 */
uint8_t ob_si_record_key(const struct builder *b, int32_t source, const char *id, size_t ni,
                          uint64_t from, uint64_t to);

void ob_si_reader_release(struct reader *r);

/* The misses of the readers, in record order, into the dictionaries. */
ob_err ob_si_resolve_misses(struct builder *b, struct reader *rd, int nr);

/* The age bands of the rows, in record order, into the dictionary
 * age_bands and the rows' age column. */
void ob_si_resolve_bands(struct builder *b, struct reader *rd, int nr);

/*
 * Read the records into rd[0..*nr): the id range split between up to
 * SNAP_MAX_READERS readers (one per processor), reader 0 through b's
 * connection, the others through connections of their own that see the
 * same state of the store; one reader when no other connection can be had.
 */
ob_err ob_si_load_records(struct builder *b, const char *stamp, struct reader *rd, int *nr);

const void *ob_si_section(const unsigned char *base, const struct snap_header *h, int id,
                           uint32_t elem, uint64_t *count);

#endif
