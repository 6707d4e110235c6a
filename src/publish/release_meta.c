/* release_meta.c - what a release says about itself: its diff against the
 * previous release and its manifest (the maps are release_maps.c, the DCAT
 * catalogue dcat.c, metadata.json release_metadata.c). */
#include "publish/release_impl.h"

#include "base/file.h"
#include "io/json.h"

#include "text/text.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- diff against the previous release ---- */

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/*
 * The rows a release's writer writes are flat objects of strings without
 * escapes, numbers and literals. Such a row is read here without a tree: a
 * field is its name and the text of its value, and a value is written into
 * a key or a value as jansson writes the one it would have parsed (numbers
 * normalised: "0.500000" is 0.5, as a release of any version writes it), so
 * the cells are the same whichever reader read them. Anything else (an
 * escape, a nested value, a repeated name, bytes that are not UTF-8, a
 * number too large) is left to jansson, which says what is wrong.
 */
struct rfield {
	const char *name, *val;
	size_t nlen, vlen;
	char kind; /* 's' string (its bytes, no quotes), 'n' number, 'l' null/true/false */
};

/* The value of the field at p into f; the end of the value, or NULL. */
static const char *scan_value(const char *p, const char *end, struct rfield *f)
{
	const char *q;

	if (*p == '"') {
		for (q = ++p; q < end && *q != '"'; q++)
			if (*q == '\\' || (unsigned char)*q < 0x20)
				return NULL;
		if (q >= end || ob_utf8_valid_len(p, (size_t)(q - p)) != (size_t)(q - p))
			return NULL;
		f->kind = 's';
		f->val = p;
		f->vlen = (size_t)(q - p);
		return q + 1;
	}
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		/* RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][-+]?[0-9]+)? */
		q = p + (*p == '-');
		if (q < end && *q == '0')
			q++;
		else if (q < end && *q >= '1' && *q <= '9')
			while (q < end && *q >= '0' && *q <= '9')
				q++;
		else
			return NULL;
		if (q < end && *q == '.') {
			if (++q >= end || *q < '0' || *q > '9')
				return NULL;
			while (q < end && *q >= '0' && *q <= '9')
				q++;
		}
		if (q < end && (*q == 'e' || *q == 'E')) {
			if (++q < end && (*q == '+' || *q == '-'))
				q++;
			if (q >= end || *q < '0' || *q > '9')
				return NULL;
			while (q < end && *q >= '0' && *q <= '9')
				q++;
		}
		f->kind = 'n';
	} else {
		for (q = p; q < end && *q >= 'a' && *q <= 'z'; q++)
			;
		if (!((q - p == 4 && (!memcmp(p, "null", 4) || !memcmp(p, "true", 4))) ||
		      (q - p == 5 && !memcmp(p, "false", 5))))
			return NULL;
		f->kind = 'l';
	}
	f->val = p;
	f->vlen = (size_t)(q - p);
	return q;
}

/* The fields of the row object at p into f (at most max); the end of the
 * row, or NULL when jansson should read it. */
static const char *scan_row(const char *p, const char *end, struct rfield *f, size_t max,
                            size_t *n)
{
	*n = 0;
	if (p >= end || *p != '{')
		return NULL;
	p = skip_space(p + 1, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		struct rfield *x = &f[*n];
		const char *q;

		if (*n == max || p >= end || *p != '"')
			return NULL;
		for (q = ++p; q < end && *q != '"'; q++)
			if (*q == '\\' || (unsigned char)*q < 0x20)
				return NULL;
		if (q >= end || ob_utf8_valid_len(p, (size_t)(q - p)) != (size_t)(q - p))
			return NULL;
		x->name = p;
		x->nlen = (size_t)(q - p);
		for (size_t i = 0; i < *n; i++)
			if (f[i].nlen == x->nlen && !memcmp(f[i].name, x->name, x->nlen))
				return NULL;
		p = skip_space(q + 1, end);
		if (p >= end || *p != ':')
			return NULL;
		p = skip_space(p + 1, end);
		if (p >= end || !(p = scan_value(p, end, x)))
			return NULL;
		(*n)++;
		p = skip_space(p, end);
		if (p < end && *p == '}')
			return p + 1;
		if (p >= end || *p != ',')
			return NULL;
		p = skip_space(p + 1, end);
	}
}

