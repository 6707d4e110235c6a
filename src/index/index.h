/*
 * index.h - territorial prioritization indices defined as data.
 *
 * An index definition is a small text file (docs/index.md has the full
 * syntax and data/catalog/index/ the presets):
 *
 *   [index]        name, units (admin2 | list), unit_column, name_column,
 *                  normalise, aggregate, missing, classify, levels,
 *                  level_names, top, country, territory_column
 *   [dimension ID] name, parent, weight, aggregate       (any depth)
 *   [indicator ID] name, column, dimension, weight, direction, treat,
 *                  normalise, catalog
 *   [uncertainty]  runs, seed, weights, normalise, aggregate  (uncertainty.h)
 *
 * The computation, for n units and k indicators:
 *  1. treatment of each indicator's raw values, in the order written:
 *     "winsorise P Q" clamps to the type-7 quantiles P and Q of the unit
 *     values; "log" takes ln x (x > 0); "log1p" ln(1 + x) (x > -1);
 *  2. missing values (an empty cell, NA or ND) follow the stated policy:
 *     refuse (an error naming the unit and column), reweight (the indicator
 *     is dropped for that unit and its siblings' weights are renormalised; a
 *     dimension left with no indicator is dropped the same way one level
 *     up), impute-mean (the mean of the unit values present, after
 *     treatment; every imputation is counted and flagged). No missing value
 *     takes part in a normalisation or in the class breaks: an imputed cell
 *     is given, after the normalisation, the mean of the normalised values
 *     present;
 *  3. direction (+ more is worse, - more is better) multiplies the values,
 *     then each indicator is normalised over the units where it is present:
 *       minmax L U    (x - min) / (max - min) (U - L) + L
 *       zscore [M S]  (x - mean) / sd S + M, sd with divisor n - 1
 *       rank          ranks 1..n, ties averaged (R's rank())
 *       distance R    x / R (ratio to a reference R: a number, or mean,
 *                     median, min, max of the unit values); with direction
 *                     - the ratio is R / x. Values must be >= 0 (and > 0
 *                     for direction -); R must be > 0;
 *  4. aggregation up the hierarchy of dimensions: each node is the
 *     arithmetic (sum w x / sum w) or geometric (prod x^(w / sum w)) mean of
 *     its children; "aggregate = inform" at [index] means geometric at the
 *     top and arithmetic in every dimension (INFORM's geometric mean of
 *     arithmetic dimensions);
 *  5. ranks: descending score, ties share the smallest rank (1, 1, 3: R's
 *     rank(-x, ties.method = "min")); the top N are the units with rank
 *     <= N (a tie at the edge can make them more than N);
 *  6. levels 1..k (1 = lowest priority) from breaks of the scores: quantile
 *     (type 7), fisher (exact natural breaks), equal, or fixed thresholds
 *     t1 < ... < t(k-1) (level = 1 + the number of thresholds <= score);
 *     see stats/breaks.h for the first three;
 *  7. drivers: each indicator's contribution to the unit's score relative
 *     to the reference unit, the hypothetical unit whose every normalised
 *     value is the mean over the units. Contributions add up to score -
 *     reference exactly. At an arithmetic node a child's share is
 *     w (x - x_ref) / sum w; at a geometric node it is its Shapley value in
 *     the product of the factors x^w (exact, closed form), and inside a
 *     child the share is split in proportion to the child's own
 *     decomposition. With only arithmetic nodes the reference score is the
 *     mean score, so the contributions add up to score - mean. Under the
 *     reweight policy the reference of a unit with dropped indicators is
 *     measured the same way (over its present indicators, with the same
 *     renormalised weights); `reference` holds it per unit.
 *
 * Ownership: ob_index_load() fills a definition the caller ends with
 * ob_index_def_release(); ob_index_input_read() and ob_index_compute()
 * likewise with their _release(). Releasing a zeroed struct is a no-op.
 * Everything is plain memory: a definition and an input can be read by
 * several threads at once.
 */
#ifndef OB_INDEX_H
#define OB_INDEX_H

#include "base/common.h"

enum ob_ix_norm_kind {
	OB_IX_MINMAX,
	OB_IX_ZSCORE,
	OB_IX_RANK,
	OB_IX_DISTANCE,
};

enum ob_ix_ref {
	OB_IX_REF_VALUE,
	OB_IX_REF_MEAN,
	OB_IX_REF_MEDIAN,
	OB_IX_REF_MIN,
	OB_IX_REF_MAX,
};

struct ob_ix_norm {
	enum ob_ix_norm_kind kind;
	double a, b;          /* minmax: L, U; zscore: M, S; distance: R (VALUE) */
	enum ob_ix_ref ref;   /* distance only */
};

enum ob_ix_agg {
	OB_IX_ARITH,
	OB_IX_GEOM,
};

