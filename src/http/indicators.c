/* indicators.c - indicator metadata and published values (from the latest
 * release, so the API never shows a figure the disclosure control did not
 * pass), and submissions uploaded by the institutions. */
#include "http/internal.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <fcntl.h>
#include <pthread.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "base/log.h"
#include "base/strmap.h"
#include "engine/indicators.h"
#include "ingest/ingest.h"
#include "io/json.h"
#include "publish/release.h"
#include "text/text.h"
#include "store/audit.h"
#include "survey/profile.h"

/* ---- GET /api/v1/indicators ---- */

void ob_http_h_indicators(struct ob_http_call *c)
{
	static const char *const cols[] = { "id", "name_es", "name_en", "description_es",
		                            "description_en", "unit", "multiplier", "denominator",
		                            "sdg", "iccs", "disaggregations", "url" };
	struct ob_indicator_set *set = NULL;
	struct ob_svy_catalog cat;
	struct ob_http_table t;
	struct ob_diag d;
	long long limit, offset;
	bool def;

	ob_diag_clear(&d);
	if (ob_indicators_load_dir(c->ctx->dir ? c->ctx->dir : ".", &set, &def, &d)) {
		OB_ERROR("API: indicadores: %s", "API: indicators: %s", d.message);
		ob_http_fail(c->res, 500, "definitions", NULL,
		             "No se pudieron leer las definiciones de los indicadores; el "
		             "administrador encontrará el detalle en el registro del servidor.",
		             "The indicator definitions could not be read.");
		return;
	}
	if (ob_svy_catalog_load(c->ctx->dir ? c->ctx->dir : ".", &cat, &d)) {
		OB_ERROR("API: indicadores de encuesta: %s", "API: survey indicators: %s", d.message);
		cat.n = 0;
	}
	ob_http_page(c, &limit, &offset);
	ob_http_table_begin(&t, c, cols, OB_ARRAY_SIZE(cols), (long long)(set->n + cat.n), limit,
	                    offset);
	for (size_t i = (size_t)offset; i < set->n && i < (size_t)(offset + limit); i++) {
		const struct ob_indicator *x = &set->v[i];
		char den[OB_IND_ID_MAX + 32], by[256], url[OB_IND_ID_MAX + 32];
		size_t o = 0;

		if (x->denom == OB_DEN_INDICATOR)
			snprintf(den, sizeof(den), "indicator:%s", x->denom_id);
		else if (x->denom_age_lo >= 0)
			snprintf(den, sizeof(den), "population%s%s:%d-%d", x->denom_sex == 'T' ? "" : ":",
			         x->denom_sex == 'F' ? "F" : x->denom_sex == 'M' ? "M" : "",
			         x->denom_age_lo, x->denom_age_hi);
		else
			snprintf(den, sizeof(den), "population%s", x->denom_sex == 'F' ? ":F"
			                                           : x->denom_sex == 'M' ? ":M" : "");
		by[0] = '\0';
		for (int b = 0; b < OB_BY_COUNT; b++)
			if (x->by_allowed & (1u << b))
				o += (size_t)snprintf(by + o, o < sizeof(by) ? sizeof(by) - o : 0, "%s%s",
				                      o ? "|" : "", ob_ind_by_name((enum ob_ind_by)b));
		snprintf(url, sizeof(url), "/api/v1/indicators/%s", x->id);
		ob_http_table_str(&t, x->id);
		ob_http_table_str(&t, x->name_es);
		ob_http_table_str(&t, x->name_en);
		ob_http_table_str(&t, x->description_es);
		ob_http_table_str(&t, x->description_en);
		ob_http_table_str(&t, x->unit);
		ob_http_table_num(&t, x->multiplier);
		ob_http_table_str(&t, den);
		ob_http_table_str(&t, x->sdg && x->sdg[0] ? x->sdg : NULL);
		ob_http_table_str(&t, x->iccs && x->iccs[0] ? x->iccs : NULL);
		ob_http_table_str(&t, by);
		ob_http_table_str(&t, url);
		ob_http_table_end_row(&t);
	}
	/* then the survey indicators: shares estimated from a survey, in percent */
	for (size_t i = offset > (long long)set->n ? (size_t)offset - set->n : 0;
	     i < cat.n && set->n + i < (size_t)(offset + limit); i++) {
		const struct ob_svy_indicator *x = &cat.ind[i];
		char url[OB_MAX_NAME + 32];
		snprintf(url, sizeof(url), "/api/v1/indicators/%s", x->id);
		ob_http_table_str(&t, x->id);
		ob_http_table_str(&t, x->name_es);
		ob_http_table_str(&t, x->name_en);
		ob_http_table_str(&t, x->description_es);
		ob_http_table_str(&t, x->description_en);
		ob_http_table_str(&t, "%");
		ob_http_table_num(&t, 100);
		ob_http_table_str(&t, "survey");
		ob_http_table_str(&t, x->sdg[0] ? x->sdg : NULL);
		ob_http_table_str(&t, NULL);
		ob_http_table_str(&t, "");
		ob_http_table_str(&t, url);
		ob_http_table_end_row(&t);
	}
	ob_http_table_end(&t);
	ob_svy_catalog_release(&cat);
	ob_indicators_free(set);
}

/* ---- the published indicator table, kept in memory per release ---- */

struct pcell {
	char kind; /* 'n' null, 's' string, 'i' integer, 'r' real (as text in s) */
	union {
		char *s;
		long long i;
	} u;
};

struct prange {
	size_t first, end;
};

struct ob_http_pub {
	char key[OB_MAX_PATH + 40];   /* dir and version */
	char version[32];
	size_t ncols, nrows;
	char **cols;
	struct pcell *cells;          /* nrows * ncols */
	struct ob_strmap by_indicator; /* id -> struct prange */
	struct ob_strmap by_territory; /* "id\x1fTERRITORY" -> struct prange (rows of a
	                                  unit are contiguous within an indicator) */
	size_t cap;                   /* rows cells has room for */
	int col_indicator, col_territory, col_year, col_sex;
	int refs;                     /* holders; the cache holds one */
	struct pub_block *blocks;     /* the cells' texts (pub_text) */
};

/* The cells' texts are kept in blocks that the table frees together: one
 * allocation for thousands of cells instead of one each (a release of the
 * region's demo has millions of them). PUB_BLOCK is an allocation size,
 * not a limit: a longer text gets a block of its own. */
#define PUB_BLOCK (256 * 1024)

