#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Conditional breakpoints, ignore counts and advance, as gdb has them, on
# the test guest's count_calls(6), which calls count_step(i) for i = 0 to 5
# (tests/guest/main.c): at count_step's first instruction $rdi is i (the
# SysV ABI), and guest_step_sum is the sum of i + 1 over the calls made, so
# each stop says exactly which call it is.
#  1. break count_step if $rdi == 3 stops once, at the fourth call (sum
#     1+2+3 = 6); info break shows the condition and "already hit 1 time";
#     `condition 1` makes it unconditional: the next stop is call 5.
#  2. A condition with an ignore count: `if $rdi >= 2`, `ignore 1 2` stops
#     at $rdi = 4 (the ignored hits are those whose condition held, 2 and 3;
#     counted before the condition it would stop at 2), hit 3 times.
#  3. `ignore 1 3` alone stops at the fourth hit ($rdi = 3); a condition
#     that cannot be evaluated at the hit (a division by zero) stops with
#     gdb's "Error in testing condition".
#  4. advance from count_calls' entry stops at count_step (reached before
#     count_calls returns); advance from there to a place never reached
#     again stops where count_step returns into count_calls; neither
#     temporary breakpoint is left.
# Software breakpoints must stop, so this skips where int3 never exits.
. tests/integration/lib.sh
need_kvm
need_int3_exits
G=$TESTGUEST/testguest.elf
sym() { nm "$G" | awk -v s="$1" '$3 == s { print "0x" substr($1, match($1, /[1-9a-f]/)) }'; }
# The address of the instruction after the call to $1 in count_calls.
after_call() {
	objdump -d --no-show-raw-insn "$G" | awk -v f="<$1>" '
		/<count_calls>:/ { on = 1; next }
		on && want { sub(":", "", $1); print "0x" $1; exit }
		on && $NF == f && $(NF - 2) == "call" { want = 1 }'
}
step=$(sym count_step)
calls=$(sym count_calls)
loop=$(sym count_loop)
ret=$(after_call count_step)
sum=$(printf '0x%016x' "$(sym guest_step_sum)")
if [ -z "$step" ] || [ -z "$calls" ] || [ -z "$loop" ] || [ -z "$ret" ] || [ "$sum" = 0x0000000000000000 ]; then
	fail "nm/objdump did not show count_step, count_calls, count_loop, the call or guest_step_sum"
	finish
fi
hex16() { printf '0x%016x' "$1"; }
count() { grep -cF -- "$2" "$1"; }
expect_count() {
	n=$(count "$1" "$2")
	if [ "$n" -eq "$3" ]; then ok "$4"; else fail "$4: '$2' $n times, wanted $3"; sed 's/^/    | /' "$1" | tail -40; fi
}
boot() {
	run_hvmon 90 "$TMP/$1" --batch -x "$TMP/$1.script" -m 32M -a "exit=hlt" "$G"
	expect_status "$status" 0 "script $1 ran"
}

# 1. A condition, then none.
cat >"$TMP/cond.script" <<SCRIPT
break count_step if \$rdi == 3
info break
echo mark-set
run
wait stop 20
p/d \$rdi
x/1xg guest_step_sum
info break
echo mark-first
condition 1
run
wait stop 20
p/d \$rdi
info break
echo mark-second
delete 1
run
wait "hvmon-testguest: done" 20
pause
quit
SCRIPT
boot cond
o=$TMP/cond
expect_line "$o" "breakpoint 1 at $step <count_step>" "break ... if sets breakpoint 1 at count_step"
expect_count "$o" "stopped: reason=breakpoint rip=$step" 2 "two stops in all (the condition's, then the unconditional one)"
expect_line "$o" "\$rdi = 3" "the conditional stop is at the call with \$rdi == 3"
expect_line "$o" "$sum: $(hex16 6)" "three calls were made before it (sum 1+2+3)"
expect_count "$o" "	stop only if \$rdi == 3" 2 "info break shows the condition (before the run and at the stop)"
expect_between "$o" mark-set mark-first "already hit 1 time" "info break at the stop: already hit 1 time (the false hits are not counted)"
expect_line "$o" "Breakpoint 1 now unconditional." "condition 1 clears the condition"
expect_line "$o" "\$rdi = 4" "unconditional: the next stop is the very next call"
expect_between "$o" mark-first mark-second "	breakpoint already hit 2 times" "hit 2 times after the unconditional stop"
expect_line "$o" "hvmon-testguest: done" "the guest ran to its end after delete"
expect_no_line "$o" "Error in testing condition" "no evaluation error"

