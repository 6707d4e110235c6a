/*
 * analyze.c - GET /api/v1/analyze: the analyser of engine/query.h, every
 * count passed through disclosure control.
 *
 * Two views of the same route:
 *   - the public (no account, or a role below analyst): the question must
 *     keep to what a public question may combine (publish/cellkey.h:
 *     dimensions, attributes, values per clause, age groups, whole months,
 *     no hour with admin-2 detail), and every count, margins included, is
 *     perturbed by the cell-key method: the same victims always give the
 *     same number, so differencing and repeating questions gain nothing
 *     beyond the perturbation. A perturbed count below the threshold of the
 *     table's class is suppressed ("C"). Rows and columns are those whose
 *     published values are not all 0 (never those that merely have
 *     records: that would tell a perturbed 0 from a true one). The answer
 *     says "protection": "cell_key" with the parameters, and every cell its
 *     status ("perturbed" or "suppressed").
 *   - analysts (and stewards, administrators): every dimension, exact
 *     counts with cell suppression (publish/sdc.h: primary and secondary),
 *     "protection": "suppression". public_view() is where the view is
 *     chosen; a view with unsuppressed counts would have to be audited
 *     (ob_http_audit_read) before it answers.
 *
 * Both count under the catalogue's counting rules (docs/counting.md), or
 * every record of every source with counts=records, and say so per cell.
 * An answer kept in memory (http/cache.h) is given at once; a question
 * whose cost (ob_query_cost) passes the limits of the caller's role is
 * refused (422) before any work; the rest is deferred to a worker (when the
 * caller can) and counted within the request's budget. Every write of the
 * answer is checked: one that would pass the response limit is an error.
 */
#include "http/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/log.h"
#include "cases/records.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/query.h"
#include "engine/snaphold.h"
#include "http/cache.h"
#include "io/csvw.h"
#include "publish/cellkey.h"
#include "publish/xlsx.h"
#include "publish/sdc.h"

static void fail_diag(struct ob_http_call *c, const char *param, const struct ob_diag *d)
{
	ob_http_fail_diag(c->res, d->code == OB_ETOOBIG ? 413 : 400, "bad_parameter", param, d);
}

/* Whether c is answered with the public view (see above). */
static bool public_view(const struct ob_http_call *c)
{
	return !ob_role_allows(c->who.role, OB_ROLE_ANALYST);
}

/* Writers below return the OR of their writes' results: non-zero when the
 * body reached its limit (the answer is then refused whole). */
static ob_err json_str(struct ob_buf *b, const char *s)
{
	return ob_json_str(b, s, strlen(s));
}

/* Table classes of disclosure control: sexual violence when an ICCS code of
 * the rows, columns or filter is in section 03 (or no ICCS filter narrows
 * the records: they may include it); minors when ages are shown or
 * filtered. */
static unsigned classes_of(const struct ob_query_result *r, const char *where)
{
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
		if (dim == OB_QD_AGE || dim == OB_QD_AGE_GROUP || dim == OB_QD_MINOR)
			cl |= OB_SDC_MINORS;
		if (dim >= OB_QD_ICCS_SECTION && dim <= OB_QD_ICCS)
			for (uint32_t v = 0; v < r->extent[k]; v++)
				cl |= ob_sdc_class_of_iccs(ob_query_label(r, k, v));
	}
	if (strstr(where ? where : "", "age"))
		cl |= OB_SDC_MINORS;
	return cl;
}

/*
 * What is published of a table, in one shape for both views: values of
 * the nrows x ncols cells, the row and column margins and the grand total
 * (ncols is 1 and the cells are the row margins when there are no column
 * dimensions); shown false for a suppressed value. rows[nout] and
 * cols[ncout] are the table's rows and columns shown, in order.
 */
/* (struct ob_analysis_pub, analysis.h) */

static void pub_release(struct ob_analysis_pub *p)
{
	free(p->cell);
	free(p->row);
	free(p->col);
	free(p->rows);
	free(p->cols);
}