struct pub_block {
	struct pub_block *next;
	size_t used, cap;
	char data[];
};

/* A copy of s[0..n), NUL-terminated, that lives as long as p. */
static char *pub_text(struct ob_http_pub *p, const char *s, size_t n)
{
	struct pub_block *b = p->blocks;
	char *t;

	if (!b || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > PUB_BLOCK ? n + 1 : PUB_BLOCK;
		b = ob_malloc(sizeof(*b) + cap);
		b->cap = cap;
		b->used = 0;
		b->next = p->blocks;
		p->blocks = b;
	}
	t = b->data + b->used;
	memcpy(t, s, n);
	t[n] = '\0';
	b->used += n + 1;
	return t;
}

static pthread_mutex_t pub_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ob_http_pub *pub_cache;

static void published_free(struct ob_http_pub *p)
{
	if (!p)
		return;
	while (p->blocks) {
		struct pub_block *next = p->blocks->next;
		free(p->blocks);
		p->blocks = next;
	}
	for (size_t i = 0; i < p->ncols; i++)
		free(p->cols[i]);
	ob_strmap_for_each(&p->by_indicator, e) free(e->value);
	ob_strmap_release(&p->by_indicator);
	ob_strmap_for_each(&p->by_territory, e) free(e->value);
	ob_strmap_release(&p->by_territory);
	free(p->cells);
	free(p->cols);
	free(p);
}

static void published_put(struct ob_http_pub *p)
{
	bool last;

	if (!p)
		return;
	pthread_mutex_lock(&pub_mu);
	last = --p->refs == 0;
	pthread_mutex_unlock(&pub_mu);
	if (last)
		published_free(p);
}

/* The columns of p from the release's "columns" array; false when it is
 * not an array of strings naming the indicator, territory, year and sex
 * columns. */
static bool pub_columns(struct ob_http_pub *p, json_t *cols)
{
	if (!json_is_array(cols))
		return false;
	p->ncols = json_array_size(cols);
	p->cols = ob_calloc(p->ncols + 1, sizeof(char *));
	p->col_indicator = p->col_territory = p->col_year = p->col_sex = -1;
	for (size_t k = 0; k < p->ncols; k++) {
		const char *n = json_string_value(json_array_get(cols, k));
		p->cols[k] = ob_strdup(n ? n : "");
		if (!strcmp(p->cols[k], "indicator"))
			p->col_indicator = (int)k;
		else if (!strcmp(p->cols[k], "territory"))
			p->col_territory = (int)k;
		else if (!strcmp(p->cols[k], "year"))
			p->col_year = (int)k;
		else if (!strcmp(p->cols[k], "sex"))
			p->col_sex = (int)k;
	}
	return p->col_indicator >= 0 && p->col_territory >= 0 && p->col_year >= 0 &&
	       p->col_sex >= 0;
}

/* The cells of p's next row (not yet counted in nrows), each null. */
static struct pcell *pub_row_room(struct ob_http_pub *p)
{
	struct pcell *cell;

	if (p->nrows == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 1024;
		p->cells = ob_realloc(p->cells, p->cap * p->ncols * sizeof(struct pcell) + 1);
	}
	cell = &p->cells[p->nrows * p->ncols];
	for (size_t k = 0; k < p->ncols; k++)
		cell[k].kind = 'n';
	return cell;
}

/* A real number's cell: kept as the short text that reads back as the
 * same number ("0.136693", not 0.13669300000000001); null when it is not
 * finite. */
static void pub_real(struct ob_http_pub *p, struct pcell *cell, double x)
{
	char num[64];
	int n;

	if (!isfinite(x))
		return;
	n = snprintf(num, sizeof(num), "%.15g", x);
	if (n <= 0 || n >= (int)sizeof(num))
		return;
	cell->kind = 'r';
	cell->u.s = pub_text(p, num, (size_t)n);
}

static void pub_index_row(struct ob_http_pub *p);

/* Add the release's row (a JSON object) as p's next row, and index it. */
static void pub_add_row(struct ob_http_pub *p, json_t *row)
{
	struct pcell *cell = pub_row_room(p);

	for (size_t k = 0; k < p->ncols; k++) {
		json_t *v = json_object_get(row, p->cols[k]);
		if (json_is_string(v)) {
			cell[k].kind = 's';
			cell[k].u.s = pub_text(p, json_string_value(v), json_string_length(v));
		} else if (json_is_integer(v)) {
			cell[k].kind = 'i';
			cell[k].u.i = json_integer_value(v);
		} else if (json_is_real(v)) {
			pub_real(p, &cell[k], json_real_value(v));
		}
	}
	pub_index_row(p);
}

/* Count the row pub_row_room gave as p's last, and index it. */
static void pub_index_row(struct ob_http_pub *p)
{
	size_t i = p->nrows++;
	struct pcell *cell = &p->cells[i * p->ncols];
	int ci = p->col_indicator;

	if (cell[ci].kind == 's') {
		const char *id = cell[ci].u.s;
		struct prange *r = ob_strmap_get(&p->by_indicator, id, strlen(id));
		if (!r) {
			r = ob_malloc(sizeof(*r));
			r->first = i;
			ob_strmap_put(&p->by_indicator, id, strlen(id), r, NULL);
		}
		r->end = i + 1;
		if (cell[p->col_territory].kind == 's') {
			char tkey[OB_IND_ID_MAX + OB_MAX_NAME + 2];
			int kn = snprintf(tkey, sizeof(tkey), "%s\x1f%s", id,
			                  cell[p->col_territory].u.s);
			struct prange *tr;
			if (kn > 0 && kn < (int)sizeof(tkey)) {
				for (int q = (int)strlen(id) + 1; q < kn; q++)
					if (tkey[q] >= 'a' && tkey[q] <= 'z')
						tkey[q] = (char)(tkey[q] - 32);
				tr = ob_strmap_get(&p->by_territory, tkey, (size_t)kn);
				if (!tr) {
					tr = ob_malloc(sizeof(*tr));
					tr->first = i;
					ob_strmap_put(&p->by_territory, tkey, (size_t)kn, tr, NULL);
				}
				tr->end = i + 1;
			}
		}
	}
}

/* The position after the blanks from at in text[0..len). */
static size_t pub_blank(const char *text, size_t len, size_t at)
{
	while (at < len && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' ||
	                    text[at] == '\r'))
		at++;
	return at;
}

