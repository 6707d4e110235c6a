/* test_engine.c - cases in a store: opened and moved by the engine with
 * the type's rules, a refused change leaving the case, its history and the
 * audit log as they were, a move that lost a race refused, the history
 * complete and append-only, and every change in the audit log; the cases
 * of a type loaded whole as one by one; values changed without a move (the
 * protected role only, the state kept, one event, audited "case.set"); the
 * alerts read through the open cases' table, loaded or as a stream, and
 * the outbox rows the notify scan queues from that stream, against those
 * of every case loaded with its whole history. */
#include "test.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "cases/cases.h"
#include "cases/notify.h"
#include "cases/stats.h"
#include "store/audit.h"
#include "store/cases.h"
/* raw SQL (store_sql.h): the oracle counting rows, and an UPDATE of the
 * history the store must refuse. */
#include "store_dir.h"
#include "store_sql.h"

static char dir[64];

static const char type_text[] =
	"[case]\ncode = t\nname = T\ncountry = SLV\ninitial = open\nunit = office\n"
	"[field.office]\ntype = text\n[field.note]\ntype = text\nprotected = yes\n"
	"[field.outcome]\ntype = choice\nvalues = done, dropped\n"
	"[state.open]\nrequire = office\n[state.closed]\nrequire = outcome\nfinal = yes\n"
	"[transition.close]\nfrom = open\nto = closed\nrole = steward\n";

/* A new store in a directory of its own (dir), and its removal. */
static struct ob_store *store_new(void)
{
	struct ob_store *s;
	struct ob_diag d;

	snprintf(dir, sizeof(dir), "/tmp/observa-cases.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(ob_store_open(dir, OB_STORE_CREATE, &s, &d), OB_OK);
	return s;
}

static void store_remove(struct ob_store *s)
{
	ob_store_close(s);
	ob_test_store_dir_remove(dir);
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

static int keep_event(void *arg, const struct ob_store_case_event *e)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 512 - n, "%lld %s %s>%s %s=%s;", e->seq, e->kind,
	         e->state_from ? e->state_from : "", e->state_to, e->field ? e->field : "",
	         e->value ? e->value : "");
	return 0;
}

