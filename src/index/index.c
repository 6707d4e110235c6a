/* index.c - composite index computation: treatment, normalisation, aggregation, levels, drivers. */
#include "index/index_impl.h"

#include <math.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "io/csv.h"
#include "stats/breaks.h"
#include "stats/composite.h"
#include "text/text.h"

/* ---------------------------------------------------------------- input */

void ob_index_input_release(struct ob_index_input *in)
{
	for (size_t u = 0; u < in->nunits; u++) {
		free(in->unit[u]);
		if (in->unit_name)
			free(in->unit_name[u]);
	}
	for (size_t u = 0; u < in->n_nodata; u++) {
		free(in->nodata[u]);
		free(in->nodata_name[u]);
	}
	free(in->unit);
	free(in->unit_name);
	free(in->x);
	free(in->line);
	free(in->source);
	free(in->nodata);
	free(in->nodata_name);
	memset(in, 0, sizeof(*in));
}

bool ob_ix_missing_cell(const char *s, size_t n)
{
	ob_trim(&s, &n);
	return n == 0 || (n == 2 && (!strncasecmp(s, "NA", 2) || !strncasecmp(s, "ND", 2)));
}

size_t ob_ix_find_col(char **keys, size_t ncols, const char *name)
{
	struct ob_buf k = OB_BUF_INIT(OB_MAX_FIELD);
	size_t found = (size_t)-1;

	if (name && ob_fold_key(name, strlen(name), &k) == OB_OK)
		for (size_t c = 0; c < ncols; c++)
			if (keys[c] && k.ptr && !strcmp(keys[c], k.ptr)) {
				found = c;
				break;
			}
	ob_buf_release(&k);
	return found;
}

ob_err ob_ix_csv_header(const struct ob_index_def *def, const char *path,
                        struct ob_csv_reader **r, const struct ob_csv_record **rec,
                        char ***keys, size_t *ncols, size_t *ucol, struct ob_diag *d)
{
	ob_err e;

	if ((e = ob_csv_open(path, NULL, NULL, r, d)))
		return e;
	/* the header: the first record that is not blank */
	do {
		if ((e = ob_csv_next(*r, rec, d))) {
			if (e == OB_ENOENT)
				e = OB_DIAG(d, OB_ENOHEADER, path, 0, 0, NULL, 0,
				            "el archivo no tiene encabezado",
				            "the file has no header row");
			return e;
		}
	} while ((*rec)->blank);
	*ncols = (*rec)->nfields;
	*keys = ob_calloc(*ncols, sizeof(**keys));
	for (size_t c = 0; c < *ncols; c++) {
		struct ob_buf k = OB_BUF_INIT(OB_MAX_FIELD);
		if (ob_fold_key((*rec)->fields[c].ptr, (*rec)->fields[c].len, &k) == OB_OK)
			(*keys)[c] = ob_buf_detach(&k, NULL);
		ob_buf_release(&k);
	}
	*ucol = ob_ix_find_col(*keys, *ncols, def->unit_column);
	if (*ucol == (size_t)-1)
		return OB_DIAG(d, OB_ENOCOL, path, (*rec)->line, 0, def->unit_column,
		               strlen(def->unit_column),
		               "falta la columna de la unidad (unit_column de %s)",
		               "the unit column is missing (unit_column of %s)", def->file);
	return OB_OK;
}

ob_err ob_ix_read_values(const struct ob_index_def *def, const char *path,
                         const struct ob_csv_record *rec, const size_t *icol, double *row,
                         struct ob_diag *d)
{
	for (size_t j = 0; j < def->nind; j++) {
		const char *s;
		size_t n;
		double v;

		row[j] = NAN;
		if (icol[j] == (size_t)-1 || icol[j] >= rec->nfields)
			continue; /* no such column, or a short row: missing */
		s = rec->fields[icol[j]].ptr;
		n = rec->fields[icol[j]].len;
		if (ob_ix_missing_cell(s, n))
			continue;
		if (!ob_parse_double(s, n, &v) || !isfinite(v))
			return OB_DIAG(d, OB_EPARSE, path, rec->line, (long)icol[j] + 1, s, n,
			               "valor no numérico en %s: se esperaba un número, "
			               "vacío, NA o ND",
			               "non-numeric value in %s: expected a number, empty, "
			               "NA or ND", def->ind[j].column);
		row[j] = v;
	}
	return OB_OK;
}

