/* preset.c - index presets: the definition from the catalogue, its indicator values from the snapshot. */
#include "index/preset.h"
#include "index/index_impl.h"
#include "index/cases.h"
#include "index/inputs.h"
#include "index/institutional.h"

#include <math.h>
#include <unistd.h>

#include "base/file.h"
#include "base/log.h"
#include "base/strmap.h"
#include "catalog/catalog.h"
#include "cases/schools.h"
#include "catalog/embedded.h"
#include "io/csv.h"
#include "stats/rate.h"
#include "text/text.h"

#define PRESET_DIR "index"

/* ------------------------------------------------------------ the text */

static ob_err read_text(const char *path, struct ob_buf *text, struct ob_diag *d)
{
	char *data;
	size_t len;
	ob_err e;

	if ((e = ob_read_file(path, OB_MAX_CONFIG_FILE, &data, &len, d)))
		return e;
	if ((e = ob_buf_add(text, data, len)))
		OB_DIAG(d, e, path, 0, 0, NULL, 0, "archivo demasiado grande", "file too large");
	free(data);
	return e;
}

static bool is_path(const char *s)
{
	size_t n = strlen(s);
	return strchr(s, '/') || (n > 4 && !strcmp(s + n - 4, ".ini"));
}

static bool name_ok(const char *s)
{
	if (!*s || *s == '.')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

ob_err ob_index_preset_text(const char *dir, const char *preset, struct ob_buf *text,
                            char *name, size_t name_size, struct ob_diag *d)
{
	char path[OB_MAX_PATH], emb[OB_MAX_PATH];
	struct ob_buf avail = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	ob_err e;

	if (is_path(preset)) {
		snprintf(name, name_size, "%s", preset);
		return read_text(preset, text, d);
	}
	if (!name_ok(preset))
		return OB_DIAG(d, OB_EUSAGE, "--preset", 0, 0, preset, strlen(preset),
		               "nombre de índice no válido: letras, cifras, - _ .",
		               "invalid index name: letters, digits, - _ .");
	if (snprintf(path, sizeof(path), "%s/%s/%s/%s.ini", dir, OB_CATALOG_DIR, PRESET_DIR,
	             preset) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (access(path, F_OK) == 0) {
		snprintf(name, name_size, "%s", path);
		return read_text(path, text, d);
	}
	snprintf(emb, sizeof(emb), "%s/%s.ini", PRESET_DIR, preset);
	for (size_t i = 0; i < ob_catalog_files_count; i++) {
		const struct ob_embedded_file *f = &ob_catalog_files[i];
		size_t n = strlen(f->path);
		if (!strcmp(f->path, emb)) {
			snprintf(name, name_size, OB_TR("%s/%s (incorporado)", "%s/%s (built in)"),
			         OB_CATALOG_DIR, emb);
			return ob_buf_add(text, f->data, f->len)
			               ? OB_DIAG(d, OB_ETOOBIG, emb, 0, 0, NULL, 0,
			                         "archivo demasiado grande", "file too large")
			               : OB_OK;
		}
		if (!strncmp(f->path, PRESET_DIR "/", sizeof(PRESET_DIR)) && n > 4 &&
		    !strcmp(f->path + n - 4, ".ini")) {
			if (avail.len)
				ob_buf_puts(&avail, ", ");
			ob_buf_put(&avail, f->path + sizeof(PRESET_DIR), n - 4 - sizeof(PRESET_DIR));
		}
	}
	e = OB_DIAG(d, OB_ENOENT, "--preset", 0, 0, preset, strlen(preset),
	            "índice desconocido: no está en %s ni entre los incorporados (%s); o dé "
	            "la ruta de un archivo .ini",
	            "unknown index: not in %s nor among the built-in ones (%s); or give the "
	            "path of an .ini file", path, avail.ptr ? avail.ptr : "");
	ob_buf_release(&avail);
	return e;
}

/* ---------------------------------------------------- the --input file */

struct extra {
	const char *path;
	size_t nrows;
	char **unit, **name, **terr;
	long *line;
	double *x;      /* nrows x nind (NaN: missing or not an external column) */
	bool *has_col;  /* nind: an external indicator the file has */
	double *per;    /* nrows x nind: the value of the column an indicator's
	                   cases are divided by (NaN: none) */
	bool *has_per;  /* nind: the file has that column */
	long terr_col;  /* 1-based field number of territory_column, 0 if none */
};

static void extra_release(struct extra *x)
{
	for (size_t r = 0; r < x->nrows; r++) {
		free(x->unit[r]);
		free(x->name[r]);
		free(x->terr[r]);
	}
	free(x->unit);
	free(x->name);
	free(x->terr);
	free(x->line);
	free(x->x);
	free(x->has_col);
	free(x->per);
	free(x->has_per);
	memset(x, 0, sizeof(*x));
}

static char *field_dup(const struct ob_csv_record *rec, size_t c)
{
	const char *s;
	size_t n;

	if (c == (size_t)-1 || c >= rec->nfields)
		return NULL;
	s = rec->fields[c].ptr;
	n = rec->fields[c].len;
	ob_trim(&s, &n);
	return n ? ob_strndup(s, n) : NULL;
}

/* The values of the columns the indicators' cases are divided by (cases =
 * TYPE per N COLUMN): a number above 0, or empty (NaN). */
static ob_err read_per(const struct ob_index_def *def, const char *path,
                       const struct ob_csv_record *rec, const size_t *pcol, double *out,
                       struct ob_diag *d)
{
	for (size_t j = 0; j < def->nind; j++) {
		const char *v;
		size_t n;

		out[j] = NAN;
		if (pcol[j] == (size_t)-1 || pcol[j] >= rec->nfields)
			continue;
		v = rec->fields[pcol[j]].ptr;
		n = rec->fields[pcol[j]].len;
		ob_trim(&v, &n);
		if (n && (!ob_parse_double(v, n, &out[j]) || !(out[j] > 0)))
			return OB_DIAG(d, OB_EINVAL, path, rec->line, (long)pcol[j] + 1, v, n,
			               "se esperaba un número mayor que 0 en la columna %s",
			               "expected a number above 0 in column %s",
			               def->ind[j].cases_column);
	}
	return OB_OK;
}

static ob_err extra_read(const struct ob_index_def *def, const char *path, struct extra *x,
                         struct ob_diag *d)
{
	struct ob_csv_reader *r = NULL;
	const struct ob_csv_record *rec;
	char **keys = NULL;
	size_t ncols = 0, cap = 0, ucol, ncol, tcol, *icol, *pcol;
	struct ob_strmap seen;
	ob_err e;

	memset(x, 0, sizeof(*x));
	x->path = path;
	x->has_col = ob_calloc(def->nind, sizeof(*x->has_col));
	icol = ob_calloc(def->nind, sizeof(*icol));
	pcol = ob_calloc(def->nind, sizeof(*pcol));
	x->has_per = ob_calloc(def->nind, sizeof(*x->has_per));
	ob_strmap_init(&seen);
	if ((e = ob_ix_csv_header(def, path, &r, &rec, &keys, &ncols, &ucol, d)))
		goto out;
	ncol = ob_ix_find_col(keys, ncols, def->name_column);
	tcol = ob_ix_find_col(keys, ncols, def->territory_column);
	x->terr_col = tcol == (size_t)-1 ? 0 : (long)tcol + 1;
	for (size_t j = 0; j < def->nind; j++) {
		icol[j] = def->ind[j].catalog ? (size_t)-1
		                              : ob_ix_find_col(keys, ncols, def->ind[j].column);
		x->has_col[j] = icol[j] != (size_t)-1;
		pcol[j] = def->ind[j].cases_column
		                  ? ob_ix_find_col(keys, ncols, def->ind[j].cases_column)
		                  : (size_t)-1;
		x->has_per[j] = pcol[j] != (size_t)-1;
	}
	while ((e = ob_csv_next(r, &rec, d)) == OB_OK) {
		const char *id;
		size_t idn, u;
		if (rec->blank)
			continue;
		id = ucol < rec->nfields ? rec->fields[ucol].ptr : "";
		idn = ucol < rec->nfields ? rec->fields[ucol].len : 0;
		ob_trim(&id, &idn);
		if (!idn) {
			e = OB_DIAG(d, OB_EINVAL, path, rec->line, (long)ucol + 1, NULL, 0,
			            "unidad vacía en la columna %s", "empty unit in column %s",
			            def->unit_column);
			goto out;
		}
		if (ob_strmap_get(&seen, id, idn)) {
			e = OB_DIAG(d, OB_EINVAL, path, rec->line, (long)ucol + 1, id, idn,
			            "unidad repetida (línea %ld)",
			            "unit given twice (line %ld)",
			            (long)(intptr_t)ob_strmap_get(&seen, id, idn));
			goto out;
		}
		if (x->nrows == OB_MAX_AREAS) {
			e = OB_DIAG(d, OB_ETOOBIG, path, rec->line, 0, NULL, 0,
			            "más de %d unidades", "more than %d units", OB_MAX_AREAS);
			goto out;
		}
		if ((e = ob_strmap_put(&seen, id, idn, (void *)(intptr_t)rec->line, NULL))) {
			OB_DIAG(d, e, path, rec->line, 0, NULL, 0, "demasiadas unidades",
			        "too many units");
			goto out;
		}
		if (x->nrows == cap) {
			cap = cap ? cap * 2 : 64;
			x->unit = ob_realloc(x->unit, cap * sizeof(*x->unit));
			x->name = ob_realloc(x->name, cap * sizeof(*x->name));
			x->terr = ob_realloc(x->terr, cap * sizeof(*x->terr));
			x->line = ob_realloc(x->line, cap * sizeof(*x->line));
			x->x = ob_realloc(x->x, cap * def->nind * sizeof(*x->x));
			x->per = ob_realloc(x->per, cap * def->nind * sizeof(*x->per));
		}
		u = x->nrows++;
		x->unit[u] = ob_strndup(id, idn);
		x->name[u] = field_dup(rec, ncol);
		x->terr[u] = field_dup(rec, tcol);
		x->line[u] = rec->line;
		if ((e = ob_ix_read_values(def, path, rec, icol, &x->x[u * def->nind], d)) ||
		    (e = read_per(def, path, rec, pcol, &x->per[u * def->nind], d)))
			goto out;
	}
	if (e != OB_ENOENT)
		goto out;
	e = OB_OK;
	if (!x->nrows)
		e = OB_DIAG(d, OB_EEMPTY, path, 0, 0, NULL, 0, "el archivo no tiene unidades",
		            "the file has no units");
out:
	if (r)
		ob_csv_close(r);
	for (size_t c = 0; c < ncols; c++)
		free(keys[c]);
	free(keys);
	free(icol);
	free(pcol);
	ob_strmap_release(&seen);
	if (e)
		extra_release(x);
	return e;
}

/* ------------------------------------------------------ the catalogue */

struct cat_ref {
	long ind;     /* index into the set */
	int by;       /* enum ob_ind_by, -1 none, -2 an institutional measure */
	char value[OB_IND_ID_MAX];
};

static ob_err parse_catalog(const struct ob_index_def *def, size_t j,
                            const struct ob_indicator_set *set, struct cat_ref *c,
                            struct ob_diag *d)
{
	const struct ob_ix_indicator *ind = &def->ind[j];
	const char *s = ind->catalog, *sp = strpbrk(s, " \t"), *eq;
	char id[OB_IND_ID_MAX];
	size_t n = sp ? (size_t)(sp - s) : strlen(s);

	c->by = -1;
	c->value[0] = '\0';
	if (n >= sizeof(id) || (memcpy(id, s, n), id[n] = '\0', (c->ind = ob_indicators_find(set, id)) < 0))
		return OB_DIAG(d, OB_EINVAL, def->file, ind->catalog_line, 0, s, n,
		               "indicador %s: «catalog» nombra un indicador que el catálogo "
		               "no tiene (vea «observa indicators list»)",
		               "indicator %s: «catalog» names an indicator the catalogue "
		               "does not have (see «observa indicators list»)", ind->id);
	if (!sp)
		return OB_OK;
	while (*sp == ' ' || *sp == '\t')
		sp++;
	eq = strchr(sp, '=');
	if (!eq || (c->by = ob_ind_by_parse(sp, (size_t)(eq - sp))) < 0)
		return OB_DIAG(d, OB_EINVAL, def->file, ind->catalog_line, 0, sp, strlen(sp),
		               "indicador %s: se esperaba «catalog = ID» o «catalog = ID "
		               "DIMENSIÓN=VALOR» (sex, age_group, manner, mechanism, place, "
		               "relationship, context, source)",
		               "indicator %s: expected «catalog = ID» or «catalog = ID "
		               "DIMENSION=VALUE» (sex, age_group, manner, mechanism, place, "
		               "relationship, context, source)", ind->id);
	if (!(set->v[c->ind].by_allowed & (1u << c->by)))
		return OB_DIAG(d, OB_EINVAL, def->file, ind->catalog_line, 0, sp,
		               (size_t)(eq - sp),
		               "indicador %s: %s no admite esa desagregación",
		               "indicator %s: %s does not allow that disaggregation", ind->id,
		               set->v[c->ind].id);
	if (!eq[1] || strlen(eq + 1) >= sizeof(c->value))
		return OB_DIAG(d, OB_EINVAL, def->file, ind->catalog_line, 0, sp, strlen(sp),
		               "indicador %s: valor de la desagregación vacío o demasiado "
		               "largo", "indicator %s: disaggregation value empty or too long",
		               ind->id);
	ob_strlcpy(c->value, eq + 1, sizeof(c->value));
	return OB_OK;
}

/*
 * The catalogue indicators of def whose disaggregation is by, for the
 * snapshot units qunits[nq], into vals (nq x nind).
 */
/* The value of catalogue indicator ind (index into the set) from counts
 * protected by p (see preset.h), or NaN. */
static double protected_value(const struct ob_index_protect *p,
                              const struct ob_indicator_set *set, size_t ind, int by,
                              const char *value, uint32_t unit, const struct ob_period *period,
                              const struct ob_ind_value *v)
{
	const struct ob_indicator *x = &set->v[ind];
	double c = p->count(p->ctx, ind, by, value, unit, period, v->count), den;

	if (c < 0)
		return NAN;
	if (x->denom == OB_DEN_INDICATOR) {
		if (x->denom_index < 0)
			return NAN;
		den = p->count(p->ctx, (size_t)x->denom_index, by, value, unit, period,
		               v->denominator);
	} else {
		den = v->denominator;
	}
	return den > 0 ? x->multiplier * c / den : NAN;
}

static ob_err compute_group(const struct ob_index_def *def, const struct cat_ref *refs,
                            int by, const struct ob_index_preset_data *data,
                            const struct ob_index_preset_options *o,
                            const struct ob_index_protect *protect,
                            const struct ob_period *period, const uint32_t *qunits,
                            size_t nq, double *vals, uint32_t *flags, struct ob_diag *d)
{
	size_t *ind = ob_malloc(def->nind * sizeof(*ind)), *which = ob_malloc(def->nind *
	                                                                         sizeof(*which));
	size_t k = 0;
	enum ob_ind_by b = by >= 0 ? (enum ob_ind_by)by : OB_BY_SEX;
	struct ob_ind_query q;
	struct ob_ind_result *r = NULL;
	ob_err e = OB_OK;

	for (size_t j = 0; j < def->nind; j++)
		if (def->ind[j].catalog && refs[j].by == by) {
			ind[k] = (size_t)refs[j].ind;
			which[k++] = j;
		}
	if (!k)
		goto out;
	memset(&q, 0, sizeof(q));
	q.indicators = ind;
	q.n_indicators = k;
	q.units = qunits;
	q.n_units = nq;
	q.periods = period;
	q.n_periods = 1;
	q.by = by >= 0 ? &b : NULL;
	q.n_by = by >= 0 ? 1 : 0;
	q.level = 0.95;
	q.unreliable_below = OB_RATE_UNRELIABLE_BELOW;
	q.institution = -1;
	q.rules = data->rules;
	q.has_vintage = o->has_vintage;
	q.vintage = o->vintage;
	if ((e = ob_indicators_compute(data->snap, data->pop, data->set, &q, &r, d)))
		goto out;
	for (size_t i = 0; i < k; i++) {
		size_t j = which[i], cell = 0;
		if (by >= 0) {
			for (cell = 0; cell < r->cells[i]; cell++)
				if (!strcmp(ob_ind_cell_label(r, cell, 0), refs[j].value))
					break;
			if (cell == r->cells[i]) {
				e = OB_DIAG(d, OB_EINVAL, def->file, def->ind[j].catalog_line,
				            0, refs[j].value, strlen(refs[j].value),
				            "indicador %s: la desagregación %s no tiene ese "
				            "valor en los datos del observatorio",
				            "indicator %s: disaggregation %s has no such "
				            "value in the observatory's data", def->ind[j].id,
				            ob_ind_by_name(b));
				goto out;
			}
		}
		for (size_t u = 0; u < nq; u++) {
			const struct ob_ind_value *v = ob_ind_result_at(r, i, u, 0, cell);
			bool missing = v->flags & (OB_IND_NO_DATA | OB_IND_MISSING_DENOMINATOR |
			                           OB_IND_NOT_IN_VINTAGE);
			double x = missing ? NAN : v->value;
			if (!missing)
				*flags |= v->flags;
			if (protect && !isnan(x))
				x = protected_value(protect, data->set, ind[i], by, refs[j].value,
				                    qunits[u], period, v);
			vals[u * def->nind + j] = x;
		}
	}
out:
	ob_ind_result_free(r);
	free(ind);
	free(which);
	return e;
}

/* -------------------------------------------------------------- build */

static const char *snap_code(const struct ob_snapshot *s, uint32_t u)
{
	return ob_snap_str(s, s->units[u].code);
}

/* Units of the index: snapshot units (admin2) or the rows of the file. */
struct units {
	size_t n;
	const char **code, **name;
	uint32_t *snap;   /* the snapshot unit whose catalogue values it takes */
	long *row;        /* its row in the --input file, or -1 */
};

static ob_err admin2_units(const struct ob_index_def *def,
                           const struct ob_index_preset_data *data,
                           const struct ob_index_preset_options *o,
                           const struct ob_period *period, const struct extra *x,
                           struct units *us, struct ob_diag *d)
{
	const struct ob_snapshot *s = data->snap;
	const char *country = o->country ? o->country : def->country;
	uint32_t *sel = NULL;
	size_t n = 0, unmatched = 0, kept = 0;
	long day = o->has_vintage ? o->vintage : ob_period_refday(period);
	struct ob_strmap at;
	ob_err e;

	if ((e = ob_ind_select_units(s, NULL, false, 2, country, &sel, &n, d)))
		return e;
	/* the units of the year's territorial division */
	for (size_t u = 0; u < n; u++)
		if (ob_unit_valid(data->pop, sel[u], day))
			sel[kept++] = sel[u];
	n = kept;
	if (!n) {
		free(sel);
		return OB_DIAG(d, OB_EEMPTY, def->file, 0, 0, country, country ? 3 : 0,
		               "el observatorio no tiene unidades de nivel 2 de ese país",
		               "the observatory has no admin-2 units of that country");
	}
	us->n = n;
	us->snap = sel;
	us->code = ob_calloc(n, sizeof(*us->code));
	us->name = ob_calloc(n, sizeof(*us->name));
	us->row = ob_malloc(n * sizeof(*us->row));
	ob_strmap_init(&at);
	for (size_t u = 0; u < n; u++) {
		us->code[u] = snap_code(s, sel[u]);
		us->name[u] = ob_snap_str(s, s->units[sel[u]].name);
		us->row[u] = -1;
		ob_strmap_put(&at, us->code[u], strlen(us->code[u]), (void *)(uintptr_t)(u + 1), NULL);
	}
	for (size_t r = 0; x && r < x->nrows; r++) {
		uintptr_t u = (uintptr_t)ob_strmap_get(&at, x->unit[r], strlen(x->unit[r]));
		if (u)
			us->row[u - 1] = (long)r;
		else
			unmatched++;
	}
	ob_strmap_release(&at);
	if (unmatched)
		OB_WARN("%s: %zu filas con una unidad que no es de nivel 2 del país elegido: se "
		        "ignoran",
		        "%s: %zu rows whose unit is not an admin-2 unit of the chosen country: "
		        "ignored",
		        x->path, unmatched);
	return OB_OK;
}

static ob_err list_units(const struct ob_index_def *def, const struct ob_index_preset_data *data,
                         const struct extra *x, bool need_terr, long day, struct units *us,
                         struct ob_diag *d)
{
	const struct ob_snapshot *s = data->snap;
	struct ob_strmap at;
	ob_err e = OB_OK;

	if (need_terr && !x->terr_col)
		return OB_DIAG(d, OB_ENOCOL, x->path, 1, 0, def->territory_column,
		               def->territory_column ? strlen(def->territory_column) : 0,
		               "falta la columna del territorio de cada unidad "
		               "(territory_column de %s), necesaria para los indicadores "
		               "del catálogo",
		               "the territory column of each unit is missing "
		               "(territory_column of %s), needed for the catalogue's "
		               "indicators", def->file);
	us->n = x->nrows;
	us->code = ob_calloc(x->nrows, sizeof(*us->code));
	us->name = ob_calloc(x->nrows, sizeof(*us->name));
	us->snap = ob_calloc(x->nrows, sizeof(*us->snap));
	us->row = ob_malloc(x->nrows * sizeof(*us->row));
	ob_strmap_init(&at);
	for (uint32_t u = 0; u < s->n_units; u++) {
		const char *c = snap_code(s, u);
		ob_strmap_put(&at, c, strlen(c), (void *)(uintptr_t)(u + 1), NULL);
	}
	for (size_t r = 0; r < x->nrows; r++) {
		us->code[r] = x->unit[r];
		us->name[r] = x->name[r];
		us->row[r] = (long)r;
		if (!need_terr)
			continue;
		uintptr_t u = x->terr[r] ? (uintptr_t)ob_strmap_get(&at, x->terr[r],
		                                                     strlen(x->terr[r]))
		                         : 0;
		if (!u) {
			e = OB_DIAG(d, OB_EINVAL, x->path, x->line[r], x->terr_col, x->terr[r],
			            x->terr[r] ? strlen(x->terr[r]) : 0,
			            "territorio vacío o que el observatorio no tiene (se "
			            "esperaba un código del catálogo, p. ej. SLV0614)",
			            "territory empty or not in the observatory (expected a "
			            "catalogue code, e.g. SLV0614)");
			break;
		}
		us->snap[r] = (uint32_t)(u - 1);
		/* a unit of another division: the one that holds it that year */
		if (!ob_unit_valid(data->pop, us->snap[r], day)) {
			int32_t t = ob_unit_in_vintage(data->pop, us->snap[r], day);
			if (t >= 0)
				us->snap[r] = (uint32_t)t;
		}
	}
	ob_strmap_release(&at);
	return e;
}

static void units_release(struct units *us)
{
	free(us->code);
	free(us->name);
	free(us->snap);
	free(us->row);
	memset(us, 0, sizeof(*us));
}

/* Does the schools catalogue give any school's students? */
static bool schools_have_students(const struct ob_schools *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].students > 0)
			return true;
	return false;
}

