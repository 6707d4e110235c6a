/* records.c - a case type's cases written as one source's delivery, a CSV of one row per case (records.h). */
#include "cases/records.h"

#include "base/file.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>

bool ob_case_record_date(const struct ob_case_set *set, const struct ob_calendar *cal,
                         const struct ob_case_rec *c, char *out)
{
	const struct ob_case_records_conf *r = &set->type->records;
	const char *v = r->date_field >= 0 ? c->values[r->date_field] : NULL;
	char local[32];

	if (v && strlen(v) == 10) {
		memcpy(out, v, 11);
		return true;
	}
	if (!c->n_entries)
		return false;
	ob_case_time_local(c->entries[0].at, cal->utc_offset, local, sizeof(local));
	memcpy(out, local, 10);
	out[10] = '\0';
	return true;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

size_t ob_case_record_years(const struct ob_case_set *set, const struct ob_calendar *cal,
                            int *years, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++) {
		char day[11];
		long long y;
		size_t k;

		if (!ob_case_record_date(set, cal, &set->cases[i], day) ||
		    !ob_parse_int(day, 4, 1, 9999, &y))
			continue;
		for (k = 0; k < n && years[k] != (int)y; k++)
			;
		if (k == n && n < max)
			years[n++] = (int)y;
	}
	qsort(years, n, sizeof(*years), cmp_int);
	return n;
}

/* A CSV cell: quoted when it holds a delimiter, a quote or a line end. */
static void cell(struct ob_buf *b, const char *v)
{
	ob_buf_putc(b, ',');
	if (!v)
		return;
	if (!strpbrk(v, ",\"\r\n")) {
		ob_buf_puts(b, v);
		return;
	}
	ob_buf_putc(b, '"');
	for (; *v; v++) {
		if (*v == '"')
			ob_buf_putc(b, '"');
		ob_buf_putc(b, *v);
	}
	ob_buf_putc(b, '"');
}

ob_err ob_case_records_csv(const struct ob_case_set *set, const struct ob_calendar *cal,
                           int year, struct ob_buf *out, size_t *rows, struct ob_diag *d)
{
	const struct ob_case_type *t = set->type;
	char y[8];

	*rows = 0;
	snprintf(y, sizeof(y), "%04d-", year);
	ob_buf_puts(out, "case,date");
	for (size_t f = 0; f < t->n_fields; f++)
		if (t->records.fields >> f & 1)
			cell(out, t->fields[f].name);
	ob_buf_putc(out, '\n');
	for (size_t i = 0; i < set->n; i++) {
		const struct ob_case_rec *c = &set->cases[i];
		char day[11];

		if (!ob_case_record_date(set, cal, c, day) || strncmp(day, y, 5))
			continue;
		ob_buf_putf(out, "%lld,%s", c->id, day);
		for (size_t f = 0; f < t->n_fields; f++)
			if (t->records.fields >> f & 1 && !t->fields[f].protected)
				cell(out, c->values[f]);
		ob_buf_putc(out, '\n');
		(*rows)++;
	}
	if (ob_buf_failed(out))
		return OB_DIAG(d, OB_ETOOBIG, t->code, 0, 0, NULL, 0,
		               "los casos de %d no caben en una entrega", "the cases of %d do not fit "
		               "one delivery", year);
	return OB_OK;
}

ob_err ob_case_record_sources(const char *dir, char (*out)[OB_CASE_NAME], size_t max, size_t *n,
                              struct ob_diag *d)
{
	char folder[OB_MAX_PATH], path[OB_MAX_PATH];
	struct dirent *de;
	ob_err e = OB_OK;
	DIR *dh;

	*n = 0;
	if (snprintf(folder, sizeof(folder), "%s/catalog/cases", dir) >= (int)sizeof(folder))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga", "path too long");
	if (!(dh = opendir(folder)))
		return errno == ENOENT ? OB_OK
		                       : OB_DIAG(d, OB_EIO, folder, 0, 0, NULL, 0,
		                                 "no se pudo leer la carpeta: %s",
		                                 "cannot read the folder: %s", strerror(errno));
	while (!e && (de = readdir(dh))) {
		size_t len = strlen(de->d_name), tlen;
		struct ob_case_type t;
		char *text;

		if (len < 5 || de->d_name[0] == '.' || strcmp(de->d_name + len - 4, ".ini") ||
		    snprintf(path, sizeof(path), "%s/%s", folder, de->d_name) >= (int)sizeof(path))
			continue;
		if ((e = ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &tlen, d)))
			break;
		e = ob_case_type_parse(text, tlen, path, &t, d);
		free(text);
		if (!e && t.records.source[0] && *n < max)
			ob_strlcpy(out[(*n)++], t.records.source, OB_CASE_NAME);
		ob_case_type_release(&t);
	}
	closedir(dh);
	return e;
}
