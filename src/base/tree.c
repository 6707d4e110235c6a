/* tree.c - listing, copying and removing directories of files
 * (base/tree.h). */
#include "base/tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sha256.h"

struct list {
	char **paths;
	size_t n, cap, skipped;
};

static int cmp_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of root/rel (rel "" for root itself), depth levels down. */
static ob_err walk(const char *root, const char *rel, int depth, struct list *l,
                   struct ob_diag *d)
{
	char path[OB_MAX_PATH], sub[OB_MAX_PATH];
	struct dirent *ent;
	ob_err e = OB_OK;
	DIR *dh;

	if (depth > OB_MAX_TREE_DEPTH)
		return OB_DIAG(d, OB_ETOOBIG, root, 0, 0, rel, strlen(rel),
		               "más de %d niveles de directorios", "more than %d directory levels",
		               OB_MAX_TREE_DEPTH);
	if (snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel) >=
	    (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, root, 0, 0, rel, strlen(rel), "ruta demasiado larga",
		               "path too long");
	if (!(dh = opendir(path))) {
		if (errno == ENOENT && !*rel)
			return OB_OK;
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo leer el directorio: %s",
		               "cannot read the directory: %s", strerror(errno));
	}
	while (!e && (ent = readdir(dh))) {
		struct stat st;

		if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", ent->d_name) >=
		    (int)sizeof(sub) ||
		    snprintf(path, sizeof(path), "%s/%s", root, sub) >= (int)sizeof(path)) {
			e = OB_DIAG(d, OB_ETOOBIG, root, 0, 0, ent->d_name, strlen(ent->d_name),
			            "ruta demasiado larga", "path too long");
			break;
		}
		if (lstat(path, &st) != 0) {
			e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "%s", "%s", strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			e = walk(root, sub, depth + 1, l, d);
		} else if (!S_ISREG(st.st_mode)) {
			l->skipped++;
		} else if (l->n >= OB_MAX_TREE_FILES) {
			e = OB_DIAG(d, OB_ETOOBIG, root, 0, 0, NULL, 0, "más de %d archivos",
			            "more than %d files", OB_MAX_TREE_FILES);
		} else {
			if (l->n == l->cap) {
				l->cap = l->cap ? 2 * l->cap : 64;
				l->paths = ob_realloc(l->paths, l->cap * sizeof(*l->paths));
			}
			l->paths[l->n++] = ob_strdup(sub);
		}
	}
	closedir(dh);
	return e;
}

ob_err ob_tree_list(const char *root, char ***paths, size_t *n, size_t *skipped,
                    struct ob_diag *d)
{
	struct list l = { NULL, 0, 0, 0 };
	ob_err e = walk(root, "", 0, &l, d);

	if (e) {
		ob_tree_list_free(l.paths, l.n);
		*paths = NULL;
		*n = 0;
		return e;
	}
	if (l.n)
		qsort(l.paths, l.n, sizeof(*l.paths), cmp_paths);
	*paths = l.paths;
	*n = l.n;
	if (skipped)
		*skipped = l.skipped;
	return OB_OK;
}

void ob_tree_list_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

static ob_err io_error(const char *path, const char *what_es, const char *what_en,
                       struct ob_diag *d)
{
	return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "%s: %s", "%s: %s",
	               OB_TR(what_es, what_en), strerror(errno));
}

ob_err ob_copy_file(const char *from, const char *to, char hex[65], uint64_t *bytes,
                    uint64_t *copied, struct ob_diag *d)
{
	unsigned char digest[OB_SHA256_LEN], *buf = NULL;
	struct ob_sha256 c;
	uint64_t total = 0;
	int in, out;
	ssize_t r;
	ob_err e = OB_OK;

	/* a link is never followed: what is copied is what was listed */
	if ((in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return io_error(from, "no se pudo abrir", "cannot open", d);
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		e = errno == EEXIST ? OB_DIAG(d, OB_EEXISTS, to, 0, 0, NULL, 0, "ya existe",
		                              "already exists")
		                    : io_error(to, "no se pudo crear", "cannot create", d);
		goto close_in;
	}
	buf = ob_malloc(OB_COPY_CHUNK);
	ob_sha256_init(&c);
	while ((r = read(in, buf, OB_COPY_CHUNK)) > 0) {
		for (ssize_t off = 0; off < r;) {
			ssize_t w = write(out, buf + off, (size_t)(r - off));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				e = io_error(to, "error de escritura", "write error", d);
				goto close_out;
			}
			off += w;
		}
		ob_sha256_update(&c, buf, (size_t)r);
		total += (uint64_t)r;
		if (copied)
			*copied += (uint64_t)r;
	}
	if (r < 0) {
		e = io_error(from, "error de lectura", "read error", d);
		goto close_out;
	}
	if (fsync(out) != 0)
		e = io_error(to, "no se pudo asegurar en disco", "could not sync to disk", d);
close_out:
	free(buf);
	if (close(out) != 0 && !e)
		e = io_error(to, "error de escritura", "write error", d);
	if (e)
		unlink(to);
close_in:
	close(in);
	if (!e) {
		ob_sha256_final(&c, digest);
		if (hex)
			ob_sha256_hex(digest, hex);
		if (bytes)
			*bytes = total;
	}
	return e;
}

ob_err ob_file_sha256(const char *path, char hex[65], uint64_t *bytes, struct ob_diag *d)
{
	unsigned char digest[OB_SHA256_LEN], *buf;
	struct ob_sha256 c;
	uint64_t total = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return io_error(path, "no se pudo abrir", "cannot open", d);
	buf = ob_malloc(OB_COPY_CHUNK);
	ob_sha256_init(&c);
	while ((r = read(fd, buf, OB_COPY_CHUNK)) > 0) {
		ob_sha256_update(&c, buf, (size_t)r);
		total += (uint64_t)r;
	}
	free(buf);
	close(fd);
	if (r < 0)
		return io_error(path, "error de lectura", "read error", d);
	ob_sha256_final(&c, digest);
	ob_sha256_hex(digest, hex);
	if (bytes)
		*bytes = total;
	return OB_OK;
}

ob_err ob_mkdirs(const char *path, struct ob_diag *d)
{
	char buf[OB_MAX_PATH];

	if (ob_strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
		return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	/* each ancestor, then the directory itself */
	for (char *p = buf + (*buf == '/');; p++) {
		char ch = *p;

		if (ch && ch != '/')
			continue;
		*p = '\0';
		if (*buf && mkdir(buf, 0777) != 0 && errno != EEXIST)
			return io_error(buf, "no se pudo crear el directorio",
			                "cannot create the directory", d);
		if (!ch)
			return OB_OK;
		*p = ch;
	}
}

ob_err ob_mkdirs_for(const char *path, struct ob_diag *d)
{
	char buf[OB_MAX_PATH];
	char *slash;

	if (ob_strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
		return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (!(slash = strrchr(buf, '/')) || slash == buf)
		return OB_OK;
	*slash = '\0';
	return ob_mkdirs(buf, d);
}

void ob_sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

void ob_tree_remove(const char *path)
{
	char sub[OB_MAX_PATH];
	struct dirent *ent;
	struct stat st;
	DIR *dh;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	if ((dh = opendir(path))) {
		while ((ent = readdir(dh))) {
			if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
				continue;
			if (snprintf(sub, sizeof(sub), "%s/%s", path, ent->d_name) < (int)sizeof(sub))
				ob_tree_remove(sub);
		}
		closedir(dh);
	}
	rmdir(path);
}
