/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A guest symbol table: address <-> name, for breakpoints by name, for
 * printing addresses as "name+0xoff" and for TAB completion. Filled by one
 * of the loaders in sym_load.h, which finish the table when they succeed.
 *
 * Rules, chosen to be deterministic:
 *  - Several symbols at one address (aliases such as _text/startup_64):
 *    text symbols (t/T) win over others, then global (upper-case type) over
 *    local, then a name without a leading '_' (linker-script markers such
 *    as _text and _stext), then the name that sorts first (strcmp).
 *  - One name at several addresses (static functions in different files):
 *    symtab_lookup_name returns the global one, else the lowest address.
 *  - symtab_lookup_addr takes the nearest symbol at or below the address.
 *    With a known size the address must lie inside the symbol; with size 0
 *    it must lie below the next higher symbol and at most SYMTAB_MAX_GAP
 *    past the symbol. Nested symbols (one inside another's range) are not
 *    searched beyond the nearest one.
 *  - A zero-based per-cpu section (__per_cpu_start at 0, as x86-64 SMP
 *    kernels link it) holds offsets, not addresses: its names are found by
 *    name but never name an address. */
#ifndef HVMON_SYMTAB_H
#define HVMON_SYMTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Furthest an address may lie past a symbol of unknown size and still be
 * named after it: beyond this it is more likely not code of that symbol. */
#define SYMTAB_MAX_GAP (1ULL << 20)

struct symtab;

struct symtab *symtab_new(void);
void symtab_free(struct symtab *st);

/* Add one symbol; size 0 means unknown, type is an nm letter. The name is
 * copied. Returns 0, or -1 when out of memory or the name is empty. The
 * table must be finished again before lookups see the new symbol. */
int symtab_add(struct symtab *st, uint64_t addr, uint64_t size, char type,
	       const char *name);

/* Sort by address and build the name index. Lookups on a table that is not
 * finished find nothing. Returns 0, or -1 when out of memory. */
int symtab_finish(struct symtab *st);

/* Where the symbols came from: "elf", "System.map", "kallsyms" or "". */
const char *symtab_source(const struct symtab *st);
void symtab_set_source(struct symtab *st, const char *source);

size_t symtab_count(const struct symtab *st);

bool symtab_lookup_name(const struct symtab *st, const char *name,
			uint64_t *addr);

/* The symbol naming addr (see the rules above) and addr's offset into it,
 * or NULL. */
const char *symtab_lookup_addr(const struct symtab *st, uint64_t addr,
			       uint64_t *offset);

/* Write "name+0xoff", "name" (offset 0) or "" (no symbol) into out. */
void symtab_format(const struct symtab *st, uint64_t addr, char *out,
		   size_t outlen);

/* Successive distinct names starting with prefix, in strcmp order, then
 * NULL. Set *iter to 0 before the first call. */
const char *symtab_complete(const struct symtab *st, const char *prefix,
			    size_t *iter);

/* The index'th symbol in address order (0 <= index < count), for listing;
 * NULL when index is out of range or the table is not finished. */
const char *symtab_at(const struct symtab *st, size_t index, uint64_t *addr,
		      char *type);

#endif
