/*
 * test_profile.c - survey profiles' sex variable (survey/profile.h): the
 * codes of [design] sex, sex_female, sex_male and sex_missing, the
 * refusals of an incomplete or contradictory mapping, and which indicators
 * are of one sex (their universe names the sex column: not split).
 */
#include "test.h"

#include "survey/profile.h"

#define HEAD "[survey]\ncode = x\ncountry = SLV\n[design]\nweight = w\n"
#define INDS "[indicator a]\ncolumn = c\nyes = 1\nno = 2\n" \
             "[indicator b]\ncolumn = c\nyes = 1\nno = 2\nuniverse = sexo=2 & p=1\n"

static ob_err parse(const char *text, struct ob_svy_profile *p, struct ob_diag *d)
{
	ob_diag_clear(d);
	return ob_svy_profile_parse(text, strlen(text), "x.ini", p, d);
}

static void sex_codes(void **state)
{
	struct ob_svy_profile p;
	struct ob_diag d;

	(void)state;
	assert_int_equal(parse(HEAD "sex = sexo\nsex_female = 2, 4\nsex_male = 1\n"
	                       "sex_missing = 9\n" INDS, &p, &d), OB_OK);
	assert_string_equal(p.sex, "sexo");
	assert_true(ob_svy_codes_has(&p.sex_female, "4", 1));
	assert_true(ob_svy_codes_has(&p.sex_female, " 2 ", 3));
	assert_false(ob_svy_codes_has(&p.sex_female, "1", 1));
	assert_true(ob_svy_codes_has(&p.sex_male, "1", 1));
	assert_true(ob_svy_codes_has(&p.sex_missing, "9", 1));
	assert_false(ob_svy_pind_one_sex(&p, &p.ind[0]));
	assert_true(ob_svy_pind_one_sex(&p, &p.ind[1]));
	ob_svy_profile_release(&p);
	/* no sex column: nothing is of one sex, nothing split */
	assert_int_equal(parse(HEAD INDS, &p, &d), OB_OK);
	assert_null(p.sex);
	assert_false(ob_svy_pind_one_sex(&p, &p.ind[1]));
	ob_svy_profile_release(&p);
}

static void sex_refusals(void **state)
{
	struct ob_svy_profile p;
	struct ob_diag d;

	(void)state;
	/* sex without its codes, codes without sex, a code of both sexes */
	assert_int_equal(parse(HEAD "sex = sexo\nsex_female = 2\n" INDS, &p, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "sex_male"));
	assert_int_equal(d.line, 6);
	assert_int_equal(parse(HEAD "sex_female = 2\nsex_male = 1\n" INDS, &p, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "sex"));
	assert_int_equal(parse(HEAD "sex = sexo\nsex_female = 1, 2\nsex_male = 1\n" INDS, &p, &d),
	                 OB_EINVAL);
	assert_int_equal(d.line, 6);
	/* an empty code */
	assert_int_equal(parse(HEAD "sex = sexo\nsex_female = 2,\nsex_male = 1\n" INDS, &p, &d),
	                 OB_EINVAL);
	assert_int_equal(d.line, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sex_codes),
		cmocka_unit_test(sex_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
