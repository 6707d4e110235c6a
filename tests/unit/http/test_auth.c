/* test_auth.c - the login rate limit and refused requests in the audit log. */
#include "test.h"

#include "fixture.h"
#include "http/auth.h"
#include "store/audit.h"

static void rate_limit(void **state)
{
	struct ob_ratelimit *rl = ob_ratelimit_new();
	long long now = 1000000, retry = 0, t;
	char addr[32], user[32];
	(void)state;

	/* an attacker's failures for ana from one address: free at first, then a
	 * wait from the last failure that doubles, up to the longest */
	for (int i = 0; i < OB_LOGIN_FREE_FAILS; i++) {
		assert_true(ob_ratelimit_allow(rl, "ana", "10.6.6.6", now + i, &retry));
		ob_ratelimit_failure(rl, "ana", "10.6.6.6", now + i);
	}
	t = now + OB_LOGIN_FREE_FAILS - 1; /* the last failure */
	assert_false(ob_ratelimit_allow(rl, "ana", "10.6.6.6", t + 1, &retry));
	assert_int_equal(retry, OB_LOGIN_BACKOFF - 1);
	/* the owner, from anywhere else, is never held back */
	assert_true(ob_ratelimit_allow(rl, "ana", "10.0.0.1", t + 1, &retry));
	assert_int_equal(retry, 0);
	/* nor is another account from the attacker's address (under its limit) */
	assert_true(ob_ratelimit_allow(rl, "bob", "10.6.6.6", t + 1, &retry));
	/* the wait ends, one more failure doubles it */
	assert_true(ob_ratelimit_allow(rl, "ana", "10.6.6.6", t + OB_LOGIN_BACKOFF, &retry));
	t += OB_LOGIN_BACKOFF;
	ob_ratelimit_failure(rl, "ana", "10.6.6.6", t);
	assert_false(ob_ratelimit_allow(rl, "ana", "10.6.6.6", t + OB_LOGIN_BACKOFF, &retry));
	assert_int_equal(retry, OB_LOGIN_BACKOFF);
	for (int i = 0; i < 20; i++) {
		t += OB_LOGIN_BACKOFF_MAX;
		ob_ratelimit_failure(rl, "ana", "10.6.6.6", t);
	}
	assert_false(ob_ratelimit_allow(rl, "ana", "10.6.6.6", t, &retry));
	assert_int_equal(retry, OB_LOGIN_BACKOFF_MAX);
	assert_true(ob_ratelimit_allow(rl, "ana", "10.0.0.1", t, &retry));
	/* a day without failures forgets the pair */
	assert_true(ob_ratelimit_allow(rl, "ana", "10.6.6.6", t + OB_LOGIN_FORGET, &retry));

	/* per address, over many names: that address waits, no other */
	for (int i = 0; i < OB_LOGIN_FAILS_ADDR; i++) {
		snprintf(user, sizeof(user), "u%d", i);
		assert_true(ob_ratelimit_allow(rl, user, "192.0.2.7", now, &retry));
		ob_ratelimit_failure(rl, user, "192.0.2.7", now);
	}
	assert_false(ob_ratelimit_allow(rl, "nuevo", "192.0.2.7", now + 1, &retry));
	assert_int_equal(retry, OB_LOGIN_WINDOW - 1);
	assert_true(ob_ratelimit_allow(rl, "nuevo", "192.0.2.8", now + 1, &retry));
	assert_true(ob_ratelimit_allow(rl, "u0", "192.0.2.8", now + 1, &retry));
	assert_true(ob_ratelimit_allow(rl, "nuevo", "192.0.2.7", now + OB_LOGIN_WINDOW, &retry));

	/* success clears the pair, not the address */
	for (int i = 0; i < OB_LOGIN_FREE_FAILS; i++)
		ob_ratelimit_failure(rl, "carla", "198.51.100.1", now);
	assert_false(ob_ratelimit_allow(rl, "carla", "198.51.100.1", now, &retry));
	ob_ratelimit_success(rl, "carla", "198.51.100.1", now);
	assert_true(ob_ratelimit_allow(rl, "carla", "198.51.100.1", now, &retry));
	for (int i = 0; i < OB_LOGIN_FAILS_ADDR - OB_LOGIN_FREE_FAILS; i++)
		ob_ratelimit_failure(rl, "x", "198.51.100.1", now);
	ob_ratelimit_success(rl, "carla", "198.51.100.1", now);
	assert_false(ob_ratelimit_allow(rl, "carla", "198.51.100.1", now, &retry));

	/* many keys: memory stays bounded, the newest held-back pair is kept */
	for (int i = 0; i < 3 * OB_LOGIN_TRACKED; i++) {
		snprintf(user, sizeof(user), "x%d", i);
		snprintf(addr, sizeof(addr), "203.0.%d.%d", i / 256, i % 256);
		ob_ratelimit_failure(rl, user, addr, now + 100);
	}
	for (int i = 0; i < OB_LOGIN_FREE_FAILS; i++)
		ob_ratelimit_failure(rl, "dora", "203.1.1.1", now + 200);
	assert_false(ob_ratelimit_allow(rl, "dora", "203.1.1.1", now + 201, &retry));
	assert_true(ob_ratelimit_allow(rl, "dora", "203.1.1.2", now + 201, &retry));
	ob_ratelimit_free(rl);
}

