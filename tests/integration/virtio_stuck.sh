#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Stuck probes, one broken driver per diagnosis (docs/monitor.md, "diagnose";
# tests/guest/README.md, "Stuck probes" and "Hostile requests"): the test
# guest's blk driver stops or breaks one rule, hvmon is paused, and
# `diagnose blk0` must print the exact line of the table below, on
# virtio-pci and virtio-mmio, split and packed rings. Lines of one case
# must come in the order listed (a root cause before its consequences).
# The same classes are unit-tested on synthetic and driven device state
# in tests/unit/test_diagnose.c.
. tests/integration/lib.sh
need_kvm
head -c 65536 /dev/urandom >"$TMP/disk.img"

# run_case NAME TRANSPORT RING GUEST-ARGS WAIT-TEXT: boot once per case
# (later rows of the case reuse the output), pause after WAIT-TEXT and
# run the inspector.
run_case() {
	o=$TMP/$1-$2-$3.out
	[ -f "$o" ] && return 0
	vt=$2
	[ "$3" = packed ] && vt="$2,packed"
	printf 'run\nwait "%s" 30\nsleep 200\npause\ndiagnose blk0\nvq blk0 0\ninfo virtio\necho alive\nquit\n' \
		"$5" >"$TMP/script"
	run_hvmon 60 "$o" --batch -x "$TMP/script" --virtio "$vt" --disk "$TMP/disk.img" \
		-m 64M -a "virtio=blk virtioring=$3 $4 exit=hlt" "$TESTGUEST/testguest.elf"
	expect_status "$status" 0 "$1/$2/$3: hvmon kept running and quit"
	expect_line "$o" "alive" "$1/$2/$3: the monitor answered"
	expect_no_guest_error "$o" "$1/$2/$3"
}

# expect_after FILE LINE AFTER WHAT: LINE is a whole line of FILE, below
# line number AFTER; prints its line number.
expect_after() {
	n=$(grep -nxF -- "$2" "$1" | head -1 | cut -d: -f1)
	if [ -z "$n" ]; then
		echo "FAIL: $4: no line '$2'" >&2
		grep '^blk0: ' "$1" | sed 's/^/    | /' >&2
		echo 0
		return 1
	fi
	if [ "$n" -le "$3" ]; then
		echo "FAIL: $4: '$2' comes before an earlier line of the case" >&2
		echo 0
		return 1
	fi
	echo "ok: $4" >&2
	echo "$n"
}

