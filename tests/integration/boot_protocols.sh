#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The test guest, booted through every path the loaders offer (PVH ELF;
# bzImage with gzip, xz, zstd and lz4 payloads through PVH; bzImage
# through the 64-bit boot protocol), reports the command line, memory map
# and initrd it received; each must match what hvmon was given.
. tests/integration/lib.sh
need_kvm

# An initrd of awkward size with known content, and its checksum as the
# guest computes it (tests/guest/README.md: little-endian u32 words, the
# tail zero-padded, summed modulo 2^32).
# It is no cpio archive nor compressed: hvmon loads it, warning once.
{ printf 'not-an-archive'; head -c 4085 /dev/urandom; } >"$TMP/initrd"
initrd_size=4099
initrd_sum=$( { cat "$TMP/initrd"; printf '\0'; } | od -An -v -tu4 -w4 |
	awk '{ s = (s + $1) % 4294967296 } END { printf "0x%08x", s }')

CMDLINE='console=ttyS0 hvmon.test="a b" x=1'

# check_boot NAME WANT_BOOT RAM E820_LINES... -- ARGS...
check_boot() {
	name=$1 want=$2 ram=$3
	shift 3
	run_hvmon 60 "$TMP/$name.out" --batch -m "$ram" -a "$CMDLINE" "$@" "$TMP/initrd"
	out=$TMP/$name.out
	expect_status "$status" 0 "$name: guest ran and reset"
	expect_line "$out" "hvmon-testguest: boot=$want" "$name: entered via $want"
	expect_line "$out" "cmdline: $CMDLINE" "$name: command line verbatim"
	expect_line "$out" "initrd: " "$name: initrd reported"
	expect_line "$out" "hvmon: warning: $TMP/initrd: the initrd is neither a cpio archive nor compressed" \
		"$name: the initrd's unknown format warned about"
	if grep -q "initrd: addr=0x[0-9a-f]* size=$initrd_size sum=$initrd_sum" "$out"; then
		ok "$name: initrd size and checksum"
	else
		fail "$name: initrd size/sum, wanted size=$initrd_size sum=$initrd_sum"
		grep "initrd" "$out"
	fi
	expect_no_line "$out" "hvmon-testguest: error" "$name: no error from the guest"
	expect_line "$out" "hvmon-testguest: done" "$name: guest finished"
	expect_line "$out" "guest reset" "$name: the reset ended hvmon"
}

e820_64m() {
	for l in "e820: 4 entries" "e820[0]: addr=0x0 size=0x9fc00 type=1" \
		"e820[1]: addr=0x9fc00 size=0x400 type=2" \
		"e820[2]: addr=0xe0000 size=0x20000 type=2" \
		"e820[3]: addr=0x100000 size=0x3f00000 type=1"; do
		expect_line "$1" "$l" "$2: $l"
	done
}

check_boot elf pvh 64M "$TESTGUEST/testguest.elf"
e820_64m "$TMP/elf.out" elf
check_boot elf-pvh pvh 64M --boot pvh "$TESTGUEST/testguest.elf"
for z in "" -xz -zstd -lz4; do
	check_boot "bzimage$z" pvh 64M "$TESTGUEST/testguest$z.bzImage"
	e820_64m "$TMP/bzimage$z.out" "bzimage$z"
done
expect_line "$TMP/bzimage.out" "payload gzip" "gzip payload named"
expect_line "$TMP/bzimage-lz4.out" "payload lz4" "lz4 payload named"
check_boot linux64 linux64 64M --boot linux64 "$TESTGUEST/testguest.bzImage"
e820_64m "$TMP/linux64.out" linux64

# RAM beyond the MMIO hole: the map skips 3G-4G and continues at 4G.
for p in pvh linux64; do
	check_boot "big-$p" "$p" 3584M --boot "$p" "$TESTGUEST/testguest.bzImage"
	expect_line "$TMP/big-$p.out" "e820: 5 entries" "big-$p: five e820 entries"
	expect_line "$TMP/big-$p.out" "addr=0x100000 size=0xbff00000 type=1" "big-$p: RAM up to the 3G hole"
	expect_line "$TMP/big-$p.out" "addr=0x100000000 size=0x20000000 type=1" "big-$p: RAM above 4G"
done

# No initrd at all.
run_hvmon 60 "$TMP/noinitrd.out" --batch -m 64M "$TESTGUEST/testguest.elf"
expect_status "$status" 0 "no initrd: guest ran"
expect_line "$TMP/noinitrd.out" "initrd: none" "no initrd: guest saw none"
expect_line "$TMP/noinitrd.out" "cmdline: console=ttyS0" "default command line"

# A protocol the image cannot do is refused with one line.
run_hvmon 20 "$TMP/wrong.out" --batch --boot linux64 "$TESTGUEST/testguest.elf"
expect_status "$status" 2 "linux64 on an ELF refused"
finish
