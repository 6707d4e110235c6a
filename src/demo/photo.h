/*
 * photo.h - the demo's photograph of a missing person (demo/demo_photo.c):
 * a drawn placeholder, never a person's, that the demo keeps once
 * (io/image.h, ob_image_keep) and names in every report's photo field; the
 * reports whose families consent show it.
 */
#ifndef OB_DEMO_PHOTO_H
#define OB_DEMO_PHOTO_H

#include "base/common.h"

/* The most bytes the PNG takes. */
#define OB_DEMO_PHOTO_MAX 12000

/* Write the PNG to out (cap at least OB_DEMO_PHOTO_MAX bytes); its length,
 * or 0 when cap is smaller. */
size_t ob_demo_photo_png(unsigned char *out, size_t cap);

#endif
