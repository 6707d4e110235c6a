/* survey.c - the SQL of the survey indicators' estimates (store/survey.h). */
#include "store/survey.h"
#include "store/store_int.h"

#include <math.h>

static void bind_num(struct ob_db_stmt *st, int i, double v)
{
	if (isfinite(v))
		ob_db_bind_double(st, i, v);
	else
		ob_db_bind_null(st, i);
}

static double col_num(struct ob_db_stmt *st, int i)
{
	return ob_db_column_type(st, i) == OB_STORE_NULL ? NAN : ob_db_column_double(st, i);
}

ob_err ob_store_survey_replace(struct ob_store *s, const char *survey, const char *period,
                               const struct ob_survey_row *rows, size_t n, struct ob_diag *d)
{
	struct ob_db_stmt *st = NULL;
	int rc;

	if (ob_store_begin(s, d))
		return OB_ESTORE;
	if (ob_store_sql(s, "DELETE FROM survey_estimate WHERE survey = ?1 AND period = ?2", &st,
	                 d))
		goto rollback;
	ob_db_bind_str(st, 1, survey);
	ob_db_bind_str(st, 2, period);
	rc = ob_db_step(st);
	ob_db_finalize(st);
	st = NULL;
	if (rc != OB_DB_DONE) {
		ob_store_fail(s, d, "encuestas (surveys)");
		goto rollback;
	}
	if (ob_store_sql(s, "INSERT INTO survey_estimate(survey, indicator, territory, period,"
	                    " estimate, se, lower, upper, cv, deff, level, method, n, flags,"
	                    " suppressed, file, sha256, ingested_at, sex) VALUES (?1, ?2, ?3, ?4,"
	                    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
	                 &st, d))
		goto rollback;
	for (size_t i = 0; i < n; i++) {
		const struct ob_survey_row *r = &rows[i];
		bool none = r->suppressed;
		ob_db_reset(st);
		ob_db_bind_str(st, 1, survey);
		ob_db_bind_str(st, 2, r->indicator);
		ob_db_bind_str(st, 3, r->territory);
		ob_db_bind_str(st, 4, period);
		bind_num(st, 5, none ? NAN : r->estimate);
		bind_num(st, 6, none ? NAN : r->se);
		bind_num(st, 7, none ? NAN : r->lower);
		bind_num(st, 8, none ? NAN : r->upper);
		bind_num(st, 9, none ? NAN : r->cv);
		bind_num(st, 10, none ? NAN : r->deff);
		ob_db_bind_double(st, 11, r->level);
		ob_db_bind_str(st, 12, r->method);
		ob_db_bind_int64(st, 13, r->n);
		ob_db_bind_str(st, 14, r->flags);
		ob_db_bind_int64(st, 15, r->suppressed);
		ob_db_bind_str(st, 16, r->file);
		ob_db_bind_str(st, 17, r->sha256);
		ob_db_bind_str(st, 18, r->ingested_at);
		ob_db_bind_str(st, 19, r->sex ? r->sex : "T");
		if ((rc = ob_db_step(st)) != OB_DB_DONE) {
			ob_store_fail(s, d, "encuestas (surveys)");
			goto rollback;
		}
	}
	ob_db_finalize(st);
	return ob_store_commit(s, d) ? OB_ESTORE : OB_OK;
rollback:
	ob_db_finalize(st);
	ob_store_rollback(s);
	return OB_ESTORE;
}

int ob_store_survey_each(struct ob_store *s, const char *indicator, const char *territory,
                         const char *sex, int (*each)(void *arg, const struct ob_survey_row *r), void *arg,
                         struct ob_diag *d)
{
	struct ob_survey_row r;
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT survey, indicator, territory, period, estimate, se, lower,"
	                    " upper, cv, deff, level, method, n, flags, suppressed, file, sha256,"
	                    " ingested_at, sex FROM survey_estimate"
	                    " WHERE (indicator = ?1 OR (?1 IS NULL AND indicator NOT LIKE '%:%'))"
	                    " AND (territory = ?2 OR ?2 IS NULL) AND (sex = ?3 OR ?3 IS NULL)"
	                    " ORDER BY indicator, territory, period,"
	                    " CASE sex WHEN 'T' THEN 0 WHEN 'F' THEN 1 ELSE 2 END, survey",
	                 &st, d))
		return -1;
	ob_db_bind_str(st, 1, indicator);
	ob_db_bind_str(st, 2, territory);
	ob_db_bind_str(st, 3, sex);
	while ((rc = ob_db_step(st)) == OB_DB_ROW) {
		r.survey = ob_db_column_text(st, 0);
		r.indicator = ob_db_column_text(st, 1);
		r.territory = ob_db_column_text(st, 2);
		r.period = ob_db_column_text(st, 3);
		r.estimate = col_num(st, 4);
		r.se = col_num(st, 5);
		r.lower = col_num(st, 6);
		r.upper = col_num(st, 7);
		r.cv = col_num(st, 8);
		r.deff = col_num(st, 9);
		r.level = ob_db_column_double(st, 10);
		r.method = ob_db_column_text(st, 11);
		r.n = ob_db_column_int64(st, 12);
		r.flags = ob_db_column_text(st, 13);
		r.suppressed = ob_db_column_int(st, 14) != 0;
		r.file = ob_db_column_text(st, 15);
		r.sha256 = ob_db_column_text(st, 16);
		r.ingested_at = ob_db_column_text(st, 17);
		r.sex = ob_db_column_text(st, 18);
		if ((stop = each(arg, &r)))
			break;
	}
	return ob_store_sql_end(s, st, rc, stop, "encuestas (surveys)", d);
}
