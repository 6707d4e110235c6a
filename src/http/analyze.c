/*
 * analyze.c - GET /api/v1/analyze: the analyser of engine/query.h for the
 * public, every count passed through disclosure control (publish/sdc.h).
 *
 * An answer kept in memory (http/cache.h) is given at once; a question
 * whose cost (ob_query_cost) passes the limits of the caller's role is
 * refused (422) before any work; the rest is deferred to a worker (when the
 * caller can) and counted within the request's budget.
 */
#include "http/internal.h"

#include <math.h>

#include "base/log.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/query.h"
#include "engine/snaphold.h"
#include "http/cache.h"
#include "io/csvw.h"
#include "publish/sdc.h"

static void fail_diag(struct ob_http_call *c, const char *param, const struct ob_diag *d)
{
	char msg[OB_MAX_MESSAGE];

	ob_diag_format(d, msg, sizeof(msg));
	/* the message is in Spanish then English already */
	ob_http_fail(c->res, d->code == OB_ETOOBIG ? 413 : 400, "bad_parameter", param, msg, msg);
}

/* Writers below return the OR of their writes' results: non-zero when the
 * body reached its limit (the answer is then refused whole). */
static ob_err json_str(struct ob_buf *b, const char *s)
{
	ob_err e = ob_buf_addc(b, '"');

	for (; *s && !e; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			e |= ob_buf_addf(b, "\\%c", ch);
		else if (ch < 0x20)
			e |= ob_buf_addf(b, "\\u%04x", ch);
		else
			e |= ob_buf_addc(b, (char)ch);
	}
	e |= ob_buf_addc(b, '"');
	return e;
}

/* A label: quoted as needed and never read as a formula (io/csvw.h). */
static ob_err csv_str(struct ob_buf *b, const char *s)
{
	return ob_csv_put_text(b, s, strlen(s), ',');
}

/* Table classes of disclosure control: sexual violence when an ICCS code of
 * the rows, columns or filter is in section 03 (or no ICCS filter narrows
 * the records: they may include it); minors when ages are shown or
 * filtered. */
static unsigned classes_of(const struct ob_query_table *t, const char *where)
{
	const struct ob_query_result *r = t->r;
	unsigned cl = 0;
	bool iccs_filtered = false;
	const char *p = where ? where : "";

	while ((p = strstr(p, "iccs"))) {
		const char *eq = strchr(p, '=');
		if (!eq)
			break;
		iccs_filtered = true;
		for (const char *v = eq + 1; *v && *v != ' ' && *v != '&';) {
			char code[16];
			size_t n = strcspn(v, ",| &");
			snprintf(code, sizeof(code), "%.*s", (int)(n < 15 ? n : 15), v);
			cl |= ob_sdc_class_of_iccs(code);
			v += n;
			if (*v == ',' || *v == '|')
				v++;
		}
		p = eq + 1;
	}
	if (!iccs_filtered)
		cl |= OB_SDC_SEXUAL_VIOLENCE;
	for (size_t k = 0; k < r->n_dims; k++) {
		enum ob_query_dim dim = r->dims[k];
		if (dim == OB_QD_AGE || dim == OB_QD_AGE_GROUP)
			cl |= OB_SDC_MINORS;
		if (dim >= OB_QD_ICCS_SECTION && dim <= OB_QD_ICCS)
			for (uint32_t v = 0; v < r->extent[k]; v++)
				cl |= ob_sdc_class_of_iccs(ob_query_label(r, k, v));
	}
	if (strstr(where ? where : "", "age"))
		cl |= OB_SDC_MINORS;
	return cl;
}

struct published {
	struct ob_sdc_table sdc;
	size_t *order; /* rows in output order */
	size_t nrows;
};

/* Row order for top: published row totals, largest first; suppressed last
 * (qsort_r: requests run on several threads at once). */
