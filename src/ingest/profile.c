/* profile.c - parse source profiles (docs/profiles.md). */
#include "ingest/profile.h"

#include <dirent.h>

#include "base/buf.h"
#include "base/file.h"
#include "io/date.h"
#include "io/ini.h"
#include "text/text.h"

static const struct {
	const char *key;
	const char *es;
} fields[] = {
#define OB_FIELD_ROW(id, key, es) { key, es },
	OB_FIELD_MAP(OB_FIELD_ROW)
#undef OB_FIELD_ROW
};

const char *ob_field_key(enum ob_field f)
{
	return (unsigned)f < OB_F_COUNT ? fields[f].key : "?";
}

const char *ob_field_name_es(enum ob_field f)
{
	return (unsigned)f < OB_F_COUNT ? fields[f].es : "?";
}

bool ob_field_person_level(enum ob_field f)
{
	switch (f) {
	case OB_F_SOURCE_ID: case OB_F_OCCURRED_AT: case OB_F_VICTIM_AGE: case OB_F_LAT:
	case OB_F_LON: case OB_F_NAMES: case OB_F_DOCUMENT: case OB_F_ADDRESS:
		return true;
	default:
		return false;
	}
}

enum ob_field ob_field_from_key(const char *key, size_t len)
{
	for (unsigned i = 0; i < OB_F_COUNT; i++)
		if (strlen(fields[i].key) == len && !memcmp(fields[i].key, key, len))
			return (enum ob_field)i;
	return OB_F_COUNT;
}

static void release_column(struct ob_profile_column *c)
{
	for (size_t i = 0; i < c->nalt; i++) {
		free(c->alt[i]);
		free(c->alt_key[i]);
	}
	c->nalt = 0;
}

void ob_profile_release(struct ob_profile *p)
{
	for (unsigned f = 0; f < OB_F_COUNT; f++) {
		release_column(&p->columns[f]);
		free(p->value[f]);
		p->value[f] = NULL;
	}
	free(p->categories);
	p->categories = NULL;
	free(p->manners);
	p->manners = NULL;
	release_column(&p->ignore);
	release_column(&p->not_personal);
}

static bool eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

/* Split "a | b | c" (or "a, b" when sep is ',') into trimmed items. */
typedef ob_err (*item_fn)(void *ctx, const char *s, size_t n);

static ob_err each_item(const char *s, size_t n, char sep, item_fn fn, void *ctx)
{
	size_t i = 0;

	while (i <= n) {
		size_t j = i;
		const char *p;
		size_t m;
		ob_err e;

		while (j < n && s[j] != sep)
			j++;
		p = s + i;
		m = j - i;
		ob_trim(&p, &m);
		if (m && (e = fn(ctx, p, m)))
			return e;
		i = j + 1;
	}
	return OB_OK;
}

struct parse_ctx {
	struct ob_profile *p;
	struct ob_diag *d;
	const char *name;
	long line;
	enum ob_field field;
	struct ob_profile_column *list; /* ignore or not_personal, else NULL */
};

static ob_err add_alt(void *vctx, const char *s, size_t n)
{
	struct parse_ctx *c = vctx;
	struct ob_profile_column *col = c->list ? c->list : &c->p->columns[c->field];
	struct ob_buf k = OB_BUF_INIT(OB_MAX_NAME);

	if (col->nalt >= OB_MAX_ALTERNATIVES)
		return OB_DIAG(c->d, OB_ETOOBIG, c->name, c->line, 0, s, n,
		               "más de %d nombres alternativos para una columna",
		               "more than %d alternative names for one column; keep the ones the "
		               "files use",
		               OB_MAX_ALTERNATIVES);
	if (ob_fold_key(s, n, &k)) {
		ob_buf_release(&k);
		return OB_DIAG(c->d, OB_EENCODING, c->name, c->line, 0, s, n,
		               "nombre de columna no válido (UTF-8 o demasiado largo)",
		               "invalid column name (UTF-8, or too long); write it in UTF-8 as "
		               "the file does");
	}
	col->alt[col->nalt] = ob_strndup(s, n);
	col->alt_key[col->nalt] = ob_buf_detach(&k, NULL);
	col->nalt++;
	return OB_OK;
}

