/* test_snapshot.c - the columnar snapshot: round trip against the store,
 * counts and record keys, coverage, validity, staleness, what is derived
 * from the columns stored alike, and refusal of damaged or foreign files
 * (whole at open, or a column's blocks when first read). */
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "efixture.h"
#include "engine/query.h"
#include "engine/snap_impl.h"
#include "engine/snapshot.h"
/* raw SQL (store_sql.h): counts records in SQL, the oracle the snapshot is compared against. */
#include "store_sql.h"

static struct efix fx;

static int setup(void **state)
{
	(void)state;
	efix_open(&fx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	efix_close(&fx);
	return 0;
}

static struct ob_snapshot *build_open(void)
{
	struct ob_snapshot *s = NULL;
	struct ob_diag d;

	ob_diag_clear(&d);
	if (ob_snapshot_build(fx.st, fx.dir, &d))
		fail_msg("build: %s", d.message);
	if (ob_snapshot_open(fx.dir, &s, &d))
		fail_msg("open: %s", d.message);
	return s;
}

/* A record as the store has it, with where the snapshot should put it. */
struct store_row {
	char f[14][24];
	bool null[14];
	uint32_t unit, year, src, cat;
	size_t pos;
};

/* The snapshot's order: territory, year, source, category, then as
 * stored. */
static int by_unit(const void *a, const void *b)
{
	const struct store_row *x = a, *y = b;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->cat != y->cat)
		return x->cat < y->cat ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Every current record, field by field, as the store has it, in the
 * snapshot's order: by territory, year, source and category, then as
 * stored. */
static void round_trip(void **state)
{
	struct ob_snapshot *s = build_open();
	sqlite3_stmt *q;
	struct ob_diag d;
	struct store_row *rows;
	size_t n = 0;
	(void)state;

	assert_int_equal(s->n, (uint64_t)efix_count(fx.st,
	                 "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission"
	                 " WHERE s.superseded_by IS NULL"));
	assert_true(s->n > 10000);
	rows = ob_calloc(s->n, sizeof(*rows));
	assert_int_equal(ob_store_prepare(fx.st,
	                 "SELECT r.territory, r.occurred_on, r.precision, r.occurred_at, r.victim_sex,"
	                 " r.victim_age, r.category, r.manner, r.mechanism, r.place, r.relationship,"
	                 " r.context, r.source, s.country FROM record r JOIN submission s"
	                 " ON s.id = r.submission WHERE s.superseded_by IS NULL ORDER BY r.id", &q, &d),
	                 OB_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct store_row *w = &rows[n];
		assert_true(n < s->n);
		for (int c = 0; c < 14; c++) {
			w->null[c] = sqlite3_column_type(q, c) == SQLITE_NULL;
			if (!w->null[c])
				ob_strlcpy(w->f[c], (const char *)sqlite3_column_text(q, c), sizeof(w->f[c]));
		}
		w->pos = n;
		w->unit = UINT32_MAX;
		for (uint32_t u = 0; u < s->n_units; u++)
			if (!strcmp(ob_snap_str(s, s->units[u].code), w->null[0] ? w->f[13] : w->f[0]))
				w->unit = u;
		assert_true(w->unit != UINT32_MAX);
		w->year = w->null[1] ? 0 : (uint32_t)strtol(w->f[1], NULL, 10);
		w->src = UINT32_MAX;
		for (uint32_t k = 0; k < s->n_sources; k++)
			if (!strcmp(ob_snap_str(s, s->sources[k].code), w->f[12]))
				w->src = k;
		assert_true(w->src != UINT32_MAX);
		/* its category: 0 without a code */
		w->cat = w->null[6] || !w->f[6][0] ? 0 : UINT32_MAX;
		for (uint32_t k = 1; w->cat && k < s->n_categories; k++)
			if (!strcmp(ob_snap_str(s, s->categories[k].code), w->f[6]))
				w->cat = k;
		assert_true(w->cat != UINT32_MAX);
		n++;
	}
	sqlite3_finalize(q);
	assert_int_equal(n, s->n);
	qsort(rows, n, sizeof(*rows), by_unit);
	for (uint64_t i = 0; i < n; i++) {
		const struct store_row *w = &rows[i];
		const char *on = w->f[1], *prec = w->f[2];
		int y = (on[0] - '0') * 1000 + (on[1] - '0') * 100 + (on[2] - '0') * 10 + (on[3] - '0');
		int m = 0, day = 0;

		assert_int_equal(s->territory[i], w->unit);
		if (strcmp(prec, "year"))
			m = (on[5] - '0') * 10 + (on[6] - '0');
		if (!strcmp(prec, "day"))
			day = (on[8] - '0') * 10 + (on[9] - '0');
		assert_int_equal(s->year[i], y);
		assert_int_equal(s->month[i], m);
		assert_int_equal(s->day[i], day);
		if (!w->null[3])
			assert_int_equal(s->hour[i], (w->f[3][0] - '0') * 10 + (w->f[3][1] - '0'));
		else
			assert_int_equal(s->hour[i], OB_SNAP_HOUR_UNKNOWN);
		assert_int_equal(s->sex[i], w->f[4][0] == 'F' ? OB_SNAP_SEX_F
		                            : w->f[4][0] == 'M' ? OB_SNAP_SEX_M : OB_SNAP_SEX_U);
		if (w->null[5])
			assert_int_equal(s->age[i], OB_SNAP_AGE_UNKNOWN);
		else
			assert_int_equal(s->age[i], strtol(w->f[5], NULL, 10));
		assert_string_equal(ob_snap_str(s, s->categories[s->category[i]].code),
		                    w->null[6] ? "" : w->f[6]);
		for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
			assert_string_equal(ob_snap_str(s, s->tags[dim][s->tag[dim][i]]),
			                    w->null[7 + dim] ? "unknown" : w->f[7 + dim]);
		assert_string_equal(ob_snap_str(s, s->sources[s->source[i]].code), w->f[12]);
		if (i)
			assert_true(s->territory[i - 1] < s->territory[i] ||
			            (s->territory[i - 1] == s->territory[i] &&
			             s->year[i - 1] <= s->year[i]));
		/* every stored row here stands for one victim */
		assert_int_equal(s->count[i], 1);
	}
	assert_int_equal(s->victims, s->n);
	assert_true(s->counts_one);
	free(rows);
	ob_snapshot_close(s);
}

/* The sum of the rkeys of the snapshot's records, mod 256, per source and
 * year, into sum[source * 256 + year - 1900] (0 for no year). */
static void snapshot_key_sums(const struct ob_snapshot *s, unsigned *sum)
{
	for (uint64_t i = 0; i < s->n; i++) {
		unsigned y = s->year[i] ? s->year[i] - OB_MIN_YEAR + 1 : 0;
		sum[s->source[i] * 256u + y] = (sum[s->source[i] * 256u + y] + s->rkey[i]) & 255;
	}
}

/* Rows standing for several victims: counts, the split of a row past
 * 65535, victims in all, and record keys that add up, per source and year,
 * to the keys of the victims computed from their definition; keys stable
 * across rebuilds and changed by another secret. */
static void counts_and_keys(void **state)
{
	struct ob_snapshot *s;
	sqlite3_stmt *q;
	struct ob_diag d;
	unsigned *want, *got;
	unsigned char *keys;
	uint64_t sum = 0, big = 0, pieces, n;
	long long victims;
	(void)state;

	efix_set_victims(fx.st);
	s = build_open();
	victims = efix_count(fx.st, "SELECT sum(r.victims) FROM record r JOIN submission s"
	                            " ON s.id = r.submission WHERE s.superseded_by IS NULL");
	pieces = (uint64_t)efix_count(fx.st, "SELECT sum(CASE r.victims WHEN 0 THEN 1 ELSE"
	                                     " (r.victims + 65534) / 65535 END) FROM record r JOIN"
	                                     " submission s ON s.id = r.submission"
	                                     " WHERE s.superseded_by IS NULL");
	n = (uint64_t)efix_count(fx.st, "SELECT count(*) FROM record r JOIN submission s"
	                                " ON s.id = r.submission WHERE s.superseded_by IS NULL");
	assert_true(victims > (long long)n + EFIX_BIG_VICTIMS);
	assert_int_equal(s->victims, (uint64_t)victims);
	/* the row of 70000 victims is two records; the others one each */
	assert_int_equal(pieces, n + 1);
	assert_int_equal(s->n, pieces);
	for (uint64_t i = 0; i < s->n; i++) {
		sum += s->count[i];
		if (s->count[i] > 4)
			big++;
	}
	assert_int_equal(sum, (uint64_t)victims);
	assert_int_equal(big, 2);
	/* the two pieces: 65535 + 4465, with the same fields */
	{
		uint64_t a = UINT64_MAX, b = UINT64_MAX;
		for (uint64_t i = 0; i < s->n; i++) {
			if (s->count[i] == OB_MAX_SNAPSHOT_COUNT)
				a = i;
			if (s->count[i] == EFIX_BIG_VICTIMS - OB_MAX_SNAPSHOT_COUNT)
				b = i;
		}
		assert_true(a != UINT64_MAX && b != UINT64_MAX);
		assert_int_equal(s->territory[a], s->territory[b]);
		assert_int_equal(s->year[a], s->year[b]);
		assert_int_equal(s->month[a], s->month[b]);
		assert_int_equal(s->category[a], s->category[b]);
		assert_int_equal(s->source[a], s->source[b]);
		assert_int_equal(s->age[a], s->age[b]);
		assert_string_equal(ob_snap_str(s, s->sources[s->source[a]].code), "sv-pnc");
	}

	/* keys: per source and year, as the definition gives them */
	want = ob_calloc((size_t)s->n_sources * 256, sizeof(unsigned));
	got = ob_calloc((size_t)s->n_sources * 256, sizeof(unsigned));
	assert_int_equal(ob_store_prepare(fx.st,
	                 "SELECT r.source, r.source_id, r.victims, r.occurred_on FROM record r"
	                 " JOIN submission s ON s.id = r.submission WHERE s.superseded_by IS NULL",
	                 &q, &d), OB_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *src = (const char *)sqlite3_column_text(q, 0);
		const char *on = (const char *)sqlite3_column_text(q, 3);
		uint32_t k = UINT32_MAX;
		unsigned y = on ? (unsigned)strtol(on, NULL, 10) - OB_MIN_YEAR + 1 : 0;
		for (uint32_t x = 0; x < s->n_sources; x++)
			if (!strcmp(ob_snap_str(s, s->sources[x].code), src))
				k = x;
		assert_true(k != UINT32_MAX && y < 256);
		want[k * 256 + y] = (want[k * 256 + y] +
		                     efix_key_sum(fx.st, src, (const char *)sqlite3_column_text(q, 1), 0,
		                                  (uint64_t)sqlite3_column_int64(q, 2))) & 255;
	}
	sqlite3_finalize(q);
	snapshot_key_sums(s, got);
	assert_memory_equal(want, got, (size_t)s->n_sources * 256 * sizeof(unsigned));
	/* a record without victims has key 0 */
	for (uint64_t i = 0; i < s->n; i++)
		if (!s->count[i])
			assert_int_equal(s->rkey[i], 0);

	/* stable across rebuilds */
	keys = ob_malloc(s->n);
	memcpy(keys, s->rkey, s->n);
	n = s->n;
	ob_snapshot_close(s);
	s = build_open();
	assert_int_equal(s->n, n);
	assert_memory_equal(keys, s->rkey, n);
	ob_snapshot_close(s);
	/* another observatory's secret gives other keys */
	efix_exec(fx.st, "CREATE TEMP TABLE saved_secret AS SELECT * FROM meta"
	                 " WHERE key = 'record_key_secret';"
	                 "UPDATE meta SET value = '000102030405060708090a0b0c0d0e0f"
	                 "101112131415161718191a1b1c1d1e1f' WHERE key = 'record_key_secret'");
	s = build_open();
	assert_memory_not_equal(keys, s->rkey, n);
	ob_snapshot_close(s);
	efix_exec(fx.st, "UPDATE meta SET value = (SELECT value FROM saved_secret)"
	                 " WHERE key = 'record_key_secret'; DROP TABLE saved_secret");
	s = build_open();
	assert_memory_equal(keys, s->rkey, n);
	ob_snapshot_close(s);

	efix_reset_victims(fx.st);
	free(keys);
	free(want);
	free(got);
}

/* The secret: 64 hex digits made with the store; a snapshot cannot be
 * built without it, and a damaged one is refused. */
static void secret(void **state)
{
	unsigned char a[OB_STORE_SECRET_LEN];
	char hex[80], saved[80];
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_store_meta_get(fx.st, OB_STORE_KEY_SECRET, saved, sizeof(saved)), OB_OK);
	assert_int_equal(strlen(saved), 64);
	assert_true(strspn(saved, "0123456789abcdef") == 64);
	assert_int_equal(ob_store_key_secret(fx.st, a, &d), OB_OK);
	snprintf(hex, sizeof(hex), "%02x%02x", a[0], a[1]);
	assert_memory_equal(hex, saved, 4);
	assert_int_equal(ob_store_meta_set(fx.st, OB_STORE_KEY_SECRET, "12zz", &d), OB_OK);
	assert_int_equal(ob_store_key_secret(fx.st, a, &d), OB_ECORRUPT);
	assert_int_equal(ob_snapshot_build(fx.st, fx.dir, &d), OB_ECORRUPT);
	efix_exec(fx.st, "DELETE FROM meta WHERE key = 'record_key_secret'");
	assert_int_equal(ob_snapshot_build(fx.st, fx.dir, &d), OB_ENOENT);
	assert_non_null(strstr(d.message, "secreto"));
	assert_int_equal(ob_store_meta_set(fx.st, OB_STORE_KEY_SECRET, saved, &d), OB_OK);
	assert_int_equal(ob_snapshot_build(fx.st, fx.dir, &d), OB_OK);
}

