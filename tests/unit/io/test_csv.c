/* test_csv.c - the streaming CSV reader: sniffing, quoting, positions, limits. */
#include "test.h"

#include "base/buf.h"
#include "base/sha256.h"
#include "io/csv.h"

#include <fcntl.h>
#include <unistd.h>

/*
 * Read every record and write them as text: one line per record,
 * "line:field|field|..." ("line-end:" when it spans lines), with '\n', '\r',
 * '|' and '\\' inside fields escaped. Ends at OB_ENOENT or an error, which
 * is returned.
 */
static ob_err dump(struct ob_csv_reader *r, struct ob_buf *out, struct ob_diag *d)
{
	const struct ob_csv_record *rec;
	ob_err e;

	while ((e = ob_csv_next(r, &rec, d)) == OB_OK) {
		if (rec->end_line != rec->line)
			ob_buf_putf(out, "%ld-%ld:", rec->line, rec->end_line);
		else
			ob_buf_putf(out, "%ld:", rec->line);
		for (size_t i = 0; i < rec->nfields; i++) {
			const struct ob_csv_field *f = &rec->fields[i];
			assert_int_equal(f->ptr[f->len], '\0');
			if (i)
				ob_buf_putc(out, '|');
			for (size_t k = 0; k < f->len; k++) {
				char c = f->ptr[k];
				if (c == '\n')
					ob_buf_puts(out, "\\n");
				else if (c == '\r')
					ob_buf_puts(out, "\\r");
				else if (c == '|' || c == '\\')
					ob_buf_putf(out, "\\%c", c);
				else
					ob_buf_putc(out, c);
			}
		}
		ob_buf_putc(out, '\n');
	}
	return e;
}

struct csv_case {
	const char *name;
	const char *in;
	size_t len;               /* 0: strlen(in) */
	struct ob_csv_options opt;
	ob_err open_err;          /* expected from open */
	const char *want;         /* dump of the records read */
	ob_err end;               /* how reading ends (OB_ENOENT when fine) */
	long line, column;        /* of the diagnostic */
	const char *msg;          /* part of the diagnostic's message */
	char delim;               /* detected delimiter (0: do not check) */
	enum ob_encoding enc;     /* detected encoding (0: do not check) */
};

