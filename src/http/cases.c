/*
 * cases.c - the case routes (docs/cases.md): the cases of the catalogue's
 * case types listed, one case with its deadlines and history, a case
 * opened and moved, and the alerts of a moment, through the same engine
 * functions as "observa case" (cases/cases.h): the engine checks values,
 * transitions, roles, required fields and units; this file only turns
 * requests into its calls and its answers into JSON or CSV.
 *
 * Who acts is the request's account (its name, its role, the units "case
 * grant" gave it). A case of a unit the account does not act in answers
 * 403 (the router records the refusal in the audit log); a change the
 * engine refuses answers 422 with the engine's message in Spanish and
 * English, and nothing changed. Protected fields are shown only to the
 * type's protected_role, and only after the read is in the audit log
 * ("case.read", object "case:ID", with the purpose), as the command line
 * does; to other roles they are null and named in "withheld".
 */
#include "http/internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <strings.h>

#include "base/log.h"
#include "cases/cases.h"
#include "store/audit.h"
#include "store/cases.h"

/* ---- shared ---- */

/* The request's account as the engine's actor. */
static void actor_of(const struct ob_http_call *c, struct ob_case_actor *a)
{
	a->name = c->who.name;
	a->role = c->who.role;
	a->account = c->who.name;
}

/* The case types; false (the answer an error) when they cannot be read. */
static bool types_load(struct ob_http_call *c, struct ob_cases *types)
{
	struct ob_diag d;

	ob_diag_clear(&d);
	if (ob_cases_load(c->ctx->dir ? c->ctx->dir : ".", types, &d)) {
		OB_ERROR("API: tipos de caso: %s", "API: case types: %s", d.message);
		ob_http_fail_diag(c->res, 500, "case_types", NULL, &d);
		return false;
	}
	return true;
}

/* The index of the type the "type" parameter names (-1: none given), or
 * -2 with the answer a 400. */
static int type_param(struct ob_http_call *c, const struct ob_cases *types)
{
	const char *code = ob_http_str(c, "type");
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	int i;

	if (!code)
		return -1;
	if ((i = ob_cases_find(types, code)) >= 0)
		return i;
	snprintf(es, sizeof(es), "No hay tipo de caso «%.64s» en el catálogo (catalog/cases/).",
	         code);
	snprintf(en, sizeof(en), "There is no case type '%.64s' in the catalogue (catalog/cases/).",
	         code);
	ob_http_fail(c->res, 400, "bad_parameter", "type", es, en);
	return -2;
}

/* The units the account acts in, per type (units[i] for type i); NULL
 * with the answer an error. */
static struct ob_case_units *units_load(struct ob_http_call *c, const struct ob_cases *types)
{
	struct ob_case_units *u = ob_calloc(types->n ? types->n : 1, sizeof(*u));
	struct ob_case_actor a;
	struct ob_diag d;

	actor_of(c, &a);
	ob_diag_clear(&d);
	for (size_t i = 0; i < types->n; i++)
		if (ob_case_units_load(c->ctx->store, &types->types[i], &a, &u[i], &d)) {
			for (size_t k = 0; k < i; k++)
				ob_case_units_release(&u[k]);
			free(u);
			ob_http_store_fail(c);
			return NULL;
		}
	return u;
}

static void units_free(const struct ob_cases *types, struct ob_case_units *u)
{
	for (size_t i = 0; u && i < types->n; i++)
		ob_case_units_release(&u[i]);
	free(u);
}

/* 403 when the account does not act in unit of type t (the engine's
 * check and message); false then. */
static bool unit_ok(struct ob_http_call *c, const struct ob_case_type *t,
                    const struct ob_case_units *u, const char *unit)
{
	struct ob_case_actor a;
	struct ob_diag d;

	actor_of(c, &a);
	ob_diag_clear(&d);
	if (!ob_case_unit_check(t, &a, u, unit, &d))
		return true;
	ob_http_fail_diag(c->res, 403, "forbidden_unit", NULL, &d);
	return false;
}

/* A case number from the path; false (the answer a 400) when it is none. */
static bool path_id(struct ob_http_call *c, long long *id)
{
	if (c->path_value && ob_parse_int(c->path_value, strlen(c->path_value), 1, 1LL << 62, id))
		return true;
	ob_http_fail(c->res, 400, "bad_parameter", "id", "Se esperaba el número de un caso.",
	             "Expected a case number.");
	return false;
}

