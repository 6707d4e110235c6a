/* portal_data.c - the portal's "Data and method" pages: /es/datos
 * (/en/data) lists every release with its files, sizes and SHA-256 (from
 * its manifest.json), its DCAT catalogue and its changes against the
 * previous one, then the metadata of every indicator of the catalogue (the
 * survey indicators of survey_indicators.csv after the others) with
 * an anchor each (/es/datos#homicide_rate); /es/datos/api (/en/data/api)
 * is the API's documentation, written from the very OpenAPI document that
 * GET /api/v1/openapi.json serves (ob_http_openapi). See docs/portal.md. */
#include "http/portal.h"

#include <dirent.h>
#include <jansson.h>

#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"
#include "io/json.h"
#include "publish/release.h"
#include "store/catalog.h"
#include "survey/profile.h"

/* ---- releases ---- */

static int by_number_desc(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The numbers of DIR/releases/v<N>, newest first; *out is the caller's. */
static size_t release_numbers(const char *dir, long long **out)
{
	char path[OB_MAX_PATH];
	long long *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d;

	*out = NULL;
	if (!dir || snprintf(path, sizeof(path), "%s/%s", dir, OB_RELEASES_DIR) >= (int)sizeof(path))
		return 0;
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d))) {
		long long k;
		if (e->d_name[0] != 'v' || !ob_page_plain_int(e->d_name + 1, 1, 999999999, &k))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			v = ob_realloc(v, cap * sizeof(*v));
		}
		v[n++] = k;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), by_number_desc);
	*out = v;
	return n;
}

/* DIR/releases/v<N>/<name> parsed, or NULL. */
static json_t *release_json(const char *dir, long long num, const char *name)
{
	char path[OB_MAX_PATH];
	struct ob_diag d;

	if (snprintf(path, sizeof(path), "%s/%s/v%lld/%s", dir, OB_RELEASES_DIR, num, name) >=
	    (int)sizeof(path))
		return NULL;
	ob_diag_clear(&d);
	return ob_json_load_file(path, OB_MAX_TEXT_FILE, 0, &d);
}

/* The URL the API serves a release's file at: each segment encoded. */
static void file_url(struct ob_buf *u, long long num, const char *path)
{
	char ver[32];

	snprintf(ver, sizeof(ver), "v%lld", num);
	OB_HTML_URL_PATH(u, "/api/v1/releases/");
	ob_html_url_seg(u, ver);
	while (*path) {
		const char *slash = strchr(path, '/');
		size_t n = slash ? (size_t)(slash - path) : strlen(path);
		char seg[OB_MAX_NAME];

		ob_buf_putc(u, '/');
		if (n >= sizeof(seg))
			n = sizeof(seg) - 1;
		memcpy(seg, path, n);
		seg[n] = '\0';
		ob_html_url_seg(u, seg);
		path += n + (slash != NULL);
	}
}

