/* cases.c - cases opened and moved with the rules of their type, each
 * change in the case's history and the audit log at once (cases.h); the
 * catalogue's case types with their calendars; cases loaded for alerts;
 * a registry's entries keyed for its search in the same transaction as
 * their values (cases/registry.h). */
#include "cases/cases.h"

#include "base/buf.h"
#include "io/json.h"
#include "cases/notify.h"
#include "cases/registry.h"
#include "store/audit.h"
#include "store/cases.h"
#include "store/territory_read.h"

#include <stdlib.h>

ob_err ob_cases_load(const char *dir, struct ob_cases *c, struct ob_diag *d)
{
	ob_err e;

	memset(c, 0, sizeof(*c));
	if ((e = ob_case_types_load(dir, &c->types, &c->n, d)))
		return e;
	c->calendars = ob_calloc(c->n ? c->n : 1, sizeof(*c->calendars));
	for (size_t i = 0; i < c->n; i++)
		if ((e = ob_calendar_load(dir, c->types[i].country, &c->calendars[i], d))) {
			ob_cases_release(c);
			return e;
		}
	return OB_OK;
}

ob_err ob_cases_load_one(const char *dir, const char *code, struct ob_cases *c,
                        struct ob_diag *d)
{
	struct ob_case_type t;
	bool found;
	ob_err e;

	memset(c, 0, sizeof(*c));
	if ((e = ob_case_type_load(dir, code, &t, &found, d)) || !found)
		return e;
	c->types = ob_calloc(1, sizeof(*c->types));
	c->calendars = ob_calloc(1, sizeof(*c->calendars));
	c->types[0] = t;
	c->n = 1;
	if ((e = ob_calendar_load(dir, t.country, &c->calendars[0], d)))
		ob_cases_release(c);
	return e;
}

void ob_cases_release(struct ob_cases *c)
{
	for (size_t i = 0; c->calendars && i < c->n; i++)
		ob_calendar_release(&c->calendars[i]);
	free(c->calendars);
	ob_case_types_free(c->types, c->n);
	memset(c, 0, sizeof(*c));
}

int ob_cases_find(const struct ob_cases *c, const char *code)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->types[i].code, code))
			return (int)i;
	return -1;
}

/* ---- units ---- */

static int add_unit(void *arg, const char *unit)
{
	struct ob_case_units *u = arg;

	u->units = ob_realloc(u->units, (u->n + 1) * sizeof(*u->units));
	ob_strlcpy(u->units[u->n++], unit, OB_MAX_NAME);
	return 0;
}

ob_err ob_case_units_load(struct ob_store *s, const struct ob_case_type *t,
                          const struct ob_case_actor *a, struct ob_case_units *u,
                          struct ob_diag *d)
{
	memset(u, 0, sizeof(*u));
	/* a registry keeps its roles in the grants and decides who reads it
	 * itself (cases/registry.h) */
	if (!a->account || a->role == OB_ROLE_ADMIN || t->registry)
		return OB_OK;
	/* a type without a unit field has no units to give: the observatory's
	 * accounts act in all its cases, an institution's in none (the tips
	 * the public sends about missing persons are not for them) */
	if (t->unit_field < 0) {
		u->limited = !ob_role_allows(a->role, OB_ROLE_ANALYST);
		return OB_OK;
	}
	if (ob_store_case_units_each(s, a->account, t->code, add_unit, u, d) < 0) {
		ob_case_units_release(u);
		return OB_ESTORE;
	}
	/* an account of an institution (a submitter) acts in the units it was
	 * given and nowhere else: given none, it sees no case; the
	 * observatory's own accounts (analyst and above) given none act in all */
	u->limited = u->n > 0 || !ob_role_allows(a->role, OB_ROLE_ANALYST);
	return OB_OK;
}

void ob_case_units_release(struct ob_case_units *u)
{
	free(u->units);
	memset(u, 0, sizeof(*u));
}

bool ob_case_unit_allowed(const struct ob_case_units *u, const char *unit)
{
	if (!u->limited)
		return true;
	for (size_t i = 0; unit && i < u->n; i++)
		if (!strcmp(u->units[i], unit))
			return true;
	return false;
}

ob_err ob_case_unit_check(const struct ob_case_type *t, const struct ob_case_actor *a,
                          const struct ob_case_units *u, const char *unit, struct ob_diag *d)
{
	char list[1024] = "";
	size_t at = 0;

	if (ob_case_unit_allowed(u, unit))
		return OB_OK;
	for (size_t i = 0; i < u->n && at < sizeof(list); i++)
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s", i ? ", " : "",
		                       u->units[i]);
	return OB_DIAG(d, OB_EINVAL, t->code, 0, 0, unit ? unit : "", unit ? strlen(unit) : 0,
	               "la cuenta «%s» no actúa en esa unidad; sus unidades de %s: %s",
	               "the account «%s» does not act in that unit; its units of %s: %s",
	               a->account, t->code, list);
}

void ob_case_diag_outside(struct ob_diag *d, const struct ob_case_type *t)
{
	ob_strlcpy(d->file, t->code, sizeof(d->file));
	d->line = 0;
	d->column = 0;
}

ob_err ob_case_grant(struct ob_store *s, const struct ob_case_type *t,
                     const struct ob_case_actor *a, const char *account, const char *unit,
                     long long at, struct ob_diag *d)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL);
	char when[32], object[OB_MAX_USER_NAME + 16];
	ob_err e;

	if (a->role != OB_ROLE_ADMIN)
		return OB_DIAG(d, OB_EINVAL, t->code, 0, 0, ob_role_name(a->role),
		               strlen(ob_role_name(a->role)),
		               "solo el rol admin da unidades a una cuenta",
		               "only the role admin gives an account its units");
	ob_audit_time(at, when);
	snprintf(object, sizeof(object), "account:%s", account);
	ob_buf_puts(&b, "{\"type\":");
	(void)ob_json_str(&b, t->code, strlen(t->code));
	ob_buf_puts(&b, ",\"unit\":");
	(void)ob_json_str(&b, unit, strlen(unit));
	ob_buf_puts(&b, "}");
	if (ob_buf_failed(&b)) {
		ob_buf_release(&b);
		return OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0, "unidad demasiado larga",
		               "unit too long");
	}
	if (!(e = ob_store_begin(s, d))) {
		if ((e = ob_store_case_grant(s, account, t->code, unit, when, a->name, d)) ||
		    (e = ob_audit_append(s, NULL, a->name, "case.grant", object, b.ptr, NULL, d)) ||
		    (e = ob_store_commit(s, d)))
			ob_store_rollback(s);
	}
	ob_buf_release(&b);
	return e;
}

