/* test_sheet.c - spreadsheets read through the CSV reader: cells as
 * displayed (dates, zero-padded numbers, General), shared and inline
 * strings, blank rows and missing cells, 1904 dates, the sheet chosen, and
 * hostile or damaged files refused within the limits. The workbooks are in
 * tests/data/sheets (make_sheets.py). */
#include "test.h"

#include "base/buf.h"
#include "io/csv.h"
#include "io/numfmt.h"

#include <fcntl.h>
#include <unistd.h>

static char *data_path(const char *name)
{
	const char *dir = getenv("OBSERVA_TESTDATA");
	char *p = ob_malloc(OB_MAX_PATH);

	snprintf(p, OB_MAX_PATH, "%s/sheets/%s", dir ? dir : "tests/data", name);
	return p;
}

/* Every record as "line:field|field|..." lines (fields' '|' left as is). */
static ob_err dump(struct ob_csv_reader *r, struct ob_buf *out, struct ob_diag *d)
{
	const struct ob_csv_record *rec;
	ob_err e;

	while ((e = ob_csv_next(r, &rec, d)) == OB_OK) {
		ob_buf_putf(out, "%ld:", rec->line);
		assert_int_equal(rec->end_line, rec->line);
		for (size_t i = 0; i < rec->nfields; i++) {
			assert_int_equal(rec->fields[i].ptr[rec->fields[i].len], '\0');
			ob_buf_putf(out, "%s%s", i ? "|" : "", rec->fields[i].ptr);
		}
		ob_buf_putc(out, '\n');
	}
	return e;
}

/* Read file (sheet) whole, from the file system and from memory: both
 * give the same records and the same ending. */
static ob_err read_sheet(const char *file, const char *sheet, struct ob_buf *out,
                         struct ob_diag *d, enum ob_encoding *enc)
{
	struct ob_csv_options o = { .sheet = sheet };
	struct ob_csv_reader *r;
	struct ob_buf mem = OB_BUF_INIT(OB_MAX_TEXT_FILE), out2 = OB_BUF_INIT(1 << 24);
	struct ob_diag d2;
	char *path = data_path(file);
	ob_err e, e2;
	int fd;

	ob_diag_clear(d);
	if ((e = ob_csv_open(path, file, &o, &r, d)) == OB_OK) {
		*enc = ob_csv_encoding(r);
		e = dump(r, out, d);
		ob_csv_close(r);
	}
	/* the same from memory */
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	for (;;) {
		char buf[65536];
		ssize_t k = read(fd, buf, sizeof(buf));
		assert_true(k >= 0);
		if (!k)
			break;
		assert_int_equal(ob_buf_add(&mem, buf, (size_t)k), OB_OK);
	}
	close(fd);
	ob_diag_clear(&d2);
	if ((e2 = ob_csv_open_mem(mem.ptr, mem.len, file, &o, &r, &d2)) == OB_OK) {
		e2 = dump(r, &out2, &d2);
		ob_csv_close(r);
	}
	assert_int_equal(e2, e);
	assert_string_equal(out2.ptr ? out2.ptr : "", out->ptr ? out->ptr : "");
	if (e != OB_ENOENT)
		assert_string_equal(d2.message, d->message);
	ob_buf_release(&mem);
	ob_buf_release(&out2);
	free(path);
	return e;
}

struct sheet_case {
	const char *file, *sheet;
	ob_err end;         /* OB_ENOENT: read to the end */
	const char *want;   /* the dump, or part of it (NULL: not checked) */
	const char *msg;    /* part of the diagnostic's message */
};

