/* survey_design.c - a survey's sampling design from a table's columns (cli/survey_design.h). */
#include "cli/survey_design.h"

#include "base/strmap.h"

static bool blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return !*s;
}

/* Split list (a copy of it in *copy, owned by the caller) into items[max];
 * the number of items, or 0 past max. */
static size_t split(const char *list, char **copy, const char **items, size_t max)
{
	size_t k = 0;
	char *p;

	*copy = p = ob_strdup(list);
	for (;;) {
		char *comma = strchr(p, ',');
		if (k >= max)
			return 0;
		if (comma)
			*comma = '\0';
		while (*p == ' ')
			p++;
		items[k++] = p;
		if (!comma)
			break;
		p = comma + 1;
	}
	return k;
}

/*
 * Codes of the respondents for column col of stage s into code[],
 * nested in within[] (NULL: in nothing): the key is the code it is nested
 * in and the value. what names the unit for messages.
 */
static ob_err nested_codes(const struct st_table *t, svy_cell_fn cell, const void *ctx, size_t col,
                           const char *opt, const size_t *within, size_t *code, size_t *count,
                           const char **name, struct ob_diag *d)
{
	struct ob_strmap map;
	struct ob_buf key;
	ob_err e = OB_OK;

	*count = 0;
	ob_strmap_init(&map);
	ob_buf_init(&key, OB_MAX_FIELD + 32);
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = cell(ctx, r, col);
		void *v;

		if (blank(s)) {
			e = OB_DIAG(d, OB_EINVAL, t->rd.name, t->line[r], (long)col + 1, NULL, 0,
			            "columna «%s» (%s) vacía: cada encuestado necesita un valor",
			            "column «%s» (%s) empty: every respondent needs a value",
			            t->rd.cols[col], opt);
			break;
		}
		ob_buf_reset(&key);
		ob_buf_putf(&key, "%zu", within ? within[r] : 0);
		ob_buf_putc(&key, '\x1f');
		ob_buf_puts(&key, s);
		if ((v = ob_strmap_get(&map, key.ptr, key.len))) {
			code[r] = (size_t)(uintptr_t)v - 1;
		} else if ((e = ob_strmap_put(&map, key.ptr, key.len, (void *)(uintptr_t)(*count + 1),
		                              NULL))) {
			OB_DIAG(d, e, t->rd.name, t->line[r], (long)col + 1, s, strlen(s),
			        "demasiados valores distintos", "too many distinct values");
			break;
		} else {
			if (name)
				name[*count] = s;
			code[r] = (*count)++;
		}
	}
	ob_buf_release(&key);
	ob_strmap_release(&map);
	return e;
}

ob_err svy_design_from_table(const struct st_table *t, svy_cell_fn cell, const void *ctx,
                             const struct svy_design_spec *sp, size_t wc, const double *w,
                             struct ob_svy_design *ds, struct ob_diag *d)
{
	const char *cl[OB_MAX_SURVEY_STAGES], *sl[OB_MAX_SURVEY_STAGES], *fl[OB_MAX_SURVEY_STAGES];
	char *ccopy = NULL, *scopy = NULL, *fcopy = NULL;
	size_t nc = 0, ns = 0, nf = 0, nstages, n = t->nrows;
	struct ob_svy_stage st[OB_MAX_SURVEY_STAGES];
	size_t *scode[OB_MAX_SURVEY_STAGES] = { NULL }, *ucode[OB_MAX_SURVEY_STAGES] = { NULL };
	double *fpc[OB_MAX_SURVEY_STAGES] = { NULL };
	const char **sname = NULL;
	ob_err e = OB_OK;

