/*
 * test_demo.c - the synthetic demo generator, checked from the outside: a
 * small fixture store goes in, and the files that come out are read back
 * with a reader written here (not the generator's code), against the plan,
 * the published targets, the source profiles and data/demo/labels.csv.
 */
#include "test.h"

#include <dirent.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo/demo.h"
#include "store/store.h"
/* raw SQL (store_sql.h): a catalogue laid out in SQL for the demo. */
#include "store_sql.h"

/* ------------------------------------------------------------------ */
/* Fixture: a few territories of each country, populations near the    */
/* World Bank's 2020 figures, and El Salvador's 2024 reform.           */

struct fx_unit {
	const char *code, *country, *parent, *name;
	int level;
	const char *from, *to;
	double share;        /* of the national population, 0: none of its own */
	const char *natcode; /* what code-based files must write */
	const char *alias;   /* another spelling, or NULL */
	bool digit_alias;    /* natcode is registered as an alias */
};

static const struct fx_unit fx[] = {
	{ "SLV01", "SV", NULL, "Ahuachapán", 1, NULL, NULL, 0, NULL, NULL, false },
	{ "SLV06", "SV", NULL, "San Salvador", 1, NULL, NULL, 0, NULL, NULL, false },
	{ "SLV0101", "SV", "SLV01", "Ahuachapán", 2, NULL, "2024-04-30", 0.25, "0101", NULL, false },
	{ "SLV0614", "SV", "SLV06", "San Salvador", 2, NULL, "2024-04-30", 0.45, "0614", NULL, false },
	{ "SLV0619", "SV", "SLV06", "Ciudad Delgado", 2, NULL, "2024-04-30", 0.30, "0619", "Delgado", false },
	{ "SLV0113", "SV", "SLV01", "Ahuachapán Centro", 2, "2024-05-01", NULL, 0, "0113", NULL, false },
	{ "SLV0113D", "SV", "SLV0113", "Ahuachapán (distrito)", 3, "2024-05-01", NULL, 0.25, NULL, NULL, false },
	{ "SLV0620", "SV", "SLV06", "San Salvador Centro", 2, "2024-05-01", NULL, 0.75, "0620", NULL, false },
	{ "GT01", "GT", NULL, "Guatemala", 1, NULL, NULL, 0, NULL, NULL, false },
	{ "GT17", "GT", NULL, "Petén", 1, NULL, NULL, 0, NULL, NULL, false },
	{ "GT0101", "GT", "GT01", "Guatemala", 2, NULL, NULL, 0.5, "0101", NULL, false },
	{ "GT0108", "GT", "GT01", "Mixco", 2, NULL, NULL, 0.3, "0108", NULL, false },
	{ "GT1701", "GT", "GT17", "Flores", 2, NULL, NULL, 0.2, "1701", "Ciudad Flores", false },
	{ "hn_05", "HN", NULL, "Cortés", 1, NULL, NULL, 0, NULL, NULL, false },
	{ "hn_08", "HN", NULL, "Francisco Morazán", 1, NULL, NULL, 0, NULL, NULL, false },
	/* national codes registered as aliases win over the digits of the code */
	{ "hn_5_1", "HN", "hn_05", "San Pedro Sula", 2, NULL, NULL, 0.4, "0501", NULL, true },
	{ "hn_8_1", "HN", "hn_08", "Distrito Central", 2, NULL, NULL, 0.6, "0801", NULL, true },
	{ "CRI1", "CR", NULL, "San José", 1, NULL, NULL, 0, NULL, NULL, false },
	{ "CRI7", "CR", NULL, "Limón", 1, NULL, NULL, 0, NULL, NULL, false },
	{ "CRI101", "CR", "CRI1", "San José", 2, NULL, NULL, 0.6, "101", NULL, false },
	{ "CRI701", "CR", "CRI7", "Limón", 2, NULL, NULL, 0.4, "701", NULL, false },
	{ "PAN08", "PA", NULL, "Panamá", 1, NULL, NULL, 0, NULL, NULL, false },
	{ "PAN0801", "PA", "PAN08", "Panamá", 2, NULL, NULL, 0.6, "0801", NULL, false },
	{ "PAN0810", "PA", "PAN08", "San Miguelito", 2, NULL, NULL, 0.4, "0810", NULL, false },
	{ "DOM01", "DO", NULL, "Distrito Nacional", 1, NULL, NULL, 0, NULL, NULL, false },
	{ "DOM32", "DO", NULL, "Santo Domingo", 1, NULL, NULL, 0, NULL, NULL, false },
	{ "DOM0101", "DO", "DOM01", "Santo Domingo de Guzmán", 2, NULL, NULL, 0.5, "0101", NULL, false },
	{ "DOM3201", "DO", "DOM32", "Santo Domingo Este", 2, NULL, NULL, 0.5, "3201", NULL, false },
	{ "BZ02", "BZ", NULL, "Cayo", 1, NULL, NULL, 0, NULL, NULL, false },
	{ "BZ02001", "BZ", "BZ02", "Cayo", 2, NULL, NULL, 1.0, "02001", NULL, false },
	/* not a demo country: must be ignored */
	{ "MX01001", "MX", NULL, "Aguascalientes", 2, NULL, NULL, 1.0, "01001", NULL, false },
};

static const struct {
	const char *iso2;
	double pop2020;
} fx_pop[] = {
	{ "BZ", 397621 }, { "CR", 5094114 }, { "DO", 10847904 }, { "GT", 16858333 },
	{ "HN", 9904608 }, { "PA", 4314768 }, { "SV", 6486201 }, { "MX", 1000000 },
};

static double national(const char *iso2, int year)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(fx_pop); i++)
		if (!strcmp(fx_pop[i].iso2, iso2))
			return fx_pop[i].pop2020 * (1 + 0.01 * (year - 2020));
	return 0;
}

/* Population written for a unit: rounded share of the national figure. The
 * units valid before El Salvador's reform have figures for every year, the
 * new ones (or their district) for 2024 only. */
static double unit_pop(const struct fx_unit *u, int year)
{
	if (!u->share)
		return -1;
	if (u->from && year < 2024)
		return -1;
	return floor(national(u->country, year) * u->share + 0.5);
}

/* Valid on day (yyyy-mm-dd strings compare as dates). */
static bool valid_on(const struct fx_unit *u, const char *day)
{
	return (!u->from || strcmp(u->from, day) <= 0) && (!u->to || strcmp(day, u->to) <= 0);
}

/* National population at mid-year, as the generator must compute it: the
 * level-2 units valid on 1 July, each with its own figure or, failing that,
 * its children's. */
