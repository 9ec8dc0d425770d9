#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# x and disas on a kernel symbol before the kernel has turned paging on:
# at the PVH entry (paging off) start_kernel's virtual address translates
# to nothing, and hvmon reads it where the loader placed it, as break
# already plants there, saying so, and decodes it as 64-bit code though
# the vCPU is in 32-bit mode. The first instruction of start_kernel in
# 6.1.0-57-amd64 is `call __fentry__` (gdb's x/2i on the -dbg vmlinux:
# call 0xffffffff81076650 <__fentry__>, then push %r14).
. tests/integration/lib.sh
need_kvm
if [ ! -f "$GUEST/vmlinuz" ]; then
	echo "skipped: Debian kernel not fetched ('make guest-kit' failed or was not run)"
	exit 77
fi
if [ "$(cat "$GUEST/kernel-version" 2>/dev/null)" != "6.1.0-57-amd64" ]; then
	echo "skipped: the expected instructions were taken from 6.1.0-57-amd64"
	exit 77
fi
cat >"$TMP/script" <<'SCRIPT'
x/2i start_kernel
disas start_kernel 2
quit
SCRIPT
run_hvmon 60 "$TMP/out" --batch -x "$TMP/script" -a "console=ttyS0 nokaslr" "$GUEST/vmlinuz"
o=$TMP/out
expect_status "$status" 0 "x and disas at the PVH entry"
expect_line "$o" "(0xffffffff83079e46 is not mapped yet: read where the kernel image was loaded, 0x3079e46)" \
	"x says where it read"
n=$(grep -c "^0xffffffff83079e46 <start_kernel>: e8 .*call 0xffffffff81076650" "$o")
if [ "$n" -eq 2 ]; then ok "x/2i and disas decode start_kernel's call __fentry__ (64-bit)"; else
	fail "start_kernel's first instruction decoded $n times, wanted 2"; sed 's/^/    | /' "$o" | tail -20; fi
expect_line "$o" "push r14" "the second instruction: push r14"
finish
