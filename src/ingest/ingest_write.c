/*
 * ingest_write.c - what an ingest writes: records, quarantine and warnings, and
 * the logbook entry of the delivery (submission, supersession).
 */
#include "ingest/ingest_impl.h"

#include "base/file.h"
#include "base/sha256.h"
#include "ingest/period.h"
#include "io/json.h"
#include "text/text.h"

/* --- writing ------------------------------------------------------------ */

/* (pointer, length) for the store: NULL when p is NULL. */
static struct ob_store_str sized(const char *p, size_t n)
{
	return (struct ob_store_str){ p, p ? n : 0 };
}

/* Count a rejection or a warning by its kind and column; a personal
 * field's value is never an example. */
static void tally(struct ob_reasons *t, enum ob_reason_kind k, enum ob_field f, long column,
                  const char *value, size_t n)
{
	if (f == OB_F_NAMES || f == OB_F_DOCUMENT || f == OB_F_ADDRESS)
		value = NULL;
	ob_reasons_add(t, ob_reason_key(k), f < OB_F_COUNT ? ob_field_key(f) : NULL, column,
	               value, n);
}

ob_err ingest_build_extra(struct ingest *g, const struct ob_csv_record *rec)
{
	bool any = false;

	ob_buf_reset(&g->extra);
	for (size_t c = 0; c < g->ncols && c < rec->nfields; c++) {
		const char *s = rec->fields[c].ptr;
		size_t n = rec->fields[c].len;
		if (g->col_mapped[c] || g->col_ignored[c])
			continue;
		ob_trim(&s, &n);
		if (!n)
			continue;
		if (ob_buf_adds(&g->extra, any ? "," : "{") ||
		    ob_json_str(&g->extra, g->col_name[c], strlen(g->col_name[c])) ||
		    ob_buf_addc(&g->extra, ':') || ob_json_str(&g->extra, s, n))
			return OB_ETOOBIG;
		any = true;
	}
	if (any && ob_buf_addc(&g->extra, '}'))
		return OB_ETOOBIG;
	return OB_OK;
}

ob_err ingest_write_quarantine(struct ingest *g, struct row *r)
{
	enum ob_field f = r->bad_field;
	struct ob_store_flag q = {
		.submission = g->sub,
		.line = r->line,
		.column = r->bad_column,
		.field = f < OB_F_COUNT ? ob_field_key(f) : NULL,
		.value = sized(f < OB_F_COUNT ? r->val[f] : NULL, f < OB_F_COUNT ? r->len[f] : 0),
		.reason = r->reason,
		.kind = ob_reason_key(r->bad_kind),
		.raw = sized(r->raw ? r->raw : "", r->raw ? r->raw_len : 0),
	};
	struct ob_diag sd;

	if (ob_store_writer_quarantine(g->w, &q, &sd))
		return ingest_store_error(g, OB_TR("cuarentena", "quarantine"), &sd);
	g->res->rejected++;
	/* a row's width varies: its column is no key */
	tally(&g->rejected, r->bad_kind, f, r->bad_kind == OB_REASON_FIELD_COUNT ? 0 : r->bad_column,
	      f < OB_F_COUNT ? r->val[f] : NULL, f < OB_F_COUNT ? r->len[f] : 0);
	return OB_OK;
}

static ob_err write_warnings(struct ingest *g, struct row *r)
{
	struct ob_diag sd;

	for (size_t i = 0; i < r->nwarn; i++) {
		struct ob_store_flag q = {
			.submission = g->sub,
			.line = r->line,
			.column = r->warn[i].column,
			.field = ob_field_key(r->warn[i].field),
			.value = sized(r->warn[i].value, strlen(r->warn[i].value)),
			.reason = r->warn[i].reason,
			.kind = ob_reason_key(r->warn[i].kind),
		};
		if (ob_store_writer_warning(g->w, &q, &sd))
			return ingest_store_error(g, OB_TR("avisos", "warnings"), &sd);
		tally(&g->warned, r->warn[i].kind, r->warn[i].field, r->warn[i].column,
		      r->warn[i].value, strlen(r->warn[i].value));
	}
	if (r->nwarn)
		g->res->warned++;
	return OB_OK;
}

