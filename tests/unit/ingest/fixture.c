/* fixture.c - the test observatory (see fixture.h). */
#include "test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
/* raw SQL (store_sql.h): a small catalogue laid out in SQL. */
#include "store_sql.h"

static const char catalogue_sql[] =
	"INSERT INTO territory(code, level, country, parent, name, valid_from, valid_to) VALUES"
	" ('SLV', 0, 'SLV', NULL, 'El Salvador', NULL, NULL),"
	" ('SLV06', 1, 'SLV', 'SLV', 'San Salvador', NULL, NULL),"
	" ('SLV04', 1, 'SLV', 'SLV', 'Chalatenango', NULL, NULL),"
	" ('SLV12', 1, 'SLV', 'SLV', 'San Miguel', NULL, NULL),"
	" ('SLV11', 1, 'SLV', 'SLV', 'Usulután', NULL, NULL),"
	" ('SLV0614', 2, 'SLV', 'SLV06', 'San Salvador', NULL, '2024-04-30'),"
	" ('SLV0601', 2, 'SLV', 'SLV06', 'Aguilares', NULL, '2024-04-30'),"
	" ('SLV1217', 2, 'SLV', 'SLV12', 'San Miguel', NULL, '2024-04-30'),"
	" ('SLV0427', 2, 'SLV', 'SLV04', 'San Rafael', NULL, '2024-04-30'),"
	" ('SLV1119', 2, 'SLV', 'SLV11', 'San Rafael', NULL, '2024-04-30'),"
	" ('SLV0625', 2, 'SLV', 'SLV06', 'San Salvador Centro', '2024-05-01', NULL);"
	"INSERT INTO territory_change(old_code, new_code, date, kind) VALUES"
	" ('SLV0614', 'SLV0625', '2024-05-01', 'district_of'),"
	" ('SLV0601', 'SLV0625', '2024-05-01', 'district_of');"
	"INSERT INTO territory_alias(key, code, alias) VALUES"
	" ('0614', 'SLV0614', '0614'), ('san salvador capital', 'SLV0614', 'San Salvador capital');"
	"INSERT INTO iccs(code, level, parent, name_es, name_en) VALUES"
	" ('01', 1, NULL, 'Actos que causan la muerte', 'Acts leading to death'),"
	" ('0101', 2, '01', 'Homicidio intencional', 'Intentional homicide'),"
	" ('0401', 2, '04', 'Robo', 'Robbery');"
	"INSERT INTO tag(kind, code, name_es, name_en) VALUES"
	" ('sex', 'F', 'Mujer', 'Female'), ('sex', 'M', 'Hombre', 'Male'),"
	" ('sex', 'U', 'Desconocido', 'Unknown'),"
	" ('mechanism', 'firearm', 'Arma de fuego', 'Firearm'),"
	" ('mechanism', 'sharp', 'Arma blanca', 'Sharp object'),"
	" ('mechanism', 'unknown', 'Desconocido', 'Unknown'),"
	" ('manner', 'homicide', 'Homicidio', 'Homicide');"
	"INSERT INTO crosswalk(name, key, label, target, valid_from, valid_to) VALUES"
	" ('sv-delito', 'homicidio', 'Homicidio', '0101', NULL, NULL),"
	" ('sv-delito', 'homicidio agravado', 'Homicidio agravado', '0101', NULL, NULL),"
	" ('sv-delito', 'feminicidio', 'Feminicidio', '0101', '2012-01-01', NULL),"
	" ('sv-delito', 'robo', 'Robo', '0401', NULL, NULL),"
	" ('sexo', 'hombre', 'Hombre', 'M', NULL, NULL),"
	" ('sexo', 'mujer', 'Mujer', 'F', NULL, NULL),"
	" ('sexo', 'ignorado', 'Ignorado', 'U', NULL, NULL),"
	" ('arma', 'arma de fuego', 'Arma de fuego', 'firearm', NULL, NULL),"
	" ('arma', 'arma blanca', 'Arma blanca', 'sharp', NULL, NULL);";

static const char profile[] =
	"# test profile\n"
	"[source]\n"
	"code = sv-test\n"
	"name = Policía de prueba\n"
	"country = SV\n"
	"institution = police\n"
	"period = year\n"
	"[file]\n"
	"encoding = auto\n"
	"delimiter = auto\n"
	"dates = dmy, iso, excel, partial\n"
	"[columns]\n"
	"source_id = No. Caso | Correlativo\n"
	"occurred_on = Fecha del hecho | Fecha\n"
	"occurred_at = Hora\n"
	"territory_code = Código\n"
	"territory = Municipio\n"
	"territory_parent = Departamento\n"
	"category = Delito\n"
	"victim_sex = Sexo\n"
	"victim_age = Edad\n"
	"mechanism = Arma\n"
	"names = Nombre\n"
	"[values]\n"
	"manner = homicide\n"
	"[crosswalks]\n"
	"category = sv-delito\n"
	"victim_sex = sexo\n"
	"mechanism = arma\n"
	"[rules]\n"
	"require = source_id, occurred_on, territory, category\n";

const char *fixture_open(struct ob_store **s)
{
	static char dir[256];
	char path[512];
	struct ob_diag d;
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/observa-test-XXXXXX");
	assert_non_null(mkdtemp(dir));
	ob_diag_clear(&d);
	assert_int_equal(ob_store_open(dir, OB_STORE_CREATE, s, &d), OB_OK);
	assert_int_equal(ob_store_exec(*s, catalogue_sql, &d), OB_OK);
	snprintf(path, sizeof(path), "%s/catalog", dir);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/catalog/sources", dir);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/catalog/sources/sv-test.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(profile, f);
	fclose(f);
	return dir;
}

void fixture_profile(const char *dir, const char *more)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/catalog/sources/sv-test.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(profile, f);
	fputs(more, f);
	fclose(f);
}

const char *fixture_file(const char *dir, const char *name, const char *text, size_t len)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	return path;
}

void fixture_remove(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

long long fixture_count(struct ob_store *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;
	struct ob_diag d;

	assert_int_equal(ob_store_prepare(s, sql, &st, &d), OB_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}
