/* test_infer.c - the pieces of "observa profile infer" (ingest/infer.h) and
 * the [territory] rules it proposes (ingest/lookup.h): codes as the
 * catalogue writes them, names without their qualifiers, the sample's
 * bound, and drafts from small files without a catalogue. */
#include "../test.h"

#include "base/buf.h"
#include "ingest/infer.h"
#include "ingest/lookup.h"
#include "ingest/profile.h"

static const struct {
	const char *code, *strip, *prefix;
	int width;
	const char *want;
} codes[] = {
	{ "614", "", "", 4, "0614" },          /* a spreadsheet dropped the zero */
	{ "1201", "", "", 4, "1201" },         /* already wide enough */
	{ " 614 ", "", "", 4, "0614" },        /* blanks around it */
	{ "05001000", "000", "", 0, "05001" }, /* DIVIPOLA with a 000 tail */
	{ "000", "000", "", 0, "000" },        /* nothing but the suffix: kept */
	{ "5001000", "000", "", 5, "05001" },  /* both */
	{ "614", "", "SV", 4, "SV0614" },      /* a prefixed P-code */
	{ "A14", "", "", 4, "A14" },           /* not all digits: not padded */
	{ "0614", "", "", 0, "0614" },         /* no rules */
};

static void code_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(codes); i++) {
		struct ob_territory_rules r;
		char out[64];
		size_t n;

		memset(&r, 0, sizeof(r));
		ob_strlcpy(r.code_strip_suffix, codes[i].strip, sizeof(r.code_strip_suffix));
		ob_strlcpy(r.code_prefix, codes[i].prefix, sizeof(r.code_prefix));
		r.code_width = codes[i].width;
		n = ob_territory_code_apply(codes[i].code, strlen(codes[i].code), &r, out, sizeof(out));
		if (strcmp(out, codes[i].want))
			print_error("case %zu: «%s» gave «%s»\n", i, codes[i].code, out);
		assert_string_equal(out, codes[i].want);
		assert_int_equal(n, strlen(codes[i].want));
	}
}

static const struct {
	const char *name, *ignore[2];
	const char *want;
} names[] = {
	{ "SAN SALVADOR (CT)", { NULL }, "san salvador" },
	{ "Soyapango(cabecera)", { NULL }, "soyapango" },
	{ "San Juan (CT) Norte", { NULL }, "san juan norte" },
	{ "(CT)", { NULL }, "ct" },                          /* only a qualifier: kept */
	{ "Cabecera San Miguel", { "cabecera", NULL }, "san miguel" },
	{ "SAN MIGUEL CABECERA", { "cabecera", NULL }, "san miguel" },
	{ "Ciudad Barrios", { "ciudad", NULL }, "barrios" },
	{ "Ciudad", { "ciudad", NULL }, "ciudad" },          /* only ignored words: kept */
	{ "Ciudadela Norte", { "ciudad", NULL }, "ciudadela norte" }, /* whole words only */
	{ "Municipio de La Paz", { "municipio de", NULL }, "la paz" },
	{ "NUEVO CUSCATLÁN", { NULL }, "nuevo cuscatlan" },
};

static void name_rules(void **state)
{
	struct ob_buf k = OB_BUF_INIT(1024);

	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(names); i++) {
		struct ob_territory_rules r;

		memset(&r, 0, sizeof(r));
		for (size_t j = 0; j < 2 && names[i].ignore[j]; j++)
			ob_strlcpy(r.ignore[r.nignore++], names[i].ignore[j], sizeof(r.ignore[0]));
		assert_true(ob_territory_name_key(names[i].name, strlen(names[i].name), &r, &k));
		if (strcmp(k.ptr, names[i].want))
			print_error("case %zu: «%s» gave «%s»\n", i, names[i].name, k.ptr);
		assert_string_equal(k.ptr, names[i].want);
	}
	ob_buf_release(&k);
}

/* A file of n data rows under a banner and a header. */
static char *big_file(size_t n, size_t *len)
{
	struct ob_buf b = OB_BUF_INIT(64 * 1024 * 1024);

	ob_buf_putf(&b, "Reporte;;\n\nFecha;Municipio;Delito\n");
	for (size_t i = 0; i < n; i++)
		ob_buf_putf(&b, "%02zu/%02zu/2023;San Salvador;Homicidio\n", i % 28 + 1, i % 12 + 1);
	return ob_buf_detach(&b, len);
}

