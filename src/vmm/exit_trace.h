/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live exit trace: which exits it shows (the filter), the text of one
 * exit record, and the bounded queue that carries records from the vCPU
 * threads to the monitor, which prints them.
 *
 * One VM per hvmon process, so the trace state is process-wide. Whether
 * tracing is on is one flag, exit_trace_active, which the vCPU thread
 * checks with one relaxed load per exit. Only while a trace is on does a
 * vCPU take the trace's mutex (which guards the filter and the queue), and
 * it never waits for room: a full queue drops the record and counts it. */
#ifndef HVMON_EXIT_TRACE_H
#define HVMON_EXIT_TRACE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/exit_stats.h"

#define EXIT_TRACE_QUEUE 1024   /* records waiting for the monitor */

enum exit_filter_kind {
	EXIT_FILTER_ALL = 1,
	EXIT_FILTER_IO,       /* every port-I/O exit */
	EXIT_FILTER_MMIO,     /* every MMIO exit */
	EXIT_FILTER_PORT,     /* io:PORT or io:FIRST-LAST */
	EXIT_FILTER_ADDR,     /* mmio:ADDR or mmio:FIRST-LAST */
	EXIT_FILTER_REASON,   /* a KVM_EXIT_* reason by name */
};

struct exit_filter {
	enum exit_filter_kind kind;
	uint64_t lo, hi;   /* ports or addresses, inclusive; or the reason in lo */
};

/* Parse a filter: NULL or "all", "io", "mmio", "io:PORT", "io:FIRST-LAST",
 * "mmio:ADDR", "mmio:FIRST-LAST", or an exit reason name such as hlt,
 * debug, internal_error (any case). False when text is none of these. */
bool exit_filter_parse(const char *text, struct exit_filter *f);
bool exit_filter_match(const struct exit_filter *f, const struct exit_record *r);
/* The filter as exit_filter_parse accepts it. */
void exit_filter_format(const struct exit_filter *f, char *buf, size_t len);

/* One line, no newline:
 * "vcpu=0 t=+12.345678 rip=0x10006ec IO out port=0x3f8 size=1 data=0x68". */
void exit_record_format(const struct exit_record *r, int vcpu, char *buf, size_t len);

/* True while a live trace is on. */
extern atomic_bool exit_trace_active;

/* Start (or re-filter) the live trace; the shown and dropped counts
 * start again from zero. */
void exit_trace_on(const struct exit_filter *f);
void exit_trace_off(void);
/* The filter in force; false when the trace is off. */
bool exit_trace_filter(struct exit_filter *f);

/* vCPU side: queue r if it passes the filter. */
void exit_trace_offer(int vcpu, const struct exit_record *r);

struct exit_trace_item {
	int vcpu;
	struct exit_record r;
};

/* Monitor side: an eventfd that is readable when records are queued
 * (-1 if it could not be created), and taking them, oldest first, at most
 * n at a time; returns how many. */
int exit_trace_fd(void);
int exit_trace_take(struct exit_trace_item *out, int n);
/* Records taken and records dropped (queue full) since exit_trace_on. */
void exit_trace_counts(uint64_t *taken, uint64_t *dropped);

#endif
