/* notify.c - case notifications (notify.h): the routes of
 * catalog/notify.ini, outbox rows of changes and alerts, and their
 * deliveries by webhook and SMTP, each attempt recorded. */
#include "cases/notify.h"

#include "base/buf.h"
#include "base/file.h"
#include "io/ini.h"
#include "io/json.h"
#include "io/send.h"
#include "store/audit.h"
#include "store/outbox.h"

#include <stdlib.h>
#include <time.h>

static const char *const kind_names[] = { "open",     "move",      "severe", "overdue",
                                          "due-today", "due-soon", "repeat" };

unsigned ob_notify_kind_bit(const char *kind)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(kind_names); i++)
		if (!strcmp(kind, kind_names[i]))
			return 1u << i;
	return 0;
}

/* ---- catalog/notify.ini ---- */

struct parse {
	struct ob_notify_conf *c;
	const struct ob_cases *cases;
	const char *name;
	struct ob_diag *d;
	struct ob_notify_route *route;  /* the current [route.X]; NULL in [delivery] */
};

static ob_err bad_value(struct parse *p, const struct ob_ini_item *it, const char *es,
                        const char *en)
{
	return ob_diag_set_texts(p->d, OB_EINVAL, p->name, it->line, it->value_column, it->value,
	                         it->value_len, es, en);
}

static bool valid_email(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);

	if (!n || n > OB_MAX_EMAIL || !at || at == s || at == s + n - 1 ||
	    memchr(at + 1, '@', n - (size_t)(at + 1 - s)))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || strchr("<>()[]\\,;:\"", s[i]))
			return false;
	return true;
}

static bool valid_url(const char *s, size_t n)
{
	if (n > OB_FETCH_URL_MAX || (strncmp(s, "http://", 7) && strncmp(s, "https://", 8)))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ')
			return false;
	return true;
}

/* The items of a comma-separated list, trimmed, to fn. */
static ob_err each_item(struct parse *p, const struct ob_ini_item *it,
                        ob_err (*fn)(struct parse *p, const struct ob_ini_item *it,
                                     const char *item, size_t n))
{
	const char *s = it->value;

	for (;;) {
		size_t n = strcspn(s, ",");
		const char *w = s;
		ob_err e;

		while (n && (*w == ' ' || *w == '\t'))
			w++, n--;
		while (n && (w[n - 1] == ' ' || w[n - 1] == '\t'))
			n--;
		if (!n)
			return bad_value(p, it, "lista con un elemento vacío", "a list with an empty item");
		if ((e = fn(p, it, w, n)))
			return e;
		s += strcspn(s, ",");
		if (!*s)
			return OB_OK;
		s++;
	}
}

static ob_err add_kind(struct parse *p, const struct ob_ini_item *it, const char *s, size_t n)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(kind_names); i++)
		if (strlen(kind_names[i]) == n && !memcmp(s, kind_names[i], n)) {
			p->route->on |= 1u << i;
			return OB_OK;
		}
	return bad_value(p, it,
	                 "se esperaba una lista de: open, move, severe, overdue, due-today, "
	                 "due-soon, repeat",
	                 "expected a list of: open, move, severe, overdue, due-today, due-soon, "
	                 "repeat");
}

static ob_err add_email(struct parse *p, const struct ob_ini_item *it, const char *s, size_t n)
{
	struct ob_notify_route *r = p->route;

	if (!valid_email(s, n))
		return bad_value(p, it, "se esperaba una lista de direcciones de correo (nombre@dominio)",
		                 "expected a list of e-mail addresses (name@domain)");
	if (r->n_emails >= OB_MAX_NOTIFY_TARGETS)
		return ob_diag_set_texts(p->d, OB_ETOOBIG, p->name, it->line, it->value_column,
		                         it->value, it->value_len, "demasiadas direcciones en una ruta",
		                         "too many addresses in one route");
	memcpy(r->emails[r->n_emails], s, n);
	r->emails[r->n_emails++][n] = '\0';
	return OB_OK;
}