static void grow(struct ob_index_input *in, size_t *cap, size_t nind)
{
	size_t c = *cap ? *cap * 2 : 64;

	in->unit = ob_realloc(in->unit, c * sizeof(*in->unit));
	in->unit_name = ob_realloc(in->unit_name, c * sizeof(*in->unit_name));
	in->line = ob_realloc(in->line, c * sizeof(*in->line));
	in->x = ob_realloc(in->x, c * (nind ? nind : 1) * sizeof(*in->x));
	*cap = c;
}

ob_err ob_index_input_read(const struct ob_index_def *def, const char *path,
                           struct ob_index_input *in, struct ob_diag *d)
{
	struct ob_csv_reader *r = NULL;
	const struct ob_csv_record *rec;
	char **keys = NULL;
	size_t ncols = 0, cap = 0, ucol, ncol = (size_t)-1, *icol = NULL;
	struct ob_strmap seen;
	ob_err e;

	memset(in, 0, sizeof(*in));
	ob_strmap_init(&seen);
	in->nind = def->nind;
	in->source = ob_strdup(path);
	if ((e = ob_ix_csv_header(def, path, &r, &rec, &keys, &ncols, &ucol, d)))
		goto fail;
	if (def->name_column) {
		ncol = ob_ix_find_col(keys, ncols, def->name_column);
		if (ncol == (size_t)-1) {
			e = OB_DIAG(d, OB_ENOCOL, path, rec->line, 0, def->name_column,
			            strlen(def->name_column),
			            "falta la columna del nombre (name_column de %s)",
			            "the name column is missing (name_column of %s)", def->file);
			goto fail;
		}
	}
	icol = ob_calloc(def->nind ? def->nind : 1, sizeof(*icol));
	for (size_t j = 0; j < def->nind; j++) {
		icol[j] = ob_ix_find_col(keys, ncols, def->ind[j].column);
		if (icol[j] == (size_t)-1) {
			e = OB_DIAG(d, OB_ENOCOL, path, rec->line, 0, def->ind[j].column,
			            strlen(def->ind[j].column),
			            "falta la columna del indicador %s (%s:%ld)",
			            "the column of indicator %s is missing (%s:%ld)",
			            def->ind[j].id, def->file, def->ind[j].line);
			goto fail;
		}
	}
	while ((e = ob_csv_next(r, &rec, d)) == OB_OK) {
		const char *id;
		size_t idn, u;
		if (rec->blank)
			continue;
		if (ucol >= rec->nfields) {
			e = OB_DIAG(d, OB_EPARSE, path, rec->line, 0, NULL, 0,
			            "la fila tiene %zu campos; falta la unidad",
			            "the row has %zu fields; the unit is missing", rec->nfields);
			goto fail;
		}
		id = rec->fields[ucol].ptr;
		idn = rec->fields[ucol].len;
		ob_trim(&id, &idn);
		if (!idn) {
			e = OB_DIAG(d, OB_EINVAL, path, rec->line, (long)ucol + 1, NULL, 0,
			            "unidad vacía", "empty unit");
			goto fail;
		}
		if (ob_strmap_get(&seen, id, idn)) {
			e = OB_DIAG(d, OB_EINVAL, path, rec->line, (long)ucol + 1, id, idn,
			            "unidad repetida (línea %ld)",
			            "unit given twice (line %ld)",
			            (long)(intptr_t)ob_strmap_get(&seen, id, idn));
			goto fail;
		}
		if (in->nunits == OB_MAX_AREAS) {
			e = OB_DIAG(d, OB_ETOOBIG, path, rec->line, 0, NULL, 0,
			            "más de %d unidades", "more than %d units", OB_MAX_AREAS);
			goto fail;
		}
		if ((e = ob_strmap_put(&seen, id, idn, (void *)(intptr_t)rec->line, NULL))) {
			OB_DIAG(d, e, path, rec->line, 0, NULL, 0, "demasiadas unidades",
			        "too many units");
			goto fail;
		}
		if (in->nunits == cap)
			grow(in, &cap, def->nind);
		u = in->nunits++;
		in->unit[u] = ob_strndup(id, idn);
		in->unit_name[u] = NULL;
		in->line[u] = rec->line;
		if (ncol != (size_t)-1 && ncol < rec->nfields) {
			const char *s = rec->fields[ncol].ptr;
			size_t n = rec->fields[ncol].len;
			ob_trim(&s, &n);
			in->unit_name[u] = ob_strndup(s, n);
		}
		if ((e = ob_ix_read_values(def, path, rec, icol, &in->x[u * def->nind], d)))
			goto fail;
	}
	if (e != OB_ENOENT)
		goto fail;
	e = OB_OK;
	if (!in->nunits)
		e = OB_DIAG(d, OB_EEMPTY, path, 0, 0, NULL, 0, "el archivo no tiene unidades",
		            "the file has no units");
fail:
	if (r)
		ob_csv_close(r);
	for (size_t c = 0; c < ncols; c++)
		free(keys ? keys[c] : NULL);
	free(keys);
	free(icol);
	ob_strmap_release(&seen);
	if (e)
		ob_index_input_release(in);
	return e;
}

