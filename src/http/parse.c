/* parse.c - request-target parser: path segments and query parameters (see http.h). */
#include "http/http.h"

#include "text/text.h"

/* A raw piece of input as it may appear in a message: printable ASCII kept,
 * other bytes as %XX, cut at 60 bytes. */
static void show(const char *p, size_t n, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (size_t i = 0; i < n && o + 4 < size; i++) {
		unsigned char c = (unsigned char)p[i];
		if (i == 60) {
			out[o++] = '.';
			out[o++] = '.';
			out[o++] = '.';
			break;
		}
		if (c > 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

static ob_err fail(ob_err e, char *why, size_t size, const char *what, const char *p, size_t n)
{
	char piece[200];

	show(p, n, piece, sizeof(piece));
	snprintf(why, size, "%s: «%s»", what, piece);
	return e;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode p[0..n) into out (which has room for n + 1 bytes); plus turns '+'
 * into a space. Returns the decoded length, or -1 with *what set.
 */
static long decode(const char *p, size_t n, bool plus, char *out, const char **what)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '%') {
			int h, l;
			if (i + 2 >= n) {
				*what = "secuencia % incompleta; escriba %25 para un signo de porcentaje "
				        "(truncated percent escape)";
				return -1;
			}
			h = hexval(p[i + 1]);
			l = hexval(p[i + 2]);
			if (h < 0 || l < 0) {
				*what = "secuencia % no válida; se esperaban dos cifras hexadecimales "
				        "(bad percent escape)";
				return -1;
			}
			out[o++] = (char)(h * 16 + l);
			i += 2;
		} else if (c <= 0x20 || c == 0x7f || c == '#') {
			*what = "carácter no permitido sin codificar; use %XX "
			        "(character must be percent-encoded)";
			return -1;
		} else {
			out[o++] = plus && c == '+' ? ' ' : (char)c;
		}
	}
	out[o] = '\0';
	return (long)o;
}

/* Decoded text must be UTF-8 without control characters. */
static bool clean_text(const char *s, size_t n, const char **what)
{
	if (ob_utf8_valid_len(s, n) != n) {
		*what = "el texto decodificado no es UTF-8 válido (not valid UTF-8)";
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			*what = "el texto decodificado contiene caracteres de control "
			        "(control characters)";
			return false;
		}
	}
	return true;
}