static ob_err add_webhook(struct parse *p, const struct ob_ini_item *it, const char *s, size_t n)
{
	struct ob_notify_route *r = p->route;

	if (!valid_url(s, n))
		return bad_value(p, it, "se esperaba una lista de URL http:// o https://",
		                 "expected a list of http:// or https:// URLs");
	if (r->n_webhooks >= OB_MAX_NOTIFY_TARGETS)
		return ob_diag_set_texts(p->d, OB_ETOOBIG, p->name, it->line, it->value_column,
		                         it->value, it->value_len, "demasiados webhooks en una ruta",
		                         "too many webhooks in one route");
	memcpy(r->webhooks[r->n_webhooks], s, n);
	r->webhooks[r->n_webhooks++][n] = '\0';
	return OB_OK;
}

static ob_err delivery_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_notify_conf *c = p->c;
	const char *k = it->key, *v = it->value;
	long long n;

	if (!strcmp(k, "smtp")) {
		if (it->value_len > OB_FETCH_URL_MAX ||
		    (strncmp(v, "smtp://", 7) && strncmp(v, "smtps://", 8)))
			return bad_value(p, it, "se esperaba un URL smtp://SERVIDOR:PUERTO",
			                 "expected an smtp://HOST:PORT URL");
		ob_strlcpy(c->smtp, v, sizeof(c->smtp));
	} else if (!strcmp(k, "from")) {
		if (!valid_email(v, it->value_len))
			return bad_value(p, it, "se esperaba una dirección de correo (nombre@dominio)",
			                 "expected an e-mail address (name@domain)");
		ob_strlcpy(c->from, v, sizeof(c->from));
	} else if (!strcmp(k, "attempts")) {
		if (!ob_parse_int(v, it->value_len, 1, 100, &n))
			return bad_value(p, it, "se esperaba un número de intentos de 1 a 100",
			                 "expected a number of attempts from 1 to 100");
		c->attempts = (int)n;
	} else if (!strcmp(k, "backoff") || !strcmp(k, "timeout")) {
		if (!ob_parse_int(v, it->value_len, 1, OB_NOTIFY_BACKOFF_MAX_S, &n))
			return OB_DIAG(p->d, OB_EINVAL, p->name, it->line, it->value_column, v,
			               it->value_len, "se esperaba un número de segundos de 1 a %d",
			               "expected a number of seconds from 1 to %d",
			               OB_NOTIFY_BACKOFF_MAX_S);
		*(!strcmp(k, "backoff") ? &c->backoff_s : &c->timeout_s) = (long)n;
	} else {
		return ob_diag_set2(p->d, OB_EINVAL, p->name, it->line, it->key_column, k, it->key_len,
		                    "clave desconocida en [%s]; se esperaba %s",
		                    "unknown key in [%s]; expected %s", it->section,
		                    "smtp, from, attempts, backoff, timeout");
	}
	return OB_OK;
}

static ob_err route_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_notify_route *r = p->route;
	const char *k = it->key, *v = it->value;

	if (!strcmp(k, "type")) {
		if (ob_cases_find(p->cases, v) < 0)
			return bad_value(p, it, "se esperaba un tipo de caso del catálogo (observa case types)",
			                 "expected a case type of the catalogue (observa case types)");
		ob_strlcpy(r->type, v, sizeof(r->type));
	} else if (!strcmp(k, "unit")) {
		if (!it->value_len || it->value_len >= OB_MAX_NAME)
			return OB_DIAG(p->d, OB_EINVAL, p->name, it->line, it->value_column, v,
			               it->value_len, "se esperaba una unidad de 1 a %d bytes",
			               "expected a unit of 1 to %d bytes", OB_MAX_NAME - 1);
		ob_strlcpy(r->unit, v, sizeof(r->unit));
	} else if (!strcmp(k, "on")) {
		r->on = 0;
		return each_item(p, it, add_kind);
	} else if (!strcmp(k, "email")) {
		return each_item(p, it, add_email);
	} else if (!strcmp(k, "webhook")) {
		return each_item(p, it, add_webhook);
	} else {
		return ob_diag_set2(p->d, OB_EINVAL, p->name, it->line, it->key_column, k, it->key_len,
		                    "clave desconocida en [%s]; se esperaba %s",
		                    "unknown key in [%s]; expected %s", it->section,
		                    "type, unit, on, email, webhook");
	}
	return OB_OK;
}

