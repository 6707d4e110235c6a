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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spanish_by_default),
		cmocka_unit_test(the_locale),
		cmocka_unit_test(observa_lang_before_the_locale),
		cmocka_unit_test(the_option_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
