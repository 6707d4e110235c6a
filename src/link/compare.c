/* compare.c - Jaro and Jaro-Winkler, name folding and the comparison levels (see compare.h). */
#include "link/compare.h"

#include <utf8proc.h>

size_t ob_utf8_decode(const char *str, size_t n, uint32_t *out, size_t max)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k = 0;

	while (i < n && k < max) {
		unsigned c = s[i];
		uint32_t cp;
		size_t len, j;

		if (c < 0x80) {
			out[k++] = c;
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			goto invalid;
		}
		if (i + len > n)
			goto invalid;
		for (j = 1; j < len; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				goto invalid;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			goto invalid;
		out[k++] = cp;
		i += len;
		continue;
invalid:
		/* one character per bad byte, unlike any code point */
		out[k++] = 0x110000u + c;
		i++;
	}
	return k;
}

/*
 * The same for strings of at most 64 characters whose longer one (b) is
 * ASCII, with bit masks: pos[c] holds the positions of c in b, so each
 * character of a finds its partner (the first unmatched one in the window)
 * in a few instructions. Returns -1 when it does not apply.
 */
static double jaro_distance_short(const uint32_t *a, size_t x, const uint32_t *b, size_t y)
{
	uint64_t pos[128], used = 0, hit = 0, ha, hb;
	size_t win = y / 2 >= 1 ? y / 2 - 1 : 0, half = 0;
	double m = 0, t;

	for (size_t j = 0; j < y; j++) {
		if (b[j] >= 128)
			return -1;
		pos[b[j]] = 0;
	}
	for (size_t i = 0; i < x; i++)
		if (a[i] < 128)
			pos[a[i]] = 0;
	for (size_t j = 0; j < y; j++)
		pos[b[j]] |= 1ull << j;
	for (size_t i = 0; i < x; i++) {
		size_t lo = i > win ? i - win : 0, hi = i + win < y ? i + win : y - 1;
		uint64_t wmask, cand;
		if (a[i] >= 128)
			continue;
		wmask = (hi == 63 ? ~0ull : (1ull << (hi + 1)) - 1) & ~((1ull << lo) - 1);
		cand = pos[a[i]] & wmask & ~used;
		if (!cand)
			continue;
		used |= cand & -cand;
		hit |= 1ull << i;
		m += 1;
	}
	if (m < 1)
		return 1.0;
	ha = hit;
	hb = used;
	while (ha) {
		int i = __builtin_ctzll(ha), k = __builtin_ctzll(hb);
		ha &= ha - 1;
		hb &= hb - 1;
		if (a[i] != b[k])
			half++;
	}
	t = (double)(half / 2) + (half % 2 ? 0.5 : 0.0);
	return 1.0 - (1.0 / 3.0) * (m / (double)x + m / (double)y + (m - t) / m);
}

/*
 * The Jaro distance d = 1 - J as stringdist computes it; *l gets the common
 * prefix (at most 4). Scans the shorter string; each of its characters
 * takes the first unmatched equal character of the other within the
 * window. t is half the number of positions where the matched characters,
 * read in order in each string, differ.
 */
static double jaro_distance(const uint32_t *a, size_t x, const uint32_t *b, size_t y,
                            int *l)
{
	bool used[OB_MAX_COMPARE_CHARS], hit[OB_MAX_COMPARE_CHARS];
	size_t win, i, j, k, half = 0;
	double m = 0, t, d;
	int pre = 0;

	if (x > OB_MAX_COMPARE_CHARS)
		x = OB_MAX_COMPARE_CHARS;
	if (y > OB_MAX_COMPARE_CHARS)
		y = OB_MAX_COMPARE_CHARS;
	if (x > y) {
		const uint32_t *c = a;
		size_t z = x;
		a = b;
		b = c;
		x = y;
		y = z;
	}
	while ((size_t)pre < x && pre < 4 && a[pre] == b[pre])
		pre++;
	*l = pre;
	if (y == 0)
		return 0;
	if (y <= 64) {
		double fast = jaro_distance_short(a, x, b, y);
		if (fast >= 0)
			return fast;
	}
	memset(used, 0, y);
	memset(hit, 0, x ? x : 1);
	win = y / 2 >= 1 ? y / 2 - 1 : 0;
	for (i = 0; i < x; i++) {
		size_t lo = i > win ? i - win : 0;
		size_t hi = i + win < y ? i + win : y - 1;

		for (j = lo; j <= hi; j++) {
			if (!used[j] && b[j] == a[i]) {
				used[j] = true;
				hit[i] = true;
				m += 1;
				break;
			}
		}
	}
	if (m < 1)
		return 1.0;
	for (i = 0, k = 0; i < x; i++) {
		if (!hit[i])
			continue;
		while (!used[k])
			k++;
		if (a[i] != b[k])
			half++;
		k++;
	}
	t = (double)(half / 2) + (half % 2 ? 0.5 : 0.0);
	d = 1.0 - (1.0 / 3.0) * (m / (double)x + m / (double)y + (m - t) / m);
	return d;
}

