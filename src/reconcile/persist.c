/* persist.c - a reconciliation run into the store and CSV files, its evaluation, review decisions. */
#include "reconcile/reconcile_impl.h"

#include <math.h>
#include <time.h>
#include <sys/stat.h>

#include "base/sha256.h"
#include "io/csv.h"
#include "io/csvw.h"
#include "store/audit.h"

/* "forensic:cr-ml:ML-1; police:..." of a death's members. */
static void sources_of(const struct ob_reconcile_run *run, const struct ob_reconcile_death *x,
                       struct ob_buf *b)
{
	ob_buf_reset(b);
	for (uint32_t m = 0; m < x->n; m++) {
		const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
		ob_buf_putf(b, "%s%s:%s", m ? ";" : "", r->source, r->source_id);
	}
}

static const char *death_attr(const struct ob_reconcile_run *run, const struct ob_reconcile_death *x,
                              enum ob_reconcile_attr a, const char **source, int *age)
{
	const struct ob_reconcile_record *r;

	*source = NULL;
	if (x->value_rec[a] < 0)
		return NULL;
	r = &run->rec[x->value_rec[a]];
	*source = r->source;
	if (a == OB_RECONCILE_AGE) {
		*age = r->age;
		return "";
	}
	return rc_attr_text(r, a);
}

/* ---- validated deaths as records ------------------------------------------------ */

void ob_reconcile_validated_source(const char *country, char *out, size_t size)
{
	size_t n = 0;

	for (const char *c = country ? country : ""; *c && n + 1 < size; c++)
		out[n++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	if (!n && size > 1)
		out[n++] = 'x';
	out[n] = '\0';
	ob_strlcpy(out + n, "-validated", size - n);
}

/* The death's stable id: source:source_id of its first member, forensic
 * records first, then police, then prosecutor, each in code order. */
static void stable_id(const struct ob_reconcile_run *run, const struct ob_reconcile_death *x,
                      struct ob_buf *b)
{
	static const enum ob_reconcile_inst pref[OB_RECONCILE_NINST] = { OB_RECONCILE_FORENSIC, OB_RECONCILE_POLICE,
		                                              OB_RECONCILE_PROSECUTOR };
	const struct ob_reconcile_record *best = NULL;

	for (int p = 0; p < OB_RECONCILE_NINST && !best; p++)
		for (uint32_t m = 0; m < x->n; m++) {
			const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
			int c;
			if (r->inst != pref[p])
				continue;
			c = best ? strcmp(r->source, best->source) : -1;
			if (!best || c < 0 || (c == 0 && strcmp(r->source_id, best->source_id) < 0))
				best = r;
		}
	ob_buf_reset(b);
	if (best)
		ob_buf_putf(b, "%s:%s", best->source, best->source_id);
}

/* Last day of month "yyyy-mm" as "yyyy-mm-dd". */
static void month_end(const char *ym, char out[11])
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long long y = 1970, m = 1;
	int last;

	if (strlen(ym) >= 7) {
		ob_parse_int(ym, 4, 1, 9999, &y);
		ob_parse_int(ym + 5, 2, 1, 12, &m);
	}
	last = dm[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, (int)m, last);
}