static const char *precision_name(enum ob_precision p)
{
	return p == OB_PREC_DAY ? "day" : p == OB_PREC_MONTH ? "month" : "year";
}

ob_err ingest_write_record(struct ingest *g, struct row *r)
{
	struct ob_store_record rec = {
		.submission = g->sub,
		.source = g->prof.code,
		.source_id = sized(r->val[OB_F_SOURCE_ID], r->len[OB_F_SOURCE_ID]),
		.line = r->line,
		.occurred_on = r->occurred_on,
		.precision = precision_name(r->date.precision),
		.occurred_at = r->occurred_at[0] ? r->occurred_at : NULL,
		.territory = r->territory,
		.category = r->category,
		.legal_category = sized(r->len[OB_F_CATEGORY] ? r->val[OB_F_CATEGORY] : NULL,
		                        r->len[OB_F_CATEGORY]),
		.manner = r->tag[OB_F_MANNER],
		.victim_sex = r->tag[OB_F_VICTIM_SEX] ? r->tag[OB_F_VICTIM_SEX] : "U",
		.mechanism = r->tag[OB_F_MECHANISM],
		.place = r->tag[OB_F_PLACE],
		.relationship = r->tag[OB_F_RELATIONSHIP],
		.context = r->tag[OB_F_CONTEXT],
		.perpetrator_sex = r->tag[OB_F_PERPETRATOR_SEX],
		.victim_age = r->age >= 0 ? r->age : -1,
		.age_min = r->age_lo >= 0 ? r->age_lo : -1,
		.age_max = r->age_lo >= 0 ? r->age_hi : -1,
		.has_coords = r->has_coords,
		.lat = r->lat,
		.lon = r->lon,
		.extra = sized(r->extra_len ? r->extra : NULL, r->extra_len),
		.victims = r->victims,
	};
	struct ob_diag sd;
	long long id = 0;
	ob_err e;

	e = ob_store_writer_record(g->w, &rec, &id, &sd);
	if (e == OB_EEXISTS) {
		if (g->prof.aggregate)
			ingest_row_reject(r, OB_REASON_CELL_DUPLICATE, OB_F_SOURCE_ID, 0,
			                  OB_TR("celda agregada repetida: otra fila del archivo tiene las "
			                        "mismas dimensiones; se conserva la primera",
			                        "aggregate cell given twice: another row of the file has "
			                        "the same dimensions; the first is kept"));
		else
			ingest_row_reject(r, OB_REASON_ID_DUPLICATE, OB_F_SOURCE_ID, r->col[OB_F_SOURCE_ID],
			                  OB_TR("identificador duplicado en el archivo; se conserva la "
			                        "primera fila",
			                        "case id given twice in the file; the first row is kept"));
		return ingest_write_quarantine(g, r);
	}
	if (e)
		return ingest_store_error(g, OB_TR("registro", "record"), &sd);
	if ((r->len[OB_F_NAMES] || r->len[OB_F_DOCUMENT] || r->len[OB_F_ADDRESS]) &&
	    ob_store_writer_protected(
		    g->w, id, sized(r->len[OB_F_NAMES] ? r->val[OB_F_NAMES] : NULL, r->len[OB_F_NAMES]),
		    sized(r->len[OB_F_DOCUMENT] ? r->val[OB_F_DOCUMENT] : NULL, r->len[OB_F_DOCUMENT]),
		    sized(r->len[OB_F_ADDRESS] ? r->val[OB_F_ADDRESS] : NULL, r->len[OB_F_ADDRESS]),
		    &sd))
		return ingest_store_error(g, OB_TR("datos protegidos", "protected data"), &sd);
	g->res->accepted++;
	g->res->victims += r->victims;
	return write_warnings(g, r);
}

