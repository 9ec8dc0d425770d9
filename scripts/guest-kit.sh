#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# guest-kit.sh: fetch Debian's stock kernel (without installing it) and build
# a small busybox initrd that loads the virtio drivers. Run by `make guest-kit`.
#
# Usage: scripts/guest-kit.sh [--with-dbg] OUTDIR
#
# Produces in OUTDIR:
#   kernel-version  the ABI string, e.g. 6.1.0-56-amd64
#   vmlinuz         Debian's bzImage (boot/vmlinuz-ABI)
#   config          its .config (boot/config-ABI)
#   initrd.img      gzip'd newc cpio: /bin/busybox (static) and its applet
#                   links, the virtio modules under /lib/modules/ABI (with
#                   modules.dep), /etc/hvmon-modules (insmod order) and /init
#   System.map      only with --with-dbg or HVMON_WITH_DBG=1: the real map,
#                   from linux-image-ABI-amd64-dbg (an 858 MB download; the
#                   .deb is deleted once the map is out)
#   kernel-pkg      "package version" as apt resolved it (cached until the
#                   apt lists change)
#   debs/           the cached kernel .deb; root/ the extracted subset
#
# The ABI is the package linux-image-amd64's candidate depends on (override
# with HVMON_KERNEL_ABI=6.1.0-NN-amd64). Every step is skipped when its output
# exists and is newer than its inputs, so a second run takes well under a
# second. Needs apt's package lists (apt-get update; done here when root and
# the lists are missing), dpkg-deb, tar, kmod, cpio, gzip, busybox-static.
#
# /init in the initrd: mounts proc, sys, devtmpfs; insmods the modules in
# dependency order; prints "hvmon-initrd: modules loaded", then the virtio
# devices, network interfaces and /dev/vd* /dev/hvc* it sees. With
# `hvmon.test=1` on the kernel command line it prints "hvmon-initrd: test done"
# and does `reboot -f`; otherwise it starts a shell on the console.
set -euo pipefail

# Modules for the initrd (their dependencies must be in this list too; checked).
MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
virtio_mmio virtio_blk failover net_failover virtio_net virtio_console virtio-rng"

log() { echo "guest-kit: $*"; }
die() { echo "guest-kit: error: $*" >&2; exit 1; }
usage() { echo "usage: $0 [--with-dbg] OUTDIR" >&2; exit 2; }

# uptodate OUT IN...: OUT exists and is newer than every IN.
uptodate() {
	local out=$1 in
	shift
	[ -e "$out" ] || return 1
	for in in "$@"; do [ "$out" -nt "$in" ] || return 1; done
}

with_dbg=${HVMON_WITH_DBG:-0}
outdir=""
for arg in "$@"; do
	case $arg in
	--with-dbg) with_dbg=1 ;;
	-h | --help) usage ;;
	-*) usage ;;
	*) [ -z "$outdir" ] || usage; outdir=$arg ;;
	esac
done
[ -n "$outdir" ] || usage

export PATH="$PATH:/usr/sbin:/sbin" LC_ALL=C
for tool in apt-cache apt-get dpkg-deb tar depmod modprobe modinfo cpio gzip readelf; do
	command -v "$tool" >/dev/null || die "$tool not found (run: make deps)"
done
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "$BUSYBOX not found (install busybox-static; run: make deps)"
readelf -l "$BUSYBOX" | grep -q INTERP && die "$BUSYBOX is dynamically linked (install busybox-static)"

SELF=$(readlink -f "$0")
# apt_wait_lock: wait, saying so, while another apt holds its locks.
. "$(dirname "$SELF")/apt-lock.sh"
mkdir -p "$outdir"
OUT=$(cd "$outdir" && pwd)
DEBS=$OUT/debs
ROOT=$OUT/root
APT_OPTS=()
# As root, apt-get download otherwise warns that user _apt cannot write here.
[ "$(id -u)" -ne 0 ] || APT_OPTS=(-o APT::Sandbox::User=root)

