#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Exit statistics are exact: the benchmarks' guest (bench/guest/exitloop.S)
# makes exactly IO port writes to 0x80 and MMIO 32-bit writes to
# 0xc0000000, then ends with a triple fault; before it runs, STEPS
# single-steps (one KVM_EXIT_DEBUG each) take it from its entry into its
# port loop, so some of those steps are port writes completed between two
# debug exits. `info exits`, `info kvm` and `info cpus` must then count
# every exit of each kind exactly once, and `trace last` show the last ones
# with their RIP.
. tests/integration/lib.sh
need_kvm
G=${EXITLOOP:-$BUILD/bench/exitloop.elf}
IO=3000 MMIO=700 STEPS=150
if [ ! -e "$G" ]; then
	fail "$G missing (make guest builds it)"
	finish
fi
TOTAL=$((IO + MMIO + 1 + STEPS))

cat >"$TMP/count.script" <<SCRIPT
step $STEPS
run
wait stop 600
info exits
info kvm
info cpus
trace last 2
quit
SCRIPT
# Not --batch, which ends hvmon with the guest: the monitor reads the
# statistics after the guest's end, and `quit` ends it.
run_hvmon 900 "$TMP/count.out" --console stdio -x "$TMP/count.script" -m 32M \
	-a "io=$IO mmio=$MMIO" "$G"
expect_status "$status" 0 "the script ran to its end"
expect_line "$TMP/count.out" "guest triple fault" "the guest ended in its triple fault"
expect_line "$TMP/count.out" "stopped: reason=guest-end" "wait stop saw the guest's end"
expect_line "$TMP/count.out" "vcpu=0 exits=$TOTAL " "info exits: $TOTAL exits in all"
expect_line "$TMP/count.out" "vcpu=0 reason=IO count=$IO " "info exits: $IO port-I/O exits"
expect_line "$TMP/count.out" "vcpu=0 reason=MMIO count=$MMIO " "info exits: $MMIO MMIO exits"
expect_line "$TMP/count.out" "vcpu=0 reason=DEBUG count=$STEPS " "info exits: $STEPS debug exits, one a step"
expect_line "$TMP/count.out" "vcpu=0 reason=SHUTDOWN count=1 " "info exits: one shutdown"
expect_line "$TMP/count.out" "vcpu=0 port=0x80 count=$IO reads=0 writes=$IO " "info exits: port 0x80"
expect_line "$TMP/count.out" "vcpu=0 mmio=0xc0000000 count=$MMIO reads=0 writes=$MMIO " \
	"info exits: MMIO address 0xc0000000"
n=$(grep -c '^vcpu=0 reason=' "$TMP/count.out")
if [ "$n" -eq 4 ]; then ok "info exits: four reasons"; else fail "info exits: $n reasons"; fi
expect_line "$TMP/count.out" "vcpu0.exits=$TOTAL" "info kvm: the same total"
expect_line "$TMP/count.out" "vcpu0.exit.IO=$IO" "info kvm: port-I/O exits"
expect_line "$TMP/count.out" "vcpu0.exit.MMIO=$MMIO" "info kvm: MMIO exits"
expect_line "$TMP/count.out" "vcpu0.exit.DEBUG=$STEPS" "info kvm: debug exits"
expect_line "$TMP/count.out" "vcpu0.exit.SHUTDOWN=1" "info kvm: the shutdown"
if grep -qE "^.cpu=0 .* exits=$TOTAL\$" "$TMP/count.out"; then
	ok "info cpus: the same total"
else
	fail "info cpus: no cpu=0 line with exits=$TOTAL"; grep 'cpu=0' "$TMP/count.out"
fi
if grep -qE '^vcpu=0 t=\+[0-9.]+ rip=0x[0-9a-f]+ MMIO write addr=0xc0000000 size=4 ' "$TMP/count.out" &&
   grep -qE '^vcpu=0 t=\+[0-9.]+ rip=0x[0-9a-f]+ SHUTDOWN' "$TMP/count.out"; then
	ok "trace last 2: the last MMIO write and the shutdown, with RIP"
else
	fail "trace last 2"; grep '^vcpu=0 t=' "$TMP/count.out"
fi
finish
