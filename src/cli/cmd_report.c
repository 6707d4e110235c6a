/* cmd_report.c - "observa report": a territory's bulletin for a period, as a
 * self-contained HTML page or a PDF; a country's statistical compendium of
 * a year (HTML or PDF); the infographic of a year (SVG, PNG or an A4 PDF
 * page): a year from a release's indicators
 * table (its CSV, read as a stream: only the territory's rows are kept) and
 * maps; less than a year from the public situational analysis of the
 * records (http/situation.h), as GET /api/v1/situation answers it. */
#include "alerts/alerts.h"
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/completeness.h"
#include "engine/indicators.h"
#include "engine/query.h"
#include "engine/situation.h"
#include "engine/snapshot.h"
#include "http/situation.h"
#include "ingest/profile.h"
#include "plan/plan.h"
#include "io/csv.h"
#include "publish/release.h"
#include "report/bulletin.h"
#include "stats/rate.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

void cmd_report_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa report [-d DIR] --territory CÓDIGO --period PERIODO [--release vN]\n"
	"                    [--lang es|en] [--format html|pdf|infographic|xlsx] [--compendium]\n"
	"                    [--no-alarms] [-o ARCHIVO]\n"
	"       observa report [-d DIR] --all --period PERIODO [--release vN] [--jobs N]\n"
	"                    [--format LISTA] [-o CARPETA]\n\n"
	"Escribe el boletín de un país o una unidad de primer nivel en un periodo: una\n"
	"página HTML autónoma (CSS y gráficos SVG dentro, sin pedidos externos) o un PDF\n"
	"A4 (--format pdf, o un ARCHIVO que termina en .pdf) con las cifras\n"
	"principales y su cambio frente al año anterior, la tendencia de diez años, las\n"
	"víctimas por sexo, el mapa, los departamentos y los que más cambiaron, y los\n"
	"métodos.\n"
	"Las cifras son las de la publicación (por omisión la última): lo que ella\n"
	"suprime no aparece. Por omisión, en español y en la salida estándar.\n\n"
	"PERIODO: un año (2024), de la publicación; un trimestre (2024-Q3), un mes\n"
	"(2024-09) o lo que va del año (ytd:2024-09-30), de los registros, con las\n"
	"cifras y la supresión con que GET /api/v1/situation responde al público, y\n"
	"las alertas tempranas de su último mes (--no-alarms: sin ellas; juzgarlas\n"
	"toma segundos en un observatorio grande).\n\n"
	"--territory region: la región, cada país lado a lado y su suma (de un año).\n"
	"--compendium: el compendio estadístico de un país en un año (HTML o PDF): índice,\n"
	"una tabla por indicador y departamento, una página por departamento, el anexo\n"
	"de municipios y los métodos; con --format xlsx (o un ARCHIVO .xlsx), un libro\n"
	"de cálculo con una hoja por tema.\n"
	"--format infographic: la infografía de un año: SVG de 1080 x 1350 (o PNG si\n"
	"ARCHIVO termina en .png; una página A4 si termina en .pdf).\n"
	"--all: de cada país de la publicación, el boletín del PERIODO (HTML y PDF) y la\n"
	"infografía de su año (PNG y SVG), en español y en inglés, en CARPETA (por\n"
	"omisión DIR/reports/vN, al lado de las publicaciones: nunca dentro de una);\n"
	"una línea por país. --jobs N: N países a la vez, cada uno en su proceso (por\n"
	"omisión, los núcleos del equipo); los archivos y las líneas son los mismos que\n"
	"con --jobs 1. --format LISTA: solo esos formatos (html,pdf,png,svg); con\n"
	"--lang antes de report, solo ese idioma (observa --lang es report --all\n"
	"--period 2024-Q4 --format pdf,png: el boletín en PDF y la infografía en PNG).\n",
	"usage: observa report [-d DIR] --territory CODE --period PERIOD [--release vN]\n"
	"                      [--lang es|en] [--format html|pdf|infographic|xlsx] [--compendium]\n"
	"                      [--no-alarms] [-o FILE]\n"
	"       observa report [-d DIR] --all --period PERIOD [--release vN] [--jobs N]\n"
	"                      [--format LIST] [-o FOLDER]\n\n"
	"Writes the bulletin of a country or an admin-1 unit for a period: one\n"
	"self-contained HTML page (CSS and SVG charts inside, no external request) or\n"
	"an A4 PDF (--format pdf, or a FILE ending in .pdf) with\n"
	"the headline numbers and their change against the year before, the ten-year\n"
	"trend, victims by sex, the map, the departments and those that changed most,\n"
	"and the methods. The numbers are the release's (the latest by default): what\n"
	"it suppresses does not appear. Spanish and standard output by default.\n\n"
	"PERIOD: a year (2024), from the release; a quarter (2024-Q3), a month\n"
	"(2024-09) or a year to date (ytd:2024-09-30), from the records, with the\n"
	"figures and suppression with which GET /api/v1/situation answers the public,\n"
	"and the early-warning alarms of its last month (--no-alarms: without them;\n"
	"judging them takes seconds on a large observatory).\n\n"
	"--territory region: the region, every country side by side and their sum (a\n"
	"year).\n"
	"--compendium: a country's statistical yearbook for a year (HTML or PDF):\n"
	"contents, a table per indicator by department, a page per department, the\n"
	"annex of municipalities and the methods; with --format xlsx (or a FILE ending\n"
	"in .xlsx), a workbook with one sheet per theme.\n"
	"--format infographic: the infographic of a year: a 1080 x 1350 SVG (a PNG when\n"
	"FILE ends in .png; an A4 page when it ends in .pdf).\n"
	"--all: for each country of the release, the bulletin of PERIOD (HTML and PDF)\n"
	"and the infographic of its year (PNG and SVG), in Spanish and in English, into\n"
	"FOLDER (by default DIR/reports/vN, beside the releases: never inside one); one\n"
	"line per country. --jobs N: N countries at once, each in a process of its own\n"
	"(by default, the machine's cores); the files and the lines are those of\n"
	"--jobs 1. --format LIST: only those formats (html,pdf,png,svg); with --lang\n"
	"before report, only that language (observa --lang en report --all --period\n"
	"2024-Q4 --format pdf,png: the bulletin as PDF and the infographic as PNG).\n"), out);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The columns of the release's indicators.csv that a bulletin reads. */
enum { C_IND, C_COUNTRY, C_TERR, C_NAME, C_LEVEL, C_YEAR, C_SEX, C_RULE, C_COUNT, C_DEN,
       C_VALUE, C_LOWER, C_UPPER, C_FLAGS, C_STATUS, C_UNIT, C_PARENT, C_NCOLS };
static const char *const COLUMNS[C_NCOLS] = {
	"indicator", "country", "territory", "territory_name", "level", "year", "sex",
	"counting_rule", "count", "denominator", "value", "lower", "upper", "flags", "status",
	"unit", "parent",
};

/* A text cell of the CSV, without the quote the release puts before a
 * cell that a spreadsheet would take for a formula; NULL when empty. */
static const char *cstr(const struct ob_csv_field *f)
{
	const char *s = f->ptr;
	if (f->len > 1 && s[0] == '\'' && strchr("=+-@\t\r", s[1]))
		s++;
	return *s ? ob_strdup(s) : NULL;
}

static double cnum(const struct ob_csv_field *f)
{
	double v;
	return f->len && ob_parse_double(f->ptr, f->len, &v) ? v : NAN;
}

static int cint(const struct ob_csv_field *f)
{
	long long n;
	return ob_parse_int(f->ptr, f->len, -1, 9999, &n) ? (int)n : -1;
}

/* The region: every country of the release side by side, and their sum
 * ("observa report --territory region"). */
#define REGION_CODE "REGION"

static bool is_region(const char *t)
{
	return !strcasecmp(t, "region") || !strcmp(t, REGION_CODE);
}

/* The rows of the release's indicators table (<release>/indicators.csv)
 * of territory and of the units right below it, in *rows (n of them,
 * their strings the caller's: rows_free). The CSV rather than the JSON:
 * the same cells, read as a stream and kept only when they are needed. */
struct loaded {
	struct ob_bl_row *v;
	size_t n, cap;
};

static void rows_free(struct loaded *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct ob_bl_row *r = &l->v[i];
		const char *s[] = { r->indicator, r->country, r->territory, r->territory_name,
			            r->parent, r->sex, r->counting_rule, r->flags, r->status, r->unit };
		for (size_t k = 0; k < OB_ARRAY_SIZE(s); k++)
			free((char *)s[k]);
	}
	free(l->v);
}

static ob_err rows_load(const char *path, const char *territory, bool country,
                        struct loaded *l, bool *known, struct ob_diag *d)
{
	bool region = !strcmp(territory, REGION_CODE);
	const struct ob_csv_options opts = { .encoding = OB_ENC_UTF8, .delimiter = ',' };
	struct ob_csv_reader *rd = NULL;
	const struct ob_csv_record *rec;
	long col[C_NCOLS];
	size_t max = 0;
	ob_err e;

	if ((e = ob_csv_open(path, NULL, &opts, &rd, d)))
		return e;
	if ((e = ob_csv_next(rd, &rec, d)) ||
	    (e = ob_csv_header_columns(rec, path, COLUMNS, NULL, C_NCOLS, col, d)))
		goto close_reader;
	for (size_t k = 0; k < C_NCOLS; k++)
		max = (size_t)col[k] > max ? (size_t)col[k] : max;
	while (!(e = ob_csv_next(rd, &rec, d))) {
		const struct ob_csv_field *f = rec->fields;
		struct ob_bl_row *r;
		bool self;
		if (rec->nfields <= max)
			continue;
		/* only the territory and the units right below it (country:
		 * every unit of the country; the region: every country) */
		if (region) {
			self = !strcmp(f[col[C_LEVEL]].ptr, "0");
			if (!self)
				continue;
		} else {
			self = !strcmp(f[col[C_TERR]].ptr, territory);
			if (!self && strcmp(f[col[C_PARENT]].ptr, territory) &&
			    (!country || strcmp(f[col[C_COUNTRY]].ptr, territory)))
				continue;
		}
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 1024;
			l->v = ob_realloc(l->v, l->cap * sizeof *l->v);
		}
		r = &l->v[l->n++];
		r->indicator = cstr(&f[col[C_IND]]);
		r->country = cstr(&f[col[C_COUNTRY]]);
		r->territory = cstr(&f[col[C_TERR]]);
		r->territory_name = cstr(&f[col[C_NAME]]);
		r->parent = region ? ob_strdup(REGION_CODE) : cstr(&f[col[C_PARENT]]);
		r->sex = cstr(&f[col[C_SEX]]);
		r->counting_rule = cstr(&f[col[C_RULE]]);
		r->flags = cstr(&f[col[C_FLAGS]]);
		r->status = cstr(&f[col[C_STATUS]]);
		r->unit = cstr(&f[col[C_UNIT]]);
		r->level = cint(&f[col[C_LEVEL]]);
		r->year = cint(&f[col[C_YEAR]]);
		r->count = cnum(&f[col[C_COUNT]]);
		r->den = cnum(&f[col[C_DEN]]);
		r->value = cnum(&f[col[C_VALUE]]);
		r->lower = cnum(&f[col[C_LOWER]]);
		r->upper = cnum(&f[col[C_UPPER]]);
		*known |= self;
	}
	if (e == OB_ENOENT)
		e = OB_OK;