/* The local time of t at utc_offset as "YYYY-MM-DD HH:MM" (only the date
 * when day_based). */
static void local_time(long long t, int utc_offset, bool day_based, char out[32])
{
	ob_case_time_local(t, utc_offset, out, 32);
	if (day_based)
		out[10] = '\0';
}

/* ---- GET /api/v1/cases ---- */

struct lister {
	struct ob_http_table *t;        /* NULL: counting */
	const struct ob_cases *types;
	const struct ob_case_units *units;
	long long seen, skip, limit;
};

static int list_row(void *arg, const struct ob_store_case *sc)
{
	struct lister *l = arg;
	int i = ob_cases_find(l->types, sc->type);
	char tm[32];
	long long t;

	/* a registry's entries are read only through it (cases/registry.h) */
	if (i < 0 || l->types->types[i].registry || !ob_case_unit_allowed(&l->units[i], sc->unit))
		return 0;
	if (l->seen++ < l->skip || !l->t)
		return 0;
	if (l->seen - l->skip > l->limit)
		return 1;
	ob_http_table_int(l->t, sc->id);
	ob_http_table_str(l->t, sc->type);
	ob_http_table_str(l->t, sc->state);
	ob_http_table_str(l->t, sc->unit[0] ? sc->unit : NULL);
	ob_http_table_str(l->t, sc->opened_at);
	if (ob_case_time_parse(sc->opened_at, 0, &t)) {
		local_time(t, l->types->calendars[i].utc_offset, false, tm);
		ob_http_table_str(l->t, tm);
	} else {
		ob_http_table_str(l->t, NULL);
	}
	ob_http_table_str(l->t, sc->updated_at);
	ob_http_table_int(l->t, sc->events);
	ob_http_table_end_row(l->t);
	return 0;
}

void ob_http_h_cases(struct ob_http_call *c)
{
	static const char *const cols[] = { "case", "type", "state", "unit", "opened_at",
		                            "opened_local", "updated_at", "events" };
	struct ob_case_units *units = NULL;
	struct ob_http_table t;
	struct lister l = { 0 };
	struct ob_cases types;
	struct ob_diag d;
	const char *type = ob_http_str(c, "type"), *state = ob_http_str(c, "state"),
	           *unit = ob_http_str(c, "unit");
	long long limit, offset;

	if (!types_load(c, &types))
		return;
	if (type_param(c, &types) == -2 || !(units = units_load(c, &types)))
		goto release;
	ob_http_page(c, &limit, &offset);
	l.types = &types;
	l.units = units;
	l.limit = LLONG_MAX;
	ob_diag_clear(&d);
	/* the count of the cases the account sees, then its page */
	if (ob_store_cases_each(c->ctx->store, type, state, unit, list_row, &l, &d) < 0) {
		ob_http_store_fail(c);
		goto release;
	}
	ob_http_table_begin(&t, c, cols, OB_ARRAY_SIZE(cols), l.seen, limit, offset);
	l.t = &t;
	l.seen = 0;
	l.skip = offset;
	l.limit = limit;
	if (ob_store_cases_each(c->ctx->store, type, state, unit, list_row, &l, &d) < 0) {
		ob_http_store_fail(c);
		ob_http_table_abandon(&t);
		goto release;
	}
	ob_http_table_end(&t);
release:
	units_free(&types, units);
	ob_cases_release(&types);
}

/* ---- GET /api/v1/cases/{id} ---- */

struct shower {
	struct ob_buf *b;
	const struct ob_case_type *t;
	bool reveal;              /* protected values are given */
	char **values;            /* per field */
	int n_protected;          /* protected values the case holds */
	long long last_seq;
	bool any_value;           /* the open event's "values" has a member */
	ob_err e;
};

static int keep_value(void *arg, const char *field, const char *value)
{
	struct shower *sh = arg;
	int f = ob_case_field_index(sh->t, field);

	if (f >= 0 && !sh->values[f]) {
		sh->values[f] = ob_strdup(value);
		sh->n_protected += sh->t->fields[f].protected;
	}
	return 0;
}

static bool hidden(const struct shower *sh, const char *field)
{
	int f = ob_case_field_index(sh->t, field);

	return f >= 0 && sh->t->fields[f].protected && !sh->reveal;
}

