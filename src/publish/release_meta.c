/* release_meta.c - what a release says about itself: its diff against the
 * previous release and its manifest (the maps are release_maps.c, the DCAT
 * catalogue dcat.c, metadata.json release_metadata.c). */
#include "publish/release_impl.h"

/* ---- diff against the previous release ---- */

/* key -> value of every cell of a release's tables, from its JSON files. */
static ob_err load_cells(const char *reldir, struct ob_strmap *m, struct ob_diag *d)
{
	static const char *const tables[] = { "indicators", "counts_iccs", "violent_deaths",
		                              "completeness" };

	for (size_t ti = 0; ti < OB_ARRAY_SIZE(tables); ti++) {
		char path[OB_MAX_PATH];
		json_error_t jerr;
		json_t *root, *dims, *data, *row;
		size_t i;

		snprintf(path, sizeof(path), "%s/%s.json", reldir, tables[ti]);
		if (access(path, F_OK) != 0)
			continue;
		if (!(root = json_load_file(path, 0, &jerr)))
			return OB_DIAG(d, OB_EPARSE, path, jerr.line, jerr.column, NULL, 0,
			               "publicación anterior ilegible: %s",
			               "unreadable previous release: %s", jerr.text);
		dims = json_object_get(root, "dimensions");
		data = json_object_get(root, "data");
		json_array_foreach(data, i, row) {
			struct ob_buf k = OB_BUF_INIT(1 << 16), v = OB_BUF_INIT(1 << 16);
			const char *key;
			json_t *val;
			size_t j;
			json_t *dn;

			ob_buf_puts(&k, tables[ti]);
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
				/* labels (names, units, parents) are not the cell's */
				if ((is_dim && strcmp(key, "counting_rule")) || rel_is_label(key))
					continue;
				char *s = json_dumps(val, JSON_ENCODE_ANY);
				ob_buf_putf(&v, "%s%s=%s", v.len ? " " : "", key, s ? s : "");
				free(s);
			}
			if (ob_buf_failed(&k) || ob_buf_failed(&v)) {
				ob_buf_release(&k);
				ob_buf_release(&v);
				json_decref(root);
				return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0,
				               "una celda de la publicación anterior excede "
				               "%d bytes",
				               "a cell of the previous release exceeds %d "
				               "bytes", 1 << 16);
			}
			if (k.ptr)
				ob_strmap_put(m, k.ptr, k.len, ob_buf_detach(&v, NULL), NULL);
			ob_buf_release(&k);
			ob_buf_release(&v);
		}
		json_decref(root);
	}
	return OB_OK;
}

static void free_cells(struct ob_strmap *m)
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
	if ((e = load_cells(r->tmp, &cur, r->d)) || (prev_dir && (e = load_cells(prev_dir, &old, r->d))))
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
	free_cells(&cur);
	free_cells(&old);
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

