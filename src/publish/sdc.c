/* sdc.c - primary and secondary cell suppression of public tables (see sdc.h). */
#include "publish/sdc.h"

#include <math.h>
#include <strings.h>

#include "base/file.h"
#include "base/rng.h"
#include "engine/indicators.h"
#include "io/ini.h"

#define LA_EPS 1e-9

static const char *const rule_names[OB_SDC_NRULES] = {
	"general", "sexual_violence", "minors",
};

/* Sections beyond the rules. */
enum { SEC_CELL_KEY = OB_SDC_NRULES, SEC_PUBLIC, SEC_COUNT };

static const char *section_name(int s)
{
	return s < OB_SDC_NRULES ? rule_names[s] : s == SEC_CELL_KEY ? "cell_key" : "public";
}

void ob_sdc_config_default(struct ob_sdc_config *c)
{
	memset(c, 0, sizeof(*c));
	c->rule[OB_SDC_RULE_GENERAL] = (struct ob_sdc_rule){ 5, false };
	c->rule[OB_SDC_RULE_SEXUAL_VIOLENCE] = (struct ob_sdc_rule){ 10, false };
	c->rule[OB_SDC_RULE_MINORS] = (struct ob_sdc_rule){ 10, false };
	c->ck.max_perturbation = 3;
	c->ck.variance = 2;
	c->ck.never_shown = 2;
	c->pub.max_dimensions = 3;
	c->pub.max_attributes = 3;
	c->pub.small_area_attributes = 1;
	c->pub.max_values = 1;
	c->pub.age_years = false;
	c->pub.dates_by_day = false;
	c->pub.hour_small_areas = false;
}

struct ob_sdc_rule ob_sdc_rule_of(const struct ob_sdc_config *c, unsigned classes)
{
	struct ob_sdc_rule rule = c->rule[OB_SDC_RULE_GENERAL];

	for (int i = 1; i < OB_SDC_NRULES; i++)
		if (classes & (1u << (i - 1))) {
			if (c->rule[i].min_count > rule.min_count)
				rule.min_count = c->rule[i].min_count;
			rule.zero_sensitive |= c->rule[i].zero_sensitive;
		}
	return rule;
}

ob_err ob_sdc_config_text(const struct ob_sdc_config *c, struct ob_buf *b)
{
	const struct ob_sdc_public *p = &c->pub;

	for (size_t i = 0; i < OB_SDC_NRULES; i++)
		ob_buf_putf(b, "%lld,%d;", c->rule[i].min_count, c->rule[i].zero_sensitive);
	ob_buf_putf(b, "u%d;", c->unknown_sensitive);
	ob_buf_putf(b, "ck%d,%.17g,%d;", c->ck.max_perturbation, c->ck.variance,
	            c->ck.never_shown);
	ob_buf_putf(b, "pub%d,%d,%d,%d,%d,%d,%d", p->max_dimensions, p->max_attributes,
	            p->small_area_attributes, p->max_values, p->age_years, p->dates_by_day,
	            p->hour_small_areas);
	return ob_buf_failed(b) ? OB_ETOOBIG : OB_OK;
}

static bool parse_bool(const char *v, size_t n, bool *out)
{
	static const char *const yes[] = { "yes", "si", "sí", "true", "1" };
	static const char *const no[] = { "no", "false", "0" };

	for (size_t i = 0; i < OB_ARRAY_SIZE(yes); i++)
		if (strlen(yes[i]) == n && !strncasecmp(v, yes[i], n))
			return *out = true, true;
	for (size_t i = 0; i < OB_ARRAY_SIZE(no); i++)
		if (strlen(no[i]) == n && !strncasecmp(v, no[i], n))
			return *out = false, true;
	return false;
}

static bool word_is(const char *k, size_t kn, const char *word)
{
	return kn == strlen(word) && !strncmp(k, word, kn);
}

/* An integer setting of [public] or [cell_key]: the key, its bounds. */
struct int_key {
	int section;
	const char *key;
	long long min, max;
	size_t off;
};

static const struct int_key int_keys[] = {
	{ SEC_CELL_KEY, "max_perturbation", 1, OB_CK_MAX_D,
	  offsetof(struct ob_sdc_config, ck.max_perturbation) },
	{ SEC_CELL_KEY, "never_shown", 0, OB_CK_MAX_JS,
	  offsetof(struct ob_sdc_config, ck.never_shown) },
	{ SEC_PUBLIC, "max_dimensions", 1, 4, offsetof(struct ob_sdc_config, pub.max_dimensions) },
	{ SEC_PUBLIC, "max_attributes", 0, 16, offsetof(struct ob_sdc_config, pub.max_attributes) },
	{ SEC_PUBLIC, "small_area_attributes", 0, 16,
	  offsetof(struct ob_sdc_config, pub.small_area_attributes) },
	{ SEC_PUBLIC, "max_values", 1, 10000, offsetof(struct ob_sdc_config, pub.max_values) },
};

/* The keys each section knows, for messages. */
static const char *section_keys(int s)
{
	return s == OB_SDC_RULE_GENERAL ? "min_count, zero_sensitive, unknown_sensitive"
	       : s < OB_SDC_NRULES ? "min_count, zero_sensitive"
	       : s == SEC_CELL_KEY ? "max_perturbation, variance, never_shown"
	                           : "max_dimensions, max_attributes, small_area_attributes, "
	                             "max_values, age, dates, hour_small_areas";
}

static ob_err parse_setting(struct ob_sdc_config *tmp, int section,
                            const struct ob_ini_item *it, const char *file, struct ob_diag *d)
{
	const char *k = it->key, *v = it->value;
	size_t nk = it->key_len, nv = it->value_len;
	long line = it->line, col = it->value_column;
	long long num;
	bool b;

	if (section < OB_SDC_NRULES) {
		if (word_is(k, nk, "min_count")) {
			if (!ob_parse_int(v, nv, 2, OB_MAX_SDC_COUNT, &num))
				return OB_DIAG(d, OB_EINVAL, file, line, col, v, nv,
				               "min_count debe ser un entero de 2 en adelante",
				               "min_count must be an integer from 2 up");
			tmp->rule[section].min_count = num;
			return OB_OK;
		}
		if (word_is(k, nk, "zero_sensitive")) {
			if (!parse_bool(v, nv, &b))
				return OB_DIAG(d, OB_EINVAL, file, line, col, v, nv,
				               "se esperaba yes o no", "expected yes or no");
			tmp->rule[section].zero_sensitive = b;
			return OB_OK;
		}
		if (section == OB_SDC_RULE_GENERAL && word_is(k, nk, "unknown_sensitive")) {
			if (!parse_bool(v, nv, &b))
				return OB_DIAG(d, OB_EINVAL, file, line, col, v, nv,
				               "se esperaba yes o no", "expected yes or no");
			tmp->unknown_sensitive = b;
			return OB_OK;
		}
	}
	for (size_t i = 0; i < OB_ARRAY_SIZE(int_keys); i++) {
		const struct int_key *ik = &int_keys[i];
		if (ik->section != section || !word_is(k, nk, ik->key))
			continue;
		if (!ob_parse_int(v, nv, ik->min, ik->max, &num))
			return OB_DIAG(d, OB_EINVAL, file, line, col, v, nv,
			               "%s debe ser un entero de %lld a %lld",
			               "%s must be an integer from %lld to %lld", ik->key,
			               ik->min, ik->max);
		*(int *)(void *)((char *)tmp + ik->off) = (int)num;
		return OB_OK;
	}
	if (section == SEC_CELL_KEY && word_is(k, nk, "variance")) {
		double x;
		if (!ob_parse_double(v, nv, &x) || !isfinite(x) || x <= 0)
			return OB_DIAG(d, OB_EINVAL, file, line, col, v, nv,
			               "variance debe ser un número positivo, menor que "
			               "max_perturbation al cuadrado",
			               "variance must be a positive number, below "
			               "max_perturbation squared");
		tmp->ck.variance = x;
		return OB_OK;
	}
	if (section == SEC_PUBLIC && word_is(k, nk, "age")) {
		if (nv == 6 && !strncmp(v, "groups", 6))
			tmp->pub.age_years = false;
		else if (nv == 5 && !strncmp(v, "years", 5))
			tmp->pub.age_years = true;
		else
			return OB_DIAG(d, OB_EINVAL, file, line, col, v, nv,
			               "se esperaba groups (grupos de edad) o years (años)",
			               "expected groups (age groups) or years");
		return OB_OK;
	}
	if (section == SEC_PUBLIC && word_is(k, nk, "dates")) {
		if (nv == 5 && !strncmp(v, "month", 5))
			tmp->pub.dates_by_day = false;
		else if (nv == 3 && !strncmp(v, "day", 3))
			tmp->pub.dates_by_day = true;
		else
			return OB_DIAG(d, OB_EINVAL, file, line, col, v, nv,
			               "se esperaba month (meses enteros) o day (días)",
			               "expected month (whole months) or day (days)");
		return OB_OK;
	}
	if (section == SEC_PUBLIC && word_is(k, nk, "hour_small_areas")) {
		if (!parse_bool(v, nv, &b))
			return OB_DIAG(d, OB_EINVAL, file, line, col, v, nv,
			               "se esperaba yes o no", "expected yes or no");
		tmp->pub.hour_small_areas = b;
		return OB_OK;
	}
	return OB_DIAG(d, OB_EINVAL, file, line, it->key_column, k, nk,
	               "clave desconocida en [%s]; se esperaba %s",
	               "unknown key in [%s]; expected %s", section_name(section),
	               section_keys(section));
}