static ob_err json_or_null(struct ob_buf *b, const char *s)
{
	return s ? ob_json_str(b, s, strlen(s)) : ob_buf_adds(b, "null");
}

/* The history: one object per event, its values inside. */
static int history_event(void *arg, const struct ob_store_case_event *e)
{
	struct shower *sh = arg;
	struct ob_buf *b = sh->b;
	ob_err x = OB_OK;

	if (e->seq != sh->last_seq) {
		x |= ob_buf_adds(b, sh->last_seq < 0 ? "{" : "}},{");
		sh->last_seq = e->seq;
		sh->any_value = false;
		x |= ob_buf_addf(b, "\"seq\":%lld,\"at\":", e->seq);
		x |= json_or_null(b, e->at);
		x |= ob_buf_adds(b, ",\"actor\":");
		x |= json_or_null(b, e->actor);
		x |= ob_buf_adds(b, ",\"role\":");
		x |= json_or_null(b, e->role);
		x |= ob_buf_adds(b, ",\"kind\":");
		x |= json_or_null(b, e->kind);
		x |= ob_buf_adds(b, ",\"from\":");
		x |= json_or_null(b, e->state_from);
		x |= ob_buf_adds(b, ",\"to\":");
		x |= json_or_null(b, e->state_to);
		x |= ob_buf_adds(b, ",\"values\":{");
	}
	if (e->field) {
		x |= ob_buf_adds(b, sh->any_value ? "," : "");
		sh->any_value = true;
		x |= ob_json_str(b, e->field, strlen(e->field));
		x |= ob_buf_addc(b, ':');
		x |= json_or_null(b, hidden(sh, e->field) ? NULL : e->value);
	}
	sh->e |= x;
	return 0;
}

