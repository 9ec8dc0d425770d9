// SPDX-License-Identifier: GPL-3.0-or-later
/* exit=ring3loop: leave ring 0 for good and spin in ring 3, where the
 * project's KVM runs guest code natively (docs/design.md 1 and 4), so that the
 * debugger tests can pause a vCPU that is busy in user mode.
 *
 * What ring 3 needs (Intel SDM vol. 3, "Privilege Levels", "Task
 * Management in 64-bit Mode", "Paging"): user code and data descriptors of
 * DPL 3 in the GDT; a 64-bit TSS whose RSP0 gives an interrupt or exception
 * from ring 3 a ring-0 stack; the U/S bit at every level of the walk for
 * the pages ring 3 touches. Interrupts stay off (RFLAGS.IF = 0), so no IDT
 * is needed; there is no way back to ring 0 by design (the VMM pauses the
 * vCPU from outside). */
#include "guest.h"

/* Selectors in Linux's 64-bit GDT layout (arch/x86/include/asm/segment.h:
 * KERNEL_CS 2, KERNEL_DS 3, DEFAULT_USER32_CS 4, DEFAULT_USER_DS 5,
 * DEFAULT_USER_CS 6, TSS 8), the one a hypervisor is most likely to have
 * met in user mode. Kernel CS/DS keep the boot protocols' 0x10/0x18. */
#define GDT_KERNEL_CS   2
#define GDT_KERNEL_DS   3
#define GDT_USER32_CS   4
#define GDT_USER_DS     5
#define GDT_USER_CS     6
#define GDT_TSS         8       /* 16 bytes: entries 8 and 9 */
#define GDT_ENTRIES     10
#define RPL3            3
#define SEL_KERNEL_DS   (GDT_KERNEL_DS * 8)
#define SEL_USER_DS     (GDT_USER_DS * 8 | RPL3)    /* 0x2b */
#define SEL_USER_CS     (GDT_USER_CS * 8 | RPL3)    /* 0x33 */
#define SEL_TSS         (GDT_TSS * 8)               /* 0x40 */
#define SEL_KERNEL_CS   (GDT_KERNEL_CS * 8)         /* 0x10 */
/* The same, spelled out for the assembly below (checked against them). */
#define SEL_KERNEL_DS_VAL 0x18
#define SEL_USER_DS_VAL   0x2b
#define SEL_USER_CS_VAL   0x33
_Static_assert(SEL_KERNEL_DS_VAL == SEL_KERNEL_DS && SEL_USER_DS_VAL == SEL_USER_DS &&
	       SEL_USER_CS_VAL == SEL_USER_CS, "selectors");
#define STR_(x) #x
#define STR(x)  STR_(x)

/* Segment descriptors (SDM vol. 3, "Segment Descriptors"): flat, limit
 * 0xfffff with G; access byte P | DPL | S | type; L for 64-bit code. */
#define DESC_KERNEL_CS64 0x00af9a000000ffffULL      /* DPL 0, execute/read, L */
#define DESC_KERNEL_DS   0x00cf92000000ffffULL      /* DPL 0, read/write */
#define DESC_USER_CS32   0x00cffa000000ffffULL      /* DPL 3, execute/read, D */
#define DESC_USER_DS     0x00cff2000000ffffULL      /* DPL 3, read/write */
#define DESC_USER_CS64   0x00affa000000ffffULL      /* DPL 3, execute/read, L */
#define DESC_TSS_AVAIL   0x89ULL                    /* P, DPL 0, type 9: 64-bit TSS */

#define RFLAGS_FIXED     0x2    /* bit 1 always set; IF, IOPL, TF all 0 */
#define CR4_SMEP         (1ULL << 20)
#define CR4_SMAP         (1ULL << 21)
#define PAGE_2M          0x200000ULL

/* The 64-bit TSS (SDM vol. 3, "Task-State Segment (TSS)" in 64-bit mode). */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

volatile uint64_t user_counter;

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t ring0_stack[4096] __attribute__((aligned(16)));
static uint8_t user_stack[4096] __attribute__((aligned(16)));

/* user_loop is assembly so that its code is the same with gcc and clang:
 * one read-modify-write of user_counter and a jump, no stack, no calls.
 * A vCPU stopped anywhere in it has user_counter up to date in memory. */