/* One JSON value from text[*at..len) (jansson's own reading, so every value
 * is read as the whole document would be), *at moved past it; NULL when
 * it is not one. An object, an array or a string ends at its closing
 * character; a number, true, false or null is read alone, to its last
 * character. */
static json_t *pub_value(const char *text, size_t len, size_t *at)
{
	json_error_t err;
	json_t *v;
	size_t n = 0;

	if (*at >= len)
		return NULL;
	if (text[*at] == '{' || text[*at] == '[' || text[*at] == '"') {
		v = json_loadb(text + *at, len - *at, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY,
		               &err);
		if (v && (err.position <= 0 || (size_t)err.position > len - *at)) {
			json_decref(v);
			return NULL;
		}
		if (v)
			*at += (size_t)err.position;
		return v;
	}
	while (*at + n < len && (isalnum((unsigned char)text[*at + n]) || text[*at + n] == '-' ||
	                         text[*at + n] == '+' || text[*at + n] == '.'))
		n++;
	if (!n || !(v = json_loadb(text + *at, n, JSON_DECODE_ANY, &err)))
		return NULL;
	*at += n;
	return v;
}

/* The four hexadecimal digits at s as a number; -1 when they are not. */
static long pub_hex4(const char *s)
{
	long v = 0;

	for (int k = 0; k < 4; k++) {
		int c = (unsigned char)s[k], x;
		if (c >= '0' && c <= '9')
			x = c - '0';
		else if (c >= 'a' && c <= 'f')
			x = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			x = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + x;
	}
	return v;
}

/*
 * The JSON string at text[*at] ('"'), decoded as jansson decodes it, into
 * out[0..*n) (out has room for the raw text's length: a decoded string is
 * never longer), *at moved past its closing quote; out NULL when the
 * string has no escape (*n is then its length, at text + *at + 1 before
 * the move). False for what jansson refuses (a control character, bad
 * UTF-8, a bad or NUL escape, a lone surrogate) or reads otherwise: the
 * caller then leaves the row to jansson.
 */
static bool pub_fast_string(const char *text, size_t len, size_t *at, char *out, size_t *n,
                            bool *escaped)
{
	size_t i = *at + 1, o = 0, start = i;

	*escaped = false;
	while (i < len && text[i] != '"') {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20)
			return false;
		if (c != '\\') {
			if (*escaped)
				out[o++] = (char)c;
			i++;
			continue;
		}
		if (!*escaped) {
			if (!out)
				return false;
			memcpy(out, text + start, i - start);
			o = i - start;
			*escaped = true;
		}
		if (i + 1 >= len)
			return false;
		switch (text[i + 1]) {
		case '"': out[o++] = '"'; break;
		case '\\': out[o++] = '\\'; break;
		case '/': out[o++] = '/'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			long u, lo;
			if (i + 6 > len || (u = pub_hex4(text + i + 2)) < 0)
				return false;
			if (u >= 0xDC00 && u <= 0xDFFF)
				return false;
			if (u >= 0xD800 && u <= 0xDBFF) {
				if (i + 12 > len || text[i + 6] != '\\' || text[i + 7] != 'u' ||
				    (lo = pub_hex4(text + i + 8)) < 0xDC00 || lo > 0xDFFF)
					return false;
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			}
			if (u == 0)
				return false;
			if (u < 0x80) {
				out[o++] = (char)u;
			} else if (u < 0x800) {
				out[o++] = (char)(0xC0 | (u >> 6));
				out[o++] = (char)(0x80 | (u & 0x3F));
			} else if (u < 0x10000) {
				out[o++] = (char)(0xE0 | (u >> 12));
				out[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
				out[o++] = (char)(0x80 | (u & 0x3F));
			} else {
				out[o++] = (char)(0xF0 | (u >> 18));
				out[o++] = (char)(0x80 | ((u >> 12) & 0x3F));
				out[o++] = (char)(0x80 | ((u >> 6) & 0x3F));
				out[o++] = (char)(0x80 | (u & 0x3F));
			}
			i += 6;
			continue;
		}
		default:
			return false;
		}
		i += 2;
	}
	if (i >= len || ob_utf8_valid_len(text + start, i - start) != i - start)
		return false;
	*n = *escaped ? o : i - start;
	*at = i + 1;
	return true;
}

/* The end of the JSON number at text[at..len) (RFC 8259's grammar), at
 * itself when there is none; *real when it has a fraction or an exponent. */
static size_t pub_number_end(const char *text, size_t len, size_t at, bool *real)
{
	size_t i = at, d;

	*real = false;
	if (i < len && text[i] == '-')
		i++;
	if (i < len && text[i] == '0')
		i++;
	else if (i < len && text[i] >= '1' && text[i] <= '9')
		while (i < len && isdigit((unsigned char)text[i]))
			i++;
	else
		return at;
	if (i < len && text[i] == '.') {
		d = ++i;
		while (i < len && isdigit((unsigned char)text[i]))
			i++;
		if (i == d)
			return at;
		*real = true;
	}
	if (i < len && (text[i] == 'e' || text[i] == 'E')) {
		i++;
		if (i < len && (text[i] == '+' || text[i] == '-'))
			i++;
		d = i;
		while (i < len && isdigit((unsigned char)text[i]))
			i++;
		if (i == d)
			return at;
		*real = true;
	}
	return i;
}

/*
 * The row at text[*at] ('{') read without jansson when it is what the
 * release writes, an object of strings, numbers, true, false and null:
 * each value goes straight to its column's cell, as pub_add_row would put
 * it (a text in the table's blocks), and *at moves past the row. False,
 * with nothing counted and *at where it was, for anything else (a nested
 * value, a text jansson would refuse or read otherwise): the caller then
 * reads the row with jansson. Most of the time of loading a release was
 * jansson making and freeing an object per row and a value per cell.
 */
