/* reconcile_link.c - decisions of clerical review and the linkage of a run's
 * records into deaths (see reconcile_impl.h). */
#include "reconcile/reconcile_impl.h"

/* ---- decisions ------------------------------------------------------------------ */

/* The pair in a fixed order: (sa, ia) <= (sb, ib). */
static void pair_order(const char **sa, const char **ia, const char **sb, const char **ib)
{
	int c = strcmp(*sa, *sb);
	if (c > 0 || (c == 0 && strcmp(*ia, *ib) > 0)) {
		const char *t = *sa;
		*sa = *sb;
		*sb = t;
		t = *ia;
		*ia = *ib;
		*ib = t;
	}
}

void ob_reconcile_decision_add(struct ob_reconcile_run *run, const char *source_a, const char *id_a,
                         const char *source_b, const char *id_b, bool accept)
{
	struct ob_reconcile_decision *x;

	pair_order(&source_a, &id_a, &source_b, &id_b);
	for (size_t i = 0; i < run->ndec; i++) { /* a later decision replaces an earlier one */
		x = &run->dec[i];
		if (!strcmp(x->source_a, source_a) && !strcmp(x->id_a, id_a) &&
		    !strcmp(x->source_b, source_b) && !strcmp(x->id_b, id_b)) {
			x->accept = accept;
			return;
		}
	}
	run->dec = ob_realloc(run->dec, (run->ndec + 1) * sizeof(*run->dec));
	x = &run->dec[run->ndec++];
	x->source_a = ob_strdup(source_a);
	x->id_a = ob_strdup(id_a);
	x->source_b = ob_strdup(source_b);
	x->id_b = ob_strdup(id_b);
	x->accept = accept;
}

static int decision_one(void *arg, const char *source_a, const char *id_a,
                        const char *source_b, const char *id_b, bool accept)
{
	ob_reconcile_decision_add(arg, source_a ? source_a : "", id_a ? id_a : "",
	                          source_b ? source_b : "", id_b ? id_b : "", accept);
	return 0;
}

ob_err ob_reconcile_decisions_load(struct ob_reconcile_run *run, struct ob_store *st, struct ob_diag *d)
{
	return ob_store_rc_decisions_each(st, decision_one, run, d) < 0 ? OB_ESTORE : OB_OK;
}

/* ---- linkage -------------------------------------------------------------------- */

enum {
	F_GIVEN = 0, F_SUR1, F_SUR2, F_DATE, F_AGE, F_SEX, F_TERR, F_MECH, F_MANNER, F_COUNT
};

static void field_spec(struct ob_link_field *f)
{
	static const struct {
		const char *name;
		enum ob_link_kind kind;
	} spec[F_COUNT] = {
		{ "nombres", OB_LINK_GIVEN },     { "apellido1", OB_LINK_SURNAME1 },
		{ "apellido2", OB_LINK_SURNAME2 }, { "fecha", OB_LINK_DATE },
		{ "edad", OB_LINK_AGE },          { "sexo", OB_LINK_CODE },
		{ "territorio", OB_LINK_TERRITORY }, { "mecanismo", OB_LINK_CODE },
		{ "manera", OB_LINK_CODE },
	};
	for (int k = 0; k < F_COUNT; k++) {
		memset(&f[k], 0, sizeof(f[k]));
		ob_strlcpy(f[k].name, spec[k].name, sizeof(f[k].name));
		f[k].kind = spec[k].kind;
		ob_link_field_defaults(&f[k]);
	}
	f[F_DATE].date_forms = 0;
}

static void term(struct ob_block_rule *r, size_t field, enum ob_block_how how, double window)
{
	r->term[r->nterms].field = field;
	r->term[r->nterms].how = how;
	r->term[r->nterms].window = window;
	r->nterms++;
}

