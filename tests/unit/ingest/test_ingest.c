/* test_ingest.c - mapping, validation, quarantine, logbook and atomicity of
 * ob_ingest_file on messy files against a small test catalogue. */
#include "test.h"

#include "base/buf.h"
#include "fixture.h"
#include "ingest/ingest.h"
#include "ingest/profile.h"
/* raw SQL (store_sql.h): reads back the records an ingest wrote, as the oracle. */
#include "store_sql.h"

#define HDR "No. Caso;Fecha del hecho;Hora;Municipio;Departamento;Delito;Sexo;Edad;Arma;Nombre\r\n"

static const struct ingest_case {
	const char *name;
	const char *text;
	ob_err err;                /* expected result of ob_ingest_file */
	long long accepted, rejected, warned, footer;
	const char *reason;        /* a quarantine reason that must appear, or NULL */
	long reason_line;
	const char *period;        /* declared, or NULL */
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
	  OB_OK, 1, 1, 0, 0, "categoría desconocida", 2, "2010..2013" },
	{ "unknown labels warn and count as unknown",
	  HDR "F1;01/01/2020;25 horas;San Salvador;;Homicidio;X;30;Lanzallamas;\n",
	  OB_OK, 1, 0, 1, 0, NULL, 0 },
	{ "territory valid only after the reform",
	  HDR "G1;01/06/2024;;San Salvador Centro;;Homicidio;Hombre;30;;\n"
	      "G2;01/06/2023;;San Salvador Centro;;Homicidio;Hombre;30;;\n",
	  OB_OK, 1, 1, 0, 0, "no vigente", 3, "2023..2024" },
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
	struct ob_ingest_options o = { 0 };
	struct ob_ingest_result r;
	struct ob_diag d;
	ob_err e;

	ob_diag_clear(&d);
	o.period = c->period;
	e = ob_ingest_file(s, "sv-test", path, &o, &r, &d);
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

/* A count column: each bad value sends its row to quarantine with the
 * column, the value and what was expected; good ones are the row's
 * victims, and the logbook has rows and victims. */
static const char counted_profile[] =
	"[source]\ncode = sv-cnt\ncountry = SV\ninstitution = police\n"
	"[file]\ndates = dmy\n"
	"[columns]\nsource_id = Id\noccurred_on = Fecha\nterritory = Municipio\n"
	"category = Delito\ncount = CANTIDAD\n"
	"[crosswalks]\ncategory = sv-delito\n";

static const struct {
	const char *value;
	long long victims; /* -1: refused */
} count_cases[] = {
	{ "1", 1 }, { "12", 12 }, { "0", 0 }, { " 7 ", 7 }, { "007", 7 }, { "1000000", 1000000 },
	{ "1.5", -1 }, { "-2", -1 }, { "", -1 }, { "abc", -1 }, { "+3", -1 }, { "1,000", -1 },
	{ "3.0", -1 }, { "1e3", -1 }, { "1000001", -1 }, { "99999999999999999999", -1 },
};

static void count_column(void **state)
{
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	struct ob_buf csv = OB_BUF_INIT(1 << 16);
	struct ob_ingest_result r;
	struct ob_diag d;
	long long rows = 0, victims = 0, bad = 0;
	char sql[256];
	(void)state;

	fixture_file(dir, "catalog/sources/sv-cnt.ini", counted_profile, strlen(counted_profile));
	ob_buf_puts(&csv, "Id;Fecha;Municipio;Delito;CANTIDAD\n");
	for (size_t i = 0; i < OB_ARRAY_SIZE(count_cases); i++) {
		ob_buf_putf(&csv, "K%zu;01/03/2020;Aguilares;Homicidio;%s\n", i, count_cases[i].value);
		rows++;
		if (count_cases[i].victims >= 0)
			victims += count_cases[i].victims;
		else
			bad++;
	}
	assert_int_equal(ob_ingest_file(s, "sv-cnt", fixture_file(dir, "c.csv", csv.ptr, csv.len),
	                                NULL, &r, &d), OB_OK);
	assert_int_equal(r.rows_read, rows);
	assert_int_equal(r.rejected, bad);
	assert_int_equal(r.accepted, rows - bad);
	assert_int_equal(r.victims, victims);
	assert_int_equal(fixture_count(s, "SELECT victims FROM submission"), victims);
	assert_int_equal(fixture_count(s, "SELECT sum(victims) FROM record"), victims);
	for (size_t i = 0; i < OB_ARRAY_SIZE(count_cases); i++) {
		if (count_cases[i].victims >= 0) {
			snprintf(sql, sizeof(sql), "SELECT victims FROM record WHERE source_id = 'K%zu'", i);
			if (fixture_count(s, sql) != count_cases[i].victims)
				fail_msg("«%s»: %lld victims", count_cases[i].value, fixture_count(s, sql));
			continue;
		}
		/* line i + 2, column 5, field count, the value, what was expected */
		snprintf(sql, sizeof(sql),
		         "SELECT count(*) FROM quarantine WHERE line = %zu AND column = 5 AND"
		         " field = 'count' AND instr(reason, 'víctimas') > 0 AND"
		         " (instr(reason, 'entero') > 0 OR instr(reason, 'como máximo') > 0)", i + 2);
		if (fixture_count(s, sql) != 1)
			fail_msg("«%s» not quarantined with its reason", count_cases[i].value);
	}
	/* the count column is a field, never an extra */
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE extra LIKE '%CANTIDAD%'"),
	                 0);
	assert_int_equal(fixture_count(s, "SELECT fields >> 20 & 1 FROM submission"), 1);
	ob_buf_release(&csv);
	ob_store_close(s);
	fixture_remove(dir);
}

