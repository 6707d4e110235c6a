/*
 * cmd_harvest.c - "observa harvest": national observa releases read over
 * HTTP(S) into a regional observatory, verified against their manifests;
 * "--status" says what each country's figures come from and "--compare"
 * puts one indicator of every country side by side (docs/harvest.md).
 *
 * A source is a URL where releases are served: the folder holding v1/,
 * v2/, ... (observa serve's /api/v1/releases, or any web server over
 * DIR/releases), or one release (a URL ending in /vN). The newest release
 * is found by asking for v1/manifest.json, v2/... (from the version last
 * harvested there) until one is missing. Its manifest.json, catalog.jsonld
 * and the CSV tables of store/harvest.h are downloaded into a temporary
 * folder of the observatory, each bounded by the size its manifest declares
 * (io/fetch.h), and checked: size and SHA-256 as declared, or the release
 * is refused naming the file, what was expected and what came. Only then
 * are the tables read and loaded, in one transaction (store/harvest.h).
 * A release already harvested (same version, same manifest) is skipped.
 */
#include "base/common.h"
#include "base/file.h"
#include "base/sha256.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "io/csv.h"
#include "io/csvw.h"
#include "io/fetch.h"
#include "io/ini.h"
#include "store/harvest.h"

#include <jansson.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

/* The observatory's list of sources. */
#define HARVEST_INI "catalog/harvest.ini"

void cmd_harvest_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa harvest [-d DIR] [--timeout S] [--max-bytes N] [PAÍS=]URL...\n"
	"     observa harvest [-d DIR] --status\n"
	"     observa harvest [-d DIR] --compare INDICADOR --year AÑO [--sex T|F|M]\n"
	"                     [--level N] [--format table|csv]\n\n"
	"Cosecha publicaciones nacionales de observa en este observatorio regional.\n"
	"URL es donde se sirven las publicaciones (la carpeta con v1/, v2/...: la ruta\n"
	"/api/v1/releases de «observa serve») o una publicación (…/vN). Se toma la más\n"
	"reciente; se descargan manifest.json, catalog.jsonld y las tablas CSV\n"
	"(indicators, counts_iccs, violent_deaths), cada una acotada al tamaño que\n"
	"declara el manifiesto, y se comprueban tamaño y SHA-256: ante cualquier\n"
	"diferencia la publicación se rechaza entera. Con PAÍS= (código del país en la\n"
	"publicación, p. ej. SLV) solo se toman las filas de ese país. Cada país\n"
	"reemplaza sus celdas anteriores; una publicación ya cosechada (misma versión\n"
	"y manifiesto) se omite. Sin URL se usan las de " HARVEST_INI
	" ([harvest]:\n"
	"PAÍS = URL, o url = URL).\n\n"
	"  --timeout S     segundos por archivo (1800 por omisión; también conexión y\n"
	"                  sin avance, si son mayores)\n"
	"  --max-bytes N   bytes por archivo como máximo (2 GiB por omisión)\n"
	"  --status        cada país: fuente, versión, celdas, cuándo\n"
	"  --compare IND   el indicador IND de cada país, lado a lado, con su intervalo y\n"
	"                  su estado (C reservado, M sin datos: nunca 0)\n",
	"usage: observa harvest [-d DIR] [--timeout S] [--max-bytes N] [COUNTRY=]URL...\n"
	"       observa harvest [-d DIR] --status\n"
	"       observa harvest [-d DIR] --compare INDICATOR --year YEAR [--sex T|F|M]\n"
	"                       [--level N] [--format table|csv]\n\n"
	"Harvests national observa releases into this regional observatory. URL is\n"
	"where releases are served (the folder holding v1/, v2/...: observa serve's\n"
	"/api/v1/releases) or one release (.../vN). The newest is taken; manifest.json,\n"
	"catalog.jsonld and the CSV tables (indicators, counts_iccs, violent_deaths)\n"
	"are downloaded, each bounded by the size the manifest declares, and their\n"
	"size and SHA-256 checked: on any difference the whole release is refused.\n"
	"With COUNTRY= (the country's code in the release, e.g. SLV) only that\n"
	"country's rows are taken. Each country replaces its earlier cells; a release\n"
	"already harvested (same version and manifest) is skipped. Without URL, those\n"
	"of " HARVEST_INI " are used ([harvest]: COUNTRY = URL, or url = URL).\n\n"
	"  --timeout S     seconds per file (default 1800; also connecting and no\n"
	"                  progress, when longer)\n"
	"  --max-bytes N   most bytes per file (default 2 GiB)\n"
	"  --status        each country: source, version, cells, when\n"
	"  --compare IND   indicator IND of every country side by side, with its\n"
	"                  interval and status (C withheld, M no data: never 0)\n"),
	      out);
}

