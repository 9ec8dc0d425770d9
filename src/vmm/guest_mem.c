// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/guest_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#define GMEM_SMALL_PAGES (2ull << 20)   /* one huge page */

int gmem_init(struct guest_mem *m, uint64_t ram_size)
{
	memset(m, 0, sizeof(*m));
	if (ram_size == 0)
		return -EINVAL;
	void *p = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	/* Transparent huge pages cut the guest's TLB misses on real hosts,
	 * but not in the first 2 MiB, where the loaders write their small
	 * structures (start_info, command line, boot page tables) and a
	 * small guest has its whole image: there one huge page would add
	 * 2 MiB to the resident size of every run, even on a host whose THP
	 * setting is "always" (Debian's kernel). */
	uint64_t small = ram_size < GMEM_SMALL_PAGES ? ram_size : GMEM_SMALL_PAGES;
	madvise(p, small, MADV_NOHUGEPAGE);
	if (ram_size > small)
		madvise((uint8_t *)p + small, ram_size - small, MADV_HUGEPAGE);
	m->mapping = p;
	m->mapping_size = ram_size;
	m->ram_size = ram_size;

	uint64_t low = ram_size < GMEM_MMIO_HOLE_START ? ram_size : GMEM_MMIO_HOLE_START;
	m->region[0] = (struct gmem_region){ .gpa = 0, .size = low, .hva = p };
	m->nregions = 1;
	if (ram_size > low) {
		m->region[1] = (struct gmem_region){
			.gpa = GMEM_4G, .size = ram_size - low, .hva = (uint8_t *)p + low };
		m->nregions = 2;
	}
	return 0;
}

void gmem_free(struct guest_mem *m)
{
	if (m->mapping)
		munmap(m->mapping, m->mapping_size);
	memset(m, 0, sizeof(*m));
}

void *gmem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	if (len == 0)
		len = 1;
	for (int i = 0; i < m->nregions; i++) {
		const struct gmem_region *r = &m->region[i];
		/* Written so that no sum can overflow: gpa and len are guest data. */
		if (gpa >= r->gpa && gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa))
			return r->hva + (gpa - r->gpa);
	}
	return NULL;
}

/* Walks region by region so a range crossing from one region into an
 * adjacent one still works; any gap fails the whole copy. */
static int gmem_copy(const struct guest_mem *m, uint64_t gpa, void *buf,
		     uint64_t len, int to_guest)
{
	uint8_t *b = buf;
	while (len > 0) {
		const struct gmem_region *r = NULL;
		for (int i = 0; i < m->nregions; i++)
			if (gpa >= m->region[i].gpa && gpa - m->region[i].gpa < m->region[i].size)
				r = &m->region[i];
		if (!r)
			return -1;
		uint64_t off = gpa - r->gpa;
		uint64_t n = r->size - off < len ? r->size - off : len;
		if (to_guest)
			memcpy(r->hva + off, b, n);
		else
			memcpy(b, r->hva + off, n);
		b += n;
		len -= n;
		if (len && gpa + n < gpa)
			return -1;
		gpa += n;
	}
	return 0;
}

int gmem_read(const struct guest_mem *m, uint64_t gpa, void *buf, uint64_t len)
{
	return gmem_copy(m, gpa, buf, len, 0);
}

int gmem_write(const struct guest_mem *m, uint64_t gpa, const void *buf, uint64_t len)
{
	return gmem_copy(m, gpa, (void *)buf, len, 1);
}

uint64_t gmem_low_end(const struct guest_mem *m)
{
	return m->nregions ? m->region[0].gpa + m->region[0].size : 0;
}
