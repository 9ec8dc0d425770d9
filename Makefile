# SPDX-License-Identifier: GPL-3.0-or-later
# hvmon build. `make` builds hvmon; `make check` builds and runs every test;
# `make run` installs what is missing, fetches the Debian guest and starts it.

CC      ?= cc
BUILD   ?= build
PKGS    := readline
# Loaded on first use (src/common/lazylib.c), not linked: their headers only.
DLOPEN_PKGS := zlib liblzma libzstd liblz4 capstone libbpf
CPPFLAGS += -Isrc -D_GNU_SOURCE
# CFLAGS is the user's (make asan sets it); the flags every build needs
# live in HVMON_CFLAGS, so a command-line CFLAGS cannot drop them.
CFLAGS  ?= -O2 -g
HVMON_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -pthread -MMD -MP
HVMON_CFLAGS += $(shell pkg-config --cflags $(PKGS) $(DLOPEN_PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
# The unit tests link the lazily loaded libraries too: they make their
# test data with them (compressed kernels).
CHECK_LIBS := $(shell pkg-config --libs check $(DLOPEN_PKGS) 2>/dev/null)

# Quiet by default ("  CC      src/vmm/bus.c"); make V=1 prints whole commands.
ifeq ($(V),1)
say =
else
say = @printf '  %-7s %s\n' '$(1)' '$(2)';
MAKEFLAGS += --no-print-directory
endif

LIB_SRC := $(sort $(wildcard src/common/*.c src/vmm/*.c src/boot/*.c src/dev/*.c src/dev/virtio/*.c src/board/*.c src/monitor/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/src/main.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check unit integration asan tsan clean deps guest guest-kit run check-linux bench bench-progs check-nested nested-qemu
.PHONY: check-repeat check-repeat-asan fuzz fuzz-build fuzz-bins fuzz-corpus
all: $(BUILD)/hvmon $(BUILD)/hvmon.1

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CPPFLAGS) $(HVMON_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libhvmon.a: $(LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@)ar rcs $@ $^

$(BUILD)/hvmon: $(MAIN_OBJ) $(BUILD)/libhvmon.a
	$(call say,LD,$@)$(CC) $(HVMON_CFLAGS) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# The man page's command list comes from the monitor's own help text.
$(BUILD)/hvmon.1: docs/hvmon.1.in $(BUILD)/hvmon scripts/mkman.sh
	$(call say,MAN,$@)scripts/mkman.sh $(BUILD)/hvmon docs/hvmon.1.in $@

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/libhvmon.a
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CPPFLAGS) -Itests/unit $(HVMON_CFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libhvmon.a $(LDFLAGS) $(LDLIBS) $(CHECK_LIBS)

# The test guest's ACPI reader, compiled into its host unit test.
$(BUILD)/tests/test_guest_acpi: tests/guest/acpi.c tests/guest/acpi.h

# Small host programs the integration tests use.
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libhvmon.a
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CPPFLAGS) $(HVMON_CFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libhvmon.a $(LDFLAGS) $(LDLIBS)

include tests/guest/guest.mk
include bench/bench.mk

# docs/monitor.md's list of diagnoses comes from diagnose's rule table
# (tests/integration/diagnose_doc.sh fails when it is stale).
.PHONY: diagnose-doc
diagnose-doc: $(BUILD)/tools/diagnose_table
	scripts/mkdiag.sh $(BUILD)/tools/diagnose_table docs/monitor.md

# Install build and test dependencies from Debian (no-op when present).
deps:
	scripts/install-deps.sh

unit: $(UNIT_BIN) $(TOOL_BIN)
integration: $(BUILD)/hvmon guest

# The Debian-kernel test skips (saying why) when the kit cannot be fetched;
# CI fetches it as a step of its own, where a failure is fatal.
check: deps
	$(MAKE) all unit guest
	-$(MAKE) guest-kit
	BUILD=$(BUILD) GUEST=$(GUEST_DIR) tests/run-tests.sh

# The suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan: deps
	$(MAKE) BUILD=build-asan CFLAGS="$(ASAN_CFLAGS)" all unit guest
	BUILD=build-asan GUEST=$(GUEST_DIR) ASAN_OPTIONS=detect_leaks=1 tests/run-tests.sh

# The suite again under ThreadSanitizer: a vCPU thread per vCPU, the
# monitor, the I/O thread. Any report fails the test that caused it
# (halt_on_error, exitcode 66); tests/tsan.supp lists the reviewed benign ones.
# TSan slows code 5-15 times: Check's per-test timeouts scale by 10.
# gcc's -Wtsan says TSan ignores atomic_thread_fence: the virtqueue's fences
# order guest-memory accesses against the guest's vCPUs (virtio 1.2 2.7.13),
# which no host sanitizer sees, so that warning is off here.
tsan: deps
	$(MAKE) BUILD=build-tsan CFLAGS="-O1 -g -fsanitize=thread -fno-omit-frame-pointer -Wno-tsan" all unit guest
	BUILD=build-tsan GUEST=$(GUEST_DIR) CK_TIMEOUT_MULTIPLIER=10 \
		TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
		tests/run-tests.sh

# Every integration test N times in a row (tests/run-repeat.sh), to show
# none flakes; ONLY="name ..." picks scripts. -asan: on the ASan build.
N ?= 100
check-repeat: deps
	$(MAKE) all unit guest
	BUILD=$(BUILD) GUEST=$(GUEST_DIR) N=$(N) ONLY="$(ONLY)" sh tests/run-repeat.sh

check-repeat-asan: deps
	$(MAKE) BUILD=build-asan CFLAGS="$(ASAN_CFLAGS)" all unit guest
	BUILD=build-asan GUEST=$(GUEST_DIR) N=$(N) ONLY="$(ONLY)" ASAN_OPTIONS=detect_leaks=1 sh tests/run-repeat.sh

# libFuzzer targets: every tests/fuzz/fuzz_NAME.c (one LLVMFuzzerTestOneInput
# each) becomes build-fuzz/fuzz/fuzz_NAME, built by clang with the library
# instrumented (fuzzer-no-link) into build-fuzz/. Seeds come from
# scripts/fuzz-corpus.sh into build/fuzz/corpus/NAME/ (the test guest's
# images, the unit tests' tables); `make fuzz` runs each target for
# FUZZ_SECONDS and keeps what it finds in the corpus, crashes in
# build/fuzz/crash/NAME/. FUZZ_ONLY="name ..." picks targets.
FUZZ_CC ?= clang
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_LIB_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)

fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CFLAGS="$(FUZZ_LIB_CFLAGS)" fuzz-bins

fuzz-bins: $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libhvmon.a
	@mkdir -p $(dir $@)
	$(call say,FUZZ,$<)$(CC) $(CPPFLAGS) $(HVMON_CFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/libhvmon.a $(LDFLAGS) $(LDLIBS)

fuzz-corpus: all unit guest
	BUILD=$(BUILD) sh scripts/fuzz-corpus.sh $(BUILD)/fuzz/corpus

fuzz: deps
	$(MAKE) fuzz-build fuzz-corpus
	BUILD=$(BUILD) FUZZ_BIN=$(FUZZ_BUILD)/fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) \
		FUZZ_ONLY="$(FUZZ_ONLY)" sh scripts/fuzz-run.sh $(FUZZ_NAMES)

# Debian's kernel to userspace under hvmon; needs hardware KVM (skips,
# saying why, where the host emulates guest kernel code).
check-linux: deps
	$(MAKE) all guest-kit
	BUILD=$(BUILD) GUEST=$(GUEST_DIR) sh tests/linux/check-linux.sh; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 77 ]

# The integration scripts on a host without /dev/kvm: each inside a QEMU
# (TCG) VM whose emulated AMD CPU lets Debian's kernel serve /dev/kvm
# (scripts/nested-check.sh, nested-kvm.sh). Only the scripts that use
# /dev/kvm: the unit tests and the other scripts need no KVM, `make check`
# runs them natively, and emulated they cost minutes. First the QEMU in
# which breakpoints reach the nested KVM (scripts/nested-qemu.sh, once);
# where it cannot be built, Debian's runs and the breakpoint tests skip.
check-nested: deps
	$(MAKE) all unit guest guest-kit
	scripts/nested-qemu.sh >/dev/null || echo "check-nested: no fixed QEMU (above); the breakpoint tests will skip"
	GUEST_DIR=$(GUEST_DIR) BUILD=$(BUILD) GUEST=$(GUEST_DIR) ONLY="$(ONLY)" scripts/nested-check.sh

# Only that QEMU (build/nested-qemu/qemu-system-x86_64).
nested-qemu:
	scripts/nested-qemu.sh

# hvmon against QEMU, as ratios (bench/README.md). Not part of check.
bench: deps
	scripts/install-bench-deps.sh
	$(MAKE) all guest bench-progs
	mkdir -p $(BUILD)/bench && rm -f $(BUILD)/bench/table.tsv
	for b in $(filter-out bench/table.sh bench/lib.sh,$(wildcard bench/*.sh)); do \
		BUILD=$(BUILD) GUEST_DIR=$(GUEST_DIR) BENCH_TABLE=$(abspath $(BUILD))/bench/table.tsv \
		sh $$b || exit 1; done
	@echo; sh bench/table.sh $(BUILD)/bench/table.tsv

# Fetch Debian's kernel and build the busybox initrd into build/guest/,
# with the real System.map from the -dbg package (HVMON_WITH_DBG=0 skips
# that 858 MB download; the debugger then uses the kernel's kallsyms).
HVMON_WITH_DBG ?= 1
GUEST_DIR ?= build/guest
guest-kit: deps
	HVMON_WITH_DBG=$(HVMON_WITH_DBG) scripts/guest-kit.sh $(GUEST_DIR)

# earlyprintk: on slow hosts Linux's serial console driver registers late.
# The packages first (make -j would otherwise compile without them).
RUN_APPEND ?= console=ttyS0 earlyprintk=ttyS0 nokaslr
# Something for `info virtio` and the inspector: the kit's disk, a
# virtio console (hvc0, on a pty of its own) and an rng.
RUN_DEVICES ?= --disk $(GUEST_DIR)/disk.img --hvc pty --rng
run: deps
	$(MAKE) all guest-kit
	$(BUILD)/hvmon -a "$(RUN_APPEND)" $(RUN_DEVICES) $(GUEST_DIR)/vmlinuz $(GUEST_DIR)/initrd.img

clean:
	rm -rf build build-asan build-tsan build-fuzz

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_BIN:=.d)