/* A link to a release's file, its name as text. */
static void file_link(struct ob_page *pg, long long num, const char *path, const char *text)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	file_url(&u, num, path);
	OB_HTML_LIT(pg->b, "<a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, text);
	OB_HTML_LIT(pg->b, "</a>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

/* What format a published file is in, by its name's ending (the longest
 * that matches, as releases.c serves them). */
static const char *file_format(struct ob_page *pg, const char *name)
{
	static const char *const formats[][3] = {
		{ ".csv-metadata.json", "CSVW (metadatos de la tabla)", "CSVW (table metadata)" },
		{ ".excel.csv", "CSV para hojas de cálculo (;)", "CSV for spreadsheets (;)" },
		{ ".sdmx.json", "SDMX-JSON", "SDMX-JSON" },
		{ ".sdmx.csv", "SDMX-CSV", "SDMX-CSV" },
		{ "catalog.jsonld", "DCAT-AP (JSON-LD)", "DCAT-AP (JSON-LD)" },
		{ ".geojson", "GeoJSON", "GeoJSON" },
		{ ".xlsx", "XLSX", "XLSX" },
		{ ".html", "HTML", "HTML" },
		{ ".pdf", "PDF", "PDF" },
		{ ".png", "PNG", "PNG" },
		{ ".svg", "SVG", "SVG" },
		{ ".csv", "CSV", "CSV" },
		{ ".json", "JSON", "JSON" },
	};
	size_t n = strlen(name);

	for (size_t i = 0; i < OB_ARRAY_SIZE(formats); i++) {
		size_t k = strlen(formats[i][0]);
		if (n >= k && !strcmp(name + n - k, formats[i][0]))
			return OB_L(pg, formats[i][1], formats[i][2]);
	}
	return "—";
}

/* A size in bytes, read in kB, MB or GB, the exact count in <data>. */
static void file_size(struct ob_page *pg, long long bytes)
{
	static const char *const units[] = { " kB", " MB", " GB", " TB" };
	double v = (double)bytes;
	size_t u = 0;

	char num[32];

	snprintf(num, sizeof(num), "%lld", bytes);
	OB_HTML_LIT(pg->b, "<data");
	OB_HTML_ATTR(pg->b, "value", num);
	OB_HTML_LIT(pg->b, ">");
	if (bytes < 1000) {
		OB_HTML_TEXTF(pg->b, "%lld B", bytes);
	} else {
		v /= 1000;
		while (v >= 1000 && u + 1 < OB_ARRAY_SIZE(units)) {
			v /= 1000;
			u++;
		}
		ob_page_num(pg, v, 1);
		ob_html_text(pg->b, units[u]);
	}
	OB_HTML_LIT(pg->b, "</data>");
}

/* A count in words, its number in <data class=what value=n>. */
static void count(struct ob_page *pg, const char *what, long long n)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", n);
	OB_HTML_LIT(pg->b, "<data");
	OB_HTML_ATTR(pg->b, "class", what);
	OB_HTML_ATTR(pg->b, "value", num);
	OB_HTML_LIT(pg->b, ">");
	ob_page_num(pg, (double)n, 0);
	OB_HTML_LIT(pg->b, "</data>");
}

static void release_section(struct ob_page *pg, long long num, bool newest)
{
	struct ob_buf *b = pg->b;
	json_t *man = release_json(pg->c->ctx->dir, num, "manifest.json");
	json_t *diff = release_json(pg->c->ctx->dir, num, "diff.json");
	json_t *files = json_object_get(man, "files"), *years = json_object_get(man, "years");
	const char *created = json_string_value(json_object_get(man, "created"));
	const char *note = json_string_value(json_object_get(man, "note"));
	const char *prev = json_string_value(json_object_get(diff, "previous"));
	char id[32], date[16] = "";
	size_t k;
	json_t *f;

	snprintf(id, sizeof(id), "v%lld", num);
	OB_HTML_LIT(b, "<section class=\"release\"");
	OB_HTML_ATTR(b, "id", id);
	OB_HTML_LIT(b, ">\n<h3>");
	OB_HTML_TEXTF(b, "%s %s", OB_L(pg, "Publicación", "Release"), id);
	if (newest)
		ob_html_text(b, OB_L(pg, " (la más reciente)", " (the latest)"));
	OB_HTML_LIT(b, "</h3>\n");
	if (!man) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "Su manifiesto (manifest.json) no se puede leer.",
		                     "Its manifest (manifest.json) cannot be read."));
		OB_HTML_LIT(b, "</p>\n</section>\n");
		json_decref(diff);
		return;
	}
	OB_HTML_LIT(b, "<dl class=\"facts\">\n<dt>");
	ob_html_text(b, OB_L(pg, "Fecha", "Date"));
	OB_HTML_LIT(b, "</dt><dd>");
	if (created && strlen(created) >= 10) {
		memcpy(date, created, 10);
		date[10] = '\0';
		OB_HTML_LIT(b, "<time");
		OB_HTML_ATTR(b, "datetime", created);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, date);
		OB_HTML_LIT(b, "</time>");
	} else {
		ob_html_text(b, "—");
	}
	OB_HTML_LIT(b, "</dd>\n<dt>");
	ob_html_text(b, OB_L(pg, "Años", "Years"));
	OB_HTML_LIT(b, "</dt><dd>");
	json_array_foreach(years, k, f)
		OB_HTML_TEXTF(b, "%s%lld", k ? ", " : "", (long long)json_integer_value(f));
	if (!json_array_size(years))
		ob_html_text(b, "—");
	OB_HTML_LIT(b, "</dd>\n");
	if (note && *note) {
		OB_HTML_LIT(b, "<dt>");
		ob_html_text(b, OB_L(pg, "Nota", "Note"));
		OB_HTML_LIT(b, "</dt><dd class=\"release-note\">");
		ob_html_text(b, note);
		OB_HTML_LIT(b, "</dd>\n");
	}
	OB_HTML_LIT(b, "<dt>");
	if (prev)
		OB_HTML_TEXTF(b, "%s %s", OB_L(pg, "Cambios respecto a", "Changes since"), prev);
	else
		ob_html_text(b, OB_L(pg, "Cambios", "Changes"));
	OB_HTML_LIT(b, "</dt><dd class=\"diff\">");
	if (diff) {
		long long add = json_integer_value(json_object_get(diff, "added"));
		long long rem = json_integer_value(json_object_get(diff, "removed"));
		long long chg = json_integer_value(json_object_get(diff, "changed"));

		if (!prev)
			ob_html_text(b, OB_L(pg, "primera publicación: ", "first release: "));
		count(pg, "added", add);
		ob_html_text(b, OB_L(pg, " celdas añadidas, ", " cells added, "));
		count(pg, "removed", rem);
		ob_html_text(b, OB_L(pg, " eliminadas, ", " removed, "));
		count(pg, "changed", chg);
		ob_html_text(b, OB_L(pg, " cambiadas (detalle: ", " changed (details: "));
		file_link(pg, num, "diff.csv", "diff.csv");
		ob_html_text(b, ").");
	} else {
		ob_html_text(b, "—");
	}
	OB_HTML_LIT(b, "</dd>\n<dt>");
	ob_html_text(b, OB_L(pg, "Catálogo DCAT-AP", "DCAT-AP catalogue"));
	OB_HTML_LIT(b, "</dt><dd>");
	file_link(pg, num, "catalog.jsonld", "catalog.jsonld");
	OB_HTML_LIT(b, "</dd>\n</dl>\n");

	/* its bulletins and infographics (observa publish --reports), as the
	 * manifest lists them under reports/ */
	{
		bool any = false;
		json_array_foreach(files, k, f) {
			const char *path = json_string_value(json_object_get(f, "path"));
			const char *base;

			if (!path || strncmp(path, "reports/", 8))
				continue;
			base = path + 8;
			if (!any) {
				OB_HTML_LIT(b, "<h4>");
				ob_html_text(b, OB_L(pg, "Boletines e infografías", "Bulletins and infographics"));
				OB_HTML_LIT(b, "</h4>\n<ul class=\"reports\">\n");
				any = true;
			}
			OB_HTML_LIT(b, "<li>");
			file_link(pg, num, path, base);
			OB_HTML_LIT(b, " (");
			ob_html_text(b, file_format(pg, path));
			OB_HTML_LIT(b, ")</li>\n");
		}
		if (any)
			OB_HTML_LIT(b, "</ul>\n");
	}

	/* the files, as the manifest holds them (itself is not in it) */
	if (newest)
		OB_HTML_LIT(b, "<details open>");
	else
		OB_HTML_LIT(b, "<details>");
	OB_HTML_LIT(b, "<summary>");
	OB_HTML_TEXTF(b, "%s (%zu)", OB_L(pg, "Archivos", "Files"), json_array_size(files));
	OB_HTML_LIT(b, "</summary>\n<div class=\"table-wrap\"><table class=\"files\">\n<caption>");
	OB_HTML_TEXTF(b, "%s %s", OB_L(pg, "Archivos de la publicación", "Files of release"), id);
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Archivo", "File"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"fmt\">");
	ob_html_text(b, OB_L(pg, "Formato", "Format"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Tamaño", "Size"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n");
	json_array_foreach(files, k, f) {
		const char *path = json_string_value(json_object_get(f, "path"));
		const char *sha = json_string_value(json_object_get(f, "sha256"));
		json_int_t bytes = json_integer_value(json_object_get(f, "bytes"));

		if (!path)
			continue;
		OB_HTML_LIT(b, "<tr><td class=\"file\">");
		file_link(pg, num, path, path);
		OB_HTML_LIT(b, "</td><td class=\"fmt\">");
		ob_html_text(b, file_format(pg, path));
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		file_size(pg, (long long)bytes);
		OB_HTML_LIT(b, "</td><td><code class=\"hash\">");
		ob_html_text(b, sha ? sha : "—");
		OB_HTML_LIT(b, "</code></td></tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n<p class=\"note\">");
	ob_html_text(b, OB_L(pg, "Tamaños y huellas SHA-256 del ", "Sizes and SHA-256 digests from the "));
	file_link(pg, num, "manifest.json", "manifest.json");
	ob_html_text(b, OB_L(pg, " de la publicación (sha256sum los comprueba).",
	                     " of the release (sha256sum checks them)."));
	OB_HTML_LIT(b, "</p>\n</details>\n</section>\n");
	json_decref(man);
	json_decref(diff);
}

static void releases(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	long long *nums;
	size_t n = release_numbers(pg->c->ctx->dir, &nums);

	OB_HTML_LIT(b, "<section id=\"releases\">\n<h2>");
	ob_html_text(b, OB_L(pg, "Publicaciones", "Releases"));
	OB_HTML_LIT(b, "</h2>\n<p>");
	ob_html_text(b, OB_L(pg, "Cada publicación es un conjunto fijo de tablas que no cambia "
	                         "después; la más reciente primero. Las cifras de este portal "
	                         "son las de la más reciente. Lista completa en ",
	                     "Each release is a fixed set of tables that never changes "
	                     "afterwards; the latest first. This portal's figures are the "
	                     "latest's. Full listing at "));
	OB_HTML_LIT(b, "<a href=\"/api/v1/releases\">/api/v1/releases</a>.</p>\n");
	if (!n) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "El observatorio aún no ha publicado cifras.",
		                     "The observatory has published no figures yet."));
		OB_HTML_LIT(b, "</p>\n");
	}
	for (size_t i = 0; i < n && !ob_buf_failed(b); i++)
		release_section(pg, nums[i], i == 0);
	OB_HTML_LIT(b, "</section>\n");
	free(nums);
}

