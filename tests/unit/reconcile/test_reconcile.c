/* test_reconcile.c - which records are deaths, settings files, linking a small
 * synthetic population of three sources into one death each, the ledger and
 * the territory table, review decisions, evaluation, and a round trip
 * through a store. */
#include "test.h"

#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reconcile/reconcile.h"
#include "store/audit.h"
/* raw SQL (store_sql.h): plants records and protected names without an ingest. */
#include "store_dir.h"
#include "store_sql.h"

static void is_death(void **state)
{
	static const struct {
		const char *category, *manner;
		bool death;
	} t[] = {
		{ "0101", "homicide", true },     { "0101", NULL, true },
		{ "01011", NULL, true },          { "0103", "", true },
		{ "010321", NULL, true },         { "0107", "unknown", true },
		{ "0109", NULL, true },           { NULL, "homicide", true },
		{ NULL, "undetermined", true },   { NULL, "legal_intervention", true },
		{ NULL, "suicide", false },       { NULL, "accident", false },
		{ "0101", "suicide", false },     { "0102", NULL, false },
		{ "0104", NULL, false },          { "0201", NULL, false },
		{ "0502", NULL, false },          { "X01", NULL, false },
		{ NULL, NULL, false },            { "", "", false },
		{ NULL, "unknown", false },
	};
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(t); i++) {
		if (ob_reconcile_is_death(t[i].category, t[i].manner) != t[i].death)
			fail_msg("case %zu: %s / %s", i, t[i].category ? t[i].category : "NULL",
			         t[i].manner ? t[i].manner : "NULL");
	}
}

static void settings(void **state)
{
	struct ob_reconcile_settings s;
	struct ob_diag d;
	const char *good = "# comment\n[reconcile]\nthreshold = 0.7 ; why\nreview_low=0.1\n"
	                   "date_days = 5\nmanner = prosecutor\nplace = forensic, police\n";
	struct ob_buf b = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	(void)state;

	ob_reconcile_settings_defaults(&s);
	assert_true(s.order[OB_RECONCILE_MANNER][0] == OB_RECONCILE_FORENSIC);
	assert_true(s.order[OB_RECONCILE_TERRITORY][0] == OB_RECONCILE_POLICE);
	assert_int_equal(ob_reconcile_settings_parse(good, strlen(good), "a.ini", &s, &d), OB_OK);
	assert_true(s.threshold == 0.7 && s.review_low == 0.1 && s.date_days == 5);
	/* named institutions first, the rest in the default order */
	assert_true(s.order[OB_RECONCILE_MANNER][0] == OB_RECONCILE_PROSECUTOR);
	assert_true(s.order[OB_RECONCILE_MANNER][1] == OB_RECONCILE_FORENSIC);
	assert_true(s.order[OB_RECONCILE_MANNER][2] == OB_RECONCILE_POLICE);
	assert_true(s.order[OB_RECONCILE_PLACE][0] == OB_RECONCILE_FORENSIC &&
	            s.order[OB_RECONCILE_PLACE][1] == OB_RECONCILE_POLICE &&
	            s.order[OB_RECONCILE_PLACE][2] == OB_RECONCILE_PROSECUTOR);
	ob_reconcile_settings_format(&s, &b);
	assert_non_null(strstr(b.ptr, "threshold = 0.7\n"));
	assert_non_null(strstr(b.ptr, "manner = prosecutor, forensic, police\n"));
	ob_buf_release(&b);

	static const struct {
		const char *text;
		long line;
		const char *what;
	} bad[] = {
		{ "threshold = 1.5\n", 1, "1.5" },
		{ "\nthreshold = abc\n", 2, "abc" },
		{ "date_days = 2.5\n", 1, "2.5" },
		{ "colour = blue\n", 1, "colour" },
		{ "manner = police, police\n", 1, "police" },
		{ "manner = coroner\n", 1, "coroner" },
		{ "[link]\n", 1, "[link]" },
		{ "threshold\n", 1, "threshold" },
		{ "duplicate_threshold = 0\n", 1, "0" },
		{ "review_low = 0.8\nreview_high = 0.5\n", 2, NULL },
	};
	for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
		ob_reconcile_settings_defaults(&s);
		ob_diag_clear(&d);
		if (ob_reconcile_settings_parse(bad[i].text, strlen(bad[i].text), "b.ini", &s, &d) !=
		    OB_EINVAL)
			fail_msg("bad case %zu accepted", i);
		assert_int_equal(d.line, bad[i].line);
		assert_string_equal(d.file, "b.ini");
		if (bad[i].what)
			assert_string_equal(d.value, bad[i].what);
	}
}

