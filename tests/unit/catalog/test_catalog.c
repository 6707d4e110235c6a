/* test_catalog.c - the default catalogue loads whole and consistent; bad files are refused. */
#include "test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "catalog/embedded.h"
#include "store/store.h"
#include "text/text.h"
/* raw SQL (store_sql.h): asks the catalogue tables directly, as the oracle of what an import
 * wrote. */
#include "store_sql.h"

struct fixture {
	char dir[128];
	struct ob_store *s;
};

static void rm_rf(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct ob_diag d;

	snprintf(f->dir, sizeof(f->dir), "/tmp/observa-catalog-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	if (ob_store_open(f->dir, OB_STORE_CREATE, &f->s, &d))
		return -1;
	if (ob_catalog_write_default(f->dir, &d) || ob_catalog_load(f->s, f->dir, &d)) {
		char msg[OB_MAX_MESSAGE];
		ob_diag_format(&d, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ob_store_close(f->s);
	rm_rf(f->dir);
	free(f);
	return 0;
}

static long long q(struct ob_store *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(ob_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static const struct {
	const char *country;
	int level1, level2;
} counts[] = {
	{ "BLZ", 6, 0 },    { "CRI", 7, 84 },   { "DOM", 32, 158 }, { "GTM", 22, 340 },
	{ "HND", 18, 298 }, { "PAN", 13, 82 },  { "SLV", 14, 306 },
};

static void counts_per_country_and_level(void **state)
{
	struct fixture *f = *state;
	char sql[256];

	assert_int_equal(q(f->s, "SELECT count(*) FROM territory WHERE level = 0"), 7);
	for (size_t i = 0; i < OB_ARRAY_SIZE(counts); i++) {
		for (int level = 1; level <= 2; level++) {
			snprintf(sql, sizeof(sql),
			         "SELECT count(*) FROM territory WHERE country = '%s' AND level = %d",
			         counts[i].country, level);
			assert_int_equal(q(f->s, sql),
			                 level == 1 ? counts[i].level1 : counts[i].level2);
		}
	}
	/* El Salvador: 262 municipalities until 2024-04-30, 44 from 2024-05-01 */
	assert_int_equal(q(f->s, "SELECT count(*) FROM territory WHERE country = 'SLV' AND "
	                         "level = 2 AND valid_to = '2024-04-30'"), 262);
	assert_int_equal(q(f->s, "SELECT count(*) FROM territory WHERE country = 'SLV' AND "
	                         "level = 2 AND valid_from = '2024-05-01'"), 44);
	assert_int_equal(q(f->s, "SELECT count(*) FROM territory_change WHERE "
	                         "kind = 'district_of'"), 262);
	assert_int_equal(q(f->s, "SELECT count(DISTINCT new_code) FROM territory_change"), 44);
}

static void parents_are_consistent(void **state)
{
	struct fixture *f = *state;

	/* every admin-2 has an admin-1 parent of the same country */
	assert_int_equal(q(f->s, "SELECT count(*) FROM territory t LEFT JOIN territory p "
	                         "ON p.code = t.parent WHERE t.level = 2 AND (p.code IS NULL "
	                         "OR p.level <> 1 OR p.country <> t.country)"), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM territory t LEFT JOIN territory p "
	                         "ON p.code = t.parent WHERE t.level = 1 AND (p.code IS NULL "
	                         "OR p.level <> 0 OR p.country <> t.country)"), 0);
	/* a change links an old unit to a new one of the same department */
	assert_int_equal(q(f->s, "SELECT count(*) FROM territory_change c JOIN territory o "
	                         "ON o.code = c.old_code JOIN territory n ON n.code = c.new_code "
	                         "WHERE o.parent <> n.parent"), 0);
}

static void population_adds_up(void **state)
{
	struct fixture *f = *state;

	/* years 2015-2024, T = F + M everywhere */
	assert_int_equal(q(f->s, "SELECT min(year) FROM population"), 2015);
	assert_int_equal(q(f->s, "SELECT max(year) FROM population"), 2024);
	assert_int_equal(q(f->s, "SELECT count(*) FROM population t JOIN population fe "
	                         "ON fe.territory = t.territory AND fe.year = t.year AND fe.sex = 'F' "
	                         "JOIN population m ON m.territory = t.territory AND m.year = t.year "
	                         "AND m.sex = 'M' WHERE t.sex = 'T' AND "
	                         "abs(t.population - fe.population - m.population) > 0.5"), 0);
	/* per country, year, sex, level and vintage the units add up to the country */
	assert_int_equal(q(f->s,
	                   "WITH s AS (SELECT u.country, p.year, p.sex, u.level,"
	                   " coalesce(u.valid_from, '') AS vintage, sum(p.population) AS total"
	                   " FROM population p JOIN territory u ON u.code = p.territory"
	                   " WHERE u.level > 0 GROUP BY 1, 2, 3, 4, 5)"
	                   " SELECT count(*) FROM s JOIN population n ON n.territory = s.country"
	                   " AND n.year = s.year AND n.sex = s.sex"
	                   " WHERE abs(n.population - s.total) > 0.5"), 0);
	/* and every (country, year, sex) was checked: 7 countries x 10 years x 3 */
	assert_int_equal(q(f->s, "SELECT count(*) FROM population p JOIN territory u ON "
	                         "u.code = p.territory WHERE u.level = 0"), 210);
	/* every admin-2 and admin-1 has population, except Costa Rica's three new cantons */
	assert_int_equal(q(f->s, "SELECT count(*) FROM territory t WHERE t.level > 0 AND "
	                         "NOT EXISTS (SELECT 1 FROM population p WHERE p.territory = t.code "
	                         "AND p.year = 2020 AND p.sex = 'T')"), 3);
	/* official municipal figures only for Costa Rica 2015-2019 */
	assert_int_equal(q(f->s, "SELECT count(*) FROM population p JOIN territory u ON "
	                         "u.code = p.territory WHERE u.level = 2 AND p.status = 'official' "
	                         "AND (u.country <> 'CRI' OR p.year > 2019 OR p.sex <> 'T')"), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM population p WHERE p.territory = 'CRI101' "
	                         "AND p.status = 'official'"), 5);
}

/* Run a sed script on DIR/catalog/population.csv (kept in .orig). */
static void edit_population(const struct fixture *f, const char *script)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cd '%s/catalog' && cp population.csv population.orig && "
	                           "sed -i '%s' population.csv", f->dir, script);
	assert_int_equal(system(cmd), 0);
}

static void restore_population(const struct fixture *f)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cd '%s/catalog' && mv population.orig population.csv", f->dir);
	assert_int_equal(system(cmd), 0);
}

