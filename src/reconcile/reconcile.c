/* reconcile.c - violent deaths linked across institutions into one death each
 * (see reconcile.h): the settings, which records are deaths, a run's records.
 * reconcile_link.c links them, reconcile_ledger.c counts them. */
#include "reconcile/reconcile_impl.h"

static const char *const inst_names[OB_RECONCILE_NINST] = { "police", "forensic", "prosecutor" };
static const char *const attr_names[OB_RECONCILE_NATTR] = {
	"date", "territory", "sex", "age", "manner", "mechanism", "place", "category",
	"relationship", "context", "time",
};
static const char *const reason_names[OB_RECONCILE_NREASONS] = {
	"single_source", "manner", "territory", "date", "sex", "age", "duplicate",
};

const char *ob_reconcile_inst_name(enum ob_reconcile_inst i)
{
	return (unsigned)i < OB_RECONCILE_NINST ? inst_names[i] : "?";
}

const char *ob_reconcile_attr_name(enum ob_reconcile_attr a)
{
	return (unsigned)a < OB_RECONCILE_NATTR ? attr_names[a] : "?";
}

const char *ob_reconcile_reason_name(enum ob_reconcile_reason r)
{
	return (unsigned)r < OB_RECONCILE_NREASONS ? reason_names[r] : "?";
}

static int inst_parse(const char *s, size_t n)
{
	for (int i = 0; i < OB_RECONCILE_NINST; i++)
		if (strlen(inst_names[i]) == n && !memcmp(s, inst_names[i], n))
			return i;
	return -1;
}

/* ---- settings ------------------------------------------------------------------- */

static void set_order(enum ob_reconcile_inst *o, enum ob_reconcile_inst a, enum ob_reconcile_inst b,
                      enum ob_reconcile_inst c)
{
	o[0] = a;
	o[1] = b;
	o[2] = c;
}

void ob_reconcile_settings_defaults(struct ob_reconcile_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->threshold = 0.2;
	s->review_low = 0.05;
	s->review_high = 0.9;
	s->date_days = 3;
	s->age_years = 2;
	s->block_days = 7;
	s->name_days = 60;
	s->dup_threshold = 0.95;
	s->seed = 20240101;
	/* the police attend the scene: date and place of the events */
	set_order(s->order[OB_RECONCILE_DATE], OB_RECONCILE_POLICE, OB_RECONCILE_PROSECUTOR, OB_RECONCILE_FORENSIC);
	set_order(s->order[OB_RECONCILE_TERRITORY], OB_RECONCILE_POLICE, OB_RECONCILE_PROSECUTOR, OB_RECONCILE_FORENSIC);
	set_order(s->order[OB_RECONCILE_PLACE], OB_RECONCILE_POLICE, OB_RECONCILE_FORENSIC, OB_RECONCILE_PROSECUTOR);
	/* the autopsy: the body, how and by what means the person died */
	set_order(s->order[OB_RECONCILE_SEX], OB_RECONCILE_FORENSIC, OB_RECONCILE_POLICE, OB_RECONCILE_PROSECUTOR);
	set_order(s->order[OB_RECONCILE_AGE], OB_RECONCILE_FORENSIC, OB_RECONCILE_PROSECUTOR, OB_RECONCILE_POLICE);
	set_order(s->order[OB_RECONCILE_MANNER], OB_RECONCILE_FORENSIC, OB_RECONCILE_PROSECUTOR, OB_RECONCILE_POLICE);
	set_order(s->order[OB_RECONCILE_MECHANISM], OB_RECONCILE_FORENSIC, OB_RECONCILE_POLICE, OB_RECONCILE_PROSECUTOR);
	/* the offence as investigated, the relationship and context the police
	 * record, the hour from the scene */
	set_order(s->order[OB_RECONCILE_CATEGORY], OB_RECONCILE_POLICE, OB_RECONCILE_PROSECUTOR, OB_RECONCILE_FORENSIC);
	set_order(s->order[OB_RECONCILE_RELATIONSHIP], OB_RECONCILE_POLICE, OB_RECONCILE_PROSECUTOR, OB_RECONCILE_FORENSIC);
	set_order(s->order[OB_RECONCILE_CONTEXT], OB_RECONCILE_POLICE, OB_RECONCILE_PROSECUTOR, OB_RECONCILE_FORENSIC);
	set_order(s->order[OB_RECONCILE_TIME], OB_RECONCILE_POLICE, OB_RECONCILE_FORENSIC, OB_RECONCILE_PROSECUTOR);
}

