// SPDX-License-Identifier: GPL-3.0-or-later
/* virtio-net receive path (virtio 1.2, 5.1.6.3 and 5.1.6.4): frames from
 * the tap into the driver's receive buffers. */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common/le.h"
#include "dev/virtio/virtio_net_impl.h"
#include "vmm/iothread.h"

/* TUNSETOFFLOAD follows what the driver accepted: the tap must not hand us
 * a partially checksummed or GSO frame the driver cannot take (5.1.6.4:
 * "the device MUST NOT use ... unless negotiated"). */
static void sync_offloads_locked(struct virtio_net *n)
{
	unsigned want = virtio_net_tap_offloads(virtio_dev_features(n->dev)) & n->tap.offloads;

	if (want == n->offloads_set)
		return;
	if (tap_set_offloads(&n->tap, want) == 0)
		n->offloads_set = want;
}

static void watch_tap_locked(struct virtio_net *n, bool on)
{
	if (!n->io || n->tap_watched == on)
		return;
	if (on)
		n->tap_watched = iothread_add_fd(n->io, n->tap.fd, EPOLLIN, virtio_net_tap_ready,
						 n) == 0;
	else if (iothread_del_fd(n->io, n->tap.fd) == 0)
		n->tap_watched = false;
}

/* Where byte off of the chain's writable bytes lives (any layout, 2.7.4),
 * NULL beyond them. */
static uint8_t *chain_byte(const struct virtq_chain *c, uint64_t off)
{
	for (unsigned i = 0; i < c->nsegs; i++) {
		if (off < c->seg[i].len)
			return c->seg[i].hva + off;
		off -= c->seg[i].len;
	}
	return NULL;
}

/* A frame that needs more buffers than the whole ring holds would wait
 * for ever: it is dropped instead. */
static uint16_t rx_queue_size(struct virtio_net *n)
{
	struct virtq vq;
	struct virtio_queue_history h;
	uint16_t avail;

	if (virtio_dev_get_queue(n->dev, VIRTIO_NET_RX_QUEUE, &vq, &h, &avail) < 0)
		return 0;
	return vq.size;
}

enum deliver { DELIVERED, NO_BUFFERS, DROPPED, BROKEN };

/* One frame (header included) into receive buffers. 5.1.6.3.1: buffers
 * are device-writable only; without MRG_RXBUF one buffer must hold the
 * whole frame, with it as many as needed and num_buffers (header offset
 * 10, 5.1.6.4) in the first says how many. Buffers taken for a frame that
 * does not fit go back (unpop); *returned says how many. */