/* The case's body, once the read (if any) is recorded. */
static ob_err show_body(struct ob_http_call *c, struct shower *sh, const struct ob_store_case *sc,
                        const struct ob_calendar *cal, const struct ob_case_set *set,
                        long long now, struct ob_diag *d)
{
	const struct ob_case_type *t = sh->t;
	struct ob_buf *b = sh->b;
	int st = ob_case_state_index(t, sc->state);
	bool first = true;
	char tm[32];
	ob_err e;

	e = ob_buf_addf(b, "{\"case\":%lld,\"type\":", sc->id);
	e |= ob_json_str(b, t->code, strlen(t->code));
	e |= ob_buf_adds(b, ",\"name\":");
	e |= ob_json_str(b, t->name, strlen(t->name));
	e |= ob_buf_adds(b, ",\"name_en\":");
	e |= json_or_null(b, t->name_en[0] ? t->name_en : NULL);
	e |= ob_buf_adds(b, ",\"state\":");
	e |= ob_json_str(b, sc->state, strlen(sc->state));
	e |= ob_buf_adds(b, ",\"state_label\":");
	e |= json_or_null(b, st >= 0 && t->states[st].label[0] ? t->states[st].label : NULL);
	e |= ob_buf_adds(b, ",\"state_label_en\":");
	e |= json_or_null(b, st >= 0 && t->states[st].label_en[0] ? t->states[st].label_en : NULL);
	e |= ob_buf_adds(b, ",\"final\":");
	e |= ob_buf_adds(b, st >= 0 && t->states[st].final ? "true" : "false");
	e |= ob_buf_adds(b, ",\"unit\":");
	e |= json_or_null(b, sc->unit[0] ? sc->unit : NULL);
	e |= ob_buf_adds(b, ",\"opened_at\":");
	e |= ob_json_str(b, sc->opened_at, strlen(sc->opened_at));
	e |= ob_buf_adds(b, ",\"updated_at\":");
	e |= ob_json_str(b, sc->updated_at, strlen(sc->updated_at));
	e |= ob_buf_adds(b, ",\"time_zone\":");
	e |= ob_json_str(b, cal->time_zone, strlen(cal->time_zone));
	e |= ob_buf_adds(b, ",\"fields\":{");
	for (size_t f = 0; f < t->n_fields; f++) {
		if (!sh->values[f])
			continue;
		e |= ob_buf_adds(b, first ? "" : ",");
		first = false;
		e |= ob_json_str(b, t->fields[f].name, strlen(t->fields[f].name));
		e |= ob_buf_addc(b, ':');
		e |= json_or_null(b, hidden(sh, t->fields[f].name) ? NULL : sh->values[f]);
	}
	e |= ob_buf_adds(b, "},\"withheld\":[");
	first = true;
	for (size_t f = 0; f < t->n_fields; f++)
		if (sh->values[f] && hidden(sh, t->fields[f].name)) {
			e |= ob_buf_adds(b, first ? "" : ",");
			first = false;
			e |= ob_json_str(b, t->fields[f].name, strlen(t->fields[f].name));
		}
	/* the transitions out of its state, and whether this account's role
	 * makes each (the engine still checks the rest when asked) */
	e |= ob_buf_adds(b, "],\"transitions\":[");
	first = true;
	for (size_t k = 0; st >= 0 && k < t->n_transitions; k++) {
		const struct ob_case_transition *tr = &t->transitions[k];
		if (!(tr->from & (1u << st)))
			continue;
		e |= ob_buf_adds(b, first ? "{\"name\":" : ",{\"name\":");
		first = false;
		e |= ob_json_str(b, tr->name, strlen(tr->name));
		e |= ob_buf_adds(b, ",\"to\":");
		e |= ob_json_str(b, t->states[tr->to].name, strlen(t->states[tr->to].name));
		e |= ob_buf_addf(b, ",\"role\":\"%s\",\"allowed\":%s}", ob_role_name(tr->role),
		                 ob_role_allows(c->who.role, tr->role) ? "true" : "false");
	}
	e |= ob_buf_adds(b, "],\"deadlines\":[");
	first = true;
	for (size_t k = 0; k < set->n; k++) {
		if (set->cases[k].id != sc->id)
			continue;
		for (size_t r = 0; r < t->n_deadlines; r++) {
			const struct ob_case_deadline *dl = &t->deadlines[r];
			struct ob_case_due due;
			char utc[32];
			if (ob_case_deadline_due(t, cal, dl, &set->cases[k], now, &due, d))
				return OB_EINVAL;
			if (!due.active)
				continue;
			ob_audit_time(due.due, utc);
			local_time(due.due, cal->utc_offset, due.day_based, tm);
			e |= ob_buf_adds(b, first ? "{\"rule\":" : ",{\"rule\":");
			first = false;
			e |= ob_json_str(b, dl->name, strlen(dl->name));
			e |= ob_buf_adds(b, ",\"due\":");
			e |= ob_json_str(b, utc, strlen(utc));
			e |= ob_buf_adds(b, ",\"due_local\":");
			e |= ob_json_str(b, tm, strlen(tm));
			e |= ob_buf_addf(b, ",\"overdue\":%s,\"label\":", now > due.due ? "true" : "false");
			e |= json_or_null(b, dl->label[0] ? dl->label : NULL);
			e |= ob_buf_adds(b, ",\"label_en\":");
			e |= json_or_null(b, dl->label_en[0] ? dl->label_en : NULL);
			e |= ob_buf_addc(b, '}');
		}
	}
	e |= ob_buf_adds(b, "],\"history\":[");
	sh->e = e;
	if (ob_store_case_events_each(c->ctx->store, sc->id, history_event, sh, d) < 0)
		return OB_ESTORE;
	e = sh->e;
	if (sh->last_seq >= 0)
		e |= ob_buf_adds(b, "}}");
	e |= ob_buf_adds(b, "]}\n");
	return e ? OB_ETOOBIG : OB_OK;
}

