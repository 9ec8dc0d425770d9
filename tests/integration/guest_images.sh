#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The test guest's bzImages are laid out as the boot protocol says
# (Documentation/arch/x86/boot.rst): the header's payload_offset, counted
# from the protected-mode code at (setup_sects + 1) * 512, finds the
# compressed payload's magic, and syssize * 16 is the protected-mode
# part's exact size. Needs no /dev/kvm: a wrong layout here sends PVH
# and the 64-bit protocol to the wrong bytes (it once did, when a
# page-aligned .data moved in the file but not in memory).
. tests/integration/lib.sh

# le32 FILE OFFSET: the little-endian u32 at OFFSET.
le32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
byte() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
hexat() { od -An -tx1 -j "$2" -N"$3" "$1" | tr -d ' \n'; }

for pair in ":1f8b" "-xz:fd377a585a00" "-zstd:28b52ffd" "-lz4:02214c18"; do
	z=${pair%%:*} magic=${pair#*:}
	f=$TESTGUEST/testguest$z.bzImage
	[ -f "$f" ] || { fail "no $f (make guest)"; continue; }
	sects=$(byte "$f" $((0x1f1)))
	[ "$sects" -eq 0 ] && sects=4
	pm=$(((sects + 1) * 512))
	poff=$(le32 "$f" $((0x248))) plen=$(le32 "$f" $((0x24c)))
	got=$(hexat "$f" $((pm + poff)) $((${#magic} / 2)))
	if [ "$got" = "$magic" ]; then
		ok "testguest$z.bzImage: payload_offset 0x$(printf %x "$poff") finds the payload's magic ($magic)"
	else
		fail "testguest$z.bzImage: at payload_offset 0x$(printf %x "$poff") (file 0x$(printf %x $((pm + poff)))): $got, wanted $magic"
	fi
	size=$(wc -c <"$f") syssize=$(le32 "$f" $((0x1f4)))
	if [ $((pm + poff + plen)) -le "$size" ] && [ $((syssize * 16)) -eq $((size - pm)) ]; then
		ok "testguest$z.bzImage: the payload lies inside the file; syssize * 16 is the protected-mode size"
	else
		fail "testguest$z.bzImage: file $size bytes, protected mode at $pm, payload $poff+$plen, syssize $syssize"
	fi
done
finish
