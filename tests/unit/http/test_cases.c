/* test_cases.c - the case routes without sockets: 401 without a token; a
 * SALVE report opened by a school's account with nothing protected echoed;
 * protected fields shown only to the protected role, each read in the audit
 * log; a school outside its unit refused with 403 and an audit entry;
 * refused transitions 422 with the engine's message and nothing changed;
 * listings and alerts (JSON and CSV) of the account's units only. */
#include "test.h"

#include <jansson.h>

#include "cases/cases.h"
#include "fixture.h"
#include "http/http.h"
#include "store/audit.h"

static struct ob_store *store;
static const char *dir;
static struct ob_http_ctx ctx;
/* a school of unit CE-1, another of CE-2, the triage desk (steward, every
 * unit) and an analyst */
static char tok_school[OB_TOKEN_SIZE], tok_other[OB_TOKEN_SIZE], tok_triage[OB_TOKEN_SIZE],
	tok_analyst[OB_TOKEN_SIZE];
/* 2025-02-19T21:20:00Z: inside the calendars' years */
static const long long NOW = 1740000000;

#define VICTIM "XIMENA ARAUJO PORTILLO"

static int setup(void **state)
{
	struct ob_case_actor admin = { "cli:prueba", OB_ROLE_ADMIN, NULL };
	struct ob_cases types;
	struct ob_diag d;
	int k;
	(void)state;

	assert_int_equal(ob_auth_init(), OB_OK);
	dir = http_fixture_open(&store);
	ctx.store = store;
	ctx.dir = dir;
	ob_diag_clear(&d);
	if (ob_user_add(store, "escuela1", OB_ROLE_SUBMITTER, "sv-pnc", NULL, 0, "t", &d) ||
	    ob_user_add(store, "escuela2", OB_ROLE_SUBMITTER, "sv-pnc", NULL, 0, "t", &d) ||
	    ob_user_add(store, "triaje", OB_ROLE_STEWARD, NULL, NULL, 0, "t", &d) ||
	    ob_user_add(store, "bob", OB_ROLE_ANALYST, NULL, NULL, 0, "t", &d) ||
	    ob_user_token(store, "escuela1", NULL, 0, NOW, "t", tok_school, &d) ||
	    ob_user_token(store, "escuela2", NULL, 0, NOW, "t", tok_other, &d) ||
	    ob_user_token(store, "triaje", NULL, 0, NOW, "t", tok_triage, &d) ||
	    ob_user_token(store, "bob", NULL, 0, NOW, "t", tok_analyst, &d) ||
	    ob_cases_load(dir, &types, &d))
		fail_msg("setup: %s", d.message);
	k = ob_cases_find(&types, "salve");
	assert_true(k >= 0);
	if (ob_case_grant(store, &types.types[k], &admin, "escuela1", "CE-1", NOW, &d) ||
	    ob_case_grant(store, &types.types[k], &admin, "escuela2", "CE-2", NOW, &d))
		fail_msg("setup: %s", d.message);
	ob_cases_release(&types);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	http_fixture_remove(store, dir);
	return 0;
}

static void call(const char *method, const char *target, const char *token, const char *body,
                 struct ob_http_response *res)
{
	struct ob_http_request req = { 0 };
	char auth[128];

	req.method = method;
	req.target = target;
	if (token) {
		snprintf(auth, sizeof(auth), "Bearer %s", token);
		req.authorization = auth;
	}
	req.content_type = body ? "application/json" : NULL;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	req.remote = "192.0.2.20";
	req.now = NOW;
	ob_http_response_init(res);
	ob_http_handle(&ctx, &req, res);
}

/* The answer's status must be status; its body parsed (NULL when not
 * JSON); the victim's name never in it unless names_ok. */
static json_t *expect(const char *method, const char *target, const char *token,
                      const char *body, int status, bool names_ok)
{
	struct ob_http_response res;
	json_error_t err;
	json_t *j;

	call(method, target, token, body, &res);
	if (res.status != status)
		fail_msg("%s %s: status %d, expected %d: %.*s", method, target, res.status, status,
		         (int)res.body.len, res.body.ptr);
	if (!names_ok && res.body.ptr)
		assert_null(strstr(res.body.ptr, VICTIM));
	j = json_loadb(res.body.ptr ? res.body.ptr : "", res.body.len, 0, &err);
	ob_http_response_release(&res);
	return j;
}