static ob_err open_section(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_notify_conf *c = p->c;
	const char *sec = it->section;
	size_t n = strlen(sec);
	struct ob_notify_route *r;

	p->route = NULL;
	if (!strcmp(sec, "delivery"))
		return OB_OK;
	if (n <= 6 || n - 6 >= OB_CASE_NAME || strncmp(sec, "route.", 6))
		return ob_diag_set_texts(p->d, OB_EINVAL, p->name, it->line, it->key_column, sec, n,
		                         "sección desconocida; se esperaba [delivery] o [route.NOMBRE]",
		                         "unknown section; expected [delivery] or [route.NAME]");
	for (size_t i = 0; i < c->n_routes; i++)
		if (!strcmp(c->routes[i].name, sec + 6))
			return ob_diag_set_texts(p->d, OB_EINVAL, p->name, it->line, it->key_column, sec,
			                         strlen(sec), "sección repetida", "repeated section");
	if (c->n_routes >= OB_MAX_NOTIFY_ROUTES)
		return OB_DIAG(p->d, OB_ETOOBIG, p->name, it->line, it->key_column, sec, strlen(sec),
		               "más de %d rutas", "more than %d routes", OB_MAX_NOTIFY_ROUTES);
	c->routes = ob_realloc(c->routes, (c->n_routes + 1) * sizeof(*c->routes));
	r = &c->routes[c->n_routes++];
	memset(r, 0, sizeof(*r));
	ob_strlcpy(r->name, sec + 6, sizeof(r->name));
	r->on = OB_NOTIFY_ALL;
	r->line = it->line;
	p->route = r;
	return OB_OK;
}

static ob_err on_item(void *ctx, const struct ob_ini_item *it)
{
	struct parse *p = ctx;

	if (!it->key)
		return open_section(p, it);
	return p->route ? route_key(p, it) : delivery_key(p, it);
}

ob_err ob_notify_conf_parse(const char *text, size_t len, const char *name,
                            const struct ob_cases *cases, struct ob_notify_conf *conf,
                            struct ob_diag *d)
{
	struct parse p = { conf, cases, name, d, NULL };
	ob_err e;

	memset(conf, 0, sizeof(*conf));
	ob_strlcpy(conf->path, name, sizeof(conf->path));
	conf->attempts = OB_NOTIFY_ATTEMPTS;
	conf->backoff_s = OB_NOTIFY_BACKOFF_S;
	conf->timeout_s = OB_NOTIFY_TIMEOUT_S;
	if ((e = ob_ini_parse(text, len, name, 0, on_item, &p, d)))
		return e;
	for (size_t i = 0; i < conf->n_routes; i++) {
		const struct ob_notify_route *r = &conf->routes[i];
		if (!r->type[0] || (!r->n_emails && !r->n_webhooks))
			return OB_DIAG(d, OB_EINVAL, name, r->line, 1, r->name, strlen(r->name),
			               "[route.%s] necesita type y email o webhook",
			               "[route.%s] needs type and email or webhook", r->name);
		if (r->n_emails && (!conf->smtp[0] || !conf->from[0]))
			return OB_DIAG(d, OB_EINVAL, name, r->line, 1, r->name, strlen(r->name),
			               "[route.%s] da correos: [delivery] necesita smtp y from",
			               "[route.%s] gives e-mail addresses: [delivery] needs smtp and from",
			               r->name);
	}
	return OB_OK;
}

ob_err ob_notify_conf_load(const char *dir, const struct ob_cases *cases,
                           struct ob_notify_conf *conf, struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	char *text;
	size_t len;
	int w = snprintf(path, sizeof(path), "%s/catalog/notify.ini", dir);
	ob_err e;

	memset(conf, 0, sizeof(*conf));
	if (w < 0 || (size_t)w >= sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	e = ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &len, d);
	if (e == OB_ENOENT) {
		ob_diag_clear(d);
		return ob_notify_conf_parse("", 0, path, cases, conf, d);
	}
	if (e)
		return e;
	e = ob_notify_conf_parse(text, len, path, cases, conf, d);
	free(text);
	return e;
}

void ob_notify_conf_release(struct ob_notify_conf *conf)
{
	free(conf->routes);
	memset(conf, 0, sizeof(*conf));
}

/* ---- outbox rows ---- */

