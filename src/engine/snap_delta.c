/*
 * snap_delta.c - incremental snapshots: a delivery visible to queries in
 * time proportional to the delivery, not to the observatory.
 *
 * A full build (snap_write.c) reads every current record of the store and
 * rewrites DIR/snapshot/records.obs, the base. When the store has only
 * gained deliveries since (its stamp differs in the submissions counted,
 * not in the hash of supersessions and catalogue), ob_snapshot_update()
 * writes instead a delta segment, DIR/snapshot/delta-S.obs (S the highest
 * submission id it covers): a snapshot file of the same format holding the
 * dictionaries as a full build would make them now and only the records of
 * the submissions above the previous state's. The dictionaries of a full
 * build depend on the catalogue, on the current submissions in id order and
 * on the codes the catalogue lacks in record order; with the catalogue and
 * the supersessions unchanged, the new ones are the old ones with entries
 * appended, which is checked entry by entry (anything else is a full
 * build).
 *
 * DIR/snapshot/deltas lists the segments in order with the stamp of the
 * base they apply to, the sort mode of the base (snap_impl.h) and the years
 * present (so that a writer need not read the columns to know them); it is
 * written to a temporary file, synced and renamed, after the segment it
 * names. ob_snapshot_open() maps the base, then the listed segments, and
 * merges their columns in memory into the order a full build gives (by the
 * sort key, then by record order: a segment's records all come after the
 * base's and the earlier segments'), so that every reader of the snapshot
 * (analyser, indicators, completeness, situation, alerts, releases) reads
 * one snapshot with the answers of a full build. Records of a delivery
 * that supersedes another are not masked: a supersession changes the
 * stamp's hash and makes a full build.
 *
 * Crash safety: a segment not yet listed is ignored; a list naming a base
 * other than records.obs (a full build crashed before dropping the list)
 * is ignored; a full build replaces the base, then removes the list, then
 * the segments. At OB_MAX_SNAPSHOT_DELTAS segments the next update is a
 * full build, and so is "observa snapshot".
 *
 * Cost: writing a segment reads the catalogue and the logbook (as a full
 * build does) and the new records only; opening pays one pass copying the
 * base's columns beside the segments' (about a memory copy of 21 bytes per
 * record), on top of the checksum pass it already made, and the merged
 * columns are the process's own memory rather than a mapping of the file
 * shared with other readers. See docs/incremental-snapshot.md.
 */
#include "engine/snap_impl.h"

#include <dirent.h>
#include <limits.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"

#define DELTA_LIST "deltas"
#define DELTA_MAGIC "observa-deltas 1"
#define DELTA_PREFIX "delta-"
#define DELTA_SUFFIX ".obs"

/* Longest segment file name: "delta-" and a submission id. */
#define DELTA_NAME 48

/* The values of the year column: 0 (unknown) and OB_MIN_YEAR..OB_MAX_YEAR. */
#define DELTA_YEARS (OB_MAX_YEAR - OB_MIN_YEAR + 2)

/* Largest list: a header, the base, the mode, the years present (5 bytes
 * each) and a line per segment. */
#define DELTA_LIST_MAX \
	(256 + DELTA_YEARS * 5 + OB_MAX_SNAPSHOT_DELTAS * (DELTA_NAME + OB_SNAPSHOT_STAMP + 16))

struct delta_list {
	char base[OB_SNAPSHOT_STAMP];
	int mode;
	bool years[DELTA_YEARS]; /* the years present in base and deltas: [0]
	                            unknown, [1 + y - OB_MIN_YEAR] year y */
	bool has_years;
	int n;
	char name[OB_MAX_SNAPSHOT_DELTAS][DELTA_NAME];
	char stamp[OB_MAX_SNAPSHOT_DELTAS][OB_SNAPSHOT_STAMP];
};

static ob_err list_corrupt(struct ob_diag *d, const char *path, int line, const char *why)
{
	return ob_diag_set(d, OB_ECORRUPT, path, line, 0, NULL, 0, "%s: %s",
	                   OB_TR("lista de deltas dañada", "damaged list of deltas"), why);
}

