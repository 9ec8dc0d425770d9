/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading the kernel and initrd files: regular files only, size bounded
 * before anything is allocated, short reads detected. */
#ifndef HVMON_BOOT_FILE_H
#define HVMON_BOOT_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Open path for reading and return its size in *size; refuses anything
 * but a non-empty regular file of at most max bytes. Returns the fd, or -1
 * with an error line. */
int boot_file_open(const char *path, uint64_t max, uint64_t *size,
		   char *err, size_t errlen);

/* Read exactly len bytes from fd into buf. Returns 0, or -1 with an error
 * line naming path. */
int boot_file_read(int fd, const char *path, void *buf, uint64_t len,
		   char *err, size_t errlen);

/* Read a whole file into a new malloc'd buffer. Returns 0, or -1. */
int boot_file_slurp(const char *path, uint64_t max, uint8_t **buf, size_t *len,
		    char *err, size_t errlen);

#endif
