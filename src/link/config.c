/* config.c - linkage settings files: reading and checking them, default rules (see config.h). */
#include "link/config.h"

#include <libgen.h>
#include <math.h>

#include "base/file.h"
#include "io/date.h"
#include "io/ini.h"
#include "text/text.h"

struct parse {
	struct ob_link_config *c;
	struct ob_diag *d;
	const char *name;
	long line;
	enum { S_NONE, S_LINK, S_FIELD, S_BLOCK } sec;
	struct ob_link_group *g; /* the [field] being read */
	char dir[OB_MAX_PATH];  /* of the settings file */
};

static bool eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

/* The value v[0..vn) of the current line refused, with why in Spanish and
 * in English. */
static ob_err bad(struct parse *p, const char *v, size_t vn, const char *es, const char *en)
{
	return ob_diag_set_texts(p->d, OB_EINVAL, p->name, p->line, 0, v, vn, es, en);
}

static ob_err parse_bool(struct parse *p, const char *v, size_t n, bool *out)
{
	if (eq(v, n, "yes") || eq(v, n, "sí") || eq(v, n, "si") || eq(v, n, "true") ||
	    eq(v, n, "1")) {
		*out = true;
		return OB_OK;
	}
	if (eq(v, n, "no") || eq(v, n, "false") || eq(v, n, "0")) {
		*out = false;
		return OB_OK;
	}
	return bad(p, v, n, "se esperaba yes o no", "expected yes or no");
}

static ob_err parse_num(struct parse *p, const char *v, size_t n, double lo, double hi,
                        double *out)
{
	if (!ob_parse_double(v, n, out) || !(*out >= lo && *out <= hi))
		return OB_DIAG(p->d, OB_EINVAL, p->name, p->line, 0, v, n,
		               "se esperaba un número entre %g y %g",
		               "expected a number between %g and %g", lo, hi);
	return OB_OK;
}

/* A probability in (0, 1), or (0, 1] when one is allowed. */
static ob_err parse_prob(struct parse *p, const char *v, size_t n, bool one, double *out)
{
	if (!ob_parse_double(v, n, out) || !(*out > 0) || !(one ? *out <= 1 : *out < 1))
		return one ? bad(p, v, n, "se esperaba una probabilidad mayor que 0 y hasta 1",
		                 "expected a probability in (0, 1]")
		           : bad(p, v, n, "se esperaba una probabilidad mayor que 0 y menor que 1",
		                 "expected a probability in (0, 1)");
	return OB_OK;
}

/* "a | b | c" into folded alternatives. */
static ob_err parse_colref(struct parse *p, const char *v, size_t n, struct ob_link_colref *ref)
{
	size_t i = 0;

	memset(ref, 0, sizeof(*ref));
	snprintf(ref->shown, sizeof(ref->shown), "%.*s", (int)n, v);
	while (i <= n) {
		size_t j = i;
		const char *s;
		size_t sn;
		struct ob_buf k = OB_BUF_INIT(sizeof(ref->alt[0]) - 1);

		while (j < n && v[j] != '|')
			j++;
		s = v + i;
		sn = j - i;
		ob_trim(&s, &sn);
		i = j + 1;
		if (!sn)
			continue;
		if (ref->nalt >= OB_LINK_MAX_ALT)
			return OB_DIAG(p->d, OB_ETOOBIG, p->name, p->line, 0, v, n,
			               "más de %d nombres para una columna",
			               "more than %d names for a column", OB_LINK_MAX_ALT);
		if (ob_fold_key(s, sn, &k)) {
			ob_buf_release(&k);
			return bad(p, s, sn, "nombre de columna no válido",
			           "invalid column name");
		}
		ob_strlcpy(ref->alt[ref->nalt++], k.ptr ? k.ptr : "", sizeof(ref->alt[0]));
		ob_buf_release(&k);
	}
	if (!ref->nalt)
		return bad(p, v, n, "falta el nombre de la columna",
		           "missing column name");
	return OB_OK;
}