struct source {
	char country[8]; /* "" for every country of the release */
	char url[OB_FETCH_URL_MAX + 1];
};

struct opts {
	struct source src[OB_HARVEST_MAX_SOURCES];
	size_t nsrc;
	struct ob_fetch_limits lim;
	bool status, csv;
	const char *compare, *sex;
	long long year, level;
	bool year_given;
};

/* ---- sources ---- */

static ob_err add_source(struct opts *o, const char *arg, const char *file, long line,
                         struct ob_diag *d)
{
	const char *eq = strchr(arg, '='), *url = arg;
	const char *colon = strstr(arg, "://");
	struct source *s;

	if (o->nsrc == OB_HARVEST_MAX_SOURCES)
		return OB_DIAG(d, OB_ETOOBIG, file, line, 0, arg, strlen(arg),
		               "más de %d fuentes", "more than %d sources", OB_HARVEST_MAX_SOURCES);
	s = &o->src[o->nsrc];
	s->country[0] = 0;
	if (eq && (!colon || eq < colon)) {
		size_t n = (size_t)(eq - arg);
		if (!n || n >= sizeof(s->country))
			return OB_DIAG(d, OB_EINVAL, file, line, 0, arg, strlen(arg),
			               "se esperaba PAÍS=URL con un código de país de hasta %d letras",
			               "expected COUNTRY=URL with a country code of up to %d letters",
			               (int)sizeof(s->country) - 1);
		memcpy(s->country, arg, n);
		s->country[n] = 0;
		url = eq + 1;
	}
	if (!ob_fetch_url_ok(url))
		return OB_DIAG(d, OB_EINVAL, file, line, 0, url, strlen(url),
		               "se esperaba una dirección http:// o https:// de hasta %d bytes",
		               "expected an http:// or https:// address of up to %d bytes",
		               OB_FETCH_URL_MAX);
	ob_strlcpy(s->url, url, sizeof(s->url));
	/* no trailing slash: URLs are built as url + "/vN/file" */
	for (size_t n = strlen(s->url); n > 0 && s->url[n - 1] == '/'; n--)
		s->url[n - 1] = 0;
	o->nsrc++;
	return OB_OK;
}

struct ini_ctx {
	struct opts *o;
	const char *name;
	struct ob_diag *d;
};

static ob_err on_ini(void *arg, const struct ob_ini_item *it)
{
	struct ini_ctx *c = arg;
	char item[16 + OB_FETCH_URL_MAX];

	if (!it->key || strcmp(it->section, "harvest"))
		return OB_OK;
	if (!strcmp(it->key, "url")) {
		ob_strlcpy(item, it->value, sizeof(item));
	} else if (snprintf(item, sizeof(item), "%s=%s", it->key, it->value) >= (int)sizeof(item)) {
		return OB_DIAG(c->d, OB_ETOOBIG, c->name, it->line, it->value_column, NULL, 0,
		               "dirección demasiado larga", "address too long");
	}
	return add_source(c->o, item, c->name, it->line, c->d);
}

