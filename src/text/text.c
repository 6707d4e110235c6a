/* text.c - UTF-8 validation, Windows-1252 decoding, key folding and trimming. */
#include "text/text.h"

#include <utf8proc.h>

/* Eight bytes at a time: true when none has its high bit set. */
static inline bool ascii8(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return (w & UINT64_C(0x8080808080808080)) == 0;
}

/*
 * Check the multibyte sequence that starts at s[0] (a byte >= 0x80) with
 * avail bytes present. Returns its length when complete and valid, 0 when
 * invalid, and -k when only its first k bytes are present and they could
 * still be completed.
 */
static int utf8_seq(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	int need;

	if (c >= 0xC2 && c <= 0xDF) {
		need = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0; /* no overlongs */
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90; /* no overlongs */
		else if (c == 0xF4)
			hi = 0x8F; /* nothing above U+10FFFF */
	} else {
		return 0; /* continuation byte, C0, C1 or F5..FF */
	}
	for (int i = 1; i < need; i++) {
		if ((size_t)i >= avail)
			return -i;
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
	}
	return need;
}

size_t ob_utf8_valid_prefix(const char *str, size_t n, size_t *incomplete)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	if (incomplete)
		*incomplete = 0;
	while (i < n) {
		int k;

		if (s[i] < 0x80) {
			i++;
			while (i + 8 <= n && ascii8(s + i))
				i += 8;
			continue;
		}
		k = utf8_seq(s + i, n - i);
		if (k > 0) {
			i += (size_t)k;
			continue;
		}
		if (k < 0 && incomplete)
			*incomplete = (size_t)-k;
		break;
	}
	return i;
}

size_t ob_utf8_valid_len(const char *s, size_t n)
{
	return ob_utf8_valid_prefix(s, n, NULL);
}

ob_err ob_utf8_lossy(const char *s, size_t n, struct ob_buf *out)
{
	size_t i = 0, start = out->len;

	while (i < n) {
		size_t k = ob_utf8_valid_len(s + i, n - i);
		if (ob_buf_add(out, s + i, k) ||
		    (i + k < n && ob_buf_add(out, "\xEF\xBF\xBD", 3))) {
			out->len = start;
			if (out->ptr)
				out->ptr[start] = '\0';
			return OB_ETOOBIG;
		}
		i += k + (i + k < n);
	}
	return OB_OK;
}

/* Windows-1252 0x80..0x9F; 0 marks the five undefined bytes. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
	0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

ob_err ob_cp1252_to_utf8(const char *str, size_t n, struct ob_buf *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t start = out->len, i = 0;
	char tmp[1024];

	/* room for the longest result: written in place, eight ASCII bytes
	 * at a time (a CSV reader decodes every field of every row) */
	if (n <= SIZE_MAX / 3 && ob_buf_room(out, 3 * n)) {
		char *o = out->ptr + out->len;

		while (i < n) {
			uint64_t w;

			if (n - i >= 8) {
				memcpy(&w, s + i, 8);
				if (!(w & 0x8080808080808080ULL)) {
					memcpy(o, &w, 8);
					o += 8;
					i += 8;
					continue;
				}
			}
			if (s[i] < 0x80) {
				*o++ = (char)s[i];
			} else {
				uint32_t cp = s[i] < 0xA0 ? cp1252_high[s[i] - 0x80] : s[i];
				o += put_utf8(o, cp ? cp : 0xFFFD);
			}
			i++;
		}
		out->len = (size_t)(o - out->ptr);
		out->ptr[out->len] = '\0';
		return OB_OK;
	}
	while (i < n) {
		size_t run = i, j = 0;

		/* ASCII runs go straight in */
		while (run < n && s[run] < 0x80)
			run++;
		if (run > i) {
			if (ob_buf_add(out, s + i, run - i))
				goto too_big;
			i = run;
		}
		/* then a run of high bytes through a small stack buffer */
		while (i < n && s[i] >= 0x80 && j + 3 <= sizeof(tmp)) {
			uint32_t cp = s[i] < 0xA0 ? cp1252_high[s[i] - 0x80] : s[i];
			j += put_utf8(tmp + j, cp ? cp : 0xFFFD);
			i++;
		}
		if (j && ob_buf_add(out, tmp, j))
			goto too_big;
	}
	return OB_OK;
too_big:
	out->len = start;
	if (out->ptr)
		out->ptr[start] = '\0';
	return OB_ETOOBIG;
}

