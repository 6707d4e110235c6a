/* portal_admin_upload.c - the restricted area's upload of a delivery
 * (/es/gestion/entrega, /en/admin/upload): a multipart form (the source,
 * the file, the period it covers and whether it reprocesses the period, the
 * session's CSRF token) for the submitter role and above,
 * as POST /api/v1/submissions. The file goes through ob_http_submit(), the
 * route's own path: the same checks, limits (the body may be as large as
 * OB_HTTP_MAX_UPLOAD, server_conn.c), audit entry and messages, here in the
 * page's language; then the page shows the delivery's logbook entry, its
 * reasons of rejection and warning (counts, no row), and for the roles
 * that may read them (steward, as GET /api/v1/quarantine) a link to its
 * rejected rows and warnings. See portal.h. */
#include "http/portal.h"

#include <dirent.h>
#include <strings.h>

#include "base/log.h"
#include "ingest/profile.h"
#include "ingest/reasons.h"
#include "store/submissions.h"
#include "text/text.h"

/* a part of the form (portal.h) */
#define part ob_form_part

/* Is s[0..n) text: valid UTF-8 without control characters? */
static bool clean_text(const char *s, size_t n)
{
	if (ob_utf8_valid_len(s, n) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* Skip spaces and tabs in h[*i..n). */
static void skip_blanks(const char *h, size_t n, size_t *i)
{
	while (*i < n && (h[*i] == ' ' || h[*i] == '\t'))
		(*i)++;
}

/* The value of parameter attr ("name", "filename") of a Content-Disposition
 * header line h[0..n) ("Content-Disposition: form-data; name=\"x\"; ..."),
 * into out; false when absent, too long or malformed. The parameters are
 * read one after the other, a quoted value whole: a parameter's name
 * written inside another's quoted value is not a parameter. */
static bool disposition_attr(const char *h, size_t n, const char *attr, char *out, size_t size)
{
	const char *semi = memchr(h, ';', n);
	size_t alen = strlen(attr), i;

	if (!semi)
		return false;
	for (i = (size_t)(semi - h); i < n && h[i] == ';';) {
		size_t k0, k1, v0, v1;

		i++;
		skip_blanks(h, n, &i);
		k0 = i;
		while (i < n && h[i] != '=' && h[i] != ';' && h[i] != ' ' && h[i] != '\t')
			i++;
		k1 = i;
		skip_blanks(h, n, &i);
		if (i == n || h[i] != '=') {
			if (i < n && h[i] != ';')
				return false; /* a name, then something other than '=' */
			continue;
		}
		i++;
		skip_blanks(h, n, &i);
		if (i < n && h[i] == '"') {
			const char *end = memchr(h + i + 1, '"', n - i - 1);
			if (!end)
				return false;
			v0 = i + 1;
			v1 = (size_t)(end - h);
			i = v1 + 1;
		} else {
			v0 = i;
			while (i < n && h[i] != ';' && h[i] != ' ' && h[i] != '\t' && h[i] != '"')
				i++;
			v1 = i;
		}
		skip_blanks(h, n, &i);
		if (i < n && h[i] != ';')
			return false; /* a value, then something other than ';' */
		if (k1 - k0 == alen && !strncasecmp(h + k0, attr, alen)) {
			if (v1 - v0 >= size)
				return false;
			memcpy(out, h + v0, v1 - v0);
			out[v1 - v0] = '\0';
			return true;
		}
	}
	return false;
}

/* Split a multipart/form-data body (RFC 7578) into at most max parts;
 * false when it is malformed. The parts point into body. */
bool ob_page_multipart(const char *type, const char *body, size_t len, struct part *parts,
                      size_t max, size_t *n)
{
	char delim[96];
	const char *b = type ? strcasestr(type, "boundary=") : NULL, *p, *end = body + len;
	size_t blen, dlen;

	*n = 0;
	if (!type || strncasecmp(type, "multipart/form-data", 19) || !b)
		return false;
	b += 9;
	if (*b == '"')
		b++;
	blen = strcspn(b, "\";, ");
	if (!blen || blen > 70)
		return false;
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%.*s", (int)blen, b);
	/* the body starts with the delimiter without its CRLF */
	if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2))
		return false;
	p = body + dlen - 2;
	for (;;) {
		const char *hend, *next, *line;
		struct part *pt;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return *n > 0; /* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n' || *n == max)
			return false;
		p += 2;
		hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend)
			return false;
		next = memmem(hend + 4, (size_t)(end - hend - 4), delim, dlen);
		if (!next)
			return false;
		pt = &parts[(*n)++];
		memset(pt, 0, sizeof(*pt));
		for (line = p; line < hend;) {
			const char *le = memmem(line, (size_t)(hend + 2 - line), "\r\n", 2);
			size_t ln = (size_t)((le ? le : hend) - line);
			if (ln > 20 && !strncasecmp(line, "content-disposition:", 20)) {
				if (!disposition_attr(line, ln, "name", pt->name, sizeof(pt->name)))
					return false;
				disposition_attr(line, ln, "filename", pt->filename, sizeof(pt->filename));
			}
			line = le ? le + 2 : hend;
		}
		/* a field's name is one of the form's: text, never bytes */
		if (!pt->name[0] || !clean_text(pt->name, strlen(pt->name)))
			return false;
		pt->data = hend + 4;
		pt->len = (size_t)(next - pt->data);
		p = next + dlen;
	}
}