static ob_err parse_dates(struct parse *p, const char *v, size_t n, unsigned *forms)
{
	static const struct {
		const char *name;
		unsigned flag;
	} f[] = {
		{ "dmy", OB_DATE_DMY }, { "mdy", OB_DATE_MDY }, { "iso", OB_DATE_ISO },
		{ "excel", OB_DATE_EXCEL }, { "partial", OB_DATE_PARTIAL },
	};
	size_t i = 0;

	*forms = 0;
	while (i < n) {
		size_t j = i, k;
		const char *s;
		size_t sn;
		while (j < n && v[j] != ',')
			j++;
		s = v + i;
		sn = j - i;
		ob_trim(&s, &sn);
		i = j + 1;
		for (k = 0; k < OB_ARRAY_SIZE(f); k++)
			if (eq(s, sn, f[k].name))
				break;
		if (k == OB_ARRAY_SIZE(f))
			return bad(p, s, sn, "forma de fecha desconocida; se esperaba dmy, mdy, iso, "
			           "excel o partial",
			           "unknown date form; expected dmy, mdy, iso, excel or partial");
		*forms |= f[k].flag;
	}
	if ((*forms & OB_DATE_DMY) && (*forms & OB_DATE_MDY))
		return bad(p, v, n, "dmy y mdy no pueden ir juntas",
		           "dmy and mdy exclude each other");
	return OB_OK;
}

/* The path v[0..n) relative to the settings file's folder, into out. */
static ob_err resolve(struct parse *p, const char *v, size_t n, char *out, size_t size)
{
	int w = n && v[0] == '/' ? snprintf(out, size, "%.*s", (int)n, v)
	                         : snprintf(out, size, "%s/%.*s", p->dir, (int)n, v);

	if (w < 0 || (size_t)w >= size)
		return OB_DIAG(p->d, OB_ETOOBIG, p->name, p->line, 0, v, n,
		               "ruta demasiado larga", "path too long");
	return OB_OK;
}

static ob_err link_key(struct parse *p, const char *k, size_t kn, const char *v, size_t vn)
{
	struct ob_link_config *c = p->c;
	struct ob_link_options *o = &c->opts;
	double x;
	ob_err e;

	if (eq(k, kn, "id")) {
		c->has_id = true;
		return parse_colref(p, v, vn, &c->id);
	}
	if (eq(k, kn, "threshold"))
		return parse_prob(p, v, vn, false, &o->threshold);
	if (eq(k, kn, "report"))
		return parse_prob(p, v, vn, true, &o->report_min);
	if (eq(k, kn, "assign")) {
		if (eq(v, vn, "greedy"))
			o->assign = OB_ASSIGN_GREEDY;
		else if (eq(v, vn, "optimal"))
			o->assign = OB_ASSIGN_OPTIMAL;
		else
			return bad(p, v, vn, "se esperaba greedy u optimal",
			           "expected greedy or optimal");
		return OB_OK;
	}
	if (eq(k, kn, "within")) {
		c->within_given = true;
		return parse_bool(p, v, vn, &o->within);
	}
	if (eq(k, kn, "em")) {
		if (eq(v, vn, "fixed-u"))
			o->em = OB_LINK_EM_FIXED_U;
		else if (eq(v, vn, "plain"))
			o->em = OB_LINK_EM_PLAIN;
		else if (eq(v, vn, "fastlink"))
			o->em = OB_LINK_EM_FASTLINK;
		else
			return bad(p, v, vn, "se esperaba fixed-u, plain o fastlink",
			           "expected fixed-u, plain or fastlink");
		return OB_OK;
	}
	if (eq(k, kn, "u_pairs")) {
		if ((e = parse_num(p, v, vn, 1, 1e9, &x)))
			return e;
		o->u_pairs = (uint64_t)x;
		return OB_OK;
	}
	if (eq(k, kn, "seed")) {
		long long s;
		if (!ob_parse_int(v, vn, 0, INT64_MAX, &s))
			return bad(p, v, vn, "se esperaba un entero no negativo",
			           "expected a non-negative integer");
		o->seed = (uint64_t)s;
		return OB_OK;
	}
	if (eq(k, kn, "threads")) {
		if ((e = parse_num(p, v, vn, 0, 64, &x)))
			return e;
		o->threads = (int)x;
		return OB_OK;
	}
	if (eq(k, kn, "keep_enye"))
		return parse_bool(p, v, vn, &c->keep_enye);
	if (eq(k, kn, "dates"))
		return parse_dates(p, v, vn, &c->date_forms);
	if (eq(k, kn, "delimiter")) {
		if (eq(v, vn, "auto"))
			c->csv.delimiter = 0;
		else if (eq(v, vn, "tab"))
			c->csv.delimiter = '\t';
		else if (eq(v, vn, "pipe") || eq(v, vn, "|"))
			c->csv.delimiter = '|';
		else if (vn == 1 && (v[0] == ',' || v[0] == ';'))
			c->csv.delimiter = v[0];
		else
			return bad(p, v, vn, "se esperaba auto, «,», «;», tab o pipe",
			           "expected auto, «,», «;», tab or pipe");
		return OB_OK;
	}
	if (eq(k, kn, "encoding")) {
		if (eq(v, vn, "auto"))
			c->csv.encoding = OB_ENC_AUTO;
		else if (eq(v, vn, "utf-8"))
			c->csv.encoding = OB_ENC_UTF8;
		else if (eq(v, vn, "windows-1252"))
			c->csv.encoding = OB_ENC_CP1252;
		else
			return bad(p, v, vn, "se esperaba auto, utf-8 o windows-1252",
			           "expected auto, utf-8 or windows-1252");
		return OB_OK;
	}
	return OB_DIAG(p->d, OB_EINVAL, p->name, p->line, 0, k, kn,
	               "clave desconocida en [link]", "unknown key in [link]");
}

