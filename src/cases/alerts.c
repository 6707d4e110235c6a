/* alerts.c - the deadlines of a case and the alerts of a case type at a
 * given time (cases.h): due soon, due today, overdue, repeated reports and
 * severe cases, of a set of cases or of cases given one by one (a run). */
#include "cases/cases.h"

#include "io/date.h"

#include <stdlib.h>
#include <sys/mman.h>

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

/*
 * The alerts are given kind by kind (severe, overdue, due today, due soon,
 * repeats), each by case: a run takes the cases one by one, in order of
 * id, and keeps of each only what its alerts need (a severe match, a
 * deadline's kind and due time, a repeat rule's value), with its unit and
 * its state at now (one text: intern_unit) and the values kept once each
 * (interned), so that the cases themselves need not be held: the alerts
 * of a million open cases read as a stream (ob_case_alerts_read) keep
 * some tens of bytes per alert.
 *
 * A deadline that cannot be computed ends the deadlines there: the
 * overdue alerts before it are given, then its error, as when each kind
 * was a pass of its own.
 */
struct kept_severe {
	long long id;
	const char *unit;
	unsigned short rule, value;
};

struct kept_due {
	long long id, due;
	const char *unit;
	int day;
	unsigned short rule;
	bool day_based;
};

struct by_value {
	const char *value;
	long long id;
	const char *unit;
};

struct text_block {
	struct text_block *next;
	size_t used, size;
	char bytes[];
};

/*
 * What a run keeps of one kind, one after another: allocated while small,
 * past KEPT_MAPPED bytes in a mapping of its own in huge pages where the
 * system has them (madvise), copied there when it grows: a million due
 * times (32 MiB) take some tens of page faults instead of eight thousand,
 * each dear on a virtual machine (a third of the time of a million open
 * cases, 1.0 s of CPU against 0.7 s).
 */
struct kept {
	char *p;
	size_t n, cap;   /* elements */
	bool mapped;     /* p is a mapping of cap elements */
};

#define KEPT_MAPPED (1u << 20)

static void kept_free(struct kept *k, size_t size)
{
	if (k->mapped)
		munmap(k->p, k->cap * size);
	else
		free(k->p);
	*k = (struct kept){ 0 };
}

/* Room for one more element of size bytes at the end of k. */
static void *kept_push(struct kept *k, size_t size)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 256, n = k->n;
		void *p = MAP_FAILED;

		if (cap * size >= KEPT_MAPPED) {
			p = mmap(NULL, cap * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			         -1, 0);
#ifdef MADV_HUGEPAGE
			if (p != MAP_FAILED)
				madvise(p, cap * size, MADV_HUGEPAGE);
#endif
		}
		if (p != MAP_FAILED) {
			if (n)
				memcpy(p, k->p, n * size);
			kept_free(k, size);
			*k = (struct kept){ p, n, cap, true };
		} else if (k->mapped) {
			p = ob_malloc(cap * size);
			memcpy(p, k->p, n * size);
			kept_free(k, size);
			*k = (struct kept){ p, n, cap, false };
		} else {
			k->p = ob_realloc(k->p, cap * size);
			k->cap = cap;
		}
	}
	return k->p + size * k->n++;
}

#define KINDS_DUE (OB_CASE_DUE_SOON - OB_CASE_OVERDUE + 1)

struct ob_case_alerts_run {
	const struct ob_case_type *type;
	const struct ob_calendar *cal;
	long long now;
	struct kept sev;                     /* struct kept_severe */
	struct kept due[KINDS_DUE];          /* struct kept_due, by kind */
	struct kept rep[OB_MAX_CASE_RULES];  /* struct by_value, by rule */
	/* the texts kept (units, repeated values), each once */
	const char **interned;       /* open addressing, cap_interned a power of 2 */
	size_t n_interned, cap_interned;
	struct text_block *text;
	ob_err err;                  /* the deadline that could not be computed */
	struct ob_diag de;
};

/* FNV-1a of the len bytes at v. */
static unsigned long long text_hash(const char *v, size_t len)
{
	unsigned long long h = 1469598103934665603ull;

	for (size_t k = 0; k < len; k++)
		h = (h ^ (unsigned char)v[k]) * 1099511628211ull;
	return h;
}

/* v kept once in the run (NULL stays NULL). */
static const char *intern(struct ob_case_alerts_run *run, const char *v)
{
	unsigned long long h;
	struct text_block *b;
	size_t len, mask, i;

	if (!v || !v[0])
		return v ? "" : NULL;
	len = strlen(v);
	h = text_hash(v, len);
	if (2 * (run->n_interned + 1) > run->cap_interned) {
		size_t cap = run->cap_interned ? 2 * run->cap_interned : 256;
		const char **t = ob_calloc(cap, sizeof(*t));
		for (size_t k = 0; k < run->cap_interned; k++) {
			const char *s = run->interned[k];
			if (!s)
				continue;
			for (i = text_hash(s, strlen(s)) & (cap - 1); t[i]; i = (i + 1) & (cap - 1))
				;
			t[i] = s;
		}
		free(run->interned);
		run->interned = t;
		run->cap_interned = cap;
	}
	mask = run->cap_interned - 1;
	for (i = h & mask; run->interned[i]; i = (i + 1) & mask)
		if (!strcmp(run->interned[i], v))
			return run->interned[i];
	b = run->text;
	if (!b || b->size - b->used < len + 1) {
		size_t size = len + 1 > 65536 ? len + 1 : 65536;
		b = ob_malloc(sizeof(*b) + size);
		b->next = run->text;
		b->used = 0;
		b->size = size;
		run->text = b;
	}
	memcpy(b->bytes + b->used, v, len + 1);
	run->interned[i] = b->bytes + b->used;
	b->used += len + 1;
	run->n_interned++;
	return run->interned[i];
}

