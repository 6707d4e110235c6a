/* numfmt.c - spreadsheet numbers as their format codes display them
 * (numfmt.h): General, dates and times, zero-padded and decimal numbers. */
#include "io/numfmt.h"

#include "io/date.h"

#include <math.h>
#include <strings.h>

/* Days from 1899-12-30 (Excel's day 0, after its 1900-02-29) and from
 * 1904-01-01 to 1970-01-01. */
#define DAYS_1900 25569L
#define DAYS_1904 24107L

/* Most tokens of one date or number format section. */
#define MAX_TOKENS 64

const char *ob_numfmt_builtin(int id)
{
	switch (id) {
	case 0: return "General";
	case 1: return "0";
	case 2: return "0.00";
	case 3: return "#,##0";
	case 4: return "#,##0.00";
	case 9: return "0%";
	case 10: return "0.00%";
	case 11: return "0.00E+00";
	case 12: return "# ?/?";
	case 13: return "# ?\?/??";
	case 14: return "m/d/yyyy";
	case 15: return "d-mmm-yy";
	case 16: return "d-mmm";
	case 17: return "mmm-yy";
	case 18: return "h:mm AM/PM";
	case 19: return "h:mm:ss AM/PM";
	case 20: return "h:mm";
	case 21: return "h:mm:ss";
	case 22: return "m/d/yyyy h:mm";
	case 37: return "#,##0 ;(#,##0)";
	case 38: return "#,##0 ;[Red](#,##0)";
	case 39: return "#,##0.00;(#,##0.00)";
	case 40: return "#,##0.00;[Red](#,##0.00)";
	case 45: return "mm:ss";
	case 46: return "[h]:mm:ss";
	case 47: return "mmss.0";
	case 48: return "##0.0E+0";
	case 49: return "@";
	default: return NULL;
	}
}

/* ---- output ----------------------------------------------------------- */

struct out {
	char *p;
	size_t size, len;
};

static void put(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && o->len + 1 < o->size; i++)
		o->p[o->len++] = s[i];
	o->p[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putnum(struct out *o, long long v, int width)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%0*lld", width, v);
	put(o, tmp, n > 0 ? (size_t)n : 0);
}

/* ---- General ---------------------------------------------------------- */

