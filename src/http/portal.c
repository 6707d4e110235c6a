/* portal.c - the observatory's portal: every target outside /api/ is a page
 * (Spanish under /es/, English under /en/; "/" sends to /es/), an asset
 * (/assets/portal-HASH.css|js, embedded from web/ at build time) or a 404
 * page. The layout, the headers and the numbers of every page are here;
 * the pages themselves in portal_*.c. See portal.h. */
#include "http/portal.h"

#include <jansson.h>
#include <pthread.h>
#include <math.h>
#include <stdatomic.h>
#include <time.h>
#include <zlib.h>


#include "base/log.h"
#include "base/strmap.h"
#include "catalog/catalog.h"
#include "engine/snaphold.h"
#include "engine/snapshot.h"
#include "http/cache.h"
#include "io/json.h"
#include "publish/release.h"
#include "report/chart.h"
#include "store/catalog.h"
#include "store/harvest.h"
#include "store/store.h"

/* web/portal.css and web/portal.js (portal_assets.c, generated); the
 * style sheet's SHA-256 in base64 as the CSP names it ("sha256-...") */
extern const char ob_portal_css_hash[], ob_portal_js_hash[], ob_portal_css_csp[];
extern const size_t ob_portal_css_len, ob_portal_js_len;
extern const unsigned char ob_portal_css[], ob_portal_js[];

/* the content type of every page (and of the pages in the page cache) */
static const char page_type[] = "text/html; charset=utf-8";

/* The pages' policy: no inline style but the style sheet itself, written
 * in every page's <style> and named by its hash; no inline script. */
#define PORTAL_CSP_FMT "default-src 'none'; style-src '%s'; script-src 'self'; " \
	"img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

static const char *const portal_headers[][2] = {
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "same-origin" },
};

/* Cross-Origin-Opener-Policy goes on every answer that is not a public page:
 * the restricted area, any page shown to a signed-in browser, the errors.
 * A public page (Cache-Control: public) is the same bytes for every reader
 * and holds nothing another window could learn from it; without the header
 * a browser does not move a new tab's first page to a browsing context
 * group of its own, a new renderer process that delayed the first render by
 * 150 to 250 ms (bench/portal/README.md, "Where the first render went"). */
void ob_portal_headers(struct ob_http_response *r)
{
	const char *cc;

	if (!ob_http_header_get(r, "Content-Security-Policy"))
		ob_http_header_add(r, "Content-Security-Policy", PORTAL_CSP_FMT, ob_portal_css_csp);
	for (size_t i = 0; i < OB_ARRAY_SIZE(portal_headers); i++)
		if (!ob_http_header_get(r, portal_headers[i][0]))
			ob_http_header_add(r, portal_headers[i][0], "%s", portal_headers[i][1]);
	if (!ob_http_header_get(r, "Cache-Control"))
		ob_http_header_add(r, "Cache-Control", "%s",
		                   r->status < 400 ? "public, max-age=60" : "no-store");
	cc = ob_http_header_get(r, "Cache-Control");
	if ((!cc || strncmp(cc, "public", 6)) && !ob_http_header_get(r, "Cross-Origin-Opener-Policy"))
		ob_http_header_add(r, "Cross-Origin-Opener-Policy", "same-origin");
}

bool ob_portal_path(const struct ob_http_target *t)
{
	return t->nseg == 0 || strcmp(t->seg[0], "api") != 0;
}

/* ---- pages and their paths ---- */

/* What a page answers besides GET and HEAD, and whether it is of the
 * restricted area (portal_auth.c: a session, a worker holding the store's
 * write lock, never cached). */
enum {
	PAGE_PUBLIC = 0,
	PAGE_RESTRICTED = 1,     /* GET and HEAD */
	PAGE_RESTRICTED_POST = 3, /* GET, HEAD and POST */
	PAGE_POST_ONLY = 5,      /* POST alone */
};

/* Every page: its kind, its path after /es/ or /en/ and the function that
 * writes it. A page's path is its first segment ("": the home), then
 * nothing, a fixed second segment (sub, in each language), or both; and
 * last, when takes_arg, a segment that is the page's argument (pg->arg).
 * One loop dispatches. */