static const struct csv_case cases[] = {
	{ .name = "comma", .in = "a,b\n1,2\n", .want = "1:a|b\n2:1|2\n",
	  .end = OB_ENOENT, .delim = ',', .enc = OB_ENC_UTF8 },
	{ .name = "semicolon with decimal commas",
	  .in = "Municipio;Tasa;Casos\nSan Salvador;13,5;20\nSanta Ana;7,25;3\n",
	  .want = "1:Municipio|Tasa|Casos\n2:San Salvador|13,5|20\n3:Santa Ana|7,25|3\n",
	  .end = OB_ENOENT, .delim = ';' },
	{ .name = "tab", .in = "a\tb c\td\n1\t2\t3\n", .want = "1:a|b c|d\n2:1|2|3\n",
	  .end = OB_ENOENT, .delim = '\t' },
	{ .name = "pipe", .in = "a|b,c\n1|2,5\n3|4\n",
	  .want = "1:a|b,c\n2:1|2,5\n3:3|4\n", .end = OB_ENOENT, .delim = '|' },
	{ .name = "banners then semicolons",
	  .in = "Policía Nacional Civil\nReporte de homicidios enero 2020\n\n"
	        "Fecha;Municipio;Edad\n01/01/2020;San Salvador;35\n02/01/2020;Soyapango;20\n",
	  .want = "1:Policía Nacional Civil\n2:Reporte de homicidios enero 2020\n3:\n"
	          "4:Fecha|Municipio|Edad\n5:01/01/2020|San Salvador|35\n"
	          "6:02/01/2020|Soyapango|20\n",
	  .end = OB_ENOENT, .delim = ';' },
	{ .name = "banner with a comma",
	  .in = "Reporte de homicidios, enero 2020\n\nFecha;Municipio;Edad\n"
	        "01/01/2020;San Salvador;35\n02/01/2020;Soyapango;20\n",
	  .want = "1:Reporte de homicidios, enero 2020\n2:\n3:Fecha|Municipio|Edad\n"
	          "4:01/01/2020|San Salvador|35\n5:02/01/2020|Soyapango|20\n",
	  .end = OB_ENOENT, .delim = ';' },
	{ .name = "quoted delimiters and doubled quotes",
	  .in = "\"a,b\",c\n\"say \"\"hi\"\"\",d\n\"\",e\n",
	  .want = "1:a,b|c\n2:say \"hi\"|d\n3:|e\n", .end = OB_ENOENT, .delim = ',' },
	{ .name = "quoted newline",
	  .in = "id,txt\n1,\"line1\nline2\"\n2,x\n",
	  .want = "1:id|txt\n2-3:1|line1\\nline2\n4:2|x\n", .end = OB_ENOENT },
	{ .name = "quoted CRLF and CR",
	  .in = "id,txt\r\n1,\"a\r\nb\rc\"\r\n2,x\r\n",
	  .want = "1:id|txt\n2-4:1|a\\r\\nb\\rc\n5:2|x\n", .end = OB_ENOENT },
	{ .name = "CRLF", .in = "a,b\r\n1,2\r\n", .want = "1:a|b\n2:1|2\n",
	  .end = OB_ENOENT },
	{ .name = "CR only", .in = "a,b\r1,2\r\r3,4", .want = "1:a|b\n2:1|2\n3:\n4:3|4\n",
	  .end = OB_ENOENT },
	{ .name = "no final newline", .in = "a,b\n1,2", .want = "1:a|b\n2:1|2\n",
	  .end = OB_ENOENT },
	{ .name = "quoted last field at end", .in = "a,b\n1,\"2\"",
	  .want = "1:a|b\n2:1|2\n", .end = OB_ENOENT },
	{ .name = "empty fields", .in = "a,b,\n,,\n", .want = "1:a|b|\n2:||\n",
	  .end = OB_ENOENT },
	{ .name = "blank lines kept", .in = "a,b\n\n1,2\n\n", .want = "1:a|b\n2:\n3:1|2\n4:\n",
	  .end = OB_ENOENT },
	{ .name = "quote inside an unquoted field is verbatim",
	  .in = "arma,largo\ntubo 5\" pipe,3\nx\"\"y,4\n",
	  .want = "1:arma|largo\n2:tubo 5\" pipe|3\n3:x\"\"y|4\n", .end = OB_ENOENT },
	{ .name = "blanks before a quote make it verbatim",
	  .in = "a,b\n1, \"x\"\n", .want = "1:a|b\n2:1| \"x\"\n", .end = OB_ENOENT },
	{ .name = "unterminated quote",
	  .in = "a,b\n1,2\n3,\"open\n4,5\n", .want = "1:a|b\n2:1|2\n",
	  .end = OB_EPARSE, .line = 3, .column = 2, .msg = "comilla sin cerrar" },
	{ .name = "character after closing quote",
	  .in = "a,b\n\"x\"y,2\n", .want = "1:a|b\n", .end = OB_EPARSE, .line = 2,
	  .column = 1, .msg = "después de la comilla de cierre" },
	{ .name = "character after closing quote, after a multi-line field",
	  .in = "a,b\n1,\"x\ny\" z\n", .want = "1:a|b\n", .end = OB_EPARSE, .line = 3,
	  .column = 2, .msg = "después de la comilla de cierre" },
	{ .name = "UTF-8 BOM", .in = "\xEF\xBB\xBFnombre,edad\nJosé,3\n",
	  .want = "1:nombre|edad\n2:José|3\n", .end = OB_ENOENT, .enc = OB_ENC_UTF8 },
	{ .name = "UTF-8 BOM wins over a given encoding",
	  .in = "\xEF\xBB\xBFnombre,edad\nJosé,3\n", .opt = { .encoding = OB_ENC_CP1252 },
	  .want = "1:nombre|edad\n2:José|3\n", .end = OB_ENOENT, .enc = OB_ENC_UTF8 },
	{ .name = "Windows-1252",
	  .in = "Municipio;V\xED" "ctima;Monto\nSan Jos\xE9;Pe\xF1" "a;\x80 5\n",
	  .want = "1:Municipio|Víctima|Monto\n2:San José|Peña|€ 5\n",
	  .end = OB_ENOENT, .delim = ';', .enc = OB_ENC_CP1252 },
	{ .name = "Windows-1252 given", .in = "a,b\nx,y\n",
	  .opt = { .encoding = OB_ENC_CP1252 }, .want = "1:a|b\n2:x|y\n",
	  .end = OB_ENOENT, .enc = OB_ENC_CP1252 },
	{ .name = "UTF-8 given, Windows-1252 found",
	  .in = "a,b\nJos\xE9,y\n", .opt = { .encoding = OB_ENC_UTF8 },
	  .want = "1:a|b\n", .end = OB_EENCODING, .line = 2, .column = 1,
	  .msg = "byte 0xE9" },
	{ .name = "UTF-8 given: invalid, not mixed",
	  .in = "a,b\nx,Jos\xE9\n", .opt = { .encoding = OB_ENC_UTF8, .delimiter = ',' },
	  .want = "1:a|b\n", .end = OB_EENCODING, .line = 2, .column = 2,
	  .msg = "UTF-8 no válido: el byte 0xE9 no es UTF-8; guarde el archivo como UTF-8" },
	{ .name = "Windows-1252 given, UTF-8 found: read as given",
	  .in = "a,b\nJosé,y\n", .opt = { .encoding = OB_ENC_CP1252 },
	  .want = "1:a|b\n2:JosÃ©|y\n", .end = OB_ENOENT, .enc = OB_ENC_CP1252 },
	{ .name = "UTF-8 given, Windows-1252 found, following the bytes",
	  .in = "a,b\nJos\xE9,y\n", .opt = { .encoding = OB_ENC_UTF8, .follow_bytes = true },
	  .want = "1:a|b\n2:José|y\n", .end = OB_ENOENT, .enc = OB_ENC_CP1252 },
	{ .name = "Windows-1252 given, UTF-8 found, following the bytes",
	  .in = "a,b\nJosé,y\n", .opt = { .encoding = OB_ENC_CP1252, .follow_bytes = true },
	  .want = "1:a|b\n2:José|y\n", .end = OB_ENOENT, .enc = OB_ENC_UTF8 },
	{ .name = "UTF-8 given, following the bytes: multibyte, then invalid",
	  .in = "a,b\nJosé,y\nx,Jos\xE9\n",
	  .opt = { .encoding = OB_ENC_UTF8, .delimiter = ',', .follow_bytes = true },
	  .want = "1:a|b\n2:José|y\n", .end = OB_EENCODING, .line = 3, .column = 2,
	  .msg = "UTF-8 no válido: el byte 0xE9 no es UTF-8; guarde el archivo como UTF-8" },
	{ .name = "UTF-16LE BOM", .in = "\xFF\xFE" "a\0,\0b\0", .len = 8,
	  .open_err = OB_EENCODING, .msg = "UTF-16" },
	{ .name = "UTF-16BE BOM", .in = "\xFE\xFF\0a\0,\0b", .len = 8,
	  .open_err = OB_EENCODING, .msg = "UTF-16" },
	{ .name = "UTF-16 without BOM", .in = "a\0,\0b\0\n\0" "1\0,\0" "2\0\n\0", .len = 16,
	  .open_err = OB_EENCODING, .msg = "UTF-16" },
	{ .name = "binary", .in = "\x7F" "ELF\0\0\x14\0garbage", .len = 15,
	  .open_err = OB_EENCODING, .msg = "bytes nulos" },
	/* a zip is taken for an .xlsx workbook (io/sheet.h) */
	{ .name = "zip", .in = "PK\3\4\0\0\x14\0garbage", .len = 15,
	  .open_err = OB_ECORRUPT, .msg = "dañado o truncado" },
	{ .name = "empty", .in = "", .open_err = OB_EEMPTY },
	{ .name = "only blanks", .in = " \r\n\n\t\n", .open_err = OB_EEMPTY },
	{ .name = "only a BOM", .in = "\xEF\xBB\xBF\n", .open_err = OB_EEMPTY },
	{ .name = "one column", .in = "nombre\nAna\nLuis\n",
	  .want = "1:nombre\n2:Ana\n3:Luis\n", .end = OB_ENOENT, .delim = ',' },
	{ .name = "no consistent delimiter",
	  .in = "a;b\na;b;c\na;b;c;d\na;b;c;d;e\na;b;c;d;e;f\n", .open_err = OB_EINVAL,
	  .msg = "separador" },
	{ .name = "delimiter given", .in = "a,b;c\n1,2;3\n", .opt = { .delimiter = ';' },
	  .want = "1:a,b|c\n2:1,2|3\n", .end = OB_ENOENT, .delim = ';' },
	{ .name = "quote as delimiter refused", .in = "a\"b\n", .opt = { .delimiter = '"' },
	  .open_err = OB_EINVAL },
	{ .name = "quoted delimiters do not fool the sniffer",
	  .in = "\"x;y\",a,b\n\"1;2;3\",c,d\n\"k\",e,f\n", .want =
	  "1:x;y|a|b\n2:1;2;3|c|d\n3:k|e|f\n", .end = OB_ENOENT, .delim = ',' },
	{ .name = "field over max_field", .in = "a,b\nabcdefghij,b\n",
	  .opt = { .max_field = 8 }, .want = "1:a|b\n", .end = OB_ETOOBIG, .line = 2,
	  .column = 1, .msg = "campo de más de 8 bytes" },
	{ .name = "quoted field over max_field", .in = "a,b\nx,\"abc\"\"defgh\"\n",
	  .opt = { .max_field = 8 }, .want = "1:a|b\n", .end = OB_ETOOBIG, .line = 2,
	  .column = 2, .msg = "campo de más de 8 bytes" },
	{ .name = "max_field counts decoded bytes",
	  .in = "a;b\n\xE9\xE9\xE9\xE9\xE9;b\n", .opt = { .max_field = 8 },
	  .want = "1:a|b\n", .end = OB_ETOOBIG, .line = 2, .column = 1,
	  .msg = "campo de más" },
	{ .name = "record over max_line", .in = "a,b\n0123456789,0123456789\n",
	  .opt = { .max_line = 16 }, .want = "1:a|b\n", .end = OB_ETOOBIG, .line = 2,
	  .msg = "registro de más de 16 bytes" },
	{ .name = "options cannot loosen the limits", .in = "a,b\n1,2\n",
	  .opt = { .max_field = (size_t)-1, .max_line = (size_t)-1 },
	  .want = "1:a|b\n2:1|2\n", .end = OB_ENOENT },
	{ .name = "NUL byte in the sniffed part",
	  .in = "a,b\n1,2\0\n", .len = 9, .open_err = OB_EENCODING, .msg = "bytes nulos" },
};

