/* run.c - one index run from definition and input to ranking, and its CSV and JSON forms. */
#include "base/common.h"

#include <math.h>

#include "base/buf.h"
#include "base/log.h"
#include "index/run.h"
#include "io/csvw.h"
#include "io/json.h"

void ob_index_run_options_default(struct ob_index_run_options *o)
{
	o->seed = o->runs = o->top = -1;
	o->threads = OB_INDEX_RUN_THREADS;
	o->deadline = 0;
	o->cancel = NULL;
}

const char *ob_index_missing_name(enum ob_ix_missing m)
{
	return m == OB_IX_MISSING_REFUSE ? "refuse" : m == OB_IX_MISSING_REWEIGHT ? "reweight"
	                                                                           : "impute-mean";
}

const char *ob_index_classify_name(enum ob_ix_classify c)
{
	return c == OB_IX_CLASS_QUANTILE ? "quantile"
	       : c == OB_IX_CLASS_FISHER ? "fisher"
	       : c == OB_IX_CLASS_EQUAL  ? "equal"
	                                 : "fixed";
}
/* ------------------------------------------------------------------ csv */

static void csv_header(struct ob_csvw *w, const struct ob_index_run *x, const char *prefix,
                       const char *id)
{
	char name[OB_MAX_NAME + 16];
	(void)x;
	snprintf(name, sizeof(name), "%s%s", prefix, id);
	ob_csvw_str(w, name);
}

void ob_index_run_csv(const struct ob_index_run *x, bool stages, FILE *out)
{
	const struct ob_index_def *def = &x->def;
	struct ob_csvw w;
	size_t ni = def->nind, nn = def->nnode;

	ob_csvw_init(&w, out, ',');
	ob_csvw_str(&w, "unit");
	ob_csvw_str(&w, "name");
	ob_csvw_str(&w, "score");
	ob_csvw_str(&w, "level");
	ob_csvw_str(&w, "level_name");
	ob_csvw_str(&w, "rank");
	ob_csvw_str(&w, "rank_median");
	ob_csvw_str(&w, "rank_low");
	ob_csvw_str(&w, "rank_high");
	ob_csvw_str(&w, "top");
	ob_csvw_str(&w, "p_top");
	for (size_t l = 1; l <= def->levels; l++) {
		char name[32];
		snprintf(name, sizeof(name), "p_level_%zu", l);
		ob_csvw_str(&w, name);
	}
	ob_csvw_str(&w, "reference");
	for (size_t j = 0; j < ni; j++)
		csv_header(&w, x, "contrib_", def->ind[j].id);
	if (stages) {
		for (size_t j = 0; j < ni; j++)
			csv_header(&w, x, "raw_", def->ind[j].id);
		for (size_t j = 0; j < ni; j++)
			csv_header(&w, x, "imputed_", def->ind[j].id);
		for (size_t j = 0; j < ni; j++)
			csv_header(&w, x, "norm_", def->ind[j].id);
		for (size_t c = 1; c < nn; c++)
			csv_header(&w, x, "dim_", def->node[c].id);
	}
	ob_csvw_end(&w);
	for (size_t k = 0; k < x->in.nunits; k++) {
		size_t u = x->order[k];
		ob_csvw_str(&w, x->in.unit[u]);
		ob_csvw_str(&w, x->in.unit_name[u]);
		ob_csvw_num(&w, x->r.score[u]);
		ob_csvw_int(&w, (long long)x->r.level[u]);
		ob_csvw_str(&w, ob_index_level_name(def, x->r.level[u]));
		ob_csvw_int(&w, (long long)x->r.rank[u]);
		if (x->has_mc) {
			ob_csvw_num(&w, x->mc.rank_median[u]);
			ob_csvw_int(&w, (long long)x->mc.rank_low[u]);
			ob_csvw_int(&w, (long long)x->mc.rank_high[u]);
		} else {
			ob_csvw_str(&w, NULL);
			ob_csvw_str(&w, NULL);
			ob_csvw_str(&w, NULL);
		}
		ob_csvw_int(&w, x->r.top[u]);
		if (x->has_mc && def->top)
			ob_csvw_num(&w, x->mc.p_top[u]);
		else
			ob_csvw_str(&w, NULL);
		for (size_t l = 0; l < def->levels; l++)
			if (x->has_mc)
				ob_csvw_num(&w, x->mc.p_level[u * def->levels + l]);
			else
				ob_csvw_str(&w, NULL);
		ob_csvw_num(&w, x->r.reference[u]);
		for (size_t j = 0; j < ni; j++)
			ob_csvw_num(&w, x->r.contrib[u * ni + j]);
		if (stages) {
			for (size_t j = 0; j < ni; j++)
				ob_csvw_num(&w, x->in.x[u * ni + j]); /* NaN: empty */
			for (size_t j = 0; j < ni; j++)
				ob_csvw_int(&w, x->r.imputed[u * ni + j]);
			for (size_t j = 0; j < ni; j++)
				ob_csvw_num(&w, x->r.norm[u * ni + j]);
			for (size_t c = 1; c < nn; c++)
				ob_csvw_num(&w, x->r.node[u * nn + c]);
		}
		ob_csvw_end(&w);
	}
}

