/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A disk image that cannot be opened for writing: the error suggests
 * ",ro" when the file can be read, and ",ro" opens it. */
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev/virtio/blk_backend.h"
#include "unit.h"

/* Mark path immutable (chattr +i) or clear it; false where the file
 * system or our privileges do not allow it. */
static bool set_immutable(const char *path, bool on)
{
	int fd = open(path, O_RDONLY), flags = 0;
	bool ok = fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;

	if (ok) {
		flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
		ok = ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

START_TEST(read_only_image_suggests_ro)
{
	char path[] = "/var/tmp/hvmon-blk-ro.XXXXXX", err[512];
	struct blk_backend be;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 65536), 0);
	close(fd);
	/* Root opens a mode-0444 file for writing anyway; an immutable one
	 * it does not (EPERM), which is what a user met. Otherwise mode 0444
	 * gives EACCES. */
	bool immutable = getuid() == 0 && set_immutable(path, true);
	if (!immutable)
		chmod(path, 0444);
	if (immutable || getuid() != 0) {
		ck_assert_int_eq(blk_backend_open(&be, path, false, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, "(not writable: add ,ro to use it read-only)"), "%s", err);
		ck_assert_int_eq(blk_backend_open(&be, path, true, err, sizeof(err)), 0);
		blk_backend_close(&be);
	}
	if (immutable)
		set_immutable(path, false);
	unlink(path);
	/* A file that is not there gets no such hint. */
	ck_assert_int_eq(blk_backend_open(&be, path, false, err, sizeof(err)), -1);
	ck_assert_ptr_null(strstr(err, ",ro"));
}
END_TEST

static Suite *blk_backend_suite(void)
{
	Suite *s = suite_create("blk_backend");
	TCase *tc = tcase_create("open");
	tcase_add_test(tc, read_only_image_suggests_ro);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(blk_backend_suite)