static long long count(const char *sql)
{
	return http_fixture_count(store, sql);
}

/* Open a SALVE report as token; its number. */
static long long open_report(const char *token, const char *school, const char *category)
{
	char body[512];
	json_t *j;
	long long id;

	snprintf(body, sizeof(body),
	         "{\"type\":\"salve\",\"values\":{\"school\":\"%s\",\"territory\":\"SLV0614\","
	         "\"category\":\"%s\",\"victim\":\"" VICTIM "\"}}", school, category);
	j = expect("POST", "/api/v1/cases", token, body, 201, false);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "state")), "reported");
	id = json_integer_value(json_object_get(j, "case"));
	assert_true(id > 0);
	json_decref(j);
	return id;
}

static void without_token(void **state)
{
	static const char *const targets[][2] = {
		{ "GET", "/api/v1/cases" }, { "GET", "/api/v1/cases/alerts" },
		{ "GET", "/api/v1/cases/1" }, { "POST", "/api/v1/cases" },
		{ "POST", "/api/v1/cases/1/move" },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(targets); i++) {
		json_t *j = expect(targets[i][0], targets[i][1], NULL,
		                   !strcmp(targets[i][0], "POST") ? "{\"type\":\"salve\"}" : NULL,
		                   401, false);
		json_decref(j);
	}
	assert_int_equal(count("SELECT count(*) FROM case_file"), 0);
}

static void open_and_show(void **state)
{
	char target[96], sql[256];
	long long id, reads;
	json_t *j, *fields;
	(void)state;

	id = open_report(tok_school, "CE-1", "bullying");
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'case.open'"), 1);
	/* the school sees its case, the victim withheld; no read recorded */
	snprintf(target, sizeof(target), "/api/v1/cases/%lld", id);
	j = expect("GET", target, tok_school, NULL, 200, false);
	fields = json_object_get(j, "fields");
	assert_string_equal(json_string_value(json_object_get(fields, "school")), "CE-1");
	assert_true(json_is_null(json_object_get(fields, "victim")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "withheld"), 0)),
	                    "victim");
	assert_int_equal(json_array_size(json_object_get(j, "history")), 1);
	assert_true(json_is_null(json_object_get(json_object_get(
		json_array_get(json_object_get(j, "history"), 0), "values"), "victim")));
	/* the triage deadline runs: 24 hours after the opening */
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(j, "deadlines"), 0), "due")), "2025-02-20T21:20:00Z");
	json_decref(j);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'case.read'"), 0);
	/* the steward sees it, after the read is recorded with its purpose */
	snprintf(target, sizeof(target), "/api/v1/cases/%lld?purpose=triaje+del+reporte", id);
	j = expect("GET", target, tok_triage, NULL, 200, true);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "fields"),
	                                                      "victim")), VICTIM);
	assert_int_equal(json_array_size(json_object_get(j, "withheld")), 0);
	json_decref(j);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE action = 'case.read' AND "
	         "actor = 'triaje' AND object = 'case:%lld' AND detail LIKE '%%triaje del reporte%%'",
	         id);
	reads = count(sql);
	assert_int_equal(reads, 1);
	/* the analyst: no protected values, no read */
	snprintf(target, sizeof(target), "/api/v1/cases/%lld", id);
	j = expect("GET", target, tok_analyst, NULL, 200, false);
	json_decref(j);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'case.read'"), 1);
	j = expect("GET", "/api/v1/cases/999", tok_triage, NULL, 404, false);
	json_decref(j);
}

