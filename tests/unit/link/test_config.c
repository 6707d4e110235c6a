/* test_config.c - linkage settings: parsing, errors with file:line, default rules, CSV reading. */
#include "test.h"

#include <math.h>
#include <unistd.h>

#include "io/date.h"
#include "link/config.h"

static const char good[] =
	"# settings of a test\n"
	"[link]\n"
	"id = Caso | ID   # two names for the id column\n"
	"threshold = 0.9\n"
	"report = 0.2\n"
	"assign = optimal\n"
	"within = yes\n"
	"em = plain\n"
	"u_pairs = 5000\n"
	"seed = 7\n"
	"threads = 2\n"
	"keep_enye = yes\n"
	"dates = dmy, iso\n"
	"delimiter = ;\n"
	"encoding = windows-1252\n"
	"\n"
	"[field nombre]\n"
	"type = given\n"
	"column = Nombres\n"
	"levels = 0.95, 0.9, 0.8\n"
	"jw = winkler\n"
	"tf = no\n"
	"[field apellido]\n"
	"type = surnames\n"
	"columns = Primer apellido, Segundo apellido\n"
	"[field victima]\n"
	"type = fullname\n"
	"column = Nombre completo\n"
	"[field fecha]\n"
	"type = date\n"
	"column = Fecha\n"
	"levels = 0, 2, 10\n"
	"[field municipio]\n"
	"type = territory\n"
	"column = Municipio\n"
	"parent = Departamento\n"
	"[block]\n"
	"rule = municipio:admin1, fecha:within 2\n"
	"rule = apellido:key, nombre:initial, fecha:year\n"
	"rule = apellido1:keys\n"
	"rule = all\n";

static void parses_everything(void **state)
{
	struct ob_link_config *c = ob_calloc(1, sizeof(*c));
	struct ob_diag d;
	(void)state;
	ob_diag_clear(&d);
	assert_int_equal(ob_link_config_parse(good, strlen(good), "/x/ajustes.ini", c, &d), OB_OK);
	assert_true(c->has_id);
	assert_int_equal(c->id.nalt, 2);
	assert_string_equal(c->id.alt[0], "caso");
	assert_true(c->opts.threshold == 0.9 && c->opts.report_min == 0.2);
	assert_int_equal(c->opts.assign, OB_ASSIGN_OPTIMAL);
	assert_true(c->within_given && c->opts.within);
	assert_int_equal(c->opts.em, OB_LINK_EM_PLAIN);
	assert_int_equal(c->opts.u_pairs, 5000);
	assert_int_equal(c->opts.seed, 7);
	assert_int_equal(c->opts.threads, 2);
	assert_int_equal(c->csv.delimiter, ';');
	assert_int_equal(c->csv.encoding, OB_ENC_CP1252);
	/* 1 + 2 + 3 + 1 + 1 comparisons */
	assert_int_equal(c->nspec, 8);
	assert_int_equal(c->ngroups, 5);
	assert_string_equal(c->spec[0].name, "nombre");
	assert_int_equal(c->spec[0].ncut, 3);
	assert_true(c->spec[0].cut[2] == 0.8);
	assert_int_equal(c->spec[0].jw, OB_JW_WINKLER);
	assert_false(c->spec[0].tf);
	assert_int_equal(c->spec[0].fold, OB_NAME_KEEP_ENYE);
	assert_string_equal(c->spec[1].name, "apellido1");
	assert_int_equal(c->spec[1].kind, OB_LINK_SURNAME1);
	assert_string_equal(c->spec[2].name, "apellido2");
	assert_int_equal(c->spec[2].kind, OB_LINK_SURNAME2);
	assert_true(c->spec[1].tf); /* names default to term frequencies */
	assert_string_equal(c->spec[3].name, "victima.nombres");
	assert_string_equal(c->spec[4].name, "victima.apellido1");
	assert_string_equal(c->spec[5].name, "victima.apellido2");
	assert_int_equal(c->spec[6].kind, OB_LINK_DATE);
	assert_int_equal(c->spec[6].date_forms, OB_DATE_DMY | OB_DATE_ISO);
	assert_true(c->spec[6].cut[1] == 2);
	assert_int_equal(c->spec[7].kind, OB_LINK_TERRITORY);
	assert_true(c->group[4].has_parent);
	assert_int_equal(c->group[1].ncol, 2);
	assert_string_equal(c->group[1].col[1].alt[0], "segundo apellido");
	/* rules */
	assert_int_equal(c->nrules, 4);
	assert_true(c->rules_given);
	assert_int_equal(c->rule[0].nterms, 2);
	assert_int_equal(c->rule[0].term[0].field, 7);
	assert_int_equal(c->rule[0].term[0].how, OB_BLOCK_ADMIN1);
	assert_int_equal(c->rule[0].term[1].how, OB_BLOCK_WITHIN);
	assert_true(c->rule[0].term[1].window == 2);
	assert_int_equal(c->rule[1].term[0].field, 1); /* the group means its first surname */
	assert_int_equal(c->rule[1].term[0].how, OB_BLOCK_KEY);
	assert_int_equal(c->rule[1].term[1].how, OB_BLOCK_INITIAL);
	assert_int_equal(c->rule[1].term[2].how, OB_BLOCK_YEAR);
	assert_int_equal(c->rule[2].term[0].how, OB_BLOCK_KEYS);
	assert_int_equal(c->rule[3].nterms, 0); /* all pairs */
	assert_string_equal(c->rule[0].text, "municipio:admin1, fecha:within 2");
	/* [block] given: defaults change nothing */
	assert_int_equal(ob_link_config_default_rules(c, &d), OB_OK);
	assert_int_equal(c->nrules, 4);
	free(c);
}

