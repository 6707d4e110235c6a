/*
 * date.h - dates as institutions write them.
 *
 * Parses dd/mm/yyyy (also with '-' or '.', one-digit day/month, two-digit
 * years refused as ambiguous), yyyy-mm-dd (ISO, also yyyy/mm/dd and
 * yyyymmdd), either optionally followed by a time "T..." or " hh:mm[:ss]"
 * (spreadsheets write "15/03/2020 12:00:00 a. m.") which is ignored here,
 * Excel serial day numbers (1900 system, with Excel's fictitious
 * 1900-02-29; accepted in the range 1..73050 only when allowed, a fraction
 * for the time of day ignored), and partial dates: "mm/yyyy", "yyyy-mm"
 * (month precision) and "yyyy" (year precision). Month names in Spanish
 * ("marzo 2020", "15 de marzo de 2020", abbreviated "mar-2020", "setiembre")
 * are accepted, and English abbreviations ("15-Apr-2020"); a day with a
 * month name needs one of DMY, MDY or ISO, a month name without a day needs
 * PARTIAL.
 *
 * A date is a value type; nothing here allocates.
 */
#ifndef OB_DATE_H
#define OB_DATE_H

#include "base/common.h"

enum ob_precision {
	OB_PREC_NONE = 0,
	OB_PREC_DAY,
	OB_PREC_MONTH,
	OB_PREC_YEAR,
};

struct ob_date {
	int year;  /* OB_MIN_YEAR..OB_MAX_YEAR */
	int month; /* 1..12, or 0 at year precision */
	int day;   /* 1..31, or 0 at month/year precision */
	enum ob_precision precision;
};

/* Which forms a source allows (bit flags; OB_DATE_ANY allows all). */
enum {
	OB_DATE_DMY = 1 << 0,    /* dd/mm/yyyy */
	OB_DATE_ISO = 1 << 1,    /* yyyy-mm-dd */
	OB_DATE_EXCEL = 1 << 2,  /* serial day numbers */
	OB_DATE_PARTIAL = 1 << 3,/* month or year precision */
	OB_DATE_MDY = 1 << 4,    /* mm/dd/yyyy (instead of DMY; never both) */
	OB_DATE_ANY = OB_DATE_DMY | OB_DATE_ISO | OB_DATE_EXCEL | OB_DATE_PARTIAL,
};

/*
 * Parse s[0..n) (blanks trimmed) under the allowed forms. Returns OB_OK,
 * or OB_EPARSE with why[] set to a short Spanish reason ("día 31 no existe
 * en abril", "formato no reconocido; se esperaba dd/mm/aaaa"...), or
 * OB_EINVAL when forms holds both DMY and MDY. why may be NULL; on
 * success it is set to "".
 */
ob_err ob_date_parse(const char *s, size_t n, unsigned forms, struct ob_date *out,
                     char *why, size_t why_size);

/* Write "yyyy-mm-dd", "yyyy-mm" or "yyyy" per precision into out (>= 11). */
void ob_date_format(const struct ob_date *d, char *out, size_t size);

/* Days since 1970-01-01 of a day-precision date (proleptic Gregorian);
 * for partial dates, of their first day. */
long ob_date_days(const struct ob_date *d);

/* The inverse of ob_date_days. */
void ob_date_from_days(long days, struct ob_date *out);

/* Compare two dates by their first day: <0, 0, >0. */
int ob_date_cmp(const struct ob_date *a, const struct ob_date *b);

/* True if y-m-d is a real calendar day. */
bool ob_date_valid(int y, int m, int d);

#endif