/* ---- indicators ---- */

/* An institution of record in words. */
static const char *institution_words(struct ob_page *pg, const char *name)
{
	static const char *const words[][3] = {
		{ "police", "policía", "police" },
		{ "forensic", "medicina forense", "forensic medicine" },
		{ "prosecutor", "fiscalía", "prosecutor's office" },
		{ "validated", "muertes validadas (conciliación)", "validated deaths (reconciliation)" },
		{ "other", "otra institución", "another institution" },
	};

	for (size_t i = 0; i < OB_ARRAY_SIZE(words); i++)
		if (!strcmp(name, words[i][0]))
			return OB_L(pg, words[i][1], words[i][2]);
	return NULL;
}

/* A counting rule of the release ("victims:forensic", "records"...) in
 * words, with its code. */
static void rule_words(struct ob_page *pg, const char *rule)
{
	const char *inst = !strncmp(rule, "victims:", 8) ? institution_words(pg, rule + 8) : NULL;

	if (inst) {
		ob_html_text(pg->b, OB_L(pg, "víctimas según ", "victims as counted by "));
		ob_html_text(pg->b, inst);
	} else if (!strcmp(rule, "validated")) {
		ob_html_text(pg->b, institution_words(pg, "validated"));
	} else if (!strcmp(rule, "records")) {
		ob_html_text(pg->b, OB_L(pg, "registros de todas las fuentes",
		                         "records of every source"));
	} else {
		ob_html_text(pg->b, rule);
		return;
	}
	OB_HTML_LIT(pg->b, " (<code>");
	ob_html_text(pg->b, rule);
	OB_HTML_LIT(pg->b, "</code>)");
}

