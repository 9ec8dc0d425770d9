#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# install-bench-deps.sh: the benchmarks' peer, QEMU with KVM, from Debian
# (qemu-system-x86). Run by `make bench`; a no-op when it is there. As
# non-root it prints the command to run and exits 1.
set -eu
command -v qemu-system-x86_64 >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "install-bench-deps: qemu-system-x86_64 missing; install it with: sudo apt-get install --no-install-recommends qemu-system-x86" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends qemu-system-x86
