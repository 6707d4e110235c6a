/* test_reconcile.c - the reconciliation routes without sockets: who may read
 * what (public refused, analyst counts without names, steward record-level
 * and audited) and a review decision taken through the API that the next
 * run loads. */
#include "test.h"

#include <jansson.h>
#include <unistd.h>

#include "fixture.h"
#include "http/http.h"
#include "reconcile/reconcile.h"
#include "store/audit.h"
/* raw SQL (store_sql.h): plants deliveries of given dates without an ingest. */
#include "store_sql.h"

static struct ob_store *store;
static const char *dir;
static struct ob_http_ctx ctx;
static char tok_analyst[OB_TOKEN_SIZE], tok_steward[OB_TOKEN_SIZE], tok_submitter[OB_TOKEN_SIZE];
static const long long NOW = 1700000000;

#define OTHER_VICTIM "ROSALINDA QUETZAL"

static int setup(void **state)
{
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_auth_init(), OB_OK);
	dir = http_fixture_open(&store);
	ctx.store = store;
	ctx.dir = dir;
	ctx.rl = ob_ratelimit_new();
	ob_diag_clear(&d);
	if (ob_user_add(store, "ana", OB_ROLE_STEWARD, NULL, NULL, 0, "t", &d) ||
	    ob_user_add(store, "bob", OB_ROLE_ANALYST, NULL, NULL, 0, "t", &d) ||
	    ob_user_add(store, "pnc", OB_ROLE_SUBMITTER, "sv-pnc", NULL, 0, "t", &d) ||
	    ob_user_token(store, "ana", NULL, 0, NOW, "t", tok_steward, &d) ||
	    ob_user_token(store, "bob", NULL, 0, NOW, "t", tok_analyst, &d) ||
	    ob_user_token(store, "pnc", NULL, 0, NOW, "t", tok_submitter, &d))
		fail_msg("setup: %s", d.message);
	/* a forensic record of the same death, and a run over both */
	if (ob_store_exec(store,
	                  "INSERT INTO submission(id, source, file_name, sha256, period_from,"
	                  " period_to, rows_read, accepted, rejected, warned, ingested_at,"
	                  " version, observa_version, institution, country) VALUES"
	                  " (2, 'sv-iml', 'necropsias_2020.csv', 'cd', '2020-01-01', '2020-12-31',"
	                  " 1, 1, 0, 0, '2021-01-06T10:00:00Z', 1, '0.1.0', 'forensic', 'SLV');"
	                  "INSERT INTO record(id, submission, source, source_id, line, occurred_on,"
	                  " precision, territory, category, victim_sex, victim_age) VALUES"
	                  " (2, 2, 'sv-iml', 'F-9', 2, '2020-03-05', 'day', 'SLV0614', '0101', 'F', 30);"
	                  "INSERT INTO protected(record, names) VALUES (2, '" OTHER_VICTIM "');"
	                  "INSERT INTO reconcile_run(id, started_at, period, country, settings,"
	                  " records, deaths, candidates, linked_pairs, review_pairs, observa_version)"
	                  " VALUES (1, '2021-02-01T00:00:00Z', '2020', 'SLV', 'threshold = 0.2', 2, 2,"
	                  " 1, 0, 1, '0.1.0');"
	                  "INSERT INTO reconcile_count VALUES (1, 1, 'SLV06', '2020-03', 1, 1, 0, 2),"
	                  " (1, 2, 'SLV0614', '2020-03', 1, 1, 0, 2);"
	                  "INSERT INTO reconciled_death(run, death, country, sources, n_records,"
	                  " occurred_on, territory) VALUES (1, 1, 'SLV', 'police', 1, '2020-03-04',"
	                  " 'SLV0614'), (1, 2, 'SLV', 'forensic', 1, '2020-03-05', 'SLV0614');"
	                  "INSERT INTO reconcile_member VALUES (1, 1, 1, 'sv-pnc', 'C-1', 'police', NULL),"
	                  " (1, 2, 2, 'sv-iml', 'F-9', 'forensic', NULL);"
	                  "INSERT INTO discrepancy VALUES (1, 1, 'single_source', 'solo police'),"
	                  " (1, 2, 'single_source', 'solo forensic');"
	                  "INSERT INTO review_item(id, run, source_a, id_a, source_b, id_b,"
	                  " probability, weight, linked, explanation) VALUES (1, 1, 'sv-pnc', 'C-1',"
	                  " 'sv-iml', 'F-9', 0.5, 1.25, 0, 'date\tclose\t2.5\nage\tdiffer\t-1.25');",
	                  &d) ||
	    ob_audit_append(store, NULL, "ana", "reconcile", "reconcile_run:1", "prueba", NULL, &d))
		fail_msg("setup: %s", d.message);
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
	req.remote = "192.0.2.10";
	req.now = NOW;
	ob_http_response_init(res);
	ob_http_handle(&ctx, &req, res);
}