static double national_midyear(const char *iso2, int year)
{
	char mid[16];
	double sum = 0;

	snprintf(mid, sizeof(mid), "%04d-07-01", year);
	for (size_t i = 0; i < OB_ARRAY_SIZE(fx); i++) {
		const struct fx_unit *u = &fx[i];
		double v = -1;

		if (strcmp(u->country, iso2) || u->level != 2 || !valid_on(u, mid))
			continue;
		if (u->share) {
			v = unit_pop(u, year);
		} else {
			for (size_t k = 0; k < OB_ARRAY_SIZE(fx); k++)
				if (fx[k].parent && !strcmp(fx[k].parent, u->code) && unit_pop(&fx[k], year) > 0)
					v = (v < 0 ? 0 : v) + unit_pop(&fx[k], year);
		}
		if (v > 0)
			sum += v;
	}
	return sum;
}

static char tmp_root[1024];
static char data_dir[1024];

static void make_temp_root(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmp_root, sizeof(tmp_root), "%s/observa-demo-XXXXXX", t && *t ? t : "/tmp");
	assert_non_null(mkdtemp(tmp_root));
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[OB_MAX_PATH];

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		remove_tree(sub);
	}
	closedir(d);
	rmdir(path);
}

static void exec_ok(struct ob_store *s, const char *sql)
{
	struct ob_diag d;

	ob_diag_clear(&d);
	if (ob_store_exec(s, sql, &d)) {
		fprintf(stderr, "%s: %s\n", sql, d.message);
		fail();
	}
}

static struct ob_store *fixture_store(const char *dir, bool with_territories)
{
	struct ob_store *s;
	struct ob_diag d;
	char sql[1024];

	ob_diag_clear(&d);
	assert_int_equal(mkdir(dir, 0777), 0);
	assert_int_equal(ob_store_open(dir, OB_STORE_CREATE, &s, &d), OB_OK);
	if (!with_territories)
		return s;
	exec_ok(s, "BEGIN");
	for (size_t i = 0; i < OB_ARRAY_SIZE(fx); i++) {
		const struct fx_unit *u = &fx[i];
		char parent[64], from[32], to[32];

		snprintf(parent, sizeof(parent), u->parent ? "'%s'" : "NULL", u->parent);
		snprintf(from, sizeof(from), u->from ? "'%s'" : "NULL", u->from);
		snprintf(to, sizeof(to), u->to ? "'%s'" : "NULL", u->to);
		snprintf(sql, sizeof(sql),
		         "INSERT INTO territory(code, level, country, parent, name, valid_from, valid_to)"
		         " VALUES('%s', %d, '%s', %s, '%s', %s, %s)",
		         u->code, u->level, u->country, parent, u->name, from, to);
		exec_ok(s, sql);
		if (u->alias) {
			snprintf(sql, sizeof(sql),
			         "INSERT INTO territory_alias(key, code, alias) VALUES(lower('%s'), '%s', '%s')",
			         u->alias, u->code, u->alias);
			exec_ok(s, sql);
		}
		if (u->digit_alias) {
			snprintf(sql, sizeof(sql),
			         "INSERT INTO territory_alias(key, code, alias) VALUES('%s', '%s', '%s')",
			         u->natcode, u->code, u->natcode);
			exec_ok(s, sql);
		}
		for (int y = 2015; y <= 2024; y++) {
			double v = unit_pop(u, y);
			if (v < 0)
				continue;
			snprintf(sql, sizeof(sql),
			         "INSERT INTO population(territory, year, sex, population, status)"
			         " VALUES('%s', %d, 'T', %.0f, 'estimate')",
			         u->code, y, v);
			exec_ok(s, sql);
		}
	}
	exec_ok(s, "COMMIT");
	return s;
}

static void generate(const char *name, const struct ob_demo_options *o, struct ob_demo_plan *p)
{
	char dir[OB_MAX_PATH], out[OB_MAX_PATH];
	struct ob_store *s;
	struct ob_diag d;
	ob_err e;

	snprintf(dir, sizeof(dir), "%s/%s", tmp_root, name);
	snprintf(out, sizeof(out), "%s/%s/files", tmp_root, name);
	s = fixture_store(dir, true);
	ob_diag_clear(&d);
	ob_demo_plan_init(p);
	e = ob_demo_generate(s, out, o, p, &d);
	if (e)
		fprintf(stderr, "ob_demo_generate: %s\n", d.message);
	assert_int_equal(e, OB_OK);
	ob_store_close(s);
}

/* ------------------------------------------------------------------ */
/* Reading files back.                                                 */

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		fail();
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2
		         : c >= 0xf0 && c <= 0xf4 ? 3 : 4;

		if (k == 4)
			return false;
		for (size_t j = 1; j <= k; j++)
			if (i + j >= n || (s[i + j] & 0xc0) != 0x80)
				return false;
		i += k + 1;
	}
	return true;
}

/* Windows-1252 (as the demo writes it: Latin-1 letters only) to UTF-8. */
static char *latin1_to_utf8(const char *s, size_t n, size_t *out_len)
{
	char *o = malloc(2 * n + 1);
	size_t k = 0;

	assert_non_null(o);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			o[k++] = (char)c;
		} else {
			o[k++] = (char)(0xc0 | (c >> 6));
			o[k++] = (char)(0x80 | (c & 0x3f));
		}
	}
	o[k] = '\0';
	*out_len = k;
	return o;
}

struct row {
	char **f;       /* fields: NUL-terminated, inside the parsed text */
	size_t n;
};

struct table {
	struct row *rows;
	size_t n;
};

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->rows[i].f);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* RFC 4180 records (quoted fields with doubled quotes, CRLF or LF), parsed
 * in place: s is overwritten and the fields point into it. */
static void parse_csv(char *s, size_t n, char delim, struct table *t)
{
	size_t i = 0, alloc = 0;

	memset(t, 0, sizeof(*t));
	while (i < n) {
		struct row r = { NULL, 0 };
		size_t falloc = 0;
		bool end = false;

		while (!end) {
			char *field = s + i, *w = s + i;

			if (i < n && s[i] == '"') {
				i++;
				for (;;) {
					assert_true(i < n); /* an unterminated quote is a bug */
					if (s[i] == '"' && i + 1 < n && s[i + 1] == '"') {
						*w++ = '"';
						i += 2;
					} else if (s[i] == '"') {
						i++;
						break;
					} else {
						*w++ = s[i++];
					}
				}
			}
			while (i < n && s[i] != delim && s[i] != '\n' && s[i] != '\r')
				*w++ = s[i++];
			if (r.n == falloc) {
				falloc = falloc ? falloc * 2 : 16;
				r.f = realloc(r.f, falloc * sizeof(*r.f));
			}
			r.f[r.n++] = field;
			if (i < n && s[i] == delim) {
				*w = '\0';
				i++;
				continue;
			}
			if (i < n && s[i] == '\r')
				i++;
			if (i < n && s[i] == '\n')
				i++;
			*w = '\0'; /* w < s + i, or the end of the buffer */
			end = true;
		}
		if (t->n == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			t->rows = realloc(t->rows, alloc * sizeof(*t->rows));
		}
		t->rows[t->n++] = r;
	}
}