ob_err ob_index_input_from_matrix(const struct ob_index_def *def, size_t nunits,
                                  const char *const *units, const char *const *names,
                                  const double *x, struct ob_index_input *in,
                                  struct ob_diag *d)
{
	memset(in, 0, sizeof(*in));
	if (!nunits || nunits > OB_MAX_AREAS || !units || !x)
		return OB_DIAG(d, OB_EINVAL, def->file, 0, 0, NULL, 0,
		               "matriz de unidades vacía o demasiado grande",
		               "the unit matrix is empty or too large");
	in->nunits = nunits;
	in->nind = def->nind;
	in->source = ob_strdup("(matriz)");
	in->unit = ob_calloc(nunits, sizeof(*in->unit));
	in->unit_name = ob_calloc(nunits, sizeof(*in->unit_name));
	in->line = ob_calloc(nunits, sizeof(*in->line));
	in->x = ob_malloc(nunits * (def->nind ? def->nind : 1) * sizeof(*in->x));
	memcpy(in->x, x, nunits * def->nind * sizeof(*in->x));
	for (size_t u = 0; u < nunits; u++) {
		in->unit[u] = ob_strdup(units[u] ? units[u] : "");
		in->unit_name[u] = names && names[u] ? ob_strdup(names[u]) : NULL;
	}
	return OB_OK;
}

/* ---------------------------------------------------------- computation */

static ob_err unit_err(struct ob_diag *d, ob_err code, const struct ob_index_input *in,
                       size_t u, const char *es, const char *en, ...)
	__attribute__((format(printf, 5, 7), format(printf, 6, 7)));

