/*
 * case_stats.c - GET /api/v1/cases/stats (docs/cases.md, "Estadísticas"):
 * the statistics of a case type (cases/stats.h), the same figures as
 * "observa case stats".
 *
 * Without an account, only for a type whose catalogue file says
 * [stats] public = yes (else 401), one whole year at a time as it stood at
 * its end (cases/stats.h, "the public grain"), over every unit, computed on a
 * worker within the address's share of computed answers, behind the disclosure
 * control every release passes through (publish/sdc.h with
 * catalog/disclosure.ini): a suppressed count is null with the flag "C",
 * and so are its median and percentile. With an account, unsuppressed, for
 * the units it acts in (observa case grant). Never an identity nor a
 * protected field: the figures are counts, grouping by a protected field
 * is refused, and the counted fields are never protected (casetype.h).
 *
 * A public answer is computed once (a year by school of 100,000 reports
 * takes about a second) and kept, suppressed, in the server's cache of
 * them (ctx->case_stats, http/cache.h) under its question and a stamp of
 * what it was computed from: the last event of the cases' history (every
 * change of a case adds one) and the files read (the type's, the folder of
 * the types, the disclosure rules, the schools, the country's calendar).
 * A kept answer is not counted against the address's share: it costs no
 * work, and it is the answer a computation would give.
 */
#include "http/internal.h"

#include <limits.h>
#include <math.h>
#include <sys/stat.h>

#include "base/log.h"
#include "base/rng.h"
#include "cases/stats.h"
#include "http/cache.h"
#include "store/cases.h"

static void bad(struct ob_http_call *c, const char *param, const char *es, const char *en)
{
	ob_http_fail(c->res, 400, "bad_parameter", param, es, en);
}

/* The query from the parameters; false with the answer a 400. The public
 * (public true) gets one whole year as it stood at its end
 * (ob_case_stats_public_query): "from", "to" and "now" are refused, and
 * so is a grouping by month. */
static bool query_of(struct ob_http_call *c, const struct ob_case_type *t,
                     const struct ob_calendar *cal, bool public, struct ob_case_stats_query *q)
{
	const char *from = ob_http_str(c, "from"), *to = ob_http_str(c, "to"),
	           *by = ob_http_str(c, "by"), *now = ob_http_str(c, "now"),
	           *year = ob_http_str(c, "year");
	struct ob_diag d;
	long y;

	ob_case_stats_query_init(q, c->req->now);
	if (public && (from || to || now)) {
		bad(c, from ? "from" : to ? "to" : "now",
		    "Las cifras públicas son de un año entero tal como estaba al terminar (year=AAAA; "
		    "por omisión, el último año terminado): «from», «to» y «now» necesitan una "
		    "cuenta. Dos respuestas de periodos o momentos libres se podrían restar para "
		    "sacar una cifra que cada una suprime.",
		    "Public figures are of a whole year as it stood at its end (year=YYYY; by "
		    "default, the last year over): 'from', 'to' and 'now' need an account. Two "
		    "answers for free periods or moments could be subtracted to work out a figure "
		    "that each of them suppresses.");
		return false;
	}
	if (year && (from || to)) {
		bad(c, "year", "«year» o «from» y «to», no ambos.",
		    "'year' or 'from' and 'to', not both.");
		return false;
	}
	if (public) {
		ob_diag_clear(&d);
		if (ob_case_stats_public_query(cal, c->req->now, year, q, &y, &d)) {
			ob_http_fail_diag(c->res, 400, "bad_parameter", "year", &d);
			return false;
		}
	} else if (now && !ob_case_time_parse(now, cal->utc_offset, &q->now)) {
		bad(c, "now",
		    "«now»: se esperaba AAAA-MM-DD o AAAA-MM-DDTHH:MM (hora local del país del tipo), "
		    "o con Z o ±HH:MM.",
		    "'now': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (the type's country's local time), "
		    "or with Z or ±HH:MM.");
		return false;
	}
	if (!public && year) {
		if (strlen(year) != 4 || !ob_case_stats_period(year, false, &q->from_day) ||
		    !ob_case_stats_period(year, true, &q->to_day)) {
			bad(c, "year", "Se esperaba un año AAAA.", "Expected a year YYYY.");
			return false;
		}
	}
	if ((from && !ob_case_stats_period(from, false, &q->from_day)) ||
	    (to && !ob_case_stats_period(to, true, &q->to_day))) {
		bad(c, from && !ob_case_stats_period(from, false, &q->from_day) ? "from" : "to",
		    "Se esperaba un periodo AAAA, AAAA-Qn, AAAA-MM o AAAA-MM-DD.",
		    "Expected a period YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD.");
		return false;
	}
	if (q->from_day != LONG_MIN && q->to_day != LONG_MAX && q->from_day > q->to_day) {
		bad(c, "from", "«from» es posterior a «to».", "'from' is after 'to'.");
		return false;
	}
	if (by && !ob_case_stats_by_parse(t, by, &q->by, &q->field)) {
		bad(c, "by",
		    "«by»: se esperaba unit, month, quarter, year, state o un campo no protegido del "
		    "tipo.",
		    "'by': expected unit, month, quarter, year, state or a field of the type that is "
		    "not protected.");
		return false;
	}
	if (public && by && !ob_case_stats_public_by(q->by)) {
		bad(c, "by",
		    "Las cifras públicas no van por mes, sino por trimestre (by=quarter): los meses "
		    "suman trimestres, y una tabla dejaría sacar el mes que la otra suprime.",
		    "Public figures do not go by month but by quarter (by=quarter): months add up to "
		    "quarters, and one table would give away the month the other suppresses.");
		return false;
	}
	return true;
}