static const struct sheet_case cases[] = {
	{ "unit/blank.xlsx", NULL, OB_ENOENT,
	  "1:a||c\n2:\n3:\n4:\n5:\n6:||||5\n7:7|8|||\n", NULL }, /* padded to the widest */
	{ "unit/blank.xlsx", "Segunda", OB_ENOENT, "1:\n2:segunda hoja\n", NULL },
	{ "unit/blank.xlsx", "2", OB_ENOENT, "1:\n2:segunda hoja\n", NULL },
	{ "unit/blank.xlsx", "segunda", OB_ENOENT, "1:\n2:segunda hoja\n", NULL },
	{ "unit/blank.xlsx", "3", OB_EINVAL, "", "1 «Huecos», 2 «Segunda»" },
	{ "unit/blank.xlsx", "Tercera", OB_EINVAL, "", "no existe esa hoja" },
	{ "unit/d1904.xlsx", NULL, OB_ENOENT, "1:15/03/2023|1904-01-01\n", NULL },
	{ "police.xlsx", NULL, OB_ENOENT,
	  "1:POLICÍA NACIONAL CIVIL — Homicidios 2023\n"
	  "2:Fecha de corte: 15/01/2024\n"
	  "3:\n"
	  "4:No. Caso|Fecha del hecho|Hora|Municipio|Departamento|Delito|Sexo|Edad|Arma|"
	  "Código unidad\n"
	  "5:00012301|03/01/2023|22:15|San Salvador|San Salvador|Homicidio|Hombre|24|"
	  "Arma de fuego|0061\n", NULL },
	{ "police.xlsx", "Feminicidios", OB_ENOENT, "7:00020003|02/11/2023|16:50|Soyapango|", NULL },
	{ "police.xls", NULL, OB_ENOENT,
	  "1:POLICÍA NACIONAL CIVIL — Homicidios 2023\n"
	  "2:Fecha de corte: 15/01/2024\n"
	  "3:\n"
	  "4:No. Caso|Fecha del hecho|Hora|Municipio|Departamento|Delito|Sexo|Edad|Arma|"
	  "Código unidad\n"
	  "5:00012301|2023-01-03|22:15:00|San Salvador|San Salvador|Homicidio|Hombre|24|"
	  "Arma de fuego|61\n", NULL },
	{ "police.xls", "2", OB_ENOENT, "7:00020003|2023-11-02|16:50:00|Soyapango|", NULL },
	{ "police.xls", "Robos", OB_EINVAL, "", "1 «Homicidios», 2 «Feminicidios»" },
	/* hostile and damaged files */
	{ "unit/bomb.xlsx", NULL, OB_ETOOBIG, "", "bomba zip" },
	{ "unit/doctype.xlsx", NULL, OB_ECORRUPT, "", "DOCTYPE" },
	{ "unit/wide.xlsx", NULL, OB_ETOOBIG, "", "más de 512 celdas" },
	{ "unit/deep.xlsx", NULL, OB_ETOOBIG, "", "más de 64 niveles" },
	{ "unit/unclosed.xlsx", NULL, OB_ECORRUPT, "1:1\n", "XML mal formado" },
	{ "unit/notbook.xlsx", NULL, OB_ECORRUPT, "", "no es un libro .xlsx" },
	{ "unit/corrupt.xlsx", NULL, OB_ECORRUPT, "", "dañado o truncado" },
	{ "unit/truncated.xlsx", NULL, OB_ECORRUPT, "", "dañado o truncado" },
	{ "unit/encrypted.xlsx", NULL, OB_EENCODING, "", "guárdelo sin contraseña" },
};

static void test_cases(void **state)
{
	(void)state;
	setenv("OBSERVA_LANG", "es", 1);
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		const struct sheet_case *c = &cases[i];
		struct ob_buf out = OB_BUF_INIT(1 << 24);
		struct ob_diag d;
		enum ob_encoding enc = OB_ENC_AUTO;
		ob_err e = read_sheet(c->file, c->sheet, &out, &d, &enc);
		const char *got = out.ptr ? out.ptr : "";

		if (e != c->end || (c->want && !strstr(got, c->want)) ||
		    (c->want && !*c->want && *got) || (c->msg && !strstr(d.message, c->msg)))
			fail_msg("case %zu (%s %s): got %s «%s», records:\n%s", i, c->file,
			         c->sheet ? c->sheet : "", ob_err_name(e), d.message, got);
		if (e == OB_ENOENT)
			assert_int_equal(enc, strstr(c->file, ".xlsx") ? OB_ENC_XLSX : OB_ENC_XLS);
		else
			assert_true(strstr(d.file, c->file) != NULL);
		ob_buf_release(&out);
	}
}

/* formats.xlsx: row i holds "case i" and a cell shown as want[i - 1]. */
static void test_displayed(void **state)
{
	static const char *const want[] = {
		"15/03/2023", "3/15/23", "3/15/2023", "15-Mar-23", "15-Mar", "Mar-23",
		"2:05 PM", "2:05:09 PM", "14:05", "14:05:09", "3/15/2023 14:05",
		"2023-03-15 14:05:09", "Wednesday 15 March 2023", "Mar 15, 2023",
		"36:00:01", "05:09", "0001.5",
		"1900-02-28", "1900-02-29", "1900-03-01",
		"00000614", "3.14", "1,234,567.89", "(42)", "26%", "Caso 7",
		"0.1", "1.5e-07", "123456789012", "45000", "-3.25", "TRUE", "FALSE",
	};
	struct ob_buf out = OB_BUF_INIT(1 << 20), all = OB_BUF_INIT(1 << 20);
	struct ob_diag d;
	enum ob_encoding enc;
	const char *p;
	size_t n = OB_ARRAY_SIZE(want);

	(void)state;
	assert_int_equal(read_sheet("unit/formats.xlsx", NULL, &out, &d, &enc), OB_ENOENT);
	/* a line break before the first record too, so every line reads alike */
	assert_int_equal(ob_buf_add(&all, "\n", 1), OB_OK);
	assert_int_equal(ob_buf_add(&all, out.ptr, out.len), OB_OK);
	p = all.ptr;
	for (size_t i = 0; i < n; i++) {
		char line[256];
		snprintf(line, sizeof(line), "\n%zu:case %zu|%s\n", i + 1, i + 1, want[i]);
		if (!strstr(p, line))
			fail_msg("want «%s» in:%s", line + 1, p);
	}
	assert_non_null(strstr(p, "|#N/A\n"));
	assert_non_null(strstr(p, "|texto de fórmula\n"));
	assert_non_null(strstr(p, "|a\rb_c_x\n"));
	assert_non_null(strstr(p, "|  dos espacios \n"));
	/* one cell in a sheet two wide: padded with an empty field */
	assert_non_null(strstr(p, ":Rico y simple|\n"));
	ob_buf_release(&out);
	ob_buf_release(&all);
}

