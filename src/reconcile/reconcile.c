/* reconcile.c - violent deaths linked across institutions into one death each (see reconcile.h). */
#include "reconcile/reconcile.h"

#include <math.h>

#include "base/file.h"
#include "base/log.h"
#include "io/ini.h"
#include "link/compare.h"

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
			return ob_diag_set(d, OB_EINVAL, name, line, 0, v, vn,
			                   "%s: se esperaba %s entre %g y %g / expected %s between "
			                   "%g and %g", num[i].key,
			                   num[i].what < 3 || num[i].what == 9 ? "una probabilidad"
			                                                       : "un entero",
			                   num[i].lo, num[i].hi,
			                   num[i].what < 3 || num[i].what == 9 ? "a probability"
			                                                       : "an integer",
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
				return ob_diag_set(d, OB_EINVAL, name, line, 0, t, tn,
				                   "%s: se esperaba una lista de police, forensic, "
				                   "prosecutor sin repetir / expected a list of police, "
				                   "forensic, prosecutor without repeats",
				                   attr_names[a]);
			seen[in] = true;
			o[no++] = (enum ob_reconcile_inst)in;
		}
		if (!no)
			return ob_diag_set(d, OB_EINVAL, name, line, 0, v, vn,
			                   "%s: falta la lista de instituciones / missing the list of "
			                   "institutions", attr_names[a]);
		for (int t = 0; t < OB_RECONCILE_NINST; t++) /* the rest, in the default order */
			if (!seen[s->order[a][t]])
				o[no++] = s->order[a][t];
		memcpy(s->order[a], o, sizeof(o));
		return OB_OK;
	}
	return ob_diag_set(d, OB_EINVAL, name, line, 0, k, kn,
	                   "clave desconocida; se esperaba threshold, review_low, review_high, "
	                   "date_days, age_years, block_days, name_days, duplicate_threshold, "
	                   "seed, threads o un "
	                   "atributo (date, territory, sex, age, manner, mechanism, place, "
	                   "category, relationship, context, time) / "
	                   "unknown key");
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
	return ob_diag_set(p->d, OB_EINVAL, p->name, it->line, it->key_column, shown,
	                   strlen(shown), "sección desconocida; se esperaba [reconcile] / "
	                   "unknown section");
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
		return ob_diag_set(d, OB_EINVAL, name, p.line, 0, NULL, 0,
		                   "review_low (%g) debe ser menor que review_high (%g) / "
		                   "review_low must be below review_high", s->review_low,
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
		return ob_diag_set(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0,
		                   "más de %d registros / more than %d records", OB_MAX_LINK_RECORDS,
		                   OB_MAX_LINK_RECORDS);
	if (!r->source || !r->source_id || (unsigned)r->inst >= OB_RECONCILE_NINST)
		return ob_diag_set(d, OB_EINVAL, NULL, 0, 0, NULL, 0,
		                   "registro sin fuente o identificador / record without source or id");
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

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

ob_err ob_reconcile_load(struct ob_reconcile_run *run, struct ob_store *st, const char *period,
                   const char *from, const char *to, const char *country, struct ob_diag *d)
{
	static const char *sql =
		"SELECT r.id, r.source, r.source_id, s.country, s.institution, r.occurred_on,"
		" r.territory, t.parent, r.victim_sex, r.victim_age, r.manner, r.mechanism,"
		" r.place, p.names, r.category, r.relationship, r.context, r.occurred_at,"
		" r.victims, s.aggregate"
		" FROM record r JOIN submission s ON s.id = r.submission"
		" LEFT JOIN territory t ON t.code = r.territory"
		" LEFT JOIN protected p ON p.record = r.id"
		" WHERE s.superseded_by IS NULL"
		" AND s.institution IN ('police', 'forensic', 'prosecutor')"
		" AND r.occurred_on IS NOT NULL AND substr(r.occurred_on, 1, 7) BETWEEN ?1 AND ?2"
		" AND (?3 IS NULL OR s.country = ?3)"
		" ORDER BY s.country, r.source, r.occurred_on, r.id";
	sqlite3_stmt *q = NULL;
	struct ob_progress prog;
	ob_err e = OB_OK;
	int rc;

	snprintf(run->period, sizeof(run->period), "%s", period ? period : "");
	snprintf(run->from, sizeof(run->from), "%s", from);
	snprintf(run->to, sizeof(run->to), "%s", to);
	snprintf(run->country, sizeof(run->country), "%s", country ? country : "");
	if ((e = ob_store_prepare(st, sql, &q, d)))
		return e;
	sqlite3_bind_text(q, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, to, -1, SQLITE_STATIC);
	if (country)
		sqlite3_bind_text(q, 3, country, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 3);
	if (run->set.progress)
		ob_progress_begin(&prog, "leyendo", 0);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct ob_reconcile_record r;
		int in = inst_parse(col(q, 4), strlen(col(q, 4)));

		if (in < 0 || !ob_reconcile_is_death(col(q, 14), col(q, 10)))
			continue;
		if (sqlite3_column_int(q, 19) || sqlite3_column_int64(q, 18) != 1) {
			/* not one person: counts only */
			struct ob_reconcile_counted *c;
			if (run->ncounted == run->counted_cap) {
				run->counted_cap = run->counted_cap ? run->counted_cap * 2 : 256;
				run->counted = ob_realloc(run->counted,
				                          run->counted_cap * sizeof(*run->counted));
			}
			c = &run->counted[run->ncounted++];
			c->inst = (enum ob_reconcile_inst)in;
			c->territory = dup_or_null(col(q, 6));
			c->admin1 = dup_or_null(col(q, 7));
			c->date = dup_or_null(col(q, 5));
			c->victims = (uint64_t)sqlite3_column_int64(q, 18);
			run->counted_victims += c->victims;
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(q, 0);
		r.source = col(q, 1);
		r.source_id = col(q, 2);
		r.country = col(q, 3);
		r.inst = (enum ob_reconcile_inst)in;
		r.date = col(q, 5);
		r.territory = col(q, 6);
		r.admin1 = col(q, 7);
		r.sex = col(q, 8);
		r.age = sqlite3_column_type(q, 9) == SQLITE_NULL ? -1 : sqlite3_column_int(q, 9);
		r.manner = col(q, 10);
		r.mechanism = col(q, 11);
		r.place = col(q, 12);
		r.names = col(q, 13);
		r.category = col(q, 14);
		r.relationship = col(q, 15);
		r.context = col(q, 16);
		r.time = col(q, 17);
		if ((e = ob_reconcile_add(run, &r, d)))
			break;
		if (run->set.progress && run->n % 4096 == 0)
			ob_progress_update(&prog, run->n);
	}
	if (run->set.progress)
		ob_progress_end(&prog);
	if (!e && rc != SQLITE_DONE)
		e = ob_diag_set(d, OB_ESTORE, NULL, 0, 0, NULL, 0, "%s",
		                sqlite3_errmsg(ob_store_db(st)));
	sqlite3_finalize(q);
	return e;
}

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

ob_err ob_reconcile_decisions_load(struct ob_reconcile_run *run, struct ob_store *st, struct ob_diag *d)
{
	sqlite3_stmt *q = NULL;
	ob_err e;
	int rc;

	if ((e = ob_store_prepare(st,
	                          "SELECT source_a, id_a, source_b, id_b, decision FROM "
	                          "review_decision ORDER BY id",
	                          &q, d)))
		return e;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		ob_reconcile_decision_add(run, col(q, 0), col(q, 1), col(q, 2), col(q, 3),
		                    !strcmp(col(q, 4), "accept"));
	if (rc != SQLITE_DONE)
		e = ob_diag_set(d, OB_ESTORE, NULL, 0, 0, NULL, 0, "%s",
		                sqlite3_errmsg(ob_store_db(st)));
	sqlite3_finalize(q);
	return e;
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
				ob_diag_set(d, e, NULL, 0, 0, NULL, 0,
				            "demasiadas fuentes en %s / too many sources", k->code);
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
				ob_diag_set(d, e, NULL, 0, 0, r->source_id, strlen(r->source_id),
				            "nombre ilegible en %s / unreadable name", r->source);
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
			ob_diag_set(d, e, NULL, 0, 0, r->source_id, strlen(r->source_id),
			            "no se pudo añadir el registro de %s / cannot add the record",
			            r->source);
			goto out;
		}
		if (r->territory && r->admin1 &&
		    (e = ob_link_records_set_parent(&k->lr, F_TERR, r->territory,
		                                    strlen(r->territory), r->admin1,
		                                    strlen(r->admin1)))) {
			ob_diag_set(d, e, NULL, 0, 0, r->territory, strlen(r->territory),
			            "territorio / territory");
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

/* ---- deaths, ledger, counts ----------------------------------------------------- */

static const char *attr_value(const struct ob_reconcile_record *r, enum ob_reconcile_attr a, char *buf,
                              size_t size)
{
	switch (a) {
	case OB_RECONCILE_DATE: return r->date;
	case OB_RECONCILE_TERRITORY: return r->territory;
	case OB_RECONCILE_SEX: return r->sex;
	case OB_RECONCILE_AGE:
		if (r->age < 0)
			return NULL;
		snprintf(buf, size, "%d", r->age);
		return buf;
	case OB_RECONCILE_MANNER: return r->manner;
	case OB_RECONCILE_MECHANISM: return r->mechanism;
	case OB_RECONCILE_PLACE: return r->place;
	case OB_RECONCILE_CATEGORY: return r->category;
	case OB_RECONCILE_RELATIONSHIP: return r->relationship;
	case OB_RECONCILE_CONTEXT: return r->context;
	case OB_RECONCILE_TIME: return r->time;
	default: return NULL;
	}
}

struct mkey {
	uint32_t cluster;
	uint32_t inst;
	uint32_t rec;
};

static int mkey_cmp(const void *x, const void *y)
{
	const struct mkey *p = x, *q = y;
	if (p->cluster != q->cluster)
		return p->cluster < q->cluster ? -1 : 1;
	if (p->inst != q->inst)
		return p->inst < q->inst ? -1 : 1;
	return p->rec < q->rec ? -1 : p->rec > q->rec;
}

static ob_err count_add(struct ob_reconcile_run *run, struct ob_strmap *m, int level,
                        const char *territory, const char *date, int inst, uint64_t n)
{
	char key[160], month[8] = "";
	void *v;
	struct ob_reconcile_count *c;
	ob_err e;

	if (date && strlen(date) >= 7)
		snprintf(month, sizeof(month), "%.7s", date);
	snprintf(key, sizeof(key), "%d|%s|%s", level, territory ? territory : "", month);
	v = ob_strmap_get(m, key, strlen(key));
	if (!v) {
		struct ob_strmap_entry *en;
		run->count = ob_realloc(run->count, (run->ncount + 1) * sizeof(*run->count));
		c = &run->count[run->ncount++];
		memset(c, 0, sizeof(*c));
		if ((e = ob_strmap_put(m, key, strlen(key), (void *)(uintptr_t)run->ncount, NULL)))
			return e;
		en = ob_strmap_find(m, key, strlen(key));
		c->level = level;
		/* the territory lives in the map's copy of the key */
		c->territory = strchr(en->key, '|') + 1;
		memcpy(c->month, month, sizeof(month));
	} else {
		c = &run->count[(uintptr_t)v - 1];
	}
	if (inst >= 0)
		c->n[inst] += n;
	else
		c->reconciled += n;
	return OB_OK;
}

static int count_cmp(const void *x, const void *y)
{
	const struct ob_reconcile_count *p = x, *q = y;
	int c;
	if (p->level != q->level)
		return p->level > q->level ? -1 : 1;
	if ((c = strcmp(p->territory, q->territory)))
		return c;
	return strcmp(p->month, q->month);
}

ob_err ob_reconcile_build(struct ob_reconcile_run *run, struct ob_diag *d)
{
	struct mkey *mk = ob_malloc((run->n ? run->n : 1) * sizeof(*mk));
	struct ob_strmap cm;
	ob_err e = OB_OK;

	for (size_t i = 0; i < run->n; i++)
		mk[i] = (struct mkey){ run->rec[i].cluster, run->rec[i].inst, (uint32_t)i };
	if (run->n)
		qsort(mk, run->n, sizeof(*mk), mkey_cmp);
	free(run->member);
	free(run->death);
	run->member = ob_malloc((run->n ? run->n : 1) * sizeof(*run->member));
	run->death = ob_calloc(run->ndeaths ? run->ndeaths : 1, sizeof(*run->death));
	memset(run->reasons, 0, sizeof(run->reasons));
	for (size_t i = 0; i < run->n; i++) {
		struct ob_reconcile_death *x = &run->death[mk[i].cluster - 1];
		run->member[i] = mk[i].rec;
		if (!x->n)
			x->first = (uint32_t)i;
		x->n++;
	}
	free(mk);
	for (size_t k = 0; k < run->ndeaths; k++) {
		struct ob_reconcile_death *x = &run->death[k];
		int32_t dmin = INT32_MAX, dmax = INT32_MIN;
		int amin = INT32_MAX, amax = -1;
		const char *man = NULL, *ter = NULL, *sex = NULL;
		bool man_diff = false, ter_diff = false, sex_diff = false;

		x->probability = NAN;
		for (int a = 0; a < OB_RECONCILE_NATTR; a++) {
			x->value_rec[a] = -1;
			for (int t = 0; t < OB_RECONCILE_NINST && x->value_rec[a] < 0; t++)
				for (uint32_t m = 0; m < x->n; m++) {
					const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
					char buf[16];
					if (r->inst != run->set.order[a][t] || !attr_value(r, a, buf, sizeof(buf)))
						continue;
					/* a date to the day beats a month */
					if (a == OB_RECONCILE_DATE && r->day == INT32_MIN)
						continue;
					x->value_rec[a] = (int32_t)run->member[x->first + m];
					break;
				}
		}
		if (x->value_rec[OB_RECONCILE_DATE] < 0) /* only months: the first in order */
			for (int t = 0; t < OB_RECONCILE_NINST && x->value_rec[OB_RECONCILE_DATE] < 0; t++)
				for (uint32_t m = 0; m < x->n; m++) {
					const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
					if (r->inst == run->set.order[OB_RECONCILE_DATE][t] && r->date) {
						x->value_rec[OB_RECONCILE_DATE] = (int32_t)run->member[x->first + m];
						break;
					}
				}
		for (uint32_t m = 0; m < x->n; m++) {
			const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
			if (!isnan(r->probability) &&
			    (isnan(x->probability) || r->probability < x->probability))
				x->probability = r->probability;
			if (r->day != INT32_MIN) {
				dmin = r->day < dmin ? r->day : dmin;
				dmax = r->day > dmax ? r->day : dmax;
			}
			if (r->age >= 0) {
				amin = r->age < amin ? r->age : amin;
				amax = r->age > amax ? r->age : amax;
			}
			if (r->manner) {
				man_diff = man_diff || (man && strcmp(man, r->manner));
				man = man ? man : r->manner;
			}
			if (r->territory) {
				ter_diff = ter_diff || (ter && strcmp(ter, r->territory));
				ter = ter ? ter : r->territory;
			}
			if (r->sex) {
				sex_diff = sex_diff || (sex && strcmp(sex, r->sex));
				sex = sex ? sex : r->sex;
			}
		}
		if (x->n == 1) {
			x->reasons |= 1u << OB_RECONCILE_R_SINGLE_SOURCE;
			snprintf(x->detail[OB_RECONCILE_R_SINGLE_SOURCE], sizeof(x->detail[0]), "%s",
			         run->rec[run->member[x->first]].source);
		}
		if (man_diff) {
			struct ob_buf b = OB_BUF_INIT(sizeof(x->detail[0]) - 1);
			x->reasons |= 1u << OB_RECONCILE_R_MANNER;
			for (uint32_t m = 0; m < x->n; m++) {
				const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
				if (r->manner)
					ob_buf_putf(&b, "%s%s=%s", b.len ? "; " : "", r->source, r->manner);
			}
			snprintf(x->detail[OB_RECONCILE_R_MANNER], sizeof(x->detail[0]), "%s", b.ptr);
			ob_buf_release(&b);
		}
		if (ter_diff) {
			struct ob_buf b = OB_BUF_INIT(sizeof(x->detail[0]) - 1);
			x->reasons |= 1u << OB_RECONCILE_R_TERRITORY;
			for (uint32_t m = 0; m < x->n; m++) {
				const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
				if (r->territory)
					ob_buf_putf(&b, "%s%s=%s", b.len ? "; " : "", r->source, r->territory);
			}
			snprintf(x->detail[OB_RECONCILE_R_TERRITORY], sizeof(x->detail[0]), "%s", b.ptr);
			ob_buf_release(&b);
		}
		if (dmax != INT32_MIN && dmax - dmin > run->set.date_days) {
			x->reasons |= 1u << OB_RECONCILE_R_DATE;
			snprintf(x->detail[OB_RECONCILE_R_DATE], sizeof(x->detail[0]), "%ld días / days",
			         (long)dmax - dmin);
		}
		if (sex_diff) {
			x->reasons |= 1u << OB_RECONCILE_R_SEX;
			snprintf(x->detail[OB_RECONCILE_R_SEX], sizeof(x->detail[0]), "M/F");
		}
		for (uint32_t m = 0; m < x->n && !((x->reasons >> OB_RECONCILE_R_DUPLICATE) & 1); m++)
			for (uint32_t m2 = m + 1; m2 < x->n; m2++) {
				const struct ob_reconcile_record *r1 = &run->rec[run->member[x->first + m]];
				const struct ob_reconcile_record *r2 = &run->rec[run->member[x->first + m2]];
				if (!strcmp(r1->source, r2->source)) {
					x->reasons |= 1u << OB_RECONCILE_R_DUPLICATE;
					snprintf(x->detail[OB_RECONCILE_R_DUPLICATE], sizeof(x->detail[0]),
					         "%s: %s, %s", r1->source, r1->source_id, r2->source_id);
					break;
				}
			}
		if (amax >= 0 && amax - amin > run->set.age_years) {
			x->reasons |= 1u << OB_RECONCILE_R_AGE;
			snprintf(x->detail[OB_RECONCILE_R_AGE], sizeof(x->detail[0]), "%d..%d", amin, amax);
		}
		for (int rr = 0; rr < OB_RECONCILE_NREASONS; rr++)
			run->reasons[rr] += (x->reasons >> rr) & 1;
	}

	/* counts per territory and month */
	free(run->count);
	run->count = NULL;
	run->ncount = 0;
	ob_strmap_init(&cm);
	for (size_t i = 0; i < run->n && !e; i++) {
		const struct ob_reconcile_record *r = &run->rec[i];
		if (!(e = count_add(run, &cm, 2, r->territory, r->date, (int)r->inst, 1)))
			e = count_add(run, &cm, 1, r->admin1, r->date, (int)r->inst, 1);
	}
	for (size_t i = 0; i < run->ncounted && !e; i++) {
		const struct ob_reconcile_counted *c = &run->counted[i];
		if (!(e = count_add(run, &cm, 2, c->territory, c->date, (int)c->inst, c->victims)))
			e = count_add(run, &cm, 1, c->admin1, c->date, (int)c->inst, c->victims);
	}
	for (size_t k = 0; k < run->ndeaths && !e; k++) {
		const struct ob_reconcile_death *x = &run->death[k];
		const struct ob_reconcile_record *t = x->value_rec[OB_RECONCILE_TERRITORY] >= 0
		                                        ? &run->rec[x->value_rec[OB_RECONCILE_TERRITORY]]
		                                        : NULL;
		const struct ob_reconcile_record *dt = x->value_rec[OB_RECONCILE_DATE] >= 0
		                                         ? &run->rec[x->value_rec[OB_RECONCILE_DATE]]
		                                         : NULL;
		const char *date = dt ? dt->date : NULL;
		if (!(e = count_add(run, &cm, 2, t ? t->territory : NULL, date, -1, 1)))
			e = count_add(run, &cm, 1, t ? t->admin1 : NULL, date, -1, 1);
	}
	if (e) {
		ob_diag_set(d, e, NULL, 0, 0, NULL, 0, "tabla por territorio / territory table");
	} else {
		/* the keys are moved into the run's pool so the map can go */
		struct ob_buf *p = &run->pool;
		size_t *off = ob_malloc((run->ncount ? run->ncount : 1) * sizeof(*off));
		ob_buf_reset(p);
		for (size_t k = 0; k < run->ncount; k++) {
			off[k] = p->len;
			ob_buf_put(p, run->count[k].territory, strlen(run->count[k].territory) + 1);
		}
		if (ob_buf_failed(p)) {
			free(off);
			ob_strmap_release(&cm);
			return ob_diag_set(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0,
			                   "tabla por territorio: excede %zu bytes / territory table "
			                   "too large", p->max);
		}
		for (size_t k = 0; k < run->ncount; k++) {
			/* the territory ends at the '|' before the month */
			char *s = p->ptr + off[k], *bar = strrchr(s, '|');
			if (bar)
				*bar = '\0';
			run->count[k].territory = s;
		}
		free(off);
		if (run->ncount)
			qsort(run->count, run->ncount, sizeof(*run->count), count_cmp);
	}
	ob_strmap_release(&cm);
	return e;
}
