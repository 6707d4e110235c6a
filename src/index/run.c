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

static void jkey(struct ob_buf *b, const char *k)
{
	ob_json_str(b, k, strlen(k));
	ob_buf_addc(b, ':');
}

static void jstr(struct ob_buf *b, const char *s)
{
	if (s)
		ob_json_str(b, s, strlen(s));
	else
		ob_buf_adds(b, "null");
}

static void flush(struct ob_buf *b, FILE *out)
{
	fwrite(b->ptr ? b->ptr : "", 1, b->len, out);
	ob_buf_reset(b);
}

/* The members every JSON answer of a run opens with: {"index",
 * "definition" (file), "classification", "levels": [...], */
static void json_head(struct ob_buf *b, const struct ob_index_def *def, const char *file)
{
	ob_buf_addc(b, '{');
	jkey(b, "index");
	jstr(b, def->name);
	ob_buf_adds(b, ",");
	jkey(b, "definition");
	jstr(b, file);
	ob_buf_adds(b, ",");
	jkey(b, "classification");
	jstr(b, ob_index_classify_name(def->classify));
	ob_buf_adds(b, ",");
	jkey(b, "levels");
	ob_buf_addc(b, '[');
	for (size_t l = 1; l <= def->levels; l++) {
		if (l > 1)
			ob_buf_addc(b, ',');
		jstr(b, ob_index_level_name(def, l));
	}
	ob_buf_adds(b, "],");
}