/* Accents away, lower case, letters and digits with single spaces. */
static void fold(const char *s, char *out, size_t cap)
{
	size_t k = 0;
	bool space = false;

	for (const unsigned char *p = (const unsigned char *)s; *p && k + 2 < cap;) {
		unsigned cp = *p;
		char c = 0;

		if (cp >= 0xc0 && p[1]) {
			cp = ((cp & 0x1f) << 6) | (p[1] & 0x3f);
			p += 2;
		} else {
			p++;
		}
		if (cp < 0x80)
			c = (char)cp;
		else if ((cp >= 0xc0 && cp <= 0xc5) || (cp >= 0xe0 && cp <= 0xe5))
			c = 'a';
		else if ((cp >= 0xc8 && cp <= 0xcb) || (cp >= 0xe8 && cp <= 0xeb))
			c = 'e';
		else if ((cp >= 0xcc && cp <= 0xcf) || (cp >= 0xec && cp <= 0xef))
			c = 'i';
		else if ((cp >= 0xd2 && cp <= 0xd6) || (cp >= 0xf2 && cp <= 0xf6))
			c = 'o';
		else if ((cp >= 0xd9 && cp <= 0xdc) || (cp >= 0xf9 && cp <= 0xfc))
			c = 'u';
		else if (cp == 0xd1 || cp == 0xf1)
			c = 'n';
		else if (cp == 0xc7 || cp == 0xe7)
			c = 'c';
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (space && k)
				out[k++] = ' ';
			out[k++] = c;
			space = false;
		} else {
			space = true;
		}
	}
	out[k] = '\0';
}

/* ---- profiles (the subset the checks need) ---- */

struct profile {
	char country[8];
	char encoding[32];
	char dates[64];
	char footer[64];
	char col_field[24][32], col_names[24][128];
	size_t ncols;
	char cw_field[12][32], cw_name[12][32];
	size_t ncw;
	char require[128];
	bool aggregate;
};

static void trim(char *s)
{
	size_t n = strlen(s), a = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	while (s[a] == ' ' || s[a] == '\t')
		a++;
	memmove(s, s + a, n - a + 1);
}

static void load_profile(const char *source, struct profile *p)
{
	char path[OB_MAX_PATH], line[1024], section[32] = "";
	FILE *f;

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "%s/catalog/sources/%s.ini", data_dir, source);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "no profile %s\n", path);
		fail();
	}
	while (fgets(line, sizeof(line), f)) {
		char *eq, *hash, *key, *val;

		if ((hash = strchr(line, '#')))
			*hash = '\0';
		trim(line);
		if (!line[0] || line[0] == ';')
			continue;
		if (line[0] == '[') {
			ob_strlcpy(section, line, sizeof(section));
			continue;
		}
		eq = strchr(line, '=');
		assert_non_null(eq);
		*eq = '\0';
		key = line;
		val = eq + 1;
		trim(key);
		trim(val);
		if (!strcmp(section, "[source]") && !strcmp(key, "country"))
			ob_strlcpy(p->country, val, sizeof(p->country));
		else if (!strcmp(section, "[source]") && !strcmp(key, "aggregate"))
			p->aggregate = !strcmp(val, "true");
		else if (!strcmp(section, "[file]") && !strcmp(key, "encoding"))
			ob_strlcpy(p->encoding, val, sizeof(p->encoding));
		else if (!strcmp(section, "[file]") && !strcmp(key, "dates"))
			ob_strlcpy(p->dates, val, sizeof(p->dates));
		else if (!strcmp(section, "[file]") && !strcmp(key, "footer"))
			ob_strlcpy(p->footer, val, sizeof(p->footer));
		else if (!strcmp(section, "[rules]") && !strcmp(key, "require"))
			ob_strlcpy(p->require, val, sizeof(p->require));
		else if (!strcmp(section, "[columns]") && p->ncols < 24) {
			ob_strlcpy(p->col_field[p->ncols], key, 32);
			ob_strlcpy(p->col_names[p->ncols++], val, 128);
		} else if (!strcmp(section, "[crosswalks]") && p->ncw < 12) {
			ob_strlcpy(p->cw_field[p->ncw], key, 32);
			ob_strlcpy(p->cw_name[p->ncw++], val, 32);
		}
	}
	fclose(f);
}

/* Index of the header column a profile field maps to, or -1. */
static int column_of(const struct profile *p, const struct row *header, const char *field)
{
	for (size_t i = 0; i < p->ncols; i++) {
		char alts[128], *a, *next;

		if (strcmp(p->col_field[i], field))
			continue;
		ob_strlcpy(alts, p->col_names[i], sizeof(alts));
		for (a = alts; a; a = next) {
			next = strchr(a, '|');
			if (next)
				*next++ = '\0';
			trim(a);
			for (size_t c = 0; c < header->n; c++) {
				char x[256], y[256];
				fold(a, x, sizeof(x));
				fold(header->f[c], y, sizeof(y));
				if (!strcmp(x, y))
					return (int)c;
			}
		}
		return -2; /* mapped, but not in the file */
	}
	return -1;
}

/* ---- labels.csv ---- */

struct label {
	char cw[32], label[96], target[32];
};

static struct label *labels;
static size_t nlabels;

static void load_labels(void)
{
	char path[OB_MAX_PATH];
	size_t len;
	char *text;
	struct table t;

	snprintf(path, sizeof(path), "%s/demo/labels.csv", data_dir);
	text = read_all(path, &len);
	parse_csv(text, len, ',', &t);
	assert_true(t.n > 1);
	assert_string_equal(t.rows[0].f[0], "crosswalk");
	labels = calloc(t.n, sizeof(*labels));
	for (size_t i = 1; i < t.n; i++) {
		if (t.rows[i].n == 1 && !t.rows[i].f[0][0])
			continue;
		assert_int_equal(t.rows[i].n, 3);
		ob_strlcpy(labels[nlabels].cw, t.rows[i].f[0], 32);
		ob_strlcpy(labels[nlabels].label, t.rows[i].f[1], 96);
		ob_strlcpy(labels[nlabels++].target, t.rows[i].f[2], 32);
	}
	table_free(&t);
	free(text);
}

static bool label_known(const char *cw, const char *value)
{
	for (size_t i = 0; i < nlabels; i++)
		if (!strcmp(labels[i].cw, cw) && !strcmp(labels[i].label, value))
			return true;
	return false;
}

/* ---- one generated file, read back and judged ---- */

struct judged {
	long long rows, bad, footer;
	long long victims;        /* of the good rows: their counts, or one each */
	long long merged;         /* good rows counting more than one */
	long long good_ids;       /* rows with an id that were not bad */
	char **ids;               /* ids of the good rows (owned) */
	long long men, women, firearm, mech_known, age_18_35, age_known;
	long long late_old, early_new, late_new, early_old; /* SV reform */
};