/* The spec entries of a group, so options apply to all of them. */
static void group_set_kinds(struct ob_link_config *c, struct ob_link_group *g, const char *type)
{
	static const char *const full[3] = { ".nombres", ".apellido1", ".apellido2" };
	static const enum ob_link_kind fk[3] = { OB_LINK_GIVEN, OB_LINK_SURNAME1,
	                                         OB_LINK_SURNAME2 };

	g->first = c->nspec;
	if (!strcmp(type, "surnames")) {
		g->type = OB_GROUP_SURNAMES;
		g->n = 2;
		for (int t = 0; t < 2; t++) {
			struct ob_link_field *f = &c->spec[c->nspec++];
			memset(f, 0, sizeof(*f));
			snprintf(f->name, sizeof(f->name), "%.60s%d", g->name, t + 1);
			f->kind = t ? OB_LINK_SURNAME2 : OB_LINK_SURNAME1;
			ob_link_field_defaults(f);
		}
	} else if (!strcmp(type, "fullname")) {
		g->type = OB_GROUP_FULLNAME;
		g->n = 3;
		for (int t = 0; t < 3; t++) {
			struct ob_link_field *f = &c->spec[c->nspec++];
			memset(f, 0, sizeof(*f));
			snprintf(f->name, sizeof(f->name), "%.50s%s", g->name, full[t]);
			f->kind = fk[t];
			ob_link_field_defaults(f);
		}
	} else {
		struct ob_link_field *f = &c->spec[c->nspec++];
		g->type = OB_GROUP_ONE;
		g->n = 1;
		memset(f, 0, sizeof(*f));
		ob_strlcpy(f->name, g->name, sizeof(f->name));
		f->kind = ob_link_kind_from_name(type);
		ob_link_field_defaults(f);
	}
}

