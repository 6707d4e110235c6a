/* test_casetype.c - case types as data: the shipped salve and vcm-judicial
 * types read, transitions refused by role, by the absence of a transition
 * and by missing required fields, values checked and normalised, refused
 * type files with their line and column, and deadlines and alerts of
 * cases at chosen times. */
#include "test.h"

#include "base/file.h"
#include "cases/cases.h"
#include "io/date.h"

#include <stdlib.h>

static void load_file(const char *rel, char **text, size_t *len, char *path, size_t size)
{
	const char *data = getenv("OBSERVA_DATA");
	struct ob_diag d;

	assert_non_null(data);
	snprintf(path, size, "%s/catalog/%s", data, rel);
	ob_diag_clear(&d);
	if (ob_read_file(path, OB_MAX_CONFIG_FILE, text, len, &d))
		fail_msg("%s: %s", path, d.message);
}

static struct ob_case_type *load_type(const char *code)
{
	struct ob_case_type *t = ob_calloc(1, sizeof(*t));
	char path[OB_MAX_PATH], rel[128];
	struct ob_diag d;
	char *text;
	size_t len;

	snprintf(rel, sizeof(rel), "cases/%s.ini", code);
	load_file(rel, &text, &len, path, sizeof(path));
	ob_diag_clear(&d);
	if (ob_case_type_parse(text, len, path, t, &d))
		fail_msg("%s:%ld:%ld: %s", path, d.line, d.column, d.message);
	free(text);
	assert_string_equal(t->code, code);
	return t;
}

static void load_calendar(const char *country, struct ob_calendar *cal)
{
	char path[OB_MAX_PATH], rel[128];
	struct ob_diag d;
	char *text;
	size_t len;

	snprintf(rel, sizeof(rel), "calendars/%s.ini", country);
	load_file(rel, &text, &len, path, sizeof(path));
	ob_diag_clear(&d);
	if (ob_calendar_parse(text, len, path, cal, &d))
		fail_msg("%s: %s", path, d.message);
	free(text);
}

static void free_type(struct ob_case_type *t)
{
	ob_case_type_release(t);
	free(t);
}

static unsigned long long fields(const struct ob_case_type *t, const char *list)
{
	unsigned long long m = 0;
	char buf[512];

	ob_strlcpy(buf, list, sizeof(buf));
	for (char *p = buf, *q; p && *p; p = q) {
		int f;
		if ((q = strchr(p, ',')))
			*q++ = '\0';
		f = ob_case_field_index(t, p);
		if (f < 0)
			fail_msg("no field %s", p);
		m |= 1ull << f;
	}
	return m;
}

static void shipped_types(void **state)
{
	struct ob_case_type *s = load_type("salve"), *v = load_type("vcm-judicial");
	int f;
	(void)state;

	assert_string_equal(s->country, "SLV");
	assert_string_equal(s->states[s->initial].name, "reported");
	assert_string_equal(s->fields[s->unit_field].name, "school");
	f = ob_case_field_index(s, "category");
	assert_int_equal(s->fields[f].type, OB_CASE_CHOICE);
	assert_int_equal(s->fields[f].n_choices, 7);
	assert_true(s->fields[ob_case_field_index(s, "aggressor")].protected);
	assert_false(s->fields[ob_case_field_index(s, "school")].protected);
	assert_int_equal(s->n_deadlines, 1);
	assert_int_equal(s->deadlines[0].within.unit, OB_CASE_HOURS);
	assert_int_equal(s->deadlines[0].within.n, 24);
	assert_int_equal(s->n_severities, 2);
	assert_int_equal(s->n_repeats, 2);
	assert_true(s->states[ob_case_state_index(s, "closed")].final);

	assert_string_equal(v->states[v->initial].name, "filed");
	assert_int_equal(v->n_deadlines, 2);
	assert_int_equal(v->deadlines[0].within.unit, OB_CASE_BUSINESS_DAYS);
	assert_int_equal(v->deadlines[0].within.n, 10);
	assert_true(v->deadlines[0].courts);
	assert_true(v->deadlines[1].recurring);
	assert_int_equal(v->deadlines[1].within.n, 30);
	assert_int_equal(v->deadlines[1].start_field, ob_case_field_index(v, "measures_ordered_on"));
	assert_int_equal(v->deadlines[1].reset_field, ob_case_field_index(v, "measures_reviewed_on"));
	free_type(s);
	free_type(v);
}