/* Append a field's value as jansson writes it: a string quoted, an
 * integer in decimal, a real with 17 digits and a point or an exponent
 * (without "+" or leading zeros), a literal as it is. false when the
 * number is not one jansson reads. */
static bool put_value(struct ob_buf *b, const struct rfield *f, bool quote)
{
	char num[64], out[64];
	char *stop;

	if (f->kind == 'l' || (f->kind == 's' && !quote)) {
		ob_buf_put(b, f->val, f->vlen);
		return true;
	}
	if (f->kind == 's') {
		ob_buf_putc(b, '"');
		ob_buf_put(b, f->val, f->vlen);
		ob_buf_putc(b, '"');
		return true;
	}
	if (f->vlen >= sizeof(num))
		return false;
	memcpy(num, f->val, f->vlen);
	num[f->vlen] = '\0';
	errno = 0;
	if (!memchr(num, '.', f->vlen) && !memchr(num, 'e', f->vlen) &&
	    !memchr(num, 'E', f->vlen)) {
		long long v = strtoll(num, &stop, 10);
		if (errno || *stop || stop == num)
			return false;
		snprintf(out, sizeof(out), "%lld", v);
	} else {
		double v = strtod(num, &stop);
		char *e;
		size_t len;

		if (errno || *stop || stop == num || !isfinite(v))
			return false;
		len = (size_t)snprintf(out, sizeof(out), "%.17g", v);
		if (!strchr(out, '.') && !strchr(out, 'e') && len + 2 < sizeof(out))
			memcpy(out + len, ".0", 3);
		if ((e = strchr(out, 'e'))) {
			char *digits = e + 1, *from;
			if (*digits == '-')
				digits++;
			for (from = digits; *from == '+' || *from == '0'; from++)
				;
			/* (an exponent of 0 keeps one digit) */
			if (!*from && from > digits)
				from--;
			memmove(digits, from, strlen(from) + 1);
		}
	}
	ob_buf_puts(b, out);
	return true;
}

/* One row read by scan_row into m, as put_cell below would put it; false
 * when put_cell should (a number jansson reads otherwise). */
static bool put_fields(const char *table, json_t *dims, const struct rfield *f, size_t n,
                       struct ob_strmap *m, struct ob_buf *k, struct ob_buf *v)
{
	json_t *dn;
	size_t j;

	k->len = 0;
	v->len = 0;
	ob_buf_puts(k, table);
	json_array_foreach(dims, j, dn) {
		const char *name = json_string_value(dn);
		size_t len = strlen(name);
		if (!strcmp(name, "counting_rule"))
			continue;
		ob_buf_putc(k, '|');
		for (size_t i = 0; i < n; i++)
			if (f[i].nlen == len && !memcmp(f[i].name, name, len)) {
				if (!put_value(k, &f[i], false))
					return false;
				break;
			}
	}
	for (size_t i = 0; i < n; i++) {
		char name[OB_MAX_NAME];
		bool is_dim = false;

		if (f[i].nlen >= sizeof(name))
			return false;
		memcpy(name, f[i].name, f[i].nlen);
		name[f[i].nlen] = '\0';
		json_array_foreach(dims, j, dn) is_dim |= !strcmp(name, json_string_value(dn));
		if ((is_dim && strcmp(name, "counting_rule")) || rel_is_label(name))
			continue;
		if (v->len)
			ob_buf_putc(v, ' ');
		ob_buf_put(v, name, f[i].nlen);
		ob_buf_putc(v, '=');
		if (!put_value(v, &f[i], true))
			return false;
	}
	if (ob_buf_failed(k) || ob_buf_failed(v))
		return false;
	if (k->ptr) {
		char *val = ob_malloc(v->len + 1);
		void *was = NULL;
		memcpy(val, v->ptr ? v->ptr : "", v->len);
		val[v->len] = '\0';
		ob_strmap_put(m, k->ptr, k->len, val, &was);
		free(was);
	}
	return true;
}

/* One row of a table's JSON into m: the key is the table and the row's
 * dimensions but the counting rule; the value "name=value ..." of every
 * other column but the labels (names, units, parents). */
