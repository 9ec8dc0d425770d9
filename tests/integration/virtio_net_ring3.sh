#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The benchmark's ring-3 virtio-net loop (tests/guest/README.md,
# "Benchmark"; bench/virtio_net.sh measures it) does what it says, against
# the kernel of a network namespace on a tap as in virtio_net.sh: N echo
# round trips answered by the peer, N UDP frames that reach the peer (the
# tap's rx_packets in the namespace, hvmon's tx_packets), reported from
# ring 0 once the loop is back, and no userspace exit per frame (port I/O
# aside, `info exits` with N frames against one).
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf
N=20
netns_with_tap hvmon-test-$$

exits() {
	awk '/^vcpu=0 exits=/ && !all { split($2, a, "="); all = a[2] }
	/^vcpu=0 reason=IO / { split($3, a, "="); io = a[2] }
	END { if (all != "") print all - io }' "$1"
}

# frames KIND N: N frames of KIND in ring 3; output in $TMP/KIND-N.out.
frames() {
	o=$TMP/$1-$2.out
	p0=$(nsx cat /sys/class/net/hvt0/statistics/rx_packets)
	printf 'run\nwait "virtio-net: bench %s " 300\nsleep 100\npause\ninfo exits\ninfo virtio\nquit\n' \
		"$2" >"$TMP/script"
	timeout -k 5 600 ip netns exec "$NS" "$HVMON" --batch -x "$TMP/script" --virtio mmio \
		--net tap=hvt0,mac=52:54:00:12:34:56 -m 64M \
		-a "virtio=net virtiobench=$2 virtionetbench=$1 virtiobenchring=3 exit=hlt" "$G" \
		>"$o" 2>&1 </dev/null
	expect_status "$?" 0 "$1 N=$2: ran"
	expect_no_guest_error "$o" "$1 N=$2"
	got=$(( $(nsx cat /sys/class/net/hvt0/statistics/rx_packets) - p0 ))
	# The ARP request and the N frames at least.
	if [ "$got" -gt "$2" ]; then
		ok "$1 N=$2: the peer received $got frames"
	else
		fail "$1 N=$2: the peer received $got frames"
	fi
}

for k in ping udp; do
	frames "$k" 1
	frames "$k" "$N"
	o=$TMP/$k-$N.out
	if [ "$k" = ping ]; then
		expect_line "$o" "virtio-net: bench $N pings of 64 bytes ok (ring 3)" \
			"ping: $N round trips in ring 3, reported from ring 0"
	else
		expect_line "$o" "virtio-net: bench $N udp frames of 1514 bytes ok (ring 3)" \
			"udp: $N frames in ring 3, reported from ring 0"
	fi
	tx=$(sed -n 's/.* tx_packets=\([0-9]*\) .*/\1/p' "$o" | head -1)
	if [ -n "$tx" ] && [ "$tx" -gt "$N" ]; then
		ok "$k: hvmon sent $tx frames to the tap"
	else
		fail "$k: hvmon's tx_packets is '$tx'"
	fi
	e1=$(exits "$TMP/$k-1.out") en=$(exits "$o")
	if [ -z "$e1" ] || [ -z "$en" ]; then
		fail "$k: info exits gave no total"
	elif [ $((en - e1)) -lt $((N / 4)) ]; then
		ok "$k: $N frames cost $((en - e1)) more userspace exits (port I/O aside) than one (ioeventfd)"
	else
		fail "$k: $N frames cost $((en - e1)) more userspace exits (port I/O aside) than one"
	fi
done
finish
