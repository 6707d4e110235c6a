/*
 * demo.c - the synthetic demo: the plan, the run over countries and years, and
 * the labels the generator writes.
 */
#include "demo/demo_impl.h"

#include <strings.h>
#include <sys/stat.h>

#include "catalog/catalog.h"

/* ------------------------------------------------------------------ */
/* The plan.                                                           */

void ob_demo_options_init(struct ob_demo_options *o)
{
	o->seed = OB_DEMO_SEED;
	o->scale = 1.0;
	o->year_from = OB_DEMO_YEAR_FROM;
	o->year_to = OB_DEMO_YEAR_TO;
	o->crime_sampling = OB_DEMO_CRIME_SAMPLING;
	o->country = NULL;
}

/* The index of the demo country whose code is the n bytes at code, or -1. */
static int country_index_n(const char *code, size_t n)
{
	for (int ci = 0; ci < DEMO_COUNTRIES; ci++)
		if ((n == 2 && !strncasecmp(code, demo_countries[ci].iso2, 2)) ||
		    (n == 3 && !strncasecmp(code, demo_countries[ci].iso3, 3)))
			return ci;
	return -1;
}

int ob_demo_country_index(const char *code)
{
	return country_index_n(code, strlen(code));
}

long ob_demo_country_mask(const char *list, const char **bad, size_t *bad_len)
{
	long mask = 0;

	if (!list)
		return 0;
	for (const char *p = list;;) {
		size_t n = strcspn(p, ",");
		int ci = country_index_n(p, n);

		if (ci < 0) {
			if (bad)
				*bad = p;
			if (bad_len)
				*bad_len = n;
			return -1;
		}
		mask |= 1L << ci;
		if (!p[n])
			return mask;
		p += n + 1;
	}
}

void ob_demo_plan_init(struct ob_demo_plan *p)
{
	memset(p, 0, sizeof(*p));
}

void ob_demo_plan_release(struct ob_demo_plan *p)
{
	free(p->files);
	free(p->national);
	memset(p, 0, sizeof(*p));
}

const struct ob_demo_target *ob_demo_target_find(const char *country, int year)
{
	for (size_t i = 0; i < ob_demo_targets_count; i++)
		if (ob_demo_targets[i].year == year && !strcmp(ob_demo_targets[i].country, country))
			return &ob_demo_targets[i];
	return NULL;
}

size_t ob_demo_sources(const char **out, size_t max)
{
	size_t n = 0;

	for (int ci = 0; ci < DEMO_COUNTRIES; ci++)
		for (int k = 0; k < OB_DEMO_KINDS; k++, n++)
			if (n < max)
				out[n] = demo_countries[ci].src[k].code;
	return n;
}

size_t demo_plan_add_file(struct gen *g, const struct demo_source *src, int ci, int year,
                          enum ob_demo_kind kind, const char *path, int delivery,
                          int correction)
{
	struct ob_demo_plan *p = g->plan;
	struct ob_demo_file *f;

	if (p->nfiles == p->files_alloc) {
		p->files_alloc = p->files_alloc ? p->files_alloc * 2 : 64;
		p->files = ob_realloc(p->files, p->files_alloc * sizeof(*p->files));
		g->keys = ob_realloc(g->keys, p->files_alloc * sizeof(*g->keys));
	}
	f = &p->files[p->nfiles];
	memset(f, 0, sizeof(*f));
	ob_strlcpy(f->source, src->code, sizeof(f->source));
	ob_strlcpy(f->path, path, sizeof(f->path));
	ob_strlcpy(f->country, demo_countries[ci].iso2, sizeof(f->country));
	f->year = year;
	f->kind = kind;
	f->supersedes = f->superseded_by = -1;
	g->keys[p->nfiles] = (struct plan_key){ delivery, correction, (int)p->nfiles };
	return p->nfiles++;
}