static ob_err put_cell(const char *table, json_t *dims, json_t *row, const char *path,
                       struct ob_strmap *m, struct ob_diag *d)
{
	struct ob_buf k = OB_BUF_INIT(1 << 16), v = OB_BUF_INIT(1 << 16);
	const char *key;
	json_t *val, *dn;
	size_t j;
	ob_err e = OB_OK;

	ob_buf_puts(&k, table);
	json_array_foreach(dims, j, dn) {
		json_t *x = json_object_get(row, json_string_value(dn));
		/* a new rule for the same cell is a change of the cell */
		if (!strcmp(json_string_value(dn), "counting_rule"))
			continue;
		ob_buf_putc(&k, '|');
		if (json_is_string(x)) {
			ob_buf_puts(&k, json_string_value(x));
		} else {
			char *s = json_dumps(x, JSON_ENCODE_ANY);
			if (s)
				ob_buf_puts(&k, s);
			free(s);
		}
	}
	json_object_foreach(row, key, val) {
		bool is_dim = false;
		json_array_foreach(dims, j, dn) is_dim |= !strcmp(key, json_string_value(dn));
		if ((is_dim && strcmp(key, "counting_rule")) || rel_is_label(key))
			continue;
		char *s = json_dumps(val, JSON_ENCODE_ANY);
		ob_buf_putf(&v, "%s%s=%s", v.len ? " " : "", key, s ? s : "");
		free(s);
	}
	if (ob_buf_failed(&k) || ob_buf_failed(&v))
		e = OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0,
		            "una celda de la publicación anterior excede %d bytes",
		            "a cell of the previous release exceeds %d bytes", 1 << 16);
	else if (k.ptr) {
		void *was = NULL;
		ob_strmap_put(m, k.ptr, k.len, ob_buf_detach(&v, NULL), &was);
		free(was);
	}
	ob_buf_release(&k);
	ob_buf_release(&v);
	return e;
}


/*
 * The cells of one table's JSON file, row by row: the file's head (up to
 * its "data" array, where the writer puts the dimensions) is parsed alone,
 * then one row at a time, so memory holds the text and one row's tree, not
 * the whole table's tree (ten times the text: gigabytes for a ten-year
 * release).
 */
static ob_err load_table(const char *path, const char *table, struct ob_strmap *m,
                         struct ob_diag *d)
{
	static const char mark[] = "\"data\":[";
	struct ob_buf h = OB_BUF_INIT(OB_MAX_TEXT_FILE), k = OB_BUF_INIT(1 << 16),
	              v = OB_BUF_INIT(1 << 16);
	json_error_t jerr;
	json_t *head = NULL, *dims;
	const char *at, *p, *end;
	char *text;
	size_t len;
	ob_err e;

	if ((e = ob_read_file(path, OB_MAX_RELEASE_MEM_FILE, &text, &len, d)))
		return e;
	end = text + len;
	/* a string cannot hold the mark: its quotes would be escaped */
	if (!(at = memmem(text, len, mark, sizeof(mark) - 1))) {
		e = OB_DIAG(d, OB_EPARSE, path, 0, 0, NULL, 0,
		            "publicación anterior ilegible: no tiene «data»",
		            "unreadable previous release: no «data»");
		goto free_text;
	}
	if (ob_buf_add(&h, text, (size_t)(at - text)) == OB_OK)
		ob_buf_puts(&h, "\"data\":[]}");
	if (ob_buf_failed(&h) || !(head = json_loadb(h.ptr, h.len, 0, &jerr)) ||
	    !json_is_array(dims = json_object_get(head, "dimensions"))) {
		e = OB_DIAG(d, OB_EPARSE, path, 0, 0, NULL, 0,
		            "publicación anterior ilegible: su cabecera no da «dimensions»",
		            "unreadable previous release: its head gives no «dimensions»");
		goto free_head;
	}
	p = skip_space(at + sizeof(mark) - 1, end);
	while (p < end && *p != ']') {
		struct rfield f[OB_RELEASE_ROW_FIELDS];
		const char *q;
		json_t *row;
		size_t n;

		if ((q = scan_row(p, end, f, OB_ARRAY_SIZE(f), &n)) &&
		    put_fields(table, dims, f, n, m, &k, &v)) {
			p = skip_space(q, end);
			goto next;
		}
		row = json_loadb(p, (size_t)(end - p), JSON_DISABLE_EOF_CHECK, &jerr);
		if (!row || !json_is_object(row)) {
			json_decref(row);
			e = OB_DIAG(d, OB_EPARSE, path, 0, 0, NULL, 0,
			            "publicación anterior ilegible en el byte %zu: %s",
			            "unreadable previous release at byte %zu: %s",
			            (size_t)(p - text), row ? "no es un objeto" : jerr.text);
			goto free_head;
		}
		e = put_cell(table, dims, row, path, m, d);
		json_decref(row);
		if (e)
			goto free_head;
		p = skip_space(p + jerr.position, end);
next:
		if (p < end && *p == ',')
			p = skip_space(p + 1, end);
		else if (p >= end || *p != ']') {
			e = OB_DIAG(d, OB_EPARSE, path, 0, 0, NULL, 0,
			            "publicación anterior ilegible en el byte %zu: se esperaba «,» o «]»",
			            "unreadable previous release at byte %zu: expected «,» or «]»",
			            (size_t)(p - text));
			goto free_head;
		}
	}
	if (p >= end)
		e = OB_DIAG(d, OB_EPARSE, path, 0, 0, NULL, 0,
		            "publicación anterior cortada: falta «]»",
		            "previous release cut short: «]» missing");
free_head:
	json_decref(head);
	ob_buf_release(&k);
	ob_buf_release(&v);
	ob_buf_release(&h);
free_text:
	free(text);
	return e;
}

