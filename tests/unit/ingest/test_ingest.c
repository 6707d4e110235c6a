/* test_ingest.c - mapping, validation, quarantine, logbook and atomicity of
 * ob_ingest_file on messy files against a small test catalogue. */
#include "test.h"

#include "fixture.h"
#include "ingest/ingest.h"
#include "ingest/profile.h"

#define HDR "No. Caso;Fecha del hecho;Hora;Municipio;Departamento;Delito;Sexo;Edad;Arma;Nombre\r\n"

static const struct ingest_case {
	const char *name;
	const char *text;
	ob_err err;                /* expected result of ob_ingest_file */
	long long accepted, rejected, warned, footer;
	const char *reason;        /* a quarantine reason that must appear, or NULL */
	long reason_line;
} cases[] = {
	{ "clean rows with banner, CRLF and footer",
	  "POLICIA NACIONAL CIVIL\r\nHomicidios 2020\r\n\r\n" HDR
	  "A1;03/01/2020;22:30;San Salvador;San Salvador;Homicidio;Hombre;35 años;Arma de fuego;Juan Pérez\r\n"
	  "A2;2020-02-14;;AGUILARES;;homicidio agravado;MUJER;;arma blanca;\r\n"
	  "A3;15/03/2020;0130;San Miguel;San Miguel;Feminicidio;Mujer;22;Arma de fuego;Ana\r\n"
	  "Total;;;;;;;;;3\r\nFuente: PNC\r\n",
	  OB_OK, 3, 0, 0, 2, NULL, 0 },
	{ "ambiguous name rejected, parent resolves",
	  HDR
	  "B1;01/06/2020;;San Rafael;;Homicidio;Hombre;30;;\n"
	  "B2;01/06/2020;;San Rafael;Chalatenango;Homicidio;Hombre;30;;\n"
	  "B3;01/06/2020;;San Rafael;Usulutan;Homicidio;Hombre;30;;\n",
	  OB_OK, 2, 1, 0, 0, "municipio ambiguo", 2 },
	{ "bad values are quarantined with reasons",
	  HDR
	  "C1;01/01/2099;;San Salvador;;Homicidio;Hombre;30;;\n"
	  "C2;01/02/2020;;San Salvador;;Homicidio;Hombre;150;;\n"
	  "C3;31/04/2020;;San Salvador;;Homicidio;Hombre;30;;\n"
	  "C4;01/02/2020;;Narnia;;Homicidio;Hombre;30;;\n"
	  "C5;01/02/2020;;San Salvador;;Abigeato;Hombre;30;;\n"
	  ";01/02/2020;;San Salvador;;Homicidio;Hombre;30;;\n"
	  "C7;01/02/2020;;San Salvador;;Homicidio;Hombre;30;;\n"
	  "C7;02/02/2020;;San Salvador;;Homicidio;Hombre;31;;\n"
	  "C9;02/02/2020;;San Salvador;;Homicidio\n",
	  OB_OK, 1, 8, 0, 0, "identificador duplicado", 9 },
	{ "future date reason",
	  HDR "D1;01/01/2099;;San Salvador;;Homicidio;Hombre;30;;\n"
	      "D2;01/01/2020;;San Salvador;;Homicidio;Hombre;30;;\n",
	  OB_OK, 1, 1, 0, 0, "fecha futura", 2 },
	{ "femicide label not yet in force",
	  HDR "E1;01/01/2010;;San Salvador;;Feminicidio;Mujer;30;;\n"
	      "E2;01/01/2013;;San Salvador;;Feminicidio;Mujer;30;;\n",
	  OB_OK, 1, 1, 0, 0, "categoría desconocida", 2 },
	{ "unknown labels warn and count as unknown",
	  HDR "F1;01/01/2020;25 horas;San Salvador;;Homicidio;X;30;Lanzallamas;\n",
	  OB_OK, 1, 0, 1, 0, NULL, 0 },
	{ "territory valid only after the reform",
	  HDR "G1;01/06/2024;;San Salvador Centro;;Homicidio;Hombre;30;;\n"
	      "G2;01/06/2023;;San Salvador Centro;;Homicidio;Hombre;30;;\n",
	  OB_OK, 1, 1, 0, 0, "no vigente", 3 },
	{ "a former municipality named after the reform goes to its successor",
	  HDR "S1;01/06/2024;;Aguilares;;Homicidio;Hombre;30;;\n"
	      "S2;01/06/2024;;San Miguel;;Homicidio;Hombre;30;;\n",
	  OB_OK, 1, 1, 1, 0, "no vigente", 3 },
	{ "missing required column",
	  "No. Caso;Fecha;Municipio\n1;01/01/2020;San Salvador\n",
	  OB_ENOCOL, 0, 0, 0, 0, NULL, 0 },
	{ "no header at all",
	  "uno;dos;tres\n1;2;3\n",
	  OB_ENOHEADER, 0, 0, 0, 0, NULL, 0 },
	{ "duplicated header",
	  "No. Caso;Fecha;Fecha del hecho;Municipio;Delito\n1;01/01/2020;01/01/2020;San Salvador;Homicidio\n",
	  OB_EDUPCOL, 0, 0, 0, 0, NULL, 0 },
	{ "header only",
	  HDR,
	  OB_EEMPTY, 0, 0, 0, 0, NULL, 0 },
	{ "unterminated quote refuses the whole file",
	  HDR "H1;01/01/2020;;San Salvador;;Homicidio;Hombre;30;;\n"
	      "H2;\"01/01/2020;;San Salvador;;Homicidio;Hombre;30;;\n",
	  OB_EPARSE, 0, 0, 0, 0, NULL, 0 },
};

