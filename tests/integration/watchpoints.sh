#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Watchpoints from memory protection and hardware breakpoints on the test
# guest's watchloop= (tests/guest/watch.c): a write, a read and an access
# watch stop after the instruction with the old and new value; a watch of
# one byte in a page the guest writes everywhere else never stops but
# costs exits, which end when it is deleted; a range across two pages; 100
# watchpoints at once; an instruction fetched from a read-watched page runs
# on; a buffer virtio-blk fills stops the machine naming the device, queue
# and request; hbreak stops at a function, resumes past it and stops again.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf
sym() { nm "$G" | awk -v s="$1" '$3 == s { print "0x" substr($1, match($1, /[1-9a-f]/)) }'; }
hex() { printf '0x%x' "$1"; }
page() { printf '0x%x' $(($1 & ~4095)); }
# field FILE PATTERN NAME: the number after NAME= on the last line of FILE
# holding PATTERN.
field() { grep -F -- "$2" "$1" | tail -1 | sed -n "s/.*[ ]$3=\([0-9]*\).*/\1/p"; }

counter=$(sym wp_counter) input=$(sym wp_input) wp_page=$(sym wp_page) span=$(sym wp_span)
tick=$(sym wp_tick) code=$(sym wp_code) blk_data=$(sym blk_data)
ARGS="-m 32M -a watchloop=1 $G"

# A write watch: the first store to wp_counter (0 -> 1) in wp_tick, then,
# resumed, the next one (1 -> 2).
cat >"$TMP/write.script" <<'SCRIPT'
watch wp_counter 8
run
wait stop 60
x/1xg wp_counter
run
wait stop 60
info break
quit
SCRIPT
run_hvmon 150 "$TMP/write.out" --batch -x "$TMP/write.script" $ARGS
o=$TMP/write.out
expect_status "$status" 0 "write watch: the script ran"
expect_line "$o" "watchpoint 1 (write) at $counter <wp_counter> len 8: physical $counter, page $(page "$counter")" "watch names the physical address and page"
expect_line "$o" "vCPU 0: watchpoint 1 (write wp_counter): wrote 8 bytes at $counter (page $(page "$counter")): old 0x0000000000000000 new 0x0000000000000001" "first store: old 0, new 1"
expect_line "$o" "<wp_tick+" "the stop is after the store, inside wp_tick"
expect_line "$o" "stopped: reason=watchpoint" "wait stop says watchpoint"
expect_line "$o" "$(printf '0x%016x' "$counter"): 0x0000000000000001" "the store was completed"
expect_line "$o" "old 0x0000000000000001 new 0x0000000000000002" "resumed: the next store, 1 -> 2"
expect_line "$o" "id=1 watch wp_counter phys=$counter len=8 page=$(page "$counter") hits=2" "info break: two hits"

# A read watch on wp_input (0x1234), and an access watch on wp_counter.
printf 'rwatch wp_input 8\nrun\nwait stop 60\ninfo break\nquit\n' >"$TMP/read.script"
run_hvmon 150 "$TMP/read.out" --batch -x "$TMP/read.script" $ARGS
o=$TMP/read.out
expect_status "$status" 0 "read watch: the script ran"
expect_line "$o" "vCPU 0: watchpoint 1 (read wp_input): read 8 bytes at $input (page $(page "$input")): value 0x0000000000001234" "rwatch: the read, with its value"
expect_line "$o" "<watch_loop+" "rwatch: stopped in watch_loop, after the load"
expect_line "$o" "id=1 rwatch wp_input phys=$input len=8 page=$(page "$input") hits=1" "info break: rwatch hit once"

printf 'awatch wp_counter 8\nrun\nwait stop 60\nquit\n' >"$TMP/access.script"
run_hvmon 150 "$TMP/access.out" --batch -x "$TMP/access.script" $ARGS
expect_line "$TMP/access.out" "vCPU 0: watchpoint 1 (access wp_counter): wrote 8 bytes at $counter" "awatch: the store hits"