/* A store made before counts (schema 5, without the columns of migrations 6
 * to 10) is migrated on its next opening
 * for writing: every row one victim, each delivery's victims its accepted
 * rows, fields unknown, not aggregate, an exact age its own age band, and a
 * secret made. */
static void migration(void **state)
{
	struct ob_store *st;
	struct ob_snapshot *s;
	struct ob_diag d;
	char dir[] = "/tmp/observa-snap-old-XXXXXX", cmd[128], hex[80];
	(void)state;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(ob_store_open(dir, OB_STORE_CREATE, &st, &d), OB_OK);
	efix_exec(st, "INSERT INTO submission(id, source, file_name, sha256, period_from,"
	              " period_to, rows_read, accepted, rejected, warned, ingested_at, version,"
	              " observa_version, institution, country) VALUES(1, 'x-pnc', 'a.csv', 'h',"
	              " '2023-01-01', '2023-12-31', 3, 2, 1, 0, '2024-01-01T00:00:00Z', 1, 't',"
	              " 'police', 'HND');"
	              "INSERT INTO record(submission, source, source_id, line, occurred_on,"
	              " precision, victim_sex, victim_age) VALUES(1, 'x-pnc', 'a1', 2, '2023-05-01',"
	              " 'day', 'F', 30), (1, 'x-pnc', 'a2', 3, '2023-06-01', 'day', 'M', NULL);"
	              "ALTER TABLE record DROP COLUMN victim_age_max;"
	              "ALTER TABLE record DROP COLUMN victim_age_min;"
	              "ALTER TABLE record DROP COLUMN victims;"
	              "ALTER TABLE submission DROP COLUMN victims;"
	              "ALTER TABLE submission DROP COLUMN fields;"
	              "ALTER TABLE submission DROP COLUMN aggregate;"
	              "ALTER TABLE submission DROP COLUMN period_basis;"
	              "ALTER TABLE submission DROP COLUMN period;"
	              "DROP INDEX submission_sha;"
	              "CREATE UNIQUE INDEX submission_sha ON submission(source, sha256);"
	              "ALTER TABLE submission DROP COLUMN reread;"
	              "ALTER TABLE submission DROP COLUMN reasons;"
	              "ALTER TABLE submission DROP COLUMN profile_sha256;"
	              "ALTER TABLE submission DROP COLUMN crosswalks_sha256;"
	              "ALTER TABLE quarantine DROP COLUMN kind;"
	              "ALTER TABLE warning DROP COLUMN kind;"
	              "DELETE FROM meta WHERE key = 'record_key_secret';"
	              "DROP TABLE harvest_cell;"
	              "DROP TABLE harvest_source;"
	              "DROP TABLE registry_keyed;"
	              "DROP TABLE registry_entry;"
	              "DROP TABLE registry_name_word;"
	              "DROP TABLE registry_name;"
	              "DROP TABLE registry_name_key;"
	              "DROP TABLE missing_match;"
	              "DROP INDEX audit_action;"
	              "DROP TABLE case_open;"
	              "DROP TABLE case_delivery_attempt;"
	              "DROP TABLE case_delivery;"
	              "DROP TABLE case_outbox;"
	              "DROP TABLE case_event_value;"
	              "DROP TABLE case_event;"
	              "DROP TABLE case_value;"
	              "DROP TABLE case_access;"
	              "DROP TABLE case_file;"
	              "DROP TABLE survey_estimate;"
	              "PRAGMA user_version = 5");
	ob_store_close(st);
	/* read-only, it is refused until migrated */
	assert_int_equal(ob_store_open(dir, OB_STORE_READONLY, &st, &d), OB_ESCHEMA);
	assert_int_equal(ob_store_open(dir, OB_STORE_EXISTING, &st, &d), OB_OK);
	assert_int_equal(efix_count(st, "PRAGMA user_version"), ob_store_schema_version());
	assert_int_equal(efix_count(st, "SELECT sum(victims) FROM record"), 2);
	assert_int_equal(efix_count(st, "SELECT victims FROM submission"), 2);
	assert_int_equal(efix_count(st, "SELECT count(*) FROM submission WHERE fields IS NULL"), 1);
	assert_int_equal(efix_count(st, "SELECT count(*) FROM submission WHERE aggregate = 0"), 1);
	/* schema 9: a first reading, its reasons and profile unknown */
	assert_int_equal(efix_count(st, "SELECT count(*) FROM submission WHERE reread = 0"
	                                " AND reasons IS NULL AND profile_sha256 IS NULL"), 1);
	/* schema 10: an exact age is its own band */
	assert_int_equal(efix_count(st, "SELECT count(*) FROM record WHERE source_id = 'a1'"
	                                " AND victim_age_min = 30 AND victim_age_max = 30"), 1);
	assert_int_equal(efix_count(st, "SELECT count(*) FROM record WHERE source_id = 'a2'"
	                                " AND victim_age_min IS NULL AND victim_age_max IS NULL"), 1);
	/* schema 11: the harvest's tables, empty */
	assert_int_equal(efix_count(st, "SELECT count(*) FROM harvest_source"), 0);
	assert_int_equal(efix_count(st, "SELECT count(*) FROM harvest_cell"), 0);
	assert_int_equal(ob_store_meta_get(st, OB_STORE_KEY_SECRET, hex, sizeof(hex)), OB_OK);
	assert_int_equal(strlen(hex), 64);
	assert_int_equal(ob_snapshot_build(st, dir, &d), OB_OK);
	assert_int_equal(ob_snapshot_open(dir, &s, &d), OB_OK);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->victims, 2);
	assert_int_equal(s->n_coverage, 1);
	assert_int_equal(s->coverage[0].fields, OB_SNAP_FIELDS_ALL);
	ob_snapshot_close(s);
	ob_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Units carry their validity; deliveries the fields they supplied. */
