// SPDX-License-Identifier: GPL-3.0-or-later
/* The firmware tables as the guest sees them: `info acpi` lists what a
 * guest's own search finds in its memory now (boot/fw_walk.h), `acpi dump
 * DIR` writes each ACPI table to DIR/NAME.dat for iasl -d and acpiexec.
 * Both read guest RAM only through gmem_read, so tables a guest has
 * overwritten with garbage are reported as such, never followed blindly. */
#include <string.h>

#include "boot/fw_dump.h"
#include "boot/fw_walk.h"
#include "monitor/commands.h"
#include "board/machine.h"

static int guest_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	return gmem_read(ctx, gpa, buf, len);
}

int info_acpi(struct monitor *mon)
{
	struct guest_mem *mem = &mon->m->vm.mem;
	struct fw_found t[FW_WALK_MAX];
	int n = fw_walk(guest_read, mem, t, FW_WALK_MAX);

	if (n == 0)
		return mon_error(mon, "no RSDP and no MP floating pointer in 0xe0000-0xfffff");
	for (int i = 0; i < n; i++) {
		if (!t[i].readable)
			mon_printf(mon, "%-4s addr=0x%08llx len=%u unreadable\n", t[i].sig,
				   (unsigned long long)t[i].addr, t[i].len);
		else
			mon_printf(mon, "%-4s addr=0x%08llx len=%u checksum=%s\n", t[i].sig,
				   (unsigned long long)t[i].addr, t[i].len,
				   t[i].sum_ok ? "ok" : "BAD");
	}
	return 0;
}

int cmd_acpi(struct monitor *mon, int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "dump"))
		return mon_error(mon, "usage: acpi dump DIR");
	struct guest_mem *mem = &mon->m->vm.mem;
	struct fw_found t[FW_WALK_MAX];
	char err[256];
	int n = fw_walk(guest_read, mem, t, FW_WALK_MAX);
	int w = fw_dump(guest_read, mem, t, n, argv[2], err, sizeof(err));

	if (w < 0)
		return mon_error(mon, "acpi dump: %s", err);
	if (w == 0)
		return mon_error(mon, "acpi dump: no readable ACPI table in guest memory");
	mon_printf(mon, "acpi dump: %d tables written to %s\n", w, argv[2]);
	return 0;
}
