/* test_text.c - UTF-8 checks, Windows-1252 decoding, key folding, trimming. */
#include "test.h"

#include "text/text.h"

#include <utf8proc.h>

static const struct {
	const char *in;
	size_t len;       /* bytes of in */
	size_t valid;     /* ob_utf8_valid_len */
	size_t prefix;    /* ob_utf8_valid_prefix */
	size_t cut;       /* its *incomplete */
} utf8_cases[] = {
	{ "", 0, 0, 0, 0 },
	{ "abc", 3, 3, 3, 0 },
	{ "Jos\xC3\xA9", 5, 5, 5, 0 },
	{ "\xE2\x82\xAC 10", 6, 6, 6, 0 },                 /* € */
	{ "\xF0\x9F\x98\x80", 4, 4, 4, 0 },                 /* U+1F600 */
	{ "\xF4\x8F\xBF\xBF", 4, 4, 4, 0 },                 /* U+10FFFF */
	{ "\xF4\x90\x80\x80", 4, 0, 0, 0 },                 /* above U+10FFFF */
	{ "\xC0\x80", 2, 0, 0, 0 },                         /* overlong NUL */
	{ "\xC1\xBF", 2, 0, 0, 0 },                         /* overlong */
	{ "\xE0\x80\xAF", 3, 0, 0, 0 },                     /* overlong */
	{ "\xF0\x80\x80\xAF", 4, 0, 0, 0 },                 /* overlong */
	{ "\xED\xA0\x80", 3, 0, 0, 0 },                     /* surrogate */
	{ "\xED\x9F\xBF", 3, 3, 3, 0 },                     /* U+D7FF */
	{ "ab\x80", 3, 2, 2, 0 },                           /* stray continuation */
	{ "ab\xF5\x80\x80\x80", 6, 2, 2, 0 },
	{ "ab\xFF", 3, 2, 2, 0 },
	{ "ab\xC3", 3, 2, 2, 1 },                           /* cut */
	{ "ab\xE2\x82", 4, 2, 2, 2 },                       /* cut */
	{ "ab\xF0\x9F\x98", 5, 2, 2, 3 },                   /* cut */
	{ "ab\xE0\x80", 4, 2, 2, 0 },                       /* could never complete */
	{ "ab\xE2\x28\xA1", 5, 2, 2, 0 },
	{ "Jos\xE9 Ca\xF1" "as", 10, 3, 3, 0 },             /* Windows-1252 */
	{ "0123456789abcdef0123\xE9xyz", 24, 20, 20, 0 },   /* past the 8-byte path */
	{ "0123456789abcdef01234567\xC3\xB1", 26, 26, 26, 0 },
};

static void utf8_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(utf8_cases); i++) {
		size_t cut = 99;
		size_t v = ob_utf8_valid_len(utf8_cases[i].in, utf8_cases[i].len);
		size_t p = ob_utf8_valid_prefix(utf8_cases[i].in, utf8_cases[i].len, &cut);
		if (v != utf8_cases[i].valid || p != utf8_cases[i].prefix ||
		    cut != utf8_cases[i].cut)
			fail_msg("case %zu: valid %zu prefix %zu cut %zu", i, v, p, cut);
	}
}

static void cp1252_table(void **state)
{
	/* 0x80..0x9F as Windows-1252 defines them; the five holes are U+FFFD */
	static const char want_high[] =
		"\xE2\x82\xAC" "\xEF\xBF\xBD" "‚ƒ„…†‡ˆ‰Š‹Œ" "\xEF\xBF\xBD" "Ž"
		"\xEF\xBF\xBD" "\xEF\xBF\xBD" "‘’“”•–—˜™š›œ" "\xEF\xBF\xBD" "žŸ";
	struct ob_buf b = OB_BUF_INIT(1024);
	char in[32];
	(void)state;

	for (int i = 0; i < 32; i++)
		in[i] = (char)(0x80 + i);
	assert_int_equal(ob_cp1252_to_utf8(in, 32, &b), OB_OK);
	assert_string_equal(b.ptr, want_high);

	ob_buf_reset(&b);
	assert_int_equal(ob_cp1252_to_utf8("Jos\xE9 Pe\xF1" "a \xD1" "\xA0" "\xFF!", 14, &b),
	                 OB_OK);
	assert_string_equal(b.ptr, "José Peña Ñ\xC2\xA0ÿ!");

	/* every byte from 0xA0 on is U+00A0..U+00FF */
	for (int c = 0xA0; c <= 0xFF; c++) {
		char one = (char)c;
		ob_buf_reset(&b);
		assert_int_equal(ob_cp1252_to_utf8(&one, 1, &b), OB_OK);
		assert_int_equal(b.len, 2);
		assert_int_equal((unsigned char)b.ptr[0], 0xC0 | (c >> 6));
		assert_int_equal((unsigned char)b.ptr[1], 0x80 | (c & 0x3F));
	}
	ob_buf_release(&b);
}

