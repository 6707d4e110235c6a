/*
 * number.h - numbers in the cells of "observa stats" input, read a whole
 * column at a time: whether '.' and ',' are decimal marks or thousands
 * separators is decided from all the values of the column, never from one
 * value alone. docs/commands/stats.md ("Números") states the same rule for
 * users; tests/unit/stats/test_number.c checks every case of it.
 *
 * Two conventions:
 *   point  '.' decimal mark, ',' thousands separator  (12.5, 1,234.5)
 *   comma  ',' decimal mark, '.' thousands separator  (12,5, 1.234,5)
 * Under a convention with decimal mark D and thousands separator G a number
 * is, blanks around it aside (at most OB_MAX_NUMBER_CHARS characters):
 *   [+|-] INT [D [DIGITS]] [EXP]  or  [+|-] D DIGITS [EXP]
 *   INT = DIGITS, or a group of 1 to 3 digits not starting with 0 followed
 *         by one or more of G and exactly 3 digits (1,234,567)
 *   EXP = (e|E) [+|-] DIGITS, never together with G
 * Nothing else: no spaces inside, no currency, no "Inf" or "NaN".
 *
 * Each cell is read under both conventions and falls in one class:
 *   PLAIN      no separator (12, -3, 1e-05): the same under both
 *   POINT      a number only under point (12.5, 0.125, 1234.567, 1,234.5,
 *              1,234,567, 1.5e3)
 *   COMMA      a number only under comma (12,5, 1.234.567, 1.234,5)
 *   AMBIGUOUS  a number under both, with values a thousand times apart:
 *              one separator followed by exactly three digits after a group
 *              of 1 to 3 digits not starting with 0 (52.000, 12.152, 1,500)
 *   INVALID    a number under neither
 *
 * A column's convention: point when some cell is POINT, comma when some cell
 * is COMMA; a column with cells of both is refused (it mixes conventions).
 * Its AMBIGUOUS cells are read under that convention (12.152 beside 8.5 is
 * 12.152; 52.000 beside 1.234.567 is 52000). A column with AMBIGUOUS cells
 * and no POINT or COMMA cell is refused at the first ambiguous cell, unless
 * the user gave the convention (--decimal-mark), which then also refuses a
 * cell of the other one.
 *
 * Pure functions on caller-owned memory; errors fill an ob_diag with file,
 * line, column, the value and the rule.
 */
#ifndef OB_CLI_STATS_NUMBER_H
#define OB_CLI_STATS_NUMBER_H

#include "base/common.h"

/* What a numeric cell must hold. */
enum st_kind {
	ST_REAL,     /* a finite number */
	ST_NONNEG,   /* a finite number >= 0 (counts, populations) */
	ST_WHOLE,    /* a whole number >= 0 (counts of the exact tests) */
	ST_POSITIVE, /* a finite number > 0 */
	ST_KINDS,
};

enum st_numclass {
	ST_NUM_INVALID,
	ST_NUM_PLAIN,
	ST_NUM_POINT,
	ST_NUM_COMMA,
	ST_NUM_AMBIGUOUS,
};

/*
 * Class of cell s[0..n); *point and *comma (each optional) receive its value
 * under each convention where it is a number.
 */
enum st_numclass st_num_classify(const char *s, size_t n, double *point, double *comma);

/* s[0..n) under the convention whose decimal mark is mark ('.' or ','). */
bool st_num_read(const char *s, size_t n, char mark, double *out);

/* The decimal mark of one column, learnt from its cells. */
struct st_numcol {
	const char *file, *name; /* for messages: the file, the column's name */
	size_t col;              /* 0-based */
	char mark;               /* '.' or ','; 0 while undecided */
	bool given;              /* mark came from the user */
	long line;               /* line of the cell that decided it */
	char cell[OB_MAX_NUMBER_CHARS + 1]; /* that cell */
};

/* Start column col (called name) of file; mark is the convention the user
 * gave ('.' or ','), or 0 to learn it. The strings must outlive c. */
void st_numcol_init(struct st_numcol *c, const char *file, size_t col, const char *name,
                    char mark);

/*
 * Learn from the cell s[0..n) on line `line`. OB_EINVAL (d filled) when it
 * contradicts the convention already known; INVALID, PLAIN and AMBIGUOUS
 * cells teach nothing and are accepted here.
 */
ob_err st_numcol_learn(struct st_numcol *c, long line, const char *s, size_t n,
                       struct ob_diag *d);

/* False when s[0..n) is AMBIGUOUS and c is still undecided. */
bool st_numcol_ready(const struct st_numcol *c, const char *s, size_t n);

/*
 * Read cell s[0..n) on line `line` as kind, under the column's convention.
 * OB_EINVAL with d filled: an empty cell, not a number, not of kind, or
 * AMBIGUOUS in an undecided column (the message states the rule).
 */
ob_err st_numcol_parse(const struct st_numcol *c, long line, const char *s, size_t n,
                       enum st_kind kind, double *out, struct ob_diag *d);

#endif
