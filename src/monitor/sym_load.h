/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loaders that fill a symbol table from what a guest kernel ships with.
 * Each returns the number of symbols it added and finishes the table (and
 * sets its source), or returns -1 with one error line in err. Input is
 * treated as hostile: every offset is checked against the buffer. On -1 the
 * table is unchanged, except after running out of memory midway. */
#ifndef HVMON_SYM_LOAD_H
#define HVMON_SYM_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "monitor/symtab.h"

/* The .symtab of a little-endian ELF32 or ELF64 file (or .dynsym when there
 * is no .symtab): named function, object and untyped symbols with a nonzero
 * value, typed with the letters nm(1) would print. */
int sym_load_elf(struct symtab *st, const uint8_t *elf, size_t size,
		 char *err, size_t errlen);

/* A System.map (or /proc/kallsyms) file: "<hex address> <type> <name>"
 * lines. Malformed lines are skipped and counted into *malformed (may be
 * NULL). Debian's placeholder stub is rejected, saying where the real file
 * is. */
int sym_load_system_map(struct symtab *st, const char *path,
			size_t *malformed, char *err, size_t errlen);

/* The same from text[0..size) already in memory; name is the file's, for
 * messages. */
int sym_parse_system_map(struct symtab *st, const char *name, const char *text, size_t size,
			 size_t *malformed, char *err, size_t errlen);

/* The kernel's own compressed kallsyms tables, found by content inside a
 * decompressed vmlinux (stripped or not) or an image of its memory. */
int sym_load_kallsyms(struct symtab *st, const uint8_t *image, size_t size,
		      char *err, size_t errlen);

#endif
