/* catalog_load.c - the catalogue loaded into the store: each file a table_def,
 * checked row by row and against the store (see catalog_impl.h). */
#include "catalog/catalog_impl.h"
#include "catalog/geom.h"
#include "base/log.h"
#include "store/catalog_write.h"

/* ------------------------------------------------------------------------
 * Loading into the store. Each CSV file is a table_def: its columns, the
 * checks of a row alone (shared with the imports), the insert, and a row
 * function for what the row must agree with in the store.
 */

/* A territory whose parent is checked once the whole file is in. */
struct parent_ref {
	char *code, *parent, *country;
	long level, line;
};

struct loader {
	struct ob_store *s;
	char dir[OB_MAX_PATH];  /* DIR/catalog */
	struct ob_diag *d;
	struct ob_buf key;      /* a folded key */
	struct ob_catalog_writer *w;
	const struct table_def *table; /* the file being loaded */
	char path[OB_MAX_PATH]; /* its path */
	int terr_col[T_NCOLS];  /* territories.csv: the file's columns */
	struct parent_ref *refs;
	size_t nrefs, cap;
	struct ob_strmap pop_line; /* "territory|year|sex" -> line of population.csv */
};

static bool territory_exists(struct loader *L, const char *code)
{
	return ob_catalog_writer_has_territory(L->w, code);
}

/* What the store said about row w of the file being loaded (e from one
 * of the writer's calls), with the file and line. */
static ob_err write_failed(struct loader *L, ob_err e, bool conflict, const struct row *w,
                           const char *what)
{
	char msg[sizeof(L->d->message)];

	if (!e)
		return OB_OK;
	ob_strlcpy(msg, L->d->message, sizeof(msg));
	if (conflict)
		return OB_DIAG(L->d, OB_EINVAL, w->file, w->line, 0, NULL, 0,
		               "%s repetido o inconsistente: %s",
		               "%s duplicated or inconsistent: %s", what, msg);
	return ob_diag_set(L->d, OB_ESTORE, w->file, w->line, 0, NULL, 0, "%s: %s", what, msg);
}

/*
 * Write row w into the table of the file being loaded, column i as the
 * table's types[i] says (t: text, NULL when empty; i: integer; d: number),
 * then extra (NULL: none) as the last column. The checks have already seen
 * the numbers.
 */
static ob_err insert_row(struct loader *L, const struct row *w,
                         const struct ob_catalog_value *extra)
{
	struct ob_catalog_value v[OB_CATALOG_MAX_COLUMNS];
	const char *types = L->table->types;
	size_t n = 0;
	bool conflict;
	ob_err e;

	for (int i = 0; types[i] && n < OB_ARRAY_SIZE(v) - 1; i++, n++) {
		const char *s = w->v[i];

		memset(&v[n], 0, sizeof(v[n]));
		if (types[i] == 'i') {
			if (!ob_parse_int(s, strlen(s), INT32_MIN, INT32_MAX, &v[n].i))
				return cat_bad(L->d, w, i, "se esperaba un número entero",
				                           "expected an integer");
			v[n].type = OB_CV_INT;
		} else if (types[i] == 'd') {
			if (!ob_parse_double(s, strlen(s), &v[n].x))
				return cat_bad(L->d, w, i, "se esperaba un número",
				                           "expected a number");
			v[n].type = OB_CV_REAL;
		} else {
			v[n].type = *s ? OB_CV_TEXT : OB_CV_NULL;
			v[n].text = s;
			v[n].n = strlen(s);
		}
	}
	if (extra)
		v[n++] = *extra;
	e = ob_catalog_writer_insert(L->w, L->table->table, v, n, &conflict, L->d);
	return write_failed(L, e, conflict, w, OB_TR(L->table->what, L->table->what_en));
}

