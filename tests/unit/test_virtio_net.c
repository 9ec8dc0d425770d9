/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio-net (virtio 1.2, 5.1) through the virtio core with a stub
 * transport. The "tap" is one end of a SOCK_SEQPACKET socketpair: like a
 * tap with IFF_VNET_HDR it moves whole frames, header in front; the test
 * holds the other end (the network) and the driver side (receiveq1 0 and
 * transmitq1 1 in synthetic guest RAM). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dev/tap.h"
#include "dev/virtio/virtio_net.h"
#include "test_virtio_driver.h"
#include "unit.h"

#define QSIZE 8
#define TXQ_BASE 0x20000ULL
#define RXBUF TDRV_BUF
#define TXBUF (TDRV_BUF + 0x8000)
#define F(b) (1ULL << (b))

static struct tdrv rx, tx;
static int wire;                 /* the network's end */
static struct virtio_net *n;
static struct virtio_dev *d;
static struct tvd_irqs irqs;
static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static bool negotiate(uint64_t features)
{
	return tvd_negotiate(d, features | F(VIRTIO_F_VERSION_1));
}

static void bring_up(uint64_t features)
{
	ck_assert(negotiate(features));
	tvd_queue(d, VIRTIO_NET_RX_QUEUE, &rx);
	tvd_queue(d, VIRTIO_NET_TX_QUEUE, &tx);
	tvd_driver_ok(d);
	ck_assert_uint_eq(tvd_status(d) & VIRTIO_STATUS_NEEDS_RESET, 0);
}

static void setup(void)
{
	char err[128];
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), 0);
	struct tap tap = { .fd = sv[0], .ifname = "test0", .offloads = 0 };
	wire = sv[1];
	tdrv_init(&rx, QSIZE);
	tdrv_init_queue(&tx, &rx, QSIZE, TXQ_BASE);
	n = virtio_net_new(&rx.mem, &tap, mac, NULL, err, sizeof(err));
	ck_assert_msg(n != NULL, "%s", err);
	d = virtio_net_dev(n);
	tvd_stub_transport(d, &irqs);
}

static void teardown(void)
{
	virtio_net_free(n);
	close(wire);
	gmem_free(&rx.mem);
}

/* A frame as the tap hands it over: the 12-byte header, then len bytes. */
static size_t frame(uint8_t *buf, size_t len, uint8_t fill)
{
	memset(buf, 0, VIRTIO_NET_HDR_LEN);
	memset(buf + VIRTIO_NET_HDR_LEN, fill, len);
	return VIRTIO_NET_HDR_LEN + len;
}

static void post_rx(uint16_t id, uint64_t addr, uint32_t len)
{
	tdrv_desc(&rx, id, addr, len, VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&rx, id);
	virtio_dev_queue_notify(d, VIRTIO_NET_RX_QUEUE);
}

START_TEST(config_and_features)
{
	uint8_t cfg[8];

	ck_assert_int_eq(virtio_dev_config_read(d, 0, cfg, 8), 0);
	ck_assert_mem_eq(cfg, mac, 6);
	ck_assert_uint_eq(cfg[6], VIRTIO_NET_S_LINK_UP);
	ck_assert_str_eq(virtio_net_mac_text(n), "52:54:00:12:34:56");
	tvd_wr(d, VIRTIO_REG_DEVICE_FEATURE_SEL, 0);
	uint32_t f = virtio_dev_reg_read(d, VIRTIO_REG_DEVICE_FEATURE);
	/* A "tap" without TUNSETOFFLOAD: no receive offloads offered. */
	ck_assert_uint_eq(f & F(VIRTIO_NET_F_GUEST_CSUM), 0);
	ck_assert_uint_ne(f & F(VIRTIO_NET_F_CSUM), 0);
	ck_assert_uint_ne(f & F(VIRTIO_NET_F_MRG_RXBUF), 0);
	/* 5.1.3.1: HOST_TSO4 needs CSUM; FEATURES_OK is refused, saying why. */
	ck_assert(!negotiate(F(VIRTIO_NET_F_HOST_TSO4)));
	struct virtio_dev_state s;
	virtio_dev_get_state(d, &s);
	ck_assert_ptr_nonnull(strstr(s.hist.features_refusal, "HOST_TSO4 accepted without CSUM (5.1.3.1)"));
	ck_assert(negotiate(F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_HOST_TSO4)));
}
END_TEST