/* The line of population.csv holding a figure. */
static long population_line(const struct fixture *f, const char *prefix)
{
	char path[256], line[256];
	long n = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/catalog/population.csv", f->dir);
	assert_non_null(fp = fopen(path, "r"));
	while (fgets(line, sizeof(line), fp)) {
		n++;
		if (!strncmp(line, prefix, strlen(prefix))) {
			fclose(fp);
			return n;
		}
	}
	fclose(fp);
	fail_msg("no line %s", prefix);
	return 0;
}

/*
 * Figures that do not add up are refused at load with the unit, year, sex
 * and the units of the sum named, and the line of the unit's figure; a
 * unit without figures (newer than the series) or a difference within the
 * tolerance is accepted. Equal splits have their own status.
 */
static void population_sums_are_checked(void **state)
{
	static const struct {
		const char *script;  /* sed on population.csv */
		const char *line;    /* the row the error points at */
		const char *want[3]; /* in the message */
	} bad[] = {
		/* a municipality of 2016 raised: its department no longer adds up */
		{ "s/^SLV0614,2016,T,[0-9]*,/SLV0614,2016,T,900000,/", "SLV06,2016,T,",
		  { "SLV06 2016 T", "SLV0614=900000", "1 de julio" } },
		/* a 2024 municipality in 2016: its districts no longer add up */
		{ "s/^SLV0623,2016,F,[0-9]*,/SLV0623,2016,F,5,/", "SLV0623,2016,F,",
		  { "SLV0623 2016 F", "distritos", "SLV0614=" } },
		/* women and men: 1000 women moved from one municipality to the next
		 * keep their department's sums, not F + M = T */
		{ "s/^GTM0101,2020,F,25536,/GTM0101,2020,F,24536,/;"
		  "s/^GTM0102,2020,F,25536,/GTM0102,2020,F,26536,/", "GTM0101,2020,T,",
		  { "GTM0101 2020 T", "mujeres y hombres", NULL } },
		/* a country whose departments exceed it */
		{ "s/^HND,2019,T,[0-9]*,/HND,2019,T,100,/", "HND,2019,T,",
		  { "HND 2019 T", "HND08=", NULL } },
	};
	struct fixture *f = *state;
	struct ob_diag d;

	assert_true(q(f->s, "SELECT count(*) FROM population WHERE status = 'equal_split'") > 30000);
	assert_int_equal(q(f->s, "SELECT count(*) FROM population p JOIN territory t ON"
	                         " t.code = p.territory WHERE t.level = 2 AND t.country = 'HND'"
	                         " AND p.status <> 'equal_split'"), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM population p JOIN territory t ON"
	                         " t.code = p.territory WHERE t.level = 1 AND t.country = 'HND'"
	                         " AND p.status = 'estimate'"), 540);
	for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
		long line;
		char msg[OB_MAX_MESSAGE];

		edit_population(f, bad[i].script);
		line = population_line(f, bad[i].line);
		ob_diag_clear(&d);
		assert_int_equal(ob_catalog_load(f->s, f->dir, &d), OB_EINVAL);
		ob_diag_format(&d, msg, sizeof(msg));
		assert_non_null(strstr(d.file, "population.csv"));
		if (d.line != line)
			fail_msg("case %zu: %s (expected line %ld)", i, msg, line);
		for (size_t k = 0; k < 3 && bad[i].want[k]; k++)
			if (!strstr(d.message, bad[i].want[k]))
				fail_msg("case %zu: %s (expected «%s»)", i, msg, bad[i].want[k]);
		restore_population(f);
		/* the store kept its catalogue */
		assert_int_equal(q(f->s, "SELECT count(*) FROM population WHERE territory = 'SLV0614'"
		                         " AND year = 2016 AND population > 800000"), 0);
	}
	/* a municipality without figures, and one person off: accepted */
	edit_population(f, "/^SLV0101,2016,/d; s/^SLV0102,2017,T,\\([0-9]*\\)[0-8],/SLV0102,2017,T,\\19,/");
	if (ob_catalog_load(f->s, f->dir, &d))
		fail_msg("%s:%ld: %s", d.file, d.line, d.message);
	assert_int_equal(q(f->s, "SELECT count(*) FROM population WHERE territory = 'SLV0101'"
	                         " AND year = 2016"), 0);
	assert_int_equal(q(f->s, "SELECT CAST(population AS INT) FROM population WHERE"
	                         " territory = 'SLV0102' AND year = 2017 AND sex = 'T'"), 24389);
	restore_population(f);
	assert_int_equal(ob_catalog_load(f->s, f->dir, &d), OB_OK);
}

