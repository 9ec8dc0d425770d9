#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Four vCPUs (-c 4) with the test guest's SMP bring-up (smp=on, tests/guest/
# README.md "SMP"): the APs wait for SIPI until the guest starts them, come
# up and report; info cpus, info lapic, info ioapic and nmi show real state;
# all-stop debugging: a breakpoint in the APs' loop is hit by each AP and
# reported with its vCPU, step moves only the selected vCPU, two vCPUs
# hitting a breakpoint together are both reported, 1,000 pause/run rounds
# leave every vCPU accounted for.
. tests/integration/lib.sh
need_kvm
G=$TESTGUEST/testguest.elf
sym() { nm "$G" | awk -v s="$1" '$3 == s { print "0x" substr($1, match($1, /[1-9a-f]/)) }'; }
ap_tick=$(sym ap_tick)
ap_ticks=$(sym ap_ticks)
ARGS="-c 4 -m 64M -a"
GUEST_ARGS="smp=on exit=hlt"

# --- More vCPUs than this KVM allows: one line, exit 2 (4096 is above
# every stock KVM_MAX_VCPUS; cli_errors.sh checks hvmon's own ceiling) ---
run_hvmon 30 "$TMP/many.out" --batch -c 4096 "$G"
expect_status "$status" 2 "-c 4096 refused"
if [ "$(grep -c . "$TMP/many.out.err")" -eq 1 ] && grep -q -- "--cpus 4096: this KVM runs 1 to [0-9]* vCPUs" "$TMP/many.out.err"; then
	ok "-c 4096: one line: $(cat "$TMP/many.out.err")"
else
	fail "-c 4096: wanted one line naming KVM's limit, got:"; cat "$TMP/many.out.err"
fi

# --- Bring-up, info cpus, info lapic, info ioapic, nmi ---
cat >"$TMP/up.script" <<'SCRIPT'
echo == before
info cpus
run
wait "smp: 4 cpus online" 60
sleep 200
pause
echo == after
info cpus
echo == lapic0
info lapic 0
echo == lapic2
info lapic 2
echo == ioapic
info ioapic
nmi 1
cpu 1
regs
quit
SCRIPT
run_hvmon 120 "$TMP/up.out" --batch -x "$TMP/up.script" $ARGS "$GUEST_ARGS" "$G"
o=$TMP/up.out
expect_status "$status" 0 "bring-up script ran"
for n in 1 2 3; do
	expect_line "$o" "smp: cpu $n apic_id=$n up" "AP $n came up and reported its APIC ID"
done
expect_line "$o" "smp: 4 cpus online" "the guest saw every AP"
expect_no_guest_error "$o" "bring-up"
sed -n '/^== before/,/^== after/p' "$o" >"$TMP/before"
sed -n '/^== after/,/^== lapic0/p' "$o" >"$TMP/after"
expect_line "$TMP/before" "*cpu=0 state=stopped" "info cpus before run: the BSP is ready"
for n in 1 2 3; do
	expect_line "$TMP/before" " cpu=$n state=waiting-for-SIPI" "info cpus before run: AP $n waits for SIPI"
	# After the pause every AP is in its loop in 64-bit mode.
	if grep -E "^ cpu=$n state=stopped rip=0x[0-9a-f]+ <(ap_tick|ap_loop|smp_ap_entry)[^>]*> mode=\"64-bit" "$TMP/after" >/dev/null; then
		ok "info cpus after the pause: AP $n stopped in its loop, 64-bit"
	else
		fail "info cpus after the pause: AP $n not in its loop"; cat "$TMP/after"
	fi
