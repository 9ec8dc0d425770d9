#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Pausing N vCPUs, hvmon against QEMU in the same run (bench/README.md):
# the median time from a pause request to every vCPU parked, for 1, 4 and
# 16 vCPUs. The same test guest on both, booted through PVH with smp=on
# (tests/guest/README.md, "SMP"): every AP runs its ring-0 loop, the BSP
# sits in HLT. hvmon: the monitor's `pause`, whose parked_ms is the time
# from the request until the last vCPU thread has parked. QEMU (-M
# microvm, with its PIT for the guest's INIT/SIPI delays): QMP `stop`,
# which returns once every vCPU is paused (pause_all_vcpus); its time
# includes the QMP socket's round trip.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${BUILD:-build}
HVMON=${HVMON:-$BUILD/hvmon}
G=${TESTGUEST:-$BUILD/testguest}/testguest.elf
QEMU=${QEMU:-qemu-system-x86_64}
R=${R:-50}
CPUS=${CPUS:-1 4 16}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvmon-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

for f in "$HVMON" "$G"; do
	[ -e "$f" ] || { echo "bench: $f missing (make all guest)" >&2; exit 2; }
done
command -v "$QEMU" >/dev/null || { echo "bench: $QEMU missing (scripts/install-bench-deps.sh)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench: python3 missing" >&2; exit 2; }
[ -c /dev/kvm ] || { echo "bench: no /dev/kvm" >&2; exit 2; }
[ "$R" -ge 1 ] 2>/dev/null || { echo "bench: R=$R: at least one pause" >&2; exit 2; }

# BENCH_TABLE (bench/README.md "One table"): each row also goes there as
# bench, row, unit, hvmon, qemu, bare, tab-separated, for bench/table.sh.
table_row() { [ -z "${BENCH_TABLE:-}" ] || printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_TABLE"; }

# hvmon_ms N: median parked_ms of R pauses of N vCPUs, each after 20 ms of running.
hvmon_ms() {
	{
		printf 'run\nwait "smp: %s cpus online" 300\n' "$1"
		for _ in $(seq "$R"); do printf 'sleep 20\npause\nrun\n'; done
		printf 'quit\n'
	} >"$TMP/script"
	"$HVMON" --batch -x "$TMP/script" -c "$1" -m 64M -a "smp=on cpus=$1 exit=hlt" "$G" \
		>"$TMP/hvmon.out" 2>&1 </dev/null || true
	n=$(grep -c "parked_ms=" "$TMP/hvmon.out" || true)
	if [ "$n" -ne "$R" ]; then
		echo "bench: hvmon with $1 vCPUs parked $n of $R times:" >&2
		tail -5 "$TMP/hvmon.out" >&2
		exit 1
	fi
	sed -n 's/.*parked_ms=\([0-9.]*\).*/\1/p' "$TMP/hvmon.out" | median
}

# qemu_ms N: median time of R QMP stops of N vCPUs, each after 20 ms of cont.
qemu_ms() {
	rm -f "$TMP/qmp.sock" "$TMP/qemu.serial"
	"$QEMU" -enable-kvm -M microvm,pit=on -smp "$1" -m 64M -display none -no-reboot -nodefaults \
		-serial file:"$TMP/qemu.serial" -qmp unix:"$TMP/qmp.sock",server=on,wait=off \
		-kernel "$G" -append "smp=on cpus=$1 exit=hlt" >"$TMP/qemu.out" 2>&1 </dev/null &
	qpid=$!
	python3 - "$TMP/qmp.sock" "$TMP/qemu.serial" "$1" "$R" <<'PY' || { kill "$qpid" 2>/dev/null; exit 1; }
import json, os, socket, statistics, sys, time
sock_path, serial, ncpu, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
deadline = time.monotonic() + 300
want = f"smp: {ncpu} cpus online"
while True:
    try:
        if want in open(serial, errors="replace").read():
            break
    except FileNotFoundError:
        pass
    if time.monotonic() > deadline:
        sys.exit(f"bench: QEMU with {ncpu} vCPUs never printed '{want}'")
    time.sleep(0.05)
s = socket.socket(socket.AF_UNIX)
s.connect(sock_path)
f = s.makefile("rw")
def command(name):
    f.write(json.dumps({"execute": name}) + "\n")
    f.flush()
    while True:  # events (STOP, RESUME) may come first
        reply = json.loads(f.readline())
        if "return" in reply:
            return
        if "error" in reply:
            sys.exit(f"bench: QMP {name}: {reply['error']}")
json.loads(f.readline())  # the greeting
command("qmp_capabilities")
times = []
for _ in range(rounds):
    time.sleep(0.020)
    t0 = time.monotonic_ns()
    command("stop")
    times.append((time.monotonic_ns() - t0) / 1e6)
    command("cont")
command("quit")
print(f"{statistics.median_low(times):.3f}")
PY
	wait "$qpid" 2>/dev/null || true
}

echo "pause N vCPUs (each AP in a ring-0 loop, the BSP halted), median of $R pauses"
echo "peer: $("$QEMU" --version | head -1), -M microvm,pit=on, QMP stop"
printf '%-28s %12s %12s %8s\n' "" "hvmon" "qemu" "ratio"
for n in $CPUS; do
	h=$(hvmon_ms "$n")
	q=$(qemu_ms "$n")
	awk -v n="$n" -v h="$h" -v q="$q" 'BEGIN {
		printf "%-28s %12.3f %12.3f %8.2f\n", sprintf("pause %d vCPU%s, ms", n, n > 1 ? "s" : ""), h, q, h / q
	}'
	table_row pause "pause $n vCPU$([ "$n" -eq 1 ] || echo s)" ms "$h" "$q" ""
done