static bool parse_date(const struct profile *p, const char *s, int *year, long *serial_day,
                       int *month, int *day)
{
	int a, b, c;
	char tail;

	*month = *day = 0;
	*serial_day = -1;
	if (strstr(p->dates, "iso") && sscanf(s, "%4d-%2d-%2d%c", &a, &b, &c, &tail) == 3) {
		*year = a, *month = b, *day = c;
		return b >= 1 && b <= 12 && c >= 1 && c <= 31;
	}
	if (strstr(p->dates, "dmy") && sscanf(s, "%2d/%2d/%4d%c", &a, &b, &c, &tail) == 3) {
		*year = c, *month = b, *day = a;
		return b >= 1 && b <= 12 && a >= 1 && a <= 31;
	}
	if (strstr(p->dates, "partial") && sscanf(s, "%2d/%4d%c", &a, &b, &tail) == 2) {
		*year = b, *month = a;
		return a >= 1 && a <= 12;
	}
	if (p->aggregate) {
		/* a month by name and a year: "January 2023", "enero 2023" */
		static const char *const names[12][2] = {
			{ "January", "enero" }, { "February", "febrero" }, { "March", "marzo" },
			{ "April", "abril" }, { "May", "mayo" }, { "June", "junio" },
			{ "July", "julio" }, { "August", "agosto" }, { "September", "septiembre" },
			{ "October", "octubre" }, { "November", "noviembre" },
			{ "December", "diciembre" },
		};
		char name[16];
		if (sscanf(s, "%15[A-Za-z] %4d%c", name, &a, &tail) != 2)
			return false;
		for (int m = 0; m < 12; m++)
			if (!strcmp(name, names[m][0]) || !strcmp(name, names[m][1])) {
				*year = a, *month = m + 1;
				return true;
			}
		return false;
	}
	if (strstr(p->dates, "excel") && sscanf(s, "%ld%c", serial_day, &tail) == 1) {
		/* 25569 is 1970-01-01; the year from the day count */
		long days = *serial_day - 25569;
		*year = 1970 + (int)floor(days / 365.2425);
		return *serial_day > 0;
	}
	return false;
}

static const struct fx_unit *unit_by_name(const char *country, const char *name,
                                          const char *parent)
{
	char key[256], k2[256];

	fold(name, key, sizeof(key));
	for (size_t i = 0; i < OB_ARRAY_SIZE(fx); i++) {
		const struct fx_unit *u = &fx[i];
		if (u->level != 2 || strcmp(u->country, country))
			continue;
		fold(u->name, k2, sizeof(k2));
		if (strcmp(key, k2)) {
			if (!u->alias)
				continue;
			fold(u->alias, k2, sizeof(k2));
			if (strcmp(key, k2))
				continue;
		}
		if (parent) {
			for (size_t j = 0; j < OB_ARRAY_SIZE(fx); j++)
				if (u->parent && !strcmp(fx[j].code, u->parent)) {
					char pk[256];
					fold(fx[j].name, k2, sizeof(k2));
					fold(parent, pk, sizeof(pk));
					if (strcmp(pk, k2))
						return NULL;
				}
		}
		return u;
	}
	return NULL;
}

static const struct fx_unit *unit_by_code(const char *country, const char *code)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(fx); i++)
		if (fx[i].level == 2 && !strcmp(fx[i].country, country) && fx[i].natcode &&
		    !strcmp(fx[i].natcode, code))
			return &fx[i];
	return NULL;
}

static bool is_footer(const struct profile *p, const char *first)
{
	char words[64], *w, *next, key[64];

	if (!p->footer[0])
		return false;
	fold(first, key, sizeof(key));
	ob_strlcpy(words, p->footer, sizeof(words));
	for (w = words; w; w = next) {
		next = strchr(w, ',');
		if (next)
			*next++ = '\0';
		trim(w);
		if (*w && !strncmp(key, w, strlen(w)))
			return true;
	}
	return false;
}