static bool pub_fast_row(struct ob_http_pub *p, const char *text, size_t len, size_t *at,
                         char **scratch, size_t *scratch_cap)
{
	struct pcell *cell = pub_row_room(p);
	size_t i = pub_blank(text, len, *at + 1), next_col = 0;

	if (i < len && text[i] == '}')
		goto done;
	for (;;) {
		size_t kn, vn, kat;
		bool esc, real;
		int col = -1;

		if (i >= len || text[i] != '"')
			return false;
		/* the key: a column's name has no escape */
		kat = i;
		if (!pub_fast_string(text, len, &i, NULL, &kn, &esc))
			return false;
		if (next_col < p->ncols && strlen(p->cols[next_col]) == kn &&
		    !memcmp(p->cols[next_col], text + kat + 1, kn))
			col = (int)next_col;
		else
			for (size_t k = 0; k < p->ncols; k++)
				if (strlen(p->cols[k]) == kn && !memcmp(p->cols[k], text + kat + 1, kn)) {
					col = (int)k;
					break;
				}
		next_col = col >= 0 ? (size_t)col + 1 : next_col;
		i = pub_blank(text, len, i);
		if (i >= len || text[i] != ':')
			return false;
		i = pub_blank(text, len, i + 1);
		if (i >= len)
			return false;
		if (text[i] == '"') {
			size_t vat = i, raw = 0;
			while (vat + 1 + raw < len && text[vat + 1 + raw] != '"')
				raw += text[vat + 1 + raw] == '\\' ? 2 : 1;
			if (raw + 1 > *scratch_cap) {
				*scratch_cap = raw + 1 > 2 * *scratch_cap ? raw + 1 : 2 * *scratch_cap;
				*scratch = ob_realloc(*scratch, *scratch_cap);
			}
			if (!pub_fast_string(text, len, &i, *scratch, &vn, &esc))
				return false;
			if (col >= 0) {
				cell[col].kind = 's';
				cell[col].u.s = pub_text(p, esc ? *scratch : text + vat + 1, vn);
			}
		} else if (text[i] == '-' || isdigit((unsigned char)text[i])) {
			size_t end = pub_number_end(text, len, i, &real);
			char num[64], *stop;
			if (end == i || end - i >= sizeof(num))
				return false;
			memcpy(num, text + i, end - i);
			num[end - i] = '\0';
			errno = 0;
			if (real) {
				double x = strtod(num, &stop);
				if (*stop || isinf(x))
					return false;
				if (col >= 0) {
					cell[col].kind = 'n';
					pub_real(p, &cell[col], x);
				}
			} else {
				long long x = strtoll(num, &stop, 10);
				if (*stop || errno == ERANGE)
					return false;
				if (col >= 0) {
					cell[col].kind = 'i';
					cell[col].u.i = x;
				}
			}
			i = end;
		} else if (len - i >= 4 && (!memcmp(text + i, "true", 4) ||
		                            !memcmp(text + i, "null", 4))) {
			if (col >= 0)
				cell[col].kind = 'n';
			i += 4;
		} else if (len - i >= 5 && !memcmp(text + i, "false", 5)) {
			if (col >= 0)
				cell[col].kind = 'n';
			i += 5;
		} else {
			return false;
		}
		i = pub_blank(text, len, i);
		if (i < len && text[i] == ',') {
			i = pub_blank(text, len, i + 1);
			continue;
		}
		if (i < len && text[i] == '}')
			break;
		return false;
	}
done:
	*at = i + 1;
	pub_index_row(p);
	return true;
}

/*
 * Read the release's indicators.json (an object whose "columns" come
 * before its "data", as the release writes them) one row at a time: the
 * whole document as one tree is about ten times the file in memory and
 * most of the time of the first page that needs it (seconds for a million
 * records). The values are read by jansson, so each is exactly what the
 * whole tree held. False when the text is not so laid out (the caller
 * then reads the whole tree).
 */
static bool pub_stream(struct ob_http_pub *p, const char *text, size_t len)
{
	size_t at = pub_blank(text, len, 0), scratch_cap = 0;
	bool have_cols = false, have_data = false, ok = false;
	char *scratch = NULL;

	if (at >= len || text[at] != '{')
		return false;
	at = pub_blank(text, len, at + 1);
	while (at < len && text[at] != '}') {
		json_t *key = pub_value(text, len, &at);
		const char *k = json_string_value(key);
		bool cols = k && !strcmp(k, "columns"), data = k && !strcmp(k, "data");

		json_decref(key);
		if (!k)
			goto free_scratch;
		at = pub_blank(text, len, at);
		if (at >= len || text[at] != ':')
			goto free_scratch;
		at = pub_blank(text, len, at + 1);
		if (data) {
			if (!have_cols || at >= len || text[at] != '[')
				goto free_scratch;
			at = pub_blank(text, len, at + 1);
			while (at < len && text[at] != ']') {
				json_t *row;
				if (text[at] != '{')
					goto free_scratch;
				if (!pub_fast_row(p, text, len, &at, &scratch, &scratch_cap)) {
					/* what the release does not write: jansson's reading */
					if (!(row = pub_value(text, len, &at)))
						goto free_scratch;
					pub_add_row(p, row);
					json_decref(row);
				}
				at = pub_blank(text, len, at);
				if (at < len && text[at] == ',')
					at = pub_blank(text, len, at + 1);
			}
			if (at >= len)
				goto free_scratch;
			at++;
			have_data = true;
		} else {
			json_t *v = pub_value(text, len, &at);
			bool good = v && (!cols || (!have_cols && pub_columns(p, v)));
			json_decref(v);
			if (!good)
				goto free_scratch;
			have_cols |= cols;
		}
		at = pub_blank(text, len, at);
		if (at < len && text[at] == ',')
			at = pub_blank(text, len, at + 1);
	}
	ok = have_data && at < len && pub_blank(text, len, at + 1) == len;
free_scratch:
	free(scratch);
	return ok;
}

/* A new, empty table. */
static struct ob_http_pub *pub_new(const char *version, const char *key)
{
	struct ob_http_pub *p = ob_calloc(1, sizeof(*p));

	ob_strlcpy(p->key, key, sizeof(p->key));
	ob_strlcpy(p->version, version, sizeof(p->version));
	ob_strmap_init(&p->by_indicator);
	ob_strmap_init(&p->by_territory);
	return p;
}

static struct ob_http_pub *published_load(const char *dir, const char *version, const char *key)
{
	struct ob_http_pub *p;
	char path[OB_MAX_PATH];
	struct ob_diag d;
	json_t *root, *data, *row;
	char *text;
	size_t len, i;
	bool ok;

	if (snprintf(path, sizeof(path), "%s/%s/%s/indicators.json", dir, OB_RELEASES_DIR,
	             version) >= (int)sizeof(path))
		return NULL;
	ob_diag_clear(&d);
	if (ob_read_file(path, OB_MAX_RELEASE_MEM_FILE, &text, &len, &d)) {
		ob_error("API: %s: %s", path, d.message);
		return NULL;
	}
	p = pub_new(version, key);
	ok = pub_stream(p, text, len);
	if (!ok) {
		/* laid out otherwise: the whole tree */
		published_free(p);
		p = pub_new(version, key);
		root = json_loadb(text, len, 0, NULL);
		data = json_object_get(root, "data");
		ok = root && json_is_array(data) && pub_columns(p, json_object_get(root, "columns"));
		if (ok)
			json_array_foreach(data, i, row)
				pub_add_row(p, row);
		if (!root)
			ob_error("API: %s: JSON ilegible / unreadable JSON", path);
		json_decref(root);
	}
	free(text);
	if (!ok) {
		published_free(p);
		return NULL;
	}
	return p;
}