static void validity_and_fields(void **state)
{
	struct ob_snapshot *s;
	bool seen = false;
	(void)state;

	efix_exec(fx.st, "UPDATE territory SET valid_from = '2024-05-01', valid_to = NULL"
	                 " WHERE code = 'SLV0614';"
	                 "UPDATE territory SET valid_from = NULL, valid_to = '2024-04-30'"
	                 " WHERE code = 'SLV0101';"
	                 "UPDATE submission SET fields = 5 WHERE id = 4");
	s = build_open();
	for (uint32_t u = 0; u < s->n_units; u++) {
		const struct ob_snap_unit *x = &s->units[u];
		const char *c = ob_snap_str(s, x->code);
		if (!strcmp(c, "SLV0614")) {
			assert_int_equal(x->valid_from, 20240501);
			assert_int_equal(x->valid_to, 0);
			assert_false(ob_snap_unit_valid(x, 20230101, 20231231));
			assert_true(ob_snap_unit_valid(x, 20240101, 20241231));
		} else if (!strcmp(c, "SLV0101")) {
			assert_int_equal(x->valid_from, 0);
			assert_int_equal(x->valid_to, 20240430);
			assert_true(ob_snap_unit_valid(x, 20240101, 20241231));
			assert_false(ob_snap_unit_valid(x, 20240501, 20241231));
		} else if (!strcmp(c, "SLV")) {
			assert_true(ob_snap_unit_valid(x, 19000101, 21001231));
		}
	}
	/* submission 4 (sv-pnc, 2021): fields 0 and 2; the others unknown */
	for (uint32_t i = 0; i < s->n_coverage; i++) {
		const struct ob_snap_coverage *c = &s->coverage[i];
		if (c->from_month == 2021 * 12 &&
		    !strcmp(ob_snap_str(s, s->sources[c->source].code), "sv-pnc")) {
			assert_int_equal(c->fields, 5);
			seen = true;
		} else {
			assert_int_equal(c->fields, OB_SNAP_FIELDS_ALL);
		}
	}
	assert_true(seen);
	ob_snapshot_close(s);
	efix_exec(fx.st, "UPDATE territory SET valid_from = NULL, valid_to = NULL"
	                 " WHERE code IN ('SLV0614', 'SLV0101');"
	                 "UPDATE submission SET fields = NULL WHERE id = 4");

	/* the institution of validated deaths */
	assert_string_equal(ob_institution_name(OB_INST_VALIDATED), "validated");
	assert_int_equal(ob_institution_parse("validated", 9), OB_INST_VALIDATED);
	assert_int_equal(ob_institution_parse("validate", 8), -1);
}