static void pub_alloc(struct ob_analysis_pub *p, const struct ob_query_table *t)
{
	memset(p, 0, sizeof(*p));
	p->has_cols = t->r->n_dims > t->r->n_row_dims;
	p->nr = t->nrows;
	p->nc = p->has_cols ? t->ncols : 1;
	p->cell = ob_malloc((p->nr * p->nc + 1) * sizeof(long long));
	p->row = ob_malloc((p->nr + 1) * sizeof(long long));
	p->col = ob_malloc((p->nc + 1) * sizeof(long long));
	p->rows = ob_malloc((p->nr + 1) * sizeof(size_t));
	p->cols = ob_malloc((p->nc + 1) * sizeof(size_t));
}

/* The cell-key view: every value perturbed (cellkey.h). */
static void pub_cellkey(struct ob_analysis_pub *p, const struct ob_query_table *t,
                        const struct ob_ck_ptable *pt, const struct ob_sdc_config *cfg,
                        unsigned cls)
{
	uint64_t v;

#define PUT(dst, count, key) ((dst) = ob_ck_publish(pt, cfg, cls, (count), (key), &v) ? \
	                                         (long long)v : -1)
	pub_alloc(p, t);
	p->shown_status = "perturbed";
	for (size_t i = 0; i < p->nr; i++) {
		PUT(p->row[i], t->row_total[i], t->row_keys[i]);
		for (size_t j = 0; j < p->nc; j++) {
			if (p->has_cols)
				PUT(p->cell[i * p->nc + j], t->cell[i * t->ncols + j],
				    t->cell_keys[i * t->ncols + j]);
			else
				p->cell[i * p->nc + j] = p->row[i];
		}
	}
	for (size_t j = 0; j < p->nc; j++) {
		if (p->has_cols)
			PUT(p->col[j], t->col_total[j], t->col_keys[j]);
		else
			p->col[j] = -1;
	}
	PUT(p->total, t->total, t->total_keys);
#undef PUT
	if (!p->has_cols)
		p->col[0] = p->total;
}

/* The suppression view: exact counts through primary and secondary
 * suppression of the table with its margins (sdc.h). */
static ob_err pub_suppress(struct ob_analysis_pub *p, const struct ob_query_table *t,
                           const struct ob_sdc_config *cfg, unsigned cls, struct ob_diag *d)
{
	struct ob_sdc_table sdc;
	struct ob_sdc_dim drow, dcol;
	long *rpar, *cpar;
	long long v;
	ob_err e;

	pub_alloc(p, t);
	p->shown_status = "shown";
	/* rows: a total (node 0) over the row combinations; columns likewise,
	 * or one node when there are no column dimensions */
	rpar = ob_malloc((p->nr + 1) * sizeof(long));
	cpar = ob_malloc((p->nc + 1) * sizeof(long));
	ob_sdc_dim_with_total(rpar, p->nr);
	drow = (struct ob_sdc_dim){ p->nr + 1, rpar };
	if (p->has_cols) {
		ob_sdc_dim_with_total(cpar, p->nc);
		dcol = (struct ob_sdc_dim){ p->nc + 1, cpar };
	} else {
		cpar[0] = -1;
		dcol = (struct ob_sdc_dim){ 1, cpar };
	}
	e = ob_sdc_table_init(&sdc, &drow, &dcol, cls, d);
	free(rpar);
	free(cpar);
	if (e)
		return e;
	for (size_t i = 0; i < p->nr && !e; i++)
		for (size_t j = 0; j < p->nc && !e; j++)
			if (ob_sdc_set(&sdc, i + 1, p->has_cols ? j + 1 : 0,
			               (long long)(p->has_cols ? t->cell[i * t->ncols + j]
			                                       : t->row_total[i])))
				e = OB_DIAG(d, OB_EINVAL, "tabla", 0, 0, NULL, 0,
				            "conteo fuera de rango", "count out of range");
	if (!e)
		e = ob_sdc_protect(&sdc, cfg, NULL, d);
	if (!e) {
		size_t c0 = p->has_cols ? 1 : 0;
		for (size_t i = 0; i < p->nr; i++) {
			p->row[i] = ob_sdc_value(&sdc, i + 1, 0, &v) ? v : -1;
			for (size_t j = 0; j < p->nc; j++)
				p->cell[i * p->nc + j] = ob_sdc_value(&sdc, i + 1, j + c0, &v) ? v : -1;
		}
		for (size_t j = 0; j < p->nc; j++)
			p->col[j] = ob_sdc_value(&sdc, 0, j + c0, &v) ? v : -1;
		p->total = ob_sdc_value(&sdc, 0, 0, &v) ? v : -1;
	}
	ob_sdc_table_release(&sdc);
	return e;
}

