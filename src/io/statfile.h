/*
 * statfile.h - microdata files of statistical packages as a table of texts:
 * SPSS (.sav, .zsav, .por) and Stata (.dta), read with ReadStat.
 *
 * A survey office ships its microdata as an SPSS or Stata file, with each
 * variable's label and the labels of its codes ("1 Norte", "2 Sur"). This
 * module reads such a file whole into the shape "observa stats" and
 * "observa survey" read a CSV in: a header of variable names and one row of
 * texts per case, so that the same estimate comes out of the same data
 * whatever the format.
 *
 * Cells are the values as text:
 *   numbers   the shortest text that reads back as the same double (12,
 *             0.1, 1.5e-07); a Stata float is its exact value as a double,
 *             as R's haven reads it;
 *   strings   as stored, converted to UTF-8 from the file's encoding;
 *   missing   the empty text: system-missing, SPSS user-defined missing
 *             values and ranges, Stata's . and .a to .z (the case is left
 *             out of what uses the variable, as an empty CSV cell is).
 * The value labels of a variable are kept with their codes written the same
 * way, so that a code and its label can be compared as texts.
 *
 * Ownership: an ob_statfile owns everything it points to; release it with
 * ob_statfile_release(); ob_statfile_drop_cells() frees the cells of a
 * caller that has copied them.
 */
#ifndef OB_IO_STATFILE_H
#define OB_IO_STATFILE_H

#include "base/buf.h"
#include "base/common.h"

/* A code of a variable and its label. */
struct ob_statfile_label {
	const char *value;          /* as the cells write it */
	const char *label;
};

struct ob_statfile_var {
	const char *name;
	const char *label;          /* the variable's label, "" when none */
	bool numeric;
	size_t nlabels;             /* its value labels (0: none) */
	const struct ob_statfile_label *labels;
};

struct ob_statfile {
	const char *format;         /* "SPSS" or "Stata" */
	size_t nvars;
	struct ob_statfile_var *vars;
	size_t nrows;
	struct ob_buf cells;        /* row after row, nvars NUL-terminated texts */
	size_t *off;                /* [row] offset in cells of its first text */
	/* private */
	struct ob_buf meta;         /* names and labels (offsets until loaded) */
	struct statfile_set *sets;
	size_t nsets, setcap;
	size_t cap;                 /* of off */
};

/* Whether path names a file this module reads (by its extension, in any
 * case: .sav, .zsav, .por, .dta). */
bool ob_statfile_is(const char *path);

/*
 * Read path whole. Its cells may take at most max_cells bytes (OB_ETOOBIG
 * beyond, naming the case reached). Errors name the file: OB_ENOENT when
 * ReadStat (libreadstat1) is not installed, OB_EIO or OB_EPARSE with
 * ReadStat's reason for a file it cannot read, OB_ETOOBIG past
 * OB_MAX_STATFILE_VARS variables or OB_MAX_STATFILE_META bytes of names
 * and labels. On error f is released.
 */
ob_err ob_statfile_load(struct ob_statfile *f, const char *path, size_t max_cells,
                        struct ob_diag *d);

/* Free f's cells (nrows becomes 0); f keeps its variables and labels. */
void ob_statfile_drop_cells(struct ob_statfile *f);

void ob_statfile_release(struct ob_statfile *f);

#endif