size_t ob_reconcile_rules(const struct ob_reconcile_settings *s, struct ob_block_rule *rules)
{
	size_t n = 0;
	struct ob_block_rule *r;
	int month = s->block_days > 20 ? s->block_days : 20;

	/* same admin-1, dates close: people whose names were not written alike */
	r = &rules[n++];
	memset(r, 0, sizeof(*r));
	term(r, F_TERR, OB_BLOCK_ADMIN1, 0);
	term(r, F_DATE, OB_BLOCK_WITHIN, s->block_days);
	snprintf(r->text, sizeof(r->text), "territorio:admin1, fecha:within %d", s->block_days);
	/* same admin-2 within a month (dates known to the month are compared as the 15th) */
	r = &rules[n++];
	memset(r, 0, sizeof(*r));
	term(r, F_TERR, OB_BLOCK_EXACT, 0);
	term(r, F_DATE, OB_BLOCK_WITHIN, month);
	snprintf(r->text, sizeof(r->text), "territorio:exact, fecha:within %d", month);
	/* a surname alike and the same initial, dates within name_days */
	r = &rules[n++];
	memset(r, 0, sizeof(*r));
	term(r, F_SUR1, OB_BLOCK_KEY, 0);
	term(r, F_GIVEN, OB_BLOCK_INITIAL, 0);
	term(r, F_DATE, OB_BLOCK_WITHIN, s->name_days);
	snprintf(r->text, sizeof(r->text), "apellido1:key, nombres:initial, fecha:within %d",
	         s->name_days);
	r = &rules[n++];
	memset(r, 0, sizeof(*r));
	term(r, F_SUR2, OB_BLOCK_KEY, 0);
	term(r, F_GIVEN, OB_BLOCK_INITIAL, 0);
	term(r, F_DATE, OB_BLOCK_WITHIN, s->name_days);
	snprintf(r->text, sizeof(r->text), "apellido2:key, nombres:initial, fecha:within %d",
	         s->name_days);
	/* both surnames in either order */
	r = &rules[n++];
	memset(r, 0, sizeof(*r));
	term(r, F_SUR1, OB_BLOCK_KEYS, 0);
	term(r, F_GIVEN, OB_BLOCK_INITIAL, 0);
	term(r, F_DATE, OB_BLOCK_WITHIN, s->name_days);
	snprintf(r->text, sizeof(r->text), "apellido1:keys, nombres:initial, fecha:within %d",
	         s->name_days);
	/* records without a date: names alone, same admin-1 */
	r = &rules[n++];
	memset(r, 0, sizeof(*r));
	term(r, F_SUR1, OB_BLOCK_KEY, 0);
	term(r, F_GIVEN, OB_BLOCK_INITIAL, 0);
	term(r, F_TERR, OB_BLOCK_ADMIN1, 0);
	snprintf(r->text, sizeof(r->text), "apellido1:key, nombres:initial, territorio:admin1");
	return n;
}

static bool is_missing_name(const char *s)
{
	struct ob_buf f = OB_BUF_INIT(OB_MAX_FIELD);
	bool miss = true;

	if (s && *s && !ob_name_fold(s, strlen(s), 0, &f) && f.len)
		miss = ob_is_missing_word(f.ptr, f.len) || !strcmp(f.ptr, "UNKNOWN") ||
		       !strcmp(f.ptr, "UNIDENTIFIED");
	ob_buf_release(&f);
	return miss;
}

static ob_err country_records(struct ob_reconcile_run *run, struct ob_reconcile_country *k, size_t ci,
                              struct ob_diag *d)
{
	struct ob_link_field spec[F_COUNT];
	struct ob_buf given = OB_BUF_INIT(OB_MAX_FIELD), s1 = OB_BUF_INIT(OB_MAX_FIELD),
	              s2 = OB_BUF_INIT(OB_MAX_FIELD);
	struct ob_strmap srcs;
	ob_err e;

