/* release_metadata.c - what a release says about its own content: who publishes
 * it, where and under which licence (catalog/publication.ini), metadata.json
 * (indicators, code lists, licence) and one CSVW description per CSV table
 * (<table>.csv-metadata.json). See release.h. */
#include "publish/release_impl.h"

#include "base/file.h"
#include "io/ini.h"
#include "store/catalog.h"

/* ---- catalog/publication.ini ---- */

struct licence_known {
	const char *id, *iri, *name;
};

static const struct licence_known licences[] = {
	{ "CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/",
	  "Creative Commons Attribution 4.0 International" },
	{ "CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/",
	  "Creative Commons Attribution-ShareAlike 4.0 International" },
	{ "CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/",
	  "Creative Commons Zero 1.0 Universal" },
	{ "ODbL-1.0", "https://opendatacommons.org/licenses/odbl/1-0/",
	  "Open Data Commons Open Database License 1.0" },
};

/* An absolute http(s) IRI without characters that would need escaping in
 * JSON-LD, CSV or a URL. */
static bool iri_ok(const char *s)
{
	if (strncmp(s, "http://", 7) && strncmp(s, "https://", 8))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || strchr("\"<>\\^`{|}", *s))
			return false;
	return true;
}

/* err: OB_EINVAL for the file, OB_EUSAGE for --base-url. */
static ob_err set_base_url(struct rel_pub *p, const char *v, const char *file, long line,
                           ob_err err, struct ob_diag *d)
{
	size_t n = strlen(v);

	if (!n || !iri_ok(v) || n + 2 > sizeof(p->base_url))
		return OB_DIAG(d, err, file, line, 0, v, n,
		               "base_url debe ser una URL http:// o https:// absoluta, sin "
		               "espacios, de menos de %d bytes",
		               "base_url must be an absolute http:// or https:// URL, without "
		               "blanks, under %d bytes", OB_MAX_PUB_SETTING);
	snprintf(p->base_url, sizeof(p->base_url), "%s%s", v, v[n - 1] == '/' ? "" : "/");
	return OB_OK;
}

struct pub_parse {
	struct rel_pub *p;
	const char *file;
	struct ob_diag *d;
	bool in_section;
};

static ob_err pub_item(void *ctx, const struct ob_ini_item *it)
{
	struct pub_parse *pp = ctx;
	struct rel_pub *p = pp->p;
	static const struct {
		const char *key;
		size_t off;
		bool iri;
	} keys[] = {
		{ "homepage", offsetof(struct rel_pub, homepage), true },
		{ "publisher", offsetof(struct rel_pub, publisher), false },
		{ "publisher_url", offsetof(struct rel_pub, publisher_url), true },
		{ "contact_email", offsetof(struct rel_pub, contact_email), false },
		{ "licence_name", offsetof(struct rel_pub, licence_name), false },
	};

	if (!it->key) {
		if (strcmp(it->section, "publication"))
			return OB_DIAG(pp->d, OB_EINVAL, pp->file, it->line, it->key_column,
			               it->section, strlen(it->section),
			               "sección desconocida; se esperaba publication",
			               "unknown section; expected publication");
		pp->in_section = true;
		return OB_OK;
	}
	if (it->value_len + 1 > OB_MAX_PUB_SETTING)
		return OB_DIAG(pp->d, OB_ETOOBIG, pp->file, it->line, (long)it->value_column,
		               NULL, 0, "valor de más de %d bytes", "value over %d bytes",
		               OB_MAX_PUB_SETTING - 1);
	if (!strcmp(it->key, "base_url"))
		return set_base_url(p, it->value, pp->file, it->line, OB_EINVAL, pp->d);
	if (!strcmp(it->key, "licence") || !strcmp(it->key, "license")) {
		for (size_t i = 0; i < OB_ARRAY_SIZE(licences); i++)
			if (!strcmp(it->value, licences[i].id)) {
				ob_strlcpy(p->licence, licences[i].iri, sizeof(p->licence));
				ob_strlcpy(p->licence_name, licences[i].name, sizeof(p->licence_name));
				return OB_OK;
			}
		if (!iri_ok(it->value))
			return OB_DIAG(pp->d, OB_EINVAL, pp->file, it->line, (long)it->value_column,
			               it->value, it->value_len,
			               "licence: se esperaba CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0, "
			               "ODbL-1.0 o la URL de la licencia",
			               "licence: expected CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0, "
			               "ODbL-1.0 or the licence's URL");
		ob_strlcpy(p->licence, it->value, sizeof(p->licence));
		ob_strlcpy(p->licence_name, it->value, sizeof(p->licence_name));
		return OB_OK;
	}
	for (size_t i = 0; i < OB_ARRAY_SIZE(keys); i++) {
		char *dst = (char *)p + keys[i].off;
		if (strcmp(it->key, keys[i].key))
			continue;
		if (keys[i].iri && !iri_ok(it->value))
			return OB_DIAG(pp->d, OB_EINVAL, pp->file, it->line, (long)it->value_column,
			               it->value, it->value_len,
			               "se esperaba una URL http:// o https:// absoluta",
			               "expected an absolute http:// or https:// URL");
		ob_strlcpy(dst, it->value, OB_MAX_PUB_SETTING);
		return OB_OK;
	}
	return OB_DIAG(pp->d, OB_EINVAL, pp->file, it->line, it->key_column, it->key, it->key_len,
	               "clave desconocida en [publication]; se esperaba base_url, homepage, "
	               "publisher, publisher_url, contact_email, licence o licence_name",
	               "unknown key in [publication]; expected base_url, homepage, publisher, "
	               "publisher_url, contact_email, licence or licence_name");
}