/* A reader's error is kept in Spanish and in English, each whole in its
 * language (no "es / en" pair in one text). */
static void both_languages(const char *name, const struct ob_diag *d)
{
	if (!d->message[0] || !d->message_other[0] || !strcmp(d->message, d->message_other))
		fail_msg("%s: «%s» / «%s»: not in both languages", name, d->message,
		         d->message_other);
	if (strstr(d->message, " / ") || strstr(d->message_other, " / "))
		fail_msg("%s: «%s» / «%s»: two languages in one text", name, d->message,
		         d->message_other);
}

static void run_case(const struct csv_case *c)
{
	struct ob_csv_reader *r = NULL;
	struct ob_buf out = OB_BUF_INIT(1 << 20);
	struct ob_diag d;
	size_t len = c->len ? c->len : strlen(c->in);
	ob_err e;

	ob_diag_clear(&d);
	e = ob_csv_open_mem(c->in, len, "t.csv", &c->opt, &r, &d);
	if (e != c->open_err)
		fail_msg("%s: open gave %s (%s)", c->name, ob_err_name(e), d.message);
	if (e) {
		assert_null(r);
		assert_int_equal(d.code, e);
		assert_string_equal(d.file, "t.csv");
		if (c->msg && !strstr(d.message, c->msg))
			fail_msg("%s: message «%s» lacks «%s»", c->name, d.message, c->msg);
		both_languages(c->name, &d);
		return;
	}
	if (c->delim && ob_csv_delimiter(r) != c->delim)
		fail_msg("%s: delimiter '%c'", c->name, ob_csv_delimiter(r));
	if (c->enc && ob_csv_encoding(r) != c->enc)
		fail_msg("%s: encoding %s", c->name, ob_encoding_name(ob_csv_encoding(r)));
	e = dump(r, &out, &d);
	if (e != c->end)
		fail_msg("%s: ended with %s (%s)", c->name, ob_err_name(e), d.message);
	if (strcmp(out.ptr ? out.ptr : "", c->want))
		fail_msg("%s: read\n%s\nwant\n%s", c->name, out.ptr ? out.ptr : "", c->want);
	if (e != OB_ENOENT) {
		const struct ob_csv_record *rec;
		struct ob_diag d2;
		assert_int_equal(d.code, e);
		if (d.line != c->line || d.column != c->column)
			fail_msg("%s: at %ld:%ld, want %ld:%ld", c->name, d.line, d.column,
			         c->line, c->column);
		if (c->msg && !strstr(d.message, c->msg))
			fail_msg("%s: message «%s» lacks «%s»", c->name, d.message, c->msg);
		both_languages(c->name, &d);
		/* the error sticks */
		ob_diag_clear(&d2);
		assert_int_equal(ob_csv_next(r, &rec, &d2), e);
		assert_null(rec);
		assert_string_equal(d2.message, d.message);
	} else {
		const struct ob_csv_record *rec;
		assert_int_equal(ob_csv_next(r, &rec, &d), OB_ENOENT);
		assert_true(ob_csv_offset(r) == len);
	}
	ob_csv_close(r);
	ob_buf_release(&out);
}

