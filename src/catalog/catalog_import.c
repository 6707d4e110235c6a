/* catalog_import.c - imports merged into the catalogue's files, geometry
 * drawn from the store, and the catalogue's summary (see catalog_impl.h). */
#include "catalog/catalog_impl.h"
#include "store/catalog.h"

/* ------------------------------------------------------------------------
 * Imports: the catalogue files stay the truth. An import merges its rows
 * into the file, writes it back and reloads the whole catalogue.
 */
struct table {
	size_t ncol;
	char **cell; /* nrow * ncol owned strings */
	size_t nrow, cap;
};

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->cell);
	t->cell = NULL;
	t->nrow = t->cap = 0;
}

static void table_append(struct table *t, const char *const *v)
{
	if (t->nrow == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->cell = ob_realloc(t->cell, t->cap * t->ncol * sizeof(*t->cell));
	}
	for (size_t i = 0; i < t->ncol; i++)
		t->cell[t->nrow * t->ncol + i] = ob_strdup(v[i]);
	t->nrow++;
}

struct table_read {
	const struct table_def *def;
	struct table *t;
	struct ob_diag *d;
};

static ob_err read_row(void *arg, const struct row *w)
{
	struct table_read *r = arg;
	ob_err e = r->def->check ? r->def->check(w, r->d) : OB_OK;

	if (!e)
		table_append(r->t, w->v);
	return e;
}

/* Append the rows of the CSV file path, in the columns of def, to t. */
static ob_err table_read(const char *path, const struct table_def *def, struct table *t,
                         struct ob_diag *d)
{
	struct table_read r = { def, t, d };

	t->ncol = def->ncols;
	return cat_each_row(path, def->cols, def->ncols, read_row, &r, d);
}

/* A key index over some columns of a table: open addressing, row + 1. */
struct keymap {
	size_t cap;
	size_t *slot;
	const size_t *keycols;
	size_t nkey;
};

static uint64_t key_hash(const struct table *t, size_t row, const struct keymap *m)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t k = 0; k < m->nkey; k++) {
		for (const char *p = t->cell[row * t->ncol + m->keycols[k]]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0x1f) * 1099511628211ULL;
	}
	return h;
}

static bool key_equal(const struct table *a, size_t ra, const struct table *b, size_t rb,
                      const struct keymap *m)
{
	for (size_t k = 0; k < m->nkey; k++)
		if (strcmp(a->cell[ra * a->ncol + m->keycols[k]], b->cell[rb * b->ncol + m->keycols[k]]))
			return false;
	return true;
}

/* Find row r of table q in base; returns the base row or SIZE_MAX. */
static size_t keymap_find(const struct keymap *m, const struct table *base,
                          const struct table *q, size_t r, size_t *slot_out)
{
	size_t i = (size_t)(key_hash(q, r, m) % m->cap);

	while (m->slot[i]) {
		if (key_equal(base, m->slot[i] - 1, q, r, m)) {
			*slot_out = i;
			return m->slot[i] - 1;
		}
		i = (i + 1) % m->cap;
	}
	*slot_out = i;
	return SIZE_MAX;
}

static void keymap_build(struct keymap *m, const struct table *base, size_t extra)
{
	m->cap = 2 * (base->nrow + extra) + 16;
	m->slot = ob_calloc(m->cap, sizeof(*m->slot));
	for (size_t r = 0; r < base->nrow; r++) {
		size_t s;

		if (keymap_find(m, base, base, r, &s) == SIZE_MAX)
			m->slot[s] = r + 1;
	}
}

/*
 * Merge imp into base by key. With status_col >= 0 an official base row is
 * not replaced by a row that is not official.
 */
static void table_merge(struct table *base, const struct table *imp, const size_t *keycols,
                        size_t nkey, int status_col, struct ob_catalog_import *res)
{
	struct keymap m = { 0, NULL, keycols, nkey };

	keymap_build(&m, base, imp->nrow);
	for (size_t r = 0; r < imp->nrow; r++) {
		const char *const *v = (const char *const *)&imp->cell[r * imp->ncol];
		size_t s, b = keymap_find(&m, base, imp, r, &s);

		res->read++;
		if (b == SIZE_MAX) {
			table_append(base, v);
			m.slot[s] = base->nrow;
			res->added++;
			continue;
		}
		if (status_col >= 0 && !strcmp(base->cell[b * base->ncol + (size_t)status_col], "official") &&
		    strcmp(v[status_col], "official")) {
			res->kept++;
			continue;
		}
		for (size_t i = 0; i < base->ncol; i++) {
			free(base->cell[b * base->ncol + i]);
			base->cell[b * base->ncol + i] = ob_strdup(v[i]);
		}
		res->replaced++;
	}
	free(m.slot);
}