/* The release's counting rules of one indicator ({"SLV": rule...}),
 * grouped by rule: "rule (BLZ, CRI)". */
static void counting_rules(struct ob_page *pg, json_t *rules)
{
	const char *country;
	size_t i = 0;
	json_t *r;

	if (!json_object_size(rules)) {
		ob_html_text(pg->b, OB_L(pg, "aún sin publicar", "not yet published"));
		return;
	}
	OB_HTML_LIT(pg->b, "<ul class=\"plain\">");
	json_object_foreach(rules, country, r) {
		const char *rule = json_string_value(r), *c2;
		bool seen = false, first = true;
		size_t j = 0;
		json_t *r2;

		i++;
		if (!rule)
			continue;
		/* once per rule: at the first country that has it */
		json_object_foreach(rules, c2, r2) {
			const char *x = json_string_value(r2);
			if (++j >= i)
				break;
			seen = seen || (x && !strcmp(x, rule));
		}
		if (seen)
			continue;
		OB_HTML_LIT(pg->b, "<li>");
		rule_words(pg, rule);
		ob_html_text(pg->b, OB_L(pg, ": ", ": "));
		json_object_foreach(rules, c2, r2) {
			const char *x = json_string_value(r2);
			if (!x || strcmp(x, rule))
				continue;
			OB_HTML_TEXTF(pg->b, "%s%s", first ? "" : ", ", c2);
			first = false;
		}
		OB_HTML_LIT(pg->b, "</li>");
	}
	OB_HTML_LIT(pg->b, "</ul>");
}

/* A disaggregation's name in the page's language. */
static const char *by_words(struct ob_page *pg, const char *name)
{
	static const char *const words[][3] = {
		{ "sex", "sexo", "sex" },
		{ "age_group", "grupo de edad", "age group" },
		{ "manner", "manera de muerte", "manner of death" },
		{ "mechanism", "mecanismo (arma)", "mechanism (weapon)" },
		{ "place", "lugar", "place" },
		{ "relationship", "relación con el agresor", "relationship to the perpetrator" },
		{ "context", "contexto", "context" },
		{ "source", "fuente", "source" },
		{ "minor", "menor de edad", "minor" },
	};

	for (size_t i = 0; i < OB_ARRAY_SIZE(words); i++)
		if (!strcmp(name, words[i][0]))
			return OB_L(pg, words[i][1], words[i][2]);
	return name;
}

/* The unit of an indicator: the catalogue's text in Spanish; in English
 * said from its multiplier and denominator. */
static void unit_words(struct ob_page *pg, const struct ob_indicator_set *set,
                       const struct ob_indicator *x)
{
	if (pg->lang == OB_LANG_ES) {
		ob_html_text(pg->b, x->unit && *x->unit ? x->unit : "—");
		return;
	}
	if (x->denom == OB_DEN_INDICATOR) {
		long k = ob_indicators_find(set, x->denom_id);
		ob_html_text(pg->b, x->multiplier == 100 ? "% of " : "share of ");
		ob_html_text(pg->b, k >= 0 ? set->v[k].name_en : x->denom_id);
		return;
	}
	OB_HTML_LIT(pg->b, "per ");
	ob_page_num(pg, x->multiplier, 0);
	ob_html_text(pg->b, x->denom_sex == 'F' ? " women" : x->denom_sex == 'M' ? " men"
	                                                   : " population");
	if (x->denom_age_lo >= 0 && x->denom_age_hi >= 120)
		OB_HTML_TEXTF(pg->b, " aged %d and over", x->denom_age_lo);
	else if (x->denom_age_lo >= 0)
		OB_HTML_TEXTF(pg->b, " aged %d to %d", x->denom_age_lo, x->denom_age_hi);
}

static void dt(struct ob_page *pg, const char *es, const char *en)
{
	OB_HTML_LIT(pg->b, "<dt>");
	ob_html_text(pg->b, OB_L(pg, es, en));
	OB_HTML_LIT(pg->b, "</dt><dd>");
}

struct countries {
	size_t n;
	char code[OB_PORTAL_PROFILE_COUNTRIES][OB_MAX_NAME];
	char name[OB_PORTAL_PROFILE_COUNTRIES][OB_MAX_NAME];
};

static int add_country(void *arg, const struct ob_store_territory *t)
{
	struct countries *cs = arg;

	if (cs->n >= OB_PORTAL_PROFILE_COUNTRIES)
		return 1;
	ob_strlcpy(cs->code[cs->n], t->code, sizeof(cs->code[cs->n]));
	ob_strlcpy(cs->name[cs->n], t->name ? t->name : t->code, sizeof(cs->name[cs->n]));
	cs->n++;
	return 0;
}

