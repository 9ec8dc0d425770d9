/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Absolute times for pthread_cond_timedwait and friends. */
#ifndef HVMON_DEADLINE_H
#define HVMON_DEADLINE_H

#include <time.h>

#define NSEC_PER_SEC 1000000000L

/* Now on clock clk, plus seconds (fractions allowed, never negative). */
static inline struct timespec deadline_after(clockid_t clk, double seconds)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	time_t whole = (time_t)seconds;
	ts.tv_sec += whole;
	ts.tv_nsec += (long)((seconds - (double)whole) * 1e9);
	if (ts.tv_nsec >= NSEC_PER_SEC) {
		ts.tv_sec++;
		ts.tv_nsec -= NSEC_PER_SEC;
	}
	return ts;
}

/* Is deadline d (on clock clk) in the past? */
static inline int deadline_passed(clockid_t clk, const struct timespec *d)
{
	struct timespec now;
	clock_gettime(clk, &now);
	return now.tv_sec > d->tv_sec || (now.tv_sec == d->tv_sec && now.tv_nsec >= d->tv_nsec);
}

#endif
