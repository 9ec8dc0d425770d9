#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# virtio-rng over virtio-pci, driven by the test guest's own driver
# (tests/guest/README.md, "Virtio"): PCI enumeration through 0xcf8/0xcfc,
# the virtio 1.2 init sequence (3.1.1), one split-ring request (2.7) and
# the ISR (4.1.4.5). Without --rng the guest must say it found no device
# and still end the machine.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf

# No device: the driver reports it and the exit action still runs.
run_hvmon 30 "$TMP/none.out" --batch -m 64M -a "virtio=rng" "$G"
expect_status "$status" 0 "no rng device: guest ran and reset"
expect_line "$TMP/none.out" "pci: 00:00.0 vendor=0x" "host bridge enumerated"
expect_line "$TMP/none.out" "virtio: no rng device" "no rng device reported"
expect_line "$TMP/none.out" "guest reset" "exit action after the driver"

if ! "$HVMON" --help 2>&1 | grep -q -- '--rng'; then
	[ "$failures" -eq 0 ] || finish
	echo "skipped: hvmon has no --rng yet"
	exit 77
fi

# check_rng NAME ARGS...: one boot with --rng; the guest's lines checked.
check_rng() {
	name=$1
	shift
	out=$TMP/$name.out
	run_hvmon 60 "$out" --batch --rng -m 64M "$@"
	expect_status "$status" 0 "$name: guest ran and reset"
	expect_no_guest_error "$out" "$name"
	expect_no_line "$out" "timeout" "$name: no timeout"
	if grep -q '^pci: 00:[0-9a-f][0-9a-f]\.[0-7] vendor=0x1af4 device=0x1044 ' "$out"; then
		ok "$name: virtio-rng function enumerated (1af4:1044)"
	else
		fail "$name: no 'pci: ... vendor=0x1af4 device=0x1044' line"
		grep '^pci:' "$out"
	fi
	feat=$(sed -n 's/^virtio: 00:[0-9a-f]*\.[0-7] rng features=\(0x[0-9a-f]*\) ok$/\1/p' "$out" | head -1)
	if [ -z "$feat" ]; then
		fail "$name: no 'virtio: BDF rng features=0x... ok' line (FEATURES_OK kept, DRIVER_OK)"
		grep '^virtio' "$out"
	elif [ $(((feat >> 32) & 1)) -eq 1 ]; then
		ok "$name: device initialized, features $feat include VIRTIO_F_VERSION_1"
	else
		fail "$name: features $feat lack VIRTIO_F_VERSION_1 (bit 32)"
	fi
	expect_no_line "$out" "FEATURES_OK not kept" "$name: FEATURES_OK kept"
	bytes=$(sed -n 's/^virtio-rng: got 16 bytes \([0-9a-f]\{32\}\)$/\1/p' "$out" | head -1)
	if [ -z "$bytes" ]; then
		fail "$name: no 'virtio-rng: got 16 bytes <32 hex digits>' line"
		grep '^virtio' "$out"
	elif [ "$bytes" = 00000000000000000000000000000000 ]; then
		fail "$name: 16 bytes received, all zero"
	else
		ok "$name: 16 random bytes received ($bytes)"
	fi
	isr=$(sed -n 's/^virtio-rng: isr=\(0x[0-9a-f]*\)$/\1/p' "$out" | head -1)
	if [ -n "$isr" ] && [ $((isr & 1)) -eq 1 ]; then
		ok "$name: ISR bit 0 (queue interrupt) set ($isr)"
	else
		fail "$name: ISR bit 0 not set: '${isr:-no isr line}'"
	fi
	expect_line "$out" "guest reset" "$name: exit action after the driver"
}

check_rng pvh -a "virtio=rng" "$G"
check_rng linux64 --boot linux64 -a "virtio=rng exit=i8042" "$TESTGUEST/testguest.bzImage"

# Two draws from two boots differ (getrandom, not a fixed pattern).
a=$(sed -n 's/^virtio-rng: got 16 bytes //p' "$TMP/pvh.out")
b=$(sed -n 's/^virtio-rng: got 16 bytes //p' "$TMP/linux64.out")
if [ -n "$a" ] && [ "$a" != "$b" ]; then ok "two boots, different bytes"; else fail "two boots gave the same bytes '$a'"; fi
finish