ob_err rel_load_cells(const char *reldir, struct ob_strmap *m, struct ob_diag *d)
{
	static const char *const tables[] = { "indicators", "counts_iccs", "violent_deaths",
		                              "completeness" };

	for (size_t ti = 0; ti < OB_ARRAY_SIZE(tables); ti++) {
		char path[OB_MAX_PATH];
		ob_err e;

		snprintf(path, sizeof(path), "%s/%s.json", reldir, tables[ti]);
		if (access(path, F_OK) != 0)
			continue;
		if ((e = load_table(path, tables[ti], m, d)))
			return e;
	}
	return OB_OK;
}

void rel_free_cells(struct ob_strmap *m)
{
	ob_strmap_for_each(m, e) free(e->value);
	ob_strmap_release(m);
}

ob_err rel_write_diff(struct rel *r, const char *prev_dir)
{
	struct ob_strmap cur, old;
	struct ob_buf sum = OB_BUF_INIT(1 << 16);
	FILE *f;
	ob_err e;

	ob_strmap_init(&cur);
	ob_strmap_init(&old);
	REL_PROGRESS(r, "diferencias con la publicación anterior (%s)",
	             "differences from the previous release (%s)",
	             r->res->previous[0] ? r->res->previous : OB_TR("ninguna", "none"));
	if ((e = rel_load_cells(r->tmp, &cur, r->d)) ||
	    (prev_dir && (e = rel_load_cells(prev_dir, &old, r->d))))
		goto release;
	if (!(f = rel_open_out(r, "diff.csv"))) {
		e = r->d->code;
		goto release;
	}
	fputs("key,change,before,after\n", f);
	ob_strmap_for_each(&cur, c) {
		const char *o = ob_strmap_get(&old, c->key, c->len);
		if (!o) {
			r->res->added++;
			if (prev_dir) {
				rel_csv_put(f, c->key);
				fputs(",added,,", f);
				rel_csv_num(f, c->value);
				fputc('\n', f);
			}
		} else if (strcmp(o, c->value)) {
			r->res->changed++;
			rel_csv_put(f, c->key);
			fputs(",changed,", f);
			rel_csv_num(f, o);
			fputc(',', f);
			rel_csv_num(f, c->value);
			fputc('\n', f);
		}
	}
	ob_strmap_for_each(&old, c) {
		if (ob_strmap_get(&cur, c->key, c->len))
			continue;
		r->res->removed++;
		rel_csv_put(f, c->key);
		fputs(",removed,", f);
		rel_csv_num(f, c->value);
		fputs(",\n", f);
	}
	if ((e = rel_close_out(r, f, "diff.csv")))
		goto release;
	ob_buf_puts(&sum, "{\"release\":");
	ob_json_str(&sum, r->res->version, strlen(r->res->version));
	ob_buf_puts(&sum, ",\"previous\":");
	if (r->res->previous[0])
		ob_json_str(&sum, r->res->previous, strlen(r->res->previous));
	else
		ob_buf_puts(&sum, "null");
	ob_buf_putf(&sum, ",\"cells\":%zu,\"added\":%lld,\"removed\":%lld,\"changed\":%lld,"
	                  "\"details\":\"diff.csv\"}\n",
	            cur.count, r->res->added, r->res->removed, r->res->changed);
	e = rel_write_buf(r, "diff.json", &sum);
release:
	rel_free_cells(&cur);
	rel_free_cells(&old);
	ob_buf_release(&sum);
	return e;
}

