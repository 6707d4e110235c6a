/* registry_key.c - the name index of a restricted registry (see
 * registry_key.h), on SQLite and PostgreSQL: one text of every statement
 * serves both. */
#include "store/registry_key.h"
#include "store/store_int.h"

#include "base/sha256.h"

#include <stdlib.h>

ob_err ob_store_registry_keys_open(struct ob_store *s, struct ob_store_registry_keys *w,
                                   struct ob_diag *d)
{
	ob_err e;

	memset(w, 0, sizeof(*w));
	w->s = s;
	if ((e = ob_store_sql(s, "DELETE FROM registry_name_key WHERE case_id = ?1", &w->del, d)))
		return e;
	if ((e = ob_store_sql(s, "INSERT INTO registry_name_key(key, case_id) VALUES(?1, ?2)"
	                         " ON CONFLICT DO NOTHING",
	                      &w->ins, d))) {
		ob_db_finalize(w->del);
		w->del = NULL;
		return e;
	}
	return OB_OK;
}

void ob_store_registry_keys_close(struct ob_store_registry_keys *w)
{
	if (w->del)
		ob_db_finalize(w->del);
	if (w->ins)
		ob_db_finalize(w->ins);
	w->del = w->ins = NULL;
}

ob_err ob_store_registry_keys_put(struct ob_store_registry_keys *w, long long id,
                                  const char *const *keys, size_t n, bool replace,
                                  struct ob_diag *d)
{
	if (replace) {
		ob_db_reset(w->del);
		ob_db_bind_int64(w->del, 1, id);
		if (ob_db_step(w->del) != OB_DB_DONE)
			return ob_store_fail(w->s, d, "índice del registro (registry index)");
	}
	for (size_t i = 0; i < n; i++) {
		ob_db_reset(w->ins);
		ob_db_bind_str(w->ins, 1, keys[i]);
		ob_db_bind_int64(w->ins, 2, id);
		if (ob_db_step(w->ins) != OB_DB_DONE)
			return ob_store_fail(w->s, d, "índice del registro (registry index)");
	}
	return OB_OK;
}

ob_err ob_store_registry_keys_clear(struct ob_store *s, const char *type, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "DELETE FROM registry_name_key WHERE case_id IN"
	                         " (SELECT id FROM case_file WHERE type = ?1)",
	                      &st, d)))
		return e;
	ob_db_bind_str(st, 1, type);
	e = ob_db_step(st) == OB_DB_DONE ? OB_OK
	                                 : ob_store_fail(s, d, "índice del registro (registry index)");
	ob_db_finalize(st);
	return e;
}

/* The ids the statement st (one key as ?1) gives for each of keys[0..n),
 * ascending and distinct, into a new *ids of *n_ids; OB_ETOOBIG past max. */
static ob_err ids_of_keys(struct ob_store *s, struct ob_db_stmt *st, const char *const *keys,
                          size_t n, size_t max, long long **ids, size_t *n_ids,
                          struct ob_diag *d);

static int by_id(const void *pa, const void *pb)
{
	long long a = *(const long long *)pa, b = *(const long long *)pb;

	return (a > b) - (a < b);
}

ob_err ob_store_registry_keys_find(struct ob_store *s, const char *const *keys, size_t n,
                                   size_t max, long long **ids, size_t *n_ids,
                                   struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	*ids = NULL;
	*n_ids = 0;
	if ((e = ob_store_sql(s, "SELECT case_id FROM registry_name_key WHERE key = ?1", &st, d)))
		return e;
	e = ids_of_keys(s, st, keys, n, max, ids, n_ids, d);
	ob_db_finalize(st);
	return e;
}

static ob_err ids_of_keys(struct ob_store *s, struct ob_db_stmt *st, const char *const *keys,
                          size_t n, size_t max, long long **ids, size_t *n_ids,
                          struct ob_diag *d)
{
	long long *v = NULL;
	size_t k = 0, cap = 0, out = 0;
	ob_err e = OB_OK;
	int rc = OB_DB_DONE;