/* The corrected delivery of the issue: a 2023 file, then a corrected 2023
 * file with one case dated 31/12/2022. The correction's period is 2023 (the
 * year holding most rows), it supersedes the first, and the 2022 row is
 * quarantined: 2023 counts the corrected file only. */
static void corrected_delivery(void **state)
{
	static const char v1[] = HDR "A1;03/01/2023;;San Salvador;;Homicidio;Hombre;35;;\n"
	                             "A2;04/02/2023;;San Salvador;;Homicidio;Hombre;36;;\n"
	                             "A3;05/12/2023;;San Salvador;;Homicidio;Hombre;37;;\n";
	static const char v2[] = HDR "A1;03/01/2023;;San Salvador;;Homicidio;Hombre;35;;\n"
	                             "A2;04/02/2023;;San Salvador;;Homicidio;Hombre;36;;\n"
	                             "A3;05/12/2023;;San Salvador;;Homicidio;Hombre;37;;\n"
	                             "A4;31/12/2022;;San Salvador;;Homicidio;Hombre;38;;\n";
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	char p1[512], p2[512];
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	ob_strlcpy(p1, fixture_file(dir, "v1.csv", v1, sizeof(v1) - 1), sizeof(p1));
	ob_strlcpy(p2, fixture_file(dir, "v2.csv", v2, sizeof(v2) - 1), sizeof(p2));
	assert_int_equal(ob_ingest_file(s, "sv-test", p1, NULL, &r, &d), OB_OK);
	assert_string_equal(r.period, "2023");
	assert_string_equal(r.period_basis, "rows");
	assert_int_equal(ob_ingest_file(s, "sv-test", p2, NULL, &r, &d), OB_OK);
	assert_string_equal(r.period, "2023");
	assert_string_equal(r.period_from, "2023-01-01");
	assert_string_equal(r.period_to, "2023-12-31");
	assert_int_equal(r.superseded, 1);
	assert_int_equal(r.accepted, 3);
	assert_int_equal(r.rejected, 1);
	assert_int_equal(r.outside_period, 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record r JOIN submission b ON"
	                                  " b.id = r.submission WHERE b.superseded_by IS NULL"
	                                  " AND r.occurred_on LIKE '2023-%'"), 3);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM quarantine WHERE line = 5 AND"
	                                  " instr(reason, 'fuera del periodo del envío, 2023') > 0"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM submission WHERE period = '2023'"
	                                  " AND period_basis = 'rows'"), 2);
	ob_store_close(s);
	fixture_remove(dir);
}

/* An aggregate source: counts by municipality x period x category (x sex),
 * periods as months or years; no id in the file; rows without a territory
 * or a period, and a cell given twice, refused; a re-delivery supersedes
 * with the same ids. */
static const char aggregate_profile[] =
	"[source]\ncode = sv-agg\ncountry = SV\ninstitution = police\naggregate = true\n"
	"period = year\n[file]\ndates = dmy\n"
	"[columns]\noccurred_on = Mes\nterritory = Municipio\ncategory = Delito\n"
	"victim_sex = Sexo\ncount = Total\n"
	"[crosswalks]\ncategory = sv-delito\nvictim_sex = sexo\n";