ob_err ingest_write_sync(struct ingest *g)
{
	struct ob_diag sd;

	if (ob_store_writer_sync(g->w, &sd))
		return ingest_store_error(g, OB_TR("registro", "record"), &sd);
	return OB_OK;
}

/* --- the logbook -------------------------------------------------------- */

ob_err ingest_open_submission(struct ingest *g, const char *path)
{
	const char *base = strrchr(path, '/');
	struct ob_submission_new n = {
		.source = g->prof.code,
		.file_name = base ? base + 1 : path,
		.observa_version = OB_VERSION,
		.institution = g->prof.institution[0] ? g->prof.institution : "other",
		.country = g->look.country,
		.aggregate = g->prof.aggregate,
	};
	struct ob_diag sd;

	if (ob_store_submission_open(g->s, &n, &g->sub, &sd))
		return ingest_store_error(g, OB_TR("bitácora", "logbook"), &sd);
	return OB_OK;
}

static int latest_id(void *arg, const struct ob_submission *e)
{
	*(long long *)arg = e->id;
	return 1;
}

/* 1 when this file's bytes were already ingested for the source. */
int ingest_already_ingested(struct ingest *g)
{
	struct ob_submission_filter f = { .source = g->prof.code, .sha256 = g->res->sha256,
		                          .order = OB_SUBMISSIONS_LATEST_FIRST, .limit = 1 };
	long long id = 0;

	if (ob_store_submissions_each(g->s, &f, latest_id, &id, g->d) < 0)
		return -1;
	if (id)
		g->res->submission = id;
	return id != 0;
}

struct overlap {
	struct ingest *g;
	long long latest, max_version, n;
	ob_err e;
};

/* One current delivery of the source whose period meets the new one's:
 * covered whole (superseded), or overlapped (refused). */
static int overlapping(void *arg, const struct ob_submission *old)
{
	struct overlap *o = arg;
	struct ingest *g = o->g;
	char range[32], label[32];
	struct ob_span span;

	if (strcmp(old->period_from, g->res->period_from) >= 0 &&
	    strcmp(old->period_to, g->res->period_to) <= 0) {
		o->latest = old->id;
		if (old->version > o->max_version)
			o->max_version = old->version;
		o->n++;
		return 0;
	}
	snprintf(range, sizeof(range), "%.10s..%.10s", old->period_from, old->period_to);
	if (ob_span_parse(range, strlen(range), &span))
		ob_span_label(&span, label, sizeof(label));
	else
		ob_strlcpy(label, range, sizeof(label));
	o->e = OB_DIAG(g->d, OB_EOVERLAP, g->name, 0, 0, g->period_label,
	               strlen(g->period_label),
	               "el periodo %s se solapa con el del envío %lld (%s, periodo %s) sin "
	               "coincidir con él ni cubrirlo entero: declare el periodo %s para "
	               "sustituirlo, o uno que lo cubra entero; no se ingesta nada",
	               "the period %s overlaps that of submission %lld (%s, period %s) without "
	               "being it or covering it whole: declare the period %s to supersede it, "
	               "or one that covers it whole; nothing is ingested",
	               g->period_label, old->id, old->file_name, label, label);
	return 1;
}

/*
 * Supersede the current deliveries of the source whose periods the new one
 * covers whole; refuse one that it overlaps without covering (naming it).
 */
static ob_err supersede(struct ingest *g, long long *latest, long long *version)
{
	struct ob_submission_filter f = {
		.source = g->prof.code, .current_only = true, .not_id = g->sub,
		.overlap_from = g->res->period_from, .overlap_to = g->res->period_to,
		.order = OB_SUBMISSIONS_BY_ID, .limit = -1,
	};
	struct overlap o = { .g = g };
	struct ob_diag sd;

	*latest = 0;
	if (ob_store_submissions_each(g->s, &f, overlapping, &o, &sd) < 0)
		return ingest_store_error(g, OB_TR("bitácora", "logbook"), &sd);
	if (o.e)
		return o.e;
	if (o.n && ob_store_submissions_supersede(g->s, g->sub, g->prof.code, g->res->period_from,
	                                          g->res->period_to, &sd))
		return ingest_store_error(g, OB_TR("bitácora", "logbook"), &sd);
	*latest = o.latest;
	g->res->nsuperseded = o.n;
	*version = o.max_version + 1;
	return OB_OK;
}