/* The validated deaths of one country of the run, as a submission. */
static ob_err save_country(struct ob_reconcile_run *run, struct ob_store *st, long long run_id,
                           const char *country, const char *now, struct ob_diag *d)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_BUF_DEFAULT), sid = OB_BUF_INIT(OB_MAX_LINE);
	struct ob_store_rc_validated *v = NULL;
	struct ob_sha256 h;
	unsigned char dg[OB_SHA256_LEN];
	char source[64], file[64], from[11], to[11], hex[65];
	const long long *old;
	size_t nold;
	ob_err e = OB_OK;

	ob_reconcile_validated_source(country, source, sizeof(source));
	snprintf(file, sizeof(file), "reconcile run %lld", run_id);
	snprintf(from, sizeof(from), "%.7s-01", run->from);
	month_end(run->to, to);
	{
		struct ob_store_rc_validated_new n = {
			.source = source, .country = country, .file_name = file, .ingested_at = now,
			.from = run->from, .to = run->to, .period_from = from, .period_to = to,
		};
		if ((e = ob_store_rc_validated_open(st, &n, &v, d)))
			goto release;
	}

	/* the deaths of this country, fingerprinted as they are written */
	ob_sha256_init(&h);
	ob_sha256_update(&h, file, strlen(file));
	for (size_t k = 0; k < run->ndeaths; k++) {
		const struct ob_reconcile_death *x = &run->death[k];
		const char *val[OB_RECONCILE_NATTR], *src;
		int age = -1;

		if (strcmp(run->rec[run->member[x->first]].country, country))
			continue;
		for (int a = 0; a < OB_RECONCILE_NATTR; a++)
			val[a] = death_attr(run, x, (enum ob_reconcile_attr)a, &src, &age);
		stable_id(run, x, &sid);
		ob_buf_reset(&b);
		ob_buf_putf(&b, "{\"reconcile_run\":%lld,\"death\":%zu,\"records\":%u}", run_id,
		            k + 1, x->n);
		{
			struct ob_store_rc_validated_record r = {
				.source_id = sid.ptr ? sid.ptr : "",
				.occurred_on = val[OB_RECONCILE_DATE],
				.occurred_at = val[OB_RECONCILE_TIME],
				.territory = val[OB_RECONCILE_TERRITORY],
				.category = val[OB_RECONCILE_CATEGORY],
				.manner = val[OB_RECONCILE_MANNER],
				.victim_sex = val[OB_RECONCILE_SEX],
				.mechanism = val[OB_RECONCILE_MECHANISM],
				.place = val[OB_RECONCILE_PLACE],
				.relationship = val[OB_RECONCILE_RELATIONSHIP],
				.context = val[OB_RECONCILE_CONTEXT],
				.extra = b.ptr,
				.age = val[OB_RECONCILE_AGE] && age >= 0 ? age : -1,
			};
			if ((e = ob_store_rc_validated_record(v, &r, d)))
				goto release;
		}
		ob_sha256_update(&h, sid.ptr ? sid.ptr : "", sid.len);
		ob_sha256_update(&h, "\n", 1);
		for (int a = 0; a < OB_RECONCILE_NATTR; a++) {
			if (a == OB_RECONCILE_AGE) {
				char ab[16];
				snprintf(ab, sizeof(ab), "%d", age);
				ob_sha256_update(&h, ab, strlen(ab));
			} else if (val[a]) {
				ob_sha256_update(&h, val[a], strlen(val[a]));
			}
			ob_sha256_update(&h, ",", 1);
		}
	}
	/* earlier runs: their months outside this one stay, and they are superseded */
	old = ob_store_rc_validated_replaced(v, &nold);
	for (size_t i = 0; i < nold; i++) {
		char ob[32];
		snprintf(ob, sizeof(ob), "+%lld", old[i]);
		ob_sha256_update(&h, ob, strlen(ob));
	}
	ob_sha256_final(&h, dg);
	ob_sha256_hex(dg, hex);
	e = ob_store_rc_validated_close(v, hex, d);
	v = NULL;
release:
	ob_store_rc_validated_free(v);
	ob_buf_release(&b);
	ob_buf_release(&sid);
	return e;
}

/* Every country of the run that has deaths. */
static ob_err save_validated(struct ob_reconcile_run *run, struct ob_store *st, long long run_id,
                             const char *now, struct ob_diag *d)
{
	ob_err e = OB_OK;

	for (size_t c = 0; c < run->ncountries && !e; c++) {
		bool has = false;
		for (size_t k = 0; k < run->ndeaths && !has; k++)
			has = !strcmp(run->rec[run->member[run->death[k].first]].country,
			              run->countries[c].code);
		if (has && run->countries[c].code[0])
			e = save_country(run, st, run_id, run->countries[c].code, now, d);
	}
	return e;
}