static bool eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t' || **s == '\r'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

static ob_err set_key(struct ob_reconcile_settings *s, const char *k, size_t kn, const char *v,
                      size_t vn, const char *name, long line, struct ob_diag *d)
{
	static const struct {
		const char *key;
		double lo, hi;
		int what; /* 0 threshold, 1 low, 2 high, 3.. ints */
	} num[] = {
		{ "threshold", 0, 1, 0 },    { "review_low", 0, 1, 1 },  { "review_high", 0, 1, 2 },
		{ "date_days", 0, 3650, 3 }, { "age_years", 0, 120, 4 }, { "block_days", 0, 366, 5 },
		{ "name_days", 0, 3650, 6 }, { "seed", 0, 1e15, 7 },     { "threads", 0, 64, 8 },
		{ "duplicate_threshold", 0, 1, 9 },
	};
	double x;

	for (size_t i = 0; i < OB_ARRAY_SIZE(num); i++) {
		if (!eq(k, kn, num[i].key))
			continue;
		if (!ob_parse_double(v, vn, &x) || !(x >= num[i].lo && x <= num[i].hi) ||
		    (num[i].what >= 3 && x != floor(x)) ||
		    ((num[i].what < 3 || num[i].what == 9) &&
		     !(x > 0 && (num[i].what == 2 || num[i].what == 9 ? x <= 1 : x < 1))))
			return OB_DIAG(d, OB_EINVAL, name, line, 0, v, vn,
			               "%s: se esperaba %s entre %g y %g", "%s: expected %s between %g and %g",
			               num[i].key,
			               num[i].what < 3 || num[i].what == 9
			                       ? OB_TR("una probabilidad", "a probability")
			                       : OB_TR("un entero", "an integer"),
			               num[i].lo, num[i].hi);
		switch (num[i].what) {
		case 0: s->threshold = x; break;
		case 1: s->review_low = x; break;
		case 2: s->review_high = x; break;
		case 3: s->date_days = (int)x; break;
		case 4: s->age_years = (int)x; break;
		case 5: s->block_days = (int)x; break;
		case 6: s->name_days = (int)x; break;
		case 7: s->seed = (uint64_t)x; break;
		case 9: s->dup_threshold = x; break;
		default: s->threads = (int)x; break;
		}
		return OB_OK;
	}
	for (int a = 0; a < OB_RECONCILE_NATTR; a++) {
		enum ob_reconcile_inst o[OB_RECONCILE_NINST];
		bool seen[OB_RECONCILE_NINST] = { false };
		size_t no = 0, i = 0;

		if (!eq(k, kn, attr_names[a]))
			continue;
		while (i < vn) {
			size_t j = i;
			const char *t;
			size_t tn;
			int in;
			while (j < vn && v[j] != ',')
				j++;
			t = v + i;
			tn = j - i;
			trim(&t, &tn);
			i = j + 1;
			in = inst_parse(t, tn);
			if (in < 0 || seen[in])
				return OB_DIAG(d, OB_EINVAL, name, line, 0, t, tn,
				               "%s: se esperaba una lista de police, "
				               "forensic, prosecutor sin repetir",
				               "%s: expected a list of police, forensic, "
				               "prosecutor without repeats", attr_names[a]);
			seen[in] = true;
			o[no++] = (enum ob_reconcile_inst)in;
		}
		if (!no)
			return OB_DIAG(d, OB_EINVAL, name, line, 0, v, vn,
			               "%s: falta la lista de instituciones",
			               "%s: the list of institutions is missing", attr_names[a]);
		for (int t = 0; t < OB_RECONCILE_NINST; t++) /* the rest, in the default order */
			if (!seen[s->order[a][t]])
				o[no++] = s->order[a][t];
		memcpy(s->order[a], o, sizeof(o));
		return OB_OK;
	}
	return OB_DIAG(d, OB_EINVAL, name, line, 0, k, kn,
	               "clave desconocida; se esperaba threshold, review_low, review_high, "
	               "date_days, age_years, block_days, name_days, duplicate_threshold, "
	               "seed, threads o un atributo (date, territory, sex, age, manner, "
	               "mechanism, place, category, relationship, context, time)",
	               "unknown key; expected threshold, review_low, review_high, date_days, "
	               "age_years, block_days, name_days, duplicate_threshold, seed, "
	               "threads or an attribute (date, territory, sex, age, manner, "
	               "mechanism, place, category, relationship, context, time)");
}

