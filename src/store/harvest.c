/* harvest.c - national releases copied into a regional observatory: the
 * sources and the cells (see harvest.h). */
#include "store/harvest.h"

#include "store/store_int.h"

#include "base/buf.h"
#include "base/rng.h"

#define WHAT "cosecha (harvest)"
/* room for a country code (ISO 3166 alpha-3 in releases) */
#define COUNTRY_MAX 8

struct ob_store_harvest_load {
	struct ob_store *s;
	struct ob_db_stmt *ins, *del;
	/* PostgreSQL: the cells go by COPY, OB_DB_COPY_BYTES at a time, instead
	 * of a statement (a round trip) each */
	bool copy;
	struct ob_buf rows;
	char *url, *version, *sha256;
	char country[OB_HARVEST_MAX_SOURCES][COUNTRY_MAX];
	long long cells[OB_HARVEST_MAX_SOURCES];
	size_t ncountries;
	long long added;
};

ob_err ob_store_harvest_last(struct ob_store *s, const char *url, const char *country,
                             char version[32], char sha256[65], bool *found,
                             struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc;

	*found = false;
	version[0] = sha256[0] = 0;
	if (ob_store_sql(s,
	                 "SELECT version, manifest_sha256 FROM harvest_source"
	                 " WHERE url = ?1 AND (country = ?2 OR ?2 IS NULL)"
	                 " ORDER BY harvested_at DESC LIMIT 1",
	                 &st, d))
		return OB_ESTORE;
	ob_db_bind_str(st, 1, url);
	ob_db_bind_str(st, 2, country);
	rc = ob_db_step(st);
	if (rc == OB_DB_ROW) {
		const char *v = ob_db_column_text(st, 0), *h = ob_db_column_text(st, 1);
		ob_strlcpy(version, v ? v : "", 32);
		ob_strlcpy(sha256, h ? h : "", 65);
		*found = true;
	} else if (rc != OB_DB_DONE) {
		ob_store_fail(s, d, WHAT);
		ob_db_finalize(st);
		return OB_ESTORE;
	}
	ob_db_finalize(st);
	return OB_OK;
}

static void load_free(struct ob_store_harvest_load *l)
{
	ob_db_finalize(l->ins);
	ob_db_finalize(l->del);
	ob_buf_release(&l->rows);
	free(l->url);
	free(l->version);
	free(l->sha256);
	free(l);
}

ob_err ob_store_harvest_begin(struct ob_store *s, const char *url, const char *version,
                              const char *sha256, struct ob_store_harvest_load **out,
                              struct ob_diag *d)
{
	struct ob_store_harvest_load *l;

	*out = NULL;
	if (ob_store_begin(s, d))
		return OB_ESTORE;
	l = ob_calloc(1, sizeof(*l));
	l->s = s;
	l->url = ob_strdup(url);
	l->version = ob_strdup(version);
	l->sha256 = ob_strdup(sha256);
	l->copy = ob_db_can_copy(ob_store_conn(s));
	ob_buf_init(&l->rows, OB_DB_COPY_BYTES + OB_DB_COPY_ROW_MAX);
	if (ob_store_sql(s,
	                 "INSERT INTO harvest_cell(country, tbl, series, territory, name,"
	                 " level, year, sex, counting_rule, count, value, lower, upper,"
	                 " status, release, url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	                 " ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
	                 &l->ins, d) ||
	    ob_store_sql(s, "DELETE FROM harvest_cell WHERE country = ?1", &l->del, d))
		goto undo_begin;
	*out = l;
	return OB_OK;
undo_begin:
	ob_store_rollback(s);
	load_free(l);
	return OB_ESTORE;
}

static const char copy_sql[] =
	"COPY harvest_cell(country, tbl, series, territory, name, level, year, sex,"
	" counting_rule, count, value, lower, upper, status, release, url) FROM STDIN";

/* Send the cells waiting (PostgreSQL). */
static ob_err send_rows(struct ob_store_harvest_load *l, struct ob_diag *d)
{
	if (!l->rows.len)
		return OB_OK;
	if (ob_db_copy(ob_store_conn(l->s), copy_sql, l->rows.ptr, l->rows.len))
		return ob_store_fail(l->s, d, WHAT);
	ob_buf_reset(&l->rows);
	return OB_OK;
}

/* One field of a COPY row: NULL when p is NULL, then sep. */
static void put(struct ob_buf *b, const char *p, char sep)
{
	ob_db_copy_field(b, p, p ? strlen(p) : 0, sep);
}

/* c as a row of COPY's text format, in the order of copy_sql. */
static ob_err put_row(struct ob_store_harvest_load *l, const struct ob_harvest_cell *c,
                      struct ob_diag *d)
{
	struct ob_buf *b = &l->rows;