/* ----------------------------------------------------------------- json */

/* The members every JSON answer of a run opens with: {"index",
 * "definition" (file), "classification", "levels": [...], */
static void json_head(struct ob_jw *jw, const struct ob_index_def *def, const char *file)
{
	ob_jw_c(jw, '{');
	ob_jw_key(jw, "index");
	ob_jw_str(jw, def->name);
	ob_jw_s(jw, ",");
	ob_jw_key(jw, "definition");
	ob_jw_str(jw, file);
	ob_jw_s(jw, ",");
	ob_jw_key(jw, "classification");
	ob_jw_str(jw, ob_index_classify_name(def->classify));
	ob_jw_s(jw, ",");
	ob_jw_key(jw, "levels");
	ob_jw_c(jw, '[');
	for (size_t l = 1; l <= def->levels; l++) {
		if (l > 1)
			ob_jw_c(jw, ',');
		ob_jw_str(jw, ob_index_level_name(def, l));
	}
	ob_jw_s(jw, "],");
}

ob_err ob_index_run_json(const struct ob_index_run *x, bool stages, FILE *out)
{
	const struct ob_index_def *def = &x->def;
	struct ob_buf b = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	struct ob_jw jw = OB_JW_INIT(&b);
	size_t ni = def->nind, nn = def->nnode;

	json_head(&jw, def, def->file);
	ob_jw_key(&jw, "breaks");
	ob_jw_c(&jw, '[');
	for (size_t i = 0; i <= def->levels; i++) {
		if (i)
			ob_jw_c(&jw, ',');
		ob_jw_num(&jw, x->r.breaks[i]);
	}
	ob_jw_s(&jw, "],");
	ob_jw_key(&jw, "top");
	ob_jw_f(&jw, "%zu,", def->top);
	ob_jw_key(&jw, "mean_score");
	ob_jw_num(&jw, x->r.mean_score);
	ob_jw_s(&jw, ",");
	ob_jw_key(&jw, "missing");
	ob_jw_c(&jw, '{');
	ob_jw_key(&jw, "policy");
	ob_jw_str(&jw, ob_index_missing_name(def->missing));
	ob_jw_f(&jw, ",\"imputations\":%zu,\"dropped\":%zu,\"imputed_by_indicator\":{",
	            x->r.imputations, x->r.dropped);
	for (size_t j = 0; j < ni; j++) {
		if (j)
			ob_jw_c(&jw, ',');
		ob_jw_key(&jw, def->ind[j].id);
		ob_jw_f(&jw, "%zu", x->r.imputed_by[j]);
	}
	ob_jw_s(&jw, "},");
	ob_jw_key(&jw, "no_data_units");
	ob_jw_c(&jw, '[');
	for (size_t u = 0; u < x->in.n_nodata; u++) {
		if (u)
			ob_jw_c(&jw, ',');
		ob_jw_str(&jw, x->in.nodata[u]);
	}
	ob_jw_s(&jw, "]},");
	ob_jw_key(&jw, "denominators");
	ob_jw_f(&jw, "{\"estimated\":%s,\"equal_split\":%s},",
	            x->in.estimated ? "true" : "false", x->in.equal_split ? "true" : "false");
	ob_jw_key(&jw, "uncertainty");
	if (x->has_mc) {
		ob_jw_f(&jw, "{\"runs\":%zu,\"seed\":%llu,\"evaluations\":%zu,"
		                "\"first_order_share\":{",
		            x->runs, (unsigned long long)x->seed, x->mc.evaluations);
		for (int f = 0, k = 0; f < OB_IX_N_FACTORS; f++) {
			if (!x->mc.varied[f])
				continue;
			if (k++)
				ob_jw_c(&jw, ',');
			ob_jw_key(&jw, ob_index_factor_name((enum ob_ix_factor)f));
			ob_jw_num(&jw, x->mc.share[f]);
		}
		ob_jw_s(&jw, "}}");
	} else {
		ob_jw_s(&jw, "null");
	}
	ob_jw_s(&jw, ",\"units\":[\n");
	ob_jw_flush(&jw, out);
	for (size_t k = 0; k < x->in.nunits; k++) {
		size_t u = x->order[k];
		ob_jw_s(&jw, k ? ",\n{" : "{");
		ob_jw_key(&jw, "unit");
		ob_jw_str(&jw, x->in.unit[u]);
		ob_jw_s(&jw, ",");
		ob_jw_key(&jw, "name");
		ob_jw_str(&jw, x->in.unit_name[u]);
		ob_jw_s(&jw, ",");
		ob_jw_key(&jw, "score");
		ob_jw_num(&jw, x->r.score[u]);
		ob_jw_f(&jw, ",\"rank\":%zu,\"level\":%zu,", x->r.rank[u], x->r.level[u]);
		ob_jw_key(&jw, "level_name");
		ob_jw_str(&jw, ob_index_level_name(def, x->r.level[u]));
		ob_jw_f(&jw, ",\"top\":%s,", x->r.top[u] ? "true" : "false");
		if (x->has_mc) {
			ob_jw_key(&jw, "rank_median");
			ob_jw_num(&jw, x->mc.rank_median[u]);
			ob_jw_f(&jw, ",\"rank_low\":%zu,\"rank_high\":%zu,", x->mc.rank_low[u],
			            x->mc.rank_high[u]);
			ob_jw_key(&jw, "p_top");
			if (def->top)
				ob_jw_num(&jw, x->mc.p_top[u]);
			else
				ob_jw_s(&jw, "null");
			ob_jw_s(&jw, ",\"p_level\":[");
			for (size_t l = 0; l < def->levels; l++) {
				if (l)
					ob_jw_c(&jw, ',');
				ob_jw_num(&jw, x->mc.p_level[u * def->levels + l]);
			}
			ob_jw_s(&jw, "],");
		}
		ob_jw_key(&jw, "reference");
		ob_jw_num(&jw, x->r.reference[u]);
		ob_jw_s(&jw, ",\"drivers\":{");
		for (size_t j = 0; j < ni; j++) {
			if (j)
				ob_jw_c(&jw, ',');
			ob_jw_key(&jw, def->ind[j].id);
			ob_jw_num(&jw, x->r.contrib[u * ni + j]);
		}
		ob_jw_c(&jw, '}');
		if (stages) {
			ob_jw_s(&jw, ",\"normalised\":{");
			for (size_t j = 0; j < ni; j++) {
				if (j)
					ob_jw_c(&jw, ',');
				ob_jw_key(&jw, def->ind[j].id);
				ob_jw_num(&jw, x->r.norm[u * ni + j]);
			}
			ob_jw_s(&jw, "},\"imputed\":[");
			for (size_t j = 0, k2 = 0; j < ni; j++)
				if (x->r.imputed[u * ni + j]) {
					if (k2++)
						ob_jw_c(&jw, ',');
					ob_jw_str(&jw, def->ind[j].id);
				}
			ob_jw_s(&jw, "],\"dimensions\":{");
			for (size_t c = 1; c < nn; c++) {
				if (c > 1)
					ob_jw_c(&jw, ',');
				ob_jw_key(&jw, def->node[c].id);
				ob_jw_num(&jw, x->r.node[u * nn + c]);
			}
			ob_jw_c(&jw, '}');
		}
		ob_jw_c(&jw, '}');
		ob_jw_flush(&jw, out);
	}
	ob_jw_s(&jw, "\n]}\n");
	ob_jw_flush(&jw, out);
	ob_buf_release(&b);
	return ob_jw_err(&jw);
}