# --- 1. Which kernel: linux-image-amd64's candidate depends on linux-image-ABI.
# Asking apt takes about a second, so the answer is kept in OUTDIR/kernel-pkg
# until apt's lists change (or HVMON_KERNEL_ABI asks for another kernel).
candidate() {
	local dep
	if [ -n "${HVMON_KERNEL_ABI:-}" ]; then
		dep=linux-image-$HVMON_KERNEL_ABI
		echo "$dep $(apt-cache show --no-all-versions "$dep" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)"
	else
		dep=$(apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
			sed -n 's/^Depends: //p' | tr ',' '\n' |
			sed -n 's/^ *\(linux-image-[0-9][^ ]*-amd64\) (= \(.*\))$/\1 \2/p' | head -n1)
		echo "$dep"
	fi
}
want=${HVMON_KERNEL_ABI:+linux-image-$HVMON_KERNEL_ABI}
cached=$(cat "$OUT/kernel-pkg" 2>/dev/null) || cached=""
if [ -n "$cached" ] && uptodate "$OUT/kernel-pkg" /var/lib/apt/lists &&
	{ [ -z "$want" ] || [ "${cached%% *}" = "$want" ]; }; then
	dep=$cached
else
	dep=$(candidate)
	if [ "${dep#* }" = "" ] && [ "$(id -u)" -eq 0 ]; then
		log "apt knows no candidate for ${want:-linux-image-amd64}; running apt-get update"
		apt_wait_lock guest-kit || exit 1
		# shellcheck disable=SC2086
		apt-get update -q $APT_LOCK_OPTS >/dev/null
		dep=$(candidate)
	fi
	if [ "${dep#* }" = "" ]; then
		# Offline, or no lists: reuse what an earlier run fetched, if anything.
		if [ -z "$cached" ] || { [ -n "$want" ] && [ "${cached%% *}" != "$want" ]; }; then
			die "apt knows no candidate for ${want:-linux-image-amd64} (run: apt-get update)"
		fi
		log "warning: apt cannot tell the current kernel; reusing $cached"
		dep=$cached
	fi
	echo "$dep" >"$OUT/kernel-pkg"