void ob_http_h_case(struct ob_http_call *c)
{
	struct ob_case_units u = { 0 };
	struct ob_case_set set = { 0 };
	struct ob_case_actor a;
	struct ob_store_case sc;
	struct ob_cases types;
	struct ob_diag d;
	struct shower sh = { .b = &c->res->body, .last_seq = -1 };
	const char *at = ob_http_str(c, "now");
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE], object[64];
	long long id, now = c->req->now;
	bool found;
	int i;
	ob_err e;

	if (!path_id(c, &id) || !types_load(c, &types))
		return;
	ob_diag_clear(&d);
	if (ob_store_case_get(c->ctx->store, id, &sc, &found, &d)) {
		ob_http_store_fail(c);
		goto release_types;
	}
	if (!found || (i = ob_cases_find(&types, sc.type)) < 0 || types.types[i].registry) {
		snprintf(es, sizeof(es), "No hay caso %lld.", id);
		snprintf(en, sizeof(en), "There is no case %lld.", id);
		ob_http_fail(c->res, 404, "not_found", "id", es, en);
		goto release_types;
	}
	if (at && !ob_case_time_parse(at, types.calendars[i].utc_offset, &now)) {
		ob_http_fail(c->res, 400, "bad_parameter", "now",
		             "«now»: se esperaba AAAA-MM-DD o AAAA-MM-DDTHH:MM (hora local), o con Z "
		             "o ±HH:MM.",
		             "'now': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time), or with Z "
		             "or ±HH:MM.");
		goto release_types;
	}
	actor_of(c, &a);
	if (ob_case_units_load(c->ctx->store, &types.types[i], &a, &u, &d)) {
		ob_http_store_fail(c);
		goto release_types;
	}
	if (!unit_ok(c, &types.types[i], &u, sc.unit))
		goto release_units;
	sh.t = &types.types[i];
	sh.values = ob_calloc(sh.t->n_fields + 1, sizeof(char *));
	if (ob_store_case_values_each(c->ctx->store, id, keep_value, &sh, &d) < 0 ||
	    ob_case_load_one(c->ctx->store, sh.t, id, &set, &d)) {
		ob_http_store_fail(c);
		goto release_values;
	}
	sh.reveal = ob_role_allows(c->who.role, sh.t->protected_role);
	/* the read of protected values is recorded before they are written */
	snprintf(object, sizeof(object), "case:%lld", id);
	if (sh.reveal && sh.n_protected &&
	    !ob_http_audit_disclose(c, "case.read", object, "fields=protected", 1))
		goto release_values;
	e = show_body(c, &sh, &sc, &types.calendars[i], &set, now, &d);
	if (e == OB_ESTORE) {
		ob_http_store_fail(c);
	} else if (e == OB_EINVAL) {
		ob_case_diag_outside(&d, sh.t);
		ob_http_fail_diag(c->res, 422, "deadline", NULL, &d);
	} else if (e) {
		ob_http_fail_too_large(c);
	}
release_values:
	ob_case_set_free(&set);
	for (size_t f = 0; sh.values && f < sh.t->n_fields; f++)
		free(sh.values[f]);
	free(sh.values);
release_units:
	ob_case_units_release(&u);
release_types:
	ob_cases_release(&types);
}

/* ---- POST /api/v1/cases and /api/v1/cases/{id}/move ---- */

/* The JSON body of a change: the member `key` (a string: the type or the
 * state) and "values" (an object of strings) into in. *root is the parsed
 * body (the caller decrefs it). false with the answer a 4xx. */
static bool change_body(struct ob_http_call *c, const char *key, json_t **root,
                        const char **val, struct ob_case_input *in, size_t *n)
{
	const struct ob_http_request *req = c->req;
	const char *ct = req->content_type, *name;
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	json_error_t jerr;
	json_t *jk, *jv, *v;

	*n = 0;
	*root = NULL;
	if (!ct || strncasecmp(ct, "application/json", 16)) {
		snprintf(es, sizeof(es), "Envíe el cuerpo como JSON con «Content-Type: "
		         "application/json»: {\"%s\": \"...\", \"values\": {\"CAMPO\": \"VALOR\"}}.",
		         key);
		snprintf(en, sizeof(en), "Send the body as JSON with 'Content-Type: "
		         "application/json': {\"%s\": \"...\", \"values\": {\"FIELD\": \"VALUE\"}}.",
		         key);
		ob_http_fail(c->res, 415, "unsupported_media_type", NULL, es, en);
		return false;
	}
	*root = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	jk = *root ? json_object_get(*root, key) : NULL;
	jv = *root ? json_object_get(*root, "values") : NULL;
	if (!json_is_object(*root) || !json_is_string(jk) ||
	    strlen(json_string_value(jk)) != json_string_length(jk) ||
	    (jv && !json_is_object(jv))) {
		snprintf(es, sizeof(es), "El cuerpo debe ser un objeto JSON con «%s» de tipo texto y, "
		         "si se dan valores, «values»: un objeto de textos%s%.200s.", key,
		         *root ? "" : ": ", *root ? "" : jerr.text);
		snprintf(en, sizeof(en), "The body must be a JSON object with a string '%s' and, "
		         "when values are given, 'values': an object of strings%s%.200s.", key,
		         *root ? "" : ": ", *root ? "" : jerr.text);
		ob_http_fail(c->res, 400, "bad_body", key, es, en);
		return false;
	}
	*val = json_string_value(jk);
	json_object_foreach(jv, name, v) {
		if (*n >= OB_MAX_CASE_FIELDS) {
			snprintf(es, sizeof(es), "«values»: a lo sumo %d campos.", OB_MAX_CASE_FIELDS);
			snprintf(en, sizeof(en), "'values': at most %d fields.", OB_MAX_CASE_FIELDS);
			ob_http_fail(c->res, 400, "bad_body", "values", es, en);
			return false;
		}
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v) ||
		    !*name) {
			snprintf(es, sizeof(es), "«values»: el valor de «%.64s» debe ser texto (sin "
			         "caracteres nulos), p. ej. \"2025-03-04\" o \"12\".", name);
			snprintf(en, sizeof(en), "'values': the value of '%.64s' must be a string (no NUL "
			         "characters), e.g. \"2025-03-04\" or \"12\".", name);
			ob_http_fail(c->res, 400, "bad_body", "values", es, en);
			return false;
		}
		in[(*n)++] = (struct ob_case_input){ name, json_string_value(v) };
	}
	return true;
}