static ob_err read_config(const char *dir, struct opts *o, struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	char *text = NULL;
	size_t len = 0;
	struct ini_ctx c = { o, HARVEST_INI, d };
	ob_err e;

	if (snprintf(path, sizeof(path), "%s/%s", dir, HARVEST_INI) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (access(path, F_OK) != 0)
		return OB_OK;
	if ((e = ob_read_file(path, OB_FETCH_MANIFEST_MAX, &text, &len, d)))
		return e;
	e = ob_ini_parse(text, len, path, 0, on_ini, &c, d);
	free(text);
	return e;
}

/* ---- downloading ---- */

struct dl {
	FILE *f;
	struct ob_sha256 sha;
	const char *name;
	long long got, total, shown;
	bool progress;
};

static ob_err to_file(void *arg, const void *p, size_t n, struct ob_diag *d)
{
	struct dl *x = arg;

	if (fwrite(p, 1, n, x->f) != n)
		return OB_DIAG(d, OB_EIO, x->name, 0, 0, NULL, 0, "no se pudo escribir: %s",
		               "cannot write: %s", strerror(errno));
	ob_sha256_update(&x->sha, p, n);
	x->got += (long long)n;
	if (x->progress && x->got - x->shown >= (1 << 20)) {
		x->shown = x->got;
		fprintf(stderr, "\r  %s: %lld / %lld MB", x->name, x->got >> 20, x->total >> 20);
	}
	return OB_OK;
}

static ob_err to_buf(void *arg, const void *p, size_t n, struct ob_diag *d)
{
	struct ob_buf *b = arg;

	if (ob_buf_add(b, p, n))
		return OB_DIAG(d, OB_ETOOBIG, "manifest.json", 0, 0, NULL, 0,
		               "manifiesto de más de %d bytes", "manifest over %d bytes",
		               OB_FETCH_MANIFEST_MAX);
	return OB_OK;
}

/* The manifest of base/vN into b; OB_ENOENT when there is none. */
static ob_err get_manifest(const char *base, long long n, const struct ob_fetch_limits *lim,
                           struct ob_buf *b, struct ob_diag *d)
{
	char url[OB_FETCH_URL_MAX + 64];
	struct ob_fetch_limits l = *lim;

	if (snprintf(url, sizeof(url), "%s/v%lld/manifest.json", base, n) >= (int)sizeof(url))
		return OB_DIAG(d, OB_ETOOBIG, base, 0, 0, NULL, 0, "dirección demasiado larga",
		               "address too long");
	/* its own bound, whatever --max-bytes says of the files */
	l.max_bytes = OB_FETCH_MANIFEST_MAX;
	ob_buf_reset(b);
	return ob_fetch(url, &l, to_buf, b, NULL, d);
}

/* Whether url ends in /vN; its base (without /vN) in base and N in *n. */
static bool names_release(const char *url, char *base, size_t size, long long *n)
{
	const char *slash = strrchr(url, '/');
	size_t len;

	if (!slash || slash[1] != 'v' || !slash[2])
		return false;
	len = strlen(slash + 2);
	if (!ob_parse_int(slash + 2, len, 1, INT32_MAX, n))
		return false;
	ob_strlcpy(base, url, size);
	base[slash - url] = 0;
	return true;
}

/* A file the manifest lists. */
struct mfile {
	const char *path, *sha256;
	long long bytes;
};

static ob_err manifest_file(json_t *files, const char *path, struct mfile *f, const char *url,
                            struct ob_diag *d)
{
	size_t i;
	json_t *it;

	json_array_foreach(files, i, it) {
		const char *p = json_string_value(json_object_get(it, "path"));
		json_t *b = json_object_get(it, "bytes");
		const char *h = json_string_value(json_object_get(it, "sha256"));

		if (!p || strcmp(p, path))
			continue;
		if (!json_is_integer(b) || json_integer_value(b) < 0 || !h || strlen(h) != 64)
			return OB_DIAG(d, OB_EPARSE, url, 0, 0, path, strlen(path),
			               "el manifiesto no da «bytes» y «sha256» válidos de este archivo",
			               "the manifest gives no valid \"bytes\" and \"sha256\" of this file");
		f->path = p;
		f->sha256 = h;
		f->bytes = (long long)json_integer_value(b);
		return OB_OK;
	}
	return OB_DIAG(d, OB_ENOENT, url, 0, 0, path, strlen(path),
	               "el manifiesto no incluye este archivo", "the manifest does not list this file");
}

/* Download base/ver/f->path into tmp/<name> and check it against f. */
static ob_err get_file(const char *base, const char *ver, const struct mfile *f,
                       const char *tmp, const struct ob_fetch_limits *lim, bool progress,
                       struct ob_diag *d)
{
	char url[OB_FETCH_URL_MAX + 128], path[OB_MAX_PATH], hex[65];
	unsigned char dig[OB_SHA256_LEN];
	struct ob_fetch_limits l = *lim;
	struct dl x = { .name = f->path, .total = f->bytes, .progress = progress };
	ob_err e;

	if (snprintf(url, sizeof(url), "%s/%s/%s", base, ver, f->path) >= (int)sizeof(url) ||
	    snprintf(path, sizeof(path), "%s/%s", tmp, f->path) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, base, 0, 0, NULL, 0, "dirección demasiado larga",
		               "address too long");
	/* never more than the manifest says */
	if (l.max_bytes > f->bytes)
		l.max_bytes = f->bytes;
	if (f->bytes > lim->max_bytes)
		return OB_DIAG(d, OB_ETOOBIG, url, 0, 0, NULL, 0,
		               "el manifiesto declara %lld bytes, más que el límite de %lld",
		               "the manifest declares %lld bytes, more than the bound of %lld",
		               f->bytes, lim->max_bytes);
	if (!(x.f = fopen(path, "wbx")))
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		               "cannot create: %s", strerror(errno));
	ob_sha256_init(&x.sha);
	e = ob_fetch(url, &l, to_file, &x, NULL, d);
	if (x.progress && x.shown)
		fputc('\n', stderr);
	if (fclose(x.f) != 0 && !e)
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo escribir: %s",
		            "cannot write: %s", strerror(errno));
	if (e)
		return e;
	if (x.got != f->bytes)
		return OB_DIAG(d, OB_ECORRUPT, url, 0, 0, NULL, 0,
		               "%s: el manifiesto declara %lld bytes y llegaron %lld",
		               "%s: the manifest declares %lld bytes and %lld arrived", f->path,
		               f->bytes, x.got);
	ob_sha256_final(&x.sha, dig);
	ob_sha256_hex(dig, hex);
	if (strcmp(hex, f->sha256))
		return OB_DIAG(d, OB_ECORRUPT, url, 0, 0, NULL, 0,
		               "%s: SHA-256 esperado %s (manifiesto), obtenido %s",
		               "%s: SHA-256 expected %s (manifest), got %s", f->path, f->sha256,
		               hex);
	return OB_OK;
}

