/* test_zip.c - CRC-32 against known values and a stored zip read back byte by byte. */
#include "test.h"

#include <unistd.h>

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

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned rd16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static void test_zip_layout(void **state)
{
	char dir[] = "/tmp/test_zip.XXXXXX", path[256];
	struct ob_zip_entry e[] = {
		{ "a.txt", "hola", 4 },
		{ "dir/b.xml", "<x/>", 4 },
		{ "vacío", "", 0 },
	};
	unsigned char buf[4096];
	struct ob_diag d;
	size_t n, off = 0, cd;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.zip", dir);
	assert_int_equal(ob_zip_write(path, e, OB_ARRAY_SIZE(e), &d), OB_OK);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* local headers, each followed by its bytes as they are */
	for (size_t i = 0; i < OB_ARRAY_SIZE(e); i++) {
		size_t nl = strlen(e[i].name);
		assert_int_equal(rd32(buf + off), 0x04034b50u);
		assert_int_equal(rd16(buf + off + 8), 0); /* stored */
		assert_int_equal(rd32(buf + off + 14), ob_crc32(e[i].data, e[i].len));
		assert_int_equal(rd32(buf + off + 18), e[i].len);
		assert_int_equal(rd16(buf + off + 26), nl);
		assert_memory_equal(buf + off + 30, e[i].name, nl);
		assert_memory_equal(buf + off + 30 + nl, e[i].data, e[i].len);
		off += 30 + nl + e[i].len;
	}
	/* the end record points at the central directory, which follows */
	assert_true(n >= 22);
	assert_int_equal(rd32(buf + n - 22), 0x06054b50u);
	assert_int_equal(rd16(buf + n - 22 + 10), OB_ARRAY_SIZE(e));
	cd = rd32(buf + n - 22 + 16);
	assert_int_equal(cd, off);
	assert_int_equal(rd32(buf + cd), 0x02014b50u);
	assert_int_equal(rd32(buf + n - 22 + 12), n - 22 - cd);
	unlink(path);
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
