/*
 * cmd_survey.c - "observa survey": design-based estimates from survey
 * microdata (src/survey), on any CSV file, without an observatory; its
 * subcommands "ingest" and "list", which work on an observatory's store,
 * are cli/survey_ingest.c.
 *
 * "observa survey estimate" reads the file with the CSV reader of "observa
 * stats" (cli/stats/stats.h: UTF-8 or Windows-1252, delimiter sniffed,
 * decimal mark decided per column), makes the design from the columns its
 * options name and writes one row per estimate and domain, in CSV or JSON,
 * all or nothing (an error leaves nothing on standard output).
 */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/stats/stats.h"
#include "cli/survey_design.h"
#include "cli/survey_ingest.h"
#include "io/json.h"
#include "survey/estimate.h"

#include <math.h>

/* One --estimate item. */
struct spec {
	enum ob_svy_estimator k;
	char *var;      /* column of y */
	char *den;      /* column of x (ratio), or NULL */
	char *value;    /* prop:VAR=VALUE: the value counted, or NULL (VAR is 0/1) */
	char *pstr;     /* quantile:VAR:P: P as written (the value column), or NULL */
	double p;       /* quantile:VAR:P: P, in (0, 1) */
	size_t col, den_col;
	double *y, *x;  /* [n], NaN where empty */
};

/* One --by variable: its domains and their respondents. */
struct by {
	const char *name;
	size_t col;
	size_t ndom;
	char **dom;      /* [ndom] values, sorted (or in --values order) */
	size_t *first;   /* [ndom + 1] offsets in rows */
	size_t *rows;    /* [n] respondents, domain after domain */
};

/* --values VAR=a|b|c: the values a column may hold. */
struct labels {
	const char *var;
	char *copy;
	const char *v[OB_MAX_SURVEY_VALUES];
	size_t n;
	const struct ob_statfile_var *file; /* the codes are the value labels
	                                     * of this variable of the file
	                                     * (not --values) */
};

static const struct st_word w_no_cases = { "sin_casos", "no_cases" };
static const struct st_word w_high_cv = { "cv_alto", "high_cv" };
static const struct st_word w_few = { "pocos_casos", "few_cases" };
static const struct st_word w_lonely = { "upm_solitaria", "lonely_psu" };
static const struct st_word w_no_interval = { "sin_intervalo", "no_interval" };
static const struct st_word w_missing = { "valores_faltantes", "missing_values" };
static const struct st_word w_zero_den = { "denominador_cero", "zero_denominator" };

static void estimate_usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa survey estimate --weight W [--strata S] [--cluster C] [--fpc F]\n"
	"     --estimate ESTIMACIÓN[,...] [--by V[,...]] [opciones] ARCHIVO\n\n"
	"Estimaciones basadas en el diseño de una encuesta por muestreo: una fila por\n"
	"estimación y dominio (primero toda la población, luego cada valor de cada\n"
	"variable de --by) con el error estándar linealizado (Taylor), el intervalo,\n"
	"el efecto de diseño, el coeficiente de variación, los encuestados y las\n"
	"marcas. Los dominios se estiman sobre el diseño completo, no recortando el\n"
	"archivo. Resultados iguales a los del paquete survey de R.\n"
	"  --weight W             peso de cada encuestado (> 0)\n"
	"  --strata S[,S2...]     estrato (de cada etapa; los de etapas siguientes,\n"
	"                         dentro de la unidad de la etapa anterior)\n"
	"  --cluster C[,C2...]    unidad primaria de muestreo (UPM), anidada en el\n"
	"                         estrato, y las de etapas siguientes (USM...),\n"
	"                         anidadas en la anterior; sin ella cada encuestado\n"
	"                         es su UPM\n"
	"  --fpc F[,F2...]        corrección por población finita de cada etapa:\n"
	"                         unidades de la población del estrato (> 1) o\n"
	"                         fracción de muestreo (≤ 1); una por etapa, «-»\n"
	"                         para una etapa con reemplazo\n"
	"  --estimate E[,E...]    mean:VAR, total:VAR, prop:VAR (VAR vale 0 o 1),\n"
	"                         prop:VAR=VALOR (proporción con ese valor),\n"
	"                         ratio:VAR/DENOMINADOR, quantile:VAR:P (el cuantil\n"
	"                         P, en (0, 1), de una variable numérica: 0.5 es la\n"
	"                         mediana; intervalo de Woodruff); VAR solo es\n"
	"                         mean:VAR.\n"
	"                         Una celda vacía es un dato que falta: el encuestado\n"
	"                         queda fuera de esa estimación (marca\n"
	"                         valores_faltantes)\n"
	"  --by V[,V...]          dominios: cada valor de cada variable\n"
	"  --values VAR=a|b|c     los valores que admite VAR: otro es un error; un\n"
	"                         dominio sin encuestados sale marcado sin_casos\n"
	"  --lonely-psu adjust|remove|fail\n"
	"                         estratos con una sola UPM, o con una sola unidad\n"
	"                         en cualquier etapa (adjust: conservador)\n"
	"  --level N              nivel de los intervalos (0.95)\n"
	"  --interval t|normal    cuantil t con los grados de libertad del diseño\n"
	"                         (UPM - estratos; por defecto) o normal\n"
	"  --prop-ci logit|beta|asin|likelihood|wilson|wald\n"
	"                         intervalo de las proporciones (logit; beta es\n"
	"                         Korn-Graubard con el tamaño efectivo; likelihood,\n"
	"                         la verosimilitud binomial escalada por el efecto\n"
	"                         de diseño, Rao-Scott; wilson, el de Wilson con el\n"
	"                         tamaño efectivo)\n"
	"  --quantile-ci woodruff|logit|beta|asin\n"
	"                         intervalo de la proporción bajo el cuantil que\n"
	"                         Woodruff lleva de vuelta (woodruff: el de Wald;\n"
	"                         interval.type de svyquantile)\n"
	"  --max-cv N             marca cv_alto sobre este CV (0.3)\n"
	"  --min-n N              marca pocos_casos con menos encuestados (30)\n"
	"  --repweights PREFIJO|C1,C2,...\n"
	"                         pesos de réplica (combinados: incluyen el peso):\n"
	"                         las columnas que empiezan por PREFIJO, o la lista;\n"
	"                         la varianza sale de las réplicas, como svrepdesign\n"
	"                         de R. No se combina con --strata, --cluster, --fpc\n"
	"                         ni --lonely-psu\n"
	"  --rep-type brr|fay|jk1|jkn|bootstrap\n"
	"                         cómo se hicieron las réplicas (obligatorio con\n"
	"                         --repweights)\n"
	"  --rho R                perturbación de fay, en (0, 1)\n"
	"  --scale S              escala (jk1: (R-1)/R; jkn: 1; bootstrap: 1/(R-1))\n"
	"  --rscales A[,B...]     escala de cada réplica (una para todas, o una por\n"
	"                         réplica); obligatoria con jkn\n"
	"  --mse                  centrar en la estimación, no en la media de réplicas\n"
	"  --format csv|json      formato de salida (csv)\n"
	"Marcas: sin_casos, cv_alto, pocos_casos, upm_solitaria, sin_intervalo,\n"
	"valores_faltantes, denominador_cero. Un valor indefinido sale vacío (null\n"
	"en JSON), nunca como número.\n"
	"%s",
	"usage: observa survey estimate --weight W [--strata S] [--cluster C] [--fpc F]\n"
	"       --estimate ESTIMATE[,...] [--by V[,...]] [options] FILE\n\n"
	"Design-based estimates of a sample survey: one row per estimate and domain\n"
	"(the whole population first, then each value of each --by variable) with\n"
	"its Taylor-linearised standard error, interval, design effect, coefficient\n"
	"of variation, respondents and flags. Domains are estimated on the whole\n"
	"design, not by cutting the file. Results equal those of R's survey package.\n"
	"  --weight W             each respondent's weight (> 0)\n"
	"  --strata S[,S2...]     stratum (of each stage; those of later stages\n"
	"                         within the unit of the stage before)\n"
	"  --cluster C[,C2...]    primary sampling unit (PSU), nested in the stratum,\n"
	"                         and those of later stages (SSUs...), nested in the\n"
	"                         one before; without it every respondent is its\n"
	"                         own PSU\n"
	"  --fpc F[,F2...]        finite population correction of each stage: the\n"
	"                         stratum's population units (> 1) or sampling\n"
	"                         fraction (<= 1); one per stage, \"-\" for a stage\n"
	"                         sampled with replacement\n"
	"  --estimate E[,E...]    mean:VAR, total:VAR, prop:VAR (VAR is 0 or 1),\n"
	"                         prop:VAR=VALUE (share with that value),\n"
	"                         ratio:VAR/DENOMINATOR, quantile:VAR:P (quantile P,\n"
	"                         in (0, 1), of a numeric variable: 0.5 is the\n"
	"                         median; Woodruff interval); a bare VAR is\n"
	"                         mean:VAR.\n"
	"                         An empty cell is a missing value: the respondent\n"
	"                         is left out of that estimate (flag missing_values)\n"
	"  --by V[,V...]          domains: each value of each variable\n"
	"  --values VAR=a|b|c     the values VAR may hold: another is an error; a\n"
	"                         domain without respondents is flagged no_cases\n"
	"  --lonely-psu adjust|remove|fail\n"
	"                         strata with a single PSU, or a single unit at\n"
	"                         any stage (adjust: conservative)\n"
	"  --level N              level of the intervals (0.95)\n"
	"  --interval t|normal    t quantile with the design's degrees of freedom\n"
	"                         (PSUs - strata; the default) or normal\n"
	"  --prop-ci logit|beta|asin|likelihood|wilson|wald\n"
	"                         interval of proportions (logit; beta is\n"
	"                         Korn-Graubard with the effective sample size;\n"
	"                         likelihood, the binomial likelihood scaled by\n"
	"                         the design effect, Rao-Scott; wilson, Wilson's\n"
	"                         with the effective sample size)\n"
	"  --quantile-ci woodruff|logit|beta|asin\n"
	"                         interval of the share below a quantile that\n"
	"                         Woodruff's method takes back (woodruff: Wald's;\n"
	"                         svyquantile's interval.type)\n"
	"  --max-cv N             flag high_cv above this CV (0.3)\n"
	"  --min-n N              flag few_cases below this many respondents (30)\n"
	"  --repweights PREFIX|C1,C2,...\n"
	"                         replicate weights (combined: they include the\n"
	"                         weight): the columns beginning with PREFIX, or the\n"
	"                         list; the variance comes from the replicates, as\n"
	"                         R's svrepdesign. Does not combine with --strata,\n"
	"                         --cluster, --fpc or --lonely-psu\n"
	"  --rep-type brr|fay|jk1|jkn|bootstrap\n"
	"                         how the replicates were made (required with\n"
	"                         --repweights)\n"
	"  --rho R                fay's perturbation, in (0, 1)\n"
	"  --scale S              scale (jk1: (R-1)/R; jkn: 1; bootstrap: 1/(R-1))\n"
	"  --rscales A[,B...]     each replicate's scale (one for all, or one per\n"
	"                         replicate); required with jkn\n"
	"  --mse                  centre on the estimate, not the replicates' mean\n"
	"  --format csv|json      output format (csv)\n"
	"Flags (--lang en): no_cases, high_cv, few_cases, lonely_psu, no_interval,\n"
	"missing_values, zero_denominator. An undefined value is empty (null in\n"
	"JSON), never a number.\n"
	"%s"),
	        st_common_help());
}