struct config_parse {
	struct ob_sdc_config tmp;
	const char *file;
	struct ob_diag *d;
	int section;
	long ck_line; /* the last [cell_key] setting */
};

static ob_err config_item(void *ctx, const struct ob_ini_item *it)
{
	struct config_parse *p = ctx;
	ob_err e;

	if (!it->key) {
		p->section = -1;
		for (int i = 0; i < SEC_COUNT; i++)
			if (!strcmp(it->section, section_name(i)))
				p->section = i;
		if (p->section < 0)
			return OB_DIAG(p->d, OB_EINVAL, p->file, it->line, it->key_column,
			               it->section, strlen(it->section),
			               "sección desconocida; se esperaba general, "
			               "sexual_violence, minors, cell_key o public",
			               "unknown section; expected general, sexual_violence, "
			               "minors, cell_key or public");
		return OB_OK;
	}
	if ((e = parse_setting(&p->tmp, p->section, it, p->file, p->d)))
		return e;
	if (p->section == SEC_CELL_KEY)
		p->ck_line = it->line;
	return OB_OK;
}

ob_err ob_sdc_config_parse(struct ob_sdc_config *c, const char *text, size_t n,
                           const char *file, struct ob_diag *d)
{
	struct config_parse p = { *c, file, d, -1, 0 };
	struct ob_sdc_config tmp;
	long ck_line;
	ob_err e;

	if ((e = ob_ini_parse(text, n, file, 0, config_item, &p, d)))
		return e;
	tmp = p.tmp;
	ck_line = p.ck_line;
	/* settings that only make sense together */
	if (tmp.ck.never_shown >= tmp.ck.max_perturbation)
		return OB_DIAG(d, OB_EINVAL, file, ck_line, 0, NULL, 0,
		               "[cell_key] never_shown = %d no es menor que max_perturbation "
		               "= %d: algunos conteos no podrían publicarse sin sesgo, o "
		               "solo tal cual",
		               "[cell_key] never_shown = %d is not below max_perturbation = "
		               "%d: some counts could not be published without bias, or "
		               "only as they are", tmp.ck.never_shown, tmp.ck.max_perturbation);
	if (!(tmp.ck.variance < (double)tmp.ck.max_perturbation * tmp.ck.max_perturbation))
		return OB_DIAG(d, OB_EINVAL, file, ck_line, 0, NULL, 0,
		               "[cell_key] variance = %g no es menor que max_perturbation al "
		               "cuadrado (%d): no hay perturbación de media 0 con esa "
		               "varianza",
		               "[cell_key] variance = %g is not below max_perturbation "
		               "squared (%d): no perturbation with mean 0 has that variance",
		               tmp.ck.variance,
		               tmp.ck.max_perturbation * tmp.ck.max_perturbation);
	*c = tmp;
	return OB_OK;
}

