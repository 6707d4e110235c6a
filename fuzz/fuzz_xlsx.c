/* fuzz_xlsx.c - libFuzzer harness: the spreadsheet reader (io/sheet.h,
 * through the CSV reader) on arbitrary bytes. The first byte chooses what
 * the rest is: a whole file (0), or one part of an otherwise well-formed
 * workbook, zipped here so that the fuzzer reaches the XML: the sheet (1),
 * the shared strings (2), the styles (3), the workbook (4). */
#include "base/common.h"

#include "io/csv.h"
#include "text/text.h"

#include <zip.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop loudly when an invariant of sheet.h does not hold. */
#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "fuzz_xlsx: %s:%d: %s\n", __FILE__,  \
			        __LINE__, #cond);                            \
			abort();                                             \
		}                                                            \
	} while (0)

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define RNS "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

static const char *const part_names[] = {
	"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml",
};
static const char *const part_defaults[] = {
	"<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
	"<c r=\"B1\" s=\"1\"><v>45000</v></c></row></sheetData></worksheet>",
	"<sst " NS "><si><t>a</t></si></sst>",
	"<styleSheet " NS "><numFmts><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"
	"</numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>",
	"<workbook " NS " " RNS "><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"
	"</sheets></workbook>",
};

/* A workbook whose part k is data[0..size), the others the defaults; the
 * zip's bytes in *out (malloc'd), or false when libzip cannot make it. */
static bool make_zip(int k, const uint8_t *data, size_t size, char **out, size_t *len)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	bool ok = false;

	zip_error_init(&ze);
	if (!(src = zip_source_buffer_create(NULL, 0, 0, &ze)))
		goto fini;
	zip_source_keep(src);
	if (!(z = zip_open_from_source(src, ZIP_TRUNCATE, &ze))) {
		zip_source_free(src);
		goto fini;
	}
	for (int i = 0; i < 4; i++) {
		zip_source_t *p = i == k ? zip_source_buffer(z, data, size, 0)
		                         : zip_source_buffer(z, part_defaults[i],
		                                             strlen(part_defaults[i]), 0);
		zip_int64_t idx;
		if (!p || (idx = zip_file_add(z, part_names[i], p, 0)) < 0) {
			zip_source_free(p);
			zip_discard(z);
			goto free_src;
		}
		zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
	}
	if (zip_close(z) < 0) {
		zip_discard(z);
		goto free_src;
	}
	if (zip_source_stat(src, &st) == 0 && zip_source_open(src) == 0) {
		*out = ob_malloc(st.size ? st.size : 1);
		*len = (size_t)zip_source_read(src, *out, st.size);
		ok = *len == st.size;
		zip_source_close(src);
		if (!ok)
			free(*out);
	}
free_src:
	zip_source_free(src);
fini:
	zip_error_fini(&ze);
	return ok;
}

static void read_all(const char *p, size_t size, const char *sheet)
{
	struct ob_csv_options o = { .sheet = sheet };
	struct ob_csv_reader *r;
	const struct ob_csv_record *rec;
	struct ob_diag d;
	long last = 0;
	ob_err e;

	if (ob_csv_open_mem(p, size, "fuzz.xlsx", &o, &r, &d)) {
		CHECK(r == NULL && d.code != OB_OK && d.message[0]);
		CHECK(!strcmp(d.file, "fuzz.xlsx"));
		return;
	}
	while ((e = ob_csv_next(r, &rec, &d)) == OB_OK) {
		CHECK(rec->line == last + 1 || ob_csv_encoding(r) <= OB_ENC_CP1252);
		last = rec->end_line;
		CHECK(rec->nfields >= 1 && rec->nfields <= OB_MAX_COLUMNS);
		CHECK(rec->raw != NULL && strlen(rec->raw) == rec->raw_len);
		for (size_t i = 0; i < rec->nfields; i++) {
			const struct ob_csv_field *f = &rec->fields[i];
			CHECK(f->ptr[f->len] == '\0');
			CHECK(f->len <= OB_MAX_FIELD);
			CHECK(ob_utf8_valid_len(f->ptr, f->len) == f->len);
		}
	}
	CHECK(e == OB_ENOENT || (d.code == e && d.message[0]));
	/* errors are sticky */
	CHECK(ob_csv_next(r, &rec, &d) == e && rec == NULL);
	ob_csv_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int k;
	char *zip;
	size_t len;

	if (!size)
		return 0;
	k = data[0] % 5;
	if (k == 0) {
		read_all((const char *)data + 1, size - 1, NULL);
		return 0;
	}
	if (!make_zip(k - 1, data + 1, size - 1, &zip, &len))
		return 0;
	read_all(zip, len, data[0] >= 128 ? "S" : NULL);
	free(zip);
	return 0;
}
