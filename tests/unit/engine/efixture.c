/* efixture.c - the engine's test observatory (see efixture.h). */
#include "test.h"

#include <unistd.h>

#include "base/sha256.h"
#include "catalog/catalog.h"
#include "efixture.h"
/* raw SQL (store_sql.h): lays out thousands of records directly, faster than an ingest. */
#include "store_sql.h"

void efix_set_victims(struct ob_store *st)
{
	efix_exec(st, "UPDATE record SET victims = 2 + id % 3 WHERE id % 11 = 0;"
	              "UPDATE record SET victims = 70000 WHERE id = (SELECT min(r.id) FROM record r"
	              "  JOIN submission s ON s.id = r.submission"
	              "  WHERE s.superseded_by IS NULL AND s.source = 'sv-pnc' AND r.id % 11 <> 0);"
	              "UPDATE record SET victims = 0 WHERE id = (SELECT max(r.id) FROM record r"
	              "  JOIN submission s ON s.id = r.submission"
	              "  WHERE s.superseded_by IS NULL AND s.source = 'sv-iml' AND r.id % 11 <> 0);");
	_Static_assert(EFIX_BIG_VICTIMS == 70000, "the SQL above");
}

void efix_reset_victims(struct ob_store *st)
{
	efix_exec(st, "UPDATE record SET victims = 1 WHERE victims <> 1");
}

unsigned efix_key_sum(struct ob_store *st, const char *source, const char *id, uint64_t from,
                      uint64_t to)
{
	unsigned char secret[OB_STORE_SECRET_LEN], msg[1024], dg[OB_SHA256_LEN];
	size_t ns = strlen(source), ni = strlen(id), base;
	struct ob_diag d;
	unsigned sum = 0;

	if (ob_store_key_secret(st, secret, &d))
		fail_msg("secret: %s", d.message);
	assert_true(sizeof(secret) + ns + ni + 2 + 24 <= sizeof(msg));
	memcpy(msg, secret, sizeof(secret));
	memcpy(msg + sizeof(secret), source, ns);
	msg[sizeof(secret) + ns] = 0;
	memcpy(msg + sizeof(secret) + ns + 1, id, ni);
	msg[sizeof(secret) + ns + 1 + ni] = 0;
	base = sizeof(secret) + ns + ni + 2;
	for (uint64_t i = from; i < to; i++) {
		struct ob_sha256 c;
		int k = snprintf((char *)msg + base, 24, "%llu", (unsigned long long)i);
		ob_sha256_init_portable(&c);
		ob_sha256_update(&c, msg, base + (size_t)k);
		ob_sha256_final(&c, dg);
		sum += dg[0];
	}
	return sum & 255;
}

long long efix_count(struct ob_store *st, const char *sql)
{
	sqlite3_stmt *q;
	struct ob_diag d;
	long long v = -1;

	if (ob_store_prepare(st, sql, &q, &d))
		fail_msg("SQL: %s: %s", sql, d.message);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

void efix_exec(struct ob_store *st, const char *sql)
{
	struct ob_diag d;

	if (ob_store_exec(st, sql, &d))
		fail_msg("SQL: %s: %s", sql, d.message);
}

static uint64_t rng = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd((unsigned)n)];
}

#define PICK(v) pick(v, OB_ARRAY_SIZE(v))

static const char *const forensic_cats[] = {
	"0101", "0101", "0101", "0101", "0101", "0103", "01031", "01019", NULL,
};
static const char *const police_cats[] = {
	"0401", "04011", "0502", "050211", "0501", "02051", "020221", "02011", "020111",
	"020112", "0201", "0301", "03011", "030113", "X01", "0101", "0102", NULL,
};
static const char *const manners[] = {
	"homicide", "homicide", "homicide", "suicide", "accident", "undetermined",
	"legal_intervention", "unknown", NULL,
};
static const char *const sexes[] = { "F", "M", "M", "U" };
static const char *const mechanisms[] = { "firearm", "firearm", "sharp", "blunt", "unknown", NULL };
static const char *const places[] = { "dwelling", "public_road", "public_road", "unknown", NULL };
static const char *const relationships[] = { "intimate_partner", "family", "stranger", NULL, NULL };
static const char *const contexts[] = { "gang", "robbery", NULL, NULL };

