/* index_def.c - read and check index definition files (docs/index.md). */
#include "index/index_impl.h"

#include <ctype.h>
#include <math.h>

#include "base/file.h"
#include "io/ini.h"

enum section { SEC_NONE, SEC_INDEX, SEC_DIMENSION, SEC_INDICATOR, SEC_UNCERTAINTY, SEC_SKIP };

/* A key set once per section: remembered to refuse a repetition. */
#define MAX_KEYS_SEEN 16

struct parser {
	struct ob_index_def *def;
	struct ob_diag *d;
	const char *name;
	long line;
	enum section sec;
	size_t cur;          /* current dimension (node) or indicator */
	char seen[MAX_KEYS_SEEN][24];
	size_t nseen;
	/* references resolved at the end, with the line that made them */
	char *ind_dim[OB_MAX_INDEX_INDICATORS];
	long ind_dim_line[OB_MAX_INDEX_INDICATORS];
	char *node_parent[OB_MAX_INDEX_NODES];
	long node_parent_line[OB_MAX_INDEX_NODES];
	bool node_agg_set[OB_MAX_INDEX_NODES];
	bool inform;
	long index_line, unc_line, classify_line, levels_line, names_line, mc_norm_line,
		mc_agg_line, norm_line, agg_line;
	long names_en_line; /* level_names_en */
	bool levels_given;
	const char *const *skip; /* section ids left out (ob_index_load_mem_skip) */
	size_t nskip;
};

static ob_err perr(struct parser *p, const char *value, const char *es, const char *en, ...)
	__attribute__((format(printf, 3, 5), format(printf, 4, 5)));

