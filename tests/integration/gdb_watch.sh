#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# gdb's watch, rwatch and a watch on a buffer virtio-blk fills, through
# hvmon's memory-protection watchpoints (vmm/watchpoint.h): Z2/Z3 are
# translated through the vCPU's page tables, and the stop names the
# address gdb set, so gdb shows the old and new value (or the value read).
. tests/integration/lib.sh
need_kvm
need_int3_exits
command -v gdb >/dev/null || { echo "skipped: no gdb (scripts/install-deps.sh installs it)"; exit 77; }
G=$TESTGUEST/testguest.elf
# The test guest has no debug information: variables are cast to their type.

# Into 64-bit code first (guest_main), so gdb, holding the ELF, takes the
# x86-64 description.
printf 'break guest_main\nrun\nwait stop 30\ndelete 1\n' >"$TMP/to_main"
new_disk "$TMP/disk.img"
start_hvmon_gdb 300 -x "$TMP/to_main" -m 64M --disk "$TMP/disk.img" -a "virtio=blk exit=hlt" \
	--console "file:$TMP/console.txt" "$G"
wait_for_line "$TMP/hvmon.out" "stopped: reason=breakpoint" 60 || fail "the guest did not reach guest_main"

gdb_batch "$TMP/w.out" -ex "target remote 127.0.0.1:$port" -ex "watch *(unsigned long *)&guest_counter" \
	-ex "continue" -ex "continue" -ex "delete" -ex "rwatch *(unsigned long *)&guest_counter" -ex "continue" \
	-ex "delete" -ex "watch *(long *)&blk_data" -ex "continue" -ex "delete" -ex "kill" "$G"
o=$TMP/w.out
expect_line "$o" "Hardware watchpoint 1: *(unsigned long *)&guest_counter" "watch guest_counter (Z2)"
expect_line "$o" "Old value = 0" "the first write: old value"
expect_line "$o" "New value = 1" "the first write: new value"
expect_line "$o" "Old value = 1" "the second write: old value"
expect_line "$o" "New value = 2" "the second write: new value"
expect_line "$o" "Hardware read watchpoint 2: *(unsigned long *)&guest_counter" "rwatch guest_counter (Z3)"
expect_line "$o" "Value = 2" "the read: its value"
expect_line "$o" "Hardware watchpoint 3: *(long *)&blk_data" "watch on the blk buffer"
expect_line "$o" "blk0" "the stop names the device that wrote the buffer"
expect_line "$o" "New value = " "the buffer's new value"
expect_no_line "$o" "Could not insert" "every watchpoint was inserted"
wait "$hv_pid"
expect_status "$?" 0 "kill ended hvmon"
exec 3>&-
finish