/* The value given for type t's unit field among in, or NULL. */
static const char *given_unit(const struct ob_case_type *t, const struct ob_case_input *in,
                              size_t n)
{
	for (size_t k = 0; t->unit_field >= 0 && k < n; k++)
		if (!strcmp(in[k].field, t->fields[t->unit_field].name))
			return in[k].value;
	return NULL;
}

/* Answer a change the engine refused or failed (e != OB_OK) about type t. */
static void change_failed(struct ob_http_call *c, const struct ob_case_type *t, ob_err e,
                          struct ob_diag *d)
{
	ob_case_diag_outside(d, t);
	if (e == OB_EINVAL)
		ob_http_fail_diag(c->res, 422, "refused", NULL, d);
	else if (e == OB_EEXISTS)
		ob_http_fail_diag(c->res, 409, "conflict", NULL, d);
	else if (e == OB_ENOENT)
		ob_http_fail_diag(c->res, 404, "not_found", "id", d);
	else
		ob_http_store_fail(c);
}

void ob_http_h_case_open(struct ob_http_call *c)
{
	struct ob_case_input in[OB_MAX_CASE_FIELDS];
	struct ob_case_units u = { 0 };
	struct ob_case_actor a;
	struct ob_cases types;
	struct ob_diag d;
	struct ob_buf *b = &c->res->body;
	const struct ob_case_type *t;
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	const char *code = NULL, *unit;
	long long id = 0;
	json_t *root;
	size_t n;
	int i;
	ob_err e;

	if (!change_body(c, "type", &root, &code, in, &n))
		goto release_body;
	if (!types_load(c, &types))
		goto release_body;
	if ((i = ob_cases_find(&types, code)) < 0) {
		snprintf(es, sizeof(es), "No hay tipo de caso «%.64s» en el catálogo (catalog/cases/).",
		         code);
		snprintf(en, sizeof(en), "There is no case type '%.64s' in the catalogue "
		         "(catalog/cases/).", code);
		ob_http_fail(c->res, 422, "refused", "type", es, en);
		goto release_types;
	}
	t = &types.types[i];
	actor_of(c, &a);
	ob_diag_clear(&d);
	if (ob_case_units_load(c->ctx->store, t, &a, &u, &d)) {
		ob_http_store_fail(c);
		goto release_types;
	}
	unit = given_unit(t, in, n);
	if (unit && !unit_ok(c, t, &u, unit))
		goto release_units;
	e = ob_case_open(c->ctx->store, t, &types.calendars[i], &a, c->req->now, in, n, &id, &d);
	if (e) {
		change_failed(c, t, e, &d);
		goto release_units;
	}
	/* no value is echoed: the protected ones stay where they were written */
	c->res->status = 201;
	e = ob_buf_addf(b, "{\"case\":%lld,\"type\":", id);
	e |= ob_json_str(b, t->code, strlen(t->code));
	e |= ob_buf_adds(b, ",\"state\":");
	e |= ob_json_str(b, t->states[t->initial].name, strlen(t->states[t->initial].name));
	e |= ob_buf_addf(b, ",\"url\":\"/api/v1/cases/%lld\"}\n", id);
	if (e) /* the case is open; its echo does not fit */
		ob_http_fail_too_large(c);
	else
		ob_http_header_add(c->res, "Location", "/api/v1/cases/%lld", id);
release_units:
	ob_case_units_release(&u);
release_types:
	ob_cases_release(&types);
release_body:
	json_decref(root);
}

