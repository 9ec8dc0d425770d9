#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What a new user meets at the prompt (issue 14): `info` alone lists the
# subjects; an emulation failure (the test guest's exit=emufail: a popcnt,
# which this project's emulated ring 0 cannot run) shows its symbol, and
# run and step refuse there saying why and what to do, until `skip` or
# `jump` gets past it. The terminal parts (Ctrl-D, console while paused,
# Ctrl-C under make) are first_hour_pty.py.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf

printf 'info\ninfo kvmm\nquit\n' >"$TMP/info"
run_hvmon 30 "$TMP/info.out" -x "$TMP/info" -m 32M -a "exit=hlt" "$G"
expect_status "$status" 0 "info alone: not an error"
if grep -q "^info SUBJECT, where SUBJECT is one of: kvm .*exits .*status .*virtio" "$TMP/info.out"; then
	ok "info alone lists the subjects"
else
	fail "info alone did not list the subjects:"
	sed 's/^/    | /' "$TMP/info.out"
fi
expect_line "$TMP/info.out" "error: info: unknown subject 'kvmm'" "a wrong subject is still refused"

# -x without --batch: a refused command does not end the session.
cat >"$TMP/skip" <<'SCRIPT'
run
wait stop 30
run
step
skip
run
wait "hvmon-testguest: past the popcnt" 30
quit
SCRIPT
run_hvmon 60 "$TMP/skip.out" --console stdio -x "$TMP/skip" -m 32M -a "exit=emufail" "$G"
o=$TMP/skip.out
expect_status "$status" 0 "emufail: quit at the end"
if grep -q "emulation failure at rip=0x" "$o"; then
	if grep -Eq 'emulation failure at rip=0x[0-9a-f]+ <[A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+> \(64-bit\)' "$o"; then
		ok "the emulation-failure stop line names the symbol"
	else
		fail "no <symbol+off> in the emulation-failure stop line:"
		grep "emulation failure" "$o"
	fi
	expect_line "$o" "insn:  popcnt rax, rax" "the failing instruction disassembled"
	expect_line "$o" "this vCPU cannot go on from here: 'skip' moves past the instruction, 'jump ADDR' resumes elsewhere" \
		"the stop says the vCPU cannot go on, and what to do"
	expect_line "$o" "error: run: vCPU 0 cannot go on: KVM cannot emulate the instruction at rip=0x" \
		"run refused at the failed instruction"
	expect_line "$o" "error: step: vCPU 0 cannot go on" "step refused at the failed instruction"
	expect_line "$o" "skipped popcnt rax, rax (5 bytes)" "skip moves past it by its decoded length"
	expect_line "$o" "hvmon-testguest: past the popcnt" "the guest goes on after skip"

	cat >"$TMP/jump" <<'SCRIPT'
run
wait stop 30
jump $rip+5
wait "hvmon-testguest: past the popcnt" 30
quit
SCRIPT
	run_hvmon 60 "$TMP/jump.out" --console stdio -x "$TMP/jump" -m 32M -a "exit=emufail" "$G"
	expect_status "$status" 0 "jump: quit at the end"
	expect_line "$TMP/jump.out" "continuing at 0x" "jump sets RIP and runs"
	expect_line "$TMP/jump.out" "hvmon-testguest: past the popcnt" "the guest goes on after jump"
else
	# Hardware KVM runs popcnt: nothing to skip.
	expect_line "$o" "hvmon-testguest: past the popcnt" "popcnt ran natively (no emulation failure here)"
fi
finish