void cmd_survey_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa survey estimate|ingest|list|compare [OPCIONES] ...\n\n"
	"Encuestas por muestreo:\n"
	"  estimate   totales, medias, proporciones, razones y cuantiles con su error\n"
	"             estándar según el diseño (estratos, UPM, pesos, fpc), por\n"
	"             dominios, sobre cualquier archivo, fuera del almacén\n"
	"  ingest     los indicadores de encuesta del catálogo (ODS 16.1.3, 16.1.4,\n"
	"             5.2.1) estimados con el perfil de una encuesta, al almacén\n"
	"  list       las estimaciones guardadas\n"
	"  compare    la cifra oculta: las víctimas que estima la encuesta frente a\n"
	"             las que registró la policía\n\n"
	"\"observa survey SUBCOMANDO --help\" describe sus opciones.\n",
	"usage: observa survey estimate|ingest|list|compare [OPTIONS] ...\n\n"
	"Sample surveys:\n"
	"  estimate   totals, means, proportions, ratios and quantiles with their\n"
	"             design-based standard errors (strata, PSUs, weights, fpc), by\n"
	"             domain, on any file, outside the store\n"
	"  ingest     the catalogue's survey indicators (SDG 16.1.3, 16.1.4, 5.2.1)\n"
	"             estimated with a survey's profile, into the store\n"
	"  list       the estimates kept\n"
	"  compare    the dark figure: the survey's estimated victims against those\n"
	"             the police recorded\n\n"
	"\"observa survey SUBCOMMAND --help\" describes its options.\n"), out);
}

/* Where each cell of a loaded table starts: st_table_cell() walks the row,
 * which costs a pass over the row for every cell read. */
struct cells {
	const struct st_table *t;
	uint32_t *off;   /* [nrows * ncols] offsets in t->cells (at most
	                  * OB_MAX_STATS_BUFFER bytes, so they fit) */
	size_t ncols;
};

static void cells_init(struct cells *cx, struct st_table *t)
{
	size_t cnt;

	cx->t = t;
	cx->ncols = t->rd.ncols;
	cnt = t->nrows * cx->ncols;
	cx->off = ob_malloc((cnt > 0 ? cnt : 1) * sizeof(uint32_t));
	for (size_t r = 0; r < t->nrows; r++) {
		const char **row = st_table_row(t, r);
		for (size_t i = 0; i < cx->ncols; i++)
			cx->off[r * cx->ncols + i] = (uint32_t)(row[i] - t->cells.ptr);
	}
}

static inline const char *cell(const struct cells *cx, size_t r, size_t col)
{
	return cx->t->cells.ptr + cx->off[r * cx->ncols + col];
}

static const char *cell_of(const void *cx, size_t r, size_t col)
{
	return cell(cx, r, col);
}