static const struct part *part_of(const struct part *parts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(parts[i].name, name))
			return &parts[i];
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sources this account may send: a submitter's own, or every profile
 * of DIR/catalog/sources, as <option>s with their names. */
static void source_options(struct ob_page *pg, const char *chosen)
{
	char path[OB_MAX_PATH], *codes[OB_MAX_COMPLETENESS_SOURCES];
	struct ob_profile *prof = ob_calloc(1, sizeof(*prof));
	struct ob_diag d;
	size_t n = 0;
	DIR *dir;

	if (pg->who.role == OB_ROLE_SUBMITTER && pg->who.source[0]) {
		codes[n++] = ob_strdup(pg->who.source);
	} else if (snprintf(path, sizeof(path), "%s/catalog/sources", pg->c->ctx->dir) <
	                   (int)sizeof(path) && (dir = opendir(path))) {
		struct dirent *e;
		while ((e = readdir(dir)) && n < OB_ARRAY_SIZE(codes)) {
			size_t l = strlen(e->d_name);
			if (l > 4 && e->d_name[0] != '.' && !strcmp(e->d_name + l - 4, ".ini"))
				codes[n++] = ob_strndup(e->d_name, l - 4);
		}
		closedir(dir);
		qsort(codes, n, sizeof(codes[0]), cmp_str);
	}
	for (size_t i = 0; i < n; i++) {
		char label[OB_MAX_NAME + 80];
		ob_diag_clear(&d);
		if (!ob_profile_load(pg->c->ctx->dir, codes[i], prof, &d)) {
			snprintf(label, sizeof(label), "%s (%s)", prof->name[0] ? prof->name : codes[i],
			         codes[i]);
			ob_profile_release(prof);
		} else {
			snprintf(label, sizeof(label), "%s", codes[i]);
		}
		ob_page_option(pg, codes[i], label, chosen && !strcmp(chosen, codes[i]));
		free(codes[i]);
	}
	free(prof);
}

