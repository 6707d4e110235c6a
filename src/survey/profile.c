/* profile.c - survey profiles (INI) and the catalogue's survey indicators
 * (survey_indicators.csv), survey/profile.h. */
#include "survey/profile.h"

#include "base/file.h"
#include "io/csv.h"
#include "io/ini.h"

#include <math.h>
#include <unistd.h>

static const char *trim(const char *s, size_t *n)
{
	while (*n && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

bool ob_svy_codes_has(const struct ob_svy_codes *c, const char *s, size_t n)
{
	s = trim(s, &n);
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->v[i]) == n && !memcmp(c->v[i], s, n))
			return true;
	return false;
}

/* Split value on sep into c (blanks around each item trimmed); an empty
 * item or too many is OB_EINVAL. */
static ob_err codes_parse(struct ob_svy_codes *c, const char *value, char sep, const char *file,
                          long line, long col, const char *key, struct ob_diag *d)
{
	char *p;

	free(c->text);
	memset(c, 0, sizeof(*c));
	c->text = ob_strdup(value);
	for (p = c->text;;) {
		char *end = strchr(p, sep), *q;
		size_t n;
		if (end)
			*end = '\0';
		n = strlen(p);
		q = (char *)trim(p, &n);
		q[n] = '\0';
		if (!n || c->n >= OB_MAX_SURVEY_CODES)
			return OB_DIAG(d, OB_EINVAL, file, line, col, value, strlen(value),
			               "%s: se esperaba una lista de hasta %d códigos separados por "
			               "«%c», sin elementos vacíos",
			               "%s: expected a list of up to %d codes separated by «%c», "
			               "with no empty item", key, OB_MAX_SURVEY_CODES, sep);
		c->v[c->n++] = q;
		if (!end)
			break;
		p = end + 1;
	}
	return OB_OK;
}

static void codes_release(struct ob_svy_codes *c)
{
	free(c->text);
	memset(c, 0, sizeof(*c));
}

void ob_svy_profile_release(struct ob_svy_profile *p)
{
	char **s[] = { &p->path, &p->code, &p->name, &p->country, &p->institution, &p->weight,
	               &p->strata, &p->cluster, &p->fpc, &p->period, &p->territory,
	               &p->sex };

	for (size_t i = 0; i < OB_ARRAY_SIZE(s); i++)
		free(*s[i]);
	codes_release(&p->sex_female);
	codes_release(&p->sex_male);
	codes_release(&p->sex_missing);
	for (size_t i = 0; i < p->nind; i++) {
		struct ob_svy_pind *x = &p->ind[i];
		free(x->id);
		free(x->column);
		codes_release(&x->yes);
		codes_release(&x->no);
		codes_release(&x->missing);
		for (size_t k = 0; k < x->nuniverse; k++) {
			free(x->universe[k].column);
			codes_release(&x->universe[k].values);
		}
	}
	memset(p, 0, sizeof(*p));
}

struct parse {
	struct ob_svy_profile *p;
	struct ob_diag *d;
	const char *file;
	enum { S_NONE, S_SURVEY, S_DESIGN, S_PRECISION, S_INDICATOR } sec;
};

static ob_err set_str(char **dst, const struct ob_ini_item *it)
{
	free(*dst);
	*dst = ob_strdup(it->value);
	return OB_OK;
}

static ob_err bad_value(struct parse *ps, const struct ob_ini_item *it, const char *es,
                        const char *en)
{
	return OB_DIAG(ps->d, OB_EINVAL, ps->file, it->line, it->value_column, it->value,
	               it->value_len, "%s: se esperaba %s%.0s", "%s: expected %.0s%s", it->key, es,
	               en);
}

