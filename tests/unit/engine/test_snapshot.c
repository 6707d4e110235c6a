/* test_snapshot.c - the columnar snapshot: round trip against the store,
 * coverage, staleness, and refusal of damaged or foreign files. */
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "efixture.h"
#include "engine/snapshot.h"

static struct efix fx;

static int setup(void **state)
{
	(void)state;
	efix_open(&fx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	efix_close(&fx);
	return 0;
}

static struct ob_snapshot *build_open(void)
{
	struct ob_snapshot *s = NULL;
	struct ob_diag d;

	ob_diag_clear(&d);
	if (ob_snapshot_build(fx.st, fx.dir, &d))
		fail_msg("build: %s", d.message);
	if (ob_snapshot_open(fx.dir, &s, &d))
		fail_msg("open: %s", d.message);
	return s;
}

/* A record as the store has it, with where the snapshot should put it. */
struct row {
	char f[14][24];
	bool null[14];
	uint32_t unit, year, src;
	size_t pos;
};

/* The snapshot's order: territory, year, source, then as stored. */
static int by_unit(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Every current record, field by field, as the store has it, in the
 * snapshot's order: by territory, year and source, then as stored. */
static void round_trip(void **state)
{
	struct ob_snapshot *s = build_open();
	sqlite3_stmt *q;
	struct ob_diag d;
	struct row *rows;
	size_t n = 0;
	(void)state;

	assert_int_equal(s->n, (uint64_t)efix_count(fx.st,
	                 "SELECT count(*) FROM record r JOIN submission s ON s.id = r.submission"
	                 " WHERE s.superseded_by IS NULL"));
	assert_true(s->n > 10000);
	rows = ob_calloc(s->n, sizeof(*rows));
	assert_int_equal(ob_store_prepare(fx.st,
	                 "SELECT r.territory, r.occurred_on, r.precision, r.occurred_at, r.victim_sex,"
	                 " r.victim_age, r.category, r.manner, r.mechanism, r.place, r.relationship,"
	                 " r.context, r.source, s.country FROM record r JOIN submission s"
	                 " ON s.id = r.submission WHERE s.superseded_by IS NULL ORDER BY r.id", &q, &d),
	                 OB_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct row *w = &rows[n];
		assert_true(n < s->n);
		for (int c = 0; c < 14; c++) {
			w->null[c] = sqlite3_column_type(q, c) == SQLITE_NULL;
			if (!w->null[c])
				ob_strlcpy(w->f[c], (const char *)sqlite3_column_text(q, c), sizeof(w->f[c]));
		}
		w->pos = n;
		w->unit = UINT32_MAX;
		for (uint32_t u = 0; u < s->n_units; u++)
			if (!strcmp(ob_snap_str(s, s->units[u].code), w->null[0] ? w->f[13] : w->f[0]))
				w->unit = u;
		assert_true(w->unit != UINT32_MAX);
		w->year = w->null[1] ? 0 : (uint32_t)strtol(w->f[1], NULL, 10);
		w->src = UINT32_MAX;
		for (uint32_t k = 0; k < s->n_sources; k++)
			if (!strcmp(ob_snap_str(s, s->sources[k].code), w->f[12]))
				w->src = k;
		assert_true(w->src != UINT32_MAX);
		n++;
	}
	sqlite3_finalize(q);
	assert_int_equal(n, s->n);
	qsort(rows, n, sizeof(*rows), by_unit);
	for (uint64_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];
		const char *on = w->f[1], *prec = w->f[2];
		int y = (on[0] - '0') * 1000 + (on[1] - '0') * 100 + (on[2] - '0') * 10 + (on[3] - '0');
		int m = 0, day = 0;

		assert_int_equal(s->territory[i], w->unit);
		if (strcmp(prec, "year"))
			m = (on[5] - '0') * 10 + (on[6] - '0');
		if (!strcmp(prec, "day"))
			day = (on[8] - '0') * 10 + (on[9] - '0');
		assert_int_equal(s->year[i], y);
		assert_int_equal(s->month[i], m);
		assert_int_equal(s->day[i], day);
		if (!w->null[3])
			assert_int_equal(s->hour[i], (w->f[3][0] - '0') * 10 + (w->f[3][1] - '0'));
		else
			assert_int_equal(s->hour[i], OB_SNAP_HOUR_UNKNOWN);
		assert_int_equal(s->sex[i], w->f[4][0] == 'F' ? OB_SNAP_SEX_F
		                            : w->f[4][0] == 'M' ? OB_SNAP_SEX_M : OB_SNAP_SEX_U);
		if (w->null[5])
			assert_int_equal(s->age[i], OB_SNAP_AGE_UNKNOWN);
		else
			assert_int_equal(s->age[i], strtol(w->f[5], NULL, 10));
		assert_string_equal(ob_snap_str(s, s->categories[s->category[i]].code),
		                    w->null[6] ? "" : w->f[6]);
		for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
			assert_string_equal(ob_snap_str(s, s->tags[dim][s->tag[dim][i]]),
			                    w->null[7 + dim] ? "unknown" : w->f[7 + dim]);
		assert_string_equal(ob_snap_str(s, s->sources[s->source[i]].code), w->f[12]);
		if (i)
			assert_true(s->territory[i - 1] < s->territory[i] ||
			            (s->territory[i - 1] == s->territory[i] &&
			             s->year[i - 1] <= s->year[i]));
	}
	free(rows);
	ob_snapshot_close(s);
}

/* Dictionaries: parents, institutions, a code the catalogue lacks. */
static void dictionaries(void **state)
{
	struct ob_snapshot *s = build_open();
	bool found = false;
	(void)state;

	assert_int_equal(s->n_units, (uint32_t)efix_count(fx.st, "SELECT count(*) FROM territory"));
	for (uint32_t u = 0; u < s->n_units; u++) {
		const struct ob_snap_unit *x = &s->units[u];
		if (!strcmp(ob_snap_str(s, x->code), "SLV0614")) {
			assert_int_equal(x->level, 2);
			assert_string_equal(ob_snap_str(s, s->units[x->parent].code), "SLV06");
			assert_string_equal(ob_snap_str(s, s->units[s->units[x->parent].parent].code), "SLV");
			assert_string_equal(ob_snap_str(s, s->countries[x->country]), "SLV");
			found = true;
		}
	}
	assert_true(found);
	found = false;
	for (uint32_t c = 0; c < s->n_categories; c++)
		if (!strcmp(ob_snap_str(s, s->categories[c].code), "01019")) {
			/* not in the ICCS file: placed under its longest known prefix */
			assert_string_equal(ob_snap_str(s, s->categories[s->categories[c].parent].code), "0101");
			found = true;
		}
	assert_true(found);
	assert_int_equal(s->n_sources, 3);
	for (uint32_t i = 0; i < s->n_sources; i++) {
		const char *c = ob_snap_str(s, s->sources[i].code);
		assert_int_equal(s->sources[i].institution,
		                 !strcmp(c, "sv-iml") ? OB_INST_FORENSIC : OB_INST_POLICE);
	}
	/* one delivered period per current submission */
	assert_int_equal(s->n_coverage, 4);
	for (uint32_t i = 0; i < s->n_coverage; i++) {
		const struct ob_snap_coverage *c = &s->coverage[i];
		if (!strcmp(ob_snap_str(s, s->sources[c->source].code), "sv-pnc") &&
		    c->from_month == 2021 * 12) {
			assert_int_equal(c->to_month, 2021 * 12 + 5);
			found = false;
		}
	}
	assert_false(found);
	ob_snapshot_close(s);
}

static void write_at(const char *path, long off, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, p, n, off), (ssize_t)n);
	close(fd);
}

