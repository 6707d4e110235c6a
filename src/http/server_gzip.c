/*
 * server_gzip.c - an answer sent compressed with gzip as it is read, from
 * the response's body or from its file, a piece at a time: the compressed
 * answer is never held whole, whatever its size (http.h says when an answer
 * is compressed).
 *
 * Ownership: the stream owns the body it took from the response and the
 * file descriptor; MHD frees the stream (gz_free) when the answer is done.
 */
#include "http/server_impl.h"

#include <unistd.h>
#include <zlib.h>

struct gz {
	z_stream z;
	char *mem;           /* the body (owned), or NULL */
	size_t mem_len, mem_pos;
	int fd;              /* the file (owned), or -1 */
	uint64_t fd_pos, fd_left;
	bool eof;            /* every input byte given to zlib */
	bool done;           /* the stream's end written */
	unsigned char in[OB_HTTP_GZIP_CHUNK];
};

static void gz_free(void *cls)
{
	struct gz *g = cls;

	deflateEnd(&g->z);
	free(g->mem);
	if (g->fd >= 0)
		close(g->fd);
	free(g);
}

/* Give zlib more input; false when the file could not be read. */
static bool refill(struct gz *g)
{
	if (g->mem) {
		size_t n = g->mem_len - g->mem_pos;
		if (n > UINT_MAX)
			n = UINT_MAX;
		g->z.next_in = (unsigned char *)g->mem + g->mem_pos;
		g->z.avail_in = (unsigned)n;
		g->mem_pos += n;
		g->eof = g->mem_pos == g->mem_len;
		return true;
	}
	if (g->fd_left) {
		size_t want = g->fd_left < sizeof(g->in) ? (size_t)g->fd_left : sizeof(g->in);
		ssize_t got = pread(g->fd, g->in, want, (off_t)g->fd_pos);
		if (got <= 0)
			return false; /* the file shrank or failed: the answer ends in error */
		g->fd_pos += (uint64_t)got;
		g->fd_left -= (uint64_t)got;
		g->z.next_in = g->in;
		g->z.avail_in = (unsigned)got;
	}
	g->eof = g->fd_left == 0;
	return true;
}

static ssize_t gz_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct gz *g = cls;

	(void)pos;
	if (g->done)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (max > UINT_MAX)
		max = UINT_MAX;
	g->z.next_out = (unsigned char *)buf;
	g->z.avail_out = (unsigned)max;
	while (g->z.avail_out == max) {
		int rc;
		if (!g->z.avail_in && !g->eof && !refill(g))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		rc = deflate(&g->z, g->eof ? Z_FINISH : Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			g->done = true;
			break;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	if (g->z.avail_out == max)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return (ssize_t)(max - g->z.avail_out);
}

struct MHD_Response *server_gzip_response(struct ob_http_response *res)
{
	struct gz *g = ob_calloc(1, sizeof(*g));
	struct MHD_Response *r;

	g->fd = -1;
	/* 15 + 16: a gzip header and trailer around the deflate stream */
	if (deflateInit2(&g->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(g);
		return NULL;
	}
	if (res->fd >= 0) {
		g->fd = res->fd;
		g->fd_pos = res->fd_offset;
		g->fd_left = res->fd_size;
	} else {
		g->mem = ob_buf_detach(&res->body, &g->mem_len);
		if (!g->mem)
			g->eof = true;
	}
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, OB_HTTP_GZIP_CHUNK, gz_read, g,
	                                      gz_free);
	res->fd = -1; /* the stream's now, whatever happens */
	if (!r)
		gz_free(g);
	return r;
}
