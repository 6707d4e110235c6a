/*
 * reconcile.h - violent deaths reconciled across the institutions that
 * record them (forensic medicine, police, prosecutors): one death = one
 * cluster of records, at most one per source.
 *
 * A run (struct ob_reconcile_run):
 *   1. ob_reconcile_load: the deaths of a period (and optionally one country)
 *      from the store. A record is a death when its submission is of a
 *      police, forensic or prosecutor institution, the submission is not
 *      superseded, it has a date in the period, and ob_reconcile_is_death() says
 *      so from its category and manner. Names come from the protected
 *      table (reading them is written to the audit log by ob_reconcile_save).
 *      A row that is not one person (a row of an aggregate source, or one
 *      whose count says it stands for other than one victim) takes part in
 *      the counts by institution only (ob_reconcile_counted): it is never linked
 *      and adds nothing to the reconciled deaths, which can be no more
 *      than the persons the sources identify.
 *   2. ob_reconcile_link: per country, record linkage (src/link) of the records
 *      of different sources on given names and both surnames (split from
 *      the full name), date, age, sex, territory (same admin-2, same
 *      admin-1), mechanism and manner, with blocking rules within the
 *      country (ob_reconcile_rules); then greedy clustering of the pairs of at
 *      least the threshold, strongest first, keeping at most one record
 *      per source in a cluster. Clerical decisions (ob_reconcile_decisions_load)
 *      come first: an accepted pair is linked whatever its probability, a
 *      rejected pair is never put in one cluster, directly or through a
 *      third record. Two named records of one source that the
 *      country's model scores at least dup_threshold are one death
 *      recorded twice (the only way two records of a source share a
 *      cluster). Pairs in the grey zone [review_low, review_high)
 *      without a decision are queued for review.
 *   3. ob_reconcile_build: one death per cluster with each attribute taken from
 *      the first source, in the settings' order for that attribute, that
 *      has a value; the discrepancy ledger (one reason per row); counts per
 *      territory (admin-2 and admin-1) and month by institution and
 *      reconciled.
 *   4. ob_reconcile_save (store, one transaction: the run, its ledger, and its
 *      deaths as the records of a "validated" source per country, which
 *      the counting rules count as validated deaths: engine/counting.h)
 *      and ob_reconcile_write_csv (files).
 *
 * Ownership: a run owns everything it holds; ob_reconcile_run_release frees it.
 * Strings handed out point into the run.
 */
#ifndef OB_RECONCILE_H
#define OB_RECONCILE_H

#include "base/buf.h"
#include "link/link.h"
#include "store/store.h"

enum ob_reconcile_inst {
	OB_RECONCILE_POLICE = 0,
	OB_RECONCILE_FORENSIC,
	OB_RECONCILE_PROSECUTOR,
	OB_RECONCILE_NINST,
};

/* Attributes of a reconciled death, each with its source order. */
enum ob_reconcile_attr {
	OB_RECONCILE_DATE = 0,
	OB_RECONCILE_TERRITORY,
	OB_RECONCILE_SEX,
	OB_RECONCILE_AGE,
	OB_RECONCILE_MANNER,
	OB_RECONCILE_MECHANISM,
	OB_RECONCILE_PLACE,
	/* taken for the validated deaths (not in the ledger's tables) */
	OB_RECONCILE_CATEGORY,
	OB_RECONCILE_RELATIONSHIP,
	OB_RECONCILE_CONTEXT,
	OB_RECONCILE_TIME,
	OB_RECONCILE_NATTR,
};

/* The attributes of the ledger (reconciled_death, deaths.csv). */
#define OB_RECONCILE_NATTR_LEDGER (OB_RECONCILE_PLACE + 1)

/* Reasons of the discrepancy ledger. */
enum ob_reconcile_reason {
	OB_RECONCILE_R_SINGLE_SOURCE = 0, /* seen by one source only */
	OB_RECONCILE_R_MANNER,            /* known manners differ */
	OB_RECONCILE_R_TERRITORY,         /* admin-2 units differ */
	OB_RECONCILE_R_DATE,              /* day-precision dates more than date_days apart */
	OB_RECONCILE_R_SEX,               /* M and F */
	OB_RECONCILE_R_AGE,               /* ages more than age_years apart */
	OB_RECONCILE_R_DUPLICATE,         /* a source recorded the death twice */
	OB_RECONCILE_NREASONS,
};

const char *ob_reconcile_inst_name(enum ob_reconcile_inst i);       /* "police"... */
const char *ob_reconcile_attr_name(enum ob_reconcile_attr a);       /* "date"... */
const char *ob_reconcile_reason_name(enum ob_reconcile_reason r);   /* "single_source"... */

