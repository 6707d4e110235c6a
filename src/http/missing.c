/*
 * missing.c - GET /api/v1/missing and GET /api/v1/missing/{id}: the
 * missing-persons reports the public may see (cases/missing.h), with only
 * the fields the case type publishes for each (its [publish] rules: the
 * public states, the consents, the stricter rules for minors). A field a
 * report does not publish is null; a report that is not public answers as
 * one that does not exist. The portal's pages (portal_missing.c) read the
 * same through ob_http_missing_load(). GET /api/v1/missing/{id}/photo
 * serves a report's photograph (kept by "observa missing photo", without
 * its metadata) only when the report publishes its photo field.
 */
#include "http/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "io/date.h"
#include "io/image.h"
#include "store/cases.h"

/* Read the type and its reports from the store into x (its own). */
static ob_err load_own(struct ob_http_ctx *ctx, struct ob_http_missing *x, struct ob_diag *d)
{
	const char *dir = ctx->dir ? ctx->dir : ".";
	int k;
	ob_err e;

	if ((e = ob_cases_load(dir, &x->types, d)))
		return e;
	x->loaded = true;
	if ((k = ob_cases_find(&x->types, OB_MISSING_TYPE)) < 0)
		return OB_ENOENT;
	if ((e = ob_missing_bind(&x->types.types[k], &x->m, d)) ||
	    (e = ob_case_load(ctx->store, &x->types.types[k], &x->set, d)))
		return e;
	x->have_set = true;
	x->mask = ob_calloc(x->set.n ? x->set.n : 1, sizeof(*x->mask));
	x->pub = ob_calloc(x->set.n ? x->set.n : 1, sizeof(*x->pub));
	for (size_t i = 0; i < x->set.n; i++)
		x->mask[i] = ob_missing_public(&x->m, &x->set.cases[i]);
	/* the newest first: the set is by id */
	for (size_t j = x->set.n; j-- > 0;)
		if (x->mask[j])
			x->pub[x->n_pub++] = j;
	ob_missing_rows_init(&x->rows);
	for (size_t i = 0; i < x->n_pub; i++)
		ob_missing_rows_add(&x->rows, &x->m, &x->set.cases[x->pub[i]], x->mask[x->pub[i]]);
	return OB_OK;
}

long long ob_http_missing_select(const struct ob_http_missing *x,
                                 const struct ob_missing_filter *f, long long offset,
                                 long long limit, size_t *page, size_t *n_page)
{
	const struct ob_missing_rows *k = &x->rows;
	struct ob_missing_plan p;
	long long total = 0;
	size_t n = 0;

	ob_missing_plan_of(&p, &x->m, k, f);
	for (size_t i = 0; i < k->n; i++) {
		size_t j;
		bool ok;
		if (k->whole[i] && !p.exact) {
			ok = ob_missing_plan_match(&p, k, i);
		} else {
			j = x->pub[i];
			ok = ob_missing_match(&x->m, &x->set.cases[j], x->mask[j], f);
		}
		/* the page's place is written always and kept when it counts:
		 * a branch on ok would be mispredicted half the time */
		page[n] = i;
		n += ok & (total >= offset) & (total - offset < limit);
		total += ok;
	}
	ob_missing_plan_release(&p);
	*n_page = n;
	return total;
}

static void release_own(struct ob_http_missing *x)
{
	free(x->mask);
	free(x->pub);
	ob_missing_rows_release(&x->rows);
	if (x->have_set)
		ob_case_set_free(&x->set);
	if (x->loaded)
		ob_cases_release(&x->types);
	memset(x, 0, sizeof(*x));
}

/*
 * The hold: the reports as last read, with what says whether they are
 * still those of the store: the last event of the cases' history (the
 * history is append-only and every change of a case adds an event) and
 * the type's file and the folder of the types (an edited publication rule
 * is read again). A request takes a reference under the lock and reads
 * without it; the last reference frees an old copy.
 */
struct missing_held {
	struct ob_http_missing x;  /* its own (x.held NULL) */
	long long event;           /* ob_store_case_last_event when read */
	struct stat file, folder;  /* the type's file and catalog/cases */
	long refs;
	struct ob_http_missing_hold *hold;
};

