/*
 * record.h - the records of a linkage: typed fields held column by column,
 * and the comparison of two records into a comparison vector.
 *
 * A linkage compares fields of a few kinds (struct ob_link_field): given
 * names, first and second surname, other text, dates, numbers, ages, codes
 * and territories. Records come from one or more sources (files, or the
 * store's institutions); each has an id within its source. Text values are
 * folded (compare.h) and interned once per field, so each distinct spelling
 * is prepared once (its comparison forms decoded, its phonetic key, its
 * frequency) and a record holds 4-byte references.
 *
 * Missing values: an empty value, a word that means "not known"
 * (ob_is_missing_word), a date or number that cannot be read (counted in
 * ob_link_field_stats, with the first example) are missing; a comparison
 * with a missing side has level OB_LEVEL_MISSING.
 *
 * Surnames: when the spec has a SURNAME1 and a SURNAME2 field they are
 * compared together in both orders (ob_surnames_compare); a first surname
 * holding two surnames while the second is empty ("RODRIGUEZ PEREZ", "") is
 * split (ob_surnames_split). Both fields share one vocabulary, so term
 * frequencies count a surname wherever it appears. A swap is itself
 * evidence: two records of one person rarely swap surnames, two people do
 * so about as often as they share them in order. So when both surname
 * fields are present, ob_link_records_init appends one more comparison,
 * "orden_apellidos" (OB_LINK_SURNAME_ORDER: level 1 same order, 0 swapped,
 * missing unless both records have both surnames), whose weights the EM
 * learns like any other.
 *
 * Ownership: ob_link_records_init() makes an empty table that owns all its
 * memory; ob_link_records_release() frees it. The spec is copied in.
 * Lookups return pointers into the table, valid until it is released.
 */
#ifndef OB_LINK_RECORD_H
#define OB_LINK_RECORD_H

#include "base/buf.h"
#include "base/strmap.h"
#include "link/compare.h"

enum ob_link_kind {
	OB_LINK_GIVEN = 0,  /* given name(s) */
	OB_LINK_SURNAME1,   /* first (paternal) surname */
	OB_LINK_SURNAME2,   /* second (maternal) surname */
	OB_LINK_STRING,     /* any other text, folded like a name */
	OB_LINK_DATE,       /* a date (day precision; partial dates are missing) */
	OB_LINK_NUMBER,     /* a number: year of birth, document number... */
	OB_LINK_AGE,        /* an age as institutions write it (io/value.h) */
	OB_LINK_CODE,       /* a code compared for equality: sex, manner, mechanism */
	OB_LINK_TERRITORY,  /* a territorial unit: same unit, neighbour, same admin-1 */
	OB_LINK_SURNAME_ORDER, /* whether the surnames met in the same order (no column:
	                        * added by ob_link_records_init, see below) */
	OB_LINK_KIND_COUNT,
};

/* "given", "surname1", ... as written in settings; OB_LINK_KIND_COUNT if unknown. */
const char *ob_link_kind_name(enum ob_link_kind k);
enum ob_link_kind ob_link_kind_from_name(const char *s);

struct ob_link_field {
	char name[64];
	enum ob_link_kind kind;
	/*
	 * Text kinds: Jaro-Winkler cuts in decreasing order (default 0.94,
	 * 0.88: full agreement, partial, else disagreement). Date, number,
	 * age: absolute differences in increasing order (defaults: days 0, 3,
	 * 30; numbers 0, 1; ages 0, 2, 5). Codes and territories take none.
	 */
	double cut[OB_MAX_LEVELS - 1];
	int ncut;
	enum ob_jw_convention jw;
	bool tf;           /* term-frequency adjustment of full agreement */
	unsigned fold;     /* OB_NAME_KEEP_ENYE */
	unsigned date_forms; /* io/date.h OB_DATE_* (0 = OB_DATE_ANY) */
};

/* Fill f with the defaults of its kind (name and kind kept). */
void ob_link_field_defaults(struct ob_link_field *f);
/* Levels of f's comparison (disagreement included). */
int ob_link_field_levels(const struct ob_link_field *f);
/* A short label of a level ("jw >= 0.94", "<= 3 días", "missing"...). */
void ob_link_level_label(const struct ob_link_field *f, int level, char *out, size_t size);

/* One interned text value. */
struct ob_link_term {
	const char *str;   /* folded, NUL-terminated (owned by the vocabulary) */
	uint32_t len;
	uint32_t count;    /* records holding it */
	uint32_t key, nkey, compact, ncompact; /* code points in the vocabulary's pool */
	uint64_t phon;     /* hash of the phonetic key, 0 when it has none */
};

struct ob_link_vocab {
	struct ob_strmap map; /* folded value -> id */
	struct ob_link_term *term; /* by id; id 0 is "missing" */
	size_t n, cap;
	uint32_t *pool;       /* code points of the comparison forms */
	size_t npool, cappool;
	uint64_t values;      /* non-missing values counted (for frequencies) */
};

/* Per-field figures of the load. */
struct ob_link_field_stats {
	uint64_t present, missing, unreadable;
	char example[160]; /* first unreadable value, with where it came from */
};


struct ob_link_records {
	size_t nfields;
	struct ob_link_field field[OB_MAX_LINK_FIELDS];
	/*
	 * Values, one row of `stride` 4-byte slots per record (so comparing two
	 * records touches two short rows): text, code and territory fields
	 * hold a term id (0 missing) in one slot; dates the day since
	 * 1970-01-01 (INT32_MIN missing) in one; numbers and ages a double
	 * (NaN missing) in two. Read them with ob_link_id/day/num.
	 */
	uint32_t *row;
	size_t stride;
	size_t slot[OB_MAX_LINK_FIELDS];
	struct ob_link_vocab *vocab[OB_MAX_LINK_FIELDS]; /* text kinds; surnames share */
	struct ob_link_field_stats stats[OB_MAX_LINK_FIELDS];
	int surname1, surname2; /* field indexes, -1 when absent */
	int surname_order;      /* the order comparison, -1 when absent */

