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

static int bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
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
	sqlite3_stmt *st = g->st[ST_QUARANTINE];
	enum ob_field f = r->bad_field;

	sqlite3_bind_int64(st, 1, g->sub);
	sqlite3_bind_int64(st, 2, r->line);
	sqlite3_bind_int64(st, 3, r->bad_column);
	bind_opt(st, 4, f < OB_F_COUNT ? ob_field_key(f) : NULL);
	if (f < OB_F_COUNT && r->val[f])
		ob_bind_text(st, 5, r->val[f], r->len[f]);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_text(st, 6, r->reason, -1, SQLITE_STATIC);
	ob_bind_text(st, 7, r->raw ? r->raw : "", r->raw_len);
	sqlite3_bind_text(st, 8, ob_reason_key(r->bad_kind), -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return ingest_store_error(g, OB_TR("cuarentena", "quarantine"));
	}
	sqlite3_reset(st);
	g->res->rejected++;
	/* a row's width varies: its column is no key */
	tally(&g->rejected, r->bad_kind, f, r->bad_kind == OB_REASON_FIELD_COUNT ? 0 : r->bad_column,
	      f < OB_F_COUNT ? r->val[f] : NULL, f < OB_F_COUNT ? r->len[f] : 0);
	return OB_OK;
}

static ob_err write_warnings(struct ingest *g, struct row *r)
{
	sqlite3_stmt *st = g->st[ST_WARNING];

	for (size_t i = 0; i < r->nwarn; i++) {
		sqlite3_bind_int64(st, 1, g->sub);
		sqlite3_bind_int64(st, 2, r->line);
		sqlite3_bind_int64(st, 3, r->warn[i].column);
		sqlite3_bind_text(st, 4, ob_field_key(r->warn[i].field), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, r->warn[i].value, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, r->warn[i].reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, ob_reason_key(r->warn[i].kind), -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			return ingest_store_error(g, OB_TR("avisos", "warnings"));
		}
		sqlite3_reset(st);
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
	sqlite3_stmt *st = g->st[ST_RECORD];
	int rc;

	sqlite3_bind_int64(st, 1, g->sub);
	sqlite3_bind_text(st, 2, g->prof.code, -1, SQLITE_STATIC);
	ob_bind_text(st, 3, r->val[OB_F_SOURCE_ID], r->len[OB_F_SOURCE_ID]);
	sqlite3_bind_int64(st, 4, r->line);
	sqlite3_bind_text(st, 5, r->occurred_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, precision_name(r->date.precision), -1, SQLITE_STATIC);
	bind_opt(st, 7, r->occurred_at[0] ? r->occurred_at : NULL);
	bind_opt(st, 8, r->territory);
	if (r->has_coords) {
		sqlite3_bind_double(st, 9, r->lat);
		sqlite3_bind_double(st, 10, r->lon);
	} else {
		sqlite3_bind_null(st, 9);
		sqlite3_bind_null(st, 10);
	}
	bind_opt(st, 11, r->category);
	if (r->len[OB_F_CATEGORY])
		ob_bind_text(st, 12, r->val[OB_F_CATEGORY], r->len[OB_F_CATEGORY]);
	else
		sqlite3_bind_null(st, 12);
	bind_opt(st, 13, r->tag[OB_F_MANNER]);
	bind_opt(st, 14, r->tag[OB_F_VICTIM_SEX] ? r->tag[OB_F_VICTIM_SEX] : "U");
	if (r->age >= 0)
		sqlite3_bind_int(st, 15, r->age);
	else
		sqlite3_bind_null(st, 15);
	bind_opt(st, 16, r->tag[OB_F_MECHANISM]);
	bind_opt(st, 17, r->tag[OB_F_PLACE]);
	bind_opt(st, 18, r->tag[OB_F_RELATIONSHIP]);
	bind_opt(st, 19, r->tag[OB_F_CONTEXT]);
	bind_opt(st, 20, r->tag[OB_F_PERPETRATOR_SEX]);
	if (r->extra_len)
		sqlite3_bind_text(st, 21, r->extra, (int)r->extra_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 21);
	sqlite3_bind_int64(st, 22, r->victims);
	if (r->age_lo >= 0) {
		sqlite3_bind_int(st, 23, r->age_lo);
		sqlite3_bind_int(st, 24, r->age_hi);
	} else {
		sqlite3_bind_null(st, 23);
		sqlite3_bind_null(st, 24);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT) {
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
	if (rc != SQLITE_DONE)
		return ingest_store_error(g, OB_TR("registro", "record"));
	if (r->len[OB_F_NAMES] || r->len[OB_F_DOCUMENT] || r->len[OB_F_ADDRESS]) {
		sqlite3_stmt *p = g->st[ST_PROTECTED];
		sqlite3_bind_int64(p, 1, sqlite3_last_insert_rowid(ob_store_db(g->s)));
		ob_bind_text(p, 2, r->len[OB_F_NAMES] ? r->val[OB_F_NAMES] : NULL, r->len[OB_F_NAMES]);
		ob_bind_text(p, 3, r->len[OB_F_DOCUMENT] ? r->val[OB_F_DOCUMENT] : NULL,
		             r->len[OB_F_DOCUMENT]);
		ob_bind_text(p, 4, r->len[OB_F_ADDRESS] ? r->val[OB_F_ADDRESS] : NULL,
		             r->len[OB_F_ADDRESS]);
		rc = sqlite3_step(p);
		sqlite3_reset(p);
		if (rc != SQLITE_DONE)
			return ingest_store_error(g, OB_TR("datos protegidos", "protected data"));
	}
	g->res->accepted++;
	g->res->victims += r->victims;
	return write_warnings(g, r);
}

/* --- the logbook -------------------------------------------------------- */

ob_err ingest_open_submission(struct ingest *g, const char *path)
{
	sqlite3_stmt *st;
	const char *base = strrchr(path, '/');
	int rc;

	if (ob_store_prepare(g->s,
	                     "INSERT INTO submission(source, file_name, sha256, rows_read, accepted,"
	                     " rejected, warned, ingested_at, version, observa_version, institution,"
	                     " country, aggregate) VALUES(?1, ?2, 'pending', 0, 0, 0, 0,"
	                     " strftime('%Y-%m-%dT%H:%M:%SZ','now'), 0, ?3, ?4, ?5, ?6)", &st, g->d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, g->prof.code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, base ? base + 1 : path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, OB_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, g->prof.institution[0] ? g->prof.institution : "other", -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(st, 5, g->look.country, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, g->prof.aggregate);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ingest_store_error(g, OB_TR("bitácora", "logbook"));
	g->sub = sqlite3_last_insert_rowid(ob_store_db(g->s));
	return OB_OK;
}

/* 1 when this file's bytes were already ingested for the source. */
int ingest_already_ingested(struct ingest *g)
{
	sqlite3_stmt *st;
	int found;

	if (ob_store_prepare(g->s, "SELECT id FROM submission WHERE source = ?1 AND sha256 = ?2"
	                           " ORDER BY id DESC LIMIT 1", &st, g->d))
		return -1;
	sqlite3_bind_text(st, 1, g->prof.code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, g->res->sha256, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		g->res->submission = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return found;
}

/*
 * Supersede the current deliveries of the source whose periods the new one
 * covers whole; refuse one that it overlaps without covering (naming it).
 */
static ob_err supersede(struct ingest *g, long long *latest, long long *version)
{
	sqlite3_stmt *st;
	long long max_version = 0, n = 0;
	ob_err e = OB_OK;
	int rc;

	*latest = 0;
	if (ob_store_prepare(g->s,
	                     "SELECT id, version, period_from, period_to, file_name FROM submission"
	                     " WHERE source = ?1 AND superseded_by IS NULL AND id <> ?2"
	                     " AND period_from <= ?4 AND period_to >= ?3 ORDER BY id", &st, g->d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, g->prof.code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, g->sub);
	sqlite3_bind_text(st, 3, g->res->period_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, g->res->period_to, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *pf = (const char *)sqlite3_column_text(st, 2);
		const char *pt = (const char *)sqlite3_column_text(st, 3);
		char range[32], label[32];
		struct ob_span old;

		if (strcmp(pf, g->res->period_from) >= 0 && strcmp(pt, g->res->period_to) <= 0) {
			*latest = sqlite3_column_int64(st, 0);
			if (sqlite3_column_int64(st, 1) > max_version)
				max_version = sqlite3_column_int64(st, 1);
			n++;
			continue;
		}
		snprintf(range, sizeof(range), "%.10s..%.10s", pf, pt);
		if (ob_span_parse(range, strlen(range), &old))
			ob_span_label(&old, label, sizeof(label));
		else
			ob_strlcpy(label, range, sizeof(label));
		e = OB_DIAG(g->d, OB_EOVERLAP, g->name, 0, 0, g->period_label,
		            strlen(g->period_label),
		            "el periodo %s se solapa con el del envío %lld (%s, periodo %s) sin "
		            "coincidir con él ni cubrirlo entero: declare el periodo %s para "
		            "sustituirlo, o uno que lo cubra entero; no se ingesta nada",
		            "the period %s overlaps that of submission %lld (%s, period %s) without "
		            "being it or covering it whole: declare the period %s to supersede it, "
		            "or one that covers it whole; nothing is ingested",
		            g->period_label, (long long)sqlite3_column_int64(st, 0),
		            (const char *)sqlite3_column_text(st, 4), label, label);
		break;
	}
	sqlite3_finalize(st);
	if (e)
		return e;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return ingest_store_error(g, OB_TR("bitácora", "logbook"));
	if (n) {
		if (ob_store_prepare(g->s,
		                     "UPDATE submission SET superseded_by = ?1 WHERE source = ?2"
		                     " AND superseded_by IS NULL AND id <> ?1 AND period_from >= ?3"
		                     " AND period_to <= ?4", &st, g->d))
			return OB_ESTORE;
		sqlite3_bind_int64(st, 1, g->sub);
		sqlite3_bind_text(st, 2, g->prof.code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, g->res->period_from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, g->res->period_to, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return ingest_store_error(g, OB_TR("bitácora", "logbook"));
	}
	g->res->nsuperseded = n;
	*version = max_version + 1;
	return OB_OK;
}

/* The file's bytes contradict the profile's encoding: its examples go to the
 * warning table, with the line and column where they are. */
static ob_err write_encoding_warnings(struct ingest *g)
{
	const struct ob_csv_encoding_check *c = &g->res->encoding_check;
	sqlite3_stmt *st = g->st[ST_WARNING];
	char reason[OB_MAX_MESSAGE];

	for (size_t i = 0; c->contradicted && i < c->nexamples; i++) {
		snprintf(reason, sizeof(reason),
		         OB_TR("el archivo no está en %s como dice el perfil: se lee en %s; en %s se "
		               "leería «%s»; corrija encoding en el perfil",
		               "the file is not in %s as the profile says: it is read as %s; as %s it "
		               "would read «%s»; fix encoding in the profile"),
		         ob_encoding_name(c->given), g->res->encoding, ob_encoding_name(c->given),
		         c->examples[i].as_given);
		sqlite3_bind_int64(st, 1, g->sub);
		sqlite3_bind_int64(st, 2, c->examples[i].line);
		sqlite3_bind_int64(st, 3, c->examples[i].column);
		sqlite3_bind_null(st, 4);
		sqlite3_bind_text(st, 5, c->examples[i].as_read, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, ob_reason_key(OB_REASON_ENCODING), -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			return ingest_store_error(g, OB_TR("avisos", "warnings"));
		}
		sqlite3_reset(st);
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

/*
 * The fingerprints a re-try compares: the SHA-256 of the profile's text,
 * and that of the crosswalk entries of every crosswalk the profile names
 * (name, then each entry's key, label, target and validity, in order).
 */
ob_err ingest_fingerprints(struct ingest *g)
{
	unsigned char dg[OB_SHA256_LEN];
	struct ob_sha256 h;
	sqlite3_stmt *st;
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
	if (ob_store_prepare(g->s,
	                     "SELECT key, label, target, coalesce(valid_from, ''),"
	                     " coalesce(valid_to, '') FROM crosswalk WHERE name = ?1"
	                     " ORDER BY key, label, target, valid_from, valid_to", &st, g->d))
		return OB_ESTORE;
	ob_sha256_init(&h);
	for (unsigned f = 0; f < OB_F_COUNT; f++) {
		const char *name = g->prof.crosswalk[f];
		bool seen = false;
		int rc;

		for (unsigned k = 0; k < f && !seen; k++)
			seen = !strcmp(g->prof.crosswalk[k], name);
		if (!name[0] || seen)
			continue;
		ob_sha256_update(&h, name, strlen(name) + 1);
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			for (int i = 0; i < 5; i++) {
				const char *v = (const char *)sqlite3_column_text(st, i);
				ob_sha256_update(&h, v ? v : "", v ? strlen(v) + 1 : 1);
			}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			sqlite3_finalize(st);
			return ingest_store_error(g, OB_TR("cruces", "crosswalks"));
		}
	}
	sqlite3_finalize(st);
	ob_sha256_final(&h, dg);
	ob_sha256_hex(dg, g->res->crosswalks_sha256);
	return OB_OK;
}

ob_err ingest_close_submission(struct ingest *g)
{
	struct ob_buf reasons = OB_BUF_INIT(OB_MAX_MESSAGE * 8);
	sqlite3_stmt *st;
	long long prev = 0, version = 1;
	ob_err e;
	int rc;

	ingest_day_string(g->period_from, g->res->period_from);
	ingest_day_string(g->period_to, g->res->period_to);
	if ((e = supersede(g, &prev, &version)) || (e = write_encoding_warnings(g)))
		return e;
	g->res->superseded = prev;
	g->res->version = version;
	if (ob_store_prepare(g->s,
	                     "UPDATE submission SET sha256 = ?1, period_from = ?2, period_to = ?3,"
	                     " rows_read = ?4, accepted = ?5, rejected = ?6, warned = ?7,"
	                     " encoding = ?8, delimiter = ?9, version = ?10, supersedes = ?11,"
	                     " fields = ?13, victims = ?14, period = ?15, period_basis = ?16,"
	                     " reread = ?17, profile_sha256 = ?18, crosswalks_sha256 = ?19,"
	                     " reasons = ?20"
	                     " WHERE id = ?12", &st, g->d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, g->res->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, g->res->period_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, g->res->period_to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, g->res->rows_read);
	sqlite3_bind_int64(st, 5, g->res->accepted);
	sqlite3_bind_int64(st, 6, g->res->rejected);
	sqlite3_bind_int64(st, 7, g->res->warned);
	sqlite3_bind_text(st, 8, g->res->encoding, -1, SQLITE_STATIC);
	{
		char delim[4] = { g->res->delimiter, 0 };
		if (g->res->delimiter == '\t')
			ob_strlcpy(delim, "tab", sizeof(delim));
		sqlite3_bind_text(st, 9, delim, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int64(st, 10, version);
	if (prev)
		sqlite3_bind_int64(st, 11, prev);
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_int64(st, 12, g->sub);
	{
		/* the canonical fields this delivery supplied: a column of the
		 * file, a constant of the profile, or the category's label (a
		 * report of "Violencia intrafamiliar" tells the relationship;
		 * the other rows read it as unknown) (bit i: enum ob_field i) */
		long long fields = 0;
		for (unsigned f = 0; f < OB_F_COUNT; f++)
			if (ingest_field_present(g, (enum ob_field)f) ||
			    (g->implied_fields & (1u << f)))
				fields |= 1LL << f;
		sqlite3_bind_int64(st, 13, fields);
	}
	sqlite3_bind_int64(st, 14, g->res->victims);
	sqlite3_bind_text(st, 15, g->period_label, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, g->period_basis, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 17, g->reread);
	sqlite3_bind_text(st, 18, g->res->profile_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 19, g->res->crosswalks_sha256, -1, SQLITE_STATIC);
	if (reasons_json(g, &reasons))
		sqlite3_bind_null(st, 20); /* more than a logbook entry holds: never */
	else
		sqlite3_bind_text(st, 20, reasons.ptr, (int)reasons.len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	ob_buf_release(&reasons);
	return rc == SQLITE_DONE ? OB_OK : ingest_store_error(g, OB_TR("bitácora", "logbook"));
}
