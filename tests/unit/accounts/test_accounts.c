/* test_accounts.c - the account store: roles, names and passwords, accounts,
 * API tokens and sessions, each change in the audit log. */
#include "test.h"

#include "../http/fixture.h"
#include "accounts/accounts.h"
#include "store/audit.h"

static void roles(void **state)
{
	/* have (rows) x need (columns): public, submitter, analyst, steward, admin */
	static const bool allows[5][5] = {
		{ 1, 0, 0, 0, 0 },
		{ 1, 1, 0, 0, 0 },
		{ 1, 0, 1, 0, 0 },
		{ 1, 1, 1, 1, 0 },
		{ 1, 1, 1, 1, 1 },
	};
	(void)state;

	for (int have = 0; have < 5; have++) {
		enum ob_role r;
		assert_true(ob_role_parse(ob_role_name((enum ob_role)have), &r));
		assert_int_equal(r, have);
		for (int need = 0; need < 5; need++)
			if (ob_role_allows((enum ob_role)have, (enum ob_role)need) != allows[have][need])
				fail_msg("%s using a %s route", ob_role_name((enum ob_role)have),
				         ob_role_name((enum ob_role)need));
	}
	{
		enum ob_role r;
		assert_false(ob_role_parse("root", &r));
		assert_false(ob_role_parse(NULL, &r));
		assert_false(ob_role_parse("Admin", &r));
	}
}

static void names_and_passwords(void **state)
{
	static const struct {
		const char *name;
		bool ok;
	} names[] = {
		{ "ana", true }, { "ana.perez", true }, { "a-1_b", true }, { "9lives", true },
		{ "", false }, { ".ana", false }, { "Ana", false }, { "ana perez", false },
		{ "ana;drop", false }, { "josé", false },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
	};
	static const struct {
		const char *pw;
		ob_err want;
	} pws[] = {
		{ "corta", OB_EINVAL },
		{ "doce letras!", OB_OK },
		{ "con salto\nde línea", OB_EINVAL },
		{ "una contraseña larga y buena", OB_OK },
	};
	char hash[128];
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_auth_init(), OB_OK);
	for (size_t i = 0; i < OB_ARRAY_SIZE(names); i++)
		if (ob_user_name_valid(names[i].name) != names[i].ok)
			fail_msg("name «%s»", names[i].name);
	for (size_t i = 0; i < OB_ARRAY_SIZE(pws); i++)
		assert_int_equal(ob_password_check(pws[i].pw, strlen(pws[i].pw), &d), pws[i].want);
	assert_int_equal(ob_password_check("doce\0letras!", 12, &d), OB_EINVAL);
	assert_int_equal(ob_password_hash("doce letras!", 12, hash, &d), OB_OK);
	assert_memory_equal(hash, "$argon2id$", 10);
	assert_null(strstr(hash, "doce"));
	assert_true(ob_password_verify(hash, "doce letras!", 12));
	assert_false(ob_password_verify(hash, "doce letras?", 12));
	assert_false(ob_password_verify(hash, "doce letras", 11));
	assert_false(ob_password_verify(NULL, "doce letras!", 12));
}

static long long audit_count(struct ob_store *s, const char *action)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE action = '%s'", action);
	return http_fixture_count(s, sql);
}

