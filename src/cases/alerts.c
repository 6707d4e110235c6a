/* alerts.c - the deadlines of a case and the alerts of a case type at a
 * given time (cases.h): due soon, due today, overdue, repeated reports and
 * severe cases. */
#include "cases/cases.h"

#include "io/date.h"

#include <stdlib.h>

const char *ob_case_alert_name(enum ob_case_alert_kind k)
{
	switch (k) {
	case OB_CASE_SEVERE: return "severe";
	case OB_CASE_OVERDUE: return "overdue";
	case OB_CASE_DUE_TODAY: return "due-today";
	case OB_CASE_DUE_SOON: return "due-soon";
	case OB_CASE_REPEAT: return "repeat";
	}
	return "?";
}

int ob_case_state_at(const struct ob_case_rec *c, long long now)
{
	int state = -1;

	for (size_t i = 0; i < c->n_entries && c->entries[i].at <= now; i++)
		state = c->entries[i].state;
	return state;
}

/* When state was last entered by now; -1 when never. */
static long long entered_at(const struct ob_case_rec *c, int state, long long now)
{
	long long at = -1;

	for (size_t i = 0; i < c->n_entries && c->entries[i].at <= now; i++)
		if (c->entries[i].state == state)
			at = c->entries[i].at;
	return at;
}

long long ob_case_date_start(const struct ob_calendar *cal, const char *v)
{
	struct ob_date dt;

	if (!v || ob_date_parse(v, strlen(v), OB_DATE_ISO, &dt, NULL, 0) ||
	    dt.precision != OB_PREC_DAY)
		return -1;
	return ob_calendar_day_start(cal, ob_date_days(&dt));
}

ob_err ob_case_deadline_due(const struct ob_case_type *t, const struct ob_calendar *cal,
                            const struct ob_case_deadline *r, const struct ob_case_rec *c,
                            long long now, struct ob_case_due *out, struct ob_diag *d)
{
	int state = ob_case_state_at(c, now);
	long long start;

	memset(out, 0, sizeof(*out));
	if (state < 0 || t->states[state].final || (r->until & (1u << state)))
		return OB_OK;
	start = r->start_state >= 0 ? entered_at(c, r->start_state, now)
	                            : ob_case_date_start(cal, c->values[r->start_field]);
	if (start < 0)
		return OB_OK;
	if (r->recurring && r->reset_field >= 0) {
		long long reset = ob_case_date_start(cal, c->values[r->reset_field]);
		if (reset > start)
			start = reset;
	}
	return ob_case_due_from(cal, r, start, out, d);
}

ob_err ob_case_due_from(const struct ob_calendar *cal, const struct ob_case_deadline *r,
                        long long start, struct ob_case_due *out, struct ob_diag *d)
{
	long day;
	ob_err e;

	memset(out, 0, sizeof(*out));
	out->active = true;
	switch (r->within.unit) {
	case OB_CASE_HOURS:
		out->due = start + (long long)r->within.n * 3600;
		out->due_day = ob_calendar_local_day(cal, out->due);
		return OB_OK;
	case OB_CASE_CALENDAR_DAYS:
		day = ob_calendar_local_day(cal, start) + r->within.n;
		break;
	case OB_CASE_BUSINESS_DAYS:
	default:
		if ((e = ob_calendar_add_business(cal, ob_calendar_local_day(cal, start), r->within.n,
		                                  r->courts, &day, d)))
			return e;
		break;
	}
	out->day_based = true;
	out->due_day = day;
	out->due = ob_calendar_day_start(cal, day + 1) - 1;
	return OB_OK;
}

/* Which of overdue, due today and due soon a running deadline is at now;
 * -1 for none. */
static int due_kind(const struct ob_calendar *cal, const struct ob_case_deadline *r,
                    const struct ob_case_due *due, long long now)
{
	long today = ob_calendar_local_day(cal, now);

	if (now > due->due)
		return OB_CASE_OVERDUE;
	if (today == due->due_day)
		return OB_CASE_DUE_TODAY;
	if (r->soon.unit == OB_CASE_HOURS ? due->due - now <= (long long)r->soon.n * 3600
	                                  : due->due_day - today <= r->soon.n)
		return OB_CASE_DUE_SOON;
	return -1;
}

static bool opened_by(const struct ob_case_rec *c, long long now)
{
	return c->n_entries && c->entries[0].at <= now;
}

static int severe(const struct ob_case_set *set, long long now,
                  int (*fn)(void *arg, const struct ob_case_alert *a), void *arg)
{
	const struct ob_case_type *t = set->type;

	for (size_t i = 0; i < set->n; i++) {
		const struct ob_case_rec *c = &set->cases[i];
		int state = ob_case_state_at(c, now);

		if (state < 0 || t->states[state].final)
			continue;
		for (size_t k = 0; k < t->n_severities; k++) {
			const struct ob_case_severity *r = &t->severities[k];
			const char *v = c->values[r->field];
			int stop;

			for (size_t j = 0; v && j < r->n_values; j++)
				if (!strcmp(v, r->values[j])) {
					struct ob_case_alert a = {
						.kind = OB_CASE_SEVERE, .case_id = c->id, .unit = c->unit,
						.rule = r->name,
						.label = r->label, .label_en = r->label_en,
						.field = t->fields[r->field].name,
						.value = t->fields[r->field].protected ? NULL : v,
					};
					if ((stop = fn(arg, &a)))
						return stop;
					break;
				}
		}
	}
	return 0;
}