/* The language in force picks the message; the other one is kept. */
static void message_language(void **state)
{
	struct ob_csv_reader *r = NULL;
	struct ob_diag d;
	char msg[1024];
	(void)state;

	ob_lang_set(OB_LANG_EN);
	assert_int_equal(ob_csv_open_mem("", 0, "e.csv", NULL, &r, &d), OB_EEMPTY);
	ob_lang_set(OB_LANG_ES);
	assert_null(r);
	assert_string_equal(d.message, "the file is empty");
	ob_diag_format(&d, msg, sizeof(msg));
	assert_string_equal(msg, "e.csv: el archivo está vacío");
	ob_diag_format_lang(&d, OB_LANG_EN, msg, sizeof(msg));
	assert_string_equal(msg, "e.csv: the file is empty");
}

static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
}

static void record_details(void **state)
{
	static const char in[] = "\"a,b\",c\r\n,,\r\n\"\"\r\nx\"y,\"z\"";
	struct ob_csv_reader *r;
	const struct ob_csv_record *rec;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_csv_open_mem(in, sizeof(in) - 1, NULL, NULL, &r, &d), OB_OK);
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
	assert_int_equal(rec->nfields, 2);
	assert_true(rec->fields[0].quoted);
	assert_false(rec->fields[1].quoted);
	assert_false(rec->blank);
	assert_int_equal(rec->raw_len, 7);
	assert_string_equal(rec->raw, "\"a,b\",c");

	assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
	assert_int_equal(rec->nfields, 3);
	assert_true(rec->blank);
	assert_string_equal(rec->raw, ",,");

	assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
	assert_int_equal(rec->nfields, 1);
	assert_true(rec->blank);
	assert_true(rec->fields[0].quoted);
	assert_string_equal(rec->raw, "\"\"");

	assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
	assert_int_equal(rec->line, 4);
	assert_string_equal(rec->fields[0].ptr, "x\"y");
	assert_false(rec->fields[0].quoted);
	assert_string_equal(rec->fields[1].ptr, "z");
	assert_true(rec->fields[1].quoted);
	assert_string_equal(rec->raw, "x\"y,\"z\"");
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_ENOENT);
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_ENOENT);
	ob_csv_close(r);
}

static void raw_is_decoded(void **state)
{
	static const char in[] = "a;b\n\"Jos\xE9\";Pe\xF1" "a\n";
	struct ob_csv_reader *r;
	const struct ob_csv_record *rec;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_csv_open_mem(in, sizeof(in) - 1, NULL, NULL, &r, &d), OB_OK);
	assert_int_equal(ob_csv_encoding(r), OB_ENC_CP1252);
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
	assert_string_equal(rec->raw, "\"José\";Peña");
	assert_int_equal(rec->raw_len, strlen("\"José\";Peña"));
	assert_string_equal(rec->fields[0].ptr, "José");
	ob_csv_close(r);
}