/* The file's bytes contradict the profile's encoding: its examples go to the
 * warning table, with the line and column where they are. */
static ob_err write_encoding_warnings(struct ingest *g)
{
	const struct ob_csv_encoding_check *c = &g->res->encoding_check;
	char reason[OB_MAX_MESSAGE];
	struct ob_diag sd;

	for (size_t i = 0; c->contradicted && i < c->nexamples; i++) {
		struct ob_store_flag q = {
			.submission = g->sub,
			.line = c->examples[i].line,
			.column = c->examples[i].column,
			.value = sized(c->examples[i].as_read, strlen(c->examples[i].as_read)),
			.reason = reason,
			.kind = ob_reason_key(OB_REASON_ENCODING),
		};
		snprintf(reason, sizeof(reason),
		         OB_TR("el archivo no está en %s como dice el perfil: se lee en %s; en %s se "
		               "leería «%s»; corrija encoding en el perfil",
		               "the file is not in %s as the profile says: it is read as %s; as %s it "
		               "would read «%s»; fix encoding in the profile"),
		         ob_encoding_name(c->given), g->res->encoding, ob_encoding_name(c->given),
		         c->examples[i].as_given);
		if (ob_store_writer_warning(g->w, &q, &sd))
			return ingest_store_error(g, OB_TR("avisos", "warnings"), &sd);
	}
	return OB_OK;
}

/* What the logbook keeps of the reasons: every count, by kind and column,
 * {"rejected":{"category_unknown:5":12},"warnings":{"tag_unmapped:7":3}}. */
static ob_err reasons_json(struct ingest *g, struct ob_buf *b)
{
	ob_err e = ob_buf_adds(b, "{\"rejected\":");

	e |= ob_reasons_json(&g->rejected, b);
	e |= ob_buf_adds(b, ",\"warnings\":");
	e |= ob_reasons_json(&g->warned, b);
	e |= ob_buf_addc(b, '}');
	return e;
}

/*
 * The most frequent reasons into the result, with the column's name as the
 * header writes it; the encoding's examples are warnings too. Called once
 * the rows are read (the writer joined), also before a refusal.
 */
void ingest_report_reasons(struct ingest *g)
{
	const struct ob_csv_encoding_check *c = &g->res->encoding_check;
	struct ob_ingest_result *res = g->res;

	for (size_t i = 0; c->contradicted && i < c->nexamples; i++)
		ob_reasons_add(&g->warned, ob_reason_key(OB_REASON_ENCODING), NULL,
		               c->examples[i].column, c->examples[i].as_read,
		               strlen(c->examples[i].as_read));
	res->nreasons = ob_reasons_top(&g->rejected, res->reasons, OB_MAX_REASONS);
	res->nwarning_reasons = ob_reasons_top(&g->warned, res->warning_reasons, OB_MAX_REASONS);
	res->nreason_keys = (long long)g->rejected.n + (g->rejected.other > 0);
	res->nwarning_keys = (long long)g->warned.n + (g->warned.other > 0);
	res->warnings = g->warned.total;
	for (size_t i = 0; i < res->nreasons + res->nwarning_reasons; i++) {
		struct ob_reason *r = i < res->nreasons ? &res->reasons[i]
		                                        : &res->warning_reasons[i - res->nreasons];
		if (r->column >= 1 && (size_t)r->column <= g->ncols)
			ob_strlcpy(r->column_name, g->col_name[r->column - 1], sizeof(r->column_name));
	}
}

/* One crosswalk entry into the hash: each value and a NUL. */
static int hash_entry(void *arg, const char *const v[5])
{
	for (int i = 0; i < 5; i++)
		ob_sha256_update(arg, v[i] ? v[i] : "", v[i] ? strlen(v[i]) + 1 : 1);
	return 0;
}

