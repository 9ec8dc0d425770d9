#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# nested-kvm.sh: run a command where /dev/kvm exists, on a host that has
# none (a cloud VM without nested virtualisation).
#
# Usage: scripts/nested-kvm.sh [-t SECONDS] [-m MEM] [-c CPUS] COMMAND [ARG...]
#
# QEMU's TCG (software emulation, Debian's qemu-system-x86) emulates an AMD
# CPU with SVM and nested paging (-cpu max), so Debian's own kernel running
# in it loads kvm_amd and has a working /dev/kvm. That kernel is the one the
# guest kit fetches (scripts/guest-kit.sh, into GUEST_DIR, default
# build/guest); its modules come from the same cached .deb. The VM's root is
# this machine's own root file system, shared read-write over virtio-9p, so
# COMMAND runs on the same files, tools and build trees, in the current
# directory, as root, with /tmp a fresh tmpfs. Its output comes back on the
# serial console; the exit status is COMMAND's (124 on timeout, 125 when
# the VM could not start or said nothing).
#
# Everything is slower than on a hardware KVM host (all code is emulated,
# host userspace included), but guest kernel code is not slower than on
# kvm_pvm's instruction emulator (docs/design.md 1), and KVM behaves as on
# real AMD hardware, with two exceptions that come from TCG, not from KVM.
# QEMU 7.2's TCG raises int3 (0xcc) and int $3 as software interrupts and
# checks them only against SVM's INTn intercept, never against the #BP
# exception intercept that KVM_GUESTDBG_USE_SW_BP sets (target/i386/tcg:
# raise_interrupt2 with is_int=1; on AMD hardware int3 is a #BP exception
# and is intercepted, APM vol. 2, 15.12), so a guest's int3 goes to the
# guest's own IDT and no software breakpoint can stop. And VMRUN assigns
# DR7 without arming the breakpoints it enables, so an execution
# breakpoint in DR0 (KVM_GUESTDBG_USE_HW_BP) never fires. Single-step
# works (KVM_EXIT_DEBUG, exception 1).
#
# scripts/nested-qemu.sh builds Debian's own QEMU source with both fixed
# (scripts/nested-qemu.patch) into build/nested-qemu (NESTED_QEMU_DIR);
# `make check-nested` runs it first. When that program exists this script
# runs it and tells the command NESTED_BREAKPOINTS=1, and the tests run
# their breakpoint parts too (tests/integration/lib.sh, int3_exits).
# Otherwise it runs Debian's QEMU with NESTED_BREAKPOINTS=0, and they skip.
# NESTED_QEMU=PATH runs another build (given Debian's firmware,
# /usr/share/seabios and /usr/share/qemu); say NESTED_BREAKPOINTS=1 with
# it when it has both fixes. (Plain QEMU 7.2.0 without Debian's stable
# patches triple-faults the nested guest at its first instruction.)
set -euo pipefail

timeout_s=3600 mem=6G cpus=$(nproc)
while getopts t:m:c: o; do
	case $o in
	t) timeout_s=$OPTARG ;;
	m) mem=$OPTARG ;;
	c) cpus=$OPTARG ;;
	*) echo "usage: $0 [-t SECONDS] [-m MEM] [-c CPUS] COMMAND [ARG...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-t SECONDS] [-m MEM] [-c CPUS] COMMAND [ARG...]" >&2; exit 2; }

here=$(cd "$(dirname "$0")/.." && pwd)
kit=${GUEST_DIR:-$here/build/guest}
out=${NESTED_DIR:-$here/build/nested}
die() { echo "nested-kvm: $*" >&2; exit 125; }

ours=${NESTED_QEMU_DIR:-$here/build/nested-qemu}/qemu-system-x86_64
if [ -n "${NESTED_QEMU:-}" ]; then
	qemu=$NESTED_QEMU breakpoints=${NESTED_BREAKPOINTS:-0}
elif [ -x "$ours" ]; then
	qemu=$ours breakpoints=1
else
	qemu=qemu-system-x86_64 breakpoints=0
fi
# Debian's package brings the firmware every build here uses.
command -v qemu-system-x86_64 >/dev/null || "$here/scripts/install-bench-deps.sh" ||
	die "qemu-system-x86_64 is missing (apt-get install qemu-system-x86)"
