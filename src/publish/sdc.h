/*
 * sdc.h - statistical disclosure control: the one module every public table
 * passes through before it leaves observa.
 *
 * A table is a grid of counts whose two dimensions are each a tree of
 * nodes: a leaf is a category (a municipality, a month, a sex), an inner
 * node is the total of its children (a department, the year, "both sexes").
 * A flat table with margins has one root per dimension (the total) whose
 * children are the categories; a territorial hierarchy has country >
 * admin-1 > admin-2. A dimension may also have no total (several roots, or
 * a single node for a one-column table). The caller sets the counts of
 * leaf x leaf cells; every other cell is the sum of its descendants and is
 * computed here, so published totals always add up.
 *
 * The published equations are, for every inner node R of the rows and every
 * column node c, cell(R, c) = sum of cell(child, c) over the children of R,
 * and likewise for inner column nodes. ob_sdc_protect() then:
 *
 *  1. Primary suppression: a cell (totals included) whose count is below
 *     the threshold of the table's class is suppressed; zero is suppressed
 *     only when the class says zero is sensitive. The threshold of a table
 *     with several classes (sexual violence against minors) is the
 *     strictest of them and of the general class.
 *  2. Secondary suppression, first pass (a fixed point): every equation
 *     (a total and its children) that holds exactly one suppressed cell
 *     would give it away by subtraction, so another cell of that equation
 *     is suppressed: the smallest non-zero count, then (if all are zero)
 *     a zero, ties by position. Repeated until no equation holds exactly
 *     one suppressed cell. Zeros are avoided because a suppressed zero
 *     beside a primary 1 would give both away to anyone who knows counts
 *     are not negative.
 *  3. Secondary suppression, second pass: equations can also be combined.
 *     A suppressed cell is recoverable exactly when its unit vector lies in
 *     the row space of the published equations restricted to the
 *     suppressed cells (the published cells move to the right-hand side).
 *     The suppressed cells are split into independent blocks (cells that
 *     share an equation). A cell is determined exactly when every vector of
 *     the null space of its block's matrix is zero at it. Each block is
 *     eliminated sparsely (rows as sorted lists; the shortest row first, on
 *     its column held by the fewest rows) modulo two primes, 2^31 - 1 and
 *     2^31 - 19, and one random null vector (seeded, so the result is the
 *     same on every run) is solved for each; a cell counts as determined
 *     when either vector is zero at it. Exactness: the entries are small
 *     integers (+-1 and their sums), so the arithmetic is exact modulo p;
 *     it differs from the rationals only if p divides a minor of the
 *     matrix, which would have to happen for both primes at once for a
 *     determined cell to be missed. The other error, a random vector zero
 *     at a cell that is not determined (probability 1/p), only costs one
 *     more suppression. tests/unit/publish/test_sdc_sparse.c checks the
 *     result against a dense elimination in double precision
 *     (ob_sdc_system_determined()) on random systems. A block whose
 *     elimination would store more than OB_MAX_SDC_FILL entries is refused
 *     (or, with links, falls back: ob_sdc_system_links_begin()).
 *     A block whose unknown cells and equations did not change since the
 *     last round, where nothing was determined, is not eliminated again.
 *     For each block with a determined cell, one more cell is suppressed
 *     (the best candidate in the equations of that cell, else of its block)
 *     and steps 2 and 3 run again, until no suppressed cell is determined.
 *     This always ends: with every cell suppressed, no cell is determined
 *     (raising one leaf cell and all its totals by the same amount keeps
 *     every equation true).
 *
 * What it does not do: it guarantees that no suppressed cell can be
 * recovered EXACTLY from the equations; it does not guarantee a minimum
 * width of the interval an attacker can derive with linear programming
 * (the protection interval of tau-argus), beyond avoiding zero partners.
 *
 * Output: a suppressed cell has no value (ob_sdc_value() returns false) and
 * carries the public flag "C"; primary and secondary suppressions are not
 * told apart in public, because knowing that a cell is primary tells that it
 * is small. Rates are never computed from a suppressed count.
 *
 * Ownership: an ob_sdc_table owns all its memory; ob_sdc_table_release()
 * frees it. The dimensions are copied by ob_sdc_table_init().
 */
