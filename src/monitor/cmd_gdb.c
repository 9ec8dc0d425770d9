// SPDX-License-Identifier: GPL-3.0-or-later
/* gdbserver: start, show or stop the gdb server (gdb_stub.c). */
#include <string.h>

#include "monitor/commands.h"
#include "monitor/gdb_stub.h"

int cmd_gdbserver(struct monitor *mon, int argc, char **argv)
{
	if (argc == 1) {
		if (mon->gdb)
			mon_printf(mon, "gdb server on %s\n", gdb_stub_where(mon->gdb));
		else
			mon_printf(mon, "no gdb server\n");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "stop")) {
		if (!mon->gdb)
			return mon_error(mon, "gdbserver: no gdb server is running");
		gdb_stub_stop(mon->gdb);
		mon->gdb = NULL;
		mon_printf(mon, "gdb server stopped\n");
		return 0;
	}
	enum gdb_arch_choice arch = GDB_ARCH_AUTO;
	if (argc == 3 && !strcmp(argv[2], "i386"))
		arch = GDB_ARCH_FORCE_I386;
	else if (argc == 3 && !strcmp(argv[2], "x86-64"))
		arch = GDB_ARCH_FORCE_X86_64;
	else if (argc != 2 && !(argc == 3 && !strcmp(argv[2], "auto")))
		return mon_error(mon, "usage: gdbserver [tcp:[HOST:]PORT|unix:PATH [auto|i386|x86-64]|stop]");
	if (mon->gdb)
		return mon_error(mon, "gdbserver: already listening on %s ('gdbserver stop' first)",
				 gdb_stub_where(mon->gdb));
	char err[256];
	mon->gdb = gdb_stub_start(mon, argv[1], arch, err, sizeof(err));
	if (!mon->gdb)
		return mon_error(mon, "gdbserver: %s", err);
	mon_printf(mon, "gdb server on %s\n", gdb_stub_where(mon->gdb));
	return 0;
}
