/* catalog_write.c - the SQL of a catalogue load (store/catalog_write.h),
 * on SQLite and PostgreSQL. */
#include "store/catalog_write.h"
#include "store/store_int.h"

#include <limits.h>

#include "base/buf.h"
#include "base/strmap.h"

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

/* PostgreSQL: each table's rows wait in COPY's text format and go to the
 * server by COPY (docs/store.md), in this order (what a row refers to
 * first). The alias index, which SQLite fills by INSERT OR IGNORE, is one
 * more buffer after the enum's tables. */
enum { W_ALIAS = OB_CATALOG_TABLES, W_TABLES };
static const int copy_order[W_TABLES] = {
	OB_CATALOG_TERRITORY, W_ALIAS, OB_CATALOG_CHANGE, OB_CATALOG_ICCS, OB_CATALOG_TAG,
	OB_CATALOG_CROSSWALK, OB_CATALOG_POPULATION,
};
static const char *const copy_sql[W_TABLES] = {
	[OB_CATALOG_TERRITORY] = "COPY territory(code, level, country, parent, name, valid_from,"
	                         " valid_to, status, source, note) FROM STDIN",
	[OB_CATALOG_CHANGE] = "COPY territory_change(old_code, new_code, date, kind) FROM STDIN",
	[OB_CATALOG_ICCS] = "COPY iccs(code, level, parent, name_es, name_en) FROM STDIN",
	[OB_CATALOG_TAG] = "COPY tag(kind, code, name_es, name_en) FROM STDIN",
	[OB_CATALOG_CROSSWALK] = "COPY crosswalk(name, label, target, valid_from, valid_to, key)"
	                         " FROM STDIN",
	[OB_CATALOG_POPULATION] = "COPY population(territory, year, sex, population, status,"
	                          " source) FROM STDIN",
	[W_ALIAS] = "COPY territory_alias(key, code, alias) FROM STDIN",
};
/* What the constraints of each table would refuse, checked by the writer
 * before a row waits for COPY (a COPY's failure could not say which line of
 * which file it was): the columns a row must have (NOT NULL, bit i for
 * column i), the columns of its key (primary key), the table and key as
 * a message names them. A territory's status NULL is 'official'. */
static const struct {
	unsigned not_null, key;
	const char *name;
} copy_rules[W_TABLES] = {
	[OB_CATALOG_TERRITORY] = { 0x17, 0x01, "territory(code)" },
	[OB_CATALOG_CHANGE] = { 0x0f, 0x07, "territory_change(old_code, new_code, date)" },
	[OB_CATALOG_ICCS] = { 0x1b, 0x01, "iccs(code)" },
	[OB_CATALOG_TAG] = { 0x0f, 0x03, "tag(kind, code)" },
	[OB_CATALOG_CROSSWALK] = { 0x27, 0x00, "crosswalk" },
	[OB_CATALOG_POPULATION] = { 0x1f, 0x07, "population(territory, year, sex)" },
	[W_ALIAS] = { 0x07, 0x03, "territory_alias(key, code)" },
};
/* the columns of each table (for a message) */
static const char *const copy_columns[W_TABLES][10] = {
	[OB_CATALOG_TERRITORY] = { "code", "level", "country", "parent", "name", "valid_from",
	                           "valid_to", "status", "source", "note" },
	[OB_CATALOG_CHANGE] = { "old_code", "new_code", "date", "kind" },
	[OB_CATALOG_ICCS] = { "code", "level", "parent", "name_es", "name_en" },
	[OB_CATALOG_TAG] = { "kind", "code", "name_es", "name_en" },
	[OB_CATALOG_CROSSWALK] = { "name", "label", "target", "valid_from", "valid_to", "key" },
	[OB_CATALOG_POPULATION] = { "territory", "year", "sex", "population", "status",
	                            "source" },
	[W_ALIAS] = { "key", "code", "alias" },
};
/* a value standing for "present" in the writer's sets */
static char present;

/* A territory the writer inserted: its level and country. */
struct known_territory {
	int level;
	char country[];
};

