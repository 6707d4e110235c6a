/*
 * cliutil.h - what subcommands share: the -d DIR option, opening the store
 * with a printed diagnostic, and printing an ob_diag.
 */
#ifndef OB_CLIUTIL_H
#define OB_CLIUTIL_H

#include "base/common.h"
#include "io/csvw.h"
#include "store/store.h"

/* Print d as "observa: error: file:line:col: message (valor «...»)". */
void ob_cli_diag(const struct ob_diag *d);

/* Open the observatory in dir; on failure prints why and returns NULL. */
struct ob_store *ob_cli_open(const char *dir, enum ob_store_mode mode);

/* Exit status for an error code (see builtin.h). */
int ob_cli_status(ob_err e);

/* Write column i of a result row as one CSV cell: integers and reals as
 * numbers, text through the formula guard (io/csvw.h), NULL empty. */
void ob_cli_csv_column(struct ob_csvw *w, sqlite3_stmt *st, int i);

#endif
