/* territory_read.c - the territories as the portal's pages read them (see
 * territory_read.h). */
#include "store/territory_read.h"
#include "store/store_int.h"

#include <string.h>

static const char *what_territory = "territorios (territories)";

/* Step st (prepared and bound) to its end, giving each row to each as a
 * unit read by fill; finalizes st. Returns as a listing. */
static int units_each(struct ob_store *s, struct ob_db_stmt *st,
                      void (*fill)(struct ob_db_stmt *st, struct ob_store_unit *u),
                      ob_store_unit_fn each, void *arg, struct ob_diag *d)
{
	int rc = OB_DB_DONE, stop = 0;

	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		struct ob_store_unit u;
		memset(&u, 0, sizeof(u));
		fill(st, &u);
		stop = each(arg, &u);
	}
	return ob_store_sql_end(s, st, rc, stop, what_territory, d);
}

static void fill_code_name(struct ob_db_stmt *st, struct ob_store_unit *u)
{
	u->code = ob_db_column_text(st, 0);
	u->name = ob_db_column_text(st, 1);
}

int ob_store_units_by_name_each(struct ob_store *s, const char *country, int level,
                                ob_store_unit_fn each, void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	if (ob_store_sql(s, "SELECT code, name FROM territory WHERE country = ?1 AND level = ?2"
	                    " ORDER BY name, code",
	                     &st, d))
		return -1;
	ob_db_bind_str(st, 1, country);
	ob_db_bind_int64(st, 2, level);
	return units_each(s, st, fill_code_name, each, arg, d);
}

static void fill_code_parent(struct ob_db_stmt *st, struct ob_store_unit *u)
{
	u->code = ob_db_column_text(st, 0);
	u->parent = ob_db_column_text(st, 1);
	u->level = 2;
}

int ob_store_unit_parents_each(struct ob_store *s, const char *country, ob_store_unit_fn each,
                               void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	if (ob_store_sql(s, "SELECT code, parent FROM territory WHERE country = ?1 AND level = 2"
	                    " AND parent IS NOT NULL",
	                     &st, d))
		return -1;
	ob_db_bind_str(st, 1, country);
	return units_each(s, st, fill_code_parent, each, arg, d);
}

int ob_store_countries_each(struct ob_store *s, bool by_code, ob_store_unit_fn each, void *arg,
                            struct ob_diag *d)
{
	struct ob_db_stmt *st;

	if (ob_store_sql(s, by_code ? "SELECT code, name FROM territory WHERE level = 0"
	                                  " ORDER BY code"
	                                : "SELECT code, name FROM territory WHERE level = 0"
	                                  " ORDER BY name",
	                     &st, d))
		return -1;
	return units_each(s, st, fill_code_name, each, arg, d);
}

ob_err ob_store_country_name(struct ob_store *s, const char *code, char *out, size_t size,
                             bool *found, struct ob_diag *d)
{
	return ob_store_text_one(s, "SELECT name FROM territory WHERE level = 0 AND code = upper(?1)",
	                         code, out, size, found, what_territory, d);
}

static void fill_listed(struct ob_db_stmt *st, struct ob_store_unit *u)
{
	u->code = ob_db_column_text(st, 0);
	u->name = ob_db_column_text(st, 1);
	u->level = ob_db_column_int(st, 2);
	u->parent_name = ob_db_column_text(st, 3);
	u->aliases = ob_db_column_text(st, 4);
}

int ob_store_territory_list_each(struct ob_store *s, bool all, ob_store_unit_fn each, void *arg,
                                 struct ob_diag *d)
{
	struct ob_db_stmt *st;

