// SPDX-License-Identifier: GPL-3.0-or-later
/* The test guest's virtio-net driver (README.md, "Virtio"): receiveq1 (0)
 * and transmitq1 (1), every frame behind the 12-byte struct
 * virtio_net_hdr (virtio 1.2, 5.1.6), and a ping-like exchange with the
 * host at 10.0.2.2 from 10.0.2.15: an ARP request, an ICMP echo request
 * with the checksum computed here, and a UDP datagram whose checksum is
 * left to the device (VIRTIO_NET_HDR_F_NEEDS_CSUM, with VIRTIO_NET_F_CSUM).
 * ARP requests for 10.0.2.15 are answered while waiting. Frames of other
 * kinds (the host's IPv6 chatter) are counted and their buffers reused. */
#include "virtio.h"

#define NET_RX 0
#define NET_TX 1
#define NET_RX_BUFS 4
#define NET_BUF 2048                 /* a whole frame and the header */
#define NET_HDR 12                   /* 5.1.6, VERSION_1: num_buffers too */
#define NET_CFG_MAC 0                /* 5.1.4 */
#define NET_CFG_STATUS 6
#define HDR_F_NEEDS_CSUM 1           /* 5.1.6 flags */

#define ETH_HLEN 14
#define ETH_P_IP  0x0800
#define ETH_P_ARP 0x0806
#define IP_HLEN 20
#define IPPROTO_ICMP 1
#define IPPROTO_UDP 17
#define UDP_HLEN 8
#define UDP_SPORT 4444
#define UDP_DPORT 5555

static const uint8_t guest_ip[4] = { 10, 0, 2, 15 };
static const uint8_t host_ip[4] = { 10, 0, 2, 2 };
static const char ping_data[] = "hvmon-ping-payload";
static const char udp_data[] = "hvmon-udp-csum-offload";

static uint8_t rx_bufs[NET_RX_BUFS][NET_BUF] __attribute__((aligned(16)));
static uint8_t tx_buf[NET_BUF] __attribute__((aligned(16)));
static uint8_t my_mac[6], host_mac[6];
static unsigned other_frames;

/* ---- byte order and checksums (RFC 1071) ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t sum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void copy(uint8_t *dst, const void *src, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		dst[i] = ((const uint8_t *)src)[i];
}

static bool same(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static void put_mac(const uint8_t *m)
{
	for (int i = 0; i < 6; i++) {
		if (i)
			put_char(':');
		put_hex(m[i], 2);
	}
}

/* ---- frames ---- */

/* The virtio_net_hdr (all zero: no offload) and an Ethernet header; the
 * payload goes at tx_buf + NET_HDR + ETH_HLEN. */
static uint8_t *frame_start(const uint8_t *dst, uint16_t type)
{
	for (unsigned i = 0; i < NET_HDR; i++)
		tx_buf[i] = 0;
	copy(tx_buf + NET_HDR, dst, 6);
	copy(tx_buf + NET_HDR + 6, my_mac, 6);
	put16(tx_buf + NET_HDR + 12, type);
	return tx_buf + NET_HDR + ETH_HLEN;
}

/* 5.1.6.2: one device-readable buffer, header and frame; the used length
 * of a transmit buffer is 0 (5.1.6.2.2). */
static bool net_send(struct vdev *d, uint32_t payload)
{
	struct vq *q = &d->vq[NET_TX];
	uint32_t id, len;

	struct vbuf b = { (uintptr_t)tx_buf, NET_HDR + ETH_HLEN + payload, false };
	if (!vq_post(q, 0, &b, 1))
		return false;
	if (!vq_wait(d, q, &id, &len)) {
		vq_timeout(d, q);
		return false;
	}
	return true;
}

/* RFC 826: op 1 request, 2 reply. */
static bool send_arp(struct vdev *d, uint16_t op, const uint8_t *tha, const uint8_t *tpa)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t *a = frame_start(op == 1 ? bcast : tha, ETH_P_ARP);

	put16(a, 1);           /* hardware: Ethernet */
	put16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	copy(a + 8, my_mac, 6);
	copy(a + 14, guest_ip, 4);
	copy(a + 18, tha, 6);
	copy(a + 24, tpa, 4);
	return net_send(d, 28);
}

