/* test_pg.c - the store on PostgreSQL (the part that works there, see
 * docs/store.md): a store made with ob_store_create_url() on the server
 * OBSERVA_PG_URL names, its schema, settings, accounts and audit log, the
 * audit log's refusals, the regional harvest's cells and sources, two
 * writers in conflict, a request's guard (a time limit and a lock's wait),
 * a read-only opening, and a clear error from SQLite's own calls. Run by meson under scripts/pg-test-cluster, which sets
 * OBSERVA_PG_URL; without it the test fails (it is not a skip: the
 * wrapper decides whether PostgreSQL is required). */
#include "test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/harvest.h"
#include "store/reconcile_read.h"
#include "store/submissions.h"
/* raw SQL (store_sql.h): tampers with the audit log, which the store must refuse. */
#include "store_sql.h"

/* x must succeed; else the store's message */
#define OK(x)                                                                  \
	do {                                                                   \
		if ((x) != OB_OK)                                              \
			fail_msg("%s: %s", #x, d.message);                     \
	} while (0)

static const char *url(void)
{
	const char *u = getenv("OBSERVA_PG_URL");

	if (!u || !*u)
		fail_msg("OBSERVA_PG_URL is not set: run under scripts/pg-test-cluster");
	return u;
}

static void new_dir(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/observa-pgtest.XXXXXX");
	assert_non_null(mkdtemp(dir));
}

static void remove_dir(const char *dir)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, OB_STORE_URL_FILE);
	unlink(path);
	rmdir(dir);
}

static int count_entry(void *ctx, const struct ob_audit_entry *e)
{
	(void)e;
	++*(int *)ctx;
	return 0;
}

static int count_account(void *arg, const struct ob_store_account_row *r)
{
	long long *tokens = arg;

	assert_string_equal(r->name, "ana");
	assert_string_equal(r->role, "analyst");
	assert_null(r->source);
	*tokens = r->tokens;
	return 0;
}

static int count_row(void *arg, const struct ob_store_value *v, size_t n)
{
	(void)v;
	(void)n;
	++*(long long *)arg;
	return 0;
}

/* each cell's country, territory, year, count, value and status, one line
 * each; NULL as "-" */
static int cell_line(void *arg, const struct ob_store_value *v, size_t n)
{
	struct ob_buf *b = arg;
	static const size_t cols[] = { 0, 1, 4, 6, 7, 10 };

	for (size_t k = 0; k < OB_ARRAY_SIZE(cols) && cols[k] < n; k++) {
		const struct ob_store_value *x = &v[cols[k]];
		if (x->type == OB_STORE_INT)
			ob_buf_putf(b, "%lld", x->i);
		else
			ob_buf_puts(b, x->text ? x->text : "-");
		ob_buf_putc(b, k + 1 < OB_ARRAY_SIZE(cols) ? ',' : '\n');
	}
	return 0;
}

