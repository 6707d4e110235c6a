/* test_audit.c - the audit log's chain is verified, and every kind of
 * tampering (after dropping the triggers) is found at the right entry. */
#include "test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "store/audit.h"
/* raw SQL (store_sql.h): tampers with the audit log, which the store must refuse,
 * and asks SQLite how it reads the log (the oracle of by_period). */
#include "store_dir.h"
#include "store_sql.h"

static char dir[64];

static struct ob_store *fresh(void)
{
	struct ob_store *s;
	struct ob_diag d;

	snprintf(dir, sizeof(dir), "/tmp/observa-audit.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(ob_store_open(dir, OB_STORE_CREATE, &s, &d), OB_OK);
	return s;
}

static void gone(struct ob_store *s)
{
	ob_store_close(s);
	ob_test_store_dir_remove(dir);
}

static void exec_ok(struct ob_store *s, const char *sql)
{
	struct ob_diag d;
	if (ob_store_exec(s, sql, &d))
		fail_msg("%s: %s", sql, d.message);
}

/* Five entries at fixed times. */
static void five(struct ob_store *s)
{
	static const char *const actions[] = { "user.add", "read", "read", "login", "read" };
	struct ob_diag d;

	for (int i = 0; i < 5; i++) {
		char at[32], detail[64];
		long long seq = 0;
		snprintf(at, sizeof(at), "2024-01-0%dT10:00:00Z", i + 1);
		snprintf(detail, sizeof(detail), "rows=%d address=10.0.0.%d", i * 7, i);
		assert_int_equal(ob_audit_append(s, at, i == 0 ? "cli:root" : "ana", actions[i],
		                                 i == 0 ? "ana" : "quarantine", detail, &seq, &d),
		                 OB_OK);
		assert_int_equal(seq, i + 1);
	}
}

struct seen {
	long long seqs[32];
	int n;
};

static void collect(void *ctx, long long seq, const char *message)
{
	struct seen *s = ctx;
	assert_true(message[0] != '\0');
	if (s->n < 32)
		s->seqs[s->n++] = seq;
}

static struct ob_audit_report verify(struct ob_store *s, long long anchor, const char *hash,
                                     struct seen *seen)
{
	struct ob_audit_report rep;
	struct ob_diag d;