/* ---- changes ---- */

/* The values given, checked and in their stored form: vals[f] for field
 * f (NULL when not given); *given the fields given, as bits. */
struct checked {
	char *vals[OB_MAX_CASE_FIELDS];
	unsigned long long given;
};

static void checked_release(struct checked *c)
{
	for (size_t i = 0; i < OB_MAX_CASE_FIELDS; i++)
		free(c->vals[i]);
}

static int found_unit(void *arg, const struct ob_store_unit *u)
{
	(void)u;
	*(bool *)arg = true;
	return 0;
}

/*
 * The territory of a school of the catalogue (a field with catalog =
 * schools and territory = FIELD): filled from the catalogue when not
 * given; refused when given and not the school's, or when the catalogue's
 * is not a territory of the store.
 */
static ob_err school_territory(struct ob_store *s, const struct ob_case_type *t,
                               struct checked *c, struct ob_diag *d)
{
	for (size_t f = 0; f < t->n_fields; f++) {
		const struct ob_case_field *x = &t->fields[f];
		const struct ob_school *sc;
		int tf = x->school_territory;
		bool unit = false, found = false;
		ob_err e;

		if (!x->schools || tf < 0 || !c->vals[f] ||
		    !(sc = ob_schools_find(t->schools, c->vals[f])))
			continue;
		if (c->vals[tf]) {
			if (strcmp(c->vals[tf], sc->territory))
				return OB_DIAG(d, OB_EINVAL, t->fields[tf].name, 0, 0, c->vals[tf],
				               strlen(c->vals[tf]),
				               "el centro escolar %s está en %s según el catálogo "
				               "(catalog/schools.csv, línea %ld): se esperaba ese territorio "
				               "o ninguno",
				               "the school %s is in %s by the catalogue (catalog/schools.csv, "
				               "line %ld): expected that territory or none",
				               sc->code, sc->territory, sc->line);
			continue;
		}
		if ((e = ob_store_territory_unit(s, sc->territory, found_unit, &unit, &found, d)))
			return e;
		if (!found)
			return OB_DIAG(d, OB_EINVAL, t->schools->path, sc->line, 0, sc->territory,
			               strlen(sc->territory),
			               "el territorio del centro escolar %s no está en el catálogo de "
			               "territorios",
			               "the territory of the school %s is not in the catalogue of "
			               "territories", sc->code);
		c->vals[tf] = ob_strdup(sc->territory);
		c->given |= 1ull << tf;
	}
	return OB_OK;
}

static ob_err check_inputs(struct ob_store *s, const struct ob_case_type *t,
                           const struct ob_calendar *cal, const struct ob_case_input *in,
                           size_t n, struct checked *c, struct ob_diag *d)
{
	char out[OB_MAX_CASE_VALUE + 1];

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < n; i++) {
		int f = ob_case_field_index(t, in[i].field);
		bool found = false;
		ob_err e;

		if (f < 0)
			return OB_DIAG(d, OB_EINVAL, t->path, 0, 0, in[i].field, strlen(in[i].field),
			               "el tipo de caso %s no tiene ese campo (observa case types lo "
			               "describe)",
			               "the case type %s has no such field (observa case types "
			               "describes it)",
			               t->code);
		if (c->given & (1ull << f))
			return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, in[i].field, strlen(in[i].field),
			               "campo dado dos veces", "field given twice");
		if ((e = ob_case_value_check(t, f, in[i].value, cal->utc_offset, out, sizeof(out), d)))
			return e;
		if (t->fields[f].type == OB_CASE_TERRITORY) {
			bool unit = false;
			if ((e = ob_store_territory_unit(s, out, found_unit, &unit, &found, d)))
				return e;
			if (!found)
				return OB_DIAG(d, OB_EINVAL, t->fields[f].name, 0, 0, out, strlen(out),
				               "se esperaba el código de un territorio del catálogo",
				               "expected the code of a territory of the catalogue");
		}
		if (t->fields[f].schools && t->schools && t->schools->n &&
		    !ob_schools_find(t->schools, out))
			return OB_DIAG(d, OB_EINVAL, t->fields[f].name, 0, 0, out, strlen(out),
			               "se esperaba el código de un centro escolar del catálogo "
			               "(catalog/schools.csv, %zu centros)",
			               "expected the code of a school of the catalogue "
			               "(catalog/schools.csv, %zu schools)", t->schools->n);
		c->vals[f] = ob_strdup(out);
		c->given |= 1ull << f;
	}
	return school_territory(s, t, c, d);
}

/* The audit entry of a change: {"type":..., "from":..., "to":..., "fields":[...]}
 * (the names of the fields set, never their values). */
static ob_err audit_change(struct ob_store *s, const struct ob_case_type *t,
                           const struct ob_case_actor *a, const char *action, long long id,
                           const char *from, const char *to, const struct checked *c,
                           struct ob_diag *d)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL);
	char object[64];
	bool first = true;
	ob_err e;

	ob_buf_puts(&b, "{\"type\":");
	(void)ob_json_str(&b, t->code, strlen(t->code));
	if (from) {
		ob_buf_puts(&b, ",\"from\":");
		(void)ob_json_str(&b, from, strlen(from));
	}
	ob_buf_puts(&b, ",\"to\":");
	(void)ob_json_str(&b, to, strlen(to));
	ob_buf_puts(&b, ",\"role\":");
	(void)ob_json_str(&b, ob_role_name(a->role), strlen(ob_role_name(a->role)));
	ob_buf_puts(&b, ",\"fields\":[");
	for (size_t f = 0; f < t->n_fields; f++)
		if (c->given & (1ull << f)) {
			if (!first)
				ob_buf_putc(&b, ',');
			(void)ob_json_str(&b, t->fields[f].name, strlen(t->fields[f].name));
			first = false;
		}
	ob_buf_puts(&b, "]}");
	snprintf(object, sizeof(object), "case:%lld", id);
	if (ob_buf_failed(&b))
		e = OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0, "detalle de auditoría demasiado largo",
		            "audit detail too long");
	else
		e = ob_audit_append(s, NULL, a->name, action, object, b.ptr, NULL, d);
	ob_buf_release(&b);
	return e;
}

