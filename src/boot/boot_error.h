/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The loaders' error convention: one line into a caller buffer, return -1. */
#ifndef HVMON_BOOT_ERROR_H
#define HVMON_BOOT_ERROR_H

#include <stddef.h>

/* Format one error line into err (errlen bytes, may be 0) and return -1. */
int boot_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