#ifndef OB_SDC_H
#define OB_SDC_H

#include "base/buf.h"
#include "io/csvw.h"

/* Table classes, as bits: a table may be both. The general rule always
 * applies too. */
enum {
	OB_SDC_SEXUAL_VIOLENCE = 1u << 0, /* ICCS section 03 */
	OB_SDC_MINORS = 1u << 1,          /* victims under 18 */
	/* Not a rule of its own: the cell counts victims whose sex was not
	 * recorded, or (a hidden rest of linked indicators, sdc_links.h) whose
	 * age or hour was not, where the parts hold every value the field can
	 * take. The count tells of a gap in a record, not of a person, so
	 * it is not suppressed for being small unless the configuration says
	 * so (ob_sdc_config.unknown_sensitive); it may still be suppressed as
	 * a partner of another cell, and the cells of its equations keep
	 * their own rules. */
	OB_SDC_NOT_RECORDED = 1u << 2,
};

/* Rule indexes in ob_sdc_config.rule. */
enum ob_sdc_rule_index {
	OB_SDC_RULE_GENERAL,
	OB_SDC_RULE_SEXUAL_VIOLENCE,
	OB_SDC_RULE_MINORS,
	OB_SDC_NRULES,
};

struct ob_sdc_rule {
	long long min_count; /* counts 1 .. min_count-1 are suppressed (>= 2) */
	bool zero_sensitive; /* suppress zero counts too */
};

/*
 * The cell-key method (publish/cellkey.h) that perturbs the counts of
 * flexible public tables (the analyser's public answers, the public index's
 * inputs): published - count is at most max_perturbation (D); a large
 * count's perturbation has mean 0 and variance `variance` (V); counts 1 ..
 * never_shown (js) are never published as such.
 */
struct ob_ck_params {
	int max_perturbation; /* D, 1 .. OB_CK_MAX_D */
	double variance;      /* V, 0 < V < D * D */
	int never_shown;      /* js, 0 .. min(D - 1, OB_CK_MAX_JS) */
};

/*
 * What one public question may combine (the analyser without an analyst's
 * account; publish/cellkey.h checks it). An attribute is a field that
 * describes the victim or the event: sex, age, age group, month or date,
 * hour, manner, mechanism, place, relationship and context; territory,
 * year, ICCS category, source and institution say what is counted.
 * "Admin-2 detail": admin2 as a dimension, or a filter naming an admin-2
 * unit.
 */
struct ob_sdc_public {
	int max_dimensions;        /* grouping dimensions (rows and columns) */
	int max_attributes;        /* attributes in the grouping and the filter */
	int small_area_attributes; /* the same, with admin-2 detail */
	int max_values;            /* values one filter clause names (a range
	                              A..B counts B - A + 1, a date range its
	                              months) */
	bool age_years;            /* age in years (default: age groups only) */
	bool dates_by_day;         /* date filters to the day (default: whole months) */
	bool hour_small_areas;     /* hour with admin-2 detail (default: no) */
};

struct ob_sdc_config {
	struct ob_sdc_rule rule[OB_SDC_NRULES];
	bool unknown_sensitive; /* [general]: small counts of victims whose sex
	                           was not recorded are suppressed too (default no) */
	struct ob_ck_params ck;
	struct ob_sdc_public pub;
};

/* Public flag of a suppressed cell. */
#define OB_SDC_FLAG "C"

/* Name of the optional configuration file inside DIR/catalog. */
#define OB_SDC_CONFIG_FILE "disclosure.ini"


/* Defaults: general 1-4 suppressed (min_count 5), sexual violence and minors
 * 1-9 (min_count 10); zero is not sensitive. Cell key: D 3, V 2, js 2.
 * Public questions: 3 dimensions, 3 attributes (1 with admin-2 detail), one
 * value per filter clause, age groups, whole months, no hour with admin-2
 * detail. */
void ob_sdc_config_default(struct ob_sdc_config *c);

