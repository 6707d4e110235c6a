/*
 * demo_text.c - the demo's text: Latin-1 spellings in UTF-8, and the buffered
 * output every file is written through.
 */
#include "demo/demo_impl.h"

/* ------------------------------------------------------------------ */
/* Latin-1 letters in UTF-8: capitals, accents, folding.               */

static const char unaccent_c3[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTs"
                                  "aaaaaaaceeeeiiiidnooooo/ouuuuyty";

/* Append s to out (size cap) transformed: upper and/or without accents. */
size_t demo_spell(char *out, size_t cap, size_t len, const char *s, bool upper, bool plain)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p && len + 3 < cap) {
		if (p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
			if (plain) {
				char c = unaccent_c3[p[1] - 0x80];
				out[len++] = upper && c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
			} else {
				unsigned char b = p[1];
				if (upper && b >= 0xa0 && b != 0xb7 && b != 0xbf)
					b = (unsigned char)(b - 0x20);
				out[len++] = (char)0xc3;
				out[len++] = (char)b;
			}
			p += 2;
			continue;
		}
		out[len++] = upper && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : (char)*p;
		p++;
	}
	out[len] = '\0';
	return len;
}

/* Matching key: no accents, lower case, letters and digits only. */
void demo_fold(const char *s, char *out, size_t cap)
{
	char tmp[OB_MAX_NAME * 2];
	size_t n = 0;
	bool space = false;

	demo_spell(tmp, sizeof(tmp), 0, s, false, true);
	for (const char *p = tmp; *p && n + 2 < cap; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (space && n)
				out[n++] = ' ';
			out[n++] = c;
			space = false;
		} else {
			space = true;
		}
	}
	out[n] = '\0';
}

bool demo_all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Buffered output, written in large blocks.                           */

ob_err demo_out_open(struct out *o, const char *path, bool cp1252, const char *eol,
                     struct ob_diag *d)
{
	memset(o, 0, sizeof(*o));
	ob_strlcpy(o->path, path, sizeof(o->path));
	o->f = fopen(path, "wb");
	if (!o->f)
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0,
		               "no se pudo crear el archivo: %s", "cannot create the file: %s",
		               strerror(errno));
	o->cap = 2 * OUT_FLUSH_AT;
	o->buf = ob_malloc(o->cap);
	o->cp1252 = cp1252;
	o->eol = eol;
	return OB_OK;
}

/* Whole rows only reach here, so a UTF-8 sequence is never split. */
void demo_out_flush(struct out *o)
{
	size_t n = o->len;

	if (o->cp1252) {
		/* Everything written is Latin-1: C2 xx -> xx, C3 xx -> xx + 0x40;
		 * anything else outside ASCII becomes '?'. In place: never longer. */
		const unsigned char *s = (const unsigned char *)o->buf;
		unsigned char *w = (unsigned char *)o->buf;
		size_t i = 0, j = 0;

		while (i < n) {
			unsigned char c = s[i];
			if (c < 0x80) {
				w[j++] = c;
				i++;
			} else if ((c == 0xc2 || c == 0xc3) && i + 1 < n) {
				w[j++] = (unsigned char)(c == 0xc2 ? s[i + 1] : s[i + 1] + 0x40);
				i += 2;
			} else {
				w[j++] = '?';
				for (i++; i < n && (s[i] & 0xc0) == 0x80; i++)
					;
			}
		}
		n = j;
	}
	if (n && fwrite(o->buf, 1, n, o->f) != n)
		o->failed = true;
	o->len = 0;
}

void demo_out_uint(struct out *o, unsigned long v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width && n < (int)sizeof(tmp))
		tmp[n++] = '0';
	while (n)
		out_chr(o, tmp[--n]);
}

void demo_out_eol(struct out *o)
{
	out_str(o, o->eol);
	if (o->len >= OUT_FLUSH_AT)
		demo_out_flush(o);
}

/* A field, quoted when it holds the delimiter, a quote or a line end. */
void demo_out_field(struct out *o, const char *s, char delim)
{
	bool quote = false;

	if (!s)
		return;
	for (const char *p = s; *p; p++)
		if (*p == delim || *p == '"' || *p == '\n' || *p == '\r') {
			quote = true;
			break;
		}
	if (!quote) {
		out_str(o, s);
		return;
	}
	out_chr(o, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			out_chr(o, '"');
		out_chr(o, *p);
	}
	out_chr(o, '"');
}

ob_err demo_out_close(struct out *o, struct ob_diag *d)
{
	ob_err e = OB_OK;

	if (!o->f)
		return OB_OK;
	demo_out_flush(o);
	if (fclose(o->f) != 0)
		o->failed = true;
	o->f = NULL;
	free(o->buf);
	o->buf = NULL;
	if (o->failed)
		e = OB_DIAG(d, OB_EIO, o->path, 0, 0, NULL, 0,
		            "error al escribir el archivo: %s", "error writing the file: %s",
		            strerror(errno));
	return e;
}

void demo_out_abandon(struct out *o)
{
	if (o->f)
		fclose(o->f);
	free(o->buf);
	memset(o, 0, sizeof(*o));
}