/* status, and the body parsed when JSON (NULL otherwise); names must not
 * appear unless allowed. */
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
	if (!names_ok && res.body.ptr) {
		assert_null(strstr(res.body.ptr, FIXTURE_VICTIM));
		assert_null(strstr(res.body.ptr, OTHER_VICTIM));
	}
	j = json_loadb(res.body.ptr ? res.body.ptr : "", res.body.len, 0, &err);
	ob_http_response_release(&res);
	return j;
}

static long long reads(const char *object)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE action = 'read' AND actor = "
	                           "'ana' AND object = '%s'", object);
	return http_fixture_count(store, sql);
}

static void test_roles(void **state)
{
	static const char *const steward_only[] = { "/api/v1/reconcile/runs/1/discrepancies",
		                                    "/api/v1/review" };
	static const char *const analyst_up[] = { "/api/v1/reconcile/runs",
		                                  "/api/v1/reconcile/runs/1/counts" };
	(void)state;

	for (size_t i = 0; i < 2; i++) {
		json_decref(expect("GET", steward_only[i], NULL, NULL, 401, false));
		json_decref(expect("GET", steward_only[i], tok_submitter, NULL, 403, false));
		json_decref(expect("GET", steward_only[i], tok_analyst, NULL, 403, false));
		json_decref(expect("GET", analyst_up[i], NULL, NULL, 401, false));
		json_decref(expect("GET", analyst_up[i], tok_submitter, NULL, 403, false));
	}
	json_decref(expect("POST", "/api/v1/review/1", NULL, "{\"decision\":\"accept\"}", 401,
	                   false));
	json_decref(expect("POST", "/api/v1/review/1", tok_analyst, "{\"decision\":\"accept\"}",
	                   403, false));
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM review_decision"), 0);
	/* each refusal is in the audit log, by whom and what: one entry per
	 * route and address in the minute (the repeats are counted) */
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM audit WHERE action = "
	                                           "'http.403' AND actor = 'bob' AND object = "
	                                           "'/api/v1/review'"), 1);
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM audit WHERE action = "
	                                           "'http.401' AND actor = 'public'"), 5);
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM audit WHERE action = "
	                                           "'http.401' AND object = "
	                                           "'/api/v1/reconcile/runs/{id}/counts'"), 1);
}

static void test_analyst(void **state)
{
	json_t *j, *row;
	struct ob_http_response res;
	char csv[4096];
	(void)state;

	j = expect("GET", "/api/v1/reconcile/runs", tok_analyst, NULL, 200, false);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
	row = json_array_get(json_object_get(j, "data"), 0);
	assert_int_equal(json_integer_value(json_object_get(row, "id")), 1);
	assert_string_equal(json_string_value(json_object_get(row, "period")), "2020");
	assert_string_equal(json_string_value(json_object_get(row, "country")), "SLV");
	assert_int_equal(json_integer_value(json_object_get(row, "deaths")), 2);
	assert_string_equal(json_string_value(json_object_get(row, "user")), "ana");
	json_decref(j);

	j = expect("GET", "/api/v1/reconcile/runs/1/counts?level=2", tok_analyst, NULL, 200, false);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
	row = json_array_get(json_object_get(j, "data"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "territory")), "SLV0614");
	assert_int_equal(json_integer_value(json_object_get(row, "police")), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "forensic")), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "reconciled")), 2);
	json_decref(j);
	j = expect("GET", "/api/v1/reconcile/runs/1/counts?limit=1", tok_analyst, NULL, 200, false);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 1);
	json_decref(j);
	/* format=csv: every row, sent from a file */
	call("GET", "/api/v1/reconcile/runs/1/counts?format=csv", tok_analyst, NULL, &res);
	assert_int_equal(res.status, 200);
	assert_true(res.fd >= 0 && res.fd_size < sizeof(csv));
	assert_int_equal(pread(res.fd, csv, (size_t)res.fd_size, 0), (ssize_t)res.fd_size);
	csv[res.fd_size] = '\0';
	assert_non_null(strstr(csv, "level,territory,month,police,forensic,prosecutor,"
	                            "reconciled\n"));
	assert_non_null(strstr(csv, "2,SLV0614,2020-03,1,1,0,2\n"));
	ob_http_response_release(&res);
	json_decref(expect("GET", "/api/v1/reconcile/runs/7/counts", tok_analyst, NULL, 404, false));
	/* counts without disclosure control: every read is audited (not the 404) */
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM audit WHERE action = "
	                                           "'read' AND actor = 'bob'"), 4);
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM audit WHERE action = "
	                                           "'read' AND actor = 'bob' AND object = "
	                                           "'reconcile_run:1' AND detail LIKE "
	                                           "'{\"records\":1,\"query\":\"counts level=2%'"),
	                 1);
}