/* The countries of the catalogue, by name (by code among equal names). */
static void load_countries(struct ob_page *pg, struct countries *cs)
{
	struct ob_diag ignored;

	cs->n = 0;
	if (!pg->c->ctx->store)
		return;
	ob_store_territories_each(pg->c->ctx->store, NULL, 0, add_country, cs, &ignored);
	for (size_t i = 1; i < cs->n; i++)
		for (size_t j = i; j > 0 && strcmp(cs->name[j - 1], cs->name[j]) > 0; j--) {
			char t[OB_MAX_NAME];
			ob_strlcpy(t, cs->name[j], sizeof(t));
			ob_strlcpy(cs->name[j], cs->name[j - 1], sizeof(cs->name[j]));
			ob_strlcpy(cs->name[j - 1], t, sizeof(cs->name[j - 1]));
			ob_strlcpy(t, cs->code[j], sizeof(t));
			ob_strlcpy(cs->code[j], cs->code[j - 1], sizeof(cs->code[j]));
			ob_strlcpy(cs->code[j - 1], t, sizeof(cs->code[j - 1]));
		}
}

/* Links to indicator x's row (#id) on each country's profile: the way from
 * the definition to the figures; the profile's rows link back here. */
static void profile_links(struct ob_page *pg, const struct countries *cs,
                          const struct ob_indicator *x)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	for (size_t i = 0; i < cs->n; i++) {
		ob_buf_reset(&u);
		ob_page_path(&u, OB_PAGE_TERRITORY, cs->code[i], pg->lang);
		ob_buf_puts(&u, "#");
		ob_buf_puts(&u, x->id);
		if (i)
			ob_html_text(pg->b, ", ");
		OB_HTML_LIT(pg->b, "<a class=\"profile\"");
		OB_HTML_ATTR(pg->b, "href", u.ptr);
		OB_HTML_LIT(pg->b, ">");
		ob_html_text(pg->b, cs->name[i]);
		OB_HTML_LIT(pg->b, "</a>");
	}
	if (!cs->n)
		ob_html_text(pg->b, "—");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

static void indicator_section(struct ob_page *pg, const struct ob_indicator_set *set,
                              const struct ob_indicator *x, json_t *published,
                              const struct countries *cs)
{
	struct ob_buf *b = pg->b;
	const char *inst = x->institution < 0 ? NULL
	                   : institution_words(pg, ob_institution_name(x->institution));
	bool any = false;
	json_t *meta = NULL, *m;
	size_t k;
	char url[OB_IND_ID_MAX + 32];

	json_array_foreach(published, k, m) {
		const char *id = json_string_value(json_object_get(m, "id"));
		if (id && !strcmp(id, x->id))
			meta = m;
	}
	OB_HTML_LIT(b, "<section class=\"indicator\"");
	OB_HTML_ATTR(b, "id", x->id);
	OB_HTML_LIT(b, ">\n<h3>");
	ob_html_text(b, OB_L(pg, x->name_es, x->name_en));
	OB_HTML_LIT(b, "</h3>\n<dl class=\"facts\">\n");
	dt(pg, "Definición", "Definition");
	ob_html_text(b, OB_L(pg, x->description_es, x->description_en));
	OB_HTML_LIT(b, "</dd>\n");
	dt(pg, "Unidad", "Unit");
	unit_words(pg, set, x);
	OB_HTML_LIT(b, "</dd>\n");
	dt(pg, "Institución fuente", "Source institution");
	ob_html_text(b, inst ? inst : OB_L(pg, "todas las fuentes", "every source"));
	OB_HTML_LIT(b, "</dd>\n");
	dt(pg, "Regla de conteo (publicación más reciente)", "Counting rule (latest release)");
	counting_rules(pg, json_object_get(meta, "counting_rules"));
	OB_HTML_LIT(b, "</dd>\n");
	dt(pg, "Código ODS", "SDG code");
	ob_html_text(b, x->sdg && *x->sdg ? x->sdg : "—");
	OB_HTML_LIT(b, "</dd>\n");
	dt(pg, "Desagregaciones", "Disaggregations");
	for (int by = 0; by < OB_BY_COUNT; by++) {
		if (!(x->by_allowed & (1u << by)))
			continue;
		OB_HTML_TEXTF(b, "%s", any ? ", " : "");
		ob_html_text(b, by_words(pg, ob_ind_by_name((enum ob_ind_by)by)));
		any = true;
	}
	if (!any)
		ob_html_text(b, "—");
	OB_HTML_LIT(b, "</dd>\n");
	dt(pg, "Cifras", "Figures");
	snprintf(url, sizeof(url), "/api/v1/indicators/%s", x->id);
	OB_HTML_LIT(b, "<a");
	OB_HTML_ATTR(b, "href", url);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, url);
	OB_HTML_LIT(b, "</a></dd>\n");
	dt(pg, "En los perfiles de territorio", "In the territory profiles");
	profile_links(pg, cs, x);
	OB_HTML_LIT(b, "</dd>\n</dl>\n</section>\n");
}

/* A survey indicator (catalog/survey_indicators.csv): a share estimated from
 * a survey, not a count of records. */
