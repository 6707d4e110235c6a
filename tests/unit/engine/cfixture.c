/* cfixture.c - small observatories for divisions and completeness (see cfixture.h). */
#include "test.h"

#include <unistd.h>

#include "catalog/catalog.h"
#include "cfixture.h"
/* raw SQL (store_sql.h): lays out thousands of records directly, faster than an ingest. */
#include "store_sql.h"

void cfix_exec(struct cfix *f, const char *sql)
{
	struct ob_diag d;

	if (ob_store_exec(f->st, sql, &d))
		fail_msg("SQL: %s: %s", sql, d.message);
}

long long cfix_count(struct cfix *f, const char *sql)
{
	sqlite3_stmt *q;
	struct ob_diag d;
	long long v = -1;

	if (ob_store_prepare(f->st, sql, &q, &d))
		fail_msg("SQL: %s: %s", sql, d.message);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

void cfix_open(struct cfix *f)
{
	char cmd[512];
	struct ob_diag d;

	snprintf(f->dir, sizeof(f->dir), "/tmp/observa-cfix-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	ob_diag_clear(&d);
	assert_int_equal(ob_store_open(f->dir, OB_STORE_CREATE, &f->st, &d), OB_OK);
	assert_int_equal(ob_catalog_write_default(f->dir, &d), OB_OK);
	/* geometry is not needed here and is slow to load */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/catalog/geometry'", f->dir);
	assert_int_equal(system(cmd), 0);
	if (ob_catalog_load(f->st, f->dir, &d))
		fail_msg("catalogue: %s", d.message);
}

void cfix_close(struct cfix *f)
{
	char cmd[600];

	ob_store_close(f->st);
	f->st = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
}

void cfix_profile(struct cfix *f, const char *code, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/catalog/sources/%s.ini", f->dir, code);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

long long cfix_submission(struct cfix *f, const char *source, const char *institution,
                          const char *country, const char *from, const char *to,
                          long long fields)
{
	char sql[1024], fl[32];
	static int n;

	if (fields < 0)
		snprintf(fl, sizeof(fl), "NULL");
	else
		snprintf(fl, sizeof(fl), "%lld", fields);
	n++;
	snprintf(sql, sizeof(sql),
	         "INSERT INTO submission(source, file_name, sha256, period_from, period_to,"
	         " rows_read, accepted, rejected, warned, ingested_at, version, observa_version,"
	         " institution, country, fields) VALUES('%s', 'f%d.csv', 'sha%d', '%s', '%s', 0, 0,"
	         " 0, 0, '2024-01-01T00:00:00Z', 1, 'test', '%s', '%s', %s)",
	         source, n, n, from, to, institution, country, fl);
	cfix_exec(f, sql);
	return sqlite3_last_insert_rowid(ob_store_db(f->st));
}

void cfix_records(struct cfix *f, long long sub, int n, const char *date, const char *territory,
                  const char *category, const char *sex, int age)
{
	sqlite3_stmt *q;
	struct ob_diag d;
	static long serial;

	assert_int_equal(ob_store_prepare(f->st,
	                                  "INSERT INTO record(submission, source, source_id, line,"
	                                  " occurred_on, precision, territory, category, victim_sex,"
	                                  " victim_age) SELECT ?1, s.source, ?2, 2, ?3, 'day', ?4,"
	                                  " ?5, ?6, ?7 FROM submission s WHERE s.id = ?1",
	                                  &q, &d),
	                 OB_OK);
	for (int i = 0; i < n; i++) {
		char id[32];
		snprintf(id, sizeof(id), "r%ld", ++serial);
		sqlite3_bind_int64(q, 1, sub);
		sqlite3_bind_text(q, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 3, date, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, territory, -1, SQLITE_STATIC);
		if (category)
			sqlite3_bind_text(q, 5, category, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(q, 5);
		sqlite3_bind_text(q, 6, sex, -1, SQLITE_STATIC);
		if (age >= 0)
			sqlite3_bind_int(q, 7, age);
		else
			sqlite3_bind_null(q, 7);
		if (sqlite3_step(q) != SQLITE_DONE)
			fail_msg("insert: %s", sqlite3_errmsg(ob_store_db(f->st)));
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	/* the logbook's counts follow the records */
	{
		char sql[256];
		snprintf(sql, sizeof(sql), "UPDATE submission SET rows_read = rows_read + %d,"
		                           " accepted = accepted + %d WHERE id = %lld", n, n, sub);
		cfix_exec(f, sql);
	}
}
