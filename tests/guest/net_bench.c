// SPDX-License-Identifier: GPL-3.0-or-later
/* virtionetbench= (README.md, "Benchmark"): the net driver's frame loop
 * for bench/virtio_net.sh, after net.c's ARP exchange with the host at
 * 10.0.2.2, in ring 0 or (virtiobenchring=3) ring 3. `ping` makes N ICMP
 * echo requests (RFC 792), each answered before the next goes out: a
 * round trip through the VMM's device, the tap and the peer's kernel.
 * `udp` sends N UDP datagrams (RFC 768) of 1472 bytes, full Ethernet
 * frames, each transmit buffer used before the next goes out. Like
 * blk_bench.c, the loop prints nothing (ring 3 has no ports); ring 0
 * reports once it is back. ARP requests for the guest are answered in the
 * loop (RFC 826), since the peer may ask again at any time. */
#include "virtio.h"

/* As net.c: receiveq1 0, transmitq1 1, the 12-byte header (5.1.6), and
 * the addresses of its exchange. */
#define NET_RX 0
#define NET_TX 1
#define NET_BUF 2048
#define NET_HDR 12
#define ETH_HLEN 14
#define ETH_P_IP  0x0800
#define ETH_P_ARP 0x0806
#define IP_HLEN 20
#define IPPROTO_ICMP 1
#define IPPROTO_UDP 17
#define UDP_HLEN 8
#define PING_ID 0x6862          /* "hb" */
#define PING_DATA 56            /* ping(8)'s default payload */
#define UDP_DATA 1472           /* 1500 - IP - UDP: a full frame */
#define UDP_SPORT 4445
#define UDP_DPORT 5556
#define RX_FRAMES_MAX 64        /* frames taken while waiting for one reply */

static const uint8_t guest_ip[4] = { 10, 0, 2, 15 };
static const uint8_t peer_ip[4] = { 10, 0, 2, 2 };

enum net_kind { NET_NONE, NET_PING, NET_UDP };
static enum net_kind net_kind;

static uint8_t tx[NET_BUF] __attribute__((aligned(16)));
static uint8_t arp_tx[NET_BUF] __attribute__((aligned(16)));
static struct vdev *nb_dev;
static const uint8_t *nb_mac, *nb_peer_mac;
static uint8_t (*nb_rx)[NET_BUF];
static unsigned nb_rx_count;
/* The outcome for ring 0: frames done, and what stopped the loop. */
static unsigned nb_done;
static enum { NB_OK, NB_TX_TIMEOUT, NB_RX_TIMEOUT, NB_RX_BAD, NB_NO_REPLY } nb_error;
static uint32_t nb_id, nb_len;

#define BENCH_WAITS 50          /* as blk_bench.c: BENCH_POLLS each */

void net_bench_options(const char *cmd, size_t cmdlen)
{
	size_t len;
	const char *w = find_option(cmd, cmdlen, "virtionetbench=", &len);

	if (!w)
		return;
	if (word_is(w, len, "ping"))
		net_kind = NET_PING;
	else if (word_is(w, len, "udp"))
		net_kind = NET_UDP;
	else
		put_str("virtio: error: virtionetbench= takes ping or udp\n");
}

