#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hvmon(1) renders without a groff warning, and lists every monitor command
# the prompt's help knows.
. tests/integration/lib.sh
page=$BUILD/hvmon.1
if [ ! -f "$page" ]; then
	fail "$page not built (make all builds it)"
	finish
fi
if groff -man -Tutf8 -ww "$page" >"$TMP/page.txt" 2>"$TMP/warn" && [ ! -s "$TMP/warn" ]; then
	ok "groff renders hvmon.1 with no warning"
else
	fail "groff: $(cat "$TMP/warn")"
fi
MANWIDTH=100 man -l "$page" 2>/dev/null | col -b >"$TMP/man.txt"
"$HVMON" help | awk '/^[^ ]/ { print $1 }' | sed 's|/.*||' | while read -r cmd; do
	if grep -q "^       $cmd\\b" "$TMP/man.txt"; then echo "ok: $cmd documented"; else echo "FAIL: $cmd missing from hvmon.1"; fi
done >"$TMP/cmds"
cat "$TMP/cmds"
grep -q '^FAIL' "$TMP/cmds" && failures=$((failures + 1))
expect_line "$TMP/man.txt" "EXIT STATUS" "exit statuses documented"
finish
