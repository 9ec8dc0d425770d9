/* SPDX-License-Identifier: GPL-3.0-or-later */
/* virtio-console (virtio 1.2, 5.3) through the virtio core with a stub
 * transport: the test is the driver (receiveq 0 and transmitq 1 in
 * synthetic guest RAM), the backend a file chardev it reads back. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev/chardev.h"
#include "dev/virtio/virtio_console.h"
#include "test_virtio_driver.h"
#include "unit.h"

#define QSIZE 8
#define TXQ_BASE 0x20000ULL
#define RXBUF TDRV_BUF
#define TXBUF (TDRV_BUF + 0x8000)

static char path[64];
static struct tdrv rx, tx;
static struct chardev *cd;
static struct virtio_console *con;
static struct virtio_dev *d;
static struct tvd_irqs irqs;

static void setup(void)
{
	char err[128];

	strcpy(path, "/tmp/hvmon-con-XXXXXX");
	close(mkstemp(path));
	snprintf(err, sizeof(err), "file:%s", path);
	cd = chardev_open(err, err, sizeof(err));
	ck_assert_ptr_nonnull(cd);
	tdrv_init(&rx, QSIZE);
	tdrv_init_queue(&tx, &rx, QSIZE, TXQ_BASE);
	con = virtio_console_new(&rx.mem, cd, NULL, err, sizeof(err));
	ck_assert_ptr_nonnull(con);
	d = virtio_console_dev(con);
	tvd_stub_transport(d, &irqs);
	ck_assert(tvd_negotiate(d, (1ULL << VIRTIO_F_VERSION_1) |
				   (1ULL << VIRTIO_CONSOLE_F_EMERG_WRITE)));
	tvd_queue(d, VIRTIO_CONSOLE_RX_QUEUE, &rx);
	tvd_queue(d, VIRTIO_CONSOLE_TX_QUEUE, &tx);
	tvd_driver_ok(d);
}

static void teardown(void)
{
	virtio_console_free(con);
	chardev_close(cd);
	gmem_free(&rx.mem);
	unlink(path);
}

/* What the inspector's backend line says. */
static const char *backend_line(void)
{
	static char line[256];

	virtio_dev_backend_info(d, line, sizeof(line));
	return line;
}

/* What the backend got so far. */
static const char *file_text(void)
{
	static char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void post_rx(uint16_t id, uint64_t addr, uint32_t len)
{
	tdrv_desc(&rx, id, addr, len, VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&rx, id);
	virtio_dev_queue_notify(d, VIRTIO_CONSOLE_RX_QUEUE);
}

START_TEST(emerg_write_and_transmit)
{
	/* 5.3.6: emerg_wr writes one character, queues or not. */
	uint32_t c = 'E';
	ck_assert_int_eq(virtio_dev_config_write(d, VIRTIO_CONSOLE_CFG_EMERG_WR, &c, 4), 0);
	ck_assert_int_eq(gmem_write(&rx.mem, TXBUF, "hello", 5), 0);
	ck_assert_int_eq(gmem_write(&rx.mem, TXBUF + 0x100, " world", 6), 0);
	tdrv_desc(&tx, 0, TXBUF, 5, VIRTQ_DESC_F_NEXT, 1);
	tdrv_desc(&tx, 1, TXBUF + 0x100, 6, 0, 0);
	tdrv_publish(&tx, 0);
	virtio_dev_queue_notify(d, VIRTIO_CONSOLE_TX_QUEUE);
	ck_assert_str_eq(file_text(), "Ehello world");
	ck_assert_uint_eq(tdrv_used_idx(&tx), 1);
	ck_assert_uint_eq(tdrv_used_id(&tx, 0), 0);
	ck_assert_uint_eq(tdrv_used_len(&tx, 0), 0);   /* nothing written back */
	ck_assert_uint_eq(irqs.queue, 1);
}
END_TEST

START_TEST(input_waits_for_buffers)
{
	char got[8] = "";

	/* Typed before the driver posted anything: kept in the FIFO. */
	virtio_console_input(con, (const uint8_t *)"abc", 3);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 0);
	post_rx(0, RXBUF, 2);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 1);
	ck_assert_uint_eq(tdrv_used_len(&rx, 0), 2);
	ck_assert_int_eq(gmem_read(&rx.mem, RXBUF, got, 2), 0);
	ck_assert_mem_eq(got, "ab", 2);
	post_rx(1, RXBUF + 0x100, 16);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 2);
	ck_assert_uint_eq(tdrv_used_len(&rx, 1), 1);
	ck_assert_int_eq(gmem_read(&rx.mem, RXBUF + 0x100, got, 1), 0);
	ck_assert_int_eq(got[0], 'c');
	/* A buffer waits for input, then takes it at once. */
	post_rx(2, RXBUF + 0x200, 16);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 2);
	virtio_console_input(con, (const uint8_t *)"xyz", 3);
	ck_assert_uint_eq(tdrv_used_idx(&rx), 3);
	ck_assert_uint_eq(tdrv_used_len(&rx, 2), 3);
	ck_assert_ptr_nonnull(strstr(backend_line(), " input_waiting=0 input_dropped=0 "));
}
END_TEST

START_TEST(input_overrun_is_counted)
{
	static uint8_t big[VIRTIO_CONSOLE_RX_FIFO + 100];

	memset(big, 'q', sizeof(big));
	virtio_console_input(con, big, sizeof(big));
	ck_assert_ptr_nonnull(strstr(backend_line(), " input_dropped=100 "));
}
END_TEST

/* 5.3.6.1: a device-readable receive buffer or a device-writable transmit
 * buffer breaks the device, with the reason. */
START_TEST(wrong_direction_breaks_the_device)
{
	struct virtio_dev_state s;

	tdrv_desc(&tx, 0, TXBUF, 4, VIRTQ_DESC_F_WRITE, 0);
	tdrv_publish(&tx, 0);
	virtio_dev_queue_notify(d, VIRTIO_CONSOLE_TX_QUEUE);
	virtio_dev_get_state(d, &s);
	ck_assert(s.status & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_ptr_nonnull(strstr(s.broken, "transmitq buffer head=0 has device-writable"));
	ck_assert_str_eq(file_text(), "");
}
END_TEST

START_TEST(readable_receive_buffer_breaks_the_device)
{
	struct virtio_dev_state s;

	virtio_console_input(con, (const uint8_t *)"k", 1);
	tdrv_desc(&rx, 0, RXBUF, 4, 0, 0);
	tdrv_publish(&rx, 0);
	virtio_dev_queue_notify(d, VIRTIO_CONSOLE_RX_QUEUE);
	virtio_dev_get_state(d, &s);
	ck_assert_ptr_nonnull(strstr(s.broken, "receiveq buffer head=0 has device-readable"));
}
END_TEST

static Suite *console_suite(void)
{
	Suite *s = suite_create("virtio_console");
	TCase *tc = tcase_create("console");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, emerg_write_and_transmit);
	tcase_add_test(tc, input_waits_for_buffers);
	tcase_add_test(tc, input_overrun_is_counted);
	tcase_add_test(tc, wrong_direction_breaks_the_device);
	tcase_add_test(tc, readable_receive_buffer_breaks_the_device);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(console_suite)