static void transitions(void **state)
{
	struct ob_case_type *t = load_type("salve");
	int reported = ob_case_state_index(t, "reported"), triaged = ob_case_state_index(t, "triaged");
	int referred = ob_case_state_index(t, "referred"), closed = ob_case_state_index(t, "closed");
	unsigned long long opened = fields(t, "school,territory,category");
	unsigned long long ready = opened | fields(t, "priority,weapon");
	struct ob_diag d;
	int tr = -1;
	(void)state;

	/* an analyst may not triage: the message names the role that may */
	ob_diag_clear(&d);
	assert_int_equal(ob_case_type_check_move(t, reported, triaged, OB_ROLE_ANALYST, ready, &tr, &d),
	                 OB_EINVAL);
	assert_non_null(strstr(d.message, "el rol analyst no puede"));
	assert_non_null(strstr(d.message, "lo hace el rol steward"));
	/* nor may a submitter (beside the line of roles) */
	assert_int_equal(ob_case_type_check_move(t, reported, triaged, OB_ROLE_SUBMITTER, ready, &tr, &d),
	                 OB_EINVAL);
	/* a steward may, when the fields are there */
	ob_diag_clear(&d);
	assert_int_equal(ob_case_type_check_move(t, reported, triaged, OB_ROLE_STEWARD, ready, &tr, &d),
	                 OB_OK);
	assert_string_equal(t->transitions[tr].name, "triage");
	/* and an administrator too */
	assert_int_equal(ob_case_type_check_move(t, reported, triaged, OB_ROLE_ADMIN, ready, &tr, &d),
	                 OB_OK);
	/* missing required fields are named */
	ob_diag_clear(&d);
	assert_int_equal(ob_case_type_check_move(t, reported, triaged, OB_ROLE_STEWARD, opened, &tr, &d),
	                 OB_EINVAL);
	assert_non_null(strstr(d.message, "exige los campos: weapon, priority"));
	assert_int_equal(ob_case_missing(t, triaged, opened), fields(t, "priority,weapon"));
	/* no transition leads from reported to referred: the allowed are listed */
	ob_diag_clear(&d);
	assert_int_equal(ob_case_type_check_move(t, reported, referred, OB_ROLE_ADMIN, ~0ull, &tr, &d),
	                 OB_EINVAL);
	assert_non_null(strstr(d.message, "se puede pasar a: triaged, closed"));
	/* nothing leaves a final state */
	ob_diag_clear(&d);
	assert_int_equal(ob_case_type_check_move(t, closed, triaged, OB_ROLE_ADMIN, ~0ull, &tr, &d),
	                 OB_EINVAL);
	assert_non_null(strstr(d.message, "(ninguno / none)"));
	/* closing needs its reason */
	assert_int_equal(ob_case_type_check_move(t, referred, closed, OB_ROLE_STEWARD,
	                                         ready | fields(t, "referred_to"), &tr, &d),
	                 OB_EINVAL);
	assert_non_null(strstr(d.message, "closure"));
	free_type(t);
}

