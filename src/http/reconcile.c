/* reconcile.c - the API's reconciliation routes: runs, their counts and discrepancies, and clerical review. */
#include "http/internal.h"

#include <jansson.h>
#include <strings.h>

#include "io/json.h"
#include "reconcile/reconcile.h"
#include "store/reconcile.h"
#include "store/reconcile_read.h"

/* The run of the path, or 0 after answering 404 or an error. */
static long long path_run(struct ob_http_call *c)
{
	long long id = 0;
	struct ob_diag d;
	bool found;

	if (!ob_parse_int(c->path_value, strlen(c->path_value), 1, INT64_MAX, &id))
		return 0; /* the router checked it already */
	ob_diag_clear(&d);
	if (ob_store_rc_run_exists(c->ctx->store, id, &found, &d)) {
		ob_http_store_fail(c);
	} else if (found) {
		return id;
	} else {
		char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
		snprintf(es, sizeof(es), "No existe la conciliación %lld; vea /api/v1/reconcile/runs.",
		         id);
		snprintf(en, sizeof(en), "No reconciliation run %lld; see /api/v1/reconcile/runs.", id);
		ob_http_fail(c->res, 404, "not_found", "id", es, en);
	}
	return 0;
}

/* A listing's page once its total is known (count_failed: it is not):
 * the rows rows_of() gives (through a store listing) as the table's rows.
 * *rows: rows written. */
static void table_page(struct ob_http_call *c, ob_err count_failed, long long total,
                       int rows_of(struct ob_http_call *c, struct ob_http_table *t, void *arg),
                       void *arg, const char *const *cols, size_t ncols, long long limit,
                       long long offset, long long *rows)
{
	struct ob_http_table t;

	if (count_failed) {
		ob_http_store_fail(c);
		return;
	}
	ob_http_table_begin(&t, c, cols, ncols, total, limit, offset);
	if (rows_of(c, &t, arg) < 0) {
		if (rows)
			*rows = t.w.nrows;
		ob_http_table_abandon(&t);
		ob_http_store_fail(c);
		return;
	}
	if (rows)
		*rows = t.w.nrows;
	ob_http_table_end(&t);
}

/* The audit entry of a listing that answered 200 (unsuppressed counts or
 * record-level rows). */
static void audit_page(struct ob_http_call *c, const char *object, const char *what,
                       long long rows)
{
	char query[256];
	long long limit, offset;

	if (c->res->status != 200)
		return;
	ob_http_page(c, &limit, &offset);
	snprintf(query, sizeof(query), "%s limit=%lld offset=%lld", what, limit, offset);
	ob_http_audit_read(c, object, query, rows);
}

static int runs_rows(struct ob_http_call *c, struct ob_http_table *t, void *arg)
{
	long long *page = arg;
	struct ob_diag d;

	ob_diag_clear(&d);
	return ob_store_rc_runs_each(c->ctx->store, false, page[0], page[1], ob_http_table_row, t,
	                             &d);
}

void ob_http_h_rec_runs(struct ob_http_call *c)
{
	static const char *const cols[] = { "id", "period", "country", "records", "deaths",
		                            "candidates", "linked_pairs", "review_pairs",
		                            "started_at", "user", "observa_version" };
	long long rows = 0, total = -1, page[2];
	struct ob_diag d;
	ob_err e;

	ob_http_page(c, &page[0], &page[1]);
	ob_diag_clear(&d);
	e = ob_store_rc_runs_count(c->ctx->store, &total, &d);
	table_page(c, e, total, runs_rows, page, cols, OB_ARRAY_SIZE(cols), page[0], page[1],
	           &rows);
	audit_page(c, "reconcile_run", "runs", rows);
}

static int counts_rows(struct ob_http_call *c, struct ob_http_table *t, void *arg)
{
	struct ob_diag d;

	ob_diag_clear(&d);
	return ob_store_rc_counts_each(c->ctx->store, arg, ob_http_table_row, t, &d);
}