/* Each bad settings text is refused with its line and a reason. */
static const struct {
	const char *text;
	ob_err code;
	long line;
	const char *fragment;
} bad_cases[] = {
	{ "[nada]\n", OB_EINVAL, 1, "sección desconocida" },
	{ "id = x\n", OB_EPARSE, 1, "fuera de una sección" },
	{ "[link]\nfoo = 1\n", OB_EINVAL, 2, "clave desconocida en [link]" },
	{ "[link]\nthreshold = 1.5\n", OB_EINVAL, 2, "probabilidad" },
	{ "[link]\nthreshold = 1\n", OB_EINVAL, 2, "menor que 1" },
	{ "[link]\nreport = 0\n", OB_EINVAL, 2, "mayor que 0" },
	{ "[link]\nthreads = muchos\n", OB_EINVAL, 2, "número" },
	{ "[link]\nwithin = quizá\n", OB_EINVAL, 2, "yes o no" },
	{ "[link]\nassign = best\n", OB_EINVAL, 2, "greedy" },
	{ "[link]\nem = bayes\n", OB_EINVAL, 2, "fixed-u" },
	{ "[link]\ndates = dmy, mdy\n", OB_EINVAL, 2, "dmy y mdy" },
	{ "[link]\ndates = julian\n", OB_EINVAL, 2, "forma de fecha" },
	{ "[link]\ndelimiter = x\n", OB_EINVAL, 2, "auto" },
	{ "[link]\nseed = -3\n", OB_EINVAL, 2, "entero" },
	{ "[link\n", OB_EPARSE, 1, "mal formada" },
	{ "[link]\nsin igual\n", OB_EPARSE, 2, "clave = valor" },
	{ "[field a b]\n", OB_EINVAL, 1, "nombre de campo" },
	{ "[field a]\ntype = given\ncolumn = x\n[field a]\n", OB_EINVAL, 4, "repetido" },
	{ "[field a]\ncolumn = x\n", OB_EINVAL, 2, "primero" },
	{ "[field a]\ntype = persona\n", OB_EINVAL, 2, "tipo desconocido" },
	{ "[field a]\ntype = surname_order\n", OB_EINVAL, 2, "tipo desconocido" },
	{ "[field a]\ntype = given\ntype = given\n", OB_EINVAL, 3, "ya se dio" },
	{ "[field a]\ntype = code\ncolumn = x\nlevels = 1\n", OB_EINVAL, 4, "niveles" },
	{ "[field a]\ntype = given\ncolumn = x\nlevels = 0.8, 0.9\n", OB_EINVAL, 4, "mayor a menor" },
	{ "[field a]\ntype = date\ncolumn = x\nlevels = 3, 1\n", OB_EINVAL, 4, "menor a mayor" },
	{ "[field a]\ntype = given\ncolumn = x\nlevels = 1.5\n", OB_EINVAL, 4, "entre 0 y 1" },
	{ "[field a]\ntype = given\ncolumns = x, y\n", OB_EINVAL, 3, "dos columnas" },
	{ "[field a]\ntype = given\ncolumn = x\nparent = y\n", OB_EINVAL, 4, "territory" },
	{ "[field a]\ntype = given\ncolumn = x\njw = levenshtein\n", OB_EINVAL, 4, "fastlink" },
	{ "[field a]\ntype = given\ncolumn = x\ncolor = rojo\n", OB_EINVAL, 4, "clave desconocida" },
	{ "[field a]\ntype = given\n", OB_EINVAL, 1, "falta «column»" },
	{ "[field a]\ntype = given\ncolumn = |\n", OB_EINVAL, 3, "falta el nombre" },
	{ "[field a]\ntype = given\ncolumn = x\n[block]\nrule = b:key\n", OB_EINVAL, 5,
	  "campo desconocido" },
	{ "[field a]\ntype = given\ncolumn = x\n[block]\nrule = a:soundex\n", OB_EINVAL, 5,
	  "se esperaba exact" },
	{ "[field a]\ntype = date\ncolumn = x\n[block]\nrule = a:within\n", OB_EINVAL, 5,
	  "se esperaba exact" },
	{ "[field a]\ntype = date\ncolumn = x\n[block]\nrule = a:within -2\n", OB_EINVAL, 5,
	  "within N" },
	{ "[field a]\ntype = date\ncolumn = x\n[block]\nregla = a\n", OB_EINVAL, 5, "rule" },
	{ "[field a]\ntype = given\ncolumn = x\n[block]\nrule = a:key\nrule = a:year\n",
	  OB_EINVAL, 6, "no sirve para el campo a" },
	{ "[block]\nrule = a:year\n[field a]\ntype = given\ncolumn = x\n", OB_EINVAL, 2,
	  "campo desconocido" },
	{ "[field a]\ntype = date\ncolumn = x\n[block]\nrule = a:within 1, a:within 2\n",
	  OB_EINVAL, 5, "una sola ventana" },
	{ "[link]\n", OB_EINVAL, 0, "no hay campos" },
	{ "[link]\nid = caf\xE9\n", OB_EENCODING, 2, "UTF-8" },
};

