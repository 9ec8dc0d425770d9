// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/boot_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/boot_error.h"

int boot_file_open(const char *path, uint64_t max, uint64_t *size,
		   char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return boot_fail(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return boot_fail(err, errlen, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0 || (uint64_t)st.st_size > max) {
		close(fd);
		if (!S_ISREG(st.st_mode))
			return boot_fail(err, errlen, "%s: not a regular file", path);
		if (st.st_size == 0)
			return boot_fail(err, errlen, "%s: file is empty", path);
		return boot_fail(err, errlen, "%s: %lld bytes, more than the %llu MiB limit",
				 path, (long long)st.st_size,
				 (unsigned long long)(max >> 20));
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

int boot_file_read(int fd, const char *path, void *buf, uint64_t len,
		   char *err, size_t errlen)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len > (1 << 30) ? (1 << 30) : len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return boot_fail(err, errlen, "%s: %s", path, strerror(errno));
		if (n == 0)
			return boot_fail(err, errlen, "%s: file shrank while being read", path);
		p += n;
		len -= (uint64_t)n;
	}
	return 0;
}

int boot_file_slurp(const char *path, uint64_t max, uint8_t **buf, size_t *len,
		    char *err, size_t errlen)
{
	uint64_t size;
	int fd = boot_file_open(path, max, &size, err, errlen);

	if (fd < 0)
		return -1;
	uint8_t *p = malloc(size);
	if (!p) {
		close(fd);
		return boot_fail(err, errlen, "%s: out of memory for %llu bytes", path,
				 (unsigned long long)size);
	}
	if (boot_file_read(fd, path, p, size, err, errlen) < 0) {
		free(p);
		close(fd);
		return -1;
	}
	close(fd);
	*buf = p;
	*len = size;
	return 0;
}