struct ob_http_missing_hold {
	pthread_mutex_t lock;
	struct missing_held *now;  /* NULL: none read yet */
};

struct ob_http_missing_hold *ob_http_missing_hold_new(void)
{
	struct ob_http_missing_hold *h = ob_calloc(1, sizeof(*h));

	pthread_mutex_init(&h->lock, NULL);
	return h;
}

static void held_put(struct ob_http_missing_hold *h, struct missing_held *m)
{
	bool last;

	pthread_mutex_lock(&h->lock);
	last = --m->refs == 0;
	pthread_mutex_unlock(&h->lock);
	if (last) {
		release_own(&m->x);
		free(m);
	}
}

void ob_http_missing_hold_free(struct ob_http_missing_hold *h)
{
	if (!h)
		return;
	if (h->now)
		held_put(h, h->now);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The folder of the case types, catalog/cases, into st; false when none. */
static bool folder_stat(const char *dir, struct stat *st)
{
	char path[OB_MAX_PATH];

	return snprintf(path, sizeof(path), "%s/catalog/cases", dir) < (int)sizeof(path) &&
	       stat(path, st) == 0;
}

/* Is m still what the store and the catalogue hold? */
static bool held_fresh(const struct missing_held *m, const char *dir, long long event)
{
	struct stat file, folder;

	return m->event == event && stat(m->x.m.t->path, &file) == 0 &&
	       same_file(&file, &m->file) && folder_stat(dir, &folder) &&
	       same_file(&folder, &m->folder);
}

/* A view of the held copy in x, read again when stale. */
static ob_err load_held(struct ob_http_ctx *ctx, struct ob_http_missing *x, struct ob_diag *d)
{
	struct ob_http_missing_hold *h = ctx->missing;
	const char *dir = ctx->dir ? ctx->dir : ".";
	struct missing_held *m = NULL, *old = NULL;
	long long event;
	ob_err e;

	if ((e = ob_store_case_last_event(ctx->store, &event, d)))
		return e;
	pthread_mutex_lock(&h->lock);
	if (h->now && held_fresh(h->now, dir, event)) {
		m = h->now;
		m->refs++;
	}
	pthread_mutex_unlock(&h->lock);
	if (!m) {
		/* read before the catalogue's stat and after the event: what
		 * changes meanwhile makes the copy stale, never the reverse */
		m = ob_calloc(1, sizeof(*m));
		if (!folder_stat(dir, &m->folder) || (e = load_own(ctx, &m->x, d)) ||
		    stat(m->x.m.t->path, &m->file) != 0) {
			release_own(&m->x);
			free(m);
			return e ? e : OB_DIAG(d, OB_EIO, dir, 0, 0, NULL, 0,
			                       "no se pudo leer catalog/cases: %s",
			                       "cannot read catalog/cases: %s", strerror(errno));
		}
		m->event = event;
		m->hold = h;
		m->refs = 2; /* the hold's and this request's */
		pthread_mutex_lock(&h->lock);
		old = h->now;
		h->now = m;
		pthread_mutex_unlock(&h->lock);
		if (old)
			held_put(h, old);
	}
	*x = m->x;
	x->held = m;
	return OB_OK;
}

ob_err ob_http_missing_load(struct ob_http_call *c, struct ob_http_missing *x,
                            struct ob_diag *d)
{
	memset(x, 0, sizeof(*x));
	ob_diag_clear(d);
	if (!c->ctx->store)
		return OB_ESTORE;
	if (c->ctx->missing)
		return load_held(c->ctx, x, d);
	return load_own(c->ctx, x, d);
}

void ob_http_missing_release(struct ob_http_missing *x)
{
	if (x->held) {
		struct missing_held *m = x->held;
		memset(x, 0, sizeof(*x));
		/* the hold outlives every request */
		held_put(m->hold, m);
		return;
	}
	release_own(x);
}

long long ob_http_missing_find(const struct ob_http_missing *x, long long id)
{
	for (size_t i = 0; i < x->set.n; i++)
		if (x->set.cases[i].id == id)
			return x->mask[i] ? (long long)i : -1;
	return -1;
}

/* Answer why the reports cannot be read; false when e is OB_OK. */
static bool load_failed(struct ob_http_call *c, ob_err e, const struct ob_diag *d)
{
	if (!e)
		return false;
	if (e == OB_ENOENT) {
		ob_http_fail(c->res, 404, "no_missing_persons", NULL,
		             "El observatorio no tiene el tipo de caso missing-persons "
		             "(catalog/cases/missing-persons.ini).",
		             "The observatory has no missing-persons case type "
		             "(catalog/cases/missing-persons.ini).");
	} else if (e == OB_ESTORE && !c->ctx->store) {
		ob_http_fail(c->res, 503, "no_store", NULL, "El almacén no está disponible.",
		             "The store is not available.");
	} else if (e == OB_ESTORE) {
		ob_http_store_fail(c);
	} else {
		OB_ERROR("API: personas desaparecidas: %s", "API: missing persons: %s", d->message);
		ob_http_fail(c->res, 500, "missing_persons", NULL,
		             "Los reportes no se pueden leer; el administrador encontrará el detalle "
		             "en el registro del servidor.", "The reports cannot be read.");
	}
	return true;
}

/* The filters of the query; false (after a 400) when a date is not one. */
static bool filters(struct ob_http_call *c, struct ob_missing_filter *f)
{
	static const char *const dates[] = { "from", "to" };

	ob_missing_filter_init(f);
	f->sex = ob_http_str(c, "sex");
	f->territory = ob_http_str(c, "territory");
	f->age_min = ob_http_int(c, "age_min", -1);
	f->age_max = ob_http_int(c, "age_max", -1);
	for (size_t i = 0; i < OB_ARRAY_SIZE(dates); i++) {
		const char *v = ob_http_str(c, dates[i]);
		struct ob_date dt;
		if (v && (strlen(v) != 10 || ob_date_parse(v, 10, OB_DATE_ISO, &dt, NULL, 0) ||
		          dt.precision != OB_PREC_DAY)) {
			ob_http_fail(c->res, 400, "bad_parameter", dates[i],
			             "Se esperaba una fecha AAAA-MM-DD.", "Expected a date YYYY-MM-DD.");
			return false;
		}
		if (i == 0)
			f->from = v;
		else
			f->to = v;
	}
	return true;
}

/* The columns: id, state and its labels, then every field the type may
 * publish, in the type's order. */
static size_t columns(const struct ob_case_type *t, const char **cols, int *field)
{
	size_t n = 0;

	cols[n] = "id", field[n++] = -1;
	cols[n] = "state", field[n++] = -1;
	cols[n] = "state_es", field[n++] = -1;
	cols[n] = "state_en", field[n++] = -1;
	for (size_t i = 0; i < t->n_fields; i++)
		if (t->fields[i].public)
			cols[n] = t->fields[i].name, field[n++] = (int)i;
	return n;
}

static void row(struct ob_http_table *w, const struct ob_http_missing *x, size_t i,
                const int *field, size_t ncols)
{
	const struct ob_case_rec *r = &x->set.cases[i];
	const struct ob_case_state *st = &x->m.t->states[ob_case_state_at(r, LLONG_MAX)];

	ob_http_table_int(w, r->id);
	ob_http_table_str(w, st->name);
	ob_http_table_str(w, st->label[0] ? st->label : st->name);
	ob_http_table_str(w, st->label_en[0] ? st->label_en : st->name);
	for (size_t k = 4; k < ncols; k++) {
		const char *v = (x->mask[i] >> field[k] & 1ull) ? r->values[field[k]] : NULL;
		if (v && x->m.t->fields[field[k]].type == OB_CASE_INTEGER)
			ob_http_table_numtext(w, v);
		else
			ob_http_table_str(w, v);
	}
	ob_http_table_end_row(w);
}

void ob_http_h_missing(struct ob_http_call *c)
{
	const char *cols[OB_MAX_CASE_FIELDS + 4];
	int field[OB_MAX_CASE_FIELDS + 4];
	struct ob_missing_filter f;
	struct ob_http_missing x;
	struct ob_http_table w;
	struct ob_diag d;
	long long limit, offset, total = 0;
	size_t ncols, *page, n_page = 0;

	if (!filters(c, &f))
		return;
	if (load_failed(c, ob_http_missing_load(c, &x, &d), &d)) {
		ob_http_missing_release(&x);
		return;
	}
	ob_http_page(c, &limit, &offset);
	/* the public reports, the newest first: the page's in one pass */
	page = ob_malloc(((limit > 0 && (unsigned long long)limit < x.n_pub ? (size_t)limit
	                                                                      : x.n_pub) + 1) *
	                 sizeof(*page));
	total = ob_http_missing_select(&x, &f, offset, limit, page, &n_page);
	ncols = columns(x.m.t, cols, field);
	ob_http_table_begin(&w, c, cols, ncols, total, limit, offset);
	for (size_t i = 0; i < n_page; i++)
		row(&w, &x, x.pub[page[i]], field, ncols);
	ob_http_table_end(&w);
	free(page);
	ob_http_missing_release(&x);
}

void ob_http_h_missing_one(struct ob_http_call *c)
{
	const char *cols[OB_MAX_CASE_FIELDS + 4];
	int field[OB_MAX_CASE_FIELDS + 4];
	struct ob_http_missing x;
	struct ob_http_table w;
	struct ob_diag d;
	long long id = 0, i;
	size_t ncols;

	if (!c->path_value || !ob_parse_int(c->path_value, strlen(c->path_value), 1, LLONG_MAX / 2,
	                                    &id))
		id = 0;
	if (load_failed(c, ob_http_missing_load(c, &x, &d), &d)) {
		ob_http_missing_release(&x);
		return;
	}
	if (!id || (i = ob_http_missing_find(&x, id)) < 0) {
		ob_http_fail(c->res, 404, "not_found", "id",
		             "No hay un reporte público con ese número.",
		             "There is no public report with that number.");
		ob_http_missing_release(&x);
		return;
	}
	ncols = columns(x.m.t, cols, field);
	ob_http_table_begin(&w, c, cols, ncols, 1, 1, 0);
	row(&w, &x, (size_t)i, field, ncols);
	ob_http_table_end(&w);
	ob_http_missing_release(&x);
}

void ob_http_h_missing_photo(struct ob_http_call *c)
{
	const char *dir = c->ctx->dir ? c->ctx->dir : ".";
	enum ob_image_type type = OB_IMAGE_JPEG;
	struct ob_http_missing x;
	char path[OB_MAX_PATH];
	const char *v = NULL;
	struct ob_diag d;
	long long id = 0, i;
	struct stat st;
	int f, fd = -1;

	if (!c->path_value || !ob_parse_int(c->path_value, strlen(c->path_value), 1, LLONG_MAX / 2,
	                                    &id))
		id = 0;
	if (load_failed(c, ob_http_missing_load(c, &x, &d), &d)) {
		ob_http_missing_release(&x);
		return;
	}
	if (id && (i = ob_http_missing_find(&x, id)) >= 0 &&
	    (f = ob_case_field_index(x.m.t, "photo")) >= 0 && (x.mask[i] >> f & 1ull))
		v = x.set.cases[i].values[f];
	if (v && ob_image_ref(v, &type) &&
	    snprintf(path, sizeof(path), "%s/%s", dir, v) < (int)sizeof(path))
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	ob_http_missing_release(&x);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > OB_MAX_PHOTO_BYTES) {
		if (fd >= 0)
			close(fd);
		ob_http_fail(c->res, 404, "not_found", "id",
		             "No hay una fotografía publicada de ese reporte.",
		             "There is no published photograph of that report.");
		return;
	}
	c->res->content_type = ob_image_mime(type);
	c->res->status = 200;
	c->res->fd = fd;
	c->res->fd_offset = 0;
	c->res->fd_size = (uint64_t)st.st_size;
	ob_http_header_add(c->res, "Cache-Control", "%s", "no-store");
}