static void engine(void **state)
{
	struct ob_case_type *t = ob_calloc(1, sizeof(*t));
	struct ob_calendar cal = { .country = "SLV", .utc_offset = -360 };
	struct ob_case_actor admin = { "cli:test", OB_ROLE_ADMIN }, ana = { "ana", OB_ROLE_ANALYST };
	struct ob_case_input open_in[] = { { "office", "A-1" }, { "note", "Ana Pérez" } };
	struct ob_case_input close_in[] = { { "outcome", "done" } };
	struct ob_store_case c;
	struct ob_store *s;
	struct ob_diag d;
	char history[512] = "";
	long long id = 0, ev, at = 1741996800LL; /* 2025-03-15T00:00:00Z */
	bool found;
	(void)state;

	assert_int_equal(ob_case_type_parse(type_text, strlen(type_text), "t.ini", t, &d), OB_OK);
	s = store_new();

	/* refused: the required office missing; an analyst opening is allowed (open_role) */
	assert_int_equal(ob_case_open(s, t, &cal, &admin, at, open_in + 1, 1, &id, &d), OB_EINVAL);
	assert_int_equal(count(s, "SELECT count(*) FROM case_file"), 0);
	assert_int_equal(ob_case_open(s, t, &cal, &ana, at, open_in, 2, &id, &d), OB_OK);
	assert_int_equal(id, 1);
	/* refused: an analyst closing; the outcome missing; a time before the opening */
	assert_int_equal(ob_case_move(s, t, &cal, &ana, id, "closed", at + 60, close_in, 1, &d),
	                 OB_EINVAL);
	assert_int_equal(ob_case_move(s, t, &cal, &admin, id, "closed", at + 60, NULL, 0, &d),
	                 OB_EINVAL);
	assert_int_equal(ob_case_move(s, t, &cal, &admin, id, "closed", at - 60, close_in, 1, &d),
	                 OB_EINVAL);
	assert_int_equal(ob_case_move(s, t, &cal, &admin, 7, "closed", at + 60, close_in, 1, &d),
	                 OB_ENOENT);
	assert_int_equal(count(s, "SELECT count(*) FROM case_event"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM audit"), 1);

	/* a move that lost a race: the case as read before another move */
	assert_int_equal(ob_store_case_get(s, id, &c, &found, &d), OB_OK);
	assert_true(found);
	assert_int_equal(c.events, 1);
	assert_string_equal(c.unit, "A-1");
	assert_int_equal(ob_case_move(s, t, &cal, &admin, id, "closed", at + 60, close_in, 1, &d),
	                 OB_OK);
	assert_int_equal(ob_store_begin(s, &d), OB_OK);
	assert_int_equal(ob_store_case_move(s, &c, "closed", NULL, "2025-03-15T00:02:00Z", "x",
	                                    "admin", &ev, &d),
	                 OB_EEXISTS);
	ob_store_rollback(s);
	assert_non_null(strstr(d.message, "cambió mientras tanto"));

	/* the history, complete; the audit log, one entry a change, no values */
	assert_true(ob_store_case_events_each(s, id, keep_event, history, &d) == 0);
	assert_string_equal(history, "1 open >open note=Ana Pérez;1 open >open office=A-1;"
	                             "2 move open>closed outcome=done;");
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE action IN ('case.open',"
	                          " 'case.move') AND object = 'case:1'"), 2);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE detail LIKE '%Pérez%'"), 0);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE actor = 'ana'"
	                          " AND detail LIKE '%\"fields\":[\"office\",\"note\"]%'"), 1);
	{
		struct ob_audit_report rep;
		assert_int_equal(ob_audit_verify(s, 0, NULL, NULL, NULL, &rep, &d), OB_OK);
		assert_int_equal(rep.problems, 0);
	}
	/* append-only */
	assert_int_equal(ob_store_exec(s, "UPDATE case_event SET actor = 'x'", &d), OB_ESTORE);
	assert_non_null(strstr(d.message, "append-only"));
	assert_int_equal(ob_store_exec(s, "DELETE FROM case_event_value", &d), OB_ESTORE);
	assert_int_equal(count(s, "SELECT count(*) FROM case_event_value"), 3);

	/* units: a steward given A-1 acts there only; an admin account anywhere */
	{
		struct ob_case_actor sol = { "sol", OB_ROLE_STEWARD, "sol" };
		struct ob_case_actor root = { "root", OB_ROLE_ADMIN, "root" };
		struct ob_case_input b2[] = { { "office", "B-2" } };
		struct ob_case_units u;

		assert_int_equal(ob_case_grant(s, t, &sol, "sol", "A-1", at, &d), OB_EINVAL);
		assert_int_equal(ob_case_open(s, t, &cal, &sol, at, b2, 1, &id, &d), OB_OK);
		assert_int_equal(ob_case_grant(s, t, &admin, "sol", "A-1", at, &d), OB_OK);
		assert_int_equal(ob_case_grant(s, t, &admin, "sol", "A-1", at, &d), OB_EEXISTS);
		assert_int_equal(ob_case_open(s, t, &cal, &sol, at, b2, 1, &id, &d), OB_EINVAL);
		assert_non_null(strstr(d.message, "sus unidades de t: A-1"));
		assert_int_equal(ob_case_open(s, t, &cal, &sol, at, open_in, 1, &id, &d), OB_OK);
		assert_int_equal(ob_case_open(s, t, &cal, &root, at, b2, 1, &id, &d), OB_OK);
		assert_int_equal(ob_case_units_load(s, t, &sol, &u, &d), OB_OK);
		assert_true(u.limited);
		assert_true(ob_case_unit_allowed(&u, "A-1"));
		assert_false(ob_case_unit_allowed(&u, "B-2"));
		assert_false(ob_case_unit_allowed(&u, NULL));
		ob_case_units_release(&u);
		assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE action = 'case.grant'"), 1);
	}

	store_remove(s);
	ob_case_type_release(t);
	free(t);
}

/* The public (no account) opens a case only of a type with public_form =
 * yes; an account of the public role does not. */
