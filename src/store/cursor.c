/* cursor.c - a listing read a row at a time (see cursor.h). */
#include "store/cursor.h"

#include "store/store_int.h"

struct ob_store_cursor {
	struct ob_store *s;
	struct ob_db_stmt *st;
	const char *what;
	const char *kinds;   /* per column, or NULL: by the value's type */
	void (*fill)(struct ob_db_stmt *st, struct ob_store_value *row); /* or NULL */
	int ncols;
	int done;      /* 0 reading, 1 at the end, -1 failed */
	struct ob_store_value row[OB_STORE_MAX_COLUMNS];
};

ob_err ob_store_cursor_new(struct ob_store *s, struct ob_db_stmt *st, int ncols, const char *kinds,
                           const char *what, struct ob_store_cursor **out, struct ob_diag *d)
{
	struct ob_store_cursor *c;

	*out = NULL;
	if (ncols < 0 || ncols > (int)OB_ARRAY_SIZE(c->row) ||
	    (kinds && strlen(kinds) != (size_t)ncols)) {
		ob_db_finalize(st);
		return ob_diag_set(d, OB_EINVAL, ob_store_dir(s), 0, 0, NULL, 0,
		                   "cursor: %d columns", ncols);
	}
	c = ob_calloc(1, sizeof(*c));
	c->s = s;
	c->st = st;
	c->what = what;
	c->kinds = kinds;
	c->ncols = ncols;
	ob_db_stream(st);   /* PostgreSQL: a batch at a time, not the whole result */
	*out = c;
	return OB_OK;
}

/* Column i of the current row by its declared kind (upper or lower case). */
static void typed_value(struct ob_store_cursor *c, int i)
{
	struct ob_store_value *x = &c->row[i];

	switch (c->kinds[i]) {
	case 'T':
	case 't':
		x->text = ob_db_column_text(c->st, i);
		x->len = x->text ? ob_db_column_bytes(c->st, i) : 0;
		x->type = x->text ? OB_STORE_TEXT : OB_STORE_NULL;
		break;
	case 'N':
	case 'n':
		x->i = ob_db_column_int64(c->st, i);
		x->type = OB_STORE_INT;
		break;
	default: /* 'I', 'i' */
		if (ob_db_column_type(c->st, i) == OB_STORE_INT) {
			x->i = ob_db_column_int64(c->st, i);
			x->type = OB_STORE_INT;
		} else {
			x->i = 0;
			x->type = OB_STORE_NULL;
		}
	}
}

const struct ob_store_value *ob_store_cursor_get(struct ob_store_cursor *c, int i)
{
	if (i < 0 || i >= c->ncols)
		return &c->row[0];
	if (c->kinds && !c->done)
		typed_value(c, i);
	return &c->row[i];
}

/* The row by the columns' declared kinds: one call to the database per text
 * column and two per integer, as a loop over the statement would make
 * (the record scan's rows are a million or more); a column declared in
 * lower case is left for ob_store_cursor_get(). */
static void typed_values(struct ob_store_cursor *c)
{
	for (int i = 0; i < c->ncols; i++) {
		struct ob_store_value *x = &c->row[i];

		switch (c->kinds[i]) {
		case 't':
		case 'i':
		case 'n':
			x->type = OB_STORE_NULL; /* until asked for */
			x->text = NULL;
			x->len = 0;
			x->i = 0;
			break;
		case 'T':
			x->text = ob_db_column_text(c->st, i);
			x->len = x->text ? ob_db_column_bytes(c->st, i) : 0;
			x->type = x->text ? OB_STORE_TEXT : OB_STORE_NULL;
			break;
		case 'N':
			x->i = ob_db_column_int64(c->st, i);
			x->type = OB_STORE_INT;
			break;
		default: /* 'I' */
			if (ob_db_column_type(c->st, i) == OB_STORE_INT) {
				x->i = ob_db_column_int64(c->st, i);
				x->type = OB_STORE_INT;
			} else {
				x->i = 0;
				x->type = OB_STORE_NULL;
			}
		}
	}
}

int ob_store_cursor_step(struct ob_store_cursor *c, const struct ob_store_value **row,
                         struct ob_diag *d)
{
	int rc;

	*row = NULL;
	if (c->done)
		return c->done > 0 ? 0 : -1;
	rc = ob_db_step(c->st);
	if (rc == OB_DB_ROW) {
		if (c->fill)
			c->fill(c->st, c->row);
		else if (c->kinds)
			typed_values(c);
		else
			ob_store_sql_values(c->st, c->ncols, c->row);
		*row = c->row;
		return 1;
	}
	if (rc == OB_DB_DONE) {
		c->done = 1;
		return 0;
	}
	ob_store_fail(c->s, d, c->what);
	c->done = -1;
	return -1;
}

void ob_store_cursor_fill(struct ob_store_cursor *c,
                          void (*fill)(struct ob_db_stmt *st, struct ob_store_value *row))
{
	c->fill = fill;
}

void ob_store_cursor_close(struct ob_store_cursor *c)
{
	if (!c)
		return;
	ob_db_finalize(c->st);
	free(c);
}
