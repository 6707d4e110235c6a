/*
 * indicators.h - indicator definitions (data in the catalogue) and their
 * computation on a snapshot: counts, denominators, rates or shares, exact
 * intervals and flags, for indicators x territories x periods x
 * disaggregations in one pass over the snapshot's columns.
 *
 * Definitions: DIR/catalog/indicators.csv (the default one is carried by
 * the binary), UTF-8 CSV with one header row and the columns
 *   id, name_es, name_en, description_es, description_en, numerator,
 *   denominator, multiplier, unit, sdg, iccs, disaggregations, institution
 * (id, name_es, name_en, numerator, denominator and multiplier required).
 *
 * numerator  a filter over the canonical records (empty: every record of
 *            the source) in the filter language of the analyser
 *            (engine/filter.h, docs/filters.md): clauses joined by "&",
 *            each "field=value|value|...", a record passing when every
 *            clause holds. Fields: iccs (ICCS codes at any level: a code
 *            matches its descendants, "02" every code under section 02),
 *            manner, mechanism, place, relationship, context ("unknown"
 *            also matches an empty field), sex (F, M, U), age (ranges
 *            "0-29", "60+" or ages "17"; an unknown age matches no range),
 *            hour (ranges may wrap: "18-5" is 18:00 to 05:59), institution
 *            and source; the old spellings category, victim_sex and
 *            victim_age are accepted. The territory and period fields are
 *            not: the query gives those.
 * denominator  "population" (total), "population:F", "population:M",
 *            an age group "population:15-29" or "population:F:15-49"
 *            (the catalogue has no population by age: such rates are always
 *            flagged missing_denominator, with their counts), or
 *            "indicator:ID" for a share of another indicator's count (its
 *            numerator must be a subset of that indicator's).
 * multiplier 100000 for rates per 100,000, 100 for percentages.
 * disaggregations  the --by dimensions that make sense for the indicator,
 *            separated by "|", ",", ";" or blanks: sex, age_group, manner,
 *            mechanism, place, relationship, context, source (minor, the
 *            coarse age groups, goes wherever age_group does).
 * institution  the kind of source counted when the numerator names none
 *            and no counting rule applies (engine/counting.h: the rules of
 *            catalog/counting.csv come first); empty for all.
 *
 * Errors name the file, line and column (1-based field number) in Spanish
 * then English.
 *
 * Ownership: a set of definitions (ob_indicators_load*) is freed with
 * ob_indicators_free(); a result (ob_indicators_compute) with
 * ob_ind_result_free(); population tables with ob_population_free(). The
 * result keeps pointers into the snapshot, the definitions and the counting
 * rules: free it before them.
 */
#ifndef OB_ENGINE_INDICATORS_H
#define OB_ENGINE_INDICATORS_H

#include "base/common.h"
#include "engine/snapshot.h"
#include "store/store.h"

struct ob_counting;

#define OB_INDICATORS_FILE "indicators.csv"

/* Filter fields of a numerator. */
enum ob_ind_field {
	OB_FLD_CATEGORY = 0,
	OB_FLD_MANNER,       /* = OB_FLD_MANNER + enum ob_snap_dim for the tags */
	OB_FLD_MECHANISM,
	OB_FLD_PLACE,
	OB_FLD_RELATIONSHIP,
	OB_FLD_CONTEXT,
	OB_FLD_SEX,
	OB_FLD_AGE,
	OB_FLD_HOUR,
	OB_FLD_INSTITUTION,
	OB_FLD_SOURCE,
	OB_FLD_MUNICIPALITY, /* where, below the first level: the record's
	                        municipality (an admin-2 unit), not only its
	                        department (ingest/profile.h territory_parent
	                        alone); never a filter, a need of admin-2 cells */
	OB_FLD_COUNT
};

/* Disaggregations ("--by"). */
enum ob_ind_by {
	OB_BY_SEX = 0,
	OB_BY_AGE_GROUP,
	OB_BY_MANNER,        /* = OB_BY_MANNER + enum ob_snap_dim for the tags */
	OB_BY_MECHANISM,
	OB_BY_PLACE,
	OB_BY_RELATIONSHIP,
	OB_BY_CONTEXT,
	OB_BY_SOURCE,
	OB_BY_MINOR,         /* 0-17, 18+, U: allowed wherever age_group is */
	OB_BY_COUNT
};