/*
 * The deadline alerts, kind by kind (overdue, due today, due soon), each by
 * case and rule. Every deadline is computed once, in a first pass that
 * keeps its kind; the alerts of each kind then compute again only the
 * deadlines they show. A deadline that cannot be computed stops the first
 * pass there: the overdue alerts before it are given, then its error, as
 * when each kind was a pass of its own.
 */
static int deadlines(const struct ob_case_set *set, const struct ob_calendar *cal, long long now,
                     int (*fn)(void *arg, const struct ob_case_alert *a), void *arg,
                     struct ob_diag *d, ob_err *err)
{
	const struct ob_case_type *t = set->type;
	size_t nd = t->n_deadlines, n = set->n * nd, end = n;
	signed char *kinds;
	struct ob_diag de;
	int stop = 0;

	*err = OB_OK;
	if (!n)
		return 0;
	kinds = ob_malloc(n);
	ob_diag_clear(&de);
	for (size_t p = 0; p < n; p++) {
		const struct ob_case_deadline *r = &t->deadlines[p % nd];
		struct ob_case_due due;

		if ((*err = ob_case_deadline_due(t, cal, r, &set->cases[p / nd], now, &due, &de))) {
			end = p;
			break;
		}
		kinds[p] = (signed char)(due.active ? due_kind(cal, r, &due, now) : -1);
	}
	for (int kind = OB_CASE_OVERDUE; kind <= OB_CASE_DUE_SOON && !stop; kind++) {
		for (size_t p = 0; p < end && !stop; p++) {
			const struct ob_case_deadline *r = &t->deadlines[p % nd];
			const struct ob_case_rec *c = &set->cases[p / nd];
			struct ob_case_due due;

			if (kinds[p] != kind)
				continue;
			ob_case_deadline_due(t, cal, r, c, now, &due, &de);
			struct ob_case_alert a = {
				.kind = (enum ob_case_alert_kind)kind, .case_id = c->id,
				.unit = c->unit,
				.rule = r->name, .label = r->label, .label_en = r->label_en, .due = &due,
			};
			stop = fn(arg, &a);
		}
		if (*err)
			break;
	}
	free(kinds);
	if (*err && !stop) {
		*d = de;
		return -1;
	}
	*err = OB_OK;
	return stop;
}

struct by_value {
	const char *value;
	long long id;
	const char *unit;
};

static int cmp_by_value(const void *a, const void *b)
{
	const struct by_value *x = a, *y = b;
	int c = strcmp(x->value, y->value);

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int repeats(const struct ob_case_set *set, long long now,
                   int (*fn)(void *arg, const struct ob_case_alert *a), void *arg)
{
	const struct ob_case_type *t = set->type;
	struct by_value *v = ob_malloc((set->n ? set->n : 1) * sizeof(*v));
	long long *ids = ob_malloc((set->n ? set->n : 1) * sizeof(*ids));
	int stop = 0;

	for (size_t k = 0; !stop && k < t->n_repeats; k++) {
		const struct ob_case_repeat *r = &t->repeats[k];
		long long from = now - (long long)r->window_days * 86400;
		size_t n = 0;

		for (size_t i = 0; i < set->n; i++) {
			const struct ob_case_rec *c = &set->cases[i];
			if (opened_by(c, now) && c->entries[0].at > from && c->values[r->field])
				v[n++] = (struct by_value){ c->values[r->field], c->id, c->unit };
		}
		qsort(v, n, sizeof(*v), cmp_by_value);
		for (size_t i = 0; !stop && i < n;) {
			size_t j = i;
			while (j < n && !strcmp(v[j].value, v[i].value))
				j++;
			if (j - i >= (size_t)r->count) {
				const struct by_value *run = v + i;
				for (size_t m = 0, len = j - i; m < len; m++)
					ids[m] = run[m].id;
				struct ob_case_alert a = {
					.kind = OB_CASE_REPEAT, .case_id = v[j - 1].id,
					.unit = v[j - 1].unit, .rule = r->name,
					.field = t->fields[r->field].name,
					.value = t->fields[r->field].protected ? NULL : v[i].value,
					.ids = ids, .n_ids = j - i,
				};
				stop = fn(arg, &a);
			}
			i = j;
		}
	}
	free(v);
	free(ids);
	return stop;
}

ob_err ob_case_alerts(const struct ob_case_set *set, const struct ob_calendar *cal,
                      long long now, int (*fn)(void *arg, const struct ob_case_alert *a),
                      void *arg, struct ob_diag *d)
{
	ob_err e = OB_OK;

	if (severe(set, now, fn, arg))
		return OB_OK;
	if (deadlines(set, cal, now, fn, arg, d, &e) || e)
		return e;
	repeats(set, now, fn, arg);
	return OB_OK;
}
