# SPDX-License-Identifier: GPL-3.0-or-later
# The freestanding test guest (tests/guest/README.md), included by the
# top-level Makefile. `make guest` builds into $(BUILD)/testguest/:
#   testguest.elf          PVH ELF, loaded at 16 MiB
#   testguest.bzImage      bzImage, gzip payload
#   testguest-xz.bzImage   bzImage, xz payload (--check=crc32)
#   testguest-zstd.bzImage bzImage, zstd payload
#   testguest-lz4.bzImage  bzImage, lz4 payload (legacy frame, lz4 -l)
# The guest has its own flags: none of the host's CFLAGS (sanitizers,
# -pthread) belong in it. $(CC) may be gcc or clang; both link with GNU ld.

TG_SRC := tests/guest
TG_OUT := $(BUILD)/testguest
TG_OBJ := $(TG_OUT)/obj
OBJCOPY ?= objcopy

TG_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -MMD -MP \
	-ffreestanding -fno-builtin -nostdlib -fno-pic -fno-pie -mcmodel=small \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-omit-frame-pointer
TG_LDFLAGS := -nostdlib -static -fuse-ld=bfd -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack

TG_DRIVERS := virtio blk blk_bench rng console net net_bench hostile watch acpi acpi_guest
TG_COMMON := $(TG_OBJ)/main.o $(TG_OBJ)/ring3.o $(TG_DRIVERS:%=$(TG_OBJ)/%.o) \
	$(TG_OBJ)/smp.o $(TG_OBJ)/smp_trampoline.o
TG_PVH_OBJ := $(TG_OBJ)/pvh_entry.o $(TG_OBJ)/pvh.o $(TG_COMMON)
TG_BZ_OBJ := $(TG_OBJ)/linux64_entry.o $(TG_OBJ)/linux64.o $(TG_COMMON)
TG_BZIMAGES := $(TG_OUT)/testguest.bzImage $(TG_OUT)/testguest-xz.bzImage \
	$(TG_OUT)/testguest-zstd.bzImage $(TG_OUT)/testguest-lz4.bzImage

# Payload compressors, named by the suffix of the bzImage variant. The
# options follow what Linux's build uses where they matter: gzip without a
# name or time stamp (reproducible), xz with CRC32 (the kernel's
# decompressor has no CRC64/SHA-256), lz4 in the legacy frame.
TG_COMPRESS_gzip := gzip -9 -n -c
TG_COMPRESS_xz := xz --check=crc32 -9 -c
TG_COMPRESS_zstd := zstd -q -19 -c
TG_COMPRESS_lz4 := lz4 -q -l -9 -c

guest: $(TG_OUT)/testguest.elf $(TG_BZIMAGES)

# Static pattern rules throughout: they apply to the files listed only,
# never to a name make invents while searching implicit rules (such as
# payload-gzip.d.o when it looks for a way to remake an included .d).
$(TG_OBJ)/main.o $(TG_OBJ)/ring3.o $(TG_DRIVERS:%=$(TG_OBJ)/%.o) $(TG_OBJ)/smp.o $(TG_OBJ)/pvh.o $(TG_OBJ)/linux64.o: $(TG_OBJ)/%.o: $(TG_SRC)/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(TG_CFLAGS) -c -o $@ $<

$(TG_OBJ)/pvh_entry.o $(TG_OBJ)/linux64_entry.o: $(TG_OBJ)/%_entry.o: $(TG_SRC)/%.S
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(TG_CFLAGS) -c -o $@ $<

$(TG_OBJ)/smp_trampoline.o: $(TG_SRC)/smp_trampoline.S
	@mkdir -p $(dir $@)
	$(CC) $(TG_CFLAGS) -c -o $@ $<

$(TG_OUT)/testguest.elf: $(TG_PVH_OBJ) $(TG_SRC)/pvh.ld
	$(call say,LD,$@)$(CC) $(TG_LDFLAGS) -T $(TG_SRC)/pvh.ld -o $@ $(TG_PVH_OBJ)

TG_FORMATS := gzip xz zstd lz4
TG_PACKED := $(TG_FORMATS:%=$(TG_OBJ)/testguest.elf.%)
TG_PAYLOAD_OBJ := $(TG_FORMATS:%=$(TG_OBJ)/payload-%.o)
TG_BZ_ELF := $(TG_FORMATS:%=$(TG_OBJ)/bz-%.elf)

$(TG_PACKED): $(TG_OBJ)/testguest.elf.%: $(TG_OUT)/testguest.elf
	$(call say,$*,$@)$(TG_COMPRESS_$*) $< > $@.tmp && mv $@.tmp $@

$(TG_PAYLOAD_OBJ): $(TG_OBJ)/payload-%.o: $(TG_SRC)/payload.S $(TG_OBJ)/testguest.elf.% $(TG_OUT)/testguest.elf
	$(call say,AS,$@)$(CC) $(TG_CFLAGS) -DPAYLOAD='"$(TG_OBJ)/testguest.elf.$*"' \
		-DELF='"$(TG_OUT)/testguest.elf"' -c -o $@ $<

# bz-<format>.elf keeps the symbols of the linux64 path for debugging.
$(TG_BZ_ELF): $(TG_OBJ)/bz-%.elf: $(TG_BZ_OBJ) $(TG_OBJ)/payload-%.o $(TG_SRC)/bzimage.ld
	$(call say,LD,$@)$(CC) $(TG_LDFLAGS) -T $(TG_SRC)/bzimage.ld -o $@ $(TG_BZ_OBJ) $(TG_OBJ)/payload-$*.o

$(TG_OUT)/testguest.bzImage: $(TG_OBJ)/bz-gzip.elf
	$(call say,OBJCOPY,$@)$(OBJCOPY) -O binary $< $@

$(TG_OUT)/testguest-xz.bzImage $(TG_OUT)/testguest-zstd.bzImage \
$(TG_OUT)/testguest-lz4.bzImage: $(TG_OUT)/testguest-%.bzImage: $(TG_OBJ)/bz-%.elf
	$(call say,OBJCOPY,$@)$(OBJCOPY) -O binary $< $@

-include $(wildcard $(TG_OBJ)/*.d)