__asm__(".pushsection .text.user_loop, \"ax\"\n"
	".globl user_loop\n"
	".type user_loop, @function\n"
	".balign 16\n"
	"user_loop:\n"
	"1:	addq $1, user_counter(%rip)\n"
	"	jmp 1b\n"
	"user_loop_end:\n"
	".size user_loop, . - user_loop\n"
	".popsection\n");
extern const char user_loop_end[];

/* Let ring 3 at every 2 MiB page of [addr, addr + len): the U/S bit must
 * be set at every level of the walk (SDM vol. 3, "Access Rights"). */
static void allow_user(uint64_t addr, uint64_t len)
{
	for (uint64_t a = addr & ~(PAGE_2M - 1); a < addr + len; a += PAGE_2M) {
		pdpt[a >> 30] |= PTE_US;
		pd[a >> 30][(a >> 21) & 511] |= PTE_US;
	}
	pml4[0] |= PTE_US;
}

void ring3_allow(uint64_t addr, uint64_t len)
{
	allow_user(addr, len);
	/* Reloading CR3 flushes the old translations. */
	__asm__ volatile("mov %0, %%cr3" : : "r"(pml4) : "memory");
}

/* The TSS and the GDT with user segments, filled; CR4.SMEP and SMAP
 * off (README.md, "Ring 3", steps 1 and 2). */
static void ring3_tables(void)
{
	uint64_t base = (uintptr_t)&tss, cr4;

	tss.rsp[0] = (uintptr_t)(ring0_stack + sizeof(ring0_stack));
	tss.iomap_base = sizeof(tss);   /* no I/O bitmap: ring 3 has no ports */

	gdt[GDT_KERNEL_CS] = DESC_KERNEL_CS64;
	gdt[GDT_KERNEL_DS] = DESC_KERNEL_DS;
	gdt[GDT_USER32_CS] = DESC_USER_CS32;
	gdt[GDT_USER_DS] = DESC_USER_DS;
	gdt[GDT_USER_CS] = DESC_USER_CS64;
	/* System descriptor: limit, base 23:0, access, base 31:24; then
	 * base 63:32 (SDM vol. 3, "TSS Descriptor in 64-bit mode"). */
	gdt[GDT_TSS] = (sizeof(tss) - 1) | (base & 0xffffff) << 16 |
		       DESC_TSS_AVAIL << 40 | (base >> 24 & 0xff) << 56;
	gdt[GDT_TSS + 1] = base >> 32;

	/* Ring-0 code shares the 2 MiB pages ring 3 is let at: no SMEP or
	 * SMAP (the guest never sets them; a VMM might have). */
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (cr4 & (CR4_SMEP | CR4_SMAP))
		__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~(CR4_SMEP | CR4_SMAP)));
}

/* The GDT, SS, the data segments and the TSS loaded (step 4). Ring 0
 * goes on running after it. */
static void ring3_load(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} gdtr = { sizeof(gdt) - 1, (uintptr_t)gdt };

	/* CS 0x10 and SS 0x18 mean the same in the new GDT as in the old.
	 * DS, ES, FS and GS get the user data segment now: an iretq to
	 * ring 3 would null them if their DPL were 0 (SDM vol. 3, IRET), and
	 * not every KVM does; this way they read 0x2b on every host. */
	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ss\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%fs\n\t"
			 "mov %2, %%gs\n\t"
			 "ltr %w3"
			 : : "m"(gdtr), "r"(SEL_KERNEL_DS), "r"(SEL_USER_DS),
			     "r"(SEL_TSS) : "memory");
}

void enter_ring3(void)
{
	ring3_tables();
	allow_user((uintptr_t)user_loop, (uintptr_t)user_loop_end - (uintptr_t)user_loop);
	allow_user((uintptr_t)&user_counter, sizeof(user_counter));
	allow_user((uintptr_t)user_stack, sizeof(user_stack));
	/* Reloading CR3 flushes the old translations. */
	__asm__ volatile("mov %0, %%cr3" : : "r"(pml4) : "memory");
	ring3_load();

	/* The frame iretq pops: RIP, CS, RFLAGS, RSP, SS. */
	__asm__ volatile("pushq %0\n\t"
			 "pushq %1\n\t"
			 "pushq %2\n\t"
			 "pushq %3\n\t"
			 "pushq %4\n\t"
			 "iretq"
			 : : "i"(SEL_USER_DS),
			     "r"((uintptr_t)(user_stack + sizeof(user_stack))),
			     "i"(RFLAGS_FIXED), "i"(SEL_USER_CS),
			     "r"((uintptr_t)user_loop)
			 : "memory");
	__builtin_unreachable();
}