static double jw_from(double d, int l, enum ob_jw_convention conv)
{
	double jaro = 1.0 - d;

	switch (conv) {
	case OB_JW_FASTLINK:
		if (d > 0)
			d = d - l * 0.1 * d;
		return 1.0 - d;
	case OB_JW_WINKLER:
	case OB_JW_WINKLER_BYTES:
	default:
		return jaro > 0.7 ? jaro + l * 0.1 * (1.0 - jaro) : jaro;
	}
}

double ob_jaro_winkler_cp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                          enum ob_jw_convention conv)
{
	int l;
	double d = jaro_distance(a, na, b, nb, &l);
	return jw_from(d, l, conv);
}

static size_t to_units(const char *s, size_t n, bool bytes, uint32_t *out)
{
	if (!bytes)
		return ob_utf8_decode(s, n, out, OB_MAX_COMPARE_CHARS);
	if (n > OB_MAX_COMPARE_CHARS)
		n = OB_MAX_COMPARE_CHARS;
	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)s[i];
	return n;
}

double ob_jaro(const char *a, size_t na, const char *b, size_t nb, bool bytes)
{
	uint32_t ua[OB_MAX_COMPARE_CHARS], ub[OB_MAX_COMPARE_CHARS];
	size_t x = to_units(a, na, bytes, ua), y = to_units(b, nb, bytes, ub);
	int l;

	return 1.0 - jaro_distance(ua, x, ub, y, &l);
}

double ob_jaro_winkler(const char *a, size_t na, const char *b, size_t nb,
                       enum ob_jw_convention conv)
{
	uint32_t ua[OB_MAX_COMPARE_CHARS], ub[OB_MAX_COMPARE_CHARS];
	bool bytes = conv == OB_JW_WINKLER_BYTES;
	size_t x = to_units(a, na, bytes, ua), y = to_units(b, nb, bytes, ub);

	return ob_jaro_winkler_cp(ua, x, ub, y, conv);
}

int ob_prefix_len(const char *a, size_t na, const char *b, size_t nb)
{
	uint32_t ua[4], ub[4];
	size_t x = ob_utf8_decode(a, na, ua, 4), y = ob_utf8_decode(b, nb, ub, 4);
	int l = 0;

	while ((size_t)l < x && (size_t)l < y && ua[l] == ub[l])
		l++;
	return l;
}

/* ---- names ---------------------------------------------------------- */