static ob_err add_date_form(void *vctx, const char *s, size_t n)
{
	struct parse_ctx *c = vctx;
	static const struct {
		const char *name;
		unsigned flag;
	} forms[] = {
		{ "dmy", OB_DATE_DMY }, { "mdy", OB_DATE_MDY }, { "iso", OB_DATE_ISO },
		{ "excel", OB_DATE_EXCEL }, { "partial", OB_DATE_PARTIAL },
	};
	for (size_t i = 0; i < OB_ARRAY_SIZE(forms); i++)
		if (eq(s, n, forms[i].name)) {
			c->p->date_forms |= forms[i].flag;
			return OB_OK;
		}
	return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, s, n,
	               "forma de fecha desconocida; se esperaba dmy, mdy, iso, excel o partial",
	               "unknown date form; expected dmy, mdy, iso, excel or partial");
}

static ob_err add_footer(void *vctx, const char *s, size_t n)
{
	struct parse_ctx *c = vctx;
	struct ob_buf k = OB_BUF_INIT(31);

	if (c->p->nfooter >= OB_ARRAY_SIZE(c->p->footer) || ob_fold_key(s, n, &k)) {
		ob_buf_release(&k);
		return OB_DIAG(c->d, OB_ETOOBIG, c->name, c->line, 0, s, n,
		               "demasiadas marcas de pie o marca demasiado larga",
		               "too many footer marks, or a mark too long; keep the first words "
		               "of the footer rows");
	}
	memcpy(c->p->footer[c->p->nfooter++], k.ptr, k.len + 1);
	ob_buf_release(&k);
	return OB_OK;
}

/* One word or phrase of [territory] name_ignore, kept folded. */
static ob_err add_name_ignore(void *vctx, const char *s, size_t n)
{
	struct parse_ctx *c = vctx;
	struct ob_territory_rules *t = &c->p->territory;
	struct ob_buf k = OB_BUF_INIT(63);

	if (t->nignore >= OB_ARRAY_SIZE(t->ignore) || ob_fold_key(s, n, &k)) {
		ob_buf_release(&k);
		return OB_DIAG(c->d, OB_ETOOBIG, c->name, c->line, 0, s, n,
		               "demasiadas palabras en name_ignore (máximo %d) o palabra demasiado "
		               "larga", "too many words in name_ignore (at most %d) or a word too long",
		               OB_MAX_NAME_IGNORE);
	}
	/* "(CT)" folds to "ct": the word; parenthesised qualifiers go anyway */
	if (k.len)
		memcpy(t->ignore[t->nignore++], k.ptr, k.len + 1);
	ob_buf_release(&k);
	return OB_OK;
}

static ob_err add_required(void *vctx, const char *s, size_t n)
{
	struct parse_ctx *c = vctx;
	enum ob_field f = ob_field_from_key(s, n);

	if (f == OB_F_COUNT)
		return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, s, n,
		               "campo desconocido en require",
		               "unknown field in require; use the field names of [columns] "
		               "(docs/profiles.md)");
	c->p->required[f] = true;
	return OB_OK;
}

/* Append word s (n bytes) to the blank-separated *list of have bytes. */
static void append_word(char **list, size_t have, const char *s, size_t n)
{
	*list = ob_realloc(*list, have + n + 2);
	if (have)
		(*list)[have++] = ' ';
	memcpy(*list + have, s, n);
	(*list)[have + n] = '\0';
}

/* One code of [source] categories: letters and digits, as in iccs.csv. */
static ob_err add_category(void *vctx, const char *s, size_t n)
{
	struct parse_ctx *c = vctx;
	struct ob_profile *p = c->p;
	size_t have = p->categories ? strlen(p->categories) : 0;

	if (n > 16)
		return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, s, n,
		               "código ICCS demasiado largo en categories",
		               "ICCS code too long in categories; expected digits without dots "
		               "(0101, 04)");
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
			return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, s, n,
			               "código ICCS no válido en categories: se esperaban cifras "
			               "sin puntos (0101, 04) o un código del catálogo (X01)",
			               "invalid ICCS code in categories: expected digits without "
			               "dots (0101, 04) or a code of the catalogue (X01)");
	if (have + n + 2 > OB_MAX_CONFIG_LINE)
		return OB_DIAG(c->d, OB_ETOOBIG, c->name, c->line, 0, s, n,
		               "demasiadas categorías",
		               "too many categories; give the highest codes that cover them (01 "
		               "covers 0101)");
	append_word(&p->categories, have, s, n);
	return OB_OK;
}

