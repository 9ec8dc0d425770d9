# SPDX-License-Identifier: GPL-3.0-or-later
# hvmon build. `make` builds hvmon; `make check` builds and runs every test;
# `make run` installs what is missing, fetches the Debian guest and starts it.

CC      ?= cc
BUILD   ?= build
PKGS    := readline liblzma zlib libzstd liblz4 capstone
CPPFLAGS += -Isrc -D_GNU_SOURCE
# CFLAGS is the user's (make asan sets it); the flags every build needs
# live in HVMON_CFLAGS, so a command-line CFLAGS cannot drop them.
CFLAGS  ?= -O2 -g
HVMON_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -pthread -MMD -MP
HVMON_CFLAGS += $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

LIB_SRC := $(sort $(wildcard src/vmm/*.c src/boot/*.c src/dev/*.c src/dev/virtio/*.c src/monitor/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/src/main.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check unit integration asan clean deps guest guest-kit run check-linux bench
all: $(BUILD)/hvmon $(BUILD)/hvmon.1

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(HVMON_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/libhvmon.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/hvmon: $(MAIN_OBJ) $(BUILD)/libhvmon.a
	$(CC) $(HVMON_CFLAGS) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# The man page's command list comes from the monitor's own help text.
$(BUILD)/hvmon.1: docs/hvmon.1.in $(BUILD)/hvmon scripts/mkman.sh
	scripts/mkman.sh $(BUILD)/hvmon docs/hvmon.1.in $@

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/libhvmon.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(HVMON_CFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libhvmon.a $(LDFLAGS) $(LDLIBS) $(CHECK_LIBS)

# The test guest's ACPI reader, compiled into its host unit test.
$(BUILD)/tests/test_guest_acpi: tests/guest/acpi.c tests/guest/acpi.h

# Small host programs the integration tests use.
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libhvmon.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(HVMON_CFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libhvmon.a $(LDFLAGS) $(LDLIBS)

include tests/guest/guest.mk

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
asan: deps
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" all unit guest
	BUILD=build-asan GUEST=$(GUEST_DIR) ASAN_OPTIONS=detect_leaks=1 tests/run-tests.sh

# Debian's kernel to userspace under hvmon; needs hardware KVM (skips,
# saying why, where the host emulates guest kernel code).
check-linux: deps
	$(MAKE) all guest-kit
	BUILD=$(BUILD) GUEST=$(GUEST_DIR) sh tests/linux/check-linux.sh; rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 77 ]

# hvmon against QEMU, as ratios (bench/README.md). Not part of check.
bench: deps
	scripts/install-bench-deps.sh
	$(MAKE) all guest
	for b in bench/*.sh; do BUILD=$(BUILD) sh $$b || exit 1; done

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
run: deps
	$(MAKE) all guest-kit
	$(BUILD)/hvmon -a "$(RUN_APPEND)" $(GUEST_DIR)/vmlinuz $(GUEST_DIR)/initrd.img

clean:
	rm -rf build build-asan

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