/* Index territory w->v[code] under the folded text of column alias. */
static ob_err add_alias(struct loader *L, const struct row *w, int code, int alias)
{
	const char *a = w->v[alias];
	bool conflict;
	ob_err e;

	ob_buf_reset(&L->key);
	if ((e = ob_fold_key(a, strlen(a), &L->key)))
		return OB_DIAG(L->d, e, w->file, w->line, w->col[alias] + 1, a, strlen(a),
		               "texto no válido", "invalid text");
	if (L->key.len == 0)
		return cat_bad(L->d, w, alias, "alias vacío tras normalizar",
		                               "empty alias");
	e = ob_catalog_writer_alias(L->w, L->key.ptr, L->key.len, w->v[code], a, &conflict, L->d);
	return write_failed(L, e, conflict, w, "alias");
}

static ob_err territory_row(struct loader *L, const struct row *w)
{
	long long level = 0;
	ob_err e;

	if ((e = insert_row(L, w, NULL)) ||
	    (e = add_alias(L, w, T_CODE, T_NAME)))
		return e;
	ob_parse_int(w->v[T_LEVEL], strlen(w->v[T_LEVEL]), 0, 3, &level);
	memcpy(L->terr_col, w->col, sizeof(L->terr_col));
	if (L->nrefs == L->cap) {
		L->cap = L->cap ? 2 * L->cap : 256;
		L->refs = ob_realloc(L->refs, L->cap * sizeof(*L->refs));
	}
	L->refs[L->nrefs++] = (struct parent_ref){ ob_strdup(w->v[T_CODE]),
		ob_strdup(w->v[T_PARENT]), ob_strdup(w->v[T_COUNTRY]), level, w->line };
	return OB_OK;
}

/* Every parent exists, one level up, in the same country. */
static ob_err check_parents(struct loader *L)
{
	const int cp = L->terr_col[T_PARENT], cc = L->terr_col[T_COUNTRY];
	ob_err e = OB_OK;

	for (size_t i = 0; i < L->nrefs && !e; i++) {
		const struct parent_ref *r = &L->refs[i];
		char country[OB_MAX_NAME];
		int level;

		if (r->level == 0) {
			if (strcmp(r->code, r->country))
				e = cat_bad_value(L->d, L->path, r->line, cc, r->country,
				              "un país debe tener country = su código",
				              "a country's country must be its own code");
			continue;
		}
		if (!ob_catalog_writer_territory(L->w, r->parent, &level, country, sizeof(country)))
			e = cat_bad_value(L->d, L->path, r->line, cp, r->parent,
			              "el territorio padre no existe en "
			              "territories.csv",
			              "the parent territory is not in "
			              "territories.csv");
		else if (level != r->level - 1)
			e = cat_bad_value(L->d, L->path, r->line, cp, r->parent,
			              "el padre debe ser del nivel "
			              "inmediatamente superior",
			              "parent must be one level up");
		else if (strcmp(country, r->country))
			e = cat_bad_value(L->d, L->path, r->line, cc, r->country,
			              "el país no coincide con el del padre",
			              "country differs from parent's");
	}
	return e;
}

const struct table_def cat_territories_def = {
	.file = "territories.csv", .required = true, COLS(cat_terr_cols), .check = cat_check_territory,
	.row = territory_row, .finish = check_parents,
	.table = OB_CATALOG_TERRITORY,
	.types = "titttttttt", .what = "territorio",
	.what_en = "territory",
};

static const struct column alias_cols[] = { { "code", true }, { "alias", true } };

static ob_err alias_row(struct loader *L, const struct row *w)
{
	if (!territory_exists(L, w->v[0]))
		return cat_bad(L->d, w, 0, "territorio desconocido: no está en "
		                           "territories.csv",
		                           "unknown territory: not in territories.csv");
	if (!cat_has_text(w->v[1]))
		return cat_bad(L->d, w, 1, "alias vacío",
		                           "empty alias");
	return add_alias(L, w, 0, 1);
}

const struct table_def cat_aliases_def = {
	.file = "territory_aliases.csv", COLS(alias_cols), .row = alias_row,
};

static const struct column change_cols[] = {
	{ "old_code", true }, { "new_code", true }, { "date", true }, { "kind", true },
};

