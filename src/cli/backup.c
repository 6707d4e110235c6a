/* backup.c - an observatory copied to a backup directory, checked, and
 * restored (cli/backup.h). */
#include "cli/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/log.h"
#include "base/tree.h"
#include "engine/snapshot.h"
#include "store/backup.h"

/* What an observatory holds that a backup leaves out: the store's own
 * files (copied online instead), the derived snapshot, uploads in
 * progress. rel is relative to the observatory. */
static bool left_out(const char *rel)
{
	static const char *const top[] = { OB_STORE_FILE, OB_STORE_FILE "-wal",
		OB_STORE_FILE "-shm", OB_STORE_FILE "-journal", OB_STORE_DUMP_FILE,
		OB_SNAPSHOT_DIR };
	size_t n = strcspn(rel, "/");

	for (size_t i = 0; i < OB_ARRAY_SIZE(top); i++)
		if (strlen(top[i]) == n && !strncmp(rel, top[i], n))
			return true;
	return !strncmp(rel, ".upload-", 8);
}

/* A path the manifest may name: relative, no "." or ".." part, no empty
 * part, no character sha256sum would escape. */
static bool safe_path(const char *p)
{
	if (!*p || *p == '/' || strchr(p, '\\') || strchr(p, '\n') || strchr(p, '\r'))
		return false;
	for (const char *c = p; *c;) {
		size_t n = strcspn(c, "/");
		if (!n || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (*c == '/' && !*++c)
			return false;
	}
	return true;
}

static ob_err path_join(char *out, size_t size, const char *a, const char *b,
                        struct ob_diag *d)
{
	if (snprintf(out, size, "%s/%s", a, b) >= (int)size)
		return OB_DIAG(d, OB_ETOOBIG, a, 0, 0, b, strlen(b), "ruta demasiado larga",
		               "path too long");
	return OB_OK;
}

/* Is the new directory path (not yet existing) inside directory dir? */
static bool inside(const char *path, const char *dir)
{
	char parent[OB_MAX_PATH], rp[PATH_MAX], rd[PATH_MAX];
	char *slash;
	size_t n;

	if (ob_strlcpy(parent, path, sizeof(parent)) >= sizeof(parent))
		return false;
	slash = strrchr(parent, '/');
	if (!slash)
		ob_strlcpy(parent, ".", sizeof(parent));
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	if (!realpath(parent, rp) || !realpath(dir, rd))
		return false;
	n = strlen(rd);
	return !strncmp(rp, rd, n) && (rp[n] == '\0' || rp[n] == '/' || n == 1);
}

static ob_err write_text(const char *path, const char *text, size_t len, struct ob_diag *d)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ob_err e = OB_OK;

	if (fd < 0)
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		               "cannot create: %s", strerror(errno));
	for (size_t off = 0; off < len && !e;) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "error de escritura: %s",
			            "write error: %s", strerror(errno));
		else
			off += (size_t)w;
	}
	if (!e && fsync(fd) != 0)
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo asegurar en disco: %s",
		            "could not sync to disk: %s", strerror(errno));
	close(fd);
	return e;
}

/* Sync every directory of the tree at root that holds one of the n files
 * (new entries are durable only once their directory is), root last. */
static void sync_dirs(const char *root, const char *const *paths, size_t n)
{
	char dir[OB_MAX_PATH], last[OB_MAX_PATH] = "";

	for (size_t i = 0; i < n; i++) {
		char *slash;
		if (snprintf(dir, sizeof(dir), "%s/%s", root, paths[i]) >= (int)sizeof(dir))
			continue;
		/* the directory of the file, then its ancestors up to root */
		while ((slash = strrchr(dir, '/')) && (size_t)(slash - dir) > strlen(root)) {
			*slash = '\0';
			if (!strcmp(dir, last))
				break;
			ob_sync_dir(dir);
		}
		if (snprintf(last, sizeof(last), "%s/%s", root, paths[i]) < (int)sizeof(last) &&
		    (slash = strrchr(last, '/')))
			*slash = '\0';
	}
	ob_sync_dir(root);
}