static ob_err universe_parse(struct parse *ps, struct ob_svy_pind *x, const struct ob_ini_item *it)
{
	char *copy = ob_strdup(it->value), *p = copy;
	ob_err e = OB_OK;

	for (;;) {
		char *amp = strchr(p, '&'), *eq;
		struct ob_svy_cond *c;
		size_t n;
		const char *col;
		if (amp)
			*amp = '\0';
		if (!(eq = strchr(p, '=')) || x->nuniverse >= OB_MAX_SURVEY_UNIVERSE) {
			e = bad_value(ps, it, "COLUMNA=V1|V2 & COLUMNA=V ... (hasta 8 condiciones)",
			              "COLUMN=V1|V2 & COLUMN=V ... (up to 8 conditions)");
			break;
		}
		*eq = '\0';
		n = strlen(p);
		col = trim(p, &n);
		if (!n) {
			e = bad_value(ps, it, "un nombre de columna antes de «=»",
			              "a column name before «=»");
			break;
		}
		c = &x->universe[x->nuniverse++];
		c->column = ob_malloc(n + 1);
		memcpy(c->column, col, n);
		c->column[n] = '\0';
		if ((e = codes_parse(&c->values, eq + 1, '|', ps->file, it->line, it->value_column,
		                     "universe", ps->d)))
			break;
		if (!amp)
			break;
		p = amp + 1;
	}
	free(copy);
	return e;
}

static ob_err on_item(void *ctx, const struct ob_ini_item *it)
{
	struct parse *ps = ctx;
	struct ob_svy_profile *p = ps->p;
	struct ob_svy_pind *x = p->nind ? &p->ind[p->nind - 1] : NULL;
	double v;

	if (!it->key) {
		const char *s = it->section;
		if (!strcmp(s, "survey"))
			ps->sec = S_SURVEY;
		else if (!strcmp(s, "design"))
			ps->sec = S_DESIGN;
		else if (!strcmp(s, "precision"))
			ps->sec = S_PRECISION;
		else if (!strncmp(s, "indicator ", 10) && s[10]) {
			if (p->nind >= OB_MAX_SURVEY_PROFILE_INDICATORS)
				return OB_DIAG(ps->d, OB_ETOOBIG, ps->file, it->line, it->key_column, s,
				               strlen(s), "más de %d indicadores",
				               "more than %d indicators", OB_MAX_SURVEY_PROFILE_INDICATORS);
			x = &p->ind[p->nind++];
			x->id = ob_strdup(s + 10);
			x->line = it->line;
			for (size_t i = 0; i + 1 < p->nind; i++)
				if (!strcmp(p->ind[i].id, x->id))
					return OB_DIAG(ps->d, OB_EINVAL, ps->file, it->line, it->key_column, s,
					               strlen(s), "indicador repetido (ya en la línea %ld)",
					               "indicator given twice (already on line %ld)",
					               p->ind[i].line);
			ps->sec = S_INDICATOR;
		} else {
			return OB_DIAG(ps->d, OB_EPARSE, ps->file, it->line, it->key_column, s, strlen(s),
			               "sección desconocida: se esperaba [survey], [design], "
			               "[precision] o [indicator ID]",
			               "unknown section: expected [survey], [design], [precision] "
			               "or [indicator ID]");
		}
		return OB_OK;
	}
#define KEY(k) (!strcmp(it->key, k))
	switch (ps->sec) {
	case S_SURVEY:
		if (KEY("code")) return set_str(&p->code, it);
		if (KEY("name")) return set_str(&p->name, it);
		if (KEY("country")) return set_str(&p->country, it);
		if (KEY("institution")) return set_str(&p->institution, it);
		break;
	case S_DESIGN:
		if (KEY("weight")) return set_str(&p->weight, it);
		if (KEY("strata")) return set_str(&p->strata, it);
		if (KEY("cluster")) return set_str(&p->cluster, it);
		if (KEY("fpc")) return set_str(&p->fpc, it);
		if (KEY("period")) return set_str(&p->period, it);
		if (KEY("territory")) return set_str(&p->territory, it);
		if (KEY("sex")) {
			p->sex_line = it->line;
			return set_str(&p->sex, it);
		}
		if (KEY("sex_female"))
			return codes_parse(&p->sex_female, it->value, ',', ps->file, it->line,
			                   it->value_column, it->key, ps->d);
		if (KEY("sex_male"))
			return codes_parse(&p->sex_male, it->value, ',', ps->file, it->line,
			                   it->value_column, it->key, ps->d);
		if (KEY("sex_missing"))
			return codes_parse(&p->sex_missing, it->value, ',', ps->file, it->line,
			                   it->value_column, it->key, ps->d);
		if (KEY("lonely_psu"))
			return ob_svy_lonely_parse(it->value, &p->lonely)
			       ? OB_OK : bad_value(ps, it, "adjust, remove o fail", "adjust, remove or fail");
		break;
	case S_PRECISION:
		if (KEY("level"))
			return ob_parse_double(it->value, it->value_len, &v) && v > 0 && v < 1
			       ? (p->opts.level = v, OB_OK)
			       : bad_value(ps, it, "un número entre 0 y 1 (0.95)",
			                   "a number between 0 and 1 (0.95)");
		if (KEY("max_cv"))
			return ob_parse_double(it->value, it->value_len, &v) && v > 0 && isfinite(v)
			       ? (p->opts.max_cv = v, OB_OK)
			       : bad_value(ps, it, "un número mayor que 0 (0.3)",
			                   "a number greater than 0 (0.3)");
		if (KEY("min_n")) {
			long long n;
			return ob_parse_int(it->value, it->value_len, 0, 1000000000, &n)
			       ? (p->opts.min_n = (size_t)n, OB_OK)
			       : bad_value(ps, it, "un número entero de 0 en adelante",
			                   "a whole number, 0 or more");
		}
		if (KEY("interval"))
			return ob_svy_ci_parse(it->value, &p->opts.prop_ci)
			       ? OB_OK : bad_value(ps, it, "logit, beta, asin, likelihood, wilson o wald",
			                           "logit, beta, asin, likelihood, wilson or wald");
		break;
	case S_INDICATOR:
		if (KEY("column")) return set_str(&x->column, it);
		if (KEY("yes"))
			return codes_parse(&x->yes, it->value, ',', ps->file, it->line, it->value_column,
			                   it->key, ps->d);
		if (KEY("no"))
			return codes_parse(&x->no, it->value, ',', ps->file, it->line, it->value_column,
			                   it->key, ps->d);
		if (KEY("missing"))
			return codes_parse(&x->missing, it->value, ',', ps->file, it->line,
			                   it->value_column, it->key, ps->d);
		if (KEY("universe"))
			return universe_parse(ps, x, it);
		break;
	case S_NONE:
		break;
	}
#undef KEY
	return OB_DIAG(ps->d, OB_EPARSE, ps->file, it->line, it->key_column, it->key, it->key_len,
	               "clave desconocida en [%s] (docs/commands/survey.md dice cuáles hay)",
	               "unknown key in [%s] (docs/commands/survey.md lists them)", it->section);
}