/* An IPv4 header (RFC 791) for len bytes of payload, checksum filled. */
static uint8_t *ip_start(uint8_t proto, uint32_t len)
{
	uint8_t *ip = frame_start(host_mac, ETH_P_IP);

	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(IP_HLEN + len));
	put16(ip + 4, 0x4856);   /* identification */
	put16(ip + 6, 0x4000);   /* don't fragment */
	ip[8] = 64;
	ip[9] = proto;
	put16(ip + 10, 0);
	copy(ip + 12, guest_ip, 4);
	copy(ip + 16, host_ip, 4);
	put16(ip + 10, (uint16_t)~fold(sum16(ip, IP_HLEN, 0)));
	return ip + IP_HLEN;
}

/* ICMP echo request (RFC 792) with a full checksum. */
static bool send_ping(struct vdev *d)
{
	uint32_t len = 8 + sizeof(ping_data) - 1;
	uint8_t *icmp = ip_start(IPPROTO_ICMP, len);

	icmp[0] = 8;
	icmp[1] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 4, 0x6876);   /* id */
	put16(icmp + 6, 1);        /* sequence */
	copy(icmp + 8, ping_data, sizeof(ping_data) - 1);
	put16(icmp + 2, (uint16_t)~fold(sum16(icmp, len, 0)));
	return net_send(d, IP_HLEN + len);
}

/* UDP (RFC 768). With VIRTIO_NET_F_CSUM the checksum is the device's
 * (5.1.6.2: NEEDS_CSUM, csum_start at the UDP header, csum_offset 6, the
 * field holding the pseudo-header sum, as Linux leaves it); without, it
 * is computed here. */
static bool send_udp(struct vdev *d, bool offload)
{
	uint32_t len = UDP_HLEN + sizeof(udp_data) - 1;
	uint8_t *udp = ip_start(IPPROTO_UDP, len);
	uint32_t pseudo = sum16(guest_ip, 4, sum16(host_ip, 4, IPPROTO_UDP + len));

	put16(udp, UDP_SPORT);
	put16(udp + 2, UDP_DPORT);
	put16(udp + 4, (uint16_t)len);
	put16(udp + 6, 0);
	copy(udp + 8, udp_data, sizeof(udp_data) - 1);
	if (offload) {
		tx_buf[0] = HDR_F_NEEDS_CSUM;
		/* csum_start, csum_offset: little-endian (5.1.6). */
		tx_buf[6] = ETH_HLEN + IP_HLEN;
		tx_buf[8] = 6;
		put16(udp + 6, fold(pseudo));
	} else {
		put16(udp + 6, (uint16_t)~fold(sum16(udp, len, pseudo)));
	}
	return net_send(d, IP_HLEN + len);
}

/* ---- receiving ---- */

static void rx_post(struct vq *q, uint16_t id)
{
	struct vbuf b = { (uintptr_t)rx_bufs[id], NET_BUF, true };
	vq_post(q, id, &b, 1);
}

enum want { WANT_ARP_REPLY, WANT_ECHO_REPLY };

/* Is the frame what we wait for? Answers ARP requests for guest_ip on
 * the way (RFC 826). */
static bool rx_frame(struct vdev *d, const uint8_t *f, uint32_t len, enum want want)
{
	if (len >= ETH_HLEN + 28 && get16(f + 12) == ETH_P_ARP) {
		const uint8_t *a = f + ETH_HLEN;
		uint16_t op = get16(a + 6);
		if (op == 1 && same(a + 24, guest_ip, 4)) {
			uint8_t sha[6], spa[4];
			copy(sha, a + 8, 6);
			copy(spa, a + 14, 4);
			send_arp(d, 2, sha, spa);
			put_str("virtio-net: answered an arp request\n");
			return false;
		}
		if (want == WANT_ARP_REPLY && op == 2 && same(a + 14, host_ip, 4)) {
			copy(host_mac, a + 8, 6);
			return true;
		}
	}
	if (want == WANT_ECHO_REPLY && len >= ETH_HLEN + IP_HLEN + 8 &&
	    get16(f + 12) == ETH_P_IP && f[ETH_HLEN + 9] == IPPROTO_ICMP) {
		const uint8_t *ip = f + ETH_HLEN, *icmp = ip + (ip[0] & 0xf) * 4;
		uint32_t dlen = sizeof(ping_data) - 1;
		if (icmp[0] == 0 && get16(icmp + 4) == 0x6876 && get16(icmp + 6) == 1 &&
		    icmp + 8 + dlen <= f + len && same(icmp + 8, (const uint8_t *)ping_data, dlen) &&
		    fold(sum16(icmp, 8 + dlen, 0)) == 0xffff) {
			put_str("virtio-net: ping reply from 10.0.2.2 seq=1 ttl=");
			put_dec(ip[8]);
			put_str(" bytes=");
			put_dec(8 + dlen);
			put_char('\n');
			return true;
		}
	}
	other_frames++;
	return false;
}

