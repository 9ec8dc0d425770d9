#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# virtio-mmio version 2 (virtio 1.2, 4.2) with --virtio mmio: hvmon puts
# --disk and --rng devices in 0x200-byte windows from 0xd0000000 and
# describes each in the DSDT (LNRO0005, issue 8); the test guest finds them
# there, as a stock Linux does, probes MagicValue/Version/DeviceID and runs
# the same init and
# requests as over PCI (tests/guest/README.md, "Virtio"). The disk file is
# checked on the host; `info virtio` shows transport=mmio.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf

if ! "$HVMON" --help 2>&1 | grep -q -- '--virtio pci|mmio'; then
	echo "skipped: hvmon has no --virtio mmio yet"
	exit 77
fi

run_hvmon 10 "$TMP/bad.out" --virtio isa --rng "$G"
expect_status "$status" 2 "--virtio isa refused"
expect_line "$TMP/bad.out" "unknown virtio transport 'isa'" "--virtio isa: says why"

new_disk "$TMP/disk.img"   # lib.sh
pattern_hex >"$TMP/pattern.hex"

# check NAME OUT: blk then rng, both over MMIO.
check() {
	name=$1 out=$2
	expect_status "$status" 0 "$name: guest ran and reset"
	expect_no_guest_error "$out" "$name"
	expect_no_line "$out" "timeout" "$name: no timeout"
	expect_line "$out" "hvmon: virtio-blk ($TMP/disk.img) on MMIO 0xd0000000 irq 5" "$name: blk banner"
	expect_line "$out" "hvmon: virtio-rng on MMIO 0xd0001000 irq 6" "$name: rng banner"
	expect_no_line "$out" "virtio_mmio.device=" "$name: no command-line announcement"
	expect_line "$out" "acpi: LNRO0005 0xd0000000 size=0x200 irq=5" "$name: blk window in the DSDT"
	expect_line "$out" "acpi: LNRO0005 0xd0001000 size=0x200 irq=6" "$name: rng window in the DSDT"
	expect_no_line "$out" "vendor=0x1af4" "$name: no virtio function on PCI"
	expect_line "$out" "mmio: 0xd0000000 size=0x200 irq=5 version=2 device=2" "$name: blk window probed"
	expect_line "$out" "mmio: 0xd0001000 size=0x200 irq=6 version=2 device=4" "$name: rng window probed"
	feat=$(sed -n 's/^virtio: mmio@0xd0000000 blk features=\(0x[0-9a-f]*\) ok$/\1/p' "$out" | head -1)
	if [ -n "$feat" ] && [ $(((feat >> 32) & 1)) -eq 1 ]; then
		ok "$name: blk initialized over MMIO ($feat)"
	else
		fail "$name: no 'virtio: mmio@0xd0000000 blk features=0x... ok' line"
		grep '^virtio' "$out"
	fi
	expect_line "$out" "virtio-blk: capacity=128 sectors ro=0 flush=1" "$name: capacity from config at 0x100"
	expect_line "$out" "virtio-blk: read sector 0 sum=$want_sum" "$name: read matches the file"
	expect_line "$out" "virtio-blk: id=hvmon-disk0" "$name: GET_ID"
	expect_line "$out" "virtio-blk: write sector 1 status=0" "$name: write OK"
	expect_line "$out" "virtio-blk: flush status=0" "$name: flush OK"
	expect_line "$out" "virtio-blk: isr=0x1" "$name: blk InterruptStatus bit 0"
	if grep -q '^virtio: mmio@0xd0001000 rng features=0x[0-9a-f]* ok$' "$out"; then
		ok "$name: rng initialized over MMIO"
	else
		fail "$name: no 'virtio: mmio@0xd0001000 rng features=0x... ok' line"
	fi
	if grep -q '^virtio-rng: got 16 bytes [0-9a-f]\{32\}$' "$out" &&
	   ! grep -q '^virtio-rng: got 16 bytes 0\{32\}$' "$out"; then
		ok "$name: 16 random bytes"
	else
		fail "$name: no random bytes"
	fi
	expect_line "$out" "virtio-rng: isr=0x1" "$name: rng InterruptStatus bit 0"
	expect_pattern_sector "$TMP/disk.img" "$name" "sector 1 on the host holds the pattern" \
		"sector 1 on the host is not the pattern"
}

printf 'run\nwait "virtio-rng: isr=0x1" 30\npause\ninfo virtio\nquit\n' >"$TMP/info.script"
run_hvmon 60 "$TMP/pvh.out" --batch -x "$TMP/info.script" --virtio mmio \
	--disk "$TMP/disk.img,id=hvmon-disk0" --rng -m 64M -a "virtio=blk,rng exit=hlt" "$G"
check pvh "$TMP/pvh.out"
expect_line "$TMP/pvh.out" "virtio.devices=2" "info virtio: two devices"
expect_line "$TMP/pvh.out" "dev=blk0 transport=mmio addr=0xd0000000 size=0x200 irq=gsi5" "info virtio: blk0 on mmio"
expect_line "$TMP/pvh.out" "dev=rng0 transport=mmio addr=0xd0001000 size=0x200 irq=gsi6" "info virtio: rng0 on mmio"
expect_line "$TMP/pvh.out" "rng0.status=0x0f [ACKNOWLEDGE DRIVER FEATURES_OK DRIVER_OK]" "info virtio: rng0 DRIVER_OK"
if grep -q '^rng0.q0 size=8 ready=1 notifies=[1-9]' "$TMP/pvh.out"; then
	ok "info virtio: rng0 queue notified"
else
	fail "info virtio: rng0 queue not notified"
	grep '^rng0' "$TMP/pvh.out"
fi

new_disk "$TMP/disk.img"
run_hvmon 60 "$TMP/l64.out" --batch --virtio mmio --boot linux64 \
	--disk "$TMP/disk.img,id=hvmon-disk0" --rng -m 64M -a "virtio=blk,rng exit=i8042" \
	"$TESTGUEST/testguest.bzImage"
check linux64 "$TMP/l64.out"

# acpi=off: a kernel that reads no DSDT gets the windows on its command
# line instead (VIRTIO_MMIO_CMDLINE_DEVICES); the guest, which reads both,
# probes the window once.
run_hvmon 60 "$TMP/off.out" --batch --virtio mmio --rng -m 64M -a "virtio=rng exit=cf9 acpi=off" "$G"
expect_status "$status" 0 "acpi=off: guest ran and reset"
expect_line "$TMP/off.out" "virtio=rng exit=cf9 acpi=off virtio_mmio.device=0x200@0xd0000000:5" \
	"acpi=off: the window on the command line"
n=$(grep -c '^mmio: 0xd0000000 ' "$TMP/off.out")
[ "$n" -eq 1 ] && ok "acpi=off: the window probed once" || fail "acpi=off: probed $n times"
grep -q '^virtio: mmio@0xd0000000 rng features=0x[0-9a-f]* ok$' "$TMP/off.out" &&
	ok "acpi=off: rng initialized" || fail "acpi=off: rng not initialized"

# PCI stays the default: the same options without --virtio put nothing on MMIO.
run_hvmon 60 "$TMP/pci.out" --batch --rng -m 64M -a "virtio=rng" "$G"
expect_no_line "$TMP/pci.out" "virtio_mmio.device=" "default: no virtio_mmio.device on the command line"
expect_line "$TMP/pci.out" "hvmon: virtio-rng on PCI" "default: rng on PCI"
finish