static ob_err field_key(struct parse *p, const char *k, size_t kn, const char *v, size_t vn)
{
	struct ob_link_config *c = p->c;
	struct ob_link_group *g = p->g;
	ob_err e;

	if (eq(k, kn, "type")) {
		char type[16];
		snprintf(type, sizeof(type), "%.*s", (int)vn, v);
		if (g->n)
			return bad(p, v, vn, "el tipo ya se dio",
			           "the type was already given");
		if (strcmp(type, "surnames") && strcmp(type, "fullname") &&
		    (ob_link_kind_from_name(type) == OB_LINK_KIND_COUNT || vn >= sizeof(type) ||
		     ob_link_kind_from_name(type) == OB_LINK_SURNAME_ORDER))
			return bad(p, v, vn, "tipo desconocido; se esperaba given, surnames, surname1, "
			           "surname2, fullname, string, date, number, age, code o "
			           "territory",
			           "unknown type; expected given, surnames, surname1, surname2, "
			           "fullname, string, date, number, age, code or territory");
		if (c->nspec + (strcmp(type, "fullname") ? !strcmp(type, "surnames") ? 2 : 1 : 3) >
		    OB_MAX_LINK_FIELDS)
			return OB_DIAG(p->d, OB_ETOOBIG, p->name, p->line, 0, v, vn,
			               "más de %d comparaciones", "more than %d comparisons",
			               OB_MAX_LINK_FIELDS);
		group_set_kinds(c, g, type);
		return OB_OK;
	}
	if (!g->n)
		return OB_DIAG(p->d, OB_EINVAL, p->name, p->line, 0, k, kn,
		               "«type» debe ir primero en [field %s]",
		               "«type» must come first in [field %s]", g->name);
	if (eq(k, kn, "column")) {
		g->ncol = 1;
		return parse_colref(p, v, vn, &g->col[0]);
	}
	if (eq(k, kn, "columns")) {
		const char *comma = memchr(v, ',', vn);
		size_t n1;
		if (g->type != OB_GROUP_SURNAMES || !comma)
			return bad(p, v, vn, "«columns» es para dos columnas de apellidos: «columns = "
			           "primero, segundo»",
			           "«columns» takes two surname columns: «columns = first, "
			           "second»");
		n1 = (size_t)(comma - v);
		if ((e = parse_colref(p, v, n1, &g->col[0])) ||
		    (e = parse_colref(p, comma + 1, vn - n1 - 1, &g->col[1])))
			return e;
		g->ncol = 2;
		return OB_OK;
	}
	if (eq(k, kn, "levels")) {
		double cut[OB_MAX_LEVELS - 1];
		int nc = 0;
		size_t i = 0;
		enum ob_link_kind kind = c->spec[g->first].kind;
		bool text = kind == OB_LINK_GIVEN || kind == OB_LINK_SURNAME1 ||
		            kind == OB_LINK_SURNAME2 || kind == OB_LINK_STRING;
		if (kind == OB_LINK_CODE || kind == OB_LINK_TERRITORY)
			return bad(p, v, vn, "este tipo no tiene niveles configurables",
			           "this type takes no levels");
		while (i < vn) {
			size_t j = i;
			const char *s;
			size_t sn;
			while (j < vn && v[j] != ',')
				j++;
			s = v + i;
			sn = j - i;
			ob_trim(&s, &sn);
			i = j + 1;
			if (nc >= OB_MAX_LEVELS - 1)
				return OB_DIAG(p->d, OB_ETOOBIG, p->name, p->line, 0, v, vn,
				               "más de %d cortes", "more than %d cuts",
				               OB_MAX_LEVELS - 1);
			if ((e = parse_num(p, s, sn, text ? 0 : 0, text ? 1 : 1e9, &cut[nc])))
				return e;
			if (nc && (text ? cut[nc] >= cut[nc - 1] : cut[nc] <= cut[nc - 1]))
				return text ? bad(p, v, vn, "los cortes de similitud van de mayor a menor",
				                  "similarity cuts go from larger to smaller")
				            : bad(p, v, vn, "las diferencias van de menor a mayor",
				                  "differences go from smaller to larger");
			nc++;
		}
		if (!nc)
			return bad(p, v, vn, "faltan los niveles", "missing levels");
		for (size_t t = 0; t < g->n; t++) {
			memcpy(c->spec[g->first + t].cut, cut, sizeof(cut));
			c->spec[g->first + t].ncut = nc;
		}
		return OB_OK;
	}
	if (eq(k, kn, "tf") || eq(k, kn, "keep_enye")) {
		bool b;
		if ((e = parse_bool(p, v, vn, &b)))
			return e;
		for (size_t t = 0; t < g->n; t++) {
			if (eq(k, kn, "tf"))
				c->spec[g->first + t].tf = b;
			else
				c->spec[g->first + t].fold = b ? OB_NAME_KEEP_ENYE : 0;
		}
		return OB_OK;
	}
	if (eq(k, kn, "jw")) {
		enum ob_jw_convention jw;
		if (eq(v, vn, "fastlink"))
			jw = OB_JW_FASTLINK;
		else if (eq(v, vn, "winkler"))
			jw = OB_JW_WINKLER;
		else if (eq(v, vn, "winkler-bytes"))
			jw = OB_JW_WINKLER_BYTES;
		else
			return bad(p, v, vn, "se esperaba fastlink, winkler o winkler-bytes",
			           "expected fastlink, winkler or winkler-bytes");
		for (size_t t = 0; t < g->n; t++)
			c->spec[g->first + t].jw = jw;
		return OB_OK;
	}
	if (eq(k, kn, "dates")) {
		unsigned forms;
		if ((e = parse_dates(p, v, vn, &forms)))
			return e;
		c->spec[g->first].date_forms = forms;
		return OB_OK;
	}
	if (eq(k, kn, "parent") || eq(k, kn, "parents") || eq(k, kn, "neighbours")) {
		if (c->spec[g->first].kind != OB_LINK_TERRITORY)
			return OB_DIAG(p->d, OB_EINVAL, p->name, p->line, 0, k, kn,
			               "solo los campos territory la admiten",
			               "only territory fields take it");
		if (eq(k, kn, "parent")) {
			g->has_parent = true;
			return parse_colref(p, v, vn, &g->parent);
		}
		return resolve(p, v, vn, eq(k, kn, "parents") ? g->parents : g->neighbours,
		               sizeof(g->parents));
	}
	return OB_DIAG(p->d, OB_EINVAL, p->name, p->line, 0, k, kn,
	               "clave desconocida en [field %s]", "unknown key in [field %s]", g->name);
}