/* --------------------------------------------------------------- public */

/* The status of input j of unit u (see run.h). */
static const char *input_status(const struct ob_index_run *x, size_t u, size_t j)
{
	size_t ni = x->def.nind;

	if (!x->def.ind[j].catalog)
		return "external";
	if (isnan(x->in.x[u * ni + j]))
		return x->r.imputed[u * ni + j] ? "imputed" : "dropped";
	return "perturbed";
}

void ob_index_run_public_csv(const struct ob_index_run *x, FILE *out)
{
	const struct ob_index_def *def = &x->def;
	struct ob_csvw w;

	ob_csvw_init(&w, out, ',');
	ob_csvw_str(&w, "unit");
	ob_csvw_str(&w, "name");
	ob_csvw_str(&w, "rank");
	ob_csvw_str(&w, "rank_low");
	ob_csvw_str(&w, "rank_high");
	ob_csvw_str(&w, "level");
	ob_csvw_str(&w, "level_name");
	ob_csvw_str(&w, "top");
	for (size_t j = 0; j < def->nind; j++)
		csv_header(&w, x, "input_", def->ind[j].id);
	ob_csvw_end(&w);
	for (size_t k = 0; k < x->in.nunits; k++) {
		size_t u = x->order[k];
		ob_csvw_str(&w, x->in.unit[u]);
		ob_csvw_str(&w, x->in.unit_name[u]);
		ob_csvw_int(&w, (long long)x->r.rank[u]);
		if (x->has_mc) {
			ob_csvw_int(&w, (long long)x->mc.rank_low[u]);
			ob_csvw_int(&w, (long long)x->mc.rank_high[u]);
		} else {
			ob_csvw_str(&w, NULL);
			ob_csvw_str(&w, NULL);
		}
		ob_csvw_int(&w, (long long)x->r.level[u]);
		ob_csvw_str(&w, ob_index_level_name(def, x->r.level[u]));
		ob_csvw_int(&w, x->r.top[u]);
		for (size_t j = 0; j < def->nind; j++)
			ob_csvw_str(&w, input_status(x, u, j));
		ob_csvw_end(&w);
	}
}

