#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# install-deps.sh: install hvmon's build and test dependencies from Debian.
#
# Usage: scripts/install-deps.sh        (run by `make deps`)
#
# Checks every package with one dpkg-query call; when all are installed it
# prints nothing and exits 0 (a fast no-op). Otherwise, as root, it runs
# `apt-get update` and installs only the missing ones (noninteractive,
# --no-install-recommends), first waiting (with a message) while another apt
# or dpkg holds the locks (scripts/apt-lock.sh). As non-root it prints the command to run and
# exits 1.
set -eu

PKGS="build-essential gcc clang make pkg-config libreadline-dev check \
liblzma-dev zlib1g-dev libzstd-dev liblz4-dev libcapstone-dev \
busybox-static cpio kmod xz-utils zstd lz4 gzip binutils tmux iproute2 \
python3 groff-base man-db bsdextrautils gdb libtsan2 libbpf-dev screen libclang-rt-14-dev \
acpica-tools"

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "install-deps: dpkg-query not found; this script supports Debian only. Install by hand: $PKGS" >&2
	exit 1
fi

# One line per installed package ("ii" = wanted and installed). Packages that
# are unknown or only half there (rc, iU, ...) count as missing.
# shellcheck disable=SC2086
installed=" $(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $PKGS 2>/dev/null |
	awk '$2 == "ii" { printf "%s ", $1 }') " || true

missing=""
for p in $PKGS; do
	case "$installed" in
	*" $p "*) ;;
	*) missing="$missing $p" ;;
	esac
done
missing=${missing# }
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: $missing; install them with: sudo apt-get install --no-install-recommends $missing" >&2
	exit 1
fi

echo "install-deps: installing: $missing"
export DEBIAN_FRONTEND=noninteractive
# Another apt (unattended-upgrades on a fresh VM) may hold the locks: wait.
. "$(dirname "$0")/apt-lock.sh"
apt_wait_lock install-deps
# shellcheck disable=SC2086
apt-get update -q $APT_LOCK_OPTS
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $APT_LOCK_OPTS $missing