/* A small population: person p is seen by the police, forensic medicine and
 * the prosecutor, each writing the name its own way, except that some are
 * seen by one source only and some carry a disagreement. */
static const char *const given[] = {
	"ANA", "BRAYAN", "CARLOS", "DIANA", "ERICK", "FLOR", "GERMAN", "HILDA", "IVAN",
	"JULIA", "KEVIN", "LUCIA", "MARIO", "NORMA", "OSCAR", "PAOLA", "RAUL", "SONIA",
	"TOMAS", "URSULA", "VICTOR", "WENDY", "XAVIER", "YESENIA",
};
static const char *const sur1[] = {
	"ALVARADO", "BONILLA", "CASTILLO", "DUARTE", "ESCOBAR", "FLORES", "GUZMAN", "HERRERA",
	"IRAHETA", "JUAREZ", "LARA", "MENDEZ", "NAVARRO", "ORELLANA", "PORTILLO", "QUINTANILLA",
	"RIVAS", "SOLIS", "TURCIOS", "URBINA", "VEGA", "ZELAYA", "AYALA", "BARRIOS",
};
static const char *const sur2[] = {
	"MOLINA", "PEREZ", "ROMERO", "CRUZ", "ORTIZ", "REYES", "MEJIA", "LOPEZ", "GARCIA",
	"MARTINEZ", "SANCHEZ", "RAMIREZ", "TORRES", "DIAZ", "VARGAS", "CASTRO", "MORALES",
	"GOMEZ", "RAMOS", "CHAVEZ", "AGUILAR", "MEDINA", "PINEDA", "SALAZAR",
};
#define NPEOPLE 24
#define SINGLE 21 /* people from here on are seen by the police only */

static void add(struct ob_reconcile_run *run, enum ob_reconcile_inst inst, int p, const char *names,
                const char *date, int age, const char *manner, const char *terr)
{
	static const char *const src[3] = { "x-pol", "x-ml", "x-mp" };
	static const char *const pfx[3] = { "P", "F", "M" };
	char id[32];
	struct ob_reconcile_record r;
	struct ob_diag d;

	snprintf(id, sizeof(id), "%s-%03d", pfx[inst], p);
	memset(&r, 0, sizeof(r));
	r.id = inst * 1000 + p;
	r.source = src[inst];
	r.source_id = id;
	r.country = "XXX";
	r.inst = inst;
	r.date = date;
	r.territory = terr;
	r.admin1 = terr[3] == '1' ? "XXX1" : "XXX2";
	r.sex = p % 2 ? "M" : "F";
	r.age = age;
	r.manner = manner;
	r.mechanism = p % 3 ? "firearm" : "sharp";
	r.place = inst == OB_RECONCILE_POLICE ? "public_road" : NULL;
	r.names = names;
	assert_int_equal(ob_reconcile_add(run, &r, &d), OB_OK);
}

static void population(struct ob_reconcile_run *run)
{
	for (int p = 0; p < NPEOPLE; p++) {
		char name[128], date[16], date2[16], terr[16];
		int day = 1 + (p * 11) % 28, month = 1 + p % 12, age = 18 + p * 2;
		snprintf(date, sizeof(date), "2020-%02d-%02d", month, day);
		/* person 3's autopsy is dated 6 days later */
		snprintf(date2, sizeof(date2), "2020-%02d-%02d", month, day + (p == 3 ? 6 : 0));
		snprintf(terr, sizeof(terr), "XXX%d%02d", 1 + p % 2, p % 5);
		snprintf(name, sizeof(name), "%s %s %s", given[p], sur1[p], sur2[p]);
		add(run, OB_RECONCILE_POLICE, p, name, date, age, "homicide", terr);
		if (p == 4) /* the police recorded person 4 twice, the second time with a typo */
			add(run, OB_RECONCILE_POLICE, 104, "ERIK ESCOBAR ORTIZ", date, age, "homicide", terr);
		if (p >= SINGLE)
			continue;
		snprintf(name, sizeof(name), "%s %s, %s", sur1[p], sur2[p], given[p]);
		/* person 5: forensic says undetermined; person 7: ages 12 years apart */
		add(run, OB_RECONCILE_FORENSIC, p, name, date2, p == 7 ? age + 12 : age,
		    p == 5 ? "undetermined" : "homicide", terr);
		snprintf(name, sizeof(name), "%c%s %c%s %c%s", given[p][0], given[p] + 1, sur1[p][0],
		         sur1[p] + 1, sur2[p][0], sur2[p] + 1);
		/* person 9: the prosecutor knows only the month */
		if (p == 9)
			snprintf(date, sizeof(date), "2020-%02d", month);
		add(run, OB_RECONCILE_PROSECUTOR, p, name, date, -1, "homicide", terr);
	}
}

