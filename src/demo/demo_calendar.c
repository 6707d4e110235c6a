/* demo_calendar.c - the demo's calendar: days since 1970-01-01, ISO dates, weekdays. */
#include "demo/demo_impl.h"

/* ------------------------------------------------------------------ */
/* Calendar: days since 1970-01-01, for years 1970..2199.              */

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_len(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Leap years in [1, y]. */
static long leaps_upto(long y)
{
	return y / 4 - y / 100 + y / 400;
}

static long year_start(int y)
{
	return 365L * (y - 1970) + leaps_upto(y - 1) - leaps_upto(1969);
}

long demo_civil_days(int y, int m, int d)
{
	long n = year_start(y);

	for (int i = 1; i < m; i++)
		n += month_len(y, i);
	return n + d - 1;
}

void demo_civil_from(long days, int *y, int *m, int *d)
{
	int yy = 1970 + (int)(days / 366);

	while (year_start(yy + 1) <= days)
		yy++;
	days -= year_start(yy);
	*y = yy;
	for (*m = 1; days >= month_len(yy, *m); (*m)++)
		days -= month_len(yy, *m);
	*d = (int)days + 1;
}

/* "yyyy-mm-dd" (anything after is ignored) to days; false if malformed. */
bool demo_parse_iso(const char *s, long *out)
{
	int v[3] = { 0, 0, 0 }, widths[3] = { 4, 2, 2 };

	if (!s)
		return false;
	for (int f = 0; f < 3; f++) {
		for (int i = 0; i < widths[f]; i++, s++) {
			if (*s < '0' || *s > '9')
				return false;
			v[f] = v[f] * 10 + (*s - '0');
		}
		if (f < 2 && *s++ != '-')
			return false;
	}
	if (v[0] < 1970 || v[0] > 2199 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > month_len(v[0], v[1]))
		return false;
	*out = demo_civil_days(v[0], v[1], v[2]);
	return true;
}

/* 0 = Sunday. 1970-01-01 was a Thursday. */
int demo_weekday(long days)
{
	return (int)((days + 4) % 7);
}