done
expect_line "$TMP/after" "*cpu=0 state=halted" "info cpus: the BSP sits in HLT (exit=hlt)"
expect_line "$TMP/after" "why=pause" "info cpus: why they stopped"
sed -n '/^== lapic0/,/^== lapic2/p' "$o" >"$TMP/lapic0"
sed -n '/^== lapic2/,/^== ioapic/p' "$o" >"$TMP/lapic2"
sed -n '/^== ioapic/,$p' "$o" >"$TMP/ioapic"
expect_line "$TMP/lapic0" "apic_id=0 " "info lapic 0: APIC ID 0"
expect_line "$TMP/lapic0" "software_enabled=yes" "info lapic 0: the guest enabled its LAPIC (SVR bit 8)"
expect_line "$TMP/lapic0" "delivery=start-up dest_mode=physical dest=0x03" "info lapic 0: the last IPI was the SIPI to APIC 3"
expect_line "$TMP/lapic0" "icr=0x0300000000004608" "info lapic 0: ICR as written (vector 8, the trampoline page)"
expect_line "$TMP/lapic0" "lint0: vector=0x00 delivery=ExtINT masked=no" "info lapic 0: LINT0 virtual wire"
expect_line "$TMP/lapic0" "lint1: vector=0x00 delivery=NMI masked=no" "info lapic 0: LINT1 NMI"
expect_line "$TMP/lapic0" "timer: vector=0x00 mode=one-shot masked=yes" "info lapic 0: timer decoded"
expect_line "$TMP/lapic2" "apic_id=2 " "info lapic 2: APIC ID 2"
expect_line "$TMP/ioapic" "ioapic id=0 base=0xfec00000" "info ioapic: the IOAPIC"
expect_line "$TMP/ioapic" "pin=23 " "info ioapic: all 24 pins"
expect_line "$o" "nmi: queued on vCPU 1" "nmi 1"
expect_line "$o" "nmi=pending" "regs on vCPU 1 shows the NMI pending"

# --- An AP the guest has not started cannot be stepped: one clear error ---
printf 'cpu 1\nstep\n' >"$TMP/sipi.script"
run_hvmon 60 "$TMP/sipi.out" --batch -x "$TMP/sipi.script" $ARGS "$GUEST_ARGS" "$G"
expect_status "$status" 2 "step on an AP waiting for SIPI fails"
expect_line "$TMP/sipi.out" "error: vCPU 1 is waiting for INIT/SIPI" "and says why"

# --- step moves only the selected vCPU ---
cat >"$TMP/step.script" <<'SCRIPT'
run
wait "smp: 4 cpus online" 60
sleep 100
pause
echo == one
info cpus
cpu 2
step
echo == two
info cpus
step 5
echo == three
info cpus
quit
SCRIPT
run_hvmon 120 "$TMP/step.out" --batch -x "$TMP/step.script" $ARGS "$GUEST_ARGS" "$G"
o=$TMP/step.out
expect_status "$status" 0 "step script"
rips() { sed -n "/^== $1/,/^== /p" "$o" | awk -v c="cpu=$2" '$1 ~ c"$" { for (i = 1; i <= NF; i++) if ($i ~ /^rip=/) print $i }'; }
for n in 0 1 3; do
	a=$(rips one $n) b=$(rips two $n) c=$(rips three $n)
	if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" = "$c" ]; then
		ok "vCPU $n did not move while vCPU 2 stepped ($a)"
	else
		fail "vCPU $n moved while vCPU 2 stepped: '$a' '$b' '$c'"
	fi
done
a=$(rips one 2) b=$(rips two 2) c=$(rips three 2)
if [ -n "$a" ] && [ "$a" != "$b" ] && [ "$b" != "$c" ]; then
	ok "vCPU 2 moved with each step ($a, $b, $c)"
else
	fail "vCPU 2 did not step: '$a' '$b' '$c'"
fi

# --- 1,000 pause/run rounds: every vCPU accounted for, none stuck ---
{
	printf 'run\nwait "smp: 4 cpus online" 60\n'
	i=0
	while [ $i -lt 1000 ]; do printf 'pause\nrun\n'; i=$((i + 1)); done
	for part in first second; do
		[ $part = second ] && printf 'run\nsleep 500\n'
		printf 'pause\necho == %s\n' $part
		for n in 1 2 3; do printf 'x/1xg 0x%x\n' $((ap_ticks + 8 * n)); done
		printf 'info cpus\n'
	done
	printf 'quit\n'
} >"$TMP/rounds.script"
start=$(date +%s)
run_hvmon 300 "$TMP/rounds.out" --batch -x "$TMP/rounds.script" $ARGS "$GUEST_ARGS" "$G"
o=$TMP/rounds.out
expect_status "$status" 0 "1,000 pause/run rounds ended (no deadlock) in $(($(date +%s) - start)) s"
paused=$(grep -c "^paused: " "$o")
if [ "$paused" -eq 1002 ]; then ok "every pause parked the machine (1002)"; else fail "$paused of 1002 pauses reported parked"; fi
for n in 0 1 2 3; do
	c=$(sed -n '/^== second/,$p' "$o" | grep -cE "^[ *]cpu=$n state=(stopped|halted) ")
	if [ "$c" -eq 1 ]; then ok "vCPU $n parked after the rounds"; else fail "vCPU $n not accounted for"; sed -n '/^== second/,$p' "$o"; fi
