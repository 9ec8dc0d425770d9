/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `diagnose`'s knowledge as one table (issue 13): each rule is a condition
 * on a virtio device's state, the message that explains it, the spec
 * section it rests on, whether it is a root cause or can be the
 * consequence of another, and which rules it explains. diag_evaluate runs
 * the table over a snapshot of one device (struct diag_device, filled by
 * the monitor from the device and its transport, or by a unit test by
 * hand) and orders the findings so a root cause leads the consequences it
 * explains; docs/monitor.md's list of diagnoses is printed from the same
 * table (diag_print_table, tests/tools/diagnose_table.c). Nothing here
 * reads guest memory or locks anything: it works on the snapshot alone. */
#ifndef HVMON_MONITOR_DIAGNOSE_RULES_H
#define HVMON_MONITOR_DIAGNOSE_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dev/virtio/virtio_board.h"
#include "dev/virtio/virtio_dev.h"

/* One queue as diagnose sees it: the device's copy of the queue and its
 * history, and the driver's fields read from guest RAM at the same moment
 * (have_* false when the ring was not readable or does not have them). */
struct diag_queue {
	uint16_t index;
	struct virtq vq;                  /* the device's state (pointers unused) */
	struct virtio_queue_history h;
	uint16_t avail_idx;               /* the driver's avail.idx (packed: its equivalent) */
	bool have_used_event;             /* split, EVENT_IDX: used_event (2.7.7.2) */
	uint16_t used_event;
	bool have_avail_flags;            /* split: avail.flags (2.7.6) */
	uint16_t avail_flags;
	bool have_driver_event;           /* packed: Driver Event Suppression (2.8.10) */
	uint16_t driver_event_flags, driver_event_off_wrap;
	int vector_masked;                /* MSI-X: 1 cannot deliver, 0 can, -1 no such vector */
	int vector_entry_masked;          /* the entry's own Mask bit: 1, 0, -1 */
};

/* One device: its state, its interrupt routing, its queues. */
struct diag_device {
	const char *name;                 /* "blk0" */
	bool mmio;                        /* virtio-mmio, else virtio-pci */
	struct virtio_dev_state s;
	struct virtio_irq_view irq;
	uint32_t config_size;
	unsigned nq;
	struct diag_queue *q;             /* nq of them */
};

/* Fill d from the device bd (diagnose_snapshot.c): its state, queues and
 * interrupt routing, the driver's fields read from mem. -1 when out of
 * memory. Free with diag_device_free. */
int diag_snapshot(struct diag_device *d, const struct virtio_board_dev *bd,
		  const struct guest_mem *mem);
void diag_device_free(struct diag_device *d);

enum diag_level { DIAG_PROBLEM, DIAG_WARNING, DIAG_INFO };

/* Where findings go, one line at a time (no newline). */
typedef void diag_emit_fn(void *ctx, const char *line);

/* Evaluate every rule on d and emit its lines, root causes first:
 * "NAME: problem=KIND: words", "NAME: warning=KIND: words", "NAME: info:
 * words", "NAME: detail: words", then "NAME: ok: no problem seen (...)"
 * when no rule found a problem. A finding another one explains ends with
 * "(a consequence of KIND)". Returns the number of problems. */
int diag_evaluate(const struct diag_device *d, diag_emit_fn *emit, void *ctx);

/* The table as Markdown, for docs/monitor.md: one row per rule with its
 * kind, level, spec section, role, what it explains, what hvmon saw and
 * what a driver developer should check. */
void diag_print_table(FILE *f);

#endif
