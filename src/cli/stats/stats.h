/*
 * stats.h - what the "observa stats" subcommands share: their common
 * options, reading the input CSV (header, columns named by options, numbers
 * checked with their file, line and column), holding a whole table in
 * memory, the areas and neighbour lists of the spatial statistics, and the
 * all-or-nothing output.
 *
 * Numbers: whether '.' and ',' are decimal marks or thousands separators is
 * decided for each column from all its values (number.h), or given with
 * --decimal-mark.
 *
 * Internal to src/cli/stats and src/cli/cmd_stats.c. Every function that can
 * fail returns an ob_err and fills an ob_diag the caller prints with
 * ob_cli_diag(); the subcommand then returns ob_cli_status(err).
 *
 * Output: rows are written to memory and copied to standard output only when
 * the whole result is ready, so that an error leaves nothing half-written on
 * stdout. When the output grows past OB_MAX_STATS_BUFFER (or with --stream)
 * the rows written so far go out and the rest is streamed; an error after
 * that point says on stderr that the output is incomplete.
 */
#ifndef OB_CLI_STATS_H
#define OB_CLI_STATS_H

#include "base/buf.h"
#include "base/strmap.h"
#include "cli/stats/number.h"
#include "io/csv.h"
#include "io/csvw.h"
#include "io/statfile.h"
#include "stats/nb.h"

#include <getopt.h>

/* Language of the words written in cells (verdicts, flags, quadrants). */
enum st_lang {
	ST_LANG_ES,
	ST_LANG_EN,
};

/* Options every stats subcommand takes. */
struct st_common {
	enum st_lang lang;
	const char *prefix; /* put before every added column name */
	char delimiter;     /* of the input files; 0 to sniff */
	char decimal_mark;  /* '.' or ',' as given; 0: decided per column */
	bool stream;        /* write rows as soon as they are computed */
};

/* getopt_long codes of the common options; each subcommand numbers its
 * own from ST_OPT_LOCAL. */
enum {
	ST_OPT_PREFIX = 1000,
	ST_OPT_DELIMITER,
	ST_OPT_STREAM,
	ST_OPT_DECIMAL_MARK,
	ST_OPT_LOCAL = 1100,
};

#define ST_COMMON_LONGOPTS                                                  \
	{ "prefix", required_argument, NULL, ST_OPT_PREFIX },                 \
	{ "delimiter", required_argument, NULL, ST_OPT_DELIMITER },           \
	{ "decimal-mark", required_argument, NULL, ST_OPT_DECIMAL_MARK },     \
	{ "help", no_argument, NULL, 'h' }

/* The same with --stream, for the subcommands that work row by row. */
#define ST_STREAM_LONGOPTS ST_COMMON_LONGOPTS, { "stream", no_argument, NULL, ST_OPT_STREAM }

/* Help text of the common options, in the language in force (a static string). */
const char *st_common_help(void);

/* The language of the words written in cells: --lang, read once for every
 * command by main.c (cli/options.h) and passed on by "observa stats". */
void st_set_lang(enum st_lang lang);

void st_common_init(struct st_common *co);

/*
 * Handle option c (a getopt_long result) if it is a common one. Returns
 * 0 when handled, 1 for --help (the caller prints its usage to stdout and
 * exits 0), 2 for a bad value or an unknown option (a message has been
 * printed; the caller prints its usage to stderr and exits 2).
 */
int st_common_option(struct st_common *co, const char *cmd, int c, const char *arg);

/*
 * The single FILE operand after getopt_long: *file receives it ("-" is
 * standard input). Prints why and returns false when there is none or more
 * than one.
 */
bool st_file_operand(int argc, char **argv, const char *cmd, const char **file);

/* Usage errors: "observa stats CMD: message" on stderr. */
void st_usage_error(const char *cmd, const char *fmt, ...) OB_PRINTF(2, 3);
/* The same for a command of another group ("survey estimate: ..."). */
void st_usage_error_in(const char *group, const char *cmd, const char *fmt, ...) OB_PRINTF(3, 4);

/* Parse an option's number; prints a usage error and returns false if it is
 * not a finite number inside [min, max] (an open bound when *_open). */
bool st_opt_number(const char *cmd, const char *opt, const char *arg, double min,
                   bool min_open, double max, bool max_open, double *out);

/* Parse a comma-separated list of at most max items of an option into
 * items[] (pointers into a copy the caller frees with free(*copy)).
 * Returns the number of items, or 0 after a usage error (empty item, too
 * many). */
size_t st_opt_list(const char *cmd, const char *opt, const char *arg, char **copy,
                   const char **items, size_t max);

/* ---- reading ---------------------------------------------------------- */

