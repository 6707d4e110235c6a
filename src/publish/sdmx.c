/* sdmx.c - a release's tables in SDMX: SDMX-CSV 2.0 and SDMX-JSON 2.0.0 data
 * messages, and one SDMX-JSON 2.0.0 structure message with the code lists,
 * concepts, data structures and dataflows they refer to (see release.h).
 * The survey indicators (survey_indicators.csv, release_survey.c) are a
 * dataflow of their own, DF_SURVEY_INDICATORS: dimensions INDICATOR (the
 * survey catalogue's, CL_SURVEY_INDICATOR), REF_AREA (the country or a
 * first-level unit, CL_TERRITORY), SEX (T, F, M), SURVEY (the survey's
 * profile code, CL_SURVEY) and TIME_PERIOD; the estimate in percent as
 * OBS_VALUE with its interval, standard error, CV, respondents, level,
 * method, status and flags as attributes; its data files only when the
 * release has survey estimates (its structure always). */
#include "publish/release_impl.h"

#include "survey/profile.h"

#define SDMX_DATA_SCHEMA                                                            \
	"https://raw.githubusercontent.com/sdmx-twg/sdmx-json/v2.0.0/data-message/tools/" \
	"schemas/2.0.0/sdmx-json-data-schema.json"
#define SDMX_STRUCTURE_SCHEMA                                                            \
	"https://raw.githubusercontent.com/sdmx-twg/sdmx-json/v2.0.0/structure-message/tools/" \
	"schemas/2.0.0/sdmx-json-structure-schema.json"
#define URN "urn:sdmx:org.sdmx.infomodel."
#define CONCEPT_URN URN "conceptscheme.Concept=" REL_SDMX_AGENCY ":CS_OBSERVA(1.0)."
#define CODELIST_URN URN "codelist.Codelist="

/* ---- components ---- */

/* A dimension of the tables as SDMX names it; NULL for a label column
 * (territory_name, counting_rule: attributes, not dimensions). */
const char *rel_sdmx_dim_id(const char *dim)
{
	static const char *const map[][2] = {
		{ "indicator", "INDICATOR" }, { "country", "COUNTRY" },   { "territory", "TERRITORY" },
		{ "level", "LEVEL" },         { "year", "TIME_PERIOD" },  { "month", "TIME_PERIOD" },
		{ "sex", "SEX" },             { "iccs", "ICCS" },         { "count_of", "COUNT_OF" },
		{ "source", "SOURCE" },       { "institution", "INSTITUTION" },
	};

	for (size_t i = 0; i < OB_ARRAY_SIZE(map); i++)
		if (!strcmp(dim, map[i][0]))
			return map[i][1];
	return NULL;
}

enum akind { AK_CODED, AK_NUMBER, AK_TEXT };

struct sattr {
	const char *id, *name_en, *name_es;
	enum akind kind;
	const char *codelist; /* URN of its code list, for AK_CODED */
};

#define CL_OBS_STATUS CODELIST_URN "SDMX:CL_OBS_STATUS(2.2)"
#define CL_CONF_STATUS CODELIST_URN "SDMX:CL_CONF_STATUS(1.3)"
#define CL_UNIT CODELIST_URN REL_SDMX_AGENCY ":CL_UNIT_MEASURE(1.0)"

static const struct sattr a_obs = { "OBS_STATUS", "Observation status",
	                            "Estado de la observación", AK_CODED, CL_OBS_STATUS };
static const struct sattr a_conf = { "CONF_STATUS", "Confidentiality status",
	                             "Estado de confidencialidad", AK_CODED, CL_CONF_STATUS };
static const struct sattr a_unit = { "UNIT_MEASURE", "Unit of measure", "Unidad de medida",
	                             AK_CODED, CL_UNIT };
static const struct sattr a_count = { "OBS_COUNT", "Count (numerator)", "Conteo (numerador)",
	                              AK_NUMBER, NULL };
static const struct sattr a_den = { "DENOMINATOR", "Denominator", "Denominador", AK_NUMBER,
	                            NULL };
static const struct sattr a_lo = { "LOWER_BOUND", "Lower bound of the 95% interval",
	                           "Límite inferior del intervalo al 95 %", AK_NUMBER, NULL };
static const struct sattr a_hi = { "UPPER_BOUND", "Upper bound of the 95% interval",
	                           "Límite superior del intervalo al 95 %", AK_NUMBER, NULL };
static const struct sattr a_flags = { "FLAGS", "Flags (| separated)", "Marcas (separadas por |)",
	                              AK_TEXT, NULL };
static const struct sattr a_rule = { "COUNTING_RULE", "Counting rule", "Regla de conteo",
	                             AK_TEXT, NULL };
static const struct sattr a_sup = { "SUPERSEDED", "Superseded deliveries",
	                            "Entregas reemplazadas", AK_NUMBER, NULL };

/* the survey indicators' */
static const struct sattr a_ci_lo = { "CI_LOWER", "Lower bound of the interval (level in "
	                              "CONF_LEVEL)", "Límite inferior del intervalo (nivel en "
	                              "CONF_LEVEL)", AK_NUMBER, NULL };
static const struct sattr a_ci_hi = { "CI_UPPER", "Upper bound of the interval",
	                              "Límite superior del intervalo", AK_NUMBER, NULL };
static const struct sattr a_se = { "STD_ERR", "Design-based standard error (percentage points)",
	                           "Error estándar según el diseño (puntos porcentuales)",
	                           AK_NUMBER, NULL };
static const struct sattr a_cv = { "COEF_VAR", "Coefficient of variation",
	                           "Coeficiente de variación", AK_NUMBER, NULL };
static const struct sattr a_resp = { "RESPONDENTS", "Respondents the estimate rests on",
	                             "Encuestados en que se basa la estimación", AK_NUMBER, NULL };
static const struct sattr a_level = { "CONF_LEVEL", "Confidence level of the interval",
	                              "Nivel de confianza del intervalo", AK_NUMBER, NULL };
static const struct sattr a_method = { "CI_METHOD", "Interval method (logit, beta, asin, "
	                               "likelihood, wald)", "Método del intervalo (logit, beta, "
	                               "asin, likelihood, wald)", AK_TEXT, NULL };

static const struct sattr *const rate_attrs[] = { &a_obs,  &a_conf, &a_unit,  &a_count, &a_den,
	                                          &a_lo,   &a_hi,   &a_flags, &a_rule };
static const struct sattr *const count_attrs[] = { &a_obs, &a_conf, &a_rule };
static const struct sattr *const delivery_attrs[] = { &a_sup };

static const struct sattr *const *table_attrs(const struct rtable *t, size_t *n)
{
	switch (t->kind) {
	case RT_RATES: *n = OB_ARRAY_SIZE(rate_attrs); return rate_attrs;
	case RT_COUNTS: *n = OB_ARRAY_SIZE(count_attrs); return count_attrs;
	default: *n = OB_ARRAY_SIZE(delivery_attrs); return delivery_attrs;
	}
}