ob_err ob_sdc_config_load(struct ob_sdc_config *c, const char *dir, struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	char *text;
	size_t len;
	ob_err e;

	ob_sdc_config_default(c);
	if (snprintf(path, sizeof(path), "%s/catalog/%s", dir, OB_SDC_CONFIG_FILE) >=
	    (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if ((e = ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &len, d)))
		return e == OB_ENOENT ? OB_OK : e; /* no file: the defaults */
	e = ob_sdc_config_parse(c, text, len, path, d);
	free(text);
	return e;
}

unsigned ob_sdc_class_of_iccs(const char *code)
{
	return code && code[0] == '0' && code[1] == '3' ? OB_SDC_SEXUAL_VIOLENCE : 0;
}

void ob_sdc_dim_with_total(long *parent, size_t n_leaves)
{
	parent[0] = -1;
	for (size_t i = 1; i <= n_leaves; i++)
		parent[i] = 0;
}

/* Copy a dimension and build its children lists (CSR). */
static ob_err dim_copy(const struct ob_sdc_dim *dim, const char *what, long **parent,
                       size_t **first, size_t **kids, struct ob_diag *d)
{
	size_t n = dim->n, *fill;

	if (n == 0 || !dim->parent)
		return OB_DIAG(d, OB_EINVAL, what, 0, 0, NULL, 0,
		               "una dimensión necesita al menos un nodo",
		               "a dimension needs at least one node");
	for (size_t i = 0; i < n; i++) {
		long p = dim->parent[i];
		size_t steps = 0;

		if (p < -1 || p >= (long)n || p == (long)i)
			return OB_DIAG(d, OB_EINVAL, what, 0, 0, NULL, 0,
			               "el nodo %zu tiene un padre fuera de rango (%ld)",
			               "node %zu has a parent out of range (%ld)", i, p);
		while (p >= 0) {
			if (++steps > n)
				return OB_DIAG(d, OB_EINVAL, what, 0, 0, NULL, 0,
				               "el nodo %zu está en un ciclo de padres",
				               "node %zu is in a cycle of parents", i);
			p = dim->parent[p];
		}
	}
	*parent = ob_malloc(n * sizeof(**parent));
	memcpy(*parent, dim->parent, n * sizeof(**parent));
	*first = ob_calloc(n + 1, sizeof(**first));
	*kids = ob_calloc(n, sizeof(**kids));
	for (size_t i = 0; i < n; i++)
		if (dim->parent[i] >= 0)
			(*first)[dim->parent[i] + 1]++;
	for (size_t i = 0; i < n; i++)
		(*first)[i + 1] += (*first)[i];
	fill = ob_malloc((n + 1) * sizeof(*fill));
	memcpy(fill, *first, (n + 1) * sizeof(*fill));
	for (size_t i = 0; i < n; i++)
		if (dim->parent[i] >= 0)
			(*kids)[fill[dim->parent[i]]++] = i;
	free(fill);
	return OB_OK;
}

ob_err ob_sdc_table_init(struct ob_sdc_table *t, const struct ob_sdc_dim *rows,
                         const struct ob_sdc_dim *cols, unsigned classes,
                         struct ob_diag *d)
{
	ob_err e;

	memset(t, 0, sizeof(*t));
	if (rows->n && cols->n > OB_MAX_SDC_CELLS / rows->n)
		return OB_DIAG(d, OB_ETOOBIG, "tabla", 0, 0, NULL, 0,
		               "%zu x %zu celdas: más de las %d que admite el control de "
		               "divulgación",
		               "%zu x %zu cells: more than the %d that disclosure control "
		               "takes", rows->n, cols->n, OB_MAX_SDC_CELLS);
	if ((e = dim_copy(rows, "filas", &t->row_parent, &t->row_first, &t->row_kids, d)))
		goto release;
	if ((e = dim_copy(cols, "columnas", &t->col_parent, &t->col_first, &t->col_kids, d)))
		goto release;
	t->nrows = rows->n;
	t->ncols = cols->n;
	t->value = ob_calloc(t->nrows * t->ncols, sizeof(*t->value));
	t->status = ob_calloc(t->nrows * t->ncols, 1);
	t->classes = classes;
	return OB_OK;
release:
	ob_sdc_table_release(t);
	return e;
}

void ob_sdc_table_release(struct ob_sdc_table *t)
{
	free(t->row_parent);
	free(t->col_parent);
	free(t->row_first);
	free(t->row_kids);
	free(t->col_first);
	free(t->col_kids);
	free(t->value);
	free(t->status);
	free(t->col_classes);
	memset(t, 0, sizeof(*t));
}

ob_err ob_sdc_col_add_classes(struct ob_sdc_table *t, size_t c, unsigned classes)
{
	if (t->protected_done || c >= t->ncols)
		return OB_EINVAL;
	if (!t->col_classes)
		t->col_classes = ob_calloc(t->ncols, 1);
	t->col_classes[c] |= (unsigned char)classes;
	return OB_OK;
}

bool ob_sdc_row_is_leaf(const struct ob_sdc_table *t, size_t r)
{
	return t->row_first[r + 1] == t->row_first[r];
}

bool ob_sdc_col_is_leaf(const struct ob_sdc_table *t, size_t c)
{
	return t->col_first[c + 1] == t->col_first[c];
}

static ob_err put(struct ob_sdc_table *t, size_t r, size_t c, long long v, bool add)
{
	long long *cell, sum;

	if (t->protected_done || r >= t->nrows || c >= t->ncols || v < 0 ||
	    !ob_sdc_row_is_leaf(t, r) || !ob_sdc_col_is_leaf(t, c))
		return OB_EINVAL;
	cell = &t->value[r * t->ncols + c];
	sum = add ? *cell + v : v; /* both operands are below 2^50: no overflow */
	if (v > OB_MAX_SDC_COUNT || sum > OB_MAX_SDC_COUNT)
		return OB_EINVAL;
	*cell = sum;
	return OB_OK;
}

ob_err ob_sdc_set(struct ob_sdc_table *t, size_t r, size_t c, long long v)
{
	return put(t, r, c, v, false);
}

ob_err ob_sdc_add(struct ob_sdc_table *t, size_t r, size_t c, long long v)
{
	return put(t, r, c, v, true);
}

/* Every leaf x leaf count is added to all its ancestors' cells. */
static ob_err compute_totals(struct ob_sdc_table *t, struct ob_diag *d)
{
	size_t nr = t->nrows, nc = t->ncols;

	for (size_t r = 0; r < nr; r++)
		for (size_t c = 0; c < nc; c++)
			if (!ob_sdc_row_is_leaf(t, r) || !ob_sdc_col_is_leaf(t, c))
				t->value[r * nc + c] = 0;
	for (size_t r = 0; r < nr; r++) {
		if (!ob_sdc_row_is_leaf(t, r))
			continue;
		for (size_t c = 0; c < nc; c++) {
			long long v;

			if (!ob_sdc_col_is_leaf(t, c) || !(v = t->value[r * nc + c]))
				continue;
			for (long ar = (long)r; ar >= 0; ar = t->row_parent[ar])
				for (long ac = (long)c; ac >= 0; ac = t->col_parent[ac]) {
					long long *cell = &t->value[(size_t)ar * nc + (size_t)ac];
					if (ar == (long)r && ac == (long)c)
						continue;
					if (*cell > OB_MAX_SDC_COUNT - v)
						return OB_DIAG(d, OB_ETOOBIG, "tabla", 0, 0,
						               NULL, 0, "un total pasa de %lld",
						               "a total exceeds %lld",
						               OB_MAX_SDC_COUNT);
					*cell += v;
				}
		}
	}
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Systems: cells and equations (see sdc.h).
 */

/* Kinds of equations: a table's rows (its territorial tree), its columns
 * (the sexes), links between tables. */
enum { EQ_ROWS, EQ_COLS, EQ_LINK };

/* Which equations step 3 reads: all; the tables' (rows and columns); the
 * columns and the links (each territory on its own). */
enum { ALG_ALL, ALG_TABLES, ALG_LOCAL };

void ob_sdc_system_init(struct ob_sdc_system *y)
{
	memset(y, 0, sizeof(*y));
	y->eq_first = ob_calloc(1, sizeof(*y->eq_first));
	y->neq_tables = SIZE_MAX;
}

void ob_sdc_system_links_begin(struct ob_sdc_system *y)
{
	y->neq_tables = y->neq;
	y->kind = EQ_LINK;
}

void ob_sdc_system_release(struct ob_sdc_system *y)
{
	free(y->value);
	free(y->status);
	free(y->cls);
	free(y->hidden);
	free(y->eq_first);
	free(y->eq_cell);
	free(y->eq_coef);
	free(y->eq_kind);
	memset(y, 0, sizeof(*y));
}

ob_err ob_sdc_system_add_cells(struct ob_sdc_system *y, size_t n, unsigned classes,
                               bool hidden, size_t *first)
{
	if (y->protected_done || n > OB_MAX_SDC_CELLS - y->n)
		return OB_ETOOBIG;
	if (y->n + n > y->cap) {
		size_t cap = y->cap ? y->cap : 64;
		while (cap < y->n + n)
			cap *= 2;
		y->value = ob_realloc(y->value, cap * sizeof(*y->value));
		y->status = ob_realloc(y->status, cap);
		y->cls = ob_realloc(y->cls, cap);
		y->hidden = ob_realloc(y->hidden, cap * sizeof(*y->hidden));
		y->cap = cap;
	}
	for (size_t i = y->n; i < y->n + n; i++) {
		y->value[i] = 0;
		y->status[i] = hidden ? OB_SDC_HIDDEN : OB_SDC_SHOWN;
		y->cls[i] = (unsigned char)classes;
		y->hidden[i] = hidden;
	}
	if (first)
		*first = y->n;
	y->n += n;
	return OB_OK;
}

ob_err ob_sdc_system_set(struct ob_sdc_system *y, size_t cell, long long v)
{
	if (y->protected_done || cell >= y->n || v < 0 || v > OB_MAX_SDC_COUNT)
		return OB_EINVAL;
	y->value[cell] = v;
	return OB_OK;
}

ob_err ob_sdc_system_add_equation(struct ob_sdc_system *y, size_t total, const size_t *parts,
                                  size_t n_parts)
{
	size_t at = y->eq_first[y->neq];

	if (y->protected_done || total >= y->n || !n_parts)
		return OB_EINVAL;
	for (size_t i = 0; i < n_parts; i++)
		if (parts[i] >= y->n || parts[i] == total)
			return OB_EINVAL;
	if (n_parts + 1 > OB_MAX_SDC_TERMS - at)
		return OB_ETOOBIG;
	if (at + n_parts + 1 > y->term_cap) {
		size_t cap = y->term_cap ? y->term_cap : 256;
		while (cap < at + n_parts + 1)
			cap *= 2;
		y->eq_cell = ob_realloc(y->eq_cell, cap * sizeof(*y->eq_cell));
		y->eq_coef = ob_realloc(y->eq_coef, cap);
		y->term_cap = cap;
	}
	if (y->neq + 2 > y->eq_cap) {
		size_t cap = y->eq_cap ? y->eq_cap * 2 : 64;
		y->eq_first = ob_realloc(y->eq_first, cap * sizeof(*y->eq_first));
		y->eq_kind = ob_realloc(y->eq_kind, cap);
		y->eq_cap = cap;
	}
	y->eq_kind[y->neq] = y->kind;
	y->eq_cell[at] = total;
	y->eq_coef[at] = 1;
	for (size_t i = 0; i < n_parts; i++) {
		y->eq_cell[at + 1 + i] = parts[i];
		y->eq_coef[at + 1 + i] = -1;
	}
	y->neq++;
	y->eq_first[y->neq] = at + n_parts + 1;
	return OB_OK;
}

/* Is the cell unknown to a reader (suppressed or hidden)? */
static bool unknown(const struct ob_sdc_system *y, size_t cell)
{
	return y->status[cell] != OB_SDC_SHOWN;
}

/* Must the cell stay unknown: suppressed, or hidden and small? */
static bool guarded(const struct ob_sdc_system *y, size_t cell)
{
	return y->status[cell] == OB_SDC_PRIMARY || y->status[cell] == OB_SDC_SECONDARY ||
	       (y->hidden[cell] && y->small[cell]);
}

/* Is candidate a better partner than best? Non-zero first, then smaller,
 * then lower position. */
static bool better(const struct ob_sdc_system *y, size_t cand, size_t best, bool have)
{
	long long a = y->value[cand], b = y->value[best];

	if (!have)
		return true;
	if ((a == 0) != (b == 0))
		return a != 0;
	if (a != b)
		return a < b;
	return cand < best;
}

/* Best shown cell of equation q; false when no cell is shown. */
static bool best_in_eq(const struct ob_sdc_system *y, size_t q, size_t *best, bool *have)
{
	for (size_t k = y->eq_first[q]; k < y->eq_first[q + 1]; k++) {
		size_t cell = y->eq_cell[k];
		if (y->status[cell] == OB_SDC_SHOWN && better(y, cell, *best, *have)) {
			*best = cell;
			*have = true;
		}
	}
	return *have;
}

/* Step 2: until no equation holds exactly one unknown cell that must stay
 * unknown. */
static void pair_fixed_point(struct ob_sdc_system *y, struct ob_sdc_stats *st)
{
	bool changed = true;

	while (changed) {
		changed = false;
		st->pairing_rounds++;
		for (size_t q = 0; q < y->neq; q++) {
			size_t n = 0, best = 0, last = 0;
			bool have = false;

			for (size_t k = y->eq_first[q]; k < y->eq_first[q + 1] && n < 2; k++)
				if (unknown(y, y->eq_cell[k])) {
					n++;
					last = y->eq_cell[k];
				}
			if (n != 1 || !guarded(y, last))
				continue;
			if (best_in_eq(y, q, &best, &have)) {
				y->status[best] = OB_SDC_SECONDARY;
				st->secondary++;
				changed = true;
			}
		}
	}
}

static size_t uf_find(size_t *uf, size_t x)
{
	while (uf[x] != x) {
		uf[x] = uf[uf[x]];
		x = uf[x];
	}
	return x;
}

/* ------------------------------------------------------------------------
 * Step 3, sparse (see sdc.h): Gaussian elimination of a block's equations
 * modulo a prime, then one random vector of their null space.
 */

/* The two primes of the check, 2^31 - 1 and 2^31 - 19: a product of two
 * residues fits in 64 bits. */
#define SP_PRIME_A 2147483647u
#define SP_PRIME_B 2147483629u
#define SP_SEED 0x5DC0A16EB2A5EDull

struct sp_entry {
	uint32_t col, val;
};

struct sp_row {
	struct sp_entry *e;
	uint32_t n, cap;
};

struct sp_list {
	uint32_t *v;
	uint32_t n, cap;
};

static void sp_row_push(struct sp_row *r, uint32_t col, uint32_t val)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 8;
		r->e = ob_realloc(r->e, r->cap * sizeof(*r->e));
	}
	r->e[r->n++] = (struct sp_entry){ col, val };
}