/* Row order for top: published row totals, largest first; suppressed last
 * (qsort_r: requests run on several threads at once). */
static int row_cmp(const void *a, const void *b, void *arg)
{
	const struct ob_analysis_pub *sp = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	long long vx = sp->row[x], vy = sp->row[y];

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* The rows and columns shown: every one (suppression), or those with a
 * published value other than 0 (cell key); then the top rows. */
static void pub_select(struct ob_analysis_pub *p, const struct ob_query_table *t, bool drop_zeros,
                       long long top)
{
	for (size_t i = 0; i < p->nr; i++) {
		bool any = !drop_zeros || p->row[i] != 0;
		for (size_t j = 0; j < p->nc && !any; j++)
			any = p->cell[i * p->nc + j] != 0;
		if (any)
			p->rows[p->nout++] = i;
	}
	for (size_t j = 0; j < p->nc; j++) {
		bool any = !drop_zeros || !p->has_cols || p->col[j] != 0;
		for (size_t i = 0; i < p->nr && !any; i++)
			any = p->cell[i * p->nc + j] != 0;
		if (any)
			p->cols[p->ncout++] = j;
	}
	p->nall = p->nout;
	if (top > 0) {
		qsort_r(p->rows, p->nout, sizeof(size_t), row_cmp, p);
		if (p->nout > (size_t)top)
			p->nout = (size_t)top;
	}
	if (!t->r->n_row_dims)
		p->nout = 0; /* no row dimensions: the total alone */
}

/* What the answer says of its protection (JSON members, no braces). */
static ob_err protection_json(struct ob_buf *b, bool cellkey, const struct ob_sdc_config *cfg,
                              unsigned cls)
{
	struct ob_sdc_rule rule = ob_sdc_rule_of(cfg, cls);
	ob_err e;

	if (!cellkey)
		return ob_buf_addf(b, "\"protection\":\"suppression\",\"disclosure\":{\"method\":"
		                   "\"suppression\",\"min_count\":%lld,\"zero_sensitive\":%s}",
		                   rule.min_count, rule.zero_sensitive ? "true" : "false");
	e = ob_buf_addf(b, "\"protection\":\"cell_key\",\"disclosure\":{\"method\":\"cell_key\","
	                "\"max_perturbation\":%d,\"variance\":%g,\"never_shown\":%d,"
	                "\"min_count\":%lld,\"zero_sensitive\":%s,",
	                cfg->ck.max_perturbation, cfg->ck.variance, cfg->ck.never_shown,
	                rule.min_count, rule.zero_sensitive ? "true" : "false");
	return e | ob_buf_addf(b, "\"note\":\"Cada conteo, totales incluidos, está perturbado en a "
	                       "lo sumo %d (el mismo conjunto de víctimas da siempre el mismo "
	                       "número), así que los totales no suman exactamente; un valor "
	                       "perturbado menor que %lld se suprime (C). Las cifras exactas "
	                       "están en las publicaciones (/api/v1/releases).\","
	                       "\"note_en\":\"Every count, totals included, is perturbed by at "
	                       "most %d (the same victims always give the same number), so totals "
	                       "do not add up exactly; a perturbed value below %lld is suppressed "
	                       "(C). Exact figures are in the releases (/api/v1/releases).\"}",
	                       cfg->ck.max_perturbation, rule.min_count,
	                       cfg->ck.max_perturbation, rule.min_count);
}

/* The key of an answer in the cache: every parameter that shapes it (a
 * missing one told apart from an empty one), the counting rules, the view
 * and the disclosure settings. */
static ob_err cache_key(struct ob_buf *k, const char *rows, const char *cols, const char *where,
                        const char *ms, long long top, const char *fmt, bool pub,
                        const struct ob_sdc_config *cfg, const char *counts, uint64_t rules)
{
	const char *v[] = { rows, cols, where, ms, fmt, counts };
	ob_err e = OB_OK;

	for (size_t i = 0; i < OB_ARRAY_SIZE(v); i++)
		e |= ob_buf_addf(k, "%c%s\n", v[i] ? '=' : '-', v[i] ? v[i] : "");
	e |= ob_buf_addf(k, "%lld;%016llx;%s;", top, (unsigned long long)rules,
	                 pub ? "public" : "analyst");
	if (e)
		return e;
	if (ob_sdc_config_text(cfg, k))
		return OB_ETOOBIG;
	return k->len + 1 >= k->max ? OB_ETOOBIG : OB_OK;
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

void ob_http_analysis_params(struct ob_http_analysis *a, const struct ob_http_call *c)
{
	memset(a, 0, sizeof(*a));
	a->rows = ob_http_str(c, "rows");
	a->cols = ob_http_str(c, "cols");
	a->where = ob_http_str(c, "where");
	a->measure = ob_http_str(c, "measure");
	a->counts = ob_http_str(c, "counts");
	a->format = ob_http_str(c, "format");
	a->top = ob_http_int(c, "top", 0);
}

size_t ob_http_analysis_nrows(const struct ob_http_analysis *a)
{
	return a->p.nout;
}

size_t ob_http_analysis_ncols(const struct ob_http_analysis *a)
{
	return a->p.has_cols ? a->p.ncout : 0;
}

void ob_http_analysis_cell(const struct ob_http_analysis *a, size_t ii, size_t jj,
                           struct ob_analysis_cell *out)
{
	const struct ob_analysis_pub *p = &a->p;
	const struct ob_query_table *t = a->t;
	size_t ncols = ob_http_analysis_ncols(a);
	size_t i = ii < p->nout ? p->rows[ii] : SIZE_MAX;
	size_t j = jj < ncols ? p->cols[jj] : SIZE_MAX;
	long long x;
	bool no_data, shown;
	double pop = 0;

	if (i == SIZE_MAX)
		x = j == SIZE_MAX ? p->total : p->col[j];
	else
		x = j == SIZE_MAX ? p->row[i] : p->cell[i * p->nc + j];
	ob_query_table_coords(t, i, ncols ? j : SIZE_MAX, out->v);
	/* no data (a field the sources did not record) is said so, never 0 */
	no_data = ob_query_no_data(a->r, out->v);
	shown = x >= 0 && !no_data;
	out->count = shown ? x : -1;
	out->flag = shown || no_data ? NULL : OB_SDC_FLAG;
	out->status = no_data ? "no_data" : shown ? p->shown_status : "suppressed";
	out->value = NAN;
	if (a->m == OB_QM_RATE && shown && ob_query_population(a->r, out->v, &pop) &&
	    isfinite(pop) && pop > 0)
		out->value = (double)x / pop * 100000.0;
	if (a->m == OB_QM_SHARE && shown && p->total > 0)
		/* of the published grand total of the question */
		out->value = (double)x / (double)p->total * 100.0;
	out->rule = ob_query_table_rule(t, i, ncols ? j : SIZE_MAX);
}

/*
 * The public view never counts the records of a source whose records are
 * cases of persons (a case type's [records]: SALVE's reports, of pupils):
 * when the snapshot holds any, a public question that counts every source
 * (counts=records), groups by source or institution, or names such a
 * source or the institution "other" in its filter is refused. false after
 * answering 400 (or 500 when the types cannot be read).
 */
static bool case_sources_withheld(struct ob_http_call *c, const struct ob_snapshot *snap,
                                  const struct ob_query *q)
{
	char src[OB_MAX_CASE_TYPES][OB_CASE_NAME];
	const char *where = q->where ? q->where : "", *held = NULL;
	bool asks = q->records || (strstr(where, "institution") && strstr(where, "other"));
	size_t n = 0;
	struct ob_diag d;

	ob_diag_clear(&d);
	if (ob_case_record_sources(c->ctx->dir, src, OB_ARRAY_SIZE(src), &n, &d)) {
		ob_http_store_fail(c);
		return false;
	}
	for (size_t k = 0; k < n && !held; k++)
		for (uint32_t i = 0; i < snap->n_sources; i++)
			if (!strcmp(ob_snap_str(snap, snap->sources[i].code), src[k])) {
				held = src[k];
				break;
			}
	if (!held)
		return true;
	for (size_t k = 0; k < q->n_dims; k++)
		asks |= q->dims[k] == OB_QD_SOURCE || q->dims[k] == OB_QD_INSTITUTION;
	for (size_t k = 0; k < n; k++)
		asks |= strstr(where, src[k]) != NULL;
	if (!asks)
		return true;
	ob_http_fail(c->res, 400, "disclosure_rule", q->records ? "counts" : "where",
	             "Los registros de casos de personas (los reportes SALVE, de estudiantes) no se "
	             "cuentan en público: pregunte sin counts=records, sin agrupar por fuente o "
	             "institución y sin nombrarlas, o con una cuenta.",
	             "The records of cases of persons (SALVE reports, of pupils) are not counted in "
	             "public: ask without counts=records, without grouping by source or institution "
	             "and without naming them, or with an account.");
	return false;
}

bool ob_http_analysis_run(struct ob_http_call *c, struct ob_http_analysis *a)
{
	const char *rows = a->rows, *cols = a->cols, *where = a->where;
	struct ob_buf *b = &c->res->body;
	struct ob_query q;
	struct ob_diag d;
	ob_err err;

	a->key = (struct ob_buf)OB_BUF_INIT(OB_HTTP_MAX_URI * 2);
	a->pub = public_view(c);
	a->m = OB_QM_COUNT;
	ob_diag_clear(&d);
	memset(&q, 0, sizeof(q));
	if (a->measure)
		a->m = (enum ob_query_measure)ob_query_measure_parse(a->measure);
	if (rows && ob_query_dims_parse(rows, "rows", q.dims, &q.n_dims, &d)) {
		fail_diag(c, "rows", &d);
		return false;
	}
	q.n_row_dims = q.n_dims;
	if (cols && ob_query_dims_parse(cols, "cols", q.dims, &q.n_dims, &d)) {
		fail_diag(c, "cols", &d);
		return false;
	}
	q.where = where;
	q.keys = a->pub;
	if (!c->ctx->snaps || !c->ctx->store) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "El análisis no está disponible en este servidor.",
		             "Analysis is not available on this server.");
		return false;
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
		return false;
	}
	if ((!c->ctx->cache || ob_http_cache_stamp_due(c->ctx->cache, c->req->now)) &&
	    ob_snaphold_refresh(c->ctx->snaps, c->ctx->store, c->ctx->dir, NULL, &d) &&
	    !(a->ref = ob_snaphold_get(c->ctx->snaps))) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "No se pudo cargar la instantánea de los registros.",
		             "The records snapshot could not be loaded.");
		return false;
	}
	if (!a->ref && !(a->ref = ob_snaphold_get(c->ctx->snaps))) {
		ob_http_store_fail(c);
		return false;
	}
	if (ob_sdc_config_load(&a->cfg, c->ctx->dir, &d)) {
		ob_http_store_fail(c);
		return false;
	}
	/* what is counted: the counting rules of the catalogue (docs/counting.md) */
	q.records = a->counts && !strcmp(a->counts, "records");
	if (!q.records && ob_snapref_defs(a->ref, c->ctx->dir, &a->defs, &d)) {
		char msg[OB_MAX_MESSAGE];
		ob_diag_format(&d, msg, sizeof(msg));
		OB_ERROR("API: reglas de conteo: %s", "API: counting rules: %s", msg);
		ob_http_fail(c->res, 500, "definitions", NULL,
		             "No se pudieron leer las reglas de conteo; el administrador encontrará "
		             "el detalle en el registro del servidor.",
		             "The counting rules could not be read.");
		return false;
	}
	q.rules = a->defs ? a->defs->rules : NULL;
	/* what a public question may combine */
	ob_diag_clear(&d);
	if (a->pub && !case_sources_withheld(c, a->ref->snap, &q))
		return false;
	if (a->pub && ob_ck_public_check(&a->cfg.pub, a->ref->snap, q.dims, q.n_dims, where, &d)) {
		ob_http_fail_diag(c->res, 400, "disclosure_rule",
		                  !strcmp(d.file, "where") ? "where" : rows ? "rows" : "cols", &d);
		return false;
	}
	/* the same question on the same snapshot in the same view with the same
	 * disclosure settings: the answer already given */
	if (c->ctx->cache && a->use_cache) {
		const char *type;

		if (cache_key(&a->key, rows, cols, where, a->measure, a->top, a->format, a->pub,
		              &a->cfg, a->counts, ob_counting_hash(q.rules)))
			ob_buf_release(&a->key); /* too long a key: not kept */
		else if ((type = ob_http_cache_get(c->ctx->cache, a->key.ptr, a->ref->snap->stamp,
		                                   b))) {
			c->res->content_type = type;
			return false;
		}
	} else {
		ob_buf_release(&a->key);
	}
	/* its cost, before any work; then the work, on a worker */
	if (!within_cost(c, a->ref->an, &q) || ob_http_defer(c, true))
		return false;
	ob_diag_clear(&d);
	q.deadline = c->deadline;
	q.cancel = c->req->cancel;
	/* one thread a question: the server's workers already take a
	 * processor each, and a count's own threads (created and joined for
	 * each block of the counting rule) cost more than they gain there */
	q.threads = 1;
	if ((err = ob_query_run(a->ref->an, &q, &a->r, &d))) {
		if (err == OB_ETIMEDOUT || err == OB_ECANCELED)
			ob_http_fail_stopped(c, err);
		else
			fail_diag(c, d.file[0] == '-' && !strcmp(d.file, "--where") ? "where" : "rows",
			          &d);
		return false;
	}
	if (ob_query_table_make(a->r, OB_QS_LABEL, 0, &a->t, &d)) {
		fail_diag(c, "rows", &d);
		return false;
	}
	if (a->m == OB_QM_RATE && !a->r->rate_ok) {
		ob_http_fail(c->res, 400, "bad_parameter", "measure", a->r->rate_why,
		             a->r->rate_why_en);
		return false;
	}
	a->cls = classes_of(a->r, where);
	if (a->pub) {
		a->pt = ob_malloc(sizeof(*a->pt));
		if (ob_ck_ptable_build(&a->cfg.ck, a->pt, &d)) {
			ob_http_store_fail(c);
			return false;
		}
		pub_cellkey(&a->p, a->t, a->pt, &a->cfg, a->cls);
	} else if (pub_suppress(&a->p, a->t, &a->cfg, a->cls, &d)) {
		pub_release(&a->p);
		fail_diag(c, "rows", &d);
		return false;
	}
	a->p_ready = true;
	/* past the budget or without a client by now: no answer */
	if ((err = ob_http_stopped(c))) {
		ob_http_fail_stopped(c, err);
		return false;
	}
	pub_select(&a->p, a->t, a->pub, a->top);
	return true;
}