void ob_http_h_case_move(struct ob_http_call *c)
{
	struct ob_case_input in[OB_MAX_CASE_FIELDS];
	struct ob_case_units u = { 0 };
	struct ob_case_actor a;
	struct ob_store_case sc;
	struct ob_cases types;
	struct ob_diag d;
	struct ob_buf *b = &c->res->body;
	const struct ob_case_type *t;
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	const char *state = NULL, *unit;
	json_t *root = NULL;
	long long id;
	bool found;
	size_t n;
	int i;
	ob_err e;

	if (!path_id(c, &id) || !change_body(c, "state", &root, &state, in, &n))
		goto release_body;
	if (!types_load(c, &types))
		goto release_body;
	ob_diag_clear(&d);
	if (ob_store_case_get(c->ctx->store, id, &sc, &found, &d)) {
		ob_http_store_fail(c);
		goto release_types;
	}
	if (!found || (i = ob_cases_find(&types, sc.type)) < 0) {
		snprintf(es, sizeof(es), "No hay caso %lld.", id);
		snprintf(en, sizeof(en), "There is no case %lld.", id);
		ob_http_fail(c->res, 404, "not_found", "id", es, en);
		goto release_types;
	}
	t = &types.types[i];
	actor_of(c, &a);
	if (ob_case_units_load(c->ctx->store, t, &a, &u, &d)) {
		ob_http_store_fail(c);
		goto release_types;
	}
	/* the case's unit, and the one the move would give it */
	if (!unit_ok(c, t, &u, sc.unit) ||
	    ((unit = given_unit(t, in, n)) && !unit_ok(c, t, &u, unit)))
		goto release_units;
	e = ob_case_move(c->ctx->store, t, &types.calendars[i], &a, id, state, c->req->now, in, n,
	                 &d);
	if (e) {
		change_failed(c, t, e, &d);
		goto release_units;
	}
	e = ob_buf_addf(b, "{\"case\":%lld,\"type\":", id);
	e |= ob_json_str(b, t->code, strlen(t->code));
	e |= ob_buf_adds(b, ",\"from\":");
	e |= ob_json_str(b, sc.state, strlen(sc.state));
	e |= ob_buf_adds(b, ",\"state\":");
	e |= ob_json_str(b, state, strlen(state));
	e |= ob_buf_adds(b, "}\n");
	if (e)
		ob_http_fail_too_large(c);
release_units:
	ob_case_units_release(&u);
release_types:
	ob_cases_release(&types);
release_body:
	json_decref(root);
}

/* ---- GET /api/v1/cases/alerts ---- */

struct alerter {
	struct ob_http_table *t;        /* NULL: counting */
	const struct ob_case_type *type;
	const struct ob_calendar *cal;
	const struct ob_case_units *units;
	const char *kind;               /* only these; NULL: all */
	long long seen, skip, limit;
};

