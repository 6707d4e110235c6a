/*
 * infer.c - the sample a draft profile is guessed from (infer.h): the
 * banner rows, the header, up to OB_INFER_ROWS data rows and the footer,
 * read once from the start of the file and never further.
 */
#include "ingest/infer.h"

#include "text/text.h"

/* Words that open a footer row: totals, sources, notes. */
static const char *const footer_words[] = {
	"total", "totales", "fuente", "fuentes", "nota", "notas", "elaborado", "elaboracion",
	"observacion", "observaciones", "source", "note", "notes", "cifras", "datos",
};

/* A record copied out of the reader. */
struct rec_copy {
	long line;
	size_t n;
	char **f;
};

static void free_copy(struct rec_copy *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->f[i]);
	free(c->f);
	c->f = NULL;
	c->n = 0;
}

static size_t copy_record(const struct ob_csv_record *rec, struct rec_copy *c)
{
	size_t bytes = 0;

	c->line = rec->line;
	c->n = rec->nfields;
	c->f = ob_calloc(rec->nfields ? rec->nfields : 1, sizeof(*c->f));
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *s = rec->fields[i].ptr;
		size_t n = rec->fields[i].len;
		ob_trim(&s, &n);
		c->f[i] = ob_strndup(s, n);
		bytes += n + 1;
	}
	return bytes;
}

void ob_infer_release(struct ob_infer *inf)
{
	for (size_t c = 0; c < inf->ncols; c++) {
		free(inf->col[c].name);
		free(inf->col[c].key);
	}
	free(inf->col);
	for (size_t i = 0; i < inf->nrows * inf->ncols; i++)
		free(inf->cell[i]);
	free(inf->cell);
	inf->col = NULL;
	inf->cell = NULL;
	inf->ncols = inf->nrows = 0;
}

/* A cell that reads as a number or a date: not a column name. */
static bool looks_like_value(const char *s)
{
	size_t n = strlen(s), digits = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
	return n && digits * 2 > n;
}

/*
 * The header among the first rows: the first row as wide as most rows of
 * more than one field, at least half filled, with at most one cell that
 * reads as a number or a date. -1 when none.
 */
static long find_header(const struct rec_copy *head, size_t nhead)
{
	size_t best_n = 0, best_count = 0;

	for (size_t i = 0; i < nhead; i++) {
		size_t count = 0;
		if (head[i].n < 2)
			continue;
		for (size_t j = 0; j < nhead; j++)
			count += head[j].n == head[i].n;
		if (count > best_count || (count == best_count && head[i].n > best_n)) {
			best_count = count;
			best_n = head[i].n;
		}
	}
	if (best_n < 2)
		return -1;
	for (size_t i = 0; i < nhead; i++) {
		size_t filled = 0, values = 0;
		if (head[i].n != best_n)
			continue;
		for (size_t c = 0; c < head[i].n; c++) {
			filled += head[i].f[c][0] != '\0';
			values += looks_like_value(head[i].f[c]);
		}
		if (filled * 2 >= best_n && values <= 1)
			return (long)i;
	}
	return -1;
}

/* The folded first word of a row's first non-empty cell when it opens a
 * footer ("TOTAL", "Fuente: PNC"), else NULL (into word). */
static bool footer_word(const struct rec_copy *r, char word[32])
{
	struct ob_buf k = OB_BUF_INIT(4 * OB_MAX_NAME);
	bool found = false;

	for (size_t c = 0; c < r->n; c++) {
		size_t w = 0;
		if (!r->f[c][0])
			continue;
		if (!ob_fold_key(r->f[c], strlen(r->f[c]), &k) && k.len) {
			while (w < k.len && k.ptr[w] != ' ')
				w++;
			for (size_t i = 0; i < OB_ARRAY_SIZE(footer_words); i++)
				if (strlen(footer_words[i]) == w && !memcmp(k.ptr, footer_words[i], w)) {
					memcpy(word, k.ptr, w);
					word[w] = '\0';
					found = true;
				}
		}
		break;
	}
	ob_buf_release(&k);
	return found;
}

/* Append a title row's cells, folded, to inf->banner (what institution
 * wrote the file, often). */
static void add_banner(struct ob_infer *inf, const struct rec_copy *r)
{
	struct ob_buf k = OB_BUF_INIT(4 * OB_MAX_NAME);
	size_t used = strlen(inf->banner);

	for (size_t c = 0; c < r->n; c++) {
		if (!r->f[c][0] || ob_fold_key(r->f[c], strlen(r->f[c]), &k) || !k.len)
			continue;
		if (used + k.len + 2 > sizeof(inf->banner))
			break;
		if (used)
			inf->banner[used++] = ' ';
		memcpy(inf->banner + used, k.ptr, k.len);
		used += k.len;
		inf->banner[used] = '\0';
	}
	ob_buf_release(&k);
}

static void add_footer(struct ob_infer *inf, const char *w)
{
	for (size_t i = 0; i < inf->nfooter; i++)
		if (!strcmp(inf->footer[i], w))
			return;
	if (inf->nfooter < OB_ARRAY_SIZE(inf->footer))
		ob_strlcpy(inf->footer[inf->nfooter++], w, sizeof(inf->footer[0]));
}

static bool blank_copy(const struct rec_copy *r)
{
	for (size_t c = 0; c < r->n; c++)
		if (r->f[c][0])
			return false;
	return true;
}