/* The latest release's indicator table (a reference the caller puts back
 * with published_put), or NULL when there is none. */
static struct ob_http_pub *published_get(const char *dir)
{
	/* the release being loaded (its key; empty: none): one thread loads it
	 * while the others asking for it wait, instead of each parsing the
	 * whole table at once when a server starts (the warm-up and the first
	 * visitors' requests) */
	static char loading[OB_MAX_PATH + 40];
	static pthread_cond_t loaded = PTHREAD_COND_INITIALIZER;
	char version[32], key[OB_MAX_PATH + 40];
	struct ob_http_pub *p = NULL;

	if (!dir || ob_release_latest(dir, version, sizeof(version)))
		return NULL;
	snprintf(key, sizeof(key), "%s\n%s", dir, version);
	pthread_mutex_lock(&pub_mu);
	for (;;) {
		if (pub_cache && !strcmp(pub_cache->key, key)) {
			p = pub_cache;
			p->refs++;
			pthread_mutex_unlock(&pub_mu);
			return p;
		}
		if (strcmp(loading, key))
			break;
		pthread_cond_wait(&loaded, &pub_mu);
	}
	/* another release may still be loading: this one goes ahead, and
	 * whichever ends last stays in the cache */
	ob_strlcpy(loading, key, sizeof(loading));
	pthread_mutex_unlock(&pub_mu);
	p = published_load(dir, version, key);
	pthread_mutex_lock(&pub_mu);
	if (!strcmp(loading, key))
		loading[0] = '\0';
	pthread_cond_broadcast(&loaded);
	if (!p) {
		pthread_mutex_unlock(&pub_mu);
		return NULL;
	}
	p->refs = 2;
	if (pub_cache && --pub_cache->refs == 0)
		published_free(pub_cache);
	pub_cache = p;
	pthread_mutex_unlock(&pub_mu);
	return p;
}

static bool row_matches(const struct ob_http_pub *p, size_t r, const char *territory,
                        long long year, bool by_sex)
{
	const struct pcell *cell = &p->cells[r * p->ncols];
	const struct pcell *ts = &cell[p->col_territory], *ys = &cell[p->col_year],
	                   *ss = &cell[p->col_sex];

	if (territory && (ts->kind != 's' || strcasecmp(ts->u.s, territory)))
		return false;
	if (year >= 0 && !(ys->kind == 'i' && ys->u.i == year))
		return false;
	if (!by_sex && !(ss->kind == 's' && !strcmp(ss->u.s, "T")))
		return false;
	return true;
}

/* The rows of indicator id in p (of one unit when territory is given and
 * the index has it: a unit's rows are contiguous; else the whole indicator,
 * to be filtered by row_matches), or NULL when p lacks the indicator. */
static const struct prange *pub_range(const struct ob_http_pub *p, const char *id,
                                      const char *territory)
{
	const struct prange *r = ob_strmap_get(&p->by_indicator, id, strlen(id));

	if (r && territory) {
		char key[OB_IND_ID_MAX + OB_MAX_NAME + 2];
		int kn = snprintf(key, sizeof(key), "%s\x1f%s", id, territory);
		const struct prange *tr = NULL;
		if (kn > 0 && kn < (int)sizeof(key)) {
			for (int q = (int)strlen(id) + 1; q < kn; q++)
				if (key[q] >= 'a' && key[q] <= 'z')
					key[q] = (char)(key[q] - 32);
			tr = ob_strmap_get(&p->by_territory, key, (size_t)kn);
		}
		if (tr && tr->first >= r->first && tr->end <= r->end)
			r = tr;
	}
	return r;
}

struct ob_http_pub *ob_http_pub_get(const char *dir)
{
	return published_get(dir);
}

void ob_http_pub_put(struct ob_http_pub *p)
{
	published_put(p);
}

const char *ob_http_pub_version(const struct ob_http_pub *p)
{
	return p->version;
}

/* The cell of column name in row i, or NULL when the table has no such
 * column. */
static const char *cell_str(const struct pcell *x)
{
	return x && x->kind == 's' ? x->u.s : NULL;
}

/* A number cell: its text as the API writes it (into tmp for an integer)
 * and its value; false when null. */
static bool cell_num(const struct pcell *x, char *tmp, size_t size, const char **text,
                     double *v)
{
	*text = NULL;
	*v = 0;
	if (!x || (x->kind != 'i' && x->kind != 'r'))
		return false;
	if (x->kind == 'i') {
		snprintf(tmp, size, "%lld", x->u.i);
		*text = tmp;
		*v = (double)x->u.i;
	} else {
		*text = x->u.s;
		*v = strtod(x->u.s, NULL);
	}
	return true;
}

/* The columns a struct ob_http_pub_row is read from, in the order of
 * enum row_col. */
static const char *const row_col_names[] = {
	"territory", "territory_name", "parent", "parent_name", "flags", "status", "unit",
	"level", "count", "denominator", "value", "lower", "upper",
};
enum row_col { RC_TERRITORY, RC_TERRITORY_NAME, RC_PARENT, RC_PARENT_NAME, RC_FLAGS, RC_STATUS,
               RC_UNIT, RC_LEVEL, RC_COUNT, RC_DENOMINATOR, RC_VALUE, RC_LOWER, RC_UPPER, RC_N };
_Static_assert(OB_ARRAY_SIZE(row_col_names) == RC_N, "a name for every column");

/* Row i's cell of column index k (-1: the release lacks the column). */
static const struct pcell *cell_at(const struct ob_http_pub *p, size_t i, long k)
{
	return k < 0 ? NULL : &p->cells[i * p->ncols + (size_t)k];
}