static void test_steward(void **state)
{
	json_t *j, *row, *cmp;
	long long before = reads("reconcile_run:1");
	(void)state;

	j = expect("GET", "/api/v1/reconcile/runs/1/discrepancies?reason=single_source",
	           tok_steward, NULL, 200, false);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
	row = json_array_get(json_object_get(j, "data"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "reason")), "single_source");
	assert_string_equal(json_string_value(json_object_get(row, "records")), "sv-pnc:C-1");
	json_decref(j);
	assert_int_equal(reads("reconcile_run:1"), before + 1);
	json_decref(expect("GET", "/api/v1/reconcile/runs/1/discrepancies?reason=sex",
	                   tok_steward, NULL, 200, false));
	assert_int_equal(reads("reconcile_run:1"), before + 2);
	json_decref(expect("GET", "/api/v1/reconcile/runs/1/discrepancies?reason=nope",
	                   tok_steward, NULL, 400, false));
	assert_int_equal(reads("reconcile_run:1"), before + 2);

	before = reads("review_item");
	j = expect("GET", "/api/v1/review", tok_steward, NULL, 200, true);
	assert_int_equal(reads("review_item"), before + 1);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
	row = json_array_get(json_object_get(j, "data"), 0);
	assert_int_equal(json_integer_value(json_object_get(row, "item")), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(row, "a"), "names")),
	                    FIXTURE_VICTIM);
	assert_string_equal(json_string_value(json_object_get(json_object_get(row, "b"), "names")),
	                    OTHER_VICTIM);
	cmp = json_object_get(row, "comparisons");
	assert_int_equal(json_array_size(cmp), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cmp, 1), "field")),
	                    "age");
	assert_true(json_real_value(json_object_get(json_array_get(cmp, 1), "weight")) == -1.25);
	assert_true(json_is_null(json_object_get(row, "decision")));
	json_decref(j);
}

static void test_decision(void **state)
{
	struct ob_reconcile_settings set;
	struct ob_reconcile_run run;
	struct ob_diag d;
	json_t *j, *row;
	long long audits = http_fixture_count(store, "SELECT count(*) FROM audit");
	(void)state;

	json_decref(expect("POST", "/api/v1/review/1", tok_steward, "{\"decision\":\"maybe\"}", 400,
	                   false));
	json_decref(expect("POST", "/api/v1/review/1", tok_steward, "[1]", 400, false));
	json_decref(expect("POST", "/api/v1/review/99", tok_steward, "{\"decision\":\"accept\"}",
	                   404, false));
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM review_decision"), 0);
	j = expect("POST", "/api/v1/review/1", tok_steward,
	           "{\"decision\":\"accept\",\"note\":\"misma fecha y lugar\"}", 200, false);
	assert_string_equal(json_string_value(json_object_get(j, "decision")), "accept");
	assert_string_equal(json_string_value(json_object_get(j, "user")), "ana");
	json_decref(j);
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM review_decision WHERE"
	                                           " decision = 'accept' AND actor = 'ana' AND"
	                                           " note = 'misma fecha y lugar' AND item = 1"), 1);
	assert_int_equal(http_fixture_count(store, "SELECT count(*) FROM audit WHERE actor = 'ana'"
	                                           " AND action = 'review.accept'"), 1);
	assert_true(http_fixture_count(store, "SELECT count(*) FROM audit") > audits);
	/* the queue: no longer pending, decided with --all */
	j = expect("GET", "/api/v1/review", tok_steward, NULL, 200, true);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
	json_decref(j);
	j = expect("GET", "/api/v1/review?all=1", tok_steward, NULL, 200, true);
	row = json_array_get(json_object_get(j, "data"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "decision")), "accept");
	json_decref(j);
	/* the next run loads it */
	ob_reconcile_settings_defaults(&set);
	ob_reconcile_run_init(&run, &set);
	ob_diag_clear(&d);
	assert_int_equal(ob_reconcile_decisions_load(&run, store, &d), OB_OK);
	assert_int_equal(run.ndec, 1);
	assert_true(run.dec[0].accept);
	assert_true((!strcmp(run.dec[0].id_a, "C-1") && !strcmp(run.dec[0].id_b, "F-9")) ||
	            (!strcmp(run.dec[0].id_a, "F-9") && !strcmp(run.dec[0].id_b, "C-1")));
	ob_reconcile_run_release(&run);
	/* a later rejection wins */
	json_decref(expect("POST", "/api/v1/review/1", tok_steward, "{\"decision\":\"reject\"}", 200,
	                   false));
	ob_reconcile_run_init(&run, &set);
	assert_int_equal(ob_reconcile_decisions_load(&run, store, &d), OB_OK);
	assert_int_equal(run.ndec, 1);
	assert_false(run.dec[0].accept);
	ob_reconcile_run_release(&run);
}

static void test_openapi(void **state)
{
	json_t *j, *paths;
	(void)state;

	j = expect("GET", "/api/v1/openapi.json", NULL, NULL, 200, false);
	paths = json_object_get(j, "paths");
	assert_non_null(json_object_get(paths, "/api/v1/index"));
	assert_non_null(json_object_get(paths, "/api/v1/reconcile/runs"));
	assert_non_null(json_object_get(paths, "/api/v1/reconcile/runs/{id}/counts"));
	assert_non_null(json_object_get(paths, "/api/v1/reconcile/runs/{id}/discrepancies"));
	assert_non_null(json_object_get(paths, "/api/v1/review"));
	assert_non_null(json_object_get(json_object_get(paths, "/api/v1/review/{item}"), "post"));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_analyst),
		cmocka_unit_test(test_steward),
		cmocka_unit_test(test_decision),
		cmocka_unit_test(test_openapi),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
