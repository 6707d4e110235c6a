/* period.c - the period one delivery covers (see period.h). */
#include "ingest/period.h"

static long day_of(int year, int month, int day)
{
	struct ob_date d = { year, month, day, OB_PREC_DAY };

	return ob_date_days(&d);
}

long ob_date_last_day(const struct ob_date *d)
{
	if (d->precision == OB_PREC_DAY)
		return ob_date_days(d);
	if (d->precision == OB_PREC_MONTH)
		return d->month == 12 ? day_of(d->year + 1, 1, 1) - 1
		                      : day_of(d->year, d->month + 1, 1) - 1;
	return day_of(d->year + 1, 1, 1) - 1;
}

bool ob_span_holds(const struct ob_span *p, const struct ob_date *d)
{
	return ob_date_days(d) >= p->from && ob_date_last_day(d) <= p->to;
}

/* "yyyy", "yyyy-mm" or "yyyy-mm-dd" exactly. */
static bool iso_shape(const char *s, size_t n)
{
	if (n != 4 && n != 7 && n != 10)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
			return false;
	return true;
}

/* One end of a period: a year, a quarter, a month or a day. */
static bool parse_one(const char *s, size_t n, struct ob_span *p)
{
	struct ob_date d;
	long long y, q;
	char why[128];

	if (n == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q' || s[5] == 'T' || s[5] == 't') &&
	    ob_parse_int(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) && ob_parse_int(s + 6, 1, 1, 4, &q)) {
		p->from = day_of((int)y, (int)(q - 1) * 3 + 1, 1);
		p->to = (q == 4 ? day_of((int)y + 1, 1, 1) : day_of((int)y, (int)q * 3 + 1, 1)) - 1;
		return true;
	}
	if (!iso_shape(s, n) || ob_date_parse(s, n, OB_DATE_ISO | OB_DATE_PARTIAL, &d, why, sizeof(why)))
		return false;
	p->from = ob_date_days(&d);
	p->to = ob_date_last_day(&d);
	return true;
}

bool ob_span_parse(const char *s, size_t n, struct ob_span *p)
{
	const char *dots = NULL;
	struct ob_span a, b;

	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '.' && s[i + 1] == '.') {
			dots = s + i;
			break;
		}
	if (!dots)
		return parse_one(s, n, p);
	if (!parse_one(s, (size_t)(dots - s), &a) ||
	    !parse_one(dots + 2, n - (size_t)(dots + 2 - s), &b) || a.from > b.to)
		return false;
	p->from = a.from;
	p->to = b.to;
	return true;
}

/* Is day the first of a month, and of which (months since year 0)? */
static bool month_start(long day, long *m)
{
	struct ob_date d;

	ob_date_from_days(day, &d);
	*m = d.year * 12L + d.month - 1;
	return d.day == 1;
}

static bool month_end(long day, long *m)
{
	struct ob_date d;

	ob_date_from_days(day + 1, &d);
	*m = d.year * 12L + d.month - 2; /* the month that ends on day */
	return d.day == 1;
}

