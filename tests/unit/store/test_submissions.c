/* test_submissions.c - the logbook and quarantine listings of the store
 * (store/submissions.h, store/quarantine.h) on a temporary observatory:
 * every filter, order and page, and a store that fails. */
#include "test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "store/codes.h"
#include "store/quarantine.h"
#include "store/submissions.h"
/* raw SQL (store_sql.h): plants deliveries, superseded ones and their quarantine in states an
 * ingest would not make. */
#include "store_dir.h"
#include "store_sql.h"

static char dir[64];

static void exec_ok(struct ob_store *s, const char *sql)
{
	struct ob_diag d;
	if (ob_store_exec(s, sql, &d))
		fail_msg("%s: %s", sql, d.message);
}

/* Three deliveries: pnc 1 (superseded by 3), imlf 2, pnc 3; rejected rows
 * and warnings in each. */
static struct ob_store *fresh(void)
{
	struct ob_store *s;
	struct ob_diag d;

	snprintf(dir, sizeof(dir), "/tmp/observa-subm.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(ob_store_open(dir, OB_STORE_CREATE, &s, &d), OB_OK);
	exec_ok(s, "INSERT INTO submission(id, source, file_name, sha256, period_from, period_to,"
	           " rows_read, accepted, rejected, warned, encoding, delimiter, ingested_at,"
	           " version, observa_version, victims, period, period_basis, reasons)"
	           " VALUES (1, 'pnc', 'a.csv', 'aa', '2023-01-01', '2023-12-31', 5, 3, 2, 1,"
	           " 'UTF-8', ';', '2024-01-01T00:00:00Z', 1, '0.1.0', 4, '2023', 'declared', NULL),"
	           " (2, 'imlf', 'b.csv', 'bb', '2023-01-01', '2023-12-31', 2, 1, 1, 0,"
	           " 'UTF-8', ',', '2024-01-02T00:00:00Z', 1, '0.1.0', NULL, NULL, NULL, '{}'),"
	           " (3, 'pnc', 'c.csv', 'cc', '2023-01-01', '2023-12-31', 4, 3, 1, 1,"
	           " 'UTF-8', ';', '2024-01-03T00:00:00Z', 2, '0.1.0', 3, '2023', 'rows', NULL)");
	exec_ok(s, "UPDATE submission SET superseded_by = 3 WHERE id = 1");
	exec_ok(s, "UPDATE submission SET supersedes = 1 WHERE id = 3");
	exec_ok(s, "INSERT INTO quarantine(submission, line, column, field, value, reason, raw, kind)"
	           " VALUES (1, 4, 2, 'category', 'x', 'r1', 'raw1', 'category_unknown'),"
	           " (2, 7, 0, NULL, NULL, 'r2', 'raw2', 'field_count'),"
	           " (3, 9, 2, 'category', 'y', 'r3', 'raw3', 'category_unknown'),"
	           " (1, 2, 3, 'date', 'z', 'r4', 'raw4', 'date_invalid'),"
	           " (3, 3, 3, 'date', 'w', 'r5', 'raw5', 'date_invalid')");
	exec_ok(s, "INSERT INTO warning(submission, line, column, field, value, reason, kind)"
	           " VALUES (1, 5, 4, 'sex', 'q', 'w1', 'tag_unmapped'),"
	           " (3, 6, 4, 'sex', 'q', 'w2', 'tag_unmapped')");
	return s;
}

static void gone(struct ob_store *s)
{
	ob_store_close(s);
	ob_test_store_dir_remove(dir);
}

struct seen {
	long long id[16];
	char text[16][32]; /* a string of each row, by the test's choice */
	bool null[16];
	int n, stop_at;    /* stop after stop_at rows (0: never) */
};

static int sub_cb(void *arg, const struct ob_submission *e)
{
	struct seen *s = arg;

	assert_true(s->n < 16);
	s->id[s->n] = e->id;
	s->null[s->n] = e->period == NULL;
	snprintf(s->text[s->n], sizeof(s->text[0]), "%s:%lld:%lld:%lld", e->source, e->victims,
	         e->supersedes, e->superseded_by);
	s->n++;
	return s->stop_at && s->n == s->stop_at ? 7 : 0;
}

static void logbook(void **state)
{
	struct ob_store *s = fresh();
	struct ob_submission_filter f = { .order = OB_SUBMISSIONS_BY_SOURCE, .limit = -1 };
	struct seen seen = { .n = 0 };
	struct ob_diag d;
	long long n = -1;
	(void)state;

	assert_int_equal(ob_store_submissions_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(ob_store_submissions_each(s, &f, sub_cb, &seen, &d), 0);
	/* by source, then period, then id */
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.id[0], 2);
	assert_int_equal(seen.id[1], 1);
	assert_int_equal(seen.id[2], 3);
	/* victims not kept: the accepted rows'; no link: 0 */
	assert_string_equal(seen.text[0], "imlf:1:0:0");
	assert_true(seen.null[0]);
	assert_string_equal(seen.text[1], "pnc:4:0:3");
	assert_false(seen.null[1]);
	assert_string_equal(seen.text[2], "pnc:3:1:0");

	f.source = "pnc";
	assert_int_equal(ob_store_submissions_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 2);

	/* the newest one, then one by its id */
	memset(&seen, 0, sizeof(seen));
	f = (struct ob_submission_filter){ .order = OB_SUBMISSIONS_LATEST_FIRST, .limit = 1 };
	assert_int_equal(ob_store_submissions_each(s, &f, sub_cb, &seen, &d), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.id[0], 3);
	memset(&seen, 0, sizeof(seen));
	f = (struct ob_submission_filter){ .id = 2, .limit = -1 };
	assert_int_equal(ob_store_submissions_each(s, &f, sub_cb, &seen, &d), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.id[0], 2);

	/* a page of the API, and a callback that stops */
	memset(&seen, 0, sizeof(seen));
	f = (struct ob_submission_filter){ .order = OB_SUBMISSIONS_BY_ID, .limit = 2, .offset = 1 };
	assert_int_equal(ob_store_submissions_each(s, &f, sub_cb, &seen, &d), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.id[0], 2);
	assert_int_equal(seen.id[1], 3);
	memset(&seen, 0, sizeof(seen));
	seen.stop_at = 1;
	f.limit = -1;
	assert_int_equal(ob_store_submissions_each(s, &f, sub_cb, &seen, &d), 7);
	assert_int_equal(seen.n, 1);
	gone(s);
}

static int q_cb(void *arg, const struct ob_quarantine_row *q)
{
	struct seen *s = arg;

	assert_true(s->n < 16);
	s->id[s->n] = q->id;
	s->null[s->n] = q->raw == NULL;
	snprintf(s->text[s->n], sizeof(s->text[0]), "%lld:%s:%lld:%s:%d", q->submission,
	         q->source, q->line, q->value ? q->value : "-", q->current);
	s->n++;
	return 0;
}

static void quarantine(void **state)
{
	struct ob_store *s = fresh();
	struct ob_quarantine_filter f = { .current_only = true, .order = OB_QUARANTINE_BY_FILE,
		                          .limit = -1 };
	struct seen seen = { .n = 0 };
	struct ob_diag d;
	long long n = -1;
	(void)state;

	/* observa quarantine: current deliveries, by source, submission, line */
	assert_int_equal(ob_store_quarantine_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(ob_store_quarantine_each(s, &f, q_cb, &seen, &d), 0);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.text[0], "2:imlf:7:-:1");
	assert_string_equal(seen.text[1], "3:pnc:3:w:1");
	assert_string_equal(seen.text[2], "3:pnc:9:y:1");
	assert_false(seen.null[0]);

	/* the API: every delivery, as written, a page at a time */
	memset(&seen, 0, sizeof(seen));
	f = (struct ob_quarantine_filter){ .order = OB_QUARANTINE_BY_ID, .limit = 2, .offset = 3 };
	assert_int_equal(ob_store_quarantine_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 5);
	assert_int_equal(ob_store_quarantine_each(s, &f, q_cb, &seen, &d), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.id[0], 4);
	assert_string_equal(seen.text[0], "1:pnc:2:z:0");
	assert_int_equal(seen.id[1], 5);

	/* by source, submission and reason key */
	f = (struct ob_quarantine_filter){ .source = "pnc", .kind = "date_invalid", .limit = -1 };
	assert_int_equal(ob_store_quarantine_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 2);
	f.submission = 3;
	assert_int_equal(ob_store_quarantine_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 1);
	f.source = "imlf";
	assert_int_equal(ob_store_quarantine_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 0);

	/* the warnings: no original row */
	memset(&seen, 0, sizeof(seen));
	f = (struct ob_quarantine_filter){ .warnings = true, .limit = -1 };
	assert_int_equal(ob_store_quarantine_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ob_store_quarantine_each(s, &f, q_cb, &seen, &d), 0);
	assert_int_equal(seen.n, 2);
	assert_true(seen.null[0]);
	assert_string_equal(seen.text[1], "3:pnc:6:q:1");
	f.current_only = true;
	assert_int_equal(ob_store_quarantine_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 1);

	/* the one default of the CLI and the API: the current deliveries' rows,
	 * all of them; a delivery asked by number is shown superseded or not */
	ob_quarantine_filter_init(&f, false);
	assert_true(f.current_only);
	assert_int_equal(f.limit, -1);
	assert_int_equal(ob_store_quarantine_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 3);
	f.submission = 1;
	assert_int_equal(ob_store_quarantine_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 2);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(ob_store_quarantine_each(s, &f, q_cb, &seen, &d), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.text[0], "1:pnc:4:x:0");
	f.submission = 0;
	f.current_only = false;
	assert_int_equal(ob_store_quarantine_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 5);
	ob_quarantine_filter_init(&f, true);
	assert_int_equal(ob_store_quarantine_count(s, &f, &n, &d), OB_OK);
	assert_int_equal(n, 1);
	gone(s);
}

/* A store whose tables are gone: the store's error, not a crash. */
static void store_fails(void **state)
{
	struct ob_store *s = fresh();
	struct ob_quarantine_filter qf = { .limit = -1 };
	struct ob_submission_filter sf = { .limit = -1 };
	struct seen seen = { .n = 0 };
	struct ob_diag d;
	long long n = -1;
	(void)state;

	exec_ok(s, "PRAGMA foreign_keys=OFF");
	exec_ok(s, "DROP TABLE warning");
	qf.warnings = true;
	ob_diag_clear(&d);
	assert_int_equal(ob_store_quarantine_count(s, &qf, &n, &d), OB_ESTORE);
	assert_int_equal(n, 0);
	assert_true(strstr(d.message, "warning") != NULL);
	ob_diag_clear(&d);
	assert_int_equal(ob_store_quarantine_each(s, &qf, q_cb, &seen, &d), -1);
	assert_int_equal(d.code, OB_ESTORE);
	assert_int_equal(seen.n, 0);
	exec_ok(s, "ALTER TABLE submission RENAME TO gone");
	ob_diag_clear(&d);
	assert_int_equal(ob_store_submissions_count(s, &sf, &n, &d), OB_ESTORE);
	ob_diag_clear(&d);
	assert_int_equal(ob_store_submissions_each(s, &sf, sub_cb, &seen, &d), -1);
	assert_int_equal(d.code, OB_ESTORE);
	gone(s);
}

static long long count_of(struct ob_store *s, const char *sql)
{
	sqlite3_stmt *st;
	struct ob_diag d;
	long long n = -1;

	assert_int_equal(ob_store_prepare(s, sql, &st, &d), OB_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int take_entry(void *arg, const struct ob_submission *e)
{
	struct ob_submission *out = arg;
	*out = *e; /* only the numbers are read after the call */
	out->source = out->file_name = out->sha256 = NULL;
	return 0;
}

/* An ingest's writes: the entry opened, rows written with reused
 * statements, a duplicate refused, the entry closed and an older one
 * superseded. */
static void writer(void **state)
{
	struct ob_store *s = fresh();
	struct ob_submission_new n = { .source = "pnc", .file_name = "d.csv",
		                       .observa_version = "0.1.0", .institution = "police",
		                       .country = "SLV" };
	struct ob_store_record r = { .source = "pnc", .line = 2, .occurred_on = "2023-05-01",
		                     .precision = "day", .victim_sex = "F", .victim_age = 30,
		                     .age_min = 30, .age_max = 30, .victims = 1 };
	struct ob_store_flag q = { .line = 3, .column = 2, .field = "category",
		                   .value = { "zz", 2 }, .reason = "desconocida",
		                   .kind = "category_unknown", .raw = { "a;zz", 4 } };
	struct ob_submission_filter f = { .limit = -1 };
	struct ob_submission e, got;
	struct ob_store_writer *w;
	struct ob_diag d;
	long long id = 0, rec = 0, rec2 = 0, cache;
	(void)state;

	assert_int_equal(ob_store_begin(s, &d), OB_OK);
	assert_int_equal(ob_store_submission_open(s, &n, &id, &d), OB_OK);
	assert_int_equal(id, 4);
	assert_int_equal(ob_store_writer_open(s, &w, &d), OB_OK);
	/* ids in no order: a larger page cache while the writer lives */
	cache = count_of(s, "PRAGMA cache_size");
	assert_int_equal(ob_store_writer_scattered_ids(w, &d), OB_OK);
	assert_int_equal(count_of(s, "PRAGMA cache_size"), -OB_STORE_SCATTERED_CACHE_KIB);
	assert_int_equal(ob_store_writer_scattered_ids(w, &d), OB_OK);
	r.submission = q.submission = id;
	r.source_id = (struct ob_store_str){ "A-1xx", 3 }; /* the length counts */
	assert_int_equal(ob_store_writer_record(w, &r, &rec, &d), OB_OK);
	assert_true(rec > 0);
	r.line = 3;
	r.source_id = (struct ob_store_str){ "A-2", 3 };
	assert_int_equal(ob_store_writer_record(w, &r, &rec2, &d), OB_OK);
	assert_true(rec2 > rec);
	/* the same id again: a duplicate, for the caller to quarantine */
	assert_int_equal(ob_store_writer_record(w, &r, &rec2, &d), OB_EEXISTS);
	assert_int_equal(ob_store_writer_protected(w, rec, (struct ob_store_str){ "Ana", 3 },
	                                           (struct ob_store_str){ NULL, 0 },
	                                           (struct ob_store_str){ NULL, 0 }, &d), OB_OK);
	assert_int_equal(ob_store_writer_quarantine(w, &q, &d), OB_OK);
	q.raw = (struct ob_store_str){ NULL, 0 };
	q.value = (struct ob_store_str){ NULL, 0 };
	assert_int_equal(ob_store_writer_warning(w, &q, &d), OB_OK);
	ob_store_writer_free(w);
	assert_int_equal(count_of(s, "PRAGMA cache_size"), cache);
	assert_true(cache != -OB_STORE_SCATTERED_CACHE_KIB);

	/* it covers 2023 whole: pnc's current delivery 3 is superseded */
	assert_int_equal(ob_store_submissions_supersede(s, id, "pnc", "2023-01-01", "2023-12-31",
	                                                &d), OB_OK);
	memset(&e, 0, sizeof(e));
	e.id = id;
	e.sha256 = "dd";
	e.period_from = "2023-01-01";
	e.period_to = "2023-12-31";
	e.rows_read = 3;
	e.accepted = 2;
	e.rejected = 1;
	e.warned = 1;
	e.victims = 2;
	e.version = 3;
	e.supersedes = 3;
	e.fields = 5;
	e.period = "2023";
	e.period_basis = "declared";
	e.delimiter = ";";
	assert_int_equal(ob_store_submission_close(s, &e, &d), OB_OK);
	assert_int_equal(ob_store_commit(s, &d), OB_OK);

	assert_int_equal(count_of(s, "SELECT count(*) FROM record WHERE submission = 4"
	                             " AND source_id IN ('A-1', 'A-2')"), 2);
	assert_int_equal(count_of(s, "SELECT count(*) FROM protected WHERE names = 'Ana'"
	                             " AND document IS NULL"), 1);
	assert_int_equal(count_of(s, "SELECT count(*) FROM quarantine WHERE submission = 4"
	                             " AND raw = 'a;zz' AND value = 'zz'"), 1);
	assert_int_equal(count_of(s, "SELECT count(*) FROM warning WHERE submission = 4"
	                             " AND value IS NULL"), 1);
	assert_int_equal(count_of(s, "SELECT superseded_by FROM submission WHERE id = 3"), 4);
	/* the pnc delivery 1, already superseded, keeps its successor */
	assert_int_equal(count_of(s, "SELECT superseded_by FROM submission WHERE id = 1"), 3);

	f.id = id;
	memset(&got, 0, sizeof(got));
	assert_int_equal(ob_store_submissions_each(s, &f, take_entry, &got, &d), 0);
	assert_int_equal(got.id, 4);
	assert_int_equal(got.rows_read, 3);
	assert_int_equal(got.victims, 2);
	assert_int_equal(got.supersedes, 3);
	assert_int_equal(got.fields, 5);
	assert_int_equal(got.version, 3);

	/* the current pnc deliveries that overlap 2023-06, the new one left out */
	f = (struct ob_submission_filter){ .source = "pnc", .current_only = true, .not_id = 4,
		                           .overlap_from = "2023-06-01", .overlap_to = "2023-06-30",
		                           .limit = -1 };
	assert_int_equal(ob_store_submissions_count(s, &f, &id, &d), OB_OK);
	assert_int_equal(id, 0);
	f.not_id = 0;
	assert_int_equal(ob_store_submissions_count(s, &f, &id, &d), OB_OK);
	assert_int_equal(id, 1);
	/* by its bytes */
	f = (struct ob_submission_filter){ .source = "pnc", .sha256 = "cc", .limit = -1 };
	assert_int_equal(ob_store_submissions_count(s, &f, &id, &d), OB_OK);
	assert_int_equal(id, 1);
	gone(s);
}

/* More records than one multi-row insert takes, in order of source_id,
 * then ids out of order: a repeated one is refused as a duplicate, a new
 * one goes in; every record gets the id SQLite gives, and its protected
 * fields that id. */
static void writer_batches(void **state)
{
	struct ob_store *s = fresh();
	struct ob_submission_new n = { .source = "pnc", .file_name = "b.csv",
		                       .observa_version = "0.1.0", .institution = "police",
		                       .country = "SLV" };
	struct ob_store_record r = { .source = "pnc", .occurred_on = "2023-05-01",
		                     .precision = "day", .victim_sex = "F", .victim_age = -1,
		                     .age_min = -1, .victims = 1 };
	const int many = 2 * OB_STORE_WRITE_ROWS + 7;
	struct ob_store_writer *w;
	struct ob_diag d;
	char ids[2 * OB_STORE_WRITE_ROWS + 7][16], names[2 * OB_STORE_WRITE_ROWS + 7][16];
	char sql[160];
	long long sub = 0, id = 0, first = 0, before;
	(void)state;

	assert_int_equal(ob_store_begin(s, &d), OB_OK);
	assert_int_equal(ob_store_submission_open(s, &n, &sub, &d), OB_OK);
	before = count_of(s, "SELECT coalesce(max(id), 0) FROM record");
	assert_int_equal(ob_store_writer_open(s, &w, &d), OB_OK);
	r.submission = sub;
	for (int i = 0; i < many; i++) {
		snprintf(ids[i], sizeof(ids[i]), "B-%03d", i);
		snprintf(names[i], sizeof(names[i]), "N%d", i);
		r.source_id = (struct ob_store_str){ ids[i], strlen(ids[i]) };
		r.line = i + 2;
		assert_int_equal(ob_store_writer_record(w, &r, &id, &d), OB_OK);
		if (!i)
			first = id;
		assert_int_equal(id, first + i);
		assert_int_equal(ob_store_writer_protected(w, id,
		                                           (struct ob_store_str){ names[i],
		                                                                  strlen(names[i]) },
		                                           (struct ob_store_str){ NULL, 0 },
		                                           (struct ob_store_str){ NULL, 0 }, &d),
		                 OB_OK);
	}
	assert_int_equal(first, before + 1);
	/* a repeated id, out of order: refused; a new one out of order: in */
	r.source_id = (struct ob_store_str){ "B-010", 5 };
	assert_int_equal(ob_store_writer_record(w, &r, &id, &d), OB_EEXISTS);
	r.source_id = (struct ob_store_str){ "A-999", 5 };
	assert_int_equal(ob_store_writer_record(w, &r, &id, &d), OB_OK);
	assert_int_equal(id, first + many);
	r.source_id = (struct ob_store_str){ "B-070", 5 };
	assert_int_equal(ob_store_writer_record(w, &r, &id, &d), OB_EEXISTS);
	r.source_id = (struct ob_store_str){ "B-999", 5 };
	assert_int_equal(ob_store_writer_record(w, &r, &id, &d), OB_OK);
	assert_int_equal(id, first + many + 1);
	assert_int_equal(ob_store_writer_sync(w, &d), OB_OK);
	ob_store_writer_free(w);
	assert_int_equal(ob_store_commit(s, &d), OB_OK);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM record WHERE submission = %lld", sub);
	assert_int_equal(count_of(s, sql), many + 2);
	/* each record's line, id and protected name where it was written */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM record r JOIN protected p ON p.record = r.id"
	         " WHERE r.submission = %lld AND r.id = %lld + r.line - 2"
	         " AND p.names = 'N' || (r.line - 2)", sub, first);
	assert_int_equal(count_of(s, sql), many);
	snprintf(sql, sizeof(sql), "SELECT id FROM record WHERE source_id = 'B-999' AND submission = %lld",
	         sub);
	assert_int_equal(count_of(s, sql), first + many + 1);
	gone(s);
}

/* The writer of a store without its record table: refused at once. */
static void writer_fails(void **state)
{
	struct ob_store *s = fresh();
	struct ob_store_writer *w = (void *)1;
	struct ob_diag d;
	(void)state;

	exec_ok(s, "PRAGMA foreign_keys=OFF");
	exec_ok(s, "DROP TABLE protected");
	exec_ok(s, "DROP TABLE record");
	ob_diag_clear(&d);
	assert_int_equal(ob_store_writer_open(s, &w, &d), OB_ESTORE);
	assert_null(w);
	assert_true(strstr(d.message, "record") != NULL);
	ob_store_writer_free(NULL);
	gone(s);
}

struct codes_seen {
	int territories, aliases, changes, crosswalks, iccs, tags;
	char last[64];
};

static int terr_cb(void *arg, const struct ob_code_territory *t)
{
	struct codes_seen *c = arg;
	c->territories++;
	snprintf(c->last, sizeof(c->last), "%s:%d:%s:%s", t->code, t->level,
	         t->parent ? t->parent : "-", t->valid_to ? t->valid_to : "open");
	return 0;
}

static int alias_cb(void *arg, const char *code, const char *alias)
{
	struct codes_seen *c = arg;
	(void)code;
	(void)alias;
	c->aliases++;
	return 0;
}

static int change_cb(void *arg, const char *a, const char *b, const char *date)
{
	struct codes_seen *c = arg;
	snprintf(c->last, sizeof(c->last), "%s>%s@%s", a, b, date);
	c->changes++;
	return 0;
}

static int xw_cb(void *arg, const struct ob_code_crosswalk *x)
{
	struct codes_seen *c = arg;
	snprintf(c->last, sizeof(c->last), "%s:%s:%s", x->name, x->label, x->target);
	return ++c->crosswalks == 2 ? 9 : 0;
}

static int iccs_cb(void *arg, const char *code)
{
	(void)code;
	((struct codes_seen *)arg)->iccs++;
	return 0;
}

static int tag_cb(void *arg, const char *kind, const char *code)
{
	struct codes_seen *c = arg;
	snprintf(c->last, sizeof(c->last), "%s/%s", kind, code);
	c->tags++;
	return 0;
}

/* The catalogue's codes an ingest looks up, one country's territories only. */
static void codes(void **state)
{
	struct ob_store *s = fresh();
	struct codes_seen c;
	struct ob_diag d;
	(void)state;

	exec_ok(s, "INSERT INTO territory(code, level, country, parent, name, valid_to) VALUES"
	           " ('XXA', 0, 'XXA', NULL, 'Pais', NULL),"
	           " ('XXA01', 1, 'XXA', 'XXA', 'Norte', NULL),"
	           " ('XXA0101', 2, 'XXA', 'XXA01', 'Villa', '2020-12-31'),"
	           " ('XXA0102', 2, 'XXA', 'XXA01', 'Pueblo', NULL),"
	           " ('XXB', 0, 'XXB', NULL, 'Otro', NULL)");
	exec_ok(s, "INSERT INTO territory_alias(key, code, alias) VALUES"
	           " ('villa vieja', 'XXA0101', 'Villa Vieja'), ('otro', 'XXB', 'Otro')");
	exec_ok(s, "INSERT INTO territory_change(old_code, new_code, date, kind) VALUES"
	           " ('XXA0101', 'XXA0102', '2021-01-01', 'merge')");
	exec_ok(s, "DELETE FROM crosswalk");
	exec_ok(s, "DELETE FROM iccs");
	exec_ok(s, "DELETE FROM tag");
	exec_ok(s, "INSERT INTO iccs(code, level, parent, name_es, name_en) VALUES"
	           " ('01', 1, NULL, 'a', 'a'), ('0101', 2, '01', 'b', 'b')");
	exec_ok(s, "INSERT INTO tag(kind, code, name_es, name_en) VALUES ('sex', 'F', 'f', 'f')");
	exec_ok(s, "INSERT INTO crosswalk(name, key, label, target) VALUES"
	           " ('cat', 'a', 'A', '0101'), ('cat', 'b', 'B', '0102'), ('sex', 'm', 'M', 'M')");
	memset(&c, 0, sizeof(c));
	assert_int_equal(ob_store_codes_territories(s, "XXA", terr_cb, &c, &d), 0);
	assert_int_equal(c.territories, 4);
	assert_string_equal(c.last, "XXA0102:2:XXA01:open");
	assert_int_equal(ob_store_codes_aliases(s, "XXA", alias_cb, &c, &d), 0);
	assert_int_equal(c.aliases, 1);
	assert_int_equal(ob_store_codes_changes(s, "XXA", change_cb, &c, &d), 0);
	assert_int_equal(c.changes, 1);
	assert_string_equal(c.last, "XXA0101>XXA0102@2021-01-01");
	/* in the order they were loaded; each stops the listing */
	assert_int_equal(ob_store_codes_crosswalks(s, xw_cb, &c, &d), 9);
	assert_int_equal(c.crosswalks, 2);
	assert_string_equal(c.last, "cat:B:0102");
	assert_int_equal(ob_store_codes_iccs(s, iccs_cb, &c, &d), 0);
	assert_int_equal(c.iccs, 2);
	assert_int_equal(ob_store_codes_tags(s, tag_cb, &c, &d), 0);
	assert_int_equal(c.tags, 1);
	assert_string_equal(c.last, "sex/F");
	exec_ok(s, "DROP TABLE tag");
	ob_diag_clear(&d);
	assert_int_equal(ob_store_codes_tags(s, tag_cb, &c, &d), -1);
	assert_int_equal(d.code, OB_ESTORE);
	gone(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(logbook),
		cmocka_unit_test(quarantine),
		cmocka_unit_test(store_fails),
		cmocka_unit_test(writer),
		cmocka_unit_test(writer_batches),
		cmocka_unit_test(writer_fails),
		cmocka_unit_test(codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
