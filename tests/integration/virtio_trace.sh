#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `trace virtio on [DEV]|off`: the test guest's driver brings up a blk and
# an rng device; the live trace shows its register accesses by name (PCI
# configuration space, the BAR's structures, virtio-mmio registers), the
# status changes, each notification and each used buffer with its
# interrupt. With DEV only that device's lines come.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf
head -c 65536 /dev/zero >"$TMP/disk.img"

printf 'trace virtio on\nrun\nwait "virtio-rng: isr=0x1" 30\nsleep 100\ntrace virtio off\nquit\n' >"$TMP/all"
run_hvmon 60 "$TMP/pci.out" --batch -x "$TMP/all" --disk "$TMP/disk.img" --rng -m 64M \
	-a "virtio=blk,rng exit=hlt" "$G"
o=$TMP/pci.out
expect_status "$status" 0 "pci: traced run"
expect_line "$o" "trace.virtio=on dev=all" "trace virtio on: status line"
expect_line "$o" "virtio dev=blk0 read pci_cfg.vendor len=4 val=0x10421af4" "pci: config space read by name"
expect_line "$o" "virtio dev=blk0 write pci_cfg.command" "pci: command register write"
expect_line "$o" "virtio dev=blk0 write common.device_status len=1 val=0x0" "pci: reset write by field name"
expect_line "$o" "virtio dev=blk0 status=0x0f [ACKNOWLEDGE DRIVER FEATURES_OK DRIVER_OK]" "pci: DRIVER_OK status change"
expect_line "$o" "virtio dev=blk0 write common.queue_desc.lo len=4 val=0x" "pci: ring address write, low half named"
expect_line "$o" "virtio dev=blk0 read device+0x0 len=4" "pci: device config read (capacity)"
# The kick's line shows last_avail=0, or 1 where the guest runs at hardware
# speed: the queue release DRIVER_OK queued on the I/O thread (virtio_dev.c)
# can take the buffer before that thread reads the kick's eventfd.
if grep -Eq 'virtio dev=rng0 notify q=0 avail\.idx=1 last_avail=[01]$' "$o"; then
	ok "pci: rng notification with avail.idx"
else
	fail "pci: no rng notification line with avail.idx=1"
fi
expect_line "$o" "virtio dev=rng0 used q=0 used.idx=1 interrupt=sent" "pci: used buffer and its interrupt"
expect_line "$o" "virtio dev=rng0 read isr.isr len=1 val=0x1" "pci: ISR read"
expect_line "$o" "trace.virtio=off dev=all" "trace virtio off: status line"
if grep -q '^t=+[0-9]*\.[0-9]\{6\} virtio dev=' "$o"; then
	ok "lines carry a time stamp"
else
	fail "no time-stamped trace line"
fi

printf 'trace virtio on rng0\nrun\nwait "virtio-rng: isr=0x1" 30\nsleep 100\ntrace virtio off\ntrace virtio on nosuch\nquit\n' >"$TMP/one"
run_hvmon 60 "$TMP/mmio.out" --batch -x "$TMP/one" --virtio mmio --disk "$TMP/disk.img" --rng \
	-m 64M -a "virtio=blk,rng exit=hlt" "$G"
o=$TMP/mmio.out
expect_status "$status" 2 "mmio: the bad device name fails the script"
expect_line "$o" "trace.virtio=on dev=rng0" "mmio: filtered on rng0"
expect_line "$o" "virtio dev=rng0 read mmio.MagicValue len=4 val=0x74726976" "mmio: register read by name"
expect_line "$o" "virtio dev=rng0 write mmio.Status len=4 val=0x0" "mmio: reset write by name"
expect_line "$o" "virtio dev=rng0 write mmio.InterruptACK len=4 val=0x1" "mmio: InterruptACK"
expect_no_line "$o" "virtio dev=blk0" "mmio: no blk0 lines with the rng0 filter"
expect_line "$o" "trace virtio: no virtio device 'nosuch'" "mmio: unknown device refused"
finish
