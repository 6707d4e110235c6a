/* test_casetype.c - case types as data: the shipped salve and vcm-judicial
 * types read, transitions refused by role, by the absence of a transition
 * and by missing required fields, values checked and normalised, refused
 * type files with their line and column, and deadlines and alerts of
 * cases at chosen times; the missing-persons type's rules of publication,
 * filters and statistics; the periods and groups of the statistics of a
 * type; the schools catalogue read and refused with its line and column,
 * and the shipped salve type's school field and records section; one
 * type of a catalogue read alone. */
#include "test.h"

#include "base/file.h"
#include "cases/cases.h"
#include "cases/missing.h"
#include "cases/records.h"
#include "cases/schools.h"
#include "cases/stats.h"
#include "io/date.h"

#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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
	assert_false(s->public_form); /* the public form is off unless the file says so */
	/* a choice's words, English when given, else Spanish, else the value */
	assert_string_equal(ob_case_choice_label(&s->fields[f], "bullying", false),
	                    "Acoso escolar (bullying)");
	assert_string_equal(ob_case_choice_label(&s->fields[f], "bullying", true), "Bullying");
	assert_string_equal(ob_case_choice_label(&s->fields[f], "nada", true), "nada");
	assert_null(ob_case_choice_label(&s->fields[f], NULL, false));
	for (size_t k = 0; k < s->n_fields; k++)
		if (s->fields[k].type == OB_CASE_CHOICE)
			for (size_t i = 0; i < s->fields[k].n_choices; i++)
				if (ob_case_choice_label(&s->fields[k], s->fields[k].choices[i], false) ==
				    s->fields[k].choices[i])
					fail_msg("salve: %s=%s without its words", s->fields[k].name,
					         s->fields[k].choices[i]);
	assert_true(s->fields[ob_case_field_index(s, "description")].long_text);
	assert_false(s->fields[ob_case_field_index(s, "victim")].long_text);

	assert_string_equal(v->states[v->initial].name, "filed");
	assert_int_equal(v->n_deadlines, 2);
	assert_int_equal(v->deadlines[0].within.unit, OB_CASE_BUSINESS_DAYS);
	assert_int_equal(v->deadlines[0].within.n, 10);
	assert_true(v->deadlines[0].courts);
	assert_true(v->deadlines[1].recurring);
	assert_int_equal(v->deadlines[1].within.n, 30);
	assert_int_equal(v->deadlines[1].start_field, ob_case_field_index(v, "measures_ordered_on"));
	assert_int_equal(v->deadlines[1].reset_field, ob_case_field_index(v, "measures_reviewed_on"));
	/* the statistics: public; SALVE's under the minors' rule */
	assert_true(s->stats.public && v->stats.public);
	assert_true(s->stats.counts >> ob_case_field_index(s, "category") & 1ull);
	assert_false(s->stats.counts >> ob_case_field_index(s, "victim") & 1ull);
	assert_int_equal(s->stats.sdc_classes, OB_SDC_MINORS);
	assert_int_equal(s->stats.measure, -1);
	assert_int_equal(v->stats.measure, ob_case_field_index(v, "measures_ordered_on"));
	assert_true(v->stats.measure_states >> ob_case_state_index(v, "admission") & 1u);
	assert_false(v->stats.measure_states >> ob_case_state_index(v, "filed") & 1u);
	free_type(s);
	free_type(v);
}