static void judge_file(const struct ob_demo_file *f, struct judged *j)
{
	struct profile p;
	size_t len, ulen;
	char *raw = read_all(f->path, &len), *text;
	struct table t;
	size_t h = SIZE_MAX, start;
	int c_id, c_date, c_terr, c_code, c_parent, c_age, c_sex, c_mech, c_count;
	bool cp1252;

	memset(j, 0, sizeof(*j));
	load_profile(f->source, &p);
	assert_string_equal(p.country, f->country);
	cp1252 = !strcmp(p.encoding, "windows-1252");
	/* encodings: police exports are Windows-1252 (accents make them invalid
	 * UTF-8), CRLF; forensic ones UTF-8 with a BOM; prosecutors UTF-8 */
	if (cp1252) {
		bool high = false;
		for (size_t i = 0; i < len && !high; i++)
			high = (unsigned char)raw[i] >= 0x80;
		if (high)
			assert_false(valid_utf8((const unsigned char *)raw, len));
		assert_non_null(strstr(raw, "\r\n"));
		text = latin1_to_utf8(raw, len, &ulen);
	} else {
		assert_true(valid_utf8((const unsigned char *)raw, len));
		text = malloc(len + 1);
		memcpy(text, raw, len + 1);
		ulen = len;
	}
	start = 0;
	if (f->kind == OB_DEMO_FORENSIC) {
		assert_true(len >= 3 && !memcmp(raw, "\xEF\xBB\xBF", 3));
		start = 3;
	} else {
		assert_false(len >= 3 && !memcmp(raw, "\xEF\xBB\xBF", 3));
	}
	parse_csv(text + start, ulen - start, cp1252 ? ';' : ',', &t);
	/* the header: the first row holding the source_id column (the count
	 * column in an aggregate source, which has no id) */
	for (size_t r = 0; r < t.n && h == SIZE_MAX; r++) {
		struct row hr = t.rows[r];
		if (column_of(&p, &hr, p.aggregate ? "count" : "source_id") >= 0)
			h = r;
	}
	assert_true(h != SIZE_MAX);
	assert_true(h <= 3);
	/* every mapped column is in the file */
	for (size_t i = 0; i < p.ncols; i++) {
		int c = column_of(&p, &t.rows[h], p.col_field[i]);
		if (c < 0)
			fprintf(stderr, "%s: column of %s missing\n", f->path, p.col_field[i]);
		assert_true(c >= 0);
	}
	c_id = column_of(&p, &t.rows[h], "source_id");
	c_date = column_of(&p, &t.rows[h], "occurred_on");
	c_terr = column_of(&p, &t.rows[h], "territory");
	c_code = column_of(&p, &t.rows[h], "territory_code");
	c_parent = column_of(&p, &t.rows[h], "territory_parent");
	c_age = column_of(&p, &t.rows[h], "victim_age");
	c_sex = column_of(&p, &t.rows[h], "victim_sex");
	c_mech = column_of(&p, &t.rows[h], "mechanism");
	c_count = column_of(&p, &t.rows[h], "count");
	/* an aggregate source has no id and nothing of a person */
	assert_true(p.aggregate ? c_id < 0 && c_age < 0 && c_count >= 0 : c_id >= 0);
	j->ids = calloc(t.n, sizeof(*j->ids));
	for (size_t r = h + 1; r < t.n; r++) {
		const struct row *row = &t.rows[r];
		const struct fx_unit *u = NULL;
		bool bad = false;
		int year = 0, month, day;
		long serial;
		long long count = 1;

		if (row->n == 1 && !row->f[0][0])
			continue; /* a blank line */
		if (is_footer(&p, row->f[0])) {
			j->footer++;
			continue;
		}
		assert_int_equal(j->footer, 0); /* no data after the footer */
		assert_int_equal(row->n, t.rows[h].n);
		j->rows++;
		if (c_id >= 0 && !row->f[c_id][0])
			bad = true;
		if (!parse_date(&p, row->f[c_date], &year, &serial, &month, &day) || year > 2030)
			bad = true;
		if (c_count >= 0) {
			/* a whole number, or the row is refused */
			const char *v = row->f[c_count];
			bool digits = v[0] != '\0';
			for (const char *q = v; *q; q++)
				digits = digits && *q >= '0' && *q <= '9';
			if (!digits || !ob_parse_int(v, strlen(v), 0, 1000000, &count))
				bad = true;
		}
		if (c_age >= 0 && row->f[c_age][0]) {
			long long age;
			assert_true(ob_parse_int(row->f[c_age], strlen(row->f[c_age]), 0, 1000, &age));
			if (age > 120)
				bad = true;
		}
		if (c_code >= 0)
			u = unit_by_code(f->country, row->f[c_code]);
		else
			u = unit_by_name(f->country, row->f[c_terr],
			                 c_parent >= 0 ? row->f[c_parent] : NULL);
		if (!u)
			bad = true;
		/* crosswalked values are listed in labels.csv */
		for (size_t i = 0; i < p.ncw; i++) {
			int c = column_of(&p, &t.rows[h], p.cw_field[i]);
			if (c >= 0 && row->f[c][0] && !label_known(p.cw_name[i], row->f[c])) {
				fprintf(stderr, "%s: «%s» not in labels.csv for %s\n", f->path, row->f[c],
				        p.cw_name[i]);
				fail();
			}
		}
		if (bad) {
			j->bad++;
			continue;
		}
		j->victims += count;
		j->merged += count > 1;
		if (c_id >= 0)
			j->ids[j->good_ids++] = strdup(row->f[c_id]);
		if (c_sex >= 0 && row->f[c_sex][0]) {
			const char *v = row->f[c_sex];
			j->men += !strcmp(v, "Masculino") || !strcmp(v, "Hombre") || !strcmp(v, "Male");
			j->women += !strcmp(v, "Femenino") || !strcmp(v, "Mujer") || !strcmp(v, "Female");
		}
		if (c_mech >= 0 && row->f[c_mech][0]) {
			const char *v = row->f[c_mech];
			j->mech_known++;
			j->firearm += !strcmp(v, "Proyectil de arma de fuego") ||
			              !strcmp(v, "Arma de fuego") || !strcmp(v, "Firearm") ||
			              !strcmp(v, "Gunshot wound");
		}
		if (c_age >= 0 && row->f[c_age][0]) {
			long long age;
			ob_parse_int(row->f[c_age], strlen(row->f[c_age]), 0, 1000, &age);
			j->age_known++;
			j->age_18_35 += age >= 18 && age <= 35;
		}
		if (!strcmp(f->country, "SV") && year == 2024 && day) {
			bool is_new = u->from != NULL;
			if (month > 5 || (month == 5 && day >= 3))
				is_new ? j->late_new++ : j->late_old++;
			if (month < 4 || (month == 4 && day <= 28))
				is_new ? j->early_new++ : j->early_old++;
		}
	}
	table_free(&t);
	free(raw);
	free(text);
}

static void judged_free(struct judged *j)
{
	for (long long i = 0; i < j->good_ids; i++)
		free(j->ids[i]);
	free(j->ids);
}

/* ------------------------------------------------------------------ */
/* The shared run: scale 0.25, every year.                             */

static struct ob_demo_plan main_plan;
static struct ob_demo_options main_opts;
static struct judged *main_judged;

static int group_setup(void **state)
{
	const char *data = getenv("OBSERVA_DATA"); /* the repository's data/ */
	(void)state;
	if (!data) {
		fprintf(stderr, "OBSERVA_DATA is not set\n");
		return -1;
	}
	ob_strlcpy(data_dir, data, sizeof(data_dir));
	make_temp_root();
	load_labels();
	ob_demo_options_init(&main_opts);
	main_opts.scale = 0.15;
	generate("main", &main_opts, &main_plan);
	main_judged = calloc(main_plan.nfiles, sizeof(*main_judged));
	return 0;
}

/* Read back every file of the shared run, once (inside a test, so that a
 * file that fails the checks fails that test). */
static void judge_all(void)
{
	static size_t judged_files;

	for (; judged_files < main_plan.nfiles; judged_files++)
		judge_file(&main_plan.files[judged_files], &main_judged[judged_files]);
}

static int group_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < main_plan.nfiles; i++)
		judged_free(&main_judged[i]);
	free(main_judged);
	ob_demo_plan_release(&main_plan);
	free(labels);
	remove_tree(tmp_root);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Tests.                                                              */

static bool same_bytes(const char *a, const char *b)
{
	size_t na, nb;
	char *x = read_all(a, &na), *y = read_all(b, &nb);
	bool same = na == nb && !memcmp(x, y, na);

	free(x);
	free(y);
	return same;
}

static void deterministic(void **state)
{
	struct ob_demo_options o;
	struct ob_demo_plan a, b, c;
	size_t differ = 0;
	(void)state;
	ob_demo_options_init(&o);
	o.scale = 0.02;
	generate("det-a", &o, &a);
	generate("det-b", &o, &b);
	o.seed += 1;
	generate("det-c", &o, &c);
	assert_int_equal(a.nfiles, b.nfiles);
	assert_int_equal(a.nfiles, c.nfiles);
	assert_true(a.rows == b.rows && a.deaths == b.deaths && a.bad_rows == b.bad_rows);
	for (size_t i = 0; i < a.nfiles; i++) {
		assert_string_equal(a.files[i].source, b.files[i].source);
		assert_true(same_bytes(a.files[i].path, b.files[i].path));
		differ += !same_bytes(a.files[i].path, c.files[i].path);
	}
	assert_true(same_bytes(a.ground_truth, b.ground_truth));
	assert_false(same_bytes(a.ground_truth, c.ground_truth));
	/* a different seed changes nearly every file (at this scale a few
	 * Belizean files hold no row and are the same) */
	assert_true(differ * 10 >= c.nfiles * 8);
	ob_demo_plan_release(&a);
	ob_demo_plan_release(&b);
	ob_demo_plan_release(&c);
}

/* demo --country: one country's files, byte for byte its part of the
 * seven-country demo (a national demo observatory for the harvest); an
 * unknown country is refused. */
