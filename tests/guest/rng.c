// SPDX-License-Identifier: GPL-3.0-or-later
/* The test guest's virtio-rng driver (README.md, "Virtio"). */
#include "virtio.h"

/* virtio-rng (5.4): one device-writable buffer on the requestq; the
 * device fills it with entropy. */
#define RNG_BYTES 16

void rng_use(struct vdev *d)
{
	struct vq *q = &d->vq[0];
	uint32_t id, len;

	for (unsigned i = 0; i < RNG_BYTES; i++)
		q->buf[i] = 0;
	struct vbuf b = { (uintptr_t)q->buf, RNG_BYTES, true };
	if (!vq_post(q, 0, &b, 1))
		return;
	if (!vq_wait(d, q, &id, &len)) {
		vq_timeout(d, q);
		return;
	}
	if (id != 0 || len > RNG_BYTES) {
		put_str("virtio-rng: error: used element id=");
		put_dec(id);
		put_str(" len=");
		put_dec(len);
		put_char('\n');
		return;
	}
	put_str("virtio-rng: got ");
	put_dec(len);
	put_str(" bytes ");
	for (uint32_t i = 0; i < len; i++)
		put_hex(q->buf[i], 2);
	put_char('\n');
	if (stop_at == STOP_NOISR)
		return;
	/* 4.1.4.5: reading the ISR status clears it; bit 0 is the queue
	 * interrupt (set since MSI-X is not enabled). 4.2.2: on MMIO,
	 * InterruptStatus, then InterruptACK. */
	put_str("virtio-rng: isr=0x");
	put_hex(d->t->isr(d), 1);
	put_char('\n');
}