/*
 * Write t as CSV. Formulas are not guarded (ob_csvw.verbatim): the file is
 * the catalogue itself, read back as data, and a value must come back as it
 * was.
 */
static ob_err table_write(const char *path, const struct table_def *def, const struct table *t,
                          struct ob_diag *d)
{
	FILE *f = fopen(path, "w");
	struct ob_csvw w;

	if (!f)
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		               "cannot create: %s", strerror(errno));
	ob_csvw_init(&w, f, ',');
	w.verbatim = true;
	for (size_t i = 0; i < t->ncol; i++)
		ob_csvw_str(&w, def->cols[i].name);
	ob_csvw_end(&w);
	for (size_t r = 0; r < t->nrow; r++) {
		for (size_t i = 0; i < t->ncol; i++)
			ob_csvw_str(&w, t->cell[r * t->ncol + i]);
		ob_csvw_end(&w);
	}
	if (ferror(f) | (fclose(f) != 0))
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "error de escritura",
		               "write error");
	return OB_OK;
}

/*
 * Put new_path in place of path, reload, and put the old file back when the
 * reload fails.
 */
static ob_err swap_and_reload(struct ob_store *s, const char *dir, const char *path,
                              const char *new_path, struct ob_diag *d)
{
	char bak[OB_MAX_PATH];
	bool had_old = access(path, F_OK) == 0;
	ob_err e;

	if ((e = cat_make_path(d, bak, "%s.bak", path)))
		return e;
	if (had_old && rename(path, bak) != 0)
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo respaldar: %s",
		               "cannot back up: %s", strerror(errno));
	if (rename(new_path, path) != 0) {
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo reemplazar: %s",
		            "cannot replace: %s", strerror(errno));
		if (had_old)
			rename(bak, path);
		return e;
	}
	e = ob_catalog_load(s, dir, d);
	if (e) {
		if (had_old)
			rename(bak, path);
		else
			unlink(path);
		return e;
	}
	if (had_old)
		unlink(bak);
	return OB_OK;
}

/*
 * Merge the rows of file into the catalogue file of def by the key columns;
 * with status_col >= 0 an official row is not replaced by one that is not.
 */
static ob_err import_csv(struct ob_store *s, const char *dir, const char *file,
                         const struct table_def *def, const size_t *keycols, size_t nkey,
                         int status_col, struct ob_catalog_import *res, struct ob_diag *d)
{
	char path[OB_MAX_PATH], tmp[OB_MAX_PATH];
	struct table base = { 0 }, imp = { 0 };
	ob_err e;

	memset(res, 0, sizeof(*res));
	if ((e = cat_make_path(d, path, "%s/%s/%s", dir, OB_CATALOG_DIR, def->file)) ||
	    (e = cat_make_path(d, tmp, "%s.new", path)))
		return e;
	if ((e = table_read(file, def, &imp, d)))
		goto free_tables;
	base.ncol = def->ncols;
	if (access(path, F_OK) == 0 && (e = table_read(path, def, &base, d)))
		goto free_tables;
	table_merge(&base, &imp, keycols, nkey, status_col, res);
	if ((e = table_write(tmp, def, &base, d))) {
		unlink(tmp);
		goto free_tables;
	}
	e = swap_and_reload(s, dir, path, tmp, d);
free_tables:
	table_free(&imp);
	table_free(&base);
	return e;
}

struct geo_import {
	struct ob_store *s;
	json_t *features;
	struct ob_catalog_import *res;
};

static ob_err geo_collect(void *arg, const char *file, size_t n, const char *code,
                          const char *name, json_t *geometry, struct ob_diag *d)
{
	struct geo_import *g = arg;
	bool known, has;
	json_t *f;
	ob_err e;

	if ((e = ob_store_territory_known(g->s, code, NULL, &known, d)))
		return e;
	if (!known)
		return OB_DIAG(d, OB_EINVAL, file, 0, 0, code, strlen(code),
		               "elemento %zu: territorio desconocido; impórtelo primero",
		               "feature %zu: unknown territory; import it first", n);
	if ((e = ob_store_territory_has_geometry(g->s, code, &has, d)))
		return e;
	if (has)
		g->res->replaced++;
	else
		g->res->added++;
	g->res->read++;
	f = json_pack("{s:s, s:{s:s, s:s}, s:O}", "type", "Feature", "properties", "code", code,
	              "name", name ? name : "", "geometry", geometry);
	if (!f || json_array_append_new(g->features, f))
		return OB_DIAG(d, OB_ENOMEM, file, 0, 0, NULL, 0, "memoria agotada",
		               "out of memory");
	return OB_OK;
}