static void one_country_is_its_part_of_all(void **state)
{
	struct ob_demo_options o;
	struct ob_demo_plan all, one;
	size_t sv = 0;
	(void)state;
	ob_demo_options_init(&o);
	o.scale = 0.02;
	generate("one-all", &o, &all);
	o.country = "SLV";
	generate("one-sv", &o, &one);
	assert_true(one.nfiles > 0);
	for (size_t i = 0; i < all.nfiles; i++)
		sv += !strcmp(all.files[i].country, "SV");
	assert_int_equal(one.nfiles, sv);
	for (size_t i = 0; i < one.nfiles; i++) {
		const char *name = strrchr(one.files[i].path, '/');
		bool found = false;
		assert_string_equal(one.files[i].country, "SV");
		for (size_t k = 0; k < all.nfiles && !found; k++) {
			const char *other = strrchr(all.files[k].path, '/');
			if (strcmp(all.files[k].source, one.files[i].source) || strcmp(other, name))
				continue;
			found = true;
			assert_true(same_bytes(one.files[i].path, all.files[k].path));
		}
		assert_true(found);
	}
	ob_demo_plan_release(&all);
	ob_demo_plan_release(&one);
	o.country = "XX";
	{
		char dir[OB_MAX_PATH], out[OB_MAX_PATH];
		struct ob_store *s;
		struct ob_diag d;
		struct ob_demo_plan p;
		snprintf(dir, sizeof(dir), "%s/one-xx", tmp_root);
		snprintf(out, sizeof(out), "%s/one-xx/files", tmp_root);
		s = fixture_store(dir, true);
		ob_demo_plan_init(&p);
		assert_int_equal(ob_demo_generate(s, out, &o, &p, &d), OB_EINVAL);
		ob_demo_plan_release(&p);
		ob_store_close(s);
	}
	assert_int_equal(ob_demo_country_index("sv"), ob_demo_country_index("SLV"));
	assert_true(ob_demo_country_index("SLV") >= 0);
	assert_int_equal(ob_demo_country_index("XX"), -1);
}

/* demo --country A,B: the countries a list names, each code as --country
 * takes it alone; an empty or unknown item is refused and named. */
static void country_lists(void **state)
{
	static const struct {
		const char *list;
		bool ok;
		const char *want[8]; /* the countries of the mask, when ok */
		const char *bad;     /* the item named, when refused */
	} cases[] = {
		{ "SV", true, { "SLV" }, NULL },
		{ "sv,GTM,hn", true, { "SV", "GT", "HND" }, NULL },
		{ "PA,PAN,pa", true, { "PAN" }, NULL },
		{ "BZ,CR,DO,GT,HN,PA,SV", true, { "BLZ", "CRI", "DOM", "GTM", "HND", "PAN", "SLV" },
		  NULL },
		{ "SV,XX,GT", false, { NULL }, "XX" },
		{ "SV,", false, { NULL }, "" },
		{ ",SV", false, { NULL }, "" },
		{ "SV,,GT", false, { NULL }, "" },
		{ "", false, { NULL }, "" },
		{ "SVN", false, { NULL }, "SVN" },
		{ "S", false, { NULL }, "S" },
	};
	(void)state;
	assert_int_equal(ob_demo_country_mask(NULL, NULL, NULL), 0);
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		const char *bad = NULL;
		size_t bad_len = 99;
		long m = ob_demo_country_mask(cases[i].list, &bad, &bad_len), want = 0;

		if (!cases[i].ok) {
			assert_int_equal(m, -1);
			assert_non_null(bad);
			assert_int_equal(bad_len, strlen(cases[i].bad));
			assert_memory_equal(bad, cases[i].bad, bad_len);
			continue;
		}
		for (size_t k = 0; k < OB_ARRAY_SIZE(cases[i].want) && cases[i].want[k]; k++) {
			assert_true(ob_demo_country_index(cases[i].want[k]) >= 0);
			want |= 1L << ob_demo_country_index(cases[i].want[k]);
		}
		assert_int_equal(m, want);
	}
}

static void plan_covers_every_source_and_year(void **state)
{
	const char *codes[64];
	size_t n = ob_demo_sources(codes, OB_ARRAY_SIZE(codes));
	(void)state;
	judge_all();
	assert_int_equal(n, 28);
	/* 28 sources x 10 years + 2 corrected re-deliveries */
	assert_int_equal(main_plan.nfiles, 28 * 10 + 2);
	for (size_t k = 0; k < n; k++) {
		struct profile p;
		load_profile(codes[k], &p); /* every source has a profile */
		for (int y = 2015; y <= 2024; y++) {
			int found = 0;
			for (size_t i = 0; i < main_plan.nfiles; i++)
				found += !strcmp(main_plan.files[i].source, codes[k]) &&
				         main_plan.files[i].year == y;
			assert_true(found == 1 || found == 2);
		}
	}
	/* ingest order: by delivery year (a correction comes the year after the
	 * data it corrects), never a correction before its original */
	for (size_t i = 0; i < main_plan.nfiles; i++) {
		const struct ob_demo_file *f = &main_plan.files[i];
		if (f->supersedes >= 0) {
			assert_true((size_t)f->supersedes < i);
			assert_int_equal(main_plan.files[f->supersedes].superseded_by, (int)i);
			assert_string_equal(main_plan.files[f->supersedes].source, f->source);
			assert_int_equal(main_plan.files[f->supersedes].year, f->year);
		}
		if (i) {
			const struct ob_demo_file *e = &main_plan.files[i - 1];
			assert_true(e->year + (e->supersedes >= 0) <= f->year + (f->supersedes >= 0));
		}
	}
}

static void rows_and_bad_rows_as_planned(void **state)
{
	long long rows = 0, bad = 0;
	(void)state;
	judge_all();
	for (size_t i = 0; i < main_plan.nfiles; i++) {
		const struct ob_demo_file *f = &main_plan.files[i];
		const struct judged *j = &main_judged[i];
		if (j->rows != f->rows || j->bad != f->bad_rows || j->footer != f->footer_rows)
			fprintf(stderr, "%s: rows %lld/%lld bad %lld/%lld footer %lld/%lld\n", f->path,
			        j->rows, f->rows, j->bad, f->bad_rows, j->footer, f->footer_rows);
		assert_int_equal(j->rows, f->rows);
		assert_int_equal(j->bad, f->bad_rows);
		assert_int_equal(j->footer, f->footer_rows);
		/* the victims of the good rows: one each, or their counts */
		if (j->victims != f->victims)
			fprintf(stderr, "%s: victims %lld/%lld\n", f->path, j->victims, f->victims);
		assert_int_equal(j->victims, f->victims);
		rows += j->rows;
		bad += j->bad;
	}
	assert_int_equal(rows, main_plan.rows);
	assert_int_equal(bad, main_plan.bad_rows);
	/* 0.1 % to 0.3 % of the rows */
	assert_true(bad * 1000 >= rows * 1 && bad * 1000 <= rows * 3);
}

