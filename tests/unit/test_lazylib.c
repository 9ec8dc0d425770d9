// SPDX-License-Identifier: GPL-3.0-or-later
/* Libraries loaded on first use: a present one fills its table once, a
 * missing one (or one without a wanted symbol) gives one line naming what
 * needed it, the library and its Debian package, every time it is asked. */
#include <string.h>

#include "common/lazylib.h"
#include "unit.h"

static const char *(*zlib_version)(void);
static const struct lazylib_sym zlib_syms[] = {
	{ "zlibVersion", (void **)&zlib_version },
	{ NULL, NULL },
};

START_TEST(loads_once)
{
	static struct lazylib lib = LAZYLIB("libz.so.1", "zlib1g", zlib_syms);
	char err[300] = "";
	ck_assert(lazylib_load(&lib, "a test", err, sizeof(err)));
	ck_assert_ptr_nonnull(zlib_version);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(zlib_version()[0], '1');
	const char *(*first)(void) = zlib_version;
	ck_assert(lazylib_load(&lib, "a test", NULL, 0));
	ck_assert_ptr_eq(zlib_version, first);
}
END_TEST

START_TEST(missing_library)
{
	static void *never;
	static const struct lazylib_sym syms[] = { { "f", &never }, { NULL, NULL } };
	static struct lazylib lib = LAZYLIB("libhvmon-no-such.so.9", "libhvmon-no-such9", syms);
	for (int i = 0; i < 2; i++) {
		char err[300] = "";
		ck_assert(!lazylib_load(&lib, "an lz9 kernel", err, sizeof(err)));
		ck_assert_msg(!strncmp(err, "an lz9 kernel needs libhvmon-no-such.so.9 "
				       "(Debian package libhvmon-no-such9): ", 75), "%s", err);
		ck_assert_ptr_null(strchr(err, '\n'));
	}
	ck_assert_ptr_null(never);
}
END_TEST

START_TEST(missing_symbol)
{
	static void *version, *bogus;
	static const struct lazylib_sym syms[] = {
		{ "zlibVersion", &version }, { "hvmon_no_such_function", &bogus }, { NULL, NULL },
	};
	static struct lazylib lib = LAZYLIB("libz.so.1", "zlib1g", syms);
	char err[300] = "";
	ck_assert(!lazylib_load(&lib, "a test", err, sizeof(err)));
	ck_assert_msg(strstr(err, "libz.so.1 has no hvmon_no_such_function"), "%s", err);
	ck_assert_ptr_null(bogus);
}
END_TEST

static Suite *lazylib_suite(void)
{
	Suite *s = suite_create("lazylib");
	TCase *tc = tcase_create("load");
	tcase_add_test(tc, loads_once);
	tcase_add_test(tc, missing_library);
	tcase_add_test(tc, missing_symbol);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(lazylib_suite)