fi
pkg=${dep%% *}
ver=${dep#* }
abi=${pkg#linux-image-}
log "kernel $abi ($pkg $ver)"

# --- 2. Download the .deb (about 71 MB) into the cache.
mkdir -p "$DEBS"
shopt -s nullglob
debs=("$DEBS/${pkg}_${ver/:/%3a}_"*.deb)
if [ "${#debs[@]}" -eq 0 ]; then
	log "downloading $pkg=$ver into $DEBS"
	rm -rf "$DEBS/partial"
	mkdir -p "$DEBS/partial"
	(cd "$DEBS/partial" && apt-get download -q "${APT_OPTS[@]}" "$pkg=$ver" >/dev/null)
	find "$DEBS" -maxdepth 1 -name 'linux-image-*.deb' ! -name '*-dbg_*' -delete
	mv "$DEBS/partial/${pkg}_"*.deb "$DEBS/"
	rmdir "$DEBS/partial"
	debs=("$DEBS/${pkg}_${ver/:/%3a}_"*.deb)
	[ "${#debs[@]}" -eq 1 ] || die "download of $pkg=$ver left no .deb in $DEBS"
fi
deb=${debs[0]}

# --- 3. Extract vmlinuz, config and the modules; depmod; compute insmod order.
stamp=$ROOT/.extracted
if ! uptodate "$stamp" "$deb" "$SELF" || [ "$(cat "$stamp")" != "$abi" ]; then
	log "extracting boot/vmlinuz-$abi, boot/config-$abi and $(echo "$MODULES" | wc -w) modules"
	new=$OUT/root.new
	rm -rf "$new"
	mkdir -p "$new"
	mdir=./lib/modules/$abi
	members=("./boot/vmlinuz-$abi" "./boot/config-$abi" "$mdir/modules.order" "$mdir/modules.builtin"
		"$mdir/modules.builtin.modinfo")
	for m in $MODULES; do members+=("$mdir/kernel/*/$m.ko"); done
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$new" --wildcards "${members[@]}" ||
		die "extracting from $deb failed (a file above missing from the package?)"
	depmod -b "$new" "$abi"
	: >"$new/modules.list"
	for m in $MODULES; do
		n=$(find "$new/lib/modules/$abi/kernel" -name "$m.ko" | wc -l)
		[ "$n" -eq 1 ] || die "module $m: found $n times in $pkg"
		modprobe -d "$new" -S "$abi" --show-depends "$m" |
			sed -n "s|^insmod $new\(/[^ ]*\) *$|\1|p" >>"$new/modules.list"
	done
	# Dependency order, each module once, first occurrence wins.
	awk '!seen[$0]++' "$new/modules.list" >"$new/modules.list.tmp"
	mv "$new/modules.list.tmp" "$new/modules.list"
	# Every module's declared dependencies must come before it in the list.
	loaded=" "
	while read -r ko; do
		for d in $(modinfo -F depends "$new$ko" | tr ',' ' '); do
			case $loaded in *" ${d//-/_} "*) ;; *) die "${ko##*/} needs $d, which is not in MODULES" ;; esac
		done
		n=${ko##*/}
		n=${n%.ko}
		loaded="$loaded${n//-/_} "
	done <"$new/modules.list"
	echo "$abi" >"$new/.extracted"
	rm -rf "$ROOT"
	mv "$new" "$ROOT"
fi

# --- 4. vmlinuz, config, kernel-version.
uptodate "$OUT/vmlinuz" "$stamp" || cp "$ROOT/boot/vmlinuz-$abi" "$OUT/vmlinuz"
uptodate "$OUT/config" "$stamp" || cp "$ROOT/boot/config-$abi" "$OUT/config"
[ "$(cat "$OUT/kernel-version" 2>/dev/null)" = "$abi" ] || echo "$abi" >"$OUT/kernel-version"

# --- 5. The initrd.
# newc_node NAME MODE MAJOR MINOR INO: one newc cpio header for a device node
# (so that /dev/console exists before devtmpfs is mounted, without mknod/root).
newc_node() {
	local name=$1 nlen=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$5" "$2" 0 0 1 0 0 0 0 "$3" "$4" "$nlen" 0
	printf '%s\0' "$name"
	head -c $(((4 - (110 + nlen) % 4) % 4)) /dev/zero
}
if ! uptodate "$OUT/initrd.img" "$stamp" "$BUSYBOX" "$SELF"; then
	stage=$OUT/initrd.stage
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc}
	cp "$BUSYBOX" "$stage/bin/busybox"
	"$BUSYBOX" --list-full | while read -r applet; do
		[ -e "$stage/$applet" ] || [ -L "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
	done
	mkdir -p "$stage/lib/modules/$abi"
	cp "$ROOT/lib/modules/$abi"/modules.* "$stage/lib/modules/$abi/"
	while read -r ko; do
		mkdir -p "$stage${ko%/*}"
		cp "$ROOT$ko" "$stage$ko"
	done <"$ROOT/modules.list"
	cp "$ROOT/modules.list" "$stage/etc/hvmon-modules"
	cat >"$stage/init" <<'EOF'
#!/bin/sh
# /init of the hvmon guest-kit initrd (generated by scripts/guest-kit.sh).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "hvmon-initrd: init started, kernel $(uname -r)"
while read -r ko; do
	insmod "$ko" || echo "hvmon-initrd: insmod $ko failed"
done </etc/hvmon-modules
echo "hvmon-initrd: modules loaded"
for d in /sys/bus/virtio/devices/*; do
	[ -e "$d" ] || continue
	drv=none
	[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	echo "hvmon-initrd: virtio $(basename "$d") device=$(cat "$d/device") vendor=$(cat "$d/vendor") driver=$drv"
done
echo "hvmon-initrd: net:" $(ls /sys/class/net)
echo "hvmon-initrd: dev:" $(ls /dev/vd* /dev/hvc* 2>/dev/null)
case " $(cat /proc/cmdline) " in
*" hvmon.test=1 "*)
	# tests/linux/check-linux.sh: use each virtio device the way a user
	# would and say what happened, one "hvmon-initrd: NAME: ..." line each.
	if [ -b /dev/vda ]; then
		echo "hvmon-initrd: vda: size=$(cat /sys/block/vda/size) marker=$(head -c 17 /dev/vda)"
		echo hvmon-linux-wrote-this | dd of=/dev/vda bs=512 seek=1 conv=sync,fsync 2>/dev/null &&
			echo "hvmon-initrd: vda: wrote sector 1"
	fi
	for c in /dev/hvc0 /dev/hvc1; do
		[ -c "$c" ] && echo "hvmon-initrd: hello on $c" >"$c" && echo "hvmon-initrd: ${c#/dev/}: written"
	done
	if [ -c /dev/hwrng ]; then
		echo "hvmon-initrd: hwrng: $(cat /sys/class/misc/hw_random/rng_current)" \
			"bytes=$(head -c 16 /dev/hwrng | od -An -tx1 | tr -d ' \n')"
	fi
	for n in /sys/class/net/*; do
		n=${n##*/}
		[ "$n" = lo ] && continue
		ip link set "$n" up && ip addr add 10.0.2.15/24 dev "$n" &&
			ping -c 1 -W 10 10.0.2.2 >/dev/null 2>&1 &&
			echo "hvmon-initrd: $n: ping 10.0.2.2 ok mac=$(cat /sys/class/net/$n/address)"
		break
	done
	echo "hvmon-initrd: test done"
	sync
	reboot -f
	;;
