/* registry_key.c - the name index of a restricted registry (see
 * registry_key.h), on SQLite and PostgreSQL: one text of every statement
 * serves both. */
#include "store/registry_key.h"
#include "store/store_int.h"

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
	long long *v = NULL;
	size_t k = 0, cap = 0, out = 0;
	ob_err e = OB_OK;
	int rc = OB_DB_DONE;

	*ids = NULL;
	*n_ids = 0;
	if ((e = ob_store_sql(s, "SELECT case_id FROM registry_name_key WHERE key = ?1", &st, d)))
		return e;
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
	ob_db_finalize(st);
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
