#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# virtio-blk request cost with the driver in ring 3, hvmon against QEMU in
# the same run (bench/README.md, "virtio_blk.sh"). The same test guest
# image on both: booted through PVH, one virtio-blk on virtio-mmio, set up
# in ring 0, then N reads of one kind made by a loop in ring 3, polled
# without interrupts (virtiobench=N virtiobenchring=3 virtiobenchio=KIND,
# tests/guest/README.md "Benchmark"); back in ring 0 the guest reports and
# a triple fault ends the VM. Each VMM runs each kind with one read and
# with N, round by round, R rounds; the medians' difference over N - 1 is
# the cost of one request. Separate, untimed runs count the userspace
# exits other than port I/O (hvmon's `info exits`, QEMU's kvm_run_exit
# trace events) and take
# hvmon's device-side latency from `trace virtio` (a notification taken to
# its used buffer). With BENCH_TABLE naming a file, one line per row is
# appended to it: bench, row, unit, hvmon, qemu, bare (tab-separated).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${BUILD:-build}
HVMON=${HVMON:-$BUILD/hvmon}
G=${TESTGUEST:-$BUILD/testguest}/testguest.elf
QEMU=${QEMU:-qemu-system-x86_64}
N=${N:-20000}
R=${R:-5}
LAT_N=${LAT_N:-300}
KINDS="rand4k seq64k"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvmon-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

for f in "$HVMON" "$G"; do
	[ -e "$f" ] || { echo "bench: $f missing (make all guest)" >&2; exit 2; }
done
command -v "$QEMU" >/dev/null || { echo "bench: $QEMU missing (scripts/install-bench-deps.sh)" >&2; exit 2; }
[ -c /dev/kvm ] || { echo "bench: no /dev/kvm" >&2; exit 2; }
[ "$N" -gt 1 ] 2>/dev/null || { echo "bench: N=$N: the number of reads must be at least 2" >&2; exit 2; }
[ "$R" -gt 0 ] 2>/dev/null || { echo "bench: R=$R: at least one run" >&2; exit 2; }
# The trace holds 1024 lines, two a request: stay well below.
[ "$LAT_N" -gt 0 ] && [ "$LAT_N" -le 400 ] 2>/dev/null ||
	{ echo "bench: LAT_N=$LAT_N: between 1 and 400 requests" >&2; exit 2; }
# 64 MiB: 16384 blocks of 4 KiB for the random reads, in the host's page
# cache after the first run (what is measured is the VMMs, not the disk).
head -c $((64 * 1024 * 1024)) /dev/zero >"$TMP/disk.img"

now_ns() { date +%s%N; }
bytes_of() { if [ "$1" = seq64k ]; then echo 65536; else echo 4096; fi; }
args() { echo "virtio=blk virtiobench=$2 virtiobenchio=$1 virtiobenchring=3 exit=$3"; }

# QEMU's microvm puts its first virtio-mmio device in its last slot (23),
# 0x200 bytes from 0xfeb00000 each; the kernel command line names it, as
# hvmon's DSDT does for its own. The test guest polls: the IRQ does not
# matter. run_qemu KIND N [QEMU OPTIONS].
run_qemu() {
	k=$1 n=$2
	shift 2
	"$QEMU" -enable-kvm -M microvm -m 64M -nographic -no-reboot -nodefaults -serial stdio \
		-global virtio-mmio.force-legacy=false \
		-drive id=d0,file="$TMP/disk.img",format=raw,if=none -device virtio-blk-device,drive=d0 \
		-kernel "$G" -append "$(args "$k" "$n" triple) virtio_mmio.device=512@0xfeb02e00:28" "$@"
}

run_hvmon() {
	"$HVMON" --batch --virtio mmio --disk "$TMP/disk.img" -m 64M -a "$(args "$1" "$2" triple)" "$G"
}

# expect_done FILE KIND N: the guest finished its reads.
expect_done() {
	if ! grep -qF "virtio-blk: bench $3 reads of $(bytes_of "$2") bytes ok ($2, ring 3)" "$1"; then
		echo "bench: $2 N=$3 did not finish its reads:" >&2
		tail -5 "$1" >&2
		exit 1
	fi
}

# timed VMM KIND N: one run's wall time, appended to its list.
timed() {
	t0=$(now_ns)
	"run_$1" "$2" "$3" >"$TMP/out" 2>&1 </dev/null || true
	t1=$(now_ns)
	expect_done "$TMP/out" "$2" "$3"
	echo $((t1 - t0)) >>"$TMP/$1.$2.$3"
}

# Userspace exits other than port I/O in a run of N reads: the ring-3
# loop cannot touch a port (IOPL 0), so port exits are the guest's serial
# lines, which differ between N=1 and N by the digits of N. hvmon's:
# `info exits` (vcpu=0 exits=... less vcpu=0 reason=IO count=...), the
# guest halting after its line so the monitor can read them.
hvmon_exits() {
	printf 'run\nwait "virtio-blk: bench %s reads" 600\nsleep 100\npause\ninfo exits\nquit\n' "$2" \
		>"$TMP/script"
	"$HVMON" --batch -x "$TMP/script" --virtio mmio --disk "$TMP/disk.img" -m 64M \
		-a "$(args "$1" "$2" hlt)" "$G" >"$TMP/exits.out" 2>&1 </dev/null || true
	expect_done "$TMP/exits.out" "$1" "$2"
	awk '/^vcpu=0 exits=/ && !all { split($2, a, "="); all = a[2] }
	/^vcpu=0 reason=IO / { split($3, a, "="); io = a[2] }
	END { if (all != "") print all - io }' "$TMP/exits.out"
}

