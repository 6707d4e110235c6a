/* catalog.c - the catalogue's tables for their readers (see catalog.h). */
#include "store/catalog.h"
#include "store/store_int.h"

static const char *what_catalog = "catálogo (catalogue)";

int ob_store_territories_each(struct ob_store *s, const char *country, long long level,
                              int (*each)(void *arg, const struct ob_store_territory *t),
                              void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT code, level, country, parent, name, valid_from, valid_to"
	                        " FROM territory WHERE (country = upper(?1) OR ?1 IS NULL)"
	                        " AND (?2 < 0 OR level = ?2) ORDER BY country, level, code",
	                     &st, d))
		return -1;
	if (country)
		ob_db_bind_str(st, 1, country);
	ob_db_bind_int64(st, 2, level);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		struct ob_store_territory t = {
			.code = ob_db_column_text(st, 0),
			.level = ob_db_column_int(st, 1),
			.country = ob_db_column_text(st, 2),
			.parent = ob_db_column_text(st, 3),
			.name = ob_db_column_text(st, 4),
			.valid_from = ob_db_column_text(st, 5),
			.valid_to = ob_db_column_text(st, 6),
		};
		stop = each(arg, &t);
	}
	return ob_store_sql_end(s, st, rc, stop, what_catalog, d);
}

int ob_store_territory_peers_each(struct ob_store *s, const char *code, bool any_parent,
                                  int (*each)(void *arg, const char *code, const char *name),
                                  void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

#define PEERS_SQL(any_parent)                                                        \
	"SELECT s.code, s.name FROM territory u JOIN territory s"                     \
	" ON s.country = u.country AND s.level = u.level"                             \
	" AND s.code <> u.code AND (" any_parent ")"                                   \
	" WHERE u.code = ?1 AND (s.valid_from IS NULL OR"                             \
	" u.valid_to IS NULL OR s.valid_from <= u.valid_to) AND"                      \
	" (s.valid_to IS NULL OR u.valid_from IS NULL OR"                             \
	" s.valid_to >= u.valid_from) ORDER BY s.name"
	if (ob_store_sql(s, ob_store_dialect_sql(s, PEERS_SQL("?2 OR s.parent IS u.parent"),
	                                         PEERS_SQL("?2 <> 0 OR s.parent IS NOT DISTINCT"
	                                                   " FROM u.parent")),
	                 &st, d))
		return -1;
	ob_db_bind_str(st, 1, code);
	ob_db_bind_int64(st, 2, any_parent);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_text(st, 0), ob_db_column_text(st, 1));
	return ob_store_sql_end(s, st, rc, stop, what_catalog, d);
}

struct ob_store_names {
	struct ob_db_stmt *territory, *iccs;
};

struct ob_store_names *ob_store_names_open(struct ob_store *s)
{
	struct ob_store_names *n = ob_calloc(1, sizeof(*n));
	struct ob_diag ignored;

	if (ob_store_sql(s, "SELECT name FROM territory WHERE code = ?1", &n->territory,
	                     &ignored) ||
	    ob_store_sql(s, "SELECT coalesce(name_es, name_en), coalesce(name_en, name_es)"
	                        " FROM iccs WHERE code = ?1",
	                     &n->iccs, &ignored)) {
		ob_store_names_close(n);
		return NULL;
	}
	return n;
}

/* Column col of the row st gives for code, copied into out whole, or NULL. */
static const char *name_of(struct ob_db_stmt *st, const char *code, int col, char *out, size_t size)
{
	const char *v = NULL;

	ob_db_reset(st);
	ob_db_bind_str(st, 1, code);
	if (ob_db_step(st) == OB_DB_ROW && (v = ob_db_column_text(st, col)))
		v = ob_strlcpy(out, v, size) < size ? out : NULL;
	ob_db_reset(st);
	return v;
}

const char *ob_store_names_territory(struct ob_store_names *n, const char *code, char *out,
                                     size_t size)
{
	return n ? name_of(n->territory, code, 0, out, size) : NULL;
}