static bool parse_spec(const char *cmd, char *item, struct spec *s)
{
	char *colon = strchr(item, ':'), *var = item, *p;

	memset(s, 0, sizeof(*s));
	s->k = OB_SVY_MEAN;
	if (colon) {
		*colon = '\0';
		var = colon + 1;
		if (!strcmp(item, "mean"))
			s->k = OB_SVY_MEAN;
		else if (!strcmp(item, "total"))
			s->k = OB_SVY_TOTAL;
		else if (!strcmp(item, "prop"))
			s->k = OB_SVY_PROP;
		else if (!strcmp(item, "ratio"))
			s->k = OB_SVY_RATIO;
		else if (!strcmp(item, "quantile"))
			s->k = OB_SVY_QUANTILE;
		else {
			st_usage_error_in("survey", cmd, OB_TR("--estimate «%s»: se esperaba mean, total, prop, ratio "
			                          "o quantile antes de «:»",
			                          "--estimate «%s»: expected mean, total, prop, ratio or "
			                          "quantile before «:»"), item);
			return false;
		}
	}
	if (s->k == OB_SVY_QUANTILE) {
		if (!(p = strrchr(var, ':')) || p == var) {
			st_usage_error_in("survey", cmd, OB_TR("--estimate quantile:%s: se esperaba quantile:VAR:P, "
			                          "con P en (0, 1) (0.5: la mediana)",
			                          "--estimate quantile:%s: expected quantile:VAR:P, with P "
			                          "in (0, 1) (0.5: the median)"), var);
			return false;
		}
		*p = '\0';
		s->pstr = p + 1;
		if (!ob_parse_double(s->pstr, strlen(s->pstr), &s->p) || !(s->p > 0 && s->p < 1)) {
			st_usage_error_in("survey", cmd, OB_TR("--estimate quantile:%s:%s: P debe ser un número "
			                          "mayor que 0 y menor que 1 (0.5: la mediana)",
			                          "--estimate quantile:%s:%s: P must be a number greater "
			                          "than 0 and less than 1 (0.5: the median)"), var, s->pstr);
			return false;
		}
	}
	if (s->k == OB_SVY_RATIO) {
		if (!(p = strchr(var, '/')) || p == var || !p[1]) {
			st_usage_error_in("survey", cmd, OB_TR("--estimate ratio:%s: se esperaba ratio:VAR/DENOMINADOR",
			                          "--estimate ratio:%s: expected ratio:VAR/DENOMINATOR"),
			               var);
			return false;
		}
		*p = '\0';
		s->den = p + 1;
	} else if (s->k == OB_SVY_PROP && (p = strchr(var, '='))) {
		*p = '\0';
		s->value = p + 1;
	}
	if (!*var) {
		st_usage_error_in("survey", cmd, OB_TR("--estimate: falta la variable", "--estimate: the variable "
		                          "is missing"));
		return false;
	}
	s->var = var;
	return true;
}

static bool blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return !*s;
}

/* Column col as numbers, NaN where the cell is empty. */
static ob_err numbers_or_missing(const struct cells *cx, size_t col, double *out,
                                 struct ob_diag *d)
{
	const struct st_table *t = cx->t;
	struct st_numcol nc;
	ob_err e;

	st_numcol_init(&nc, t->rd.name, col, t->rd.cols[col], t->rd.mark);
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = cell(cx, r, col);
		if (!blank(s) && (e = st_numcol_learn(&nc, t->line[r], s, strlen(s), d)))
			return e;
	}
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = cell(cx, r, col);
		if (blank(s))
			out[r] = NAN;
		else if ((e = st_numcol_parse(&nc, t->line[r], s, strlen(s), ST_REAL, &out[r], d)))
			return e;
	}
	return OB_OK;
}

/* Codes of the values of column col into code[], looked up in map and
 * added to it in order of first appearance after the *count it holds
 * (value: code + 1). An empty cell is refused. */
static ob_err codes(const struct cells *cx, size_t col, const char *opt, size_t *code,
                    struct ob_strmap *map, size_t *count, struct ob_diag *d)
{
	const struct st_table *t = cx->t;
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = cell(cx, r, col);
		size_t len = strlen(s);
		void *v;
		ob_err e;

		if (blank(s))
			return OB_DIAG(d, OB_EINVAL, t->rd.name, t->line[r], (long)col + 1, NULL, 0,
			               "columna «%s» (%s) vacía: cada encuestado necesita un valor",
			               "column «%s» (%s) empty: every respondent needs a value",
			               t->rd.cols[col], opt);
		if ((v = ob_strmap_get(map, s, len))) {
			code[r] = (size_t)(uintptr_t)v - 1;
			continue;
		}
		if ((e = ob_strmap_put(map, s, len, (void *)(uintptr_t)(*count + 1), NULL)))
			return OB_DIAG(d, e, t->rd.name, t->line[r], (long)col + 1, s, len,
			               "demasiados valores distintos", "too many distinct values");
		code[r] = (*count)++;
	}
	return OB_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const struct labels *labels_of(const struct labels *lab, size_t nlab, const char *var)
{
	for (size_t i = 0; i < nlab; i++)
		if (!strcmp(lab[i].var, var))
			return &lab[i];
	return NULL;
}

/* "1 (Norte), 2 (Sur)": the codes of l with their labels, for a message
 * (cut short past its buffer; valid until the next call). */
static const char *labels_list(const struct labels *l)
{
	static char text[400];
	size_t len = 0;

	text[0] = '\0';
	for (size_t i = 0; i < l->n && len + 1 < sizeof(text); i++) {
		int k = snprintf(text + len, sizeof(text) - len, "%s%s (%s)", i ? ", " : "", l->v[i],
		                 l->file->labels[i].label);
		if (k < 0)
			break;
		len += (size_t)k < sizeof(text) - len ? (size_t)k : sizeof(text) - len - 1;
	}
	return text;
}

/* Check column col against its --values, if it has any. */
static ob_err check_labels(const struct cells *cx, size_t col, const struct labels *l,
                           struct ob_diag *d)
{
	const struct st_table *t = cx->t;
	if (!l)
		return OB_OK;
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = cell(cx, r, col);
		bool ok = blank(s);
		for (size_t i = 0; i < l->n && !ok; i++)
			ok = !strcmp(s, l->v[i]);
		if (!ok && l->file)
			return OB_DIAG(d, OB_EINVAL, t->rd.name, t->line[r], (long)col + 1, s, strlen(s),
			               "caso %ld: %s vale un código sin etiqueta en el archivo; se "
			               "esperaba uno de %s (--values %s=... admite otros)",
			               "case %ld: %s holds a code without a label in the file; "
			               "expected one of %s (--values %s=... allows others)",
			               t->line[r], l->var, labels_list(l), l->var);
		if (!ok)
			return OB_DIAG(d, OB_EINVAL, t->rd.name, t->line[r], (long)col + 1, s, strlen(s),
			               "valor fuera de los admitidos por --values %s=...",
			               "value not among those --values %s=... allows", l->var);
	}
	return OB_OK;
}

/*
 * The value labels of an SPSS or Stata file as the --values of the
 * variables whose codes name groups (--by, prop:VAR=VALUE) and have no
 * --values of their own: a code the file does not label is an error, not a
 * domain of its own. A variable with more labels than --values holds is
 * left unchecked.
 */