# QEMU's: its kvm_run_exit trace events, one per return of KVM_RUN
# ("reason 2" is KVM_EXIT_IO).
qemu_exits() {
	rm -f "$TMP/qtrace"
	run_qemu "$1" "$2" -trace kvm_run_exit -D "$TMP/qtrace" >"$TMP/exits.out" 2>&1 </dev/null || true
	expect_done "$TMP/exits.out" "$1" "$2"
	awk '/kvm_run_exit/ { n++; if ($0 ~ /reason 2$/) io++ } END { print n - io }' "$TMP/qtrace"
}

# hvmon's device side, `trace virtio` over LAT_N reads: for each request
# the time from the notification line (the I/O thread took the kick) to
# the used line with the same index. Prints the median in us and the
# number of pairs.
hvmon_latency() {
	printf 'trace virtio on blk0\nrun\nwait "virtio-blk: bench %s reads" 600\nsleep 100\npause\ntrace virtio off\nquit\n' \
		"$2" >"$TMP/script"
	"$HVMON" --batch -x "$TMP/script" --virtio mmio --disk "$TMP/disk.img" -m 64M \
		-a "$(args "$1" "$2" hlt)" "$G" >"$TMP/lat.out" 2>&1 </dev/null || true
	expect_done "$TMP/lat.out" "$1" "$2"
	awk '/ virtio dev=blk0 notify q=0 avail.idx=/ {
		t = substr($1, 4); split($0, a, "avail.idx="); split(a[2], b, " "); notify[b[1]] = t }
	/ virtio dev=blk0 used q=0 used.idx=/ {
		t = substr($1, 4); split($0, a, "used.idx="); split(a[2], b, " ")
		if (b[1] in notify) printf "%.1f\n", (t - notify[b[1]]) * 1e6 }' "$TMP/lat.out" >"$TMP/lat"
	echo "$(median <"$TMP/lat") $(wc -l <"$TMP/lat")"
}

for _ in $(seq "$R"); do
	for k in $KINDS; do
		for v in hvmon qemu; do
			timed "$v" "$k" 1
			timed "$v" "$k" "$N"
		done
	done
done

echo "virtio-blk, driver loop in ring 3, virtio-mmio, N=$N reads per run, median of $R runs"
echo "peer: $("$QEMU" --version | head -1), -M microvm"
printf '%-44s %12s %12s %8s\n' "" hvmon qemu ratio
for k in $KINDS; do
	h1=$(median <"$TMP/hvmon.$k.1") hn=$(median <"$TMP/hvmon.$k.$N")
	q1=$(median <"$TMP/qemu.$k.1") qn=$(median <"$TMP/qemu.$k.$N")
	he1=$(hvmon_exits "$k" 1) hen=$(hvmon_exits "$k" "$N")
	qe1=$(qemu_exits "$k" 1) qen=$(qemu_exits "$k" "$N")
	need_num "$k exits" "$he1" "$hen" "$qe1" "$qen"
	if [ "$k" = rand4k ]; then label="4 KiB random read"; else label="64 KiB sequential read"; fi
	awk -v h1="$h1" -v hn="$hn" -v q1="$q1" -v qn="$qn" -v n="$N" -v he1="$he1" -v hen="$hen" \
		-v qe1="$qe1" -v qen="$qen" -v label="$label" -v table="${BENCH_TABLE:-}" 'BEGIN {
		hreq = (hn - h1) / (n - 1) / 1000; qreq = (qn - q1) / (n - 1) / 1000
		if (hreq <= 0 || qreq <= 0) {
			printf "bench: %s: N=%d reads take no longer than one in the medians: the start-up'"'"'s noise hides them; raise N\n", label, n >"/dev/stderr"
			exit 1
		}
		hx = (hen - he1) / (n - 1); qx = (qen - qe1) / (n - 1)
		printf "%-44s %12.2f %12.2f %8.2f\n", label ", us", hreq, qreq, hreq / qreq
		printf "%-44s %12.0f %12.0f %8.2f\n", label ", req/s", 1e6 / hreq, 1e6 / qreq, qreq / hreq
		printf "%-44s %12.4f %12.4f\n", label ", exits/req (no port I/O)", hx, qx
		if (table != "") {
			row = label ", ring 3"
			printf "virtio_blk\t%s\treq/s\t%.0f\t%.0f\t\n", row, 1e6 / hreq, 1e6 / qreq >>table
			printf "virtio_blk\t%s\tus/req\t%.2f\t%.2f\t\n", row, hreq, qreq >>table
			printf "virtio_blk\t%s\texits/req\t%.4f\t%.4f\t\n", row, hx, qx >>table
		}
	}' || exit 1
	if [ "$k" = rand4k ]; then
		s1h=$h1 s1q=$q1
	fi
done
awk -v h="$s1h" -v q="$s1q" -v table="${BENCH_TABLE:-}" 'BEGIN {
	printf "%-44s %12.1f %12.1f %8.2f\n", "start to end, 1 read, ms", h / 1e6, q / 1e6, h / q
	if (table != "")
		printf "virtio_blk\tstart to end, one 4 KiB read\tms\t%.1f\t%.1f\t\n", h / 1e6, q / 1e6 >>table
}'
lat=$(hvmon_latency rand4k "$LAT_N")
set -- $lat
need_num "notify to used" "${1:-}" "${2:-}"
if [ "$2" -gt 0 ]; then
	printf 'hvmon device side, notify taken to used (trace virtio, %s 4 KiB random reads): median %s us\n' \
		"$2" "$1"
	if [ -n "${BENCH_TABLE:-}" ]; then
		printf 'virtio_blk\tnotify to used (device side), 4 KiB random read\tus\t%s\t\t\n' "$1" >>"$BENCH_TABLE"
	fi
else
	echo "bench: trace virtio gave no notify/used pairs" >&2
	exit 1
fi
