/* test_index.c - GET /api/v1/index: the same bytes as "observa index
 * --preset --format csv|json" (the shared src/index/run.c, same seed and
 * runs), kept in memory until the store changes, and refusals. */
#include "test.h"

#include <jansson.h>

#include "../engine/efixture.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/snaphold.h"
#include "http/http.h"
#include "index/run.h"

static struct efix fx;
static struct ob_http_ctx ctx;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(ob_auth_init(), OB_OK);
	efix_open(&fx);
	ctx.store = fx.st;
	ctx.dir = fx.dir;
	ctx.snaps = ob_snaphold_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_http_index_cache_clear();
	ob_snaphold_free(ctx.snaps);
	efix_close(&fx);
	return 0;
}

static void get(const char *target, int want, struct ob_http_response *res)
{
	struct ob_http_request req = { 0 };

	req.method = "GET";
	req.target = target;
	req.remote = "192.0.2.10";
	req.now = 1700000000;
	ob_http_response_init(res);
	ob_http_handle(&ctx, &req, res);
	if (res->status != want)
		fail_msg("%s: status %d\n%.*s", target, res->status, (int)res->body.len,
		         res->body.ptr);
}

/* What the CLI prints for the preset (csv or json), computed here directly. */
static char *cli_output(const char *preset, int year, const char *country, bool csv,
                        size_t *len)
{
	struct ob_snapref *ref = ob_snaphold_get(ctx.snaps);
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_index_preset_options po = { 0 };
	struct ob_index_preset_data pd;
	struct ob_index_run_options ro;
	struct ob_index_run x;
	struct ob_diag d;
	bool def = false;
	char *out = NULL;
	FILE *f;

	assert_non_null(ref);
	memset(&x, 0, sizeof(x));
	ob_diag_clear(&d);
	assert_int_equal(ob_indicators_load_dir(fx.dir, &set, &def, &d), OB_OK);
	/* what the CLI counts: the catalogue's counting rules */
	assert_int_equal(ob_counting_load(fx.dir, ref->snap, set, &rules, &d), OB_OK);
	po.year = year;
	po.country = country;
	pd.snap = ref->snap;
	pd.pop = ref->pop;
	pd.set = set;
	pd.rules = rules;
	ob_index_run_options_default(&ro);
	if (ob_index_run_preset(&x, fx.dir, preset, &pd, &po, &ro, &d))
		fail_msg("preset: %s", d.message);
	assert_true(x.has_mc);
	assert_true(x.runs > 0);
	f = open_memstream(&out, len);
	assert_non_null(f);
	if (csv)
		ob_index_run_csv(&x, false, f);
	else
		ob_index_run_json(&x, false, f);
	assert_int_equal(fclose(f), 0);
	ob_index_run_release(&x);
	ob_counting_free(rules);
	ob_indicators_free(set);
	ob_snaphold_put(ctx.snaps, ref);
	return out;
}

static void test_same_as_cli(void **state)
{
	struct ob_http_response res;
	json_t *j, *u;
	json_error_t err;
	char *want;
	size_t n;
	(void)state;

	get("/api/v1/index?preset=sv-municipal&year=2020&format=csv", 200, &res);
	assert_string_equal(ob_http_header_get(&res, "X-Index-Cache"), "miss");
	assert_non_null(strstr(res.content_type, "text/csv"));
	want = cli_output("sv-municipal", 2020, NULL, true, &n);
	assert_true(n > 100);
	assert_int_equal(res.body.len, n);
	assert_memory_equal(res.body.ptr, want, n);
	assert_int_equal(strncmp(want, "unit,name,score,level,level_name,rank,rank_median,rank_low,"
	                               "rank_high,", 60), 0);
	free(want);
	ob_http_response_release(&res);

	/* the JSON from the cache, equal to the CLI's JSON */
	get("/api/v1/index?preset=sv-municipal&year=2020", 200, &res);
	assert_string_equal(ob_http_header_get(&res, "X-Index-Cache"), "hit");
	want = cli_output("sv-municipal", 2020, NULL, false, &n);
	assert_int_equal(res.body.len, n);
	assert_memory_equal(res.body.ptr, want, n);
	free(want);
	j = json_loadb(res.body.ptr, res.body.len, 0, &err);
	assert_non_null(j);
	u = json_array_get(json_object_get(j, "units"), 0);
	assert_non_null(u);
	assert_int_equal(json_integer_value(json_object_get(u, "rank")), 1);
	assert_true(json_integer_value(json_object_get(u, "rank_low")) <= 1);
	assert_true(json_integer_value(json_object_get(u, "rank_high")) >= 1);
	assert_true(json_is_number(json_object_get(u, "score")));
	assert_true(json_is_integer(json_object_get(u, "level")));
	assert_true(json_object_size(json_object_get(u, "drivers")) > 0);
	assert_int_equal(strncmp(json_string_value(json_object_get(u, "unit")), "SLV", 3), 0);
	json_decref(j);
	ob_http_response_release(&res);

	/* another key: computed again; lower-case country accepted */
	get("/api/v1/index?preset=sv-municipal&year=2020&country=slv", 200, &res);
	assert_string_equal(ob_http_header_get(&res, "X-Index-Cache"), "miss");
	ob_http_response_release(&res);
}

static void test_refusals(void **state)
{
	struct ob_http_response res;
	(void)state;

	get("/api/v1/index?year=2020", 400, &res);
	ob_http_response_release(&res);
	get("/api/v1/index?preset=sv-municipal", 400, &res);
	ob_http_response_release(&res);
	/* never a path: the CLI reads any .ini file, the API only catalogue names */
	get("/api/v1/index?preset=..%2F..%2Fetc%2Fx.ini&year=2020", 400, &res);
	ob_http_response_release(&res);
	get("/api/v1/index?preset=sv-municipal.ini&year=2020", 400, &res);
	ob_http_response_release(&res);
	get("/api/v1/index?preset=no-such-index&year=2020", 404, &res);
	assert_non_null(strstr(res.body.ptr, "sv-municipal"));
	ob_http_response_release(&res);
	/* a year without data: nothing to rank; the message names no server path */
	get("/api/v1/index?preset=sv-municipal&year=1950", 404, &res);
	assert_non_null(strstr(res.body.ptr, "no_data"));
	assert_null(strstr(res.body.ptr, fx.dir));
	ob_http_response_release(&res);
	get("/api/v1/index?preset=sv-municipal&year=2020&country=SV", 400, &res);
	ob_http_response_release(&res);
	get("/api/v1/index?preset=sv-municipal&year=1800", 400, &res);
	ob_http_response_release(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_cli),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