/* The manners of death a record can have (the codes the manner crosswalks
 * give; docs/profiles.md). */
static const char *const manner_codes[] = {
	"homicide", "suicide", "accident", "undetermined", "legal_intervention",
};

/* One code of [source] manners. */
static ob_err add_manner(void *vctx, const char *s, size_t n)
{
	struct parse_ctx *c = vctx;
	struct ob_profile *p = c->p;
	size_t have = p->manners ? strlen(p->manners) : 0;
	bool known = false;

	for (size_t i = 0; i < sizeof(manner_codes) / sizeof(*manner_codes); i++)
		known |= eq(s, n, manner_codes[i]);
	if (!known)
		return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, s, n,
		               "manera desconocida en manners; se esperaba homicide, suicide, "
		               "accident, undetermined o legal_intervention",
		               "unknown manner in manners; expected homicide, suicide, accident, "
		               "undetermined or legal_intervention");
	if (have + n + 2 > OB_MAX_CONFIG_LINE)
		return OB_DIAG(c->d, OB_ETOOBIG, c->name, c->line, 0, s, n,
		               "manners demasiado largo", "manners too long");
	append_word(&p->manners, have, s, n);
	return OB_OK;
}

static ob_err copy_into(struct parse_ctx *c, char *dst, size_t size, const char *v,
                        size_t n)
{
	if (n >= size)
		return OB_DIAG(c->d, OB_ETOOBIG, c->name, c->line, 0, v, n,
		               "valor demasiado largo (máximo %zu bytes)",
		               "value too long (at most %zu bytes)", size - 1);
	memcpy(dst, v, n);
	dst[n] = '\0';
	return OB_OK;
}