static int row_cmp(const void *a, const void *b, void *arg)
{
	const struct ob_sdc_table *sdc = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	long long vx = -1, vy = -1;

	ob_sdc_value(sdc, x + 1, 0, &vx);
	ob_sdc_value(sdc, y + 1, 0, &vy);
	if (vx != vy)
		return vx > vy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Write one cell (sdc row sr, column sc; coords v) of the measure. */
static ob_err put_cell(struct ob_http_call *c, const struct ob_query_table *t,
                       const struct ob_sdc_table *s, size_t sr, size_t sc, const uint32_t *v,
                       size_t ti, size_t tj, enum ob_query_measure m, bool csv, bool first)
{
	const char *rule = ob_query_table_rule(t, ti, tj);
	struct ob_buf *b = &c->res->body;
	const struct ob_query_result *r = t->r;
	long long n;
	bool shown = ob_sdc_value(s, sr, sc, &n);
	const char *flag = ob_sdc_flag(s, sr, sc);
	double val = 0, pop = 0, tot;
	bool have = false;
	ob_err e = OB_OK;

	if (m == OB_QM_RATE && shown && ob_query_population(r, v, &pop))
		have = ob_sdc_rate(s, sr, sc, pop, 100000.0, &val);
	if (m == OB_QM_SHARE && shown && t->total) {
		long long all;
		/* the grand total of the query: published only when not suppressed */
		tot = (double)t->total;
		if (ob_sdc_value(s, 0, 0, &all)) {
			val = (double)n / tot * 100.0;
			have = true;
		}
	}
	if (csv) {
		for (size_t k = 0; k < r->n_dims; k++) {
			e |= csv_str(b, v[k] == UINT32_MAX ? "Total" : ob_query_label(r, k, v[k]));
			e |= ob_buf_addc(b, ',');
		}
		if (shown)
			e |= ob_buf_addf(b, "%lld", n);
		e |= ob_buf_addf(b, ",%s", flag ? flag : "");
		if (m != OB_QM_COUNT) {
			e |= ob_buf_addc(b, ',');
			if (have && isfinite(val))
				e |= ob_buf_addf(b, "%.6g", val);
		}
		e |= ob_buf_addc(b, ',');
		e |= csv_str(b, rule);
		e |= ob_buf_addc(b, '\n');
		return e;
	}
	e |= ob_buf_adds(b, first ? "{" : ",{");
	for (size_t k = 0; k < r->n_dims; k++) {
		e |= json_str(b, ob_query_dim_name(r->dims[k]));
		e |= ob_buf_addc(b, ':');
		e |= json_str(b, v[k] == UINT32_MAX ? "Total" : ob_query_label(r, k, v[k]));
		e |= ob_buf_addc(b, ',');
	}
	e |= ob_buf_adds(b, "\"count\":");
	e |= ob_sdc_json_value(b, s, sr, sc);
	e |= ob_buf_adds(b, ",\"flag\":");
	if (flag)
		e |= json_str(b, flag);
	else
		e |= ob_buf_adds(b, "null");
	if (m != OB_QM_COUNT) {
		e |= ob_buf_addf(b, ",\"%s\":", ob_query_measure_name(m));
		if (have && isfinite(val))
			e |= ob_buf_addf(b, "%.6g", val);
		else
			e |= ob_buf_adds(b, "null");
	}
	e |= ob_buf_adds(b, ",\"counting_rule\":");
	e |= json_str(b, rule);
	e |= ob_buf_addc(b, '}');
	return e;
}

/* The key of an answer in the cache: every parameter that shapes it (a
 * missing one told apart from an empty one) and the disclosure rules. */
static ob_err cache_key(struct ob_buf *k, const char *rows, const char *cols, const char *where,
                        const char *ms, long long top, const char *fmt,
                        const struct ob_sdc_config *cfg, const char *counts, uint64_t rules)
{
	const char *v[] = { rows, cols, where, ms, fmt, counts };
	ob_err e = OB_OK;

	for (size_t i = 0; i < OB_ARRAY_SIZE(v); i++)
		e |= ob_buf_addf(k, "%c%s\n", v[i] ? '=' : '-', v[i] ? v[i] : "");
	e |= ob_buf_addf(k, "%lld;%016llx", top, (unsigned long long)rules);
	for (size_t i = 0; i < OB_SDC_NRULES; i++)
		e |= ob_buf_addf(k, ";%lld,%d", cfg->rule[i].min_count, cfg->rule[i].zero_sensitive);
	return e;
}

/* Within the cost limits of the caller's role? Otherwise answer 422 with
 * the cost, the limits and how to ask for less. */
static bool within_cost(struct ob_http_call *c, const struct ob_analyzer *an,
                        const struct ob_query *q)
{
	bool analyst = c->who.account && ob_role_allows(c->who.role, OB_ROLE_ANALYST);
	const struct ob_http_ctx *x = c->ctx;
	unsigned long long max_cells = analyst ? x->max_cells_analyst : x->max_cells;
	unsigned long long max_records = analyst ? x->max_records_analyst : x->max_records;
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	struct ob_query_cost cost;
	struct ob_diag d;

	if (!max_cells)
		max_cells = analyst ? OB_HTTP_QUERY_CELLS_ANALYST : OB_HTTP_QUERY_CELLS;
	if (!max_records)
		max_records = analyst ? OB_HTTP_QUERY_RECORDS_ANALYST : OB_HTTP_QUERY_RECORDS;
	ob_diag_clear(&d);
	if (ob_query_cost(an, q, &cost, &d)) {
		fail_diag(c, "where", &d);
		return false;
	}
	if (cost.cells <= max_cells && cost.records <= max_records)
		return true;
	snprintf(es, sizeof(es), "La pregunta cuesta más de lo que este servidor calcula para %s: "
	         "agrupa hasta %llu celdas (límite %llu) y lee %llu registros (límite %llu). "
	         "Acótela: quite una dimensión o use una más gruesa (admin1 en vez de admin2, "
	         "iccs_division en vez de iccs, age_group en vez de age) o filtre con where "
	         "(country=..., year=...).", analyst ? "analistas" : "el público",
	         (unsigned long long)cost.cells, max_cells, (unsigned long long)cost.records,
	         max_records);
	snprintf(en, sizeof(en), "The question costs more than this server computes for %s: it "
	         "groups up to %llu cells (limit %llu) and reads %llu records (limit %llu). Narrow "
	         "it: drop a dimension or use a coarser one (admin1 for admin2, iccs_division for "
	         "iccs, age_group for age) or filter with where (country=..., year=...).",
	         analyst ? "analysts" : "the public", (unsigned long long)cost.cells, max_cells,
	         (unsigned long long)cost.records, max_records);
	ob_http_fail(c->res, 422, "too_costly", cost.cells > max_cells ? "rows" : "where", es, en);
	ob_http_header_add(c->res, "X-Query-Cells", "%llu", (unsigned long long)cost.cells);
	ob_http_header_add(c->res, "X-Query-Records", "%llu", (unsigned long long)cost.records);
	return false;
}

void ob_http_h_analyze(struct ob_http_call *c)
{
	const char *rows = ob_http_str(c, "rows"), *cols = ob_http_str(c, "cols");
	const char *where = ob_http_str(c, "where"), *ms = ob_http_str(c, "measure");
	const char *fmt = ob_http_str(c, "format"), *counts = ob_http_str(c, "counts");
	long long top = ob_http_int(c, "top", 0);
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	bool csv = fmt && !strcmp(fmt, "csv");
	enum ob_query_measure m = OB_QM_COUNT;
	struct ob_snapref *ref = NULL;
	struct ob_query_result *r = NULL;
	struct ob_query_table *t = NULL;
	struct ob_sdc_config cfg;
	struct ob_sdc_table sdc;
	struct ob_sdc_dim drow, dcol;
	long *rpar = NULL, *cpar = NULL;
	size_t *order = NULL, nout, ncols_out;
	bool sdc_ready = false;
	struct ob_query q;
	struct ob_diag d;
	struct ob_buf *b = &c->res->body;
	struct ob_buf key = OB_BUF_INIT(OB_HTTP_MAX_URI * 2);
	ob_err e = OB_OK, err;

	ob_diag_clear(&d);
	memset(&q, 0, sizeof(q));
	if (ms)
		m = (enum ob_query_measure)ob_query_measure_parse(ms);
	if (rows && ob_query_dims_parse(rows, "rows", q.dims, &q.n_dims, &d)) {
		fail_diag(c, "rows", &d);
		return;
	}
	q.n_row_dims = q.n_dims;
	if (cols && ob_query_dims_parse(cols, "cols", q.dims, &q.n_dims, &d)) {
		fail_diag(c, "cols", &d);
		return;
	}
	q.where = where;
	if (!c->ctx->snaps || !c->ctx->store) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "El análisis no está disponible en este servidor.",
		             "Analysis is not available on this server.");
		return;
	}
	/* a new snapshot when the store changed since the last one (checked at
	 * most once per OB_HTTP_STAMP_SECONDS when answers are kept); loading
	 * one takes long, so here it is left to a worker */
	if (c->req->may_defer &&
	    (!c->ctx->cache || (ob_http_cache_stamp_due(c->ctx->cache, c->req->now) &&
	                        ob_http_snapshot_stale(c)))) {
		if (c->ctx->cache)
			ob_http_cache_stamp_again(c->ctx->cache);
		ob_http_defer(c, false);
		return;
	}
	if ((!c->ctx->cache || ob_http_cache_stamp_due(c->ctx->cache, c->req->now)) &&
	    ob_snaphold_refresh(c->ctx->snaps, c->ctx->store, c->ctx->dir, NULL, &d) &&
	    !(ref = ob_snaphold_get(c->ctx->snaps))) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "No se pudo cargar la instantánea de los registros.",
		             "The records snapshot could not be loaded.");
		return;
	}
	if (!ref && !(ref = ob_snaphold_get(c->ctx->snaps))) {
		ob_http_store_fail(c);
		return;
	}
	if (ob_sdc_config_load(&cfg, c->ctx->dir, &d)) {
		ob_http_store_fail(c);
		goto out;
	}
	/* what is counted: the counting rules of the catalogue (docs/counting.md) */
	q.records = counts && !strcmp(counts, "records");
	if (!q.records && (ob_indicators_load_dir(c->ctx->dir, &set, NULL, &d) ||
	                   ob_counting_load(c->ctx->dir, ref->snap, set, &rules, &d))) {
		char msg[OB_MAX_MESSAGE];
		ob_diag_format(&d, msg, sizeof(msg));
		ob_error("API: reglas de conteo / counting rules: %s", msg);
		ob_http_fail(c->res, 500, "definitions", NULL,
		             "No se pudieron leer las reglas de conteo; el administrador encontrará "
		             "el detalle en el registro del servidor.",
		             "The counting rules could not be read.");
		goto out;
	}
	q.rules = rules;
	/* the same question on the same snapshot with the same disclosure
	 * rules: the answer already given */
	if (c->ctx->cache) {
		const char *type;

		if (cache_key(&key, rows, cols, where, ms, top, fmt, &cfg, counts,
		              ob_counting_hash(rules)))
			ob_buf_release(&key); /* too long a key: not kept */
		else if ((type = ob_http_cache_get(c->ctx->cache, key.ptr, ref->snap->stamp, b))) {
			c->res->content_type = type;
			goto out;
		}
	}
	/* its cost, before any work; then the work, on a worker */
	if (!within_cost(c, ref->an, &q) || ob_http_defer(c, true))
		goto out;
	ob_diag_clear(&d);
	q.deadline = c->deadline;
	q.cancel = c->req->cancel;
	if ((err = ob_query_run(ref->an, &q, &r, &d))) {
		if (err == OB_ETIMEDOUT || err == OB_ECANCELED)
			ob_http_fail_stopped(c, err);
		else
			fail_diag(c, d.file[0] == '-' && !strcmp(d.file, "--where") ? "where" : "rows",
			          &d);
		goto out;
	}
	if (ob_query_table_make(r, OB_QS_LABEL, 0, &t, &d)) {
		fail_diag(c, "rows", &d);
		goto out;
	}
	if (m == OB_QM_RATE && !r->rate_ok) {
		ob_http_fail(c->res, 400, "bad_parameter", "measure", r->rate_why, r->rate_why);
		goto out;
	}
	/* rows: a total (node 0) over the row combinations; columns likewise,
	 * or one node when there are no column dimensions */
	ncols_out = r->n_dims > r->n_row_dims ? t->ncols : 0;
	rpar = ob_malloc((t->nrows + 1) * sizeof(long));
	cpar = ob_malloc((t->ncols + 1) * sizeof(long));
	ob_sdc_dim_with_total(rpar, t->nrows);
	drow = (struct ob_sdc_dim){ t->nrows + 1, rpar };
	if (ncols_out) {
		ob_sdc_dim_with_total(cpar, t->ncols);
		dcol = (struct ob_sdc_dim){ t->ncols + 1, cpar };
	} else {
		cpar[0] = -1;
		dcol = (struct ob_sdc_dim){ 1, cpar };
	}
	if (ob_sdc_table_init(&sdc, &drow, &dcol, classes_of(t, where), &d)) {
		fail_diag(c, "rows", &d);
		goto out;
	}
	sdc_ready = true;
	for (size_t i = 0; i < t->nrows; i++)
		for (size_t j = 0; j < (ncols_out ? t->ncols : 1); j++)
			if (ob_sdc_set(&sdc, i + 1, ncols_out ? j + 1 : 0,
			               (long long)(ncols_out ? t->cell[i * t->ncols + j]
			                                     : t->row_total[i]))) {
				ob_http_store_fail(c);
				goto out;
			}
	if (ob_sdc_protect(&sdc, &cfg, NULL, &d)) {
		fail_diag(c, "rows", &d);
		goto out;
	}
	/* past the budget or without a client by now: no answer */
	if ((err = ob_http_stopped(c))) {
		ob_http_fail_stopped(c, err);
		goto out;
	}
	/* rows shown: all, or the top ones by published total */
	order = ob_malloc((t->nrows + 1) * sizeof(size_t));
	for (size_t i = 0; i < t->nrows; i++)
		order[i] = i;
	nout = r->n_row_dims ? t->nrows : 0; /* no row dimensions: the total alone */
	if (top > 0) {
		qsort_r(order, t->nrows, sizeof(size_t), row_cmp, &sdc);
		if (nout > (size_t)top)
			nout = (size_t)top;
		if (!r->n_row_dims)
			nout = 0;
	}
	if (csv) {
		c->res->content_type = "text/csv; charset=utf-8";
		for (size_t k = 0; k < r->n_dims; k++) {
			e |= csv_str(b, ob_query_dim_name(r->dims[k]));
			e |= ob_buf_addc(b, ',');
		}
		e |= ob_buf_addf(b, "count,flag%s,counting_rule\n", m == OB_QM_COUNT ? ""
		                                                    : m == OB_QM_RATE ? ",rate"
		                                                                      : ",share");
	} else {
		e |= ob_buf_adds(b, "{\"dimensions\":[");
		for (size_t k = 0; k < r->n_dims; k++) {
			if (k)
				e |= ob_buf_addc(b, ',');
			e |= json_str(b, ob_query_dim_name(r->dims[k]));
		}
		e |= ob_buf_addf(b, "],\"rows\":%zu,\"measure\":\"%s\",\"rows_total\":%zu,"
		                 "\"suppressed_flag\":\"%s\",", r->n_row_dims,
		                 ob_query_measure_name(m), t->nrows, OB_SDC_FLAG);
		e |= ob_query_counting_json(r, b);
		e |= ob_buf_adds(b, ",\"cells\":[");
	}
	{
		bool first = true;
		for (size_t ii = 0; ii <= nout && !e; ii++) {
			size_t i = ii < nout ? order[ii] : SIZE_MAX;
			for (size_t j = 0; j <= ncols_out && !e; j++) {
				size_t jj = j < ncols_out ? j : SIZE_MAX;
				uint32_t v[OB_QUERY_MAX_DIMS];
				size_t sr = i == SIZE_MAX ? 0 : i + 1;
				size_t sc = ncols_out ? (jj == SIZE_MAX ? 0 : jj + 1) : 0;

				if (!ncols_out && j)
					break;
				ob_query_table_coords(t, i, ncols_out ? jj : SIZE_MAX, v);
				e |= put_cell(c, t, &sdc, sr, sc, v, i, ncols_out ? jj : SIZE_MAX, m, csv,
				              first);
				first = false;
			}
		}
	}
	if (!csv)
		e |= ob_buf_adds(b, "]}\n");
	if (e) {
		/* larger than a response may be: an error, never a cut answer */
		ob_http_fail_too_large(c);
		goto out;
	}
	if (c->ctx->cache && key.ptr && c->res->status == 200)
		ob_http_cache_put(c->ctx->cache, key.ptr, ref->snap->stamp, c->res->content_type,
		                  b->ptr ? b->ptr : "", b->len);
out:
	if (sdc_ready)
		ob_sdc_table_release(&sdc);
	free(order);
	free(rpar);
	free(cpar);
	ob_query_table_free(t);
	ob_query_result_free(r);
	ob_counting_free(rules);
	ob_indicators_free(set);
	ob_snaphold_put(c->ctx->snaps, ref);
	ob_buf_release(&key);
}