const char *ob_store_names_iccs(struct ob_store_names *n, const char *code, bool english,
                                char *out, size_t size)
{
	return n ? name_of(n->iccs, code, english ? 1 : 0, out, size) : NULL;
}

void ob_store_names_close(struct ob_store_names *n)
{
	if (!n)
		return;
	ob_db_finalize(n->territory);
	ob_db_finalize(n->iccs);
	free(n);
}

int ob_store_choices_each(struct ob_store *s, enum ob_store_choice what, bool english,
                          int (*each)(void *arg, const char *code, const char *name, int depth),
                          void *arg, struct ob_diag *d)
{
	static const char *const sql[] = {
		[OB_STORE_CHOICE_TERRITORY] = "SELECT code, name, level FROM territory WHERE"
		                              " level <= 1 ORDER BY country, level, name",
		[OB_STORE_CHOICE_ICCS] = "SELECT code, CASE WHEN ?1 THEN coalesce(name_en, name_es)"
		                         " ELSE coalesce(name_es, name_en) END, level - 1 FROM iccs"
		                         " WHERE level <= 2 ORDER BY code",
	};
	static const char iccs_pg[] = "SELECT code, CASE WHEN ?1 <> 0 THEN coalesce(name_en,"
	                              " name_es) ELSE coalesce(name_es, name_en) END, level - 1"
	                              " FROM iccs WHERE level <= 2 ORDER BY code";
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, what == OB_STORE_CHOICE_ICCS ? ob_store_dialect_sql(s, sql[what], iccs_pg)
	                                                 : sql[what], &st, d))
		return -1;
	if (what == OB_STORE_CHOICE_ICCS)
		ob_db_bind_int64(st, 1, english);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_text(st, 0), ob_db_column_text(st, 1), ob_db_column_int(st, 2));
	return ob_store_sql_end(s, st, rc, stop, what_catalog, d);
}

int ob_store_aliases_each(struct ob_store *s,
                          int (*each)(void *arg, const char *code, const char *alias),
                          void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT code, alias FROM territory_alias ORDER BY code, alias",
	                     &st, d))
		return -1;
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_text(st, 0), ob_db_column_text(st, 1));
	return ob_store_sql_end(s, st, rc, stop, "territory_alias", d);
}

int ob_store_population_each(struct ob_store *s,
                             int (*each)(void *arg, const struct ob_store_population *p),
                             void *arg, struct ob_diag *d)
{
	struct ob_store_population p;
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT territory, year, sex, population, status FROM population"
	                        " WHERE sex IN ('T','F','M') ORDER BY territory, year",
	                     &st, d))
		return -1;
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		p.territory = ob_db_column_text(st, 0);
		p.year = ob_db_column_int(st, 1);
		p.sex = ob_db_column_text(st, 2);
		p.population = ob_db_column_double(st, 3);
		p.status = ob_db_column_text(st, 4);
		stop = each(arg, &p);
	}
	return ob_store_sql_end(s, st, rc, stop, "population", d);
}

ob_err ob_store_population_years(struct ob_store *s, int *first, int *last, bool *found,
                                 struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc;

	*first = *last = 0;
	*found = false;
	if (ob_store_sql(s, "SELECT min(year), max(year) FROM population", &st, d))
		return OB_ESTORE;
	if ((rc = ob_db_step(st)) == OB_DB_ROW && ob_db_column_type(st, 0) == OB_STORE_INT) {
		*first = ob_db_column_int(st, 0);
		*last = ob_db_column_int(st, 1);
		*found = true;
	}
	return ob_store_sql_end(s, st, rc == OB_DB_ROW ? OB_DB_DONE : rc, 0, "population",
	                         d) < 0 ? OB_ESTORE : OB_OK;
}

int ob_store_territory_changes_each(struct ob_store *s, const char *kind,
                                    int (*each)(void *arg, const char *old_code,
                                                const char *new_code, const char *date),
                                    void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT old_code, new_code, date FROM territory_change"
	                        " WHERE kind = ?1 OR ?1 IS NULL ORDER BY date, old_code",
	                     &st, d))
		return -1;
	ob_db_bind_str(st, 1, kind);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_text(st, 0), ob_db_column_text(st, 1), ob_db_column_text(st, 2));
	return ob_store_sql_end(s, st, rc, stop, "territory_change", d);
}