struct ob_catalog_writer {
	struct ob_store *s;
	/* code -> struct known_territory of every territory inserted, which a
	 * load's lookups (one per population row) read instead of the
	 * database: the load runs in one transaction on tables it emptied, so
	 * these are exactly the rows the table holds. Unused (the lookups ask
	 * the database) once a row could not be kept here. */
	struct ob_strmap territories;
	bool territories_known;
	struct ob_db_stmt *insert[OB_CATALOG_TABLES];  /* prepared when first used */
	struct ob_db_stmt *alias, *geometry, *has_territory, *territory, *iccs_level, *known_target,
		*has_tag;
	/* PostgreSQL (copy): the rows waiting for COPY, and what the tables
	 * will hold once they are sent, which the lookups read and the
	 * constraints' checks consult: each table's keys (W_TABLES sets, the
	 * key's columns joined by a unit separator), ICCS code -> level
	 * (int), "kind=code" of the tags and the tags' codes (sets). The
	 * load runs in one transaction on tables it emptied, so these are
	 * exactly the rows the tables hold. */
	bool copy;
	struct ob_buf rows[W_TABLES];
	struct ob_strmap keys[W_TABLES], iccs, tags, tag_codes;
	struct ob_buf key;
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

/* the same change in each database's words */
static const char *const alias_sql[] = {
	[OB_DB_SQLITE] = "INSERT OR IGNORE INTO territory_alias(key, code, alias)"
	                 " VALUES(?1, ?2, ?3)",
	[OB_DB_POSTGRES] = "INSERT INTO territory_alias(key, code, alias) VALUES(?1, ?2, ?3)"
	                   " ON CONFLICT DO NOTHING",
};
static const char *const geometry_sql[] = {
	[OB_DB_SQLITE] = "INSERT OR REPLACE INTO territory_geometry(code, geojson)"
	                 " VALUES(?1, ?2)",
	[OB_DB_POSTGRES] = "INSERT INTO territory_geometry(code, geojson) VALUES(?1, ?2)"
	                   " ON CONFLICT(code) DO UPDATE SET geojson = excluded.geojson",
};

struct ob_catalog_writer *ob_catalog_writer_new(struct ob_store *s, struct ob_diag *d)
{
	struct ob_catalog_writer *w = ob_calloc(1, sizeof(*w));
	enum ob_db_dialect dl = ob_db_dialect(ob_store_conn(s));

