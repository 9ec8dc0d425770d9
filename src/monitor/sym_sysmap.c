// SPDX-License-Identifier: GPL-3.0-or-later
/* Symbols from a System.map: one "<hex address> <type letter> <name>" line
 * per symbol, as `nm -n vmlinux` prints them (Linux scripts/mksysmap).
 * /proc/kallsyms has the same format; its module lines, which carry a
 * fourth "[module]" field, count as malformed here. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/boot_file.h"
#include "monitor/sym_load.h"

/* Far above any real System.map (Debian 6.1's is 4 MB). */
#define SYSMAP_MAX_BYTES (256ULL << 20)
/* Linux KSYM_NAME_LEN is 512 since 6.1; longer names are not symbols. */
#define SYSMAP_MAX_NAME 512

/* Debian ships this one-line placeholder as /boot/System.map-<abi> and the
 * real map in the -dbg package (docs/design.md section 2). */
#define DEBIAN_STUB_TEXT "The real System.map is in the"

struct map_line {
	uint64_t addr;
	char type;
	char name[SYSMAP_MAX_NAME + 1];
};

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse line[0..len) (no newline). False when it is not a symbol line. */
static bool parse_line(const char *line, size_t len, struct map_line *out)
{
	size_t i = 0, digits = 0;
	int d;

	out->addr = 0;
	while (i < len && (d = hex_digit(line[i])) >= 0) {
		if (++digits > 16)
			return false;
		out->addr = out->addr << 4 | (uint64_t)d;
		i++;
	}
	if (digits == 0 || i + 3 > len || line[i] != ' ' || line[i + 2] != ' ')
		return false;
	out->type = line[i + 1];
	if (!((out->type >= 'a' && out->type <= 'z') || (out->type >= 'A' && out->type <= 'Z')))
		return false;
	i += 3;
	size_t start = i;
	while (i < len && line[i] > ' ' && line[i] < 0x7f)
		i++;
	size_t nlen = i - start;
	if (nlen == 0 || nlen > SYSMAP_MAX_NAME)
		return false;
	/* Trailing blanks (a CR, say) are tolerated; further fields are not. */
	for (size_t j = i; j < len; j++)
		if (line[j] != ' ' && line[j] != '\t' && line[j] != '\r')
			return false;
	memcpy(out->name, line + start, nlen);
	out->name[nlen] = '\0';
	return true;
}

/* Debian's placeholder says where the real map is; the version is only in
 * the file name ("System.map-6.1.0-56-amd64"), if at all. */
static void report_stub(const char *path, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/');
	const char *ver = strstr(base ? base + 1 : path, "System.map-");

	if (ver)
		ver += strlen("System.map-");
	else
		ver = "<abi>";
	snprintf(err, errlen,
		 "%s is Debian's placeholder; the real one is "
		 "/usr/lib/debug/boot/System.map-%s in package linux-image-%s-dbg",
		 path, ver, ver);
}

int sym_parse_system_map(struct symtab *st, const char *name, const char *text, size_t size,
			 size_t *malformed, char *err, size_t errlen)
{
	size_t bad = 0;
	int added = 0;
	struct map_line ml;

	if (size == 0) {
		snprintf(err, errlen, "%s is empty", name);
		return -1;
	}
	if (size < 256 && memmem(text, size, DEBIAN_STUB_TEXT, strlen(DEBIAN_STUB_TEXT))) {
		report_stub(name, err, errlen);
		return -1;
	}
	for (size_t pos = 0; pos < size;) {
		const char *nl = memchr(text + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - (text + pos)) : size - pos;
		if (len == 0) {
			pos++;          /* a blank line is no symbol, nor an error */
			continue;
		}
		if (!parse_line(text + pos, len, &ml)) {
			bad++;
		} else if (symtab_add(st, ml.addr, 0, ml.type, ml.name) == 0) {
			added++;
		} else {
			snprintf(err, errlen, "out of memory loading %s", name);
			return -1;
		}
		pos += len + 1;
		if (added == INT32_MAX)
			break;
	}
	if (malformed)
		*malformed = bad;
	if (added == 0) {
		snprintf(err, errlen, "%s has no symbol lines (%zu malformed)", name, bad);
		return -1;
	}
	if (symtab_finish(st)) {
		snprintf(err, errlen, "out of memory sorting symbols");
		return -1;
	}
	symtab_set_source(st, "System.map");
	return added;
}

int sym_load_system_map(struct symtab *st, const char *path,
			size_t *malformed, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t size;

	if (boot_file_slurp(path, SYSMAP_MAX_BYTES, &buf, &size, err, errlen))
		return -1;
	int added = sym_parse_system_map(st, path, (const char *)buf, size, malformed, err, errlen);
	free(buf);
	return added;
}