/* ---- loading ---- */

/* The columns read from each table; -1 where it has none. */
enum { C_SERIES, C_COUNTRY, C_TERR, C_NAME, C_LEVEL, C_YEAR, C_SEX, C_RULE, C_COUNT, C_VALUE,
       C_LOWER, C_UPPER, C_STATUS, NCOLS };

static const char *field(const struct ob_csv_record *r, long i)
{
	return i >= 0 && (size_t)i < r->nfields ? r->fields[i].ptr : NULL;
}

static ob_err load_table(struct ob_store_harvest_load *load, const char *tmp, const char *table,
                         const char *only, struct ob_diag *d)
{
	const char *names[NCOLS] = { NULL, "country", "territory", "territory_name", "level",
		                     "year", "sex", "counting_rule", "count", "value", "lower",
		                     "upper", "status" };
	bool required[NCOLS] = { true, true, true, false, true, true, false, false, true,
		                 false, false, false, true };
	char path[OB_MAX_PATH], name[64];
	struct ob_csv_options co = { .encoding = OB_ENC_UTF8, .delimiter = ',' };
	struct ob_csv_reader *r = NULL;
	const struct ob_csv_record *rec;
	long idx[NCOLS];
	ob_err e;

	names[C_SERIES] = !strcmp(table, "indicators")  ? "indicator" :
	                  !strcmp(table, "counts_iccs") ? "iccs" :
	                                                  "count_of";
	snprintf(name, sizeof(name), "%s.csv", table);
	if (snprintf(path, sizeof(path), "%s/%s", tmp, name) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, tmp, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if ((e = ob_csv_open(path, name, &co, &r, d)))
		return e;
	if ((e = ob_csv_next(r, &rec, d)) ||
	    (e = ob_csv_header_columns(rec, name, names, required, NCOLS, idx, d)))
		goto close_reader;
	while (!(e = ob_csv_next(r, &rec, d))) {
		struct ob_harvest_cell c = { .table = table };
		const char *lv = field(rec, idx[C_LEVEL]), *yr = field(rec, idx[C_YEAR]);

		if (rec->blank)
			continue;
		c.country = field(rec, idx[C_COUNTRY]);
		if (c.country && only && strcmp(c.country, only))
			continue;
		c.series = field(rec, idx[C_SERIES]);
		c.territory = field(rec, idx[C_TERR]);
		c.name = field(rec, idx[C_NAME]);
		c.sex = field(rec, idx[C_SEX]);
		c.counting_rule = field(rec, idx[C_RULE]);
		c.count = field(rec, idx[C_COUNT]);
		c.value = field(rec, idx[C_VALUE]);
		c.lower = field(rec, idx[C_LOWER]);
		c.upper = field(rec, idx[C_UPPER]);
		c.status = field(rec, idx[C_STATUS]);
		if (!c.country || !c.series || !c.territory || !c.status || !lv || !yr) {
			e = OB_DIAG(d, OB_EPARSE, name, rec->line, 0, NULL, 0,
			            "faltan columnas en la fila", "the row lacks columns");
			break;
		}
		if (!ob_parse_int(lv, strlen(lv), 0, 9, &c.level)) {
			e = OB_DIAG(d, OB_EPARSE, name, rec->line, idx[C_LEVEL] + 1, lv, strlen(lv),
			            "se esperaba un nivel 0 a 9", "expected a level 0 to 9");
			break;
		}
		if (!ob_parse_int(yr, strlen(yr), 1900, 2999, &c.year)) {
			e = OB_DIAG(d, OB_EPARSE, name, rec->line, idx[C_YEAR] + 1, yr, strlen(yr),
			            "se esperaba un año", "expected a year");
			break;
		}
		if (strcmp(c.status, "") && strcmp(c.status, "C") && strcmp(c.status, "M")) {
			e = OB_DIAG(d, OB_EPARSE, name, rec->line, idx[C_STATUS] + 1, c.status,
			            strlen(c.status),
			            "se esperaba un estado vacío, C (reservado) o M (sin datos)",
			            "expected an empty status, C (withheld) or M (no data)");
			break;
		}
		if ((e = ob_store_harvest_add(load, &c, d)))
			break;
	}
	if (e == OB_ENOENT)
		e = OB_OK;
close_reader:
	ob_csv_close(r);
	return e;
}

/* ---- one source ---- */

static void remove_tmp(const char *tmp)
{
	static const char *const names[] = { "manifest.json", "catalog.jsonld", "indicators.csv",
		                             "counts_iccs.csv", "violent_deaths.csv" };
	char path[OB_MAX_PATH];

	for (size_t i = 0; i < OB_ARRAY_SIZE(names); i++)
		if (snprintf(path, sizeof(path), "%s/%s", tmp, names[i]) < (int)sizeof(path))
			unlink(path);
	rmdir(tmp);
}

/* Harvest one source; OB_OK also when it was skipped as unchanged. */
static ob_err harvest_one(struct ob_cmd_ctx *ctx, struct ob_store *st, const struct opts *o,
                          const struct source *s, struct ob_diag *d)
{
	static const char *const tables[] = { OB_HARVEST_TABLES };
	struct ob_buf man = OB_BUF_INIT(OB_FETCH_MANIFEST_MAX);
	char base[OB_FETCH_URL_MAX + 1], ver[32], last_ver[32], last_sha[65], sha[65];
	char tmp[OB_MAX_PATH];
	unsigned char dig[OB_SHA256_LEN];
	const char *only = s->country[0] ? s->country : NULL;
	long long n = 1, newest = 0;
	bool found, progress = !ctx->quiet && isatty(STDERR_FILENO);
	struct ob_store_harvest_load *load = NULL;
	json_t *m = NULL, *files;
	json_error_t je;
	ob_err e;

	if ((e = ob_store_harvest_last(st, s->url, only, last_ver, last_sha, &found, d)))
		goto release_buf;
	if (names_release(s->url, base, sizeof(base), &n)) {
		if ((e = get_manifest(base, n, &o->lim, &man, d)))
			goto release_buf;
		newest = n;
	} else {
		struct ob_buf probe = OB_BUF_INIT(OB_FETCH_MANIFEST_MAX);
		long long from = 1;

		ob_strlcpy(base, s->url, sizeof(base));
		/* from the version last harvested here: the newest is at or after it */
		if (found && last_ver[0] == 'v' &&
		    ob_parse_int(last_ver + 1, strlen(last_ver + 1), 1, INT32_MAX, &from) &&
		    get_manifest(base, from, &o->lim, &probe, d))
			from = 1;
		for (n = from; n < from + OB_HARVEST_MAX_VERSIONS; n++) {
			e = get_manifest(base, n, &o->lim, &probe, d);
			if (e == OB_ENOENT)
				break;
			if (e)
				break;
			newest = n;
			ob_buf_reset(&man);
			if ((e = ob_buf_add(&man, probe.ptr, probe.len)))
				break;
		}
		ob_buf_release(&probe);
		if (e == OB_ENOENT && newest)
			e = OB_OK;
		if (e == OB_ENOENT)
			OB_DIAG(d, OB_ENOENT, s->url, 0, 0, NULL, 0,
			        "no hay publicaciones (no se encontró v%lld/manifest.json)",
			        "no releases (v%lld/manifest.json not found)", from);
		if (e)
			goto release_buf;
	}
	snprintf(ver, sizeof(ver), "v%lld", newest);
	{
		struct ob_sha256 c;
		ob_sha256_init(&c);
		ob_sha256_update(&c, man.ptr, man.len);
		ob_sha256_final(&c, dig);
		ob_sha256_hex(dig, sha);
	}
	if (found && !strcmp(last_ver, ver) && !strcmp(last_sha, sha)) {
		OB_NOTICE("%s%s%s: %s ya cosechada (manifiesto %.12s): sin cambios",
		          "%s%s%s: %s already harvested (manifest %.12s): unchanged",
		          only ? only : "", only ? "=" : "", s->url, ver, sha);
		e = OB_OK;
		goto release_buf;
	}
	if (!(m = json_loadb(man.ptr, man.len, 0, &je)) ||
	    !json_is_array(files = json_object_get(m, "files"))) {
		e = OB_DIAG(d, OB_EPARSE, s->url, m ? 0 : je.line, m ? 0 : je.column, NULL, 0,
		            "%s/manifest.json no es un manifiesto de observa%s%s",
		            "%s/manifest.json is not an observa manifest%s%s", ver,
		            m ? "" : ": ", m ? "" : je.text);
		goto free_json;
	}
	{
		const char *rv = json_string_value(json_object_get(m, "release"));
		if (!rv || strcmp(rv, ver)) {
			e = OB_DIAG(d, OB_ECORRUPT, s->url, 0, 0, rv, rv ? strlen(rv) : 0,
			            "%s/manifest.json dice ser otra publicación",
			            "%s/manifest.json says it is another release", ver);
			goto free_json;
		}
	}
	if (snprintf(tmp, sizeof(tmp), "%s/.harvest-XXXXXX", ctx->dir) >= (int)sizeof(tmp) ||
	    !mkdtemp(tmp)) {
		e = OB_DIAG(d, OB_EIO, ctx->dir, 0, 0, NULL, 0,
		            "no se pudo crear una carpeta temporal: %s",
		            "cannot create a temporary folder: %s", strerror(errno));
		goto free_json;
	}
	OB_INFO("%s%s%s: %s (manifiesto %.12s)", "%s%s%s: %s (manifest %.12s)",
	        only ? only : "", only ? "=" : "", s->url, ver, sha);
	/* every file verified before anything is loaded */
	{
		static const char *const need[] = { "catalog.jsonld", "indicators.csv",
			                            "counts_iccs.csv", "violent_deaths.csv" };
		for (size_t i = 0; i < OB_ARRAY_SIZE(need); i++) {
			struct mfile f = { 0 };
			if ((e = manifest_file(files, need[i], &f, s->url, d)) ||
			    (e = get_file(base, ver, &f, tmp, &o->lim, progress, d)))
				goto remove_tmp;
		}
	}
	if ((e = ob_store_harvest_begin(st, s->url, ver, sha, &load, d)))
		goto remove_tmp;
	for (size_t i = 0; i < OB_ARRAY_SIZE(tables); i++)
		if ((e = load_table(load, tmp, tables[i], only, d)))
			goto abort_load;
	if (!ob_store_harvest_added(load)) {
		e = OB_DIAG(d, OB_EEMPTY, s->url, 0, 0, only, only ? strlen(only) : 0,
		            "%s no tiene filas%s", "%s has no rows%s", ver,
		            only ? OB_TR(" de este país", " of this country") : "");
		goto abort_load;
	}
	{
		long long cells = ob_store_harvest_added(load);
		if ((e = ob_store_harvest_commit(load, d)))
			goto remove_tmp;
		OB_NOTICE("%s%s%s: %s cosechada: %lld celdas", "%s%s%s: %s harvested: %lld cells",
		          only ? only : "", only ? "=" : "", s->url, ver, cells);
	}
	goto remove_tmp;
abort_load:
	ob_store_harvest_abort(load);
remove_tmp:
	remove_tmp(tmp);
free_json:
	json_decref(m);
release_buf:
	ob_buf_release(&man);
	return e;
}

/* ---- --status and --compare ---- */

/* Print s in a column of w characters (UTF-8: a character is any byte
 * but a continuation byte), left-aligned, or right-aligned when right;
 * then sep. */
static void col(const char *s, int w, bool right, const char *sep)
{
	int n = 0;

	for (const char *p = s; *p; p++)
		n += ((unsigned char)*p & 0xC0) != 0x80;
	if (right)
		for (; n < w; n++)
			putchar(' ');
	fputs(s, stdout);
	if (!right)
		for (; n < w; n++)
			putchar(' ');
	fputs(sep, stdout);
}

/* One line of the --compare table. */
static void cmp_line(const char *country, const char *terr, const char *name, const char *sex,
                     const char *value, const char *interval, const char *count,
                     const char *release)
{
	col(country, 4, false, " ");
	col(terr, 10, false, " ");
	col(name, 28, false, " ");
	col(sex, 2, false, " ");
	col(value, 10, true, "  ");
	col(interval, 23, false, " ");
	col(count, 8, true, "  ");
	col(release, 0, false, "\n");
}

static const char *vtext(const struct ob_store_value *v)
{
	return v->type == OB_STORE_NULL ? "" : v->text ? v->text : "";
}

static int status_row(void *arg, const struct ob_store_value *v, size_t n)
{
	struct ob_csvw *w = arg;

	(void)n;
	if (w) {
		for (size_t i = 0; i < OB_STORE_HARVEST_SOURCE_COLUMNS; i++)
			if (v[i].type == OB_STORE_INT)
				ob_csvw_int(w, v[i].i);
			else
				ob_csvw_str(w, vtext(&v[i]));
		ob_csvw_end(w);
		return 0;
	}
	{
		char cells[32], sha[13];
		snprintf(cells, sizeof(cells), "%lld", v[5].i);
		ob_strlcpy(sha, vtext(&v[3]), sizeof(sha));
		col(vtext(&v[0]), 8, false, " ");
		col(vtext(&v[2]), 8, false, " ");
		col(cells, 10, true, "  ");
		col(vtext(&v[4]), 20, false, "  ");
		col(sha, 12, false, "  ");
		col(vtext(&v[1]), 0, false, "\n");
	}
	return 0;
}

static int run_status(struct ob_store *st, bool csv)
{
	struct ob_diag d;
	struct ob_csvw w;
	int rc;

	ob_diag_clear(&d);
	if (csv) {
		ob_csvw_init(&w, stdout, ',');
		fputs("country,url,version,manifest_sha256,harvested_at,cells\n", stdout);
	} else {
		col(OB_TR("país", "country"), 8, false, " ");
		col(OB_TR("versión", "version"), 8, false, " ");
		col(OB_TR("celdas", "cells"), 10, true, "  ");
		col(OB_TR("cosechada", "harvested"), 20, false, "  ");
		col(OB_TR("manifiesto", "manifest"), 12, false, "  ");
		col(OB_TR("fuente", "source"), 0, false, "\n");
	}
	rc = ob_store_harvest_sources_each(st, status_row, csv ? &w : NULL, &d);
	if (rc < 0) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	return OB_EXIT_OK;
}

struct cmp_out {
	struct ob_csvw *w;
	long long rows;
	const char *indicator;
	long long year;
};

/* The header, before the first row (none when no country has the cells). */
static void cmp_header(const struct cmp_out *o)
{
	if (o->w) {
		fputs("country,territory,territory_name,level,year,sex,count,value,lower,upper,"
		      "status,release,url,counting_rule\n",
		      stdout);
		return;
	}
	printf("%s %s, %lld\n", OB_TR("Indicador", "Indicator"), o->indicator, o->year);
	cmp_line(OB_TR("país", "ctry"), OB_TR("territorio", "territory"), OB_TR("nombre", "name"),
	         OB_TR("sx", "sx"), OB_TR("valor", "value"), OB_TR("intervalo", "interval"),
	         OB_TR("conteo", "count"), OB_TR("versión", "release"));
}

static int compare_row(void *arg, const struct ob_store_value *v, size_t n)
{
	struct cmp_out *o = arg;
	const char *status = vtext(&v[10]);

	(void)n;
	if (!o->rows++)
		cmp_header(o);
	if (o->w) {
		for (size_t i = 0; i < OB_STORE_HARVEST_CELL_COLUMNS; i++)
			if (v[i].type == OB_STORE_INT)
				ob_csvw_int(o->w, v[i].i);
			else
				ob_csvw_str(o->w, vtext(&v[i]));
		ob_csvw_end(o->w);
		return 0;
	}
	if (*status) {
		/* withheld or no data: said so, never a number */
		cmp_line(vtext(&v[0]), vtext(&v[1]), vtext(&v[2]), vtext(&v[5]), status,
		         !strcmp(status, "C") ? OB_TR("reservado", "withheld") :
		                                OB_TR("sin datos", "no data"),
		         "", vtext(&v[11]));
		return 0;
	}
	{
		char iv[64];
		snprintf(iv, sizeof(iv), "%s – %s", vtext(&v[8]), vtext(&v[9]));
		cmp_line(vtext(&v[0]), vtext(&v[1]), vtext(&v[2]), vtext(&v[5]),
		         v[7].type == OB_STORE_NULL ? vtext(&v[6]) : vtext(&v[7]), iv, vtext(&v[6]),
		         vtext(&v[11]));
	}
	return 0;
}

static int run_compare(struct ob_store *st, const struct opts *o)
{
	struct ob_harvest_query q = { .table = "indicators", .series = o->compare, .sex = o->sex,
		                      .year = o->year, .level = o->level };
	struct ob_csvw w;
	struct cmp_out out = { o->csv ? &w : NULL, 0, o->compare, o->year };
	struct ob_diag d;
	int rc;

	ob_diag_clear(&d);
	if (o->csv)
		ob_csvw_init(&w, stdout, ',');
	rc = ob_store_harvest_cells_each(st, &q, compare_row, &out, &d);
	if (rc < 0) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	if (!out.rows) {
		OB_ERROR("ningún país cosechado tiene %s en %lld (nivel %lld)",
		         "no harvested country has %s in %lld (level %lld)", o->compare, o->year,
		         o->level);
		return OB_EXIT_FAIL;
	}
	if (!o->csv)
		printf(OB_TR("\nC: reservado por confidencialidad; M: sin datos (nunca 0). "
		             "Valores tal como los publicó cada país.\n",
		             "\nC: withheld for confidentiality; M: no data (never 0). "
		             "Values as each country published them.\n"));
	return OB_EXIT_OK;
}

/* ---- the command ---- */

static int parse_args(int argc, char **argv, struct opts *o)
{
	struct ob_diag d;

	ob_diag_clear(&d);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		long long v;

		if (!strcmp(a, "--status")) {
			o->status = true;
		} else if (!strcmp(a, "--timeout") && i + 1 < argc) {
			a = argv[++i];
			if (!ob_parse_int(a, strlen(a), 1, 86400, &v)) {
				OB_ERROR("--timeout: «%s» no es un número de segundos de 1 a 86400",
				         "--timeout: «%s» is not a number of seconds from 1 to 86400", a);
				return OB_EXIT_USAGE;
			}
			o->lim.total_s = (long)v;
			if (o->lim.connect_s > v)
				o->lim.connect_s = (long)v;
			if (o->lim.stall_s > v)
				o->lim.stall_s = (long)v;
		} else if (!strcmp(a, "--max-bytes") && i + 1 < argc) {
			a = argv[++i];
			if (!ob_parse_int(a, strlen(a), 1, OB_FETCH_MAX_BYTES, &v)) {
				OB_ERROR("--max-bytes: «%s» no es un número de 1 a %lld",
				         "--max-bytes: «%s» is not a number from 1 to %lld", a,
				         (long long)OB_FETCH_MAX_BYTES);
				return OB_EXIT_USAGE;
			}
			o->lim.max_bytes = v;
		} else if (!strcmp(a, "--compare") && i + 1 < argc) {
			o->compare = argv[++i];
		} else if (!strcmp(a, "--sex") && i + 1 < argc) {
			o->sex = argv[++i];
		} else if ((!strcmp(a, "--year") || !strcmp(a, "--level")) && i + 1 < argc) {
			bool year = !strcmp(a, "--year");
			const char *x = argv[++i];
			if (!ob_parse_int(x, strlen(x), year ? 1900 : 0, year ? 2999 : 9, &v)) {
				OB_ERROR("%s: «%s» no es válido", "%s: «%s» is not valid", a, x);
				return OB_EXIT_USAGE;
			}
			if (year) {
				o->year = v;
				o->year_given = true;
			} else {
				o->level = v;
			}
		} else if (!strcmp(a, "--format") && i + 1 < argc) {
			a = argv[++i];
			if (strcmp(a, "csv") && strcmp(a, "table")) {
				OB_ERROR("--format: «%s»: se esperaba table o csv",
				         "--format: «%s»: expected table or csv", a);
				return OB_EXIT_USAGE;
			}
			o->csv = !strcmp(a, "csv");
		} else if (a[0] == '-' && a[1]) {
			OB_ERROR("opción desconocida «%s»", "unknown option «%s»", a);
			return OB_EXIT_USAGE;
		} else if (add_source(o, a, NULL, 0, &d)) {
			ob_cli_diag(&d);
			return OB_EXIT_USAGE;
		}
	}
	if (o->compare && !o->year_given) {
		OB_ERROR("--compare necesita --year", "--compare needs --year");
		return OB_EXIT_USAGE;
	}
	if ((o->status || o->compare) && o->nsrc) {
		OB_ERROR("--status y --compare no llevan URL", "--status and --compare take no URL");
		return OB_EXIT_USAGE;
	}
	return OB_EXIT_OK;
}

