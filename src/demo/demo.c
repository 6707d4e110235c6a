/* demo.c - the synthetic demo: deaths, their records in each institution's files, reported crimes. */
#include "demo/demo.h"

#include <limits.h>
#include <strings.h>
#include <sys/stat.h>

#include "demo/demo_data.h"
#include "base/rng.h"

/* No fused multiply-add: the same expression must round the same way on every
 * machine. GCC contracts only outside ISO C mode; clang needs the pragma. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__) && !defined(__STRICT_ANSI__)
#error "compile in ISO C mode (-std=c17) so that GCC does not contract floating point"
#endif

#define OPEN_FROM LONG_MIN
#define OPEN_TO LONG_MAX
#define OUT_FLUSH_AT ((size_t)1 << 20)
#define NO_NAME 0xffff

/* ------------------------------------------------------------------ */
/* Calendar: days since 1970-01-01, for years 1970..2199.              */

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_len(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Leap years in [1, y]. */
static long leaps_upto(long y)
{
	return y / 4 - y / 100 + y / 400;
}

static long year_start(int y)
{
	return 365L * (y - 1970) + leaps_upto(y - 1) - leaps_upto(1969);
}

static long civil_days(int y, int m, int d)
{
	long n = year_start(y);

	for (int i = 1; i < m; i++)
		n += month_len(y, i);
	return n + d - 1;
}

static void civil_from(long days, int *y, int *m, int *d)
{
	int yy = 1970 + (int)(days / 366);

	while (year_start(yy + 1) <= days)
		yy++;
	days -= year_start(yy);
	*y = yy;
	for (*m = 1; days >= month_len(yy, *m); (*m)++)
		days -= month_len(yy, *m);
	*d = (int)days + 1;
}

/* "yyyy-mm-dd" (anything after is ignored) to days; false if malformed. */
static bool parse_iso(const char *s, long *out)
{
	int v[3] = { 0, 0, 0 }, widths[3] = { 4, 2, 2 };

	if (!s)
		return false;
	for (int f = 0; f < 3; f++) {
		for (int i = 0; i < widths[f]; i++, s++) {
			if (*s < '0' || *s > '9')
				return false;
			v[f] = v[f] * 10 + (*s - '0');
		}
		if (f < 2 && *s++ != '-')
			return false;
	}
	if (v[0] < 1970 || v[0] > 2199 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > month_len(v[0], v[1]))
		return false;
	*out = civil_days(v[0], v[1], v[2]);
	return true;
}

/* 0 = Sunday. 1970-01-01 was a Thursday. */
static int weekday(long days)
{
	return (int)((days + 4) % 7);
}

/* ------------------------------------------------------------------ */
/* Latin-1 letters in UTF-8: capitals, accents, folding.               */

static const char unaccent_c3[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTs"
                                  "aaaaaaaceeeeiiiidnooooo/ouuuuyty";

enum { NV_ASIS, NV_UPPER, NV_PLAIN, NV_UPPER_PLAIN, NV_ALIAS };

/* Append s to out (size cap) transformed: upper and/or without accents. */
static size_t spell(char *out, size_t cap, size_t len, const char *s, bool upper, bool plain)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p && len + 3 < cap) {
		if (p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
			if (plain) {
				char c = unaccent_c3[p[1] - 0x80];
				out[len++] = upper && c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
			} else {
				unsigned char b = p[1];
				if (upper && b >= 0xa0 && b != 0xb7 && b != 0xbf)
					b = (unsigned char)(b - 0x20);
				out[len++] = (char)0xc3;
				out[len++] = (char)b;
			}
			p += 2;
			continue;
		}
		out[len++] = upper && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : (char)*p;
		p++;
	}
	out[len] = '\0';
	return len;
}

/* Matching key: no accents, lower case, letters and digits only. */
static void fold(const char *s, char *out, size_t cap)
{
	char tmp[OB_MAX_NAME * 2];
	size_t n = 0;
	bool space = false;

	spell(tmp, sizeof(tmp), 0, s, false, true);
	for (const char *p = tmp; *p && n + 2 < cap; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (space && n)
				out[n++] = ' ';
			out[n++] = c;
			space = false;
		} else {
			space = true;
		}
	}
	out[n] = '\0';
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Buffered output, written in large blocks.                           */

struct out {
	FILE *f;
	char *buf;
	size_t len, cap;
	bool cp1252;     /* convert UTF-8 to Windows-1252 when flushing */
	const char *eol;
	bool failed;
	char path[OB_MAX_PATH];
};

static ob_err out_open(struct out *o, const char *path, bool cp1252, const char *eol,
                       struct ob_diag *d)
{
	memset(o, 0, sizeof(*o));
	ob_strlcpy(o->path, path, sizeof(o->path));
	o->f = fopen(path, "wb");
	if (!o->f)
		return ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0,
		                   "no se pudo crear el archivo: %s", strerror(errno));
	o->cap = 2 * OUT_FLUSH_AT;
	o->buf = ob_malloc(o->cap);
	o->cp1252 = cp1252;
	o->eol = eol;
	return OB_OK;
}

/* Whole rows only reach here, so a UTF-8 sequence is never split. */
static void out_flush(struct out *o)
{
	size_t n = o->len;

	if (o->cp1252) {
		/* Everything written is Latin-1: C2 xx -> xx, C3 xx -> xx + 0x40;
		 * anything else outside ASCII becomes '?'. In place: never longer. */
		const unsigned char *s = (const unsigned char *)o->buf;
		unsigned char *w = (unsigned char *)o->buf;
		size_t i = 0, j = 0;

		while (i < n) {
			unsigned char c = s[i];
			if (c < 0x80) {
				w[j++] = c;
				i++;
			} else if ((c == 0xc2 || c == 0xc3) && i + 1 < n) {
				w[j++] = (unsigned char)(c == 0xc2 ? s[i + 1] : s[i + 1] + 0x40);
				i += 2;
			} else {
				w[j++] = '?';
				for (i++; i < n && (s[i] & 0xc0) == 0x80; i++)
					;
			}
		}
		n = j;
	}
	if (n && fwrite(o->buf, 1, n, o->f) != n)
		o->failed = true;
	o->len = 0;
}

static inline void out_mem(struct out *o, const char *p, size_t n)
{
	if (o->len + n > o->cap) {
		out_flush(o);
		if (n > o->cap) {
			o->cap = n;
			o->buf = ob_realloc(o->buf, o->cap);
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static inline void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static inline void out_chr(struct out *o, char c)
{
	out_mem(o, &c, 1);
}

static void out_uint(struct out *o, unsigned long v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width && n < (int)sizeof(tmp))
		tmp[n++] = '0';
	while (n)
		out_chr(o, tmp[--n]);
}

static void out_eol(struct out *o)
{
	out_str(o, o->eol);
	if (o->len >= OUT_FLUSH_AT)
		out_flush(o);
}

/* A field, quoted when it holds the delimiter, a quote or a line end. */
static void out_field(struct out *o, const char *s, char delim)
{
	bool quote = false;

	if (!s)
		return;
	for (const char *p = s; *p; p++)
		if (*p == delim || *p == '"' || *p == '\n' || *p == '\r') {
			quote = true;
			break;
		}
	if (!quote) {
		out_str(o, s);
		return;
	}
	out_chr(o, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			out_chr(o, '"');
		out_chr(o, *p);
	}
	out_chr(o, '"');
}

static ob_err out_close(struct out *o, struct ob_diag *d)
{
	ob_err e = OB_OK;

	if (!o->f)
		return OB_OK;
	out_flush(o);
	if (fclose(o->f) != 0)
		o->failed = true;
	o->f = NULL;
	free(o->buf);
	o->buf = NULL;
	if (o->failed)
		e = ob_diag_set(d, OB_EIO, o->path, 0, 0, NULL, 0,
		                "error al escribir el archivo: %s", strerror(errno));
	return e;
}

static void out_abandon(struct out *o)
{
	if (o->f)
		fclose(o->f);
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

/* ------------------------------------------------------------------ */
/* What the store says about territories and population.               */

struct terr {
	char *code, *country, *parent, *name, *natcode;
	char **alias;         /* other spellings (national codes excluded) */
	size_t nalias;
	int level;
	int ci;               /* index in demo_countries, or -1 */
	long from, to;        /* validity in days, inclusive */
	size_t parent_idx;    /* SIZE_MAX if none */
	size_t first_child, next_sibling;
	size_t pop0, npop;    /* rows in gen.pops */
	double risk;          /* homicide risk multiplier */
};

struct poprow {
	size_t terr;
	int year;
	double t, f, m;
	unsigned has;         /* 1 total, 2 women, 4 men */
};

struct plan_key {
	int delivery;         /* year the file is delivered in */
	int correction;       /* corrections after the ordinary files */
	int seq;
};

struct gen {
	const struct ob_demo_options *o;
	struct ob_demo_plan *plan;
	struct ob_diag *d;
	const char *outdir;
	struct terr *t;
	size_t nt;
	struct poprow *pops;
	size_t npops;
	size_t *units[DEMO_COUNTRIES];  /* level-2 territories of each country */
	size_t nunits[DEMO_COUNTRIES];
	char fake_name[DEMO_COUNTRIES][OB_MAX_NAME];
	char fake_code[DEMO_COUNTRIES][16];
	struct plan_key *keys;
	struct out truth;
};

static int find_country(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < DEMO_COUNTRIES; i++)
		if (!strcasecmp(s, demo_countries[i].iso2) || !strcasecmp(s, demo_countries[i].iso3))
			return i;
	return -1;
}

static int terr_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct terr *)elem)->code);
}

static size_t find_terr(const struct gen *g, const char *code)
{
	const struct terr *t;

	if (!code)
		return SIZE_MAX;
	t = bsearch(code, g->t, g->nt, sizeof(*g->t), terr_cmp);
	return t ? (size_t)(t - g->t) : SIZE_MAX;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *p = sqlite3_column_text(st, i);
	return p ? ob_strdup((const char *)p) : NULL;
}

static ob_err step_error(struct ob_store *s, struct ob_diag *d, const char *what)
{
	return ob_diag_set(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0, "%s: %s", what,
	                   sqlite3_errmsg(ob_store_db(s)));
}