ob_err rel_pub_load(struct rel *r)
{
	struct rel_pub *p = &r->pub;
	char path[OB_MAX_PATH];
	struct pub_parse pp = { p, path, r->d, false };
	char *text = NULL;
	size_t len, n;
	ob_err e;

	memset(p, 0, sizeof(*p));
	ob_strlcpy(p->base_url, "http://127.0.0.1:8080/api/v1/releases/", sizeof(p->base_url));
	ob_strlcpy(p->publisher, OB_REL_PUBLISHER_UNSET, sizeof(p->publisher));
	ob_strlcpy(p->licence, licences[0].iri, sizeof(p->licence));
	ob_strlcpy(p->licence_name, licences[0].name, sizeof(p->licence_name));
	if (snprintf(path, sizeof(path), "%s/catalog/%s", r->dir, REL_PUB_FILE) >= (int)sizeof(path))
		return OB_DIAG(r->d, OB_ETOOBIG, r->dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	e = ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &len, r->d);
	if (e && e != OB_ENOENT)
		return e;
	if (!e) {
		e = ob_ini_parse(text, len, path, 0, pub_item, &pp, r->d);
		free(text);
		if (e)
			return e;
	}
	if (r->o->base_url && (e = set_base_url(p, r->o->base_url, "--base-url", 0, OB_EUSAGE,
	                                            r->d)))
		return e;
	/* the homepage: the server's root when the base is its releases route */
	if (!p->homepage[0]) {
		static const char route[] = "api/v1/releases/";
		ob_strlcpy(p->homepage, p->base_url, sizeof(p->homepage));
		n = strlen(p->homepage);
		if (n > sizeof(route) - 1 && !strcmp(p->homepage + n - (sizeof(route) - 1), route))
			p->homepage[n - (sizeof(route) - 1)] = '\0';
	}
	if (!p->publisher_url[0])
		ob_strlcpy(p->publisher_url, p->homepage, sizeof(p->publisher_url));
	return OB_OK;
}

/* ---- fixed code lists ---- */