# The table: case | transports | rings | guest arguments | wait for |
# guest line (after "virtio-blk: hostile CASE: ", empty for none) |
# diagnosis line.
cat >"$TMP/table" <<'EOF'
features|pci mmio|split packed|virtiostop=features|virtio: stopped after features||blk0: problem=stopped-before-features-ok: the driver stopped before FEATURES_OK (3.1.1 step 5) (status=0x03 [ACKNOWLEDGE DRIVER])
queue|pci mmio|split packed|virtiostop=queue|virtio: stopped after queue||blk0: problem=stopped-before-driver-ok: FEATURES_OK was accepted but the driver never set DRIVER_OK (3.1.1 step 8); queues do not run (status=0x0b [ACKNOWLEDGE DRIVER FEATURES_OK])
nonotify|pci mmio|split|virtiostop=nonotify|virtio: stopped after nonotify||blk0: problem=never-notified: queue 0 is enabled and the driver posted 1 buffer(s) (avail.idx=1, device last saw 0) but never notified the device (2.7.10.1, 2.7.13.4)
nonotify|pci mmio|packed|virtiostop=nonotify|virtio: stopped after nonotify||blk0: problem=never-notified: queue 0 is enabled and the driver made 1 buffer(s) available (packed ring, device at descriptor 0) but never notified the device (2.8.10, 2.8.21.3)
noisr|pci|split packed|virtiostop=noisr|virtio: stopped after noisr||blk0: problem=isr-not-read: queue 0 published used entries (used.idx=4) and 4 interrupt(s) were sent on INTx gsi 10, but the driver has not read the ISR since (isr=0x01, isr_reads=0): the interrupt was not acknowledged (4.1.4.5.1)
noisr|mmio|split packed|virtiostop=noisr|virtio: stopped after noisr||blk0: problem=interrupt-not-acked: queue 0 published used entries (used.idx=4) and 4 interrupt(s) were sent on gsi 5, but the driver has not written InterruptACK since (InterruptStatus=0x01, line still asserted): the interrupt was not acknowledged (4.2.2)
masked|pci|split packed|virtiomsix=masked|virtio-blk: isr=||blk0: problem=vector-masked: queue 0 published used entries but MSI-X vector 1 is masked (the entry's Vector Control mask): the interrupt stays pending (PCI 3.0 6.8.2.9)
oob|pci mmio|split|virtiohostile=oob|virtio-blk: hostile oob|device needs reset status=0x4f|blk0: problem=needs-reset: the device is marked NEEDS_RESET (2.1.2): queue 0: descriptor 1: buffer 0x100000000000 len 0x1000 is not inside guest RAM (2.7.5); it ignores the driver until a reset (status=0x4f [ACKNOWLEDGE DRIVER FEATURES_OK DRIVER_OK NEEDS_RESET])
cfgwrite|pci mmio|split packed|virtiohostile=cfgwrite|virtio-blk: hostile cfgwrite|capacity unchanged, read status=0|blk0: problem=config-access-ignored: the driver made 2 config write(s) and 0 config read(s) the device ignored; the last, a 4-byte write at offset 0x80, falls outside the 60-byte device configuration (2.5)
usedevent|pci mmio|split|virtiohostile=usedevent|virtio-blk: hostile usedevent|answered, waiting for an interrupt, status=0x0f|blk0: problem=interrupt-suppressed: queue 0: used_event=100 suppressed the used buffer notification for used.idx=1: the driver asked for one only once the device writes used entry 100 (EVENT_IDX, 2.7.7.2); no interrupt was sent since the queue was enabled
usedevent|pci mmio|packed|virtiohostile=usedevent|virtio-blk: hostile usedevent|answered, waiting for an interrupt, status=0x0f|blk0: problem=interrupt-suppressed: queue 0: the driver event suppression flags=desc off=5 wrap=1 suppressed the used buffer notification for used.idx=1: it asks for one only once the device marks that descriptor used, and the device's next used descriptor is 3 wrap=1 (2.8.10); no interrupt was sent since the queue was enabled
nointerrupt|pci mmio|split|virtiohostile=nointerrupt|virtio-blk: hostile nointerrupt|answered, waiting for an interrupt, status=0x0f|blk0: problem=interrupt-suppressed: queue 0: avail.flags=0x1 (VIRTQ_AVAIL_F_NO_INTERRUPT) suppressed the used buffer notification for used.idx=1 (2.7.7.2); no interrupt was sent since the queue was enabled; without EVENT_IDX the device cannot tell whether the driver polls the used ring instead
nointerrupt|pci mmio|packed|virtiohostile=nointerrupt|virtio-blk: hostile nointerrupt|answered, waiting for an interrupt, status=0x0f|blk0: problem=interrupt-suppressed: queue 0: the driver event suppression flags=disable suppressed the used buffer notification for used.idx=1 (2.8.10); no interrupt was sent since the queue was enabled
noconsume|pci mmio|split|virtiohostile=noconsume|virtio-blk: hostile noconsume|interrupt acknowledged, used ring not processed, status=0x0f|blk0: problem=not-consumed: queue 0: used_event=0 (the driver's progress mark with EVENT_IDX) is 1 entry behind used.idx=1, and an interrupt went at used.idx=1: the driver did not process the used ring after the interrupt (2.7.7.2, 2.7.14)
noconsume|pci mmio|packed|virtiohostile=noconsume|virtio-blk: hostile noconsume|interrupt acknowledged, used ring not processed, status=0x0f|blk0: problem=not-consumed: queue 0: the driver event suppression off=0 wrap=1 (flags=desc, its progress mark) is 3 descriptor(s) behind the device's next used descriptor 3 wrap=1, and an interrupt went at used.idx=1: the driver did not process the used descriptors after the interrupt (2.8.10)
refused|pci mmio|split packed|virtiohostile=refused|virtio-blk: hostile refused|went on without re-reading status, status=0x43|blk0: problem=features-refused: the device refused FEATURES_OK: driver accepted features the device does not offer: 0x1 (2.2.1); the driver went on without re-reading status (3.1.1 step 6) (status=0x43 [ACKNOWLEDGE DRIVER NEEDS_RESET])
refused|pci mmio|split packed|virtiohostile=refused|virtio-blk: hostile refused|went on without re-reading status, status=0x43|blk0: problem=needs-reset: the device is marked NEEDS_RESET (2.1.2): queue 0 enabled before FEATURES_OK (3.1.1); it ignores the driver until a reset (status=0x43 [ACKNOWLEDGE DRIVER NEEDS_RESET]) (a consequence of features-refused)
nowhere|pci|split packed|virtiohostile=nowhere|virtio-blk: hostile nowhere|no answer, status=0x0f|blk0: problem=notify-to-nowhere: the driver made 1 notification(s) that reached no queue since the last reset; the last, a 2-byte write of 0x0 at notify offset 0x40, is past the notification area (queue q's address is offset 4*q for q < 1, 16 or 32 bits wide, 4.1.4.4)
nowhere|mmio|split packed|virtiohostile=nowhere|virtio-blk: hostile nowhere|no answer, status=0x0f|blk0: problem=notify-to-nowhere: the driver made 1 notification(s) that reached no queue since the last reset; the last, QueueNotify=7 names no queue (the device has 1) (4.2.2)
nowhere|pci mmio|split|virtiohostile=nowhere|virtio-blk: hostile nowhere|no answer, status=0x0f|blk0: problem=never-notified: queue 0 is enabled and the driver posted 1 buffer(s) (avail.idx=1, device last saw 0) but never notified the device (2.7.10.1, 2.7.13.4) (a consequence of notify-to-nowhere)
nowhere|pci mmio|packed|virtiohostile=nowhere|virtio-blk: hostile nowhere|no answer, status=0x0f|blk0: problem=never-notified: queue 0 is enabled and the driver made 1 buffer(s) available (packed ring, device at descriptor 0) but never notified the device (2.8.10, 2.8.21.3) (a consequence of notify-to-nowhere)
earlykick|pci mmio|split packed|virtiohostile=earlykick|virtio-blk: hostile earlykick|answered, isr=0x1 status=0x0f|blk0: warning=early-kick: queue 0 was notified 1 time(s) before DRIVER_OK: the driver must not notify before setting DRIVER_OK (3.1.1); hvmon looks at every ready queue at DRIVER_OK, as QEMU does, but a device that does not would leave this driver waiting
earlykick|pci mmio|split packed|virtiohostile=earlykick|virtio-blk: hostile earlykick|answered, isr=0x1 status=0x0f|blk0: ok: no problem seen (status=0x0f [ACKNOWLEDGE DRIVER FEATURES_OK DRIVER_OK])
unnotified|pci mmio|split packed|virtiohostile=unnotified|virtio-blk: hostile unnotified|answered, isr=0x1 status=0x0f|blk0: info: queue 0: 1 buffer(s) taken without a notification (served at DRIVER_OK; avail.idx=1, device last saw 1): a device that does not look at its rings at DRIVER_OK would not have served them (2.7.10.1)
unnotified|pci mmio|split packed|virtiohostile=unnotified|virtio-blk: hostile unnotified|answered, isr=0x1 status=0x0f|blk0: ok: no problem seen (status=0x0f [ACKNOWLEDGE DRIVER FEATURES_OK DRIVER_OK])
EOF

# Rows in order; $TMP/last.NAME-T-R holds the line number the case's
# previous row matched.
while IFS='|' read -r name transports rings gargs wait gline diag; do
	for t in $transports; do
		for r in $rings; do
			run_case "$name" "$t" "$r" "$gargs" "$wait"
			o=$TMP/$name-$t-$r.out
			if [ -n "$gline" ] && [ ! -f "$TMP/gline.$name-$t-$r" ]; then
				: >"$TMP/gline.$name-$t-$r"
				expect_line "$o" "virtio-blk: hostile $name: $gline" "$name/$t/$r: what the guest saw"
			fi
			last=$(cat "$TMP/last.$name-$t-$r" 2>/dev/null || echo 0)
			what="$name/$t/$r: diagnose says '$(echo "$diag" | cut -c7-70)...'"
			if n=$(expect_after "$o" "$diag" "$last" "$what" 2>"$TMP/msg"); then
				echo "$n" >"$TMP/last.$name-$t-$r"
				cat "$TMP/msg"
			else
				cat "$TMP/msg"
				failures=$((failures + 1))
			fi
		done
	done
done <"$TMP/table"

# The diagnosis agrees with vq at the same moment (issue 13): a buffer
# served at DRIVER_OK was taken (pending 0) with no notification.
o=$TMP/unnotified-pci-split.out
for key in "avail.idx=1" "last_avail_idx=1" "pending=0" "kicks=0 empty_kicks=0" \
	"early_notifies=0 waiting_at_driver_ok=1"; do
	if grep -qxF "$key" "$o"; then ok "unnotified: vq shows $key"; else fail "unnotified: vq has no '$key' line"; fi
done
# The suppression diagnose names is what vq shows.
o=$TMP/usedevent-pci-split.out
expect_line "$o" "last_interrupt_decision used.idx=1 suppressed used_event=100" "usedevent: vq shows the decision"
expect_line "$o" "interrupts=0 suppressed=1" "usedevent: vq counts the suppressed interrupt"
# info virtio counts the notifications to nowhere, with the last one.
expect_line "$TMP/nowhere-mmio-split.out" \
	"blk0.stray_notifies=1 since_reset=1 last_value=0x7 last_offset=0x50 last_width=4 last_why=no-such-queue" \
	"nowhere/mmio: info virtio shows the stray notification"
expect_line "$TMP/nowhere-pci-split.out" \
	"blk0.stray_notifies=1 since_reset=1 last_value=0x0 last_offset=0x40 last_width=2 last_why=past-notify-area" \
	"nowhere/pci: info virtio shows the stray notification"
expect_line "$TMP/earlykick-mmio-packed.out" "early_notifies=1" "earlykick: info virtio and vq count it"
# MSI-X: the entry's own mask next to the function mask.
expect_line "$TMP/masked-pci-split.out" "vector=1 entry_masked=1 function_masked=0" "masked: vq shows both masks"
finish