static void sync_parent(const char *path)
{
	char parent[OB_MAX_PATH];
	char *slash;

	if (ob_strlcpy(parent, path, sizeof(parent)) >= sizeof(parent))
		return;
	if (!(slash = strrchr(parent, '/')))
		ob_strlcpy(parent, ".", sizeof(parent));
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	ob_sync_dir(parent);
}

static void now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct copy_progress {
	struct ob_progress bar;
	uint64_t before;     /* bytes done before the store */
	uint64_t page_size;
};

static void db_progress(void *arg, long long done, long long total)
{
	struct copy_progress *p = arg;

	(void)total;
	ob_progress_update(&p->bar, p->before + (uint64_t)done * p->page_size);
}

/* path + ".partial" into tmp (size bytes), where the work is written
 * before it is renamed to path; OB_EEXISTS when one was left by a backup
 * (or a restore) that was interrupted. */
static ob_err partial_of(const char *path, char *tmp, size_t size, bool restore,
                         struct ob_diag *d)
{
	struct stat st;

	if (snprintf(tmp, size, "%s.partial", path) >= (int)size)
		return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (stat(tmp, &st) == 0)
		return restore ? OB_DIAG(d, OB_EEXISTS, tmp, 0, 0, NULL, 0,
		                         "quedó de una restauración interrumpida: bórrelo y "
		                         "vuelva a empezar",
		                         "left by an interrupted restore: remove it and start again")
		               : OB_DIAG(d, OB_EEXISTS, tmp, 0, 0, NULL, 0,
		                         "quedó de una copia interrumpida: bórrelo y vuelva a "
		                         "empezar",
		                         "left by an interrupted backup: remove it and start again");
	return OB_OK;
}

ob_err ob_backup_dest_ok(const char *dir, const char *dest, struct ob_diag *d)
{
	char tmp[OB_MAX_PATH];
	struct stat st;
	ob_err e;

	if (stat(dest, &st) == 0)
		return OB_DIAG(d, OB_EEXISTS, dest, 0, 0, NULL, 0,
		               "ya existe: una copia se escribe en un directorio nuevo",
		               "already exists: a backup is written into a new directory");
	if ((e = partial_of(dest, tmp, sizeof(tmp), false, d)))
		return e;
	if (inside(dest, dir))
		return OB_DIAG(d, OB_EINVAL, dest, 0, 0, NULL, 0,
		               "la copia no puede quedar dentro del observatorio que copia",
		               "the backup cannot be inside the observatory it copies");
	return OB_OK;
}

ob_err ob_backup_make(struct ob_store *s, const char *dir, const char *dest,
                      struct ob_backup_result *r, struct ob_diag *d)
{
	char tmp[OB_MAX_PATH], from[OB_MAX_PATH], to[OB_MAX_PATH], hex[65];
	struct ob_buf man = OB_BUF_INIT(OB_MAX_TEXT_FILE);
	struct copy_progress cp = { .page_size = 4096 };
	char **paths = NULL, **kept;
	size_t n = 0, nk = 0;
	uint64_t total = 0, copied = 0, bytes;
	struct stat st;
	json_t *info;
	char *text;
	ob_err e;