static ob_err change_row(struct loader *L, const struct row *w)
{
	for (int i = 0; i < 2; i++)
		if (!territory_exists(L, w->v[i]))
			return cat_bad(L->d, w, i, "territorio desconocido",
			                           "unknown territory");
	if (!cat_is_date(w->v[2]))
		return cat_bad(L->d, w, 2, "fecha no válida: se esperaba aaaa-mm-dd",
		                           "invalid date: expected yyyy-mm-dd");
	if (!cat_is_code(w->v[3]))
		return cat_bad(L->d, w, 3, "tipo de cambio no válido",
		                           "invalid kind");
	return insert_row(L, w, NULL);
}

static const struct table_def changes_def = {
	.file = "territory_changes.csv", COLS(change_cols), .row = change_row,
	.table = OB_CATALOG_CHANGE,
	.types = "tttt", .what = "cambio territorial",
	.what_en = "territorial change",
};

static const struct column iccs_cols[] = {
	{ "code", true }, { "level", true }, { "parent", true }, { "name_es", true },
	{ "name_en", true },
};

static ob_err iccs_row(struct loader *L, const struct row *w)
{
	long long level;

	if (!cat_is_code(w->v[0]))
		return cat_bad(L->d, w, 0, "código no válido",
		                           "invalid code");
	if (!ob_parse_int(w->v[1], strlen(w->v[1]), 0, 4, &level))
		return cat_bad(L->d, w, 1, "nivel no válido: se esperaba 0 a 4",
		                           "invalid level: expected 0 to 4");
	if ((level <= 1) != (*w->v[2] == '\0'))
		return cat_bad(L->d, w, 2, "los niveles 0 y 1 no tienen padre; los "
		                           "demás sí",
		                           "levels 0 and 1 have no parent, the "
		                           "others do");
	if (*w->v[2] && ob_catalog_writer_iccs_level(L->w, w->v[2]) != level - 1)
		return cat_bad(L->d, w, 2, "el padre debe aparecer antes y ser del "
		                           "nivel superior",
		                           "parent must come first, one level up");
	for (int i = 3; i < 5; i++)
		if (!cat_has_text(w->v[i]))
			return cat_bad(L->d, w, i, "falta el nombre",
			                           "name missing");
	return insert_row(L, w, NULL);
}

static const struct table_def iccs_def = {
	.file = "iccs.csv", .required = true, COLS(iccs_cols), .row = iccs_row,
	.table = OB_CATALOG_ICCS,
	.types = "tittt", .what = "código ICCS",
	.what_en = "ICCS code",
};

static const struct column tag_cols[] = {
	{ "kind", true }, { "code", true }, { "name_es", true }, { "name_en", true },
};

static ob_err tag_row(struct loader *L, const struct row *w)
{
	for (int i = 0; i < 2; i++)
		if (!cat_is_code(w->v[i]))
			return cat_bad(L->d, w, i, "código no válido",
			                           "invalid code");
	for (int i = 2; i < 4; i++)
		if (!cat_has_text(w->v[i]))
			return cat_bad(L->d, w, i, "falta el nombre",
			                           "name missing");
	return insert_row(L, w, NULL);
}

static const struct table_def tags_def = {
	.file = "tags.csv", .required = true, COLS(tag_cols), .row = tag_row,
	.table = OB_CATALOG_TAG,
	.types = "tttt", .what = "etiqueta",
	.what_en = "label",
};

static const struct column crosswalk_cols[] = {
	{ "name", true }, { "label", true }, { "target", true }, { "valid_from", false },
	{ "valid_to", false },
};

/*
 * A category's target with the tags its label implies: an ICCS code, then
 * kind=code of tags.csv separated by blanks ("0201 relationship=domestic":
 * a report filed as domestic violence tells the relationship even where the
 * file has no such column).
 */
static bool implied_target_ok(struct loader *L, const char *p)
{
	char tok[OB_MAX_NAME + 1];
	bool code = true;

	while (*p) {
		size_t n = strcspn(p, " ");
		if (!n || n >= sizeof(tok))
			return false;
		memcpy(tok, p, n);
		tok[n] = '\0';
		if (code ? ob_catalog_writer_iccs_level(L->w, tok) < 0
		         : !ob_catalog_writer_has_tag(L->w, tok))
			return false;
		code = false;
		p += n;
		p += strspn(p, " ");
	}
	return !code;
}