/* A CSV being read: its header and its current record. */
struct st_reader {
	struct ob_csv_reader *csv;
	char name[OB_MAX_PATH]; /* what messages call the file */
	size_t ncols;
	char **cols;            /* header names, owned */
	long header_line;
	char mark;              /* the decimal mark given (--decimal-mark), or 0 */
	const struct ob_csv_record *rec; /* after st_reader_next(): valid until
	                                  * the next call */
	struct ob_statfile *file; /* an SPSS or Stata file (io/statfile.h), read
	                           * whole at open: its variables and their value
	                           * labels; NULL for CSV. Owned; st_table_load()
	                           * drops its cells once copied */
	size_t next;              /* its case read next */
	struct ob_csv_record frec;  /* its current case as a record */
	struct ob_csv_field *fields;
};

/*
 * Open path ("-" for standard input) with co's delimiter and decimal mark and
 * read its header, the first record that is not blank. Errors: those of
 * ob_csv_open and ob_csv_next, and OB_EEMPTY for a file without a header. On
 * error r is closed.
 */
ob_err st_reader_open(struct st_reader *r, const char *path, const struct st_common *co,
                      struct ob_diag *d);

/* Next data record (blank records are skipped) into r->rec; OB_ENOENT at
 * the end. A record with a number of fields other than the header's is
 * refused (OB_EPARSE). */
ob_err st_reader_next(struct st_reader *r, struct ob_diag *d);

void st_reader_close(struct st_reader *r);

/*
 * Index of the header column called name, asked for by option opt
 * ("--count"). A name not in the header (OB_ENOCOL) or there twice
 * (OB_EDUPCOL) is an error that names the columns the file has.
 */
ob_err st_column(const struct st_reader *r, const char *opt, const char *name,
                 size_t *idx, struct ob_diag *d);

/*
 * Rows of a reader in file order with the numbers of up to ST_MAX_ROW_NUMBERS
 * of its columns, read while the decimal mark of each column is learnt
 * (number.h): a row with an ambiguous cell in a column still undecided waits,
 * and every row after it, until a later value decides the column; at the end
 * of the file a row still waiting is refused at its ambiguous cell. At most
 * OB_MAX_STATS_BUFFER bytes of rows wait (beyond: OB_ETOOBIG).
 */
#define ST_MAX_ROW_NUMBERS 4

struct st_row {
	const char **field; /* the row's fields, NUL-terminated */
	size_t nfields;
	long line;
	double v[ST_MAX_ROW_NUMBERS]; /* the numbers, in the order of the columns */
};

struct st_rows {
	struct st_reader *r;
	size_t n;
	size_t col[ST_MAX_ROW_NUMBERS];
	enum st_kind kind[ST_MAX_ROW_NUMBERS];
	struct st_numcol nc[ST_MAX_ROW_NUMBERS];
	struct ob_buf wait;  /* fields of the waiting rows, each ended by NUL */
	size_t *off;         /* offset of each waiting row in wait */
	long *line;
	size_t nwait, head, cap;
	const char **field;  /* scratch for st_row.field */
	bool eof;
};

/* Read columns col[0..n) of r as kind[0..n); n <= ST_MAX_ROW_NUMBERS. */
void st_rows_init(struct st_rows *w, struct st_reader *r, size_t n, const size_t *col,
                  const enum st_kind *kind);

/* The next row into *row (valid until the next call); OB_ENOENT after the
 * last; other errors with d filled. */
ob_err st_rows_next(struct st_rows *w, struct st_row *row, struct ob_diag *d);

void st_rows_release(struct st_rows *w);

/* ---- whole tables ----------------------------------------------------- */

/*
 * A CSV held in memory: its header (in rd) and the fields of every data
 * row, NUL-separated in cells, which is bounded by OB_MAX_STATS_BUFFER
 * (beyond: OB_ETOOBIG with the line). Owns everything; st_table_release()
 * frees it.
 */
struct st_table {
	struct st_reader rd; /* closed after loading; name and header kept */
	size_t nrows;
	struct ob_buf cells;
	size_t *off;         /* offset in cells of each row's first field */
	long *line;          /* physical line of each row */
	size_t cap;
	const char **row;    /* scratch: st_table_row() fills it */
};

/* Read all of path ("-": standard input) with co's delimiter and decimal
 * mark. On error *t is left released. */
ob_err st_table_load(struct st_table *t, const char *path, const struct st_common *co,
                     struct ob_diag *d);
void st_table_release(struct st_table *t);

/* The rd.ncols fields of row r, valid until the next call. */
const char **st_table_row(struct st_table *t, size_t r);

/* Field col of row r (walks the row: for one-off access). */
const char *st_table_cell(const struct st_table *t, size_t r, size_t col);

/* Parse column col of every row as kind into out[0..nrows), its decimal
 * mark decided from all its values (number.h) unless one was given. */
ob_err st_table_numbers(const struct st_table *t, size_t col, enum st_kind kind,
                        double *out, struct ob_diag *d);

/* ---- series: rows grouped by --by and ordered by time (series.c) ------ */

struct st_one_series {
	const char *name;   /* the --by value (a key owned by the map) */
	size_t len;
	size_t n, first;    /* its rows: order[first .. first + n) */
};