static uint32_t cluster_of(const struct ob_reconcile_run *run, const char *source_id)
{
	for (size_t i = 0; i < run->n; i++)
		if (!strcmp(run->rec[i].source_id, source_id))
			return run->rec[i].cluster;
	fail_msg("no record %s", source_id);
	return 0;
}

static void check_people(const struct ob_reconcile_run *run)
{
	for (int p = 0; p < NPEOPLE; p++) {
		char a[16], b[16], c[16];
		snprintf(a, sizeof(a), "P-%03d", p);
		snprintf(b, sizeof(b), "F-%03d", p);
		snprintf(c, sizeof(c), "M-%03d", p);
		if (p == 4 && cluster_of(run, a) != cluster_of(run, "P-104"))
			fail_msg("the police's duplicate of person 4 is apart");
		if (p >= SINGLE)
			continue;
		if (cluster_of(run, a) != cluster_of(run, b) || cluster_of(run, a) != cluster_of(run, c))
			fail_msg("person %d is split", p);
		for (int q = 0; q < p; q++) {
			char o[16];
			snprintf(o, sizeof(o), "P-%03d", q);
			if (cluster_of(run, o) == cluster_of(run, a))
				fail_msg("persons %d and %d joined", p, q);
		}
	}
}

static void link_and_ledger(void **state)
{
	struct ob_reconcile_run run;
	struct ob_diag d;
	uint64_t sum2 = 0, sum1 = 0, pol = 0;
	(void)state;

	ob_reconcile_run_init(&run, NULL);
	population(&run);
	assert_int_equal(ob_reconcile_link(&run, &d), OB_OK);
	assert_int_equal(ob_reconcile_build(&run, &d), OB_OK);
	assert_int_equal(run.ndeaths, NPEOPLE);
	check_people(&run);
	/* the ledger */
	assert_int_equal(run.reasons[OB_RECONCILE_R_SINGLE_SOURCE], NPEOPLE - SINGLE);
	assert_int_equal(run.reasons[OB_RECONCILE_R_MANNER], 1);
	assert_int_equal(run.reasons[OB_RECONCILE_R_AGE], 1);
	assert_int_equal(run.reasons[OB_RECONCILE_R_DATE], 1);
	assert_int_equal(run.reasons[OB_RECONCILE_R_SEX], 0);
	assert_int_equal(run.reasons[OB_RECONCILE_R_TERRITORY], 0);
	assert_int_equal(run.reasons[OB_RECONCILE_R_DUPLICATE], 1);
	assert_int_equal(run.duplicates, 1);
	for (size_t k = 0; k < run.ndeaths; k++) {
		const struct ob_reconcile_death *x = &run.death[k];
		const struct ob_reconcile_record *f = &run.rec[run.member[x->first]];
		assert_int_equal((x->reasons >> OB_RECONCILE_R_SINGLE_SOURCE) & 1, x->n == 1);
		if (x->n == 3) {
			/* manner, age, sex from forensic medicine; date and place from the police */
			assert_true(run.rec[x->value_rec[OB_RECONCILE_MANNER]].inst == OB_RECONCILE_FORENSIC);
			assert_true(run.rec[x->value_rec[OB_RECONCILE_AGE]].inst == OB_RECONCILE_FORENSIC);
			assert_true(run.rec[x->value_rec[OB_RECONCILE_DATE]].inst == OB_RECONCILE_POLICE);
			assert_true(run.rec[x->value_rec[OB_RECONCILE_PLACE]].inst == OB_RECONCILE_POLICE);
			assert_true(x->probability >= run.set.threshold);
		}
		if (!strcmp(f->source_id, "P-005"))
			assert_true((x->reasons >> OB_RECONCILE_R_MANNER) & 1);
		if (!strcmp(f->source_id, "P-005"))
			assert_string_equal(run.rec[x->value_rec[OB_RECONCILE_MANNER]].manner, "undetermined");
	}
	/* the territory table adds up */
	for (size_t k = 0; k < run.ncount; k++) {
		if (run.count[k].level == 2) {
			sum2 += run.count[k].reconciled;
			pol += run.count[k].n[OB_RECONCILE_POLICE];
		} else {
			sum1 += run.count[k].reconciled;
		}
		if (k)
			assert_true(run.count[k - 1].level > run.count[k].level ||
			            strcmp(run.count[k - 1].territory, run.count[k].territory) < 0 ||
			            strcmp(run.count[k - 1].month, run.count[k].month) < 0);
	}
	assert_int_equal(sum2, NPEOPLE);
	assert_int_equal(sum1, NPEOPLE);
	assert_int_equal(pol, NPEOPLE + 1);
	ob_reconcile_run_release(&run);
}