/* The cells of the disaggregation by sex, in this order. */
enum { OB_IND_SEX_F, OB_IND_SEX_M, OB_IND_SEX_U };

/* One clause of a numerator: field = values. */
struct ob_ind_clause {
	enum ob_ind_field field;
	char *values;   /* the text after '=' (owned) */
	long column;    /* field number of the numerator in the file */
};

enum ob_ind_denom {
	OB_DEN_POPULATION = 0,
	OB_DEN_INDICATOR,
};

struct ob_indicator {
	char id[OB_IND_ID_MAX];
	char *name_es, *name_en, *description_es, *description_en; /* owned */
	char *numerator, *unit, *sdg, *iccs;                        /* owned */
	struct ob_ind_clause clauses[OB_MAX_FILTER_CLAUSES];
	int n_clauses;
	enum ob_ind_denom denom;
	char denom_sex;          /* 'T', 'F' or 'M' (population) */
	int denom_age_lo;        /* -1: all ages */
	int denom_age_hi;
	char denom_id[OB_IND_ID_MAX];
	long denom_index;        /* index of the denominator indicator, or -1 */
	double multiplier;
	unsigned by_allowed;     /* bit (1 << enum ob_ind_by) */
	int institution;         /* enum ob_institution, -1 for all sources */
	long line;               /* where it was defined */
};

struct ob_indicator_set {
	struct ob_indicator *v;
	size_t n;
	char file[256]; /* how messages name the file */
};

/* Parse definitions from a file or from memory (name names it in messages). */
ob_err ob_indicators_load(const char *path, struct ob_indicator_set **out, struct ob_diag *d);
ob_err ob_indicators_load_mem(const char *data, size_t len, const char *name,
                              struct ob_indicator_set **out, struct ob_diag *d);
/* DIR/catalog/indicators.csv, or the default definitions carried by the
 * binary when the observatory has none (*from_default set). */
ob_err ob_indicators_load_dir(const char *dir, struct ob_indicator_set **out,
                              bool *from_default, struct ob_diag *d);
void ob_indicators_free(struct ob_indicator_set *set);

/* Index of an indicator by id, or -1. */
long ob_indicators_find(const struct ob_indicator_set *set, const char *id);

/* The indicator of which indicator k counts the victims of one sex: an
 * indicator of the set that allows the disaggregation by sex, counts the
 * same institution, and whose numerator is k's without k's one clause
 * sex=F or sex=M (clauses in any order). Its index, with the sex ('F' or
 * 'M') in *sex; -1 when k is no such slice. Disclosure control protects a
 * slice with its base (the same count is published twice). */
long ob_indicators_sex_base(const struct ob_indicator_set *set, size_t k, char *sex);

/*
 * Links between indicators: equations a reader can write between their
 * published counts, found from the definitions (not from a list). b is a
 * part of a when both count the same way (same institution, hence the same
 * source and counting rule; the denominators do not matter) and b's
 * numerator is a's with one field narrowed to a strict subset of a's
 * values on it (all values when a has no clause on it; ICCS codes hold
 * their subcategories). A single sex=F or sex=M clause is left aside: such
 * an indicator counts one sex column of the others (the equation then holds
 * in that column only; sexes F and M are never mixed).
 *
 * For each a, field and sex of the parts, the direct parts (those not
 * inside another part of the same kind, which gets an equation of its own)
 * with disjoint values make one equation
 *     count(a) = sum of count(part) [+ rest],
 * in catalogue order; a part that overlaps one already taken starts another
 * equation. The rest (victims of a in no part, among them those with no
 * value for the field) is absent only when a has a clause on the field and
 * the parts' values make up all of it (homicide_under30_share = 0-17 +
 * 18-29). The caller (publish/sdc.h systems) publishes no rest: it is a
 * hidden cell. The equation holds in every territory and in every sex
 * column that all its indicators publish. A sex slice with a base
 * (ob_indicators_sex_base()) is never a total: its equations are its
 * base's, in its column.
 */