static void iccs_sections_and_divisions(void **state)
{
	struct fixture *f = *state;
	static const char *const divisions[] = {
		"0101", "0102", "0103", "0104", "0105", "0106", "0107", "0109", "0201", "0202",
		"0203", "0204", "0205", "0206", "0207", "0208", "0209", "0210", "0211", "0219",
		"0301", "0302", "0309", "0401", "0409", "0501", "0502", "0503", "0504", "0509",
		"0601", "0602", "0609", "0701", "0702", "0703", "0704", "0709", "0801", "0809",
		"0901", "0906", "0909", "1001", "1009", "1101", "1102", "1109",
	};
	char sql[128];

	for (int sec = 1; sec <= 11; sec++) {
		snprintf(sql, sizeof(sql), "SELECT level FROM iccs WHERE code = '%02d'", sec);
		assert_int_equal(q(f->s, sql), 1);
	}
	assert_int_equal(q(f->s, "SELECT count(*) FROM iccs WHERE level = 1"), 11);
	for (size_t i = 0; i < OB_ARRAY_SIZE(divisions); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM iccs WHERE code = '%s' AND "
		                           "level = 2 AND parent = substr(code, 1, 2)", divisions[i]);
		assert_int_equal(q(f->s, sql), 1);
	}
	/* levels 3 and 4 only in sections 01-05, each under its own prefix */
	assert_int_equal(q(f->s, "SELECT count(*) FROM iccs WHERE level >= 3 AND "
	                         "substr(code, 1, 2) > '05'"), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM iccs WHERE level > 1 AND "
	                         "(parent IS NULL OR substr(code, 1, length(parent)) <> parent)"), 0);
	assert_true(q(f->s, "SELECT count(*) FROM iccs WHERE level = 4") > 30);
	/* the reserved non-ICCS code */
	assert_int_equal(q(f->s, "SELECT level FROM iccs WHERE code = 'X01'"), 0);
}

