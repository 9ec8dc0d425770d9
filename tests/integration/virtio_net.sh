#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# virtio-net over a tap (--net tap=IFNAME[,mac=MAC]) inside a network
# namespace this test creates, with the host side at 10.0.2.2/24. The
# test guest's net driver (tests/guest/README.md, "Virtio") ARPs for the
# host, pings it and sends a UDP datagram whose checksum the device must
# have the tap complete (NEEDS_CSUM); a listener in the namespace must get
# it. Both transports; a tap that does not exist is created and goes away
# with hvmon; bad --net values get one line.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf

run_hvmon 10 "$TMP/bad1.out" --net foo "$G"
expect_status "$status" 2 "--net foo refused"
expect_line "$TMP/bad1.out" "--net: unknown option 'foo' (tap=IFNAME, mac=MAC)" "--net foo: says why"
run_hvmon 10 "$TMP/bad2.out" --net tap=x,mac=01:00:5e:00:00:01 "$G"
expect_status "$status" 2 "multicast MAC refused"
expect_line "$TMP/bad2.out" "bad MAC address '01:00:5e:00:00:01'" "multicast MAC: says why"
run_hvmon 10 "$TMP/bad3.out" --net mac=52:54:00:00:00:01 "$G"
expect_status "$status" 2 "--net without tap= refused"
expect_line "$TMP/bad3.out" "--net needs tap=IFNAME" "--net without tap=: says why"
run_hvmon 10 "$TMP/bad4.out" --net tap=a-name-longer-than-15 "$G"
expect_status "$status" 2 "tap name too long refused"
expect_line "$TMP/bad4.out" "must be 1 to 15 characters" "tap name too long: says why"

# The tap in a namespace of its own; diagnose must see the link idle.
netns_with_tap hvmon-test-$$
host_mac=$(nsx cat /sys/class/net/hvt0/address)

# exchange TRANSPORT [GUEST-ARGS]: one guest run against the persistent
# tap hvt0.
exchange() {
	transport=$1 gx=${2:-} o=$TMP/$1.out
	rm -f "$TMP/udp.got" "$TMP/udp.got.ready"
	nsx /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.2.2", 5555))
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(60)
d, a = s.recvfrom(2048)
open(sys.argv[1], "w").write("%s:%d %s\n" % (a[0], a[1], d.decode()))
' "$TMP/udp.got" &
	listener=$!
	# Start the guest only once the listener is bound: a datagram that
	# comes earlier is dropped, and on a slow host (QEMU's TCG under
	# scripts/nested-kvm.sh) python3 can take longer to start than a
	# fixed pause allows.
	for _ in $(seq 300); do
		[ -e "$TMP/udp.got.ready" ] && break
		sleep 0.1
	done
	printf 'run\nwait "virtio-net: isr=0x1" 60\nsleep 100\npause\ninfo virtio\nvq net0 0\ndiagnose net0\nquit\n' \
		>"$TMP/script"
	timeout -k 5 90 ip netns exec "$NS" "$HVMON" --batch -x "$TMP/script" --virtio "$transport" \
		--net tap=hvt0,mac=52:54:00:12:34:56 -m 64M -a "virtio=net exit=hlt $gx" "$G" \
		>"$o" 2>&1 </dev/null
	status=$?
	wait "$listener"
	expect_status "$status" 0 "$transport: the exchange ran and hvmon quit"
	expect_line "$o" "virtio-net (tap hvt0, mac 52:54:00:12:34:56)" "$transport: banner names tap and MAC"
	expect_no_guest_error "$o" "$transport"
	expect_line "$o" "virtio-net: mac=52:54:00:12:34:56 link=up mrg_rxbuf=1 csum=1" \
		"$transport: MAC and link status from the config space, MRG_RXBUF and CSUM negotiated"
	expect_line "$o" "virtio-net: arp reply 10.0.2.2 is at $host_mac" "$transport: the host answered ARP"
	expect_line "$o" "virtio-net: ping reply from 10.0.2.2 seq=1 ttl=64 bytes=26" \
		"$transport: the host answered the ping"
	expect_line "$o" "virtio-net: udp sent to 10.0.2.2:5555 checksum=device" "$transport: UDP sent"
	if [ "$(cat "$TMP/udp.got" 2>/dev/null)" = "10.0.2.15:4444 hvmon-udp-csum-offload" ]; then
		ok "$transport: the host received the datagram (its checksum completed through the tap)"
	else
		fail "$transport: the host's listener got '$(cat "$TMP/udp.got" 2>/dev/null)'"
	fi
	expect_line "$o" "virtio-net: isr=0x1" "$transport: ISR shows the queue interrupt"
	expect_line "$o" "net0.backend tap=hvt0 mac=52:54:00:12:34:56" "$transport: info virtio shows the backend"
	if grep -q '^net0.backend .* rx_packets=[1-9].* tx_packets=[3-9]' "$o"; then
		ok "$transport: frames counted both ways"
	else
		fail "$transport: backend counters"
		grep '^net0.backend' "$o"
	fi
	expect_line "$o" 'request="net receive buffer 2048 bytes"' "$transport: vq net0 0 shows posted receive buffers"
	expect_line "$o" "net0: ok: no problem seen" "$transport: diagnose finds nothing wrong"
}
exchange pci
exchange mmio
exchange pci,packed virtioring=packed   # 2.8, receive buffers out of the same ring

# A tap that does not exist is created (non-persistent) and goes with hvmon.
printf 'echo up\nsleep 3000\nquit\n' >"$TMP/script2"
ip netns exec "$NS" "$HVMON" --batch -x "$TMP/script2" --net tap=hvnew0 "$G" \
	>"$TMP/new.out" 2>&1 </dev/null &
hv=$!
seen=no
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	if nsx ip link show hvnew0 >/dev/null 2>&1; then seen=yes; break; fi
	sleep 0.1
done
wait "$hv"
[ $seen = yes ] && ok "an absent tap is created" || fail "tap hvnew0 never appeared"
if nsx ip link show hvnew0 >/dev/null 2>&1; then
	fail "tap hvnew0 outlived hvmon"
else
	ok "the created tap goes away with hvmon"
fi
expect_line "$TMP/new.out" "virtio-net (tap hvnew0, mac 52:54:00:" "created tap: banner with a default MAC"
finish