static void refuse_and_rebuild(void **state)
{
	struct ob_snapshot *s = build_open();
	char path[OB_MAX_PATH];
	struct ob_diag d;
	struct stat sb;
	uint64_t n = s->n;
	uint32_t v99 = 99;
	unsigned char b;
	bool rebuilt;
	int fd;
	(void)state;

	ob_snapshot_close(s);
	assert_int_equal(ob_snapshot_path(fx.dir, path, sizeof(path)), OB_OK);
	assert_int_equal(stat(path, &sb), 0);

	/* a flipped bit in the columns */
	fd = open(path, O_RDONLY);
	assert_int_equal(pread(fd, &b, 1, sb.st_size / 2), 1);
	close(fd);
	b ^= 0x10;
	write_at(path, sb.st_size / 2, &b, 1);
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ECORRUPT);
	assert_null(s);
	assert_non_null(strstr(d.message, "dañada"));
	/* load rebuilds it */
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	assert_true(rebuilt);
	assert_int_equal(s->n, n);
	ob_snapshot_close(s);

	/* truncated */
	assert_int_equal(truncate(path, sb.st_size - 100), 0);
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ECORRUPT);
	assert_int_equal(truncate(path, 5), 0);
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ECORRUPT);

	/* another version of the format */
	s = build_open();
	ob_snapshot_close(s);
	write_at(path, 8, &v99, sizeof(v99));
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ESCHEMA);
	assert_non_null(strstr(d.message, "formato 99"));
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	assert_true(rebuilt);
	ob_snapshot_close(s);

	/* not a snapshot at all */
	write_at(path, 0, "PK\003\004", 4);
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ECORRUPT);

	/* gone */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ob_snapshot_open(fx.dir, &s, &d), OB_ENOENT);
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	assert_true(rebuilt);
	ob_snapshot_close(s);
}

