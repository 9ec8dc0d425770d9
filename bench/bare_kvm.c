// SPDX-License-Identifier: GPL-3.0-or-later
/* bare_kvm: the floor the benchmarks compare hvmon with. It does what a VMM
 * must do to run bench/guest/exitloop.elf and nothing else: one VM with the
 * in-kernel irqchip (as hvmon and QEMU have), one RAM slot, one vCPU, the
 * ELF's PT_LOAD segments, a PVH start_info with the command line, and a
 * KVM_RUN loop that completes port-I/O and MMIO exits by doing nothing,
 * until the guest's triple fault. No threads, no monitor, no statistics.
 *
 * Usage: bare_kvm ELF "CMDLINE"
 * Prints the userspace exits it saw: "bare_kvm: io=N mmio=M". */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAM_SIZE        (32u << 20)
#define START_INFO_ADDR 0x6000u   /* struct hvm_start_info */
#define CMDLINE_ADDR    0x7000u
#define TSS_ADDR        0xfffbd000u
#define XEN_HVM_START_MAGIC 0x336ec578u   /* Xen start_info.h */

static void die(const char *what)
{
	fprintf(stderr, "bare_kvm: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *what)
{
	fprintf(stderr, "bare_kvm: %s\n", what);
	exit(1);
}

/* Copy the PT_LOAD segments of a 32-bit ELF into RAM; returns the PVH
 * entry from the Xen note (type 18), or e_entry when there is none. */
static uint32_t load_elf32(const uint8_t *f, size_t size, uint8_t *ram)
{
	const Elf32_Ehdr *eh = (const void *)f;
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_phentsize != sizeof(Elf32_Phdr) ||
	    eh->e_phoff > size || (size - eh->e_phoff) / sizeof(Elf32_Phdr) < eh->e_phnum)
		fail("not a 32-bit ELF (bench/guest/exitloop.elf)");
	uint32_t entry = eh->e_entry;
	const Elf32_Phdr *ph = (const void *)(f + eh->e_phoff);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_offset > size || ph[i].p_filesz > size - ph[i].p_offset)
			fail("segment outside the file");
		if (ph[i].p_type == PT_LOAD) {
			if (ph[i].p_paddr >= RAM_SIZE || ph[i].p_memsz > RAM_SIZE - ph[i].p_paddr ||
			    ph[i].p_filesz > ph[i].p_memsz)
				fail("segment outside RAM");
			memcpy(ram + ph[i].p_paddr, f + ph[i].p_offset, ph[i].p_filesz);
		} else if (ph[i].p_type == PT_NOTE && ph[i].p_filesz >= 20) {
			const uint32_t *n = (const void *)(f + ph[i].p_offset);
			if (n[0] == 4 && n[1] == 4 && n[2] == 18 && !memcmp(&n[3], "Xen", 4))
				entry = n[4];
		}
	}
	return entry;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		fail("usage: bare_kvm ELF CMDLINE");
	int ffd = open(argv[1], O_RDONLY);
	struct stat st;
	if (ffd < 0 || fstat(ffd, &st) < 0)
		die(argv[1]);
	uint8_t *file = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, ffd, 0);
	if (file == MAP_FAILED)
		die("mmap kernel");

	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm");
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	if (ioctl(vm, KVM_SET_TSS_ADDR, TSS_ADDR) < 0)
		die("KVM_SET_TSS_ADDR");
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		die("KVM_CREATE_IRQCHIP");
	uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap RAM");
	struct kvm_userspace_memory_region slot = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = RAM_SIZE,
		.userspace_addr = (uintptr_t)ram,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		die("KVM_SET_USER_MEMORY_REGION");

	uint32_t entry = load_elf32(file, (size_t)st.st_size, ram);
	size_t len = strlen(argv[2]);
	if (len >= 4096)
		fail("command line too long");
	memcpy(ram + CMDLINE_ADDR, argv[2], len + 1);
	/* struct hvm_start_info (Xen start_info.h): magic, version, flags,
	 * nr_modules, modlist_paddr, cmdline_paddr at offset 24. */
	uint32_t *si = (uint32_t *)(void *)(ram + START_INFO_ADDR);
	si[0] = XEN_HVM_START_MAGIC;
	si[1] = 1;
	si[6] = CMDLINE_ADDR;

	int cpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (cpu < 0)
		die("KVM_CREATE_VCPU");
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < 0)
		die("KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, cpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	struct kvm_cpuid2 *cpuid = calloc(1, sizeof(*cpuid) + 100 * sizeof(struct kvm_cpuid_entry2));
	if (!cpuid)
		fail("out of memory");
	cpuid->nent = 100;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) < 0 || ioctl(cpu, KVM_SET_CPUID2, cpuid) < 0)
		die("CPUID");

	/* The PVH ABI's entry state (Xen docs/misc/pvh.pandoc): 32-bit
	 * protected mode, paging off, flat CS/DS/ES/SS, EBX = start_info. */
	struct kvm_sregs sr;
	if (ioctl(cpu, KVM_GET_SREGS, &sr) < 0)
		die("KVM_GET_SREGS");
	struct kvm_segment code = { .base = 0, .limit = 0xffffffff, .selector = 0x10, .type = 11,
				    .present = 1, .s = 1, .db = 1, .g = 1 };
	struct kvm_segment data = code;
	data.type = 3;
	data.selector = 0x18;
	sr.cs = code;
	sr.ds = sr.es = sr.ss = sr.fs = sr.gs = data;
	sr.cr0 = 0x11;   /* PE, ET */
	if (ioctl(cpu, KVM_SET_SREGS, &sr) < 0)
		die("KVM_SET_SREGS");
	struct kvm_regs r = { .rip = entry, .rbx = START_INFO_ADDR, .rflags = 2 };
	if (ioctl(cpu, KVM_SET_REGS, &r) < 0)
		die("KVM_SET_REGS");

	unsigned long io = 0, mmio = 0;
	for (;;) {
		if (ioctl(cpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("KVM_RUN");
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			io++;
			continue;
		case KVM_EXIT_MMIO:
			mmio++;
			continue;
		case KVM_EXIT_SHUTDOWN:
			printf("bare_kvm: io=%lu mmio=%lu\n", io, mmio);
			return 0;
		default:
			fprintf(stderr, "bare_kvm: exit reason %u\n", run->exit_reason);
			return 1;
		}
	}
}