static long field_by_name(const struct ob_link_config *c, const char *s, size_t n)
{
	for (size_t k = 0; k < c->nspec; k++)
		if (eq(s, n, c->spec[k].name))
			return (long)k;
	/* a surnames group's name means its first surname */
	for (size_t g = 0; g < c->ngroups; g++)
		if (c->group[g].type == OB_GROUP_SURNAMES && eq(s, n, c->group[g].name))
			return (long)c->group[g].first;
	return -1;
}

static ob_err parse_rule(struct parse *p, const char *v, size_t vn, struct ob_block_rule *rule)
{
	size_t i = 0;

	memset(rule, 0, sizeof(*rule));
	snprintf(rule->text, sizeof(rule->text), "%.*s", (int)vn, v);
	if (eq(v, vn, "all"))
		return OB_OK; /* every pair */
	while (i < vn) {
		size_t j = i, fn, hn = 0;
		const char *s, *colon, *how = NULL;
		size_t sn;
		struct ob_block_term *t;
		long f;

		while (j < vn && v[j] != ',')
			j++;
		s = v + i;
		sn = j - i;
		ob_trim(&s, &sn);
		i = j + 1;
		if (!sn)
			continue;
		if (rule->nterms >= OB_MAX_BLOCK_TERMS)
			return OB_DIAG(p->d, OB_ETOOBIG, p->name, p->line, 0, v, vn,
			               "más de %d términos en una regla",
			               "more than %d terms in a rule", OB_MAX_BLOCK_TERMS);
		colon = memchr(s, ':', sn);
		fn = colon ? (size_t)(colon - s) : sn;
		if (colon) {
			how = colon + 1;
			hn = sn - fn - 1;
			ob_trim(&how, &hn);
		}
		{
			const char *fs = s;
			ob_trim(&fs, &fn);
			f = field_by_name(p->c, fs, fn);
			if (f < 0)
				return OB_DIAG(p->d, OB_EINVAL, p->name, p->line, 0, fs, fn,
				               "campo desconocido en la regla; los campos se "
				               "declaran antes con [field NOMBRE]",
				               "unknown field in the rule; fields are "
				               "declared first with [field NAME]");
		}
		t = &rule->term[rule->nterms++];
		t->field = (size_t)f;
		t->how = OB_BLOCK_EXACT;
		if (!how || eq(how, hn, "exact"))
			continue;
		if (eq(how, hn, "key"))
			t->how = OB_BLOCK_KEY;
		else if (eq(how, hn, "initial"))
			t->how = OB_BLOCK_INITIAL;
		else if (eq(how, hn, "year"))
			t->how = OB_BLOCK_YEAR;
		else if (eq(how, hn, "admin1"))
			t->how = OB_BLOCK_ADMIN1;
		else if (eq(how, hn, "keys"))
			t->how = OB_BLOCK_KEYS;
		else if (hn > 7 && !memcmp(how, "within ", 7)) {
			t->how = OB_BLOCK_WITHIN;
			if (!ob_parse_double(how + 7, hn - 7, &t->window) || !(t->window >= 0) ||
			    !isfinite(t->window))
				return bad(p, how, hn, "se esperaba «within N» con N >= 0",
				           "expected «within N» with N >= 0");
		} else {
			return bad(p, how, hn, "se esperaba exact, key, keys, initial, year, admin1 o "
			           "within N",
			           "unknown blocking term; expected exact, key, keys, initial, "
			           "year, admin1 or within N");
		}
	}
	if (!rule->nterms)
		return bad(p, v, vn, "regla vacía", "empty rule");
	return OB_OK;
}