static ob_err perr(struct parser *p, const char *value, const char *es, const char *en, ...)
{
	va_list ap;
	ob_err e;

	va_start(ap, en);
	e = ob_diag_vset2(p->d, OB_EPARSE, p->name, p->line, 0, value, value ? strlen(value) : 0,
	                  es, en, ap);
	va_end(ap);
	return e;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char *trim(char *s)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static bool id_ok(const char *s)
{
	if (!*s || strlen(s) >= OB_MAX_NAME)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

static bool parse_num(const char *s, double *out)
{
	return *s && ob_parse_double(s, strlen(s), out) && isfinite(*out);
}

/* Split s in place at blanks (and commas when commas is set). */
static size_t split_words(char *s, char **w, size_t max, bool commas)
{
	size_t n = 0;

	while (*s) {
		while (is_blank(*s) || (commas && *s == ','))
			*s++ = '\0';
		if (!*s)
			break;
		if (n == max)
			return max + 1;
		w[n++] = s;
		while (*s && !is_blank(*s) && !(commas && *s == ','))
			s++;
	}
	return n;
}

static ob_err parse_norm(struct parser *p, const char *value, struct ob_ix_norm *n)
{
	char buf[OB_MAX_CONFIG_LINE], *w[4];
	size_t k;

	ob_strlcpy(buf, value, sizeof(buf));
	k = split_words(buf, w, 3, false);
	memset(n, 0, sizeof(*n));
	if (k == 0 || k > 3)
		goto bad;
	if (!strcmp(w[0], "minmax")) {
		n->kind = OB_IX_MINMAX;
		n->a = 0;
		n->b = 100;
		if (k == 2)
			goto bad;
		if (k == 3 && (!parse_num(w[1], &n->a) || !parse_num(w[2], &n->b)))
			goto bad;
		if (!(n->a < n->b))
			return perr(p, value, "minmax L U necesita L < U",
			                      "minmax L U needs L < U");
		return OB_OK;
	}
	if (!strcmp(w[0], "zscore")) {
		n->kind = OB_IX_ZSCORE;
		n->a = 0;
		n->b = 1;
		if (k == 2)
			goto bad;
		if (k == 3 && (!parse_num(w[1], &n->a) || !parse_num(w[2], &n->b)))
			goto bad;
		if (!(n->b > 0))
			return perr(p, value, "zscore M S necesita S > 0",
			                      "zscore M S needs S > 0");
		return OB_OK;
	}
	if (!strcmp(w[0], "rank") && k == 1) {
		n->kind = OB_IX_RANK;
		return OB_OK;
	}
	if (!strcmp(w[0], "distance") && k == 2) {
		static const struct {
			const char *name;
			enum ob_ix_ref ref;
		} refs[] = { { "mean", OB_IX_REF_MEAN },
			     { "median", OB_IX_REF_MEDIAN },
			     { "min", OB_IX_REF_MIN },
			     { "max", OB_IX_REF_MAX } };
		n->kind = OB_IX_DISTANCE;
		for (size_t i = 0; i < OB_ARRAY_SIZE(refs); i++)
			if (!strcmp(w[1], refs[i].name)) {
				n->ref = refs[i].ref;
				return OB_OK;
			}
		n->ref = OB_IX_REF_VALUE;
		if (!parse_num(w[1], &n->a) || !(n->a > 0))
			return perr(p, value, "referencia no válida: se esperaba un "
			                      "número > 0, mean, median, min o max",
			                      "invalid reference: expected a number > 0, mean, median, min or max");
		return OB_OK;
	}
bad:
	return perr(p, value, "normalización no válida: se esperaba minmax [L "
	                      "U], zscore [M S], rank o distance REF",
	                      "invalid normalisation: expected minmax [L U], zscore [M S], rank "
	                      "or distance REF");
}

static ob_err parse_agg(struct parser *p, const char *value, bool allow_inform,
                        bool allow_nominal, enum ob_ix_agg_mode *m)
{
	if (!strcmp(value, "arithmetic"))
		*m = OB_IX_AGG_ARITH;
	else if (!strcmp(value, "geometric"))
		*m = OB_IX_AGG_GEOM;
	else if (allow_inform && !strcmp(value, "inform"))
		*m = OB_IX_AGG_INFORM;
	else if (allow_nominal && !strcmp(value, "nominal"))
		*m = OB_IX_AGG_NOMINAL;
	else
		return allow_inform
		       ? perr(p, value, "agregación no válida: se esperaba arithmetic, geometric o "
		              "inform", "invalid aggregation: expected arithmetic, geometric or inform")
		       : perr(p, value, "agregación no válida: se esperaba arithmetic, geometric",
		              "invalid aggregation: expected arithmetic, geometric");
	return OB_OK;
}

static ob_err parse_size(struct parser *p, const char *value, long long lo, long long hi,
                         size_t *out)
{
	long long v;

	if (!ob_parse_int(value, strlen(value), lo, hi, &v))
		return perr(p, value, "se esperaba un entero entre %lld y %lld",
		                      "expected an integer from %lld to %lld", lo, hi);
	*out = (size_t)v;
	return OB_OK;
}

static ob_err parse_weight(struct parser *p, const char *value, double *w)
{
	if (!parse_num(value, w) || *w < 0)
		return perr(p, value, "peso no válido: se esperaba un número >= 0",
		                      "invalid weight: expected a number >= 0");
	return OB_OK;
}

static ob_err parse_treat(struct parser *p, const char *value, struct ob_ix_indicator *ind)
{
	char buf[OB_MAX_CONFIG_LINE], *step = buf;

	ob_strlcpy(buf, value, sizeof(buf));
	ind->ntreat = 0;
	while (step) {
		char *next = strchr(step, ','), *w[4];
		size_t k;
		struct ob_ix_treat t = { 0 };

		if (next)
			*next++ = '\0';
		k = split_words(step, w, 3, false);
		if (k == 1 && !strcmp(w[0], "none") && !next && ind->ntreat == 0)
			return OB_OK;
		if (k == 3 && (!strcmp(w[0], "winsorise") || !strcmp(w[0], "winsorize"))) {
			t.kind = OB_IX_WINSORISE;
			if (!parse_num(w[1], &t.lo) || !parse_num(w[2], &t.hi) || t.lo < 0 ||
			    t.hi > 1 || !(t.lo < t.hi))
				return perr(p, value, "winsorise P Q necesita 0 <= P < Q <= 1",
				                      "winsorise P Q needs 0 <= P < Q <= 1");
		} else if (k == 1 && !strcmp(w[0], "log")) {
			t.kind = OB_IX_LOG;
		} else if (k == 1 && !strcmp(w[0], "log1p")) {
			t.kind = OB_IX_LOG1P;
		} else {
			return perr(p, value, "tratamiento no válido: se esperaba "
			                      "winsorise P Q, log, log1p o none, "
			                      "separados por comas",
			                      "invalid treatment: expected winsorise P Q, log, log1p or "
			                      "none, separated by commas");
		}
		if (ind->ntreat == OB_IX_MAX_TREAT)
			return perr(p, value, "más de %d tratamientos",
			                      "more than %d treatments",
			            OB_IX_MAX_TREAT);
		ind->treat[ind->ntreat++] = t;
		step = next;
	}
	return OB_OK;
}

/* Split "a | b | c" into trimmed items (in place). */
static size_t split_bar(char *s, char **items, size_t max)
{
	size_t n = 0;

	for (;;) {
		char *bar = strchr(s, '|');
		if (bar)
			*bar = '\0';
		if (n == max)
			return max + 1;
		items[n++] = trim(s);
		if (!bar)
			break;
		s = bar + 1;
	}
	return n;
}

static ob_err key_once(struct parser *p, const char *key)
{
	for (size_t i = 0; i < p->nseen; i++)
		if (!strcmp(p->seen[i], key))
			return perr(p, key, "clave repetida en la sección",
			                    "key repeated in the section");
	if (p->nseen < MAX_KEYS_SEEN)
		ob_strlcpy(p->seen[p->nseen++], key, sizeof(p->seen[0]));
	return OB_OK;
}

static ob_err set_index_key(struct parser *p, const char *k, char *v)
{
	struct ob_index_def *def = p->def;

	if (!strcmp(k, "name")) {
		free(def->name);
		def->name = ob_strdup(v);
	} else if (!strcmp(k, "name_en")) {
		free(def->name_en);
		def->name_en = *v ? ob_strdup(v) : NULL; /* empty: the Spanish name */
	} else if (!strcmp(k, "units")) {
		if (!strcmp(v, "admin2"))
			def->admin2 = true;
		else if (!strcmp(v, "list"))
			def->admin2 = false;
		else
			return perr(p, v, "unidades no válidas: se esperaba admin2 "
			                  "o list",
			                  "invalid units: expected admin2 or list");
	} else if (!strcmp(k, "unit_column")) {
		free(def->unit_column);
		def->unit_column = ob_strdup(v);
	} else if (!strcmp(k, "name_column")) {
		free(def->name_column);
		def->name_column = *v ? ob_strdup(v) : NULL;
	} else if (!strcmp(k, "normalise") || !strcmp(k, "normalize")) {
		p->norm_line = p->line;
		return parse_norm(p, v, &def->norm);
	} else if (!strcmp(k, "aggregate")) {
		enum ob_ix_agg_mode m = OB_IX_AGG_ARITH;
		ob_err e = parse_agg(p, v, true, false, &m);
		if (e)
			return e;
		p->agg_line = p->line;
		p->inform = m == OB_IX_AGG_INFORM;
		def->node[0].agg = m == OB_IX_AGG_ARITH ? OB_IX_ARITH : OB_IX_GEOM;
	} else if (!strcmp(k, "missing")) {
		if (!strcmp(v, "refuse"))
			def->missing = OB_IX_MISSING_REFUSE;
		else if (!strcmp(v, "reweight"))
			def->missing = OB_IX_MISSING_REWEIGHT;
		else if (!strcmp(v, "impute-mean"))
			def->missing = OB_IX_MISSING_IMPUTE_MEAN;
		else
			return perr(p, v, "política de datos faltantes no válida: "
			                  "se esperaba refuse, reweight o "
			                  "impute-mean",
			                  "invalid missing-data policy: expected refuse, reweight or "
			                  "impute-mean");
	} else if (!strcmp(k, "classify")) {
		char buf[OB_MAX_CONFIG_LINE], *w[OB_MAX_CLASSES + 2];
		size_t n;
		ob_strlcpy(buf, v, sizeof(buf));
		n = split_words(buf, w, OB_MAX_CLASSES + 1, true);
		p->classify_line = p->line;
		if (n == 1 && !strcmp(w[0], "quantile"))
			def->classify = OB_IX_CLASS_QUANTILE;
		else if (n == 1 && !strcmp(w[0], "fisher"))
			def->classify = OB_IX_CLASS_FISHER;
		else if (n == 1 && !strcmp(w[0], "equal"))
			def->classify = OB_IX_CLASS_EQUAL;
		else if (n >= 2 && n <= OB_MAX_CLASSES && !strcmp(w[0], "fixed")) {
			def->classify = OB_IX_CLASS_FIXED;
			for (size_t i = 1; i < n; i++) {
				if (!parse_num(w[i], &def->thresholds[i - 1]))
					return perr(p, w[i], "umbral no válido",
					                     "invalid threshold");
				if (i > 1 && !(def->thresholds[i - 1] > def->thresholds[i - 2]))
					return perr(p, v, "los umbrales deben ser crecientes",
					                  "thresholds must increase");
			}
			if (p->levels_given && def->levels != n)
				return perr(p, v, "%zu umbrales dan %zu niveles, no %zu",
				                  "%zu thresholds give %zu levels, not %zu", n - 1, n,
				            def->levels);
			def->levels = n;
		} else
			return perr(p, v, "clasificación no válida: se esperaba "
			                  "quantile, fisher, equal o fixed T1 T2 "
			                  "...",
			                  "invalid classification: expected quantile, fisher, equal or "
			                  "fixed T1 T2 ...");
	} else if (!strcmp(k, "levels")) {
		size_t lv = 0;
		ob_err e = parse_size(p, v, 2, OB_MAX_CLASSES, &lv);
		if (e)
			return e;
		if (def->classify == OB_IX_CLASS_FIXED && lv != def->levels)
			return perr(p, v, "los umbrales fijos dan %zu niveles",
			                  "the fixed thresholds give %zu levels", def->levels);
		def->levels = lv;
		p->levels_given = true;
		p->levels_line = p->line;
	} else if (!strcmp(k, "level_names") || !strcmp(k, "level_names_en")) {
		bool en = !strcmp(k, "level_names_en");
		char **names = en ? def->level_names_en : def->level_names;
		char *items[OB_MAX_CLASSES + 1];
		size_t n = split_bar(v, items, OB_MAX_CLASSES);
		if (n > OB_MAX_CLASSES)
			return perr(p, NULL, "más de %d nombres de nivel",
			                     "more than %d level names",
			            OB_MAX_CLASSES);
		for (size_t i = 0; i < OB_MAX_CLASSES; i++) {
			free(names[i]);
			names[i] = NULL;
		}
		for (size_t i = 0; i < n; i++) {
			if (!*items[i])
				return perr(p, NULL, "nombre de nivel vacío",
				                     "empty level name");
			names[i] = ob_strdup(items[i]);
		}
		if (en)
			p->names_en_line = p->line;
		else
			p->names_line = p->line;
	} else if (!strcmp(k, "country")) {
		if (strlen(v) != 3 || !isupper((unsigned char)v[0]) ||
		    !isupper((unsigned char)v[1]) || !isupper((unsigned char)v[2]))
			return perr(p, v, "país no válido: se esperaba un código "
			                  "ISO 3166-1 alfa-3 (SLV)",
			                  "invalid country: expected an ISO 3166-1 alpha-3 code (SLV)");
		free(def->country);
		def->country = ob_strdup(v);
	} else if (!strcmp(k, "territory_column")) {
		if (!*v)
			return perr(p, NULL, "columna vacía",
			                     "empty column");
		free(def->territory_column);
		def->territory_column = ob_strdup(v);
	} else if (!strcmp(k, "top")) {
		return parse_size(p, v, 0, OB_MAX_AREAS, &def->top);
	} else {
		return perr(p, k, "clave desconocida en [index]",
		                  "unknown key in [index]");
	}
	return OB_OK;
}

static ob_err set_dimension_key(struct parser *p, const char *k, char *v)
{
	struct ob_ix_node *n = &p->def->node[p->cur];

	if (!strcmp(k, "name")) {
		free(n->name);
		n->name = ob_strdup(v);
	} else if (!strcmp(k, "name_en")) {
		free(n->name_en);
		n->name_en = *v ? ob_strdup(v) : NULL; /* empty: the Spanish name */
	} else if (!strcmp(k, "parent")) {
		free(p->node_parent[p->cur]);
		p->node_parent[p->cur] = ob_strdup(v);
		p->node_parent_line[p->cur] = p->line;
	} else if (!strcmp(k, "weight")) {
		return parse_weight(p, v, &n->weight);
	} else if (!strcmp(k, "aggregate")) {
		enum ob_ix_agg_mode m = OB_IX_AGG_ARITH;
		ob_err e = parse_agg(p, v, false, false, &m);
		if (e)
			return e;
		n->agg = m == OB_IX_AGG_ARITH ? OB_IX_ARITH : OB_IX_GEOM;
		p->node_agg_set[p->cur] = true;
	} else {
		return perr(p, k, "clave desconocida en [dimension]",
		                  "unknown key in [dimension]");
	}
	return OB_OK;
}

/* cases = TYPE [per N COLUMN] */
static ob_err parse_cases(struct parser *p, char *v, struct ob_ix_indicator *ind)
{
	char *tok[4], *save = v;
	size_t n = 0;
	double per = 0;

	while (n < 4) {
		size_t sp = strspn(save, " \t"), len;
		save += sp;
		if (!*save)
			break;
		len = strcspn(save, " \t");
		tok[n++] = save;
		save += len;
		if (*save)
			*save++ = '\0';
	}
	if (ind->catalog)
		return perr(p, v, "un indicador es del catálogo o de casos (cases), no de los dos",
		                  "an indicator is of the catalogue or of cases, not both");
	if ((n != 1 && n != 4) || *save ||
	    (n == 4 && (strcmp(tok[1], "per") ||
	                !ob_parse_double(tok[2], strlen(tok[2]), &per) || !(per > 0))))
		return perr(p, n ? tok[0] : NULL,
		            "se esperaba cases = TIPO o cases = TIPO per N COLUMNA (p. ej. salve per "
		            "1000 students)",
		            "expected cases = TYPE or cases = TYPE per N COLUMN (e.g. salve per 1000 "
		            "students)");
	if (strlen(tok[0]) >= OB_MAX_NAME)
		return perr(p, tok[0], "tipo de caso demasiado largo", "case type too long");
	free(ind->cases);
	free(ind->cases_column);
	ind->cases = ob_strdup(tok[0]);
	ind->cases_column = n == 4 ? ob_strdup(tok[3]) : NULL;
	ind->cases_per = n == 4 ? per : 1;
	ind->cases_line = p->line;
	return OB_OK;
}

static ob_err set_indicator_key(struct parser *p, const char *k, char *v)
{
	struct ob_ix_indicator *ind = &p->def->ind[p->cur];

	if (!strcmp(k, "name")) {
		free(ind->name);
		ind->name = ob_strdup(v);
	} else if (!strcmp(k, "name_en")) {
		free(ind->name_en);
		ind->name_en = *v ? ob_strdup(v) : NULL; /* empty: the Spanish name */
	} else if (!strcmp(k, "column")) {
		if (!*v)
			return perr(p, NULL, "columna vacía",
			                     "empty column");
		free(ind->column);
		ind->column = ob_strdup(v);
	} else if (!strcmp(k, "dimension")) {
		free(p->ind_dim[p->cur]);
		p->ind_dim[p->cur] = ob_strdup(v);
		p->ind_dim_line[p->cur] = p->line;
	} else if (!strcmp(k, "weight")) {
		return parse_weight(p, v, &ind->weight);
	} else if (!strcmp(k, "direction")) {
		if (!strcmp(v, "+") || !strcmp(v, "1") || !strcmp(v, "+1"))
			ind->direction = 1;
		else if (!strcmp(v, "-") || !strcmp(v, "-1"))
			ind->direction = -1;
		else
			return perr(p, v, "dirección no válida: se esperaba + (más "
			                  "es peor) o - (más es mejor)",
			                  "invalid direction: expected + (more is worse) or - (more "
			                  "is better)");
	} else if (!strcmp(k, "treat")) {
		return parse_treat(p, v, ind);
	} else if (!strcmp(k, "normalise") || !strcmp(k, "normalize")) {
		ind->has_norm = true;
		return parse_norm(p, v, &ind->norm);
	} else if (!strcmp(k, "catalog")) {
		if (!*v)
			return perr(p, NULL, "indicador del catálogo vacío",
			                     "empty catalog indicator");
		if (ind->cases)
			return perr(p, v, "un indicador es del catálogo o de casos (cases), no de los dos",
			                  "an indicator is of the catalogue or of cases, not both");
		free(ind->catalog);
		ind->catalog = ob_strdup(v);
		ind->catalog_line = p->line;
	} else if (!strcmp(k, "cases")) {
		return parse_cases(p, v, ind);
	} else {
		return perr(p, k, "clave desconocida en [indicator]",
		                  "unknown key in [indicator]");
	}
	return OB_OK;
}

static ob_err set_uncertainty_key(struct parser *p, const char *k, char *v)
{
	struct ob_ix_uncertainty *u = &p->def->mc;

	if (!strcmp(k, "runs")) {
		return parse_size(p, v, 0, OB_MAX_INDEX_RUNS, &u->runs);
	} else if (!strcmp(k, "seed")) {
		long long s;
		if (!ob_parse_int(v, strlen(v), 0, INT64_MAX, &s))
			return perr(p, v, "semilla no válida: se esperaba un "
			                  "entero >= 0",
			                  "invalid seed: expected an integer >= 0");
		u->seed = (uint64_t)s;
	} else if (!strcmp(k, "weights")) {
		char buf[OB_MAX_CONFIG_LINE], *w[3];
		size_t n;
		ob_strlcpy(buf, v, sizeof(buf));
		n = split_words(buf, w, 2, false);
		if (n == 1 && !strcmp(w[0], "fixed")) {
			u->weights = OB_IX_W_FIXED;
		} else if (n == 2 && !strcmp(w[0], "uniform") && parse_num(w[1], &u->weights_param) &&
		           u->weights_param > 0 && u->weights_param < 1) {
			u->weights = OB_IX_W_UNIFORM;
		} else if (n == 2 && !strcmp(w[0], "dirichlet") &&
		           parse_num(w[1], &u->weights_param) && u->weights_param > 0) {
			u->weights = OB_IX_W_DIRICHLET;
		} else {
			return perr(p, v, "pesos no válidos: se esperaba fixed, "
			                  "uniform P (0 < P < 1) o dirichlet A (A "
			                  "> 0)",
			                  "invalid weights: expected fixed, uniform P (0 < P < 1) or "
			                  "dirichlet A (A > 0)");
		}
	} else if (!strcmp(k, "normalise") || !strcmp(k, "normalize")) {
		char *items[OB_MAX_INDEX_ALTERNATIVES + 1];
		size_t n = split_bar(v, items, OB_MAX_INDEX_ALTERNATIVES);
		if (n > OB_MAX_INDEX_ALTERNATIVES)
			return perr(p, NULL, "más de %d alternativas",
			                     "more than %d alternatives",
			            OB_MAX_INDEX_ALTERNATIVES);
		for (size_t i = 0; i < n; i++) {
			u->norm_nominal[i] = !strcmp(items[i], "nominal");
			if (!u->norm_nominal[i]) {
				ob_err e = parse_norm(p, items[i], &u->norm[i]);
				if (e)
					return e;
			}
		}
		u->nnorm = n;
		p->mc_norm_line = p->line;
	} else if (!strcmp(k, "aggregate")) {
		char *items[OB_MAX_INDEX_ALTERNATIVES + 1];
		size_t n = split_bar(v, items, OB_MAX_INDEX_ALTERNATIVES);
		if (n > OB_MAX_INDEX_ALTERNATIVES)
			return perr(p, NULL, "más de %d alternativas",
			                     "more than %d alternatives",
			            OB_MAX_INDEX_ALTERNATIVES);
		for (size_t i = 0; i < n; i++) {
			ob_err e = parse_agg(p, items[i], true, true, &u->agg[i]);
			if (e)
				return e;
		}
		u->nagg = n;
		p->mc_agg_line = p->line;
	} else {
		return perr(p, k, "clave desconocida en [uncertainty]",
		                  "unknown key in [uncertainty]");
	}
	return OB_OK;
}

static ob_err open_section(struct parser *p, const char *section)
{
	char *w[3], s[OB_MAX_CONFIG_LINE + 1];
	size_t n;
	struct ob_index_def *def = p->def;

	ob_strlcpy(s, section, sizeof(s));
	n = split_words(s, w, 2, false);

	p->nseen = 0;
	if (n == 1 && !strcmp(w[0], "index")) {
		if (p->index_line)
			return perr(p, "index", "sección [index] repetida",
			                        "repeated section");
		p->index_line = p->line;
		p->sec = SEC_INDEX;
		return OB_OK;
	}
	if (n == 1 && !strcmp(w[0], "uncertainty")) {
		if (p->unc_line)
			return perr(p, "uncertainty", "sección [uncertainty] repetida",
			                              "repeated section");
		p->unc_line = p->line;
		p->sec = SEC_UNCERTAINTY;
		return OB_OK;
	}
	if (n == 2 && (!strcmp(w[0], "dimension") || !strcmp(w[0], "indicator"))) {
		if (!id_ok(w[1]) || !strcmp(w[1], "index"))
			return perr(p, w[1], "identificador no válido: letras ASCII, "
			                     "cifras, _ - . (y no «index»)",
			                     "invalid id: ASCII letters, digits, _ - . (and not «index»)");
		for (size_t i = 0; i < p->nskip; i++)
			if (!strcmp(p->skip[i], w[1])) {
				p->sec = SEC_SKIP;
				return OB_OK;
			}
		if (ob_index_find_node(def, w[1]) != (size_t)-1 ||
		    ob_index_find_indicator(def, w[1]) != (size_t)-1)
			return perr(p, w[1], "identificador repetido",
			                     "duplicated id");
		if (w[0][1] == 'i') {
			struct ob_ix_node *nd;
			if (def->nnode == OB_MAX_INDEX_NODES)
				return perr(p, w[1], "más de %d dimensiones",
				                     "more than %d dimensions",
				            OB_MAX_INDEX_NODES - 1);
			p->cur = def->nnode++;
			nd = &def->node[p->cur];
			nd->id = ob_strdup(w[1]);
			nd->weight = 1;
			nd->agg = OB_IX_ARITH;
			nd->line = p->line;
			p->sec = SEC_DIMENSION;
		} else {
			struct ob_ix_indicator *ind;
			if (def->nind == OB_MAX_INDEX_INDICATORS)
				return perr(p, w[1], "más de %d indicadores",
				                     "more than %d indicators",
				            OB_MAX_INDEX_INDICATORS);
			p->cur = def->nind++;
			ind = &def->ind[p->cur];
			ind->id = ob_strdup(w[1]);
			ind->weight = 1;
			ind->direction = 1;
			ind->line = p->line;
			p->sec = SEC_INDICATOR;
		}
		return OB_OK;
	}
	return perr(p, section, "sección desconocida: se esperaba [index], "
	                        "[dimension ID], [indicator ID] o [uncertainty]",
	                        "unknown section: expected [index], [dimension ID], [indicator ID] "
	                        "or [uncertainty]");
}

static ob_err def_item(void *ctx, const struct ob_ini_item *it)
{
	struct parser *p = ctx;
	const char *k = it->key;
	char *v = it->value;
	ob_err e;

	p->line = it->line;
	if (!k)
		return open_section(p, it->section);
	if (p->sec == SEC_SKIP)
		return OB_OK;
	if ((e = key_once(p, k)))
		return e;
	switch (p->sec) {
	case SEC_INDEX:
		return set_index_key(p, k, v);
	case SEC_DIMENSION:
		return set_dimension_key(p, k, v);
	case SEC_INDICATOR:
		return set_indicator_key(p, k, v);
	case SEC_UNCERTAINTY:
		return set_uncertainty_key(p, k, v);
	case SEC_NONE:
	case SEC_SKIP:
		break;
	}
	return OB_OK;
}

/* Error at a given line (for checks after parsing). */
static ob_err lerr(struct parser *p, long line, const char *value, const char *es,
                   const char *en, ...) __attribute__((format(printf, 4, 6), format(printf, 5, 6)));

static ob_err lerr(struct parser *p, long line, const char *value, const char *es,
                   const char *en, ...)
{
	va_list ap;
	ob_err e;

	va_start(ap, en);
	e = ob_diag_vset2(p->d, OB_EINVAL, p->name, line, 0, value, value ? strlen(value) : 0, es,
	                  en, ap);
	va_end(ap);
	return e;
}

static size_t resolve_node(const struct ob_index_def *def, const char *id)
{
	if (!id || !*id || !strcmp(id, "index"))
		return 0;
	return ob_index_find_node(def, id);
}

static bool mode_has_geom(const struct ob_index_def *def, enum ob_ix_agg_mode m)
{
	if (m == OB_IX_AGG_GEOM || m == OB_IX_AGG_INFORM)
		return true;
	if (m == OB_IX_AGG_ARITH)
		return false;
	for (size_t c = 0; c < def->nnode; c++)
		if (def->node[c].agg == OB_IX_GEOM)
			return true;
	return false;
}

/* Can indicator j come out negative under the override (NULL: nominal)? */
static bool ind_can_be_negative(const struct ob_index_def *def, size_t j,
                                const struct ob_ix_norm *override)
{
	if (override)
		return ob_ix_norm_can_be_negative(override);
	return ob_ix_norm_can_be_negative(def->ind[j].has_norm ? &def->ind[j].norm : &def->norm);
}

static ob_err check(struct parser *p)
{
	struct ob_index_def *def = p->def;
	size_t *count, pos = 0;

	def->node[0].line = p->index_line;
	if (!def->nind)
		return lerr(p, p->line, NULL, "la definición no tiene indicadores "
		                              "([indicator ID])",
		                              "the definition has no indicators ([indicator ID])");
	for (size_t c = 1; c < def->nnode; c++) {
		size_t par = resolve_node(def, p->node_parent[c]);
		if (par == (size_t)-1)
			return lerr(p, p->node_parent_line[c], p->node_parent[c],
			            "dimensión padre desconocida",
			            "unknown parent dimension");
		if (par == c)
			return lerr(p, p->node_parent_line[c], p->node_parent[c],
			            "una dimensión no puede ser su propio padre",
			            "a dimension cannot be its own parent");
		def->node[c].parent = par;
		if (p->inform && !p->node_agg_set[c])
			def->node[c].agg = OB_IX_ARITH;
	}
	for (size_t j = 0; j < def->nind; j++) {
		size_t par = resolve_node(def, p->ind_dim[j]);
		if (par == (size_t)-1)
			return lerr(p, p->ind_dim_line[j], p->ind_dim[j],
			            "dimensión desconocida",
			            "unknown dimension");
		def->ind[j].parent = par;
		if (!def->ind[j].column)
			def->ind[j].column = ob_strdup(def->ind[j].id);
		if (!strcmp(def->ind[j].column, def->unit_column) ||
		    (def->name_column && !strcmp(def->ind[j].column, def->name_column)))
			return lerr(p, def->ind[j].line, def->ind[j].column,
			            "la columna del indicador es la de la unidad "
			            "o del nombre",
			            "the indicator column is the unit or name "
			            "column");
	}
	/* depths: follow parents; more than the limit means a cycle or too deep */
	for (size_t c = 1; c < def->nnode; c++) {
		size_t at = c, depth = 0;
		while (at != 0) {
			at = def->node[at].parent;
			if (++depth > OB_MAX_INDEX_DEPTH)
				return lerr(p, def->node[c].line, def->node[c].id,
				            "ciclo de dimensiones o más de %d niveles",
				            "dimension cycle or more than %d levels",
				            OB_MAX_INDEX_DEPTH);
		}
		def->node[c].depth = depth;
	}
	/* children lists */
	count = ob_calloc(def->nnode, sizeof(*count));
	for (size_t j = 0; j < def->nind; j++)
		count[def->ind[j].parent]++;
	for (size_t c = 1; c < def->nnode; c++)
		count[def->node[c].parent]++;
	def->kid_off = ob_calloc(def->nnode + 1, sizeof(*def->kid_off));
	for (size_t c = 0; c < def->nnode; c++)
		def->kid_off[c + 1] = def->kid_off[c] + count[c];
	def->kids = ob_malloc((def->nind + def->nnode) * sizeof(*def->kids));
	memset(count, 0, def->nnode * sizeof(*count));
	for (size_t j = 0; j < def->nind; j++) {
		size_t par = def->ind[j].parent;
		def->kids[def->kid_off[par] + count[par]++] = j;
	}
	for (size_t c = 1; c < def->nnode; c++) {
		size_t par = def->node[c].parent;
		def->kids[def->kid_off[par] + count[par]++] = def->nind + c;
	}
	free(count);
	for (size_t c = 0; c < def->nnode; c++) {
		double sw = 0;
		for (size_t k = def->kid_off[c]; k < def->kid_off[c + 1]; k++) {
			size_t x = def->kids[k];
			sw += x < def->nind ? def->ind[x].weight : def->node[x - def->nind].weight;
		}
		if (def->kid_off[c + 1] == def->kid_off[c])
			return lerr(p, def->node[c].line, def->node[c].id,
			            "la dimensión no tiene indicadores ni "
			            "dimensiones",
			            "the dimension has no indicators and no dimensions");
		if (!(sw > 0))
			return lerr(p, def->node[c].line, def->node[c].id,
			            "los pesos de sus componentes suman 0",
			            "its children's weights add up to 0");
	}
	/* order: deepest first */
	def->order = ob_malloc(def->nnode * sizeof(*def->order));
	for (size_t depth = OB_MAX_INDEX_DEPTH + 1; depth-- > 0;)
		for (size_t c = 0; c < def->nnode; c++)
			if (def->node[c].depth == depth)
				def->order[pos++] = c;
	/* levels and their names */
	if (def->level_names_en[0]) {
		size_t n = 0;
		while (n < OB_MAX_CLASSES && def->level_names_en[n])
			n++;
		if (n != def->levels)
			return lerr(p, p->names_en_line, NULL, "%zu nombres para %zu niveles",
			                                       "%zu names for %zu levels", n,
			            def->levels);
	}
	if (def->level_names[0]) {
		size_t n = 0;
		while (n < OB_MAX_CLASSES && def->level_names[n])
			n++;
		if (n != def->levels)
			return lerr(p, p->names_line, NULL, "%zu nombres para %zu niveles",
			                                    "%zu names for %zu levels", n, def->levels);
	} else {
		static const char *const five[] = { "Muy bajo", "Bajo", "Medio", "Alto",
			                            "Muy alto" };
		static const char *const five_en[] = { "Very low", "Low", "Medium", "High",
			                               "Very high" };
		bool en = !def->level_names_en[0];
		for (size_t i = 0; i < def->levels; i++) {
			char buf[32];
			if (def->levels == 5) {
				def->level_names[i] = ob_strdup(five[i]);
				if (en)
					def->level_names_en[i] = ob_strdup(five_en[i]);
			} else {
				snprintf(buf, sizeof(buf), "Nivel %zu", i + 1);
				def->level_names[i] = ob_strdup(buf);
				if (en) {
					snprintf(buf, sizeof(buf), "Level %zu", i + 1);
					def->level_names_en[i] = ob_strdup(buf);
				}
			}
		}
	}
	/* geometric means need values >= 0 */
	if (mode_has_geom(def, OB_IX_AGG_NOMINAL))
		for (size_t j = 0; j < def->nind; j++)
			if (ind_can_be_negative(def, j, NULL))
				return lerr(p, def->ind[j].line, def->ind[j].id,
				            "agregación geométrica con una "
				            "normalización que da valores negativos "
				            "(zscore, minmax con L < 0)",
				            "geometric aggregation over a normalisation that "
				            "gives negative values (zscore, minmax with L < 0)");
	/* uncertainty: defaults, then every combination must be computable */
	if (!def->mc.nnorm) {
		def->mc.nnorm = 1;
		def->mc.norm_nominal[0] = true;
	}
	if (!def->mc.nagg) {
		def->mc.nagg = 1;
		def->mc.agg[0] = OB_IX_AGG_NOMINAL;
	}
	for (size_t a = 0; a < def->mc.nagg; a++) {
		if (!mode_has_geom(def, def->mc.agg[a]))
			continue;
		for (size_t i = 0; i < def->mc.nnorm; i++)
			for (size_t j = 0; j < def->nind; j++)
				if (ind_can_be_negative(def, j, def->mc.norm_nominal[i] ? NULL
				                                                         : &def->mc.norm[i]))
					return lerr(p, p->mc_agg_line, ob_index_agg_mode_name(def->mc.agg[a]),
					            "[uncertainty]: la agregación %s no "
					            "admite la normalización n.º %zu "
					            "(valores negativos)",
					            "[uncertainty]: the %s aggregation does not "
					            "take normalisation no. %zu (negative values)",
					            ob_index_agg_mode_name(def->mc.agg[a]), i + 1);
	}
	if (def->classify == OB_IX_CLASS_FIXED)
		for (size_t i = 0; i < def->mc.nnorm; i++)
			if (!def->mc.norm_nominal[i])
				return lerr(p, p->mc_norm_line, NULL,
				            "[uncertainty]: con umbrales fijos las "
				            "normalizaciones alternativas cambiarían "
				            "la escala; use solo nominal",
				            "[uncertainty]: with fixed thresholds the "
				            "alternative normalisations would change the "
				            "scale; use nominal only");
	return OB_OK;
}

ob_err ob_index_load_mem(const char *text, size_t len, const char *name,
                         struct ob_index_def *def, struct ob_diag *d)
{
	return ob_index_load_mem_skip(text, len, name, NULL, 0, def, d);
}

ob_err ob_index_load_mem_skip(const char *text, size_t len, const char *name,
                              const char *const *skip, size_t nskip,
                              struct ob_index_def *def, struct ob_diag *d)
{
	struct parser *p;
	ob_err e = OB_OK;

	memset(def, 0, sizeof(*def));
	def->file = ob_strdup(name);
	def->unit_column = ob_strdup("unit");
	def->norm.kind = OB_IX_MINMAX;
	def->norm.a = 0;
	def->norm.b = 100;
	def->classify = OB_IX_CLASS_QUANTILE;
	def->levels = 5;
	def->ind = ob_calloc(OB_MAX_INDEX_INDICATORS, sizeof(*def->ind));
	def->node = ob_calloc(OB_MAX_INDEX_NODES, sizeof(*def->node));
	def->nnode = 1;
	def->node[0].id = ob_strdup("index");
	def->node[0].weight = 1;
	def->node[0].agg = OB_IX_ARITH;
	def->mc.runs = 1000;
	def->mc.seed = 1;
	def->mc.weights = OB_IX_W_FIXED;
	p = ob_calloc(1, sizeof(*p));
	p->def = def;
	p->d = d;
	p->name = name;
	p->skip = skip;
	p->nskip = nskip;
	if ((e = ob_ini_parse(text, len, name, 0, def_item, p, d)))
		goto out;
	if (!p->index_line) {
		e = OB_DIAG(d, OB_EPARSE, name, 0, 0, NULL, 0, "falta la sección [index]",
		            "the [index] section is missing");
		goto out;
	}
	if (!def->name)
		def->name = ob_strdup(name);
	p->line = p->line ? p->line : 1;
	e = check(p);
out:
	for (size_t k = 0; k < OB_MAX_INDEX_INDICATORS; k++)
		free(p->ind_dim[k]);
	for (size_t k = 0; k < OB_MAX_INDEX_NODES; k++)
		free(p->node_parent[k]);
	free(p);
	if (e)
		ob_index_def_release(def);
	return e;
}

ob_err ob_index_load(const char *path, struct ob_index_def *def, struct ob_diag *d)
{
	char *text;
	size_t len;
	ob_err e;

	memset(def, 0, sizeof(*def));
	if ((e = ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &len, d)))
		return e;
	e = ob_index_load_mem(text, len, path, def, d);
	free(text);
	return e;
}

void ob_index_def_release(struct ob_index_def *def)
{
	if (def->ind)
		for (size_t j = 0; j < OB_MAX_INDEX_INDICATORS; j++) {
			free(def->ind[j].id);
			free(def->ind[j].name);
			free(def->ind[j].name_en);
			free(def->ind[j].column);
			free(def->ind[j].catalog);
			free(def->ind[j].cases);
			free(def->ind[j].cases_column);
		}
	if (def->node)
		for (size_t c = 0; c < OB_MAX_INDEX_NODES; c++) {
			free(def->node[c].id);
			free(def->node[c].name);
			free(def->node[c].name_en);
		}
	for (size_t i = 0; i < OB_MAX_CLASSES; i++) {
		free(def->level_names[i]);
		free(def->level_names_en[i]);
	}
	free(def->ind);
	free(def->node);
	free(def->order);
	free(def->kid_off);
	free(def->kids);
	free(def->file);
	free(def->name);
	free(def->name_en);
	free(def->unit_column);
	free(def->name_column);
	free(def->country);
	free(def->territory_column);
	memset(def, 0, sizeof(*def));
}
