# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for the integration tests (sourced). Each test prints what it
# checks, exits 0 on success, 77 when skipped (saying why), 1 on failure.
BUILD=${BUILD:-build}
HVMON=${HVMON:-$BUILD/hvmon}
TESTGUEST=${TESTGUEST:-$BUILD/testguest}
GUEST=${GUEST:-$BUILD/guest}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvmon-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

need_kvm() {
	if [ ! -c /dev/kvm ] || ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
		echo "skipped: no /dev/kvm"
		exit 77
	fi
}

# need_netns NAME: create the network namespace NAME and check a command
# runs in it, else skip saying why. `ip netns add` alone succeeds in a
# chroot, where `ip netns exec` then fails (its `mount --make-rslave /` is
# refused), as does everything the test would do there.
need_netns() {
	if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null 2>&1; then
		echo "skipped: cannot create a network namespace (needs root and iproute2)"
		exit 77
	fi
	if ! why=$(ip netns add "$1" 2>&1); then
		echo "skipped: cannot create a network namespace: $why"
		exit 77
	fi
	if ! why=$(ip netns exec "$1" true 2>&1); then
		ip netns del "$1" 2>/dev/null
		echo "skipped: cannot enter a network namespace (in a chroot?): $(echo "$why" | head -1)"
		exit 77
	fi
}

# netns_with_tap NAME: the network namespace NAME (need_netns), removed
# with $TMP at exit, holding the tap hvt0 at 10.0.2.2/24 for a guest's
# virtio-net (--net tap=hvt0; scripts/netns-tap.sh); nsx CMD runs CMD in it.
netns_with_tap() {
	NS=$1
	need_netns "$NS"
	trap 'ip netns del "$NS" 2>/dev/null; rm -rf "$TMP"' EXIT
	scripts/netns-tap.sh "$NS"
}
nsx() { ip netns exec "$NS" "$@"; }

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

ok() {
	echo "ok: $*"
}

# expect_line FILE PATTERN WHAT: FILE has a line matching the fixed string.
expect_line() {
	if grep -qF -- "$2" "$1"; then ok "$3"; else fail "$3: no line with '$2' in $1"; sed 's/^/    | /' "$1" | tail -30; fi
}

expect_no_line() {
	if grep -qF -- "$2" "$1"; then fail "$3: unexpected '$2'"; else ok "$3"; fi
}

# between FILE FROM TO: FILE's lines from the one matching ^FROM$ to the
# one matching ^TO$ (the `echo mark-...` lines of a monitor script).
between() { sed -n "/^$2\$/,/^$3\$/p" "$1"; }

# expect_between FILE FROM TO TEXT WHAT: a line between the marks holds
# TEXT; expect_not_between: none does.
expect_between() {
	if between "$1" "$2" "$3" | grep -qF -- "$4"; then ok "$5"; else
		fail "$5: no '$4' between $2 and $3"; between "$1" "$2" "$3" | sed 's/^/    | /' | tail -40; fi
}
expect_not_between() {
	if between "$1" "$2" "$3" | grep -qF -- "$4"; then fail "$5: '$4' between $2 and $3"; else ok "$5"; fi
}

# expect_no_guest_error FILE WHAT: no test-guest line (hvmon-testguest:,
# virtio:, virtio-blk: ...) reports an error or a timeout; prints any that do.
expect_no_guest_error() {
	if grep -E '^(hvmon-testguest|virtio(-[a-z]+)?): .*(error|timeout)' "$1"; then
		fail "$2: the guest reported an error"
	else
		ok "$2: no error line from the guest"
	fi
}

# hostile KIND TRANSPORT GUEST-ARGS GUEST-LINE DIAGNOSE-TEXT: the test
# guest's blk driver breaks one virtio rule (virtiohostile=KIND, plus
# GUEST-ARGS on its command line) on $TMP/disk.img over --virtio
# TRANSPORT. hvmon must keep running and answer the monitor, the guest
# print "virtio-blk: hostile KIND: GUEST-LINE", diagnose say DIAGNOSE-TEXT.
# The output stays in $TMP/KIND-TRANSPORT.out.
hostile() {
	kind=$1 transport=$2 o=$TMP/$1-$2.out
	printf 'run\nwait "virtio-blk: hostile %s" 30\nsleep 200\npause\ndiagnose blk0\ninfo virtio\necho alive\nquit\n' \
		"$kind" >"$TMP/script"
	run_hvmon 60 "$o" --batch -x "$TMP/script" --virtio "$transport" --disk "$TMP/disk.img" \
		-m 64M -a "virtio=blk virtiohostile=$kind $3 exit=hlt" "$TESTGUEST/testguest.elf"
	expect_status "$status" 0 "$kind/$transport: hvmon kept running and quit"
	expect_line "$o" "alive" "$kind/$transport: the monitor answered after the fault"
	expect_line "$o" "virtio-blk: hostile $kind: $4" "$kind/$transport: what the guest saw"
	expect_line "$o" "$5" "$kind/$transport: diagnose names the fault"
}

# expect_status GOT WANT WHAT
expect_status() {
	if [ "$1" -eq "$2" ]; then ok "$3 (exit $1)"; else fail "$3: exit status $1, wanted $2"; fi
}

# run_hvmon SECONDS OUTFILE ARGS...: run hvmon with a time limit; stdout
# and stderr to OUTFILE (stderr also to OUTFILE.err); sets $status.
run_hvmon() {
	limit=$1 out=$2
	shift 2
	timeout --kill-after=5 "$limit" "$HVMON" "$@" >"$out" 2>"$out.err" </dev/null
	status=$?
	cat "$out.err" >>"$out"
}