/* The values of c written with event `event` of case id, which entered
 * state with it; then the case's row of the open cases written again, or
 * dropped in a final state (store/cases.h): every change of a case comes
 * through here, so the alerts' table (ob_case_alerts_read) follows. */
static ob_err write_change(struct ob_store *s, const struct ob_case_type *t, long long id,
                           long long event, int state, const struct checked *c,
                           struct ob_diag *d)
{
	ob_err e;

	for (size_t f = 0; f < t->n_fields; f++)
		if (c->vals[f] && (e = ob_store_case_set(s, id, event, t->fields[f].name, c->vals[f], d)))
			return e;
	return ob_store_case_open_sync(s, id, !t->states[state].final, d);
}

ob_err ob_case_open(struct ob_store *s, const struct ob_case_type *t,
                    const struct ob_calendar *cal, const struct ob_case_actor *a, long long at,
                    const struct ob_case_input *in, size_t n, long long *id, struct ob_diag *d)
{
	struct ob_case_units u = { 0 };
	struct checked c;
	unsigned long long missing;
	const char *state = t->states[t->initial].name;
	long long event;
	char when[32];
	ob_err e;

	memset(&c, 0, sizeof(c));
	/* the public form of a type that takes anonymous reports acts for no
	 * account, as the public */
	if (!(t->public_form && a->role == OB_ROLE_PUBLIC && !a->account) &&
	    !ob_role_allows(a->role, t->open_role)) {
		e = OB_DIAG(d, OB_EINVAL, t->path, 0, 0, ob_role_name(a->role),
		            strlen(ob_role_name(a->role)),
		            "el rol %s no puede abrir casos del tipo %s: lo hace el rol %s",
		            "the role %s may not open cases of type %s: the role %s does",
		            ob_role_name(a->role), t->code, ob_role_name(t->open_role));
		goto release_values;
	}
	if ((e = check_inputs(s, t, cal, in, n, &c, d)))
		goto release_values;
	if ((e = ob_case_units_load(s, t, a, &u, d)) ||
	    (e = ob_case_unit_check(t, a, &u, t->unit_field >= 0 ? c.vals[t->unit_field] : NULL, d)))
		goto release_values;
	if ((missing = ob_case_missing(t, t->initial, c.given))) {
		int f = __builtin_ctzll(missing);
		e = OB_DIAG(d, OB_EINVAL, t->path, 0, 0, t->fields[f].name, strlen(t->fields[f].name),
		            "un caso nuevo (estado «%s») exige este campo (dé --set %s=VALOR)",
		            "a new case (state «%s») requires this field (give --set %s=VALUE)", state,
		            t->fields[f].name);
		goto release_values;
	}
	ob_audit_time(at, when);
	if ((e = ob_store_begin(s, d)))
		goto release_values;
	if ((e = ob_store_case_open(s, t->code, state,
	                            t->unit_field >= 0 ? c.vals[t->unit_field] : NULL, when, a->name,
	                            ob_role_name(a->role), id, &event, d)) ||
	    (e = write_change(s, t, *id, event, t->initial, &c, d)) ||
	    (t->registry && (e = ob_registry_rekey(s, t, *id, d))) ||
	    (e = audit_change(s, t, a, "case.open", *id, NULL, state, &c, d)) ||
	    (e = ob_notify_change(s, t, *id, t->unit_field >= 0 ? c.vals[t->unit_field] : NULL, 1,
	                          NULL, state, when, c.vals, d)) ||
	    (e = ob_store_commit(s, d)))
		ob_store_rollback(s);
release_values:
	ob_case_units_release(&u);
	checked_release(&c);
	return e;
}

static int note_field(void *arg, const char *field, const char *value)
{
	void **p = arg;
	const struct ob_case_type *t = p[0];
	int f = ob_case_field_index(t, field);

	(void)value;
	if (f >= 0)
		*(unsigned long long *)p[1] |= 1ull << f;
	return 0;
}

ob_err ob_case_move(struct ob_store *s, const struct ob_case_type *t,
                    const struct ob_calendar *cal, const struct ob_case_actor *a, long long id,
                    const char *state, long long at, const struct ob_case_input *in, size_t n,
                    struct ob_diag *d)
{
	return ob_case_move_also(s, t, cal, a, id, state, at, in, n, NULL, NULL, d);
}

/* A move of case id to state (NULL: a change of values alone, in the
 * state it is in, made by the type's protected role), as ob_case_move_also
 * says. */