static void file_labels(const struct st_table *t, const struct by *by, size_t nby,
                        const struct spec *spec, size_t nspec, struct labels *lab, size_t *nlab)
{
	const struct ob_statfile *f = t->rd.file;

	for (size_t k = 0; f && k < nby + nspec; k++) {
		const char *name = k < nby ? by[k].name : spec[k - nby].var;
		const struct ob_statfile_var *v = NULL;
		struct labels *l;

		if (k >= nby && !(spec[k - nby].k == OB_SVY_PROP && spec[k - nby].value))
			continue;
		if (labels_of(lab, *nlab, name) || *nlab >= OB_MAX_SURVEY_LABELS)
			continue;
		for (size_t i = 0; i < f->nvars && !v; i++)
			if (!strcmp(f->vars[i].name, name))
				v = &f->vars[i];
		if (!v || !v->nlabels || v->nlabels > OB_MAX_SURVEY_VALUES)
			continue;
		l = &lab[(*nlab)++];
		memset(l, 0, sizeof(*l));
		l->var = v->name;
		l->file = v;
		for (size_t i = 0; i < v->nlabels; i++)
			l->v[l->n++] = v->labels[i].value;
	}
}

/* The domains of --by variable b. */
static ob_err by_build(const struct cells *cx, struct by *b, const struct labels *l,
                       struct ob_diag *d)
{
	const struct st_table *t = cx->t;
	struct ob_strmap map;
	size_t *code = ob_malloc((t->nrows ? t->nrows : 1) * sizeof(size_t)), *pos, count = 0;
	ob_err e;

	ob_strmap_init(&map);
	if ((e = check_labels(cx, b->col, l, d)))
		goto release_map;
	if (l) {
		for (size_t i = 0; i < l->n; i++)
			if (!ob_strmap_get(&map, l->v[i], strlen(l->v[i])) &&
			    (e = ob_strmap_put(&map, l->v[i], strlen(l->v[i]),
			                       (void *)(uintptr_t)(++count), NULL)))
				goto release_map;
	}
	if ((e = codes(cx, b->col, "--by", code, &map, &count, d)))
		goto release_map;
	if (count > OB_MAX_SURVEY_DOMAINS) {
		e = OB_DIAG(d, OB_ETOOBIG, t->rd.name, 0, (long)b->col + 1, NULL, 0,
		            "«%s» tiene más de %d valores distintos: demasiados dominios",
		            "«%s» has more than %d distinct values: too many domains",
		            b->name, OB_MAX_SURVEY_DOMAINS);
		goto release_map;
	}
	b->ndom = count;
	b->dom = ob_calloc(count ? count : 1, sizeof(char *));
	ob_strmap_for_each(&map, en)
		b->dom[(size_t)(uintptr_t)en->value - 1] = ob_strdup(en->key);
	if (!l)
		qsort(b->dom, count, sizeof(char *), cmp_str);
	/* pos[code] = the domain's place */
	pos = ob_malloc((count ? count : 1) * sizeof(size_t));
	for (size_t i = 0; i < count; i++)
		pos[(size_t)(uintptr_t)ob_strmap_get(&map, b->dom[i], strlen(b->dom[i])) - 1] = i;
	b->first = ob_calloc(count + 1, sizeof(size_t));
	b->rows = ob_malloc((t->nrows ? t->nrows : 1) * sizeof(size_t));
	for (size_t r = 0; r < t->nrows; r++)
		b->first[pos[code[r]] + 1]++;
	for (size_t i = 0; i < count; i++)
		b->first[i + 1] += b->first[i];
	{
		size_t *fill = ob_malloc((count ? count : 1) * sizeof(size_t));
		memcpy(fill, b->first, (count ? count : 1) * sizeof(size_t));
		for (size_t r = 0; r < t->nrows; r++)
			b->rows[fill[pos[code[r]]]++] = r;
		free(fill);
	}
	free(pos);
release_map:
	ob_strmap_release(&map);
	free(code);
	return e;
}

static void by_release(struct by *b)
{
	for (size_t i = 0; i < b->ndom; i++)
		free(b->dom[i]);
	free(b->dom);
	free(b->first);
	free(b->rows);
}

/* The values of a spec: y (and x), checked. */
static ob_err spec_values(const struct cells *cx, struct spec *s, const struct labels *lab,
                          size_t nlab, struct ob_diag *d)
{
	const struct st_table *t = cx->t;
	size_t n = t->nrows ? t->nrows : 1;
	ob_err e;

	if ((e = st_column(&t->rd, "--estimate", s->var, &s->col, d)) ||
	    (s->den && (e = st_column(&t->rd, "--estimate", s->den, &s->den_col, d))) ||
	    (e = check_labels(cx, s->col, labels_of(lab, nlab, s->var), d)) ||
	    (s->den && (e = check_labels(cx, s->den_col, labels_of(lab, nlab, s->den), d))))
		return e;
	if (s->value && labels_of(lab, nlab, s->var)) {
		const struct labels *l = labels_of(lab, nlab, s->var);
		bool ok = false;
		for (size_t i = 0; i < l->n && !ok; i++)
			ok = !strcmp(s->value, l->v[i]);
		if (!ok)
			return OB_DIAG(d, OB_EINVAL, t->rd.name, 0, (long)s->col + 1, s->value,
			               strlen(s->value),
			               l->file ? "prop:%s=%s: el valor no tiene etiqueta en el "
			                         "archivo (--values %s=... admite otros)"
			                       : "prop:%s=%s: el valor no está entre los de --values %s=...",
			               l->file ? "prop:%s=%s: the value has no label in the file "
			                         "(--values %s=... allows others)"
			                       : "prop:%s=%s: the value is not among those of --values %s=...",
			               s->var, s->value, s->var);
	}
	s->y = ob_malloc(n * sizeof(double));
	if (s->value) {
		for (size_t r = 0; r < t->nrows; r++) {
			const char *c = cell(cx, r, s->col);
			s->y[r] = blank(c) ? NAN : !strcmp(c, s->value);
		}
		return OB_OK;
	}
	if ((e = numbers_or_missing(cx, s->col, s->y, d)))
		return e;
	if (s->k == OB_SVY_PROP)
		for (size_t r = 0; r < t->nrows; r++)
			if (!isnan(s->y[r]) && s->y[r] != 0 && s->y[r] != 1) {
				const char *c = cell(cx, r, s->col);
				return OB_DIAG(d, OB_EINVAL, t->rd.name, t->line[r], (long)s->col + 1, c,
				               strlen(c),
				               "prop:%s necesita 0 o 1 (o vacío); para la proporción de "
				               "un valor use prop:%s=VALOR",
				               "prop:%s needs 0 or 1 (or empty); for the share of a "
				               "value use prop:%s=VALUE", s->var, s->var);
			}
	if (s->den) {
		s->x = ob_malloc(n * sizeof(double));
		if ((e = numbers_or_missing(cx, s->den_col, s->x, d)))
			return e;
	}
	return OB_OK;
}

/* Spec s over the domain rows[0..m) (NULL: everyone); its values were
 * checked (spec_values), so it cannot fail. */
static void estimate(const struct ob_svy_design *ds, struct ob_svy_scratch *scr, const struct spec *s,
                     const size_t *rows, size_t m, const struct ob_svy_opts *so,
                     struct ob_svy_est *est)
{
	if (s->k == OB_SVY_QUANTILE)
		ob_svy_quantile(ds, scr, s->y, s->p, rows, m, so, est);
	else
		ob_svy_estimate(ds, scr, s->k, s->y, s->x, rows, m, so, est);
}

