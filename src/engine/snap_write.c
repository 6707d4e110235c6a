/* snap_write.c - building a snapshot, last step: the rows ordered into
 * columns and the file written beside the store (ob_snapshot_build). */
#include "engine/snap_impl.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/sha256.h"
#include "base/strmap.h"
#include "ingest/profile.h"

/* ------------------------------------------------------------------------
 * Writing.
 */
struct out_section {
	const void *data;
	uint32_t elem;
	uint64_t count;
};

static ob_err write_all(int fd, const void *p, size_t n, const char *path, struct ob_diag *d)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n > (1u << 30) ? (1u << 30) : n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0,
			               "no se pudo escribir: %s", "cannot write: %s",
			               strerror(errno));
		c += w;
		n -= (size_t)w;
	}
	return OB_OK;
}

static size_t align_up(size_t v)
{
	return (v + SNAP_ALIGN - 1) & ~(size_t)(SNAP_ALIGN - 1);
}

/* Sort keys a pass by (territory, year, source) may count in. */
#define SNAP_SORT_KEYS ((size_t)1 << 22)

int ob_si_sort_mode(size_t nu, size_t ny, size_t ns)
{
	if (!nu)
		nu = 1;
	if (!ny)
		ny = 1;
	if (!ns)
		ns = 1;
	return nu * ny * ns <= SNAP_SORT_KEYS ? 0 : nu * ny <= SNAP_SORT_KEYS ? 1 : 2;
}

/*
 * The readers' rows into the column sections of the image, ordered by
 * territory, then year, then source, then category (two stable counting
 * sorts: by category, then by the other three; records of the same four
 * keep the store's order), so that a pass that counts by territory finds
 * its counters in cache, a year filter finds the records of its years
 * together and a category filter or dimension takes a run of one category
 * at a time instead of reading its records (by territory alone when there
 * are too many keys for that).
 */
static void scatter(const struct builder *b, const struct reader *rd, int nr,
                    unsigned char *image, const struct snap_section *sec)
{
	uint16_t *terr = (uint16_t *)(image + sec[SEC_COL_TERRITORY].offset);
	uint16_t *year = (uint16_t *)(image + sec[SEC_COL_YEAR].offset);
	uint16_t *cat = (uint16_t *)(image + sec[SEC_COL_CATEGORY].offset);
	uint16_t *source = (uint16_t *)(image + sec[SEC_COL_SOURCE].offset);
	uint16_t *count = (uint16_t *)(image + sec[SEC_COL_COUNT].offset);
	uint8_t *rkey = image + sec[SEC_COL_RKEY].offset;
	uint8_t *month = image + sec[SEC_COL_MONTH].offset, *day = image + sec[SEC_COL_DAY].offset;
	uint8_t *hour = image + sec[SEC_COL_HOUR].offset, *sex = image + sec[SEC_COL_SEX].offset;
	uint8_t *age = image + sec[SEC_COL_AGE].offset, *tag[OB_SNAP_DIMS];
	uint32_t *yi = ob_calloc(65536, sizeof(uint32_t));
	size_t nu = b->units.n ? b->units.n : 1, ny = 0, ns = b->sources.n ? b->sources.n : 1;
	size_t mul_t, mul_y, mul_s, nk, *at, sum = 0, n = 0, first[SNAP_MAX_READERS + 1];
	uint32_t *by_cat, *cat_at = ob_calloc(65537, sizeof(uint32_t));

	for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
		tag[dim] = image + sec[SEC_COL_TAG + dim].offset;
	/* the years present, numbered in order */
	for (int k = 0; k < nr; k++) {
		const struct row *w = (const struct row *)rd[k].rows.p;
		for (size_t i = 0; i < rd[k].rows.n; i++)
			yi[w[i].year] = 1;
	}
	for (size_t y = 0; y < 65536; y++)
		yi[y] = yi[y] ? (uint32_t)ny++ : 0;
	if (!ny)
		ny = 1;
	switch (b->sort_mode >= 0 ? b->sort_mode : ob_si_sort_mode(nu, ny, ns)) {
	case 0: mul_t = ny * ns, mul_y = ns, mul_s = 1; break;
	case 1: mul_t = ny, mul_y = 1, mul_s = 0; break;
	default: mul_t = 1, mul_y = 0, mul_s = 0; break;
	}
	nk = nu * mul_t + 1;
	at = ob_calloc(nk, sizeof(size_t));
#define SORT_KEY(w) ((w).terr * mul_t + yi[(w).year] * mul_y + (w).source * mul_s)
	for (int k = 0; k < nr; k++) {
		const struct row *w = (const struct row *)rd[k].rows.p;
		for (size_t i = 0; i < rd[k].rows.n; i++)
			at[SORT_KEY(w[i])]++;
	}
	for (size_t t = 0; t < nk; t++) {
		size_t c = at[t];
		at[t] = sum;
		sum += c;
	}
	/* the rows in order of category (record order among equals): rows
	 * first[k] + i of reader k, numbered across the readers */
	for (int k = 0; k < nr; k++) {
		const struct row *w = (const struct row *)rd[k].rows.p;
		first[k] = n;
		n += rd[k].rows.n;
		for (size_t i = 0; i < rd[k].rows.n; i++)
			cat_at[w[i].cat + 1]++;
	}
	first[nr] = n;
	for (size_t c = 0; c < 65536; c++)
		cat_at[c + 1] += cat_at[c];
	by_cat = ob_malloc((n ? n : 1) * sizeof(uint32_t));
	for (int k = 0; k < nr; k++) {
		const struct row *w = (const struct row *)rd[k].rows.p;
		for (size_t i = 0; i < rd[k].rows.n; i++)
			by_cat[cat_at[w[i].cat]++] = (uint32_t)(first[k] + i);
	}
	for (size_t g = 0; g < n; g++) {
		int k = 0;
		while (by_cat[g] >= first[k + 1])
			k++;
		{
			const struct row *w = (const struct row *)rd[k].rows.p;
			size_t i = by_cat[g] - first[k];
			size_t j = at[SORT_KEY(w[i])]++;

			terr[j] = w[i].terr;
			year[j] = w[i].year;
			cat[j] = w[i].cat;
			source[j] = w[i].source;
			count[j] = w[i].count;
			rkey[j] = w[i].rkey;
			month[j] = w[i].month;
			day[j] = w[i].day;
			hour[j] = w[i].hour;
			sex[j] = w[i].sex;
			age[j] = w[i].age;
			for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
				tag[dim][j] = w[i].tag[dim];
		}
	}
#undef SORT_KEY
	free(by_cat);
	free(cat_at);
	free(at);
	free(yi);
}

