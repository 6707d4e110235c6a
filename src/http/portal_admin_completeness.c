/* portal_admin_completeness.c - the restricted area's completeness page
 * (/es/gestion/completitud, /en/admin/completeness): for a country and a
 * year, each institution's delivery state month by month (delivered, late,
 * partial, missing) as a grid with a legend. The table comes from
 * ob_completeness_build(), the function of GET /api/v1/completeness; the
 * page needs the analyst role (the route shows record counts to analysts
 * and above, and the page judges months by them). See portal.h. */
#include "http/portal.h"

#include "base/log.h"
#include "engine/completeness.h"
#include "engine/snaphold.h"
#include "ingest/profile.h"
#include "store/submissions.h"

enum state { ST_MISSING, ST_DELIVERED, ST_LATE, ST_PARTIAL, ST_COUNT };

static const struct {
	const char *cls, *mark, *es, *en, *why_es, *why_en;
} states[ST_COUNT] = {
	[ST_MISSING] = { "st-missing", "—", "falta", "missing",
		"ninguna entrega vigente cubre el mes",
		"no current delivery covers the month" },
	[ST_DELIVERED] = { "st-delivered", "✓", "entregado", "delivered",
		"una entrega vigente cubre el mes, a tiempo y con registros",
		"a current delivery covers the month, on time and with records" },
	[ST_LATE] = { "st-late", "◷", "tarde", "late",
		NULL, NULL }, /* written with OB_PORTAL_DELIVERY_DUE_MONTHS */
	[ST_PARTIAL] = { "st-partial", "◐", "parcial", "partial",
		"entregado, pero sin ningún registro fechado en el mes o sin campos que la "
		"fuente suele dar",
		"delivered, but with no record dated in the month or without fields the source "
		"gives" },
};

/* ISO 8601 "2026-03..." as a month index (year * 12 + month - 1), -1 if not. */
static int month_of(const char *s)
{
	long long y, m;

	if (!s || strlen(s) < 7 || s[4] != '-' || !ob_parse_int(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) ||
	    !ob_parse_int(s + 5, 2, 1, 12, &m))
		return -1;
	return (int)(y * 12 + m - 1);
}

/* The first current delivery covering a month, oldest first. */
struct covering {
	int month;
	bool late;
};

static int covering_row(void *arg, const struct ob_submission *e)
{
	struct covering *c = arg;
	int from = month_of(e->period_from), to = month_of(e->period_to);
	int got = month_of(e->ingested_at);

	if (from < 0 || to < from || c->month < from || c->month > to || got < 0)
		return 0;
	c->late = got > to + OB_PORTAL_DELIVERY_DUE_MONTHS;
	return 1;
}

/* Was source's current delivery covering month received late (more than
 * OB_PORTAL_DELIVERY_DUE_MONTHS after the end of its period)? */
static bool late(struct ob_store *store, const char *source, int month)
{
	struct ob_submission_filter f = { .source = source, .current_only = true,
		                          .order = OB_SUBMISSIONS_BY_ID, .limit = -1 };
	struct covering c = { .month = month };
	struct ob_diag d;

	ob_diag_clear(&d);
	ob_store_submissions_each(store, &f, covering_row, &c, &d);
	return c.late;
}

static enum state state_of(const struct ob_completeness *t, const struct ob_completeness_row *r,
                           struct ob_store *store)
{
	const struct ob_completeness_source *s = &t->sources[r->source];

	if (!r->delivered)
		return ST_MISSING;
	if (r->rows == 0 || (s->fields & ~r->fields) != 0)
		return ST_PARTIAL;
	if (store && late(store, s->code, r->month))
		return ST_LATE;
	return ST_DELIVERED;
}

static const char *institution_label(struct ob_page *pg, const char *inst)
{
	static const struct { const char *code, *es, *en; } k[] = {
		{ "police", "Policía", "Police" },
		{ "forensic", "Medicina forense", "Forensic medicine" },
		{ "prosecutor", "Fiscalía", "Prosecution" },
		{ "validated", "Cifra conciliada", "Reconciled count" },
	};

	for (size_t i = 0; inst && i < OB_ARRAY_SIZE(k); i++)
		if (!strcmp(inst, k[i].code))
			return OB_L(pg, k[i].es, k[i].en);
	return OB_L(pg, "Otra institución", "Other institution");
}

/* The country's name as the snapshot's level-0 unit gives it, or the code. */
static const char *country_name(const struct ob_snapshot *snap, const char *iso3)
{
	for (uint32_t u = 0; snap && u < snap->n_units; u++) {
		const struct ob_snap_unit *x = &snap->units[u];
		if (x->level == 0 && !x->valid_to && x->country < snap->n_countries &&
		    !strcmp(ob_snap_str(snap, snap->countries[x->country]), iso3))
			return ob_snap_str(snap, x->name);
	}
	return iso3;
}