	/* the aliases grouped once, not a scan of them per unit */
	if (ob_store_sql(s, ob_store_dialect_sql(s,
	                 "SELECT t.code, t.name, t.level, p.name, a.aliases"
	                 " FROM territory t LEFT JOIN territory p ON p.code = t.parent"
	                 " LEFT JOIN (SELECT code, group_concat(alias, '|') AS aliases"
	                 " FROM territory_alias GROUP BY code) a ON a.code = t.code"
	                 " WHERE ?1 OR t.level <= 1 ORDER BY t.country, t.level, t.code",
	                 "SELECT t.code, t.name, t.level, p.name, a.aliases"
	                 " FROM territory t LEFT JOIN territory p ON p.code = t.parent"
	                 " LEFT JOIN (SELECT code, string_agg(alias, '|') AS aliases"
	                 " FROM territory_alias GROUP BY code) a ON a.code = t.code"
	                 " WHERE ?1 <> 0 OR t.level <= 1 ORDER BY t.country, t.level, t.code"),
	                 &st, d))
		return -1;
	ob_db_bind_int64(st, 1, all);
	return units_each(s, st, fill_listed, each, arg, d);
}

ob_err ob_store_territory_unit(struct ob_store *s, const char *code, ob_store_unit_fn each,
                               void *arg, bool *found, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e = OB_OK;
	int rc;

	*found = false;
	if ((e = ob_store_sql(s, "SELECT t.code, t.name, t.level, t.country, t.parent, p.name"
	                         " FROM territory t LEFT JOIN territory p ON p.code = t.parent"
	                         " WHERE t.code = upper(?1)",
	                          &st, d)))
		return e;
	ob_db_bind_str(st, 1, code);
	rc = ob_db_step(st);
	if (rc == OB_DB_ROW) {
		struct ob_store_unit u = {
			.code = ob_db_column_text(st, 0),
			.name = ob_db_column_text(st, 1),
			.level = ob_db_column_int(st, 2),
			.country = ob_db_column_text(st, 3),
			.parent = ob_db_column_text(st, 4),
			.parent_name = ob_db_column_text(st, 5),
		};
		*found = true;
		each(arg, &u);
	} else if (rc != OB_DB_DONE) {
		e = ob_store_fail(s, d, what_territory);
	}
	ob_db_finalize(st);
	return e;
}

int ob_store_territory_within_each(struct ob_store *s, const char *code, ob_store_unit_fn each,
                                   void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	if (ob_store_sql(s, "SELECT code, name FROM territory WHERE parent = ?1 ORDER BY name",
	                     &st, d))
		return -1;
	ob_db_bind_str(st, 1, code);
	return units_each(s, st, fill_code_name, each, arg, d);
}

static void fill_locator(struct ob_db_stmt *st, struct ob_store_unit *u)
{
	u->code = ob_db_column_text(st, 0);
	u->name = ob_db_column_text(st, 1);
	u->focus = ob_db_column_int(st, 2) != 0;   /* a truth value: 1 or 0, t or f */
}

int ob_store_locator_units_each(struct ob_store *s, const char *code, int level,
                                const char *country, ob_store_unit_fn each, void *arg,
                                struct ob_diag *d)
{
	struct ob_db_stmt *st;

	if (level < 1 || level > 2)
		return 0;
	if (ob_store_sql(s,
	                     level == 2
	                             ? "SELECT s.code, s.name, s.code = u.code FROM territory u"
	                               " JOIN territory s ON s.parent = u.parent AND s.level ="
	                               " u.level WHERE u.code = ?1 AND (s.valid_from IS NULL OR"
	                               " u.valid_to IS NULL OR s.valid_from <= u.valid_to) AND"
	                               " (s.valid_to IS NULL OR u.valid_from IS NULL OR"
	                               " s.valid_to >= u.valid_from) ORDER BY s.code"
	                             : "SELECT code, name, parent = ?1 FROM territory WHERE"
	                               " country = ?2 AND level = 2 AND valid_to IS NULL"
	                               " ORDER BY code",
	                     &st, d))
		return -1;
	ob_db_bind_str(st, 1, code);
	if (level == 1)
		ob_db_bind_str(st, 2, country);
	return units_each(s, st, fill_locator, each, arg, d);
}