done
# ap_ticks[1..3] grew between the two looks: every AP still runs.
ticks() { sed -n "/^== $1/,/^== /p" "$o" | grep "^$(printf '0x%016x' $((ap_ticks + 8 * $2))):" | awk '{ print $2 }'; }
for n in 1 2 3; do
	a=$(ticks first $n) b=$(ticks second $n)
	if [ -n "$a" ] && [ -n "$b" ] && [ $((b)) -gt $((a)) ]; then
		ok "AP $n still runs after the rounds (ap_ticks $((a)) -> $((b)))"
	else
		fail "AP $n stuck after the rounds: ap_ticks '$a' -> '$b'"
	fi
done

# --- Breakpoints (int3): only where the guest's int3 exits to KVM ---
if ! int3_exits; then
	echo "skipped part: breakpoints (int3 never exits to KVM in QEMU's TCG, scripts/nested-kvm.sh)"
	finish
fi

# --- A breakpoint in the APs' loop: each AP hits it, reported with its vCPU ---
{
	printf 'run\nwait "smp: 4 cpus online" 60\npause\nbreak ap_tick\n'
	i=0
	while [ $i -lt 40 ]; do printf 'run\nwait stop 30\n'; i=$((i + 1)); done
	printf 'info cpus\nquit\n'
} >"$TMP/bp.script"
run_hvmon 180 "$TMP/bp.out" --batch -x "$TMP/bp.script" $ARGS "$GUEST_ARGS" "$G"
o=$TMP/bp.out
expect_status "$status" 0 "40 breakpoint rounds"
for n in 1 2 3; do
	expect_line "$o" "vCPU $n: breakpoint 1 at $ap_tick (ap_tick)" "AP $n hit the breakpoint, named"
	expect_line "$o" "vcpu=$n rip=$ap_tick <ap_tick>" "AP $n's location shown at the hit"
done
expect_no_line "$o" "vCPU 0: breakpoint" "the halted BSP never hit it"
expect_line "$o" "[switching to vCPU " "the monitor selects the vCPU that stopped the machine"
hits=$(grep -c ": breakpoint 1 at $ap_tick" "$o")
if [ "$hits" -ge 40 ]; then ok "every round reported a hit ($hits)"; else fail "only $hits hits in 40 rounds"; fi
expect_line "$o" "why=breakpoint1" "info cpus: why the last one stopped"

# --- Two vCPUs hitting a breakpoint in the same round: both reported ---
# The APs spin until the BSP releases them together into ap_tick, where
# the breakpoint waits: the first hit stops the machine while the others
# are on their way into the same int3. Whether a second one gets there
# before its kick depends on the host's scheduling, so up to 8 runs; in
# every run each vCPU a hit is reported for must say so in info cpus (no
# event lost, none invented).
both=0 try=0
while [ $try -lt 8 ] && [ $both -eq 0 ]; do
	try=$((try + 1))
	printf 'break ap_tick\nrun\nwait stop 60\necho == cpus\ninfo cpus\nquit\n' >"$TMP/two.script"
	run_hvmon 120 "$TMP/two.out" --batch -x "$TMP/two.script" $ARGS "$GUEST_ARGS" "$G"
	o=$TMP/two.out
	[ "$status" -eq 0 ] || { fail "run $try: exit status $status"; cat "$o"; break; }
	reported=$(grep -o "^vCPU [0-9]*: breakpoint 1 at $ap_tick" "$o" | awk '{ print $2 }' | tr -d : | sort -u)
	[ -n "$reported" ] || { fail "run $try: no breakpoint reported"; cat "$o"; break; }
	for n in $reported; do
		sed -n '/^== cpus/,$p' "$o" | grep -q "^[ *]cpu=$n .*rip=$ap_tick .*why=breakpoint1" ||
			fail "run $try: vCPU $n reported a hit that info cpus does not show"
	done
	# A vCPU whose info cpus says it hit the breakpoint was reported.
	for n in $(sed -n '/^== cpus/,$p' "$o" | grep "why=breakpoint1" | sed 's/^[ *]cpu=\([0-9]*\).*/\1/'); do
		echo "$reported" | grep -qx "$n" || fail "run $try: vCPU $n hit the breakpoint but was not reported"
	done
	[ "$(echo "$reported" | wc -l)" -ge 2 ] && both=1
done
if [ $both -eq 1 ]; then
	ok "two vCPUs hit the breakpoint in one round and both were reported (run $try)"
else
	fail "no run of $try had two vCPUs reported in one round"
fi


finish