	w->s = s;
	ob_strmap_init(&w->territories);
	w->territories_known = true;
	w->copy = ob_db_can_copy(ob_store_conn(s));
	for (size_t i = 0; i < W_TABLES; i++) {
		ob_buf_init(&w->rows[i], w->copy ? OB_DB_COPY_BYTES + OB_DB_COPY_ROW_MAX : 0);
		ob_strmap_init(&w->keys[i]);
	}
	ob_strmap_init(&w->iccs);
	ob_strmap_init(&w->tags);
	ob_strmap_init(&w->tag_codes);
	ob_buf_init(&w->key, OB_MAX_LINE);
	if (ob_store_sql(s, alias_sql[dl], &w->alias, d) ||
	    ob_store_sql(s, geometry_sql[dl], &w->geometry, d) ||
	    ob_store_sql(s, "SELECT 1 FROM territory WHERE code = ?1", &w->has_territory, d) ||
	    ob_store_sql(s, "SELECT level, country FROM territory WHERE code = ?1",
	                     &w->territory, d) ||
	    ob_store_sql(s, "SELECT level FROM iccs WHERE code = ?1", &w->iccs_level, d) ||
	    ob_store_sql(s, "SELECT 1 FROM iccs WHERE code = ?1 UNION ALL"
	                        " SELECT 1 FROM tag WHERE code = ?1", &w->known_target, d) ||
	    ob_store_sql(s, "SELECT 1 FROM tag WHERE kind || '=' || code = ?1", &w->has_tag,
	                     d)) {
		ob_catalog_writer_free(w);
		return NULL;
	}
	if (w->copy)
		ob_store_catalog_writer_set(s, w);
	return w;
}

/* PostgreSQL: send the rows waiting, every table in copy_order. */
static ob_err flush(struct ob_catalog_writer *w, struct ob_diag *d)
{
	for (size_t k = 0; k < W_TABLES; k++) {
		int i = copy_order[k];
		int rc;

		if (!w->rows[i].len)
			continue;
		rc = ob_db_copy(ob_store_conn(w->s), copy_sql[i], w->rows[i].ptr, w->rows[i].len);
		ob_buf_reset(&w->rows[i]);
		if (rc)
			return ob_store_fail(w->s, d, NULL);
	}
	return OB_OK;
}

void ob_catalog_writer_free(struct ob_catalog_writer *w)
{
	if (!w)
		return;
	if (w->copy) {
		struct ob_diag d = { 0 };

		if (ob_store_catalog_writer_of(w->s) == w)
			ob_store_catalog_writer_set(w->s, NULL);
		/* the last rows; those that cannot be sent make the commit fail */
		if (flush(w, &d))
			ob_store_unsent_rows(w->s);
	}
	for (size_t i = 0; i < W_TABLES; i++) {
		ob_buf_release(&w->rows[i]);
		ob_strmap_release(&w->keys[i]);
	}
	ob_strmap_for_each(&w->iccs, e)
		free(e->value);
	ob_strmap_release(&w->iccs);
	ob_strmap_release(&w->tags);
	ob_strmap_release(&w->tag_codes);
	ob_buf_release(&w->key);
	ob_strmap_for_each(&w->territories, e)
		free(e->value);
	ob_strmap_release(&w->territories);
	for (size_t i = 0; i < OB_CATALOG_TABLES; i++)
		ob_db_finalize(w->insert[i]);
	ob_db_finalize(w->alias);
	ob_db_finalize(w->geometry);
	ob_db_finalize(w->has_territory);
	ob_db_finalize(w->territory);
	ob_db_finalize(w->iccs_level);
	ob_db_finalize(w->known_target);
	ob_db_finalize(w->has_tag);
	free(w);
}

/* ---- PostgreSQL: rows by COPY ---- */

/* Append v's text as a key's part (then a unit separator) to w->key. */
static void key_part(struct ob_catalog_writer *w, const struct ob_catalog_value *v)
{
	if (v->type == OB_CV_TEXT)
		ob_buf_put(&w->key, v->text, v->n);
	else if (v->type == OB_CV_INT)
		ob_buf_putf(&w->key, "%lld", v->i);
	else if (v->type == OB_CV_REAL)
		ob_buf_putf(&w->key, "%.17g", v->x);
	ob_buf_putc(&w->key, '\x1f');
}

static bool known_code(struct ob_catalog_writer *w, const struct ob_catalog_value *v)
{
	return !w->territories_known || ob_strmap_get(&w->territories, v->text, v->n);
}

/* What a foreign key to a territory would refuse in row v of table t (an
 * alias's code, a change's old and new codes): false, with *conflict and
 * d set, when a code it names is not a territory. */
static bool codes_known(struct ob_catalog_writer *w, int t, const struct ob_catalog_value *v,
                        bool *conflict, struct ob_diag *d)
{
	int from = t == W_ALIAS ? 1 : 0, to = t == W_ALIAS ? 1 : t == OB_CATALOG_CHANGE ? 1 : -1;

	for (int col = from; col <= to; col++)
		if (!known_code(w, &v[col])) {
			*conflict = true;
			ob_diag_set(d, OB_ESTORE, NULL, 0, 0, NULL, 0,
			            "insert on table \"%s\" violates foreign key constraint: key "
			            "(%s)=(%.*s) is not present in table \"territory\"",
			            t == W_ALIAS ? "territory_alias" : "territory_change",
			            copy_columns[t][col], (int)v[col].n, v[col].text);
			return false;
		}
	return true;
}

/* Row v (nv columns) of table t into its COPY buffer, after the checks its
 * table's constraints would make (a conflict as a step's); a duplicate
 * alias is left out, as INSERT OR IGNORE does. */
static ob_err copy_row(struct ob_catalog_writer *w, int t, const struct ob_catalog_value *v,
                       size_t nv, bool *conflict, struct ob_diag *d)
{
	static const struct ob_catalog_value none = { .type = OB_CV_NULL };
	struct ob_buf *b = &w->rows[t];
	size_t ncols = 0;
	void *old = NULL;

	*conflict = false;
	while (ncols < OB_ARRAY_SIZE(copy_columns[t]) && copy_columns[t][ncols])
		ncols++;
	if (nv > ncols)
		return ob_diag_set(d, OB_EINVAL, NULL, 0, 0, NULL, 0, "catalog table %d: %zu columns",
		                   t, nv);
	/* the columns not given are NULL, as parameters left unbound */
	for (size_t i = 0; i < ncols; i++)
		if ((copy_rules[t].not_null >> i & 1) && (i >= nv || v[i].type == OB_CV_NULL)) {
			*conflict = true;
			return ob_diag_set(d, OB_ESTORE, NULL, 0, 0, NULL, 0,
			                   "null value in column \"%s\" of %s violates not-null "
			                   "constraint", copy_columns[t][i], copy_rules[t].name);
		}
	if (!codes_known(w, t, v, conflict, d))
		return OB_ESTORE;
	ob_buf_reset(&w->key);
	for (size_t i = 0; i < nv; i++)
		if (copy_rules[t].key >> i & 1)
			key_part(w, &v[i]);
	if (ob_buf_failed(&w->key))
		return ob_diag_set2(d, OB_ETOOBIG, ob_store_dir(w->s), 0, 0, NULL, 0,
		                    "una clave pasa del tamaño que admite el almacén",
		                    "a key exceeds the size the store accepts");
	if (copy_rules[t].key && ob_strmap_find(&w->keys[t], w->key.ptr, w->key.len)) {
		if (t == W_ALIAS)
			return OB_OK;
		*conflict = true;
		return ob_diag_set(d, OB_ESTORE, NULL, 0, 0, NULL, 0,
		                   "duplicate key value violates unique constraint of %s",
		                   copy_rules[t].name);
	}
	for (size_t i = 0; i < ncols; i++) {
		const struct ob_catalog_value *x = i < nv ? &v[i] : &none;
		char sep = i + 1 < ncols ? '\t' : '\n';

		if (x->type == OB_CV_TEXT)
			ob_db_copy_field(b, x->text, x->n, sep);
		else if (x->type == OB_CV_INT)
			ob_buf_putf(b, "%lld%c", x->i, sep);
		else if (x->type == OB_CV_REAL)
			ob_buf_putf(b, "%.17g%c", x->x, sep);
		else if (t == OB_CATALOG_TERRITORY && i == 7)
			ob_db_copy_field(b, "official", 8, sep);  /* status's default */
		else
			ob_db_copy_field(b, NULL, 0, sep);
	}
	if (ob_buf_failed(b))
		return ob_diag_set2(d, OB_ETOOBIG, ob_store_dir(w->s), 0, 0, NULL, 0,
		                    "una fila pasa del tamaño que admite el almacén",
		                    "a row exceeds the size the store accepts");
	/* what the lookups will ask of the rows this one joins */
	if (copy_rules[t].key &&
	    ob_strmap_put(&w->keys[t], w->key.ptr, w->key.len, &present, NULL))
		goto too_many;
	if (t == OB_CATALOG_ICCS) {
		int *level = ob_malloc(sizeof(*level));

		*level = v[1].type == OB_CV_INT ? (int)v[1].i : 0;
		if (ob_strmap_put(&w->iccs, v[0].text, v[0].n, level, &old)) {
			free(level);
			goto too_many;
		}
		free(old);
	} else if (t == OB_CATALOG_TAG) {
		ob_buf_reset(&w->key);
		ob_buf_put(&w->key, v[0].text, v[0].n);
		ob_buf_putc(&w->key, '=');
		ob_buf_put(&w->key, v[1].text, v[1].n);
		if (ob_buf_failed(&w->key) ||
		    ob_strmap_put(&w->tags, w->key.ptr, w->key.len, &present, NULL) ||
		    ob_strmap_put(&w->tag_codes, v[1].text, v[1].n, &present, NULL))
			goto too_many;
	}
	return b->len >= OB_DB_COPY_BYTES ? flush(w, d) : OB_OK;

too_many:
	return ob_diag_set2(d, OB_ENOMEM, ob_store_dir(w->s), 0, 0, NULL, 0,
	                    "memoria agotada", "out of memory");
}

/* PostgreSQL: the rows waiting sent, before a statement reads or refers
 * to them. */
static ob_err sent(struct ob_catalog_writer *w, struct ob_diag *d)
{
	return w->copy ? flush(w, d) : OB_OK;
}

/* Run st, already bound, and reset it. */
static ob_err run(struct ob_catalog_writer *w, struct ob_db_stmt *st, bool *conflict,
                  struct ob_diag *d)
{
	int rc = ob_db_step(st);
	ob_err e = OB_OK;