static void upload_form(struct ob_page *pg, const char *source, const char *period,
                        const char *error)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	if (error) {
		OB_HTML_LIT(b, "<p class=\"error\" role=\"alert\">");
		ob_html_text(b, error);
		OB_HTML_LIT(b, "</p>\n");
	}
	ob_page_path(&u, OB_PAGE_UPLOAD, NULL, pg->lang);
	OB_HTML_LIT(b, "<form class=\"upload\" method=\"post\" enctype=\"multipart/form-data\"");
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_page_csrf_field(pg);
	OB_HTML_LIT(b, "\n<p><label for=\"up-source\">");
	ob_html_text(b, OB_L(pg, "Institución (fuente)", "Institution (source)"));
	OB_HTML_LIT(b, "</label> <select id=\"up-source\" name=\"source\" required>");
	source_options(pg, source);
	OB_HTML_LIT(b, "</select></p>\n<p><label for=\"up-file\">");
	ob_html_text(b, OB_L(pg, "Archivo (CSV, TSV, XLSX u ODS)", "File (CSV, TSV, XLSX or ODS)"));
	OB_HTML_LIT(b, "</label> <input type=\"file\" id=\"up-file\" name=\"file\" required></p>\n"
	               "<p><label for=\"up-period\">");
	ob_html_text(b, OB_L(pg, "Periodo (opcional: 2024, 2024-Q1, 2024-03, "
	                         "2024-01..2024-06; sin él, el de las fechas del archivo)",
	                     "Period (optional: 2024, 2024-Q1, 2024-03, 2024-01..2024-06; "
	                     "without it, the file's dates')"));
	OB_HTML_LIT(b, "</label> <input type=\"text\" id=\"up-period\" name=\"period\" "
	               "size=\"16\"");
	OB_HTML_ATTR(b, "value", period);
	/* the box inside its label: on the label's line */
	OB_HTML_LIT(b, "></p>\n<p><label for=\"up-reprocess\"><input type=\"checkbox\" "
	               "id=\"up-reprocess\" name=\"reprocess\" value=\"1\"> ");
	ob_html_text(b, OB_L(pg, "Reprocesar: una nueva versión del mismo periodo, que reemplaza "
	                         "la entrega anterior",
	                     "Reprocess: a new version of the same period, superseding the "
	                     "earlier delivery"));
	OB_HTML_LIT(b, "</label></p>\n<p><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Enviar", "Send"));
	OB_HTML_LIT(b, "</button></p>\n</form>\n<p>");
	OB_HTML_TEXTF(b, "%s %d %s", OB_L(pg, "A lo sumo", "At most"),
	              OB_HTTP_MAX_UPLOAD / (1024 * 1024),
	              OB_L(pg, "MB. El archivo se lee con el perfil de su fuente, como con observa "
	                       "ingest o POST /api/v1/submissions; las filas que no cumplen van a "
	                       "cuarentena con su motivo.",
	                   "MB. The file is read with its source's profile, as with observa ingest "
	                   "or POST /api/v1/submissions; rows that fail go to quarantine with "
	                   "their reason."));
	OB_HTML_LIT(b, "</p>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}

static void reasons(struct ob_page *pg, const char *caption, const struct ob_reason *r, size_t n)
{
	struct ob_buf *b = pg->b;

	if (!n)
		return;
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data\">\n<caption>");
	ob_html_text(b, caption);
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Motivo", "Reason"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Columna", "Column"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Filas", "Rows"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		/* the kind and the column, never the examples (values of the rows) */
		OB_HTML_LIT(b, "<tr><td>");
		ob_html_text(b, ob_reason_text_in(r[i].kind, pg->lang == OB_LANG_EN));
		OB_HTML_LIT(b, "</td><td>");
		ob_html_text(b, r[i].column_name[0] ? r[i].column_name : r[i].field);
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		ob_page_num(pg, (double)r[i].count, 0);
		OB_HTML_LIT(b, "</td></tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
}

struct entry_page {
	struct ob_page *pg;
	long long flagged; /* its rows rejected and warned */
};

static void entry_text(struct ob_buf *b, const char *s)
{
	OB_HTML_LIT(b, "<td>");
	ob_html_text(b, s);
	OB_HTML_LIT(b, "</td>");
}

static void entry_num(struct ob_page *pg, long long v)
{
	OB_HTML_LIT(pg->b, "<td class=\"num\">");
	ob_page_num(pg, (double)v, 0);
	OB_HTML_LIT(pg->b, "</td>");
}

/* The logbook entry as a one-row table. */
static int entry_table(void *arg, const struct ob_submission *e)
{
	static const char *const head_es[] = { "Entrega", "Fuente", "Archivo", "Periodo",
		"Leídas", "Aceptadas", "Rechazadas", "Con avisos", "Recibida" };
	static const char *const head_en[] = { "Delivery", "Source", "File", "Period", "Read",
		"Accepted", "Rejected", "Warned", "Received" };
	struct entry_page *ep = arg;
	struct ob_page *pg = ep->pg;
	struct ob_buf *b = pg->b;
	char period[64];
	const char *shown = e->period;

	/* the period as named, or its dates */
	if (!shown && e->period_from && e->period_to) {
		snprintf(period, sizeof(period), "%s..%s", e->period_from, e->period_to);
		shown = period;
	}
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Su entrada en la bitácora", "Its logbook entry"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr>");
	for (size_t i = 0; i < OB_ARRAY_SIZE(head_es); i++) {
		OB_HTML_LIT(b, "<th scope=\"col\">");
		ob_html_text(b, OB_L(pg, head_es[i], head_en[i]));
		OB_HTML_LIT(b, "</th>");
	}
	OB_HTML_LIT(b, "</tr></thead>\n<tbody><tr>");
	entry_num(pg, e->id);
	entry_text(b, e->source);
	entry_text(b, e->file_name);
	entry_text(b, shown);
	entry_num(pg, e->rows_read);
	entry_num(pg, e->accepted);
	entry_num(pg, e->rejected);
	entry_num(pg, e->warned);
	entry_text(b, e->ingested_at);
	OB_HTML_LIT(b, "</tr></tbody></table></div>\n");
	ep->flagged = e->rejected + e->warned;
	return 0;
}