/*
 * Indicator j's values from the reports of its case type (index/cases.h),
 * into column j of xm, and *used: none (a warning; the input's column
 * stays) when the observatory has no such type or no report of it in the
 * year. A count divided by a column (per N COLUMN) takes the unit's value
 * of that column in --input; where --input has none and the column is
 * students, the students the schools catalogue gives the unit's code
 * (cases/schools.h; 0 or not known: none). A unit without either is
 * missing, never 0; with neither the column nor a school's students the
 * indicator is refused. Which source gave how many units is said.
 */
static ob_err case_values(const struct ob_index_def *def, size_t j,
                          const struct ob_index_preset_data *data,
                          const struct ob_index_preset_options *o, const struct extra *x,
                          const struct units *us, double *xm, size_t ni, bool *used,
                          struct ob_diag *d)
{
	const struct ob_ix_indicator *ind = &def->ind[j];
	double *cnt = ob_malloc((us->n ? us->n : 1) * sizeof(*cnt));
	size_t total = 0, in_units = 0, from_input = 0, from_schools = 0, none = 0;
	bool found = false, input_col = o->extra && x->has_per[j];
	struct ob_schools schools = { 0 };
	ob_err e;

	*used = false;
	if (ind->cases_column && !strcmp(ind->cases_column, "students") &&
	    (e = ob_schools_load(o->dir, &schools, d)))
		goto out;
	if ((e = ob_ix_case_counts(data->store, o->dir, ind->cases, o->year,
	                           (const char *const *)us->code, us->n, cnt, &total, &found, d)))
		goto out;
	if (!found || !total) {
		OB_WARN("%s: indicador %s: el observatorio no tiene casos de tipo %s abiertos en %d; "
		        "su valor sale de la columna %s del archivo",
		        "%s: indicator %s: the observatory has no cases of type %s opened in %d; its "
		        "value comes from the file's column %s",
		        def->file, ind->id, ind->cases, o->year, ind->column);
		goto out;
	}
	if (ind->cases_column && !input_col && !schools_have_students(&schools)) {
		e = OB_DIAG(d, OB_ENOCOL, o->extra ? o->extra : def->file, o->extra ? 1 : ind->cases_line,
		            0, ind->cases_column, strlen(ind->cases_column),
		            "falta la columna %s por la que se dividen los casos %s (indicador %s)%s",
		            "the column %s the cases of %s are divided by is missing (indicator %s)%s",
		            ind->cases_column, ind->cases, ind->id,
		            strcmp(ind->cases_column, "students")
		                    ? ""
		                    : OB_TR(", y el catálogo de centros escolares no da estudiantes",
		                            ", and the schools catalogue gives no students"));
		goto out;
	}
	for (size_t u = 0; u < us->n; u++) {
		double per = 1;
		if (ind->cases_column) {
			const struct ob_school *sc;
			per = input_col && us->row[u] >= 0 ? x->per[(size_t)us->row[u] * ni + j] : NAN;
			if (!isnan(per))
				from_input++;
			else if ((sc = ob_schools_find(&schools, us->code[u])) && sc->students > 0) {
				per = (double)sc->students;
				from_schools++;
			} else
				none++;
		}
		xm[u * ni + j] = cnt[u] * ind->cases_per / per;
		in_units += (size_t)cnt[u];
	}
	*used = true;
	if (ind->cases_column)
		OB_INFO("%s: indicador %s: la columna %s de %zu unidades sale de --input, de %zu del "
		        "catálogo de centros escolares%s%s; %zu sin valor quedan sin dato",
		        "%s: indicator %s: column %s of %zu units comes from --input, of %zu from the "
		        "schools catalogue%s%s; %zu without a value have no data",
		        def->file, ind->id, ind->cases_column, from_input, from_schools,
		        schools.n ? " " : "", schools.n ? schools.path : "", none);
	OB_INFO("%s: indicador %s: %zu reportes de tipo %s abiertos en %d, %zu en las unidades del "
	        "índice (cuenta reportes, no víctimas)",
	        "%s: indicator %s: %zu reports of type %s opened in %d, %zu in the index's units "
	        "(counting reports, not victims)",
	        def->file, ind->id, total, ind->cases, o->year, in_units);
out:
	ob_schools_release(&schools);
	free(cnt);
	return e;
}

