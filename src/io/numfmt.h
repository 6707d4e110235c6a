/*
 * numfmt.h - a spreadsheet number as its cell's format displays it.
 *
 * A spreadsheet stores numbers (dates are day numbers) and a format code
 * per cell; the people who save it as CSV get the displayed text. These
 * functions give that text, so a workbook and its "save as CSV" read the
 * same:
 *   General        the shortest text that reads back as the same double,
 *                  integers without ".0" (12, 0.1, 1.5E-07 as 1.5e-07);
 *   dates, times   the codes d dd ddd dddd m mm mmm mmmm yy yyyy h hh m mm
 *                  (minutes after h or before s) s ss AM/PM A/P [h] [m]
 *                  [s] and ".0" after seconds, with literal text ("..." and
 *                  \c), [$-...] locale tags and [Red] colours skipped; the
 *                  1900 day numbers with Excel's fictitious 1900-02-29
 *                  (day 60), or the 1904 ones; English month and day names;
 *   numbers        0 # placeholders (00000 pads with zeros), a decimal
 *                  point, thousands commas and a trailing %;
 *   anything else  (fractions, scientific formats, text sections): General.
 * Only the first section of a code ("pos;neg;zero;text") is used, except
 * that a negative number under a number format takes the second section
 * when there is one, without its sign.
 *
 * Built-in format ids (ECMA-376 18.8.30) map to codes with
 * ob_numfmt_builtin(); id 14, which Excel shows in the short date of the
 * computer's locale, is read as m/d/yyyy (Excel's en-US).
 *
 * Nothing here allocates; out is always NUL-terminated.
 */
#ifndef OB_IO_NUMFMT_H
#define OB_IO_NUMFMT_H

#include "base/common.h"

/* Longest displayed text of one number. */
#define OB_NUMFMT_OUT 128

/* The code of a built-in format id, or NULL when the id is not built in
 * (then: General). */
const char *ob_numfmt_builtin(int id);

/* Whether code displays a date or a time. */
bool ob_numfmt_is_date(const char *code);

/* v as code displays it (code NULL or "General": General). date1904: the
 * workbook counts days from 1904. */
void ob_numfmt_format(double v, const char *code, bool date1904, char *out, size_t size);

/* v in General format. */
void ob_numfmt_general(double v, char *out, size_t size);

#endif
