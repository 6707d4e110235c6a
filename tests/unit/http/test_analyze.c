/* test_analyze.c - GET /api/v1/analyze: the same counts as the analyser,
 * except the cells disclosure control suppresses, which are null with the
 * flag and never zero; rates never from a suppressed count; errors. */
#include "test.h"

#include <jansson.h>

#include "../engine/efixture.h"
#include "engine/counting.h"
#include "engine/query.h"
#include "engine/snaphold.h"
#include "http/cache.h"
#include "http/http.h"

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
	ob_snaphold_free(ctx.snaps);
	efix_close(&fx);
	return 0;
}

static json_t *get(const char *target, int want_status)
{
	struct ob_http_request req = { 0 };
	struct ob_http_response res;
	json_error_t err;
	json_t *j;

	req.method = "GET";
	req.target = target;
	req.remote = "192.0.2.10";
	req.now = 1700000000;
	ob_http_response_init(&res);
	ob_http_handle(&ctx, &req, &res);
	if (res.status != want_status)
		fail_msg("%s: status %d\n%.*s", target, res.status, (int)res.body.len, res.body.ptr);
	j = json_loadb(res.body.ptr, res.body.len, 0, &err);
	if (!j)
		fail_msg("%s: not JSON: %s", target, err.text);
	ob_http_response_release(&res);
	return j;
}

/* Every published count is the analyser's; suppressed ones are null with
 * flag "C"; no published count is below the threshold; no row or column
 * has exactly one suppressed cell. */
static void counts_protected(const char *target, bool records)
{
	struct ob_snapref *ref;
	struct ob_query q;
	struct ob_query_result *r;
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_diag d;
	json_t *j = get(target, 200);
	json_t *cells = json_object_get(j, "cells"), *cell;
	size_t i, suppressed = 0, shown = 0;
	size_t per_row_supp[512] = { 0 }, per_col_supp[8] = { 0 };
	char last_row[64] = "";
	size_t row_i = 0;

	ref = ob_snaphold_get(ctx.snaps);
	assert_non_null(ref);
	memset(&q, 0, sizeof(q));
	q.dims[0] = OB_QD_ADMIN2;
	q.dims[1] = OB_QD_SEX;
	q.n_dims = 2;
	q.n_row_dims = 1;
	q.where = "country=SLV year=2020 iccs=0101";
	ob_diag_clear(&d);
	/* the same rules as the API: the catalogue's, or every record */
	q.records = records;
	if (!records) {
		assert_int_equal(ob_indicators_load_dir(fx.dir, &set, NULL, &d), OB_OK);
		assert_int_equal(ob_counting_load(fx.dir, ref->snap, set, &rules, &d), OB_OK);
		q.rules = rules;
	}
	assert_int_equal(ob_query_run(ref->an, &q, &r, &d), OB_OK);
	assert_string_equal(json_string_value(json_object_get(j, "counting_rule")), r->counting);
	assert_string_equal(json_string_value(json_object_get(j, "counts")),
	                    records ? "records" : "victims");
	assert_true(json_array_size(cells) > 10);
	json_array_foreach(cells, i, cell) {
		const char *a2 = json_string_value(json_object_get(cell, "admin2"));
		const char *sx = json_string_value(json_object_get(cell, "sex"));
		json_t *cnt = json_object_get(cell, "count");
		json_t *flag = json_object_get(cell, "flag");
		uint32_t v[2] = { UINT32_MAX, UINT32_MAX };
		uint64_t want = 0;
		int col;

		if (strcmp(a2, last_row)) {
			ob_strlcpy(last_row, a2, sizeof(last_row));
			row_i++;
		}
		for (uint32_t x = 0; x < r->extent[0]; x++)
			if (!strcmp(ob_query_label(r, 0, x), a2))
				v[0] = x;
		for (uint32_t x = 0; x < r->extent[1]; x++)
			if (!strcmp(ob_query_label(r, 1, x), sx))
				v[1] = x;
		col = v[1] == UINT32_MAX ? 3 : (int)v[1];
		assert_non_null(json_string_value(json_object_get(cell, "counting_rule")));
		if (v[0] == UINT32_MAX && v[1] == UINT32_MAX) {
			want = r->total;
		} else if (v[0] == UINT32_MAX || v[1] == UINT32_MAX) {
			for (uint32_t x = 0; x < r->extent[v[0] == UINT32_MAX ? 0 : 1]; x++) {
				uint32_t w[2] = { v[0] == UINT32_MAX ? x : v[0], v[1] == UINT32_MAX ? x : v[1] };
				want += ob_query_count(r, w);
			}
		} else {
			want = ob_query_count(r, v);
		}
		if (json_is_null(cnt)) {
			assert_string_equal(json_string_value(flag), "C");
			suppressed++;
			per_row_supp[row_i < 512 ? row_i : 511]++;
			per_col_supp[col]++;
		} else {
			assert_true(json_is_null(flag));
			assert_int_equal((uint64_t)json_integer_value(cnt), want);
			assert_false(want >= 1 && want < 5);
			shown++;
		}
	}
	assert_true(suppressed > 0);
	assert_true(shown > 0);
	for (size_t k = 0; k < 512; k++)
		assert_int_not_equal(per_row_supp[k], 1);
	for (size_t k = 0; k < 4; k++)
		assert_int_not_equal(per_col_supp[k], 1);
	ob_query_result_free(r);
	ob_counting_free(rules);
	ob_indicators_free(set);
	ob_snaphold_put(ctx.snaps, ref);
	json_decref(j);
}