static void values(void **state)
{
	struct ob_case_type *t = load_type("vcm-judicial");
	static const struct {
		const char *field, *in, *out; /* out NULL: refused */
	} table[] = {
		{ "measures_ordered_on", "15/03/2025", "2025-03-15" },
		{ "measures_ordered_on", "2025-03-15", "2025-03-15" },
		{ "measures_ordered_on", "2025-02-30", NULL },
		{ "measures_ordered_on", "03/2025", NULL },
		{ "violence", "femicidal", "femicidal" },
		{ "violence", "robbery", NULL },
		{ "violence", "Femicidal", NULL },
		{ "case_number", "VM-12-2025", "VM-12-2025" },
		{ "case_number", "a\tb", NULL },
		{ "case_number", "", NULL },
		{ "victim", "Ana María López", "Ana María López" },
	};
	char out[OB_MAX_CASE_VALUE + 1];
	struct ob_diag d;
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(table); i++) {
		int f = ob_case_field_index(t, table[i].field);
		ob_err e;

		ob_diag_clear(&d);
		e = ob_case_value_check(t, f, table[i].in, -360, out, sizeof(out), &d);
		if (table[i].out ? e != OB_OK || strcmp(out, table[i].out) : e != OB_EINVAL)
			fail_msg("%s=«%s»: %s «%s»", table[i].field, table[i].in, ob_err_name(e),
			         e ? d.message : out);
		if (e) {
			assert_string_equal(d.file, table[i].field);
			/* (a control character is shown as '?') */
			assert_int_equal(strlen(d.value), strlen(table[i].in));
		}
	}
	{
		long long tm;
		assert_true(ob_case_time_parse("2025-03-15T10:00", -360, &tm));
		assert_int_equal(tm, 1742054400LL);
		assert_true(ob_case_time_parse("2025-03-15 16:00:00Z", -360, &tm));
		assert_int_equal(tm, 1742054400LL);
		assert_true(ob_case_time_parse("2025-03-15T11:00-05:00", -360, &tm));
		assert_int_equal(tm, 1742054400LL);
		assert_true(ob_case_time_parse("2025-03-15", -360, &tm));
		assert_int_equal(tm, 1742018400LL);
		assert_false(ob_case_time_parse("2025-03-15T25:00", -360, &tm));
		assert_false(ob_case_time_parse("15/03/2025", -360, &tm));
		assert_false(ob_case_time_parse("2025-02-29", -360, &tm));
		assert_false(ob_case_time_parse("2025-03-15T10:00+", -360, &tm));
	}
	free_type(t);
}

static void refused_files(void **state)
{
	static const char head[] = "[case]\ncode = x\nname = X\ncountry = SLV\ninitial = a\n"
	                           "[field.f]\ntype = text\n[state.a]\nrequire = f\n";
	static const struct {
		const char *tail;
		long line, column;
		const char *value, *why;
	} bad[] = {
		{ "[transition.t]\nfrom = a\nto = zz\nrole = steward\n", 12, 6, "zz", "estado" },
		{ "[transition.t]\nfrom = a\nto = a\nrole = judge\n", 13, 8, "judge", "rol" },
		{ "[state.b]\nrequire = f, g\n", 11, 11, "f, g", "campo desconocido" },
		{ "[field.g]\ntype = number\n", 11, 8, "number", "integer" },
		{ "[deadline.d]\nstart = a\nwithin = 10 working days\n", 12, 10, "10 working days",
		  "business days" },
		{ "[deadline.d]\nstart = field:f\nwithin = 1 day\n", 11, 9, "field:f", "date" },
		{ "[rule.d]\n", 10, 1, "rule.d", "[deadline.X]" },
		{ "[state.a]\n", 10, 1, "state.a", "repetida" },
		{ "[field.F]\n", 10, 1, "field.F", "a-z" },
		{ "[transition.t]\nfrom = a\n", 10, 1, "t", "necesita from, to y role" },
		{ "[repeat.r]\nfield = f\nwindow = 2 hours\ncount = 2\n", 12, 10, "2 hours",
		  "calendar days" },
		{ "[field.g]\ntype = choice\n", 10, 1, "g", "values" },
		{ "[field.g]\ntype = text\nprotected = yes\n[case]\nunit = g\n", 10, 1, "g",
		  "unit no puede ser un campo protegido" },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
		struct ob_case_type *t = ob_calloc(1, sizeof(*t));
		char text[1024];
		struct ob_diag d;
		ob_err e;

		snprintf(text, sizeof(text), "%s%s", head, bad[i].tail);
		ob_diag_clear(&d);
		e = ob_case_type_parse(text, strlen(text), "x.ini", t, &d);
		if (e == OB_OK)
			fail_msg("case %zu: accepted", i);
		if (d.line != bad[i].line || d.column != bad[i].column || strcmp(d.value, bad[i].value) ||
		    !strstr(d.message, bad[i].why))
			fail_msg("case %zu: %ld:%ld «%s» %s", i, d.line, d.column, d.value, d.message);
		free_type(t);
	}
	{
		/* the head alone is a valid type */
		struct ob_case_type *t = ob_calloc(1, sizeof(*t));
		struct ob_diag d;
		assert_int_equal(ob_case_type_parse(head, strlen(head), "x.ini", t, &d), OB_OK);
		free_type(t);
	}
}

