/* catalog.c - the catalogue's tables for their readers (see catalog.h). */
#include "store/catalog.h"
#include "store/store_int.h"

static const char *what_catalog = "catálogo (catalogue)";

int ob_store_territories_each(struct ob_store *s, const char *country, long long level,
                              int (*each)(void *arg, const struct ob_store_territory *t),
                              void *arg, struct ob_diag *d)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (ob_store_prepare(s, "SELECT code, level, country, parent, name, valid_from, valid_to"
	                        " FROM territory WHERE (?1 IS NULL OR country = upper(?1))"
	                        " AND (?2 < 0 OR level = ?2) ORDER BY country, level, code",
	                     &st, d))
		return -1;
	if (country)
		sqlite3_bind_text(st, 1, country, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, level);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ob_store_territory t = {
			.code = ob_store_text(st, 0),
			.level = sqlite3_column_int(st, 1),
			.country = ob_store_text(st, 2),
			.parent = ob_store_text(st, 3),
			.name = ob_store_text(st, 4),
			.valid_from = ob_store_text(st, 5),
			.valid_to = ob_store_text(st, 6),
		};
		stop = each(arg, &t);
	}
	return ob_store_each_end(s, st, rc, stop, what_catalog, d);
}

int ob_store_aliases_each(struct ob_store *s,
                          int (*each)(void *arg, const char *code, const char *alias),
                          void *arg, struct ob_diag *d)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (ob_store_prepare(s, "SELECT code, alias FROM territory_alias ORDER BY code, alias",
	                     &st, d))
		return -1;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = each(arg, ob_store_text(st, 0), ob_store_text(st, 1));
	return ob_store_each_end(s, st, rc, stop, "territory_alias", d);
}

int ob_store_population_each(struct ob_store *s,
                             int (*each)(void *arg, const char *territory, int year,
                                         const char *sex, double population),
                             void *arg, struct ob_diag *d)
{
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (ob_store_prepare(s, "SELECT territory, year, sex, population FROM population"
	                        " WHERE sex IN ('T','F','M') ORDER BY territory, year",
	                     &st, d))
		return -1;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = each(arg, ob_store_text(st, 0), sqlite3_column_int(st, 1),
		            ob_store_text(st, 2), sqlite3_column_double(st, 3));
	return ob_store_each_end(s, st, rc, stop, "population", d);
}

ob_err ob_store_territory_name(struct ob_store *s, const char *code, char *out, size_t size,
                               bool *found, struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err e = OB_OK;
	int rc;

	*found = false;
	if (size)
		out[0] = '\0';
	if ((e = ob_store_prepare(s, "SELECT name FROM territory WHERE code = ?1", &st, d)))
		return e;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && ob_store_text(st, 0)) {
		*found = true;
		ob_strlcpy(out, ob_store_text(st, 0), size);
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		e = ob_store_fail(s, d, what_catalog);
	}
	sqlite3_finalize(st);
	return e;
}

ob_err ob_store_iccs_names(struct ob_store *s, const char *code, char *es, char *en,
                           size_t size, bool *found, struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err e = OB_OK;
	int rc;

	*found = false;
	es[0] = en[0] = '\0';
	if ((e = ob_store_prepare(s, "SELECT name_es, name_en FROM iccs WHERE code = ?1", &st, d)))
		return e;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *a = ob_store_text(st, 0), *b = ob_store_text(st, 1);
		*found = true;
		ob_strlcpy(es, a ? a : "", size);
		ob_strlcpy(en, b ? b : "", size);
	} else if (rc != SQLITE_DONE) {
		e = ob_store_fail(s, d, "iccs");
	}
	sqlite3_finalize(st);
	return e;
}

int ob_store_population_sums_each(struct ob_store *s,
                                  int (*each)(void *arg, const struct ob_store_population_sum *p),
                                  void *arg, struct ob_diag *d)
{
	static const char sql[] =
		"WITH deepest AS (SELECT country, max(level) AS lvl FROM territory GROUP BY country),"
		" units AS (SELECT c.code AS country, p.year AS year, p.sex AS sex,"
		"   p.population AS national, p.status AS status, t.code AS unit, q.population AS pop"
		"   FROM territory c JOIN deepest d ON d.country = c.code AND d.lvl > 0"
		"   JOIN population p ON p.territory = c.code"
		"   JOIN territory t ON t.country = c.code AND t.level = d.lvl"
		"    AND (t.valid_from IS NULL OR t.valid_from <= p.year || '-07-01')"
		"    AND (t.valid_to IS NULL OR t.valid_to >= p.year || '-07-01')"
		"   LEFT JOIN population q ON q.territory = t.code AND q.year = p.year AND q.sex = p.sex"
		"   WHERE c.level = 0)"
		" SELECT country, year, sex, national, status, coalesce(sum(pop), 0), count(*),"
		"  count(pop) FROM units GROUP BY country, year, sex ORDER BY country, year, sex";
	sqlite3_stmt *q;
	int rc, stop = 0;

	if (ob_store_prepare(s, sql, &q, d))
		return -1;
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct ob_store_population_sum p = {
			.country = ob_store_text(q, 0),
			.year = sqlite3_column_int(q, 1),
			.sex = ob_store_text(q, 2),
			.national = sqlite3_column_double(q, 3),
			.status = ob_store_text(q, 4),
			.sum = sqlite3_column_double(q, 5),
			.units = sqlite3_column_int(q, 6),
			.with = sqlite3_column_int(q, 7),
		};
		stop = each(arg, &p);
	}
	return ob_store_each_end(s, q, rc, stop, what_catalog, d);
}