	memset(r, 0, sizeof(*r));
	if ((e = ob_backup_dest_ok(dir, dest, d)))
		return e;
	snprintf(tmp, sizeof(tmp), "%s.partial", dest);  /* its length checked */
	if ((e = ob_tree_list(dir, &paths, &n, &r->skipped, d)))
		return e;
	/* what is copied file by file, and its size for the progress bar */
	kept = ob_malloc((n ? n : 1) * sizeof(*kept));
	for (size_t i = 0; i < n; i++) {
		if (left_out(paths[i]))
			continue;
		if (!safe_path(paths[i])) {
			OB_WARN("%s/%s: nombre que el manifiesto no puede llevar; se deja fuera",
			        "%s/%s: a name the manifest cannot hold; left out", dir, paths[i]);
			r->skipped++;
			continue;
		}
		kept[nk++] = paths[i];
		if (!path_join(from, sizeof(from), dir, paths[i], d) && stat(from, &st) == 0)
			total += (uint64_t)st.st_size;
	}
	if (!path_join(from, sizeof(from), dir, OB_STORE_FILE, d) && stat(from, &st) == 0)
		total += (uint64_t)st.st_size;
	if (r->skipped)
		OB_WARN("%zu enlaces o archivos especiales no se copian",
		        "%zu links or special files are not copied", r->skipped);
	if ((e = ob_mkdirs(tmp, d)))
		goto free_list;
	ob_progress_begin(&cp.bar, OB_TR("copia", "backup"), total);
	/* the store first: online, one committed state (PostgreSQL: pg_dump's) */
	if (ob_store_on_pg(s)) {
		if ((e = path_join(to, sizeof(to), tmp, OB_STORE_DUMP_FILE, d)) ||
		    (e = ob_store_dump_to(s, to, d)))
			goto remove_tmp;
	} else if ((e = path_join(to, sizeof(to), tmp, OB_STORE_FILE, d)) ||
	           (e = ob_store_backup_to(s, to, db_progress, &cp, d))) {
		goto remove_tmp;
	}
	if ((e = ob_file_sha256(to, hex, &bytes, d)))
		goto remove_tmp;
	copied = bytes;
	r->files = 1;
	r->bytes = bytes;
	ob_buf_putf(&man, "%s  %s\n", hex, ob_store_on_pg(s) ? OB_STORE_DUMP_FILE : OB_STORE_FILE);
	for (size_t i = 0; i < nk; i++) {
		if ((e = path_join(from, sizeof(from), dir, kept[i], d)) ||
		    (e = path_join(to, sizeof(to), tmp, kept[i], d)) || (e = ob_mkdirs_for(to, d)) ||
		    (e = ob_copy_file(from, to, hex, &bytes, &copied, d)))
			goto remove_tmp;
		ob_progress_update(&cp.bar, copied);
		ob_buf_putf(&man, "%s  %s\n", hex, kept[i]);
		r->files++;
		r->bytes += bytes;
	}
	if (ob_buf_failed(&man)) {
		e = OB_DIAG(d, OB_ETOOBIG, tmp, 0, 0, NULL, 0, "manifiesto demasiado grande",
		            "manifest too large");
		goto remove_tmp;
	}
	r->schema = ob_store_schema_version();
	ob_strlcpy(r->version, OB_VERSION, sizeof(r->version));
	now_iso(r->created);
	info = json_pack("{s:s, s:i, s:s, s:i, s:s, s:I, s:I}", "format", "observa-backup",
	                 "format_version", 1, "observa", OB_VERSION, "schema", r->schema,
	                 "created", r->created, "files", (json_int_t)r->files, "bytes",
	                 (json_int_t)r->bytes);
	text = info ? json_dumps(info, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(info);
	if (!text) {
		e = OB_DIAG(d, OB_ENOMEM, tmp, 0, 0, NULL, 0, "memoria agotada", "out of memory");
		goto remove_tmp;
	}
	e = path_join(to, sizeof(to), tmp, OB_BACKUP_INFO, d);
	if (!e)
		e = write_text(to, text, strlen(text), d);
	free(text);
	if (e || (e = path_join(to, sizeof(to), tmp, OB_BACKUP_MANIFEST, d)) ||
	    (e = write_text(to, man.ptr ? man.ptr : "", man.len, d)))
		goto remove_tmp;
	ob_progress_end(&cp.bar);
	sync_dirs(tmp, (const char *const *)kept, nk);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_NOREPLACE) != 0) {
		e = OB_DIAG(d, errno == EEXIST ? OB_EEXISTS : OB_EIO, dest, 0, 0, NULL, 0,
		            "no se pudo dejar la copia en su sitio: %s",
		            "could not move the backup into place: %s", strerror(errno));
		goto remove_tmp;
	}
	sync_parent(dest);
	goto free_list;
