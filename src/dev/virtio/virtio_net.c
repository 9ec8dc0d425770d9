// SPDX-License-Identifier: GPL-3.0-or-later
/* virtio-net over a tap (virtio 1.2, 5.1; virtio_net.h): features and
 * their dependencies (5.1.3), configuration (5.1.4), life cycle and the
 * transmit path (5.1.6.2). The receive path is virtio_net_rx.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "dev/virtio/virtio_net_impl.h"
#include "vmm/iothread.h"

#define BIT(n) (1ULL << (n))

/* Each receive offload: the tap's TUNSETOFFLOAD bit and the feature that
 * lets the driver take such frames (5.1.3). */
static const struct {
	unsigned tap, feature;
} guest_offloads[] = {
	{ TAP_OFFLOAD_CSUM, VIRTIO_NET_F_GUEST_CSUM },
	{ TAP_OFFLOAD_TSO4, VIRTIO_NET_F_GUEST_TSO4 },
	{ TAP_OFFLOAD_TSO6, VIRTIO_NET_F_GUEST_TSO6 },
	{ TAP_OFFLOAD_TSO_ECN, VIRTIO_NET_F_GUEST_ECN },
};

unsigned virtio_net_tap_offloads(uint64_t f)
{
	unsigned want = 0;

	for (size_t i = 0; i < sizeof(guest_offloads) / sizeof(guest_offloads[0]); i++)
		if (f & BIT(guest_offloads[i].feature))
			want |= guest_offloads[i].tap;
	return want;
}

/* 5.1.3: transmit offloads the tap always takes (virtio_net_hdr_to_skb),
 * receive offloads only as TUNSETOFFLOAD allows. */
static uint64_t net_features(const struct tap *t)
{
	uint64_t f = BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS) |
		     BIT(VIRTIO_NET_F_MRG_RXBUF) | BIT(VIRTIO_NET_F_CSUM) |
		     BIT(VIRTIO_NET_F_HOST_TSO4) | BIT(VIRTIO_NET_F_HOST_TSO6) |
		     BIT(VIRTIO_NET_F_HOST_ECN);

	for (size_t i = 0; i < sizeof(guest_offloads) / sizeof(guest_offloads[0]); i++)
		if (t->offloads & guest_offloads[i].tap)
			f |= BIT(guest_offloads[i].feature);
	/* 5.1.3.1: GUEST_ECN needs GUEST_TSO4 or GUEST_TSO6: offered only
	 * with TSO4. */
	if (!(f & BIT(VIRTIO_NET_F_GUEST_TSO4)))
		f &= ~BIT(VIRTIO_NET_F_GUEST_ECN);
	return f;
}

/* 5.1.3.1: "The driver MUST NOT accept a feature which requires another
 * feature which was not accepted." */
static const char *net_check_features(void *opaque, uint64_t f)
{
	static const struct {
		unsigned bit;
		uint64_t needs;
		const char *why;
	} rules[] = {
		{ VIRTIO_NET_F_GUEST_TSO4, BIT(VIRTIO_NET_F_GUEST_CSUM),
		  "GUEST_TSO4 accepted without GUEST_CSUM (5.1.3.1)" },
		{ VIRTIO_NET_F_GUEST_TSO6, BIT(VIRTIO_NET_F_GUEST_CSUM),
		  "GUEST_TSO6 accepted without GUEST_CSUM (5.1.3.1)" },
		{ VIRTIO_NET_F_GUEST_ECN, BIT(VIRTIO_NET_F_GUEST_TSO4) | BIT(VIRTIO_NET_F_GUEST_TSO6),
		  "GUEST_ECN accepted without GUEST_TSO4 or GUEST_TSO6 (5.1.3.1)" },
		{ VIRTIO_NET_F_HOST_TSO4, BIT(VIRTIO_NET_F_CSUM),
		  "HOST_TSO4 accepted without CSUM (5.1.3.1)" },
		{ VIRTIO_NET_F_HOST_TSO6, BIT(VIRTIO_NET_F_CSUM),
		  "HOST_TSO6 accepted without CSUM (5.1.3.1)" },
		{ VIRTIO_NET_F_HOST_ECN, BIT(VIRTIO_NET_F_HOST_TSO4) | BIT(VIRTIO_NET_F_HOST_TSO6),
		  "HOST_ECN accepted without HOST_TSO4 or HOST_TSO6 (5.1.3.1)" },
	};

	(void)opaque;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if ((f & BIT(rules[i].bit)) && !(f & rules[i].needs))
			return rules[i].why;
	return NULL;
}

/* 5.1.4: mac (with VIRTIO_NET_F_MAC), status (VIRTIO_NET_F_STATUS): the
 * link is always up. Device mutex held. */
static void net_config_read(void *opaque, uint32_t offset, void *data, uint32_t len)
{
	struct virtio_net *n = opaque;
	uint8_t cfg[VIRTIO_NET_CONFIG_SIZE] = { 0 };

	memcpy(cfg + VIRTIO_NET_CFG_MAC, n->mac, 6);
	cfg[VIRTIO_NET_CFG_STATUS] = VIRTIO_NET_S_LINK_UP;   /* le16 */
	memcpy(data, cfg + offset, len);
}