/* ---- output ------------------------------------------------------------- */

struct out {
	bool json;
	struct st_out csv;
	struct ob_buf buf;
	struct ob_jw j;
	size_t rows;
	const struct st_common *co;
	const char *lonely;
	double level;
};

static const char *const columns[] = {
	"estimator", "variable", "denominator", "value", "by", "domain", "estimate", "se",
	"ci_lower", "ci_upper", "ci_method", "level", "df", "deff", "cv", "n", "n_missing",
	"weighted_n", "lonely_psu", "flags", NULL,
};

static void csv_num(struct st_out *o, double v)
{
	if (isnan(v))
		st_out_none(o);
	else
		st_out_num(o, v);
}

static void row(struct out *o, const struct spec *s, const char *by, const char *dom,
                const struct ob_svy_est *e)
{
	static const struct {
		unsigned bit;
		const struct st_word *w;
	} fl[] = {
		{ OB_SVY_NO_CASES, &w_no_cases }, { OB_SVY_HIGH_CV, &w_high_cv },
		{ OB_SVY_FEW_CASES, &w_few }, { OB_SVY_LONELY_PSU, &w_lonely },
		{ OB_SVY_NO_INTERVAL, &w_no_interval }, { OB_SVY_MISSING, &w_missing },
		{ OB_SVY_ZERO_DENOMINATOR, &w_zero_den },
	};
	const double nums[] = { e->estimate, e->se, e->lower, e->upper };
	double df = isinf(e->df) ? NAN : e->df;

	if (!o->json) {
		char flags[256] = "";
		struct st_out *c = &o->csv;

		st_out_str(c, ob_svy_estimator_name(s->k));
		st_out_str(c, s->var);
		st_out_str(c, s->den ? s->den : "");
		st_out_str(c, s->value ? s->value : s->pstr ? s->pstr : "");
		st_out_str(c, by);
		st_out_str(c, dom);
		for (size_t i = 0; i < OB_ARRAY_SIZE(nums); i++)
			csv_num(c, nums[i]);
		st_out_str(c, ob_svy_ci_name(e->ci));
		st_out_num(c, o->level);
		if (isnan(df))
			st_out_str(c, "Inf");
		else
			st_out_num(c, df);
		csv_num(c, e->deff);
		csv_num(c, e->cv);
		st_out_int(c, (long long)e->n);
		st_out_int(c, (long long)e->n_missing);
		st_out_num(c, e->wsum);
		st_out_str(c, o->lonely);
		for (size_t i = 0; i < OB_ARRAY_SIZE(fl); i++)
			if (e->flags & fl[i].bit)
				st_flag(flags, sizeof(flags), o->co, fl[i].w);
		st_out_str(c, flags);
		st_out_end(c);
		return;
	}
	{
		struct ob_jw *j = &o->j;
		bool first = true;

		ob_jw_s(j, o->rows++ ? ",\n  {" : "\n  {");
		ob_jw_key(j, "estimator"); ob_jw_str(j, ob_svy_estimator_name(s->k));
		ob_jw_c(j, ','); ob_jw_key(j, "variable"); ob_jw_str(j, s->var);
		ob_jw_c(j, ','); ob_jw_key(j, "denominator"); ob_jw_str(j, s->den);
		ob_jw_c(j, ','); ob_jw_key(j, "value"); ob_jw_str(j, s->value ? s->value : s->pstr);
		ob_jw_c(j, ','); ob_jw_key(j, "by"); ob_jw_str(j, *by ? by : NULL);
		ob_jw_c(j, ','); ob_jw_key(j, "domain"); ob_jw_str(j, *by ? dom : NULL);
		ob_jw_c(j, ','); ob_jw_key(j, "estimate"); ob_jw_num(j, e->estimate);
		ob_jw_c(j, ','); ob_jw_key(j, "se"); ob_jw_num(j, e->se);
		ob_jw_c(j, ','); ob_jw_key(j, "ci_lower"); ob_jw_num(j, e->lower);
		ob_jw_c(j, ','); ob_jw_key(j, "ci_upper"); ob_jw_num(j, e->upper);
		ob_jw_c(j, ','); ob_jw_key(j, "ci_method"); ob_jw_str(j, ob_svy_ci_name(e->ci));
		ob_jw_c(j, ','); ob_jw_key(j, "df");
		if (isnan(df))
			ob_jw_str(j, "Inf");
		else
			ob_jw_num(j, df);
		ob_jw_c(j, ','); ob_jw_key(j, "deff"); ob_jw_num(j, e->deff);
		ob_jw_c(j, ','); ob_jw_key(j, "cv"); ob_jw_num(j, e->cv);
		ob_jw_c(j, ','); ob_jw_key(j, "n"); ob_jw_f(j, "%zu", e->n);
		ob_jw_c(j, ','); ob_jw_key(j, "n_missing"); ob_jw_f(j, "%zu", e->n_missing);
		ob_jw_c(j, ','); ob_jw_key(j, "weighted_n"); ob_jw_num(j, e->wsum);
		ob_jw_c(j, ','); ob_jw_key(j, "flags"); ob_jw_c(j, '[');
		for (size_t i = 0; i < OB_ARRAY_SIZE(fl); i++)
			if (e->flags & fl[i].bit) {
				if (!first)
					ob_jw_c(j, ',');
				first = false;
				ob_jw_str(j, st_word(o->co, fl[i].w));
			}
		ob_jw_s(j, "]}");
	}
}