static void form(struct ob_page *pg, const struct ob_completeness *t,
                 const struct ob_snapshot *snap, const char *country, long long year)
{
	struct ob_buf *b = pg->b;
	char v[16];

	OB_HTML_LIT(b, "<form class=\"search\" method=\"get\"><div><label for=\"cp-country\">");
	ob_html_text(b, OB_L(pg, "País", "Country"));
	OB_HTML_LIT(b, "</label><select id=\"cp-country\" name=\"country\">");
	for (size_t s = 0; s < t->n_sources; s++) {
		const char *c = t->sources[s].country ? t->sources[s].country : "";
		bool seen = false;
		for (size_t k = 0; k < s && !seen; k++)
			seen = !strcmp(t->sources[k].country, c);
		if (!seen)
			ob_page_option(pg, c, country_name(snap, c), !strcmp(c, country));
	}
	OB_HTML_LIT(b, "</select></div><div><label for=\"cp-year\">");
	ob_html_text(b, OB_L(pg, "Año", "Year"));
	OB_HTML_LIT(b, "</label><select id=\"cp-year\" name=\"year\">");
	for (int y = t->to_month / 12; y >= t->from_month / 12; y--) {
		snprintf(v, sizeof(v), "%d", y);
		ob_page_option(pg, v, v, y == year);
	}
	OB_HTML_LIT(b, "</select></div><div><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Ver", "Show"));
	OB_HTML_LIT(b, "</button></div></form>\n");
}

static void legend(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<dl class=\"legend\">\n");
	for (int s = ST_DELIVERED; s < ST_COUNT; s++) {
		OB_HTML_LIT(b, "<dt");
		OB_HTML_ATTR(b, "class", states[s].cls);
		OB_HTML_LIT(b, "><span aria-hidden=\"true\">");
		ob_html_text(b, states[s].mark);
		OB_HTML_LIT(b, "</span> ");
		ob_html_text(b, OB_L(pg, states[s].es, states[s].en));
		OB_HTML_LIT(b, "</dt><dd>");
		if (s == ST_LATE)
			OB_HTML_TEXTF(b, "%s %d %s", OB_L(pg, "la entrega llegó más de",
			                                  "the delivery arrived more than"),
			              OB_PORTAL_DELIVERY_DUE_MONTHS,
			              OB_L(pg, "meses después del fin de su periodo",
			                   "months after the end of its period"));
		else
			ob_html_text(b, OB_L(pg, states[s].why_es, states[s].why_en));
		OB_HTML_LIT(b, "</dd>\n");
	}
	OB_HTML_LIT(b, "<dt class=\"st-missing\"><span aria-hidden=\"true\">—</span> ");
	ob_html_text(b, OB_L(pg, states[ST_MISSING].es, states[ST_MISSING].en));
	OB_HTML_LIT(b, "</dt><dd>");
	ob_html_text(b, OB_L(pg, states[ST_MISSING].why_es, states[ST_MISSING].why_en));
	OB_HTML_LIT(b, "</dd>\n</dl>\n");
}