int cmd_harvest(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	struct opts *o = ob_calloc(1, sizeof(*o));
	struct ob_store *st;
	struct ob_diag d;
	int rc, failed = 0;

	ob_diag_clear(&d);
	ob_fetch_limits_init(&o->lim);
	if ((rc = parse_args(argc, argv, o)))
		goto free_opts;
	if (!(st = ob_cmd_store(ctx, o->status || o->compare ? OB_STORE_READONLY :
	                                                      OB_STORE_EXISTING))) {
		rc = OB_EXIT_SYSTEM;
		goto free_opts;
	}
	if (o->status) {
		rc = run_status(st, o->csv);
		goto free_opts;
	}
	if (o->compare) {
		rc = run_compare(st, o);
		goto free_opts;
	}
	if (!o->nsrc && read_config(ctx->dir, o, &d)) {
		ob_cli_diag(&d);
		rc = OB_EXIT_FAIL;
		goto free_opts;
	}
	if (!o->nsrc) {
		OB_ERROR("ninguna fuente: dé URL o una lista [harvest] en %s/" HARVEST_INI,
		         "no source: give URL or a [harvest] list in %s/" HARVEST_INI, ctx->dir);
		rc = OB_EXIT_USAGE;
		goto free_opts;
	}
	for (size_t i = 0; i < o->nsrc; i++) {
		ob_diag_clear(&d);
		if (harvest_one(ctx, st, o, &o->src[i], &d)) {
			/* refused whole: say why and go on with the next source */
			OB_ERROR("%s: publicación rechazada, nada cargado",
			         "%s: release refused, nothing loaded", o->src[i].url);
			ob_cli_diag(&d);
			failed++;
		}
	}
	rc = failed ? OB_EXIT_FAIL : OB_EXIT_OK;
free_opts:
	free(o);
	return rc;
}
