/*
 * infer_write.c - the text of a draft profile (docs/profiles.md) from the
 * decisions of infer_draft.c, every guess with a "#" comment saying why,
 * and the crosswalk rows its labels need, as commented CSV lines.
 */
#include "ingest/infer_impl.h"

#include <ctype.h>

#include "io/date.h"
#include "io/value.h"
#include "text/text.h"

/* Fuzzy matches below this similarity are not proposed. */
#define MIN_SIMILARITY 0.88

/* The crosswalk a field's labels go through: its tag kind and the name the
 * default catalogue gives it. */
static const struct {
	enum ob_field field;
	const char *kind, *name;
} xw_fields[] = {
	{ OB_F_CATEGORY, NULL, "delito" },
	{ OB_F_MANNER, "manner", "manera" },
	{ OB_F_VICTIM_SEX, "sex", "sexo" },
	{ OB_F_PERPETRATOR_SEX, "sex", "sexo" },
	{ OB_F_MECHANISM, "mechanism", "arma" },
	{ OB_F_PLACE, "place", "lugar" },
	{ OB_F_RELATIONSHIP, "relationship", "relacion" },
	{ OB_F_CONTEXT, "context", "contexto" },
};

/* "key = value", the comment aligned after it. */
static void line(struct ob_buf *out, bool commented, const char *key, const char *value,
                 const char *why)
{
	size_t start = out->len;
	size_t vn = strlen(value);
	/* quoted only where the profile reader would see a comment or lose blanks */
	bool quote = !vn || value[0] == '"' || value[0] == ' ' || value[vn - 1] == ' ' ||
	             strstr(value, " #") || strstr(value, " ;") || strstr(value, "\t#") ||
	             strstr(value, "\t;");

	ob_buf_putf(out, "%s%s = ", commented ? "# " : "", key);
	if (quote) {
		ob_buf_putf(out, "\"");
		for (const char *p = value; *p; p++)
			ob_buf_putf(out, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
		ob_buf_putf(out, "\"");
	} else {
		ob_buf_putf(out, "%s", value);
	}
	if (why && why[0]) {
		size_t w = out->len - start;
		ob_buf_putf(out, "%*s# %s", w < 36 ? (int)(36 - w) : 1, "", why);
	}
	ob_buf_putf(out, "\n");
}

/* A CSV cell of a crosswalk row: quoted when it needs it. */
static void csv_cell(struct ob_buf *out, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		ob_buf_putf(out, "%s", s);
		return;
	}
	ob_buf_putf(out, "\"");
	for (; *s; s++)
		ob_buf_putf(out, "%s%c", *s == '"' ? "\"" : "", *s);
	ob_buf_putf(out, "\"");
}

/* The crosswalk names of the catalogue, each once, into names (up to max). */
static size_t crosswalk_names(const struct ob_lookup *l, char names[][64], size_t max)
{
	size_t n = 0;

	ob_strmap_for_each(&l->crosswalk, e) {
		const char *sep = memchr(e->key, '\x1f', e->len);
		size_t len = sep ? (size_t)(sep - e->key) : 0, i;
		if (!len || len >= 64)
			continue;
		for (i = 0; i < n; i++)
			if (strlen(names[i]) == len && !memcmp(names[i], e->key, len))
				break;
		if (i == n && n < max) {
			memcpy(names[n], e->key, len);
			names[n++][len] = '\0';
		}
	}
	return n;
}

/* The crosswalk for field i of xw_fields: the catalogue's that knows most of
 * the column's values; the default name when none or no catalogue. */
