/* date.c - parsing, formatting and day arithmetic of dates (see date.h). */
#include "io/date.h"

#include "text/text.h"

#include <ctype.h>

static const char *const month_names[13] = {
	"", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
	"agosto", "septiembre", "octubre", "noviembre", "diciembre",
};

/* Month words: Spanish names and abbreviations, and English ones that
 * spreadsheets in English write ("15-Mar-2020", "Apr-2020"). */
static const struct {
	const char *word;
	int month;
} month_words[] = {
	{ "enero", 1 }, { "ene", 1 }, { "january", 1 }, { "jan", 1 },
	{ "febrero", 2 }, { "feb", 2 }, { "february", 2 },
	{ "marzo", 3 }, { "mar", 3 }, { "march", 3 },
	{ "abril", 4 }, { "abr", 4 }, { "april", 4 }, { "apr", 4 },
	{ "mayo", 5 }, { "may", 5 },
	{ "junio", 6 }, { "jun", 6 }, { "june", 6 },
	{ "julio", 7 }, { "jul", 7 }, { "july", 7 },
	{ "agosto", 8 }, { "ago", 8 }, { "august", 8 }, { "aug", 8 },
	{ "septiembre", 9 }, { "setiembre", 9 }, { "sep", 9 }, { "sept", 9 },
	{ "set", 9 }, { "september", 9 },
	{ "octubre", 10 }, { "oct", 10 }, { "october", 10 },
	{ "noviembre", 11 }, { "nov", 11 }, { "november", 11 },
	{ "diciembre", 12 }, { "dic", 12 }, { "december", 12 }, { "dec", 12 },
};

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[13] = { 0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : dim[m];
}

bool ob_date_valid(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/*
 * Days since 1970-01-01. Counting years from March makes February the last
 * month of a year, so its leap day needs no special case: a year of the
 * shifted calendar has 365 days plus one every 4th, minus every 100th, plus
 * every 400th, and the months March..February have 153 days per 5 months.
 */
long ob_date_days(const struct ob_date *d)
{
	long y = d->year, m = d->month ? d->month : 1, day = d->day ? d->day : 1;
	long era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;                            /* 0..399 */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1; /* 0..365 */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;    /* 0..146096 */
	return era * 146097 + doe - 719468;             /* 1970-03-01 shift */
}

void ob_date_from_days(long days, struct ob_date *out)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long m = mp < 10 ? mp + 3 : mp - 9;

	out->year = (int)(yoe + era * 400 + (m <= 2));
	out->month = (int)m;
	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->precision = OB_PREC_DAY;
}

int ob_date_cmp(const struct ob_date *a, const struct ob_date *b)
{
	long x = ob_date_days(a), y = ob_date_days(b);
	return x < y ? -1 : x > y;
}

/* "YYYY-MM-DD" (and its first 4 or 7 bytes) without printf: an ingest
 * writes one for every row. */
static void format_fast(const struct ob_date *d, char *out, size_t len)
{
	int y = d->year;

	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + d->month / 10);
	out[6] = (char)('0' + d->month % 10);
	out[7] = '-';
	out[8] = (char)('0' + d->day / 10);
	out[9] = (char)('0' + d->day % 10);
	out[len] = '\0';
}

void ob_date_format(const struct ob_date *d, char *out, size_t size)
{
	size_t len = d->precision == OB_PREC_DAY ? 10 : d->precision == OB_PREC_MONTH ? 7 : 4;

	if (size > 10 && d->year >= 0 && d->year <= 9999 && d->month >= 0 && d->month <= 12 &&
	    d->day >= 0 && d->day <= 31 &&
	    (d->precision == OB_PREC_DAY || d->precision == OB_PREC_MONTH ||
	     d->precision == OB_PREC_YEAR)) {
		format_fast(d, out, len);
		return;
	}
	switch (d->precision) {
	case OB_PREC_DAY:
		snprintf(out, size, "%04d-%02d-%02d", d->year, d->month, d->day);
		break;
	case OB_PREC_MONTH:
		snprintf(out, size, "%04d-%02d", d->year, d->month);
		break;
	case OB_PREC_YEAR:
		snprintf(out, size, "%04d", d->year);
		break;
	default:
		if (size)
			out[0] = '\0';
	}
}

/* ---- parsing ---------------------------------------------------------- */

#define MAX_TOKENS 8

struct token {
	enum { T_NUM, T_WORD } type;
	long value;   /* T_NUM: the number (capped); T_WORD: month or 0 */
	int digits;   /* T_NUM: how many digits were written */
	char sep;     /* separator before this token (0 at the start) */
	char word[16];/* T_WORD: lower-case ASCII, cut */
};

static ob_err why_set(char *why, size_t size, const char *fmt, ...) OB_PRINTF(3, 4);