/* A UTF-8 head, then Windows-1252 past the sniffed bytes. */
static void mixed_encoding(void **state)
{
	struct ob_buf b = OB_BUF_INIT(1 << 22);
	struct ob_csv_reader *r;
	struct ob_buf out = OB_BUF_INIT(1 << 24);
	struct ob_diag d;
	long lines = 1;
	(void)state;

	ob_buf_puts(&b, "nombre;municipio;edad\n");
	while (b.len < 2 * OB_SNIFF_BYTES) {
		ob_buf_puts(&b, "José;Santa Ana;35\n");
		lines++;
	}
	ob_buf_puts(&b, "Ana;San Jos\xE9;20\n");
	assert_int_equal(ob_csv_open_mem(b.ptr, b.len, "m.csv", NULL, &r, &d), OB_OK);
	assert_int_equal(ob_csv_encoding(r), OB_ENC_UTF8);
	assert_int_equal(dump(r, &out, &d), OB_EENCODING);
	assert_int_equal(d.line, lines + 1);
	assert_int_equal(d.column, 2);
	assert_non_null(strstr(d.message, "codificación mixta"));
	assert_non_null(strstr(d.message, "0xE9"));
	assert_string_equal(d.value, "San José");
	ob_csv_close(r);
	ob_buf_release(&out);
	ob_buf_release(&b);
}

/* A profile that says UTF-8 for a Windows-1252 file: read as Windows-1252,
 * with examples of both readings at their line and column. */
static void given_utf8_found_cp1252(void **state)
{
	static const char in[] = "POLICIA\nNo. Caso;Nombre v\xED" "ctima;Municipio\n"
	                         "1;\"Jos\xE9 P\xE9rez\";San Salvador\n2;Ana;Usulut\xE1" "n\n"
	                         "3;Luis;Ahuachap\xE1" "n\n";
	struct ob_csv_reader *r;
	struct ob_csv_options o = { .encoding = OB_ENC_UTF8, .follow_bytes = true };
	const struct ob_csv_encoding_check *c;
	const struct ob_csv_record *rec;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_csv_open_mem(in, sizeof(in) - 1, NULL, &o, &r, &d), OB_OK);
	assert_int_equal(ob_csv_encoding(r), OB_ENC_CP1252);
	c = ob_csv_encoding_check(r);
	assert_true(c->contradicted);
	assert_int_equal(c->given, OB_ENC_UTF8);
	assert_int_equal(c->nexamples, 3);
	assert_int_equal(c->examples[0].line, 2);
	assert_int_equal(c->examples[0].column, 2);
	assert_string_equal(c->examples[0].as_given, "Nombre v\xEF\xBF\xBD" "ctima");
	assert_string_equal(c->examples[0].as_read, "Nombre víctima");
	assert_int_equal(c->examples[1].line, 3);
	assert_int_equal(c->examples[1].column, 2);
	assert_string_equal(c->examples[1].as_read, "\"José Pérez\"");
	assert_int_equal(c->examples[2].line, 4);
	assert_int_equal(c->examples[2].column, 3);
	assert_string_equal(c->examples[2].as_read, "Usulután");
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
	assert_string_equal(rec->fields[1].ptr, "Nombre víctima");
	ob_csv_close(r);
}

/* A profile that says Windows-1252 for a UTF-8 file: read as UTF-8. */
static void given_cp1252_found_utf8(void **state)
{
	static const char in[] = "NOMBRE DE LA VÍCTIMA,Edad\nJosé,3\n";
	struct ob_csv_reader *r;
	struct ob_csv_options o = { .encoding = OB_ENC_CP1252, .follow_bytes = true };
	const struct ob_csv_encoding_check *c;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_csv_open_mem(in, sizeof(in) - 1, NULL, &o, &r, &d), OB_OK);
	assert_int_equal(ob_csv_encoding(r), OB_ENC_UTF8);
	c = ob_csv_encoding_check(r);
	assert_true(c->contradicted);
	assert_int_equal(c->nexamples, 2);
	assert_int_equal(c->examples[0].line, 1);
	assert_int_equal(c->examples[0].column, 1);
	assert_string_equal(c->examples[0].as_given, "NOMBRE DE LA VÃ\xEF\xBF\xBD" "CTIMA");
	assert_string_equal(c->examples[0].as_read, "NOMBRE DE LA VÍCTIMA");
	assert_int_equal(c->examples[1].line, 2);
	ob_csv_close(r);
	/* ASCII only, or as given: nothing to say */
	assert_int_equal(ob_csv_open_mem("a,b\n1,2\n", 8, NULL, &o, &r, &d), OB_OK);
	assert_false(ob_csv_encoding_check(r)->contradicted);
	ob_csv_close(r);
	o.encoding = OB_ENC_UTF8;
	assert_int_equal(ob_csv_open_mem(in, sizeof(in) - 1, NULL, &o, &r, &d), OB_OK);
	assert_false(ob_csv_encoding_check(r)->contradicted);
	assert_int_equal(ob_csv_encoding_check(r)->nexamples, 0);
	ob_csv_close(r);
}

/* Given UTF-8, ASCII past the sniffed bytes, then Windows-1252: nothing read
 * so far changes, so the rest reads as Windows-1252, with an example. */
