/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Console backends with real file descriptors: a pty (read and written
 * from its slave side, as screen would) and a file. */
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev/chardev.h"
#include "unit.h"

struct capture {
	uint8_t buf[256];
	size_t len;
	unsigned calls;
};

static void capture_fn(void *opaque, const uint8_t *buf, size_t len)
{
	struct capture *c = opaque;

	for (size_t i = 0; i < len && c->len < sizeof(c->buf); i++)
		c->buf[c->len++] = buf[i];
	c->calls++;
}

/* Read exactly len bytes from fd, waiting up to a second for each. */
static size_t read_some(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 1000) <= 0)
			break;
		ssize_t n = read(fd, buf + got, len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

static bool wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 1000) == 1;
}

START_TEST(pty_output_reaches_slave_raw)
{
	char err[128];
	struct chardev *cd = chardev_open("pty", err, sizeof(err));
	uint8_t buf[16];

	ck_assert_msg(cd != NULL, "%s", err);
	ck_assert_int_eq(chardev_kind(cd), CHARDEV_PTY);
	ck_assert(strncmp(chardev_path(cd), "/dev/pts/", 9) == 0);
	int slave = open(chardev_path(cd), O_RDWR | O_NOCTTY);
	ck_assert_int_ge(slave, 0);

	/* Raw line: "\n" is not turned into "\r\n". */
	chardev_write(cd, "hi\nthere", 8);
	ck_assert_uint_eq(read_some(slave, buf, 8), 8);
	ck_assert_mem_eq(buf, "hi\nthere", 8);
	ck_assert_uint_eq(chardev_dropped(cd), 0);

	close(slave);
	chardev_close(cd);
}
END_TEST

START_TEST(pty_input_reaches_sink)
{
	struct capture cap = { 0 };
	struct chardev *cd = chardev_open("pty", NULL, 0);

	ck_assert_ptr_nonnull(cd);
	chardev_set_input_sink(cd, capture_fn, &cap);
	int slave = open(chardev_path(cd), O_RDWR | O_NOCTTY);
	ck_assert_int_ge(slave, 0);
	/* Raw: "\r" is not turned into "\n". */
	ck_assert_int_eq(write(slave, "ab\rc", 4), 4);
	int fd = chardev_input_fd(cd);
	ck_assert_int_ge(fd, 0);
	while (cap.len < 4 && wait_readable(fd))
		chardev_handle_input(cd);
	ck_assert_uint_eq(cap.len, 4);
	ck_assert_mem_eq(cap.buf, "ab\rc", 4);
	/* Nothing pending: handling input again neither blocks nor closes
	 * the input. */
	chardev_handle_input(cd);
	ck_assert_uint_eq(cap.len, 4);
	ck_assert_int_eq(chardev_input_fd(cd), fd);

	close(slave);
	chardev_close(cd);
}
END_TEST

START_TEST(pty_without_reader_drops)
{
	struct chardev *cd = chardev_open("pty", NULL, 0);
	static uint8_t chunk[4096];

	ck_assert_ptr_nonnull(cd);
	memset(chunk, 'x', sizeof(chunk));
	/* Far more than a pty buffers; this must not block. */
	for (int i = 0; i < 256; i++)
		chardev_write(cd, chunk, sizeof(chunk));
	ck_assert_uint_gt(chardev_dropped(cd), 0);
	chardev_close(cd);
}
END_TEST

START_TEST(taps_and_inject)
{
	struct capture t1 = { 0 }, t2 = { 0 }, sink = { 0 };
	struct chardev *cd = chardev_open("pty", NULL, 0);

	ck_assert_ptr_nonnull(cd);
	ck_assert_int_eq(chardev_add_tap(cd, capture_fn, &t1), 0);
	ck_assert_int_eq(chardev_add_tap(cd, capture_fn, &t2), 0);
	chardev_write(cd, "abc", 3);
	ck_assert_uint_eq(t1.len, 3);
	ck_assert_mem_eq(t2.buf, "abc", 3);
	chardev_remove_tap(cd, capture_fn, &t1);
	chardev_write(cd, "de", 2);
	ck_assert_uint_eq(t1.len, 3);
	ck_assert_uint_eq(t2.len, 5);
	/* At most CHARDEV_MAX_TAPS. */
	for (int i = 1; i < CHARDEV_MAX_TAPS; i++)
		ck_assert_int_eq(chardev_add_tap(cd, capture_fn, &t1), 0);
	ck_assert_int_eq(chardev_add_tap(cd, capture_fn, &t1), -1);

	chardev_inject_input(cd, (const uint8_t *)"q", 1);  /* no sink yet */
	chardev_set_input_sink(cd, capture_fn, &sink);
	chardev_inject_input(cd, (const uint8_t *)"typed", 5);
	ck_assert_uint_eq(sink.len, 5);
	ck_assert_mem_eq(sink.buf, "typed", 5);
	chardev_close(cd);
}
END_TEST

