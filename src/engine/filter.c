/* filter.c - the filter language shared by the analyser and the indicators:
 * field names, the clause syntax, the form of values and the messages. */
#include "engine/filter.h"

#include <ctype.h>
#include <stdarg.h>

static const char *const field_names[OB_FF_COUNT] = {
	"country", "admin1", "admin2", "territory", "year", "month", "date", "iccs",
	"iccs_section", "iccs_division", "iccs_group", "iccs_class", "sex", "age", "age_group",
	"hour", "manner", "mechanism", "place", "relationship", "context", "source",
	"institution",
};

/* Older spellings: the indicators' names and the analyser's weapon. */
static const struct {
	const char *name;
	enum ob_filter_field field;
} aliases[] = {
	{ "category", OB_FF_ICCS },
	{ "victim_sex", OB_FF_SEX },
	{ "victim_age", OB_FF_AGE },
	{ "weapon", OB_FF_MECHANISM },
};

const char *ob_filter_field_name(enum ob_filter_field f)
{
	return (unsigned)f < OB_FF_COUNT ? field_names[f] : "?";
}

int ob_filter_field_parse(const char *s, size_t n)
{
	for (int i = 0; i < OB_FF_COUNT; i++)
		if (strlen(field_names[i]) == n && !memcmp(field_names[i], s, n))
			return i;
	for (size_t i = 0; i < OB_ARRAY_SIZE(aliases); i++)
		if (strlen(aliases[i].name) == n && !memcmp(aliases[i].name, s, n))
			return (int)aliases[i].field;
	return -1;
}

/* ------------------------------------------------------------------------
 * Messages: the valid values, or the nearest ones when there are many.
 */
ob_err ob_filter_error(struct ob_diag *d, const struct ob_filter_at *at, const char *v,
                       size_t n, const char *es, const char *en, ...)
{
	va_list ap;
	ob_err e;

	va_start(ap, en);
	e = ob_diag_vset2(d, at->code, at->what, at->line, at->column, v, n, es, en, ap);
	va_end(ap);
	return e;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), prev[65], cur[65];

	if (na > 64)
		na = 64;
	if (nb > 64)
		nb = 64;
	for (size_t j = 0; j <= nb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= na; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t c = prev[j - 1] + (tolower((unsigned char)a[i - 1]) !=
			                          tolower((unsigned char)b[j - 1]));
			size_t x = prev[j] + 1, y = cur[j - 1] + 1;
			cur[j] = c < x ? (c < y ? c : y) : (x < y ? x : y);
		}
		memcpy(prev, cur, (nb + 1) * sizeof(size_t));
	}
	return prev[nb];
}

#define LIST_ALL_BELOW 40
#define LIST_NEAREST 10

/* Append to es and en the candidates (all when few, else the nearest to
 * value, said in each language); a list cut at a buffer's ceiling stays cut
 * (it is a message). */
