#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/table.sh [FILE]: the rows every bench appended to BENCH_TABLE
# (FILE, or standard input), as one aligned table with the ratios
# hvmon/qemu and hvmon/bare, blank where a row has no such peer
# (bench/README.md, "One table"). `make bench` prints it at the end.
# A row is one line of six tab-separated fields:
#   bench  row  unit  hvmon  qemu  bare
# the last three numbers, or empty where there is no such peer.
set -eu
[ $# -le 1 ] || { echo "usage: bench/table.sh [FILE]" >&2; exit 2; }
[ $# -eq 0 ] || [ -r "$1" ] || { echo "bench/table.sh: cannot read $1" >&2; exit 2; }
awk -F '\t' '
function isnum(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
function ratio(a, b) { return (isnum(a) && isnum(b) && b + 0 != 0) ? sprintf("%.2f", a / b) : "" }
NF == 0 { next }
NF != 6 { printf "bench/table.sh: line %d has %d fields, not 6: %s\n", NR, NF, $0 > "/dev/stderr"; bad = 1; next }
{
	n++
	for (i = 1; i <= 6; i++) {
		if (i >= 4 && $i != "" && !isnum($i)) {
			printf "bench/table.sh: line %d: \"%s\" is not a number\n", NR, $i > "/dev/stderr"
			bad = 1
		}
		c[n, i] = $i
	}
	c[n, 7] = ratio($4, $5)
	c[n, 8] = ratio($4, $6)
}
END {
	split("bench row unit hvmon qemu bare hvmon/qemu hvmon/bare", h, " ")
	for (i = 1; i <= 8; i++) {
		c[0, i] = h[i]
		for (r = 0; r <= n; r++)
			if (length(c[r, i]) > w[i])
				w[i] = length(c[r, i])
	}
	for (r = 0; r <= n; r++) {
		line = ""
		for (i = 1; i <= 8; i++)   # text left-aligned, numbers right-aligned
			line = line (i > 1 ? "  " : "") sprintf(i <= 3 ? "%-" w[i] "s" : "%" w[i] "s", c[r, i])
		sub(/ +$/, "", line)
		print line
	}
	if (n == 0)
		print "(no rows)"
	print "hvmon/peer below 1: hvmon takes less time or memory; for a rate (unit .../s) above 1 is faster"
	exit bad
}' "$@"