START_TEST(transmit_one_writev)
{
	uint8_t buf[128], got[256];
	size_t len = frame(buf, 60, 0xab);

	bring_up(0);
	/* Header and frame in separate descriptors (any layout, 5.1.6.2). */
	ck_assert_int_eq(gmem_write(&rx.mem, TXBUF, buf, VIRTIO_NET_HDR_LEN), 0);
	ck_assert_int_eq(gmem_write(&rx.mem, TXBUF + 0x100, buf + VIRTIO_NET_HDR_LEN, 60), 0);
	tdrv_desc(&tx, 3, TXBUF, VIRTIO_NET_HDR_LEN, VIRTQ_DESC_F_NEXT, 4);
	tdrv_desc(&tx, 4, TXBUF + 0x100, 60, 0, 0);
	tdrv_publish(&tx, 3);
	virtio_dev_queue_notify(d, VIRTIO_NET_TX_QUEUE);
	ck_assert_int_eq(read(wire, got, sizeof(got)), (ssize_t)len);
	ck_assert_mem_eq(got, buf, len);
	ck_assert_uint_eq(tdrv_used_idx(&tx), 1);
	ck_assert_uint_eq(tdrv_used_id(&tx, 0), 3);
	ck_assert_uint_eq(tdrv_used_len(&tx, 0), 0);   /* 5.1.6.2.2 */
	ck_assert_uint_eq(irqs.queue, 1);
}
END_TEST

/* 5.1.6.2.1: NEEDS_CSUM without CSUM negotiated: not sent, the buffer
 * still comes back. */
START_TEST(transmit_bad_header_dropped)
{
	uint8_t buf[128], got[256];
	size_t len = frame(buf, 60, 1);

	bring_up(0);
	buf[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	ck_assert_int_eq(gmem_write(&rx.mem, TXBUF, buf, len), 0);
	tdrv_desc(&tx, 0, TXBUF, (uint32_t)len, 0, 0);
	tdrv_publish(&tx, 0);
	virtio_dev_queue_notify(d, VIRTIO_NET_TX_QUEUE);
	ck_assert_int_eq(read(wire, got, sizeof(got)), -1);
	ck_assert_uint_eq(tdrv_used_idx(&tx), 1);
	char info[320];
	virtio_dev_backend_info(d, info, sizeof(info));
	ck_assert_ptr_nonnull(strstr(info, "tx_packets=0 "));
	ck_assert_ptr_nonnull(strstr(info, "tx_bad_hdr=1"));
}
END_TEST

START_TEST(receive_one_buffer)
{
	uint8_t buf[128], got[128];
	size_t len = frame(buf, 64, 0x5a);

	bring_up(0);
	post_rx(0, RXBUF, 2048);
	ck_assert_int_eq(write(wire, buf, len), (ssize_t)len);
	virtio_net_poll_tap(n);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 1);
	ck_assert_uint_eq(tdrv_used_len(&rx, 0), len);
	ck_assert_int_eq(gmem_read(&rx.mem, RXBUF, got, len), 0);
	/* 5.1.6.4: num_buffers 1 without MRG_RXBUF. */
	ck_assert_uint_eq(got[10], 1);
	ck_assert_uint_eq(got[11], 0);
	ck_assert_mem_eq(got + VIRTIO_NET_HDR_LEN, buf + VIRTIO_NET_HDR_LEN, 64);
	ck_assert_uint_eq(irqs.queue, 1);
}
END_TEST

/* With MRG_RXBUF a frame spreads over buffers; num_buffers in the first
 * header; used->idx moves once for all of them. */
START_TEST(receive_merged_buffers)
{
	uint8_t buf[128], got[128];
	size_t len = frame(buf, 90, 0x33);   /* 102 bytes */

	bring_up(F(VIRTIO_NET_F_MRG_RXBUF));
	for (uint16_t i = 0; i < 3; i++)
		post_rx(i, RXBUF + 0x100 * i, 40);
	ck_assert_int_eq(write(wire, buf, len), (ssize_t)len);
	virtio_net_poll_tap(n);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 3);
	ck_assert_uint_eq(tdrv_used_len(&rx, 0), 40);
	ck_assert_uint_eq(tdrv_used_len(&rx, 1), 40);
	ck_assert_uint_eq(tdrv_used_len(&rx, 2), 22);
	ck_assert_int_eq(gmem_read(&rx.mem, RXBUF, got, 40), 0);
	ck_assert_uint_eq(got[10], 3);
	ck_assert_int_eq(gmem_read(&rx.mem, RXBUF + 0x200, got, 22), 0);
	ck_assert_mem_eq(got, buf + 80, 22);
	ck_assert_uint_eq(irqs.queue, 1);
}
END_TEST

/* No buffer: the frame waits (the tap is not read further) until the
 * driver posts one and kicks. */
START_TEST(receive_waits_for_buffers)
{
	uint8_t buf[128];
	size_t len = frame(buf, 20, 7);

	bring_up(0);
	ck_assert_int_eq(write(wire, buf, len), (ssize_t)len);
	virtio_net_poll_tap(n);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 0);
	post_rx(0, RXBUF, 2048);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 1);
	ck_assert_uint_eq(tdrv_used_len(&rx, 0), len);
}
END_TEST

/* Without MRG_RXBUF a frame larger than the buffer is dropped (counted)
 * and the buffer kept for the next frame. */
START_TEST(receive_too_big_dropped)
{
	uint8_t big[200], small[64];
	size_t blen = frame(big, 180, 1), slen = frame(small, 40, 2);

	bring_up(0);
	post_rx(0, RXBUF, 100);
	ck_assert_int_eq(write(wire, big, blen), (ssize_t)blen);
	ck_assert_int_eq(write(wire, small, slen), (ssize_t)slen);
	virtio_net_poll_tap(n);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 1);
	ck_assert_uint_eq(tdrv_used_len(&rx, 0), slen);
	char info[320];
	virtio_dev_backend_info(d, info, sizeof(info));
	ck_assert_ptr_nonnull(strstr(info, "rx_packets=1 "));
	ck_assert_ptr_nonnull(strstr(info, "rx_dropped=1 "));
}
END_TEST

