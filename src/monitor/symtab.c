// SPDX-License-Identifier: GPL-3.0-or-later
/* The symbol table: an array of symbols sorted by address (for address ->
 * name) plus an array of indices sorted by name (for name -> address and
 * prefix completion), both searched by bisection. Names live in one growing
 * arena so that ~100k symbols cost two allocations, not 100k. */
#include "monitor/symtab.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sym {
	uint64_t addr;
	uint64_t size;
	size_t name;            /* offset into the arena */
	char type;
	uint8_t rank;           /* preference at one address, lower wins */
};

struct symtab {
	struct sym *syms;
	size_t count, cap;
	char *arena;
	size_t arena_len, arena_cap;
	size_t *by_name;        /* indices into syms, valid when finished */
	bool finished;
	const char *source;
	uint64_t offsets_end;   /* symbols up to here are per-cpu offsets */
};

struct symtab *symtab_new(void)
{
	struct symtab *st = calloc(1, sizeof(*st));

	if (st)
		st->source = "";
	return st;
}

void symtab_free(struct symtab *st)
{
	if (!st)
		return;
	free(st->syms);
	free(st->arena);
	free(st->by_name);
	free(st);
}

static bool is_text(char type)
{
	return type == 't' || type == 'T';
}

static bool is_global(char type)
{
	return type >= 'A' && type <= 'Z';
}

/* Lower wins: text over other, global over local, then a name that does
 * not start with '_' (linker-script markers such as _text and _stext share
 * their address with the function there, startup_64, which a stop should
 * name). */
static uint8_t sym_rank(char type, const char *name)
{
	return (uint8_t)((is_text(type) ? 0 : 4) + (is_global(type) ? 0 : 2) + (name[0] == '_'));
}

/* Grow *buf (elements of elem bytes, capacity *cap) to hold need elements,
 * doubling so that n additions cost O(n). */
static int grow(void **buf, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 1024;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return -1;
	void *n = realloc(*buf, ncap * elem);
	if (!n)
		return -1;
	*buf = n;
	*cap = ncap;
	return 0;
}

int symtab_add(struct symtab *st, uint64_t addr, uint64_t size, char type,
	       const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || st->count == SIZE_MAX || len >= SIZE_MAX - st->arena_len)
		return -1;
	if (grow((void **)&st->syms, &st->cap, st->count + 1, sizeof(*st->syms)) ||
	    grow((void **)&st->arena, &st->arena_cap, st->arena_len + len + 1, 1))
		return -1;
	memcpy(st->arena + st->arena_len, name, len + 1);
	st->syms[st->count++] = (struct sym){
		.addr = addr, .size = size, .name = st->arena_len,
		.type = type, .rank = sym_rank(type, name),
	};
	st->arena_len += len + 1;
	st->finished = false;
	return 0;
}

static int cmp_by_addr(const void *a, const void *b, void *ctx)
{
	const struct sym *x = a, *y = b;
	const char *arena = ctx;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(arena + x->name, arena + y->name);
}

/* Equal names: global first, then lowest address (symtab.h). Indices point
 * into the address-sorted array, so a lower index is a lower address. */
