/* audit.c - the append-only, hash-chained audit log (see audit.h), on
 * SQLite and PostgreSQL. */
#include "store/audit.h"
#include "store/store_int.h"

#include <time.h>

#include "base/buf.h"
#include "base/sha256.h"
#include "io/json.h"
#include "text/text.h"

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
	return OB_DIAG(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0,
	               "bitácora de auditoría: %s: %s", "audit log: %s: %s", what,
	               ob_store_last_message(s));
}

static ob_err append(struct ob_store *s, const char *at, const char *actor,
                     const char *action, const char *object, const char *detail,
                     long long *seq_out, struct ob_diag *d)
{
	struct ob_db_stmt *st = NULL;
	long long seq = 1;
	char prev[65] = OB_AUDIT_ZERO_HASH, hash[65], head[96];
	ob_err e = OB_OK;

	if (ob_store_sql(s, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &st, d))
		return OB_ESTORE;
	switch (ob_db_step(st)) {
	case OB_DB_ROW: {
		const char *h = ob_db_column_text(st, 1);
		long long last = ob_db_column_int64(st, 0);
		if (last == INT64_MAX) {
			e = OB_DIAG(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0,
			            "bitácora de auditoría: la última entrada tiene el "
			            "número %lld y no cabe otra; la bitácora fue alterada, "
			            "vea «observa audit verify»",
			            "audit log: the last entry has number %lld and there is "
			            "no room for another; the log was altered, see «observa "
			            "audit verify»", last);
			goto finalize;
		}
		seq = last + 1;
		ob_strlcpy(prev, h ? h : "", sizeof(prev));
		break;
	}
	case OB_DB_DONE:
		break;
	default:
		e = store_error(s, d, "leer la última entrada");
		goto finalize;
	}
	ob_db_finalize(st);
	st = NULL;
	ob_audit_hash(prev, seq, at, actor, action, object, detail, hash);
	if (ob_store_sql(s, "INSERT INTO audit(seq, at, actor, action, object, detail,"
	                        " prev_hash, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &st, d))
		return OB_ESTORE;
	ob_db_bind_int64(st, 1, seq);
	ob_db_bind_str(st, 2, at);
	ob_db_bind_str(st, 3, actor);
	ob_db_bind_str(st, 4, action);
	ob_db_bind_str(st, 5, object);
	ob_db_bind_str(st, 6, detail);
	ob_db_bind_str(st, 7, prev);
	ob_db_bind_str(st, 8, hash);
	if (ob_db_step(st) != OB_DB_DONE) {
		e = store_error(s, d, "añadir una entrada");
		goto finalize;
	}
	snprintf(head, sizeof(head), "%lld %s", seq, hash);
	if ((e = ob_store_meta_set(s, "audit_head", head, d)))
		goto finalize;
	if (seq_out)
		*seq_out = seq;
finalize:
	ob_db_finalize(st);
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
		return OB_DIAG(d, OB_EINVAL, ob_store_dir(s), 0, 0, NULL, 0,
		               "bitácora de auditoría: actor, acción y objeto son obligatorios",
		               "audit log: actor, action and object are required");
	if (strlen(detail) > OB_MAX_AUDIT_DETAIL)
		return OB_DIAG(d, OB_ETOOBIG, ob_store_dir(s), 0, 0, NULL, 0,
		               "bitácora de auditoría: el detalle pasa de %d bytes",
		               "audit log: the detail exceeds %d bytes", OB_MAX_AUDIT_DETAIL);
	if (!at) {
		ob_audit_time((long long)time(NULL), now);
		at = now;
	}
	own_tx = !ob_db_in_transaction(ob_store_conn(s));
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

static const char *col(struct ob_db_stmt *st, int i)
{
	const char *p = ob_db_column_text(st, i);
	return p ? p : "";
}

/* Call fn for each row of st (the columns of an entry, in order) until it
 * returns non-zero; st finalized. */
static ob_err each_entry(struct ob_store *s, struct ob_db_stmt *st,
                         int (*fn)(void *ctx, const struct ob_audit_entry *e), void *ctx,
                         struct ob_diag *d)
{
	int rc;

	while ((rc = ob_db_step(st)) == OB_DB_ROW) {
		struct ob_audit_entry e = {
			ob_db_column_int64(st, 0), col(st, 1), col(st, 2), col(st, 3),
			col(st, 4), col(st, 5), col(st, 6), col(st, 7),
		};
		if (fn(ctx, &e)) {
			rc = OB_DB_DONE;
			break;
		}
	}
	ob_db_finalize(st);
	if (rc != OB_DB_DONE)
		return store_error(s, d, "leer");
	return OB_OK;
}

ob_err ob_audit_list(struct ob_store *s, long long from, long long limit, const char *actor,
                     const char *action,
                     int (*fn)(void *ctx, const struct ob_audit_entry *e), void *ctx,
                     struct ob_diag *d)
{
	struct ob_db_stmt *st;

	if (ob_store_sql(s, "SELECT seq, at, actor, action, object, detail, prev_hash, hash"
	                        " FROM audit WHERE seq >= ?1 AND (actor = ?2 OR ?2 IS NULL)"
	                        " AND (action = ?3 OR ?3 IS NULL) ORDER BY seq LIMIT ?4",
	                     &st, d))
		return OB_ESTORE;
	ob_db_bind_int64(st, 1, from);
	if (actor)
		ob_db_bind_str(st, 2, actor);
	if (action)
		ob_db_bind_str(st, 3, action);
	/* no limit: -1 in SQLite, NULL in PostgreSQL */
	if (limit > 0)
		ob_db_bind_int64(st, 4, limit);
	else if (ob_db_dialect(ob_store_conn(s)) == OB_DB_SQLITE)
		ob_db_bind_int64(st, 4, -1);
	return each_entry(s, st, fn, ctx, d);
}

/* The comparison of times in SQL: byte by byte, as in SQLite, also on
 * PostgreSQL, whose text order is the database's locale's. */
static const char *at_cmp(struct ob_store *s)
{
	return ob_db_dialect(ob_store_conn(s)) == OB_DB_POSTGRES ? " COLLATE \"C\"" : "";
}

ob_err ob_audit_count_since(struct ob_store *s, const char *actor, const char *action,
                            const char *since, long long *n, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	char sql[160];
	int rc;

	*n = 0;
	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM audit WHERE action = ?1 AND actor = ?2 AND at%s >= ?3",
	         at_cmp(s));
	if (ob_store_sql(s, sql, &st, d))
		return OB_ESTORE;
	ob_db_bind_str(st, 1, action);
	ob_db_bind_str(st, 2, actor);
	ob_db_bind_str(st, 3, since);
	if ((rc = ob_db_step(st)) == OB_DB_ROW)
		*n = ob_db_column_int64(st, 0);
	ob_db_finalize(st);
	return rc == OB_DB_ROW ? OB_OK : store_error(s, d, "contar");
}

ob_err ob_audit_list_period(struct ob_store *s, const char *action, const char *from,
                            const char *to,
                            int (*fn)(void *ctx, const struct ob_audit_entry *e), void *ctx,
                            struct ob_diag *d)
{
	struct ob_db_stmt *st;
	const char *c = at_cmp(s);
	char sql[256];

	snprintf(sql, sizeof(sql),
	         "SELECT seq, at, actor, action, object, detail, prev_hash, hash FROM audit"
	         " WHERE action = ?1 AND at%s >= ?2 AND at%s < ?3 ORDER BY seq", c, c);
	if (ob_store_sql(s, sql, &st, d))
		return OB_ESTORE;
	ob_db_bind_str(st, 1, action);
	ob_db_bind_str(st, 2, from);
	ob_db_bind_str(st, 3, to);
	return each_entry(s, st, fn, ctx, d);
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

/* seq + 1, or seq when that would overflow (a forged entry numbered
 * INT64_MAX is reported, not followed) */
static long long after(long long seq)
{
	return seq < INT64_MAX ? seq + 1 : seq;
}

static int anchor_cmp(const void *a, const void *b)
{
	const struct ob_audit_anchor *x = *(const struct ob_audit_anchor *const *)a;
	const struct ob_audit_anchor *y = *(const struct ob_audit_anchor *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

ob_err ob_audit_verify_anchors(struct ob_store *s, const struct ob_audit_anchor *anchors,
                               size_t n, void (*fn)(void *ctx, long long seq, const char *message),
                               void *ctx, struct ob_audit_report *rep, struct ob_diag *d)
{
	const struct ob_audit_anchor **by_seq = NULL;
	struct ob_db_stmt *st;
	char prev[65] = OB_AUDIT_ZERO_HASH, head[96];
	long long expect = 1;
	size_t next = 0;
	int rc;

	memset(rep, 0, sizeof(*rep));
	if (ob_store_sql(s, "SELECT seq, at, actor, action, object, detail, prev_hash, hash"
	                        " FROM audit ORDER BY seq", &st, d))
		return OB_ESTORE;
	if (n) {
		by_seq = ob_malloc(n * sizeof(*by_seq));
		for (size_t i = 0; i < n; i++)
			by_seq[i] = &anchors[i];
		qsort(by_seq, n, sizeof(*by_seq), anchor_cmp);
	}
	while ((rc = ob_db_step(st)) == OB_DB_ROW) {
		long long seq = ob_db_column_int64(st, 0);
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
		if (seq == INT64_MAX)
			problem(rep, fn, ctx, seq, "la entrada %lld tiene el número más grande posible: "
			        "fue insertada por fuera de observa (forged entry number)", seq);
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
		/* anchors below this entry's number name entries that are gone */
		for (; next < n && by_seq[next]->seq < seq; next++)
			problem(rep, fn, ctx, by_seq[next]->seq,
			        "la entrada %lld del ancla de %s no está en la bitácora (anchor entry "
			        "missing)", by_seq[next]->seq, by_seq[next]->from);
		for (; next < n && by_seq[next]->seq == seq; next++)
			if (strcmp(stored, by_seq[next]->hash))
				problem(rep, fn, ctx, seq,
				        "la entrada %lld no tiene el hash del ancla de %s (%.12s...): la "
				        "cadena fue reescrita (chain rewritten since the anchor)", seq,
				        by_seq[next]->from, by_seq[next]->hash);
		ob_strlcpy(prev, stored, sizeof(prev));
		rep->head_seq = seq;
		expect = after(seq);
	}
	ob_db_finalize(st);
	if (rc != OB_DB_DONE) {
		free(by_seq);
		return store_error(s, d, "leer");
	}
	ob_strlcpy(rep->head_hash, rep->head_seq ? prev : "", sizeof(rep->head_hash));
	/* anchors past the last entry: the end of the log was cut */
	for (; next < n; next++)
		problem(rep, fn, ctx, by_seq[next]->seq,
		        "la entrada %lld del ancla de %s no está en la bitácora, que termina en la "
		        "%lld: se borraron entradas del final (entries removed at the end, "
		        "after the anchor)", by_seq[next]->seq, by_seq[next]->from, rep->head_seq);
	free(by_seq);
	if (ob_store_meta_get(s, "audit_head", head, sizeof(head)) == OB_OK) {
		long long hseq = 0;
		const char *sp = strchr(head, ' ');

		if (!sp || !ob_parse_int(head, (size_t)(sp - head), 1, INT64_MAX, &hseq))
			problem(rep, fn, ctx, after(rep->head_seq),
			        "la cabeza registrada «%s» está mal formada (bad audit head)", head);
		else if (hseq > rep->head_seq)
			problem(rep, fn, ctx, after(rep->head_seq),
			        "faltan las entradas %lld a %lld al final: fueron borradas "
			        "(entries removed at the end)", after(rep->head_seq), hseq);
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

ob_err ob_audit_verify(struct ob_store *s, long long anchor_seq, const char *anchor_hash,
                       void (*fn)(void *ctx, long long seq, const char *message), void *ctx,
                       struct ob_audit_report *rep, struct ob_diag *d)
{
	struct ob_audit_anchor a = { anchor_seq, "", "--anchor" };

	if (anchor_seq <= 0)
		return ob_audit_verify_anchors(s, NULL, 0, fn, ctx, rep, d);
	ob_strlcpy(a.hash, anchor_hash ? anchor_hash : "", sizeof(a.hash));
	return ob_audit_verify_anchors(s, &a, 1, fn, ctx, rep, d);
}

ob_err ob_audit_head(struct ob_store *s, long long *seq, char hash[65], struct ob_diag *d)
{
	struct ob_db_stmt *st;
	int rc;

	*seq = 0;
	hash[0] = '\0';
	if (ob_store_sql(s, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &st, d))
		return OB_ESTORE;
	rc = ob_db_step(st);
	if (rc == OB_DB_ROW) {
		*seq = ob_db_column_int64(st, 0);
		ob_strlcpy(hash, col(st, 1), 65);
	}
	ob_db_finalize(st);
	if (rc != OB_DB_ROW && rc != OB_DB_DONE)
		return store_error(s, d, "leer la cabeza");
	return OB_OK;
}

/* ---- purpose policy ---- */

#define PURPOSE_KEY "audit_purpose"

ob_err ob_audit_purpose_roles(struct ob_store *s, char *out, size_t size, struct ob_diag *d)
{
	ob_err e = ob_store_meta_get(s, PURPOSE_KEY, out, size);

	if (e == OB_ENOENT) {
		out[0] = '\0';
		return OB_OK;
	}
	if (e)
		return store_error(s, d, "leer la política de propósito");
	return OB_OK;
}

/* Is word (len n) in the comma-separated list? */
static bool in_list(const char *list, const char *word, size_t n)
{
	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && !memcmp(p, word, n))
			return true;
		p += len + (c != NULL);
	}
	return false;
}

bool ob_audit_purpose_required(struct ob_store *s, const char *role)
{
	char roles[256];
	struct ob_diag d;

	if (!role || ob_audit_purpose_roles(s, roles, sizeof(roles), &d))
		return false;
	return in_list(roles, role, strlen(role));
}

ob_err ob_audit_purpose_set(struct ob_store *s, const char *roles, const char *actor,
                            struct ob_diag *d)
{
	static const char *const all = OB_AUDIT_PURPOSE_ROLES;
	char list[sizeof(OB_AUDIT_PURPOSE_ROLES) + 1] = "";
	size_t len = 0;
	ob_err e;

	if (!strcmp(roles, "all")) {
		ob_strlcpy(list, all, sizeof(list));
	} else if (strcmp(roles, "none")) {
		/* keep the canonical order and drop repeats */
		for (const char *p = roles;;) {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			if (!n || !in_list(all, p, n))
				return OB_DIAG(d, OB_EUSAGE, "--purpose-roles", 0, 0, p, n,
				               "rol desconocido; se esperaba none, all o una "
				               "lista separada por comas de %s",
				               "unknown role; expected none, all or a "
				               "comma-separated list of %s", all);
			if (!c)
				break;
			p = c + 1;
		}
		for (const char *p = all; *p;) {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			if (in_list(roles, p, n)) {
				if (len)
					list[len++] = ',';
				memcpy(list + len, p, n);
				len += n;
				list[len] = '\0';
			}
			p += n + (c != NULL);
		}
	}
	if ((e = ob_store_begin(s, d)))
		return e;
	if ((e = ob_store_meta_set(s, PURPOSE_KEY, list, d)) ||
	    (e = ob_audit_append(s, NULL, actor, "audit.policy", "purpose",
	                         list[0] ? list : "none", NULL, d))) {
		ob_store_rollback(s);
		return e;
	}
	return ob_store_commit(s, d);
}

ob_err ob_audit_purpose_check(const char *purpose, struct ob_diag *d)
{
	size_t n = purpose ? strlen(purpose) : 0;
	bool blank = true;

	if (n < 3 || n > OB_MAX_PURPOSE)
		return OB_DIAG(d, OB_EUSAGE, "propósito", 0, 0, purpose, n,
		               "el propósito debe tener de 3 a %d bytes",
		               "the purpose must have 3 to %d bytes", OB_MAX_PURPOSE);
	if (ob_utf8_valid_len(purpose, n) != n)
		return OB_DIAG(d, OB_EUSAGE, "propósito", 0, 0, NULL, 0,
		               "el propósito no es UTF-8 válido",
		               "the purpose is not valid UTF-8");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)purpose[i];
		if (c < 0x20 || c == 0x7f)
			return OB_DIAG(d, OB_EUSAGE, "propósito", 0, 0, NULL, 0,
			               "el propósito no puede tener caracteres de control ni "
			               "saltos de línea",
			               "the purpose cannot have control characters or line "
			               "breaks");
		if (c != ' ')
			blank = false;
	}
	if (blank)
		return OB_DIAG(d, OB_EUSAGE, "propósito", 0, 0, NULL, 0,
		               "el propósito está en blanco", "the purpose is blank");
	return OB_OK;
}

/* ---- disclosure ---- */

static ob_err json_member(struct ob_buf *b, const char *key, const char *value)
{
	ob_err e = ob_buf_addf(b, ",\"%s\":", key);
	return e ? e : ob_json_str(b, value, strlen(value));
}

/* PRAGMA synchronous as a number (NORMAL when it cannot be read). */
static int sync_level(struct ob_store *s)
{
	struct ob_db_stmt *st;
	int v = 1;

	if (ob_db_prepare(ob_store_conn(s), "PRAGMA synchronous", &st))
		return v;
	if (ob_db_step(st) == OB_DB_ROW)
		v = ob_db_column_int(st, 0);
	ob_db_finalize(st);
	return v;
}

ob_err ob_audit_disclose(struct ob_store *s, const struct ob_disclosure *x, long long *seq,
                         struct ob_diag *d)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL);
	char pragma[40];
	int level;
	ob_err e;

	if (ob_db_in_transaction(ob_store_conn(s)))
		return OB_DIAG(d, OB_EINVAL, ob_store_dir(s), 0, 0, NULL, 0,
		               "bitácora de auditoría: una lectura se registra en una "
		               "transacción propia, no dentro de otra",
		               "audit log: a read is recorded in its own transaction, not "
		               "inside another");
	if (x->records < 0 || !x->role || !*x->role)
		return OB_DIAG(d, OB_EINVAL, ob_store_dir(s), 0, 0, NULL, 0,
		               "bitácora de auditoría: faltan el rol o la cantidad de "
		               "registros",
		               "audit log: the role or the number of records is missing");
	if (x->purpose && (e = ob_audit_purpose_check(x->purpose, d)))
		return e;
	if (!x->purpose && ob_audit_purpose_required(s, x->role))
		return OB_DIAG(d, OB_EUSAGE, ob_store_dir(s), 0, 0, NULL, 0,
		               "la configuración del observatorio exige declarar el "
		               "propósito de cada lectura de datos personales del rol «%s»",
		               "the observatory's settings require a stated purpose for each "
		               "read of personal data by role «%s»", x->role);
	e = ob_buf_addf(&b, "{\"records\":%lld", x->records);
	if (!e && x->query)
		e = json_member(&b, "query", x->query);
	if (!e && x->purpose)
		e = json_member(&b, "purpose", x->purpose);
	if (!e)
		e = json_member(&b, "role", x->role);
	if (!e && x->to)
		e = json_member(&b, "to", x->to);
	if (!e && x->os_user)
		e = json_member(&b, "os_user", x->os_user);
	if (!e)
		e = ob_buf_addc(&b, '}');
	if (e || !b.ptr) {
		ob_buf_release(&b);
		return OB_DIAG(d, OB_ETOOBIG, ob_store_dir(s), 0, 0, NULL, 0,
		               "bitácora de auditoría: la consulta o el propósito pasan de "
		               "%d bytes",
		               "audit log: the query or the purpose exceeds %d bytes",
		               OB_MAX_AUDIT_DETAIL);
	}
	/* synced to disk before anything is shown: FULL makes the commit wait
	 * for the log's fsync, NORMAL (the store's default in WAL mode) not;
	 * PostgreSQL's commit waits for its log's flush with synchronous_commit
	 * on, whatever the server's default */
	if (ob_db_dialect(ob_store_conn(s)) == OB_DB_POSTGRES) {
		if ((e = ob_store_exec(s, "SET synchronous_commit = on", d)))
			goto release;
		e = ob_audit_append(s, NULL, x->actor, x->action, x->object, b.ptr, seq, d);
		ob_db_exec(ob_store_conn(s), "RESET synchronous_commit");
		goto release;
	}
	level = sync_level(s);
	if ((e = ob_store_exec(s, "PRAGMA synchronous=FULL", d)))
		goto release;
	e = ob_audit_append(s, NULL, x->actor, x->action, x->object, b.ptr, seq, d);
	snprintf(pragma, sizeof(pragma), "PRAGMA synchronous=%d", level);
	ob_db_exec(ob_store_conn(s), pragma);
release:
	ob_buf_release(&b);
	return e;
}
