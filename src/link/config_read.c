/* config_read.c - reading the CSV files of a linkage by its settings (see config.h). */
#include "link/config.h"

#include "base/log.h"
#include "text/text.h"

/* Apply fn to the first two columns of every row after the header of a CSV. */
static ob_err read_pairs_file(const char *path, struct ob_link_records *r, size_t field,
                              bool neighbours, struct ob_diag *d)
{
	struct ob_csv_reader *rd;
	const struct ob_csv_record *rec;
	bool header = true;
	ob_err e;

	if ((e = ob_csv_open(path, NULL, NULL, &rd, d)))
		return e;
	while ((e = ob_csv_next(rd, &rec, d)) == OB_OK) {
		if (rec->blank)
			continue;
		if (header) {
			header = false;
			continue;
		}
		if (rec->nfields < 2) {
			e = OB_DIAG(d, OB_EPARSE, path, rec->line, 2, NULL, 0,
			            "se esperaban dos columnas: unidad y %s",
			            "expected two columns: unit and %s",
			            neighbours ? OB_TR("vecina", "neighbour")
			                       : OB_TR("unidad superior", "parent unit"));
			break;
		}
		e = neighbours ? ob_link_records_add_neighbours(r, field, rec->fields[0].ptr,
		                                                rec->fields[0].len, rec->fields[1].ptr,
		                                                rec->fields[1].len)
		               : ob_link_records_set_parent(r, field, rec->fields[0].ptr,
		                                            rec->fields[0].len, rec->fields[1].ptr,
		                                            rec->fields[1].len);
		if (e) {
			OB_DIAG(d, e, path, rec->line, 1, rec->fields[0].ptr,
			        rec->fields[0].len, "no se pudo guardar", "could not be stored");
			break;
		}
	}
	ob_csv_close(rd);
	return e == OB_ENOENT ? OB_OK : e;
}

ob_err ob_link_config_records(const struct ob_link_config *c, struct ob_link_records *r,
                              struct ob_diag *d)
{
	ob_err e;

	if ((e = ob_link_records_init(r, c->spec, c->nspec, d)))
		return e;
	for (size_t g = 0; g < c->ngroups; g++) {
		const struct ob_link_group *gr = &c->group[g];
		if (gr->parents[0] && (e = read_pairs_file(gr->parents, r, gr->first, false, d)))
			return e;
		if (gr->neighbours[0] && (e = read_pairs_file(gr->neighbours, r, gr->first, true, d)))
			return e;
	}
	return OB_OK;
}

/* Column of ref in the header, or -1. */
static long find_column(const struct ob_link_colref *ref, char **keys, size_t n)
{
	for (size_t a = 0; a < ref->nalt; a++)
		for (size_t i = 0; i < n; i++)
			if (!strcmp(keys[i], ref->alt[a]))
				return (long)i;
	return -1;
}

static ob_err missing_column(const char *path, const struct ob_csv_record *h,
                             const struct ob_link_colref *ref, const char *field,
                             struct ob_diag *d)
{
	char cols[300];
	size_t len = 0;

	cols[0] = '\0';
	for (size_t i = 0; i < h->nfields && len < sizeof(cols) - 1; i++)
		len += (size_t)snprintf(cols + len, sizeof(cols) - len, "%s%.*s", i ? ", " : "",
		                        (int)(h->fields[i].len > 40 ? 40 : h->fields[i].len),
		                        h->fields[i].ptr);
	return OB_DIAG(d, OB_ENOCOL, path, h->line, 0, ref->shown, strlen(ref->shown),
	               "falta la columna del campo %s; el archivo tiene: %s",
	               "the column of field %s is missing; the file has: %s", field, cols);
}

struct colmap {
	long col[OB_MAX_LINK_FIELDS][2];
	long parent[OB_MAX_LINK_FIELDS];
	long id;
};

static ob_err map_header(const struct ob_link_config *c, const char *path,
                         const struct ob_csv_record *h, struct colmap *m, struct ob_diag *d)
{
	char **keys = ob_calloc(h->nfields ? h->nfields : 1, sizeof(char *));
	ob_err e = OB_OK;

	for (size_t i = 0; i < h->nfields; i++) {
		struct ob_buf k = OB_BUF_INIT(OB_MAX_FIELD);
		ob_fold_key(h->fields[i].ptr, h->fields[i].len, &k);
		keys[i] = k.ptr ? ob_buf_detach(&k, NULL) : ob_strdup("");
	}
	m->id = -1;
	if (c->has_id && (m->id = find_column(&c->id, keys, h->nfields)) < 0) {
		e = missing_column(path, h, &c->id, "id", d);
		goto out;
	}
	for (size_t g = 0; g < c->ngroups; g++) {
		const struct ob_link_group *gr = &c->group[g];
		m->parent[g] = -1;
		for (size_t t = 0; t < 2; t++) {
			m->col[g][t] = -1;
			if (t >= gr->ncol)
				continue;
			if ((m->col[g][t] = find_column(&gr->col[t], keys, h->nfields)) < 0) {
				e = missing_column(path, h, &gr->col[t], gr->name, d);
				goto out;
			}
		}
		if (gr->has_parent &&
		    (m->parent[g] = find_column(&gr->parent, keys, h->nfields)) < 0) {
			e = missing_column(path, h, &gr->parent, gr->name, d);
			goto out;
		}
	}
out:
	for (size_t i = 0; i < h->nfields; i++)
		free(keys[i]);
	free(keys);
	return e;
}