/* ring3_call (virtiobenchring=3): a function run in ring 3 that comes
 * back. The way back is `int $RING3_RETURN_VECTOR` through an interrupt
 * gate of DPL 3 (SDM vol. 3, "Protection of Exception- and
 * Interrupt-Handler Procedures"), the path docs/design.md 1 and 4 report
 * working from native ring 3 on the project's hosts (exceptions and int n
 * reach the guest's IDT); no syscall, no iretq back. The gate's handler
 * does not return to ring 3: it drops the interrupt frame, takes back the
 * stack and the callee-saved registers ring3_enter left and returns from
 * ring3_enter to ring3_call's caller. Every other vector has a
 * not-present gate, so a fault in ring 3 ends in a triple fault. */
#define IDT_GATE_INT_DPL3 0xeeULL   /* P, DPL 3, type 0xe: 64-bit interrupt gate */

static uint64_t idt[2 * (RING3_RETURN_VECTOR + 1)] __attribute__((aligned(16)));

/* ring3_enter(rip, rsp): saves what the SysV ABI says a callee keeps
 * (rbx, rbp, r12-r15) and rsp, then iretq's to rip in ring 3 on rsp.
 * ring3_back, the gate's target, undoes that and returns from
 * ring3_enter. SS is reloaded with the kernel data segment: the gate
 * left it null (SDM vol. 3, "Stack Switching in IA-32e Mode"). */
void ring3_enter(uintptr_t rip, uintptr_t rsp);
void ring3_back(void);
__asm__(".pushsection .bss\n"
	".balign 8\n"
	"ring3_saved_rsp: .zero 8\n"
	".popsection\n"
	".pushsection .text\n"
	".globl ring3_enter\n"
	".type ring3_enter, @function\n"
	"ring3_enter:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, ring3_saved_rsp(%rip)\n"
	"	pushq $" STR(SEL_USER_DS_VAL) "\n"
	"	pushq %rsi\n"
	"	pushq $" STR(RFLAGS_FIXED) "\n"
	"	pushq $" STR(SEL_USER_CS_VAL) "\n"
	"	pushq %rdi\n"
	"	iretq\n"
	".size ring3_enter, . - ring3_enter\n"
	".globl ring3_back\n"
	".type ring3_back, @function\n"
	"ring3_back:\n"
	"	movl $" STR(SEL_KERNEL_DS_VAL) ", %eax\n"
	"	movl %eax, %ss\n"
	"	movq ring3_saved_rsp(%rip), %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size ring3_back, . - ring3_back\n"
	".popsection\n");

void ring3_call(void (*fn)(void))
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = { sizeof(idt) - 1, (uintptr_t)idt }, saved;
	uint64_t h = (uintptr_t)ring3_back;

	/* SDM vol. 3, "64-Bit Mode IDT": offset 15:0, selector, IST, type
	 * and attributes, offset 31:16; then offset 63:32. */
	idt[2 * RING3_RETURN_VECTOR] = (h & 0xffff) | (uint64_t)SEL_KERNEL_CS << 16 |
				       IDT_GATE_INT_DPL3 << 40 | (h >> 16 & 0xffff) << 48;
	idt[2 * RING3_RETURN_VECTOR + 1] = h >> 32;
	ring3_tables();
	ring3_allow((uintptr_t)user_stack, sizeof(user_stack));
	ring3_load();
	__asm__ volatile("sidt %0\n\tlidt %1" : "=m"(saved) : "m"(idtr) : "memory");
	/* rsp as a call would leave it: 8 below a 16-byte boundary. */
	ring3_enter((uintptr_t)fn, (uintptr_t)(user_stack + sizeof(user_stack) - 8));
	__asm__ volatile("lidt %0" : : "m"(saved) : "memory");
}