void ob_http_h_rec_counts(struct ob_http_call *c)
{
	static const char *const cols[] = { "level", "territory", "month", "police", "forensic",
		                            "prosecutor", "reconciled" };
	const char *level = ob_http_str(c, "level"), *territory = ob_http_str(c, "territory");
	long long run = path_run(c), rows = 0, total = -1;
	struct ob_store_rc_counts_filter f = { .run = run, .territory = territory, .level = -1 };
	char object[64], what[160];
	struct ob_diag d;
	ob_err e;

	if (!run)
		return;
	if (level)
		f.level = ob_http_int(c, "level", 0);
	ob_http_page(c, &f.limit, &f.offset);
	ob_diag_clear(&d);
	e = ob_store_rc_counts_count(c->ctx->store, &f, &total, &d);
	table_page(c, e, total, counts_rows, &f, cols, OB_ARRAY_SIZE(cols), f.limit, f.offset,
	           &rows);
	snprintf(object, sizeof(object), "reconcile_run:%lld", run);
	snprintf(what, sizeof(what), "counts level=%s territory=%.64s", level ? level : "*",
	         territory ? territory : "*");
	audit_page(c, object, what, rows);
}

static int disc_rows(struct ob_http_call *c, struct ob_http_table *t, void *arg)
{
	struct ob_diag d;

	ob_diag_clear(&d);
	return ob_store_rc_disc_each(c->ctx->store, arg, ob_http_table_row, t, &d);
}

void ob_http_h_rec_discrepancies(struct ob_http_call *c)
{
	static const char *const cols[] = { "death", "reason", "detail", "country", "territory",
		                            "occurred_on", "sources", "records" };
	char object[64], what[64];
	long long run = path_run(c), rows = 0, total = -1;
	const char *reason = ob_http_str(c, "reason");
	struct ob_store_rc_disc_filter f = { .run = run, .reason = reason };
	struct ob_diag d;
	ob_err e;

	if (!run)
		return;
	ob_http_page(c, &f.limit, &f.offset);
	ob_diag_clear(&d);
	e = ob_store_rc_disc_count(c->ctx->store, &f, &total, &d);
	table_page(c, e, total, disc_rows, &f, cols, OB_ARRAY_SIZE(cols), f.limit, f.offset,
	           &rows);
	snprintf(object, sizeof(object), "reconcile_run:%lld", run);
	snprintf(what, sizeof(what), "discrepancies reason=%s", reason ? reason : "*");
	audit_page(c, object, what, rows);
}

/* ---- clerical review ---- */

/* The writers return non-zero once the body is full (see internal.h). */
static ob_err jkey(struct ob_buf *b, const char *k)
{
	ob_err e = ob_json_str(b, k, strlen(k));

	return e ? e : ob_buf_addc(b, ':');
}

static ob_err jstr(struct ob_buf *b, const char *s)
{
	return s ? ob_json_str(b, s, strlen(s)) : ob_buf_adds(b, "null");
}

static bool review_record(struct ob_http_call *c, struct ob_buf *b, const char *source,
                          const char *id)
{
	char f[OB_RECONCILE_REVIEW_NFIELDS][OB_RECONCILE_REVIEW_FIELD];
	struct ob_diag d;
	bool found;
	ob_err e;

	ob_diag_clear(&d);
	if (ob_reconcile_review_record(c->ctx->store, source, id, f, &found, &d)) {
		ob_http_store_fail(c);
		return false;
	}
	e = ob_buf_addf(b, "{\"found\":%s", found ? "true" : "false");
	for (size_t k = 0; k < OB_RECONCILE_REVIEW_NFIELDS; k++) {
		e |= ob_buf_addc(b, ',');
		e |= jkey(b, ob_reconcile_review_fields[k]);
		if (k < 2)
			e |= jstr(b, k == 0 ? source : id);
		else
			e |= jstr(b, f[k][0] ? f[k] : NULL);
	}
	e |= ob_buf_addc(b, '}');
	if (e) {
		ob_http_fail_too_large(c);
		return false;
	}
	return true;
}