static void refuses_with_lines(void **state)
{
	struct ob_link_config *c = ob_calloc(1, sizeof(*c));
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(bad_cases); i++) {
		struct ob_diag d;
		ob_err e;
		ob_diag_clear(&d);
		e = ob_link_config_parse(bad_cases[i].text, strlen(bad_cases[i].text), "a.ini", c, &d);
		if (e != bad_cases[i].code || d.line != bad_cases[i].line ||
		    !strstr(d.message, bad_cases[i].fragment) || strcmp(d.file, "a.ini"))
			fail_msg("case %zu: %s line %ld: %s (want %s line %ld «%s»)", i, ob_err_name(e),
			         d.line, d.message, ob_err_name(bad_cases[i].code), bad_cases[i].line,
			         bad_cases[i].fragment);
	}
	free(c);
}

/* A ';' alone as a value is not a comment; after a blank, '#' and ';' are. */
static void comments(void **state)
{
	static const char t[] = "[link] ; the main section\ndelimiter = ;\nseed = 5 # five\n"
	                        "[field a] # a field\ntype = given ; given names\ncolumn = x\n";
	struct ob_link_config *c = ob_calloc(1, sizeof(*c));
	struct ob_diag d;
	(void)state;
	assert_int_equal(ob_link_config_parse(t, strlen(t), "c.ini", c, &d), OB_OK);
	assert_int_equal(c->csv.delimiter, ';');
	assert_int_equal(c->opts.seed, 5);
	assert_int_equal(c->spec[0].kind, OB_LINK_GIVEN);
	free(c);
}