/* Rows are not victims: Costa Rica's reported crimes merge identical
 * reports with a count (fewer rows than victims), Belize's are counts only
 * (an aggregate source); the other registers have one row per report. */
static void counted_and_aggregate_sources(void **state)
{
	long long merged = 0, agg_files = 0, agg_rows = 0, agg_victims = 0;
	(void)state;
	judge_all();
	for (size_t i = 0; i < main_plan.nfiles; i++) {
		const struct ob_demo_file *f = &main_plan.files[i];
		const struct judged *j = &main_judged[i];
		if (!strcmp(f->source, "cr-oij-delitos")) {
			assert_true(j->victims >= j->rows - j->bad);
			merged += j->merged;
		} else if (!strcmp(f->source, "bz-bpd-offences")) {
			agg_files++;
			agg_rows += j->rows - j->bad;
			agg_victims += j->victims;
			assert_int_equal(j->good_ids, 0);
		} else {
			assert_int_equal(j->victims, j->rows - j->bad);
		}
	}
	assert_true(merged > 0);
	assert_int_equal(agg_files, main_opts.year_to - main_opts.year_from + 1);
	assert_true(agg_victims > agg_rows);
}

struct gt_row {
	char key[96];    /* source \t id */
	char death[32];
};

static int gt_cmp(const void *a, const void *b)
{
	return strcmp(((const struct gt_row *)a)->key, ((const struct gt_row *)b)->key);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void ground_truth_consistent(void **state)
{
	size_t len, n = 0, nkeys = 0, ndeaths = 0;
	char *text = read_all(main_plan.ground_truth, &len);
	struct table t;
	struct gt_row *gt;
	char **keys, **deaths;
	(void)state;
	judge_all();
	parse_csv(text, len, ',', &t);
	assert_string_equal(t.rows[0].f[0], "source");
	gt = calloc(t.n, sizeof(*gt));
	deaths = calloc(t.n, sizeof(*deaths));
	for (size_t r = 1; r < t.n; r++) {
		if (t.rows[r].n == 1 && !t.rows[r].f[0][0])
			continue;
		assert_int_equal(t.rows[r].n, 3);
		snprintf(gt[n].key, sizeof(gt[n].key), "%s\t%s", t.rows[r].f[0], t.rows[r].f[1]);
		ob_strlcpy(gt[n].death, t.rows[r].f[2], sizeof(gt[n].death));
		deaths[n] = gt[n].death;
		n++;
	}
	qsort(gt, n, sizeof(*gt), gt_cmp);
	/* every record in exactly one death */
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(gt[i - 1].key, gt[i].key) != 0);
	/* the same records as the good rows of the final deliveries */
	keys = calloc((size_t)main_plan.rows + 1, sizeof(*keys));
	for (size_t i = 0; i < main_plan.nfiles; i++) {
		const struct ob_demo_file *f = &main_plan.files[i];
		if (f->kind == OB_DEMO_CRIMES || f->superseded_by >= 0)
			continue;
		for (long long k = 0; k < main_judged[i].good_ids; k++) {
			char buf[96];
			snprintf(buf, sizeof(buf), "%s\t%s", f->source, main_judged[i].ids[k]);
			keys[nkeys++] = strdup(buf);
		}
	}
	qsort(keys, nkeys, sizeof(*keys), str_cmp);
	if (nkeys != n) { /* say which records differ */
		size_t a = 0, b = 0;
		while (a < nkeys || b < n) {
			int c = a >= nkeys ? 1 : b >= n ? -1 : strcmp(keys[a], gt[b].key);
			if (c < 0) fprintf(stderr, "only in files: %s\n", keys[a++]);
			else if (c > 0) fprintf(stderr, "only in truth: %s\n", gt[b++].key);
			else a++, b++;
		}
	}
	assert_int_equal(nkeys, n);
	assert_int_equal((long long)n, main_plan.death_records);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(keys[i], gt[i].key);
	/* every death has at least one record; as many deaths as planned */
	qsort(deaths, n, sizeof(*deaths), str_cmp);
	for (size_t i = 0; i < n; i++)
		ndeaths += !i || strcmp(deaths[i - 1], deaths[i]);
	assert_int_equal((long long)ndeaths, main_plan.deaths);
	/* a few deaths have a single record */
	{
		size_t single = 0, run = 1;
		for (size_t i = 1; i <= n; i++) {
			if (i < n && !strcmp(deaths[i - 1], deaths[i])) {
				run++;
				continue;
			}
			single += run == 1;
			run = 1;
		}
		assert_true(single > 0 && single * 10 < ndeaths);
	}
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	free(deaths);
	free(gt);
	table_free(&t);
	free(text);
}

static void corrected_delivery_supersedes(void **state)
{
	int pairs = 0;
	(void)state;
	judge_all();
	for (size_t i = 0; i < main_plan.nfiles; i++) {
		const struct ob_demo_file *f = &main_plan.files[i];
		const struct judged *old, *fix;
		size_t missing = 0;

		if (f->supersedes < 0)
			continue;
		pairs++;
		old = &main_judged[f->supersedes];
		fix = &main_judged[i];
		assert_true(old->good_ids < fix->good_ids);
		/* the first delivery's ids are all in the corrected one */
		for (long long a = 0; a < old->good_ids; a++) {
			bool found = false;
			for (long long b = 0; b < fix->good_ids && !found; b++)
				found = !strcmp(old->ids[a], fix->ids[b]);
			missing += !found;
		}
		assert_int_equal(missing, 0);
	}
	assert_int_equal(pairs, 2);
}

static void national_counts_near_targets(void **state)
{
	double deaths2020 = 0, pop2020 = 0;
	(void)state;
	assert_int_equal(main_plan.nnational, 7 * 10);
	for (size_t i = 0; i < main_plan.nnational; i++) {
		const struct ob_demo_national *n = &main_plan.national[i];
		const struct ob_demo_target *t = ob_demo_target_find(n->country, n->year);
		double pop = national_midyear(n->country, n->year), e;

		assert_non_null(t);
		assert_true(fabs(n->population - pop) < 0.5);
		e = (t->homicides >= 0 ? (double)t->homicides : t->rate * pop / 100000) * main_opts.scale;
		assert_true(fabs(n->expected - e) < 1e-6 * e);
		/* Poisson: within 5 standard deviations */
		if (fabs((double)n->deaths - e) > 5 * sqrt(e) + 2)
			fprintf(stderr, "%s %d: %lld deaths, expected %.1f\n", n->country, n->year,
			        n->deaths, e);
		assert_true(fabs((double)n->deaths - e) <= 5 * sqrt(e) + 2);
		if (n->year == 2020) {
			deaths2020 += (double)n->deaths / main_opts.scale;
			pop2020 += pop;
		}
	}
	/* the seven countries together: about 18.5 per 100 000 in 2020 */
	assert_true(deaths2020 * 100000 / pop2020 > 17.5);
	assert_true(deaths2020 * 100000 / pop2020 < 20.0);
}