ob_err ob_http_parse_target(const char *s, size_t n, struct ob_http_target *t, char *why,
                            size_t why_size)
{
	const char *path_end, *p, *what = NULL;
	char *out;
	ob_err e;

	memset(t, 0, sizeof(*t));
	why[0] = '\0';
	if (n > OB_HTTP_MAX_URI) {
		snprintf(why, why_size, "la dirección pasa de %d bytes (request target too long)",
		         OB_HTTP_MAX_URI);
		return OB_ETOOBIG;
	}
	if (n == 0 || s[0] != '/')
		return fail(OB_EPARSE, why, why_size,
		            "la ruta debe empezar por / (path must start with /)", s, n);
	if (memchr(s, '\0', n))
		return fail(OB_EPARSE, why, why_size, "byte NUL en la dirección (NUL byte)", s, n);
	/* every decoded string is no longer than its raw form, plus a NUL */
	t->mem = out = ob_malloc(2 * n + 2);
	path_end = memchr(s, '?', n);
	if (!path_end)
		path_end = s + n;
	p = s + 1;
	while (p < path_end) {
		const char *end = memchr(p, '/', (size_t)(path_end - p));
		long len;

		if (!end)
			end = path_end;
		if (end == p) {
			e = fail(OB_EPARSE, why, why_size,
			         "segmento vacío en la ruta (empty path segment, //)", s,
			         (size_t)(path_end - s));
			goto release;
		}
		if (t->nseg == OB_HTTP_MAX_SEGMENTS) {
			snprintf(why, why_size, "la ruta tiene más de %d segmentos (too many segments)",
			         OB_HTTP_MAX_SEGMENTS);
			e = OB_ETOOBIG;
			goto release;
		}
		if ((len = decode(p, (size_t)(end - p), false, out, &what)) < 0 ||
		    !clean_text(out, (size_t)len, &what)) {
			e = fail(OB_EPARSE, why, why_size, what, p, (size_t)(end - p));
			goto release;
		}
		/* an encoded slash (%2F, as standard clients send a path value)
		 * separates segments like a plain one; each piece is checked */
		for (char *piece = out, *stop = out + len; piece <= stop;) {
			char *slash = memchr(piece, '/', (size_t)(stop - piece));
			size_t plen = slash ? (size_t)(slash - piece) : (size_t)(stop - piece);

			if (slash)
				*slash = '\0';
			if (memchr(piece, '\\', plen) || !strcmp(piece, ".") || !strcmp(piece, "..") ||
			    plen == 0) {
				e = fail(OB_EPARSE, why, why_size,
				         "segmento de ruta no permitido: vacío, «.», «..», o con \\ "
				         "(path segment not allowed)", p, (size_t)(end - p));
				goto release;
			}
			if (t->nseg == OB_HTTP_MAX_SEGMENTS) {
				snprintf(why, why_size, "la ruta tiene más de %d segmentos (too many "
				         "segments)", OB_HTTP_MAX_SEGMENTS);
				e = OB_ETOOBIG;
				goto release;
			}
			t->seg[t->nseg++] = piece;
			piece += plen + 1;
		}
		out += len + 1;
		p = end < path_end ? end + 1 : end;
	}
	if (path_end == s + n)
		return OB_OK;
	p = path_end + 1;
	while (p <= s + n) {
		const char *end = memchr(p, '&', (size_t)(s + n - p)), *eq;
		const char *name, *value;
		long len;

		if (!end)
			end = s + n;
		if (end == p) {
			p = end + 1;
			continue;
		}
		if (t->nparams == OB_HTTP_MAX_PARAMS) {
			snprintf(why, why_size, "más de %d parámetros (too many query parameters)",
			         OB_HTTP_MAX_PARAMS);
			e = OB_ETOOBIG;
			goto release;
		}
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq)
			eq = end;
		name = out;
		if ((len = decode(p, (size_t)(eq - p), true, out, &what)) < 0 ||
		    !clean_text(out, (size_t)len, &what)) {
			e = fail(OB_EPARSE, why, why_size, what, p, (size_t)(end - p));
			goto release;
		}
		if (len == 0) {
			e = fail(OB_EPARSE, why, why_size,
			         "parámetro sin nombre (query parameter without a name)", p,
			         (size_t)(end - p));
			goto release;
		}
		out += len + 1;
		value = out;
		if (eq < end) {
			if ((len = decode(eq + 1, (size_t)(end - eq - 1), true, out, &what)) < 0 ||
			    !clean_text(out, (size_t)len, &what)) {
				e = fail(OB_EPARSE, why, why_size, what, p, (size_t)(end - p));
				goto release;
			}
		} else {
			out[0] = '\0';
			len = 0;
		}
		out += len + 1;
		for (size_t i = 0; i < t->nparams; i++)
			if (!strcmp(t->params[i].name, name)) {
				e = fail(OB_EPARSE, why, why_size,
				         "parámetro repetido; dé cada parámetro una sola vez "
				         "(repeated query parameter)", name, strlen(name));
				goto release;
			}
		t->params[t->nparams].name = name;
		t->params[t->nparams].value = value;
		t->nparams++;
		p = end + 1;
	}
	return OB_OK;
release:
	ob_http_target_release(t);
	return e;
}

void ob_http_target_release(struct ob_http_target *t)
{
	free(t->mem);
	memset(t, 0, sizeof(*t));
}

const char *ob_http_param(const struct ob_http_target *t, const char *name)
{
	for (size_t i = 0; i < t->nparams; i++)
		if (!strcmp(t->params[i].name, name))
			return t->params[i].value;
	return NULL;
}

ob_err ob_http_encode(struct ob_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
		ob_err e;
		if (keep)
			e = ob_buf_addc(b, (char)c);
		else
			e = ob_buf_addf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
		if (e)
			return e;
	}
	return OB_OK;
}
