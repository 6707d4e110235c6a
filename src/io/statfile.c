/* statfile.c - SPSS and Stata files read whole with ReadStat into names,
 * labels and rows of texts (io/statfile.h). */
#include "io/statfile.h"

#include "base/limits.h"
#include "io/numfmt.h"
#include "io/readstat_lib.h"

#include <stdint.h>
#include <strings.h>

/* A value-label set while the file is read: offsets into meta. */
struct statfile_set {
	size_t name;
	size_t n, cap;
	size_t *pairs;              /* [2 * i] code, [2 * i + 1] label */
	struct ob_statfile_label *labels;
};

/* A variable while the file is read. */
struct rvar {
	size_t name, label, set;    /* offsets into meta; set SIZE_MAX: none */
	bool numeric;
};

struct ctx {
	struct ob_statfile *f;
	const char *path;
	size_t max_cells;
	struct rvar *rv;
	size_t nrv, rvcap;
	long obs;                   /* the case being read, -1 before the first */
	int next_var;               /* the variable expected next in it */
	ob_err err;
	struct ob_diag *d;
	char why[256];              /* ReadStat's own message, if it gave one */
};

bool ob_statfile_is(const char *path)
{
	static const char *const ext[] = { ".sav", ".zsav", ".por", ".dta" };
	size_t n = strlen(path);

	for (size_t i = 0; i < OB_ARRAY_SIZE(ext); i++) {
		size_t k = strlen(ext[i]);
		if (n > k && !strcasecmp(path + n - k, ext[i]))
			return true;
	}
	return false;
}

static ob_err meta_add(struct ctx *c, const char *s, size_t *at)
{
	struct ob_buf *b = &c->f->meta;

	*at = b->len;
	if (ob_buf_adds(b, s ? s : "") || ob_buf_addc(b, '\0'))
		return c->err = OB_DIAG(c->d, OB_ETOOBIG, c->path, 0, 0, NULL, 0,
		                        "más de %d MiB de nombres y etiquetas",
		                        "more than %d MiB of names and labels",
		                        OB_MAX_STATFILE_META >> 20);
	return OB_OK;
}

/* A value as the cells write it into out (NUL-terminated); empty when
 * missing (var given) or of a type not read. */
static void value_text(readstat_value_t v, readstat_variable_t *var, char *out, size_t size)
{
	out[0] = '\0';
	if (var && readstat_value_is_missing(v, var))
		return;
	switch (readstat_value_type(v)) {
	case READSTAT_TYPE_STRING: {
		const char *s = readstat_string_value(v);
		snprintf(out, size, "%s", s ? s : "");
		break;
	}
	case READSTAT_TYPE_INT8:
		snprintf(out, size, "%d", (int)readstat_int8_value(v));
		break;
	case READSTAT_TYPE_INT16:
		snprintf(out, size, "%d", (int)readstat_int16_value(v));
		break;
	case READSTAT_TYPE_INT32:
		snprintf(out, size, "%ld", (long)readstat_int32_value(v));
		break;
	case READSTAT_TYPE_FLOAT:
		ob_numfmt_general((double)readstat_float_value(v), out, size);
		break;
	case READSTAT_TYPE_DOUBLE:
		ob_numfmt_general(readstat_double_value(v), out, size);
		break;
	default:
		break;
	}
}

static int on_variable(int index, readstat_variable_t *var, const char *set, void *p)
{
	struct ctx *c = p;
	struct rvar *r;

	if (index != (int)c->nrv || c->nrv >= OB_MAX_STATFILE_VARS) {
		if (c->nrv >= OB_MAX_STATFILE_VARS)
			c->err = OB_DIAG(c->d, OB_ETOOBIG, c->path, 0, 0, NULL, 0,
			                 "más de %d variables", "more than %d variables",
			                 OB_MAX_STATFILE_VARS);
		else
			c->err = OB_DIAG(c->d, OB_EPARSE, c->path, 0, 0, NULL, 0,
			                 "variables fuera de orden", "variables out of order");
		return READSTAT_HANDLER_ABORT;
	}
	if (c->nrv == c->rvcap) {
		c->rvcap = c->rvcap ? 2 * c->rvcap : 64;
		c->rv = ob_realloc(c->rv, c->rvcap * sizeof(*c->rv));
	}
	r = &c->rv[c->nrv];
	r->set = SIZE_MAX;
	r->numeric = readstat_variable_get_type_class(var) == READSTAT_TYPE_CLASS_NUMERIC;
	if (meta_add(c, readstat_variable_get_name(var), &r->name) ||
	    meta_add(c, readstat_variable_get_label(var), &r->label) ||
	    (set && *set && meta_add(c, set, &r->set)))
		return READSTAT_HANDLER_ABORT;
	c->nrv++;
	return READSTAT_HANDLER_OK;
}