static void cp1252_long_and_limits(void **state)
{
	struct ob_buf b = OB_BUF_INIT(5000);
	char in[3000];
	(void)state;

	/* long runs cross the internal stack buffer */
	memset(in, 0xE9, sizeof(in));
	assert_int_equal(ob_cp1252_to_utf8(in, 2000, &b), OB_OK);
	assert_int_equal(b.len, 4000);
	for (size_t i = 0; i < b.len; i += 2)
		assert_memory_equal(b.ptr + i, "é", 2);
	/* too big: the buffer is left as it was */
	assert_int_equal(ob_cp1252_to_utf8(in, 3000, &b), OB_ETOOBIG);
	assert_int_equal(b.len, 4000);
	assert_int_equal(b.ptr[4000], '\0');
	ob_buf_release(&b);
}

static const struct {
	const char *in;
	const char *want;
} fold_cases[] = {
	{ "San José", "san jose" },
	{ "SAN JOSE", "san jose" },
	{ " san  josé.", "san jose" },
	{ "Ñ", "n" },
	{ "Peñas Blancas", "penas blancas" },
	{ "AHUACHAPÁN", "ahuachapan" },
	{ "Municipio de San Salvador (Centro)", "municipio de san salvador centro" },
	{ "Güegüecho", "gueguecho" },
	{ "  ", "" },
	{ "", "" },
	{ "...--", "" },
	{ "a—b–c", "a b c" },
	{ "No. Caso", "no caso" },
	{ "Nº", "no" },                                 /* compatibility: º is o */
	{ "Jose\xCC\x81", "jose" },                    /* decomposed accent */
	{ "Stra\xC3\x9F" "e", "strasse" },             /* ß folds to ss */
	{ "\xEF\xBC\xA1\xEF\xBC\xA2" "C", "abc" },      /* fullwidth letters */
	{ "Mu\xC2\xADnicipio", "municipio" },          /* soft hyphen ignored */
	{ "Año 2020", "ano 2020" },
	{ "ΣΊΣΥΦΟΣ", "σισυφοσ" },
	{ "\xC2\xA0" "Santa\xC2\xA0" "Ana\xC2\xA0", "santa ana" },
	{ "Ciudad\tDelgado\r\n", "ciudad delgado" },
	{ "1° de mayo", "1 de mayo" },
};

static void fold_table(void **state)
{
	struct ob_buf b = OB_BUF_INIT(256);
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(fold_cases); i++) {
		ob_buf_reset(&b);
		assert_int_equal(ob_fold_key(fold_cases[i].in, strlen(fold_cases[i].in),
		                             &b), OB_OK);
		if (strcmp(b.ptr ? b.ptr : "", fold_cases[i].want))
			fail_msg("fold «%s»: got «%s», want «%s»", fold_cases[i].in,
			         b.ptr ? b.ptr : "", fold_cases[i].want);
	}
	ob_buf_release(&b);
}

static void fold_appends_and_refuses(void **state)
{
	struct ob_buf b = OB_BUF_INIT(64);
	(void)state;

	assert_int_equal(ob_buf_adds(&b, "k="), OB_OK);
	assert_int_equal(ob_fold_key("Santa Ana", 9, &b), OB_OK);
	assert_string_equal(b.ptr, "k=santa ana");
	/* invalid UTF-8 is refused and the buffer stays as it was */
	assert_int_equal(ob_fold_key("Jos\xE9", 4, &b), OB_EENCODING);
	assert_string_equal(b.ptr, "k=santa ana");
	assert_int_equal(ob_fold_key("abc\xC3", 4, &b), OB_EENCODING);
	assert_string_equal(b.ptr, "k=santa ana");
	/* over the buffer's maximum */
	assert_int_equal(ob_fold_key("0123456789012345678901234567890123456789"
	                             "0123456789012345678901234567890123456789", 80, &b),
	                 OB_ETOOBIG);
	assert_string_equal(b.ptr, "k=santa ana");
	ob_buf_release(&b);
}