	for (size_t i = 0; i < n && !e; i++) {
		ob_db_reset(st);
		ob_db_bind_str(st, 1, keys[i]);
		while ((rc = ob_db_step(st)) == OB_DB_ROW) {
			if (k == cap) {
				if (cap >= 2 * max + 64) {
					e = OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0,
					            "la búsqueda encuentra más de %zu candidatos",
					            "the search finds more than %zu candidates", max);
					break;
				}
				cap = cap ? 2 * cap : 256;
				v = ob_realloc(v, cap * sizeof(*v));
			}
			v[k++] = ob_db_column_int64(st, 0);
		}
		if (!e && rc != OB_DB_DONE)
			e = ob_store_fail(s, d, "índice del registro (registry index)");
	}
	if (!e && k) {
		qsort(v, k, sizeof(*v), by_id);
		for (size_t i = 0; i < k; i++)
			if (!out || v[out - 1] != v[i])
				v[out++] = v[i];
		if (out > max)
			e = OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0,
			            "la búsqueda encuentra más de %zu candidatos",
			            "the search finds more than %zu candidates", max);
	}
	if (e) {
		free(v);
		return e;
	}
	*ids = v;
	*n_ids = out;
	return OB_OK;
}

ob_err ob_store_registry_probe_open(struct ob_store *s, struct ob_store_registry_probe *p,
                                    struct ob_diag *d)
{
	memset(p, 0, sizeof(*p));
	p->s = s;
	p->d = d;
	return ob_store_sql(s, "SELECT 1 FROM registry_name_key WHERE key = ?1 LIMIT 1", &p->st, d);
}

bool ob_store_registry_probe(void *arg, const char *key)
{
	struct ob_store_registry_probe *p = arg;
	int rc;

	if (p->e)
		return false;
	ob_db_reset(p->st);
	ob_db_bind_str(p->st, 1, key);
	rc = ob_db_step(p->st);
	if (rc != OB_DB_ROW && rc != OB_DB_DONE)
		p->e = ob_store_fail(p->s, p->d, "índice del registro (registry index)");
	return rc == OB_DB_ROW;
}

void ob_store_registry_probe_close(struct ob_store_registry_probe *p)
{
	if (p->st)
		ob_db_finalize(p->st);
	p->st = NULL;
}

/* ---- the names the search scores (migration 17) ---- */

#define ENTRY_WHAT "índice de nombres del registro (registry name index)"

ob_err ob_store_registry_entries_open(struct ob_store *s, struct ob_store_registry_entries *w,
                                      struct ob_diag *d)
{
	static const char *const sql[] = {
		"SELECT id FROM registry_name WHERE type = ?1 AND digest = ?2",
		"INSERT INTO registry_name(type, digest, name, aliases) VALUES(?1, ?2, ?3, ?4)"
		" RETURNING id",
		"INSERT INTO registry_name_word(key, name_id) VALUES(?1, ?2) ON CONFLICT DO NOTHING",
		"SELECT name_id FROM registry_entry WHERE case_id = ?1",
		"INSERT INTO registry_entry(case_id, name_id, state, territory) VALUES(?1, ?2, ?3, ?4)"
		" ON CONFLICT(case_id) DO UPDATE SET name_id = excluded.name_id,"
		" state = excluded.state, territory = excluded.territory",
		"DELETE FROM registry_name_word WHERE name_id = ?1"
		" AND NOT EXISTS (SELECT 1 FROM registry_entry WHERE name_id = ?1)",
		"DELETE FROM registry_name WHERE id = ?1"
		" AND NOT EXISTS (SELECT 1 FROM registry_entry WHERE name_id = ?1)",
	};
	struct ob_db_stmt **st[] = { &w->find, &w->add, &w->word, &w->old, &w->put, &w->gc_word,
		                     &w->gc_name };
	ob_err e;

	memset(w, 0, sizeof(*w));
	w->s = s;
	for (size_t i = 0; i < OB_ARRAY_SIZE(st); i++)
		if ((e = ob_store_sql(s, sql[i], st[i], d))) {
			ob_store_registry_entries_close(w);
			return e;
		}
	return OB_OK;
}

void ob_store_registry_entries_close(struct ob_store_registry_entries *w)
{
	struct ob_db_stmt **st[] = { &w->find, &w->add, &w->word, &w->old, &w->put, &w->gc_word,
		                     &w->gc_name };

	for (size_t i = 0; i < OB_ARRAY_SIZE(st); i++) {
		ob_db_finalize(*st[i]);
		*st[i] = NULL;
	}
}

/* The digest that tells a name of a type from another: the SHA-256 of
 * the name's length, the name and the aliases. */
