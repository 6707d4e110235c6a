/*
 * demo_photo.c - the demo's photograph of a missing person (demo/photo.h):
 * not a person's, a drawn placeholder, a grey silhouette (head and
 * shoulders) on a pale ground, 48 × 64 pixels, as a PNG written by hand
 * with stored (uncompressed) deflate blocks, so its bytes, and the
 * reference that names them, are the same with any zlib.
 */
#include "demo/photo.h"

#include <string.h>
#include <zlib.h>

#define W 48
#define H 64

static size_t be32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

/* A chunk at out: length, type, data (already at out + 8), CRC. */
static size_t chunk(unsigned char *out, const char *type, size_t len)
{
	memcpy(out + 4, type, 4);
	be32(out, len);
	be32(out + 8 + len, crc32(0L, out + 4, (uInt)(len + 4)));
	return 12 + len;
}

/* Whether pixel (x, y) is the silhouette's: a head (a circle) on
 * shoulders (half an ellipse from the bottom). */
static bool figure(int x, int y)
{
	int hx = x - W / 2, hy = y - 24, sx = x - W / 2, sy = y - H;

	/* the head of radius 11; the shoulders, semi-axes 20 across and 26 up */
	return hx * hx + hy * hy <= 11 * 11 ||
	       (sy <= 0 && sx * sx * 26 * 26 + sy * sy * 20 * 20 <= 20 * 20 * 26 * 26);
}

size_t ob_demo_photo_png(unsigned char *out, size_t cap)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	unsigned char raw[H * (1 + W * 3)], *p = out, *z;
	size_t n = 0, rawn = sizeof(raw), left, at;
	unsigned long adler;

	if (cap < OB_DEMO_PHOTO_MAX)
		return 0;
	for (int y = 0; y < H; y++) {
		raw[n++] = 0; /* no filter */
		for (int x = 0; x < W; x++) {
			unsigned char v = figure(x, y) ? 0x8a : 0xe6;
			raw[n++] = v;
			raw[n++] = v;
			raw[n++] = (unsigned char)(v + (figure(x, y) ? 6 : 4));
		}
	}
	memcpy(p, sig, 8);
	p += 8;
	be32(p + 8, W);
	be32(p + 12, H);
	p[16] = 8, p[17] = 2, p[18] = 0, p[19] = 0, p[20] = 0; /* 8-bit RGB */
	p += chunk(p, "IHDR", 13);
	/* IDAT: zlib header, stored blocks of at most 65,535 bytes, Adler-32 */
	z = p + 8;
	at = 0;
	z[at++] = 0x78;
	z[at++] = 0x01;
	for (left = rawn; left > 0;) {
		size_t k = left > 65535 ? 65535 : left;
		z[at++] = left == k ? 1 : 0;
		z[at++] = (unsigned char)(k & 0xff);
		z[at++] = (unsigned char)(k >> 8);
		z[at++] = (unsigned char)(~k & 0xff);
		z[at++] = (unsigned char)((~k >> 8) & 0xff);
		memcpy(z + at, raw + (rawn - left), k);
		at += k;
		left -= k;
	}
	adler = adler32(1L, raw, (uInt)rawn);
	at += be32(z + at, adler);
	p += chunk(p, "IDAT", at);
	p += chunk(p, "IEND", 0);
	return (size_t)(p - out);
}