bool ob_http_pub_rows(const struct ob_http_pub *p, const char *id, const char *territory,
                      long long year, bool (*fn)(void *arg, const struct ob_http_pub_row *r),
                      void *arg)
{
	const struct prange *r = pub_range(p, id, territory);
	long col[RC_N];

	if (!r)
		return false;
	/* the columns found once, not by name in every row */
	for (size_t c = 0; c < RC_N; c++) {
		col[c] = -1;
		for (size_t k = 0; k < p->ncols; k++)
			if (!strcmp(p->cols[k], row_col_names[c])) {
				col[c] = (long)k;
				break;
			}
	}
	for (size_t i = r->first; i < r->end; i++) {
		struct ob_http_pub_row row;
		char t0[32], t1[32], t2[32], t3[32], t4[32];
		const struct pcell *lv, *yr;
		double dummy;
		const char *dtext;

		if (!row_matches(p, i, territory, year, false))
			continue;
		memset(&row, 0, sizeof(row));
		row.territory = cell_str(cell_at(p, i, col[RC_TERRITORY]));
		row.territory_name = cell_str(cell_at(p, i, col[RC_TERRITORY_NAME]));
		row.parent = cell_str(cell_at(p, i, col[RC_PARENT]));
		row.parent_name = cell_str(cell_at(p, i, col[RC_PARENT_NAME]));
		row.flags = cell_str(cell_at(p, i, col[RC_FLAGS]));
		row.status = cell_str(cell_at(p, i, col[RC_STATUS]));
		row.unit = cell_str(cell_at(p, i, col[RC_UNIT]));
		lv = cell_at(p, i, col[RC_LEVEL]);
		yr = &p->cells[i * p->ncols + (size_t)p->col_year];
		row.level = lv && lv->kind == 'i' ? lv->u.i : -1;
		row.year = yr->kind == 'i' ? yr->u.i : -1;
		row.has_count = cell_num(cell_at(p, i, col[RC_COUNT]), t0, sizeof(t0), &dtext, &dummy);
		row.count = (long long)dummy;
		row.has_denominator = cell_num(cell_at(p, i, col[RC_DENOMINATOR]), t1, sizeof(t1),
		                               &dtext, &row.denominator);
		row.has_value = cell_num(cell_at(p, i, col[RC_VALUE]), t2, sizeof(t2), &row.value_text,
		                         &row.value);
		cell_num(cell_at(p, i, col[RC_LOWER]), t3, sizeof(t3), &row.lower_text, &row.lower);
		cell_num(cell_at(p, i, col[RC_UPPER]), t4, sizeof(t4), &row.upper_text, &row.upper);
		if (!fn(arg, &row))
			break;
	}
	return true;
}

void ob_http_h_indicator(struct ob_http_call *c)
{
	struct ob_http_pub *p;
	const char *territory = ob_http_str(c, "territory"), *by = ob_http_str(c, "by");
	long long year = ob_http_int(c, "year", -1), limit, offset, total = 0, seen = 0;
	const struct prange *r;
	struct ob_http_table t;
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	bool by_sex = by && !strcmp(by, "sex");

	if (ob_http_survey_indicator(c)) /* survey.c */
		return;
	p = published_get(c->ctx->dir);
	if (!p) {
		ob_http_fail(c->res, 404, "no_release", NULL,
		             "El observatorio aún no ha publicado cifras; se publican con «observa "
		             "publish». Las definiciones están en /api/v1/indicators.",
		             "The observatory has published no figures yet ('observa publish'). "
		             "The definitions are at /api/v1/indicators.");
		return;
	}
	if (!(r = pub_range(p, c->path_value, territory))) {
		snprintf(es, sizeof(es), "El indicador «%.80s» no está en la publicación %s; la "
		         "lista está en /api/v1/indicators.", c->path_value, p->version);
		snprintf(en, sizeof(en), "Indicator '%.80s' is not in release %s; see "
		         "/api/v1/indicators.", c->path_value, p->version);
		ob_http_fail(c->res, 404, "not_found", "id", es, en);
		published_put(p);
		return;
	}
	ob_http_page(c, &limit, &offset);
	for (size_t i = r->first; i < r->end; i++)
		total += row_matches(p, i, territory, year, by_sex);
	ob_http_table_begin(&t, c, (const char *const *)p->cols, p->ncols, total, limit, offset);
	ob_http_header_add(c->res, "X-Release", "%s", p->version);
	for (size_t i = r->first; i < r->end && seen < offset + limit; i++) {
		const struct pcell *cell = &p->cells[i * p->ncols];
		if (!row_matches(p, i, territory, year, by_sex) || seen++ < offset)
			continue;
		for (size_t k = 0; k < p->ncols; k++) {
			switch (cell[k].kind) {
			case 's': ob_http_table_str(&t, cell[k].u.s); break;
			case 'i': ob_http_table_int(&t, cell[k].u.i); break;
			case 'r': ob_http_table_numtext(&t, cell[k].u.s); break;
			default: ob_http_table_str(&t, NULL);
			}
		}
		ob_http_table_end_row(&t);
	}
	ob_http_table_end(&t);
	published_put(p);
}

/* ---- POST /api/v1/submissions ---- */

static ob_err add_str(struct ob_buf *b, const char *k, const char *v)
{
	ob_err e = ob_buf_addf(b, ",\"%s\":", k);

	return e ? e : ob_json_str(b, v, strlen(v));
}

/* The file's bytes contradict the profile's encoding: a sentence for the
 * message of a refusal. */
static void encoding_note(char *msg, size_t size, const struct ob_ingest_result *r, bool en)
{
	const struct ob_csv_encoding_check *k = &r->encoding_check;
	size_t n = strlen(msg);

	if (!k->contradicted || n + 1 >= size)
		return;
	n += (size_t)snprintf(msg + n, size - n,
	                      en ? " Warning: the file is not in %s as the profile says; read as %s"
	                         : " Aviso: el archivo no está en %s como dice el perfil; se lee "
	                           "en %s",
	                      ob_encoding_name(k->given), r->encoding);
	for (size_t i = 0; i < k->nexamples && n + 1 < size; i++)
		n += (size_t)snprintf(msg + n, size - n,
		                      en ? "; line %ld, column %ld: «%s» / «%s»"
		                         : "; línea %ld, columna %ld: «%s» / «%s»",
		                      k->examples[i].line, k->examples[i].column, k->examples[i].as_given,
		                      k->examples[i].as_read);
}