/* The display formats on their own: codes, sections, edges. */
static void test_numfmt(void **state)
{
	static const struct {
		double v;
		const char *code;
		bool d1904;
		const char *want;
	} t[] = {
		{ 45000, "dd/mm/yyyy", false, "15/03/2023" },
		{ 45000, "d/m/yyyy", false, "15/3/2023" },
		{ 45000, "mmmmm", false, "M" },
		{ 43538, "dd/mm/yyyy", true, "15/03/2023" },
		{ 0, "dd/mm/yyyy", false, "00/01/1900" },
		{ 1, "dd/mm/yyyy", false, "01/01/1900" },
		{ 0.999999, "hh:mm:ss", false, "00:00:00" },   /* rounds to the next day */
		{ 0.5, "h AM/PM", false, "12 PM" },
		{ 0, "h A/P", false, "12 A" },
		{ 0.75, "[h]:mm", false, "18:00" },
		{ 2.75, "[h]", false, "66" },
		{ 45000.5, "[Red]yyyy\\-mm\\-dd\" a las \"hh\\h", false, "2023-03-15 a las 12h" },
		{ 45000, "mm/yyyy", false, "03/2023" },
		{ 0.0451, "mm:ss.00", false, "04:56.64" },
		{ -1, "dd/mm/yyyy", false, "-1" },
		{ 42, "00000000", false, "00000042" },
		{ 42.6, "0000", false, "0043" },
		{ 0.5, "#.00", false, ".50" },
		{ 0.5, "0.##", false, "0.5" },
		{ 2, "0.##", false, "2" },
		{ -5, "0", false, "-5" },
		{ -5, "0;0", false, "5" },
		{ -0.004, "0.00", false, "0.00" },
		{ 1234, "#,##0", false, "1,234" },
		{ 12, "#,##0", false, "12" },
		{ 1.5, "# ?/?", false, "1.5" },            /* fractions: General */
		{ 12345.678, "0.00E+00", false, "12345.678" },
		{ 5, "@", false, "5" },
		{ 1e20, NULL, false, "1e+20" },
		{ 1.0 / 3, "General", false, "0.3333333333333333" },
		{ -0.0, NULL, false, "0" },
		{ 100, "0%", false, "10000%" },
	};
	char out[OB_NUMFMT_OUT];

	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(t); i++) {
		ob_numfmt_format(t[i].v, t[i].code, t[i].d1904, out, sizeof(out));
		if (strcmp(out, t[i].want))
			fail_msg("%zu: %.17g as «%s»: «%s», want «%s»", i, t[i].v,
			         t[i].code ? t[i].code : "(null)", out, t[i].want);
	}
	assert_true(ob_numfmt_is_date("dd/mm/yyyy"));
	assert_true(ob_numfmt_is_date("[$-409]h:mm AM/PM;@"));
	assert_false(ob_numfmt_is_date("00000"));
	assert_false(ob_numfmt_is_date("\"day\"0"));
	assert_false(ob_numfmt_is_date("[Red]0.00"));
	assert_string_equal(ob_numfmt_builtin(14), "m/d/yyyy");
	assert_string_equal(ob_numfmt_builtin(47), "mmss.0");
	assert_null(ob_numfmt_builtin(100));
	/* a tiny buffer is cut, never overrun */
	ob_numfmt_format(45000, "dddd dd mmmm yyyy", false, out, 6);
	assert_string_equal(out, "Wedne");
}

/* Each sheet of a workbook has a digest of its own; the same sheet named or
 * numbered, the same. */
static void test_digest(void **state)
{
	const char *sheets[] = { "1", "Feminicidios", "2" };
	char hex[3][65];
	char *path = data_path("police.xlsx");

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct ob_csv_options o = { .sheet = sheets[i] };
		struct ob_csv_reader *r;
		struct ob_diag d;
		assert_int_equal(ob_csv_open(path, NULL, &o, &r, &d), OB_OK);
		ob_csv_sha256(r, hex[i]);
		ob_csv_close(r);
	}
	assert_string_not_equal(hex[0], hex[1]);
	assert_string_equal(hex[1], hex[2]);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_displayed),
		cmocka_unit_test(test_numfmt),
		cmocka_unit_test(test_digest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