struct ob_ind_link {
	size_t total;                      /* indicator index */
	size_t parts[OB_MAX_LINK_PARTS];   /* indicator indices */
	size_t n_parts;
	int field;                         /* enum ob_ind_field narrowed */
	bool rest;                         /* a hidden rest */
	bool rest_not_recorded;            /* the rest is the victims whose field
	                                      (age, hour) was not recorded: the
	                                      parts hold every value */
};

struct ob_ind_links {
	struct ob_ind_link *v;  /* owned */
	size_t n;
};

/* All links of set into *out (the caller frees with ob_ind_links_free()). */
ob_err ob_indicators_links(const struct ob_indicator_set *set, struct ob_ind_links *out);
void ob_ind_links_free(struct ob_ind_links *l);

const char *ob_ind_field_name(enum ob_ind_field f);
const char *ob_ind_by_name(enum ob_ind_by b);
/* enum ob_ind_by of a name, or -1. */
int ob_ind_by_parse(const char *s, size_t n);

/*
 * The accept table of one filter clause "field=values" (values as in a
 * numerator, engine/filter.h: codes separated by "|" or ",", ranges "15-29"
 * or "60+" for ages and hours): acc[v] is set for every value v of the
 * field's snapshot column that passes (category, tag, sex, age, hour
 * columns; source indices for institution and source). nacc must be at
 * least 256 and at least the size of the column's dictionary. Errors:
 * OB_EINVAL (an unknown code), with
 * `where` naming the clause in the message.
 */
ob_err ob_ind_filter_accept(const struct ob_snapshot *snap, enum ob_ind_field field,
                            const char *values, const char *where, bool *acc, size_t nacc,
                            struct ob_diag *d);

/*
 * Age groups of the "age_group" disaggregation: 0-14, 15-17, 18-29, 30-44,
 * 45-59, 60+ and U (unknown age); of "minor": 0-17, 18+ and U. A record
 * counts in the group that holds its exact age; without one, in the group
 * that holds its whole age band (snapshot.h: "12-14" in 0-14, "0-17" in
 * minor's 0-17), and in U when its band spans several groups ("12-17" by
 * age_group) or it has neither. Values: the snapshot's age column.
 */
#define OB_IND_AGE_GROUPS 7
#define OB_IND_MINOR_GROUPS 3
int ob_ind_age_group(int age);
const char *ob_ind_age_group_label(int group);
const char *ob_ind_minor_group_label(int group);
/* The group of band lo..hi (lo = hi for an age; lo < 0 unknown). */
int ob_ind_age_group_band(int lo, int hi);
int ob_ind_minor_group_band(int lo, int hi);
/* The group of a value of the snapshot's age column. */
int ob_ind_age_group_value(const struct ob_snapshot *s, uint8_t a);
int ob_ind_minor_group_value(const struct ob_snapshot *s, uint8_t a);
/* Extend an age filter's accept table acc[0..255], filled for the ages
 * 0..OB_MAX_AGE, to the snapshot's bands: a band passes when every age of
 * it does. */
void ob_ind_age_accept_bands(const struct ob_snapshot *s, bool *acc);

/* ------------------------------------------------------------------------
 * Periods.
 */
enum ob_period_kind {
	OB_PERIOD_YEAR = 0,
	OB_PERIOD_QUARTER,
	OB_PERIOD_MONTH,
	OB_PERIOD_YTD, /* 1 January to a day, of one year */
};

struct ob_period {
	enum ob_period_kind kind;
	int year;
	int from_month, to_month; /* year * 12 + month - 1, inclusive */
	int end_day;              /* YTD: last day counted in to_month; else 0 */
	char label[64];           /* "2020", "2020-Q1", "2020-03",
	                             "2024-01-01..2024-06-30" */
};

/*
 * Parse a period specification into a list (caller frees *out):
 *   2020 | 2020-Q1 | 2020-03       one period
 *   2015..2024 | 2020-Q1..2021-Q4 | 2020-01..2020-12
 *                                  every year, quarter or month of a range
 *   ytd:2024-06-30                 1 January to 30 June 2024, then the
 *                                  same days of 2023 (the comparison)
 * Errors: OB_EUSAGE with a message saying what was expected.
 */
ob_err ob_period_parse(const char *spec, struct ob_period **out, size_t *n, struct ob_diag *d);