struct settings_parse {
	struct ob_reconcile_settings *s;
	const char *name;
	struct ob_diag *d;
	long line;
};

static ob_err settings_item(void *ctx, const struct ob_ini_item *it)
{
	struct settings_parse *p = ctx;
	char shown[OB_MAX_NAME];

	p->line = it->line;
	if (it->key)
		return set_key(p->s, it->key, it->key_len, it->value, it->value_len, p->name,
		               it->line, p->d);
	if (!strcmp(it->section, "reconcile"))
		return OB_OK;
	snprintf(shown, sizeof(shown), "[%.*s]", OB_MAX_NAME - 3, it->section);
	return OB_DIAG(p->d, OB_EINVAL, p->name, it->line, it->key_column, shown, strlen(shown),
	               "sección desconocida; se esperaba [reconcile]",
	               "unknown section; expected [reconcile]");
}

ob_err ob_reconcile_settings_parse(const char *text, size_t len, const char *name,
                             struct ob_reconcile_settings *s, struct ob_diag *d)
{
	struct settings_parse p = { s, name, d, 0 };
	ob_err e;

	if ((e = ob_ini_parse(text, len, name, OB_INI_GLOBAL_KEYS, settings_item, &p, d))) {
		/* every refusal of a settings file is an invalid value (reconcile.h) */
		if (e == OB_EPARSE)
			e = d->code = OB_EINVAL;
		return e;
	}
	if (!(s->review_low < s->review_high))
		return OB_DIAG(d, OB_EINVAL, name, p.line, 0, NULL, 0,
		               "review_low (%g) debe ser menor que review_high (%g)",
		               "review_low (%g) must be below review_high (%g)", s->review_low,
		               s->review_high);
	return OB_OK;
}

ob_err ob_reconcile_settings_load(const char *path, struct ob_reconcile_settings *s, struct ob_diag *d)
{
	char *text;
	size_t len;
	ob_err e;

	if ((e = ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &len, d)))
		return e;
	e = ob_reconcile_settings_parse(text, len, path, s, d);
	free(text);
	return e;
}

void ob_reconcile_settings_format(const struct ob_reconcile_settings *s, struct ob_buf *out)
{
	ob_buf_putf(out, "threshold = %g\nreview_low = %g\nreview_high = %g\n", s->threshold,
	            s->review_low, s->review_high);
	ob_buf_putf(out, "date_days = %d\nage_years = %d\nblock_days = %d\nname_days = %d\n",
	            s->date_days, s->age_years, s->block_days, s->name_days);
	ob_buf_putf(out, "duplicate_threshold = %g\n", s->dup_threshold);
	ob_buf_putf(out, "seed = %llu\n", (unsigned long long)s->seed);
	for (int a = 0; a < OB_RECONCILE_NATTR; a++)
		ob_buf_putf(out, "%s = %s, %s, %s\n", attr_names[a], inst_names[s->order[a][0]],
		            inst_names[s->order[a][1]], inst_names[s->order[a][2]]);
}

/* ---- which records are deaths --------------------------------------------------- */

static bool known(const char *s)
{
	return s && *s && strcmp(s, "unknown") && strcmp(s, "U");
}

bool ob_reconcile_is_death(const char *category, const char *manner)
{
	static const char *const death_cat[] = { "0101", "0103", "0107", "0109" };

	if (known(manner))
		return !strcmp(manner, "homicide") || !strcmp(manner, "undetermined") ||
		       !strcmp(manner, "legal_intervention");
	if (!category)
		return false;
	for (size_t i = 0; i < OB_ARRAY_SIZE(death_cat); i++)
		if (!strncmp(category, death_cat[i], 4))
			return true;
	return false;
}

/* ---- a run ---------------------------------------------------------------------- */