/* Is any present value different from another? */
static bool varies(const double *x, size_t n, size_t stride, size_t j, size_t *present)
{
	double first = NAN;
	bool diff = false;

	*present = 0;
	for (size_t u = 0; u < n; u++) {
		double v = x[u * stride + j];
		if (isnan(v))
			continue;
		if (!(*present)++)
			first = v;
		else if (v != first)
			diff = true;
	}
	return diff;
}

ob_err ob_index_preset_build(const char *text, size_t len, const char *name,
                             const struct ob_index_preset_data *data,
                             const struct ob_index_preset_options *o,
                             struct ob_index_def *def, struct ob_index_input *in,
                             size_t *dropped, struct ob_diag *d)
{
	struct ob_index_def full;
	struct extra x;
	struct units us;
	struct cat_ref *refs = NULL;
	struct ob_inst_def *inst = NULL;
	struct ob_period *period = NULL;
	size_t nperiod = 0, ni, nq = 0, ndrop = 0, nskip = 0, kept = 0, nempty = 0;
	struct ob_buf empty = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	uint32_t *qunits = NULL;
	size_t *qof = NULL;
	double *vals = NULL, *xm = NULL, *qv = NULL;
	bool *drop = NULL, *alive = NULL, *shipped = NULL, *from_cases = NULL, has_cat = false;
	int *years = NULL;
	uint32_t flags = 0;
	char **nodata = NULL, **nodata_name = NULL;
	const char **skip = NULL;
	char year[16];
	ob_err e;

	memset(def, 0, sizeof(*def));
	memset(in, 0, sizeof(*in));
	memset(&x, 0, sizeof(x));
	memset(&us, 0, sizeof(us));
	if (dropped)
		*dropped = 0;
	if ((e = ob_index_load_mem(text, len, name, &full, d)))
		return e;
	ni = full.nind;
	refs = ob_calloc(ni, sizeof(*refs));
	inst = ob_calloc(ni, sizeof(*inst));
	for (size_t j = 0; j < ni; j++) {
		const char *c = full.ind[j].catalog;
		bool found;
		if (!c)
			continue;
		if ((e = ob_inst_find(o->dir, c, strcspn(c, " \t"), &inst[j], &found, d)))
			goto out;
		if (found) {
			refs[j].by = -2;
			continue;
		}
		has_cat = true;
		if ((e = parse_catalog(&full, j, data->set, &refs[j], d)))
			goto out;
	}
	snprintf(year, sizeof(year), "%d", o->year);
	if ((e = ob_period_parse(year, &period, &nperiod, d)))
		goto out;
	if (o->extra && (e = extra_read(&full, o->extra, &x, d)))
		goto out;
	if (full.admin2) {
		if ((e = admin2_units(&full, data, o, period, o->extra ? &x : NULL, &us, d)))
			goto out;
	} else {
		if (!o->extra) {
			e = OB_DIAG(d, OB_EUSAGE, full.file, 0, 0, NULL, 0,
			            "la definición dice units = list: sus unidades (p. ej. centros "
			            "escolares) vienen de un archivo; dé --input UNIDADES.csv con "
			            "las columnas %s%s%s",
			            "the definition says units = list: its units (e.g. schools) come "
			            "from a file; give --input UNITS.csv with the columns %s%s%s",
			            full.unit_column,
			            full.territory_column ? OB_TR(" y ", " and ") : "",
			            full.territory_column ? full.territory_column : "");
			goto out;
		}
		if ((e = list_units(&full, data, &x, has_cat,
		                    o->has_vintage ? o->vintage : ob_period_refday(period), &us, d)))
			goto out;
	}
	/* the catalogue values, once per distinct snapshot unit */
	xm = ob_malloc(us.n * ni * sizeof(*xm));
	for (size_t k = 0; k < us.n * ni; k++)
		xm[k] = NAN;
	if (has_cat) {
		struct ob_strmap seen;
		qunits = ob_malloc(us.n * sizeof(*qunits));
		qof = ob_malloc(us.n * sizeof(*qof));
		ob_strmap_init(&seen);
		for (size_t u = 0; u < us.n; u++) {
			const char *c = snap_code(data->snap, us.snap[u]);
			uintptr_t at = (uintptr_t)ob_strmap_get(&seen, c, strlen(c));
			if (!at) {
				qunits[nq++] = us.snap[u];
				at = nq;
				ob_strmap_put(&seen, c, strlen(c), (void *)at, NULL);
			}
			qof[u] = at - 1;
		}
		ob_strmap_release(&seen);
		qv = ob_malloc(nq * ni * sizeof(*qv));
		for (int by = -1; by < OB_BY_COUNT; by++)
			if ((e = compute_group(&full, refs, by, data, o, o->protect, period, qunits, nq,
			                       qv, &flags, d)))
				goto out;
		for (size_t u = 0; u < us.n; u++)
			for (size_t j = 0; j < ni; j++)
				if (full.ind[j].catalog)
					xm[u * ni + j] = qv[qof[u] * ni + j];
	}
	/* the institutional measures, per admin-2 unit */
	for (size_t j = 0; full.admin2 && j < ni; j++)
		if (refs[j].by == -2 &&
		    (e = ob_inst_values(data->store, data->snap, data->pop, &inst[j], o->year,
		                        o->has_vintage ? o->vintage : ob_period_refday(period),
		                        (const char *const *)us.code, us.n, xm + j, ni, d)))
			goto out;
	if (o->extra)
		for (size_t u = 0; u < us.n; u++)
			for (size_t j = 0; j < ni; j++)
				if (!full.ind[j].catalog && us.row[u] >= 0)
					xm[u * ni + j] = x.x[(size_t)us.row[u] * ni + j];
	/* the reports of a case type (cases = TYPE ...), where the observatory
	 * has them that year */
	from_cases = ob_calloc(ni, sizeof(*from_cases));
	for (size_t j = 0; j < ni; j++)
		if (full.ind[j].cases && data->store && o->dir &&
		    (e = case_values(&full, j, data, o, &x, &us, xm, ni, &from_cases[j], d)))
			goto out;
	/* external columns that --input does not give: the catalogue's inputs */
	shipped = ob_calloc(ni, sizeof(*shipped));
	years = ob_calloc(us.n ? us.n : 1, sizeof(*years));
	for (size_t j = 0; full.admin2 && j < ni; j++) {
		struct ob_buf files = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
		size_t found;
		if (full.ind[j].catalog || (o->extra && x.has_col[j]) || from_cases[j])
			continue;
		found = ob_ix_shipped_inputs(o->dir, full.ind[j].column, o->year, us.code, us.n,
		                             xm, ni, j, years, &files);
		if (found) {
			shipped[j] = true;
			ob_ix_shipped_report(&full, j, us.code, us.n, years, found, files.ptr);
		}
		ob_buf_release(&files);
	}
	/* drops */
	drop = ob_calloc(ni, sizeof(*drop));
	for (size_t j = 0; j < ni; j++) {
		size_t present;
		const struct ob_ix_indicator *ind = &full.ind[j];
		if (!ind->catalog && (!o->extra || !x.has_col[j]) && !shipped[j] && !from_cases[j]) {
			drop[j] = true;
			OB_WARN("%s: indicador %s (columna %s) omitido: no es del catálogo del "
			        "observatorio y %s; los pesos de los demás se renormalizan",
			        "%s: indicator %s (column %s) dropped: it is not in the observatory's "
			        "catalogue and %s; the others' weights are renormalised",
			        full.file, ind->id, ind->column,
			        o->extra ? OB_TR("el archivo de --input no tiene esa columna",
			                         "the --input file has no such column")
			                 : OB_TR("no se dio --input con esa columna",
			                         "no --input with that column was given"));
		} else if (!varies(xm, us.n, ni, j, &present)) {
			drop[j] = true;
			OB_WARN("%s: indicador %s (%s) omitido: %s en %d; los pesos de los demás se "
			        "renormalizan",
			        "%s: indicator %s (%s) dropped: %s in %d; the others' weights are "
			        "renormalised",
			        full.file, ind->id, ind->catalog ? ind->catalog : ind->column,
			        present ? OB_TR("vale lo mismo en todas las unidades",
			                        "it has the same value in every unit")
			                : OB_TR("ninguna unidad tiene valor", "no unit has a value"),
			        o->year);
		}
		if (drop[j])
			ndrop++;
	}
	if (ndrop == ni) {
		e = OB_DIAG(d, OB_EEMPTY, full.file, 0, 0, NULL, 0,
		            "ningún indicador tiene valores que varíen entre las unidades en "
		            "%d: no hay índice que calcular",
		            "no indicator has values that vary across the units in %d: there "
		            "is no index to compute", o->year);
		goto out;
	}
	if (ndrop) {
		/* a dimension none of whose children is kept is dropped too */
		alive = ob_calloc(full.nnode, sizeof(*alive));
		skip = ob_calloc(ni + full.nnode, sizeof(*skip));
		for (size_t j = 0; j < ni; j++)
			if (drop[j])
				skip[nskip++] = full.ind[j].id;
		for (size_t k = 0; k < full.nnode; k++) {
			size_t c = full.order[k];
			for (size_t i = full.kid_off[c]; i < full.kid_off[c + 1]; i++) {
				size_t kid = full.kids[i];
				if (kid < ni ? !drop[kid] : alive[kid - ni])
					alive[c] = true;
			}
			if (c && !alive[c]) {
				skip[nskip++] = full.node[c].id;
				OB_WARN("%s: dimensión %s omitida: ninguno de sus indicadores tiene valores",
				        "%s: dimension %s dropped: none of its indicators has values",
				        full.file, full.node[c].id);
			}
		}
		if ((e = ob_index_load_mem_skip(text, len, name, skip, nskip, def, d)))
			goto out;
	} else {
		*def = full;
		memset(&full, 0, sizeof(full));
	}
	/* the matrix of the kept indicators */
	vals = ob_malloc(us.n * def->nind * sizeof(*vals));
	for (size_t j = 0; j < def->nind; j++) {
		size_t fj = ob_index_find_indicator(full.nind ? &full : def, def->ind[j].id);
		for (size_t u = 0; u < us.n; u++)
			vals[u * def->nind + j] = xm[u * ni + fj];
	}
	/* a unit without any value cannot be scored under any policy */
	nodata = ob_calloc(us.n + 1, sizeof(*nodata));
	nodata_name = ob_calloc(us.n + 1, sizeof(*nodata_name));
	for (size_t u = 0; u < us.n; u++) {
		bool any = false;
		for (size_t j = 0; j < def->nind && !any; j++)
			any = !isnan(vals[u * def->nind + j]);
		if (any) {
			if (kept != u) {
				us.code[kept] = us.code[u];
				us.name[kept] = us.name[u];
				memmove(vals + kept * def->nind, vals + u * def->nind,
				        def->nind * sizeof(*vals));
			}
			kept++;
		} else {
			if (!nempty)
				ob_buf_puts(&empty, us.code[u]);
			else if (nempty < 10)
				ob_buf_putf(&empty, ", %s", us.code[u]);
			nodata[nempty] = ob_strdup(us.code[u]);
			nodata_name[nempty] = us.name[u] ? ob_strdup(us.name[u]) : NULL;
			nempty++;
		}
	}
	if (nempty)
		OB_WARN("%s: %zu unidades sin ningún valor en %d (sin datos ni población) quedan "
		        "fuera del índice: %s%s",
		        "%s: %zu units without any value in %d (no data and no population) are left "
		        "out of the index: %s%s",
		        def->file, nempty, o->year, empty.ptr, nempty > 10 ? "..." : "");
	ob_buf_release(&empty);
	if (!kept) {
		e = OB_DIAG(d, OB_EEMPTY, def->file, 0, 0, NULL, 0,
		            "ninguna unidad tiene valores en %d", "no unit has values in %d",
		            o->year);
		goto out;
	}
	e = ob_index_input_from_matrix(def, kept, us.code, us.name, vals, in, d);
	if (!e) {
		free(in->source);
		in->source = ob_strdup(name);
		if (dropped)
			*dropped = ndrop;
		in->n_nodata = nempty;
		in->nodata = nodata;
		in->nodata_name = nodata_name;
		nodata = nodata_name = NULL;
		nempty = 0;
		in->estimated = flags & OB_IND_ESTIMATED_DENOMINATOR;
		in->equal_split = flags & OB_IND_EQUAL_SPLIT_DENOMINATOR;
	}
out:
	for (size_t u = 0; nodata && u < nempty; u++) {
		free(nodata[u]);
		free(nodata_name[u]);
	}
	free(nodata);
	free(nodata_name);
	if (e)
		ob_index_def_release(def);
	ob_index_def_release(&full);
	units_release(&us);
	extra_release(&x);
	free(refs);
	free(inst);
	free(period);
	free(qunits);
	free(qof);
	free(qv);
	free(xm);
	free(vals);
	free(drop);
	free(shipped);
	free(from_cases);
	free(years);
	free(alive);
	free(skip);
	return e;
}
