/*
 * release_impl.h - what the parts of a release share: its tables, rows and
 * state, and the steps each part (release_tables.c, release_write.c,
 * release_maps.c, release_meta.c, sdmx.c, dcat.c, release_metadata.c) gives
 * release.c, which drives a publication. Internal to src/publish.
 */
#ifndef OB_RELEASE_IMPL_H
#define OB_RELEASE_IMPL_H

#include "publish/release.h"
/* release.c - immutable versioned releases of the public tables (see release.h). */

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/sha256.h"
#include "base/strmap.h"
#include "engine/counting.h"
#include "catalog/catalog.h"
#include "engine/completeness.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"
#include "io/csvw.h"
#include "io/json.h"
#include "publish/sdc.h"
#include "publish/sdc_tree.h"
#include "reconcile/reconcile.h"
#include "stats/rate.h"
#include "store/audit.h"

#define MAX_DIMS 8
#define MAX_LABELS 4

enum { HAS_COUNT = 1, HAS_DEN = 2, HAS_VAL = 4 };

/* What a no-data cell shows in the status column and SDMX's OBS_STATUS. */
#define NO_DATA_FLAG "M"

struct rrow {
	const char *dim[MAX_DIMS];
	const char *lab[MAX_LABELS]; /* the table's labels, NULL when none */
	long long count;
	double den, val, lo, hi;
	uint32_t flags;
	uint8_t has;
	bool suppressed;
	bool nodata;            /* nothing delivered that records it: no count, "M" */
	uint8_t delivered;      /* completeness: 1 when delivered */
	int superseded;         /* completeness: superseded deliveries */
};

enum rkind {
	RT_RATES,    /* count, denominator, value, interval, flags, status */
	RT_COUNTS,   /* count, status */
	RT_DELIVERY, /* delivered, superseded */
};

struct rtable {
	const char *id, *title_es, *title_en;
	enum rkind kind;
	size_t ndims;
	const char *dims[MAX_DIMS];
	struct rrow *rows;
	size_t n, cap;
	/* columns after the measures that name what a code means (the unit
	 * of the value, the territory's parent, the ICCS category): not
	 * dimensions, not compared by the diff */
	size_t nlabels;
	const char *labels[MAX_LABELS];
};

#define NTABLES 4

/* A survey estimate of the release (release_survey.c), kept for its SDMX
 * dataflow (sdmx.c): the strings owned (rel_svy_release), the numbers in
 * percent (cv as it is), NaN when none (every one of a suppressed row). */
struct rsvy {
	char *indicator, *territory, *sex, *year, *survey, *flags, *method;
	double est, lo, hi, se, cv, level;
	long long n;
	bool suppressed;
};

/* What catalog/publication.ini says about who publishes and where
 * (release_metadata.c): every IRI of a release starts with base_url. */
struct rel_pub {
	char base_url[OB_MAX_PUB_SETTING];     /* ends in '/': .../releases/ */
	char homepage[OB_MAX_PUB_SETTING];
	char publisher[OB_MAX_PUB_SETTING];
	char publisher_url[OB_MAX_PUB_SETTING];
	char contact_email[OB_MAX_PUB_SETTING];
	char licence[OB_MAX_PUB_SETTING];      /* an IRI */
	char licence_name[OB_MAX_PUB_SETTING];
};

struct rel {
	const char *dir;
	const struct ob_release_options *o;
	struct ob_store *st;
	struct ob_snapshot *snap;
	struct ob_completeness comp;
	struct ob_population *pop;
	struct ob_indicator_set *set;
	struct ob_counting *rules;   /* what each count counts (engine/counting.h) */
	struct ob_strmap names;      /* rule names kept for the rows */
	struct ob_sdc_config cfg;
	struct rel_pub pub;
	struct ob_period *periods;
	size_t n_periods;
	char (*yearstr)[8];
	long *day;                 /* per period: the day of its territorial division */
	char (*monthstr)[8];       /* completeness: per month of its range */
	/* territory trees */
	size_t *kid_first, *kids;  /* children of each unit */
	struct rtable t[NTABLES];
	size_t *geo_row;           /* indicators: row of (k, u, p, T), or SIZE_MAX */
	char tmp[OB_MAX_PATH];
	char *files[OB_MAX_RELEASE_FILES];
	size_t nfiles;
	struct ob_release_result *res;
	struct ob_diag *d;
	bool missing;              /* missing_persons.csv written (release_missing.c) */
	struct rsvy *svy;          /* the survey estimates written (release_survey.c) */
	size_t nsvy, svy_cap;
};

/* release.c */
void rel_progress(const struct rel *r, const char *fmt, ...) OB_PRINTF(2, 3);
/* A progress line in the language of messages (base/log.h). */
#define REL_PROGRESS(r, es, en, ...) rel_progress(r, OB_TR(es, en), ##__VA_ARGS__)
struct rrow *rel_add_row(struct rtable *t);
const char *rel_keep_name(struct rel *r, const char *name);

/* release_tables.c: the tables, computed from the snapshot */
void rel_build_trees(struct rel *r);
ob_err rel_compute_indicators(struct rel *r);
ob_err rel_compute_counts(struct rel *r);
ob_err rel_compute_violent_deaths(struct rel *r);
ob_err rel_compute_completeness(struct rel *r);