static bool copy_field(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

/* DIR/snapshot/deltas into *l: OB_ENOENT when there is none. */
static ob_err list_read(const char *dir, struct delta_list *l, struct ob_diag *d)
{
	char path[OB_MAX_PATH], text[DELTA_LIST_MAX + 1];
	const char *p, *end;
	ssize_t got;
	int fd, line = 0, ended = 0;

	memset(l, 0, sizeof(*l));
	l->mode = -1;
	if (snprintf(path, sizeof(path), "%s/%s/%s", dir, OB_SNAPSHOT_DIR, DELTA_LIST) >=
	    (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? OB_ENOENT
		                       : ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "%s",
		                                     strerror(errno));
	got = read(fd, text, sizeof(text));
	close(fd);
	if (got < 0)
		return ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "%s", strerror(errno));
	if ((size_t)got > DELTA_LIST_MAX)
		return list_corrupt(d, path, 0, OB_TR("demasiado larga", "too long"));
	end = text + got;
	for (p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *tab, *tab2;
		size_t n;

		line++;
		if (!nl)
			return list_corrupt(d, path, line, OB_TR("línea sin terminar", "unterminated line"));
		n = (size_t)(nl - p);
		tab = memchr(p, '\t', n);
		if (line == 1) {
			if (n != strlen(DELTA_MAGIC) || memcmp(p, DELTA_MAGIC, n))
				return list_corrupt(d, path, line,
				                    OB_TR("se esperaba «" DELTA_MAGIC "»",
				                          "expected «" DELTA_MAGIC "»"));
		} else if (ended) {
			return list_corrupt(d, path, line, OB_TR("texto tras «end»", "text after «end»"));
		} else if (tab && tab - p == 4 && !memcmp(p, "base", 4)) {
			if (!copy_field(l->base, sizeof(l->base), tab + 1, (size_t)(nl - tab - 1)))
				return list_corrupt(d, path, line, OB_TR("sello demasiado largo", "stamp too long"));
		} else if (tab && tab - p == 4 && !memcmp(p, "mode", 4)) {
			if (nl - tab != 2 || tab[1] < '0' || tab[1] > '2')
				return list_corrupt(d, path, line, OB_TR("se esperaba 0, 1 o 2", "expected 0, 1 or 2"));
			l->mode = tab[1] - '0';
		} else if (tab && tab - p == 5 && !memcmp(p, "years", 5)) {
			const char *y = tab + 1;

			while (y < nl) {
				const char *sp = memchr(y, ' ', (size_t)(nl - y));
				const char *ye = sp ? sp : nl;
				long long v;

				if (!ob_parse_int(y, (size_t)(ye - y), 0, OB_MAX_YEAR, &v) ||
				    (v && v < OB_MIN_YEAR))
					return list_corrupt(d, path, line,
					                    OB_TR("se esperaban años", "expected years"));
				l->years[v ? 1 + v - OB_MIN_YEAR : 0] = true;
				y = ye + 1;
			}
			l->has_years = true;
		} else if (tab && tab - p == 5 && !memcmp(p, "delta", 5)) {
			tab2 = memchr(tab + 1, '\t', (size_t)(nl - tab - 1));
			if (l->n >= OB_MAX_SNAPSHOT_DELTAS)
				return list_corrupt(d, path, line, OB_TR("demasiados deltas", "too many deltas"));
			if (!tab2 ||
			    !copy_field(l->name[l->n], DELTA_NAME, tab + 1, (size_t)(tab2 - tab - 1)) ||
			    !copy_field(l->stamp[l->n], OB_SNAPSHOT_STAMP, tab2 + 1,
			                (size_t)(nl - tab2 - 1)) ||
			    strncmp(l->name[l->n], DELTA_PREFIX, strlen(DELTA_PREFIX)) ||
			    strchr(l->name[l->n], '/'))
				return list_corrupt(d, path, line,
				                    OB_TR("se esperaba «delta NOMBRE SELLO»",
				                          "expected «delta NAME STAMP»"));
			l->n++;
		} else if (tab && tab - p == 3 && !memcmp(p, "end", 3)) {
			long long v;

			if (!ob_parse_int(tab + 1, (size_t)(nl - tab - 1), 0, OB_MAX_SNAPSHOT_DELTAS, &v) ||
			    v != l->n)
				return list_corrupt(d, path, line,
				                    OB_TR("número de deltas distinto", "wrong number of deltas"));
			ended = 1;
		} else {
			return list_corrupt(d, path, line, OB_TR("línea inesperada", "unexpected line"));
		}
		p = nl + 1;
	}
	if (!ended || !l->base[0] || l->mode < 0 || !l->has_years)
		return list_corrupt(d, path, line, OB_TR("incompleta", "incomplete"));
	return OB_OK;
}

static void sync_dir(const char *sdir)
{
	int fd = open(sdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* *l as DIR/snapshot/deltas: a temporary file synced and renamed over it. */
static ob_err list_write(const char *dir, const struct delta_list *l, struct ob_diag *d)
{
	char sdir[OB_MAX_PATH], path[OB_MAX_PATH], tmp[OB_MAX_PATH + 32];
	struct ob_buf t;
	ob_err e = OB_OK;
	int fd;

	if (snprintf(sdir, sizeof(sdir), "%s/%s", dir, OB_SNAPSHOT_DIR) >= (int)sizeof(sdir) ||
	    snprintf(path, sizeof(path), "%s/%s", sdir, DELTA_LIST) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	ob_buf_init(&t, DELTA_LIST_MAX);
	ob_buf_putf(&t, "%s\nbase\t%s\nmode\t%d\nyears\t", DELTA_MAGIC, l->base, l->mode);
	{
		const char *sep = "";

		for (int y = 0; y < DELTA_YEARS; y++)
			if (l->years[y]) {
				ob_buf_putf(&t, "%s%d", sep, y ? y - 1 + OB_MIN_YEAR : 0);
				sep = " ";
			}
		ob_buf_putc(&t, '\n');
	}
	for (int i = 0; i < l->n; i++)
		ob_buf_putf(&t, "delta\t%s\t%s\n", l->name[i], l->stamp[i]);
	ob_buf_putf(&t, "end\t%d\n", l->n);
	if (t.failed) {
		ob_buf_release(&t);
		return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "lista de deltas demasiado larga",
		               "list of deltas too long");
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		e = OB_DIAG(d, OB_EIO, tmp, 0, 0, NULL, 0, "no se pudo crear: %s",
		            "cannot create: %s", strerror(errno));
		goto release_text;
	}
	if (write(fd, t.ptr, t.len) != (ssize_t)t.len || fsync(fd) != 0)
		e = OB_DIAG(d, OB_EIO, tmp, 0, 0, NULL, 0, "no se pudo escribir: %s",
		            "cannot write: %s", strerror(errno));
	if (close(fd) != 0 && !e)
		e = ob_diag_set(d, OB_EIO, tmp, 0, 0, NULL, 0, "close: %s", strerror(errno));
	if (!e && rename(tmp, path) != 0)
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo reemplazar: %s",
		            "cannot replace: %s", strerror(errno));
	if (e)
		unlink(tmp);
	else
		sync_dir(sdir);
release_text:
	ob_buf_release(&t);
	return e;
}

void ob_si_drop_deltas(const char *dir)
{
	char sdir[OB_MAX_PATH], path[OB_MAX_PATH + DELTA_NAME + 2];
	DIR *dh;
	struct dirent *de;

	if (snprintf(sdir, sizeof(sdir), "%s/%s", dir, OB_SNAPSHOT_DIR) >= (int)sizeof(sdir))
		return;
	snprintf(path, sizeof(path), "%s/%s", sdir, DELTA_LIST);
	if (unlink(path) != 0 && errno != ENOENT)
		return; /* the list stays, naming another base: ignored by readers */
	sync_dir(sdir);
	if (!(dh = opendir(sdir)))
		return;
	while ((de = readdir(dh))) {
		if (strncmp(de->d_name, DELTA_PREFIX, strlen(DELTA_PREFIX)) ||
		    strlen(de->d_name) >= DELTA_NAME)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", sdir, de->d_name) < (int)sizeof(path))
			unlink(path);
	}
	closedir(dh);
}

/* ------------------------------------------------------------------------
 * Merging on open.
 */
#define N16 5
#define N8 (6 + OB_SNAP_DIMS)

/* The columns of a set of records: territory, year, source, category,
 * count; month, day, hour, sex, age, rkey, the tags. */
struct cols {
	uint16_t *c16[N16];
	uint8_t *c8[N8];
	uint64_t n;
};

static void cols_of(const struct ob_snapshot *s, struct cols *c)
{
	c->c16[0] = (uint16_t *)s->territory;
	c->c16[1] = (uint16_t *)s->year;
	c->c16[2] = (uint16_t *)s->source;
	c->c16[3] = (uint16_t *)s->category;
	c->c16[4] = (uint16_t *)s->count;
	c->c8[0] = (uint8_t *)s->month;
	c->c8[1] = (uint8_t *)s->day;
	c->c8[2] = (uint8_t *)s->hour;
	c->c8[3] = (uint8_t *)s->sex;
	c->c8[4] = (uint8_t *)s->age;
	c->c8[5] = (uint8_t *)s->rkey;
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
		c->c8[6 + dim] = (uint8_t *)s->tag[dim];
	c->n = s->n;
}

/* The columns of s become those of c (and its records c's). */
static void cols_set(struct ob_snapshot *s, const struct cols *c)
{
	s->territory = c->c16[0];
	s->year = c->c16[1];
	s->source = c->c16[2];
	s->category = c->c16[3];
	s->count = c->c16[4];
	s->month = c->c8[0];
	s->day = c->c8[1];
	s->hour = c->c8[2];
	s->sex = c->c8[3];
	s->age = c->c8[4];
	s->rkey = c->c8[5];
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
		s->tag[dim] = c->c8[6 + dim];
	s->n = c->n;
}

/* Room for n records' columns in one buffer of ob_si_big_alloc(); NULL
 * when it cannot be had. */
static void *cols_alloc(uint64_t n, struct cols *c, size_t *len)
{
	size_t each = (size_t)(n ? n : 1), off = 0;
	unsigned char *p;

	*len = each * (2 * N16 + N8) + SNAP_ALIGN * (N16 + N8);
	if (!(p = ob_si_big_alloc(*len)))
		return NULL;
	for (int i = 0; i < N16; i++) {
		c->c16[i] = (uint16_t *)(p + off);
		off += (each * 2 + SNAP_ALIGN - 1) & ~(size_t)(SNAP_ALIGN - 1);
	}
	for (int i = 0; i < N8; i++) {
		c->c8[i] = p + off;
		off += (each + SNAP_ALIGN - 1) & ~(size_t)(SNAP_ALIGN - 1);
	}
	c->n = n;
	return p;
}

static inline uint64_t key_at(const struct cols *c, uint64_t i, int mode)
{
	return ob_si_sort_key(mode, c->c16[0][i], c->c16[1][i], c->c16[2][i], c->c16[3][i]);
}

static void copy_rows(const struct cols *from, uint64_t i, uint64_t n, struct cols *to,
                      uint64_t o)
{
	if (!n)
		return;
	for (int k = 0; k < N16; k++)
		memcpy(to->c16[k] + o, from->c16[k] + i, n * 2);
	for (int k = 0; k < N8; k++)
		memcpy(to->c8[k] + o, from->c8[k] + i, n);
}

/*
 * a and b, each in order, into out (a->n + b->n records) in order, a's
 * records before b's among equal keys. Each record of b finds its place in
 * a by binary search and a's records between are copied a column at a time,
 * so that a large a and a small b cost a copy of a.
 */
static void merge2(const struct cols *a, const struct cols *b, struct cols *out, int mode)
{
	uint64_t i = 0, o = 0;

	for (uint64_t j = 0; j < b->n; j++) {
		uint64_t k = key_at(b, j, mode), lo = i, hi = a->n;

		while (lo < hi) {
			uint64_t mid = lo + (hi - lo) / 2;
			if (key_at(a, mid, mode) <= k)
				lo = mid + 1;
			else
				hi = mid;
		}
		copy_rows(a, i, lo - i, out, o);
		o += lo - i;
		i = lo;
		copy_rows(b, j, 1, out, o++);
	}
	copy_rows(a, i, a->n - i, out, o);
}

/* Whether the dictionaries of s extend those of p: every entry of p is in
 * s at the same index with the same code. */
static bool extends(const struct ob_snapshot *p, const struct ob_snapshot *s)
{
	if (s->n_units < p->n_units || s->n_categories < p->n_categories ||
	    s->n_sources < p->n_sources || s->n_countries < p->n_countries ||
	    s->n_age_bands < p->n_age_bands)
		return false;
	for (uint32_t i = 0; i < p->n_units; i++)
		if (strcmp(ob_snap_str(p, p->units[i].code), ob_snap_str(s, s->units[i].code)) ||
		    p->units[i].parent != s->units[i].parent)
			return false;
	for (uint32_t i = 0; i < p->n_categories; i++)
		if (strcmp(ob_snap_str(p, p->categories[i].code),
		           ob_snap_str(s, s->categories[i].code)))
			return false;
	for (uint32_t i = 0; i < p->n_sources; i++)
		if (strcmp(ob_snap_str(p, p->sources[i].code), ob_snap_str(s, s->sources[i].code)))
			return false;
	for (uint32_t i = 0; i < p->n_countries; i++)
		if (strcmp(ob_snap_str(p, p->countries[i]), ob_snap_str(s, s->countries[i])))
			return false;
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
		if (s->n_tags[dim] < p->n_tags[dim])
			return false;
		for (uint32_t i = 0; i < p->n_tags[dim]; i++)
			if (strcmp(ob_snap_str(p, p->tags[dim][i]), ob_snap_str(s, s->tags[dim][i])))
				return false;
	}
	return !memcmp(p->age_bands, s->age_bands, p->n_age_bands * sizeof(*p->age_bands));
}

/*
 * The split form (ob_snapshot_open_lazy): the base keeps its columns in
 * place, lazily checked, and its stored derived structures; it takes the
 * last delta's dictionaries (which extend its own, so that its columns'
 * indices mean the same) and stamp, and the deltas' records become its
 * tail: the last delta itself when there is one (with its own derived
 * structures), else the deltas merged (tail_buf, acc), which the readers
 * derive. The base's index of units and runs of units are lengthened to
 * the dictionary's units (a unit it lacks has no records in it).
 */
static void split_view(struct ob_snapshot *base, struct ob_snapshot **parts, int np,
                       void *tail_buf, size_t tail_len, const struct cols *acc, int mode)
{
	const struct ob_snapshot *last = parts[np - 1];
	struct ob_snapshot *tail = parts[0];
	struct ob_snap_derived *dv = &base->derived_store;
	uint32_t nu0 = base->n_units, nu = last->n_units;

	if (np > 1) {
		/* the last delta's dictionaries, the deltas' records merged */
		tail = ob_calloc(1, sizeof(*tail));
		*tail = *last;
		tail->victims = 0;
		tail->counts_one = true;
		for (int i = 0; i < np; i++) {
			tail->victims += parts[i]->victims;
			tail->counts_one = tail->counts_one && parts[i]->counts_one;
		}
		cols_set(tail, acc);
		tail->derived = NULL;
		memset(&tail->derived_store, 0, sizeof(tail->derived_store));
		tail->unit_first = NULL;
		tail->unit_index = NULL;
		tail->lazy = false;
		tail->lazy_state = NULL;
		tail->map = NULL; /* the last delta's mapping stays with it */
		tail->map_len = 0;
		tail->merged = tail_buf;
		tail->merged_len = tail_len;
		tail->tail = NULL;
		tail->split_index = NULL;
		tail->n_deltas = 0;
		for (int i = 0; i + 1 < np; i++)
			parts[i]->parts = parts[i + 1];
		tail->parts = parts[0];
	}
	if (nu > nu0 && dv->unit_first) {
		/* unit_first: n_units + 2 entries; run_first: n_units + 1 */
		size_t a = ((size_t)nu + 2) * sizeof(uint64_t);
		unsigned char *p = ob_malloc(a + ((size_t)nu + 1) * sizeof(uint32_t));
		uint64_t *uf = (uint64_t *)p;
		uint32_t *rf = (uint32_t *)(p + a);

		for (uint32_t u = 0; u < nu + 2; u++)
			uf[u] = dv->unit_first[u < nu0 + 1 ? u : nu0 + 1];
		if (dv->run_first) {
			for (uint32_t u = 0; u < nu + 1; u++)
				rf[u] = dv->run_first[u < nu0 ? u : nu0];
			dv->run_first = rf;
		}
		dv->unit_first = uf;
		if (base->unit_first)
			base->unit_first = uf;
		base->split_index = p;
	}
	base->strings = last->strings;
	base->strings_len = last->strings_len;
	base->units = last->units;
	base->n_units = last->n_units;
	base->categories = last->categories;
	base->n_categories = last->n_categories;
	base->sources = last->sources;
	base->n_sources = last->n_sources;
	base->countries = last->countries;
	base->n_countries = last->n_countries;
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
		base->tags[dim] = last->tags[dim];
		base->n_tags[dim] = last->n_tags[dim];
	}
	base->coverage = last->coverage;
	base->n_coverage = last->n_coverage;
	base->age_bands = last->age_bands;
	base->n_age_bands = last->n_age_bands;
	memcpy(base->stamp, last->stamp, sizeof(base->stamp));
	base->built_at = last->built_at;
	base->n_deltas = (uint32_t)np;
	base->tail = tail;
	base->parts = tail; /* owns the deltas (through its parts when merged) */
	base->merge_mode = mode;
}

