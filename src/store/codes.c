/* codes.c - the SQL of the catalogue's codes an ingest looks up
 * (store/codes.h). */
#include "store/codes.h"
#include "store/store_int.h"

/* Prepare sql with country as ?1 (when not NULL); -1 with d filled. */
static int start(struct ob_store *s, const char *sql, const char *country, struct ob_db_stmt **st,
                 struct ob_diag *d)
{
	if (ob_store_sql(s, sql, st, d))
		return -1;
	if (country)
		ob_db_bind_str(*st, 1, country);
	return 0;
}


int ob_store_codes_territories(struct ob_store *s, const char *country,
                               int (*each)(void *arg, const struct ob_code_territory *t),
                               void *arg, struct ob_diag *d)
{
	struct ob_code_territory t;
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (start(s, "SELECT code, level, parent, name, valid_from, valid_to"
	             " FROM territory WHERE country = ?1 ORDER BY code", country, &st, d))
		return -1;
	while ((rc = ob_db_step(st)) == OB_DB_ROW) {
		t.code = ob_db_column_text(st, 0);
		t.level = ob_db_column_int(st, 1);
		t.parent = ob_db_column_text(st, 2);
		t.name = ob_db_column_text(st, 3);
		t.valid_from = ob_db_column_text(st, 4);
		t.valid_to = ob_db_column_text(st, 5);
		if ((stop = each(arg, &t)))
			break;
	}
	return ob_store_sql_end(s, st, rc, stop, NULL, d);
}

int ob_store_codes_aliases(struct ob_store *s, const char *country,
                           int (*each)(void *arg, const char *code, const char *alias),
                           void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (start(s, "SELECT a.code, a.alias FROM territory_alias a"
	             " JOIN territory t ON t.code = a.code WHERE t.country = ?1", country, &st, d))
		return -1;
	while ((rc = ob_db_step(st)) == OB_DB_ROW)
		if ((stop = each(arg, ob_db_column_text(st, 0), ob_db_column_text(st, 1))))
			break;
	return ob_store_sql_end(s, st, rc, stop, NULL, d);
}

int ob_store_codes_changes(struct ob_store *s, const char *country,
                           int (*each)(void *arg, const char *old_code, const char *new_code,
                                       const char *date),
                           void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (start(s, "SELECT c.old_code, c.new_code, c.date FROM territory_change c"
	             " JOIN territory t ON t.code = c.old_code WHERE t.country = ?1", country, &st,
	          d))
		return -1;
	while ((rc = ob_db_step(st)) == OB_DB_ROW)
		if ((stop = each(arg, ob_db_column_text(st, 0), ob_db_column_text(st, 1),
		                 ob_db_column_text(st, 2))))
			break;
	return ob_store_sql_end(s, st, rc, stop, NULL, d);
}

int ob_store_codes_crosswalks(struct ob_store *s,
                              int (*each)(void *arg, const struct ob_code_crosswalk *x),
                              void *arg, struct ob_diag *d)
{
	struct ob_code_crosswalk x;
	struct ob_db_stmt *st;
	int rc, stop = 0;

	/* rowid: the order the entries were loaded in (on PostgreSQL a column
	 * of that name, store/schema_pg.c) */
	if (start(s, "SELECT name, label, target, valid_from, valid_to FROM crosswalk"
	             " ORDER BY rowid", NULL, &st, d))
		return -1;
	while ((rc = ob_db_step(st)) == OB_DB_ROW) {
		x.name = ob_db_column_text(st, 0);
		x.label = ob_db_column_text(st, 1);
		x.target = ob_db_column_text(st, 2);
		x.valid_from = ob_db_column_text(st, 3);
		x.valid_to = ob_db_column_text(st, 4);
		if ((stop = each(arg, &x)))
			break;
	}
	return ob_store_sql_end(s, st, rc, stop, NULL, d);
}

int ob_store_codes_iccs(struct ob_store *s, int (*each)(void *arg, const char *code),
                        void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (start(s, "SELECT code FROM iccs", NULL, &st, d))
		return -1;
	while ((rc = ob_db_step(st)) == OB_DB_ROW)
		if ((stop = each(arg, ob_db_column_text(st, 0))))
			break;
	return ob_store_sql_end(s, st, rc, stop, NULL, d);
}

int ob_store_codes_tags(struct ob_store *s,
                        int (*each)(void *arg, const char *kind, const char *code), void *arg,
                        struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (start(s, "SELECT kind, code FROM tag", NULL, &st, d))
		return -1;
	while ((rc = ob_db_step(st)) == OB_DB_ROW)
		if ((stop = each(arg, ob_db_column_text(st, 0), ob_db_column_text(st, 1))))
			break;
	return ob_store_sql_end(s, st, rc, stop, NULL, d);
}