/* A case that entered the given states at the given UTC times. */
static void add_entry(struct ob_case_rec *c, const struct ob_case_type *t, const char *state,
                      const char *at)
{
	long long tm;

	assert_true(ob_case_time_parse(at, 0, &tm));
	c->entries = ob_realloc(c->entries, (c->n_entries + 1) * sizeof(*c->entries));
	c->entries[c->n_entries++] = (struct ob_case_entry){ ob_case_state_index(t, state), tm };
}

static void free_recs(struct ob_case_rec *c, size_t n, size_t n_fields)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t f = 0; f < n_fields; f++)
			free(c[i].values[f]);
		free(c[i].values);
		free(c[i].entries);
	}
}

struct collected {
	char text[2048];
};

static int collect(void *arg, const struct ob_case_alert *a)
{
	struct collected *c = arg;
	size_t n = strlen(c->text);

	snprintf(c->text + n, sizeof(c->text) - n, "%s:%lld:%s;", ob_case_alert_name(a->kind),
	         a->case_id, a->rule);
	return 0;
}

static const char *alerts_at(const struct ob_case_set *set, const struct ob_calendar *cal,
                             const char *now, struct collected *c)
{
	struct ob_diag d;
	long long t;

	c->text[0] = '\0';
	assert_true(ob_case_time_parse(now, cal->utc_offset, &t));
	ob_diag_clear(&d);
	if (ob_case_alerts(set, cal, t, collect, c, &d))
		fail_msg("alerts: %s", d.message);
	return c->text;
}