/* The periods and the groups of "observa case stats". */
static void stats_periods(void **state)
{
	static const struct {
		const char *in;
		const char *first, *last; /* NULL: refused */
	} p[] = {
		{ "2025", "2025-01-01", "2025-12-31" },   { "2025-Q1", "2025-01-01", "2025-03-31" },
		{ "2024-Q4", "2024-10-01", "2024-12-31" }, { "2024-02", "2024-02-01", "2024-02-29" },
		{ "2025-02", "2025-02-01", "2025-02-28" }, { "2025-06-30", "2025-06-30", "2025-06-30" },
		{ "2025-13", NULL, NULL },                 { "2025-Q5", NULL, NULL },
		{ "2025-02-30", NULL, NULL },              { "25", NULL, NULL },
		{ "2025-1", NULL, NULL },                  { "2025/06", NULL, NULL },
	};
	struct ob_case_type *v = load_type("vcm-judicial");
	enum ob_case_stats_by by;
	int field;
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(p); i++) {
		long a, b;
		struct ob_date da, db;
		char sa[16], sb[16];
		bool ok = ob_case_stats_period(p[i].in, false, &a) && ob_case_stats_period(p[i].in, true, &b);
		if (ok != (p[i].first != NULL))
			fail_msg("%s: %s", p[i].in, ok ? "accepted" : "refused");
		if (!ok)
			continue;
		ob_date_from_days(a, &da);
		ob_date_from_days(b, &db);
		snprintf(sa, sizeof(sa), "%04d-%02d-%02d", da.year, da.month, da.day);
		snprintf(sb, sizeof(sb), "%04d-%02d-%02d", db.year, db.month, db.day);
		assert_string_equal(sa, p[i].first);
		assert_string_equal(sb, p[i].last);
	}
	assert_true(ob_case_stats_by_parse(v, "quarter", &by, &field));
	assert_int_equal(by, OB_CASE_STATS_BY_QUARTER);
	assert_true(ob_case_stats_by_parse(v, "violence", &by, &field));
	assert_int_equal(by, OB_CASE_STATS_BY_FIELD);
	assert_int_equal(field, ob_case_field_index(v, "violence"));
	assert_false(ob_case_stats_by_parse(v, "victim", &by, &field)); /* protected */
	assert_false(ob_case_stats_by_parse(v, "nothing", &by, &field));
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
		{ "[field.g]\ntype = text\nprotected = yes\npublic = yes\n", 10, 1, "g",
		  "consentimiento" },
		{ "[field.g]\ntype = text\npublic_if = f\n", 12, 13, "f", "choice con el valor yes" },
		{ "[publish]\nstates = a, b\n", 11, 10, "a, b", "estado desconocido" },
		{ "[publish]\nage = f\n", 11, 7, "f", "integer" },
		{ "[publish]\nadult_age = 0\n", 11, 13, "0", "edad" },
		{ "[publish]\nminor = f\n", 11, 1, "minor", "clave desconocida" },
		{ "[case]\npublic_form = maybe\n", 11, 15, "maybe", "yes o no" },
		{ "[field.g]\ntype = choice\nvalues = p, q\nlabel.r = Erre\n", 13, 1, "label.r",
		  "no está en values" },
		{ "[field.g]\ntype = text\nlabel_en.p = Pe\n", 12, 1, "label_en.p", "solo un campo choice" },
		{ "[field.g]\ntype = date\nlong = yes\n", 10, 1, "g", "solo para un campo text" },
		{ "[field.g]\ntype = text\nlong = muy\n", 12, 8, "muy", "yes o no" },
		{ "[stats]\ncounts = f\n", 11, 10, "f", "choice no protegidos" },
		{ "[stats]\nmeasure = g\n", 11, 11, "g", "no protegido" },
		{ "[stats]\npublic = quizas\n", 11, 10, "quizas", "yes o no" },
		{ "[stats]\ndisclosure = kids\n", 11, 14, "kids", "minors" },
		{ "[stats]\nmeasure_states = a, z\n", 11, 18, "a, z", "estado desconocido" },
		{ "[stats]\nfoo = 1\n", 11, 1, "foo", "clave desconocida" },
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

/* The fields of a case in state `state` that the public sees, given as
 * "field=value" pairs. */
static unsigned long long public_of(const struct ob_case_type *t, const char *state,
                                    const char *const *kv, size_t n)
{
	char *values[OB_MAX_CASE_FIELDS] = { 0 };
	char buf[OB_MAX_CASE_FIELDS][64];
	unsigned long long m;

	assert_true(n <= OB_MAX_CASE_FIELDS);
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(kv[i], '=');
		int f;
		ob_strlcpy(buf[i], kv[i], (size_t)(eq - kv[i]) + 1);
		if ((f = ob_case_field_index(t, buf[i])) < 0)
			fail_msg("no field %s", buf[i]);
		ob_strlcpy(buf[i], eq + 1, sizeof(buf[i]));
		values[f] = buf[i];
	}
	m = ob_case_public_fields(t, ob_case_state_index(t, state), values);
	return m;
}

