/* cases.c - a case type's reports per unit and year for the index presets (index/cases.h). */
#include "index/cases.h"

#include "base/strmap.h"
#include "cases/cases.h"
#include "io/date.h"

ob_err ob_ix_case_counts(struct ob_store *s, const char *dir, const char *type, int year,
                         const char *const *codes, size_t n, double *counts, size_t *total,
                         bool *found, struct ob_diag *d)
{
	struct ob_cases types;
	struct ob_case_set set = { 0 };
	struct ob_strmap at;
	const struct ob_case_type *t;
	const struct ob_calendar *cal;
	int k;
	ob_err e;

	*total = 0;
	*found = false;
	for (size_t u = 0; u < n; u++)
		counts[u] = 0;
	if ((e = ob_cases_load(dir, &types, d)))
		return e;
	if ((k = ob_cases_find(&types, type)) < 0)
		goto types_loaded;
	t = &types.types[k];
	cal = &types.calendars[k];
	if (t->unit_field < 0 || t->fields[t->unit_field].protected) {
		e = OB_DIAG(d, OB_EINVAL, t->path, 0, 0, type, strlen(type),
		            "el tipo de caso no tiene un campo de unidad que no sea protegido: el "
		            "índice no cuenta sus casos",
		            "the case type has no unit field that is not protected: the index does "
		            "not count its cases");
		goto types_loaded;
	}
	*found = true;
	if ((e = ob_case_load(s, t, &set, d)))
		goto types_loaded;
	ob_strmap_init(&at);
	for (size_t u = 0; u < n; u++)
		ob_strmap_put(&at, codes[u], strlen(codes[u]), (void *)(uintptr_t)(u + 1), NULL);
	for (size_t i = 0; i < set.n; i++) {
		const struct ob_case_rec *c = &set.cases[i];
		struct ob_date dt;
		uintptr_t u;

		if (!c->n_entries)
			continue;
		ob_date_from_days(ob_calendar_local_day(cal, c->entries[0].at), &dt);
		if (dt.year != year)
			continue;
		(*total)++;
		if ((u = (uintptr_t)ob_strmap_get(&at, c->unit, strlen(c->unit))))
			counts[u - 1]++;
	}
	ob_strmap_release(&at);
	ob_case_set_free(&set);
types_loaded:
	ob_cases_release(&types);
	return e;
}