static int key_cmp(const void *a, const void *b)
{
	const struct plan_key *x = a, *y = b;

	if (x->delivery != y->delivery)
		return x->delivery < y->delivery ? -1 : 1;
	if (x->correction != y->correction)
		return x->correction < y->correction ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Put the files in delivery order and renumber the supersession links. */
static void plan_sort(struct gen *g)
{
	struct ob_demo_plan *p = g->plan;
	struct ob_demo_file *sorted;
	int *where;

	if (!p->nfiles)
		return;
	qsort(g->keys, p->nfiles, sizeof(*g->keys), key_cmp);
	sorted = ob_malloc(p->nfiles * sizeof(*sorted));
	where = ob_malloc(p->nfiles * sizeof(*where));
	for (size_t i = 0; i < p->nfiles; i++) {
		sorted[i] = p->files[g->keys[i].seq];
		where[g->keys[i].seq] = (int)i;
	}
	for (size_t i = 0; i < p->nfiles; i++) {
		if (sorted[i].supersedes >= 0)
			sorted[i].supersedes = where[sorted[i].supersedes];
		if (sorted[i].superseded_by >= 0)
			sorted[i].superseded_by = where[sorted[i].superseded_by];
	}
	memcpy(p->files, sorted, p->nfiles * sizeof(*sorted));
	free(sorted);
	free(where);
}

/* ------------------------------------------------------------------ */

static ob_err country_year(struct gen *g, int ci, int year)
{
	struct cy cy;
	const struct ob_demo_target *t;
	struct ob_demo_national *nat;
	struct ob_demo_plan *p = g->plan;
	ob_err e = OB_OK;

	memset(&cy, 0, sizeof(cy));
	cy.g = g;
	cy.ci = ci;
	cy.c = &demo_countries[ci];
	cy.year = year;
	cy.y0 = demo_civil_days(year, 1, 1);
	cy.y1 = demo_civil_days(year + 1, 1, 1);
	demo_build_segments(&cy);
	t = ob_demo_target_find(cy.c->iso2, year);
	if (p->nnational == p->national_alloc) {
		p->national_alloc = p->national_alloc ? p->national_alloc * 2 : 128;
		p->national = ob_realloc(p->national, p->national_alloc * sizeof(*p->national));
	}
	cy.nat = p->nnational++;
	nat = &p->national[cy.nat];
	memset(nat, 0, sizeof(*nat));
	ob_strlcpy(nat->country, cy.c->iso2, sizeof(nat->country));
	nat->year = year;
	nat->population = cy.pop;
	nat->expected = demo_expected_deaths(&cy, t);
	nat->target_source = t ? t->source : "";
	demo_generate_deaths(&cy, nat->expected);
	demo_assign_sources(&cy);
	nat->deaths = (long long)cy.n;
	p->deaths += (long long)cy.n;
	for (int k = OB_DEMO_POLICE; k <= OB_DEMO_PROSECUTOR && !e; k++)
		e = demo_write_homicide_file(&cy, (enum ob_demo_kind)k);
	if (!e)
		e = demo_write_crimes(&cy);
	free(cy.deaths);
	demo_free_segments(&cy);
	return e;
}

static void free_gen(struct gen *g)
{
	for (size_t i = 0; i < g->nt; i++) {
		struct terr *t = &g->t[i];
		free(t->code);
		free(t->country);
		free(t->parent);
		free(t->name);
		free(t->natcode);
		for (size_t a = 0; a < t->nalias; a++)
			free(t->alias[a]);
		free(t->alias);
	}
	free(g->t);
	free(g->pops);
	for (int ci = 0; ci < DEMO_COUNTRIES; ci++)
		free(g->units[ci]);
	free(g->keys);
	demo_out_abandon(&g->truth);
}

static ob_err make_dir(const char *path, struct ob_diag *d)
{
	char buf[OB_MAX_PATH];
	size_t n = ob_strlcpy(buf, path, sizeof(buf));

	if (n >= sizeof(buf))
		return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return OB_DIAG(d, OB_EIO, buf, 0, 0, NULL, 0,
			               "no se pudo crear el directorio: %s",
			               "cannot create the directory: %s", strerror(errno));
		if (i < n)
			buf[i] = '/';
	}
	return OB_OK;
}