static const char aggregate_file[] =
	"Conteos de delitos por municipio y mes\n\n"
	"Mes;Municipio;Delito;Sexo;Total;Zona\n"
	"2020-01;Aguilares;Homicidio;Hombre;4;urbana\n"     /* line 4 */
	"2020-01;Aguilares;Homicidio;Hombre;2;rural\n"      /* 5: another cell (zone) */
	"02/2020;Aguilares;Homicidio;Mujer;1;urbana\n"      /* 6 */
	"marzo 2020;San Miguel;Robo;Hombre;10;urbana\n"     /* 7 */
	"2020;San Salvador;Robo;Ignorado;5;urbana\n"        /* 8: a year */
	"2020-04;Aguilares;Robo;Hombre;0;urbana\n"          /* 9: an explicit zero */
	"2020-05;;Homicidio;Hombre;3;urbana\n"              /* 10: no territory */
	";Aguilares;Homicidio;Hombre;3;urbana\n"            /* 11: no period */
	"2020-01;Aguilares;Homicidio;Hombre;9;urbana\n"     /* 12: line 4 again */
	"2020-06;Aguilares;Homicidio;Hombre;dos;urbana\n"   /* 13: bad count */
	"Total;;;;22;\n";

static void aggregate_source(void **state)
{
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	struct ob_ingest_result r;
	struct ob_diag d;
	char ids[6][300];
	(void)state;

	fixture_file(dir, "catalog/sources/sv-agg.ini", aggregate_profile,
	             strlen(aggregate_profile));
	assert_int_equal(ob_ingest_file(s, "sv-agg", fixture_file(dir, "a.csv", aggregate_file,
	                                                          strlen(aggregate_file)),
	                                NULL, &r, &d), OB_OK);
	assert_int_equal(r.rows_read, 10);
	assert_int_equal(r.accepted, 6);
	assert_int_equal(r.rejected, 4);
	/* the file's own total row */
	assert_int_equal(r.victims, 4 + 2 + 1 + 10 + 5 + 0);
	assert_int_equal(r.footer_rows, 1);
	assert_int_equal(fixture_count(s, "SELECT aggregate FROM submission"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM quarantine WHERE line = 10 AND"
	                                  " field = 'territory'"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM quarantine WHERE line = 11 AND"
	                                  " field = 'occurred_on'"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM quarantine WHERE line = 12 AND"
	                                  " instr(reason, 'repetida') > 0"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM quarantine WHERE line = 13 AND"
	                                  " field = 'count' AND value = 'dos'"), 1);
	/* periods at their precision */
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE line = 6 AND"
	                                  " occurred_on = '2020-02' AND precision = 'month'"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE line = 7 AND"
	                                  " occurred_on = '2020-03' AND precision = 'month'"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE line = 8 AND"
	                                  " occurred_on = '2020' AND precision = 'year'"), 1);
	assert_int_equal(fixture_count(s, "SELECT victims FROM record WHERE line = 9"), 0);
	/* ids from the dimensions: readable, distinct, the unmapped column in them */
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE source_id ="
	                                  " 'SLV0601|2020-01|homicidio|hombre|urbana'"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(DISTINCT source_id) FROM record"), 6);
	{
		sqlite3_stmt *q;
		int n = 0;
		assert_int_equal(ob_store_prepare(s, "SELECT source_id FROM record ORDER BY line", &q,
		                                  &d), OB_OK);
		while (sqlite3_step(q) == SQLITE_ROW && n < 6)
			ob_strlcpy(ids[n++], (const char *)sqlite3_column_text(q, 0), sizeof(ids[0]));
		sqlite3_finalize(q);
		assert_int_equal(n, 6);
	}
	/* a corrected delivery (another spelling, the bad rows fixed) supersedes
	 * the first and gives its cells the same ids */
	{
		static const char fixed[] =
			"Mes;Municipio;Delito;Sexo;Total;Zona\n"
			"2020-01;AGUILARES;HOMICIDIO;hombre;5;Urbana\n"
			"2020-01;Aguilares;Homicidio;Hombre;2;rural\n"
			"2020-02;Aguilares;Homicidio;Mujer;1;urbana\n"
			"2020-03;San Miguel;Robo;Hombre;10;urbana\n"
			"2020;San Salvador;Robo;Ignorado;5;urbana\n"
			"abril 2020;Aguilares;Robo;Hombre;0;urbana\n";
		sqlite3_stmt *q;
		int n = 0;

		assert_int_equal(ob_ingest_file(s, "sv-agg", fixture_file(dir, "b.csv", fixed,
		                                                          strlen(fixed)),
		                                NULL, &r, &d), OB_OK);
		assert_int_equal(r.rejected, 0);
		assert_int_equal(r.victims, 23);
		assert_true(r.superseded > 0);
		assert_int_equal(ob_store_prepare(s, "SELECT source_id FROM record WHERE submission = ?1"
		                                  " ORDER BY line", &q, &d), OB_OK);
		sqlite3_bind_int64(q, 1, r.submission);
		while (sqlite3_step(q) == SQLITE_ROW && n < 6) {
			assert_string_equal((const char *)sqlite3_column_text(q, 0), ids[n]);
			n++;
		}
		sqlite3_finalize(q);
		assert_int_equal(n, 6);
	}
	ob_store_close(s);
	fixture_remove(dir);
}

