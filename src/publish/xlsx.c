/* xlsx.c - OOXML workbooks for the releases and the analyser (xlsx.h). */
#include "publish/xlsx.h"

#include "base/limits.h"
#include "publish/release.h"

static void xml_text(struct ob_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': ob_buf_puts(b, "&amp;"); break;
		case '<': ob_buf_puts(b, "&lt;"); break;
		case '>': ob_buf_puts(b, "&gt;"); break;
		case '"': ob_buf_puts(b, "&quot;"); break;
		default:
			if (*p >= 0x20 || *p == '\t' || *p == '\n')
				ob_buf_putc(b, (char)*p);
		}
	}
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

void ob_xlsx_cell(struct ob_buf *b, size_t row, size_t c, const char *v, bool num)
{
	char ref[8];

	if (!v)
		return;
	col_ref(c, ref);
	if (num) {
		ob_buf_putf(b, "<c r=\"%s%zu\"><v>%s</v></c>", ref, row, v);
	} else {
		ob_buf_putf(b, "<c r=\"%s%zu\" t=\"inlineStr\"><is><t>", ref, row);
		xml_text(b, v);
		ob_buf_puts(b, "</t></is></c>");
	}
}

void ob_xlsx_sheet_begin(struct ob_buf *b)
{
	ob_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	               "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
	               "2006/main\"><sheetData>");
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

ob_err ob_xlsx_write(const char *path, const char *const *names, const struct ob_buf *sheets,
                     size_t n, struct ob_diag *d)
{
	struct ob_buf ct = OB_BUF_INIT(1 << 20), wb = OB_BUF_INIT(1 << 20),
	              rels = OB_BUF_INIT(1 << 20);
	struct ob_zip_entry *ent = ob_malloc((4 + n) * sizeof(*ent));
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
	                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>");
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
	ob_buf_puts(&rels, "</Relationships>");
	if (ob_buf_failed(&ct) || ob_buf_failed(&wb) || ob_buf_failed(&rels)) {
		e = OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0,
		            "el índice del libro excede su límite",
		            "the workbook's index exceeds its limit");
		goto release;
	}
	ent[ne++] = (struct ob_zip_entry){ "[Content_Types].xml", ct.ptr, ct.len };
	ent[ne++] = (struct ob_zip_entry){ "_rels/.rels", root_rels, strlen(root_rels) };
	ent[ne++] = (struct ob_zip_entry){ "xl/workbook.xml", wb.ptr, wb.len };
	ent[ne++] = (struct ob_zip_entry){ "xl/_rels/workbook.xml.rels", rels.ptr, rels.len };
	for (size_t s = 0; s < n; s++)
		ent[ne++] = (struct ob_zip_entry){ part[s], sheets[s].ptr ? sheets[s].ptr : "",
		                                   sheets[s].len };
	e = ob_zip_write(path, ent, ne, d);
release:
	ob_buf_release(&ct);
	ob_buf_release(&wb);
	ob_buf_release(&rels);
	free(ent);
	free(part);
	return e;
}