static const struct page_route {
	enum ob_page_kind kind;
	const char *es, *en;
	const char *sub_es, *sub_en;
	bool takes_arg;
	int access;
	void (*fn)(struct ob_page *pg);
} pages[] = {
	{ OB_PAGE_HOME, "", "", NULL, NULL, false, PAGE_PUBLIC, ob_page_home },
	{ OB_PAGE_TERRITORIES, "territorios", "territories", NULL, NULL, false, PAGE_PUBLIC,
	  ob_page_territories },
	{ OB_PAGE_TERRITORY, "territorios", "territories", NULL, NULL, true, PAGE_PUBLIC,
	  ob_page_territory },
	{ OB_PAGE_ANALYSER, "analizador", "analyser", NULL, NULL, false, PAGE_PUBLIC,
	  ob_page_analyser },
	{ OB_PAGE_MAPS, "mapas", "maps", NULL, NULL, false, PAGE_PUBLIC, ob_page_maps },
	{ OB_PAGE_INDEX, "indice", "index", NULL, NULL, false, PAGE_PUBLIC, ob_page_index },
	{ OB_PAGE_SITUATION, "situacion", "situation", NULL, NULL, false, PAGE_PUBLIC,
	  ob_page_situation },
	{ OB_PAGE_PLAN, "plan", "plan", NULL, NULL, false, PAGE_PUBLIC, ob_page_plan },
	{ OB_PAGE_MISSING, "desaparecidos", "missing", NULL, NULL, false, PAGE_PUBLIC,
	  ob_page_missing },
	/* before a person's page, whose path has as many segments */
	{ OB_PAGE_MISSING_STATS, "desaparecidos", "missing", "cifras", "figures", false,
	  PAGE_PUBLIC, ob_page_missing_stats },
	{ OB_PAGE_MISSING_ONE, "desaparecidos", "missing", NULL, NULL, true, PAGE_PUBLIC,
	  ob_page_missing_one },
	{ OB_PAGE_CASE_PUBLIC, "reportar", "report", NULL, NULL, false, PAGE_PUBLIC,
	  ob_page_case_public },
	{ OB_PAGE_REGION, "region", "region", NULL, NULL, false, PAGE_PUBLIC, ob_page_region },
	{ OB_PAGE_DATA, "datos", "data", NULL, NULL, false, PAGE_PUBLIC, ob_page_data },
	{ OB_PAGE_DATA_API, "datos", "data", "api", "api", false, PAGE_PUBLIC, ob_page_data_api },
	{ OB_PAGE_SIGNIN, "acceso", "sign-in", NULL, NULL, false, PAGE_RESTRICTED_POST,
	  ob_page_signin },
	{ OB_PAGE_SIGNOUT, "salir", "sign-out", NULL, NULL, false, PAGE_POST_ONLY,
	  ob_page_signout },
	{ OB_PAGE_ADMIN, "gestion", "admin", NULL, NULL, false, PAGE_RESTRICTED, ob_page_admin },
	{ OB_PAGE_LOGBOOK, "gestion", "admin", "bitacora", "logbook", false, PAGE_RESTRICTED,
	  ob_page_logbook },
	{ OB_PAGE_QUARANTINE, "gestion", "admin", "cuarentena", "quarantine", false,
	  PAGE_RESTRICTED, ob_page_quarantine },
	{ OB_PAGE_COMPLETENESS, "gestion", "admin", "completitud", "completeness", false,
	  PAGE_RESTRICTED, ob_page_completeness },
	{ OB_PAGE_RECONCILE, "gestion", "admin", "conciliacion", "reconciliation", false,
	  PAGE_RESTRICTED, ob_page_reconcile },
	{ OB_PAGE_RECONCILE_COUNTS, "gestion", "admin", "conteos", "counts", false,
	  PAGE_RESTRICTED, ob_page_reconcile_counts },
	{ OB_PAGE_DISCREPANCIES, "gestion", "admin", "discrepancias", "discrepancies", false,
	  PAGE_RESTRICTED, ob_page_discrepancies },
	{ OB_PAGE_REVIEW, "gestion", "admin", "revision", "review", false, PAGE_RESTRICTED_POST,
	  ob_page_review },
	{ OB_PAGE_UPLOAD, "gestion", "admin", "entrega", "upload", false, PAGE_RESTRICTED_POST,
	  ob_page_upload },
	/* missing persons' restricted pages */
	{ OB_PAGE_MISSING_MATCHES, "gestion", "admin", "coincidencias", "matches", false,
	  PAGE_RESTRICTED_POST, ob_page_missing_matches },
	{ OB_PAGE_MISSING_TIPS, "gestion", "admin", "informacion", "tips", false, PAGE_RESTRICTED,
	  ob_page_missing_tips },
	{ OB_PAGE_MISSING_PHOTO, "gestion", "admin", "foto", "photo", true, PAGE_RESTRICTED_POST,
	  ob_page_missing_photo },
	{ OB_PAGE_CASE_REPORT, "gestion", "admin", "reporte", "report", false,
	  PAGE_RESTRICTED_POST, ob_page_case_report },
	{ OB_PAGE_CASE_TRIAGE, "gestion", "admin", "triaje", "triage", false,
	  PAGE_RESTRICTED_POST, ob_page_case_triage },
	{ OB_PAGE_CASE_BOARD, "gestion", "admin", "plazos", "deadlines", false, PAGE_RESTRICTED,
	  ob_page_case_board },
	{ OB_PAGE_CASE_ONE, "gestion", "admin", "caso", "case", true, PAGE_RESTRICTED_POST,
	  ob_page_case_one },
	/* the restricted registry's pages */
	{ OB_PAGE_REGISTRY, "gestion", "admin", "registro", "registry", false, PAGE_RESTRICTED,
	  ob_page_registry },
	{ OB_PAGE_REGISTRY_ENTRY, "gestion", "admin", "registro", "registry", true,
	  PAGE_RESTRICTED, ob_page_registry_entry },
	{ OB_PAGE_REGISTRY_PHOTO, "gestion", "admin", "registro-foto", "registry-photo", true,
	  PAGE_RESTRICTED, ob_page_registry_photo },
	{ OB_PAGE_REGISTRY_ACCESS, "gestion", "admin", "registro-accesos", "registry-access",
	  false, PAGE_RESTRICTED, ob_page_registry_access },
};

static const struct page_route *route_of(enum ob_page_kind kind)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(pages); i++)
		if (pages[i].kind == kind)
			return &pages[i];
	return NULL;
}

void ob_page_path(struct ob_buf *u, enum ob_page_kind kind, const char *arg, enum ob_lang lang)
{
	const struct page_route *p = route_of(kind);

	if (lang == OB_LANG_EN)
		OB_HTML_URL_PATH(u, "/en/");
	else
		OB_HTML_URL_PATH(u, "/es/");
	if (!p)
		return;
	ob_buf_puts(u, lang == OB_LANG_EN ? p->en : p->es);
	if (p->sub_es) {
		ob_buf_putc(u, '/');
		ob_buf_puts(u, lang == OB_LANG_EN ? p->sub_en : p->sub_es);
	}
	if (p->takes_arg && arg) {
		ob_buf_putc(u, '/');
		ob_html_url_seg(u, arg);
	}
}

/* The same page in the other language, with the same query. */
static void other_language(struct ob_page *pg, struct ob_buf *u)
{
	const struct ob_http_target *t = &pg->c->target;
	enum ob_lang other = pg->lang == OB_LANG_EN ? OB_LANG_ES : OB_LANG_EN;

	if (pg->kind == OB_PAGE_NOT_FOUND) {
		ob_page_path(u, OB_PAGE_HOME, NULL, other);
		return;
	}
	ob_page_path(u, pg->kind, pg->arg, other);
	for (size_t i = 0; i < t->nparams; i++)
		ob_html_url_param(u, t->params[i].name, t->params[i].value);
}

