/*
 * survey_ingest.c - "observa survey ingest" and "observa survey list": a
 * survey's microdata made into estimates of the catalogue's survey
 * indicators, kept in the store, and listed (cli/survey_ingest.h).
 */
#include "cli/survey_ingest.h"

#include "base/file.h"
#include "base/sha256.h"
#include "base/strmap.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/stats/stats.h"
#include "cli/survey_design.h"
#include "store/codes.h"
#include "store/survey.h"
#include "survey/profile.h"

#include <math.h>
#include <time.h>

static bool blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return !*s;
}

/* The estimates' flags by name, as the store keeps them. */
static void flag_names(unsigned f, char *b, size_t size)
{
	static const struct {
		unsigned bit;
		const char *name;
	} fl[] = {
		{ OB_SVY_NO_CASES, "no_cases" }, { OB_SVY_HIGH_CV, "high_cv" },
		{ OB_SVY_FEW_CASES, "few_cases" }, { OB_SVY_LONELY_PSU, "lonely_psu" },
		{ OB_SVY_NO_INTERVAL, "no_interval" }, { OB_SVY_MISSING, "missing_values" },
	};
	size_t used = 0;

	b[0] = '\0';
	for (size_t i = 0; i < OB_ARRAY_SIZE(fl); i++)
		if (f & fl[i].bit) {
			int w = snprintf(b + used, size - used, "%s%s", used ? ";" : "", fl[i].name);
			if (w < 0 || (size_t)w >= size - used)
				break;
			used += (size_t)w;
		}
}

/* What one ingest holds while it works. */
struct work {
	const struct ob_svy_profile *p;
	struct st_table t;
	bool loaded;
	const char **cell;     /* [nrows * ncols] */
	size_t ncols;
	double *w, *y;
	size_t *urows, *drows;
	/* the territories of the country: level-1 codes found in the file */
	char *terr[OB_MAX_SURVEY_TERRITORIES];
	size_t nterr;
	size_t *tcode;         /* [nrows]: index in terr */
	unsigned char *sexc;   /* [nrows]: SEX_F, SEX_M or 0 (unknown); NULL
	                          when the profile names no sex column */
	struct ob_survey_row *rows;
	size_t nrows_out, rows_cap;
	char *total_id[OB_MAX_SURVEY_PROFILE_INDICATORS]; /* "ID:total", owned */
	char (*flags)[128];
};

/* The sexes of the estimates: the whole universe, then its domains. */
enum { SEX_T, SEX_F, SEX_M };
static const char *const sex_code[] = { "T", "F", "M" };

static const char *cellp(const struct work *k, size_t r, size_t c)
{
	return k->cell[r * k->ncols + c];
}

static const char *cell_of(const void *k, size_t r, size_t c)
{
	return cellp(k, r, c);
}

static ob_err column(const struct work *k, const char *key, const char *name, size_t *idx,
                     struct ob_diag *d)
{
	return st_column(&k->t.rd, key, name, idx, d);
}

struct terr_arg {
	const char *country;
	struct ob_strmap *level1;
};