static void crosswalk_targets_exist(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *crosswalk, *kind;
	} tagged[] = {
		{ "sexo", "sex" }, { "edad", "age_group" }, { "arma", "mechanism" },
		{ "manera", "manner" }, { "lugar", "place" }, { "relacion", "relationship" },
		{ "contexto", "context" },
	};
	char sql[256];

	for (size_t i = 0; i < OB_ARRAY_SIZE(tagged); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM crosswalk c WHERE c.name = '%s' AND "
		         "NOT EXISTS (SELECT 1 FROM tag t WHERE t.kind = '%s' AND t.code = c.target)",
		         tagged[i].crosswalk, tagged[i].kind);
		assert_int_equal(q(f->s, sql), 0);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM crosswalk WHERE name = '%s'",
		         tagged[i].crosswalk);
		assert_true(q(f->s, sql) > 0);
	}
	/* a category's target is an ICCS code, then the tags its label implies */
	assert_int_equal(q(f->s, "SELECT count(*) FROM crosswalk c WHERE (c.name LIKE '%-delito' "
	                         "OR c.name = 'bz-offence') AND NOT EXISTS (SELECT 1 FROM iccs i "
	                         "WHERE i.code = substr(c.target, 1, instr(c.target || ' ', ' ') "
	                         "- 1))"), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM crosswalk WHERE name LIKE '%-delito' AND "
	                         "target = '0201 relationship=domestic'"), 12);
	assert_int_equal(q(f->s, "SELECT count(*) FROM crosswalk WHERE name = 'bz-offence' AND "
	                         "target = '0201 relationship=domestic'"), 1);
	assert_int_equal(q(f->s, "SELECT count(DISTINCT name) FROM crosswalk WHERE "
	                         "name LIKE '%-delito' OR name = 'bz-offence'"), 7);
	/* femicide in El Salvador is dated from the LEIV */
	assert_int_equal(q(f->s, "SELECT count(*) FROM crosswalk WHERE name = 'sv-delito' AND "
	                         "key = 'feminicidio' AND target = '0101' AND "
	                         "valid_from = '2012-01-01'"), 1);
	assert_int_equal(q(f->s, "SELECT count(*) FROM crosswalk WHERE key = 'arma de fuego' "
	                         "AND name = 'arma' AND target = 'firearm'"), 1);
}

static const struct {
	const char *key, *code;
} alias_cases[] = {
	{ "tegucigalpa", "HND0801" }, { "distrito central", "HND0801" },
	{ "ciudad de guatemala", "GTM0101" }, { "distrito nacional", "DOM0101" },
	{ "santo domingo de guzman", "DOM01" }, { "san salvador centro", "SLV0623" },
	{ "0614", "SLV0614" }, { "aguirre", "CRI606" }, { "gt1713", "GTM1713" },
	{ "hn 01 08", "HND0108" }, { "ciudad delgado", "SLV0619" }, { "san jose", "CRI101" },
	{ "meanguera del golfo", "SLV1410" },
};