/*
 * The fingerprints a re-try compares: the SHA-256 of the profile's text,
 * and that of the crosswalk entries of every crosswalk the profile names
 * (name, then each entry's key, label, target and validity, in order).
 */
ob_err ingest_fingerprints(struct ingest *g)
{
	unsigned char dg[OB_SHA256_LEN];
	struct ob_sha256 h;
	char *text;
	size_t len;
	ob_err e;

	if ((e = ob_read_file(g->prof.path, OB_MAX_CONFIG_FILE, &text, &len, g->d)))
		return e;
	ob_sha256_init(&h);
	ob_sha256_update(&h, text, len);
	ob_sha256_final(&h, dg);
	ob_sha256_hex(dg, g->res->profile_sha256);
	free(text);
	ob_sha256_init(&h);
	for (unsigned f = 0; f < OB_F_COUNT; f++) {
		const char *name = g->prof.crosswalk[f];
		bool seen = false;
		struct ob_diag sd;

		for (unsigned k = 0; k < f && !seen; k++)
			seen = !strcmp(g->prof.crosswalk[k], name);
		if (!name[0] || seen)
			continue;
		ob_sha256_update(&h, name, strlen(name) + 1);
		if (ob_store_crosswalk_entries(g->s, name, hash_entry, &h, &sd) < 0)
			return ingest_store_error(g, OB_TR("cruces", "crosswalks"), &sd);
	}
	ob_sha256_final(&h, dg);
	ob_sha256_hex(dg, g->res->crosswalks_sha256);
	return OB_OK;
}

ob_err ingest_close_submission(struct ingest *g)
{
	struct ob_buf reasons = OB_BUF_INIT(OB_MAX_MESSAGE * 8);
	long long prev = 0, version = 1;
	struct ob_submission entry;
	char delim[4] = { g->res->delimiter, 0 };
	struct ob_diag sd;
	ob_err e;

	ingest_day_string(g->period_from, g->res->period_from);
	ingest_day_string(g->period_to, g->res->period_to);
	if ((e = supersede(g, &prev, &version)) || (e = write_encoding_warnings(g)))
		return e;
	g->res->superseded = prev;
	g->res->version = version;
	if (g->res->delimiter == '\t')
		ob_strlcpy(delim, "tab", sizeof(delim));
	memset(&entry, 0, sizeof(entry));
	entry.id = g->sub;
	entry.sha256 = g->res->sha256;
	entry.period_from = g->res->period_from;
	entry.period_to = g->res->period_to;
	entry.rows_read = g->res->rows_read;
	entry.accepted = g->res->accepted;
	entry.rejected = g->res->rejected;
	entry.warned = g->res->warned;
	entry.encoding = g->res->encoding;
	entry.delimiter = delim;
	entry.version = version;
	entry.supersedes = prev;
	/* the canonical fields this delivery supplied: a column of the file, a
	 * constant of the profile, or the category's label (a report of
	 * "Violencia intrafamiliar" tells the relationship; the other rows read
	 * it as unknown) (bit i: enum ob_field i) */
	for (unsigned f = 0; f < OB_F_COUNT; f++)
		if (ingest_field_present(g, (enum ob_field)f) || (g->implied_fields & (1u << f)))
			entry.fields |= 1LL << f;
	entry.victims = g->res->victims;
	entry.period = g->period_label;
	entry.period_basis = g->period_basis;
	entry.reread = g->reread;
	entry.profile_sha256 = g->res->profile_sha256;
	entry.crosswalks_sha256 = g->res->crosswalks_sha256;
	/* more than a logbook entry holds: never; then none */
	entry.reasons = reasons_json(g, &reasons) ? NULL : reasons.ptr;
	e = ob_store_submission_close(g->s, &entry, &sd);
	ob_buf_release(&reasons);
	return e ? ingest_store_error(g, OB_TR("bitácora", "logbook"), &sd) : OB_OK;
}
