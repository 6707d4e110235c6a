/* snapshot.c - the snapshot's file format (sections, header, checksums),
 * its names of dimensions and institutions, its path, and the store's stamp
 * it is built from. The pieces are listed in engine/snap_impl.h. */
#include "engine/snap_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
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
 * The file format.
 */
const char ob_si_snap_magic[8] = { 'O', 'B', 'S', 'N', 'A', 'P', '\r', '\n' };

_Static_assert(sizeof(struct snap_header) <= SNAP_HEADER_SIZE, "snapshot header too big");
_Static_assert(sizeof(struct ob_snap_unit) == 24, "unit layout");
_Static_assert(sizeof(struct ob_snap_category) == 12, "category layout");
_Static_assert(sizeof(struct ob_snap_source) == 8, "source layout");
_Static_assert(sizeof(struct ob_snap_coverage) == 16, "coverage layout");
_Static_assert(sizeof(struct ob_snap_age_band) == 2, "age band layout");
_Static_assert(OB_SNAP_AGE_BAND0 + OB_MAX_SNAPSHOT_AGE_BANDS == OB_SNAP_AGE_UNKNOWN,
               "the age column holds ages, then bands, then unknown");
_Static_assert(OB_F_COUNT <= 32, "a bit per canonical field in ob_snap_coverage.fields");

const char *const ob_si_dim_names[OB_SNAP_DIMS] = {
	"manner", "mechanism", "place", "relationship", "context",
};

static const char *const inst_names[OB_INST_COUNT] = {
	"other", "police", "forensic", "prosecutor", "validated",
};

const char *ob_snap_dim_name(enum ob_snap_dim dim)
{
	return (unsigned)dim < OB_SNAP_DIMS ? ob_si_dim_names[dim] : "?";
}

const char *ob_institution_name(enum ob_institution i)
{
	return (unsigned)i < OB_INST_COUNT ? inst_names[i] : "other";
}

int ob_institution_parse(const char *s, size_t n)
{
	for (int i = 0; i < OB_INST_COUNT; i++)
		if (strlen(inst_names[i]) == n && !memcmp(inst_names[i], s, n))
			return i;
	return -1;
}

/*
 * A 64-bit checksum of a byte range: four lanes of multiply-rotate over
 * 8-byte words, then the tail and the length. Catches truncation, flipped
 * bits and overwritten blocks; it is not a cryptographic hash.
 */
#define CK_P1 0x9E3779B185EBCA87ULL
#define CK_P2 0xC2B2AE3D27D4EB4FULL
#define CK_P3 0x165667B19E3779F9ULL

static inline uint64_t rotl64(uint64_t v, int r)
{
	return (v << r) | (v >> (64 - r));
}

static inline uint64_t ck_round(uint64_t h, uint64_t w)
{
	h += w * CK_P2;
	h = rotl64(h, 31);
	return h * CK_P1;
}

uint64_t ob_si_checksum(const unsigned char *p, size_t n)
{
	uint64_t h[4] = { CK_P1 + CK_P2, CK_P2, 0, CK_P1 * 3 }, r;
	size_t i = 0;

	for (; i + 32 <= n; i += 32) {
		uint64_t w[4];
		memcpy(w, p + i, 32);
		h[0] = ck_round(h[0], w[0]);
		h[1] = ck_round(h[1], w[1]);
		h[2] = ck_round(h[2], w[2]);
		h[3] = ck_round(h[3], w[3]);
	}
	r = rotl64(h[0], 1) + rotl64(h[1], 7) + rotl64(h[2], 12) + rotl64(h[3], 18);
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		r = ck_round(r, w);
	}
	for (; i < n; i++)
		r = (r ^ (p[i] * CK_P3)) * CK_P1;
	r ^= (uint64_t)n * CK_P3;
	r ^= r >> 33;
	r *= CK_P2;
	r ^= r >> 29;
	return r;
}

uint64_t ob_si_fold_start(void)
{
	return CK_P2 ^ CK_P3;
}

uint64_t ob_si_fold_block(uint64_t acc, uint64_t block_sum)
{
	return ck_round(acc, block_sum);
}

uint64_t ob_si_fold_end(uint64_t acc, uint64_t len)
{
	acc ^= len * CK_P1;
	acc ^= acc >> 31;
	return acc * CK_P3;
}

uint64_t ob_si_section_checksum(const unsigned char *p, size_t n)
{
	uint64_t acc = ob_si_fold_start();

	for (size_t off = 0; off < n; off += SNAP_BLOCK)
		acc = ob_si_fold_block(acc, ob_si_checksum(p + off, n - off < SNAP_BLOCK ? n - off : SNAP_BLOCK));
	return ob_si_fold_end(acc, n);
}

ob_err ob_snapshot_path(const char *dir, char *out, size_t size)
{
	if ((size_t)snprintf(out, size, "%s/%s/%s", dir, OB_SNAPSHOT_DIR, OB_SNAPSHOT_FILE) >= size)
		return OB_ETOOBIG;
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * The store's stamp.
 */
static uint64_t hash_mix(uint64_t h, const void *p, size_t n)
{
	return (h ^ ob_hash_bytes(p, n)) * CK_P1 + 0x632BE59BD9B4E019ULL;
}

static void hash_text(void *arg, const char *t, size_t n)
{
	uint64_t *h = arg;

	*h = t ? hash_mix(*h, t, n) : hash_mix(*h, "\x01", 1);
}

ob_err ob_snapshot_stamp(struct ob_store *st, char *out, struct ob_diag *d)
{
	uint64_t h = CK_P3;
	long long maxid = 0, current = 0;
	ob_err e;

	if ((e = ob_store_snapshot_inputs(st, &maxid, &current, hash_text, &h, d)))
		return e;
	snprintf(out, OB_SNAPSHOT_STAMP, "v%d s%lld c%lld k%016llx", OB_SNAPSHOT_VERSION, maxid,
	         current, (unsigned long long)h);
	return OB_OK;
}


ob_err ob_si_writer_lock(const char *dir, int *fd, struct ob_diag *d)
{
	char path[OB_MAX_PATH];

	*fd = -1;
	if (snprintf(path, sizeof(path), "%s/%s", dir, OB_SNAPSHOT_DIR) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		               "cannot create: %s", strerror(errno));
	if (snprintf(path, sizeof(path), "%s/%s/.lock", dir, OB_SNAPSHOT_DIR) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo abrir: %s",
		               "cannot open: %s", strerror(errno));
	while (flock(*fd, LOCK_EX) != 0) {
		if (errno == EINTR)
			continue;
		close(*fd);
		*fd = -1;
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo bloquear: %s",
		               "cannot lock: %s", strerror(errno));
	}
	return OB_OK;
}

void ob_si_writer_unlock(int fd)
{
	if (fd >= 0)
		close(fd);   /* releases the lock */
}