static ob_err change(struct ob_store *s, const struct ob_case_type *t,
                     const struct ob_calendar *cal, const struct ob_case_actor *a, long long id,
                     const char *state, long long at, const struct ob_case_input *in, size_t n,
                     ob_err (*also)(void *arg, struct ob_store *s, struct ob_diag *d),
                     void *also_arg, struct ob_diag *d)
{
	struct ob_case_units u = { 0 };
	struct ob_store_case sc;
	struct checked c;
	unsigned long long have = 0;
	void *arg[2] = { (void *)t, &have };
	long long last, event;
	int from, to, tr;
	char when[32];
	bool found, values_only;
	ob_err e;

	memset(&c, 0, sizeof(c));
	if ((e = ob_store_case_get(s, id, &sc, &found, d)))
		return e;
	if (!found || strcmp(sc.type, t->code))
		return OB_DIAG(d, OB_ENOENT, NULL, 0, 0, NULL, 0, "no hay caso %lld del tipo %s",
		               "there is no case %lld of type %s", id, t->code);
	if (!state && !n)
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, NULL, 0, "no se dio ningún valor",
		               "no value was given");
	if (!state && !ob_role_allows(a->role, t->protected_role))
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, NULL, 0,
		               "cambiar los valores de un caso del tipo %s sin moverlo exige el rol %s",
		               "changing the values of a case of type %s without moving it takes the "
		               "role %s", t->code, ob_role_name(t->protected_role));
	values_only = !state;
	if (values_only)
		state = sc.state;
	if ((to = ob_case_state_index(t, state)) < 0)
		return OB_DIAG(d, OB_EINVAL, t->path, 0, 0, state, strlen(state),
		               "el tipo de caso %s no tiene ese estado", "the case type %s has no such state",
		               t->code);
	if ((from = ob_case_state_index(t, sc.state)) < 0)
		return OB_DIAG(d, OB_EINVAL, t->path, 0, 0, sc.state, strlen(sc.state),
		               "el caso está en un estado que el tipo %s ya no tiene",
		               "the case is in a state the type %s no longer has", t->code);
	if (ob_case_time_parse(sc.updated_at, 0, &last) && at < last) {
		char s1[32], s2[32];
		ob_case_time_local(at, cal->utc_offset, s1, sizeof(s1));
		ob_case_time_local(last, cal->utc_offset, s2, sizeof(s2));
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, s1, strlen(s1),
		               "la fecha es anterior al último cambio del caso %lld (%s, hora local)",
		               "the time is before the last change of case %lld (%s, local time)", id,
		               s2);
	}
	if (ob_store_case_values_each(s, id, note_field, arg, d) < 0)
		return OB_ESTORE;
	if ((e = check_inputs(s, t, cal, in, n, &c, d)))
		goto release_values;
	if ((e = ob_case_units_load(s, t, a, &u, d)) ||
	    (e = ob_case_unit_check(t, a, &u, sc.unit, d)) ||
	    (t->unit_field >= 0 && c.vals[t->unit_field] &&
	     (e = ob_case_unit_check(t, a, &u, c.vals[t->unit_field], d))))
		goto release_values;
	if (!values_only && (e = ob_case_type_check_move(t, from, to, a->role, have | c.given, &tr,
	                                                 d)))
		goto release_values;
	ob_audit_time(at, when);
	if ((e = ob_store_begin(s, d)))
		goto release_values;
	if ((e = ob_store_case_move(s, &sc, state,
	                            t->unit_field >= 0 ? c.vals[t->unit_field] : NULL, when, a->name,
	                            ob_role_name(a->role), &event, d)) ||
	    (e = write_change(s, t, id, event, to, &c, d)) ||
	    (t->registry && (e = ob_registry_rekey(s, t, id, d))) ||
	    (e = audit_change(s, t, a, values_only ? "case.set" : "case.move", id, sc.state, state,
	                      &c, d)) ||
	    /* a change of values is no move to notify */
	    (!values_only &&
	     (e = ob_notify_change(s, t, id,
	                           t->unit_field >= 0 && c.vals[t->unit_field]
	                                   ? c.vals[t->unit_field]
	                                   : sc.unit,
	                           sc.events + 1, sc.state, state, when, c.vals, d))) ||
	    (also && (e = also(also_arg, s, d))) ||
	    (e = ob_store_commit(s, d)))
		ob_store_rollback(s);
release_values:
	ob_case_units_release(&u);
	checked_release(&c);
	return e;
}

ob_err ob_case_move_also(struct ob_store *s, const struct ob_case_type *t,
                         const struct ob_calendar *cal, const struct ob_case_actor *a,
                         long long id, const char *state, long long at,
                         const struct ob_case_input *in, size_t n,
                         ob_err (*also)(void *arg, struct ob_store *s, struct ob_diag *d),
                         void *also_arg, struct ob_diag *d)
{
	if (!state)
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, NULL, 0, "falta el estado",
		               "the state is missing");
	return change(s, t, cal, a, id, state, at, in, n, also, also_arg, d);
}

ob_err ob_case_set_values(struct ob_store *s, const struct ob_case_type *t,
                          const struct ob_calendar *cal, const struct ob_case_actor *a,
                          long long id, long long at, const struct ob_case_input *in, size_t n,
                          struct ob_diag *d)
{
	return change(s, t, cal, a, id, NULL, at, in, n, NULL, NULL, d);
}

/* ---- loading for alerts ---- */

/* A block of the texts of a set's cases (units, values), copied one after
 * the other and freed together (ob_case_set_free). */
struct ob_case_text {
	struct ob_case_text *next;
	size_t used, size;
	char bytes[];
};

#define TEXT_BLOCK (1u << 20)

/* The len bytes at v, and a NUL. */
static char *text_copy_n(struct ob_case_set *set, const char *v, size_t len)
{
	size_t n = len + 1;
	struct ob_case_text *b = set->text;

	if (!b || b->size - b->used < n) {
		/* 4 KiB first (a case alone), each next twice the last, to 1 MiB */
		size_t size = !b ? 4096 : b->size < TEXT_BLOCK ? 2 * b->size : TEXT_BLOCK;
		if (size < n)
			size = n;
		b = ob_malloc(sizeof(*b) + size);
		b->next = set->text;
		b->used = 0;
		b->size = size;
		set->text = b;
	}
	memcpy(b->bytes + b->used, v, len);
	b->bytes[b->used + len] = 0;
	b->used += n;
	return b->bytes + b->used - n;
}

static char *text_copy(struct ob_case_set *set, const char *v)
{
	return text_copy_n(set, v, strlen(v));
}

/* One more case at the end of set; non-zero past OB_MAX_CASES_LOADED. */
static int push_case(struct ob_case_set *set, long long id, const char *unit)
{
	struct ob_case_rec *r;

	if (set->n >= OB_MAX_CASES_LOADED)
		return 1;
	if (!(set->n & (set->n + 1)) || !set->cases)
		set->cases = ob_realloc(set->cases, (set->n + 1) * 2 * sizeof(*set->cases));
	r = &set->cases[set->n++];
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->unit = unit && unit[0] ? text_copy(set, unit) : "";
	return 0;
}