static void nav_link(struct ob_page *pg, enum ob_page_kind kind, const char *label)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	const struct page_route *mine = route_of(pg->kind), *link = route_of(kind);
	/* the link of a page's section is current on all its pages */
	bool here = mine && link && !strcmp(mine->es, link->es);

	ob_page_path(&u, kind, NULL, pg->lang);
	OB_HTML_LIT(pg->b, "<li><a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	if (here)
		OB_HTML_LIT(pg->b, " aria-current=\"page\"");
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, label);
	OB_HTML_LIT(pg->b, "</a></li>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

void ob_page_begin(struct ob_page *pg, const char *title)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI * 5);
	char asset[64];

	ob_buf_reset(b);
	if (pg->lang == OB_LANG_EN)
		OB_HTML_LIT(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n");
	else
		OB_HTML_LIT(b, "<!DOCTYPE html>\n<html lang=\"es\">\n<head>\n");
	OB_HTML_LIT(b, "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	               "content=\"width=device-width, initial-scale=1\">\n<title>");
	ob_html_text(b, title);
	ob_html_text(b, OB_L(pg, " · Observatorio de seguridad ciudadana",
	                     " · Citizen security observatory"));
	/* no icon: without one the browser asks for /favicon.ico, a 404 in its
	 * console */
	OB_HTML_LIT(b, "</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>");
	/* The style sheet inline (3 KB gzipped): the first paint waits for no
	 * other request. It is web/portal.css as built into the program,
	 * which web/embed_assets.py refuses when it holds "</" or "<!--"; the
	 * CSP allows it by its hash and no other style. */
	ob_buf_put(b, ob_portal_css, ob_portal_css_len);
	OB_HTML_LIT(b, "</style>\n<script defer");
	snprintf(asset, sizeof(asset), "/assets/portal-%s.js", ob_portal_js_hash);
	OB_HTML_ATTR(b, "src", asset);
	OB_HTML_LIT(b, "></script>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
	ob_html_text(b, OB_L(pg, "Saltar al contenido", "Skip to content"));
	OB_HTML_LIT(b, "</a>\n<header class=\"site\">\n<a class=\"brand\"");
	ob_page_path(&u, OB_PAGE_HOME, NULL, pg->lang);
	OB_HTML_ATTR(b, "href", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, OB_L(pg, "Observatorio de seguridad ciudadana",
	                     "Citizen security observatory"));
	OB_HTML_LIT(b, "</a>\n<nav class=\"main\"");
	OB_HTML_ATTR(b, "aria-label", OB_L(pg, "Principal", "Main"));
	OB_HTML_LIT(b, "><ul>");
	nav_link(pg, OB_PAGE_HOME, OB_L(pg, "Inicio", "Home"));
	nav_link(pg, OB_PAGE_TERRITORIES, OB_L(pg, "Territorios", "Territories"));
	nav_link(pg, OB_PAGE_ANALYSER, OB_L(pg, "Analizador", "Analyser"));
	nav_link(pg, OB_PAGE_MAPS, OB_L(pg, "Mapas", "Maps"));
	nav_link(pg, OB_PAGE_INDEX, OB_L(pg, "Índice", "Index"));
	nav_link(pg, OB_PAGE_SITUATION, OB_L(pg, "Análisis situacional", "Situational analysis"));
	nav_link(pg, OB_PAGE_PLAN, OB_L(pg, "Plan", "Plan"));
	nav_link(pg, OB_PAGE_MISSING, OB_L(pg, "Desaparecidos", "Missing persons"));
	nav_link(pg, OB_PAGE_DATA, OB_L(pg, "Datos y método", "Data and method"));
	OB_HTML_LIT(b, "</ul></nav>\n<a class=\"lang\"");
	ob_buf_reset(&u);
	other_language(pg, &u);
	OB_HTML_ATTR(b, "href", u.ptr);
	if (pg->lang == OB_LANG_EN)
		OB_HTML_LIT(b, " hreflang=\"es\" lang=\"es\">Español</a>\n");
	else
		OB_HTML_LIT(b, " hreflang=\"en\" lang=\"en\">English</a>\n");
	ob_page_session_header(pg);
	OB_HTML_LIT(b, "</header>\n<main id=\"main\">\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}

/* What the footer says of the latest release: its publisher and licence
 * (metadata.json). A release is never rewritten, so its metadata is read
 * once per directory and version (the file is large: it describes every
 * indicator) and kept here, not parsed again by every page's footer. */
struct release_meta {
	char *key;                    /* dir "\n" version; NULL: nothing held */
	char *pname, *lname, *lurl;   /* NULL: not in the file */
};

static pthread_mutex_t meta_mu = PTHREAD_MUTEX_INITIALIZER;
static struct release_meta meta_held; /* under meta_mu; lives as long as the process */

static char *meta_dup(const json_t *v)
{
	return json_string_value(v) ? ob_strdup(json_string_value(v)) : NULL;
}

static void meta_release(struct release_meta *m)
{
	free(m->key);
	free(m->pname);
	free(m->lname);
	free(m->lurl);
	memset(m, 0, sizeof(*m));
}

/* Read version's metadata.json of dir into m (key its key): false when it
 * cannot be read. */
static bool meta_read(const char *dir, const char *version, const char *key,
                      struct release_meta *m)
{
	char path[OB_MAX_PATH];
	struct ob_diag d;
	json_t *meta;

	memset(m, 0, sizeof(*m));
	if (snprintf(path, sizeof(path), "%s/%s/%s/metadata.json", dir, OB_RELEASES_DIR,
	             version) >= (int)sizeof(path))
		return false;
	ob_diag_clear(&d);
	if (!(meta = ob_json_load_file(path, OB_MAX_TEXT_FILE, 0, &d)))
		return false;
	m->pname = meta_dup(json_object_get(json_object_get(meta, "publisher"), "name"));
	m->lname = meta_dup(json_object_get(json_object_get(meta, "licence"), "name"));
	m->lurl = meta_dup(json_object_get(json_object_get(meta, "licence"), "url"));
	m->key = ob_strdup(key);
	json_decref(meta);
	return true;
}

/* The footer's sentence on release version of m. */
static void footer_release(struct ob_page *pg, const char *version, const struct release_meta *m)
{
	struct ob_buf *b = pg->b;
	const char *lname = m->lname, *lurl = m->lurl, *pname = m->pname;

	ob_html_text(b, OB_L(pg, "Cifras de la publicación ", "Figures of release "));
	OB_HTML_LIT(b, "<a href=\"/api/v1/releases\">");
	ob_html_text(b, version);
	OB_HTML_LIT(b, "</a>");
	if (pname && !strcmp(pname, OB_REL_PUBLISHER_UNSET)) {
		/* publish's placeholder, said in the page's language */
		ob_html_text(b, OB_L(pg, " de un observatorio que aún no ha dado su nombre "
		                         "(catalog/publication.ini)",
		                     " by an observatory that has not yet given its name "
		                     "(catalog/publication.ini)"));
	} else if (pname) {
		ob_html_text(b, OB_L(pg, " de ", " by "));
		ob_html_text(b, pname);
	}
	if (lname) {
		ob_html_text(b, OB_L(pg, ", bajo la licencia ", ", under the licence "));
		if (lurl && (!strncmp(lurl, "https://", 8) || !strncmp(lurl, "http://", 7))) {
			OB_HTML_LIT(b, "<a rel=\"license\"");
			OB_HTML_ATTR(b, "href", lurl);
			OB_HTML_LIT(b, ">");
			ob_html_text(b, lname);
			OB_HTML_LIT(b, "</a>");
		} else {
			ob_html_text(b, lname);
		}
	}
	ob_html_text(b, ".");
}

static void footer(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	const char *dir = pg->c->ctx->dir;
	char version[32], key[OB_MAX_PATH + 40];
	struct release_meta fresh;
	bool meta = false, held = false;

	OB_HTML_LIT(b, "<footer class=\"site\">\n<p>");
	if (dir && !ob_release_latest(dir, version, sizeof(version)) &&
	    (size_t)snprintf(key, sizeof(key), "%s\n%s", dir, version) < sizeof(key)) {
		pthread_mutex_lock(&meta_mu);
		if ((held = meta_held.key && !strcmp(meta_held.key, key)))
			footer_release(pg, version, &meta_held);
		pthread_mutex_unlock(&meta_mu);
		meta = held;
		/* read outside the lock (a thread of low priority may read it);
		 * two pages may read it at once, the last one read stays */
		if (!held && (meta = meta_read(dir, version, key, &fresh))) {
			footer_release(pg, version, &fresh);
			pthread_mutex_lock(&meta_mu);
			meta_release(&meta_held);
			meta_held = fresh;
			pthread_mutex_unlock(&meta_mu);
		}
	}
	if (!meta && ob_page_harvested(pg))
		/* a regional observatory shows what it harvested, not releases of its own */
		ob_html_text(b, OB_L(pg, "Las cifras vienen de las publicaciones nacionales que este "
		                         "observatorio cosechó; él mismo aún no ha publicado.",
		                     "The figures come from the national releases this observatory "
		                     "harvested; it has published none of its own yet."));
	else if (!meta)
		ob_html_text(b, OB_L(pg, "El observatorio aún no ha publicado cifras.",
		                     "The observatory has published no figures yet."));
	OB_HTML_LIT(b, "</p>\n<p>");
	ob_html_text(b, OB_L(pg, "Los mismos datos, en la ", "The same data, through the "));
	OB_HTML_LIT(b, "<a href=\"/api/v1/openapi.json\">API</a> ");
	ob_html_text(b, OB_L(pg, "(OpenAPI). Hecho con observa, software libre.",
	                     "(OpenAPI). Made with observa, free software."));
	OB_HTML_LIT(b, "</p>\n</footer>\n</body>\n</html>\n");
}

/* A page that outgrew its body: a short 413 page instead. */
static void too_large(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;

	pg->c->res->status = 413;
	if (b->max < 64 * 1024)
		b->max = 64 * 1024;
	pg->kind = OB_PAGE_NOT_FOUND;
	ob_page_begin(pg, OB_L(pg, "Página demasiado grande", "Page too large"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Página demasiado grande", "Page too large"));
	OB_HTML_LIT(b, "</h1>\n<p>");
	ob_html_text(b, OB_L(pg, "Esta página pasaría del tamaño que el servidor admite; pida "
	                         "menos (un filtro, menos filas).",
	                     "This page would exceed the size the server allows; ask for less (a "
	                     "filter, fewer rows)."));
	OB_HTML_LIT(b, "</p>\n</main>\n");
	footer(pg);
}

void ob_page_end(struct ob_page *pg)
{
	struct ob_http_response *res = pg->c->res;

	OB_HTML_LIT(pg->b, "</main>\n");
	footer(pg);
	res->content_type = page_type;
	if (ob_buf_failed(pg->b))
		too_large(pg);
	if (ob_buf_failed(pg->b)) {
		ob_buf_reset(pg->b);
		res->content_type = "text/plain; charset=utf-8";
	}
}

void ob_page_failed(struct ob_page *pg, const char *title, int status, const char *es,
                    const char *en)
{
	ob_buf_reset(pg->b);
	pg->c->res->status = status;
	ob_page_begin(pg, title);
	OB_HTML_LIT(pg->b, "<h1>");
	ob_html_text(pg->b, title);
	OB_HTML_LIT(pg->b, "</h1>\n<p class=\"error\" role=\"alert\">");
	ob_html_text(pg->b, OB_L(pg, es, en));
	OB_HTML_LIT(pg->b, "</p>\n");
	ob_page_end(pg);
}

void ob_page_not_found(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	pg->c->res->status = 404;
	pg->kind = OB_PAGE_NOT_FOUND;
	ob_page_begin(pg, OB_L(pg, "Página no encontrada", "Page not found"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Página no encontrada", "Page not found"));
	OB_HTML_LIT(b, "</h1>\n<p>");
	ob_html_text(b, OB_L(pg, "No existe esa página. Puede volver al ",
	                     "There is no such page. You may go back to the "));
	ob_page_path(&u, OB_PAGE_HOME, NULL, pg->lang);
	OB_HTML_LIT(b, "<a");
	OB_HTML_ATTR(b, "href", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, OB_L(pg, "inicio", "home page"));
	OB_HTML_LIT(b, "</a>");
	ob_html_text(b, OB_L(pg, " o buscar un territorio en la ",
	                     " or look a territory up in the "));
	ob_buf_reset(&u);
	ob_page_path(&u, OB_PAGE_TERRITORIES, NULL, pg->lang);
	OB_HTML_LIT(b, "<a");
	OB_HTML_ATTR(b, "href", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, OB_L(pg, "lista de territorios", "list of territories"));
	OB_HTML_LIT(b, "</a>.</p>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
	ob_page_end(pg);
}

void ob_page_sparkline(struct ob_page *pg, double width, double height, const double *y,
                       size_t n, const char *label)
{
	struct ob_diag d;
	char *svg = NULL;
	size_t len = 0;
	FILE *mem;
	ob_err e;

	ob_diag_clear(&d);
	if (!(mem = open_memstream(&svg, &len)))
		return;
	e = ob_chart_sparkline_lang(mem, width, height, y, n, label, pg->lang, &d);
	if (fclose(mem) == 0 && !e)
		ob_html_trusted_report_svg(pg->b, svg, len);
	free(svg);
}

void ob_page_chart_pair(struct ob_page *pg, char *svg[2], const size_t len[2])
{
	if (svg[0]) {
		OB_HTML_LIT(pg->b, "<figure class=\"chart analysis-chart\">");
		ob_html_trusted_report_svg(pg->b, svg[0], len[0]);
		if (svg[1])
			ob_html_trusted_report_svg(pg->b, svg[1], len[1]);
		OB_HTML_LIT(pg->b, "</figure>\n");
	}
	free(svg[0]);
	free(svg[1]);
	svg[0] = svg[1] = NULL;
}

void ob_page_line_chart(struct ob_page *pg, const struct ob_chart_frame *f,
                        const char *const *x_labels, size_t nx,
                        const struct ob_chart_series *s, size_t ns)
{
	struct ob_diag d;
	char *svg = NULL;
	size_t len = 0;
	FILE *mem;
	ob_err e;

	ob_diag_clear(&d);
	if (!(mem = open_memstream(&svg, &len)))
		return;
	e = ob_chart_line(mem, f, x_labels, nx, s, ns, &d);
	if (fclose(mem) == 0 && !e) {
		OB_HTML_LIT(pg->b, "<figure class=\"chart\">");
		ob_html_trusted_report_svg(pg->b, svg, len);
		OB_HTML_LIT(pg->b, "</figure>\n");
	}
	free(svg);
}

void ob_page_year_keep(struct ob_page_year *v, size_t *n, size_t max,
                       const struct ob_http_pub_row *r)
{
	struct ob_page_year *y;
	size_t k;

	for (k = 0; k < *n && v[k].year < r->year; k++)
		;
	if (k < *n && v[k].year == r->year)
		return;
	if (*n == max) {
		if (k == 0)
			return;
		memmove(&v[0], &v[1], (k - 1) * sizeof(v[0]));
		k--;
	} else {
		memmove(&v[k + 1], &v[k], (*n - k) * sizeof(v[0]));
		(*n)++;
	}
	y = &v[k];
	memset(y, 0, sizeof(*y));
	y->year = r->year;
	y->has_value = r->has_value;
	y->value = r->value;
	y->lower = r->lower;
	y->upper = r->upper;
	y->has_count = r->has_count;
	y->count = r->count;
	y->has_denominator = r->has_denominator;
	y->denominator = r->denominator;
	y->unreliable = r->flags && strstr(r->flags, "unreliable");
	ob_strlcpy(y->value_text, r->value_text ? r->value_text : "", sizeof(y->value_text));
	ob_strlcpy(y->status, r->status ? r->status : "", sizeof(y->status));
}

void ob_page_no_value(struct ob_page *pg, const struct ob_page_year *y)
{
	OB_HTML_LIT(pg->b, "<span class=\"flag\">");
	if (y && !strcmp(y->status, "C"))
		ob_html_text(pg->b, OB_L(pg, "suprimido", "suppressed"));
	else
		ob_html_text(pg->b, OB_L(pg, "sin datos", "no data"));
	OB_HTML_LIT(pg->b, "</span>");
}

struct ob_snapref *ob_page_snapshot(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_diag d;

	if (!c->ctx->snaps || !c->ctx->store || !c->ctx->dir)
		return NULL;
	if (pg->stamp) {
		/* the store's stamp was just read for the page cache: the
		 * snapshot that has it is current */
		char held[OB_SNAPSHOT_STAMP];
		size_t n;

		ob_snaphold_stamp(c->ctx->snaps, held);
		n = strlen(held);
		if (n && !strncmp(pg->stamp, held, n) && pg->stamp[n] == '|')
			return ob_snaphold_get(c->ctx->snaps);
	}
	ob_diag_clear(&d);
	if (ob_snaphold_refresh(c->ctx->snaps, c->ctx->store, c->ctx->dir, NULL, &d))
		OB_WARN("portal: instantánea: %s", "portal: snapshot: %s", d.message);
	return ob_snaphold_get(c->ctx->snaps);
}

/* ---- the catalogue's boundaries ----
 *
 * ob_catalog_geometry's walk, kept for the store's stamp it was read under
 * (a catalogue reload changes it): a locator map or a map needs only some
 * units, but the walk reads every unit's (2.4 MB at the demo's scale).
 * Held by reference: the last holder frees it. */
struct geo_held {
	char stamp[OB_SNAPSHOT_STAMP];
	char **code, **geojson;    /* owned, in the walk's order */
	size_t n, cap, bytes;
	int refs;                  /* under geo_mu; the cache holds one */
};

static pthread_mutex_t geo_mu = PTHREAD_MUTEX_INITIALIZER;
static struct geo_held *geo_cache; /* under geo_mu */

static void geo_free(struct geo_held *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		free(g->code[i]);
		free(g->geojson[i]);
	}
	free(g->code);
	free(g->geojson);
	free(g);
}

static void geo_put(struct geo_held *g)
{
	bool last;

	pthread_mutex_lock(&geo_mu);
	last = --g->refs == 0;
	pthread_mutex_unlock(&geo_mu);
	if (last)
		geo_free(g);
}

static ob_err geo_keep(void *arg, const char *code, const char *geojson)
{
	struct geo_held *g = arg;
	size_t len = strlen(code) + strlen(geojson);

	if (len > OB_PORTAL_GEOMETRY_BYTES - g->bytes)
		return OB_ETOOBIG;
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 256;
		g->code = ob_realloc(g->code, g->cap * sizeof(*g->code));
		g->geojson = ob_realloc(g->geojson, g->cap * sizeof(*g->geojson));
	}
	g->code[g->n] = ob_strdup(code);
	g->geojson[g->n++] = ob_strdup(geojson);
	g->bytes += len;
	return OB_OK;
}

/* The boundaries for the store's stamp in the page's stamp (a reference
 * to give back with geo_put), or NULL: no stamp, or a catalogue over
 * OB_PORTAL_GEOMETRY_BYTES, or the store could not be read. */
static struct geo_held *geo_get(struct ob_page *pg)
{
	struct geo_held *g = NULL;
	const char *bar = pg->stamp ? strchr(pg->stamp, '|') : NULL;
	char stamp[OB_SNAPSHOT_STAMP];
	struct ob_diag d;

	if (!bar || (size_t)(bar - pg->stamp) >= sizeof(stamp) || !pg->c->ctx->store)
		return NULL;
	memcpy(stamp, pg->stamp, (size_t)(bar - pg->stamp));
	stamp[bar - pg->stamp] = '\0';
	pthread_mutex_lock(&geo_mu);
	if (geo_cache && !strcmp(geo_cache->stamp, stamp)) {
		g = geo_cache;
		g->refs++;
	}
	pthread_mutex_unlock(&geo_mu);
	if (g)
		return g;
	/* read outside the lock; two pages may read it at once, the last one
	 * read stays */
	g = ob_calloc(1, sizeof(*g));
	ob_strlcpy(g->stamp, stamp, sizeof(g->stamp));
	ob_diag_clear(&d);
	if (ob_catalog_geometry(pg->c->ctx->store, geo_keep, g, &d)) {
		geo_free(g);
		return NULL;
	}
	g->refs = 2;
	pthread_mutex_lock(&geo_mu);
	if (geo_cache && --geo_cache->refs == 0)
		geo_free(geo_cache);
	geo_cache = g;
	pthread_mutex_unlock(&geo_mu);
	return g;
}

ob_err ob_page_geometry(struct ob_page *pg, ob_geometry_fn fn, void *arg, struct ob_diag *d)
{
	struct geo_held *g = geo_get(pg);
	ob_err e = OB_OK;

	if (!g)
		return pg->c->ctx->store ? ob_catalog_geometry(pg->c->ctx->store, fn, arg, d)
		                         : OB_ESTORE;
	for (size_t i = 0; i < g->n && !e; i++)
		e = fn(arg, g->code[i], g->geojson[i]);
	geo_put(g);
	return e;
}

/* the content type of the fragments in the answer cache: never an answer's */
static const char fragment_type[] = "text/html; fragment";

bool ob_page_fragment_get(struct ob_page *pg, const char *key, const char *stamp)
{
	struct ob_http_cache *cache = pg->c->ctx->cache;

	return cache && ob_http_cache_get(cache, key, stamp, pg->b) == fragment_type;
}

void ob_page_fragment_put(struct ob_page *pg, const char *key, const char *stamp, size_t from)
{
	struct ob_http_cache *cache = pg->c->ctx->cache;

	if (cache && !ob_buf_failed(pg->b) && from <= pg->b->len)
		ob_http_cache_put(cache, key, stamp, fragment_type, pg->b->ptr + from,
		                  pg->b->len - from);
}

/* name copied into out when it fits whole, else NULL. */
static const char *whole(const char *name, char *out, size_t size)
{
	return ob_strlcpy(out, name, size) < size ? out : NULL;
}

const char *ob_page_territory_name(struct ob_page *pg, const char *code, char *out,
                                   size_t size)
{
	char name[2 * OB_MAX_NAME];
	struct ob_diag ignored;
	bool found = false;

	if (!pg->c->ctx->store || !code || !*code ||
	    ob_store_territory_name(pg->c->ctx->store, code, name, sizeof(name), &found,
	                            &ignored) ||
	    !found || strlen(name) + 1 >= sizeof(name))
		return NULL;
	return whole(name, out, size);
}

const char *ob_page_iccs_name(struct ob_page *pg, const char *code, char *out, size_t size)
{
	char es[2 * OB_MAX_NAME], en[2 * OB_MAX_NAME];
	struct ob_diag ignored;
	bool found = false;
	const char *pick;

	if (!pg->c->ctx->store || !code || !*code ||
	    ob_store_iccs_names(pg->c->ctx->store, code, es, en, sizeof(es), &found, &ignored) ||
	    !found)
		return NULL;
	/* the page's language, else the other */
	pick = pg->lang == OB_LANG_EN ? (en[0] ? en : es) : (es[0] ? es : en);
	if (!pick[0] || strlen(pick) + 1 >= sizeof(es))
		return NULL;
	return whole(pick, out, size);
}

bool ob_page_plain_int(const char *s, long long lo, long long hi, long long *out)
{
	long long v = 0;

	if (!s || !*s || strlen(s) > 9)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	if ((s[0] == '0' && s[1]) || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

void ob_page_value_interval(struct ob_page *pg, const char *value_text, double value,
                            bool unreliable, double lower, double upper)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<data");
	OB_HTML_ATTR(b, "value", value_text);
	OB_HTML_LIT(b, ">");
	ob_page_num(pg, value, 2);
	OB_HTML_LIT(b, "</data>");
	if (unreliable) {
		OB_HTML_LIT(b, " <span class=\"flag\">");
		ob_html_text(b, OB_L(pg, "poco fiable", "unreliable"));
		OB_HTML_LIT(b, "</span>");
	}
	OB_HTML_LIT(b, "</td><td class=\"num\">");
	ob_page_num(pg, lower, 2);
	ob_html_text(b, " – ");
	ob_page_num(pg, upper, 2);
}

void ob_page_option(struct ob_page *pg, const char *value, const char *label, bool selected)
{
	OB_HTML_LIT(pg->b, "<option");
	OB_HTML_ATTR(pg->b, "value", value);
	if (selected)
		OB_HTML_LIT(pg->b, " selected");
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, label);
	OB_HTML_LIT(pg->b, "</option>");
}

void ob_page_num(struct ob_page *pg, double v, int decimals)
{
	char raw[64], out[96];
	const char *p, *dot;
	size_t o = 0, ndig;

	if (!isfinite(v)) {
		ob_html_text(pg->b, "—");
		return;
	}
	snprintf(raw, sizeof(raw), "%.*f", decimals, v);
	p = raw;
	if (*p == '-')
		out[o++] = *p++;
	dot = strchr(p, '.');
	ndig = dot ? (size_t)(dot - p) : strlen(p);
	for (size_t i = 0; i < ndig; i++) {
		if (i && (ndig - i) % 3 == 0 && ndig > 4) {
			/* U+202F narrow no-break space */
			memcpy(out + o, "\xe2\x80\xaf", 3);
			o += 3;
		}
		out[o++] = p[i];
	}
	if (dot) {
		out[o++] = pg->lang == OB_LANG_EN ? '.' : ',';
		for (p = dot + 1; *p && o + 1 < sizeof(out); p++)
			out[o++] = *p;
	}
	out[o] = '\0';
	ob_html_text(pg->b, out);
}

/* ---- assets ---- */

/* The style sheet and the script gzip-compressed once (level 9: they never
 * change while the server runs), sent as they are to a browser that
 * accepts gzip; NULL when compression failed (they are then compressed as
 * they are sent). */
static struct {
	pthread_once_t once;
	unsigned char *css, *js;
	size_t css_len, js_len;
} assets_gz = { .once = PTHREAD_ONCE_INIT };

static unsigned char *gzip_whole(const unsigned char *in, size_t len, size_t *out_len)
{
	unsigned char *out = NULL;
	z_stream z;

	memset(&z, 0, sizeof(z));
	if (len > UINT_MAX || deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	out = ob_malloc(deflateBound(&z, (uLong)len));
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)deflateBound(&z, (uLong)len);
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		free(out);
		out = NULL;
	}
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

static void assets_gz_make(void)
{
	assets_gz.css = gzip_whole(ob_portal_css, ob_portal_css_len, &assets_gz.css_len);
	assets_gz.js = gzip_whole(ob_portal_js, ob_portal_js_len, &assets_gz.js_len);
}

/* /assets/portal-HASH.css|js. Pages carry the style sheet inline and link
 * the script; the style sheet's address still answers, for a page kept by
 * a browser from before the style sheet was inlined. */
static bool asset(struct ob_http_call *c, const char *seg)
{
	char name[64];

	snprintf(name, sizeof(name), "portal-%s.css", ob_portal_css_hash);
	if (!strcmp(seg, name)) {
		c->res->content_type = "text/css; charset=utf-8";
		ob_buf_put(&c->res->body, ob_portal_css, ob_portal_css_len);
		pthread_once(&assets_gz.once, assets_gz_make);
		if (assets_gz.css && ob_buf_add(&c->res->gz, assets_gz.css, assets_gz.css_len))
			ob_buf_reset(&c->res->gz);
	} else {
		snprintf(name, sizeof(name), "portal-%s.js", ob_portal_js_hash);
		if (strcmp(seg, name))
			return false;
		c->res->content_type = "text/javascript; charset=utf-8";
		ob_buf_put(&c->res->body, ob_portal_js, ob_portal_js_len);
		pthread_once(&assets_gz.once, assets_gz_make);
		if (assets_gz.js && ob_buf_add(&c->res->gz, assets_gz.js, assets_gz.js_len))
			ob_buf_reset(&c->res->gz);
	}
	c->res->status = ob_buf_failed(&c->res->body) ? 500 : 200;
	ob_http_header_add(c->res, "Cache-Control", "public, max-age=31536000, immutable");
	return true;
}

/* ---- dispatch ---- */

/* The page of target t, or NULL. */
static const struct page_route *route_match(const struct ob_http_target *t, enum ob_lang lang)
{
	if (t->nseg == 0 || (strcmp(t->seg[0], "es") && strcmp(t->seg[0], "en")))
		return NULL;
	for (size_t i = 0; i < OB_ARRAY_SIZE(pages); i++) {
		const struct page_route *p = &pages[i];
		const char *first = lang == OB_LANG_EN ? p->en : p->es;
		const char *sub = lang == OB_LANG_EN ? p->sub_en : p->sub_es;
		size_t nseg = 1 + (*first != '\0') + (sub != NULL) + p->takes_arg;

		if (t->nseg != nseg || (*first && strcmp(t->seg[1], first)) ||
		    (sub && strcmp(t->seg[2], sub)))
			continue;
		return p;
	}
	return NULL;
}

/* A page of the restricted area (sign-in, sign-out, /es/gestion/...,
 * /en/admin/...): it carries a session and may write (the audit log, a
 * sign-in), so it runs on a worker, which holds the store's write lock
 * for it; never cached. */
static void restricted(struct ob_page *pg, const struct page_route *p)
{
	struct ob_http_call *c = pg->c;
	const char *method = c->req->method ? c->req->method : "";
	bool post = !strcmp(method, "POST");
	bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	const char *allow = p->access == PAGE_POST_ONLY         ? "POST"
	                    : p->access == PAGE_RESTRICTED_POST ? "GET, HEAD, POST"
	                                                        : "GET, HEAD";

	pg->kind = p->kind;
	if (p->takes_arg)
		pg->arg = c->target.seg[c->target.nseg - 1];
	ob_page_private(pg);
	if (!(get && p->access != PAGE_POST_ONLY) &&
	    !(post && (p->access == PAGE_RESTRICTED_POST || p->access == PAGE_POST_ONLY))) {
		c->res->status = 405;
		c->res->content_type = "text/plain; charset=utf-8";
		ob_buf_putf(pg->b, "405: %s\n", allow);
		ob_http_header_add(c->res, "Allow", "%s", allow);
		return;
	}
	if (ob_http_defer(c, false))
		return;
	ob_page_session_load(pg);
	p->fn(pg);
}

/* ---- the cache of public pages ----
 *
 * A public page is a function of its target (path, hence language, and
 * query), the store's stamp (every delivery, correction, territory or
 * category changes it), the latest release and the harvested national
 * releases (store/harvest.h): pages are kept in c->ctx->pages under the
 * target and those three stamps, and a new stamp
 * makes every older page unreachable (they age out). The stamps are read
 * at most once per OB_HTTP_STAMP_SECONDS, as the analyser's are. Never
 * kept: pages of the restricted area, pages for a signed-in browser
 * (they name the account and carry its CSRF token), answers other than
 * 200 or with headers of their own, deferred ones, and pages that set
 * no_cache (alarms still being judged). A page that set provisional is
 * kept under a stamp that also names the time, so that it is rendered
 * again within OB_PORTAL_PAGE_PROVISIONAL_SECONDS. */

/* The stamp of what public pages show into out: false when it cannot be
 * told (no store). */
static bool page_stamp(struct ob_http_call *c, char *out, size_t size)
{
	struct ob_http_cache *pc = c->ctx->pages;
	char store[OB_SNAPSHOT_STAMP], version[64], harvest[40];
	struct ob_diag d;

	if (!c->ctx->store || !c->ctx->dir)
		return false;
	if (!ob_http_cache_stamp_due(pc, c->req->now) && ob_http_cache_stamp_held(pc, out, size))
		return true;
	ob_diag_clear(&d);
	if (ob_snapshot_stamp(c->ctx->store, store, &d) ||
	    ob_store_harvest_stamp(c->ctx->store, harvest, sizeof(harvest), &d))
		return false;
	if (ob_release_latest(c->ctx->dir, version, sizeof(version)))
		ob_strlcpy(version, "-", sizeof(version));
	if ((size_t)snprintf(out, size, "%s|%s|%s", store, version, harvest) >= size)
		return false;
	ob_http_cache_stamp_keep(pc, out);
	return true;
}

/* Has the page just written been made from the snapshot of the store's
 * stamp in key_stamp (or from no snapshot)? A page rendered from an older
 * snapshot (one that could not be refreshed) is not kept under a newer stamp. */
static bool page_from_stamp(struct ob_http_call *c, const char *key_stamp)
{
	char held[OB_SNAPSHOT_STAMP];
	size_t n;

	if (!c->ctx->snaps)
		return true;
	ob_snaphold_stamp(c->ctx->snaps, held);
	n = strlen(held);
	return !held[0] || (!strncmp(key_stamp, held, n) && key_stamp[n] == '|');
}

/* The key of a page's gzip form in the page cache. */
static void gzip_key(struct ob_buf *k, const char *target)
{
	ob_buf_puts(k, "gzip\n");
	ob_buf_puts(k, target);
}

/* Keep body[0..len) gzip-compressed (level 6, as the server compresses)
 * under the page's gzip key. */
static void page_put_gzip(struct ob_http_call *c, const char *stamp, const char *body,
                          size_t len)
{
	struct ob_buf k = OB_BUF_INIT(OB_HTTP_MAX_URI + 8);
	unsigned char *out = NULL;
	z_stream z;

	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip header and trailer around the deflate stream */
	if (len > UINT_MAX || deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		goto release_key;
	out = ob_malloc(deflateBound(&z, (uLong)len));
	z.next_in = (Bytef *)(uintptr_t)body;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)deflateBound(&z, (uLong)len);
	gzip_key(&k, c->req->target);
	if (deflate(&z, Z_FINISH) == Z_STREAM_END && !ob_buf_failed(&k))
		ob_http_cache_put(c->ctx->pages, k.ptr, stamp, page_type, (const char *)out,
		                  z.total_out);
	deflateEnd(&z);
	free(out);
release_key:
	ob_buf_release(&k);
}

/* The page of the request from the page cache into c->res (its gzip form
 * too, when held): true when held. */
static bool page_get(struct ob_http_call *c, const char *stamp)
{
	struct ob_buf k = OB_BUF_INIT(OB_HTTP_MAX_URI + 8);

	if (ob_http_cache_get(c->ctx->pages, c->req->target, stamp, &c->res->body) != page_type)
		return false;
	c->res->content_type = page_type;
	gzip_key(&k, c->req->target);
	if (ob_buf_failed(&k) ||
	    ob_http_cache_get(c->ctx->pages, k.ptr, stamp, &c->res->gz) != page_type)
		ob_buf_reset(&c->res->gz);
	ob_buf_release(&k);
	return true;
}

/* Pages being rendered: a request that misses the page cache for a page
 * another request is already rendering under the same stamps waits for it
 * and is answered from the cache, instead of rendering it again beside it
 * (the first visitors after a start or a new release all ask for the home,
 * whose first rendering loads the release's table and computes the
 * completeness table, for seconds under the sanitizers). The warmer waits
 * so for a visitor's rendering, but no visitor waits for the warmer's: its
 * thread runs below the requests (OB_HTTP_WARM_NICE) and would hold them
 * back on a loaded machine. A page is named by a hash of the server's page
 * cache, its target and its stamp: two pages with the same hash only make
 * one wait for nothing. A page the first could not keep (not cacheable,
 * cut by the time limit) is then rendered by the one that waited, which
 * finds what the first kept (the release's table, the fragments). */
struct flight {
	uint64_t key;
	bool warmer;               /* rendered by the warmer's thread */
};
static pthread_mutex_t flight_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t flight_cv = PTHREAD_COND_INITIALIZER;
static struct flight flight[OB_PORTAL_PAGES_IN_FLIGHT]; /* under flight_mu */
static size_t nflight;
static _Thread_local bool on_warmer; /* ob_portal_warmer_thread() */

void ob_portal_warmer_thread(void)
{
	on_warmer = true;
}

static uint64_t flight_key(const struct ob_http_call *c, const char *stamp)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "%p\n", (const void *)c->ctx->pages);
	uint64_t h = ob_hash_bytes(head, n > 0 ? (size_t)n : 0);

	h = h * 31 + ob_hash_bytes(c->req->target, strlen(c->req->target));
	return h * 31 + ob_hash_bytes(stamp, strlen(stamp));
}

/* Is page k being rendered by a thread the caller waits for? */
static bool flight_has(uint64_t k)
{
	for (size_t i = 0; i < nflight; i++)
		if (flight[i].key == k && (on_warmer || !flight[i].warmer))
			return true;
	return false;
}

/* Wait while page k is being rendered (until the request's deadline):
 * true when it was (the caller looks in the cache again). Else register
 * k as being rendered by the caller (*mine; unless the table is full). */
static bool flight_wait_or_take(const struct ob_http_call *c, uint64_t k, bool *mine)
{
	bool waited = false;

	*mine = false;
	pthread_mutex_lock(&flight_mu);
	while (flight_has(k)) {
		double left = c->deadline - ob_now();
		struct timespec ts;

		if (left <= 0)
			break;
		waited = true;
		/* a second at most between two looks at the deadline and the
		 * client */
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)((left < 1 ? left : 1) * 1e9);
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&flight_cv, &flight_mu, &ts);
		if (c->req->cancel && atomic_load(c->req->cancel))
			break;
	}
	if (!waited && nflight < OB_ARRAY_SIZE(flight)) {
		flight[nflight].key = k;
		flight[nflight++].warmer = on_warmer;
		*mine = true;
	}
	pthread_mutex_unlock(&flight_mu);
	return waited;
}

static void flight_done(uint64_t k)
{
	pthread_mutex_lock(&flight_mu);
	for (size_t i = 0; i < nflight; i++)
		if (flight[i].key == k && flight[i].warmer == on_warmer) {
			flight[i] = flight[--nflight];
			break;
		}
	pthread_cond_broadcast(&flight_cv);
	pthread_mutex_unlock(&flight_mu);
}

void ob_portal_handle(struct ob_http_call *c)
{
	char stamp[OB_HTTP_CACHE_STAMP], provisional[OB_HTTP_CACHE_STAMP + 24];
	bool cacheable = false;
	const struct ob_http_target *t = &c->target;
	const char *method = c->req->method ? c->req->method : "";
	const struct page_route *p;
	struct ob_page pg;
	ob_err stopped;
	uint64_t fk = 0;
	bool mine = false;

	memset(&pg, 0, sizeof(pg));
	pg.c = c;
	pg.b = &c->res->body;
	pg.lang = t->nseg && !strcmp(t->seg[0], "en") ? OB_LANG_EN : OB_LANG_ES;
	ob_buf_reset(pg.b);
	c->res->status = 200;
	p = route_match(t, pg.lang);
	if (p && p->access != PAGE_PUBLIC) {
		restricted(&pg, p); /* portal_auth.c */
		return;
	}
	if (p && p->kind == OB_PAGE_MISSING_ONE && !strcmp(method, "POST")) {
		/* "I have information": no account; it writes, on a worker, as a
		 * computed query limited per address (http/bucket.h) */
		pg.kind = p->kind;
		pg.arg = t->seg[2];
		if (ob_http_defer(c, true))
			return;
		ob_page_missing_tip(&pg);
		return;
	}
	if (p && p->kind == OB_PAGE_CASE_PUBLIC && !strcmp(method, "POST")) {
		/* an anonymous SALVE report: as the form above */
		pg.kind = p->kind;
		if (ob_http_defer(c, true))
			return;
		ob_page_case_public_post(&pg);
		return;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		c->res->status = 405;
		c->res->content_type = "text/plain; charset=utf-8";
		ob_buf_puts(pg.b, "405: GET, HEAD\n");
		ob_http_header_add(c->res, "Allow", "GET, HEAD");
		return;
	}
	if (c->req->cookie) {
		/* the page names who is signed in: for this browser only */
		ob_page_session_load(&pg);
		if (pg.signed_in)
			ob_page_private(&pg);
	}
	if (t->nseg == 0) {
		/* the home, in Spanish first */
		c->res->status = 303;
		c->res->content_type = "text/plain; charset=utf-8";
		ob_http_header_add(c->res, "Location", "/es/");
		ob_buf_puts(pg.b, "/es/\n");
		return;
	}
	if (t->nseg == 2 && !strcmp(t->seg[0], "assets") && asset(c, t->seg[1]))
		return;
	if (p) {
		pg.kind = p->kind;
		if (p->takes_arg)
			pg.arg = t->seg[2];
		cacheable = c->ctx->pages && !pg.signed_in && c->req->target &&
		            page_stamp(c, stamp, sizeof(stamp));
		/* a provisional page is kept under the stamp and a time bucket */
		if (cacheable)
			snprintf(provisional, sizeof(provisional), "%s|p%lld", stamp,
			         c->req->now / OB_PORTAL_PAGE_PROVISIONAL_SECONDS);
		if (cacheable && (page_get(c, stamp) || page_get(c, provisional)))
			return;
		if (cacheable) {
			pg.stamp = stamp;
			fk = flight_key(c, stamp);
			if (flight_wait_or_take(c, fk, &mine) &&
			    (page_get(c, stamp) || page_get(c, provisional)))
				return;
		}
		ob_buf_reset(pg.b);
		p->fn(&pg);
		if (!c->res->deferred && c->res->status < 400 && c->interrupted) {
			/* a store read cut by the time limit leaves a part out: that
			 * is not the page, so it is neither kept nor sent as one */
			stopped = ob_http_stopped(c);
			ob_http_fail_stopped(c, stopped ? stopped : OB_ETIMEDOUT);
			if (mine)
				flight_done(fk);
			return;
		}
		if (cacheable && !pg.no_cache && !c->res->deferred && c->res->status == 200 &&
		    c->res->nheaders == 0 && c->res->content_type == page_type &&
		    !ob_buf_failed(pg.b) && pg.b->len && page_from_stamp(c, stamp)) {
			const char *kept = pg.provisional ? provisional : stamp;
			ob_http_cache_put(c->ctx->pages, c->req->target, kept, page_type, pg.b->ptr,
			                  pg.b->len);
			page_put_gzip(c, kept, pg.b->ptr, pg.b->len);
		}
		if (mine)
			flight_done(fk);
		return;
	}
	ob_page_not_found(&pg);
}