ob_err ob_snapshot_merge_tail(const struct ob_snapshot *s, struct ob_snapshot **out,
                              struct ob_diag *d)
{
	struct cols bc, tc, o;
	struct ob_snapshot *m;
	size_t len;
	void *buf;
	ob_err e;

	*out = NULL;
	/* every column is read by the merge, and by the readers it is for */
	if (s->lazy && ((e = ob_snapshot_check(s, OB_SNAP_COLS_ALL, 0, s->n, d)) ||
	                (e = ob_snapshot_check_derived(s, OB_SNAP_DER_ALL, d))))
		return e;
	m = ob_calloc(1, sizeof(*m));
	*m = *s;
	/* what s owns stays its own */
	m->map = NULL;
	m->map_len = 0;
	m->merged = NULL;
	m->merged_len = 0;
	m->parts = NULL;
	m->tail = NULL;
	m->unit_index = NULL;
	m->split_index = NULL;
	m->lazy_state = NULL;
	m->lazy = false;
	if (!s->tail) {
		/* s itself, checked */
		*out = m;
		return OB_OK;
	}
	cols_of(s, &bc);
	cols_of(s->tail, &tc);
	if (!(buf = cols_alloc(bc.n + tc.n, &o, &len))) {
		free(m);
		return OB_DIAG(d, OB_ENOMEM, "snapshot", 0, 0, NULL, 0,
		               "sin memoria para la instantánea", "no memory for the snapshot");
	}
	merge2(&bc, &tc, &o, s->merge_mode);
	cols_set(m, &o);
	m->victims = s->victims + s->tail->victims;
	m->counts_one = s->counts_one && s->tail->counts_one;
	/* the base's derived structures and index describe its own records,
	 * not the merged ones: the readers derive them */
	m->derived = NULL;
	memset(&m->derived_store, 0, sizeof(m->derived_store));
	m->unit_first = NULL;
	m->merged = buf;
	m->merged_len = len;
	ob_si_index_units(m);
	*out = m;
	return OB_OK;
}

