/*
 * sha256.h - SHA-256 (FIPS 180-4) for file fingerprints.
 *
 * A context is a plain value: no heap memory, copy it freely (copying is how
 * a digest "so far" is taken without ending the stream).
 *
 *   struct ob_sha256 c;
 *   ob_sha256_init(&c);
 *   ob_sha256_update(&c, p, n);  ... as often as needed
 *   ob_sha256_final(&c, digest); // c must be initialised again to reuse
 */
#ifndef OB_SHA256_H
#define OB_SHA256_H

#include "base/common.h"

#define OB_SHA256_LEN 32

struct ob_sha256 {
	uint32_t h[8];
	uint64_t bytes;        /* message length so far */
	unsigned char blk[64]; /* pending partial block */
	size_t nblk;
	bool hw;               /* use the CPU's SHA instructions */
};

/* Start a digest; uses the CPU's SHA instructions when it has them (x86-64
 * SHA extensions), which is several times faster. */
void ob_sha256_init(struct ob_sha256 *c);

/* Start a digest that uses the portable code only (for tests). */
void ob_sha256_init_portable(struct ob_sha256 *c);
void ob_sha256_update(struct ob_sha256 *c, const void *p, size_t n);
void ob_sha256_final(struct ob_sha256 *c, unsigned char digest[OB_SHA256_LEN]);

/* Lower-case hex of a digest, NUL-terminated. */
void ob_sha256_hex(const unsigned char digest[OB_SHA256_LEN], char hex[65]);

/* Digest of the bytes given so far, as hex, leaving c untouched. */
void ob_sha256_peek_hex(const struct ob_sha256 *c, char hex[65]);

#endif