static void cell(const struct ob_csv_record *rec, long col, const char **s, size_t *n)
{
	if (col < 0 || (size_t)col >= rec->nfields) {
		*s = NULL;
		*n = 0;
		return;
	}
	*s = rec->fields[col].ptr;
	*n = rec->fields[col].len;
}

ob_err ob_link_config_read_csv(const struct ob_link_config *c, struct ob_link_records *r,
                               const char *path, const char *source_name, bool progress,
                               struct ob_diag *d)
{
	struct ob_csv_reader *rd = NULL;
	const struct ob_csv_record *rec;
	struct ob_buf fg = OB_BUF_INIT(OB_MAX_FIELD), f1 = OB_BUF_INIT(OB_MAX_FIELD),
	              f2 = OB_BUF_INIT(OB_MAX_FIELD);
	struct colmap m;
	struct ob_progress prog;
	bool have_header = false;
	uint16_t src;
	uint64_t row = 0;
	ob_err e;

	if ((e = ob_link_records_add_source(r, source_name, &src)))
		return OB_DIAG(d, e, path, 0, 0, NULL, 0, "más de %d archivos",
		               "more than %d files", OB_MAX_LINK_FILES);
	if ((e = ob_csv_open(path, NULL, &c->csv, &rd, d)))
		return e;
	if (progress)
		ob_progress_begin(&prog, "leyendo", ob_csv_size(rd));
	while ((e = ob_csv_next(rd, &rec, d)) == OB_OK) {
		struct ob_link_text v[OB_MAX_LINK_FIELDS];
		char idbuf[32], where[OB_MAX_PATH + 32];
		const char *id;
		size_t idn;

		if (rec->blank)
			continue;
		if (!have_header) {
			if ((e = map_header(c, path, rec, &m, d)))
				break;
			have_header = true;
			continue;
		}
		row++;
		memset(v, 0, sizeof(v));
		for (size_t g = 0; g < c->ngroups; g++) {
			const struct ob_link_group *gr = &c->group[g];
			struct ob_link_text *t = &v[gr->first];
			switch (gr->type) {
			case OB_GROUP_ONE:
				cell(rec, m.col[g][0], &t->s, &t->n);
				cell(rec, m.parent[g], &t->s2, &t->n2);
				break;
			case OB_GROUP_SURNAMES:
				cell(rec, m.col[g][0], &t[0].s, &t[0].n);
				cell(rec, m.col[g][1], &t[1].s, &t[1].n);
				break;
			case OB_GROUP_FULLNAME: {
				const char *s;
				size_t n;
				cell(rec, m.col[g][0], &s, &n);
				ob_buf_reset(&fg);
				ob_buf_reset(&f1);
				ob_buf_reset(&f2);
				if (s && (e = ob_fullname_split(s, n, c->spec[gr->first].fold, &fg, &f1,
				                                &f2))) {
					OB_DIAG(d, e, path, rec->line, m.col[g][0] + 1, s, n,
					        "nombre no válido", "invalid name");
					goto out;
				}
				t[0].s = fg.ptr ? fg.ptr : "";
				t[0].n = fg.len;
				t[1].s = f1.ptr ? f1.ptr : "";
				t[1].n = f1.len;
				t[2].s = f2.ptr ? f2.ptr : "";
				t[2].n = f2.len;
				break;
			}
			}
		}
		if (m.id >= 0) {
			cell(rec, m.id, &id, &idn);
			if (id)
				ob_trim(&id, &idn);
			if (!id || !idn) {
				e = OB_DIAG(d, OB_EINVAL, path, rec->line, m.id + 1, NULL, 0,
				            "registro sin identificador",
				            "record without an identifier");
				goto out;
			}
		} else {
			snprintf(idbuf, sizeof(idbuf), "%llu", (unsigned long long)row);
			id = idbuf;
			idn = strlen(idbuf);
		}
		snprintf(where, sizeof(where), "%s:%ld", path, rec->line);
		if ((e = ob_link_records_add(r, src, id, idn, v, where))) {
			if (e == OB_ETOOBIG)
				OB_DIAG(d, e, path, rec->line, 0, NULL, 0,
				        "demasiados registros o valores distintos",
				        "too many records or distinct values");
			else
				OB_DIAG(d, e, path, rec->line, 0, NULL, 0, "registro no válido",
				        "invalid record");
			goto out;
		}
		if (progress && (row & 4095) == 0)
			ob_progress_update(&prog, ob_csv_offset(rd));
	}
	if (e == OB_ENOENT) {
		e = OB_OK;
		if (!have_header)
			e = OB_DIAG(d, OB_EEMPTY, path, 0, 0, NULL, 0,
			            "archivo sin encabezado ni registros",
			            "file without a header or records");
	}
out:
	if (progress)
		ob_progress_end(&prog);
	ob_csv_close(rd);
	ob_buf_release(&fg);
	ob_buf_release(&f1);
	ob_buf_release(&f2);
	return e;
}
