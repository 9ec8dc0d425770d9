#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# virtio-blk over virtio-pci (--disk), driven by the test guest's driver
# (tests/guest/README.md, "Virtio"): capacity from the device config
# (virtio 1.2 5.2.4), one 4 KiB read, GET_ID, a one-sector write and a
# FLUSH (5.2.6), checked on the host file afterwards; then the same with
# ",ro", where the write must get IOERR (5.2.6.2) and change nothing.
# Last, two stuck probes (virtiostop=, README.md "Stuck probes") seen
# from the monitor's `info virtio`.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf

if ! "$HVMON" --help 2>&1 | grep -q -- '--disk'; then
	echo "skipped: hvmon has no --disk yet"
	exit 77
fi

# A random image, a pristine copy, its checksum and the written pattern (lib.sh).
new_disk "$TMP/disk.img"
cp "$TMP/disk.img" "$TMP/orig.img"
pattern_hex >"$TMP/pattern.hex"

# check_common NAME OUT: the lines every boot with a disk has.
check_common() {
	name=$1 out=$2
	expect_status "$status" 0 "$name: guest ran and reset"
	expect_no_guest_error "$out" "$name"
	expect_no_line "$out" "timeout" "$name: no timeout"
	if grep -q '^pci: 00:[0-9a-f][0-9a-f]\.[0-7] vendor=0x1af4 device=0x1042 class=0x010000$' "$out"; then
		ok "$name: virtio-blk function enumerated (1af4:1042, mass storage)"
	else
		fail "$name: no 'pci: ... vendor=0x1af4 device=0x1042' line"
		grep '^pci:' "$out"
	fi
	feat=$(sed -n 's/^virtio: 00:[0-9a-f]*\.[0-7] blk features=\(0x[0-9a-f]*\) ok$/\1/p' "$out" | head -1)
	if [ -n "$feat" ] && [ $(((feat >> 32) & 1)) -eq 1 ] && [ $(((feat >> 9) & 1)) -eq 1 ]; then
		ok "$name: device initialized, features $feat offer VERSION_1 and FLUSH"
	else
		fail "$name: no 'virtio: BDF blk features=0x... ok' line with VERSION_1 and FLUSH ('$feat')"
		grep '^virtio' "$out"
	fi
	expect_line "$out" "virtio-blk: read sector 0 sum=$want_sum" "$name: 4 KiB read, checksum $want_sum"
	expect_line "$out" "virtio-blk: id=hvmon-disk0" "$name: GET_ID returns the id= string"
	expect_line "$out" "virtio-blk: isr=0x1" "$name: ISR bit 0 set after the requests"
	expect_line "$out" "guest reset" "$name: exit action after the driver"
}

# Read-write.
run_hvmon 60 "$TMP/rw.out" --batch --disk "$TMP/disk.img,id=hvmon-disk0" -m 64M \
	-a "virtio=blk" "$G"
check_common rw "$TMP/rw.out"
expect_line "$TMP/rw.out" "virtio-blk: capacity=128 sectors ro=0 flush=1" "rw: capacity 128, not ro, FLUSH negotiated"
expect_line "$TMP/rw.out" "virtio-blk: write sector 1 status=0" "rw: write status OK"
expect_line "$TMP/rw.out" "virtio-blk: flush status=0" "rw: flush status OK"
expect_pattern_sector "$TMP/disk.img" rw "sector 1 of the file holds the pattern" \
	"sector 1 of the file is not the pattern"
if [ "$(sector_hex "$TMP/disk.img" 0)" = "$(sector_hex "$TMP/orig.img" 0)" ] &&
	cmp -s "$TMP/disk.img" "$TMP/orig.img" 1024 1024; then
	ok "rw: sector 0 and sectors 2-127 unchanged"
else
	fail "rw: data outside sector 1 changed"
fi

# Read-only: the write is attempted and must fail with IOERR (1).
cp "$TMP/orig.img" "$TMP/ro.img"
run_hvmon 60 "$TMP/ro.out" --batch --disk "$TMP/ro.img,ro,id=hvmon-disk0" -m 64M \
	-a "virtio=blk" "$G"
check_common ro "$TMP/ro.out"
expect_line "$TMP/ro.out" "virtio-blk: capacity=128 sectors ro=1 flush=1" "ro: capacity 128, RO offered"
expect_line "$TMP/ro.out" "virtio-blk: write sector 1 status=1" "ro: write answered IOERR"
expect_no_line "$TMP/ro.out" "virtio-blk: flush" "ro: no flush after a refused write"
if cmp -s "$TMP/ro.img" "$TMP/orig.img"; then ok "ro: file unchanged"; else fail "ro: file changed"; fi

# Flushed data survives hvmon being killed: no write waits in hvmon.
cp "$TMP/orig.img" "$TMP/kill.img"
"$HVMON" --batch --disk "$TMP/kill.img" -m 64M -a "virtio=blk exit=hlt" "$G" \
	>"$TMP/kill.out" 2>&1 </dev/null &
hv=$!
for _ in $(seq 100); do
	grep -q "virtio-blk: flush status=0" "$TMP/kill.out" && break
	sleep 0.1
done
kill -9 "$hv"
wait "$hv" 2>/dev/null
expect_line "$TMP/kill.out" "virtio-blk: flush status=0" "kill: the guest flushed"
expect_pattern_sector "$TMP/kill.img" kill "sector 1 is on the host after kill -9" \
	"sector 1 lost with hvmon"

# Stuck probes: the guest halts with the device frozen; the monitor sees it.
# stuck STEP PATTERN WHAT: boot with virtiostop=STEP, `info virtio` has PATTERN.
stuck() {
	cp "$TMP/orig.img" "$TMP/stuck.img"
	printf 'run\nwait "virtio: stopped after %s" 20\npause\ninfo virtio\nquit\n' "$1" \
		>"$TMP/stuck.script"
	run_hvmon 60 "$TMP/stuck-$1.out" --batch -x "$TMP/stuck.script" \
		--disk "$TMP/stuck.img" -m 64M -a "virtio=blk virtiostop=$1" "$G"
	expect_status "$status" 0 "virtiostop=$1: script ran"
	expect_line "$TMP/stuck-$1.out" "virtio: stopped after $1" "virtiostop=$1: guest says where it stopped"
	expect_no_line "$TMP/stuck-$1.out" "guest reset" "virtiostop=$1: no exit action"
	expect_line "$TMP/stuck-$1.out" "$2" "virtiostop=$1: $3"
}
stuck features "blk0.status=0x03 [ACKNOWLEDGE DRIVER]" "status frozen before FEATURES_OK"
stuck nonotify "blk0.q0 size=8 ready=1 notifies=0" "queue ready, never notified"
finish