	memset(seen, 0, sizeof(*seen));
	assert_int_equal(ob_audit_verify(s, anchor, hash, collect, seen, &rep, &d), OB_OK);
	assert_int_equal(rep.problems, seen->n);
	return rep;
}

static void intact_chain(void **state)
{
	struct ob_store *s = fresh();
	struct ob_audit_report rep;
	struct seen seen;
	char h1[65], h2[65];
	(void)state;

	rep = verify(s, 0, NULL, &seen);
	assert_int_equal(rep.entries, 0);
	assert_int_equal(rep.problems, 0);
	five(s);
	rep = verify(s, 0, NULL, &seen);
	assert_int_equal(rep.entries, 5);
	assert_int_equal(rep.problems, 0);
	assert_int_equal(rep.head_seq, 5);
	assert_int_equal(strlen(rep.head_hash), 64);
	/* the hash is over the canonical fields: any field changes it, and the
	 * length prefixes keep "ab"+"c" apart from "a"+"bc" */
	ob_audit_hash(OB_AUDIT_ZERO_HASH, 1, "t", "ab", "c", "o", "", h1);
	ob_audit_hash(OB_AUDIT_ZERO_HASH, 1, "t", "a", "bc", "o", "", h2);
	assert_string_not_equal(h1, h2);
	ob_audit_hash(OB_AUDIT_ZERO_HASH, 2, "t", "ab", "c", "o", "", h2);
	assert_string_not_equal(h1, h2);
	gone(s);
}

static void triggers_refuse(void **state)
{
	struct ob_store *s = fresh();
	struct ob_diag d;
	(void)state;

	five(s);
	assert_int_equal(ob_store_exec(s, "UPDATE audit SET detail = 'x' WHERE seq = 2", &d),
	                 OB_ESTORE);
	assert_non_null(strstr(d.message, "append-only"));
	assert_int_equal(ob_store_exec(s, "DELETE FROM audit WHERE seq = 5", &d), OB_ESTORE);
	assert_int_equal(ob_store_exec(s, "INSERT INTO audit VALUES(9, 't', 'a', 'b', 'c', 'd',"
	                                  " 'e', 'f')", &d), OB_ESTORE);
	assert_int_equal(ob_store_exec(s, "INSERT INTO audit VALUES(3, 't', 'a', 'b', 'c', 'd',"
	                                  " 'e', 'f')", &d), OB_ESTORE);
	{
		struct seen seen;
		struct ob_audit_report rep = verify(s, 0, NULL, &seen);
		assert_int_equal(rep.problems, 0);
	}
	gone(s);
}

/* An entry written inside a transaction that is rolled back disappears
 * with it, head included. */
static void same_transaction(void **state)
{
	struct ob_store *s = fresh();
	struct ob_diag d;
	struct seen seen;
	struct ob_audit_report rep;
	(void)state;

	five(s);
	assert_int_equal(ob_store_begin(s, &d), OB_OK);
	exec_ok(s, "INSERT INTO meta(key, value) VALUES('probe', '1')");
	assert_int_equal(ob_audit_append(s, NULL, "ana", "update", "meta", "probe", NULL, &d), OB_OK);
	ob_store_rollback(s);
	rep = verify(s, 0, NULL, &seen);
	assert_int_equal(rep.entries, 5);
	assert_int_equal(rep.problems, 0);
	/* refused entries */
	assert_int_equal(ob_audit_append(s, NULL, "", "read", "x", NULL, NULL, &d), OB_EINVAL);
	assert_int_equal(ob_audit_append(s, NULL, "a", "read", NULL, NULL, NULL, &d), OB_EINVAL);
	{
		char *big = ob_malloc(OB_MAX_AUDIT_DETAIL + 2);
		memset(big, 'x', OB_MAX_AUDIT_DETAIL + 1);
		big[OB_MAX_AUDIT_DETAIL + 1] = '\0';
		assert_int_equal(ob_audit_append(s, NULL, "a", "read", "x", big, NULL, &d),
		                 OB_ETOOBIG);
		free(big);
	}
	gone(s);
}

/* Tampering with the triggers dropped, as someone with the database file
 * could do: each case names the first entry verify must report. */
static const char drop[] = "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
                           " DROP TRIGGER audit_in_order;";

/* Recompute the stored hashes of entries from..5 and the head, as an
 * attacker who knows the algorithm would. */
static void rechain(struct ob_store *s, long long from)
{
	char prev[65] = OB_AUDIT_ZERO_HASH, head[96];
	sqlite3_stmt *st;
	struct ob_diag d;

	for (long long seq = 1; seq <= 5; seq++) {
		char hash[65], sql[256];
		assert_int_equal(ob_store_prepare(s, "SELECT at, actor, action, object, detail, hash"
		                                     " FROM audit WHERE seq = ?1", &st, &d), OB_OK);
		sqlite3_bind_int64(st, 1, seq);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_finalize(st);
			continue;
		}
		ob_audit_hash(prev, seq, (const char *)sqlite3_column_text(st, 0),
		              (const char *)sqlite3_column_text(st, 1),
		              (const char *)sqlite3_column_text(st, 2),
		              (const char *)sqlite3_column_text(st, 3),
		              (const char *)sqlite3_column_text(st, 4), hash);
		if (seq < from)
			ob_strlcpy(hash, (const char *)sqlite3_column_text(st, 5), sizeof(hash));
		sqlite3_finalize(st);
		if (seq >= from) {
			snprintf(sql, sizeof(sql), "UPDATE audit SET prev_hash = '%s', hash = '%s'"
			         " WHERE seq = %lld", prev, hash, seq);
			exec_ok(s, sql);
		}
		ob_strlcpy(prev, hash, sizeof(prev));
		snprintf(head, sizeof(head), "%lld %s", seq, hash);
	}
	assert_int_equal(ob_store_meta_set(s, "audit_head", head, &d), OB_OK);
}

