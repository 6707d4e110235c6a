/*
 * image.c - a photograph checked and rewritten without its metadata
 * (io/image.h). Each parser advances an offset within the file's length
 * and never reads past it; what it keeps it copies, segment by segment or
 * chunk by chunk, into the output.
 */
#include "io/image.h"

#include "base/limits.h"
#include "base/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

const char *ob_image_ext(enum ob_image_type t)
{
	return t == OB_IMAGE_PNG ? "png" : "jpg";
}

const char *ob_image_mime(enum ob_image_type t)
{
	return t == OB_IMAGE_PNG ? "image/png" : "image/jpeg";
}

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static ob_err bad(struct ob_diag *d, size_t at, const char *es, const char *en)
{
	char tes[OB_MAX_MESSAGE], ten[OB_MAX_MESSAGE];

	snprintf(tes, sizeof(tes), "fotografía, byte %zu: %s", at, es);
	snprintf(ten, sizeof(ten), "photograph, byte %zu: %s", at, en);
	return ob_diag_set_texts(d, OB_EINVAL, NULL, 0, 0, NULL, 0, tes, ten);
}

static ob_err dimensions(struct ob_diag *d, size_t at, unsigned long w, unsigned long h)
{
	if (w < OB_MIN_PHOTO_SIDE || h < OB_MIN_PHOTO_SIDE || w > OB_MAX_PHOTO_SIDE ||
	    h > OB_MAX_PHOTO_SIDE || (unsigned long long)w * h > OB_MAX_PHOTO_PIXELS)
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, NULL, 0,
		               "fotografía, byte %zu: %lu × %lu píxeles; se esperaban de %d a %d por "
		               "lado y %d millones en total como mucho",
		               "photograph, byte %zu: %lu × %lu pixels; expected %d to %d a side and "
		               "at most %d million in all", at, w, h, OB_MIN_PHOTO_SIDE,
		               OB_MAX_PHOTO_SIDE, OB_MAX_PHOTO_PIXELS / 1000000);
	return OB_OK;
}

static ob_err put(struct ob_buf *out, const unsigned char *p, size_t n, struct ob_diag *d)
{
	if (ob_buf_add(out, p, n))
		return OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0,
		               "la fotografía limpia no cabe en %zu bytes",
		               "the cleaned photograph does not fit in %zu bytes", out->max);
	return OB_OK;
}

/* ---- JPEG: SOI, segments (marker, length, body), scans, EOI ---- */