static void accounts_and_tokens(void **state)
{
	struct ob_store *s;
	const char *dir = http_fixture_open(&s);
	char token[OB_TOKEN_SIZE], token2[OB_TOKEN_SIZE], sql[256];
	struct ob_principal p;
	struct ob_diag d;
	long long now = 1700000000;
	(void)state;

	assert_int_equal(ob_auth_init(), OB_OK);
	assert_int_equal(ob_user_add(s, "ana", OB_ROLE_STEWARD, NULL, "una clave muy larga", 19,
	                             "cli:test", &d), OB_OK);
	assert_int_equal(ob_user_add(s, "ana", OB_ROLE_ANALYST, NULL, NULL, 0, "cli:test", &d),
	                 OB_EEXISTS);
	assert_int_equal(ob_user_add(s, "inst", OB_ROLE_SUBMITTER, NULL, NULL, 0, "cli:test", &d),
	                 OB_EINVAL);
	assert_int_equal(ob_user_add(s, "bob", OB_ROLE_ANALYST, "sv-pnc", NULL, 0, "cli:test", &d),
	                 OB_EINVAL);
	assert_int_equal(ob_user_add(s, "Bad Name", OB_ROLE_ANALYST, NULL, NULL, 0, "cli:t", &d),
	                 OB_EINVAL);
	assert_int_equal(ob_user_add(s, "bob", OB_ROLE_ANALYST, NULL, "corta", 5, "cli:test", &d),
	                 OB_EINVAL);
	assert_int_equal(ob_user_add(s, "inst", OB_ROLE_SUBMITTER, "sv-pnc", NULL, 0, "cli:test",
	                             &d), OB_OK);
	assert_int_equal(http_fixture_count(s, "SELECT count(*) FROM account"), 2);
	assert_int_equal(audit_count(s, "user.add"), 2);
	/* the password is stored as an argon2id hash only */
	assert_int_equal(http_fixture_count(s, "SELECT count(*) FROM account WHERE password LIKE"
	                                       " '$argon2id$%' AND name = 'ana'"), 1);
	assert_int_equal(http_fixture_count(s, "SELECT count(*) FROM account WHERE password LIKE"
	                                       " '%clave%'"), 0);

	/* tokens: shown once, stored as a hash */
	assert_int_equal(ob_user_token(s, "ana", "script", 0, now, "cli:test", token, &d), OB_OK);
	assert_int_equal(strlen(token), OB_TOKEN_SIZE - 1);
	assert_memory_equal(token, "obs_", 4);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM account_token WHERE hash = '%s'"
	         " OR label LIKE '%%%s%%'", token, token + 4);
	assert_int_equal(http_fixture_count(s, sql), 0);
	assert_int_equal(ob_auth_token(s, token, now, &p, &d), OB_OK);
	assert_string_equal(p.name, "ana");
	assert_int_equal(p.role, OB_ROLE_STEWARD);
	assert_false(p.session);
	assert_int_equal(ob_user_token(s, "inst", NULL, 3600, now, "cli:test", token2, &d), OB_OK);
	assert_string_not_equal(token, token2);
	assert_int_equal(ob_auth_token(s, token2, now + 3599, &p, &d), OB_OK);
	assert_int_equal(p.role, OB_ROLE_SUBMITTER);
	assert_string_equal(p.source, "sv-pnc");
	assert_int_equal(ob_auth_token(s, token2, now + 3601, &p, &d), OB_ENOENT); /* expired */
	assert_int_equal(p.role, OB_ROLE_PUBLIC);
	assert_int_equal(ob_user_token(s, "nadie", NULL, 0, now, "cli:test", token2, &d), OB_ENOENT);
	/* malformed and altered tokens */
	{
		char bad[OB_TOKEN_SIZE];
		memcpy(bad, token, sizeof(bad));
		bad[10] = bad[10] == 'A' ? 'B' : 'A';
		assert_int_equal(ob_auth_token(s, bad, now, &p, &d), OB_ENOENT);
		assert_int_equal(ob_auth_token(s, "obs_", now, &p, &d), OB_ENOENT);
		assert_int_equal(ob_auth_token(s, "", now, &p, &d), OB_ENOENT);
		assert_int_equal(ob_auth_token(s, NULL, now, &p, &d), OB_ENOENT);
		bad[10] = '\'';
		assert_int_equal(ob_auth_token(s, bad, now, &p, &d), OB_ENOENT);
	}

	/* sessions */
	{
		char sess[OB_TOKEN_SIZE];
		long long exp;
		assert_int_equal(ob_auth_login(s, "ana", "una clave muy larga", 19, now, "10.0.0.1",
		                               sess, &exp, &p, &d), OB_OK);
		assert_int_equal(exp, now + OB_SESSION_SECONDS);
		assert_true(p.session);
		assert_int_equal(ob_auth_token(s, sess, now + 60, &p, &d), OB_OK);
		assert_true(p.session);
		assert_int_equal(ob_auth_token(s, sess, now + OB_SESSION_SECONDS + 1, &p, &d),
		                 OB_ENOENT);
		assert_int_equal(ob_auth_token(s, sess, now + 60, &p, &d), OB_OK);
		assert_int_equal(ob_auth_logout(s, &p, &d), OB_OK);
		assert_int_equal(ob_auth_token(s, sess, now + 61, &p, &d), OB_ENOENT);
		assert_int_equal(ob_auth_login(s, "ana", "una clave muy largA", 19, now, "10.0.0.1",
		                               sess, &exp, &p, &d), OB_ENOENT);
		assert_int_equal(ob_auth_login(s, "nadie", "una clave muy larga", 19, now, "10.0.0.1",
		                               sess, &exp, &p, &d), OB_ENOENT);
		/* an account without a password cannot log in */
		assert_int_equal(ob_auth_login(s, "inst", "", 0, now, "10.0.0.1", sess, &exp, &p, &d),
		                 OB_ENOENT);
		assert_int_equal(audit_count(s, "login"), 1);
		assert_int_equal(audit_count(s, "logout"), 1);
		/* a new login clears ended sessions */
		assert_int_equal(http_fixture_count(s, "SELECT count(*) FROM account_token"
		                                       " WHERE kind = 'session'"), 1);
		assert_int_equal(ob_auth_login(s, "ana", "una clave muy larga", 19, now + 10,
		                               "10.0.0.1", sess, &exp, &p, &d), OB_OK);
		assert_int_equal(http_fixture_count(s, "SELECT count(*) FROM account_token"
		                                       " WHERE kind = 'session'"), 1);
		assert_int_equal(ob_auth_token(s, sess, now + 60, &p, &d), OB_OK);
	}

	/* disabling revokes everything */
	assert_int_equal(ob_user_disable(s, "ana", "cli:test", &d), OB_OK);
	assert_int_equal(ob_auth_token(s, token, now, &p, &d), OB_ENOENT);
	assert_int_equal(ob_user_token(s, "ana", NULL, 0, now, "cli:test", token2, &d), OB_ENOENT);
	{
		char sess[OB_TOKEN_SIZE];
		long long exp;
		assert_int_equal(ob_auth_login(s, "ana", "una clave muy larga", 19, now, "10.0.0.1",
		                               sess, &exp, &p, &d), OB_ENOENT);
	}
	assert_int_equal(ob_user_disable(s, "nadie", "cli:test", &d), OB_ENOENT);
	assert_int_equal(audit_count(s, "user.disable"), 1);
	assert_int_equal(audit_count(s, "user.token"), 2);
	assert_int_equal(audit_count(s, "login"), 2);
	{
		struct ob_audit_report rep;
		assert_int_equal(ob_audit_verify(s, 0, NULL, NULL, NULL, &rep, &d), OB_OK);
		assert_int_equal(rep.problems, 0);
		assert_int_equal(rep.entries, 8);
	}
	http_fixture_remove(s, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles),
		cmocka_unit_test(names_and_passwords),
		cmocka_unit_test(accounts_and_tokens),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