/* "encoding_warning": null, or what was declared, what was read and examples. */
static ob_err encoding_json(struct ob_buf *b, const struct ob_ingest_result *r)
{
	const struct ob_csv_encoding_check *k = &r->encoding_check;
	ob_err e = ob_buf_adds(b, ",\"encoding_warning\":");

	if (!k->contradicted)
		return e | ob_buf_adds(b, "null");
	e |= ob_buf_addf(b, "{\"declared\":\"%s\",\"read_as\":\"%s\",\"examples\":[",
	                 ob_encoding_name(k->given), r->encoding);
	for (size_t i = 0; i < k->nexamples; i++) {
		e |= ob_buf_addf(b, "%s{\"line\":%ld,\"column\":%ld", i ? "," : "",
		                 k->examples[i].line, k->examples[i].column);
		e |= add_str(b, "as_declared", k->examples[i].as_given);
		e |= add_str(b, "as_read", k->examples[i].as_read);
		e |= ob_buf_addc(b, '}');
	}
	return e | ob_buf_adds(b, "]}");
}

/* A refusal of ob_http_submit: the status, the error code and parameter,
 * the message in both languages. */
/* The audit entry of an upload, written inside the delivery's
 * transaction (ob_ingest_options.before_commit). */
struct upload_audit {
	struct ob_http_call *c;
	const char *source, *name;
	size_t len;
	bool failed;
};

static ob_err audit_upload(void *arg, struct ob_store *s, const struct ob_ingest_result *res,
                           struct ob_diag *d)
{
	struct upload_audit *au = arg;
	struct ob_buf detail = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL);
	ob_err e;

	/* the detail lines are short: within OB_MAX_AUDIT_DETAIL */
	if (ob_buf_addf(&detail, "source=%.64s file=%.100s bytes=%zu period=%.32s submission=%lld "
	                         "sha256=%s rows=%lld accepted=%lld rejected=%lld",
	                au->source, au->name, au->len, res->period[0] ? res->period : "-",
	                res->submission, res->sha256, res->rows_read, res->accepted,
	                res->rejected))
		ob_buf_reset(&detail);
	e = ob_audit_append(s, NULL, au->c->who.name, "submit", "submission", detail.ptr, NULL, d);
	if (e) {
		OB_ERROR("API: auditoría: %s", "API: audit: %s", d->message);
		au->failed = true;
	}
	ob_buf_release(&detail);
	return e;
}

static ob_err refuse(struct ob_http_submit_out *o, int status, const char *code,
                     const char *param, const char *es, const char *en)
{
	o->status = status;
	o->code = code;
	o->param = param;
	ob_strlcpy(o->es, es, sizeof(o->es));
	ob_strlcpy(o->en, en, sizeof(o->en));
	return OB_EUSAGE;
}