/* ---- the public answers kept ---- */

/* What a kept answer holds before its cells (copied whole: the cells hold
 * no pointer). */
struct kept_head {
	uint64_t magic;
	uint64_t n;
	int64_t from_day, to_day;
	uint8_t business_days, time_groups, opened_before;
};
#define KEPT_MAGIC 0x6f62637374617431ull /* "obcstat1" */
/* the content type the cache keeps beside an answer (never served) */
static const char kept_type[] = "application/x-observa-case-stats";

/* The stamp of what a public answer of type t is computed from, into out
 * (at least 48 bytes): the last event of the cases' history and the state
 * of the files read. False when it cannot be told (nothing is kept then). */
static bool stamp_of(struct ob_http_call *c, const struct ob_case_type *t, char *out,
                     size_t size)
{
	static const char *const files[] = { "catalog/cases", "catalog/disclosure.ini",
		                             "catalog/schools.csv", "catalog/calendars" };
	const char *dir = c->ctx->dir ? c->ctx->dir : ".";
	char path[OB_MAX_PATH];
	uint64_t h = 1469598103934665603ull;
	long long event;
	struct ob_diag d;
	struct stat st;

	ob_diag_clear(&d);
	if (ob_store_case_last_event(c->ctx->store, &event, &d))
		return false;
	for (size_t i = 0; i <= OB_ARRAY_SIZE(files); i++) {
		int64_t v[5] = { 0 };
		const char *p = path;

		if (i == OB_ARRAY_SIZE(files))
			p = t->path;
		else if (i == OB_ARRAY_SIZE(files) - 1) {
			/* the country's calendar, not the folder of every calendar */
			if (snprintf(path, sizeof(path), "%s/%s/%s.ini", dir, files[i], t->country) >=
			    (int)sizeof(path))
				return false;
		} else if (snprintf(path, sizeof(path), "%s/%s", dir, files[i]) >=
		           (int)sizeof(path)) {
			return false;
		}
		if (stat(p, &st) == 0) {
			v[0] = (int64_t)st.st_mtim.tv_sec;
			v[1] = (int64_t)st.st_mtim.tv_nsec;
			v[2] = (int64_t)st.st_size;
			v[3] = (int64_t)st.st_ino;
			v[4] = 1;
		}
		h = ob_hash64(v, sizeof(v), h);
	}
	return snprintf(out, size, "%lld:%016llx", event, (unsigned long long)h) < (int)size;
}

/* The question of a public answer as the cache's key, into k (false: too
 * long to keep). */
static bool key_of(const struct ob_case_type *t, const struct ob_case_stats_query *q,
                   struct ob_buf *k)
{
	return !ob_buf_addf(k, "%s|%ld|%ld|%lld|%d|%d", t->code, q->from_day, q->to_day, q->now,
	                    (int)q->by, q->field) &&
	       k->ptr;
}

