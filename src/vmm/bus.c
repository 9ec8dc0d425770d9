// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/bus.h"

#include <string.h>

void bus_init(struct bus *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->name = name;
}

int bus_register(struct bus *b, uint64_t base, uint64_t len, bus_io_fn fn,
		 void *opaque, const char *name)
{
	if (len == 0 || base + len < base || b->nranges == BUS_MAX_RANGES)
		return -1;
	int at = 0;
	while (at < b->nranges && b->range[at].base < base)
		at++;
	if (at > 0 && b->range[at - 1].base + b->range[at - 1].len > base)
		return -1;
	if (at < b->nranges && base + len > b->range[at].base)
		return -1;
	memmove(&b->range[at + 1], &b->range[at],
		(size_t)(b->nranges - at) * sizeof(b->range[0]));
	b->range[at] = (struct bus_range){ .base = base, .len = len, .fn = fn,
					   .opaque = opaque, .name = name };
	b->nranges++;
	return 0;
}

const struct bus_range *bus_find(const struct bus *b, uint64_t addr)
{
	int lo = 0, hi = b->nranges - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		const struct bus_range *r = &b->range[mid];
		if (addr < r->base)
			hi = mid - 1;
		else if (addr - r->base >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

bool bus_dispatch(struct bus *b, uint64_t addr, void *data, unsigned len,
		  bool is_write)
{
	struct bus_range *r = (struct bus_range *)bus_find(b, addr);
	if (!r) {
		atomic_fetch_add_explicit(&b->unclaimed, 1, memory_order_relaxed);
		atomic_store_explicit(&b->last_unclaimed, addr, memory_order_relaxed);
		if (!is_write)
			memset(data, 0xff, len);
		return false;
	}
	atomic_fetch_add_explicit(&r->accesses, 1, memory_order_relaxed);
	r->fn(r->opaque, addr - r->base, data, len, is_write);
	return true;
}
