/* audit.c - the append-only, hash-chained audit log (see audit.h). */
#include "store/audit.h"

#include <time.h>

#include "base/sha256.h"

void ob_audit_time(long long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void field(struct ob_sha256 *c, const char *s, size_t n)
{
	char len[24];
	int k = snprintf(len, sizeof(len), "%zu:", n);

	ob_sha256_update(c, len, (size_t)k);
	ob_sha256_update(c, s, n);
	ob_sha256_update(c, ";", 1);
}

void ob_audit_hash(const char *prev_hash, long long seq, const char *at, const char *actor,
                   const char *action, const char *object, const char *detail,
                   char hex[65])
{
	struct ob_sha256 c;
	unsigned char dg[OB_SHA256_LEN];
	char num[24];
	int k = snprintf(num, sizeof(num), "%lld", seq);

	ob_sha256_init(&c);
	ob_sha256_update(&c, prev_hash, strlen(prev_hash));
	ob_sha256_update(&c, "\n", 1);
	field(&c, num, (size_t)k);
	field(&c, at, strlen(at));
	field(&c, actor, strlen(actor));
	field(&c, action, strlen(action));
	field(&c, object, strlen(object));
	field(&c, detail, strlen(detail));
	ob_sha256_final(&c, dg);
	ob_sha256_hex(dg, hex);
}

static ob_err store_error(struct ob_store *s, struct ob_diag *d, const char *what)
{
	return ob_diag_set(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0,
	                   "bitácora de auditoría: %s: %s", what,
	                   sqlite3_errmsg(ob_store_db(s)));
}

static ob_err append(struct ob_store *s, const char *at, const char *actor,
                     const char *action, const char *object, const char *detail,
                     long long *seq_out, struct ob_diag *d)
{
	sqlite3_stmt *st = NULL;
	long long seq = 1;
	char prev[65] = OB_AUDIT_ZERO_HASH, hash[65], head[96];
	ob_err e = OB_OK;

	if (ob_store_prepare(s, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &st, d))
		return OB_ESTORE;
	switch (sqlite3_step(st)) {
	case SQLITE_ROW: {
		const char *h = (const char *)sqlite3_column_text(st, 1);
		seq = sqlite3_column_int64(st, 0) + 1;
		ob_strlcpy(prev, h ? h : "", sizeof(prev));
		break;
	}
	case SQLITE_DONE:
		break;
	default:
		e = store_error(s, d, "leer la última entrada");
		goto finalize;
	}
	sqlite3_finalize(st);
	st = NULL;
	ob_audit_hash(prev, seq, at, actor, action, object, detail, hash);
	if (ob_store_prepare(s, "INSERT INTO audit(seq, at, actor, action, object, detail,"
	                        " prev_hash, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &st, d))
		return OB_ESTORE;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, object, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		e = store_error(s, d, "añadir una entrada");
		goto finalize;
	}
	snprintf(head, sizeof(head), "%lld %s", seq, hash);
	if ((e = ob_store_meta_set(s, "audit_head", head, d)))
		goto finalize;
	if (seq_out)
		*seq_out = seq;
finalize:
	sqlite3_finalize(st);
	return e;
}

ob_err ob_audit_append(struct ob_store *s, const char *at, const char *actor,
                       const char *action, const char *object, const char *detail,
                       long long *seq, struct ob_diag *d)
{
	char now[32];
	bool own_tx;
	ob_err e;

	if (!detail)
		detail = "";
	if (!actor || !*actor || !action || !*action || !object || !*object)
		return ob_diag_set(d, OB_EINVAL, ob_store_dir(s), 0, 0, NULL, 0,
		                   "bitácora de auditoría: actor, acción y objeto son obligatorios "
		                   "(actor, action and object are required)");
	if (strlen(detail) > OB_MAX_AUDIT_DETAIL)
		return ob_diag_set(d, OB_ETOOBIG, ob_store_dir(s), 0, 0, NULL, 0,
		                   "bitácora de auditoría: el detalle pasa de %d bytes",
		                   OB_MAX_AUDIT_DETAIL);
	if (!at) {
		ob_audit_time((long long)time(NULL), now);
		at = now;
	}
	own_tx = sqlite3_get_autocommit(ob_store_db(s)) != 0;
	if (own_tx && (e = ob_store_begin(s, d)))
		return e;
	e = append(s, at, actor, action, object, detail, seq, d);
	if (own_tx) {
		if (e)
			ob_store_rollback(s);
		else
			e = ob_store_commit(s, d);
	}
	return e;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const char *p = (const char *)sqlite3_column_text(st, i);
	return p ? p : "";
}

ob_err ob_audit_list(struct ob_store *s, long long from, long long limit, const char *actor,
                     const char *action,
                     int (*fn)(void *ctx, const struct ob_audit_entry *e), void *ctx,
                     struct ob_diag *d)
{
	sqlite3_stmt *st;
	int rc;

	if (ob_store_prepare(s, "SELECT seq, at, actor, action, object, detail, prev_hash, hash"
	                        " FROM audit WHERE seq >= ?1 AND (?2 IS NULL OR actor = ?2)"
	                        " AND (?3 IS NULL OR action = ?3) ORDER BY seq LIMIT ?4",
	                     &st, d))
		return OB_ESTORE;
	sqlite3_bind_int64(st, 1, from);
	if (actor)
		sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	if (action)
		sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ob_audit_entry e = {
			sqlite3_column_int64(st, 0), col(st, 1), col(st, 2), col(st, 3),
			col(st, 4), col(st, 5), col(st, 6), col(st, 7),
		};
		if (fn(ctx, &e)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_error(s, d, "leer");
	return OB_OK;
}

static void problem(struct ob_audit_report *rep,
                    void (*fn)(void *ctx, long long seq, const char *message), void *ctx,
                    long long seq, const char *fmt, ...) OB_PRINTF(5, 6);

static void problem(struct ob_audit_report *rep,
                    void (*fn)(void *ctx, long long seq, const char *message), void *ctx,
                    long long seq, const char *fmt, ...)
{
	char msg[OB_MAX_MESSAGE];
	va_list ap;

	rep->problems++;
	if (!rep->first_bad)
		rep->first_bad = seq;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (fn)
		fn(ctx, seq, msg);
}

ob_err ob_audit_verify(struct ob_store *s, long long anchor_seq, const char *anchor_hash,
                       void (*fn)(void *ctx, long long seq, const char *message), void *ctx,
                       struct ob_audit_report *rep, struct ob_diag *d)
{
	sqlite3_stmt *st;
	char prev[65] = OB_AUDIT_ZERO_HASH, head[96];
	long long expect = 1;
	bool anchor_seen = false;
	int rc;

	memset(rep, 0, sizeof(*rep));
	if (ob_store_prepare(s, "SELECT seq, at, actor, action, object, detail, prev_hash, hash"
	                        " FROM audit ORDER BY seq", &st, d))
		return OB_ESTORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long seq = sqlite3_column_int64(st, 0);
		const char *stored = col(st, 7), *prev_hash = col(st, 6);
		char hash[65];

		rep->entries++;
		if (seq == expect + 1)
			problem(rep, fn, ctx, expect,
			        "falta la entrada %lld: fue borrada (entry removed)", expect);
		else if (seq > expect)
			problem(rep, fn, ctx, expect,
			        "faltan las entradas %lld a %lld: fueron borradas (entries removed)",
			        expect, seq - 1);
		else if (seq < expect)
			problem(rep, fn, ctx, seq, "la entrada %lld está fuera de orden "
			        "(entry out of order)", seq);
		if (strcmp(prev_hash, prev))
			problem(rep, fn, ctx, seq,
			        "la entrada %lld no enlaza con la anterior: se insertó o borró una "
			        "entrada antes de ella, o la anterior se alteró junto con su hash "
			        "(entry does not link to the previous one)", seq);
		ob_audit_hash(prev_hash, seq, col(st, 1), col(st, 2), col(st, 3), col(st, 4),
		              col(st, 5), hash);
		if (strcmp(hash, stored))
			problem(rep, fn, ctx, seq,
			        "la entrada %lld fue alterada: su contenido no corresponde a su hash "
			        "(entry edited)", seq);
		if (anchor_seq == seq) {
			anchor_seen = true;
			if (strcmp(stored, anchor_hash))
				problem(rep, fn, ctx, seq,
				        "la entrada %lld no tiene el hash del ancla %s: la cadena fue "
				        "reescrita (chain rewritten since the anchor)", seq, anchor_hash);
		}
		ob_strlcpy(prev, stored, sizeof(prev));
		rep->head_seq = seq;
		expect = seq + 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_error(s, d, "leer");
	ob_strlcpy(rep->head_hash, rep->head_seq ? prev : "", sizeof(rep->head_hash));
	if (anchor_seq > 0 && !anchor_seen)
		problem(rep, fn, ctx, anchor_seq,
		        "la entrada %lld del ancla no está en la bitácora (anchor entry missing)",
		        anchor_seq);
	if (ob_store_meta_get(s, "audit_head", head, sizeof(head)) == OB_OK) {
		long long hseq = 0;
		const char *sp = strchr(head, ' ');

		if (!sp || !ob_parse_int(head, (size_t)(sp - head), 1, INT64_MAX, &hseq))
			problem(rep, fn, ctx, rep->head_seq + 1,
			        "la cabeza registrada «%s» está mal formada (bad audit head)", head);
		else if (hseq > rep->head_seq)
			problem(rep, fn, ctx, rep->head_seq + 1,
			        "faltan las entradas %lld a %lld al final: fueron borradas "
			        "(entries removed at the end)", rep->head_seq + 1, hseq);
		else if (hseq < rep->head_seq)
			problem(rep, fn, ctx, hseq + 1,
			        "las entradas %lld a %lld se añadieron por fuera de observa "
			        "(entries added behind observa's back)", hseq + 1, rep->head_seq);
		else if (strcmp(sp + 1, rep->head_hash))
			problem(rep, fn, ctx, hseq,
			        "la entrada %lld no tiene el hash registrado como cabeza: la cadena "
			        "fue reescrita (chain rewritten)", hseq);
	} else if (rep->head_seq) {
		problem(rep, fn, ctx, rep->head_seq,
		        "no hay cabeza registrada para una bitácora con %lld entradas "
		        "(audit head missing)", rep->entries);
	}
	return OB_OK;
}