	put(b, c->country, '\t');
	put(b, c->table, '\t');
	put(b, c->series, '\t');
	put(b, c->territory, '\t');
	put(b, c->name, '\t');
	ob_buf_putf(b, "%lld\t%lld\t", c->level, c->year);
	put(b, c->sex ? c->sex : "", '\t');
	put(b, c->counting_rule && *c->counting_rule ? c->counting_rule : NULL, '\t');
	put(b, c->count && *c->count ? c->count : NULL, '\t');
	put(b, c->value && *c->value ? c->value : NULL, '\t');
	put(b, c->lower && *c->lower ? c->lower : NULL, '\t');
	put(b, c->upper && *c->upper ? c->upper : NULL, '\t');
	put(b, c->status ? c->status : "", '\t');
	put(b, l->version, '\t');
	put(b, l->url, '\n');
	if (ob_buf_failed(b))
		return OB_DIAG(d, OB_ETOOBIG, l->url, 0, 0, c->territory, strlen(c->territory),
		               "una celda pasa del tamaño que admite el almacén",
		               "a cell exceeds the size the store accepts");
	return b->len >= OB_DB_COPY_BYTES ? send_rows(l, d) : OB_OK;
}

/* Bind a published number: NULL when the release left it empty. */
static void bind_cell(struct ob_db_stmt *st, int i, const char *v)
{
	ob_db_bind_str(st, i, v && *v ? v : NULL);
}

ob_err ob_store_harvest_add(struct ob_store_harvest_load *l, const struct ob_harvest_cell *c,
                            struct ob_diag *d)
{
	size_t k;

	for (k = 0; k < l->ncountries; k++)
		if (!strcmp(l->country[k], c->country))
			break;
	if (k == l->ncountries) {
		if (strlen(c->country) >= COUNTRY_MAX || !c->country[0])
			return OB_DIAG(d, OB_EINVAL, l->url, 0, 0, c->country, strlen(c->country),
			               "código de país no válido", "invalid country code");
		if (l->ncountries == OB_HARVEST_MAX_SOURCES)
			return OB_DIAG(d, OB_ETOOBIG, l->url, 0, 0, c->country, strlen(c->country),
			               "más de %d países en una publicación",
			               "more than %d countries in one release",
			               OB_HARVEST_MAX_SOURCES);
		ob_strlcpy(l->country[k], c->country, COUNTRY_MAX);
		l->ncountries++;
		ob_db_reset(l->del);
		ob_db_bind_str(l->del, 1, c->country);
		if (ob_db_step(l->del) != OB_DB_DONE)
			return ob_store_fail(l->s, d, WHAT);
	}
	if (l->copy) {
		ob_err e = put_row(l, c, d);

		if (e)
			return e;
		l->cells[k]++;
		l->added++;
		return OB_OK;
	}
	ob_db_reset(l->ins);
	ob_db_bind_str(l->ins, 1, c->country);
	ob_db_bind_str(l->ins, 2, c->table);
	ob_db_bind_str(l->ins, 3, c->series);
	ob_db_bind_str(l->ins, 4, c->territory);
	ob_db_bind_str(l->ins, 5, c->name);
	ob_db_bind_int64(l->ins, 6, c->level);
	ob_db_bind_int64(l->ins, 7, c->year);
	ob_db_bind_str(l->ins, 8, c->sex ? c->sex : "");
	bind_cell(l->ins, 9, c->counting_rule);
	bind_cell(l->ins, 10, c->count);
	bind_cell(l->ins, 11, c->value);
	bind_cell(l->ins, 12, c->lower);
	bind_cell(l->ins, 13, c->upper);
	ob_db_bind_str(l->ins, 14, c->status ? c->status : "");
	ob_db_bind_str(l->ins, 15, l->version);
	ob_db_bind_str(l->ins, 16, l->url);
	if (ob_db_step(l->ins) != OB_DB_DONE)
		return ob_store_fail(l->s, d, WHAT);
	l->cells[k]++;
	l->added++;
	return OB_OK;
}

long long ob_store_harvest_added(const struct ob_store_harvest_load *l)
{
	return l->added;
}