# One byte the loop never writes, in a page it writes everywhere else: no
# stop, but exits; deleted, the exits stop.
cat >"$TMP/quiet.script" <<'SCRIPT'
watch wp_page+0x80 1
run
sleep 1500
pause
info break
info exits
run
sleep 1500
pause
info break
info exits
delete 1
info break
run
sleep 500
pause
info exits
run
sleep 1500
pause
info exits
quit
SCRIPT
run_hvmon 150 "$TMP/quiet.out" --batch -x "$TMP/quiet.script" $ARGS
o=$TMP/quiet.out
expect_status "$status" 0 "quiet byte: the script ran"
expect_no_line "$o" "vCPU 0: watchpoint" "quiet byte: no false stop"
expect_line "$o" "id=1 watch wp_page+0x80 phys=$(hex $((wp_page + 0x80))) len=1 page=$wp_page hits=0 exits=" "info break: no hit"
grep -F "vcpu=0 exits=" "$o" | sed 's/.* exits=\([0-9]*\).*/\1/' >"$TMP/exits"
grep -F "id=1 watch wp_page" "$o" | sed 's/.* exits=\([0-9]*\).*/\1/' >"$TMP/wexits"
w1=$(sed -n 1p "$TMP/wexits") w2=$(sed -n 2p "$TMP/wexits")
a=$(sed -n 1p "$TMP/exits") b=$(sed -n 2p "$TMP/exits") c=$(sed -n 3p "$TMP/exits") d=$(sed -n 4p "$TMP/exits")
if [ -n "$w2" ] && [ "$w1" -gt 0 ] && [ "$w2" -gt "$w1" ]; then
	ok "quiet byte: the page's silent exits are counted and grow ($w1, then $w2)"
else
	fail "quiet byte: watch exits '$w1' then '$w2'"
fi
# The loop writes 4095 bytes of the page a round: thousands of exits in
# 1.5 s while watched; none of its own once deleted (a few allowed for
# whatever else a host may exit for).
if [ -n "$d" ] && [ $((b - a)) -gt 1000 ] && [ $((d - c)) -lt 10 ]; then
	ok "quiet byte: $((b - a)) exits in 1.5 s watched, $((d - c)) after delete"
else
	fail "quiet byte: vCPU exits $a $b (watched), $c $d (deleted)"
fi

# A range across two pages: the 8-byte store at wp_span+4092 is split by
# the page boundary; ~0 is stored first.
printf 'watch wp_span+4090 12\nrun\nwait stop 60\ninfo break\nquit\n' >"$TMP/span.script"
run_hvmon 150 "$TMP/span.out" --batch -x "$TMP/span.script" $ARGS
o=$TMP/span.out
expect_line "$o" "page $(page "$span") to $(page $((span + 4096)))" "the watch covers both pages"
expect_line "$o" "vCPU 0: watchpoint 1 (write wp_span+4090): wrote" "the store across the boundary hits"
expect_line "$o" "new 0xffffffff" "with the new value"
expect_line "$o" "page=$(page "$span")-$(page $((span + 4096)))" "info break shows both pages"

# 100 watchpoints: 99 on pages the guest never touches (every other page
# from 2 MiB, write, read and access in turn) and wp_counter's.
{
	i=0
	while [ $i -lt 99 ]; do
		case $((i % 3)) in 0) k=watch ;; 1) k=rwatch ;; *) k=awatch ;; esac
		printf '%s 0x%x 8 phys\n' $k $((0x200000 + i * 0x2000))
		i=$((i + 1))
	done
	printf 'watch wp_counter 8\nrun\nwait stop 60\ninfo break\nquit\n'
} >"$TMP/many.script"
run_hvmon 150 "$TMP/many.out" --batch -x "$TMP/many.script" $ARGS
o=$TMP/many.out
expect_status "$status" 0 "100 watchpoints: the script ran"
expect_line "$o" "vCPU 0: watchpoint 100 (write wp_counter): wrote 8 bytes at $counter" "the 100th hits"
n=$(grep -c '^id=[0-9]* [ra]*watch ' "$o")
if [ "$n" -eq 100 ]; then ok "info break lists 100 watchpoints"; else fail "info break lists $n watchpoints"; fi
expect_line "$o" "id=50 rwatch 0x262000 phys=0x262000 len=8 page=0x262000 hits=0 exits=0" "an untouched one: no exits"