static ob_err missing_key(struct ob_diag *d, const char *file, long line, const char *sec,
                          const char *key)
{
	return OB_DIAG(d, OB_EINVAL, file, line, 0, NULL, 0, "falta «%s» en [%s]",
	               "«%s» is missing from [%s]", key, sec);
}

ob_err ob_svy_profile_parse(const char *text, size_t len, const char *name,
                            struct ob_svy_profile *p, struct ob_diag *d)
{
	struct parse ps = { p, d, name, S_NONE };
	ob_err e;

	memset(p, 0, sizeof(*p));
	ob_svy_opts_init(&p->opts);
	p->lonely = OB_SVY_LONELY_ADJUST;
	p->path = ob_strdup(name);
	if ((e = ob_ini_parse(text, len, name, 0, on_item, &ps, d)))
		goto release_profile;
	if (!p->code) {
		e = missing_key(d, name, 0, "survey", "code");
		goto release_profile;
	}
	if (!p->country) {
		e = missing_key(d, name, 0, "survey", "country");
		goto release_profile;
	}
	if (!p->weight) {
		e = missing_key(d, name, 0, "design", "weight");
		goto release_profile;
	}
	if (p->sex && (!p->sex_female.n || !p->sex_male.n)) {
		e = missing_key(d, name, p->sex_line, "design",
		                !p->sex_female.n ? "sex_female" : "sex_male");
		goto release_profile;
	}
	if (!p->sex && (p->sex_female.n || p->sex_male.n || p->sex_missing.n)) {
		e = missing_key(d, name, 0, "design", "sex");
		goto release_profile;
	}
	for (size_t i = 0; i < p->sex_female.n; i++)
		if (ob_svy_codes_has(&p->sex_male, p->sex_female.v[i], strlen(p->sex_female.v[i]))) {
			const char *v = p->sex_female.v[i];
			e = OB_DIAG(d, OB_EINVAL, name, p->sex_line, 0, v, strlen(v),
			            "[design] sex_female y sex_male comparten un código",
			            "[design] sex_female and sex_male share a code");
			goto release_profile;
		}
	if (!p->nind) {
		e = OB_DIAG(d, OB_EINVAL, name, 0, 0, NULL, 0,
		            "el perfil no tiene ninguna sección [indicator ID]",
		            "the profile has no [indicator ID] section");
		goto release_profile;
	}
	for (size_t i = 0; i < p->nind; i++) {
		const struct ob_svy_pind *x = &p->ind[i];
		char sec[OB_MAX_NAME];
		snprintf(sec, sizeof(sec), "indicator %s", x->id);
		if (!x->column || !x->yes.n || !x->no.n) {
			e = missing_key(d, name, x->line, sec, !x->column ? "column" : !x->yes.n ? "yes" : "no");
			goto release_profile;
		}
	}
	return OB_OK;
release_profile:
	ob_svy_profile_release(p);
	return e;
}