# Disks for the test guest's blk driver (tests/guest/README.md, "Virtio").
# new_disk FILE: 64 KiB (128 sectors) of random content; sets want_sum to
# the guest's checksum of its first 4 KiB (little-endian u32 words summed
# modulo 2^32, as for the initrd).
new_disk() {
	head -c 65536 /dev/urandom >"$1"
	want_sum=$(head -c 4096 "$1" | od -An -v -tu4 -w4 |
		awk '{ s = (s + $1) % 4294967296 } END { printf "0x%08x", s }')
}

# pattern_hex: the sector the guest writes, byte i = 0xa5 ^ (i & 0xff),
# as one line of hex.
pattern_hex() {
	i=0
	while [ $i -lt 512 ]; do
		printf '%02x' $(((i & 255) ^ 165))
		i=$((i + 1))
	done
}

# sector_hex FILE N: sector N of FILE as one line of hex.
sector_hex() {
	dd if="$1" bs=512 skip="$2" count=1 2>/dev/null | od -An -v -tx1 | tr -d ' \n'
}

# expect_pattern_sector FILE WHAT OK-TEXT FAIL-TEXT: sector 1 of FILE is
# the guest's pattern ($TMP/pattern.hex, from pattern_hex).
expect_pattern_sector() {
	if [ "$(sector_hex "$1" 1)" = "$(cat "$TMP/pattern.hex")" ]; then
		ok "$2: $3"
	else
		fail "$2: $4"
	fi
}

finish() {
	if [ "$failures" -eq 0 ]; then exit 0; fi
	echo "$failures check(s) failed"
	exit 1
}

# gdb against hvmon (gdb_*.sh). start_hvmon_gdb SECONDS ARGS...: hvmon
# in the background with --gdb on a free port and its monitor reading
# $TMP/mon.fifo (write commands with mon CMD); output in $TMP/hvmon.out.
# Sets $hv_pid and $port (from "gdb server on 127.0.0.1:PORT").
start_hvmon_gdb() {
	limit=$1
	shift
	rm -f "$TMP/mon.fifo"
	mkfifo "$TMP/mon.fifo"
	timeout --kill-after=5 "$limit" "$HVMON" --gdb tcp:127.0.0.1:0 "$@" \
		<"$TMP/mon.fifo" >"$TMP/hvmon.out" 2>&1 &
	hv_pid=$!
	exec 3>"$TMP/mon.fifo"
	port=
	for _ in $(seq 50); do
		port=$(sed -n 's/^hvmon: gdb server on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/hvmon.out")
		[ -n "$port" ] && return 0
		sleep 0.2
	done
	fail "hvmon did not start its gdb server"
	cat "$TMP/hvmon.out"
	finish
}

mon() {
	printf '%s\n' "$*" >&3
}

# wait_for_line FILE TEXT SECONDS: poll until FILE has TEXT; 1 on timeout.
wait_for_line() {
	n=$(($3 * 5))
	while [ "$n" -gt 0 ]; do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

# gdb_batch OUT ARGS...: Debian's gdb in batch mode (no ~/.gdbinit).
gdb_batch() {
	out=$1
	shift
	timeout "${GDB_TIMEOUT:-120}" gdb -nx -batch -ex "set pagination off" "$@" >"$out" 2>&1
}

# expect_regs_agree FILE REG...: FILE holds gdb's `info registers` and the
# monitor's `regs` (gdb's `monitor regs`) for the same stop; each REG has
# the same value in both.
expect_regs_agree() {
	f=$1
	shift
	for r in "$@"; do
		# Both as hex without leading zeros ("0" for zero).
		g=$(awk -v r="$r" '$1 == r { v = $2; sub(/^0x0*/, "", v); print (v == "" ? "0" : v); exit }' "$f")
		m=$(tr ' ' '\n' <"$f" | awk -F= -v r="$r" 'NF == 2 && $1 == r { v = $2; sub(/^0x0*/, "", v); print (v == "" ? "0" : v); exit }')
		if [ -n "$g" ] && [ "$g" = "$m" ]; then ok "$r: gdb and regs agree (0x$g)"
		else fail "$r: gdb says 0x$g, regs says 0x$m"; fi
	done
}

# int3_exits: false where the guest's int3 never reaches KVM, so no
# software breakpoint can stop; need_int3_exits skips (exit 77) there:
# Debian's QEMU's TCG under scripts/nested-kvm.sh (NESTED_KVM=1) delivers
# int3 straight to the guest's IDT, whatever KVM_GUESTDBG_USE_SW_BP asked,
# unless nested-kvm.sh ran the QEMU scripts/nested-qemu.sh builds, and
# said so with NESTED_BREAKPOINTS=1 (its header says why).
int3_exits() {
	[ "${NESTED_KVM:-}" != 1 ] || [ "${NESTED_BREAKPOINTS:-}" = 1 ]
}
# dr_breakpoints_fire: false where an execution breakpoint in DR0
# (KVM_GUESTDBG_USE_HW_BP) never fires: the same TCG, the same fix.
dr_breakpoints_fire() {
	[ "${NESTED_KVM:-}" != 1 ] || [ "${NESTED_BREAKPOINTS:-}" = 1 ]
}
need_int3_exits() {
	if ! int3_exits; then
		echo "skipped: int3 never exits to KVM in QEMU's TCG (scripts/nested-kvm.sh), so software breakpoints cannot stop"
		exit 77
	fi
}