int ob_store_iccs_each(struct ob_store *s, int (*each)(void *arg, const struct ob_store_iccs *c),
                       void *arg, struct ob_diag *d)
{
	struct ob_store_iccs c;
	struct ob_db_stmt *st;
	int rc, stop = 0;

	/* rowid: the order the codes were loaded in */
	if (ob_store_sql(s, "SELECT code, level, coalesce(parent, ''), name_es, name_en"
	                        " FROM iccs WHERE code IS NOT NULL ORDER BY rowid",
	                     &st, d))
		return -1;
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		c.code = ob_db_column_text(st, 0);
		c.level = ob_db_column_int(st, 1);
		c.parent = ob_db_column_text(st, 2);
		c.name_es = ob_db_column_text(st, 3);
		c.name_en = ob_db_column_text(st, 4);
		if (!c.parent)
			c.parent = "";
		if (!c.name_es)
			c.name_es = "";
		if (!c.name_en)
			c.name_en = "";
		stop = each(arg, &c);
	}
	return ob_store_sql_end(s, st, rc, stop, "iccs", d);
}

int ob_store_crosswalk_codes_each(struct ob_store *s, const char *name,
                                     int (*each)(void *arg, const char *section), void *arg,
                                     struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, ob_store_dialect_sql(s, "SELECT DISTINCT substr(target, 1,"
	                                            " instr(target || ' ', ' ') - 1)"
	                                            " FROM crosswalk WHERE name = ?1",
	                                         "SELECT DISTINCT split_part(target, ' ', 1)"
	                                         " FROM crosswalk WHERE name = ?1"),
	                 &st, d))
		return -1;
	ob_db_bind_str(st, 1, name);
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		if (ob_db_column_text(st, 0))
			stop = each(arg, ob_db_column_text(st, 0));
	return ob_store_sql_end(s, st, rc, stop, "crosswalk", d);
}

ob_err ob_store_territory_name(struct ob_store *s, const char *code, char *out, size_t size,
                               bool *found, struct ob_diag *d)
{
	return ob_store_text_one(s, "SELECT name FROM territory WHERE code = ?1", code, out, size,
	                         found, what_catalog, d);
}

ob_err ob_store_iccs_names(struct ob_store *s, const char *code, char *es, char *en,
                           size_t size, bool *found, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e = OB_OK;
	int rc;

	*found = false;
	es[0] = en[0] = '\0';
	if ((e = ob_store_sql(s, "SELECT name_es, name_en FROM iccs WHERE code = ?1", &st, d)))
		return e;
	ob_db_bind_str(st, 1, code);
	rc = ob_db_step(st);
	if (rc == OB_DB_ROW) {
		const char *a = ob_db_column_text(st, 0), *b = ob_db_column_text(st, 1);
		*found = true;
		ob_strlcpy(es, a ? a : "", size);
		ob_strlcpy(en, b ? b : "", size);
	} else if (rc != OB_DB_DONE) {
		e = ob_store_fail(s, d, "iccs");
	}
	ob_db_finalize(st);
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
		/* national and status are one value per (country, year, sex),
		 * grouped by too because PostgreSQL takes no bare column */
		"  count(pop) FROM units GROUP BY country, year, sex, national, status"
		" ORDER BY country, year, sex";
	struct ob_db_stmt *q;
	int rc, stop = 0;

	if (ob_store_sql(s, sql, &q, d))
		return -1;
	while (!stop && (rc = ob_db_step(q)) == OB_DB_ROW) {
		struct ob_store_population_sum p = {
			.country = ob_db_column_text(q, 0),
			.year = ob_db_column_int(q, 1),
			.sex = ob_db_column_text(q, 2),
			.national = ob_db_column_double(q, 3),
			.status = ob_db_column_text(q, 4),
			.sum = ob_db_column_double(q, 5),
			.units = ob_db_column_int(q, 6),
			.with = ob_db_column_int(q, 7),
		};
		stop = each(arg, &p);
	}
	return ob_store_sql_end(s, q, rc, stop, what_catalog, d);
}

