/* number.c - numbers of "observa stats" input, their decimal mark decided per column (number.h). */
#include "cli/stats/number.h"

#include <math.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--;
}

/*
 * s[0..n), already trimmed, under decimal mark dec and thousands separator
 * grp (the grammar of number.h). *seps counts the separators met.
 */
static bool read_as(const char *s, size_t n, char dec, char grp, double *out, size_t *seps)
{
	char buf[OB_MAX_NUMBER_CHARS + 1];
	size_t i = 0, j = 0, idigits = 0, run = 0;
	bool grouped = false;
	char *end;
	double v;

	*seps = 0;
	if (n == 0 || n > OB_MAX_NUMBER_CHARS)
		return false;
	if (s[i] == '+' || s[i] == '-')
		buf[j++] = s[i++];
	/* the integer part, with its thousands separators */
	for (; i < n; i++) {
		if (is_digit(s[i])) {
			buf[j++] = s[i];
			idigits++;
			run++;
		} else if (s[i] == grp) {
			/* the first group: 1 to 3 digits, not starting with 0;
			 * then exactly 3 */
			if (grouped ? run != 3 : run < 1 || run > 3 || buf[j - run] == '0')
				return false;
			grouped = true;
			run = 0;
			(*seps)++;
		} else {
			break;
		}
	}
	if (grouped && run != 3)
		return false;
	if (i < n && s[i] == dec) {
		size_t fdigits = 0;
		buf[j++] = '.';
		(*seps)++;
		for (i++; i < n && is_digit(s[i]); i++, fdigits++)
			buf[j++] = s[i];
		if (!idigits && !fdigits)
			return false;
	} else if (!idigits) {
		return false;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t edigits = 0;
		if (grouped)
			return false;
		buf[j++] = 'e';
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			buf[j++] = s[i++];
		for (; i < n && is_digit(s[i]); i++, edigits++)
			buf[j++] = s[i];
		if (!edigits)
			return false;
	}
	if (i != n)
		return false;
	buf[j] = '\0';
	v = strtod(buf, &end);
	if (*end || !isfinite(v))
		return false;
	*out = v == 0 ? 0 : v; /* no negative zero */
	return true;
}

enum st_numclass st_num_classify(const char *s, size_t n, double *point, double *comma)
{
	double vp = 0, vc = 0;
	size_t sp, sc;
	bool p, c;

	trim(&s, &n);
	p = read_as(s, n, '.', ',', &vp, &sp);
	c = read_as(s, n, ',', '.', &vc, &sc);
	if (p && point)
		*point = vp;
	if (c && comma)
		*comma = vc;
	if (p && c)
		return sp == 0 ? ST_NUM_PLAIN : ST_NUM_AMBIGUOUS;
	if (p)
		return ST_NUM_POINT;
	if (c)
		return ST_NUM_COMMA;
	return ST_NUM_INVALID;
}

bool st_num_read(const char *s, size_t n, char mark, double *out)
{
	size_t seps;

	trim(&s, &n);
	if (mark == ',')
		return read_as(s, n, ',', '.', out, &seps);
	return read_as(s, n, '.', ',', out, &seps);
}

void st_numcol_init(struct st_numcol *c, const char *file, size_t col, const char *name,
                    char mark)
{
	memset(c, 0, sizeof(*c));
	c->file = file;
	c->col = col;
	c->name = name;
	c->mark = mark;
	c->given = mark != 0;
}

static const char *mark_es(char mark)
{
	return mark == ',' ? "coma decimal" : "punto decimal";
}

static const char *mark_en(char mark)
{
	return mark == ',' ? "decimal comma" : "decimal point";
}

ob_err st_numcol_learn(struct st_numcol *c, long line, const char *s, size_t n,
                       struct ob_diag *d)
{
	enum st_numclass k;
	char mark;