static void tampering(void **state)
{
	static const struct {
		const char *what;
		const char *sql;
		int rechain_from;  /* 0: no */
		long long first_bad;
	} cases[] = {
		{ "detail edited", "UPDATE audit SET detail = 'rows=0' WHERE seq = 3", 0, 3 },
		{ "time edited", "UPDATE audit SET at = '2023-12-31T10:00:00Z' WHERE seq = 1", 0, 1 },
		{ "actor edited", "UPDATE audit SET actor = 'otro' WHERE seq = 5", 0, 5 },
		{ "hash edited", "UPDATE audit SET hash = CASE WHEN substr(hash, 1, 1) = '0'"
		                 " THEN '1' ELSE '0' END || substr(hash, 2) WHERE seq = 2", 0, 2 },
		{ "middle removed", "DELETE FROM audit WHERE seq = 3", 0, 3 },
		{ "first removed", "DELETE FROM audit WHERE seq = 1", 0, 1 },
		{ "last removed", "DELETE FROM audit WHERE seq = 5", 0, 5 },
		{ "two last removed", "DELETE FROM audit WHERE seq >= 4", 0, 4 },
		{ "all removed", "DELETE FROM audit", 0, 1 },
		{ "inserted at the end",
		  "INSERT INTO audit SELECT 6, at, actor, action, object, detail, hash, hash"
		  " FROM audit WHERE seq = 5", 0, 6 },
		/* the attacker recomputes the edited entry's hash: the next one
		 * no longer links */
		{ "edited and rehashed", "UPDATE audit SET detail = 'rows=0' WHERE seq = 3", -3, 4 },
		/* renumbered to make room for an inserted entry */
		{ "inserted in the middle",
		  "UPDATE audit SET seq = seq + 10 WHERE seq >= 3;"
		  " UPDATE audit SET seq = seq - 9 WHERE seq >= 13;"
		  " INSERT INTO audit SELECT 3, at, actor, action, object, 'falso', hash, hash"
		  " FROM audit WHERE seq = 2", 0, 3 },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_store *s = fresh();
		struct ob_audit_report rep;
		struct seen seen;

		five(s);
		exec_ok(s, drop);
		exec_ok(s, cases[i].sql);
		if (cases[i].rechain_from < 0) {
			/* rehash only that entry, leaving the later ones alone */
			char prev[65], hash[65], sql[256];
			sqlite3_stmt *st;
			struct ob_diag d;
			long long seq = -cases[i].rechain_from;
			assert_int_equal(ob_store_prepare(s, "SELECT prev_hash, at, actor, action, object,"
			                                     " detail FROM audit WHERE seq = ?1", &st, &d),
			                 OB_OK);
			sqlite3_bind_int64(st, 1, seq);
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			ob_strlcpy(prev, (const char *)sqlite3_column_text(st, 0), sizeof(prev));
			ob_audit_hash(prev, seq, (const char *)sqlite3_column_text(st, 1),
			              (const char *)sqlite3_column_text(st, 2),
			              (const char *)sqlite3_column_text(st, 3),
			              (const char *)sqlite3_column_text(st, 4),
			              (const char *)sqlite3_column_text(st, 5), hash);
			sqlite3_finalize(st);
			snprintf(sql, sizeof(sql), "UPDATE audit SET hash = '%s' WHERE seq = %lld", hash,
			         seq);
			exec_ok(s, sql);
		}
		rep = verify(s, 0, NULL, &seen);
		if (rep.problems == 0 || rep.first_bad != cases[i].first_bad)
			fail_msg("%s: %lld problems, first at %lld (expected %lld)", cases[i].what,
			         rep.problems, rep.first_bad, cases[i].first_bad);
		gone(s);
	}
}

/* Rewriting the whole chain and its head passes the internal checks; only
 * an anchor kept elsewhere shows it. */
static void anchor_catches_rewrite(void **state)
{
	struct ob_store *s = fresh();
	struct ob_audit_report rep;
	struct seen seen;
	char anchor[65];
	(void)state;

	five(s);
	rep = verify(s, 0, NULL, &seen);
	ob_strlcpy(anchor, rep.head_hash, sizeof(anchor));
	rep = verify(s, 5, anchor, &seen);
	assert_int_equal(rep.problems, 0);
	exec_ok(s, drop);
	exec_ok(s, "UPDATE audit SET detail = 'rows=0' WHERE seq = 2");
	rechain(s, 2);
	rep = verify(s, 0, NULL, &seen);
	assert_int_equal(rep.problems, 0);
	rep = verify(s, 5, anchor, &seen);
	assert_int_equal(rep.problems, 1);
	assert_int_equal(rep.first_bad, 5);
	rep = verify(s, 9, anchor, &seen);
	assert_int_equal(rep.first_bad, 9);
	gone(s);
}