static void sp_list_push(struct sp_list *l, uint32_t x)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->v = ob_realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = x;
}

static uint32_t sp_mul(uint32_t a, uint32_t b, uint32_t p)
{
	return (uint32_t)((uint64_t)a * b % p);
}

/* a^(p-2): the inverse of a non-zero residue (p prime). */
static uint32_t sp_inv(uint32_t a, uint32_t p)
{
	uint64_t r = 1, b = a;

	for (uint32_t k = p - 2; k; k >>= 1) {
		if (k & 1)
			r = r * b % p;
		b = b * b % p;
	}
	return (uint32_t)r;
}

static int sp_cmp_entry(const void *a, const void *b)
{
	const struct sp_entry *x = a, *y = b;
	return (x->col > y->col) - (x->col < y->col);
}

/* Binary heap of (row length << 32 | row): the shortest row first. Entries
 * go stale when a row changes; the current length is checked on pop. */
struct sp_heap {
	uint64_t *v;
	size_t n, cap;
};

static void sp_heap_push(struct sp_heap *h, uint64_t x)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->v = ob_realloc(h->v, h->cap * sizeof(*h->v));
	}
	i = h->n++;
	while (i && h->v[(i - 1) / 2] > x) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

static uint64_t sp_heap_pop(struct sp_heap *h)
{
	uint64_t top = h->v[0], x = h->v[--h->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1] < h->v[c])
			c++;
		if (h->v[c] >= x)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = x;
	return top;
}

/*
 * Modulo p: which of the n columns of a block (equations eqs[0..ne), the
 * column of each unknown cell in col_of[cell]) are zero in a random vector of the null space:
 * det[i] is set (never cleared) for those. Rows are eliminated shortest
 * first, each on its column held by the fewest rows (Markowitz' rule with
 * the row's length); OB_ETOOBIG past OB_MAX_SDC_FILL stored entries.
 */