static void outside_units(void **state)
{
	long long cases, refusals;
	char target[96];
	json_t *j;
	(void)state;

	cases = count("SELECT count(*) FROM case_file");
	refusals = count("SELECT count(*) FROM audit WHERE action = 'http.403'");
	/* a school opening a report of another school */
	j = expect("POST", "/api/v1/cases", tok_other,
	           "{\"type\":\"salve\",\"values\":{\"school\":\"CE-1\",\"territory\":\"SLV0614\","
	           "\"category\":\"theft\"}}", 403, false);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "error"),
	                                                         "message")), "CE-2"));
	assert_non_null(json_object_get(json_object_get(j, "error"), "message_en"));
	json_decref(j);
	assert_int_equal(count("SELECT count(*) FROM case_file"), cases);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'http.403'"),
	                 refusals + 1);
	/* reading and moving a case of CE-1 */
	snprintf(target, sizeof(target), "/api/v1/cases/%lld", cases);
	json_decref(expect("GET", target, tok_other, NULL, 403, false));
	snprintf(target, sizeof(target), "/api/v1/cases/%lld/move", cases);
	json_decref(expect("POST", target, tok_other, "{\"state\":\"closed\",\"values\":"
	                   "{\"closure\":\"unfounded\"}}", 403, false));
	/* moving its own case into another school */
	json_decref(expect("POST", target, tok_school, "{\"state\":\"reported\",\"values\":"
	                   "{\"school\":\"CE-2\"}}", 403, false));
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'http.403'"),
	                 refusals + 4);
	assert_int_equal(count("SELECT count(*) FROM case_event"), cases);
	/* the listing of CE-2 has none of CE-1's */
	j = expect("GET", "/api/v1/cases", tok_other, NULL, 200, false);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
	json_decref(j);
	j = expect("GET", "/api/v1/cases?type=salve", tok_school, NULL, 200, false);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), cases);
	json_decref(j);
	json_decref(expect("GET", "/api/v1/cases?type=nada", tok_school, NULL, 400, false));
}

/* The state and event count of case id. */
static void expect_state(long long id, const char *state, long long events)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM case_file WHERE id = %lld AND state = '%s'",
	         id, state);
	assert_int_equal(count(sql), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM case_event WHERE case_id = %lld", id);
	assert_int_equal(count(sql), events);
}

static void transitions(void **state)
{
	long long id = open_report(tok_school, "CE-1", "threats");
	char target[96];
	const char *msg;
	json_t *j;
	(void)state;

	snprintf(target, sizeof(target), "/api/v1/cases/%lld/move", id);
	/* the school may not triage: the engine says which role does */
	j = expect("POST", target, tok_school, "{\"state\":\"triaged\",\"values\":"
	           "{\"priority\":\"high\",\"weapon\":\"no\"}}", 422, false);
	msg = json_string_value(json_object_get(json_object_get(j, "error"), "message_en"));
	assert_non_null(msg);
	assert_non_null(strstr(msg, "steward"));
	assert_null(strstr(msg, dir)); /* the type, not its file's path on the server */
	assert_non_null(json_string_value(json_object_get(json_object_get(j, "error"), "message")));
	json_decref(j);
	expect_state(id, "reported", 1);
	/* no such transition from reported */
	j = expect("POST", target, tok_triage, "{\"state\":\"referred\",\"values\":"
	           "{\"referred_to\":\"pnc\"}}", 422, false);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "error"),
	                                                         "message_en")), "triaged"));
	json_decref(j);
	/* a required field missing */
	json_decref(expect("POST", target, tok_triage, "{\"state\":\"triaged\",\"values\":"
	                   "{\"priority\":\"high\"}}", 422, false));
	/* a value out of its list */
	json_decref(expect("POST", target, tok_triage, "{\"state\":\"triaged\",\"values\":"
	                   "{\"priority\":\"urgentisima\",\"weapon\":\"no\"}}", 422, false));
	expect_state(id, "reported", 1);
	/* bodies that are not what the route takes */
	json_decref(expect("POST", target, tok_triage, "{\"state\":3}", 400, false));
	json_decref(expect("POST", target, tok_triage, "{\"state\":\"triaged\",\"values\":"
	                   "{\"priority\":1}}", 400, false));
	json_decref(expect("POST", target, tok_triage, "no es json", 400, false));
	json_decref(expect("POST", "/api/v1/cases", tok_school, "{\"type\":\"nada\"}", 422, false));
	json_decref(expect("POST", "/api/v1/cases", tok_school, "{\"type\":\"salve\",\"values\":"
	                   "{\"school\":\"CE-1\",\"territory\":\"SLV0614\",\"category\":\"theft\","
	                   "\"color\":\"rojo\"}}", 422, false));
	expect_state(id, "reported", 1);
	/* the steward triages it */
	j = expect("POST", target, tok_triage, "{\"state\":\"triaged\",\"values\":"
	           "{\"priority\":\"high\",\"weapon\":\"no\"}}", 200, false);
	assert_string_equal(json_string_value(json_object_get(j, "from")), "reported");
	assert_string_equal(json_string_value(json_object_get(j, "state")), "triaged");
	json_decref(j);
	expect_state(id, "triaged", 2);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'case.move'"), 1);
	/* its page offers the next transitions */
	snprintf(target, sizeof(target), "/api/v1/cases/%lld", id);
	j = expect("GET", target, tok_school, NULL, 200, false);
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(j, "transitions"), 0), "to")), "referred");
	assert_true(json_is_false(json_object_get(
		json_array_get(json_object_get(j, "transitions"), 0), "allowed")));
	json_decref(j);
}

