/* plan.c - plans as data, their target paths and the status rule
 * (plan/plan.h). */
#include "plan/plan.h"

#include "base/file.h"
#include "io/ini.h"

#include <dirent.h>
#include <math.h>

void ob_plan_release(struct ob_plan *p)
{
	free(p->path);
	free(p->code);
	free(p->name);
	free(p->country);
	for (size_t i = 0; i < p->ngoals; i++) {
		free(p->goal[i].id);
		free(p->goal[i].name_es);
		free(p->goal[i].name_en);
	}
	for (size_t i = 0; i < p->nind; i++) {
		struct ob_plan_indicator *x = &p->ind[i];
		free(x->id);
		free(x->goal);
		free(x->indicator);
		free(x->territory);
		free(x->periodicity);
		free(x->responsible);
		free(x->unit);
	}
	memset(p, 0, sizeof(*p));
}

struct parse {
	struct ob_plan *p;
	struct ob_diag *d;
	const char *file;
	enum { S_NONE, S_PLAN, S_GOAL, S_INDICATOR } sec;
};

static ob_err set_str(char **dst, const struct ob_ini_item *it)
{
	free(*dst);
	*dst = ob_strdup(it->value);
	return OB_OK;
}

static ob_err bad(struct parse *ps, const struct ob_ini_item *it, const char *es, const char *en)
{
	return OB_DIAG(ps->d, OB_EINVAL, ps->file, it->line, it->value_column, it->value,
	               it->value_len, "%s: se esperaba %s%.0s", "%s: expected %.0s%s", it->key, es,
	               en);
}

static bool year_of(const char *s, size_t n, int *y)
{
	long long v;
	if (!ob_parse_int(s, n, 1900, 2200, &v))
		return false;
	*y = (int)v;
	return true;
}

static ob_err on_item(void *ctx, const struct ob_ini_item *it)
{
	struct parse *ps = ctx;
	struct ob_plan *p = ps->p;
	struct ob_plan_indicator *x = p->nind ? &p->ind[p->nind - 1] : NULL;
	struct ob_plan_goal *g = p->ngoals ? &p->goal[p->ngoals - 1] : NULL;
	double v;

	if (!it->key) {
		const char *s = it->section;
		if (!strcmp(s, "plan")) {
			ps->sec = S_PLAN;
		} else if (!strncmp(s, "goal ", 5) && s[5]) {
			if (p->ngoals >= OB_MAX_PLAN_INDICATORS)
				return OB_DIAG(ps->d, OB_ETOOBIG, ps->file, it->line, it->key_column, s,
				               strlen(s), "más de %d metas", "more than %d goals",
				               OB_MAX_PLAN_INDICATORS);
			g = &p->goal[p->ngoals++];
			g->id = ob_strdup(s + 5);
			ps->sec = S_GOAL;
		} else if (!strncmp(s, "indicator ", 10) && s[10]) {
			if (p->nind >= OB_MAX_PLAN_INDICATORS)
				return OB_DIAG(ps->d, OB_ETOOBIG, ps->file, it->line, it->key_column, s,
				               strlen(s), "más de %d indicadores",
				               "more than %d indicators", OB_MAX_PLAN_INDICATORS);
			x = &p->ind[p->nind++];
			x->id = ob_strdup(s + 10);
			x->line = it->line;
			x->direction = 0;
			x->baseline = NAN;
			for (size_t i = 0; i + 1 < p->nind; i++)
				if (!strcmp(p->ind[i].id, x->id))
					return OB_DIAG(ps->d, OB_EINVAL, ps->file, it->line, it->key_column, s,
					               strlen(s), "indicador repetido (ya en la línea %ld)",
					               "indicator given twice (already on line %ld)",
					               p->ind[i].line);
			ps->sec = S_INDICATOR;
		} else {
			return OB_DIAG(ps->d, OB_EPARSE, ps->file, it->line, it->key_column, s, strlen(s),
			               "sección desconocida: se esperaba [plan], [goal ID] o "
			               "[indicator ID]",
			               "unknown section: expected [plan], [goal ID] or [indicator ID]");
		}
		return OB_OK;
	}
#define KEY(k) (!strcmp(it->key, k))
	switch (ps->sec) {
	case S_PLAN:
		if (KEY("code")) return set_str(&p->code, it);
		if (KEY("name")) return set_str(&p->name, it);
		if (KEY("country")) return set_str(&p->country, it);
		break;
	case S_GOAL:
		if (KEY("name_es")) return set_str(&g->name_es, it);
		if (KEY("name_en")) return set_str(&g->name_en, it);
		break;
	case S_INDICATOR:
		if (KEY("goal")) return set_str(&x->goal, it);
		if (KEY("indicator")) return set_str(&x->indicator, it);
		if (KEY("territory")) return set_str(&x->territory, it);
		if (KEY("periodicity")) return set_str(&x->periodicity, it);
		if (KEY("responsible")) return set_str(&x->responsible, it);
		if (KEY("unit")) return set_str(&x->unit, it);
		if (KEY("source")) {
			if (!strcmp(it->value, "catalog"))
				x->source = OB_PLAN_CATALOG;
			else if (!strcmp(it->value, "survey"))
				x->source = OB_PLAN_SURVEY;
			else
				return bad(ps, it, "catalog o survey", "catalog or survey");
			return OB_OK;
		}
		if (KEY("direction")) {
			if (!strcmp(it->value, "down"))
				x->direction = -1;
			else if (!strcmp(it->value, "up"))
				x->direction = 1;
			else
				return bad(ps, it, "down (menos es mejor) o up (más es mejor)",
				           "down (less is better) or up (more is better)");
			return OB_OK;
		}
		if (KEY("baseline"))
			return ob_parse_double(it->value, it->value_len, &v) && isfinite(v)
			       ? (x->baseline = v, OB_OK)
			       : bad(ps, it, "un número", "a number");
		if (KEY("baseline_year"))
			return year_of(it->value, it->value_len, &x->baseline_year)
			       ? OB_OK : bad(ps, it, "un año", "a year");
		if (!strncmp(it->key, "target ", 7)) {
			int y;
			size_t k;
			if (!year_of(it->key + 7, it->key_len - 7, &y))
				return OB_DIAG(ps->d, OB_EINVAL, ps->file, it->line, it->key_column, it->key,
				               it->key_len, "se esperaba «target AÑO = VALOR»",
				               "expected «target YEAR = VALUE»");
			if (!ob_parse_double(it->value, it->value_len, &v) || !isfinite(v))
				return bad(ps, it, "un número", "a number");
			if (x->ntargets >= OB_MAX_PLAN_TARGETS)
				return OB_DIAG(ps->d, OB_ETOOBIG, ps->file, it->line, it->key_column,
				               it->key, it->key_len, "más de %d metas anuales",
				               "more than %d yearly targets", OB_MAX_PLAN_TARGETS);
			for (k = 0; k < x->ntargets; k++)
				if (x->target[k].year >= y)
					break;
			if (k < x->ntargets && x->target[k].year == y)
				return OB_DIAG(ps->d, OB_EINVAL, ps->file, it->line, it->key_column, it->key,
				               it->key_len, "meta repetida para %d",
				               "target given twice for %d", y);
			memmove(&x->target[k + 1], &x->target[k],
			        (x->ntargets - k) * sizeof(x->target[0]));
			x->target[k].year = y;
			x->target[k].value = v;
			x->ntargets++;
			return OB_OK;
		}
		break;
	case S_NONE:
		break;
	}
#undef KEY
	return OB_DIAG(ps->d, OB_EPARSE, ps->file, it->line, it->key_column, it->key, it->key_len,
	               "clave desconocida en [%s] (docs/commands/plan.md dice cuáles hay)",
	               "unknown key in [%s] (docs/commands/plan.md lists them)", it->section);
}