struct ob_reconcile_settings {
	double threshold;     /* linked from this probability (0.2) */
	double review_low;    /* grey zone for clerical review [0.05, 0.9) */
	double review_high;
	int date_days;        /* date disagreement over this many days (3) */
	int age_years;        /* age disagreement over this many years (2) */
	int block_days;       /* window of the date blocking rules (7) */
	int name_days;        /* window of the name blocking rules (60) */
	double dup_threshold; /* two named records of one source, dates within
	                       * date_days, same admin-1, scored by the country's
	                       * model at least this: one death recorded twice (0.95) */
	/* order of institutions per attribute; order[a][k] for k < OB_RECONCILE_NINST */
	enum ob_reconcile_inst order[OB_RECONCILE_NATTR][OB_RECONCILE_NINST];
	uint64_t seed;
	int threads;          /* 0: every processor */
	bool progress;
};

void ob_reconcile_settings_defaults(struct ob_reconcile_settings *s);

/*
 * Settings file: "key = value" lines (io/ini.h's syntax and comments, an
 * optional [reconcile] section): threshold, review_low, review_high,
 * date_days, age_years, block_days, name_days, seed, threads, and for each
 * attribute
 * "ATTR = inst, inst, inst" (date, territory, sex, age, manner, mechanism,
 * place; police, forensic, prosecutor; institutions left out go last in
 * the default order). A refusal of what the file says is OB_EINVAL (its
 * limits OB_ETOOBIG, bytes that are not UTF-8 OB_EENCODING), naming the file
 * and line.
 */
ob_err ob_reconcile_settings_parse(const char *text, size_t len, const char *name,
                             struct ob_reconcile_settings *s, struct ob_diag *d);
ob_err ob_reconcile_settings_load(const char *path, struct ob_reconcile_settings *s, struct ob_diag *d);
/* The settings as "key = value" lines (kept with each run). */
void ob_reconcile_settings_format(const struct ob_reconcile_settings *s, struct ob_buf *out);

/*
 * Whether a record is a violent death: manner homicide, undetermined or
 * legal_intervention; or, when the manner is empty or unknown, a category
 * under ICCS 0101 (intentional homicide), 0103 (non-intentional
 * homicide), 0107 (killings in armed conflict) or 0109 (other acts
 * leading to death). Accident and suicide are not; nor attempted homicide
 * (0102) or any crime outside ICCS 01.
 */
bool ob_reconcile_is_death(const char *category, const char *manner);

/* One record of a run. Strings are owned by the run (NULL when absent). */
struct ob_reconcile_record {
	long long id;           /* record.id */
	const char *source, *source_id, *country;
	enum ob_reconcile_inst inst;
	const char *date;       /* yyyy-mm-dd or yyyy-mm */
	int32_t day;            /* days since 1970-01-01; INT32_MIN unless a full date */
	const char *territory, *admin1;
	const char *sex;        /* M, F (U is NULL) */
	int age;                /* -1 when unknown */
	const char *manner, *mechanism, *place;
	const char *category, *relationship, *context;
	const char *time;       /* hh:mm[:ss] of the event */
	const char *names;
	uint32_t country_ix;    /* into run countries */
	uint32_t local;         /* index within its country's linkage */
	uint32_t cluster;       /* from 1, after ob_reconcile_link */
	double probability;     /* of its strongest link in the cluster (NaN alone) */
	bool named;             /* has a name (set by ob_reconcile_link) */
};

/* A clerical decision on a pair, keyed by both records' (source, source_id). */
struct ob_reconcile_decision {
	const char *source_a, *id_a, *source_b, *id_b; /* owned by the run */
	bool accept;
};

/* A pair queued for review. */
struct ob_reconcile_review {
	uint32_t a, b;          /* records of the run */
	double probability, weight;
	bool linked;            /* in one cluster after the run */
	char *explanation;      /* one line per comparison (owned) */
};

/* A reconciled death. */
struct ob_reconcile_death {
	uint32_t first, n;      /* its records: member[first .. first+n) */
	double probability;     /* weakest link that joined it (NaN alone) */
	int32_t value_rec[OB_RECONCILE_NATTR]; /* the record that supplied each attribute, -1 none */
	unsigned reasons;       /* 1 << enum ob_reconcile_reason */
	char detail[OB_RECONCILE_NREASONS][160];
};

/* A row that takes part in counts only (see above). Strings owned, NULL
 * when absent. */
struct ob_reconcile_counted {
	enum ob_reconcile_inst inst;
	char *territory, *admin1, *date;
	uint64_t victims;
};

struct ob_reconcile_count {
	int level;              /* 2 admin-2, 1 admin-1 */
	const char *territory;  /* "" when unknown */
	char month[8];          /* yyyy-mm, "" when unknown */
	uint64_t n[OB_RECONCILE_NINST]; /* victims, counted-only rows included */
	uint64_t reconciled;
};

struct ob_reconcile_country {
	char *code;
	struct ob_link_records lr;
	struct ob_link_result res;
	bool have_lr, have_res;
	uint32_t *rec;          /* run record of each local record */
	size_t n, cap;
};

struct ob_reconcile_confusion {
	uint64_t tp, fp, fn;
	uint64_t truth_records;  /* run records found in the truth */
	uint64_t missing;        /* run records absent from it */
	double precision, recall;
};