static void decisions(void **state)
{
	struct ob_reconcile_run run;
	struct ob_diag d;
	(void)state;

	ob_reconcile_run_init(&run, NULL);
	population(&run);
	/* person 0's police and forensic records apart; person 21 (police only)
	 * with person 1's prosecutor record, which would take it from person 1 */
	ob_reconcile_decision_add(&run, "x-ml", "F-000", "x-pol", "P-000", false);
	ob_reconcile_decision_add(&run, "x-pol", "P-022", "x-ml", "F-002", true);
	ob_reconcile_decision_add(&run, "x-pol", "P-022", "x-ml", "F-002", false); /* changed mind */
	ob_reconcile_decision_add(&run, "x-pol", "P-021", "x-mp", "M-001", true);
	ob_reconcile_decision_add(&run, "x-mp", "M-001", "x-ml", "F-001", false);
	assert_int_equal(run.ndec, 4);
	assert_int_equal(ob_reconcile_link(&run, &d), OB_OK);
	assert_int_equal(ob_reconcile_build(&run, &d), OB_OK);
	assert_true(cluster_of(&run, "P-000") != cluster_of(&run, "F-000"));
	/* not through the prosecutor's record either */
	assert_true(cluster_of(&run, "F-000") == cluster_of(&run, "M-000") ||
	            cluster_of(&run, "P-000") == cluster_of(&run, "M-000"));
	assert_true(cluster_of(&run, "P-021") == cluster_of(&run, "M-001"));
	assert_true(cluster_of(&run, "P-001") != cluster_of(&run, "M-001"));
	assert_true(cluster_of(&run, "P-022") != cluster_of(&run, "F-002"));
	assert_true(cluster_of(&run, "P-002") == cluster_of(&run, "F-002"));
	assert_int_equal(run.forced_links, 1);
	ob_reconcile_run_release(&run);
}

static void evaluate(void **state)
{
	struct ob_reconcile_run run;
	struct ob_reconcile_confusion c;
	struct ob_diag d;
	char path[] = "/tmp/observa-truth.XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	(void)state;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "source,source_id,death_id\n");
	for (int p = 0; p < NPEOPLE; p++) {
		fprintf(f, "x-pol,P-%03d,D%d\n", p, p);
		if (p < SINGLE)
			fprintf(f, "x-ml,F-%03d,D%d\nx-mp,M-%03d,D%d\n", p, p, p, p);
	}
	fprintf(f, "x-pol,P-104,D4\n");
	fprintf(f, "x-pol,P-999,D1\n"); /* not in the run: ignored */
	fclose(f);
	ob_reconcile_run_init(&run, NULL);
	population(&run);
	ob_reconcile_decision_add(&run, "x-ml", "F-000", "x-pol", "P-000", false);
	ob_reconcile_decision_add(&run, "x-pol", "P-021", "x-mp", "M-001", true);
	ob_reconcile_decision_add(&run, "x-mp", "M-001", "x-ml", "F-001", false);
	assert_int_equal(ob_reconcile_link(&run, &d), OB_OK);
	assert_int_equal(ob_reconcile_build(&run, &d), OB_OK);
	assert_int_equal(ob_reconcile_evaluate(&run, path, &c, &d), OB_OK);
	/* 21 people of three records: 63 true pairs, and 2 of the police's
	 * duplicate of person 4 (pairs within a source are not counted); person
	 * 0 loses two (P-F rejected, so one of them is alone), person 1 its two
	 * pairs with M-001, which gains one false pair with P-021 */
	assert_int_equal(c.truth_records, run.n);
	assert_int_equal(c.missing, 0);
	assert_int_equal(c.tp, 65 - 2 - 2);
	assert_int_equal(c.fn, 4);
	assert_int_equal(c.fp, 1);
	assert_true(fabs(c.precision - 61.0 / 62) < 1e-12);
	assert_true(fabs(c.recall - 61.0 / 65) < 1e-12);
	/* a file that is not a truth file */
	f = fopen(path, "w");
	fprintf(f, "a,b\n1,2\n");
	fclose(f);
	assert_int_equal(ob_reconcile_evaluate(&run, path, &c, &d), OB_EPARSE);
	assert_int_equal(d.line, 1);
	unlink(path);
	ob_reconcile_run_release(&run);
}