void ob_span_label(const struct ob_span *p, char *out, size_t size)
{
	long a, b;
	struct ob_date x, y;

	if (month_start(p->from, &a) && month_end(p->to, &b) && a <= b) {
		int ya = (int)(a / 12), ma = (int)(a % 12) + 1, yb = (int)(b / 12), mb = (int)(b % 12) + 1;
		if (ma == 1 && mb == 12)
			snprintf(out, size, ya == yb ? "%04d" : "%04d..%04d", ya, yb);
		else if (a == b)
			snprintf(out, size, "%04d-%02d", ya, ma);
		else if (ya == yb && b - a == 2 && (ma - 1) % 3 == 0)
			snprintf(out, size, "%04d-Q%d", ya, (ma - 1) / 3 + 1);
		else
			snprintf(out, size, "%04d-%02d..%04d-%02d", ya, ma, yb, mb);
		return;
	}
	ob_date_from_days(p->from, &x);
	ob_date_from_days(p->to, &y);
	snprintf(out, size, "%04d-%02d-%02d..%04d-%02d-%02d", x.year, x.month, x.day, y.year,
	         y.month, y.day);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_sep(char c)
{
	return c == '-' || c == '_' || c == '.' || c == ' ';
}

/*
 * A period at s[i..): a run of 4 or 6 digits (yyyy, yyyymm) standing apart
 * from other digits, the year maybe followed by one of "-_. " and a month
 * (mm), or by a quarter (Qn or Tn, with or without the separator). Sets
 * *end past it.
 */
static bool name_token(const char *s, size_t n, size_t i, struct ob_span *p, size_t *end)
{
	size_t j = i, k;
	long long y, m;
	char buf[16];

	while (j < n && is_digit(s[j]))
		j++;
	if (j - i == 6 && ob_parse_int(s + i, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) &&
	    ob_parse_int(s + i + 4, 2, 1, 12, &m)) {
		snprintf(buf, sizeof(buf), "%04lld-%02lld", y, m);
		*end = j;
		return parse_one(buf, 7, p);
	}
	if (j - i != 4 || !ob_parse_int(s + i, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y))
		return false;
	k = j + (j < n && is_sep(s[j]));
	if (k > j && k + 2 <= n && is_digit(s[k]) && is_digit(s[k + 1]) &&
	    (k + 2 == n || !is_digit(s[k + 2])) && ob_parse_int(s + k, 2, 1, 12, &m)) {
		snprintf(buf, sizeof(buf), "%04lld-%02lld", y, m);
		*end = k + 2;
		return parse_one(buf, 7, p);
	}
	if (k + 2 <= n && (s[k] == 'Q' || s[k] == 'q' || s[k] == 'T' || s[k] == 't') &&
	    s[k + 1] >= '1' && s[k + 1] <= '4' && (k + 2 == n || !is_digit(s[k + 2]))) {
		snprintf(buf, sizeof(buf), "%04lld-Q%c", y, s[k + 1]);
		*end = k + 2;
		return parse_one(buf, 7, p);
	}
	*end = j;
	snprintf(buf, sizeof(buf), "%04lld", y);
	return parse_one(buf, 4, p);
}

bool ob_span_from_name(const char *path, struct ob_span *p)
{
	const char *base = strrchr(path, '/'), *dot;
	struct ob_span found[2];
	size_t n, nfound = 0, i = 0;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	while (i < n) {
		size_t end;
		struct ob_span s;

		if (!is_digit(base[i]) || (i > 0 && is_digit(base[i - 1]))) {
			i++;
			continue;
		}
		if (!name_token(base, n, i, &s, &end)) {
			while (i < n && is_digit(base[i]))
				i++;
			continue;
		}
		if (nfound == 2)
			return false;
		found[nfound++] = s;
		i = end;
	}
	if (nfound == 1) {
		*p = found[0];
		return true;
	}
	if (nfound == 2 && found[0].from <= found[1].to) {
		p->from = found[0].from;
		p->to = found[1].to;
		return true;
	}
	return false;
}

void ob_date_counts_add(struct ob_date_counts *c, const struct ob_date *d)
{
	int y = d->year - OB_MIN_YEAR;

	if (y < 0 || y > OB_MAX_YEAR - OB_MIN_YEAR)
		return;
	if (d->precision == OB_PREC_YEAR)
		c->year_only[y]++;
	else
		c->month[y * 12 + d->month - 1]++;
	c->total++;
}

long long ob_date_counts_in(const struct ob_date_counts *c, const struct ob_span *p)
{
	long long n = 0;

	for (int y = 0; y <= OB_MAX_YEAR - OB_MIN_YEAR; y++) {
		long first = day_of(y + OB_MIN_YEAR, 1, 1), last = day_of(y + OB_MIN_YEAR + 1, 1, 1) - 1;
		if (last < p->from || first > p->to)
			continue;
		if (first >= p->from && last <= p->to)
			n += c->year_only[y];
		for (int m = 0; m < 12; m++) {
			struct ob_date d = { y + OB_MIN_YEAR, m + 1, 0, OB_PREC_MONTH };
			if (c->month[y * 12 + m] && ob_span_holds(p, &d))
				n += c->month[y * 12 + m];
		}
	}
	return n;
}

bool ob_date_counts_choose(const struct ob_date_counts *c, enum ob_span_unit unit,
                           struct ob_span *out, enum ob_span_unit *unit_used,
                           long long *held)
{
	if (!c->total)
		return false;
	for (int u = unit; u <= OB_SPAN_YEAR; u++) {
		int per_year = u == OB_SPAN_MONTH ? 12 : u == OB_SPAN_QUARTER ? 4 : 1;
		int len = 12 / per_year;
		long long best = -1;
		int by = 0, bk = 0;

		for (int y = 0; y <= OB_MAX_YEAR - OB_MIN_YEAR; y++)
			for (int k = 0; k < per_year; k++) {
				long long n = u == OB_SPAN_YEAR ? c->year_only[y] : 0;
				for (int m = k * len; m < (k + 1) * len; m++)
					n += c->month[y * 12 + m];
				if (n && n >= best) { /* the latest on a tie */
					best = n;
					by = y;
					bk = k;
				}
			}
		if (best * 2 > c->total) {
			int year = by + OB_MIN_YEAR, m0 = bk * len + 1;
			out->from = day_of(year, m0, 1);
			out->to = (m0 + len > 12 ? day_of(year + 1, 1, 1) : day_of(year, m0 + len, 1)) - 1;
			*unit_used = (enum ob_span_unit)u;
			*held = best;
			return true;
		}
	}
	return false;
}

const char *ob_span_unit_es(enum ob_span_unit u)
{
	return u == OB_SPAN_MONTH ? "el mes" : u == OB_SPAN_QUARTER ? "el trimestre" : "el año";
}