static const char *const sex_labels[][3] = {
	{ "T", "Total", "Total" },
	{ "F", "Mujeres", "Female" },
	{ "M", "Hombres", "Male" },
	{ "U", "Sexo no registrado", "Sex not recorded" },
};
static const char *const level_labels[][3] = {
	{ "0", "País", "Country" },
	{ "1", "Primer nivel administrativo (departamento, provincia)",
	  "First administrative level (department, province)" },
	{ "2", "Segundo nivel administrativo (municipio, distrito)",
	  "Second administrative level (municipality, district)" },
};
static const char *const flag_labels[OB_IND_FLAG_COUNT][2] = {
	{ "conteo menor que el umbral de fiabilidad: intervalo amplio",
	  "count below the reliability threshold: wide interval" },
	{ "denominador estimado (población no oficial)", "estimated denominator (population not official)" },
	{ "sin denominador: hay conteo pero no valor", "no denominator: a count but no value" },
	{ "algún mes del periodo sin entrega", "some month of the period had no delivery" },
	{ "periodo de menos de un año, sin anualizar", "period shorter than a year, not annualised" },
	{ "sin datos: ninguna fuente que lo registre entregó el periodo",
	  "no data: no source that records it delivered the period" },
	{ "población repartida a partes iguales desde la unidad superior",
	  "population split equally from the parent unit" },
	{ "la unidad no pertenece a la división territorial del año",
	  "the unit is not in the year's territorial division" },
	{ "registros en unidades de una división posterior que no se pueden repartir",
	  "records in units of a later division that cannot be split" },
	{ "parte del conteo tiene una franja de edad, no una edad exacta",
	  "part of the count has an age band, not an exact age" },
};
static const char *const status_labels[][3] = {
	{ OB_SDC_FLAG, "suprimido por control de divulgación: sin conteo ni valor",
	  "suppressed by disclosure control: no count and no value" },
	{ NO_DATA_FLAG, "sin datos: nada entregado lo registra (nunca 0)",
	  "no data: nothing delivered records it (never 0)" },
};

static const char *label_of(const char *const (*tab)[3], size_t n, const char *code, bool en)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(tab[i][0], code))
			return tab[i][en ? 2 : 1];
	return "";
}

const char *rel_sex_label(const char *code, bool en)
{
	return label_of(sex_labels, OB_ARRAY_SIZE(sex_labels), code, en);
}

const char *rel_level_label(const char *code, bool en)
{
	return label_of(level_labels, OB_ARRAY_SIZE(level_labels), code, en);
}

struct iccs_each {
	rel_iccs_fn fn;
	void *arg;
};

static int iccs_one(void *arg, const struct ob_store_iccs *c)
{
	struct iccs_each *x = arg;

	x->fn(x->arg, c->code, c->level, c->parent, c->name_es, c->name_en);
	return 0;
}

ob_err rel_each_iccs(struct rel *r, rel_iccs_fn fn, void *arg)
{
	struct iccs_each x = { fn, arg };

	if (ob_store_iccs_each(r->st, iccs_one, &x, r->d) < 0)
		return OB_DIAG(r->d, OB_EIO, "iccs", 0, 0, NULL, 0,
		               "no se pudo leer la ICCS del almacén",
		               "cannot read the ICCS from the store");
	return OB_OK;
}

/* ---- metadata.json ---- */

static void kv(struct ob_buf *b, const char *k, const char *v, bool comma)
{
	if (comma)
		ob_buf_putc(b, ',');
	rel_jkv(b, k, v);
}

static void labels3(struct ob_buf *b, const char *const (*tab)[3], size_t n)
{
	ob_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		ob_buf_puts(b, i ? ",\n{" : "\n{");
		kv(b, "code", tab[i][0], false);
		kv(b, "label_es", tab[i][1], true);
		kv(b, "label_en", tab[i][2], true);
		ob_buf_putc(b, '}');
	}
	ob_buf_putc(b, ']');
}

struct iccs_list {
	struct ob_buf *b;
	bool first;
};

static void iccs_entry(void *arg, const char *code, int level, const char *parent,
                       const char *name_es, const char *name_en)
{
	struct iccs_list *l = arg;
	struct ob_buf *b = l->b;

	ob_buf_puts(b, l->first ? "\n{" : ",\n{");
	l->first = false;
	kv(b, "code", code, false);
	ob_buf_putf(b, ",\"level\":%d", level);
	ob_buf_puts(b, ",\"parent\":");
	if (*parent)
		ob_json_str(b, parent, strlen(parent));
	else
		ob_buf_puts(b, "null");
	kv(b, "label_es", name_es, true);
	kv(b, "label_en", name_en, true);
	ob_buf_putc(b, '}');
}