/*
 * A case's unit kept once in the run after a byte of its state at now
 * (state + 2: never the end of a text) and one saying whether it has a
 * unit at all ('u', or 'n' for none: NULL, not ""), so that what an alert
 * keeps of its case (unit and state) takes one pointer: the run's units
 * are few, their pairs with states not many more.
 */
static const char *intern_unit(struct ob_case_alerts_run *run, const char *unit, int state)
{
	size_t n = unit ? strlen(unit) : 0;
	char small[256], *b = n + 3 <= sizeof(small) ? small : ob_malloc(n + 3);
	const char *v;

	_Static_assert(OB_MAX_CASE_STATES + 1 < 256, "a state and 2 in one byte");
	b[0] = (char)(unsigned char)(state + 2);
	b[1] = unit ? 'u' : 'n';
	if (unit)
		memcpy(b + 2, unit, n + 1);
	else
		b[2] = '\0';
	v = intern(run, b);
	if (b != small)
		free(b);
	return v;
}

/* The state kept before a unit by intern_unit(). */
static int unit_state(const char *kept)
{
	return (int)(unsigned char)kept[0] - 2;
}

/* The unit kept by intern_unit(): NULL for a case without one. */
static const char *unit_text(const char *kept)
{
	return kept[1] == 'u' ? kept + 2 : NULL;
}

struct ob_case_alerts_run *ob_case_alerts_start(const struct ob_case_type *t,
                                                const struct ob_calendar *cal, long long now)
{
	struct ob_case_alerts_run *run = ob_calloc(1, sizeof(*run));

	run->type = t;
	run->cal = cal;
	run->now = now;
	ob_diag_clear(&run->de);
	return run;
}

void ob_case_alerts_add(struct ob_case_alerts_run *run, const struct ob_case_rec *c)
{
	const struct ob_case_type *t = run->type;
	long long now = run->now;
	int state = ob_case_state_at(c, now);
	const char *unit = NULL;

	if (state >= 0 && !t->states[state].final) {
		for (size_t k = 0; k < t->n_severities; k++) {
			const struct ob_case_severity *r = &t->severities[k];
			const char *v = c->values[r->field];

			for (size_t j = 0; v && j < r->n_values; j++)
				if (!strcmp(v, r->values[j])) {
					if (!unit)
						unit = intern_unit(run, c->unit, state);
					*(struct kept_severe *)kept_push(&run->sev,
					                                 sizeof(struct kept_severe)) =
						(struct kept_severe){
							.id = c->id, .unit = unit,
							.rule = (unsigned short)k,
							.value = (unsigned short)j,
						};
					break;
				}
		}
	}
	for (size_t k = 0; !run->err && k < t->n_deadlines; k++) {
		const struct ob_case_deadline *r = &t->deadlines[k];
		struct ob_case_due due;
		int kind;

		if ((run->err = ob_case_deadline_due(t, run->cal, r, c, now, &due, &run->de)))
			break;
		if (!due.active || (kind = due_kind(run->cal, r, &due, now)) < 0)
			continue;
		if (!unit)
			unit = intern_unit(run, c->unit, state);
		*(struct kept_due *)kept_push(&run->due[kind - OB_CASE_OVERDUE],
		                              sizeof(struct kept_due)) = (struct kept_due){
			.id = c->id, .due = due.due, .unit = unit, .day = (int)due.due_day,
			.rule = (unsigned short)k, .day_based = due.day_based,
		};
	}
	if (!opened_by(c, now))
		return;
	for (size_t k = 0; k < t->n_repeats; k++) {
		const struct ob_case_repeat *r = &t->repeats[k];
		const char *v = c->values[r->field];

		if (!v || c->entries[0].at <= now - (long long)r->window_days * 86400)
			continue;
		if (!unit)
			unit = intern_unit(run, c->unit, state);
		*(struct by_value *)kept_push(&run->rep[k], sizeof(struct by_value)) =
			(struct by_value){ intern(run, v), c->id, unit };
	}
}

void ob_case_alerts_drop(struct ob_case_alerts_run *run)
{
	if (!run)
		return;
	kept_free(&run->sev, sizeof(struct kept_severe));
	for (size_t x = 0; x < KINDS_DUE; x++)
		kept_free(&run->due[x], sizeof(struct kept_due));
	for (size_t k = 0; k < OB_MAX_CASE_RULES; k++)
		kept_free(&run->rep[k], sizeof(struct by_value));
	free(run->interned);
	while (run->text) {
		struct text_block *next = run->text->next;
		free(run->text);
		run->text = next;
	}
	free(run);
}