/* The SDMX cross-domain codes used (CL_OBS_STATUS 2.2, CL_CONF_STATUS 1.3). */
static const char *const obs_codes[][3] = {
	{ "A", "Normal value", "Valor normal" },
	{ "E", "Estimated value", "Valor estimado" },
	{ "L", "Missing value; data exist but were not collected",
	  "Valor ausente; los datos existen pero no se recogieron" },
	{ "O", "Missing value", "Valor ausente" },
	{ "Q", "Missing value; suppressed", "Valor ausente; suprimido" },
	{ "U", "Low reliability", "Baja fiabilidad" },
};
static const char *const conf_codes[][3] = {
	{ "F", "Free", "Libre" },
	{ "C", "Confidential statistical information", "Información estadística confidencial" },
};

/*
 * OBS_STATUS of a row: Q suppressed (with CONF_STATUS C), L no data (no
 * delivery records it), O no value otherwise (no denominator), U unreliable
 * (fewer events than the threshold), E estimated (an estimated or split
 * denominator), A normal. One code per observation, in that order of
 * precedence; FLAGS keeps them all.
 */
static const char *obs_status(const struct rtable *t, const struct rrow *w)
{
	if (w->suppressed)
		return "Q";
	if (w->nodata)
		return "L";
	if (t->kind != RT_RATES)
		return "A";
	if (!(w->has & HAS_VAL) || !isfinite(w->val))
		return "O";
	if (w->flags & OB_IND_UNRELIABLE)
		return "U";
	if (w->flags & (OB_IND_ESTIMATED_DENOMINATOR | OB_IND_EQUAL_SPLIT_DENOMINATOR))
		return "E";
	return "A";
}

static const struct ob_indicator *indicator_of(const struct rel *r, const char *id)
{
	for (size_t k = 0; k < r->set->n; k++)
		if (!strcmp(r->set->v[k].id, id))
			return &r->set->v[k];
	return NULL;
}

/* UNIT_MEASURE of a multiplier: PER_100000 (a rate per 100,000 of the
 * denominator), PERCENT (a share of another indicator's count). */
static void unit_code(double mult, char *buf, size_t size)
{
	if (mult == 100)
		snprintf(buf, size, "PERCENT");
	else
		snprintf(buf, size, "PER_%.0f", mult);
}

static size_t dim_index(const struct rtable *t, const char *name)
{
	for (size_t i = 0; i < t->ndims; i++)
		if (!strcmp(t->dims[i], name))
			return i;
	return SIZE_MAX;
}

/* The value of attribute a for a row as text, NULL when it has none. */
static const char *attr_value(const struct rel *r, const struct rtable *t, const struct rrow *w,
                              const struct sattr *a, char *buf, size_t size)
{
	const struct ob_indicator *ind;
	size_t i;
	bool num;

	if (a == &a_obs)
		return obs_status(t, w);
	if (a == &a_conf)
		return w->suppressed ? "C" : "F";
	if (a == &a_unit) {
		if (!(ind = indicator_of(r, w->dim[0])))
			return NULL;
		unit_code(ind->multiplier, buf, size);
		return buf;
	}
	if (a == &a_rule)
		return (i = dim_index(t, "counting_rule")) == SIZE_MAX ? NULL : w->dim[i];
	/* the measure columns of rel_cell(): count, denominator, value, lower,
	 * upper, flags (rates); delivered, superseded (completeness) */
	if (a == &a_count)
		i = 0;
	else if (a == &a_den || a == &a_sup)
		i = 1;
	else if (a == &a_lo)
		i = 3;
	else if (a == &a_hi)
		i = 4;
	else
		i = 5; /* a_flags */
	return rel_cell(t, w, t->ndims + i, buf, size, &num);
}

/* OBS_VALUE: the value of a rate table, the count of a count table,
 * delivered (1/0) of the completeness table. */
static const char *obs_value(const struct rtable *t, const struct rrow *w, char *buf,
                             size_t size)
{
	bool num;

	return rel_cell(t, w, t->ndims + (t->kind == RT_RATES ? 2 : 0), buf, size, &num);
}

static void upper(const char *s, char *out, size_t size)
{
	size_t i = 0;

	for (; s[i] && i + 1 < size; i++)
		out[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	out[i] = '\0';
}

/* The table's SDMX dimensions in key order (TIME_PERIOD last, as SDMX
 * wants): indices into t->dims. */
static size_t sdmx_order(const struct rtable *t, size_t out[MAX_DIMS])
{
	size_t n = 0, time = SIZE_MAX;

	for (size_t i = 0; i < t->ndims; i++) {
		const char *id = rel_sdmx_dim_id(t->dims[i]);
		if (!id)
			continue;
		if (!strcmp(id, "TIME_PERIOD"))
			time = i;
		else
			out[n++] = i;
	}
	if (time != SIZE_MAX)
		out[n++] = time;
	return n;
}

/* ---- labels of dimension values ---- */

struct labels {
	struct ob_strmap iccs; /* code -> name_en (owned) */
};

static void keep_iccs(void *arg, const char *code, int level, const char *parent,
                      const char *name_es, const char *name_en)
{
	struct labels *l = arg;
	void *old = NULL;

	(void)level;
	(void)parent;
	(void)name_es;
	if (!ob_strmap_put(&l->iccs, code, strlen(code), ob_strdup(name_en), &old))
		free(old);
}

static const char *unit_name(const struct rel *r, const char *code, int level)
{
	const struct ob_snapshot *s = r->snap;

	for (uint32_t u = 0; u < s->n_units; u++)
		if ((level < 0 || s->units[u].level == level) &&
		    !strcmp(ob_snap_str(s, s->units[u].code), code))
			return ob_snap_str(s, s->units[u].name);
	return NULL;
}

/* The English name of value v of dimension i (first: a row that has it). */
static const char *value_name(const struct rel *r, const struct labels *l,
                              const struct rtable *t, size_t i, const struct rrow *first)
{
	const char *dim = t->dims[i], *v = first->dim[i], *n = NULL;
	const struct ob_indicator *ind;

	if (!strcmp(dim, "territory") && i + 1 < t->ndims &&
	    !strcmp(t->dims[i + 1], "territory_name"))
		n = first->dim[i + 1];
	else if (!strcmp(dim, "country"))
		n = unit_name(r, v, 0);
	else if (!strcmp(dim, "indicator") && (ind = indicator_of(r, v)))
		n = ind->name_en;
	else if (!strcmp(dim, "sex"))
		n = rel_sex_label(v, true);
	else if (!strcmp(dim, "level"))
		n = rel_level_label(v, true);
	else if (!strcmp(dim, "iccs"))
		n = ob_strmap_get(&l->iccs, v, strlen(v));
	return n && *n ? n : v;
}

static const char *const dim_names[][3] = {
	{ "INDICATOR", "Indicator", "Indicador" },
	{ "REF_AREA", "Reference area", "Área de referencia" },
	{ "COUNTRY", "Country", "País" },
	{ "TERRITORY", "Territory", "Territorio" },
	{ "LEVEL", "Territorial level", "Nivel territorial" },
	{ "SEX", "Sex", "Sexo" },
	{ "ICCS", "ICCS offence", "Delito (ICCS)" },
	{ "COUNT_OF", "Series counted", "Serie contada" },
	{ "SOURCE", "Source", "Fuente" },
	{ "INSTITUTION", "Institution", "Institución" },
	{ "SURVEY", "Survey", "Encuesta" },
	{ "TIME_PERIOD", "Time period", "Periodo" },
	{ "OBS_VALUE", "Observation value", "Valor de la observación" },
};

static const char *const *dim_name(const char *id)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(dim_names); i++)
		if (!strcmp(dim_names[i][0], id))
			return dim_names[i];
	return NULL;
}