/* The key is the label folded as the ingest folds the values it looks up. */
static ob_err crosswalk_row(struct loader *L, const struct row *w)
{
	int lo, hi;
	ob_err e;

	if (!cat_is_code(w->v[0]))
		return cat_bad(L->d, w, 0, "nombre de cruce no válido",
		                           "invalid crosswalk name");
	ob_buf_reset(&L->key);
	if (ob_fold_key(w->v[1], strlen(w->v[1]), &L->key) || L->key.len == 0)
		return cat_bad(L->d, w, 1, "etiqueta vacía o no válida",
		                           "empty or invalid label");
	if (strchr(w->v[2], ' ')) {
		if (!implied_target_ok(L, w->v[2]))
			return cat_bad(L->d, w, 2, "destino no válido: un código de iccs.csv "
			                           "seguido de tipo=código de tags.csv separados "
			                           "por espacios (0201 relationship=domestic)",
			                           "invalid target: a code of iccs.csv followed "
			                           "by kind=code of tags.csv separated by blanks "
			                           "(0201 relationship=domestic)");
	} else if (!ob_catalog_writer_known_target(L->w, w->v[2]) &&
	           !ob_age_band_code(w->v[2], strlen(w->v[2]), &lo, &hi))
		return cat_bad(L->d, w, 2, "destino desconocido: no es un código de "
		                           "iccs.csv ni de tags.csv ni un grupo de "
		                           "edad (A-B, A+, U)",
		                           "unknown target: not a code of iccs.csv "
		                           "nor of tags.csv nor an age group (A-B, "
		                           "A+, U)");
	if ((e = cat_check_dates(L->d, w, 3, 4)))
		return e;
	return insert_row(L, w, &(struct ob_catalog_value){ .type = OB_CV_TEXT,
	                                                   .text = L->key.ptr,
	                                                   .n = L->key.len });
}

const struct table_def cat_crosswalks_def = {
	.file = "crosswalks.csv", .required = true, COLS(crosswalk_cols), .row = crosswalk_row,
	.table = OB_CATALOG_CROSSWALK,
	.types = "ttttt", .what = "cruce", /* the key, last, is added by crosswalk_row */
	.what_en = "crosswalk",
};

static ob_err population_row(struct loader *L, const struct row *w)
{
	char key[128];
	int n;

	if (!territory_exists(L, w->v[P_TERR]))
		return cat_bad(L->d, w, P_TERR, "territorio desconocido: no está en "
		                                "territories.csv",
		                                "unknown territory: not in territories.csv");
	n = snprintf(key, sizeof(key), "%s|%s|%s", w->v[P_TERR], w->v[P_YEAR], w->v[P_SEX]);
	if (n > 0 && (size_t)n < sizeof(key))
		ob_strmap_put(&L->pop_line, key, (size_t)n, (void *)(intptr_t)w->line, NULL);
	return insert_row(L, w, NULL);
}

/*
 * The population checks, once the whole file is in: the figures of the
 * children of a unit valid on 1 July of a year add up to the unit's own
 * figure of that year and sex (within OB_POP_TOLERANCE); the districts a
 * unit absorbed in a territorial change (territory_changes.csv, kind
 * district_of) add up to its figure of every year both have; F + M = T.
 * Children without a figure (a unit newer than the population series) are
 * allowed, but then the figures present must not exceed the parent's.
 */
static long pop_line(struct loader *L, const char *code, int year, const char *sex)
{
	char key[128];
	int n = snprintf(key, sizeof(key), "%s|%d|%s", code, year, sex);

	if (n <= 0 || (size_t)n >= sizeof(key))
		return 0;
	return (long)(intptr_t)ob_strmap_get(&L->pop_line, key, (size_t)n);
}