# An instruction fetched from a read-watched page (wp_code) runs: the
# loop goes on without a stop, and the steps are counted.
printf 'rwatch wp_code 1\nrun\nsleep 1500\npause\ninfo break\nx/1xg wp_counter\nquit\n' >"$TMP/fetch.script"
run_hvmon 150 "$TMP/fetch.out" --batch -x "$TMP/fetch.script" $ARGS
o=$TMP/fetch.out
expect_no_line "$o" "vCPU 0: watchpoint" "fetch: no stop (a fetch is no read)"
rounds=$(grep -F "$(printf '0x%016x' "$counter"):" "$o" | tail -1 | sed 's/.*: //')
if [ -n "$rounds" ] && [ $((rounds)) -gt 2 ]; then
	ok "fetch: the loop ran on through wp_code ($((rounds)) rounds)"
else
	fail "fetch: wp_counter '$rounds' after 1.5 s"
fi
e=$(field "$o" "rwatch wp_code" exits)
if [ -n "$e" ] && [ "$e" -gt 0 ]; then ok "fetch: $e stepped fetches counted"; else fail "fetch: exits '$e'"; fi

# virtio-blk's 4 KiB read of sectors 0-7 into blk_data stops the machine,
# naming the device, queue and request, with the data written.
new_disk "$TMP/disk.img"
printf 'watch %s 8\nrun\nwait stop 60\nx/1xg %s\ninfo break\nquit\n' "$blk_data" "$blk_data" >"$TMP/dma.script"
run_hvmon 150 "$TMP/dma.out" --batch -x "$TMP/dma.script" --disk "$TMP/disk.img" -m 64M \
	-a "virtio=blk exit=hlt" "$G"
o=$TMP/dma.out
expect_status "$status" 0 "dma: the script ran"
expect_line "$o" "watchpoint 1: blk0 queue 0 wrote 4096 bytes at $blk_data (request: blk read sector 0 len 4096)" "the device's write stops, naming blk0, queue 0 and the request"
first=$(od -An -tx8 -N8 "$TMP/disk.img" | tr -d ' ')
expect_line "$o" "$(printf '0x%016x' "$blk_data"): 0x$first" "the sector data is in the buffer"
expect_line "$o" "dma-hits=1" "info break counts the device hit"
expect_line "$o" "stopped: reason=watchpoint" "wait stop: a watchpoint"
expect_no_line "$o" "reason=watchpoint rip=" "a device's stop has no RIP"

# hbreak on wp_tick: stops there, resumes past it, stops there again;
# guest memory keeps wp_tick's own first byte.
if ! dr_breakpoints_fire; then
	echo "skipped part: hbreak (an execution breakpoint in DR0 never fires in QEMU's TCG, scripts/nested-kvm.sh)"
	finish
fi
printf 'hbreak wp_tick\nrun\nwait stop 60\nx/1bx wp_tick\nrun\nwait stop 60\ninfo break\nquit\n' >"$TMP/hb.script"
run_hvmon 150 "$TMP/hb.out" --batch -x "$TMP/hb.script" $ARGS
o=$TMP/hb.out
expect_status "$status" 0 "hbreak: the script ran"
expect_line "$o" "hardware breakpoint 1 at $tick <wp_tick>" "hbreak is set (no refusal)"
expect_line "$o" "vCPU 0: hardware breakpoint 1 at $tick" "hbreak hit"
n=$(grep -c "stopped: reason=breakpoint rip=$tick" "$o")
if [ "$n" -eq 2 ]; then ok "hbreak: stopped at wp_tick twice"; else fail "hbreak: $n stops at wp_tick"; fi
byte=$(objdump -d --start-address=$((tick)) --stop-address=$((tick + 1)) "$G" |
	awk -v a="${tick#0x}:" '$1 == a { print $2; exit }')
expect_line "$o" "$(printf '0x%016x' "$tick"): 0x$byte" "guest memory holds wp_tick's own byte"
expect_line "$o" "hits=2 hardware" "info break: two hits"
finish