/* ---- a country and the catalogue at a glance ---- */

/* The first column of sql's first row, with ?1 = a (when not NULL), ?2 =
 * b (text, when not NULL) or y (when b is NULL and y > 0), and ?3 = z
 * (when z > 0); *v 0 when no row or a NULL. */
static ob_err scalar(struct ob_store *s, const char *sql, const char *a, const char *b, int y,
                     int z, long *v, const char *what, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc;

	*v = 0;
	if (ob_store_sql(s, sql, &st, d))
		return OB_ESTORE;
	if (a)
		ob_db_bind_str(st, 1, a);
	if (b)
		ob_db_bind_str(st, 2, b);
	else if (y > 0)
		ob_db_bind_int64(st, 2, y);
	if (z > 0)
		ob_db_bind_int64(st, 3, z);
	if ((rc = ob_db_step(st)) == OB_DB_ROW)
		*v = (long)ob_db_column_int64(st, 0);
	return ob_store_sql_end(s, st, rc == OB_DB_ROW ? OB_DB_DONE : rc, 0, what, d) < 0
	       ? OB_ESTORE : OB_OK;
}

ob_err ob_store_territory_known(struct ob_store *s, const char *code, const char *iso3,
                                bool *known, struct ob_diag *d)
{
	long v;
	ob_err e = scalar(s, iso3 ? "SELECT 1 FROM territory WHERE code = ?1 AND country = ?2"
	                          : "SELECT 1 FROM territory WHERE code = ?1",
	                  code, iso3, 0, 0, &v, what_catalog, d);

	*known = v != 0;
	return e;
}

ob_err ob_store_territory_has_geometry(struct ob_store *s, const char *code, bool *has,
                                       struct ob_diag *d)
{
	long v;
	ob_err e = scalar(s, "SELECT 1 FROM territory_geometry WHERE code = ?1", code, NULL, 0, 0, &v,
	                  what_catalog, d);

	*has = v != 0;
	return e;
}

static int pairs_each(struct ob_store *s, const char *sql,
                      int (*each)(void *arg, const char *code, const char *geojson), void *arg,
                      struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, sql, &st, d))
		return -1;
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		if (ob_db_column_text(st, 0) && ob_db_column_text(st, 1))
			stop = each(arg, ob_db_column_text(st, 0), ob_db_column_text(st, 1));
	return ob_store_sql_end(s, st, rc, stop, "territory_geometry", d);
}

int ob_store_geometry_each(struct ob_store *s,
                           int (*each)(void *arg, const char *code, const char *geojson),
                           void *arg, struct ob_diag *d)
{
	return pairs_each(s, "SELECT code, geojson FROM territory_geometry", each, arg, d);
}

int ob_store_district_geometry_each(struct ob_store *s,
                                    int (*each)(void *arg, const char *code,
                                                const char *geojson),
                                    void *arg, struct ob_diag *d)
{
	return pairs_each(s, "SELECT c.new_code, g.geojson FROM territory_change c"
	                     " JOIN territory_geometry g ON g.code = c.old_code"
	                     " WHERE c.kind = 'district_of' AND NOT EXISTS (SELECT 1 FROM"
	                     " territory_geometry n WHERE n.code = c.new_code)"
	                     " ORDER BY c.new_code, c.old_code",
	                  each, arg, d);
}

/* t in force today (UTC), in each database's words: SQLite's date('now') is
 * PostgreSQL's UTC date as text; the statements below are written once
 * with TODAY and given to each as IN_FORCE_SQL(...) */
#define IN_FORCE_AT(today)                                                       \
	" AND (t.valid_from IS NULL OR t.valid_from <= " today ")"                 \
	" AND (t.valid_to IS NULL OR t.valid_to >= " today ")"