ob_err ob_store_harvest_commit(struct ob_store_harvest_load *l, struct ob_diag *d)
{
	struct ob_db_stmt *drop = NULL, *put = NULL;
	ob_err e = OB_ESTORE;

	if (send_rows(l, d))
		goto rollback;
	if (ob_store_sql(l->s, "DELETE FROM harvest_source WHERE country = ?1", &drop, d) ||
	    ob_store_sql(l->s, ob_store_dialect_sql(l->s,
	                 "INSERT INTO harvest_source(country, url, version, manifest_sha256,"
	                 " harvested_at, cells) VALUES (?1, ?2, ?3, ?4,"
	                 " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?5)",
	                 "INSERT INTO harvest_source(country, url, version, manifest_sha256,"
	                 " harvested_at, cells) VALUES (?1, ?2, ?3, ?4,"
	                 " to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ?5)"),
	                 &put, d))
		goto rollback;
	for (size_t k = 0; k < l->ncountries; k++) {
		ob_db_reset(drop);
		ob_db_bind_str(drop, 1, l->country[k]);
		if (ob_db_step(drop) != OB_DB_DONE) {
			ob_store_fail(l->s, d, WHAT);
			goto rollback;
		}
		ob_db_reset(put);
		ob_db_bind_str(put, 1, l->country[k]);
		ob_db_bind_str(put, 2, l->url);
		ob_db_bind_str(put, 3, l->version);
		ob_db_bind_str(put, 4, l->sha256);
		ob_db_bind_int64(put, 5, l->cells[k]);
		if (ob_db_step(put) != OB_DB_DONE) {
			ob_store_fail(l->s, d, WHAT);
			goto rollback;
		}
	}
	ob_db_finalize(drop);
	ob_db_finalize(put);
	drop = put = NULL;
	ob_db_finalize(l->ins);
	ob_db_finalize(l->del);
	l->ins = l->del = NULL;
	e = ob_store_commit(l->s, d) ? OB_ESTORE : OB_OK;
	if (e)
		ob_store_rollback(l->s);
	load_free(l);
	return e;
rollback:
	ob_db_finalize(drop);
	ob_db_finalize(put);
	ob_store_harvest_abort(l);
	return e;
}

void ob_store_harvest_abort(struct ob_store_harvest_load *l)
{
	if (!l)
		return;
	ob_db_finalize(l->ins);
	ob_db_finalize(l->del);
	l->ins = l->del = NULL;
	ob_store_rollback(l->s);
	load_free(l);
}

int ob_store_harvest_sources_each(struct ob_store *s, ob_store_row_fn each, void *arg,
                                  struct ob_diag *d)
{
	struct ob_db_stmt *st;

	if (ob_store_sql(s,
	                 "SELECT country, url, version, manifest_sha256, harvested_at, cells"
	                 " FROM harvest_source ORDER BY country",
	                 &st, d))
		return -1;
	return ob_store_sql_rows(s, st, OB_STORE_HARVEST_SOURCE_COLUMNS, each, arg, WHAT, d);
}

int ob_store_harvest_cells_each(struct ob_store *s, const struct ob_harvest_query *q,
                                ob_store_row_fn each, void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *st;

	if (ob_store_sql(s,
	                 "SELECT country, territory, name, level, year, sex, count, value,"
	                 " lower, upper, status, release, url, counting_rule FROM harvest_cell"
	                 " WHERE tbl = ?1 AND series = ?2 AND year = ?3 AND level = ?4"
	                 " AND (sex = ?5 OR ?5 IS NULL) ORDER BY country, territory, sex",
	                 &st, d))
		return -1;
	ob_db_bind_str(st, 1, q->table);
	ob_db_bind_str(st, 2, q->series);
	ob_db_bind_int64(st, 3, q->year);
	ob_db_bind_int64(st, 4, q->level);
	ob_db_bind_str(st, 5, q->sex);
	return ob_store_sql_rows(s, st, OB_STORE_HARVEST_CELL_COLUMNS, each, arg, WHAT, d);
}

ob_err ob_store_harvest_latest_year(struct ob_store *s, const char *table, long long level,
                                   long long *year, bool *found, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc;

	*found = false;
	*year = 0;
	if (ob_store_sql(s, "SELECT max(year) FROM harvest_cell WHERE tbl = ?1 AND level = ?2",
	                 &st, d))
		return OB_ESTORE;
	ob_db_bind_str(st, 1, table);
	ob_db_bind_int64(st, 2, level);
	rc = ob_db_step(st);
	if (rc == OB_DB_ROW) {
		if (ob_db_column_type(st, 0) != OB_STORE_NULL) {
			*year = ob_db_column_int64(st, 0);
			*found = true;
		}
	} else if (rc != OB_DB_DONE) {
		ob_store_fail(s, d, WHAT);
		ob_db_finalize(st);
		return OB_ESTORE;
	}
	ob_db_finalize(st);
	return OB_OK;
}

struct stamp {
	uint64_t h;
	long long rows;
};

/* Fold one source row into the stamp's hash. */
static int stamp_row(void *arg, const struct ob_store_value *v, size_t n)
{
	struct stamp *t = arg;
	uint64_t *h = &t->h;

	t->rows++;
	for (size_t i = 0; i < n; i++) {
		if (v[i].type == OB_STORE_INT)
			*h = ob_hash64(&v[i].i, sizeof(v[i].i), *h);
		else if (v[i].text)
			*h = ob_hash64(v[i].text, v[i].len, *h);
		*h = ob_hash64("|", 1, *h);
	}
	return 0;
}

ob_err ob_store_harvest_stamp(struct ob_store *s, char *out, size_t size, struct ob_diag *d)
{
	struct stamp t = { 0x9e3779b97f4a7c15ull, 0 };

	out[0] = 0;
	if (ob_store_harvest_sources_each(s, stamp_row, &t, d) < 0)
		return OB_ESTORE;
	if (t.rows > 0)
		snprintf(out, size, "h%lld-%016llx", t.rows, (unsigned long long)t.h);
	return OB_OK;
}