static void given_utf8_cp1252_after_sniff(void **state)
{
	struct ob_buf b = OB_BUF_INIT(1 << 22);
	struct ob_csv_options o = { .encoding = OB_ENC_UTF8, .follow_bytes = true };
	struct ob_csv_reader *r;
	const struct ob_csv_encoding_check *c;
	struct ob_buf out = OB_BUF_INIT(1 << 24);
	struct ob_diag d;
	long lines = 1;
	(void)state;

	ob_buf_puts(&b, "nombre;municipio;edad\n");
	while (b.len < 2 * OB_SNIFF_BYTES) {
		ob_buf_puts(&b, "Jose;Santa Ana;35\n");
		lines++;
	}
	ob_buf_puts(&b, "Ana;San Jos\xE9;20\n");
	assert_int_equal(ob_csv_open_mem(b.ptr, b.len, "m.csv", &o, &r, &d), OB_OK);
	assert_int_equal(ob_csv_encoding(r), OB_ENC_UTF8);
	assert_false(ob_csv_encoding_check(r)->contradicted);
	assert_int_equal(dump(r, &out, &d), OB_ENOENT);
	assert_non_null(strstr(out.ptr, "Ana|San José|20"));
	assert_int_equal(ob_csv_encoding(r), OB_ENC_CP1252);
	c = ob_csv_encoding_check(r);
	assert_true(c->contradicted);
	assert_int_equal(c->nexamples, 1);
	assert_int_equal(c->examples[0].line, lines + 1);
	assert_int_equal(c->examples[0].column, 2);
	assert_string_equal(c->examples[0].as_read, "San José");
	assert_string_equal(c->examples[0].as_given, "San Jos\xEF\xBF\xBD");
	ob_csv_close(r);
	ob_buf_release(&out);
	ob_buf_release(&b);
}

/* A NUL byte past the sniffed bytes stops reading where it is. */
static void nul_after_sniff(void **state)
{
	struct ob_buf b = OB_BUF_INIT(1 << 22);
	struct ob_csv_reader *r;
	struct ob_buf out = OB_BUF_INIT(1 << 24);
	struct ob_diag d;
	long lines = 1;
	(void)state;

	ob_buf_puts(&b, "a;b;c\n");
	while (b.len < 2 * OB_SNIFF_BYTES) {
		ob_buf_puts(&b, "1;2;3\n");
		lines++;
	}
	ob_buf_put(&b, "4;5\0;6\n", 7);
	assert_int_equal(ob_csv_open_mem(b.ptr, b.len, "n.csv", NULL, &r, &d), OB_OK);
	assert_int_equal(dump(r, &out, &d), OB_EENCODING);
	assert_int_equal(d.line, lines + 1);
	assert_int_equal(d.column, 2);
	assert_non_null(strstr(d.message, "bytes nulos"));
	ob_csv_close(r);
	ob_buf_release(&out);
	ob_buf_release(&b);
}

/* A UTF-8 sequence cut by the end of the sniffed bytes is still UTF-8. */
static void sniff_cuts_a_sequence(void **state)
{
	struct ob_buf b = OB_BUF_INIT(1 << 22);
	struct ob_csv_reader *r;
	struct ob_buf out = OB_BUF_INIT(1 << 24);
	struct ob_diag d;
	(void)state;

	ob_buf_puts(&b, "a,b\n");
	while (b.len < OB_SNIFF_BYTES - 1)
		ob_buf_putc(&b, 'x');
	ob_buf_puts(&b, "ñ,y\n");
	assert_int_equal(b.ptr[OB_SNIFF_BYTES - 1], (char)0xC3);
	assert_int_equal(ob_csv_open_mem(b.ptr, b.len, NULL, NULL, &r, &d), OB_OK);
	assert_int_equal(ob_csv_encoding(r), OB_ENC_UTF8);
	assert_int_equal(dump(r, &out, &d), OB_ENOENT);
	ob_csv_close(r);
	ob_buf_release(&out);
	ob_buf_release(&b);
}

static void limits_by_default(void **state)
{
	struct ob_buf b = OB_BUF_INIT(1 << 22);
	struct ob_csv_reader *r;
	struct ob_buf out = OB_BUF_INIT(1 << 24);
	struct ob_diag d;
	(void)state;

	/* a field of OB_MAX_FIELD bytes is fine, one more is not */
	ob_buf_puts(&b, "a,b\n1,");
	for (int i = 0; i < OB_MAX_FIELD; i++)
		ob_buf_putc(&b, 'x');
	ob_buf_puts(&b, "\n2,");
	for (int i = 0; i <= OB_MAX_FIELD; i++)
		ob_buf_putc(&b, 'x');
	ob_buf_puts(&b, "\n");
	assert_int_equal(ob_csv_open_mem(b.ptr, b.len, NULL, NULL, &r, &d), OB_OK);
	assert_int_equal(dump(r, &out, &d), OB_ETOOBIG);
	assert_int_equal(d.line, 3);
	assert_int_equal(d.column, 2);
	assert_non_null(strstr(d.message, "campo de más de 65536 bytes"));
	ob_csv_close(r);

	/* OB_MAX_COLUMNS fields are fine, one more is not */
	ob_buf_reset(&b);
	ob_buf_reset(&out);
	for (int i = 1; i < OB_MAX_COLUMNS; i++)
		ob_buf_putc(&b, ',');
	ob_buf_putc(&b, '\n');
	for (int i = 0; i < OB_MAX_COLUMNS; i++)
		ob_buf_putc(&b, ',');
	ob_buf_putc(&b, '\n');
	assert_int_equal(ob_csv_open_mem(b.ptr, b.len, NULL, NULL, &r, &d), OB_OK);
	assert_int_equal(dump(r, &out, &d), OB_ETOOBIG);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.column, OB_MAX_COLUMNS + 1);
	ob_csv_close(r);

	/* an open quote runs into the record limit, not out of memory */
	ob_buf_reset(&b);
	ob_buf_reset(&out);
	ob_buf_puts(&b, "a,b\n1,\"open\n");
	while (b.len < 3 * OB_MAX_LINE)
		ob_buf_puts(&b, "2,3\n");
	assert_int_equal(ob_csv_open_mem(b.ptr, b.len, NULL, NULL, &r, &d), OB_OK);
	assert_int_equal(dump(r, &out, &d), OB_ETOOBIG);
	assert_int_equal(d.line, 2);
	assert_non_null(strstr(d.message, "comilla sin cerrar en la línea 2"));
	ob_csv_close(r);

	ob_buf_release(&out);
	ob_buf_release(&b);
}

