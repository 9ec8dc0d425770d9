#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile drivers (tests/guest/README.md, "Hostile requests"): the test
# guest's blk driver breaks one virtio rule per run (virtiohostile=KIND).
# The device must mark itself NEEDS_RESET (or ignore the access), hvmon
# must keep running and answer the monitor, `diagnose` must name the
# fault, and the disk file must be unchanged. Both transports for the ring
# faults; after a reset the device works again.
. tests/integration/lib.sh
need_kvm

head -c 65536 /dev/urandom >"$TMP/disk.img"
cp "$TMP/disk.img" "$TMP/orig.img"

for t in pci mmio; do
	hostile oob $t "" "device needs reset status=0x4f" \
		"blk0: problem=needs-reset: the device is marked NEEDS_RESET (2.1.2): queue 0: descriptor 1: buffer 0x100000000000 len 0x1000 is not inside guest RAM (2.7.5)"
	hostile loop $t "" "device needs reset status=0x4f" \
		"queue 0: descriptor chain from head 0 loops (2.7.5.2)"
	hostile availidx $t "" "device needs reset status=0x4f" \
		"queue 0: avail idx 100 is 100 entries ahead of the device's 0, more than the queue size 8"
	hostile order $t "" "device needs reset status=0x4f" \
		"is device-readable after a device-writable one (2.7.4.2)"
	hostile indirect $t "" "device needs reset status=0x4f" \
		"indirect table length 20 is not a non-zero multiple of 16 (2.7.5.3)"
	hostile qsize $t "" "queue_size written as 1000, status=0x4f" \
		"queue 0: queue size 1000 is not a power of 2 (2.7)"
	hostile cfgwrite $t "" "capacity unchanged, read status=0" \
		"blk0: problem=config-access-ignored: the driver made 2 config write(s) and 0 config read(s) the device ignored; the last, a 4-byte write at offset 0x80, falls outside the 60-byte device configuration (2.5)"
done
expect_line "$TMP/oob-pci.out" "blk0.broken=queue 0: descriptor 1: buffer 0x100000000000" "info virtio shows why it broke"

# After NEEDS_RESET the driver resets and starts again: the device works.
hostile reset pci "" "re-initialized, read status=0 isr=0x1" "blk0: ok: no problem seen"
expect_line "$TMP/reset-pci.out" "virtio-blk: hostile reset: device needs reset status=0x4f" "reset: broken first"
expect_line "$TMP/reset-pci.out" "blk0.resets=2" "reset: the driver reset it again"

if cmp -s "$TMP/disk.img" "$TMP/orig.img"; then
	ok "no hostile request changed the disk"
else
	fail "the disk file changed"
fi
finish
