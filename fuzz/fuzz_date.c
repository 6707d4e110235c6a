/* fuzz_date.c - libFuzzer harness: dates, ages, coordinates and the text
 * functions they stand on. */
#include "base/common.h"

#include "io/date.h"
#include "io/value.h"
#include "text/text.h"

#include <utf8proc.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "fuzz_date: %s:%d: %s\n", __FILE__,  \
			        __LINE__, #cond);                            \
			abort();                                             \
		}                                                            \
	} while (0)

static void dates(const char *s, size_t n)
{
	static const unsigned forms[] = {
		OB_DATE_ANY, OB_DATE_DMY, OB_DATE_MDY | OB_DATE_PARTIAL,
		OB_DATE_ISO, OB_DATE_EXCEL, OB_DATE_DMY | OB_DATE_ISO | OB_DATE_EXCEL,
	};
	for (size_t i = 0; i < OB_ARRAY_SIZE(forms); i++) {
		struct ob_date d, back;
		char why[256], iso[16];
		ob_err e = ob_date_parse(s, n, forms[i], &d, why, sizeof(why));

		CHECK(strlen(why) < sizeof(why));
		CHECK(ob_utf8_valid_len(why, strlen(why)) == strlen(why));
		if (e != OB_OK) {
			CHECK(e == OB_EPARSE && why[0]);
			continue;
		}
		CHECK(d.year >= OB_MIN_YEAR && d.year <= OB_MAX_YEAR);
		CHECK(d.precision == OB_PREC_DAY ? ob_date_valid(d.year, d.month, d.day) :
		      d.precision == OB_PREC_MONTH ? d.month >= 1 && d.month <= 12 && !d.day :
		      d.precision == OB_PREC_YEAR && !d.month && !d.day);
		/* what is written back reads the same */
		ob_date_format(&d, iso, sizeof(iso));
		CHECK(ob_date_parse(iso, strlen(iso), OB_DATE_ISO | OB_DATE_PARTIAL,
		                    &back, why, sizeof(why)) == OB_OK);
		CHECK(ob_date_cmp(&d, &back) == 0 && back.precision == d.precision);
		if (d.precision == OB_PREC_DAY) {
			ob_date_from_days(ob_date_days(&d), &back);
			CHECK(back.year == d.year && back.month == d.month && back.day == d.day);
		}
	}
}

static void ages(const char *s, size_t n)
{
	struct ob_age a;
	char why[256];
	double v;
	ob_err e = ob_age_parse(s, n, &a, why, sizeof(why));

	if (e == OB_OK) {
		if (a.unknown)
			CHECK(a.years == -1 && a.lo == -1 && a.hi == -1);
		else
			CHECK(a.lo >= 0 && a.lo <= a.hi && a.hi <= OB_MAX_AGE &&
			      (a.years == -1 || (a.years == a.lo && a.years == a.hi)));
	} else {
		CHECK((e == OB_EINVAL || e == OB_EPARSE) && why[0]);
	}
	for (int lat = 0; lat < 2; lat++) {
		e = ob_parse_coord(s, n, lat, &v, why, sizeof(why));
		if (e == OB_OK)
			CHECK(v >= (lat ? -90 : -180) && v <= (lat ? 90 : 180));
		else
			CHECK(e == OB_ENOENT || ((e == OB_EINVAL || e == OB_EPARSE) && why[0]));
	}
}

/* The validator agrees with utf8proc's decoder. */
static size_t utf8proc_valid(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                      (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0)
			break;
		i += (size_t)k;
	}
	return i;
}

/* The key as utf8proc_map() gives it (letters and digits, the rest single
 * spaces): an oracle apart from ob_fold_key's fast paths. */
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

static void text(const char *s, size_t n)
{
	struct ob_buf b = OB_BUF_INIT(16 * n + 64), b2 = OB_BUF_INIT(16 * n + 64);
	size_t cut, ok = ob_utf8_valid_prefix(s, n, &cut);
	const char *t = s;
	size_t tn = n;

	CHECK(ok == utf8proc_valid(s, n));
	CHECK(ok == ob_utf8_valid_len(s, n));
	CHECK(ok + cut <= n && (cut == 0 || ok + cut == n));

	CHECK(ob_cp1252_to_utf8(s, n, &b) == OB_OK);
	CHECK(ob_utf8_valid_len(b.ptr, b.len) == b.len);
	CHECK(b.len >= n && b.len <= 3 * n);

	ob_buf_reset(&b);
	if (ob_fold_key(s, n, &b) == OB_OK) {
		CHECK(ok == n);
		CHECK(oracle_fold(s, n, &b2));
		CHECK(b2.len == b.len && !memcmp(b.ptr ? b.ptr : "", b2.ptr ? b2.ptr : "", b.len));
		ob_buf_reset(&b2);
		if (b.len) {
			CHECK(ob_utf8_valid_len(b.ptr, b.len) == b.len);
			CHECK(b.ptr[0] != ' ' && b.ptr[b.len - 1] != ' ');
			CHECK(strstr(b.ptr, "  ") == NULL);
			/* a key is its own key */
			CHECK(ob_fold_key(b.ptr, b.len, &b2) == OB_OK);
			CHECK(b2.len == b.len && !memcmp(b.ptr, b2.ptr, b.len));
		}
	} else {
		CHECK(ok < n && !oracle_fold(s, n, &b2));
	}
	ob_trim(&t, &tn);
	CHECK(t >= s && t + tn <= s + n);
	ob_buf_release(&b);
	ob_buf_release(&b2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	if (size > 4096)
		return 0;
	dates(s, size);
	ages(s, size);
	text(s, size);
	return 0;
}
