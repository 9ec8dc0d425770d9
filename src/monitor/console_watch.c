// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/console_watch.h"

#include <string.h>
#include <time.h>

#include "dev/chardev.h"
#include "monitor/bp_hit.h"
#include "monitor/commands.h"
#include "vmm/deadline.h"
#include "vmm/vcpu.h"

static void console_watch_tap(void *opaque, const uint8_t *buf, size_t len)
{
	struct monitor *mon = opaque;
	pthread_mutex_lock(&mon->con_lock);
	for (size_t i = 0; i < len; i++)
		mon->con_buf[(mon->con_total + i) % MON_CONSOLE_KEEP] = (char)buf[i];
	mon->con_total += len;
	pthread_cond_broadcast(&mon->con_cond);
	pthread_mutex_unlock(&mon->con_lock);
}

void console_watch_init(struct monitor *mon)
{
	pthread_mutex_init(&mon->con_lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&mon->con_cond, &ca);
	pthread_condattr_destroy(&ca);
	if (mon->m->console)
		chardev_add_tap(mon->m->console, console_watch_tap, mon);
}

void console_watch_fini(struct monitor *mon)
{
	if (mon->m->console)
		chardev_remove_tap(mon->m->console, console_watch_tap, mon);
}

/* Search the kept window from the mark; on a match move the mark past it. */
static bool console_find_locked(struct monitor *mon, const char *text)
{
	size_t tlen = strlen(text);
	uint64_t from = mon->con_mark;
	if (mon->con_total - from > MON_CONSOLE_KEEP)
		from = mon->con_total - MON_CONSOLE_KEEP;
	for (uint64_t s = from; s + tlen <= mon->con_total; s++) {
		size_t i = 0;
		while (i < tlen && mon->con_buf[(s + i) % MON_CONSOLE_KEEP] == text[i])
			i++;
		if (i == tlen) {
			mon->con_mark = s + tlen;
			return true;
		}
	}
	/* Nothing before the last tlen-1 bytes can start a match any more. */
	if (mon->con_total >= tlen && mon->con_total - tlen + 1 > mon->con_mark)
		mon->con_mark = mon->con_total - tlen + 1;
	return false;
}

static bool guest_running(struct monitor *mon)
{
	/* A hit that does not stop lets the guest run on (bp_hit.h). */
	mon_decide_hits(mon);
	return vm_is_running(&mon->m->vm);
}

enum console_wait_result console_watch_wait(struct monitor *mon, const char *text,
					    double timeout_s)
{
	struct timespec deadline = deadline_after(CLOCK_MONOTONIC, timeout_s);
	enum console_wait_result r;
	pthread_mutex_lock(&mon->con_lock);
	for (;;) {
		if (console_find_locked(mon, text)) {
			r = WAIT_FOUND;
			break;
		}
		/* Re-checked every 100 ms: a stopped guest prints nothing more. */
		pthread_mutex_unlock(&mon->con_lock);
		mon_drain_trace(mon);   /* live trace lines keep flowing while we wait */
		bool running = guest_running(mon);
		pthread_mutex_lock(&mon->con_lock);
		if (!running && !console_find_locked(mon, text)) {
			r = WAIT_GUEST_STOPPED;
			break;
		}
		struct timespec now, slice;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > deadline.tv_sec ||
		    (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec)) {
			r = WAIT_TIMEOUT;
			break;
		}
		slice = deadline_after(CLOCK_MONOTONIC, 0.100);
		if (slice.tv_sec > deadline.tv_sec ||
		    (slice.tv_sec == deadline.tv_sec && slice.tv_nsec > deadline.tv_nsec))
			slice = deadline;
		pthread_cond_timedwait(&mon->con_cond, &mon->con_lock, &slice);
	}
	pthread_mutex_unlock(&mon->con_lock);
	return r;
}