static void run_case(const struct ingest_case *c)
{
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	const char *path = fixture_file(dir, "in.csv", c->text, strlen(c->text));
	struct ob_ingest_result r;
	struct ob_diag d;
	ob_err e;

	ob_diag_clear(&d);
	e = ob_ingest_file(s, "sv-test", path, NULL, &r, &d);
	if (e != c->err) {
		char msg[OB_MAX_MESSAGE];
		ob_diag_format(&d, msg, sizeof(msg));
		print_error("case «%s»: got %s (%s), want %s\n", c->name, ob_err_name(e), msg,
		            ob_err_name(c->err));
	}
	assert_int_equal(e, c->err);
	if (e == OB_OK) {
		assert_int_equal(r.accepted, c->accepted);
		assert_int_equal(r.rejected, c->rejected);
		assert_int_equal(r.rows_read, r.accepted + r.rejected);
		assert_int_equal(r.warned, c->warned);
		assert_int_equal(r.footer_rows, c->footer);
		assert_int_equal(fixture_count(s, "SELECT count(*) FROM record"), c->accepted);
		assert_int_equal(fixture_count(s, "SELECT count(*) FROM quarantine"), c->rejected);
		assert_int_equal(fixture_count(s, "SELECT rows_read - accepted - rejected FROM submission"), 0);
	} else {
		/* a refused file changes nothing */
		assert_int_equal(fixture_count(s, "SELECT count(*) FROM submission"), 0);
		assert_int_equal(fixture_count(s, "SELECT count(*) FROM record"), 0);
		assert_int_equal(fixture_count(s, "SELECT count(*) FROM quarantine"), 0);
		assert_true(d.message[0] != '\0');
	}
	if (c->reason) {
		char sql[512];
		snprintf(sql, sizeof(sql),
		         "SELECT count(*) FROM quarantine WHERE line = %ld AND instr(reason, '%s') > 0",
		         c->reason_line, c->reason);
		if (fixture_count(s, sql) != 1)
			print_error("case «%s»: no quarantine row at line %ld with «%s»\n", c->name,
			            c->reason_line, c->reason);
		assert_int_equal(fixture_count(s, sql), 1);
	}
	ob_store_close(s);
	fixture_remove(dir);
}

static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
}

static void mapping_details(void **state)
{
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	const char *path = fixture_file(dir, "in.csv", cases[0].text, strlen(cases[0].text));
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_ingest_file(s, "sv-test", path, NULL, &r, &d), OB_OK);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE source_id = 'A1' AND"
	                                  " territory = 'SLV0614' AND category = '0101' AND"
	                                  " victim_sex = 'M' AND victim_age = 35 AND"
	                                  " mechanism = 'firearm' AND occurred_on = '2020-01-03' AND"
	                                  " occurred_at = '22:30:00' AND manner = 'homicide' AND"
	                                  " legal_category = 'Homicidio' AND line = 5"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE source_id = 'A2' AND"
	                                  " territory = 'SLV0601' AND victim_sex = 'F' AND"
	                                  " victim_age IS NULL AND mechanism = 'sharp'"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE source_id = 'A3' AND"
	                                  " territory = 'SLV1217' AND occurred_at = '01:30:00'"), 1);
	/* names are kept apart, never in the record */
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM protected p JOIN record r ON"
	                                  " r.id = p.record WHERE r.source_id = 'A1' AND"
	                                  " p.names = 'Juan Pérez'"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE extra LIKE '%Juan%'"), 0);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM submission WHERE period_from ="
	                                  " '2020-01-01' AND period_to = '2020-12-31' AND version = 1"
	                                  " AND institution = 'police' AND country = 'SLV'"), 1);
	/* the fields the delivery supplied: the file's mapped columns and the
	 * profile's constant (manner); not the territory code, which the
	 * profile maps but the file lacks */
	{
		static const enum ob_field supplied[] = {
			OB_F_SOURCE_ID, OB_F_OCCURRED_ON, OB_F_OCCURRED_AT, OB_F_TERRITORY,
			OB_F_TERRITORY_PARENT, OB_F_CATEGORY, OB_F_MANNER, OB_F_VICTIM_SEX,
			OB_F_VICTIM_AGE, OB_F_MECHANISM, OB_F_NAMES,
		};
		long long want = 0;
		for (size_t i = 0; i < OB_ARRAY_SIZE(supplied); i++)
			want |= 1LL << supplied[i];
		assert_int_equal(fixture_count(s, "SELECT fields FROM submission"), want);
	}
	/* ordinary rows stand for one victim each */
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE victims <> 1"), 0);
	assert_int_equal(fixture_count(s, "SELECT victims FROM submission"), 3);
	assert_int_equal(r.victims, 3);
	ob_store_close(s);
	fixture_remove(dir);
}

