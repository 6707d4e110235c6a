/* catalog_write.c - the SQL of a catalogue load (store/catalog_write.h). */
#include "store/catalog_write.h"
#include "store/store_int.h"

static const char *const insert_sql[OB_CATALOG_TABLES] = {
	[OB_CATALOG_TERRITORY] = "INSERT INTO territory(code, level, country, parent, name,"
	                         " valid_from, valid_to, status, source, note) VALUES(?1, ?2, ?3,"
	                         " ?4, ?5, ?6, ?7, coalesce(?8, 'official'), ?9, ?10)",
	[OB_CATALOG_CHANGE] = "INSERT INTO territory_change(old_code, new_code, date, kind)"
	                      " VALUES(?1, ?2, ?3, ?4)",
	[OB_CATALOG_ICCS] = "INSERT INTO iccs(code, level, parent, name_es, name_en)"
	                    " VALUES(?1, ?2, ?3, ?4, ?5)",
	[OB_CATALOG_TAG] = "INSERT INTO tag(kind, code, name_es, name_en) VALUES(?1, ?2, ?3, ?4)",
	[OB_CATALOG_CROSSWALK] = "INSERT INTO crosswalk(name, label, target, valid_from, valid_to,"
	                         " key) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	[OB_CATALOG_POPULATION] = "INSERT INTO population(territory, year, sex, population, status,"
	                          " source) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
};

struct ob_catalog_writer {
	struct ob_store *s;
	sqlite3_stmt *insert[OB_CATALOG_TABLES];  /* prepared when first used */
	sqlite3_stmt *alias, *geometry, *has_territory, *territory, *iccs_level, *known_target,
		*has_tag;
};

ob_err ob_store_catalog_clear(struct ob_store *s, struct ob_diag *d)
{
	return ob_store_exec(s,
	                     "DELETE FROM crosswalk; DELETE FROM tag; DELETE FROM iccs;"
	                     "DELETE FROM population; DELETE FROM territory_geometry;"
	                     "DELETE FROM territory_alias; DELETE FROM territory_change;"
	                     "DELETE FROM territory;",
	                     d);
}

struct ob_catalog_writer *ob_catalog_writer_new(struct ob_store *s, struct ob_diag *d)
{
	struct ob_catalog_writer *w = ob_calloc(1, sizeof(*w));

	w->s = s;
	if (ob_store_prepare(s, "INSERT OR IGNORE INTO territory_alias(key, code, alias)"
	                        " VALUES(?1, ?2, ?3)", &w->alias, d) ||
	    ob_store_prepare(s, "INSERT OR REPLACE INTO territory_geometry(code, geojson)"
	                        " VALUES(?1, ?2)", &w->geometry, d) ||
	    ob_store_prepare(s, "SELECT 1 FROM territory WHERE code = ?1", &w->has_territory, d) ||
	    ob_store_prepare(s, "SELECT level, country FROM territory WHERE code = ?1",
	                     &w->territory, d) ||
	    ob_store_prepare(s, "SELECT level FROM iccs WHERE code = ?1", &w->iccs_level, d) ||
	    ob_store_prepare(s, "SELECT 1 FROM iccs WHERE code = ?1 UNION ALL"
	                        " SELECT 1 FROM tag WHERE code = ?1", &w->known_target, d) ||
	    ob_store_prepare(s, "SELECT 1 FROM tag WHERE kind || '=' || code = ?1", &w->has_tag,
	                     d)) {
		ob_catalog_writer_free(w);
		return NULL;
	}
	return w;
}

void ob_catalog_writer_free(struct ob_catalog_writer *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < OB_CATALOG_TABLES; i++)
		sqlite3_finalize(w->insert[i]);
	sqlite3_finalize(w->alias);
	sqlite3_finalize(w->geometry);
	sqlite3_finalize(w->has_territory);
	sqlite3_finalize(w->territory);
	sqlite3_finalize(w->iccs_level);
	sqlite3_finalize(w->known_target);
	sqlite3_finalize(w->has_tag);
	free(w);
}