static ob_err load_territories(struct gen *g, struct ob_store *s)
{
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;
	ob_err e;

	if ((e = ob_store_prepare(s, "SELECT code, level, country, parent, name, valid_from,"
	                             " valid_to FROM territory ORDER BY code", &st, g->d)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct terr *t;
		char *from, *to;

		if (sqlite3_column_type(st, 0) == SQLITE_NULL || sqlite3_column_type(st, 4) == SQLITE_NULL)
			continue;
		if (g->nt == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			g->t = ob_realloc(g->t, alloc * sizeof(*g->t));
		}
		t = &g->t[g->nt++];
		memset(t, 0, sizeof(*t));
		t->code = col_dup(st, 0);
		t->level = sqlite3_column_int(st, 1);
		t->country = col_dup(st, 2);
		t->parent = col_dup(st, 3);
		t->name = col_dup(st, 4);
		t->ci = find_country(t->country);
		from = col_dup(st, 5);
		to = col_dup(st, 6);
		if (!parse_iso(from, &t->from))
			t->from = OPEN_FROM;
		if (!parse_iso(to, &t->to))
			t->to = OPEN_TO;
		free(from);
		free(to);
		t->first_child = t->next_sibling = t->parent_idx = SIZE_MAX;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return step_error(s, g->d, "territory");
	for (size_t i = 0; i < g->nt; i++) {
		size_t p = find_terr(g, g->t[i].parent);
		if (p == SIZE_MAX || p == i)
			continue;
		g->t[i].parent_idx = p;
		g->t[i].next_sibling = g->t[p].first_child;
		g->t[p].first_child = i;
	}
	return OB_OK;
}

static ob_err load_aliases(struct gen *g, struct ob_store *s)
{
	sqlite3_stmt *st;
	int rc;
	ob_err e;

	if ((e = ob_store_prepare(s, "SELECT code, alias FROM territory_alias ORDER BY code, alias",
	                          &st, g->d)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		const char *alias = (const char *)sqlite3_column_text(st, 1);
		size_t i = find_terr(g, code);
		struct terr *t;

		if (i == SIZE_MAX || !alias || !*alias || strlen(alias) >= OB_MAX_NAME)
			continue;
		t = &g->t[i];
		if (all_digits(alias)) {
			if (!t->natcode)
				t->natcode = ob_strdup(alias);
			continue;
		}
		if (!strcmp(alias, t->name))
			continue;
		t->alias = ob_realloc(t->alias, (t->nalias + 1) * sizeof(*t->alias));
		t->alias[t->nalias++] = ob_strdup(alias);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return step_error(s, g->d, "territory_alias");
	return OB_OK;
}

static ob_err load_population(struct gen *g, struct ob_store *s)
{
	sqlite3_stmt *st;
	size_t alloc = 0;
	int rc;
	ob_err e;

	if ((e = ob_store_prepare(s, "SELECT territory, year, sex, population FROM population"
	                             " WHERE sex IN ('T','F','M') ORDER BY territory, year",
	                          &st, g->d)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t i = find_terr(g, (const char *)sqlite3_column_text(st, 0));
		int year = sqlite3_column_int(st, 1);
		const char *sex = (const char *)sqlite3_column_text(st, 2);
		double v = sqlite3_column_double(st, 3);
		struct poprow *p;

		if (i == SIZE_MAX || !sex || !(v >= 0) || v > 1e10)
			continue;
		if (!g->npops || g->pops[g->npops - 1].terr != i ||
		    g->pops[g->npops - 1].year != year) {
			if (g->npops == alloc) {
				alloc = alloc ? alloc * 2 : 4096;
				g->pops = ob_realloc(g->pops, alloc * sizeof(*g->pops));
			}
			p = &g->pops[g->npops++];
			memset(p, 0, sizeof(*p));
			p->terr = i;
			p->year = year;
			if (!g->t[i].npop)
				g->t[i].pop0 = g->npops - 1;
			g->t[i].npop++;
		}
		p = &g->pops[g->npops - 1];
		switch (sex[0]) {
		case 'T': p->t = v; p->has |= 1; break;
		case 'F': p->f = v; p->has |= 2; break;
		default: p->m = v; p->has |= 4; break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return step_error(s, g->d, "population");
	return OB_OK;
}

/* Population of a territory in a year: its own figure for the nearest year
 * on record, else the sum of its children's; -1 when nothing is known. */
static double terr_pop(const struct gen *g, size_t i, int year, int depth)
{
	const struct terr *t = &g->t[i];
	const struct poprow *best = NULL;
	double sum = 0;
	bool any = false;

	for (size_t k = 0; k < t->npop; k++) {
		const struct poprow *p = &g->pops[t->pop0 + k];
		if (!best || abs(p->year - year) < abs(best->year - year))
			best = p;
	}
	if (best && (best->has & 1))
		return best->t;
	if (best && (best->has & 6))
		return best->f + best->m;
	if (depth >= 2)
		return -1;
	for (size_t c = t->first_child; c != SIZE_MAX; c = g->t[c].next_sibling) {
		double v = terr_pop(g, c, year, depth + 1);
		if (v >= 0) {
			sum += v;
			any = true;
		}
	}
	return any ? sum : -1;
}

static bool valid_on(const struct terr *t, long day)
{
	return t->from <= day && day <= t->to;
}

/* The national code written by institutions that use codes: a national
 * code alias of the catalogue if there is one, else the digits of the code
 * after its letter prefix (SLV0614 -> 0614, hn_01_08 -> 0108). */
static void make_natcode(struct terr *t)
{
	char buf[64];
	size_t n = 0;

	if (t->natcode)
		return;
	for (const char *p = t->code; *p && n + 1 < sizeof(buf); p++)
		if (*p >= '0' && *p <= '9')
			buf[n++] = *p;
	buf[n] = '\0';
	t->natcode = ob_strdup(n ? buf : t->code);
}

/* A value in [0, 1) fixed by (seed, tag, a, b): for decisions that must not
 * depend on how many numbers were drawn before. */
static double hunif(uint64_t seed, const char *tag, uint64_t a, uint64_t b)
{
	struct ob_rng r;

	ob_rng_seed_stream(&r, seed ^ (b * UINT64_C(0x9e3779b97f4a7c15)), tag, a);
	return ob_rng_uniform(&r);
}

static uint64_t str_hash(const char *s)
{
	return ob_hash64(s, strlen(s), 0);
}

/* Where records are placed: admin-2 units, or the admin-1 units of a country
 * that has no admin-2 in the catalogue (Belize's districts). */
static bool is_unit(const struct terr *t)
{
	return t->level == 2 || (t->level == 1 && t->first_child == SIZE_MAX);
}

static void assign_risks(struct gen *g)
{
	for (size_t i = 0; i < g->nt; i++) {
		struct terr *t = &g->t[i];
		struct ob_rng r;

		if (t->ci < 0 || !is_unit(t))
			continue;
		ob_rng_seed_stream(&r, g->o->seed, "risk", str_hash(t->code));
		t->risk = ob_rng_exp(ob_rng_normal(&r, 0, 0.6));
		if (ob_rng_chance(&r, 0.06))
			t->risk *= 3; /* a hot spot */
		make_natcode(t);
	}
}

/* Made-up territory names and codes for rows that must be refused. */
static void choose_fakes(struct gen *g)
{
	char key[OB_MAX_NAME], other[OB_MAX_NAME];

	for (int ci = 0; ci < DEMO_COUNTRIES; ci++) {
		size_t width = 4;

		for (size_t f = 0; f < demo_fake_places_n; f++) {
			bool clash = false;

			fold(demo_fake_places[f], key, sizeof(key));
			for (size_t k = 0; k < g->nunits[ci] && !clash; k++) {
				const struct terr *t = &g->t[g->units[ci][k]];
				fold(t->name, other, sizeof(other));
				clash = !strcmp(key, other);
				for (size_t a = 0; a < t->nalias && !clash; a++) {
					fold(t->alias[a], other, sizeof(other));
					clash = !strcmp(key, other);
				}
			}
			if (!clash) {
				ob_strlcpy(g->fake_name[ci], demo_fake_places[f], OB_MAX_NAME);
				break;
			}
		}
		if (!g->fake_name[ci][0])
			ob_strlcpy(g->fake_name[ci], "Lugar Inexistente 9999", OB_MAX_NAME);
		if (g->nunits[ci])
			width = strlen(g->t[g->units[ci][0]].natcode);
		for (;;) {
			bool clash = false;
			size_t w = width < 2 ? 2 : width > 12 ? 12 : width;

			memset(g->fake_code[ci], '9', w);
			g->fake_code[ci][w] = '\0';
			for (size_t k = 0; k < g->nunits[ci] && !clash; k++)
				clash = !strcmp(g->fake_code[ci], g->t[g->units[ci][k]].natcode);
			if (!clash || width >= 12)
				break;
			width++;
		}
	}
}

/* ------------------------------------------------------------------ */
/* The plan.                                                           */

void ob_demo_options_init(struct ob_demo_options *o)
{
	o->seed = OB_DEMO_SEED;
	o->scale = 1.0;
	o->year_from = OB_DEMO_YEAR_FROM;
	o->year_to = OB_DEMO_YEAR_TO;
	o->crime_sampling = OB_DEMO_CRIME_SAMPLING;
}

void ob_demo_plan_init(struct ob_demo_plan *p)
{
	memset(p, 0, sizeof(*p));
}

void ob_demo_plan_release(struct ob_demo_plan *p)
{
	free(p->files);
	free(p->national);
	memset(p, 0, sizeof(*p));
}

const struct ob_demo_target *ob_demo_target_find(const char *country, int year)
{
	for (size_t i = 0; i < ob_demo_targets_count; i++)
		if (ob_demo_targets[i].year == year && !strcmp(ob_demo_targets[i].country, country))
			return &ob_demo_targets[i];
	return NULL;
}

size_t ob_demo_sources(const char **out, size_t max)
{
	size_t n = 0;

	for (int ci = 0; ci < DEMO_COUNTRIES; ci++)
		for (int k = 0; k < OB_DEMO_KINDS; k++, n++)
			if (n < max)
				out[n] = demo_countries[ci].src[k].code;
	return n;
}

static size_t plan_add_file(struct gen *g, const struct demo_source *src, int ci, int year,
                            enum ob_demo_kind kind, const char *path, int delivery,
                            int correction)
{
	struct ob_demo_plan *p = g->plan;
	struct ob_demo_file *f;

	if (p->nfiles == p->files_alloc) {
		p->files_alloc = p->files_alloc ? p->files_alloc * 2 : 64;
		p->files = ob_realloc(p->files, p->files_alloc * sizeof(*p->files));
		g->keys = ob_realloc(g->keys, p->files_alloc * sizeof(*g->keys));
	}
	f = &p->files[p->nfiles];
	memset(f, 0, sizeof(*f));
	ob_strlcpy(f->source, src->code, sizeof(f->source));
	ob_strlcpy(f->path, path, sizeof(f->path));
	ob_strlcpy(f->country, demo_countries[ci].iso2, sizeof(f->country));
	f->year = year;
	f->kind = kind;
	f->supersedes = f->superseded_by = -1;
	g->keys[p->nfiles] = (struct plan_key){ delivery, correction, (int)p->nfiles };
	return p->nfiles++;
}

static int key_cmp(const void *a, const void *b)
{
	const struct plan_key *x = a, *y = b;

	if (x->delivery != y->delivery)
		return x->delivery < y->delivery ? -1 : 1;
	if (x->correction != y->correction)
		return x->correction < y->correction ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Put the files in delivery order and renumber the supersession links. */
static void plan_sort(struct gen *g)
{
	struct ob_demo_plan *p = g->plan;
	struct ob_demo_file *sorted;
	int *where;

	if (!p->nfiles)
		return;
	qsort(g->keys, p->nfiles, sizeof(*g->keys), key_cmp);
	sorted = ob_malloc(p->nfiles * sizeof(*sorted));
	where = ob_malloc(p->nfiles * sizeof(*where));
	for (size_t i = 0; i < p->nfiles; i++) {
		sorted[i] = p->files[g->keys[i].seq];
		where[g->keys[i].seq] = (int)i;
	}
	for (size_t i = 0; i < p->nfiles; i++) {
		if (sorted[i].supersedes >= 0)
			sorted[i].supersedes = where[sorted[i].supersedes];
		if (sorted[i].superseded_by >= 0)
			sorted[i].superseded_by = where[sorted[i].superseded_by];
	}
	memcpy(p->files, sorted, p->nfiles * sizeof(*sorted));
	free(sorted);
	free(where);
}

/* ------------------------------------------------------------------ */
/* Deaths.                                                             */

struct death {
	long day;
	int minute;
	uint32_t unit;          /* index in gen.t */
	uint32_t gen;           /* order of generation, the last sort key */
	uint16_t given1, given2, sur1, sur2; /* NO_NAME when absent */
	uint8_t sex, age, mech, place, rel, ctx;
	uint8_t seen;           /* bit per kind */
	bool femicide, dup, aggravated, english_name;
	uint64_t bits;          /* document number, address, remarks */
};

/* Part of a year in which the same territories are valid. */
struct seg {
	long a, b;              /* [a, b) */
	size_t *units;
	double *pop, *risk;
	size_t n;
};

struct cy {
	struct gen *g;
	int ci;
	const struct demo_country *c;
	int year;
	long y0, y1;
	struct seg *segs;
	size_t nsegs;
	double pop;             /* national population, mid-year */
	struct death *deaths;
	size_t n;
	int gap_month;          /* a month the prosecutor did not deliver, or 0 */
	size_t nat;             /* index in plan->national */
};

static void free_segments(struct cy *cy)
{
	for (size_t s = 0; s < cy->nsegs; s++) {
		free(cy->segs[s].units);
		free(cy->segs[s].pop);
		free(cy->segs[s].risk);
	}
	free(cy->segs);
	cy->segs = NULL;
	cy->nsegs = 0;
}

static int long_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static void build_segments(struct cy *cy)
{
	struct gen *g = cy->g;
	size_t nu = g->nunits[cy->ci], nb = 0;
	long *bound = ob_malloc((2 * nu + 2) * sizeof(*bound));
	long mid = civil_days(cy->year, 7, 1);
	double known = 0;

	bound[nb++] = cy->y0;
	bound[nb++] = cy->y1;
	for (size_t k = 0; k < nu; k++) {
		const struct terr *t = &g->t[g->units[cy->ci][k]];
		if (t->from > cy->y0 && t->from < cy->y1)
			bound[nb++] = t->from;
		if (t->to != OPEN_TO && t->to + 1 > cy->y0 && t->to + 1 < cy->y1)
			bound[nb++] = t->to + 1;
	}
	qsort(bound, nb, sizeof(*bound), long_cmp);
	cy->segs = ob_calloc(nb, sizeof(*cy->segs));
	for (size_t i = 0; i + 1 < nb; i++) {
		struct seg *s;
		double sum = 0;
		size_t nknown = 0;

		if (bound[i] == bound[i + 1])
			continue;
		s = &cy->segs[cy->nsegs++];
		s->a = bound[i];
		s->b = bound[i + 1];
		s->units = ob_malloc(nu * sizeof(*s->units));
		s->pop = ob_malloc(nu * sizeof(*s->pop));
		s->risk = ob_malloc(nu * sizeof(*s->risk));
		for (size_t k = 0; k < nu; k++) {
			size_t ti = g->units[cy->ci][k];
			const struct terr *t = &g->t[ti];
			struct ob_rng r;

			if (!(t->from <= s->a && t->to >= s->b - 1))
				continue;
			s->units[s->n] = ti;
			s->pop[s->n] = terr_pop(g, ti, cy->year, 0);
			/* the year's own swing around the municipality's level */
			ob_rng_seed_stream(&r, g->o->seed, "risk-year",
			                   str_hash(t->code) ^ (uint64_t)cy->year);
			s->risk[s->n] = t->risk * ob_rng_exp(ob_rng_normal(&r, 0, 0.15));
			if (s->pop[s->n] >= 0) {
				sum += s->pop[s->n];
				nknown++;
			}
			s->n++;
		}
		/* Units without any population figure weigh as the average one. */
		for (size_t k = 0; k < s->n; k++)
			if (s->pop[k] < 0)
				s->pop[k] = nknown ? sum / (double)nknown : 1;
	}
	free(bound);
	/* National population: the units valid at mid-year. */
	cy->pop = 0;
	for (size_t k = 0; k < nu; k++) {
		size_t ti = g->units[cy->ci][k];
		double v;

		if (!valid_on(&g->t[ti], mid))
			continue;
		v = terr_pop(g, ti, cy->year, 0);
		if (v > 0)
			known += v;
	}
	cy->pop = known;
}

static const double hour_w[24] = {
	6, 5, 4, 3, 2.5, 2.5, 3, 3, 3, 3, 3, 3, 3.5, 3.5, 3.5, 4, 4.5, 5, 6.5, 7.5, 8, 8, 7.5, 7,
};
static const double weekday_w[7] = { 1.25, 0.95, 0.85, 0.85, 0.9, 1.0, 1.2 };

static long draw_day(struct ob_rng *r, long a, long b)
{
	for (;;) {
		long day = a + (long)ob_rng_below(r, (uint64_t)(b - a));
		if (ob_rng_uniform(r) * 1.25 < weekday_w[weekday(day)])
			return day;
	}
}

static int draw_minute(struct ob_rng *r, const double *hours)
{
	int h = (int)ob_rng_pick(r, hours, 24);
	int m = (int)ob_rng_below(r, 60);

	if (ob_rng_chance(r, 0.6))
		m -= m % 5; /* times are mostly written rounded */
	return h * 60 + m;
}

static const struct { int lo, hi; double m, f; } age_bands[] = {
	{ 0, 4, 0.5, 2 }, { 5, 14, 1, 3 }, { 15, 17, 5, 6 }, { 18, 24, 26, 20 },
	{ 25, 34, 30, 26 }, { 35, 44, 18, 19 }, { 45, 59, 13, 15 }, { 60, 89, 6.5, 9 },
};

static int draw_age(struct ob_rng *r, bool female)
{
	double w[OB_ARRAY_SIZE(age_bands)];
	size_t b;

	for (size_t i = 0; i < OB_ARRAY_SIZE(age_bands); i++)
		w[i] = female ? age_bands[i].f : age_bands[i].m;
	b = ob_rng_pick(r, w, OB_ARRAY_SIZE(age_bands));
	return (int)ob_rng_range(r, age_bands[b].lo, age_bands[b].hi);
}

static void draw_name(struct ob_rng *r, struct death *d, bool english)
{
	bool f = d->sex == SEX_F;

	d->english_name = english && ob_rng_chance(r, 0.6);
	if (d->english_name) {
		d->given1 = (uint16_t)ob_rng_below(r, f ? demo_given_f_en_n : demo_given_m_en_n);
		d->given2 = NO_NAME;
		d->sur1 = (uint16_t)ob_rng_below(r, demo_surnames_en_n);
		d->sur2 = NO_NAME;
		return;
	}
	d->given1 = (uint16_t)ob_rng_below(r, f ? demo_given_f_n : demo_given_m_n);
	d->given2 = ob_rng_chance(r, 0.6)
	                    ? (uint16_t)ob_rng_below(r, f ? demo_given_f_n : demo_given_m_n)
	                    : NO_NAME;
	if (d->given2 == d->given1)
		d->given2 = NO_NAME;
	d->sur1 = (uint16_t)ob_rng_below(r, demo_surnames_n);
	d->sur2 = ob_rng_chance(r, 0.95) ? (uint16_t)ob_rng_below(r, demo_surnames_n) : NO_NAME;
}

static void draw_death(struct cy *cy, struct ob_rng *r, struct death *d)
{
	const struct demo_country *c = cy->c;
	bool f = ob_rng_chance(r, c->female);

	d->sex = f ? SEX_F : SEX_M;
	d->age = (uint8_t)draw_age(r, f);
	d->femicide = f && d->age >= 14 && ob_rng_chance(r, 0.30);
	if (d->femicide) {
		static const double mech[N_MECH] = { 35, 35, 12, 15, 3, 0 };
		static const double place[N_PLACE] = { 70, 20, 0, 0, 0, 10, 0, 0, 0 };
		d->rel = ob_rng_chance(r, 0.7) ? REL_PARTNER : REL_EXPARTNER;
		d->ctx = CTX_INTIMATE;
		d->mech = (uint8_t)ob_rng_pick(r, mech, N_MECH);
		d->place = (uint8_t)ob_rng_pick(r, place, N_PLACE);
	} else {
		double fire = f ? c->firearm * 0.8 : c->firearm, rest = 1 - fire;
		double mech[N_MECH] = { fire, rest * 0.55, rest * 0.2, rest * 0.1, rest * 0.1,
		                        rest * 0.05 };
		static const double place_m[N_PLACE] = { 15, 52, 8, 0.5, 4, 14, 1, 4, 1.5 };
		static const double place_f[N_PLACE] = { 35, 35, 6, 0.5, 3, 14, 0.5, 5, 1 };
		double ctx[N_CTX] = { c->gang, c->organized, 0.08, 0.15, f ? 0 : 0.01, 0.05, 0 };
		double sum = 0;

		for (int i = 0; i < N_CTX - 1; i++)
			sum += ctx[i];
		ctx[CTX_UNKNOWN] = sum < 1 ? 1 - sum : 0.05;
		d->mech = (uint8_t)ob_rng_pick(r, mech, N_MECH);
		d->place = (uint8_t)ob_rng_pick(r, f ? place_f : place_m, N_PLACE);
		d->ctx = (uint8_t)ob_rng_pick(r, ctx, N_CTX);
		switch (d->ctx) {
		case CTX_GANG:
		case CTX_ORGANIZED: {
			static const double w[N_REL] = { 0, 0, 0, 20, 40, 40 };
			d->rel = (uint8_t)ob_rng_pick(r, w, N_REL);
			break;
		}
		case CTX_ROBBERY: {
			static const double w[N_REL] = { 0, 0, 0, 0, 80, 20 };
			d->rel = (uint8_t)ob_rng_pick(r, w, N_REL);
			break;
		}
		case CTX_INTERPERSONAL: {
			static const double w[N_REL] = { 0, 0, 25, 50, 10, 15 };
			d->rel = (uint8_t)ob_rng_pick(r, w, N_REL);
			break;
		}
		case CTX_INTIMATE:
			d->rel = REL_PARTNER;
			break;
		default: {
			static const double w[N_REL] = { 0, 0, 0, 15, 15, 70 };
			d->rel = (uint8_t)ob_rng_pick(r, w, N_REL);
			break;
		}
		}
	}
	d->aggravated = ob_rng_chance(r, 0.6);
	draw_name(r, d, c->english);
	d->bits = ob_rng_next(r);
}

static int death_cmp(const void *a, const void *b)
{
	const struct death *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->minute != y->minute)
		return x->minute < y->minute ? -1 : 1;
	return (x->gen > y->gen) - (x->gen < y->gen);
}

/* Expected homicides of the country-year at this scale. */
static double expected_deaths(struct cy *cy, const struct ob_demo_target *t)
{
	double e;

	if (!t)
		return 0;
	if (t->homicides >= 0)
		e = (double)t->homicides;
	else if (cy->pop > 0)
		e = t->rate * cy->pop / 100000;
	else
		e = 0;
	return e * cy->g->o->scale;
}

static void generate_deaths(struct cy *cy, double expected)
{
	struct gen *g = cy->g;
	struct ob_rng r;
	size_t alloc = 0;
	double year_len = (double)(cy->y1 - cy->y0);

	ob_rng_seed_stream(&r, g->o->seed, "deaths", (uint64_t)cy->ci * 10000 + (uint64_t)cy->year);
	for (size_t s = 0; s < cy->nsegs; s++) {
		const struct seg *sg = &cy->segs[s];
		double lam = expected * (double)(sg->b - sg->a) / year_len, wsum = 0;

		for (size_t k = 0; k < sg->n; k++)
			wsum += sg->pop[k] * sg->risk[k];
		if (!(wsum > 0))
			continue;
		for (size_t k = 0; k < sg->n; k++) {
			uint64_t n = ob_rng_poisson(&r, lam * sg->pop[k] * sg->risk[k] / wsum);

			for (uint64_t j = 0; j < n; j++) {
				struct death *d;

				if (cy->n == alloc) {
					alloc = alloc ? alloc * 2 : 1024;
					cy->deaths = ob_realloc(cy->deaths, alloc * sizeof(*cy->deaths));
				}
				d = &cy->deaths[cy->n];
				memset(d, 0, sizeof(*d));
				d->gen = (uint32_t)cy->n++;
				d->unit = (uint32_t)sg->units[k];
				d->day = draw_day(&r, sg->a, sg->b);
				d->minute = draw_minute(&r, hour_w);
				draw_death(cy, &r, d);
			}
		}
	}
	if (cy->n)
		qsort(cy->deaths, cy->n, sizeof(*cy->deaths), death_cmp);
}

/* Which institutions record each death. */
static void assign_sources(struct cy *cy)
{
	const struct demo_country *c = cy->c;
	struct ob_rng r;

	ob_rng_seed_stream(&r, cy->g->o->seed, "seen", (uint64_t)cy->ci * 10000 + (uint64_t)cy->year);
	cy->gap_month = ob_rng_chance(&r, 0.15) ? (int)ob_rng_range(&r, 1, 12) : 0;
	for (size_t i = 0; i < cy->n; i++) {
		struct death *d = &cy->deaths[i];
		int y, m, day;

		civil_from(d->day, &y, &m, &day);
		d->seen = 0;
		if (ob_rng_chance(&r, c->p_police))
			d->seen |= 1u << OB_DEMO_POLICE;
		if (ob_rng_chance(&r, c->p_forensic))
			d->seen |= 1u << OB_DEMO_FORENSIC;
		/* the prosecutor's file lacks a whole month in some years */
		if (ob_rng_chance(&r, c->p_prosecutor) && m != cy->gap_month)
			d->seen |= 1u << OB_DEMO_PROSECUTOR;
		if (!d->seen)
			d->seen = 1u << OB_DEMO_FORENSIC; /* every death leaves a record */
		/* the police register sometimes holds the same death twice */
		d->dup = (d->seen & (1u << OB_DEMO_POLICE)) && ob_rng_chance(&r, 0.004);
	}
}

/* ------------------------------------------------------------------ */
/* Records as each institution writes them.                            */

enum { DF_DMY, DF_ISO, DF_EXCEL, DF_MONTH };

struct rec {
	char id[48];
	long day;
	int datefmt;
	int minute;            /* -1: empty */
	size_t unit;
	int unit_var, parent_var, alias;
	bool fake_unit;
	int sex, age, mech, place, rel, ctx, manner; /* -1: empty */
	long count;             /* victims of a merged or aggregate row */
	const char *count_text; /* a bad count written instead, or NULL */
	const char *category;
	char name[192];
	char doc[32];
	char addr[160];
	const char *note;
};

struct file {
	struct cy *cy;
	enum ob_demo_kind kind;
	const struct demo_source *src;
	const struct demo_style *style;
	bool prelim, final;     /* preliminary version; carries the ground truth */
	bool corrected;         /* a corrected re-delivery */
	struct out o;
	char delim;
	size_t idx;             /* in plan->files */
	int shape;              /* enum demo_crime_shape (reported crimes) */
	long long rows, bad, suspicious, good;
	long long victims;      /* of the good rows, when they carry a count */
	struct ob_rng vals, badr;
	double bad_rate;
};

static void format_id(char *out, size_t size, enum ob_demo_kind kind, const char *prefix,
                      int year, long serial, bool bad)
{
	switch (kind) {
	case OB_DEMO_POLICE:
		if (bad)
			snprintf(out, size, "%s-%04d-X%05ld", prefix, year, serial);
		else
			snprintf(out, size, "%s-%04d-%06ld", prefix, year, serial);
		break;
	case OB_DEMO_FORENSIC:
		if (bad)
			snprintf(out, size, "%s%02d-X%05ld", prefix, year % 100, serial);
		else
			snprintf(out, size, "%s%02d-%06ld", prefix, year % 100, serial);
		break;
	case OB_DEMO_PROSECUTOR:
		if (bad)
			snprintf(out, size, "%s-X%05ld-%02d", prefix, serial, year % 100);
		else
			snprintf(out, size, "%s-%06ld-%02d", prefix, serial, year % 100);
		break;
	default:
		if (bad)
			snprintf(out, size, "%s-%04d-X%06ld", prefix, year, serial);
		else
			snprintf(out, size, "%s-%04d-%07ld", prefix, year, serial);
		break;
	}
}

static int shift_days(struct ob_rng *r, const double *w, size_t n, const int *shift)
{
	return shift[ob_rng_pick(r, w, n)];
}

static long clamp_day(const struct cy *cy, long day)
{
	return day < cy->y0 ? cy->y0 : day >= cy->y1 ? cy->y1 - 1 : day;
}

static const char *given_name(const struct death *d, uint16_t i)
{
	if (d->english_name)
		return d->sex == SEX_F ? demo_given_f_en[i] : demo_given_m_en[i];
	return d->sex == SEX_F ? demo_given_f[i] : demo_given_m[i];
}

static const char *surname(const struct death *d, uint16_t i)
{
	return d->english_name ? demo_surnames_en[i] : demo_surnames[i];
}

enum { NAME_POLICE, NAME_FORENSIC, NAME_PROSECUTOR };

static void write_name(struct rec *rc, const struct death *d, int style, struct ob_rng *r)
{
	const char *parts[4];
	const char *s1 = surname(d, d->sur1);
	const char *s2 = d->sur2 != NO_NAME ? surname(d, d->sur2) : NULL;
	const char *g1 = given_name(d, d->given1);
	const char *g2 = d->given2 != NO_NAME ? given_name(d, d->given2) : NULL;
	bool upper = style != NAME_PROSECUTOR;
	bool plain = style == NAME_POLICE ? ob_rng_chance(r, 0.7)
	             : style == NAME_PROSECUTOR ? ob_rng_chance(r, 0.2) : false;
	size_t np = 0, len = 0;

	if (s2 && ob_rng_chance(r, style == NAME_PROSECUTOR ? 0.02 : 0.03)) {
		const char *t = s1; /* surnames swapped */
		s1 = s2;
		s2 = t;
	}
	if (s2 && ob_rng_chance(r, style == NAME_POLICE ? 0.08 : 0.05))
		s2 = NULL; /* second surname missing */
	if (g2 && style == NAME_POLICE && ob_rng_chance(r, 0.3))
		g2 = NULL;
	if (style == NAME_FORENSIC) {
		parts[np++] = s1;
		if (s2)
			parts[np++] = s2;
	}
	parts[np++] = g1;
	if (g2)
		parts[np++] = g2;
	if (style != NAME_FORENSIC) {
		parts[np++] = s1;
		if (s2)
			parts[np++] = s2;
	}
	for (size_t i = 0; i < np; i++) {
		if (i) {
			if (style == NAME_FORENSIC && i == (s2 ? 2u : 1u))
				rc->name[len++] = ',';
			rc->name[len++] = ' ';
		}
		len = spell(rc->name, sizeof(rc->name), len, parts[i], upper, plain);
	}
}

static void write_doc(struct rec *rc, const struct demo_country *c, uint64_t bits)
{
	size_t n = 0;
	struct ob_rng r;

	ob_rng_seed(&r, bits);
	for (const char *p = c->doc_pattern; *p && n + 1 < sizeof(rc->doc); p++)
		rc->doc[n++] = *p == '9' ? (char)('0' + ob_rng_below(&r, 10)) : *p;
	rc->doc[n] = '\0';
}

static void write_addr(struct rec *rc, const struct demo_country *c, const struct terr *t,
                       uint64_t bits)
{
	const char *place = demo_settlements[(bits >> 8) % demo_settlements_n];
	unsigned a = (unsigned)(bits >> 20) % 40 + 1, b = (unsigned)(bits >> 32) % 90 + 1;

	if (c->english) {
		snprintf(rc->addr, sizeof(rc->addr), "No. %u %s Street, %s", b, place, t->name);
		return;
	}
	switch (bits % 3) {
	case 0:
		snprintf(rc->addr, sizeof(rc->addr), "Colonia %s, pasaje %u, casa %u", place, a, b);
		break;
	case 1:
		snprintf(rc->addr, sizeof(rc->addr), "Barrio %s, calle %u, %s", place, a, t->name);
		break;
	default:
		snprintf(rc->addr, sizeof(rc->addr), "Km %u carretera a %s", a + 10, place);
		break;
	}
}

static const char *const notes_es[] = {
	"Cuerpo localizado en \"predio baldío\", con señales de violencia",
	"Trasladado a hospital, falleció durante la atención",
	"Identificado por familiares; ver \"acta de levantamiento\"",
};
static const char *const notes_en[] = {
	"Body found in \"open lot\", signs of violence",
	"Taken to hospital, pronounced dead on arrival",
};

static int name_variant(struct ob_rng *r, bool upper_police, bool has_alias)
{
	static const double normal[5] = { 55, 15, 15, 5, 10 };
	static const double upper[5] = { 5, 60, 0, 30, 5 };
	int v = (int)ob_rng_pick(r, upper_police ? upper : normal, 5);

	return v == NV_ALIAS && !has_alias ? NV_ASIS : v;
}

static int parent_variant(struct ob_rng *r, bool upper_police)
{
	static const double normal[4] = { 70, 15, 15, 0 };
	static const double upper[4] = { 10, 60, 0, 30 };
	return (int)ob_rng_pick(r, upper_police ? upper : normal, 4);
}

/* The category label a source writes for a death. */
static const char *homicide_label(const struct cy *cy, enum ob_demo_kind kind,
                                  const struct death *d, bool as_femicide)
{
	const struct demo_country *c = cy->c;
	bool law = cy->year >= c->femicide_year;

	if (kind == OB_DEMO_POLICE)
		return as_femicide && law ? c->femicide_label : c->police_homicide;
	if (as_femicide && law)
		return c->prosecutor_femicide && d->aggravated ? c->prosecutor_femicide
		                                               : c->femicide_label;
	return c->prosecutor_labels[d->aggravated];
}

/* Fill rc with what the institution of f writes about death d. */
static void make_record(struct file *f, const struct death *d, struct rec *rc)
{
	struct cy *cy = f->cy;
	struct ob_rng *r = &f->vals;
	const struct terr *t = &cy->g->t[d->unit];
	bool upper = cy->c->police_upper;

	memset(rc, 0, sizeof(*rc));
	rc->unit = d->unit;
	rc->sex = d->sex;
	rc->age = d->age;
	rc->mech = d->mech;
	rc->place = d->place;
	rc->rel = d->rel;
	rc->ctx = d->ctx;
	rc->manner = -1;
	rc->minute = d->minute;
	rc->note = NULL;
	switch (f->kind) {
	case OB_DEMO_POLICE: {
		static const double w[4] = { 88, 8, 2, 2 };
		static const int sh[4] = { 0, 1, -1, 2 };
		rc->day = clamp_day(cy, d->day + shift_days(r, w, 4, sh));
		rc->datefmt = DF_DMY;
		if (ob_rng_chance(r, 0.10))
			rc->minute = -1;
		rc->unit_var = name_variant(r, upper, t->nalias > 0);
		rc->alias = t->nalias ? (int)ob_rng_below(r, t->nalias) : 0;
		rc->parent_var = parent_variant(r, upper);
		if (ob_rng_chance(r, 0.005))
			rc->sex = SEX_U;
		if (ob_rng_chance(r, 0.06))
			rc->age = -1;
		else if (ob_rng_chance(r, 0.04))
			rc->age += rc->age > 0 && ob_rng_chance(r, 0.5) ? -1 : 1;
		if (rc->age >= 18 && ob_rng_chance(r, 0.001)) {
			rc->age = 0; /* unknown age written as 0 */
			f->suspicious++;
		}
		if (ob_rng_chance(r, 0.05))
			rc->mech = -1;
		if (ob_rng_chance(r, 0.03))
			rc->place = -1;
		if (ob_rng_chance(r, 0.20))
			rc->rel = -1;
		if (ob_rng_chance(r, 0.15))
			rc->ctx = -1;
		rc->category = homicide_label(cy, f->kind, d, d->femicide);
		write_name(rc, d, NAME_POLICE, r);
		break;
	}
	case OB_DEMO_FORENSIC: {
		static const double w[3] = { 85, 12, 3 };
		static const int sh[3] = { 0, 1, 2 };
		bool nn = ob_rng_chance(r, 0.03);

		rc->day = clamp_day(cy, d->day + shift_days(r, w, 3, sh));
		rc->datefmt = DF_ISO;
		if (ob_rng_chance(r, 0.30))
			rc->minute = -1;
		rc->manner = ob_rng_chance(r, cy->c->p_undetermined) ? MAN_UNDETERMINED : MAN_HOMICIDE;
		if (ob_rng_chance(r, 0.01))
			rc->mech = MECH_UNKNOWN;
		if (ob_rng_chance(r, 0.05))
			rc->place = PL_UNKNOWN;
		rc->rel = rc->ctx = -1;
		if (ob_rng_chance(r, 0.02))
			rc->age = -1;
		else if (ob_rng_chance(r, 0.03))
			rc->age += rc->age > 0 && ob_rng_chance(r, 0.5) ? -1 : 1;
		if (nn) {
			ob_strlcpy(rc->name, cy->c->english ? "UNKNOWN" : "DESCONOCIDO", sizeof(rc->name));
			if (ob_rng_chance(r, 0.3))
				rc->sex = SEX_U;
			if (rc->age >= 0)
				rc->age = rc->age < 5 ? rc->age : rc->age - rc->age % 5; /* estimated */
		} else {
			write_name(rc, d, NAME_FORENSIC, r);
			if (ob_rng_chance(r, 0.8))
				write_doc(rc, cy->c, d->bits);
		}
		if (ob_rng_chance(r, 0.9))
			write_addr(rc, cy->c, t, d->bits);
		if (ob_rng_chance(r, 0.04))
			rc->note = cy->c->english ? notes_en[ob_rng_below(r, OB_ARRAY_SIZE(notes_en))]
			                          : notes_es[ob_rng_below(r, OB_ARRAY_SIZE(notes_es))];
		break;
	}
	case OB_DEMO_PROSECUTOR: {
		static const double w[4] = { 90, 4, 3, 3 };
		static const int sh[4] = { 0, 1, -1, 2 };
		static const double fmt[3] = { 85, 9, 6 };
		static const int fmts[3] = { DF_DMY, DF_EXCEL, DF_MONTH };
		bool fem = d->femicide;

		rc->day = clamp_day(cy, d->day + shift_days(r, w, 4, sh));
		rc->datefmt = fmts[ob_rng_pick(r, fmt, 3)];
		rc->minute = -1;
		rc->unit_var = name_variant(r, false, t->nalias > 0);
		rc->alias = t->nalias ? (int)ob_rng_below(r, t->nalias) : 0;
		rc->parent_var = parent_variant(r, false);
		if (ob_rng_chance(r, 0.01))
			rc->sex = SEX_U;
		if (ob_rng_chance(r, 0.10))
			rc->age = -1;
		else if (ob_rng_chance(r, 0.03))
			rc->age += rc->age > 0 && ob_rng_chance(r, 0.5) ? -1 : 1;
		if (ob_rng_chance(r, 0.10))
			rc->mech = -1;
		if (ob_rng_chance(r, 0.25))
			rc->ctx = -1;
		rc->place = rc->rel = -1;
		if (d->sex == SEX_M && cy->year >= cy->c->femicide_year && ob_rng_chance(r, 0.0008)) {
			fem = true; /* a femicide label on a man: suspicious */
			f->suspicious++;
		}
		rc->category = homicide_label(cy, f->kind, d, fem);
		write_name(rc, d, NAME_PROSECUTOR, r);
		break;
	}
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Writing rows.                                                       */

static void put_sep(struct file *f)
{
	out_chr(&f->o, f->delim);
}

static void put_date(struct file *f, long day, int fmt)
{
	struct out *o = &f->o;
	int y, m, d;

	civil_from(day, &y, &m, &d);
	switch (fmt) {
	case DF_ISO:
		out_uint(o, (unsigned long)y, 4);
		out_chr(o, '-');
		out_uint(o, (unsigned long)m, 2);
		out_chr(o, '-');
		out_uint(o, (unsigned long)d, 2);
		break;
	case DF_EXCEL:
		/* serial day of the 1900 system: 1970-01-01 is 25569 */
		out_uint(o, (unsigned long)(day + 25569), 0);
		break;
	case DF_MONTH:
		out_uint(o, (unsigned long)m, 2);
		out_chr(o, '/');
		out_uint(o, (unsigned long)y, 4);
		break;
	default:
		out_uint(o, (unsigned long)d, 2);
		out_chr(o, '/');
		out_uint(o, (unsigned long)m, 2);
		out_chr(o, '/');
		out_uint(o, (unsigned long)y, 4);
		break;
	}
}

static void put_time(struct file *f, int minute)
{
	if (minute < 0)
		return;
	out_uint(&f->o, (unsigned long)(minute / 60), 2);
	out_chr(&f->o, ':');
	out_uint(&f->o, (unsigned long)(minute % 60), 2);
}

/* A month and year as a statistics office writes it: "enero 2023",
 * "January 2023"; nothing for LONG_MIN (a period left out). */
static void put_month(struct file *f, long day)
{
	static const char *const es[12] = {
		"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
		"septiembre", "octubre", "noviembre", "diciembre",
	};
	static const char *const en[12] = {
		"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December",
	};
	int y, m, d;

	if (day == LONG_MIN)
		return;
	civil_from(day, &y, &m, &d);
	out_str(&f->o, f->cy->c->english ? en[m - 1] : es[m - 1]);
	out_chr(&f->o, ' ');
	out_uint(&f->o, (unsigned long)y, 4);
}

static void put_count(struct file *f, const struct rec *rc)
{
	if (rc->count_text)
		out_field(&f->o, rc->count_text, f->delim);
	else
		out_uint(&f->o, (unsigned long)rc->count, 0);
}

static void put_int(struct file *f, int v)
{
	if (v >= 0)
		out_uint(&f->o, (unsigned long)v, 0);
}

static void put_label(struct file *f, const char *const *labels, int v)
{
	if (v >= 0 && labels && labels[v])
		out_field(&f->o, labels[v], f->delim);
}

static void put_spelled(struct file *f, const char *s, int var)
{
	char buf[OB_MAX_NAME * 2];

	spell(buf, sizeof(buf), 0, s, var == NV_UPPER || var == NV_UPPER_PLAIN,
	      var == NV_PLAIN || var == NV_UPPER_PLAIN);
	out_field(&f->o, buf, f->delim);
}

static void put_unit_name(struct file *f, const struct rec *rc)
{
	const struct terr *t = &f->cy->g->t[rc->unit];

	if (rc->fake_unit)
		out_field(&f->o, f->cy->g->fake_name[f->cy->ci], f->delim);
	else if (rc->unit_var == NV_ALIAS && t->nalias)
		out_field(&f->o, t->alias[rc->alias], f->delim);
	else
		put_spelled(f, t->name, rc->unit_var);
}

static void put_parent_name(struct file *f, const struct rec *rc)
{
	const struct terr *t = &f->cy->g->t[rc->unit];

	if (t->parent_idx != SIZE_MAX)
		put_spelled(f, f->cy->g->t[t->parent_idx].name, rc->parent_var);
}

static void put_unit_code(struct file *f, const struct rec *rc)
{
	if (rc->fake_unit)
		out_str(&f->o, f->cy->g->fake_code[f->cy->ci]);
	else
		out_field(&f->o, f->cy->g->t[rc->unit].natcode, f->delim);
}

/* The columns police exports of deaths and of reported crimes share, in
 * their order: id, date, time, department, municipality, crime, sex, age,
 * weapon (each followed by the separator). */
static void put_police_head(struct file *f, const struct rec *rc,
                            const struct demo_style *st)
{
	out_field(&f->o, rc->id, f->delim);
	put_sep(f);
	put_date(f, rc->day, rc->datefmt);
	put_sep(f);
	put_time(f, rc->minute);
	put_sep(f);
	put_parent_name(f, rc);
	put_sep(f);
	put_unit_name(f, rc);
	put_sep(f);
	out_field(&f->o, rc->category, f->delim);
	put_sep(f);
	put_label(f, st->sex, rc->sex);
	put_sep(f);
	put_int(f, rc->age);
	put_sep(f);
	put_label(f, st->mech, rc->mech);
	put_sep(f);
}

static void write_row(struct file *f, const struct rec *rc)
{
	const struct demo_style *st = f->style;
	const struct demo_country *c = f->cy->c;

	switch (f->kind) {
	case OB_DEMO_POLICE:
		put_police_head(f, rc, st);
		put_label(f, st->place, rc->place);
		put_sep(f);
		put_label(f, st->rel, rc->rel);
		put_sep(f);
		put_label(f, st->ctx, rc->ctx);
		put_sep(f);
		out_field(&f->o, rc->name, f->delim);
		break;
	case OB_DEMO_FORENSIC:
		out_field(&f->o, rc->id, f->delim);
		put_sep(f);
		put_date(f, rc->day, rc->datefmt);
		put_sep(f);
		put_time(f, rc->minute);
		put_sep(f);
		put_unit_code(f, rc);
		put_sep(f);
		put_label(f, st->sex, rc->sex);
		put_sep(f);
		put_int(f, rc->age);
		put_sep(f);
		put_label(f, st->manner, rc->manner);
		put_sep(f);
		put_label(f, st->mech, rc->mech);
		put_sep(f);
		put_label(f, st->place, rc->place);
		put_sep(f);
		out_field(&f->o, rc->name, f->delim);
		put_sep(f);
		out_field(&f->o, rc->doc, f->delim);
		put_sep(f);
		out_field(&f->o, rc->addr, f->delim);
		put_sep(f);
		out_field(&f->o, rc->note, f->delim);
		break;
	case OB_DEMO_PROSECUTOR:
		out_field(&f->o, rc->category, f->delim);
		put_sep(f);
		out_field(&f->o, rc->name, f->delim);
		put_sep(f);
		put_int(f, rc->age);
		put_sep(f);
		put_label(f, st->sex, rc->sex);
		put_sep(f);
		put_date(f, rc->day, rc->datefmt);
		put_sep(f);
		if (c->prosecutor_by_code) {
			put_unit_code(f, rc);
		} else {
			put_unit_name(f, rc);
			put_sep(f);
			put_parent_name(f, rc);
		}
		put_sep(f);
		out_field(&f->o, rc->id, f->delim);
		put_sep(f);
		put_label(f, st->mech, rc->mech);
		put_sep(f);
		put_label(f, st->ctx, rc->ctx);
		break;
	default: /* reported crimes */
		if (f->shape == CRIMES_COUNTED) {
			/* identical reports of a day merged, with their number */
			out_field(&f->o, rc->id, f->delim);
			put_sep(f);
			put_date(f, rc->day, rc->datefmt);
			put_sep(f);
			put_parent_name(f, rc);
			put_sep(f);
			put_unit_name(f, rc);
			put_sep(f);
			out_field(&f->o, rc->category, f->delim);
			put_sep(f);
			put_label(f, st->sex, rc->sex);
			put_sep(f);
			put_label(f, st->mech, rc->mech);
			put_sep(f);
			put_label(f, st->place, rc->place);
			put_sep(f);
			put_count(f, rc);
		} else if (f->shape == CRIMES_AGGREGATE) {
			/* counts only: month, territory, offence, sex */
			put_month(f, rc->day);
			put_sep(f);
			put_parent_name(f, rc);
			put_sep(f);
			put_unit_name(f, rc);
			put_sep(f);
			out_field(&f->o, rc->category, f->delim);
			put_sep(f);
			put_label(f, st->sex, rc->sex);
			put_sep(f);
			put_count(f, rc);
		} else {
			put_police_head(f, rc, st);
			put_label(f, st->place, rc->place);
		}
		break;
	}
	out_eol(&f->o);
	f->rows++;
}

/* Column names, in file order, of each kind (Spanish, English). */
static void header_names(const struct file *f, const char **cols, size_t *n)
{
	const struct demo_country *c = f->cy->c;
	bool en = c->english;
	size_t k = 0;

	switch (f->kind) {
	case OB_DEMO_POLICE:
		cols[k++] = en ? "Case No" : "No. Caso";
		cols[k++] = en ? "Date" : "Fecha del hecho";
		cols[k++] = en ? "Time" : "Hora";
		cols[k++] = c->parent_col;
		cols[k++] = c->unit_col;
		cols[k++] = en ? "Offence" : "Delito";
		cols[k++] = en ? "Sex" : "Sexo";
		cols[k++] = en ? "Age" : "Edad";
		cols[k++] = en ? "Weapon" : "Arma";
		cols[k++] = en ? "Scene" : "Lugar";
		cols[k++] = en ? "Relationship" : "Relación con la víctima";
		cols[k++] = en ? "Motive" : "Móvil";
		cols[k++] = en ? "Victim name" : "Nombre de la víctima";
		break;
	case OB_DEMO_FORENSIC:
		cols[k++] = en ? "Case ID" : "Correlativo";
		cols[k++] = en ? "Date of death" : "Fecha de fallecimiento";
		cols[k++] = en ? "Time" : "Hora";
		cols[k++] = c->code_col;
		cols[k++] = en ? "Sex" : "Sexo";
		cols[k++] = en ? "Age" : "Edad";
		cols[k++] = en ? "Manner of death" : "Manera de muerte";
		cols[k++] = en ? "Cause" : "Mecanismo";
		cols[k++] = en ? "Place" : "Lugar del hecho";
		cols[k++] = en ? "Name" : "Nombre";
		cols[k++] = en ? "ID number" : "Documento";
		cols[k++] = en ? "Address" : "Dirección";
		cols[k++] = en ? "Remarks" : "Observaciones";
		break;
	case OB_DEMO_PROSECUTOR:
		cols[k++] = en ? "Offence" : "Delito";
		cols[k++] = en ? "Victim" : "Víctima";
		cols[k++] = en ? "Age" : "Edad";
		cols[k++] = en ? "Sex" : "Sexo";
		cols[k++] = en ? "Date of offence" : "Fecha del hecho";
		if (c->prosecutor_by_code) {
			cols[k++] = c->code_col;
		} else {
			cols[k++] = c->unit_col;
			cols[k++] = c->parent_col;
		}
		cols[k++] = en ? "File No" : "Número de expediente";
		cols[k++] = en ? "Weapon" : "Arma";
		cols[k++] = en ? "Motive" : "Móvil";
		break;
	default:
		if (f->shape == CRIMES_COUNTED) {
			cols[k++] = en ? "Report No" : "No. Denuncia";
			cols[k++] = en ? "Date" : "Fecha";
			cols[k++] = c->parent_col;
			cols[k++] = c->unit_col;
			cols[k++] = en ? "Offence" : "Delito";
			cols[k++] = en ? "Victim sex" : "Sexo víctima";
			cols[k++] = en ? "Weapon" : "Arma";
			cols[k++] = en ? "Scene" : "Lugar";
			cols[k++] = en ? "Count" : "Cantidad";
			break;
		}
		if (f->shape == CRIMES_AGGREGATE) {
			cols[k++] = en ? "Month" : "Mes";
			cols[k++] = c->parent_col;
			cols[k++] = c->unit_col;
			cols[k++] = en ? "Offence" : "Delito";
			cols[k++] = en ? "Victim sex" : "Sexo víctima";
			cols[k++] = en ? "Count" : "Víctimas";
			break;
		}
		cols[k++] = en ? "Report No" : "No. Denuncia";
		cols[k++] = en ? "Date" : "Fecha";
		cols[k++] = en ? "Time" : "Hora";
		cols[k++] = c->parent_col;
		cols[k++] = c->unit_col;
		cols[k++] = en ? "Offence" : "Delito";
		cols[k++] = en ? "Victim sex" : "Sexo víctima";
		cols[k++] = en ? "Victim age" : "Edad víctima";
		cols[k++] = en ? "Weapon" : "Arma";
		cols[k++] = en ? "Scene" : "Lugar";
		break;
	}
	*n = k;
}

static void upper_line(struct out *o, const char *s)
{
	char buf[OB_MAX_NAME * 2];

	spell(buf, sizeof(buf), 0, s, true, false);
	out_str(o, buf);
}

static void write_head(struct file *f)
{
	const struct demo_country *c = f->cy->c;
	const char *cols[16];
	size_t n;
	char line[OB_MAX_NAME * 2];
	bool police = f->kind == OB_DEMO_POLICE || f->kind == OB_DEMO_CRIMES;

	if (f->kind == OB_DEMO_FORENSIC)
		out_str(&f->o, "\xEF\xBB\xBF");
	if (police) {
		upper_line(&f->o, f->src->institution);
		out_eol(&f->o);
		if (c->english)
			snprintf(line, sizeof(line), "%s%s report January - December %d%s",
			         f->prelim ? "Provisional " : "",
			         f->kind == OB_DEMO_POLICE ? "Murder" : "Reported offences",
			         f->cy->year, f->corrected ? " (corrected)" : "");
		else
			snprintf(line, sizeof(line), "Reporte %s%s enero - diciembre %d%s",
			         f->prelim ? "preliminar de " : "de ",
			         f->kind == OB_DEMO_POLICE ? "homicidios" : "delitos denunciados",
			         f->cy->year, f->corrected ? " (corregido)" : "");
		out_str(&f->o, line);
		out_eol(&f->o);
		out_eol(&f->o);
	}
	header_names(f, cols, &n);
	for (size_t i = 0; i < n; i++) {
		if (i)
			put_sep(f);
		out_field(&f->o, cols[i], f->delim);
	}
	out_eol(&f->o);
}

static void write_foot(struct file *f)
{
	const struct demo_country *c = f->cy->c;
	char line[OB_MAX_NAME * 2];

	if (f->kind != OB_DEMO_POLICE && f->kind != OB_DEMO_CRIMES)
		return;
	out_str(&f->o, "Total");
	put_sep(f);
	/* rows, or the victims where rows carry a count */
	out_uint(&f->o, (unsigned long)(f->shape != CRIMES_ROWS ? f->victims : f->rows), 0);
	out_eol(&f->o);
	if (c->english)
		snprintf(line, sizeof(line), "Source: %s. Provisional figures subject to review.",
		         f->src->institution);
	else
		snprintf(line, sizeof(line), "Fuente: %s. Datos sujetos a revisión.",
		         f->src->institution);
	out_str(&f->o, line);
	out_eol(&f->o);
	f->cy->g->plan->files[f->idx].footer_rows = 2;
}

/*
 * Which kinds of reported crime a country's police register records. One
 * register leaves a category out, so that the demo has a source that
 * delivers every month yet never a robbery: Panama's (its profile,
 * pa-pn-delitos.ini, states the categories it records, without 04), whose
 * robbery rate is then "no data", not 0 (docs/completeness.md).
 */
static bool records_crime(const struct demo_country *c, int type)
{
	return !(type == CR_ROBBERY && !strcmp(c->iso2, "PA"));
}

/* A kind of crime the country's register records, drawn with r. */
static int draw_recorded_crime(struct ob_rng *r, const struct demo_country *c)
{
	int type;

	do
		type = (int)ob_rng_below(r, N_CRIME);
	while (!records_crime(c, type));
	return type;
}

/* A row that must be refused: a random record, then one thing broken. */
static void write_bad_row(struct file *f)
{
	struct cy *cy = f->cy;
	struct ob_rng *r = &f->badr;
	struct rec rc;
	long day = cy->y0 + (long)ob_rng_below(r, (uint64_t)(cy->y1 - cy->y0));
	const struct seg *sg = NULL;
	int what = (int)ob_rng_below(r, 4);

	for (size_t s = 0; s < cy->nsegs; s++)
		if (cy->segs[s].a <= day && day < cy->segs[s].b && cy->segs[s].n)
			sg = &cy->segs[s];
	if (!sg) /* no territory valid that day: use any unit */
		for (size_t s = 0; s < cy->nsegs && !sg; s++)
			if (cy->segs[s].n)
				sg = &cy->segs[s], day = sg->a;
	memset(&rc, 0, sizeof(rc));
	rc.unit = sg ? sg->units[ob_rng_below(r, sg->n)] : cy->g->units[cy->ci][0];
	rc.day = day;
	rc.datefmt = f->kind == OB_DEMO_FORENSIC ? DF_ISO : DF_DMY;
	rc.minute = (int)ob_rng_below(r, 24 * 60);
	rc.sex = ob_rng_chance(r, cy->c->female) ? SEX_F : SEX_M;
	rc.age = (int)ob_rng_range(r, 18, 60);
	rc.mech = MECH_FIREARM;
	rc.place = PL_ROAD;
	rc.rel = REL_UNKNOWN;
	rc.ctx = CTX_UNKNOWN;
	rc.manner = f->kind == OB_DEMO_FORENSIC ? MAN_HOMICIDE : -1;
	if (f->kind == OB_DEMO_CRIMES)
		rc.category = cy->c->crime_label[draw_recorded_crime(r, cy->c)];
	else if (f->kind == OB_DEMO_POLICE)
		rc.category = cy->c->police_homicide;
	else if (f->kind == OB_DEMO_PROSECUTOR)
		rc.category = cy->c->prosecutor_labels[0];
	format_id(rc.id, sizeof(rc.id), f->kind, f->src->id_prefix, cy->year, (long)f->bad + 1, true);
	switch (what) {
	case 0: { /* a date in the future: the year typed wrong */
		int y, m, d;
		civil_from(day, &y, &m, &d);
		if (m == 2 && d == 29)
			d = 28;
		rc.day = civil_days(y + 75, m, d);
		break;
	}
	case 1:
		rc.age = 150;
		break;
	case 2:
		rc.fake_unit = true;
		break;
	default:
		rc.id[0] = '\0';
		break;
	}
	if (f->shape != CRIMES_ROWS) {
		/* no age column here: a count that is not a whole number instead;
		 * an aggregate row has no id: its period left out instead */
		static const char *const bad_counts[4] = { "1.5", "-1", "", "n/d" };
		rc.count = 1;
		if (what == 1)
			rc.count_text = bad_counts[ob_rng_below(r, 4)];
		if (what == 3 && f->shape == CRIMES_AGGREGATE)
			rc.day = LONG_MIN;
	}
	write_row(f, &rc);
	f->bad++;
}

static ob_err open_file(struct file *f, struct cy *cy, enum ob_demo_kind kind,
                        const char *suffix, bool prelim, bool final, int delivery,
                        int correction)
{
	struct gen *g = cy->g;
	const struct demo_source *src = &cy->c->src[kind];
	char dir[OB_MAX_PATH], path[OB_MAX_PATH];
	bool police = kind == OB_DEMO_POLICE || kind == OB_DEMO_CRIMES;
	uint64_t sh = str_hash(src->code);

	memset(f, 0, sizeof(*f));
	f->cy = cy;
	f->kind = kind;
	f->src = src;
	f->style = &demo_styles[cy->c->english][kind];
	f->prelim = prelim;
	f->final = final;
	f->corrected = correction > 0;
	f->delim = police ? ';' : ',';
	f->shape = kind == OB_DEMO_CRIMES ? cy->c->crime_shape : CRIMES_ROWS;
	if (snprintf(dir, sizeof(dir), "%s/%s", g->outdir, src->code) >= (int)sizeof(dir) ||
	    snprintf(path, sizeof(path), "%s/%s_%d%s.csv", dir, src->file_stem, cy->year,
	             suffix) >= (int)sizeof(path))
		return ob_diag_set(g->d, OB_ETOOBIG, g->outdir, 0, 0, NULL, 0, "ruta demasiado larga");
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return ob_diag_set(g->d, OB_EIO, dir, 0, 0, NULL, 0,
		                   "no se pudo crear el directorio: %s", strerror(errno));
	f->idx = plan_add_file(g, src, cy->ci, cy->year, kind, path, delivery, correction);
	ob_rng_seed_stream(&f->vals, g->o->seed, "values", sh ^ (uint64_t)cy->year);
	ob_rng_seed_stream(&f->badr, g->o->seed, prelim ? "bad-prelim" : "bad",
	                   sh ^ (uint64_t)cy->year);
	f->bad_rate = 0.001 + 0.002 * ob_rng_uniform(&f->badr);
	return out_open(&f->o, path, police, police ? "\r\n" : "\n", g->d);
}

static ob_err close_file(struct file *f)
{
	struct ob_demo_plan *p = f->cy->g->plan;
	struct ob_demo_file *pf = &p->files[f->idx];

	write_foot(f);
	pf->rows = f->rows;
	pf->bad_rows = f->bad;
	pf->victims = f->shape != CRIMES_ROWS ? f->victims : f->good;
	pf->suspicious = f->suspicious;
	p->rows += f->rows;
	p->bad_rows += f->bad;
	if (f->kind == OB_DEMO_CRIMES)
		p->crime_rows += f->rows;
	return out_close(&f->o, f->cy->g->d);
}

static void maybe_bad(struct file *f)
{
	if (ob_rng_chance(&f->badr, f->bad_rate))
		write_bad_row(f);
}

static void truth_row(struct file *f, const char *id, const struct death *d)
{
	struct out *o = &f->cy->g->truth;

	out_str(o, f->src->code);
	out_chr(o, ',');
	out_field(o, id, ',');
	out_chr(o, ',');
	out_str(o, f->cy->c->iso2);
	out_chr(o, '-');
	out_uint(o, (unsigned long)f->cy->year, 4);
	out_chr(o, '-');
	out_uint(o, (unsigned long)(d - f->cy->deaths) + 1, 6);
	out_eol(o);
}

/* Corrected re-deliveries: the first delivery of these source-years is
 * preliminary (rows missing, ages left blank) and is replaced a year later. */
static const struct {
	const char *source;
	int year;
	const char *suffix;
} redeliveries[] = {
	{ "sv-pnc", 2019, "_corregido" },
	{ "hn-mf", 2021, "_v2" },
};

static ob_err write_homicide_version(struct cy *cy, enum ob_demo_kind kind, bool prelim,
                                     const char *suffix, int delivery, int correction,
                                     size_t *idx)
{
	struct gen *g = cy->g;
	struct file f;
	struct rec rc;
	long serial = 0;
	uint64_t sh = str_hash(cy->c->src[kind].code);
	ob_err e;

	if ((e = open_file(&f, cy, kind, suffix, prelim, !prelim, delivery, correction)))
		return e;
	*idx = f.idx;
	write_head(&f);
	for (size_t i = 0; i < cy->n; i++) {
		const struct death *d = &cy->deaths[i];
		int copies = 1 + (kind == OB_DEMO_POLICE && d->dup);

		if (!(d->seen & (1u << kind)))
			continue;
		for (int c = 0; c < copies; c++) {
			make_record(&f, d, &rc);
			format_id(rc.id, sizeof(rc.id), kind, f.src->id_prefix, cy->year, ++serial,
			          false);
			if (prelim) {
				/* the first delivery lacks some cases and some ages */
				if (hunif(g->o->seed, "prelim-drop", sh, (uint64_t)serial) < 0.05)
					continue;
				if (hunif(g->o->seed, "prelim-age", sh, (uint64_t)serial) < 0.03)
					rc.age = -1;
			}
			maybe_bad(&f);
			write_row(&f, &rc);
			f.good++;
			if (!prelim) {
				struct ob_demo_national *nat = &g->plan->national[cy->nat];
				truth_row(&f, rc.id, d);
				g->plan->death_records++;
				if (kind == OB_DEMO_POLICE)
					nat->police++;
				else if (kind == OB_DEMO_FORENSIC)
					nat->forensic++;
				else
					nat->prosecutor++;
			}
		}
	}
	maybe_bad(&f);
	if (f.o.failed) {
		out_abandon(&f.o);
		return ob_diag_set(g->d, OB_EIO, g->plan->files[f.idx].path, 0, 0, NULL, 0,
		                   "error al escribir el archivo");
	}
	return close_file(&f);
}

static ob_err write_homicide_file(struct cy *cy, enum ob_demo_kind kind)
{
	const char *code = cy->c->src[kind].code;
	size_t first, second;
	ob_err e;

	for (size_t i = 0; i < OB_ARRAY_SIZE(redeliveries); i++) {
		if (strcmp(redeliveries[i].source, code) || redeliveries[i].year != cy->year)
			continue;
		if ((e = write_homicide_version(cy, kind, true, "", cy->year, 0, &first)))
			return e;
		if ((e = write_homicide_version(cy, kind, false, redeliveries[i].suffix,
		                                cy->year + 1, 1, &second)))
			return e;
		cy->g->plan->files[first].superseded_by = (int)second;
		cy->g->plan->files[second].supersedes = (int)first;
		return OB_OK;
	}
	return write_homicide_version(cy, kind, false, "", cy->year, 0, &first);
}

/* ------------------------------------------------------------------ */
/* Reported crimes.                                                    */

struct crime {
	long day;
	int minute;
	int32_t month; /* year * 12 + month - 1 (aggregates) */
	uint32_t unit, gen;
	uint8_t type, sex, age, mech, place;
};

static const double crime_female[N_CRIME] = { 0.35, 0.40, 0.30, 0.35, 0.35, 0.82, 0.92, 0.40 };
static const double crime_hours[24] = {
	2, 1.5, 1, 1, 1, 1.5, 3, 5, 6, 6, 6, 6, 6.5, 6.5, 6, 6, 6.5, 7, 8, 8, 7, 5, 4, 3,
};

static void draw_crime(struct ob_rng *r, const struct demo_country *c, struct crime *k)
{
	bool f = ob_rng_chance(r, crime_female[k->type]);

	k->sex = ob_rng_chance(r, 0.01) ? SEX_U : f ? SEX_F : SEX_M;
	switch (k->type) {
	case CR_RAPE:
		k->age = (uint8_t)(ob_rng_chance(r, 0.45) ? ob_rng_range(r, 8, 17) : ob_rng_range(r, 18, 45));
		break;
	case CR_MISSING:
		k->age = (uint8_t)(ob_rng_chance(r, 0.4) ? ob_rng_range(r, 12, 17) : ob_rng_range(r, 18, 70));
		break;
	case CR_DOMESTIC:
		k->age = (uint8_t)ob_rng_range(r, 16, 65);
		break;
	default:
		k->age = (uint8_t)draw_age(r, f);
		if (k->age < 12)
			k->age = (uint8_t)ob_rng_range(r, 12, 70);
		break;
	}
	k->mech = 255;
	switch (k->type) {
	case CR_ROBBERY: {
		static const double w[N_MECH] = { 45, 25, 5, 0, 10, 15 };
		k->mech = (uint8_t)ob_rng_pick(r, w, N_MECH);
		break;
	}
	case CR_KIDNAPPING: {
		static const double w[N_MECH] = { 60, 10, 0, 0, 15, 15 };
		k->mech = (uint8_t)ob_rng_pick(r, w, N_MECH);
		break;
	}
	case CR_INJURIES: {
		double fire = c->firearm * 0.25;
		double w[N_MECH] = { fire, 35, 30, 2, 20, 8 };
		k->mech = (uint8_t)ob_rng_pick(r, w, N_MECH);
		break;
	}
	case CR_DOMESTIC:
		if (ob_rng_chance(r, 0.6)) {
			static const double w[N_MECH] = { 3, 12, 25, 5, 55, 0 };
			k->mech = (uint8_t)ob_rng_pick(r, w, N_MECH);
		}
		break;
	default:
		break;
	}
	{
		static const double w[N_CRIME][N_PLACE] = {
			[CR_ROBBERY] = { 8, 65, 15, 0, 12, 0, 0, 0, 0 },
			[CR_THEFT] = { 30, 30, 30, 0, 10, 0, 0, 0, 0 },
			[CR_EXTORTION] = { 30, 0, 50, 0, 20, 0, 0, 0, 0 },
			[CR_KIDNAPPING] = { 30, 70, 0, 0, 0, 0, 0, 0, 0 },
			[CR_INJURIES] = { 30, 50, 20, 0, 0, 0, 0, 0, 0 },
			[CR_DOMESTIC] = { 95, 0, 0, 0, 0, 0, 0, 5, 0 },
			[CR_RAPE] = { 65, 20, 0, 0, 0, 15, 0, 0, 0 },
			[CR_MISSING] = { 0, 40, 0, 0, 0, 0, 0, 0, 60 },
		};
		k->place = (uint8_t)ob_rng_pick(r, w[k->type], N_PLACE);
	}
}

static int crime_cmp(const void *a, const void *b)
{
	const struct crime *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->minute != y->minute)
		return x->minute < y->minute ? -1 : 1;
	return (x->gen > y->gen) - (x->gen < y->gen);
}

/* Year-to-year movement of reported crime: the 2020 lockdowns, and El
 * Salvador's fall in extortion after 2022. */
static double crime_year_factor(const struct demo_country *c, int type, int year)
{
	double f = 1 + 0.02 * (year - 2019);

	if (year == 2020)
		f *= type == CR_DOMESTIC ? 1.1 : 0.75;
	if (!strcmp(c->iso2, "SV") && year >= 2022)
		f *= type == CR_EXTORTION ? 0.4 : 0.8;
	return f;
}

/* Merged rows: the reports of one day, unit, offence, sex, weapon and place. */
static int merge_cmp(const void *a, const void *b)
{
	const struct crime *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->sex != y->sex)
		return x->sex < y->sex ? -1 : 1;
	if (x->mech != y->mech)
		return x->mech < y->mech ? -1 : 1;
	if (x->place != y->place)
		return x->place < y->place ? -1 : 1;
	return (x->gen > y->gen) - (x->gen < y->gen);
}

/* Aggregate cells: month, unit, offence, sex. */
static int cell_cmp(const void *a, const void *b)
{
	const struct crime *x = a, *y = b;

	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->sex != y->sex)
		return x->sex < y->sex ? -1 : 1;
	return (x->gen > y->gen) - (x->gen < y->gen);
}

static bool same_row(bool agg, const struct crime *x, const struct crime *y)
{
	if (agg)
		return x->month == y->month && x->unit == y->unit && x->type == y->type &&
		       x->sex == y->sex;
	return x->day == y->day && x->unit == y->unit && x->type == y->type && x->sex == y->sex &&
	       x->mech == y->mech && x->place == y->place;
}

/*
 * Reported crimes with a count per row: identical reports merged (each
 * row's count the reports it stands for), or aggregate counts by month,
 * unit, offence and sex (no id, no person). The victims of the file are the
 * reports generated, as in a file of one row per report.
 */
static ob_err write_crime_counts(struct cy *cy, struct crime *ks, size_t n)
{
	struct gen *g = cy->g;
	bool agg = cy->c->crime_shape == CRIMES_AGGREGATE;
	struct file f;
	long serial = 0;
	ob_err e;

	for (size_t i = 0; agg && i < n; i++) {
		int y, m, d;
		civil_from(ks[i].day, &y, &m, &d);
		ks[i].month = y * 12 + m - 1;
	}
	if (n)
		qsort(ks, n, sizeof(*ks), agg ? cell_cmp : merge_cmp);
	if ((e = open_file(&f, cy, OB_DEMO_CRIMES, "", false, true, cy->year, 0)))
		return e;
	write_head(&f);
	for (size_t i = 0, j; i < n; i = j) {
		const struct crime *k = &ks[i];
		const struct terr *t = &g->t[k->unit];
		struct rec rc;

		for (j = i + 1; j < n && same_row(agg, k, &ks[j]); j++)
			;
		memset(&rc, 0, sizeof(rc));
		rc.unit = k->unit;
		rc.category = cy->c->crime_label[k->type];
		rc.sex = k->sex;
		rc.count = (long)(j - i);
		rc.minute = rc.age = -1;
		rc.rel = rc.ctx = rc.manner = -1;
		if (agg) {
			/* a statistics table: official names, the first of the month */
			rc.day = civil_days(k->month / 12, k->month % 12 + 1, 1);
			rc.unit_var = rc.parent_var = NV_ASIS;
			rc.mech = rc.place = -1;
		} else {
			format_id(rc.id, sizeof(rc.id), OB_DEMO_CRIMES, f.src->id_prefix, cy->year,
			          ++serial, false);
			rc.day = k->day;
			rc.datefmt = DF_DMY;
			rc.unit_var = name_variant(&f.vals, cy->c->police_upper, t->nalias > 0);
			rc.alias = t->nalias ? (int)ob_rng_below(&f.vals, t->nalias) : 0;
			rc.parent_var = parent_variant(&f.vals, cy->c->police_upper);
			rc.mech = k->mech == 255 ? -1 : k->mech;
			rc.place = k->place;
		}
		maybe_bad(&f);
		write_row(&f, &rc);
		f.good++;
		f.victims += rc.count;
	}
	maybe_bad(&f);
	if (f.o.failed) {
		out_abandon(&f.o);
		return ob_diag_set(g->d, OB_EIO, g->plan->files[f.idx].path, 0, 0, NULL, 0,
		                   "error al escribir el archivo");
	}
	return close_file(&f);
}

static ob_err write_crimes(struct cy *cy)
{
	struct gen *g = cy->g;
	struct ob_rng r;
	struct crime *ks = NULL;
	size_t n = 0, alloc = 0;
	double year_len = (double)(cy->y1 - cy->y0);
	struct file f;
	ob_err e;

	ob_rng_seed_stream(&r, g->o->seed, "crimes", (uint64_t)cy->ci * 10000 + (uint64_t)cy->year);
	for (int type = 0; type < N_CRIME; type++) {
		double expected = cy->c->crime_rate[type] * cy->pop / 100000 *
		                  crime_year_factor(cy->c, type, cy->year) *
		                  g->o->crime_sampling * g->o->scale;

		if (!records_crime(cy->c, type))
			continue;

		for (size_t s = 0; s < cy->nsegs; s++) {
			const struct seg *sg = &cy->segs[s];
			double lam = expected * (double)(sg->b - sg->a) / year_len, wsum = 0;

			for (size_t k = 0; k < sg->n; k++)
				wsum += sg->pop[k] * (0.6 + 0.4 * sg->risk[k]);
			if (!(wsum > 0))
				continue;
			for (size_t k = 0; k < sg->n; k++) {
				uint64_t m = ob_rng_poisson(&r, lam * sg->pop[k] *
				                                        (0.6 + 0.4 * sg->risk[k]) / wsum);
				for (uint64_t j = 0; j < m; j++) {
					struct crime *c;

					if (n == alloc) {
						alloc = alloc ? alloc * 2 : 4096;
						ks = ob_realloc(ks, alloc * sizeof(*ks));
					}
					c = &ks[n];
					c->gen = (uint32_t)n++;
					c->type = (uint8_t)type;
					c->unit = (uint32_t)sg->units[k];
					c->day = sg->a + (long)ob_rng_below(&r, (uint64_t)(sg->b - sg->a));
					c->minute = draw_minute(&r, crime_hours);
					draw_crime(&r, cy->c, c);
				}
			}
		}
	}
	if (cy->c->crime_shape != CRIMES_ROWS) {
		e = write_crime_counts(cy, ks, n);
		free(ks);
		return e;
	}
	if (n)
		qsort(ks, n, sizeof(*ks), crime_cmp);
	if ((e = open_file(&f, cy, OB_DEMO_CRIMES, "", false, true, cy->year, 0))) {
		free(ks);
		return e;
	}
	write_head(&f);
	for (size_t i = 0; i < n; i++) {
		const struct crime *k = &ks[i];
		const struct terr *t = &g->t[k->unit];
		struct rec rc;

		memset(&rc, 0, sizeof(rc));
		format_id(rc.id, sizeof(rc.id), OB_DEMO_CRIMES, f.src->id_prefix, cy->year,
		          (long)i + 1, false);
		rc.day = k->day;
		rc.datefmt = DF_DMY;
		rc.minute = ob_rng_chance(&f.vals, 0.08) ? -1 : k->minute;
		rc.unit = k->unit;
		rc.unit_var = name_variant(&f.vals, cy->c->police_upper, t->nalias > 0);
		rc.alias = t->nalias ? (int)ob_rng_below(&f.vals, t->nalias) : 0;
		rc.parent_var = parent_variant(&f.vals, cy->c->police_upper);
		rc.category = cy->c->crime_label[k->type];
		rc.sex = k->sex;
		rc.age = ob_rng_chance(&f.vals, 0.07) ? -1 : k->age;
		rc.mech = k->mech == 255 ? -1 : k->mech;
		rc.place = ob_rng_chance(&f.vals, 0.03) ? -1 : k->place;
		rc.rel = rc.ctx = rc.manner = -1;
		maybe_bad(&f);
		write_row(&f, &rc);
		f.good++;
	}
	maybe_bad(&f);
	free(ks);
	if (f.o.failed) {
		out_abandon(&f.o);
		return ob_diag_set(g->d, OB_EIO, g->plan->files[f.idx].path, 0, 0, NULL, 0,
		                   "error al escribir el archivo");
	}
	return close_file(&f);
}

/* ------------------------------------------------------------------ */

static ob_err country_year(struct gen *g, int ci, int year)
{
	struct cy cy;
	const struct ob_demo_target *t;
	struct ob_demo_national *nat;
	struct ob_demo_plan *p = g->plan;
	ob_err e = OB_OK;

	memset(&cy, 0, sizeof(cy));
	cy.g = g;
	cy.ci = ci;
	cy.c = &demo_countries[ci];
	cy.year = year;
	cy.y0 = civil_days(year, 1, 1);
	cy.y1 = civil_days(year + 1, 1, 1);
	build_segments(&cy);
	t = ob_demo_target_find(cy.c->iso2, year);
	if (p->nnational == p->national_alloc) {
		p->national_alloc = p->national_alloc ? p->national_alloc * 2 : 128;
		p->national = ob_realloc(p->national, p->national_alloc * sizeof(*p->national));
	}
	cy.nat = p->nnational++;
	nat = &p->national[cy.nat];
	memset(nat, 0, sizeof(*nat));
	ob_strlcpy(nat->country, cy.c->iso2, sizeof(nat->country));
	nat->year = year;
	nat->population = cy.pop;
	nat->expected = expected_deaths(&cy, t);
	nat->target_source = t ? t->source : "";
	generate_deaths(&cy, nat->expected);
	assign_sources(&cy);
	nat->deaths = (long long)cy.n;
	p->deaths += (long long)cy.n;
	for (int k = OB_DEMO_POLICE; k <= OB_DEMO_PROSECUTOR && !e; k++)
		e = write_homicide_file(&cy, (enum ob_demo_kind)k);
	if (!e)
		e = write_crimes(&cy);
	free(cy.deaths);
	free_segments(&cy);
	return e;
}

static void free_gen(struct gen *g)
{
	for (size_t i = 0; i < g->nt; i++) {
		struct terr *t = &g->t[i];
		free(t->code);
		free(t->country);
		free(t->parent);
		free(t->name);
		free(t->natcode);
		for (size_t a = 0; a < t->nalias; a++)
			free(t->alias[a]);
		free(t->alias);
	}
	free(g->t);
	free(g->pops);
	for (int ci = 0; ci < DEMO_COUNTRIES; ci++)
		free(g->units[ci]);
	free(g->keys);
	out_abandon(&g->truth);
}

static ob_err make_dir(const char *path, struct ob_diag *d)
{
	char buf[OB_MAX_PATH];
	size_t n = ob_strlcpy(buf, path, sizeof(buf));

	if (n >= sizeof(buf))
		return ob_diag_set(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "ruta demasiado larga");
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return ob_diag_set(d, OB_EIO, buf, 0, 0, NULL, 0,
			                   "no se pudo crear el directorio: %s", strerror(errno));
		if (i < n)
			buf[i] = '/';
	}
	return OB_OK;
}

ob_err ob_demo_generate(struct ob_store *s, const char *outdir,
                        const struct ob_demo_options *o, struct ob_demo_plan *plan,
                        struct ob_diag *d)
{
	struct gen g;
	size_t total = 0;
	ob_err e;

	if (!(o->scale > 0 && o->scale <= 1000) ||
	    !(o->crime_sampling > 0 && o->crime_sampling <= 1) ||
	    o->year_from < OB_DEMO_YEAR_FROM || o->year_to > OB_DEMO_YEAR_TO ||
	    o->year_from > o->year_to)
		return ob_diag_set(d, OB_EINVAL, outdir, 0, 0, NULL, 0,
		                   "opciones no válidas: escala en (0, 1000], muestreo en (0, 1], "
		                   "años entre %d y %d (invalid demo options)",
		                   OB_DEMO_YEAR_FROM, OB_DEMO_YEAR_TO);
	memset(&g, 0, sizeof(g));
	g.o = o;
	g.plan = plan;
	g.d = d;
	g.outdir = outdir;
	plan->seed = o->seed;
	plan->scale = o->scale;
	plan->crime_sampling = o->crime_sampling;
	if ((e = load_territories(&g, s)) || (e = load_aliases(&g, s)) ||
	    (e = load_population(&g, s)))
		goto free_gen;
	for (size_t i = 0; i < g.nt; i++) {
		int ci = g.t[i].ci;
		if (ci < 0 || !is_unit(&g.t[i]))
			continue;
		g.units[ci] = ob_realloc(g.units[ci], (g.nunits[ci] + 1) * sizeof(**g.units));
		g.units[ci][g.nunits[ci]++] = i;
		total++;
	}
	if (!total) {
		e = ob_diag_set(d, OB_ENOENT, ob_store_dir(s), 0, 0, NULL, 0,
		                "el catálogo no tiene municipios (nivel 2) de los países de la "
		                "demostración (no admin-2 territories of the demo countries)");
		goto free_gen;
	}
	assign_risks(&g);
	choose_fakes(&g);
	if ((e = make_dir(outdir, d)))
		goto free_gen;
	if (snprintf(plan->ground_truth, sizeof(plan->ground_truth), "%s/ground_truth.csv",
	             outdir) >= (int)sizeof(plan->ground_truth)) {
		e = ob_diag_set(d, OB_ETOOBIG, outdir, 0, 0, NULL, 0, "ruta demasiado larga");
		goto free_gen;
	}
	if ((e = out_open(&g.truth, plan->ground_truth, false, "\n", d)))
		goto free_gen;
	out_str(&g.truth, "source,source_id,death_id\n");
	for (int year = o->year_from; year <= o->year_to && !e; year++)
		for (int ci = 0; ci < DEMO_COUNTRIES && !e; ci++)
			if (g.nunits[ci])
				e = country_year(&g, ci, year);
	if (!e)
		e = out_close(&g.truth, d);
	if (!e)
		plan_sort(&g);
free_gen:
	free_gen(&g);
	return e;
}

/* ------------------------------------------------------------------ */
/* The labels the generator writes, for checking crosswalks.           */

static void add_label(struct ob_demo_label **v, size_t *n, size_t *alloc, const char *cw,
                      const char *label, const char *target)
{
	if (!label)
		return;
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 256;
		*v = ob_realloc(*v, *alloc * sizeof(**v));
	}
	(*v)[(*n)++] = (struct ob_demo_label){ cw, label, target };
}

static int label_cmp(const void *a, const void *b)
{
	const struct ob_demo_label *x = a, *y = b;
	int c = strcmp(x->crosswalk, y->crosswalk);

	if (!c)
		c = strcmp(x->label, y->label);
	if (!c)
		c = strcmp(x->target, y->target);
	return c;
}

size_t ob_demo_labels(struct ob_demo_label **out)
{
	struct ob_demo_label *v = NULL;
	size_t n = 0, alloc = 0, w = 0;

	for (int lang = 0; lang < 2; lang++)
		for (int k = 0; k < OB_DEMO_KINDS; k++) {
			const struct demo_style *st = &demo_styles[lang][k];
			for (int i = 0; i < N_SEX; i++)
				add_label(&v, &n, &alloc, "sexo", st->sex[i], demo_sex_code[i]);
			for (int i = 0; i < N_MECH; i++)
				add_label(&v, &n, &alloc, "arma", st->mech[i], demo_mech_code[i]);
			for (int i = 0; i < N_PLACE; i++)
				add_label(&v, &n, &alloc, "lugar", st->place[i], demo_place_code[i]);
			for (int i = 0; i < N_REL; i++)
				add_label(&v, &n, &alloc, "relacion", st->rel[i], demo_rel_code[i]);
			for (int i = 0; i < N_CTX; i++)
				add_label(&v, &n, &alloc, "contexto", st->ctx[i], demo_ctx_code[i]);
			for (int i = 0; i < N_MANNER; i++)
				add_label(&v, &n, &alloc, "manera", st->manner[i], demo_manner_code[i]);
		}
	for (int ci = 0; ci < DEMO_COUNTRIES; ci++) {
		const struct demo_country *c = &demo_countries[ci];
		const char *cw = c->category_crosswalk;

		add_label(&v, &n, &alloc, cw, c->police_homicide, "0101");
		add_label(&v, &n, &alloc, cw, c->prosecutor_labels[0], "0101");
		add_label(&v, &n, &alloc, cw, c->prosecutor_labels[1], "0101");
		if (c->femicide_year <= OB_DEMO_YEAR_TO) {
			add_label(&v, &n, &alloc, cw, c->femicide_label, "0101");
			add_label(&v, &n, &alloc, cw, c->prosecutor_femicide, "0101");
		}
		for (int i = 0; i < N_CRIME; i++)
			if (records_crime(c, i))
				add_label(&v, &n, &alloc, cw, c->crime_label[i], demo_crime_iccs[i]);
	}
	qsort(v, n, sizeof(*v), label_cmp);
	for (size_t i = 0; i < n; i++)
		if (!w || label_cmp(&v[w - 1], &v[i]))
			v[w++] = v[i];
	*out = v;
	return w;
}