/* outside_period = warn: the row is kept, with its warning. */
static void outside_period_warns(void **state)
{
	static const char v[] = HDR "A1;03/01/2023;;San Salvador;;Homicidio;Hombre;35;;\n"
	                            "A2;04/02/2023;;San Salvador;;Homicidio;Hombre;36;;\n"
	                            "A4;31/12/2022;;San Salvador;;Homicidio;Hombre;38;;\n";
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	const char *path = fixture_file(dir, "v.csv", v, sizeof(v) - 1);
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	fixture_profile(dir, "[rules]\noutside_period = warn\n");
	assert_int_equal(ob_ingest_file(s, "sv-test", path, NULL, &r, &d), OB_OK);
	assert_string_equal(r.period, "2023");
	assert_int_equal(r.accepted, 3);
	assert_int_equal(r.rejected, 0);
	assert_int_equal(r.warned, 1);
	assert_int_equal(r.outside_period, 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM warning WHERE line = 4 AND"
	                                  " field = 'occurred_on' AND value = '31/12/2022' AND"
	                                  " instr(reason, 'outside_period = warn') > 0"), 1);
	ob_store_close(s);
	fixture_remove(dir);
}

/* Where the period comes from: the file name, when it holds most rows. */
static void period_from_file_name(void **state)
{
	static const char v[] = HDR "A1;03/01/2023;;San Salvador;;Homicidio;Hombre;35;;\n"
	                            "A2;04/02/2023;;San Salvador;;Homicidio;Hombre;36;;\n";
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	char path[512];
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	/* a monthly profile: two months in the file, the name says the quarter */
	fixture_profile(dir, "[source]\nperiod = month\n");
	ob_strlcpy(path, fixture_file(dir, "pnc_2023-Q1.csv", v, sizeof(v) - 1), sizeof(path));
	assert_int_equal(ob_ingest_file(s, "sv-test", path, NULL, &r, &d), OB_OK);
	assert_string_equal(r.period, "2023-Q1");
	assert_string_equal(r.period_basis, "file_name");
	/* a name that the rows contradict is not believed */
	{
		static const char v24[] = HDR "B1;03/05/2024;;San Salvador;;Homicidio;Hombre;35;;\n";
		ob_strlcpy(path, fixture_file(dir, "pnc_2021.csv", v24, sizeof(v24) - 1), sizeof(path));
	}
	assert_int_equal(ob_ingest_file(s, "sv-test", path, NULL, &r, &d), OB_OK);
	assert_string_equal(r.period, "2024-05");
	assert_string_equal(r.period_basis, "rows");
	assert_non_null(strstr(r.period_note, "2021"));
	ob_store_close(s);
	fixture_remove(dir);
}

/* A period that overlaps a current delivery's without covering it is
 * refused, naming it; one that covers several supersedes them all. */
