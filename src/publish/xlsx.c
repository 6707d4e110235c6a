/* xlsx.c - OOXML workbooks for the releases and the analyser (xlsx.h). */
#include "publish/xlsx.h"

#include <string.h>

#include "base/limits.h"
#include "publish/release.h"

/* s as XML text: the runs between characters that need escaping (or are
 * left out: control characters XML 1.0 forbids) go in whole */
static void xml_text(struct ob_buf *b, const char *s)
{
	const char *run = s;
	const char *esc;

	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		switch (ch) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		default:
			if (ch >= 0x20 || ch == '\t' || ch == '\n')
				continue;
			esc = "";
		}
		ob_buf_put(b, run, (size_t)(p - run));
		ob_buf_puts(b, esc);
		run = p + 1;
	}
	ob_buf_puts(b, run);
}

static void col_ref(size_t c, char *out)
{
	char tmp[8];
	size_t n = 0;

	c++;
	while (c && n < sizeof(tmp)) {
		tmp[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

/* a cell's opening, '<c r="B12"', written without printf: a workbook has
 * a cell for every value of a release, and formatting them was a sixth of
 * the time of "observa publish" */
static void cell_open(struct ob_buf *b, size_t row, size_t c)
{
	char s[64], digits[24];
	size_t n = 6, k = 0;

	memcpy(s, "<c r=\"", n);
	col_ref(c, s + n);
	n += strlen(s + n);
	do {
		digits[k++] = (char)('0' + row % 10);
		row /= 10;
	} while (row && k < sizeof(digits));
	while (k)
		s[n++] = digits[--k];
	s[n++] = '"';
	ob_buf_put(b, s, n);
}

void ob_xlsx_cell(struct ob_buf *b, size_t row, size_t c, const char *v, bool num)
{
	if (!v)
		return;
	cell_open(b, row, c);
	if (num) {
		ob_buf_put(b, "><v>", 4);
		ob_buf_puts(b, v);
		ob_buf_put(b, "</v></c>", 8);
	} else {
		ob_buf_puts(b, " t=\"inlineStr\"><is><t>");
		xml_text(b, v);
		ob_buf_puts(b, "</t></is></c>");
	}
}

void ob_xlsx_head(struct ob_buf *b, size_t row, size_t c, const char *v)
{
	if (!v)
		return;
	cell_open(b, row, c);
	ob_buf_putf(b, " s=\"%d\" t=\"inlineStr\"><is><t>", OB_XLSX_HEAD);
	xml_text(b, v);
	ob_buf_puts(b, "</t></is></c>");
}

static const char sheet_head[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">";

void ob_xlsx_sheet_begin(struct ob_buf *b)
{
	ob_buf_puts(b, sheet_head);
	ob_buf_puts(b, "<sheetData>");
}

void ob_xlsx_sheet_begin_frozen(struct ob_buf *b, const double *widths, size_t ncols)
{
	ob_xlsx_sheet_begin_view(b, widths, ncols, 1);
}

void ob_xlsx_sheet_begin_view(struct ob_buf *b, const double *widths, size_t ncols,
                              size_t frozen)
{
	bool any = false;

	ob_buf_puts(b, sheet_head);
	if (frozen)
		ob_buf_putf(b, "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"%zu\" "
		               "topLeftCell=\"A%zu\" activePane=\"bottomLeft\" state=\"frozen\"/>"
		               "<selection pane=\"bottomLeft\"/></sheetView></sheetViews>",
		            frozen, frozen + 1);
	for (size_t c = 0; c < ncols; c++) {
		if (!(widths[c] > 0))
			continue;
		ob_buf_puts(b, any ? "" : "<cols>");
		any = true;
		ob_buf_putf(b, "<col min=\"%zu\" max=\"%zu\" width=\"%.1f\" customWidth=\"1\"/>",
		            c + 1, c + 1, widths[c]);
	}
	ob_buf_puts(b, any ? "</cols><sheetData>" : "<sheetData>");
}

void ob_xlsx_sheet_end(struct ob_buf *b)
{
	ob_buf_puts(b, "</sheetData></worksheet>");
}

void ob_xlsx_row_begin(struct ob_buf *b, size_t row)
{
	ob_buf_putf(b, "<row r=\"%zu\">", row);
}

void ob_xlsx_row_end(struct ob_buf *b)
{
	ob_buf_puts(b, "</row>");
}

/* Fonts 0 (plain) and 1 (bold); cellXfs 0 (plain) and OB_XLSX_HEAD (bold). */
static const char styles[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font>"
	"<font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
	"<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
	"<fill><patternFill patternType=\"gray125\"/></fill></fills>"
	"<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>"
	"</cellStyleXfs><cellXfs count=\"2\">"
	"<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
	"<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
	"applyFont=\"1\"/></cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" "
	"xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>";

/* The workbook of n sheets, each from sheets[i] or, sheets NULL, from the
 * file files[i]. */
static ob_err write_book(const char *path, const char *const *names,
                         const struct ob_buf *sheets, const char *const *files, size_t n,
                         struct ob_diag *d)
{
	struct ob_buf ct = OB_BUF_INIT(1 << 20), wb = OB_BUF_INIT(1 << 20),
	              rels = OB_BUF_INIT(1 << 20);
	struct ob_zip_entry *ent = ob_malloc((5 + n) * sizeof(*ent));
	char (*part)[64] = ob_malloc((n + 1) * sizeof(*part));
	static const char root_rels[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
		"2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
	size_t ne = 0;
	ob_err e;

	ob_buf_puts(&ct, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	                 "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	                 "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-"
	                 "package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\""
	                 "application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\""
	                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
	                 "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/"
	                 "vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>");
	ob_buf_puts(&wb, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	                 "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	                 "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	                 "<sheets>");
	ob_buf_puts(&rels, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	                   "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
	                   "relationships\">");
	for (size_t s = 0; s < n; s++) {
		snprintf(part[s], sizeof(part[s]), "xl/worksheets/sheet%zu.xml", s + 1);
		ob_buf_putf(&ct, "<Override PartName=\"/%s\" ContentType=\"application/"
		                 "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>",
		            part[s]);
		ob_buf_puts(&wb, "<sheet name=\"");
		xml_text(&wb, names[s]);
		ob_buf_putf(&wb, "\" sheetId=\"%zu\" r:id=\"rId%zu\"/>", s + 1, s + 1);
		ob_buf_putf(&rels, "<Relationship Id=\"rId%zu\" Type=\"http://schemas.openxmlformats."
		                   "org/officeDocument/2006/relationships/worksheet\" "
		                   "Target=\"worksheets/sheet%zu.xml\"/>", s + 1, s + 1);
	}
	ob_buf_puts(&ct, "</Types>");
	ob_buf_puts(&wb, "</sheets></workbook>");
	ob_buf_putf(&rels, "<Relationship Id=\"rId%zu\" Type=\"http://schemas.openxmlformats."
	                   "org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
	                   "</Relationships>", n + 1);
	if (ob_buf_failed(&ct) || ob_buf_failed(&wb) || ob_buf_failed(&rels)) {
		e = OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0,
		            "el índice del libro excede su límite",
		            "the workbook's index exceeds its limit");
		goto release;
	}
	ent[ne++] = (struct ob_zip_entry){ "[Content_Types].xml", ct.ptr, ct.len, NULL };
	ent[ne++] = (struct ob_zip_entry){ "_rels/.rels", root_rels, strlen(root_rels), NULL };
	ent[ne++] = (struct ob_zip_entry){ "xl/workbook.xml", wb.ptr, wb.len, NULL };
	ent[ne++] = (struct ob_zip_entry){ "xl/_rels/workbook.xml.rels", rels.ptr, rels.len, NULL };
	ent[ne++] = (struct ob_zip_entry){ "xl/styles.xml", styles, strlen(styles), NULL };
	for (size_t s = 0; s < n; s++)
		ent[ne++] = sheets ? (struct ob_zip_entry){ part[s], sheets[s].ptr ? sheets[s].ptr : "",
		                                            sheets[s].len, NULL }
		                   : (struct ob_zip_entry){ part[s], NULL, 0, files[s] };
	e = ob_zip_write(path, ent, ne, d);
release:
	ob_buf_release(&ct);
	ob_buf_release(&wb);
	ob_buf_release(&rels);
	free(ent);
	free(part);
	return e;
}

ob_err ob_xlsx_write(const char *path, const char *const *names, const struct ob_buf *sheets,
                     size_t n, struct ob_diag *d)
{
	return write_book(path, names, sheets, NULL, n, d);
}

ob_err ob_xlsx_write_files(const char *path, const char *const *names,
                           const char *const *files, size_t n, struct ob_diag *d)
{
	return write_book(path, names, NULL, files, n, d);
}