/* How far a sum of n parts may be from the whole. */
static double pop_allowed(double whole, long parts)
{
	double a = OB_POP_TOLERANCE * whole;

	return a > (double)parts ? a : (double)parts;
}

/* Up to eight items of a space-separated list, and how many more. */
static void some_codes(const char *list, char *out, size_t size)
{
	size_t n = 0, k = 0, total = 0;
	const char *p = list ? list : "";

	out[0] = '\0';
	while (*p) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len) {
			total++;
			if (k < 8 && n + len + 3 < size) {
				n += (size_t)snprintf(out + n, size - n, "%s%.*s", k ? ", " : "", (int)len, p);
				k++;
			}
		}
		p += len + (e ? 1 : 0);
	}
	if (total > k && n + 32 < size)
		snprintf(out + n, size - n, " y %zu más (and %zu more)", total - k, total - k);
}

static ob_err pop_violation(struct loader *L, const char *code, int year, const char *sex,
                            double whole, double sum, const char *parts, int what)
{
	static const char *const es[] = { "sus unidades vigentes el 1 de julio",
		                          "los distritos que absorbió", "mujeres y hombres" };
	static const char *const en[] = { "its units valid on 1 July", "the districts it absorbed",
		                          "women and men" };
	char codes[256], path[OB_MAX_PATH];
	long line = pop_line(L, code, year, sex);

	some_codes(parts, codes, sizeof(codes));
	if (cat_make_path(L->d, path, "%s/population.csv", L->dir))
		return OB_ETOOBIG;
	return OB_DIAG(L->d, OB_EINVAL, path, line, line ? P_POP + 1 : 0, code, strlen(code),
	               "%s %d %s: %s suman %.0f, no %.0f (tolerancia %.1f %% o una persona "
	               "por unidad): %s",
	               "%s %d %s: %s add up to %.0f, not %.0f (tolerance %.1f %% or one "
	               "person per unit): %s", code, year, sex, OB_TR(es[what], en[what]), sum,
	               whole, 100 * OB_POP_TOLERANCE, codes);
}

struct pop_check {
	struct loader *L;
	int what;   /* 0 children, 1 districts, 2 sexes (pop_violation) */
	ob_err e;
};

static int parts_one(void *arg, const struct ob_population_parts *p)
{
	struct pop_check *c = arg;
	double gap = p->sum - p->whole, allowed = pop_allowed(p->whole, p->present);

	/* with every part present the sum is the whole; else it is at most
	 * the whole */
	if (gap > allowed || (p->present >= p->parts && -gap > allowed))
		c->e = pop_violation(c->L, p->territory, p->year, p->sex, p->whole, p->sum,
		                     p->labels, c->what);
	return c->e ? 1 : 0;
}

static int sexes_one(void *arg, const char *code, int year, double whole, double sum)
{
	struct pop_check *c = arg;

	if (fabs(sum - whole) > pop_allowed(whole, 2))
		c->e = pop_violation(c->L, code, year, "T", whole, sum, "F+M", 2);
	return c->e ? 1 : 0;
}

static ob_err check_population_sums(struct loader *L)
{
	static const enum ob_population_sum sums[] = { OB_POP_SUM_CHILDREN, OB_POP_SUM_DISTRICTS };
	struct pop_check c = { L, 0, OB_OK };

	for (size_t i = 0; i < OB_ARRAY_SIZE(sums); i++) {
		c.what = (int)i;
		if (ob_store_population_parts_each(L->s, sums[i], parts_one, &c, L->d) < 0)
			return OB_ESTORE;
		if (c.e)
			return c.e;
	}
	c.what = 2;
	if (ob_store_population_sexes_each(L->s, sexes_one, &c, L->d) < 0)
		return OB_ESTORE;
	return c.e;
}

const struct table_def cat_population_def = {
	.file = "population.csv", COLS(cat_pop_cols), .check = cat_check_population,
	.row = population_row, .finish = check_population_sums,
	.table = OB_CATALOG_POPULATION,
	.types = "titdtt", .what = "población (territorio, año, sexo)",
	.what_en = "population (territory, year, sex)",
};