static ob_err set_key(struct parse_ctx *c, const char *sec, const char *k, size_t kn,
                      const char *v, size_t vn)
{
	struct ob_profile *p = c->p;
	enum ob_field f;
	ob_err e;

	if (!strcmp(sec, "source")) {
		if (eq(k, kn, "code"))
			return copy_into(c, p->code, sizeof(p->code), v, vn);
		if (eq(k, kn, "name"))
			return copy_into(c, p->name, sizeof(p->name), v, vn);
		if (eq(k, kn, "country"))
			return copy_into(c, p->country, sizeof(p->country), v, vn);
		if (eq(k, kn, "institution"))
			return copy_into(c, p->institution, sizeof(p->institution), v, vn);
		if (eq(k, kn, "period")) {
			if (!eq(v, vn, "month") && !eq(v, vn, "quarter") && !eq(v, vn, "year"))
				return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, v, vn,
				               "periodo desconocido; se esperaba month, quarter "
				               "o year",
				               "unknown period; expected month, quarter or year");
			return copy_into(c, p->period, sizeof(p->period), v, vn);
		}
		if (eq(k, kn, "description"))
			return OB_OK;
		if (eq(k, kn, "deliveries")) {
			if (eq(v, vn, "cases"))
				p->from_cases = true;
			else if (!eq(v, vn, "files"))
				return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, v, vn,
				               "valor no válido para deliveries; se esperaba files "
				               "(por omisión) o cases",
				               "invalid value for deliveries; expected files (the "
				               "default) or cases");
			return OB_OK;
		}
		if (eq(k, kn, "aggregate")) {
			if (eq(v, vn, "true") || eq(v, vn, "yes") || eq(v, vn, "1"))
				p->aggregate = true;
			else if (eq(v, vn, "false") || eq(v, vn, "no") || eq(v, vn, "0"))
				p->aggregate = false;
			else
				return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, v, vn,
				               "valor no válido para aggregate; se esperaba true "
				               "o false",
				               "invalid value for aggregate; expected true or "
				               "false");
			return OB_OK;
		}
		if (eq(k, kn, "manners") || eq(k, kn, "categories")) {
			bool manners = eq(k, kn, "manners");
			char **list = manners ? &p->manners : &p->categories;
			free(*list);
			*list = NULL;
			if ((e = each_item(v, vn, ',', manners ? add_manner : add_category, c)))
				return e;
			if (*list)
				return OB_OK;
			if (manners)
				return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, v, vn,
				               "manners vacío: dé las maneras de muerte que la "
				               "fuente registra (homicide, undetermined)",
				               "empty manners: give the manners of death the source "
				               "records (homicide, undetermined)");
			return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, v, vn,
			               "categories vacío: dé los códigos ICCS que la "
			               "fuente registra (0101, 02, 04)",
			               "empty categories: give the ICCS codes the source "
			               "records (0101, 02, 04)");
		}
	} else if (!strcmp(sec, "file")) {
		if (eq(k, kn, "encoding")) {
			if (eq(v, vn, "auto"))
				p->encoding = OB_ENC_AUTO;
			else if (eq(v, vn, "utf-8") || eq(v, vn, "utf8"))
				p->encoding = OB_ENC_UTF8;
			else if (eq(v, vn, "windows-1252") || eq(v, vn, "cp1252"))
				p->encoding = OB_ENC_CP1252;
			else
				return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, v, vn,
				               "codificación desconocida; se esperaba auto, "
				               "utf-8 o windows-1252",
				               "unknown encoding; expected auto, utf-8 or "
				               "windows-1252");
			return OB_OK;
		}
		if (eq(k, kn, "delimiter")) {
			if (eq(v, vn, "auto"))
				p->delimiter = 0;
			else if (eq(v, vn, "tab"))
				p->delimiter = '\t';
			else if (eq(v, vn, "pipe") || eq(v, vn, "|"))
				p->delimiter = '|';
			else if (eq(v, vn, ";") || eq(v, vn, ","))
				p->delimiter = v[0];
			else
				return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, v, vn,
				               "delimitador desconocido; se esperaba auto, ;, ,, "
				               "tab o pipe",
				               "unknown delimiter; expected auto, ;, ,, tab or "
				               "pipe");
			return OB_OK;
		}
		if (eq(k, kn, "sheet")) {
			if (!vn || vn >= sizeof(p->sheet))
				return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, v, vn,
				               "sheet: se esperaba el nombre o el número (desde 1) de una hoja",
				               "sheet: expected the name or the number (from 1) of a sheet");
			memcpy(p->sheet, v, vn);
			p->sheet[vn] = '\0';
			return OB_OK;
		}
		if (eq(k, kn, "dates")) {
			p->date_forms = 0;
			return each_item(v, vn, ',', add_date_form, c);
		}
		if (eq(k, kn, "footer")) {
			p->nfooter = 0;
			return each_item(v, vn, ',', add_footer, c);
		}
	} else if (!strcmp(sec, "columns")) {
		if ((f = ob_field_from_key(k, kn)) != OB_F_COUNT) {
			c->field = f;
			c->list = NULL;
			return each_item(v, vn, '|', add_alt, c);
		}
		if (eq(k, kn, "ignore") || eq(k, kn, "not_personal")) {
			c->list = eq(k, kn, "ignore") ? &p->ignore : &p->not_personal;
			e = each_item(v, vn, '|', add_alt, c);
			c->list = NULL;
			return e;
		}
	} else if (!strcmp(sec, "values")) {
		if ((f = ob_field_from_key(k, kn)) == OB_F_VICTIMS)
			return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 1, k, kn,
			               "count va en [columns]: el número de víctimas de cada fila",
			               "count goes in [columns]: it names the column of each "
			               "row's victims, not a constant");
		if (f != OB_F_COUNT) {
			free(p->value[f]);
			p->value[f] = ob_strndup(v, vn);
			return OB_OK;
		}
	} else if (!strcmp(sec, "crosswalks")) {
		if ((f = ob_field_from_key(k, kn)) != OB_F_COUNT)
			return copy_into(c, p->crosswalk[f], sizeof(p->crosswalk[f]), v, vn);
	} else if (!strcmp(sec, "territory")) {
		struct ob_territory_rules *t = &p->territory;
		if (eq(k, kn, "code_strip_suffix") || eq(k, kn, "code_prefix")) {
			bool strip = eq(k, kn, "code_strip_suffix");
			for (size_t i = 0; i < vn; i++)
				if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'A' && v[i] <= 'Z') ||
				      (v[i] >= 'a' && v[i] <= 'z') || v[i] == '-' || v[i] == '.'))
					return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, v, vn,
					               "se esperaban letras, cifras, '-' o '.'",
					               "expected letters, digits, '-' or '.'");
			return strip ? copy_into(c, t->code_strip_suffix, sizeof(t->code_strip_suffix), v, vn)
			             : copy_into(c, t->code_prefix, sizeof(t->code_prefix), v, vn);
		}
		if (eq(k, kn, "code_width")) {
			long long w;
			if (!ob_parse_int(v, vn, 1, 32, &w))
				return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, v, vn,
				               "code_width no válido; se esperaba un entero de 1 a 32",
				               "invalid code_width; expected a whole number from 1 to 32");
			t->code_width = (int)w;
			return OB_OK;
		}
		if (eq(k, kn, "name_ignore")) {
			t->nignore = 0;
			return each_item(v, vn, '|', add_name_ignore, c);
		}
	} else if (!strcmp(sec, "rules")) {
		if (eq(k, kn, "require")) {
			memset(p->required, 0, sizeof(p->required));
			return each_item(v, vn, ',', add_required, c);
		}
		if (eq(k, kn, "outside_period")) {
			if (!eq(v, vn, "warn") && !eq(v, vn, "quarantine"))
				return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 0, v, vn,
				               "regla desconocida; se esperaba warn o quarantine",
				               "unknown rule; expected warn or quarantine");
			p->outside_period_warn = eq(v, vn, "warn");
			return OB_OK;
		}
	} else {
		return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 1, sec, strlen(sec),
		               "sección desconocida; se esperaba source, file, columns, values, "
		               "crosswalks, territory o rules",
		               "unknown section; expected source, file, columns, values, "
		               "crosswalks, territory or rules");
	}
	return OB_DIAG(c->d, OB_EINVAL, c->name, c->line, 1, k, kn,
	               "clave desconocida en la sección [%s]",
	               "unknown key in the section [%s]; docs/profiles.md lists the keys", sec);
}

