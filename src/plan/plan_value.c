/* plan_value.c - the value of a plan indicator that a release publishes
 * and where it stands against the plan (plan/plan.h); the list of an
 * observatory's plans. */
#include "plan/plan.h"

#include "io/csv.h"

#include <dirent.h>
#include <strings.h>
#include <math.h>
#include <unistd.h>

void ob_plan_value_init(struct ob_plan_value *v)
{
	memset(v, 0, sizeof(*v));
	v->value = v->lower = v->upper = v->path = NAN;
	v->status = OB_PLAN_NO_DATA;
}

void ob_plan_value_offer(struct ob_plan_value *v, long long max_year, long long year,
                         double value, double lower, double upper, const char *flags)
{
	if (isnan(value) || (max_year >= 0 && year > max_year) || year < v->year)
		return;
	v->year = year;
	v->value = value;
	v->lower = lower;
	v->upper = upper;
	ob_strlcpy(v->flags, flags ? flags : "", sizeof(v->flags));
}

void ob_plan_value_judge(const struct ob_plan_indicator *x, struct ob_plan_value *v)
{
	v->path = v->year ? ob_plan_path(x, (int)v->year) : NAN;
	v->status = ob_plan_status(x->direction, v->path, v->lower, v->upper);
}

/* A number of the survey file; NaN when empty or not a number. */
static double cell_num(const struct ob_csv_field *f)
{
	double x = NAN;
	if (f->len && !ob_parse_double(f->ptr, f->len, &x))
		x = NAN;
	return x;
}

enum { S_IND, S_TERR, S_YEAR, S_EST, S_LOW, S_UPP, S_FLAG, S_SEX, S_NCOLS };

ob_err ob_plan_survey_value(const char *path, const struct ob_plan_indicator *x,
                            long long max_year, struct ob_plan_value *v, struct ob_diag *d)
{
	static const char *const names[S_NCOLS] = { "indicator", "territory", "year", "estimate",
		                                    "lower", "upper", "flag", "sex" };
	/* sex: a release before the estimates by sex has the totals alone */
	static const bool required[S_NCOLS] = { true, true, true, true, true, true, true, false };
	const struct ob_csv_options o = { .encoding = OB_ENC_UTF8, .delimiter = ',' };
	struct ob_csv_reader *rd;
	const struct ob_csv_record *rec;
	long col[S_NCOLS];
	size_t need = 0;
	ob_err e;

	if (access(path, R_OK))
		return OB_ENOENT;
	if ((e = ob_csv_open(path, NULL, &o, &rd, d)))
		return e;
	if ((e = ob_csv_next(rd, &rec, d)) ||
	    (e = ob_csv_header_columns(rec, path, names, required, S_NCOLS, col, d)))
		goto close_reader;
	for (size_t k = 0; k < S_NCOLS; k++)
		need = col[k] >= 0 && (size_t)col[k] >= need ? (size_t)col[k] + 1 : need;
	while (!(e = ob_csv_next(rd, &rec, d))) {
		const struct ob_csv_field *f = rec->fields;
		long long y;
		if (rec->blank || rec->nfields < need || strcmp(f[col[S_IND]].ptr, x->indicator) ||
		    strcmp(f[col[S_TERR]].ptr, x->territory) ||
		    (col[S_SEX] >= 0 && strcmp(f[col[S_SEX]].ptr, "T")) ||
		    !ob_parse_int(f[col[S_YEAR]].ptr, f[col[S_YEAR]].len, 0, 9999, &y) ||
		    (max_year >= 0 && y > max_year) || y < v->year)
			continue;
		/* the latest row, even a suppressed one: no value, no status */
		v->year = y;
		v->value = cell_num(&f[col[S_EST]]);
		v->lower = cell_num(&f[col[S_LOW]]);
		v->upper = cell_num(&f[col[S_UPP]]);
		ob_strlcpy(v->flags, f[col[S_FLAG]].ptr, sizeof(v->flags));
	}
	if (e == OB_ENOENT)
		e = OB_OK;
close_reader:
	ob_csv_close(rd);
	return e;
}

/* A number of the indicators table; NaN when empty. */
static double table_num(const struct ob_csv_field *f)
{
	double x;
	return f->len && ob_parse_double(f->ptr, f->len, &x) ? x : NAN;
}

enum { T_IND, T_TERR, T_SEX, T_YEAR, T_VALUE, T_LOW, T_UPP, T_FLAGS, T_NCOLS };

/* The catalogue indicators' values: each total row (sex T) of indicators_csv
 * whose indicator and territory are those of an indicator of p. */