static int cmp_by_name(const void *a, const void *b, void *ctx)
{
	const struct symtab *st = ctx;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct sym *x = &st->syms[i], *y = &st->syms[j];
	int c = strcmp(st->arena + x->name, st->arena + y->name);

	if (c)
		return c;
	if (is_global(x->type) != is_global(y->type))
		return is_global(x->type) ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* An SMP x86-64 kernel links its per-cpu section at 0 (its variables are
 * offsets from the GS base), so System.map names 0..__per_cpu_end after
 * per-cpu variables. Those are not addresses: an early-boot physical address
 * such as 0x7000 would read as "cpu_debug_store+0x..." otherwise. */
static uint64_t percpu_offsets_end(const struct symtab *st)
{
	uint64_t start, end;

	if (!symtab_lookup_name(st, "__per_cpu_start", &start) ||
	    !symtab_lookup_name(st, "__per_cpu_end", &end) || start != 0)
		return 0;
	return end;
}

int symtab_finish(struct symtab *st)
{
	free(st->by_name);
	st->by_name = NULL;
	st->finished = false;
	if (st->count && st->count > SIZE_MAX / sizeof(size_t))
		return -1;
	st->by_name = malloc((st->count ? st->count : 1) * sizeof(size_t));
	if (!st->by_name)
		return -1;
	qsort_r(st->syms, st->count, sizeof(*st->syms), cmp_by_addr, st->arena);
	for (size_t i = 0; i < st->count; i++)
		st->by_name[i] = i;
	qsort_r(st->by_name, st->count, sizeof(size_t), cmp_by_name, st);
	st->finished = true;
	st->offsets_end = percpu_offsets_end(st);
	return 0;
}

const char *symtab_source(const struct symtab *st)
{
	return st->source;
}

void symtab_set_source(struct symtab *st, const char *source)
{
	st->source = source;
}

size_t symtab_count(const struct symtab *st)
{
	return st->count;
}

static const char *name_of(const struct symtab *st, size_t by_name_pos)
{
	return st->arena + st->syms[st->by_name[by_name_pos]].name;
}

/* First position in the name index whose name is not below key. The names
 * starting with a prefix follow it contiguously from there. */
static size_t name_lower_bound(const struct symtab *st, const char *key)
{
	size_t lo = 0, hi = st->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(name_of(st, mid), key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool symtab_lookup_name(const struct symtab *st, const char *name,
			uint64_t *addr)
{
	if (!st->finished)
		return false;
	size_t pos = name_lower_bound(st, name);
	if (pos == st->count || strcmp(name_of(st, pos), name) != 0)
		return false;
	*addr = st->syms[st->by_name[pos]].addr;
	return true;
}

/* First index in the address array whose address is above addr (upper),
 * or not below it (!upper). */
static size_t addr_bound(const struct symtab *st, uint64_t addr, bool upper)
{
	size_t lo = 0, hi = st->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t a = st->syms[mid].addr;
		if (a < addr || (upper && a == addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const char *symtab_lookup_addr(const struct symtab *st, uint64_t addr,
			       uint64_t *offset)
{
	if (!st->finished)
		return NULL;
	size_t above = addr_bound(st, addr, true);
	if (above == 0)
		return NULL;
	/* The preferred symbol sorts first among those at its address. */
	const struct sym *s = &st->syms[addr_bound(st, st->syms[above - 1].addr, false)];
	if (st->offsets_end && s->addr <= st->offsets_end)
		return NULL;
	uint64_t off = addr - s->addr;
	if (s->size ? off >= s->size : off >= SYMTAB_MAX_GAP)
		return NULL;
	if (offset)
		*offset = off;
	return st->arena + s->name;
}

void symtab_format(const struct symtab *st, uint64_t addr, char *out,
		   size_t outlen)
{
	uint64_t off;
	const char *name;

	if (outlen == 0)
		return;
	name = symtab_lookup_addr(st, addr, &off);
	if (!name)
		out[0] = '\0';
	else if (off)
		snprintf(out, outlen, "%s+0x%" PRIx64, name, off);
	else
		snprintf(out, outlen, "%s", name);
}

const char *symtab_complete(const struct symtab *st, const char *prefix,
			    size_t *iter)
{
	if (!st->finished)
		return NULL;
	size_t pos = *iter ? *iter - 1 : name_lower_bound(st, prefix);
	size_t plen = strlen(prefix);
	if (pos >= st->count || strncmp(name_of(st, pos), prefix, plen) != 0) {
		*iter = st->count + 1;
		return NULL;
	}
	const char *name = name_of(st, pos);
	while (pos < st->count && strcmp(name_of(st, pos), name) == 0)
		pos++;
	*iter = pos + 1;
	return name;
}

const char *symtab_at(const struct symtab *st, size_t index, uint64_t *addr,
		      char *type)
{
	if (!st->finished || index >= st->count)
		return NULL;
	const struct sym *s = &st->syms[index];
	if (addr)
		*addr = s->addr;
	if (type)
		*type = s->type;
	return st->arena + s->name;
}
