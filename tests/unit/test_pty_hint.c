/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The banner's attach suggestion names a program that is installed. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev/pty_hint.h"
#include "unit.h"

static char dir[] = "/tmp/hvmon-pty-hint.XXXXXX";

static void add_prog(const char *name, mode_t mode)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_int_ge(fd, 0);
	close(fd);
	chmod(p, mode);
}

START_TEST(suggests_what_is_there)
{
	char buf[128], search[256];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(search, sizeof(search), "/nonexistent:%s", dir);
	/* Nothing installed: read it with cat, or use the monitor. */
	ck_assert_str_eq(pty_attach_hint("/dev/pts/9", search, buf, sizeof(buf)),
			 "cat /dev/pts/9 to read it, or 'console' at the prompt");
	/* A file that is not executable does not count. */
	add_prog("screen", 0644);
	add_prog("minicom", 0755);
	ck_assert_str_eq(pty_attach_hint("/dev/pts/9", search, buf, sizeof(buf)),
			 "minicom -D /dev/pts/9");
	add_prog("screen", 0755);
	ck_assert_str_eq(pty_attach_hint("/dev/pts/9", search, buf, sizeof(buf)),
			 "screen /dev/pts/9");
	char p[256];
	snprintf(p, sizeof(p), "%s/screen", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/minicom", dir);
	unlink(p);
	rmdir(dir);
}
END_TEST

static Suite *pty_hint_suite(void)
{
	Suite *s = suite_create("pty_hint");
	TCase *tc = tcase_create("hint");
	tcase_add_test(tc, suggests_what_is_there);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(pty_hint_suite)
