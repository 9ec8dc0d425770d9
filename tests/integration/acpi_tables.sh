#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The firmware tables (issue 8) checked with ACPICA's own tools: for 1, 2,
# 8 and 64 vCPUs, PCI and MMIO, with and without devices, the tables that
# tests/tools/acpi_tables builds (the same code hvmon runs, no KVM needed)
# must have good checksums and disassemble with `iasl -d` with no error or
# warning; `acpiexec` loads them and evaluates every device's _HID, _STA
# and _CRS, the PCI root's _PRT and \_S5, and the values must be the
# machine's: COM1 at 0x3f8 IRQ 4, virtio-mmio device n at 0xd0000000 +
# n * 0x1000 on GSI 5, 6, 7, 9, 12, 13, 14, 15, 3 (virtio_board.c), PCI
# slot s's INTA on GSI 10 + ((s - 1) & 1), one MADT LAPIC per vCPU with
# APIC ID = index. Then the same through hvmon (`info acpi`, `acpi dump`)
# with -c 1 and -c 4 (-c 4 only once hvmon takes more than one vCPU).
. tests/integration/lib.sh
TOOL=$BUILD/tools/acpi_tables

if ! command -v iasl >/dev/null || ! command -v acpiexec >/dev/null; then
	echo "skipped: iasl/acpiexec missing (Debian's acpica-tools)"
	exit 77
fi

MMIO_GSI="5 6 7 9 12 13 14 15 3"

# obj_out FILE OBJ: acpiexec's lines for the evaluation of OBJ.
obj_out() {
	awk -v o="Evaluating $2" '$0 == o { on = 1; next } /^Evaluating |^ACPI: / { on = 0 } on' "$1"
}

# obj_bytes FILE OBJ: a buffer's bytes as one lower-case hex string.
obj_bytes() {
	obj_out "$1" "$2" | sed -n 's/^.*[0-9A-F]\{4\}: \(\([0-9A-F][0-9A-F] \)*[0-9A-F][0-9A-F]\).*/\1/p' |
		tr -d ' \n' | tr 'A-F' 'a-f'
}

le32() {
	printf '%02x%02x%02x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255))
}