/* ---- SDMX-CSV ---- */

/*
 * Every row is ACTION R (replace): a store that loads the file replaces
 * the whole observation, so a cell suppressed or without data since an
 * earlier release loses its earlier value (OBS_VALUE empty, OBS_STATUS Q
 * or L) instead of keeping it, as I or A (append) would.
 */
ob_err rel_write_sdmx_csv(struct rel *r, const struct rtable *t)
{
	char name[128], buf[256], up[64];
	const struct sattr *const *at;
	size_t na, ord[MAX_DIMS], nd = sdmx_order(t, ord);
	FILE *f;

	at = table_attrs(t, &na);
	snprintf(name, sizeof(name), "%s.sdmx.csv", t->id);
	if (!(f = rel_open_out(r, name)))
		return r->d->code;
	fputs("STRUCTURE,STRUCTURE_ID,ACTION", f);
	for (size_t j = 0; j < nd; j++)
		fprintf(f, ",%s", rel_sdmx_dim_id(t->dims[ord[j]]));
	fputs(",OBS_VALUE", f);
	for (size_t a = 0; a < na; a++)
		fprintf(f, ",%s", at[a]->id);
	fputc('\n', f);
	upper(t->id, up, sizeof(up));
	for (size_t k = 0; k < t->n; k++) {
		const struct rrow *w = &t->rows[k];

		fprintf(f, "dataflow,%s:DF_%s(1.0),R", REL_SDMX_AGENCY, up);
		for (size_t j = 0; j < nd; j++) {
			fputc(',', f);
			rel_csv_put(f, w->dim[ord[j]]);
		}
		fputc(',', f);
		rel_csv_num(f, obs_value(t, w, buf, sizeof(buf)));
		for (size_t a = 0; a < na; a++) {
			const char *v = attr_value(r, t, w, at[a], buf, sizeof(buf));
			fputc(',', f);
			(at[a]->kind == AK_NUMBER ? rel_csv_num : rel_csv_put)(f, v);
		}
		fputc('\n', f);
	}
	return rel_close_out(r, f, name);
}

/* ---- SDMX-JSON data message ---- */

/* Distinct values of one component, in order of first appearance. */
struct values {
	struct ob_strmap idx; /* text -> index + 1 */
	const char **v;
	size_t *first;        /* the first row with it */
	size_t n, cap;
};

static size_t values_add(struct values *s, const char *v, size_t row)
{
	size_t at = (size_t)(uintptr_t)ob_strmap_get(&s->idx, v, strlen(v));

	if (at)
		return at - 1;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = ob_realloc(s->v, s->cap * sizeof(*s->v));
		s->first = ob_realloc(s->first, s->cap * sizeof(*s->first));
	}
	/* the map keeps its own copy of the key: point at it */
	ob_strmap_put(&s->idx, v, strlen(v), (void *)(uintptr_t)(s->n + 1), NULL);
	s->v[s->n] = ob_strmap_find(&s->idx, v, strlen(v))->key;
	s->first[s->n] = row;
	return s->n++;
}

static void values_release(struct values *s)
{
	ob_strmap_release(&s->idx);
	free(s->v);
	free(s->first);
}

static void fname(FILE *f, const char *en, const char *es)
{
	fputs(",\"name\":", f);
	rel_fjson_str(f, en);
	fputs(",\"names\":{\"en\":", f);
	rel_fjson_str(f, en);
	fputs(",\"es\":", f);
	rel_fjson_str(f, es);
	fputc('}', f);
}

static void link_structure(struct rel *r, FILE *f, const char *up)
{
	fprintf(f, "[{\"rel\":\"dataflow\",\"urn\":\"" URN "datastructure.Dataflow=%s:DF_%s(1.0)\","
	           "\"href\":", REL_SDMX_AGENCY, up);
	{
		char href[OB_MAX_PUB_SETTING + 256];
		snprintf(href, sizeof(href), "%s%s/%s", r->pub.base_url, r->res->version,
		         REL_SDMX_STRUCTURE_FILE);
		rel_fjson_str(f, href);
	}
	fputs(",\"type\":\"application/vnd.sdmx.structure+json;version=2.0.0\"}]", f);
}

