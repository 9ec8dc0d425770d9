/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `trace virtio on|off [DEV]`: every virtio register access, notification
 * and interrupt, as one line each, from the thread that saw it (a vCPU for
 * register accesses that exit, the I/O thread for ioeventfd kicks) to the
 * monitor, which prints them live.
 *
 * As with the exit trace (vmm/exit_trace.h): one flag, virtio_trace_active,
 * that the hot paths check with one relaxed load; a line is formatted only
 * while a trace is on; a full queue drops lines and counts them, never
 * blocking a vCPU. Times count from the same epoch as exit records, so the
 * two traces line up. */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_TRACE_H
#define HVMON_DEV_VIRTIO_VIRTIO_TRACE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_TRACE_QUEUE 1024
#define VIRTIO_TRACE_LINE  160

extern atomic_bool virtio_trace_active;

static inline bool virtio_tracing(void)
{
	return atomic_load_explicit(&virtio_trace_active, memory_order_relaxed);
}

/* Queue "t=+S.UUUUUU virtio dev=DEV " + the formatted text, if dev passes
 * the filter. Call only when virtio_tracing(). */
__attribute__((format(printf, 2, 3)))
void virtio_trace(const char *dev, const char *fmt, ...);

/* A register access: "read|write SPACE.REG[+OFF] len=N val=0x..". */
void virtio_trace_access(const char *dev, const char *space, const char *reg,
			 uint64_t off, unsigned len, bool is_write, uint64_t val);

/* Monitor side. dev: a device name, or NULL for every device. */
void virtio_trace_on(const char *dev);
void virtio_trace_off(void);
/* The device filter ("" for all); false when the trace is off. */
bool virtio_trace_filter(char *buf, unsigned len);
/* Readable when lines are queued (-1 if it could not be created). */
int virtio_trace_fd(void);
/* Take up to n lines, oldest first; returns how many. */
int virtio_trace_take(char (*out)[VIRTIO_TRACE_LINE], int n);
/* Lines taken and dropped since virtio_trace_on. */
void virtio_trace_counts(uint64_t *taken, uint64_t *dropped);

#endif