bool net_bench_wanted(void)
{
	return net_kind != NET_NONE && bench_requests;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool same(const uint8_t *a, const uint8_t *b, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* RFC 1071: the one's complement sum, folded and inverted. */
static uint16_t csum(const uint8_t *p, uint32_t len)
{
	uint32_t s = 0;

	for (uint32_t i = 0; i + 1 < len; i += 2)
		s += get16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Header (all 0: no offload, 5.1.6), Ethernet to dst, and type. */
static uint8_t *frame(uint8_t *buf, const uint8_t *dst, uint16_t type)
{
	for (unsigned i = 0; i < NET_HDR; i++)
		buf[i] = 0;
	for (unsigned i = 0; i < 6; i++) {
		buf[NET_HDR + i] = dst[i];
		buf[NET_HDR + 6 + i] = nb_mac[i];
	}
	put16(buf + NET_HDR + 12, type);
	return buf + NET_HDR + ETH_HLEN;
}

/* IPv4 header (RFC 791) to the peer for len bytes of payload. */
static uint8_t *ip(uint8_t proto, uint32_t len)
{
	uint8_t *h = frame(tx, nb_peer_mac, ETH_P_IP);

	h[0] = 0x45;
	h[1] = 0;
	put16(h + 2, (uint16_t)(IP_HLEN + len));
	put16(h + 4, 0x4862);
	put16(h + 6, 0x4000);    /* don't fragment */
	h[8] = 64;
	h[9] = proto;
	put16(h + 10, 0);
	for (unsigned i = 0; i < 4; i++) {
		h[12 + i] = guest_ip[i];
		h[16 + i] = peer_ip[i];
	}
	put16(h + 10, csum(h, IP_HLEN));
	return h + IP_HLEN;
}

/* 5.1.6.2: one device-readable buffer; wait for it to be used. */
static bool send(uint8_t *buf, uint32_t payload)
{
	struct vq *q = &nb_dev->vq[NET_TX];
	struct vbuf b = { (uintptr_t)buf, NET_HDR + ETH_HLEN + payload, false };
	unsigned w;

	vq_post(q, 0, &b, 1);
	for (w = 0; w < BENCH_WAITS && !vq_wait_n(nb_dev, q, &nb_id, &nb_len, BENCH_POLLS); w++)
		;
	if (w == BENCH_WAITS)
		nb_error = NB_TX_TIMEOUT;
	return w < BENCH_WAITS;
}

/* An ARP request for guest_ip: the reply (RFC 826, op 2). */
static bool arp_answer(const uint8_t *f, uint32_t len)
{
	const uint8_t *a = f + ETH_HLEN;
	uint8_t *r;

	if (len < ETH_HLEN + 28 || get16(f + 12) != ETH_P_ARP || get16(a + 6) != 1 ||
	    !same(a + 24, guest_ip, 4))
		return true;
	r = frame(arp_tx, a + 8, ETH_P_ARP);
	put16(r, 1);
	put16(r + 2, ETH_P_IP);
	r[4] = 6;
	r[5] = 4;
	put16(r + 6, 2);
	for (unsigned i = 0; i < 6; i++) {
		r[8 + i] = nb_mac[i];
		r[18 + i] = a[8 + i];
	}
	for (unsigned i = 0; i < 4; i++) {
		r[14 + i] = guest_ip[i];
		r[24 + i] = a[14 + i];
	}
	return send(arp_tx, 28);
}

/* The echo reply to sequence seq, checksum and payload checked. */
static bool is_reply(const uint8_t *f, uint32_t len, uint16_t seq)
{
	const uint8_t *h = f + ETH_HLEN, *icmp;

	if (len < ETH_HLEN + IP_HLEN + 8 + PING_DATA || get16(f + 12) != ETH_P_IP ||
	    h[9] != IPPROTO_ICMP || (h[0] & 0xf) != 5)
		return false;
	icmp = h + IP_HLEN;
	if (icmp[0] != 0 || get16(icmp + 4) != PING_ID || get16(icmp + 6) != seq ||
	    csum(icmp, 8 + PING_DATA) != 0)
		return false;
	for (unsigned i = 0; i < PING_DATA; i++)
		if (icmp[8 + i] != (uint8_t)(seq + i))
			return false;
	return true;
}

/* Take received frames until the reply to seq; every buffer goes back. */
static bool wait_reply(uint16_t seq)
{
	struct vq *q = &nb_dev->vq[NET_RX];

	for (unsigned n = 0; n < RX_FRAMES_MAX; n++) {
		unsigned w;
		bool hit;

		for (w = 0; w < BENCH_WAITS && !vq_wait_n(nb_dev, q, &nb_id, &nb_len, BENCH_POLLS); w++)
			;
		if (w == BENCH_WAITS) {
			nb_error = NB_RX_TIMEOUT;
			return false;
		}
		if (nb_id >= nb_rx_count || nb_len < NET_HDR + ETH_HLEN || nb_len > NET_BUF) {
			nb_error = NB_RX_BAD;
			return false;
		}
		const uint8_t *f = nb_rx[nb_id] + NET_HDR;
		hit = is_reply(f, nb_len - NET_HDR, seq);
		if (!hit && !arp_answer(f, nb_len - NET_HDR))
			return false;
		struct vbuf b = { (uintptr_t)nb_rx[nb_id], NET_BUF, true };
		vq_post(q, (uint16_t)nb_id, &b, 1);
		if (hit)
			return true;
	}
	nb_error = NB_NO_REPLY;
	return false;
}

static void ping_loop(void)
{
	uint32_t len = 8 + PING_DATA;

	for (nb_done = 0; nb_done < bench_requests; nb_done++) {
		uint16_t seq = (uint16_t)(nb_done + 1);
		uint8_t *icmp = ip(IPPROTO_ICMP, len);

		icmp[0] = 8;    /* echo request */
		icmp[1] = 0;
		put16(icmp + 2, 0);
		put16(icmp + 4, PING_ID);
		put16(icmp + 6, seq);
		for (unsigned i = 0; i < PING_DATA; i++)
			icmp[8 + i] = (uint8_t)(seq + i);
		put16(icmp + 2, csum(icmp, len));
		if (!send(tx, IP_HLEN + len) || !wait_reply(seq))
			return;
	}
}

/* UDP checksum 0: none (RFC 768), the frame is the same every time. */
static void udp_loop(void)
{
	uint32_t len = UDP_HLEN + UDP_DATA;
	uint8_t *u = ip(IPPROTO_UDP, len);

	put16(u, UDP_SPORT);
	put16(u + 2, UDP_DPORT);
	put16(u + 4, (uint16_t)len);
	put16(u + 6, 0);
	for (unsigned i = 0; i < UDP_DATA; i++)
		u[UDP_HLEN + i] = (uint8_t)i;
	for (nb_done = 0; nb_done < bench_requests; nb_done++)
		if (!send(tx, IP_HLEN + len))
			return;
}

static void loop(void)
{
	nb_error = NB_OK;
	if (net_kind == NET_PING)
		ping_loop();
	else
		udp_loop();
}

static __attribute__((noreturn)) void loop_ring3(void)
{
	loop();
	ring3_return();
}

void net_bench(struct vdev *d, const uint8_t *mac, const uint8_t *peer_mac,
	       uint8_t (*rx)[2048], unsigned nrx)
{
	extern char _end[];

	nb_dev = d;
	nb_mac = mac;
	nb_peer_mac = peer_mac;
	nb_rx = rx;
	nb_rx_count = nrx;
	if (bench_ring == 3) {
		/* As blk_bench: the image, and both queues' notification
		 * registers (one window on virtio-mmio). */
		ring3_allow((uintptr_t)guest_main, (uintptr_t)_end - (uintptr_t)guest_main);
		ring3_allow(d->vq[NET_RX].notify, 4);
		ring3_allow(d->vq[NET_TX].notify, 4);
		ring3_call(loop_ring3);
	} else {
		loop();
	}
	if (nb_error != NB_OK) {
		static const char *const why[] = {
			[NB_TX_TIMEOUT] = "transmit buffer never used",
			[NB_RX_TIMEOUT] = "no frame received",
			[NB_RX_BAD] = "bad used element",
			[NB_NO_REPLY] = "64 frames and no echo reply",
		};
		put_str("virtio-net: error: bench frame ");
		put_dec(nb_done);
		put_str(": ");
		put_str(why[nb_error]);
		put_str(" (id=");
		put_dec(nb_id);
		put_str(" len=");
		put_dec(nb_len);
		put_str(")\n");
		return;
	}
	put_str("virtio-net: bench ");
	put_dec(bench_requests);
	if (net_kind == NET_PING) {
		put_str(" pings of ");
		put_dec(8 + PING_DATA);
	} else {
		put_str(" udp frames of ");
		put_dec(ETH_HLEN + IP_HLEN + UDP_HLEN + UDP_DATA);
	}
	put_str(" bytes ok (ring ");
	put_dec(bench_ring);
	put_str(")\n");
}