ob_err ob_reconcile_save(struct ob_reconcile_run *run, struct ob_store *st, const char *actor,
                   struct ob_diag *d)
{
	struct ob_store_rc_writer *w = NULL;
	struct ob_buf b = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	char now[32], detail[512];
	long long id;
	ob_err e;

	if ((e = ob_store_begin(st, d)))
		return e;
	ob_audit_time((long long)time(NULL), now);
	ob_reconcile_settings_format(&run->set, &b);
	{
		struct ob_store_rc_run r = {
			.started_at = now, .period = run->period,
			.country = run->country[0] ? run->country : NULL,
			.settings = b.ptr ? b.ptr : "",
			.records = (long long)run->n, .deaths = (long long)run->ndeaths,
			.candidates = (long long)run->candidates,
			.linked_pairs = (long long)run->linked_pairs,
			.review_pairs = (long long)run->nreview,
		};
		if ((e = ob_store_rc_writer_open(st, &r, &w, &id, d)))
			goto rollback;
	}
	for (size_t k = 0; k < run->ndeaths; k++) {
		const struct ob_reconcile_death *x = &run->death[k];
		const struct ob_reconcile_record *f = &run->rec[run->member[x->first]];
		struct ob_store_rc_death row = {
			.death = (long long)k + 1, .country = f->country, .records = x->n,
			.probability = x->probability, .age = -1,
		};

		sources_of(run, x, &b);
		row.sources = b.ptr;
		for (int a = 0; a < OB_RECONCILE_NATTR_LEDGER; a++)
			row.value[a] = death_attr(run, x, (enum ob_reconcile_attr)a, &row.from[a],
			                          &row.age);
		if ((e = ob_store_rc_death(w, &row, d)))
			goto rollback;
		for (uint32_t m = 0; m < x->n; m++) {
			const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
			if ((e = ob_store_rc_member(w, (long long)k + 1, r->id, r->source, r->source_id,
			                            ob_reconcile_inst_name(r->inst), r->probability, d)))
				goto rollback;
		}
		for (int rr = 0; rr < OB_RECONCILE_NREASONS; rr++) {
			if (!((x->reasons >> rr) & 1))
				continue;
			if ((e = ob_store_rc_discrepancy(w, (long long)k + 1,
			                                 ob_reconcile_reason_name((enum ob_reconcile_reason)rr),
			                                 x->detail[rr], d)))
				goto rollback;
		}
	}
	for (size_t k = 0; k < run->ncount; k++) {
		const struct ob_reconcile_count *c = &run->count[k];
		long long n[OB_RECONCILE_NINST];
		for (int t = 0; t < OB_RECONCILE_NINST; t++)
			n[t] = (long long)c->n[t];
		if ((e = ob_store_rc_count(w, c->level, c->territory, c->month, n,
		                           (long long)c->reconciled, d)))
			goto rollback;
	}
	for (size_t k = 0; k < run->nreview; k++) {
		const struct ob_reconcile_review *v = &run->review[k];
		const struct ob_reconcile_record *a = &run->rec[v->a], *bb = &run->rec[v->b];
		if ((e = ob_store_rc_review(w, a->source, a->source_id, bb->source, bb->source_id,
		                            v->probability, v->weight, v->linked, v->explanation, d)))
			goto rollback;
	}
	ob_store_rc_writer_free(w);
	w = NULL;
	/* the deaths, as the records of each country's validated source */
	if ((e = save_validated(run, st, id, now, d)))
		goto rollback;
	/* the names were read: say so in the audit log, with the run */
	snprintf(detail, sizeof(detail),
	         "periodo %s%s%s; %zu registros leídos con nombres; %zu muertes; %zu pares "
	         "a revisión", run->period, run->country[0] ? "; país " : "", run->country,
	         run->n, run->ndeaths, run->nreview);
	{
		char object[64];
		snprintf(object, sizeof(object), "reconcile_run:%lld", id);
		if ((e = ob_audit_append(st, NULL, actor, "reconcile", object, detail, NULL, d)))
			goto rollback;
	}
	ob_buf_release(&b);
	if ((e = ob_store_commit(st, d)))
		return e;
	run->run_id = id;
	return OB_OK;
rollback:
	ob_store_rc_writer_free(w);
	ob_buf_release(&b);
	ob_store_rollback(st);
	return e;
}

