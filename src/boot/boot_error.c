// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/boot_error.h"

#include <stdarg.h>
#include <stdio.h>

int boot_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