static void aliases_resolve(void **state)
{
	struct fixture *f = *state;
	char sql[256];

	for (size_t i = 0; i < OB_ARRAY_SIZE(alias_cases); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM territory_alias WHERE key = '%s' "
		         "AND code = '%s'", alias_cases[i].key, alias_cases[i].code);
		if (q(f->s, sql) != 1)
			fail_msg("alias «%s» does not resolve to %s", alias_cases[i].key,
			         alias_cases[i].code);
	}
	/* every territory is reachable by its folded name */
	assert_int_equal(q(f->s, "SELECT count(*) FROM territory t WHERE NOT EXISTS (SELECT 1 "
	                         "FROM territory_alias a WHERE a.code = t.code AND a.alias = t.name)"),
	                 0);
}

/*
 * The stored keys are what the ingest computes with ob_fold_key(): it folds
 * the values of a file and looks them up among the folded labels and aliases.
 */
static void keys_are_folded_as_the_ingest_folds(void **state)
{
	static const char *const queries[] = {
		"SELECT key, label FROM crosswalk",
		"SELECT key, alias FROM territory_alias",
	};
	struct fixture *f = *state;
	struct ob_buf k = OB_BUF_INIT(1 << 16);

	for (size_t i = 0; i < OB_ARRAY_SIZE(queries); i++) {
		sqlite3_stmt *st;
		long rows = 0;

		assert_int_equal(sqlite3_prepare_v2(ob_store_db(f->s), queries[i], -1, &st, NULL),
		                 SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *key = (const char *)sqlite3_column_text(st, 0);
			const char *label = (const char *)sqlite3_column_text(st, 1);

			ob_buf_reset(&k);
			assert_int_equal(ob_fold_key(label, strlen(label), &k), OB_OK);
			if (k.len != strlen(key) || memcmp(k.ptr, key, k.len))
				fail_msg("%s: «%s» is stored as «%s», folds to «%.*s»", queries[i],
				         label, key, (int)k.len, k.ptr);
			rows++;
		}
		sqlite3_finalize(st);
		assert_true(rows > 900);
	}
	ob_buf_release(&k);
}

static void geometry_and_embedding(void **state)
{
	struct fixture *f = *state;

	/* El Salvador: 262 municipalities until 2024, 44 from 2024-05-01 */
	assert_int_equal(q(f->s, "SELECT count(*) FROM territory_geometry"), 6 + 84 + 152 + 340 +
	                 298 + 82 + 262 + 44);
	assert_int_equal(q(f->s, "SELECT count(*) FROM territory_geometry WHERE "
	                         "geojson NOT LIKE '{\"type\":%'"), 0);
	assert_true(ob_catalog_files_count >= 8);
	for (size_t i = 0; i < ob_catalog_files_count; i++) {
		char path[512];
		struct stat st;

		snprintf(path, sizeof(path), "%s/catalog/%s", f->dir, ob_catalog_files[i].path);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal((size_t)st.st_size, ob_catalog_files[i].len);
	}
}

/* Loading again replaces, it does not add; an edited file is kept by write_default. */
static void reload_replaces_and_keeps_edits(void **state)
{
	struct fixture *f = *state;
	struct ob_diag d;
	char path[512];
	FILE *fp;
	long long before = q(f->s, "SELECT count(*) FROM territory");

	snprintf(path, sizeof(path), "%s/catalog/tags.csv", f->dir);
	fp = fopen(path, "a");
	assert_non_null(fp);
	fputs("sex,X,Intersexual,Intersex\n", fp);
	fclose(fp);
	assert_int_equal(ob_catalog_write_default(f->dir, &d), OB_OK);
	assert_int_equal(ob_catalog_load(f->s, f->dir, &d), OB_OK);
	assert_int_equal(q(f->s, "SELECT count(*) FROM territory"), before);
	assert_int_equal(q(f->s, "SELECT count(*) FROM tag WHERE kind = 'sex' AND code = 'X'"), 1);
}