ob_err ob_si_apply_deltas(const char *dir, struct ob_snapshot **s, bool split,
                          struct ob_diag *d)
{
	struct delta_list l;
	struct ob_snapshot *base = *s, *parts[OB_MAX_SNAPSHOT_DELTAS], *m;
	struct cols dc, acc, tmp;
	void *accbuf = NULL;
	size_t acclen = 0;
	uint64_t n, victims;
	ob_err e;
	int np = 0;

	if ((e = list_read(dir, &l, d)))
		return e == OB_ENOENT ? OB_OK : e;
	if (strcmp(l.base, base->stamp) || !l.n)
		return OB_OK; /* of another base: a full build replaced it */
	/* the base's columns are all read by the merge: checked first (split,
	 * they are read in place, and checked as read) */
	if (!split && base->lazy &&
	    (e = ob_snapshot_check(base, OB_SNAP_COLS_ALL, 0, base->n, d)))
		return e;
	n = base->n;
	victims = base->victims;
	for (np = 0; np < l.n; np++) {
		char path[OB_MAX_PATH];

		if (snprintf(path, sizeof(path), "%s/%s/%s", dir, OB_SNAPSHOT_DIR, l.name[np]) >=
		    (int)sizeof(path)) {
			e = OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
			            "path too long");
			goto close_parts;
		}
		if ((e = ob_si_open_file(path, SNAP_OPEN_FULL, &parts[np], d)))
			goto close_parts;
		if (strcmp(parts[np]->stamp, l.stamp[np]) ||
		    !extends(np ? parts[np - 1] : base, parts[np])) {
			np++;
			e = ob_diag_set(d, OB_ECORRUPT, path, 0, 0, NULL, 0, "%s",
			                OB_TR("delta de otra instantánea", "delta of another snapshot"));
			goto close_parts;
		}
		n += parts[np]->n;
		victims += parts[np]->victims;
	}
	if (n > (uint64_t)OB_MAX_SNAPSHOT_RECORDS || victims > (uint64_t)OB_MAX_SNAPSHOT_VICTIMS) {
		e = ob_diag_set(d, OB_ECORRUPT, dir, 0, 0, NULL, 0, "%s",
		                OB_TR("deltas demasiado grandes", "deltas too large"));
		goto close_parts;
	}
	/* the deltas merged together (small), then with the base once */
	cols_of(parts[0], &acc);
	for (int i = 1; i < np; i++) {
		size_t len;
		void *buf;

		cols_of(parts[i], &dc);
		if (!(buf = cols_alloc(acc.n + dc.n, &tmp, &len))) {
			e = OB_ENOMEM;
			goto free_acc;
		}
		merge2(&acc, &dc, &tmp, l.mode);
		if (accbuf)
			ob_si_big_free(accbuf, acclen);
		accbuf = buf;
		acclen = len;
		acc = tmp;
	}
	split_view(base, parts, np, accbuf, acclen, &acc, l.mode);
	if (split)
		return OB_OK;
	/* merged with the base once: the merged snapshot owns the split one
	 * (its dictionaries are the last delta's); the base's mapping, whose
	 * columns were copied, goes (on error, *s stays the split base, which
	 * the caller closes) */
	if ((e = ob_snapshot_merge_tail(base, &m, d)))
		return e;
	m->parts = base;
	if (!base->lazy && base->map) {
		munmap(base->map, base->map_len);
		base->map = NULL;
		base->map_len = 0;
	}
	*s = m;
	return OB_OK;