static int each_territory(void *arg, const struct ob_code_territory *t)
{
	struct terr_arg *a = arg;
	if (t->level == 1)
		ob_strmap_put(a->level1, t->code, strlen(t->code), (void *)1, NULL);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The territory of every respondent: level-1 codes of the country. */
static ob_err territories(struct work *k, struct ob_store *s, size_t col, struct ob_diag *d)
{
	struct ob_strmap level1, seen;
	struct terr_arg a;
	ob_err e = OB_OK;

	ob_strmap_init(&level1);
	ob_strmap_init(&seen);
	a.country = k->p->country;
	a.level1 = &level1;
	if (ob_store_codes_territories(s, k->p->country, each_territory, &a, d) < 0) {
		e = OB_ESTORE;
		goto release_maps;
	}
	for (size_t r = 0; r < k->t.nrows; r++) {
		const char *v = cellp(k, r, col);
		size_t len = strlen(v);
		if (!ob_strmap_get(&level1, v, len)) {
			e = OB_DIAG(d, OB_EINVAL, k->t.rd.name, k->t.line[r], (long)col + 1, v, len,
			            "columna «%s» ([design] territory): se esperaba el código de una "
			            "unidad de primer nivel de %s (observa territories)",
			            "column «%s» ([design] territory): expected the code of a "
			            "first-level unit of %s (observa territories)",
			            k->t.rd.cols[col], k->p->country);
			goto release_maps;
		}
		if (!ob_strmap_get(&seen, v, len)) {
			if (k->nterr >= OB_MAX_SURVEY_TERRITORIES) {
				e = OB_DIAG(d, OB_ETOOBIG, k->t.rd.name, k->t.line[r], (long)col + 1, v, len,
				            "más de %d territorios", "more than %d territories",
				            OB_MAX_SURVEY_TERRITORIES);
				goto release_maps;
			}
			k->terr[k->nterr++] = ob_strdup(v);
			ob_strmap_put(&seen, v, len, (void *)1, NULL);
		}
	}
	qsort(k->terr, k->nterr, sizeof(char *), cmp_str);
	k->tcode = ob_malloc(k->t.nrows * sizeof(size_t));
	for (size_t r = 0; r < k->t.nrows; r++) {
		const char *v = cellp(k, r, col);
		for (size_t i = 0; i < k->nterr; i++)
			if (!strcmp(k->terr[i], v))
				k->tcode[r] = i;
	}
release_maps:
	ob_strmap_release(&level1);
	ob_strmap_release(&seen);
	return e;
}

/* The sex of every respondent (col: [design] sex): SEX_F, SEX_M or, for
 * an empty cell or a sex_missing code, 0; another code is refused. */
static ob_err sexes(struct work *k, size_t col, struct ob_diag *d)
{
	const struct ob_svy_profile *p = k->p;

	k->sexc = ob_calloc(k->t.nrows, 1);
	for (size_t r = 0; r < k->t.nrows; r++) {
		const char *v = cellp(k, r, col);
		size_t len = strlen(v);
		if (ob_svy_codes_has(&p->sex_female, v, len))
			k->sexc[r] = SEX_F;
		else if (ob_svy_codes_has(&p->sex_male, v, len))
			k->sexc[r] = SEX_M;
		else if (!blank(v) && !ob_svy_codes_has(&p->sex_missing, v, len))
			return OB_DIAG(d, OB_EINVAL, k->t.rd.name, k->t.line[r], (long)col + 1, v, len,
			               "columna «%s» ([design] sex): código fuera de sex_female, "
			               "sex_male y sex_missing del perfil %s",
			               "column «%s» ([design] sex): a code outside the sex_female, "
			               "sex_male and sex_missing of profile %s", k->t.rd.cols[col],
			               p->path);
	}
	return OB_OK;
}

static ob_err file_sha256(const char *path, char hex[65], struct ob_diag *d)
{
	struct ob_sha256 c;
	unsigned char dg[OB_SHA256_LEN];
	char *data;
	size_t len;
	ob_err e;

	if ((e = ob_read_file(path, OB_MAX_STATS_BUFFER, &data, &len, d)))
		return e;
	ob_sha256_init(&c);
	ob_sha256_update(&c, data, len);
	ob_sha256_final(&c, dg);
	ob_sha256_hex(dg, hex);
	free(data);
	return OB_OK;
}

static void add_row(struct work *k, const char *indicator, const char *territory,
                    const char *sex, const struct ob_svy_est *e, const struct ob_svy_opts *o)
{
	struct ob_survey_row *r;
	if (k->nrows_out == k->rows_cap) {
		k->rows_cap = k->rows_cap ? 2 * k->rows_cap : 32;
		k->rows = ob_realloc(k->rows, k->rows_cap * sizeof(*k->rows));
		k->flags = ob_realloc(k->flags, k->rows_cap * sizeof(*k->flags));
	}
	r = &k->rows[k->nrows_out];
	memset(r, 0, sizeof(*r));
	r->indicator = indicator;
	r->territory = territory;
	r->sex = sex;
	r->estimate = e->estimate;
	r->se = e->se;
	r->lower = e->lower;
	r->upper = e->upper;
	r->cv = e->cv;
	r->deff = e->deff;
	r->level = o->level;
	r->method = ob_svy_ci_name(e->ci);
	r->n = (long long)e->n;
	r->suppressed = (e->flags & (OB_SVY_FEW_CASES | OB_SVY_NO_CASES)) != 0;
	flag_names(e->flags, k->flags[k->nrows_out], sizeof(k->flags[0]));
	k->nrows_out++;
}

/* The values of indicator x into k->y and its universe into k->urows
 * (*nu of them). */
static ob_err indicator_values(struct work *k, const struct ob_svy_pind *x, size_t *nu,
                               struct ob_diag *d)
{
	size_t col, ucol[OB_MAX_SURVEY_UNIVERSE];
	char key[OB_MAX_NAME];
	ob_err e;

	snprintf(key, sizeof(key), "[indicator %s] column", x->id);
	if ((e = column(k, key, x->column, &col, d)))
		return e;
	snprintf(key, sizeof(key), "[indicator %s] universe", x->id);
	for (size_t i = 0; i < x->nuniverse; i++)
		if ((e = column(k, key, x->universe[i].column, &ucol[i], d)))
			return e;
	*nu = 0;
	for (size_t r = 0; r < k->t.nrows; r++) {
		const char *v = cellp(k, r, col);
		size_t len = strlen(v);
		bool in = true;
		for (size_t i = 0; i < x->nuniverse && in; i++) {
			const char *u = cellp(k, r, ucol[i]);
			in = ob_svy_codes_has(&x->universe[i].values, u, strlen(u));
		}
		if (ob_svy_codes_has(&x->yes, v, len))
			k->y[r] = 1;
		else if (ob_svy_codes_has(&x->no, v, len))
			k->y[r] = 0;
		else if (blank(v) || ob_svy_codes_has(&x->missing, v, len))
			k->y[r] = NAN;
		else if (!in)
			k->y[r] = NAN; /* outside the universe: not asked, any code */
		else
			return OB_DIAG(d, OB_EINVAL, k->t.rd.name, k->t.line[r], (long)col + 1, v, len,
			               "columna «%s» ([indicator %s]): código fuera de yes, no y "
			               "missing del perfil %s",
			               "column «%s» ([indicator %s]): a code outside the yes, no and "
			               "missing of profile %s", k->t.rd.cols[col], x->id, k->p->path);
		if (in)
			k->urows[(*nu)++] = r;
	}
	return OB_OK;
}

static void work_release(struct work *k)
{
	if (k->loaded)
		st_table_release(&k->t);
	for (size_t i = 0; i < k->nterr; i++)
		free(k->terr[i]);
	free(k->cell);
	free(k->w);
	free(k->y);
	free(k->urows);
	free(k->drows);
	free(k->tcode);
	free(k->sexc);
	free(k->rows);
	free(k->flags);
	for (size_t i = 0; i < OB_ARRAY_SIZE(k->total_id); i++)
		free(k->total_id[i]);
}

ob_err ob_cli_survey_ingest(struct ob_store *s, const char *dir, const char *profile,
                            const char *file, const char *period,
                            struct ob_survey_ingest_result *res, struct ob_diag *d)
{
	struct ob_svy_profile p;
	struct ob_svy_catalog cat;
	struct ob_svy_design ds;
	struct ob_svy_scratch scr;
	struct st_common co;
	struct work k;
	size_t wc, pc = 0, tc = 0, xc = 0, n;
	char per[OB_MAX_NAME], sha[65], stamp[32];
	const char *base;
	bool design_made = false;
	time_t now;
	struct tm tm;
	ob_err e;

	memset(res, 0, sizeof(*res));
	memset(&k, 0, sizeof(k));
	if ((e = ob_svy_profile_load(dir, profile, &p, d)))
		return e;
	k.p = &p;
	if ((e = ob_svy_catalog_load(dir, &cat, d)))
		goto release_profile;
	if ((e = ob_svy_profile_check(&p, &cat, d)))
		goto release_catalog;
	if ((e = file_sha256(file, sha, d)))
		goto release_catalog;
	st_common_init(&co);
	if ((e = st_table_load(&k.t, file, &co, d)))
		goto release_catalog;
	k.loaded = true;
	n = k.t.nrows;
	if (!n) {
		e = OB_DIAG(d, OB_EEMPTY, k.t.rd.name, 0, 0, NULL, 0, "no hay encuestados",
		            "there are no respondents");
		goto release_work;
	}
	k.ncols = k.t.rd.ncols;
	k.cell = ob_malloc(n * k.ncols * sizeof(char *));
	for (size_t r = 0; r < n; r++) {
		const char **row = st_table_row(&k.t, r);
		for (size_t c = 0; c < k.ncols; c++)
			k.cell[r * k.ncols + c] = row[c];
	}
	if ((e = column(&k, "[design] weight", p.weight, &wc, d)) ||
	    (p.period && (e = column(&k, "[design] period", p.period, &pc, d))) ||
	    (p.territory && (e = column(&k, "[design] territory", p.territory, &tc, d))) ||
	    (p.sex && (e = column(&k, "[design] sex", p.sex, &xc, d))))
		goto release_work;

	/* the period: given, or the one value of the period column */
	if (period) {
		ob_strlcpy(per, period, sizeof(per));
	} else if (p.period) {
		ob_strlcpy(per, cellp(&k, 0, pc), sizeof(per));
		for (size_t r = 0; r < n; r++)
			if (strcmp(cellp(&k, r, pc), per) || blank(per)) {
				const char *v = cellp(&k, r, pc);
				e = OB_DIAG(d, OB_EINVAL, k.t.rd.name, k.t.line[r], (long)pc + 1, v, strlen(v),
				            "columna «%s» ([design] period): se esperaba el mismo periodo "
				            "en todas las filas («%s» en la primera); separe los años en "
				            "archivos o dé --period",
				            "column «%s» ([design] period): expected the same period on "
				            "every row («%s» on the first); split the years into files or "
				            "give --period", k.t.rd.cols[pc], per);
				goto release_work;
			}
	} else {
		e = OB_DIAG(d, OB_EINVAL, p.path, 0, 0, NULL, 0,
		            "el perfil no nombra [design] period: dé --period",
		            "the profile names no [design] period: give --period");
		goto release_work;
	}

	/* the design */
	k.w = ob_malloc(n * sizeof(double));
	if ((e = st_table_numbers(&k.t, wc, ST_POSITIVE, k.w, d)))
		goto release_work;
	if (p.territory && (e = territories(&k, s, tc, d)))
		goto release_work;
	if (p.sex && (e = sexes(&k, xc, d)))
		goto release_work;
	{
		struct svy_design_spec sp = { p.strata, p.cluster, p.fpc, "[design] strata",
		                              "[design] cluster", "[design] fpc", p.lonely };
		if ((e = svy_design_from_table(&k.t, cell_of, &k, &sp, wc, k.w, &ds, d)))
			goto release_work;
		design_made = true;
	}

	/* the estimates: each indicator for the country, then each unit; for
	 * each, its whole universe (T), then its women and its men when the
	 * profile names the sex column and the universe is not of one sex */
	k.y = ob_malloc(n * sizeof(double));
	k.urows = ob_malloc(n * sizeof(size_t));
	k.drows = ob_malloc(n * sizeof(size_t));
	ob_svy_scratch_init(&scr, &ds);
	for (size_t i = 0; i < p.nind && !e; i++) {
		const struct ob_svy_indicator *ci = ob_svy_catalog_find(&cat, p.ind[i].id);
		struct ob_svy_est est;
		size_t nu;
		if ((e = indicator_values(&k, &p.ind[i], &nu, d)))
			break;
		/* the share; and, when the police record the same crime, the
		 * number of victims it stands for (the dark figure's) */
		for (int total = 0; total < 2; total++) {
			enum ob_svy_estimator est_k = total ? OB_SVY_TOTAL : OB_SVY_PROP;
			const char *id = p.ind[i].id;
			int nsex = k.sexc && !total && !ob_svy_pind_one_sex(&p, &p.ind[i]) ? 3 : 1;
			if (total) {
				if (!ci || !ci->police[0])
					break;
				k.total_id[i] = ob_malloc(strlen(id) + sizeof(":total"));
				memcpy(k.total_id[i], id, strlen(id));
				memcpy(k.total_id[i] + strlen(id), ":total", sizeof(":total"));
				id = k.total_id[i];
			}
			/* t 0: the country; t > 0: unit t - 1 */
			for (size_t t = 0; t <= k.nterr; t++)
				for (int x = SEX_T; x < nsex; x++) {
					size_t m = 0;
					for (size_t j = 0; j < nu; j++) {
						size_t r = k.urows[j];
						if ((!t || k.tcode[r] == t - 1) && (x == SEX_T || k.sexc[r] == x))
							k.drows[m++] = r;
					}
					ob_svy_estimate(&ds, &scr, est_k, k.y, NULL, k.drows, m, &p.opts,
					                &est);
					add_row(&k, id, t ? k.terr[t - 1] : p.country, sex_code[x], &est,
					        &p.opts);
				}
		}
	}
	ob_svy_scratch_release(&scr);
	if (e)
		goto release_work;

	base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (size_t i = 0; i < k.nrows_out; i++) {
		k.rows[i].flags = k.flags[i];
		k.rows[i].file = base;
		k.rows[i].sha256 = sha;
		k.rows[i].ingested_at = stamp;
		if (strchr(k.rows[i].indicator, ':'))
			continue; /* a total kept for the dark figure, not an indicator */
		res->rows++;
		res->suppressed += k.rows[i].suppressed;
		res->flagged += !k.rows[i].suppressed && strstr(k.flags[i], "high_cv") != NULL;
	}
	if ((e = ob_store_survey_replace(s, p.code, per, k.rows, k.nrows_out, d)))
		goto release_work;
	ob_strlcpy(res->survey, p.code, sizeof(res->survey));
	ob_strlcpy(res->period, per, sizeof(res->period));
	res->respondents = n;
release_work:
	if (design_made)
		ob_svy_design_release(&ds);
	work_release(&k);
release_catalog:
	ob_svy_catalog_release(&cat);
release_profile:
	ob_svy_profile_release(&p);
	return e;
}

/* ---- the commands ------------------------------------------------------ */

static void ingest_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa survey ingest -d DIR --profile PERFIL [--period P] ARCHIVO\n\n"
	"Estima los indicadores de encuesta del catálogo (catalog/survey_indicators.csv)\n"
	"con los microdatos de ARCHIVO y el diseño que da el perfil\n"
	"(catalog/surveys/PERFIL.ini, o la ruta de un .ini), para el país y cada\n"
	"unidad de primer nivel (y, si el perfil nombra la columna sex, para mujeres\n"
	"y hombres), y los guarda en el almacén: una fila por indicador, territorio,\n"
	"sexo y periodo, con error estándar, intervalo, CV, encuestados y\n"
	"marcas. Una estimación con menos encuestados que min_n se guarda suprimida,\n"
	"sin número. Ingerir de nuevo la misma encuesta y periodo la reemplaza.\n"
	"  --profile PERFIL   perfil de la encuesta (docs/commands/survey.md)\n"
	"  --period P         periodo de la encuesta (por defecto, la columna period\n"
	"                     del perfil, igual en todas las filas)\n",
	"usage: observa survey ingest -d DIR --profile PROFILE [--period P] FILE\n\n"
	"Estimates the catalogue's survey indicators (catalog/survey_indicators.csv)\n"
	"from the microdata in FILE with the design its profile gives\n"
	"(catalog/surveys/PROFILE.ini, or the path of an .ini), for the country and\n"
	"each first-level unit (and, when the profile names the sex column, for\n"
	"women and men), and keeps them in the store: one row per indicator,\n"
	"territory, sex and period with standard error, interval, CV, respondents and\n"
	"flags. An estimate from fewer respondents than min_n is kept suppressed,\n"
	"without a number. Ingesting the same survey and period again replaces it.\n"
	"  --profile PROFILE  the survey's profile (docs/commands/survey.md)\n"
	"  --period P         the survey's period (by default the profile's period\n"
	"                     column, the same on every row)\n"), out);
}

