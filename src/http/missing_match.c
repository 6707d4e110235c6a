/*
 * missing_match.c - the restricted API of the matches between unidentified
 * bodies and missing-person reports (cases/missing_match.h, docs/
 * missing.md): GET /api/v1/missing-matches, the review queue (the steward
 * role; every read audited: it links a body to a report, though it names
 * no one), and POST /api/v1/missing-matches/{id}, a decision (confirm: the
 * report moves to located dead through the case engine; reject), audited
 * with it.
 */
#include "http/internal.h"

#include "cases/missing.h"
#include "cases/missing_match.h"
#include "io/json.h"
#include "store/missing_match.h"

#include <jansson.h>
#include <strings.h>
#include <time.h>

struct mm_json {
	struct ob_buf *b;
	long long limit, offset, at, rows;
	ob_err e;
};

static ob_err jstr(struct ob_buf *b, const char *s)
{
	return s ? ob_json_str(b, s, strlen(s)) : ob_buf_adds(b, "null");
}

static ob_err jage(struct ob_buf *b, int v)
{
	return v >= 0 ? ob_buf_addf(b, "%d", v) : ob_buf_adds(b, "null");
}

static int count_one(void *arg, const struct ob_store_match *m)
{
	(void)m;
	(*(long long *)arg)++;
	return 0;
}

static int row_one(void *arg, const struct ob_store_match *m)
{
	struct mm_json *r = arg;
	struct ob_buf *b = r->b;
	ob_err e;

	if (r->at++ < r->offset)
		return 0;
	if (r->rows >= r->limit)
		return 1;
	e = ob_buf_addf(b, "%s\n{\"id\":%lld,\"case\":%lld,\"source\":", r->rows ? "," : "", m->id,
	                m->case_id);
	e |= jstr(b, m->source);
	e |= ob_buf_adds(b, ",\"source_id\":");
	e |= jstr(b, m->source_id);
	e |= ob_buf_adds(b, ",\"found_on\":");
	e |= jstr(b, m->found_on);
	e |= ob_buf_adds(b, ",\"territory\":");
	e |= jstr(b, m->territory);
	e |= ob_buf_adds(b, ",\"sex\":");
	e |= jstr(b, m->sex);
	e |= ob_buf_adds(b, ",\"age_min\":");
	e |= jage(b, m->age_min);
	e |= ob_buf_adds(b, ",\"age_max\":");
	e |= jage(b, m->age_max);
	e |= ob_buf_adds(b, ",\"score\":");
	e |= ob_json_num(b, m->score);
	e |= ob_buf_adds(b, ",\"status\":");
	e |= jstr(b, m->status);
	e |= ob_buf_adds(b, ",\"decided_by\":");
	e |= jstr(b, m->decided_by);
	e |= ob_buf_adds(b, ",\"decided_at\":");
	e |= jstr(b, m->decided_at);
	e |= ob_buf_adds(b, ",\"explanation\":");
	e |= jstr(b, m->explanation);
	e |= ob_buf_adds(b, "}");
	r->rows++;
	if (e) {
		r->e = e;
		return 1;
	}
	return 0;
}

void ob_http_h_missing_matches(struct ob_http_call *c)
{
	struct ob_buf *b = &c->res->body;
	const char *status = ob_http_str(c, "status");
	const char *filter;
	struct mm_json r = { .b = b };
	struct ob_diag d;
	long long total = 0;
	char query[96];
	int rc;

	if (!status)
		status = "pending";
	filter = strcmp(status, "all") ? status : NULL;
	ob_http_page(c, &r.limit, &r.offset);
	ob_diag_clear(&d);
	if (ob_store_matches_each(c->ctx->store, filter, count_one, &total, &d) < 0) {
		ob_http_store_fail(c);
		return;
	}
	if (ob_buf_addf(b, "{\"total\":%lld,\"limit\":%lld,\"offset\":%lld,\"data\":[", total,
	                r.limit, r.offset)) {
		ob_http_fail_too_large(c);
		return;
	}
	rc = ob_store_matches_each(c->ctx->store, filter, row_one, &r, &d);
	if (r.e || ob_buf_adds(b, "\n]}\n")) {
		ob_http_fail_too_large(c);
		return;
	}
	if (rc < 0) {
		ob_http_store_fail(c);
		return;
	}
	ob_http_header_add(c->res, "X-Total-Count", "%lld", total);
	snprintf(query, sizeof(query), "missing-matches status=%s limit=%lld offset=%lld", status,
	         r.limit, r.offset);
	ob_http_audit_read(c, "missing_match", query, r.rows);
}