/* Take data row r into the sample (its cells move). */
static void take_row(struct ob_infer *inf, struct rec_copy *r, size_t *cap)
{
	if (inf->nrows == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		inf->cell = ob_realloc(inf->cell, *cap * inf->ncols * sizeof(*inf->cell));
	}
	for (size_t c = 0; c < inf->ncols; c++)
		inf->cell[inf->nrows * inf->ncols + c] = r->f[c];
	inf->nrows++;
	free(r->f);
	r->f = NULL;
	r->n = 0;
}

static void take_header(struct ob_infer *inf, const struct rec_copy *h)
{
	struct ob_buf k = OB_BUF_INIT(4 * OB_MAX_NAME);

	inf->header_line = h->line;
	inf->ncols = h->n;
	inf->col = ob_calloc(h->n, sizeof(*inf->col));
	for (size_t c = 0; c < h->n; c++) {
		inf->col[c].name = ob_strdup(h->f[c]);
		ob_buf_reset(&k);
		inf->col[c].key = ob_strdup(!ob_fold_key(h->f[c], strlen(h->f[c]), &k) && k.ptr
		                                    ? k.ptr : "");
		inf->col[c].field = OB_F_COUNT;
		inf->col[c].role = OB_INFER_EXTRA;
	}
	ob_buf_release(&k);
}

/*
 * One record after the header: a data row, a footer row, or an odd one.
 * Returns false once the sample is complete (limits, or well into the
 * footer).
 */
static bool one_row(struct ob_infer *inf, struct rec_copy *r, size_t max_rows, size_t *cap,
                    size_t *bytes, size_t nbytes, size_t *footer_rows)
{
	char w[32];

	if (blank_copy(r))
		return true;
	inf->rows_read++;
	if (*footer_rows || footer_word(r, w)) {
		if (footer_word(r, w))
			add_footer(inf, w);
		return ++*footer_rows < 16;
	}
	if (r->n != inf->ncols) {
		inf->odd_rows++;
		return true;
	}
	*bytes += nbytes;
	take_row(inf, r, cap);
	return inf->nrows < max_rows && *bytes < OB_INFER_BYTES;
}

ob_err ob_infer_read(const struct ob_infer_options *o, struct ob_infer *inf,
                     struct ob_diag *d)
{
	struct ob_csv_options copt = { 0 };
	struct ob_csv_reader *rd = NULL;
	const struct ob_csv_record *rec;
	struct rec_copy head[OB_MAX_BANNER_ROWS + 16];
	size_t nhead = 0, cap = 0, bytes = 0, footer_rows = 0;
	size_t head_bytes[OB_MAX_BANNER_ROWS + 16];
	size_t max_rows = o->max_rows && o->max_rows < OB_INFER_ROWS ? o->max_rows : OB_INFER_ROWS;
	const char *name = o->name ? o->name : o->path ? o->path : "-";
	long h;
	bool more = true;
	ob_err e;

	memset(inf, 0, sizeof(*inf));
	ob_strlcpy(inf->name, name, sizeof(inf->name));
	copt.follow_bytes = true;
	e = o->path ? ob_csv_open(o->path, name, &copt, &rd, d)
	            : ob_csv_open_mem(o->data, o->len, name, &copt, &rd, d);
	if (e)
		return e;
	inf->encoding = ob_csv_encoding(rd);
	inf->delimiter = ob_csv_delimiter(rd);
	while (nhead < OB_ARRAY_SIZE(head) && (e = ob_csv_next(rd, &rec, d)) == OB_OK) {
		head_bytes[nhead] = copy_record(rec, &head[nhead]);
		nhead++;
	}
	if (e && e != OB_ENOENT)
		goto free_head;
	h = find_header(head, nhead);
	if (h < 0) {
		e = OB_DIAG(d, OB_ENOHEADER, name, 0, 0, NULL, 0,
		            "no se encontró un encabezado en las primeras %zu filas: ninguna fila con "
		            "varias columnas de texto seguida de filas del mismo ancho",
		            "no header in the first %zu rows: no row of several text columns "
		            "followed by rows as wide", nhead);
		goto free_head;
	}
	take_header(inf, &head[h]);
	for (long i = 0; i < h; i++) {
		inf->banner_rows += !blank_copy(&head[i]);
		add_banner(inf, &head[i]);
	}
	for (size_t i = (size_t)h + 1; i < nhead && more; i++)
		more = one_row(inf, &head[i], max_rows, &cap, &bytes, head_bytes[i], &footer_rows);
	while (more && e != OB_ENOENT && (e = ob_csv_next(rd, &rec, d)) == OB_OK) {
		struct rec_copy r;
		size_t nb = copy_record(rec, &r);
		more = one_row(inf, &r, max_rows, &cap, &bytes, nb, &footer_rows);
		free_copy(&r);
	}
	if (e && e != OB_ENOENT) {
		ob_infer_release(inf);
		goto free_head;
	}
	/* the file goes on past a full sample */
	inf->truncated = !more && !footer_rows && ob_csv_next(rd, &rec, d) == OB_OK;
	e = OB_OK;
free_head:
	for (size_t i = 0; i < nhead; i++)
		free_copy(&head[i]);
	ob_csv_close(rd);
	return e;
}
