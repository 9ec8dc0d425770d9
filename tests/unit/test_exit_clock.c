// SPDX-License-Identifier: GPL-3.0-or-later
/* The exit path's clock: whichever clock it picked (the TSC where it is
 * invariant), its ticks turned into nanoseconds agree with CLOCK_MONOTONIC
 * over the same interval, and its epoch is one instant in both. Both
 * clocks measure the same sleep, so a loaded host moves both alike. */
#include <time.h>

#include "unit.h"
#include "vmm/exit_clock.h"

/* A tick reading between two CLOCK_MONOTONIC ones: a preemption between
 * them widens the bracket instead of failing the check. */
struct reading {
	uint64_t before, ticks, after;
};

static struct reading read_both(void)
{
	struct reading r;
	r.before = exit_clock_mono_ns();
	r.ticks = exit_clock_now();
	r.after = exit_clock_mono_ns();
	return r;
}

START_TEST(ticks_agree_with_monotonic)
{
	exit_clock_start();
	struct reading a = read_both();
	struct timespec nap = { .tv_nsec = 20 * 1000 * 1000 };
	nanosleep(&nap, NULL);
	struct reading b = read_both();
	uint64_t ns = exit_clock_ns(b.ticks - a.ticks);
	uint64_t lo = b.before - a.after, hi = b.after - a.before;
	ck_assert_uint_ge(lo, 20 * 1000 * 1000);
	/* 1 % either side: the scale comes from the same two clocks. */
	ck_assert_msg(ns >= lo - lo / 100 && ns <= hi + hi / 100,
		      "%llu ticks are %llu ns, CLOCK_MONOTONIC says %llu-%llu ns (tsc=%d)",
		      (unsigned long long)(b.ticks - a.ticks), (unsigned long long)ns,
		      (unsigned long long)lo, (unsigned long long)hi, (int)exit_clock_is_tsc);
}
END_TEST

START_TEST(epoch_is_one_instant)
{
	exit_clock_start();
	struct reading r = read_both();
	uint64_t since = exit_clock_ns(r.ticks - exit_clock_epoch());
	uint64_t lo = r.before - exit_clock_epoch_ns(), hi = r.after - exit_clock_epoch_ns();
	/* 1 % and 10 us: the epoch's own pair was read a few ns apart. */
	ck_assert_msg(since + since / 100 + 10000 >= lo && since <= hi + hi / 100 + 10000,
		      "%llu ns since the epoch, CLOCK_MONOTONIC says %llu-%llu",
		      (unsigned long long)since, (unsigned long long)lo, (unsigned long long)hi);
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