/* The bytes of section i: in the image, or a derived part. */
static const void *section_bytes(const unsigned char *image, const struct snap_header *h,
                                 const struct ob_snap_derived *dv,
                                 const struct snap_derived_meta *meta, const uint64_t *sums,
                                 int i)
{
	switch (i) {
	case SEC_DER_META: return meta;
	case SEC_DER_UNIT_FIRST: return dv->unit_first;
	case SEC_DER_RUNS: return dv->runs;
	case SEC_DER_RUN_FIRST: return dv->run_first;
	case SEC_DER_CAT_START: return dv->cat_start;
	case SEC_DER_CAT_VALUE: return dv->cat_value;
	case SEC_DER_RUN_CAT: return dv->run_cat;
	case SEC_DER_ZONE: return dv->zone;
	case SEC_DER_ZONE_ONES: return dv->zone_ones;
	case SEC_DER_ZONE_VICTIMS: return dv->zone_victims;
	case SEC_DER_ZONE_KEYS: return dv->zone_keys;
	case SEC_DER_AGG_FIRST: return dv->agg_first;
	case SEC_DER_AGG: return dv->agg;
	case SEC_DER_AGE_FIRST: return dv->age_first;
	case SEC_DER_AGE_AGG: return dv->age_agg;
	case SEC_DER_CRUNS: return dv->cruns;
	case SEC_BLOCK_SUMS: return sums;
	default:
		if (i >= SEC_DER_CUBE_FIRST && i < SEC_DER_CUBE_FIRST + OB_SNAP_CUBES)
			return dv->cube_first[i - SEC_DER_CUBE_FIRST];
		if (i >= SEC_DER_CUBE && i < SEC_DER_CUBE + OB_SNAP_CUBES)
			return dv->cube[i - SEC_DER_CUBE];
		return image + h->sections[i].offset;
	}
}