/* Aggregation of the whole tree, for the uncertainty analysis. */
enum ob_ix_agg_mode {
	OB_IX_AGG_NOMINAL, /* as each node says */
	OB_IX_AGG_ARITH,   /* every node arithmetic */
	OB_IX_AGG_GEOM,    /* every node geometric */
	OB_IX_AGG_INFORM,  /* the top geometric, the dimensions arithmetic */
};

enum ob_ix_treat_kind {
	OB_IX_WINSORISE,
	OB_IX_LOG,
	OB_IX_LOG1P,
};

struct ob_ix_treat {
	enum ob_ix_treat_kind kind;
	double lo, hi; /* winsorise: the two probabilities */
};


struct ob_ix_indicator {
	char *id, *name, *column;
	char *name_en;    /* its name in English (name_en), or NULL: name */
	size_t parent;    /* node index (0 = the index itself) */
	double weight;
	int direction;    /* +1 or -1 */
	size_t ntreat;
	struct ob_ix_treat treat[OB_IX_MAX_TREAT];
	bool has_norm;    /* its own normalisation instead of the index's */
	struct ob_ix_norm norm;
	long line;        /* where its section starts */
	/* "ID" or "ID DIMENSION=VALUE": a catalogue indicator (one cell of one
	 * disaggregation) that observa index --preset computes; NULL: the value
	 * comes from an input file (see preset.h) */
	char *catalog;
	long catalog_line;
	/* "TYPE [per N COLUMN]": with --preset, the reports of the case type
	 * TYPE (cases/casetype.h) opened in the year whose unit (the type's
	 * unit field) is the list unit, times N over the unit's value of the
	 * input's COLUMN (index/cases.h); NULL: none. Without reports of the
	 * year, the value comes from the input file as for any column. */
	char *cases;
	char *cases_column; /* COLUMN, or NULL: the count itself */
	double cases_per;   /* N */
	long cases_line;
};

/* A node of the hierarchy: node 0 is the index, the others dimensions. */
struct ob_ix_node {
	char *id, *name;
	char *name_en;    /* its name in English (name_en), or NULL: name */
	size_t parent;    /* node index; the root's is 0 */
	double weight;
	enum ob_ix_agg agg;
	size_t depth;     /* 0 for the root */
	long line;
};

enum ob_ix_missing {
	OB_IX_MISSING_REFUSE,
	OB_IX_MISSING_REWEIGHT,
	OB_IX_MISSING_IMPUTE_MEAN,
};

enum ob_ix_classify {
	OB_IX_CLASS_QUANTILE,
	OB_IX_CLASS_FISHER,
	OB_IX_CLASS_EQUAL,
	OB_IX_CLASS_FIXED,
};

enum ob_ix_weights_mc {
	OB_IX_W_FIXED,     /* weights as written */
	OB_IX_W_UNIFORM,   /* each weight times U(1 - p, 1 + p) */
	OB_IX_W_DIRICHLET, /* siblings' shares ~ Dirichlet(p x nominal shares) */
};

/* The [uncertainty] section (see uncertainty.h). */
struct ob_ix_uncertainty {
	size_t runs;
	uint64_t seed;
	enum ob_ix_weights_mc weights;
	double weights_param;
	size_t nnorm;     /* alternatives; an entry with nominal set is "nominal" */
	struct ob_ix_norm norm[OB_MAX_INDEX_ALTERNATIVES];
	bool norm_nominal[OB_MAX_INDEX_ALTERNATIVES];
	size_t nagg;
	enum ob_ix_agg_mode agg[OB_MAX_INDEX_ALTERNATIVES];
};

struct ob_index_def {
	char *file;          /* path it was read from */
	char *name;
	char *name_en;       /* the name in English (name_en), or NULL: name */
	bool admin2;         /* units are catalogue territory codes */
	char *unit_column, *name_column; /* name_column may be NULL */
	char *country;       /* ISO3 of the admin2 units for --preset, or NULL: all */
	char *territory_column; /* units = list: the column with each unit's admin-2
	                           code, for catalogue indicators; may be NULL */
	struct ob_ix_norm norm;
	enum ob_ix_missing missing;
	enum ob_ix_classify classify;
	size_t levels;
	double thresholds[OB_MAX_CLASSES]; /* fixed: levels - 1 of them */
	char *level_names[OB_MAX_CLASSES];
	/* in English (level_names_en): as many as level_names; by default
	 * "Very low" ... "Very high" for 5 levels, "Level N" otherwise, when
	 * level_names is not given either; else NULL: level_names */
	char *level_names_en[OB_MAX_CLASSES];
	size_t top;          /* 0: none */
	size_t nind;
	struct ob_ix_indicator *ind;
	size_t nnode;        /* >= 1 */
	struct ob_ix_node *node;
	size_t *order;       /* nodes deepest first: children before parents */
	size_t *kid_off;     /* nnode + 1: node c's children are kids[kid_off[c]..kid_off[c+1]) */
	size_t *kids;        /* j < nind: indicator j; nind + c: node c */
	struct ob_ix_uncertainty mc;
};