ob_err ob_notify_change(struct ob_store *s, const struct ob_case_type *t, long long id,
                        const char *unit, long long seq, const char *from, const char *to,
                        const char *at, char *const *vals, struct ob_diag *d)
{
	char key[OB_CASE_NAME * 3 + 64];
	struct ob_store_outbox o = {
		.key = key, .case_id = id, .type = t->code, .unit = unit && unit[0] ? unit : NULL,
		.kind = from ? "move" : "open", .state = to, .state_from = from, .at = at,
		.created_at = at,
	};
	bool added;
	ob_err e;

	snprintf(key, sizeof(key), "%s/%lld/event/%lld", t->code, id, seq);
	if ((e = ob_store_outbox_add(s, &o, &added, d)))
		return e;
	for (size_t i = 0; i < t->n_severities; i++) {
		const struct ob_case_severity *r = &t->severities[i];
		const char *v = vals[r->field];
		bool match = false;

		for (size_t k = 0; v && k < r->n_values && !match; k++)
			match = !strcmp(v, r->values[k]);
		if (!match)
			continue;
		snprintf(key, sizeof(key), "%s/%lld/severe/%s", t->code, id, r->name);
		o.kind = "severe";
		o.rule = r->name;
		o.state_from = NULL;
		o.field = t->fields[r->field].name;
		o.value = t->fields[r->field].protected ? NULL : v;
		if ((e = ob_store_outbox_add(s, &o, &added, d)))
			return e;
	}
	return OB_OK;
}

struct scan {
	struct ob_store *s;
	const struct ob_case_type *t;
	const char *created_at;
	long long now;
	long long added;
	ob_err err;
	struct ob_diag *d;
};

static int scan_alert(void *arg, const struct ob_case_alert *a)
{
	struct scan *sc = arg;
	const struct ob_case_type *t = sc->t;
	char key[OB_CASE_NAME * 3 + 96], due[32] = "", at[32];
	struct ob_store_outbox o = {
		.key = key, .case_id = a->case_id, .type = t->code,
		.unit = a->unit && a->unit[0] ? a->unit : NULL, .kind = ob_case_alert_name(a->kind),
		.rule = a->rule, .state = a->state >= 0 ? t->states[a->state].name : "?",
		.field = a->field, .value = a->value, .at = at, .created_at = sc->created_at,
	};
	bool added;

	ob_audit_time(sc->now, at);
	if (a->due) {
		ob_audit_time(a->due->due, due);
		o.due = due;
	}
	if (a->kind == OB_CASE_REPEAT)
		snprintf(key, sizeof(key), "%s/repeat/%s/%lld", t->code, a->rule, a->case_id);
	else if (a->kind == OB_CASE_SEVERE)
		snprintf(key, sizeof(key), "%s/%lld/severe/%s", t->code, a->case_id, a->rule);
	else
		snprintf(key, sizeof(key), "%s/%lld/%s/%s/%s", t->code, a->case_id, o.kind, a->rule,
		         due);
	if ((sc->err = ob_store_outbox_add(sc->s, &o, &added, sc->d)))
		return 1;
	sc->added += added;
	return 0;
}

/*
 * The cases are read as a stream (ob_case_alerts_read: a run keeps of each
 * only what its alerts need, its state among it), inside the transaction
 * that writes the outbox: the write lock is taken before the first case
 * is read, so no case changes between what is read and what is queued
 * (and what is queued is the alerts of one moment of the store).
 *
 * Why not a read transaction, with the outbox written after it and the
 * cases checked again then: a change between the two would have to be
 * found (every case of every alert read again, or the type's last change
 * compared and the whole scan done again), and on PostgreSQL a read
 * snapshot does not carry into a later write without SERIALIZABLE. And it
 * would spare little: the lock is held mostly for the outbox, one row
 * added or found per alert, which the former path (every case loaded
 * first, then the lock) also did under it. At a million open cases
 * (docs/cases.md) the lock is held 18.1 s, against 17.0 s before: the
 * reading adds about a second; the rest is 1.14 million outbox keys
 * looked up or added. Other writers wait for it (within the store's busy
 * time).
 */
ob_err ob_notify_scan(struct ob_store *s, const struct ob_case_type *t,
                      const struct ob_calendar *cal, long long now, long long *added,
                      struct ob_diag *d)
{
	char created[32];
	struct scan sc = { .s = s, .t = t, .created_at = created, .now = now, .d = d };
	bool read;
	ob_err e;

