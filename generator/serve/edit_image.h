/*
 * Images uploaded through the writing workshop into content/media/: the
 * type is read from the bytes (PNG or JPEG only, whatever the name says),
 * the file gets a safe ASCII name made from the coordinator's, never
 * overwriting, and is scaled down when wider than the pages need. JPEG
 * photos are always encoded again, which drops their metadata (a phone's
 * position, its serial number) before anything is published.
 */
#ifndef FICHES_EDIT_IMAGE_H
#define FICHES_EDIT_IMAGE_H

#include <stddef.h>

#define EDIT_IMAGE_MAX_BYTES ((size_t)10 * 1024 * 1024)  /* an upload larger than this is refused */
#define EDIT_IMAGE_MAX_WIDTH 1600                         /* wider images are scaled down to this */
#define EDIT_IMAGE_MAX_PIXELS (60u * 1000u * 1000u)        /* a decompression bomb is refused */

/*
 * Stores data[0..n) under media_dir with a name made from name. Returns
 * the stored file name (caller frees), or NULL with *err set to a French
 * sentence.
 */
char *edit_image_store(const char *media_dir, const char *name, const unsigned char *data,
		       size_t n, const char **err);

#endif