int cmd_survey_ingest(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "period", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *profile = NULL, *period = NULL;
	struct ob_survey_ingest_result res;
	struct ob_store *s;
	struct ob_diag d;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': profile = optarg; break;
		case 'P': period = optarg; break;
		case 'h': ingest_usage(stdout); return OB_EXIT_OK;
		default: ingest_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (!profile || optind + 1 != argc) {
		OB_ERROR("survey ingest: se esperaba --profile PERFIL y un ARCHIVO",
		         "survey ingest: expected --profile PROFILE and one FILE");
		ingest_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING)))
		return ob_cli_status(ctx->store_error);
	ob_diag_clear(&d);
	if (ob_cli_survey_ingest(s, ctx->dir, profile, argv[optind], period, &res, &d)) {
		ob_cli_diag(&d);
		return ob_cli_status(d.code);
	}
	OB_INFO("%s %s: %zu encuestados, %zu estimaciones guardadas (%zu suprimidas por pocos "
	        "casos, %zu marcadas por CV alto)",
	        "%s %s: %zu respondents, %zu estimates kept (%zu suppressed for few cases, "
	        "%zu flagged for a high CV)",
	        res.survey, res.period, res.respondents, res.rows, res.suppressed, res.flagged);
	return OB_EXIT_OK;
}