static ob_err table_values(const char *path, const struct ob_plan *p, long long max_year,
                           struct ob_plan_value *v, struct ob_diag *d)
{
	static const char *const names[T_NCOLS] = { "indicator", "territory", "sex", "year",
		                                    "value", "lower", "upper", "flags" };
	const struct ob_csv_options o = { .encoding = OB_ENC_UTF8, .delimiter = ',' };
	struct ob_csv_reader *rd;
	const struct ob_csv_record *rec;
	long col[T_NCOLS];
	size_t need = 0;
	ob_err e;

	if ((e = ob_csv_open(path, NULL, &o, &rd, d)))
		return e;
	if ((e = ob_csv_next(rd, &rec, d)) ||
	    (e = ob_csv_header_columns(rec, path, names, NULL, T_NCOLS, col, d)))
		goto close_reader;
	for (size_t k = 0; k < T_NCOLS; k++)
		need = (size_t)col[k] >= need ? (size_t)col[k] + 1 : need;
	while (!(e = ob_csv_next(rd, &rec, d))) {
		const struct ob_csv_field *f = rec->fields;
		long long y;
		if (rec->blank || rec->nfields < need ||
		    !ob_parse_int(f[col[T_YEAR]].ptr, f[col[T_YEAR]].len, 0, 9999, &y))
			continue;
		ob_plan_offer_row(p, max_year, f[col[T_IND]].ptr, f[col[T_TERR]].ptr,
		                  f[col[T_SEX]].ptr, y, table_num(&f[col[T_VALUE]]),
		                  table_num(&f[col[T_LOW]]), table_num(&f[col[T_UPP]]),
		                  f[col[T_FLAGS]].ptr, v);
	}
	if (e == OB_ENOENT)
		e = OB_OK;
close_reader:
	ob_csv_close(rd);
	return e;
}

void ob_plan_offer_row(const struct ob_plan *p, long long max_year, const char *indicator,
                       const char *territory, const char *sex, long long year, double value,
                       double lower, double upper, const char *flags, struct ob_plan_value *v)
{
	if (!indicator || !territory || !sex || strcmp(sex, "T"))
		return;
	for (size_t i = 0; i < p->nind; i++) {
		const struct ob_plan_indicator *x = &p->ind[i];
		if (x->source == OB_PLAN_CATALOG && !strcmp(indicator, x->indicator) &&
		    !strcasecmp(territory, x->territory))
			ob_plan_value_offer(&v[i], max_year, year, value, lower, upper, flags);
	}
}

void ob_plan_values_begin(const struct ob_plan *p, struct ob_plan_value *v)
{
	for (size_t i = 0; i < p->nind; i++)
		ob_plan_value_init(&v[i]);
}

ob_err ob_plan_values_end(const char *indicators_csv, const char *survey_csv,
                          const struct ob_plan *p, long long max_year, struct ob_plan_value *v,
                          struct ob_diag *d)
{
	ob_err e = OB_OK;
	bool catalog = false;

	for (size_t i = 0; i < p->nind; i++)
		catalog |= p->ind[i].source == OB_PLAN_CATALOG;
	if (catalog && indicators_csv)
		e = table_values(indicators_csv, p, max_year, v, d);
	for (size_t i = 0; i < p->nind && !e; i++)
		if (p->ind[i].source == OB_PLAN_SURVEY) {
			e = ob_plan_survey_value(survey_csv, &p->ind[i], max_year, &v[i], d);
			if (e == OB_ENOENT)
				e = OB_OK; /* a release without survey estimates */
		}
	for (size_t i = 0; i < p->nind; i++)
		ob_plan_value_judge(&p->ind[i], &v[i]);
	return e;
}

ob_err ob_plan_release_values(const char *indicators_csv, const char *survey_csv,
                              const struct ob_plan *p, long long max_year,
                              struct ob_plan_value *v, struct ob_diag *d)
{
	ob_plan_values_begin(p, v);
	return ob_plan_values_end(indicators_csv, survey_csv, p, max_year, v, d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t ob_plan_files(const char *dir, char **paths, size_t max)
{
	char path[OB_MAX_PATH];
	struct dirent *de;
	size_t n = 0;
	DIR *dh;

	if (snprintf(path, sizeof(path), "%s/catalog/plans", dir) >= (int)sizeof(path) ||
	    !(dh = opendir(path)))
		return 0;
	while ((de = readdir(dh)) && n < max) {
		size_t len = strlen(de->d_name);
		char full[OB_MAX_PATH];
		if (len <= 4 || de->d_name[0] == '.' || strcmp(de->d_name + len - 4, ".ini") ||
		    snprintf(full, sizeof(full), "%s/%s", path, de->d_name) >= (int)sizeof(full))
			continue;
		paths[n++] = ob_strdup(full);
	}
	closedir(dh);
	qsort(paths, n, sizeof(char *), cmp_str);
	return n;
}
