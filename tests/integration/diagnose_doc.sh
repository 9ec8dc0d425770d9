#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# docs/monitor.md's table of diagnoses is the one diagnose evaluates
# (src/monitor/diagnose_rules.c, printed by build/tools/diagnose_table):
# scripts/mkdiag.sh --check fails when someone edits one and not the other.
. tests/integration/lib.sh
tool=$BUILD/tools/diagnose_table
if [ ! -x "$tool" ]; then
	fail "$tool not built (make unit builds it)"
	finish
fi
if sh scripts/mkdiag.sh "$tool" docs/monitor.md --check 2>"$TMP/err"; then
	ok "docs/monitor.md's diagnose table is current"
else
	fail "docs/monitor.md's diagnose table is stale: $(head -1 "$TMP/err")"
fi
"$tool" >"$TMP/table"
rows=$(grep -c '^| `' "$TMP/table")
if [ "$rows" -ge 20 ]; then ok "the table has $rows rules"; else fail "only $rows rules in the table"; fi
expect_no_line "$TMP/table" "2.7.13.3" "no rule cites 2.7.13.3 (Updating idx) for notifying"
finish