void ob_numfmt_general(double v, char *out, size_t size)
{
	if (!size)
		return;
	if (!isfinite(v)) {
		snprintf(out, size, "#NUM!");
		return;
	}
	if (v == 0) {
		snprintf(out, size, "0");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(out, size, "%.0f", v);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, size, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

/* ---- sections and tokens ---------------------------------------------- */

enum tok_kind {
	T_LIT,      /* literal text: s[0..n) of the code (or one char) */
	T_YEAR,     /* n: 2 or 4 */
	T_MONTH,    /* n: 1..5 (m mm mmm mmmm mmmmm); may become minutes */
	T_DAY,      /* n: 1..4 */
	T_HOUR,     /* n: 1 or 2 */
	T_MIN,      /* n: 1 or 2 */
	T_SEC,      /* n: 1 or 2 */
	T_FRAC,     /* n: decimal digits of the seconds */
	T_AMPM,     /* n: 1 = A/P, 2 = AM/PM */
	T_ELAPSED,  /* [h] [m] [s]: c is h, m or s; n its width */
};

struct tok {
	enum tok_kind kind;
	const char *s;
	size_t n;
	char c;
};

/* The section of code that applies: the first, or with neg the second
 * when there is one (*has is set then). Quotes, escapes and brackets are
 * respected. */
static void section(const char *code, bool neg, const char **s, size_t *n, bool *has)
{
	const char *p = code, *start[2] = { code, NULL };
	size_t len[2] = { 0, 0 };
	int idx = 0;

	for (;;) {
		if (*p == '"') {
			p++;
			while (*p && *p != '"')
				p++;
			if (*p)
				p++;
		} else if (*p == '\\' && p[1]) {
			p += 2;
		} else if (*p == '[') {
			while (*p && *p != ']')
				p++;
			if (*p)
				p++;
		} else if (*p == ';' || !*p) {
			len[idx] = (size_t)(p - start[idx]);
			if (!*p || idx == 1)
				break;
			start[++idx] = ++p;
		} else {
			p++;
		}
	}
	*has = neg && start[1];
	*s = *has ? start[1] : start[0];
	*n = *has ? len[1] : len[0];
}

static size_t run(const char *s, size_t n, size_t i, char c)
{
	size_t k = i;

	while (k < n && (s[k] | 0x20) == c)
		k++;
	return k - i;
}

/* Tokens of a date section; false when it holds no date or time code. */
static bool date_tokens(const char *s, size_t n, struct tok *t, size_t *nt)
{
	size_t k = 0, i = 0;
	bool any = false;

	while (i < n && k < MAX_TOKENS) {
		char c = s[i], lc = (char)(c | 0x20);
		struct tok *x = &t[k];

		x->s = s + i;
		x->n = 1;
		x->kind = T_LIT;
		if (c == '"') {
			size_t j = i + 1;
			while (j < n && s[j] != '"')
				j++;
			x->s = s + i + 1;
			x->n = j - i - 1;
			i = j < n ? j + 1 : j;
		} else if (c == '\\' && i + 1 < n) {
			x->s = s + i + 1;
			i += 2;
		} else if (c == '_' && i + 1 < n) {
			x->s = " ";
			i += 2;
		} else if (c == '*' && i + 1 < n) {
			i += 2;
			continue;
		} else if (c == '[') {
			size_t j = i + 1, m;
			while (j < n && s[j] != ']')
				j++;
			m = j - i - 1;
			if (m && (s[i + 1] | 0x20) != '$' && run(s, j, i + 1, (char)(s[i + 1] | 0x20)) == m &&
			    strchr("hms", s[i + 1] | 0x20)) {
				x->kind = T_ELAPSED;
				x->c = (char)(s[i + 1] | 0x20);
				x->n = m;
				any = true;
			} else {
				i = j < n ? j + 1 : j; /* colour, locale, condition */
				continue;
			}
			i = j < n ? j + 1 : j;
		} else if (lc == 'y') {
			x->kind = T_YEAR;
			x->n = run(s, n, i, 'y') <= 2 ? 2 : 4;
			i += run(s, n, i, 'y');
			any = true;
		} else if (lc == 'm') {
			x->kind = T_MONTH;
			x->n = run(s, n, i, 'm');
			i += x->n;
			if (x->n > 5)
				x->n = 4;
			any = true;
		} else if (lc == 'd') {
			x->kind = T_DAY;
			x->n = run(s, n, i, 'd');
			i += x->n;
			if (x->n > 4)
				x->n = 4;
			any = true;
		} else if (lc == 'h') {
			x->kind = T_HOUR;
			x->n = run(s, n, i, 'h') >= 2 ? 2 : 1;
			i += run(s, n, i, 'h');
			any = true;
		} else if (lc == 's') {
			x->kind = T_SEC;
			x->n = run(s, n, i, 's') >= 2 ? 2 : 1;
			i += run(s, n, i, 's');
			any = true;
		} else if (lc == 'a' && i + 5 <= n && !strncasecmp(s + i, "am/pm", 5)) {
			x->kind = T_AMPM;
			x->n = 2;
			x->s = s + i;
			i += 5;
		} else if (lc == 'a' && i + 3 <= n && !strncasecmp(s + i, "a/p", 3)) {
			x->kind = T_AMPM;
			x->n = 1;
			x->s = s + i;
			i += 3;
		} else if (c == '.' && i + 1 < n && s[i + 1] == '0' && k &&
		           (t[k - 1].kind == T_SEC ||
		            (t[k - 1].kind == T_ELAPSED && t[k - 1].c == 's'))) {
			x->kind = T_FRAC;
			x->n = run(s, n, i + 1, '0');
			i += 1 + x->n;
			if (x->n > 3)
				x->n = 3;
		} else {
			i++;
		}
		k++;
	}
	/* m or mm is minutes right after hours or right before seconds
	 * (literals between them do not count) */
	for (size_t j = 0; j < k; j++) {
		if (t[j].kind != T_MONTH || t[j].n > 2)
			continue;
		for (size_t b = j; b-- > 0;) {
			if (t[b].kind == T_LIT)
				continue;
			if (t[b].kind == T_HOUR || (t[b].kind == T_ELAPSED && t[b].c == 'h'))
				t[j].kind = T_MIN;
			break;
		}
		for (size_t a = j + 1; t[j].kind == T_MONTH && a < k; a++) {
			if (t[a].kind == T_LIT)
				continue;
			if (t[a].kind == T_SEC || (t[a].kind == T_ELAPSED && t[a].c == 's'))
				t[j].kind = T_MIN;
			break;
		}
	}
	*nt = k;
	return any;
}

bool ob_numfmt_is_date(const char *code)
{
	struct tok t[MAX_TOKENS];
	const char *s;
	size_t n, nt;
	bool has;

	if (!code || !strcasecmp(code, "General"))
		return false;
	section(code, false, &s, &n, &has);
	return date_tokens(s, n, t, &nt);
}

/* ---- dates ------------------------------------------------------------ */

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};
static const char *const day_names[] = {
	"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday",
};

static void format_date(double v, const struct tok *t, size_t nt, bool date1904,
                        struct out *o)
{
	int fracdig = 0;
	double scale;
	long long total, day, secs;
	long unix_days = 0;
	int y, mo, d, hh, mi, ss, frac = 0;
	bool ampm = false, weekday_ok = true;

	for (size_t i = 0; i < nt; i++) {
		if (t[i].kind == T_FRAC && (int)t[i].n > fracdig)
			fracdig = (int)t[i].n;
		if (t[i].kind == T_AMPM)
			ampm = true;
	}
	scale = 86400.0 * (fracdig == 3 ? 1000 : fracdig == 2 ? 100 : fracdig == 1 ? 10 : 1);
	total = llround(v * scale);
	day = total / (long long)scale;
	secs = total % (long long)scale;
	frac = (int)(secs % (long long)(scale / 86400.0));
	secs /= (long long)(scale / 86400.0);
	if (date1904) {
		struct ob_date dt;
		unix_days = (long)day - DAYS_1904;
		ob_date_from_days(unix_days, &dt);
		y = dt.year, mo = dt.month, d = dt.day;
	} else if (day == 0) {
		y = 1900, mo = 1, d = 0; /* Excel shows day 0 as 1900-01-00 */
		weekday_ok = false;
	} else if (day == 60) {
		y = 1900, mo = 2, d = 29; /* Excel's fictitious leap day */
		weekday_ok = false;
	} else {
		struct ob_date dt;
		unix_days = (long)day - (day < 60 ? DAYS_1900 - 1 : DAYS_1900);
		ob_date_from_days(unix_days, &dt);
		y = dt.year, mo = dt.month, d = dt.day;
	}
	hh = (int)(secs / 3600);
	mi = (int)(secs / 60 % 60);
	ss = (int)(secs % 60);
	for (size_t i = 0; i < nt; i++) {
		const struct tok *x = &t[i];
		switch (x->kind) {
		case T_LIT:
			put(o, x->s, x->n);
			break;
		case T_YEAR:
			if (x->n == 2)
				putnum(o, y % 100, 2);
			else
				putnum(o, y, 4);
			break;
		case T_MONTH:
			if (x->n <= 2)
				putnum(o, mo, (int)x->n);
			else if (x->n == 3)
				put(o, month_names[mo - 1], 3);
			else if (x->n == 5)
				put(o, month_names[mo - 1], 1);
			else
				puts_(o, month_names[mo - 1]);
			break;
		case T_DAY: {
			long w = ((unix_days % 7) + 7) % 7;
			if (x->n <= 2)
				putnum(o, d, (int)x->n);
			else if (!weekday_ok)
				puts_(o, x->n == 3 ? "Tue" : "Tuesday"); /* 1900-02-29 in Excel */
			else if (x->n == 3)
				put(o, day_names[w], 3);
			else
				puts_(o, day_names[w]);
			break;
		}
		case T_HOUR: {
			int h = hh;
			if (ampm) {
				h = hh % 12;
				if (!h)
					h = 12;
			}
			putnum(o, h, (int)x->n);
			break;
		}
		case T_MIN:
			putnum(o, mi, (int)x->n);
			break;
		case T_SEC:
			putnum(o, ss, (int)x->n);
			break;
		case T_FRAC: {
			int f = frac;
			for (int k = fracdig; k > (int)x->n; k--)
				f /= 10;
			puts_(o, ".");
			putnum(o, f, (int)x->n);
			break;
		}
		case T_AMPM:
			if (x->n == 2)
				puts_(o, hh < 12 ? "AM" : "PM");
			else
				puts_(o, hh < 12 ? "A" : "P");
			break;
		case T_ELAPSED: {
			long long e = x->c == 'h' ? (day * 86400 + secs) / 3600
			            : x->c == 'm' ? (day * 86400 + secs) / 60
			                          : day * 86400 + secs;
			putnum(o, e, (int)x->n);
			break;
		}
		}
	}
}

/* ---- numbers ---------------------------------------------------------- */

/*
 * Format v under a number section s[0..n): literal text before and after
 * the placeholders, 0 # in the integer part (with commas: thousands),
 * a point and 0 # decimals, %. False when the section holds anything
 * else (then General).
 */
static bool format_number(double v, const char *s, size_t n, struct out *o)
{
	char pre[64], post[64], digits[OB_NUMFMT_OUT];
	size_t npre = 0, npost = 0, i = 0;
	int minint = 0, mindec = 0, maxdec = 0, len;
	bool grouping = false, point = false, seen = false, percent = false, ended = false;
	const char *ip;

	for (; i < n; i++) {
		char c = s[i];
		char *lit = seen ? post : pre;
		size_t *nl = seen ? &npost : &npre;
		const char *add = NULL;
		size_t addn = 0;

		if (c == '0' || c == '#') {
			if (ended)
				return false;
			seen = true;
			if (point) {
				maxdec++;
				if (c == '0')
					mindec = maxdec;
			} else if (c == '0') {
				minint++;
			}
			continue;
		}
		if (c == ',' && seen && !point && !ended && i + 1 < n &&
		    (s[i + 1] == '0' || s[i + 1] == '#')) {
			grouping = true;
			continue;
		}
		if (c == '.' && !point && !ended && i + 1 < n &&
		    (s[i + 1] == '0' || s[i + 1] == '#' || seen)) {
			point = true;
			seen = true;
			continue;
		}
		if (strchr("?/Ee@", c))
			return false;
		if (seen)
			ended = true;
		if (c == '%') {
			percent = true;
			add = "%";
			addn = 1;
		} else if (c == '"') {
			size_t j = i + 1;
			while (j < n && s[j] != '"')
				j++;
			add = s + i + 1;
			addn = j - i - 1;
			i = j;
		} else if (c == '\\' && i + 1 < n) {
			add = s + ++i;
			addn = 1;
		} else if (c == '_' && i + 1 < n) {
			add = " ";
			addn = 1;
			i++;
		} else if (c == '*' && i + 1 < n) {
			i++;
		} else if (c == '[') {
			while (i < n && s[i] != ']')
				i++;
		} else {
			add = s + i;
			addn = 1;
		}
		if (add && *nl + addn < 64) {
			memcpy(lit + *nl, add, addn);
			*nl += addn;
		}
	}
	if (!seen)
		return false;
	if (percent)
		v *= 100;
	len = snprintf(digits, sizeof(digits), "%.*f", maxdec, v);
	if (len <= 0 || (size_t)len >= sizeof(digits))
		return false;
	/* drop optional decimals (#) left as zeros */
	if (maxdec > mindec) {
		char *dot = strchr(digits, '.');
		size_t end = (size_t)len;
		while (end > (size_t)(dot - digits) + 1 + (size_t)mindec && digits[end - 1] == '0')
			end--;
		if (end == (size_t)(dot - digits) + 1 && mindec == 0)
			end--; /* no decimals at all: no point either (Excel keeps it; CSV does too) */
		digits[end] = '\0';
		len = (int)end;
	}
	put(o, pre, npre);
	ip = digits;
	if (*ip == '-') {
		/* -0 after rounding shows without sign */
		bool zero = true;
		for (const char *q = ip + 1; *q; q++)
			zero = zero && (*q == '0' || *q == '.');
		if (!zero)
			puts_(o, "-");
		ip++;
	}
	{
		size_t nint = strcspn(ip, ".");
		const char *frac = ip + nint;
		/* the integer part: at least minint digits; none when it is 0 and
		 * no 0 placeholder asks for it */
		if (nint == 1 && ip[0] == '0' && minint == 0)
			nint = 0;
		for (int k = (int)nint; k < minint; k++) {
			puts_(o, "0");
			if (grouping && (minint - k - 1) % 3 == 0 && minint - k - 1 > 0)
				puts_(o, ",");
		}
		for (size_t k = 0; k < nint; k++) {
			put(o, ip + k, 1);
			if (grouping && (nint - k - 1) % 3 == 0 && k + 1 < nint)
				puts_(o, ",");
		}
		puts_(o, frac);
	}
	put(o, post, npost);
	return true;
}

void ob_numfmt_format(double v, const char *code, bool date1904, char *out, size_t size)
{
	struct tok t[MAX_TOKENS];
	struct out o = { out, size, 0 };
	const char *s;
	size_t n, nt;
	bool has;

	if (!size)
		return;
	out[0] = '\0';
	if (!code || !*code || !strcasecmp(code, "General") || !isfinite(v)) {
		ob_numfmt_general(v, out, size);
		return;
	}
	section(code, false, &s, &n, &has);
	if (date_tokens(s, n, t, &nt)) {
		/* Excel shows dates before day 0 or past 9999-12-31 as ####;
		 * the number itself is more use */
		if (v < 0 || v >= 2958466) {
			ob_numfmt_general(v, out, size);
			return;
		}
		format_date(v, t, nt, date1904, &o);
		return;
	}
	if (v < 0) {
		section(code, true, &s, &n, &has);
		if (has) {
			if (!format_number(-v, s, n, &o))
				ob_numfmt_general(v, out, size);
			return;
		}
		section(code, false, &s, &n, &has);
	}
	if (!format_number(v, s, n, &o))
		ob_numfmt_general(v, out, size);
}