static void deadlines_and_alerts(void **state)
{
	struct ob_case_type *v = load_type("vcm-judicial"), *s = load_type("salve");
	struct ob_case_rec vc[1] = { 0 }, sc[4] = { 0 };
	struct ob_case_set vset = { v, vc, 1 }, sset = { s, sc, 4 };
	struct ob_calendar cal;
	struct ob_case_due due;
	struct collected got;
	struct ob_diag d;
	char day[16];
	long long now;
	(void)state;

	load_calendar("SLV", &cal);
	/* a court case admitted on Wednesday 9 April 2025, 09:00 local: the
	 * hearing falls due 10 business days later, Holy Week being recess */
	vc[0].id = 1;
	vc[0].values = ob_calloc(v->n_fields, sizeof(char *));
	add_entry(&vc[0], v, "filed", "2025-04-08T15:00:00Z");
	add_entry(&vc[0], v, "admission", "2025-04-09T15:00:00Z");
	vc[0].values[ob_case_field_index(v, "measures_ordered_on")] = ob_strdup("2025-04-09");
	assert_true(ob_case_time_parse("2025-04-10T12:00", -360, &now));
	assert_int_equal(ob_case_deadline_due(v, &cal, &v->deadlines[0], &vc[0], now, &due, &d), OB_OK);
	assert_true(due.active);
	assert_true(due.day_based);
	{
		struct ob_date dt;
		ob_date_from_days(due.due_day, &dt);
		ob_date_format(&dt, day, sizeof(day));
	}
	assert_string_equal(day, "2025-04-30");
	/* the end of that day, local time */
	assert_true(ob_case_time_parse("2025-04-30T23:59:59", -360, &now));
	assert_int_equal(due.due, now);
	/* before admission the hearing's clock had not started */
	assert_true(ob_case_time_parse("2025-04-09T08:00", -360, &now));
	assert_int_equal(ob_case_deadline_due(v, &cal, &v->deadlines[0], &vc[0], now, &due, &d), OB_OK);
	assert_false(due.active);
	/* the measures' review: every 30 days from the order, 9 May */
	assert_string_equal(alerts_at(&vset, &cal, "2025-05-07T10:00", &got),
	                    "overdue:1:hearing;due-soon:1:measures_review;");
	assert_string_equal(alerts_at(&vset, &cal, "2025-04-28T10:00", &got),
	                    "due-soon:1:hearing;");
	assert_string_equal(alerts_at(&vset, &cal, "2025-04-30T23:00", &got),
	                    "due-today:1:hearing;");
	assert_string_equal(alerts_at(&vset, &cal, "2025-05-01T00:00", &got),
	                    "overdue:1:hearing;");
	assert_string_equal(alerts_at(&vset, &cal, "2025-05-09T08:00", &got),
	                    "overdue:1:hearing;due-today:1:measures_review;");
	/* a review on 5 May restarts the 30 days: 4 June */
	vc[0].values[ob_case_field_index(v, "measures_reviewed_on")] = ob_strdup("2025-05-05");
	assert_string_equal(alerts_at(&vset, &cal, "2025-05-10T08:00", &got), "overdue:1:hearing;");
	assert_string_equal(alerts_at(&vset, &cal, "2025-06-05T08:00", &got),
	                    "overdue:1:hearing;overdue:1:measures_review;");
	/* the hearing held: that deadline ends, the review goes on */
	add_entry(&vc[0], v, "hearing", "2025-05-02T15:00:00Z");
	assert_string_equal(alerts_at(&vset, &cal, "2025-06-05T08:00", &got),
	                    "overdue:1:measures_review;");
	/* a femicidal case escalates at once */
	vc[0].values[ob_case_field_index(v, "violence")] = ob_strdup("femicidal");
	assert_string_equal(alerts_at(&vset, &cal, "2025-05-10T08:00", &got),
	                    "severe:1:femicidal;");

	/* SALVE: reports triaged within 24 hours; 3 reports of one school
	 * within 30 days repeat; sexual violence escalates */
	for (int i = 0; i < 4; i++) {
		static const char *const opened[] = { "2025-03-01T16:00:00Z", "2025-03-10T16:00:00Z",
		                                      "2025-03-20T16:00:00Z", "2025-03-03T16:00:00Z" };
		sc[i].id = i + 1;
		sc[i].values = ob_calloc(s->n_fields, sizeof(char *));
		sc[i].values[ob_case_field_index(s, "school")] = ob_strdup(i < 3 ? "CE-1" : "CE-2");
		sc[i].values[ob_case_field_index(s, "category")] =
			ob_strdup(i == 3 ? "sexual_violence" : "bullying");
		add_entry(&sc[i], s, "reported", opened[i]);
		if (i < 2)
			add_entry(&sc[i], s, "triaged", i == 0 ? "2025-03-02T10:00:00Z"
			                                       : "2025-03-11T10:00:00Z");
	}
	/* 3 March 10:00 local: case 4 opened at that very time; case 1 triaged */
	assert_string_equal(alerts_at(&sset, &cal, "2025-03-03T10:00", &got), "severe:4:sexual_violence;");
	/* due at 10:00 the next day: that day it is due today */
	assert_string_equal(alerts_at(&sset, &cal, "2025-03-03T23:59", &got), "severe:4:sexual_violence;");
	assert_string_equal(alerts_at(&sset, &cal, "2025-03-04T00:00", &got),
	                    "severe:4:sexual_violence;due-today:4:triage;");
	assert_string_equal(alerts_at(&sset, &cal, "2025-03-04T09:59", &got),
	                    "severe:4:sexual_violence;due-today:4:triage;");
	assert_string_equal(alerts_at(&sset, &cal, "2025-03-04T10:01", &got),
	                    "severe:4:sexual_violence;overdue:4:triage;");
	/* 21 March: case 3 waits for triage; cases 1, 2, 3 of school CE-1 within 30 days */
	assert_string_equal(alerts_at(&sset, &cal, "2025-03-21T08:00", &got),
	                    "severe:4:sexual_violence;overdue:4:triage;due-today:3:triage;"
	                    "repeat:3:school;");
	/* 1 April: case 1 (1 March) is out of the window */
	assert_string_equal(alerts_at(&sset, &cal, "2025-04-01T08:00", &got),
	                    "severe:4:sexual_violence;overdue:3:triage;overdue:4:triage;");
	free_recs(vc, 1, v->n_fields);
	free_recs(sc, 4, s->n_fields);
	ob_calendar_release(&cal);
	free_type(v);
	free_type(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_types),
		cmocka_unit_test(transitions),
		cmocka_unit_test(values),
		cmocka_unit_test(refused_files),
		cmocka_unit_test(deadlines_and_alerts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
