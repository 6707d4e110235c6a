/* file.c - read a whole file into memory, with a hard size limit (see file.h). */
#include "base/file.h"

#include "base/buf.h"

#include <sys/stat.h>

ob_err ob_read_file(const char *path, size_t max_bytes, char **data, size_t *len,
                    struct ob_diag *d)
{
	struct ob_buf b = OB_BUF_INIT(max_bytes);
	struct stat st;
	size_t n, want;
	ob_err e = OB_OK;
	FILE *f;

	*data = NULL;
	*len = 0;
	if (!(f = fopen(path, "rb")))
		return OB_DIAG(d, errno == ENOENT ? OB_ENOENT : OB_EIO, path, 0, 0, NULL, 0,
		               "no se pudo abrir: %s", "cannot open: %s", strerror(errno));
	/* read straight into a buffer of the file's size (and one byte more,
	 * to see its end), not through a chunk copied into a buffer that
	 * doubles: that was a third of the first reading of a release's 90 MB
	 * table; a file without a size (a pipe), or one that grows meanwhile,
	 * grows the buffer as it comes. fread reads less than asked only at
	 * the end or on an error. */
	want = 65536;
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (unsigned long long)st.st_size < SIZE_MAX - 1)
		want = (size_t)st.st_size + 1;
	for (;;) {
		size_t room = want < max_bytes - b.len ? want : max_bytes - b.len;
		if (!room) {
			/* at the ceiling: one more byte means the file is larger */
			char c;
			if (fread(&c, 1, 1, f) == 1)
				goto too_big;
			break;
		}
		if (!ob_buf_room(&b, room))
			goto too_big;
		n = fread(b.ptr + b.len, 1, room, f);
		b.len += n;
		b.ptr[b.len] = '\0';
		if (n < room)
			break;
		want = 65536;
	}
	if (ferror(f)) {
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "error de lectura", "read error");
		goto release_buf;
	}
	*data = ob_buf_detach(&b, len);
	fclose(f);
	return OB_OK;
too_big:
	e = OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "archivo de más de %zu bytes",
	            "file larger than %zu bytes", max_bytes);
release_buf:
	ob_buf_release(&b);
	fclose(f);
	return e;
}