/*
 * Read rules from text in the form of DIR/catalog/disclosure.ini:
 *   [general]            (or [sexual_violence], [minors])
 *   min_count = 5
 *   zero_sensitive = no  (yes/no, si/no, true/false, 1/0)
 *   unknown_sensitive = no   ([general] only: see OB_SDC_NOT_RECORDED)
 *   [cell_key]
 *   max_perturbation = 3
 *   variance = 2
 *   never_shown = 2
 *   [public]
 *   max_dimensions = 3
 *   max_attributes = 3
 *   small_area_attributes = 1
 *   max_values = 1
 *   age = groups         (or years)
 *   dates = month        (or day)
 *   hour_small_areas = no
 * The syntax, comments included, is io/ini.h's. Settings not mentioned keep
 * their value in c.
 * Errors (OB_EPARSE, OB_EINVAL) name file, line and the value; c is then
 * unchanged.
 */
ob_err ob_sdc_config_parse(struct ob_sdc_config *c, const char *text, size_t n,
                           const char *file, struct ob_diag *d);

/* Defaults, then DIR/catalog/disclosure.ini when it exists. */
ob_err ob_sdc_config_load(struct ob_sdc_config *c, const char *dir, struct ob_diag *d);

/* The rule of a table of the given classes: the strictest min_count of the
 * general rule and the classes', zero sensitive when any of them says so. */
struct ob_sdc_rule ob_sdc_rule_of(const struct ob_sdc_config *c, unsigned classes);

/* Every setting of c as text (for the keys of kept answers). */
ob_err ob_sdc_config_text(const struct ob_sdc_config *c, struct ob_buf *b); /* OB_ETOOBIG: b full */

/* The class bits of an ICCS code (sexual violence for section 03). */
unsigned ob_sdc_class_of_iccs(const char *code);

/* The class bits of an indicator: sexual violence when its numerator
 * counts ICCS section 03 (its code or a category clause), minors when
 * every victim age it counts is under 18. Every public answer about an
 * indicator (releases, the situational analysis) takes its rule from it. */
struct ob_indicator;
unsigned ob_sdc_class_of_indicator(const struct ob_indicator *ind);

/* A dimension: n nodes, parent[i] the index of node i's parent or -1. */
struct ob_sdc_dim {
	size_t n;
	const long *parent;
};

/* Fill parent[0..n_leaves] for a flat dimension with a total: node 0 is the
 * total, nodes 1..n_leaves its children. parent has n_leaves + 1 slots. */
void ob_sdc_dim_with_total(long *parent, size_t n_leaves);

enum ob_sdc_status {
	OB_SDC_SHOWN,
	OB_SDC_PRIMARY,
	OB_SDC_SECONDARY,
	OB_SDC_HIDDEN, /* a cell of a system that no output publishes */
};

struct ob_sdc_stats {
	size_t cells;
	size_t primary;
	size_t secondary;
	size_t pairing_rounds; /* passes of the subtraction fixed point */
	size_t algebra_rounds; /* linear-algebra checks run */
	size_t algebra_blocks; /* blocks eliminated (over all rounds) */
	size_t algebra_blocks_kept; /* blocks unchanged since a round without a determined cell */
	size_t algebra_largest; /* unknown cells of the largest block eliminated */
	bool algebra_tables_only; /* a system's step 3 left its links out */
};

struct ob_sdc_table {
	size_t nrows, ncols;
	long *row_parent, *col_parent;
	size_t *row_first, *row_kids; /* children of row node r: row_kids[row_first[r] .. row_first[r+1]) */
	size_t *col_first, *col_kids;
	long long *value;       /* nrows * ncols, row-major */
	unsigned char *status;  /* enum ob_sdc_status per cell */
	unsigned classes;
	unsigned char *col_classes; /* per column node: bits added to its cells
	                               (ob_sdc_col_add_classes); NULL when none */
	bool protected_done;
};

/*
 * Make an empty table (all counts 0) over two dimensions. Refuses
 * (OB_EINVAL) a parent out of range or a cycle, and (OB_ETOOBIG) more than
 * OB_MAX_SDC_CELLS cells.
 */
ob_err ob_sdc_table_init(struct ob_sdc_table *t, const struct ob_sdc_dim *rows,
                         const struct ob_sdc_dim *cols, unsigned classes,
                         struct ob_diag *d);
void ob_sdc_table_release(struct ob_sdc_table *t);

bool ob_sdc_row_is_leaf(const struct ob_sdc_table *t, size_t r);

