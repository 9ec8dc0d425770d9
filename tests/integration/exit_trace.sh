#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Exit statistics and tracing on the test guest, which writes its report to
# COM1 polling the line status register: `info exits` counts the port-I/O
# exits on 0x3f8 and 0x3fd with hvmon's time on them, `trace last` shows
# the last exits with their RIP, `trace on` prints exits while the guest
# runs (all of them, or those a filter passes) and `trace off` stops it.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf
LINE='^vcpu=0 t=\+[0-9]+\.[0-9]{6} rip=0x[0-9a-f]+ '

# count_lines FILE REGEX: how many lines match the extended regex.
count_lines() {
	grep -cE -- "$2" "$1"
}

cat >"$TMP/all.script" <<'SCRIPT'
trace on
run
wait "hvmon-testguest: done" 20
trace off
pause
trace last 5
info exits
quit
SCRIPT
run_hvmon 60 "$TMP/all.out" --batch -x "$TMP/all.script" -m 32M -a "exit=hlt" "$G"
expect_status "$status" 0 "trace, info exits and quit on a halted guest"
expect_line "$TMP/all.out" "trace=on filter=all" "trace on reports its filter"
expect_line "$TMP/all.out" "IO out port=0x3f8 size=1 data=0x" "live trace shows COM1 writes"
expect_line "$TMP/all.out" "IO in port=0x3fd size=1 data=0x" "live trace shows LSR polls"
n=$(count_lines "$TMP/all.out" "${LINE}IO (in|out) port=0x3f[8d] ")
if [ "$n" -gt 5 ]; then ok "live trace printed $n exits"; else fail "live trace printed $n exits"; fi
expect_line "$TMP/all.out" "trace=off shown=" "trace off reports what was shown"
expect_line "$TMP/all.out" "# handling_us: time in hvmon from KVM_RUN's return" "info exits says what it measures"
expect_line "$TMP/all.out" "vcpu=0 reason=IO count=" "info exits counts IO exits"
if grep -qE '^vcpu=0 port=0x3f8 count=[1-9][0-9]* reads=0 writes=[1-9][0-9]* handling_us=[0-9]+ avg_ns=[1-9]' "$TMP/all.out"; then
	ok "port 0x3f8: writes with their handling time"
else
	fail "no port=0x3f8 line with writes and time"; grep '^vcpu=0 port' "$TMP/all.out"
fi
if grep -qE '^vcpu=0 port=0x3fd count=[1-9][0-9]* reads=[1-9][0-9]* writes=0 handling_us=[0-9]+ avg_ns=[1-9]' "$TMP/all.out"; then
	ok "port 0x3fd: reads with their handling time"
else
	fail "no port=0x3fd line with reads and time"; grep '^vcpu=0 port' "$TMP/all.out"
fi
# trace last 5 comes after "paused"; the live lines all came before.
sed -n '/^paused/,/^# handling_us/p' "$TMP/all.out" >"$TMP/last.out"
n=$(count_lines "$TMP/last.out" "${LINE}IO (in|out) port=0x3f[8d] size=1 data=0x[0-9a-f]+ <")
if [ "$n" -eq 5 ]; then ok "trace last 5: five exits with RIP and symbol"; else fail "trace last 5 printed $n exits"; cat "$TMP/last.out"; fi

# A filter passes only its port; off stops the trace: no exit line after it.
cat >"$TMP/port.script" <<'SCRIPT'
trace on io:0x3f8
run
wait "hvmon-testguest: boot=" 20
trace off
wait "hvmon-testguest: done" 20
trace
pause
info exits
quit
SCRIPT
run_hvmon 60 "$TMP/port.out" --batch -x "$TMP/port.script" -m 32M -a "exit=hlt" "$G"
expect_status "$status" 0 "filtered trace"
expect_line "$TMP/port.out" "trace=on filter=io:0x3f8" "filter io:0x3f8 accepted"
n=$(count_lines "$TMP/port.out" "${LINE}IO out port=0x3f8 ")
if [ "$n" -gt 0 ]; then ok "filtered trace printed $n writes to 0x3f8"; else fail "no 0x3f8 line"; fi
expect_no_line "$TMP/port.out" "port=0x3fd size" "filtered trace leaves out 0x3fd"
if sed -n '/^trace=off/,$p' "$TMP/port.out" | grep -qE "$LINE"; then
	fail "exit lines after trace off"
else
	ok "nothing traced after trace off"
fi
expect_line "$TMP/port.out" "vcpu=0 port=0x3fd count=" "info exits still counts 0x3fd"

printf 'trace on nonsense\n' >"$TMP/bad.script"
run_hvmon 30 "$TMP/bad.out" --batch -x "$TMP/bad.script" -m 32M -a "exit=hlt" "$G"
expect_status "$status" 2 "a bad filter fails the batch"
expect_line "$TMP/bad.out" "error: trace: bad filter 'nonsense'" "bad filter named"
finish