/*
 * Read and check a definition. Every refusal names the file and line (and
 * the value) in d: an unknown section or key, a malformed number, a
 * duplicated id, a weight < 0, a dimension that does not exist, a cycle, a
 * dimension without children, geometric aggregation over a normalisation
 * that can give negative values, too many levels for the names given...
 */
ob_err ob_index_load(const char *path, struct ob_index_def *def, struct ob_diag *d);

/* The same from memory; name is what messages call it. */
ob_err ob_index_load_mem(const char *text, size_t len, const char *name,
                         struct ob_index_def *def, struct ob_diag *d);

/* The same, leaving out the [indicator ID] and [dimension ID] sections whose
 * id is in skip[nskip] (as if they were not written): how --preset drops
 * the indicators it has no values for, renormalising their siblings'
 * weights. A kept section must not refer to a skipped dimension. */
ob_err ob_index_load_mem_skip(const char *text, size_t len, const char *name,
                              const char *const *skip, size_t nskip,
                              struct ob_index_def *def, struct ob_diag *d);

void ob_index_def_release(struct ob_index_def *def);

/* Index of an indicator or node by id, or (size_t)-1. */
size_t ob_index_find_indicator(const struct ob_index_def *def, const char *id);
size_t ob_index_find_node(const struct ob_index_def *def, const char *id);

/*
 * The units x indicators matrix. x[u * nind + j] is unit u's raw value of
 * the definition's indicator j, NaN when missing. unit and unit_name are
 * owned strings (unit_name[u] may be NULL); line[u] is where unit u came
 * from in source (0 when built in memory).
 */
struct ob_index_input {
	size_t nunits, nind;
	char **unit, **unit_name;
	double *x;
	long *line;
	char *source;
	/* units of the year's division left out for want of any value (no
	 * data), with their names (may be NULL): not ranked, drawn grey */
	size_t n_nodata;
	char **nodata, **nodata_name;
	/* some catalogue value rests on an estimated population, or on an equal
	 * split of a larger unit's (observa index --preset) */
	bool estimated, equal_split;
};

/*
 * Read the units x indicators matrix from a CSV file with a header row
 * holding def's unit_column, name_column (if any) and every indicator's
 * column. Cells: numbers with '.' or ',' as the decimal mark; empty, NA or
 * ND is missing. Refusals name file:line:column and the value.
 */
ob_err ob_index_input_read(const struct ob_index_def *def, const char *path,
                           struct ob_index_input *in, struct ob_diag *d);

/*
 * Build an input from memory: units[nunits] ids, names (NULL or per unit,
 * each may be NULL), x as above (copied). The hook for indicator values
 * computed elsewhere (observa index --preset).
 */
ob_err ob_index_input_from_matrix(const struct ob_index_def *def, size_t nunits,
                                  const char *const *units, const char *const *names,
                                  const double *x, struct ob_index_input *in,
                                  struct ob_diag *d);

void ob_index_input_release(struct ob_index_input *in);

struct ob_index_result {
	size_t nunits, nind, nnode, levels;
	double *treated;   /* nunits x nind: after treatment and imputation; NaN dropped */
	double *norm;      /* nunits x nind: normalised; NaN dropped */
	unsigned char *imputed; /* nunits x nind: 1 where imputed */
	double *node;      /* nunits x nnode: node scores, NaN when dropped */
	double *score;     /* nunits: node 0 */
	size_t *rank;      /* nunits: 1 = highest score */
	size_t *level;     /* nunits: 1..levels */
	bool *top;         /* nunits: rank <= top */
	double breaks[OB_MAX_CLASSES + 1]; /* levels + 1 */
	double *contrib;   /* nunits x nind: drivers (0 where dropped) */
	double *reference; /* nunits: score of the reference unit */
	double mean_score;
	size_t imputations;   /* cells imputed */
	size_t *imputed_by;   /* nind: per indicator */
	size_t dropped;       /* cells dropped under reweight */
};

/* Compute everything above for in under def. Refusals (a missing cell under
 * refuse, a log of a value <= 0, an indicator that does not vary, too few
 * distinct scores for the levels...) name the unit, indicator and input
 * file:line where there is one. */
ob_err ob_index_compute(const struct ob_index_def *def, const struct ob_index_input *in,
                        struct ob_index_result *r, struct ob_diag *d);

void ob_index_result_release(struct ob_index_result *r);

/* The Spanish name of level 1..levels. */
const char *ob_index_level_name(const struct ob_index_def *def, size_t level);
/* Its English name (level_names_en), or the Spanish one when the
 * definition gives none. */
const char *ob_index_level_name_en(const struct ob_index_def *def, size_t level);

/* "minmax 0 100", "zscore 0 1", "rank", "distance mean"... into out. */
void ob_index_norm_describe(const struct ob_ix_norm *n, char *out, size_t size);
const char *ob_index_agg_mode_name(enum ob_ix_agg_mode m);

#endif