static const struct {
	const char *file, *content;
	ob_err code;
	long line, column;
	const char *msg; /* part of the message, or NULL */
} bad_cases[] = {
	{ "iccs.csv", "code,level,parent,name_es,name_en\n01,1,,A,A\n0101,2,01,B,B\n9999,2,99,C,C\n",
	  OB_EINVAL, 4, 3 },
	{ "tags.csv", "kind,code,name_es\nsex,F,Mujer\n", OB_ENOCOL, 1, 0 },
	{ "crosswalks.csv", "name,label,target,valid_from,valid_to\nsexo,Mujer,F,,\n"
	  "sexo,Hombre,Q,,\n", OB_EINVAL, 3, 3 },
	{ "crosswalks.csv", "name,label,target,valid_from,valid_to\nsexo,Mujer,F,2012-02-30,\n",
	  OB_EINVAL, 2, 4 },
	{ "crosswalks.csv", "name,label,target\nsexo,\"Mujer,F\n", OB_EPARSE, 2, 2 },
	{ "crosswalks.csv", "name,label,target\nsexo,\"Mu\"jer,F\n", OB_EPARSE, 2, 2 },
	{ "tags.csv", "kind,code,name_es,name_en\nsex,F,Mujer \xff,Female\n", OB_EENCODING, 2, 3,
	  "UTF-8 no válido: el byte 0xFF no es UTF-8; guarde el archivo como UTF-8" },
	/* Windows-1252 that a sniffing reader would accept: the catalogue is UTF-8 */
	{ "tags.csv", "kind,code,name_es,name_en\nsex,F,Mujer,Female\nsex,M,Var\xf3n,Male\n",
	  OB_EENCODING, 3, 3, "guarde el archivo como UTF-8" },
	/* nor is the separator sniffed: with semicolons there is one column */
	{ "tags.csv", "kind;code;name_es;name_en\nsex;F;Mujer;Female\n", OB_ENOCOL, 1, 0,
	  "falta la columna obligatoria" },
	/* BOM, CRLF, empty lines and a quoted field over two lines keep the count */
	{ "tags.csv", "\xEF\xBB\xBFkind,code,name_es,name_en\r\n\r\nsex,F,\"Mujer,\r\nmujeres\","
	  "Female\r\n\r\nsex,,Nada,None\r\n", OB_EINVAL, 6, 2, "código no válido" },
	{ "crosswalks.csv", "name,label,target\nsexo,\"Mu\nj\"er,F\n", OB_EPARSE, 3, 2,
	  "comilla" },
	{ "tags.csv", "", OB_EEMPTY, 0, 0, NULL },
	{ "tags.csv", "\n\n", OB_EEMPTY, 0, 0, NULL },
	{ "tags.csv", "kind,code,name_es,name_en,Code\n", OB_EDUPCOL, 1, 5, "duplicada" },
	{ "territory_aliases.csv", "code,alias\nXXX9,Nada\n", OB_EINVAL, 2, 1 },
	{ "population.csv", "territory,year,sex,population,status\nSLV,2020,X,5,official\n",
	  OB_EINVAL, 2, 3 },
	{ "population.csv", "territory,year,sex,population,status\r\nSLV,2020,T,-5,official\r\n",
	  OB_EINVAL, 2, 4 },
	{ "territories.csv", "code,level,country,parent,name\nBLZ,0,BLZ,,Belize\n"
	  "BLZ01,1,BLZ,BLZ,Belize\nBLZ0101,2,SLV,BLZ01,X\n", OB_EINVAL, 4, 3 },
	{ "territories.csv", "code,level,country,parent,name\nBLZ,0,BLZ,,Belize\n"
	  "BLZ,0,BLZ,,Belize\n", OB_EINVAL, 3, 0 },
	{ "geometry/bad.geojson", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
	  "\"Feature\",\"properties\":{\"code\":\"NOPE\"},\"geometry\":{\"type\":\"Point\","
	  "\"coordinates\":[0,0]}}]}", OB_EINVAL, 0, 0 },
};

