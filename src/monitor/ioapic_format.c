// SPDX-License-Identifier: GPL-3.0-or-later
/* `info ioapic`: the in-kernel IOAPIC's redirection table in words. The
 * entry layout is the 82093AA datasheet's (3.2.4, "IOREDTBL"): vector
 * 7:0, delivery mode 10:8, destination mode 11, delivery status 12,
 * polarity 13, remote IRR 14, trigger mode 15, mask 16, destination 63:56;
 * KVM's struct kvm_ioapic_state mirrors it as bit-fields. */
#include <stdint.h>

#include "monitor/apic_format.h"

static const char *const delivery_modes[8] = {
	"fixed", "lowest-priority", "SMI", "reserved3", "NMI", "INIT", "reserved6", "ExtINT",
};

void ioapic_format(FILE *f, const struct kvm_ioapic_state *s)
{
	fprintf(f, "ioapic id=%u base=0x%llx irr=0x%08x pins=%d\n", s->id,
		(unsigned long long)s->base_address, s->irr, KVM_IOAPIC_NUM_PINS);
	for (int pin = 0; pin < KVM_IOAPIC_NUM_PINS; pin++) {
		uint64_t e = s->redirtbl[pin].bits;
		fprintf(f, "pin=%d vector=0x%02x delivery=%s dest_mode=%s dest=0x%02x trigger=%s "
			   "polarity=%s masked=%s remote_irr=%u pending=%s\n", pin,
			(unsigned)(e & 0xff), delivery_modes[(e >> 8) & 7],
			e & (1ull << 11) ? "logical" : "physical", (unsigned)(e >> 56),
			e & (1ull << 15) ? "level" : "edge", e & (1ull << 13) ? "low" : "high",
			e & (1ull << 16) ? "yes" : "no", (unsigned)((e >> 14) & 1),
			e & (1ull << 12) ? "yes" : "no");
	}
}