static ob_err import_geojson(struct ob_store *s, const char *dir, const char *file,
                             struct ob_catalog_import *res, struct ob_diag *d)
{
	char gdir[OB_MAX_PATH], path[OB_MAX_PATH], tmp[OB_MAX_PATH], stem[256];
	struct geo_import g = { s, NULL, res };
	const char *base = strrchr(file, '/');
	json_t *root = NULL;
	ob_err e;

	memset(res, 0, sizeof(*res));
	base = base ? base + 1 : file;
	if (ob_strlcpy(stem, base, sizeof(stem)) >= sizeof(stem))
		return OB_DIAG(d, OB_ETOOBIG, file, 0, 0, NULL, 0, "nombre demasiado largo",
		               "name too long");
	for (char *p = strrchr(stem, '.'); p; p = NULL)
		*p = '\0';
	for (char *p = stem; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			*p = '_';
	if ((e = cat_make_path(d, gdir, "%s/%s/geometry", dir, OB_CATALOG_DIR)) ||
	    (e = cat_make_path(d, path, "%s/import-%s.geojson", gdir, stem)) ||
	    (e = cat_make_path(d, tmp, "%s.new", path)))
		return e;
	g.features = json_array();
	if ((e = cat_each_feature(file, file, geo_collect, &g, d)))
		goto finalize;
	if ((e = ob_mkdirs(gdir, d)))
		goto finalize;
	root = json_pack("{s:s, s:O}", "type", "FeatureCollection", "features", g.features);
	if (!root || json_dump_file(root, tmp, JSON_COMPACT) != 0) {
		unlink(tmp);
		e = OB_DIAG(d, OB_EIO, tmp, 0, 0, NULL, 0, "error de escritura", "write error");
		goto finalize;
	}
	e = swap_and_reload(s, dir, path, tmp, d);
finalize:
	json_decref(root);
	json_decref(g.features);
	return e;
}

ob_err ob_catalog_import_territories(struct ob_store *s, const char *dir, const char *file,
                                     struct ob_catalog_import *res, struct ob_diag *d)
{
	static const size_t key[] = { T_CODE };

	if (cat_has_suffix(file, ".geojson") || cat_has_suffix(file, ".json"))
		return import_geojson(s, dir, file, res, d);
	return import_csv(s, dir, file, &cat_territories_def, key, 1, -1, res, d);
}

ob_err ob_catalog_import_population(struct ob_store *s, const char *dir, const char *file,
                                    struct ob_catalog_import *res, struct ob_diag *d)
{
	static const size_t key[] = { P_TERR, P_YEAR, P_SEX };

	return import_csv(s, dir, file, &cat_population_def, key, 3, P_STATUS, res, d);
}

ob_err ob_catalog_import_aliases(struct ob_store *s, const char *dir, const char *file,
                                 struct ob_catalog_import *res, struct ob_diag *d)
{
	static const size_t key[] = { 0, 1 }; /* code, alias */

	return import_csv(s, dir, file, &cat_aliases_def, key, 2, -1, res, d);
}

ob_err ob_catalog_import_crosswalks(struct ob_store *s, const char *dir, const char *file,
                                    struct ob_catalog_import *res, struct ob_diag *d)
{
	static const size_t key[] = { 0, 1, 3 }; /* name, label, valid_from */

	return import_csv(s, dir, file, &cat_crosswalks_def, key, 3, -1, res, d);
}



/* ------------------------------------------------------------------------
 * Geometry of units, own or made of their districts.
 */

/* Append the polygons of a Polygon or MultiPolygon to polys. */
static void add_polygons(json_t *polys, const char *geojson)
{
	json_t *g = json_loads(geojson, 0, NULL);
	const char *type = json_string_value(json_object_get(g, "type"));
	json_t *coords = json_object_get(g, "coordinates"), *p;
	size_t i;

	if (type && json_is_array(coords)) {
		if (!strcmp(type, "Polygon"))
			json_array_append(polys, coords);
		else if (!strcmp(type, "MultiPolygon"))
			json_array_foreach(coords, i, p) json_array_append(polys, p);
	}
	json_decref(g);
}

/* Hand the union of the polygons gathered for code to fn. */
static ob_err emit_union(const char *code, json_t *polys, ob_geometry_fn fn, void *arg,
                         struct ob_diag *d)
{
	json_t *g;
	char *text;
	ob_err e;