	memset(ds, 0, sizeof(*ds));
	memset(st, 0, sizeof(st));
	if ((sp->cluster && !(nc = split(sp->cluster, &ccopy, cl, OB_MAX_SURVEY_STAGES))) ||
	    (sp->strata && !(ns = split(sp->strata, &scopy, sl, OB_MAX_SURVEY_STAGES))) ||
	    (sp->fpc && !(nf = split(sp->fpc, &fcopy, fl, OB_MAX_SURVEY_STAGES)))) {
		e = OB_DIAG(d, OB_EINVAL, t->rd.name, 0, 0, NULL, 0,
		            "más de %d etapas de muestreo", "more than %d sampling stages",
		            OB_MAX_SURVEY_STAGES);
		goto release_lists;
	}
	nstages = nc ? nc : 1;
	if (ns > nstages) {
		e = OB_DIAG(d, OB_EINVAL, t->rd.name, 0, 0, sp->strata, strlen(sp->strata),
		            "%s nombra %zu columnas y el diseño tiene %zu etapas (%s): se "
		            "esperaba a lo sumo una por etapa",
		            "%s names %zu columns and the design has %zu stages (%s): expected "
		            "at most one per stage", sp->opt_strata, ns, nstages, sp->opt_cluster);
		goto release_lists;
	}
	if (nf && nf != nstages) {
		e = OB_DIAG(d, OB_EINVAL, t->rd.name, 0, 0, sp->fpc, strlen(sp->fpc),
		            "%s nombra %zu columnas y el diseño tiene %zu etapas (%s): se "
		            "esperaba una por etapa, «-» para una etapa con reemplazo (p. ej. "
		            "%s,-)",
		            "%s names %zu columns and the design has %zu stages (%s): expected "
		            "one per stage, «-» for a stage sampled with replacement (e.g. %s,-)",
		            sp->opt_fpc, nf, nstages, sp->opt_cluster, fl[0]);
		goto release_lists;
	}
	for (size_t s = 0; s < nstages; s++) {
		size_t col;

		st[s].nstrata = 0;
		if (s < ns && strcmp(sl[s], "-")) {
			if ((e = st_column(&t->rd, sp->opt_strata, sl[s], &col, d)))
				goto release;
			scode[s] = ob_malloc(n * sizeof(size_t));
			if (!s)
				sname = ob_calloc(n, sizeof(char *));
			if ((e = nested_codes(t, cell, ctx, col, sp->opt_strata, s ? ucode[s - 1] : NULL,
			                      scode[s], &st[s].nstrata, s ? NULL : sname, d)))
				goto release;
			st[s].stratum = scode[s];
		}
		if (s < nc) {
			if ((e = st_column(&t->rd, sp->opt_cluster, cl[s], &col, d)))
				goto release;
			ucode[s] = ob_malloc(n * sizeof(size_t));
			/* within its stratum, or the unit above when the stage has none */
			if ((e = nested_codes(t, cell, ctx, col, sp->opt_cluster,
			                      scode[s] ? scode[s] : s ? ucode[s - 1] : NULL, ucode[s],
			                      &st[s].nunits, NULL, d)))
				goto release;
			st[s].unit = ucode[s];
			st[s].col_unit = (long)col + 1;
		}
		if (s < nf && strcmp(fl[s], "-")) {
			if ((e = st_column(&t->rd, sp->opt_fpc, fl[s], &col, d)))
				goto release;
			fpc[s] = ob_malloc(n * sizeof(double));
			if ((e = st_table_numbers(t, col, ST_POSITIVE, fpc[s], d)))
				goto release;
			st[s].fpc = fpc[s];
			st[s].col_fpc = (long)col + 1;
		}
	}
	{
		struct ob_svy_source src = { t->rd.name, t->line, (long)wc + 1, st[0].col_fpc, sname,
		                             NULL };
		e = ob_svy_design_init_stages(ds, n, w, nstages, st, sp->lonely, &src, d);
	}
release:
	for (size_t s = 0; s < OB_MAX_SURVEY_STAGES; s++) {
		free(scode[s]);
		free(ucode[s]);
		free(fpc[s]);
	}
	free(sname);
release_lists:
	free(ccopy);
	free(scopy);
	free(fcopy);
	return e;
}
