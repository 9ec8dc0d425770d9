#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `make check-linux`: Debian's kernel with the project's busybox initrd,
# booted to userspace; /init (scripts/guest-kit.sh) loads the virtio
# modules, reports, and with hvmon.test=1 reboots. Needs hardware KVM: on a
# host whose KVM runs guest kernel code in an instruction emulator, Linux
# does not get that far (docs/design.md 3), so this skips, saying why.
. tests/integration/lib.sh
need_kvm
if [ -d /sys/module/kvm_pvm ]; then
	echo "skipped: /dev/kvm is served by kvm_pvm, which emulates guest ring-0 code (~1.5 M instructions/s); Linux does not reach userspace on this host"
	exit 77
fi
if [ ! -f "$GUEST/vmlinuz" ] || [ ! -f "$GUEST/initrd.img" ]; then
	echo "skipped: Debian kernel not fetched ('make guest-kit')"
	exit 77
fi
cat >"$TMP/script" <<'SCRIPT'
run
wait "hvmon-initrd: modules loaded" 300
wait "hvmon-initrd: test done" 120
SCRIPT
run_hvmon 600 "$TMP/out" --batch -x "$TMP/script" -m 512M \
	-a "console=ttyS0 reboot=k panic=-1 hvmon.test=1" "$GUEST/vmlinuz" "$GUEST/initrd.img"
expect_status "$status" 0 "Linux booted, ran /init and rebooted"
expect_line "$TMP/out" "hvmon-initrd: modules loaded" "the virtio modules loaded"
expect_line "$TMP/out" "hvmon-initrd: test done" "/init finished"
finish