/* The kept answer of (key, stamp) into st; false when none is kept. */
static bool kept_get(struct ob_http_call *c, const char *key, const char *stamp,
                     struct ob_case_stats *st)
{
	/* (its ceiling counts the NUL an ob_buf keeps after the bytes) */
	struct ob_buf b = OB_BUF_INIT(OB_HTTP_CASE_STATS_CACHE_MAX_ANSWER + 1);
	struct kept_head h;
	bool ok = false;

	if (!ob_http_cache_get(c->ctx->case_stats, key, stamp, &b) || b.len < sizeof(h))
		goto release;
	memcpy(&h, b.ptr, sizeof(h));
	if (h.magic != KEPT_MAGIC || h.n > OB_MAX_CASE_STATS_CELLS ||
	    b.len != sizeof(h) + h.n * sizeof(*st->cells))
		goto release;
	memset(st, 0, sizeof(*st));
	st->n = (size_t)h.n;
	st->cells = ob_malloc(st->n ? st->n * sizeof(*st->cells) : 1);
	memcpy(st->cells, b.ptr + sizeof(h), st->n * sizeof(*st->cells));
	st->from_day = (long)h.from_day;
	st->to_day = (long)h.to_day;
	st->business_days = h.business_days;
	st->time_groups = h.time_groups;
	st->opened_before = h.opened_before;
	ok = true;
release:
	ob_buf_release(&b);
	return ok;
}

/* Keep st, a suppressed public answer, under (key, stamp); one too large
 * for the cache is not kept. */
static void kept_put(struct ob_http_call *c, const char *key, const char *stamp,
                     const struct ob_case_stats *st)
{
	struct ob_buf b = OB_BUF_INIT(OB_HTTP_CASE_STATS_CACHE_MAX_ANSWER + 1);
	struct kept_head h;

	memset(&h, 0, sizeof(h)); /* its padding too: the bytes kept are defined */
	h.magic = KEPT_MAGIC;
	h.n = st->n;
	h.from_day = st->from_day;
	h.to_day = st->to_day;
	h.business_days = st->business_days;
	h.time_groups = st->time_groups;
	h.opened_before = st->opened_before;
	if (!ob_buf_add(&b, &h, sizeof(h)) &&
	    !ob_buf_add(&b, st->cells, st->n * sizeof(*st->cells)) && b.ptr)
		ob_http_cache_put(c->ctx->case_stats, key, stamp, kept_type, b.ptr, b.len);
	ob_buf_release(&b);
}

