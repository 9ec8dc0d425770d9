#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The debugger on Debian's real kernel (booted via PVH, so at its link
# address): `break start_kernel` stops with RIP at the address System.map
# gives, with symbols from System.map (--symbols) and, with no map in
# sight, from the kernel's own kallsyms tables; then x/4i, step and
# translate work on real kernel code and page tables.
. tests/integration/lib.sh
need_kvm
need_int3_exits
if [ ! -f "$GUEST/vmlinuz" ]; then
	echo "skipped: Debian kernel not fetched ('make guest-kit' failed or was not run)"
	exit 77
fi
# The kernel maps itself at 0xffffffff80000000 + physical (dash has no
# 64-bit unsigned arithmetic: take the low 32 bits).
phys() { printf '0x%x' $((0x${1#0xffffffff} - 0x80000000)); }
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

# pvh_start_xen runs at its physical address (paging is off at the PVH
# entry): a breakpoint on the symbol must stop there, by the physical byte
# it was planted at, and step off it.
cat >"$TMP/script" <<'SCRIPT'
break pvh_start_xen+8
break start_kernel
run
wait stop 20
delete 1
run
wait stop 240
x/4i $rip
translate $rip
step
info break
quit
SCRIPT
# Without a System.map next to it, hvmon falls back to kallsyms.
mkdir "$TMP/bare"
cp "$GUEST/vmlinuz" "$TMP/bare/vmlinuz"
for how in kallsyms System.map; do
	if [ "$how" = System.map ]; then
		[ -f "$GUEST/System.map" ] || { echo "(no System.map: --symbols run left out)"; continue; }
		set -- --symbols "$GUEST/System.map" "$GUEST/vmlinuz"
	else
		set -- "$TMP/bare/vmlinuz"
	fi
	run_hvmon 300 "$TMP/$how.out" --batch -x "$TMP/script" -a "console=ttyS0 nokaslr" "$@"
	o=$TMP/$how.out
	expect_status "$status" 0 "$how: quit after the breakpoint"
	expect_line "$o" "symbols from $how" "$how: symbols loaded"
	expect_line "$o" "breakpoint 2 at $want <start_kernel>" "$how: start_kernel resolved to System.map's address"
	expect_line "$o" "stopped: reason=breakpoint rip=$(printf 0x%x $(($(phys "$pvh") + 8)))" \
		"$how: pvh_start_xen+8 hit at its physical address"
	expect_line "$o" "stopped: reason=breakpoint rip=$want" "$how: stopped at start_kernel"
	expect_line "$o" "$(printf '0x%016x' "$want") <start_kernel>: " "$how: x/4i disassembles start_kernel"
	expect_line "$o" "PML4E[511]" "$how: translate walks the kernel's top-level table"
	expect_line "$o" "gpa=$(phys "$want")" "$how: kernel text at its physical link address"
	expect_line "$o" "id=2 addr=$want <start_kernel> hits=1" "$how: one hit"
	if grep "^vcpu=0 rip=0x" "$o" | grep -qv "rip=$want "; then
		ok "$how: step moved off start_kernel"
	else
		fail "$how: step did not move"
	fi
done
finish