/* A record of exactly max_line bytes is fine, even when its CR is the last
 * byte of what has been read so far. */
static void limit_is_inclusive(void **state)
{
	struct ob_buf b = OB_BUF_INIT(1 << 20);
	struct ob_csv_options o = { .max_line = OB_SNIFF_BYTES - 1 };
	struct ob_csv_reader *r;
	const struct ob_csv_record *rec;
	struct ob_diag d;
	(void)state;

	while (b.len < OB_SNIFF_BYTES - 1)
		ob_buf_putc(&b, 'x');
	ob_buf_puts(&b, "\r\nyz\r\n");
	assert_int_equal(ob_csv_open_mem(b.ptr, b.len, NULL, &o, &r, &d), OB_OK);
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
	assert_int_equal(rec->fields[0].len, OB_SNIFF_BYTES - 1);
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
	assert_int_equal(rec->line, 2);
	assert_string_equal(rec->raw, "yz");
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_ENOENT);
	ob_csv_close(r);

	/* one byte more is too much */
	o.max_line--;
	assert_int_equal(ob_csv_open_mem(b.ptr, b.len, NULL, &o, &r, &d), OB_OK);
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_ETOOBIG);
	assert_int_equal(d.line, 1);
	ob_csv_close(r);
	ob_buf_release(&b);
}

/* A little deterministic generator for the round-trip test. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Write random records (quotes, delimiters, line ends, accents inside
 * fields) as CSV, then read them back from memory and from a file read in
 * small pieces, and compare every field, line number and the SHA-256.
 */
static void round_trip(void **state)
{
	static const char *const atoms[] = { "a", "Peña", "\"", ";", ",", "\n",
		"\r\n", " ", "x\"y", "0", "José María", "" };
	struct ob_buf csv = OB_BUF_INIT(1 << 26), want = OB_BUF_INIT(1 << 26);
	struct ob_buf got = OB_BUF_INIT(1 << 26), got2 = OB_BUF_INIT(1 << 26);
	char path[] = "/tmp/observa-test-csv-XXXXXX";
	struct ob_csv_reader *r;
	struct ob_csv_options o = { .delimiter = ';' };
	struct ob_diag d;
	uint32_t seed = 12345;
	long line = 1;
	char hex[65], hex2[65], want_hex[65];
	struct ob_sha256 sha;
	int fd;
	(void)state;

	for (int rec = 0; rec < 20000; rec++) {
		int nf = 1 + (int)(rnd(&seed) % 6);
		long start = line;
		struct ob_buf line_dump = OB_BUF_INIT(1 << 20);
		for (int f = 0; f < nf; f++) {
			int na = (int)(rnd(&seed) % 5);
			bool quote = false;
			char field[256] = "";
			size_t fl = 0;
			for (int a = 0; a < na; a++) {
				const char *at = atoms[rnd(&seed) % OB_ARRAY_SIZE(atoms)];
				size_t al = strlen(at);
				memcpy(field + fl, at, al);
				fl += al;
			}
			/* quote when needed, and sometimes when not */
			for (size_t k = 0; k < fl; k++)
				if (strchr("\";\n\r", field[k]))
					quote = true;
			if (rnd(&seed) % 4 == 0)
				quote = true;
			if (f)
				ob_buf_putc(&csv, ';');
			if (quote) {
				ob_buf_putc(&csv, '"');
				for (size_t k = 0; k < fl; k++) {
					if (field[k] == '"')
						ob_buf_putc(&csv, '"');
					if (field[k] == '\n')
						line++;
					ob_buf_putc(&csv, field[k]);
				}
				ob_buf_putc(&csv, '"');
			} else {
				ob_buf_put(&csv, field, fl);
			}
			if (f)
				ob_buf_putc(&line_dump, '|');
			for (size_t k = 0; k < fl; k++) {
				if (field[k] == '\n')
					ob_buf_puts(&line_dump, "\\n");
				else if (field[k] == '\r')
					ob_buf_puts(&line_dump, "\\r");
				else if (field[k] == '\\' || field[k] == '|')
					ob_buf_putf(&line_dump, "\\%c", field[k]);
				else
					ob_buf_putc(&line_dump, field[k]);
			}
		}
		if (line != start)
			ob_buf_putf(&want, "%ld-%ld:", start, line);
		else
			ob_buf_putf(&want, "%ld:", start);
		ob_buf_put(&want, line_dump.ptr ? line_dump.ptr : "", line_dump.len);
		ob_buf_putc(&want, '\n');
		ob_buf_release(&line_dump);
		ob_buf_puts(&csv, rnd(&seed) % 2 ? "\r\n" : "\n");
		line++;
	}
	assert_true(csv.len > 4 * 65536);
	ob_sha256_init(&sha);
	ob_sha256_update(&sha, csv.ptr, csv.len);
	ob_sha256_peek_hex(&sha, want_hex);

	assert_int_equal(ob_csv_open_mem(csv.ptr, csv.len, NULL, &o, &r, &d), OB_OK);
	assert_int_equal(dump(r, &got, &d), OB_ENOENT);
	ob_csv_sha256(r, hex);
	assert_true(ob_csv_size(r) == csv.len);
	ob_csv_close(r);
	assert_int_equal(got.len, want.len);
	assert_string_equal(got.ptr, want.ptr);
	assert_string_equal(hex, want_hex);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_true(write(fd, csv.ptr, csv.len) == (ssize_t)csv.len);
	close(fd);
	assert_int_equal(ob_csv_open(path, "rt.csv", &o, &r, &d), OB_OK);
	assert_true(ob_csv_size(r) == csv.len);
	assert_int_equal(dump(r, &got2, &d), OB_ENOENT);
	assert_true(ob_csv_offset(r) == csv.len);
	ob_csv_sha256(r, hex2);
	ob_csv_close(r);
	unlink(path);
	assert_string_equal(got2.ptr, want.ptr);
	assert_string_equal(hex2, want_hex);

	ob_buf_release(&csv);
	ob_buf_release(&want);
	ob_buf_release(&got);
	ob_buf_release(&got2);
}

