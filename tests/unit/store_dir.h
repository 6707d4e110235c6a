/*
 * store_dir.h - a unit test's temporary observatory removed: the store's
 * file, its write-ahead log and shared memory (which a command that keeps
 * its log leaves: store/store.h, ob_store_keep_log), then the directory.
 * For tests only; the store must be closed first.
 */
#ifndef OB_TEST_STORE_DIR_H
#define OB_TEST_STORE_DIR_H

#include "base/limits.h"

#include <stdio.h>
#include <unistd.h>

static inline void ob_test_store_dir_remove(const char *dir)
{
	static const char *const files[] = { "observa.db", "observa.db-wal", "observa.db-shm" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[OB_MAX_PATH];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

#endif