static ob_err why_set(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return OB_EPARSE;
}

/* "dd/mm/aaaa o aaaa-mm-dd": the allowed forms, for messages. */
static void expected(unsigned forms, char *out, size_t size)
{
	size_t n = 0;
	const char *sep = "";

	out[0] = '\0';
#define ADD(flag, text)                                                          \
	do {                                                                     \
		if ((forms & (flag)) && n < size) {                              \
			n += (size_t)snprintf(out + n, size - n, "%s%s", sep, text); \
			sep = ", ";                                              \
		}                                                                \
	} while (0)
	ADD(OB_DATE_DMY, "dd/mm/aaaa");
	ADD(OB_DATE_MDY, "mm/dd/aaaa");
	ADD(OB_DATE_ISO, "aaaa-mm-dd");
	ADD(OB_DATE_PARTIAL, "mm/aaaa, aaaa");
	ADD(OB_DATE_EXCEL, "número de serie de Excel");
#undef ADD
}

static ob_err unrecognized(unsigned forms, char *why, size_t size)
{
	char exp[160];

	expected(forms, exp, sizeof(exp));
	return why_set(why, size, "formato de fecha no reconocido; se esperaba %s", exp);
}

static ob_err not_allowed(const char *form, unsigned forms, char *why, size_t size)
{
	char exp[160];

	expected(forms, exp, sizeof(exp));
	return why_set(why, size, "la forma %s no está admitida para esta fuente; "
	               "se esperaba %s", form, exp);
}

static ob_err check_year(int y, char *why, size_t size)
{
	if (y < OB_MIN_YEAR || y > OB_MAX_YEAR)
		return why_set(why, size, "año %d fuera del rango %d-%d", y,
		               OB_MIN_YEAR, OB_MAX_YEAR);
	return OB_OK;
}

/* Check y-m-d and fill out at day precision; hint is added to a bad month. */
static ob_err set_day(int y, long m, long d, struct ob_date *out, const char *hint,
                      char *why, size_t size)
{
	ob_err e;

	if ((e = check_year(y, why, size)))
		return e;
	if (m < 1 || m > 12)
		return why_set(why, size, "mes %ld no existe%s", m, hint ? hint : "");
	if (d < 1 || d > days_in_month(y, (int)m)) {
		if (m == 2 && d == 29)
			return why_set(why, size, "el 29 de febrero no existe en %d "
			               "(no es bisiesto)", y);
		return why_set(why, size, "día %ld no existe en %s", d,
		               month_names[m]);
	}
	out->year = y;
	out->month = (int)m;
	out->day = (int)d;
	out->precision = OB_PREC_DAY;
	return OB_OK;
}

static ob_err set_month(int y, long m, struct ob_date *out, char *why, size_t size)
{
	ob_err e;

	if ((e = check_year(y, why, size)))
		return e;
	if (m < 1 || m > 12)
		return why_set(why, size, "mes %ld no existe", m);
	out->year = y;
	out->month = (int)m;
	out->day = 0;
	out->precision = OB_PREC_MONTH;
	return OB_OK;
}

/*
 * Split the date part into numbers and words; each token remembers the
 * separator before it (one of " /-.,", or 0). Returns the count, or -1 when
 * the text holds something else or too many pieces.
 */
static int tokenize(const char *s, size_t n, struct token *t)
{
	int nt = 0, nsep = 0;
	size_t i = 0;
	bool space = false;
	char sep = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '/' || c == '-' || c == '.' || c == ',') {
			/* blanks around one separator count as that separator */
			if (c == ' ') {
				space = true;
			} else {
				nsep++;
				sep = (char)c;
			}
			i++;
			continue;
		}
		if (nt == MAX_TOKENS)
			return -1;
		memset(&t[nt], 0, sizeof(t[nt]));
		t[nt].sep = nsep > 1 ? '?' : nsep ? sep : space ? ' ' : 0;
		if (nt == 0 && t[nt].sep)
			return -1;
		nsep = 0;
		space = false;
		if (isdigit(c)) {
			t[nt].type = T_NUM;
			while (i < n && isdigit((unsigned char)s[i])) {
				if (t[nt].value < 100000000)
					t[nt].value = t[nt].value * 10 + (s[i] - '0');
				t[nt].digits++;
				i++;
			}
		} else if (isalpha(c)) {
			size_t k = 0;
			t[nt].type = T_WORD;
			while (i < n && isalpha((unsigned char)s[i])) {
				if (k + 1 < sizeof(t[nt].word))
					t[nt].word[k++] = (char)tolower((unsigned char)s[i]);
				i++;
			}
			t[nt].word[k] = '\0';
			for (size_t j = 0; j < OB_ARRAY_SIZE(month_words); j++)
				if (!strcmp(t[nt].word, month_words[j].word))
					t[nt].value = month_words[j].month;
		} else {
			return -1;
		}
		nt++;
	}
	return nsep || space ? -1 : nt;
}

