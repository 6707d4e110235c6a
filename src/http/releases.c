/* releases.c - the observatory's published files (DIR/releases) served
 * read-only, without following links and without leaving the directory. */
#include "http/internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/audit.h"

#define RELEASES_DIR "releases"

static int open_root(const struct ob_http_call *c)
{
	char path[OB_MAX_PATH];

	if (!c->ctx->dir ||
	    snprintf(path, sizeof(path), "%s/%s", c->ctx->dir, RELEASES_DIR) >= (int)sizeof(path))
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void not_found(struct ob_http_call *c)
{
	ob_http_fail(c->res, 404, "not_found", "path",
	             "No existe esa publicación. La lista de archivos publicados está en "
	             "/api/v1/releases.",
	             "No such release file. The published files are listed at /api/v1/releases.");
}

/* The media type of a published file, by its name's ending (the longest
 * that matches: "x.sdmx.json" is SDMX, not plain JSON). */
static const char *content_type(const char *name)
{
	static const char *const types[][2] = {
		{ ".sdmx.json", "application/vnd.sdmx.data+json;version=2.0.0" },
		{ ".sdmx.csv", "application/vnd.sdmx.data+csv;version=2.0.0" },
		{ ".csv", "text/csv; charset=utf-8; header=present" },
		{ ".jsonld", "application/ld+json" },
		{ ".geojson", "application/geo+json" },
		{ ".json", "application/json; charset=utf-8" },
		{ ".html", "text/html; charset=utf-8" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".md", "text/markdown; charset=utf-8" },
		{ ".pdf", "application/pdf" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ ".zip", "application/zip" },
		{ ".xml", "application/xml" },
	};
	size_t n = strlen(name);

	for (size_t i = 0; i < OB_ARRAY_SIZE(types); i++) {
		size_t k = strlen(types[i][0]);
		if (n > k && !strcasecmp(name + n - k, types[i][0]))
			return types[i][1];
	}
	return "application/octet-stream";
}

/* Headers every answer about a file carries, 200, 206 and 304 alike. */
static void file_headers(struct ob_http_call *c, const char *name, const char *etag)
{
	struct ob_buf disp = OB_BUF_INIT(OB_MAX_PATH * 4);

	ob_http_header_add(c->res, "ETag", "%s", etag);
	ob_http_header_add(c->res, "Accept-Ranges", "bytes");
	if (!ob_http_disposition(&disp, name) && disp.ptr)
		ob_http_header_add(c->res, "Content-Disposition", "%s", disp.ptr);
	ob_buf_release(&disp);
}

void ob_http_h_release_file(struct ob_http_call *c)
{
	int dfd = open_root(c), fd = -1;
	struct stat st;
	const char *name = NULL;
	char etag[80];
	uint64_t first, last;

	if (dfd < 0) {
		not_found(c);
		return;
	}
	for (size_t i = 0; i < c->rest_n; i++) {
		int next;

		name = c->target.seg[c->rest_first + i];
		/* hidden files and folders are never published */
		if (name[0] == '.')
			goto missing;
		if (i + 1 < c->rest_n) {
			next = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			close(dfd);
			dfd = next;
			if (dfd < 0)
				goto missing;
		} else {
			fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		}
	}
	close(dfd);
	dfd = -1;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto missing;
	ob_http_etag((uint64_t)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, etag,
	             sizeof(etag));
	c->res->content_type = content_type(name);
	if (ob_http_etag_matches(c->req->if_none_match, etag)) {
		/* the client holds this very file */
		close(fd);
		ob_buf_reset(&c->res->body);
		c->res->status = 304;
		file_headers(c, name, etag);
		return;
	}
	c->res->fd = fd;
	c->res->fd_offset = 0;
	c->res->fd_size = (uint64_t)st.st_size;
	switch (ob_http_range_parse(c->req->range, (uint64_t)st.st_size, &first, &last)) {
	case OB_HTTP_RANGE_NONE:
		c->res->status = 200;
		break;
	case OB_HTTP_RANGE_OK:
		c->res->status = 206;
		c->res->fd_offset = first;
		c->res->fd_size = last - first + 1;
		ob_http_header_add(c->res, "Content-Range", "bytes %llu-%llu/%llu",
		                   (unsigned long long)first, (unsigned long long)last,
		                   (unsigned long long)st.st_size);
		break;
	case OB_HTTP_RANGE_BAD:
		ob_http_fail(c->res, 416, "range_not_satisfiable", NULL,
		             "El rango pedido empieza después del final del archivo; pida un rango "
		             "dentro de su tamaño (Content-Range) o el archivo entero.",
		             "The range asked for starts past the end of the file; ask for a range "
		             "within its size (Content-Range) or for the whole file.");
		ob_http_header_add(c->res, "Content-Range", "bytes */%llu",
		                   (unsigned long long)st.st_size);
		return;
	}
	file_headers(c, name, etag);
	return;
missing:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	not_found(c);
}

struct rel_file {
	char *path;
	long long size;
	long long mtime;
};

struct rel_list {
	struct rel_file *v;
	size_t n, cap;
	bool truncated;
};

static void walk(int dfd, const char *prefix, int depth, struct rel_list *l)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;

	if (!d) {
		close(dfd);
		return;
	}
	while ((e = readdir(d))) {
		struct stat st;
		char path[OB_MAX_PATH];

		if (e->d_name[0] == '.')
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "/" : "", e->d_name) >=
		    (int)sizeof(path))
			continue;
		if (S_ISDIR(st.st_mode) && depth < OB_MAX_RELEASE_DEPTH) {
			int sub = openat(dirfd(d), e->d_name,
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				walk(sub, path, depth + 1, l);
		} else if (S_ISREG(st.st_mode)) {
			if (l->n == OB_MAX_RELEASE_LISTING) {
				l->truncated = true;
				continue;
			}
			if (l->n == l->cap) {
				l->cap = l->cap ? 2 * l->cap : 64;
				l->v = ob_realloc(l->v, l->cap * sizeof(*l->v));
			}
			l->v[l->n].path = ob_strdup(path);
			l->v[l->n].size = (long long)st.st_size;
			l->v[l->n].mtime = (long long)st.st_mtime;
			l->n++;
		}
	}
	closedir(d);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct rel_file *)a)->path, ((const struct rel_file *)b)->path);
}