ob_err ob_plan_parse(const char *text, size_t len, const char *name, struct ob_plan *p,
                     struct ob_diag *d)
{
	struct parse ps = { p, d, name, S_NONE };
	ob_err e;

	memset(p, 0, sizeof(*p));
	p->path = ob_strdup(name);
	if ((e = ob_ini_parse(text, len, name, 0, on_item, &ps, d)))
		goto release_plan;
	if (!p->code || !p->country) {
		e = OB_DIAG(d, OB_EINVAL, name, 0, 0, NULL, 0, "falta «%s» en [plan]",
		            "«%s» is missing from [plan]", !p->code ? "code" : "country");
		goto release_plan;
	}
	for (size_t i = 0; i < p->nind; i++) {
		struct ob_plan_indicator *x = &p->ind[i];
		const char *miss = !x->indicator ? "indicator"
		                   : isnan(x->baseline) ? "baseline"
		                   : !x->baseline_year ? "baseline_year"
		                   : !x->direction ? "direction"
		                   : !x->ntargets ? "target AÑO" : NULL;
		bool goal_ok = !x->goal;
		if (miss) {
			e = OB_DIAG(d, OB_EINVAL, name, x->line, 0, NULL, 0,
			            "falta «%s» en [indicator %s]", "«%s» is missing from [indicator %s]",
			            miss, x->id);
			goto release_plan;
		}
		for (size_t k = 0; k < p->ngoals && !goal_ok; k++)
			goal_ok = !strcmp(p->goal[k].id, x->goal);
		if (!goal_ok) {
			e = OB_DIAG(d, OB_EINVAL, name, x->line, 0, x->goal, strlen(x->goal),
			            "[indicator %s]: goal no nombra ninguna sección [goal ID]",
			            "[indicator %s]: goal names no [goal ID] section", x->id);
			goto release_plan;
		}
		if (x->target[0].year <= x->baseline_year) {
			e = OB_DIAG(d, OB_EINVAL, name, x->line, 0, NULL, 0,
			            "[indicator %s]: las metas son de años posteriores a la línea de "
			            "base (%d)", "[indicator %s]: targets are for years after the "
			            "baseline's (%d)", x->id, x->baseline_year);
			goto release_plan;
		}
		if (!x->territory)
			x->territory = ob_strdup(p->country);
	}
	if (!p->nind) {
		e = OB_DIAG(d, OB_EINVAL, name, 0, 0, NULL, 0,
		            "el plan no tiene ninguna sección [indicator ID]",
		            "the plan has no [indicator ID] section");
		goto release_plan;
	}
	return OB_OK;
release_plan:
	ob_plan_release(p);
	return e;
}