static void alerts(void **state)
{
	struct ob_http_response res;
	long long severe = open_report(tok_school, "CE-1", "sexual_violence");
	long long other = open_report(tok_triage, "CE-2", "drugs");
	json_t *j, *data;
	bool seen_severe = false, seen_other = false;
	(void)state;

	/* a day and a half later: the untriaged reports are overdue */
	j = expect("GET", "/api/v1/cases/alerts?type=salve&now=2025-02-21T12:00Z", tok_triage,
	           NULL, 200, false);
	data = json_object_get(j, "data");
	for (size_t i = 0; i < json_array_size(data); i++) {
		json_t *r = json_array_get(data, i);
		const char *kind = json_string_value(json_object_get(r, "alert"));
		long long c = json_integer_value(json_object_get(r, "case"));
		if (!strcmp(kind, "severe") && c == severe)
			seen_severe = true;
		if (!strcmp(kind, "overdue") && c == other) {
			seen_other = true;
			assert_string_equal(json_string_value(json_object_get(r, "due")),
			                    "2025-02-20T21:20:00Z");
		}
	}
	assert_true(seen_severe);
	assert_true(seen_other);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), json_array_size(data));
	json_decref(j);
	/* the school of CE-2 sees its overdue report, none of CE-1 */
	j = expect("GET", "/api/v1/cases/alerts?kind=overdue&now=2025-02-21", tok_other, NULL, 200,
	           false);
	data = json_object_get(j, "data");
	assert_int_equal(json_array_size(data), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(data, 0), "case")), other);
	json_decref(j);
	/* before any deadline, no overdue alert */
	j = expect("GET", "/api/v1/cases/alerts?kind=overdue", tok_triage, NULL, 200, false);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
	json_decref(j);
	json_decref(expect("GET", "/api/v1/cases/alerts?now=ayer", tok_triage, NULL, 400, false));
	/* CSV */
	call("GET", "/api/v1/cases/alerts?kind=severe&format=csv&limit=100", tok_triage, NULL, &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body.ptr, "alert,case,type,unit,rule"));
	assert_non_null(strstr(res.body.ptr, "severe,"));
	assert_null(strstr(res.body.ptr, VICTIM));
	ob_http_response_release(&res);
	call("GET", "/api/v1/cases?format=csv&state=reported&limit=100", tok_triage, NULL, &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body.ptr, "case,type,state,unit"));
	assert_non_null(strstr(res.body.ptr, ",salve,reported,CE-2,"));
	ob_http_response_release(&res);
	/* paging */
	j = expect("GET", "/api/v1/cases?limit=1&offset=1", tok_triage, NULL, 200, false);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "data"),
	                                                                   0), "case")), 2);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(without_token),
		cmocka_unit_test(open_and_show),
		cmocka_unit_test(outside_units),
		cmocka_unit_test(transitions),
		cmocka_unit_test(alerts),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