	if (c->given)
		return OB_OK;
	k = st_num_classify(s, n, NULL, NULL);
	if (k != ST_NUM_POINT && k != ST_NUM_COMMA)
		return OB_OK;
	mark = k == ST_NUM_POINT ? '.' : ',';
	if (!c->mark) {
		trim(&s, &n);
		c->mark = mark;
		c->line = line;
		memcpy(c->cell, s, n); /* n <= OB_MAX_NUMBER_CHARS: it is a number */
		c->cell[n] = '\0';
		return OB_OK;
	}
	if (mark == c->mark)
		return OB_OK;
	trim(&s, &n);
	return OB_DIAG(d, OB_EINVAL, c->file, line, (long)c->col + 1, s, n,
	               "columna «%s»: este valor solo se lee con %s y «%s» (línea %ld) solo "
	               "con %s: la columna mezcla las dos convenciones",
	               "column «%s»: this value reads only with a %s and «%s» (line %ld) "
	               "only with a %s: the column mixes the two conventions", c->name,
	               OB_TR(mark_es(mark), mark_en(mark)), c->cell, c->line,
	               OB_TR(mark_es(c->mark), mark_en(c->mark)));
}

bool st_numcol_ready(const struct st_numcol *c, const char *s, size_t n)
{
	return c->mark || st_num_classify(s, n, NULL, NULL) != ST_NUM_AMBIGUOUS;
}

static const char *const kind_es[] = {
	[ST_REAL] = "un número",
	[ST_NONNEG] = "un número ≥ 0",
	[ST_WHOLE] = "un número entero ≥ 0",
	[ST_POSITIVE] = "un número > 0",
};

static const char *const kind_en[] = {
	[ST_REAL] = "a number",
	[ST_NONNEG] = "a number >= 0",
	[ST_WHOLE] = "a whole number >= 0",
	[ST_POSITIVE] = "a number > 0",
};

static bool of_kind(double v, enum st_kind kind)
{
	switch (kind) {
	case ST_NONNEG:
		return v >= 0;
	case ST_WHOLE:
		return v >= 0 && v == floor(v);
	case ST_POSITIVE:
		return v > 0;
	case ST_REAL:
	case ST_KINDS:
		break;
	}
	return true;
}

ob_err st_numcol_parse(const struct st_numcol *c, long line, const char *s, size_t n,
                       enum st_kind kind, double *out, struct ob_diag *d)
{
	double vp = 0, vc = 0, v;
	enum st_numclass k;
	long at = (long)c->col + 1;

	if ((unsigned)kind >= ST_KINDS)
		kind = ST_REAL;
	trim(&s, &n);
	if (!n)
		return OB_DIAG(d, OB_EINVAL, c->file, line, at, NULL, 0,
		               "columna «%s» vacía: se esperaba %s",
		               "column «%s» empty: expected %s", c->name,
		               OB_TR(kind_es[kind], kind_en[kind]));
	k = st_num_classify(s, n, &vp, &vc);
	if (k == ST_NUM_AMBIGUOUS && !c->mark)
		return OB_DIAG(d, OB_EINVAL, c->file, line, at, s, n,
		               "columna «%s»: ¿%.15g o %.15g? Un separador seguido de tres "
		               "cifras es ambiguo y ningún valor de la columna muestra si "
		               "«.» o «,» es el decimal (p. ej. 8.5, 0.125 o 1.234.567): "
		               "use --decimal-mark . o ,",
		               "column «%s»: %.15g or %.15g? A separator followed by three "
		               "digits is ambiguous and no value of the column shows "
		               "whether «.» or «,» is the decimal mark (e.g. 8.5, 0.125 or "
		               "1.234.567): use --decimal-mark . or ,", c->name, vp, vc);
	if (k == ST_NUM_INVALID || (c->mark && !st_num_read(s, n, c->mark, &v)))
		return OB_DIAG(d, OB_EINVAL, c->file, line, at, s, n,
		               "columna «%s»: se esperaba %s%s%s",
		               "column «%s»: expected %s%s%s", c->name,
		               OB_TR(kind_es[kind], kind_en[kind]),
		               c->given && k != ST_NUM_INVALID ? OB_TR(" con ", " with a ") : "",
		               c->given && k != ST_NUM_INVALID
		                       ? OB_TR(mark_es(c->mark), mark_en(c->mark))
		                       : "");
	if (!c->mark)
		v = k == ST_NUM_COMMA ? vc : vp; /* PLAIN: the same under both */
	if (!of_kind(v, kind))
		return OB_DIAG(d, OB_EINVAL, c->file, line, at, s, n,
		               "columna «%s»: se esperaba %s", "column «%s»: expected %s",
		               c->name, OB_TR(kind_es[kind], kind_en[kind]));
	*out = v;
	return OB_OK;
}