static ob_err sparse_null_zero(const struct ob_sdc_system *y, size_t n,
                               const size_t *eqs, size_t ne, const size_t *col_of, uint32_t p,
                               uint64_t seed, bool *det)
{
	struct sp_row *row = ob_calloc(ne + 1, sizeof(*row)), tmp = { 0 };
	struct sp_list *col = ob_calloc(n + 1, sizeof(*col));
	uint32_t *count = ob_calloc(n + 1, sizeof(*count)), *x;
	uint32_t *done = ob_malloc((ne + 1) * sizeof(*done)), *pivot = ob_malloc((ne + 1) * sizeof(*pivot));
	bool *active = ob_malloc((ne + 1) * sizeof(*active));
	struct sp_heap heap = { 0 };
	size_t ndone = 0, stored = 0;
	struct ob_rng rng;
	ob_err e = OB_OK;

	/* the rows: each equation's unknown cells, duplicates summed */
	for (size_t i = 0; i < ne; i++) {
		struct sp_row *r = &row[i];
		uint32_t m = 0;

		for (size_t k = y->eq_first[eqs[i]]; k < y->eq_first[eqs[i] + 1]; k++)
			if (unknown(y, y->eq_cell[k]))
				sp_row_push(r, (uint32_t)col_of[y->eq_cell[k]],
				            y->eq_coef[k] > 0 ? (uint32_t)y->eq_coef[k]
				                              : p - (uint32_t)-y->eq_coef[k]);
		qsort(r->e, r->n, sizeof(*r->e), sp_cmp_entry);
		for (uint32_t k = 0; k < r->n; k++) {
			if (m && r->e[m - 1].col == r->e[k].col) {
				r->e[m - 1].val = (uint32_t)(((uint64_t)r->e[m - 1].val + r->e[k].val) % p);
				if (!r->e[m - 1].val)
					m--;
			} else {
				r->e[m++] = r->e[k];
			}
		}
		r->n = m;
		stored += m;
		for (uint32_t k = 0; k < m; k++) {
			count[r->e[k].col]++;
			sp_list_push(&col[r->e[k].col], (uint32_t)i);
		}
		active[i] = true;
		sp_heap_push(&heap, (uint64_t)m << 32 | i);
	}
	while (heap.n) {
		uint64_t top = sp_heap_pop(&heap);
		uint32_t ri = (uint32_t)top, len = (uint32_t)(top >> 32), c, inv;
		struct sp_row *r = &row[ri];

		if (!active[ri] || r->n != len)
			continue; /* stale */
		active[ri] = false;
		if (!r->n)
			continue; /* a combination of the rows before */
		c = r->e[0].col;
		inv = r->e[0].val;
		for (uint32_t k = 1; k < r->n; k++)
			if (count[r->e[k].col] < count[c]) {
				c = r->e[k].col;
				inv = r->e[k].val;
			}
		inv = sp_inv(inv, p);
		for (uint32_t k = 0; k < r->n; k++)
			count[r->e[k].col]--;
		/* take column c out of every other row that holds it */
		for (uint32_t j = 0; j < col[c].n; j++) {
			uint32_t si = col[c].v[j], lo = 0, hi, f, a = 0, b = 0;
			struct sp_row *s = &row[si];

			if (!active[si])
				continue;
			hi = s->n;
			while (lo < hi) {
				uint32_t mid = (lo + hi) / 2;
				if (s->e[mid].col < c)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == s->n || s->e[lo].col != c)
				continue; /* stale: cancelled before */
			f = sp_mul(s->e[lo].val, inv, p);
			/* s - f * r, merged by column */
			tmp.n = 0;
			while (a < s->n || b < r->n) {
				if (b == r->n || (a < s->n && s->e[a].col < r->e[b].col)) {
					sp_row_push(&tmp, s->e[a].col, s->e[a].val);
					a++;
				} else if (a == s->n || r->e[b].col < s->e[a].col) {
					uint32_t cc = r->e[b].col;
					sp_row_push(&tmp, cc, p - sp_mul(f, r->e[b].val, p));
					count[cc]++;
					sp_list_push(&col[cc], si);
					b++;
				} else {
					uint32_t cc = s->e[a].col;
					uint32_t v = (uint32_t)(((uint64_t)s->e[a].val + p -
					                         sp_mul(f, r->e[b].val, p)) % p);
					if (v)
						sp_row_push(&tmp, cc, v);
					else
						count[cc]--;
					a++;
					b++;
				}
			}
			stored = stored - s->n + tmp.n;
			{
				struct sp_row t = *s;
				*s = tmp;
				tmp = t;
			}
			sp_heap_push(&heap, (uint64_t)s->n << 32 | si);
			if (stored > OB_MAX_SDC_FILL) {
				e = OB_ETOOBIG;
				goto release;
			}
		}
		free(col[c].v);
		col[c] = (struct sp_list){ 0 };
		done[ndone] = ri;
		pivot[ndone++] = c;
	}
	/* a random null vector: free columns at random, the pivots solved
	 * last row first (a row holds no pivot column eliminated before it) */
	x = ob_malloc((n + 1) * sizeof(*x));
	ob_rng_seed(&rng, seed);
	for (size_t i = 0; i < n; i++)
		x[i] = 1 + (uint32_t)ob_rng_below(&rng, p - 1);
	for (size_t k = ndone; k-- > 0;) {
		const struct sp_row *r = &row[done[k]];
		uint64_t sum = 0;
		uint32_t pv = 0;

		for (uint32_t j = 0; j < r->n; j++) {
			if (r->e[j].col == pivot[k])
				pv = r->e[j].val;
			else
				sum = (sum + (uint64_t)r->e[j].val * x[r->e[j].col]) % p;
		}
		x[pivot[k]] = sp_mul((uint32_t)((p - sum) % p), sp_inv(pv, p), p);
	}
	for (size_t i = 0; i < n; i++)
		if (!x[i])
			det[i] = true;
	free(x);
release:
	for (size_t i = 0; i < ne; i++)
		free(row[i].e);
	for (size_t i = 0; i < n; i++)
		free(col[i].v);
	free(row);
	free(col);
	free(tmp.e);
	free(count);
	free(done);
	free(pivot);
	free(active);
	free(heap.v);
	return e;
}

/*
 * Which cells of a block are determined (det[i] for cells[i]): a cell is
 * determined exactly when every vector of the null space of the block's
 * matrix is zero at it. Over the rationals the check is exact; here a
 * cell counts as determined when a random null vector modulo either prime
 * is zero at it. A determined cell is always found (its coordinate is zero
 * in every null vector, unless both primes divide a minor of the matrix);
 * a cell that is not determined is reported as such unless the random
 * vector happens to vanish there (probability 1/p per prime), which only
 * costs one more suppression.
 */
static ob_err sparse_determined(const struct ob_sdc_system *y, const size_t *cells, size_t n,
                                const size_t *eqs, size_t ne, size_t *col_of, bool *det)
{
	ob_err e;

	for (size_t i = 0; i < n; i++) {
		col_of[cells[i]] = i;
		det[i] = false;
	}
	if ((e = sparse_null_zero(y, n, eqs, ne, col_of, SP_PRIME_A, SP_SEED, det)))
		return e;
	return sparse_null_zero(y, n, eqs, ne, col_of, SP_PRIME_B, SP_SEED + 1, det);
}

/* ------------------------------------------------------------------------
 * Step 3, dense: the reference the sparse check is tested against.
 */

/* Reduced row echelon form of m (rows x cols) in place; pivot_of_row[i] is
 * the pivot column of row i (for i < rank). Returns the rank. */
static size_t rref(double *m, size_t rows, size_t cols, size_t *pivot_of_row)
{
	size_t rank = 0;

	for (size_t c = 0; c < cols && rank < rows; c++) {
		size_t best = rank;
		double bv = fabs(m[rank * cols + c]);

		for (size_t r = rank + 1; r < rows; r++)
			if (fabs(m[r * cols + c]) > bv) {
				bv = fabs(m[r * cols + c]);
				best = r;
			}
		if (bv < LA_EPS)
			continue;
		if (best != rank)
			for (size_t k = 0; k < cols; k++) {
				double tmp = m[rank * cols + k];
				m[rank * cols + k] = m[best * cols + k];
				m[best * cols + k] = tmp;
			}
		{
			double p = m[rank * cols + c];
			for (size_t k = 0; k < cols; k++)
				m[rank * cols + k] /= p;
		}
		for (size_t r = 0; r < rows; r++) {
			double f;
			if (r == rank || fabs(f = m[r * cols + c]) < LA_EPS)
				continue;
			for (size_t k = 0; k < cols; k++)
				m[r * cols + k] -= f * m[rank * cols + k];
			m[r * cols + c] = 0;
		}
		pivot_of_row[rank++] = c;
	}
	return rank;
}

/* det[i]: cells[i] is determined (a pivot whose row has no other non-zero
 * entry in the reduced row echelon form). */
static ob_err dense_determined(const struct ob_sdc_system *y, const size_t *cells, size_t n,
                               const size_t *eqs, size_t ne, size_t *col_of, bool *det,
                               struct ob_diag *d)
{
	double *m;
	size_t *piv, rank;