struct ob_reconcile_run {
	struct ob_reconcile_settings set;
	char period[64];
	char from[8], to[8];     /* yyyy-mm inclusive */
	char country[8];         /* "" all */
	struct ob_buf pool;      /* strings (offsets in build; fixed after load) */
	struct ob_reconcile_record *rec;
	size_t n, cap;
	struct ob_reconcile_country *countries;
	size_t ncountries;
	struct ob_reconcile_decision *dec;
	size_t ndec;
	uint64_t candidates, linked_pairs, forced_links, forced_apart;
	uint64_t duplicates;     /* pairs of one source taken as one death recorded twice */
	struct ob_reconcile_review *review;
	size_t nreview;
	uint32_t *member;        /* run records by death */
	struct ob_reconcile_death *death;
	size_t ndeaths;
	struct ob_reconcile_count *count;
	size_t ncount;
	struct ob_reconcile_counted *counted; /* rows in counts only, by ob_reconcile_load */
	size_t ncounted, counted_cap;
	uint64_t counted_victims;
	uint64_t reasons[OB_RECONCILE_NREASONS];
	long long run_id;        /* after ob_reconcile_save */
};

void ob_reconcile_run_init(struct ob_reconcile_run *run, const struct ob_reconcile_settings *s);
void ob_reconcile_run_release(struct ob_reconcile_run *run);

/* Load the deaths of months [from, to] (yyyy-mm) and country (NULL: all).
 * period is the label kept with the run. */
ob_err ob_reconcile_load(struct ob_reconcile_run *run, struct ob_store *st, const char *period,
                   const char *from, const char *to, const char *country, struct ob_diag *d);

/* Add a record by hand (tests, and ob_reconcile_load). Strings are copied. */
ob_err ob_reconcile_add(struct ob_reconcile_run *run, const struct ob_reconcile_record *r, struct ob_diag *d);

/* Decisions from the store (latest per pair wins), or one by hand. */
ob_err ob_reconcile_decisions_load(struct ob_reconcile_run *run, struct ob_store *st, struct ob_diag *d);
void ob_reconcile_decision_add(struct ob_reconcile_run *run, const char *source_a, const char *id_a,
                         const char *source_b, const char *id_b, bool accept);

/* The blocking rules over the fields of ob_reconcile_link (exposed for tests). */
size_t ob_reconcile_rules(const struct ob_reconcile_settings *s, struct ob_block_rule *rules);

ob_err ob_reconcile_link(struct ob_reconcile_run *run, struct ob_diag *d);
ob_err ob_reconcile_build(struct ob_reconcile_run *run, struct ob_diag *d);

/*
 * Persist the run in one transaction (with an audit entry by actor). In
 * the same transaction its deaths become records of the store: per
 * country, one submission of the source "<iso3 in lower case>-validated"
 * (institution "validated") over the run's months, whose records carry the
 * deaths' attributes (date and precision, time, territory, category,
 * manner, sex, age, mechanism, place, relationship, context; nothing
 * protected), with source_id the death's stable id (the source:source_id
 * of its first member: forensic, then police, then prosecutor records) and
 * the file name "reconcile run N". It supersedes the current validated
 * submissions of the country whose months overlap the run's, and keeps
 * their records dated outside the run's months, so that the latest run
 * decides each month. ob_reconcile_load never takes these records.
 */
ob_err ob_reconcile_save(struct ob_reconcile_run *run, struct ob_store *st, const char *actor,
                   struct ob_diag *d);

/* The source code of a country's validated deaths ("slv-validated") into
 * out. */
void ob_reconcile_validated_source(const char *country, char *out, size_t size);
/* deaths.csv, members.csv, discrepancies.csv, territory_month.csv, review.csv */
ob_err ob_reconcile_write_csv(const struct ob_reconcile_run *run, const char *dir, struct ob_diag *d);

/* Confusion counts of cross-source pairs against a ground truth CSV
 * (source,source_id,death_id); pairs with a record absent from it are not
 * counted. */
ob_err ob_reconcile_evaluate(const struct ob_reconcile_run *run, const char *truth_csv,
                       struct ob_reconcile_confusion *c, struct ob_diag *d);

/*
 * Record a decision on review item `item` (review_item.id) in the store,
 * with an audit entry, in one transaction. OB_ENOENT when there is no
 * such item.
 */
ob_err ob_reconcile_decide(struct ob_store *st, long long item, bool accept, const char *actor,
                     const char *note, struct ob_diag *d);

/*
 * One record as clerical review shows it, by (source, source_id): the
 * fields named in ob_reconcile_review_fields (names included: the caller writes
 * the read to the audit log), from the newest current submission holding
 * it. Each value is cut to OB_RECONCILE_REVIEW_FIELD - 1 bytes, "" when absent.
 * *found says whether there is such a record (out is all "" when not).
 */
#define OB_RECONCILE_REVIEW_NFIELDS 11
#define OB_RECONCILE_REVIEW_FIELD 96
extern const char *const ob_reconcile_review_fields[OB_RECONCILE_REVIEW_NFIELDS];
ob_err ob_reconcile_review_record(struct ob_store *st, const char *source, const char *id,
                            char out[][OB_RECONCILE_REVIEW_FIELD], bool *found, struct ob_diag *d);

#endif