/*
 * What readers derive from the columns laid out in image (ob_snap_derive),
 * placed after the image: the derived sections' offsets and counts in h,
 * the sums of the columns' blocks (*sums, SEC_BLOCK_SUMS) and the columns'
 * checksums folded from them; h->file_size the whole file's.
 */
static void derive_sections(const unsigned char *image, struct snap_header *h, size_t n_units,
                            struct ob_snap_derived *dv, struct snap_derived_meta *meta,
                            uint64_t **sums)
{
	struct ob_snapshot view;
	size_t off = (size_t)h->file_size, nb = 0, k = 0;
	uint64_t n = h->n_records;
	const uint16_t *count;

	memset(&view, 0, sizeof(view));
	view.n = n;
	view.territory = (const uint16_t *)(image + h->sections[SEC_COL_TERRITORY].offset);
	view.year = (const uint16_t *)(image + h->sections[SEC_COL_YEAR].offset);
	view.category = (const uint16_t *)(image + h->sections[SEC_COL_CATEGORY].offset);
	view.source = (const uint16_t *)(image + h->sections[SEC_COL_SOURCE].offset);
	view.count = count = (const uint16_t *)(image + h->sections[SEC_COL_COUNT].offset);
	view.rkey = image + h->sections[SEC_COL_RKEY].offset;
	view.sex = image + h->sections[SEC_COL_SEX].offset;
	view.tag[0] = image + h->sections[SEC_COL_TAG].offset;
	view.age = image + h->sections[SEC_COL_AGE].offset;
	view.month = image + h->sections[SEC_COL_MONTH].offset;
	view.tag[1] = image + h->sections[SEC_COL_TAG + 1].offset;
	view.tag[2] = image + h->sections[SEC_COL_TAG + 2].offset;
	view.units = (const struct ob_snap_unit *)(image + h->sections[SEC_UNITS].offset);
	view.age_bands = (const struct ob_snap_age_band *)(image +
	                                                   h->sections[SEC_AGE_BANDS].offset);
	view.n_age_bands = (uint32_t)h->sections[SEC_AGE_BANDS].count;
	view.n_units = (uint32_t)n_units;
	view.counts_one = true;
	for (uint64_t i = 0; i < n; i++)
		view.counts_one &= count[i] == 1;
	ob_snap_derive(&view, dv);

	memset(meta, 0, sizeof(*meta));
	meta->sorted = dv->sorted;
	meta->year_sorted = dv->year_sorted;
	meta->src_sorted = dv->src_sorted;
	meta->cat_sorted = dv->cat_sorted;
	meta->counts_one = dv->counts_one;
	meta->has_runs = dv->runs != NULL;
	meta->has_cat_runs = dv->cat_start != NULL;
	meta->has_agg = (uint8_t)((dv->agg_first ? 1 : 0) | (dv->age_first ? 2 : 0));
	meta->year_min = dv->year_min;
	meta->year_max = dv->year_max;
	meta->zone_records = OB_SNAP_ZONE;
	h->sections[SEC_DER_META].count = 1;
	h->sections[SEC_DER_UNIT_FIRST].count = n_units + 2;
	h->sections[SEC_DER_RUNS].count = dv->runs ? dv->n_runs + 1 : 0;
	h->sections[SEC_DER_RUN_FIRST].count = dv->runs ? n_units + 1 : 0;
	h->sections[SEC_DER_CAT_START].count = dv->cat_start ? dv->n_cat_runs + 1 : 0;
	h->sections[SEC_DER_CAT_VALUE].count = dv->cat_start ? dv->n_cat_runs + 1 : 0;
	h->sections[SEC_DER_RUN_CAT].count = dv->cat_start ? dv->n_runs + 1 : 0;
	h->sections[SEC_DER_ZONE].count = dv->n_zones * 4;
	h->sections[SEC_DER_ZONE_ONES].count = dv->zone_ones ? dv->n_zones : 0;
	h->sections[SEC_DER_ZONE_VICTIMS].count = dv->zone_victims ? dv->n_zones + 1 : 0;
	h->sections[SEC_DER_ZONE_KEYS].count = dv->n_zones + 1;
	h->sections[SEC_DER_AGG_FIRST].count = dv->agg_first ? dv->n_cat_runs + 1 : 0;
	h->sections[SEC_DER_AGG].count = dv->agg_first ? dv->n_agg : 0;
	h->sections[SEC_DER_AGE_FIRST].count = dv->age_first ? dv->n_cat_runs + 1 : 0;
	h->sections[SEC_DER_AGE_AGG].count = dv->age_first ? dv->n_age_agg : 0;
	h->sections[SEC_DER_CRUNS].count = dv->cruns ? dv->n_cruns : 0;
	for (int L = 0; L < OB_SNAP_CUBES; L++) {
		h->sections[SEC_DER_CUBE_FIRST + L].count = dv->cube[L] ? dv->n_cruns + 1 : 0;
		h->sections[SEC_DER_CUBE + L].count = dv->cube[L] ? dv->n_cube[L] : 0;
		meta->has_cube |= dv->cube[L] ? 1u << L : 0;
	}

	/* every block's sum of every column, and each column's checksum */
	for (int i = SEC_COL_FIRST; i <= SEC_COL_LAST; i++)
		nb += ((size_t)h->sections[i].elem_size * h->sections[i].count + SNAP_BLOCK - 1) /
		      SNAP_BLOCK;
	*sums = ob_malloc((nb + 1) * sizeof(uint64_t));
	for (int i = SEC_COL_FIRST; i <= SEC_COL_LAST; i++) {
		const unsigned char *p = image + h->sections[i].offset;
		size_t len = (size_t)h->sections[i].elem_size * h->sections[i].count;
		uint64_t acc = ob_si_fold_start();

		for (size_t o = 0; o < len; o += SNAP_BLOCK) {
			(*sums)[k] = ob_si_checksum(p + o, len - o < SNAP_BLOCK ? len - o : SNAP_BLOCK);
			acc = ob_si_fold_block(acc, (*sums)[k++]);
		}
		h->sections[i].checksum = ob_si_fold_end(acc, len);
	}
	h->sections[SEC_BLOCK_SUMS].count = nb;

	for (int i = SEC_DER_META; i < SEC_COUNT; i++) {
		h->sections[i].offset = off;
		off = align_up(off + (size_t)h->sections[i].elem_size * h->sections[i].count);
	}
	h->file_size = off;
}

