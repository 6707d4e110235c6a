/*
 * freexl_lib.h - freexl, loaded the first time a legacy workbook (.xls) is read
 * instead of when observa starts.
 *
 * Only io/xls.c reads .xls; it includes this header and calls through
 * the table ob_freexl() gives, filled by ob_freexl_load() before a
 * workbook is opened.
 *
 * The table holds a pointer of each function's own type, from the
 * library's header, so a call through it is checked as a direct call is
 * (base/dynlib.h). Every function io/xls.c calls is listed below and
 * redefined as a call through the table: a function missing from the list
 * is a link error, not a silent direct call.
 */
#ifndef OB_IO_FREEXL_LIB_H
#define OB_IO_FREEXL_LIB_H

#include "base/common.h"

#include <freexl.h>

/* X(library, function): every function called. */
#define OB_FREEXL_FUNCS(X) \
	X(freexl, freexl_close)                          \
	X(freexl, freexl_get_cell_value)                 \
	X(freexl, freexl_get_info)                       \
	X(freexl, freexl_get_worksheet_name)             \
	X(freexl, freexl_open)                           \
	X(freexl, freexl_select_active_worksheet)        \
	X(freexl, freexl_worksheet_dimensions)

struct ob_freexl_lib {
#define OB_LIB_MEMBER(lib, fn) __typeof__(&fn) fn;
	OB_FREEXL_FUNCS(OB_LIB_MEMBER)
#undef OB_LIB_MEMBER
};

/* Load the library and its functions, once (thread-safe); OB_ENOENT with
 * d saying what is missing and which package gives it. */
ob_err ob_freexl_load(struct ob_diag *d);

/* The table; only after ob_freexl_load() succeeded. */
const struct ob_freexl_lib *ob_freexl(void);

/* The calls of the files that include this header go through the table
 * (all but the loader's own, which names the functions). */
#ifndef OB_FREEXL_LIB_IMPL
#define freexl_close (ob_freexl()->freexl_close)
#define freexl_get_cell_value (ob_freexl()->freexl_get_cell_value)
#define freexl_get_info (ob_freexl()->freexl_get_info)
#define freexl_get_worksheet_name (ob_freexl()->freexl_get_worksheet_name)
#define freexl_open (ob_freexl()->freexl_open)
#define freexl_select_active_worksheet (ob_freexl()->freexl_select_active_worksheet)
#define freexl_worksheet_dimensions (ob_freexl()->freexl_worksheet_dimensions)
#endif

#endif