static void publication(void **state)
{
	struct ob_case_type *t = load_type("missing-persons");
	const char *adult[] = { "office=pnc-ss", "reported_on=2024-03-02",
		                "missing_since=2024-03-01", "last_seen_territory=SV0614",
		                "sex=f", "age=34", "name=Ana", "description=alta",
		                "photo=p1.jpg", "document=0123", "reporter_name=Luz",
		                "publication_consent=yes", "photo_consent=no" };
	const char *child[] = { "office=pnc-ss", "sex=m", "age=12", "name=Beto",
		                "photo=p2.jpg", "publication_consent=yes", "photo_consent=yes" };
	const char *agent[] = { "office=pnc-ss", "sex=m", "name=Beto", "photo=p2.jpg",
		                "publication_consent=yes", "photo_consent=yes" };
	unsigned long long base;
	char buf[OB_MAX_CASE_VALUE + 1];
	struct ob_diag d;
	(void)state;

	assert_int_equal(t->fields[ob_case_field_index(t, "last_seen_point")].type, OB_CASE_POINT);
	assert_true(t->fields[ob_case_field_index(t, "name")].protected);
	assert_int_equal(t->publish.adult_age, 18);
	base = fields(t, "reported_on,missing_since,last_seen_territory,sex,age");
	/* an adult with consent to publish the name, not the photo */
	assert_true(public_of(t, "missing", adult, OB_ARRAY_SIZE(adult)) ==
	            (base | fields(t, "name,description")));
	assert_true(public_of(t, "located_alive", adult, OB_ARRAY_SIZE(adult)) ==
	            (base | fields(t, "name,description")));
	/* located dead or closed: nothing public */
	assert_true(public_of(t, "located_dead", adult, OB_ARRAY_SIZE(adult)) == 0);
	assert_true(public_of(t, "closed", adult, OB_ARRAY_SIZE(adult)) == 0);
	assert_false(ob_case_state_public(t, ob_case_state_index(t, "closed")));
	/* without consent the name goes too */
	adult[11] = "publication_consent=no";
	assert_true(public_of(t, "missing", adult, OB_ARRAY_SIZE(adult)) == base);
	/* a child: neither name nor photo, even with both consents... */
	assert_true(public_of(t, "missing", child, OB_ARRAY_SIZE(child)) == fields(t, "sex,age"));
	/* ...unless publication as a minor is expressly authorised */
	{
		const char *c2[] = { "sex=m", "age=12", "name=Beto", "photo=p2.jpg",
			             "publication_consent=yes", "photo_consent=yes",
			             "minor_consent=yes" };
		assert_true(public_of(t, "missing", c2, OB_ARRAY_SIZE(c2)) ==
		            fields(t, "sex,age,name,photo"));
	}
	/* no age given: treated as a minor */
	assert_true(public_of(t, "missing", agent, OB_ARRAY_SIZE(agent)) == fields(t, "sex"));
	/* points */
	ob_diag_clear(&d);
	assert_int_equal(ob_case_value_check(t, ob_case_field_index(t, "last_seen_point"),
	                                     "13.69,-89.19", 0, buf, sizeof(buf), &d), OB_OK);
	assert_string_equal(buf, "13.690000,-89.190000");
	assert_int_equal(ob_case_value_check(t, ob_case_field_index(t, "last_seen_point"),
	                                     "93.1,-89.19", 0, buf, sizeof(buf), &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "latitud"));
	assert_int_equal(ob_case_value_check(t, ob_case_field_index(t, "last_seen_point"),
	                                     "13.69", 0, buf, sizeof(buf), &d), OB_EINVAL);
	free_type(t);
}

/* A missing-person report: its fields "k=v;k=v" and the states it entered
 * (state names, in order). */
static void missing_rec(struct ob_case_rec *c, const struct ob_case_type *t, long long id,
                        const char *kv, const char *states)
{
	char buf[512];

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->values = ob_calloc(t->n_fields, sizeof(*c->values));
	ob_strlcpy(buf, kv, sizeof(buf));
	for (char *p = buf, *q; p && *p; p = q) {
		char *eq = strchr(p, '=');
		int f;
		if ((q = strchr(p, ';')))
			*q++ = '\0';
		*eq = '\0';
		if ((f = ob_case_field_index(t, p)) < 0)
			fail_msg("no field %s", p);
		c->values[f] = ob_strdup(eq + 1);
	}
	ob_strlcpy(buf, states, sizeof(buf));
	for (char *p = buf, *q; p && *p; p = q) {
		if ((q = strchr(p, ',')))
			*q++ = '\0';
		c->entries = ob_realloc(c->entries, (c->n_entries + 1) * sizeof(*c->entries));
		c->entries[c->n_entries].state = ob_case_state_index(t, p);
		c->entries[c->n_entries].at = 1000 * (long long)(c->n_entries + 1);
		c->n_entries++;
	}
}

