#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# gdb sees a two-vCPU guest as two threads named "vCPU 0" and "vCPU 1"
# (qfThreadInfo, qXfer:threads:read) and reads each one's registers.
. tests/integration/lib.sh
need_kvm
command -v gdb >/dev/null || { echo "skipped: no gdb (scripts/install-deps.sh installs it)"; exit 77; }
G=$TESTGUEST/testguest.elf
if "$HVMON" -c 2 --help 2>&1 | grep -q "SMP is not supported"; then
	echo "skipped: this hvmon runs one vCPU (-c 2 refused)"
	exit 77
fi
start_hvmon_gdb 120 -c 2 -m 32M -a "exit=hlt" --console "file:$TMP/console.txt" "$G"
gdb_batch "$TMP/t.out" -ex "target remote 127.0.0.1:$port" -ex "info threads" \
	-ex "thread 2" -ex 'p $_thread' -ex "info registers eip" -ex "thread 1" -ex 'p $_thread' \
	-ex "kill"
o=$TMP/t.out
expect_line "$o" '* 1    Thread 1 "vCPU 0"' "info threads: vCPU 0"
expect_line "$o" '  2    Thread 2 "vCPU 1"' "info threads: vCPU 1"
expect_line "$o" "[Switching to thread 2 (Thread 2)]" "thread 2"
expect_line "$o" "\$1 = 2" "thread 2 selected"
expect_line "$o" "eip " "vCPU 1's registers"
expect_line "$o" "\$2 = 1" "back to thread 1"
wait "$hv_pid"
expect_status "$?" 0 "kill ended hvmon"
exec 3>&-
finish