close_reader:
	ob_csv_close(rd);
	return e;
}

/* The region's own rows, from its countries' (their parent REGION_CODE):
 * for each indicator, year and sex, the sum of the counts and of the
 * denominators of the countries whose cell the release shows, and the
 * value from those sums (a rate with its exact interval; a share without
 * one). A cell the release suppresses in any country suppresses the sum
 * (adding it would take a number the release withholds); a country
 * without data is left out of the sum, which then says so in its flags
 * ("partial"); no country with data: no data. */
static int row_key_cmp(const void *a, const void *b)
{
	const struct ob_bl_row *x = *(const struct ob_bl_row *const *)a;
	const struct ob_bl_row *y = *(const struct ob_bl_row *const *)b;
	int c = strcmp(x->indicator ? x->indicator : "", y->indicator ? y->indicator : "");
	if (c)
		return c;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	return strcmp(x->sex ? x->sex : "", y->sex ? y->sex : "");
}

static void flag_add(char *flags, size_t size, const char *f)
{
	size_t n = strlen(flags);
	snprintf(flags + n, size - n, "%s%s", n ? "|" : "", f);
}

static void region_rows(struct loaded *l, const struct ob_indicator_set *set, bool en)
{
	size_t n = l->n, i = 0;
	const struct ob_bl_row **by = ob_calloc(n + 1, sizeof *by);
	struct loaded sums = { 0 };

	for (size_t k = 0; k < n; k++)
		by[k] = &l->v[k];
	qsort(by, n, sizeof *by, row_key_cmp);
	while (i < n) {
		const struct ob_bl_row *f = by[i];
		const struct ob_indicator *ind = NULL;
		size_t end = i, with = 0, without = 0;
		double count = 0, den = 0;
		bool hidden = false, estimated = false;
		char *rule = NULL;
		struct ob_bl_row *r;
		while (end < n && !row_key_cmp(&by[i], &by[end]))
			end++;
		for (size_t k = 0; k < set->n && !ind; k++)
			if (f->indicator && !strcmp(set->v[k].id, f->indicator))
				ind = &set->v[k];
		for (size_t k = i; k < end; k++) {
			const struct ob_bl_row *c = by[k];
			if (c->status && !strcmp(c->status, "C")) {
				hidden = true;
			} else if ((c->status && !strcmp(c->status, "M")) || !isfinite(c->count)) {
				without++;
			} else {
				with++;
				count += c->count;
				den += isfinite(c->den) ? c->den : 0;
				estimated |= c->flags && strstr(c->flags, "estimated_denominator");
				if (!rule && c->counting_rule)
					rule = ob_strdup(c->counting_rule);
				else if (rule && c->counting_rule && strcmp(rule, c->counting_rule)) {
					free(rule);
					rule = ob_strdup("mixed");
				}
			}
		}
		/* by points into l->v: the sums go to sums, added after */
		if (sums.n == sums.cap) {
			sums.cap = sums.cap ? 2 * sums.cap : 256;
			sums.v = ob_realloc(sums.v, sums.cap * sizeof *sums.v);
		}
		r = &sums.v[sums.n++];
		memset(r, 0, sizeof *r);
		r->indicator = ob_strdup(f->indicator ? f->indicator : "");
		r->country = ob_strdup(REGION_CODE);
		r->territory = ob_strdup(REGION_CODE);
		r->territory_name = ob_strdup(en ? "Central America and the Dominican Republic"
		                                 : "Centroamérica y República Dominicana");
		r->sex = f->sex ? ob_strdup(f->sex) : NULL;
		r->counting_rule = rule;
		r->unit = f->unit ? ob_strdup(f->unit) : NULL;
		r->level = -1;
		r->year = f->year;
		r->count = r->den = r->value = r->lower = r->upper = NAN;
		if (hidden) {
			r->status = ob_strdup("C");
		} else if (!with) {
			r->status = ob_strdup("M");
		} else {
			struct ob_rate rt;
			char flags[96] = "";
			double per = ind ? ind->multiplier : 100000;
			r->count = count;
			r->den = den;
			if (den > 0)
				r->value = count / den * per;
			if (ind && ind->denom == OB_DEN_POPULATION && den > 0 &&
			    !ob_rate_exact(count, den, per, 0.95, &rt)) {
				r->lower = rt.lower;
				r->upper = rt.upper;
				if (rt.flags)
					flag_add(flags, sizeof flags, "unreliable");
			}
			if (estimated)
				flag_add(flags, sizeof flags, "estimated_denominator");
			if (without)
				flag_add(flags, sizeof flags, "partial");
			r->flags = *flags ? ob_strdup(flags) : NULL;
		}
		i = end;
	}
	free(by);
	if (sums.n) {
		l->v = ob_realloc(l->v, (l->n + sums.n) * sizeof *l->v);
		memcpy(&l->v[l->n], sums.v, sums.n * sizeof *sums.v);
		l->n += sums.n;
		l->cap = l->n;
	}
	free(sums.v);
}

/* The boundaries of the units right below the territory, from the
 * release's map of an indicator (<release>/maps/<id>.geojson: admin-2
 * units, and the admin-1 units of a country without admin-2): a unit's
 * own feature, or the union of the features whose parent it is (a
 * country's admin-1 units are drawn as their admin-2 units), of the
 * year's division only (a feature with a cell of the year: the map also
 * has the units of other years' divisions, which overlap). None when the
 * release has no map (its catalogue has no geometry). */
struct shapes {
	struct ob_bl_shape *v;
	size_t n;
};

static void shapes_free(struct shapes *sh)
{
	for (size_t i = 0; i < sh->n; i++) {
		free((char *)sh->v[i].code);
		free((char *)sh->v[i].geojson);
	}
	free(sh->v);
}

/* Whether a feature's properties have a cell of the year. */
static bool in_year(json_t *pr, int year)
{
	static const char *const cells[] = { "count", "value", "status", "flags" };
	char key[32];

	for (size_t i = 0; i < OB_ARRAY_SIZE(cells); i++) {
		snprintf(key, sizeof key, "%s_%d", cells[i], year);
		if (!json_is_null(json_object_get(pr, key)) && json_object_get(pr, key))
			return true;
	}
	return false;
}

static void shapes_load(const char *path, const struct loaded *l, const char *territory,
                        int year, struct shapes *sh)
{
	bool region = !strcmp(territory, REGION_CODE); /* units: countries, by code prefix */
	json_error_t je;
	json_t *fc = json_load_file(path, 0, &je), *feat, *own = json_object(), *parts = json_object();
	const char *code;
	json_t *v;
	size_t i;

	if (!fc || !own || !parts)
		goto release;
	/* the units below: every row whose parent is the territory */
	for (size_t r = 0; r < l->n; r++)
		if (l->v[r].parent && l->v[r].territory && !strcmp(l->v[r].parent, territory))
			json_object_set_new(parts, l->v[r].territory, json_array());
	json_array_foreach(json_object_get(fc, "features"), i, feat) {
		json_t *pr = json_object_get(feat, "properties"), *g = json_object_get(feat, "geometry");
		const char *fcode = jstr(pr, "code"), *parent = jstr(pr, "parent");
		const char *type = jstr(g, "type");
		json_t *acc, *c = json_object_get(g, "coordinates"), *part;
		size_t j;

		if (!fcode || !type || !json_is_array(c) || !in_year(pr, year))
			continue;
		if (json_object_get(parts, fcode)) {
			json_object_set(own, fcode, g);
			continue;
		}
		if (region) {
			char pre[4];
			ob_strlcpy(pre, fcode, sizeof pre);
			acc = json_object_get(parts, pre);
		} else {
			acc = parent ? json_object_get(parts, parent) : NULL;
		}
		if (!acc)
			continue;
		if (!strcmp(type, "Polygon"))
			json_array_append(acc, c);
		else if (!strcmp(type, "MultiPolygon"))
			json_array_foreach(c, j, part)
				json_array_append(acc, part);
	}
	sh->v = ob_calloc(json_object_size(parts) + 1, sizeof *sh->v);
	json_object_foreach(parts, code, v) {
		json_t *g = json_object_get(own, code), *u = NULL;
		char *text;
		if (!g && json_array_size(v))
			g = u = json_pack("{s:s, s:O}", "type", "MultiPolygon", "coordinates", v);
		if (g && (text = json_dumps(g, JSON_COMPACT))) {
			sh->v[sh->n].code = ob_strdup(code);
			sh->v[sh->n++].geojson = text;
		}
		json_decref(u);
	}
release:
	json_decref(parts);
	json_decref(own);
	json_decref(fc);
}

/* The figures of a quarter, a month or a year to date: the public
 * situational analysis (http/situation.h, what GET /api/v1/situation
 * answers the public) of each crime of the catalogue, its rows read back
 * from the very JSON the API writes (so that every number is the API's),
 * the territory's rows of each and the ranked units of each. */
struct sub {
	struct ob_bl_sit *v, *s; /* the period's rows; the trend's */
	size_t n, cap, ns, scap;
	char labels[24][OB_SIT_PERIOD_MAX];
	const char *steps[24];
	size_t n_steps, hl_from, hl_to;
	int day;                   /* the first day of the last month, yyyymmdd */
	const char **codes, **names; /* the units below, in the snapshot's pool */
	size_t n_units;
	int month;                 /* the last month, year * 12 + month - 1 */
	char month_label[16];
	struct ob_alerts alerts;   /* of the month, which alarms point into */
	struct ob_bl_alarm *alarms;
	size_t n_alarms;
	json_t *docs; /* the analyses' rows, which v and s point into */
};

