/* inputs.c - the catalogue's municipal inputs of the index presets (data/catalog/inputs), and the observatory's own. */
#include "index/inputs.h"

#include <dirent.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strmap.h"
#include "catalog/catalog.h"
#include "catalog/embedded.h"
#include "io/csv.h"
#include "text/text.h"

#define INPUTS_DIR "inputs" /* the catalogue's municipal inputs (inputs/SOURCES.md) */

/* The best row so far for one unit: a year not after the index's beats any
 * later one; among those, the latest; among later ones, the earliest. */
static bool better_year(int y, int have, int year)
{
	if (!have)
		return true;
	if ((y <= year) != (have <= year))
		return y <= year;
	return y <= year ? y > have : y < have;
}

struct want {
	const char *col;
	int year;
	const struct ob_strmap *at;
	double *xm;
	size_t ni, j;
	int *years;
	size_t found;
	struct ob_buf *files;
};

/* The rows of one opened file r (path for messages) if its header is unit,year,COL. */
static void read_input(struct ob_csv_reader *r, const char *path, struct want *w)
{
	const struct ob_csv_record *rec;
	struct ob_diag d;
	size_t used = 0, bad = 0;

	ob_diag_clear(&d);
	if (ob_csv_next(r, &rec, &d) || rec->nfields != 3 || strcmp(rec->fields[0].ptr, "unit") ||
	    strcmp(rec->fields[1].ptr, "year") || strcmp(rec->fields[2].ptr, w->col))
		return;
	while (ob_csv_next(r, &rec, &d) == OB_OK) {
		const char *id = rec->nfields == 3 ? rec->fields[0].ptr : "";
		size_t idn = rec->nfields == 3 ? rec->fields[0].len : 0;
		uintptr_t u;
		long long y;
		double v;

		if (rec->blank)
			continue;
		ob_trim(&id, &idn);
		if (rec->nfields != 3 ||
		    !ob_parse_int(rec->fields[1].ptr, rec->fields[1].len, 1900, 2200, &y) ||
		    !ob_parse_double(rec->fields[2].ptr, rec->fields[2].len, &v)) {
			bad++;
			continue;
		}
		u = (uintptr_t)ob_strmap_get(w->at, id, idn);
		if (!u || !better_year((int)y, w->years[u - 1], w->year))
			continue;
		if (!w->years[u - 1])
			w->found++;
		w->years[u - 1] = (int)y;
		w->xm[(u - 1) * w->ni + w->j] = v;
		used++;
	}
	if (bad)
		OB_WARN("%s: %zu filas no válidas (unidad, año, número) ignoradas",
		        "%s: %zu invalid rows (unit, year, number) ignored", path, bad);
	if (used) {
		if (w->files->len)
			ob_buf_puts(w->files, ", ");
		ob_buf_puts(w->files, path);
	}
}

static bool is_csv(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && !strcmp(name + n - 4, ".csv");
}

/* A file of the observatory's inputs folder: read it unless a built-in one has its name. */
static void read_own(const char *dir, const char *name, struct want *w)
{
	char path[OB_MAX_PATH], emb[OB_MAX_PATH];
	struct ob_csv_reader *r = NULL;
	struct ob_diag d;

	if (*name == '.' || !is_csv(name))
		return;
	snprintf(emb, sizeof(emb), "%s/%s", INPUTS_DIR, name);
	for (size_t i = 0; i < ob_catalog_files_count; i++)
		if (!strcmp(ob_catalog_files[i].path, emb))
			return;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s/%s", dir, OB_CATALOG_DIR, INPUTS_DIR,
	                     name) >= sizeof(path))
		return;
	ob_diag_clear(&d);
	if (ob_csv_open(path, NULL, NULL, &r, &d)) {
		OB_WARN("%s: no se puede leer: se ignora", "%s: cannot be read: ignored", path);
		return;
	}
	read_input(r, path, w);
	ob_csv_close(r);
}