static void survey_section(struct ob_page *pg, const struct ob_svy_indicator *x)
{
	struct ob_buf *b = pg->b;
	char url[OB_MAX_NAME + 32];

	OB_HTML_LIT(b, "<section class=\"indicator\"");
	OB_HTML_ATTR(b, "id", x->id);
	OB_HTML_LIT(b, ">\n<h3>");
	ob_html_text(b, OB_L(pg, x->name_es, x->name_en));
	OB_HTML_LIT(b, "</h3>\n<dl class=\"facts\">\n");
	dt(pg, "Definición", "Definition");
	ob_html_text(b, OB_L(pg, x->description_es, x->description_en));
	OB_HTML_LIT(b, "</dd>\n");
	dt(pg, "Unidad", "Unit");
	ob_html_text(b, OB_L(pg, "porcentaje de: ", "percent of: "));
	ob_html_text(b, OB_L(pg, x->universe_es, x->universe_en));
	OB_HTML_LIT(b, "</dd>\n");
	dt(pg, "Fuente", "Source");
	ob_html_text(b, OB_L(pg, "encuesta por muestreo: estimación según su diseño, con su "
	                         "intervalo; sin número cuando hay muy pocos encuestados",
	                     "sample survey: design-based estimate with its interval; no number "
	                     "when there are too few respondents"));
	OB_HTML_LIT(b, "</dd>\n");
	dt(pg, "Código ODS", "SDG code");
	ob_html_text(b, *x->sdg ? x->sdg : "—");
	OB_HTML_LIT(b, "</dd>\n");
	dt(pg, "Cifras", "Figures");
	snprintf(url, sizeof(url), "/api/v1/indicators/%s", x->id);
	OB_HTML_LIT(b, "<a");
	OB_HTML_ATTR(b, "href", url);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, url);
	OB_HTML_LIT(b, "</a></dd>\n</dl>\n");
	ob_page_survey_by_sex(pg, x);
	ob_page_dark_figure(pg, x);
	OB_HTML_LIT(b, "</section>\n");
}

static void indicators(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	struct ob_indicator_set *set = NULL;
	struct ob_diag d;
	json_t *meta = NULL;
	long long *nums;
	bool def;
	struct countries *cs = ob_calloc(1, sizeof(*cs));
	struct ob_svy_catalog cat;

	OB_HTML_LIT(b, "<section id=\"indicators\">\n<h2>");
	ob_html_text(b, OB_L(pg, "Indicadores", "Indicators"));
	OB_HTML_LIT(b, "</h2>\n");
	ob_diag_clear(&d);
	if (ob_indicators_load_dir(pg->c->ctx->dir ? pg->c->ctx->dir : ".", &set, &def, &d)) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "Las definiciones de los indicadores no se pueden leer.",
		                     "The indicator definitions cannot be read."));
		OB_HTML_LIT(b, "</p>\n</section>\n");
		free(cs);
		return;
	}
	if (ob_svy_catalog_load(pg->c->ctx->dir ? pg->c->ctx->dir : ".", &cat, &d))
		cat.n = 0; /* no survey indicators to show, the others still */
	load_countries(pg, cs);
	if (release_numbers(pg->c->ctx->dir, &nums))
		meta = release_json(pg->c->ctx->dir, nums[0], "metadata.json");
	free(nums);
	OB_HTML_LIT(b, "<p>");
	ob_html_text(b, OB_L(pg, "Cada indicador del catálogo: su definición, unidad, institución "
	                         "de la que vienen sus cifras, la regla de conteo de cada país en "
	                         "la publicación más reciente, su código de los Objetivos de "
	                         "Desarrollo Sostenible y por qué se puede desagregar. Los mismos "
	                         "datos en ",
	                     "Each indicator of the catalogue: its definition, unit, the "
	                     "institution its figures come from, each country's counting rule in "
	                     "the latest release, its Sustainable Development Goals code and what "
	                     "it can be broken down by. The same in "));
	OB_HTML_LIT(b, "<a href=\"/api/v1/indicators\">/api/v1/indicators</a>.</p>\n<nav");
	OB_HTML_ATTR(b, "aria-label", OB_L(pg, "Indicadores", "Indicators"));
	OB_HTML_LIT(b, "><ul class=\"toc\">");
	for (size_t i = 0; i < set->n; i++) {
		char href[OB_IND_ID_MAX + 2];
		snprintf(href, sizeof(href), "#%s", set->v[i].id);
		OB_HTML_LIT(b, "<li><a");
		OB_HTML_ATTR(b, "href", href);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, OB_L(pg, set->v[i].name_es, set->v[i].name_en));
		OB_HTML_LIT(b, "</a></li>");
	}
	for (size_t i = 0; i < cat.n; i++) {
		char href[OB_MAX_NAME + 2];
		snprintf(href, sizeof(href), "#%s", cat.ind[i].id);
		OB_HTML_LIT(b, "<li><a");
		OB_HTML_ATTR(b, "href", href);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, OB_L(pg, cat.ind[i].name_es, cat.ind[i].name_en));
		OB_HTML_LIT(b, "</a></li>");
	}
	OB_HTML_LIT(b, "</ul></nav>\n");
	for (size_t i = 0; i < set->n; i++)
		indicator_section(pg, set, &set->v[i], json_object_get(meta, "indicators"), cs);
	for (size_t i = 0; i < cat.n; i++)
		survey_section(pg, &cat.ind[i]);
	OB_HTML_LIT(b, "</section>\n");
	ob_svy_catalog_release(&cat);
	free(cs);
	json_decref(meta);
	ob_indicators_free(set);
}

