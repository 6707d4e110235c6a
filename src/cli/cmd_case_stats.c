/* cmd_case_stats.c - "observa case stats": the statistics of a case type
 * from its cases' history (cases/stats.h) by unit, period, state or field,
 * in full for the actor's units, or with --public as the public API route
 * gives them (a whole year as it stood at its end, under the disclosure
 * control of catalog/disclosure.ini). */
#include "cli/cmd_case_stats.h"

#include "base/common.h"
#include "cases/stats.h"
#include "cli/cliutil.h"

#include <limits.h>
#include <math.h>
#include <time.h>

static void count_or_hidden(struct ob_rows *w, const struct ob_case_stats_cell *x)
{
	if (x->hidden)
		ob_rows_null(w);
	else
		ob_rows_int(w, x->n);
}

int ob_case_cmd_stats(struct ob_cmd_ctx *ctx, const struct ob_cases *types, struct ob_store *s,
                      const struct ob_case_units *units, const struct ob_case_stats_opts *o)
{
	static const struct ob_rows_col cols_es[] = {
		{ "grupo", OB_ROWS_TEXT_COL }, { "estadistica", OB_ROWS_TEXT_COL },
		{ "elemento", OB_ROWS_TEXT_COL }, { "valor", OB_ROWS_TEXT_COL },
		{ "n", OB_ROWS_NUMBER_COL }, { "cuenta", OB_ROWS_TEXT_COL },
		{ "mediana_dias", OB_ROWS_NUMBER_COL }, { "p90_dias", OB_ROWS_NUMBER_COL },
		{ "dias", OB_ROWS_TEXT_COL }, { "marcas", OB_ROWS_TEXT_COL },
	};
	static const struct ob_rows_col cols_en[] = {
		{ "group", OB_ROWS_TEXT_COL }, { "statistic", OB_ROWS_TEXT_COL },
		{ "item", OB_ROWS_TEXT_COL }, { "value", OB_ROWS_TEXT_COL },
		{ "n", OB_ROWS_NUMBER_COL }, { "counts", OB_ROWS_TEXT_COL },
		{ "median_days", OB_ROWS_NUMBER_COL }, { "p90_days", OB_ROWS_NUMBER_COL },
		{ "days", OB_ROWS_TEXT_COL }, { "flags", OB_ROWS_TEXT_COL },
	};
	struct ob_case_stats_query q;
	struct ob_case_stats st = { 0 };
	struct ob_sdc_config sdc;
	const struct ob_case_type *t;
	const struct ob_calendar *cal;
	struct ob_rows w;
	struct ob_diag d;
	int i, status = OB_EXIT_OK;
	ob_err e;

	if (!o->type) {
		OB_ERROR("case stats necesita --type TIPO (observa case types)",
		         "case stats needs --type TYPE (observa case types)");
		return OB_EXIT_USAGE;
	}
	if ((i = ob_cases_find(types, o->type)) < 0)
		return OB_EXIT_FAIL; /* said by the caller */
	t = &types->types[i];
	cal = &types->calendars[i];
	ob_case_stats_query_init(&q, (long long)time(NULL));
	if (o->now && !ob_case_time_parse(o->now, cal->utc_offset, &q.now)) {
		OB_ERROR("--now «%s»: se esperaba AAAA-MM-DD o AAAA-MM-DDTHH:MM (hora local), o con Z "
		         "o ±HH:MM",
		         "--now «%s»: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time), or with Z or "
		         "±HH:MM", o->now);
		return OB_EXIT_USAGE;
	}
	if (o->year && (o->from || o->to)) {
		OB_ERROR("--year o --from y --to, no ambos", "--year or --from and --to, not both");
		return OB_EXIT_USAGE;
	}
	if (o->public) {
		/* the public grain (cases/stats.h): --now is the time of asking */
		long year;
		if (o->from || o->to) {
			OB_ERROR("--public da años enteros (--year AAAA), no --from ni --to: dos periodos "
			         "libres se podrían restar para sacar una cifra suprimida",
			         "--public gives whole years (--year YYYY), not --from or --to: two free "
			         "periods could be subtracted to work out a suppressed figure");
			return OB_EXIT_USAGE;
		}
		ob_diag_clear(&d);
		if (ob_case_stats_public_query(cal, q.now, o->year, &q, &year, &d)) {
			ob_cli_diag(&d);
			return OB_EXIT_USAGE;
		}
	} else if (o->year && (strlen(o->year) != 4 ||
	                       !ob_case_stats_period(o->year, false, &q.from_day) ||
	                       !ob_case_stats_period(o->year, true, &q.to_day))) {
		OB_ERROR("--year «%s»: se esperaba un año AAAA", "--year «%s»: expected a year YYYY",
		         o->year);
		return OB_EXIT_USAGE;
	}
	if ((o->from && !ob_case_stats_period(o->from, false, &q.from_day)) ||
	    (o->to && !ob_case_stats_period(o->to, true, &q.to_day))) {
		OB_ERROR("--from/--to «%s»: se esperaba AAAA, AAAA-Qn, AAAA-MM o AAAA-MM-DD",
		         "--from/--to «%s»: expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD",
		         o->from && !ob_case_stats_period(o->from, false, &q.from_day) ? o->from : o->to);
		return OB_EXIT_USAGE;
	}
	if (q.from_day != LONG_MIN && q.to_day != LONG_MAX && q.from_day > q.to_day) {
		OB_ERROR("--from %s es posterior a --to %s", "--from %s is after --to %s", o->from, o->to);
		return OB_EXIT_USAGE;
	}
	if (o->by && !ob_case_stats_by_parse(t, o->by, &q.by, &q.field)) {
		OB_ERROR("--by «%s»: se esperaba unit, month, quarter, year, state o un campo no "
		         "protegido del tipo %s",
		         "--by «%s»: expected unit, month, quarter, year, state or a field of the type "
		         "%s that is not protected", o->by, t->code);
		return OB_EXIT_USAGE;
	}
	if (o->public && !ob_case_stats_public_by(q.by)) {
		OB_ERROR("--public no va por mes sino por trimestre (--by quarter): los meses suman "
		         "trimestres, y una tabla dejaría sacar el mes que la otra suprime",
		         "--public does not go by month but by quarter (--by quarter): months add up "
		         "to quarters, and one table would give away the month the other suppresses");
		return OB_EXIT_USAGE;
	}
	if (o->public && !t->stats.public) {
		OB_ERROR("las estadísticas del tipo %s no son públicas ([stats] public = yes en su "
		         "archivo del catálogo)",
		         "the statistics of type %s are not public ([stats] public = yes in its "
		         "catalogue file)", t->code);
		return OB_EXIT_FAIL;
	}
	if (!o->public)
		q.units = &units[i];
	ob_diag_clear(&d);
	if ((e = ob_case_stats_compute(s, t, cal, &q, &st, &d)) ||
	    (o->public && ((e = ob_sdc_config_load(&sdc, ctx->dir, &d)) ||
	                   (e = ob_case_stats_suppress(&st, t, &sdc, &d))))) {
		ob_cli_diag(&d);
		ob_case_stats_release(&st);
		return e == OB_ESTORE ? OB_EXIT_SYSTEM : OB_EXIT_FAIL;
	}
	ob_rows_begin(&w, o->fmt, NULL, stdout, o->en ? cols_en : cols_es, OB_ARRAY_SIZE(cols_es));
	for (size_t k = 0; k < st.n; k++) {
		const struct ob_case_stats_cell *x = &st.cells[k];
		bool time = x->stat == OB_CASE_STAT_TIME_IN_STATE;
		ob_rows_str(&w, x->group[0] ? x->group : "total");
		ob_rows_str(&w, ob_case_stat_name(x->stat));
		ob_rows_str(&w, x->item[0] ? x->item : NULL);
		ob_rows_str(&w, x->value[0] ? x->value : NULL);
		count_or_hidden(&w, x);
		ob_rows_str(&w, ob_case_stat_counts(x->stat, o->en));
		ob_rows_num(&w, x->hidden ? NAN : x->median, "%.2f");
		ob_rows_num(&w, x->hidden ? NAN : x->p90, "%.2f");
		ob_rows_str(&w, !time ? NULL
		                : st.business_days ? (o->en ? "business" : "habiles")
		                                   : (o->en ? "calendar" : "naturales"));
		ob_rows_str(&w, x->hidden ? OB_SDC_FLAG : NULL);
		ob_rows_end_row(&w);
	}
	if (ob_rows_end(&w)) {
		OB_ERROR("no se pudo escribir la salida", "the output could not be written");
		status = OB_EXIT_SYSTEM;
	}
	if (!status && !st.n)
		OB_INFO("ningún caso en el periodo", "no case in the period");
	ob_case_stats_release(&st);
	return status;
}
