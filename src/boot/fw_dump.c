// SPDX-License-Identifier: GPL-3.0-or-later
#include "boot/fw_dump.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int write_file(const char *path, const void *buf, size_t len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int fw_dump(fw_read_fn rd, void *ctx, const struct fw_found *t, int n, const char *dir,
	    char *err, size_t errlen)
{
	int written = 0;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		/* The RSDP has no table header; iasl -d refuses it. */
		if (!t[i].acpi || !t[i].readable || !strcmp(t[i].sig, "RSDP"))
			continue;
		char name[8];
		int same = 0;
		for (int j = 0; j < i; j++)
			same += t[j].acpi && t[j].readable && !strcmp(t[j].sig, t[i].sig);
		/* The signature is the guest's: only letters, digits and '_'
		 * reach the file name ("../x" must not leave DIR). */
		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)t[i].sig[k];
			name[k] = isalnum(c) || c == '_' ? (char)tolower(c) : '_';
		}
		name[4] = 0;
		char path[4096];
		if (same)
			snprintf(path, sizeof(path), "%s/%s%d.dat", dir, name, same);
		else
			snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
		uint8_t *buf = malloc(t[i].len);
		if (!buf) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (rd(ctx, t[i].addr, buf, t[i].len) < 0) {
			snprintf(err, errlen, "%s at 0x%llx: not readable", t[i].sig,
				 (unsigned long long)t[i].addr);
			free(buf);
			return -1;
		}
		int rc = write_file(path, buf, t[i].len, err, errlen);
		free(buf);
		if (rc < 0)
			return -1;
		written++;
	}
	return written;
}
