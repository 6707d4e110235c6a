/* test_image.c - photographs checked and rewritten without their metadata
 * (io/image.h): files built here segment by segment and chunk by chunk,
 * the metadata gone and the picture's bytes kept in order; a table of
 * damaged, oversized and foreign files, each refused at its byte. */
#include "test.h"

#include <string.h>
#include <zlib.h>

#include "base/limits.h"
#include "io/image.h"

struct bytes {
	unsigned char p[4096];
	size_t n;
};

static void add(struct bytes *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->p));
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void add_str(struct bytes *b, const char *s)
{
	add(b, s, strlen(s));
}

/* A JPEG segment: FF m, its length, body. */
static void seg(struct bytes *b, unsigned m, const void *body, size_t n)
{
	unsigned char h[4] = { 0xff, (unsigned char)m, (unsigned char)((n + 2) >> 8),
		               (unsigned char)(n + 2) };
	add(b, h, 4);
	add(b, body, n);
}

static const unsigned char sof_body[] = { 8, 0x01, 0xe0, 0x02, 0x80, 3, 1, 0x22, 0, 2, 0x11, 1,
	                                  3, 0x11, 1 }; /* 640 × 480 */
static const unsigned char dqt_body[] = { 0, 16, 11, 10, 16, 24, 40, 51, 61 };
static const unsigned char dht_body[] = { 0, 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
static const unsigned char sos_body[] = { 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0 };
/* entropy-coded data: a stuffed FF00 and a restart marker belong to it */
static const unsigned char scan[] = { 0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78, 0x9a };

/* A JPEG with Exif (a GPS tag), XMP, a comment, a JFIF thumbnail and Adobe,
 * then data after the end. */
static void jpeg_with_metadata(struct bytes *b, const unsigned char *sof, size_t sof_n)
{
	static const unsigned char soi[] = { 0xff, 0xd8 }, eoi[] = { 0xff, 0xd9 };
	b->n = 0;
	add(b, soi, 2);
	seg(b, 0xe0, "JFIF\0\1\1\0\0\1\0\1\0\0", 14);
	seg(b, 0xe1, "Exif\0\0GPSLatitude 13.69 Canon EOS", 33);
	seg(b, 0xe1, "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>Ana</x:xmpmeta>", 55);
	seg(b, 0xfe, "Tomada por Ana en Soyapango", 27);
	seg(b, 0xee, "Adobe\0\144\0\0\0\0\1", 12);
	seg(b, 0xdb, dqt_body, sizeof(dqt_body));
	seg(b, 0xc0, sof, sof_n);
	seg(b, 0xc4, dht_body, sizeof(dht_body));
	seg(b, 0xda, sos_body, sizeof(sos_body));
	add(b, scan, sizeof(scan));
	add(b, eoi, 2);
	add_str(b, "trailing secret");
}

/* The same picture as it should come out. */
static void jpeg_clean_expected(struct bytes *b)
{
	static const unsigned char soi[] = { 0xff, 0xd8 }, eoi[] = { 0xff, 0xd9 };
	b->n = 0;
	add(b, soi, 2);
	seg(b, 0xee, "Adobe\0\144\0\0\0\0\1", 12);
	seg(b, 0xdb, dqt_body, sizeof(dqt_body));
	seg(b, 0xc0, sof_body, sizeof(sof_body));
	seg(b, 0xc4, dht_body, sizeof(dht_body));
	seg(b, 0xda, sos_body, sizeof(sos_body));
	add(b, scan, sizeof(scan));
	add(b, eoi, 2);
}

static void put32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A PNG chunk with its CRC. */
static void chunk(struct bytes *b, const char *type, const void *data, size_t n)
{
	unsigned char h[8], c[4];
	unsigned long crc;

	put32(h, n);
	memcpy(h + 4, type, 4);
	add(b, h, 8);
	add(b, data, n);
	crc = crc32(0L, (const unsigned char *)type, 4);
	crc = crc32(crc, data, (uInt)n);
	put32(c, crc);
	add(b, c, 4);
}

static void ihdr(unsigned char out[13], unsigned long w, unsigned long h)
{
	put32(out, w);
	put32(out + 4, h);
	out[8] = 8, out[9] = 2, out[10] = 0, out[11] = 0, out[12] = 0;
}

static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static void png_with_metadata(struct bytes *b, unsigned long w, unsigned long h)
{
	unsigned char hd[13];
	b->n = 0;
	add(b, png_sig, 8);
	ihdr(hd, w, h);
	chunk(b, "IHDR", hd, 13);
	chunk(b, "gAMA", "\0\0\xb1\x8f", 4);
	chunk(b, "tEXt", "Author\0Ana Nieves", 17);
	chunk(b, "eXIf", "MM\0*GPS", 7);
	chunk(b, "tIME", "\x07\xea\x0c\x07\x04\x05\x06", 7);
	chunk(b, "IDAT", "\x78\x9c\x01\x02\x03", 5);
	chunk(b, "IEND", "", 0);
	add_str(b, "after the end");
}

static void png_clean_expected(struct bytes *b, unsigned long w, unsigned long h)
{
	unsigned char hd[13];
	b->n = 0;
	add(b, png_sig, 8);
	ihdr(hd, w, h);
	chunk(b, "IHDR", hd, 13);
	chunk(b, "gAMA", "\0\0\xb1\x8f", 4);
	chunk(b, "IDAT", "\x78\x9c\x01\x02\x03", 5);
	chunk(b, "IEND", "", 0);
}

static bool holds(const struct ob_buf *b, const char *s)
{
	return b->len >= strlen(s) && memmem(b->ptr, b->len, s, strlen(s));
}

static void jpeg_cleaned(void **state)
{
	struct bytes in, want;
	struct ob_image_info info;
	struct ob_buf out;
	struct ob_diag d;
	(void)state;

	ob_buf_init(&out, OB_MAX_PHOTO_BYTES);
	jpeg_with_metadata(&in, sof_body, sizeof(sof_body));
	jpeg_clean_expected(&want);
	assert_int_equal(ob_image_clean(in.p, in.n, &out, &info, &d), OB_OK);
	assert_int_equal(info.type, OB_IMAGE_JPEG);
	assert_int_equal(info.width, 640);
	assert_int_equal(info.height, 480);
	assert_int_equal(info.dropped, 4); /* JFIF, Exif, XMP, the comment */
	assert_int_equal(out.len, want.n);
	assert_memory_equal(out.ptr, want.p, want.n);
	assert_false(holds(&out, "GPS"));
	assert_false(holds(&out, "Ana"));
	assert_false(holds(&out, "secret"));
	assert_string_equal(ob_image_ext(info.type), "jpg");
	assert_string_equal(ob_image_mime(info.type), "image/jpeg");
	/* what comes out goes through unchanged */
	memcpy(in.p, out.ptr, out.len);
	in.n = out.len;
	assert_int_equal(ob_image_clean(in.p, in.n, &out, &info, &d), OB_OK);
	assert_int_equal(info.dropped, 0);
	assert_memory_equal(out.ptr, want.p, want.n);
	ob_buf_release(&out);
}

static void png_cleaned(void **state)
{
	struct bytes in, want;
	struct ob_image_info info;
	struct ob_buf out;
	struct ob_diag d;
	(void)state;

	ob_buf_init(&out, OB_MAX_PHOTO_BYTES);
	png_with_metadata(&in, 800, 600);
	png_clean_expected(&want, 800, 600);
	assert_int_equal(ob_image_clean(in.p, in.n, &out, &info, &d), OB_OK);
	assert_int_equal(info.type, OB_IMAGE_PNG);
	assert_int_equal(info.width, 800);
	assert_int_equal(info.height, 600);
	assert_int_equal(info.dropped, 3); /* tEXt, eXIf, tIME */
	assert_int_equal(out.len, want.n);
	assert_memory_equal(out.ptr, want.p, want.n);
	assert_false(holds(&out, "Ana"));
	assert_false(holds(&out, "GPS"));
	assert_string_equal(ob_image_mime(info.type), "image/png");
	ob_buf_release(&out);
}

/* Refused, each at its byte. */
static void refused(void **state)
{
	static const unsigned char huge_sof[] = { 8, 0x27, 0x10, 0x27, 0x10, 3, 1, 0x22, 0, 2,
		                                  0x11, 1, 3, 0x11, 1 }; /* 10000 × 10000 */
	static const unsigned char tiny_sof[] = { 8, 0, 8, 0, 8, 3, 1, 0x22, 0, 2, 0x11, 1, 3,
		                                  0x11, 1 };             /* 8 × 8 */
	struct bytes b;
	struct ob_image_info info;
	struct ob_buf out;
	struct ob_diag d;
	size_t cut;
	(void)state;

	ob_buf_init(&out, OB_MAX_PHOTO_BYTES);
	/* not an image: a GIF, an HTML page named .jpg, nothing */
	assert_int_equal(ob_image_clean((const unsigned char *)"GIF89a....", 10, &out, &info, &d),
	                 OB_EINVAL);
	assert_non_null(strstr(d.message, "byte 0"));
	assert_int_equal(ob_image_clean((const unsigned char *)"<html>", 6, &out, &info, &d),
	                 OB_EINVAL);
	assert_int_equal(ob_image_clean((const unsigned char *)"", 0, &out, &info, &d), OB_EINVAL);
	/* dimensions outside the limits */
	jpeg_with_metadata(&b, huge_sof, sizeof(huge_sof));
	assert_int_equal(ob_image_clean(b.p, b.n, &out, &info, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "10000"));
	assert_int_equal(out.len, 0); /* nothing half-written */
	jpeg_with_metadata(&b, tiny_sof, sizeof(tiny_sof));
	assert_int_equal(ob_image_clean(b.p, b.n, &out, &info, &d), OB_EINVAL);
	png_with_metadata(&b, 100000, 2);
	assert_int_equal(ob_image_clean(b.p, b.n, &out, &info, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "byte 8"));
	png_with_metadata(&b, 7000, 7000); /* each side under the limit, 49 million in all */
	assert_int_equal(ob_image_clean(b.p, b.n, &out, &info, &d), OB_EINVAL);
	/* cut anywhere: never read past the end, always refused */
	jpeg_with_metadata(&b, sof_body, sizeof(sof_body));
	for (cut = 0; cut < b.n - strlen("trailing secret") - 2; cut++)
		assert_int_equal(ob_image_clean(b.p, cut, &out, &info, &d), OB_EINVAL);
	png_with_metadata(&b, 800, 600);
	for (cut = 0; cut < b.n - strlen("after the end"); cut++)
		assert_int_equal(ob_image_clean(b.p, cut, &out, &info, &d), OB_EINVAL);
	/* a PNG chunk whose CRC is wrong; an unknown critical chunk */
	png_with_metadata(&b, 800, 600);
	b.p[8 + 8 + 5] ^= 1; /* a byte of IHDR's data */
	assert_int_equal(ob_image_clean(b.p, b.n, &out, &info, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "CRC"));
	{
		unsigned char hd[13];
		b.n = 0;
		add(&b, png_sig, 8);
		ihdr(hd, 800, 600);
		chunk(&b, "IHDR", hd, 13);
		chunk(&b, "ZZZZ", "x", 1);
		chunk(&b, "IEND", "", 0);
		assert_int_equal(ob_image_clean(b.p, b.n, &out, &info, &d), OB_EINVAL);
		assert_non_null(strstr(d.message, "byte 33"));
	}
	/* a JPEG with two frames, or a scan before its frame */
	{
		static const unsigned char soi[] = { 0xff, 0xd8 }, eoi[] = { 0xff, 0xd9 };
		b.n = 0;
		add(&b, soi, 2);
		seg(&b, 0xc0, sof_body, sizeof(sof_body));
		seg(&b, 0xc2, sof_body, sizeof(sof_body));
		add(&b, eoi, 2);
		assert_int_equal(ob_image_clean(b.p, b.n, &out, &info, &d), OB_EINVAL);
		b.n = 0;
		add(&b, soi, 2);
		seg(&b, 0xda, sos_body, sizeof(sos_body));
		add(&b, scan, sizeof(scan));
		add(&b, eoi, 2);
		assert_int_equal(ob_image_clean(b.p, b.n, &out, &info, &d), OB_EINVAL);
		assert_non_null(strstr(d.message, "byte 2"));
	}
	ob_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jpeg_cleaned),
		cmocka_unit_test(png_cleaned),
		cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