esac
echo "hvmon-initrd: starting shell"
setsid cttyhack sh
reboot -f
EOF
	chmod 755 "$stage/init"
	find "$stage" -exec touch -h -d @0 {} + # same inputs, same initrd
	{
		(cd "$stage" && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --reproducible --quiet)
		newc_node dev/console $((0020600)) 5 1 999999
		newc_node 'TRAILER!!!' 0 0 0 0
	} | gzip -9n >"$OUT/initrd.img.tmp"
	mv "$OUT/initrd.img.tmp" "$OUT/initrd.img"
	rm -rf "$stage"
	log "initrd.img: $(wc -c <"$OUT/initrd.img") bytes, modules: $(sed 's|.*/||; s|\.ko$||' "$ROOT/modules.list" | paste -sd' ')"
fi

# --- 6. Optional: the real System.map from the -dbg package.
if [ "$with_dbg" != 1 ] && [ -e "$OUT/System.map" ] && ! uptodate "$OUT/System.map" "$deb"; then
	log "removing System.map of an older kernel (use --with-dbg for the current one)"
	rm -f "$OUT/System.map"
elif [ "$with_dbg" = 1 ] && ! uptodate "$OUT/System.map" "$deb"; then
	dbg=linux-image-$abi-dbg
	log "downloading $dbg=$ver (about 860 MB) for System.map"
	rm -rf "$DEBS/partial"
	mkdir -p "$DEBS/partial"
	(cd "$DEBS/partial" && apt-get download -q "${APT_OPTS[@]}" "$dbg=$ver" >/dev/null)
	# tar stops at the first match, so dpkg-deb may die of SIGPIPE: check the result instead.
	set +o pipefail
	dpkg-deb --fsys-tarfile "$DEBS/partial/${dbg}_"*.deb 2>/dev/null |
		tar -x -O --occurrence=1 "./usr/lib/debug/boot/System.map-$abi" >"$OUT/System.map.tmp"
	set -o pipefail
	rm -rf "$DEBS/partial"
	grep -q ' T start_kernel$' "$OUT/System.map.tmp" || die "no usable System.map-$abi in $dbg"
	mv "$OUT/System.map.tmp" "$OUT/System.map"
	log "System.map: $(wc -l <"$OUT/System.map") symbols"
fi

# --- 7. disk.img: a 64 MiB raw disk for make run's virtio-blk (sparse, all
# zeros: the guest gets /dev/vda to read and write). Kept once made, so
# what a session wrote stays there.
if [ ! -e "$OUT/disk.img" ]; then
	truncate -s 64M "$OUT/disk.img.tmp"
	mv "$OUT/disk.img.tmp" "$OUT/disk.img"
	log "disk.img: 64 MiB raw, for --disk"
fi

log "ready in $OUT: vmlinuz initrd.img disk.img config kernel-version$([ -e "$OUT/System.map" ] && echo " System.map")"