	ob_audit_time(now, created);
	if ((e = ob_store_begin(s, d)))
		return e;
	e = ob_case_alerts_read(s, t, cal, now, scan_alert, &sc, &read, d);
	if (!e)
		e = sc.err;
	if (e || (e = ob_store_commit(s, d)))
		ob_store_rollback(s);
	else if (added)
		*added += sc.added;
	return e;
}

/* ---- routing ---- */

struct unrouted {
	long long id;
	char type[OB_CASE_NAME], unit[OB_MAX_NAME];
	unsigned kind;
};

struct unrouted_list {
	struct unrouted *v;
	size_t n;
};

static int add_unrouted(void *arg, const struct ob_store_outbox *o)
{
	struct unrouted_list *l = arg;
	struct unrouted *u;

	if (l->n >= OB_NOTIFY_BATCH)
		return 1;
	l->v = ob_realloc(l->v, (l->n + 1) * sizeof(*l->v));
	u = &l->v[l->n++];
	u->id = o->id;
	ob_strlcpy(u->type, o->type, sizeof(u->type));
	ob_strlcpy(u->unit, o->unit ? o->unit : "", sizeof(u->unit));
	u->kind = ob_notify_kind_bit(o->kind);
	return 0;
}

ob_err ob_notify_route_pending(struct ob_store *s, const struct ob_notify_conf *conf,
                               long long now, long long *rows, long long *deliveries,
                               struct ob_diag *d)
{
	struct unrouted_list l = { NULL, 0 };
	char next[32];
	ob_err e = OB_OK;

	ob_diag_clear(d);
	if (ob_store_outbox_unrouted_each(s, add_unrouted, &l, d) < 0) {
		free(l.v);
		return OB_ESTORE;
	}
	ob_audit_time(now, next);
	if (!l.n || (e = ob_store_begin(s, d)))
		goto free_list;
	for (size_t i = 0; i < l.n && !e; i++) {
		const struct unrouted *u = &l.v[i];
		for (size_t k = 0; k < conf->n_routes && !e; k++) {
			const struct ob_notify_route *r = &conf->routes[k];
			if (strcmp(r->type, u->type) || !(r->on & u->kind) ||
			    (r->unit[0] && strcmp(r->unit, u->unit)))
				continue;
			for (size_t j = 0; j < r->n_emails && !e; j++, (*deliveries)++)
				e = ob_store_delivery_add(s, u->id, "email", r->emails[j], next, d);
			for (size_t j = 0; j < r->n_webhooks && !e; j++, (*deliveries)++)
				e = ob_store_delivery_add(s, u->id, "webhook", r->webhooks[j], next, d);
		}
		if (!e)
			e = ob_store_outbox_routed(s, u->id, d);
	}
	if (e || (e = ob_store_commit(s, d)))
		ob_store_rollback(s);
	else
		*rows += (long long)l.n;
free_list:
	free(l.v);
	return e;
}

/* ---- delivery ---- */

/* A delivery to attempt, with its message built. */
struct job {
	long long id, attempts;
	bool email;
	char *target, *key, *subject, *body;
};

struct job_list {
	struct job *v;
	size_t n;
	ob_err err;
	struct ob_diag *d;
};

static const char *const kind_es[] = { "caso abierto", "caso movido", "caso grave",
                                       "plazo vencido", "vence hoy", "vence pronto",
                                       "reportes repetidos" };
static const char *const kind_en[] = { "case opened", "case moved", "severe case",
                                       "deadline passed", "due today", "due soon",
                                       "repeated reports" };

