/* refcsv.c - test-only reader of the R reference CSV files. */
#include "test.h"

#include <limits.h>
#include <math.h>

#include "base/buf.h"
#include "refcsv.h"

static void fail_at(const char *file, int line, const char *fmt, ...) OB_PRINTF(3, 4);

static void fail_at(const char *file, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_error("%s\n", msg);
	_fail(file, line);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			p = ob_realloc(p, cap + 1);
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	p[n] = '\0';
	*len = n;
	return p;
}

struct cellvec {
	char **v;
	size_t n, cap;
};

static void push(struct cellvec *cv, char *s)
{
	if (cv->n == cv->cap) {
		cv->cap = cv->cap ? cv->cap * 2 : 256;
		cv->v = ob_realloc(cv->v, cv->cap * sizeof(*cv->v));
	}
	cv->v[cv->n++] = s;
}

/*
 * Split text into records of fields. Returns false on an unterminated
 * quote. Each record's field count is appended to counts.
 */
static bool split(const char *s, size_t len, struct cellvec *cells, size_t **counts,
                  size_t *nrec)
{
	size_t i = 0, cap = 0;

	*nrec = 0;
	*counts = NULL;
	while (i < len) {
		size_t nf = 0;
		if (s[i] == '\n' || (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')) {
			/* blank line: skip */
			i += s[i] == '\r' ? 2 : 1;
			continue;
		}
		for (;;) {
			struct ob_buf b = OB_BUF_INIT(OB_MAX_FIELD);
			if (i < len && s[i] == '"') {
				i++;
				for (;;) {
					if (i >= len) {
						ob_buf_release(&b);
						return false;
					}
					if (s[i] == '"') {
						if (i + 1 < len && s[i + 1] == '"') {
							ob_buf_putc(&b, '"');
							i += 2;
							continue;
						}
						i++;
						break;
					}
					ob_buf_putc(&b, s[i++]);
				}
			}
			while (i < len && s[i] != ',' && s[i] != '\n' && s[i] != '\r')
				ob_buf_putc(&b, s[i++]);
			push(cells, b.ptr ? ob_buf_detach(&b, NULL) : ob_strdup(""));
			nf++;
			if (i < len && s[i] == ',') {
				i++;
				continue;
			}
			if (i < len && s[i] == '\r')
				i++;
			if (i < len && s[i] == '\n')
				i++;
			break;
		}
		if (*nrec == cap) {
			cap = cap ? cap * 2 : 256;
			*counts = ob_realloc(*counts, cap * sizeof(**counts));
		}
		(*counts)[(*nrec)++] = nf;
	}
	return true;
}

void refcsv_load(struct refcsv *t, const char *relpath)
{
	const char *dir = getenv("OBSERVA_TESTDATA");
	struct cellvec cv = { NULL, 0, 0 };
	size_t *counts = NULL, nrec = 0, len = 0;
	char *text;

	memset(t, 0, sizeof(*t));
	if (!dir)
		fail_at(__FILE__, __LINE__, "OBSERVA_TESTDATA is not set");
	snprintf(t->path, sizeof(t->path), "%s/%s", dir, relpath);
	text = slurp(t->path, &len);
	if (!text)
		fail_at(__FILE__, __LINE__, "%s: cannot read: %s", t->path, strerror(errno));
	if (!split(text, len, &cv, &counts, &nrec) || nrec < 1) {
		free(text);
		fail_at(__FILE__, __LINE__, "%s: malformed CSV", t->path);
	}
	free(text);
	t->ncols = counts[0];
	for (size_t r = 1; r < nrec; r++)
		if (counts[r] != t->ncols) {
			size_t want = t->ncols, got = counts[r];
			free(counts);
			fail_at(__FILE__, __LINE__, "%s: record %zu has %zu fields, header has %zu",
			        t->path, r + 1, got, want);
		}
	free(counts);
	t->nrows = nrec - 1;
	t->header = cv.v;
	t->cells = cv.v + t->ncols;
}

void refcsv_free(struct refcsv *t)
{
	if (t->header) {
		for (size_t i = 0; i < (t->nrows + 1) * t->ncols; i++)
			free(t->header[i]);
		free(t->header);
	}
	memset(t, 0, sizeof(*t));
}

size_t refcsv_col(const struct refcsv *t, const char *name)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (strcmp(t->header[c], name) == 0)
			return c;
	fail_at(__FILE__, __LINE__, "%s: no column \"%s\"", t->path, name);
	return 0;
}