START_TEST(file_backend)
{
	char path[] = "/tmp/hvmon-chardev-XXXXXX";
	char spec[64], err[128];
	int fd = mkstemp(path);
	uint8_t buf[32];

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "old contents", 12), 12);
	snprintf(spec, sizeof(spec), "file:%s", path);
	struct chardev *cd = chardev_open(spec, err, sizeof(err));
	ck_assert_msg(cd != NULL, "%s", err);
	ck_assert_int_eq(chardev_kind(cd), CHARDEV_FILE);
	ck_assert_str_eq(chardev_path(cd), path);
	ck_assert_int_eq(chardev_input_fd(cd), -1);
	chardev_write(cd, "boot\n", 5);
	chardev_write(cd, "ok\n", 3);
	chardev_handle_input(cd);   /* no input: harmless */
	chardev_close(cd);

	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 8);   /* truncated */
	ck_assert_mem_eq(buf, "boot\nok\n", 8);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(bad_specs)
{
	char err[128];

	err[0] = 0;
	ck_assert_ptr_null(chardev_open("serial", err, sizeof(err)));
	ck_assert(strstr(err, "serial") != NULL);
	ck_assert_ptr_null(chardev_open("file:", err, sizeof(err)));
	ck_assert_ptr_null(chardev_open("file:/nonexistent-dir/x", err,
					sizeof(err)));
	ck_assert_str_eq(err, "cannot create /nonexistent-dir/x: No such file or directory");
	ck_assert_ptr_null(chardev_open(NULL, NULL, 0));
}
END_TEST

START_TEST(stdio_backend)
{
	struct chardev *cd = chardev_open("stdio", NULL, 0);

	ck_assert_ptr_nonnull(cd);
	ck_assert_int_eq(chardev_kind(cd), CHARDEV_STDIO);
	ck_assert_str_eq(chardev_path(cd), "stdio");
	ck_assert_int_eq(chardev_input_fd(cd), 0);
	chardev_close(cd);
	/* Closing did not close the process's stdout. */
	ck_assert_int_ne(fcntl(1, F_GETFD), -1);
}
END_TEST

/* A stdio console sharing stdout with the monitor (batch mode): monitor
 * text goes between guest lines, never inside one; a partial line is
 * written after CHARDEV_PARTIAL_MS and then ended before monitor text. */
START_TEST(shared_stdout_keeps_lines_apart)
{
	struct chardev *cd = chardev_open("stdio", NULL, 0);
	int p[2];
	char got[128];

	ck_assert_ptr_nonnull(cd);
	ck_assert_int_eq(pipe(p), 0);
	chardev_redirect_output(cd, p[1]);
	ck_assert_int_eq(chardev_share_stdout(cd, true), 0);
	chardev_write(cd, "guest li", 8);
	chardev_print_shared(cd, p[1], "mon\n", 4);
	chardev_write(cd, "ne\nnext", 7);
	usleep((CHARDEV_PARTIAL_MS + 150) * 1000);   /* "next" goes out alone */
	chardev_print_shared(cd, p[1], "mon2\n", 5);
	chardev_write(cd, "!", 1);
	ck_assert_int_eq(chardev_share_stdout(cd, false), 0);   /* writes the held "!" */
	ssize_t n = read(p[0], got, sizeof(got) - 1);
	ck_assert_int_gt(n, 0);
	got[n] = '\0';
	ck_assert_str_eq(got, "mon\nguest line\nnext\nmon2\n!");
	chardev_close(cd);
	close(p[0]);
	close(p[1]);
}
END_TEST

static Suite *chardev_suite(void)
{
	Suite *s = suite_create("chardev");
	TCase *tc = tcase_create("backends");

	tcase_add_test(tc, pty_output_reaches_slave_raw);
	tcase_add_test(tc, pty_input_reaches_sink);
	tcase_add_test(tc, pty_without_reader_drops);
	tcase_add_test(tc, taps_and_inject);
	tcase_add_test(tc, file_backend);
	tcase_add_test(tc, bad_specs);
	tcase_add_test(tc, stdio_backend);
	tcase_add_test(tc, shared_stdout_keeps_lines_apart);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(chardev_suite)