static void overlapping_periods(void **state)
{
	static const char jan[] = HDR "A1;03/01/2024;;San Salvador;;Homicidio;Hombre;35;;\n";
	static const char feb[] = HDR "A2;03/02/2024;;San Salvador;;Homicidio;Hombre;35;;\n";
	static const char mar[] = HDR "A3;03/03/2024;;San Salvador;;Homicidio;Hombre;35;;\n";
	static const char year[] = HDR "A1;03/01/2024;;San Salvador;;Homicidio;Hombre;35;;\n"
	                               "A2;03/02/2024;;San Salvador;;Homicidio;Hombre;35;;\n";
	static const char jan2[] = HDR "A1;04/01/2024;;San Salvador;;Homicidio;Hombre;35;;\n";
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	char p1[512], p2[512], p3[512], p4[512], p5[512];
	struct ob_ingest_options o = { 0 };
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	ob_strlcpy(p1, fixture_file(dir, "jan.csv", jan, sizeof(jan) - 1), sizeof(p1));
	ob_strlcpy(p2, fixture_file(dir, "feb.csv", feb, sizeof(feb) - 1), sizeof(p2));
	ob_strlcpy(p3, fixture_file(dir, "mar.csv", mar, sizeof(mar) - 1), sizeof(p3));
	ob_strlcpy(p4, fixture_file(dir, "year.csv", year, sizeof(year) - 1), sizeof(p4));
	ob_strlcpy(p5, fixture_file(dir, "jan2.csv", jan2, sizeof(jan2) - 1), sizeof(p5));
	o.period = "2024-01";
	assert_int_equal(ob_ingest_file(s, "sv-test", p1, &o, &r, &d), OB_OK);
	assert_string_equal(r.period_basis, "declared");
	o.period = "2024-02";
	assert_int_equal(ob_ingest_file(s, "sv-test", p2, &o, &r, &d), OB_OK);
	/* the same bytes again change nothing, whatever period is declared */
	o.period = "2023-12..2024-01";
	assert_int_equal(ob_ingest_file(s, "sv-test", p1, &o, &r, &d), OB_OK);
	assert_true(r.already);
	/* half of February: refused, naming the February delivery */
	ob_diag_clear(&d);
	o.period = "2024-02-15..2024-03-31";
	assert_int_equal(ob_ingest_file(s, "sv-test", p3, &o, &r, &d), OB_EOVERLAP);
	assert_non_null(strstr(d.message, "envío 2 (feb.csv, periodo 2024-02)"));
	assert_non_null(strstr(d.message, "declare el periodo 2024-02"));
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM submission"), 2);
	/* the year covers both months: it supersedes them */
	o.period = "2024";
	assert_int_equal(ob_ingest_file(s, "sv-test", p4, &o, &r, &d), OB_OK);
	assert_int_equal(r.nsuperseded, 2);
	assert_int_equal(r.superseded, 2);
	assert_int_equal(r.version, 2);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM submission WHERE superseded_by = 3"), 2);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record r JOIN submission b ON"
	                                  " b.id = r.submission WHERE b.superseded_by IS NULL"), 2);
	/* a month inside the current year cannot replace part of it */
	o.period = "2024-01";
	assert_int_equal(ob_ingest_file(s, "sv-test", p5, &o, &r, &d), OB_EOVERLAP);
	assert_non_null(strstr(d.message, "envío 3 (year.csv, periodo 2024)"));
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM submission"), 3);
	ob_store_close(s);
	fixture_remove(dir);
}

/* A column that looks personal and is not protected stops the file before
 * anything is written; the profile can protect, ignore or clear it. */
static void personal_columns(void **state)
{
	static const char v[] =
		"No. Caso;Fecha del hecho;Municipio;Delito;Nombre victima;Tel\xC3\xA9" "fono;"
		"Nombre del municipio\n"
		"A1;03/01/2023;San Salvador;Homicidio;Ana P\xC3\xA9rez;7777-0000;San Salvador\n";
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	const char *path = fixture_file(dir, "v.csv", v, sizeof(v) - 1);
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	ob_diag_clear(&d);
	assert_int_equal(ob_ingest_file(s, "sv-test", path, NULL, &r, &d), OB_EPERSONAL);
	assert_int_equal(d.line, 1);
	assert_int_equal(d.column, 5);
	assert_non_null(strstr(d.message, "«Nombre victima» (columna 5, nombre: añada en [columns] "
	                                  "names = Nombre victima)"));
	assert_non_null(strstr(d.message, "«Teléfono» (columna 6, teléfono"));
	assert_non_null(strstr(d.message, "ignore = Teléfono"));
	assert_null(strstr(d.message, "Nombre del municipio"));
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM submission"), 0);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record"), 0);
	/* protected and ignored: the name goes apart, the telephone nowhere */
	fixture_profile(dir, "[columns]\nnames = Nombre victima\nignore = Teléfono\n");
	assert_int_equal(ob_ingest_file(s, "sv-test", path, NULL, &r, &d), OB_OK);
	assert_int_equal(r.accepted, 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM protected WHERE names = 'Ana Pérez'"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE extra LIKE '%Ana%'"
	                                  " OR extra LIKE '%7777%'"), 0);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE"
	                                  " extra = '{\"Nombre del municipio\":\"San Salvador\"}'"), 1);
	ob_store_close(s);
	fixture_remove(dir);
}

/* A personal column mapped to a field that is not protected is refused
 * too; not_personal clears a column that only looks personal. */