static void name_digest(const char *name, const char *aliases, char hex[65])
{
	struct ob_sha256 c;
	unsigned char dg[OB_SHA256_LEN];
	char len[32];

	snprintf(len, sizeof(len), "%zu:", strlen(name));
	ob_sha256_init(&c);
	ob_sha256_update(&c, len, strlen(len));
	ob_sha256_update(&c, name, strlen(name));
	ob_sha256_update(&c, aliases, strlen(aliases));
	ob_sha256_final(&c, dg);
	ob_sha256_hex(dg, hex);
}

/* Step st, which returns at most one id: *id, *found. */
static ob_err one_id(struct ob_store *s, struct ob_db_stmt *st, long long *id, bool *found,
                     struct ob_diag *d)
{
	int rc = ob_db_step(st);

	*found = rc == OB_DB_ROW;
	if (*found) {
		*id = ob_db_column_int64(st, 0);
		rc = ob_db_step(st);
	}
	return rc == OB_DB_DONE ? OB_OK : ob_store_fail(s, d, ENTRY_WHAT);
}

static ob_err step_once(struct ob_store *s, struct ob_db_stmt *st, struct ob_diag *d)
{
	return ob_db_step(st) == OB_DB_DONE ? OB_OK : ob_store_fail(s, d, ENTRY_WHAT);
}

ob_err ob_store_registry_entry_put(struct ob_store_registry_entries *w, const char *type,
                                   long long id, const char *name, const char *aliases,
                                   const char *const *keys, size_t n, const char *state,
                                   const char *territory, bool replace, struct ob_diag *d)
{
	char digest[65];
	long long nid = 0, old = 0;
	bool found, had = false;
	ob_err e;

	name = name ? name : "";
	aliases = aliases ? aliases : "";
	name_digest(name, aliases, digest);
	ob_db_reset(w->find);
	ob_db_bind_str(w->find, 1, type);
	ob_db_bind_str(w->find, 2, digest);
	if ((e = one_id(w->s, w->find, &nid, &found, d)))
		return e;
	if (!found) {
		ob_db_reset(w->add);
		ob_db_bind_str(w->add, 1, type);
		ob_db_bind_str(w->add, 2, digest);
		ob_db_bind_str(w->add, 3, name);
		ob_db_bind_str(w->add, 4, aliases);
		if ((e = one_id(w->s, w->add, &nid, &found, d)))
			return e;
		if (!found)
			return ob_store_fail(w->s, d, ENTRY_WHAT);
		for (size_t i = 0; i < n; i++) {
			if (keys[i][0] != 'w')
				continue;
			ob_db_reset(w->word);
			ob_db_bind_str(w->word, 1, keys[i]);
			ob_db_bind_int64(w->word, 2, nid);
			if ((e = step_once(w->s, w->word, d)))
				return e;
		}
	}
	if (replace) {
		ob_db_reset(w->old);
		ob_db_bind_int64(w->old, 1, id);
		if ((e = one_id(w->s, w->old, &old, &had, d)))
			return e;
	}
	ob_db_reset(w->put);
	ob_db_bind_int64(w->put, 1, id);
	ob_db_bind_int64(w->put, 2, nid);
	ob_db_bind_str(w->put, 3, state);
	ob_db_bind_str(w->put, 4, territory);
	if ((e = step_once(w->s, w->put, d)))
		return e;
	if (had && old != nid) {
		struct ob_db_stmt *gc[] = { w->gc_word, w->gc_name };
		for (size_t i = 0; i < OB_ARRAY_SIZE(gc); i++) {
			ob_db_reset(gc[i]);
			ob_db_bind_int64(gc[i], 1, old);
			if ((e = step_once(w->s, gc[i], d)))
				return e;
		}
	}
	return OB_OK;
}

ob_err ob_store_registry_entries_clear(struct ob_store *s, const char *type, struct ob_diag *d)
{
	static const char *const sql[] = {
		"DELETE FROM registry_entry WHERE name_id IN"
		" (SELECT id FROM registry_name WHERE type = ?1)",
		"DELETE FROM registry_name_word WHERE name_id IN"
		" (SELECT id FROM registry_name WHERE type = ?1)",
		"DELETE FROM registry_name WHERE type = ?1",
	};
	struct ob_db_stmt *st;
	ob_err e = OB_OK;

	for (size_t i = 0; i < OB_ARRAY_SIZE(sql) && !e; i++) {
		if ((e = ob_store_sql(s, sql[i], &st, d)))
			break;
		ob_db_bind_str(st, 1, type);
		e = step_once(s, st, d);
		ob_db_finalize(st);
	}
	return e;
}

