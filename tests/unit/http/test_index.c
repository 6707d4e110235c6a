/* test_index.c - GET /api/v1/index: the public form of the run (rank, rank
 * interval, level, inputs' status; nothing that is a function of the
 * values), from protected counts, for the units of "observa index
 * --preset"; the same bytes when computed again; kept in memory until the
 * store changes; the protection hook of index/preset.h; refusals. */
#include "test.h"

#include <jansson.h>
#include <math.h>

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
	struct ob_index_preset_data pd = { 0 };
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

/* Names that are functions of the values: never in the public answer. */
static const char *const hidden[] = {
	"score", "drivers", "reference", "normalised", "dimensions", "breaks", "mean_score",
	"rank_median", "p_top", "p_level", "first_order_share", "contrib_", "raw_", "norm_",
};

static void test_public(void **state)
{
	struct ob_http_response res;
	json_t *j, *u;
	json_error_t err;
	char *cli, *first;
	size_t n, i, nunits = 0, differ = 0, perturbed = 0;
	(void)state;

	get("/api/v1/index?preset=sv-municipal&year=2020&format=csv", 200, &res);
	assert_string_equal(ob_http_header_get(&res, "X-Index-Cache"), "miss");
	assert_non_null(strstr(res.content_type, "text/csv"));
	assert_int_equal(strncmp(res.body.ptr, "unit,name,rank,rank_low,rank_high,level,level_name,"
	                                       "top,input_", 61), 0);
	for (size_t k = 0; k < OB_ARRAY_SIZE(hidden); k++) {
		char *nl = memchr(res.body.ptr, '\n', res.body.len);
		assert_non_null(nl);
		*nl = '\0';
		if (strstr(res.body.ptr, hidden[k]))
			fail_msg("the CSV header has %s: %s", hidden[k], res.body.ptr);
		*nl = '\n';
	}
	ob_http_response_release(&res);

	/* the JSON: the same units as the steward's run, ranks from protected
	 * values, nothing rate-like */
	get("/api/v1/index?preset=sv-municipal&year=2020", 200, &res);
	assert_string_equal(ob_http_header_get(&res, "X-Index-Cache"), "hit");
	first = ob_strndup(res.body.ptr, res.body.len);
	assert_null(strstr(first, fx.dir)); /* no server path */
	cli = cli_output("sv-municipal", 2020, NULL, false, &n);
	for (size_t k = 0; k < OB_ARRAY_SIZE(hidden); k++)
		if (strstr(res.body.ptr, hidden[k]))
			fail_msg("the JSON has %s", hidden[k]);
	j = json_loadb(res.body.ptr, res.body.len, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "protection"),
	                                                      "method")), "cell_key");
	{
		json_t *full = json_loadb(cli, n, 0, &err), *fu;
		size_t fi;
		assert_non_null(full);
		assert_int_equal(json_array_size(json_object_get(full, "units")),
		                 json_array_size(json_object_get(j, "units")));
		json_array_foreach(json_object_get(j, "units"), i, u) {
			const char *code = json_string_value(json_object_get(u, "unit"));
			long long rank = json_integer_value(json_object_get(u, "rank"));
			long long lvl = json_integer_value(json_object_get(u, "level"));
			json_t *in = json_object_get(u, "inputs"), *st;
			const char *key;
			bool found = false;

			assert_true(json_integer_value(json_object_get(u, "rank_low")) <= rank);
			assert_true(json_integer_value(json_object_get(u, "rank_high")) >= rank);
			assert_true(lvl >= 1 && lvl <= 5);
			assert_true(json_object_size(in) > 0);
			json_object_foreach(in, key, st) {
				const char *s = json_string_value(st);
				assert_true(!strcmp(s, "perturbed") || !strcmp(s, "imputed") ||
				            !strcmp(s, "dropped"));
				perturbed += !strcmp(s, "perturbed");
			}
			json_array_foreach(json_object_get(full, "units"), fi, fu)
				if (!strcmp(json_string_value(json_object_get(fu, "unit")), code)) {
					found = true;
					differ += json_integer_value(json_object_get(fu, "rank")) != rank;
				}
			assert_true(found);
			nunits++;
		}
		json_decref(full);
	}
	assert_true(nunits > 100);
	assert_true(perturbed > nunits);
	/* protected inputs move some ranks */
	assert_true(differ > 0);
	json_decref(j);
	free(cli);
	ob_http_response_release(&res);

	/* computed again, the same bytes: the same victims, the same keys */
	ob_http_index_cache_clear();
	get("/api/v1/index?preset=sv-municipal&year=2020", 200, &res);
	assert_string_equal(ob_http_header_get(&res, "X-Index-Cache"), "miss");
	assert_int_equal(res.body.len, strlen(first));
	assert_memory_equal(res.body.ptr, first, res.body.len);
	free(first);
	ob_http_response_release(&res);

	/* another key: computed again; lower-case country accepted */
	get("/api/v1/index?preset=sv-municipal&year=2020&country=slv", 200, &res);
	assert_string_equal(ob_http_header_get(&res, "X-Index-Cache"), "miss");
	ob_http_response_release(&res);
}

