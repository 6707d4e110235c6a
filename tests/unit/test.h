/* test.h - first include of every unit test: C headers, then cmocka. */
#ifndef OB_TEST_H
#define OB_TEST_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "base/common.h"
#endif