ob_err ob_demo_generate(struct ob_store *s, const char *outdir,
                        const struct ob_demo_options *o, struct ob_demo_plan *plan,
                        struct ob_diag *d)
{
	struct gen g;
	size_t total = 0;
	const char *bad = NULL;
	size_t bad_len = 0;
	long only = ob_demo_country_mask(o->country, &bad, &bad_len);
	ob_err e;

	if (!(o->scale > 0 && o->scale <= 1000) ||
	    !(o->crime_sampling > 0 && o->crime_sampling <= 1) ||
	    o->year_from < OB_DEMO_YEAR_FROM || o->year_to > OB_DEMO_YEAR_TO ||
	    o->year_from > o->year_to)
		return OB_DIAG(d, OB_EINVAL, outdir, 0, 0, NULL, 0,
		               "opciones no válidas: escala en (0, 1000], muestreo en (0, "
		               "1], años entre %d y %d",
		               "invalid options: scale in (0, 1000], sampling in (0, 1], "
		               "years between %d and %d", OB_DEMO_YEAR_FROM, OB_DEMO_YEAR_TO);
	if (only < 0)
		return OB_DIAG(d, OB_EINVAL, outdir, 0, 0, bad, bad_len,
		               "país desconocido en la demostración (BZ, CR, DO, GT, HN, PA, SV o "
		               "sus códigos de tres letras)",
		               "unknown country in the demo (BZ, CR, DO, GT, HN, PA, SV or their "
		               "three-letter codes)");
	memset(&g, 0, sizeof(g));
	g.o = o;
	g.plan = plan;
	g.d = d;
	g.outdir = outdir;
	plan->seed = o->seed;
	plan->scale = o->scale;
	plan->crime_sampling = o->crime_sampling;
	if ((e = demo_load_territories(&g, s)) || (e = demo_load_aliases(&g, s)) ||
	    (e = demo_load_population(&g, s)))
		goto free_gen;
	for (size_t i = 0; i < g.nt; i++) {
		int ci = g.t[i].ci;
		if (ci < 0 || !demo_is_unit(&g.t[i]))
			continue;
		g.units[ci] = ob_realloc(g.units[ci], (g.nunits[ci] + 1) * sizeof(**g.units));
		g.units[ci][g.nunits[ci]++] = i;
		total++;
	}
	if (!total) {
		e = OB_DIAG(d, OB_ENOENT, ob_store_dir(s), 0, 0, NULL, 0,
		            "el catálogo no tiene municipios (nivel 2) de los países de la "
		            "demostración",
		            "the catalogue has no municipalities (admin-2) of the demo "
		            "countries");
		goto free_gen;
	}
	demo_assign_risks(&g);
	demo_choose_fakes(&g);
	if ((e = make_dir(outdir, d)))
		goto free_gen;
	/* the made-up risk factors of the index presets, beside the catalogue's inputs */
	{
		char in[OB_MAX_PATH];
		if (snprintf(in, sizeof(in), "%s/%s/inputs", ob_store_dir(s), OB_CATALOG_DIR) >=
		            (int)sizeof(in) ||
		    (e = make_dir(in, d)) || (e = demo_write_inputs(&g, ob_store_dir(s), d)))
			goto free_gen;
	}
	if (snprintf(plan->ground_truth, sizeof(plan->ground_truth), "%s/ground_truth.csv",
	             outdir) >= (int)sizeof(plan->ground_truth)) {
		e = OB_DIAG(d, OB_ETOOBIG, outdir, 0, 0, NULL, 0, "ruta demasiado larga",
		            "path too long");
		goto free_gen;
	}
	if ((e = demo_out_open(&g.truth, plan->ground_truth, false, "\n", d)))
		goto free_gen;
	out_str(&g.truth, "source,source_id,death_id\n");
	for (int year = o->year_from; year <= o->year_to && !e; year++)
		for (int ci = 0; ci < DEMO_COUNTRIES && !e; ci++)
			if (g.nunits[ci] && (!only || only >> ci & 1))
				e = country_year(&g, ci, year);
	if (!e)
		e = demo_out_close(&g.truth, d);
	if (!e)
		plan_sort(&g);
free_gen:
	free_gen(&g);
	return e;
}