ob_err ob_index_run_public_json(const struct ob_index_run *x, const char *protection,
                                FILE *out)
{
	const struct ob_index_def *def = &x->def;
	struct ob_buf b = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	struct ob_jw jw = OB_JW_INIT(&b);
	size_t ni = def->nind;

	const char *file = def->file ? def->file : "", *cat;

	/* the definition as the catalogue names it, never a server path */
	for (const char *p = file; (p = strstr(p, "catalog/index/")); p++)
		file = p;
	if (!strstr(file, "catalog/index/") && (cat = strrchr(file, '/')))
		file = cat + 1;
	json_head(&jw, def, file);
	ob_jw_key(&jw, "top");
	ob_jw_f(&jw, "%zu,", def->top);
	ob_jw_key(&jw, "indicators");
	ob_jw_c(&jw, '[');
	for (size_t j = 0; j < ni; j++) {
		if (j)
			ob_jw_c(&jw, ',');
		ob_jw_str(&jw, def->ind[j].id);
	}
	ob_jw_s(&jw, "],");
	ob_jw_key(&jw, "missing");
	ob_jw_c(&jw, '{');
	ob_jw_key(&jw, "policy");
	ob_jw_str(&jw, ob_index_missing_name(def->missing));
	ob_jw_f(&jw, ",\"imputations\":%zu,\"dropped\":%zu},", x->r.imputations,
	            x->r.dropped);
	ob_jw_key(&jw, "uncertainty");
	if (x->has_mc)
		ob_jw_f(&jw, "{\"runs\":%zu,\"seed\":%llu}", x->runs,
		            (unsigned long long)x->seed);
	else
		ob_jw_s(&jw, "null");
	if (protection) {
		ob_jw_s(&jw, ",");
		ob_jw_key(&jw, "protection");
		ob_jw_s(&jw, protection);
	}
	ob_jw_s(&jw, ",\"units\":[\n");
	ob_jw_flush(&jw, out);
	for (size_t k = 0; k < x->in.nunits; k++) {
		size_t u = x->order[k];
		ob_jw_s(&jw, k ? ",\n{" : "{");
		ob_jw_key(&jw, "unit");
		ob_jw_str(&jw, x->in.unit[u]);
		ob_jw_s(&jw, ",");
		ob_jw_key(&jw, "name");
		ob_jw_str(&jw, x->in.unit_name[u]);
		ob_jw_f(&jw, ",\"rank\":%zu,", x->r.rank[u]);
		if (x->has_mc)
			ob_jw_f(&jw, "\"rank_low\":%zu,\"rank_high\":%zu,", x->mc.rank_low[u],
			            x->mc.rank_high[u]);
		else
			ob_jw_s(&jw, "\"rank_low\":null,\"rank_high\":null,");
		ob_jw_f(&jw, "\"level\":%zu,", x->r.level[u]);
		ob_jw_key(&jw, "level_name");
		ob_jw_str(&jw, ob_index_level_name(def, x->r.level[u]));
		ob_jw_f(&jw, ",\"top\":%s,\"inputs\":{", x->r.top[u] ? "true" : "false");
		for (size_t j = 0; j < ni; j++) {
			if (j)
				ob_jw_c(&jw, ',');
			ob_jw_key(&jw, def->ind[j].id);
			ob_jw_str(&jw, input_status(x, u, j));
		}
		ob_jw_s(&jw, "}}");
		ob_jw_flush(&jw, out);
	}
	ob_jw_s(&jw, "\n]}\n");
	ob_jw_flush(&jw, out);
	ob_buf_release(&b);
	return ob_jw_err(&jw);
}