/* ---- through a store ------------------------------------------------------------ */

static char dir[64];

static void exec_ok(struct ob_store *s, const char *sql)
{
	struct ob_diag d;
	if (ob_store_exec(s, sql, &d))
		fail_msg("%s: %s", sql, d.message);
}

static long long count(struct ob_store *s, const char *sql)
{
	sqlite3_stmt *q;
	struct ob_diag d;
	long long n;
	assert_int_equal(ob_store_prepare(s, sql, &q, &d), OB_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

static void insert_record(struct ob_store *s, int sub, const char *source, const char *id,
                          const char *date, const char *terr, const char *cat,
                          const char *manner, const char *sex, int age, const char *names)
{
	char sql[1024];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO record(submission, source, source_id, line, occurred_on, precision,"
	         " territory, category, manner, victim_sex, victim_age, mechanism)"
	         " VALUES(%d, '%s', '%s', 1, '%s', 'day', '%s', %s%s%s, %s%s%s, '%s', %d, 'firearm');"
	         "INSERT INTO protected(record, names) VALUES(last_insert_rowid(), '%s');",
	         sub, source, id, date, terr, cat ? "'" : "", cat ? cat : "NULL", cat ? "'" : "",
	         manner ? "'" : "", manner ? manner : "NULL", manner ? "'" : "", sex, age, names);
	exec_ok(s, sql);
}

static void store_round_trip(void **state)
{
	struct ob_store *s;
	struct ob_reconcile_run run;
	struct ob_reconcile_settings set;
	struct ob_audit_report rep;
	struct ob_diag d;
	long long item;
	(void)state;

	snprintf(dir, sizeof(dir), "/tmp/observa-rec.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(ob_store_open(dir, OB_STORE_CREATE, &s, &d), OB_OK);
	assert_true(ob_store_schema_version() >= 5);
	exec_ok(s, "INSERT INTO territory(code, level, country, parent, name) VALUES"
	           " ('XXX', 0, 'XXX', NULL, 'X'), ('XXX1', 1, 'XXX', 'XXX', 'Uno'),"
	           " ('XXX101', 2, 'XXX', 'XXX1', 'Uno-uno'), ('XXX102', 2, 'XXX', 'XXX1', 'Dos');");
	/* police (deaths and crimes), forensic, prosecutor; one superseded delivery */
	exec_ok(s, "INSERT INTO submission(id, source, file_name, sha256, rows_read, accepted,"
	           " rejected, warned, ingested_at, version, observa_version, institution, country,"
	           " superseded_by) VALUES"
	           " (1, 'x-pol', 'a', 'h1', 0, 0, 0, 0, 'now', 1, 'v', 'police', 'XXX', NULL),"
	           " (2, 'x-ml', 'b', 'h2', 0, 0, 0, 0, 'now', 1, 'v', 'forensic', 'XXX', NULL),"
	           " (3, 'x-mp', 'c', 'h3', 0, 0, 0, 0, 'now', 1, 'v', 'prosecutor', 'XXX', NULL),"
	           " (4, 'x-mp', 'c0', 'h4', 0, 0, 0, 0, 'now', 1, 'v', 'prosecutor', 'XXX', 3),"
	           " (5, 'x-del', 'd', 'h5', 0, 0, 0, 0, 'now', 1, 'v', 'police', 'XXX', NULL),"
	           " (6, 'y-pol', 'e', 'h6', 0, 0, 0, 0, 'now', 1, 'v', 'police', 'YYY', NULL);");
	insert_record(s, 1, "x-pol", "P1", "2020-03-01", "XXX101", "0101", "homicide", "M", 30,
	              "JUAN PEREZ LOPEZ");
	insert_record(s, 1, "x-pol", "P2", "2020-03-05", "XXX102", "0101", "homicide", "F", 22,
	              "MARIA RIVAS CRUZ");
	insert_record(s, 1, "x-pol", "P3", "2021-03-05", "XXX102", "0101", "homicide", "F", 40,
	              "ROSA GOMEZ DIAZ"); /* outside the period */
	insert_record(s, 2, "x-ml", "F1", "2020-03-02", "XXX101", NULL, "homicide", "M", 30,
	              "PEREZ LOPEZ, JUAN");
	insert_record(s, 2, "x-ml", "F2", "2020-03-05", "XXX102", NULL, "undetermined", "F", 22,
	              "RIVAS CRUZ, MARIA");
	insert_record(s, 2, "x-ml", "F3", "2020-04-05", "XXX102", NULL, "suicide", "M", 50,
	              "LARA VEGA, PEDRO"); /* not a violent death */
	insert_record(s, 3, "x-mp", "M1", "2020-03-01", "XXX101", "0101", NULL, "M", 30,
	              "Juan Perez Lopez");
	insert_record(s, 4, "x-mp", "M9", "2020-03-01", "XXX101", "0101", NULL, "M", 30,
	              "Juan Perez Lopez"); /* superseded */
	insert_record(s, 5, "x-del", "D1", "2020-03-01", "XXX101", "0201", NULL, "M", 30,
	              "Juan Perez Lopez"); /* a crime report */
	insert_record(s, 6, "y-pol", "Y1", "2020-03-01", "XXX101", "0101", NULL, "M", 30,
	              "Juan Perez Lopez"); /* another country */

	ob_reconcile_settings_defaults(&set);
	set.review_low = 1e-6;
	set.review_high = 1;
	ob_reconcile_run_init(&run, &set);
	assert_int_equal(ob_reconcile_load(&run, s, "2020", "2020-01", "2020-12", "XXX", &d), OB_OK);
	assert_int_equal(run.n, 5);
	assert_int_equal(ob_reconcile_decisions_load(&run, s, &d), OB_OK);
	assert_int_equal(ob_reconcile_link(&run, &d), OB_OK);
	assert_int_equal(ob_reconcile_build(&run, &d), OB_OK);
	assert_int_equal(run.ndeaths, 2);
	assert_true(run.nreview > 0);
	assert_int_equal(ob_reconcile_save(&run, s, "tester", &d), OB_OK);
	assert_true(run.run_id > 0);
	assert_int_equal(count(s, "SELECT count(*) FROM reconciled_death"), 2);
	assert_int_equal(count(s, "SELECT count(*) FROM reconcile_member"), 5);
	assert_int_equal(count(s, "SELECT count(*) FROM discrepancy WHERE reason = 'manner'"), 1);
	assert_int_equal(count(s, "SELECT sum(reconciled) FROM reconcile_count WHERE level = 1"), 2);
	assert_int_equal(count(s, "SELECT sum(forensic) FROM reconcile_count WHERE level = 2"), 2);
	assert_int_equal(count(s, "SELECT count(*) FROM reconciled_death WHERE manner ="
	                          " 'undetermined' AND manner_source = 'x-ml' AND"
	                          " occurred_on_source = 'x-pol'"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE action = 'reconcile'"), 1);
	ob_reconcile_run_release(&run);

	/* reject the pair P1-F1 */
	item = count(s, "SELECT id FROM review_item WHERE (id_a = 'P1' AND id_b = 'F1') OR"
	                " (id_a = 'F1' AND id_b = 'P1')");
	assert_int_equal(ob_reconcile_decide(s, item, false, "rosa", "no", &d), OB_OK);
	assert_int_equal(ob_reconcile_decide(s, 99999, true, "rosa", NULL, &d), OB_ENOENT);
	assert_int_equal(count(s, "SELECT count(*) FROM review_decision WHERE source_a = 'x-ml'"
	                          " AND id_a = 'F1' AND decision = 'reject' AND actor = 'rosa'"),
	                 1);
	ob_reconcile_run_init(&run, &set);
	assert_int_equal(ob_reconcile_load(&run, s, "2020", "2020-01", "2020-12", "XXX", &d), OB_OK);
	assert_int_equal(ob_reconcile_decisions_load(&run, s, &d), OB_OK);
	assert_int_equal(run.ndec, 1);
	assert_int_equal(ob_reconcile_link(&run, &d), OB_OK);
	assert_int_equal(ob_reconcile_build(&run, &d), OB_OK);
	assert_true(cluster_of(&run, "P1") != cluster_of(&run, "F1"));
	assert_int_equal(run.ndeaths, 3);
	ob_reconcile_run_release(&run);
	assert_int_equal(ob_audit_verify(s, 0, NULL, NULL, NULL, &rep, &d), OB_OK);
	assert_int_equal(rep.problems, 0);
	assert_int_equal(rep.entries, 2);

	/* the first run's deaths are the records of the country's validated
	 * source: forensic ids first, attributes in the settings' order, no
	 * protected fields */
	assert_int_equal(count(s, "SELECT count(*) FROM submission WHERE source = 'xxx-validated'"
	                          " AND institution = 'validated' AND country = 'XXX'"
	                          " AND file_name = 'reconcile run 1' AND period_from = '2020-01-01'"
	                          " AND period_to = '2020-12-31' AND rows_read = 2 AND accepted = 2"
	                          " AND version = 1 AND superseded_by IS NULL"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM record WHERE source = 'xxx-validated'"), 2);
	assert_int_equal(count(s, "SELECT count(*) FROM record WHERE source = 'xxx-validated'"
	                          " AND source_id = 'x-ml:F2' AND category = '0101'"
	                          " AND manner = 'undetermined' AND victim_sex = 'F'"
	                          " AND victim_age = 22 AND precision = 'day'"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM record WHERE source = 'xxx-validated'"
	                          " AND source_id = 'x-ml:F1'"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM protected p JOIN record r ON r.id = p.record"
	                          " WHERE r.source = 'xxx-validated'"), 0);
	/* a run never takes validated records as input */
	ob_reconcile_run_init(&run, &set);
	assert_int_equal(ob_reconcile_load(&run, s, "2020", "2020-01", "2021-12", "XXX", &d), OB_OK);
	assert_int_equal(run.n, 6);
	for (size_t i = 0; i < run.n; i++)
		assert_null(strstr(run.rec[i].source, "validated"));
	/* a later run over 2020..2021 supersedes the first: three deaths in
	 * 2020 (P1 and F1 now apart), one in 2021 */
	assert_int_equal(ob_reconcile_decisions_load(&run, s, &d), OB_OK);
	assert_int_equal(ob_reconcile_link(&run, &d), OB_OK);
	assert_int_equal(ob_reconcile_build(&run, &d), OB_OK);
	assert_int_equal(ob_reconcile_save(&run, s, "tester", &d), OB_OK);
	ob_reconcile_run_release(&run);
	assert_int_equal(count(s, "SELECT count(*) FROM submission WHERE source = 'xxx-validated'"
	                          " AND superseded_by IS NULL AND version = 2 AND supersedes IS NOT"
	                          " NULL AND period_from = '2020-01-01' AND period_to = '2021-12-31'"
	                          " AND rows_read = 4"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM submission WHERE source = 'xxx-validated'"
	                          " AND version = 1 AND superseded_by IS NOT NULL"), 1);
	/* a run of March 2020 alone decides March and keeps 2021 from the
	 * previous one */
	ob_reconcile_run_init(&run, &set);
	assert_int_equal(ob_reconcile_load(&run, s, "2020-03", "2020-03", "2020-03", "XXX", &d), OB_OK);
	assert_int_equal(ob_reconcile_decisions_load(&run, s, &d), OB_OK);
	assert_int_equal(ob_reconcile_link(&run, &d), OB_OK);
	assert_int_equal(ob_reconcile_build(&run, &d), OB_OK);
	assert_int_equal(ob_reconcile_save(&run, s, "tester", &d), OB_OK);
	ob_reconcile_run_release(&run);
	assert_int_equal(count(s, "SELECT count(*) FROM submission WHERE source = 'xxx-validated'"
	                          " AND superseded_by IS NULL"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM submission WHERE source = 'xxx-validated'"
	                          " AND superseded_by IS NULL AND version = 3 AND file_name ="
	                          " 'reconcile run 3' AND period_from = '2020-01-01' AND period_to ="
	                          " '2021-12-31' AND rows_read = 4"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM record r JOIN submission s ON"
	                          " s.id = r.submission WHERE s.source = 'xxx-validated' AND"
	                          " s.superseded_by IS NULL AND r.source_id = 'x-pol:P3'"
	                          " AND r.occurred_on = '2021-03-05'"), 1);
	assert_int_equal(count(s, "SELECT count(*) FROM record r JOIN submission s ON"
	                          " s.id = r.submission WHERE s.source = 'xxx-validated' AND"
	                          " s.superseded_by IS NULL AND r.extra LIKE"
	                          " '%\"reconcile_run\":3,%'"), 3);

	ob_store_close(s);
	ob_test_store_dir_remove(dir);
}

/* Rows that are not one person (an aggregate source's, a row counting 3
 * or 0 victims) are never linked nor deaths, and count their victims in
 * the institution's counts. */
static void counted_rows(void **state)
{
	struct ob_store *s;
	struct ob_reconcile_run run;
	struct ob_diag d;
	(void)state;

	snprintf(dir, sizeof(dir), "/tmp/observa-rec.XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(ob_store_open(dir, OB_STORE_CREATE, &s, &d), OB_OK);
	exec_ok(s, "INSERT INTO territory(code, level, country, parent, name) VALUES"
	           " ('XXX', 0, 'XXX', NULL, 'X'), ('XXX1', 1, 'XXX', 'XXX', 'Uno'),"
	           " ('XXX101', 2, 'XXX', 'XXX1', 'Uno-uno');"
	           "INSERT INTO submission(id, source, file_name, sha256, rows_read, accepted,"
	           " rejected, warned, ingested_at, version, observa_version, institution, country,"
	           " aggregate) VALUES"
	           " (1, 'x-pol', 'a', 'h1', 0, 0, 0, 0, 'now', 1, 'v', 'police', 'XXX', 0),"
	           " (2, 'x-ml', 'b', 'h2', 0, 0, 0, 0, 'now', 1, 'v', 'forensic', 'XXX', 0),"
	           " (3, 'x-agg', 'c', 'h3', 0, 0, 0, 0, 'now', 1, 'v', 'police', 'XXX', 1);");
	insert_record(s, 1, "x-pol", "P1", "2020-03-01", "XXX101", "0101", "homicide", "M", 30,
	              "JUAN PEREZ LOPEZ");
	insert_record(s, 1, "x-pol", "P2", "2020-03-09", "XXX101", "0101", "homicide", "M", 25,
	              "PEDRO ROJAS");
	insert_record(s, 2, "x-ml", "F1", "2020-03-02", "XXX101", NULL, "homicide", "M", 30,
	              "PEREZ LOPEZ, JUAN");
	insert_record(s, 3, "x-agg", "A1", "2020-03", "XXX101", "0101", NULL, "U", 0, "");
	insert_record(s, 3, "x-agg", "A2", "2020-04", "XXX101", "0101", NULL, "U", 0, "");
	exec_ok(s, "UPDATE record SET victims = 3 WHERE source_id = 'P2';"
	           "UPDATE record SET victims = 5 WHERE source_id = 'A1';"
	           "UPDATE record SET victims = 0 WHERE source_id = 'A2';");
	ob_reconcile_run_init(&run, NULL);
	assert_int_equal(ob_reconcile_load(&run, s, "2020", "2020-01", "2020-12", NULL, &d), OB_OK);
	assert_int_equal(run.n, 2); /* P1 and F1 */
	assert_int_equal(run.ncounted, 3);
	assert_int_equal(run.counted_victims, 8);
	assert_int_equal(ob_reconcile_link(&run, &d), OB_OK);
	assert_int_equal(ob_reconcile_build(&run, &d), OB_OK);
	/* the deaths are of P1 and F1 alone (one or two, as the model links them) */
	assert_true(run.ndeaths >= 1 && run.ndeaths <= 2);
	{
		uint64_t police = 0, forensic = 0, reconciled = 0;
		for (size_t k = 0; k < run.ncount; k++)
			if (run.count[k].level == 2) {
				police += run.count[k].n[OB_RECONCILE_POLICE];
				forensic += run.count[k].n[OB_RECONCILE_FORENSIC];
				reconciled += run.count[k].reconciled;
			}
		assert_int_equal(police, 1 + 3 + 5 + 0);
		assert_int_equal(forensic, 1);
		assert_int_equal(reconciled, run.ndeaths);
	}
	ob_reconcile_run_release(&run);
	ob_store_close(s);
	ob_test_store_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(is_death),
		cmocka_unit_test(settings),
		cmocka_unit_test(link_and_ledger),
		cmocka_unit_test(decisions),
		cmocka_unit_test(evaluate),
		cmocka_unit_test(store_round_trip),
		cmocka_unit_test(counted_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
