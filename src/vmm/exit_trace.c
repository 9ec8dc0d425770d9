// SPDX-License-Identifier: GPL-3.0-or-later
/* The live exit trace: filter, line format and the vCPU-to-monitor queue. */
#include "vmm/exit_trace.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vmm/vcpu.h"
#include "vmm/wakeup.h"

atomic_bool exit_trace_active;

/* Guarded by lock: the filter, the queue and its counts. */
static struct {
	pthread_mutex_t lock;
	struct exit_filter filter;
	struct exit_trace_item q[EXIT_TRACE_QUEUE];
	unsigned head, len;
	uint64_t taken, dropped;
} trace = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct wakeup trace_wake = WAKEUP_INIT;

int exit_trace_fd(void)
{
	return wakeup_fd(&trace_wake);
}

static bool starts_with_digit(const char *s)
{
	return *s >= '0' && *s <= '9';
}

/* "A" or "A-B" (decimal, 0x hex or 0 octal), A <= B <= max. */
static bool parse_range(const char *s, uint64_t max, uint64_t *lo, uint64_t *hi)
{
	char *end;
	/* strtoull would also take blanks and a minus sign. */
	if (!starts_with_digit(s))
		return false;
	errno = 0;
	unsigned long long a = strtoull(s, &end, 0), b = a;
	if (*end == '-') {
		const char *t = end + 1;
		if (!starts_with_digit(t))
			return false;
		b = strtoull(t, &end, 0);
	}
	if (errno || *end || a > b || b > max)
		return false;
	*lo = a;
	*hi = b;
	return true;
}

bool exit_filter_parse(const char *text, struct exit_filter *f)
{
	memset(f, 0, sizeof(*f));
	if (!text || !strcasecmp(text, "all")) {
		f->kind = EXIT_FILTER_ALL;
		return true;
	}
	if (!strcasecmp(text, "io")) {
		f->kind = EXIT_FILTER_IO;
		return true;
	}
	if (!strcasecmp(text, "mmio")) {
		f->kind = EXIT_FILTER_MMIO;
		return true;
	}
	if (!strncasecmp(text, "io:", 3)) {
		f->kind = EXIT_FILTER_PORT;
		return parse_range(text + 3, 0xffff, &f->lo, &f->hi);
	}
	if (!strncasecmp(text, "mmio:", 5)) {
		f->kind = EXIT_FILTER_ADDR;
		return parse_range(text + 5, UINT64_MAX, &f->lo, &f->hi);
	}
	for (unsigned r = 0; r < EXIT_STATS_REASONS; r++) {
		const char *name = vcpu_exit_reason_name(r);
		if (strcmp(name, "?") && !strcasecmp(name, text)) {
			f->kind = EXIT_FILTER_REASON;
			f->lo = f->hi = r;
			return true;
		}
	}
	return false;
}

bool exit_filter_match(const struct exit_filter *f, const struct exit_record *r)
{
	switch (f->kind) {
	case EXIT_FILTER_ALL:
		return true;
	case EXIT_FILTER_IO:
		return r->reason == KVM_EXIT_IO;
	case EXIT_FILTER_MMIO:
		return r->reason == KVM_EXIT_MMIO;
	case EXIT_FILTER_PORT:
		return r->reason == KVM_EXIT_IO && r->addr >= f->lo && r->addr <= f->hi;
	case EXIT_FILTER_ADDR:
		return r->reason == KVM_EXIT_MMIO && r->addr >= f->lo && r->addr <= f->hi;
	case EXIT_FILTER_REASON:
		return r->reason == f->lo;
	}
	return false;
}

static void format_range(const char *what, const struct exit_filter *f, char *buf, size_t len)
{
	if (f->lo == f->hi)
		snprintf(buf, len, "%s:0x%llx", what, (unsigned long long)f->lo);
	else
		snprintf(buf, len, "%s:0x%llx-0x%llx", what, (unsigned long long)f->lo,
			 (unsigned long long)f->hi);
}