/* ------------------------------------------------------------------------
 * Population, territorial divisions and what each source can give: the
 * catalogue and logbook facts that a computation needs beside the snapshot,
 * read from the store once per snapshot (ob_population_load).
 *
 * Territorial divisions ("vintages"): every unit is valid from valid_from
 * to valid_to (territories.csv), and a unit that became a district of
 * another (territory_changes.csv, kind district_of) has that one as its
 * successor from the change's date. The division valid on a day is the
 * set of units valid that day. A period's own division is the one valid on
 * its reference day, the first day of its middle month (1 July for a year;
 * ob_period_refday); a query may instead name one day for every period
 * (ob_ind_query.vintage). Records of a unit that is not in the division are
 * counted in the unit of the division its territory became part of
 * (following successors), so that counts aggregate exactly.
 *
 * What each source can give (completeness; docs/completeness.md): a
 * category is covered by a source when the source's profile states it
 * ([source] categories, a code covering everything under it), or, when the
 * profile states none, when its crosswalk or constant can give a code under
 * it (a profile mapping no category but a manner gives 0101 to homicides);
 * and always when the source has delivered a record under it. A field
 * A manner of death is recorded by a source unless its profile states the
 * manners it records ([source] manners) without it; and always when the
 * source has delivered a record of that manner. An indicator whose
 * numerator names a manner a source does not record (the suicide rate of a
 * register of homicides) has no data from that source, as for a category.
 * A field
 * (sex, age, hour, manner, mechanism, place, relationship, context) is
 * supplied by a delivery when the delivery says so (ob_snap_coverage.fields:
 * its profile mapped a column found in the file, or a constant); for a
 * delivery taken before that was kept, when the source's profile maps it or
 * the source has delivered a known value of it (ob_population.supplies).
 */
enum ob_pop_status {
	OB_POP_OFFICIAL = 0,
	OB_POP_ESTIMATE,     /* estimate or provisional */
	OB_POP_EQUAL_SPLIT,  /* an equal share of the parent's figure */
};

/* A unit's validity, in days since 1970-01-01 (ob_date_days). */
struct ob_unit_span {
	long from, to;     /* first and last day valid; LONG_MIN / LONG_MAX when open */
	int32_t successor; /* unit it became a district of, or -1 */
	long change;       /* the day that happened (the successor's first day) */
};

struct ob_population {
	int year0, n_years;
	uint32_t n_units;
	double *value;     /* [unit][year][sex T, F, M]; < 0 when absent */
	uint8_t *status;   /* same layout: enum ob_pop_status */
	struct ob_unit_span *span; /* [unit] */
	/* the units that became a district of each unit: those of unit u are
	 * pred[pred_at[u]] to pred[pred_at[u + 1] - 1] */
	uint32_t *pred_at, *pred;
	uint32_t n_sources, n_categories;
	uint8_t *covers;   /* [source][category]: 1 when the source covers the code */
	uint32_t *supplies; /* [source]: bit (1 << enum ob_ind_field) of the fields it gives */
	uint32_t n_manners; /* the snapshot's manner codes (n_tags[OB_SNAP_MANNER]) */
	uint8_t *manners;   /* [source][manner code]: 1 when the source records that manner */
};

/* Read the store's population table, territorial divisions and what each
 * source can give (the profiles in DIR/catalog/sources and the snapshot's records)
 * for the units and sources of a snapshot. */
ob_err ob_population_load(struct ob_store *st, const struct ob_snapshot *snap,
                          struct ob_population **out, struct ob_diag *d);
void ob_population_free(struct ob_population *p);

/* The filter fields (bit 1 << enum ob_ind_field) of a delivery's supplied
 * canonical fields (bit i for enum ob_field i, ob_snap_coverage.fields). */
uint32_t ob_ind_fields_of(uint32_t fields);

/* The reference day of a period: the first day of its middle month. */
long ob_period_refday(const struct ob_period *per);
/* The last day of a period. */
long ob_period_lastday(const struct ob_period *per);

/* Parse a --vintage value: yyyy-mm-dd, or yyyy for 1 July of that year, into
 * days since 1970-01-01. OB_EUSAGE with the value named otherwise. */