free_acc:
	if (accbuf)
		ob_si_big_free(accbuf, acclen);
	if (e == OB_ENOMEM)
		e = OB_DIAG(d, OB_ENOMEM, dir, 0, 0, NULL, 0, "sin memoria para la instantánea",
		            "no memory for the snapshot");
close_parts:
	for (int i = 0; i < np; i++)
		ob_snapshot_close(parts[i]);
	return e;
}

/* ------------------------------------------------------------------------
 * Writing a delta.
 */

/* The parts of a stamp "vV sS cC kK": the highest submission id and the
 * hash of catalogue and supersessions. */
static bool stamp_parts(const char *stamp, long long *sub, char *k, size_t nk)
{
	const char *ps = strstr(stamp, " s"), *pc = strstr(stamp, " c"), *pk = strstr(stamp, " k");

	if (!ps || !pc || !pk || pc < ps || pk < pc ||
	    !ob_parse_int(ps + 2, (size_t)(pc - ps - 2), 0, LLONG_MAX, sub) ||
	    strlen(pk) >= nk)
		return false;
	memcpy(k, pk, strlen(pk) + 1);
	return true;
}

/* The number of distinct years of the records of s, marked in seen. */
static size_t years_of(const uint16_t *year, uint64_t n, bool *seen)
{
	size_t ny = 0;

	for (uint64_t i = 0; i < n; i++)
		if (!seen[year[i]]) {
			seen[year[i]] = true;
			ny++;
		}
	return ny;
}