/* The webhook's JSON: the row's facts (no protected value is in them). */
static void json_body(struct ob_buf *b, const struct ob_store_delivery *dl)
{
	const struct ob_store_outbox *o = &dl->o;
	struct ob_jw j = OB_JW_INIT(b);

	ob_jw_c(&j, '{');
	ob_jw_key(&j, "key"); ob_jw_str(&j, o->key);
	ob_jw_s(&j, ","); ob_jw_key(&j, "delivery"); ob_jw_f(&j, "%lld", dl->id);
	ob_jw_s(&j, ","); ob_jw_key(&j, "type"); ob_jw_str(&j, o->type);
	ob_jw_s(&j, ","); ob_jw_key(&j, "case"); ob_jw_f(&j, "%lld", o->case_id);
	ob_jw_s(&j, ","); ob_jw_key(&j, "unit"); ob_jw_str(&j, o->unit);
	ob_jw_s(&j, ","); ob_jw_key(&j, "event"); ob_jw_str(&j, o->kind);
	ob_jw_s(&j, ","); ob_jw_key(&j, "rule"); ob_jw_str(&j, o->rule);
	ob_jw_s(&j, ","); ob_jw_key(&j, "state"); ob_jw_str(&j, o->state);
	ob_jw_s(&j, ","); ob_jw_key(&j, "from"); ob_jw_str(&j, o->state_from);
	ob_jw_s(&j, ","); ob_jw_key(&j, "due"); ob_jw_str(&j, o->due);
	ob_jw_s(&j, ","); ob_jw_key(&j, "field"); ob_jw_str(&j, o->field);
	ob_jw_s(&j, ","); ob_jw_key(&j, "value"); ob_jw_str(&j, o->value);
	ob_jw_s(&j, ","); ob_jw_key(&j, "at"); ob_jw_str(&j, o->at);
	ob_jw_c(&j, '}');
}

/* One paragraph of the e-mail, in one language. */
static void mail_text(struct ob_buf *b, const struct ob_store_outbox *o, bool en)
{
	int k = 0;

	while (k < (int)OB_ARRAY_SIZE(kind_names) && strcmp(kind_names[k], o->kind))
		k++;
	if (k == (int)OB_ARRAY_SIZE(kind_names))
		k = 0;
	ob_buf_putf(b, en ? "%s: case %lld of type %s" : "%s: caso %lld del tipo %s",
	            en ? kind_en[k] : kind_es[k], o->case_id, o->type);
	if (o->unit)
		ob_buf_putf(b, en ? ", unit %s" : ", unidad %s", o->unit);
	ob_buf_puts(b, ".\r\n");
	if (o->state_from)
		ob_buf_putf(b, en ? "From %s to %s" : "De %s a %s", o->state_from, o->state);
	else
		ob_buf_putf(b, en ? "State: %s" : "Estado: %s", o->state);
	ob_buf_putf(b, en ? ", at %s.\r\n" : ", a las %s.\r\n", o->at);
	if (o->rule)
		ob_buf_putf(b, en ? "Rule: %s" : "Regla: %s", o->rule);
	if (o->due)
		ob_buf_putf(b, en ? "; due %s" : "; vence %s", o->due);
	if (o->field)
		ob_buf_putf(b, "; %s = %s", o->field,
		            o->value ? o->value : en ? "(protected)" : "(protegido)");
	if (o->rule)
		ob_buf_puts(b, ".\r\n");
}

static int add_job(void *arg, const struct ob_store_delivery *dl)
{
	struct job_list *l = arg;
	struct ob_buf b = OB_BUF_INIT(OB_MAX_NOTIFY_MESSAGE);
	struct job *jb;

	if (l->n >= OB_NOTIFY_BATCH)
		return 1;
	if (!strcmp(dl->channel, "email")) {
		mail_text(&b, &dl->o, false);
		ob_buf_puts(&b, "\r\n");
		mail_text(&b, &dl->o, true);
		ob_buf_putf(&b, "\r\n-- \r\nobserva: %s\r\n", dl->o.key);
	} else {
		json_body(&b, dl);
	}
	if (ob_buf_failed(&b)) {
		ob_buf_release(&b);
		l->err = OB_DIAG(l->d, OB_ETOOBIG, NULL, 0, 0, dl->o.key, strlen(dl->o.key),
		                 "mensaje demasiado largo", "message too long");
		return 1;
	}
	l->v = ob_realloc(l->v, (l->n + 1) * sizeof(*l->v));
	jb = &l->v[l->n++];
	jb->id = dl->id;
	jb->attempts = dl->attempts;
	jb->email = !strcmp(dl->channel, "email");
	jb->target = ob_strdup(dl->target);
	jb->key = ob_strdup(dl->o.key);
	jb->subject = ob_strdup("");
	if (jb->email) {
		char subject[OB_CASE_NAME * 3 + 64];
		snprintf(subject, sizeof(subject), "observa: %s %lld %s%s%s", dl->o.type,
		         dl->o.case_id, dl->o.kind, dl->o.rule ? " " : "",
		         dl->o.rule ? dl->o.rule : "");
		free(jb->subject);
		jb->subject = ob_strdup(subject);
	}
	jb->body = ob_strdup(b.ptr ? b.ptr : "");
	ob_buf_release(&b);
	return 0;
}

