#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mkman.sh HVMON IN OUT: build the hvmon(1) man page from IN, replacing the
# line '.\" @MONITOR-COMMANDS@' with the monitor's own command help
# (`hvmon help`), so the page and the prompt's `help` never disagree.
set -eu
hvmon=$1 in=$2 out=$3
cmds=$(mktemp)
trap 'rm -f "$cmds"' EXIT
# roff: escape backslashes and minus signs, and protect a leading dot or quote.
"$hvmon" help | awk '
function roff(s) {
	gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s)
	if (s ~ /^[.\047]/) s = "\\&" s
	return s
}
# A command: its synopsis in bold, its one-line summary, its aliases, then
# the details as one flowing paragraph.
/^[^ ]/ { print ".TP"; print ".B \"" roff($0) "\""; first = 1; para = 0; next }
first { sub(/^  /, ""); print roff($0) "."; first = 0; next }
/^  aliases: / { sub(/^  aliases: /, ""); print ".br"; print "Aliases: " roff($0) "."; next }
{ sub(/^  /, ""); if (!para) print ".br"; para = 1; print roff($0) }
' >"$cmds"
awk -v cmds="$cmds" '
$0 == ".\\\" @MONITOR-COMMANDS@" { while ((getline l < cmds) > 0) print l; next }
{ print }
' "$in" >"$out"
