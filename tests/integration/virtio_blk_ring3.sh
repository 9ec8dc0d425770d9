#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The benchmark's ring-3 virtio-blk driver (tests/guest/README.md,
# "Benchmark", "Ring 3 and back"; bench/virtio_blk.sh measures it) does
# what it says: its loop runs in ring 3 (paused mid-run, the vCPU is in
# user code), comes back to ring 0 to report, makes exactly N requests of
# the kind asked (the device's own pop and push counts), and its
# notifications reach the device through the ioeventfd: N requests cost
# no more userspace exits than one does (`info exits`, port I/O aside), and no MMIO exit
# is ever taken at the QueueNotify register.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf
N=40
# 1 MiB: 256 blocks of 4 KiB, 16 of 64 KiB (each seq64k lap reads all).
head -c 1048576 /dev/urandom >"$TMP/disk.img"

# bench T KIND N: N reads of KIND over transport T in ring 3; the guest
# halts after its line; then the exit counts and the queue. Output in
# $TMP/T-KIND-N.out.
bench() {
	o=$TMP/$1-$2-$3.out
	printf 'run\nwait "virtio-blk: bench %s reads" 600\nsleep 100\npause\ninfo exits\nvq blk0 0\nquit\n' \
		"$3" >"$TMP/script"
	run_hvmon 900 "$o" --batch -x "$TMP/script" --virtio "$1" --disk "$TMP/disk.img" -m 64M \
		-a "virtio=blk virtiobench=$3 virtiobenchio=$2 virtiobenchring=3 exit=hlt" "$G"
	expect_status "$status" 0 "$1 $2 N=$3: ran"
	expect_no_guest_error "$o" "$1 $2 N=$3"
}

# exits FILE: vcpu 0's exits other than port I/O (the ring-3 loop has no
# port access; port exits are the guest's serial lines, whose length
# differs with the digits of N).
exits() {
	awk '/^vcpu=0 exits=/ && !all { split($2, a, "="); all = a[2] }
	/^vcpu=0 reason=IO / { split($3, a, "="); io = a[2] }
	END { if (all != "") print all - io }' "$1"
}

for t in mmio pci; do
	for k in rand4k seq64k; do
		[ "$t" = pci ] && [ "$k" = seq64k ] && continue
		bytes=4096
		[ "$k" = seq64k ] && bytes=65536
		bench "$t" "$k" 1
		bench "$t" "$k" "$N"
		o=$TMP/$t-$k-$N.out
		expect_line "$o" "virtio-blk: bench $N reads of $bytes bytes ok ($k, ring 3)" \
			"$t $k: $N reads in ring 3, reported from ring 0"
		# The device took and completed exactly N chains of the run.
		expect_line "$o" "pops=$N pushes=$N" "$t $k: the device completed $N requests"
		expect_line "$TMP/$t-$k-1.out" "pops=1 pushes=1" "$t $k: one request with N=1"
		e1=$(exits "$TMP/$t-$k-1.out") en=$(exits "$o")
		if [ -z "$e1" ] || [ -z "$en" ]; then
			fail "$t $k: info exits gave no total"
		elif [ $((en - e1)) -lt $((N / 4)) ]; then
			ok "$t $k: $N requests cost $((en - e1)) more userspace exits (port I/O aside) than one (ioeventfd)"
		else
			fail "$t $k: $N requests cost $((en - e1)) more userspace exits (port I/O aside) than one: the notifications exit to hvmon"
		fi
	done
done
# virtio-mmio's QueueNotify is at 0x50 of the window (4.2.2): never an exit.
for f in "$TMP"/mmio-*.out; do
	if grep -q '^vcpu=0 mmio=0x[0-9a-f]*50 ' "$f"; then
		fail "$(basename "$f"): an MMIO exit at a QueueNotify register"
		grep '^vcpu=0 mmio=' "$f"
	else
		ok "$(basename "$f"): no MMIO exit at QueueNotify"
	fi
done

# Caught in the middle of a long run, the loop is in ring 3; after `run`
# it goes on.
printf 'run\nwait "virtio-blk: capacity=" 300\nsleep 500\npause\nregs\nvq blk0 0\nquit\n' >"$TMP/script"
run_hvmon 900 "$TMP/mid.out" --batch -x "$TMP/script" --virtio mmio --disk "$TMP/disk.img" -m 64M \
	-a "virtio=blk virtiobench=1000000 virtiobenchio=rand4k virtiobenchring=3 exit=hlt" "$G"
expect_status "$status" 0 "mid-run: paused and quit"
expect_line "$TMP/mid.out" "cs=0x0033 " "mid-run: the vCPU was in ring 3 (user code selector)"
expect_no_line "$TMP/mid.out" "virtio-blk: bench" "mid-run: the loop had not finished"
if grep -qE '^pops=[1-9][0-9]* pushes=[1-9]' "$TMP/mid.out"; then
	ok "mid-run: requests were being completed"
else
	fail "mid-run: no request completed"; grep -E '^pops=' "$TMP/mid.out"
fi
finish