/* Which feature each offload in a header needs, by direction: 5.1.6.2.1
 * (driver to device: NEEDS_CSUM with CSUM, gso_type with its HOST_
 * feature) and 5.1.6.4.1 (device to driver: with GUEST_ ones). */
bool virtio_net_hdr_allowed(uint64_t f, const uint8_t *hdr, bool to_driver)
{
	static const struct {
		unsigned csum, ecn, tso4, tso6;
	} need[2] = {
		{ VIRTIO_NET_F_CSUM, VIRTIO_NET_F_HOST_ECN, VIRTIO_NET_F_HOST_TSO4,
		  VIRTIO_NET_F_HOST_TSO6 },
		{ VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_ECN, VIRTIO_NET_F_GUEST_TSO4,
		  VIRTIO_NET_F_GUEST_TSO6 },
	};
	const unsigned csum = need[to_driver].csum, ecn = need[to_driver].ecn;
	uint8_t gso = hdr[1] & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

	if ((hdr[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !(f & BIT(csum)))
		return false;
	if ((hdr[1] & VIRTIO_NET_HDR_GSO_ECN) && !(f & BIT(ecn)))
		return false;
	switch (gso) {
	case VIRTIO_NET_HDR_GSO_NONE:  return true;
	case VIRTIO_NET_HDR_GSO_TCPV4: return f & BIT(need[to_driver].tso4);
	case VIRTIO_NET_HDR_GSO_TCPV6: return f & BIT(need[to_driver].tso6);
	default:                       return false;
	}
}

/* One transmit chain: header and frame, device-readable only (5.1.6.2),
 * to the tap in one writev. false when the device is now broken. */
static bool tx_one(struct virtio_net *n, const struct virtq_chain *c, uint64_t f)
{
	uint8_t hdr[VIRTIO_NET_HDR_LEN];

	if (c->writable) {
		virtio_dev_mark_broken(n->dev, "transmitq buffer head=%u has device-writable"
				       " descriptors (5.1.6.2)", c->head);
		return false;
	}
	if (c->readable < VIRTIO_NET_HDR_LEN) {
		virtio_dev_mark_broken(n->dev, "transmitq buffer head=%u is %" PRIu64 " bytes,"
				       " shorter than struct virtio_net_hdr (5.1.6)", c->head,
				       c->readable);
		return false;
	}
	virtq_chain_copy(c, false, 0, hdr, VIRTIO_NET_HDR_LEN, false);   /* may span descriptors */
	if (!virtio_net_hdr_allowed(f, hdr, false)) {
		n->st.tx_bad_hdr++;   /* dropped, the buffer goes back */
		return true;
	}
	int niov = virtq_chain_iov(c, false, 0, c->readable, n->iov);
	ssize_t w;
	do
		w = writev(n->tap.fd, n->iov, niov);
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		n->st.tx_errors++;
	} else {
		n->st.tx_packets++;
		n->st.tx_bytes += c->readable - VIRTIO_NET_HDR_LEN;
	}
	return true;
}

/* 5.1.6.2: send what the driver queued, with notifications suppressed
 * meanwhile (2.7.10), at most VIRTIO_BURST frames a round, and one
 * interrupt at the end. work held. */
static void tx_locked(struct virtio_net *n)
{
	uint64_t f = virtio_dev_features(n->dev);
	bool pushed = false;
	unsigned sent = 0;

	for (;;) {
		int r = 0;
		virtio_dev_suppress_notify(n->dev, VIRTIO_NET_TX_QUEUE, true);
		while (sent < VIRTIO_BURST &&
		       (r = virtio_dev_pop(n->dev, VIRTIO_NET_TX_QUEUE, n->chain)) == 1) {
			sent++;
			if (!tx_one(n, n->chain, f))
				goto out;
			/* 5.1.6.2.2: the used length of a transmit buffer is 0. */
			if (virtio_dev_push(n->dev, VIRTIO_NET_TX_QUEUE, n->chain, 0) == 0)
				pushed = true;
		}
		if (sent == VIRTIO_BURST && virtio_dev_defer_queue(n->dev, VIRTIO_NET_TX_QUEUE))
			break;
		if (sent == VIRTIO_BURST)
			sent = 0;   /* no I/O thread to go round: on, here */
		if (r < 0 || !virtio_dev_suppress_notify(n->dev, VIRTIO_NET_TX_QUEUE, false))
			break;
	}
out:
	if (pushed)
		virtio_dev_notify_used(n->dev, VIRTIO_NET_TX_QUEUE);
}

static void net_notified(void *opaque, uint16_t q)
{
	struct virtio_net *n = opaque;

	pthread_mutex_lock(&n->work);
	if (q == VIRTIO_NET_TX_QUEUE)
		tx_locked(n);
	else
		virtio_net_rx_locked(n);   /* new receive buffers */
	pthread_mutex_unlock(&n->work);
}

/* Device mutex held (so not the work lock): only note it; the receive
 * path drops a held frame (the offloads follow the features anyway). */
static void net_reset(void *opaque)
{
	struct virtio_net *n = opaque;

	atomic_store(&n->reset_seen, true);
}

static void net_describe(void *opaque, uint16_t q, const struct virtq_chain *c, char *buf,
			 size_t len)
{
	(void)opaque;
	if (q == VIRTIO_NET_RX_QUEUE)
		snprintf(buf, len, "net receive buffer %" PRIu64 " bytes", c->writable);
	else
		snprintf(buf, len, "net transmit frame %" PRIu64 " bytes",
			 c->readable > VIRTIO_NET_HDR_LEN ? c->readable - VIRTIO_NET_HDR_LEN : 0);
}

static void net_backend_info(void *opaque, char *buf, size_t len)
{
	struct virtio_net *n = opaque;

	pthread_mutex_lock(&n->work);
	struct net_stats s = n->st;
	unsigned off = n->offloads_set;
	bool waiting = n->frame_len != 0;
	pthread_mutex_unlock(&n->work);
	snprintf(buf, len, "tap=%s mac=%s tap_offloads=0x%x rx_packets=%" PRIu64 " rx_bytes=%" PRIu64
		 " rx_dropped=%" PRIu64 " rx_errors=%" PRIu64 " rx_waiting=%d tx_packets=%" PRIu64
		 " tx_bytes=%" PRIu64 " tx_errors=%" PRIu64 " tx_bad_hdr=%" PRIu64, n->tap.ifname,
		 n->mac_text, off, s.rx_packets, s.rx_bytes, s.rx_dropped, s.rx_errors, waiting,
		 s.tx_packets, s.tx_bytes, s.tx_errors, s.tx_bad_hdr);
}

int virtio_net_parse_mac(const char *text, uint8_t mac[6])
{
	unsigned v[6];
	char end;

	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &end) != 6 || strlen(text) != 17)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	/* A group address cannot be a station's (IEEE 802, I/G bit). */
	return mac[0] & 1 ? -1 : 0;
}

