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
#include "base/sha256.h"
#include "cli/cliutil.h"
#include "io/image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Write len bytes to dir/photos/name: a temporary file written whole and
 * synced, then renamed into place and the directory synced, so that a
 * crash leaves the photograph whole or absent. */
static int keep(const char *dir, const char *name, const char *p, size_t len)
{
	char folder[OB_MAX_PATH], tmp[OB_MAX_PATH], path[OB_MAX_PATH];
	int fd, dfd;
	size_t done = 0;

	if (snprintf(folder, sizeof(folder), "%s/photos", dir) >= (int)sizeof(folder) ||
	    snprintf(path, sizeof(path), "%s/%s", folder, name) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.%ld", folder, name, (long)getpid()) >=
	            (int)sizeof(tmp)) {
		OB_ERROR("ruta demasiado larga: %s/photos", "path too long: %s/photos", dir);
		return OB_EXIT_USAGE;
	}
	if (mkdir(folder, 0755) != 0 && errno != EEXIST) {
		OB_ERROR("no se puede crear %s: %s", "cannot create %s: %s", folder, strerror(errno));
		return OB_EXIT_SYSTEM;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		OB_ERROR("no se puede escribir %s: %s", "cannot write %s: %s", tmp, strerror(errno));
		return OB_EXIT_SYSTEM;
	}
	while (done < len) {
		ssize_t w = write(fd, p + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail_written;
		done += (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail_written;
	close(fd);
	if (rename(tmp, path) != 0)
		goto fail_renamed;
	if ((dfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return OB_EXIT_OK;
fail_written:
	close(fd);
fail_renamed:
	OB_ERROR("no se pudo guardar %s: %s", "could not keep %s: %s", path, strerror(errno));
	unlink(tmp);
	return OB_EXIT_SYSTEM;
}

int ob_missing_cmd_photo(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	unsigned char digest[OB_SHA256_LEN];
	char hex[65], name[80];
	struct ob_image_info info;
	struct ob_sha256 h;
	struct ob_buf out;
	struct ob_diag d;
	char *data = NULL;
	size_t len = 0;
	int status;
	ob_err e;

	if (argc != 2 || argv[1][0] == '-') {
		OB_ERROR("uso: observa missing photo ARCHIVO [-d DIR]",
		         "usage: observa missing photo FILE [-d DIR]");
		return OB_EXIT_USAGE;
	}
	ob_diag_clear(&d);
	if ((e = ob_read_file(argv[1], OB_MAX_PHOTO_BYTES, &data, &len, &d))) {
		if (e == OB_ETOOBIG)
			OB_ERROR("%s: más de %d bytes; una fotografía tiene %d como mucho",
			         "%s: more than %d bytes; a photograph has at most %d", argv[1],
			         OB_MAX_PHOTO_BYTES, OB_MAX_PHOTO_BYTES);
		else
			ob_cli_diag(&d);
		return e == OB_ETOOBIG ? OB_EXIT_FAIL : OB_EXIT_SYSTEM;
	}
	ob_buf_init(&out, OB_MAX_PHOTO_BYTES);
	if ((e = ob_image_clean((const unsigned char *)data, len, &out, &info, &d))) {
		OB_ERROR("%s: no se toma: %s", "%s: not taken: %s", argv[1], d.message);
		status = OB_EXIT_FAIL;
		goto release;
	}
	ob_sha256_init(&h);
	ob_sha256_update(&h, out.ptr, out.len);
	ob_sha256_final(&h, digest);
	ob_sha256_hex(digest, hex);
	snprintf(name, sizeof(name), "%s.%s", hex, ob_image_ext(info.type));
	if ((status = keep(ctx->dir, name, out.ptr, out.len)))
		goto release;
	OB_INFO("%s: %s de %u × %u píxeles; %zu bloques de metadatos quitados (%zu bytes)",
	        "%s: %s of %u × %u pixels; %zu metadata blocks removed (%zu bytes)", argv[1],
	        info.type == OB_IMAGE_PNG ? "PNG" : "JPEG", info.width, info.height, info.dropped,
	        info.dropped_bytes);
	printf("photos/%s\n", name);
release:
	ob_buf_release(&out);
	free(data);
	return status;
}
