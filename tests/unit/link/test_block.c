/* test_block.c - blocking rules: union without duplicates, windows, sources, limits, threads. */
#include "test.h"

#include <math.h>

#include "link/block.h"

static void field(struct ob_link_field *f, const char *name, enum ob_link_kind kind)
{
	memset(f, 0, sizeof(*f));
	ob_strlcpy(f->name, name, sizeof(f->name));
	f->kind = kind;
	ob_link_field_defaults(f);
}

/* A deterministic generator (splitmix64). */
static uint64_t rng_state;
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

enum { F_SUR, F_DATE, F_MUN };

/* n records in nsrc sources: a surname from a small list, a date in 2020,
 * a municipality of one of three departments; some values missing. */
static void make_records(struct ob_link_records *r, size_t n, int nsrc)
{
	static const char *const sur[] = { "GARCIA", "GARSIA", "LOPEZ", "LOPES", "MEJIA",
	                                   "RODRIGUEZ", "RODRIGUES", "PEREZ", "CRUZ", "HERNANDEZ" };
	struct ob_link_field spec[3];
	struct ob_diag d;
	uint16_t s[4];

	field(&spec[F_SUR], "apellido", OB_LINK_SURNAME1);
	field(&spec[F_DATE], "fecha", OB_LINK_DATE);
	field(&spec[F_MUN], "municipio", OB_LINK_TERRITORY);
	assert_int_equal(ob_link_records_init(r, spec, 3, &d), OB_OK);
	for (int k = 0; k < nsrc; k++) {
		char name[8];
		snprintf(name, sizeof(name), "s%d", k);
		assert_int_equal(ob_link_records_add_source(r, name, &s[k]), OB_OK);
	}
	for (int m = 0; m < 9; m++) {
		char u[8], p[8];
		snprintf(u, sizeof(u), "M%d", m);
		snprintf(p, sizeof(p), "D%d", m / 3);
		assert_int_equal(ob_link_records_set_parent(r, F_MUN, u, strlen(u), p, strlen(p)), OB_OK);
	}
	rng_state = 42;
	for (size_t i = 0; i < n; i++) {
		struct ob_link_text v[3] = { { 0 } };
		char date[16], mun[8], id[16];
		snprintf(date, sizeof(date), "2020-%02d-%02d", (int)(rnd() % 3) + 1, (int)(rnd() % 28) + 1);
		snprintf(mun, sizeof(mun), "M%d", (int)(rnd() % 9));
		snprintf(id, sizeof(id), "r%zu", i);
		v[F_SUR].s = sur[rnd() % OB_ARRAY_SIZE(sur)];
		v[F_SUR].n = strlen(v[F_SUR].s);
		if (rnd() % 10) {
			v[F_DATE].s = date;
			v[F_DATE].n = strlen(date);
		}
		if (rnd() % 10) {
			v[F_MUN].s = mun;
			v[F_MUN].n = strlen(mun);
		}
		assert_int_equal(ob_link_records_add(r, s[rnd() % (uint64_t)nsrc], id, strlen(id), v,
		                                     "t"),
		                 OB_OK);
	}
}

static void rules2(struct ob_block_rule rule[2])
{
	memset(rule, 0, 2 * sizeof(*rule));
	ob_strlcpy(rule[0].text, "municipio:admin1, fecha:within 3", sizeof(rule[0].text));
	rule[0].nterms = 2;
	rule[0].term[0] = (struct ob_block_term){ F_MUN, OB_BLOCK_ADMIN1, 0 };
	rule[0].term[1] = (struct ob_block_term){ F_DATE, OB_BLOCK_WITHIN, 3 };
	ob_strlcpy(rule[1].text, "apellido:key, fecha:year", sizeof(rule[1].text));
	rule[1].nterms = 2;
	rule[1].term[0] = (struct ob_block_term){ F_SUR, OB_BLOCK_KEY, 0 };
	rule[1].term[1] = (struct ob_block_term){ F_DATE, OB_BLOCK_YEAR, 0 };
}

/* What the rules mean, checked on the records themselves. */
static bool brute_rule(const struct ob_link_records *r, int rule, size_t i, size_t j)
{
	int32_t di = ob_link_day(r, i, F_DATE), dj = ob_link_day(r, j, F_DATE);
	if (di == INT32_MIN || dj == INT32_MIN)
		return false;
	if (rule == 0) {
		uint32_t mi = ob_link_id(r, i, F_MUN), mj = ob_link_id(r, j, F_MUN);
		return mi && mj && r->parent[F_MUN][mi] == r->parent[F_MUN][mj] &&
		       abs(di - dj) <= 3;
	}
	/* same phonetic key (GARCIA/GARSIA, LOPEZ/LOPES...) and same year: all
	 * dates are in 2020 */
	return r->vocab[F_SUR]->term[ob_link_id(r, i, F_SUR)].phon ==
	       r->vocab[F_SUR]->term[ob_link_id(r, j, F_SUR)].phon;
}

struct seen {
	size_t n;
	uint8_t *hit; /* n x n */
	uint8_t *index_hit;
	uint64_t total;
	int rule_of_first;
};

static int mark(void *ctx, uint32_t i, uint32_t j, uint64_t index)
{
	struct seen *s = ctx;
	assert_true(i < j);
	assert_true(index < s->total);
	s->hit[i * s->n + j]++;
	s->index_hit[index]++;
	return 0;
}