void exit_filter_format(const struct exit_filter *f, char *buf, size_t len)
{
	switch (f->kind) {
	case EXIT_FILTER_ALL:
		snprintf(buf, len, "all");
		return;
	case EXIT_FILTER_IO:
		snprintf(buf, len, "io");
		return;
	case EXIT_FILTER_MMIO:
		snprintf(buf, len, "mmio");
		return;
	case EXIT_FILTER_PORT:
		format_range("io", f, buf, len);
		return;
	case EXIT_FILTER_ADDR:
		format_range("mmio", f, buf, len);
		return;
	case EXIT_FILTER_REASON: {
		size_t i = 0;
		for (const char *p = vcpu_exit_reason_name((unsigned)f->lo); *p && i + 1 < len; p++)
			buf[i++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		if (len)
			buf[i] = '\0';
		return;
	}
	}
	snprintf(buf, len, "?");
}

void exit_record_format(const struct exit_record *r, int vcpu, char *buf, size_t len)
{
	char rip[24] = "?";
	if (r->flags & EXIT_REC_RIP_VALID)
		snprintf(rip, sizeof(rip), "0x%llx", (unsigned long long)r->rip);
	int n = snprintf(buf, len, "vcpu=%d t=+%llu.%06llu rip=%s ", vcpu,
			 (unsigned long long)(r->t_ns / 1000000000u),
			 (unsigned long long)(r->t_ns % 1000000000u / 1000u), rip);
	if (n < 0 || (size_t)n >= len)
		return;
	buf += n;
	len -= (size_t)n;
	bool is_write = r->flags & EXIT_REC_WRITE;
	unsigned long long addr = r->addr, data = r->data;
	switch (r->reason) {
	case KVM_EXIT_IO:
		n = snprintf(buf, len, "IO %s port=0x%llx size=%u data=0x%llx", is_write ? "out" : "in",
			     addr, r->size, data);
		if (r->count > 1 && n >= 0 && (size_t)n < len)
			snprintf(buf + n, len - (size_t)n, " count=%u", r->count);
		return;
	case KVM_EXIT_MMIO:
		snprintf(buf, len, "MMIO %s addr=0x%llx size=%u data=0x%llx",
			 is_write ? "write" : "read", addr, r->size, data);
		return;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(buf, len, "INTERNAL_ERROR suberror=%llu", addr);
		return;
	case KVM_EXIT_SYSTEM_EVENT:
		snprintf(buf, len, "SYSTEM_EVENT type=%llu", addr);
		return;
	case KVM_EXIT_DEBUG:
		snprintf(buf, len, "DEBUG exception=%llu", addr);
		return;
	}
	const char *name = vcpu_exit_reason_name(r->reason);
	if (strcmp(name, "?"))
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "EXIT_%u", r->reason);
}

void exit_trace_on(const struct exit_filter *f)
{
	exit_trace_fd();
	pthread_mutex_lock(&trace.lock);
	trace.filter = *f;
	trace.taken = trace.dropped = 0;
	pthread_mutex_unlock(&trace.lock);
	atomic_store_explicit(&exit_trace_active, true, memory_order_relaxed);
}

/* Records already queued stay for the monitor to take. */
void exit_trace_off(void)
{
	atomic_store_explicit(&exit_trace_active, false, memory_order_relaxed);
}

bool exit_trace_filter(struct exit_filter *f)
{
	if (!atomic_load_explicit(&exit_trace_active, memory_order_relaxed))
		return false;
	pthread_mutex_lock(&trace.lock);
	*f = trace.filter;
	pthread_mutex_unlock(&trace.lock);
	return true;
}

void exit_trace_offer(int vcpu, const struct exit_record *r)
{
	pthread_mutex_lock(&trace.lock);
	/* The flag is re-read under the lock: a vCPU that saw it just before
	 * exit_trace_off must not queue after it. */
	if (!atomic_load_explicit(&exit_trace_active, memory_order_relaxed) ||
	    !exit_filter_match(&trace.filter, r)) {
		pthread_mutex_unlock(&trace.lock);
		return;
	}
	bool was_empty = trace.len == 0;
	if (trace.len == EXIT_TRACE_QUEUE) {
		trace.dropped++;
	} else {
		struct exit_trace_item *it = &trace.q[(trace.head + trace.len) % EXIT_TRACE_QUEUE];
		it->vcpu = vcpu;
		it->r = *r;
		trace.len++;
	}
	pthread_mutex_unlock(&trace.lock);
	/* One wake-up per batch: the monitor empties the queue on each. */
	if (was_empty)
		wakeup_signal(&trace_wake);
}

int exit_trace_take(struct exit_trace_item *out, int n)
{
	/* Consume the wake-up before emptying the queue, so a record queued
	 * after the queue was emptied raises a new one. */
	wakeup_consume(&trace_wake);
	pthread_mutex_lock(&trace.lock);
	int got = 0;
	while (got < n && trace.len) {
		out[got] = trace.q[trace.head];
		out[got].r.t_ns = exit_clock_ns(out[got].r.t_ns);
		got++;
		trace.head = (trace.head + 1) % EXIT_TRACE_QUEUE;
		trace.len--;
	}
	trace.taken += (uint64_t)got;
	pthread_mutex_unlock(&trace.lock);
	return got;
}

void exit_trace_counts(uint64_t *taken, uint64_t *dropped)
{
	pthread_mutex_lock(&trace.lock);
	*taken = trace.taken;
	*dropped = trace.dropped;
	pthread_mutex_unlock(&trace.lock);
}