static void list_valid(struct ob_buf *es, struct ob_buf *en, const char *value,
                       const char *const *cand, size_t n)
{
	if (n <= LIST_ALL_BELOW) {
		for (size_t i = 0; i < n; i++) {
			ob_buf_putf(es, "%s%s", i ? ", " : "", cand[i]);
			ob_buf_putf(en, "%s%s", i ? ", " : "", cand[i]);
		}
		return;
	}
	size_t *best = ob_malloc(LIST_NEAREST * sizeof(size_t)), nb = 0;
	size_t *dist = ob_malloc(n * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		dist[i] = edit_distance(value, cand[i]);
	for (size_t k = 0; k < LIST_NEAREST && k < n; k++) {
		size_t at = SIZE_MAX;
		for (size_t i = 0; i < n; i++) {
			bool taken = false;
			for (size_t j = 0; j < nb; j++)
				taken |= best[j] == i;
			if (!taken && (at == SIZE_MAX || dist[i] < dist[at]))
				at = i;
		}
		best[nb++] = at;
	}
	ob_buf_puts(es, "(los más cercanos) ");
	ob_buf_puts(en, "(the nearest) ");
	for (size_t j = 0; j < nb; j++) {
		ob_buf_putf(es, "%s%s", j ? ", " : "", cand[best[j]]);
		ob_buf_putf(en, "%s%s", j ? ", " : "", cand[best[j]]);
	}
	ob_buf_putf(es, " ... (%zu en total)", n);
	ob_buf_putf(en, " ... (%zu in all)", n);
	free(best);
	free(dist);
}

ob_err ob_filter_unknown_value(struct ob_diag *d, const struct ob_filter_at *at,
                               const char *field_es, const char *field_en, const char *v,
                               size_t n, const char *const *cand, size_t ncand)
{
	struct ob_buf es, en, list_es, list_en;
	char value[128];
	ob_err e;

	snprintf(value, sizeof(value), "%.*s", (int)(n < 100 ? n : 100), v);
	ob_buf_init(&list_es, 4096);
	ob_buf_init(&list_en, 4096);
	list_valid(&list_es, &list_en, value, cand, ncand);
	ob_buf_init(&es, sizeof(d->message));
	ob_buf_init(&en, sizeof(d->message));
	ob_buf_putf(&es, "valor desconocido para «%s»; válidos: %s", field_es,
	            list_es.len ? list_es.ptr : "-");
	ob_buf_putf(&en, "unknown value for «%s»; valid: %s", field_en,
	            list_en.len ? list_en.ptr : "-");
	e = ob_diag_set_texts(d, at->code, at->what, at->line, at->column, v, n,
	                      es.ptr ? es.ptr : "", en.ptr ? en.ptr : "");
	ob_buf_release(&en);
	ob_buf_release(&es);
	ob_buf_release(&list_en);
	ob_buf_release(&list_es);
	return e;
}

ob_err ob_filter_bad_value(struct ob_diag *d, const struct ob_filter_at *at, const char *field,
                           const char *v, size_t n, const char *expected_es,
                           const char *expected_en)
{
	char es[sizeof(d->message)], en[sizeof(d->message)];

	snprintf(es, sizeof(es), "valor no válido para «%s»: se esperaba %s", field, expected_es);
	snprintf(en, sizeof(en), "invalid value for «%s»: expected %s", field, expected_en);
	return ob_diag_set_texts(d, at->code, at->what, at->line, at->column, v, n, es, en);
}

/* ------------------------------------------------------------------------
 * Values.
 */
static bool parse_long(const char *s, size_t n, long lo, long hi, long *out)
{
	long long v;

	if (!ob_parse_int(s, n, lo, hi, &v))
		return false;
	*out = (long)v;
	return true;
}

bool ob_filter_span(const char *s, size_t n, long min, long max, long *lo, long *hi)
{
	const char *dots = NULL;
	size_t sep = 2;

	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '.' && s[i + 1] == '.') {
			dots = s + i;
			break;
		}
	if (!dots && n > 1 && memchr(s + 1, '-', n - 1)) {
		dots = memchr(s + 1, '-', n - 1);
		sep = 1;
	}
	if (dots)
		return parse_long(s, (size_t)(dots - s), min, max, lo) &&
		       parse_long(dots + sep, n - (size_t)(dots - s) - sep, min, max, hi);
	if (n && s[n - 1] == '+') {
		*hi = max;
		return parse_long(s, n - 1, min, max, lo);
	}
	if (!parse_long(s, n, min, max, lo))
		return false;
	*hi = *lo;
	return true;
}

bool ob_filter_date(const char *s, size_t n, long *ymd)
{
	long y, m, dd;

	if (n != 10 || s[4] != '-' || s[7] != '-' || !parse_long(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) ||
	    !parse_long(s + 5, 2, 1, 12, &m) || !parse_long(s + 8, 2, 1, 31, &dd))
		return false;
	*ymd = y * 10000 + m * 100 + dd;
	return true;
}