static void check_union(size_t n, int nsrc, bool across, bool within, int threads)
{
	struct ob_link_records r;
	struct ob_block_rule rule[2];
	struct ob_blocking b;
	struct ob_diag d;
	struct seen s = { 0 };
	uint64_t want = 0, per_rule[2] = { 0, 0 };

	make_records(&r, n, nsrc);
	rules2(rule);
	assert_int_equal(ob_blocking_build(&b, &r, rule, 2, across, within, &d), OB_OK);
	assert_int_equal(ob_blocking_count(&b, threads, &d), OB_OK);
	s.n = n;
	s.total = b.total;
	s.hit = ob_calloc(n * n, 1);
	s.index_hit = ob_calloc(b.total + 1, 1);
	for (size_t c = 0; c < b.nchunks; c++)
		assert_int_equal(ob_blocking_chunk_each(&b, c, mark, &s), 0);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			bool same = r.source[i] == r.source[j];
			bool wanted = same ? within : across;
			bool r0 = brute_rule(&r, 0, i, j), r1 = brute_rule(&r, 1, i, j);
			int expect = wanted && (r0 || r1);
			if (s.hit[i * n + j] != expect)
				fail_msg("pair %zu,%zu: seen %d times, expected %d", i, j, s.hit[i * n + j],
				         expect);
			want += expect;
			if (expect)
				per_rule[r0 ? 0 : 1]++;
		}
	}
	assert_int_equal(b.total, want);
	assert_int_equal(b.idx[0].pairs, per_rule[0]); /* a pair counts under its first rule */
	assert_int_equal(b.idx[1].pairs, per_rule[1]);
	assert_true(b.bound >= b.total);
	for (uint64_t k = 0; k < b.total; k++)
		assert_int_equal(s.index_hit[k], 1); /* every index once */
	free(s.hit);
	free(s.index_hit);
	ob_blocking_release(&b);
	ob_link_records_release(&r);
}

static void union_across_sources(void **state)
{
	(void)state;
	check_union(500, 3, true, false, 1);
}

static void union_dedupe(void **state)
{
	(void)state;
	check_union(400, 1, false, true, 1);
}

static void union_across_and_within_threads(void **state)
{
	(void)state;
	check_union(600, 2, true, true, 4);
}

static void refused_rules(void **state)
{
	struct ob_link_records r;
	struct ob_block_rule rule;
	struct ob_blocking b;
	struct ob_diag d;
	(void)state;
	make_records(&r, 10, 1);
	memset(&rule, 0, sizeof(rule));
	ob_strlcpy(rule.text, "apellido:year", sizeof(rule.text));
	rule.nterms = 1;
	rule.term[0] = (struct ob_block_term){ F_SUR, OB_BLOCK_YEAR, 0 };
	assert_int_equal(ob_blocking_build(&b, &r, &rule, 1, false, true, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "year"));
	ob_blocking_release(&b);
	rule.nterms = 2;
	rule.term[0] = (struct ob_block_term){ F_DATE, OB_BLOCK_WITHIN, 3 };
	rule.term[1] = (struct ob_block_term){ F_DATE, OB_BLOCK_WITHIN, 5 };
	assert_int_equal(ob_blocking_build(&b, &r, &rule, 1, false, true, &d), OB_EINVAL);
	ob_blocking_release(&b);
	assert_int_equal(ob_blocking_build(&b, &r, &rule, 0, false, true, &d), OB_EINVAL);
	ob_blocking_release(&b);
	ob_link_records_release(&r);
}

/* One block of 40,000 records would give 8e8 pairs: refused before any
 * pair is enumerated, with the rule and its largest block named. */
static void too_many_pairs(void **state)
{
	struct ob_link_field spec[1];
	struct ob_link_records r;
	struct ob_block_rule rule;
	struct ob_blocking b;
	struct ob_diag d;
	uint16_t s;
	(void)state;
	field(&spec[0], "sexo", OB_LINK_CODE);
	assert_int_equal(ob_link_records_init(&r, spec, 1, &d), OB_OK);
	assert_int_equal(ob_link_records_add_source(&r, "x", &s), OB_OK);
	for (int i = 0; i < 40000; i++) {
		struct ob_link_text v = { "M", 1, NULL, 0 };
		assert_int_equal(ob_link_records_add(&r, s, "i", 1, &v, "t"), OB_OK);
	}
	memset(&rule, 0, sizeof(rule));
	ob_strlcpy(rule.text, "sexo", sizeof(rule.text));
	rule.nterms = 1;
	rule.term[0] = (struct ob_block_term){ 0, OB_BLOCK_EXACT, 0 };
	assert_int_equal(ob_blocking_build(&b, &r, &rule, 1, false, true, &d), OB_ETOOBIG);
	assert_non_null(strstr(d.message, "799980000"));
	assert_non_null(strstr(d.message, "«sexo»"));
	assert_non_null(strstr(d.message, "40000"));
	ob_blocking_release(&b);
	ob_link_records_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(union_across_sources),
		cmocka_unit_test(union_dedupe),
		cmocka_unit_test(union_across_and_within_threads),
		cmocka_unit_test(refused_rules),
		cmocka_unit_test(too_many_pairs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