#define TODAY_SQLITE "date('now')"
#define TODAY_PG "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
#define IN_FORCE_SQL(s, head, tail)                                               \
	ob_store_dialect_sql(s, head IN_FORCE_AT(TODAY_SQLITE) tail,                 \
	                     head IN_FORCE_AT(TODAY_PG) tail)

ob_err ob_store_country_summary(struct ob_store *s, const char *iso3,
                                struct ob_store_country_summary *c, bool *found,
                                struct ob_diag *d)
{
	struct ob_db_stmt *st;
	long v;
	int rc;

	memset(c, 0, sizeof(*c));
	*found = false;
	if (ob_store_sql(s, "SELECT name FROM territory WHERE code = ?1 AND level = 0", &st, d))
		return OB_ESTORE;
	ob_db_bind_str(st, 1, iso3);
	if ((rc = ob_db_step(st)) == OB_DB_ROW) {
		*found = true;
		ob_strlcpy(c->name, ob_db_column_text(st, 0) ? ob_db_column_text(st, 0) : "", sizeof(c->name));
	}
	if (ob_store_sql_end(s, st, rc == OB_DB_ROW ? OB_DB_DONE : rc, 0, what_catalog, d) < 0)
		return OB_ESTORE;
	if (!*found)
		return OB_OK;
	if (scalar(s, IN_FORCE_SQL(s, "SELECT count(*) FROM territory t WHERE country = ?1"
	                             " AND level = 1", ""),
	           iso3, NULL, 0, 0, &c->admin1, what_catalog, d) ||
	    scalar(s, IN_FORCE_SQL(s, "SELECT count(*) FROM territory t WHERE country = ?1"
	                             " AND level = 2", ""),
	           iso3, NULL, 0, 0, &c->admin2, what_catalog, d))
		return OB_ESTORE;
	/* boundaries of the deepest level in force: its own, or all its districts' */
	c->level = c->admin2 ? 2 : 1;
	if (scalar(s, IN_FORCE_SQL(s, "SELECT count(*) FROM territory t WHERE country = ?1"
	              " AND level = ?2",
	              " AND (EXISTS (SELECT 1 FROM territory_geometry g WHERE g.code = t.code)"
	              "  OR (EXISTS (SELECT 1 FROM territory_change c WHERE"
	              "   c.kind = 'district_of' AND c.new_code = t.code)"
	              "  AND NOT EXISTS (SELECT 1 FROM territory_change c WHERE"
	              "   c.kind = 'district_of' AND c.new_code = t.code AND NOT EXISTS"
	              "   (SELECT 1 FROM territory_geometry g WHERE g.code = c.old_code))))"),
	           iso3, NULL, c->level, 0, &c->geometry, what_catalog, d))
		return OB_ESTORE;
	if (scalar(s, "SELECT min(year) FROM population WHERE territory = ?1 AND sex = 'T'", iso3,
	           NULL, 0, 0, &v, "population", d))
		return OB_ESTORE;
	c->pop_first = (int)v;
	if (scalar(s, "SELECT max(year) FROM population WHERE territory = ?1 AND sex = 'T'", iso3,
	           NULL, 0, 0, &v, "population", d))
		return OB_ESTORE;
	c->pop_last = (int)v;
	if (c->pop_last &&
	    scalar(s, IN_FORCE_SQL(s, "SELECT count(*) FROM territory t JOIN population p"
	              " ON p.territory = t.code AND p.year = ?2"
	              " AND p.sex = 'T' WHERE t.country = ?1 AND t.level = ?3", ""),
	           iso3, NULL, c->pop_last, c->level, &c->units_pop_last, "population", d))
		return OB_ESTORE;
	/* names, not the national codes that the flat list adds */
	return scalar(s, ob_store_dialect_sql(s, "SELECT count(*) FROM territory_alias a"
	                 " JOIN territory t ON t.code = a.code WHERE t.country = ?1"
	                 " AND a.alias GLOB '*[^0-9]*'",
	                 "SELECT count(*) FROM territory_alias a"
	                 " JOIN territory t ON t.code = a.code WHERE t.country = ?1"
	                 " AND a.alias ~ '[^0-9]'"),
	              iso3, NULL, 0, 0, &c->aliases, "territory_alias", d);
}