/* A time of day after the date ("T10:30", " 10:30:00", " 12:00:00 a. m."):
 * returns where the date part ends, or n when there is no time. */
static size_t cut_time(const char *s, size_t n, bool *bad)
{
	const char *colon = memchr(s, ':', n);
	size_t c, t;

	*bad = false;
	if (!colon)
		return n;
	c = (size_t)(colon - s);
	t = c;
	while (t > 0 && isdigit((unsigned char)s[t - 1]) && c - t < 2)
		t--;
	if (t == c || t == 0 || (s[t - 1] != ' ' && s[t - 1] != 'T') ||
	    c + 2 >= n || !isdigit((unsigned char)s[c + 1]) ||
	    !isdigit((unsigned char)s[c + 2])) {
		*bad = true;
		return n;
	}
	for (size_t i = c + 3; i < n; i++) {
		if (!strchr("0123456789:.,+-Z aApPmM", s[i])) {
			*bad = true;
			return n;
		}
	}
	t--;
	while (t > 0 && s[t - 1] == ' ')
		t--;
	return t;
}

static ob_err parse_excel(long serial, unsigned forms, struct ob_date *out,
                          char *why, size_t size)
{
	struct ob_date epoch = { 1899, 12, 30, OB_PREC_DAY };

	if (!(forms & OB_DATE_EXCEL))
		return not_allowed("de número de serie de Excel", forms, why, size);
	if (serial < 1 || serial > 73050)
		return why_set(why, size, "número de serie de Excel %ld fuera del "
		               "rango 1-73050 (1900-01-01 a 2099-12-31)", serial);
	if (serial == 60)
		return why_set(why, size, "el número de serie 60 es el 29/02/1900, "
		               "que no existe (un error heredado de Excel)");
	/* Excel counts 1900-02-29 as a day: serials from 61 on are shifted */
	ob_date_from_days(ob_date_days(&epoch) + serial + (serial < 60), out);
	return OB_OK;
}

/* Dates written with a month word: "15 de marzo de 2020", "mar-2020". */
static ob_err parse_words(struct token *t, int nt, unsigned forms,
                          struct ob_date *out, char *why, size_t size)
{
	struct token *v[MAX_TOKENS];
	int nv = 0, mi = -1;

	for (int i = 0; i < nt; i++) {
		if (t[i].type == T_WORD && !t[i].value) {
			if (strcmp(t[i].word, "de") && strcmp(t[i].word, "del"))
				return why_set(why, size, "palabra «%s» no reconocida en "
				               "la fecha", t[i].word);
			continue;
		}
		if (t[i].type == T_WORD) {
			if (mi >= 0)
				return unrecognized(forms, why, size);
			mi = nv;
		}
		v[nv++] = &t[i];
	}
	if (mi < 0)
		return unrecognized(forms, why, size);
	if (mi == nv - 1)
		return why_set(why, size, "falta el año");
	if (v[nv - 1]->type != T_NUM || nv - mi != 2)
		return unrecognized(forms, why, size);
	if (v[nv - 1]->digits != 4)
		return why_set(why, size, "año de %d cifras «%ld» ambiguo; escriba el "
		               "año con cuatro cifras", v[nv - 1]->digits, v[nv - 1]->value);
	if (mi == 0) {
		if (nv != 2)
			return unrecognized(forms, why, size);
		if (!(forms & OB_DATE_PARTIAL))
			return why_set(why, size, "fecha sin día («%s de %ld») no admitida "
			               "para esta fuente", month_names[v[0]->value],
			               v[1]->value);
		return set_month((int)v[1]->value, v[0]->value, out, why, size);
	}
	if (mi != 1 || nv != 3 || v[0]->digits > 2)
		return unrecognized(forms, why, size);
	if (!(forms & (OB_DATE_DMY | OB_DATE_MDY | OB_DATE_ISO)))
		return not_allowed("con día y nombre de mes", forms, why, size);
	return set_day((int)v[2]->value, v[1]->value, v[0]->value, out, NULL, why, size);
}

/* All-digit dates: yyyymmdd, yyyy, or an Excel serial (with an optional
 * fraction for the time of day, already split off by the caller). */