/* A case that holds its own values and entries (ob_case_load_one, _ids). */
static int add_case(void *arg, const struct ob_store_case *sc)
{
	struct ob_case_set *set = arg;

	if (push_case(set, sc->id, sc->unit))
		return 1;
	set->cases[set->n - 1].values =
		ob_calloc(set->type->n_fields ? set->type->n_fields : 1, sizeof(char *));
	return 0;
}

static struct ob_case_rec *find_case(const struct ob_case_set *set, long long id)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (set->cases[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < set->n && set->cases[lo].id == id ? &set->cases[lo] : NULL;
}

static int add_value(void *arg, long long id, const char *field, const char *value)
{
	struct ob_case_set *set = arg;
	struct ob_case_rec *r = find_case(set, id);
	int f = ob_case_field_index(set->type, field);

	if (r && f >= 0 && !r->values[f])
		r->values[f] = text_copy(set, value);
	return 0;
}

static int add_entry(void *arg, long long id, const char *state, const char *at)
{
	struct ob_case_set *set = arg;
	struct ob_case_rec *r = find_case(set, id);
	long long t;

	if (!r || !ob_case_time_parse(at, 0, &t))
		return 0;
	if (r->n_entries == r->cap_entries) {
		r->cap_entries = r->cap_entries ? 2 * r->cap_entries : 4;
		r->entries = ob_realloc(r->entries, r->cap_entries * sizeof(*r->entries));
	}
	r->entries[r->n_entries++] = (struct ob_case_entry){ ob_case_state_index(set->type, state), t };
	return 0;
}

/*
 * ob_case_load reads three tables whole, each in one pass in the order
 * its rows lie (store/cases.h): the cases of the type, then every value
 * and every event, each found by its case id (through a table by id when
 * the type's ids are dense, else by binary search) and the rows of other
 * types skipped; the events are put in order by case and seq at the end.
 * Every case's values and entries go into one block each, their texts
 * into the set's text blocks: no allocation per case.
 */
struct event {
	unsigned idx;       /* the case's index in the set */
	int state;
	long long seq, at;
};

struct loading {
	struct ob_case_set *set;
	unsigned long long fields;  /* bit f: field f is read */
	long long min_id;
	unsigned *by_id;            /* [id - min_id]: index + 1, 0 none; NULL: search */
	size_t span;
	int last_field, last_state; /* the last names found, tried first */
	struct event *ev;
	size_t n_ev, cap_ev;
};

static int load_case(void *arg, long long id, const char *unit)
{
	struct loading *l = arg;

	return push_case(l->set, id, unit);
}

static int cmp_rec_id(const void *a, const void *b)
{
	const struct ob_case_rec *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Put the cases in order of id and index them. */
static void index_cases(struct loading *l)
{
	struct ob_case_set *set = l->set;
	bool sorted = true;

	for (size_t i = 1; i < set->n && sorted; i++)
		sorted = set->cases[i - 1].id < set->cases[i].id;
	if (!sorted)
		qsort(set->cases, set->n, sizeof(*set->cases), cmp_rec_id);
	if (!set->n)
		return;
	l->min_id = set->cases[0].id;
	/* a table of 4 bytes per id when the ids are no sparser than one
	 * in four */
	if ((unsigned long long)(set->cases[set->n - 1].id - l->min_id) / 4 > set->n)
		return;
	l->span = (size_t)(set->cases[set->n - 1].id - l->min_id) + 1;
	l->by_id = ob_calloc(l->span, sizeof(*l->by_id));
	for (size_t i = 0; i < set->n; i++)
		l->by_id[set->cases[i].id - l->min_id] = (unsigned)i + 1;
}

/* The index of case id in the set; -1 when it is not there. */
static long case_index(const struct loading *l, long long id)
{
	const struct ob_case_rec *r;

	if (l->by_id)
		return id >= l->min_id && (unsigned long long)(id - l->min_id) < l->span
		               ? (long)l->by_id[id - l->min_id] - 1
		               : -1;
	r = find_case(l->set, id);
	return r ? r - l->set->cases : -1;
}

static int load_value(void *arg, long long id, const char *field, const char *value)
{
	struct loading *l = arg;
	const struct ob_case_type *t = l->set->type;
	long i = case_index(l, id);
	char **v;
	int f = l->last_field;

	if (i < 0)
		return 0;
	if (f < 0 || strcmp(t->fields[f].name, field))
		f = l->last_field = ob_case_field_index(t, field);
	if (f < 0 || !(l->fields >> f & 1))
		return 0;
	v = &l->set->values[(size_t)i * t->n_fields + (size_t)f];
	if (!*v)
		*v = text_copy(l->set, value);
	return 0;
}

static int load_event(void *arg, long long id, long long seq, const char *state, const char *at)
{
	struct loading *l = arg;
	const struct ob_case_type *t = l->set->type;
	long i = case_index(l, id);
	int st = l->last_state;
	long long tm;

	if (i < 0 || !ob_case_time_parse(at, 0, &tm))
		return 0;
	if (st < 0 || strcmp(t->states[st].name, state))
		st = l->last_state = ob_case_state_index(t, state);
	if (l->n_ev == l->cap_ev) {
		l->cap_ev = l->cap_ev ? 2 * l->cap_ev : 1024;
		l->ev = ob_realloc(l->ev, l->cap_ev * sizeof(*l->ev));
	}
	l->ev[l->n_ev++] = (struct event){ (unsigned)i, st, seq, tm };
	return 0;
}

/* Every case's entries, by seq, into one block. */
static void place_events(struct loading *l)
{
	struct ob_case_set *set = l->set;
	size_t *next = ob_calloc(set->n + 1, sizeof(*next));
	long long *seq = ob_malloc((l->n_ev ? l->n_ev : 1) * sizeof(*seq));

	set->entries = ob_malloc((l->n_ev ? l->n_ev : 1) * sizeof(*set->entries));
	for (size_t k = 0; k < l->n_ev; k++)
		set->cases[l->ev[k].idx].n_entries++;
	for (size_t i = 0, at = 0; i < set->n; i++) {
		next[i] = at;
		set->cases[i].entries = set->entries + at;
		at += set->cases[i].n_entries;
	}
	for (size_t k = 0; k < l->n_ev; k++) {
		size_t at = next[l->ev[k].idx]++;
		set->entries[at] = (struct ob_case_entry){ l->ev[k].state, l->ev[k].at };
		seq[at] = l->ev[k].seq;
	}
	/* the events of a case come by seq as a rule: insertion sort */
	for (size_t i = 0; i < set->n; i++) {
		struct ob_case_entry *e = set->cases[i].entries;
		long long *q = seq + (e - set->entries);
		for (size_t j = 1; j < set->cases[i].n_entries; j++)
			for (size_t m = j; m > 0 && q[m - 1] > q[m]; m--) {
				struct ob_case_entry te = e[m];
				long long tq = q[m];
				e[m] = e[m - 1];
				q[m] = q[m - 1];
				e[m - 1] = te;
				q[m - 1] = tq;
			}
	}
	free(seq);
	free(next);
}

static ob_err load_fields(struct ob_store *s, const struct ob_case_type *t,
                          unsigned long long fields, struct ob_case_set *set, struct ob_diag *d)
{
	struct loading l = { .set = set, .fields = fields, .last_field = -1, .last_state = -1 };
	const char *names[OB_STORE_CASE_FIELDS_READ];
	size_t n_names = 0;
	int rc;

	memset(set, 0, sizeof(*set));
	set->type = t;
	ob_diag_clear(d);
	for (size_t f = 0; f < t->n_fields; f++)
		if (fields >> f & 1) {
			if (n_names < OB_STORE_CASE_FIELDS_READ)
				names[n_names] = t->fields[f].name;
			n_names++;
		}
	rc = ob_store_case_type_units_each(s, t->code, load_case, &l, d);
	if (rc > 0) {
		OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0, "más de %d casos del tipo %s",
		        "more than %d cases of type %s", OB_MAX_CASES_LOADED, t->code);
		rc = -1;
	}
	if (rc >= 0) {
		index_cases(&l);
		set->values = ob_calloc(set->n && t->n_fields ? set->n * t->n_fields : 1,
		                        sizeof(*set->values));
		for (size_t i = 0; i < set->n; i++)
			set->cases[i].values = set->values + i * t->n_fields;
	}
	if (rc < 0 || (n_names && ob_store_case_values_scan(s, n_names == t->n_fields ? NULL : names,
	                                                     n_names, load_value, &l, d) < 0) ||
	    ob_store_case_events_scan(s, load_event, &l, d) < 0) {
		ob_err e = d->code ? d->code : OB_ESTORE;
		free(l.by_id);
		free(l.ev);
		ob_case_set_free(set);
		return e;
	}
	place_events(&l);
	free(l.by_id);
	free(l.ev);
	return OB_OK;
}

ob_err ob_case_load(struct ob_store *s, const struct ob_case_type *t, struct ob_case_set *set,
                    struct ob_diag *d)
{
	return load_fields(s, t, ~0ull, set, d);
}

/* The fields ob_case_alerts() reads of the cases of t, as bits. */
static unsigned long long alert_fields(const struct ob_case_type *t)
{
	unsigned long long fields = 0;

	for (size_t k = 0; k < t->n_severities; k++)
		fields |= 1ull << t->severities[k].field;
	for (size_t k = 0; k < t->n_repeats; k++)
		fields |= 1ull << t->repeats[k].field;
	for (size_t k = 0; k < t->n_deadlines; k++) {
		if (t->deadlines[k].start_field >= 0)
			fields |= 1ull << t->deadlines[k].start_field;
		if (t->deadlines[k].reset_field >= 0)
			fields |= 1ull << t->deadlines[k].reset_field;
	}
	return fields;
}

/* Index of the state or field named by the len bytes at p, the last one
 * found tried first; -1 when none. */
static int name_index(const struct ob_case_type *t, bool state, const char *p, size_t len,
                      int *last)
{
	char name[OB_CASE_NAME];
	const char *have;

	if (*last >= 0) {
		have = state ? t->states[*last].name : t->fields[*last].name;
		if (strlen(have) == len && !memcmp(have, p, len))
			return *last;
	}
	if (len >= sizeof(name))
		return -1;
	memcpy(name, p, len);
	name[len] = 0;
	return *last = state ? ob_case_state_index(t, name) : ob_case_field_index(t, name);
}

/*
 * ob_case_alerts_read: the alerts' cases when no change of a case of the
 * type comes after now (the usual time: the present), so that every case
 * is in the state it is in now: the open cases from their table
 * (store/cases.h's case_open) in one scan by id, each with the last time it
 * entered each state it entered (all that ob_case_alerts() asks of its
 * history then) and its values; and the closed cases a repeat rule counts
 * (opened within its window) from their rows. Each case is handed to a run
 * (cases.h) as its row is read instead of kept: one case at a time, its
 * entries and values in buffers used again for the next; a closed case's
 * values come in one row each, handed on at the next case. A value the
 * rules read that the table leaves out (too long), or a change after now,
 * gives up (whole) for load_fields() and ob_case_alerts(): the same alerts
 * from every case with its history.
 */
struct stream {
	const struct ob_case_type *t;
	struct ob_case_alerts_run *run;
	unsigned long long fields;     /* bit f: field f is read */
	long long after;               /* closed cases opened after it count */
	int last_state, last_field;
	/* the field last found at each place of a row's values: the rows
	 * list the same fields in the same order as a rule */
	int field_at[OB_MAX_CASE_FIELDS];
	size_t n;                      /* the cases handed on */
	struct ob_case_rec rec;        /* the case being read */
	char *vals[OB_MAX_CASE_FIELDS];
	size_t at[OB_MAX_CASE_FIELDS]; /* [f]: where value f is in text, + 1; 0: none */
	struct ob_case_entry *ent;
	size_t cap_ent;
	char *text;                    /* its values' texts, one after another */
	size_t used, cap_text;
	char *unit;                    /* a closed case's unit */
	size_t cap_unit;
	bool pending;                  /* a closed case not handed on yet */
	bool whole;
};

/* A new case in s->rec (its unit as given: copied by the caller when it
 * must outlive the row); non-zero past OB_MAX_CASES_LOADED. */
static int stream_case(struct stream *s, long long id, const char *unit)
{
	if (s->n >= OB_MAX_CASES_LOADED)
		return 1;
	s->n++;
	memset(s->at, 0, s->t->n_fields * sizeof(*s->at));
	s->used = 0;
	s->rec = (struct ob_case_rec){ .id = id, .unit = unit && unit[0] ? unit : "",
		                       .values = s->vals, .entries = s->ent };
	return 0;
}

static void stream_entry(struct stream *s, int state, long long at)
{
	if (s->rec.n_entries == s->cap_ent) {
		s->cap_ent = s->cap_ent ? 2 * s->cap_ent : 16;
		s->ent = ob_realloc(s->ent, s->cap_ent * sizeof(*s->ent));
		s->rec.entries = s->ent;
	}
	s->ent[s->rec.n_entries++] = (struct ob_case_entry){ state, at };
}

/* The value of field f of the case (the first one given). */
static void stream_value(struct stream *s, int f, const char *v, size_t len)
{
	if (s->at[f])
		return;
	if (s->cap_text - s->used < len + 1) {
		s->cap_text = s->used + len + 1 > 4096 ? 2 * (s->used + len + 1) : 4096;
		s->text = ob_realloc(s->text, s->cap_text);
	}
	memcpy(s->text + s->used, v, len);
	s->text[s->used + len] = 0;
	s->at[f] = s->used + 1;
	s->used += len + 1;
}

/* The case read, handed to the run. */
static void stream_hand(struct stream *s)
{
	for (size_t f = 0; f < s->t->n_fields; f++)
		s->vals[f] = s->at[f] ? s->text + s->at[f] - 1 : NULL;
	ob_case_alerts_add(s->run, &s->rec);
}

static int stream_open(void *arg, long long id, const char *state, long long opened,
                       const char *unit, const char *entered, const char *vals)
{
	struct stream *s = arg;
	const struct ob_case_type *t = s->t;
	int st = name_index(t, true, state, strlen(state), &s->last_state);
	const char *p, *vend = vals + strlen(vals);

	/* a closed case: from case_file (stream_closed), if it counts */
	if (st >= 0 && t->states[st].final)
		return 0;
	/* in a state the type no longer has: never open, counted by the
	 * repeats as the history would */
	if (st < 0 && opened <= s->after)
		return 0;
	if (stream_case(s, id, unit))
		return 1;
	stream_entry(s, -1, opened);
	if (st >= 0) {
		for (p = entered; *p;) {
			const char *sp = strchr(p, ' ');
			char *end;
			long long at;
			int es;

			if (!sp)
				break;
			es = name_index(t, true, p, (size_t)(sp - p), &s->last_state);
			at = strtoll(sp + 1, &end, 10);
			stream_entry(s, es, at);
			p = *end == ' ' ? end + 1 : end;
		}
	}
	p = vals;
	for (size_t at = 0; *p; at++) {
		const char *sp = strchr(p, ' ');
		int f;

		if (!sp)
			break;
		f = name_index(t, false, p, (size_t)(sp - p),
		               at < OB_MAX_CASE_FIELDS ? &s->field_at[at] : &s->last_field);
		if (sp[1] == '+') {
			if (f >= 0 && (s->fields >> f & 1)) {
				s->whole = true;
				return 1;
			}
			p = sp[2] == ' ' ? sp + 3 : sp + 2;
		} else {
			char *end;
			unsigned long long len = strtoull(sp + 1, &end, 10);

			if (*end != ' ' || (unsigned long long)(vend - (end + 1)) < len)
				break;
			if (f >= 0 && (s->fields >> f & 1))
				stream_value(s, f, end + 1, (size_t)len);
			p = end + 1 + len;
			if (*p == ' ')
				p++;
		}
	}
	stream_hand(s);
	return 0;
}

static int stream_closed(void *arg, long long id, const char *state, const char *unit,
                         const char *opened_at, const char *field, const char *value)
{
	struct stream *s = arg;
	const struct ob_case_type *t = s->t;
	int f = name_index(t, false, field, strlen(field), &s->last_field);
	long long at;

	if (!s->pending || s->rec.id != id) {
		size_t len = unit ? strlen(unit) : 0;

		if (s->pending)
			stream_hand(s);
		s->pending = false;
		if (!ob_case_time_parse(opened_at, 0, &at))
			return 0;
		if (s->cap_unit < len + 1) {
			s->cap_unit = len + 1 > 64 ? len + 1 : 64;
			s->unit = ob_realloc(s->unit, s->cap_unit);
		}
		memcpy(s->unit, unit ? unit : "", len + 1);
		if (stream_case(s, id, s->unit))
			return 1;
		s->pending = true;
		stream_entry(s, name_index(t, true, state, strlen(state), &s->last_state), at);
	}
	if (f >= 0)
		stream_value(s, f, value, strlen(value));
	return 0;
}

/* The open cases' table and the closed cases that count, into s->run; *whole true when
 * load_fields() must read instead (nothing handed to the run is then of
 * use). */
static ob_err stream_quick(struct ob_store *st, struct stream *s, long long now, bool *whole,
                           struct ob_diag *d)
{
	const struct ob_case_type *t = s->t;
	const char *finals[OB_MAX_CASE_STATES], *fields[OB_MAX_CASE_RULES];
	size_t n_finals = 0, n_fields = 0;
	char changed[32], after[32];
	long long last;
	int rc, window = -1;
	ob_err e;

	*whole = true;
	if ((e = ob_store_case_changed(st, t->code, changed, d)))
		return e;
	if (!changed[0]) {
		*whole = false;
		return OB_OK;
	}
	if (!ob_case_time_parse(changed, 0, &last) || last > now)
		return OB_OK;
	for (size_t i = 0; i < t->n_states; i++)
		if (t->states[i].final)
			finals[n_finals++] = t->states[i].name;
	for (size_t k = 0; k < t->n_repeats; k++) {
		const char *name = t->fields[t->repeats[k].field].name;
		size_t j = 0;

		while (j < n_fields && strcmp(fields[j], name))
			j++;
		if (j == n_fields)
			fields[n_fields++] = name;
		if (t->repeats[k].window_days > window)
			window = t->repeats[k].window_days;
	}
	if (n_fields > OB_STORE_CASE_FIELDS_READ || n_finals > 8)
		return OB_OK;
	s->after = window >= 0 ? now - (long long)window * 86400 : now;
	ob_diag_clear(d);
	rc = ob_store_case_open_each(st, t->code, stream_open, s, d);
	if (rc >= 0 && !s->whole && n_fields && n_finals) {
		ob_audit_time(s->after, after);
		rc = ob_store_cases_final_each(st, t->code, finals, n_finals, after, fields, n_fields,
		                               stream_closed, s, d);
		if (rc >= 0 && !s->whole && s->pending)
			stream_hand(s);
	}
	if (rc > 0 && !s->whole) {
		OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0, "más de %d casos del tipo %s",
		        "more than %d cases of type %s", OB_MAX_CASES_LOADED, t->code);
		rc = -1;
	}
	if (rc < 0 && !s->whole)
		return d->code ? d->code : OB_ESTORE;
	*whole = s->whole;
	return OB_OK;
}

