/* ini.c - the one reader of observa's INI settings files (see ini.h for the syntax). */
#include "io/ini.h"

#include "text/text.h"

struct reader {
	const char *name;
	unsigned flags;
	ob_ini_fn fn;
	void *ctx;
	struct ob_diag *d;
	long line;
	long nsections, nkeys;
	char section[OB_MAX_CONFIG_LINE + 1];
	long section_line;
	char buf[OB_MAX_CONFIG_LINE + 1]; /* the current line, cut and unescaped in place */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_comment(char c)
{
	return c == ';' || c == '#';
}

/* A syntax error at column col (0-based index into the line) showing s[0..n). */
/* A syntax error at column col of the line, its text in both languages. */
static ob_err syntax(struct reader *r, size_t col, const char *s, size_t n, const char *es,
                     const char *en)
{
	return OB_DIAG(r->d, OB_EPARSE, r->name, r->line, (long)col + 1, s, n, "%s%.0s", "%.0s%s",
	               es, en);
}

/* s[i..n) trimmed of blanks at both ends: the new bounds. */
static void trim(const char *s, size_t *i, size_t *n)
{
	while (*i < *n && is_blank(s[*i]))
		(*i)++;
	while (*n > *i && is_blank(s[*n - 1]))
		(*n)--;
}

/* "[name]" at s[i..n) (s[i] == '['), a comment allowed after the ']'. */
static ob_err section_line(struct reader *r, char *s, size_t i, size_t n)
{
	static const char malformed[] = "sección mal formada; se esperaba [nombre]";
	static const char malformed_en[] = "malformed section; expected [name]";
	struct ob_ini_item it = { 0 };
	const char *close = memchr(s + i, ']', n - i);
	size_t a = i + 1, b, rest;

	if (!close)
		return syntax(r, i, s + i, n - i, malformed, malformed_en);
	b = (size_t)(close - s);
	rest = b + 1;
	while (rest < n && is_blank(s[rest]))
		rest++;
	if (rest < n && !is_comment(s[rest]))
		return syntax(r, rest, s + i, n - i, malformed, malformed_en);
	trim(s, &a, &b);
	if (a == b || memchr(s + a, '[', b - a))
		return syntax(r, i, s + i, (size_t)(close - s) + 1 - i, malformed, malformed_en);
	if (++r->nsections > OB_MAX_INI_SECTIONS)
		return OB_DIAG(r->d, OB_ETOOBIG, r->name, r->line, (long)i + 1, NULL, 0,
		               "más de %d secciones", "more than %d sections",
		               OB_MAX_INI_SECTIONS);
	memcpy(r->section, s + a, b - a);
	r->section[b - a] = '\0';
	r->section_line = r->line;
	it.section = r->section;
	it.section_line = r->line;
	it.line = r->line;
	it.key_column = (long)i + 1;
	it.value_column = (long)a + 1;
	return r->fn(r->ctx, &it);
}

/*
 * A quoted value starting at s[q] == '"': unescaped in place from s[q]
 * on. *vlen becomes its length; the rest of the line must be blanks or a
 * comment.
 */
static ob_err quoted_value(struct reader *r, char *s, size_t q, size_t n, size_t *vlen)
{
	size_t i = q + 1, out = q;

	for (;;) {
		if (i >= n)
			return syntax(r, q, s + q, n - q, "falta la comilla de cierre",
			              "missing closing quote");
		if (s[i] == '"')
			break;
		if (s[i] == '\\') {
			if (i + 1 >= n || (s[i + 1] != '"' && s[i + 1] != '\\'))
				return syntax(r, i, s + i, i + 1 < n ? 2 : 1,
				              "escape no válido: entre comillas solo \\\" y \\\\",
				              "invalid escape: only \\\" and \\\\ inside quotes");
			i++;
		}
		s[out++] = s[i++];
	}
	*vlen = out - q;
	for (i++; i < n && is_blank(s[i]); i++)
		;
	if (i < n && !is_comment(s[i]))
		return syntax(r, i, s + i, n - i, "texto tras la comilla de cierre; se esperaba el "
		              "fin de la línea o un comentario",
		              "text after the closing quote; expected the end of the line or a "
		              "comment");
	return OB_OK;
}

/* "key = value" at s[i..n). */
static ob_err key_line(struct reader *r, char *s, size_t i, size_t n)
{
	struct ob_ini_item it = { 0 };
	const char *eq = memchr(s + i, '=', n - i);
	size_t ka = i, kb, va, vb;
	ob_err e;

	if (!eq) {
		size_t b = n;
		trim(s, &i, &b);
		return syntax(r, i, s + i, b - i, "se esperaba «clave = valor» o «[sección]»",
		              "expected «key = value» or «[section]»");
	}
	kb = (size_t)(eq - s);
	trim(s, &ka, &kb);
	if (ka == kb)
		return syntax(r, (size_t)(eq - s), s + i, n - i,
		              "falta la clave antes de «=»", "missing key before «=»");
	if (!r->section_line && !(r->flags & OB_INI_GLOBAL_KEYS))
		return syntax(r, ka, s + ka, kb - ka, "clave fuera de una sección; se esperaba "
		              "antes una línea «[sección]»",
		              "key outside a section; expected a «[section]» line before it");
	if (++r->nkeys > OB_MAX_INI_KEYS)
		return OB_DIAG(r->d, OB_ETOOBIG, r->name, r->line, (long)ka + 1, NULL, 0,
		               "más de %d claves", "more than %d keys", OB_MAX_INI_KEYS);
	va = (size_t)(eq - s) + 1;
	while (va < n && is_blank(s[va]))
		va++;
	if (va < n && s[va] == '"') {
		size_t vn = 0;
		if ((e = quoted_value(r, s, va, n, &vn)))
			return e;
		vb = va + vn;
		it.quoted = true;
	} else {
		/* the first character of a value never starts a comment */
		vb = va + (va < n);
		while (vb < n && !(is_comment(s[vb]) && is_blank(s[vb - 1])))
			vb++;
		while (vb > va && is_blank(s[vb - 1]))
			vb--;
	}
	s[kb] = '\0';
	s[vb] = '\0';
	it.section = r->section;
	it.section_line = r->section_line;
	it.key = s + ka;
	it.key_len = kb - ka;
	it.value = s + va;
	it.value_len = vb - va;
	it.line = r->line;
	it.key_column = (long)ka + 1;
	it.value_column = (long)va + 1;
	return r->fn(r->ctx, &it);
}

static ob_err one_line(struct reader *r, const char *text, size_t n)
{
	size_t i = 0, valid;
	const char *nul;

	if (n && text[n - 1] == '\r')
		n--;
	if (n > OB_MAX_CONFIG_LINE)
		return OB_DIAG(r->d, OB_ETOOBIG, r->name, r->line, OB_MAX_CONFIG_LINE + 1, NULL,
		               0, "línea de más de %d bytes", "line longer than %d bytes",
		               OB_MAX_CONFIG_LINE);
	if ((nul = memchr(text, '\0', n)))
		return OB_DIAG(r->d, OB_EENCODING, r->name, r->line, (long)(nul - text) + 1,
		               NULL, 0, "byte NUL: no es un archivo de texto",
		               "NUL byte: not a text file");
	if ((valid = ob_utf8_valid_len(text, n)) != n)
		return OB_DIAG(r->d, OB_EENCODING, r->name, r->line, (long)valid + 1,
		               text + valid, 1,
		               "texto que no es UTF-8: guarde el archivo en UTF-8",
		               "text that is not UTF-8: save the file as UTF-8");
	memcpy(r->buf, text, n);
	r->buf[n] = '\0';
	while (i < n && is_blank(r->buf[i]))
		i++;
	if (i == n || is_comment(r->buf[i]))
		return OB_OK;
	if (r->buf[i] == '[')
		return section_line(r, r->buf, i, n);
	return key_line(r, r->buf, i, n);
}

ob_err ob_ini_parse(const char *text, size_t len, const char *name, unsigned flags,
                    ob_ini_fn fn, void *ctx, struct ob_diag *d)
{
	struct reader *r;
	size_t i = 0;
	ob_err e = OB_OK;

	if (len > OB_MAX_CONFIG_FILE)
		return OB_DIAG(d, OB_ETOOBIG, name, 0, 0, NULL, 0, "archivo de más de %d bytes",
		               "file larger than %d bytes", OB_MAX_CONFIG_FILE);
	r = ob_calloc(1, sizeof(*r));
	r->name = name;
	r->flags = flags;
	r->fn = fn;
	r->ctx = ctx;
	r->d = d;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;

		r->line++;
		if ((e = one_line(r, text + i, n)))
			break;
		i += n + 1;
	}
	free(r);
	return e;
}
