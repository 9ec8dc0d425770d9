#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# virtio-net frames between the test guest's ring-3 driver and a peer,
# hvmon against QEMU in the same run (bench/README.md, "virtio_net.sh").
# The peer is the kernel of a network namespace this script makes, on the
# far side of a tap (hvt0, 10.0.2.2/24), as tests/integration/virtio_net.sh
# does; each VMM runs in that namespace on that tap, the same test guest
# image: booted through PVH, one virtio-net on virtio-mmio, its ARP
# exchange in ring 0, then N frames from a loop in ring 3
# (virtiobench=N virtionetbench=KIND virtiobenchring=3,
# tests/guest/README.md "Benchmark"): `ping`, N ICMP echo round trips one
# after the other; `udp`, N full-size UDP frames, each sent before the
# next goes out. Each VMM runs each kind with one frame and with N, round
# by round, R rounds; the medians' difference over N - 1 is the cost of
# one. Separate runs count the userspace exits as virtio_blk.sh does. With
# BENCH_TABLE naming a file, one line per row is appended to it.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${BUILD:-build}
HVMON=${HVMON:-$BUILD/hvmon}
G=${TESTGUEST:-$BUILD/testguest}/testguest.elf
QEMU=${QEMU:-qemu-system-x86_64}
N=${N:-20000}
R=${R:-5}
KINDS="ping udp"
MAC=52:54:00:12:34:56
NS=hvmon-bench-$$
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvmon-bench.XXXXXX")
trap 'ip netns del "$NS" 2>/dev/null || true; rm -rf "$TMP"' EXIT

for f in "$HVMON" "$G"; do
	[ -e "$f" ] || { echo "bench: $f missing (make all guest)" >&2; exit 2; }
done
command -v "$QEMU" >/dev/null || { echo "bench: $QEMU missing (scripts/install-bench-deps.sh)" >&2; exit 2; }
[ -c /dev/kvm ] || { echo "bench: no /dev/kvm" >&2; exit 2; }
[ "$N" -gt 1 ] 2>/dev/null || { echo "bench: N=$N: the number of frames must be at least 2" >&2; exit 2; }
[ "$R" -gt 0 ] 2>/dev/null || { echo "bench: R=$R: at least one run" >&2; exit 2; }
# No namespace (not root, a chroot): this bench says so and the others go on.
[ "$(id -u)" -eq 0 ] && command -v ip >/dev/null ||
	{ echo "virtio_net: skipped, a network namespace needs root and iproute2"; exit 0; }
ip netns add "$NS" && ip netns exec "$NS" true ||
	{ echo "virtio_net: skipped, cannot make and enter a network namespace"; exit 0; }
nsx() { ip netns exec "$NS" "$@"; }
scripts/netns-tap.sh "$NS"

now_ns() { date +%s%N; }
args() { echo "virtio=net virtiobench=$2 virtionetbench=$1 virtiobenchring=3 exit=$3"; }
done_line() {
	if [ "$1" = ping ]; then echo "virtio-net: bench $2 pings of 64 bytes ok (ring 3)"
	else echo "virtio-net: bench $2 udp frames of 1514 bytes ok (ring 3)"; fi
}
rx_packets() { nsx cat /sys/class/net/hvt0/statistics/rx_packets; }

# run_qemu KIND N [QEMU OPTIONS]: QEMU's tap back end on the same tap
# (no vhost-net: hvmon has none either), microvm's last virtio-mmio slot.
run_qemu() {
	k=$1 n=$2
	shift 2
	nsx "$QEMU" -enable-kvm -M microvm -m 64M -nographic -no-reboot -nodefaults -serial stdio \
		-global virtio-mmio.force-legacy=false \
		-netdev tap,id=n0,ifname=hvt0,script=no,downscript=no -device virtio-net-device,netdev=n0,mac=$MAC \
		-kernel "$G" -append "$(args "$k" "$n" triple) virtio_mmio.device=512@0xfeb02e00:28" "$@"
}

run_hvmon() {
	nsx "$HVMON" --batch --virtio mmio --net tap=hvt0,mac=$MAC -m 64M -a "$(args "$1" "$2" triple)" "$G"
}

# expect_done FILE KIND N: the guest finished its frames.
expect_done() {
	if ! grep -qF "$(done_line "$2" "$3")" "$1"; then
		echo "bench: $2 N=$3 did not finish its frames:" >&2
		tail -5 "$1" >&2
		exit 1
	fi
}

# timed VMM KIND N: one run's wall time, appended to its list; the peer
# must have received every frame (its tap's rx_packets, the ARP request
# and the N frames at least).
timed() {
	p0=$(rx_packets)
	t0=$(now_ns)
	"run_$1" "$2" "$3" >"$TMP/out" 2>&1 </dev/null || true
	t1=$(now_ns)
	p1=$(rx_packets)
	expect_done "$TMP/out" "$2" "$3"
	if [ $((p1 - p0)) -le "$3" ]; then
		echo "bench: $1 $2 N=$3: the peer received $((p1 - p0)) frames" >&2
		exit 1
	fi
	echo $((t1 - t0)) >>"$TMP/$1.$2.$3"
}