static void test_store(void **state)
{
	char dir[64], other[64], value[128], hex[65];
	unsigned char secret[OB_STORE_SECRET_LEN];
	struct ob_store *s, *t;
	struct ob_store_account a;
	struct ob_store_token_owner o;
	struct ob_audit_report rep;
	struct ob_diag d;
	struct stat st;
	long long id1 = 0, id2 = 0, seq = 0, tokens = -1, n = 0;
	int version = 0, listed = 0;
	bool found = false;

	(void)state;
	new_dir(dir, sizeof(dir));
	new_dir(other, sizeof(other));
	ob_diag_clear(&d);
	if (ob_store_create_url(dir, url(), &s, &d))
		fail_msg("create: %s", d.message);
	ob_store_close(s);
	/* the address is kept for its owner only */
	snprintf(value, sizeof(value), "%s/%s", dir, OB_STORE_URL_FILE);
	assert_int_equal(stat(value, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* neither the directory nor the database takes a second observatory */
	assert_int_equal(ob_store_create_url(dir, url(), &t, &d), OB_EEXISTS);
	assert_int_equal(ob_store_open(dir, OB_STORE_CREATE, &t, &d), OB_EEXISTS);
	assert_int_equal(ob_store_create_url(other, url(), &t, &d), OB_EEXISTS);
	assert_int_equal(ob_store_create_url(other, "mysql://x/y", &t, &d), OB_EINVAL);

	if (ob_store_open(dir, OB_STORE_EXISTING, &s, &d))
		fail_msg("open: %s", d.message);
	OK(ob_store_schema_read(s, &version, &d));
	assert_int_equal(version, ob_store_schema_version());
	/* settings: text with quotes, UTF-8 and a question mark kept as given */
	OK(ob_store_meta_set(s, "note", "l'año? \"sí\"", &d));
	OK(ob_store_meta_get(s, "note", value, sizeof(value)));
	assert_string_equal(value, "l'año? \"sí\"");
	OK(ob_store_meta_set(s, "note", "2", &d));
	OK(ob_store_meta_get(s, "note", value, sizeof(value)));
	assert_string_equal(value, "2");
	assert_int_equal(ob_store_meta_get(s, "absent", value, sizeof(value)), OB_ENOENT);
	OK(ob_store_key_secret(s, secret, &d));

	/* accounts: a name once; tokens numbered by the database */
	OK(ob_store_begin(s, &d));
	OK(ob_store_account_add(s, "ana", "analyst", NULL, "$argon2id$x",
	                                      "2024-01-01T00:00:00Z", &d));
	OK(ob_store_commit(s, &d));
	OK(ob_store_begin(s, &d));
	assert_int_equal(ob_store_account_add(s, "ana", "admin", NULL, NULL,
	                                      "2024-01-02T00:00:00Z", &d), OB_EEXISTS);
	ob_store_rollback(s);
	OK(ob_store_account_find(s, "ana", &a, &found, &d));
	assert_true(found);
	assert_string_equal(a.role, "analyst");
	assert_true(a.has_password);
	assert_false(a.disabled);
	OK(ob_store_token_add(s, a.id, "api", "h1", "ci", "2024-01-01T00:00:00Z",
	                                    NULL, &id1, &d));
	OK(ob_store_token_add(s, a.id, "session", "h2", NULL, "2024-01-01T00:00:00Z",
	                                    "2024-01-01T01:00:00Z", &id2, &d));
	assert_true(id1 > 0);
	assert_true(id2 > id1);
	OK(ob_store_token_find(s, "h2", "2024-01-01T00:30:00Z", &o, &found, &d));
	assert_true(found);
	assert_true(o.session);
	assert_int_equal(o.token, id2);
	assert_string_equal(o.name, "ana");
	/* expired an hour later; the API token stays */
	OK(ob_store_token_find(s, "h2", "2024-01-01T02:00:00Z", &o, &found, &d));
	assert_false(found);
	assert_int_equal(ob_store_accounts_each(s, "2024-01-01T00:30:00Z", count_account, &tokens,
	                                        &d), 0);
	assert_int_equal(tokens, 2);
	OK(ob_store_sessions_purge(s, "2024-01-01T02:00:00Z", &d));
	assert_int_equal(ob_store_accounts_each(s, "2024-01-01T00:30:00Z", count_account, &tokens,
	                                        &d), 0);
	assert_int_equal(tokens, 1);
	OK(ob_store_account_disable(s, a.id, &d));
	OK(ob_store_token_find(s, "h1", "2024-01-01T00:30:00Z", &o, &found, &d));
	assert_false(found);

	/* the audit log: a chain that verifies */
	for (int i = 1; i <= 3; i++) {
		char at[32];
		snprintf(at, sizeof(at), "2024-01-0%dT10:00:00Z", i);
		OK(ob_audit_append(s, at, "cli:root", "read", "quarantine", "rows=1",
		                                 &seq, &d));
		assert_int_equal(seq, i);
	}
	OK(ob_audit_verify(s, 0, NULL, NULL, NULL, &rep, &d));
	assert_int_equal(rep.entries, 3);
	assert_int_equal(rep.problems, 0);
	assert_int_equal(rep.head_seq, 3);
	OK(ob_audit_head(s, &seq, hex, &d));
	assert_int_equal(seq, 3);
	assert_string_equal(hex, rep.head_hash);
	OK(ob_audit_list(s, 1, 0, NULL, NULL, count_entry, &listed, &d));
	assert_int_equal(listed, 3);
	listed = 0;
	OK(ob_audit_list(s, 2, 1, "cli:root", "read", count_entry, &listed, &d));
	assert_int_equal(listed, 1);
	/* and refuses to be changed, emptied or added to out of order */
	assert_int_equal(ob_store_exec(s, "UPDATE audit SET actor = 'x'", &d), OB_ESTORE);
	assert_non_null(strstr(d.message, "append-only"));
	assert_int_equal(ob_store_exec(s, "DELETE FROM audit WHERE seq = 3", &d), OB_ESTORE);
	assert_non_null(strstr(d.message, "append-only"));
	assert_int_equal(ob_store_exec(s, "TRUNCATE audit", &d), OB_ESTORE);
	assert_int_equal(ob_store_exec(s, "INSERT INTO audit VALUES(9, 'a', 'b', 'c', 'd', 'e',"
	                                  " 'f', 'g')", &d), OB_ESTORE);
	assert_non_null(strstr(d.message, "in order"));
	OK(ob_audit_verify(s, 0, NULL, NULL, NULL, &rep, &d));
	assert_int_equal(rep.problems, 0);

	/* the logbook and the reconciliations are on PostgreSQL (empty yet);
	 * SQLite's own calls (the tests' raw SQL) say they do not work there,
	 * and the store goes on */
	{
		struct ob_submission_filter f = { .order = OB_SUBMISSIONS_BY_ID, .limit = -1 };
		long long rows = 0;
		OK(ob_store_submissions_count(s, &f, &n, &d));
		assert_int_equal(n, 0);
		n = -1;
		OK(ob_store_rc_runs_count(s, &n, &d));
		assert_int_equal(n, 0);
		assert_int_equal(ob_store_rc_runs_each(s, true, -1, 0, count_row, &rows, &d), 0);
		assert_int_equal(rows, 0);
		ob_diag_clear(&d);
		{
			sqlite3_stmt *raw = NULL;
			assert_int_equal(ob_store_prepare(s, "SELECT 1", &raw, &d), OB_ESTORE);
			assert_null(raw);
			assert_non_null(strstr(d.message, "PostgreSQL"));
		}
		OK(ob_store_meta_get(s, "note", value, sizeof(value)));
	}
	/* a regional harvest: a release's cells (numbers as published text,
	 * an empty one NULL, withheld and no-data kept), its source per
	 * country, the last version of a URL; a second version replaces the
	 * country's cells; a load abandoned leaves nothing */
	{
		struct ob_store_harvest_load *l;
		struct ob_harvest_cell c = { .table = "indicators", .series = "homicide_rate",
		                             .territory = "SLV", .name = "El Salvador", .sex = "T",
		                             .level = 0, .year = 2024, .count = "120",
		                             .value = "1.90", .lower = "1.5", .upper = "2.3",
		                             .status = "" };
		struct ob_harvest_query q = { .table = "indicators", .series = "homicide_rate",
		                              .year = 2024, .level = 0 };
		struct ob_buf b = OB_BUF_INIT(4096);
		char ver[32], sha[65], st0[40], st1[40], st2[40];
		bool seen;
		long long rows = 0, year;

		OK(ob_store_harvest_last(s, "http://a/r", NULL, ver, sha, &seen, &d));
		assert_false(seen);
		/* nothing harvested: an empty stamp, no year */
		OK(ob_store_harvest_stamp(s, st0, sizeof(st0), &d));
		assert_string_equal(st0, "");
		OK(ob_store_harvest_latest_year(s, "indicators", 0, &year, &seen, &d));
		assert_false(seen);
		OK(ob_store_harvest_begin(s, "http://a/r", "v1", "ab12", &l, &d));
		c.country = "SLV";
		OK(ob_store_harvest_add(l, &c, &d));
		c.country = "CRI";
		c.territory = "CRI";
		c.count = c.value = c.lower = c.upper = "";
		c.status = "C";
		OK(ob_store_harvest_add(l, &c, &d));
		assert_int_equal(ob_store_harvest_added(l), 2);
		OK(ob_store_harvest_commit(l, &d));
		OK(ob_store_harvest_stamp(s, st1, sizeof(st1), &d));
		assert_string_not_equal(st1, "");
		OK(ob_store_harvest_latest_year(s, "indicators", 0, &year, &seen, &d));
		assert_true(seen);
		assert_int_equal(year, 2024);
		OK(ob_store_harvest_latest_year(s, "indicators", 1, &year, &seen, &d));
		assert_false(seen);
		OK(ob_store_harvest_last(s, "http://a/r", "CRI", ver, sha, &seen, &d));
		assert_true(seen);
		assert_string_equal(ver, "v1");
		assert_string_equal(sha, "ab12");
		assert_int_equal(ob_store_harvest_sources_each(s, count_row, &rows, &d), 0);
		assert_int_equal(rows, 2);
		assert_int_equal(ob_store_harvest_cells_each(s, &q, cell_line, &b, &d), 0);
		assert_string_equal(b.ptr, "CRI,CRI,2024,-,-,C\nSLV,SLV,2024,120,1.90,\n");
		/* v2 of SLV replaces its cell; CRI's stays */
		OK(ob_store_harvest_begin(s, "http://a/r", "v2", "cd34", &l, &d));
		c.country = c.territory = "SLV";
		c.count = "121";
		c.value = "1.91";
		c.status = "";
		OK(ob_store_harvest_add(l, &c, &d));
		OK(ob_store_harvest_commit(l, &d));
		ob_buf_reset(&b);
		q.sex = "T";
		assert_int_equal(ob_store_harvest_cells_each(s, &q, cell_line, &b, &d), 0);
		assert_string_equal(b.ptr, "CRI,CRI,2024,-,-,C\nSLV,SLV,2024,121,1.91,\n");
		OK(ob_store_harvest_last(s, "http://a/r", "SLV", ver, sha, &seen, &d));
		assert_string_equal(ver, "v2");
		/* a new version of a source is a new stamp */
		OK(ob_store_harvest_stamp(s, st2, sizeof(st2), &d));
		assert_string_not_equal(st2, st1);
		/* abandoned: nothing of it stays */
		OK(ob_store_harvest_begin(s, "http://a/r", "v3", "ef56", &l, &d));
		c.count = "999";
		OK(ob_store_harvest_add(l, &c, &d));
		ob_store_harvest_abort(l);
		ob_buf_reset(&b);
		assert_int_equal(ob_store_harvest_cells_each(s, &q, cell_line, &b, &d), 0);
		assert_string_equal(b.ptr, "CRI,CRI,2024,-,-,C\nSLV,SLV,2024,121,1.91,\n");
		/* and the stamp is the same */
		OK(ob_store_harvest_stamp(s, st1, sizeof(st1), &d));
		assert_string_equal(st1, st2);
		ob_buf_release(&b);
	}

	/* two writers that each read what the other writes: SERIALIZABLE lets
	 * one commit and fails the other as a conflict worth running again,
	 * saying so, never as a lost update */
	if (ob_store_open(dir, OB_STORE_EXISTING, &t, &d))
		fail_msg("open a second connection: %s", d.message);
	OK(ob_store_begin(s, &d));
	OK(ob_store_begin(t, &d));
	OK(ob_store_meta_get(s, "note", value, sizeof(value)));
	OK(ob_store_meta_get(t, "note", value, sizeof(value)));
	OK(ob_store_meta_set(s, "note", "from s", &d));
	OK(ob_store_meta_set(t, "other", "from t", &d));
	OK(ob_store_meta_set(t, "note2", "from t", &d));
	{
		ob_err a_err = ob_store_commit(s, &d), b_err;
		b_err = ob_store_commit(t, &d);
		/* the first commit passes; the second, which read the note the
		 * first changed, cannot be ordered after it */
		assert_int_equal(a_err, OB_OK);
		assert_int_equal(b_err, OB_ESTORE);
		assert_true(ob_store_conflicted(t));
		assert_int_equal(ob_store_last_failure(t), OB_STORE_BUSY);
		assert_non_null(strstr(d.message, "run the command again"));
	}
	OK(ob_store_meta_get(s, "note", value, sizeof(value)));
	assert_string_equal(value, "from s");
	assert_int_equal(ob_store_meta_get(s, "other", value, sizeof(value)), OB_ENOENT);
	assert_false(ob_store_conflicted(s));

	/* a request's guard (the HTTP server's): a statement running past
	 * the time left is cancelled as interrupted, a lock another writer
	 * holds is waited for no longer and fails as busy; unguarded, both
	 * wait again */
	ob_store_guard(s, NULL, NULL, NULL, 100);
	assert_int_equal(ob_store_exec(s, "SELECT pg_sleep(2)", &d), OB_ESTORE);
	assert_int_equal(ob_store_last_failure(s), OB_STORE_INTERRUPTED);
	ob_store_guard_untimed(s);
	OK(ob_store_exec(s, "SELECT pg_sleep(0.2)", &d));
	OK(ob_store_begin(t, &d));
	OK(ob_store_meta_set(t, "note", "held by t", &d));
	ob_store_guard(s, NULL, NULL, NULL, 100);
	{
		double t0 = ob_now();
		assert_int_equal(ob_store_meta_set(s, "note", "from s again", &d), OB_ESTORE);
		assert_int_equal(ob_store_last_failure(s), OB_STORE_BUSY);
		assert_true(ob_now() - t0 < 5);
	}
	ob_store_unguard(s, 10000);
	OK(ob_store_commit(t, &d));
	OK(ob_store_meta_set(s, "note", "from s again", &d));
	OK(ob_store_exec(s, "SELECT pg_sleep(0.2)", &d));
	OK(ob_store_meta_get(t, "note", value, sizeof(value)));
	assert_string_equal(value, "from s again");
	ob_store_close(t);

	ob_store_close(s);

	/* read-only: reads, refuses writes */
	if (ob_store_open(dir, OB_STORE_READONLY, &s, &d))
		fail_msg("open read-only: %s", d.message);
	OK(ob_store_meta_get(s, "note", value, sizeof(value)));
	assert_int_equal(ob_store_meta_set(s, "note", "3", &d), OB_ESTORE);
	ob_store_close(s);

	/* a directory whose store.url does not name PostgreSQL */
	{
		FILE *f;
		snprintf(value, sizeof(value), "%s/%s", other, OB_STORE_URL_FILE);
		assert_non_null(f = fopen(value, "w"));
		fputs("sqlite:///x.db\n", f);
		fclose(f);
		assert_int_equal(ob_store_open(other, OB_STORE_EXISTING, &t, &d), OB_EINVAL);
		assert_int_equal(d.line, 1);
	}
	remove_dir(other);
	remove_dir(dir);
}

/* a server that is not there: a clear error, no crash */
static void test_no_server(void **state)
{
	char dir[64];
	struct ob_store *s = NULL;
	struct ob_diag d;

	(void)state;
	new_dir(dir, sizeof(dir));
	ob_diag_clear(&d);
	assert_int_equal(ob_store_create_url(dir, "postgresql:///observa?host=/nonexistent&"
	                                          "connect_timeout=2", &s, &d), OB_ESTORE);
	assert_null(s);
	assert_non_null(strstr(d.message, "PostgreSQL"));
	remove_dir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_no_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