command -v "$qemu" >/dev/null || die "NESTED_QEMU=$qemu: no such program"
# Debian's QEMU knows where Debian keeps its firmware; another build is told.
firmware=()
[ "$qemu" = qemu-system-x86_64 ] || firmware=(-L /usr/share/seabios -L /usr/share/qemu)
abi=$(cat "$kit/kernel-version" 2>/dev/null) || die "no guest kit in $kit (make guest-kit)"
deb=$(ls "$kit"/debs/linux-image-"$abi"_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || die "no cached linux-image-$abi .deb in $kit/debs (make guest-kit)"

# The initramfs: busybox, the modules for KVM and for a 9p root, and an
# init that mounts this machine's root and runs the command in it. Rebuilt
# when the kernel package or this script changes.
ird=$out/initramfs.img
if [ ! -s "$ird" ] || [ "$deb" -nt "$ird" ] || [ "$0" -nt "$ird" ]; then
	rm -rf "$out/root" "$out/ird"
	mkdir -p "$out/root" "$out/ird/bin" "$out/ird/lib/modules" "$out/ird/proc" \
		"$out/ird/sys" "$out/ird/dev" "$out/ird/host"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$out/root" ./lib/modules
	depmod -b "$out/root" "$abi"
	cp "$(command -v busybox)" "$out/ird/bin/busybox"
	: >"$out/ird/modules"
	for m in kvm_amd virtio_pci 9pnet_virtio 9p tun; do
		modprobe -d "$out/root" -S "$abi" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' | while read -r ko; do
		cp "$ko" "$out/ird/lib/modules/"
		basename "$ko" >>"$out/ird/modules"
	done
	cat >"$out/ird/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules); do insmod "/lib/modules/$m" || echo "nested-kvm: insmod $m failed"; done
if mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=mmap host /host; then
	mount -t proc proc /host/proc
	mount -t sysfs sys /host/sys
	mount -t devtmpfs dev /host/dev
	mkdir -p /host/dev/pts /host/dev/shm
	mount -t devpts -o ptmxmode=0666 devpts /host/dev/pts
	ln -sf pts/ptmx /host/dev/ptmx
	mount -t tmpfs tmpfs /host/dev/shm
	mount -t tmpfs tmpfs /host/tmp
	ip link set lo up 2>/dev/null
	job=$(sed -n 's/.*nested.job=\([^ ]*\).*/\1/p' /proc/cmdline)
	chroot /host /bin/sh "$job" </dev/null
	echo "nested-kvm: exit status $?"
else
	echo "nested-kvm: cannot mount the host's root"
fi
sync
poweroff -f
EOF
	chmod +x "$out/ird/init"
	(cd "$out/ird" && find . | cpio -o -H newc --quiet | gzip -1) >"$ird.tmp"
	mv "$ird.tmp" "$ird"
	rm -rf "$out/root" "$out/ird"
fi
vmlinuz=$kit/vmlinuz
[ -s "$vmlinuz" ] || die "no $vmlinuz (make guest-kit)"

# The job: the command, quoted, run in this directory with this PATH. It
# lives outside /tmp, which the VM replaces with its own tmpfs.
mkdir -p "$out"
job=$(mktemp "$out/job.XXXXXX")
log=$job.log
trap 'rm -f "$job" "$log"' EXIT
{
	echo "cd $(printf '%q' "$PWD") || exit 125"
	echo "export PATH=$(printf '%q' "$PATH") HOME=/root TERM=dumb NESTED_KVM=1" \
		"NESTED_BREAKPOINTS=$breakpoints"
	printf '%q ' "$@"
	echo
} >"$job"

set +e
timeout -k 10 "$timeout_s" "$qemu" "${firmware[@]}" -nodefaults -nographic -no-reboot \
	-machine q35 -accel tcg,thread=multi -cpu max -smp "$cpus" -m "$mem" \
	-kernel "$vmlinuz" -initrd "$ird" \
	-append "console=ttyS0 quiet loglevel=1 panic=-1 nested.job=$job" \
	-virtfs local,path=/,mount_tag=host,security_model=passthrough,id=host,multidevs=remap \
	-serial stdio 2>&1 | tr -d '\r' | tee "$log"
qemu_rc=${PIPESTATUS[0]}
set -e
[ "$qemu_rc" -ne 124 ] || { echo "nested-kvm: timed out after $timeout_s s" >&2; exit 124; }
# Not anchored at the start: when COMMAND printed nothing, the status
# shares its line with the firmware's console-reset escapes.
status=$(sed -n 's/.*nested-kvm: exit status \([0-9]*\)$/\1/p' "$log" | tail -1)
[ -n "$status" ] || die "the VM ended without running the command (qemu exit $qemu_rc; its output is above)"
exit "$status"
