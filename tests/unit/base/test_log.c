/* test_log.c - the language of messages: --lang, then OBSERVA_LANG, then the
 * locale, then Spanish; OB_TR picks the text of that language. */
#include "test.h"

#include "base/log.h"

static void clear_env(void)
{
	unsetenv("OBSERVA_LANG");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANG");
}

static void spanish_by_default(void **state)
{
	(void)state;
	clear_env();
	assert_int_equal(ob_lang(), OB_LANG_ES);
	assert_string_equal(OB_TR("hola", "hello"), "hola");
	setenv("LANG", "C.UTF-8", 1);
	assert_int_equal(ob_lang(), OB_LANG_ES);
	setenv("LANG", "fr_FR.UTF-8", 1);
	assert_int_equal(ob_lang(), OB_LANG_ES);
}

static void the_locale(void **state)
{
	(void)state;
	clear_env();
	setenv("LANG", "en_GB.UTF-8", 1);
	assert_int_equal(ob_lang(), OB_LANG_EN);
	assert_string_equal(OB_TR("hola", "hello"), "hello");
	/* LC_MESSAGES before LANG, LC_ALL before both, as setlocale reads them */
	setenv("LC_MESSAGES", "es_SV.UTF-8", 1);
	assert_int_equal(ob_lang(), OB_LANG_ES);
	setenv("LC_ALL", "en_US.UTF-8", 1);
	assert_int_equal(ob_lang(), OB_LANG_EN);
	/* an empty variable does not count */
	setenv("LC_ALL", "", 1);
	assert_int_equal(ob_lang(), OB_LANG_ES);
}

static void observa_lang_before_the_locale(void **state)
{
	(void)state;
	clear_env();
	setenv("LANG", "en_US.UTF-8", 1);
	setenv("OBSERVA_LANG", "es", 1);
	assert_int_equal(ob_lang(), OB_LANG_ES);
	clear_env();
	setenv("OBSERVA_LANG", "en", 1);
	assert_int_equal(ob_lang(), OB_LANG_EN);
	/* an unknown value is the default */
	setenv("OBSERVA_LANG", "fr", 1);
	assert_int_equal(ob_lang(), OB_LANG_ES);
}

static void the_option_wins(void **state)
{
	enum ob_lang l;
	(void)state;
	clear_env();
	assert_true(ob_lang_parse("en", &l) && l == OB_LANG_EN);
	assert_true(ob_lang_parse("es", &l) && l == OB_LANG_ES);
	assert_false(ob_lang_parse("EN", &l));
	assert_false(ob_lang_parse("", &l));
	assert_false(ob_lang_parse(NULL, &l));
	setenv("OBSERVA_LANG", "en", 1);
	ob_lang_set(OB_LANG_ES);
	assert_int_equal(ob_lang(), OB_LANG_ES);
	assert_false(ob_lang_is_en());
	clear_env();
	ob_lang_set(OB_LANG_EN);
	assert_true(ob_lang_is_en());
}

/* A diagnostic is made in the language in force, message and frame alike. */
static void diagnostics_speak_the_language(void **state)
{
	struct ob_diag d;
	char out[OB_MAX_MESSAGE];
	(void)state;
	clear_env();
	ob_lang_set(OB_LANG_ES);
	assert_int_equal(OB_DIAG(&d, OB_EINVAL, "a.csv", 3, 2, "x1", 2,
	                         "se esperaba un número entre %d y %d",
	                         "expected a number between %d and %d", 0, 9),
	                 OB_EINVAL);
	ob_diag_format(&d, out, sizeof(out));
	assert_string_equal(out, "a.csv:3:2: se esperaba un número entre 0 y 9 (valor «x1»)");
	/* both texts are kept: the diagnostic reads in either language */
	ob_lang_set(OB_LANG_EN);
	ob_diag_format(&d, out, sizeof(out));
	assert_string_equal(out, "a.csv:3:2: expected a number between 0 and 9 (value «x1»)");
	ob_diag_format_lang(&d, OB_LANG_ES, out, sizeof(out));
	assert_string_equal(out, "a.csv:3:2: se esperaba un número entre 0 y 9 (valor «x1»)");
	/* a message the same in both languages */
	ob_diag_set(&d, OB_EIO, "a.csv", 0, 0, NULL, 0, "fsync: %s", "EIO");
	ob_diag_format_lang(&d, OB_LANG_ES, out, sizeof(out));
	assert_string_equal(out, "a.csv: fsync: EIO");
	OB_DIAG(&d, OB_EINVAL, "a.csv", 3, 0, NULL, 0, "falta", "missing");
	ob_diag_format(&d, out, sizeof(out));
	assert_string_equal(out, "a.csv:3: missing");
	/* without a message, the error code's text in the language in force */
	ob_diag_clear(&d);
	d.code = OB_ENOENT;
	ob_diag_format(&d, out, sizeof(out));
	assert_string_equal(out, "no such file or object");
	ob_lang_set(OB_LANG_ES);
	ob_diag_format(&d, out, sizeof(out));
	assert_string_equal(out, "no existe");
	assert_string_equal(ob_err_text(OB_ETOOBIG), "excede el límite");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spanish_by_default),
		cmocka_unit_test(the_locale),
		cmocka_unit_test(observa_lang_before_the_locale),
		cmocka_unit_test(the_option_wins),
		cmocka_unit_test(diagnostics_speak_the_language),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