static bool known_section(const char *sec)
{
	static const char *const names[] = { "source", "file", "columns", "values",
	                                     "crosswalks", "territory", "rules" };
	for (size_t i = 0; i < OB_ARRAY_SIZE(names); i++)
		if (!strcmp(sec, names[i]))
			return true;
	return false;
}

static ob_err profile_item(void *vctx, const struct ob_ini_item *it)
{
	struct parse_ctx *c = vctx;

	c->line = it->line;
	if (!it->key) {
		if (!known_section(it->section))
			return OB_DIAG(c->d, OB_EINVAL, c->name, it->line, it->key_column,
			               it->section, strlen(it->section),
			               "sección desconocida; se esperaba source, file, columns, "
			               "values, crosswalks, territory o rules",
			               "unknown section; expected source, file, columns, values, "
			               "crosswalks, territory or rules");
		return OB_OK;
	}
	return set_key(c, it->section, it->key, it->key_len, it->value, it->value_len);
}

ob_err ob_profile_parse(const char *text, size_t len, const char *name,
                        struct ob_profile *p, struct ob_diag *d)
{
	struct parse_ctx c = { p, d, name, 0, OB_F_COUNT, NULL };
	ob_err e;

	memset(p, 0, sizeof(*p));
	ob_strlcpy(p->period, "year", sizeof(p->period));
	ob_strlcpy(p->path, name, sizeof(p->path));
	p->date_forms = OB_DATE_ANY;
	if ((e = ob_ini_parse(text, len, name, 0, profile_item, &c, d)))
		goto release;
	if (!p->code[0] || !p->country[0]) {
		e = OB_DIAG(d, OB_EINVAL, name, 0, 0, NULL, 0,
		            "el perfil debe dar [source] code y country",
		            "the profile must give [source] code and country");
		goto release;
	}
	if (p->aggregate) {
		/* counts by dimensions: a count, where and when; nothing of a person */
		for (unsigned f = 0; f < OB_F_COUNT; f++)
			if (ob_field_person_level((enum ob_field)f) &&
			    (p->columns[f].nalt || p->value[f])) {
				e = OB_DIAG(d, OB_EINVAL, name, 0, 0, ob_field_key((enum ob_field)f),
				            strlen(ob_field_key((enum ob_field)f)),
				            "una fuente agregada no puede dar «%s» (%s): sus filas "
				            "son conteos, no personas",
				            "an aggregate source cannot map «%s» (%s): its rows "
				            "are counts, not persons; remove it from the profile",
				            ob_field_key((enum ob_field)f), ob_field_name_es((enum ob_field)f));
				goto release;
			}
		if (!p->columns[OB_F_VICTIMS].nalt ||
		    (!p->columns[OB_F_TERRITORY].nalt && !p->columns[OB_F_TERRITORY_CODE].nalt &&
		     !p->columns[OB_F_TERRITORY_PARENT].nalt)) {
			e = OB_DIAG(d, OB_EINVAL, name, 0, 0, NULL, 0,
			            "una fuente agregada debe dar en [columns] count (el "
			            "conteo) y dónde: territory o territory_code (el municipio), "
			            "o solo territory_parent (el departamento o provincia); la "
			            "fecha (occurred_on) la da una columna, [values] o el periodo "
			            "del envío",
			            "an aggregate source must give in [columns] count (the "
			            "count) and where: territory or territory_code (the "
			            "municipality), or territory_parent alone (the department or "
			            "province); the date (occurred_on) comes from a column, "
			            "[values] or the delivery's period");
			goto release;
		}
		p->required[OB_F_VICTIMS] = true;
		/* without a date column, the delivery's period dates the rows */
		p->required[OB_F_OCCURRED_ON] = p->columns[OB_F_OCCURRED_ON].nalt > 0;
		p->required[p->columns[OB_F_TERRITORY].nalt        ? OB_F_TERRITORY
		            : p->columns[OB_F_TERRITORY_CODE].nalt ? OB_F_TERRITORY_CODE
		                                                   : OB_F_TERRITORY_PARENT] = true;
		p->required[OB_F_SOURCE_ID] = false;
		/* a period may be a month or a year */
		p->date_forms |= OB_DATE_PARTIAL;
		return OB_OK;
	}
	/* source_id is optional: a row without one gets an id from its content
	 * (ingest_map.c); it is required only when [rules] require says so */
	if (p->required[OB_F_SOURCE_ID] && !p->columns[OB_F_SOURCE_ID].nalt) {
		e = OB_DIAG(d, OB_EINVAL, name, 0, 0, NULL, 0,
		            "require lista source_id pero [columns] no da su columna",
		            "require lists source_id but [columns] names no column for it");
		goto release;
	}
	if (p->columns[OB_F_VICTIMS].nalt)
		p->required[OB_F_VICTIMS] = true;
	return OB_OK;
release:
	ob_profile_release(p);
	return e;
}