/* A change to the store makes the snapshot stale; an unchanged store does
 * not; the build leaves no temporary file. */
static void stamp_and_swap(void **state)
{
	char a[OB_SNAPSHOT_STAMP], b[OB_SNAPSHOT_STAMP], dir[OB_MAX_PATH];
	struct ob_snapshot *s;
	struct ob_diag d;
	struct dirent *e;
	bool rebuilt;
	DIR *dh;
	int files = 0;
	(void)state;

	assert_int_equal(ob_snapshot_stamp(fx.st, a, &d), OB_OK);
	assert_int_equal(ob_snapshot_stamp(fx.st, b, &d), OB_OK);
	assert_string_equal(a, b);
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	ob_snapshot_close(s);
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	assert_false(rebuilt);
	ob_snapshot_close(s);
	efix_exec(fx.st, "UPDATE territory SET name = 'Otro nombre' WHERE code = 'SLV0614'");
	assert_int_equal(ob_snapshot_stamp(fx.st, b, &d), OB_OK);
	assert_string_not_equal(a, b);
	assert_int_equal(ob_snapshot_load(fx.st, fx.dir, &s, &rebuilt, &d), OB_OK);
	assert_true(rebuilt);
	ob_snapshot_close(s);
	efix_exec(fx.st, "UPDATE territory SET name = 'San Salvador' WHERE code = 'SLV0614'");
	assert_int_equal(ob_snapshot_stamp(fx.st, b, &d), OB_OK);
	assert_string_equal(a, b);

	snprintf(dir, sizeof(dir), "%s/%s", fx.dir, OB_SNAPSHOT_DIR);
	dh = opendir(dir);
	assert_non_null(dh);
	while ((e = readdir(dh)))
		if (e->d_name[0] != '.') {
			assert_string_equal(e->d_name, OB_SNAPSHOT_FILE);
			files++;
		}
	closedir(dh);
	assert_int_equal(files, 1);
}

/* An empty store gives an empty, valid snapshot. */
static void empty_store(void **state)
{
	struct ob_store *st;
	struct ob_snapshot *s;
	struct ob_diag d;
	char dir[] = "/tmp/observa-snap-empty-XXXXXX", cmd[128];
	(void)state;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(ob_store_open(dir, OB_STORE_CREATE, &st, &d), OB_OK);
	assert_int_equal(ob_snapshot_build(st, dir, &d), OB_OK);
	assert_int_equal(ob_snapshot_open(dir, &s, &d), OB_OK);
	assert_int_equal(s->n, 0);
	assert_int_equal(s->n_coverage, 0);
	ob_snapshot_close(s);
	ob_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(dictionaries),
		cmocka_unit_test(refuse_and_rebuild),
		cmocka_unit_test(stamp_and_swap),
		cmocka_unit_test(empty_store),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