START_TEST(writable_transmit_buffer_breaks_the_device)
{
	struct virtio_dev_state s;

	bring_up(0);
	tdrv_desc(&tx, 0, TXBUF, 64, VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&tx, 0);
	virtio_dev_queue_notify(d, VIRTIO_NET_TX_QUEUE);
	virtio_dev_get_state(d, &s);
	ck_assert(s.status & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_ptr_nonnull(strstr(s.broken, "transmitq buffer head=0 has device-writable"));
}
END_TEST

/* MRG_RXBUF with too little posted for the frame: the buffers go back,
 * the frame waits (no busy loop on the I/O thread), and more buffers
 * later take it. */
START_TEST(short_of_buffers_waits)
{
	uint8_t buf[256];
	size_t len = frame(buf, 200, 0x33);   /* 212 bytes */
	char info[320];

	bring_up(F(VIRTIO_NET_F_MRG_RXBUF));
	post_rx(0, RXBUF, 40);
	ck_assert_int_eq(write(wire, buf, len), (ssize_t)len);
	virtio_net_poll_tap(n);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 0);
	virtio_dev_backend_info(d, info, sizeof(info));
	ck_assert_ptr_nonnull(strstr(info, "rx_waiting=1"));
	for (uint16_t i = 1; i < 6; i++)
		post_rx(i, RXBUF + 0x100 * i, 40);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 6);
	ck_assert_uint_eq(tdrv_used_len(&rx, 5), 212 - 5 * 40);
}
END_TEST

/* A broken device takes nothing: frames arriving then do not make the
 * receive path go round for ever, whatever broke it. */
START_TEST(broken_device_does_not_spin)
{
	uint8_t buf[64];
	size_t len = frame(buf, 20, 1);
	struct virtio_dev_state s;

	bring_up(0);
	post_rx(0, RXBUF, 2048);
	tdrv_desc(&tx, 0, TXBUF, 64, VIRTQ_DESC_F_WRITE, 0);   /* breaks it */
	tdrv_publish(&tx, 0);
	virtio_dev_queue_notify(d, VIRTIO_NET_TX_QUEUE);
	virtio_dev_get_state(d, &s);
	ck_assert(s.status & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_int_eq(write(wire, buf, len), (ssize_t)len);
	virtio_net_poll_tap(n);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 0);
	/* And a bad receive buffer with a good one behind it. */
	tdrv_restart(&rx);
	tdrv_restart(&tx);
	bring_up(0);
	tdrv_desc(&rx, 0, RXBUF, 64, 0, 0);   /* device-readable */
	tdrv_publish(&rx, 0);
	tdrv_desc(&rx, 1, RXBUF + 0x100, 2048, VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&rx, 1);
	ck_assert_int_eq(write(wire, buf, len), (ssize_t)len);
	virtio_dev_queue_notify(d, VIRTIO_NET_RX_QUEUE);
	ck_assert_int_eq(write(wire, buf, len), (ssize_t)len);
	virtio_net_poll_tap(n);
	virtio_dev_get_state(d, &s);
	ck_assert(s.status & VIRTIO_STATUS_NEEDS_RESET);
}
END_TEST

START_TEST(mac_parsing)
{
	uint8_t m[6];

	ck_assert_int_eq(virtio_net_parse_mac("02:00:00:aa:bb:cc", m), 0);
	ck_assert_uint_eq(m[3], 0xaa);
	ck_assert_int_eq(virtio_net_parse_mac("01:00:5e:00:00:01", m), -1);   /* group */
	ck_assert_int_eq(virtio_net_parse_mac("02:00:00:aa:bb", m), -1);
	ck_assert_int_eq(virtio_net_parse_mac("02:00:00:aa:bb:cc:dd", m), -1);
	ck_assert_int_eq(virtio_net_parse_mac("2:0:0:a:b:c", m), -1);
}
END_TEST

static Suite *net_suite(void)
{
	Suite *s = suite_create("virtio_net");
	TCase *tc = tcase_create("net");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, config_and_features);
	tcase_add_test(tc, transmit_one_writev);
	tcase_add_test(tc, transmit_bad_header_dropped);
	tcase_add_test(tc, receive_one_buffer);
	tcase_add_test(tc, receive_merged_buffers);
	tcase_add_test(tc, receive_waits_for_buffers);
	tcase_add_test(tc, receive_too_big_dropped);
	tcase_add_test(tc, writable_transmit_buffer_breaks_the_device);
	tcase_add_test(tc, short_of_buffers_waits);
	tcase_add_test(tc, broken_device_does_not_spin);
	tcase_add_test(tc, mac_parsing);
	/* A device path that spins shows as a timeout. */
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(net_suite)