static ob_err check_fields(struct parse *p)
{
	struct ob_link_config *c = p->c;

	for (size_t g = 0; g < c->ngroups; g++) {
		struct ob_link_group *gr = &c->group[g];
		p->line = gr->line;
		if (!gr->n)
			return OB_DIAG(p->d, OB_EINVAL, p->name, gr->line, 0, gr->name,
			               strlen(gr->name), "falta «type» en [field %s]",
			               "«type» missing in [field %s]", gr->name);
		if (!gr->ncol)
			return OB_DIAG(p->d, OB_EINVAL, p->name, gr->line, 0, gr->name,
			               strlen(gr->name), "falta «column» en [field %s]",
			               "«column» missing in [field %s]", gr->name);
		for (size_t t = 0; t < gr->n; t++) {
			struct ob_link_field *f = &c->spec[gr->first + t];
			if (c->keep_enye && !f->fold)
				f->fold = OB_NAME_KEEP_ENYE;
			if (f->kind == OB_LINK_DATE && !f->date_forms)
				f->date_forms = c->date_forms;
		}
	}
	if (!c->nspec)
		return OB_DIAG(p->d, OB_EINVAL, p->name, 0, 0, NULL, 0,
		               "no hay campos que comparar: declare al menos un [field NOMBRE]",
		               "no fields to compare: declare at least one [field NAME]");
	for (size_t r = 0; r < c->nrules; r++) {
		ob_err e = ob_block_rule_check(&c->rule[r], c->spec, c->nspec, p->d);
		if (e) {
			/* the same message, with where the rule is */
			ob_strlcpy(p->d->file, p->name, sizeof(p->d->file));
			p->d->line = c->rule_line[r];
			return e;
		}
	}
	return OB_OK;
}