void ob_reconcile_run_init(struct ob_reconcile_run *run, const struct ob_reconcile_settings *s)
{
	memset(run, 0, sizeof(*run));
	if (s)
		run->set = *s;
	else
		ob_reconcile_settings_defaults(&run->set);
	ob_buf_init(&run->pool, 0);
}

static void free_rec_strings(struct ob_reconcile_record *r)
{
	free((char *)r->source);
	free((char *)r->source_id);
	free((char *)r->country);
	free((char *)r->date);
	free((char *)r->territory);
	free((char *)r->admin1);
	free((char *)r->sex);
	free((char *)r->manner);
	free((char *)r->mechanism);
	free((char *)r->place);
	free((char *)r->category);
	free((char *)r->relationship);
	free((char *)r->context);
	free((char *)r->time);
	free((char *)r->names);
}

void ob_reconcile_run_release(struct ob_reconcile_run *run)
{
	for (size_t i = 0; i < run->n; i++)
		free_rec_strings(&run->rec[i]);
	free(run->rec);
	for (size_t c = 0; c < run->ncountries; c++) {
		struct ob_reconcile_country *k = &run->countries[c];
		if (k->have_res)
			ob_link_result_release(&k->res);
		if (k->have_lr)
			ob_link_records_release(&k->lr);
		free(k->rec);
		free(k->code);
	}
	free(run->countries);
	for (size_t i = 0; i < run->ndec; i++) {
		free((char *)run->dec[i].source_a);
		free((char *)run->dec[i].id_a);
		free((char *)run->dec[i].source_b);
		free((char *)run->dec[i].id_b);
	}
	free(run->dec);
	for (size_t i = 0; i < run->nreview; i++)
		free(run->review[i].explanation);
	free(run->review);
	free(run->member);
	free(run->death);
	free(run->count);
	for (size_t i = 0; i < run->ncounted; i++) {
		free(run->counted[i].territory);
		free(run->counted[i].admin1);
		free(run->counted[i].date);
	}
	free(run->counted);
	ob_buf_release(&run->pool);
	memset(run, 0, sizeof(*run));
}

static char *dup_or_null(const char *s)
{
	return s && *s ? ob_strdup(s) : NULL;
}

/* Days since 1970-01-01 of a yyyy-mm-dd date, INT32_MIN otherwise. */
static int32_t day_of(const char *s)
{
	long long y, m, dd;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !ob_parse_int(s, 4, 1, 9999, &y) ||
	    !ob_parse_int(s + 5, 2, 1, 12, &m) || !ob_parse_int(s + 8, 2, 1, 31, &dd))
		return INT32_MIN;
	y -= m <= 2;
	{
		long long era = (y >= 0 ? y : y - 399) / 400;
		long long yoe = y - era * 400;
		long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
		long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		return (int32_t)(era * 146097 + doe - 719468);
	}
}

ob_err ob_reconcile_add(struct ob_reconcile_run *run, const struct ob_reconcile_record *r, struct ob_diag *d)
{
	struct ob_reconcile_record *x;
	size_t c;

	if (run->n >= OB_MAX_LINK_RECORDS)
		return OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0, "más de %d registros",
		               "more than %d records", OB_MAX_LINK_RECORDS);
	if (!r->source || !r->source_id || (unsigned)r->inst >= OB_RECONCILE_NINST)
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, NULL, 0,
		               "registro sin fuente o identificador",
		               "record without a source or identifier");
	if (run->n == run->cap) {
		run->cap = run->cap ? run->cap * 2 : 1024;
		run->rec = ob_realloc(run->rec, run->cap * sizeof(*run->rec));
	}
	x = &run->rec[run->n];
	memset(x, 0, sizeof(*x));
	x->id = r->id;
	x->inst = r->inst;
	x->source = ob_strdup(r->source);
	x->source_id = ob_strdup(r->source_id);
	x->country = ob_strdup(r->country ? r->country : "");
	x->date = dup_or_null(r->date);
	x->day = day_of(r->date);
	x->territory = dup_or_null(r->territory);
	x->admin1 = dup_or_null(r->admin1);
	x->sex = (r->sex && (!strcmp(r->sex, "M") || !strcmp(r->sex, "F"))) ? ob_strdup(r->sex)
	                                                                     : NULL;
	x->age = r->age;
	x->manner = known(r->manner) ? ob_strdup(r->manner) : NULL;
	x->mechanism = known(r->mechanism) ? ob_strdup(r->mechanism) : NULL;
	x->place = known(r->place) ? ob_strdup(r->place) : NULL;
	x->category = dup_or_null(r->category);
	x->relationship = known(r->relationship) ? ob_strdup(r->relationship) : NULL;
	x->context = known(r->context) ? ob_strdup(r->context) : NULL;
	x->time = dup_or_null(r->time);
	x->names = dup_or_null(r->names);
	x->probability = NAN;
	for (c = 0; c < run->ncountries; c++)
		if (!strcmp(run->countries[c].code, x->country))
			break;
	if (c == run->ncountries) {
		run->countries = ob_realloc(run->countries, (c + 1) * sizeof(*run->countries));
		memset(&run->countries[c], 0, sizeof(run->countries[c]));
		run->countries[c].code = ob_strdup(x->country);
		run->ncountries++;
	}
	x->country_ix = (uint32_t)c;
	run->n++;
	return OB_OK;
}

