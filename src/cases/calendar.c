/* calendar.c - a country's working calendar read from the catalogue
 * (calendar.h): weekends, holidays, court recesses, the time zone. */
#include "cases/calendar.h"

#include "base/file.h"
#include "base/limits.h"
#include "io/date.h"
#include "io/ini.h"

#include <stdlib.h>

void ob_easter(int year, int *month, int *day)
{
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;

	*month = (h + l - 7 * m + 114) / 31;
	*day = (h + l - 7 * m + 114) % 31 + 1;
}

/* A day as the file names it: a fixed date every year, days from Easter
 * every year, or one date. */
enum spec_kind { SPEC_FIXED, SPEC_EASTER, SPEC_DATE };
struct spec {
	enum spec_kind kind;
	int y, m, d, off;
};

/* One line of [holidays] or [recess], kept until `years` is known. */
struct entry {
	struct spec from, to;
	bool range, recess;
	long line, column;
	char value[64];
};

struct parse {
	struct ob_calendar *cal;
	const char *name;
	struct ob_diag *d;
	bool have_years, have_offset;
	struct entry *e;
	size_t n, cap;
};

static ob_err bad(struct parse *p, const struct ob_ini_item *it, const char *v, const char *es,
                  const char *en)
{
	return ob_diag_set_texts(p->d, OB_EINVAL, p->name, it->line,
	                         v == it->key ? it->key_column : it->value_column, v, strlen(v), es,
	                         en);
}