/* Add class bits (OB_SDC_NOT_RECORDED: a column of victims whose sex was
 * not recorded) to every cell of column node c, before protection.
 * OB_EINVAL for c out of range or a table already protected. */
ob_err ob_sdc_col_add_classes(struct ob_sdc_table *t, size_t c, unsigned classes);
bool ob_sdc_col_is_leaf(const struct ob_sdc_table *t, size_t c);

/* Set or add to the count of a leaf x leaf cell. OB_EINVAL for an inner
 * cell, a negative count, a table already protected or an overflow past
 * OB_MAX_SDC_COUNT. */
ob_err ob_sdc_set(struct ob_sdc_table *t, size_t r, size_t c, long long v);
ob_err ob_sdc_add(struct ob_sdc_table *t, size_t r, size_t c, long long v);

/* Compute totals and suppress (see above). Runs once per table. Errors:
 * OB_ETOOBIG (a block too large for the algebraic check), OB_EINVAL. */
ob_err ob_sdc_protect(struct ob_sdc_table *t, const struct ob_sdc_config *cfg,
                      struct ob_sdc_stats *stats, struct ob_diag *d);

enum ob_sdc_status ob_sdc_status(const struct ob_sdc_table *t, size_t r, size_t c);

/* The count of a cell, when it may be published: false for a suppressed
 * cell or a table not yet protected. */
bool ob_sdc_value(const struct ob_sdc_table *t, size_t r, size_t c, long long *v);

/* "C" for a suppressed cell, NULL otherwise (and for an unprotected table,
 * "C" too: nothing is shown before protection). */
const char *ob_sdc_flag(const struct ob_sdc_table *t, size_t r, size_t c);

/* Rate per `per` inhabitants; false (and *rate untouched) when the count may
 * not be published or the population is not a positive finite number. */
bool ob_sdc_rate(const struct ob_sdc_table *t, size_t r, size_t c, double population,
                 double per, double *rate);

/* Write the count as a JSON number, or null when suppressed. */
ob_err ob_sdc_json_value(struct ob_buf *b, const struct ob_sdc_table *t, size_t r, size_t c);

/* Write two CSV fields: the count (empty when suppressed) and the flag. */
void ob_sdc_csv_cell(struct ob_csvw *w, const struct ob_sdc_table *t, size_t r, size_t c);

/*
 * Systems of equations. A system is a set of cells (counts) and a list of
 * equations "total = sum of parts" among them; ob_sdc_protect() of a table
 * is the system of its tree equations (ob_sdc_system_add_table()), and the
 * release and the situational analysis put the tables of several linked
 * indicators (engine/indicators.h ob_indicators_links()) into one system,
 * so that a count hidden in one indicator cannot be recovered by
 * subtracting published counts of others.
 *
 * A cell is either published (subject to the three steps above, with the
 * rule of its own classes) or hidden: a residual that no output publishes
 * (the victims of unknown age beside the age slices of an indicator). A
 * hidden cell is an unknown to the reader; when its count is small by its
 * rule it must stay unknown too, like a suppressed cell (a derived count
 * of 1..4 victims tells as much as a published one). So steps 2 and 3 read
 * "unknown" for suppressed or hidden, and protect every suppressed cell
 * and every small hidden cell: an equation whose only unknown cell must
 * stay unknown gets a partner; a block where such a cell is determined
 * (its unit vector in the row space of the equations restricted to the
 * unknown cells, hidden ones included) gets one more suppression. Hidden
 * cells are never chosen as partners (they are unknown already). Before
 * step 3 forms its blocks, an equation holding an unknown cell that need
 * not stay unknown (a hidden rest that is not small) and that no other
 * remaining equation holds is left out, repeatedly: no combination giving
 * one cell alone can use it, since it would keep that rest. That keeps the
 * blocks of a release as small as its tables' when no rest is small.
 *
 * Ownership: a system owns its arrays; ob_sdc_system_release() frees them.
 */