void ob_page_data(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	ob_page_begin(pg, OB_L(pg, "Datos y método", "Data and method"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Datos y método", "Data and method"));
	OB_HTML_LIT(b, "</h1>\n<p>");
	ob_html_text(b, OB_L(pg, "Todo lo que este portal muestra se puede descargar: las ",
	                     "Everything this portal shows can be downloaded: the "));
	OB_HTML_LIT(b, "<a href=\"#releases\">");
	ob_html_text(b, OB_L(pg, "publicaciones", "releases"));
	OB_HTML_LIT(b, "</a>");
	ob_html_text(b, OB_L(pg, " con sus archivos y huellas, la definición de cada ",
	                     " with their files and digests, each "));
	OB_HTML_LIT(b, "<a href=\"#indicators\">");
	ob_html_text(b, OB_L(pg, "indicador", "indicator's definition"));
	OB_HTML_LIT(b, "</a>");
	ob_html_text(b, OB_L(pg, " y la ", " and the "));
	ob_page_path(&u, OB_PAGE_DATA_API, NULL, pg->lang);
	OB_HTML_LIT(b, "<a");
	OB_HTML_ATTR(b, "href", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, OB_L(pg, "documentación de la API", "API documentation"));
	OB_HTML_LIT(b, "</a>.</p>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
	releases(pg);
	indicators(pg);
	ob_page_end(pg);
}

/* ---- the API's documentation ---- */

/* The half of an "es / en" text in the page's language (all of it when it
 * has no " / "). */
static void half(struct ob_page *pg, const char *s)
{
	const char *sep = s ? strstr(s, " / ") : NULL;

	if (!sep)
		ob_html_text(pg->b, s);
	else if (pg->lang == OB_LANG_ES)
		ob_html_textn(pg->b, s, (size_t)(sep - s));
	else
		ob_html_text(pg->b, sep + 3);
}

/* A parameter's schema in short: type, enumeration, bounds, default. */
static void schema_words(struct ob_page *pg, json_t *sc)
{
	struct ob_buf *b = pg->b;
	const char *type = json_string_value(json_object_get(sc, "type"));
	json_t *en = json_object_get(sc, "enum"), *v;
	size_t k;

	OB_HTML_LIT(b, "<code>");
	ob_html_text(b, type ? type : "—");
	OB_HTML_LIT(b, "</code>");
	if (json_array_size(en)) {
		ob_html_text(b, OB_L(pg, "; uno de ", "; one of "));
		json_array_foreach(en, k, v) {
			if (k)
				ob_html_text(b, ", ");
			OB_HTML_LIT(b, "<code>");
			ob_html_text(b, json_string_value(v));
			OB_HTML_LIT(b, "</code>");
		}
	}
	if (json_is_integer(json_object_get(sc, "minimum")) &&
	    json_is_integer(json_object_get(sc, "maximum")))
		OB_HTML_TEXTF(b, "; %lld..%lld",
		              (long long)json_integer_value(json_object_get(sc, "minimum")),
		              (long long)json_integer_value(json_object_get(sc, "maximum")));
	if ((v = json_object_get(sc, "default"))) {
		char *txt = json_dumps(v, JSON_ENCODE_ANY);
		ob_html_text(b, OB_L(pg, "; por omisión ", "; default "));
		OB_HTML_LIT(b, "<code>");
		ob_html_text(b, txt);
		OB_HTML_LIT(b, "</code>");
		free(txt);
	}
}

static void operation(struct ob_page *pg, const char *path, const char *method, json_t *op)
{
	struct ob_buf *b = pg->b;
	json_t *params = json_object_get(op, "parameters"), *resp = json_object_get(op, "responses");
	const char *opid = json_string_value(json_object_get(op, "operationId"));
	const char *role = json_string_value(json_object_get(op, "x-role"));
	const char *code;
	json_t *p;
	size_t k;
	char upper[8];
	size_t o = 0;

	for (const char *m = method; *m && o + 1 < sizeof(upper); m++)
		upper[o++] = (char)(*m >= 'a' && *m <= 'z' ? *m - 32 : *m);
	upper[o] = '\0';
	OB_HTML_LIT(b, "<section class=\"operation\"");
	OB_HTML_ATTR(b, "id", opid);
	OB_HTML_LIT(b, ">\n<h3><span class=\"method\">");
	ob_html_text(b, upper);
	OB_HTML_LIT(b, "</span> <code class=\"path\">");
	ob_html_text(b, path);
	OB_HTML_LIT(b, "</code></h3>\n<p>");
	ob_html_text(b, json_string_value(json_object_get(op, pg->lang == OB_LANG_ES ? "description"
	                                                                                : "summary")));
	OB_HTML_LIT(b, "</p>\n");
	if (role && strcmp(role, "public")) {
		OB_HTML_LIT(b, "<p class=\"note\">");
		ob_html_text(b, OB_L(pg, "Requiere una sesión con el rol ",
		                     "Needs a session with the role "));
		OB_HTML_LIT(b, "<code>");
		ob_html_text(b, role);
		OB_HTML_LIT(b, "</code>");
		if (json_is_true(json_object_get(op, "x-audited")))
			ob_html_text(b, OB_L(pg, "; cada lectura queda en la bitácora de auditoría",
			                     "; every read is audited"));
		OB_HTML_LIT(b, ".</p>\n");
	}
	if (json_array_size(params)) {
		OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"params\">\n<caption>");
		ob_html_text(b, OB_L(pg, "Parámetros", "Parameters"));
		OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
		ob_html_text(b, OB_L(pg, "Nombre", "Name"));
		OB_HTML_LIT(b, "</th><th scope=\"col\">");
		ob_html_text(b, OB_L(pg, "Tipo", "Type"));
		OB_HTML_LIT(b, "</th><th scope=\"col\">");
		ob_html_text(b, OB_L(pg, "Descripción", "Description"));
		OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
		json_array_foreach(params, k, p) {
			OB_HTML_LIT(b, "<tr><th scope=\"row\"><code>");
			ob_html_text(b, json_string_value(json_object_get(p, "name")));
			OB_HTML_LIT(b, "</code>");
			if (json_is_true(json_object_get(p, "required")))
				OB_HTML_LIT(b, " <abbr class=\"req\" title=\"required\">*</abbr>");
			/* where it goes: "query", "path"... */
			OB_HTML_LIT(b, "<br><span class=\"note\">");
			ob_html_text(b, OB_L(pg, "en ", "in "));
			ob_html_text(b, json_string_value(json_object_get(p, "in")));
			OB_HTML_LIT(b, "</span></th><td>");
			schema_words(pg, json_object_get(p, "schema"));
			OB_HTML_LIT(b, "</td><td>");
			half(pg, json_string_value(json_object_get(p, "description")));
			OB_HTML_LIT(b, "</td></tr>\n");
		}
		OB_HTML_LIT(b, "</tbody></table></div>\n");
	}
	OB_HTML_LIT(b, "<p class=\"responses\">");
	ob_html_text(b, OB_L(pg, "Respuestas: ", "Responses: "));
	json_object_foreach(resp, code, p) {
		const char *desc = json_string_value(json_object_get(p, "description"));
		OB_HTML_LIT(b, "<code>");
		ob_html_text(b, code);
		OB_HTML_LIT(b, "</code>");
		if (desc) {
			ob_html_text(b, " (");
			ob_html_text(b, desc);
			ob_html_text(b, ")");
		}
		ob_html_text(b, " ");
	}
	OB_HTML_LIT(b, "</p>\n</section>\n");
}

void ob_page_data_api(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	/* the very bytes GET /api/v1/openapi.json answers, under its ceiling */
	struct ob_buf doc = OB_BUF_INIT(pg->b->max);
	json_t *root = NULL, *paths, *ops, *op;
	json_error_t jerr;
	const char *path, *method;

	if (!ob_http_openapi(&doc))
		root = json_loadb(doc.ptr, doc.len, 0, &jerr);
	ob_buf_release(&doc);
	ob_page_begin(pg, OB_L(pg, "Documentación de la API", "API documentation"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Documentación de la API", "API documentation"));
	OB_HTML_LIT(b, "</h1>\n<p>");
	ob_html_text(b, OB_L(pg, "Esta página se escribe a partir del documento OpenAPI que sirve "
	                         "la propia API: ",
	                     "This page is written from the OpenAPI document the API itself "
	                     "serves: "));
	OB_HTML_LIT(b, "<a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>. ");
	ob_html_text(b, OB_L(pg, "Las rutas públicas no piden sesión; las demás, un token "
	                         "(Authorization: Bearer) de una cuenta con el rol indicado. "
	                         "Un asterisco marca los parámetros obligatorios.",
	                     "Public routes need no session; the others a token "
	                     "(Authorization: Bearer) of an account with the role shown. "
	                     "An asterisk marks the required parameters."));
	OB_HTML_LIT(b, "</p>\n");
	if (!root) {
		pg->c->res->status = 500;
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "El documento no se pudo escribir.",
		                     "The document could not be written."));
		OB_HTML_LIT(b, "</p>\n");
		ob_page_end(pg);
		return;
	}
	paths = json_object_get(root, "paths");
	OB_HTML_LIT(b, "<nav");
	OB_HTML_ATTR(b, "aria-label", OB_L(pg, "Rutas", "Paths"));
	OB_HTML_LIT(b, "><ul class=\"toc\">");
	json_object_foreach(paths, path, ops) {
		json_object_foreach(ops, method, op) {
			const char *opid = json_string_value(json_object_get(op, "operationId"));
			char href[300];
			snprintf(href, sizeof(href), "#%s", opid ? opid : "");
			OB_HTML_LIT(b, "<li><a");
			OB_HTML_ATTR(b, "href", href);
			OB_HTML_LIT(b, "><code>");
			OB_HTML_TEXTF(b, "%s %s", method, path);
			OB_HTML_LIT(b, "</code></a></li>");
		}
	}
	OB_HTML_LIT(b, "</ul></nav>\n");
	json_object_foreach(paths, path, ops)
		json_object_foreach(ops, method, op)
			operation(pg, path, method, op);
	json_decref(root);
	ob_page_end(pg);
}
