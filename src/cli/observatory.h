/*
 * observatory.h - making a new observatory, shared by "observa init" and
 * "observa demo".
 *
 * ob_observatory_create() makes DIR (if needed), a new store in it at the
 * current schema stamped with its creation time and program version, writes
 * the default catalogue files into DIR/catalog (never overwriting one) and
 * loads them into the store. It refuses (OB_EEXISTS) a directory that
 * already holds a store. When summary is not NULL, what was loaded per
 * country and the notice about estimated populations are printed to it.
 * Nothing is left open: callers reopen the store with ob_store_open().
 */
#ifndef OB_OBSERVATORY_H
#define OB_OBSERVATORY_H

#include "base/common.h"

ob_err ob_observatory_create(const char *dir, FILE *summary, struct ob_diag *d);

/* The same with the store in the PostgreSQL database at url
 * (ob_store_create_url()), or in DIR/observa.db when url is NULL. */
ob_err ob_observatory_create_in(const char *dir, const char *url, FILE *summary,
                                struct ob_diag *d);

#endif