/* Cutting the tail and rewriting the head passes the internal checks; the
 * anchors of the releases published before show it. */
static void tail_cut_caught_by_anchors(void **state)
{
	struct ob_store *s = fresh();
	struct ob_audit_anchor a[2];
	struct ob_audit_report rep;
	struct seen seen;
	struct ob_diag d;
	long long seq;
	char head[96];
	(void)state;

	five(s);
	/* anchors as two releases would have kept them: after entries 3 and 5 */
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st;
		a[i].seq = i ? 5 : 3;
		snprintf(a[i].from, sizeof(a[i].from), "v%d", i + 1);
		assert_int_equal(ob_store_prepare(s, "SELECT hash FROM audit WHERE seq = ?1", &st, &d),
		                 OB_OK);
		sqlite3_bind_int64(st, 1, a[i].seq);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		ob_strlcpy(a[i].hash, (const char *)sqlite3_column_text(st, 0), sizeof(a[i].hash));
		sqlite3_finalize(st);
	}
	assert_int_equal(ob_audit_head(s, &seq, head, &d), OB_OK);
	assert_int_equal(seq, 5);
	assert_string_equal(head, a[1].hash);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(ob_audit_verify_anchors(s, a, 2, collect, &seen, &rep, &d), OB_OK);
	assert_int_equal(rep.problems, 0);
	/* the last two entries removed and the head set to entry 3 */
	exec_ok(s, drop);
	exec_ok(s, "DELETE FROM audit WHERE seq > 3");
	snprintf(head, sizeof(head), "3 %s", a[0].hash);
	assert_int_equal(ob_store_meta_set(s, "audit_head", head, &d), OB_OK);
	rep = verify(s, 0, NULL, &seen);
	assert_int_equal(rep.problems, 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(ob_audit_verify_anchors(s, a, 2, collect, &seen, &rep, &d), OB_OK);
	assert_int_equal(rep.problems, 1);
	assert_int_equal(rep.first_bad, 5);
	/* anchors in any order; one of them rewritten */
	{
		struct ob_audit_anchor b[2] = { a[1], a[0] };
		b[1].hash[0] = b[1].hash[0] == '0' ? '1' : '0';
		memset(&seen, 0, sizeof(seen));
		assert_int_equal(ob_audit_verify_anchors(s, b, 2, collect, &seen, &rep, &d), OB_OK);
		assert_int_equal(rep.problems, 2);
		assert_int_equal(rep.first_bad, 3);
	}
	gone(s);
}

/* An entry numbered INT64_MAX (forged, with the triggers dropped) is
 * reported, not followed into a signed overflow; nothing can be appended
 * after it. */
static void largest_number(void **state)
{
	struct ob_store *s = fresh();
	struct ob_audit_report rep;
	struct seen seen;
	struct ob_diag d;
	(void)state;

	five(s);
	exec_ok(s, drop);
	exec_ok(s, "INSERT INTO audit SELECT 9223372036854775807, at, actor, action, object,"
	           " detail, hash, hash FROM audit WHERE seq = 5");
	rep = verify(s, 0, NULL, &seen);
	assert_true(rep.problems >= 2);
	assert_int_equal(rep.first_bad, 6);
	assert_int_equal(rep.head_seq, INT64_MAX);
	/* a malformed head past it */
	exec_ok(s, "UPDATE meta SET value = 'x' WHERE key = 'audit_head'");
	rep = verify(s, 0, NULL, &seen);
	assert_true(rep.problems >= 3);
	assert_int_equal(ob_audit_append(s, NULL, "ana", "read", "x", NULL, NULL, &d), OB_ESTORE);
	assert_non_null(strstr(d.message, "9223372036854775807"));
	/* and an anchor there */
	rep = verify(s, INT64_MAX, OB_AUDIT_ZERO_HASH, &seen);
	assert_true(rep.problems >= 4);
	gone(s);
}

static long long count(struct ob_store *s, const char *sql)
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

/* The one rule: an entry of its own, synced, with who, what, why and how
 * many; a purpose when the policy asks for one; nothing inside another
 * transaction. */