void ob_http_h_case_stats(struct ob_http_call *c)
{
	static const char *const cols[] = { "group", "statistic", "item", "value", "n", "counts",
		                            "counts_es", "median_days", "p90_days", "days",
		                            "flags" };
	const char *code = ob_http_str(c, "type");
	bool public = c->who.account == 0;
	struct ob_case_units units = { 0 };
	struct ob_case_stats_query q;
	struct ob_case_stats st = { 0 };
	struct ob_sdc_config sdc;
	struct ob_case_actor a;
	struct ob_http_table tb;
	struct ob_cases types;
	struct ob_buf key = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char stamp[OB_HTTP_CACHE_STAMP];
	bool keep = false;
	struct ob_diag d;
	long long limit, offset;
	int i;
	ob_err e;

	ob_diag_clear(&d);
	if (ob_cases_load(c->ctx->dir ? c->ctx->dir : ".", &types, &d)) {
		OB_ERROR("API: tipos de caso: %s", "API: case types: %s", d.message);
		ob_http_fail_diag(c->res, 500, "case_types", NULL, &d);
		return;
	}
	if (!code) {
		bad(c, "type", "Se esperaba un tipo de caso del catálogo (catalog/cases/).",
		    "Expected a case type of the catalogue (catalog/cases/).");
		goto release_types;
	}
	if ((i = ob_cases_find(&types, code)) < 0) {
		ob_http_fail(c->res, 404, "not_found", "type",
		             "El catálogo no tiene ese tipo de caso (catalog/cases/).",
		             "The catalogue has no such case type (catalog/cases/).");
		goto release_types;
	}
	if (!public) {
		a = (struct ob_case_actor){ c->who.name, c->who.role, c->who.name };
		if (ob_case_units_load(c->ctx->store, &types.types[i], &a, &units, &d)) {
			ob_http_store_fail(c);
			goto release_types;
		}
		/* unsuppressed figures for the units an account was given, or
		 * for all of them to the observatory's analysts; an account with
		 * neither (an institution that submits data) sees what the
		 * public sees */
		if (units.limited && !units.n) {
			ob_case_units_release(&units);
			public = true;
		}
	}
	if (public && !types.types[i].stats.public) {
		if (c->who.account)
			ob_http_fail(c->res, 403, "forbidden", NULL,
			             "Las estadísticas de este tipo de caso no son públicas, y la cuenta "
			             "no tiene unidades suyas (observa case grant) ni el rol de analista.",
			             "The statistics of this case type are not public, and the account "
			             "has none of its units (observa case grant) nor the analyst role.");
		else
			ob_http_fail(c->res, 401, "unauthorized", NULL,
			             "Las estadísticas de este tipo de caso no son públicas: se necesita "
			             "una cuenta.",
			             "The statistics of this case type are not public: an account is "
			             "needed.");
		goto release;
	}
	if (!query_of(c, &types.types[i], &types.calendars[i], public, &q))
		goto release;
	if (!public)
		q.units = &units;
	/* a public answer already computed from what the store and the
	 * catalogue hold now: no work, and not counted */
	if (public && c->ctx->case_stats && key_of(&types.types[i], &q, &key) &&
	    stamp_of(c, &types.types[i], stamp, sizeof(stamp))) {
		if (kept_get(c, key.ptr, stamp, &st))
			goto answer;
		keep = true;
	}
	/* the work on a worker; a public one counts against the caller's
	 * address's share of computed answers (429 past it), as the
	 * analyser's questions do */
	if (ob_http_defer(c, public))
		goto release;
	if ((e = ob_case_stats_compute(c->ctx->store, &types.types[i], &types.calendars[i], &q, &st,
	                               &d)) ||
	    (public && ((e = ob_sdc_config_load(&sdc, c->ctx->dir ? c->ctx->dir : ".", &d)) ||
	                (e = ob_case_stats_suppress(&st, &types.types[i], &sdc, &d))))) {
		if (e == OB_ESTORE) {
			ob_http_store_fail(c);
		} else {
			OB_ERROR("API: estadísticas de casos: %s", "API: case statistics: %s", d.message);
			ob_http_fail(c->res, 422, "stats", NULL,
			             "Las estadísticas no se pudieron calcular (¿un plazo fuera de los años "
			             "del calendario del país, o demasiados grupos?).",
			             "The statistics could not be computed (a deadline outside the years of "
			             "the country's calendar, or too many groups?).");
		}
		goto release;
	}
	/* kept under the stamp read before the computation: a change made
	 * meanwhile gives a new stamp, so this answer is never served for it */
	if (keep)
		kept_put(c, key.ptr, stamp, &st);
answer:
	ob_http_page(c, &limit, &offset);
	ob_http_table_begin(&tb, c, cols, OB_ARRAY_SIZE(cols), (long long)st.n, limit, offset);
	for (size_t k = (size_t)offset; k < st.n && (long long)(k - (size_t)offset) < limit; k++) {
		const struct ob_case_stats_cell *x = &st.cells[k];
		bool time = x->stat == OB_CASE_STAT_TIME_IN_STATE;
		ob_http_table_str(&tb, x->group[0] ? x->group : "total");
		ob_http_table_str(&tb, ob_case_stat_name(x->stat));
		ob_http_table_str(&tb, x->item[0] ? x->item : NULL);
		ob_http_table_str(&tb, x->value[0] ? x->value : NULL);
		if (x->hidden)
			ob_http_table_str(&tb, NULL);
		else
			ob_http_table_int(&tb, x->n);
		ob_http_table_str(&tb, ob_case_stat_counts(x->stat, true));
		ob_http_table_str(&tb, ob_case_stat_counts(x->stat, false));
		ob_http_table_num(&tb, x->hidden ? NAN : x->median);
		ob_http_table_num(&tb, x->hidden ? NAN : x->p90);
		ob_http_table_str(&tb, !time ? NULL : st.business_days ? "business" : "calendar");
		ob_http_table_str(&tb, x->hidden ? OB_SDC_FLAG : NULL);
		ob_http_table_end_row(&tb);
	}
	ob_http_table_end(&tb);
release:
	ob_case_stats_release(&st);
	ob_case_units_release(&units);
	ob_buf_release(&key);
release_types:
	ob_cases_release(&types);
}