/* The hook of index/preset.h: values recomputed from the counts it gives. */
static double times(void *factor, size_t ind, int by, const char *value, uint32_t unit,
                    const struct ob_period *period, double count)
{
	(void)ind;
	(void)by;
	(void)value;
	(void)unit;
	(void)period;
	return *(double *)factor < 0 ? -1 : count * *(double *)factor;
}

static void test_protect_hook(void **state)
{
	struct ob_snapref *ref = ob_snaphold_get(ctx.snaps);
	struct ob_indicator_set *set = NULL;
	struct ob_index_preset_data pd = { 0 };
	struct ob_index_def def[3];
	struct ob_index_input in[3];
	struct ob_buf text = OB_BUF_INIT(OB_MAX_TEXT_FILE);
	char name[OB_MAX_PATH + 64];
	double factor[3] = { 1, 2, -1 };
	struct ob_index_protect prot[3];
	struct ob_diag d;
	bool dflt;
	size_t compared = 0;
	(void)state;

	assert_non_null(ref);
	ob_diag_clear(&d);
	assert_int_equal(ob_indicators_load_dir(fx.dir, &set, &dflt, &d), OB_OK);
	assert_int_equal(ob_index_preset_text(fx.dir, "sv-municipal", &text, name, sizeof(name),
	                                      &d), OB_OK);
	pd.snap = ref->snap;
	pd.pop = ref->pop;
	pd.set = set;
	for (int k = 0; k < 3; k++) {
		struct ob_index_preset_options po = { 0 };
		prot[k].count = times;
		prot[k].ctx = &factor[k];
		po.year = 2020;
		po.protect = &prot[k];
		ob_diag_clear(&d);
		if (k < 2) {
			if (ob_index_preset_build(text.ptr, text.len, name, &pd, &po, &def[k], &in[k],
			                          NULL, &d))
				fail_msg("%s", d.message);
		} else {
			/* every catalogue value missing: nothing to rank */
			assert_int_equal(ob_index_preset_build(text.ptr, text.len, name, &pd, &po,
			                                       &def[k], &in[k], NULL, &d),
			                 OB_EEMPTY);
		}
	}
	/* counts doubled: rates doubled, shares (count over count) the same */
	assert_int_equal(in[0].nunits, in[1].nunits);
	for (size_t j = 0; j < def[0].nind; j++) {
		const char *cat = def[0].ind[j].catalog;
		char id[OB_IND_ID_MAX] = "";
		long k;
		if (cat)
			snprintf(id, sizeof(id), "%.*s", (int)strcspn(cat, " \t"), cat);
		k = cat ? ob_indicators_find(set, id) : -1;
		bool share = k >= 0 && set->v[k].denom == OB_DEN_INDICATOR;
		for (size_t u = 0; u < in[0].nunits; u++) {
			double a = in[0].x[u * def[0].nind + j], b = in[1].x[u * def[0].nind + j];
			if (isnan(a) || k < 0)
				continue;
			if (fabs(b - (share ? a : 2 * a)) > 1e-9 * (1 + fabs(b)))
				fail_msg("%s %s: %g then %g", def[0].ind[j].id, in[0].unit[u], a, b);
			compared++;
		}
	}
	assert_true(compared > 100);
	for (int k = 0; k < 2; k++) {
		ob_index_def_release(&def[k]);
		ob_index_input_release(&in[k]);
	}
	ob_buf_release(&text);
	ob_indicators_free(set);
	ob_snaphold_put(ctx.snaps, ref);
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
		cmocka_unit_test(test_public),
		cmocka_unit_test(test_protect_hook),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