	size_t nsources;
	char *source_name[OB_MAX_LINK_FILES];
	uint64_t source_count[OB_MAX_LINK_FILES];

	size_t n, cap;
	uint16_t *source;    /* per record */
	uint32_t *id_off;    /* per record: its id in ids */
	struct ob_buf ids;   /* ids, NUL-separated */

	/* territories: parent of each unit (term id -> term id of the parent's
	 * folded code, in the same vocabulary), and neighbouring pairs */
	uint32_t *parent[OB_MAX_LINK_FIELDS];
	size_t nparent[OB_MAX_LINK_FIELDS];
	struct ob_strmap neighbours[OB_MAX_LINK_FIELDS];
	bool has_neighbours[OB_MAX_LINK_FIELDS];
};

/* The raw text of one field of one record (s2: a territory's parent). */
struct ob_link_text {
	const char *s;
	size_t n;
	const char *s2;
	size_t n2;
};

/*
 * Start a table for the fields of spec (copied). OB_EINVAL when there are
 * no fields, more than OB_MAX_LINK_FIELDS, two SURNAME1 or SURNAME2 fields,
 * or cuts out of order; d says which.
 */
ob_err ob_link_records_init(struct ob_link_records *r, const struct ob_link_field *spec,
                            size_t nfields, struct ob_diag *d);
void ob_link_records_release(struct ob_link_records *r);

/* Add a source; returns its index. OB_ETOOBIG past OB_MAX_LINK_FILES. */
ob_err ob_link_records_add_source(struct ob_link_records *r, const char *name,
                                  uint16_t *index);

/*
 * Add one record of source with its id and one text per field of the spec
 * given to ob_link_records_init (vals[k] for field k; NULL s for a field the
 * source lacks; the surnames' order takes none). where ("file:line") is used
 * in the example of an unreadable value. OB_ETOOBIG past
 * OB_MAX_LINK_RECORDS or a vocabulary's limit; OB_EENCODING on invalid
 * UTF-8.
 */
ob_err ob_link_records_add(struct ob_link_records *r, uint16_t source, const char *id,
                           size_t idlen, const struct ob_link_text *vals, const char *where);

/* The parent (admin-1) of a territorial unit, both as codes or names (folded
 * like codes). May be called before or after the records. */
ob_err ob_link_records_set_parent(struct ob_link_records *r, size_t field, const char *unit,
                                  size_t ulen, const char *parent, size_t plen);
/* Declare two units neighbours (symmetric). */
ob_err ob_link_records_add_neighbours(struct ob_link_records *r, size_t field,
                                      const char *a, size_t alen, const char *b, size_t blen);

static inline uint32_t ob_link_id(const struct ob_link_records *r, size_t i, size_t k)
{
	return r->row[i * r->stride + r->slot[k]];
}

static inline int32_t ob_link_day(const struct ob_link_records *r, size_t i, size_t k)
{
	return (int32_t)r->row[i * r->stride + r->slot[k]];
}

static inline double ob_link_num(const struct ob_link_records *r, size_t i, size_t k)
{
	double v;
	memcpy(&v, &r->row[i * r->stride + r->slot[k]], sizeof(v));
	return v;
}

static inline const char *ob_link_record_id(const struct ob_link_records *r, size_t i)
{
	return r->ids.ptr + r->id_off[i];
}

/* The folded text of record i's field k ("" when missing or not text). */
const char *ob_link_record_text(const struct ob_link_records *r, size_t i, size_t k);

/* The comparison of two records. */
struct ob_link_cmp {
	int8_t level[OB_MAX_LINK_FIELDS];
	float sim[OB_MAX_LINK_FIELDS]; /* similarity (text) or |difference|; NaN if missing */
	bool swapped;                  /* surnames matched in swapped order */
	/* share of records holding the value both agree on exactly, for the
	 * term-frequency adjustment; 0 when not an exact agreement */
	double freq[OB_MAX_LINK_FIELDS];
};

void ob_link_compare(const struct ob_link_records *r, size_t i, size_t j,
                     struct ob_link_cmp *out);

/*
 * The same with a cache of text similarities (by field and pair of values),
 * for one thread; results are identical with or without it. Make one per
 * thread with ob_link_cache_new (1 MiB), free it with ob_link_cache_free.
 */
struct ob_link_cache;
struct ob_link_cache *ob_link_cache_new(void);
void ob_link_cache_free(struct ob_link_cache *c);
void ob_link_compare_cached(const struct ob_link_records *r, struct ob_link_cache *cache,
                            size_t i, size_t j, struct ob_link_cmp *out);

/*
 * The input of the term-frequency adjustment: when field k has tf set and
 * records i and j hold the same value there (for a surname, when i's
 * surname is either of j's), the share of the field's values that are that
 * value; otherwise 0. ob_link_compare fills freq[] with it for fields at
 * full agreement.
 */
double ob_link_tf_freq(const struct ob_link_records *r, size_t i, size_t j, size_t k);

/*
 * A full name in one string, split into given names and two surnames:
 * "APELLIDOS, NOMBRES" when there is a comma; otherwise the last two units
 * (particles attached, as in ob_surnames_split) are the surnames and the
 * rest the given names; two units are a given name and one surname; one
 * unit is a given name. Each output is folded with flags and appended to
 * its buffer.
 */
ob_err ob_fullname_split(const char *s, size_t n, unsigned flags, struct ob_buf *given,
                         struct ob_buf *sur1, struct ob_buf *sur2);

#endif