size_t ob_ix_shipped_inputs(const char *dir, const char *col, int year, const char **codes,
                            size_t n, double *xm, size_t ni, size_t j, int *years,
                            struct ob_buf *files)
{
	struct ob_strmap at;
	struct want w = { col, year, &at, xm, ni, j, years, 0, files };

	ob_strmap_init(&at);
	for (size_t u = 0; u < n; u++) {
		years[u] = 0;
		ob_strmap_put(&at, codes[u], strlen(codes[u]), (void *)(uintptr_t)(u + 1),
		              NULL);
	}
	for (size_t i = 0; i < ob_catalog_files_count; i++) {
		const struct ob_embedded_file *f = &ob_catalog_files[i];
		struct ob_csv_reader *r = NULL;
		char path[OB_MAX_PATH];
		struct ob_diag d;
		ob_err e;

		if (strncmp(f->path, INPUTS_DIR "/", sizeof(INPUTS_DIR)) || !is_csv(f->path))
			continue;
		ob_diag_clear(&d);
		if (dir && (size_t)snprintf(path, sizeof(path), "%s/%s/%s", dir, OB_CATALOG_DIR,
		                            f->path) < sizeof(path) &&
		    access(path, F_OK) == 0) {
			if ((e = ob_csv_open(path, NULL, NULL, &r, &d)))
				OB_WARN("%s: no se puede leer: se ignora", "%s: cannot be read: ignored",
				        path);
		} else {
			snprintf(path, sizeof(path), "%s/%s", OB_CATALOG_DIR, f->path);
			e = ob_csv_open_mem((const char *)f->data, f->len, path, NULL, &r, &d);
		}
		if (!e)
			read_input(r, path, &w);
		ob_csv_close(r);
	}
	/* the observatory's own files, in name order */
	if (dir) {
		char path[OB_MAX_PATH];
		struct dirent **names = NULL;
		int k = -1;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", dir, OB_CATALOG_DIR,
		                     INPUTS_DIR) < sizeof(path))
			k = scandir(path, &names, NULL, alphasort);
		for (int i = 0; i < k; i++) {
			read_own(dir, names[i]->d_name, &w);
			free(names[i]);
		}
		free(names);
	}
	ob_strmap_release(&at);
	return w.found;
}

/* Say where external column j came from and which units it misses. */
void ob_ix_shipped_report(const struct ob_index_def *def, size_t j, const char **codes, size_t n,
                          const int *years, size_t found, const char *files)
{
	struct ob_buf miss = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	char span[32];
	int lo = 0, hi = 0;
	size_t nmiss = 0;

	for (size_t u = 0; u < n; u++) {
		if (!years[u]) {
			if (nmiss < 20)
				ob_buf_putf(&miss, "%s%s", nmiss ? ", " : "", codes[u]);
			nmiss++;
			continue;
		}
		if (!lo || years[u] < lo)
			lo = years[u];
		if (years[u] > hi)
			hi = years[u];
	}
	if (hi > lo)
		snprintf(span, sizeof(span), "%d-%d", lo, hi);
	else
		snprintf(span, sizeof(span), "%d", lo);
	if (nmiss)
		OB_WARN("%s: indicador %s (columna %s) de %s (año %s): sin valor para %zu de %zu "
		        "unidades: %s%s",
		        "%s: indicator %s (column %s) from %s (year %s): no value for %zu of %zu "
		        "units: %s%s",
		        def->file, def->ind[j].id, def->ind[j].column, files, span, nmiss, n,
		        miss.ptr, nmiss > 20 ? "..." : "");
	else
		OB_INFO("%s: indicador %s (columna %s) de %s (año %s): las %zu unidades",
		        "%s: indicator %s (column %s) from %s (year %s): all %zu units",
		        def->file, def->ind[j].id, def->ind[j].column, files, span, found);
	ob_buf_release(&miss);
}

