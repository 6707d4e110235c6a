/*
 * missing_stats.c - the missing-persons statistics of the latest release
 * (missing_persons.csv, publish/release_missing.c) as the public sees them:
 * GET /api/v1/missing/stats?year=&breakdown= answers its rows, and the
 * portal's page /es/desaparecidos/cifras (portal_missing.c) shows them,
 * both through ob_http_missing_stats_load(). Nothing is computed from the
 * store: the cells are the release's, suppressed ones empty with the flag
 * C, so that the release, the API and the portal give one number and
 * nothing withheld can be had by subtracting one from another. A release
 * without the table (no reports in its years, or no such case type) is
 * "no data", never zeros. The file is read per request (a few hundred rows
 * a year).
 */
#include "http/internal.h"

#include <unistd.h>

#include "base/log.h"
#include "io/csv.h"
#include "publish/release.h"

static const char *const stat_cols[OB_MSTAT_NCOLS] = {
	"country",       "year",        "breakdown",     "group",
	"reported",      "located",     "located_alive", "located_dead",
	"share_located", "median_days", "status",
};

const char *ob_http_missing_stats_col(int k)
{
	return k >= 0 && k < OB_MSTAT_NCOLS ? stat_cols[k] : NULL;
}

void ob_http_missing_stats_release(struct ob_http_missing_stats *s)
{
	free(s->rows);
	s->rows = NULL;
	s->n = 0;
}

ob_err ob_http_missing_stats_load(const char *dir, long long year, const char *breakdown,
                                  struct ob_http_missing_stats *s, struct ob_diag *d)
{
	const struct ob_csv_options o = { .encoding = OB_ENC_UTF8, .delimiter = ',' };
	char path[OB_MAX_PATH];
	struct ob_csv_reader *rd;
	const struct ob_csv_record *rec;
	long col[OB_MSTAT_NCOLS];
	size_t need = 0, cap = 0;
	ob_err e;

	memset(s, 0, sizeof(*s));
	if (ob_release_latest(dir, s->version, sizeof(s->version)))
		return OB_ENOENT;
	if (snprintf(path, sizeof(path), "%s/%s/%s/missing_persons.csv", dir, OB_RELEASES_DIR,
	             s->version) >= (int)sizeof(path) || access(path, R_OK)) {
		s->no_table = true;
		return OB_ENOENT;
	}
	if ((e = ob_csv_open(path, NULL, &o, &rd, d)))
		return e;
	if ((e = ob_csv_next(rd, &rec, d)) ||
	    (e = ob_csv_header_columns(rec, path, stat_cols, NULL, OB_MSTAT_NCOLS, col, d)))
		goto close_reader;
	for (size_t k = 0; k < OB_MSTAT_NCOLS; k++)
		need = (size_t)col[k] >= need ? (size_t)col[k] + 1 : need;
	while (!(e = ob_csv_next(rd, &rec, d))) {
		const struct ob_csv_field *f = rec->fields;
		struct ob_http_missing_stat *x;
		long long y;

		if (rec->blank)
			continue;
		if (rec->nfields < need ||
		    !ob_parse_int(f[col[OB_MSTAT_YEAR]].ptr, f[col[OB_MSTAT_YEAR]].len, 0, 9999, &y)) {
			e = OB_DIAG(d, OB_EPARSE, path, rec->line, 0, NULL, 0,
			            "una fila sin sus columnas o sin un año",
			            "a row without its columns or a year");
			goto close_reader;
		}
		if ((year >= 0 && y != year) ||
		    (breakdown && strcmp(f[col[OB_MSTAT_BREAKDOWN]].ptr, breakdown)))
			continue;
		if (s->n == cap) {
			cap = cap ? 2 * cap : 128;
			s->rows = ob_realloc(s->rows, cap * sizeof(*s->rows));
		}
		x = &s->rows[s->n];
		x->year = y;
		for (size_t k = 0; k < OB_MSTAT_NCOLS; k++) {
			const struct ob_csv_field *v = &f[col[k]];
			if (v->len >= sizeof(x->cell[k])) {
				e = OB_DIAG(d, OB_EPARSE, path, rec->line, col[k] + 1, v->ptr, v->len,
				            "una celda demasiado larga", "a cell too long");
				goto close_reader;
			}
			memcpy(x->cell[k], v->ptr, v->len);
			x->cell[k][v->len] = '\0';
		}
		s->n++;
	}
	if (e == OB_ENOENT)
		e = OB_OK;
close_reader:
	ob_csv_close(rd);
	if (e)
		ob_http_missing_stats_release(s);
	return e;
}

/* Columns written as numbers. */
static bool numeric(int k)
{
	return k == OB_MSTAT_YEAR || (k >= OB_MSTAT_REPORTED && k <= OB_MSTAT_MEDIAN);
}

void ob_http_h_missing_stats(struct ob_http_call *c)
{
	const char *dir = c->ctx->dir ? c->ctx->dir : ".";
	struct ob_http_missing_stats s;
	struct ob_http_table t;
	struct ob_diag d;
	long long limit, offset;
	ob_err e;

	ob_diag_clear(&d);
	e = ob_http_missing_stats_load(dir, ob_http_int(c, "year", -1), ob_http_str(c, "breakdown"),
	                               &s, &d);
	if (e == OB_ENOENT) {
		ob_http_fail(c->res, 404, "no_missing_stats", NULL,
		             "La última publicación no tiene estadísticas de personas desaparecidas "
		             "(missing_persons.csv): sin datos.",
		             "The latest release has no missing-persons statistics "
		             "(missing_persons.csv): no data.");
		return;
	}
	if (e) {
		OB_ERROR("API: personas desaparecidas: %s", "API: missing persons: %s", d.message);
		ob_http_fail(c->res, 500, "release", NULL,
		             "No se pudo leer la publicación; el administrador encontrará el "
		             "detalle en el registro del servidor.", "The release could not be read.");
		return;
	}
	ob_http_page(c, &limit, &offset);
	ob_http_table_begin(&t, c, stat_cols, OB_MSTAT_NCOLS, (long long)s.n, limit, offset);
	ob_http_header_add(c->res, "X-Release", "%s", s.version);
	for (size_t i = (size_t)offset; i < s.n && i < (size_t)(offset + limit); i++) {
		for (int k = 0; k < OB_MSTAT_NCOLS; k++) {
			const char *v = s.rows[i].cell[k];
			if (!*v)
				ob_http_table_str(&t, NULL);
			else if (numeric(k))
				ob_http_table_numtext(&t, v);
			else
				ob_http_table_str(&t, v);
		}
		ob_http_table_end_row(&t);
	}
	ob_http_table_end(&t);
	ob_http_missing_stats_release(&s);
}