static bool jpeg_sof(unsigned m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* Whether segment m (its body b, len bytes) draws the picture. */
static bool jpeg_keep(unsigned m, const unsigned char *b, size_t len)
{
	if (jpeg_sof(m) || m == 0xc4 || m == 0xcc || m == 0xdb || m == 0xdd || m == 0xda)
		return true;
	/* Adobe's APP14: how to turn the components into colours */
	return m == 0xee && len >= 5 && !memcmp(b, "Adobe", 5);
}

/* The end of the entropy-coded data that starts at i: the first marker
 * that is not a stuffed 0xFF00 nor a restart marker. */
static size_t jpeg_scan_end(const unsigned char *in, size_t n, size_t i)
{
	while (i + 1 < n) {
		if (in[i] == 0xff && in[i + 1] != 0x00 && !(in[i + 1] >= 0xd0 && in[i + 1] <= 0xd7) &&
		    in[i + 1] != 0xff)
			return i;
		i++;
	}
	return n;
}

static ob_err jpeg_clean(const unsigned char *in, size_t n, struct ob_buf *out,
                         struct ob_image_info *info, struct ob_diag *d)
{
	static const unsigned char soi[2] = { 0xff, 0xd8 }, eoi[2] = { 0xff, 0xd9 };
	bool frame = false, scan = false;
	size_t i = 2;
	ob_err e;

	if ((e = put(out, soi, 2, d)))
		return e;
	for (;;) {
		size_t start, len;
		unsigned m;

		if (i >= n || in[i] != 0xff)
			return bad(d, i, "se esperaba un marcador JPEG (0xFF) o el final (FFD9)",
			           "expected a JPEG marker (0xFF) or the end (FFD9)");
		start = i;
		while (i < n && in[i] == 0xff) /* fill bytes */
			i++;
		if (i >= n)
			return bad(d, start, "el archivo termina sin el final de la imagen (FFD9)",
			           "the file ends without the image's end (FFD9)");
		m = in[i++];
		if (m == 0xd9) {
			if (!frame || !scan)
				return bad(d, start, "el final llega sin un cuadro y un barrido de la imagen",
				           "the end comes without a frame and a scan of the image");
			info->dropped_bytes += n - i;
			return put(out, eoi, 2, d);
		}
		if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7) || m == 0x00)
			return bad(d, start, "un marcador JPEG fuera de lugar",
			           "a JPEG marker out of place");
		if (i + 2 > n || (len = be16(in + i)) < 2 || i + len > n)
			return bad(d, start, "un segmento JPEG más largo que el archivo",
			           "a JPEG segment longer than the file");
		if (jpeg_sof(m)) {
			if (frame)
				return bad(d, start, "más de un cuadro (SOF) en la imagen",
				           "more than one frame (SOF) in the image");
			if (len < 8)
				return bad(d, start, "un cuadro (SOF) demasiado corto", "a frame (SOF) too short");
			frame = true;
			info->height = be16(in + i + 3);
			info->width = be16(in + i + 5);
			if ((e = dimensions(d, start, info->width, info->height)))
				return e;
		}
		if (m == 0xda && !frame)
			return bad(d, start, "un barrido (SOS) antes del cuadro (SOF)",
			           "a scan (SOS) before the frame (SOF)");
		if (jpeg_keep(m, in + i + 2, len - 2)) {
			unsigned char mk[2] = { 0xff, (unsigned char)m };
			if ((e = put(out, mk, 2, d)) || (e = put(out, in + i, len, d)))
				return e;
			i += len;
		} else {
			i += len;
			info->dropped++;
			info->dropped_bytes += i - start;
		}
		if (m == 0xda) {
			size_t end = jpeg_scan_end(in, n, i);
			if (end >= n)
				return bad(d, i, "los datos de un barrido llegan al final del archivo sin FFD9",
				           "a scan's data run to the end of the file without FFD9");
			scan = true;
			if ((e = put(out, in + i, end - i, d)))
				return e;
			i = end;
		}
	}
}

/* ---- PNG: signature, chunks (length, type, data, CRC) ---- */

static bool png_keep(const unsigned char *type)
{
	static const char *const keep[] = { "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA",
		                            "cHRM", "sRGB", "sBIT", "bKGD", "pHYs" };
	for (size_t k = 0; k < OB_ARRAY_SIZE(keep); k++)
		if (!memcmp(type, keep[k], 4))
			return true;
	return false;
}

static ob_err png_clean(const unsigned char *in, size_t n, struct ob_buf *out,
                        struct ob_image_info *info, struct ob_diag *d)
{
	size_t i = 8;
	bool first = true;
	ob_err e;

	if ((e = put(out, png_sig, 8, d)))
		return e;
	for (;;) {
		const unsigned char *type;
		unsigned long len, crc;
		size_t start = i;

		if (i + 12 > n)
			return bad(d, i, "el archivo termina sin el trozo final (IEND)",
			           "the file ends without the end chunk (IEND)");
		len = be32(in + i);
		type = in + i + 4;
		if (len > n - i - 12)
			return bad(d, i, "un trozo PNG más largo que el archivo",
			           "a PNG chunk longer than the file");
		for (int k = 0; k < 4; k++)
			if (!((type[k] >= 'A' && type[k] <= 'Z') || (type[k] >= 'a' && type[k] <= 'z')))
				return bad(d, i + 4, "un tipo de trozo PNG que no son cuatro letras",
				           "a PNG chunk type that is not four letters");
		crc = crc32(0L, type, (uInt)(len + 4));
		if (crc != be32(in + i + 8 + len))
			return bad(d, i, "la suma de control (CRC) de un trozo PNG no cuadra",
			           "a PNG chunk's checksum (CRC) does not match");
		if (first) {
			if (memcmp(type, "IHDR", 4) || len != 13)
				return bad(d, i, "se esperaba el encabezado (IHDR) primero",
				           "expected the header (IHDR) first");
			info->width = (unsigned)be32(in + i + 8);
			info->height = (unsigned)be32(in + i + 12);
			if ((e = dimensions(d, i, be32(in + i + 8), be32(in + i + 12))))
				return e;
			first = false;
		}
		i += 12 + len;
		if (png_keep(type)) {
			if ((e = put(out, in + start, i - start, d)))
				return e;
		} else if (!(type[0] & 0x20)) {
			/* a critical chunk this program does not know: the picture
			 * could not be drawn without it */
			return bad(d, start, "un trozo PNG esencial desconocido",
			           "an unknown critical PNG chunk");
		} else {
			info->dropped++;
			info->dropped_bytes += i - start;
		}
		if (!memcmp(type, "IEND", 4)) {
			info->dropped_bytes += n - i;
			return OB_OK;
		}
	}
}

