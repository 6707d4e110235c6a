/* fuzz_image.c - libFuzzer harness: photographs checked and rewritten
 * without their metadata (io/image.h). Whatever the bytes: a refusal
 * leaves nothing written; what is taken is a picture the cleaner takes
 * again unchanged, with nothing more to drop and the same dimensions. */
#include "base/common.h"

#include "base/limits.h"
#include "io/image.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "fuzz_image: %s:%d: %s\n", __FILE__, \
			        __LINE__, #cond);                            \
			abort();                                             \
		}                                                            \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ob_image_info info, again;
	struct ob_buf out, out2;
	struct ob_diag d;
	ob_err e;

	ob_buf_init(&out, OB_MAX_PHOTO_BYTES);
	ob_buf_init(&out2, OB_MAX_PHOTO_BYTES);
	e = ob_image_clean(data, size, &out, &info, &d);
	if (e) {
		CHECK(e == OB_EINVAL || e == OB_ETOOBIG);
		CHECK(out.len == 0 && d.message[0]);
	} else {
		CHECK(out.len <= size + 4);
		CHECK(info.width >= OB_MIN_PHOTO_SIDE && info.height >= OB_MIN_PHOTO_SIDE);
		CHECK(ob_image_clean((const unsigned char *)out.ptr, out.len, &out2, &again, &d) ==
		      OB_OK);
		CHECK(again.dropped == 0 && again.type == info.type);
		CHECK(again.width == info.width && again.height == info.height);
		CHECK(out2.len == out.len && !memcmp(out2.ptr, out.ptr, out.len));
	}
	ob_buf_release(&out2);
	ob_buf_release(&out);
	return 0;
}