/* In the order they load: what a file refers to is loaded before it. */
static const struct table_def *const tables[] = {
	&cat_territories_def, &cat_aliases_def, &changes_def, &iccs_def, &tags_def, &cat_crosswalks_def,
	&cat_population_def,
};

static ob_err load_row(void *arg, const struct row *w)
{
	struct loader *L = arg;
	ob_err e;

	if (L->table->check && (e = L->table->check(w, L->d)))
		return e;
	return L->table->row(L, w);
}

static ob_err load_table(struct loader *L, const struct table_def *t)
{
	ob_err e;

	if ((e = cat_make_path(L->d, L->path, "%s/%s", L->dir, t->file)))
		return e;
	if (!t->required && access(L->path, F_OK) != 0)
		return OB_OK;
	L->table = t;
	e = cat_each_row(L->path, t->cols, t->ncols, load_row, L, L->d);
	if (!e && t->finish)
		e = t->finish(L);
	return e;
}

/* ------------------------------------------------------------------------
 * GeoJSON.
 */
static bool geometry_type_ok(json_t *g)
{
	static const char *const types[] = { "Point", "MultiPoint", "LineString",
		"MultiLineString", "Polygon", "MultiPolygon", NULL };
	const char *t = json_string_value(json_object_get(g, "type"));

	return json_is_object(g) && t && cat_one_of(t, types) &&
	       json_is_array(json_object_get(g, "coordinates"));
}

/*
 * Parse a GeoJSON FeatureCollection and call fn for each feature with its
 * code, name (may be NULL) and geometry. Features are numbered from 1 in
 * errors (JSON has no useful line for them).
 */

ob_err cat_each_feature(const char *path, const char *name, feature_fn fn, void *arg,
                           struct ob_diag *d)
{
	json_error_t jerr;
	json_t *root, *features, *f;
	char *data;
	size_t len, i;
	ob_err e;

	if ((e = cat_read_whole(path, name, &data, &len, d)))
		return e;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	free(data);
	if (!root)
		return OB_DIAG(d, OB_EPARSE, name, jerr.line, jerr.column, NULL, 0,
		               "JSON no válido: %s", "invalid JSON: %s", jerr.text);
	features = json_object_get(root, "features");
	if (!json_is_array(features)) {
		e = OB_DIAG(d, OB_EPARSE, name, 0, 0, NULL, 0,
		            "se esperaba un FeatureCollection con \"features\"",
		            "expected a GeoJSON FeatureCollection with \"features\"");
		goto decref;
	}
	json_array_foreach(features, i, f) {
		json_t *props = json_object_get(f, "properties");
		json_t *geom = json_object_get(f, "geometry");
		const char *code = json_string_value(json_object_get(props, "code"));
		const char *fname = json_string_value(json_object_get(props, "name"));

		if (!code) {
			e = OB_DIAG(d, OB_EINVAL, name, 0, 0, NULL, 0,
			            "elemento %zu: falta la propiedad \"code\"",
			            "feature %zu: the \"code\" property is missing", i + 1);
			goto decref;
		}
		if (!geometry_type_ok(geom)) {
			e = OB_DIAG(d, OB_EINVAL, name, 0, 0, code, strlen(code),
			            "elemento %zu: geometría GeoJSON no válida",
			            "feature %zu: invalid GeoJSON geometry", i + 1);
			goto decref;
		}
		if ((e = fn(arg, name, i + 1, code, fname, geom, d)))
			goto decref;
	}
	e = OB_OK;
decref:
	json_decref(root);
	return e;
}

struct geo_load {
	struct loader *L;
};