/* ---- CSV files ------------------------------------------------------------------ */

static FILE *open_out(const char *dir, const char *name, char *path, size_t size,
                      struct ob_diag *d)
{
	FILE *f;
	snprintf(path, size, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo escribir: %s",
		        "cannot write: %s", strerror(errno));
	return f;
}

static ob_err close_out(FILE *f, const char *path, struct ob_diag *d)
{
	if (ferror(f) | fclose(f))
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "error de escritura",
		               "write error");
	return OB_OK;
}

static void header(struct ob_csvw *w, const char *const *cols)
{
	for (; *cols; cols++)
		ob_csvw_str(w, *cols);
	ob_csvw_end(w);
}

ob_err ob_reconcile_write_csv(const struct ob_reconcile_run *run, const char *dir, struct ob_diag *d)
{
	static const char *const h_death[] = {
		"death", "country", "n_sources", "sources", "probability", "date", "date_source",
		"territory", "territory_source", "sex", "sex_source", "age", "age_source", "manner",
		"manner_source", "mechanism", "mechanism_source", "place", "place_source", NULL,
	};
	static const char *const h_member[] = { "death", "source", "source_id", "institution",
		                                "probability", NULL };
	static const char *const h_disc[] = { "death", "reason", "detail", "sources", NULL };
	static const char *const h_count[] = { "level", "territory", "month", "police",
		                               "forensic", "prosecutor", "reconciled", NULL };
	static const char *const h_rev[] = { "source_a", "id_a", "source_b", "id_b",
		                             "probability", "weight", "linked", NULL };
	char path[OB_MAX_PATH];
	struct ob_buf b = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	struct ob_csvw w;
	struct stat sb;
	FILE *f;
	ob_err e;

	if ((mkdir(dir, 0777) && errno != EEXIST) || stat(dir, &sb) || !S_ISDIR(sb.st_mode))
		return OB_DIAG(d, OB_EIO, dir, 0, 0, NULL, 0,
		               "no se pudo crear el directorio de salida",
		               "cannot create the output directory");
	if (!(f = open_out(dir, "deaths.csv", path, sizeof(path), d)))
		return OB_EIO;
	ob_csvw_init(&w, f, ',');
	header(&w, h_death);
	for (size_t k = 0; k < run->ndeaths; k++) {
		const struct ob_reconcile_death *x = &run->death[k];
		sources_of(run, x, &b);
		ob_csvw_int(&w, (long long)k + 1);
		ob_csvw_str(&w, run->rec[run->member[x->first]].country);
		ob_csvw_int(&w, x->n);
		ob_csvw_str(&w, b.ptr);
		ob_csvw_num(&w, x->probability);
		for (int a = 0; a < OB_RECONCILE_NATTR_LEDGER; a++) {
			const char *src;
			int age = -1;
			const char *v = death_attr(run, x, (enum ob_reconcile_attr)a, &src, &age);
			if (a == OB_RECONCILE_AGE && v)
				ob_csvw_int(&w, age);
			else
				ob_csvw_str(&w, v);
			ob_csvw_str(&w, src);
		}
		ob_csvw_end(&w);
	}
	if ((e = close_out(f, path, d)))
		goto out;

	if (!(f = open_out(dir, "members.csv", path, sizeof(path), d))) {
		e = OB_EIO;
		goto out;
	}
	ob_csvw_init(&w, f, ',');
	header(&w, h_member);
	for (size_t k = 0; k < run->ndeaths; k++) {
		const struct ob_reconcile_death *x = &run->death[k];
		for (uint32_t m = 0; m < x->n; m++) {
			const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
			ob_csvw_int(&w, (long long)k + 1);
			ob_csvw_str(&w, r->source);
			ob_csvw_str(&w, r->source_id);
			ob_csvw_str(&w, ob_reconcile_inst_name(r->inst));
			ob_csvw_num(&w, r->probability);
			ob_csvw_end(&w);
		}
	}
	if ((e = close_out(f, path, d)))
		goto out;

	if (!(f = open_out(dir, "discrepancies.csv", path, sizeof(path), d))) {
		e = OB_EIO;
		goto out;
	}
	ob_csvw_init(&w, f, ',');
	header(&w, h_disc);
	for (size_t k = 0; k < run->ndeaths; k++) {
		const struct ob_reconcile_death *x = &run->death[k];
		for (int rr = 0; rr < OB_RECONCILE_NREASONS; rr++) {
			if (!((x->reasons >> rr) & 1))
				continue;
			sources_of(run, x, &b);
			ob_csvw_int(&w, (long long)k + 1);
			ob_csvw_str(&w, ob_reconcile_reason_name((enum ob_reconcile_reason)rr));
			ob_csvw_str(&w, x->detail[rr]);
			ob_csvw_str(&w, b.ptr);
			ob_csvw_end(&w);
		}
	}
	if ((e = close_out(f, path, d)))
		goto out;

	if (!(f = open_out(dir, "territory_month.csv", path, sizeof(path), d))) {
		e = OB_EIO;
		goto out;
	}
	ob_csvw_init(&w, f, ',');
	header(&w, h_count);
	for (size_t k = 0; k < run->ncount; k++) {
		const struct ob_reconcile_count *c = &run->count[k];
		ob_csvw_int(&w, c->level);
		ob_csvw_str(&w, c->territory);
		ob_csvw_str(&w, c->month);
		for (int t = 0; t < OB_RECONCILE_NINST; t++)
			ob_csvw_int(&w, (long long)c->n[t]);
		ob_csvw_int(&w, (long long)c->reconciled);
		ob_csvw_end(&w);
	}
	if ((e = close_out(f, path, d)))
		goto out;

	if (!(f = open_out(dir, "review.csv", path, sizeof(path), d))) {
		e = OB_EIO;
		goto out;
	}
	ob_csvw_init(&w, f, ',');
	header(&w, h_rev);
	for (size_t k = 0; k < run->nreview; k++) {
		const struct ob_reconcile_review *v = &run->review[k];
		ob_csvw_str(&w, run->rec[v->a].source);
		ob_csvw_str(&w, run->rec[v->a].source_id);
		ob_csvw_str(&w, run->rec[v->b].source);
		ob_csvw_str(&w, run->rec[v->b].source_id);
		ob_csvw_num(&w, v->probability);
		ob_csvw_num(&w, v->weight);
		ob_csvw_int(&w, v->linked);
		ob_csvw_end(&w);
	}
	e = close_out(f, path, d);
out:
	ob_buf_release(&b);
	return e;
}

