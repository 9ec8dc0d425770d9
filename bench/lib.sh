# SPDX-License-Identifier: GPL-3.0-or-later
# What every bench script shares (sourced after its `cd` to the tree's
# top; not a bench itself: make bench skips it).

# median: the middle of the numbers on stdin, one a line (the lower middle
# of an even count); nothing for none.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# need_num WHAT VALUE...: each value a number, else the run that gave it failed.
need_num() {
	w=$1
	shift
	for x in "$@"; do
		case $x in
		'' | *[!0-9.]*) echo "bench: $w: no figure (the run above failed)" >&2; exit 1 ;;
		esac
	done
}