ob_err ob_vintage_parse(const char *s, long *day, struct ob_diag *d);

/* Is unit u valid on day? (Always, without a population, or for a unit the
 * catalogue does not date.) */
bool ob_unit_valid(const struct ob_population *p, uint32_t u, long day);

/* The unit of the division valid on day that holds unit u's territory: u
 * when valid, else its successor (following changes dated on or before
 * day) when that one is valid; -1 when there is none (a unit created
 * after day, or abolished without a successor). */
int32_t ob_unit_in_vintage(const struct ob_population *p, uint32_t u, long day);

/* ------------------------------------------------------------------------
 * Territories.
 */

/*
 * Select snapshot units: codes (comma-separated, or NULL), their children
 * (children = true), every unit of a level (level >= 0) within the given
 * units or country (ISO3, or NULL), or the country alone. With nothing
 * given, every country. The list is allocated (caller frees).
 * Errors: OB_EUSAGE (an unknown code, with the code named).
 */
ob_err ob_ind_select_units(const struct ob_snapshot *snap, const char *codes, bool children,
                           int level, const char *country, uint32_t **out, size_t *n,
                           struct ob_diag *d);

/* ------------------------------------------------------------------------
 * Computing. Counts are of victims: a record adds its count (engine/
 * snapshot.h), so a row with a count column or of an aggregate source adds
 * the victims it stands for.
 */
enum ob_ind_flag {
	OB_IND_UNRELIABLE = 1u << 0,            /* count (shares: total) < threshold */
	OB_IND_ESTIMATED_DENOMINATOR = 1u << 1, /* population status is not official */
	OB_IND_MISSING_DENOMINATOR = 1u << 2,   /* no population (or by age), or a share of 0 */
	OB_IND_INCOMPLETE_COVERAGE = 1u << 3,   /* a month of the period had no delivery */
	OB_IND_PARTIAL_PERIOD = 1u << 4,        /* a rate over less than a year, not annualised */
	OB_IND_NO_DATA = 1u << 5,               /* no month of the period was delivered by a
	                                           source that records what the cell counts */
	OB_IND_EQUAL_SPLIT_DENOMINATOR = 1u << 6, /* population is an equal share of its
	                                             parent's (a placeholder, not an estimate) */
	OB_IND_NOT_IN_VINTAGE = 1u << 7,        /* the unit is not in the period's division:
	                                           not a value (outputs leave the cell out) */
	OB_IND_VINTAGE_BREAK = 1u << 8,         /* part of the period is recorded in units of a
	                                           later division that cannot be split into
	                                           this one (with no_data) */
	OB_IND_AGE_BAND = 1u << 9,              /* by age: some of the count has no exact age
	                                           but an age band (from_band says how
	                                           many): placed in its group by the band,
	                                           or in U when the band spans groups */
};
#define OB_IND_FLAG_COUNT 10

/* "unreliable", "estimated_denominator", ... of flag bit i. */
const char *ob_ind_flag_name(unsigned bit);

struct ob_ind_query {
	const size_t *indicators; /* indices into the set */
	size_t n_indicators;
	const uint32_t *units;    /* snapshot unit indices */
	size_t n_units;
	const struct ob_period *periods;
	size_t n_periods;
	const enum ob_ind_by *by; /* disaggregations, crossed */
	size_t n_by;
	double level;             /* confidence level, e.g. 0.95 */
	double unreliable_below;  /* e.g. OB_RATE_UNRELIABLE_BELOW */
	int institution;          /* -1, or replaces the default institution */
	const char *source;       /* NULL, or a source code replacing it */
	const struct ob_counting *rules; /* the counting rules (engine/counting.h)
	                             that choose the sources of each indicator,
	                             country and period; NULL: the indicators'
	                             institution column alone */
	int threads;              /* 0: one per processor (fewer for few records);
	                             N: exactly N */
	bool has_vintage;         /* every period in the division valid on vintage */
	long vintage;             /* days since 1970-01-01 (ob_vintage_parse) */
};