static void list_sources(const char *dir, char *out, size_t size)
{
	char path[OB_MAX_PATH];
	DIR *dh;
	struct dirent *de;
	size_t used = 0;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/catalog/sources", dir);
	if (!(dh = opendir(path)))
		return;
	while ((de = readdir(dh))) {
		size_t n = strlen(de->d_name);
		if (n > 4 && !strcmp(de->d_name + n - 4, ".ini") && used + n < size) {
			int w = snprintf(out + used, size - used, "%s%.*s", used ? ", " : "",
			                 (int)(n - 4), de->d_name);
			if (w < 0 || (size_t)w >= size - used)
				break;
			used += (size_t)w;
		}
	}
	closedir(dh);
}

ob_err ob_profile_load(const char *dir, const char *code, struct ob_profile *p,
                       struct ob_diag *d)
{
	char path[OB_MAX_PATH], known[1024];
	char *text;
	size_t len;
	ob_err e;

	for (const char *c = code; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		      *c == '_'))
			return OB_DIAG(d, OB_ENOSOURCE, code, 0, 0, NULL, 0,
			               "código de fuente no válido «%s»: use minúsculas, cifras "
			               "y '-'",
			               "invalid source code «%s»: use lower case letters, digits "
			               "and '-'",
			               code);
	if (snprintf(path, sizeof(path), "%s/catalog/sources/%s.ini", dir, code) >=
	    (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, code, 0, 0, NULL, 0,
		               "ruta demasiado larga",
		               "path too long; use a shorter observatory directory");
	if (ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &len, d)) {
		list_sources(dir, known, sizeof(known));
		return OB_DIAG(d, OB_ENOSOURCE, code, 0, 0, NULL, 0,
		               "fuente desconocida «%s»: no hay perfil %s (fuentes conocidas: %s)",
		               "unknown source «%s»: there is no profile %s (known sources: %s)",
		               code, path, known[0] ? known : "ninguna");
	}
	e = ob_profile_parse(text, len, path, p, d);
	free(text);
	if (!e && strcmp(p->code, code)) {
		ob_profile_release(p);
		return OB_DIAG(d, OB_EINVAL, path, 0, 0, NULL, 0,
		               "el perfil dice code = %s pero el archivo se llama %s.ini",
		               "the profile says code = %s but the file is named %s.ini; make "
		               "them agree",
		               p->code, code);
	}
	return e;
}