static size_t put_utf8(char *p, uint32_t cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xC0 | (cp >> 6));
		p[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (char)(0xE0 | (cp >> 12));
		p[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		p[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	p[0] = (char)(0xF0 | (cp >> 18));
	p[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	p[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	p[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Word characters go out through a small stack buffer; a gap becomes one
 * space between words, never at either end. */
struct nfold {
	struct ob_buf *out;
	char tmp[256];
	size_t n;
	bool gap, started;
	bool after_n; /* the last character written was N (for a combining tilde) */
};

static ob_err nfold_flush(struct nfold *f)
{
	ob_err e = f->n ? ob_buf_add(f->out, f->tmp, f->n) : OB_OK;
	f->n = 0;
	return e;
}

static ob_err nfold_put(struct nfold *f, uint32_t cp)
{
	ob_err e;

	if (f->n + 5 > sizeof(f->tmp) && (e = nfold_flush(f)))
		return e;
	if (f->gap && f->started)
		f->tmp[f->n++] = ' ';
	f->gap = false;
	f->started = true;
	f->n += put_utf8(f->tmp + f->n, cp);
	f->after_n = cp == 'N';
	return OB_OK;
}

/* Replace the N just written by Ñ (its last byte in tmp or already flushed). */
static ob_err nfold_enye(struct nfold *f)
{
	ob_err e;

	if (f->n == 0) {
		/* the N went out with the last flush: take it back */
		f->out->len--;
		f->out->ptr[f->out->len] = '\0';
	} else {
		f->n--;
	}
	if (f->n + 5 > sizeof(f->tmp) && (e = nfold_flush(f)))
		return e;
	f->n += put_utf8(f->tmp + f->n, 0xD1);
	f->after_n = false;
	return OB_OK;
}

/* Letters with no decomposition that still have a plain Latin spelling. */
static ob_err put_letter(struct nfold *f, uint32_t cp)
{
	static const struct {
		uint32_t cp;
		char s[3];
	} plain[] = {
		{ 0xC6, "AE" }, { 0xD8, "O" }, { 0x152, "OE" }, { 0xDF, "SS" }, { 0x1E9E, "SS" },
		{ 0xD0, "D" }, { 0xDE, "TH" }, { 0x141, "L" }, { 0x110, "D" }, { 0x131, "I" },
	};
	ob_err e;

	for (size_t i = 0; i < OB_ARRAY_SIZE(plain); i++) {
		if (plain[i].cp != cp)
			continue;
		for (const char *p = plain[i].s; *p; p++)
			if ((e = nfold_put(f, (unsigned char)*p)))
				return e;
		return OB_OK;
	}
	return nfold_put(f, cp);
}

static bool is_apostrophe(uint32_t cp)
{
	return cp == '\'' || cp == '`' || cp == 0x2019 || cp == 0x2018 || cp == 0xB4;
}

static bool word_char(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
		return true;
	default:
		return false;
	}
}

ob_err ob_name_fold(const char *s, size_t n, unsigned flags, struct ob_buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	const utf8proc_option_t opts = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
	size_t start = out->len, i = 0;
	struct nfold f = { .out = out };
	ob_err e = OB_OK;

	while (i < n) {
		utf8proc_int32_t cp, dec[32];
		utf8proc_ssize_t k, m;

		if (u[i] < 0x80) {
			unsigned c = u[i++];
			if (c >= 'a' && c <= 'z')
				c -= 'a' - 'A';
			if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
				if ((e = nfold_put(&f, c)))
					goto fail;
			} else if (!is_apostrophe(c)) {
				f.gap = true;
				f.after_n = false;
			}
			continue;
		}
		k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) {
			e = OB_EENCODING;
			goto fail;
		}
		i += (size_t)k;
		if (is_apostrophe((uint32_t)cp))
			continue;
		m = utf8proc_decompose_char(cp, dec, 32, opts, NULL);
		if (m < 0 || m > 32) {
			f.gap = true;
			continue;
		}
		for (utf8proc_ssize_t j = 0; j < m; j++) {
			utf8proc_int32_t c = dec[j];
			utf8proc_category_t cat = utf8proc_category(c);

			if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
			    cat == UTF8PROC_CATEGORY_ME) {
				if (c == 0x303 && f.after_n && (flags & OB_NAME_KEEP_ENYE) &&
				    (e = nfold_enye(&f)))
					goto fail;
				continue;
			}
			if (!word_char(c)) {
				f.gap = true;
				f.after_n = false;
				continue;
			}
			if ((e = put_letter(&f, (uint32_t)utf8proc_toupper(c))))
				goto fail;
		}
	}
	if ((e = nfold_flush(&f)))
		goto fail;
	return OB_OK;
fail:
	out->len = start;
	if (out->ptr)
		out->ptr[start] = '\0';
	return e;
}

static bool word_is(const char *w, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(w, lit, n);
}

bool ob_name_is_particle(const char *w, size_t n)
{
	static const char *const particles[] = {
		"DE", "DEL", "LA", "LAS", "LOS", "Y", "E",
		"DA", "DAS", "DO", "DOS", "DI", "VAN", "VON",
	};
	for (size_t i = 0; i < OB_ARRAY_SIZE(particles); i++)
		if (word_is(w, n, particles[i]))
			return true;
	return false;
}

bool ob_is_missing_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"NA", "N A", "ND", "N D", "NR", "S D", "SD", "SIN DATO", "SIN DATOS",
		"SIN INFORMACION", "NO REGISTRA", "NO SABE", "NO APLICA", "NO INDICA",
		"DESCONOCIDO", "DESCONOCIDA", "IGNORADO", "IGNORADA", "NN", "XX", "NULL",
		"NONE", "NO IDENTIFICADO", "NO IDENTIFICADA", "SIN NOMBRE",
	};
	if (n == 0)
		return true;
	for (size_t i = 0; i < OB_ARRAY_SIZE(words); i++)
		if (word_is(s, n, words[i]))
			return true;
	return false;
}

