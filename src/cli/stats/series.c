/* series.c - the rows of an "observa stats" table grouped into series (the
 * rows with the same --by value) and ordered by time within each: what
 * "stats trend" and "stats outbreak" share (stats.h). */
#include "cli/stats/stats.h"

void st_series_init(struct st_series *s)
{
	memset(s, 0, sizeof(*s));
	ob_strmap_init(&s->map);
}

void st_series_release(struct st_series *s)
{
	free(s->series_of);
	free(s->order);
	free(s->v);
	ob_strmap_release(&s->map);
	memset(s, 0, sizeof(*s));
}

ob_err st_series_group(struct st_series *s, const struct st_table *t, size_t by,
                       struct ob_diag *d)
{
	size_t n = t->nrows, *fill;
	ob_err e;

	s->series_of = ob_calloc(n ? n : 1, sizeof(size_t));
	s->order = ob_calloc(n ? n : 1, sizeof(size_t));
	s->v = ob_calloc(n ? n : 1, sizeof(struct st_one_series));
	for (size_t r = 0; r < n; r++) {
		const char *key = by == SIZE_MAX ? "" : st_table_cell(t, r, by);
		size_t len = strlen(key);
		void *v = ob_strmap_get(&s->map, key, len);

		if (!v) {
			if ((e = ob_strmap_put(&s->map, key, len, (void *)(uintptr_t)(s->n + 1), NULL)))
				return OB_DIAG(d, e, t->rd.name, t->line[r], 0, NULL, 0,
				               "demasiadas series", "too many series");
			/* each key is its own allocation: the pointer survives rehashing */
			s->v[s->n].name = ob_strmap_find(&s->map, key, len)->key;
			s->v[s->n].len = len;
			v = (void *)(uintptr_t)++s->n;
		}
		s->series_of[r] = (size_t)(uintptr_t)v - 1;
		s->v[s->series_of[r]].n++;
	}
	for (size_t i = 0, at = 0; i < s->n; i++) {
		s->v[i].first = at;
		at += s->v[i].n;
	}
	fill = ob_calloc(s->n ? s->n : 1, sizeof(size_t));
	for (size_t r = 0; r < n; r++) {
		size_t i = s->series_of[r];
		s->order[s->v[i].first + fill[i]++] = r;
	}
	free(fill);
	return OB_OK;
}

static int by_time(const void *a, const void *b, void *time)
{
	const double *t = time;
	double x = t[*(const size_t *)a], y = t[*(const size_t *)b];

	if (x != y)
		return x < y ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

ob_err st_series_by_time(struct st_series *s, const struct st_table *t, size_t tc,
                         const double *time, struct ob_diag *d)
{
	for (size_t i = 0; i < s->n; i++) {
		size_t *rows = s->order + s->v[i].first, n = s->v[i].n;

		qsort_r(rows, n, sizeof(*rows), by_time, (void *)time);
		for (size_t j = 1; j < n; j++)
			if (time[rows[j]] == time[rows[j - 1]]) {
				size_t r = rows[j] > rows[j - 1] ? rows[j] : rows[j - 1];
				size_t q = rows[j] > rows[j - 1] ? rows[j - 1] : rows[j];
				const char *v = st_table_cell(t, r, tc);
				return OB_DIAG(d, OB_EINVAL, t->rd.name, t->line[r], (long)tc + 1, v,
				               strlen(v),
				               "tiempo repetido en la serie «%s» (ya en la línea %ld)",
				               "time repeated in the series «%s» (already on line %ld)",
				               s->v[i].name, t->line[q]);
			}
	}
	return OB_OK;
}