static void disclosure(void **state)
{
	struct ob_store *s = fresh();
	struct ob_disclosure x;
	struct ob_diag d;
	char roles[128];
	long long seq = 0;
	(void)state;

	memset(&x, 0, sizeof(x));
	x.actor = "rosa";
	x.role = "cli";
	x.action = "review.list";
	x.object = "review_item";
	x.query = "pending \"all\"";
	x.to = "stdout";
	x.os_user = "root";
	x.records = 12;
	assert_int_equal(ob_audit_disclose(s, &x, &seq, &d), OB_OK);
	assert_int_equal(seq, 1);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE actor = 'rosa' AND action ="
	                          " 'review.list' AND object = 'review_item' AND detail ="
	                          " '{\"records\":12,\"query\":\"pending \\\"all\\\"\",\"role\":"
	                          "\"cli\",\"to\":\"stdout\",\"os_user\":\"root\"}'"), 1);
	/* the store's usual sync level is back */
	assert_int_equal(count(s, "PRAGMA synchronous"), 1);

	/* the policy: none at first; then the command line and stewards */
	assert_int_equal(ob_audit_purpose_roles(s, roles, sizeof(roles), &d), OB_OK);
	assert_string_equal(roles, "");
	assert_false(ob_audit_purpose_required(s, "cli"));
	assert_int_equal(ob_audit_purpose_set(s, "steward,cli,steward", "cli:root", &d), OB_OK);
	assert_int_equal(ob_audit_purpose_roles(s, roles, sizeof(roles), &d), OB_OK);
	assert_string_equal(roles, "cli,steward");
	assert_true(ob_audit_purpose_required(s, "cli"));
	assert_false(ob_audit_purpose_required(s, "analyst"));
	assert_int_equal(ob_audit_purpose_set(s, "chief", "cli:root", &d), OB_EUSAGE);
	assert_int_equal(ob_audit_purpose_set(s, "cli,", "cli:root", &d), OB_EUSAGE);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE action = 'audit.policy'"), 1);
	assert_int_equal(ob_audit_disclose(s, &x, &seq, &d), OB_EUSAGE);
	assert_non_null(strstr(d.message, "propósito"));
	x.purpose = "  ";
	assert_int_equal(ob_audit_disclose(s, &x, &seq, &d), OB_EUSAGE);
	x.purpose = "seguimiento\ndel caso";
	assert_int_equal(ob_audit_disclose(s, &x, &seq, &d), OB_EUSAGE);
	x.purpose = "seguimiento del caso 12";
	assert_int_equal(ob_audit_disclose(s, &x, &seq, &d), OB_OK);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE detail LIKE"
	                          " '%\"purpose\":\"seguimiento del caso 12\"%'"), 1);
	assert_int_equal(ob_audit_purpose_set(s, "none", "cli:root", &d), OB_OK);
	assert_false(ob_audit_purpose_required(s, "cli"));
	assert_int_equal(ob_audit_purpose_set(s, "all", "cli:root", &d), OB_OK);
	assert_true(ob_audit_purpose_required(s, "analyst"));
	assert_int_equal(ob_audit_purpose_set(s, "none", "cli:root", &d), OB_OK);

	/* never inside another transaction: it must be committed on its own */
	assert_int_equal(ob_store_begin(s, &d), OB_OK);
	assert_int_equal(ob_audit_disclose(s, &x, &seq, &d), OB_EINVAL);
	ob_store_rollback(s);
	x.records = -1;
	assert_int_equal(ob_audit_disclose(s, &x, &seq, &d), OB_EINVAL);
	x.records = 1;
	x.role = NULL;
	assert_int_equal(ob_audit_disclose(s, &x, &seq, &d), OB_EINVAL);
	x.role = "cli";
	/* a write that fails (as on a read-only log) is an error: show nothing */
	exec_ok(s, "CREATE TRIGGER audit_full BEFORE INSERT ON audit BEGIN"
	           " SELECT RAISE(ABORT, 'disco lleno'); END");
	assert_int_equal(ob_audit_disclose(s, &x, &seq, &d), OB_ESTORE);
	assert_non_null(strstr(d.message, "disco lleno"));
	exec_ok(s, "DROP TRIGGER audit_full");
	{
		struct seen seen;
		struct ob_audit_report rep = verify(s, 0, NULL, &seen);
		assert_int_equal(rep.problems, 0);
		assert_int_equal(rep.entries, 6);
	}
	gone(s);
}