/* "field\tlevel\tweight" lines as [{"field":..,"level":..,"weight":..}] */
static ob_err comparisons(struct ob_buf *b, const char *ex)
{
	size_t k = 0;
	ob_err e = ob_buf_addc(b, '[');

	while (ex && *ex) {
		const char *nl = strchr(ex, '\n');
		size_t n = nl ? (size_t)(nl - ex) : strlen(ex);
		const char *t1 = memchr(ex, '\t', n);
		const char *t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - ex)) : NULL;
		if (t1 && t2) {
			double w;
			size_t wl = n - (size_t)(t2 + 1 - ex);
			e |= ob_buf_adds(b, k++ ? ",{" : "{");
			e |= jkey(b, "field");
			e |= ob_json_str(b, ex, (size_t)(t1 - ex));
			e |= ob_buf_addc(b, ',');
			e |= jkey(b, "level");
			e |= ob_json_str(b, t1 + 1, (size_t)(t2 - t1 - 1));
			e |= ob_buf_addc(b, ',');
			e |= jkey(b, "weight");
			if (ob_parse_double(t2 + 1, wl, &w))
				e |= ob_json_num(b, w);
			else
				e |= ob_json_str(b, t2 + 1, wl);
			e |= ob_buf_addc(b, '}');
		}
		ex = nl ? nl + 1 : ex + n;
	}
	e |= ob_buf_addc(b, ']');
	return e;
}

struct review_json {
	struct ob_http_call *c;
	struct ob_buf *b;
	long long rows;
	ob_err e;
	bool failed;    /* a record's lookup failed, or its answer did not fit */
};

static int review_row(void *arg, const struct ob_store_rc_pair *p)
{
	struct review_json *r = arg;
	struct ob_buf *b = r->b;
	ob_err e = 0;

	e |= ob_buf_addf(b, "%s{\"item\":%lld,\"run\":%lld,\"probability\":",
	                 r->rows++ ? ",\n" : "\n", p->id, p->run);
	e |= ob_json_num(b, p->probability);
	e |= ob_buf_adds(b, ",\"weight\":");
	e |= ob_json_num(b, p->weight);
	e |= ob_buf_addf(b, ",\"linked\":%s,\"decision\":", p->linked ? "true" : "false");
	e |= jstr(b, p->decision);
	e |= ob_buf_adds(b, ",\"a\":");
	if (e || !review_record(r->c, b, p->source_a, p->id_a))
		goto stop;
	e |= ob_buf_adds(b, ",\"b\":");
	if (e || !review_record(r->c, b, p->source_b, p->id_b))
		goto stop;
	e |= ob_buf_adds(b, ",\"comparisons\":");
	e |= comparisons(b, p->explanation);
	e |= ob_buf_addc(b, '}');
	if (e)
		goto stop;
	return 0;
stop:
	r->e = e;
	r->failed = !e;
	return 1;
}

void ob_http_h_review(struct ob_http_call *c)
{
	struct ob_buf *b = &c->res->body;
	struct ob_buf detail = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL);
	long long limit, offset, total = -1;
	bool all = ob_http_int(c, "all", 0) != 0;
	struct review_json r = { .c = c, .b = b };
	struct ob_diag d;
	int rc;

	ob_http_page(c, &limit, &offset);
	ob_diag_clear(&d);
	if (ob_store_rc_pairs_count(c->ctx->store, all, &total, &d)) {
		ob_http_store_fail(c);
		return;
	}
	if (ob_buf_addf(b, "{\"total\":%lld,\"limit\":%lld,\"offset\":%lld,\"data\":[", total,
	                limit, offset)) {
		ob_http_fail_too_large(c);
		return;
	}
	rc = ob_store_rc_pairs_each(c->ctx->store, all, limit, offset, review_row, &r, &d);
	if (r.failed || c->res->status != 200)
		goto out; /* a record's lookup failed, or its answer did not fit */
	if (r.e || ob_buf_adds(b, "\n]}\n")) {
		ob_http_fail_too_large(c);
		goto out;
	}
	if (rc < 0) {
		ob_http_store_fail(c);
		goto out;
	}
	ob_http_header_add(c->res, "X-Total-Count", "%lld", total);
	/* two records (with names) per pair */
	if (ob_buf_addf(&detail, "review all=%d limit=%lld offset=%lld pairs=%lld", all, limit,
	                offset, r.rows))
		ob_buf_reset(&detail); /* a short line: never */
	ob_http_audit_read(c, "review_item", detail.ptr, 2 * r.rows);