void ob_http_h_missing_match_decide(struct ob_http_call *c)
{
	const struct ob_http_request *req = c->req;
	const char *ct = req->content_type, *dec;
	struct ob_buf *b = &c->res->body;
	struct ob_cases types;
	json_t *root, *jd;
	json_error_t jerr;
	struct ob_diag d;
	long long id = 0;
	bool confirm;
	int k;
	ob_err e;

	if (!ob_parse_int(c->path_value, strlen(c->path_value), 1, INT64_MAX, &id))
		return;
	if (!ct || strncasecmp(ct, "application/json", 16)) {
		ob_http_fail(c->res, 415, "unsupported_media_type", NULL,
		             "Envíe el cuerpo como JSON con «Content-Type: application/json»: "
		             "{\"decision\": \"confirm\" | \"reject\"}.",
		             "Send the body as JSON with 'Content-Type: application/json': "
		             "{\"decision\": \"confirm\" | \"reject\"}.");
		return;
	}
	root = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	jd = root ? json_object_get(root, "decision") : NULL;
	dec = json_is_string(jd) ? json_string_value(jd) : NULL;
	if (!json_is_object(root) || !dec || (strcmp(dec, "confirm") && strcmp(dec, "reject"))) {
		ob_http_fail(c->res, 400, "bad_body", "decision",
		             "El cuerpo debe ser un objeto JSON con «decision» igual a \"confirm\" "
		             "(el cuerpo es la persona: el reporte pasa a localizada sin vida) o "
		             "\"reject\" (no lo es).",
		             "The body must be a JSON object with 'decision' \"confirm\" (the body "
		             "is the person: the report becomes located dead) or \"reject\" (not).");
		json_decref(root);
		return;
	}
	confirm = !strcmp(dec, "confirm");
	json_decref(root);
	ob_diag_clear(&d);
	if (ob_cases_load(c->ctx->dir ? c->ctx->dir : ".", &types, &d)) {
		ob_http_store_fail(c);
		return;
	}
	if ((k = ob_cases_find(&types, OB_MISSING_TYPE)) < 0) {
		e = OB_ENOENT;
	} else {
		struct ob_case_actor a = { c->who.name, c->who.role, c->who.name };
		e = ob_missing_match_decide(c->ctx->store, &types.types[k], &types.calendars[k], &a,
		                            id, confirm, (long long)time(NULL), &d);
	}
	ob_cases_release(&types);
	if (e == OB_ENOENT) {
		char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
		snprintf(es, sizeof(es), "No existe la coincidencia %lld; vea /api/v1/missing-matches.",
		         id);
		snprintf(en, sizeof(en), "No match %lld; see /api/v1/missing-matches.", id);
		ob_http_fail(c->res, 404, "not_found", "id", es, en);
	} else if (e == OB_EEXISTS || e == OB_EINVAL) {
		/* the diagnostic in the language in force, and the other one */
		const char *other = d.message_other[0] ? d.message_other : d.message;
		ob_http_fail(c->res, 409, "conflict", "decision", ob_lang_is_en() ? other : d.message,
		             ob_lang_is_en() ? d.message : other);
	} else if (e) {
		ob_http_store_fail(c);
	} else {
		c->audited = true; /* the decision's audit entry is written with it */
		e = ob_buf_addf(b, "{\"id\":%lld,\"decision\":\"%s\",\"user\":", id,
		                confirm ? "confirm" : "reject");
		e |= ob_json_str(b, c->who.name, strlen(c->who.name));
		e |= ob_buf_adds(b, "}\n");
		if (e) /* the decision is recorded; its echo does not fit */
			ob_http_fail_too_large(c);
	}
}