	if (conflict)
		*conflict = rc == OB_DB_CONSTRAINT;
	if (rc != OB_DB_DONE)
		e = ob_store_fail(w->s, d, NULL);   /* the message before the reset */
	ob_db_reset(st);
	ob_db_clear_bindings(st);
	return e;
}

/* Keep the territory row v (code, level, country, ...) just inserted. */
static void remember(struct ob_catalog_writer *w, const struct ob_catalog_value *v, size_t nv)
{
	struct known_territory *k;
	void *old = NULL;

	if (nv < 3 || v[0].type != OB_CV_TEXT || v[1].type != OB_CV_INT ||
	    v[2].type != OB_CV_TEXT || v[1].i < INT_MIN || v[1].i > INT_MAX) {
		w->territories_known = false;
		return;
	}
	k = ob_malloc(sizeof(*k) + v[2].n + 1);
	k->level = (int)v[1].i;
	memcpy(k->country, v[2].text, v[2].n);
	k->country[v[2].n] = '\0';
	if (ob_strmap_put(&w->territories, v[0].text, v[0].n, k, &old)) {
		free(k);
		w->territories_known = false;
	}
	free(old);
}

ob_err ob_catalog_writer_insert(struct ob_catalog_writer *w, enum ob_catalog_table t,
                                const struct ob_catalog_value *v, size_t nv, bool *conflict,
                                struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	*conflict = false;
	if ((size_t)t >= OB_CATALOG_TABLES || nv == 0)
		return ob_diag_set(d, OB_EINVAL, NULL, 0, 0, NULL, 0, "catalog table %d", (int)t);
	if (w->copy) {
		if ((e = copy_row(w, t, v, nv, conflict, d)) || t != OB_CATALOG_TERRITORY)
			return e;
		remember(w, v, nv);
		return OB_OK;
	}
	if (!w->insert[t] && ob_store_sql(w->s, insert_sql[t], &w->insert[t], d))
		return OB_ESTORE;
	st = w->insert[t];
	for (size_t i = 0; i < nv; i++) {
		int p = (int)i + 1;
		switch (v[i].type) {
		case OB_CV_TEXT:
			ob_db_bind_text(st, p, v[i].text, v[i].n);
			break;
		case OB_CV_INT:
			ob_db_bind_int64(st, p, v[i].i);
			break;
		case OB_CV_REAL:
			ob_db_bind_double(st, p, v[i].x);
			break;
		default:
			ob_db_bind_null(st, p);
		}
	}
	if ((e = run(w, st, conflict, d)) || t != OB_CATALOG_TERRITORY || !w->territories_known)
		return e;
	remember(w, v, nv);
	return OB_OK;
}

ob_err ob_catalog_writer_alias(struct ob_catalog_writer *w, const char *key, size_t keylen,
                               const char *code, const char *alias, bool *conflict,
                               struct ob_diag *d)
{
	if (w->copy) {
		struct ob_catalog_value v[3] = {
			{ .type = key ? OB_CV_TEXT : OB_CV_NULL, .text = key, .n = keylen },
			{ .type = code ? OB_CV_TEXT : OB_CV_NULL, .text = code,
			  .n = code ? strlen(code) : 0 },
			{ .type = alias ? OB_CV_TEXT : OB_CV_NULL, .text = alias,
			  .n = alias ? strlen(alias) : 0 },
		};
		return copy_row(w, W_ALIAS, v, 3, conflict, d);
	}
	ob_db_bind_text(w->alias, 1, key, keylen);
	ob_db_bind_str(w->alias, 2, code);
	ob_db_bind_str(w->alias, 3, alias);
	return run(w, w->alias, conflict, d);
}

ob_err ob_catalog_writer_geometry(struct ob_catalog_writer *w, const char *code,
                                  const char *geojson, struct ob_diag *d)
{
	if (sent(w, d))
		return OB_ESTORE;
	ob_db_bind_str(w->geometry, 1, code);
	ob_db_bind_str(w->geometry, 2, geojson);
	return run(w, w->geometry, NULL, d);
}

/* Column 0 of st's first row with ?1 = v, as an integer; none when no row. */
static int lookup(struct ob_db_stmt *st, const char *v, int none)
{
	int r = none;

	ob_db_bind_str(st, 1, v);
	if (ob_db_step(st) == OB_DB_ROW)
		r = ob_db_column_int(st, 0);
	ob_db_reset(st);
	return r;
}

bool ob_catalog_writer_has_territory(struct ob_catalog_writer *w, const char *code)
{
	if (w->territories_known)
		return code && ob_strmap_get(&w->territories, code, strlen(code));
	if (sent(w, &(struct ob_diag){ 0 }))
		return false;
	return lookup(w->has_territory, code, 0) != 0;
}

bool ob_catalog_writer_territory(struct ob_catalog_writer *w, const char *code, int *level,
                                 char *country, size_t size)
{
	bool found = false;

	if (w->territories_known) {
		const struct known_territory *k =
			code ? ob_strmap_get(&w->territories, code, strlen(code)) : NULL;
		if (k) {
			*level = k->level;
			ob_strlcpy(country, k->country, size);
		}
		return k != NULL;
	}
	if (sent(w, &(struct ob_diag){ 0 }))
		return false;

	ob_db_bind_str(w->territory, 1, code);
	if (ob_db_step(w->territory) == OB_DB_ROW) {
		const char *c = ob_db_column_text(w->territory, 1);
		*level = ob_db_column_int(w->territory, 0);
		ob_strlcpy(country, c ? c : "", size);
		found = true;
	}
	ob_db_reset(w->territory);
	return found;
}

int ob_catalog_writer_iccs_level(struct ob_catalog_writer *w, const char *code)
{
	if (w->copy) {
		const int *level = code ? ob_strmap_get(&w->iccs, code, strlen(code)) : NULL;
		return level ? *level : -1;
	}
	return lookup(w->iccs_level, code, -1);
}

bool ob_catalog_writer_known_target(struct ob_catalog_writer *w, const char *code)
{
	if (w->copy)
		return code && (ob_strmap_get(&w->iccs, code, strlen(code)) ||
		                ob_strmap_get(&w->tag_codes, code, strlen(code)));
	return lookup(w->known_target, code, 0) != 0;
}

bool ob_catalog_writer_has_tag(struct ob_catalog_writer *w, const char *kind_code)
{
	if (w->copy)
		return kind_code && ob_strmap_get(&w->tags, kind_code, strlen(kind_code));
	return lookup(w->has_tag, kind_code, 0) != 0;
}

/* ---- population figures that do not add up ---- */

/* the parts of each sum, largest first, as "code=figure"; SQLite's text,
 * then PostgreSQL's (which has string_agg for group_concat, lpad for
 * printf, trunc for the integer part CAST takes in SQLite, and wants
 * every column of a group named in its GROUP BY or aggregated) */
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
static const char *const parts_pg_sql[] = {
	[OB_POP_SUM_CHILDREN] =
		"SELECT territory, year, sex, max(whole), sum(part), count(part), max(parts),"
		" string_agg(label, ' ' ORDER BY part DESC, label) FROM ("
		" SELECT p.territory, p.year, p.sex, p.population AS whole, c.population AS part,"
		"  t.code || '=' || trunc(c.population)::bigint AS label,"
		"  (SELECT count(*) FROM territory k WHERE k.parent = p.territory"
		"    AND (k.valid_from IS NULL OR k.valid_from <= lpad(p.year::text, 4, '0') || '-07-01')"
		"    AND (k.valid_to IS NULL OR k.valid_to >= lpad(p.year::text, 4, '0') || '-07-01'))"
		"   AS parts"
		" FROM population p JOIN territory t ON t.parent = p.territory"
		"  AND (t.valid_from IS NULL OR t.valid_from <= lpad(p.year::text, 4, '0') || '-07-01')"
		"  AND (t.valid_to IS NULL OR t.valid_to >= lpad(p.year::text, 4, '0') || '-07-01')"
		" JOIN population c ON c.territory = t.code AND c.year = p.year AND c.sex = p.sex) x"
		" GROUP BY territory, year, sex ORDER BY territory, year, sex",
	[OB_POP_SUM_DISTRICTS] =
		"SELECT territory, year, sex, max(whole), sum(part), count(part), max(parts),"
		" string_agg(label, ' ' ORDER BY part DESC, label) FROM ("
		" SELECT n.territory, n.year, n.sex, n.population AS whole, o.population AS part,"
		"  ch.old_code || '=' || trunc(o.population)::bigint AS label,"
		"  (SELECT count(*) FROM territory_change x WHERE x.new_code = n.territory"
		"    AND x.kind = 'district_of') AS parts"
		" FROM territory_change ch JOIN population n ON n.territory = ch.new_code"
		" JOIN population o ON o.territory = ch.old_code AND o.year = n.year AND o.sex = n.sex"
		" WHERE ch.kind = 'district_of') x"
		" GROUP BY territory, year, sex ORDER BY territory, year, sex",
};

int ob_store_population_parts_each(struct ob_store *s, enum ob_population_sum kind,
                                   int (*each)(void *arg, const struct ob_population_parts *p),
                                   void *arg, struct ob_diag *d)
{
	struct ob_population_parts p;
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if ((size_t)kind >= OB_ARRAY_SIZE(parts_sql))
		return ob_diag_set(d, OB_EINVAL, NULL, 0, 0, NULL, 0, "population sum %d", (int)kind),
		       -1;
	if (ob_store_catalog_writer_of(s) && sent(ob_store_catalog_writer_of(s), d))
		return -1;
	if (ob_store_sql(s, ob_db_dialect(ob_store_conn(s)) == OB_DB_POSTGRES ? parts_pg_sql[kind]
	                                                                      : parts_sql[kind],
	                 &st, d))
		return -1;
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW) {
		p.territory = ob_db_column_text(st, 0);
		p.year = ob_db_column_int(st, 1);
		p.sex = ob_db_column_text(st, 2);
		p.whole = ob_db_column_double(st, 3);
		p.sum = ob_db_column_double(st, 4);
		p.present = ob_db_column_int(st, 5);
		p.parts = ob_db_column_int(st, 6);
		p.labels = ob_db_column_text(st, 7);
		if (p.territory && p.sex)
			stop = each(arg, &p);
	}
	return ob_store_sql_end(s, st, rc, stop, "población (population)", d);
}

int ob_store_population_sexes_each(struct ob_store *s,
                                   int (*each)(void *arg, const char *territory, int year,
                                               double total, double women_and_men),
                                   void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_catalog_writer_of(s) && sent(ob_store_catalog_writer_of(s), d))
		return -1;
	if (ob_store_sql(s, "SELECT t.territory, t.year, t.population,"
	                        " f.population + m.population FROM population t"
	                        " JOIN population f ON f.territory = t.territory"
	                        "  AND f.year = t.year AND f.sex = 'F'"
	                        " JOIN population m ON m.territory = t.territory"
	                        "  AND m.year = t.year AND m.sex = 'M'"
	                        " WHERE t.sex = 'T' ORDER BY t.territory, t.year",
	                     &st, d))
		return -1;
	while (!stop && (rc = ob_db_step(st)) == OB_DB_ROW)
		if (ob_db_column_text(st, 0))
			stop = each(arg, ob_db_column_text(st, 0), ob_db_column_int(st, 1),
			             ob_db_column_double(st, 2), ob_db_column_double(st, 3));
	return ob_store_sql_end(s, st, rc, stop, "población (population)", d);
}