/* Dictionaries: parents, institutions, a code the catalogue lacks. */
static void dictionaries(void **state)
{
	struct ob_snapshot *s = build_open();
	bool found = false;
	(void)state;

	assert_int_equal(s->n_units, (uint32_t)efix_count(fx.st, "SELECT count(*) FROM territory"));
	for (uint32_t u = 0; u < s->n_units; u++) {
		const struct ob_snap_unit *x = &s->units[u];
		if (!strcmp(ob_snap_str(s, x->code), "SLV0614")) {
			assert_int_equal(x->level, 2);
			assert_string_equal(ob_snap_str(s, s->units[x->parent].code), "SLV06");
			assert_string_equal(ob_snap_str(s, s->units[s->units[x->parent].parent].code), "SLV");
			assert_string_equal(ob_snap_str(s, s->countries[x->country]), "SLV");
			found = true;
		}
	}
	assert_true(found);
	found = false;
	for (uint32_t c = 0; c < s->n_categories; c++)
		if (!strcmp(ob_snap_str(s, s->categories[c].code), "01019")) {
			/* not in the ICCS file: placed under its longest known prefix */
			assert_string_equal(ob_snap_str(s, s->categories[s->categories[c].parent].code), "0101");
			found = true;
		}
	assert_true(found);
	assert_int_equal(s->n_sources, 3);
	for (uint32_t i = 0; i < s->n_sources; i++) {
		const char *c = ob_snap_str(s, s->sources[i].code);
		assert_int_equal(s->sources[i].institution,
		                 !strcmp(c, "sv-iml") ? OB_INST_FORENSIC : OB_INST_POLICE);
	}
	/* one delivered period per current submission */
	assert_int_equal(s->n_coverage, 4);
	for (uint32_t i = 0; i < s->n_coverage; i++) {
		const struct ob_snap_coverage *c = &s->coverage[i];
		if (!strcmp(ob_snap_str(s, s->sources[c->source].code), "sv-pnc") &&
		    c->from_month == 2021 * 12) {
			assert_int_equal(c->to_month, 2021 * 12 + 5);
			found = false;
		}
	}
	assert_false(found);
	ob_snapshot_close(s);
}