/* Run st, already bound, and reset it. */
static ob_err run(struct ob_catalog_writer *w, sqlite3_stmt *st, bool *conflict,
                  struct ob_diag *d)
{
	int rc = sqlite3_step(st);
	ob_err e = OB_OK;

	if (conflict)
		*conflict = rc == SQLITE_CONSTRAINT;
	if (rc != SQLITE_DONE)
		e = ob_store_fail(w->s, d, NULL);   /* the message before the reset */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return e;
}

ob_err ob_catalog_writer_insert(struct ob_catalog_writer *w, enum ob_catalog_table t,
                                const struct ob_catalog_value *v, size_t nv, bool *conflict,
                                struct ob_diag *d)
{
	sqlite3_stmt *st;

	*conflict = false;
	if ((size_t)t >= OB_CATALOG_TABLES)
		return ob_diag_set(d, OB_EINVAL, NULL, 0, 0, NULL, 0, "catalog table %d", (int)t);
	if (!w->insert[t] && ob_store_prepare(w->s, insert_sql[t], &w->insert[t], d))
		return OB_ESTORE;
	st = w->insert[t];
	for (size_t i = 0; i < nv; i++) {
		int p = (int)i + 1;
		switch (v[i].type) {
		case OB_CV_TEXT:
			ob_bind_text(st, p, v[i].text, v[i].n);
			break;
		case OB_CV_INT:
			sqlite3_bind_int64(st, p, v[i].i);
			break;
		case OB_CV_REAL:
			sqlite3_bind_double(st, p, v[i].x);
			break;
		default:
			sqlite3_bind_null(st, p);
		}
	}
	return run(w, st, conflict, d);
}

ob_err ob_catalog_writer_alias(struct ob_catalog_writer *w, const char *key, size_t keylen,
                               const char *code, const char *alias, bool *conflict,
                               struct ob_diag *d)
{
	ob_bind_text(w->alias, 1, key, keylen);
	ob_store_bind_text(w->alias, 2, code);
	ob_store_bind_text(w->alias, 3, alias);
	return run(w, w->alias, conflict, d);
}

ob_err ob_catalog_writer_geometry(struct ob_catalog_writer *w, const char *code,
                                  const char *geojson, struct ob_diag *d)
{
	ob_store_bind_text(w->geometry, 1, code);
	ob_store_bind_text(w->geometry, 2, geojson);
	return run(w, w->geometry, NULL, d);
}

/* Column 0 of st's first row with ?1 = v, as an integer; none when no row. */
static int lookup(sqlite3_stmt *st, const char *v, int none)
{
	int r = none;

	ob_store_bind_text(st, 1, v);
	if (sqlite3_step(st) == SQLITE_ROW)
		r = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return r;
}

bool ob_catalog_writer_has_territory(struct ob_catalog_writer *w, const char *code)
{
	return lookup(w->has_territory, code, 0) != 0;
}

bool ob_catalog_writer_territory(struct ob_catalog_writer *w, const char *code, int *level,
                                 char *country, size_t size)
{
	bool found = false;

	ob_store_bind_text(w->territory, 1, code);
	if (sqlite3_step(w->territory) == SQLITE_ROW) {
		const char *c = ob_store_text(w->territory, 1);
		*level = sqlite3_column_int(w->territory, 0);
		ob_strlcpy(country, c ? c : "", size);
		found = true;
	}
	sqlite3_reset(w->territory);
	return found;
}

int ob_catalog_writer_iccs_level(struct ob_catalog_writer *w, const char *code)
{
	return lookup(w->iccs_level, code, -1);
}

bool ob_catalog_writer_known_target(struct ob_catalog_writer *w, const char *code)
{
	return lookup(w->known_target, code, 0) != 0;
}

bool ob_catalog_writer_has_tag(struct ob_catalog_writer *w, const char *kind_code)
{
	return lookup(w->has_tag, kind_code, 0) != 0;
}

/* ---- population figures that do not add up ---- */

