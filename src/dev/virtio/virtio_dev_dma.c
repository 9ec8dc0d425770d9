// SPDX-License-Identifier: GPL-3.0-or-later
/* Device writes into guest memory, checked against the watchpoints: every
 * byte a virtio device writes reaches the guest through a chain's
 * device-writable buffers and is reported as the used length (2.7.8), so
 * checking those buffers when a device reports them covers copies and
 * readv straight into guest RAM alike. */
#include <inttypes.h>
#include <stdio.h>

#include "dev/virtio/virtio_dev.h"
#include "dev/virtio/virtio_dev_impl.h"

void virtio_dev_wrote(struct virtio_dev *d, uint16_t q, const struct virtq_chain *c,
		      uint64_t len)
{
	const struct guest_mem *m = d->mem;
	if (!gmem_dma_watched(m))
		return;
	const struct gmem_dma_watch *w = &m->dma_watch;
	for (unsigned i = 0; i < c->nsegs && len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		if (!s->device_writable || !s->len)
			continue;
		uint64_t n = s->len < len ? s->len : len;
		len -= n;
		if (!w->touches(w->opaque, s->gpa, n))
			continue;
		char req[VIRTIO_WHY_LEN] = "";
		if (d->ops.describe_request) {
			pthread_mutex_lock(&d->lock);
			d->ops.describe_request(d->opaque, q, c, req, sizeof(req));
			pthread_mutex_unlock(&d->lock);
		}
		char who[2 * VIRTIO_WHY_LEN];
		snprintf(who, sizeof(who), "%s queue %u wrote %" PRIu64 " bytes at 0x%" PRIx64 "%s%s%s",
			 d->name[0] ? d->name : d->ops.name, q, n, s->gpa,
			 req[0] ? " (request: " : "", req, req[0] ? ")" : "");
		w->hit(w->opaque, s->gpa, n, who);
	}
}
