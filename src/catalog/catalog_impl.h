/*
 * catalog_impl.h - what the parts of the catalogue share: reading its CSV
 * files row by row, the checks of a row alone, the tables' definitions.
 * catalog.c reads and checks, catalog_load.c loads into the store,
 * catalog_import.c merges imports and draws geometry. Internal to src/catalog.
 */
#ifndef OB_CATALOG_IMPL_H
#define OB_CATALOG_IMPL_H

#include "catalog/catalog.h"

#include <dirent.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <math.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/strmap.h"
#include "base/tree.h"
#include "catalog/embedded.h"
#include "io/csv.h"
#include "io/csvw.h"
#include "io/date.h"
#include "io/value.h"
#include "store/catalog_write.h"
#include "text/text.h"

struct column {
	const char *name;
	bool required;
};

/*
 * One data row: v[i] is the value of column i of the file's column list
 * ("" when the file lacks that column or the row is short), col[i] its
 * 0-based field number in the file (-1 when absent). The strings are the
 * reader's: valid during the call the row is passed to.
 */
struct row {
	const char *file;
	long line;
	const char *v[OB_MAX_CATALOG_COLUMNS];
	int col[OB_MAX_CATALOG_COLUMNS];
};

typedef ob_err (*row_fn)(void *arg, const struct row *w);

enum { T_CODE, T_LEVEL, T_COUNTRY, T_PARENT, T_NAME, T_FROM, T_TO, T_STATUS, T_SOURCE,
       T_NOTE, T_NCOLS };
enum { P_TERR, P_YEAR, P_SEX, P_POP, P_STATUS, P_SOURCE, P_NCOLS };

extern const struct column cat_terr_cols[T_NCOLS];
extern const struct column cat_pop_cols[P_NCOLS];

struct loader;

struct table_def {
	const char *file;       /* in DIR/catalog */
	bool required;          /* must exist */
	const struct column *cols;
	size_t ncols;
	ob_err (*check)(const struct row *w, struct ob_diag *d); /* NULL: none */
	enum ob_catalog_table table; /* the table its rows go to */
	const char *types;      /* of its columns, for insert_row(); NULL: none */
	const char *what;       /* a row, in messages, in Spanish */
	const char *what_en;    /* and in English */
	ob_err (*row)(struct loader *L, const struct row *w);
	ob_err (*finish)(struct loader *L); /* after the last row; NULL: none */
};

#define COLS(c) .cols = c, .ncols = OB_ARRAY_SIZE(c)

extern const struct table_def cat_territories_def;
extern const struct table_def cat_population_def;
extern const struct table_def cat_aliases_def;
extern const struct table_def cat_crosswalks_def;

typedef ob_err (*feature_fn)(void *arg, const char *file, size_t n, const char *code,
                             const char *name, json_t *geometry, struct ob_diag *d);

/* catalog.c */
ob_err cat_make_path(struct ob_diag *d, char *out, const char *fmt, ...) OB_PRINTF(3, 4);
ob_err cat_read_whole(const char *path, const char *name, char **data, size_t *len,
                      struct ob_diag *d);
ob_err cat_each_row(const char *path, const struct column *cols, size_t ncols, row_fn fn,
                    void *arg, struct ob_diag *d);
/* A bad value at file:line, column col (0-based; < 0 for none): why, in
 * Spanish and in English. */
ob_err cat_bad_value(struct ob_diag *d, const char *file, long line, int col, const char *v,
                     const char *es, const char *en);
ob_err cat_bad(struct ob_diag *d, const struct row *w, int i, const char *es, const char *en);
bool cat_is_code(const char *s);
bool cat_is_date(const char *s);
bool cat_one_of(const char *s, const char *const *set);
bool cat_has_text(const char *s);
ob_err cat_check_dates(struct ob_diag *d, const struct row *w, int from, int to);
ob_err cat_check_territory(const struct row *w, struct ob_diag *d);
ob_err cat_check_population(const struct row *w, struct ob_diag *d);
/* catalog_load.c */
ob_err cat_each_feature(const char *path, const char *name, feature_fn fn, void *arg,
                        struct ob_diag *d);
bool cat_has_suffix(const char *s, const char *suffix);

#endif