/* the parts of each sum, largest first, as "code=figure" */
static const char *const parts_sql[] = {
	[OB_POP_SUM_CHILDREN] =
		"SELECT territory, year, sex, whole, sum(part), count(part), parts,"
		" group_concat(label, ' ') FROM ("
		" SELECT p.territory, p.year, p.sex, p.population AS whole, c.population AS part,"
		"  t.code || '=' || CAST(c.population AS INTEGER) AS label,"
		"  (SELECT count(*) FROM territory k WHERE k.parent = p.territory"
		"    AND (k.valid_from IS NULL OR k.valid_from <= printf('%04d-07-01', p.year))"
		"    AND (k.valid_to IS NULL OR k.valid_to >= printf('%04d-07-01', p.year))) AS parts"
		" FROM population p JOIN territory t ON t.parent = p.territory"
		"  AND (t.valid_from IS NULL OR t.valid_from <= printf('%04d-07-01', p.year))"
		"  AND (t.valid_to IS NULL OR t.valid_to >= printf('%04d-07-01', p.year))"
		" JOIN population c ON c.territory = t.code AND c.year = p.year AND c.sex = p.sex"
		" ORDER BY p.territory, p.year, p.sex, c.population DESC)"
		" GROUP BY territory, year, sex ORDER BY territory, year, sex",
	[OB_POP_SUM_DISTRICTS] =
		"SELECT territory, year, sex, whole, sum(part), count(part), parts,"
		" group_concat(label, ' ') FROM ("
		" SELECT n.territory, n.year, n.sex, n.population AS whole, o.population AS part,"
		"  ch.old_code || '=' || CAST(o.population AS INTEGER) AS label,"
		"  (SELECT count(*) FROM territory_change x WHERE x.new_code = n.territory"
		"    AND x.kind = 'district_of') AS parts"
		" FROM territory_change ch JOIN population n ON n.territory = ch.new_code"
		" JOIN population o ON o.territory = ch.old_code AND o.year = n.year AND o.sex = n.sex"
		" WHERE ch.kind = 'district_of'"
		" ORDER BY n.territory, n.year, n.sex, o.population DESC)"
		" GROUP BY territory, year, sex ORDER BY territory, year, sex",
};

int ob_store_population_parts_each(struct ob_store *s, enum ob_population_sum kind,
                                   int (*each)(void *arg, const struct ob_population_parts *p),
                                   void *arg, struct ob_diag *d)
{
	struct ob_population_parts p;
	sqlite3_stmt *st;
	int rc, stop = 0;

	if ((size_t)kind >= OB_ARRAY_SIZE(parts_sql))
		return ob_diag_set(d, OB_EINVAL, NULL, 0, 0, NULL, 0, "population sum %d", (int)kind),
		       -1;
	if (ob_store_prepare(s, parts_sql[kind], &st, d))
		return -1;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		p.territory = ob_store_text(st, 0);
		p.year = sqlite3_column_int(st, 1);
		p.sex = ob_store_text(st, 2);
		p.whole = sqlite3_column_double(st, 3);
		p.sum = sqlite3_column_double(st, 4);
		p.present = sqlite3_column_int(st, 5);
		p.parts = sqlite3_column_int(st, 6);
		p.labels = ob_store_text(st, 7);
		if (p.territory && p.sex)
			stop = each(arg, &p);
	}
	return ob_store_each_end(s, st, rc, stop, "población (population)", d);
}

int ob_store_population_sexes_each(struct ob_store *s,
                                   int (*each)(void *arg, const char *territory, int year,
                                               double total, double women_and_men),
                                   void *arg, struct ob_diag *d)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (ob_store_prepare(s, "SELECT t.territory, t.year, t.population,"
	                        " f.population + m.population FROM population t"
	                        " JOIN population f ON f.territory = t.territory"
	                        "  AND f.year = t.year AND f.sex = 'F'"
	                        " JOIN population m ON m.territory = t.territory"
	                        "  AND m.year = t.year AND m.sex = 'M'"
	                        " WHERE t.sex = 'T' ORDER BY t.territory, t.year",
	                     &st, d))
		return -1;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if (ob_store_text(st, 0))
			stop = each(arg, ob_store_text(st, 0), sqlite3_column_int(st, 1),
			             sqlite3_column_double(st, 2), sqlite3_column_double(st, 3));
	return ob_store_each_end(s, st, rc, stop, "población (population)", d);
}