static void missing_stats(void **state)
{
	struct ob_case_type *t = load_type("missing-persons");
	struct ob_missing_type m;
	struct ob_case_set set = { .type = t };
	struct ob_missing_filter f;
	struct ob_missing_cell *cells;
	struct ob_diag d;
	size_t n;
	(void)state;

	ob_diag_clear(&d);
	assert_int_equal(ob_missing_bind(t, &m, &d), OB_OK);
	set.n = 5;
	set.cases = ob_calloc(set.n, sizeof(*set.cases));
	missing_rec(&set.cases[0], t, 1,
	            "missing_since=2024-01-05;last_seen_territory=SLV0614;sex=f;age=34;name=Ana;"
	            "publication_consent=yes;located_on=2024-01-15", "missing,located_alive");
	missing_rec(&set.cases[1], t, 2,
	            "missing_since=2024-01-20;last_seen_territory=SLV0601;sex=m;age=15;name=Beto;"
	            "publication_consent=yes", "missing");
	missing_rec(&set.cases[2], t, 3,
	            "missing_since=2024-02-01;last_seen_territory=SLV0210;sex=m;age=40;"
	            "located_on=2024-02-05", "missing,located_dead");
	missing_rec(&set.cases[3], t, 4,
	            "missing_since=2024-02-11;last_seen_territory=SLV0614;sex=f;"
	            "located_on=2024-02-12", "missing,located_alive,closed");
	missing_rec(&set.cases[4], t, 5, "missing_since=2024-03-01;sex=unknown;age=70", "missing");

	/* public: 1 (with name), 2 (a minor: no name), 5; not 3 (dead) nor 4 (closed) */
	assert_true(ob_missing_public(&m, &set.cases[0]) >> ob_case_field_index(t, "name") & 1);
	assert_false(ob_missing_public(&m, &set.cases[1]) >> ob_case_field_index(t, "name") & 1);
	assert_true(ob_missing_public(&m, &set.cases[2]) == 0);
	assert_true(ob_missing_public(&m, &set.cases[3]) == 0);
	ob_missing_filter_init(&f);
	f.territory = "SLV06";
	assert_true(ob_missing_match(&m, &set.cases[0], ob_missing_public(&m, &set.cases[0]), &f));
	assert_true(ob_missing_match(&m, &set.cases[1], ob_missing_public(&m, &set.cases[1]), &f));
	assert_false(ob_missing_match(&m, &set.cases[4], ob_missing_public(&m, &set.cases[4]), &f));
	ob_missing_filter_init(&f);
	f.age_min = 18;
	f.sex = "f";
	f.from = "2024-01-01";
	f.to = "2024-01-31";
	assert_true(ob_missing_match(&m, &set.cases[0], ob_missing_public(&m, &set.cases[0]), &f));
	f.to = "2024-01-04";
	assert_false(ob_missing_match(&m, &set.cases[0], ob_missing_public(&m, &set.cases[0]), &f));
	/* a filter on a field the report does not publish never matches */
	ob_missing_filter_init(&f);
	f.sex = "m";
	assert_false(ob_missing_match(&m, &set.cases[2], ob_missing_public(&m, &set.cases[2]), &f));
	/* the compact rows filter as the cases do */
	{
		struct ob_missing_rows k;
		size_t at[5], n_rows = 0;
		ob_missing_rows_init(&k);
		for (size_t i = 0; i < set.n; i++) {
			unsigned long long mask = ob_missing_public(&m, &set.cases[i]);
			if (!mask)
				continue;
			ob_missing_rows_add(&k, &m, &set.cases[i], mask);
			at[n_rows++] = i;
		}
		assert_int_equal(k.n, 3);
		assert_int_equal(k.n_codes, 2); /* SLV0614, SLV0601; the third has none */
		for (int q = 0; q < 16; q++) {
			struct ob_missing_plan p;
			size_t hits = 0;
			ob_missing_filter_init(&f);
			switch (q) {
			case 0: break;
			case 1: f.sex = "f"; break;
			case 2: f.territory = "SLV06"; break;
			case 3: f.age_min = 16; f.age_max = 40; break;
			case 4: f.from = "2024-01-10"; break;
			case 5: f.to = "2024-01-31"; f.sex = "unknown"; f.age_max = 100; break;
			case 6: f.sex = "x"; break; /* not a choice: nothing */
			case 7: f.from = "2024-02-01"; f.to = "2024-03-01"; break;
			case 8: f.territory = "SLV0614"; f.age_min = 34; f.age_max = 34; break;
			case 9: f.age_min = 40; f.age_max = 30; break; /* an empty range */
			case 10: f.territory = ""; break; /* every code, not none */
			case 11: f.age_max = 15; break;
			case 12: f.from = "2024-03-01"; f.to = "2024-01-01"; break;
			case 13: f.age_min = 100000; break;
			case 14: f.age_max = 14; break;         /* one below an age */
			case 15: f.to = "2024-01-19"; break;    /* one day before a date */
			}
			ob_missing_plan_of(&p, &m, &k, &f);
			assert_false(p.exact);
			for (size_t r = 0; r < k.n; r++) {
				size_t i = at[r];
				bool want = ob_missing_match(&m, &set.cases[i],
				                             ob_missing_public(&m, &set.cases[i]), &f);
				assert_true(k.whole[r]);
				assert_int_equal(ob_missing_plan_match(&p, &k, r), want);
				hits += want;
			}
			/* the filters that keep some and drop some are seen to */
			if (q == 1 || q == 2 || q == 4 || q == 10 || q == 11 || q == 15)
				assert_true(hits > 0 && hits < k.n);
			if (q == 9 || q == 12 || q == 13 || q == 14)
				assert_int_equal(hits, 0);
			ob_missing_plan_release(&p);
		}
		{
			struct ob_missing_plan p;
			ob_missing_filter_init(&f);
			f.from = "2024-1-1"; /* not YYYY-MM-DD: every row asks ob_missing_match */
			ob_missing_plan_of(&p, &m, &k, &f);
			assert_true(p.exact);
			ob_missing_plan_release(&p);
		}
		/* a date not YYYY-MM-DD, or a territory published empty: not whole */
		{
			/* built here, freed here: the values are not in a text block */
			struct ob_case_set odd = { .type = t };
			odd.n = 2;
			odd.cases = ob_calloc(odd.n, sizeof(*odd.cases));
			missing_rec(&odd.cases[0], t, 6, "missing_since=2024-3-1;sex=f;age=30", "missing");
			missing_rec(&odd.cases[1], t, 7,
			            "missing_since=2024-03-01;last_seen_territory=;sex=f;age=30",
			            "missing");
			for (size_t r = 0; r < odd.n; r++) {
				unsigned long long mask = ob_missing_public(&m, &odd.cases[r]);
				assert_true(mask != 0);
				ob_missing_rows_add(&k, &m, &odd.cases[r], mask);
				assert_false(k.whole[k.n - 1]);
			}
			for (size_t r = 0; r < odd.n; r++) {
				for (size_t f2 = 0; f2 < t->n_fields; f2++)
					free(odd.cases[r].values[f2]);
				free(odd.cases[r].values);
				free(odd.cases[r].entries);
			}
			free(odd.cases);
		}
		ob_missing_rows_release(&k);
	}

	/* by month: 2024-01 (2, 1 located in 10 days), 2024-02 (2, both: 4 and 1 days), 2024-03 */
	assert_int_equal(ob_missing_stats(&m, &set, OB_MISSING_BY_MONTH, &cells, &n, &d), OB_OK);
	assert_int_equal(n, 4);
	assert_string_equal(cells[0].key, "2024-01");
	assert_int_equal(cells[0].reported, 2);
	assert_int_equal(cells[0].located, 1);
	assert_true(cells[0].median_days == 10);
	assert_string_equal(cells[1].key, "2024-02");
	assert_int_equal(cells[1].located, 2);
	assert_int_equal(cells[1].alive, 1);
	assert_int_equal(cells[1].dead, 1);
	assert_true(cells[1].median_days == 2.5);
	assert_true(isnan(cells[2].median_days));
	assert_string_equal(cells[3].key, "");
	assert_int_equal(cells[3].reported, 5);
	assert_int_equal(cells[3].located, 3);
	assert_true(cells[3].median_days == 4);
	free(cells);
	/* by age group: a missing age is unknown; 12-17 is a minors' group */
	assert_int_equal(ob_missing_stats(&m, &set, OB_MISSING_BY_AGE, &cells, &n, &d), OB_OK);
	assert_int_equal(n, 5);
	assert_string_equal(cells[0].key, "12-17");
	assert_true(cells[0].minors);
	assert_string_equal(cells[1].key, "30-44");
	assert_false(cells[1].minors);
	assert_int_equal(cells[1].reported, 2);
	assert_string_equal(cells[2].key, "60+");
	assert_string_equal(cells[3].key, "unknown");
	free(cells);
	assert_int_equal(ob_missing_stats(&m, &set, OB_MISSING_BY_TERRITORY, &cells, &n, &d), OB_OK);
	assert_int_equal(n, 5);
	assert_string_equal(cells[0].key, "SLV0210");
	assert_int_equal(cells[2].reported, 2);
	assert_string_equal(cells[3].key, "unknown");
	free(cells);
	for (size_t i = 0; i < set.n; i++) {
		for (size_t k = 0; k < t->n_fields; k++)
			free(set.cases[i].values[k]);
		free(set.cases[i].values);
		free(set.cases[i].entries);
	}
	free(set.cases);
	free_type(t);
}