struct sub {
	const char *source, *institution, *country, *from, *to;
	int superseded; /* by the submission that many rows later */
	int records, year0, year1, month1;
};

static void insert_records(struct efix *f, long long sub, const struct sub *s,
                           char (*units)[16], int nunits)
{
	sqlite3_stmt *q;
	struct ob_diag d;
	bool forensic = !strcmp(s->institution, "forensic");

	assert_int_equal(ob_store_prepare(f->st,
	                                  "INSERT INTO record(submission, source, source_id, line,"
	                                  " occurred_on, precision, occurred_at, territory, category,"
	                                  " manner, victim_sex, victim_age, mechanism, place,"
	                                  " relationship, context) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	                                  " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
	                                  &q, &d),
	                 OB_OK);
	for (int i = 0; i < s->records; i++) {
		char id[32], date[32], time[16];
		int y = s->year0 + (int)rnd((unsigned)(s->year1 - s->year0 + 1));
		int m = 1 + (int)rnd(y == s->year1 ? (unsigned)s->month1 : 12);
		int day = 1 + (int)rnd(28), p = (int)rnd(10);
		const char *prec = p < 8 ? "day" : p < 9 ? "month" : "year";
		const char *cat = forensic ? PICK(forensic_cats) : PICK(police_cats);

		snprintf(id, sizeof(id), "%s-%lld-%d", s->source, sub, i);
		if (p < 8)
			snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, day);
		else if (p < 9)
			snprintf(date, sizeof(date), "%04d-%02d", y, m);
		else
			snprintf(date, sizeof(date), "%04d", y);
		snprintf(time, sizeof(time), "%02d:%02d:00", (int)rnd(24), (int)rnd(60));
		sqlite3_bind_int64(q, 1, sub);
		sqlite3_bind_text(q, 2, s->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(q, 4, i + 2);
		sqlite3_bind_text(q, 5, date, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 6, prec, -1, SQLITE_STATIC);
		if (rnd(10) < 7)
			sqlite3_bind_text(q, 7, time, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(q, 7);
		if (rnd(40))
			sqlite3_bind_text(q, 8, units[rnd((unsigned)nunits)], -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(q, 8); /* no territory: counts in the country */
		if (cat)
			sqlite3_bind_text(q, 9, cat, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(q, 9);
		{
			const char *mn = forensic ? PICK(manners) : (cat && !strcmp(cat, "0101") ? "homicide" : NULL);
			const char *v;
			if (mn)
				sqlite3_bind_text(q, 10, mn, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(q, 10);
			sqlite3_bind_text(q, 11, PICK(sexes), -1, SQLITE_STATIC);
			if (rnd(10))
				sqlite3_bind_int(q, 12, (int)rnd(95));
			else
				sqlite3_bind_null(q, 12);
			v = PICK(mechanisms);
			v ? sqlite3_bind_text(q, 13, v, -1, SQLITE_STATIC) : sqlite3_bind_null(q, 13);
			v = PICK(places);
			v ? sqlite3_bind_text(q, 14, v, -1, SQLITE_STATIC) : sqlite3_bind_null(q, 14);
			v = PICK(relationships);
			v ? sqlite3_bind_text(q, 15, v, -1, SQLITE_STATIC) : sqlite3_bind_null(q, 15);
			v = PICK(contexts);
			v ? sqlite3_bind_text(q, 16, v, -1, SQLITE_STATIC) : sqlite3_bind_null(q, 16);
		}
		if (sqlite3_step(q) != SQLITE_DONE)
			fail_msg("insert: %s", sqlite3_errmsg(ob_store_db(f->st)));
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
}

void efix_open(struct efix *f)
{
	static const struct sub subs[] = {
		/* forensic, three years in one delivery */
		{ "sv-iml", "forensic", "SLV", "2019-01-01", "2021-12-31", 0, 4000, 2019, 2021, 12 },
		/* police: an early version of 2019, superseded by the next one */
		{ "sv-pnc", "police", "SLV", "2019-01-01", "2019-12-31", 1, 300, 2019, 2019, 12 },
		{ "sv-pnc", "police", "SLV", "2019-01-01", "2020-12-31", 0, 5000, 2019, 2020, 12 },
		/* police 2021: only January to June delivered */
		{ "sv-pnc", "police", "SLV", "2021-01-01", "2021-06-30", 0, 1200, 2021, 2021, 6 },
		/* another country's police, 2020 */
		{ "gt-pnc", "police", "GTM", "2020-01-01", "2020-12-31", 0, 600, 2020, 2020, 12 },
	};
	char units_slv[64][16], units_gtm[16][16], sql[512];
	int nslv = 0, ngtm = 0;
	struct ob_diag d;
	sqlite3_stmt *q;

	rng = 88172645463325252ULL;
	snprintf(f->dir, sizeof(f->dir), "/tmp/observa-engine-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	ob_diag_clear(&d);
	assert_int_equal(ob_store_open(f->dir, OB_STORE_CREATE, &f->st, &d), OB_OK);
	assert_int_equal(ob_catalog_write_default(f->dir, &d), OB_OK);
	/* geometry is not needed here and is slow to load */
	snprintf(sql, sizeof(sql), "rm -rf '%s/catalog/geometry'", f->dir);
	assert_int_equal(system(sql), 0);
	if (ob_catalog_load(f->st, f->dir, &d))
		fail_msg("catalogue: %s", d.message);
	/* units: San Salvador department's municipalities and a few others, of
	 * the division of the records' years (before the 2024 reform) */
	assert_int_equal(ob_store_prepare(f->st,
	                                  "SELECT code FROM territory WHERE country = 'SLV' AND level = 2"
	                                  " AND (parent = 'SLV06' OR code IN ('SLV1217', 'SLV0427',"
	                                  " 'SLV1119', 'SLV0101')) AND (valid_to IS NULL OR"
	                                  " valid_to >= '2021-12-31') AND (valid_from IS NULL OR"
	                                  " valid_from <= '2019-01-01') ORDER BY code LIMIT 64", &q, &d),
	                 OB_OK);
	while (sqlite3_step(q) == SQLITE_ROW && nslv < 64)
		ob_strlcpy(units_slv[nslv++], (const char *)sqlite3_column_text(q, 0), 16);
	sqlite3_finalize(q);
	assert_int_equal(ob_store_prepare(f->st,
	                                  "SELECT code FROM territory WHERE country = 'GTM' AND level = 2"
	                                  " ORDER BY code LIMIT 16", &q, &d),
	                 OB_OK);
	while (sqlite3_step(q) == SQLITE_ROW && ngtm < 16)
		ob_strlcpy(units_gtm[ngtm++], (const char *)sqlite3_column_text(q, 0), 16);
	sqlite3_finalize(q);
	assert_true(nslv > 10 && ngtm > 5);

	efix_exec(f->st, "BEGIN");
	for (size_t i = 0; i < OB_ARRAY_SIZE(subs); i++) {
		const struct sub *s = &subs[i];
		long long id;

		snprintf(sql, sizeof(sql),
		         "INSERT INTO submission(source, file_name, sha256, period_from, period_to,"
		         " rows_read, accepted, rejected, warned, ingested_at, version, observa_version,"
		         " institution, country) VALUES('%s', 'f%zu.csv', 'sha%zu', '%s', '%s', %d, %d,"
		         " 0, 0, '2024-01-01T00:00:00Z', 1, 'test', '%s', '%s')",
		         s->source, i, i, s->from, s->to, s->records, s->records, s->institution,
		         s->country);
		efix_exec(f->st, sql);
		id = sqlite3_last_insert_rowid(ob_store_db(f->st));
		if (!strcmp(s->country, "GTM"))
			insert_records(f, id, s, units_gtm, ngtm);
		else
			insert_records(f, id, s, units_slv, nslv);
	}
	/* the superseded delivery */
	efix_exec(f->st, "UPDATE submission SET superseded_by = 3 WHERE id = 2;"
	                 "UPDATE submission SET supersedes = 2, version = 2 WHERE id = 3");
	efix_exec(f->st, "COMMIT");
}

void efix_close(struct efix *f)
{
	char cmd[600];

	ob_store_close(f->st);
	f->st = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
}