static ob_err parse_digits(const struct token *t, unsigned forms,
                           struct ob_date *out, char *why, size_t size)
{
	if (t->digits == 8 && (forms & OB_DATE_ISO))
		return set_day((int)(t->value / 10000), t->value / 100 % 100,
		               t->value % 100, out, NULL, why, size);
	if (t->digits == 4 && (forms & OB_DATE_PARTIAL)) {
		ob_err e = check_year((int)t->value, why, size);
		if (e)
			return e;
		out->year = (int)t->value;
		out->month = out->day = 0;
		out->precision = OB_PREC_YEAR;
		return OB_OK;
	}
	if (t->digits == 4 && t->value >= OB_MIN_YEAR && t->value <= OB_MAX_YEAR &&
	    !(forms & OB_DATE_EXCEL))
		return why_set(why, size, "fecha con solo el año no admitida para "
		               "esta fuente");
	if (t->digits > 5)
		return unrecognized(forms, why, size);
	return parse_excel(t->value, forms, out, why, size);
}

static ob_err parse_numeric(const struct token *t, int nt, unsigned forms,
                            struct ob_date *out, char *why, size_t size)
{
	char sep = t[1].sep;

	if (sep == '?' || sep == ' ' || sep == ',' || (nt == 3 && t[2].sep != sep))
		return unrecognized(forms, why, size);
	for (int i = 0; i < nt; i++)
		if (t[i].digits > 4 || (t[i].digits > 2 && t[i].digits != 4))
			return unrecognized(forms, why, size);
	if (nt == 3 && t[0].digits == 4) {
		if (!(forms & OB_DATE_ISO))
			return not_allowed("aaaa-mm-dd", forms, why, size);
		if (t[1].digits > 2 || t[2].digits > 2)
			return unrecognized(forms, why, size);
		return set_day((int)t[0].value, t[1].value, t[2].value, out, NULL,
		               why, size);
	}
	if (nt == 3) {
		if (t[0].digits > 2 || t[1].digits > 2)
			return unrecognized(forms, why, size);
		if (t[2].digits != 4)
			return why_set(why, size, "año de %d cifras «%ld» ambiguo; se "
			               "esperaba el año con cuatro cifras (dd/mm/aaaa)",
			               t[2].digits, t[2].value);
		if (forms & OB_DATE_MDY)
			return set_day((int)t[2].value, t[0].value, t[1].value, out,
			               NULL, why, size);
		if (!(forms & OB_DATE_DMY))
			return not_allowed("dd/mm/aaaa", forms, why, size);
		return set_day((int)t[2].value, t[1].value, t[0].value, out,
		               t[1].value > 12 && t[0].value <= 12 ?
		               " (¿la fuente escribe mm/dd/aaaa?)" : NULL, why, size);
	}
	/* two numbers: yyyy-mm or mm/yyyy */
	if (!(forms & OB_DATE_PARTIAL))
		return why_set(why, size, "fecha sin día no admitida para esta fuente");
	if (t[0].digits == 4 && t[1].digits <= 2)
		return set_month((int)t[0].value, t[1].value, out, why, size);
	if (t[1].digits == 4 && t[0].digits <= 2)
		return set_month((int)t[1].value, t[0].value, out, why, size);
	if (t[1].digits == 2 && t[0].digits <= 2)
		return why_set(why, size, "año de 2 cifras «%ld» ambiguo; se esperaba "
		               "mm/aaaa", t[1].value);
	return unrecognized(forms, why, size);
}

ob_err ob_date_parse(const char *s, size_t n, unsigned forms, struct ob_date *out,
                     char *why, size_t why_size)
{
	struct token t[MAX_TOKENS];
	bool bad_time, words = false;
	int nt;

	if (why && why_size)
		why[0] = '\0';
	memset(out, 0, sizeof(*out));
	if ((forms & OB_DATE_DMY) && (forms & OB_DATE_MDY)) {
		if (why && why_size)
			snprintf(why, why_size, "formas dd/mm y mm/dd pedidas a la vez");
		return OB_EINVAL;
	}
	ob_trim(&s, &n);
	if (n == 0)
		return why_set(why, why_size, "fecha vacía");

	n = cut_time(s, n, &bad_time);
	if (bad_time)
		return unrecognized(forms, why, why_size);
	nt = tokenize(s, n, t);
	if (nt <= 0)
		return unrecognized(forms, why, why_size);
	for (int i = 0; i < nt; i++)
		words = words || t[i].type == T_WORD;
	if (words)
		return parse_words(t, nt, forms, out, why, why_size);
	/* an Excel serial with the time of day as a fraction: 43905.5 */
	if (nt == 2 && (t[1].sep == '.' || t[1].sep == ',') && t[0].digits >= 3 &&
	    t[0].digits <= 5 && (forms & OB_DATE_EXCEL))
		return parse_excel(t[0].value, forms, out, why, why_size);
	if (nt == 1)
		return parse_digits(&t[0], forms, out, why, why_size);
	if (nt > 3)
		return unrecognized(forms, why, why_size);
	return parse_numeric(t, nt, forms, out, why, why_size);
}