static void fold_long_input(void **state)
{
	struct ob_buf b = OB_BUF_INIT(4096);
	char in[2 * 700 + 700];
	size_t n = 0;
	(void)state;

	/* "éA " repeated: crosses the fold's internal flushes */
	for (int i = 0; i < 500; i++) {
		memcpy(in + n, "\xC3\xA9" "A ", 4);
		n += 4;
	}
	assert_int_equal(ob_fold_key(in, n, &b), OB_OK);
	assert_int_equal(b.len, 500 * 3 - 1);
	for (size_t i = 0; i < b.len; i += 3) {
		assert_int_equal(b.ptr[i], 'e');
		assert_int_equal(b.ptr[i + 1], 'a');
		if (i + 2 < b.len)
			assert_int_equal(b.ptr[i + 2], ' ');
	}
	ob_buf_release(&b);
}

/*
 * The key as utf8proc_map() gives it, letters and digits kept and the rest
 * made single spaces: an oracle written apart from ob_fold_key's fast
 * paths. Returns false on invalid UTF-8.
 */
static bool oracle_fold(const char *s, size_t n, struct ob_buf *out)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s,
	                                    (utf8proc_ssize_t)n, &m,
	                                    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
	                                    UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
	                                    UTF8PROC_IGNORE);
	bool gap = false;

	if (len < 0)
		return false;
	for (utf8proc_ssize_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(m + i, len - i, &cp);
		utf8proc_category_t cat = utf8proc_category(cp);
		if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
		    (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO)) {
			if (gap && out->len)
				ob_buf_putc(out, ' ');
			gap = false;
			ob_buf_put(out, m + i, (size_t)k);
		} else {
			gap = true;
		}
		i += k;
	}
	free(m);
	return true;
}

static void check_against_oracle(const char *s, size_t n)
{
	struct ob_buf got = OB_BUF_INIT(4096), want = OB_BUF_INIT(4096);
	bool ok = oracle_fold(s, n, &want);

	assert_int_equal(ob_fold_key(s, n, &got), ok ? OB_OK : OB_EENCODING);
	if (ok && strcmp(got.ptr ? got.ptr : "", want.ptr ? want.ptr : ""))
		fail_msg("fold of «%.*s»: «%s», utf8proc gives «%s»", (int)n, s,
		         got.ptr ? got.ptr : "", want.ptr ? want.ptr : "");
	ob_buf_release(&got);
	ob_buf_release(&want);
}

static void fold_matches_utf8proc(void **state)
{
	uint32_t seed = 2024;
	(void)state;

	/* every character of the Latin-1 table, between letters and alone */
	for (int b = 0x80; b <= 0xBF; b++) {
		char one[6] = { 'x', (char)0xC3, (char)b, 'y' };
		check_against_oracle(one, 4);
		check_against_oracle(one + 1, 2);
		one[0] = ' ';
		one[3] = '.';
		check_against_oracle(one, 4);
	}
	/* random text from Latin, Greek, Cyrillic, symbols, CJK, ligatures */
	for (int r = 0; r < 20000; r++) {
		char buf[64];
		size_t n = 0;
		int len = 1 + (int)(seed % 6);
		for (int j = 0; j < len; j++) {
			uint32_t cp;
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			switch (seed % 4) {
			case 0: cp = 0x20 + seed / 4 % 0x60; break;
			case 1: cp = 0xA0 + seed / 4 % 0x1E0; break;
			case 2: cp = 0x300 + seed / 4 % 0x2000; break;
			default: cp = 0x2000 + seed / 4 % 0xE000; break;
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 'a';
			n += (size_t)utf8proc_encode_char((utf8proc_int32_t)cp,
			                                  (utf8proc_uint8_t *)buf + n);
		}
		check_against_oracle(buf, n);
	}
}

static const struct {
	const char *in;
	const char *want;
} trim_cases[] = {
	{ "  abc  ", "abc" },
	{ "\t\r\nabc\r\n", "abc" },
	{ "\xC2\xA0" "abc" "\xC2\xA0 ", "abc" },
	{ "a b", "a b" },
	{ "   ", "" },
	{ "", "" },
	{ "\xC2\xA0", "" },
	{ "x\xC2", "x\xC2" },          /* a lone C2 is not a blank */
	{ "\xA0x", "\xA0x" },
};

static void trim_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(trim_cases); i++) {
		const char *s = trim_cases[i].in;
		size_t n = strlen(s);
		ob_trim(&s, &n);
		assert_int_equal(n, strlen(trim_cases[i].want));
		assert_memory_equal(s, trim_cases[i].want, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_table),
		cmocka_unit_test(cp1252_table),
		cmocka_unit_test(cp1252_long_and_limits),
		cmocka_unit_test(fold_table),
		cmocka_unit_test(fold_appends_and_refuses),
		cmocka_unit_test(fold_long_input),
		cmocka_unit_test(fold_matches_utf8proc),
		cmocka_unit_test(trim_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