ob_err ob_image_clean(const unsigned char *in, size_t n, struct ob_buf *out,
                      struct ob_image_info *info, struct ob_diag *d)
{
	ob_err e;

	memset(info, 0, sizeof(*info));
	ob_buf_reset(out);
	if (n > OB_MAX_PHOTO_BYTES)
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, NULL, 0,
		               "la fotografía tiene %zu bytes; se esperaban %d como mucho",
		               "the photograph has %zu bytes; expected at most %d", n,
		               OB_MAX_PHOTO_BYTES);
	if (n >= 3 && in[0] == 0xff && in[1] == 0xd8 && in[2] == 0xff) {
		info->type = OB_IMAGE_JPEG;
		e = jpeg_clean(in, n, out, info, d);
	} else if (n >= 8 && !memcmp(in, png_sig, 8)) {
		info->type = OB_IMAGE_PNG;
		e = png_clean(in, n, out, info, d);
	} else {
		return bad(d, 0, "no es una fotografía JPEG ni PNG (por su firma, no por su nombre)",
		           "not a JPEG or PNG photograph (by its signature, not its name)");
	}
	if (e)
		ob_buf_reset(out);
	return e;
}

bool ob_image_ref(const char *v, enum ob_image_type *type)
{
	size_t n = v ? strlen(v) : 0;

	if (n != 7 + 64 + 4 || strncmp(v, "photos/", 7))
		return false;
	for (size_t k = 7; k < 7 + 64; k++)
		if (!((v[k] >= '0' && v[k] <= '9') || (v[k] >= 'a' && v[k] <= 'f')))
			return false;
	if (!strcmp(v + 71, ".jpg"))
		*type = OB_IMAGE_JPEG;
	else if (!strcmp(v + 71, ".png"))
		*type = OB_IMAGE_PNG;
	else
		return false;
	return true;
}

static ob_err io_fail(struct ob_diag *d, const char *path)
{
	return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo guardar la fotografía: %s",
	               "the photograph could not be kept: %s", strerror(errno));
}

ob_err ob_image_keep(const char *dir, const unsigned char *in, size_t n, char ref[OB_IMAGE_REF],
                     struct ob_image_info *info, struct ob_diag *d)
{
	char folder[OB_MAX_PATH], tmp[OB_MAX_PATH], path[OB_MAX_PATH], hex[65];
	unsigned char digest[OB_SHA256_LEN];
	struct ob_sha256 h;
	struct ob_buf out;
	size_t done = 0;
	int fd, dfd;
	ob_err e;

	ob_buf_init(&out, OB_MAX_PHOTO_BYTES);
	if ((e = ob_image_clean(in, n, &out, info, d)))
		goto release_out;
	ob_sha256_init(&h);
	ob_sha256_update(&h, out.ptr, out.len);
	ob_sha256_final(&h, digest);
	ob_sha256_hex(digest, hex);
	snprintf(ref, OB_IMAGE_REF, "photos/%s.%s", hex, ob_image_ext(info->type));
	if (snprintf(folder, sizeof(folder), "%s/photos", dir) >= (int)sizeof(folder) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, ref) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.%ld", folder, ref + 7, (long)getpid()) >=
	            (int)sizeof(tmp)) {
		e = OB_DIAG(d, OB_EINVAL, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		            "path too long");
		goto release_out;
	}
	if (mkdir(folder, 0755) != 0 && errno != EEXIST) {
		e = io_fail(d, folder);
		goto release_out;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		e = io_fail(d, tmp);
		goto release_out;
	}
	while (done < out.len) {
		ssize_t w = write(fd, out.ptr + done, out.len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = io_fail(d, tmp);
			goto close_tmp;
		}
		done += (size_t)w;
	}
	if (fsync(fd) != 0) {
		e = io_fail(d, tmp);
		goto close_tmp;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		e = io_fail(d, path);
		unlink(tmp);
		goto release_out;
	}
	if ((dfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	goto release_out;
close_tmp:
	close(fd);
	unlink(tmp);
release_out:
	ob_buf_release(&out);
	return e;
}
