/* test_cases.c - the case routes without sockets: 401 without a token; a
 * SALVE report opened by a school's account with nothing protected echoed;
 * protected fields shown only to the protected role, each read in the audit
 * log; a school outside its unit refused with 403 and an audit entry;
 * refused transitions 422 with the engine's message and nothing changed;
 * listings and alerts (JSON and CSV) of the account's units only. The
 * portal's case pages with a session: choices by their words in the page's
 * language and the account as a text area; a case's page with its fields
 * (protected ones to the steward only, the read audited as case.read), its
 * deadlines, its moves (CSRF; a refusal 422 with the engine's reason and
 * nothing changed) and its history, 403 for another school; the queue
 * linking each case to its page, in pages of OB_PORTAL_CASE_PAGE with the
 * total. */
#include "test.h"

#include <jansson.h>

#include "cases/cases.h"
#include "fixture.h"
#include "http/auth.h"
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
#define PASSWORD "una clave de prueba larga"

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
	ctx.rl = ob_ratelimit_new();
	ob_diag_clear(&d);
	if (ob_user_add(store, "escuela1", OB_ROLE_SUBMITTER, "sv-pnc", PASSWORD, strlen(PASSWORD),
	                "t", &d) ||
	    ob_user_add(store, "escuela2", OB_ROLE_SUBMITTER, "sv-pnc", PASSWORD, strlen(PASSWORD),
	                "t", &d) ||
	    ob_user_add(store, "triaje", OB_ROLE_STEWARD, NULL, PASSWORD, strlen(PASSWORD), "t",
	                &d) ||
	    ob_user_add(store, "bob", OB_ROLE_ANALYST, NULL, PASSWORD, strlen(PASSWORD), "t", &d) ||
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
	ob_ratelimit_free(ctx.rl);
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

/* ---- the portal's case pages ---- */

/* A portal request (cookie and form may be NULL); release res. */
static void page(const char *method, const char *target, const char *cookie, const char *form,
                 struct ob_http_response *res)
{
	struct ob_http_request req = { 0 };

	req.method = method;
	req.target = target;
	req.cookie = cookie;
	req.remote = "192.0.2.21";
	req.now = NOW;
	if (form) {
		req.body = form;
		req.body_len = strlen(form);
		req.content_type = "application/x-www-form-urlencoded";
	}
	ob_http_response_init(res);
	ob_http_handle(&ctx, &req, res);
}

/* The page's body (NUL-terminated, the caller frees it); status must be
 * status. */
static char *page_expect(const char *method, const char *target, const char *cookie,
                         const char *form, int status)
{
	struct ob_http_response res;
	char *body;

	page(method, target, cookie, form, &res);
	if (res.status != status)
		fail_msg("%s %s: status %d, expected %d: %.*s", method, target, res.status, status,
		         (int)res.body.len, res.body.ptr);
	body = ob_strndup(res.body.ptr ? res.body.ptr : "", res.body.len);
	ob_http_response_release(&res);
	return body;
}

/* The value of attribute-like text after `after` up to the next quote. */
static void text_after(const char *body, const char *after, char *out, size_t size)
{
	const char *p = strstr(body, after);
	size_t n;

	assert_non_null(p);
	p += strlen(after);
	n = strcspn(p, "\"");
	assert_true(n < size);
	memcpy(out, p, n);
	out[n] = '\0';
}

/* The value of cookie `name` set by res ("name=value"), into out. */
static void set_cookie(const struct ob_http_response *res, const char *name, char *out,
                       size_t size)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < res->nheaders; i++)
		if (!strcasecmp(res->headers[i].name, "Set-Cookie") &&
		    !strncmp(res->headers[i].value, name, n) && res->headers[i].value[n] == '=') {
			size_t len = strcspn(res->headers[i].value, ";");
			assert_true(len < size);
			memcpy(out, res->headers[i].value, len);
			out[len] = '\0';
			return;
		}
	fail_msg("no cookie %s", name);
}

