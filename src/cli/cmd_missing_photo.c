/*
 * cmd_missing_photo.c - "observa missing photo FILE": a photograph of a
 * missing person taken into the observatory, checked and without its
 * metadata (io/image.h), kept as DIR/photos/SHA256.jpg (or .png), named by
 * its cleaned bytes so that the same photograph is kept once. It prints
 * the reference a report's photo field takes (photos/SHA256.jpg); the
 * portal and GET /api/v1/missing/{id}/photo serve it only for a report
 * that publishes its photograph (the family's consent, the rules for
 * minors: docs/missing.md).
 */
#include "cli/cmd_missing_photo.h"

#include "base/file.h"
#include "base/limits.h"
#include "cli/cliutil.h"
#include "io/image.h"

#include <stdlib.h>

int ob_cli_photo_take(const char *dir, const char *file, char ref[OB_IMAGE_REF],
                      struct ob_image_info *info)
{
	struct ob_diag d;
	char *data = NULL;
	size_t len = 0;
	ob_err e;

	ob_diag_clear(&d);
	if ((e = ob_read_file(file, OB_MAX_PHOTO_BYTES, &data, &len, &d))) {
		if (e == OB_ETOOBIG)
			OB_ERROR("%s: más de %d bytes; una fotografía tiene %d como mucho",
			         "%s: more than %d bytes; a photograph has at most %d", file,
			         OB_MAX_PHOTO_BYTES, OB_MAX_PHOTO_BYTES);
		else
			ob_cli_diag(&d);
		return e == OB_ETOOBIG ? OB_EXIT_FAIL : OB_EXIT_SYSTEM;
	}
	e = ob_image_keep(dir, (const unsigned char *)data, len, ref, info, &d);
	free(data);
	if (e == OB_EINVAL && !d.file[0]) {
		OB_ERROR("%s: no se toma: %s", "%s: not taken: %s", file, d.message);
		return OB_EXIT_FAIL;
	}
	if (e) {
		ob_cli_diag(&d);
		return e == OB_EINVAL ? OB_EXIT_USAGE : OB_EXIT_SYSTEM;
	}
	return OB_EXIT_OK;
}

int ob_missing_cmd_photo(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	struct ob_image_info info;
	char ref[OB_IMAGE_REF];
	int status;

	if (argc != 2 || argv[1][0] == '-') {
		OB_ERROR("uso: observa missing photo ARCHIVO [-d DIR]",
		         "usage: observa missing photo FILE [-d DIR]");
		return OB_EXIT_USAGE;
	}
	if ((status = ob_cli_photo_take(ctx->dir, argv[1], ref, &info)))
		return status;
	OB_INFO("%s: %s de %u × %u píxeles; %zu bloques de metadatos quitados (%zu bytes)",
	        "%s: %s of %u × %u pixels; %zu metadata blocks removed (%zu bytes)", argv[1],
	        info.type == OB_IMAGE_PNG ? "PNG" : "JPEG", info.width, info.height, info.dropped,
	        info.dropped_bytes);
	printf("%s\n", ref);
	return OB_EXIT_OK;
}