static int cmp_by_value(const void *a, const void *b)
{
	const struct by_value *x = a, *y = b;
	int c = x->value == y->value ? 0 : strcmp(x->value, y->value);

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int give_severe(const struct ob_case_alerts_run *run,
                       int (*fn)(void *arg, const struct ob_case_alert *a), void *arg)
{
	const struct ob_case_type *t = run->type;
	int stop = 0;

	for (size_t i = 0; i < run->sev.n && !stop; i++) {
		const struct kept_severe *k = (const struct kept_severe *)run->sev.p + i;
		const struct ob_case_severity *r = &t->severities[k->rule];
		struct ob_case_alert a = {
			.kind = OB_CASE_SEVERE, .case_id = k->id,
			.unit = unit_text(k->unit),
			.state = unit_state(k->unit),
			.rule = r->name, .label = r->label, .label_en = r->label_en,
			.field = t->fields[r->field].name,
			.value = t->fields[r->field].protected ? NULL : r->values[k->value],
		};
		stop = fn(arg, &a);
	}
	return stop;
}

static int give_due(const struct ob_case_alerts_run *run, int kind,
                    int (*fn)(void *arg, const struct ob_case_alert *a), void *arg)
{
	size_t x = (size_t)(kind - OB_CASE_OVERDUE);
	int stop = 0;

	for (size_t i = 0; i < run->due[x].n && !stop; i++) {
		const struct kept_due *k = (const struct kept_due *)run->due[x].p + i;
		const struct ob_case_deadline *r = &run->type->deadlines[k->rule];
		struct ob_case_due due = { .active = true, .due = k->due, .due_day = k->day,
			                   .day_based = k->day_based };
		struct ob_case_alert a = {
			.kind = (enum ob_case_alert_kind)kind, .case_id = k->id,
			.unit = unit_text(k->unit),
			.state = unit_state(k->unit), .rule = r->name, .label = r->label,
			.label_en = r->label_en, .due = &due,
		};
		stop = fn(arg, &a);
	}
	return stop;
}

static int give_repeats(struct ob_case_alerts_run *run,
                        int (*fn)(void *arg, const struct ob_case_alert *a), void *arg)
{
	const struct ob_case_type *t = run->type;
	long long *ids = NULL;
	size_t cap = 0;
	int stop = 0;

	for (size_t k = 0; !stop && k < t->n_repeats; k++) {
		const struct ob_case_repeat *r = &t->repeats[k];
		struct by_value *v = (struct by_value *)run->rep[k].p;
		size_t n = run->rep[k].n;

		if (n)
			qsort(v, n, sizeof(*v), cmp_by_value);
		for (size_t i = 0; !stop && i < n;) {
			size_t j = i;
			/* the values are interned: one value, one pointer */
			while (j < n && v[j].value == v[i].value)
				j++;
			if (j - i >= (size_t)r->count) {
				if (cap < j - i) {
					cap = j - i;
					ids = ob_realloc(ids, cap * sizeof(*ids));
				}
				for (size_t m = i; m < j; m++)
					ids[m - i] = v[m].id;
				struct ob_case_alert a = {
					.kind = OB_CASE_REPEAT, .case_id = v[j - 1].id,
					.unit = unit_text(v[j - 1].unit),
					.state = unit_state(v[j - 1].unit),
					.rule = r->name,
					.field = t->fields[r->field].name,
					.value = t->fields[r->field].protected ? NULL : v[i].value,
					.ids = ids, .n_ids = j - i,
				};
				stop = fn(arg, &a);
			}
			i = j;
		}
	}
	free(ids);
	return stop;
}

ob_err ob_case_alerts_finish(struct ob_case_alerts_run *run,
                             int (*fn)(void *arg, const struct ob_case_alert *a), void *arg,
                             struct ob_diag *d)
{
	ob_err e = OB_OK;

	if (give_severe(run, fn, arg) || give_due(run, OB_CASE_OVERDUE, fn, arg))
		goto drop;
	if (run->err) {
		e = run->err;
		*d = run->de;
		goto drop;
	}
	if (give_due(run, OB_CASE_DUE_TODAY, fn, arg) || give_due(run, OB_CASE_DUE_SOON, fn, arg))
		goto drop;
	give_repeats(run, fn, arg);
drop:
	ob_case_alerts_drop(run);
	return e;
}

ob_err ob_case_alerts(const struct ob_case_set *set, const struct ob_calendar *cal,
                      long long now, int (*fn)(void *arg, const struct ob_case_alert *a),
                      void *arg, struct ob_diag *d)
{
	struct ob_case_alerts_run *run = ob_case_alerts_start(set->type, cal, now);

	for (size_t i = 0; i < set->n; i++)
		ob_case_alerts_add(run, &set->cases[i]);
	return ob_case_alerts_finish(run, fn, arg, d);
}
