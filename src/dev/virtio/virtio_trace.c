// SPDX-License-Identifier: GPL-3.0-or-later
/* The live virtio trace (virtio_trace.h). */
#include "dev/virtio/virtio_trace.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/exit_stats.h"
#include "vmm/wakeup.h"

atomic_bool virtio_trace_active;

/* Guarded by lock: the filter, the queue and its counts. */
static struct {
	pthread_mutex_t lock;
	char dev[16];                 /* "" = every device */
	char q[VIRTIO_TRACE_QUEUE][VIRTIO_TRACE_LINE];
	unsigned head, len;
	uint64_t taken, dropped;
} trace = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct wakeup trace_wake = WAKEUP_INIT;

int virtio_trace_fd(void)
{
	return wakeup_fd(&trace_wake);
}

void virtio_trace(const char *dev, const char *fmt, ...)
{
	uint64_t epoch = exit_stats_epoch(), now = exit_stats_now();
	uint64_t t = epoch && now > epoch ? now - epoch : 0;
	bool wake = false;
	va_list ap;

	pthread_mutex_lock(&trace.lock);
	if (!atomic_load(&virtio_trace_active) || (trace.dev[0] && strcmp(trace.dev, dev))) {
		pthread_mutex_unlock(&trace.lock);
		return;
	}
	if (trace.len == VIRTIO_TRACE_QUEUE) {
		trace.dropped++;
	} else {
		char *line = trace.q[(trace.head + trace.len++) % VIRTIO_TRACE_QUEUE];
		int n = snprintf(line, VIRTIO_TRACE_LINE, "t=+%llu.%06llu virtio dev=%s ",
				 (unsigned long long)(t / 1000000000u),
				 (unsigned long long)(t % 1000000000u / 1000u), dev);
		if (n > 0 && n < VIRTIO_TRACE_LINE) {
			va_start(ap, fmt);
			vsnprintf(line + n, VIRTIO_TRACE_LINE - (size_t)n, fmt, ap);
			va_end(ap);
		}
		wake = trace.len == 1;
	}
	pthread_mutex_unlock(&trace.lock);
	if (wake)
		wakeup_signal(&trace_wake);
}

void virtio_trace_access(const char *dev, const char *space, const char *reg,
			 uint64_t off, unsigned len, bool is_write, uint64_t val)
{
	if (reg)
		virtio_trace(dev, "%s %s.%s len=%u val=0x%llx", is_write ? "write" : "read",
			     space, reg, len, (unsigned long long)val);
	else
		virtio_trace(dev, "%s %s+0x%llx len=%u val=0x%llx", is_write ? "write" : "read",
			     space, (unsigned long long)off, len, (unsigned long long)val);
}

void virtio_trace_on(const char *dev)
{
	pthread_mutex_lock(&trace.lock);
	snprintf(trace.dev, sizeof(trace.dev), "%s", dev ? dev : "");
	trace.taken = trace.dropped = 0;
	atomic_store(&virtio_trace_active, true);
	pthread_mutex_unlock(&trace.lock);
}

void virtio_trace_off(void)
{
	pthread_mutex_lock(&trace.lock);
	atomic_store(&virtio_trace_active, false);
	pthread_mutex_unlock(&trace.lock);
}

bool virtio_trace_filter(char *buf, unsigned len)
{
	pthread_mutex_lock(&trace.lock);
	bool on = atomic_load(&virtio_trace_active);
	snprintf(buf, len, "%s", trace.dev);
	pthread_mutex_unlock(&trace.lock);
	return on;
}

int virtio_trace_take(char (*out)[VIRTIO_TRACE_LINE], int n)
{
	int got = 0;

	/* Consumed before the queue is emptied, so a line queued after that
	 * raises a new wake-up; the caller takes until nothing is left. */
	wakeup_consume(&trace_wake);
	pthread_mutex_lock(&trace.lock);
	while (got < n && trace.len) {
		memcpy(out[got++], trace.q[trace.head], VIRTIO_TRACE_LINE);
		trace.head = (trace.head + 1) % VIRTIO_TRACE_QUEUE;
		trace.len--;
	}
	trace.taken += (uint64_t)got;
	pthread_mutex_unlock(&trace.lock);
	return got;
}

void virtio_trace_counts(uint64_t *taken, uint64_t *dropped)
{
	pthread_mutex_lock(&trace.lock);
	*taken = trace.taken;
	*dropped = trace.dropped;
	pthread_mutex_unlock(&trace.lock);
}
