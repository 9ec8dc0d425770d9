#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The debugger on the test guest, against facts from its ELF (nm, objdump):
# single-steps land on the next instructions, breakpoints stop at the right
# instruction and resume correctly, memory reads show what the guest wrote
# (and never our int3), translate agrees with the guest's page tables.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf
sym() { nm "$G" | awk -v s="$1" '$3 == s { print "0x" substr($1, match($1, /[1-9a-f]/)) }'; }

# The first instructions of the PVH entry, as objdump decodes them (32-bit).
objdump -d -m i386 --no-show-raw-insn "$G" | awk '/<pvh_start>:/ { on = 1; next } on && /^ *[0-9a-f]+:/ { sub(":", "", $1); print "0x" $1; if (++n == 5) exit }' >"$TMP/insns"
i1=$(sed -n 2p "$TMP/insns") i4=$(sed -n 5p "$TMP/insns")
count_loop=$(sym count_loop) counter=$(sym guest_counter)
call_site=$(objdump -d "$G" | awk '/call.*<count_loop>/ { sub(":", "", $1); print "0x" $1; exit }')
after_call=$(objdump -d "$G" | awk -v c="${call_site#0x}:" 'found { sub(":", "", $1); print "0x" $1; exit } $1 == c { found = 1 }')

# step, until, next and finish plant int3s; so do breakpoints.
if int3_exits; then
cat >"$TMP/step.script" <<SCRIPT
step
step 3
regs r12=0x1234 r13=count_loop+2
regs
until $call_site
wait stop 20
x/1xg guest_counter
next
x/1xg guest_counter
translate \$rip
disas \$rip 2
x/2i \$rip
sym \$rip
cpu 0
info cpus
run
wait "hvmon-testguest: done" 20
pause
break guest_main
break guest_main
SCRIPT
run_hvmon 90 "$TMP/step.out" --batch -x "$TMP/step.script" -m 32M -a "exit=hlt" "$G"
o=$TMP/step.out
expect_status "$status" 2 "the script ran to its deliberate last error"
expect_line "$o" "vcpu=0 rip=$i1 <pvh_start+0x1>: cld" "step: one instruction, disassembled in 32-bit mode"
expect_line "$o" "vcpu=0 rip=$i4 <pvh_start+" "step 3: three more instructions"
expect_line "$o" "r12=0x1234" "regs write: r12"
expect_line "$o" "r13=0x$(printf %x $((count_loop + 2)))" "regs write: an expression with a symbol"
expect_line "$o" "r12=0x0000000000001234" "regs shows the written value"
expect_line "$o" "stopped: reason=breakpoint rip=$call_site" "until stopped at the call"
expect_line "$o" "$(printf '0x%016x' "$counter"): 0x0000000000000000" "counter 0 before count_loop"
expect_line "$o" "vcpu=0 rip=$after_call" "next ran over the call"
expect_line "$o" "$(printf '0x%016x' "$counter"): 0x0000000000000005" "the call ran: counter 5"
expect_line "$o" "gpa=$after_call" "translate: identity-mapped code"
expect_line "$o" "PDE[8]" "translate: the 2M page directory entry covering 16M"
# The walk starts at the guest's own PML4 (its symbol pml4, in CR3) and
# goes through its pdpt and pd tables (tests/guest/README.md).
pml4=$(sym pml4) pdpt=$(sym pdpt) pd=$(sym pd)
expect_line "$o" "PML4E[0] @$(printf '0x%016x' "$pml4")" "translate: starts at the guest's pml4"
expect_line "$o" "PDPTE[0] @$(printf '0x%016x' "$pdpt")" "translate: then the guest's pdpt"
expect_line "$o" "PDE[8] @$(printf '0x%016x' $((pd + 8 * 8)))" "translate: then entry 8 of the guest's first pd"
expect_line "$o" "$after_call=guest_main+" "sym names the address"
expect_line "$o" "*cpu=0 state=stopped" "info cpus"
expect_line "$o" "found: \"hvmon-testguest: done\"" "the guest finished after all that"
expect_line "$o" " at $(sym guest_main) <guest_main>" "break by symbol"
expect_line "$o" "is already at $(sym guest_main)" "a second breakpoint at one place is refused"