struct st_series {
	size_t n;           /* series */
	struct st_one_series *v;
	size_t *series_of;  /* [row] its series */
	size_t *order;      /* row numbers, series after series */
	struct ob_strmap map;
};

void st_series_init(struct st_series *s);
void st_series_release(struct st_series *s);
/* Group the rows of t by the value of column by (one series when by is
 * SIZE_MAX), series in order of first appearance. */
ob_err st_series_group(struct st_series *s, const struct st_table *t, size_t by,
                       struct ob_diag *d);
/* Order each series' rows by time[] (ascending); a time given twice in one
 * series is an error at its second line (column tc). */
ob_err st_series_by_time(struct st_series *s, const struct st_table *t, size_t tc,
                         const double *time, struct ob_diag *d);

/* ---- areas and neighbours --------------------------------------------- */

/*
 * Map each row of t to its id in column col. Ids must be unique and not
 * empty (OB_EINVAL with both lines otherwise). Indices are row numbers.
 */
struct st_ids {
	struct ob_strmap map; /* id -> row + 1 */
};

ob_err st_ids_build(struct st_ids *ids, const struct st_table *t, size_t col,
                    struct ob_diag *d);

/* Row of id s[0..n), or false. */
bool st_ids_find(const struct st_ids *ids, const char *s, size_t n, size_t *row);

void st_ids_release(struct st_ids *ids);

/*
 * Read a neighbour list: a CSV whose header names two columns (any names;
 * the first two are used) and whose rows are "area,neighbour" (list both
 * directions of a symmetric relation). Every id must be one of ids (else
 * OB_EINVAL at its line and column); an area linked to itself or a link
 * given twice is refused; an area in no row is an island. n is the number
 * of areas. Warns when the list is not symmetric.
 */
ob_err st_nb_load(const char *path, const struct st_common *co, const struct st_ids *ids,
                  size_t n, struct ob_nb *nb, struct ob_diag *d);

/* ---- output ----------------------------------------------------------- */

struct st_out {
	struct ob_csvw w;
	FILE *mem;         /* open_memstream while buffering */
	char *ptr;
	size_t len;
	bool streaming;    /* rows go straight to stdout */
	size_t rows;       /* data rows ended */
	const char *prefix;
};

/* Start an output; with co->stream rows go to stdout at once. */
void st_out_init(struct st_out *o, const struct st_common *co);

/*
 * Refuse added column names that the input already has (with the prefix
 * applied): OB_EDUPCOL saying to use --prefix. in may be NULL.
 */
ob_err st_out_check(const struct st_out *o, const struct st_reader *in,
                    const char *const *added, struct ob_diag *d);

/* Write the header: the input's columns (in may be NULL) then the added
 * names (NULL-terminated), each with the prefix. */
void st_out_header(struct st_out *o, const struct st_reader *in, const char *const *added);

void st_out_fields(struct st_out *o, const char *const *f, size_t n);
void st_out_field(struct st_out *o, const char *s, size_t n);
void st_out_str(struct st_out *o, const char *s);
void st_out_num(struct st_out *o, double v);  /* %.15g; +-Inf as Inf, -Inf */
void st_out_int(struct st_out *o, long long v);
void st_out_none(struct st_out *o);           /* an undefined value: empty */
void st_out_bool(struct st_out *o, bool v);   /* true / false */
void st_out_end(struct st_out *o);            /* ends a row */

/* Copy what is buffered to stdout and flush. OB_EIO if stdout failed. */
ob_err st_out_finish(struct st_out *o);

/* After an error: drop what is buffered; when rows were already streamed,
 * say on stderr that the output is incomplete. */
void st_out_discard(struct st_out *o);

/* ---- words ------------------------------------------------------------ */

/* A flag word in the output's language. */
struct st_word {
	const char *es, *en;
};

const char *st_word(const struct st_common *co, const struct st_word *w);

/* Append word to a "a;b" list of flags in b (a small fixed buffer). */
void st_flag(char *b, size_t size, const struct st_common *co, const struct st_word *w);

/* ---- the subcommands -------------------------------------------------- */

int st_cmd_rate(int argc, char **argv);
int st_cmd_compare(int argc, char **argv);
int st_cmd_trend(int argc, char **argv);
int st_cmd_outbreak(int argc, char **argv);
/* the same with --method farrington, c3, cusum by default */
int st_cmd_farrington(int argc, char **argv);
int st_cmd_ears(int argc, char **argv);
int st_cmd_cusum(int argc, char **argv);
int st_cmd_eb(int argc, char **argv);
int st_cmd_breaks(int argc, char **argv);
int st_cmd_gi(int argc, char **argv);
int st_cmd_moran(int argc, char **argv);
int st_cmd_normalise(int argc, char **argv);
int st_cmd_composite(int argc, char **argv);

/* Print d and return the exit status for it; discards o when not NULL. */
int st_fail(struct st_out *o, const struct ob_diag *d);

#endif