/* ASCII bytes of a key: letters lowered, digits kept, the rest 0 (a gap). */
static const char ascii_key[128] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
	['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j',
	['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
	['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
	['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
	['z'] = 'z',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
	['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
	['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
	['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
	['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
	['Z'] = 'z',
};

/*
 * Keys of U+00C0..U+00FF (C3 80..C3 BF in UTF-8), the accented letters of
 * Spanish and its neighbours, so that the common case skips utf8proc. Each
 * is what utf8proc gives with the options of ob_fold_key ("" for the two
 * symbols, which become a gap); tests check the table against utf8proc.
 */
static const char c3_key[64][3] = {
	"a", "a", "a", "a", "a", "a", "\xC3\xA6", "c",      /* À..Ç */
	"e", "e", "e", "e", "i", "i", "i", "i",              /* È..Ï */
	"\xC3\xB0", "n", "o", "o", "o", "o", "o", "",        /* Ð..× */
	"\xC3\xB8", "u", "u", "u", "u", "y", "\xC3\xBE", "ss", /* Ø..ß */
	"a", "a", "a", "a", "a", "a", "\xC3\xA6", "c",      /* à..ç */
	"e", "e", "e", "e", "i", "i", "i", "i",              /* è..ï */
	"\xC3\xB0", "n", "o", "o", "o", "o", "o", "",        /* ð..÷ */
	"\xC3\xB8", "u", "u", "u", "u", "y", "\xC3\xBE", "y",  /* ø..ÿ */
};

/* The decomposition of one code point never needs more than this. */
#define FOLD_MAX_CP 32

static bool keeps(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}

/*
 * The key is built in a stack buffer flushed to out when nearly full.
 * Letters and digits are copied; anything else only notes a gap, which
 * becomes one space before the next letter or digit, if something was
 * written before it. So spaces never lead, trail or double.
 */
ob_err ob_fold_key(const char *str, size_t n, struct ob_buf *out)
{
	const unsigned char *s = (const unsigned char *)str;
	const utf8proc_option_t opts = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
	                               UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
	                               UTF8PROC_IGNORE;
	size_t start = out->len, i = 0, k = 0;
	bool gap = false, started = false;
	char tmp[256];
	ob_err e = OB_OK;

/* make room for need bytes and the space before them */
#define ROOM(need)                                                        \
	do {                                                              \
		if (k + (need) + 1 > sizeof(tmp)) {                       \
			if ((e = ob_buf_add(out, tmp, k)))                \
				goto fail;                                \
			k = 0;                                            \
		}                                                         \
		if (gap && started)                                       \
			tmp[k++] = ' ';                                   \
		gap = false;                                              \
		started = true;                                           \
	} while (0)

	while (i < n) {
		utf8proc_int32_t cp, dec[FOLD_MAX_CP];
		utf8proc_ssize_t len, m;

		if (s[i] < 0x80) {
			char c = ascii_key[s[i++]];
			if (!c) {
				gap = true;
				continue;
			}
			ROOM(1);
			tmp[k++] = c;
			continue;
		}
		if (s[i] == 0xC3 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0xBF) {
			const char *c = c3_key[s[i + 1] - 0x80];
			i += 2;
			if (!c[0]) {
				gap = true;
				continue;
			}
			ROOM(2);
			tmp[k++] = c[0];
			if (c[1])
				tmp[k++] = c[1];
			continue;
		}
		len = utf8_seq(s + i, n - i);
		if (len <= 0) {
			e = OB_EENCODING;
			goto fail;
		}
		utf8proc_iterate(s + i, len, &cp);
		i += (size_t)len;
		m = utf8proc_decompose_char(cp, dec, FOLD_MAX_CP, opts, NULL);
		if (m < 0 || m > FOLD_MAX_CP) {
			gap = true; /* cannot happen with these options */
			continue;
		}
		for (utf8proc_ssize_t j = 0; j < m; j++) {
			if (!keeps(dec[j])) {
				gap = true;
				continue;
			}
			ROOM(4);
			k += put_utf8(tmp + k, (uint32_t)dec[j]);
		}
	}
#undef ROOM
	if (k && (e = ob_buf_add(out, tmp, k)))
		goto fail;
	return OB_OK;
fail:
	out->len = start;
	if (out->ptr)
		out->ptr[start] = '\0';
	return e;
}

void ob_trim(const char **s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t len = *n;

	for (;;) {
		if (len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
			p++;
			len--;
		} else if (len >= 2 && p[0] == 0xC2 && p[1] == 0xA0) {
			p += 2;
			len -= 2;
		} else {
			break;
		}
	}
	for (;;) {
		unsigned char c = len ? p[len - 1] : 0;
		if (len && (c == ' ' || c == '\t' || c == '\r' || c == '\n'))
			len--;
		else if (len >= 2 && c == 0xA0 && p[len - 2] == 0xC2)
			len -= 2;
		else
			break;
	}
	*s = (const char *)p;
	*n = len;
}
