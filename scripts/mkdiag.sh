#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mkdiag.sh TOOL DOC [--check]: replace the lines between DOC's markers
#   <!-- @DIAGNOSE-TABLE@ begin: ... -->  and  <!-- @DIAGNOSE-TABLE@ end -->
# with TOOL's output (build/tools/diagnose_table: diagnose's rule table,
# src/monitor/diagnose_rules.c), as mkman.sh makes the man page from the
# command table. With --check, change nothing: exit 1 (saying so) when DOC
# is not what the table gives.
set -eu
tool=$1 doc=$2 mode=${3:-}
new=$(mktemp)
table=$(mktemp)
trap 'rm -f "$new" "$table"' EXIT
"$tool" >"$table"
grep -q '^<!-- @DIAGNOSE-TABLE@ begin' "$doc" || { echo "mkdiag: $doc has no @DIAGNOSE-TABLE@ markers" >&2; exit 1; }
awk -v table="$table" '
/^<!-- @DIAGNOSE-TABLE@ begin/ { print; while ((getline l < table) > 0) print l; skip = 1; next }
/^<!-- @DIAGNOSE-TABLE@ end/ { skip = 0 }
!skip { print }
' "$doc" >"$new"
if [ "$mode" = --check ]; then
	if cmp -s "$new" "$doc"; then exit 0; fi
	echo "mkdiag: $doc's diagnose table is not current (make diagnose-doc)" >&2
	diff -u "$doc" "$new" >&2 || true
	exit 1
fi
cat "$new" >"$doc"
