#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The ORC tables hvmon keeps from Debian's bzImage (src/monitor/kimage.c)
# agree with the real System.map from the -dbg package: at the first
# instruction of every C function the return address is at the stack
# pointer (cfa=sp+8, a call frame), and the assembly entry points the
# kernel marks as outermost (startup_64, ret_from_fork) carry the end
# marker. Only .cold parts and assembly code may differ.
. tests/integration/lib.sh
TOOL=$BUILD/tools/orc_lookup
if [ ! -f "$GUEST/System.map" ] || [ ! -f "$GUEST/vmlinuz" ]; then
	echo "skipped: no $GUEST/System.map (HVMON_WITH_DBG=1 scripts/guest-kit.sh $GUEST fetches it)"
	exit 77
fi
if [ ! -x "$TOOL" ]; then
	fail "$TOOL not built (make unit builds it)"
	finish
fi
awk '$2 == "t" || $2 == "T" { print $1, $3 }' "$GUEST/System.map" >"$TMP/funcs"
if cut -d' ' -f1 "$TMP/funcs" | "$TOOL" "$GUEST/vmlinuz" >"$TMP/rules" 2>"$TMP/err"; then
	ok "$(cat "$TMP/err")"
else
	fail "orc_lookup: $(cat "$TMP/err")"
	finish
fi
expect_line "$TMP/err" "orc=" "the image has ORC tables"
paste -d' ' "$TMP/funcs" "$TMP/rules" >"$TMP/both"
rule() { awk -v n="$1" '$2 == n { $1 = $2 = $3 = ""; sub(/^ +/, ""); print; exit }' "$TMP/both"; }
for f in start_kernel get_partial_node.part.0 kmem_cache_init; do
	r=$(rule "$f")
	if [ "$r" = "cfa=sp+8 bp unchanged call" ]; then ok "$f: call frame at entry"; else fail "$f: '$r'"; fi
done
for f in startup_64 secondary_startup_64_no_verify ret_from_fork; do
	r=$(rule "$f")
	if [ "$r" = "end" ]; then ok "$f: end of stack"; else fail "$f: '$r', wanted end"; fi
done
total=$(grep -vc '\.cold' "$TMP/both")
odd=$(grep -v '\.cold' "$TMP/both" | grep -vc 'cfa=sp+8 bp unchanged call$')
# Debian 6.1: 46660 functions, 204 assembly entries (entry_*, xen_asm_*, thunks).
if [ "$odd" -lt $((total / 100)) ]; then
	ok "$((total - odd)) of $total function entries are call frames at sp+8"
else
	fail "$odd of $total function entries are not call frames at sp+8:"
	grep -v '\.cold' "$TMP/both" | grep -v 'cfa=sp+8 bp unchanged call$' | head
fi
finish