static double jnum(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The rows of one public analysis (indicator id of set, period) appended
 * to *v (n, cap), "crime" rows left out; top: the rows of its rankings;
 * step: a step of the trend (its year-earlier comparisons only);
 * prepare_from: 0, or the first month (year * 12 + month - 1) of the
 * analyses still to come, whose disclosure control is then worked out
 * with this one's (ob_sit_options.prepare_from). */
static ob_err sit_rows(struct ob_cmd_ctx *ctx, const char *id, const char *territory,
                       const char *period, size_t top, bool step, int prepare_from,
                       json_t *docs, struct ob_bl_sit **v, size_t *n, size_t *cap,
                       struct ob_diag *d)
{
	struct ob_sit_options o = { 0 };
	struct ob_http_sit x;
	struct ob_buf buf = OB_BUF_INIT(OB_HTTP_MAX_RESPONSE); /* as the API answers */
	const char *param;
	json_error_t je;
	json_t *rows, *r;
	size_t i;
	ob_err e;

	o.territory = territory;
	o.period = period;
	o.indicator = id;
	o.level = -1;
	o.top = top;
	/* the "crime" rows are left out below: the crimes are not ranked
	 * (each crime's figures are its own analysis's territory rows) */
	o.focus_only = true;
	/* a step of the trend: its comparisons with a year earlier, all
	 * that the trend and the small multiples read */
	o.year_earlier_only = step;
	o.prepare_from = prepare_from;
	o.now_month = ob_situation_now_month();
	e = ob_http_sit_compute_on(ctx->dir, ctx->snap, ctx->pop, &o, NULL, &x, &param, d);
	if (!e)
		e = ob_situation_write(&x.s, OB_ROWS_JSON, &buf, NULL);
	ob_http_sit_release(&x);
	rows = e || ob_buf_failed(&buf) ? NULL : json_loadb(buf.ptr, buf.len, 0, &je);
	ob_buf_release(&buf);
	if (e)
		return e;
	if (!rows)
		return OB_DIAG(d, OB_ENOMEM, "", 0, 0, NULL, 0,
		               "sin memoria para el análisis situacional",
		               "out of memory for the situational analysis");
	json_array_append_new(docs, rows);
	json_array_foreach(rows, i, r) {
		struct ob_bl_sit *w;
		const char *sec = jstr(r, "section");
		if (!sec || !strcmp(sec, "crime"))
			continue;
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 64;
			*v = ob_realloc(*v, *cap * sizeof **v);
		}
		w = &(*v)[(*n)++];
		*w = (struct ob_bl_sit){
			sec, jstr(r, "territory"), jstr(r, "territory_name"),
			jstr(r, "indicator"), jstr(r, "comparison"), jstr(r, "period"),
			jstr(r, "baseline"), jstr(r, "change"), jstr(r, "status"),
			jstr(r, "counting"), jnum(r, "count"), jnum(r, "baseline_count"),
			jnum(r, "rate"), jnum(r, "baseline_rate"), jnum(r, "ratio"),
			json_is_integer(json_object_get(r, "rank"))
				? (long)json_integer_value(json_object_get(r, "rank")) : 0,
		};
	}
	return OB_OK;
}

/* Rows of a ranking wide enough for every unit below a territory, so
 * that the map and the small multiples have each unit the rule shows:
 * the largest "top" the API takes (http/routes.c). */
#define SUB_ALL_UNITS 1000

/* The period's analysis of each crime; then the trend of the first
 * crime: each step's own analysis (steps the caller's, in u). */
static ob_err sub_load(struct ob_cmd_ctx *ctx, const struct ob_indicator_set *set,
                       const char *territory, const char *period, struct sub *u,
                       struct ob_diag *d)
{
	const char *first = NULL;
	int prepare = 0;
	long long y;
	ob_err e;

	/* the first analysis works out the disclosure control of every
	 * crime's and every step's months (January of the year before the
	 * first step on): one count of the country's months, not one per
	 * analysis */
	if (u->n_steps && ob_parse_int(u->steps[0], 4, 1, 9999, &y))
		prepare = (int)(y - 1) * 12;
	u->docs = json_array();
	for (size_t k = 0; k < set->n; k++) {
		if (set->v[k].denom != OB_DEN_POPULATION)
			continue;
		if ((e = sit_rows(ctx, set->v[k].id, territory, period, SUB_ALL_UNITS, false,
		                  first ? 0 : prepare, u->docs, &u->v, &u->n, &u->cap, d)))
			return e;
		if (!first)
			first = set->v[k].id;
	}
	for (size_t i = 0; first && i < u->n_steps; i++) {
		struct ob_diag ignored;
		/* a step the analysis refuses (before the records) is no data */
		e = sit_rows(ctx, first, territory, u->steps[i], SUB_ALL_UNITS, true, 0, u->docs,
		             &u->s, &u->ns, &u->scap, &ignored);
		if (e && e != OB_EUSAGE) {
			*d = ignored;
			return e;
		}
	}
	return OB_OK;
}

/* The units right below territory in the snapshot on u->day, by code. */
static void sub_children(const struct ob_snapshot *sn, const char *territory, struct sub *u)
{
	int32_t at = -1;

	for (uint32_t i = 0; i < sn->n_units && at < 0; i++)
		if (!strcmp(ob_snap_str(sn, sn->units[i].code), territory))
			at = (int32_t)i;
	u->codes = ob_calloc(sn->n_units + 1, sizeof *u->codes);
	u->names = ob_calloc(sn->n_units + 1, sizeof *u->names);
	for (uint32_t i = 0; at >= 0 && i < sn->n_units; i++) {
		const struct ob_snap_unit *x = &sn->units[i];
		const char *code = ob_snap_str(sn, x->code);
		size_t k = u->n_units;
		if (x->parent != at || (x->valid_from && x->valid_from > u->day) ||
		    (x->valid_to && x->valid_to < u->day))
			continue;
		while (k > 0 && strcmp(u->codes[k - 1], code) > 0) {
			u->codes[k] = u->codes[k - 1];
			u->names[k] = u->names[k - 1];
			k--;
		}
		u->codes[k] = code;
		u->names[k] = ob_snap_str(sn, x->name);
		u->n_units++;
	}
}

/* Whether snapshot unit code is territory at or under unit at. */
static bool unit_under(const struct ob_snapshot *sn, const char *code, int32_t at)
{
	for (uint32_t i = 0; i < sn->n_units; i++) {
		int32_t x = (int32_t)i;
		if (strcmp(ob_snap_str(sn, sn->units[i].code), code))
			continue;
		while (x >= 0 && x < (int32_t)sn->n_units && x != at)
			x = sn->units[x].parent;
		if (x == at)
			return true;
	}
	return false;
}

/* The early-warning alarms of the period's last month into u->alerts
 * (alerts/alerts.h, judged as "observa alerts --from M --to M" and the
 * public alerts route judge them), of the territory's country, masked as
 * the public view masks them; sub_alarms_pick then takes the territory's. */
static ob_err sub_alarms(struct ob_cmd_ctx *ctx, struct ob_store *st, const char *territory,
                         struct sub *u, struct ob_diag *d)
{
	struct ob_completeness_options co = { 0 };
	struct ob_alerts_options o = { 0 };
	struct ob_completeness cov;
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_analyzer *an = NULL;
	const struct ob_snapshot *sn = ctx->snap;
	int32_t at = -1;
	ob_err e;

	memset(&cov, 0, sizeof cov);
	for (uint32_t i = 0; i < sn->n_units && at < 0; i++)
		if (!strcmp(ob_snap_str(sn, sn->units[i].code), territory))
			at = (int32_t)i;
	if ((e = ob_indicators_load_dir(ctx->dir, &set, NULL, d)) ||
	    (e = ob_counting_load(ctx->dir, sn, set, &rules, d)) ||
	    (e = ob_completeness_build(st, sn, ctx->pop, &co, &cov, d)))
		goto release;
	an = ob_analyzer_new(sn, ctx->pop);
	o.rules = rules;
	o.from_month = o.to_month = u->month;
	/* the territory's country only: its alarms are the same (each series
	 * is judged on its own), without counting the other countries */
	if (at >= 0 && sn->units[at].country < sn->n_countries)
		o.country = ob_snap_str(sn, sn->countries[sn->units[at].country]);
	if ((e = ob_alerts_run(st, an, sn, &cov, &o, &u->alerts, d)))
		goto release;
	e = ob_http_alerts_mask(ctx->dir, sn, ctx->pop, &u->alerts, d);
release:
	ob_analyzer_free(an);
	ob_completeness_release(&cov);
	ob_counting_free(rules);
	ob_indicators_free(set);
	return e;
}

/* u->alarms from u->alerts: those of the period's last month in or under
 * territory, named in English when en, with what the public view shows
 * of each (the disclosure settings of the observatory). */
static ob_err sub_alarms_pick(struct ob_cmd_ctx *ctx, const char *territory, bool en,
                              struct sub *u, struct ob_diag *d)
{
	const struct ob_snapshot *sn = ctx->snap;
	struct ob_sdc_config cfg;
	int32_t at = -1;
	ob_err e;

	for (uint32_t i = 0; i < sn->n_units && at < 0; i++)
		if (!strcmp(ob_snap_str(sn, sn->units[i].code), territory))
			at = (int32_t)i;
	if ((e = ob_sdc_config_load(&cfg, ctx->dir, d)))
		return e;
	free(u->alarms);
	u->n_alarms = 0;
	u->alarms = ob_calloc(u->alerts.n + 1, sizeof *u->alarms);
	for (size_t i = 0; i < u->alerts.n; i++) {
		const struct ob_alert *x = &u->alerts.v[i];
		struct ob_bl_alarm *w;
		bool obs, model;
		if (x->month != u->month || at < 0 || !unit_under(sn, x->territory, at))
			continue;
		ob_alert_shown(x, &cfg, &obs, &model);
		w = &u->alarms[u->n_alarms++];
		w->territory_name = x->territory_name ? x->territory_name : x->territory;
		w->category_name = en ? x->category_name_en : x->category_name_es;
		w->method = x->method == OB_ALERT_FARRINGTON ? "Farrington"
		            : x->method == OB_ALERT_EARS_C3  ? "EARS C3"
		                                             : "CUSUM";
		w->observed = x->observed;
		w->expected = x->expected;
		w->upper = x->upper;
		w->observed_shown = obs;
		w->model_shown = model;
		w->above = x->above;
	}
	return OB_OK;
}

/*
 * The figures of the last bulletin of a quarter, a month or a year to date
 * that this process computed (sub_load, sub_alarms, sub_children): "observa
 * report --all" writes each country's as HTML and PDF in two languages,
 * four bulletins of the same figures (the alarms' names aside, picked for
 * each by sub_alarms_pick), now computed once. Keyed by the observatory,
 * its snapshot, the territory, the period and whether alarms were asked;
 * owned here, released when the next other one replaces it (the last one
 * lives as long as the process).
 */
