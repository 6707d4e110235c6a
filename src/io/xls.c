/* xls.c - .xls workbooks (BIFF) for sheet.h, read with FreeXL: the sheet is
 * loaded by FreeXL when the file is opened, then handed out row by row.
 * FreeXL gives no cell formats: dates come as yyyy-mm-dd, numbers in
 * General (io/numfmt.h). */
#include "io/sheet_impl.h"

#include "io/freexl_lib.h"
#include "io/numfmt.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

struct xls {
	const void *h;           /* FreeXL's handle */
	unsigned int rows;
	unsigned short cols;
	unsigned int next;       /* 0-based row handed out next */
	char tmp[OB_MAX_PATH];   /* a copy of memory input on disk, removed at close */
};

/* FreeXL reads files only: memory input goes to a temporary file. */
static ob_err to_file(struct ob_sheet *s, struct xls *x, const char *data, size_t len,
                      struct ob_diag *d)
{
	const char *dir = getenv("TMPDIR");
	size_t off = 0;
	int fd;

	snprintf(x->tmp, sizeof(x->tmp), "%s/observa-xls-XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(x->tmp)) < 0) {
		x->tmp[0] = '\0';
		return sheet_fail(s, d, OB_EIO, 0, 0, NULL, 0,
		                  "no se pudo crear un archivo temporal: %s",
		                  "could not create a temporary file: %s", strerror(errno));
	}
	while (off < len) {
		ssize_t k = write(fd, data + off, len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			int err = errno;
			close(fd);
			return sheet_fail(s, d, OB_EIO, 0, 0, NULL, 0,
			                  "no se pudo escribir un archivo temporal: %s",
			                  "could not write a temporary file: %s", strerror(err));
		}
		off += (size_t)k;
	}
	close(fd);
	return OB_OK;
}

static ob_err encrypted(struct ob_sheet *s, struct ob_diag *d)
{
	return sheet_fail(s, d, OB_EENCODING, 0, 0, NULL, 0,
	                  "el archivo está cifrado; guárdelo sin contraseña",
	                  "the file is encrypted; save it without a password");
}

ob_err xls_open(struct ob_sheet *s, const char *path, const char *data, size_t len,
                const char *want, struct ob_diag *d)
{
	struct xls *x;
	char *names[OB_MAX_SHEETS];
	unsigned int info = 0, n = 0, pick = UINT_MAX;
	int rc;
	ob_err e = OB_OK;

	if ((e = ob_freexl_load(d)))
		return e;
	s->impl = x = ob_calloc(1, sizeof(*x));
	if (!path) {
		if ((e = to_file(s, x, data, len, d)))
			return e;
		path = x->tmp;
	}
	if ((rc = freexl_open(path, &x->h)) != FREEXL_OK) {
		x->h = NULL;
		if (sheet_ole_encrypted(path, NULL, 0))
			return encrypted(s, d);
		return sheet_fail(s, d, OB_ECORRUPT, 0, 0, NULL, 0,
		                  "archivo .xls dañado o que no es un libro de Excel (FreeXL %d)",
		                  "damaged .xls file, or not an Excel workbook (FreeXL %d)", rc);
	}
	if (freexl_get_info(x->h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
	    info == FREEXL_BIFF_OBFUSCATED)
		return encrypted(s, d);
	if (freexl_get_info(x->h, FREEXL_BIFF_SHEET_COUNT, &n) != FREEXL_OK)
		n = 0;
	if (n > OB_MAX_SHEETS)
		return sheet_fail(s, d, OB_ETOOBIG, 0, 0, NULL, 0, "libro de más de %d hojas",
		                  "workbook of more than %d sheets", OB_MAX_SHEETS);
	for (unsigned int i = 0; i < n; i++) {
		const char *name = NULL;
		if (freexl_get_worksheet_name(x->h, (unsigned short)i, &name) != FREEXL_OK || !name)
			name = "";
		names[i] = (char *)name;
	}
	for (unsigned int i = 0; i < n && pick == UINT_MAX; i++)
		if (sheet_selects(want, i, names[i], names, n))
			pick = i;
	if (pick == UINT_MAX)
		return sheet_no_such(s, d, want, names, n);
	ob_strlcpy(s->sheet, names[pick], sizeof(s->sheet));
	if (freexl_select_active_worksheet(x->h, (unsigned short)pick) != FREEXL_OK ||
	    freexl_worksheet_dimensions(x->h, &x->rows, &x->cols) != FREEXL_OK)
		return sheet_fail(s, d, OB_ECORRUPT, 0, 0, s->sheet, strlen(s->sheet),
		                  "archivo .xls dañado: no se puede leer la hoja",
		                  "damaged .xls file: the sheet cannot be read");
	if (x->rows > OB_MAX_SHEET_ROW)
		return sheet_fail(s, d, OB_ETOOBIG, 0, 0, NULL, 0, "más de %d filas",
		                  "more than %d rows", OB_MAX_SHEET_ROW);
	return e;
}

ob_err xls_next(struct ob_sheet *s, const struct ob_csv_record **rec, struct ob_diag *d)
{
	struct xls *x = s->impl;
	long line = (long)x->next + 1;
	ob_err e;

	if (x->next >= x->rows)
		return OB_ENOENT;
	sheet_row_reset(&s->row);
	for (unsigned short c = 0; c < x->cols; c++) {
		FreeXL_CellValue v;
		char num[OB_NUMFMT_OUT];
		const char *t = num;

		if (freexl_get_cell_value(x->h, x->next, c, &v) != FREEXL_OK)
			return sheet_fail(s, d, OB_ECORRUPT, line, c + 1, NULL, 0,
			                  "archivo .xls dañado: no se puede leer la celda",
			                  "damaged .xls file: the cell cannot be read");
		switch (v.type) {
		case FREEXL_CELL_INT:
			snprintf(num, sizeof(num), "%d", v.value.int_value);
			break;
		case FREEXL_CELL_DOUBLE:
			ob_numfmt_general(v.value.double_value, num, sizeof(num));
			break;
		case FREEXL_CELL_TEXT:
		case FREEXL_CELL_SST_TEXT:
		case FREEXL_CELL_DATE:
		case FREEXL_CELL_DATETIME:
		case FREEXL_CELL_TIME:
			t = v.value.text_value ? v.value.text_value : "";
			break;
		default:
			continue;
		}
		if (!*t)
			continue;
		if ((e = sheet_row_put(&s->row, (size_t)c + 1, t, strlen(t))))
			return sheet_cell_fail(s, d, e, line, (size_t)c + 1);
	}
	if ((e = sheet_row_finish(&s->row, line)))
		return sheet_cell_fail(s, d, e, line, s->row.ncells);
	x->next++;
	*rec = &s->row.rec;
	return OB_OK;
}

double xls_progress(const struct ob_sheet *s)
{
	const struct xls *x = s->impl;

	return x->rows ? (double)x->next / x->rows : 0;
}

void xls_close(struct ob_sheet *s)
{
	struct xls *x = s->impl;

	if (!x)
		return;
	if (x->h)
		freexl_close(x->h);
	if (x->tmp[0])
		unlink(x->tmp);
	free(x);
	s->impl = NULL;
}