static void choose_crosswalk(struct draft *dr, size_t i, const struct stats *st, char out[64],
                             size_t *known)
{
	char names[128][64];
	const struct ob_lookup *l = dr->o->look;
	const char *cc = dr->o->country;
	size_t n, best = 0;

	if (xw_fields[i].field == OB_F_CATEGORY && cc && strlen(cc) == 2)
		snprintf(out, 64, "%c%c-delito", tolower((unsigned char)cc[0]),
		         tolower((unsigned char)cc[1]));
	else
		ob_strlcpy(out, xw_fields[i].name, 64);
	*known = 0;
	if (!l)
		return;
	*known = infer_labels_known(dr, st, out, xw_fields[i].kind);
	best = *known;
	n = crosswalk_names(l, names, OB_ARRAY_SIZE(names));
	for (size_t k = 0; k < n; k++) {
		size_t h = infer_labels_known(dr, st, names[k], xw_fields[i].kind);
		if (h > best) {
			best = h;
			ob_strlcpy(out, names[k], 64);
		}
	}
	*known = best;
}

/* The most similar label of crosswalk xw to folded key k, with its target. */
static double nearest(struct draft *dr, const char *xw, const char *k, size_t kn,
                      const char **label, const char **target)
{
	const struct ob_lookup *l = dr->o->look;
	size_t xn = strlen(xw);
	double best = 0;

	ob_strmap_for_each(&l->crosswalk, e) {
		const struct ob_xw_entry *x = e->value;
		double s;
		if (e->len <= xn + 1 || memcmp(e->key, xw, xn) || e->key[xn] != '\x1f' || !x)
			continue;
		s = dr->o->similar(k, kn, e->key + xn + 1, e->len - xn - 1);
		if (s > best) {
			best = s;
			*label = e->key + xn + 1;
			*target = x->target;
		}
	}
	return best;
}

/* Crosswalk rows for the values of column c that crosswalk xw does not
 * know; the unknown ones listed for the user. */
static void proposals(struct draft *dr, long c, const char *xw, const char *kind,
                      struct ob_buf *rows, struct ob_buf *missing)
{
	const struct ob_lookup *l = dr->o->look;
	const struct stats *st = &dr->st[c];
	size_t nmiss = 0;

	ob_strmap_for_each(&st->distinct, e) {
		const char *label = NULL, *target = NULL;
		double s = 0;

		ob_buf_reset(&dr->k);
		if (ob_fold_key(e->key, e->len, &dr->k) || !dr->k.len)
			continue;
		if (l && (ob_lookup_crosswalk_entries(l, xw, dr->k.ptr, dr->k.len) ||
		          (kind && ob_lookup_is_tag(l, kind, e->key, e->len)) ||
		          (!kind && ob_lookup_is_iccs(l, e->key, e->len))))
			continue;
		if (l && dr->o->similar)
			s = nearest(dr, xw, dr->k.ptr, dr->k.len, &label, &target);
		if (s >= MIN_SIMILARITY) {
			size_t start = rows->len;
			ob_buf_putf(rows, "# ");
			csv_cell(rows, xw);
			ob_buf_putf(rows, ",");
			csv_cell(rows, e->key);
			ob_buf_putf(rows, ",%s,,", target);
			ob_buf_putf(rows, "%*s# %s «%s» (%.2f)\n",
			            rows->len - start < 48 ? (int)(48 - (rows->len - start)) : 1, "",
			            OB_TR("parecido a", "like"), label, s);
		} else {
			ob_buf_putf(missing, "%s«%s» (%zu %s)", nmiss++ ? ", " : "", e->key,
			            (size_t)(uintptr_t)e->value, OB_TR("filas", "rows"));
		}
	}
}