static void json_head(struct out *o, const char *file, const struct ob_svy_design *ds,
                      const char *weight, const char *strata, const char *cluster,
                      const char *fpc, const struct ob_svy_opts *so)
{
	struct ob_jw *j = &o->j;

	ob_jw_c(j, '{');
	ob_jw_key(j, "file"); ob_jw_str(j, file);
	ob_jw_s(j, ",\n \"design\":{");
	ob_jw_key(j, "respondents"); ob_jw_f(j, "%zu", ds->n);
	/* a replicate design has no strata or PSUs of its own: null */
	ob_jw_c(j, ','); ob_jw_key(j, "strata"); ob_jw_num(j, ds->nrep ? NAN : (double)ds->nstrata);
	ob_jw_c(j, ','); ob_jw_key(j, "psus"); ob_jw_num(j, ds->nrep ? NAN : (double)ds->npsu);
	ob_jw_c(j, ','); ob_jw_key(j, "stages"); ob_jw_num(j, ds->nrep ? NAN : (double)ds->nstages);
	ob_jw_c(j, ','); ob_jw_key(j, "df"); ob_jw_num(j, ds->df);
	ob_jw_c(j, ','); ob_jw_key(j, "weighted_n"); ob_jw_num(j, ds->wsum);
	ob_jw_c(j, ','); ob_jw_key(j, "weight"); ob_jw_str(j, weight);
	ob_jw_c(j, ','); ob_jw_key(j, "strata_column"); ob_jw_str(j, strata);
	ob_jw_c(j, ','); ob_jw_key(j, "cluster_column"); ob_jw_str(j, cluster);
	ob_jw_c(j, ','); ob_jw_key(j, "fpc_column"); ob_jw_str(j, fpc);
	ob_jw_c(j, ','); ob_jw_key(j, "lonely_psu"); ob_jw_str(j, *o->lonely ? o->lonely : NULL);
	ob_jw_c(j, ','); ob_jw_key(j, "lonely_strata"); ob_jw_f(j, "%zu", ds->nlonely);
	if (ds->nrep) {
		ob_jw_c(j, ','); ob_jw_key(j, "replicate_type"); ob_jw_str(j, ob_svy_rep_name(ds->rep));
		ob_jw_c(j, ','); ob_jw_key(j, "replicates"); ob_jw_f(j, "%zu", ds->nrep);
		ob_jw_c(j, ','); ob_jw_key(j, "replicate_scale"); ob_jw_num(j, ds->scale);
		ob_jw_c(j, ','); ob_jw_key(j, "rho"); ob_jw_num(j, ds->rep == OB_SVY_REP_FAY ? ds->rho : NAN);
		ob_jw_c(j, ','); ob_jw_key(j, "mse"); ob_jw_s(j, ds->mse ? "true" : "false");
	}
	ob_jw_s(j, "},\n \"level\":"); ob_jw_f(j, "%.15g", so->level);
	ob_jw_c(j, ','); ob_jw_key(j, "interval"); ob_jw_str(j, so->normal ? "normal" : "t");
	ob_jw_c(j, ','); ob_jw_key(j, "max_cv"); ob_jw_f(j, "%.15g", so->max_cv);
	ob_jw_c(j, ','); ob_jw_key(j, "min_n"); ob_jw_f(j, "%zu", so->min_n);
	ob_jw_s(j, ",\n \"estimates\":[");
}

/* ---- replicate weights --------------------------------------------------- */

/* The columns (1-based) of --repweights spec: a comma-separated list of
 * names, each required, or a prefix: every column whose name begins with
 * it, in file order, but the --weight column wc. */
static ob_err rep_columns(const struct st_table *t, const char *spec, size_t wc, long **col,
                          size_t *n, struct ob_diag *d)
{
	size_t len = strlen(spec), k = 0;
	ob_err e;

	*col = ob_malloc(OB_MAX_SURVEY_REPLICATES * sizeof(long));
	if (strchr(spec, ',')) {
		char *copy = ob_strdup(spec), *p = copy;
		for (;;) {
			char *comma = strchr(p, ',');
			size_t c;
			if (comma)
				*comma = '\0';
			if (k >= OB_MAX_SURVEY_REPLICATES) {
				free(copy);
				goto too_many;
			}
			if ((e = st_column(&t->rd, "--repweights", p, &c, d))) {
				free(copy);
				return e;
			}
			(*col)[k++] = (long)c + 1;
			if (!comma)
				break;
			p = comma + 1;
		}
		free(copy);
	} else {
		for (size_t c = 0; c < t->rd.ncols; c++)
			if (c != wc && !strncmp(t->rd.cols[c], spec, len)) {
				if (k >= OB_MAX_SURVEY_REPLICATES)
					goto too_many;
				(*col)[k++] = (long)c + 1;
			}
		if (!k)
			return OB_DIAG(d, OB_EINVAL, t->rd.name, t->rd.header_line, 0, spec, len,
			               "--repweights %s: ninguna columna empieza así (para nombrarlas "
			               "una a una, sepárelas con comas)",
			               "--repweights %s: no column begins so (to name them one by "
			               "one, separate them with commas)", spec);
	}
	*n = k;
	return OB_OK;
too_many:
	return OB_DIAG(d, OB_ETOOBIG, t->rd.name, t->rd.header_line, 0, spec, len,
	               "--repweights: más de %d columnas de réplica",
	               "--repweights: more than %d replicate columns", OB_MAX_SURVEY_REPLICATES);
}

/* ---- the subcommand ----------------------------------------------------- */