const char *refcsv_str(const struct refcsv *t, size_t row, const char *col)
{
	size_t c = refcsv_col(t, col);
	if (row >= t->nrows)
		fail_at(__FILE__, __LINE__, "%s: no row %zu", t->path, row + 1);
	return t->cells[row * t->ncols + c];
}

bool refcsv_is_na(const struct refcsv *t, size_t row, const char *col)
{
	return strcmp(refcsv_str(t, row, col), "NA") == 0;
}

double refcsv_num(const struct refcsv *t, size_t row, const char *col)
{
	const char *s = refcsv_str(t, row, col);
	char *end;
	double v;

	if (strcmp(s, "NA") == 0 || strcmp(s, "NaN") == 0)
		return NAN;
	if (strcmp(s, "Inf") == 0)
		return INFINITY;
	if (strcmp(s, "-Inf") == 0)
		return -INFINITY;
	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno || !isfinite(v))
		fail_at(__FILE__, __LINE__, "%s: row %zu column %s: \"%s\" is not a number",
		        t->path, row + 2, col, s);
	return v == 0 ? 0.0 : v; /* "-0" reads as zero */
}

long refcsv_int(const struct refcsv *t, size_t row, const char *col)
{
	const char *s = refcsv_str(t, row, col);
	long long v = 0;

	if (!ob_parse_int(s, strlen(s), LONG_MIN, LONG_MAX, &v))
		fail_at(__FILE__, __LINE__, "%s: row %zu column %s: \"%s\" is not an integer",
		        t->path, row + 2, col, s);
	return (long)v;
}

bool refcsv_bool(const struct refcsv *t, size_t row, const char *col)
{
	const char *s = refcsv_str(t, row, col);

	if (strcmp(s, "TRUE") == 0)
		return true;
	if (strcmp(s, "FALSE") != 0)
		fail_at(__FILE__, __LINE__, "%s: row %zu column %s: \"%s\" is not TRUE/FALSE",
		        t->path, row + 2, col, s);
	return false;
}

bool refcsv_close(double got, double want, double rel, double abs)
{
	double scale;

	if (isnan(want) || isnan(got))
		return isnan(want) && isnan(got);
	if (isinf(want) || isinf(got))
		return got == want;
	scale = fabs(got) > fabs(want) ? fabs(got) : fabs(want);
	return fabs(got - want) <= rel * scale + abs;
}

void refcsv_check(const struct refcsv *t, size_t row, const char *col, double got,
                  double rel, double abs, const char *file, int line)
{
	double want;

	if (refcsv_is_na(t, row, col))
		fail_at(file, line, "%s: row %zu column %s is NA, got %.17g", t->path,
		        row + 2, col, got);
	want = refcsv_num(t, row, col);
	if (!refcsv_close(got, want, rel, abs))
		fail_at(file, line,
		        "%s: row %zu column %s: got %.17g, want %.17g (rel. error %.3g, tolerance %g)",
		        t->path, row + 2, col, got, want,
		        want != 0 ? fabs(got - want) / fabs(want) : fabs(got), rel);
}

void refcsv_check_int(const struct refcsv *t, size_t row, const char *col, long got,
                      const char *file, int line)
{
	long want = refcsv_int(t, row, col);

	if (got != want)
		fail_at(file, line, "%s: row %zu column %s: got %ld, want %ld", t->path, row + 2,
		        col, got, want);
}