remove_tmp:
	ob_progress_end(&cp.bar);
	ob_tree_remove(tmp);
free_list:
	ob_buf_release(&man);
	free(kept);
	ob_tree_list_free(paths, n);
	return e;
}

/* ---- reading a backup ---- */

struct entry {
	char *path;
	char hex[65];
};

struct manifest {
	struct entry *e;
	size_t n;
};

static void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->e[i].path);
	free(m->e);
	m->e = NULL;
	m->n = 0;
}

static int cmp_entries(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

static bool is_hex64(const char *p)
{
	for (int i = 0; i < 64; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

static ob_err manifest_read(const char *src, struct manifest *m, struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	size_t len, cap = 0;
	long line = 0;
	char *text, *p;
	ob_err e;

	m->e = NULL;
	m->n = 0;
	if ((e = path_join(path, sizeof(path), src, OB_BACKUP_MANIFEST, d)))
		return e;
	if ((e = ob_read_file(path, OB_MAX_TEXT_FILE, &text, &len, d)))
		return e == OB_ENOENT ? OB_DIAG(d, OB_ECORRUPT, path, 0, 0, NULL, 0,
		                                "no es una copia de observa: falta el manifiesto",
		                                "not an observa backup: the manifest is missing")
		                      : e;
	for (p = text; p < text + len && !e;) {
		char *end = memchr(p, '\n', (size_t)(text + len - p));
		size_t n = end ? (size_t)(end - p) : (size_t)(text + len - p);

		line++;
		if (n < 67 || !is_hex64(p) || p[64] != ' ' || p[65] != ' ') {
			e = OB_DIAG(d, OB_ECORRUPT, path, line, 1, p, n < 80 ? n : 80,
			            "se esperaba «sha256 (64 cifras hex), dos espacios, ruta»",
			            "expected «sha256 (64 hex digits), two spaces, path»");
			break;
		}
		p[n] = '\0';
		if (!safe_path(p + 66)) {
			e = OB_DIAG(d, OB_ECORRUPT, path, line, 67, p + 66, strlen(p + 66),
			            "ruta no permitida en una copia", "path not allowed in a backup");
			break;
		}
		if (m->n >= OB_MAX_TREE_FILES) {
			e = OB_DIAG(d, OB_ETOOBIG, path, line, 0, NULL, 0, "más de %d archivos",
			            "more than %d files", OB_MAX_TREE_FILES);
			break;
		}
		if (m->n == cap) {
			cap = cap ? 2 * cap : 64;
			m->e = ob_realloc(m->e, cap * sizeof(*m->e));
		}
		memcpy(m->e[m->n].hex, p, 64);
		m->e[m->n].hex[64] = '\0';
		m->e[m->n++].path = ob_strdup(p + 66);
		p += n + 1;
	}
	free(text);
	if (!e && m->n)
		qsort(m->e, m->n, sizeof(*m->e), cmp_entries);
	for (size_t i = 1; !e && i < m->n; i++)
		if (!strcmp(m->e[i - 1].path, m->e[i].path))
			e = OB_DIAG(d, OB_ECORRUPT, path, 0, 0, m->e[i].path, strlen(m->e[i].path),
			            "ruta repetida en el manifiesto", "path repeated in the manifest");
	if (e)
		manifest_release(m);
	return e;
}

static const struct entry *manifest_find(const struct manifest *m, const char *path)
{
	struct entry key = { (char *)path, "" };

	return m->n ? bsearch(&key, m->e, m->n, sizeof(*m->e), cmp_entries) : NULL;
}

static void info_read(const char *src, struct ob_backup_result *r)
{
	char path[OB_MAX_PATH];
	json_error_t jerr;
	json_t *root;
	struct ob_diag d;

	if (path_join(path, sizeof(path), src, OB_BACKUP_INFO, &d) ||
	    !(root = json_load_file(path, 0, &jerr)))
		return;
	ob_strlcpy(r->version, json_string_value(json_object_get(root, "observa")) ?
	                           json_string_value(json_object_get(root, "observa")) : "",
	           sizeof(r->version));
	ob_strlcpy(r->created, json_string_value(json_object_get(root, "created")) ?
	                           json_string_value(json_object_get(root, "created")) : "",
	           sizeof(r->created));
	if (r->schema < 0 && json_is_integer(json_object_get(root, "schema")))
		r->schema = (int)json_integer_value(json_object_get(root, "schema"));
	json_decref(root);
}

/* The manifest of the backup at src checked against its files. */
static ob_err verify(const char *src, struct manifest *m, struct ob_backup_result *r,
                     struct ob_diag *d)
{
	char path[OB_MAX_PATH], hex[65];
	struct ob_progress bar;
	char **paths = NULL;
	size_t n = 0;
	uint64_t bytes, done = 0, total = 0;
	struct stat st;
	ob_err e;

	memset(r, 0, sizeof(*r));
	if ((e = manifest_read(src, m, d)))
		return e;
	if (!manifest_find(m, OB_STORE_FILE) && !manifest_find(m, OB_STORE_DUMP_FILE)) {
		e = OB_DIAG(d, OB_ECORRUPT, src, 0, 0, NULL, 0,
		            "la copia no tiene %s ni %s", "the backup has neither %s nor %s",
		            OB_STORE_FILE, OB_STORE_DUMP_FILE);
		goto release;
	}
	if ((e = ob_tree_list(src, &paths, &n, &r->skipped, d)))
		goto release;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(paths[i], OB_BACKUP_MANIFEST) || !strcmp(paths[i], OB_BACKUP_INFO))
			continue;
		if (!manifest_find(m, paths[i])) {
			e = OB_DIAG(d, OB_ECORRUPT, src, 0, 0, paths[i], strlen(paths[i]),
			            "archivo que el manifiesto no lista",
			            "a file the manifest does not list");
			goto release;
		}
	}
	for (size_t i = 0; i < m->n; i++)
		if (!path_join(path, sizeof(path), src, m->e[i].path, d) && stat(path, &st) == 0)
			total += (uint64_t)st.st_size;
	ob_progress_begin(&bar, OB_TR("comprobación", "check"), total);
	for (size_t i = 0; i < m->n && !e; i++) {
		if ((e = path_join(path, sizeof(path), src, m->e[i].path, d)))
			break;
		if (lstat(path, &st) != 0) {
			e = OB_DIAG(d, OB_ECORRUPT, src, 0, 0, m->e[i].path, strlen(m->e[i].path),
			            "falta un archivo del manifiesto", "a file of the manifest is missing");
			break;
		}
		/* a link would make the restore copy whatever it points to */
		if (!S_ISREG(st.st_mode)) {
			e = OB_DIAG(d, OB_ECORRUPT, src, 0, 0, m->e[i].path, strlen(m->e[i].path),
			            "no es un archivo común (un enlace u otra cosa): una copia sólo "
			            "lleva archivos",
			            "not a regular file (a link or something else): a backup holds "
			            "files only");
			break;
		}
		if ((e = ob_file_sha256(path, hex, &bytes, d)))
			break;
		if (strcmp(hex, m->e[i].hex)) {
			e = OB_DIAG(d, OB_ECORRUPT, src, 0, 0, m->e[i].path, strlen(m->e[i].path),
			            "el archivo no es el que se copió (su SHA-256 difiere del "
			            "manifiesto)",
			            "the file is not the one copied (its SHA-256 differs from the "
			            "manifest)");
			break;
		}
		done += bytes;
		r->files++;
		r->bytes += bytes;
		ob_progress_update(&bar, done);
	}
	ob_progress_end(&bar);
	if (!e && manifest_find(m, OB_STORE_DUMP_FILE)) {
		/* PostgreSQL's dump: pg_restore reads it; its schema is backup.json's */
		r->schema = -1;
		if (!(e = path_join(path, sizeof(path), src, OB_STORE_DUMP_FILE, d)))
			e = ob_store_check_dump(path, d);
		if (!e)
			info_read(src, r);
		if (!e && (r->schema <= 0 || r->schema > ob_store_schema_version()))
			e = OB_DIAG(d, r->schema > 0 ? OB_ESCHEMA : OB_ECORRUPT, src, 0, 0,
			            OB_BACKUP_INFO, strlen(OB_BACKUP_INFO),
			            "esquema %d: este observa conoce del 1 al %d",
			            "schema %d: this observa knows 1 to %d", r->schema,
			            ob_store_schema_version());
	} else if (!e) {
		if (!(e = path_join(path, sizeof(path), src, OB_STORE_FILE, d)))
			e = ob_store_check_file(path, &r->schema, d);
		if (!e)
			info_read(src, r);
	}
release:
	ob_tree_list_free(paths, n);
	if (e)
		manifest_release(m);
	return e;
}

ob_err ob_backup_verify(const char *src, struct ob_backup_result *r, struct ob_diag *d)
{
	struct manifest m;
	ob_err e = verify(src, &m, r, d);

	if (!e)
		manifest_release(&m);
	return e;
}

/* dir is absent (*empty false) or an empty directory (*empty true). */
static ob_err target_free(const char *dir, bool *empty, struct ob_diag *d)
{
	char **paths = NULL;
	size_t n = 0, skipped = 0;
	struct stat st;
	ob_err e;

	*empty = false;
	if (stat(dir, &st) != 0)
		return OB_OK;
	if (!S_ISDIR(st.st_mode))
		return OB_DIAG(d, OB_EEXISTS, dir, 0, 0, NULL, 0, "ya existe y no es un directorio",
		               "already exists and is not a directory");
	if ((e = ob_tree_list(dir, &paths, &n, &skipped, d)))
		return e;
	ob_tree_list_free(paths, n);
	if (n || skipped)
		return OB_DIAG(d, OB_EEXISTS, dir, 0, 0, NULL, 0,
		               "no está vacío: se restaura en un directorio nuevo o vacío, nunca "
		               "sobre un observatorio",
		               "not empty: a backup is restored into a new or empty directory, "
		               "never over an observatory");
	*empty = true;
	return OB_OK;
}

/* The store of the observatory restored at tmp is the PostgreSQL
 * database at url (given) or the one the backup's store.url names: its
 * address in tmp's store.url, the dump restored there. */
static ob_err restore_pg(const char *src, const char *tmp, const char *url, struct ob_diag *d)
{
	char have[OB_STORE_URL_MAX], path[OB_MAX_PATH];
	ob_err e;
	int fd;

	if (!url) {
		if ((e = ob_store_read_url(src, have, sizeof(have), d)) == OB_ENOENT)
			return OB_DIAG(d, OB_EUSAGE, src, 0, 0, NULL, 0,
			               "la copia es de un almacén PostgreSQL y no dice cuál: indique "
			               "la base de destino con --store postgresql://...",
			               "the backup is of a PostgreSQL store and does not say which: "
			               "name the target database with --store postgresql://...");
		if (e)
			return e;
		url = have;
	}
	if ((e = path_join(path, sizeof(path), tmp, OB_STORE_URL_FILE, d)))
		return e;
	/* readable by its owner only, as observa init --store writes it */
	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
	    dprintf(fd, "%s\n", url) < 0 || fsync(fd) != 0) {
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo escribir: %s",
		            "cannot write: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return e;
	}
	close(fd);
	if ((e = path_join(path, sizeof(path), src, OB_STORE_DUMP_FILE, d)))
		return e;
	return ob_store_restore_dump(url, path, d);
}