struct listed {
	long long seqs[8];
	int n;
};

static int list_cb(void *ctx, const struct ob_audit_entry *e)
{
	struct listed *l = ctx;
	l->seqs[l->n++] = e->seq;
	assert_int_equal(strlen(e->hash), 64);
	return l->n == 8;
}

static void listing(void **state)
{
	struct ob_store *s = fresh();
	struct listed l = { { 0 }, 0 };
	struct ob_diag d;
	(void)state;

	five(s);
	assert_int_equal(ob_audit_list(s, 2, 0, "ana", "read", list_cb, &l, &d), OB_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.seqs[0], 2);
	assert_int_equal(l.seqs[1], 3);
	assert_int_equal(l.seqs[2], 5);
	l.n = 0;
	assert_int_equal(ob_audit_list(s, 1, 2, NULL, NULL, list_cb, &l, &d), OB_OK);
	assert_int_equal(l.n, 2);
	gone(s);
}

/* A registry's hourly count and its access report: one action's entries
 * of an account since a time, and one action's entries in a period, read
 * through the index of migration 20. */
static void by_period(void **state)
{
	struct ob_store *s = fresh();
	struct listed l = { { 0 }, 0 };
	sqlite3_stmt *st;
	bool indexed = false;
	struct ob_diag d;
	long long seq, n;
	(void)state;

	five(s);
	assert_int_equal(ob_audit_append(s, "2024-01-04T09:00:00Z", "bea", "read", "quarantine",
	                                 "rows=1", &seq, &d),
	                 OB_OK);
	assert_int_equal(ob_audit_count_since(s, "ana", "read", "2024-01-03T00:00:00Z", &n, &d),
	                 OB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ob_audit_count_since(s, "ana", "read", "2024-01-03T10:00:00Z", &n, &d),
	                 OB_OK);
	assert_int_equal(n, 2); /* at the time itself: counted */
	assert_int_equal(ob_audit_count_since(s, "ana", "read", "2024-01-03T10:00:01Z", &n, &d),
	                 OB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ob_audit_count_since(s, "bea", "read", "2024-01-01T00:00:00Z", &n, &d),
	                 OB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ob_audit_count_since(s, "ana", "login", "2024-01-01T00:00:00Z", &n, &d),
	                 OB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ob_audit_count_since(s, "nadie", "read", "2024-01-01T00:00:00Z", &n, &d),
	                 OB_OK);
	assert_int_equal(n, 0);
	/* from included, to excluded, every account, in the log's order */
	assert_int_equal(ob_audit_list_period(s, "read", "2024-01-03T10:00:00Z",
	                                      "2024-01-05T10:00:00Z", list_cb, &l, &d),
	                 OB_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.seqs[0], 3);
	assert_int_equal(l.seqs[1], 6);
	l.n = 0;
	assert_int_equal(ob_audit_list_period(s, "login", "2024-01-05T00:00:00Z",
	                                      "2024-01-09T00:00:00Z", list_cb, &l, &d),
	                 OB_OK);
	assert_int_equal(l.n, 0);
	/* the count reads the index, not the log */
	assert_int_equal(ob_store_prepare(s, "EXPLAIN QUERY PLAN SELECT count(*) FROM audit"
	                                     " WHERE action = ?1 AND actor = ?2 AND at >= ?3",
	                                  &st, &d),
	                 OB_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *plan = (const char *)sqlite3_column_text(st, 3);
		if (plan && strstr(plan, "audit_action"))
			indexed = true;
	}
	sqlite3_finalize(st);
	assert_true(indexed);
	gone(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intact_chain),
		cmocka_unit_test(triggers_refuse),
		cmocka_unit_test(same_transaction),
		cmocka_unit_test(tampering),
		cmocka_unit_test(anchor_catches_rewrite),
		cmocka_unit_test(tail_cut_caught_by_anchors),
		cmocka_unit_test(largest_number),
		cmocka_unit_test(disclosure),
		cmocka_unit_test(listing),
		cmocka_unit_test(by_period),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
