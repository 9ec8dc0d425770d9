#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Packed virtqueues (virtio 1.2, 2.8) with --virtio TRANSPORT,packed: the
# devices offer VIRTIO_F_RING_PACKED, the test guest's driver accepts it
# with virtioring=packed (tests/guest/README.md, "Virtio") and runs the
# same requests as on split rings, on both transports; many requests go
# round the 8-entry rings several times (wrap counters); `vq` shows the
# ring; hostile buffers break the device as on split rings; a driver that
# does not accept the feature keeps split rings.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf

pattern_hex >"$TMP/pattern.hex"   # lib.sh

for t in pci mmio; do
	new_disk "$TMP/disk.img"
	o=$TMP/$t.out
	printf 'run\nwait "virtio-rng: isr=0x1" 30\nsleep 100\npause\ninfo virtio\nvq blk0 0\nvq rng0 0\nquit\n' \
		>"$TMP/script"
	run_hvmon 60 "$o" --batch -x "$TMP/script" --virtio "$t,packed" \
		--disk "$TMP/disk.img,id=hvmon-disk0" --rng -m 64M \
		-a "virtio=blk,rng virtioring=packed exit=hlt" "$G"
	expect_status "$status" 0 "$t: packed run"
	expect_no_guest_error "$o" "$t"
	expect_line "$o" "blk0.driver_features=0x500000200 [FLUSH VERSION_1 RING_PACKED]" \
		"$t: the driver accepted RING_PACKED"
	expect_line "$o" "virtio-blk: read sector 0 sum=$want_sum" "$t: read matches the file"
	expect_line "$o" "virtio-blk: id=hvmon-disk0" "$t: GET_ID"
	expect_line "$o" "virtio-blk: write sector 1 status=0" "$t: write OK"
	expect_line "$o" "virtio-blk: flush status=0" "$t: flush OK"
	expect_pattern_sector "$TMP/disk.img" "$t" "sector 1 on the host holds the pattern" \
		"sector 1 on the host is not the pattern"
	if grep -q '^virtio-rng: got 16 bytes [0-9a-f]\{32\}$' "$o"; then
		ok "$t: rng over a packed ring"
	else
		fail "$t: no random bytes"
	fi
	expect_line "$o" "format=packed" "$t: vq shows a packed ring"
	# Four requests of 3, 3, 3 and 2 descriptors: 11 on a ring of 8.
	expect_line "$o" "device.next_avail=3 avail_wrap=0" "$t: blk's ring wrapped once"
	expect_line "$o" "device.next_used=3 used_wrap=0" "$t: ... and so did its used position"
	expect_line "$o" "driver_event.flags=enable" "$t: driver event suppression read from the ring"
done

# Many laps: 40 reads of 3 descriptors on a ring of 8.
run_hvmon 120 "$TMP/laps.out" --batch --virtio packed --disk "$TMP/disk.img" -m 64M \
	-a "virtio=blk virtioring=packed virtiobench=40 exit=cf9" "$G"
expect_status "$status" 0 "laps: ran and reset"
expect_line "$TMP/laps.out" "virtio-blk: bench 40 reads of 4096 bytes ok" "laps: 40 requests, 15 laps of the ring"

# A console on a packed ring: its output reaches the file.
printf 'run\nwait "virtio-console: waiting for input" 30\npause\nquit\n' >"$TMP/con"
run_hvmon 60 "$TMP/con.out" --batch -x "$TMP/con" --virtio packed --hvc "file:$TMP/hvc.txt" \
	-m 64M -a "virtio=console virtioring=packed exit=hlt" "$G"
expect_status "$status" 0 "console: packed run"
if [ "$(cat "$TMP/hvc.txt")" = "$(printf 'emerg\nhello from hvc')" ]; then
	ok "console: transmitq output through a packed ring"
else
	fail "console: hvc file is '$(cat "$TMP/hvc.txt")'"
fi

# Hostile buffers on a packed ring (lib.sh).
hostile oob packed virtioring=packed "device needs reset status=0x4f" \
	"queue 0: descriptor 1: buffer 0x100000000000 len 0x1000 is not inside guest RAM"
hostile order packed virtioring=packed "device needs reset status=0x4f" \
	"queue 0: descriptor 1 is device-readable after a device-writable one (2.7.4.2)"

# Offered but not accepted: split rings as before.
printf 'run\nwait "virtio-rng: isr=0x1" 30\nsleep 100\npause\nvq rng0 0\nquit\n' >"$TMP/split"
run_hvmon 60 "$TMP/split.out" --batch -x "$TMP/split" --virtio packed --rng -m 64M \
	-a "virtio=rng exit=hlt" "$G"
expect_status "$status" 0 "split: run"
expect_line "$TMP/split.out" "format=split" "split: a driver without RING_PACKED keeps split rings"
finish