void ob_http_analysis_release(struct ob_http_call *c, struct ob_http_analysis *a)
{
	if (a->p_ready)
		pub_release(&a->p);
	free(a->pt);
	ob_query_table_free(a->t);
	ob_query_result_free(a->r);
	ob_snapdefs_put(a->defs);
	ob_snaphold_put(c->ctx->snaps, a->ref);
	ob_buf_release(&a->key);
	memset(a, 0, sizeof(*a));
}

/* The answer as a workbook of one sheet "analyze": the columns and cells
 * of the CSV, numbers as numbers. Built in a temporary file, then sent
 * from memory (413 past the response's limit). */
static void write_xlsx(struct ob_http_call *c, struct ob_http_analysis *a)
{
	const struct ob_query_result *r = a->r;
	size_t nrows = ob_http_analysis_nrows(a), ncols = ob_http_analysis_ncols(a), row = 1;
	struct ob_buf sheet = OB_BUF_INIT(OB_HTTP_MAX_RESPONSE), *b = &c->res->body;
	const char *names[] = { "analyze" };
	char path[OB_MAX_PATH], num[64];
	const char *tmp = getenv("TMPDIR");
	struct ob_diag d;
	size_t col = 0;
	FILE *f;
	int fd;

	ob_xlsx_sheet_begin(&sheet);
	ob_xlsx_row_begin(&sheet, row);
	for (size_t k = 0; k < r->n_dims; k++)
		ob_xlsx_cell(&sheet, row, col++, ob_query_dim_name(r->dims[k]), false);
	ob_xlsx_cell(&sheet, row, col++, "count", false);
	ob_xlsx_cell(&sheet, row, col++, "flag", false);
	ob_xlsx_cell(&sheet, row, col++, "status", false);
	if (a->m != OB_QM_COUNT)
		ob_xlsx_cell(&sheet, row, col++, ob_query_measure_name(a->m), false);
	ob_xlsx_cell(&sheet, row, col++, "counting_rule", false);
	ob_xlsx_row_end(&sheet);
	for (size_t i = 0; i <= nrows && !ob_buf_failed(&sheet); i++) {
		for (size_t j = 0; j <= ncols; j++) {
			struct ob_analysis_cell x;

			ob_http_analysis_cell(a, i, j, &x);
			ob_xlsx_row_begin(&sheet, ++row);
			col = 0;
			for (size_t k = 0; k < r->n_dims; k++)
				ob_xlsx_cell(&sheet, row, col++, x.v[k] == UINT32_MAX ? "Total"
				             : ob_query_label(r, k, x.v[k]), false);
			snprintf(num, sizeof(num), "%lld", x.count);
			ob_xlsx_cell(&sheet, row, col++, x.count >= 0 ? num : NULL, true);
			ob_xlsx_cell(&sheet, row, col++, x.flag, false);
			ob_xlsx_cell(&sheet, row, col++, x.status, false);
			if (a->m != OB_QM_COUNT) {
				snprintf(num, sizeof(num), "%.6g", x.value);
				ob_xlsx_cell(&sheet, row, col++, isfinite(x.value) ? num : NULL, true);
			}
			ob_xlsx_cell(&sheet, row, col++, x.rule, false);
			ob_xlsx_row_end(&sheet);
		}
	}
	ob_xlsx_sheet_end(&sheet);
	if (ob_buf_failed(&sheet)) {
		ob_buf_release(&sheet);
		ob_http_fail_too_large(c);
		return;
	}
	ob_diag_clear(&d);
	snprintf(path, sizeof(path), "%s/observa-analyze-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		ob_buf_release(&sheet);
		ob_http_fail(c->res, 500, "internal", NULL, "No se pudo escribir la hoja.",
		             "The sheet could not be written.");
		return;
	}
	close(fd);
	ob_buf_reset(b);
	if (ob_xlsx_write(path, names, &sheet, 1, &d) || !(f = fopen(path, "rb"))) {
		ob_http_fail(c->res, 500, "internal", NULL, "No se pudo escribir la hoja.",
		             "The sheet could not be written.");
	} else {
		char chunk[8192];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			ob_buf_put(b, chunk, n);
		fclose(f);
		if (ob_buf_failed(b)) {
			ob_http_fail_too_large(c);
		} else {
			c->res->content_type =
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
			ob_http_header_add(c->res, "Content-Disposition",
			                   "attachment; filename=\"analyze.xlsx\"");
		}
	}
	unlink(path);
	ob_buf_release(&sheet);
}

