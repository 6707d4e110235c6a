/* test_query.c - the analyser against SQL GROUP BY on the store (random
 * queries counting victims or records, with record keys), its messages,
 * populations, tables, and the snapshot holder under threads. The store's
 * rows stand for several victims here (efix_set_victims). */
#include "test.h"

#include <pthread.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "efixture.h"
#include "engine/query.h"
#include "engine/query_impl.h"
#include "engine/snaphold.h"
/* raw SQL (store_sql.h): the SQL oracle the analyser is compared against, and keys set on a
 * fixture. */
#include "store_sql.h"

static struct efix fx;
static struct ob_snapshot *snap;
static struct ob_population *pop;
static struct ob_analyzer *an;

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (unsigned)(rng_state % n) : 0;
}

static void exec(const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(ob_store_db(fx.st), sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("sql: %s\n%s", err ? err : "?", sql);
}

/*
 * The reference: the store's current records with every field read the way
 * docs/engine describes it, written in SQL from the store's own tables
 * (record, submission, territory, iccs), without the snapshot.
 */
static const char *const reference_sql =
	"CREATE TEMP TABLE cats AS SELECT code, level, parent FROM iccs;"
	/* codes the catalogue lacks: level from the length, parent the longest
	 * known prefix */
	"INSERT INTO cats SELECT DISTINCT r.category,"
	"  CASE length(r.category) WHEN 2 THEN 1 WHEN 4 THEN 2 WHEN 5 THEN 3 WHEN 6 THEN 4 ELSE 0 END,"
	"  (SELECT i.code FROM iccs i WHERE length(i.code) < length(r.category)"
	"     AND length(i.code) >= 2 AND substr(r.category, 1, length(i.code)) = i.code"
	"   ORDER BY length(i.code) DESC LIMIT 1)"
	"  FROM record r JOIN submission s ON s.id = r.submission"
	"  WHERE s.superseded_by IS NULL AND r.category <> ''"
	"    AND r.category NOT IN (SELECT code FROM iccs);"
	"CREATE TEMP TABLE chain AS WITH RECURSIVE c(code, anc) AS ("
	"  SELECT code, code FROM cats UNION"
	"  SELECT c.code, k.parent FROM c JOIN cats k ON k.code = c.anc WHERE k.parent IS NOT NULL)"
	"  SELECT c.code, c.anc, k.level AS level FROM c JOIN cats k ON k.code = c.anc;"
	"CREATE INDEX chain_code ON chain(code, level);"
	"CREATE INDEX chain_anc ON chain(anc);"
	"CREATE INDEX cats_code ON cats(code);"
	"CREATE TEMP TABLE nr AS SELECT"
	"  CASE WHEN r.territory IN (SELECT code FROM territory) THEN r.territory"
	"       ELSE s.country END AS unit,"
	"  r.occurred_on AS d, r.precision AS prec, r.occurred_at AS at,"
	"  CASE WHEN r.victim_sex IN ('F', 'M') THEN r.victim_sex ELSE 'U' END AS sex,"
	"  CASE WHEN typeof(r.victim_age) = 'integer' AND r.victim_age BETWEEN 0 AND 120"
	"       THEN r.victim_age END AS age,"
	"  nullif(r.category, '') AS cat,"
	"  coalesce(nullif(r.manner, ''), 'unknown') AS manner,"
	"  coalesce(nullif(r.mechanism, ''), 'unknown') AS mechanism,"
	"  coalesce(nullif(r.place, ''), 'unknown') AS place,"
	"  coalesce(nullif(r.relationship, ''), 'unknown') AS relationship,"
	"  coalesce(nullif(r.context, ''), 'unknown') AS context,"
	"  s.source AS source, coalesce(s.institution, 'other') AS institution,"
	/* victims; records (a row past 65535 victims is several); its key,
	 * filled in by setup() */
	"  r.victims AS victims,"
	"  CASE r.victims WHEN 0 THEN 1 ELSE (r.victims + 65534) / 65535 END AS pieces,"
	"  r.id AS rid, r.source_id AS sid, 0 AS rkey"
	"  FROM record r JOIN submission s ON s.id = r.submission"
	"  WHERE s.superseded_by IS NULL;"
	"CREATE TEMP TABLE v AS SELECT nr.*,"
	"  t.country AS country,"
	"  CASE t.level WHEN 1 THEN t.code WHEN 2 THEN t.parent END AS admin1,"
	"  CASE t.level WHEN 2 THEN t.code END AS admin2,"
	"  CASE WHEN d GLOB '[0-9][0-9][0-9][0-9]*' AND CAST(substr(d, 1, 4) AS INT)"
	"       BETWEEN 1900 AND 2100 THEN CAST(substr(d, 1, 4) AS INT) ELSE 0 END AS year,"
	"  0 AS month, 0 AS day, NULL AS hour"
	"  FROM nr JOIN territory t ON t.code = nr.unit;"
	"UPDATE v SET month = CAST(substr(d, 6, 2) AS INT)"
	"  WHERE year > 0 AND length(d) >= 7 AND substr(d, 5, 1) = '-' AND prec <> 'year'"
	"    AND substr(d, 6, 2) GLOB '[0-9][0-9]' AND CAST(substr(d, 6, 2) AS INT) BETWEEN 1 AND 12;"
	"UPDATE v SET day = CAST(substr(d, 9, 2) AS INT)"
	"  WHERE month > 0 AND length(d) >= 10 AND substr(d, 8, 1) = '-' AND prec = 'day'"
	"    AND substr(d, 9, 2) GLOB '[0-9][0-9]' AND CAST(substr(d, 9, 2) AS INT) BETWEEN 1 AND 31;"
	"UPDATE v SET hour = CAST(substr(at, 1, 2) AS INT)"
	"  WHERE length(at) >= 2 AND (length(at) = 2 OR substr(at, 3, 1) = ':')"
	"    AND substr(at, 1, 2) GLOB '[0-9][0-9]' AND CAST(substr(at, 1, 2) AS INT) <= 23;"
	"UPDATE v SET hour = CAST(substr(at, 1, 1) AS INT)"
	"  WHERE hour IS NULL AND length(at) >= 2 AND substr(at, 2, 1) = ':'"
	"    AND substr(at, 1, 1) GLOB '[0-9]';"
	"ALTER TABLE v ADD COLUMN iccs1;"
	"ALTER TABLE v ADD COLUMN iccs2;"
	"ALTER TABLE v ADD COLUMN iccs3;"
	"ALTER TABLE v ADD COLUMN iccs4;"
	"UPDATE v SET"
	"  iccs1 = (SELECT anc FROM chain c WHERE c.code = cat AND c.level = 1"
	"    AND (SELECT level FROM cats k WHERE k.code = cat) >= 1),"
	"  iccs2 = (SELECT anc FROM chain c WHERE c.code = cat AND c.level = 2"
	"    AND (SELECT level FROM cats k WHERE k.code = cat) >= 2),"
	"  iccs3 = (SELECT anc FROM chain c WHERE c.code = cat AND c.level = 3"
	"    AND (SELECT level FROM cats k WHERE k.code = cat) >= 3),"
	"  iccs4 = (SELECT anc FROM chain c WHERE c.code = cat AND c.level = 4"
	"    AND (SELECT level FROM cats k WHERE k.code = cat) >= 4);"
	"CREATE TEMP TABLE ancs AS SELECT DISTINCT anc FROM chain WHERE code IN (SELECT cat FROM v);";

/* SQL label of each dimension (as ob_query_label gives it). */
static const char *dim_sql(enum ob_query_dim k)
{
	switch (k) {
	case OB_QD_COUNTRY: return "country";
	case OB_QD_ADMIN1: return "coalesce(admin1, 'unknown')";
	case OB_QD_ADMIN2: return "coalesce(admin2, 'unknown')";
	case OB_QD_YEAR: return "CASE year WHEN 0 THEN 'unknown' ELSE CAST(year AS TEXT) END";
	case OB_QD_MONTH: return "CASE month WHEN 0 THEN 'unknown' ELSE CAST(month AS TEXT) END";
	case OB_QD_ICCS_SECTION: return "coalesce(iccs1, 'unknown')";
	case OB_QD_ICCS_DIVISION: return "coalesce(iccs2, 'unknown')";
	case OB_QD_ICCS_GROUP: return "coalesce(iccs3, 'unknown')";
	case OB_QD_ICCS_CLASS: return "coalesce(iccs4, 'unknown')";
	case OB_QD_ICCS: return "coalesce(cat, 'unknown')";
	case OB_QD_SEX: return "sex";
	case OB_QD_AGE_GROUP:
		return "CASE WHEN age IS NULL THEN 'U' WHEN age < 15 THEN '0-14' WHEN age < 18 THEN "
		       "'15-17' WHEN age < 30 THEN '18-29' WHEN age < 45 THEN '30-44' WHEN age < 60 "
		       "THEN '45-59' ELSE '60+' END";
	case OB_QD_MINOR: return "CASE WHEN age IS NULL THEN 'U' WHEN age < 18 THEN '0-17' ELSE '18+' END";
	case OB_QD_AGE: return "coalesce(CAST(age AS TEXT), 'unknown')";
	case OB_QD_HOUR: return "coalesce(CAST(hour AS TEXT), 'unknown')";
	case OB_QD_MANNER: return "manner";
	case OB_QD_MECHANISM: return "mechanism";
	case OB_QD_PLACE: return "place";
	case OB_QD_RELATIONSHIP: return "relationship";
	case OB_QD_CONTEXT: return "context";
	case OB_QD_SOURCE: return "source";
	case OB_QD_INSTITUTION: return "institution";
	default: return "NULL";
	}
}

static char *pick_from(const char *table, const char *col);

/* A random value of a column of v (as text). */
static char *pick(const char *expr)
{
	char t[64];

	snprintf(t, sizeof(t), "d_%s", expr);
	return pick_from(t, expr);
}

OB_UNUSED static char *pick_slow(const char *expr)
{
	char sql[512];
	sqlite3_stmt *q;
	char *out = NULL;

	snprintf(sql, sizeof(sql),
	         "SELECT x FROM (SELECT DISTINCT %s AS x FROM v WHERE %s IS NOT NULL) "
	         "ORDER BY x LIMIT 1 OFFSET %u", expr, expr, rnd(1000));
	/* OFFSET past the end gives nothing: then the first */
	for (int tries = 0; tries < 2 && !out; tries++) {
		if (tries)
			snprintf(sql, sizeof(sql), "SELECT min(%s) FROM v", expr);
		assert_int_equal(sqlite3_prepare_v2(ob_store_db(fx.st), sql, -1, &q, NULL), SQLITE_OK);
		if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
			out = ob_strdup((const char *)sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
	}
	return out;
}

static char *pick_from(const char *table, const char *col)
{
	char sql[256];
	sqlite3_stmt *q;
	char *out = NULL;

	snprintf(sql, sizeof(sql), "SELECT %s FROM %s ORDER BY 1 LIMIT 1 OFFSET "
	         "abs(%u) %% (SELECT count(*) FROM %s)", col, table, rnd(100000), table);
	assert_int_equal(sqlite3_prepare_v2(ob_store_db(fx.st), sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		out = ob_strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	if (!out)
		fail_msg("nothing in %s", table);
	return out;
}

struct filter_gen {
	struct ob_buf where, sql;
};

static void add_filter(struct filter_gen *g)
{
	char *a = NULL, *b = NULL;
	unsigned kind = rnd(13);
	int lo, hi;

	switch (kind) {
	case 0:
		a = pick("country");
		ob_buf_putf(&g->where, " country=%s", a);
		ob_buf_putf(&g->sql, " AND country = '%s'", a);
		break;
	case 1:
		a = pick("admin1");
		ob_buf_putf(&g->where, " admin1=%s", a);
		ob_buf_putf(&g->sql, " AND admin1 = '%s'", a);
		break;
	case 2:
		a = pick("admin2");
		b = pick("admin2");
		ob_buf_putf(&g->where, " admin2=%s,%s", a, b);
		ob_buf_putf(&g->sql, " AND admin2 IN ('%s', '%s')", a, b);
		break;
	case 3:
		a = pick_from("ancs", "anc");
		ob_buf_putf(&g->where, " iccs=%s", a);
		ob_buf_putf(&g->sql, " AND cat IN (SELECT code FROM chain WHERE anc = '%s')", a);
		break;
	case 4:
		a = pick("sex");
		ob_buf_putf(&g->where, " sex=%s", a);
		ob_buf_putf(&g->sql, " AND sex = '%s'", a);
		break;
	case 5:
		lo = 2018 + (int)rnd(4);
		hi = lo + (int)rnd(3);
		ob_buf_putf(&g->where, " year=%d..%d", lo, hi);
		ob_buf_putf(&g->sql, " AND year BETWEEN %d AND %d", lo, hi);
		break;
	case 6:
		lo = 1 + (int)rnd(12);
		hi = lo + (int)rnd((unsigned)(13 - lo));
		ob_buf_putf(&g->where, " month=%d..%d", lo, hi);
		ob_buf_putf(&g->sql, " AND month BETWEEN %d AND %d", lo, hi);
		break;
	case 7:
		lo = (int)rnd(60);
		hi = lo + (int)rnd(40);
		if (rnd(4)) {
			ob_buf_putf(&g->where, " age=%d..%d", lo, hi);
			ob_buf_putf(&g->sql, " AND age BETWEEN %d AND %d", lo, hi);
		} else {
			ob_buf_putf(&g->where, " age=%d+", lo);
			ob_buf_putf(&g->sql, " AND age >= %d", lo);
		}
		break;
	case 8:
		a = pick("mechanism");
		ob_buf_putf(&g->where, " %s=%s", rnd(2) ? "weapon" : "mechanism", a);
		ob_buf_putf(&g->sql, " AND mechanism = '%s'", a);
		break;
	case 9:
		a = pick("institution");
		ob_buf_putf(&g->where, " institution=%s", a);
		ob_buf_putf(&g->sql, " AND institution = '%s'", a);
		break;
	case 10:
		a = pick("source");
		ob_buf_putf(&g->where, " source=%s", a);
		ob_buf_putf(&g->sql, " AND source = '%s'", a);
		break;
	case 11: {
		int y = 2019 + (int)rnd(3), m = 1 + (int)rnd(12), m2 = m + (int)rnd((unsigned)(13 - m));
		int day = 1 + (int)rnd(3);
		ob_buf_putf(&g->where, " date=%04d-%02d-%02d..%04d-%02d-28", y, m, day, y, m2);
		ob_buf_putf(&g->sql,
		            " AND year > 0 AND (CASE WHEN month = 0 THEN year * 10000 + 101"
		            " WHEN day = 0 THEN year * 10000 + month * 100 + 1"
		            " ELSE year * 10000 + month * 100 + day END) >= %d"
		            " AND (CASE WHEN month = 0 THEN year * 10000 + 1231"
		            " WHEN day = 0 THEN year * 10000 + month * 100 +"
		            " CAST(strftime('%%d', printf('%%04d-%%02d-01', year, month), '+1 month',"
		            " '-1 day') AS INT)"
		            " ELSE year * 10000 + month * 100 + day END) <= %d",
		            y * 10000 + m * 100 + day, y * 10000 + m2 * 100 + 28);
		break;
	}
	default:
		lo = (int)rnd(24);
		hi = (int)rnd(24);
		ob_buf_putf(&g->where, " hour=%d..%d", lo, hi);
		if (lo <= hi)
			ob_buf_putf(&g->sql, " AND hour BETWEEN %d AND %d", lo, hi);
		else
			ob_buf_putf(&g->sql, " AND (hour >= %d OR hour <= %d)", lo, hi);
		break;
	}
	free(a);
	free(b);
}

/* Counts of the C result by label tuple, and the SQL ones, must agree. */
static void compare(const struct ob_query *q, const char *sql_where, const char *where)
{
	struct ob_query_result *r = NULL;
	struct ob_diag d;
	struct ob_buf sql, key;
	struct ob_strmap seen;
	sqlite3_stmt *st;
	uint64_t sql_total = 0;
	size_t cells = 0;

	ob_diag_clear(&d);
	if (ob_query_run(an, q, &r, &d)) {
		if (d.code == OB_ETOOBIG)
			return; /* past OB_MAX_QUERY_CELLS: refused, as it should be */
		fail_msg("query «%s»: %s", where, d.message);
	}
	ob_buf_init(&sql, 1 << 20);
	ob_buf_init(&key, 4096);
	ob_buf_puts(&sql, "SELECT ");
	for (size_t j = 0; j < q->n_dims; j++)
		ob_buf_putf(&sql, "%s, ", dim_sql(q->dims[j]));
	ob_buf_putf(&sql, "%s, sum(rkey) FROM v WHERE 1%s",
	            q->records ? "sum(pieces)" : "sum(victims)", sql_where);
	if (q->n_dims) {
		ob_buf_puts(&sql, " GROUP BY ");
		for (size_t j = 0; j < q->n_dims; j++)
			ob_buf_putf(&sql, "%s%zu", j ? ", " : "", j + 1);
	}
	if (sqlite3_prepare_v2(ob_store_db(fx.st), sql.ptr, -1, &st, NULL) != SQLITE_OK)
		fail_msg("sql: %s\n%s", sqlite3_errmsg(ob_store_db(fx.st)), sql.ptr);
	ob_strmap_init(&seen);
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint32_t v[OB_QUERY_MAX_DIMS];
		uint64_t n = (uint64_t)sqlite3_column_int64(st, (int)q->n_dims);
		uint64_t keys = (uint64_t)sqlite3_column_int64(st, (int)q->n_dims + 1);
		if (!n)
			continue;
		ob_buf_reset(&key);
		for (size_t j = 0; j < q->n_dims; j++) {
			const char *lab = (const char *)sqlite3_column_text(st, (int)j);
			bool found = false;
			ob_buf_putf(&key, "%s|", lab ? lab : "(null)");
			for (uint32_t x = 0; x < r->extent[j] && !found; x++)
				if (lab && !strcmp(ob_query_label(r, j, x), lab)) {
					v[j] = x;
					found = true;
				}
			if (!found)
				fail_msg("«%s» by %s: SQL value «%s» has no cell", where,
				         ob_query_dim_name(q->dims[j]), lab ? lab : "(null)");
		}
		if (ob_query_count(r, v) != n)
			fail_msg("«%s» cell %s: observa %llu, SQL %llu\n%s", where, key.ptr,
			         (unsigned long long)ob_query_count(r, v), (unsigned long long)n,
			         sql.ptr);
		/* the cell's keys add up (mod 256) to its victims' keys */
		if (q->keys && (ob_query_keysum(r, v) & 255) != (keys & 255))
			fail_msg("«%s» cell %s: keys %llu, SQL %llu (mod 256)", where, key.ptr,
			         (unsigned long long)ob_query_keysum(r, v), (unsigned long long)keys);
		sql_total += n;
		cells++;
	}
	sqlite3_finalize(st);
	/* no cell the SQL lacks: the totals and the non-zero cells agree */
	{
		size_t nonzero = 0;
		for (size_t i = 0; i < r->n_cells; i++)
			nonzero += r->counts[i] != 0;
		if (nonzero != cells || r->total != sql_total)
			fail_msg("«%s»: observa %zu cells, total %llu; SQL %zu cells, total %llu", where,
			         nonzero, (unsigned long long)r->total, cells,
			         (unsigned long long)sql_total);
	}
	assert_true(q->keys ? r->keysums != NULL : r->keysums == NULL);
	assert_int_equal(r->records, q->records);
	ob_strmap_release(&seen);
	ob_buf_release(&sql);
	ob_buf_release(&key);
	ob_query_result_free(r);
}

static int setup(void **state)
{
	struct ob_diag d;

	(void)state;
	efix_open(&fx);
	efix_set_victims(fx.st);
	ob_diag_clear(&d);
	if (ob_snapshot_load(fx.st, fx.dir, &snap, NULL, &d) ||
	    ob_population_load(fx.st, snap, &pop, &d))
		fail_msg("load: %s", d.message);
	assert_true(snap->victims > snap->n);
	an = ob_analyzer_new(snap, pop);
	/* the records come in runs of one unit, year and source, and of one
	 * category within them, that the analyser keeps: the queries below
	 * count through them (the year and the category taken per run) */
	assert_non_null(an->runs);
	assert_non_null(an->cat_start);
	exec(reference_sql);
	/* each row's key: its victims' keys, summed mod 256 */
	{
		sqlite3_stmt *q, *u;
		exec("CREATE UNIQUE INDEX v_rid ON v(rid)");
		if (ob_store_prepare(fx.st, "SELECT rid, source, sid, victims FROM v", &q, &d) ||
		    ob_store_prepare(fx.st, "UPDATE v SET rkey = ?1 WHERE rid = ?2", &u, &d))
			fail_msg("sql: %s", d.message);
		exec("BEGIN");
		while (sqlite3_step(q) == SQLITE_ROW) {
			sqlite3_bind_int(u, 1, (int)efix_key_sum(fx.st,
			                          (const char *)sqlite3_column_text(q, 1),
			                          (const char *)sqlite3_column_text(q, 2), 0,
			                          (uint64_t)sqlite3_column_int64(q, 3)));
			sqlite3_bind_int64(u, 2, sqlite3_column_int64(q, 0));
			if (sqlite3_step(u) != SQLITE_DONE)
				fail_msg("update: %s", sqlite3_errmsg(ob_store_db(fx.st)));
			sqlite3_reset(u);
		}
		exec("COMMIT");
		sqlite3_finalize(q);
		sqlite3_finalize(u);
	}
	exec("CREATE TEMP TABLE d_country AS SELECT DISTINCT country FROM v;"
	     "CREATE TEMP TABLE d_admin1 AS SELECT DISTINCT admin1 FROM v WHERE admin1 IS NOT NULL;"
	     "CREATE TEMP TABLE d_admin2 AS SELECT DISTINCT admin2 FROM v WHERE admin2 IS NOT NULL;"
	     "CREATE TEMP TABLE d_sex AS SELECT DISTINCT sex FROM v;"
	     "CREATE TEMP TABLE d_mechanism AS SELECT DISTINCT mechanism FROM v;"
	     "CREATE TEMP TABLE d_institution AS SELECT DISTINCT institution FROM v;"
	     "CREATE TEMP TABLE d_source AS SELECT DISTINCT source FROM v;");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ob_analyzer_free(an);
	ob_population_free(pop);
	ob_snapshot_close(snap);
	efix_close(&fx);
	return 0;
}

/* Thousands of random queries: random dimensions, random filters. */
static void test_random_against_sql(void **state)
{
	const char *env = getenv("OBSERVA_QUERY_TESTS");
	long long n_queries = 1000;

	if (env && !ob_parse_int(env, strlen(env), 1, 10000000, &n_queries))
		fail_msg("OBSERVA_QUERY_TESTS: %s", env);

	(void)state;
	for (long long t = 0; t < n_queries; t++) {
		struct ob_query q;
		struct filter_gen g;
		unsigned nf = rnd(4);
		size_t cells = 1;

		memset(&q, 0, sizeof(q));
		q.n_dims = rnd(OB_QUERY_MAX_DIMS + 1);
		for (size_t j = 0; j < q.n_dims; j++) {
			enum ob_query_dim k;
			bool dup;
			do {
				k = (enum ob_query_dim)rnd(OB_QD_COUNT);
				dup = false;
				for (size_t i = 0; i < j; i++)
					dup |= q.dims[i] == k;
			} while (dup);
			q.dims[j] = k;
			/* keep the counter arrays small enough for thousands of runs */
			cells *= ob_analyzer_values(an, k);
			if (cells > 100000) {
				q.n_dims = j;
				break;
			}
		}
		q.n_row_dims = rnd((unsigned)q.n_dims + 1);
		q.threads = 1 + (int)rnd(3);
		q.records = rnd(4) == 0;
		q.keys = rnd(2) == 0;
		ob_buf_init(&g.where, 4096);
		ob_buf_init(&g.sql, 1 << 16);
		ob_buf_puts(&g.where, "");
		ob_buf_puts(&g.sql, "");
		for (unsigned f = 0; f < nf; f++)
			add_filter(&g);
		q.where = g.where.ptr ? g.where.ptr : "";
		compare(&q, g.sql.ptr ? g.sql.ptr : "", q.where);
		ob_buf_release(&g.where);
		ob_buf_release(&g.sql);
	}
}

static ob_err run(const char *rows, const char *cols, const char *where,
                  struct ob_query_result **r, struct ob_diag *d)
{
	struct ob_query q;
	ob_err e;

	memset(&q, 0, sizeof(q));
	ob_diag_clear(d);
	if (rows && (e = ob_query_dims_parse(rows, "--rows", q.dims, &q.n_dims, d)))
		return e;
	q.n_row_dims = q.n_dims;
	if (cols && (e = ob_query_dims_parse(cols, "--cols", q.dims, &q.n_dims, d)))
		return e;
	q.where = where;
	return ob_query_run(an, &q, r, d);
}

/* Unknown dimensions, fields and values: refused with the valid ones named. */
static void test_messages(void **state)
{
	(void)state;
	static const struct {
		const char *rows, *where, *want1, *want2;
	} cases[] = {
		{ "admin3", "", "admin2", "dimension" },
		{ "year,year", "", "repetida", "twice" },
		{ "country,year,sex,month,hour", "", "a lo sumo", "at most" },
		{ "year", "mechanizm=firearm", "mechanism", "unknown field" },
		{ "year", "mechanism=firearms", "firearm", "unknown value for «mechanism»" },
		{ "year", "country=XX", "SLV", "GTM" },
		{ "year", "admin2=SLV9999", "los más cercanos", "the nearest" },
		{ "year", "iccs=0199", "0101", "unknown value for «iccs»" },
		{ "year", "year=2020..1999", "intervalo", "range" },
		{ "year", "age=abc", "número", "number" },
		{ "year", "sex=X", "F", "unknown value for «sex»" },
		{ "year", "date=2020-01-01", "AAAA-MM-DD", "YYYY-MM-DD" },
		{ "year", "country", "CAMPO=VALORES", "FIELD=VALUES" },
		{ "year", "country=", "al menos", "at least" },
	};
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_query_result *r = NULL;
		struct ob_diag d;
		char msg[1024];
		ob_err e;

		/* want1 in Spanish, want2 in English */
		ob_lang_set(OB_LANG_ES);
		e = run(cases[i].rows, NULL, cases[i].where, &r, &d);
		ob_diag_format(&d, msg, sizeof(msg));
		if (e != OB_EUSAGE || !strstr(msg, cases[i].want1))
			fail_msg("case %zu (%s / %s): %d «%s»", i, cases[i].rows, cases[i].where, e, msg);
		assert_null(r);
		ob_lang_set(OB_LANG_EN);
		e = run(cases[i].rows, NULL, cases[i].where, &r, &d);
		ob_lang_set(OB_LANG_ES);
		/* a diagnostic keeps both texts: the English one is there */
		ob_diag_format_lang(&d, OB_LANG_EN, msg, sizeof(msg));
		if (e != OB_EUSAGE || !strstr(msg, cases[i].want2))
			fail_msg("case %zu (%s / %s), in English: %d «%s»", i, cases[i].rows,
			         cases[i].where, e, msg);
		assert_null(r);
	}
}

/* ISO2 and ISO3 country codes, case, "&" between clauses: the same count. */
static void test_spellings(void **state)
{
	static const char *const wheres[] = {
		"country=SLV iccs=0101 sex=F", "country=SV&iccs=0101&sex=F",
		"country=slv  iccs=0101 sex=f", "iccs=0101|0101 country=SV,SLV sex=F",
	};
	uint64_t first = 0;

	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(wheres); i++) {
		struct ob_query_result *r;
		struct ob_diag d;
		if (run(NULL, NULL, wheres[i], &r, &d))
			fail_msg("%s: %s", wheres[i], d.message);
		if (!i)
			first = r->total;
		assert_true(first > 0);
		assert_int_equal(r->total, first);
		ob_query_result_free(r);
	}
}

/* Rates: the population of a cell is the catalogue's, summed over the
 * years and units the query covers; refused for dimensions without one. */
static void test_rates(void **state)
{
	struct ob_query_result *r;
	struct ob_diag d;
	uint32_t v[OB_QUERY_MAX_DIMS];
	double p, want;
	char sql[512];

	(void)state;
	assert_int_equal(run("country", "year", "iccs=01", &r, &d), OB_OK);
	assert_true(r->rate_ok);
	for (uint32_t c = 0; c < r->extent[0]; c++)
		for (uint32_t y = 1; y < r->extent[1]; y++) {
			v[0] = c;
			v[1] = y;
			snprintf(sql, sizeof(sql),
			         "SELECT coalesce(sum(population), -1) FROM population WHERE "
			         "territory = '%s' AND year = %s AND sex = 'T'",
			         ob_query_label(r, 0, c), ob_query_label(r, 1, y));
			want = (double)efix_count(fx.st, sql);
			if (want < 0) {
				assert_false(ob_query_population(r, v, &p));
				continue;
			}
			assert_true(ob_query_population(r, v, &p));
			assert_true(p > want - 1 && p < want + 1);
		}
	/* the margin over years: the sum of the years the data has */
	ob_query_result_free(r);

	/* admin1 by sex within a year range: F population of the unit */
	assert_int_equal(run("admin1", "sex", "country=SLV year=2020..2021", &r, &d), OB_OK);
	assert_true(r->rate_ok);
	for (uint32_t a = 1; a < r->extent[0]; a++) {
		v[0] = a;
		v[1] = OB_SNAP_SEX_F;
		snprintf(sql, sizeof(sql),
		         "SELECT CAST(coalesce(sum(population), -1) AS INT) FROM population WHERE "
		         "territory = '%s' AND year BETWEEN 2020 AND 2021 AND sex = 'F' "
		         "HAVING count(*) = 2",
		         ob_query_label(r, 0, a));
		want = (double)efix_count(fx.st, sql);
		if (ob_query_population(r, v, &p))
			assert_true(p > want - 1 && p < want + 1);
		v[1] = OB_SNAP_SEX_U;
		assert_false(ob_query_population(r, v, &p));
	}
	v[0] = 0; /* unknown admin1 */
	v[1] = OB_SNAP_SEX_F;
	assert_false(ob_query_population(r, v, &p));
	ob_query_result_free(r);

	assert_int_equal(run("mechanism", NULL, "year=2020", &r, &d), OB_OK);
	assert_false(r->rate_ok);
	assert_non_null(strstr(r->rate_why, "mechanism"));
	/* why, in each language, neither holding the other */
	assert_non_null(strstr(r->rate_why, "no tiene población"));
	assert_non_null(strstr(r->rate_why_en, "has no population"));
	assert_null(strstr(r->rate_why, "has no population"));
	ob_query_result_free(r);
	assert_int_equal(run("country", NULL, "", &r, &d), OB_OK);
	assert_false(r->rate_ok);
	assert_non_null(strstr(r->rate_why, "year"));
	ob_query_result_free(r);
	assert_int_equal(run("country", "year", "age=15..29", &r, &d), OB_OK);
	assert_false(r->rate_ok);
	ob_query_result_free(r);
}

/* Tables: margins add up, sorting and top keep the totals. */
static void test_table(void **state)
{
	struct ob_query_result *r;
	struct ob_query_table *t;
	struct ob_diag d;
	uint64_t sum = 0;

	(void)state;
	assert_int_equal(run("admin2", "year", "country=SLV", &r, &d), OB_OK);
	assert_int_equal(ob_query_table_make(r, OB_QS_COUNT_DESC, 5, &t, &d), OB_OK);
	assert_int_equal(t->nrows, 5);
	assert_true(t->rows_before_top > 5);
	for (size_t i = 0; i < t->nrows; i++) {
		uint64_t row = 0;
		for (size_t j = 0; j < t->ncols; j++)
			row += t->cell[i * t->ncols + j];
		assert_int_equal(row, t->row_total[i]);
		if (i)
			assert_true(t->row_total[i] <= t->row_total[i - 1]);
	}
	for (size_t j = 0; j < t->ncols; j++)
		sum += t->col_total[j];
	assert_int_equal(sum, t->total);
	assert_int_equal(t->total, r->total);
	assert_null(t->cell_keys);
	ob_query_table_free(t);
	ob_query_result_free(r);

	/* keys: cells, margins and total; the margins over every row, also
	 * those cut by top */
	{
		struct ob_query q;
		uint64_t all = 0, cols = 0;
		memset(&q, 0, sizeof(q));
		q.where = "country=SLV";
		assert_int_equal(ob_query_dims_parse("admin2,year", "--rows", q.dims, &q.n_dims, &d),
		                 OB_OK);
		q.n_row_dims = 1;
		q.keys = true;
		assert_int_equal(ob_query_run(an, &q, &r, &d), OB_OK);
		assert_int_equal(ob_query_table_make(r, OB_QS_COUNT_DESC, 5, &t, &d), OB_OK);
		assert_non_null(t->cell_keys);
		for (size_t i = 0; i < r->n_cells; i++)
			all += r->keysums[i];
		assert_int_equal(t->total_keys, all);
		for (size_t j = 0; j < t->ncols; j++)
			cols += t->col_keys[j];
		assert_int_equal(cols, all);
		for (size_t i = 0; i < t->nrows; i++) {
			uint64_t row = 0;
			for (size_t j = 0; j < t->ncols; j++) {
				uint32_t v[OB_QUERY_MAX_DIMS];
				ob_query_table_coords(t, i, j, v);
				assert_int_equal(t->cell_keys[i * t->ncols + j], ob_query_keysum(r, v));
				row += t->cell_keys[i * t->ncols + j];
			}
			assert_int_equal(row, t->row_keys[i]);
		}
		ob_query_table_free(t);
		ob_query_result_free(r);
	}
}

/* Victims, not rows: the same query counting records gives the rows (a
 * row of 70000 victims being two records), and the total of victims is
 * the store's sum. */
static void test_victims_and_records(void **state)
{
	struct ob_query q;
	struct ob_query_result *r;
	struct ob_diag d;
	(void)state;

	memset(&q, 0, sizeof(q));
	assert_int_equal(ob_query_run(an, &q, &r, &d), OB_OK);
	assert_int_equal(r->total, snap->victims);
	assert_int_equal((long long)r->total,
	                 efix_count(fx.st, "SELECT sum(r.victims) FROM record r JOIN submission s"
	                                   " ON s.id = r.submission WHERE s.superseded_by IS NULL"));
	ob_query_result_free(r);
	q.records = true;
	assert_int_equal(ob_query_run(an, &q, &r, &d), OB_OK);
	assert_int_equal(r->total, snap->n);
	assert_int_equal((long long)r->total,
	                 efix_count(fx.st, "SELECT count(*) + 1 FROM record r JOIN submission s"
	                                   " ON s.id = r.submission WHERE s.superseded_by IS NULL"));
	ob_query_result_free(r);
	/* whole units and runs (no per-record column) sum their counts */
	q.records = false;
	q.keys = true;
	assert_int_equal(ob_query_dims_parse("admin2,source", "--rows", q.dims, &q.n_dims, &d),
	                 OB_OK);
	q.n_row_dims = 2;
	q.where = "source=sv-pnc";
	assert_int_equal(ob_query_run(an, &q, &r, &d), OB_OK);
	assert_int_equal((long long)r->total,
	                 efix_count(fx.st, "SELECT sum(r.victims) FROM record r JOIN submission s"
	                                   " ON s.id = r.submission WHERE s.superseded_by IS NULL"
	                                   " AND s.source = 'sv-pnc'"));
	ob_query_result_free(r);
}

/* The holder: readers on many threads while the snapshot is swapped. */
struct reader {
	struct ob_snaphold *h;
	uint64_t want;
	int loops;
	int bad;
};

static void *reader_run(void *arg)
{
	struct reader *rd = arg;

	for (int i = 0; i < rd->loops; i++) {
		struct ob_snapref *ref = ob_snaphold_get(rd->h);
		struct ob_query_result *r;
		struct ob_query q;
		struct ob_diag d;

		if (!ref) {
			rd->bad++;
			continue;
		}
		memset(&q, 0, sizeof(q));
		q.dims[0] = OB_QD_YEAR;
		q.n_dims = 1;
		q.threads = 1;
		q.where = "sex=F";
		ob_diag_clear(&d);
		if (ob_query_run(ref->an, &q, &r, &d) || r->total != rd->want)
			rd->bad++;
		else
			ob_query_result_free(r);
		ob_snaphold_put(rd->h, ref);
	}
	return NULL;
}

static void test_snaphold_threads(void **state)
{
	struct ob_snaphold *h = ob_snaphold_new();
	struct reader rd[4];
	pthread_t tid[4];
	struct ob_query_result *r;
	struct ob_diag d;
	bool changed;

	(void)state;
	assert_null(ob_snaphold_get(h));
	assert_int_equal(ob_snaphold_refresh(h, fx.st, fx.dir, &changed, &d), OB_OK);
	assert_true(changed);
	/* the same stamp: nothing to do */
	assert_int_equal(ob_snaphold_refresh(h, fx.st, fx.dir, &changed, &d), OB_OK);
	assert_false(changed);
	assert_int_equal(run(NULL, NULL, "sex=F", &r, &d), OB_OK);
	for (int i = 0; i < 4; i++) {
		rd[i] = (struct reader){ h, r->total, 60, 0 };
		assert_int_equal(pthread_create(&tid[i], NULL, reader_run, &rd[i]), 0);
	}
	/* swap fresh copies of the same snapshot in while they read */
	for (int k = 0; k < 20; k++) {
		struct ob_snapshot *s2;
		struct ob_population *p2;
		assert_int_equal(ob_snapshot_open(fx.dir, &s2, &d), OB_OK);
		assert_int_equal(ob_population_load(fx.st, s2, &p2, &d), OB_OK);
		ob_snaphold_swap(h, ob_snapref_new(s2, p2));
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		assert_int_equal(rd[i].bad, 0);
	}
	ob_query_result_free(r);
	ob_snaphold_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_against_sql),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_spellings),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_victims_and_records),
		cmocka_unit_test(test_snaphold_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