struct ob_sdc_system {
	size_t n, cap;            /* cells */
	long long *value;
	unsigned char *status;    /* enum ob_sdc_status */
	unsigned char *cls;       /* class bits of each cell */
	bool *hidden;
	bool *small;              /* during protection: below its rule */
	size_t neq, eq_cap, term_cap;
	size_t *eq_first;         /* neq + 1: terms of equation q: eq_first[q] .. eq_first[q+1] */
	size_t *eq_cell;          /* the total first, then the parts */
	signed char *eq_coef;     /* +1 for the total, -1 for a part */
	unsigned char *eq_kind;   /* a table's rows, its columns, a link (sdc.c) */
	unsigned char kind;       /* the kind of the equations added next */
	size_t neq_tables;        /* equations before the links (SIZE_MAX: all) */
	bool algebra_tables_only; /* step 3 fell back to the tables' equations */
	bool protected_done;
};

void ob_sdc_system_init(struct ob_sdc_system *y);
void ob_sdc_system_release(struct ob_sdc_system *y);

/* Append n cells (count 0) of the given classes; *first (may be NULL) is
 * the index of the first. OB_ETOOBIG past OB_MAX_SDC_CELLS. */
ob_err ob_sdc_system_add_cells(struct ob_sdc_system *y, size_t n, unsigned classes,
                               bool hidden, size_t *first);

/* Set a cell's count. OB_EINVAL: out of range, negative, past
 * OB_MAX_SDC_COUNT, or the system is protected. The system does not add
 * up totals: the caller sets every cell (a table: ob_sdc_table_totals()). */
ob_err ob_sdc_system_set(struct ob_sdc_system *y, size_t cell, long long v);

/* Add the equation cell total = sum of parts[0..n_parts). OB_EINVAL for a
 * cell out of range, the total among its parts, no parts; OB_ETOOBIG past
 * OB_MAX_SDC_TERMS terms in all. */
ob_err ob_sdc_system_add_equation(struct ob_sdc_system *y, size_t total, const size_t *parts,
                                  size_t n_parts);

/*
 * Say that the equations added from now on are links between tables. When
 * the elimination of a block of step 3 with them would store more than
 * OB_MAX_SDC_FILL entries, step 3 runs twice instead, on each table's
 * equations alone (as before links were protected) and on the links with
 * the tables' sex columns (blocks of one territory each), while step 2
 * keeps all of them: no cell is then deducible within a table, nor from
 * the links and sexes of one territory, but a combination of links in
 * several territories with the territorial tree is not checked. The stats
 * say so (algebra_tables_only); the release notes it. The full demo's
 * systems (largest block about 7,000 unknown cells) do not come near it.
 */
void ob_sdc_system_links_begin(struct ob_sdc_system *y);

/* Add the tree equations of table t, whose cell (r, c) is system cell
 * first + r * ncols + c (cells added already), and give those cells the
 * class bits of t's columns (ob_sdc_col_add_classes()). */
ob_err ob_sdc_system_add_table(struct ob_sdc_system *y, const struct ob_sdc_table *t,
                               size_t first);

/* Steps 1-3 over the system (once). On error every published cell is
 * suppressed. */
ob_err ob_sdc_system_protect(struct ob_sdc_system *y, const struct ob_sdc_config *cfg,
                             struct ob_sdc_stats *stats, struct ob_diag *d);
bool ob_sdc_system_value(const struct ob_sdc_system *y, size_t cell, long long *v);
enum ob_sdc_status ob_sdc_system_status(const struct ob_sdc_system *y, size_t cell);

/* Compute a table's totals from its leaves (what ob_sdc_protect() does
 * first), for a caller that protects it inside a system. */
ob_err ob_sdc_table_totals(struct ob_sdc_table *t, struct ob_diag *d);

/*
 * For tests: determined[i] (y->n entries) tells whether cell i, unknown
 * (status not OB_SDC_SHOWN), is determined by all of y's equations and its
 * published cells; false for a published cell. dense: the reduced row
 * echelon form in double precision (tolerance 1e-9), the reference;
 * otherwise the sparse modular check of step 3. OB_ETOOBIG: past
 * OB_MAX_SDC_MATRIX (dense) or OB_MAX_SDC_FILL (sparse).
 */
ob_err ob_sdc_system_determined(const struct ob_sdc_system *y, bool dense, bool *determined,
                                struct ob_diag *d);

/* Copy the statuses of system cells first .. first + nrows * ncols into t
 * (protected when the system is). */
void ob_sdc_table_take(struct ob_sdc_table *t, const struct ob_sdc_system *y, size_t first);

#endif