bool ob_svy_pind_one_sex(const struct ob_svy_profile *p, const struct ob_svy_pind *x)
{
	for (size_t i = 0; p->sex && i < x->nuniverse; i++)
		if (!strcmp(x->universe[i].column, p->sex))
			return true;
	return false;
}

ob_err ob_svy_profile_load(const char *dir, const char *spec, struct ob_svy_profile *p,
                           struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	size_t n = strlen(spec);
	char *text;
	size_t len;
	ob_err e;
	int w;

	if (strchr(spec, '/') || (n > 4 && !strcmp(spec + n - 4, ".ini")))
		w = snprintf(path, sizeof(path), "%s", spec);
	else
		w = snprintf(path, sizeof(path), "%s/catalog/surveys/%s.ini", dir, spec);
	if (w < 0 || (size_t)w >= sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, spec, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if ((e = ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &len, d)))
		return e == OB_ENOENT
		       ? OB_DIAG(d, OB_ENOENT, path, 0, 0, spec, n,
		                 "no hay perfil de encuesta «%s» (se esperaba %s)",
		                 "there is no survey profile «%s» (expected %s)", spec, path)
		       : e;
	e = ob_svy_profile_parse(text, len, path, p, d);
	free(text);
	return e;
}

/* ---- the catalogue ---- */

void ob_svy_catalog_release(struct ob_svy_catalog *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct ob_svy_indicator *x = &c->ind[i];
		free(x->id);
		free(x->name_es);
		free(x->name_en);
		free(x->description_es);
		free(x->description_en);
		free(x->sdg);
		free(x->universe_es);
		free(x->universe_en);
		free(x->police);
		free(x->reporting);
	}
	c->n = 0;
}

const struct ob_svy_indicator *ob_svy_catalog_find(const struct ob_svy_catalog *c,
                                                   const char *id)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->ind[i].id, id))
			return &c->ind[i];
	return NULL;
}

static char *field(const struct ob_csv_record *r, long i)
{
	return i >= 0 && (size_t)i < r->nfields ? ob_strdup(r->fields[i].ptr) : ob_strdup("");
}

