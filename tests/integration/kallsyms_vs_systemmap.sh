#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The kallsyms tables hvmon decodes from Debian's stripped kernel agree with
# the real System.map from the -dbg package: the same text symbols at the
# same addresses, and every decoded symbol is in the map. The map has a few
# more: scripts/kallsyms.c leaves out absolute symbols, the kallsyms_*
# tables themselves and init_per_cpu__*; it types per-CPU symbols 'A'.
. tests/integration/lib.sh
DUMP=$BUILD/tools/kallsyms_dump
if [ ! -f "$GUEST/System.map" ] || [ ! -f "$GUEST/vmlinuz" ]; then
	echo "skipped: no $GUEST/System.map (HVMON_WITH_DBG=1 scripts/guest-kit.sh $GUEST fetches it)"
	exit 77
fi
if [ ! -x "$DUMP" ]; then
	fail "$DUMP not built (make unit builds it)"
	finish
fi

if "$DUMP" "$GUEST/vmlinuz" >"$TMP/kallsyms" 2>"$TMP/err"; then
	ok "$(cat "$TMP/err")"
else
	fail "kallsyms_dump: $(cat "$TMP/err")"
	finish
fi

awk '$2 == "t" || $2 == "T"' "$TMP/kallsyms" | sort >"$TMP/ks.text"
awk '$2 == "t" || $2 == "T"' "$GUEST/System.map" | sort >"$TMP/map.text"
if cmp -s "$TMP/ks.text" "$TMP/map.text"; then
	ok "all $(wc -l <"$TMP/map.text") text symbols agree with System.map"
else
	fail "text symbols differ from System.map:"
	diff "$TMP/ks.text" "$TMP/map.text" | head -20
fi

awk '{ print $1, $3 }' "$TMP/kallsyms" | sort >"$TMP/ks.all"
awk '{ print $1, $3 }' "$GUEST/System.map" | sort >"$TMP/map.all"
extra=$(comm -23 "$TMP/ks.all" "$TMP/map.all" | wc -l)
if [ "$extra" -eq 0 ]; then
	ok "every one of $(wc -l <"$TMP/ks.all") decoded symbols is in System.map"
else
	fail "$extra decoded symbols are not in System.map:"
	comm -23 "$TMP/ks.all" "$TMP/map.all" | head -20
fi
missing=$(comm -13 "$TMP/ks.all" "$TMP/map.all" |
	grep -Ecv ' (kallsyms_|init_per_cpu__)|^0000000|^ffffffffffffffff ')
if [ "$missing" -eq 0 ]; then
	ok "System.map has nothing more than what kallsyms leaves out"
else
	fail "$missing System.map symbols missing from kallsyms"
fi

# docs/design.md section 2 gives these for 6.1.0-56; other versions differ.
if grep -q '^6\.1\.0-56-' "$GUEST/kernel-version" 2>/dev/null; then
	expect_line "$TMP/kallsyms" "ffffffff81000000 T startup_64" "startup_64"
	expect_line "$TMP/kallsyms" "ffffffff83079e46 T start_kernel" "start_kernel"
fi
finish