static int alert_row(void *arg, const struct ob_case_alert *a)
{
	struct alerter *al = arg;
	struct ob_buf ids = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL);
	char utc[32], tm[32];

	if (!ob_case_unit_allowed(al->units, a->unit) ||
	    (al->kind && strcmp(al->kind, ob_case_alert_name(a->kind))))
		return 0;
	if (al->seen++ < al->skip || !al->t)
		return 0;
	if (al->seen - al->skip > al->limit)
		return 1;
	ob_http_table_str(al->t, ob_case_alert_name(a->kind));
	ob_http_table_int(al->t, a->case_id);
	ob_http_table_str(al->t, al->type->code);
	ob_http_table_str(al->t, a->unit && a->unit[0] ? a->unit : NULL);
	ob_http_table_str(al->t, a->rule);
	if (a->due) {
		ob_audit_time(a->due->due, utc);
		local_time(a->due->due, al->cal->utc_offset, a->due->day_based, tm);
		ob_http_table_str(al->t, utc);
		ob_http_table_str(al->t, tm);
	} else {
		ob_http_table_str(al->t, NULL);
		ob_http_table_str(al->t, NULL);
	}
	ob_http_table_str(al->t, a->field);
	ob_http_table_str(al->t, a->value); /* NULL when the field is protected */
	for (size_t k = 0; k < a->n_ids; k++)
		ob_buf_putf(&ids, "%s%lld", k ? " " : "", a->ids[k]);
	ob_http_table_str(al->t, ob_buf_failed(&ids) ? NULL : ids.ptr);
	ob_http_table_str(al->t, a->label && a->label[0] ? a->label : NULL);
	ob_http_table_str(al->t, a->label_en && a->label_en[0] ? a->label_en : NULL);
	ob_http_table_end_row(al->t);
	ob_buf_release(&ids);
	return 0;
}

/* One pass over the alerts of every type asked for (ty: one, -1: all). */
static ob_err alerts_pass(struct ob_http_call *c, const struct ob_cases *types, int ty,
                          const struct ob_case_units *units, const long long *now,
                          struct alerter *al, struct ob_diag *d)
{
	for (size_t i = 0; i < types->n; i++) {
		bool read;
		ob_err e;

		if (ty >= 0 && (size_t)ty != i)
			continue;
		al->type = &types->types[i];
		al->cal = &types->calendars[i];
		al->units = &units[i];
		e = ob_case_alerts_read(c->ctx->store, &types->types[i], &types->calendars[i], now[i],
		                        alert_row, al, &read, d);
		if (e)
			return read ? e : OB_ESTORE;
	}
	return OB_OK;
}

void ob_http_h_case_alerts(struct ob_http_call *c)
{
	static const char *const cols[] = { "alert", "case", "type", "unit", "rule", "due",
		                            "due_local", "field", "value", "cases", "label",
		                            "label_en" };
	struct ob_case_units *units = NULL;
	struct alerter al = { .kind = ob_http_str(c, "kind"), .limit = LLONG_MAX };
	struct ob_http_table t;
	struct ob_cases types;
	struct ob_diag d;
	const char *at = ob_http_str(c, "now");
	long long limit, offset, *now = NULL;
	int ty;
	ob_err e;

	if (!types_load(c, &types))
		return;
	if ((ty = type_param(c, &types)) == -2 || !(units = units_load(c, &types)))
		goto release;
	now = ob_calloc(types.n ? types.n : 1, sizeof(*now));
	for (size_t i = 0; i < types.n; i++) {
		now[i] = c->req->now;
		if (at && !ob_case_time_parse(at, types.calendars[i].utc_offset, &now[i])) {
			ob_http_fail(c->res, 400, "bad_parameter", "now",
			             "«now»: se esperaba AAAA-MM-DD o AAAA-MM-DDTHH:MM (hora local del "
			             "país del tipo), o con Z o ±HH:MM.",
			             "'now': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (the type's "
			             "country's local time), or with Z or ±HH:MM.");
			goto release;
		}
	}
	ob_http_page(c, &limit, &offset);
	ob_diag_clear(&d);
	if ((e = alerts_pass(c, &types, ty, units, now, &al, &d)))
		goto failed;
	ob_http_table_begin(&t, c, cols, OB_ARRAY_SIZE(cols), al.seen, limit, offset);
	al.t = &t;
	al.seen = 0;
	al.skip = offset;
	al.limit = limit;
	if ((e = alerts_pass(c, &types, ty, units, now, &al, &d))) {
		ob_http_table_abandon(&t);
		goto failed;
	}
	ob_http_table_end(&t);
	goto release;
failed:
	if (e == OB_ESTORE) {
		ob_http_store_fail(c);
	} else {
		OB_ERROR("API: alertas de casos: %s", "API: case alerts: %s", d.message);
		ob_http_fail(c->res, 422, "alerts", NULL,
		             "Las alertas no se pudieron calcular en ese momento (¿fuera de los años "
		             "del calendario del país?).",
		             "The alerts could not be computed at that moment (outside the years of "
		             "the country's calendar?).");
	}
release:
	free(now);
	units_free(&types, units);
	ob_cases_release(&types);
}
