/*
 * survey.c - the survey indicators in the API: GET /api/v1/indicators/{id}
 * for an indicator of catalog/survey_indicators.csv answers the rows of the
 * latest release's survey_indicators.csv (publish/release_survey.c), so the
 * API shows what was published and nothing else: estimate, interval, se,
 * cv, n and flags in percent, for the whole universe (sex T) and, with
 * by=sex as the indicators' tables, also its women (F) and men (M) where
 * the survey names the sex variable; a suppressed estimate without a
 * number. Filters: territory, year, by. GET /api/v1/survey/dark-figure answers the
 * rows of its dark_figure.csv (publish/release_dark.c) the same way, with
 * the filters indicator, territory and year. The files are read per
 * request (a few hundred rows a release).
 */
#include "http/internal.h"

#include "base/log.h"
#include "io/csv.h"
#include "publish/release.h"
#include "survey/profile.h"

#include <math.h>
#include <unistd.h>

/* Whether id is a survey indicator of the observatory's catalogue. */
static bool is_survey_indicator(const char *dir, const char *id)
{
	struct ob_svy_catalog cat;
	struct ob_diag d;
	bool found;

	ob_diag_clear(&d);
	if (ob_svy_catalog_load(dir, &cat, &d))
		return false;
	found = ob_svy_catalog_find(&cat, id) != NULL;
	ob_svy_catalog_release(&cat);
	return found;
}

/* Columns of survey_indicators.csv and dark_figure.csv written as numbers. */
static bool numeric(const char *col)
{
	static const char *const nums[] = {
		"year", "estimate", "lower", "upper", "se", "cv", "n", "level_conf", "victims",
		"victims_lower", "victims_upper", "victims_se", "police", "recorded_pct",
		"recorded_lower", "recorded_upper", "unrecorded", "unrecorded_lower",
		"unrecorded_upper", "reporting_pct", "reporting_lower", "reporting_upper",
	};
	for (size_t i = 0; i < OB_ARRAY_SIZE(nums); i++)
		if (!strcmp(col, nums[i]))
			return true;
	return false;
}

#define MAX_COLS 32

struct rows {
	char *cols[MAX_COLS];
	size_t ncols;
	char **cell;           /* nrows * ncols */
	size_t nrows, cap;
};

static void rows_release(struct rows *r)
{
	for (size_t i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->cell[i]);
	free(r->cell);
}

/* The rows of path whose indicator is id (NULL: any; and territory, sex,
 * year when given; sex where the file has the column). */
static ob_err rows_load(const char *path, const char *id, const char *territory, const char *sex,
                        long long year, struct rows *r, struct ob_diag *d)
{
	struct ob_csv_options o = { OB_ENC_UTF8, ',', 0, 0, false, NULL };
	struct ob_csv_reader *rd;
	const struct ob_csv_record *rec;
	long ci = -1, ct = -1, cy = -1, cs = -1;
	ob_err e;

	if ((e = ob_csv_open(path, NULL, &o, &rd, d)))
		return e;
	if ((e = ob_csv_next(rd, &rec, d)))
		goto close_reader;
	for (size_t i = 0; i < rec->nfields && r->ncols < MAX_COLS; i++) {
		r->cols[r->ncols++] = ob_strdup(rec->fields[i].ptr);
		ci = !strcmp(rec->fields[i].ptr, "indicator") ? (long)i : ci;
		ct = !strcmp(rec->fields[i].ptr, "territory") ? (long)i : ct;
		cy = !strcmp(rec->fields[i].ptr, "year") ? (long)i : cy;
		cs = !strcmp(rec->fields[i].ptr, "sex") ? (long)i : cs;
	}
	if (ci < 0 || ct < 0 || cy < 0) {
		e = OB_DIAG(d, OB_EPARSE, path, rec->line, 0, NULL, 0,
		            "faltan las columnas indicator, territory o year",
		            "the columns indicator, territory or year are missing");
		goto close_reader;
	}
	while (!(e = ob_csv_next(rd, &rec, d))) {
		long long y;
		if (rec->blank || rec->nfields != r->ncols || (id && strcmp(rec->fields[ci].ptr, id)) ||
		    (territory && strcmp(rec->fields[ct].ptr, territory)) ||
		    (sex && cs >= 0 && strcmp(rec->fields[cs].ptr, sex)))
			continue;
		if (year >= 0 && (!ob_parse_int(rec->fields[cy].ptr, rec->fields[cy].len, 0, 9999, &y) ||
		                  y != year))
			continue;
		if (r->nrows == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 64;
			r->cell = ob_realloc(r->cell, r->cap * r->ncols * sizeof(char *));
		}
		for (size_t i = 0; i < r->ncols; i++)
			r->cell[r->nrows * r->ncols + i] = ob_strdup(rec->fields[i].ptr);
		r->nrows++;
	}
	if (e == OB_ENOENT)
		e = OB_OK;
close_reader:
	ob_csv_close(rd);
	return e;
}