/* Next space-separated word of s[*i..n): its span, or false at the end. */
static bool next_word(const char *s, size_t n, size_t *i, struct ob_span *w)
{
	while (*i < n && s[*i] == ' ')
		(*i)++;
	if (*i >= n)
		return false;
	w->off = *i;
	while (*i < n && s[*i] != ' ')
		(*i)++;
	w->len = *i - w->off;
	return true;
}

void ob_surnames_split(const char *s, size_t n, struct ob_span out[2])
{
	struct ob_span w;
	size_t i = 0, units = 0, start[2] = { 0, 0 }, end[2] = { 0, 0 };
	size_t pending = (size_t)-1, first_off = (size_t)-1, last_end = 0;

	while (next_word(s, n, &i, &w)) {
		bool conj = word_is(s + w.off, w.len, "Y") || word_is(s + w.off, w.len, "E");

		if (first_off == (size_t)-1)
			first_off = w.off;
		last_end = w.off + w.len;
		if (conj && units == 1 && pending == (size_t)-1)
			continue; /* "ORTEGA Y GASSET": a separator */
		if (ob_name_is_particle(s + w.off, w.len)) {
			if (pending == (size_t)-1)
				pending = w.off;
			continue;
		}
		if (units < 2) {
			start[units] = pending == (size_t)-1 ? w.off : pending;
			units++;
		}
		end[units - 1] = w.off + w.len;
		pending = (size_t)-1;
	}
	out[0].off = out[0].len = out[1].off = out[1].len = 0;
	if (first_off == (size_t)-1)
		return;
	if (units == 0) {
		/* only particles: one unit of them all */
		out[0].off = first_off;
		out[0].len = last_end - first_off;
		return;
	}
	if (pending != (size_t)-1)
		end[units - 1] = last_end; /* trailing particles stay with the last unit */
	for (size_t u = 0; u < units; u++) {
		out[u].off = start[u];
		out[u].len = end[u] - start[u];
	}
}

ob_err ob_surname_forms(const char *s, size_t n, struct ob_buf *key, struct ob_buf *compact)
{
	struct ob_span w;
	size_t i = 0, kstart = key->len, cstart = compact->len;
	bool any = false, first = true;
	ob_err e = OB_OK;

	while (next_word(s, n, &i, &w)) {
		if ((e = ob_buf_add(compact, s + w.off, w.len)))
			goto fail;
		if (ob_name_is_particle(s + w.off, w.len))
			continue;
		if (!first && (e = ob_buf_addc(key, ' ')))
			goto fail;
		if ((e = ob_buf_add(key, s + w.off, w.len)))
			goto fail;
		first = false;
		any = true;
	}
	if (!any) {
		/* only particles: the key keeps them */
		i = 0;
		first = true;
		while (next_word(s, n, &i, &w)) {
			if (!first && (e = ob_buf_addc(key, ' ')))
				goto fail;
			if ((e = ob_buf_add(key, s + w.off, w.len)))
				goto fail;
			first = false;
		}
	}
	return OB_OK;
fail:
	key->len = kstart;
	compact->len = cstart;
	if (key->ptr)
		key->ptr[kstart] = '\0';
	if (compact->ptr)
		compact->ptr[cstart] = '\0';
	return e;
}

