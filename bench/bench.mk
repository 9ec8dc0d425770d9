# SPDX-License-Identifier: GPL-3.0-or-later
# The benchmarks' own programs (bench/README.md), included by the top-level
# Makefile: $(BUILD)/bench/bare_kvm, the floor, and
# $(BUILD)/bench/exitloop.elf, the guest every VMM runs.
BENCH_OUT := $(BUILD)/bench

$(BENCH_OUT)/bare_kvm: bench/bare_kvm.c
	@mkdir -p $(dir $@)
	$(CC) $(HVMON_CFLAGS) $(CFLAGS) -o $@ $<

# 32-bit, no libc, no PIE: the PVH entry runs it as linked.
$(BENCH_OUT)/exitloop.elf: bench/guest/exitloop.S bench/guest/exitloop.ld
	@mkdir -p $(dir $@)
	$(CC) -m32 -nostdlib -static -no-pie -Wl,--build-id=none \
		-Wl,-T,bench/guest/exitloop.ld -o $@ bench/guest/exitloop.S

bench-progs: $(BENCH_OUT)/bare_kvm $(BENCH_OUT)/exitloop.elf

# tests/integration/exit_counts.sh runs exitloop.elf too: `make guest`
# (which check and integration build) builds it.
guest: $(BENCH_OUT)/exitloop.elf