ob_err ob_backup_restore(const char *src, const char *dir, const char *url,
                         struct ob_backup_result *r, struct ob_diag *d)
{
	char tmp[OB_MAX_PATH], from[OB_MAX_PATH], to[OB_MAX_PATH], hex[65];
	struct ob_progress bar;
	struct manifest m;
	struct ob_store *s = NULL;
	uint64_t copied = 0;
	bool empty, pg;
	ob_err e;

	if (url && !ob_store_url_valid(url))
		return OB_DIAG(d, OB_EUSAGE, NULL, 0, 0, url, strlen(url),
		               "se esperaba la dirección de una base PostgreSQL (postgresql://...)",
		               "expected the address of a PostgreSQL database (postgresql://...)");
	if ((e = target_free(dir, &empty, d)))
		return e;
	if ((e = partial_of(dir, tmp, sizeof(tmp), true, d)))
		return e;
	if ((e = verify(src, &m, r, d)))
		return e;
	pg = manifest_find(&m, OB_STORE_DUMP_FILE) != NULL;
	if (url && !pg) {
		e = OB_DIAG(d, OB_EUSAGE, src, 0, 0, NULL, 0,
		            "--store es para una copia de un almacén PostgreSQL; esta es de SQLite",
		            "--store is for a backup of a PostgreSQL store; this one is SQLite's");
		goto release;
	}
	if ((e = ob_mkdirs(tmp, d)))
		goto release;
	ob_progress_begin(&bar, OB_TR("restauración", "restore"), r->bytes);
	for (size_t i = 0; i < m.n && !e; i++) {
		/* the dump goes into the database, not the observatory */
		if (!strcmp(m.e[i].path, OB_STORE_DUMP_FILE))
			continue;
		if ((e = path_join(from, sizeof(from), src, m.e[i].path, d)) ||
		    (e = path_join(to, sizeof(to), tmp, m.e[i].path, d)) ||
		    (e = ob_mkdirs_for(to, d)) || (e = ob_copy_file(from, to, hex, NULL, &copied, d)))
			break;
		/* the bytes copied are the bytes checked */
		if (strcmp(hex, m.e[i].hex))
			e = OB_DIAG(d, OB_ECORRUPT, src, 0, 0, m.e[i].path, strlen(m.e[i].path),
			            "el archivo cambió durante la restauración",
			            "the file changed during the restore");
		ob_progress_update(&bar, copied);
	}
	ob_progress_end(&bar);
	if (e || (pg && (e = restore_pg(src, tmp, url, d))))
		goto remove_tmp;
	/* a backup of an older version is migrated now, and the snapshot
	 * rebuilt, so that the observatory answers at once */
	if ((e = ob_store_open(tmp, OB_STORE_EXISTING, &s, d)) ||
	    (e = ob_snapshot_build(s, tmp, d)))
		goto remove_tmp;
	ob_store_close(s);
	s = NULL;
	{
		const char **names = ob_malloc((m.n ? m.n : 1) * sizeof(*names));
		for (size_t i = 0; i < m.n; i++)
			names[i] = m.e[i].path;
		sync_dirs(tmp, names, m.n);
		free(names);
	}
	if (empty && rmdir(dir) != 0) {
		e = OB_DIAG(d, OB_EIO, dir, 0, 0, NULL, 0, "%s", "%s", strerror(errno));
		goto remove_tmp;
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_NOREPLACE) != 0) {
		e = OB_DIAG(d, errno == EEXIST ? OB_EEXISTS : OB_EIO, dir, 0, 0, NULL, 0,
		            "no se pudo dejar el observatorio en su sitio: %s",
		            "could not move the observatory into place: %s", strerror(errno));
		goto remove_tmp;
	}
	ob_sync_dir(dir);
	sync_parent(dir);
	goto release;
remove_tmp:
	ob_store_close(s);
	ob_tree_remove(tmp);
release:
	manifest_release(&m);
	return e;
}
