#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# How a guest ends decides hvmon's exit status: a reset (port 0xcf9, the
# i8042) is a normal end (0); a triple fault or an emulation failure is
# abnormal (3, batch mode), reported with the vCPU, RIP and the bytes.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf

run_hvmon 30 "$TMP/cf9.out" --batch -m 32M -a "exit=cf9" "$G"
expect_status "$status" 0 "reset through port 0xcf9"
expect_line "$TMP/cf9.out" "guest reset: port 0xcf9" "0xcf9 reset named"

run_hvmon 30 "$TMP/kbd.out" --batch -m 32M -a "exit=i8042" "$G"
expect_status "$status" 0 "reset through the i8042"
expect_line "$TMP/kbd.out" "guest reset" "i8042 reset reported"
expect_line "$TMP/kbd.out" "i8042" "i8042 named as the cause"

run_hvmon 30 "$TMP/triple.out" --batch -m 32M -a "exit=triple" "$G"
expect_status "$status" 3 "triple fault is abnormal"
expect_line "$TMP/triple.out" "guest triple fault" "triple fault reported"

run_hvmon 30 "$TMP/int3.out" --batch -m 32M -a "exit=int3" "$G"
expect_status "$status" 3 "int3 with no IDT stops the guest abnormally"
if grep -q "emulation failure at rip=0x" "$TMP/int3.out"; then
	# The software-emulating KVM of docs/design.md 1: the bytes and their decoding.
	expect_line "$TMP/int3.out" "bytes: cc" "instruction bytes shown"
	expect_line "$TMP/int3.out" "insn:  int3" "instruction disassembled"
else
	# Hardware KVM: #BP through a zero-limit IDT is a triple fault.
	expect_line "$TMP/int3.out" "guest triple fault" "int3 ended in a triple fault"
fi

# A halted guest stays up until the monitor says otherwise; its state can
# be read once paused, and quit ends hvmon cleanly.
cat >"$TMP/hlt.script" <<'SCRIPT'
run
wait "hvmon-testguest: done" 20
sleep 200
regs
pause
info status
info cpus
regs
info post
info io
info kvm
quit
SCRIPT
run_hvmon 60 "$TMP/hlt.out" --batch -x "$TMP/hlt.script" -m 32M -a "exit=hlt" "$G"
expect_status "$status" 2 "regs on a running guest fails the batch"
expect_line "$TMP/hlt.out" "error: the guest is running; 'pause' first" "regs asks to pause first"
sed -i '/^regs$/{x;s/^/x/;/^x$/{x;d};x}' "$TMP/hlt.script"
run_hvmon 60 "$TMP/hlt.out" --batch -x "$TMP/hlt.script" -m 32M -a "exit=hlt" "$G"
expect_status "$status" 0 "quit after pausing a halted guest"
expect_line "$TMP/hlt.out" "status=paused" "paused"
expect_line "$TMP/hlt.out" "cpu=0 state=halted" "info cpus shows the parked vCPU sat in HLT"
expect_line "$TMP/hlt.out" "mode=64-bit long mode, 4-level paging" "the guest switched itself to long mode"
expect_line "$TMP/hlt.out" "rflags=0x" "rflags shown"
expect_line "$TMP/hlt.out" "com1 " "COM1 listed on the port bus"
expect_line "$TMP/hlt.out" "cap.IRQCHIP=1" "info kvm lists capabilities"
expect_line "$TMP/hlt.out" "vcpu0.exit.IO=" "info kvm counts port-I/O exits"
expect_line "$TMP/hlt.out" "post.writes=" "POST codes counted"

# Bad monitor input: one line, and in batch mode a non-zero exit.
printf 'frobnicate\n' >"$TMP/bad.script"
run_hvmon 30 "$TMP/bad.out" --batch -x "$TMP/bad.script" -m 32M "$G"
expect_status "$status" 2 "unknown command ends a batch run with status 2"
expect_line "$TMP/bad.out" "error: unknown command 'frobnicate'" "unknown command named"
finish