ob_err ob_case_alerts_read(struct ob_store *s, const struct ob_case_type *t,
                           const struct ob_calendar *cal, long long now,
                           int (*fn)(void *arg, const struct ob_case_alert *a), void *arg,
                           bool *read, struct ob_diag *d)
{
	struct stream *st = ob_calloc(1, sizeof(*st));
	struct ob_case_set set;
	bool whole;
	ob_err e;

	*read = false;
	st->t = t;
	st->fields = alert_fields(t);
	st->last_state = st->last_field = -1;
	for (size_t i = 0; i < OB_MAX_CASE_FIELDS; i++)
		st->field_at[i] = -1;
	st->run = ob_case_alerts_start(t, cal, now);
	e = stream_quick(s, st, now, &whole, d);
	free(st->ent);
	free(st->text);
	free(st->unit);
	if (e || whole) {
		ob_case_alerts_drop(st->run);
		free(st);
		if (e || (e = load_fields(s, t, alert_fields(t), &set, d)))
			return e;
		*read = true;
		e = ob_case_alerts(&set, cal, now, fn, arg, d);
		ob_case_set_free(&set);
		return e;
	}
	*read = true;
	e = ob_case_alerts_finish(st->run, fn, arg, d);
	free(st);
	return e;
}

struct one {
	struct ob_case_set *set;
	long long last_seq;
};

