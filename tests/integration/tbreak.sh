#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tbreak on the test guest's count_loop, whose loop body runs five times:
# the guest stops at the first pass only (counter still 0), the
# breakpoint is gone after that stop, and the guest runs to its end with
# the counter at 5 and no other stop.
. tests/integration/lib.sh
need_kvm
need_int3_exits
G=$TESTGUEST/testguest.elf
sym() { nm "$G" | awk -v s="$1" '$3 == s { print "0x" substr($1, match($1, /[1-9a-f]/)) }'; }
in_loop=$(objdump -d --no-show-raw-insn "$G" |
	awk '/<count_loop>:/ { on = 1; next } on && /guest_counter/ { sub(":", "", $1); print "0x" $1; exit }')
counter=$(printf '0x%016x' "$(sym guest_counter)")
cat >"$TMP/script" <<SCRIPT
tbreak $in_loop
run
wait stop 20
x/1xg guest_counter
info break
echo after-info
run
wait "hvmon-testguest: done" 20
pause
x/1xg guest_counter
quit
SCRIPT
run_hvmon 90 "$TMP/out" --batch -x "$TMP/script" -m 32M -a "exit=hlt" "$G"
o=$TMP/out
expect_status "$status" 0 "the script ran"
expect_line "$o" "breakpoint 1 at $in_loop <count_loop+" "tbreak sets breakpoint 1 in the loop"
expect_line "$o" "(temporary: deleted when it is hit)" "said to be temporary"
n=$(grep -c "stopped: reason=breakpoint rip=$in_loop" "$o")
if [ "$n" -eq 1 ]; then ok "one stop in the loop"; else fail "$n stops in the loop, wanted 1"; fi
expect_line "$o" "temporary breakpoint 1 deleted" "deleted at its hit"
expect_line "$o" "$counter: 0x0000000000000000" "stopped at the first pass (counter 0)"
if sed -n '/^temporary breakpoint 1 deleted/,/^after-info/p' "$o" | grep -q "^id=1 "; then
	fail "info break still lists breakpoint 1"
else
	ok "info break no longer lists it"
fi
expect_line "$o" "hvmon-testguest: done" "the guest ran to its end"
expect_line "$o" "$counter: 0x0000000000000005" "the loop ran five times"
finish