	field_spec(spec);
	if ((e = ob_link_records_init(&k->lr, spec, F_COUNT, d)))
		return e;
	k->have_lr = true;
	ob_strmap_init(&srcs);
	for (size_t i = 0; i < run->n; i++) {
		struct ob_reconcile_record *r = &run->rec[i];
		struct ob_link_text v[OB_MAX_LINK_FIELDS];
		char age[16];
		void *sv;
		uint16_t si;
		const char *date = r->day != INT32_MIN ? r->date : NULL;
		char mid[16];

		if (r->country_ix != ci)
			continue;
		sv = ob_strmap_get(&srcs, r->source, strlen(r->source));
		if (!sv) {
			if ((e = ob_link_records_add_source(&k->lr, r->source, &si))) {
				OB_DIAG(d, e, NULL, 0, 0, NULL, 0, "demasiadas fuentes en %s",
				        "too many sources in %s", k->code);
				goto out;
			}
			if ((e = ob_strmap_put(&srcs, r->source, strlen(r->source),
			                       (void *)(uintptr_t)(si + 1), NULL)))
				goto out;
		} else {
			si = (uint16_t)((uintptr_t)sv - 1);
		}
		memset(v, 0, sizeof(v));
		ob_buf_reset(&given);
		ob_buf_reset(&s1);
		ob_buf_reset(&s2);
		r->named = !is_missing_name(r->names);
		if (r->named) {
			if ((e = ob_fullname_split(r->names, strlen(r->names), 0, &given, &s1, &s2))) {
				OB_DIAG(d, e, NULL, 0, 0, r->source_id, strlen(r->source_id),
				        "nombre ilegible en %s", "unreadable name in %s",
				        r->source);
				goto out;
			}
			v[F_GIVEN] = (struct ob_link_text){ given.ptr, given.len, NULL, 0 };
			v[F_SUR1] = (struct ob_link_text){ s1.ptr, s1.len, NULL, 0 };
			v[F_SUR2] = (struct ob_link_text){ s2.ptr, s2.len, NULL, 0 };
		}
		if (!date && r->date && strlen(r->date) == 7) {
			/* known to the month: compared as its 15th, so it agrees at most at
			 * the level of a month */
			snprintf(mid, sizeof(mid), "%.7s-15", r->date);
			date = mid;
		}
		if (date)
			v[F_DATE] = (struct ob_link_text){ date, strlen(date), NULL, 0 };
		if (r->age >= 0) {
			snprintf(age, sizeof(age), "%d", r->age);
			v[F_AGE] = (struct ob_link_text){ age, strlen(age), NULL, 0 };
		}
		if (r->sex)
			v[F_SEX] = (struct ob_link_text){ r->sex, strlen(r->sex), NULL, 0 };
		if (r->territory)
			v[F_TERR] = (struct ob_link_text){ r->territory, strlen(r->territory), NULL, 0 };
		if (r->mechanism)
			v[F_MECH] = (struct ob_link_text){ r->mechanism, strlen(r->mechanism), NULL, 0 };
		if (r->manner)
			v[F_MANNER] = (struct ob_link_text){ r->manner, strlen(r->manner), NULL, 0 };
		if ((e = ob_link_records_add(&k->lr, si, r->source_id, strlen(r->source_id), v,
		                             r->source))) {
			OB_DIAG(d, e, NULL, 0, 0, r->source_id, strlen(r->source_id),
			        "no se pudo añadir el registro de %s",
			        "cannot add the record of %s", r->source);
			goto out;
		}
		if (r->territory && r->admin1 &&
		    (e = ob_link_records_set_parent(&k->lr, F_TERR, r->territory,
		                                    strlen(r->territory), r->admin1,
		                                    strlen(r->admin1)))) {
			OB_DIAG(d, e, NULL, 0, 0, r->territory, strlen(r->territory),
			        "territorio", "territory");
			goto out;
		}
		if (k->n == k->cap) {
			k->cap = k->cap ? k->cap * 2 : 256;
			k->rec = ob_realloc(k->rec, k->cap * sizeof(*k->rec));
		}
		r->local = (uint32_t)k->n;
		k->rec[k->n++] = (uint32_t)i;
	}
out:
	ob_strmap_release(&srcs);
	ob_buf_release(&given);
	ob_buf_release(&s1);
	ob_buf_release(&s2);
	return e;
}

/* An edge of the clustering, across the whole run. */
struct edge {
	uint32_t a, b;
	double score, probability;
	bool dup; /* two records of one source: one death recorded twice */
};