/* Disclosure control of the statistics' cells. */
static void missing_suppress(void **state)
{
	/* groups a..e and the total: b is small (3); c's located count (2) is
	 * small; e is a minors' group, which needs 10 */
	struct ob_missing_cell c[] = {
		{ .key = "a", .reported = 20, .located = 7, .alive = 7, .dead = 0 },
		{ .key = "b", .reported = 3, .located = 1, .alive = 1 },
		{ .key = "c", .reported = 12, .located = 2, .alive = 1, .dead = 1 },
		{ .key = "d", .reported = 6, .located = 0 },
		{ .key = "e", .reported = 9, .located = 9, .alive = 9, .minors = true },
		{ .key = "", .reported = 50, .located = 19, .alive = 18, .dead = 1 },
	};
	(void)state;

	ob_missing_suppress(c, OB_ARRAY_SIZE(c), 5, 10);
	assert_false(c[0].reported_hidden);
	assert_true(c[1].reported_hidden && c[1].located_hidden && c[1].split_hidden);
	assert_false(c[2].reported_hidden);
	assert_true(c[2].located_hidden);
	/* b (3) and e (9, a minors' group) are hidden first: two, so no
	 * secondary cell in the reported column */
	assert_true(c[4].reported_hidden);
	assert_false(c[3].reported_hidden);
	/* located: b, c and e hidden: three */
	assert_false(c[0].located_hidden);
	/* the total's split goes with the groups' */
	assert_false(c[5].reported_hidden || c[5].located_hidden);
	assert_true(c[5].split_hidden);

	/* a single small group beside a shown total takes a partner */
	{
		struct ob_missing_cell x[] = {
			{ .key = "a", .reported = 30 }, { .key = "b", .reported = 2 },
			{ .key = "c", .reported = 8 }, { .key = "d", .reported = 0 },
			{ .key = "", .reported = 40 },
		};
		ob_missing_suppress(x, OB_ARRAY_SIZE(x), 5, 10);
		assert_true(x[1].reported_hidden);
		assert_true(x[2].reported_hidden);  /* the smallest non-zero other */
		assert_false(x[0].reported_hidden || x[3].reported_hidden || x[4].reported_hidden);
	}
	/* a small total hides itself, and no partner is needed */
	{
		struct ob_missing_cell y[] = {
			{ .key = "a", .reported = 3 }, { .key = "b", .reported = 0 },
			{ .key = "", .reported = 3 },
		};
		ob_missing_suppress(y, OB_ARRAY_SIZE(y), 5, 10);
		assert_true(y[0].reported_hidden && y[2].reported_hidden);
		assert_false(y[1].reported_hidden);
	}
}

