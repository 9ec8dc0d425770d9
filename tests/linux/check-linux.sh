#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `make check-linux`: Debian's kernel with the project's busybox initrd,
# booted to userspace with a virtio disk, console, rng and (as root) a
# network interface on a tap in a namespace this test makes. /init
# (scripts/guest-kit.sh) loads the virtio modules, uses each device and
# with hvmon.test=1 reboots; the test checks what it said and what reached
# the host (the disk file, the hvc file, the ping). Runs on PCI and on
# virtio-mmio, which the stock kernel finds through the DSDT's LNRO0005
# devices (issue 8). Needs hardware KVM: on a host whose KVM runs guest
# kernel code in an instruction emulator, Linux does not get that far
# (docs/design.md 3), so this skips, saying why.
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
transports="pci mmio"

NS=
run_in=
if [ "$(id -u)" -eq 0 ] && ip netns add "hvmon-linux-$$" 2>/dev/null; then
	NS=hvmon-linux-$$
	trap 'ip netns del "$NS" 2>/dev/null; rm -rf "$TMP"' EXIT
	ip netns exec "$NS" ip link set lo up
	ip netns exec "$NS" ip tuntap add dev hvl0 mode tap
	ip netns exec "$NS" ip addr add 10.0.2.2/24 dev hvl0
	ip netns exec "$NS" ip link set hvl0 up
	run_in="ip netns exec $NS"
else
	echo "(not root or no network namespaces: the network part is left out)"
fi

# Once the modules are in, the kernel-aware commands meet a kernel past
# its early boot (issue 11): lsmod lists them and adds their own kallsyms
# (x names a function of virtio_blk), ps lists the tasks /init started,
# and bt PID unwinds a sleeping task from its saved thread.sp.
cat >"$TMP/script" <<'SCRIPT'
run
wait "hvmon-initrd: modules loaded" 300
pause
lsmod
ps
x/1i virtblk_probe
bt 1
run
wait "hvmon-initrd: test done" 120
SCRIPT
for transport in $transports; do
	o=$TMP/$transport.out
	{ printf 'hvmon-disk-marker'; head -c $((1024 * 1024 - 17)) /dev/zero; } >"$TMP/disk.img"
	set -- --virtio "$transport" --disk "$TMP/disk.img,id=hvmon0" --hvc "file:$TMP/hvc.txt" --rng
	[ -n "$NS" ] && set -- "$@" --net tap=hvl0,mac=52:54:00:12:34:56
	timeout -k 5 600 $run_in "$HVMON" --batch -x "$TMP/script" -m 512M "$@" \
		-a "console=ttyS0 reboot=k panic=-1 hvmon.test=1" "$GUEST/vmlinuz" "$GUEST/initrd.img" \
		>"$o" 2>&1 </dev/null
	status=$?
	expect_status "$status" 0 "$transport: Linux booted, ran /init and rebooted"
	expect_line "$o" "hvmon-initrd: modules loaded" "$transport: the virtio modules loaded"
	if grep -q '^virtio_blk .*live' "$o"; then ok "$transport: lsmod lists virtio_blk, live"
	else fail "$transport: lsmod has no live virtio_blk"; grep -e ' text 0x' -e '^(no modules' "$o"; fi
	expect_line "$o" "<virtblk_probe>" "$transport: x names a module's function (its kallsyms were added)"
	if grep -Eq '^ +1 ' "$o"; then ok "$transport: ps lists pid 1"
	else fail "$transport: ps has no pid 1"; fi
	expect_line "$o" "schedule" "$transport: bt 1 unwinds the sleeping init from its thread.sp"
	expect_line "$o" "hvmon-initrd: vda: size=2048 marker=hvmon-disk-marker" "$transport: the guest reads its disk"
	expect_line "$o" "hvmon-initrd: vda: wrote sector 1" "$transport: ... and writes it"
	if dd if="$TMP/disk.img" bs=512 skip=1 count=1 2>/dev/null | grep -q hvmon-linux-wrote-this; then
		ok "$transport: the write reached the disk file"
	else
		fail "$transport: sector 1 of the disk file is not what the guest wrote"
	fi
	expect_line "$o" "hvmon-initrd: hvc0: written" "$transport: the guest has hvc0"
	expect_line "$TMP/hvc.txt" "hvmon-initrd: hello on /dev/hvc0" "$transport: hvc0's output reached its file"
	expect_line "$o" "hvmon-initrd: hwrng: virtio_rng" "$transport: the guest uses virtio-rng"
	if [ -n "$NS" ]; then
		expect_line "$o" "ping 10.0.2.2 ok mac=52:54:00:12:34:56" "$transport: the guest pings the host over virtio-net"
	fi
	expect_line "$o" "hvmon-initrd: test done" "$transport: /init finished"
done
finish
