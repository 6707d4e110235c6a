/*
 * demo.h - deterministic synthetic exports for the demonstration observatory.
 *
 * ob_demo_generate() reads the admin-2 territories (territory table, level 2,
 * with their validity dates and aliases) and the population table of a
 * store, and writes, for Belize, Costa Rica, the Dominican Republic, El
 * Salvador, Guatemala, Honduras and Panama, the files their institutions
 * would deliver: police, forensic medicine and prosecutor homicide files and
 * the police register of reported crimes, one file per source and year,
 * each in the encoding, delimiter, date style and layout of its kind (see
 * docs/demo.md). It also writes ground_truth.csv (source,source_id,death_id:
 * which records are the same death) and fills a plan: the files in the order
 * they are to be ingested and what each must yield.
 *
 * National homicide levels follow the public figures of data/demo/targets.csv
 * (embedded at build time as ob_demo_targets[]). Reported crimes are written
 * at plausible rates times a sampling factor (o->crime_sampling, default
 * OB_DEMO_CRIME_SAMPLING) that keeps the default demo at about a million
 * rows: their levels are for demonstration only.
 *
 * The same store, options and seed give the same bytes on every machine.
 *
 * Ownership: the plan belongs to the caller, who releases it with
 * ob_demo_plan_release(); strings in ob_demo_targets[] and the labels of
 * ob_demo_labels() are static.
 */
#ifndef OB_DEMO_H
#define OB_DEMO_H

#include "store/store.h"

#define OB_DEMO_SEED 2015
#define OB_DEMO_YEAR_FROM 2015
#define OB_DEMO_YEAR_TO 2024
#define OB_DEMO_CRIME_SAMPLING 0.25

struct ob_demo_options {
	uint64_t seed;
	double scale;          /* multiplies every count (1 = the default demo) */
	int year_from, year_to;
	double crime_sampling; /* fraction of reported crimes written, (0, 1] */
	const char *country;   /* ISO 3166 alpha-2 or alpha-3 codes, separated
	                          by commas ("SV" or "SV,GTM,hn"): only these
	                          countries' exports (a national demo, the same
	                          bytes as its part of the full one); NULL: all */
};

/* Fill o with the defaults above. */
void ob_demo_options_init(struct ob_demo_options *o);

/* The index of a demo country by its ISO 3166 alpha-2 or alpha-3 code (any
 * case), or -1. */
int ob_demo_country_index(const char *code);

/* The demo countries a list names (ISO 3166 alpha-2 or alpha-3 codes, any
 * case, separated by commas, as ob_demo_options.country) as a mask with the
 * bit of each one's ob_demo_country_index() set; 0 for NULL (every country).
 * -1 when an item is empty or not a demo country: then *bad and *bad_len
 * (when not NULL) are that item within list. */
long ob_demo_country_mask(const char *list, const char **bad, size_t *bad_len);

enum ob_demo_kind {
	OB_DEMO_POLICE,     /* police homicide register */
	OB_DEMO_FORENSIC,   /* forensic medicine (autopsies) */
	OB_DEMO_PROSECUTOR, /* prosecutor's case files */
	OB_DEMO_CRIMES,     /* police register of reported crimes */
	OB_DEMO_KINDS
};

struct ob_demo_file {
	char source[32];        /* source code, e.g. "sv-pnc" */
	char path[OB_MAX_PATH]; /* outdir/<source>/<file>.csv */
	char country[3];        /* ISO 3166 alpha-2 */
	int year;
	enum ob_demo_kind kind;
	long long rows;         /* data rows (banner, header and footer excluded) */
	long long bad_rows;     /* rows ingest must reject (quarantine) */
	long long suspicious;   /* valid rows with an implausible value */
	long long footer_rows;  /* "Total" and "Fuente" rows after the data */
	long long victims;      /* victims of the good rows: one a row, or the sum of
	                           the count column (merged rows, aggregates) */
	int supersedes;         /* index of the delivery this one corrects, or -1 */
	int superseded_by;      /* index of the delivery that corrects it, or -1 */
};

struct ob_demo_national {
	char country[3];
	int year;
	double population;      /* national population used (sum of the store's) */
	double expected;        /* expected homicides at this scale */
	long long deaths;       /* deaths generated (distinct death_id) */
	long long police, forensic, prosecutor; /* their records in final deliveries */
	const char *target_source; /* where the national level comes from */
};

struct ob_demo_plan {
	struct ob_demo_file *files; /* in ingest order */
	size_t nfiles, files_alloc;
	struct ob_demo_national *national; /* one per country and year generated */
	size_t nnational, national_alloc;
	uint64_t seed;
	double scale, crime_sampling;
	long long deaths;       /* in ground_truth.csv */
	long long death_records;/* homicide records in final deliveries */
	long long crime_rows;   /* reported-crime rows (bad rows included) */
	long long rows;         /* all data rows of all files */
	long long bad_rows;
	char ground_truth[OB_MAX_PATH];
};

void ob_demo_plan_init(struct ob_demo_plan *p);
void ob_demo_plan_release(struct ob_demo_plan *p);

/*
 * Generate into outdir (created if needed; files of the same name are
 * overwritten). On success plan is filled (it must have been initialised).
 * Errors: OB_EINVAL for bad options, OB_ENOENT when the store has no level-2
 * territory of any demo country, OB_EIO when a file cannot be written,
 * OB_ESTORE on a store error; d says which.
 */
ob_err ob_demo_generate(struct ob_store *s, const char *outdir,
                        const struct ob_demo_options *o, struct ob_demo_plan *plan,
                        struct ob_diag *d);

/* National homicide levels, from data/demo/targets.csv. */
struct ob_demo_target {
	const char *country; /* ISO 3166 alpha-2 */
	int year;
	long long homicides; /* -1 when the level is given as a rate */
	double rate;         /* per 100 000 when homicides is -1 */
	const char *source;
};
extern const struct ob_demo_target ob_demo_targets[];
extern const size_t ob_demo_targets_count;

/* The target of a country and year, or NULL. */
const struct ob_demo_target *ob_demo_target_find(const char *country, int year);

/* One label the generator writes in a column that goes through a crosswalk. */
struct ob_demo_label {
	const char *crosswalk; /* sexo, arma, manera, lugar, relacion, contexto, <cc>-delito */
	const char *label;     /* exactly as written (UTF-8) */
	const char *target;    /* canonical code (docs/profiles.md) */
};

/*
 * Every label the generator can write, without repeats, sorted by crosswalk
 * then label (byte order). *out is a new array the caller frees.
 */
size_t ob_demo_labels(struct ob_demo_label **out);

/* Source codes of the demo (static strings, e.g. "sv-pnc"): stores up to max
 * of them in out and returns how many there are. */
size_t ob_demo_sources(const char **out, size_t max);

#endif
