#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# nested-qemu.sh: build the QEMU that scripts/nested-kvm.sh prefers, in
# which software and hardware breakpoints reach the nested KVM.
#
# Usage: scripts/nested-qemu.sh   (prints the program's path on stdout)
#
# Debian's own qemu source package (apt-get source, from the deb-src twin
# of this machine's Debian sources: Debian's patches applied, the same
# QEMU as the qemu-system-x86 package), plus scripts/nested-qemu.patch,
# two fixes to TCG's emulation of SVM that keep every int3 and every DR0
# breakpoint of a nested guest from reaching KVM (the patch says which).
# Only x86_64-softmmu, with virtfs (nested-kvm.sh's root file system) and
# nothing else optional, into NESTED_QEMU_DIR (default build/nested-qemu):
# about 5 minutes on 2 cores, once; a no-op when the program is newer than
# the patch (remove build/nested-qemu to rebuild it after changing this
# script's configure line). Installs its build dependencies as root.
# Exits non-zero, saying why, when the source cannot be had or built;
# nested-kvm.sh then runs Debian's QEMU and the breakpoint tests skip.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=${NESTED_QEMU_DIR:-$here/build/nested-qemu}
bin=$out/qemu-system-x86_64
patch=$here/scripts/nested-qemu.patch
die() { echo "nested-qemu: $*" >&2; exit 1; }

if [ -x "$bin" ] && [ "$bin" -nt "$patch" ]; then
	echo "$bin"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || die "run as root: it installs QEMU's build dependencies with apt-get"

deps="dpkg-dev patch xz-utils meson ninja-build pkg-config python3 flex bison libglib2.0-dev
	libpixman-1-dev libfdt-dev zlib1g-dev libattr1-dev libcap-ng-dev"
# shellcheck disable=SC2086
if ! dpkg-query -W $deps >/dev/null 2>&1; then
	. "$here/scripts/apt-lock.sh"
	apt_wait_lock nested-qemu || exit 1
	echo "nested-qemu: installing QEMU's build dependencies" >&2
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $deps >&2 ||
		die "could not install the build dependencies"
fi

# A private apt state whose only sources are the deb-src twins of this
# machine's Debian ones (deb822 .sources files and one-line lists alike),
# so the system's own apt configuration is left as it was.
apt=$out/apt
rm -rf "$apt" "$out/src"
mkdir -p "$apt/lists/partial" "$apt/parts" "$out/src"
for f in /etc/apt/sources.list.d/*.sources; do
	[ -e "$f" ] || continue
	grep -q 'debian' "$f" || continue
	sed 's/^Types:.*/Types: deb-src/' "$f" >"$apt/parts/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -e "$f" ] || continue
	sed -n 's/^deb \(.*debian.*\)/deb-src \1/p' "$f"
done >"$apt/parts/lines.list"
aptopt=(-o "Dir::Etc::SourceList=$apt/parts/lines.list" -o "Dir::Etc::SourceParts=$apt/parts"
	-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=")
echo "nested-qemu: fetching Debian's qemu source package" >&2
apt-get -q "${aptopt[@]}" update >&2 || die "apt-get update of the deb-src lists failed"
(cd "$out/src" && apt-get -q "${aptopt[@]}" source qemu >&2) ||
	die "apt-get source qemu failed"
src=$(find "$out/src" -mindepth 1 -maxdepth 1 -type d -name 'qemu-*' | head -1)
[ -n "$src" ] || die "apt-get source left no qemu-* directory in $out/src"
patch -d "$src" -p1 -s <"$patch" || die "scripts/nested-qemu.patch does not apply to $(basename "$src")"

echo "nested-qemu: building $(basename "$src") for x86_64 (a few minutes)" >&2
mkdir -p "$src/build"
(cd "$src/build" && ../configure --target-list=x86_64-softmmu --without-default-features \
	--enable-virtfs --enable-attr --enable-cap-ng --disable-docs --disable-werror >&2 &&
	ninja -j"$(nproc)" qemu-system-x86_64 >&2) || die "building QEMU failed (its output is above)"
cp "$src/build/qemu-system-x86_64" "$bin.new"
mv "$bin.new" "$bin"
rm -rf "$out/src" "$apt"
echo "$bin"