# check_dir NAME DIR NCPUS NMMIO: the dumped tables of a machine with
# NCPUS vCPUs and NMMIO virtio-mmio devices.
check_dir() {
	name=$1 dir=$2 ncpus=$3 nmmio=$4
	for t in xsdt facp facs dsdt apic; do
		[ -s "$dir/$t.dat" ] || fail "$name: no $t.dat"
	done
	(cd "$dir" && for f in *.dat; do iasl -d "$f"; done) >"$dir/iasl.out" 2>&1
	if grep -iE 'warning|error|does not contain a valid' "$dir/iasl.out"; then
		fail "$name: iasl -d complained"
	else
		ok "$name: iasl -d disassembles $(ls "$dir"/*.dat | wc -l) tables cleanly"
	fi
	n=$(grep -c 'Subtable Type : 00 \[Processor Local APIC\]' "$dir/apic.dsl")
	[ "$n" -eq "$ncpus" ] && ok "$name: MADT has $ncpus LAPICs" || fail "$name: MADT has $n LAPICs, wanted $ncpus"
	ids=$(sed -n 's/.*Local Apic ID : \([0-9A-F]*\)$/\1/p' "$dir/apic.dsl" | tr '\n' ' ')
	want=$(i=0; while [ $i -lt "$ncpus" ]; do printf '%02X ' $i; i=$((i + 1)); done)
	[ "$ids" = "$want" ] && ok "$name: APIC IDs 0..$((ncpus - 1))" || fail "$name: APIC IDs '$ids'"
	grep -q 'Subtable Type : 01 \[I/O APIC\]' "$dir/apic.dsl" && ok "$name: MADT IOAPIC" ||
		fail "$name: no IOAPIC in the MADT"

	cmds="evaluate \\_S5; evaluate \\_SB.PCI0._PRT"
	devs="COM1 PCI0"
	i=0
	while [ $i -lt "$nmmio" ]; do devs="$devs $(printf 'VR%02X' $i)"; i=$((i + 1)); done
	for d in $devs; do
		for m in _HID _STA _CRS; do cmds="$cmds; evaluate \\_SB.$d.$m"; done
	done
	(cd "$dir" && timeout 60 acpiexec -b "$cmds" dsdt.dat facp.dat apic.dat) >"$dir/exec.out" 2>&1
	if grep -E 'ACPI (Error|Warning|BIOS)|AE_NOT_FOUND|AE_AML' "$dir/exec.out"; then
		fail "$name: acpiexec reported errors"
	else
		ok "$name: acpiexec ran every method without an error"
	fi
	f=$dir/exec.out
	obj_out "$f" '\_S5' | grep -q '\[Integer\] = 0000000000000005' && ok "$name: \\_S5 SLP_TYP 5" ||
		fail "$name: \\_S5"
	obj_out "$f" '\_SB.COM1._HID' | grep -q '\[Integer\] = 000000000105D041' &&
		ok "$name: COM1 _HID PNP0501" || fail "$name: COM1 _HID"
	[ "$(obj_bytes "$f" '\_SB.COM1._CRS')" = "4701f803f80301082210007900" ] &&
		ok "$name: COM1 _CRS IO 0x3f8/8 IRQ 4" || fail "$name: COM1 _CRS $(obj_bytes "$f" '\_SB.COM1._CRS')"
	obj_out "$f" '\_SB.PCI0._HID' | grep -q '\[Integer\] = 00000000030AD041' &&
		ok "$name: PCI0 _HID PNP0A03" || fail "$name: PCI0 _HID"
	# WordBusNumber 0-0, IO 0xcf8/8, DWordMemory 0xc0000000-0xcfffffff
	want=880d00020c000000000000000000010047 want=${want}01f80cf80c0108
	want=${want}871700000c0100000000000000c0ffffffcf00000000000000107900
	[ "$(obj_bytes "$f" '\_SB.PCI0._CRS')" = "$want" ] &&
		ok "$name: PCI0 bus 0, ports 0xcf8-0xcff, window 0xc0000000-0xcfffffff" ||
		fail "$name: PCI0 _CRS $(obj_bytes "$f" '\_SB.PCI0._CRS')"
	prt=$(obj_out "$f" '\_SB.PCI0._PRT' | sed -n 's/.*\[Integer\] = \([0-9A-F]*\)$/\1/p' | tr '\n' ' ')
	want="" s=1
	while [ $s -lt 32 ]; do
		want="$want$(printf '%016X %016X %016X %016X ' $(((s << 16) | 0xffff)) 0 0 $((10 + ((s - 1) & 1))))"
		s=$((s + 1))
	done
	[ "$prt" = "$want" ] && ok "$name: _PRT slots 1-31 INTA on GSI 10/11" || fail "$name: _PRT '$prt'"
	i=0
	for gsi in $MMIO_GSI; do
		[ $i -lt "$nmmio" ] || break
		d=$(printf 'VR%02X' $i)
		obj_out "$f" "\\_SB.$d._HID" | grep -q '"LNRO0005"' && ok "$name: $d _HID LNRO0005" ||
			fail "$name: $d _HID"
		obj_out "$f" "\\_SB.$d._STA" | grep -q '\[Integer\] = 000000000000000F' ||
			fail "$name: $d _STA"
		want="86090001$(le32 $((0xd0000000 + i * 4096)))$(le32 512)89060001$(printf '%02x' 1)$(le32 "$gsi")7900"
		[ "$(obj_bytes "$f" "\\_SB.$d._CRS")" = "$want" ] &&
			ok "$name: $d _CRS window 0x$(printf '%x' $((0xd0000000 + i * 4096))) GSI $gsi level high" ||
			fail "$name: $d _CRS $(obj_bytes "$f" "\\_SB.$d._CRS"), wanted $want"
		i=$((i + 1))
	done
	for d in $devs; do
		obj_out "$f" "\\_SB.$d._STA" | grep -q '\[Integer\] = 000000000000000F' ||
			fail "$name: $d _STA not 0xf"
	done
	if [ "$nmmio" -eq 0 ] && grep -q LNRO0005 "$dir/dsdt.dsl"; then
		fail "$name: a virtio-mmio device in a machine without one"
	fi
}