static void personal_mapped_or_cleared(void **state)
{
	static const char v[] = "DUI;Fecha del hecho;Municipio;Delito;Direcci\xC3\xB3n\n"
	                        "01234567-8;03/01/2023;San Salvador;Homicidio;Regional Centro\n";
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	const char *path = fixture_file(dir, "v.csv", v, sizeof(v) - 1);
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	fixture_profile(dir, "[columns]\nsource_id = DUI\nnot_personal = Dirección\n");
	assert_int_equal(ob_ingest_file(s, "sv-test", path, NULL, &r, &d), OB_EPERSONAL);
	assert_non_null(strstr(d.message, "«DUI» (columna 1, documento de identidad, asignada a "
	                                  "source_id"));
	assert_null(strstr(d.message, "Dirección"));
	fixture_profile(dir, "[columns]\nsource_id = DUI\nnot_personal = Dirección | DUI\n");
	assert_int_equal(ob_ingest_file(s, "sv-test", path, NULL, &r, &d), OB_OK);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM record WHERE"
	                                  " extra = '{\"Dirección\":\"Regional Centro\"}'"), 1);
	ob_store_close(s);
	fixture_remove(dir);
}

/* A Windows-1252 file under a UTF-8 profile: read as Windows-1252, so
 * "Nombre víctima" is seen (and stops the file), with examples. */
static void encoding_contradicted(void **state)
{
	static const char v[] = "No. Caso;Fecha del hecho;Municipio;Delito;Nombre v\xED" "ctima\n"
	                        "A1;03/01/2023;San Salvador;Homicidio;Jos\xE9\n";
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	const char *path = fixture_file(dir, "v.csv", v, sizeof(v) - 1);
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	fixture_profile(dir, "[file]\nencoding = utf-8\n");
	assert_int_equal(ob_ingest_file(s, "sv-test", path, NULL, &r, &d), OB_EPERSONAL);
	assert_non_null(strstr(d.message, "«Nombre víctima»"));
	assert_true(r.encoding_check.contradicted);
	assert_int_equal(r.encoding_check.given, OB_ENC_UTF8);
	assert_int_equal(r.encoding_check.nexamples, 2);
	assert_int_equal(r.encoding_check.examples[0].line, 1);
	assert_int_equal(r.encoding_check.examples[0].column, 5);
	assert_string_equal(r.encoding_check.examples[0].as_read, "Nombre víctima");
	/* protected, the file goes in, and its warnings say where */
	fixture_profile(dir, "[file]\nencoding = utf-8\n[columns]\nnames = Nombre víctima\n");
	assert_int_equal(ob_ingest_file(s, "sv-test", path, NULL, &r, &d), OB_OK);
	assert_string_equal(r.encoding, "Windows-1252");
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM protected WHERE names = 'José'"), 1);
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM warning WHERE field IS NULL AND"
	                                  " line = 2 AND column = 5 AND value = 'José' AND"
	                                  " instr(reason, 'no está en UTF-8') > 0"), 1);
	ob_store_close(s);
	fixture_remove(dir);
}

/* No month, quarter or year holds most rows: the period must be declared. */
static void period_unknown(void **state)
{
	static const char v[] = HDR "A1;03/01/2022;;San Salvador;;Homicidio;Hombre;35;;\n"
	                            "A2;04/02/2023;;San Salvador;;Homicidio;Hombre;36;;\n";
	struct ob_store *s;
	const char *dir = fixture_open(&s);
	const char *path = fixture_file(dir, "v.csv", v, sizeof(v) - 1);
	struct ob_ingest_result r;
	struct ob_diag d;
	(void)state;

	assert_int_equal(ob_ingest_file(s, "sv-test", path, NULL, &r, &d), OB_EPERIOD);
	assert_non_null(strstr(d.message, "--period 2022..2023"));
	assert_int_equal(fixture_count(s, "SELECT count(*) FROM submission"), 0);
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
		cmocka_unit_test(corrected_delivery),
		cmocka_unit_test(outside_period_warns),
		cmocka_unit_test(period_from_file_name),
		cmocka_unit_test(overlapping_periods),
		cmocka_unit_test(personal_columns),
		cmocka_unit_test(personal_mapped_or_cleared),
		cmocka_unit_test(encoding_contradicted),
		cmocka_unit_test(period_unknown),
		cmocka_unit_test(unknown_source),
		cmocka_unit_test(count_column),
		cmocka_unit_test(aggregate_source),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