static void default_rules(void **state)
{
	static const char full[] =
		"[field n]\ntype = given\ncolumn = n\n"
		"[field a]\ntype = surnames\ncolumn = a\n"
		"[field f]\ntype = date\ncolumn = f\n"
		"[field m]\ntype = territory\ncolumn = m\nparent = d\n";
	static const char names[] = "[field n]\ntype = given\ncolumn = n\n"
	                            "[field a]\ntype = surnames\ncolumns = a, b\n";
	static const char nothing[] = "[field s]\ntype = code\ncolumn = s\n";
	struct ob_link_config *c = ob_calloc(1, sizeof(*c));
	struct ob_diag d;
	(void)state;
	assert_int_equal(ob_link_config_parse(full, strlen(full), "f.ini", c, &d), OB_OK);
	assert_int_equal(ob_link_config_default_rules(c, &d), OB_OK);
	assert_int_equal(c->nrules, 4);
	assert_string_equal(c->rule[0].text, "m:admin1, f:within 3");
	assert_string_equal(c->rule[1].text, "a1:key, n:key, f:year");
	assert_string_equal(c->rule[2].text, "n:key, a2:key, f:year");
	assert_string_equal(c->rule[3].text, "a1:keys, n:initial");
	assert_int_equal(ob_link_config_parse(names, strlen(names), "f.ini", c, &d), OB_OK);
	assert_int_equal(ob_link_config_default_rules(c, &d), OB_OK);
	assert_int_equal(c->nrules, 3);
	assert_string_equal(c->rule[0].text, "a1:key, n:key");
	assert_int_equal(ob_link_config_parse(nothing, strlen(nothing), "f.ini", c, &d), OB_OK);
	assert_int_equal(ob_link_config_default_rules(c, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "[block]"));
	free(c);
}

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int make_tmp(void **state)
{
	(void)state;
	ob_strlcpy(tmpdir, "/tmp/observa-linkcfg-XXXXXX", sizeof(tmpdir));
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmp(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void reads_csv(void **state)
{
	char cfgpath[256], a[256], b[256];
	struct ob_link_config *c = ob_calloc(1, sizeof(*c));
	struct ob_link_records r;
	struct ob_diag d;
	(void)state;
	write_file("s.ini", "[link]\nid = id\n"
	                    "[field n]\ntype = fullname\ncolumn = Nombre completo | nombre\n"
	                    "[field m]\ntype = territory\ncolumn = mun\nparents = units.csv\n"
	                    "neighbours = adj.csv\n"
	                    "[field e]\ntype = age\ncolumn = edad\n");
	write_file("units.csv", "code,parent\nM1,D1\nM2,D1\nM3,D2\n");
	write_file("adj.csv", "a,b\nM1,M3\n");
	write_file("a.csv", "Id,NOMBRE COMPLETO,Mun,Edad\n"
	                    "a1,José Rodríguez Pérez,M1,35 años\n"
	                    "a2,\"Pérez García, María José\",M2,desconocida\n"
	                    ",,,\n"
	                    "a3,Ana,M3,veinte\n");
	write_file("b.csv", "nombre;mun;edad\nJuan;M1;30\n");
	snprintf(cfgpath, sizeof(cfgpath), "%s/s.ini", tmpdir);
	snprintf(a, sizeof(a), "%s/a.csv", tmpdir);
	snprintf(b, sizeof(b), "%s/b.csv", tmpdir);
	assert_int_equal(ob_link_config_load(cfgpath, c, &d), OB_OK);
	assert_int_equal(ob_link_config_records(c, &r, &d), OB_OK);
	assert_int_equal(ob_link_config_read_csv(c, &r, a, "a.csv", false, &d), OB_OK);
	assert_int_equal(r.n, 3); /* the blank row is skipped */
	assert_string_equal(ob_link_record_id(&r, 1), "a2");
	assert_string_equal(ob_link_record_text(&r, 0, 0), "JOSE");
	assert_string_equal(ob_link_record_text(&r, 0, 1), "RODRIGUEZ");
	assert_string_equal(ob_link_record_text(&r, 0, 2), "PEREZ");
	assert_string_equal(ob_link_record_text(&r, 1, 0), "MARIA JOSE");
	assert_string_equal(ob_link_record_text(&r, 1, 2), "GARCIA");
	/* fields: 0-2 the full name, 3 m, 4 e, 5 the surnames' order */
	assert_int_equal(r.nfields, 6);
	assert_int_equal(r.field[5].kind, OB_LINK_SURNAME_ORDER);
	assert_true(ob_link_num(&r, 0, 4) == 35);
	assert_true(isnan(ob_link_num(&r, 1, 4)));
	assert_int_equal(r.stats[4].unreadable, 1);
	assert_non_null(strstr(r.stats[4].example, "a.csv:5"));
	{
		struct ob_link_cmp cmp;
		ob_link_compare(&r, 0, 1, &cmp);
		assert_int_equal(cmp.level[3], OB_TERR_SAME_ADMIN1); /* from units.csv */
		assert_int_equal(cmp.level[5], 0); /* PEREZ meets PEREZ swapped */
		ob_link_compare(&r, 0, 2, &cmp);
		assert_int_equal(cmp.level[3], OB_TERR_NEIGHBOUR);   /* from adj.csv */
		assert_int_equal(cmp.level[5], OB_LEVEL_MISSING);    /* Ana has no surnames */
	}
	/* b.csv lacks the id column */
	assert_int_equal(ob_link_config_read_csv(c, &r, b, "b.csv", false, &d), OB_ENOCOL);
	assert_non_null(strstr(d.file, "b.csv"));
	assert_int_equal(d.line, 1);
	assert_non_null(strstr(d.message, "nombre, mun, edad"));
	assert_string_equal(d.value, "id");
	ob_link_records_release(&r);
	free(c);
}

static void csv_errors(void **state)
{
	char cfgpath[256], a[256];
	struct ob_link_config *c = ob_calloc(1, sizeof(*c));
	struct ob_link_records r;
	struct ob_diag d;
	(void)state;
	write_file("t.ini", "[link]\nid = id\n[field n]\ntype = given\ncolumn = nombre\n");
	write_file("noid.csv", "id,nombre\nx1,Ana\n  ,Luis\n");
	write_file("nocol.csv", "id,nombres\nx1,Ana\n");
	write_file("empty.csv", "\n\n");
	snprintf(cfgpath, sizeof(cfgpath), "%s/t.ini", tmpdir);
	assert_int_equal(ob_link_config_load(cfgpath, c, &d), OB_OK);
	assert_int_equal(ob_link_config_records(c, &r, &d), OB_OK);
	snprintf(a, sizeof(a), "%s/noid.csv", tmpdir);
	assert_int_equal(ob_link_config_read_csv(c, &r, a, "noid.csv", false, &d), OB_EINVAL);
	assert_int_equal(d.line, 3);
	assert_non_null(strstr(d.message, "sin identificador"));
	snprintf(a, sizeof(a), "%s/nocol.csv", tmpdir);
	assert_int_equal(ob_link_config_read_csv(c, &r, a, "nocol.csv", false, &d), OB_ENOCOL);
	assert_non_null(strstr(d.message, "nombre"));
	snprintf(a, sizeof(a), "%s/empty.csv", tmpdir);
	assert_true(ob_link_config_read_csv(c, &r, a, "empty.csv", false, &d) != OB_OK);
	snprintf(a, sizeof(a), "%s/missing.csv", tmpdir);
	assert_true(ob_link_config_read_csv(c, &r, a, "missing.csv", false, &d) != OB_OK);
	ob_link_records_release(&r);
	snprintf(a, sizeof(a), "%s/none.ini", tmpdir);
	assert_int_equal(ob_link_config_load(a, c, &d), OB_ENOENT);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_everything),
		cmocka_unit_test(refuses_with_lines),
		cmocka_unit_test(comments),
		cmocka_unit_test(default_rules),
		cmocka_unit_test(reads_csv),
		cmocka_unit_test(csv_errors),
	};
	return cmocka_run_group_tests(tests, make_tmp, remove_tmp);
}