static void windows_1252_file(void **state)
{
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	/* "Usulután" and "Pérez" in Windows-1252 */
	static const char text[] =
		"No. Caso;Fecha;Municipio;Departamento;Delito;Sexo;Nombre\r\n"
		"W1;01/01/2020;San Rafael;Usulut\xe1n;Homicidio;Hombre;P\xe9rez\r\n";
	const char *path = fixture_file(dir, "cp.csv", text, sizeof(text) - 1);
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_ingest_file(s, "sv-test", path, NULL, &r, &d), OB_OK);
	assert_int_equal(r.accepted, 1);
	assert_string_equal(r.encoding, "Windows-1252");
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM protected WHERE names = 'Pérez'"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE territory = 'SLV1119'"), 1);
	ob_store_close(s);
	fixture_remove(dir);
}

static void reingest_and_supersede(void **state)
{
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	static const char v1[] = HDR "A1;03/01/2020;;San Salvador;;Homicidio;Hombre;35;;\n"
	                             "A2;04/01/2020;;San Salvador;;Homicidio;Hombre;36;;\n";
	static const char v2[] = HDR "A1;03/01/2020;;San Salvador;;Homicidio;Hombre;35;;\n"
	                             "A2;04/01/2020;;San Salvador;;Homicidio;Hombre;36;;\n"
	                             "A3;05/01/2020;;San Salvador;;Homicidio;Hombre;37;;\n";
	char p1[512], p2[512];
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	ob_strlcpy(p1, fixture_file(dir, "v1.csv", v1, sizeof(v1) - 1), sizeof(p1));
	ob_strlcpy(p2, fixture_file(dir, "v2.csv", v2, sizeof(v2) - 1), sizeof(p2));
	assert_int_equal(ob_ingest_file(s, "sv-test", p1, NULL, &r, &d), OB_OK);
	assert_false(r.already);
	assert_int_equal(r.submission, 1);
	/* the same bytes again: nothing changes */
	assert_int_equal(ob_ingest_file(s, "sv-test", p1, NULL, &r, &d), OB_OK);
	assert_true(r.already);
	assert_int_equal(r.submission, 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM submission"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record"), 2);
	/* a corrected delivery of the same period supersedes the first */
	assert_int_equal(ob_ingest_file(s, "sv-test", p2, NULL, &r, &d), OB_OK);
	assert_int_equal(r.superseded, 1);
	assert_int_equal(r.version, 2);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM submission"), 2);
	assert_int_equal(fixture_count(s, "SELECT superseded_by FROM submission WHERE id = 1"), r.submission);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record r JOIN submission b ON"
	                                  " b.id = r.submission WHERE b.superseded_by IS NULL"), 3);
	/* the earlier version stays in the history */
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE submission = 1"), 2);
	ob_store_close(s);
	fixture_remove(dir);
}

static void declared_period(void **state)
{
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	static const char text[] = HDR "A1;03/01/2019;;San Salvador;;Homicidio;Hombre;35;;\n"
	                               "A2;04/01/2019;;San Salvador;;Homicidio;Hombre;36;;\n"
	                               "A3;04/01/2020;;San Salvador;;Homicidio;Hombre;36;;\n";
	const char *path = fixture_file(dir, "p.csv", text, sizeof(text) - 1);
	struct ob_ingest_options o = { 0 };
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	o.period = "2020";
	assert_int_equal(ob_ingest_file(s, "sv-test", path, &o, &r, &d), OB_EPERIOD);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM submission"), 0);
	o.period = "2019";
	assert_int_equal(ob_ingest_file(s, "sv-test", path, &o, &r, &d), OB_OK);
	assert_int_equal(r.accepted, 2);
	assert_int_equal(r.rejected, 1);
	assert_string_equal(r.period_from, "2019-01-01");
	assert_string_equal(r.period_to, "2019-12-31");
	o.period = "2019-13";
	assert_int_equal(ob_ingest_file(s, "sv-test", path, &o, &r, &d), OB_EUSAGE);
	ob_store_close(s);
	fixture_remove(dir);
}

static void unknown_source(void **state)
{
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	const char *path = fixture_file(dir, "x.csv", HDR, strlen(HDR));
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_ingest_file(s, "sv-nadie", path, NULL, &r, &d), OB_ENOSOURCE);
	assert_non_null(strstr(d.message, "sv-test"));
	assert_int_equal(ob_ingest_file(s, "../etc", path, NULL, &r, &d), OB_ENOSOURCE);
	ob_store_close(s);
	fixture_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(mapping_details),
		cmocka_unit_test(windows_1252_file),
		cmocka_unit_test(reingest_and_supersede),
		cmocka_unit_test(declared_period),
		cmocka_unit_test(unknown_source),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
