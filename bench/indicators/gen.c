/* gen.c - bench tool: fills an observatory's store with synthetic records. */
#include "base/common.h"

/*
 * usage: gen DIR RECORDS [FIRST_YEAR LAST_YEAR]
 *
 * DIR is an observatory made by "observa init" (its catalogue loaded). For
 * each country of the catalogue, a forensic source (<iso3>-iml, deaths) and
 * a police source (<iso3>-pnc, reported crimes) deliver one submission per
 * year; the last year is delivered from January to June only, so that
 * coverage flags appear. RECORDS records are spread over the lowest-level
 * units in proportion to their population, with categories, manners,
 * weapons, places, relationships, ages and times of day drawn from fixed
 * distributions (deterministic: the same arguments give the same store).
 * Written straight into the store with SQLite, in one transaction: this is
 * a stand-in for "observa demo" at scale, not a model of real crime.
 */

#include <sqlite3.h>

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

struct choice {
	const char *v;
	int weight;
};

static const char *draw(const struct choice *c)
{
	int total = 0, x;

	for (const struct choice *p = c; p->weight; p++)
		total += p->weight;
	x = (int)rnd((uint32_t)total);
	for (const struct choice *p = c; p->weight; p++) {
		if (x < p->weight)
			return p->v;
		x -= p->weight;
	}
	return NULL;
}

static const struct choice forensic_cat[] = {
	{ "0101", 55 }, { "0103", 10 }, { "010321", 15 }, { "0104", 1 }, { NULL, 19 }, { NULL, 0 },
};
static const struct choice police_cat[] = {
	{ "0401", 18 }, { "04011", 6 }, { "04012", 3 }, { "0502", 16 }, { "050211", 5 },
	{ "05022", 4 }, { "0501", 6 }, { "02051", 5 }, { "020221", 1 }, { "02011", 8 },
	{ "020111", 4 }, { "020112", 5 }, { "0201", 6 }, { "02012", 3 }, { "0301", 1 },
	{ "03011", 2 }, { "030113", 1 }, { "03012", 1 }, { "X01", 3 }, { "0101", 2 }, { "0102", 1 },
	{ "0601", 2 }, { NULL, 1 }, { NULL, 0 },
};
static const struct choice manners[] = {
	{ "homicide", 50 }, { "suicide", 12 }, { "accident", 25 }, { "undetermined", 8 },
	{ "legal_intervention", 1 }, { "unknown", 2 }, { NULL, 2 }, { NULL, 0 },
};
static const struct choice sexes[] = { { "M", 70 }, { "F", 26 }, { "U", 4 }, { NULL, 0 } };
static const struct choice mechanisms[] = {
	{ "firearm", 45 }, { "sharp", 20 }, { "blunt", 8 }, { "strangulation", 3 }, { "other", 4 },
	{ "unknown", 10 }, { NULL, 10 }, { NULL, 0 },
};
static const struct choice places[] = {
	{ "public_road", 45 }, { "dwelling", 20 }, { "commercial", 8 }, { "rural", 7 },
	{ "transport", 4 }, { "other", 4 }, { "unknown", 6 }, { NULL, 6 }, { NULL, 0 },
};
static const struct choice relationships[] = {
	{ "stranger", 30 }, { "acquaintance", 15 }, { "intimate_partner", 6 }, { "family", 6 },
	{ "unknown", 20 }, { NULL, 23 }, { NULL, 0 },
};
static const struct choice contexts[] = {
	{ "gang", 20 }, { "robbery", 10 }, { "interpersonal", 15 }, { "intimate", 5 },
	{ "organized_crime", 5 }, { "unknown", 20 }, { NULL, 25 }, { NULL, 0 },
};

struct unit {
	char code[16];
	char country[8];
	double weight; /* cumulative */
};

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "gen: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(db, sql);
}

static void bind_opt(sqlite3_stmt *q, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, i);
}