static struct {
	bool valid;
	const struct ob_snapshot *snap;
	char dir[OB_MAX_PATH], territory[OB_MAX_PATH], period[OB_SIT_PERIOD_MAX];
	bool alarms;
	struct sub u;
} sub_kept;

/* Point u->steps at u's own labels (a struct sub copied keeps them). */
static void sub_steps_own(struct sub *u)
{
	for (size_t i = 0; i < u->n_steps; i++)
		u->steps[i] = u->labels[i];
}

static void sub_release(struct sub *u)
{
	free(u->v);
	free(u->s);
	free(u->alarms);
	ob_alerts_release(&u->alerts);
	free(u->codes);
	free(u->names);
	json_decref(u->docs);
	memset(u, 0, sizeof *u);
}

static bool sub_kept_is(const struct ob_cmd_ctx *ctx, const char *territory, const char *period,
                        bool alarms)
{
	return sub_kept.valid && sub_kept.snap == ctx->snap && sub_kept.alarms == alarms &&
	       !strcmp(sub_kept.dir, ctx->dir) && !strcmp(sub_kept.territory, territory) &&
	       !strcmp(sub_kept.period, period);
}

/* Keep u (its alarms left out), which sub_kept then owns; false (u left
 * to the caller) when a key does not fit. */
static bool sub_keep(const struct ob_cmd_ctx *ctx, const char *territory, const char *period,
                     bool alarms, struct sub *u)
{
	if (strlen(ctx->dir) >= sizeof sub_kept.dir ||
	    strlen(territory) >= sizeof sub_kept.territory ||
	    strlen(period) >= sizeof sub_kept.period)
		return false;
	if (sub_kept.valid)
		sub_release(&sub_kept.u);
	ob_strlcpy(sub_kept.dir, ctx->dir, sizeof sub_kept.dir);
	ob_strlcpy(sub_kept.territory, territory, sizeof sub_kept.territory);
	ob_strlcpy(sub_kept.period, period, sizeof sub_kept.period);
	sub_kept.snap = ctx->snap;
	sub_kept.alarms = alarms;
	free(u->alarms);
	u->alarms = NULL;
	u->n_alarms = 0;
	sub_kept.u = *u;
	sub_steps_own(&sub_kept.u);
	sub_kept.valid = true;
	memset(u, 0, sizeof *u);
	return true;
}

/* The steps of a bulletin's trend: 12 quarters ending with a quarter, or
 * 24 months ending with the period's last month; [hl_from, hl_to) those
 * of the period (a year to date: January to its last month). */
static void sub_steps(const struct ob_period *p, struct sub *u)
{
	bool q = p->kind == OB_PERIOD_QUARTER;
	size_t n = q ? 12 : 24;
	int last = p->to_month;

	u->n_steps = n;
	for (size_t i = 0; i < n; i++) {
		int m = q ? last - 3 * (int)(n - 1 - i) : last - (int)(n - 1 - i);
		if (q)
			snprintf(u->labels[i], sizeof u->labels[i], "%04d-Q%d", m / 12, m % 12 / 3 + 1);
		else
			snprintf(u->labels[i], sizeof u->labels[i], "%04d-%02d", m / 12, m % 12 + 1);
		u->steps[i] = u->labels[i];
	}
	u->month = last;
	snprintf(u->month_label, sizeof u->month_label, "%04d-%02d", last / 12, last % 12 + 1);
	u->day = last / 12 * 10000 + (last % 12 + 1) * 100 + 1;
	u->hl_to = n;
	u->hl_from = p->kind == OB_PERIOD_YTD ? n - (size_t)(last % 12 + 1) : n - 1;
}

/* The analysis's period of a bulletin's period: a quarter or a month as
 * it is; a year to date as its last month ("ytd:2024-09-30": "2024-09"),
 * which must end on that month's last day (the analysis counts months). */
static bool sub_period(const struct ob_period *p, char *out, size_t size, bool *ytd)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = p->to_month / 12, m = p->to_month % 12;
	int last = days[m] + (m == 1 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));

	*ytd = p->kind == OB_PERIOD_YTD;
	if (!*ytd) {
		ob_strlcpy(out, p->label, size);
		return true;
	}
	snprintf(out, size, "%04d-%02d", y, m + 1);
	return p->end_day == last;
}

/* ---- --all: every country's products of a period ---- */

/* The folder of the release the products read, when it is not yet in
 * place (observa publish --reports writes them before sealing it); NULL:
 * DIR/releases/vN. Set only while ob_report_all runs. */
static const char *all_reldir;

/* The path of file in release version (a folder of all_reldir when set);
 * "" when it does not fit (then nothing opens it). */
static void relpath(const struct ob_cmd_ctx *ctx, const char *version, const char *file,
                    char *out, size_t size)
{
	int n = all_reldir ? snprintf(out, size, "%s/%s", all_reldir, file)
	                   : snprintf(out, size, "%s/%s/%s/%s", ctx->dir, OB_RELEASES_DIR,
	                              version, file);
	if (n < 0 || (size_t)n >= size)
		out[0] = '\0';
}

/* The violent deaths of a territory by institution, every year of the
 * release's violent_deaths table, and the deliveries of the bulletin's
 * months; their strings are their own (sources_free). */
struct sources {
	struct ob_bl_deaths *deaths;
	size_t n_deaths, cap_deaths;
	struct ob_bl_delivery *deliv;
	size_t n_deliv, cap_deliv;
};

static void sources_free(struct sources *x)
{
	for (size_t i = 0; i < x->n_deaths; i++) {
		free((char *)x->deaths[i].count_of);
		free((char *)x->deaths[i].status);
	}
	for (size_t i = 0; i < x->n_deliv; i++) {
		free((char *)x->deliv[i].source);
		free((char *)x->deliv[i].institution);
		free((char *)x->deliv[i].source_name);
	}
	free(x->deaths);
	free(x->deliv);
	memset(x, 0, sizeof *x);
}

static void deliv_add(struct sources *x, const char *source, const char *inst, int month,
                      bool delivered)
{
	if (x->n_deliv == x->cap_deliv) {
		x->cap_deliv = x->cap_deliv ? 2 * x->cap_deliv : 64;
		x->deliv = ob_realloc(x->deliv, x->cap_deliv * sizeof *x->deliv);
	}
	x->deliv[x->n_deliv++] = (struct ob_bl_delivery){
		ob_strdup(source), inst ? ob_strdup(inst) : NULL, NULL, month, delivered,
	};
}

/* Each delivery's source named as its profile (DIR/catalog/sources)
 * names it; a source without a profile keeps its code alone. */
static void deliv_names(struct ob_cmd_ctx *ctx, struct sources *x)
{
	for (size_t i = 0; i < x->n_deliv; i++) {
		struct ob_profile p;
		struct ob_diag d;
		if (i && !strcmp(x->deliv[i].source, x->deliv[i - 1].source)) {
			if (x->deliv[i - 1].source_name)
				x->deliv[i].source_name = ob_strdup(x->deliv[i - 1].source_name);
			continue;
		}
		memset(&p, 0, sizeof p);
		if (!ob_profile_load(ctx->dir, x->deliv[i].source, &p, &d) && p.name[0])
			x->deliv[i].source_name = ob_strdup(p.name);
		ob_profile_release(&p);
	}
}

/* "2024-10" as a month index (year * 12 + month - 1); -1 when it is not one. */
static int month_index(const struct ob_csv_field *f)
{
	long long y, m;
	if (f->len != 7 || f->ptr[4] != '-' || !ob_parse_int(f->ptr, 4, 1, 9999, &y) ||
	    !ob_parse_int(f->ptr + 5, 2, 1, 12, &m))
		return -1;
	return (int)(y * 12 + m - 1);
}

/* Read a table of the release: path's rows whose column cols[0] is key
 * (NULL: every row),
 * each given to row() with the columns' indexes. A table that is missing
 * or lacks a column is left out with a warning (a release made before it
 * was published): the bulletin then says it has none. */
static bool table_rows(const char *path, const char *const *cols, size_t ncols, const char *key,
                       void (*row)(const struct ob_csv_field *f, const long *col, void *arg),
                       void *arg)
{
	const struct ob_csv_options opts = { .encoding = OB_ENC_UTF8, .delimiter = ',' };
	struct ob_csv_reader *rd = NULL;
	const struct ob_csv_record *rec;
	long col[8];
	size_t max = 0;
	struct ob_diag d;
	ob_err e;

	if (ncols > OB_ARRAY_SIZE(col) || !path[0])
		return false;
	ob_diag_clear(&d);
	if ((e = ob_csv_open(path, NULL, &opts, &rd, &d)) || (e = ob_csv_next(rd, &rec, &d)) ||
	    (e = ob_csv_header_columns(rec, path, cols, NULL, ncols, col, &d)))
		goto close_reader;
	for (size_t k = 0; k < ncols; k++)
		max = (size_t)col[k] > max ? (size_t)col[k] : max;
	while (!(e = ob_csv_next(rd, &rec, &d)))
		if (rec->nfields > max && (!key || !strcmp(rec->fields[col[0]].ptr, key)))
			row(rec->fields, col, arg);
	if (e == OB_ENOENT)
		e = OB_OK;
close_reader:
	if (e) {
		ob_cli_diag(&d);
		OB_WARN("%s: el boletín sigue sin esta tabla", "%s: the bulletin goes on without it",
		        path);
	}
	ob_csv_close(rd);
	return !e;
}

static void death_row(const struct ob_csv_field *f, const long *col, void *arg)
{
	struct sources *x = arg;
	int year = cint(&f[col[1]]);

	if (year < 0)
		return;
	if (x->n_deaths == x->cap_deaths) {
		x->cap_deaths = x->cap_deaths ? 2 * x->cap_deaths : 64;
		x->deaths = ob_realloc(x->deaths, x->cap_deaths * sizeof *x->deaths);
	}
	x->deaths[x->n_deaths++] = (struct ob_bl_deaths){
		year, cstr(&f[col[2]]), cstr(&f[col[4]]), cnum(&f[col[3]]),
	};
}

struct deliv_want {
	struct sources *x;
	int from, to;
};

static void deliv_row(const struct ob_csv_field *f, const long *col, void *arg)
{
	struct deliv_want *w = arg;
	int m = month_index(&f[col[3]]);

	if (m >= w->from && m <= w->to)
		deliv_add(w->x, f[col[1]].ptr, f[col[2]].ptr, m, f[col[4]].len == 1 &&
		          f[col[4]].ptr[0] == '1');
}