/* The delivery's logbook entry (as the store keeps it: for a file received
 * before, the first reception's), with the way to its rows. */
static void delivery(struct ob_page *pg, const struct ob_http_submit_out *o)
{
	const struct ob_ingest_result *r = &o->res;
	struct ob_submission_filter f = { .id = r->submission, .order = OB_SUBMISSIONS_BY_ID,
		                          .limit = 1 };
	struct entry_page ep = { .pg = pg, .flagged = 0 };
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	long long flagged;
	struct ob_diag d;
	char v[24];

	OB_HTML_LIT(b, "<p class=\"done\" role=\"status\">");
	ob_html_text(b, r->already ? OB_L(pg, "Este archivo ya se había recibido: no cambia nada.",
	                                  "This file had been received already: nothing changes.")
	                           : OB_L(pg, "Entrega recibida.", "Delivery received."));
	OB_HTML_LIT(b, "</p>\n");
	ob_diag_clear(&d);
	if (r->submission > 0 &&
	    ob_store_submissions_each(pg->c->ctx->store, &f, entry_table, &ep, &d) < 0)
		OB_WARN("portal: entrega: %s", "portal: upload: %s", d.message);
	flagged = ep.flagged;
	reasons(pg, OB_L(pg, "Motivos de rechazo", "Reasons of rejection"), r->reasons, r->nreasons);
	reasons(pg, OB_L(pg, "Motivos de aviso", "Reasons of warning"), r->warning_reasons,
	        r->nwarning_reasons);
	if (flagged && ob_role_allows(pg->who.role, OB_ROLE_STEWARD)) {
		snprintf(v, sizeof(v), "%lld", r->submission);
		ob_page_path(&u, OB_PAGE_QUARANTINE, NULL, pg->lang);
		ob_html_url_param(&u, "submission", v);
		OB_HTML_LIT(b, "<p><a");
		OB_HTML_ATTR(b, "href", u.ptr);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, OB_L(pg, "Ver sus filas rechazadas y avisos",
		                     "See its rejected rows and warnings"));
		OB_HTML_LIT(b, "</a></p>\n");
	} else if (flagged) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "Las filas rechazadas, con sus datos, las revisa quien "
		                         "custodia los datos del observatorio.",
		                     "The rejected rows, with their data, are reviewed by the "
		                     "observatory's data stewards."));
		OB_HTML_LIT(b, "</p>\n");
	}
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}

