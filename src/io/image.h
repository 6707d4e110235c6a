/*
 * image.h - photographs taken for publication (docs/missing.md,
 * "Fotografías"): a JPEG or PNG file is checked and rewritten without its
 * metadata before it is kept.
 *
 * Checked: the type by the file's signature (never by its name), its size
 * (OB_MAX_PHOTO_BYTES), its dimensions as its header declares them
 * (OB_MIN_PHOTO_SIDE to OB_MAX_PHOTO_SIDE a side, OB_MAX_PHOTO_PIXELS in
 * all), and its structure: every JPEG segment and PNG chunk within the
 * file, one frame, PNG chunks' CRCs right, an end marker.
 *
 * Rewritten: only what draws the picture is kept. JPEG: the frame, tables,
 * restart interval, scans and their data, and Adobe's APP14 (the colour
 * transform some files need); every other APPn (Exif with its GPS position,
 * camera and date, XMP, the JFIF thumbnail, ICC profiles, Photoshop's
 * IPTC) and every comment go. PNG: IHDR, PLTE, IDAT, IEND and the
 * ancillary chunks that only say how to show the pixels (tRNS, gAMA,
 * cHRM, sRGB, sBIT, bKGD, pHYs); text (tEXt, zTXt, iTXt), eXIf, tIME,
 * iCCP and any other go. Bytes after the end go too. An Exif orientation
 * goes with the rest: a photograph taken sideways shows sideways.
 *
 * Nothing is decoded: the pixels are copied as they are.
 */
#ifndef OB_IO_IMAGE_H
#define OB_IO_IMAGE_H

#include "base/buf.h"
#include "base/error.h"

enum ob_image_type {
	OB_IMAGE_JPEG = 1,
	OB_IMAGE_PNG,
};

struct ob_image_info {
	enum ob_image_type type;
	unsigned width, height;
	size_t dropped;         /* segments or chunks of metadata left out */
	size_t dropped_bytes;   /* their bytes, and any after the end */
};

/* Check in[0..n) and write the picture without its metadata to out (which
 * the caller initialised; its content is replaced). OB_EINVAL (d: what is
 * wrong, at which byte, and what was expected) for a file that is not a
 * JPEG or PNG, too large, of dimensions outside the limits, or damaged;
 * OB_ETOOBIG when out cannot hold the result. */
ob_err ob_image_clean(const unsigned char *in, size_t n, struct ob_buf *out,
                      struct ob_image_info *info, struct ob_diag *d);

/* A kept photograph's reference: "photos/" + 64 hexadecimal digits (the
 * SHA-256 of its cleaned bytes) + ".jpg" or ".png", with its NUL. */
#define OB_IMAGE_REF 80

/* Clean in[0..n) (ob_image_clean) and keep it as dir/photos/SHA256.EXT:
 * written whole to a temporary file, synced, renamed into place and the
 * folder synced, so a crash leaves it whole or absent; the same photograph
 * is kept once. ref: its reference (above). OB_EINVAL as ob_image_clean;
 * OB_EIO (d: the path and the reason) when it cannot be written. */
ob_err ob_image_keep(const char *dir, const unsigned char *in, size_t n, char ref[OB_IMAGE_REF],
                     struct ob_image_info *info, struct ob_diag *d);

/* Whether v is such a reference; *type its type. No other name may be
 * opened as a photograph (no path, no link out of the folder). */
bool ob_image_ref(const char *v, enum ob_image_type *type);

/* "jpg" or "png"; "image/jpeg" or "image/png". */
const char *ob_image_ext(enum ob_image_type t);
const char *ob_image_mime(enum ob_image_type t);

#endif
