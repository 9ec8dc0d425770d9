// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/initrd.h"

#include <unistd.h>

#include "boot/boot_error.h"
#include "boot/boot_file.h"

int initrd_load(const struct guest_mem *mem, const char *path,
		uint64_t floor, uint64_t ceiling,
		uint64_t *addr, uint64_t *size, char *err, size_t errlen)
{
	uint64_t len;
	int fd = boot_file_open(path, UINT64_MAX, &len, err, errlen);

	if (fd < 0)
		return -1;
	floor = (floor + 4095) & ~4095ULL;
	if (ceiling <= floor || len > ceiling - floor ||
	    ((ceiling - len) & ~4095ULL) < floor) {
		close(fd);
		return boot_fail(err, errlen,
				 "initrd %s too large: %llu bytes, only %llu free between the kernel's end 0x%llx and 0x%llx",
				 path, (unsigned long long)len,
				 (unsigned long long)(ceiling > floor ? ceiling - floor : 0),
				 (unsigned long long)floor, (unsigned long long)ceiling);
	}
	uint64_t at = (ceiling - len) & ~4095ULL;
	void *dst = gmem_ptr(mem, at, len);
	if (!dst) {
		close(fd);
		return boot_fail(err, errlen, "initrd %s: 0x%llx+%llu is not guest RAM",
				 path, (unsigned long long)at, (unsigned long long)len);
	}
	int rc = boot_file_read(fd, path, dst, len, err, errlen);
	close(fd);
	if (rc < 0)
		return -1;
	*addr = at;
	*size = len;
	return 0;
}
