/* test_sha256.c - SHA-256 against the FIPS 180-2 example vectors. */
#include "test.h"

#include "base/sha256.h"

static void digest_of(const char *p, size_t n, size_t step, char hex[65])
{
	struct ob_sha256 c;
	unsigned char d[OB_SHA256_LEN];

	ob_sha256_init(&c);
	for (size_t i = 0; i < n; i += step)
		ob_sha256_update(&c, p + i, n - i < step ? n - i : step);
	ob_sha256_final(&c, d);
	ob_sha256_hex(d, hex);
}

static const struct {
	const char *in;
	const char *want;
} vectors[] = {
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
};

static void fips_vectors(void **state)
{
	char hex[65];
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(vectors); i++) {
		size_t n = strlen(vectors[i].in);
		/* whole, and fed in awkward pieces */
		for (size_t step = 1; step <= 65; step += 7) {
			digest_of(vectors[i].in, n, n && step > n ? n : step, hex);
			assert_string_equal(hex, vectors[i].want);
		}
	}
}

static void million_a(void **state)
{
	char *a = malloc(1000000);
	char hex[65];
	(void)state;
	assert_non_null(a);
	memset(a, 'a', 1000000);
	digest_of(a, 1000000, 1000000, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	digest_of(a, 1000000, 4099, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

static void peek_leaves_context(void **state)
{
	struct ob_sha256 c;
	unsigned char d[OB_SHA256_LEN];
	char hex[65];
	(void)state;

	ob_sha256_init(&c);
	ob_sha256_update(&c, "ab", 2);
	ob_sha256_peek_hex(&c, hex);
	assert_string_equal(hex, "fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603");
	ob_sha256_update(&c, "c", 1);
	ob_sha256_final(&c, d);
	ob_sha256_hex(d, hex);
	assert_string_equal(hex, vectors[0].want);
}

/* Both block functions agree on uneven chunks of pseudo-random bytes. */
static void paths_agree(void **state)
{
	size_t n = 300000;
	unsigned char *buf = malloc(n);
	uint64_t x = 88172645463325252ULL;
	char a[65], b[65];
	(void)state;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)x;
	}
	for (size_t len = 0; len < 300; len += 37) {
		ob_sha256_force_portable(true);
		digest_of((const char *)buf, n - len, 1 + len, a);
		ob_sha256_force_portable(false);
		digest_of((const char *)buf, n - len, 4096 - len, b);
		assert_string_equal(a, b);
	}
	free(buf);
}

static int portable(void **state)
{
	(void)state;
	ob_sha256_force_portable(true);
	return 0;
}

static int accelerated(void **state)
{
	(void)state;
	ob_sha256_force_portable(false);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fips_vectors),
		cmocka_unit_test(million_a),
		cmocka_unit_test(peek_leaves_context),
	};
	const struct CMUnitTest both[] = {
		cmocka_unit_test(paths_agree),
	};
	int fails = cmocka_run_group_tests_name("portable", tests, portable, NULL);

	fails += cmocka_run_group_tests_name("accelerated", tests, accelerated, NULL);
	if (!ob_sha256_accelerated())
		print_message("this processor has no SHA instructions: only the portable code ran\n");
	return fails + cmocka_run_group_tests_name("both", both, NULL, NULL);
}
