/* run.c - one run of "observa indicators": the definitions, the snapshot,
 * the units and periods asked for, then the values streamed to the output
 * (see internal.h). */
#include "cli/indicators/internal.h"

#include "base/log.h"
#include "catalog/catalog.h"
#include "cli/cliutil.h"
#include "engine/counting.h"
#include "io/date.h"

/* Every year from the first to the last month any source delivered. */
static ob_err default_periods(const struct ob_snapshot *snap, struct ob_period **p, size_t *n,
                              struct ob_diag *d)
{
	int a = INT32_MAX, b = INT32_MIN;
	char spec[32];

	for (uint32_t i = 0; i < snap->n_coverage; i++) {
		if (snap->coverage[i].from_month < a)
			a = snap->coverage[i].from_month;
		if (snap->coverage[i].to_month > b)
			b = snap->coverage[i].to_month;
	}
	if (a > b)
		return OB_DIAG(d, OB_EUSAGE, "--period", 0, 0, NULL, 0,
		               "el observatorio no tiene envíos: no hay periodos que calcular",
		               "the observatory has no deliveries: there are no periods to "
		               "compute");
	snprintf(spec, sizeof(spec), "%04d..%04d", a / 12, b / 12);
	return ob_period_parse(spec, p, n, d);
}

int ind_run(struct ob_cmd_ctx *ctx, struct opts *op)
{
	struct ob_store *st;
	const struct ob_snapshot *snap;
	const struct ob_population *pop;
	struct ob_indicator_set *set = NULL;
	struct ob_ind_result *res = NULL;
	struct ob_counting *rules = NULL;
	struct ob_period *periods = NULL;
	uint32_t *units = NULL;
	size_t *ind = NULL, n_ind = 0, n_periods = 0, n_units = 0;
	struct ob_ind_query q;
	struct ob_diag d;
	struct ctx cx;
	struct out *out = NULL;
	struct ob_strmap geo;
	int status = OB_EXIT_OK;
	bool def = false;
	double t0 = ob_now(), t_defs, t_snap, t_out;
	ob_err e;

	ob_diag_clear(&d);
	memset(&cx, 0, sizeof(cx));
	ob_strmap_init(&geo);
	if (!(st = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	if (op->map && (e = ob_catalog_geometry(st, ind_keep_geometry, &geo, &d)))
		goto fail;
	if ((e = ob_indicators_load_dir(op->dir, &set, &def, &d)))
		goto fail;
	t_defs = ob_now();
	if ((e = ob_cmd_snapshot(ctx, &d)))
		goto fail;
	snap = ctx->snap;
	pop = ctx->pop;
	t_snap = ob_now();
	if ((e = ob_counting_load(op->dir, snap, set, &rules, &d)))
		goto fail;
	if (ob_counting_from_default(rules)) {
		snprintf(cx.note_rules, sizeof(cx.note_rules),
		         en(op) ? "no %s/catalog/%s: default counting rules used"
		                : "el observatorio no tiene %s/catalog/%s: se usan las reglas de conteo "
		                  "por defecto", op->dir, OB_COUNTING_FILE);
		cx.notes[cx.n_notes++] = cx.note_rules;
	}
	if (def) {
		snprintf(cx.note_def, sizeof(cx.note_def),
		         en(op) ? "no %s/catalog/%s: default definitions used"
		                : "el observatorio no tiene %s/catalog/%s: se usan las definiciones "
		                  "por defecto", op->dir, OB_INDICATORS_FILE);
		cx.notes[cx.n_notes++] = cx.note_def;
	}
	/* indicators */
	ind = ob_malloc((set->n + 1) * sizeof(size_t));
	if (!op->indicators || op->all) {
		for (size_t i = 0; i < set->n; i++)
			ind[n_ind++] = i;
	} else {
		const char *s = op->indicators;
		while (*s) {
			const char *c = strchr(s, ',');
			size_t n = c ? (size_t)(c - s) : strlen(s);
			char id[OB_IND_ID_MAX];
			long k;

			if (n && n < sizeof(id)) {
				memcpy(id, s, n);
				id[n] = '\0';
				if ((k = ob_indicators_find(set, id)) < 0) {
					e = OB_DIAG(&d, OB_EUSAGE, "--indicator", 0, 0, s, n,
					            "indicador desconocido; vea «observa "
					            "indicators list»",
					            "unknown indicator; see «observa "
					            "indicators list»");
					goto fail;
				}
				if (n_ind < set->n)
					ind[n_ind++] = (size_t)k;
			} else if (n) {
				e = OB_DIAG(&d, OB_EUSAGE, "--indicator", 0, 0, s, n,
				            "indicador desconocido", "unknown indicator");
				goto fail;
			}
			if (!c)
				break;
			s = c + 1;
		}
	}
	if (!n_ind) {
		e = OB_DIAG(&d, OB_EUSAGE, "--indicator", 0, 0, NULL, 0,
		            "ningún indicador elegido", "no indicator chosen");
		goto fail;
	}
	if ((e = ob_ind_select_units(snap, op->territory, op->children, op->level, op->country,
	                             &units, &n_units, &d)))
		goto fail;
	if ((e = op->period ? ob_period_parse(op->period, &periods, &n_periods, &d)
	                    : default_periods(snap, &periods, &n_periods, &d)))
		goto fail;
	if (op->map && (n_ind != 1 || n_periods != 1 || op->n_by)) {
		e = OB_DIAG(&d, OB_EUSAGE, "--map", 0, 0, NULL, 0,
		            "el mapa es de un indicador en un periodo, sin --by",
		            "a map shows one indicator in one period, without --by");
		goto fail;
	}
	memset(&q, 0, sizeof(q));
	q.indicators = ind;
	q.n_indicators = n_ind;
	q.units = units;
	q.n_units = n_units;
	q.periods = periods;
	q.n_periods = n_periods;
	q.by = op->by;
	q.n_by = op->n_by;
	q.level = op->conf;
	q.unreliable_below = op->unreliable;
	q.institution = op->institution;
	q.source = op->source;
	q.threads = op->threads;
	q.rules = rules;
	if (op->vintage) {
		if ((e = ob_vintage_parse(op->vintage, &q.vintage, &d)))
			goto fail;
		q.has_vintage = true;
	}
	out = ob_malloc(sizeof(*out));
	out->f = stdout;
	out->n = 0;
	cx.o = op;
	cx.snap = snap;
	cx.pop = pop;
	if (op->map)
		cx.map_vals = ob_calloc(n_units + 1, sizeof(*cx.map_vals));
	cx.set = set;
	cx.q = &q;
	cx.out = out;
	e = ob_indicators_stream(snap, pop, set, &q, sink, &cx, &res, &d);
	if (!strcmp(op->format, "csv"))
		csv_end(&cx);
	if (e)
		goto fail;
	if (!strcmp(op->format, "json"))
		out_s(out, "\n]}\n");
	else if (!strcmp(op->format, "table"))
		table_end(&cx);
	else
		for (size_t i = 0; i < cx.n_notes; i++)
			ob_info("%s", cx.notes[i]);
	out_flush(out);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		OB_ERROR("no se pudo escribir la salida", "the output could not be written");
		status = OB_EXIT_SYSTEM;
	}
	if (op->map && status == OB_EXIT_OK)
		status = ind_draw_map(&cx, &geo);
	t_out = ob_now();
	if (op->verbose)
		OB_NOTICE("tiempos (s): definiciones %.3f, instantánea y población %.3f, pasada %.3f "
		          "(%llu registros), estadísticas %.3f, salida %.3f; total %.3f",
		          "timings (s): definitions %.3f, snapshot and population %.3f, pass %.3f "
		          "(%llu records), statistics %.3f, output %.3f; total %.3f",
		          t_defs - t0, t_snap - t_defs, res->seconds_count,
		          (unsigned long long)res->records, res->seconds_total - res->seconds_count,
		          t_out - t_snap - res->seconds_total, t_out - t0);
	goto done;
fail:
	ob_cli_diag(&d);
	status = ob_cli_status(e);
	if (e == OB_EIO || e == OB_ECORRUPT)
		status = OB_EXIT_SYSTEM;
done:
	free(cx.map_vals);
	ob_strmap_for_each(&geo, ent) free(ent->value);
	ob_strmap_release(&geo);
	free(out);
	ob_ind_result_free(res);
	free(ind);
	free(units);
	free(periods);
	ob_counting_free(rules);
	ob_indicators_free(set);
	return status;
}
