/* fuzz_csv.c - libFuzzer harness: the CSV reader on arbitrary bytes. */
#include "base/common.h"

#include "io/csv.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop loudly when an invariant of csv.h does not hold. */
#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "fuzz_csv: %s:%d: %s\n", __FILE__,   \
			        __LINE__, #cond);                            \
			abort();                                             \
		}                                                            \
	} while (0)

static void read_all(const char *p, size_t size, const struct ob_csv_options *o)
{
	struct ob_csv_reader *r;
	const struct ob_csv_record *rec;
	struct ob_diag d;
	long last_line = 0;
	ob_err e;
	char hex[65];

	if (ob_csv_open_mem(p, size, "fuzz.csv", o, &r, &d)) {
		CHECK(r == NULL && d.code != OB_OK);
		return;
	}
	while ((e = ob_csv_next(r, &rec, &d)) == OB_OK) {
		bool blank = true;
		CHECK(rec->nfields >= 1 && rec->nfields <= OB_MAX_COLUMNS);
		CHECK(rec->line > last_line && rec->end_line >= rec->line);
		last_line = rec->end_line;
		CHECK(rec->raw != NULL && rec->raw[rec->raw_len] == '\0');
		CHECK(ob_utf8_valid_len(rec->raw, rec->raw_len) == rec->raw_len);
		for (size_t i = 0; i < rec->nfields; i++) {
			const struct ob_csv_field *f = &rec->fields[i];
			CHECK(f->ptr[f->len] == '\0');
			CHECK(ob_utf8_valid_len(f->ptr, f->len) == f->len);
			CHECK(f->len <= (o && o->max_field ? o->max_field : OB_MAX_FIELD));
			CHECK(memchr(f->ptr, '\0', f->len) == NULL);
			blank = blank && f->len == 0;
		}
		CHECK(blank == rec->blank);
		CHECK(ob_csv_offset(r) <= size);
	}
	if (e == OB_ENOENT) {
		CHECK(ob_csv_offset(r) == size);
	} else {
		CHECK(d.code == e && d.message[0]);
		CHECK(ob_csv_next(r, &rec, &d) == e && rec == NULL);
	}
	{
		/* a contradicted encoding only when asked, with well-formed examples */
		const struct ob_csv_encoding_check *c = ob_csv_encoding_check(r);
		CHECK(!c->contradicted || (o && o->follow_bytes));
		CHECK(c->nexamples <= OB_MAX_ENCODING_EXAMPLES);
		for (size_t i = 0; i < c->nexamples; i++) {
			const struct ob_csv_encoding_example *x = &c->examples[i];
			CHECK(c->contradicted && x->line >= 1 && x->column >= 1);
			CHECK(ob_utf8_valid_len(x->as_given, strlen(x->as_given)) ==
			      strlen(x->as_given));
			CHECK(ob_utf8_valid_len(x->as_read, strlen(x->as_read)) == strlen(x->as_read));
		}
	}
	ob_csv_sha256(r, hex);
	CHECK(strlen(hex) == 64);
	ob_csv_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = { 0, ';', ',', '\t', '|', ':' };
	struct ob_csv_options o = { 0 };
	unsigned char k = size ? data[size - 1] : 0;

	/* as ingest reads files: everything detected, default limits */
	read_all((const char *)data, size, NULL);

	/* then with options taken from the last byte, and tight limits */
	o.encoding = (enum ob_encoding)(k % 3);
	o.delimiter = delims[(k / 3) % sizeof(delims)];
	o.max_field = 1 + (size_t)(k % 37);
	o.max_line = 8 + (size_t)k;
	read_all((const char *)data, size, &o);
	/* as ingest reads a profile's encoding: the bytes win, and say so */
	o.follow_bytes = true;
	o.max_field = o.max_line = 0;
	read_all((const char *)data, size, &o);
	return 0;
}