static void sources_see_deaths_as_institutions_do(void **state)
{
	long long police = 0, forensic = 0, men = 0, women = 0, fire = 0, mech = 0, young = 0,
	          aged = 0, all = 0, seen = 0, pros = 0;
	(void)state;
	judge_all();
	for (size_t i = 0; i < main_plan.nnational; i++) {
		const struct ob_demo_national *n = &main_plan.national[i];
		/* a forensic record per death at most */
		assert_true(n->forensic <= n->deaths);
		all += n->deaths;
		seen += n->forensic;
		pros += n->prosecutor;
		if (!strcmp(n->country, "GT")) {
			police += n->police;
			forensic += n->forensic;
		}
	}
	/* forensic medicine sees nearly every death, the prosecutor fewer */
	assert_true(seen * 100 >= all * 93);
	assert_true(pros < seen);
	/* Guatemala 2020: 2,572 police against 3,478 forensic records (0.74) */
	assert_true(police * 100 > forensic * 68 && police * 100 < forensic * 80);
	for (size_t i = 0; i < main_plan.nfiles; i++) {
		if (main_plan.files[i].kind != OB_DEMO_FORENSIC)
			continue;
		men += main_judged[i].men;
		women += main_judged[i].women;
		fire += main_judged[i].firearm;
		mech += main_judged[i].mech_known;
		young += main_judged[i].age_18_35;
		aged += main_judged[i].age_known;
	}
	/* 88-92 % men; firearms 65-75 %; ages peaked at 18-35 */
	assert_true(men * 100 >= (men + women) * 87 && men * 100 <= (men + women) * 93);
	assert_true(fire * 100 >= mech * 62 && fire * 100 <= mech * 78);
	assert_true(young * 100 >= aged * 45);
}

static void el_salvador_reform_in_2024_files(void **state)
{
	int checked = 0;
	(void)state;
	judge_all();
	for (size_t i = 0; i < main_plan.nfiles; i++) {
		const struct ob_demo_file *f = &main_plan.files[i];
		const struct judged *j = &main_judged[i];

		if (strcmp(f->country, "SV") || f->year != 2024)
			continue;
		/* after 1 May 2024 the 44 new municipalities, before it the 262 */
		assert_int_equal(j->late_old, 0);
		assert_int_equal(j->early_new, 0);
		assert_true(j->late_new > 0 && j->early_old > 0);
		checked++;
	}
	assert_int_equal(checked, 4);
}

static void labels_file_matches_generator(void **state)
{
	struct ob_demo_label *v;
	size_t n = ob_demo_labels(&v);
	(void)state;
	assert_int_equal(n, nlabels);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v[i].crosswalk, labels[i].cw);
		assert_string_equal(v[i].label, labels[i].label);
		assert_string_equal(v[i].target, labels[i].target);
		/* one target per label of a crosswalk */
		if (i)
			assert_true(strcmp(v[i - 1].crosswalk, v[i].crosswalk) ||
			            strcmp(v[i - 1].label, v[i].label));
	}
	free(v);
}

/* The embedded table is data/demo/targets.csv, row for row. */
static void targets_match_csv(void **state)
{
	char path[OB_MAX_PATH];
	size_t len;
	char *text;
	struct table t;
	size_t rows = 0;
	(void)state;
	snprintf(path, sizeof(path), "%s/demo/targets.csv", data_dir);
	text = read_all(path, &len);
	parse_csv(text, len, ',', &t);
	assert_string_equal(t.rows[0].f[3], "rate_per_100k");
	for (size_t r = 1; r < t.n; r++) {
		const struct row *row = &t.rows[r];
		const struct ob_demo_target *x;
		long long year;

		if (row->n == 1 && !row->f[0][0])
			continue;
		assert_int_equal(row->n, 5);
		assert_true(ob_parse_int(row->f[1], strlen(row->f[1]), 2015, 2024, &year));
		x = ob_demo_target_find(row->f[0], (int)year);
		assert_non_null(x);
		assert_true(!row->f[2][0] != !row->f[3][0]);
		if (row->f[2][0]) {
			long long h;
			assert_true(ob_parse_int(row->f[2], strlen(row->f[2]), 0, 1000000, &h));
			assert_true(x->homicides == h);
		} else {
			double rate;
			assert_true(ob_parse_double(row->f[3], strlen(row->f[3]), &rate));
			assert_true(x->homicides == -1 && x->rate == rate);
		}
		assert_string_equal(x->source, row->f[4]);
		rows++;
	}
	assert_int_equal(rows, ob_demo_targets_count);
	assert_int_equal(rows, 70);
	/* the anchors */
	assert_true(ob_demo_target_find("SV", 2020)->homicides == 1328);
	assert_true(ob_demo_target_find("HN", 2020)->rate == 37.6);
	table_free(&t);
	free(text);
}

static void refuses_bad_options_and_empty_store(void **state)
{
	struct ob_demo_options o;
	struct ob_demo_plan p;
	struct ob_store *s;
	struct ob_diag d;
	char dir[OB_MAX_PATH], out[OB_MAX_PATH];
	(void)state;
	snprintf(dir, sizeof(dir), "%s/empty", tmp_root);
	snprintf(out, sizeof(out), "%s/empty/files", tmp_root);
	s = fixture_store(dir, false);
	ob_demo_plan_init(&p);
	ob_demo_options_init(&o);
	assert_int_equal(ob_demo_generate(s, out, &o, &p, &d), OB_ENOENT);
	o.scale = 0;
	assert_int_equal(ob_demo_generate(s, out, &o, &p, &d), OB_EINVAL);
	ob_demo_options_init(&o);
	o.year_to = 2030;
	assert_int_equal(ob_demo_generate(s, out, &o, &p, &d), OB_EINVAL);
	ob_demo_options_init(&o);
	o.crime_sampling = 1.5;
	assert_int_equal(ob_demo_generate(s, out, &o, &p, &d), OB_EINVAL);
	assert_int_equal(p.nfiles, 0);
	ob_demo_plan_release(&p);
	ob_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deterministic),
		cmocka_unit_test(one_country_is_its_part_of_all),
		cmocka_unit_test(country_lists),
		cmocka_unit_test(plan_covers_every_source_and_year),
		cmocka_unit_test(rows_and_bad_rows_as_planned),
		cmocka_unit_test(counted_and_aggregate_sources),
		cmocka_unit_test(ground_truth_consistent),
		cmocka_unit_test(corrected_delivery_supersedes),
		cmocka_unit_test(national_counts_near_targets),
		cmocka_unit_test(sources_see_deaths_as_institutions_do),
		cmocka_unit_test(el_salvador_reform_in_2024_files),
		cmocka_unit_test(labels_file_matches_generator),
		cmocka_unit_test(targets_match_csv),
		cmocka_unit_test(refuses_bad_options_and_empty_store),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
