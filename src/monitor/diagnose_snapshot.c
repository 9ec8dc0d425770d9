// SPDX-License-Identifier: GPL-3.0-or-later
/* A device's state for `diagnose` (diagnose_rules.h): the device's own
 * copies, its transport's interrupt routing, then the driver's
 * suppression fields read from guest RAM. */
#include <endian.h>
#include <stdlib.h>

#include "monitor/diagnose_rules.h"

static bool ram_u16(const struct guest_mem *mem, uint64_t gpa, uint16_t *out)
{
	uint16_t v;

	if (gmem_read(mem, gpa, &v, sizeof(v)) < 0)
		return false;
	*out = le16toh(v);
	return true;
}

/* 2.7.6 avail.flags, 2.7.7.2 used_event (after the avail ring), 2.8.10 the
 * Driver Event Suppression structure (desc word, then flags). */
static void read_driver_fields(const struct guest_mem *mem, struct diag_queue *q)
{
	const struct virtq *vq = &q->vq;

	if (!vq->ready)
		return;
	if (vq->packed) {
		q->have_driver_event = ram_u16(mem, vq->avail_gpa, &q->driver_event_off_wrap) &&
				       ram_u16(mem, vq->avail_gpa + 2, &q->driver_event_flags);
		return;
	}
	q->have_avail_flags = ram_u16(mem, vq->avail_gpa, &q->avail_flags);
	if (vq->event_idx)
		q->have_used_event = ram_u16(mem, vq->avail_gpa + 4 + 2 * (uint64_t)vq->size,
					     &q->used_event);
}

int diag_snapshot(struct diag_device *d, const struct virtio_board_dev *bd,
		  const struct guest_mem *mem)
{
	*d = (struct diag_device){ .name = bd->name, .mmio = bd->mmio != NULL };
	virtio_dev_get_state(bd->dev, &d->s);
	virtio_board_irq_view(bd, &d->irq);
	d->config_size = virtio_dev_config_size(bd->dev);
	d->q = calloc(d->s.num_queues ? d->s.num_queues : 1, sizeof(*d->q));
	if (!d->q)
		return -1;
	for (uint16_t i = 0; i < d->s.num_queues; i++) {
		struct diag_queue *q = &d->q[d->nq];
		if (virtio_dev_get_queue(bd->dev, i, &q->vq, &q->h, &q->avail_idx) < 0)
			continue;
		q->index = i;
		q->vector_masked = virtio_board_vector_masked(bd, q->vq.msix_vector);
		q->vector_entry_masked = virtio_board_vector_entry_masked(bd, q->vq.msix_vector);
		read_driver_fields(mem, q);
		d->nq++;
	}
	return 0;
}

void diag_device_free(struct diag_device *d)
{
	free(d->q);
	d->q = NULL;
	d->nq = 0;
}
