/* catalog_read.c - the catalogue's tables as the API shows them (see
 * catalog_read.h). */
#include "store/catalog_read.h"

#include "store/store_int.h"

#define WHAT "catálogo (catalogue)"

static void bind_level(struct ob_db_stmt *st, int i, long long level)
{
	if (level >= 0)
		ob_db_bind_int64(st, i, level);
	else
		ob_db_bind_null(st, i);
}

/* LIMIT ?i OFFSET ?i+1 as given; no limit (negative) as each database
 * writes it (ob_store_bind_page()) */
static void bind_limit(struct ob_store *s, struct ob_db_stmt *st, int i, long long limit,
                       long long offset)
{
	ob_store_bind_page(s, st, i, limit, 0);
	ob_db_bind_int64(st, i + 1, offset);
}

#define TERRITORY_WHERE                                                                  \
	" WHERE (country = upper(?1) OR ?1 IS NULL) AND (level = ?2 OR ?2 IS NULL)"     \
	" AND (parent = upper(?3) OR ?3 IS NULL)"

static void bind_territories(struct ob_db_stmt *st, const struct ob_store_territory_filter *f)
{
	ob_db_bind_str(st, 1, f->country);
	bind_level(st, 2, f->level);
	ob_db_bind_str(st, 3, f->parent);
}

ob_err ob_store_territory_rows_count(struct ob_store *s,
                                     const struct ob_store_territory_filter *f, long long *n,
                                     struct ob_diag *d)
{
	struct ob_db_stmt *st;

	*n = 0;
	if (ob_store_sql(s, "SELECT count(*) FROM territory" TERRITORY_WHERE, &st, d))
		return OB_ESTORE;
	bind_territories(st, f);
	return ob_store_sql_count(s, st, n, WHAT, d);
}

int ob_store_territory_rows_each(struct ob_store *s, const struct ob_store_territory_filter *f,
                                 ob_store_row_fn each, void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	if (ob_store_sql(s, "SELECT code, level, country, parent, name, valid_from, valid_to,"
	                     " status, note FROM territory" TERRITORY_WHERE
	                     " ORDER BY country, level, code LIMIT ?4 OFFSET ?5", &st, d))
		return -1;
	bind_territories(st, f);
	bind_limit(s, st, 4, f->limit, f->offset);
	return ob_store_sql_rows(s, st, OB_STORE_TERRITORY_COLUMNS, each, arg, WHAT, d);
}

/* Counts the rows a listing gave, for ob_store_territory_row(). */
struct counted {
	ob_store_row_fn each;
	void *arg;
	bool seen;
};

static int count_row(void *arg, const struct ob_store_value *v, size_t n)
{
	struct counted *c = arg;

	c->seen = true;
	return c->each(c->arg, v, n);
}

ob_err ob_store_territory_row(struct ob_store *s, const char *code, ob_store_row_fn each,
                              void *arg, bool *found, struct ob_diag *d)
{
	struct counted c = { .each = each, .arg = arg };
	struct ob_db_stmt *st;
	int rc;

	*found = false;
	if (ob_store_sql(s, "SELECT code, level, country, parent, name, valid_from, valid_to,"
	                     " status, source, note, EXISTS(SELECT 1 FROM territory_geometry g"
	                     " WHERE g.code = t.code) FROM territory t WHERE code = upper(?1)"
	                     " LIMIT 1", &st, d))
		return OB_ESTORE;
	ob_db_bind_str(st, 1, code);
	rc = ob_store_sql_rows(s, st, OB_STORE_TERRITORY_FULL_COLUMNS, count_row, &c, WHAT, d);
	*found = c.seen;
	return rc < 0 ? OB_ESTORE : OB_OK;
}

int ob_store_territory_part_each(struct ob_store *s, enum ob_store_territory_part part,
                                 const char *code, ob_store_row_fn each, void *arg,
                                 struct ob_diag *d)
{
	static const struct {
		const char *sql;
		int ncols;
	} q[] = {
		[OB_STORE_T_ALIASES] = { "SELECT alias FROM territory_alias WHERE code = ?1"
		                         " ORDER BY alias", 1 },
		[OB_STORE_T_CHILDREN] = { "SELECT code, name, level FROM territory WHERE parent = ?1"
		                          " ORDER BY code", 3 },
		[OB_STORE_T_CHANGES] = { "SELECT old_code, new_code, date, kind FROM"
		                         " territory_change WHERE old_code = ?1 OR new_code = ?1"
		                         " ORDER BY date, old_code", 4 },
		[OB_STORE_T_POPULATION] = { "SELECT year, sex, population, status, source"
		                            " FROM population WHERE territory = ?1"
		                            " ORDER BY year, sex", 5 },
	};
	struct ob_db_stmt *st;

	if ((size_t)part >= OB_ARRAY_SIZE(q)) {
		ob_diag_set(d, OB_EINVAL, NULL, 0, 0, NULL, 0, "territory part %d", (int)part);
		return -1;
	}
	if (ob_store_sql(s, q[part].sql, &st, d))
		return -1;
	ob_db_bind_str(st, 1, code);
	return ob_store_sql_rows(s, st, q[part].ncols, each, arg, WHAT, d);
}

#define ICCS_WHERE " WHERE (level = ?1 OR ?1 IS NULL) AND (parent = ?2 OR ?2 IS NULL)"

ob_err ob_store_iccs_rows_count(struct ob_store *s, const struct ob_store_iccs_filter *f,
                                long long *n, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	*n = 0;
	if (ob_store_sql(s, "SELECT count(*) FROM iccs" ICCS_WHERE, &st, d))
		return OB_ESTORE;
	bind_level(st, 1, f->level);
	ob_db_bind_str(st, 2, f->parent);
	return ob_store_sql_count(s, st, n, WHAT, d);
}

int ob_store_iccs_rows_each(struct ob_store *s, const struct ob_store_iccs_filter *f,
                            ob_store_row_fn each, void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	if (ob_store_sql(s, "SELECT code, level, parent, name_es, name_en FROM iccs"
	                     ICCS_WHERE " ORDER BY code LIMIT ?3 OFFSET ?4", &st, d))
		return -1;
	bind_level(st, 1, f->level);
	ob_db_bind_str(st, 2, f->parent);
	bind_limit(s, st, 3, f->limit, f->offset);
	return ob_store_sql_rows(s, st, OB_STORE_ICCS_COLUMNS, each, arg, WHAT, d);
}
