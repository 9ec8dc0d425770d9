#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Debian's stock kernel reads hvmon's firmware tables (issue 8) in the part
# of its boot this host's emulator reaches (docs/design.md 3; earlyprintk,
# since the serial console registers later): with -c 4 --virtio mmio
# --disk --rng it prints a line for every ACPI table, the IOAPIC from the
# MADT, takes the SMP configuration from the MADT and allows 4 CPUs, with
# no "ACPI Error" or "ACPI BIOS Error" line; with acpi=off it finds the
# same CPUs and IOAPIC through the MP table. (Linux prints the MADT's
# LAPIC entries with pr_debug only, before dynamic debug can enable them:
# the CPU count is what shows them.)
. tests/integration/lib.sh
need_kvm
if [ ! -f "$GUEST/vmlinuz" ] || [ ! -f "$GUEST/initrd.img" ]; then
	echo "skipped: Debian kernel not fetched ('make guest-kit' failed or was not run)"
	exit 77
fi
NCPUS=4
run_hvmon 10 "$TMP/c.out" --batch -c "$NCPUS" "$TESTGUEST/testguest.elf" </dev/null
if grep -q -- "-c\|--cpus\|vCPU" "$TMP/c.out" && [ "$status" -eq 2 ]; then
	echo "skipped: hvmon refuses -c $NCPUS (SMP not in this build)"
	exit 77
fi
new_disk "$TMP/disk.img"

# boot NAME EXTRA-CMDLINE WAIT-TEXT: the kernel up to WAIT-TEXT, then pause.
boot() {
	printf 'run\nwait "%s" 300\npause\nquit\n' "$3" >"$TMP/$1.script"
	run_hvmon 420 "$TMP/$1.out" --batch -x "$TMP/$1.script" -m 256M -c "$NCPUS" \
		--virtio mmio --disk "$TMP/disk.img" --rng \
		-a "console=ttyS0 earlyprintk=ttyS0 nokaslr $2" "$GUEST/vmlinuz" "$GUEST/initrd.img"
	expect_status "$status" 0 "$1: the kernel reached '$3'"
}

boot acpi "" "Allowing $NCPUS CPUs, 0 hotplug CPUs"
o=$TMP/acpi.out
expect_line "$o" "ACPI: RSDP 0x00000000000E0000 000024 (v02 HVMON )" "acpi: RSDP from hvmon"
for t in XSDT FACP DSDT FACS APIC; do
	if grep -q "ACPI: $t 0x00000000000E[0-9A-F]\{4\} " "$o"; then ok "acpi: $t table line"; else fail "acpi: no $t table line"; fi
done
expect_line "$o" "ACPI: Using ACPI (MADT) for SMP configuration information" "acpi: SMP from the MADT"
expect_line "$o" "IOAPIC[0]: apic_id 0, version 17, address 0xfec00000, GSI 0-23" "acpi: the MADT's IOAPIC"
expect_line "$o" "ACPI: LAPIC_NMI (acpi_id[0xff] high edge lint[0x1])" "acpi: the MADT's LAPIC NMI"
expect_line "$o" "ACPI: INT_SRC_OVR (bus 0 bus_irq 5 global_irq 5 high level)" "acpi: virtio-mmio line 5 level"
expect_line "$o" "smpboot: Allowing $NCPUS CPUs, 0 hotplug CPUs" "acpi: $NCPUS CPUs from the MADT"
expect_no_line "$o" "virtio_mmio.device=" "acpi: no virtio_mmio.device= words (the DSDT has the devices)"
if grep -E 'ACPI (BIOS )?Error|ACPI Warning' "$o"; then fail "acpi: ACPI complained"; else ok "acpi: no ACPI error or warning"; fi

boot mptable "acpi=off" "Allowing $NCPUS CPUs, 0 hotplug CPUs"
o=$TMP/mptable.out
expect_line "$o" "found SMP MP-table at [mem 0x000f0000-0x000f000f]" "acpi=off: MP floating pointer found"
expect_line "$o" "Intel MultiProcessor Specification v1.4" "acpi=off: MP 1.4"
expect_line "$o" "MPTABLE: OEM ID: HVMON" "acpi=off: hvmon's MP table"
expect_line "$o" "IOAPIC[0]: apic_id 0, version 17, address 0xfec00000, GSI 0-23" "acpi=off: the MP table's IOAPIC"
expect_line "$o" "smpboot: Allowing $NCPUS CPUs, 0 hotplug CPUs" "acpi=off: $NCPUS CPUs from the MP table"
expect_line "$o" "virtio_mmio.device=0x200@0xd0000000:5" "acpi=off: the windows on the command line instead"
expect_no_line "$o" "ACPI: RSDP" "acpi=off: no ACPI"
finish