ob_err rel_write_sdmx_json(struct rel *r, const struct rtable *t)
{
	struct values dv[MAX_DIMS], *av = NULL;
	const struct sattr *const *at;
	struct labels lab;
	char name[128], buf[256], up[64], when[32], href[OB_MAX_PUB_SETTING + 256];
	size_t na, ord[MAX_DIMS], nd = sdmx_order(t, ord);
	FILE *f;
	ob_err e;

	at = table_attrs(t, &na);
	memset(dv, 0, sizeof(dv));
	ob_strmap_init(&lab.iccs);
	av = ob_malloc(na * sizeof(*av));
	memset(av, 0, na * sizeof(*av));
	for (size_t i = 0; i < t->ndims; i++)
		ob_strmap_init(&dv[i].idx);
	for (size_t a = 0; a < na; a++) {
		ob_strmap_init(&av[a].idx);
		/* coded attributes list their whole code list */
		if (at[a] == &a_obs)
			for (size_t c = 0; c < OB_ARRAY_SIZE(obs_codes); c++)
				values_add(&av[a], obs_codes[c][0], SIZE_MAX);
		if (at[a] == &a_conf)
			for (size_t c = 0; c < OB_ARRAY_SIZE(conf_codes); c++)
				values_add(&av[a], conf_codes[c][0], SIZE_MAX);
	}
	if (dim_index(t, "iccs") != SIZE_MAX && (e = rel_each_iccs(r, keep_iccs, &lab)))
		goto release;
	for (size_t k = 0; k < t->n; k++) {
		for (size_t i = 0; i < t->ndims; i++)
			if (rel_sdmx_dim_id(t->dims[i]))
				values_add(&dv[i], t->rows[k].dim[i], k);
		for (size_t a = 0; a < na; a++) {
			const char *v = attr_value(r, t, &t->rows[k], at[a], buf, sizeof(buf));
			if (v)
				values_add(&av[a], v, k);
		}
	}
	snprintf(name, sizeof(name), "%s.sdmx.json", t->id);
	if (!(f = rel_open_out(r, name))) {
		e = r->d->code;
		goto release;
	}
	ob_audit_time(r->o->now, when);
	upper(t->id, up, sizeof(up));
	snprintf(href, sizeof(href), "%s%s/%s", r->pub.base_url, r->res->version, name);
	fprintf(f, "{\"meta\":{\"schema\":\"" SDMX_DATA_SCHEMA "\",\"id\":\"OBSERVA-%s-%s\","
	           "\"prepared\":\"%s\",\"test\":false,\"contentLanguages\":[\"en\",\"es\"],"
	           "\"sender\":{\"id\":\"" REL_SDMX_AGENCY "\",\"name\":",
	        r->res->version, up, when);
	rel_fjson_str(f, r->pub.publisher);
	fputs("},\"links\":[{\"rel\":\"self\",\"href\":", f);
	rel_fjson_str(f, href);
	fputs("}]},\n\"data\":{\"structures\":[{\"links\":", f);
	link_structure(r, f, up);
	fname(f, t->title_en, t->title_es);
	fputs(",\"description\":", f);
	rel_fjson_str(f, t->title_en);
	fputs(",\"descriptions\":{\"en\":", f);
	rel_fjson_str(f, t->title_en);
	fputs(",\"es\":", f);
	rel_fjson_str(f, t->title_es);
	fputs("},\"dimensions\":{\"dataSet\":[],\"series\":[],\"observation\":[", f);
	for (size_t j = 0; j < nd; j++) {
		size_t i = ord[j];
		const char *id = rel_sdmx_dim_id(t->dims[i]);
		const char *const *dn = dim_name(id);
		fprintf(f, "%s\n{\"id\":\"%s\"", j ? "," : "", id);
		fname(f, dn ? dn[1] : t->dims[i], dn ? dn[2] : t->dims[i]);
		fprintf(f, ",\"keyPosition\":%zu,", j);
		if (!strcmp(id, "TIME_PERIOD"))
			fputs("\"roles\":[\"TIME_PERIOD\"],", f);
		fputs("\"values\":[", f);
		for (size_t v = 0; v < dv[i].n; v++) {
			fputs(v ? ",{\"id\":" : "{\"id\":", f);
			rel_fjson_str(f, dv[i].v[v]);
			fputs(",\"name\":", f);
			rel_fjson_str(f, value_name(r, &lab, t, i, &t->rows[dv[i].first[v]]));
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("]},\n\"measures\":{\"observation\":[{\"id\":\"OBS_VALUE\"", f);
	fname(f, t->kind == RT_RATES ? "Value (rate or share)" : t->kind == RT_COUNTS ? "Count"
	                                                                               : "Delivered (1) or not (0)",
	      t->kind == RT_RATES ? "Valor (tasa o proporción)" : t->kind == RT_COUNTS ? "Conteo"
	                                                                                : "Entregado (1) o no (0)");
	fputs("}]},\n\"attributes\":{\"dataSet\":[],\"dimensionGroup\":[],\"series\":[],"
	      "\"observation\":[", f);
	for (size_t a = 0; a < na; a++) {
		fprintf(f, "%s\n{\"id\":\"%s\"", a ? "," : "", at[a]->id);
		fname(f, at[a]->name_en, at[a]->name_es);
		fputs(",\"relationship\":{\"observation\":{}},", f);
		if (at[a]->kind == AK_NUMBER)
			fputs("\"format\":{\"dataType\":\"Double\"},", f);
		fputs("\"values\":[", f);
		for (size_t v = 0; v < av[a].n; v++) {
			const char *x = av[a].v[v];
			if (v)
				fputc(',', f);
			if (at[a] == &a_obs || at[a] == &a_conf) {
				const char *const(*codes)[3] = at[a] == &a_obs ? obs_codes : conf_codes;
				fputs("{\"id\":", f);
				rel_fjson_str(f, x);
				fname(f, codes[v][1], codes[v][2]);
				fputc('}', f);
			} else if (at[a] == &a_unit) {
				fputs("{\"id\":", f);
				rel_fjson_str(f, x);
				if (!strcmp(x, "PERCENT"))
					fname(f, "Percent", "Porcentaje");
				else
					fname(f, "Per 100,000 of the denominator population",
					      "Por 100 000 habitantes de la población del denominador");
				fputc('}', f);
			} else {
				/* numbers as text: the schema's oneOf of integer and
				 * number refuses every integer ("format" says Double) */
				fputs("{\"value\":", f);
				rel_fjson_str(f, x);
				fputc('}', f);
			}
		}
		fputs("]}", f);
	}
	fputs("]}}],\n\"dataSets\":[{\"structure\":0,\"action\":\"Replace\",\"links\":", f);
	link_structure(r, f, up);
	fputs(",\"observations\":{", f);
	for (size_t k = 0; k < t->n; k++) {
		const struct rrow *w = &t->rows[k];
		const char *v = obs_value(t, w, buf, sizeof(buf));
		bool lead = true;

		fputs(k ? ",\n\"" : "\n\"", f);
		for (size_t j = 0; j < nd; j++) {
			size_t i = ord[j];
			fprintf(f, "%s%zu", lead ? "" : ":",
			        (size_t)(uintptr_t)ob_strmap_get(&dv[i].idx, w->dim[i],
			                                         strlen(w->dim[i])) - 1);
			lead = false;
		}
		fprintf(f, "\":[%s", v ? v : "null");
		for (size_t a = 0; a < na; a++) {
			const char *x = attr_value(r, t, w, at[a], buf, sizeof(buf));
			if (x)
				fprintf(f, ",%zu",
				        (size_t)(uintptr_t)ob_strmap_get(&av[a].idx, x, strlen(x)) - 1);
			else
				fputs(",null", f);
		}
		fputc(']', f);
	}
	fputs("}}]}}\n", f);
	e = rel_close_out(r, f, name);
release:
	for (size_t i = 0; i < t->ndims; i++)
		values_release(&dv[i]);
	for (size_t a = 0; a < na; a++)
		values_release(&av[a]);
	free(av);
	ob_strmap_for_each(&lab.iccs, ent) free(ent->value);
	ob_strmap_release(&lab.iccs);
	return e;
}

/* ---- the survey indicators' dataflow ---- */

#define SVY_FLOW "SURVEY_INDICATORS"
#define SVY_FILE "survey_indicators"
#define SVY_NDIMS 5

static const char *const svy_dims[SVY_NDIMS] = { "INDICATOR", "REF_AREA", "SEX", "SURVEY",
	                                         "TIME_PERIOD" };
static const struct sattr *const svy_attrs[] = { &a_obs,  &a_unit, &a_ci_lo, &a_ci_hi,
	                                         &a_se,   &a_cv,   &a_resp,  &a_level,
	                                         &a_method, &a_flags };

static const char *svy_dim(const struct rsvy *x, size_t i)
{
	const char *v[SVY_NDIMS] = { x->indicator, x->territory, x->sex, x->survey, x->year };
	return v[i];
}

/* v as the release's CSV writes it (a level as it is); NULL when none */
static const char *svy_num(double v, bool level, char *buf, size_t size)
{
	if (!isfinite(v))
		return NULL;
	snprintf(buf, size, level ? "%g" : "%.4f", v);
	return buf;
}

static bool has_flag(const char *flags, const char *f)
{
	size_t n = strlen(f);
	for (const char *p = flags; (p = strstr(p, f)); p += n)
		if ((p == flags || p[-1] == ';') && (!p[n] || p[n] == ';'))
			return true;
	return false;
}

/*
 * The value of attribute a for estimate x, NULL when none. OBS_STATUS: Q
 * suppressed (fewer respondents than the survey's minimum: no number), O
 * no value otherwise, U a CV above the survey's maximum (high_cv), A
 * normal. FLAGS: suppressed and the estimate's flags, "|" separated.
 */
static const char *svy_attr(const struct rsvy *x, const struct sattr *a, char *buf,
                            size_t size)
{
	if (a == &a_obs)
		return x->suppressed ? "Q" : !isfinite(x->est) ? "O"
		       : has_flag(x->flags, "high_cv") ? "U" : "A";
	if (a == &a_unit)
		return "PERCENT";
	if (a == &a_ci_lo)
		return svy_num(x->lo, false, buf, size);
	if (a == &a_ci_hi)
		return svy_num(x->hi, false, buf, size);
	if (a == &a_se)
		return svy_num(x->se, false, buf, size);
	if (a == &a_cv)
		return svy_num(x->cv, false, buf, size);
	if (a == &a_level)
		return svy_num(x->level, true, buf, size);
	if (a == &a_resp) {
		snprintf(buf, size, "%lld", x->n);
		return buf;
	}
	if (a == &a_method)
		return x->method[0] ? x->method : NULL;
	/* a_flags */
	snprintf(buf, size, "%s%s%s", x->suppressed ? "suppressed" : "",
	         x->suppressed && x->flags[0] ? "|" : "", x->flags);
	for (char *p = buf; *p; p++)
		if (*p == ';')
			*p = '|';
	return buf[0] ? buf : NULL;
}

/* The English name of value v of dimension i. */
static const char *svy_value_name(const struct rel *r, const struct ob_svy_catalog *cat,
                                  size_t i, const char *v)
{
	const struct ob_svy_indicator *ind;
	const char *n = NULL;

	if (i == 0 && (ind = ob_svy_catalog_find(cat, v)))
		n = ind->name_en;
	else if (i == 1)
		n = unit_name(r, v, -1);
	else if (i == 2)
		n = rel_sex_label(v, true);
	return n && *n ? n : v;
}

static ob_err svy_csv(struct rel *r)
{
	const char *name = SVY_FILE ".sdmx.csv";
	char buf[256];
	FILE *f;

	if (!(f = rel_open_out(r, name)))
		return r->d->code;
	fputs("STRUCTURE,STRUCTURE_ID,ACTION", f);
	for (size_t j = 0; j < SVY_NDIMS; j++)
		fprintf(f, ",%s", svy_dims[j]);
	fputs(",OBS_VALUE", f);
	for (size_t a = 0; a < OB_ARRAY_SIZE(svy_attrs); a++)
		fprintf(f, ",%s", svy_attrs[a]->id);
	fputc('\n', f);
	for (size_t k = 0; k < r->nsvy; k++) {
		const struct rsvy *x = &r->svy[k];

		fputs("dataflow," REL_SDMX_AGENCY ":DF_" SVY_FLOW "(1.0),R", f);
		for (size_t j = 0; j < SVY_NDIMS; j++) {
			fputc(',', f);
			rel_csv_put(f, svy_dim(x, j));
		}
		fputc(',', f);
		rel_csv_num(f, svy_num(x->est, false, buf, sizeof(buf)));
		for (size_t a = 0; a < OB_ARRAY_SIZE(svy_attrs); a++) {
			const char *v = svy_attr(x, svy_attrs[a], buf, sizeof(buf));
			fputc(',', f);
			if (v)
				(svy_attrs[a]->kind == AK_NUMBER ? rel_csv_num : rel_csv_put)(f, v);
		}
		fputc('\n', f);
	}
	return rel_close_out(r, f, name);
}

static ob_err svy_json(struct rel *r, const struct ob_svy_catalog *cat)
{
	enum { NA = OB_ARRAY_SIZE(svy_attrs) };
	const char *name = SVY_FILE ".sdmx.json";
	const char *title_en = "Survey indicators: design-based estimates with their intervals";
	const char *title_es = "Indicadores de encuesta: estimaciones según el diseño con sus "
	                       "intervalos";
	struct values dv[SVY_NDIMS], av[NA];
	char buf[256], when[32], href[OB_MAX_PUB_SETTING + 256];
	FILE *f;
	ob_err e;

	memset(dv, 0, sizeof(dv));
	memset(av, 0, sizeof(av));
	for (size_t i = 0; i < SVY_NDIMS; i++)
		ob_strmap_init(&dv[i].idx);
	for (size_t a = 0; a < NA; a++)
		ob_strmap_init(&av[a].idx);
	for (size_t c = 0; c < OB_ARRAY_SIZE(obs_codes); c++)
		values_add(&av[0], obs_codes[c][0], SIZE_MAX); /* a_obs: its whole code list */
	for (size_t k = 0; k < r->nsvy; k++) {
		for (size_t i = 0; i < SVY_NDIMS; i++)
			values_add(&dv[i], svy_dim(&r->svy[k], i), k);
		for (size_t a = 0; a < NA; a++) {
			const char *v = svy_attr(&r->svy[k], svy_attrs[a], buf, sizeof(buf));
			if (v)
				values_add(&av[a], v, k);
		}
	}
	if (!(f = rel_open_out(r, name))) {
		e = r->d->code;
		goto release;
	}
	ob_audit_time(r->o->now, when);
	snprintf(href, sizeof(href), "%s%s/%s", r->pub.base_url, r->res->version, name);
	fprintf(f, "{\"meta\":{\"schema\":\"" SDMX_DATA_SCHEMA "\",\"id\":\"OBSERVA-%s-" SVY_FLOW
	           "\",\"prepared\":\"%s\",\"test\":false,\"contentLanguages\":[\"en\",\"es\"],"
	           "\"sender\":{\"id\":\"" REL_SDMX_AGENCY "\",\"name\":",
	        r->res->version, when);
	rel_fjson_str(f, r->pub.publisher);
	fputs("},\"links\":[{\"rel\":\"self\",\"href\":", f);
	rel_fjson_str(f, href);
	fputs("}]},\n\"data\":{\"structures\":[{\"links\":", f);
	link_structure(r, f, SVY_FLOW);
	fname(f, title_en, title_es);
	fputs(",\"description\":", f);
	rel_fjson_str(f, title_en);
	fputs(",\"descriptions\":{\"en\":", f);
	rel_fjson_str(f, title_en);
	fputs(",\"es\":", f);
	rel_fjson_str(f, title_es);
	fputs("},\"dimensions\":{\"dataSet\":[],\"series\":[],\"observation\":[", f);
	for (size_t j = 0; j < SVY_NDIMS; j++) {
		const char *const *dn = dim_name(svy_dims[j]);
		fprintf(f, "%s\n{\"id\":\"%s\"", j ? "," : "", svy_dims[j]);
		fname(f, dn[1], dn[2]);
		fprintf(f, ",\"keyPosition\":%zu,", j);
		if (!strcmp(svy_dims[j], "TIME_PERIOD"))
			fputs("\"roles\":[\"TIME_PERIOD\"],", f);
		fputs("\"values\":[", f);
		for (size_t v = 0; v < dv[j].n; v++) {
			fputs(v ? ",{\"id\":" : "{\"id\":", f);
			rel_fjson_str(f, dv[j].v[v]);
			fputs(",\"name\":", f);
			rel_fjson_str(f, svy_value_name(r, cat, j, dv[j].v[v]));
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("]},\n\"measures\":{\"observation\":[{\"id\":\"OBS_VALUE\"", f);
	fname(f, "Estimate (percent of the indicator's population)",
	      "Estimación (porcentaje de la población del indicador)");
	fputs("}]},\n\"attributes\":{\"dataSet\":[],\"dimensionGroup\":[],\"series\":[],"
	      "\"observation\":[", f);
	for (size_t a = 0; a < NA; a++) {
		const struct sattr *at = svy_attrs[a];
		fprintf(f, "%s\n{\"id\":\"%s\"", a ? "," : "", at->id);
		fname(f, at->name_en, at->name_es);
		fputs(",\"relationship\":{\"observation\":{}},", f);
		if (at->kind == AK_NUMBER)
			fputs("\"format\":{\"dataType\":\"Double\"},", f);
		fputs("\"values\":[", f);
		for (size_t v = 0; v < av[a].n; v++) {
			const char *x = av[a].v[v];
			if (v)
				fputc(',', f);
			if (at == &a_obs) {
				fputs("{\"id\":", f);
				rel_fjson_str(f, x);
				fname(f, obs_codes[v][1], obs_codes[v][2]);
				fputc('}', f);
			} else if (at == &a_unit) {
				fputs("{\"id\":", f);
				rel_fjson_str(f, x);
				fname(f, "Percent", "Porcentaje");
				fputc('}', f);
			} else {
				/* numbers as text, as the tables' (rel_write_sdmx_json) */
				fputs("{\"value\":", f);
				rel_fjson_str(f, x);
				fputc('}', f);
			}
		}
		fputs("]}", f);
	}
	fputs("]}}],\n\"dataSets\":[{\"structure\":0,\"action\":\"Replace\",\"links\":", f);
	link_structure(r, f, SVY_FLOW);
	fputs(",\"observations\":{", f);
	for (size_t k = 0; k < r->nsvy; k++) {
		const struct rsvy *x = &r->svy[k];
		const char *v = svy_num(x->est, false, buf, sizeof(buf));

		fputs(k ? ",\n\"" : "\n\"", f);
		for (size_t j = 0; j < SVY_NDIMS; j++) {
			const char *d = svy_dim(x, j);
			fprintf(f, "%s%zu", j ? ":" : "",
			        (size_t)(uintptr_t)ob_strmap_get(&dv[j].idx, d, strlen(d)) - 1);
		}
		fprintf(f, "\":[%s", v ? v : "null");
		for (size_t a = 0; a < NA; a++) {
			const char *y = svy_attr(x, svy_attrs[a], buf, sizeof(buf));
			if (y)
				fprintf(f, ",%zu",
				        (size_t)(uintptr_t)ob_strmap_get(&av[a].idx, y, strlen(y)) - 1);
			else
				fputs(",null", f);
		}
		fputc(']', f);
	}
	fputs("}}]}}\n", f);
	e = rel_close_out(r, f, name);
release:
	for (size_t i = 0; i < SVY_NDIMS; i++)
		values_release(&dv[i]);
	for (size_t a = 0; a < NA; a++)
		values_release(&av[a]);
	return e;
}

ob_err rel_write_sdmx_survey(struct rel *r)
{
	struct ob_svy_catalog cat;
	ob_err e;

	if (!r->nsvy)
		return OB_OK; /* no survey in the release's years: no dataflow's data */
	if ((e = ob_svy_catalog_load(r->dir, &cat, r->d)))
		return e;
	if (!(e = svy_csv(r)))
		e = svy_json(r, &cat);
	ob_svy_catalog_release(&cat);
	return e;
}

/* ---- SDMX-JSON structure message ---- */

static void bname(struct ob_buf *b, const char *en, const char *es)
{
	ob_buf_puts(b, ",\"name\":");
	ob_json_str(b, en, strlen(en));
	ob_buf_puts(b, ",\"names\":{\"en\":");
	ob_json_str(b, en, strlen(en));
	ob_buf_puts(b, ",\"es\":");
	ob_json_str(b, es, strlen(es));
	ob_buf_putc(b, '}');
}

/* {"id":..,"version":"1.0","agencyID":..,"name":..,"names":.. */
static void maintainable(struct ob_buf *b, const char *id, const char *en, const char *es)
{
	ob_buf_puts(b, "{\"id\":");
	ob_json_str(b, id, strlen(id));
	ob_buf_puts(b, ",\"version\":\"1.0\",\"agencyID\":\"" REL_SDMX_AGENCY "\"");
	bname(b, en, es);
}

static void code(struct ob_buf *b, bool *first, const char *id, const char *en, const char *es,
                 const char *parent)
{
	ob_buf_puts(b, *first ? "\n{\"id\":" : ",\n{\"id\":");
	*first = false;
	ob_json_str(b, id, strlen(id));
	bname(b, en && *en ? en : id, es && *es ? es : (en && *en ? en : id));
	if (parent && *parent) {
		ob_buf_puts(b, ",\"parent\":");
		ob_json_str(b, parent, strlen(parent));
	}
	ob_buf_putc(b, '}');
}

struct iccs_codes {
	struct ob_buf *b;
	bool first;
};

static void iccs_code(void *arg, const char *c, int level, const char *parent,
                      const char *name_es, const char *name_en)
{
	struct iccs_codes *x = arg;

	(void)level;
	code(x->b, &x->first, c, name_en, name_es, parent);
}

/* A code list of the values a dimension takes in the tables. */
static void table_codes(struct rel *r, struct ob_buf *b, const char *dim)
{
	struct ob_strmap seen;
	bool first = true;

	ob_strmap_init(&seen);
	for (size_t t = 0; t < NTABLES; t++) {
		size_t i = dim_index(&r->t[t], dim);
		if (i == SIZE_MAX)
			continue;
		for (size_t k = 0; k < r->t[t].n; k++) {
			const char *v = r->t[t].rows[k].dim[i];
			if (ob_strmap_get(&seen, v, strlen(v)))
				continue;
			ob_strmap_put(&seen, v, strlen(v), (void *)1, NULL);
			code(b, &first, v, v, v, NULL);
		}
	}
	ob_strmap_release(&seen);
}


ob_err rel_write_sdmx_structure(struct rel *r)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_RELEASE_MEM_FILE);
	const struct ob_snapshot *s = r->snap;
	const struct sattr *const all[] = { &a_obs,   &a_conf,  &a_unit, &a_count, &a_den, &a_lo,
		                            &a_hi,    &a_flags, &a_rule, &a_sup,   &a_ci_lo,
		                            &a_ci_hi, &a_se,    &a_cv,   &a_resp,  &a_level,
		                            &a_method };
	struct ob_svy_catalog cat;
	char when[32], up[64];
	bool first;
	ob_err e;

	if ((e = ob_svy_catalog_load(r->dir, &cat, r->d)))
		return e;

	ob_audit_time(r->o->now, when);
	ob_buf_putf(&b, "{\"meta\":{\"schema\":\"" SDMX_STRUCTURE_SCHEMA "\",\"id\":"
	                "\"OBSERVA-%s-STRUCTURE\",\"prepared\":\"%s\",\"test\":false,"
	                "\"contentLanguages\":[\"en\",\"es\"],\"sender\":{\"id\":\"" REL_SDMX_AGENCY
	                "\",\"name\":", r->res->version, when);
	ob_json_str(&b, r->pub.publisher, strlen(r->pub.publisher));
	ob_buf_puts(&b, "}},\n\"data\":{\"conceptSchemes\":[");
	maintainable(&b, "CS_OBSERVA", "Concepts of the observatory's releases",
	             "Conceptos de las publicaciones del observatorio");
	ob_buf_puts(&b, ",\"isPartial\":false,\"concepts\":[");
	first = true;
	for (size_t i = 0; i < OB_ARRAY_SIZE(dim_names); i++)
		code(&b, &first, dim_names[i][0], dim_names[i][1], dim_names[i][2], NULL);
	for (size_t a = 0; a < OB_ARRAY_SIZE(all); a++)
		code(&b, &first, all[a]->id, all[a]->name_en, all[a]->name_es, NULL);
	ob_buf_puts(&b, "]}],\n\"codelists\":[");
	/* indicators */
	maintainable(&b, "CL_INDICATOR", "Indicators", "Indicadores");
	ob_buf_puts(&b, ",\"codes\":[");
	first = true;
	for (size_t k = 0; k < r->set->n; k++)
		code(&b, &first, r->set->v[k].id, r->set->v[k].name_en, r->set->v[k].name_es, NULL);
	ob_buf_puts(&b, "]},\n");
	/* countries and territories, with their parents */
	maintainable(&b, "CL_COUNTRY", "Countries (ISO 3166-1 alpha-3)",
	             "Países (ISO 3166-1 alfa-3)");
	ob_buf_puts(&b, ",\"codes\":[");
	first = true;
	for (uint32_t u = 0; u < s->n_units; u++)
		if (s->units[u].level == 0)
			code(&b, &first, ob_snap_str(s, s->units[u].code), ob_snap_str(s, s->units[u].name),
			     NULL, NULL);
	ob_buf_puts(&b, "]},\n");
	maintainable(&b, "CL_TERRITORY", "Territorial units", "Unidades territoriales");
	ob_buf_puts(&b, ",\"codes\":[");
	{
		struct ob_strmap seen;
		ob_strmap_init(&seen);
		first = true;
		for (uint32_t u = 0; u < s->n_units; u++) {
			const char *c = ob_snap_str(s, s->units[u].code);
			int32_t p = s->units[u].parent;
			/* a unit that changed keeps one code */
			if (ob_strmap_get(&seen, c, strlen(c)))
				continue;
			ob_strmap_put(&seen, c, strlen(c), (void *)1, NULL);
			code(&b, &first, c, ob_snap_str(s, s->units[u].name), NULL,
			     p >= 0 ? ob_snap_str(s, s->units[p].code) : NULL);
		}
		ob_strmap_release(&seen);
	}
	ob_buf_puts(&b, "]},\n");
	maintainable(&b, "CL_LEVEL", "Territorial levels", "Niveles territoriales");
	ob_buf_puts(&b, ",\"codes\":[");
	first = true;
	for (const char *l = "0\0" "1\0" "2\0"; *l; l += 2)
		code(&b, &first, l, rel_level_label(l, true), rel_level_label(l, false), NULL);
	ob_buf_puts(&b, "]},\n");
	maintainable(&b, "CL_SEX", "Sex", "Sexo");
	ob_buf_puts(&b, ",\"codes\":[");
	first = true;
	for (const char *x = "T\0" "F\0" "M\0" "U\0"; *x; x += 2)
		code(&b, &first, x, rel_sex_label(x, true), rel_sex_label(x, false), NULL);
	ob_buf_puts(&b, "]},\n");
	maintainable(&b, "CL_ICCS", "International Classification of Crime for Statistical "
	             "Purposes (ICCS)", "Clasificación Internacional de Delitos con Fines "
	             "Estadísticos (ICCS)");
	ob_buf_puts(&b, ",\"codes\":[");
	{
		struct iccs_codes x = { &b, true };
		if ((e = rel_each_iccs(r, iccs_code, &x)))
			goto release;
	}
	ob_buf_puts(&b, "]},\n");
	maintainable(&b, "CL_COUNT_OF", "Series counted", "Series contadas");
	ob_buf_puts(&b, ",\"codes\":[");
	table_codes(r, &b, "count_of");
	ob_buf_puts(&b, "]},\n");
	maintainable(&b, "CL_SOURCE", "Sources", "Fuentes");
	ob_buf_puts(&b, ",\"codes\":[");
	table_codes(r, &b, "source");
	ob_buf_puts(&b, "]},\n");
	maintainable(&b, "CL_INSTITUTION", "Institutions", "Instituciones");
	ob_buf_puts(&b, ",\"codes\":[");
	table_codes(r, &b, "institution");
	ob_buf_puts(&b, "]},\n");
	maintainable(&b, "CL_UNIT_MEASURE", "Units of measure", "Unidades de medida");
	ob_buf_puts(&b, ",\"codes\":[");
	first = true;
	code(&b, &first, "PER_100000", "Per 100,000 of the denominator population",
	     "Por 100 000 habitantes de la población del denominador", NULL);
	code(&b, &first, "PERCENT", "Percent", "Porcentaje", NULL);
	ob_buf_puts(&b, "]},\n");
	/* the survey indicators' dimensions */
	maintainable(&b, "CL_SURVEY_INDICATOR", "Survey indicators", "Indicadores de encuesta");
	ob_buf_puts(&b, ",\"codes\":[");
	first = true;
	for (size_t k = 0; k < cat.n; k++)
		code(&b, &first, cat.ind[k].id, cat.ind[k].name_en, cat.ind[k].name_es, NULL);
	ob_buf_puts(&b, "]},\n");
	maintainable(&b, "CL_SURVEY", "Surveys (their profiles' codes)",
	             "Encuestas (los códigos de sus perfiles)");
	ob_buf_puts(&b, ",\"codes\":[");
	{
		struct ob_strmap seen;
		ob_strmap_init(&seen);
		first = true;
		for (size_t k = 0; k < r->nsvy; k++) {
			const char *v = r->svy[k].survey;
			if (ob_strmap_get(&seen, v, strlen(v)))
				continue;
			ob_strmap_put(&seen, v, strlen(v), (void *)1, NULL);
			code(&b, &first, v, v, v, NULL);
		}
		ob_strmap_release(&seen);
	}
	ob_buf_puts(&b, "]}],\n\"dataStructures\":[");
	for (size_t t = 0; t < NTABLES; t++) {
		const struct rtable *x = &r->t[t];
		const struct sattr *const *at;
		size_t na, ord[MAX_DIMS], nd = sdmx_order(x, ord), pos = 0;
		char id[80];

		at = table_attrs(x, &na);
		upper(x->id, up, sizeof(up));
		snprintf(id, sizeof(id), "DSD_%s", up);
		if (t)
			ob_buf_puts(&b, ",\n");
		maintainable(&b, id, x->title_en, x->title_es);
		ob_buf_puts(&b, ",\"dataStructureComponents\":{\"dimensionList\":{\"id\":"
		                "\"DimensionDescriptor\",\"dimensions\":[");
		for (size_t j = 0; j < nd; j++) {
			const char *d = rel_sdmx_dim_id(x->dims[ord[j]]);
			if (!strcmp(d, "TIME_PERIOD"))
				continue;
			ob_buf_putf(&b, "%s{\"id\":\"%s\",\"position\":%zu,\"conceptIdentity\":\""
			                CONCEPT_URN "%s\",\"localRepresentation\":{\"enumeration\":\""
			                CODELIST_URN REL_SDMX_AGENCY ":CL_%s(1.0)\"}}",
			            pos ? "," : "", d, pos, d, d);
			pos++;
		}
		ob_buf_puts(&b, "],\"timeDimension\":{\"id\":\"TIME_PERIOD\",\"conceptIdentity\":\""
		                CONCEPT_URN "TIME_PERIOD\",\"localRepresentation\":{\"format\":"
		                "{\"dataType\":\"ObservationalTimePeriod\"}}}},"
		                "\"measureList\":{\"id\":\"MeasureDescriptor\",\"measures\":[{\"id\":"
		                "\"OBS_VALUE\",\"usage\":\"optional\",\"conceptIdentity\":\""
		                CONCEPT_URN "OBS_VALUE\",\"localRepresentation\":{\"format\":"
		                "{\"dataType\":\"Double\"}}}]},"
		                "\"attributeList\":{\"id\":\"AttributeDescriptor\",\"attributes\":[");
		for (size_t a = 0; a < na; a++) {
			ob_buf_putf(&b, "%s{\"id\":\"%s\",\"usage\":\"optional\",\"attributeRelationship\":"
			                "{\"observation\":{}},\"conceptIdentity\":\"" CONCEPT_URN "%s\","
			                "\"localRepresentation\":",
			            a ? "," : "", at[a]->id, at[a]->id);
			if (at[a]->kind == AK_CODED)
				ob_buf_putf(&b, "{\"enumeration\":\"%s\"}}", at[a]->codelist);
			else
				ob_buf_putf(&b, "{\"format\":{\"dataType\":\"%s\"}}}",
				            at[a]->kind == AK_NUMBER ? "Double" : "String");
		}
		ob_buf_puts(&b, "]}}}");
	}
	/* the survey indicators' */
	ob_buf_puts(&b, ",\n");
	maintainable(&b, "DSD_" SVY_FLOW, "Survey indicators: design-based estimates with their "
	             "intervals", "Indicadores de encuesta: estimaciones según el diseño con sus "
	             "intervalos");
	ob_buf_puts(&b, ",\"dataStructureComponents\":{\"dimensionList\":{\"id\":"
	                "\"DimensionDescriptor\",\"dimensions\":[");
	{
		static const char *const enums[SVY_NDIMS - 1] = { "CL_SURVEY_INDICATOR", "CL_TERRITORY",
			                                          "CL_SEX", "CL_SURVEY" };
		for (size_t j = 0; j + 1 < SVY_NDIMS; j++)
			ob_buf_putf(&b, "%s{\"id\":\"%s\",\"position\":%zu,\"conceptIdentity\":\""
			                CONCEPT_URN "%s\",\"localRepresentation\":{\"enumeration\":\""
			                CODELIST_URN REL_SDMX_AGENCY ":%s(1.0)\"}}",
			            j ? "," : "", svy_dims[j], j, svy_dims[j], enums[j]);
	}
	ob_buf_puts(&b, "],\"timeDimension\":{\"id\":\"TIME_PERIOD\",\"conceptIdentity\":\""
	                CONCEPT_URN "TIME_PERIOD\",\"localRepresentation\":{\"format\":"
	                "{\"dataType\":\"ObservationalTimePeriod\"}}}},"
	                "\"measureList\":{\"id\":\"MeasureDescriptor\",\"measures\":[{\"id\":"
	                "\"OBS_VALUE\",\"usage\":\"optional\",\"conceptIdentity\":\""
	                CONCEPT_URN "OBS_VALUE\",\"localRepresentation\":{\"format\":"
	                "{\"dataType\":\"Double\"}}}]},"
	                "\"attributeList\":{\"id\":\"AttributeDescriptor\",\"attributes\":[");
	for (size_t a = 0; a < OB_ARRAY_SIZE(svy_attrs); a++) {
		const struct sattr *at = svy_attrs[a];
		ob_buf_putf(&b, "%s{\"id\":\"%s\",\"usage\":\"optional\",\"attributeRelationship\":"
		                "{\"observation\":{}},\"conceptIdentity\":\"" CONCEPT_URN "%s\","
		                "\"localRepresentation\":", a ? "," : "", at->id, at->id);
		if (at->kind == AK_CODED)
			ob_buf_putf(&b, "{\"enumeration\":\"%s\"}}", at->codelist);
		else
			ob_buf_putf(&b, "{\"format\":{\"dataType\":\"%s\"}}}",
			            at->kind == AK_NUMBER ? "Double" : "String");
	}
	ob_buf_puts(&b, "]}}}");
	ob_buf_puts(&b, "],\n\"dataflows\":[");
	for (size_t t = 0; t < NTABLES; t++) {
		char id[80];
		upper(r->t[t].id, up, sizeof(up));
		snprintf(id, sizeof(id), "DF_%s", up);
		if (t)
			ob_buf_puts(&b, ",\n");
		maintainable(&b, id, r->t[t].title_en, r->t[t].title_es);
		ob_buf_putf(&b, ",\"structure\":\"" URN "datastructure.DataStructure=" REL_SDMX_AGENCY
		                ":DSD_%s(1.0)\"}", up);
	}
	ob_buf_puts(&b, ",\n");
	maintainable(&b, "DF_" SVY_FLOW, "Survey indicators: design-based estimates with their "
	             "intervals", "Indicadores de encuesta: estimaciones según el diseño con sus "
	             "intervalos");
	ob_buf_puts(&b, ",\"structure\":\"" URN "datastructure.DataStructure=" REL_SDMX_AGENCY
	                ":DSD_" SVY_FLOW "(1.0)\"}");
	ob_buf_puts(&b, "]}}\n");
	e = rel_write_buf(r, REL_SDMX_STRUCTURE_FILE, &b);
release:
	ob_buf_release(&b);
	ob_svy_catalog_release(&cat);
	return e;
}
