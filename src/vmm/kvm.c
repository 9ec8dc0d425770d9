// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define CAP(c, why) { #c, KVM_CAP_##c, why }
const struct kvm_cap_info kvm_caps_of_interest[] = {
	CAP(IRQCHIP, "in-kernel PIC, IOAPIC and LAPIC"),
	CAP(PIT2, "in-kernel i8254 timer"),
	CAP(USER_MEMORY, "guest RAM from host mappings"),
	CAP(SET_TSS_ADDR, "real-mode TSS placement"),
	CAP(SET_IDENTITY_MAP_ADDR, "EPT identity map placement"),
	CAP(EXT_CPUID, "KVM_GET_SUPPORTED_CPUID"),
	CAP(MP_STATE, "vCPU halted/runnable state"),
	CAP(IMMEDIATE_EXIT, "race-free vCPU kick for pause"),
	CAP(SYNC_REGS, "registers without ioctls on every step"),
	CAP(SET_GUEST_DEBUG, "single-step and software breakpoints"),
	CAP(SET_GUEST_DEBUG2, "guest-debug flags (BLOCKIRQ) supported"),
	CAP(GUEST_DEBUG_HW_BPS, "debug registers lent (arm64 only; 0 on every x86 host)"),
	CAP(X86_ROBUST_SINGLESTEP, "single-step over emulated instructions"),
	CAP(DEBUGREGS, "DR0-DR7 access"),
	CAP(VCPU_EVENTS, "pending exceptions, NMI, interrupt shadow"),
	CAP(XSAVE, "FPU/SSE/AVX state"),
	CAP(XCRS, "XCR0"),
	CAP(KVMCLOCK_CTRL, "tell the guest it was paused"),
	CAP(IOEVENTFD, "device kicks absorbed in the kernel"),
	CAP(IRQFD, "interrupts raised from the I/O thread"),
	CAP(IRQ_ROUTING, "GSI routing for MSI"),
	CAP(SIGNAL_MSI, "MSI injection"),
	CAP(COALESCED_MMIO, "batched MMIO writes"),
	CAP(READONLY_MEM, "ROM regions"),
	CAP(TSC_DEADLINE_TIMER, "LAPIC TSC-deadline mode"),
	CAP(X2APIC_API, "x2APIC IDs"),
	CAP(NR_VCPUS, "recommended vCPU count"),
	CAP(MAX_VCPUS, "maximum vCPU count"),
	CAP(EXIT_ON_EMULATION_FAILURE, "instruction bytes on emulation failure"),
};
#undef CAP
const int kvm_ncaps_of_interest =
	(int)(sizeof(kvm_caps_of_interest) / sizeof(kvm_caps_of_interest[0]));

int kvm_check_cap(int fd, int cap)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);
	return r < 0 ? 0 : r;
}

int kvm_open(char *err, size_t errlen)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open /dev/kvm: %s", strerror(errno));
		return -1;
	}
	int api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		snprintf(err, errlen, "/dev/kvm speaks API version %d, hvmon needs %d",
			 api, KVM_API_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

int kvm_probe_print(FILE *out)
{
	char err[256];
	int fd = kvm_open(err, sizeof(err));
	if (fd < 0) {
		fprintf(out, "hvmon: %s\n", err);
		return 1;
	}
	fprintf(out, "api_version=%d\n", ioctl(fd, KVM_GET_API_VERSION, 0));
	fprintf(out, "vcpu_mmap_size=%d\n", ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0));
	for (int i = 0; i < kvm_ncaps_of_interest; i++) {
		const struct kvm_cap_info *c = &kvm_caps_of_interest[i];
		fprintf(out, "%s=%d\t# %s\n", c->name, kvm_check_cap(fd, c->cap), c->why);
	}
	close(fd);
	return 0;
}

bool kvm_host_is_pvm(void)
{
	return access("/sys/module/kvm_pvm", F_OK) == 0;
}