static bool two_digits(const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

/* "MM-DD", "YYYY-MM-DD", "easter", "easter+N", "easter-N" */
static bool parse_spec(const char *s, size_t n, struct spec *out)
{
	long long v;

	memset(out, 0, sizeof(*out));
	if (n >= 6 && !strncmp(s, "easter", 6)) {
		out->kind = SPEC_EASTER;
		if (n == 6)
			return true;
		if ((s[6] != '+' && s[6] != '-') ||
		    !ob_parse_int(s + 7, n - 7, 0, 60, &v) || s[7] < '0' || s[7] > '9')
			return false;
		out->off = (int)(s[6] == '-' ? -v : v);
		return true;
	}
	if (n == 5 && s[2] == '-' && two_digits(s, &out->m) && two_digits(s + 3, &out->d)) {
		out->kind = SPEC_FIXED;
		return ob_date_valid(2000, out->m, out->d);
	}
	if (n == 10 && s[4] == '-' && s[7] == '-' && ob_parse_int(s, 4, 1900, OB_MAX_YEAR, &v) &&
	    two_digits(s + 5, &out->m) && two_digits(s + 8, &out->d)) {
		out->kind = SPEC_DATE;
		out->y = (int)v;
		return ob_date_valid(out->y, out->m, out->d);
	}
	return false;
}

/* The day sp names in year y; -1 when it has none that year (29 February). */
static long spec_day(const struct spec *sp, int y)
{
	struct ob_date dt = { y, 0, 0, OB_PREC_DAY };

	switch (sp->kind) {
	case SPEC_EASTER:
		ob_easter(y, &dt.month, &dt.day);
		return ob_date_days(&dt) + sp->off;
	case SPEC_DATE:
		dt.year = sp->y;
		/* fall through */
	case SPEC_FIXED:
		if (!ob_date_valid(dt.year, sp->m, sp->d))
			return -1;
		dt.month = sp->m;
		dt.day = sp->d;
		return ob_date_days(&dt);
	}
	return -1;
}

static const char *const day_names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static ob_err calendar_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_calendar *cal = p->cal;
	const char *v = it->value;
	long long a, b;

	if (!strcmp(it->key, "country")) {
		if (it->value_len != 3 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
			return bad(p, it, v, "se esperaba un código de país de tres letras (ISO 3166 alfa-3: SLV)",
			           "expected a three-letter country code (ISO 3166 alpha-3: SLV)");
		ob_strlcpy(cal->country, v, sizeof(cal->country));
	} else if (!strcmp(it->key, "time_zone")) {
		if (!it->value_len || it->value_len >= sizeof(cal->time_zone))
			return bad(p, it, v, "se esperaba un nombre de zona horaria (America/El_Salvador)",
			           "expected a time zone name (America/El_Salvador)");
		ob_strlcpy(cal->time_zone, v, sizeof(cal->time_zone));
	} else if (!strcmp(it->key, "utc_offset")) {
		int h, m;
		if (it->value_len != 6 || (v[0] != '+' && v[0] != '-') || !two_digits(v + 1, &h) ||
		    v[3] != ':' || !two_digits(v + 4, &m) || h > 14 || m > 59)
			return bad(p, it, v, "se esperaba un desfase ±HH:MM (-06:00)",
			           "expected an offset ±HH:MM (-06:00)");
		cal->utc_offset = (v[0] == '-' ? -1 : 1) * (h * 60 + m);
		p->have_offset = true;
	} else if (!strcmp(it->key, "weekend")) {
		const char *s = v;
		cal->weekend = 0;
		while (*s) {
			size_t n = strcspn(s, ","), k;
			const char *w = s;
			while (n && (*w == ' ' || *w == '\t'))
				w++, n--;
			while (n && (w[n - 1] == ' ' || w[n - 1] == '\t'))
				n--;
			for (k = 0; k < 7; k++)
				if (n == 3 && !strncmp(w, day_names[k], 3))
					break;
			if (k == 7)
				return bad(p, it, v, "se esperaban días de la semana: mon, tue, wed, thu, fri, sat, sun",
				           "expected days of the week: mon, tue, wed, thu, fri, sat, sun");
			cal->weekend |= 1u << k;
			s += strcspn(s, ",");
			if (*s)
				s++;
		}
	} else if (!strcmp(it->key, "years")) {
		const char *dots = strstr(v, "..");
		if (!dots || !ob_parse_int(v, (size_t)(dots - v), 1900, OB_MAX_YEAR, &a) ||
		    !ob_parse_int(dots + 2, strlen(dots + 2), 1900, OB_MAX_YEAR, &b) || b < a)
			return bad(p, it, v, "se esperaba un intervalo de años AAAA..AAAA",
			           "expected a range of years YYYY..YYYY");
		if (b - a + 1 > OB_MAX_CALENDAR_YEARS)
			return OB_DIAG(p->d, OB_ETOOBIG, p->name, it->line, it->value_column, v,
			               it->value_len, "más de %d años", "more than %d years",
			               OB_MAX_CALENDAR_YEARS);
		cal->first_year = (int)a;
		cal->last_year = (int)b;
		p->have_years = true;
	} else {
		return bad(p, it, it->key,
		           "clave desconocida; se esperaba country, time_zone, utc_offset, weekend o years",
		           "unknown key; expected country, time_zone, utc_offset, weekend or years");
	}
	return OB_OK;
}

static ob_err day_key(struct parse *p, const struct ob_ini_item *it, bool recess)
{
	const char *text = recess ? it->value : it->key;
	struct entry en = { .recess = recess, .line = it->line };
	const char *dots = strstr(text, "..");
	bool ok;

	en.column = recess ? it->value_column : it->key_column;
	ob_strlcpy(en.value, text, sizeof(en.value));
	if (dots) {
		en.range = true;
		ok = parse_spec(text, (size_t)(dots - text), &en.from) &&
		     parse_spec(dots + 2, strlen(dots + 2), &en.to) &&
		     (en.from.kind == SPEC_DATE) == (en.to.kind == SPEC_DATE);
	} else {
		ok = parse_spec(text, strlen(text), &en.from);
		en.to = en.from;
	}
	if (!ok)
		return bad(p, it, text,
		           "se esperaba un día: MM-DD, AAAA-MM-DD o easter±N (un periodo: DÍA..DÍA)",
		           "expected a day: MM-DD, YYYY-MM-DD or easter±N (a period: DAY..DAY)");
	if (p->n == p->cap) {
		if (p->cap >= OB_MAX_CALENDAR_DAYS)
			return OB_DIAG(p->d, OB_ETOOBIG, p->name, it->line, 0, NULL, 0,
			               "más de %d días festivos o de vacación",
			               "more than %d holidays or recess periods", OB_MAX_CALENDAR_DAYS);
		p->cap = p->cap ? 2 * p->cap : 32;
		p->e = ob_realloc(p->e, p->cap * sizeof(*p->e));
	}
	p->e[p->n++] = en;
	return OB_OK;
}

static ob_err on_item(void *ctx, const struct ob_ini_item *it)
{
	struct parse *p = ctx;

	if (!it->key) {
		if (strcmp(it->section, "calendar") && strcmp(it->section, "holidays") &&
		    strcmp(it->section, "recess"))
			return ob_diag_set_texts(p->d, OB_EINVAL, p->name, it->line, it->key_column,
			                         it->section, strlen(it->section),
			                         "sección desconocida; se esperaba [calendar], [holidays] o [recess]",
			                         "unknown section; expected [calendar], [holidays] or [recess]");
		return OB_OK;
	}
	if (!strcmp(it->section, "calendar"))
		return calendar_key(p, it);
	return day_key(p, it, !strcmp(it->section, "recess"));
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* Sort and drop repeats. */
static size_t sort_unique(long *v, size_t n)
{
	size_t k = 0;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_long);
	for (size_t i = 1; i < n; i++)
		if (v[i] != v[k])
			v[++k] = v[i];
	return k + 1;
}

static ob_err add_day(long **v, size_t *n, size_t *cap, long day, struct parse *p,
                      const struct entry *en)
{
	if (*n == *cap) {
		if (*cap >= OB_MAX_CALENDAR_DAYS * 4)
			return OB_DIAG(p->d, OB_ETOOBIG, p->name, en->line, 0, NULL, 0,
			               "el calendario pasa de %d días", "the calendar has over %d days",
			               OB_MAX_CALENDAR_DAYS * 4);
		*cap = *cap ? 2 * *cap : 64;
		*v = ob_realloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = day;
	return OB_OK;
}

/* Every entry as the days it stands for, over the years the file covers. */
static ob_err resolve(struct parse *p)
{
	struct ob_calendar *cal = p->cal;
	size_t hcap = 0, rcap = 0;
	ob_err e;

	for (size_t i = 0; i < p->n; i++) {
		const struct entry *en = &p->e[i];
		long **v = en->recess ? &cal->recess : &cal->holidays;
		size_t *n = en->recess ? &cal->n_recess : &cal->n_holidays;
		size_t *cap = en->recess ? &rcap : &hcap;
		bool once = en->from.kind == SPEC_DATE;

		if (en->range != en->recess)
			return ob_diag_set_texts(p->d, OB_EINVAL, p->name, en->line, en->column,
			                         en->value, strlen(en->value),
			                         en->recess ? "se esperaba un periodo DÍA..DÍA"
			                                    : "se esperaba un día, no un periodo",
			                         en->recess ? "expected a period DAY..DAY"
			                                    : "expected a day, not a period");
		if (once && (en->from.y < cal->first_year || en->from.y > cal->last_year))
			return OB_DIAG(p->d, OB_EINVAL, p->name, en->line, en->column, en->value,
			               strlen(en->value), "fuera de los años del calendario (%d..%d)",
			               "outside the calendar's years (%d..%d)", cal->first_year,
			               cal->last_year);
		for (int y = once ? en->from.y : cal->first_year;
		     y <= (once ? en->from.y : cal->last_year); y++) {
			long a = spec_day(&en->from, y), b = spec_day(&en->to, y);

			if (a < 0 || b < 0)
				continue;
			if (b < a && en->to.kind == SPEC_FIXED)
				b = spec_day(&en->to, y + 1);
			if (b < a || b - a > 366)
				return OB_DIAG(p->d, OB_EINVAL, p->name, en->line, en->column, en->value,
				               strlen(en->value), "el periodo termina antes de empezar",
				               "the period ends before it begins");
			for (long day = a; day <= b; day++)
				if ((e = add_day(v, n, cap, day, p, en)))
					return e;
		}
	}
	cal->n_holidays = sort_unique(cal->holidays, cal->n_holidays);
	cal->n_recess = sort_unique(cal->recess, cal->n_recess);
	return OB_OK;
}

ob_err ob_calendar_parse(const char *text, size_t len, const char *name,
                         struct ob_calendar *cal, struct ob_diag *d)
{
	struct parse p = { .cal = cal, .name = name, .d = d };
	ob_err e;

	memset(cal, 0, sizeof(*cal));
	cal->weekend = (1u << 5) | (1u << 6);
	if ((e = ob_ini_parse(text, len, name, 0, on_item, &p, d)))
		goto free_entries;
	if (!cal->country[0] || !cal->time_zone[0] || !p.have_offset || !p.have_years) {
		e = OB_DIAG(d, OB_EINVAL, name, 0, 0, NULL, 0,
		            "[calendar] necesita country, time_zone, utc_offset y years",
		            "[calendar] needs country, time_zone, utc_offset and years");
		goto free_entries;
	}
	e = resolve(&p);
free_entries:
	free(p.e);
	return e;
}

ob_err ob_calendar_load(const char *dir, const char *country, struct ob_calendar *cal,
                        struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	char *text;
	size_t len;
	ob_err e;
	int n = snprintf(path, sizeof(path), "%s/catalog/calendars/%s.ini", dir, country);

	memset(cal, 0, sizeof(*cal));
	if (n < 0 || (size_t)n >= sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if ((e = ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &len, d)))
		return e;
	e = ob_calendar_parse(text, len, path, cal, d);
	free(text);
	if (!e && strcmp(cal->country, country))
		e = OB_DIAG(d, OB_EINVAL, path, 0, 0, cal->country, strlen(cal->country),
		            "el archivo es del país %s, no de %s", "the file is of country %s, not %s",
		            cal->country, country);
	return e;
}

void ob_calendar_release(struct ob_calendar *cal)
{
	free(cal->holidays);
	free(cal->recess);
	cal->holidays = cal->recess = NULL;
	cal->n_holidays = cal->n_recess = 0;
}

static bool in_sorted(const long *v, size_t n, long day)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == day;
}

bool ob_calendar_weekend(const struct ob_calendar *cal, long day)
{
	/* 1970-01-01 was a Thursday (3 counting Monday as 0) */
	long wd = ((day % 7) + 7 + 3) % 7;

	return (cal->weekend >> wd) & 1u;
}

bool ob_calendar_holiday(const struct ob_calendar *cal, long day)
{
	return in_sorted(cal->holidays, cal->n_holidays, day);
}

bool ob_calendar_recess(const struct ob_calendar *cal, long day)
{
	return in_sorted(cal->recess, cal->n_recess, day);
}

bool ob_calendar_business(const struct ob_calendar *cal, long day, bool courts)
{
	return !ob_calendar_weekend(cal, day) && !ob_calendar_holiday(cal, day) &&
	       !(courts && ob_calendar_recess(cal, day));
}

ob_err ob_calendar_add_business(const struct ob_calendar *cal, long day, int n, bool courts,
                                long *out, struct ob_diag *d)
{
	struct ob_date first = { cal->first_year, 1, 1, OB_PREC_DAY };
	struct ob_date last = { cal->last_year, 12, 31, OB_PREC_DAY };
	long lo = ob_date_days(&first), hi = ob_date_days(&last);
	long cur = day;

	if (n == 0)
		while (cur <= hi && !ob_calendar_business(cal, cur, courts))
			cur++;
	for (int k = 0; k < n && cur <= hi;) {
		cur++;
		if (cur <= hi && ob_calendar_business(cal, cur, courts))
			k++;
	}
	if (day < lo || cur > hi) {
		struct ob_date dt;
		char s[16];
		ob_date_from_days(day, &dt);
		ob_date_format(&dt, s, sizeof(s));
		return OB_DIAG(d, OB_EINVAL, cal->country, 0, 0, s, strlen(s),
		               "el calendario de %s cubre %d..%d: no se pueden contar %d días hábiles "
		               "desde este día (añada el año al catálogo, calendars/%s.ini)",
		               "the calendar of %s covers %d..%d: %d business days cannot be counted "
		               "from this day (add the year to the catalogue, calendars/%s.ini)",
		               cal->country, cal->first_year, cal->last_year, n, cal->country);
	}
	*out = cur;
	return OB_OK;
}

long ob_calendar_local_day(const struct ob_calendar *cal, long long t)
{
	long long l = t + (long long)cal->utc_offset * 60;

	return (long)(l >= 0 ? l / 86400 : -((-l + 86399) / 86400));
}

long long ob_calendar_day_start(const struct ob_calendar *cal, long day)
{
	return (long long)day * 86400 - (long long)cal->utc_offset * 60;
}