/* ------------------------------------------------------------------ run */

struct rank_key {
	size_t rank, unit;
};

static int by_rank(const void *a, const void *b)
{
	const struct rank_key *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return (x->unit > y->unit) - (x->unit < y->unit);
}

ob_err ob_index_run_finish(struct ob_index_run *x, const struct ob_index_run_options *o,
                           struct ob_diag *d)
{
	struct rank_key *keys;
	ob_err e;

	if (o->top >= 0)
		x->def.top = (size_t)o->top;
	if ((e = ob_index_compute(&x->def, &x->in, &x->r, d)))
		return e;
	x->seed = o->seed >= 0 ? (uint64_t)o->seed : x->def.mc.seed;
	x->runs = o->runs >= 0 ? (size_t)o->runs : x->def.mc.runs;
	if (x->runs > 0) {
		struct ob_index_mc_options mo = { x->runs, x->seed, o->threads, o->deadline,
		                                  o->cancel };
		if ((e = ob_index_uncertainty(&x->def, &x->in, &x->r, &mo, &x->mc, d)))
			return e;
		x->has_mc = true;
		/* the interval shown always holds the index's own rank: with many
		 * ties (units at 0) the alternatives can move every run away from it */
		for (size_t u = 0; u < x->in.nunits; u++) {
			if (x->mc.rank_low[u] > x->r.rank[u])
				x->mc.rank_low[u] = x->r.rank[u];
			if (x->mc.rank_high[u] < x->r.rank[u])
				x->mc.rank_high[u] = x->r.rank[u];
		}
	}
	if (x->r.imputations)
		OB_WARN("%zu valores faltantes imputados con la media (missing = impute-mean)",
		        "%zu missing values imputed with the mean (missing = impute-mean)",
		        x->r.imputations);
	if (x->r.dropped)
		OB_WARN("%zu valores faltantes: indicador omitido y pesos reponderados para esa "
		        "unidad (missing = reweight)",
		        "%zu missing values: the indicator dropped and the weights renormalised for "
		        "that unit (missing = reweight)",
		        x->r.dropped);
	keys = ob_malloc((x->in.nunits ? x->in.nunits : 1) * sizeof(*keys));
	for (size_t u = 0; u < x->in.nunits; u++) {
		keys[u].rank = x->r.rank[u];
		keys[u].unit = u;
	}
	qsort(keys, x->in.nunits, sizeof(*keys), by_rank);
	free(x->order);
	x->order = ob_malloc((x->in.nunits ? x->in.nunits : 1) * sizeof(*x->order));
	for (size_t k = 0; k < x->in.nunits; k++)
		x->order[k] = keys[k].unit;
	free(keys);
	return OB_OK;
}

ob_err ob_index_run_preset(struct ob_index_run *x, const char *dir, const char *preset,
                           const struct ob_index_preset_data *data,
                           const struct ob_index_preset_options *po,
                           const struct ob_index_run_options *o, struct ob_diag *d)
{
	struct ob_buf text = OB_BUF_INIT(OB_MAX_TEXT_FILE);
	char name[OB_MAX_PATH + 64];
	ob_err e;

	if ((e = ob_index_preset_text(dir, preset, &text, name, sizeof(name), d)))
		goto out_text;
	if ((e = ob_index_preset_build(text.ptr ? text.ptr : "", text.len, name, data, po,
	                               &x->def, &x->in, NULL, d)))
		goto out_text;
	e = ob_index_run_finish(x, o, d);
out_text:
	ob_buf_release(&text);
	return e;
}

void ob_index_run_release(struct ob_index_run *x)
{
	free(x->order);
	x->order = NULL;
	ob_index_mc_release(&x->mc);
	ob_index_result_release(&x->r);
	ob_index_input_release(&x->in);
	ob_index_def_release(&x->def);
}