/* The four breakdowns of a year share its total: a cell of the total
 * hidden in one is hidden in all, and where every group would show its
 * own the sum of the groups would give it back, so one of them is hidden
 * too. 2024: 12 women located (2 alive: small, 10 dead) and 20 men
 * located alive, all last seen in one municipality; one report of 2023. */
static void missing_year_margins(void **state)
{
	struct ob_case_type *t = load_type("missing-persons");
	struct ob_missing_type m;
	struct ob_case_set set = { .type = t };
	struct ob_missing_year y;
	struct ob_diag d;
	(void)state;

	ob_diag_clear(&d);
	assert_int_equal(ob_missing_bind(t, &m, &d), OB_OK);
	set.n = 33;
	set.cases = ob_calloc(set.n, sizeof(*set.cases));
	for (size_t i = 0; i < 32; i++) {
		char kv[200];
		snprintf(kv, sizeof(kv),
		         "missing_since=2024-01-%02zu;last_seen_territory=SLV0614;sex=%s;age=30;"
		         "located_on=2024-02-01", i % 28 + 1, i < 12 ? "f" : "m");
		missing_rec(&set.cases[i], t, (long long)i + 1, kv,
		            i < 2 || i >= 12 ? "missing,located_alive" : "missing,located_dead");
	}
	missing_rec(&set.cases[32], t, 33, "missing_since=2023-05-01;sex=f;age=30", "missing");

	assert_int_equal(ob_missing_year_stats(&m, &set, 2024, 5, 10, &y, &d), OB_OK);
	/* by sex: f's alive (2) hidden, and the total's with it */
	assert_int_equal(y.n[OB_MISSING_BY_SEX], 3);
	assert_string_equal(y.by[OB_MISSING_BY_SEX][0].key, "f");
	assert_true(y.by[OB_MISSING_BY_SEX][0].split_hidden);
	assert_false(y.by[OB_MISSING_BY_SEX][1].split_hidden);
	for (size_t k = 0; k < OB_MISSING_NBY; k++) {
		const struct ob_missing_cell *total = &y.by[k][y.n[k] - 1];
		assert_string_equal(total->key, "");
		assert_int_equal(total->reported, 32); /* 2023's report is not in 2024 */
		assert_int_equal(total->alive, 22);
		assert_false(total->reported_hidden || total->located_hidden);
		/* shown by territory, age or month, it would give f's 2 back */
		assert_true(total->split_hidden);
		/* one group: it is the total, and hidden with it */
		assert_true(y.by[k][0].split_hidden);
	}
	assert_int_equal(y.n[OB_MISSING_BY_TERRITORY], 2);
	assert_int_equal(y.by[OB_MISSING_BY_TERRITORY][0].alive, 22);
	ob_missing_year_free(&y);
	/* every report (year 0): 2023's counts */
	assert_int_equal(ob_missing_year_stats(&m, &set, 0, 5, 10, &y, &d), OB_OK);
	assert_int_equal(y.by[OB_MISSING_BY_SEX][y.n[OB_MISSING_BY_SEX] - 1].reported, 33);
	ob_missing_year_free(&y);
	for (size_t i = 0; i < set.n; i++) {
		for (size_t k = 0; k < t->n_fields; k++)
			free(set.cases[i].values[k]);
		free(set.cases[i].values);
		free(set.cases[i].entries);
	}
	free(set.cases);
	free_type(t);
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

/* The first alert alone: the callback stops. */
static int collect_one(void *arg, const struct ob_case_alert *a)
{
	collect(arg, a);
	return 1;
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
	/* a second case admitted past the calendar's years: its hearing
	 * cannot be counted; the severe alerts and the overdue ones of the
	 * cases before it are given, then the error; a callback's stop stops */
	{
		struct ob_case_rec two[2] = { vc[0], { 0 } };
		struct ob_case_set tset = { v, two, 2 };

		two[1].id = 2;
		two[1].values = ob_calloc(v->n_fields, sizeof(char *));
		two[1].values[ob_case_field_index(v, "violence")] = ob_strdup("femicidal");
		add_entry(&two[1], v, "filed", "2090-01-08T15:00:00Z");
		add_entry(&two[1], v, "admission", "2090-01-09T15:00:00Z");
		got.text[0] = '\0';
		assert_true(ob_case_time_parse("2090-02-01T08:00", -360, &now));
		ob_diag_clear(&d);
		assert_int_not_equal(ob_case_alerts(&tset, &cal, now, collect, &got, &d), OB_OK);
		assert_non_null(strstr(d.message, "calendar") ? d.message : strstr(d.message, "calendario"));
		assert_string_equal(got.text, "severe:1:femicidal;severe:2:femicidal;"
		                              "overdue:1:measures_review;");
		got.text[0] = '\0';
		assert_int_equal(ob_case_alerts(&tset, &cal, now, collect_one, &got, &d), OB_OK);
		assert_string_equal(got.text, "severe:1:femicidal;");
		free_recs(&two[1], 1, v->n_fields);
	}

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

/* A schools catalogue that must be refused at line:column, naming value. */
static void school_refused(const char *text, long line, long column, const char *value)
{
	struct ob_schools sc;
	struct ob_diag d;

	ob_diag_clear(&d);
	assert_int_not_equal(ob_schools_parse(text, strlen(text), "schools.csv", &sc, &d), OB_OK);
	assert_int_equal(sc.n, 0);
	if (d.line != line || d.column != column || strcmp(d.value, value))
		fail_msg("%s: %ld:%ld «%s», expected %ld:%ld «%s»", d.message, d.line, d.column,
		         d.value, line, column, value);
}

static void schools(void **state)
{
	static const char good[] = "code,name,territory,level,students\n"
	                           "CE-2,Dos,SLV0623,basica|media,\n"
	                           "CE-1,Uno,SLV0614, parvularia | básica ,320\n";
	const struct ob_school *x;
	struct ob_case_type *t = load_type("salve");
	struct ob_schools sc;
	struct ob_diag d;
	int f = ob_case_field_index(t, "school");

	(void)state;
	ob_diag_clear(&d);
	assert_int_equal(ob_schools_parse(good, strlen(good), "schools.csv", &sc, &d), OB_OK);
	assert_int_equal(sc.n, 2);
	assert_non_null(x = ob_schools_find(&sc, "CE-1"));
	assert_string_equal(x->territory, "SLV0614");
	assert_string_equal(x->level, "parvularia|basica");
	assert_int_equal(x->students, 320);
	assert_int_equal(x->line, 3);
	assert_int_equal(ob_schools_find(&sc, "CE-2")->students, -1);
	assert_null(ob_schools_find(&sc, "CE-3"));
	ob_schools_release(&sc);
	school_refused("code,name,territory,level\nCE-1,Uno,SLV0614,universidad\n", 2, 4,
	               "universidad");
	school_refused("code,name,territory,level\nCE-1,Uno,SLV0614,basica||media\n", 2, 4,
	               "basica||media");
	school_refused("code,name,territory,level,students\nCE 1,Uno,SLV0614,media,3\n", 2, 1,
	               "CE 1");
	school_refused("code,name,territory,level,students\nCE-1,Uno,SLV0614,media,mil\n", 2, 5,
	               "mil");
	school_refused("code,name,territory,level\nCE-1,Uno,SLV0614,media\nCE-1,Otro,SLV0623,"
	               "media\n", 3, 1, "CE-1");
	ob_diag_clear(&d);
	assert_int_not_equal(ob_schools_parse("code,name,level\n", 16, "schools.csv", &sc, &d),
	                     OB_OK);
	/* the shipped type: its school is a code of the catalogue that fills
	 * the territory; its reports are records of sv-mined-salve, never a
	 * protected field */
	assert_true(f >= 0 && t->fields[f].schools);
	assert_int_equal(t->fields[f].school_territory, ob_case_field_index(t, "territory"));
	assert_null(t->schools); /* parsed alone: no catalogue, no check */
	assert_string_equal(t->records.source, "sv-mined-salve");
	assert_int_equal(t->records.date_field, ob_case_field_index(t, "occurred_on"));
	for (size_t i = 0; i < t->n_fields; i++)
		assert_false(t->records.fields >> i & 1 && t->fields[i].protected);
	ob_case_type_release(t);
	free(t);
}

static void put(const char *dir, const char *rel, const char *text, size_t len)
{
	char path[OB_MAX_PATH];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

/* One type of a catalogue, with its calendar and, when a field uses it,
 * the schools catalogue: as the whole catalogue gives it, without reading
 * the other types' files (a broken one does not stop it); no type for a
 * code that is not a file's name. */
static void one_type(void **state)
{
	const char *data = getenv("OBSERVA_DATA");
	static const char *const not_names[] = { "nada", "", ".salve", "../cases/salve",
	                                          "cases/salve" };
	char tmp[] = "/tmp/ob-casetype-XXXXXX", path[OB_MAX_PATH], p2[OB_MAX_PATH];
	struct ob_cases all, one;
	struct ob_diag d;
	char *text;
	size_t len;
	int i;
	(void)state;

	assert_non_null(data);
	ob_diag_clear(&d);
	assert_int_equal(ob_cases_load(data, &all, &d), OB_OK);
	assert_int_equal(ob_cases_load_one(data, "salve", &one, &d), OB_OK);
	assert_int_equal(one.n, 1);
	assert_int_equal(ob_cases_find(&one, "salve"), 0);
	i = ob_cases_find(&all, "salve");
	assert_true(i >= 0);
	assert_int_equal(one.types[0].n_fields, all.types[i].n_fields);
	assert_int_equal(one.types[0].n_states, all.types[i].n_states);
	assert_non_null(one.types[0].schools);
	assert_int_equal(one.types[0].schools->n, all.types[i].schools->n);
	assert_int_equal(one.calendars[0].utc_offset, all.calendars[i].utc_offset);
	assert_int_equal(one.calendars[0].utc_offset, -360);
	ob_cases_release(&one);
	assert_int_equal(ob_cases_load_one(data, "sex-offender-registry", &one, &d), OB_OK);
	assert_int_equal(one.n, 1);
	assert_null(one.types[0].schools);
	assert_true(one.types[0].registry);
	ob_cases_release(&one);
	ob_cases_release(&all);
	for (size_t k = 0; k < OB_ARRAY_SIZE(not_names); k++) {
		assert_int_equal(ob_cases_load_one(data, not_names[k], &one, &d), OB_OK);
		assert_int_equal(one.n, 0);
		assert_int_equal(ob_cases_find(&one, "salve"), -1);
		ob_cases_release(&one);
	}

	/* an observatory whose other type is broken, and a file named
	 * other than its code */
	assert_non_null(mkdtemp(tmp));
	snprintf(path, sizeof(path), "%s/catalog", tmp);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/catalog/cases", tmp);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/catalog/calendars", tmp);
	assert_int_equal(mkdir(path, 0700), 0);
	load_file("cases/sex-offender-registry.ini", &text, &len, p2, sizeof(p2));
	put(tmp, "catalog/cases/sex-offender-registry.ini", text, len);
	put(tmp, "catalog/cases/otro.ini", text, len);
	free(text);
	load_file("calendars/BLZ.ini", &text, &len, p2, sizeof(p2));
	put(tmp, "catalog/calendars/BLZ.ini", text, len);
	free(text);
	put(tmp, "catalog/cases/roto.ini", "[type]\ncode = roto\nnonsense\n",
	    strlen("[type]\ncode = roto\nnonsense\n"));
	assert_int_not_equal(ob_cases_load(tmp, &all, &d), OB_OK);
	ob_diag_clear(&d);
	assert_int_equal(ob_cases_load_one(tmp, "sex-offender-registry", &one, &d), OB_OK);
	assert_int_equal(one.n, 1);
	assert_int_equal(one.calendars[0].utc_offset, -360);
	ob_cases_release(&one);
	assert_int_equal(ob_cases_load_one(tmp, "otro", &one, &d), OB_EINVAL);
	assert_int_equal(one.n, 0);
	assert_non_null(strstr(d.message, "nombre del archivo"));
	assert_int_not_equal(ob_cases_load_one(tmp, "roto", &one, &d), OB_OK);
	assert_int_equal(one.n, 0);
	for (const char *const *f = (const char *const[]){ "catalog/cases/sex-offender-registry.ini",
	                                                  "catalog/cases/otro.ini",
	                                                  "catalog/cases/roto.ini",
	                                                  "catalog/calendars/BLZ.ini",
	                                                  "catalog/calendars", "catalog/cases",
	                                                  "catalog", NULL };
	     *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", tmp, *f);
		assert_int_equal(remove(path), 0);
	}
	assert_int_equal(rmdir(tmp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_types),
		cmocka_unit_test(transitions),
		cmocka_unit_test(stats_periods),
		cmocka_unit_test(values),
		cmocka_unit_test(refused_files),
		cmocka_unit_test(publication),
		cmocka_unit_test(missing_stats),
		cmocka_unit_test(missing_suppress),
		cmocka_unit_test(missing_year_margins),
		cmocka_unit_test(deadlines_and_alerts),
		cmocka_unit_test(schools),
		cmocka_unit_test(one_type),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
