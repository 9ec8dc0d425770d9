// SPDX-License-Identifier: GPL-3.0-or-later
/* `info SUBCOMMAND`: read-only views of the machine. */
#include <string.h>
#include <sys/ioctl.h>

#include "dev/chardev.h"
#include "dev/post.h"
#include "dev/uart8250.h"
#include "monitor/commands.h"
#include "monitor/regs_format.h"
#include "vmm/kvm.h"
#include "vmm/vcpu.h"

static int info_kvm(struct monitor *mon)
{
	struct vm *vm = &mon->m->vm;
	mon_printf(mon, "api_version=%d\n", ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0));
	for (int i = 0; i < kvm_ncaps_of_interest; i++) {
		const struct kvm_cap_info *c = &kvm_caps_of_interest[i];
		mon_printf(mon, "cap.%s=%d\n", c->name, kvm_check_cap(vm->vm_fd, c->cap));
	}
	for (int i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = vm->vcpu[i];
		mon_printf(mon, "vcpu%d.exits=%llu\n", i, (unsigned long long)atomic_load(&v->stats.exits));
		for (unsigned r = 0; r < EXIT_STATS_REASONS; r++) {
			unsigned long long n = atomic_load(&v->stats.reason[r].count);
			if (n)
				mon_printf(mon, "vcpu%d.exit.%s=%llu\n", i, vcpu_exit_reason_name(r), n);
		}
	}
	return 0;
}

static void info_bus(struct monitor *mon, struct bus *b, const char *fmt_width)
{
	for (int i = 0; i < b->nranges; i++) {
		struct bus_range *r = &b->range[i];
		mon_printf(mon, "%s 0x%0*llx-0x%0*llx %-12s accesses=%llu\n", b->name,
			   fmt_width[0] - '0', (unsigned long long)r->base,
			   fmt_width[0] - '0', (unsigned long long)(r->base + r->len - 1),
			   r->name, (unsigned long long)atomic_load(&r->accesses));
	}
	mon_printf(mon, "%s.unclaimed=%llu last=0x%llx\n", b->name,
		   (unsigned long long)atomic_load(&b->unclaimed),
		   (unsigned long long)atomic_load(&b->last_unclaimed));
}

static int info_io(struct monitor *mon)
{
	struct machine *m = mon->m;
	info_bus(mon, &m->vm.pio, "4");
	info_bus(mon, &m->vm.mmio, "8");
	struct uart8250_stats us;
	uart8250_get_stats(m->com1, &us);
	mon_printf(mon, "com1.tx_bytes=%lu com1.rx_bytes=%lu com1.overruns=%lu\n",
		   us.tx_bytes, us.rx_bytes, us.overruns);
	mon_printf(mon, "console=%s dropped=%lu\n", chardev_path(m->console),
		   chardev_dropped(m->console));
	return 0;
}

static int info_post(struct monitor *mon)
{
	unsigned long writes = post_writes(&mon->m->post);
	if (writes)
		mon_printf(mon, "post.writes=%lu post.last=0x%02x\n", writes,
			   post_last(&mon->m->post));
	else
		mon_printf(mon, "post.writes=0\n");
	return 0;
}

static int info_status(struct monitor *mon)
{
	struct vm *vm = &mon->m->vm;
	pthread_mutex_lock(&vm->ctl_lock);
	enum vm_end end = vm->end;
	char why[sizeof(vm->end_why)];
	memcpy(why, vm->end_why, sizeof(why));
	struct vm_stop_event last = vm->last_stop;
	bool faulted = vm->faulted;
	pthread_mutex_unlock(&vm->ctl_lock);
	if (end != VM_END_NONE)
		mon_printf(mon, "status=ended reason=%s (%s)\n", vm_end_name(end), why);
	else if (vm_is_running(vm))
		mon_printf(mon, "status=running\n");
	else if (faulted)
		mon_printf(mon, "status=stopped\n%s\n", last.text);
	else
		mon_printf(mon, "status=paused\n");
	return 0;
}

static int info_registers(struct monitor *mon)
{
	char *args[] = { "regs", NULL };
	return cmd_regs(mon, 1, args);
}

const struct mon_info_subject mon_info_subjects[] = {
	{ "kvm", info_kvm },
	{ "break", info_breakpoints },
	{ "breakpoints", info_breakpoints },
	{ "mem", info_mem },
	{ "io", info_io },
	{ "post", info_post },
	{ "cpus", info_cpus },
	{ "exits", info_exits },
	{ "status", info_status },
	{ "virtio", info_virtio },      /* cmd_virtio.c */
	{ "acpi", info_acpi },          /* cmd_acpi.c */
	{ "registers", info_registers },
	{ "lapic", info_lapic },        /* cmd_cpus.c */
	{ "ioapic", info_ioapic },      /* cmd_cpus.c */
	{ "frame", info_frame },        /* cmd_bt.c */
	{ NULL, NULL },
};

int cmd_info(struct monitor *mon, int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "lapic"))
		return info_lapic_of(mon, argv[2]);   /* info lapic N */
	if (argc > 2 && !strcmp(argv[1], "registers"))
		return info_register_names(mon, argc - 2, argv + 2);      /* cmd_inforeg.c */
	if (argc == 1) {
		/* As gdb's bare `info`: what there is to ask about. */
		mon_printf(mon, "info SUBJECT, where SUBJECT is one of:");
		for (const struct mon_info_subject *s = mon_info_subjects; s->name; s++)
			mon_printf(mon, " %s", s->name);
		mon_printf(mon, "\n");
		return 0;
	}
	if (argc != 2)
		return mon_error(mon, "usage: info SUBJECT (try 'info' for the list)");
	for (const struct mon_info_subject *s = mon_info_subjects; s->name; s++)
		if (!strcmp(argv[1], s->name))
			return s->fn(mon);
	return mon_error(mon, "info: unknown subject '%s' (try 'help info')", argv[1]);
}
