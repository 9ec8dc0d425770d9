// SPDX-License-Identifier: GPL-3.0-or-later
/* Putting the boot vCPU into the state a loader's boot_entry describes. */
#include "boot/boot.h"

#include <errno.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "boot/boot_layout.h"

/* Control-register and EFER bits (Intel SDM vol. 3, "Control Registers",
 * "IA32_EFER"). */
#define CR0_PE   (1ULL << 0)
#define CR0_ET   (1ULL << 4)
#define CR0_PG   (1ULL << 31)
#define CR4_PAE  (1ULL << 5)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

/* The busy-TSS type; PVH (docs/misc/pvh.pandoc) asks for "a 32-bit TSS
 * (active) with a base of 0 and a limit of 0x67", and VM entry wants a
 * usable busy TSS in long mode too. */
#define SEG_TYPE_TSS_BUSY 0xb
#define TSS_LIMIT         0x67

/* A flat ring-0 segment matching the descriptor boot_write_gdt() put at
 * selector sel. */
static struct kvm_segment flat_segment(uint16_t sel, uint8_t type, int db, int l)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = (uint8_t)db, .s = 1, .l = (uint8_t)l,
		.g = 1,
	};
}

static void set_sregs(struct kvm_sregs *s, const struct boot_entry *e)
{
	int long64 = e->mode == BOOT_MODE_LONG64;

	/* boot.rst "64-bit Boot Protocol": CS = __BOOT_CS, DS/ES/SS =
	 * __BOOT_DS, both 4 GiB flat. PVH: CS flat 32-bit code, DS/ES/SS flat
	 * data. FS and GS get the data segment too rather than reset junk. */
	s->cs = long64 ? flat_segment(BOOT_SEL_CODE64, BOOT_SEG_TYPE_CODE, 0, 1)
		       : flat_segment(BOOT_SEL_CODE32, BOOT_SEG_TYPE_CODE, 1, 0);
	s->ds = flat_segment(BOOT_SEL_DATA, BOOT_SEG_TYPE_DATA, 1, 0);
	s->es = s->ds;
	s->fs = s->ds;
	s->gs = s->ds;
	s->ss = s->ds;
	s->tr = (struct kvm_segment){
		.base = 0, .limit = TSS_LIMIT, .selector = 0,
		.type = SEG_TYPE_TSS_BUSY, .present = 1,
	};
	s->gdt.base = e->gdt_base;
	s->gdt.limit = e->gdt_limit;

	/* PVH (docs/misc/pvh.pandoc): "cr0: bit 0 (PE) must be set. All the
	 * other writeable bits are cleared." ET is not writable: it is fixed
	 * at 1 since the P6 (SDM vol. 3A 2.5, "Control Registers"), so a CPU
	 * reads PE|ET. NE, WP, AM, CD, NW stay clear (caches on); the kernel
	 * sets the ones it wants. The 64-bit boot protocol (boot.rst) asks
	 * for nothing more in CR0 than protected mode with paging on. */
	s->cr0 = CR0_PE | CR0_ET;
	s->cr4 = 0;
	s->efer = 0;
	if (long64) {
		s->cr0 |= CR0_PG;
		s->cr4 |= CR4_PAE;
		s->efer |= EFER_LME | EFER_LMA;
		s->cr3 = e->cr3;
	}
}

int boot_entry_apply(int vcpu_fd, const struct boot_entry *entry)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	set_sregs(&sregs, entry);
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return -errno;

	if (ioctl(vcpu_fd, KVM_GET_REGS, &regs) < 0)
		return -errno;
	/* Bit 1 is reserved and always 1; IF, TF and VM clear (both
	 * protocols enter with interrupts disabled). */
	regs.rflags = 0x2;
	regs.rip = entry->rip;
	regs.rsi = entry->rsi;
	regs.rbx = entry->rbx;
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}