ob_err ob_http_submit(struct ob_http_call *c, const char *source, const char *name,
                      const char *period, bool reprocess, const char *type, const char *data,
                      size_t len, struct ob_http_submit_out *o)
{
	struct ob_ingest_options io;
	struct ob_ingest_result *res = &o->res;
	struct ob_buf detail = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL);
	char path[OB_MAX_PATH], tmpdir[OB_MAX_PATH] = "", es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	struct upload_audit au = { NULL, NULL, NULL, 0, false };
	struct ob_diag d, ad;
	int fd;
	ob_err e, de;

	memset(o, 0, sizeof(*o));
	if (!source && c->who.role == OB_ROLE_SUBMITTER && c->who.source[0])
		source = c->who.source;
	if (!source)
		return refuse(o, 400, "missing_parameter", "source",
		              "Indique la fuente del archivo con ?source=CÓDIGO.",
		              "Say the file's source with ?source=CODE.");
	if (c->who.role == OB_ROLE_SUBMITTER && strcmp(source, c->who.source)) {
		snprintf(es, sizeof(es), "Esta cuenta solo puede enviar archivos de la fuente «%s».",
		         c->who.source);
		snprintf(en, sizeof(en), "This account may only submit files of source '%s'.",
		         c->who.source);
		return refuse(o, 403, "forbidden", "source", es, en);
	}
	if (type && !strncasecmp(type, "multipart/", 10))
		return refuse(o, 415, "unsupported_media_type", NULL,
		              "Envíe el archivo tal cual como cuerpo de la petición (text/csv), no "
		              "como formulario multipart.",
		              "Send the file as the request body (text/csv), not as a multipart "
		              "form.");
	if (!len)
		return refuse(o, 400, "empty_body", NULL, "El cuerpo está vacío: envíe el archivo.",
		              "The body is empty: send the file.");
	/* the file keeps its name (for the logbook) inside a private folder */
	{
		char base[128];
		const char *nm = name ? name : "upload.csv", *slash = strrchr(nm, '/');
		size_t n = 0;

		for (nm = slash ? slash + 1 : nm; *nm && n + 1 < sizeof(base); nm++)
			base[n++] = (*nm >= 'a' && *nm <= 'z') || (*nm >= 'A' && *nm <= 'Z') ||
			            (*nm >= '0' && *nm <= '9') || *nm == '.' || *nm == '-' || *nm == '_'
			            ? *nm : '_';
		base[n] = '\0';
		if (!n || base[0] == '.')
			ob_strlcpy(base, "upload.csv", sizeof(base));
		fd = -1;
		if (snprintf(tmpdir, sizeof(tmpdir), "%s/.upload-XXXXXX",
		             c->ctx->dir ? c->ctx->dir : ".") < (int)sizeof(tmpdir) &&
		    mkdtemp(tmpdir) &&
		    snprintf(path, sizeof(path), "%s/%s", tmpdir, base) < (int)sizeof(path))
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			if (tmpdir[0])
				rmdir(tmpdir);
			return refuse(o, 500, "io_error", NULL, "No se pudo guardar el archivo recibido.",
			              "The uploaded file could not be stored.");
		}
	}
	{
		size_t off = 0;
		while (off < len) {
			ssize_t w = write(fd, data + off, len - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		if (off < len || fsync(fd) != 0) {
			close(fd);
			unlink(path);
			rmdir(tmpdir);
			return refuse(o, 500, "io_error", NULL, "No se pudo guardar el archivo recibido.",
			              "The uploaded file could not be stored.");
		}
		close(fd);
	}
	/* an ingest may take longer than a query: no time limit here */
	ob_store_guard_untimed(c->ctx->store);
	memset(&io, 0, sizeof(io));
	io.display_name = name ? name : "upload.csv";
	io.period = period;
	io.reprocess = reprocess;
	/* the upload's audit entry is written with the delivery, in its
	 * transaction: both or neither */
	au.c = c;
	au.source = source;
	au.name = io.display_name;
	au.len = len;
	io.before_commit = audit_upload;
	io.before_commit_arg = &au;
	ob_diag_clear(&d);
	e = ob_ingest_file(c->ctx->store, source, path, &io, res, &d);
	unlink(path);
	rmdir(tmpdir);
	if (e && au.failed) {
		ob_buf_release(&detail);
		return refuse(o, 500, "audit_failed", NULL,
		              "El archivo no se ingirió: no se pudo registrar en la auditoría; "
		              "avise al administrador.",
		              "The file was not ingested: its audit entry could not be written.");
	}
	if (e && (c->interrupted || (e == OB_ESTORE && ob_store_last_failure(c->ctx->store) ==
	                                                   OB_STORE_BUSY))) {
		/* the store's write lock did not come within the request's time
		 * (PostgreSQL: its lock_timeout, store.h): nothing was written;
		 * the delivery can be sent again */
		ob_buf_release(&detail);
		o->retry_after = 10;
		return refuse(o, 503, "timeout", NULL,
		              "El almacén está recibiendo otras entregas y esta no pudo empezar a "
		              "tiempo; no se ingirió nada. Envíela de nuevo en unos segundos.",
		              "The store is taking other deliveries and this one could not start in "
		              "time; nothing was ingested. Send it again in a few seconds.");
	}
	if (e || res->already) {
		/* refused, or bytes already ingested: nothing was written, and the
		 * attempt is recorded on its own */
		de = ob_buf_addf(&detail, "source=%.64s file=%.100s bytes=%zu period=%.32s", source,
		                 io.display_name, len, res->period[0] ? res->period : "-");
		if (e)
			de |= ob_buf_addf(&detail, " refused=%s", ob_err_name(e));
		else
			de |= ob_buf_addf(&detail, " submission=%lld sha256=%s already",
			                  res->submission, res->sha256);
		if (de)
			ob_buf_reset(&detail);
		ob_diag_clear(&ad);
		if (ob_audit_append(c->ctx->store, NULL, c->who.name, "submit", "submission",
		                    detail.ptr, NULL, &ad))
			OB_ERROR("API: auditoría: %s", "API: audit: %s", ad.message);
	}
	ob_buf_release(&detail);
	if (e) {
		char msg[OB_MAX_MESSAGE], msg_en[OB_MAX_MESSAGE];
		ob_diag_format_lang(&d, OB_LANG_ES, msg, sizeof(msg));
		encoding_note(msg, sizeof(msg), res, false);
		ob_diag_format_lang(&d, OB_LANG_EN, msg_en, sizeof(msg_en));
		encoding_note(msg_en, sizeof(msg_en), res, true);
		refuse(o, e == OB_ENOSOURCE ? 404 : e == OB_ESTORE || e == OB_EIO ? 500
		          : e == OB_EUSAGE ? 400 : e == OB_EOVERLAP ? 409 : 422,
		       e == OB_ENOSOURCE ? "unknown_source" : e == OB_EUSAGE ? "bad_parameter"
		       : e == OB_EPERSONAL ? "personal_columns" : e == OB_EOVERLAP ? "period_overlap"
		       : "refused", e == OB_EUSAGE ? "period" : NULL, msg, msg_en);
		return e;
	}
	o->status = res->already ? 200 : 201;
	o->display_name = io.display_name;
	return OB_OK;
}

void ob_http_h_submission(struct ob_http_call *c)
{
	const struct ob_http_request *req = c->req;
	const char *source = ob_http_str(c, "source"), *name = ob_http_str(c, "file");
	struct ob_http_submit_out *o = ob_calloc(1, sizeof(*o));
	struct ob_ingest_result *res = &o->res;
	struct ob_buf *b = &c->res->body;
	ob_err e;

	if (ob_http_submit(c, source, name, ob_http_str(c, "period"),
	                   ob_http_int(c, "reprocess", 0) == 1, req->content_type, req->body,
	                   req->body_len, o)) {
		ob_http_fail(c->res, o->status, o->code, o->param, o->es, o->en);
		if (o->retry_after)
			ob_http_header_add(c->res, "Retry-After", "%d", o->retry_after);
		free(o);
		return;
	}
	if (!source)
		source = c->who.source;
	c->audited = true;
	c->res->status = o->status;
	e = ob_buf_addf(b, "{\"submission\":%lld,\"superseded\":%lld,\"already\":%s",
	                res->submission, res->superseded, res->already ? "true" : "false");
	e |= add_str(b, "source", source);
	e |= add_str(b, "file", o->display_name);
	e |= ob_buf_addf(b, ",\"rows_read\":%lld,\"accepted\":%lld,\"rejected\":%lld,"
	                 "\"warned\":%lld,\"footer_rows\":%lld,\"version\":%lld,"
	                 "\"header_line\":%ld", res->rows_read, res->accepted, res->rejected,
	                 res->warned, res->footer_rows, res->version, res->header_line);
	e |= add_str(b, "period_from", res->period_from);
	e |= add_str(b, "period_to", res->period_to);
	e |= add_str(b, "period", res->period);
	e |= add_str(b, "period_basis", res->period_basis);
	e |= add_str(b, "period_note", res->period_note);
	e |= ob_buf_addf(b, ",\"outside_period\":%lld,\"superseded_count\":%lld",
	                 res->outside_period, res->nsuperseded);
	e |= encoding_json(b, res);
	e |= add_str(b, "sha256", res->sha256);
	e |= add_str(b, "profile_sha256", res->profile_sha256);
	e |= add_str(b, "crosswalks_sha256", res->crosswalks_sha256);
	e |= ob_buf_addf(b, ",\"unchanged\":%s,\"reprocessed\":%lld,\"warnings\":%lld",
	                 res->unchanged ? "true" : "false", res->reprocessed, res->warnings);
	{
		struct ob_jw j = OB_JW_INIT(b);
		ob_jw_s(&j, ",\"reasons\":");
		ob_reasons_array(&j, res->reasons, res->nreasons);
		ob_jw_s(&j, ",\"warning_reasons\":");
		ob_reasons_array(&j, res->warning_reasons, res->nwarning_reasons);
		e |= ob_jw_err(&j);
	}
	e |= add_str(b, "encoding", res->encoding);
	e |= ob_buf_addf(b, ",\"delimiter\":\"%s\"}\n", res->delimiter == '\t' ? "\\t"
	                                               : res->delimiter == ';' ? ";"
	                                               : res->delimiter == '|' ? "|" : ",");
	if (e) /* the file is in; only its report does not fit this server's responses */
		ob_http_fail_too_large(c);
	free(o);
}
