/* test_sha256.c - SHA-256 against the FIPS 180-2 example vectors. */
#include "test.h"

#include "base/sha256.h"

/* Every digest is taken twice: with the CPU's SHA instructions when the
 * machine has them, and with the portable code. */
static bool portable;

static void digest_of(const char *p, size_t n, size_t step, char hex[65])
{
	struct ob_sha256 c;
	unsigned char d[OB_SHA256_LEN];

	if (portable)
		ob_sha256_init_portable(&c);
	else
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

static int use_portable(void **state)
{
	(void)state;
	portable = true;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fips_vectors),
		cmocka_unit_test(million_a),
		cmocka_unit_test(peek_leaves_context),
	};
	const struct CMUnitTest portable_tests[] = {
		cmocka_unit_test(fips_vectors),
		cmocka_unit_test(million_a),
	};
	return cmocka_run_group_tests(tests, NULL, NULL) ||
	       cmocka_run_group_tests_name("portable", portable_tests, use_portable, NULL);
}