ob_err ob_store_registry_names_find(struct ob_store *s, const char *const *keys, size_t n,
                                    size_t max, long long **ids, size_t *n_ids,
                                    struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	*ids = NULL;
	*n_ids = 0;
	if ((e = ob_store_sql(s, "SELECT name_id FROM registry_name_word WHERE key = ?1", &st, d)))
		return e;
	e = ids_of_keys(s, st, keys, n, max, ids, n_ids, d);
	ob_db_finalize(st);
	return e;
}

ob_err ob_store_registry_reader_open(struct ob_store *s, const char *type,
                                     struct ob_store_registry_reader *r, struct ob_diag *d)
{
	ob_err e;

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->type = type;
	if ((e = ob_store_sql(s, "SELECT name, aliases FROM registry_name WHERE id = ?1"
	                         " AND type = ?2",
	                      &r->name, d)))
		return e;
	if ((e = ob_store_sql(s, "SELECT case_id, state, territory FROM registry_entry"
	                         " WHERE name_id = ?1 ORDER BY case_id",
	                      &r->entries, d))) {
		ob_store_registry_reader_close(r);
		return e;
	}
	return OB_OK;
}

void ob_store_registry_reader_close(struct ob_store_registry_reader *r)
{
	ob_db_finalize(r->name);
	ob_db_finalize(r->entries);
	r->name = r->entries = NULL;
}

ob_err ob_store_registry_name_get(struct ob_store_registry_reader *r, long long id,
                                  const char **name, const char **aliases, bool *found,
                                  struct ob_diag *d)
{
	int rc;

	ob_db_reset(r->name);
	ob_db_bind_int64(r->name, 1, id);
	ob_db_bind_str(r->name, 2, r->type);
	rc = ob_db_step(r->name);
	*found = rc == OB_DB_ROW;
	*name = *found ? ob_db_column_text(r->name, 0) : NULL;
	*aliases = *found ? ob_db_column_text(r->name, 1) : NULL;
	return *found || rc == OB_DB_DONE ? OB_OK : ob_store_fail(r->s, d, ENTRY_WHAT);
}

int ob_store_registry_name_entries(struct ob_store_registry_reader *r, long long id,
                                   int (*each)(void *arg, long long case_id, const char *state,
                                               const char *territory),
                                   void *arg, struct ob_diag *d)
{
	int rc, stop = 0;

	ob_db_reset(r->entries);
	ob_db_bind_int64(r->entries, 1, id);
	while (!stop && (rc = ob_db_step(r->entries)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_int64(r->entries, 0),
		            ob_db_column_text(r->entries, 1), ob_db_column_text(r->entries, 2));
	if (stop)
		return stop;
	if (rc != OB_DB_DONE) {
		(void)ob_store_fail(r->s, d, ENTRY_WHAT);
		return -1;
	}
	return 0;
}

ob_err ob_store_registry_keyed_get(struct ob_store *s, const char *type, char *rule,
                                   size_t size, bool *found, struct ob_diag *d)
{
	return ob_store_text_one(s, "SELECT rule FROM registry_keyed WHERE type = ?1", type, rule,
	                         size, found, "índice del registro (registry index)", d);
}

ob_err ob_store_registry_keyed_set(struct ob_store *s, const char *type, const char *rule,
                                   const char *at, long long entries, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s, "INSERT INTO registry_keyed(type, rule, keyed_at, entries)"
	                         " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(type) DO UPDATE SET"
	                         " rule = excluded.rule, keyed_at = excluded.keyed_at,"
	                         " entries = excluded.entries",
	                      &st, d)))
		return e;
	ob_db_bind_str(st, 1, type);
	ob_db_bind_str(st, 2, rule);
	ob_db_bind_str(st, 3, at);
	ob_db_bind_int64(st, 4, entries);
	e = ob_db_step(st) == OB_DB_DONE ? OB_OK
	                                 : ob_store_fail(s, d, "índice del registro (registry index)");
	ob_db_finalize(st);
	return e;
}