/* The one .ini of DIR/catalog/plans into path. */
static ob_err only_plan(const char *dir, char *path, size_t size, struct ob_diag *d)
{
	char plans[OB_MAX_PATH];
	struct dirent *de;
	size_t found = 0;
	DIR *dh;

	if (snprintf(plans, sizeof(plans), "%s/catalog/plans", dir) >= (int)sizeof(plans))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (!(dh = opendir(plans)))
		return OB_DIAG(d, OB_ENOENT, plans, 0, 0, NULL, 0,
		               "no hay planes: se esperaba un archivo .ini en %s",
		               "there are no plans: expected an .ini file in %s", plans);
	while ((de = readdir(dh))) {
		size_t n = strlen(de->d_name);
		if (n > 4 && !strcmp(de->d_name + n - 4, ".ini") && de->d_name[0] != '.' &&
		    !found++ && snprintf(path, size, "%s/%s", plans, de->d_name) >= (int)size) {
			closedir(dh);
			return OB_DIAG(d, OB_ETOOBIG, plans, 0, 0, NULL, 0, "ruta demasiado larga",
			               "path too long");
		}
	}
	closedir(dh);
	if (!found)
		return OB_DIAG(d, OB_ENOENT, plans, 0, 0, NULL, 0,
		               "no hay planes: se esperaba un archivo .ini en %s",
		               "there are no plans: expected an .ini file in %s", plans);
	if (found > 1)
		return OB_DIAG(d, OB_EINVAL, plans, 0, 0, NULL, 0,
		               "hay %zu planes: diga cuál con --plan",
		               "there are %zu plans: say which with --plan", found);
	return OB_OK;
}

ob_err ob_plan_load(const char *dir, const char *spec, struct ob_plan *p, struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	char *text;
	size_t len;
	ob_err e;

	if (!spec) {
		if ((e = only_plan(dir, path, sizeof(path), d)))
			return e;
	} else {
		size_t n = strlen(spec);
		int w = strchr(spec, '/') || (n > 4 && !strcmp(spec + n - 4, ".ini"))
		        ? snprintf(path, sizeof(path), "%s", spec)
		        : snprintf(path, sizeof(path), "%s/catalog/plans/%s.ini", dir, spec);
		if (w < 0 || (size_t)w >= sizeof(path))
			return OB_DIAG(d, OB_ETOOBIG, spec, 0, 0, NULL, 0, "ruta demasiado larga",
			               "path too long");
	}
	if ((e = ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &len, d)))
		return e == OB_ENOENT
		       ? OB_DIAG(d, OB_ENOENT, path, 0, 0, NULL, 0, "no hay plan «%s»",
		                 "there is no plan «%s»", spec ? spec : path)
		       : e;
	e = ob_plan_parse(text, len, path, p, d);
	free(text);
	return e;
}

double ob_plan_path(const struct ob_plan_indicator *x, int year)
{
	int y0 = x->baseline_year;
	double v0 = x->baseline;

	if (!x->ntargets)
		return NAN;
	if (year <= y0)
		return v0;
	for (size_t k = 0; k < x->ntargets; k++) {
		int y1 = x->target[k].year;
		double v1 = x->target[k].value;
		if (year <= y1)
			return v0 + (v1 - v0) * (double)(year - y0) / (double)(y1 - y0);
		y0 = y1;
		v0 = v1;
	}
	return v0;
}

enum ob_plan_status ob_plan_status(int direction, double path, double lower, double upper)
{
	if (isnan(path) || isnan(lower) || isnan(upper) || !direction)
		return OB_PLAN_NO_DATA;
	if (direction < 0) {
		if (upper <= path)
			return OB_PLAN_ON_TRACK;
		if (lower > path)
			return OB_PLAN_OFF_TRACK;
		return OB_PLAN_AT_RISK;
	}
	if (lower >= path)
		return OB_PLAN_ON_TRACK;
	if (upper < path)
		return OB_PLAN_OFF_TRACK;
	return OB_PLAN_AT_RISK;
}

const char *ob_plan_status_name(enum ob_plan_status s, bool en)
{
	static const char *const es_names[] = { "en_curso", "en_riesgo", "desviado", "sin_datos" };
	static const char *const en_names[] = { "on_track", "at_risk", "off_track", "no_data" };

	if ((unsigned)s > OB_PLAN_NO_DATA)
		return "?";
	return en ? en_names[s] : es_names[s];
}
