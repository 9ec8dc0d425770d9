#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The set-up a new user goes through (issue 14), without /dev/kvm: the
# build is quiet (V=1 for whole lines), make run starts hvmon with the kit's
# disk, a virtio console and an rng, and the apt scripts wait for another
# apt's lock with a message instead of failing.
. tests/integration/lib.sh

# Quiet: one "CC file" line for a compile; V=1 the whole command. Under
# make check this script runs inside make: the parent's jobserver flags
# would make the child warn, so the child gets a make of its own.
unset MAKEFLAGS MFLAGS MAKELEVEL
make --no-print-directory BUILD="$TMP/qb" "$TMP/qb/obj/src/dev/pty_hint.o" >"$TMP/quiet.out" 2>&1
if [ "$(cat "$TMP/quiet.out")" = "  CC      src/dev/pty_hint.c" ]; then
	ok "quiet build: one short line per file"
else
	fail "quiet build printed:"
	sed 's/^/    | /' "$TMP/quiet.out"
fi
rm -f "$TMP/qb/obj/src/dev/pty_hint.o"
make --no-print-directory BUILD="$TMP/qb" V=1 "$TMP/qb/obj/src/dev/pty_hint.o" >"$TMP/loud.out" 2>&1
expect_line "$TMP/loud.out" "-c -o $TMP/qb/obj/src/dev/pty_hint.o src/dev/pty_hint.c" "V=1: the whole compiler line"

# make run's command line (make -n prints it; the sub-makes only print too).
make --no-print-directory -n run GUEST_DIR=/kit >"$TMP/run.out" 2>&1
expect_line "$TMP/run.out" "--disk /kit/disk.img --hvc pty --rng /kit/vmlinuz /kit/initrd.img" \
	"make run: a disk, a virtio console and an rng"

# The apt lock: held by another process (here a python holding an fcntl
# lock on a file standing in for dpkg's), apt_wait_lock says so and waits.
: >"$TMP/lock"
python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "w")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[1] + ".held", "w").close()
time.sleep(3)
' "$TMP/lock" &
holder=$!
i=0
while [ ! -e "$TMP/lock.held" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
start=$(date +%s)
sh -c '. scripts/apt-lock.sh; APT_LOCK_FILES=$0; apt_wait_lock test-deps' "$TMP/lock" \
	>"$TMP/lock.out" 2>&1
rc=$?
waited=$(($(date +%s) - start))
wait "$holder"
expect_status "$rc" 0 "apt lock: waited, then went on"
expect_line "$TMP/lock.out" "test-deps: waiting for $TMP/lock, held by pid $holder (python3): another apt or dpkg is running" \
	"apt lock: says who holds it"
if [ "$waited" -ge 1 ]; then ok "apt lock: waited ${waited} s for the holder"; else fail "apt lock: did not wait"; fi
# Giving up after HVMON_APT_LOCK_WAIT seconds, saying so.
python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "w")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[1] + ".held2", "w").close()
time.sleep(6)
' "$TMP/lock" &
holder=$!
i=0
while [ ! -e "$TMP/lock.held2" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
HVMON_APT_LOCK_WAIT=2 sh -c '. scripts/apt-lock.sh; APT_LOCK_FILES=$0; apt_wait_lock test-deps' "$TMP/lock" \
	>"$TMP/lock2.out" 2>&1
rc=$?
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
expect_status "$rc" 1 "apt lock: gives up after HVMON_APT_LOCK_WAIT"
expect_line "$TMP/lock2.out" "is still held by pid $holder (python3) after 2 s; giving up" "apt lock: says it gave up"
finish