# Part 1: the host tool, every machine shape.
for c in 1 2 8 64; do
	for shape in "pci 0" "pci 3" "mmio 0" "mmio 2" "mmio 9"; do
		set -- $shape
		name="$c vCPUs, $1, $2 devices" dir=$TMP/t-$c-$1-$2
		if [ "$1" = mmio ]; then mmio=--mmio nmmio=$2; else mmio= nmmio=0; fi
		if ! "$TOOL" -c "$c" $mmio -d "$2" "$dir" >"$dir.list" 2>&1; then
			fail "$name: acpi_tables failed"; cat "$dir.list"; continue
		fi
		n=$(grep -c ' sum=ok$' "$dir.list")
		[ "$n" -eq 8 ] && ok "$name: 8 tables, checksums hold" || { fail "$name: checksums"; cat "$dir.list"; }
		check_dir "$name" "$dir" "$c" "$nmmio"
	done
done

# Part 2: through hvmon's monitor. Needs KVM; -c 4 once SMP is in.
if [ ! -c /dev/kvm ]; then
	echo "part 2 skipped: no /dev/kvm"
	finish
fi
# The test guest reads the tables and powers off through \_S5 and the
# FADT's PM1a_CNT, on both boot protocols (RSDP from start_info and from
# boot_params); hvmon exits 0.
for proto in pvh linux64; do
	img=$proto o=$TMP/off-$proto.out
	run_hvmon 60 "$o" --batch -m 64M --boot "$proto" --virtio mmio --rng -a "exit=acpi" \
		"$TESTGUEST/testguest.bzImage"
	expect_status "$status" 0 "$img: ACPI power-off ends hvmon"
	expect_line "$o" "acpi: rsdp=0xe0000 (from the loader)" "$img: RSDP from the loader"
	expect_line "$o" "acpi: cpus=1 apic ids 0" "$img: the MADT's processor"
	expect_line "$o" "acpi: LNRO0005 0xd0000000 size=0x200 irq=5" "$img: the DSDT's virtio-mmio device"
	expect_line "$o" "hvmon-testguest: ACPI S5 power-off: PM1a_CNT=0x604 SLP_TYP=5" \
		"$img: the guest wrote \\_S5's value to the FADT's PM1a_CNT"
	expect_line "$o" "guest powered off: ACPI S5 (PM1a_CNT SLP_TYP=5 SLP_EN)" "$img: hvmon saw the S5 write"
	expect_no_guest_error "$o" "$img"
done
# Reset still works next to it.
run_hvmon 60 "$TMP/reset.out" --batch -m 64M -a "exit=cf9" "$TESTGUEST/testguest.elf"
expect_status "$status" 0 "reset through 0xcf9 still ends hvmon"
expect_line "$TMP/reset.out" "guest reset" "reset reported"

for c in 1 4; do
	dir=$TMP/hv-$c o=$TMP/hv-$c.out
	printf 'info acpi\nacpi dump %s\nquit\n' "$dir" >"$TMP/script"
	run_hvmon 60 "$o" --batch -x "$TMP/script" -c "$c" -m 64M --virtio mmio --rng --rng \
		"$TESTGUEST/testguest.elf"
	if [ "$c" -gt 1 ] && [ "$status" -eq 2 ]; then
		echo "note: hvmon refuses -c $c (no SMP yet); that machine is covered by part 1"
		continue
	fi
	expect_status "$status" 0 "hvmon -c $c: info acpi and acpi dump"
	for t in RSDP XSDT FACP FACS DSDT APIC _MP_ PCMP; do
		grep -q "^$t .*checksum=ok" "$o" || fail "hvmon -c $c: info acpi has no good $t"
	done
	expect_line "$o" "acpi dump: 5 tables written to $dir" "hvmon -c $c: acpi dump"
	check_dir "hvmon -c $c" "$dir" "$c" 2
done
finish