ob_err ob_svy_catalog_load(const char *dir, struct ob_svy_catalog *c, struct ob_diag *d)
{
	static const char *const names[] = { "id", "name_es", "name_en", "description_es",
	                                     "description_en", "sdg", "universe_es", "universe_en",
	                                     "direction", "police", "police_sex", "reporting" };
	static const bool required[] = { true, true, true, true, true, true, true, true, true,
	                                 false, false, false };
	char path[OB_MAX_PATH];
	struct ob_csv_options o = { OB_ENC_UTF8, ',', 0, 0, false, NULL };
	struct ob_csv_reader *r = NULL;
	const struct ob_csv_record *rec;
	long idx[OB_ARRAY_SIZE(names)];
	ob_err e;

	memset(c, 0, sizeof(*c));
	if (snprintf(path, sizeof(path), "%s/catalog/survey_indicators.csv", dir) >=
	    (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (access(path, F_OK))
		return OB_OK;
	if ((e = ob_csv_open(path, NULL, &o, &r, d)))
		return e;
	if ((e = ob_csv_next(r, &rec, d)) ||
	    (e = ob_csv_header_columns(rec, path, names, required, OB_ARRAY_SIZE(names), idx, d)))
		goto close_reader;
	while (!(e = ob_csv_next(r, &rec, d))) {
		struct ob_svy_indicator *x;
		const char *dir_s, *sex_s;
		if (rec->blank)
			continue;
		if (c->n >= OB_MAX_SURVEY_INDICATORS) {
			e = OB_DIAG(d, OB_ETOOBIG, path, rec->line, 0, NULL, 0,
			            "más de %d indicadores de encuesta", "more than %d survey indicators",
			            OB_MAX_SURVEY_INDICATORS);
			goto close_reader;
		}
		dir_s = (size_t)idx[8] < rec->nfields ? rec->fields[idx[8]].ptr : "";
		if (strcmp(dir_s, "up") && strcmp(dir_s, "down")) {
			e = OB_DIAG(d, OB_EINVAL, path, rec->line, idx[8] + 1, dir_s, strlen(dir_s),
			            "direction: se esperaba up (más es mejor) o down (menos es mejor)",
			            "direction: expected up (more is better) or down (less is better)");
			goto close_reader;
		}
		if ((size_t)idx[0] >= rec->nfields || !rec->fields[idx[0]].len) {
			e = OB_DIAG(d, OB_EINVAL, path, rec->line, idx[0] + 1, NULL, 0,
			            "id vacío", "empty id");
			goto close_reader;
		}
		sex_s = idx[10] >= 0 && (size_t)idx[10] < rec->nfields ? rec->fields[idx[10]].ptr : "";
		if (strcmp(sex_s, "") && strcmp(sex_s, "T") && strcmp(sex_s, "F") && strcmp(sex_s, "M")) {
			e = OB_DIAG(d, OB_EINVAL, path, rec->line, idx[10] + 1, sex_s, strlen(sex_s),
			            "police_sex: se esperaba T (ambos), F, M o nada",
			            "police_sex: expected T (both), F, M or nothing");
			goto close_reader;
		}
		x = &c->ind[c->n++];
		x->police = field(rec, idx[9]);
		x->reporting = field(rec, idx[11]);
		x->police_sex = sex_s[0] ? sex_s[0] : 'T';
		x->id = field(rec, idx[0]);
		x->name_es = field(rec, idx[1]);
		x->name_en = field(rec, idx[2]);
		x->description_es = field(rec, idx[3]);
		x->description_en = field(rec, idx[4]);
		x->sdg = field(rec, idx[5]);
		x->universe_es = field(rec, idx[6]);
		x->universe_en = field(rec, idx[7]);
		x->direction = strcmp(dir_s, "up") ? -1 : 1;
	}
	if (e == OB_ENOENT)
		e = OB_OK;
close_reader:
	ob_csv_close(r);
	if (e)
		ob_svy_catalog_release(c);
	return e;
}

ob_err ob_svy_profile_check(const struct ob_svy_profile *p, const struct ob_svy_catalog *c,
                            struct ob_diag *d)
{
	for (size_t i = 0; i < p->nind; i++)
		if (!ob_svy_catalog_find(c, p->ind[i].id))
			return OB_DIAG(d, OB_EINVAL, p->path, p->ind[i].line, 1, p->ind[i].id,
			               strlen(p->ind[i].id),
			               "indicador de encuesta desconocido: se esperaba un id de "
			               "catalog/survey_indicators.csv",
			               "unknown survey indicator: expected an id of "
			               "catalog/survey_indicators.csv");
	return OB_OK;
}