static void list_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa survey list -d DIR [--indicator ID] [--territory T] [--sex S]\n\n"
	"Las estimaciones de indicadores de encuesta guardadas, en CSV: encuesta,\n"
	"indicador, territorio, sexo (T total, F mujeres, M hombres), periodo,\n"
	"estimación (proporción), error estándar,\n"
	"intervalo, nivel, método, CV, efecto de diseño, encuestados, marcas y si\n"
	"está suprimida (sin número).\n",
	"usage: observa survey list -d DIR [--indicator ID] [--territory T] [--sex S]\n\n"
	"The survey indicators' estimates kept in the store, as CSV: survey,\n"
	"indicator, territory, sex (T total, F women, M men), period,\n"
	"estimate (a proportion), standard error,\n"
	"interval, level, method, CV, design effect, respondents, flags and whether\n"
	"it is suppressed (no number).\n"), out);
}

static void num(struct st_out *o, double v)
{
	if (isnan(v))
		st_out_none(o);
	else
		st_out_num(o, v);
}

static int list_row(void *arg, const struct ob_survey_row *r)
{
	struct st_out *o = arg;

	st_out_str(o, r->survey);
	st_out_str(o, r->indicator);
	st_out_str(o, r->territory);
	st_out_str(o, r->sex);
	st_out_str(o, r->period);
	num(o, r->estimate);
	num(o, r->se);
	num(o, r->lower);
	num(o, r->upper);
	st_out_num(o, r->level);
	st_out_str(o, r->method);
	num(o, r->cv);
	num(o, r->deff);
	st_out_int(o, r->n);
	st_out_str(o, r->flags);
	st_out_bool(o, r->suppressed);
	st_out_end(o);
	return 0;
}