void ob_page_upload(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	const char *title = OB_L(pg, "Enviar una entrega", "Upload a delivery");
	struct part parts[OB_PORTAL_UPLOAD_PARTS];
	const struct part *csrf, *src, *file, *per, *rep;
	struct ob_http_submit_out *o;
	char token[sizeof(pg->csrf)], source[OB_MAX_NAME], period[OB_PORTAL_UPLOAD_PERIOD];
	bool reprocess;
	size_t n;

	if (!ob_page_require(pg, OB_ROLE_SUBMITTER))
		return;
	if (strcmp(c->req->method, "POST")) {
		ob_page_begin(pg, title);
		OB_HTML_LIT(pg->b, "<h1>");
		ob_html_text(pg->b, title);
		OB_HTML_LIT(pg->b, "</h1>\n");
		upload_form(pg, NULL, NULL, NULL);
		ob_page_end(pg);
		return;
	}
	/* the token is inside the form: a body that is not one is refused the same */
	if (!ob_page_multipart(c->req->content_type, c->req->body ? c->req->body : "", c->req->body_len,
	               parts, OB_ARRAY_SIZE(parts), &n) ||
	    !(csrf = part_of(parts, n, "csrf")) || csrf->len >= sizeof(token)) {
		ob_page_refuse(pg, "POST 403 csrf");
		return;
	}
	memcpy(token, csrf->data, csrf->len);
	token[csrf->len] = '\0';
	if (!ob_page_csrf_token_ok(pg, token)) {
		ob_page_refuse(pg, "POST 403 csrf");
		return;
	}
	src = part_of(parts, n, "source");
	file = part_of(parts, n, "file");
	source[0] = '\0';
	if (src && src->len < sizeof(source) && !memchr(src->data, '\0', src->len)) {
		memcpy(source, src->data, src->len);
		source[src->len] = '\0';
	}
	/* the file's name goes to the logbook: text, never control bytes */
	if (file && file->filename[0] && !clean_text(file->filename, strlen(file->filename))) {
		c->res->status = 400;
		ob_page_begin(pg, title);
		OB_HTML_LIT(pg->b, "<h1>");
		ob_html_text(pg->b, title);
		OB_HTML_LIT(pg->b, "</h1>\n");
		upload_form(pg, source, NULL,
		            OB_L(pg, "El nombre del archivo no es texto válido (UTF-8 sin caracteres "
		                     "de control); cámbielo y envíelo de nuevo.",
		                 "The file's name is not valid text (UTF-8 without control "
		                 "characters); rename it and send it again."));
		ob_page_end(pg);
		return;
	}
	/* the API's period and reprocess=1 */
	per = part_of(parts, n, "period");
	period[0] = '\0';
	if (per && (per->len >= sizeof(period) || memchr(per->data, '\0', per->len))) {
		c->res->status = 400;
		ob_page_begin(pg, title);
		OB_HTML_LIT(pg->b, "<h1>");
		ob_html_text(pg->b, title);
		OB_HTML_LIT(pg->b, "</h1>\n");
		upload_form(pg, source, NULL,
		            OB_L(pg, "El periodo no es un periodo (2024, 2024-03, 2024-Q1).",
		                 "The period is not a period (2024, 2024-03, 2024-Q1)."));
		ob_page_end(pg);
		return;
	}
	if (per) {
		memcpy(period, per->data, per->len);
		period[per->len] = '\0';
	}
	rep = part_of(parts, n, "reprocess");
	reprocess = rep && rep->len == 1 && rep->data[0] == '1';
	o = ob_calloc(1, sizeof(*o));
	/* the route's own path, for this account */
	c->who = pg->who;
	if (ob_http_submit(c, source[0] ? source : NULL,
	                   file && file->filename[0] ? file->filename : NULL,
	                   period[0] ? period : NULL, reprocess, NULL, file ? file->data : NULL,
	                   file ? file->len : 0, o)) {
		c->res->status = o->status;
		ob_page_begin(pg, title);
		OB_HTML_LIT(pg->b, "<h1>");
		ob_html_text(pg->b, title);
		OB_HTML_LIT(pg->b, "</h1>\n");
		upload_form(pg, source, period[0] ? period : NULL, OB_L(pg, o->es, o->en));
	} else {
		c->res->status = o->status;
		ob_page_begin(pg, title);
		OB_HTML_LIT(pg->b, "<h1>");
		ob_html_text(pg->b, title);
		OB_HTML_LIT(pg->b, "</h1>\n");
		delivery(pg, o);
		OB_HTML_LIT(pg->b, "<h2>");
		ob_html_text(pg->b, OB_L(pg, "Otra entrega", "Another delivery"));
		OB_HTML_LIT(pg->b, "</h2>\n");
		upload_form(pg, source, NULL, NULL);
	}
	ob_page_end(pg);
	free(o);
}