static enum deliver deliver_frame(struct virtio_net *n, uint8_t *frame, size_t len,
				  uint16_t *returned)
{
	uint64_t f = virtio_dev_features(n->dev);
	bool mrg = f & (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	uint8_t *num_lo = NULL, *num_hi = NULL;
	uint16_t k = 0;
	size_t off = 0;

	*returned = 0;
	/* 5.1.6.4.1: a frame the features cannot carry (the tap queued it
	 * under the offloads of a driver before a reset) is dropped. */
	if (!virtio_net_hdr_allowed(f, frame, true))
		return DROPPED;
	/* 5.1.6.4.1: without GUEST_CSUM flags must be 0 (the tap may mark
	 * a frame DATA_VALID). num_buffers is 1 unless more are used. */
	if (!(f & (1ULL << VIRTIO_NET_F_GUEST_CSUM)))
		frame[0] = 0;
	put_le16(frame + 10, 1);
	while (off < len) {
		/* More buffers than any ring holds: the frame cannot fit. */
		if (k == VIRTIO_NET_QUEUE_SIZE) {
			virtio_dev_unpop(n->dev, VIRTIO_NET_RX_QUEUE, n->used, k);
			return DROPPED;
		}
		int r = virtio_dev_pop(n->dev, VIRTIO_NET_RX_QUEUE, n->chain);
		if (r < 0)
			return BROKEN;
		/* A reset since the first buffer: those are not the ring's
		 * any more (unpop passes over them), the new driver's buffer
		 * goes back, and the frame, read before the reset, is
		 * dropped. */
		if (r == 1 && k && n->chain->epoch != n->used[0].epoch) {
			n->used[0] = virtq_used_of(n->chain, 0);
			virtio_dev_unpop(n->dev, VIRTIO_NET_RX_QUEUE, n->used, 1);
			return DROPPED;
		}
		if (r == 0) {
			virtio_dev_unpop(n->dev, VIRTIO_NET_RX_QUEUE, n->used, k);
			*returned = k;
			return k && k >= rx_queue_size(n) ? DROPPED : NO_BUFFERS;
		}
		const struct virtq_chain *c = n->chain;
		if (c->readable) {
			virtio_dev_mark_broken(n->dev, "receiveq buffer head=%u has device-readable"
					       " descriptors (5.1.6.3.1)", c->head);
			return BROKEN;
		}
		/* Without MRG_RXBUF the frame must fit one buffer; one too
		 * small cannot take it: drop the frame, keep the buffer. With
		 * it, each buffer holds at least the header (5.1.6.3.1). */
		if (k == 0 && (mrg ? c->writable < VIRTIO_NET_HDR_LEN : c->writable < len)) {
			n->used[0] = virtq_used_of(c, 0);
			virtio_dev_unpop(n->dev, VIRTIO_NET_RX_QUEUE, n->used, 1);
			return DROPPED;
		}
		if (k == 0) {
			num_lo = chain_byte(c, 10);
			num_hi = chain_byte(c, 11);
		}
		size_t done = (size_t)virtq_chain_copy(c, true, 0, frame + off, len - off, true);
		virtio_dev_wrote(n->dev, VIRTIO_NET_RX_QUEUE, c, done);
		n->used[k++] = virtq_used_of(c, (uint32_t)done);
		off += done;
	}
	if (k > 1) {
		*num_lo = (uint8_t)k;
		*num_hi = (uint8_t)(k >> 8);
	}
	return virtio_dev_push_many(n->dev, VIRTIO_NET_RX_QUEUE, n->used, k) == 0 ? DELIVERED :
										      BROKEN;
}

void virtio_net_rx_locked(struct virtio_net *n)
{
	bool pushed = false, reset = atomic_exchange(&n->reset_seen, false);
	unsigned frames = 0;

	/* A frame read for the driver before a reset is not the new one's. */
	if (reset && n->frame_len) {
		n->frame_len = 0;
		n->st.rx_dropped++;
	}
	sync_offloads_locked(n);
	for (;;) {
		if (frames == VIRTIO_NET_RX_BURST && virtio_dev_defer_queue(n->dev, VIRTIO_NET_RX_QUEUE))
			break;   /* the rest on the I/O thread's next round */
		if (!n->frame_len) {
			ssize_t r = read(n->tap.fd, n->frame, sizeof(n->frame));
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				/* EAGAIN: wait for more. Any other error (the tap
				 * gone under us) stays until the driver's next
				 * receive kick looks again. */
				if (errno != EAGAIN)
					n->st.rx_errors++;
				watch_tap_locked(n, errno == EAGAIN);
				break;
			}
			if ((size_t)r < VIRTIO_NET_HDR_LEN)
				continue;   /* no frame in it: the tap's business */
			n->frame_len = (size_t)r;
		}
		uint16_t returned;
		enum deliver d = deliver_frame(n, n->frame, n->frame_len, &returned);
		frames++;
		if (d == NO_BUFFERS) {
			/* 2.7.10: ask for a kick when buffers come, and look
			 * again if more came meanwhile than the ones just given
			 * back (those cannot hold the frame). */
			virtio_dev_suppress_notify(n->dev, VIRTIO_NET_RX_QUEUE, false);
			if (virtio_dev_pending(n->dev, VIRTIO_NET_RX_QUEUE) > returned)
				continue;
			watch_tap_locked(n, false);
			break;
		}
		if (d == BROKEN) {
			n->frame_len = 0;
			watch_tap_locked(n, true);   /* reads go on, frames are dropped */
			break;
		}
		if (d == DELIVERED) {
			n->st.rx_packets++;
			n->st.rx_bytes += n->frame_len - VIRTIO_NET_HDR_LEN;
			pushed = true;
		} else {
			n->st.rx_dropped++;
		}
		n->frame_len = 0;
	}
	if (pushed)
		virtio_dev_notify_used(n->dev, VIRTIO_NET_RX_QUEUE);
}

void virtio_net_tap_ready(void *opaque, int fd, uint32_t events)
{
	(void)fd;
	(void)events;
	virtio_net_poll_tap(opaque);
}