static void write_at(const char *path, long off, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, p, n, off), (ssize_t)n);
	close(fd);
}

static void refuse_and_rebuild(void **state)
{
	struct ob_snapshot *s = build_open();
	char path[OB_MAX_PATH];
	struct ob_diag d;
	struct stat sb;
	uint64_t n = s->n;
	uint32_t v99 = 99, v1 = 1;
	unsigned char b;
	bool rebuilt;
	int fd;
	(void)state;

	ob_snapshot_close(s);
	assert_int_equal(ob_snapshot_path(fx.dir, path, sizeof(path)), OB_OK);
	assert_int_equal(stat(path, &sb), 0);

	/* a flipped bit in the columns */
	fd = open(path, O_RDONLY);
	assert_int_equal(pread(fd, &b, 1, sb.st_size / 2), 1);
	close(fd);
	b ^= 0x10;
	write_at(path, sb.st_size / 2, &b, 1);
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ECORRUPT);
	assert_null(s);
	assert_non_null(strstr(d.message, "dañada"));
	/* load rebuilds it */
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	assert_true(rebuilt);
	assert_int_equal(s->n, n);
	ob_snapshot_close(s);

	/* truncated */
	assert_int_equal(truncate(path, sb.st_size - 100), 0);
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ECORRUPT);
	assert_int_equal(truncate(path, 5), 0);
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ECORRUPT);

	/* a file of the first format (no counts, no keys) */
	s = build_open();
	ob_snapshot_close(s);
	write_at(path, 8, &v1, sizeof(v1));
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ESCHEMA);
	assert_non_null(strstr(d.message, "formato 1;"));
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	assert_true(rebuilt);
	assert_int_equal(s->n, n);
	ob_snapshot_close(s);

	/* another version of the format */
	s = build_open();
	ob_snapshot_close(s);
	write_at(path, 8, &v99, sizeof(v99));
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ESCHEMA);
	assert_non_null(strstr(d.message, "formato 99"));
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	assert_true(rebuilt);
	ob_snapshot_close(s);

	/* not a snapshot at all */
	write_at(path, 0, "PK\003\004", 4);
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ECORRUPT);

	/* gone */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ENOENT);
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	assert_true(rebuilt);
	ob_snapshot_close(s);
}

/* The header of the snapshot file at path. */
static void read_header(const char *path, struct snap_header *h)
{
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, h, sizeof(*h), 0), (ssize_t)sizeof(*h));
	close(fd);
}

/* Flip one bit of the byte at off. */
static void flip_at(const char *path, uint64_t off)
{
	unsigned char b;
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, (off_t)off), 1);
	close(fd);
	b ^= 0x04;
	write_at(path, (long)off, &b, 1);
}

/* What the file stores as derived from its columns is what
 * ob_snap_derive makes from them. */