/* The deaths of territory from the release's violent_deaths.csv; false
 * when it cannot be read. */
static bool deaths_load(struct ob_cmd_ctx *ctx, const char *version, const char *territory,
                        struct sources *x)
{
	static const char *const cols[] = { "territory", "year", "count_of", "count", "status" };
	static const char *const level0[] = { "level", "year", "count_of", "count", "status" };
	bool region = !strcmp(territory, REGION_CODE);
	char path[OB_MAX_PATH];
	size_t n = 0;

	relpath(ctx, version, "violent_deaths.csv", path, sizeof path);
	if (!table_rows(path, region ? level0 : cols, OB_ARRAY_SIZE(cols), region ? "0" : territory,
	                death_row, x))
		return false;
	if (!region)
		return true;
	/* the region: each year's and series' sum over the countries, as
	 * region_rows sums the indicators (a suppressed cell suppresses the
	 * sum; a country without the series is left out) */
	for (size_t i = 0; i < x->n_deaths; i++) {
		struct ob_bl_deaths *r = &x->deaths[i];
		bool hidden = r->status && !strcmp(r->status, "C");
		bool none = (r->status && !strcmp(r->status, "M")) || !isfinite(r->count);
		size_t j = 0;
		while (j < n && (x->deaths[j].year != r->year ||
		                 strcmp(x->deaths[j].count_of ? x->deaths[j].count_of : "",
		                        r->count_of ? r->count_of : "")))
			j++;
		if (j == n) {
			struct ob_bl_deaths t = *r;
			x->deaths[i] = x->deaths[n];
			x->deaths[n] = t;
			r = &x->deaths[n++];
			if (none) {
				free((char *)r->status);
				r->status = ob_strdup("M");
				r->count = NAN;
			}
			continue;
		}
		if (hidden) {
			free((char *)x->deaths[j].status);
			x->deaths[j].status = ob_strdup("C");
			x->deaths[j].count = NAN;
		} else if (!none && !(x->deaths[j].status && !strcmp(x->deaths[j].status, "C"))) {
			if (x->deaths[j].status && !strcmp(x->deaths[j].status, "M")) {
				free((char *)x->deaths[j].status);
				x->deaths[j].status = NULL;
				x->deaths[j].count = 0;
			}
			x->deaths[j].count += r->count;
		}
	}
	for (size_t i = n; i < x->n_deaths; i++) {
		free((char *)x->deaths[i].count_of);
		free((char *)x->deaths[i].status);
	}
	x->n_deaths = n;
	return true;
}

/* The deliveries of country (NULL: every country's) in months [from, to]
 * from the release's completeness.csv (a year's bulletin: what its
 * release says). */
static bool deliveries_release(struct ob_cmd_ctx *ctx, const char *version, const char *country,
                               int from, int to, struct sources *x)
{
	static const char *const cols[] = { "country", "source", "institution", "month",
		                            "delivered" };
	char path[OB_MAX_PATH];
	struct deliv_want w = { x, from, to };

	relpath(ctx, version, "completeness.csv", path, sizeof path);
	return table_rows(path, cols, OB_ARRAY_SIZE(cols), country, deliv_row, &w);
}

/* The deliveries of the territory's country in months [from, to] from the
 * logbook (a bulletin of less than a year: as of its records). */
static ob_err deliveries_records(struct ob_cmd_ctx *ctx, struct ob_store *st,
                                 const char *territory, int from, int to, struct sources *x,
                                 struct ob_diag *d)
{
	const struct ob_snapshot *sn = ctx->snap;
	struct ob_completeness_options co = { 0 };
	struct ob_completeness cov;
	char f[16], t[16];
	ob_err e;

	memset(&cov, 0, sizeof cov);
	for (uint32_t i = 0; i < sn->n_units && !co.country; i++)
		if (!strcmp(ob_snap_str(sn, sn->units[i].code), territory) &&
		    sn->units[i].country < sn->n_countries)
			co.country = ob_snap_str(sn, sn->countries[sn->units[i].country]);
	if (!co.country)
		return OB_OK;
	ob_completeness_month(from, f, sizeof f);
	ob_completeness_month(to, t, sizeof t);
	co.from = f;
	co.to = t;
	if ((e = ob_completeness_build(st, sn, ctx->pop, &co, &cov, d)))
		return e;
	for (size_t i = 0; i < cov.n; i++) {
		const struct ob_completeness_source *src = &cov.sources[cov.rows[i].source];
		deliv_add(x, src->code, src->institution, cov.rows[i].month, cov.rows[i].delivered);
	}
	ob_completeness_release(&cov);
	return OB_OK;
}

/* The plans of a country (catalog/plans, a plan's country the bulletin's
 * territory) and their values in the release, up to the bulletin's year:
 * the plans section of a year's bulletin, with the figures
 * GET /api/v1/plans/{plan}?year=YEAR gives from the same release. A plan
 * that cannot be read is left out with a warning saying why. */
struct plans {
	struct ob_plan *p;
	struct ob_plan_value *v[OB_MAX_PLANS];
	struct ob_bl_plan bl[OB_MAX_PLANS];
	size_t n;
};

/* Whether the rows loaded have every unit p's catalogue indicators are
 * of: then they hold every row of the release those indicators need (a
 * unit's rows are all loaded or none). */
static bool plan_covered(const struct ob_plan *p, const struct loaded *rows)
{
	for (size_t i = 0; i < p->nind; i++) {
		bool found = p->ind[i].source != OB_PLAN_CATALOG;
		for (size_t k = 0; !found && k < rows->n; k++)
			found = rows->v[k].territory &&
			        !strcasecmp(rows->v[k].territory, p->ind[i].territory);
		if (!found)
			return false;
	}
	return true;
}

static void plans_load(struct ob_cmd_ctx *ctx, const char *version, const char *territory,
                       int year, const struct loaded *rows, struct plans *pl)
{
	char *files[OB_MAX_PLANS], ind[OB_MAX_PATH], svy[OB_MAX_PATH];
	size_t nf = ob_plan_files(ctx->dir, files, OB_MAX_PLANS);

	relpath(ctx, version, "indicators.csv", ind, sizeof ind);
	relpath(ctx, version, "survey_indicators.csv", svy, sizeof svy);
	pl->p = nf ? ob_calloc(nf, sizeof *pl->p) : NULL;
	for (size_t i = 0; i < nf; i++) {
		struct ob_plan *p = &pl->p[pl->n];
		struct ob_diag d;
		ob_diag_clear(&d);
		if (ob_plan_load(ctx->dir, files[i], p, &d)) {
			ob_cli_diag(&d);
			OB_WARN("el boletín sigue sin el plan %s", "the bulletin goes on without plan %s",
			        files[i]);
		} else if (!p->country || strcmp(p->country, territory)) {
			ob_plan_release(p);
		} else {
			struct ob_plan_value *v = ob_calloc(p->nind + 1, sizeof *v);
			bool covered = plan_covered(p, rows);

			/* the rows read already, when they are enough: the table
			 * is not read again */
			ob_plan_values_begin(p, v);
			for (size_t k = 0; covered && k < rows->n; k++) {
				const struct ob_bl_row *r = &rows->v[k];
				ob_plan_offer_row(p, year, r->indicator, r->territory, r->sex, r->year,
				                  r->value, r->lower, r->upper, r->flags, v);
			}
			pl->v[pl->n] = v;
			if (ob_plan_values_end(covered ? NULL : ind, svy, p, year, v, &d)) {
				ob_cli_diag(&d);
				OB_WARN("el plan %s: valores incompletos", "plan %s: values incomplete",
				        p->code);
			}
			pl->bl[pl->n] = (struct ob_bl_plan){ p, pl->v[pl->n] };
			pl->n++;
		}
		free(files[i]);
	}
}

static void plans_release(struct plans *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		ob_plan_release(&pl->p[i]);
		free(pl->v[i]);
	}
	free(pl->p);
}

/* One product of --all: "observa report" itself with these arguments, in
 * language lang (the bulletin's and its messages'). */
static int all_one(struct ob_cmd_ctx *ctx, enum ob_lang lang, char **argv, int argc)
{
	enum ob_lang was = ctx->lang;
	int st;

	ctx->lang = lang;
	ob_lang_set(lang);
	st = cmd_report(ctx, argc, argv);
	ctx->lang = was;
	ob_lang_set(was);
	return st;
}

/* Make dir and its parents (0755); false with errno set when it cannot. */
static bool mkdirs(const char *dir)
{
	char p[OB_MAX_PATH];

	if (ob_strlcpy(p, dir, sizeof p) >= sizeof p) {
		errno = ENAMETOOLONG;
		return false;
	}
	for (char *c = p + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return false;
		*c = '/';
	}
	return mkdir(p, 0755) == 0 || errno == EEXIST;
}

/* What every country of --all shares. */
struct all_job {
	struct ob_cmd_ctx *ctx;
	const char *dir;          /* the folder of the products */
	const char *version;      /* the release */
	const char *year;         /* of the infographics */
	const char *per;          /* the period in a file name */
	const char *period;       /* as asked */
	bool in_release;          /* into a release being made (publish --reports) */
};

/* The products --all makes, as bits: formats (1 << k over html, pdf, png,
 * svg, in all_country's order) and languages (1 << l over es, en). Every
 * one but while cmd_report runs --all with --format LIST or --lang. */
#define ALL_KINDS_EVERY 0xfu
#define ALL_LANGS_EVERY 0x3u
static unsigned all_kinds = ALL_KINDS_EVERY, all_langs = ALL_LANGS_EVERY;

/* One country's 8 products (its bulletin as HTML and PDF, its infographic
 * as PNG and SVG, in both languages) and its line on the terminal; the
 * first failure's exit status, *made how many were written. */
