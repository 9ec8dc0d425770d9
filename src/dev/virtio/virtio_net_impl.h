/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal to virtio-net: the state shared by the device model
 * (virtio_net.c: features, config, life cycle, transmit) and its receive
 * path (virtio_net_rx.c). */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_NET_IMPL_H
#define HVMON_DEV_VIRTIO_VIRTIO_NET_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/uio.h>

#include "dev/tap.h"
#include "dev/virtio/virtio_net.h"

/* Frames a receive round delivers: each takes at most a queue (256) of
 * buffers with MRG_RXBUF, and a round's used entries must stay well below
 * 2^16 (VIRTIO_BURST). */
#define VIRTIO_NET_RX_BURST 64

struct net_stats {
	uint64_t rx_packets, rx_bytes;
	uint64_t rx_dropped;       /* no receive buffer could hold the frame, or
				      the features could not carry it */
	uint64_t rx_errors;        /* the tap refused a read */
	uint64_t tx_packets, tx_bytes;
	uint64_t tx_errors;        /* the tap refused the frame */
	uint64_t tx_bad_hdr;       /* header breaks the negotiated features */
};

struct virtio_net {
	struct virtio_dev *dev;
	struct tap tap;
	uint8_t mac[6];
	char mac_text[18];
	struct iothread *io;

	/* Guards everything below. Taken on the I/O thread (tap readable,
	 * kicks) and on a vCPU thread for kicks DRIVER_OK releases. */
	pthread_mutex_t work;
	bool tap_watched;          /* the tap fd is in io's epoll set */
	unsigned offloads_set;     /* TUNSETOFFLOAD in force */
	atomic_bool reset_seen;    /* the driver reset: no old frame */
	struct virtq_chain *chain; /* big (VIRTQ_CHAIN_MAX_SEGS): heap */
	struct iovec iov[VIRTQ_CHAIN_MAX_SEGS];
	struct virtq_used_elem used[VIRTIO_NET_QUEUE_SIZE];
	uint8_t frame[VIRTIO_NET_MAX_FRAME];
	size_t frame_len;          /* a frame read and not yet delivered */
	struct net_stats st;
};

/* virtio_net.c: whether the features f allow the offloads a header asks
 * for, on a frame to the driver (GUEST_ features) or from it (CSUM,
 * HOST_). */
bool virtio_net_hdr_allowed(uint64_t f, const uint8_t *hdr, bool to_driver);

/* virtio_net.c: the TUNSETOFFLOAD bits (TAP_OFFLOAD_*) that features f
 * let the tap use on frames to the driver. */
unsigned virtio_net_tap_offloads(uint64_t f);

/* virtio_net_rx.c. Deliver waiting and newly readable frames until the
 * tap is empty or the driver has no receive buffer left. work held. */
void virtio_net_rx_locked(struct virtio_net *n);
/* The tap became readable (iothread_fd_fn). */
void virtio_net_tap_ready(void *opaque, int fd, uint32_t events);

#endif