static int cmd_estimate(int argc, char **argv)
{
	enum { O_WEIGHT = ST_OPT_LOCAL, O_STRATA, O_CLUSTER, O_FPC, O_ESTIMATE, O_BY, O_VALUES,
	       O_LONELY, O_LEVEL, O_INTERVAL, O_PROPCI, O_QUANTCI, O_MAXCV, O_MINN, O_FORMAT, O_REPW,
	       O_REPTYPE, O_RHO, O_SCALE, O_RSCALES, O_MSE };
	static const struct option longopts[] = {
		{ "weight", required_argument, NULL, O_WEIGHT },
		{ "strata", required_argument, NULL, O_STRATA },
		{ "cluster", required_argument, NULL, O_CLUSTER },
		{ "fpc", required_argument, NULL, O_FPC },
		{ "estimate", required_argument, NULL, O_ESTIMATE },
		{ "by", required_argument, NULL, O_BY },
		{ "values", required_argument, NULL, O_VALUES },
		{ "lonely-psu", required_argument, NULL, O_LONELY },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "interval", required_argument, NULL, O_INTERVAL },
		{ "prop-ci", required_argument, NULL, O_PROPCI },
		{ "quantile-ci", required_argument, NULL, O_QUANTCI },
		{ "max-cv", required_argument, NULL, O_MAXCV },
		{ "min-n", required_argument, NULL, O_MINN },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "repweights", required_argument, NULL, O_REPW },
		{ "rep-type", required_argument, NULL, O_REPTYPE },
		{ "rho", required_argument, NULL, O_RHO },
		{ "scale", required_argument, NULL, O_SCALE },
		{ "rscales", required_argument, NULL, O_RSCALES },
		{ "mse", no_argument, NULL, O_MSE },
		ST_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *weight = NULL, *strata = NULL, *cluster = NULL, *fpc_col = NULL, *file;
	const char *est_items[OB_MAX_SURVEY_ESTIMATES], *by_items[OB_MAX_SURVEY_BY];
	char *est_copy[OB_MAX_SURVEY_ESTIMATES] = { NULL }, *by_copy = NULL;
	size_t nest_opts = 0, nspec = 0, nby = 0, nlab = 0, wc;
	struct spec spec[OB_MAX_SURVEY_ESTIMATES];
	struct by by[OB_MAX_SURVEY_BY];
	struct labels lab[OB_MAX_SURVEY_LABELS];
	enum ob_svy_lonely lonely = OB_SVY_LONELY_ADJUST;
	struct ob_svy_opts so;
	struct st_common co;
	struct st_table t;
	struct cells cx = { NULL, NULL, 0 };
	struct ob_svy_design ds;
	struct ob_svy_scratch scr;
	struct out o;
	struct ob_diag d;
	double *w = NULL, num = 0;
	bool design_made = false, lonely_given = false, mse = false;
	const char *repw = NULL, *rs_items[OB_MAX_SURVEY_REPLICATES];
	char *rs_copy = NULL;
	size_t nrs = 0, nrep = 0;
	enum ob_svy_rep rtype = OB_SVY_REP_NONE;
	double rho = NAN, rscale = NAN, *rsv = NULL, *rw = NULL;
	long *rcol = NULL;
	ob_err e;
	int c, rc, status;

	memset(spec, 0, sizeof(spec));
	memset(by, 0, sizeof(by));
	memset(&o, 0, sizeof(o));
	st_common_init(&co);
	ob_svy_opts_init(&so);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_WEIGHT: weight = optarg; break;
		case O_STRATA: strata = optarg; break;
		case O_CLUSTER: cluster = optarg; break;
		case O_FPC: fpc_col = optarg; break;
		case O_ESTIMATE: {
			size_t k;
			char *copy;
			if (nest_opts >= OB_MAX_SURVEY_ESTIMATES) {
				st_usage_error_in("survey", argv[0], OB_TR("demasiadas --estimate", "too many --estimate"));
				goto usage;
			}
			if (!(k = st_opt_list(argv[0], "--estimate", optarg, &copy, est_items + nspec,
			                      OB_MAX_SURVEY_ESTIMATES - nspec)))
				goto usage;
			est_copy[nest_opts++] = copy;
			for (size_t i = 0; i < k; i++, nspec++)
				if (!parse_spec(argv[0], (char *)est_items[nspec], &spec[nspec]))
					goto usage;
			break;
		}
		case O_BY:
			free(by_copy);
			if (!(nby = st_opt_list(argv[0], "--by", optarg, &by_copy, by_items,
			                        OB_MAX_SURVEY_BY)))
				goto usage;
			break;
		case O_VALUES: {
			struct labels *l;
			char *eq, *p;
			if (nlab >= OB_ARRAY_SIZE(lab) || !(eq = strchr(optarg, '=')) || eq == optarg) {
				st_usage_error_in("survey", argv[0], OB_TR("--values %s: se esperaba VAR=a|b|c",
				                              "--values %s: expected VAR=a|b|c"), optarg);
				goto usage;
			}
			l = &lab[nlab++];
			memset(l, 0, sizeof(*l));
			l->copy = ob_strdup(optarg);
			l->copy[eq - optarg] = '\0';
			l->var = l->copy;
			for (p = l->copy + (eq - optarg) + 1;; p++) {
				char *bar = strchr(p, '|');
				if (l->n >= OB_MAX_SURVEY_VALUES) {
					st_usage_error_in("survey", argv[0], OB_TR("--values: más de %d valores",
					                              "--values: more than %d values"),
					               OB_MAX_SURVEY_VALUES);
					goto usage;
				}
				l->v[l->n++] = p;
				if (!bar)
					break;
				*bar = '\0';
				p = bar;
			}
			break;
		}
		case O_LONELY:
			lonely_given = true;
			if (!ob_svy_lonely_parse(optarg, &lonely)) {
				st_usage_error_in("survey", argv[0], OB_TR("--lonely-psu «%s»: se esperaba adjust, remove o "
				                              "fail", "--lonely-psu «%s»: expected adjust, "
				                              "remove or fail"), optarg);
				goto usage;
			}
			break;
		case O_LEVEL:
			if (!st_opt_number(argv[0], "--level", optarg, 0, true, 1, true, &so.level))
				goto usage;
			break;
		case O_INTERVAL:
			if (strcmp(optarg, "t") && strcmp(optarg, "normal")) {
				st_usage_error_in("survey", argv[0], OB_TR("--interval «%s»: se esperaba t o normal",
				                              "--interval «%s»: expected t or normal"), optarg);
				goto usage;
			}
			so.normal = !strcmp(optarg, "normal");
			break;
		case O_PROPCI:
			if (!ob_svy_ci_parse(optarg, &so.prop_ci)) {
				st_usage_error_in("survey", argv[0], OB_TR("--prop-ci «%s»: se esperaba logit, beta, asin, "
				                              "likelihood, wilson o wald", "--prop-ci «%s»: expected "
				                              "logit, beta, asin, likelihood, wilson or wald"), optarg);
				goto usage;
			}
			break;
		case O_QUANTCI:
			if (!strcmp(optarg, "woodruff"))
				so.quantile_ci = OB_SVY_CI_WALD;
			else if (!ob_svy_ci_parse(optarg, &so.quantile_ci) ||
			         so.quantile_ci == OB_SVY_CI_LIKELIHOOD || so.quantile_ci == OB_SVY_CI_WILSON) {
				st_usage_error_in("survey", argv[0], OB_TR("--quantile-ci «%s»: se esperaba woodruff, "
				                              "logit, beta o asin", "--quantile-ci «%s»: "
				                              "expected woodruff, logit, beta or asin"), optarg);
				goto usage;
			}
			break;
		case O_MAXCV:
			if (!st_opt_number(argv[0], "--max-cv", optarg, 0, true, 1e6, false, &so.max_cv))
				goto usage;
			break;
		case O_MINN:
			if (!st_opt_number(argv[0], "--min-n", optarg, 0, false, 1e9, false, &num))
				goto usage;
			if (num != floor(num)) {
				st_usage_error_in("survey", argv[0], OB_TR("--min-n: se esperaba un número entero",
				                              "--min-n: expected a whole number"));
				goto usage;
			}
			so.min_n = (size_t)num;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "csv") && strcmp(optarg, "json")) {
				st_usage_error_in("survey", argv[0], OB_TR("--format «%s»: se esperaba csv o json",
				                              "--format «%s»: expected csv or json"), optarg);
				goto usage;
			}
			o.json = !strcmp(optarg, "json");
			break;
		case O_REPW: repw = optarg; break;
		case O_REPTYPE:
			if (!ob_svy_rep_parse(optarg, &rtype)) {
				st_usage_error_in("survey", argv[0], OB_TR("--rep-type «%s»: se esperaba brr, fay, jk1, jkn "
				                              "o bootstrap", "--rep-type «%s»: expected brr, "
				                              "fay, jk1, jkn or bootstrap"), optarg);
				goto usage;
			}
			break;
		case O_RHO:
			if (!st_opt_number(argv[0], "--rho", optarg, 0, true, 1, true, &rho))
				goto usage;
			break;
		case O_SCALE:
			if (!st_opt_number(argv[0], "--scale", optarg, 0, true, 1e12, false, &rscale))
				goto usage;
			break;
		case O_RSCALES:
			free(rs_copy);
			if (!(nrs = st_opt_list(argv[0], "--rscales", optarg, &rs_copy, rs_items,
			                        OB_MAX_SURVEY_REPLICATES)))
				goto usage;
			break;
		case O_MSE: mse = true; break;
		default:
			if ((rc = st_common_option(&co, argv[0], c, optarg)) == 1) {
				estimate_usage(stdout);
				status = OB_EXIT_OK;
				goto release_options;
			} else if (rc) {
				goto usage;
			}
		}
	}
	if (!weight || !nspec) {
		st_usage_error_in("survey", argv[0], OB_TR("faltan --weight y --estimate",
		                              "--weight and --estimate are required"));
		goto usage;
	}
	if (!st_file_operand(argc, argv, argv[0], &file))
		goto usage;
	if (repw && (strata || cluster || fpc_col || lonely_given)) {
		st_usage_error_in("survey", argv[0], OB_TR("--repweights no se combina con --strata, --cluster, "
		                              "--fpc ni --lonely-psu: los pesos de réplica ya llevan "
		                              "el diseño; use uno u otro",
		                              "--repweights does not combine with --strata, "
		                              "--cluster, --fpc or --lonely-psu: the replicate "
		                              "weights already carry the design; use one or the "
		                              "other"));
		goto usage;
	}
	if (!repw != (rtype == OB_SVY_REP_NONE) ||
	    (!repw && (!isnan(rho) || !isnan(rscale) || nrs || mse))) {
		st_usage_error_in("survey", argv[0], OB_TR("--repweights y --rep-type van juntos; --rho, --scale, "
		                              "--rscales y --mse solo valen con ellos",
		                              "--repweights and --rep-type go together; --rho, "
		                              "--scale, --rscales and --mse apply only with them"));
		goto usage;
	}
	if (nrs) {
		rsv = ob_malloc(nrs * sizeof(double));
		for (size_t i = 0; i < nrs; i++)
			if (!st_opt_number(argv[0], "--rscales", rs_items[i], 0, true, 1e12, false,
			                   &rsv[i]))
				goto usage;
	}

	o.co = &co;
	o.rows = 0;
	o.level = so.level;
	o.lonely = repw ? "" : ob_svy_lonely_name(lonely);
	ob_diag_clear(&d);
	st_out_init(&o.csv, &co);
	ob_buf_init(&o.buf, OB_MAX_STATS_BUFFER);
	o.j = (struct ob_jw)OB_JW_INIT(&o.buf);
	if ((e = st_table_load(&t, file, &co, &d))) {
		status = st_fail(&o.csv, &d);
		goto release_out;
	}
	cells_init(&cx, &t);
	if ((e = st_column(&t.rd, "--weight", weight, &wc, &d)))
		goto fail;
	if (repw && (e = rep_columns(&t, repw, wc, &rcol, &nrep, &d)))
		goto fail;
	if (nrs > 1 && nrs != nrep) {
		e = OB_DIAG(&d, OB_EINVAL, t.rd.name, 0, 0, NULL, 0,
		            "--rscales da %zu valores y hay %zu réplicas: se esperaba uno o uno "
		            "por réplica", "--rscales gives %zu values and there are %zu "
		            "replicates: expected one, or one per replicate", nrs, nrep);
		goto fail;
	}
	for (size_t i = 0; i < nby; i++) {
		by[i].name = by_items[i];
		if ((e = st_column(&t.rd, "--by", by_items[i], &by[i].col, &d)))
			goto fail;
	}
	if (!t.nrows) {
		e = OB_DIAG(&d, OB_EEMPTY, t.rd.name, 0, 0, NULL, 0, "no hay encuestados",
		            "there are no respondents");
		goto fail;
	}
	w = ob_malloc(t.nrows * sizeof(double));
	if ((e = st_table_numbers(&t, wc, ST_POSITIVE, w, &d)))
		goto fail;
	if (repw) {
		rw = ob_malloc(nrep * t.nrows * sizeof(double));
		for (size_t r = 0; r < nrep; r++)
			if ((e = st_table_numbers(&t, (size_t)rcol[r] - 1, ST_NONNEG, rw + r * t.nrows,
			                          &d)))
				goto fail;
		if (nrs == 1) {
			double v = rsv[0];
			free(rsv);
			rsv = ob_malloc(nrep * sizeof(double));
			for (size_t r = 0; r < nrep; r++)
				rsv[r] = v;
		}
	}
	if (repw) {
		struct ob_svy_source src = { t.rd.name, t.line, (long)wc + 1, 0, NULL, rcol };
		e = ob_svy_design_init_rep(&ds, t.nrows, w, nrep, rw, rtype, rho, rscale, rsv, mse,
		                           &src, &d);
	} else {
		struct svy_design_spec sp = { strata, cluster, fpc_col, "--strata", "--cluster",
		                              "--fpc", lonely };
		e = svy_design_from_table(&t, cell_of, &cx, &sp, wc, w, &ds, &d);
	}
	if (e)
		goto fail;
	design_made = true;
	file_labels(&t, by, nby, spec, nspec, lab, &nlab);
	for (size_t i = 0; i < nspec; i++)
		if ((e = spec_values(&cx, &spec[i], lab, nlab, &d)))
			goto fail;
	for (size_t i = 0; i < nby; i++)
		if ((e = by_build(&cx, &by[i], labels_of(lab, nlab, by[i].name), &d)))
			goto fail;

	if (o.json)
		json_head(&o, file, &ds, weight, strata, cluster, fpc_col, &so);
	else
		st_out_header(&o.csv, NULL, columns);
	ob_svy_scratch_init(&scr, &ds);
	for (size_t i = 0; i < nspec; i++) {
		struct ob_svy_est est;

		estimate(&ds, &scr, &spec[i], NULL, 0, &so, &est);
		row(&o, &spec[i], "", "", &est);
		for (size_t b = 0; b < nby; b++)
			for (size_t k = 0; k < by[b].ndom; k++) {
				estimate(&ds, &scr, &spec[i], by[b].rows + by[b].first[k],
				         by[b].first[k + 1] - by[b].first[k], &so, &est);
				row(&o, &spec[i], by[b].name, by[b].dom[k], &est);
			}
	}
	ob_svy_scratch_release(&scr);
	if (o.json) {
		ob_jw_s(&o.j, "\n]}\n");
		if (ob_jw_err(&o.j)) {
			e = OB_DIAG(&d, OB_ETOOBIG, t.rd.name, 0, 0, NULL, 0,
			            "la salida JSON excede el límite", "the JSON output exceeds the limit");
			goto fail;
		}
		ob_jw_flush(&o.j, stdout);
		st_out_discard(&o.csv);
		status = ob_jw_err(&o.j) || fflush(stdout) ? OB_EXIT_SYSTEM : OB_EXIT_OK;
	} else {
		status = st_out_finish(&o.csv) ? OB_EXIT_SYSTEM : OB_EXIT_OK;
	}
	goto release;