	if (ne && n > OB_MAX_SDC_MATRIX / ne)
		return OB_DIAG(d, OB_ETOOBIG, "tabla", 0, 0, NULL, 0,
		               "un bloque de %zu celdas suprimidas y %zu ecuaciones es "
		               "demasiado grande para la verificación densa",
		               "a block of %zu suppressed cells and %zu equations is too "
		               "large for the dense check", n, ne);
	for (size_t i = 0; i < n; i++) {
		col_of[cells[i]] = i;
		det[i] = false;
	}
	m = ob_calloc(ne * n + 1, sizeof(*m));
	piv = ob_calloc(ne + 1, sizeof(*piv));
	for (size_t i = 0; i < ne; i++)
		for (size_t k = y->eq_first[eqs[i]]; k < y->eq_first[eqs[i] + 1]; k++)
			if (unknown(y, y->eq_cell[k]))
				m[i * n + col_of[y->eq_cell[k]]] += y->eq_coef[k];
	rank = rref(m, ne, n, piv);
	for (size_t i = 0; i < rank; i++) {
		bool alone = true;
		for (size_t k = 0; k < n && alone; k++)
			if (k != piv[i] && fabs(m[i * n + k]) >= LA_EPS)
				alone = false;
		det[piv[i]] = alone;
	}
	free(piv);
	free(m);
	return OB_OK;
}

ob_err ob_sdc_system_determined(const struct ob_sdc_system *y, bool dense, bool *determined,
                                struct ob_diag *d)
{
	size_t *cells = ob_malloc((y->n + 1) * sizeof(*cells)), n = 0;
	size_t *eqs = ob_malloc((y->neq + 1) * sizeof(*eqs)), ne = 0;
	size_t *col_of = ob_malloc((y->n + 1) * sizeof(*col_of));
	bool *det = ob_calloc(y->n + 1, sizeof(*det));
	ob_err e;

	for (size_t i = 0; i < y->n; i++) {
		determined[i] = false;
		if (unknown(y, i))
			cells[n++] = i;
	}
	for (size_t q = 0; q < y->neq; q++)
		for (size_t k = y->eq_first[q]; k < y->eq_first[q + 1]; k++)
			if (unknown(y, y->eq_cell[k])) {
				eqs[ne++] = q;
				break;
			}
	e = dense ? dense_determined(y, cells, n, eqs, ne, col_of, det, d)
	          : sparse_determined(y, cells, n, eqs, ne, col_of, det);
	if (e == OB_ETOOBIG && !dense)
		e = OB_DIAG(d, OB_ETOOBIG, "tabla", 0, 0, NULL, 0,
		            "la eliminación dispersa pasa de %d entradas",
		            "the sparse elimination exceeds %d entries", OB_MAX_SDC_FILL);
	for (size_t i = 0; i < n && !e; i++)
		determined[cells[i]] = det[i];
	free(cells);
	free(eqs);
	free(col_of);
	free(det);
	return e;
}

/*
 * The equations that can tell a cell that must stay unknown: all but those
 * holding an unknown cell that need not stay unknown and that no other
 * such equation holds (a hidden rest that is not small: a combination that
 * uses the equation keeps that cell, so no combination giving one cell
 * alone uses it), repeated until none is left. active[q] says which.
 */
static void peel(const struct ob_sdc_system *y, const size_t *cell_first, const size_t *cell_eq,
                 int mode, bool *active)
{
	size_t *uses = ob_calloc(y->n + 1, sizeof(*uses)), *stack, top = 0;

	for (size_t q = 0; q < y->neq; q++)
		active[q] = mode == ALG_ALL || (mode == ALG_TABLES && y->eq_kind[q] != EQ_LINK) ||
		            (mode == ALG_LOCAL && y->eq_kind[q] != EQ_ROWS);
	stack = ob_malloc((y->n + 1) * sizeof(*stack));
	for (size_t i = 0; i < y->n; i++) {
		if (!unknown(y, i) || guarded(y, i))
			continue;
		for (size_t k = cell_first[i]; k < cell_first[i + 1]; k++)
			uses[i] += active[cell_eq[k]];
		if (uses[i] == 1)
			stack[top++] = i;
	}
	while (top) {
		size_t x = stack[--top], q = SIZE_MAX;

		if (uses[x] != 1)
			continue;
		for (size_t k = cell_first[x]; k < cell_first[x + 1]; k++)
			if (active[cell_eq[k]])
				q = cell_eq[k];
		if (q == SIZE_MAX)
			continue;
		active[q] = false;
		for (size_t k = y->eq_first[q]; k < y->eq_first[q + 1]; k++) {
			size_t c = y->eq_cell[k];
			if (!unknown(y, c) || guarded(y, c) || !uses[c])
				continue;
			if (--uses[c] == 1)
				stack[top++] = c;
		}
	}
	free(uses);
	free(stack);
}

/*
 * The blocks of step 3 found without a determined cell that must stay
 * unknown, by signature: a block whose unknown cells and equations are the
 * same in the next round has the same matrix, so it is not eliminated again
 * (only the blocks that a suppression touched are). One per mode.
 */
struct alg_sig {
	uint64_t hash;
	size_t first, n, ne;
};

struct alg_cache {
	struct alg_sig *v;
	size_t n, cap;
};

static uint64_t mix64(uint64_t h, uint64_t x)
{
	h ^= x + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
	h ^= h >> 31;
	h *= 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 29);
}

static int sig_cmp(const void *a, const void *b)
{
	const struct alg_sig *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return (x->ne > y->ne) - (x->ne < y->ne);
}

static void cache_push(struct alg_cache *c, struct alg_sig s)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = ob_realloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = s;
}

/* Step 3 over all blocks; *added tells whether a cell was suppressed.
 * cell_first/cell_eq: the equations of each cell (CSR); cache: the blocks
 * of the round before with no determined cell (replaced by this round's). */
static ob_err algebra_round(struct ob_sdc_system *y, const size_t *cell_first,
                            const size_t *cell_eq, int mode, struct alg_cache *cache,
                            struct ob_sdc_stats *st, bool *added, struct ob_diag *d)
{
	size_t cells = y->n, neq = y->neq;
	size_t *uf = ob_malloc((cells + 1) * sizeof(*uf));
	size_t *order = ob_malloc((cells + 1) * sizeof(*order)), *start = ob_calloc(cells + 1, sizeof(*start));
	size_t *gorder = ob_malloc((neq + 1) * sizeof(*gorder)), *gstart = ob_calloc(cells + 1, sizeof(*gstart));
	size_t *col_of = ob_malloc((cells + 1) * sizeof(*col_of)), *fill;
	size_t *todo = ob_malloc((cells + 1) * sizeof(*todo)), ntodo = 0;
	size_t *eq_root = ob_malloc((neq + 1) * sizeof(*eq_root));
	bool *active = ob_malloc((neq + 1) * sizeof(*active));
	bool *det = ob_malloc((cells + 1) * sizeof(*det));
	struct alg_cache next = { 0 };
	ob_err e = OB_OK;

