// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/vcpu_mem.h"

#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/vcpu.h"

#define PAGE_SIZE 4096ULL

int vcpu_translate(struct vcpu *v, uint64_t gva, uint64_t *gpa)
{
	struct kvm_translation tr = { .linear_address = gva };
	if (ioctl(v->fd, KVM_TRANSLATE, &tr) < 0 || !tr.valid)
		return -1;
	*gpa = tr.physical_address;
	return 0;
}

size_t vcpu_read_virt(struct vcpu *v, uint64_t gva, void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		uint64_t gpa, addr = gva + done;
		size_t chunk = (size_t)(PAGE_SIZE - (addr & (PAGE_SIZE - 1)));
		if (chunk > len - done)
			chunk = len - done;
		if (vcpu_translate(v, addr, &gpa) < 0 ||
		    gmem_read(&v->vm->mem, gpa, (uint8_t *)buf + done, chunk) < 0)
			break;
		done += chunk;
	}
	return done;
}

int vcpu_read_virt_byte(struct vcpu *v, uint64_t gva, uint8_t *out)
{
	return vcpu_read_virt(v, gva, out, 1) == 1 ? 0 : -1;
}