/* Sign user in: its session cookie into session. */
static void sign_in(const char *user, char *session, size_t size)
{
	struct ob_http_response res;
	char presign[256], csrf[128], form[512];
	char *body;

	page("GET", "/es/acceso", NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	set_cookie(&res, "obs_presign", presign, sizeof(presign));
	body = ob_strndup(res.body.ptr, res.body.len);
	ob_http_response_release(&res);
	text_after(body, "name=\"csrf\" value=\"", csrf, sizeof(csrf));
	free(body);
	snprintf(form, sizeof(form), "user=%s&password=una+clave+de+prueba+larga&csrf=%s", user,
	         csrf);
	page("POST", "/es/acceso", presign, form, &res);
	assert_int_equal(res.status, 303);
	set_cookie(&res, OB_HTTP_SESSION_COOKIE, session, size);
	ob_http_response_release(&res);
}

/* How many times needle is in s. */
static size_t occurrences(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void portal_pages(void **state)
{
	char school[256], desk[256], analyst[256], other[256];
	char target[96], form[512], csrf[128], sql[256], want[160];
	long long id, reads, refusals, open;
	char *body;
	(void)state;

	sign_in("escuela1", school, sizeof(school));
	sign_in("triaje", desk, sizeof(desk));
	sign_in("bob", analyst, sizeof(analyst));
	sign_in("escuela2", other, sizeof(other));

	/* the report form: a choice's words in the page's language, the
	 * account in a text area */
	body = page_expect("GET", "/es/gestion/reporte", school, NULL, 200);
	assert_non_null(strstr(body, "<option value=\"bullying\">Acoso escolar (bullying)</option>"));
	assert_non_null(strstr(body, "<option value=\"unknown\">No se sabe</option>"));
	assert_non_null(strstr(body, "<textarea rows=\"5\" id=\"f-description\" name=\"f_description\""));
	assert_null(strstr(body, "name=\"f_description\" type=\"text\""));
	free(body);
	body = page_expect("GET", "/en/admin/report", school, NULL, 200);
	assert_non_null(strstr(body, "<option value=\"sexual_violence\">Sexual violence</option>"));
	assert_non_null(strstr(body, "<option value=\"unknown\">Unknown</option>"));
	free(body);

	/* a case's page */
	id = open_report(tok_school, "CE-1", "threats");
	snprintf(target, sizeof(target), "/es/gestion/caso/%lld", id);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE action = 'case.read' AND "
	         "actor = 'triaje' AND object = 'case:%lld'", id);
	reads = count(sql);
	body = page_expect("GET", target, desk, NULL, 200);
	assert_int_equal(count(sql), reads + 1);
	assert_non_null(strstr(body, VICTIM));
	assert_non_null(strstr(body, "<dd>Amenazas</dd>"));
	assert_non_null(strstr(body, "<dd>CE-1</dd>"));
	assert_null(strstr(body, "<dd>threats</dd>"));
	assert_non_null(strstr(body, "Clasificar en 24 horas: vence 2025-02-20 15:20"));
	assert_non_null(strstr(body, "apertura: Reportado"));
	assert_non_null(strstr(body, "Categoría: Amenazas"));
	assert_non_null(strstr(body, "value=\"triaged\""));
	assert_non_null(strstr(body, "value=\"closed\""));
	text_after(body, "name=\"csrf\" value=\"", csrf, sizeof(csrf));
	free(body);
	/* the analyst: no protected value, no read recorded, no move offered */
	reads = count("SELECT count(*) FROM audit WHERE action = 'case.read'");
	body = page_expect("GET", target, analyst, NULL, 200);
	assert_null(strstr(body, VICTIM));
	assert_non_null(strstr(body, "<dd>(protegido)</dd>"));
	assert_non_null(strstr(body, "Víctima (nombre): (protegido)"));
	assert_null(strstr(body, "value=\"triaged\""));
	free(body);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'case.read'"), reads);
	/* in English */
	snprintf(target, sizeof(target), "/en/admin/case/%lld", id);
	body = page_expect("GET", target, analyst, NULL, 200);
	assert_non_null(strstr(body, "<dd>Threats</dd>"));
	assert_non_null(strstr(body, "opened: Reported"));
	free(body);
	/* another school: 403, audited */
	refusals = count("SELECT count(*) FROM audit WHERE action = 'http.403'");
	snprintf(target, sizeof(target), "/es/gestion/caso/%lld", id);
	free(page_expect("GET", target, other, NULL, 403));
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'http.403'"),
	                 refusals + 1);
	free(page_expect("GET", "/es/gestion/caso/99999", desk, NULL, 404));
	/* a report from the form: the account's lines kept as one line */
	body = page_expect("GET", "/es/gestion/reporte", school, NULL, 200);
	text_after(body, "name=\"csrf\" value=\"", csrf, sizeof(csrf));
	free(body);
	open = count("SELECT count(*) FROM case_file");
	snprintf(form, sizeof(form), "csrf=%s&f_school=CE-1&f_territory=SLV0614&f_category=drugs&"
	         "f_description=Vieron+a+dos%%0D%%0Aen+el+port%%C3%%B3n", csrf);
	free(page_expect("POST", "/es/gestion/reporte", school, form, 303));
	assert_int_equal(count("SELECT count(*) FROM case_file"), open + 1);
	assert_int_equal(count("SELECT count(*) FROM case_value WHERE field = 'description' AND "
	                       "value = 'Vieron a dos  en el portón'"), 1);
	body = page_expect("GET", target, desk, NULL, 200);
	text_after(body, "name=\"csrf\" value=\"", csrf, sizeof(csrf));
	free(body);
	free(page_expect("GET", "/es/gestion/caso/x1", desk, NULL, 404));
	/* moves: without the token 403; one that does not exist 422 with the
	 * engine's reason, nothing changed; the triage made, back to the page */
	snprintf(form, sizeof(form), "case=%lld&state=triaged&f_priority=high&f_weapon=no", id);
	free(page_expect("POST", target, desk, form, 403));
	expect_state(id, "reported", 1);
	snprintf(form, sizeof(form), "csrf=%s&case=%lld&state=referred&f_referred_to=pnc", csrf,
	         id);
	body = page_expect("POST", target, desk, form, 422);
	assert_non_null(strstr(body, "triaged"));
	assert_non_null(strstr(body, "Nada cambió."));
	assert_non_null(strstr(body, "<dd>Amenazas</dd>"));
	free(body);
	expect_state(id, "reported", 1);
	snprintf(want, sizeof(want), "/en/admin/case/%lld", id);
	body = page_expect("POST", want, desk, form, 422);
	assert_non_null(strstr(body, "Nothing changed."));
	assert_non_null(strstr(body, "<dd>Threats</dd>"));
	assert_null(strstr(body, "Nada cambió"));
	free(body);
	expect_state(id, "reported", 1);
	snprintf(form, sizeof(form), "csrf=%s&case=%lld&state=triaged&f_priority=high&f_weapon=no",
	         csrf, id);
	{
		struct ob_http_response res;
		page("POST", target, desk, form, &res);
		assert_int_equal(res.status, 303);
		assert_string_equal(ob_http_header_get(&res, "Location"), target);
		ob_http_response_release(&res);
	}
	expect_state(id, "triaged", 2);
	body = page_expect("GET", target, desk, NULL, 200);
	assert_non_null(strstr(body, "Reportado → Clasificado"));
	assert_non_null(strstr(body, "Prioridad: Alta"));
	assert_non_null(strstr(body, "Ningún plazo corre ahora."));
	free(body);

	/* the queue: words, links, and pages with the total */
	open = count("SELECT count(*) FROM case_file WHERE type = 'salve' AND state <> 'closed'");
	while (open <= OB_PORTAL_CASE_PAGE) {
		open_report(tok_school, "CE-1", "theft");
		open++;
	}
	body = page_expect("GET", "/es/gestion/triaje", desk, NULL, 200);
	snprintf(want, sizeof(want), "<a href=\"/es/gestion/caso/%lld\">%lld</a>", id, id);
	assert_non_null(strstr(body, want));
	assert_non_null(strstr(body, "<td>Robo o hurto</td>"));
	assert_null(strstr(body, "<td>theft</td>"));
	snprintf(want, sizeof(want), "Casos 1–%d de %lld, página 1 de 2.", OB_PORTAL_CASE_PAGE,
	         open);
	assert_non_null(strstr(body, want));
	assert_int_equal(occurrences(body, "<tr><td class=\"num\">") +
	                 occurrences(body, "<tr class=\"case-severe\"><td class=\"num\">"),
	                 OB_PORTAL_CASE_PAGE);
	assert_non_null(strstr(body, "?page=2\" rel=\"next\""));
	free(body);
	body = page_expect("GET", "/es/gestion/triaje?page=2", desk, NULL, 200);
	assert_int_equal(occurrences(body, "<tr><td class=\"num\">") +
	                 occurrences(body, "<tr class=\"case-severe\"><td class=\"num\">"),
	                 open - OB_PORTAL_CASE_PAGE);
	assert_non_null(strstr(body, "rel=\"prev\""));
	free(body);
	body = page_expect("GET", "/en/admin/triage", desk, NULL, 200);
	assert_non_null(strstr(body, "<td>Theft</td>"));
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(without_token),
		cmocka_unit_test(open_and_show),
		cmocka_unit_test(outside_units),
		cmocka_unit_test(transitions),
		cmocka_unit_test(alerts),
		cmocka_unit_test(portal_pages),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