ob_err ob_si_write_file(struct builder *b, const char *stamp, const struct reader *rd, int nr,
                        const char *name)
{
	struct out_section sec[SEC_COUNT];
	struct snap_header *h;
	char path[OB_MAX_PATH], tmp[OB_MAX_PATH + 32], sdir[OB_MAX_PATH];
	unsigned char *image;
	size_t off = SNAP_HEADER_SIZE, image_len, written;
	uint64_t n = 0, victims = 0, *sums = NULL;
	struct ob_snap_derived dv;
	struct snap_derived_meta meta;
	ob_err e;
	int fd;

	for (int k = 0; k < nr; k++) {
		n += rd[k].rows.n;
		victims += rd[k].victims;
	}
	if (n > OB_MAX_SNAPSHOT_RECORDS)
		return ob_si_too_many(b, "registros", "records", OB_MAX_SNAPSHOT_RECORDS);
	if (victims > (uint64_t)OB_MAX_SNAPSHOT_VICTIMS)
		return ob_si_too_many(b, "víctimas", "victims", OB_MAX_SNAPSHOT_VICTIMS);

	sec[SEC_STRINGS] = (struct out_section){ b->strings.ptr, 1, b->strings.len };
	sec[SEC_UNITS] = (struct out_section){ b->units.p, sizeof(struct ob_snap_unit), b->units.n };
	sec[SEC_CATEGORIES] =
		(struct out_section){ b->cats.p, sizeof(struct ob_snap_category), b->cats.n };
	sec[SEC_SOURCES] =
		(struct out_section){ b->sources.p, sizeof(struct ob_snap_source), b->sources.n };
	sec[SEC_COUNTRIES] = (struct out_section){ b->countries.p, 4, b->countries.n };
	sec[SEC_COVERAGE] =
		(struct out_section){ b->coverage.p, sizeof(struct ob_snap_coverage), b->coverage.n };
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
		sec[SEC_TAGS + dim] = (struct out_section){ b->tags[dim].p, 4, b->tags[dim].n };
		sec[SEC_COL_TAG + dim] = (struct out_section){ NULL, 1, n };
	}
	sec[SEC_AGE_BANDS] = (struct out_section){ b->age_bands.p, sizeof(struct ob_snap_age_band),
	                                           b->age_bands.n };
	sec[SEC_COL_TERRITORY] = (struct out_section){ NULL, 2, n };
	sec[SEC_COL_YEAR] = (struct out_section){ NULL, 2, n };
	sec[SEC_COL_CATEGORY] = (struct out_section){ NULL, 2, n };
	sec[SEC_COL_SOURCE] = (struct out_section){ NULL, 2, n };
	sec[SEC_COL_MONTH] = (struct out_section){ NULL, 1, n };
	sec[SEC_COL_DAY] = (struct out_section){ NULL, 1, n };
	sec[SEC_COL_HOUR] = (struct out_section){ NULL, 1, n };
	sec[SEC_COL_SEX] = (struct out_section){ NULL, 1, n };
	sec[SEC_COL_AGE] = (struct out_section){ NULL, 1, n };
	sec[SEC_COL_COUNT] = (struct out_section){ NULL, 2, n };
	sec[SEC_COL_RKEY] = (struct out_section){ NULL, 1, n };
	/* the derived sections follow the image, once the columns are laid out */
	sec[SEC_DER_META] = (struct out_section){ NULL, sizeof(struct snap_derived_meta), 0 };
	sec[SEC_DER_UNIT_FIRST] = (struct out_section){ NULL, 8, 0 };
	sec[SEC_DER_RUNS] = (struct out_section){ NULL, sizeof(struct ob_snap_run), 0 };
	sec[SEC_DER_RUN_FIRST] = (struct out_section){ NULL, 4, 0 };
	sec[SEC_DER_CAT_START] = (struct out_section){ NULL, 4, 0 };
	sec[SEC_DER_CAT_VALUE] = (struct out_section){ NULL, 2, 0 };
	sec[SEC_DER_RUN_CAT] = (struct out_section){ NULL, 4, 0 };
	sec[SEC_DER_ZONE] = (struct out_section){ NULL, 2, 0 };
	sec[SEC_DER_ZONE_ONES] = (struct out_section){ NULL, 1, 0 };
	sec[SEC_DER_ZONE_VICTIMS] = (struct out_section){ NULL, 8, 0 };
	sec[SEC_DER_ZONE_KEYS] = (struct out_section){ NULL, 8, 0 };
	sec[SEC_DER_AGG_FIRST] = (struct out_section){ NULL, 4, 0 };
	sec[SEC_DER_AGG] = (struct out_section){ NULL, sizeof(struct ob_snap_agg), 0 };
	sec[SEC_DER_AGE_FIRST] = (struct out_section){ NULL, 4, 0 };
	sec[SEC_DER_AGE_AGG] = (struct out_section){ NULL, sizeof(struct ob_snap_agg), 0 };
	sec[SEC_DER_CRUNS] = (struct out_section){ NULL, sizeof(struct ob_snap_crun), 0 };
	for (int L = 0; L < OB_SNAP_CUBES; L++) {
		sec[SEC_DER_CUBE_FIRST + L] = (struct out_section){ NULL, 4, 0 };
		sec[SEC_DER_CUBE + L] = (struct out_section){ NULL, sizeof(struct ob_snap_cube), 0 };
	}
	sec[SEC_BLOCK_SUMS] = (struct out_section){ NULL, 8, 0 };

	for (int i = 0; i < SEC_COUNT; i++)
		off = align_up(off + (size_t)sec[i].elem * sec[i].count);
	if (!(image = ob_si_big_alloc(off)))
		return OB_DIAG(b->d, OB_ENOMEM, b->dir, 0, 0, NULL, 0,
		               "sin memoria para la instantánea", "no memory for the snapshot");
	image_len = off;
	h = (struct snap_header *)image;
	memcpy(h->magic, ob_si_snap_magic, sizeof(ob_si_snap_magic));
	h->version = OB_SNAPSHOT_VERSION;
	h->endian = SNAP_ENDIAN;
	h->file_size = off;
	h->n_records = n;
	h->n_victims = victims;
	h->built_at = (int64_t)time(NULL);
	ob_strlcpy(h->stamp, stamp, sizeof(h->stamp));
	h->n_sections = SEC_COUNT;
	off = SNAP_HEADER_SIZE;
	for (int i = 0; i < SEC_COUNT; i++) {
		size_t len = (size_t)sec[i].elem * sec[i].count;

		h->sections[i].id = (uint32_t)i;
		h->sections[i].elem_size = sec[i].elem;
		h->sections[i].offset = off;
		h->sections[i].count = sec[i].count;
		if (len && sec[i].data)
			memcpy(image + off, sec[i].data, len);
		off = align_up(off + len);
	}
	scatter(b, rd, nr, image, h->sections);
	derive_sections(image, h, b->units.n, &dv, &meta, &sums);
	for (int i = 0; i < SEC_COUNT; i++) {
		if (i >= SEC_COL_FIRST && i <= SEC_COL_LAST)
			continue; /* folded from their blocks' sums */
		h->sections[i].checksum = ob_si_section_checksum(
			section_bytes(image, h, &dv, &meta, sums, i),
			(size_t)h->sections[i].elem_size * h->sections[i].count);
	}
	h->header_checksum = 0;
	h->header_checksum = ob_si_checksum(image, SNAP_HEADER_SIZE);

	written = image_len;
	if (snprintf(sdir, sizeof(sdir), "%s/%s", b->dir, OB_SNAPSHOT_DIR) >= (int)sizeof(sdir) ||
	    snprintf(path, sizeof(path), "%s/%s", sdir, name) >= (int)sizeof(path)) {
		ob_snap_derived_release(&dv);
		free(sums);
		ob_si_big_free(image, image_len);
		return OB_DIAG(b->d, OB_ETOOBIG, b->dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	}
	if (mkdir(sdir, 0777) != 0 && errno != EEXIST) {
		e = OB_DIAG(b->d, OB_EIO, sdir, 0, 0, NULL, 0,
		            "no se pudo crear el directorio: %s",
		            "cannot create the directory: %s", strerror(errno));
		ob_snap_derived_release(&dv);
		free(sums);
		ob_si_big_free(image, image_len);
		return e;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		e = OB_DIAG(b->d, OB_EIO, tmp, 0, 0, NULL, 0, "no se pudo crear: %s",
		            "cannot create: %s", strerror(errno));
		ob_snap_derived_release(&dv);
		free(sums);
		ob_si_big_free(image, image_len);
		return e;
	}
	e = write_all(fd, image, image_len, tmp, b->d);
	for (int i = SEC_DER_META; i < SEC_COUNT && !e; i++) {
		static const unsigned char zeros[SNAP_ALIGN];
		size_t len = (size_t)h->sections[i].elem_size * h->sections[i].count;
		size_t pad = (size_t)h->sections[i].offset - written;

		if (pad && (e = write_all(fd, zeros, pad, tmp, b->d)))
			break;
		if (len)
			e = write_all(fd, section_bytes(image, h, &dv, &meta, sums, i), len, tmp,
			              b->d);
		written = (size_t)h->sections[i].offset + len;
	}
	if (!e && written < h->file_size) {
		static const unsigned char zeros[SNAP_ALIGN];
		e = write_all(fd, zeros, (size_t)h->file_size - written, tmp, b->d);
	}
	ob_si_big_free(image, image_len);
	ob_snap_derived_release(&dv);
	free(sums);
	if (!e && fsync(fd) != 0)
		e = ob_diag_set(b->d, OB_EIO, tmp, 0, 0, NULL, 0, "fsync: %s", strerror(errno));
	if (close(fd) != 0 && !e)
		e = ob_diag_set(b->d, OB_EIO, tmp, 0, 0, NULL, 0, "close: %s", strerror(errno));
	if (!e && rename(tmp, path) != 0)
		e = OB_DIAG(b->d, OB_EIO, path, 0, 0, NULL, 0,
		            "no se pudo reemplazar la instantánea: %s",
		            "cannot replace the snapshot: %s", strerror(errno));
	if (e) {
		unlink(tmp);
		return e;
	}
	fd = open(sdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return OB_OK;
}

void ob_si_builder_init(struct builder *b, struct ob_store *st, const char *dir,
                        struct ob_diag *d)
{
	memset(b, 0, sizeof(*b));
	b->sort_mode = -1;
	b->st = st;
	b->d = d;
	b->dir = dir;
	ob_buf_init(&b->strings, OB_MAX_TEXT_FILE);
	ob_si_vec_init(&b->units, sizeof(struct ob_snap_unit), OB_MAX_SNAPSHOT_UNITS);
	ob_si_vec_init(&b->cats, sizeof(struct ob_snap_category), OB_MAX_SNAPSHOT_UNITS);
	ob_si_vec_init(&b->sources, sizeof(struct ob_snap_source), OB_MAX_SNAPSHOT_UNITS);
	ob_si_vec_init(&b->countries, 4, OB_MAX_SNAPSHOT_UNITS);
	ob_si_vec_init(&b->coverage, sizeof(struct ob_snap_coverage), OB_MAX_SNAPSHOT_COVERAGE);
	ob_si_vec_init(&b->age_bands, sizeof(struct ob_snap_age_band), OB_MAX_SNAPSHOT_AGE_BANDS);
	ob_strmap_init(&b->unit_map);
	ob_strmap_init(&b->cat_map);
	ob_strmap_init(&b->source_map);
	ob_strmap_init(&b->country_map);
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
		ob_si_vec_init(&b->tags[dim], 4, OB_MAX_SNAPSHOT_TAGS);
		ob_strmap_init(&b->tag_map[dim]);
	}
	/* offset 0 of the pool is the empty string (a failed add sticks:
	 * the pool's adds below report it) */
	ob_buf_putc(&b->strings, '\0');
}