struct load_ctx {
	struct ob_reconcile_run *run;
	struct ob_progress prog;
	struct ob_diag *d;
	ob_err e;
};

/* One record read from the store: a death of one person into the run, an
 * aggregate row or one standing for several people into the counts only. */
static int load_one(void *arg, const struct ob_store_rc_record *row)
{
	struct load_ctx *c = arg;
	struct ob_reconcile_run *run = c->run;
	struct ob_reconcile_record r;
	int in = row->institution ? inst_parse(row->institution, strlen(row->institution)) : -1;

	if (in < 0 || !ob_reconcile_is_death(row->category, row->manner))
		return 0;
	if (row->aggregate || row->victims != 1) {
		/* not one person: counts only */
		struct ob_reconcile_counted *k;
		if (run->ncounted == run->counted_cap) {
			run->counted_cap = run->counted_cap ? run->counted_cap * 2 : 256;
			run->counted = ob_realloc(run->counted,
			                          run->counted_cap * sizeof(*run->counted));
		}
		k = &run->counted[run->ncounted++];
		k->inst = (enum ob_reconcile_inst)in;
		k->territory = dup_or_null(row->territory);
		k->admin1 = dup_or_null(row->admin1);
		k->date = dup_or_null(row->occurred_on);
		k->victims = (uint64_t)row->victims;
		run->counted_victims += k->victims;
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.id = row->id;
	r.source = row->source;
	r.source_id = row->source_id;
	r.country = row->country;
	r.inst = (enum ob_reconcile_inst)in;
	r.date = row->occurred_on;
	r.territory = row->territory;
	r.admin1 = row->admin1;
	r.sex = row->victim_sex;
	r.age = row->victim_age;
	r.manner = row->manner;
	r.mechanism = row->mechanism;
	r.place = row->place;
	r.names = row->names;
	r.category = row->category;
	r.relationship = row->relationship;
	r.context = row->context;
	r.time = row->occurred_at;
	if ((c->e = ob_reconcile_add(run, &r, c->d)))
		return 1;
	if (run->set.progress && run->n % 4096 == 0)
		ob_progress_update(&c->prog, run->n);
	return 0;
}

ob_err ob_reconcile_load(struct ob_reconcile_run *run, struct ob_store *st, const char *period,
                   const char *from, const char *to, const char *country, struct ob_diag *d)
{
	struct load_ctx c = { .run = run, .d = d, .e = OB_OK };
	int rc;

	snprintf(run->period, sizeof(run->period), "%s", period ? period : "");
	snprintf(run->from, sizeof(run->from), "%s", from);
	snprintf(run->to, sizeof(run->to), "%s", to);
	snprintf(run->country, sizeof(run->country), "%s", country ? country : "");
	if (run->set.progress)
		ob_progress_begin(&c.prog, "leyendo", 0);
	rc = ob_store_rc_records_each(st, from, to, country, load_one, &c, d);
	if (run->set.progress)
		ob_progress_end(&c.prog);
	if (c.e)
		return c.e;
	return rc < 0 ? OB_ESTORE : OB_OK;
}

