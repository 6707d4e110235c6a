/* test_buf.c - growable buffers respect their ceiling and stay terminated. */
#include "test.h"

#include "base/buf.h"

static void add_and_terminate(void **state)
{
	struct ob_buf b = OB_BUF_INIT(16);
	(void)state;
	assert_int_equal(ob_buf_adds(&b, "hola"), OB_OK);
	assert_int_equal(ob_buf_addc(&b, ' '), OB_OK);
	assert_int_equal(ob_buf_addf(&b, "%d", 2024), OB_OK);
	assert_string_equal(b.ptr, "hola 2024");
	assert_int_equal(b.len, 9);
	ob_buf_release(&b);
	assert_null(b.ptr);
}

static void ceiling_is_hard(void **state)
{
	struct ob_buf b = OB_BUF_INIT(8);
	(void)state;
	assert_int_equal(ob_buf_adds(&b, "12345678"), OB_OK);
	assert_int_equal(ob_buf_addc(&b, 'x'), OB_ETOOBIG);
	assert_int_equal(ob_buf_addf(&b, "%s", "y"), OB_ETOOBIG);
	/* a refused add leaves the content as it was */
	assert_string_equal(b.ptr, "12345678");
	ob_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(ob_buf_adds(&b, "ab"), OB_OK);
	assert_string_equal(b.ptr, "ab");
	ob_buf_release(&b);
}

/* A failure sticks until a reset: a smaller piece after a refused one is
 * refused too, so a cut document cannot pass for a whole one; the sticky
 * puts keep the result for one check at the end. */
static void failure_sticks(void **state)
{
	struct ob_buf b = OB_BUF_INIT(8);
	(void)state;
	assert_int_equal(ob_buf_adds(&b, "123456"), OB_OK);
	assert_false(ob_buf_failed(&b));
	assert_int_equal(ob_buf_adds(&b, "abc"), OB_ETOOBIG);
	assert_true(ob_buf_failed(&b));
	assert_int_equal(ob_buf_addc(&b, 'x'), OB_ETOOBIG);
	assert_int_equal(ob_buf_add(&b, "", 0), OB_ETOOBIG);
	assert_string_equal(b.ptr, "123456");
	ob_buf_reset(&b);
	assert_false(ob_buf_failed(&b));
	ob_buf_puts(&b, "<a>");
	ob_buf_putf(&b, "%d", 42);
	ob_buf_putc(&b, '/');
	assert_false(ob_buf_failed(&b));
	assert_string_equal(b.ptr, "<a>42/");
	ob_buf_puts(&b, "toolong");
	ob_buf_putc(&b, '>');
	assert_true(ob_buf_failed(&b));
	assert_string_equal(b.ptr, "<a>42/");
	ob_buf_release(&b);
	assert_false(ob_buf_failed(&b));
}

static void detach_hands_over(void **state)
{
	struct ob_buf b;
	size_t n;
	char *p;
	(void)state;
	ob_buf_init(&b, 0);
	assert_int_equal(ob_buf_adds(&b, "x"), OB_OK);
	p = ob_buf_detach(&b, &n);
	assert_int_equal(n, 1);
	assert_string_equal(p, "x");
	assert_null(b.ptr);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_and_terminate),
		cmocka_unit_test(ceiling_is_hard),
		cmocka_unit_test(failure_sticks),
		cmocka_unit_test(detach_hands_over),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