/* "[link]", "[block]" or "[field NAME]". */
static ob_err open_section(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_link_config *c = p->c;
	const char *in = it->section;
	size_t inn = strlen(in), sn = inn < OB_MAX_NAME - 3 ? inn : OB_MAX_NAME - 3;
	char shown[OB_MAX_NAME];

	shown[0] = '[';
	memcpy(shown + 1, in, sn);
	memcpy(shown + 1 + sn, "]", 2);
	if (!strcmp(in, "link")) {
		p->sec = S_LINK;
	} else if (!strcmp(in, "block")) {
		p->sec = S_BLOCK;
	} else if (inn > 6 && !memcmp(in, "field ", 6)) {
		const char *fname = in + 6;
		size_t fnn = inn - 6;
		struct ob_link_group *g;
		ob_trim(&fname, &fnn);
		if (!fnn || fnn >= sizeof(g->name) - 12 || memchr(fname, ',', fnn) ||
		    memchr(fname, ':', fnn) || memchr(fname, ' ', fnn))
			return OB_DIAG(p->d, OB_EINVAL, p->name, p->line, 1, shown,
			               strlen(shown),
			               "nombre de campo no válido (sin espacios, comas ni «:»)",
			               "invalid field name (no spaces, commas or «:»)");
		for (size_t g2 = 0; g2 < c->ngroups; g2++)
			if (eq(fname, fnn, c->group[g2].name))
				return OB_DIAG(p->d, OB_EINVAL, p->name, p->line, 1, shown,
				               strlen(shown), "campo repetido",
				               "field given twice");
		if (c->ngroups >= OB_MAX_LINK_FIELDS)
			return OB_DIAG(p->d, OB_ETOOBIG, p->name, p->line, 1, shown,
			               strlen(shown), "más de %d campos", "more than %d fields",
			               OB_MAX_LINK_FIELDS);
		g = &c->group[c->ngroups++];
		memset(g, 0, sizeof(*g));
		snprintf(g->name, sizeof(g->name), "%.*s", (int)fnn, fname);
		g->line = p->line;
		p->g = g;
		p->sec = S_FIELD;
	} else {
		return OB_DIAG(p->d, OB_EINVAL, p->name, p->line, 1, shown, strlen(shown),
		               "sección desconocida; se esperaba [link], [field NOMBRE] o "
		               "[block]",
		               "unknown section; expected [link], [field NAME] or [block]");
	}
	return OB_OK;
}

static ob_err block_key(struct parse *p, const char *k, size_t kn, const char *v, size_t vn)
{
	struct ob_link_config *c = p->c;
	ob_err e;

	if (!eq(k, kn, "rule"))
		return OB_DIAG(p->d, OB_EINVAL, p->name, p->line, 0, k, kn,
		               "clave desconocida en [block]; se esperaba rule",
		               "unknown key in [block]; expected rule");
	if (c->nrules >= OB_MAX_LINK_RULES)
		return OB_DIAG(p->d, OB_ETOOBIG, p->name, p->line, 0, v, vn, "más de %d reglas",
		               "more than %d rules", OB_MAX_LINK_RULES);
	if ((e = parse_rule(p, v, vn, &c->rule[c->nrules])))
		return e;
	c->rule_line[c->nrules] = p->line;
	c->nrules++;
	c->rules_given = true;
	return OB_OK;
}

static ob_err config_item(void *ctx, const struct ob_ini_item *it)
{
	struct parse *p = ctx;

	p->line = it->line;
	if (!it->key)
		return open_section(p, it);
	if (p->sec == S_LINK)
		return link_key(p, it->key, it->key_len, it->value, it->value_len);
	if (p->sec == S_FIELD)
		return field_key(p, it->key, it->key_len, it->value, it->value_len);
	return block_key(p, it->key, it->key_len, it->value, it->value_len);
}

ob_err ob_link_config_parse(const char *text, size_t len, const char *name,
                            struct ob_link_config *c, struct ob_diag *d)
{
	struct parse p = { c, d, name, 0, S_NONE, NULL, "" };
	ob_err e;

	memset(c, 0, sizeof(*c));
	ob_link_options_defaults(&c->opts);
	c->date_forms = OB_DATE_ANY;
	ob_strlcpy(c->path, name, sizeof(c->path));
	{
		char tmp[OB_MAX_PATH];
		ob_strlcpy(tmp, name, sizeof(tmp));
		ob_strlcpy(p.dir, dirname(tmp), sizeof(p.dir));
	}
	if ((e = ob_ini_parse(text, len, name, 0, config_item, &p, d)))
		return e;
	return check_fields(&p);
}

ob_err ob_link_config_load(const char *path, struct ob_link_config *c, struct ob_diag *d)
{
	char *text;
	size_t len;
	ob_err e;

	if ((e = ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &len, d)))
		return e;
	e = ob_link_config_parse(text, len, path, c, d);
	free(text);
	return e;
}

/* ---- default rules ------------------------------------------------------------ */

static long first_of(const struct ob_link_config *c, enum ob_link_kind k)
{
	for (size_t i = 0; i < c->nspec; i++)
		if (c->spec[i].kind == k)
			return (long)i;
	return -1;
}