/* ---- evaluation ----------------------------------------------------------------- */

ob_err ob_reconcile_evaluate(const struct ob_reconcile_run *run, const char *truth_csv,
                       struct ob_reconcile_confusion *c, struct ob_diag *d)
{
	struct ob_strmap keys, deaths;
	struct ob_csv_reader *rd = NULL;
	const struct ob_csv_record *row;
	uint32_t *truth = ob_calloc(run->n ? run->n : 1, sizeof(*truth)); /* 0: absent */
	uint32_t ndeath_ids = 0;
	struct ob_buf k = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	bool head = true;
	ob_err e;

	memset(c, 0, sizeof(*c));
	ob_strmap_init(&keys);
	ob_strmap_init(&deaths);
	for (size_t i = 0; i < run->n; i++) {
		ob_buf_reset(&k);
		ob_buf_putf(&k, "%s\x1f%s", run->rec[i].source, run->rec[i].source_id);
		if (ob_buf_failed(&k)) {
			e = OB_DIAG(d, OB_ETOOBIG, run->rec[i].source, 0, 0,
			            run->rec[i].source_id, strlen(run->rec[i].source_id),
			            "identificador demasiado largo", "identifier too long");
			goto out;
		}
		if ((e = ob_strmap_put(&keys, k.ptr, k.len, (void *)(uintptr_t)(i + 1), NULL)))
			goto out;
	}
	if ((e = ob_csv_open(truth_csv, NULL, NULL, &rd, d)))
		goto out;
	while ((e = ob_csv_next(rd, &row, d)) == OB_OK) {
		void *v, *dv;
		if (row->blank)
			continue;
		if (head) {
			head = false;
			if (row->nfields < 3 || strcmp(row->fields[0].ptr, "source") ||
			    strcmp(row->fields[1].ptr, "source_id")) {
				e = OB_DIAG(d, OB_EPARSE, truth_csv, row->line, 1, NULL, 0,
				            "se esperaba el encabezado "
				            "source,source_id,death_id",
				            "expected the header source,source_id,death_id");
				goto out;
			}
			continue;
		}
		if (row->nfields < 3) {
			e = OB_DIAG(d, OB_EPARSE, truth_csv, row->line, (long)row->nfields + 1,
			            NULL, 0, "faltan columnas: se esperaban 3",
			            "missing columns: expected 3");
			goto out;
		}
		ob_buf_reset(&k);
		ob_buf_putf(&k, "%s\x1f%s", row->fields[0].ptr, row->fields[1].ptr);
		v = ob_buf_failed(&k) ? NULL : ob_strmap_get(&keys, k.ptr, k.len);
		if (!v)
			continue;
		dv = ob_strmap_get(&deaths, row->fields[2].ptr, row->fields[2].len);
		if (!dv) {
			dv = (void *)(uintptr_t)++ndeath_ids;
			if ((e = ob_strmap_put(&deaths, row->fields[2].ptr, row->fields[2].len, dv,
			                       NULL)))
				goto out;
		}
		truth[(uintptr_t)v - 1] = (uint32_t)(uintptr_t)dv;
	}
	if (e != OB_ENOENT)
		goto out;
	e = OB_OK;
	for (size_t i = 0; i < run->n; i++) {
		if (truth[i])
			c->truth_records++;
		else
			c->missing++;
	}
	/* predicted pairs: within each death */
	for (size_t x = 0; x < run->ndeaths; x++) {
		const struct ob_reconcile_death *dd = &run->death[x];
		for (uint32_t a = 0; a < dd->n; a++)
			for (uint32_t b = a + 1; b < dd->n; b++) {
				uint32_t i = run->member[dd->first + a], j = run->member[dd->first + b];
				if (!strcmp(run->rec[i].source, run->rec[j].source) || !truth[i] ||
				    !truth[j])
					continue;
				if (truth[i] == truth[j])
					c->tp++;
				else
					c->fp++;
			}
	}
	/* true pairs: group the run's records by true death */
	{
		uint32_t *order = ob_malloc((run->n ? run->n : 1) * sizeof(*order));
		size_t m = 0;
		for (size_t i = 0; i < run->n; i++)
			if (truth[i])
				order[m++] = (uint32_t)i;
		/* counting sort by death id */
		uint32_t *start = ob_calloc(ndeath_ids + 2, sizeof(*start));
		uint32_t *sorted = ob_malloc((m ? m : 1) * sizeof(*sorted));
		for (size_t t = 0; t < m; t++)
			start[truth[order[t]] + 1]++;
		for (uint32_t t = 1; t <= ndeath_ids + 1; t++)
			start[t] += start[t - 1];
		for (size_t t = 0; t < m; t++)
			sorted[start[truth[order[t]]]++] = order[t];
		for (size_t lo = 0; lo < m;) {
			size_t hi = lo;
			while (hi < m && truth[sorted[hi]] == truth[sorted[lo]])
				hi++;
			for (size_t a = lo; a < hi; a++)
				for (size_t b = a + 1; b < hi; b++) {
					uint32_t i = sorted[a], j = sorted[b];
					if (strcmp(run->rec[i].source, run->rec[j].source) &&
					    run->rec[i].cluster != run->rec[j].cluster)
						c->fn++;
				}
			lo = hi;
		}
		free(order);
		free(start);
		free(sorted);
	}
	c->precision = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 1;
	c->recall = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 1;
out:
	if (rd)
		ob_csv_close(rd);
	ob_buf_release(&k);
	ob_strmap_release(&keys);
	ob_strmap_release(&deaths);
	free(truth);
	return e;
}

