/*
 * registry.c - the restricted API of a registry (cases/registry.h,
 * docs/registry.md): GET /api/v1/registry/search (by name, document or
 * territory), GET /api/v1/registry/{id} (one entry, with its convictions
 * and the period of the last) and GET
 * /api/v1/registry/access-report (the oversight's report). Any account's
 * token; the registry's roles decide, through the same engine as observa
 * registry: a search and a read need a role that searches and a purpose,
 * and each is recorded with what it showed before the answer is written;
 * an account without the role gets 403, and the refusal is in the audit
 * log (registry.refused), as a search with no purpose (400) or over the
 * rate limit (429).
 */
#include "http/internal.h"

#include "cases/registry.h"
#include "io/json.h"
#include "store/audit.h"

#include <stdlib.h>

/* The registry type (the parameter "type", or the default) loaded with who
 * asks; false when the answer is already an error. */
struct reg_call {
	struct ob_cases types;
	int i;
	struct ob_registry r;
	struct ob_registry_who w;
	char to[96];
};

static bool reg_open(struct ob_http_call *c, struct reg_call *rc)
{
	const char *code = ob_http_str(c, "type");
	struct ob_diag d;

	memset(rc, 0, sizeof(*rc));
	if (!code)
		code = "sex-offender-registry";
	ob_diag_clear(&d);
	if (ob_cases_load(c->ctx->dir ? c->ctx->dir : ".", &rc->types, &d)) {
		ob_http_store_fail(c);
		return false;
	}
	if ((rc->i = ob_cases_find(&rc->types, code)) < 0 || !rc->types.types[rc->i].registry ||
	    ob_registry_load(&rc->types.types[rc->i], &rc->r, &d)) {
		ob_http_fail(c->res, 404, "not_found", "type", "No hay ese registro en el catálogo.",
		             "There is no such registry in the catalogue.");
		ob_cases_release(&rc->types);
		return false;
	}
	rc->w.a.name = c->who.name;
	rc->w.a.role = c->who.role;
	rc->w.a.account = c->who.name;
	snprintf(rc->to, sizeof(rc->to), "http %.64s", c->req->remote ? c->req->remote : "?");
	rc->w.to = rc->to;
	if (ob_registry_roles(c->ctx->store, &rc->r, c->who.name, &rc->w.roles, &d)) {
		ob_http_store_fail(c);
		ob_cases_release(&rc->types);
		return false;
	}
	return true;
}

/* The engine's refusal or failure e as an answer (its entry is written). */
static void reg_fail(struct ob_http_call *c, ob_err e, const struct ob_diag *d)
{
	const char *other = d->message_other[0] ? d->message_other : d->message;
	const char *es = ob_lang_is_en() ? other : d->message;
	const char *en = ob_lang_is_en() ? d->message : other;

	switch (e) {
	case OB_EINVAL:
		c->audited = true; /* registry.refused */
		ob_http_fail(c->res, 403, "forbidden", NULL, es, en);
		break;
	case OB_EUSAGE:
		c->audited = true;
		ob_http_fail(c->res, 400, "bad_parameter", "purpose", es, en);
		break;
	case OB_ETOOBIG:
		c->audited = true;
		ob_http_header_add(c->res, "Retry-After", "%d", 3600);
		ob_http_fail(c->res, 429, "too_many_requests", NULL, es, en);
		break;
	case OB_ENOENT:
		ob_http_fail(c->res, 404, "not_found", "id", es, en);
		break;
	default:
		ob_http_store_fail(c);
	}
}

static ob_err jstr(struct ob_buf *b, const char *s)
{
	return s ? ob_json_str(b, s, strlen(s)) : ob_buf_adds(b, "null");
}

static ob_err member(struct ob_buf *b, const char *name, const char *v)
{
	ob_err e = ob_buf_addf(b, ",\"%s\":", name);

	return e ? e : jstr(b, v);
}

static const char *val(const struct ob_registry *r, const struct ob_registry_hit *h, int f)
{
	(void)r;
	return f >= 0 ? h->values[f] : NULL;
}

