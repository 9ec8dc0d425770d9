// SPDX-License-Identifier: GPL-3.0-or-later
/* Guest-virtual reads that fall back to the kernel image's placement (see
 * image_read.h). */
#include "monitor/image_read.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_mem.h"

/* The physical address the loader put virtual address va at, and how many
 * bytes of that segment follow; false outside every segment. */
static bool image_gpa(const struct monitor *mon, uint64_t va, uint64_t *gpa, uint64_t *left)
{
	const struct boot_info *b = &mon->m->boot;
	for (int i = 0; i < b->nimage_maps; i++) {
		const struct image_map *m = &b->image_map[i];
		if (m->vaddr != m->paddr && va >= m->vaddr && va - m->vaddr < m->size) {
			*gpa = m->paddr + (va - m->vaddr);
			*left = m->size - (va - m->vaddr);
			return true;
		}
	}
	return false;
}

size_t image_read_virt(struct monitor *mon, struct vcpu *v, uint64_t addr, void *buf, size_t len,
		       uint64_t *alias)
{
	uint8_t *out = buf;
	size_t done = vcpu_read_virt(v, addr, out, len);
	*alias = 0;
	while (done < len) {
		uint64_t gpa, left, probe;
		/* Only where the page tables give no RAM (not mapped, or
		 * paging off and the address beyond RAM): never in place of a
		 * mapping the guest has made. */
		if ((vcpu_translate(v, addr + done, &probe) == 0 &&
		     gmem_ptr(&mon->m->vm.mem, probe, 1)) ||
		    !image_gpa(mon, addr + done, &gpa, &left))
			break;
		size_t n = len - done < left ? len - done : (size_t)left;
		if (gmem_read(&mon->m->vm.mem, gpa, out + done, n) < 0)
			break;
		if (!*alias)
			*alias = gpa;
		done += n;
	}
	return done;
}
