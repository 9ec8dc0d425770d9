// SPDX-License-Identifier: GPL-3.0-or-later
/* Where the monitor's symbols come from, best first: a System.map the
 * user names (--symbols) or that sits next to the kernel; the kernel ELF's
 * own symbol table (test guests, a self-built vmlinux); the kernel's
 * kallsyms tables, found in the decompressed image (a distro kernel). */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/mon_symbols.h"
#include "monitor/sym_load.h"
#include "monitor/symtab.h"

static struct symtab *try_system_map(const char *path, char *err, size_t errlen)
{
	struct symtab *st = symtab_new();
	size_t malformed = 0;
	if (st && sym_load_system_map(st, path, &malformed, err, errlen) > 0 &&
	    symtab_finish(st) == 0)
		return st;
	symtab_free(st);
	return NULL;
}

/* System.map in the kernel's directory, as make install and the guest kit
 * leave it. */
static char *system_map_beside(const char *kernel)
{
	char *copy = strdup(kernel), *path = NULL;
	if (copy && asprintf(&path, "%s/System.map", dirname(copy)) < 0)
		path = NULL;
	free(copy);
	if (path && access(path, R_OK) != 0) {
		free(path);
		path = NULL;
	}
	return path;
}

static struct symtab *from_image(const struct boot_info *b, char *err, size_t errlen)
{
	if (!b->elf)
		return NULL;
	struct symtab *st = symtab_new();
	if (!st)
		return NULL;
	if (sym_load_elf(st, b->elf, b->elf_size, err, errlen) > 0 && symtab_finish(st) == 0)
		return st;
	symtab_free(st);
	st = symtab_new();
	if (st && sym_load_kallsyms(st, b->elf, b->elf_size, err, errlen) > 0 &&
	    symtab_finish(st) == 0)
		return st;
	symtab_free(st);
	return NULL;
}

struct symtab *mon_load_symbols(const struct machine *m, const char *sysmap, FILE *msg)
{
	char err[256] = "";
	struct symtab *st = NULL;
	if (sysmap) {
		/* A file the user names must give symbols: empty, malformed and
		 * missing (main's check) are all the same error. */
		st = try_system_map(sysmap, err, sizeof(err));
		if (!st) {
			fprintf(msg, "hvmon: --symbols: %s\n", err);   /* err names the file */
			return NULL;
		}
	} else {
		char *beside = system_map_beside(m->cfg.kernel);
		if (beside) {
			st = try_system_map(beside, err, sizeof(err));
			free(beside);
		}
	}
	if (!st)
		st = from_image(&m->boot, err, sizeof(err));
	if (!st) {
		fprintf(msg, "hvmon: no kernel symbols%s%s\n", err[0] ? ": " : "", err);
		return NULL;
	}
	fprintf(msg, "hvmon: %zu symbols from %s\n", symtab_count(st), symtab_source(st));
	/* The 64-bit boot protocol runs the kernel's own decompressor, which
	 * randomises the load address unless told not to (PVH skips it). */
	if (m->boot.proto == BOOT_LINUX64 && !strstr(m->cfg.cmdline, "nokaslr"))
		fprintf(msg, "hvmon: warning: booted via linux64 without 'nokaslr': if the kernel "
			"randomises its base (KASLR), symbol addresses are wrong\n");
	return st;
}
