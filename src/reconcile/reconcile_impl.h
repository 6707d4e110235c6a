/*
 * reconcile_impl.h - what the parts of reconciliation share: reconcile.c
 * (settings, which records are deaths, a run's records), reconcile_link.c
 * (decisions and the linkage of records into deaths) and reconcile_ledger.c
 * (deaths, the ledger, the counts). Internal to src/reconcile.
 */
#ifndef OB_RECONCILE_IMPL_H
#define OB_RECONCILE_IMPL_H

#include "reconcile/reconcile.h"

#include <math.h>

#include "base/file.h"
#include "base/log.h"
#include "io/ini.h"
#include "link/compare.h"
#include "store/reconcile.h"

/* A record's text for attribute a: date, territory, codes, time; NULL for
 * the age (an integer: r->age) and for a value the record lacks. Points
 * into r. */
const char *rc_attr_text(const struct ob_reconcile_record *r, enum ob_reconcile_attr a);


#endif
