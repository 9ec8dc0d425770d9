#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/table.sh, the tool `make bench` ends with (bench/README.md "One
# table"): the rows the benches appended to BENCH_TABLE become one aligned
# table with hvmon/qemu and hvmon/bare, blank where a row has no such peer;
# a line that breaks the convention is refused. Fixed rows, no timing.
. tests/integration/lib.sh
t=$(printf '\t')
{
	printf 'exits%sstart-up, wall%sms%s421.5%s2245.2%s320.0\n' "$t" "$t" "$t" "$t" "$t"
	printf 'step%sgdb stepi%ssteps/s%s131.2%s50.7%s\n' "$t" "$t" "$t" "$t" "$t"
	printf 'watch_cost%sexits per round%sexits%s4095.0%s%s\n' "$t" "$t" "$t" "$t" "$t"
	printf 'pause%spause 1 vCPU%sms%s0.500%s0%s\n' "$t" "$t" "$t" "$t" "$t"
} >"$TMP/rows.tsv"
sh bench/table.sh "$TMP/rows.tsv" >"$TMP/out" 2>&1
expect_status "$?" 0 "well-formed rows"
o=$TMP/out
expect_line "$o" "bench       row              unit      hvmon    qemu   bare  hvmon/qemu  hvmon/bare" "the header, aligned"
expect_line "$o" "exits       start-up, wall   ms        421.5  2245.2  320.0        0.19        1.32" "both ratios"
expect_line "$o" "step        gdb stepi        steps/s   131.2    50.7               2.59" "no bare: its ratio blank"
if grep -qx "watch_cost  exits per round  exits    4095.0" "$o"; then ok "no peer: both ratios blank"; else fail "no peer: $(grep watch_cost "$o")"; fi
if grep -qx "pause       pause 1 vCPU     ms        0.500       0" "$o"; then ok "a zero peer gives no ratio"; else fail "zero peer: $(grep pause "$o")"; fi
sh bench/table.sh <"$TMP/rows.tsv" >"$TMP/stdin.out" 2>&1
cmp -s "$o" "$TMP/stdin.out" && ok "the rows from standard input" || fail "standard input gave another table"

printf 'exits%sstart-up%sms%s1.0\n' "$t" "$t" "$t" >"$TMP/short.tsv"
sh bench/table.sh "$TMP/short.tsv" >"$TMP/short.out" 2>&1
[ $? -ne 0 ] && ok "a row of four fields fails" || fail "a row of four fields passed"
expect_line "$TMP/short.out" "line 1 has 4 fields, not 6" "and says which line"
printf 'exits%sstart-up%sms%sfast%s1%s\n' "$t" "$t" "$t" "$t" "$t" >"$TMP/word.tsv"
sh bench/table.sh "$TMP/word.tsv" >"$TMP/word.out" 2>&1
[ $? -ne 0 ] && ok "a value that is not a number fails" || fail "a word as a value passed"
expect_line "$TMP/word.out" '"fast" is not a number' "and names it"
sh bench/table.sh "$TMP/missing.tsv" >"$TMP/missing.out" 2>&1
expect_status "$?" 2 "a missing file"
finish