/* A broken file is refused with its position, and the store keeps its catalogue. */
static void bad_files_are_refused(void **state)
{
	struct fixture *f = *state;
	long long territories = q(f->s, "SELECT count(*) FROM territory");

	for (size_t i = 0; i < OB_ARRAY_SIZE(bad_cases); i++) {
		char path[512], save[520], msg[OB_MAX_MESSAGE];
		struct ob_diag d;
		FILE *fp;
		bool existed;

		snprintf(path, sizeof(path), "%s/catalog/%s", f->dir, bad_cases[i].file);
		snprintf(save, sizeof(save), "%s.save", path);
		existed = access(path, F_OK) == 0;
		if (existed)
			assert_int_equal(rename(path, save), 0);
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs(bad_cases[i].content, fp);
		fclose(fp);
		ob_diag_clear(&d);
		assert_int_equal(ob_catalog_load(f->s, f->dir, &d), bad_cases[i].code);
		ob_diag_format(&d, msg, sizeof(msg));
		if (d.line != bad_cases[i].line || d.column != bad_cases[i].column)
			fail_msg("case %zu: %s (expected line %ld column %ld)", i, msg,
			         bad_cases[i].line, bad_cases[i].column);
		assert_non_null(strstr(d.file, bad_cases[i].file));
		if (bad_cases[i].msg && !strstr(d.message, bad_cases[i].msg))
			fail_msg("case %zu: %s (expected «%s»)", i, msg, bad_cases[i].msg);
		if (existed)
			assert_int_equal(rename(save, path), 0);
		else
			assert_int_equal(unlink(path), 0);
		assert_int_equal(q(f->s, "SELECT count(*) FROM territory"), territories);
	}
}

static const struct {
	const char *code, *name, *note;
} imported[] = {
	{ "CRI614", "=SUMA(1;2)", "nota, con \"comillas\"" },
	{ "CRI615", "-Norte", " espacios " },
	{ "CRI616", "+Sur\ndos líneas", "@x" },
};

/*
 * An import writes the catalogue file back and reloads it: every value comes
 * back as it was, quotes, separators, line breaks, blanks at the ends and
 * values a spreadsheet would take for formulas included.
 */
static void import_round_trip(void **state)
{
	struct fixture *f = *state;
	struct ob_catalog_import res;
	struct ob_diag d;
	char path[512], sql[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/import.csv", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("code,level,country,parent,name,valid_from,valid_to,status,source,note\n"
	      "CRI614,2,CRI,CRI6,\"=SUMA(1;2)\",2030-01-01,,official,test,"
	      "\"nota, con \"\"comillas\"\"\"\n"
	      "CRI615,2,CRI,CRI6,-Norte,2030-01-01,,official,test,\" espacios \"\n"
	      "CRI616,2,CRI,CRI6,\"+Sur\ndos líneas\",2030-01-01,,official,test,@x\n", fp);
	fclose(fp);
	assert_int_equal(ob_catalog_import_territories(f->s, f->dir, path, &res, &d), OB_OK);
	assert_int_equal(res.added, 3);
	/* and once more from the file as written */
	assert_int_equal(ob_catalog_load(f->s, f->dir, &d), OB_OK);
	for (size_t i = 0; i < OB_ARRAY_SIZE(imported); i++) {
		sqlite3_stmt *st;

		snprintf(sql, sizeof(sql), "SELECT name, note FROM territory WHERE code = '%s'",
		         imported[i].code);
		assert_int_equal(sqlite3_prepare_v2(ob_store_db(f->s), sql, -1, &st, NULL),
		                 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), imported[i].name);
		assert_string_equal((const char *)sqlite3_column_text(st, 1), imported[i].note);
		sqlite3_finalize(st);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_per_country_and_level),
		cmocka_unit_test(parents_are_consistent),
		cmocka_unit_test(population_adds_up),
		cmocka_unit_test(population_sums_are_checked),
		cmocka_unit_test(iccs_sections_and_divisions),
		cmocka_unit_test(crosswalk_targets_exist),
		cmocka_unit_test(aliases_resolve),
		cmocka_unit_test(keys_are_folded_as_the_ingest_folds),
		cmocka_unit_test(geometry_and_embedding),
		cmocka_unit_test(bad_files_are_refused),
		cmocka_unit_test(reload_replaces_and_keeps_edits),
		cmocka_unit_test(import_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