/* The CSVW datatype of a column of the CSV files: codes stay text. */
static const char *col_datatype(const char *col)
{
	static const char *const map[][2] = {
		{ "year", "gYear" },          { "month", "gYearMonth" },   { "count", "integer" },
		{ "denominator", "number" },  { "value", "number" },       { "lower", "number" },
		{ "upper", "number" },        { "delivered", "integer" },  { "superseded", "integer" },
	};

	for (size_t i = 0; i < OB_ARRAY_SIZE(map); i++)
		if (!strcmp(col, map[i][0]))
			return map[i][1];
	return "string";
}

static const char *col_title(const char *col, bool en)
{
	static const char *const map[][3] = {
		{ "indicator", "indicador (ver indicators)", "indicator (see indicators)" },
		{ "country", "país (ISO 3166-1 alfa-3)", "country (ISO 3166-1 alpha-3)" },
		{ "territory", "código del territorio (ver code_lists.territories)",
		  "territory code (see code_lists.territories)" },
		{ "territory_name", "nombre del territorio", "territory name" },
		{ "level", "nivel (ver code_lists.level)", "level (see code_lists.level)" },
		{ "year", "año", "year" },
		{ "month", "mes", "month" },
		{ "sex", "sexo (ver code_lists.sex)", "sex (see code_lists.sex)" },
		{ "iccs", "código ICCS (ver code_lists.iccs)", "ICCS code (see code_lists.iccs)" },
		{ "count_of", "serie contada", "series counted" },
		{ "counting_rule", "regla de conteo", "counting rule" },
		{ "count", "conteo (víctimas)", "count (victims)" },
		{ "denominator", "denominador", "denominator" },
		{ "value", "valor en la unidad del indicador (ver indicators.unit)",
		  "value in the indicator's unit (see indicators.unit)" },
		{ "lower", "límite inferior del intervalo al 95 %", "lower bound of the 95% interval" },
		{ "upper", "límite superior del intervalo al 95 %", "upper bound of the 95% interval" },
		{ "flags", "marcas separadas por | (ver code_lists.flags)",
		  "flags separated by | (see code_lists.flags)" },
		{ "status", "estado (ver code_lists.status)", "status (see code_lists.status)" },
		{ "source", "fuente", "source" },
		{ "institution", "institución", "institution" },
		{ "delivered", "entregado (1) o no (0)", "delivered (1) or not (0)" },
		{ "superseded", "entregas reemplazadas", "superseded deliveries" },
	};

	for (size_t i = 0; i < OB_ARRAY_SIZE(map); i++)
		if (!strcmp(col, map[i][0]))
			return map[i][en ? 2 : 1];
	return col;
}

static void licence_obj(struct rel *r, struct ob_buf *b)
{
	ob_buf_puts(b, "{");
	kv(b, "url", r->pub.licence, false);
	kv(b, "name", r->pub.licence_name, true);
	ob_buf_puts(b, "}");
}

static void publisher_obj(struct rel *r, struct ob_buf *b)
{
	ob_buf_puts(b, "{");
	kv(b, "name", r->pub.publisher, false);
	kv(b, "url", r->pub.publisher_url, true);
	ob_buf_puts(b, ",\"contact_email\":");
	if (r->pub.contact_email[0])
		ob_json_str(b, r->pub.contact_email, strlen(r->pub.contact_email));
	else
		ob_buf_puts(b, "null");
	ob_buf_puts(b, "}");
}