static int all_country(const struct all_job *j, const char *code, size_t *made)
{
	static const enum ob_lang langs[] = { OB_LANG_ES, OB_LANG_EN };
	static const char *const lcode[] = { "es", "en" };
	int first = OB_EXIT_OK;

	size_t wanted = 0;

	*made = 0;
	for (size_t l = 0; l < 2; l++)
		for (size_t k = 0; k < 4; k++)
			wanted += (all_langs >> l & 1u) && (all_kinds >> k & 1u);
	for (size_t l = 0; l < 2; l++) {
		/* the bulletin (HTML, PDF) of the period, the infographic
		 * (PNG, SVG) of its year */
		static const char *const kinds[][2] = {
			{ "html", NULL }, { "pdf", NULL },
			{ "png", "infographic" }, { "svg", "infographic" } };
		for (size_t k = 0; k < 4; k++) {
			char out[OB_MAX_PATH];
			char *av[16];
			int ac = 0, st;
			bool info = kinds[k][1] != NULL;

			if (!(all_langs >> l & 1u) || !(all_kinds >> k & 1u))
				continue;

			int len = info ? snprintf(out, sizeof out, "%s/%s-%s.infographic.%s.%s",
			                          j->dir, code, j->year, lcode[l], kinds[k][0])
			               : snprintf(out, sizeof out, "%s/%s-%s.%s.%s", j->dir, code,
			                          j->per, lcode[l], kinds[k][0]);
			if (len < 0 || (size_t)len >= sizeof out) {
				OB_ERROR("%s: ruta demasiado larga", "%s: path too long", j->dir);
				if (first == OB_EXIT_OK)
					first = OB_EXIT_USAGE;
				continue;
			}
			av[ac++] = (char *)"report";
			av[ac++] = (char *)"--territory";
			av[ac++] = (char *)code;
			av[ac++] = (char *)"--period";
			av[ac++] = info ? (char *)j->year : (char *)j->period;
			av[ac++] = (char *)"--release";
			av[ac++] = (char *)j->version;
			if (info) {
				av[ac++] = (char *)"--format";
				av[ac++] = (char *)"infographic";
			}
			av[ac++] = (char *)"-o";
			av[ac++] = out;
			av[ac] = NULL;
			st = all_one(j->ctx, langs[l], av, ac);
			if (st == OB_EXIT_OK)
				(*made)++;
			else if (first == OB_EXIT_OK)
				first = st;
		}
	}
	if (first == OB_EXIT_OK && j->in_release)
		OB_INFO("%s: %zu archivos en la publicación %s (reports/)",
		        "%s: %zu files in release %s (reports/)", code, *made, j->version);
	else if (first == OB_EXIT_OK)
		OB_INFO("%s: %zu archivos en %s", "%s: %zu files in %s", code, *made, j->dir);
	else
		OB_ERROR("%s: %zu archivos en %s; faltan %zu (arriba, por qué)",
		         "%s: %zu files in %s; %zu missing (why, above)", code, *made, j->dir,
		         wanted - *made);
	return first;
}

/* How many countries --all makes at once (--jobs; 0: the online cores),
 * each in a process of its own. Set only while cmd_report runs --all. */
static long all_jobs;

/* A country being made in a child process: its messages, replayed on
 * the terminal in the countries' order once it is done. */
struct all_child {
	pid_t pid;        /* 0: not started; -1: done */
	FILE *log;        /* its standard error */
	int status;       /* its exit status */
	size_t made;
};

/* Copy the child's messages to standard error. */
static void all_replay(struct all_child *c)
{
	char buf[4096];
	size_t n;

	if (!c->log)
		return;
	fflush(stderr);
	rewind(c->log);
	while ((n = fread(buf, 1, sizeof buf, c->log)) > 0)
		fwrite(buf, 1, n, stderr);
	fflush(stderr);
	fclose(c->log);
	c->log = NULL;
}

/*
 * Every country of codes[0..n): one after the other in this process when
 * one job is asked (or the store is open for writing: a child must not
 * share it); else each in a child process (the command's globals, such
 * as getopt's state and the language of messages, are per process), at
 * most all_jobs at once. A child's exit code carries its first failure's
 * status and how many files it wrote (status * 16 + made); its messages
 * go to a temporary file that is copied to the terminal in the
 * countries' order, so the terminal and the files are those of a serial
 * run. The first failure's exit status.
 */