void ob_http_h_analyze(struct ob_http_call *c)
{
	struct ob_http_analysis a;
	struct ob_buf *b = &c->res->body;
	struct ob_rows_col col[OB_QUERY_MAX_DIMS + 5];
	const struct ob_query_result *r;
	size_t ncol = 0, nrows, ncols;
	struct ob_rows w;
	bool csv;
	ob_err e = OB_OK;

	ob_http_analysis_params(&a, c);
	a.use_cache = true;
	csv = a.format && !strcmp(a.format, "csv");
	if (a.format && !strcmp(a.format, "xlsx")) {
		a.use_cache = false; /* a file, not kept */
		if (ob_http_analysis_run(c, &a))
			write_xlsx(c, &a);
		goto out;
	}
	if (!ob_http_analysis_run(c, &a))
		goto out;
	r = a.r;
	/* the cells: one row each, the same columns in CSV and JSON */
	for (size_t k = 0; k < r->n_dims; k++)
		col[ncol++] = (struct ob_rows_col){ ob_query_dim_name(r->dims[k]), OB_ROWS_TEXT_COL };
	col[ncol++] = (struct ob_rows_col){ "count", OB_ROWS_NUMBER_COL };
	col[ncol++] = (struct ob_rows_col){ "flag", OB_ROWS_TEXT_COL };
	col[ncol++] = (struct ob_rows_col){ "status", OB_ROWS_TEXT_COL };
	if (a.m != OB_QM_COUNT)
		col[ncol++] = (struct ob_rows_col){ ob_query_measure_name(a.m), OB_ROWS_NUMBER_COL };
	col[ncol++] = (struct ob_rows_col){ "counting_rule", OB_ROWS_TEXT_COL };
	if (csv) {
		c->res->content_type = "text/csv; charset=utf-8";
	} else {
		e |= ob_buf_adds(b, "{\"dimensions\":[");
		for (size_t k = 0; k < r->n_dims; k++) {
			if (k)
				e |= ob_buf_addc(b, ',');
			e |= json_str(b, ob_query_dim_name(r->dims[k]));
		}
		e |= ob_buf_addf(b, "],\"rows\":%zu,\"measure\":\"%s\",\"rows_total\":%zu,",
		                 r->n_row_dims, ob_query_measure_name(a.m), a.p.nall);
		e |= protection_json(b, a.pub, &a.cfg, a.cls);
		e |= ob_buf_addc(b, ',');
		e |= ob_query_counting_json(r, b);
		e |= ob_buf_addf(b, ",\"suppressed_flag\":\"%s\",\"cells\":", OB_SDC_FLAG);
	}
	ob_rows_begin(&w, csv ? OB_ROWS_CSV : OB_ROWS_JSON, b, NULL, col, ncol);
	nrows = ob_http_analysis_nrows(&a);
	ncols = ob_http_analysis_ncols(&a);
	for (size_t i = 0; i <= nrows && !ob_rows_failed(&w); i++) {
		for (size_t j = 0; j <= ncols; j++) {
			struct ob_analysis_cell x;

			ob_http_analysis_cell(&a, i, j, &x);
			for (size_t k = 0; k < r->n_dims; k++)
				ob_rows_str(&w, x.v[k] == UINT32_MAX ? "Total"
				                                     : ob_query_label(r, k, x.v[k]));
			if (x.count >= 0)
				ob_rows_int(&w, x.count);
			else
				ob_rows_null(&w);
			ob_rows_str(&w, x.flag);
			ob_rows_str(&w, x.status);
			if (a.m != OB_QM_COUNT)
				ob_rows_num(&w, x.value, "%.6g");
			ob_rows_str(&w, x.rule);
			ob_rows_end_row(&w);
		}
	}
	e |= ob_rows_end(&w);
	if (!csv)
		e |= ob_buf_adds(b, "}\n");
	if (e) {
		/* larger than a response may be: an error, never a cut answer */
		ob_http_fail_too_large(c);
		goto out;
	}
	if (c->ctx->cache && a.key.ptr && c->res->status == 200)
		ob_http_cache_put(c->ctx->cache, a.key.ptr, a.ref->snap->stamp, c->res->content_type,
		                  b->ptr ? b->ptr : "", b->len);
out:
	ob_http_analysis_release(c, &a);
}