static void derived_stored(void **state)
{
	struct ob_snapshot *s = build_open();
	const struct ob_snap_derived *st = s->derived;
	struct ob_snap_derived mk;
	struct ob_snapshot v;
	(void)state;

	assert_non_null(st);
	assert_true(s->n > 0);
	v = *s; /* made from the columns alone, the unit index counted again */
	v.unit_first = NULL;
	v.derived = NULL;
	ob_snap_derive(&v, &mk);
	assert_int_equal(st->sorted, mk.sorted);
	assert_int_equal(st->year_sorted, mk.year_sorted);
	assert_int_equal(st->src_sorted, mk.src_sorted);
	assert_int_equal(st->cat_sorted, mk.cat_sorted);
	assert_int_equal(st->counts_one, mk.counts_one);
	assert_int_equal(st->counts_one, s->counts_one);
	assert_int_equal(st->year_min, mk.year_min);
	assert_int_equal(st->year_max, mk.year_max);
	assert_memory_equal(st->unit_first, mk.unit_first, (s->n_units + 2) * sizeof(uint64_t));
	assert_true(s->unit_first == st->unit_first); /* the analyser's index too */
	assert_int_equal(st->n_runs, mk.n_runs);
	assert_int_equal(st->runs != NULL, mk.runs != NULL);
	if (mk.runs) {
		assert_memory_equal(st->runs, mk.runs, (mk.n_runs + 1) * sizeof(*mk.runs));
		assert_memory_equal(st->run_first, mk.run_first, (s->n_units + 1) * 4);
	}
	assert_int_equal(st->n_cat_runs, mk.n_cat_runs);
	if (mk.cat_start) {
		assert_memory_equal(st->cat_start, mk.cat_start, (mk.n_cat_runs + 1) * 4);
		assert_memory_equal(st->cat_value, mk.cat_value, mk.n_cat_runs * 2);
		assert_memory_equal(st->run_cat, mk.run_cat, (mk.n_runs + 1) * 4);
	}
	assert_int_equal(st->n_zones, mk.n_zones);
	assert_memory_equal(st->zone, mk.zone, mk.n_zones * 4 * sizeof(uint16_t));
	assert_memory_equal(st->zone_keys, mk.zone_keys, (mk.n_zones + 1) * 8);
	assert_int_equal(st->zone_ones != NULL, mk.zone_ones != NULL);
	if (mk.zone_ones) {
		assert_memory_equal(st->zone_ones, mk.zone_ones, mk.n_zones);
		assert_memory_equal(st->zone_victims, mk.zone_victims, (mk.n_zones + 1) * 8);
	}
	assert_int_equal(st->n_agg, mk.n_agg);
	assert_int_equal(st->agg_first != NULL, mk.agg_first != NULL);
	assert_non_null(mk.agg_first); /* the fixture's category runs have them */
	assert_memory_equal(st->agg_first, mk.agg_first, (mk.n_cat_runs + 1) * 4);
	assert_memory_equal(st->agg, mk.agg, mk.n_agg * sizeof(*mk.agg));
	assert_int_equal(st->n_age_agg, mk.n_age_agg);
	assert_non_null(mk.age_first);
	assert_memory_equal(st->age_first, mk.age_first, (mk.n_cat_runs + 1) * 4);
	assert_memory_equal(st->age_agg, mk.age_agg, mk.n_age_agg * sizeof(*mk.age_agg));
	ob_snap_derived_release(&mk);
	ob_snapshot_close(s);
}

/* The snapshot of the fixture, with a damaged part of the pre-aggregates
 * (part): opened lazily; refused by ob_snapshot_check_derived for that
 * part, and by a query by dims (when given) that reads it, while a query
 * by year (the runs' lengths) answers its n records. */
static void lazy_derived_refused(uint64_t n, const char *dims, uint32_t part)
{
	struct ob_snapshot *z = NULL;
	struct ob_analyzer *an;
	struct ob_query_result *r = NULL;
	struct ob_query q;
	struct ob_diag d;

	assert_int_equal(ob_snapshot_open_lazy(fx.dir, &z, &d), OB_OK);
	an = ob_analyzer_new(z, NULL);
	memset(&q, 0, sizeof(q));
	q.records = true;
	q.threads = 1;
	assert_int_equal(ob_query_dims_parse("admin1,year", "--rows", q.dims, &q.n_dims, &d),
	                 OB_OK);
	q.n_row_dims = q.n_dims;
	assert_int_equal(ob_query_run(an, &q, &r, &d), OB_OK);
	assert_int_equal(r->total, n);
	ob_query_result_free(r);
	r = NULL;
	if (dims) {
		memset(&q, 0, sizeof(q));
		q.records = true;
		assert_int_equal(ob_query_dims_parse(dims, "--rows", q.dims, &q.n_dims, &d),
		                 OB_OK);
		q.n_row_dims = q.n_dims;
		ob_diag_clear(&d);
		assert_int_equal(ob_query_run(an, &q, &r, &d), OB_ECORRUPT);
		assert_null(r);
		assert_non_null(strstr(d.message, "dañada"));
	}
	ob_diag_clear(&d);
	assert_int_equal(ob_snapshot_check_derived(z, OB_SNAP_DER_ALL & ~part, &d), OB_OK);
	assert_int_equal(ob_snapshot_check_derived(z, part, &d), OB_ECORRUPT);
	assert_non_null(strstr(d.message, "agregados"));
	ob_analyzer_free(an);
	ob_snapshot_close(z);
}

/* Opened lazily, a snapshot checks its columns block by block when read:
 * a damaged column is refused, naming it, before a query reads it; the
 * other columns still answer; damage to the derived structures or to the
 * table of block sums is refused at open. */