static int all_run(const struct all_job *j, const char **codes, size_t n, size_t *files)
{
	struct all_child *kids;
	long jobs = all_jobs > 0 ? all_jobs : sysconf(_SC_NPROCESSORS_ONLN);
	size_t next = 0, shown = 0, running = 0;
	int status = OB_EXIT_OK;

	if (jobs < 1)
		jobs = 1;
	if (jobs > OB_REPORT_JOBS_MAX)
		jobs = OB_REPORT_JOBS_MAX;
	if (j->ctx->store && j->ctx->store_mode != OB_STORE_READONLY)
		jobs = 1;
	if (jobs == 1 || n < 2) {
		for (size_t i = 0; i < n; i++) {
			size_t made;
			int st = all_country(j, codes[i], &made);
			*files += made;
			if (st != OB_EXIT_OK && status == OB_EXIT_OK)
				status = st;
		}
		return status;
	}
	kids = ob_calloc(n, sizeof *kids);
	fflush(stdout);
	fflush(stderr);
	while (shown < n) {
		int ws;
		pid_t pid;

		/* start as many as the limit allows */
		while (next < n && running < (size_t)jobs) {
			struct all_child *c = &kids[next];
			if (!(c->log = tmpfile())) {
				OB_ERROR("%s: no se pudo crear un archivo temporal (%s)",
				         "%s: could not create a temporary file (%s)", codes[next],
				         strerror(errno));
				c->pid = -1;
				c->status = OB_EXIT_SYSTEM;
				next++;
				continue;
			}
			if ((c->pid = fork()) == 0) {
				size_t made;
				int st;
				/* the child's own read-only connection: never the parent's */
				j->ctx->store = NULL;
				dup2(fileno(c->log), STDERR_FILENO);
				st = all_country(j, codes[next], &made);
				fflush(stdout);
				fflush(stderr);
				_exit((st & 15) * 16 + (int)(made & 15));
			}
			if (c->pid < 0) {
				OB_ERROR("%s: no se pudo crear un proceso (%s)",
				         "%s: could not start a process (%s)", codes[next], strerror(errno));
				fclose(c->log);
				c->log = NULL;
				c->status = OB_EXIT_SYSTEM;
			} else {
				running++;
			}
			next++;
		}
		/* the countries done, in order */
		while (shown < next && kids[shown].pid == -1) {
			all_replay(&kids[shown]);
			*files += kids[shown].made;
			if (kids[shown].status != OB_EXIT_OK && status == OB_EXIT_OK)
				status = kids[shown].status;
			shown++;
		}
		if (!running)
			continue;
		if ((pid = waitpid(-1, &ws, 0)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (size_t i = 0; i < next; i++) {
			if (kids[i].pid != pid)
				continue;
			kids[i].pid = -1;
			running--;
			if (WIFEXITED(ws)) {
				kids[i].status = WEXITSTATUS(ws) / 16;
				kids[i].made = (size_t)(WEXITSTATUS(ws) % 16);
			} else {
				OB_ERROR("%s: el proceso terminó por la señal %d",
				         "%s: the process ended on signal %d", codes[i],
				         WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
				kids[i].status = OB_EXIT_SYSTEM;
			}
		}
	}
	/* a wait that failed: what is left is lost */
	for (; shown < n; shown++) {
		if (kids[shown].pid > 0)
			waitpid(kids[shown].pid, NULL, 0);
		all_replay(&kids[shown]);
		if (status == OB_EXIT_OK)
			status = OB_EXIT_SYSTEM;
	}
	free(kids);
	return status;
}

/* --format LIST of --all: html, pdf, png, svg separated by commas, into
 * bits of all_kinds; false (said why) for an unknown or empty one. */
static bool all_formats(const char *list, unsigned *kinds)
{
	static const char *const names[] = { "html", "pdf", "png", "svg" };
	const char *p = list;

	*kinds = 0;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		size_t k = 0;

		while (k < OB_ARRAY_SIZE(names) && !(strlen(names[k]) == n && !strncmp(p, names[k], n)))
			k++;
		if (k == OB_ARRAY_SIZE(names)) {
			OB_ERROR("--format «%.*s» con --all: se esperaba una lista de html, pdf (el "
			         "boletín), png y svg (la infografía), separados por comas",
			         "--format «%.*s» with --all: expected a list of html, pdf (the "
			         "bulletin), png and svg (the infographic), separated by commas",
			         (int)n, p);
			return false;
		}
		*kinds |= 1u << k;
		if (!end)
			return true;
		p = end + 1;
	}
}

/* Whether flag is one of the '|'-separated flags of the n bytes at p. */
static bool flag_listed(const char *p, size_t n, const char *flag)
{
	size_t fl = strlen(flag);

	while (n) {
		size_t k = 0;
		while (k < n && p[k] != '|')
			k++;
		if (k == fl && !memcmp(p, flag, fl))
			return true;
		p += k < n ? k + 1 : k;
		n -= k < n ? k + 1 : k;
	}
	return false;
}

/* Which of the n countries (codes) the release's indicators table has
 * data of, in has[]: a row of the country not flagged no_data. A release
 * lists every country of the catalogue in its code lists, also those the
 * observatory receives nothing from (a national observatory's others). */
static ob_err with_data(const char *path, const char *const *codes, size_t n, bool *has,
                        struct ob_diag *d)
{
	static const char *const cols[] = { "country", "flags" };
	const struct ob_csv_options opts = { .encoding = OB_ENC_UTF8, .delimiter = ',' };
	struct ob_csv_reader *rd = NULL;
	const struct ob_csv_record *rec;
	long col[2];
	size_t left = n;
	ob_err e;

	memset(has, 0, n * sizeof *has);
	if ((e = ob_csv_open(path, NULL, &opts, &rd, d)))
		return e;
	if ((e = ob_csv_next(rd, &rec, d)) ||
	    (e = ob_csv_header_columns(rec, path, cols, NULL, 2, col, d)))
		goto close_reader;
	while (left && !(e = ob_csv_next(rd, &rec, d))) {
		const struct ob_csv_field *c, *f;
		if (rec->nfields <= (size_t)(col[0] > col[1] ? col[0] : col[1]))
			continue;
		c = &rec->fields[col[0]];
		f = &rec->fields[col[1]];
		if (flag_listed(f->ptr, f->len, "no_data"))
			continue;
		for (size_t k = 0; k < n; k++)
			if (!has[k] && strlen(codes[k]) == c->len && !memcmp(codes[k], c->ptr, c->len)) {
				has[k] = true;
				left--;
			}
	}
	if (e == OB_ENOENT)
		e = OB_OK;
close_reader:
	ob_csv_close(rd);
	return e;
}

/*
 * observa report --all --period P [--release vN] [-o DIR]: for each country
 * of the release (its metadata's territories of level 0), the bulletin of
 * P as HTML and PDF and the infographic of P's year as PNG and SVG, each
 * in Spanish and in English, into DIR (by default DIR/reports/vN beside
 * the releases, never inside one: a release is immutable), named
 * <country>-<period>.<lang>.html|pdf and
 * <country>-<year>.infographic.<lang>.png|svg. One line per country on
 * the terminal. A country that fails does not stop the others; the exit
 * status is the first failure's.
 */
int ob_report_all(struct ob_cmd_ctx *ctx, const char *period, const char *release,
                  const char *reldir, const char *outdir, size_t *files)
{
	char version[64], path[OB_MAX_PATH], dir[OB_MAX_PATH], per[OB_SIT_PERIOD_MAX];
	char year[8];
	json_t *meta = NULL, *terr;
	json_error_t je;
	struct ob_period *pp = NULL;
	size_t np = 0, i, n_codes = 0, cap = 16;
	const char **codes;
	struct ob_diag d;
	int status = OB_EXIT_OK;

	*files = 0;
	if (ob_period_parse(period, &pp, &np, &d) || !np) {
		free(pp);
		OB_ERROR("--period «%s»: se esperaba un periodo: un año (2024), un trimestre "
		         "(2024-Q3), un mes (2024-09) o lo que va del año (ytd:2024-09-30)",
		         "--period «%s»: expected one period: a year (2024), a quarter (2024-Q3), "
		         "a month (2024-09) or the year to a day (ytd:2024-09-30)", period);
		return OB_EXIT_USAGE;
	}
	snprintf(year, sizeof year, "%d", pp[0].year);
	free(pp);
	if (release) {
		if (strlen(release) >= sizeof version || strchr(release, '/') || release[0] == '.') {
			OB_ERROR("--release «%s»: se esperaba vN", "--release «%s»: expected vN", release);
			return OB_EXIT_USAGE;
		}
		ob_strlcpy(version, release, sizeof version);
	} else if (ob_release_latest(ctx->dir, version, sizeof version)) {
		OB_ERROR("%s no tiene publicaciones: «observa publish» primero",
		         "%s has no releases: run «observa publish» first", ctx->dir);
		return OB_EXIT_FAIL;
	}
	all_reldir = reldir;
	relpath(ctx, version, "metadata.json", path, sizeof path);
	if (!(meta = json_load_file(path, 0, &je))) {
		OB_ERROR("la publicación %s no existe o no se puede leer (%s)",
		         "the release %s does not exist or cannot be read (%s)", version, je.text);
		all_reldir = NULL;
		return OB_EXIT_FAIL;
	}
	terr = json_object_get(json_object_get(meta, "code_lists"), "territories");
	if (outdir)
		ob_strlcpy(dir, outdir, sizeof dir);
	else
		snprintf(dir, sizeof dir, "%s/reports/%s", ctx->dir, version);
	if (!mkdirs(dir)) {
		OB_ERROR("%s: no se pudo crear la carpeta (%s)", "%s: could not create the folder (%s)",
		         dir, strerror(errno));
		json_decref(meta);
		all_reldir = NULL;
		return OB_EXIT_SYSTEM;
	}
	codes = ob_malloc(cap * sizeof *codes);
	/* a period in a file name: "ytd:2024-09-30" as "ytd-2024-09-30" */
	ob_strlcpy(per, period, sizeof per);
	for (char *c = per; *c; c++)
		if (*c == ':' || *c == '/')
			*c = '-';
	for (i = 0; i < json_array_size(terr); i++) {
		json_t *t = json_array_get(terr, i);
		const char *code = jstr(t, "code");
		if (code && json_integer_value(json_object_get(t, "level")) == 0)
			codes[n_codes++] = code;
		if (n_codes == cap) {
			cap *= 2;
			codes = ob_realloc(codes, cap * sizeof *codes);
		}
	}
	/* the countries the release has data of; the others are named */
	{
		bool *has = ob_malloc((n_codes ? n_codes : 1) * sizeof *has);
		struct ob_diag d2;
		size_t kept = 0;

		relpath(ctx, version, "indicators.csv", path, sizeof path);
		if (with_data(path, codes, n_codes, has, &d2)) {
			ob_cli_diag(&d2);
			status = OB_EXIT_FAIL;
		} else {
			for (i = 0; i < n_codes; i++) {
				if (has[i])
					codes[kept++] = codes[i];
				else
					OB_INFO("%s: sin datos en la publicación %s; sin boletín",
					        "%s: no data in release %s; no bulletin", codes[i], version);
			}
			if (!kept) {
				OB_ERROR("la publicación %s no tiene datos de ningún país: ningún boletín",
				         "release %s has no data of any country: no bulletin", version);
				status = OB_EXIT_FAIL;
			}
		}
		free(has);
		n_codes = kept;
	}
	if (status == OB_EXIT_OK) {
		struct all_job job = { ctx, dir, version, year, per, period, reldir != NULL };
		status = all_run(&job, codes, n_codes, files);
	}
	free(codes);
	json_decref(meta);
	all_reldir = NULL;
	return status;
}

int cmd_report(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "territory", required_argument, NULL, 't' },
		{ "period", required_argument, NULL, 'p' },
		{ "release", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "no-alarms", no_argument, NULL, 'A' },
		{ "compendium", no_argument, NULL, 'C' },
		{ "all", no_argument, NULL, 'a' },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *territory = NULL, *period = NULL, *release = NULL, *output = NULL;
	const char *format = NULL;
	bool pdf, known = false, alarms = true, compendium = false, infographic, png = false;
	bool xlsx, all = false;
	long long jobs = 0;
	char version[64], path[OB_MAX_PATH], date[16] = "";
	struct ob_indicator_set *set = NULL;
	struct ob_bl_indicator *ind = NULL;
	struct loaded rows = { 0 };
	struct shapes shapes = { 0 };
	struct plans plans = { 0 };
	struct sub subrows = { 0 };
	bool borrowed = false, computed = false; /* subrows: sub_kept's; to keep */
	struct ob_bl_sub sub;
	struct sources src = { 0 };
	int from_month = 0, to_month = 0;
	struct ob_store *st = NULL;
	char sitper[OB_SIT_PERIOD_MAX], snapdate[16] = "";
	bool ytd = false;
	struct ob_bulletin b;
	struct ob_diag d;
	json_t *manifest = NULL;
	json_error_t je;
	struct ob_period *per = NULL;
	enum ob_period_kind kind;
	size_t nper = 0;
	int year;
	bool def;
	FILE *out = stdout;
	int c, status = OB_EXIT_OK;
	ob_err e;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:p:r:o:f:", longopts, NULL)) != -1) {
		switch (c) {
		case 't': territory = optarg; break;
		case 'p': period = optarg; break;
		case 'r': release = optarg; break;
		case 'o': output = optarg; break;
		case 'f': format = optarg; break;
		case 'A': alarms = false; break;
		case 'C': compendium = true; break;
		case 'a': all = true; break;
		case 'j':
			if (!ob_parse_int(optarg, strlen(optarg), 1, OB_REPORT_JOBS_MAX, &jobs)) {
				OB_ERROR("--jobs «%s»: se esperaba un número de 1 a %d",
				         "--jobs «%s»: expected a number from 1 to %d", optarg,
				         OB_REPORT_JOBS_MAX);
				return OB_EXIT_USAGE;
			}
			break;
		default: cmd_report_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (jobs && !all) {
		OB_ERROR("--jobs: solo con --all", "--jobs: only with --all");
		cmd_report_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (all) {
		size_t files;
		int all_st;
		unsigned kinds = ALL_KINDS_EVERY;
		if (optind < argc || territory || compendium || !alarms || !period) {
			OB_ERROR("--all: solo --period, --release, --format LISTA, --jobs y -o CARPETA "
			         "(cada país)",
			         "--all: only --period, --release, --format LIST, --jobs and -o FOLDER "
			         "(every country)");
			cmd_report_usage(stderr);
			return OB_EXIT_USAGE;
		}
		if (format && !all_formats(format, &kinds))
			return OB_EXIT_USAGE;
		all_jobs = (long)jobs;
		all_kinds = kinds;
		all_langs = ctx->lang_given ? 1u << (ctx->lang == OB_LANG_EN) : ALL_LANGS_EVERY;
		all_st = ob_report_all(ctx, period, release, NULL, output, &files);
		all_jobs = 0;
		all_kinds = ALL_KINDS_EVERY;
		all_langs = ALL_LANGS_EVERY;
		return all_st;
	}
	if (territory && is_region(territory))
		territory = REGION_CODE;
	if (optind < argc || !territory || !period) {
		if (optind < argc)
			OB_ERROR("argumento de más «%s»", "one argument too many: «%s»", argv[optind]);
		else
			OB_ERROR("faltan --territory y --period", "--territory and --period are required");
		cmd_report_usage(stderr);
		return OB_EXIT_USAGE;
	}
	/* one period as "observa indicators" writes it; not a range */
	if (ob_period_parse(period, &per, &nper, &d) ||
	    !(nper == 1 || (nper == 2 && per[0].kind == OB_PERIOD_YTD))) {
		free(per);
		OB_ERROR("--period «%s»: se esperaba un periodo: un año (2024), un trimestre "
		         "(2024-Q3), un mes (2024-09) o lo que va del año hasta un día "
		         "(ytd:2024-09-30)",
		         "--period «%s»: expected one period: a year (2024), a quarter (2024-Q3), "
		         "a month (2024-09) or the year to a day (ytd:2024-09-30)", period);
		return OB_EXIT_USAGE;
	}
	year = per[0].year;
	kind = per[0].kind;
	from_month = per[0].from_month;
	to_month = per[0].to_month;
	/* less than a year: the situational analysis, which counts whole months */
	if (kind != OB_PERIOD_YEAR && !sub_period(&per[0], sitper, sizeof sitper, &ytd)) {
		free(per);
		OB_ERROR("--period «%s»: lo que va del año se cuenta en meses enteros: termine en "
		         "el último día de un mes (ytd:2024-09-30)",
		         "--period «%s»: a year to date counts whole months: end it on a month's "
		         "last day (ytd:2024-09-30)", period);
		return OB_EXIT_USAGE;
	}
	if (kind != OB_PERIOD_YEAR)
		sub_steps(&per[0], &subrows);
	free(per);
	if (format && strcmp(format, "html") && strcmp(format, "pdf") &&
	    strcmp(format, "infographic") && strcmp(format, "xlsx")) {
		OB_ERROR("--format «%s»: html, pdf, infographic o xlsx",
		         "--format «%s»: html, pdf, infographic or xlsx", format);
		return OB_EXIT_USAGE;
	}
	xlsx = (format && !strcmp(format, "xlsx")) ||
	       (!format && output && strlen(output) > 5 &&
	        !strcmp(output + strlen(output) - 5, ".xlsx"));
	if (xlsx && !compendium) {
		OB_ERROR("--format xlsx: solo el compendio (--compendium) es un libro de cálculo",
		         "--format xlsx: only the compendium (--compendium) is a workbook");
		return OB_EXIT_USAGE;
	}
	infographic = format && !strcmp(format, "infographic");
	pdf = format && !infographic && !xlsx
	              ? !strcmp(format, "pdf")
	              : output && strlen(output) > 4 && !strcmp(output + strlen(output) - 4, ".pdf");
	png = infographic && output && strlen(output) > 4 &&
	      !strcmp(output + strlen(output) - 4, ".png");
	/* a compendium and an infographic are of a year, from a release */
	if ((compendium || infographic) && kind != OB_PERIOD_YEAR) {
		OB_ERROR("--period «%s»: el compendio y la infografía son de un año (2024)",
		         "--period «%s»: a compendium and an infographic are of a year (2024)", period);
		return OB_EXIT_USAGE;
	}
	if (!strcmp(territory, REGION_CODE) && (kind != OB_PERIOD_YEAR || compendium)) {
		OB_ERROR("--territory region: el boletín y la infografía de la región son de un año "
		         "(2024), de la publicación; el compendio es el de un país",
		         "--territory region: the region's bulletin and infographic are of a year "
		         "(2024), from the release; a compendium is a country's");
		return OB_EXIT_USAGE;
	}
	if (compendium && infographic) {
		OB_ERROR("--compendium o --format infographic, no los dos",
		         "--compendium or --format infographic, not both");
		return OB_EXIT_USAGE;
	}
	ob_diag_clear(&d);
	if (release) {
		if (strlen(release) >= sizeof version || strchr(release, '/') || release[0] == '.') {
			OB_ERROR("--release «%s»: se esperaba vN", "--release «%s»: expected vN", release);
			return OB_EXIT_USAGE;
		}
		ob_strlcpy(version, release, sizeof version);
	} else if ((e = ob_release_latest(ctx->dir, version, sizeof version)) &&
	           kind != OB_PERIOD_YEAR) {
		version[0] = '\0'; /* the figures are the records'; no release to name */
	} else if (e) {
		OB_ERROR("%s no tiene publicaciones: «observa publish» primero",
		         "%s has no releases: run «observa publish» first", ctx->dir);
		return OB_EXIT_FAIL;
	}
	relpath(ctx, version, "metadata.json", path, sizeof path);
	if (version[0] && (manifest = json_load_file(path, 0, &je))) {
		const char *issued = jstr(manifest, "issued");
		if (!issued)
			issued = jstr(manifest, "created");
		if (issued)
			ob_strlcpy(date, issued, 11);
	}
	if (release && !manifest) {
		OB_ERROR("la publicación %s no existe", "the release %s does not exist", version);
		status = OB_EXIT_FAIL;
		goto done;
	}
	if ((e = ob_indicators_load_dir(ctx->dir, &set, &def, &d)))
		goto fail;
	/* a release publishes years: a quarter, a month or a year to date are
	 * the public situational analysis's figures */
	if (kind != OB_PERIOD_YEAR) {
		time_t at;
		struct tm tm;
		if (!(st = ob_cmd_store(ctx, OB_STORE_READONLY))) {
			status = OB_EXIT_SYSTEM;
			goto done;
		}
		if ((e = ob_cmd_snapshot(ctx, &d)))
			goto fail;
		if (sub_kept_is(ctx, territory, sitper, alarms)) {
			/* the same figures in another format or language */
			subrows = sub_kept.u;
			sub_steps_own(&subrows);
			borrowed = true;
		} else {
			if ((e = sub_load(ctx, set, territory, sitper, &subrows, &d)) ||
			    (alarms && (e = sub_alarms(ctx, st, territory, &subrows, &d))))
				goto fail;
			sub_children(ctx->snap, territory, &subrows);
			computed = true;
		}
		if (alarms &&
		    (e = sub_alarms_pick(ctx, territory, ctx->lang == OB_LANG_EN, &subrows, &d)))
			goto fail;
		if (!infographic && !compendium &&
		    (e = deliveries_records(ctx, st, territory, from_month, to_month, &src, &d)))
			goto fail;
		at = (time_t)ctx->snap->built_at;
		if (gmtime_r(&at, &tm))
			strftime(snapdate, sizeof snapdate, "%Y-%m-%d", &tm);
		sub = (struct ob_bl_sub){ period, ytd, snapdate[0] ? snapdate : NULL, subrows.v,
			                  subrows.n, subrows.steps, subrows.n_steps,
			                  subrows.hl_from, subrows.hl_to, subrows.s, subrows.ns,
			                  subrows.codes, subrows.names, subrows.n_units,
			                  alarms ? subrows.month_label : NULL, subrows.alarms,
			                  subrows.n_alarms };
		goto compose;
	}
	relpath(ctx, version, "indicators.csv", path, sizeof path);
	if ((e = rows_load(path, territory, compendium, &rows, &known, &d))) {
		ob_cli_diag(&d);
		OB_ERROR("%s: no se pudo leer la tabla de indicadores",
		         "%s: could not read the indicators table", path);
		status = OB_EXIT_FAIL;
		goto done;
	}
	if (known && !strcmp(territory, REGION_CODE))
		region_rows(&rows, set, ctx->lang == OB_LANG_EN);
	if (!known) {
		OB_ERROR("la publicación %s no tiene el territorio «%s»",
		         "the release %s has no territory «%s»", version, territory);
		status = OB_EXIT_USAGE;
		goto done;
	}
	for (size_t i = 0; compendium && i < rows.n; i++)
		if (rows.v[i].territory && !strcmp(rows.v[i].territory, territory) &&
		    rows.v[i].level != 0) {
			OB_ERROR("«%s» no es un país: el compendio es el de un país (SLV)",
			         "«%s» is not a country: a compendium is a country's (SLV)", territory);
			status = OB_EXIT_USAGE;
			goto done;
		}
compose:
	ind = ob_calloc(set->n + 1, sizeof *ind);
	for (size_t k = 0; k < set->n; k++)
		ind[k] = (struct ob_bl_indicator){ set->v[k].id, set->v[k].name_es, set->v[k].name_en,
			                           set->v[k].multiplier, set->v[k].numerator };
	memset(&b, 0, sizeof b);
	b.lang = ctx->lang;
	b.territory = territory;
	b.year = year;
	b.release = version[0] ? version : NULL;
	b.date = date[0] ? date : NULL;
	b.rows = rows.v;
	b.n_rows = rows.n;
	b.ind = ind;
	b.n_ind = set->n;
	b.sub = kind != OB_PERIOD_YEAR ? &sub : NULL;
	b.region = !strcmp(territory, REGION_CODE);
	if (!compendium && !infographic && version[0]) {
		/* a bulletin of less than a year shows the plans too: their
		 * targets are yearly, so the latest yearly values up to its year */
		plans_load(ctx, version, territory, year, &rows, &plans);
		b.plans = plans.bl;
		b.n_plans = plans.n;
	}
	if (!compendium && !infographic) {
		/* where the numbers come from: each institution's violent
		 * deaths, the deliveries of the months (a year's from its
		 * release; less than a year's were read from the records) */
		if (version[0])
			b.deaths_unread = !deaths_load(ctx, version, territory, &src);
		for (size_t i = 0; !b.sub && i < rows.n; i++)
			if (rows.v[i].territory && !strcmp(rows.v[i].territory, territory) &&
			    rows.v[i].country) {
				/* the region: every country's sources */
				b.deliveries_unread = !deliveries_release(
					ctx, version,
					strcmp(territory, REGION_CODE) ? rows.v[i].country : NULL,
					from_month, to_month, &src);
				break;
			}
		b.deaths = src.deaths;
		b.n_deaths = src.n_deaths;
		deliv_names(ctx, &src);
		b.deliveries = src.deliv;
		b.n_deliveries = src.n_deliv;
		b.from_month = from_month;
		b.to_month = to_month;
		b.deliveries_date = b.sub ? (snapdate[0] ? snapdate : NULL) : b.date;
	}
	if (set->n && version[0]) {
		/* a bulletin of less than a year: the units its analysis has */
		struct loaded units = { 0 };
		if (b.sub) {
			units.v = ob_calloc(subrows.n_units + 1, sizeof *units.v);
			for (size_t i = 0; i < subrows.n_units; i++) {
				units.v[units.n].territory = subrows.codes[i];
				units.v[units.n++].parent = territory;
			}
		}
		char map[OB_MAX_PATH];
		snprintf(map, sizeof map, "maps/%s.geojson", set->v[0].id);
		relpath(ctx, version, map, path, sizeof path);
		shapes_load(path, b.sub ? &units : &rows, territory, year, &shapes);
		free(units.v);
		b.shapes = shapes.v;
		b.n_shapes = shapes.n;
	}
	if (output && !(out = fopen(output, "w"))) {
		OB_ERROR("%s: no se pudo crear (%s)", "%s: could not create it (%s)", output,
		         strerror(errno));
		status = OB_EXIT_SYSTEM;
		goto done;
	}
	if (infographic)
		e = png ? ob_infographic_png(out, &b, &d)
		    : pdf ? ob_infographic_pdf(out, &b, &d)
		          : ob_infographic_svg(out, &b, &d);
	else if (compendium)
		e = xlsx ? ob_compendium_xlsx(out, &b, &d)
		    : pdf ? ob_compendium_pdf(out, &b, &d) : ob_compendium_html(out, &b, &d);
	else
		e = pdf ? ob_bulletin_pdf(out, &b, &d) : ob_bulletin_html(out, &b, &d);
	if (output && fclose(out) != 0 && !e)
		e = OB_DIAG(&d, OB_EIO, output, 0, 0, NULL, 0, "no se pudo escribir",
		            "could not be written");
	if (!output && fflush(stdout) != 0 && !e)
		e = OB_DIAG(&d, OB_EIO, "", 0, 0, NULL, 0, "no se pudo escribir la salida",
		            "the output could not be written");
	if (e) {
		if (output)
			remove(output);
		goto fail;
	}
	goto done;
fail:
	ob_cli_diag(&d);
	status = e == OB_EIO ? OB_EXIT_SYSTEM : ob_cli_status(e);
done:
	free(ind);
	sources_free(&src);
	shapes_free(&shapes);
	plans_release(&plans);
	if (borrowed)
		free(subrows.alarms); /* the rest is sub_kept's */
	else if (!computed || !sub_keep(ctx, territory, sitper, alarms, &subrows))
		sub_release(&subrows);
	rows_free(&rows);
	ob_indicators_free(set);
	json_decref(manifest);
	return status;
}
