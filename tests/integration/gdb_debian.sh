#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Debian's gdb on Debian's kernel under hvmon: at the PVH entry gdb is told
# i386 and decodes the 32-bit entry as hvmon does; with the server asked
# for x86-64, `break *ADDR` at start_kernel (System.map, nokaslr) set at
# the PVH entry stops there, x/i shows it, and the registers gdb shows are
# the ones `regs` shows.
. tests/integration/lib.sh
need_kvm
need_int3_exits
command -v gdb >/dev/null || { echo "skipped: no gdb (scripts/install-deps.sh installs it)"; exit 77; }
if [ ! -f "$GUEST/vmlinuz" ]; then
	echo "skipped: Debian kernel not fetched ('make guest-kit' failed or was not run)"
	exit 77
fi
if [ -f "$GUEST/System.map" ]; then
	want=0x$(awk '$3 == "start_kernel" { print $1 }' "$GUEST/System.map")
	pvh=0x$(awk '$3 == "pvh_start_xen" { print $1 }' "$GUEST/System.map")
elif [ "$(cat "$GUEST/kernel-version" 2>/dev/null)" = "6.1.0-56-amd64" ]; then
	want=0xffffffff83079e46   # from the -dbg package's System.map (docs/design.md 2)
	pvh=0xffffffff81000850
else
	echo "skipped: no System.map to take start_kernel's address from (HVMON_WITH_DBG=1 make guest-kit)"
	exit 77
fi
# The PVH entry runs at its physical address (low 32 bits - 0x80000000).
entry=$(printf '0x%x' $((0x${pvh#0xffffffff} - 0x80000000)))

start_hvmon_gdb 600 -a "console=ttyS0 nokaslr" --console "file:$TMP/console.txt" "$GUEST/vmlinuz"

# 1. At the PVH entry: i386, and gdb's decoding is hvmon's.
gdb_batch "$TMP/a.out" -ex "target remote 127.0.0.1:$port" -ex "show architecture" \
	-ex 'p/x $eip' -ex 'x/1i $pc' -ex 'monitor x/1i $rip' -ex "disconnect"
o=$TMP/a.out
expect_line "$o" '(currently "i386")' "PVH entry: gdb gets i386"
expect_line "$o" "\$1 = $entry" "eip is the PVH entry"
g=$(awk -F'\t' '/^=> / { split($2, w, " "); print w[1]; exit }' "$o")
# hvmon's line: "ADDR <SYM>: BYTES   MNEMONIC OPERANDS".
m=$(awk -v a="$(printf '0x%016x' "$entry")" 'index($0, a) == 1 { sub(/^[^:]*: */, ""); sub(/^([0-9a-f][0-9a-f] )+ */, ""); split($0, w, " "); print w[1]; exit }' "$o")
if [ -n "$g" ] && [ "$g" = "$m" ]; then ok "x/i at the entry: gdb and hvmon both decode '$g'"
else fail "x/i at the entry: gdb '$g', hvmon '$m'"; fi

# 2. A server that tells gdb x86-64 from the start, for 64-bit addresses.
mon "gdbserver stop"
mon "gdbserver tcp:127.0.0.1:0 x86-64"
wait_for_line "$TMP/hvmon.out" "gdb server stopped" 10 || fail "gdbserver stop"
port=
for _ in $(seq 50); do
	port=$(sed -n 's/^gdb server on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/hvmon.out" | tail -1)
	[ -n "$port" ] && break
	sleep 0.2
done
[ -n "$port" ] || { fail "gdbserver x86-64 did not start"; finish; }
GDB_TIMEOUT=500 gdb_batch "$TMP/b.out" -ex "target remote 127.0.0.1:$port" \
	-ex "show architecture" -ex "break *$want" -ex "continue" -ex 'x/i $pc' \
	-ex "info registers" -ex "monitor regs" -ex "kill"
o=$TMP/b.out
expect_line "$o" '(currently "i386:x86-64")' "gdbserver ... x86-64: gdb gets x86-64"
expect_line "$o" "Breakpoint 1, $want in ?? ()" "break *start_kernel from the PVH entry, continue"
expect_line "$o" "=> $want:" "x/i \$pc at start_kernel"
expect_regs_agree "$o" rip rsp rax rbx rcx rdx rsi rdi rbp r8 r15 cr0 cr2 cr3 cr4 efer
wait "$hv_pid"
expect_status "$?" 0 "kill ended hvmon"
exec 3>&-
finish