static int one_value(void *arg, const char *field, const char *value)
{
	struct one *o = arg;

	return add_value(o->set, o->set->cases[0].id, field, value);
}

static int one_event(void *arg, const struct ob_store_case_event *e)
{
	struct one *o = arg;

	if (e->seq == o->last_seq)
		return 0; /* another value of the same event */
	o->last_seq = e->seq;
	return add_entry(o->set, o->set->cases[0].id, e->state_to, e->at);
}

ob_err ob_case_load_one(struct ob_store *s, const struct ob_case_type *t, long long id,
                        struct ob_case_set *set, struct ob_diag *d)
{
	struct one o = { set, -1 };
	struct ob_store_case sc;
	bool found;
	ob_err e;

	memset(set, 0, sizeof(*set));
	set->type = t;
	if ((e = ob_store_case_get(s, id, &sc, &found, d)))
		return e;
	if (!found || strcmp(sc.type, t->code))
		return OB_OK;
	add_case(set, &sc);
	if (ob_store_case_values_each(s, id, one_value, &o, d) < 0 ||
	    ob_store_case_events_each(s, id, one_event, &o, d) < 0) {
		ob_case_set_free(set);
		return OB_ESTORE;
	}
	return OB_OK;
}

static int id_value(void *arg, const struct ob_store_case *sc, const char *field,
                    const char *value)
{
	struct ob_case_set *set = arg;

	if (!set->n || set->cases[set->n - 1].id != sc->id) {
		if (add_case(set, sc))
			return 1;
		add_entry(set, sc->id, sc->state, sc->updated_at);
	}
	if (field && value)
		add_value(set, sc->id, field, value);
	return 0;
}

