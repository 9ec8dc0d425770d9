/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Guest-virtual memory as a vCPU sees it. The vCPU must be parked. */
#ifndef HVMON_VCPU_MEM_H
#define HVMON_VCPU_MEM_H

#include <stddef.h>
#include <stdint.h>

struct vcpu;

/* Linear address -> guest-physical through the vCPU's current paging
 * (KVM_TRANSLATE). 0, or -1 when not mapped. */
int vcpu_translate(struct vcpu *v, uint64_t gva, uint64_t *gpa);

/* Copy len bytes from guest-virtual gva, page by page. Returns the number
 * of bytes copied before the first unmapped or non-RAM page. */
size_t vcpu_read_virt(struct vcpu *v, uint64_t gva, void *buf, size_t len);

/* One byte at guest-virtual gva: 0, or -1 when unmapped. */
int vcpu_read_virt_byte(struct vcpu *v, uint64_t gva, uint8_t *out);

#endif
