/* schools.c - the schools catalogue, catalog/schools.csv, read and checked (schools.h). */
#include "cases/schools.h"

#include "base/file.h"
#include "link/compare.h"
#include "io/csv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { C_CODE, C_NAME, C_TERRITORY, C_LEVEL, C_STUDENTS, C_COUNT };
static const char *const col_names[C_COUNT] = { "code", "name", "territory", "level",
	                                        "students" };
static const bool col_required[C_COUNT] = { true, true, true, true, false };

/* The levels a school may have, as written and as kept. */
static const struct {
	const char *word, *kept;
} levels[] = {
	{ "inicial", "inicial" }, { "parvularia", "parvularia" }, { "basica", "basica" },
	{ "básica", "basica" },   { "media", "media" },
};

static int cmp_code(const void *a, const void *b)
{
	return strcmp(((const struct ob_school *)a)->code, ((const struct ob_school *)b)->code);
}

static bool code_ok(const char *s, size_t n)
{
	if (!n || n >= OB_SCHOOL_CODE)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* level: words of levels[] separated by |, kept as "a|b". */
static bool level_ok(const char *s, size_t n, char *out, size_t size)
{
	size_t at = 0;

	out[0] = '\0';
	for (;;) {
		size_t k = 0, i, wn;
		const char *w = s;

		while (k < n && s[k] != '|')
			k++;
		wn = k;
		trim(&w, &wn);
		for (i = 0; i < OB_ARRAY_SIZE(levels); i++)
			if (strlen(levels[i].word) == wn && !strncmp(levels[i].word, w, wn))
				break;
		if (i == OB_ARRAY_SIZE(levels))
			return false;
		at += (size_t)snprintf(out + at, size - at, "%s%s", at ? "|" : "", levels[i].kept);
		if (at >= size)
			return false;
		if (k == n)
			return true;
		s += k + 1;
		n -= k + 1;
	}
}

static ob_err read_row(const struct ob_csv_record *rec, const long *idx, const char *name,
                       struct ob_school *sc, struct ob_diag *d)
{
	const char *v[C_COUNT];
	size_t n[C_COUNT];

	memset(sc, 0, sizeof(*sc));
	sc->line = rec->line;
	for (int c = 0; c < C_COUNT; c++) {
		v[c] = "";
		n[c] = 0;
		if (idx[c] >= 0 && (size_t)idx[c] < rec->nfields) {
			v[c] = rec->fields[idx[c]].ptr;
			n[c] = rec->fields[idx[c]].len;
			trim(&v[c], &n[c]);
		}
	}
	if (!code_ok(v[C_CODE], n[C_CODE]))
		return OB_DIAG(d, OB_EINVAL, name, rec->line, idx[C_CODE] + 1, v[C_CODE], n[C_CODE],
		               "se esperaba el código del centro escolar: letras, cifras, . _ o -, "
		               "a lo más %d bytes",
		               "expected the school's code: letters, digits, . _ or -, at most %d "
		               "bytes", OB_SCHOOL_CODE - 1);
	memcpy(sc->code, v[C_CODE], n[C_CODE]);
	if (!n[C_NAME] || n[C_NAME] >= OB_SCHOOL_NAME)
		return OB_DIAG(d, OB_EINVAL, name, rec->line, idx[C_NAME] + 1, v[C_NAME], n[C_NAME],
		               "se esperaba el nombre del centro escolar (a lo más %d bytes)",
		               "expected the school's name (at most %d bytes)", OB_SCHOOL_NAME - 1);
	memcpy(sc->name, v[C_NAME], n[C_NAME]);
	if (!code_ok(v[C_TERRITORY], n[C_TERRITORY]))
		return OB_DIAG(d, OB_EINVAL, name, rec->line, idx[C_TERRITORY] + 1, v[C_TERRITORY], n[C_TERRITORY],
		               "se esperaba el código de un territorio del catálogo (SLV0614)",
		               "expected the code of a territory of the catalogue (SLV0614)");
	memcpy(sc->territory, v[C_TERRITORY], n[C_TERRITORY]);
	if (!level_ok(v[C_LEVEL], n[C_LEVEL], sc->level, sizeof(sc->level)))
		return OB_DIAG(d, OB_EINVAL, name, rec->line, idx[C_LEVEL] + 1, v[C_LEVEL], n[C_LEVEL],
		               "se esperaba el nivel: inicial, parvularia, básica o media, o varios "
		               "separados por |",
		               "expected the level: inicial, parvularia, básica or media, or several "
		               "separated by |");
	sc->students = -1;
	if (n[C_STUDENTS] && !ob_parse_int(v[C_STUDENTS], n[C_STUDENTS], 0, 1000000, &sc->students))
		return OB_DIAG(d, OB_EINVAL, name, rec->line, idx[C_STUDENTS] + 1, v[C_STUDENTS], n[C_STUDENTS],
		               "se esperaba el número de estudiantes (de 0 a 1000000) o nada",
		               "expected the number of students (0 to 1000000) or nothing");
	return OB_OK;
}

static const struct ob_csv_options csv_opts = { OB_ENC_UTF8, ',', 0, 0, false, NULL };

ob_err ob_schools_parse(const char *text, size_t len, const char *name, struct ob_schools *s,
                        struct ob_diag *d)
{
	const struct ob_csv_record *rec;
	struct ob_csv_reader *rd;
	long idx[C_COUNT];
	size_t cap = 0;
	ob_err e;

	memset(s, 0, sizeof(*s));
	ob_strlcpy(s->path, name, sizeof(s->path));
	if ((e = ob_csv_open_mem(text, len, name, &csv_opts, &rd, d)))
		return e;
	if ((e = ob_csv_next(rd, &rec, d)) == OB_ENOENT) {
		e = OB_DIAG(d, OB_EEMPTY, name, 0, 0, NULL, 0,
		            "archivo vacío: falta la fila de encabezado (code,name,territory,level,"
		            "students)",
		            "empty file: the header row is missing (code,name,territory,level,"
		            "students)");
		goto close_reader;
	}
	if (e || (e = ob_csv_header_columns(rec, name, col_names, col_required, C_COUNT, idx, d)))
		goto close_reader;
	while (!(e = ob_csv_next(rd, &rec, d))) {
		if (rec->blank)
			continue;
		if (s->n >= OB_MAX_SCHOOLS) {
			e = OB_DIAG(d, OB_ETOOBIG, name, rec->line, 0, NULL, 0,
			            "más de %d centros escolares", "more than %d schools", OB_MAX_SCHOOLS);
			goto close_reader;
		}
		if (s->n == cap) {
			cap = cap ? cap * 2 : 256;
			s->v = ob_realloc(s->v, cap * sizeof(*s->v));
		}
		if ((e = read_row(rec, idx, name, &s->v[s->n], d)))
			goto close_reader;
		s->n++;
	}
	if (e == OB_ENOENT)
		e = OB_OK;
	if (!e && s->n) {
		qsort(s->v, s->n, sizeof(*s->v), cmp_code);
		for (size_t i = 1; i < s->n; i++)
			if (!strcmp(s->v[i].code, s->v[i - 1].code)) {
				const struct ob_school *a = s->v[i].line < s->v[i - 1].line ? &s->v[i] : &s->v[i - 1];
				const struct ob_school *b = a == &s->v[i] ? &s->v[i - 1] : &s->v[i];
				e = OB_DIAG(d, OB_EINVAL, name, b->line, idx[C_CODE] + 1, b->code,
				            strlen(b->code),
				            "centro escolar repetido (ya en la línea %ld): un código, un centro",
				            "school given twice (already on line %ld): one code, one school",
				            a->line);
				break;
			}
	}
close_reader:
	ob_csv_close(rd);
	if (e)
		ob_schools_release(s);
	return e;
}

ob_err ob_schools_load(const char *dir, struct ob_schools *s, struct ob_diag *d)
{
	char path[OB_MAX_PATH], *text;
	size_t len;
	ob_err e;

	memset(s, 0, sizeof(*s));
	if (snprintf(path, sizeof(path), "%s/catalog/schools.csv", dir) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga", "path too long");
	e = ob_read_file(path, (size_t)OB_MAX_SCHOOLS * 512, &text, &len, d);
	if (e == OB_ENOENT) {
		ob_diag_clear(d);
		return OB_OK;
	}
	if (e)
		return e;
	e = ob_schools_parse(text, len, path, s, d);
	free(text);
	return e;
}

void ob_schools_release(struct ob_schools *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

const struct ob_school *ob_schools_find(const struct ob_schools *s, const char *code)
{
	struct ob_school key;

	if (!s || !s->n || !code || strlen(code) >= sizeof(key.code))
		return NULL;
	ob_strlcpy(key.code, code, sizeof(key.code));
	return bsearch(&key, s->v, s->n, sizeof(*s->v), cmp_code);
}

/* Does the folded name hold every space-separated word of the folded q? */
static bool holds_words(const char *name, const char *q)
{
	char word[OB_SCHOOL_NAME + 1];

	while (*q) {
		size_t n = strcspn(q, " ");
		if (n && n < sizeof(word)) {
			memcpy(word, q, n);
			word[n] = '\0';
			if (!strstr(name, word))
				return false;
		}
		q += n;
		q += *q == ' ';
	}
	return true;
}

size_t ob_schools_search(const struct ob_schools *s, const char *text, const char *within,
                         const struct ob_school **out, size_t max)
{
	struct ob_buf q = OB_BUF_INIT(4 * OB_SCHOOL_NAME), name = OB_BUF_INIT(4 * OB_SCHOOL_NAME);
	size_t w = within ? strlen(within) : 0, found = 0;

	if (!s || !s->n)
		return 0;
	if (text && *text && ob_name_fold(text, strlen(text), 0, &q))
		goto release;
	for (size_t i = 0; i < s->n; i++) {
		const struct ob_school *sc = &s->v[i];
		if (w && strncmp(sc->territory, within, w))
			continue;
		if (q.len && strcasecmp(sc->code, text)) {
			ob_buf_reset(&name);
			if (ob_name_fold(sc->name, strlen(sc->name), 0, &name) || !name.ptr ||
			    !holds_words(name.ptr, q.ptr))
				continue;
		}
		if (found < max)
			out[found] = sc;
		found++;
	}
release:
	ob_buf_release(&q);
	ob_buf_release(&name);
	return found;
}