/* <table>.csv-metadata.json: the CSV's columns and datatypes (CSVW). */
static ob_err write_csvw(struct rel *r, const struct rtable *t)
{
	struct ob_buf b = OB_BUF_INIT(1 << 20);
	char name[128], url[128];
	bool first = true;
	ob_err e;

	snprintf(url, sizeof(url), "%s.csv", t->id);
	snprintf(name, sizeof(name), "%s.csv-metadata.json", t->id);
	ob_buf_puts(&b, "{\"@context\":[\"http://www.w3.org/ns/csvw\",{\"@language\":\"en\"}],");
	kv(&b, "url", url, false);
	ob_buf_puts(&b, ",\"dc:title\":[{\"@value\":");
	ob_json_str(&b, t->title_en, strlen(t->title_en));
	ob_buf_puts(&b, ",\"@language\":\"en\"},{\"@value\":");
	ob_json_str(&b, t->title_es, strlen(t->title_es));
	ob_buf_puts(&b, ",\"@language\":\"es\"}],\"dc:license\":{\"@id\":");
	ob_json_str(&b, r->pub.licence, strlen(r->pub.licence));
	ob_buf_puts(&b, "},\"dc:publisher\":");
	ob_json_str(&b, r->pub.publisher, strlen(r->pub.publisher));
	ob_buf_puts(&b, ",\"dialect\":{\"encoding\":\"utf-8\",\"header\":true,\"delimiter\":\",\"},"
	                "\"tableSchema\":{\"columns\":[");
	for (size_t i = 0; i < rel_ncols(t); i++) {
		const char *c = rel_col_name(t, i), *dt = col_datatype(c);
		ob_buf_puts(&b, i ? ",\n{" : "\n{");
		kv(&b, "name", c, false);
		ob_buf_puts(&b, ",\"titles\":");
		ob_json_str(&b, c, strlen(c));
		ob_buf_puts(&b, ",\"dc:description\":[{\"@value\":");
		ob_json_str(&b, col_title(c, true), strlen(col_title(c, true)));
		ob_buf_puts(&b, ",\"@language\":\"en\"},{\"@value\":");
		ob_json_str(&b, col_title(c, false), strlen(col_title(c, false)));
		ob_buf_puts(&b, ",\"@language\":\"es\"}]");
		kv(&b, "datatype", dt, true);
		if (!strcmp(c, "flags"))
			ob_buf_puts(&b, ",\"separator\":\"|\"");
		ob_buf_puts(&b, ",\"required\":");
		ob_buf_puts(&b, i < t->ndims ? "true}" : "false}");
	}
	ob_buf_puts(&b, "],\"primaryKey\":[");
	for (size_t i = 0; i < t->ndims; i++)
		if (strcmp(t->dims[i], "territory_name") && strcmp(t->dims[i], "counting_rule")) {
			ob_buf_puts(&b, first ? "" : ",");
			first = false;
			ob_json_str(&b, t->dims[i], strlen(t->dims[i]));
		}
	ob_buf_puts(&b, "]}}\n");
	e = rel_write_buf(r, name, &b);
	ob_buf_release(&b);
	return e;
}

/* The interval method of an indicator, from its denominator. */
static const char *interval_method(const struct ob_indicator *ind, bool en)
{
	if (ind->denom == OB_DEN_INDICATOR)
		return en ? "exact binomial (Clopper-Pearson 1934), 95%"
		          : "binomial exacto (Clopper-Pearson 1934), 95 %";
	return en ? "exact Poisson (Garwood 1936), 95%" : "Poisson exacto (Garwood 1936), 95 %";
}