fail:
	status = st_fail(&o.csv, &d);
release:
	if (design_made)
		ob_svy_design_release(&ds);
	st_table_release(&t);
release_out:
	ob_buf_release(&o.buf);
	for (size_t i = 0; i < nby; i++)
		by_release(&by[i]);
	for (size_t i = 0; i < nspec; i++) {
		free(spec[i].y);
		free(spec[i].x);
	}
	free(w);
	free(cx.off);
	free(rw);
	free(rcol);
	goto release_options;
usage:
	estimate_usage(stderr);
	status = OB_EXIT_USAGE;
release_options:
	for (size_t i = 0; i < nest_opts; i++)
		free(est_copy[i]);
	free(by_copy);
	free(rs_copy);
	free(rsv);
	for (size_t i = 0; i < nlab; i++)
		free(lab[i].copy);
	return status;
}

int cmd_survey(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	st_set_lang(ob_cli_output_en(ctx) ? ST_LANG_EN : ST_LANG_ES);
	if (argc < 2) {
		cmd_survey_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		cmd_survey_usage(stdout);
		return OB_EXIT_OK;
	}
	if (!strcmp(argv[1], "estimate"))
		return cmd_estimate(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ingest"))
		return cmd_survey_ingest(ctx, argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return cmd_survey_list(ctx, argc - 1, argv + 1);
	if (!strcmp(argv[1], "compare"))
		return cmd_survey_compare(ctx, argc - 1, argv + 1);
	OB_ERROR("survey: subcomando desconocido «%s»", "survey: unknown subcommand «%s»", argv[1]);
	cmd_survey_usage(stderr);
	return OB_EXIT_USAGE;
}