void ob_http_h_releases(struct ob_http_call *c)
{
	static const char *const cols[] = { "path", "size", "modified", "url" };
	struct rel_list l = { 0 };
	struct ob_http_table t;
	long long limit, offset;
	int dfd = open_root(c);

	if (dfd >= 0)
		walk(dfd, "", 0, &l);
	if (l.truncated) {
		/* never a silent cap: say so */
		ob_http_fail(c->res, 500, "too_many_files", NULL,
		             "Hay demasiados archivos publicados para listarlos; ordénelos en "
		             "carpetas.", "Too many published files to list.");
		goto release;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), by_path);
	ob_http_page(c, &limit, &offset);
	ob_http_table_begin(&t, c, cols, OB_ARRAY_SIZE(cols), (long long)l.n, limit, offset);
	for (size_t i = (size_t)offset; i < l.n && i < (size_t)(offset + limit); i++) {
		struct ob_buf url = OB_BUF_INIT(OB_MAX_PATH * 3);
		const char *p = l.v[i].path;
		char when[32];
		ob_err e;

		e = ob_buf_adds(&url, "/api/v1/releases");
		while (*p) {
			const char *slash = strchr(p, '/');
			size_t n = slash ? (size_t)(slash - p) : strlen(p);
			e |= ob_buf_addc(&url, '/');
			e |= ob_http_encode(&url, p, n);
			p += n + (slash != NULL);
		}
		if (e)
			t.failed = true; /* the page is refused whole at the end */
		ob_audit_time(l.v[i].mtime, when);
		ob_http_table_str(&t, l.v[i].path);
		ob_http_table_int(&t, l.v[i].size);
		ob_http_table_str(&t, when);
		ob_http_table_str(&t, url.ptr);
		ob_http_table_end_row(&t);
		ob_buf_release(&url);
	}
	ob_http_table_end(&t);
release:
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].path);
	free(l.v);
}