	*added = false;
	st->algebra_rounds++;
	peel(y, cell_first, cell_eq, mode, active);
	for (size_t i = 0; i < cells; i++)
		uf[i] = i;
	/* blocks: unknown cells sharing an equation */
	for (size_t q = 0; q < neq; q++) {
		size_t first = SIZE_MAX;

		if (!active[q])
			continue;

		for (size_t k = y->eq_first[q]; k < y->eq_first[q + 1]; k++) {
			size_t cell = y->eq_cell[k];
			if (!unknown(y, cell))
				continue;
			if (first == SIZE_MAX)
				first = cell;
			else
				uf[uf_find(uf, cell)] = uf_find(uf, first);
		}
	}
	/* bucket the unknown cells and their equations by block root */
	for (size_t i = 0; i < cells; i++)
		if (unknown(y, i))
			start[uf_find(uf, i) + 1]++;
	for (size_t q = 0; q < neq; q++) {
		eq_root[q] = SIZE_MAX;
		for (size_t k = y->eq_first[q]; active[q] && k < y->eq_first[q + 1]; k++)
			if (unknown(y, y->eq_cell[k])) {
				eq_root[q] = uf_find(uf, y->eq_cell[k]);
				gstart[eq_root[q] + 1]++;
				break;
			}
	}
	for (size_t i = 0; i < cells; i++) {
		start[i + 1] += start[i];
		gstart[i + 1] += gstart[i];
	}
	fill = ob_malloc((cells + 1) * sizeof(*fill));
	memcpy(fill, start, (cells + 1) * sizeof(*fill));
	for (size_t i = 0; i < cells; i++)
		if (unknown(y, i))
			order[fill[uf_find(uf, i)]++] = i;
	memcpy(fill, gstart, (cells + 1) * sizeof(*fill));
	for (size_t q = 0; q < neq; q++)
		if (eq_root[q] != SIZE_MAX)
			gorder[fill[eq_root[q]]++] = q;
	free(fill);
	for (size_t root = 0; root < cells; root++) {
		size_t n = start[root + 1] - start[root], ne = gstart[root + 1] - gstart[root];
		const size_t *bc = order + start[root], *bq = gorder + gstart[root];
		struct alg_sig sig;
		bool any = false;

		if (!n)
			continue;
		for (size_t i = 0; i < n && !any; i++)
			any = guarded(y, bc[i]);
		if (!any)
			continue;
		sig = (struct alg_sig){ (uint64_t)mode, bc[0], n, ne };
		for (size_t i = 0; i < n; i++)
			sig.hash = mix64(sig.hash, bc[i]);
		for (size_t i = 0; i < ne; i++)
			sig.hash = mix64(sig.hash, bq[i] ^ 0x8000000000000000ull);
		if (cache->n && bsearch(&sig, cache->v, cache->n, sizeof(sig), sig_cmp)) {
			st->algebra_blocks_kept++;
			cache_push(&next, sig);
			continue;
		}
		st->algebra_blocks++;
		if (n > st->algebra_largest)
			st->algebra_largest = n;
		e = sparse_determined(y, bc, n, bq, ne, col_of, det);
		if (e == OB_ETOOBIG && mode == ALG_ALL && y->neq_tables < y->neq) {
			/* too large with the links: the check runs on the
			 * tables' equations alone from now on (see sdc.h) */
			e = OB_OK;
			y->algebra_tables_only = true;
			st->algebra_tables_only = true;
			ntodo = 0;
			*added = true;
			goto release;
		}
		if (e == OB_ETOOBIG)
			e = OB_DIAG(d, OB_ETOOBIG, "tabla", 0, 0, NULL, 0,
			            "un bloque de %zu celdas suprimidas y %zu ecuaciones pasa "
			            "de %d entradas en la verificación algebraica",
			            "a block of %zu suppressed cells and %zu equations exceeds "
			            "%d entries in the algebraic check", n, ne, OB_MAX_SDC_FILL);
		if (e)
			goto release;
		/* the first determined cell that must stay unknown, by position */
		{
			bool found = false;
			for (size_t i = 0; i < n && !found; i++)
				if (det[i] && guarded(y, bc[i])) {
					todo[ntodo++] = bc[i];
					found = true;
				}
			if (!found)
				cache_push(&next, sig);
		}
	}
	/* one more suppression per block with a determined cell */
	for (size_t i = 0; i < ntodo; i++) {
		size_t best = 0, root;
		bool have = false;

		for (size_t k = cell_first[todo[i]]; k < cell_first[todo[i] + 1]; k++)
			if (active[cell_eq[k]])
				best_in_eq(y, cell_eq[k], &best, &have);
		root = uf_find(uf, todo[i]);
		for (size_t k = gstart[root]; !have && k < gstart[root + 1]; k++)
			best_in_eq(y, gorder[k], &best, &have);
		if (!have) {
			/* cannot happen (see sdc.h); refuse rather than publish */
			e = OB_DIAG(d, OB_EINVAL, "tabla", 0, 0, NULL, 0,
			            "la celda %zu sigue siendo deducible y no queda celda "
			            "que suprimir",
			            "cell %zu can still be deduced and no cell is left to "
			            "suppress", todo[i]);
			goto release;
		}
		if (y->status[best] == OB_SDC_SHOWN) {
			y->status[best] = OB_SDC_SECONDARY;
			st->secondary++;
			*added = true;
		}
	}
	if (ntodo && !*added)
		e = OB_DIAG(d, OB_EINVAL, "tabla", 0, 0, NULL, 0,
		            "la supresión secundaria no avanza",
		            "secondary suppression makes no progress");
	if (next.n)
		qsort(next.v, next.n, sizeof(*next.v), sig_cmp);
	free(cache->v);
	*cache = next;
	next = (struct alg_cache){ 0 };
release:
	free(next.v);
	free(uf);
	free(order);
	free(start);
	free(gorder);
	free(gstart);
	free(col_of);
	free(todo);
	free(eq_root);
	free(active);
	free(det);
	return e;
}

ob_err ob_sdc_system_protect(struct ob_sdc_system *y, const struct ob_sdc_config *cfg,
                             struct ob_sdc_stats *stats, struct ob_diag *d)
{
	struct ob_sdc_stats local;
	size_t cells = y->n, *cell_first = NULL, *cell_eq = NULL, *fill;
	struct alg_cache cache[3] = { { 0 }, { 0 }, { 0 } };
	bool added = true;
	ob_err e = OB_OK;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (y->protected_done)
		return OB_DIAG(d, OB_EINVAL, "tabla", 0, 0, NULL, 0,
		               "la tabla ya fue protegida", "the table was already protected");
	stats->cells = cells;
	y->small = ob_calloc(cells + 1, sizeof(*y->small));
	for (size_t i = 0; i < cells; i++) {
		struct ob_sdc_rule rule = ob_sdc_rule_of(cfg, y->cls[i]);
		long long v = y->value[i];
		y->small[i] = v == 0 ? rule.zero_sensitive : v < rule.min_count;
		if ((y->cls[i] & OB_SDC_NOT_RECORDED) && !cfg->unknown_sensitive)
			y->small[i] = false;
		if (y->hidden[i]) {
			y->status[i] = OB_SDC_HIDDEN;
			continue;
		}
		y->status[i] = y->small[i] ? OB_SDC_PRIMARY : OB_SDC_SHOWN;
		stats->primary += y->small[i];
	}
	/* the equations of each cell */
	cell_first = ob_calloc(cells + 2, sizeof(*cell_first));
	cell_eq = ob_malloc((y->eq_first[y->neq] + 1) * sizeof(*cell_eq));
	for (size_t k = 0; k < y->eq_first[y->neq]; k++)
		cell_first[y->eq_cell[k] + 1]++;
	for (size_t i = 0; i < cells; i++)
		cell_first[i + 1] += cell_first[i];
	fill = ob_malloc((cells + 1) * sizeof(*fill));
	memcpy(fill, cell_first, (cells + 1) * sizeof(*fill));
	for (size_t q = 0; q < y->neq; q++)
		for (size_t k = y->eq_first[q]; k < y->eq_first[q + 1]; k++)
			cell_eq[fill[y->eq_cell[k]]++] = q;
	free(fill);
	while (added) {
		bool more = false;

		pair_fixed_point(y, stats);
		if (!y->algebra_tables_only) {
			e = algebra_round(y, cell_first, cell_eq, ALG_ALL, &cache[ALG_ALL], stats, &added, d);
		} else {
			/* too large with the links: each table, then each
			 * territory's links and sexes */
			e = algebra_round(y, cell_first, cell_eq, ALG_TABLES, &cache[ALG_TABLES], stats, &added, d);
			if (!e)
				e = algebra_round(y, cell_first, cell_eq, ALG_LOCAL, &cache[ALG_LOCAL], stats, &more, d);
			added |= more;
		}
		if (e) {
			/* nothing of a system that failed protection may be shown */
			for (size_t i = 0; i < cells; i++)
				if (!y->hidden[i])
					y->status[i] = OB_SDC_SECONDARY;
			goto release;
		}
	}
	y->protected_done = true;
release:
	for (size_t m = 0; m < OB_ARRAY_SIZE(cache); m++)
		free(cache[m].v);
	free(cell_first);
	free(cell_eq);
	free(y->small);
	y->small = NULL;
	return e;
}