static void grid(struct ob_page *pg, const struct ob_completeness *t, const char *country,
                 long long year, struct ob_store *store)
{
	static const char *const mon_es[] = { "ene", "feb", "mar", "abr", "may", "jun", "jul",
		                              "ago", "sep", "oct", "nov", "dic" };
	static const char *const mon_en[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
		                              "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct ob_buf *b = pg->b;
	struct ob_profile *prof = ob_calloc(1, sizeof(*prof));
	struct ob_diag d;
	int first = (int)year * 12;

	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data completeness-grid\">\n"
	               "<caption>");
	OB_HTML_TEXTF(b, "%s %lld", OB_L(pg, "Estado de las entregas de cada institución, mes a "
	                                     "mes,", "Each institution's deliveries, month by month,"),
	              year);
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Institución", "Institution"));
	OB_HTML_LIT(b, "</th>");
	for (int m = 0; m < 12; m++) {
		OB_HTML_LIT(b, "<th scope=\"col\">");
		ob_html_text(b, OB_L(pg, mon_es[m], mon_en[m]));
		OB_HTML_LIT(b, "</th>");
	}
	OB_HTML_LIT(b, "</tr></thead>\n<tbody>\n");
	for (size_t s = 0; s < t->n_sources; s++) {
		const struct ob_completeness_source *src = &t->sources[s];
		if (strcmp(src->country, country))
			continue;
		OB_HTML_LIT(b, "<tr><th scope=\"row\">");
		ob_diag_clear(&d);
		if (src->profile && !ob_profile_load(pg->c->ctx->dir, src->code, prof, &d)) {
			ob_html_text(b, prof->name[0] ? prof->name
			                              : institution_label(pg, src->institution));
			ob_profile_release(prof);
		} else {
			ob_html_text(b, institution_label(pg, src->institution));
		}
		OB_HTML_LIT(b, "<br><small>");
		ob_html_text(b, institution_label(pg, src->institution));
		OB_HTML_LIT(b, " · <code>");
		ob_html_text(b, src->code);
		OB_HTML_LIT(b, "</code></small></th>");
		for (int m = first; m < first + 12; m++) {
			enum state st = ST_MISSING;
			for (size_t i = 0; i < t->n; i++)
				if (t->rows[i].source == s && t->rows[i].month == m) {
					st = state_of(t, &t->rows[i], store);
					break;
				}
			OB_HTML_LIT(b, "<td");
			OB_HTML_ATTR(b, "class", states[st].cls);
			OB_HTML_LIT(b, "><span aria-hidden=\"true\">");
			ob_html_text(b, states[st].mark);
			OB_HTML_LIT(b, "</span><span class=\"vh\">");
			ob_html_text(b, OB_L(pg, states[st].es, states[st].en));
			OB_HTML_LIT(b, "</span></td>");
		}
		OB_HTML_LIT(b, "</tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
	free(prof);
}

void ob_page_completeness(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_completeness_options o = { 0 };
	struct ob_completeness t;
	struct ob_snapref *ref;
	struct ob_diag d;
	const char *country = ob_http_param(&c->target, "country");
	const char *title = OB_L(pg, "Completitud de las entregas", "Completeness of deliveries");
	long long year = 0;
	bool known = false;

	if (!ob_page_require(pg, OB_ROLE_ANALYST))
		return;
	memset(&t, 0, sizeof(t));
	ob_diag_clear(&d);
	if (!(ref = ob_page_snapshot(pg))) {
		c->res->status = 503;
		ob_page_begin(pg, title);
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "La completitud no está disponible en este servidor.",
		                     "Completeness is not available on this server."));
		OB_HTML_LIT(b, "</p>\n");
		ob_page_end(pg);
		return;
	}
	/* every source, every month, at country level: the form's choices and
	 * the grid of one country and year both come from it */
	if (ob_completeness_build(c->ctx->store, ref->snap, ref->pop, &o, &t, &d))
		goto failed;
	for (size_t s = 0; country && s < t.n_sources; s++)
		known = known || !strcmp(t.sources[s].country, country);
	if (!known)
		country = t.n_sources ? t.sources[0].country : "";
	if (!ob_page_plain_int(ob_http_param(&c->target, "year"), t.from_month / 12,
	                       t.to_month / 12, &year))
		year = t.to_month / 12;
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	OB_HTML_LIT(b, "</h1>\n<p>");
	ob_html_text(b, OB_L(pg, "Qué entregó cada institución del país, mes a mes (la misma "
	                         "tabla que observa completeness y GET /api/v1/completeness).",
	                     "What each institution of the country delivered, month by month "
	                     "(the same table as observa completeness and GET "
	                     "/api/v1/completeness)."));
	OB_HTML_LIT(b, "</p>\n");
	form(pg, &t, ref->snap, country, year);
	if (t.n_sources == 0) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "Todavía no hay ninguna entrega.", "There is no delivery yet."));
		OB_HTML_LIT(b, "</p>\n");
	} else {
		OB_HTML_LIT(b, "<h2>");
		OB_HTML_TEXTF(b, "%s, %lld", country_name(ref->snap, country), year);
		OB_HTML_LIT(b, "</h2>\n");
		legend(pg);
		grid(pg, &t, country, year, c->ctx->store);
	}
	ob_page_end(pg);
	ob_completeness_release(&t);
	ob_snaphold_put(c->ctx->snaps, ref);
	return;
failed:
	OB_WARN("portal: completitud: %s", "portal: completeness: %s", d.message);
	ob_completeness_release(&t);
	ob_snaphold_put(c->ctx->snaps, ref);
	ob_buf_reset(b);
	c->res->status = 503;
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<p>");
	ob_html_text(b, OB_L(pg, "No se pudo calcular la completitud; inténtelo de nuevo.",
	                     "Completeness could not be computed; try again."));
	OB_HTML_LIT(b, "</p>\n");
	ob_page_end(pg);
}