/* ---- review decisions ----------------------------------------------------------- */

ob_err ob_reconcile_decide(struct ob_store *st, long long item, bool accept, const char *actor,
                     const char *note, struct ob_diag *d)
{
	char now[32], object[512], detail[OB_MAX_AUDIT_DETAIL / 2];
	char *sa, *ia, *sb, *ib;
	ob_err e;

	if (!actor || !*actor)
		return OB_DIAG(d, OB_EUSAGE, NULL, 0, 0, NULL, 0, "falta el usuario",
		               "the user is missing");
	if ((e = ob_store_begin(st, d)))
		return e;
	/* a source id is a field of a delivery: up to OB_MAX_FIELD bytes */
	sa = ob_malloc(4 * (size_t)OB_MAX_FIELD);
	ia = sa + OB_MAX_FIELD;
	sb = ia + OB_MAX_FIELD;
	ib = sb + OB_MAX_FIELD;
	if ((e = ob_store_rc_review_item(st, item, sa, ia, sb, ib, OB_MAX_FIELD, d)))
		goto rollback;
	ob_audit_time((long long)time(NULL), now);
	if ((e = ob_store_rc_decision_add(st, item, sa, ia, sb, ib, accept, actor, now, note, d)))
		goto rollback;
	snprintf(object, sizeof(object), "pair:%s:%s|%s:%s", sa, ia, sb, ib);
	snprintf(detail, sizeof(detail), "%s; item %lld%s%.4000s",
	         accept ? "accept" : "reject", item, note && *note ? "; " : "",
	         note ? note : "");
	if ((e = ob_audit_append(st, now, actor, accept ? "review.accept" : "review.reject",
	                         object, detail, NULL, d)))
		goto rollback;
	free(sa);
	return ob_store_commit(st, d);
rollback:
	free(sa);
	ob_store_rollback(st);
	return e;
}

const char *const ob_reconcile_review_fields[OB_RECONCILE_REVIEW_NFIELDS] = {
	"source", "source_id", "names", "occurred_on", "territory", "victim_sex",
	"victim_age", "manner", "mechanism", "place", "category",
};

struct review_out {
	char (*out)[OB_RECONCILE_REVIEW_FIELD];
};

static void review_got(void *arg, const char *const v[OB_STORE_RC_REVIEW_NFIELDS])
{
	struct review_out *o = arg;

	for (int k = 0; k < OB_RECONCILE_REVIEW_NFIELDS; k++)
		snprintf(o->out[k], OB_RECONCILE_REVIEW_FIELD, "%s", v[k] ? v[k] : "");
}

ob_err ob_reconcile_review_record(struct ob_store *st, const char *source, const char *id,
                            char out[][OB_RECONCILE_REVIEW_FIELD], bool *found, struct ob_diag *d)
{
	struct review_out o = { out };

	for (size_t k = 0; k < OB_RECONCILE_REVIEW_NFIELDS; k++)
		out[k][0] = '\0';
	return ob_store_rc_review_record(st, source, id, review_got, &o, found, d);
}
