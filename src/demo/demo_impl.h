/*
 * demo_impl.h - what the pieces of the demo generator share (internal).
 *
 * demo.c drives the generation and keeps the plan; demo_world.c reads the
 * territories and population of the store; demo_deaths.c draws the deaths of
 * a country-year; demo_record.c turns a death into an institution's record;
 * demo_files.c writes the homicide files; demo_crimes.c the reported crimes;
 * demo_calendar.c and demo_text.c are the calendar, the spellings and the
 * buffered output they all use. Nothing here is part of the public API
 * (demo/demo.h).
 *
 * Ownership: a struct gen owns its territories, population rows, plan keys
 * and the ground-truth output; a struct cy owns its segments and deaths; a
 * struct out owns its buffer and stream until demo_out_close() or
 * demo_out_abandon().
 */
#ifndef OB_DEMO_IMPL_H
#define OB_DEMO_IMPL_H

#include "demo/demo.h"

#include <limits.h>

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

/* How a territory name is written: as is, in capitals, without accents, both, or as one
 * of its aliases. */
enum { NV_ASIS, NV_UPPER, NV_PLAIN, NV_UPPER_PLAIN, NV_ALIAS };

/* Buffered output, written in large blocks (demo_text.c). */
struct out {
	FILE *f;
	char *buf;
	size_t len, cap;
	bool cp1252;     /* convert UTF-8 to Windows-1252 when flushing */
	const char *eol;
	bool failed;
	char path[OB_MAX_PATH];
};

void demo_out_flush(struct out *o);

static inline void out_mem(struct out *o, const char *p, size_t n)
{
	if (o->len + n > o->cap) {
		demo_out_flush(o);
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

/* What the store says about territories and population (demo_world.c). */
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

/* Deaths (demo_deaths.c). */
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

/* Records as each institution writes them (demo_record.c, demo_files.c). */
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

/* demo_calendar.c */
long demo_civil_days(int y, int m, int d);
void demo_civil_from(long days, int *y, int *m, int *d);
bool demo_parse_iso(const char *s, long *out);
int demo_weekday(long days);

/* demo_text.c */
size_t demo_spell(char *out, size_t cap, size_t len, const char *s, bool upper, bool plain);
void demo_fold(const char *s, char *out, size_t cap);
bool demo_all_digits(const char *s);
ob_err demo_out_open(struct out *o, const char *path, bool cp1252, const char *eol,
                     struct ob_diag *d);
void demo_out_uint(struct out *o, unsigned long v, int width);
void demo_out_eol(struct out *o);
void demo_out_field(struct out *o, const char *s, char delim);
ob_err demo_out_close(struct out *o, struct ob_diag *d);
void demo_out_abandon(struct out *o);

/* demo_world.c */
ob_err demo_load_territories(struct gen *g, struct ob_store *s);
ob_err demo_load_aliases(struct gen *g, struct ob_store *s);
ob_err demo_load_population(struct gen *g, struct ob_store *s);
double demo_terr_pop(const struct gen *g, size_t i, int year, int depth);
bool demo_valid_on(const struct terr *t, long day);
double demo_hunif(uint64_t seed, const char *tag, uint64_t a, uint64_t b);
uint64_t demo_str_hash(const char *s);
bool demo_is_unit(const struct terr *t);
void demo_assign_risks(struct gen *g);

/* demo_inputs.c: the made-up risk factors DIR/catalog/inputs/demo_*.csv */
ob_err demo_write_inputs(struct gen *g, const char *dir, struct ob_diag *d);
void demo_choose_fakes(struct gen *g);

/* demo.c */
size_t demo_plan_add_file(struct gen *g, const struct demo_source *src, int ci, int year,
                          enum ob_demo_kind kind, const char *path, int delivery,
                          int correction);

/* demo_deaths.c */
void demo_free_segments(struct cy *cy);
void demo_build_segments(struct cy *cy);
int demo_draw_minute(struct ob_rng *r, const double *hours);
int demo_draw_age(struct ob_rng *r, bool female);
double demo_expected_deaths(struct cy *cy, const struct ob_demo_target *t);
void demo_generate_deaths(struct cy *cy, double expected);
void demo_assign_sources(struct cy *cy);

/* demo_record.c */
void demo_format_id(char *out, size_t size, enum ob_demo_kind kind, const char *prefix,
                    int year, long serial, bool bad);
int demo_name_variant(struct ob_rng *r, bool upper_police, bool has_alias);
int demo_parent_variant(struct ob_rng *r, bool upper_police);
void demo_make_record(struct file *f, const struct death *d, struct rec *rc);

/* demo_files.c */
void demo_write_row(struct file *f, const struct rec *rc);
void demo_write_head(struct file *f);
bool demo_records_crime(const struct demo_country *c, int type);
ob_err demo_open_file(struct file *f, struct cy *cy, enum ob_demo_kind kind,
                      const char *suffix, bool prelim, bool final, int delivery,
                      int correction);
ob_err demo_close_file(struct file *f);
void demo_maybe_bad(struct file *f);
ob_err demo_write_homicide_file(struct cy *cy, enum ob_demo_kind kind);

/* demo_crimes.c */
ob_err demo_write_crimes(struct cy *cy);

#endif