static void lazy_check(void **state)
{
	struct ob_snapshot *s = build_open(), *z = NULL;
	struct ob_analyzer *an;
	struct ob_query_result *r = NULL;
	struct ob_query q;
	struct snap_header h;
	char path[OB_MAX_PATH];
	struct ob_diag d;
	uint64_t n = s->n;
	(void)state;

	ob_snapshot_close(s);
	assert_int_equal(ob_snapshot_path(fx.dir, path, sizeof(path)), OB_OK);
	read_header(path, &h);

	/* undamaged: open lazily, every column checks */
	assert_int_equal(ob_snapshot_open_lazy(fx.dir, &z, &d), OB_OK);
	assert_true(z->lazy);
	assert_int_equal(z->n, n);
	assert_int_equal(ob_snapshot_check(z, OB_SNAP_COLS_ALL, 0, z->n, &d), OB_OK);
	ob_snapshot_close(z);

	/* a flipped bit in the month column */
	flip_at(path, h.sections[SEC_COL_MONTH].offset + h.sections[SEC_COL_MONTH].count / 2);
	assert_int_equal(ob_snapshot_open(fx.dir, &z, &d), OB_ECORRUPT); /* whole: refused */
	assert_null(z);
	assert_int_equal(ob_snapshot_open_lazy(fx.dir, &z, &d), OB_OK);   /* lazily: opened */
	assert_int_equal(ob_snapshot_check(z, 1u << OB_SNAP_COL_SEX, 0, z->n, &d), OB_OK);
	ob_diag_clear(&d);
	assert_int_equal(ob_snapshot_check(z, 1u << OB_SNAP_COL_MONTH, 0, z->n, &d), OB_ECORRUPT);
	assert_non_null(strstr(d.message, "dañada"));
	assert_non_null(strstr(d.message, "«month»"));
	/* a query that reads the month record by record is refused (by
	 * admin1: no pre-aggregate holds it); one that does not answers, by
	 * the month too when the pre-aggregates by country give it */
	an = ob_analyzer_new(z, NULL);
	memset(&q, 0, sizeof(q));
	q.records = true;
	assert_int_equal(ob_query_dims_parse("admin1,month", "--rows", q.dims, &q.n_dims, &d),
	                 OB_OK);
	q.n_row_dims = q.n_dims;
	ob_diag_clear(&d);
	assert_int_equal(ob_query_run(an, &q, &r, &d), OB_ECORRUPT);
	assert_null(r);
	assert_non_null(strstr(d.message, "«month»"));
	memset(&q, 0, sizeof(q));
	q.records = true;
	assert_int_equal(ob_query_dims_parse("month", "--rows", q.dims, &q.n_dims, &d), OB_OK);
	q.n_row_dims = q.n_dims;
	assert_int_equal(ob_query_run(an, &q, &r, &d), OB_OK);
	assert_int_equal(r->total, n);
	ob_query_result_free(r);
	memset(&q, 0, sizeof(q));
	q.records = true;
	assert_int_equal(ob_query_dims_parse("sex", "--rows", q.dims, &q.n_dims, &d), OB_OK);
	q.n_row_dims = q.n_dims;
	assert_int_equal(ob_query_run(an, &q, &r, &d), OB_OK);
	assert_int_equal(r->total, n);
	ob_query_result_free(r);
	ob_analyzer_free(an);
	ob_snapshot_close(z);

	/* the derived structures: the unit index */
	s = build_open();
	ob_snapshot_close(s);
	read_header(path, &h);
	flip_at(path, h.sections[SEC_DER_UNIT_FIRST].offset + 8);
	assert_int_equal(ob_snapshot_open(fx.dir, &z, &d), OB_ECORRUPT);
	assert_int_equal(ob_snapshot_open_lazy(fx.dir, &z, &d), OB_ECORRUPT);
	assert_null(z);
	assert_non_null(strstr(d.message, "dañada"));

	/* the zone map */
	s = build_open();
	ob_snapshot_close(s);
	read_header(path, &h);
	flip_at(path, h.sections[SEC_DER_ZONE].offset);
	assert_int_equal(ob_snapshot_open_lazy(fx.dir, &z, &d), OB_ECORRUPT);

	/* the pre-aggregates of the category runs (format 6) */
	s = build_open();
	assert_non_null(s->derived->agg);
	ob_snapshot_close(s);
	read_header(path, &h);
	assert_true(h.sections[SEC_DER_AGG].count > 0);
	flip_at(path, h.sections[SEC_DER_AGG].offset + sizeof(struct ob_snap_agg) *
	                                                  (h.sections[SEC_DER_AGG].count / 2));
	assert_int_equal(ob_snapshot_open(fx.dir, &z, &d), OB_ECORRUPT);
	/* lazily: opened, refused by the first query that reads them, and
	 * by their check; a query by the runs' lengths alone answers */
	lazy_derived_refused(n, "admin1,sex", OB_SNAP_DER_AGG);

	/* the pre-aggregates by country (format 7): an entry's count, and a
	 * crun's country */
	s = build_open();
	assert_non_null(s->derived->cube[1]);
	ob_snapshot_close(s);
	read_header(path, &h);
	assert_true(h.sections[SEC_DER_CUBE + 1].count > 0);
	flip_at(path, h.sections[SEC_DER_CUBE + 1].offset + sizeof(struct ob_snap_cube) *
	                                                      (h.sections[SEC_DER_CUBE + 1].count / 2));
	assert_int_equal(ob_snapshot_open(fx.dir, &z, &d), OB_ECORRUPT);
	lazy_derived_refused(n, NULL, OB_SNAP_DER_CUBE << 1);
	s = build_open();
	ob_snapshot_close(s);
	read_header(path, &h);
	flip_at(path, h.sections[SEC_DER_CRUNS].offset);
	assert_int_equal(ob_snapshot_open_lazy(fx.dir, &z, &d), OB_ECORRUPT);

	/* the table of block sums */
	s = build_open();
	ob_snapshot_close(s);
	read_header(path, &h);
	flip_at(path, h.sections[SEC_BLOCK_SUMS].offset + 3);
	assert_int_equal(ob_snapshot_open_lazy(fx.dir, &z, &d), OB_ECORRUPT);
	assert_int_equal(ob_snapshot_open(fx.dir, &z, &d), OB_ECORRUPT);

	/* the header's section table (a section moved) */
	s = build_open();
	ob_snapshot_close(s);
	flip_at(path, (uint64_t)((const char *)&h.sections[SEC_DER_RUNS].offset - (const char *)&h));
	assert_int_equal(ob_snapshot_open_lazy(fx.dir, &z, &d), OB_ECORRUPT);
	assert_non_null(strstr(d.message, "encabezado"));

	s = build_open();
	ob_snapshot_close(s);
}

/* A change to the store makes the snapshot stale; an unchanged store does
 * not; the build leaves no temporary file. */