void ob_http_h_registry_search(struct ob_http_call *c)
{
	struct ob_registry_query q = { ob_http_str(c, "name"), ob_http_str(c, "document"),
	                               ob_http_str(c, "territory"), ob_http_str(c, "purpose") };
	struct ob_buf *b = &c->res->body;
	struct ob_registry_hits h;
	struct reg_call rc;
	struct ob_diag d;
	ob_err e;

	if (!reg_open(c, &rc))
		return;
	ob_diag_clear(&d);
	if ((e = ob_registry_search(c->ctx->store, &rc.r, &rc.w, &q, &h, &d))) {
		reg_fail(c, e, &d);
		goto release;
	}
	c->audited = true; /* registry.search, with the entries shown */
	e = ob_buf_adds(b, "{\"type\":");
	e |= jstr(b, rc.r.t->code);
	e |= ob_buf_addf(b, ",\"limit\":%d,\"more\":%s,\"data\":[", OB_REGISTRY_MAX_RESULTS,
	                 h.more ? "true" : "false");
	for (size_t i = 0; i < h.n; i++) {
		const struct ob_registry_hit *x = &h.v[i];
		e |= ob_buf_addf(b, "%s\n{\"entry\":%lld,\"score\":%.3f", i ? "," : "", x->id,
		                 x->score);
		e |= member(b, "name", val(&rc.r, x, rc.r.f_name));
		e |= member(b, "aliases", val(&rc.r, x, rc.r.f_aliases));
		e |= member(b, "document", val(&rc.r, x, rc.r.f_document));
		e |= member(b, "birth_date", val(&rc.r, x, rc.r.f_birth));
		e |= member(b, "offence", val(&rc.r, x, rc.r.f_offence));
		e |= member(b, "territory", val(&rc.r, x, rc.r.f_territory));
		e |= member(b, "state", x->state);
		e |= ob_buf_adds(b, "}");
	}
	e |= ob_buf_adds(b, "\n]}\n");
	if (e)
		ob_http_fail_too_large(c);
	ob_registry_hits_free(&h, rc.r.t->n_fields);
release:
	ob_cases_release(&rc.types);
}

void ob_http_h_registry_entry(struct ob_http_call *c)
{
	struct ob_buf *b = &c->res->body;
	struct ob_registry_convictions cv;
	struct ob_registry_hits h;
	struct reg_call rc;
	struct ob_diag d;
	char until[16], review[16];
	long long id = 0;
	bool life, first = true;
	ob_err e;

	if (!ob_parse_int(c->path_value, strlen(c->path_value), 1, INT64_MAX, &id))
		return;
	if (!reg_open(c, &rc))
		return;
	ob_diag_clear(&d);
	if ((e = ob_registry_read(c->ctx->store, &rc.r, &rc.w, id, ob_http_str(c, "purpose"), &h,
	                          &d))) {
		reg_fail(c, e, &d);
		goto release;
	}
	c->audited = true; /* registry.read */
	e = ob_buf_addf(b, "{\"entry\":%lld", id);
	e |= member(b, "type", rc.r.t->code);
	e |= member(b, "state", h.v[0].state);
	e |= ob_buf_adds(b, ",\"fields\":{");
	for (size_t f = 0; f < rc.r.t->n_fields; f++) {
		if (!h.v[0].values[f])
			continue;
		e |= ob_buf_addf(b, "%s", first ? "" : ",");
		e |= jstr(b, rc.r.t->fields[f].name);
		e |= ob_buf_adds(b, ":");
		e |= jstr(b, h.v[0].values[f]);
		first = false;
	}
	e |= ob_buf_adds(b, "}");
	if (ob_registry_convictions(c->ctx->store, &rc.r, id, h.v[0].values, &cv, &d)) {
		ob_registry_hits_free(&h, rc.r.t->n_fields);
		ob_buf_reset(b);
		ob_http_store_fail(c);
		goto release;
	}
	/* the first, the entry was registered with (recorded null), then
	 * the others, each under the first one's fields */
	e |= ob_buf_adds(b, ",\"convictions\":[");
	for (size_t i = 0; i < cv.n; i++) {
		e |= ob_buf_addf(b, "%s{\"recorded\":", i ? "," : "");
		e |= jstr(b, cv.v[i].at[0] ? cv.v[i].at : NULL);
		for (size_t k = 0; k < rc.r.n_conv; k++)
			e |= member(b, rc.r.t->fields[rc.r.conv_first[k]].name,
			            cv.v[i].values[rc.r.conv_first[k]]);
		if (!rc.r.n_conv && rc.r.f_offence >= 0)
			e |= member(b, rc.r.t->fields[rc.r.f_offence].name,
			            cv.v[i].values[rc.r.f_offence]);
		e |= ob_buf_adds(b, "}");
	}
	e |= ob_buf_adds(b, "]");
	if (!ob_registry_period_end(&rc.r, &cv, until, sizeof(until), &life))
		e |= member(b, "period_ends", life ? "life" : until);
	if (!ob_registry_review(&rc.r, &cv,
	                        (long)((c->req->now +
	                                (long long)rc.types.calendars[rc.i].utc_offset * 60) /
	                               86400),
	                        review, sizeof(review)))
		e |= member(b, "next_review", review);
	ob_registry_convictions_release(&cv);
	e |= ob_buf_adds(b, "}\n");
	if (e)
		ob_http_fail_too_large(c);
	ob_registry_hits_free(&h, rc.r.t->n_fields);
release:
	ob_cases_release(&rc.types);
}