static long long refusals(struct ob_store *s, const char *where)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE %s", where);
	return http_fixture_count(s, sql);
}

/* Refusals reach the audit log, bounded per minute. */
static void refusals_audited(void **state)
{
	struct ob_ratelimit *rl = ob_ratelimit_new();
	struct ob_audit_report rep;
	struct ob_store *s;
	struct ob_diag d;
	const char *dir = http_fixture_open(&s);
	long long now = 1700000000 - 1700000000 % 60; /* the start of a minute */
	long long before = refusals(s, "1");
	char user[32], addr[32];
	(void)state;

	/* the first failure of a kind is written at once, with the address */
	ob_auth_refused(rl, s, "login.fail", "public", "ana", "10.6.6.6", "401", now);
	assert_int_equal(refusals(s, "action = 'login.fail' AND object = 'ana'"
	                             " AND detail LIKE '%10.6.6.6%'"), 1);
	/* its repeats in the minute are counted, not written */
	for (int i = 0; i < 500; i++)
		ob_auth_refused(rl, s, "login.fail", "public", "ana", "10.6.6.6", "401", now + 30);
	assert_int_equal(refusals(s, "action = 'login.fail'"), 1);
	/* the next minute writes the summary, then its own first refusal */
	ob_auth_refused(rl, s, "http.403", "bob", "/api/v1/review", "10.0.0.2", "GET 403", now + 61);
	assert_int_equal(refusals(s, "action = 'login.fail' AND detail LIKE '%\"repeated\":500%'"),
	                 1);
	assert_int_equal(refusals(s, "action = 'http.403' AND actor = 'bob'"), 1);
	/* a flood of distinct refusals: at most the budget one by one, the rest
	 * in one entry */
	for (int i = 0; i < 10 * OB_AUDIT_REFUSALS_MINUTE; i++) {
		snprintf(user, sizeof(user), "u%d", i);
		snprintf(addr, sizeof(addr), "192.0.%d.%d", i / 256, i % 256);
		ob_auth_refused(rl, s, "login.fail", "public", user, addr, "401", now + 125);
	}
	assert_int_equal(refusals(s, "action = 'login.fail'"), 2 + OB_AUDIT_REFUSALS_MINUTE);
	ob_auth_refusals_flush(rl, s, now + 130);
	assert_int_equal(refusals(s, "action = 'refusals.dropped'"), 1);
	assert_int_equal(refusals(s, "action = 'refusals.dropped' AND detail LIKE '%\"refusals\":"
	                             "540,%'"), 1);
	/* a name from a client is written printable: no escapes, no line breaks */
	ob_auth_refused(NULL, s, "login.fail", "public", "x\x1b[31m\nroot", "10.0.0.9", "401",
	                now + 200);
	assert_int_equal(refusals(s, "object = 'x??31m?root'"), 1);
	assert_true(refusals(s, "1") - before <= 2 * OB_AUDIT_REFUSALS_MINUTE + 6);
	ob_diag_clear(&d);
	assert_int_equal(ob_audit_verify(s, 0, NULL, NULL, NULL, &rep, &d), OB_OK);
	assert_int_equal(rep.problems, 0);
	ob_ratelimit_free(rl);
	http_fixture_remove(s, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rate_limit),
		cmocka_unit_test(refusals_audited),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
