// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/cpuid_topology.h"

#define CPUID_1_EDX_HTT (1u << 28)   /* SDM vol. 2A, CPUID 01H EDX bit 28 */

/* Extended topology level types (SDM vol. 2A, CPUID 0BH, ECX[15:8]). */
#define TOPO_TYPE_INVALID 0
#define TOPO_TYPE_SMT     1
#define TOPO_TYPE_CORE    2

unsigned cpuid_id_bits(unsigned n)
{
	unsigned bits = 0;
	while (bits < 32 && (1ull << bits) < n)
		bits++;
	return bits;
}

static unsigned min_u(unsigned a, unsigned b)
{
	return a < b ? a : b;
}

/* Leaf 0BH / 1FH sub-leaf: level 0 is SMT (one thread per core, so the
 * next level starts at shift 0), level 1 the cores of the package (shift
 * = the APIC ID bits), every later one invalid. EDX is always the
 * x2APIC ID; ECX[7:0] echoes the sub-leaf. */
static void topology_level(struct kvm_cpuid_entry2 *e, unsigned apic_id, unsigned ncpus)
{
	unsigned level = e->index;
	e->edx = apic_id;
	if (level == 0) {
		e->eax = 0;
		e->ebx = 1;
		e->ecx = level | TOPO_TYPE_SMT << 8;
	} else if (level == 1) {
		e->eax = cpuid_id_bits(ncpus);
		e->ebx = ncpus & 0xffff;
		e->ecx = level | TOPO_TYPE_CORE << 8;
	} else {
		e->eax = 0;
		e->ebx = 0;
		e->ecx = (level & 0xff) | TOPO_TYPE_INVALID << 8;
	}
}

void cpuid_set_topology(struct kvm_cpuid_entry2 *e, unsigned nent, unsigned apic_id,
			unsigned ncpus)
{
	unsigned bits = cpuid_id_bits(ncpus);
	for (unsigned i = 0; i < nent; i++) {
		struct kvm_cpuid_entry2 *c = &e[i];
		switch (c->function) {
		case 1:
			/* EBX[31:24] initial APIC ID; EBX[23:16] the addressable
			 * logical IDs in the package (a power of two covering
			 * the APIC IDs, 8 bits wide), valid with HTT (EDX 28). */
			c->ebx = (c->ebx & 0x0000ffffu) | (apic_id & 0xff) << 24 |
				 min_u(1u << bits, 255) << 16;
			if (ncpus > 1)
				c->edx |= CPUID_1_EDX_HTT;
			else
				c->edx &= ~CPUID_1_EDX_HTT;
			break;
		case 4:
			/* EAX[31:26] addressable core IDs - 1; EAX[25:14] logical
			 * CPUs sharing this cache - 1: levels 1 and 2 per core,
			 * level 3 and up the whole package. EAX[4:0] = 0 is the
			 * end of the cache list; leave that entry alone. */
			if ((c->eax & 0x1f) == 0)
				break;
			c->eax &= 0x00003fffu;
			c->eax |= (min_u(1u << bits, 64) - 1) << 26;
			if (((c->eax >> 5) & 7) >= 3)
				c->eax |= (min_u(1u << bits, 4096) - 1) << 14;
			break;
		case 0xb:
		case 0x1f:
			topology_level(c, apic_id, ncpus);
			break;
		case 0x80000008:
			/* AMD APM vol. 3, CPUID Fn8000_0008 ECX: [7:0] NC, cores
			 * in the package - 1; [15:12] ApicIdSize, the APIC ID
			 * bits that number them. */
			c->ecx = (c->ecx & ~0xf0ffu) | ((ncpus - 1) & 0xff) | (bits & 0xf) << 12;
			break;
		case 0x8000001e:
			/* AMD Fn8000_001E: EAX the extended APIC ID, EBX[7:0]
			 * the core ID, EBX[15:8] threads per core - 1 (0). */
			c->eax = apic_id;
			c->ebx = (c->ebx & ~0xffffu) | (apic_id & 0xff);
			break;
		}
	}
}
