// SPDX-License-Identifier: GPL-3.0-or-later
/* The exit path's clock: whichever clock it picked (the TSC where it is
 * invariant), its ticks turned into nanoseconds agree with CLOCK_MONOTONIC
 * over the same interval, and its epoch is one instant in both. Both
 * clocks measure the same sleep, so a loaded host moves both alike. */
#include <time.h>

#include "unit.h"
#include "vmm/exit_clock.h"

static uint64_t diff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

START_TEST(ticks_agree_with_monotonic)
{
	exit_clock_start();
	uint64_t t0 = exit_clock_now(), n0 = exit_clock_mono_ns();
	struct timespec nap = { .tv_nsec = 20 * 1000 * 1000 };
	nanosleep(&nap, NULL);
	uint64_t t1 = exit_clock_now(), n1 = exit_clock_mono_ns();
	uint64_t ns = exit_clock_ns(t1 - t0), real = n1 - n0;
	ck_assert_uint_ge(real, 20 * 1000 * 1000);
	/* 1 %: the scale comes from the same two clocks over a longer span. */
	ck_assert_msg(diff(ns, real) <= real / 100 + 100000,
		      "%llu ticks are %llu ns, CLOCK_MONOTONIC says %llu ns (tsc=%d)",
		      (unsigned long long)(t1 - t0), (unsigned long long)ns,
		      (unsigned long long)real, (int)exit_clock_is_tsc);
}
END_TEST

START_TEST(epoch_is_one_instant)
{
	exit_clock_start();
	uint64_t since = exit_clock_ns(exit_clock_now() - exit_clock_epoch());
	uint64_t mono = exit_clock_mono_ns() - exit_clock_epoch_ns();
	ck_assert_msg(diff(since, mono) <= mono / 100 + 100000, "%llu against %llu",
		      (unsigned long long)since, (unsigned long long)mono);
	ck_assert_uint_ne(exit_clock_epoch_ns(), 0);
}
END_TEST

static Suite *exit_clock_suite(void)
{
	Suite *s = suite_create("exit_clock");
	TCase *tc = tcase_create("clock");
	tcase_add_test(tc, ticks_agree_with_monotonic);
	tcase_add_test(tc, epoch_is_one_instant);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(exit_clock_suite)
