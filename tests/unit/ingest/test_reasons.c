/* test_reasons.c - rejections and warnings counted by (kind, column): the
 * grouping, the order of the most frequent, the examples and the logbook's
 * JSON. */
#include "test.h"

#include "base/lang.h"
#include "ingest/reasons.h"

static void add(struct ob_reasons *t, const char *kind, long col, const char *v)
{
	ob_reasons_add(t, kind, "category", col, v, v ? strlen(v) : 0);
}

/* The same kind and column with different values is one reason; the same
 * kind in another column, or another kind, is another. */
static void grouped_by_kind_and_column(void **state)
{
	struct ob_reasons t;
	struct ob_reason top[OB_MAX_REASONS];
	size_t n;

	(void)state;
	ob_reasons_init(&t);
	add(&t, "category_unknown", 5, "Robo agravado 1");
	add(&t, "category_unknown", 5, "Robo agravado 2");
	add(&t, "category_unknown", 5, "Robo agravado 1");
	add(&t, "category_unknown", 5, "Robo agravado 3");
	add(&t, "category_unknown", 5, "Robo agravado 4");
	add(&t, "category_unknown", 7, "Hurto");
	add(&t, "date_invalid", 2, "31/02/2020");
	add(&t, "date_invalid", 2, "32/01/2020");
	add(&t, "field_count", 0, NULL);
	assert_int_equal(t.total, 9);
	assert_int_equal(t.n, 4);
	n = ob_reasons_top(&t, top, OB_MAX_REASONS);
	assert_int_equal(n, 4);
	/* by count, then kind, then column */
	assert_string_equal(top[0].kind, "category_unknown");
	assert_int_equal(top[0].column, 5);
	assert_int_equal(top[0].count, 5);
	assert_string_equal(top[1].kind, "date_invalid");
	assert_int_equal(top[1].count, 2);
	assert_string_equal(top[2].kind, "category_unknown");
	assert_int_equal(top[2].column, 7);
	assert_string_equal(top[3].kind, "field_count");
	assert_int_equal(top[3].nexamples, 0);
	/* the first three distinct values, in the order met */
	assert_int_equal(top[0].nexamples, 3);
	assert_string_equal(top[0].example[0], "Robo agravado 1");
	assert_string_equal(top[0].example[1], "Robo agravado 2");
	assert_string_equal(top[0].example[2], "Robo agravado 3");
	assert_string_equal(top[0].field, "category");
	/* fewer asked than there are */
	n = ob_reasons_top(&t, top, 1);
	assert_int_equal(n, 1);
	assert_int_equal(top[0].count, 5);
	ob_reasons_release(&t);
}

/* Long values are cut at a UTF-8 boundary; past OB_MAX_REASON_KEYS keys
 * reasons are counted as other. */
static void cut_and_capped(void **state)
{
	struct ob_reasons t;
	struct ob_reason top[1];
	char v[200];

	(void)state;
	ob_reasons_init(&t);
	memset(v, 'a', sizeof(v));
	memcpy(v + OB_MAX_REASON_TEXT - 2, "ñ", 2); /* a 2-byte character across the cut */
	ob_reasons_add(&t, "age_invalid", "victim_age", 3, v, sizeof(v));
	ob_reasons_top(&t, top, 1);
	assert_true(strlen(top[0].example[0]) < OB_MAX_REASON_TEXT);
	assert_int_equal(strlen(top[0].example[0]), OB_MAX_REASON_TEXT - 2);
	for (long c = 0; c < OB_MAX_REASON_KEYS + 10; c++)
		ob_reasons_add(&t, "date_invalid", NULL, c, NULL, 0);
	assert_int_equal(t.n, OB_MAX_REASON_KEYS);
	assert_int_equal(t.other, 11); /* the age's key took one place */
	assert_int_equal(t.total, OB_MAX_REASON_KEYS + 11);
	ob_reasons_release(&t);
}

static void logbook_json(void **state)
{
	struct ob_reasons t;
	struct ob_buf b = OB_BUF_INIT(4096);

	(void)state;
	ob_reasons_init(&t);
	assert_int_equal(ob_reasons_json(&t, &b), OB_OK);
	assert_string_equal(b.ptr, "{}");
	ob_buf_reset(&b);
	add(&t, "tag_unmapped", 7, "Arma blanca?");
	add(&t, "category_unknown", 5, "x");
	add(&t, "category_unknown", 5, "y");
	assert_int_equal(ob_reasons_json(&t, &b), OB_OK);
	assert_string_equal(b.ptr, "{\"category_unknown:5\":2,\"tag_unmapped:7\":1}");
	ob_buf_release(&b);
	ob_reasons_release(&t);
}

static void kinds_in_words(void **state)
{
	(void)state;
	ob_lang_set(OB_LANG_ES);
	assert_string_equal(ob_reason_key(OB_REASON_CATEGORY_UNKNOWN), "category_unknown");
	assert_string_equal(ob_reason_text("date_future"), "fecha futura");
	ob_lang_set(OB_LANG_EN);
	assert_string_equal(ob_reason_text("date_future"), "date in the future");
	/* a key this observa does not know is shown as it is */
	assert_string_equal(ob_reason_text("some_later_kind"), "some_later_kind");
	ob_lang_set(OB_LANG_ES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grouped_by_kind_and_column),
		cmocka_unit_test(cut_and_capped),
		cmocka_unit_test(logbook_json),
		cmocka_unit_test(kinds_in_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