static void stamp_and_swap(void **state)
{
	char a[OB_SNAPSHOT_STAMP], b[OB_SNAPSHOT_STAMP], dir[OB_MAX_PATH];
	struct ob_snapshot *s;
	struct ob_diag d;
	struct dirent *e;
	bool rebuilt;
	DIR *dh;
	int files = 0;
	(void)state;

	assert_int_equal(ob_snapshot_stamp(fx.st, a, &d), OB_OK);
	assert_int_equal(ob_snapshot_stamp(fx.st, b, &d), OB_OK);
	assert_string_equal(a, b);
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	ob_snapshot_close(s);
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	assert_false(rebuilt);
	ob_snapshot_close(s);
	efix_exec(fx.st, "UPDATE territory SET name = 'Otro nombre' WHERE code = 'SLV0614'");
	assert_int_equal(ob_snapshot_stamp(fx.st, b, &d), OB_OK);
	assert_string_not_equal(a, b);
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	assert_true(rebuilt);
	ob_snapshot_close(s);
	efix_exec(fx.st, "UPDATE territory SET name = 'San Salvador' WHERE code = 'SLV0614'");
	assert_int_equal(ob_snapshot_stamp(fx.st, b, &d), OB_OK);
	assert_string_equal(a, b);

	snprintf(dir, sizeof(dir), "%s/%s", fx.dir, OB_SNAPSHOT_DIR);
	dh = opendir(dir);
	assert_non_null(dh);
	while ((e = readdir(dh)))
		if (e->d_name[0] != '.') {
			assert_string_equal(e->d_name, OB_SNAPSHOT_FILE);
			files++;
		}
	closedir(dh);
	assert_int_equal(files, 1);
}

/* An empty store gives an empty, valid snapshot. */
static void empty_store(void **state)
{
	struct ob_store *st;
	struct ob_snapshot *s;
	struct ob_diag d;
	char dir[] = "/tmp/observa-snap-empty-XXXXXX", cmd[128];
	(void)state;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(ob_store_open(dir, OB_STORE_CREATE, &st, &d), OB_OK);
	assert_int_equal(ob_snapshot_build(st, dir, &d), OB_OK);
	assert_int_equal(ob_snapshot_open(dir, &s, &d), OB_OK);
	assert_int_equal(s->n, 0);
	assert_int_equal(s->victims, 0);
	assert_int_equal(s->n_coverage, 0);
	ob_snapshot_close(s);

	/* one row of 200000 victims: four records (the reader's rows grow
	 * past one per record id) */
	efix_exec(st, "INSERT INTO submission(id, source, file_name, sha256, period_from,"
	              " period_to, rows_read, accepted, rejected, warned, ingested_at, version,"
	              " observa_version, institution, country) VALUES(1, 'x-agg', 'a.csv', 'h',"
	              " '2023-01-01', '2023-12-31', 1, 1, 0, 0, '2024-01-01T00:00:00Z', 1, 't',"
	              " 'police', 'HND');"
	              "INSERT INTO record(submission, source, source_id, line, occurred_on,"
	              " precision, victim_sex, victims) VALUES(1, 'x-agg', 'a1', 2, '2023-05',"
	              " 'month', 'U', 200000)");
	assert_int_equal(ob_snapshot_build(st, dir, &d), OB_OK);
	assert_int_equal(ob_snapshot_open(dir, &s, &d), OB_OK);
	assert_int_equal(s->n, 4);
	assert_int_equal(s->victims, 200000);
	assert_int_equal(s->count[0] + s->count[1] + s->count[2] + s->count[3], 200000);
	assert_int_equal(s->count[3], 200000 - 3 * OB_MAX_SNAPSHOT_COUNT);
	assert_int_equal((s->rkey[0] + s->rkey[1] + s->rkey[2] + s->rkey[3]) & 255,
	                 efix_key_sum(st, "x-agg", "a1", 0, 200000));
	assert_int_equal(s->rkey[1], efix_key_sum(st, "x-agg", "a1", OB_MAX_SNAPSHOT_COUNT,
	                                          2 * OB_MAX_SNAPSHOT_COUNT));
	for (int i = 0; i < 4; i++) {
		assert_int_equal(s->year[i], 2023);
		assert_int_equal(s->month[i], 5);
		assert_string_equal(ob_snap_str(s, s->units[s->territory[i]].code), "HND");
	}
	assert_false(s->counts_one);
	ob_snapshot_close(s);

	/* counts 0 and 2: as many victims as records, yet not all ones */
	efix_exec(st, "UPDATE record SET victims = 0;"
	              "INSERT INTO record(submission, source, source_id, line, occurred_on,"
	              " precision, victim_sex, victims) VALUES(1, 'x-agg', 'a2', 3, '2023-06',"
	              " 'month', 'U', 2)");
	assert_int_equal(ob_snapshot_build(st, dir, &d), OB_OK);
	assert_int_equal(ob_snapshot_open(dir, &s, &d), OB_OK);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->victims, 2);
	assert_false(s->counts_one);
	{
		struct ob_analyzer *an = ob_analyzer_new(s, NULL);
		struct ob_query q;
		struct ob_query_result *r;
		uint32_t v[1];
		memset(&q, 0, sizeof(q));
		q.dims[0] = OB_QD_MONTH;
		q.n_dims = q.n_row_dims = 1;
		assert_int_equal(ob_query_run(an, &q, &r, &d), OB_OK);
		v[0] = 5;
		assert_int_equal(ob_query_count(r, v), 0);
		v[0] = 6;
		assert_int_equal(ob_query_count(r, v), 2);
		ob_query_result_free(r);
		ob_analyzer_free(an);
	}
	ob_snapshot_close(s);
	ob_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(dictionaries),
		cmocka_unit_test(counts_and_keys),
		cmocka_unit_test(secret),
		cmocka_unit_test(validity_and_fields),
		cmocka_unit_test(migration),
		cmocka_unit_test(refuse_and_rebuild),
		cmocka_unit_test(derived_stored),
		cmocka_unit_test(lazy_check),
		cmocka_unit_test(stamp_and_swap),
		cmocka_unit_test(empty_store),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
