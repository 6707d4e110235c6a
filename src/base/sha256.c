/* sha256.c - SHA-256 as specified in FIPS 180-4, section 6.2. */
#include "base/sha256.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void compress(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	while (nblocks--) {
		uint32_t w[64], a, b, c, d, e, f, g, hh;
		int t;

		for (t = 0; t < 16; t++)
			w[t] = load_be32(p + 4 * t);
		for (; t < 64; t++) {
			uint32_t s0 = ror(w[t - 15], 7) ^ ror(w[t - 15], 18) ^ (w[t - 15] >> 3);
			uint32_t s1 = ror(w[t - 2], 17) ^ ror(w[t - 2], 19) ^ (w[t - 2] >> 10);
			w[t] = w[t - 16] + s0 + w[t - 7] + s1;
		}
		a = h[0]; b = h[1]; c = h[2]; d = h[3];
		e = h[4]; f = h[5]; g = h[6]; hh = h[7];
		for (t = 0; t < 64; t++) {
			uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
			              ((e & f) ^ (~e & g)) + K[t] + w[t];
			uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
			              ((a & b) ^ (a & c) ^ (b & c));
			hh = g; g = f; f = e; e = d + t1;
			d = c; c = b; b = a; a = t1 + t2;
		}
		h[0] += a; h[1] += b; h[2] += c; h[3] += d;
		h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
		p += 64;
	}
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define OB_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#include <pthread.h>

static bool cpu_has_sha_now(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
		return false;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return (b & bit_SHA) != 0;
}

static bool has_sha;
static pthread_once_t asked = PTHREAD_ONCE_INIT;

static void ask_cpu(void)
{
	has_sha = cpu_has_sha_now();
}

/* Whether the CPU has the SHA extensions, asked once per process: CPUID
 * is slow where it traps to a hypervisor (about 6 µs each on a virtual
 * machine), and a digest is started for every row of a delivery. */
static bool cpu_has_sha(void)
{
	pthread_once(&asked, ask_cpu);
	return has_sha;
}

/*
 * The same compression with the SHA extensions. sha256rnds2 does two rounds
 * on the state held as ABEF and CDGH (words a b e f and c d g h); after two
 * rounds the new CDGH is the old ABEF, so each call writes over the half
 * that the next call no longer needs. sha256msg1/msg2 extend the message
 * schedule four words at a time: w[t] = s1(w[t-2]) + w[t-7] + s0(w[t-15])
 * + w[t-16].
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_x86(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11,
	                                   4, 5, 6, 7, 0, 1, 2, 3);
	__m128i abef, cdgh, t;

	/* h = a b c d | e f g h  ->  abef, cdgh (highest lane first) */
	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1);
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B);
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xF0);

	while (nblocks--) {
		__m128i w[4], save_abef = abef, save_cdgh = cdgh;

		/* unrolled, so that w[] stays in registers */
#pragma GCC unroll 16
		for (int g = 0; g < 16; g++) {
			__m128i m, k;
			if (g < 4) {
				w[g] = _mm_shuffle_epi8(
					_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
			} else {
				/* w[g % 4] holds words 4(g-4)..4(g-4)+3 */
				__m128i x = _mm_sha256msg1_epu32(w[g % 4], w[(g + 1) % 4]);
				x = _mm_add_epi32(x, _mm_alignr_epi8(w[(g + 3) % 4],
				                                     w[(g + 2) % 4], 4));
				w[g % 4] = _mm_sha256msg2_epu32(x, w[(g + 3) % 4]);
			}
			k = _mm_loadu_si128((const __m128i *)&K[4 * g]);
			m = _mm_add_epi32(w[g % 4], k);
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m);
			m = _mm_shuffle_epi32(m, 0x0E);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, m);
		}
		abef = _mm_add_epi32(abef, save_abef);
		cdgh = _mm_add_epi32(cdgh, save_cdgh);
		p += 64;
	}

	/* abef, cdgh -> a b c d | e f g h */
	t = _mm_shuffle_epi32(abef, 0x1B);
	cdgh = _mm_shuffle_epi32(cdgh, 0xB1);
	abef = _mm_blend_epi16(t, cdgh, 0xF0);
	cdgh = _mm_alignr_epi8(cdgh, t, 8);
	_mm_storeu_si128((__m128i *)&h[0], abef);
	_mm_storeu_si128((__m128i *)&h[4], cdgh);
}
#endif

static void compress_any(const struct ob_sha256 *c, uint32_t h[8],
                         const unsigned char *p, size_t nblocks)
{
#ifdef OB_SHA256_X86
	if (c->hw) {
		compress_x86(h, p, nblocks);
		return;
	}
#else
	(void)c;
#endif
	compress(h, p, nblocks);
}

void ob_sha256_init_portable(struct ob_sha256 *c)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(c->h, h0, sizeof(h0));
	c->bytes = 0;
	c->nblk = 0;
	c->hw = false;
}

void ob_sha256_init(struct ob_sha256 *c)
{
	ob_sha256_init_portable(c);
#ifdef OB_SHA256_X86
	c->hw = cpu_has_sha();
#endif
}

void ob_sha256_update(struct ob_sha256 *c, const void *data, size_t n)
{
	const unsigned char *p = data;

	c->bytes += n;
	if (c->nblk) {
		size_t k = 64 - c->nblk < n ? 64 - c->nblk : n;
		memcpy(c->blk + c->nblk, p, k);
		c->nblk += k;
		p += k;
		n -= k;
		if (c->nblk < 64)
			return;
		compress_any(c, c->h, c->blk, 1);
		c->nblk = 0;
	}
	if (n >= 64) {
		compress_any(c, c->h, p, n / 64);
		p += n & ~(size_t)63;
		n &= 63;
	}
	if (n) {
		memcpy(c->blk, p, n);
		c->nblk = n;
	}
}

void ob_sha256_final(struct ob_sha256 *c, unsigned char digest[OB_SHA256_LEN])
{
	uint64_t bits = c->bytes * 8;
	unsigned char pad[72] = { 0x80 };
	size_t padlen = c->nblk < 56 ? 56 - c->nblk : 120 - c->nblk;

	for (int i = 0; i < 8; i++)
		pad[padlen + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	ob_sha256_update(c, pad, padlen + 8);
	for (int i = 0; i < 8; i++) {
		digest[4 * i] = (unsigned char)(c->h[i] >> 24);
		digest[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		digest[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		digest[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void ob_sha256_hex(const unsigned char digest[OB_SHA256_LEN], char hex[65])
{
	static const char x[] = "0123456789abcdef";

	for (int i = 0; i < OB_SHA256_LEN; i++) {
		hex[2 * i] = x[digest[i] >> 4];
		hex[2 * i + 1] = x[digest[i] & 15];
	}
	hex[64] = '\0';
}

void ob_sha256_peek_hex(const struct ob_sha256 *c, char hex[65])
{
	struct ob_sha256 copy = *c;
	unsigned char d[OB_SHA256_LEN];

	ob_sha256_final(&copy, d);
	ob_sha256_hex(d, hex);
}