/* Take received frames until one is wanted. 5.1.6.4: each used buffer
 * starts with the header; flags are 0 without GUEST_CSUM; num_buffers
 * is 1 (a frame fits one of these buffers). */
static bool rx_until(struct vdev *d, enum want want)
{
	struct vq *q = &d->vq[NET_RX];

	for (unsigned tries = 0; tries < 64; tries++) {
		uint32_t id, len;
		if (!vq_wait(d, q, &id, &len)) {
			vq_timeout(d, q);
			return false;
		}
		if (id >= NET_RX_BUFS || len < NET_HDR + ETH_HLEN || len > NET_BUF) {
			put_str("virtio-net: error: used element id=");
			put_dec(id);
			put_str(" len=");
			put_dec(len);
			put_char('\n');
			return false;
		}
		const uint8_t *h = rx_bufs[id];
		if (h[0] != 0 || h[10] != 1 || h[11] != 0) {
			put_str("virtio-net: error: header flags=0x");
			put_hex(h[0], 2);
			put_str(" num_buffers=");
			put_dec((uint64_t)h[10] | (uint64_t)h[11] << 8);
			put_char('\n');
			return false;
		}
		bool hit = rx_frame(d, h + NET_HDR, len - NET_HDR, want);
		rx_post(q, (uint16_t)id);
		if (hit)
			return true;
	}
	put_str("virtio-net: error: 64 frames and not the one wanted\n");
	return false;
}

void net_use(struct vdev *d)
{
	struct vq *rx = &d->vq[NET_RX];
	bool offload = d->accepted & VIRTIO_NET_F_CSUM;

	for (unsigned i = 0; i < 6; i++)
		my_mac[i] = mmio_r8(d->device + NET_CFG_MAC + i);
	put_str("virtio-net: mac=");
	put_mac(my_mac);
	put_str(" link=");
	put_str(mmio_r16(d->device + NET_CFG_STATUS) & 1 ? "up" : "down");
	put_str(" mrg_rxbuf=");
	put_dec(!!(d->accepted & VIRTIO_NET_F_MRG_RXBUF));
	put_str(" csum=");
	put_dec(offload);
	put_char('\n');
	for (uint16_t i = 0; i < NET_RX_BUFS; i++)
		rx_post(rx, i);
	if (stop_at == STOP_NONOTIFY)
		return;
	if (!send_arp(d, 1, (const uint8_t[6]){ 0 }, host_ip) || !rx_until(d, WANT_ARP_REPLY))
		return;
	put_str("virtio-net: arp reply 10.0.2.2 is at ");
	put_mac(host_mac);
	put_char('\n');
	if (net_bench_wanted()) {
		net_bench(d, my_mac, host_mac, rx_bufs, NET_RX_BUFS);
		return;
	}
	if (!send_ping(d) || !rx_until(d, WANT_ECHO_REPLY))
		return;
	if (!send_udp(d, offload))
		return;
	put_str("virtio-net: udp sent to 10.0.2.2:5555 checksum=");
	put_str(offload ? "device\n" : "driver\n");
	put_str("virtio-net: other frames=");
	put_dec(other_frames);
	put_char('\n');
	if (stop_at == STOP_NOISR)
		return;
	put_str("virtio-net: isr=0x");
	put_hex(d->t->isr(d), 1);
	put_char('\n');
}
