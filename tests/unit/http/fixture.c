/* fixture.c - the observatory of the HTTP tests (see fixture.h). */
#include "test.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "fixture.h"
/* raw SQL (store_sql.h): plants deliveries of given dates without an ingest. */
#include "store_sql.h"

static char dir[64];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

const char *http_fixture_open(struct ob_store **s)
{
	struct ob_diag d;
	char path[256], target[256];

	snprintf(dir, sizeof(dir), "/tmp/observa-http.XXXXXX");
	assert_non_null(mkdtemp(dir));
	ob_diag_clear(&d);
	if (ob_store_open(dir, OB_STORE_CREATE, s, &d) || ob_catalog_write_default(dir, &d) ||
	    ob_catalog_load(*s, dir, &d))
		fail_msg("fixture: %s", d.message);
	if (ob_store_exec(*s,
	                  "INSERT INTO submission(id, source, file_name, sha256, period_from,"
	                  " period_to, rows_read, accepted, rejected, warned, ingested_at,"
	                  " version, observa_version, institution, country) VALUES"
	                  " (1, 'sv-pnc', 'homicidios_2020.csv', 'ab', '2020-01-01', '2020-12-31',"
	                  " 2, 1, 1, 0, '2021-01-05T10:00:00Z', 1, '0.1.0', 'police', 'SLV');"
	                  "INSERT INTO record(id, submission, source, source_id, line, occurred_on,"
	                  " precision, territory, category, victim_sex, victim_age) VALUES"
	                  " (1, 1, 'sv-pnc', 'C-1', 2, '2020-03-04', 'day', 'SLV0614', '0101', 'F', 31);"
	                  "INSERT INTO protected(record, names) VALUES (1, '" FIXTURE_VICTIM "');"
	                  "INSERT INTO quarantine(submission, line, column, field, value, reason, raw)"
	                  " VALUES (1, 3, 2, 'occurred_on', '31/02/2020', 'fecha imposible',"
	                  " 'C-2;31/02/2020;" FIXTURE_VICTIM "');",
	                  &d))
		fail_msg("fixture: %s", d.message);
	snprintf(path, sizeof(path), "%s/releases", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	snprintf(path, sizeof(path), "%s/releases/2024", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	snprintf(path, sizeof(path), "%s/releases/2024/homicidios.csv", dir);
	write_file(path, "pais,anio,homicidios\nSLV,2024,114\n");
	snprintf(path, sizeof(path), "%s/releases/LEAME.txt", dir);
	write_file(path, "Publicaciones del observatorio.\n");
	snprintf(path, sizeof(path), "%s/releases/.borrador.csv", dir);
	write_file(path, "no publicado\n");
	snprintf(path, sizeof(path), "%s/releases/almacen.db", dir);
	snprintf(target, sizeof(target), "%s/observa.db", dir);
	assert_int_equal(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/releases/todo", dir);
	assert_int_equal(symlink(dir, path), 0);
	return dir;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void http_fixture_remove(struct ob_store *s, const char *d)
{
	ob_store_close(s);
	nftw(d, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

long long http_fixture_count(struct ob_store *s, const char *sql)
{
	sqlite3_stmt *st;
	struct ob_diag d;
	long long n = -1;

	if (ob_store_prepare(s, sql, &st, &d))
		fail_msg("%s: %s", sql, d.message);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}
