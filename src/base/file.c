/* file.c - read a whole file into memory, with a hard size limit (see file.h). */
#include "base/file.h"

#include "base/buf.h"

ob_err ob_read_file(const char *path, size_t max_bytes, char **data, size_t *len,
                    struct ob_diag *d)
{
	struct ob_buf b = OB_BUF_INIT(max_bytes);
	char chunk[65536];
	size_t n;
	ob_err e = OB_OK;
	FILE *f;

	*data = NULL;
	*len = 0;
	if (!(f = fopen(path, "rb")))
		return OB_DIAG(d, errno == ENOENT ? OB_ENOENT : OB_EIO, path, 0, 0, NULL, 0,
		               "no se pudo abrir: %s", "cannot open: %s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (ob_buf_add(&b, chunk, n)) {
			e = OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0,
			            "archivo de más de %zu bytes", "file larger than %zu bytes",
			            max_bytes);
			goto release_buf;
		}
	if (ferror(f)) {
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "error de lectura", "read error");
		goto release_buf;
	}
	*data = ob_buf_detach(&b, len);
	fclose(f);
	return OB_OK;
release_buf:
	ob_buf_release(&b);
	fclose(f);
	return e;
}