/* However big the file, the sample stops at OB_INFER_ROWS rows read. */
static void sample_is_bounded(void **state)
{
	size_t len;
	char *data = big_file(4 * OB_INFER_ROWS, &len);
	struct ob_infer_options o = { .data = data, .len = len, .name = "big.csv" };
	struct ob_infer inf;
	struct ob_diag d;

	(void)state;
	assert_int_equal(ob_infer_read(&o, &inf, &d), OB_OK);
	assert_int_equal(inf.header_line, 3);
	assert_int_equal(inf.banner_rows, 1);
	assert_int_equal(inf.nrows, OB_INFER_ROWS);
	assert_int_equal(inf.rows_read, OB_INFER_ROWS);
	assert_true(inf.truncated);
	ob_infer_release(&inf);
	/* a smaller limit is kept; a larger one is the same as the default */
	o.max_rows = 100;
	assert_int_equal(ob_infer_read(&o, &inf, &d), OB_OK);
	assert_int_equal(inf.rows_read, 100);
	ob_infer_release(&inf);
	o.max_rows = 10 * OB_INFER_ROWS;
	assert_int_equal(ob_infer_read(&o, &inf, &d), OB_OK);
	assert_int_equal(inf.rows_read, OB_INFER_ROWS);
	ob_infer_release(&inf);
	free(data);
}

/* Drafts from the file alone: each must contain every line of want. */
static const struct {
	const char *csv;
	ob_err err;
	const char *want[6];
} drafts[] = {
	{ "POLICIA\nReporte 2023\n\nFecha;Hora;Municipio;Sexo;Edad;CANTIDAD\n"
	  "13/01/2023;22:30;San Salvador;Hombre;30;1\n02/02/2023;;Soyapango;Mujer;25;2\n"
	  "TOTAL;;;;;3\nFuente: PNC\n", OB_OK,
	  { "delimiter = ;", "dates = dmy", "footer = total, fuente", "occurred_at = Hora",
	    "count = CANTIDAD", "victim_age = Edad" } },
	{ "Fecha,Municipio\n01/13/2023,San Salvador\n02/02/2023,Soyapango\n", OB_OK,
	  { "delimiter = ,", "dates = mdy", "territory = Municipio", "occurred_on = Fecha" } },
	{ "Fecha,Municipio\n01/02/2023,San Salvador\n02/03/2023,Soyapango\n", OB_OK,
	  { "dates = dmy", "no day of the sample is above 12" } },
	{ "fecha\tcodigo municipio\n2023-01-05\t05001000\n2023-01-06\t05002000\n", OB_OK,
	  { "delimiter = tab", "dates = iso", "territory_code = codigo municipio",
	    "code_strip_suffix = 000", "period = month" } },
	{ "Fecha;Cod municipio;Nombre victima;Teléfono;Grupo etario\n"
	  "01/02/2023;614;Ana;7777;ADULTOS\n03/05/2023;1201;Luis;7778;MENORES\n", OB_OK,
	  { "code_width = 4", "names = Nombre victima", "ignore = Teléfono",
	    "\nvictim_age_group = Grupo etario", "# age_group,ADULTOS,18+,,",
	    "# age_group,MENORES,0-11,," } },
	{ "a;b\n1;2\n3;4\n", OB_EINVAL, { "# - no column is the date of the event" } },
};

static void drafts_from_files(void **state)
{
	(void)state;
	ob_lang_set(OB_LANG_EN);
	for (size_t i = 0; i < OB_ARRAY_SIZE(drafts); i++) {
		struct ob_infer_options o = { .data = drafts[i].csv, .len = strlen(drafts[i].csv),
			                      .name = "f.csv" };
		struct ob_infer_draft_options dopt = { .country = "SV" };
		struct ob_buf out = OB_BUF_INIT(1 << 20);
		struct ob_infer inf;
		struct ob_profile p;
		struct ob_diag d;

		assert_int_equal(ob_infer_read(&o, &inf, &d), OB_OK);
		assert_int_equal(ob_infer_draft(&inf, &dopt, &out, &d), drafts[i].err);
		for (size_t w = 0; w < OB_ARRAY_SIZE(drafts[i].want) && drafts[i].want[w]; w++)
			if (!strstr(out.ptr, drafts[i].want[w])) {
				print_error("case %zu lacks «%s»:\n%s\n", i, drafts[i].want[w], out.ptr);
				fail();
			}
		/* what it writes is a profile observa reads */
		if (!drafts[i].err) {
			ob_err e = ob_profile_parse(out.ptr, out.len, "draft.ini", &p, &d);
			if (e)
				print_error("case %zu: %s\n%s\n", i, d.message, out.ptr);
			assert_int_equal(e, OB_OK);
			ob_profile_release(&p);
		}
		ob_infer_release(&inf);
		ob_buf_release(&out);
	}
}

static void no_header(void **state)
{
	static const char csv[] = "just a line\nanother line\n";
	struct ob_infer_options o = { .data = csv, .len = strlen(csv), .name = "x.csv" };
	struct ob_infer inf;
	struct ob_diag d;

	(void)state;
	assert_int_equal(ob_infer_read(&o, &inf, &d), OB_ENOHEADER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(code_rules),
		cmocka_unit_test(name_rules),
		cmocka_unit_test(sample_is_bounded),
		cmocka_unit_test(drafts_from_files),
		cmocka_unit_test(no_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