/* Age groups in words or ranges to the bands of crosswalk age_group. */
static const char *age_band(const char *key)
{
	static const struct {
		const char *word, *band;
	} words[] = {
		{ "menor", "0-11" }, { "menores", "0-11" }, { "nino", "0-11" }, { "ninos", "0-11" },
		{ "ninez", "0-11" }, { "infante", "0-11" }, { "adolescente", "12-17" },
		{ "adolescentes", "12-17" }, { "joven", "18+" }, { "jovenes", "18+" },
		{ "adulto", "18+" }, { "adultos", "18+" }, { "adulta", "18+" }, { "mayor", "18+" },
		{ "mayores", "18+" }, { "determinado", "U" }, { "ignorado", "U" }, { "dato", "U" },
		{ "desconocido", "U" },
	};
	long long lo, hi;
	const char *dash = strpbrk(key, "- ");

	for (size_t i = 0; i < OB_ARRAY_SIZE(words); i++) {
		size_t n = strlen(words[i].word);
		for (const char *p = key; (p = strstr(p, words[i].word)); p++)
			if ((p == key || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
				return words[i].band;
	}
	if (dash && ob_parse_int(key, (size_t)(dash - key), 0, OB_MAX_AGE, &lo)) {
		const char *h = dash + 1;
		while (*h && (*h < '0' || *h > '9'))
			h++;
		if (ob_parse_int(h, strspn(h, "0123456789"), 0, OB_MAX_AGE, &hi))
			return hi <= 11 ? "0-11" : lo >= 12 && hi <= 17 ? "12-17" : lo >= 18 ? "18+" : NULL;
	}
	return NULL;
}

static void source_code(struct draft *dr, char out[64])
{
	const char *base = strrchr(dr->inf->name, '/');
	size_t n = 0;

	if (dr->o->source) {
		ob_strlcpy(out, dr->o->source, 64);
		return;
	}
	base = base ? base + 1 : dr->inf->name;
	if (dr->o->country && strlen(dr->o->country) == 2) {
		out[n++] = (char)tolower((unsigned char)dr->o->country[0]);
		out[n++] = (char)tolower((unsigned char)dr->o->country[1]);
		out[n++] = '-';
	}
	for (const char *p = base; *p && *p != '.' && n < 40; p++) {
		char ch = (char)tolower((unsigned char)*p);
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			out[n++] = ch;
		else if (n && out[n - 1] != '-')
			out[n++] = '-';
	}
	/* "pnc-2024": the year is the delivery's, not the source's */
	while (n && ((out[n - 1] >= '0' && out[n - 1] <= '9') || out[n - 1] == '-'))
		n--;
	out[n] = '\0';
	if (!n)
		ob_strlcpy(out, "fuente", 64);
}

/*
 * The institution a file's name, its title rows or the source code name:
 * the words and acronyms of the region's police forces, forensic
 * institutes and prosecutors. The first word found wins; NULL when none
 * (said receives the word).
 */
static const char *guess_institution(struct draft *dr, char *said, size_t size)
{
	static const struct {
		const char *word, *inst;
	} words[] = {
		{ "policia", "police" }, { "pnc", "police" }, { "sepol", "police" },
		{ "dgpn", "police" }, { "pn", "police" }, { "police", "police" },
		{ "oij", "police" }, { "carabineros", "police" },
		{ "medicina legal", "forensic" }, { "forense", "forensic" },
		{ "inacif", "forensic" }, { "iml", "forensic" }, { "imelcf", "forensic" },
		{ "inml", "forensic" }, { "inmlcf", "forensic" },
		{ "forensic", "forensic" },
		{ "fiscalia", "prosecutor" }, { "ministerio publico", "prosecutor" },
		{ "fgr", "prosecutor" }, { "mp", "prosecutor" }, { "prosecutor", "prosecutor" },
		{ "procuraduria", "prosecutor" },
	};
	struct ob_buf k = OB_BUF_INIT(4 * OB_MAX_NAME);
	const char *base = strrchr(dr->inf->name, '/');
	const char *texts[3] = { base ? base + 1 : dr->inf->name, dr->inf->banner,
		                 dr->o->source ? dr->o->source : "" };
	const char *found = NULL;

	for (size_t t = 0; t < 3 && !found; t++) {
		char text[OB_MAX_PATH];
		size_t n = 0;
		/* "pnc_homicidios-2024.csv": separators are blanks */
		for (const char *p = texts[t]; *p && n + 1 < sizeof(text); p++)
			text[n++] = (*p == '_' || *p == '-' || *p == '.') ? ' ' : *p;
		text[n] = '\0';
		if (ob_fold_key(text, n, &k) || !k.len)
			continue;
		for (size_t i = 0; i < OB_ARRAY_SIZE(words) && !found; i++)
			if (infer_has_word(k.ptr, words[i].word)) {
				found = words[i].inst;
				ob_strlcpy(said, words[i].word, size);
			}
	}
	ob_buf_release(&k);
	return found;
}

static void write_source(struct draft *dr, struct ob_buf *out)
{
	char code[64], why[OB_MAX_MESSAGE / 4];
	const char *base = strrchr(dr->inf->name, '/');

	source_code(dr, code);
	ob_buf_putf(out, "[source]\n");
	line(out, false, "code", code, dr->o->source ? "--source"
	                              : OB_TR("del nombre del archivo", "from the file name"));
	line(out, false, "name", base ? base + 1 : dr->inf->name,
	     OB_TR("póngale el nombre de la fuente", "give it the source's name"));
	if (dr->o->country)
		line(out, false, "country", dr->o->country,
		     dr->o->look ? OB_TR("sus códigos y nombres son del catálogo de este país",
		                         "its codes and names are the catalogue's of this country")
		                 : "--country");
	else
		line(out, false, "country", "XX",
		     OB_TR("desconocido: póngalo (SV, GT, HN...)", "unknown: set it (SV, GT, HN...)"));
	{
		char said[96];
		const char *inst = guess_institution(dr, said, sizeof(said));
		if (inst) {
			snprintf(why, sizeof(why),
			         OB_TR("«%s» en el nombre o el título del archivo o en el código de "
			               "la fuente; compruébelo", "«%s» in the file's name or title or "
			               "in the source code; check it"), said);
			line(out, false, "institution", inst, why);
		} else {
			line(out, false, "institution", "other",
			     OB_TR("el archivo no lo dice: police | forensic | prosecutor | other",
			           "the file does not say: police | forensic | prosecutor | other"));
		}
	}
	snprintf(why, sizeof(why), "%s", !strcmp(dr->period, "month")
	         ? OB_TR("las fechas de la muestra caen en un mes", "the sample's dates fall in one month")
	         : OB_TR("las fechas de la muestra abarcan más de un mes",
	                 "the sample's dates span more than a month"));
	line(out, false, "period", dr->period[0] ? dr->period : "year", why);
	if (dr->aggregate) {
		snprintf(why, sizeof(why),
		         OB_TR("filas de conteos (%.1f víctimas por fila de media), sin identificador "
		               "ni datos de personas", "rows of counts (%.1f victims a row on "
		               "average), no id and nothing of a person"), dr->mean_count);
		line(out, false, "aggregate", "true", why);
	}
}

static void write_file(struct draft *dr, struct ob_buf *out)
{
	char v[160] = "", why[OB_MAX_MESSAGE / 4];
	static const struct {
		unsigned flag;
		const char *name;
	} forms[] = { { OB_DATE_DMY, "dmy" }, { OB_DATE_MDY, "mdy" }, { OB_DATE_ISO, "iso" },
		      { OB_DATE_EXCEL, "excel" } };

	ob_buf_putf(out, "\n[file]\n");
	snprintf(why, sizeof(why), OB_TR("detectada en los primeros %d KiB",
	                                 "detected in the first %d KiB"), OB_SNIFF_BYTES / 1024);
	line(out, false, "encoding", dr->inf->encoding == OB_ENC_CP1252 ? "windows-1252" : "utf-8",
	     why);
	snprintf(v, sizeof(v), "%s", dr->inf->delimiter == '\t' ? "tab"
	                             : dr->inf->delimiter == '|' ? "pipe"
	                             : dr->inf->delimiter == ';' ? ";" : ",");
	snprintf(why, sizeof(why), OB_TR("la fila %ld es el encabezado, de %zu columnas; %zu "
	                                 "filas de título encima", "row %ld is the header, of %zu "
	                                 "columns; %zu title rows above it"),
	         dr->inf->header_line, dr->inf->ncols, dr->inf->banner_rows);
	line(out, false, "delimiter", v, why);
	if (dr->date_forms) {
		v[0] = '\0';
		for (size_t i = 0; i < OB_ARRAY_SIZE(forms); i++)
			if (dr->date_forms & forms[i].flag)
				snprintf(v + strlen(v), sizeof(v) - strlen(v), "%s%s", v[0] ? ", " : "",
				         forms[i].name);
		line(out, false, "dates", v, OB_TR("las formas en que se leen las fechas de la muestra",
		                                   "the forms the sample's dates read in"));
	}
	if (dr->inf->nfooter) {
		v[0] = '\0';
		for (size_t i = 0; i < dr->inf->nfooter; i++)
			snprintf(v + strlen(v), sizeof(v) - strlen(v), "%s%s", i ? ", " : "",
			         dr->inf->footer[i]);
		line(out, false, "footer", v, OB_TR("filas de totales y notas tras los datos",
		                                    "rows of totals and notes after the data"));
	}
}

static void write_columns(struct draft *dr, struct ob_buf *out)
{
	struct ob_buf ign = OB_BUF_INIT(OB_MAX_CONFIG_LINE), extra = OB_BUF_INIT(OB_MAX_CONFIG_LINE);

	ob_buf_putf(out, "\n[columns]\n");
	for (unsigned f = 0; f < OB_F_COUNT; f++) {
		long c = dr->fcol[f];
		if (c >= 0)
			line(out, false, ob_field_key((enum ob_field)f), dr->inf->col[c].name,
			     dr->inf->col[c].why);
	}
	if (dr->fcol[OB_F_SOURCE_ID] < 0)
		ob_buf_putf(out, "%s", OB_TR("# sin columna de identificador: cada fila lo recibe de "
		                             "su contenido (docs/profiles.md)\n",
		                             "# no id column: each row gets one from its content "
		                             "(docs/profiles.md)\n"));
	if (dr->age_group_col >= 0) {
		char why[OB_MAX_MESSAGE / 4];
		snprintf(why, sizeof(why), OB_TR("%s: grupo de edad, con el cruce age_group",
		                                 "%s: age group, through crosswalk age_group"),
		         dr->inf->col[dr->age_group_col].why);
		line(out, false, "victim_age_group", dr->inf->col[dr->age_group_col].name, why);
	}
	for (size_t c = 0; c < dr->inf->ncols; c++) {
		const struct ob_infer_column *col = &dr->inf->col[c];
		if (col->role == OB_INFER_IGNORE)
			ob_buf_putf(&ign, "%s%s", ign.len ? " | " : "", col->name);
		else if (col->role == OB_INFER_EXTRA && col->name[0])
			ob_buf_putf(&extra, "%s«%s»", extra.len ? ", " : "", col->name);
	}
	if (ign.len)
		line(out, false, "ignore", ign.ptr, OB_TR("datos personales sin campo protegido",
		                                          "personal data without a protected field"));
	if (extra.len)
		ob_buf_putf(out, OB_TR("# sin campo: %s; se guardan en extra (o ignore = ...)\n",
		                       "# no field: %s; kept in extra (or ignore = ...)\n"), extra.ptr);
	ob_buf_release(&ign);
	ob_buf_release(&extra);
}

static void write_territory(struct draft *dr, struct ob_buf *out)
{
	const struct ob_territory_rules *r = &dr->rules;
	char v[OB_MAX_CONFIG_LINE / 4] = "";

	if (!r->code_strip_suffix[0] && !r->code_width && !r->code_prefix[0] && !r->nignore)
		return;
	ob_buf_putf(out, "\n[territory]\n");
	if (r->code_strip_suffix[0])
		line(out, false, "code_strip_suffix", r->code_strip_suffix, dr->rules_why[0]);
	if (r->code_width) {
		snprintf(v, sizeof(v), "%d", r->code_width);
		line(out, false, "code_width", v, dr->rules_why[1]);
	}
	if (r->code_prefix[0])
		line(out, false, "code_prefix", r->code_prefix, dr->rules_why[2]);
	if (r->nignore) {
		v[0] = '\0';
		for (size_t i = 0; i < r->nignore; i++)
			snprintf(v + strlen(v), sizeof(v) - strlen(v), "%s%s", i ? " | " : "",
			         r->ignore[i]);
		line(out, false, "name_ignore", v, dr->rules_why[3]);
	}
}

/* [values]: a file without a category column whose count column says what
 * it counts ("homicidios") gives that category to every row. */
static void write_values(struct draft *dr, struct ob_buf *out)
{
	long c = dr->fcol[OB_F_VICTIMS];
	char why[OB_MAX_MESSAGE / 4];

	if (c < 0 || dr->fcol[OB_F_CATEGORY] >= 0 || dr->fcol[OB_F_MANNER] >= 0)
		return;
	ob_buf_reset(&dr->k);
	if (ob_fold_key(dr->inf->col[c].name, strlen(dr->inf->col[c].name), &dr->k) ||
	    !strstr(dr->k.ptr ? dr->k.ptr : "", "homicid"))
		return;
	snprintf(why, sizeof(why), OB_TR("la columna «%s» cuenta homicidios: homicidio "
	                                 "intencional (ICCS 0101)", "column «%s» counts "
	                                 "homicides: intentional homicide (ICCS 0101)"),
	         dr->inf->col[c].name);
	ob_buf_putf(out, "\n[values]\n");
	line(out, false, "category", "0101", why);
}

void infer_write_draft(struct draft *dr, struct ob_buf *out)
{
	struct ob_buf body = OB_BUF_INIT(OB_MAX_BUF_DEFAULT), rows = OB_BUF_INIT(OB_MAX_BUF_DEFAULT),
	              missing = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	const char *base = strrchr(dr->inf->name, '/');
	char req[160] = "";

	write_source(dr, &body);
	write_file(dr, &body);
	write_columns(dr, &body);
	write_values(dr, &body);
	write_territory(dr, &body);
	ob_buf_putf(&body, "\n[crosswalks]\n");
	for (size_t i = 0; i < OB_ARRAY_SIZE(xw_fields); i++) {
		long c = dr->fcol[xw_fields[i].field];
		char name[64], why[OB_MAX_MESSAGE / 4];
		size_t known;
		struct ob_buf miss = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);

		if (c < 0)
			continue;
		choose_crosswalk(dr, i, &dr->st[c], name, &known);
		if (dr->o->look)
			snprintf(why, sizeof(why), OB_TR("conoce %zu de sus %zu valores distintos",
			                                 "knows %zu of its %zu distinct values"), known,
			         dr->st[c].distinct.count);
		else
			snprintf(why, sizeof(why), "%s", OB_TR("sin catálogo: no comprobado",
			                                       "no catalogue: not checked"));
		line(&body, false, ob_field_key(xw_fields[i].field), name, why);
		proposals(dr, c, name, xw_fields[i].kind, &rows, &miss);
		if (miss.len)
			ob_buf_putf(&missing, "#   %s (%s): %s\n", ob_field_key(xw_fields[i].field), name,
			            miss.ptr);
		ob_buf_release(&miss);
	}
	if (dr->age_group_col >= 0) {
		line(&body, false, "victim_age_group", "age_group",
		     OB_TR("el cruce del catálogo para grupos de edad; un valor escrito como "
		           "rango (12-17, 60+) se lee sin cruce",
		           "the catalogue's crosswalk for age groups; a value written as a range "
		           "(12-17, 60+) is read without one"));
		ob_strmap_for_each(&dr->st[dr->age_group_col].distinct, e) {
			const char *band;
			struct ob_age age;
			char bwhy[64];
			ob_buf_reset(&dr->k);
			if (ob_fold_key(e->key, e->len, &dr->k) || !dr->k.len)
				continue;
			/* known to the catalogue, or a band as written: nothing to add */
			if ((dr->o->look &&
			     ob_lookup_crosswalk_entries(dr->o->look, "age_group", dr->k.ptr, dr->k.len)) ||
			    ob_age_band_parse(e->key, e->len, &age, bwhy, sizeof(bwhy)) == OB_OK)
				continue;
			if ((band = age_band(dr->k.ptr))) {
				ob_buf_putf(&rows, "# age_group,");
				csv_cell(&rows, e->key);
				ob_buf_putf(&rows, ",%s,,\n", band);
			} else {
				ob_buf_putf(&missing, "#   victim_age_group (age_group): «%s»\n", e->key);
			}
		}
	}
	ob_buf_putf(&body, "\n[rules]\n");
	if (dr->aggregate) {
		/* an aggregate source's requirements follow from the profile
		 * (count, where, when): nothing to add */
		ob_buf_putf(&body, "%s", OB_TR("# fuente agregada: cada fila necesita su conteo y su "
		                               "territorio\n", "# aggregate source: each row needs "
		                               "its count and its territory\n"));
	} else {
		snprintf(req, sizeof(req), "occurred_on%s%s%s",
		         dr->fcol[OB_F_TERRITORY] >= 0 || dr->fcol[OB_F_TERRITORY_CODE] >= 0
		                 ? ", territory" : "",
		         dr->fcol[OB_F_CATEGORY] >= 0 ? ", category" : "",
		         dr->fcol[OB_F_CATEGORY] < 0 && dr->fcol[OB_F_MANNER] >= 0 ? ", manner" : "");
		line(&body, false, "require", req, OB_TR("una fila sin ellos va a cuarentena",
		                                         "a row without them goes to quarantine"));
	}
	if (rows.len)
		ob_buf_putf(&body, "\n%s%s",
		            OB_TR("# Filas propuestas para catalog/crosswalks.csv "
		                  "(name,label,target,valid_from,valid_to):\n",
		                  "# Rows proposed for catalog/crosswalks.csv "
		                  "(name,label,target,valid_from,valid_to):\n"), rows.ptr);
	if (missing.len)
		ob_buf_putf(&body, "\n%s%s",
		            OB_TR("# Valores sin equivalente en el catálogo (añádalos al cruce; "
		                  "hasta entonces se registran como desconocidos o van a cuarentena):\n",
		                  "# Values without an equivalent in the catalogue (add them to the "
		                  "crosswalk; until then they are recorded as unknown or quarantined):\n"),
		            missing.ptr);

	ob_buf_putf(out, OB_TR("# Perfil borrador inferido de %s (%zu filas de datos leídas%s).\n"
	                       "# Revise cada línea antes de usarlo: docs/profiles.md.\n",
	                       "# Draft profile inferred from %s (%zu data rows read%s).\n"
	                       "# Check every line before using it: docs/profiles.md.\n"),
	            base ? base + 1 : dr->inf->name, dr->inf->nrows,
	            dr->inf->truncated ? OB_TR(", una muestra: el archivo sigue", ", a sample: the file goes on") : "");
	if (dr->top.len)
		ob_buf_putf(out, "%s%s", OB_TR("# Lo que no se pudo decidir o conviene revisar:\n",
		                               "# What could not be decided or is worth a look:\n"),
		            dr->top.ptr);
	ob_buf_putf(out, "\n%s", body.ptr ? body.ptr : "");
	ob_buf_release(&body);
	ob_buf_release(&rows);
	ob_buf_release(&missing);
}
