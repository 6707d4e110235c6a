/*
 * counting.h - the one rule that decides which records a number counts:
 * the counting rules of the catalogue (catalog/counting.h) resolved against
 * a snapshot, and the choice they make for a country, a scope and a period.
 *
 * Every number counts one of three things, and says which:
 *   victims           the records of one institution of record (or one
 *                     source) of the country: "victims:forensic",
 *                     "victims:police", "victims:sv-iml"
 *   validated deaths  the records of the country's validated source, which
 *                     observa reconcile writes (institution "validated"):
 *                     "validated_deaths"; used for a country and period
 *                     only when the rule says validated deaths go first
 *                     and the validated source's deliveries (its
 *                     reconciliation runs) cover every month of the period
 *   records           every record of every source, summed: "records";
 *                     only when asked, or when no rule applies
 *
 * Which row of the rules applies:
 *   indicators  the row of the indicator for the country, else the row *
 *               of the country, else the indicator's row for every
 *               country, else the indicator's `institution` column
 *               (indicators.csv), else the row * of every country; a share
 *               follows its denominator
 *   analyser    for a record, by its country, manner and ICCS code: the
 *               country's row for its manner (when known), else the
 *               country's row for the nearest ICCS code at or above its
 *               own, else the country's row *, then the same three among
 *               the rows of every country; the period is the record's year
 *
 * Ownership: ob_counting_load() returns rules the caller frees with
 * ob_counting_free(); they borrow the snapshot (and keep nothing of the
 * indicator set but indices into it): free them before the snapshot, and
 * use them with the same indicator set. Choices point into the rules.
 * Everything here is read-only after loading (but for the classes of
 * ob_counting_classes, made on first use and published atomically) and
 * may be used from any number of threads.
 */
#ifndef OB_ENGINE_COUNTING_H
#define OB_ENGINE_COUNTING_H

#include "base/common.h"
#include "catalog/counting.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"

enum ob_count_kind {
	OB_COUNT_RECORDS = 0, /* every source */
	OB_COUNT_INSTITUTION, /* the country's sources of one institution */
	OB_COUNT_SOURCE,      /* one source */
	OB_COUNT_VALIDATED,   /* the country's validated deaths */
};

/* What a number counts, and the rule that said so. */
struct ob_count_choice {
	enum ob_count_kind kind;
	int institution;                  /* enum ob_institution (INSTITUTION) */
	const char *source;               /* the source code (SOURCE) */
	const char *name;                 /* "validated_deaths", "victims:forensic", ... */
	const struct ob_count_rule *rule; /* the row that applied; NULL for a fallback */
	bool validated_first;             /* the rule puts validated deaths first */
	const uint8_t *withheld;          /* [source]: never counted (the case
	                                     engine's sources); NULL: none. Owned
	                                     by the rules */
};

/* Names of the choices that are not "victims:...". */
#define OB_COUNT_NAME_VALIDATED "validated_deaths"
#define OB_COUNT_NAME_RECORDS "records"

struct ob_counting;

/*
 * The rules of the observatory in DIR (catalog/counting.csv, or the default
 * ones), checked against the snapshot's countries, ICCS codes and manners,
 * the indicator set (may be NULL: indicator ids are then not checked and
 * indicator rows are not used) and the sources (those of the snapshot and
 * those with a profile in DIR/catalog/sources). Errors as
 * ob_count_rules_load_dir, naming file, line, column and value.
 */
ob_err ob_counting_load(const char *dir, const struct ob_snapshot *snap,
                        const struct ob_indicator_set *set, struct ob_counting **out,
                        struct ob_diag *d);
/* The same from memory (tests); name names the file in messages. */
ob_err ob_counting_parse(const char *data, size_t len, const char *name,
                         const struct ob_snapshot *snap, const struct ob_indicator_set *set,
                         struct ob_counting **out, struct ob_diag *d);
void ob_counting_free(struct ob_counting *c);

/* The rules as read (rows in file order), and whether they are the default
 * ones carried by the binary. */
const struct ob_count_rules *ob_counting_rules(const struct ob_counting *c);
bool ob_counting_from_default(const struct ob_counting *c);

/* A hash of the rules' content, for caches of answers. */
uint64_t ob_counting_hash(const struct ob_counting *c);

/* Whether the validated deaths of country (index into snap->countries)
 * cover every month of [from_month, to_month] (year * 12 + month - 1). */
bool ob_counting_validated_covers(const struct ob_snapshot *snap, uint32_t country,
                                  int from_month, int to_month);

/* The choice for indicator ind (index into the set the rules were loaded
 * with) in country over months [from_month, to_month]. c may be NULL: the
 * indicator's institution column alone then decides. */
void ob_counting_for_indicator(const struct ob_counting *c, const struct ob_snapshot *snap,
                               const struct ob_indicator_set *set, size_t ind,
                               uint32_t country, int from_month, int to_month,
                               struct ob_count_choice *out);

/* The choice for the records of country with ICCS category `category` and
 * manner tag `manner` (snapshot indices) dated in year (0: unknown). */
void ob_counting_for_record(const struct ob_counting *c, const struct ob_snapshot *snap,
                            uint32_t country, uint32_t category, uint32_t manner, int year,
                            struct ob_count_choice *out);

/*
 * The categories and manners of a country in classes that the rules treat
 * alike: two categories are in one class when, for every manner, the same
 * row of the rules applies to both (and two manners likewise, for every
 * category). The analyser counts a class as one block (engine/query_rule.c).
 * Made on first use for each country and kept with the rules (any thread
 * may ask); with a snapshot other than the one the rules were resolved
 * against, made for the caller alone. Give back with ob_count_classes_put.
 */
struct ob_count_classes {
	uint32_t n_cat, n_man;   /* categories and manners of the snapshot (at least 1) */
	uint32_t nc, nm;         /* classes of each */
	uint32_t *ccls, *crep;   /* class of each category; a category of each class */
	uint32_t *mcls, *mrep;   /* class of each manner; a manner of each class */
};
const struct ob_count_classes *ob_counting_classes(const struct ob_counting *c,
                                                   const struct ob_snapshot *snap,
                                                   uint32_t country);
void ob_count_classes_put(const struct ob_counting *c, const struct ob_count_classes *x);

/* "victims:police", ... of an institution; "validated_deaths" for the
 * validated one; "records" for -1. */
const char *ob_counting_institution_name(int institution);

/* Whether a choice made for country counts the records of source s. */
bool ob_count_choice_accepts(const struct ob_snapshot *snap, const struct ob_count_choice *ch,
                             uint32_t country, uint32_t s);

#endif