int ob_store_countries_overview_each(struct ob_store *s,
                                     int (*each)(void *arg,
                                                 const struct ob_store_country_overview *c),
                                     void *arg, struct ob_diag *d)
{
	static const char sql[] =
		"SELECT t.code, t.name,"
		" (SELECT count(*) FROM territory u WHERE u.country = t.code AND u.level = 1),"
		" (SELECT count(*) FROM territory u WHERE u.country = t.code AND u.level = 2),"
		" (SELECT count(*) FROM territory_geometry g JOIN territory u ON u.code = g.code"
		"   WHERE u.country = t.code),"
		" (SELECT count(*) FROM population p JOIN territory u ON u.code = p.territory"
		"   WHERE u.country = t.code AND p.status = 'official'),"
		" (SELECT count(*) FROM population p JOIN territory u ON u.code = p.territory"
		"   WHERE u.country = t.code AND p.status NOT IN ('official', 'equal_split')),"
		" (SELECT count(*) FROM population p JOIN territory u ON u.code = p.territory"
		"   WHERE u.country = t.code AND p.status = 'equal_split'),"
		" (SELECT min(year) FROM population p JOIN territory u"
		"   ON u.code = p.territory WHERE u.country = t.code),"
		" (SELECT max(year) FROM population p JOIN territory u"
		"   ON u.code = p.territory WHERE u.country = t.code)"
		" FROM territory t WHERE t.level = 0 ORDER BY t.code";
	struct ob_store_country_overview c;
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, sql, &st, d))
		return -1;
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		c.code = ob_db_column_text(st, 0);
		c.name = ob_db_column_text(st, 1);
		if (!c.code)
			continue;
		if (!c.name)
			c.name = "";
		c.admin1 = (long)ob_db_column_int64(st, 2);
		c.admin2 = (long)ob_db_column_int64(st, 3);
		c.geometry = (long)ob_db_column_int64(st, 4);
		c.pop_official = (long)ob_db_column_int64(st, 5);
		c.pop_estimate = (long)ob_db_column_int64(st, 6);
		c.pop_equal_split = (long)ob_db_column_int64(st, 7);
		c.year_first = ob_db_column_int(st, 8);
		c.year_last = ob_db_column_int(st, 9);
		stop = each(arg, &c);
	}
	return ob_store_sql_end(s, st, rc, stop, what_catalog, d);
}

ob_err ob_store_catalog_counts(struct ob_store *s, struct ob_store_catalog_counts *n,
                               struct ob_diag *d)
{
	memset(n, 0, sizeof(*n));
	if (scalar(s, "SELECT count(*) FROM iccs", NULL, NULL, 0, 0, &n->iccs, "iccs", d) ||
	    scalar(s, "SELECT count(*) FROM tag", NULL, NULL, 0, 0, &n->tags, "tag", d) ||
	    scalar(s, "SELECT count(*) FROM crosswalk", NULL, NULL, 0, 0, &n->crosswalk_rows,
	           "crosswalk", d) ||
	    scalar(s, "SELECT count(DISTINCT name) FROM crosswalk", NULL, NULL, 0, 0,
	           &n->crosswalks, "crosswalk", d) ||
	    scalar(s, "SELECT count(*) FROM territory_alias", NULL, NULL, 0, 0, &n->aliases,
	           "territory_alias", d) ||
	    scalar(s, "SELECT count(*) FROM territory_change", NULL, NULL, 0, 0, &n->changes,
	           "territory_change", d))
		return OB_ESTORE;
	return OB_OK;
}

ob_err ob_store_crosswalk_rows(struct ob_store *s, const char *name, long *n,
                               struct ob_diag *d)
{
	return scalar(s, "SELECT count(*) FROM crosswalk WHERE name = ?1", name, NULL, 0, 0, n,
	              "crosswalk", d);
}