struct ob_ind_value {
	double count;       /* 0 with OB_IND_NO_DATA */
	double denominator; /* population, or the other indicator's count; 0 if missing */
	double value;       /* rate or share; 0 when not defined (see flags) */
	double lower, upper;
	uint16_t months_covered, months_total;
	uint32_t flags;     /* enum ob_ind_flag */
	double from_band;   /* by age_group or minor: victims of count placed by an
	                       age band, not an exact age (in U: whose band spans
	                       several groups); 0 otherwise */
};

struct ob_ind_result {
	size_t n_indicators, n_units, n_periods, n_cells;
	/* [indicator][unit][period][cell]; an indicator that does not allow
	 * the disaggregation has only cell 0 (the total): see cells[] */
	struct ob_ind_value *values; /* NULL from ob_indicators_stream */
	size_t *cells;          /* cells of each indicator (n_cells or 1) */
	size_t n_by;
	enum ob_ind_by by[OB_BY_COUNT];
	size_t by_values[OB_BY_COUNT]; /* values of each disaggregation */
	uint64_t records;       /* records read */
	double seconds_count;   /* time of the pass over the columns */
	double seconds_total;
	/* private */
	const struct ob_snapshot *snap;
	size_t values_len;
	const char **rule;      /* [k][country][period]: see ob_ind_result_rule */
	size_t n_countries;
	uint32_t *unit_country; /* [unit of the query] */
	char **own_names;       /* names made for this result */
	size_t n_own_names;
};

/*
 * What the values of (indicator k of the query, unit u of the query,
 * period p) count: "validated_deaths", "victims:forensic",
 * "victims:sv-iml" (one source) or "records" (every source). See
 * engine/counting.h.
 */
const char *ob_ind_result_rule(const struct ob_ind_result *r, size_t k, size_t u, size_t p);

/* The value of (indicator k of the query, unit u, period p, cell c). */
static inline const struct ob_ind_value *ob_ind_result_at(const struct ob_ind_result *r,
                                                          size_t k, size_t u, size_t p,
                                                          size_t c)
{
	return &r->values[((k * r->n_units + u) * r->n_periods + p) * r->n_cells + c];
}

/* The code of disaggregation j's value in cell c ("F", "18-29", "firearm"). */
const char *ob_ind_cell_label(const struct ob_ind_result *r, size_t c, size_t j);

/*
 * Receives the values of indicator k of a query (k in query order), laid out
 * [unit][period][cell] with r->n_cells cells per period, of which the first
 * r->cells[k] are used: read them with ob_ind_block_at(). The block is valid
 * during the call only. r describes the query (its values field is NULL). A
 * non-zero return stops the computation (OB_EIO).
 */
typedef int (*ob_ind_sink)(void *ctx, const struct ob_ind_result *r, size_t k,
                           const struct ob_ind_value *block);

static inline const struct ob_ind_value *ob_ind_block_at(const struct ob_ind_result *r,
                                                         const struct ob_ind_value *block,
                                                         size_t u, size_t p, size_t c)
{
	return &block[(u * r->n_periods + p) * r->n_cells + c];
}

/*
 * Compute the query and hand each indicator's values to sink as they are
 * ready, so that memory stays bounded by one indicator's values whatever
 * the query. *out receives the description of the result (free it with
 * ob_ind_result_free). Errors as ob_indicators_compute.
 */
ob_err ob_indicators_stream(const struct ob_snapshot *snap, const struct ob_population *pop,
                            const struct ob_indicator_set *set, const struct ob_ind_query *q,
                            ob_ind_sink sink, void *ctx, struct ob_ind_result **out,
                            struct ob_diag *d);

/*
 * Compute the query, keeping every value in the result. pop may be NULL
 * (every population denominator is then missing, every unit valid and every
 * source taken to record everything). Errors: OB_EINVAL (a code in a numerator that the snapshot does
 * not know, a share whose numerator is not a subset of its denominator's,
 * with the file, line and column), OB_ETOOBIG (more cells than
 * OB_MAX_INDICATOR_CELLS), OB_EUSAGE (an unknown --source).
 */
ob_err ob_indicators_compute(const struct ob_snapshot *snap, const struct ob_population *pop,
                             const struct ob_indicator_set *set, const struct ob_ind_query *q,
                             struct ob_ind_result **out, struct ob_diag *d);
void ob_ind_result_free(struct ob_ind_result *r);

#endif