/* ------------------------------------------------------------------ */
/* The labels the generator writes, for checking crosswalks.           */

static void add_label(struct ob_demo_label **v, size_t *n, size_t *alloc, const char *cw,
                      const char *label, const char *target)
{
	if (!label)
		return;
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 256;
		*v = ob_realloc(*v, *alloc * sizeof(**v));
	}
	(*v)[(*n)++] = (struct ob_demo_label){ cw, label, target };
}

static int label_cmp(const void *a, const void *b)
{
	const struct ob_demo_label *x = a, *y = b;
	int c = strcmp(x->crosswalk, y->crosswalk);

	if (!c)
		c = strcmp(x->label, y->label);
	if (!c)
		c = strcmp(x->target, y->target);
	return c;
}

size_t ob_demo_labels(struct ob_demo_label **out)
{
	struct ob_demo_label *v = NULL;
	size_t n = 0, alloc = 0, w = 0;

	for (int lang = 0; lang < 2; lang++)
		for (int k = 0; k < OB_DEMO_KINDS; k++) {
			const struct demo_style *st = &demo_styles[lang][k];
			for (int i = 0; i < N_SEX; i++)
				add_label(&v, &n, &alloc, "sexo", st->sex[i], demo_sex_code[i]);
			for (int i = 0; i < N_MECH; i++)
				add_label(&v, &n, &alloc, "arma", st->mech[i], demo_mech_code[i]);
			for (int i = 0; i < N_PLACE; i++)
				add_label(&v, &n, &alloc, "lugar", st->place[i], demo_place_code[i]);
			for (int i = 0; i < N_REL; i++)
				add_label(&v, &n, &alloc, "relacion", st->rel[i], demo_rel_code[i]);
			for (int i = 0; i < N_CTX; i++)
				add_label(&v, &n, &alloc, "contexto", st->ctx[i], demo_ctx_code[i]);
			for (int i = 0; i < N_MANNER; i++)
				add_label(&v, &n, &alloc, "manera", st->manner[i], demo_manner_code[i]);
		}
	for (int ci = 0; ci < DEMO_COUNTRIES; ci++) {
		const struct demo_country *c = &demo_countries[ci];
		const char *cw = c->category_crosswalk;

		add_label(&v, &n, &alloc, cw, c->police_homicide, "0101");
		add_label(&v, &n, &alloc, cw, c->prosecutor_labels[0], "0101");
		add_label(&v, &n, &alloc, cw, c->prosecutor_labels[1], "0101");
		if (c->femicide_year <= OB_DEMO_YEAR_TO) {
			add_label(&v, &n, &alloc, cw, c->femicide_label, "0101");
			add_label(&v, &n, &alloc, cw, c->prosecutor_femicide, "0101");
		}
		for (int i = 0; i < N_CRIME; i++)
			if (demo_records_crime(c, i))
				add_label(&v, &n, &alloc, cw, c->crime_label[i], demo_crime_iccs[i]);
	}
	qsort(v, n, sizeof(*v), label_cmp);
	for (size_t i = 0; i < n; i++)
		if (!w || label_cmp(&v[w - 1], &v[i]))
			v[w++] = v[i];
	*out = v;
	return w;
}