bool ob_sdc_system_value(const struct ob_sdc_system *y, size_t cell, long long *v)
{
	if (!y->protected_done || cell >= y->n || y->status[cell] != OB_SDC_SHOWN)
		return false;
	*v = y->value[cell];
	return true;
}

enum ob_sdc_status ob_sdc_system_status(const struct ob_sdc_system *y, size_t cell)
{
	return (enum ob_sdc_status)y->status[cell];
}

/* ------------------------------------------------------------------------
 * Tables: a system whose equations are the tree equations of two
 * dimensions.
 */

ob_err ob_sdc_system_add_table(struct ob_sdc_system *y, const struct ob_sdc_table *t,
                               size_t first)
{
	size_t nr = t->nrows, nc = t->ncols, cells = nr * nc;
	size_t *parts = ob_malloc((nr > nc ? nr : nc) * sizeof(*parts) + sizeof(*parts));
	ob_err e = OB_OK;

	if (first > y->n || cells > y->n - first) {
		free(parts);
		return OB_EINVAL;
	}
	if (t->col_classes)
		for (size_t g = 0; g < cells; g++)
			y->cls[first + g] |= t->col_classes[g % nc];
	/* row equations (a total over its children rows), then column ones,
	 * each in the order of its total cell */
	y->kind = EQ_ROWS;
	for (size_t g = 0; g < cells && !e; g++) {
		size_t r = g / nc, c = g % nc, n = 0;
		if (ob_sdc_row_is_leaf(t, r))
			continue;
		for (size_t k = t->row_first[r]; k < t->row_first[r + 1]; k++)
			parts[n++] = first + t->row_kids[k] * nc + c;
		e = ob_sdc_system_add_equation(y, first + g, parts, n);
	}
	y->kind = EQ_COLS;
	for (size_t g = 0; g < cells && !e; g++) {
		size_t r = g / nc, c = g % nc, n = 0;
		if (ob_sdc_col_is_leaf(t, c))
			continue;
		for (size_t k = t->col_first[c]; k < t->col_first[c + 1]; k++)
			parts[n++] = first + r * nc + t->col_kids[k];
		e = ob_sdc_system_add_equation(y, first + g, parts, n);
	}
	free(parts);
	y->kind = y->neq_tables == SIZE_MAX ? EQ_ROWS : EQ_LINK;
	return e;
}

ob_err ob_sdc_table_totals(struct ob_sdc_table *t, struct ob_diag *d)
{
	if (t->protected_done)
		return OB_DIAG(d, OB_EINVAL, "tabla", 0, 0, NULL, 0,
		               "la tabla ya fue protegida", "the table was already protected");
	return compute_totals(t, d);
}

void ob_sdc_table_take(struct ob_sdc_table *t, const struct ob_sdc_system *y, size_t first)
{
	memcpy(t->status, y->status + first, t->nrows * t->ncols);
	t->protected_done = y->protected_done;
}

ob_err ob_sdc_protect(struct ob_sdc_table *t, const struct ob_sdc_config *cfg,
                      struct ob_sdc_stats *stats, struct ob_diag *d)
{
	struct ob_sdc_system y;
	size_t cells = t->nrows * t->ncols;
	ob_err e;

	if (stats)
		memset(stats, 0, sizeof(*stats));
	if ((e = ob_sdc_table_totals(t, d)))
		return e;
	ob_sdc_system_init(&y);
	if ((e = ob_sdc_system_add_cells(&y, cells, t->classes, false, NULL)))
		goto release;
	memcpy(y.value, t->value, cells * sizeof(*y.value));
	if ((e = ob_sdc_system_add_table(&y, t, 0)))
		goto release;
	e = ob_sdc_system_protect(&y, cfg, stats, d);
	memcpy(t->status, y.status, cells);
	t->protected_done = !e;
release:
	if (e)
		memset(t->status, OB_SDC_SECONDARY, cells);
	ob_sdc_system_release(&y);
	return e;
}

enum ob_sdc_status ob_sdc_status(const struct ob_sdc_table *t, size_t r, size_t c)
{
	return (enum ob_sdc_status)t->status[r * t->ncols + c];
}

bool ob_sdc_value(const struct ob_sdc_table *t, size_t r, size_t c, long long *v)
{
	if (!t->protected_done || r >= t->nrows || c >= t->ncols ||
	    t->status[r * t->ncols + c] != OB_SDC_SHOWN)
		return false;
	*v = t->value[r * t->ncols + c];
	return true;
}

const char *ob_sdc_flag(const struct ob_sdc_table *t, size_t r, size_t c)
{
	long long v;

	return ob_sdc_value(t, r, c, &v) ? NULL : OB_SDC_FLAG;
}

bool ob_sdc_rate(const struct ob_sdc_table *t, size_t r, size_t c, double population,
                 double per, double *rate)
{
	long long v;

	if (!ob_sdc_value(t, r, c, &v) || !isfinite(population) || population <= 0 ||
	    !isfinite(per) || per <= 0)
		return false;
	*rate = (double)v / population * per;
	return true;
}

ob_err ob_sdc_json_value(struct ob_buf *b, const struct ob_sdc_table *t, size_t r, size_t c)
{
	long long v;

	if (!ob_sdc_value(t, r, c, &v))
		return ob_buf_adds(b, "null");
	return ob_buf_addf(b, "%lld", v);
}

void ob_sdc_csv_cell(struct ob_csvw *w, const struct ob_sdc_table *t, size_t r, size_t c)
{
	long long v;

	if (ob_sdc_value(t, r, c, &v)) {
		ob_csvw_int(w, v);
		ob_csvw_str(w, NULL);
	} else {
		ob_csvw_str(w, NULL);
		ob_csvw_str(w, OB_SDC_FLAG);
	}
}

unsigned ob_sdc_class_of_indicator(const struct ob_indicator *ind)
{
	unsigned cls = 0;

	for (int i = 0; i < ind->n_clauses; i++) {
		const struct ob_ind_clause *c = &ind->clauses[i];
		if (c->field == OB_FLD_CATEGORY) {
			const char *v = c->values;
			while (*v) {
				cls |= ob_sdc_class_of_iccs(v);
				v = strchr(v, '|');
				if (!v)
					break;
				v++;
			}
		} else if (c->field == OB_FLD_AGE) {
			bool minors = true;
			const char *v = c->values;
			while (*v) {
				long long a, b;
				const char *bar = strchr(v, '|'), *dash = strchr(v, '-');
				size_t n = bar ? (size_t)(bar - v) : strlen(v);
				if (dash && dash < v + n) {
					if (!ob_parse_int(dash + 1, (size_t)(v + n - dash - 1), 0, 200, &b))
						minors = false;
					else if (b >= 18)
						minors = false;
				} else if (!ob_parse_int(v, n, 0, 200, &a) || a >= 18) {
					minors = false;
				}
				(void)a;
				if (!bar)
					break;
				v = bar + 1;
			}
			if (minors)
				cls |= OB_SDC_MINORS;
		}
	}
	if (ind->iccs)
		cls |= ob_sdc_class_of_iccs(ind->iccs);
	return cls;
}