# Userspace exits other than port I/O, as in virtio_blk.sh.
hvmon_exits() {
	printf 'run\nwait "virtio-net: bench %s " 600\nsleep 100\npause\ninfo exits\nquit\n' "$2" \
		>"$TMP/script"
	nsx "$HVMON" --batch -x "$TMP/script" --virtio mmio --net tap=hvt0,mac=$MAC -m 64M \
		-a "$(args "$1" "$2" hlt)" "$G" >"$TMP/exits.out" 2>&1 </dev/null || true
	expect_done "$TMP/exits.out" "$1" "$2"
	awk '/^vcpu=0 exits=/ && !all { split($2, a, "="); all = a[2] }
	/^vcpu=0 reason=IO / { split($3, a, "="); io = a[2] }
	END { if (all != "") print all - io }' "$TMP/exits.out"
}

qemu_exits() {
	rm -f "$TMP/qtrace"
	run_qemu "$1" "$2" -trace kvm_run_exit -D "$TMP/qtrace" >"$TMP/exits.out" 2>&1 </dev/null || true
	expect_done "$TMP/exits.out" "$1" "$2"
	awk '/kvm_run_exit/ { n++; if ($0 ~ /reason 2$/) io++ } END { print n - io }' "$TMP/qtrace"
}

for _ in $(seq "$R"); do
	for k in $KINDS; do
		for v in hvmon qemu; do
			timed "$v" "$k" 1
			timed "$v" "$k" "$N"
		done
	done
done

echo "virtio-net, driver loop in ring 3, virtio-mmio, tap to a network namespace, N=$N frames per run, median of $R runs"
echo "peer: $("$QEMU" --version | head -1), -M microvm, -netdev tap (no vhost)"
printf '%-44s %12s %12s %8s\n' "" hvmon qemu ratio
for k in $KINDS; do
	h1=$(median <"$TMP/hvmon.$k.1") hn=$(median <"$TMP/hvmon.$k.$N")
	q1=$(median <"$TMP/qemu.$k.1") qn=$(median <"$TMP/qemu.$k.$N")
	he1=$(hvmon_exits "$k" 1) hen=$(hvmon_exits "$k" "$N")
	qe1=$(qemu_exits "$k" 1) qen=$(qemu_exits "$k" "$N")
	need_num "$k exits" "$he1" "$hen" "$qe1" "$qen"
	awk -v k="$k" -v h1="$h1" -v hn="$hn" -v q1="$q1" -v qn="$qn" -v n="$N" -v he1="$he1" \
		-v hen="$hen" -v qe1="$qe1" -v qen="$qen" -v table="${BENCH_TABLE:-}" 'BEGIN {
		h = (hn - h1) / (n - 1) / 1000; q = (qn - q1) / (n - 1) / 1000
		if (h <= 0 || q <= 0) {
			printf "bench: %s: N=%d frames take no longer than one in the medians: the start-up'"'"'s noise hides them; raise N\n", k, n >"/dev/stderr"
			exit 1
		}
		hx = (hen - he1) / (n - 1); qx = (qen - qe1) / (n - 1)
		if (k == "ping") {
			row = "ping round trip, ring 3"
			printf "%-44s %12.2f %12.2f %8.2f\n", "ping round trip, us", h, q, h / q
			printf "%-44s %12.4f %12.4f\n", "ping, exits/round trip (no port I/O)", hx, qx
			if (table != "") {
				printf "virtio_net\t%s\tus\t%.2f\t%.2f\t\n", row, h, q >>table
				printf "virtio_net\t%s\texits/req\t%.4f\t%.4f\t\n", row, hx, qx >>table
			}
		} else {
			row = "UDP 1514-byte frames out, ring 3"
			# 1514 bytes a frame on the wire (Ethernet header included).
			printf "%-44s %12.2f %12.2f %8.2f\n", "udp frame, us", h, q, h / q
			printf "%-44s %12.0f %12.0f %8.2f\n", "udp frames/s", 1e6 / h, 1e6 / q, q / h
			printf "%-44s %12.1f %12.1f %8.2f\n", "udp Mbit/s (1514-byte frames)", 1514 * 8 / h, 1514 * 8 / q, q / h
			printf "%-44s %12.4f %12.4f\n", "udp, exits/frame (no port I/O)", hx, qx
			if (table != "") {
				printf "virtio_net\t%s\tframes/s\t%.0f\t%.0f\t\n", row, 1e6 / h, 1e6 / q >>table
				printf "virtio_net\t%s\tMbit/s\t%.1f\t%.1f\t\n", row, 1514 * 8 / h, 1514 * 8 / q >>table
				printf "virtio_net\t%s\texits/req\t%.4f\t%.4f\t\n", row, hx, qx >>table
			}
		}
	}' || exit 1
done
