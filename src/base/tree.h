/*
 * tree.h - directories of files as a whole: list the regular files under a
 * directory, copy a file durably while hashing it, make and remove
 * directories. Used by `observa backup` and `observa restore`.
 *
 * Paths are limited to OB_MAX_PATH bytes, a listing to OB_MAX_TREE_FILES
 * files and OB_MAX_TREE_DEPTH levels (more is OB_ETOOBIG, never a partial
 * list). Every failure fills d with the path and the reason.
 */
#ifndef OB_TREE_H
#define OB_TREE_H

#include <stdint.h>

#include "base/common.h"

/* The regular files under root, as paths relative to root ("a/b.csv"),
 * sorted bytewise. Symbolic links and other entries that are not regular
 * files or directories are counted in *skipped (may be NULL) and left out.
 * A missing root is an empty list. Ownership: *paths and each path are
 * the caller's; free them with ob_tree_list_free(). */
ob_err ob_tree_list(const char *root, char ***paths, size_t *n, size_t *skipped,
                    struct ob_diag *d);
void ob_tree_list_free(char **paths, size_t n);

/* Copy the regular file from (a symbolic link is refused, never followed)
 * to the new file to (its directory must exist; to must not), synced to disk, with its SHA-256 in hex (may be NULL) and its size
 * in *bytes (may be NULL). *copied (may be NULL) grows by the bytes as
 * they are written, for progress. */
ob_err ob_copy_file(const char *from, const char *to, char hex[65], uint64_t *bytes,
                    uint64_t *copied, struct ob_diag *d);

/* SHA-256 of the file at path in hex, and its size (may be NULL). */
ob_err ob_file_sha256(const char *path, char hex[65], uint64_t *bytes, struct ob_diag *d);

/* Make directory path and its missing ancestors. */
ob_err ob_mkdirs(const char *path, struct ob_diag *d);

/* Make the parent directories of file path. */
ob_err ob_mkdirs_for(const char *path, struct ob_diag *d);

/* Sync directory path's entries to disk (after files were renamed into
 * it); errors are ignored where the file system cannot. */
void ob_sync_dir(const char *path);

/* Remove path and everything under it (best effort; symbolic links are
 * removed, never followed). */
void ob_tree_remove(const char *path);

#endif