void ob_index_run_json(const struct ob_index_run *x, bool stages, FILE *out)
{
	const struct ob_index_def *def = &x->def;
	struct ob_buf b = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	size_t ni = def->nind, nn = def->nnode;

	json_head(&b, def, def->file);
	jkey(&b, "breaks");
	ob_buf_addc(&b, '[');
	for (size_t i = 0; i <= def->levels; i++) {
		if (i)
			ob_buf_addc(&b, ',');
		ob_json_num(&b, x->r.breaks[i]);
	}
	ob_buf_adds(&b, "],");
	jkey(&b, "top");
	ob_buf_addf(&b, "%zu,", def->top);
	jkey(&b, "mean_score");
	ob_json_num(&b, x->r.mean_score);
	ob_buf_adds(&b, ",");
	jkey(&b, "missing");
	ob_buf_addc(&b, '{');
	jkey(&b, "policy");
	jstr(&b, ob_index_missing_name(def->missing));
	ob_buf_addf(&b, ",\"imputations\":%zu,\"dropped\":%zu,\"imputed_by_indicator\":{",
	            x->r.imputations, x->r.dropped);
	for (size_t j = 0; j < ni; j++) {
		if (j)
			ob_buf_addc(&b, ',');
		jkey(&b, def->ind[j].id);
		ob_buf_addf(&b, "%zu", x->r.imputed_by[j]);
	}
	ob_buf_adds(&b, "},");
	jkey(&b, "no_data_units");
	ob_buf_addc(&b, '[');
	for (size_t u = 0; u < x->in.n_nodata; u++) {
		if (u)
			ob_buf_addc(&b, ',');
		jstr(&b, x->in.nodata[u]);
	}
	ob_buf_adds(&b, "]},");
	jkey(&b, "denominators");
	ob_buf_addf(&b, "{\"estimated\":%s,\"equal_split\":%s},",
	            x->in.estimated ? "true" : "false", x->in.equal_split ? "true" : "false");
	jkey(&b, "uncertainty");
	if (x->has_mc) {
		ob_buf_addf(&b, "{\"runs\":%zu,\"seed\":%llu,\"evaluations\":%zu,"
		                "\"first_order_share\":{",
		            x->runs, (unsigned long long)x->seed, x->mc.evaluations);
		for (int f = 0, k = 0; f < OB_IX_N_FACTORS; f++) {
			if (!x->mc.varied[f])
				continue;
			if (k++)
				ob_buf_addc(&b, ',');
			jkey(&b, ob_index_factor_name((enum ob_ix_factor)f));
			ob_json_num(&b, x->mc.share[f]);
		}
		ob_buf_adds(&b, "}}");
	} else {
		ob_buf_adds(&b, "null");
	}
	ob_buf_adds(&b, ",\"units\":[\n");
	flush(&b, out);
	for (size_t k = 0; k < x->in.nunits; k++) {
		size_t u = x->order[k];
		ob_buf_adds(&b, k ? ",\n{" : "{");
		jkey(&b, "unit");
		jstr(&b, x->in.unit[u]);
		ob_buf_adds(&b, ",");
		jkey(&b, "name");
		jstr(&b, x->in.unit_name[u]);
		ob_buf_adds(&b, ",");
		jkey(&b, "score");
		ob_json_num(&b, x->r.score[u]);
		ob_buf_addf(&b, ",\"rank\":%zu,\"level\":%zu,", x->r.rank[u], x->r.level[u]);
		jkey(&b, "level_name");
		jstr(&b, ob_index_level_name(def, x->r.level[u]));
		ob_buf_addf(&b, ",\"top\":%s,", x->r.top[u] ? "true" : "false");
		if (x->has_mc) {
			jkey(&b, "rank_median");
			ob_json_num(&b, x->mc.rank_median[u]);
			ob_buf_addf(&b, ",\"rank_low\":%zu,\"rank_high\":%zu,", x->mc.rank_low[u],
			            x->mc.rank_high[u]);
			jkey(&b, "p_top");
			if (def->top)
				ob_json_num(&b, x->mc.p_top[u]);
			else
				ob_buf_adds(&b, "null");
			ob_buf_adds(&b, ",\"p_level\":[");
			for (size_t l = 0; l < def->levels; l++) {
				if (l)
					ob_buf_addc(&b, ',');
				ob_json_num(&b, x->mc.p_level[u * def->levels + l]);
			}
			ob_buf_adds(&b, "],");
		}
		jkey(&b, "reference");
		ob_json_num(&b, x->r.reference[u]);
		ob_buf_adds(&b, ",\"drivers\":{");
		for (size_t j = 0; j < ni; j++) {
			if (j)
				ob_buf_addc(&b, ',');
			jkey(&b, def->ind[j].id);
			ob_json_num(&b, x->r.contrib[u * ni + j]);
		}
		ob_buf_addc(&b, '}');
		if (stages) {
			ob_buf_adds(&b, ",\"normalised\":{");
			for (size_t j = 0; j < ni; j++) {
				if (j)
					ob_buf_addc(&b, ',');
				jkey(&b, def->ind[j].id);
				ob_json_num(&b, x->r.norm[u * ni + j]);
			}
			ob_buf_adds(&b, "},\"imputed\":[");
			for (size_t j = 0, k2 = 0; j < ni; j++)
				if (x->r.imputed[u * ni + j]) {
					if (k2++)
						ob_buf_addc(&b, ',');
					jstr(&b, def->ind[j].id);
				}
			ob_buf_adds(&b, "],\"dimensions\":{");
			for (size_t c = 1; c < nn; c++) {
				if (c > 1)
					ob_buf_addc(&b, ',');
				jkey(&b, def->node[c].id);
				ob_json_num(&b, x->r.node[u * nn + c]);
			}
			ob_buf_addc(&b, '}');
		}
		ob_buf_addc(&b, '}');
		flush(&b, out);
	}
	ob_buf_adds(&b, "\n]}\n");
	flush(&b, out);
	ob_buf_release(&b);
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

void ob_index_run_public_json(const struct ob_index_run *x, const char *protection,
                              FILE *out)
{
	const struct ob_index_def *def = &x->def;
	struct ob_buf b = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	size_t ni = def->nind;

	const char *file = def->file ? def->file : "", *cat;

	/* the definition as the catalogue names it, never a server path */
	for (const char *p = file; (p = strstr(p, "catalog/index/")); p++)
		file = p;
	if (!strstr(file, "catalog/index/") && (cat = strrchr(file, '/')))
		file = cat + 1;
	json_head(&b, def, file);
	jkey(&b, "top");
	ob_buf_addf(&b, "%zu,", def->top);
	jkey(&b, "indicators");
	ob_buf_addc(&b, '[');
	for (size_t j = 0; j < ni; j++) {
		if (j)
			ob_buf_addc(&b, ',');
		jstr(&b, def->ind[j].id);
	}
	ob_buf_adds(&b, "],");
	jkey(&b, "missing");
	ob_buf_addc(&b, '{');
	jkey(&b, "policy");
	jstr(&b, ob_index_missing_name(def->missing));
	ob_buf_addf(&b, ",\"imputations\":%zu,\"dropped\":%zu},", x->r.imputations,
	            x->r.dropped);
	jkey(&b, "uncertainty");
	if (x->has_mc)
		ob_buf_addf(&b, "{\"runs\":%zu,\"seed\":%llu}", x->runs,
		            (unsigned long long)x->seed);
	else
		ob_buf_adds(&b, "null");
	if (protection) {
		ob_buf_adds(&b, ",");
		jkey(&b, "protection");
		ob_buf_adds(&b, protection);
	}
	ob_buf_adds(&b, ",\"units\":[\n");
	flush(&b, out);
	for (size_t k = 0; k < x->in.nunits; k++) {
		size_t u = x->order[k];
		ob_buf_adds(&b, k ? ",\n{" : "{");
		jkey(&b, "unit");
		jstr(&b, x->in.unit[u]);
		ob_buf_adds(&b, ",");
		jkey(&b, "name");
		jstr(&b, x->in.unit_name[u]);
		ob_buf_addf(&b, ",\"rank\":%zu,", x->r.rank[u]);
		if (x->has_mc)
			ob_buf_addf(&b, "\"rank_low\":%zu,\"rank_high\":%zu,", x->mc.rank_low[u],
			            x->mc.rank_high[u]);
		else
			ob_buf_adds(&b, "\"rank_low\":null,\"rank_high\":null,");
		ob_buf_addf(&b, "\"level\":%zu,", x->r.level[u]);
		jkey(&b, "level_name");
		jstr(&b, ob_index_level_name(def, x->r.level[u]));
		ob_buf_addf(&b, ",\"top\":%s,\"inputs\":{", x->r.top[u] ? "true" : "false");
		for (size_t j = 0; j < ni; j++) {
			if (j)
				ob_buf_addc(&b, ',');
			jkey(&b, def->ind[j].id);
			jstr(&b, input_status(x, u, j));
		}
		ob_buf_adds(&b, "}}");
		flush(&b, out);
	}
	ob_buf_adds(&b, "\n]}\n");
	flush(&b, out);
	ob_buf_release(&b);
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
		ob_warn("%zu valores faltantes imputados con la media (missing = impute-mean) / "
		        "missing values imputed", x->r.imputations);
	if (x->r.dropped)
		ob_warn("%zu valores faltantes: indicador omitido y pesos reponderados para esa "
		        "unidad (missing = reweight) / missing values dropped and reweighted",
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