static void set_values(void **state)
{
	struct ob_case_type *t = ob_calloc(1, sizeof(*t));
	struct ob_calendar cal = { .country = "SLV", .utc_offset = -360 };
	struct ob_case_actor steward = { "eva", OB_ROLE_STEWARD }, ana = { "ana", OB_ROLE_ANALYST };
	struct ob_case_input open_in[] = { { "office", "A-1" } };
	struct ob_case_input note[] = { { "note", "foto nueva" } };
	struct ob_case_input bad[] = { { "outcome", "maybe" } };
	struct ob_store_case c;
	struct ob_store *s;
	struct ob_diag d;
	char history[512] = "";
	long long id = 0, at = 1741996800LL;
	bool found;
	(void)state;

	assert_int_equal(ob_case_type_parse(type_text, strlen(type_text), "t.ini", t, &d), OB_OK);
	s = store_new();
	assert_int_equal(ob_case_open(s, t, &cal, &ana, at, open_in, 1, &id, &d), OB_OK);
	/* refused, nothing written: a role below the protected one, no value, a
	 * value that is none of the field's, a time before the last change, no
	 * such case */
	assert_int_equal(ob_case_set_values(s, t, &cal, &ana, id, at + 60, note, 1, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "steward"));
	assert_int_equal(ob_case_set_values(s, t, &cal, &steward, id, at + 60, NULL, 0, &d),
	                 OB_EINVAL);
	assert_int_equal(ob_case_set_values(s, t, &cal, &steward, id, at + 60, bad, 1, &d),
	                 OB_EINVAL);
	assert_int_equal(ob_case_set_values(s, t, &cal, &steward, id, at - 60, note, 1, &d),
	                 OB_EINVAL);
	assert_int_equal(ob_case_set_values(s, t, &cal, &steward, 9, at + 60, note, 1, &d),
	                 OB_ENOENT);
	assert_int_equal(count(s, "SELECT count(*) FROM case_event"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM audit"), 1);
	/* done: the state kept, one event from it to it, one audit entry */
	assert_int_equal(ob_case_set_values(s, t, &cal, &steward, id, at + 60, note, 1, &d), OB_OK);
	assert_int_equal(ob_store_case_get(s, id, &c, &found, &d), OB_OK);
	assert_true(found);
	assert_string_equal(c.state, "open");
	assert_int_equal(c.events, 2);
	assert_true(ob_store_case_events_each(s, id, keep_event, history, &d) == 0);
	assert_string_equal(history, "1 open >open office=A-1;2 move open>open note=foto nueva;");
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE action = 'case.set'"
	                          " AND actor = 'eva' AND object = 'case:1'"
	                          " AND detail LIKE '%\"fields\":[\"note\"]%'"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE detail LIKE '%foto%'"), 0);
	/* the move still goes by its transition */
	assert_int_equal(ob_case_move(s, t, &cal, &steward, id, "closed", at + 120,
	                              (struct ob_case_input[]){ { "outcome", "done" } }, 1, &d),
	                 OB_OK);
	store_remove(s);
	ob_case_type_release(t);
	free(t);
}

static void public_form(void **state)
{
	struct ob_case_type *t = ob_calloc(1, sizeof(*t));
	struct ob_calendar cal = { .country = "SLV", .utc_offset = -360 };
	struct ob_case_actor anyone = { "portal", OB_ROLE_PUBLIC, NULL },
	                     account = { "pepe", OB_ROLE_PUBLIC, "pepe" };
	struct ob_case_input in[] = { { "office", "A-1" }, { "note", "Ana Pérez" } };
	struct ob_store *s;
	struct ob_diag d;
	long long id = 0, at = 1741996800LL;
	(void)state;

	assert_int_equal(ob_case_type_parse(type_text, strlen(type_text), "t.ini", t, &d), OB_OK);
	s = store_new();
	assert_false(t->public_form);
	assert_int_equal(ob_case_open(s, t, &cal, &anyone, at, in, 2, &id, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "public"));
	t->public_form = true;
	assert_int_equal(ob_case_open(s, t, &cal, &account, at, in, 2, &id, &d), OB_EINVAL);
	assert_int_equal(count(s, "SELECT count(*) FROM case_file"), 0);
	assert_int_equal(ob_case_open(s, t, &cal, &anyone, at, in, 2, &id, &d), OB_OK);
	assert_int_equal(count(s, "SELECT count(*) FROM case_event WHERE actor = 'portal' AND "
	                          "role = 'public' AND state_to = 'open'"), 1);
	store_remove(s);
	ob_case_type_release(t);
	free(t);
}

/* The public grain (cases/stats.h): one whole year of the country's local
 * time, as it stood at its last second; a year not over is refused. */
static void public_grain(void **state)
{
	struct ob_calendar cal = { .country = "SLV", .utc_offset = -360 };
	static const struct {
		long long clock;  /* UTC */
		const char *year;
		ob_err want;
		long year_out, from_day, to_day;
		long long now;
	} cases[] = {
		/* 2026-01-01T05:59:59Z is still 2025 in El Salvador: 2024 is the last over */
		{ 1767247199LL, NULL, OB_OK, 2024, 19723, 20088, 1735711199LL },
		/* 2026-01-01T06:00:00Z: 2025 is over, ending at 2026-01-01T05:59:59Z */
		{ 1767247200LL, NULL, OB_OK, 2025, 20089, 20453, 1767247199LL },
		{ 1767247200LL, "2025", OB_OK, 2025, 20089, 20453, 1767247199LL },
		{ 1767247200LL, "2019", OB_OK, 2019, 17897, 18261, 1577858399LL },
		{ 1767247199LL, "2025", OB_EINVAL, 0, 0, 0, 0 },
		{ 1767247200LL, "2026", OB_EINVAL, 0, 0, 0, 0 },
		{ 1767247200LL, "25", OB_EINVAL, 0, 0, 0, 0 },
		{ 1767247200LL, "2025-Q1", OB_EINVAL, 0, 0, 0, 0 },
		{ 1767247200LL, "20x5", OB_EINVAL, 0, 0, 0, 0 },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_case_stats_query q;
		struct ob_diag d;
		long y = 0;

		ob_case_stats_query_init(&q, cases[i].clock);
		ob_diag_clear(&d);
		assert_int_equal(ob_case_stats_public_query(&cal, cases[i].clock, cases[i].year, &q, &y,
		                                            &d),
		                 cases[i].want);
		if (cases[i].want) {
			assert_true(d.message[0] != '\0');
			continue;
		}
		assert_int_equal(y, cases[i].year_out);
		assert_int_equal(q.from_day, cases[i].from_day);
		assert_int_equal(q.to_day, cases[i].to_day);
		assert_int_equal(q.now, cases[i].now);
	}
	assert_false(ob_case_stats_public_by(OB_CASE_STATS_BY_MONTH));
	assert_true(ob_case_stats_public_by(OB_CASE_STATS_BY_QUARTER));
	assert_true(ob_case_stats_public_by(OB_CASE_STATS_BY_UNIT));
}

/* An account below analyst given no unit of a type acts in none (an
 * institution sees only what it was given); one of the observatory's
 * analysts given none acts in all; a grant limits either. */
static void units_rule(void **state)
{
	struct ob_case_type *t = ob_calloc(1, sizeof(*t));
	struct ob_case_actor admin = { "admin", OB_ROLE_ADMIN, NULL },
	                     sub = { "inst", OB_ROLE_SUBMITTER, "inst" },
	                     ana = { "ana", OB_ROLE_ANALYST, "ana" };
	struct ob_case_units u;
	struct ob_store *s;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_case_type_parse(type_text, strlen(type_text), "t.ini", t, &d), OB_OK);
	s = store_new();
	assert_int_equal(ob_case_units_load(s, t, &sub, &u, &d), OB_OK);
	assert_true(u.limited);
	assert_int_equal(u.n, 0);
	assert_false(ob_case_unit_allowed(&u, "A-1"));
	ob_case_units_release(&u);
	assert_int_equal(ob_case_units_load(s, t, &ana, &u, &d), OB_OK);
	assert_false(u.limited);
	assert_true(ob_case_unit_allowed(&u, "A-1"));
	ob_case_units_release(&u);
	assert_int_equal(ob_case_grant(s, t, &admin, "inst", "A-1", 1741996800LL, &d), OB_OK);
	assert_int_equal(ob_case_units_load(s, t, &sub, &u, &d), OB_OK);
	assert_true(u.limited);
	assert_true(ob_case_unit_allowed(&u, "A-1"));
	assert_false(ob_case_unit_allowed(&u, "A-2"));
	ob_case_units_release(&u);
	/* a type without units: all for the analyst, none for the submitter
	 * (a case without a unit is not listed for it) */
	t->unit_field = -1;
	assert_int_equal(ob_case_units_load(s, t, &sub, &u, &d), OB_OK);
	assert_true(u.limited);
	assert_false(ob_case_unit_allowed(&u, NULL));
	ob_case_units_release(&u);
	assert_int_equal(ob_case_units_load(s, t, &ana, &u, &d), OB_OK);
	assert_false(u.limited);
	ob_case_units_release(&u);
	store_remove(s);
	ob_case_type_release(t);
	free(t);
}

/* A move made from a case as it was read before another move came first
 * is refused (OB_EEXISTS: the API's 409) and leaves nothing: neither the
 * state nor an event. */
static void stale_move(void **state)
{
	struct ob_case_type *t = ob_calloc(1, sizeof(*t));
	struct ob_calendar cal = { .country = "SLV", .utc_offset = -360 };
	struct ob_case_actor admin = { "admin", OB_ROLE_ADMIN, NULL };
	struct ob_case_input in[] = { { "office", "A-1" } }, close_in[] = { { "outcome", "done" } };
	struct ob_store_case before, after;
	struct ob_store *s;
	struct ob_diag d;
	long long id = 0, event = 0, at = 1741996800LL;
	bool found = false;
	(void)state;

	assert_int_equal(ob_case_type_parse(type_text, strlen(type_text), "t.ini", t, &d), OB_OK);
	s = store_new();
	assert_int_equal(ob_case_open(s, t, &cal, &admin, at, in, 1, &id, &d), OB_OK);
	/* read by one hand; moved by another */
	assert_int_equal(ob_store_case_get(s, id, &before, &found, &d), OB_OK);
	assert_true(found);
	assert_int_equal(ob_case_move(s, t, &cal, &admin, id, "closed", at + 60, close_in, 1, &d),
	                 OB_OK);
	/* the first hand's move, from what it read */
	assert_int_equal(ob_store_case_move(s, &before, "closed", NULL, "2025-03-15T00:02:00Z",
	                                    "other", "admin", &event, &d),
	                 OB_EEXISTS);
	assert_true(strstr(d.message, "cambió mientras tanto") || strstr(d.message, "changed meanwhile"));
	assert_int_equal(ob_store_case_get(s, id, &after, &found, &d), OB_OK);
	assert_string_equal(after.state, "closed");
	assert_int_equal(after.events, before.events + 1);
	assert_int_equal(count(s, "SELECT count(*) FROM case_event WHERE actor = 'other'"), 0);
	store_remove(s);
	ob_case_type_release(t);
	free(t);
}

static char *alerts_text(const struct ob_case_set *set, const struct ob_calendar *cal,
                         long long now);
static char *read_text(struct ob_store *s, const struct ob_case_type *t,
                       const struct ob_calendar *cal, long long now);

/* ob_case_load reads whole tables as their rows lie: rows of another type
 * skipped, sparse ids found, a case's events put in order of seq when they
 * were written out of it; each case the same as ob_case_load_one reads it;
 * and the alerts read as a stream at a time before the last change (from
 * every case's history) are those of that set. */
static void load_order(void **state)
{
	static const char rule_text[] = "[severity.done]\nfield = outcome\nvalues = done\n";
	struct ob_case_type *t = ob_calloc(1, sizeof(*t));
	struct ob_calendar cal = { .country = "SLV", .utc_offset = -360 };
	struct ob_case_set all;
	struct ob_store *s;
	struct ob_diag d;
	char text[sizeof(type_text) + sizeof(rule_text)], *want, *got;
	(void)state;

	snprintf(text, sizeof(text), "%s%s", type_text, rule_text);
	assert_int_equal(ob_case_type_parse(text, strlen(text), "t.ini", t, &d), OB_OK);
	s = store_new();
	assert_int_equal(ob_store_exec(s,
		"INSERT INTO case_file(id, type, state, unit, opened_at, updated_at, events) VALUES"
		" (1, 't', 'open', 'A-1', '2025-03-01T00:00:00Z', '2025-03-01T00:00:00Z', 1),"
		" (2, 'u', 'open', NULL, '2025-03-01T00:00:00Z', '2025-03-01T00:00:00Z', 1),"
		" (50, 't', 'closed', NULL, '2025-03-02T00:00:00Z', '2025-03-03T00:00:00Z', 3),"
		" (100, 't', 'open', 'B-2', '2025-03-04T00:00:00Z', '2025-03-04T00:00:00Z', 1);"
		"INSERT INTO case_event(id, case_id, seq, at, actor, role, kind, state_from, state_to)"
		" VALUES (1, 100, 1, '2025-03-04T00:00:00Z', 'x', 'admin', 'open', NULL, 'open'),"
		" (2, 50, 3, '2025-03-03T00:00:00Z', 'x', 'admin', 'move', 'open', 'closed'),"
		" (3, 2, 1, '2025-03-01T00:00:00Z', 'x', 'admin', 'open', NULL, 'open'),"
		" (4, 50, 1, '2025-03-02T00:00:00Z', 'x', 'admin', 'open', NULL, 'open'),"
		" (5, 1, 1, '2025-03-01T00:00:00Z', 'x', 'admin', 'open', NULL, 'open'),"
		" (6, 50, 2, '2025-03-02T12:00:00Z', 'x', 'admin', 'move', 'closed', 'open');"
		"INSERT INTO case_value(case_id, field, value) VALUES (100, 'office', 'B-2'),"
		" (2, 'office', 'Z'), (50, 'outcome', 'done'), (1, 'office', 'A-1'),"
		" (50, 'note', 'n');", &d), OB_OK);
	assert_int_equal(ob_case_load(s, t, &all, &d), OB_OK);
	assert_int_equal(all.n, 3);
	for (size_t i = 0; i < all.n; i++) {
		const struct ob_case_rec *c = &all.cases[i];
		struct ob_case_set one;
		assert_int_equal(ob_case_load_one(s, t, c->id, &one, &d), OB_OK);
		assert_int_equal(one.n, 1);
		assert_int_equal(c->id, one.cases[0].id);
		assert_string_equal(c->unit, one.cases[0].unit);
		assert_int_equal(c->n_entries, one.cases[0].n_entries);
		for (size_t k = 0; k < c->n_entries; k++) {
			assert_int_equal(c->entries[k].state, one.cases[0].entries[k].state);
			assert_true(c->entries[k].at == one.cases[0].entries[k].at);
		}
		for (size_t f = 0; f < t->n_fields; f++) {
			const char *v = c->values[f], *w = one.cases[0].values[f];
			assert_true(v ? w && !strcmp(v, w) : !w);
		}
		ob_case_set_free(&one);
	}
	/* case 50: opened, closed, opened again, by seq, not as written */
	assert_int_equal(all.cases[1].id, 50);
	assert_int_equal(all.cases[1].n_entries, 3);
	assert_int_equal(all.cases[1].entries[0].state, 0);
	assert_int_equal(all.cases[1].entries[1].state, 0);
	assert_int_equal(all.cases[1].entries[2].state, 1);
	assert_true(all.cases[1].entries[1].at == 1740873600LL + 43200);
	assert_string_equal(all.cases[1].values[ob_case_field_index(t, "note")], "n");
	assert_string_equal(all.cases[0].unit, "A-1");
	assert_string_equal(all.cases[1].unit, "");
	/* at a time before the last change: the whole history */
	want = alerts_text(&all, &cal, 1740873600LL);
	got = read_text(s, t, &cal, 1740873600LL);
	assert_non_null(strstr(want, "severe 50 ")); /* case 50's outcome, open then */
	assert_string_equal(got, want);
	free(want);
	free(got);
	ob_case_set_free(&all);
	store_remove(s);
	ob_case_type_release(t);
	free(t);
}

/* The alerts of a set as text, one line each. */
static int alert_line(void *arg, const struct ob_case_alert *a)
{
	struct ob_buf *b = arg;

	ob_buf_putf(b, "%s %lld %s %d %s %s %lld", ob_case_alert_name(a->kind), a->case_id,
	            a->unit, a->state, a->rule, a->value ? a->value : "-",
	            a->due ? a->due->due : -1LL);
	for (size_t i = 0; i < a->n_ids; i++)
		ob_buf_putf(b, " %lld", a->ids[i]);
	ob_buf_putc(b, '\n');
	return 0;
}

static char *alerts_text(const struct ob_case_set *set, const struct ob_calendar *cal,
                         long long now)
{
	struct ob_buf b = OB_BUF_INIT(1 << 20);
	struct ob_diag d;

	assert_int_equal(ob_case_alerts(set, cal, now, alert_line, &b, &d), OB_OK);
	assert_false(ob_buf_failed(&b));
	return ob_buf_detach(&b, NULL);
}

/* The alerts of type t at now as ob_case_alerts_read gives them, as text. */
static char *read_text(struct ob_store *s, const struct ob_case_type *t,
                       const struct ob_calendar *cal, long long now)
{
	struct ob_buf b = OB_BUF_INIT(1 << 20);
	struct ob_diag d;
	bool read = false;

	assert_int_equal(ob_case_alerts_read(s, t, cal, now, alert_line, &b, &read, &d), OB_OK);
	assert_true(read);
	assert_false(ob_buf_failed(&b));
	return ob_buf_detach(&b, NULL);
}

/* The oracle of the notify scan: what it should queue at now, from the
 * alerts of every case loaded with its history (all), each key once and
 * only when the outbox does not hold it yet, one line each as
 * outbox_text() gives the rows. */
struct oracle {
	struct ob_store *s;
	const struct ob_case_set *all;
	long long now;
	struct ob_buf b;   /* starts with '\n': a key is "\nKEY " in it */
};

static int oracle_line(void *arg, const struct ob_case_alert *a)
{
	struct oracle *o = arg;
	const struct ob_case_type *t = o->all->type;
	char key[256], due[32] = "", find[260];
	int state = -1;
	sqlite3_stmt *st;
	struct ob_diag d;
	bool there;

	for (size_t i = 0; i < o->all->n; i++)
		if (o->all->cases[i].id == a->case_id)
			state = ob_case_state_at(&o->all->cases[i], o->now);
	if (a->due)
		ob_audit_time(a->due->due, due);
	if (a->kind == OB_CASE_REPEAT)
		snprintf(key, sizeof(key), "%s/repeat/%s/%lld", t->code, a->rule, a->case_id);
	else if (a->kind == OB_CASE_SEVERE)
		snprintf(key, sizeof(key), "%s/%lld/severe/%s", t->code, a->case_id, a->rule);
	else
		snprintf(key, sizeof(key), "%s/%lld/%s/%s/%s", t->code, a->case_id,
		         ob_case_alert_name(a->kind), a->rule, due);
	assert_int_equal(ob_store_prepare(o->s, "SELECT 1 FROM case_outbox WHERE key = ?1", &st, &d),
	                 OB_OK);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	there = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	snprintf(find, sizeof(find), "\n%s ", key);
	if (there || strstr(o->b.ptr, find))
		return 0;
	ob_buf_putf(&o->b, "%s %s %s %s %s %s %s %s\n", key, state >= 0 ? t->states[state].name : "?",
	            a->unit && a->unit[0] ? a->unit : "-", ob_case_alert_name(a->kind), a->rule,
	            due[0] ? due : "-", a->field ? a->field : "-", a->value ? a->value : "-");
	return 0;
}

/* The outbox rows after row `after`, by id, as oracle_line() writes them. */
static char *outbox_text(struct ob_store *s, long long after)
{
	struct ob_buf b = OB_BUF_INIT(1 << 20);
	sqlite3_stmt *st;
	struct ob_diag d;

	ob_buf_putc(&b, '\n');
	assert_int_equal(ob_store_prepare(s, "SELECT key, state, coalesce(unit, '-'), kind,"
	                                     " rule, coalesce(due, '-'), coalesce(field, '-'),"
	                                     " coalesce(value, '-') FROM case_outbox"
	                                     " WHERE id > ?1 ORDER BY id", &st, &d),
	                 OB_OK);
	sqlite3_bind_int64(st, 1, after);
	while (sqlite3_step(st) == SQLITE_ROW)
		for (int c = 0; c < 8; c++)
			ob_buf_putf(&b, "%s%c", (const char *)sqlite3_column_text(st, c),
			            c == 7 ? '\n' : ' ');
	sqlite3_finalize(st);
	assert_false(ob_buf_failed(&b));
	return ob_buf_detach(&b, NULL);
}

/* The notify scan of t at now queues what the oracle says, in its order. */
static void check_scan(struct ob_store *s, const struct ob_case_type *t,
                       const struct ob_calendar *cal, const struct ob_case_set *all,
                       long long now)
{
	struct oracle o = { .s = s, .all = all, .now = now, .b = OB_BUF_INIT(1 << 20) };
	long long last = count(s, "SELECT coalesce(max(id), 0) FROM case_outbox"), added = 0;
	struct ob_diag d;
	char *got;

	ob_buf_putc(&o.b, '\n');
	assert_int_equal(ob_case_alerts(all, cal, now, oracle_line, &o, &d), OB_OK);
	assert_false(ob_buf_failed(&o.b));
	assert_int_equal(ob_notify_scan(s, t, cal, now, &added, &d), OB_OK);
	got = outbox_text(s, last);
	assert_string_equal(got, o.b.ptr);
	/* the rows it says it added are the new ones */
	for (const char *p = got + 1; *p; p++)
		added -= *p == '\n';
	assert_int_equal(added, 0);
	free(got);
	ob_buf_release(&o.b);
}

/* The open cases' table (case_open) after every change the engine makes
 * (opens, moves, closures, reopenings, values set by a move, a unit
 * changed): the alerts read through it as a stream (ob_case_alerts_read),
 * at the last change and later, are
 * those of every case loaded with its whole history, and so are the
 * outbox rows the notify scan queues then (check_scan). */
static void open_table(void **state)
{
	static const char text[] =
		"[case]\ncode = t\nname = T\ncountry = SLV\ninitial = open\nunit = office\n"
		"[field.office]\ntype = text\n[field.due_on]\ntype = date\n"
		"[field.kind]\ntype = choice\nvalues = grave, mild\n"
		"[state.open]\nrequire = office\n[state.review]\n[state.closed]\nfinal = yes\n"
		"[transition.review]\nfrom = open\nto = review\nrole = analyst\n"
		"[transition.back]\nfrom = review\nto = open\nrole = analyst\n"
		"[transition.close]\nfrom = open, review\nto = closed\nrole = analyst\n"
		"[transition.reopen]\nfrom = closed\nto = open\nrole = analyst\n"
		"[deadline.first]\nstart = open\nwithin = 2 calendar days\nuntil = review\n"
		"soon = 1 calendar days\n"
		"[deadline.field]\nstart = field:due_on\nwithin = 1 calendar days\n"
		"[severity.grave]\nfield = kind\nvalues = grave\n"
		"[repeat.office]\nfield = office\nwindow = 30 calendar days\ncount = 2\n";
	struct ob_calendar cal = { .country = "SLV", .utc_offset = -360 };
	struct ob_case_actor ana = { "ana", OB_ROLE_ANALYST };
	struct ob_case_type *t = ob_calloc(1, sizeof(*t));
	const struct ob_case_input a1 = { "office", "A-1" }, b2 = { "office", "B-2" },
		grave = { "kind", "grave" }, mild = { "kind", "mild" },
		due = { "due_on", "2025-03-20" };
	long long at = 1741000000LL, ids[6];
	struct ob_store *s;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_case_type_parse(text, strlen(text), "t.ini", t, &d), OB_OK);
	s = store_new();
	/* each step: an engine change at `at`, then the check */
	for (int step = 0; step < 14; step++, at += 86400) {
		const struct ob_case_input in2[2] = { a1, step % 3 ? mild : grave };
		ob_err e = OB_OK;

		switch (step) {
		case 0: case 1: case 2: case 3: case 4: case 5:
			e = ob_case_open(s, t, &cal, &ana, at, in2, 2, &ids[step], &d);
			break;
		case 6: e = ob_case_move(s, t, &cal, &ana, ids[0], "review", at, NULL, 0, &d); break;
		case 7: e = ob_case_move(s, t, &cal, &ana, ids[1], "closed", at, NULL, 0, &d); break;
		case 8: e = ob_case_move(s, t, &cal, &ana, ids[0], "open", at, &grave, 1, &d); break;
		case 9: e = ob_case_move(s, t, &cal, &ana, ids[2], "review", at, &b2, 1, &d); break;
		case 10: e = ob_case_move(s, t, &cal, &ana, ids[3], "closed", at, NULL, 0, &d); break;
		case 11: e = ob_case_move(s, t, &cal, &ana, ids[1], "open", at, &due, 1, &d); break;
		case 12: e = ob_case_move(s, t, &cal, &ana, ids[4], "review", at, &mild, 1, &d); break;
		default: e = ob_case_move(s, t, &cal, &ana, ids[5], "review", at, &due, 1, &d); break;
		}
		assert_int_equal(e, OB_OK);
		for (long long later = 0; later <= 40 * 86400; later += 86400 / 2 + later) {
			struct ob_case_set all;
			char *want, *got;

			assert_int_equal(ob_case_load(s, t, &all, &d), OB_OK);
			want = alerts_text(&all, &cal, at + later);
			got = read_text(s, t, &cal, at + later);
			assert_string_equal(got, want);
			free(want);
			free(got);
			check_scan(s, t, &cal, &all, at + later);
			ob_case_set_free(&all);
		}
	}
	/* the table holds the open cases only: all but ids[3] */
	assert_int_equal(count(s, "SELECT count(*) FROM case_open"), 5);
	assert_int_equal(count(s, "SELECT count(*) FROM case_open o JOIN case_file c"
	                          " ON c.id = o.case_id AND c.state = o.state"
	                          " AND c.unit IS o.unit"), 5);
	store_remove(s);
	ob_case_type_release(t);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(engine),
		cmocka_unit_test(set_values),
		cmocka_unit_test(public_form),
		cmocka_unit_test(public_grain),
		cmocka_unit_test(units_rule),
		cmocka_unit_test(stale_move),
		cmocka_unit_test(load_order),
		cmocka_unit_test(open_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