static ob_err geo_insert(void *arg, const char *file, size_t n, const char *code,
                         const char *name, json_t *geometry, struct ob_diag *d)
{
	struct geo_load *g = arg;
	struct ob_geom_report rep;
	char *text;
	ob_err e;

	(void)name;
	if (!territory_exists(g->L, code))
		return OB_DIAG(d, OB_EINVAL, file, 0, 0, code, strlen(code),
		               "elemento %zu: territorio desconocido",
		               "feature %zu: unknown territory", n);
	/* repaired where it can be without guessing; the rest is said */
	if (!ob_geom_check(geometry, &rep)) {
		if (rep.crossings)
			OB_WARN("%s, elemento %zu (%s): %u anillo(s) se cruzan a sí mismos cerca de "
			        "(%.6f, %.6f); los SIG pueden rechazar la geometría "
			        "(scripts/geometry-repair la reconstruye)",
			        "%s, feature %zu (%s): %u ring(s) cross themselves near (%.6f, %.6f); "
			        "GIS tools may reject the geometry (scripts/geometry-repair rebuilds "
			        "it)", file, n, code, rep.crossings, rep.at[0], rep.at[1]);
		if (rep.short_rings)
			OB_WARN("%s, elemento %zu (%s): %u anillo(s) de menos de 4 puntos",
			        "%s, feature %zu (%s): %u ring(s) of fewer than 4 points", file, n,
			        code, rep.short_rings);
	}
	if (rep.closed || rep.repeated)
		OB_WARN("%s, elemento %zu (%s): geometría reparada (%u anillo(s) cerrados, %u "
		        "punto(s) repetidos quitados)",
		        "%s, feature %zu (%s): geometry repaired (%u ring(s) closed, %u repeated "
		        "point(s) dropped)", file, n, code, rep.closed, rep.repeated);
	text = json_dumps(geometry, JSON_COMPACT);
	if (!text)
		return OB_DIAG(d, OB_ENOMEM, file, 0, 0, NULL, 0, "memoria agotada",
		               "out of memory");
	e = ob_catalog_writer_geometry(g->L->w, code, text, d);
	free(text);
	if (e)
		ob_strlcpy(d->file, file, sizeof(d->file));
	return e;
}

bool cat_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static ob_err load_geometry(struct loader *L)
{
	char gdir[OB_MAX_PATH], path[OB_MAX_PATH];
	struct geo_load g = { L };
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *ent;
	DIR *dh;
	ob_err e;

	if ((e = cat_make_path(L->d, gdir, "%s/geometry", L->dir)))
		return e;
	dh = opendir(gdir);
	if (!dh)
		return OB_OK; /* geometry is optional */
	while ((ent = readdir(dh))) {
		if (ent->d_name[0] == '.' || !cat_has_suffix(ent->d_name, ".geojson"))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = ob_realloc(names, cap * sizeof(*names));
		}
		names[n++] = ob_strdup(ent->d_name);
	}
	closedir(dh);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && !e; i++)
		if (!(e = cat_make_path(L->d, path, "%s/%s", gdir, names[i])))
			e = cat_each_feature(path, path, geo_insert, &g, L->d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return e;
}

static ob_err load_all(struct loader *L)
{
	ob_err e;

	if ((e = ob_store_catalog_clear(L->s, L->d)))
		return e;
	if (!(L->w = ob_catalog_writer_new(L->s, L->d)))
		return OB_ESTORE;
	for (size_t i = 0; i < OB_ARRAY_SIZE(tables); i++)
		if ((e = load_table(L, tables[i])))
			return e;
	return load_geometry(L);
}

ob_err ob_catalog_load(struct ob_store *s, const char *dir, struct ob_diag *d)
{
	struct loader L = { .s = s, .d = d };
	ob_err e;

	if ((e = cat_make_path(d, L.dir, "%s/%s", dir, OB_CATALOG_DIR)) ||
	    (e = ob_store_begin(s, d)))
		return e;
	ob_buf_init(&L.key, OB_MAX_NAME * 4);
	ob_strmap_init(&L.pop_line);
	e = load_all(&L);
	ob_strmap_release(&L.pop_line);
	ob_catalog_writer_free(L.w);
	for (size_t i = 0; i < L.nrefs; i++) {
		free(L.refs[i].code);
		free(L.refs[i].parent);
		free(L.refs[i].country);
	}
	free(L.refs);
	ob_buf_release(&L.key);
	if (e) {
		ob_store_rollback(s);
		return e;
	}
	return ob_store_commit(s, d);
}

