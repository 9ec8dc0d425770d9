#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Debian's stock kernel, booted the default way (bzImage, XZ payload
# decompressed on the host, PVH entry), reaches its console banner; the
# monitor pauses it and quits cleanly. earlyprintk: the 8250 console driver
# registers only after the point this host's emulator reaches (docs/design.md 3).
. tests/integration/lib.sh
need_kvm
if [ ! -f "$GUEST/vmlinuz" ] || [ ! -f "$GUEST/initrd.img" ]; then
	echo "skipped: Debian kernel not fetched ('make guest-kit' failed or was not run)"
	exit 77
fi

cat >"$TMP/script" <<'SCRIPT'
run
wait "Linux version 6.1" 180
wait "0x0000000000100000-0x000000000fffffff] usable" 60
pause
info status
regs
quit
SCRIPT
run_hvmon 300 "$TMP/out" --batch -x "$TMP/script" -m 256M -a "console=ttyS0 earlyprintk=ttyS0 nokaslr" \
	"$GUEST/vmlinuz" "$GUEST/initrd.img"
expect_status "$status" 0 "quit after the banner"
expect_line "$TMP/out" "booted via pvh (payload xz, decompressed on the host)" "auto-detected XZ bzImage booted through PVH"
expect_line "$TMP/out" "Linux version 6.1" "kernel banner on the serial console"
expect_line "$TMP/out" "Command line: console=ttyS0 earlyprintk=ttyS0 nokaslr" "kernel got our command line"
expect_line "$TMP/out" "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable" "e820: conventional memory"
expect_line "$TMP/out" "BIOS-e820: [mem 0x0000000000100000-0x000000000fffffff] usable" "e820: 256M of RAM above 1M"
expect_line "$TMP/out" "status=paused" "paused after the banner"
expect_line "$TMP/out" "mode=64-bit long mode, 4-level paging" "kernel is in long mode"
finish