/* ---- phonetic key ----------------------------------------------------- */

static bool is_vowel(char c)
{
	return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

void ob_phonetic_key(const char *s, size_t n, char *out, size_t size)
{
	char w[64];
	size_t wn = 0, i = 0, k = 0;
	struct ob_span sp;
	bool found = false;

	if (size == 0)
		return;
	out[0] = '\0';
	/* the first word that is not a particle (or the first word) */
	while (next_word(s, n, &i, &sp)) {
		if (!ob_name_is_particle(s + sp.off, sp.len)) {
			found = true;
			break;
		}
	}
	if (!found) {
		i = 0;
		if (!next_word(s, n, &i, &sp))
			return;
	}
	/* letters only, Ñ read as N */
	for (size_t j = sp.off; j < sp.off + sp.len && wn < sizeof(w) - 1; j++) {
		unsigned char c = (unsigned char)s[j];
		if (c >= 'A' && c <= 'Z') {
			w[wn++] = (char)c;
		} else if (c == 0xC3 && j + 1 < sp.off + sp.len &&
		           (unsigned char)s[j + 1] == 0x91) {
			w[wn++] = 'N';
			j++;
		}
	}
	w[wn] = '\0';
	for (size_t j = 0; j < wn && k + 1 < size && k < 6; j++) {
		char c = w[j], nx = j + 1 < wn ? w[j + 1] : '\0', code;
		bool first = k == 0;

		switch (c) {
		case 'H':
			continue;
		case 'A': case 'E': case 'I': case 'O': case 'U':
			if (!first)
				continue;
			code = c;
			break;
		case 'Y':
			if (first || !is_vowel(nx))
				code = first ? 'I' : 0;
			else
				code = 'Y';
			if (!code)
				continue;
			break;
		case 'B': case 'V': case 'W':
			code = 'B';
			break;
		case 'C':
			if (nx == 'E' || nx == 'I') {
				code = 'S';
			} else if (nx == 'H') {
				code = 'X';
				j++;
			} else {
				code = 'K';
			}
			break;
		case 'Q':
			code = 'K';
			if (nx == 'U')
				j++;
			break;
		case 'K':
			code = 'K';
			break;
		case 'G':
			if (nx == 'E' || nx == 'I') {
				code = 'J';
			} else {
				code = 'G';
				if (nx == 'U' && j + 2 < wn && (w[j + 2] == 'E' || w[j + 2] == 'I'))
					j++;
			}
			break;
		case 'J':
			code = 'J';
			break;
		case 'X':
			code = first ? 'J' : 'S';
			break;
		case 'Z': case 'S':
			code = 'S';
			break;
		case 'L':
			if (nx == 'L') {
				code = 'Y';
				j++;
			} else {
				code = 'L';
			}
			break;
		default:
			code = c;
			break;
		}
		if (k > 0 && out[k - 1] == code)
			continue;
		out[k++] = code;
	}
	out[k] = '\0';
}

/* ---- levels ----------------------------------------------------------- */

int ob_level_sim(double sim, const double *cuts, int ncuts)
{
	for (int i = 0; i < ncuts; i++)
		if (sim >= cuts[i])
			return ncuts - i;
	return 0;
}

int ob_level_diff(double diff, const double *lim, int nlim)
{
	if (diff < 0)
		diff = -diff;
	for (int i = 0; i < nlim; i++)
		if (diff <= lim[i])
			return nlim - i;
	return 0;
}

int ob_level_territory(uint32_t a, uint32_t b, uint32_t parent_a, uint32_t parent_b,
                       bool neighbours)
{
	if (!a || !b)
		return OB_LEVEL_MISSING;
	if (a == b)
		return OB_TERR_SAME_UNIT;
	if (neighbours)
		return OB_TERR_NEIGHBOUR;
	if (parent_a && parent_a == parent_b)
		return OB_TERR_SAME_ADMIN1;
	return OB_TERR_OTHER;
}

/* ---- surnames ----------------------------------------------------------- */

static bool form_missing(const struct ob_name_form *f)
{
	return !f || (f->nkey == 0 && f->ncompact == 0);
}

double ob_surname_sim_forms(const struct ob_name_form *a, const struct ob_name_form *b,
                            enum ob_jw_convention conv)
{
	double s1, s2;

	if (form_missing(a) || form_missing(b))
		return -1;
	s1 = ob_jaro_winkler_cp(a->key, a->nkey, b->key, b->nkey, conv);
	if (s1 >= 1.0)
		return s1;
	if (a->ncompact == a->nkey && b->ncompact == b->nkey)
		return s1; /* no particles or spaces: the compact forms are the keys */
	s2 = ob_jaro_winkler_cp(a->compact, a->ncompact, b->compact, b->ncompact, conv);
	return s2 > s1 ? s2 : s1;
}

void ob_surnames_compare_forms(const struct ob_name_form *a1, const struct ob_name_form *a2,
                               const struct ob_name_form *b1, const struct ob_name_form *b2,
                               enum ob_jw_convention conv, struct ob_surnames_result *out)
{
	double s11 = ob_surname_sim_forms(a1, b1, conv), s22 = ob_surname_sim_forms(a2, b2, conv);
	double s12 = ob_surname_sim_forms(a1, b2, conv), s21 = ob_surname_sim_forms(a2, b1, conv);
	double straight = (s11 > 0 ? s11 : 0) + (s22 > 0 ? s22 : 0);
	double swapped = (s12 > 0 ? s12 : 0) + (s21 > 0 ? s21 : 0);

	if (swapped > straight) {
		out->sim[0] = s12;
		out->sim[1] = s21;
		out->swapped = true;
	} else {
		out->sim[0] = s11;
		out->sim[1] = s22;
		out->swapped = false;
	}
}

/* Prepared forms of one folded surname, on the stack. */
struct form_buf {
	uint32_t key[OB_MAX_COMPARE_CHARS], compact[OB_MAX_COMPARE_CHARS];
	struct ob_name_form f;
};

static const struct ob_name_form *prepare(const char *s, size_t n, struct form_buf *fb)
{
	struct ob_buf key = OB_BUF_INIT(OB_MAX_FIELD), compact = OB_BUF_INIT(OB_MAX_FIELD);
	const struct ob_name_form *r = NULL;

	if (!s || n == 0)
		return NULL;
	if (ob_surname_forms(s, n, &key, &compact) == OB_OK) {
		fb->f.nkey = (uint32_t)ob_utf8_decode(key.ptr ? key.ptr : "", key.len, fb->key,
		                                      OB_MAX_COMPARE_CHARS);
		fb->f.ncompact = (uint32_t)ob_utf8_decode(compact.ptr ? compact.ptr : "",
		                                          compact.len, fb->compact,
		                                          OB_MAX_COMPARE_CHARS);
		fb->f.key = fb->key;
		fb->f.compact = fb->compact;
		r = &fb->f;
	}
	ob_buf_release(&key);
	ob_buf_release(&compact);
	return r;
}

double ob_surname_sim(const char *a, size_t na, const char *b, size_t nb,
                      enum ob_jw_convention conv)
{
	struct form_buf fa, fb;
	return ob_surname_sim_forms(prepare(a, na, &fa), prepare(b, nb, &fb), conv);
}

void ob_surnames_compare(const char *a1, const char *a2, const char *b1, const char *b2,
                         enum ob_jw_convention conv, struct ob_surnames_result *out)
{
	struct form_buf f[4];

	ob_surnames_compare_forms(prepare(a1, a1 ? strlen(a1) : 0, &f[0]),
	                          prepare(a2, a2 ? strlen(a2) : 0, &f[1]),
	                          prepare(b1, b1 ? strlen(b1) : 0, &f[2]),
	                          prepare(b2, b2 ? strlen(b2) : 0, &f[3]), conv, out);
}
