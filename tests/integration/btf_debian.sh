#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The BTF hvmon keeps from Debian's bzImage, read through libbpf, lays out
# the kernel's types where the specs put them: struct list_head's next and
# prev at 0 and 8, and struct boot_params (the zero page) with
# e820_entries at 0x1e8, the setup header at 0x1f1 and e820_table at 0x2d0
# (Documentation/arch/x86/zero-page.rst); the printk ring buffer and
# task_struct, which dmesg-style reading and `p init_task.comm` need, are
# there with comm a char[16].
. tests/integration/lib.sh
TOOL=$BUILD/tools/btf_ptype
if [ ! -f "$GUEST/vmlinuz" ]; then
	echo "skipped: Debian kernel not fetched ('make guest-kit' failed or was not run)"
	exit 77
fi
if [ ! -x "$TOOL" ]; then
	fail "$TOOL not built (make unit builds it)"
	finish
fi
if "$TOOL" "$GUEST/vmlinuz" "struct list_head" "struct boot_params" "struct task_struct" \
	"struct printk_ringbuffer" "unsigned long" >"$TMP/out" 2>"$TMP/err"; then
	ok "ptype of five types"
else
	fail "btf_ptype: $(cat "$TMP/err")"
	finish
fi
o=$TMP/out
expect_line "$o" "/*        0 |     8 */    struct list_head *next;" "list_head.next at 0"
expect_line "$o" "/*        8 |     8 */    struct list_head *prev;" "list_head.prev at 8"
expect_line "$o" "/*      488 |     1 */    __u8 e820_entries;" "boot_params.e820_entries at 0x1e8"
expect_line "$o" "/*      497 |   123 */    struct setup_header hdr;" "boot_params.hdr at 0x1f1"
expect_line "$o" "/*      720 |  2560 */    struct boot_e820_entry e820_table[128];" "boot_params.e820_table at 0x2d0"
expect_line "$o" "    char comm[16];" "task_struct.comm is a char[16]"
expect_line "$o" "    struct prb_desc_ring desc_ring;" "printk_ringbuffer.desc_ring"
expect_line "$o" "type = long unsigned int /* 8 bytes */" "unsigned long is GCC's long unsigned int"
# dmesg's layout from the same BTF: what tests/unit/test_printk_rb.c's
# synthetic ring uses (Linux 6.1).
"$TOOL" "$GUEST/vmlinuz" --prb >"$TMP/prb" 2>&1
expect_line "$TMP/prb" "prb: desc_ring=0 count_bits=0 descs=8 infos=16 head_id=24 tail_id=32 text_ring=48 size_bits=0 data=8 desc_size=24 state_var=0 begin=8 next=16 info_size=88 seq=0 ts_nsec=8 text_len=16/2 level=157:3" \
	"the printk ring-buffer layout from BTF"
if "$TOOL" "$GUEST/vmlinuz" "struct no_such_type" >/dev/null 2>"$TMP/err"; then
	fail "an unknown type was found"
else
	expect_line "$TMP/err" "no type struct no_such_type" "an unknown type is refused"
fi
finish