static const struct ob_link_group *group_of(const struct ob_link_config *c, size_t field)
{
	for (size_t g = 0; g < c->ngroups; g++)
		if (field >= c->group[g].first && field < c->group[g].first + c->group[g].n)
			return &c->group[g];
	return NULL;
}

static void add_term(struct ob_link_config *c, struct ob_block_rule *r, long field,
                     enum ob_block_how how, double window)
{
	static const char *const hn[] = { "", "key", "initial", "year", "admin1", "within",
	                                  "keys" };
	size_t len = strlen(r->text);
	char name[sizeof(c->spec[0].name)];

	if (field < 0 || r->nterms >= OB_MAX_BLOCK_TERMS)
		return;
	r->term[r->nterms].field = (size_t)field;
	r->term[r->nterms].how = how;
	r->term[r->nterms].window = window;
	r->nterms++;
	ob_strlcpy(name, c->spec[field].name, sizeof(name));
	if (how == OB_BLOCK_WITHIN)
		snprintf(r->text + len, sizeof(r->text) - len, "%s%s:within %g", len ? ", " : "",
		         name, window);
	else
		snprintf(r->text + len, sizeof(r->text) - len, "%s%s%s%s", len ? ", " : "", name,
		         how ? ":" : "", hn[how]);
}

ob_err ob_link_config_default_rules(struct ob_link_config *c, struct ob_diag *d)
{
	long given = first_of(c, OB_LINK_GIVEN), s1 = first_of(c, OB_LINK_SURNAME1);
	long s2 = first_of(c, OB_LINK_SURNAME2), date = first_of(c, OB_LINK_DATE);
	long terr = first_of(c, OB_LINK_TERRITORY);
	struct ob_block_rule *r;

	if (c->rules_given)
		return OB_OK;
	c->nrules = 0;
	if (terr >= 0 && date >= 0) {
		const struct ob_link_group *g = group_of(c, (size_t)terr);
		bool parents = g && (g->has_parent || g->parents[0]);
		r = &c->rule[c->nrules++];
		memset(r, 0, sizeof(*r));
		add_term(c, r, terr, parents ? OB_BLOCK_ADMIN1 : OB_BLOCK_EXACT, 0);
		add_term(c, r, date, OB_BLOCK_WITHIN, 3);
	}
	if (s1 >= 0) {
		r = &c->rule[c->nrules++];
		memset(r, 0, sizeof(*r));
		add_term(c, r, s1, OB_BLOCK_KEY, 0);
		add_term(c, r, given, OB_BLOCK_KEY, 0);
		add_term(c, r, date, OB_BLOCK_YEAR, 0);
	}
	if (given >= 0 && s2 >= 0) {
		r = &c->rule[c->nrules++];
		memset(r, 0, sizeof(*r));
		add_term(c, r, given, OB_BLOCK_KEY, 0);
		add_term(c, r, s2, OB_BLOCK_KEY, 0);
		add_term(c, r, date, OB_BLOCK_YEAR, 0);
	}
	if (s1 >= 0 && s2 >= 0) {
		/* no date needed; swapped surnames meet */
		r = &c->rule[c->nrules++];
		memset(r, 0, sizeof(*r));
		add_term(c, r, s1, OB_BLOCK_KEYS, 0);
		add_term(c, r, given, OB_BLOCK_INITIAL, 0);
	}
	if (!c->nrules && date >= 0) {
		r = &c->rule[c->nrules++];
		memset(r, 0, sizeof(*r));
		add_term(c, r, terr, OB_BLOCK_EXACT, 0);
		add_term(c, r, date, OB_BLOCK_WITHIN, 1);
	}
	if (!c->nrules)
		return OB_DIAG(d, OB_EINVAL, c->path, 0, 0, NULL, 0,
		               "no se pueden deducir reglas de bloqueo de estos campos (hace "
		               "falta un apellido o una fecha); escríbalas en [block]",
		               "no blocking rules can be derived from these fields (a "
		               "surname or a date is needed); write them in [block]");
	return OB_OK;
}