cat >"$TMP/break.script" <<SCRIPT
break count_loop
info break
run
wait stop 20
x/1bx count_loop
x/1xg guest_counter
finish
wait stop 20
x/1xg guest_counter
info break
delete 1
info break
run
wait "hvmon-testguest: done" 20
SCRIPT
run_hvmon 90 "$TMP/break.out" --batch -x "$TMP/break.script" -m 32M -a "exit=cf9" "$G"
o=$TMP/break.out
expect_status "$status" 0 "breakpoint script ran and the guest reset"
expect_line "$o" "breakpoint 1 at $count_loop <count_loop>" "break by symbol"
expect_line "$o" "vCPU 0: breakpoint 1 at $count_loop (count_loop)" "breakpoint hit reported"
expect_line "$o" "stopped: reason=breakpoint rip=$count_loop" "stopped exactly at the breakpoint"
expect_line "$o" "$(printf '0x%016x' "$count_loop"): 0x85" "memory shows the guest's byte, not int3"
expect_line "$o" "$(printf '0x%016x' "$counter"): 0x0000000000000000" "counter 0 at count_loop's entry"
expect_line "$o" "running to $after_call" "finish runs to the return address"
expect_line "$o" "$(printf '0x%016x' "$counter"): 0x0000000000000005" "finish ran count_loop to its return: counter 5"
expect_line "$o" "id=1 addr=$count_loop <count_loop> hits=1" "info break counts the hit"
expect_line "$o" "no breakpoints" "delete removed it"
expect_line "$o" "found: \"hvmon-testguest: done\"" "resumed from the breakpoint to the end"

else
	echo "skipped part: step, until, next, breakpoints (int3 never exits to KVM in QEMU's TCG, scripts/nested-kvm.sh)"
fi

# hbreak is tested with the watchpoints (watchpoints.sh).

# Pausing a vCPU that spins in ring 3 (natively, no exits) parks it within
# 50 ms, and the monitor then sees the loop's state, frozen.
cat >"$TMP/ring3.script" <<'SCRIPT'
break 0x1ff000
run
wait "entering ring 3" 20
sleep 300
run
pause
wait stop 1
regs
x/1xg user_counter
sleep 200
x/1xg user_counter
run
sleep 200
pause
x/1xg user_counter
quit
SCRIPT
run_hvmon 60 "$TMP/ring3.out" --batch -x "$TMP/ring3.script" -m 32M -a "exit=ring3loop" "$G"
o=$TMP/ring3.out
expect_status "$status" 0 "ring-3 script"
expect_line "$o" "already running" "run on a running guest is a no-op"
expect_line "$o" "stopped: reason=pause" "wait stop reports the pause, not an older stop"
expect_line "$o" "cs=0x0033 " "the vCPU was in ring 3 (user code selector)"
expect_line "$o" "<user_loop" "paused inside user_loop"
ms=$(sed -n 's/.*parked_ms=\([0-9.]*\).*/\1/p' "$o" | sort -n | tail -1)
if [ -n "$ms" ] && awk -v m="$ms" 'BEGIN { exit !(m < 50) }'; then
	ok "pause parked the busy vCPU in ${ms} ms (< 50)"
else
	fail "pause took ${ms:-?} ms"
fi
c=$(grep "^0x.*: 0x" "$o" | awk '{ print $2 }')
c1=$(echo "$c" | sed -n 1p) c2=$(echo "$c" | sed -n 2p) c3=$(echo "$c" | sed -n 3p)
if [ -n "$c1" ] && [ "$c1" = "$c2" ] && [ $((c1)) -gt 1000000 ]; then
	ok "user_counter large ($((c1))) and frozen while paused"
else
	fail "user_counter while paused: '$c1' then '$c2'"
fi
if [ -n "$c3" ] && [ $((c3)) -gt $((c2)) ]; then ok "user_counter grew after run"; else fail "user_counter did not grow: '$c2' -> '$c3'"; fi

# Errors are one line each and leave the prompt (here: the batch) usable
# until the failing command.
for bad in "x/4xg 0x200000000|error: cannot read 0x200000000" \
	"break no_such_symbol|error: unknown symbol no_such_symbol" \
	"regs cs=0x10|error: register 'cs' is read-only here" \
	"x/4q 0|error: unknown format letter 'q'" \
	"step 0|error: usage: step [N]" \
	"finish|error: the unwinder (bt, finish, frame, advance) reads 64-bit code only; this vCPU is in 32-bit mode" \
	"rwatch guest_counter 8 hw|error: rwatch: x86 debug registers cannot watch reads alone" \
	"watch guest_counter+1 8 hw|error: watch: 0x$(printf %x $((counter + 1))) is not aligned" \
	"watch guest_counter 0|error: watch: LEN must be 1 to 67108864 bytes" \
	"awatch 0x40000000 8 phys|error: awatch: 0x40000000 len 8: not guest RAM"; do
	printf '%s\n' "${bad%%|*}" >"$TMP/bad.script"
	run_hvmon 30 "$TMP/bad.out" --batch -x "$TMP/bad.script" -m 32M "$G"
	expect_status "$status" 2 "'${bad%%|*}' fails the batch"
	expect_line "$TMP/bad.out" "${bad#*|}" "'${bad%%|*}' says why"
done
finish