/*
 * The dictionaries of cur replayed after the catalogue's: the units,
 * categories and tags a full build adds for records (codes the catalogue
 * lacks, countries without their unit) in the order cur holds them, and
 * its age bands. False when the result does not extend cur entry by entry.
 */
static bool replay(struct builder *b, const struct ob_snapshot *cur)
{
	const struct ob_snap_unit *bu;
	const struct ob_snap_category *bc;
	const struct ob_snap_source *bs;
	const uint32_t *bn;

	for (uint32_t i = (uint32_t)b->units.n; i < cur->n_units; i++) {
		const struct ob_snap_unit *u = &cur->units[i];
		const char *cc = u->country < cur->n_countries
		                         ? ob_snap_str(cur, cur->countries[u->country]) : "";
		uintptr_t v = map_get(&b->country_map, cc, strlen(cc));

		if (!v || u->level != 0 || u->parent != -1 ||
		    ob_si_country_unit(b, (int32_t)(v - 1)) != (int32_t)i)
			return false;
	}
	for (uint32_t i = (uint32_t)b->cats.n; i < cur->n_categories; i++) {
		const char *c = ob_snap_str(cur, cur->categories[i].code);
		size_t n = strlen(c);

		if (map_get(&b->cat_map, c, n) ||
		    ob_si_add_category(b, c, n, ob_si_iccs_level(n), NULL, 0) != (int32_t)i)
			return false;
	}
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
		for (uint32_t i = (uint32_t)b->tags[dim].n; i < cur->n_tags[dim]; i++) {
			const char *c = ob_snap_str(cur, cur->tags[dim][i]);
			size_t n = strlen(c);

			if (map_get(&b->tag_map[dim], c, n) ||
			    ob_si_add_tag(b, dim, c, n) != (int32_t)i)
				return false;
		}
	for (uint32_t i = 0; i < cur->n_age_bands; i++) {
		struct ob_snap_age_band *ab = ob_si_vec_push(&b->age_bands);
		if (!ab)
			return false;
		*ab = cur->age_bands[i];
	}
	/* every entry of cur at the same index, with the same fields */
	bu = (const struct ob_snap_unit *)b->units.p;
	bc = (const struct ob_snap_category *)b->cats.p;
	bs = (const struct ob_snap_source *)b->sources.p;
	bn = (const uint32_t *)b->countries.p;
	if (b->units.n != cur->n_units || b->cats.n != cur->n_categories ||
	    b->sources.n < cur->n_sources || b->countries.n < cur->n_countries ||
	    b->coverage.n < cur->n_coverage)
		return false;
	for (uint32_t i = 0; i < cur->n_units; i++)
		if (strcmp(b->strings.ptr + bu[i].code, ob_snap_str(cur, cur->units[i].code)) ||
		    strcmp(b->strings.ptr + bu[i].name, ob_snap_str(cur, cur->units[i].name)) ||
		    bu[i].parent != cur->units[i].parent || bu[i].country != cur->units[i].country ||
		    bu[i].level != cur->units[i].level ||
		    bu[i].valid_from != cur->units[i].valid_from ||
		    bu[i].valid_to != cur->units[i].valid_to)
			return false;
	for (uint32_t i = 0; i < cur->n_categories; i++)
		if (strcmp(b->strings.ptr + bc[i].code, ob_snap_str(cur, cur->categories[i].code)) ||
		    bc[i].parent != cur->categories[i].parent || bc[i].level != cur->categories[i].level)
			return false;
	for (uint32_t i = 0; i < cur->n_sources; i++)
		if (strcmp(b->strings.ptr + bs[i].code, ob_snap_str(cur, cur->sources[i].code)) ||
		    bs[i].country != cur->sources[i].country ||
		    bs[i].institution != cur->sources[i].institution)
			return false;
	for (uint32_t i = 0; i < cur->n_countries; i++)
		if (strcmp(b->strings.ptr + bn[i], ob_snap_str(cur, cur->countries[i])))
			return false;
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
		for (uint32_t i = 0; i < cur->n_tags[dim]; i++)
			if (strcmp(b->strings.ptr + ((const uint32_t *)b->tags[dim].p)[i],
			           ob_snap_str(cur, cur->tags[dim][i])))
				return false;
	return !memcmp(b->coverage.p, cur->coverage, cur->n_coverage * sizeof(*cur->coverage));
}

