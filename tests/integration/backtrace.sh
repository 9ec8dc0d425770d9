#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bt, frame selection and finish on the test guest, which has no ORC and
# is built with frame pointers (tests/guest/guest.mk): stopped in the loop
# of count_loop, three calls deep (pvh_start64 -> pvh_main -> guest_main ->
# count_loop), the frames are exactly the return addresses objdump shows
# after each call, ending at the zero frame pointer the vCPU starts with.
# up/info frame/x then read frame #1's registers, and finish from the
# middle of count_loop returns to guest_main once the loop has run.
. tests/integration/lib.sh
need_kvm
need_int3_exits
G=$TESTGUEST/testguest.elf
sym() { nm "$G" | awk -v s="$1" '$3 == s { print "0x" substr($1, match($1, /[1-9a-f]/)) }'; }
# The address of the instruction after each call to $1 ("a b" when two).
after_calls() {
	objdump -d --no-show-raw-insn "$G" | awk -v f="<$1>" '
		want { sub(":", "", $1); printf "%s0x%s", sep, $1; sep = " "; want = 0 }
		$NF == f && $(NF - 2) == "call" { want = 1 }'
}
hex16() { printf '0x%016x' "$1"; }
loop=$(sym count_loop)
in_loop=$(objdump -d --no-show-raw-insn "$G" |
	awk '/<count_loop>:/ { on = 1; next } on && /guest_counter/ { sub(":", "", $1); print "0x" $1; exit }')
ret1=$(after_calls count_loop)
ret2s=$(after_calls guest_main)
ret3=$(after_calls pvh_main)
if [ -z "$in_loop" ] || [ -z "$ret1" ] || [ -z "$ret2s" ] || [ -z "$ret3" ]; then
	fail "objdump did not show count_loop's loop or the call sites ($in_loop/$ret1/$ret2s/$ret3)"
	finish
fi

cat >"$TMP/script" <<SCRIPT
break $in_loop
run
wait stop 20
bt
where 2
up
info frame
sym \$rip
info registers rip rsp
regs
x/1xg \$rsp
frame 3
down 2
frame 0
delete 1
finish
x/1xg guest_counter
bt
frame 9
SCRIPT
run_hvmon 90 "$TMP/out" --batch -x "$TMP/script" -m 32M -a "exit=hlt" "$G"
o=$TMP/out
# frame 9 is a deliberate error: batch mode ends with status 2 at it.
expect_status "$status" 2 "the script ran to its deliberate error (frame 9)"
expect_line "$o" "stopped: reason=breakpoint rip=$in_loop" "stopped in count_loop's loop"
expect_line "$o" "#0  $(hex16 "$in_loop") in count_loop+0x$(printf %x $((in_loop - loop)))" \
	"#0 is where the vCPU is"
expect_line "$o" "#1  $(hex16 "$ret1") in guest_main+" "#1 returns after guest_main's call to count_loop"
found=
for r in $ret2s; do grep -qF "#2  $(hex16 "$r") in pvh_main+" "$o" && found=$r; done
if [ -n "$found" ]; then ok "#2 returns after a call to guest_main in pvh_main"; else
	fail "#2 is not after a call to guest_main ($ret2s)"; sed 's/^/    | /' "$o" | tail -30; fi
expect_line "$o" "#3  $(hex16 "$ret3") in pvh_start64+" "#3 returns after the entry code's call to pvh_main"
expect_line "$o" "(end of stack: the frame pointer is 0 (outermost frame))" "ends at the zero frame pointer"
expect_no_line "$o" "#4 " "nothing past the outermost frame"
expect_line "$o" "(stopped after 2 frames)" "bt N shows N frames"
# Frame lines: bt and 'frame 3' show #3; bt, 'where 2', up, info frame and
# 'down 2' (from #3) show #1.
expect_count() {
	n=$(grep -cF -- "$2" "$o")
	if [ "$n" -eq "$1" ]; then ok "$3"; else fail "$3: '$2' $n times, wanted $1"; fi
}
expect_count 2 "#3  $(hex16 "$ret3") in pvh_start64+" "frame 3 selects the outermost frame"
expect_count 5 "#1  $(hex16 "$ret1") in guest_main+" "up, info frame and down 2 from #3 show #1"
expect_line "$o" "  found by the frame-pointer chain" "info frame: frame #1 came from the frame pointers"
expect_line "$o" "  rule: frame pointer: cfa=rbp+16, rbp at rbp" "info frame: guest_main's frame rule"
expect_line "$o" "$(printf 0x%x "$ret1")=guest_main+" "in frame #1, \$rip is frame #1's pc"
expect_line "$o" "rip            $(printf 0x%-18x "$ret1") <guest_main+" "info registers rip: frame #1's"
expect_line "$o" "frame #1 (registers the unwind recovered" "regs in frame #1 shows that frame's"
expect_line "$o" "rip=$(printf 0x%016x "$ret1")" "regs: frame #1's rip"
expect_line "$o" "rbx=<not saved>" "regs: a register the frame-pointer unwind does not recover"
expect_line "$o" "error: no frame #9: the stack has 3" "frame beyond the stack (3 after finish): an error"
expect_line "$o" "running to $(printf 0x%x "$ret1") <guest_main+" "finish runs to count_loop's return address"
expect_line "$o" "vcpu=0 rip=$(printf 0x%x "$ret1") <guest_main+" "finish stopped in guest_main"
expect_line "$o" "$(hex16 "$(sym guest_counter)"): 0x0000000000000005" "the loop had finished: counter 5"
expect_line "$o" "#0  $(hex16 "$ret1") in guest_main+" "after finish, guest_main is frame #0"
finish