ob_err rel_write_metadata(struct rel *r)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_RELEASE_MEM_FILE);
	const struct ob_snapshot *s = r->snap;
	const struct rtable *ind = &r->t[0];
	size_t rule_col = SIZE_MAX, ctry_col = SIZE_MAX, lev_col = SIZE_MAX, sex_col = SIZE_MAX,
	       year_col = SIZE_MAX;
	char when[32];
	ob_err e;

	for (size_t t = 0; t < NTABLES; t++)
		if ((e = write_csvw(r, &r->t[t])))
			return e;
	for (size_t i = 0; i < ind->ndims; i++) {
		if (!strcmp(ind->dims[i], "counting_rule"))
			rule_col = i;
		if (!strcmp(ind->dims[i], "country"))
			ctry_col = i;
		if (!strcmp(ind->dims[i], "level"))
			lev_col = i;
		if (!strcmp(ind->dims[i], "sex"))
			sex_col = i;
		if (!strcmp(ind->dims[i], "year"))
			year_col = i;
	}
	ob_audit_time(r->o->now, when);
	ob_buf_puts(&b, "{");
	kv(&b, "release", r->res->version, false);
	kv(&b, "created", when, true);
	ob_buf_puts(&b, ",\"years\":[");
	for (size_t p = 0; p < r->n_periods; p++)
		ob_buf_putf(&b, "%s%s", p ? "," : "", r->yearstr[p]);
	ob_buf_puts(&b, "]");
	kv(&b, "base_url", r->pub.base_url, true);
	ob_buf_puts(&b, ",\"licence\":");
	licence_obj(r, &b);
	ob_buf_puts(&b, ",\"publisher\":");
	publisher_obj(r, &b);
	kv(&b, "catalog", "catalog.jsonld", true);
	ob_buf_puts(&b, ",\"sdmx\":{");
	kv(&b, "structure", REL_SDMX_STRUCTURE_FILE, false);
	ob_buf_puts(&b, ",\"agency\":\"" REL_SDMX_AGENCY "\",\"action\":\"R\"}");
	/* tables */
	ob_buf_puts(&b, ",\n\"tables\":[");
	for (size_t t = 0; t < NTABLES; t++) {
		const struct rtable *x = &r->t[t];
		char f[160];
		ob_buf_puts(&b, t ? ",\n{" : "\n{");
		kv(&b, "id", x->id, false);
		kv(&b, "title_es", x->title_es, true);
		kv(&b, "title_en", x->title_en, true);
		ob_buf_putf(&b, ",\"rows\":%zu,\"files\":{", x->n);
		snprintf(f, sizeof(f), "%s.csv", x->id);
		kv(&b, "csv", f, false);
		snprintf(f, sizeof(f), "%s.csv-metadata.json", x->id);
		kv(&b, "csvw", f, true);
		snprintf(f, sizeof(f), "%s.json", x->id);
		kv(&b, "json", f, true);
		snprintf(f, sizeof(f), "%s.sdmx.csv", x->id);
		kv(&b, "sdmx_csv", f, true);
		snprintf(f, sizeof(f), "%s.sdmx.json", x->id);
		kv(&b, "sdmx_json", f, true);
		ob_buf_puts(&b, "},\"dimensions\":[");
		for (size_t i = 0; i < x->ndims; i++) {
			if (i)
				ob_buf_putc(&b, ',');
			ob_json_str(&b, x->dims[i], strlen(x->dims[i]));
		}
		ob_buf_puts(&b, "]}");
	}
	/* indicators */
	ob_buf_puts(&b, "],\n\"indicators\":[");
	for (size_t k = 0; k < r->set->n; k++) {
		const struct ob_indicator *v = &r->set->v[k];
		char unit[32];
		bool lead = true;

		ob_buf_puts(&b, k ? ",\n{" : "\n{");
		kv(&b, "id", v->id, false);
		kv(&b, "name_es", v->name_es ? v->name_es : "", true);
		kv(&b, "name_en", v->name_en ? v->name_en : "", true);
		kv(&b, "description_es", v->description_es ? v->description_es : "", true);
		kv(&b, "description_en", v->description_en ? v->description_en : "", true);
		kv(&b, "unit_es", v->unit ? v->unit : "", true);
		if (v->multiplier == 100)
			snprintf(unit, sizeof(unit), "PERCENT");
		else
			snprintf(unit, sizeof(unit), "PER_%.0f", v->multiplier);
		kv(&b, "unit_code", unit, true);
		ob_buf_putf(&b, ",\"multiplier\":%.15g", v->multiplier);
		kv(&b, "denominator", v->denom == OB_DEN_INDICATOR ? "indicator" : "population",
		   true);
		if (v->denom == OB_DEN_INDICATOR)
			kv(&b, "denominator_indicator", v->denom_id, true);
		ob_buf_puts(&b, ",\"sdg\":");
		if (v->sdg && *v->sdg)
			ob_json_str(&b, v->sdg, strlen(v->sdg));
		else
			ob_buf_puts(&b, "null");
		ob_buf_puts(&b, ",\"iccs\":");
		if (v->iccs && *v->iccs)
			ob_json_str(&b, v->iccs, strlen(v->iccs));
		else
			ob_buf_puts(&b, "null");
		kv(&b, "interval_method_es", interval_method(v, false), true);
		kv(&b, "interval_method_en", interval_method(v, true), true);
		/* the rule of each country's count (its national total) */
		ob_buf_puts(&b, ",\"counting_rules\":{");
		for (size_t w = 0; rule_col != SIZE_MAX && ctry_col != SIZE_MAX && lev_col != SIZE_MAX &&
		                   sex_col != SIZE_MAX && year_col != SIZE_MAX && w < ind->n; w++) {
			const struct rrow *row = &ind->rows[w];
			if (strcmp(row->dim[0], v->id) || strcmp(row->dim[lev_col], "0") ||
			    strcmp(row->dim[sex_col], "T") ||
			    strcmp(row->dim[year_col], r->yearstr[r->n_periods - 1]))
				continue;
			ob_buf_puts(&b, lead ? "" : ",");
			lead = false;
			kv(&b, row->dim[ctry_col], row->dim[rule_col], false);
		}
		ob_buf_puts(&b, "}}");
	}
	/* code lists */
	ob_buf_puts(&b, "]");
	rel_survey_metadata(r, &b);
	rel_dark_metadata(r, &b);
	rel_missing_metadata(r, &b);
	ob_buf_puts(&b, ",\n\"code_lists\":{\"sex\":");
	labels3(&b, sex_labels, OB_ARRAY_SIZE(sex_labels));
	ob_buf_puts(&b, ",\n\"level\":");
	labels3(&b, level_labels, OB_ARRAY_SIZE(level_labels));
	ob_buf_puts(&b, ",\n\"status\":");
	labels3(&b, status_labels, OB_ARRAY_SIZE(status_labels));
	ob_buf_puts(&b, ",\n\"flags\":[");
	for (unsigned f = 0; f < OB_IND_FLAG_COUNT; f++) {
		ob_buf_puts(&b, f ? ",\n{" : "\n{");
		kv(&b, "code", ob_ind_flag_name(f), false);
		kv(&b, "label_es", flag_labels[f][0], true);
		kv(&b, "label_en", flag_labels[f][1], true);
		ob_buf_putc(&b, '}');
	}
	ob_buf_puts(&b, "],\n\"iccs\":[");
	{
		struct iccs_list l = { &b, true };
		if ((e = rel_each_iccs(r, iccs_entry, &l)))
			goto release;
	}
	ob_buf_puts(&b, "],\n\"territories\":[");
	for (uint32_t u = 0; u < s->n_units; u++) {
		const struct ob_snap_unit *x = &s->units[u];
		ob_buf_puts(&b, u ? ",\n{" : "\n{");
		kv(&b, "code", ob_snap_str(s, x->code), false);
		kv(&b, "name", ob_snap_str(s, x->name), true);
		ob_buf_putf(&b, ",\"level\":%d,\"parent\":", x->level);
		if (x->parent >= 0) {
			const char *pc = ob_snap_str(s, s->units[x->parent].code);
			ob_json_str(&b, pc, strlen(pc));
		} else {
			ob_buf_puts(&b, "null");
		}
		kv(&b, "country", ob_snap_str(s, s->countries[x->country]), true);
		/* yyyymmdd, null when open */
		if (x->valid_from)
			ob_buf_putf(&b, ",\"valid_from\":%d", x->valid_from);
		else
			ob_buf_puts(&b, ",\"valid_from\":null");
		if (x->valid_to)
			ob_buf_putf(&b, ",\"valid_to\":%d}", x->valid_to);
		else
			ob_buf_puts(&b, ",\"valid_to\":null}");
	}
	ob_buf_puts(&b, "]}}\n");
	e = rel_write_buf(r, "metadata.json", &b);
release:
	ob_buf_release(&b);
	return e;
}
