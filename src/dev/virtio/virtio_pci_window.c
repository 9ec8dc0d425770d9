// SPDX-License-Identifier: GPL-3.0-or-later
/* The PCI memory window dispatcher and allocator (virtio_pci_window.h). */
#include "dev/virtio/virtio_pci_window.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct window_bar {
	uint64_t size;
	uint64_t base;     /* valid when decode */
	bool decode;
	bus_io_fn fn;
	void *opaque;
};

struct pci_window {
	uint64_t base, size;
	uint64_t next;             /* allocation cursor, offset in the window */
	int next_slot;
	pthread_mutex_t lock;      /* guards bar[] */
	int nbars;
	struct window_bar bar[PCI_WINDOW_MAX_BARS];
};

static bool pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

struct pci_window *pci_window_new(uint64_t base, uint64_t size)
{
	struct pci_window *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->base = base;
	w->size = size;
	w->next_slot = PCI_WINDOW_FIRST_SLOT;
	pthread_mutex_init(&w->lock, NULL);
	return w;
}

void pci_window_free(struct pci_window *w)
{
	if (!w)
		return;
	pthread_mutex_destroy(&w->lock);
	free(w);
}

uint64_t pci_window_base(const struct pci_window *w)
{
	return w->base;
}

uint64_t pci_window_size(const struct pci_window *w)
{
	return w->size;
}

int pci_window_alloc_slot(struct pci_window *w)
{
	if (w->next_slot >= PCI_WINDOW_NR_SLOTS)
		return -1;
	return w->next_slot++;
}

uint64_t pci_window_alloc(struct pci_window *w, uint64_t size)
{
	uint64_t addr;

	if (!pow2(size) || size < 16)
		return 0;
	addr = (w->base + w->next + size - 1) & ~(size - 1);
	if (addr < w->base || addr - w->base > w->size ||
	    size > w->size - (addr - w->base))
		return 0;
	w->next = addr + size - w->base;
	return addr;
}

int pci_window_add_bar(struct pci_window *w, uint64_t size, bus_io_fn fn,
		       void *opaque)
{
	int h = -1;

	if (!pow2(size) || !fn)
		return -1;
	pthread_mutex_lock(&w->lock);
	if (w->nbars < PCI_WINDOW_MAX_BARS) {
		h = w->nbars++;
		w->bar[h] = (struct window_bar){ .size = size, .fn = fn,
						 .opaque = opaque };
	}
	pthread_mutex_unlock(&w->lock);
	return h;
}

bool pci_window_map_bar(struct pci_window *w, int handle, uint64_t base,
			bool decode)
{
	struct window_bar *b;
	bool ok;

	if (handle < 0 || handle >= w->nbars)
		return false;
	pthread_mutex_lock(&w->lock);
	b = &w->bar[handle];
	/* Every guest value is hostile: the whole BAR must lie inside the
	 * window (no wrap) and be naturally aligned. */
	ok = decode && base >= w->base && !(base & (b->size - 1)) &&
	     base - w->base <= w->size && b->size <= w->size - (base - w->base);
	b->decode = ok;
	b->base = ok ? base : 0;
	pthread_mutex_unlock(&w->lock);
	return ok;
}

void pci_window_io(void *opaque, uint64_t offset, void *data, unsigned len,
		   bool is_write)
{
	struct pci_window *w = opaque;
	uint64_t addr = w->base + offset;
	bus_io_fn fn = NULL;
	void *dev = NULL;
	uint64_t rel = 0;

	/* Copy the owner out and call it unlocked: BAR moves (config
	 * writes) take device locks before this one. The first decoding
	 * BAR wins when a guest overlaps two. */
	pthread_mutex_lock(&w->lock);
	for (int i = 0; i < w->nbars && !fn; i++) {
		const struct window_bar *b = &w->bar[i];

		if (b->decode && addr >= b->base && addr - b->base < b->size &&
		    len <= b->size - (addr - b->base)) {
			fn = b->fn;
			dev = b->opaque;
			rel = addr - b->base;
		}
	}
	pthread_mutex_unlock(&w->lock);
	if (fn)
		fn(dev, rel, data, len, is_write);
	else if (!is_write)
		memset(data, 0xff, len);
}