void ob_si_builder_release(struct builder *b)
{
	ob_buf_release(&b->strings);
	ob_si_vec_free(&b->units);
	ob_si_vec_free(&b->cats);
	ob_si_vec_free(&b->sources);
	ob_si_vec_free(&b->countries);
	ob_si_vec_free(&b->coverage);
	ob_si_vec_free(&b->age_bands);
	ob_strmap_release(&b->unit_map);
	ob_strmap_release(&b->cat_map);
	ob_strmap_release(&b->source_map);
	ob_strmap_release(&b->country_map);
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
		ob_si_vec_free(&b->tags[dim]);
		ob_strmap_release(&b->tag_map[dim]);
	}
	free(b->country_unit);
	free(b->subs);
	explicit_bzero(b->secret, sizeof(b->secret));
	if (b->key_ctx) {
		explicit_bzero(b->key_ctx, b->sources.n * sizeof(*b->key_ctx));
		free(b->key_ctx);
	}
}

ob_err ob_si_build(struct ob_store *st, const char *dir, struct ob_diag *d)
{
	struct builder b;
	struct reader rd[SNAP_MAX_READERS];
	char stamp[OB_SNAPSHOT_STAMP];
	long long mmap_was;
	int nr = 0;
	ob_err e;

	ob_si_builder_init(&b, st, dir, d);
	/* the store's pages mapped rather than copied for the long scan (the
	 * connection's setting is put back afterwards) */
	mmap_was = ob_store_mmap_size(st);
	ob_store_set_mmap_size(st, SNAP_MMAP_SIZE, d);
	/* one read transaction: the snapshot is of one state of the store */
	if ((e = ob_store_read_begin(st, d)))
		goto release;
	if (!(e = ob_snapshot_stamp(st, stamp, d)) && !(e = ob_store_key_secret(st, b.secret, d)) &&
	    !(e = ob_si_load_units(&b)) && !(e = ob_si_load_categories(&b)) && !(e = ob_si_load_tags(&b)) &&
	    !(e = ob_si_load_submissions(&b))) {
		ob_si_key_contexts(&b);
		e = ob_si_load_records(&b, stamp, rd, &nr);
	}
	{
		struct ob_diag ignored;

		ob_store_read_end(st);
		ob_store_set_mmap_size(st, mmap_was, &ignored);
	}
	if (!e && !(e = ob_si_resolve_misses(&b, rd, nr))) {
		ob_si_resolve_bands(&b, rd, nr);
		/* the base replaced, then its deltas forgotten: a crash between
		 * leaves a list naming another base, which readers ignore */
		if (!(e = ob_si_write_file(&b, stamp, rd, nr, OB_SNAPSHOT_FILE)))
			ob_si_drop_deltas(dir);
	}
	for (int k = 0; k < nr; k++)
		ob_si_reader_release(&rd[k]);
release:
	ob_si_builder_release(&b);
	return e;
}

ob_err ob_snapshot_build(struct ob_store *st, const char *dir, struct ob_diag *d)
{
	int lock;
	ob_err e;

	if ((e = ob_si_writer_lock(dir, &lock, d)))
		return e;
	e = ob_si_build(st, dir, d);
	ob_si_writer_unlock(lock);
	return e;
}