/*
 * The delta of the submissions above cur's into its own file and the list.
 * *full is set when a delta cannot stand for a full build (the store changed
 * otherwise, a dictionary differs, the order would change): nothing is
 * written then.
 */
static ob_err write_delta(struct ob_store *st, const char *dir, const struct ob_snapshot *cur,
                          bool *full, struct ob_diag *d)
{
	struct builder b;
	struct reader rd[SNAP_MAX_READERS];
	struct delta_list l;
	char stamp[OB_SNAPSHOT_STAMP], kcur[OB_SNAPSHOT_STAMP], knew[OB_SNAPSHOT_STAMP];
	long long scur, snew;
	bool *seen = NULL;
	uint64_t victims = 0;
	ob_err e;
	int nr = 0, mode_base = -1, mode_new = -1;

	*full = true;
	if (cur->n_deltas) {
		if ((e = list_read(dir, &l, d)))
			return e == OB_ENOENT ? OB_OK : e;
		if (l.n != (int)cur->n_deltas)
			return OB_OK;
	} else {
		memset(&l, 0, sizeof(l));
		ob_strlcpy(l.base, cur->stamp, sizeof(l.base));
		l.mode = -1;
	}
	if (l.n >= OB_MAX_SNAPSHOT_DELTAS || !stamp_parts(cur->stamp, &scur, kcur, sizeof(kcur)))
		return OB_OK;
	ob_si_builder_init(&b, st, dir, d);
	if ((e = ob_store_read_begin(st, d)))
		goto release;
	if ((e = ob_snapshot_stamp(st, stamp, d)))
		goto commit;
	if (!stamp_parts(stamp, &snew, knew, sizeof(knew)) || strcmp(kcur, knew) || snew <= scur)
		goto commit; /* supersessions or the catalogue changed: a full build */
	if ((e = ob_store_key_secret(st, b.secret, d)) || (e = ob_si_load_units(&b)) ||
	    (e = ob_si_load_categories(&b)) || (e = ob_si_load_tags(&b)) ||
	    (e = ob_si_load_submissions(&b)))
		goto commit;
	if (!replay(&b, cur))
		goto commit;
	/* only the submissions above cur's are read */
	for (long long i = 0; i <= scur && i < b.n_subs; i++)
		b.subs[i].source = -1;
	ob_si_key_contexts(&b);
	if ((e = ob_si_first_record_after(&b, scur, &b.from_id)) || !b.from_id)
		goto commit;
	/* the order of the base, which a full build would keep: the keys of
	 * units, years and sources before and after */
	seen = ob_calloc(65536, sizeof(bool));
	{
		size_t ny = 0;

		if (l.has_years) {
			/* kept by the list: the base's columns are not read */
			for (int y = 0; y < DELTA_YEARS; y++)
				if (l.years[y]) {
					seen[y ? y - 1 + OB_MIN_YEAR : 0] = true;
					ny++;
				}
		} else {
			/* the base alone: its year column, 2 bytes a record */
			ny = years_of(cur->year, cur->n, seen);
		}
		mode_base = l.mode >= 0 ? l.mode : ob_si_sort_mode(cur->n_units, ny, cur->n_sources);
	}
	b.sort_mode = mode_base;
	e = ob_si_load_records(&b, stamp, rd, &nr);
commit:
	ob_store_read_end(st);
	if (e || !b.from_id || !seen)
		goto readers;
	if ((e = ob_si_resolve_misses(&b, rd, nr)))
		goto readers;
	ob_si_resolve_bands(&b, rd, nr);
	{
		size_t ny = 0;

		for (int k = 0; k < nr; k++) {
			const struct row *w = (const struct row *)rd[k].rows.p;
			for (size_t i = 0; i < rd[k].rows.n; i++)
				seen[w[i].year] = true;
			victims += rd[k].victims;
		}
		memset(l.years, 0, sizeof(l.years));
		for (size_t y = 0; y < 65536; y++) {
			ny += seen[y];
			if (seen[y] && (!y || (y >= OB_MIN_YEAR && y <= OB_MAX_YEAR)))
				l.years[y ? y - OB_MIN_YEAR + 1 : 0] = true;
		}
		l.has_years = true;
		mode_new = ob_si_sort_mode(b.units.n, ny, b.sources.n);
	}
	if (mode_new != mode_base || cur->victims + victims > (uint64_t)OB_MAX_SNAPSHOT_VICTIMS)
		goto readers; /* the order a full build gives changes: a full build */
	snprintf(l.name[l.n], DELTA_NAME, DELTA_PREFIX "%lld" DELTA_SUFFIX, snew);
	ob_strlcpy(l.stamp[l.n], stamp, OB_SNAPSHOT_STAMP);
	l.mode = mode_base;
	/* the segment, then the list that names it */
	if (!(e = ob_si_write_file(&b, stamp, rd, nr, l.name[l.n]))) {
		l.n++;
		if (!(e = list_write(dir, &l, d)))
			*full = false;
	}
readers:
	for (int k = 0; k < nr; k++)
		ob_si_reader_release(&rd[k]);
release:
	free(seen);
	ob_si_builder_release(&b);
	return e;
}