# 2. The ignore count counts hits whose condition held.
cat >"$TMP/both.script" <<SCRIPT
break count_step if \$rdi >= 2
ignore 1 2
info break
echo mark-set
run
wait stop 20
p/d \$rdi
info break
echo mark-stop
delete 1
run
wait "hvmon-testguest: done" 20
pause
quit
SCRIPT
boot both
o=$TMP/both
expect_line "$o" "Will ignore next 2 crossings of breakpoint 1." "ignore 1 2 says so, as gdb does"
expect_between "$o" "breakpoint 1 at.*" mark-set "	Will ignore next 2 crossings of breakpoint." "info break shows the ignore count"
expect_count "$o" "stopped: reason=breakpoint rip=$step" 1 "one stop"
expect_line "$o" "\$rdi = 4" "it stops at \$rdi = 4: the hits at 2 and 3 were ignored, 0 and 1 failed the condition"
expect_between "$o" mark-set mark-stop "	breakpoint already hit 3 times" "hit 3 times (the two ignored ones count, as in gdb)"
expect_not_between "$o" mark-set mark-stop "Will ignore next" "no ignore count left at the stop"
expect_line "$o" "hvmon-testguest: done" "the guest ran to its end"

# 3. ignore alone; a condition that cannot be evaluated.
cat >"$TMP/ignore.script" <<SCRIPT
break count_step
ignore 1 3
break count_calls if 1 / (\$rdi - \$rdi)
run
wait stop 20
echo mark-error
run
wait stop 20
p/d \$rdi
info break
echo mark-ignore
delete all
run
wait "hvmon-testguest: done" 20
pause
quit
SCRIPT
boot ignore
o=$TMP/ignore
expect_line "$o" "Will ignore next 3 crossings of breakpoint 1." "ignore 1 3 says so"
expect_between "$o" "breakpoint 2 at.*" mark-error "Error in testing condition for breakpoint 2:" "an unevaluable condition stops with gdb's words"
expect_line "$o" "division by zero" "and says why"
expect_line "$o" "stopped: reason=breakpoint rip=$calls" "it stopped at count_calls"
expect_count "$o" "stopped: reason=breakpoint rip=$step" 1 "one stop at count_step"
expect_line "$o" "\$rdi = 3" "ignore 1 3: the stop is the fourth call"
expect_between "$o" mark-error mark-ignore "	breakpoint already hit 4 times" "hit 4 times: three ignored, one stop"
expect_line "$o" "hvmon-testguest: done" "the guest ran to its end"

# 4. advance: to the location, or to the frame's return.
cat >"$TMP/advance.script" <<SCRIPT
break count_calls
run
wait stop 20
delete 1
advance count_step
p/d \$rdi
x/1xg guest_step_sum
echo mark-first
advance count_loop
x/1xg guest_step_sum
info break
echo mark-second
run
wait "hvmon-testguest: done" 20
pause
quit
SCRIPT
boot advance
o=$TMP/advance
expect_line "$o" "stopped: reason=breakpoint rip=$calls" "stopped at count_calls' entry"
expect_line "$o" "running to $step <count_step>" "advance runs to count_step"
if sed -n "/^running to $step /,/^mark-first\$/p" "$o" | grep -q "^vcpu=0 rip=$step <count_step>"; then
	ok "the first advance stopped at count_step (reached before count_calls returns)"
else
	fail "the first advance did not stop at count_step"; sed 's/^/    | /' "$o"
fi
expect_line "$o" "\$rdi = 0" "at the first call"
expect_line "$o" "$sum: $(hex16 0)" "before count_step ran"
expect_line "$o" "running to $loop <count_loop>" "advance to count_loop, which has run already"
expect_line "$o" "  or to $ret <count_calls+" "or to where count_step returns, from the unwinder"
if between "$o" mark-first mark-second | grep -q "^vcpu=0 rip=$ret <count_calls+"; then
	ok "the second advance stopped where count_step returned"
else
	fail "the second advance did not stop at $ret"; between "$o" mark-first mark-second
fi
expect_line "$o" "$sum: $(hex16 1)" "count_step had run once (sum 1)"
expect_between "$o" mark-first mark-second "no breakpoints" "both temporary breakpoints are gone"
expect_line "$o" "hvmon-testguest: done" "the guest ran to its end"
finish