static void jobs_free(struct job_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].target);
		free(l->v[i].key);
		free(l->v[i].subject);
		free(l->v[i].body);
	}
	free(l->v);
}

/* RFC 5322's date of t (UTC), without the locale's names. */
static void mail_date(long long t, char *out, size_t size)
{
	static const char days[][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
	         months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static ob_err send_job(const struct ob_notify_conf *conf, const struct job *jb, long long now,
                       struct ob_diag *d)
{
	struct ob_buf m = OB_BUF_INIT(OB_MAX_NOTIFY_MESSAGE + 2048);
	char date[64], header[OB_CASE_NAME * 3 + 128];
	const char *headers[1] = { header };
	ob_err e;

	if (!jb->email) {
		snprintf(header, sizeof(header), "Idempotency-Key: %s", jb->key);
		return ob_send_post(jb->target, headers, 1, jb->body, strlen(jb->body),
		                    conf->timeout_s, NULL, d);
	}
	if (!conf->smtp[0])
		return OB_DIAG(d, OB_EINVAL, conf->path, 0, 0, NULL, 0,
		               "[delivery] no da smtp: el correo no puede salir",
		               "[delivery] gives no smtp: e-mail cannot go out");
	mail_date(now, date, sizeof(date));
	ob_buf_putf(&m, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
	                "Message-ID: <delivery-%lld@observa>\r\nX-Observa-Key: %s\r\n"
	                "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	                "Content-Transfer-Encoding: 8bit\r\n\r\n%s",
	            conf->from, jb->target, jb->subject, date, jb->id, jb->key, jb->body);
	if (ob_buf_failed(&m))
		e = OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0, "mensaje demasiado largo",
		            "message too long");
	else
		e = ob_send_mail(conf->smtp, conf->from, jb->target, m.ptr, m.len, conf->timeout_s, d);
	ob_buf_release(&m);
	return e;
}

ob_err ob_notify_deliver(struct ob_store *s, const struct ob_notify_conf *conf, long long now,
                         struct ob_notify_pass *p, struct ob_diag *d)
{
	struct job_list l = { NULL, 0, OB_OK, d };
	char at[32];
	ob_err e = OB_OK;

	ob_audit_time(now, at);
	ob_diag_clear(d);
	if (ob_store_deliveries_each(s, "pending", at, add_job, &l, d) < 0 || l.err) {
		e = l.err ? l.err : OB_ESTORE;
		goto free_jobs;
	}
	for (size_t i = 0; i < l.n && !e; i++) {
		const struct job *jb = &l.v[i];
		long long n = jb->attempts + 1;
		char next[32], why[1024];
		struct ob_diag sd;
		const char *status;

		ob_diag_clear(&sd);
		if (!send_job(conf, jb, now, &sd)) {
			status = "sent";
			ob_strlcpy(next, at, sizeof(next));
			e = ob_store_delivery_attempt(s, jb->id, jb->attempts, at, NULL, status, next, d);
			p->sent++;
		} else {
			long long wait = conf->backoff_s;
			for (long long k = 1; k < n && wait < OB_NOTIFY_BACKOFF_MAX_S; k++)
				wait *= 2;
			if (wait > OB_NOTIFY_BACKOFF_MAX_S)
				wait = OB_NOTIFY_BACKOFF_MAX_S;
			status = n >= conf->attempts ? "failed" : "pending";
			ob_audit_time(now + wait, next);
			snprintf(why, sizeof(why), "%s%s%s", sd.file[0] ? sd.file : "",
			         sd.file[0] ? ": " : "", sd.message);
			e = ob_store_delivery_attempt(s, jb->id, jb->attempts, at, why, status, next, d);
			if (n >= conf->attempts)
				p->failed++;
			else
				p->retry++;
		}
		if (e == OB_EEXISTS) { /* another notifier took it: its attempt stands */
			ob_diag_clear(d);
			e = OB_OK;
		}
	}
free_jobs:
	jobs_free(&l);
	return e;
}