static struct statfile_set *set_named(struct ctx *c, const char *name, bool add)
{
	struct ob_statfile *f = c->f;

	for (size_t i = 0; i < f->nsets; i++)
		if (!strcmp(f->meta.ptr + f->sets[i].name, name))
			return &f->sets[i];
	if (!add)
		return NULL;
	if (f->nsets == f->setcap) {
		f->setcap = f->setcap ? 2 * f->setcap : 16;
		f->sets = ob_realloc(f->sets, f->setcap * sizeof(*f->sets));
	}
	memset(&f->sets[f->nsets], 0, sizeof(f->sets[0]));
	if (meta_add(c, name, &f->sets[f->nsets].name))
		return NULL;
	return &f->sets[f->nsets++];
}

static int on_value_label(const char *name, readstat_value_t v, const char *label, void *p)
{
	struct ctx *c = p;
	struct statfile_set *s = set_named(c, name ? name : "", true);
	char text[OB_NUMFMT_OUT];

	if (!s)
		return READSTAT_HANDLER_ABORT;
	value_text(v, NULL, text, sizeof(text));
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->pairs = ob_realloc(s->pairs, 2 * s->cap * sizeof(*s->pairs));
	}
	if (meta_add(c, text, &s->pairs[2 * s->n]) || meta_add(c, label, &s->pairs[2 * s->n + 1]))
		return READSTAT_HANDLER_ABORT;
	s->n++;
	return READSTAT_HANDLER_OK;
}

static int on_value(int obs, readstat_variable_t *var, readstat_value_t v, void *p)
{
	struct ctx *c = p;
	struct ob_statfile *f = c->f;
	char num[OB_NUMFMT_OUT];
	const char *text = num;
	size_t len;

	if (obs != c->obs) {
		if (c->obs >= 0 && c->next_var != (int)c->nrv)
			goto order;
		if (f->nrows == f->cap) {
			f->cap = f->cap ? 2 * f->cap : 1024;
			f->off = ob_realloc(f->off, f->cap * sizeof(*f->off));
		}
		f->off[f->nrows++] = f->cells.len;
		c->obs = obs;
		c->next_var = 0;
	}
	if (c->next_var++ != readstat_variable_get_index(var))
		goto order;
	if (readstat_value_type(v) == READSTAT_TYPE_STRING && !readstat_value_is_missing(v, var))
		text = readstat_string_value(v) ? readstat_string_value(v) : "";
	else
		value_text(v, var, num, sizeof(num));
	len = strlen(text);
	if (ob_buf_add(&f->cells, text, len) || ob_buf_addc(&f->cells, '\0')) {
		c->err = OB_DIAG(c->d, OB_ETOOBIG, c->path, (long)obs + 1, 0, NULL, 0,
		                 "el archivo no cabe en memoria (más de %zu MiB; caso %ld)",
		                 "the file does not fit in memory (more than %zu MiB; case %ld)",
		                 c->max_cells >> 20, (long)obs + 1);
		return READSTAT_HANDLER_ABORT;
	}
	return READSTAT_HANDLER_OK;
order:
	c->err = OB_DIAG(c->d, OB_EPARSE, c->path, (long)obs + 1, 0, NULL, 0,
	                 "valores fuera de orden en el caso %ld",
	                 "values out of order in case %ld", (long)obs + 1);
	return READSTAT_HANDLER_ABORT;
}

static void on_error(const char *msg, void *p)
{
	struct ctx *c = p;
	size_t n;

	snprintf(c->why, sizeof(c->why), "%s", msg ? msg : "");
	n = strlen(c->why);
	while (n && (c->why[n - 1] == '\n' || c->why[n - 1] == '\r'))
		c->why[--n] = '\0';
}