static ob_err unit_err(struct ob_diag *d, ob_err code, const struct ob_index_input *in,
                       size_t u, const char *es, const char *en, ...)
{
	va_list ap;

	va_start(ap, en);
	code = ob_diag_vset2(d, code, in->source ? in->source : "?", in->line ? in->line[u] : 0,
	                     0, in->unit[u], strlen(in->unit[u]), es, en, ap);
	va_end(ap);
	return code;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* R's quantile type 7 of sorted s[0..n). */
static double quantile7(const double *s, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return s[n - 1];
	return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

/* Present values of column j into v (sorted when sort); returns their count. */
static size_t present(const double *m, size_t nunits, size_t nind, size_t j, double *v,
                      bool sort)
{
	size_t k = 0;

	for (size_t u = 0; u < nunits; u++)
		if (!isnan(m[u * nind + j]))
			v[k++] = m[u * nind + j];
	if (sort)
		qsort(v, k, sizeof(*v), cmp_double);
	return k;
}

static ob_err treat(const struct ob_index_def *def, const struct ob_index_input *in,
                    size_t j, double *t, double *scratch, struct ob_diag *d)
{
	const struct ob_ix_indicator *ind = &def->ind[j];
	size_t nu = in->nunits, ni = def->nind;

	for (size_t s = 0; s < ind->ntreat; s++) {
		const struct ob_ix_treat *tr = &ind->treat[s];
		if (tr->kind == OB_IX_WINSORISE) {
			size_t k = present(t, nu, ni, j, scratch, true);
			double lo, hi;
			if (!k)
				continue;
			lo = quantile7(scratch, k, tr->lo);
			hi = quantile7(scratch, k, tr->hi);
			for (size_t u = 0; u < nu; u++) {
				double *x = &t[u * ni + j];
				if (!isnan(*x))
					*x = *x < lo ? lo : *x > hi ? hi : *x;
			}
			continue;
		}
		for (size_t u = 0; u < nu; u++) {
			double *x = &t[u * ni + j];
			if (isnan(*x))
				continue;
			if (tr->kind == OB_IX_LOG) {
				if (!(*x > 0))
					return unit_err(d, OB_EINVAL, in, u,
					                "log de un valor <= 0 (%g) en %s; use log1p",
					                "log of a value <= 0 (%g) in %s; use log1p", *x,
					                ind->column);
				*x = log(*x);
			} else {
				if (!(*x > -1))
					return unit_err(d, OB_EINVAL, in, u,
					                "log1p de un valor <= -1 (%g) en %s",
					                "log1p of a value <= -1 (%g) in %s", *x, ind->column);
				*x = log1p(*x);
			}
		}
	}
	return OB_OK;
}

/* Ascending ranks of v[0..n) with ties averaged (R's rank()). */
struct vpair {
	double v; /* first: cmp_double compares it */
	size_t i;
};

static void rank_avg(const double *v, size_t n, double *out)
{
	struct vpair *p = ob_malloc((n ? n : 1) * sizeof(*p));

	for (size_t i = 0; i < n; i++) {
		p[i].v = v[i];
		p[i].i = i;
	}
	qsort(p, n, sizeof(*p), cmp_double);
	for (size_t a = 0; a < n;) {
		size_t b = a;
		while (b + 1 < n && p[b + 1].v == p[a].v)
			b++;
		for (size_t k = a; k <= b; k++)
			out[p[k].i] = ((double)a + (double)b) / 2 + 1;
		a = b + 1;
	}
	free(p);
}

ob_err ob_ix_normalise(const struct ob_index_def *def, const struct ob_index_input *in,
                       size_t j, const struct ob_ix_norm *n, const double *treated,
                       double *norm, struct ob_diag *d)
{
	const struct ob_ix_indicator *ind = &def->ind[j];
	size_t nu = in->nunits, ni = def->nind, k = 0;
	double *v = ob_malloc(nu * sizeof(*v)), *o = ob_malloc(nu * sizeof(*o));
	ob_err e = OB_OK;

	if (!n)
		n = ind->has_norm ? &ind->norm : &def->norm;
	k = present(treated, nu, ni, j, v, false);
	if (k < 2) {
		e = OB_DIAG(d, OB_EINVAL, def->file, ind->line, 0, ind->id, strlen(ind->id),
		            "el indicador tiene valores en %zu unidades; se necesitan al "
		            "menos 2",
		            "the indicator has values for %zu units; at least 2 are needed", k);
		goto out;
	}
	switch (n->kind) {
	case OB_IX_MINMAX:
		e = ob_norm_minmax(v, k, ind->direction, n->a, n->b, o);
		break;
	case OB_IX_ZSCORE:
		e = ob_norm_zscore(v, k, ind->direction, n->a, n->b, o);
		break;
	case OB_IX_RANK:
		for (size_t i = 0; i < k; i++)
			v[i] *= ind->direction;
		rank_avg(v, k, o);
		break;
	case OB_IX_DISTANCE: {
		double ref = n->a;
		if (n->ref != OB_IX_REF_VALUE) {
			double *s = ob_malloc(k * sizeof(*s));
			memcpy(s, v, k * sizeof(*s));
			qsort(s, k, sizeof(*s), cmp_double);
			if (n->ref == OB_IX_REF_MIN)
				ref = s[0];
			else if (n->ref == OB_IX_REF_MAX)
				ref = s[k - 1];
			else if (n->ref == OB_IX_REF_MEDIAN)
				ref = quantile7(s, k, 0.5);
			else {
				ref = 0;
				for (size_t i = 0; i < k; i++)
					ref += v[i];
				ref /= (double)k;
			}
			free(s);
		}
		if (!(ref > 0)) {
			e = OB_DIAG(d, OB_EINVAL, def->file, ind->line, 0, ind->id,
			            strlen(ind->id),
			            "la referencia de distance es %g; debe ser > 0",
			            "the distance reference is %g; it must be > 0", ref);
			goto out;
		}
		for (size_t u = 0, i = 0; u < nu; u++) {
			double x = treated[u * ni + j];
			if (isnan(x))
				continue;
			if (ind->direction > 0 ? x < 0 : !(x > 0)) {
				e = unit_err(d, OB_EINVAL, in, u,
				             "distance necesita valores %s 0 en %s (hay %g)",
				             "distance needs values %s 0 in %s (there is %g)",
				             ind->direction > 0 ? ">=" : ">", ind->column, x);
				goto out;
			}
			o[i++] = ind->direction > 0 ? x / ref : ref / x;
		}
		break;
	}
	}
	if (e) {
		e = OB_DIAG(d, OB_EINVAL, def->file, ind->line, 0, ind->id, strlen(ind->id),
		            "el indicador %s no varía entre las unidades: no se puede "
		            "normalizar; quítelo",
		            "indicator %s does not vary across the units: it cannot be "
		            "normalised; remove it", ind->column);
		goto out;
	}
	for (size_t u = 0, i = 0; u < nu; u++)
		norm[u * ni + j] = isnan(treated[u * ni + j]) ? NAN : o[i++];
out:
	free(v);
	free(o);
	return e;
}

ob_err ob_ix_normalise_all(const struct ob_index_def *def, const struct ob_index_input *in,
                           const struct ob_ix_norm *override, const double *treated,
                           const unsigned char *imputed, double *norm, struct ob_diag *d)
{
	size_t nu = in->nunits, ni = def->nind;
	double *observed = NULL;
	ob_err e = OB_OK;

	if (imputed) {
		/* imputed cells take no part in the normalisation */
		observed = ob_malloc(nu * ni * sizeof(*observed) + 1);
		for (size_t i = 0; i < nu * ni; i++)
			observed[i] = imputed[i] ? NAN : treated[i];
		treated = observed;
	}
	for (size_t j = 0; j < ni && !e; j++)
		e = ob_ix_normalise(def, in, j, override, treated, norm, d);
	for (size_t j = 0; imputed && !e && j < ni; j++) {
		double sum = 0;
		size_t k = 0;
		for (size_t u = 0; u < nu; u++)
			if (!imputed[u * ni + j] && !isnan(norm[u * ni + j])) {
				sum += norm[u * ni + j];
				k++;
			}
		for (size_t u = 0; u < nu; u++)
			if (imputed[u * ni + j])
				norm[u * ni + j] = k ? sum / (double)k : NAN;
	}
	free(observed);
	return e;
}

void ob_ix_node_aggs(const struct ob_index_def *def, enum ob_ix_agg_mode mode,
                     enum ob_ix_agg *aggs)
{
	for (size_t c = 0; c < def->nnode; c++) {
		switch (mode) {
		case OB_IX_AGG_NOMINAL:
			aggs[c] = def->node[c].agg;
			break;
		case OB_IX_AGG_ARITH:
			aggs[c] = OB_IX_ARITH;
			break;
		case OB_IX_AGG_GEOM:
			aggs[c] = OB_IX_GEOM;
			break;
		case OB_IX_AGG_INFORM:
			aggs[c] = c == 0 ? OB_IX_GEOM : OB_IX_ARITH;
			break;
		}
	}
}

void ob_ix_nominal_weights(const struct ob_index_def *def, double *wi, double *wn)
{
	for (size_t j = 0; j < def->nind; j++)
		wi[j] = def->ind[j].weight;
	for (size_t c = 0; c < def->nnode; c++)
		wn[c] = c ? def->node[c].weight : 1;
}

static double kid_value(const struct ob_index_def *def, size_t x, const double *v,
                        const double *node)
{
	return x < def->nind ? v[x] : node[x - def->nind];
}

static double kid_weight(const struct ob_index_def *def, size_t x, const double *wi,
                         const double *wn)
{
	return x < def->nind ? wi[x] : wn[x - def->nind];
}

ob_err ob_ix_aggregate_unit(const struct ob_index_def *def, const double *v,
                            const double *wi, const double *wn, const enum ob_ix_agg *aggs,
                            double *node)
{
	double val[OB_MAX_INDEX_INDICATORS + OB_MAX_INDEX_NODES];
	double w[OB_MAX_INDEX_INDICATORS + OB_MAX_INDEX_NODES];

	for (size_t o = 0; o < def->nnode; o++) {
		size_t c = def->order[o], k = 0;
		double sw = 0, s;
		for (size_t q = def->kid_off[c]; q < def->kid_off[c + 1]; q++) {
			size_t x = def->kids[q];
			double xv = kid_value(def, x, v, node);
			if (isnan(xv))
				continue;
			val[k] = xv;
			w[k] = kid_weight(def, x, wi, wn);
			sw += w[k++];
		}
		if (!k || !(sw > 0)) {
			node[c] = NAN;
			continue;
		}
		if (aggs[c] == OB_IX_ARITH) {
			if (ob_agg_arith(val, w, k, &s))
				return OB_EINVAL;
		} else if (ob_agg_geom(val, w, k, &s)) {
			return OB_EINVAL;
		}
		node[c] = s;
	}
	return OB_OK;
}

ob_err ob_ix_classify(const struct ob_index_def *def, const double *score, size_t n,
                      double *breaks, size_t *level, struct ob_diag *d)
{
	size_t k = def->levels;
	enum ob_closure cl = OB_CLOSURE_LEFT;
	ob_err e;

	if (def->classify == OB_IX_CLASS_FIXED) {
		double mn = score[0], mx = score[0];
		for (size_t u = 1; u < n; u++) {
			mn = score[u] < mn ? score[u] : mn;
			mx = score[u] > mx ? score[u] : mx;
		}
		breaks[0] = mn < def->thresholds[0] ? mn : def->thresholds[0];
		for (size_t i = 1; i < k; i++)
			breaks[i] = def->thresholds[i - 1];
		breaks[k] = mx > def->thresholds[k - 2] ? mx : def->thresholds[k - 2];
		for (size_t u = 0; u < n; u++) {
			size_t lv = 1;
			for (size_t i = 0; i + 1 < k; i++)
				if (score[u] >= def->thresholds[i])
					lv = i + 2;
			level[u] = lv;
		}
		return OB_OK;
	}
	e = ob_breaks(score, n, k,
	              def->classify == OB_IX_CLASS_FISHER  ? OB_BREAKS_FISHER
	              : def->classify == OB_IX_CLASS_EQUAL ? OB_BREAKS_EQUAL
	                                                   : OB_BREAKS_QUANTILE,
	              breaks, &cl);
	if (e)
		return OB_DIAG(d, e, def->file, 0, 0, NULL, 0,
		               "no se pudo clasificar %zu puntajes en %zu niveles (¿menos "
		               "puntajes distintos que niveles?)",
		               "could not classify %zu scores into %zu levels (fewer "
		               "distinct scores than levels?)", n, k);
	for (size_t u = 0; u < n; u++)
		level[u] = ob_breaks_class(breaks, k, cl, score[u]);
	return OB_OK;
}

/* ------------------------------------------------------------- drivers */

/*
 * Shapley factors of the product prod f_c, f_c switching from a_c to b_c:
 * phi_c = (b_c - a_c) K_c with K_c = sum over subsets S of the others of
 * |S|! (k - |S| - 1)! / k! prod_S b prod_(others not in S) a. The sum over
 * subsets is read off the coefficients of prod_(i != c) (a_i + b_i t).
 */
static void shapley_product(const double *a, const double *b, size_t k, double *K,
                            double *poly)
{
	for (size_t c = 0; c < k; c++) {
		size_t deg = 0;
		double wt, sum = 0;
		poly[0] = 1;
		for (size_t i = 0; i < k; i++) {
			if (i == c)
				continue;
			poly[deg + 1] = 0;
			for (size_t m = deg + 1; m > 0; m--)
				poly[m] = poly[m] * a[i] + poly[m - 1] * b[i];
			poly[0] *= a[i];
			deg++;
		}
		wt = 1.0 / (double)k; /* m = 0: 0! (k-1)! / k! */
		for (size_t m = 0; m < k; m++) {
			sum += wt * poly[m];
			if (m + 1 < k)
				wt *= (double)(m + 1) / (double)(k - 1 - m);
		}
		K[c] = sum;
	}
}

/*
 * Contributions of unit u: z (nind, NaN dropped), zbar (nind, the means),
 * node (nnode, the unit's scores). ref receives the reference score.
 */
static void drivers(const struct ob_index_def *def, const double *z, const double *zbar,
                    const double *node, const double *wi, const double *wn,
                    const enum ob_ix_agg *aggs, double *contrib, double *ref)
{
	size_t nk = def->nind + def->nnode;
	double *rnode = ob_malloc(def->nnode * sizeof(*rnode));
	double *zref = ob_malloc(def->nind * sizeof(*zref));
	double *mult = ob_calloc(nk, sizeof(*mult)); /* per kid index: m */
	double *a = ob_malloc(nk * sizeof(*a)), *b = ob_malloc(nk * sizeof(*b));
	double *K = ob_malloc(nk * sizeof(*K)), *poly = ob_malloc((nk + 1) * sizeof(*poly));
	size_t *pk = ob_malloc(nk * sizeof(*pk));

	/* the reference unit, measured over the unit's present indicators */
	for (size_t j = 0; j < def->nind; j++)
		zref[j] = isnan(z[j]) ? NAN : zbar[j];
	if (ob_ix_aggregate_unit(def, zref, wi, wn, aggs, rnode))
		rnode[0] = NAN;
	*ref = rnode[0];
	mult[def->nind + 0] = 1;
	/* parents before children: walk the order backwards */
	for (size_t o = def->nnode; o-- > 0;) {
		size_t c = def->order[o], k = 0;
		double sw = 0, mc = mult[def->nind + c];
		if (isnan(node[c]))
			continue;
		for (size_t q = def->kid_off[c]; q < def->kid_off[c + 1]; q++) {
			size_t x = def->kids[q];
			if (isnan(kid_value(def, x, z, node)))
				continue;
			pk[k++] = x;
			sw += kid_weight(def, x, wi, wn);
		}
		if (aggs[c] == OB_IX_ARITH) {
			for (size_t i = 0; i < k; i++)
				mult[pk[i]] = mc * kid_weight(def, pk[i], wi, wn) / sw;
			continue;
		}
		for (size_t i = 0; i < k; i++) {
			double wh = kid_weight(def, pk[i], wi, wn) / sw;
			double s = kid_value(def, pk[i], z, node), r = kid_value(def, pk[i], zref, rnode);
			a[i] = wh > 0 ? pow(r, wh) : 1;
			b[i] = wh > 0 ? pow(s, wh) : 1;
		}
		shapley_product(a, b, k, K, poly);
		for (size_t i = 0; i < k; i++) {
			double wh = kid_weight(def, pk[i], wi, wn) / sw, g;
			double s = kid_value(def, pk[i], z, node), r = kid_value(def, pk[i], zref, rnode);
			if (wh == 0)
				g = 0;
			else if (s != r)
				g = K[i] * (b[i] - a[i]) / (s - r);
			else
				g = r > 0 ? K[i] * wh * pow(r, wh - 1) : 0;
			mult[pk[i]] = mc * g;
		}
	}
	for (size_t j = 0; j < def->nind; j++)
		contrib[j] = isnan(z[j]) || isnan(node[def->ind[j].parent]) ? 0
		                                                             : mult[j] * (z[j] - zbar[j]);
	free(rnode);
	free(zref);
	free(mult);
	free(a);
	free(b);
	free(K);
	free(poly);
	free(pk);
}

/* --------------------------------------------------------------- compute */

void ob_index_result_release(struct ob_index_result *r)
{
	free(r->treated);
	free(r->norm);
	free(r->imputed);
	free(r->node);
	free(r->score);
	free(r->rank);
	free(r->level);
	free(r->top);
	free(r->contrib);
	free(r->reference);
	free(r->imputed_by);
	memset(r, 0, sizeof(*r));
}

static ob_err missing_policy(const struct ob_index_def *def, const struct ob_index_input *in,
                             struct ob_index_result *r, struct ob_diag *d)
{
	size_t nu = in->nunits, ni = def->nind;

	for (size_t j = 0; j < ni; j++) {
		double sum = 0;
		size_t k = 0;
		for (size_t u = 0; u < nu; u++)
			if (!isnan(r->treated[u * ni + j])) {
				sum += r->treated[u * ni + j];
				k++;
			}
		for (size_t u = 0; u < nu; u++) {
			double *x = &r->treated[u * ni + j];
			if (!isnan(*x))
				continue;
			switch (def->missing) {
			case OB_IX_MISSING_REFUSE:
				return unit_err(d, OB_EINVAL, in, u,
				                "falta el valor de %s y la política es missing = refuse "
				                "(use reweight o impute-mean para aceptarlo)",
				                "the value of %s is missing and the policy is missing = "
				                "refuse (use reweight or impute-mean to accept it)",
				                def->ind[j].column);
			case OB_IX_MISSING_IMPUTE_MEAN:
				if (!k)
					return OB_DIAG(d, OB_EINVAL, def->file,
					               def->ind[j].line, 0, def->ind[j].id,
					               strlen(def->ind[j].id),
					               "ninguna unidad tiene valor: no hay "
					               "media que imputar",
					               "no unit has a value: there is no "
					               "mean to impute");
				*x = sum / (double)k;
				r->imputed[u * ni + j] = 1;
				r->imputed_by[j]++;
				r->imputations++;
				break;
			case OB_IX_MISSING_REWEIGHT:
				r->dropped++;
				break;
			}
		}
	}
	return OB_OK;
}

ob_err ob_index_compute(const struct ob_index_def *def, const struct ob_index_input *in,
                        struct ob_index_result *r, struct ob_diag *d)
{
	size_t nu = in->nunits, ni = def->nind, nn = def->nnode;
	double *scratch = NULL, *wi = NULL, *wn = NULL, *zbar = NULL, sum = 0;
	enum ob_ix_agg *aggs = NULL;
	ob_err e;

	memset(r, 0, sizeof(*r));
	if (in->nind != ni || nu < 2)
		return OB_DIAG(d, OB_EINVAL, in->source ? in->source : "?", 0, 0, NULL, 0,
		               "se necesitan al menos 2 unidades",
		               "at least 2 units are needed");
	r->nunits = nu;
	r->nind = ni;
	r->nnode = nn;
	r->levels = def->levels;
	r->treated = ob_malloc(nu * ni * sizeof(*r->treated));
	r->norm = ob_malloc(nu * ni * sizeof(*r->norm));
	r->imputed = ob_calloc(nu * ni, 1);
	r->node = ob_malloc(nu * nn * sizeof(*r->node));
	r->score = ob_malloc(nu * sizeof(*r->score));
	r->rank = ob_malloc(nu * sizeof(*r->rank));
	r->level = ob_malloc(nu * sizeof(*r->level));
	r->top = ob_calloc(nu, sizeof(*r->top));
	r->contrib = ob_calloc(nu * ni, sizeof(*r->contrib));
	r->reference = ob_malloc(nu * sizeof(*r->reference));
	r->imputed_by = ob_calloc(ni, sizeof(*r->imputed_by));
	scratch = ob_malloc(nu * sizeof(*scratch));
	wi = ob_malloc(ni * sizeof(*wi));
	wn = ob_malloc(nn * sizeof(*wn));
	zbar = ob_malloc(ni * sizeof(*zbar));
	aggs = ob_malloc(nn * sizeof(*aggs));
	memcpy(r->treated, in->x, nu * ni * sizeof(*r->treated));
	for (size_t j = 0; j < ni; j++)
		if ((e = treat(def, in, j, r->treated, scratch, d)))
			goto fail;
	if ((e = missing_policy(def, in, r, d)) ||
	    (e = ob_ix_normalise_all(def, in, NULL, r->treated, r->imputed, r->norm, d)))
		goto fail;
	ob_ix_nominal_weights(def, wi, wn);
	ob_ix_node_aggs(def, OB_IX_AGG_NOMINAL, aggs);
	for (size_t u = 0; u < nu; u++) {
		if (ob_ix_aggregate_unit(def, r->norm + u * ni, wi, wn, aggs, r->node + u * nn)) {
			e = unit_err(d, OB_EINVAL, in, u,
			             "valor negativo bajo una agregación geométrica",
			             "negative value under a geometric aggregation");
			goto fail;
		}
		r->score[u] = r->node[u * nn];
		if (isnan(r->score[u])) {
			e = unit_err(d, OB_EINVAL, in, u,
			             "la unidad no tiene ningún valor con peso > 0: no se puede "
			             "calcular su puntaje",
			             "the unit has no value with weight > 0: its score cannot "
			             "be computed");
			goto fail;
		}
		sum += r->score[u];
	}
	r->mean_score = sum / (double)nu;
	if ((e = ob_rank_desc(r->score, nu, r->rank))) {
		OB_DIAG(d, e, def->file, 0, 0, NULL, 0, "no se pudo ordenar", "could not rank");
		goto fail;
	}
	for (size_t u = 0; u < nu; u++)
		r->top[u] = def->top && r->rank[u] <= def->top;
	if ((e = ob_ix_classify(def, r->score, nu, r->breaks, r->level, d)))
		goto fail;
	for (size_t j = 0; j < ni; j++) {
		size_t k = 0;
		double s = 0;
		for (size_t u = 0; u < nu; u++)
			if (!isnan(r->norm[u * ni + j])) {
				s += r->norm[u * ni + j];
				k++;
			}
		zbar[j] = s / (double)k;
	}
	for (size_t u = 0; u < nu; u++)
		drivers(def, r->norm + u * ni, zbar, r->node + u * nn, wi, wn, aggs,
		        r->contrib + u * ni, &r->reference[u]);
	e = OB_OK;
	goto out;
fail:
	ob_index_result_release(r);
out:
	free(scratch);
	free(wi);
	free(wn);
	free(zbar);
	free(aggs);
	return e;
}