void ob_http_h_registry_access(struct ob_http_call *c)
{
	const char *from = ob_http_str(c, "from"), *to = ob_http_str(c, "to");
	struct ob_buf *b = &c->res->body;
	struct ob_registry_use *uses = NULL;
	struct reg_call rc;
	struct ob_diag d;
	char f0[32], t0[32];
	long long tf, tt;
	size_t n = 0;
	ob_err e;

	if (!reg_open(c, &rc))
		return;
	if (!from || !to || strlen(from) != 10 || strlen(to) != 10 ||
	    !ob_case_time_parse(from, rc.types.calendars[rc.i].utc_offset, &tf) ||
	    !ob_case_time_parse(to, rc.types.calendars[rc.i].utc_offset, &tt)) {
		ob_http_fail(c->res, 400, "bad_parameter", "from",
		             "«from» y «to»: se esperaba AAAA-MM-DD (ambos días incluidos).",
		             "'from' and 'to': expected YYYY-MM-DD (both days included).");
		goto release;
	}
	ob_audit_time(tf, f0);
	ob_audit_time(tt + 86400, t0);
	ob_diag_clear(&d);
	if ((e = ob_registry_access(c->ctx->store, &rc.r, &rc.w, f0, t0, &uses, &n, &d))) {
		reg_fail(c, e, &d);
		goto release;
	}
	c->audited = true; /* registry.report */
	e = ob_buf_adds(b, "{\"type\":");
	e |= jstr(b, rc.r.t->code);
	e |= member(b, "from", from);
	e |= member(b, "to", to);
	e |= ob_buf_adds(b, ",\"data\":[");
	for (size_t i = 0; i < n; i++) {
		e |= ob_buf_addf(b, "%s\n{\"account\":", i ? "," : "");
		e |= jstr(b, uses[i].actor);
		e |= ob_buf_addf(b, ",\"searches\":%lld,\"reads\":%lld,\"entries_shown\":%lld,"
		                 "\"refused\":%lld",
		                 uses[i].searches, uses[i].reads, uses[i].shown, uses[i].refused);
		e |= member(b, "purposes", uses[i].purposes);
		e |= ob_buf_adds(b, "}");
	}
	e |= ob_buf_adds(b, "\n]}\n");
	if (e)
		ob_http_fail_too_large(c);
	free(uses);
release:
	ob_cases_release(&rc.types);
}