static void test_counts_protected(void **state)
{
	(void)state;
	counts_protected("/api/v1/analyze?rows=admin2&cols=sex&where=country%3DSLV+year%3D2020"
	                 "+iccs%3D0101", false);
	counts_protected("/api/v1/analyze?rows=admin2&cols=sex&where=country%3DSLV+year%3D2020"
	                 "+iccs%3D0101&counts=records", true);
}

/* Rates: null wherever the count is suppressed. */
static void test_rates(void **state)
{
	json_t *j = get("/api/v1/analyze?rows=admin1&cols=year&where=country%3DSLV&measure=rate",
	                200);
	json_t *cells = json_object_get(j, "cells"), *cell;
	size_t i, rates = 0;

	(void)state;
	json_array_foreach(cells, i, cell) {
		json_t *cnt = json_object_get(cell, "count"), *rate = json_object_get(cell, "rate");
		if (json_is_null(cnt))
			assert_true(json_is_null(rate));
		else if (!json_is_null(rate))
			rates++;
	}
	assert_true(rates > 0);
	json_decref(j);
	/* no population for a mechanism */
	j = get("/api/v1/analyze?rows=mechanism&where=year%3D2020&measure=rate", 400);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "error"),
	                                                         "message")), "mechanism"));
	json_decref(j);
}

static void test_errors(void **state)
{
	json_t *j;
	struct ob_snaphold *saved = ctx.snaps;

	(void)state;
	j = get("/api/v1/analyze?rows=admin3", 400);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "error"),
	                                                         "message")), "admin2"));
	json_decref(j);
	j = get("/api/v1/analyze?rows=year&where=weapon%3Dfirearms", 400);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "error"),
	                                                         "message")), "firearm"));
	json_decref(j);
	j = get("/api/v1/analyze", 200); /* no rows: the total */
	assert_int_equal(json_array_size(json_object_get(j, "cells")), 1);
	json_decref(j);
	ctx.snaps = NULL;
	j = get("/api/v1/analyze?rows=year", 503);
	json_decref(j);
	ctx.snaps = saved;
}

/* The body of a 200 answer, owned by the caller. */
static char *get_body(const char *target, long long now, size_t *len)
{
	struct ob_http_request req = { 0 };
	struct ob_http_response res;
	char *body;

	req.method = "GET";
	req.target = target;
	req.remote = "192.0.2.10";
	req.now = now;
	ob_http_response_init(&res);
	ob_http_handle(&ctx, &req, &res);
	if (res.status != 200)
		fail_msg("%s: status %d", target, res.status);
	*len = res.body.len;
	body = ob_malloc(res.body.len + 1);
	memcpy(body, res.body.ptr, res.body.len);
	body[res.body.len] = '\0';
	ob_http_response_release(&res);
	return body;
}

/* A kept answer is byte for byte the one computed; other parameters, or
 * other disclosure rules, are other answers. */
static void test_cache(void **state)
{
	static const char *target = "/api/v1/analyze?rows=admin2&cols=sex&where=country%3DSLV"
	                            "+year%3D2020&format=csv";
	size_t n0, n1, n2, n3, entries, bytes;
	uint64_t hits, misses;
	char *plain, *miss, *hit, *other, path[OB_MAX_PATH];
	FILE *f;

	(void)state;
	plain = get_body(target, 1700000000, &n0);
	ctx.cache = ob_http_cache_new();
	miss = get_body(target, 1700000000, &n1);
	hit = get_body(target, 1700000000, &n2);
	ob_http_cache_stats(ctx.cache, &entries, &bytes, &hits, &misses);
	assert_int_equal(entries, 1);
	assert_int_equal(hits, 1);
	assert_int_equal(misses, 1);
	assert_int_equal(bytes, n0);
	assert_int_equal(n0, n1);
	assert_int_equal(n0, n2);
	assert_memory_equal(plain, miss, n0);
	assert_memory_equal(plain, hit, n0);
	free(hit);
	hit = get_body("/api/v1/analyze?rows=admin2&cols=sex&where=country%3DSLV+year%3D2020",
	               1700000000, &n2); /* JSON: another answer */
	ob_http_cache_stats(ctx.cache, &entries, &bytes, &hits, &misses);
	assert_int_equal(entries, 2);
	assert_int_equal(hits, 1);
	/* stricter rules: a new answer with more cells suppressed */
	snprintf(path, sizeof(path), "%s/catalog/disclosure.ini", fx.dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[general]\nmin_count = 50\n", f);
	fclose(f);
	other = get_body(target, 1700000000, &n3);
	ob_http_cache_stats(ctx.cache, &entries, &bytes, &hits, &misses);
	assert_int_equal(hits, 1);
	assert_int_equal(entries, 3);
	assert_false(n3 == n0 && !memcmp(other, plain, n0));
	remove(path);
	/* other counting rules: another answer, which says so */
	free(other);
	snprintf(path, sizeof(path), "%s/catalog/counting.csv", fx.dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("country,scope,institution,validated_first,reason_es,reason_en\n"
	      "*,*,prosecutor,no,prueba,test\n", f);
	fclose(f);
	other = get_body(target, 1700000000, &n3);
	ob_http_cache_stats(ctx.cache, &entries, &bytes, &hits, &misses);
	assert_int_equal(hits, 1);
	assert_int_equal(entries, 4);
	assert_non_null(strstr(other, ",victims:prosecutor\n"));
	assert_null(strstr(plain, ",victims:prosecutor\n"));
	remove(path);
	free(plain);
	free(miss);
	free(hit);
	free(other);
	ob_http_cache_free(ctx.cache);
	ctx.cache = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_protected),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cache),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
