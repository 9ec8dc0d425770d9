#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Ignore counts and conditions on a memory watchpoint, which needs no int3
# (so this runs wherever KVM does, the nested route included), on the
# test guest's watchloop= (tests/guest/watch.c), whose wp_tick stores
# round + 1 into wp_counter once a round: 1, 2, 3 ...
#  - `ignore 1 3` stops at the fourth store (3 -> 4), hit 4 times;
#  - a condition that never holds lets the guest run on silently (the
#    counter moves on, no stop, the hit count stays);
#  - a condition that cannot be evaluated at the hit (a division by
#    zero) stops at the next store with gdb's "Error in testing condition
#    for breakpoint 1:";
#  - `condition 1` makes it unconditional: the next store stops;
#  - a condition naming no symbol is refused as it is set, as gdb refuses
#    it (the script's last command, so batch mode ends there, status 2).
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf
sym() { nm "$G" | awk -v s="$1" '$3 == s { print "0x" substr($1, match($1, /[1-9a-f]/)) }'; }
counter=$(sym wp_counter)
[ -n "$counter" ] || { fail "nm shows no wp_counter"; finish; }
cat >"$TMP/script" <<'SCRIPT'
watch wp_counter 8
ignore 1 3
info break
echo mark-set
run
wait stop 60
info break
echo mark-ignored
condition 1 0 == 1
run
sleep 1500
pause
x/1xg wp_counter
info break
echo mark-false
condition 1 1 / ($rip - $rip)
run
wait stop 60
echo mark-error
condition 1
run
wait stop 60
info break
echo mark-end
condition 1 no_such_symbol == 1
SCRIPT
run_hvmon 150 "$TMP/out" --batch -x "$TMP/script" -m 32M -a watchloop=1 "$G"
o=$TMP/out
expect_status "$status" 2 "the script ran to its deliberate error (the last command)"
expect_line "$o" "Will ignore next 3 crossings of breakpoint 1." "ignore 1 3 says so"
expect_line "$o" "	Will ignore next 3 crossings of breakpoint." "info break shows the ignore count"
expect_between "$o" mark-set mark-ignored "old 0x0000000000000003 new 0x0000000000000004" "the stop is the fourth store"
expect_between "$o" mark-set mark-ignored "	breakpoint already hit 4 times" "hit 4 times: three ignored, one stop"
expect_not_between "$o" mark-set mark-ignored "Will ignore next" "the ignore count is used up"
expect_not_between "$o" mark-ignored mark-false "vCPU 0: watchpoint 1" "a condition that never holds: no stop"
expect_between "$o" mark-ignored mark-false "paused: " "the guest was still running when paused"
expect_between "$o" mark-ignored mark-false "	stop only if 0 == 1" "info break shows the condition"
expect_between "$o" mark-ignored mark-false "	breakpoint already hit 4 times" "false hits are not counted"
# The counter moved on past 4 while the condition kept failing.
now=$(between "$o" mark-ignored mark-false | sed -n "s/^$(printf '0x%016x' "$counter"): \(0x[0-9a-f]*\)\$/\1/p")
if [ -n "$now" ] && [ $((now)) -gt 4 ]; then ok "the guest ran on (counter $((now)))"; else
	fail "the counter did not move past 4 under a false condition ($now)"; fi
expect_between "$o" mark-false mark-error "Error in testing condition for breakpoint 1:" "an unevaluable condition stops with gdb's words"
expect_between "$o" mark-false mark-error "division by zero" "and says why"
expect_between "$o" mark-false mark-error "stopped: reason=watchpoint" "it stopped"
expect_between "$o" mark-error mark-end "Breakpoint 1 now unconditional." "condition 1 clears it"
expect_between "$o" mark-error mark-end "stopped: reason=watchpoint" "the next store stops"
expect_between "$o" mark-error mark-end "	breakpoint already hit 6 times" "hit 6 times (4, the error's, this one)"
expect_not_between "$o" mark-error mark-end "stop only if" "no condition left"
expect_line "$o" "error: unknown symbol no_such_symbol" "a condition naming no symbol is refused when set"
finish