/* ob_snapshot_update() from cur, the open snapshot (base and deltas), under
 * the writers' lock. */
static ob_err update_from(struct ob_store *st, const char *dir, const struct ob_snapshot *cur,
                          bool *delta, struct ob_diag *d)
{
	bool full = true;
	ob_err e;

	if (delta)
		*delta = false;
	if (cur && (e = write_delta(st, dir, cur, &full, d)))
		return e;
	if (!full) {
		if (delta)
			*delta = true;
		return OB_OK;
	}
	return ob_si_build(st, dir, d);
}

static ob_err update_locked(struct ob_store *st, const char *dir, bool *delta, struct ob_diag *d)
{
	struct ob_snapshot *base = NULL, *last = NULL, cur;
	struct delta_list l;
	struct ob_diag ignored;
	char path[OB_MAX_PATH], stamp[OB_SNAPSHOT_STAMP];
	ob_err e;

	if (delta)
		*delta = false;
	/*
	 * The state to extend, read lightly (headers and dictionaries, not the
	 * columns, so that the cost does not grow with the observatory): the
	 * base, and the last delta when the list names some for this base.
	 * One that cannot be read is rebuilt whole; a damaged column is found
	 * by the next reader, which rebuilds it.
	 */
	if (ob_snapshot_path(dir, path, sizeof(path)) ||
	    ob_si_open_file(path, SNAP_OPEN_LIGHT, &base, &ignored))
		return ob_si_build(st, dir, d);
	cur = *base;
	if (!list_read(dir, &l, &ignored) && !strcmp(l.base, base->stamp) && l.n) {
		uint64_t victims = base->victims;

		if (snprintf(path, sizeof(path), "%s/%s/%s", dir, OB_SNAPSHOT_DIR, l.name[l.n - 1]) >=
		        (int)sizeof(path) ||
		    ob_si_open_file(path, SNAP_OPEN_LIGHT, &last, &ignored) || strcmp(last->stamp, l.stamp[l.n - 1])) {
			ob_snapshot_close(last);
			ob_snapshot_close(base);
			return ob_si_build(st, dir, d);
		}
		/* the headers of the others give their victims */
		for (int i = 0; i + 1 < l.n; i++) {
			struct ob_snapshot *o = NULL;

			if (snprintf(path, sizeof(path), "%s/%s/%s", dir, OB_SNAPSHOT_DIR, l.name[i]) >=
			        (int)sizeof(path) ||
			    ob_si_open_file(path, SNAP_OPEN_LIGHT, &o, &ignored)) {
				ob_snapshot_close(last);
				ob_snapshot_close(base);
				return ob_si_build(st, dir, d);
			}
			victims += o->victims;
			ob_snapshot_close(o);
		}
		cur = *last;
		cur.victims = victims + last->victims;
		cur.n_deltas = (uint32_t)l.n;
		cur.year = NULL; /* the years are the list's */
		cur.n = 0;
	}
	if (!(e = ob_snapshot_stamp(st, stamp, d)) && strcmp(stamp, cur.stamp))
		e = update_from(st, dir, &cur, delta, d);
	ob_snapshot_close(last);
	ob_snapshot_close(base);
	return e;
}

ob_err ob_snapshot_update(struct ob_store *st, const char *dir, bool *delta, struct ob_diag *d)
{
	int lock;
	ob_err e;

	if (delta)
		*delta = false;
	/* the state is read again under the lock: a writer that waited sees
	 * what the one before it wrote */
	if ((e = ob_si_writer_lock(dir, &lock, d)))
		return e;
	e = update_locked(st, dir, delta, d);
	ob_si_writer_unlock(lock);
	return e;
}