/* release_write.c: the tables as files */
const char *rel_unit(struct rel *r, const struct ob_indicator *ind);
bool rel_is_label(const char *column);
const char *rel_cell(const struct rtable *t, const struct rrow *w, size_t i, char *buf,
                     size_t size, bool *num);
FILE *rel_open_out(struct rel *r, const char *name);
ob_err rel_close_out(struct rel *r, FILE *f, const char *name);
ob_err rel_write_buf(struct rel *r, const char *name, const struct ob_buf *b);
void rel_csv_put(FILE *f, const char *s);
void rel_csv_num(FILE *f, const char *s);
void rel_fjson_str(FILE *f, const char *s);
ob_err rel_write_csv(struct rel *r, const struct rtable *t);
ob_err rel_write_excel_csv(struct rel *r, const struct rtable *t);
ob_err rel_write_json(struct rel *r, const struct rtable *t);
ob_err rel_write_xlsx(struct rel *r);
size_t rel_ncols(const struct rtable *t);
const char *rel_col_name(const struct rtable *t, size_t i);

/* release_survey.c: the survey indicators' CSV and its data dictionary,
 * and their entry of metadata.json (after its indicators) */
ob_err rel_write_survey(struct rel *r);
void rel_survey_metadata(struct rel *r, struct ob_buf *b);
void rel_svy_release(struct rel *r);

/* release_dark.c: the dark figure (survey victims against police victims,
 * survey/darkfig.h) and its dictionary, and its entry of metadata.json */
ob_err rel_write_dark(struct rel *r);
void rel_dark_metadata(struct rel *r, struct ob_buf *b);

/* release_missing.c: the missing-persons statistics (cases/missing.h) and
 * their dictionary, and their entry of metadata.json; none (r->missing
 * false) when no report falls in the release's years */
ob_err rel_write_missing(struct rel *r);
void rel_missing_metadata(struct rel *r, struct ob_buf *b);

/* release_maps.c: the maps (GeoJSON) */
ob_err rel_write_maps(struct rel *r);

/* release_meta.c: the diff, the catalogue and the manifest */
/* key -> value of every cell of the release in reldir, from its JSON
 * tables (the diff's: the key is the table and the row's dimensions but the
 * counting rule, the value "name=value ..." of the other columns but the
 * labels, each value as jansson writes it). The values are the caller's:
 * rel_free_cells frees them and releases m. */
ob_err rel_load_cells(const char *reldir, struct ob_strmap *m, struct ob_diag *d);
void rel_free_cells(struct ob_strmap *m);
ob_err rel_write_diff(struct rel *r, const char *prev_dir);
ob_err rel_write_manifest(struct rel *r);
ob_err rel_hash_file(const char *path, char hex[65], long long *size);
void rel_jkv(struct ob_buf *b, const char *k, const char *v);

/* The CSVW dictionary (CSV-metadata.json) of a table of the release that
 * is not a cube of rtable: its title in both languages, its sources (NULL:
 * none named), its columns (name, datatype, description es, description
 * en), the first `required` of them required and also the one named
 * also_required (NULL: none), and its primary key (the inside of a JSON
 * array: "\"a\",\"b\""). The survey's and the dark figure's tables. */
struct rel_csvw {
	const char *csv, *title_en, *title_es, *source;
	const char *const (*columns)[4];
	size_t n, required;
	const char *also_required, *key;
};
ob_err rel_write_csvw_table(struct rel *r, const struct rel_csvw *w);

/* sdmx.c: SDMX-CSV 2.0 and SDMX-JSON 2.0 data and structure messages */
#define REL_SDMX_AGENCY "OBSERVA"
#define REL_SDMX_STRUCTURE_FILE "structure.sdmx.json"
const char *rel_sdmx_dim_id(const char *dim);
ob_err rel_write_sdmx_csv(struct rel *r, const struct rtable *t);
ob_err rel_write_sdmx_json(struct rel *r, const struct rtable *t);
ob_err rel_write_sdmx_structure(struct rel *r);
/* The survey estimates (r->svy) as the dataflow DF_SURVEY_INDICATORS:
 * survey_indicators.sdmx.csv and survey_indicators.sdmx.json; neither when
 * the release has none. */
ob_err rel_write_sdmx_survey(struct rel *r);

/* release_metadata.c: publication settings, metadata.json and CSVW */
#define REL_PUB_FILE "publication.ini"
ob_err rel_pub_load(struct rel *r);
ob_err rel_write_metadata(struct rel *r);
/* Labels of the fixed code lists: sex, level, flags ("" when unknown). */
const char *rel_sex_label(const char *code, bool en);
const char *rel_level_label(const char *code, bool en);
/* The ICCS code list of the store: calls fn(arg, code, level, parent,
 * name_es, name_en) in the catalogue's order. */
typedef void (*rel_iccs_fn)(void *arg, const char *code, int level, const char *parent,
                            const char *name_es, const char *name_en);
ob_err rel_each_iccs(struct rel *r, rel_iccs_fn fn, void *arg);

/* dcat.c: the DCAT-AP 3 catalogue */
ob_err rel_write_catalog(struct rel *r);

#endif