int cmd_survey_list(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "indicator", required_argument, NULL, 'i' },
		{ "territory", required_argument, NULL, 't' },
		{ "sex", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const cols[] = {
		"survey", "indicator", "territory", "sex", "period", "estimate", "se", "ci_lower",
		"ci_upper", "level", "ci_method", "cv", "deff", "n", "flags", "suppressed", NULL,
	};
	const char *indicator = NULL, *territory = NULL, *sex = NULL;
	struct st_common co;
	struct st_out o;
	struct ob_store *s;
	struct ob_diag d;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': indicator = optarg; break;
		case 't': territory = optarg; break;
		case 's': sex = optarg; break;
		case 'h': list_usage(stdout); return OB_EXIT_OK;
		default: list_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		list_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (sex && strcmp(sex, "T") && strcmp(sex, "F") && strcmp(sex, "M")) {
		OB_ERROR("survey list: --sex «%s»: se esperaba T, F o M",
		         "survey list: --sex «%s»: expected T, F or M", sex);
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return ob_cli_status(ctx->store_error);
	ob_diag_clear(&d);
	st_common_init(&co);
	st_out_init(&o, &co);
	st_out_header(&o, NULL, cols);
	if (ob_store_survey_each(s, indicator, territory, sex, list_row, &o, &d) < 0)
		return st_fail(&o, &d);
	return st_out_finish(&o) ? OB_EXIT_SYSTEM : OB_EXIT_OK;
}