int main(int argc, char **argv)
{
	char path[OB_MAX_PATH], countries[16][8];
	long long n, y0 = 2015, y1 = 2024;
	struct unit *units = NULL;
	size_t nu = 0, cap = 0, nc = 0;
	long long *subs;
	sqlite3 *db;
	sqlite3_stmt *q, *ins;
	double total = 0;

	if (argc < 3 || !ob_parse_int(argv[2], strlen(argv[2]), 1, 2000000000LL, &n) ||
	    (argc > 4 && (!ob_parse_int(argv[3], strlen(argv[3]), OB_MIN_YEAR, OB_MAX_YEAR, &y0) ||
	                  !ob_parse_int(argv[4], strlen(argv[4]), y0, OB_MAX_YEAR, &y1)))) {
		fprintf(stderr, "usage: gen DIR RECORDS [FIRST_YEAR LAST_YEAR]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/observa.db", argv[1]);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die(db, path);
	exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144");
	/* the lowest-level units in force, weighted by population */
	if (sqlite3_prepare_v2(db,
	                       "WITH deepest AS (SELECT country, max(level) AS lvl FROM territory"
	                       " GROUP BY country) SELECT t.code, t.country, coalesce(p.population, 1000)"
	                       " FROM territory t JOIN deepest d ON d.country = t.country AND"
	                       " t.level = d.lvl LEFT JOIN population p ON p.territory = t.code AND"
	                       " p.year = 2020 AND p.sex = 'T' WHERE t.valid_to IS NULL OR"
	                       " t.valid_to > '2024-12-31' ORDER BY t.code", -1, &q, NULL) != SQLITE_OK)
		die(db, "units");
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (nu == cap) {
			cap = cap ? cap * 2 : 1024;
			units = ob_realloc(units, cap * sizeof(*units));
		}
		ob_strlcpy(units[nu].code, (const char *)sqlite3_column_text(q, 0), 16);
		ob_strlcpy(units[nu].country, (const char *)sqlite3_column_text(q, 1), 8);
		total += sqlite3_column_double(q, 2);
		units[nu].weight = total;
		if (!nc || strcmp(countries[nc - 1], units[nu].country)) {
			bool seen = false;
			for (size_t i = 0; i < nc; i++)
				seen = seen || !strcmp(countries[i], units[nu].country);
			if (!seen && nc < 16)
				ob_strlcpy(countries[nc++], units[nu].country, 8);
		}
		nu++;
	}
	sqlite3_finalize(q);
	if (!nu) {
		fprintf(stderr, "gen: no territories: run observa init first\n");
		return 1;
	}
	exec(db, "BEGIN");
	/* submissions: [country][forensic/police][year] */
	subs = ob_calloc(nc * 2 * (size_t)(y1 - y0 + 1), sizeof(long long));
	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO submission(source, file_name, sha256, period_from,"
	                       " period_to, rows_read, accepted, rejected, warned, ingested_at,"
	                       " version, observa_version, institution, country) VALUES(?1, ?2, ?3,"
	                       " ?4, ?5, 0, 0, 0, 0, '2025-01-01T00:00:00Z', 1, 'bench', ?6, ?7)",
	                       -1, &q, NULL) != SQLITE_OK)
		die(db, "submission");
	for (size_t c = 0; c < nc; c++)
		for (int k = 0; k < 2; k++)
			for (long long y = y0; y <= y1; y++) {
				char src[32], file[64], sha[80], from[16], to[16];
				snprintf(src, sizeof(src), "%c%c%c-%s", countries[c][0] | 0x20,
				         countries[c][1] | 0x20, countries[c][2] | 0x20, k ? "pnc" : "iml");
				snprintf(file, sizeof(file), "%s-%lld.csv", src, y);
				snprintf(sha, sizeof(sha), "bench-%s-%lld", src, y);
				snprintf(from, sizeof(from), "%lld-01-01", y);
				snprintf(to, sizeof(to), "%lld-%s", y, y == y1 ? "06-30" : "12-31");
				sqlite3_bind_text(q, 1, src, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text(q, 2, file, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text(q, 3, sha, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text(q, 4, from, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text(q, 5, to, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text(q, 6, k ? "police" : "forensic", -1, SQLITE_STATIC);
				sqlite3_bind_text(q, 7, countries[c], -1, SQLITE_STATIC);
				if (sqlite3_step(q) != SQLITE_DONE)
					die(db, "submission");
				sqlite3_reset(q);
				subs[(c * 2 + (size_t)k) * (size_t)(y1 - y0 + 1) + (size_t)(y - y0)] =
					sqlite3_last_insert_rowid(db);
			}
	sqlite3_finalize(q);
	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO record(submission, source, source_id, line, occurred_on,"
	                       " precision, occurred_at, territory, category, manner, victim_sex,"
	                       " victim_age, mechanism, place, relationship, context) VALUES(?1, ?2,"
	                       " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
	                       -1, &ins, NULL) != SQLITE_OK)
		die(db, "record");
	for (long long i = 0; i < n; i++) {
		double w = (double)rnd(1u << 30) / (double)(1u << 30) * total;
		size_t lo = 0, hi = nu - 1, c;
		bool forensic = rnd(100) < 30;
		long long y = y0 + (long long)rnd((uint32_t)(y1 - y0 + 1));
		int m = 1 + (int)rnd(y == y1 ? 6 : 12), day = 1 + (int)rnd(28), p = (int)rnd(100);
		char id[32], date[16], tm[16], src[32];
		const char *cat, *manner;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (units[mid].weight < w)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (c = 0; c < nc && strcmp(countries[c], units[lo].country); c++)
			;
		snprintf(src, sizeof(src), "%c%c%c-%s", countries[c][0] | 0x20, countries[c][1] | 0x20,
		         countries[c][2] | 0x20, forensic ? "iml" : "pnc");
		snprintf(id, sizeof(id), "R%lld", i);
		if (p < 92)
			snprintf(date, sizeof(date), "%04lld-%02d-%02d", y, m, day);
		else if (p < 98)
			snprintf(date, sizeof(date), "%04lld-%02d", y, m);
		else
			snprintf(date, sizeof(date), "%04lld", y);
		snprintf(tm, sizeof(tm), "%02d:%02d:00", (int)rnd(24), (int)rnd(60));
		cat = draw(forensic ? forensic_cat : police_cat);
		manner = forensic ? draw(manners) : cat && !strcmp(cat, "0101") ? "homicide" : NULL;
		if (forensic && manner && strcmp(manner, "homicide") && cat && !strcmp(cat, "0101"))
			cat = NULL; /* a death that was not a homicide */
		sqlite3_bind_int64(ins, 1, subs[(c * 2 + (forensic ? 0 : 1)) * (size_t)(y1 - y0 + 1) +
		                                (size_t)(y - y0)]);
		sqlite3_bind_text(ins, 2, src, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 3, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 4, i + 2);
		sqlite3_bind_text(ins, 5, date, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 6, p < 92 ? "day" : p < 98 ? "month" : "year", -1, SQLITE_STATIC);
		if (rnd(10) < 8)
			sqlite3_bind_text(ins, 7, tm, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins, 7);
		sqlite3_bind_text(ins, 8, units[lo].code, -1, SQLITE_STATIC);
		bind_opt(ins, 9, cat);
		bind_opt(ins, 10, manner);
		bind_opt(ins, 11, draw(sexes));
		if (rnd(10))
			sqlite3_bind_int(ins, 12, (int)rnd(90));
		else
			sqlite3_bind_null(ins, 12);
		bind_opt(ins, 13, draw(mechanisms));
		bind_opt(ins, 14, draw(places));
		bind_opt(ins, 15, draw(relationships));
		bind_opt(ins, 16, draw(contexts));
		if (sqlite3_step(ins) != SQLITE_DONE)
			die(db, "record");
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	exec(db, "UPDATE submission SET rows_read = (SELECT count(*) FROM record r WHERE"
	         " r.submission = submission.id), accepted = (SELECT count(*) FROM record r WHERE"
	         " r.submission = submission.id)");
	exec(db, "COMMIT");
	sqlite3_close(db);
	free(subs);
	free(units);
	return 0;
}