static int edge_cmp(const void *x, const void *y)
{
	const struct edge *p = x, *q = y;
	if (p->dup != q->dup)
		return p->dup ? -1 : 1;
	if (p->score != q->score)
		return p->score > q->score ? -1 : 1;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

struct uf {
	uint32_t *parent;
	uint64_t *mask;  /* sources present, by link source index */
};

static uint32_t uf_find(struct uf *u, uint32_t x)
{
	while (u->parent[x] != x) {
		u->parent[x] = u->parent[u->parent[x]];
		x = u->parent[x];
	}
	return x;
}

/* The decision on records a and b of the run: 1 accept, -1 reject, 0 none. */
static int decision_of(const struct ob_reconcile_run *run, const struct ob_strmap *dm, uint32_t a,
                       uint32_t b)
{
	const struct ob_reconcile_record *x = &run->rec[a], *y = &run->rec[b];
	const char *sa = x->source, *ia = x->source_id, *sb = y->source, *ib = y->source_id;
	struct ob_buf k = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	void *v;

	if (!run->ndec)
		return 0;
	pair_order(&sa, &ia, &sb, &ib);
	ob_buf_putf(&k, "%s\x1f%s\x1f%s\x1f%s", sa, ia, sb, ib);
	v = ob_buf_failed(&k) ? NULL : ob_strmap_get(dm, k.ptr, k.len);
	ob_buf_release(&k);
	return v ? (int)((intptr_t)v - 2) : 0;
}

static void explain(const struct ob_reconcile_country *k, uint32_t i, uint32_t j, struct ob_buf *out)
{
	struct ob_link_cmp cmp;
	struct ob_fs_score sc;

	ob_link_explain(&k->lr, &k->res, i, j, &cmp, &sc);
	for (size_t f = 0; f < k->lr.nfields; f++) {
		char lab[64];
		ob_link_level_label(&k->lr.field[f], cmp.level[f], lab, sizeof(lab));
		ob_buf_putf(out, "%s\t%s\t%.3f\n", k->lr.field[f].name, lab, sc.contrib[f]);
	}
	ob_buf_putf(out, "(prior)\t\t%.3f\n", k->res.weights.prior);
}

/* A record of a country keyed by source, then day (for duplicates within a source). */
struct sd_key {
	const char *source;
	int32_t day;
	uint32_t rec;
};

static int by_source_day(const void *x, const void *y)
{
	const struct sd_key *a = x, *b = y;
	int c = strcmp(a->source, b->source);
	if (c)
		return c;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return a->rec < b->rec ? -1 : a->rec > b->rec;
}

static int on_candidates(void *ctx, const struct ob_blocking *b)
{
	struct ob_reconcile_run *run = ctx;
	run->candidates += b->total;
	return 0;
}

ob_err ob_reconcile_link(struct ob_reconcile_run *run, struct ob_diag *d)
{
	struct ob_block_rule rules[OB_MAX_LINK_RULES];
	size_t nrules = ob_reconcile_rules(&run->set, rules);
	struct edge *edges = NULL;
	size_t nedges = 0, capedges = 0;
	struct ob_strmap dm, keys;
	struct uf u = { NULL, NULL };
	uint32_t *rej = NULL; /* rejected pairs, two records each */
	size_t nrej = 0;
	ob_err e = OB_OK;

	ob_strmap_init(&dm);
	ob_strmap_init(&keys);
	/* decisions by key; records by (source, id) */
	for (size_t i = 0; i < run->ndec; i++) {
		struct ob_buf k = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
		const struct ob_reconcile_decision *x = &run->dec[i];
		ob_buf_putf(&k, "%s\x1f%s\x1f%s\x1f%s", x->source_a, x->id_a, x->source_b, x->id_b);
		e = ob_buf_failed(&k) ? OB_ETOOBIG
		                      : ob_strmap_put(&dm, k.ptr, k.len,
		                                      (void *)(intptr_t)(x->accept ? 3 : 1), NULL);
		ob_buf_release(&k);
		if (e)
			goto out;
	}
	for (size_t i = 0; i < run->n && run->ndec; i++) {
		struct ob_buf k = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
		ob_buf_putf(&k, "%s\x1f%s", run->rec[i].source, run->rec[i].source_id);
		e = ob_buf_failed(&k) ? OB_ETOOBIG
		                      : ob_strmap_put(&keys, k.ptr, k.len, (void *)(uintptr_t)(i + 1), NULL);
		ob_buf_release(&k);
		if (e)
			goto out;
	}

	for (size_t c = 0; c < run->ncountries; c++) {
		struct ob_reconcile_country *k = &run->countries[c];
		struct ob_link_options o;

		if ((e = country_records(run, k, c, d)))
			goto out;
		if (k->lr.nsources < 2 || k->n < 2)
			continue; /* nothing to link */
		ob_link_options_defaults(&o);
		o.threshold = run->set.threshold;
		o.report_min = run->set.review_low < run->set.threshold ? run->set.review_low
		                                                        : run->set.threshold;
		o.across = true;
		o.within = false;
		o.seed = run->set.seed;
		o.threads = run->set.threads;
		o.progress = run->set.progress;
		o.on_candidates = on_candidates;
		o.ctx = run;
		if (run->set.progress)
			OB_INFO("%s: %zu registros", "%s: %zu records", k->code, k->n);
		if ((e = ob_link_run(&k->lr, rules, nrules, &o, &k->res, d)))
			goto out;
		k->have_res = true;
		for (size_t p = 0; p < k->res.npairs; p++) {
			const struct ob_link_pair *q = &k->res.pair[p];
			uint32_t a = k->rec[q->i], b = k->rec[q->j];
			int dec = decision_of(run, &dm, a, b);
			double lo = q->weight + k->res.weights.prior;

			if (dec < 0) {
				rej = ob_realloc(rej, (nrej + 1) * 2 * sizeof(*rej));
				rej[2 * nrej] = a;
				rej[2 * nrej + 1] = b;
				nrej++;
				continue;
			}
			if (!dec && q->probability >= run->set.review_low &&
			    (q->probability < run->set.review_high || run->set.review_high >= 1)) {
				struct ob_reconcile_review *rv;
				struct ob_buf ex = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
				run->review = ob_realloc(run->review,
				                         (run->nreview + 1) * sizeof(*run->review));
				rv = &run->review[run->nreview++];
				rv->a = a;
				rv->b = b;
				rv->probability = q->probability;
				rv->weight = q->weight;
				rv->linked = false;
				explain(k, q->i, q->j, &ex);
				rv->explanation = ob_buf_detach(&ex, NULL);
			}
			if (dec > 0 || q->probability >= run->set.threshold) {
				if (nedges == capedges) {
					capedges = capedges ? capedges * 2 : 1024;
					edges = ob_realloc(edges, capedges * sizeof(*edges));
				}
				edges[nedges++] = (struct edge){ a, b, dec > 0 ? 1e6 : lo,
				                                 dec > 0 ? 1.0 : q->probability };
			}
		}
	}
	/* one death recorded twice by one source */
	for (size_t c = 0; c < run->ncountries; c++) {
		struct ob_reconcile_country *k = &run->countries[c];
		struct sd_key *key;
		uint32_t *ord;
		if (!k->have_res)
			continue;
		key = ob_malloc(k->n * sizeof(*key));
		ord = ob_malloc(k->n * sizeof(*ord));
		for (size_t x = 0; x < k->n; x++)
			key[x] = (struct sd_key){ run->rec[k->rec[x]].source, run->rec[k->rec[x]].day,
			                          k->rec[x] };
		qsort(key, k->n, sizeof(*key), by_source_day);
		for (size_t x = 0; x < k->n; x++)
			ord[x] = key[x].rec;
		free(key);
		for (size_t x = 0; x < k->n; x++) {
			const struct ob_reconcile_record *a = &run->rec[ord[x]];
			if (a->day == INT32_MIN || !a->named || !a->admin1)
				continue;
			for (size_t y = x + 1; y < k->n; y++) {
				const struct ob_reconcile_record *b = &run->rec[ord[y]];
				struct ob_link_cmp cmp;
				struct ob_fs_score sc;
				if (strcmp(a->source, b->source) || b->day == INT32_MIN ||
				    b->day - a->day > run->set.date_days)
					break;
				if (!b->named || !b->admin1 || strcmp(a->admin1, b->admin1))
					continue;
				ob_link_explain(&k->lr, &k->res, a->local, b->local, &cmp, &sc);
				if (sc.probability < run->set.dup_threshold ||
				    decision_of(run, &dm, ord[x], ord[y]) < 0)
					continue;
				if (nedges == capedges) {
					capedges = capedges ? capedges * 2 : 1024;
					edges = ob_realloc(edges, capedges * sizeof(*edges));
				}
				edges[nedges++] = (struct edge){ ord[x] < ord[y] ? ord[x] : ord[y],
				                                 ord[x] < ord[y] ? ord[y] : ord[x],
				                                 sc.weight, sc.probability, true };
				run->duplicates++;
			}
		}
		free(ord);
	}
	/* decisions on pairs the blocking did not bring */
	for (size_t i = 0; i < run->ndec; i++) {
		const struct ob_reconcile_decision *x = &run->dec[i];
		struct ob_buf ka = OB_BUF_INIT(OB_MAX_BUF_DEFAULT), kb = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
		void *va, *vb;
		ob_buf_putf(&ka, "%s\x1f%s", x->source_a, x->id_a);
		ob_buf_putf(&kb, "%s\x1f%s", x->source_b, x->id_b);
		va = ob_buf_failed(&ka) ? NULL : ob_strmap_get(&keys, ka.ptr, ka.len);
		vb = ob_buf_failed(&kb) ? NULL : ob_strmap_get(&keys, kb.ptr, kb.len);
		ob_buf_release(&ka);
		ob_buf_release(&kb);
		if (!va || !vb)
			continue;
		uint32_t a = (uint32_t)((uintptr_t)va - 1), b = (uint32_t)((uintptr_t)vb - 1);
		if (run->rec[a].country_ix != run->rec[b].country_ix)
			continue;
		if (x->accept) {
			if (nedges == capedges) {
				capedges = capedges ? capedges * 2 : 1024;
				edges = ob_realloc(edges, capedges * sizeof(*edges));
			}
			edges[nedges++] = (struct edge){ a < b ? a : b, a < b ? b : a, 1e6, 1.0 };
			run->forced_links++;
		} else {
			rej = ob_realloc(rej, (nrej + 1) * 2 * sizeof(*rej));
			rej[2 * nrej] = a;
			rej[2 * nrej + 1] = b;
			nrej++;
		}
	}

	/* greedy clustering: strongest first, one record per source, rejected pairs apart */
	if (nedges)
		qsort(edges, nedges, sizeof(*edges), edge_cmp);
	u.parent = ob_malloc((run->n ? run->n : 1) * sizeof(*u.parent));
	u.mask = ob_calloc(run->n ? run->n : 1, sizeof(*u.mask));
	for (size_t i = 0; i < run->n; i++) {
		const struct ob_reconcile_record *r = &run->rec[i];
		const struct ob_reconcile_country *k = &run->countries[r->country_ix];
		u.parent[i] = (uint32_t)i;
		if (k->have_lr)
			u.mask[i] = 1ull << (k->lr.source[r->local] % 64);
	}
	for (size_t x = 0; x < nedges; x++) {
		uint32_t ra = uf_find(&u, edges[x].a), rb = uf_find(&u, edges[x].b);
		bool apart = false;
		if (ra == rb || (!edges[x].dup && (u.mask[ra] & u.mask[rb]))) {
			if (ra != rb && edges[x].score >= 1e6)
				run->forced_apart++; /* an accepted pair that breaks the rule */
			continue;
		}
		for (size_t t = 0; t < nrej && !apart; t++) {
			uint32_t p = uf_find(&u, rej[2 * t]), q = uf_find(&u, rej[2 * t + 1]);
			apart = (p == ra && q == rb) || (p == rb && q == ra);
		}
		if (apart)
			continue;
		u.parent[rb] = ra;
		u.mask[ra] |= u.mask[rb];
		run->linked_pairs++;
		/* each record remembers its strongest link */
		if (isnan(run->rec[edges[x].a].probability))
			run->rec[edges[x].a].probability = edges[x].probability;
		if (isnan(run->rec[edges[x].b].probability))
			run->rec[edges[x].b].probability = edges[x].probability;
	}
	/* clusters numbered in record order */
	{
		uint32_t *num = ob_calloc(run->n ? run->n : 1, sizeof(*num)), next = 0;
		for (size_t i = 0; i < run->n; i++) {
			uint32_t r = uf_find(&u, (uint32_t)i);
			if (!num[r])
				num[r] = ++next;
			run->rec[i].cluster = num[r];
		}
		free(num);
		run->ndeaths = next;
	}
	for (size_t i = 0; i < run->nreview; i++)
		run->review[i].linked = run->rec[run->review[i].a].cluster ==
		                        run->rec[run->review[i].b].cluster;
out:
	free(u.parent);
	free(u.mask);
	free(edges);
	free(rej);
	ob_strmap_release(&dm);
	ob_strmap_release(&keys);
	return e;
}