static void file_errors_and_digest(void **state)
{
	static const char in[] = "a,b\n1,2\n";
	char path[] = "/tmp/observa-test-csv-XXXXXX";
	struct ob_csv_reader *r = (struct ob_csv_reader *)1;
	const struct ob_csv_record *rec;
	struct ob_diag d;
	char hex[65];
	int fd;
	(void)state;

	assert_int_equal(ob_csv_open("/nonexistent/x.csv", NULL, NULL, &r, &d), OB_EIO);
	assert_null(r);
	assert_string_equal(d.file, "/nonexistent/x.csv");
	assert_int_equal(ob_csv_open("/tmp", "dir", NULL, &r, &d), OB_EIO);
	assert_string_equal(d.file, "dir");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_true(write(fd, in, sizeof(in) - 1) == (ssize_t)sizeof(in) - 1);
	close(fd);
	assert_int_equal(ob_csv_open(path, NULL, NULL, &r, &d), OB_OK);
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
	assert_int_equal(ob_csv_offset(r), 4);
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
	assert_int_equal(ob_csv_next(r, &rec, &d), OB_ENOENT);
	ob_csv_sha256(r, hex);
	/* sha256sum of "a,b\n1,2\n" */
	assert_string_equal(hex, "492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470");
	ob_csv_close(r);

	/* an empty file */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ob_csv_open(path, "vacío.csv", NULL, &r, &d), OB_EEMPTY);
	assert_null(r);
	unlink(path);
}

/* Header columns: found whatever the case and the blanks around a cell; a
 * name twice or a required one missing is refused with its line and column;
 * an optional one missing is -1. */
static void header_columns(void **state)
{
	static const struct {
		const char *header;
		ob_err want;
		long col;        /* of the duplicate, on refusal */
		long idx[3];     /* on success */
	} hcases[] = {
		{ "code,name,parent\n", OB_OK, 0, { 0, 1, 2 } },
		{ " PARENT ;Name;x;Code\n", OB_OK, 0, { 3, 1, 0 } },
		{ "code;name\n", OB_OK, 0, { 0, 1, -1 } },          /* parent is optional */
		{ "code;name;Code\n", OB_EDUPCOL, 3, { 0 } },
		{ "name;parent\n", OB_ENOCOL, 0, { 0 } },           /* code is required */
	};
	static const char *const names[] = { "code", "name", "parent" };
	static const bool required[] = { true, true, false };
	(void)state;

	for (size_t k = 0; k < OB_ARRAY_SIZE(hcases); k++) {
		struct ob_csv_reader *r;
		const struct ob_csv_record *rec;
		struct ob_diag d;
		long idx[3];
		ob_err e;

		assert_int_equal(ob_csv_open_mem(hcases[k].header, strlen(hcases[k].header), "h.csv",
		                                 NULL, &r, &d), OB_OK);
		assert_int_equal(ob_csv_next(r, &rec, &d), OB_OK);
		ob_diag_clear(&d);
		e = ob_csv_header_columns(rec, "h.csv", names, required, 3, idx, &d);
		assert_int_equal(e, hcases[k].want);
		if (e == OB_OK) {
			for (int c = 0; c < 3; c++)
				assert_int_equal(idx[c], hcases[k].idx[c]);
		} else {
			assert_string_equal(d.file, "h.csv");
			assert_int_equal(d.line, 1);
			assert_int_equal(d.column, hcases[k].col);
		}
		ob_csv_close(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(message_language),
		cmocka_unit_test(record_details),
		cmocka_unit_test(raw_is_decoded),
		cmocka_unit_test(mixed_encoding),
		cmocka_unit_test(given_utf8_found_cp1252),
		cmocka_unit_test(given_cp1252_found_utf8),
		cmocka_unit_test(given_utf8_cp1252_after_sniff),
		cmocka_unit_test(sniff_cuts_a_sequence),
		cmocka_unit_test(nul_after_sniff),
		cmocka_unit_test(limits_by_default),
		cmocka_unit_test(limit_is_inclusive),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(file_errors_and_digest),
		cmocka_unit_test(header_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
