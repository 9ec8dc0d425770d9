#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# virtio-blk request cost, hvmon against QEMU in the same run (bench/README.md).
# The same test guest image on both: booted through PVH, one virtio-blk on
# virtio-mmio, N sequential 4 KiB reads polled without interrupts
# (virtiobench=N, tests/guest/README.md "Benchmark"), then a triple fault
# ends the VM. Each VMM runs R times with N=1 and with N=$N; the medians'
# difference over N-1 is the cost of one request, the N=1 median the cost
# of starting and ending the VM. Reported as ratios hvmon/QEMU (lower is
# better for hvmon), with hvmon's userspace exits per request from
# `info exits` (a kick absorbed by the ioeventfd is not one).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
HVMON=${HVMON:-$BUILD/hvmon}
G=${TESTGUEST:-$BUILD/testguest}/testguest.elf
QEMU=${QEMU:-qemu-system-x86_64}
N=${N:-2000}
R=${R:-5}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvmon-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

for f in "$HVMON" "$G"; do
	[ -e "$f" ] || { echo "bench: $f missing (make all guest)" >&2; exit 2; }
done
command -v "$QEMU" >/dev/null || { echo "bench: $QEMU missing (scripts/install-bench-deps.sh)" >&2; exit 2; }
[ -c /dev/kvm ] || { echo "bench: no /dev/kvm" >&2; exit 2; }
[ "$N" -gt 1 ] 2>/dev/null || { echo "bench: N=$N: the number of reads must be at least 2" >&2; exit 2; }
head -c $((16 * 1024 * 1024)) /dev/zero >"$TMP/disk.img"

now_ns() { date +%s%N; }

# QEMU's microvm puts its first virtio-mmio device in its last slot (23),
# 0x200 bytes from 0xfeb00000 each; the kernel command line names it, as
# for hvmon. The test guest polls: the IRQ number does not matter.
run_qemu() {
	"$QEMU" -enable-kvm -M microvm -m 64M -nographic -no-reboot -nodefaults -serial stdio \
		-global virtio-mmio.force-legacy=false \
		-drive id=d0,file="$TMP/disk.img",format=raw,if=none -device virtio-blk-device,drive=d0 \
		-kernel "$G" -append "virtio=blk virtiobench=$1 exit=triple virtio_mmio.device=512@0xfeb02e00:28"
}

run_hvmon() {
	"$HVMON" --batch --virtio mmio --disk "$TMP/disk.img" -m 64M \
		-a "virtio=blk virtiobench=$1 exit=triple" "$G"
}

# median_ns VMM N: median wall time of R runs; each must finish its reads.
median_ns() {
	for _ in $(seq "$R"); do
		t0=$(now_ns)
		"run_$1" "$2" >"$TMP/out" 2>&1 </dev/null || true
		t1=$(now_ns)
		if ! grep -q "virtio-blk: bench $2 reads of 4096 bytes ok" "$TMP/out"; then
			echo "bench: $1 did not finish its $2 reads:" >&2
			tail -5 "$TMP/out" >&2
			exit 1
		fi
		echo $((t1 - t0))
	done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# hvmon's userspace exits for a run of N requests (vcpu=0 exits=...).
hvmon_exits() {
	printf 'run\nwait "virtio-blk: bench %s reads" 300\nsleep 100\npause\ninfo exits\nquit\n' "$1" \
		>"$TMP/script"
	"$HVMON" --batch -x "$TMP/script" --virtio mmio --disk "$TMP/disk.img" -m 64M \
		-a "virtio=blk virtiobench=$1 exit=hlt" "$G" 2>&1 </dev/null |
		sed -n 's/^vcpu=0 exits=\([0-9]*\) .*/\1/p' | head -1
}

# The baseline is a bench run of one read: the same boot and driver start
# (virtiobench=0 would run the driver's full check, flush included).
h1=$(median_ns hvmon 1)
hn=$(median_ns hvmon "$N")
q1=$(median_ns qemu 1)
qn=$(median_ns qemu "$N")
e0=$(hvmon_exits 1)
en=$(hvmon_exits "$N")
if [ -z "$e0" ] || [ -z "$en" ]; then
	echo "bench: hvmon's info exits gave no count" >&2
	exit 1
fi
awk -v h1="$h1" -v hn="$hn" -v q1="$q1" -v qn="$qn" -v n="$N" -v r="$R" -v e0="$e0" -v en="$en" \
	-v qemu="$("$QEMU" --version | head -1)" 'BEGIN {
	hreq = (hn - h1) / (n - 1) / 1000; qreq = (qn - q1) / (n - 1) / 1000
	printf "virtio-blk, %d sequential 4 KiB reads over virtio-mmio, median of %d runs\n", n, r
	printf "peer: %s, -M microvm\n", qemu
	printf "%-28s %12s %12s %8s\n", "", "hvmon", "qemu", "ratio"
	printf "%-28s %12.1f %12.1f %8.2f\n", "start to end, ms (N=1)", h1 / 1e6, q1 / 1e6, h1 / q1
	printf "%-28s %12.2f %12.2f %8.2f\n", "per request, us", hreq, qreq, hreq / qreq
	printf "hvmon userspace exits per request: %.3f\n", (en - e0) / (n - 1)
}'
# BENCH_TABLE (bench/README.md "One table"): the rows above, tab-separated
# (bench, row, unit, hvmon, qemu, bare), for bench/table.sh.
if [ -n "${BENCH_TABLE:-}" ]; then
	awk -v h1="$h1" -v hn="$hn" -v q1="$q1" -v qn="$qn" -v n="$N" -v e0="$e0" -v en="$en" 'BEGIN {
		printf "virtio_blk\tstart to end (N=1)\tms\t%.1f\t%.1f\t\n", h1 / 1e6, q1 / 1e6
		printf "virtio_blk\tper request\tus\t%.2f\t%.2f\t\n", (hn - h1) / (n - 1) / 1000, (qn - q1) / (n - 1) / 1000
		printf "virtio_blk\tuserspace exits per request\texits\t%.3f\t\t\n", (en - e0) / (n - 1)
	}' >>"$BENCH_TABLE"
fi