out:
	ob_buf_release(&detail);
}

void ob_http_h_review_decide(struct ob_http_call *c)
{
	const struct ob_http_request *req = c->req;
	const char *ct = req->content_type, *dec, *note = NULL;
	struct ob_buf *b = &c->res->body;
	json_t *root, *jd, *jn;
	json_error_t jerr;
	struct ob_diag d;
	long long item = 0;
	bool accept;
	ob_err e;

	if (!ob_parse_int(c->path_value, strlen(c->path_value), 1, INT64_MAX, &item))
		return;
	if (!ct || strncasecmp(ct, "application/json", 16)) {
		ob_http_fail(c->res, 415, "unsupported_media_type", NULL,
		             "Envíe el cuerpo como JSON con «Content-Type: application/json»: "
		             "{\"decision\": \"accept\" | \"reject\", \"note\": \"...\"}.",
		             "Send the body as JSON with 'Content-Type: application/json': "
		             "{\"decision\": \"accept\" | \"reject\", \"note\": \"...\"}.");
		return;
	}
	root = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	jd = root ? json_object_get(root, "decision") : NULL;
	jn = root ? json_object_get(root, "note") : NULL;
	dec = json_is_string(jd) ? json_string_value(jd) : NULL;
	if (!json_is_object(root) || !dec || (strcmp(dec, "accept") && strcmp(dec, "reject")) ||
	    (jn && !json_is_string(jn) && !json_is_null(jn))) {
		ob_http_fail(c->res, 400, "bad_body", "decision",
		             "El cuerpo debe ser un objeto JSON con «decision» igual a \"accept\" "
		             "(la misma muerte) o \"reject\" (no lo es) y, si se quiere, «note» "
		             "de tipo texto.",
		             "The body must be a JSON object with 'decision' \"accept\" (the same "
		             "death) or \"reject\" (not) and optionally a string 'note'.");
		json_decref(root);
		return;
	}
	accept = !strcmp(dec, "accept");
	if (json_is_string(jn)) {
		note = json_string_value(jn);
		if (strlen(note) != json_string_length(jn) ||
		    strlen(note) > OB_MAX_AUDIT_DETAIL / 4) {
			char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
			snprintf(es, sizeof(es), "«note»: a lo sumo %d bytes, sin caracteres nulos.",
			         OB_MAX_AUDIT_DETAIL / 4);
			snprintf(en, sizeof(en), "'note': at most %d bytes, no NUL characters.",
			         OB_MAX_AUDIT_DETAIL / 4);
			ob_http_fail(c->res, 400, "bad_body", "note", es, en);
			json_decref(root);
			return;
		}
	}
	ob_diag_clear(&d);
	e = ob_reconcile_decide(c->ctx->store, item, accept, c->who.name, note, &d);
	if (e == OB_ENOENT) {
		char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
		snprintf(es, sizeof(es), "No existe el par en revisión %lld; vea /api/v1/review.",
		         item);
		snprintf(en, sizeof(en), "No review item %lld; see /api/v1/review.", item);
		ob_http_fail(c->res, 404, "not_found", "item", es, en);
	} else if (e) {
		ob_http_store_fail(c);
	} else {
		c->audited = true; /* ob_reconcile_decide wrote the audit entry with the decision */
		e = ob_buf_addf(b, "{\"item\":%lld,\"decision\":\"%s\",\"user\":", item,
		                accept ? "accept" : "reject");
		e |= ob_json_str(b, c->who.name, strlen(c->who.name));
		e |= ob_buf_adds(b, ",\"note\":");
		e |= jstr(b, note && *note ? note : NULL);
		e |= ob_buf_adds(b, "}\n");
		if (e) /* the decision is recorded; its echo does not fit */
			ob_http_fail_too_large(c);
	}
	json_decref(root);
}