ob_err ob_case_load_ids(struct ob_store *s, const struct ob_case_type *t, const long long *ids,
                        size_t n, const char *const *fields, size_t n_fields,
                        struct ob_case_set *set, struct ob_diag *d)
{
	int rc;

	memset(set, 0, sizeof(*set));
	set->type = t;
	ob_diag_clear(d);
	rc = ob_store_cases_of_each(s, t->code, ids, n, fields, n_fields, id_value, set, d);
	if (rc > 0) {
		OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0, "más de %d casos del tipo %s",
		        "more than %d cases of type %s", OB_MAX_CASES_LOADED, t->code);
		rc = -1;
	}
	if (rc < 0) {
		ob_err e = d->code ? d->code : OB_ESTORE;
		ob_case_set_free(set);
		return e;
	}
	return OB_OK;
}

void ob_case_set_free(struct ob_case_set *set)
{
	for (size_t i = 0; !set->values && i < set->n; i++) {
		free(set->cases[i].values);
		free(set->cases[i].entries);
	}
	while (set->text) {
		struct ob_case_text *next = set->text->next;
		free(set->text);
		set->text = next;
	}
	free(set->values);
	free(set->entries);
	free(set->cases);
	set->values = NULL;
	set->entries = NULL;
	set->cases = NULL;
	set->n = 0;
}

void ob_case_set_take(struct ob_case_set *set, struct ob_case_set *from)
{
	struct ob_case_text **last = &set->text;

	if (from->n) {
		set->cases = ob_realloc(set->cases, (set->n + from->n) * sizeof(*set->cases));
		memcpy(set->cases + set->n, from->cases, from->n * sizeof(*from->cases));
		set->n += from->n;
	}
	while (*last)
		last = &(*last)->next;
	*last = from->text;
	free(from->cases);
	from->cases = NULL;
	from->text = NULL;
	from->n = 0;
}