/* ---- manifest ---- */

ob_err rel_hash_file(const char *path, char hex[65], long long *size)
{
	unsigned char buf[1 << 16], dg[OB_SHA256_LEN];
	struct ob_sha256 c;
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return OB_EIO;
	ob_sha256_init(&c);
	*size = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		ob_sha256_update(&c, buf, n);
		*size += (long long)n;
	}
	n = (size_t)ferror(f);
	fclose(f);
	ob_sha256_final(&c, dg);
	ob_sha256_hex(dg, hex);
	return n ? OB_EIO : OB_OK;
}

void rel_jkv(struct ob_buf *b, const char *k, const char *v)
{
	ob_json_str(b, k, strlen(k));
	ob_buf_putc(b, ':');
	ob_json_str(b, v, strlen(v));
}

ob_err rel_write_manifest(struct rel *r)
{
	struct ob_buf b = OB_BUF_INIT(64 * 1024 * 1024);
	char when[32], path[OB_MAX_PATH], hex[65], head_hash[65];
	long long head_seq;
	size_t n = r->nfiles;
	ob_err e;

	ob_audit_time(r->o->now, when);
	/* the audit log's head, kept outside the store: "observa audit verify"
	 * checks the chain against it (store/audit.h) */
	if ((e = ob_audit_head(r->st, &head_seq, head_hash, r->d)))
		return e;
	ob_buf_puts(&b, "{");
	rel_jkv(&b, "release", r->res->version);
	ob_buf_puts(&b, ",");
	rel_jkv(&b, "created", when);
	ob_buf_puts(&b, ",");
	rel_jkv(&b, "observa_version", OB_VERSION);
	ob_buf_puts(&b, ",\"previous\":");
	if (r->res->previous[0])
		ob_json_str(&b, r->res->previous, strlen(r->res->previous));
	else
		ob_buf_puts(&b, "null");
	ob_buf_puts(&b, ",\"note\":");
	if (r->o->note)
		ob_json_str(&b, r->o->note, strlen(r->o->note));
	else
		ob_buf_puts(&b, "null");
	ob_buf_putf(&b, ",\"years\":[");
	for (size_t p = 0; p < r->n_periods; p++)
		ob_buf_putf(&b, "%s%s", p ? "," : "", r->yearstr[p]);
	ob_buf_puts(&b, "],\"audit_head\":");
	if (head_seq)
		ob_buf_putf(&b, "{\"seq\":%lld,\"hash\":\"%s\"}", head_seq, head_hash);
	else
		ob_buf_puts(&b, "null");
	ob_buf_putf(&b, ",\"rows\":%lld,\"cells_suppressed\":%lld,\"files\":[", r->res->rows,
	            r->res->cells_suppressed);
	for (size_t i = 0; i < n; i++) {
		long long size;
		if (snprintf(path, sizeof(path), "%s/%s", r->tmp, r->files[i]) >= (int)sizeof(path) ||
		    rel_hash_file(path, hex, &size)) {
			ob_buf_release(&b);
			return OB_DIAG(r->d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo leer",
			               "cannot read");
		}
		ob_buf_puts(&b, i ? ",\n{" : "\n{");
		rel_jkv(&b, "path", r->files[i]);
		ob_buf_putf(&b, ",\"bytes\":%lld,\"sha256\":\"%s\"}", size, hex);
	}
	ob_buf_puts(&b, "]}\n");
	e = rel_write_buf(r, "manifest.json", &b);
	ob_buf_release(&b);
	return e;
}