/* Answer the rows of the latest release's file name whose indicator is id
 * (NULL: any) and sex is sex (NULL: any), filtered by the query's territory
 * and year. */
static void answer(struct ob_http_call *c, const char *name, const char *id, const char *sex)
{
	const char *dir = c->ctx->dir ? c->ctx->dir : ".";
	const char *territory = ob_http_str(c, "territory");
	long long year = ob_http_int(c, "year", -1), limit, offset;
	char version[32], path[OB_MAX_PATH];
	struct ob_http_table t;
	struct rows r;
	struct ob_diag d;

	memset(&r, 0, sizeof(r));
	ob_diag_clear(&d);
	if (ob_release_latest(dir, version, sizeof(version)) ||
	    snprintf(path, sizeof(path), "%s/%s/%s/%s", dir, OB_RELEASES_DIR, version, name) >=
	            (int)sizeof(path) || access(path, R_OK)) {
		ob_http_fail(c->res, 404, "no_release", NULL,
		             "El observatorio aún no ha publicado estimaciones de encuestas; se "
		             "publican con «observa publish».",
		             "The observatory has published no survey estimates yet ('observa "
		             "publish').");
		return;
	}
	if (rows_load(path, id, territory, sex, year, &r, &d)) {
		OB_ERROR("API: encuestas: %s: %s", "API: surveys: %s: %s", path, d.message);
		ob_http_fail(c->res, 500, "release", NULL,
		             "No se pudo leer la publicación; el administrador encontrará el "
		             "detalle en el registro del servidor.", "The release could not be read.");
		rows_release(&r);
		return;
	}
	ob_http_page(c, &limit, &offset);
	ob_http_table_begin(&t, c, (const char *const *)r.cols, r.ncols, (long long)r.nrows, limit,
	                    offset);
	ob_http_header_add(c->res, "X-Release", "%s", version);
	for (size_t i = (size_t)offset; i < r.nrows && i < (size_t)(offset + limit); i++) {
		for (size_t k = 0; k < r.ncols; k++) {
			const char *v = r.cell[i * r.ncols + k];
			if (!*v)
				ob_http_table_str(&t, NULL);
			else if (numeric(r.cols[k]))
				ob_http_table_numtext(&t, v);
			else
				ob_http_table_str(&t, v);
		}
		ob_http_table_end_row(&t);
	}
	ob_http_table_end(&t);
	rows_release(&r);
}

bool ob_http_survey_indicator(struct ob_http_call *c)
{
	const char *dir = c->ctx->dir ? c->ctx->dir : ".", *by;

	if (!c->path_value || !is_survey_indicator(dir, c->path_value))
		return false;
	by = ob_http_str(c, "by");
	answer(c, "survey_indicators.csv", c->path_value, by && !strcmp(by, "sex") ? NULL : "T");
	return true;
}

void ob_http_h_dark_figure(struct ob_http_call *c)
{
	answer(c, "dark_figure.csv", ob_http_str(c, "indicator"), NULL);
}