char ob_filter_sex(const char *s, size_t n)
{
	char c = n == 1 ? (char)toupper((unsigned char)s[0]) : 0;

	return c == 'F' || c == 'M' || c == 'U' ? c : 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_value_sep(char c)
{
	return c == ',' || c == '|';
}

bool ob_filter_next_value(const char **it, const char *end, const char **v, size_t *n)
{
	while (*it < end && (is_value_sep(**it) || is_blank(**it)))
		(*it)++;
	if (*it >= end)
		return false;
	*v = *it;
	while (*it < end && !is_value_sep(**it))
		(*it)++;
	*n = (size_t)(*it - *v);
	while (*n && is_blank((*v)[*n - 1]))
		(*n)--;
	return true;
}

/* ------------------------------------------------------------------------
 * Clauses.
 */

/* The one message of an unknown field, with the canonical names. */
static ob_err unknown_field(struct ob_diag *d, const struct ob_filter_at *at, const char *k,
                            size_t n)
{
	struct ob_buf es, en;
	ob_err e;

	ob_buf_init(&es, 1024);
	ob_buf_init(&en, 1024);
	ob_buf_puts(&es, "campo desconocido; válidos: ");
	ob_buf_puts(&en, "unknown field; valid: ");
	list_valid(&es, &en, "", field_names, OB_FF_COUNT);
	e = ob_diag_set_texts(d, at->code, at->what, at->line, at->column, k, n,
	                      es.ptr ? es.ptr : "", en.ptr ? en.ptr : "");
	ob_buf_release(&en);
	ob_buf_release(&es);
	return e;
}

/* The end of the values that start at p: the values and the separators
 * between them, up to a "&" or a blank not followed by a separator. */
static const char *values_end(const char *p, const char *end)
{
	bool after_sep = true; /* at the start, or just after a separator */

	while (p < end && *p != '&') {
		if (is_blank(*p)) {
			const char *q = p;
			while (q < end && is_blank(*q))
				q++;
			/* a blank goes on within the list only next to a separator */
			if (q < end && (after_sep || is_value_sep(*q))) {
				p = q;
				continue;
			}
			break;
		}
		after_sep = is_value_sep(*p);
		p++;
	}
	return p;
}

ob_err ob_filter_parse(const char *text, size_t n, const struct ob_filter_at *at,
                       ob_filter_clause_fn fn, void *ctx, struct ob_diag *d)
{
	const char *p = text, *end = text + n;
	bool joined = false; /* a "&" waits for its clause */
	ob_err e;

	if (n > OB_MAX_QUERY_WHERE)
		return OB_DIAG(d, OB_ETOOBIG, at->what, at->line, at->column, NULL, 0,
		               "filtro de más de %d bytes", "filter longer than %d bytes",
		               OB_MAX_QUERY_WHERE);
	for (;;) {
		struct ob_filter_clause c;
		const char *k, *eq;
		int f;

		while (p < end && (is_blank(*p) || *p == '&')) {
			if (*p == '&' && joined)
				return ob_filter_error(d, at, "&", 1,
				                       "cláusula vacía entre «&»",
				                       "empty clause between «&»");
			joined |= *p == '&';
			p++;
		}
		if (p >= end) {
			if (joined)
				return ob_filter_error(d, at, "&", 1,
				                       "«&» al final: falta una cláusula",
				                       "«&» at the end: a clause is missing");
			return OB_OK;
		}
		joined = false;
		/* the field, up to "=" (blanks before it allowed) */
		k = p;
		while (p < end && *p != '=' && *p != '&' && !is_blank(*p))
			p++;
		c.key = k;
		c.nk = (size_t)(p - k);
		while (p < end && is_blank(*p))
			p++;
		if (p >= end || *p != '=') {
			eq = p;
			while (eq < end && *eq != '&' && !is_blank(*eq))
				eq++;
			return ob_filter_error(d, at, k, (size_t)(eq - k),
			                       "falta «=»; se esperaba CAMPO=VALORES, p. ej. "
			                       "iccs=0101",
			                       "missing «=»; expected FIELD=VALUES, e.g. iccs=0101");
		}
		p++;
		if ((f = ob_filter_field_parse(c.key, c.nk)) < 0)
			return unknown_field(d, at, c.key, c.nk);
		c.field = (enum ob_filter_field)f;
		while (p < end && is_blank(*p))
			p++;
		c.vals = p;
		p = values_end(p, end);
		c.nv = (size_t)(p - c.vals);
		while (c.nv && (is_blank(c.vals[c.nv - 1]) || is_value_sep(c.vals[c.nv - 1])))
			c.nv--;
		/* "field=" followed by another clause: no value */
		if (c.nv && memchr(c.vals, '=', c.nv))
			c.nv = 0, p = c.vals;
		if (!c.nv)
			return ob_filter_bad_value(d, at, field_names[f], c.key, c.nk,
			                           "al menos un valor tras «=»",
			                           "at least one value after '='");
		if ((e = fn(ctx, &c, d)))
			return e;
	}
}
