#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# install-bench-deps.sh: what the benchmarks need besides the build: the
# peer, QEMU with KVM (qemu-system-x86), GNU time for CPU time and peak RSS
# (time), and gdb for the stepping benchmark. Run by `make bench`; a no-op
# when all are there. As non-root it prints the command to run and exits 1.
set -eu
missing=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing="$missing qemu-system-x86"
[ -x /usr/bin/time ] || missing="$missing time"
command -v gdb >/dev/null 2>&1 || missing="$missing gdb"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "install-bench-deps: missing:$missing; install with: sudo apt-get install --no-install-recommends$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
