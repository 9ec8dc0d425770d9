// SPDX-License-Identifier: GPL-3.0-or-later
/* The types of the kernel globals a debugger reads most. The kernel's BTF
 * describes every type but, as a variable, only the per-CPU ones (checked
 * on Debian's 6.1: struct task_struct is there, init_task is not), so
 * hvmon knows these few by name; any other symbol is an untyped address
 * that a cast gives a type. Checked against Linux 6.1's declarations. */
#include <string.h>

#include "monitor/mon_ktypes.h"

static const struct {
	const char *name, *type;
} known[] = {
	{ "init_task", "struct task_struct" },          /* init/init_task.c */
	{ "prb", "struct printk_ringbuffer *" },        /* kernel/printk/printk.c */
	{ "printk_rb_static", "struct printk_ringbuffer" },
	{ "boot_params", "struct boot_params" },        /* arch/x86/kernel/setup.c */
	{ "jiffies", "unsigned long" },                 /* jiffies = jiffies_64 (vmlinux.lds) */
	{ "jiffies_64", "u64" },
	{ "init_mm", "struct mm_struct" },
	{ "modules", "struct list_head" },              /* kernel/module/main.c */
	{ "init_uts_ns", "struct uts_namespace" },
	{ "init_pid_ns", "struct pid_namespace" },
	{ "saved_command_line", "char *" },
	{ "e820_table", "struct e820_table *" },
	{ "nr_cpu_ids", "unsigned int" },
	{ "max_pfn", "unsigned long" },
	{ "system_state", "enum system_states" },
	{ "oops_in_progress", "int" },
};

const char *kglobal_type(const char *name)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i].name, name))
			return known[i].type;
	return NULL;
}