/* 52:54:00 (the prefix QEMU and kvmtool guests use) and a hash of the
 * tap's name, so the same --net line gives the same address. */
static void default_mac(const char *ifname, uint8_t mac[6])
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	for (const char *p = ifname; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

struct virtio_net *virtio_net_new(const struct guest_mem *mem, struct tap *tap,
				  const uint8_t *mac, struct iothread *io, char *err,
				  size_t errlen)
{
	struct virtio_net *n = calloc(1, sizeof(*n));

	if (!n) {
		snprintf(err, errlen, "out of memory creating virtio-net");
		tap_close(tap);
		return NULL;
	}
	pthread_mutex_init(&n->work, NULL);
	atomic_init(&n->reset_seen, false);
	n->io = io;
	n->tap = *tap;
	if (mac)
		memcpy(n->mac, mac, 6);
	else
		default_mac(n->tap.ifname, n->mac);
	snprintf(n->mac_text, sizeof(n->mac_text), "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0],
		 n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
	struct virtio_dev_ops ops = {
		.name = "virtio-net",
		.device_id = VIRTIO_ID_NET,
		.num_queues = 2,
		.max_queue_size = VIRTIO_NET_QUEUE_SIZE,
		.features = net_features(&n->tap),
		.config_size = VIRTIO_NET_CONFIG_SIZE,
		.config_read = net_config_read,
		.queue_notified = net_notified,
		.reset = net_reset,
		.describe_request = net_describe,
		.check_features = net_check_features,
		.backend_info = net_backend_info,
	};
	n->chain = malloc(sizeof(*n->chain));
	n->dev = n->chain ? virtio_dev_new(&ops, n, mem) : NULL;
	if (!n->dev) {
		snprintf(err, errlen, "out of memory creating virtio-net");
		virtio_net_free(n);
		return NULL;
	}
	/* Frames wait in the tap until the driver is ready: the first kick
	 * (or DRIVER_OK) starts reading. */
	return n;
}

void virtio_net_free(struct virtio_net *n)
{
	if (!n)
		return;
	if (n->tap_watched)
		iothread_del_fd(n->io, n->tap.fd);
	tap_close(&n->tap);
	virtio_dev_free(n->dev);
	pthread_mutex_destroy(&n->work);
	free(n->chain);
	free(n);
}

struct virtio_dev *virtio_net_dev(struct virtio_net *n)
{
	return n->dev;
}

const char *virtio_net_ifname(const struct virtio_net *n)
{
	return n->tap.ifname;
}

const char *virtio_net_mac_text(const struct virtio_net *n)
{
	return n->mac_text;
}

void virtio_net_poll_tap(struct virtio_net *n)
{
	pthread_mutex_lock(&n->work);
	virtio_net_rx_locked(n);
	pthread_mutex_unlock(&n->work);
}
