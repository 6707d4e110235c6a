/* test_zip.c - CRC-32 against known values and a deflated zip read back with libzip. */
#include "test.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "publish/release.h"

static void test_crc32(void **state)
{
	static const struct {
		const char *in;
		uint32_t crc;
	} cases[] = {
		{ "", 0x00000000u },
		{ "a", 0xE8B7BE43u },
		{ "123456789", 0xCBF43926u },
		{ "The quick brown fox jumps over the lazy dog", 0x414FA339u },
	};

	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++)
		assert_int_equal(ob_crc32(cases[i].in, strlen(cases[i].in)), cases[i].crc);
}

/* Written deflated, read back by libzip entry by entry, in order, with the
 * bytes, CRC-32 and date they were given. */
static void test_zip_layout(void **state)
{
	char dir[] = "/tmp/test_zip.XXXXXX", path[256], big[64 * 1024];
	struct ob_zip_entry e[] = {
		{ "a.txt", "hola", 4, NULL },
		{ "dir/b.xml", "<x/>", 4, NULL },
		{ "vacío", "", 0, NULL },
		{ "big.xml", big, sizeof(big), NULL },
	};
	char got[sizeof(big)];
	struct ob_diag d;
	struct stat st;
	zip_t *za;
	int err;

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = "<row/>"[i % 6];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.zip", dir);
	assert_int_equal(ob_zip_write(path, e, OB_ARRAY_SIZE(e), &d), OB_OK);
	/* compressed: far less than the 64 KiB of the repetitive entry */
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < 4096);
	za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	assert_non_null(za);
	assert_int_equal(zip_get_num_entries(za, 0), OB_ARRAY_SIZE(e));
	for (size_t i = 0; i < OB_ARRAY_SIZE(e); i++) {
		zip_stat_t zs;
		zip_file_t *zf;
		struct tm tm;

		assert_int_equal(zip_stat_index(za, i, 0, &zs), 0);
		assert_string_equal(zs.name, e[i].name);
		assert_int_equal(zs.size, e[i].len);
		assert_int_equal(zs.crc, ob_crc32(e[i].data, e[i].len));
		assert_int_equal(zs.comp_method, ZIP_CM_DEFLATE);
		localtime_r(&zs.mtime, &tm);
		assert_int_equal(tm.tm_year, 80);
		assert_int_equal(tm.tm_yday, 0);
		zf = zip_fopen_index(za, i, 0);
		assert_non_null(zf);
		assert_int_equal(zip_fread(zf, got, sizeof(got)), (zip_int64_t)e[i].len);
		assert_memory_equal(got, e[i].data, e[i].len);
		zip_fclose(zf);
	}
	zip_close(za);
	unlink(path);
	/* an entry read from a file (a sheet too large for memory): its bytes */
	{
		char fpath[300];
		FILE *f;
		struct ob_zip_entry fe[] = { { "a.txt", "hola", 4, NULL },
			                     { "from_file.xml", NULL, 0, fpath } };
		zip_file_t *zf;

		snprintf(fpath, sizeof(fpath), "%s/part.xml", dir);
		assert_non_null(f = fopen(fpath, "wb"));
		assert_int_equal(fwrite(big, 1, sizeof(big), f), sizeof(big));
		assert_int_equal(fclose(f), 0);
		assert_int_equal(ob_zip_write(path, fe, OB_ARRAY_SIZE(fe), &d), OB_OK);
		za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
		assert_non_null(za);
		assert_int_equal(zip_get_num_entries(za, 0), 2);
		zf = zip_fopen_index(za, 1, 0);
		assert_non_null(zf);
		assert_int_equal(zip_fread(zf, got, sizeof(got)), (zip_int64_t)sizeof(big));
		assert_memory_equal(got, big, sizeof(big));
		zip_fclose(zf);
		zip_close(za);
		unlink(path);
		unlink(fpath);
	}
	/* a folder that does not exist: an error, no file */
	snprintf(path, sizeof(path), "%s/no/t.zip", dir);
	assert_int_equal(ob_zip_write(path, e, OB_ARRAY_SIZE(e), &d), OB_EIO);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_zip_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