/* The offsets kept while reading turned into pointers, once meta no
 * longer moves. */
static void finish(struct ctx *c)
{
	struct ob_statfile *f = c->f;
	const char *m = f->meta.ptr;

	for (size_t i = 0; i < f->nsets; i++) {
		struct statfile_set *s = &f->sets[i];
		s->labels = ob_calloc(s->n ? s->n : 1, sizeof(*s->labels));
		for (size_t k = 0; k < s->n; k++) {
			s->labels[k].value = m + s->pairs[2 * k];
			s->labels[k].label = m + s->pairs[2 * k + 1];
		}
	}
	f->nvars = c->nrv;
	f->vars = ob_calloc(c->nrv ? c->nrv : 1, sizeof(*f->vars));
	for (size_t i = 0; i < c->nrv; i++) {
		struct ob_statfile_var *v = &f->vars[i];
		const struct rvar *r = &c->rv[i];
		v->name = m + r->name;
		v->label = m + r->label;
		v->numeric = r->numeric;
		if (r->set != SIZE_MAX) {
			const struct statfile_set *s = set_named(c, m + r->set, false);
			if (s) {
				v->nlabels = s->n;
				v->labels = s->labels;
			}
		}
	}
}

ob_err ob_statfile_load(struct ob_statfile *f, const char *path, size_t max_cells,
                        struct ob_diag *d)
{
	struct ctx c = { .f = f, .path = path, .max_cells = max_cells, .obs = -1, .d = d };
	readstat_parser_t *p;
	readstat_error_t re;
	size_t n = strlen(path);
	ob_err e;

	memset(f, 0, sizeof(*f));
	ob_buf_init(&f->cells, max_cells);
	ob_buf_init(&f->meta, OB_MAX_STATFILE_META);
	if ((e = ob_readstat_load(d)))
		goto release;
	if (!(p = readstat_parser_init())) {
		e = OB_DIAG(d, OB_ENOMEM, path, 0, 0, NULL, 0, "sin memoria", "out of memory");
		goto release;
	}
	readstat_set_variable_handler(p, on_variable);
	readstat_set_value_handler(p, on_value);
	readstat_set_value_label_handler(p, on_value_label);
	readstat_set_error_handler(p, on_error);
	if (n > 4 && !strcasecmp(path + n - 4, ".dta")) {
		f->format = "Stata";
		re = readstat_parse_dta(p, path, &c);
	} else if (n > 4 && !strcasecmp(path + n - 4, ".por")) {
		f->format = "SPSS";
		re = readstat_parse_por(p, path, &c);
	} else {
		f->format = "SPSS";
		re = readstat_parse_sav(p, path, &c);
	}
	readstat_parser_free(p);
	if (c.err) {
		e = c.err;
		goto release;
	}
	if (re != READSTAT_OK) {
		const char *why = c.why[0] ? c.why : readstat_error_message(re);
		e = OB_DIAG(d, re == READSTAT_ERROR_OPEN ? OB_EIO : OB_EPARSE, path, 0, 0, NULL, 0,
		            "no se pudo leer como archivo %s: %s",
		            "could not be read as a %s file: %s", f->format, why);
		goto release;
	}
	if (c.obs >= 0 && c.next_var != (int)c.nrv) {
		e = OB_DIAG(d, OB_EPARSE, path, c.obs + 1, 0, NULL, 0,
		            "el caso %ld está incompleto", "case %ld is incomplete", c.obs + 1);
		goto release;
	}
	finish(&c);
	free(c.rv);
	return OB_OK;
release:
	free(c.rv);
	ob_statfile_release(f);
	return e;
}

void ob_statfile_drop_cells(struct ob_statfile *f)
{
	ob_buf_release(&f->cells);
	free(f->off);
	f->off = NULL;
	f->nrows = f->cap = 0;
}

void ob_statfile_release(struct ob_statfile *f)
{
	for (size_t i = 0; i < f->nsets; i++) {
		free(f->sets[i].pairs);
		free(f->sets[i].labels);
	}
	free(f->sets);
	free(f->vars);
	free(f->off);
	ob_buf_release(&f->cells);
	ob_buf_release(&f->meta);
	memset(f, 0, sizeof(*f));
}