	if (!json_array_size(polys))
		return OB_OK;
	g = json_pack("{s:s, s:O}", "type", "MultiPolygon", "coordinates", polys);
	text = g ? json_dumps(g, JSON_COMPACT) : NULL;
	json_decref(g);
	if (!text)
		return OB_DIAG(d, OB_ENOMEM, code, 0, 0, NULL, 0, "memoria agotada",
		               "out of memory");
	e = fn(arg, code, text);
	free(text);
	return e;
}

struct geo_each {
	ob_geometry_fn fn;
	void *arg;
	struct ob_diag *d;
	ob_err e;
	char last[64];
	json_t *polys;
};

static int geometry_one(void *arg, const char *code, const char *geojson)
{
	struct geo_each *g = arg;

	return (g->e = g->fn(g->arg, code, geojson)) ? 1 : 0;
}

/* A district's boundary: gathered under the unit that took it over, and
 * that unit's union given when the next unit begins. */
static int district_one(void *arg, const char *code, const char *geojson)
{
	struct geo_each *g = arg;

	if (strlen(code) >= sizeof(g->last))
		return 0;
	if (strcmp(code, g->last)) {
		if (g->polys && (g->e = emit_union(g->last, g->polys, g->fn, g->arg, g->d)))
			return 1;
		json_decref(g->polys);
		g->polys = json_array();
		ob_strlcpy(g->last, code, sizeof(g->last));
	}
	add_polygons(g->polys, geojson);
	return 0;
}

ob_err ob_catalog_geometry(struct ob_store *s, ob_geometry_fn fn, void *arg,
                           struct ob_diag *d)
{
	struct geo_each g = { fn, arg, d, OB_OK, "", NULL };

	if (ob_store_geometry_each(s, geometry_one, &g, d) < 0)
		return OB_ESTORE;
	if (g.e)
		return g.e;
	if (ob_store_district_geometry_each(s, district_one, &g, d) < 0)
		g.e = OB_ESTORE;
	if (!g.e && g.polys)
		g.e = emit_union(g.last, g.polys, fn, arg, d);
	json_decref(g.polys);
	return g.e;
}

/* ------------------------------------------------------------------------
 * Summary.
 */
static int overview_one(void *arg, const struct ob_store_country_overview *c)
{
	FILE *out = arg;
	char pop[64], years[32] = "-";

	/* official / estimated / equal split rows */
	snprintf(pop, sizeof(pop), "%ld/%ld/%ld", c->pop_official, c->pop_estimate,
	         c->pop_equal_split);
	if (c->year_first)
		snprintf(years, sizeof(years), "%d-%d", c->year_first, c->year_last);
	fprintf(out, "%-4s %-22.22s %7ld %7ld %9ld %24s %s\n", c->code, c->name, c->admin1,
	        c->admin2, c->geometry, pop, years);
	return 0;
}

ob_err ob_catalog_print_summary(struct ob_store *s, FILE *out, struct ob_diag *d)
{
	struct ob_store_catalog_counts n;

	fprintf(out, "%-4s %-22s %7s %7s %9s %-24s %s\n", OB_TR("país", "iso3"),
	        OB_TR("nombre", "name"), OB_TR("nivel 1", "level 1"), OB_TR("nivel 2", "level 2"),
	        OB_TR("geometría", "geometry"),
	        OB_TR("  población of/est/igual", "  population off/est/equal"),
	        OB_TR("años", "years"));
	if (ob_store_countries_overview_each(s, overview_one, out, d) < 0 ||
	    ob_store_catalog_counts(s, &n, d))
		return OB_ESTORE;
	fprintf(out, OB_TR("ICCS: %ld códigos; etiquetas: %ld; cruces: %ld etiquetas en %ld "
	                   "tablas; alias: %ld; cambios territoriales: %ld\n",
	                   "ICCS: %ld codes; tags: %ld; crosswalks: %ld labels in %ld tables; "
	                   "aliases: %ld; territorial changes: %ld\n"),
	        n.iccs, n.tags, n.crosswalk_rows, n.crosswalks, n.aliases, n.changes);
	return OB_OK;
}
